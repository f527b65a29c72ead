// SPDX-License-Identifier: MIT
/*
 * tools/dump/replay.c - what mems-dump takes from a replay.
 *
 * The trace library's engine (tools/replay/replay.h) makes the calls;
 * this file observes them: after whole steps it takes the figures of
 * --stats, --plot and --compare, checks the heap for --check, and
 * writes the dumps that --at, --every and the trace's stats lines ask
 * for.  The heap is seen only through the public API: the statistics
 * call for figures and system calls, the walk for dumps and --check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mems/introspect.h>

#include "dump.h"

struct replay {
	const struct trace *trace;
	const struct replay_options *opts;
	struct replay_result *result;
	const struct mems_heap *heap; /* after the latest step */
	unsigned long step;
	size_t next_at; /* index into opts->at */
	bool step_has_stats;
	bool last_dumped; /* the latest step's state was dumped */
	const struct event *ev; /* the latest step's last, or NULL */
};

/* The library's own table, which mems_init() looks names up in too. */
bool policy_is_built(const char *name)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++)
		if (!strcmp(info.name, name))
			return true;
	return false;
}

/*
 * The policies --policy all and --compare go through, from *@index on:
 * every built one in the registry's order, but the linear references,
 * which place exactly as the policy they check.  NULL after the last.
 */
const char *policy_next_compared(unsigned int *index)
{
	struct mems_policy_info info;

	while (!mems_policy_info((*index)++, &info))
		if (!(info.flags & MEMS_POLICY_REFERENCE))
			return info.name;
	return NULL;
}

int replay_validate(const struct trace *trace,
		    const struct replay_options *opts)
{
	size_t i;

	if (opts->policy)
		return 0;
	for (i = 0; i < trace->nr_events; i++) {
		const struct event *ev = &trace->events[i];
		const char *policy;

		if (ev->kind != EVENT_INIT)
			continue;
		policy = trace->layouts[ev->block].policy;
		if (!policy_is_built(policy)) {
			trace_error(trace->path, ev->line,
				    "policy '%s' is not built in (choose one "
				    "with --policy)",
				    policy);
			return -1;
		}
	}
	return 0;
}

static unsigned long line_of(const struct replay *r)
{
	return r->ev ? r->ev->line : 0;
}

static int out_of_memory(const struct replay *r)
{
	trace_error(r->trace->path, line_of(r), "out of memory");
	return -1;
}

/* ---------------------------------------------------------------------
 * After each step
 */

/*
 * --check: the heap's invariants, and the figures of the statistics call,
 * kept by the heap at every call, against the same figures counted by a
 * walk of the chains.
 */
static int replay_check(struct replay *r)
{
	struct mems_heap_stats told, walked;
	size_t value_told, value_walked;
	const char *figure;
	char *report = NULL;
	size_t len = 0;
	FILE *out;

	out = open_memstream(&report, &len);
	if (!out)
		return out_of_memory(r);
	if (mems_heap_check(r->heap, out)) {
		fclose(out);
		/* Its first line, so that the error stays one line. */
		report[strcspn(report, "\n")] = '\0';
		trace_error(r->trace->path, line_of(r),
			    "the heap breaks an invariant after step %lu: %s",
			    r->step, report);
		free(report);
		return -1;
	}
	fclose(out);
	free(report);
	mems_heap_stats(r->heap, &told);
	heap_stats_walk(r->heap, &walked);
	figure = heap_stats_differ(&told, &walked, &value_told,
				   &value_walked);
	if (figure) {
		trace_error(r->trace->path, line_of(r),
			    "figures after step %lu differ from a walk of the "
			    "chains (%s: %zu, walk: %zu)",
			    r->step, figure, value_told, value_walked);
		return -1;
	}
	return 0;
}

static int replay_dump(struct replay *r, const char *trigger)
{
	struct dump_label label = { r->trace->path, trigger };
	const struct replay_options *opts = r->opts;
	struct snapshot snap;
	int err;

	if (opts->label_steps)
		sink_note(opts->sink, "# step %lu", r->step);
	r->last_dumped = true;
	/* Text is the library's own report, so it cannot drift from it. */
	if (opts->sink->format == DUMP_TEXT)
		return sink_dump_report(opts->sink, r->heap);
	err = snapshot_take(r->heap, r->step, &snap);
	if (err == -ENOMEM)
		return out_of_memory(r);
	if (err) {
		trace_error(r->trace->path, line_of(r),
			    "a walk of the chains after step %lu disagrees "
			    "with the heap's statistics",
			    r->step);
		return -1;
	}
	return sink_dump(opts->sink, &snap, &label);
}

static const char *step_trigger(struct replay *r)
{
	const struct replay_options *opts = r->opts;
	bool at = false;

	while (r->next_at < opts->nr_at && opts->at[r->next_at] <= r->step)
		at |= opts->at[r->next_at++] == r->step;
	if (r->step_has_stats)
		return "stats";
	if (at)
		return "at";
	if (opts->every && r->step % opts->every == 0)
		return "every";
	return NULL;
}

static void result_peak(struct replay_result *res,
			const struct step_stats *row)
{
	if (row->pages > res->peak_pages)
		res->peak_pages = row->pages;
	if (row->live_bytes > res->peak_live)
		res->peak_live = row->live_bytes;
	if (row->mapped_bytes > res->peak_mapped) {
		res->peak_mapped = row->mapped_bytes;
		res->holes_at_peak = row->holes;
		res->largest_at_peak = row->largest_hole;
		res->hole_bytes_at_peak = row->hole_bytes;
	}
}

static int replay_step_end(void *arg, const struct mems_heap *heap,
			   unsigned long step, const struct event *last)
{
	struct replay *r = arg;
	const struct replay_options *opts = r->opts;
	struct step_stats row;
	const char *trigger;

	r->heap = heap;
	r->step = step;
	r->ev = last;
	r->last_dumped = false;
	if (opts->figures) {
		step_stats_take(r->heap, r->step, &row);
		result_peak(r->result, &row);
		if (opts->keep_rows)
			r->result->rows[r->result->nr_rows++] = row;
	}
	if (opts->check && replay_check(r))
		return -1;
	if (opts->hooks && opts->hooks->step &&
	    opts->hooks->step(opts->hooks->arg, r->heap, r->step))
		return -1;
	trigger = step_trigger(r);
	r->step_has_stats = false;
	if (opts->no_dumps || !trigger)
		return 0;
	return replay_dump(r, trigger);
}

/* What the engine replayed, told on to --format html's hooks. */
static int replay_event_seen(void *arg, const struct event *ev, uintptr_t v)
{
	struct replay *r = arg;
	const struct replay_hooks *hooks = r->opts->hooks;

	if (ev->kind == EVENT_STATS)
		r->step_has_stats = true;
	if (!hooks || !hooks->event)
		return 0;
	return hooks->event(hooks->arg, ev, v);
}

static bool ends_in_finish(const struct trace *trace)
{
	return trace->nr_events &&
	       trace->events[trace->nr_events - 1].kind == EVENT_FINISH;
}

/* The state a trace leaves, dumped unless it was just dumped or empty. */
static int replay_end(void *arg, struct mems_heap *heap, unsigned long steps)
{
	struct replay *r = arg;

	r->heap = heap;
	r->step = steps;
	r->ev = NULL;
	if (r->opts->no_dumps || ends_in_finish(r->trace) || r->last_dumped)
		return 0;
	return replay_dump(r, "final");
}

int replay_run(const struct trace *trace, const struct replay_options *opts,
	       struct replay_result *result)
{
	const struct trace_replay_config config = {
		.policy = opts->policy,
		.page_size = opts->page_size,
		.virt_base = opts->virt_base,
		.align = opts->align,
		.trim_threshold = opts->trim_threshold,
		.realloc_moves = opts->realloc_moves,
		.not_reproduced = opts->not_reproduced,
	};
	struct replay r = {
		.trace = trace,
		.opts = opts,
		.result = result,
	};
	const struct trace_replay_hooks hooks = {
		.event = replay_event_seen,
		.step = replay_step_end,
		.end = replay_end,
		.arg = &r,
	};
	struct trace_replay_totals totals;

	memset(result, 0, sizeof(*result));
	if (opts->keep_rows) {
		result->rows =
			calloc(trace->nr_steps + 1, sizeof(*result->rows));
		if (!result->rows) {
			trace_error(trace->path, 0, "out of memory");
			return -1;
		}
	}
	if (trace_replay(trace, &config, &hooks, &totals)) {
		replay_result_release(result);
		return -1;
	}
	result->mmap_calls = totals.mmap_calls;
	result->munmap_calls = totals.munmap_calls;
	result->policy = totals.policy;
	result->page_size = totals.page_size;
	result->ms = totals.ms;
	return 0;
}

void replay_result_release(struct replay_result *result)
{
	free(result->rows);
	result->rows = NULL;
	result->nr_rows = 0;
}
