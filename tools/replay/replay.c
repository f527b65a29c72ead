// SPDX-License-Identifier: MIT
/*
 * tools/replay/replay.c - running a trace's events on a fresh heap.
 *
 * Events name blocks by handle; the replay keeps, per handle, the address
 * its own heap returned, so an address of the trace that lay in a block
 * becomes the same offset in the replayed block whatever the layout.  An
 * address that lay in no block is passed on unchanged when the heap has
 * the layout of the trace's init line, where it is invalid just as it was
 * for the program (the replay then makes exactly the program's calls),
 * and dropped otherwise, where it might by chance name a replayed block.
 *
 * On that layout a MeMS trace's recorded results are the replay's to
 * give: a line whose call gives another result is reported with what
 * differed, counted for mems-dump's exit status, and the replay goes on
 * with what the heap gave.
 *
 * A step is one line of the trace that calls the allocator; the observer
 * is told of the heap after whole steps.  The heap is seen only through
 * the public API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mems/introspect.h>

#include "replay.h"

struct replay {
	const struct trace *trace;
	const struct trace_replay_config *cfg;
	const struct trace_replay_hooks *hooks;
	struct mems_heap *heap;
	struct mems_heap_config heap_cfg; /* @heap's, resolved */
	/*
	 * The heap runs as the program's did: the layout of the trace's
	 * init line, or empty before any (nothing is allocated there).
	 */
	bool exact;
	enum outcome got; /* what the event's call gave */
	uintptr_t got_value; /* OUTCOME_VALUE's value */
	uintptr_t *addrs; /* per block handle; 0: none */
	unsigned long step;
	unsigned long os_base_mmap; /* of this heap, before any event */
	unsigned long os_base_munmap;
	unsigned long os_done_mmap; /* of heaps already destroyed */
	unsigned long os_done_munmap;
	const struct event *ev;
};

static unsigned long line_of(const struct replay *r)
{
	return r->ev ? r->ev->line : 0;
}

/* The configuration a heap gets: options first, then @layout, else 0. */
static struct mems_heap_config replay_config(const struct replay *r,
					     const struct trace_layout *layout)
{
	const struct trace_replay_config *config = r->cfg;
	struct mems_heap_config cfg = {
		.policy = config->policy,
		.page_size = config->page_size,
		.virt_base = config->virt_base,
		.align = config->align,
	};

	if (!layout)
		return cfg;
	if (!cfg.policy)
		cfg.policy = layout->policy;
	if (!cfg.page_size)
		cfg.page_size = layout->page_size;
	if (!cfg.virt_base)
		cfg.virt_base = layout->virt_base;
	if (!cfg.align)
		cfg.align = layout->align;
	return cfg;
}

/*
 * --trim-threshold, else the trace's init line, else -1: a trace that
 * says nothing was recorded without trimming, whatever this build's
 * default.
 */
static long replay_trim_threshold(const struct replay *r,
				  const struct trace_layout *layout)
{
	if (r->cfg->trim_threshold != TRIM_FROM_TRACE)
		return r->cfg->trim_threshold;
	return layout ? layout->trim_threshold : -1;
}

/* What mems_heap_create() makes of the zeros of @cfg. */
static void config_resolve(struct mems_heap_config *cfg)
{
	struct mems_heap_config def;

	mems_default_config(&def);
	if (!cfg->policy)
		cfg->policy = def.policy;
	if (!cfg->page_size)
		cfg->page_size = def.page_size;
	if (!cfg->virt_base)
		cfg->virt_base = def.virt_base;
	if (!cfg->align)
		cfg->align = def.align;
}

static void replay_account(struct replay *r)
{
	struct mems_heap_stats stats;

	mems_heap_stats(r->heap, &stats);
	r->os_done_mmap += stats.mmap_calls - r->os_base_mmap;
	r->os_done_munmap += stats.munmap_calls - r->os_base_munmap;
}

/*
 * A fresh, empty heap, as mems_init() makes one.  The same layout only
 * empties the heap; another one needs a new heap, whose own mapping is
 * not counted among the calls of the replay.
 */
static int replay_heap(struct replay *r, const struct trace_layout *layout)
{
	struct mems_heap_config cfg = replay_config(r, layout);
	struct mems_heap *heap = r->heap;
	struct mems_heap_stats stats;
	int err;

	long trim = replay_trim_threshold(r, layout);

	config_resolve(&cfg);
	r->exact = !layout || (!strcmp(cfg.policy, layout->policy) &&
			       cfg.page_size == layout->page_size &&
			       cfg.virt_base == layout->virt_base &&
			       cfg.align == layout->align &&
			       trim == layout->trim_threshold);
	/* The program's realloc grew in place where this one moves. */
	r->exact &= !r->cfg->realloc_moves;
	if (heap && r->heap_cfg.page_size == cfg.page_size &&
	    r->heap_cfg.virt_base == cfg.virt_base &&
	    r->heap_cfg.align == cfg.align) {
		mems_heap_reset(heap);
		if (strcmp(mems_heap_policy(heap), cfg.policy))
			mems_heap_set_policy(heap, cfg.policy);
		mems_heap_set_trim_threshold(heap, trim);
		r->heap_cfg = cfg;
		return 0;
	}
	if (heap) {
		replay_account(r);
		mems_heap_destroy(heap);
		r->heap = NULL;
	}
	err = mems_heap_create(&cfg, &heap);
	if (err) {
		trace_error(r->trace->path, line_of(r),
			    "cannot create a heap (%s, page size %zu, virtual "
			    "base %ju, alignment %zu): %s",
			    cfg.policy, cfg.page_size, (uintmax_t)cfg.virt_base,
			    cfg.align, strerror(-err));
		return -1;
	}
	r->heap = heap;
	r->heap_cfg = cfg;
	mems_heap_set_trim_threshold(heap, trim);
	mems_heap_stats(heap, &stats);
	r->os_base_mmap = stats.mmap_calls;
	r->os_base_munmap = stats.munmap_calls;
	return 0;
}

static void replay_gave(struct replay *r, enum outcome outcome, uintptr_t value)
{
	r->got = outcome;
	r->got_value = value;
}

/*
 * mems_malloc(): 0 with the block in *v (0 for a request of 0 bytes), 1
 * when the heap has no room (ENOMEM), -1 once an error is reported.
 */
static int replay_alloc(struct replay *r, size_t size, uintptr_t *v)
{
	void *addr;

	*v = 0;
	/* mems_malloc(0) returns NULL before it reaches the heap. */
	if (!size) {
		replay_gave(r, OUTCOME_VALUE, 0);
		return 0;
	}
	if (mems_heap_alloc(r->heap, size, &addr)) {
		replay_gave(r, OUTCOME_ENOMEM, 0);
		return 1;
	}
	*v = (uintptr_t)addr;
	replay_gave(r, OUTCOME_VALUE, *v);
	return 0;
}

/* The replay's address for what @ev names, or 0: nothing to call. */
static uintptr_t replay_translate(const struct replay *r,
				  const struct event *ev)
{
	if (ev->block != NO_BLOCK)
		return r->addrs[ev->block] ? r->addrs[ev->block] + ev->offset :
					     0;
	if (r->exact && r->trace->format == FORMAT_MEMS)
		return ev->addr;
	return 0;
}

/*
 * An invalid free is the program's mistake, replayed: not an error.
 * @v 0 is a free of NULL (@named 0), which does nothing, or of a block
 * that this replay has not.
 */
static int replay_free(struct replay *r, uintptr_t v, uintptr_t named)
{
	if (!v)
		replay_gave(r, named ? OUTCOME_NO_BLOCK : OUTCOME_OK, 0);
	else if (mems_heap_free(r->heap, (void *)v))
		replay_gave(r, OUTCOME_EINVAL, 0);
	else
		replay_gave(r, OUTCOME_OK, 0);
	return 0;
}

/* --realloc-moves: a new block, then the old one freed, never in place. */
static int replay_realloc_moving(struct replay *r, const struct event *ev)
{
	uintptr_t old = r->addrs[ev->old_block], v;
	int err = replay_alloc(r, ev->size, &v);

	r->addrs[ev->old_block] = 0;
	/* A failed realloc leaves the old block where it was. */
	if (err > 0) {
		r->addrs[ev->block] = old;
		return 0;
	}
	r->addrs[ev->block] = v;
	return err ? err : replay_free(r, old, old);
}

/*
 * mems_realloc(): in place when it can.  An old block that this replay
 * could not allocate makes it an allocation; a failure leaves the block
 * where it was, under its old handle as under the new.
 */
static int replay_realloc(struct replay *r, const struct event *ev)
{
	uintptr_t old = r->addrs[ev->old_block];
	void *out;
	int err;

	if (r->cfg->realloc_moves)
		return replay_realloc_moving(r, ev);
	if (!ev->size) {
		r->addrs[ev->old_block] = 0;
		return replay_free(r, old, old);
	}
	err = mems_heap_realloc(r->heap, (void *)old, ev->size, &out);
	if (err) {
		replay_gave(r, err == -ENOMEM ? OUTCOME_ENOMEM : OUTCOME_EINVAL,
			    0);
		r->addrs[ev->block] = old;
		return 0;
	}
	replay_gave(r, OUTCOME_VALUE, (uintptr_t)out);
	r->addrs[ev->old_block] = 0;
	r->addrs[ev->block] = (uintptr_t)out;
	return 0;
}

/* mems_get(): it changes nothing, but the program did call it. */
static void replay_get(struct replay *r, const struct event *ev)
{
	uintptr_t v = replay_translate(r, ev);

	if (!v)
		replay_gave(r, ev->addr ? OUTCOME_NO_BLOCK : OUTCOME_EINVAL, 0);
	else if (mems_heap_get(r->heap, (void *)v))
		replay_gave(r, OUTCOME_OK, 0);
	else
		replay_gave(r, OUTCOME_EINVAL, 0);
}

static int replay_event(struct replay *r, const struct event *ev)
{
	uintptr_t v;
	int err;

	replay_gave(r, OUTCOME_NONE, 0);
	switch (ev->kind) {
	case EVENT_INIT:
		return replay_heap(r, &r->trace->layouts[ev->block]);
	case EVENT_FINISH:
		mems_heap_reset(r->heap);
		return 0;
	case EVENT_MALLOC:
		err = replay_alloc(r, ev->size, &v);
		r->addrs[ev->block] = v;
		return err < 0 ? err : 0;
	case EVENT_FREE:
		v = replay_translate(r, ev);
		if (v && ev->block != NO_BLOCK && !ev->offset)
			r->addrs[ev->block] = 0;
		return replay_free(r, v, ev->addr);
	case EVENT_GET:
		replay_get(r, ev);
		return 0;
	case EVENT_STATS:
		return 0;
	case EVENT_REALLOC:
		return replay_realloc(r, ev);
	case EVENT_TRIM:
		replay_gave(r, OUTCOME_VALUE,
			    (uintptr_t)mems_heap_trim(r->heap, ev->size));
		return 0;
	}
	return 0;
}

/* @outcome as the trace writes it after "->". */
static const char *outcome_text(char *buf, size_t len, enum outcome outcome,
				uintptr_t value)
{
	switch (outcome) {
	case OUTCOME_OK:
		return "ok";
	case OUTCOME_EINVAL:
		return "EINVAL";
	case OUTCOME_ENOMEM:
		return "ENOMEM";
	default:
		snprintf(buf, len, "%ju", (uintmax_t)value);
		return buf;
	}
}

/* The replay gave what @ev recorded; no block to call on is EINVAL. */
static bool replay_gave_recorded(const struct replay *r, const struct event *ev)
{
	enum outcome got = r->got == OUTCOME_NO_BLOCK ? OUTCOME_EINVAL : r->got;

	return got == ev->recorded &&
	       (got != OUTCOME_VALUE || r->got_value == ev->result);
}

/*
 * On the program's own layout the replay makes the program's calls, so
 * each must give what the trace recorded.  One that does not is told,
 * with both results, and counted; the replay goes on from what the heap
 * gave.
 */
static void replay_compare(struct replay *r, const struct event *ev)
{
	const struct trace_replay_config *config = r->cfg;
	char recorded[32], got[32];

	if (!config->not_reproduced || !r->exact || !ev->recorded ||
	    r->trace->format != FORMAT_MEMS || replay_gave_recorded(r, ev))
		return;
	if (r->got == OUTCOME_NO_BLOCK)
		trace_error(r->trace->path, ev->line,
			    "not reproduced: the trace recorded %s, the replay "
			    "has no block there",
			    outcome_text(recorded, sizeof(recorded),
					 ev->recorded, ev->result));
	else
		trace_error(
			r->trace->path, ev->line,
			"not reproduced: the trace recorded %s, the replay "
			"gave %s",
			outcome_text(recorded, sizeof(recorded), ev->recorded,
				     ev->result),
			outcome_text(got, sizeof(got), r->got, r->got_value));
	(*config->not_reproduced)++;
}

/*
 * The event, and what the hooks are told of it: the address it named
 * in this heap (taken before, as a free forgets the block) or returned.
 */
static int replay_event_told(struct replay *r, const struct event *ev)
{
	const struct trace_replay_hooks *hooks = r->hooks;
	uintptr_t v = 0;
	int err;

	if (ev->kind == EVENT_FREE || ev->kind == EVENT_GET)
		v = replay_translate(r, ev);
	err = replay_event(r, ev);
	if (!err)
		replay_compare(r, ev);
	if (err || !hooks || !hooks->event)
		return err;
	if (ev->kind == EVENT_MALLOC || ev->kind == EVENT_REALLOC)
		v = r->addrs[ev->block];
	return hooks->event(hooks->arg, ev, v);
}

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static int replay_step_end(struct replay *r)
{
	const struct trace_replay_hooks *hooks = r->hooks;

	r->step++;
	if (!hooks || !hooks->step)
		return 0;
	return hooks->step(hooks->arg, r->heap, r->step, r->ev);
}

static int replay_events(struct replay *r, struct trace_replay_totals *totals)
{
	const struct trace *trace = r->trace;
	struct timespec start;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < trace->nr_events; i++) {
		r->ev = &trace->events[i];
		if (replay_event_told(r, r->ev))
			return -1;
		if ((i + 1 == trace->nr_events ||
		     trace->events[i + 1].starts_step) &&
		    replay_step_end(r))
			return -1;
	}
	totals->ms = elapsed_ms(&start);
	return 0;
}

int trace_replay(const struct trace *trace,
		 const struct trace_replay_config *config,
		 const struct trace_replay_hooks *hooks,
		 struct trace_replay_totals *totals)
{
	struct replay r = {
		.trace = trace,
		.cfg = config,
		.hooks = hooks,
	};
	int err = -1;

	memset(totals, 0, sizeof(*totals));
	r.addrs = calloc(trace->nr_blocks + 1, sizeof(*r.addrs));
	if (!r.addrs) {
		trace_error(trace->path, 0, "out of memory");
		goto out;
	}
	if (replay_heap(&r, NULL) || replay_events(&r, totals))
		goto out;
	r.ev = NULL;
	if (hooks && hooks->end && hooks->end(hooks->arg, r.heap, r.step))
		goto out;
	replay_account(&r);
	totals->mmap_calls = r.os_done_mmap;
	totals->munmap_calls = r.os_done_munmap;
	totals->policy = mems_heap_policy(r.heap);
	totals->page_size = mems_heap_page_size(r.heap);
	err = 0;
out:
	mems_heap_destroy(r.heap);
	free(r.addrs);
	return err;
}
