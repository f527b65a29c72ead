// SPDX-License-Identifier: MIT
/*
 * tools/replay/rep_write.c - writing a trace of any format as a CS:APP
 * malloclab .rep file.
 *
 * Each block gets an id when it appears, in the order blocks appear, and
 * keeps it through its reallocs ("r"); its free ("f") gives the id up
 * for good.  Only what changed a block is written: a failed call, a free
 * of a block the trace never saw, a get or a trim has no .rep form, and
 * a MeMS finish frees every block then live.  A block the trace still
 * held where a new one appears was freed unseen, and the reader has
 * already made that a free.  A request of 0 bytes that still gave a
 * block (the C library answers it with a minimal one) becomes one of 1
 * byte, as .rep has no empty blocks.
 */
#include <stdlib.h>

#include "rep_write.h"

#define NO_ID SIZE_MAX

struct rep_ids {
	size_t *of_block; /* per block handle; NO_ID: none */
	bool *live; /* per id */
	size_t nr; /* ids given so far */
	size_t nr_ops;
};

/* The call gave no block: it failed, or asked for none. */
static bool gave_nothing(const struct event *ev)
{
	return ev->recorded == OUTCOME_ENOMEM ||
	       ev->recorded == OUTCOME_EINVAL ||
	       (ev->recorded == OUTCOME_VALUE && !ev->result);
}

static size_t rep_size(size_t size)
{
	return size ? size : 1;
}

static void rep_free(FILE *out, struct rep_ids *ids, size_t id)
{
	ids->live[id] = false;
	ids->nr_ops++;
	if (out)
		fprintf(out, "f %zu\n", id);
}

/* A MeMS finish: every block then live is freed, in the order of ids. */
static void rep_finish(FILE *out, struct rep_ids *ids)
{
	size_t id;

	for (id = 0; id < ids->nr; id++)
		if (ids->live[id])
			rep_free(out, ids, id);
}

static void rep_event(FILE *out, struct rep_ids *ids, const struct event *ev)
{
	size_t id;

	switch (ev->kind) {
	case EVENT_MALLOC:
		if (gave_nothing(ev))
			return;
		id = ids->nr++;
		ids->of_block[ev->block] = id;
		ids->live[id] = true;
		ids->nr_ops++;
		if (out)
			fprintf(out, "a %zu %zu\n", id, rep_size(ev->size));
		return;
	case EVENT_REALLOC:
		id = ids->of_block[ev->old_block];
		if (ev->block == ev->old_block || id == NO_ID || !ids->live[id])
			return;
		ids->of_block[ev->block] = id;
		ids->nr_ops++;
		if (out)
			fprintf(out, "r %zu %zu\n", id, rep_size(ev->size));
		return;
	case EVENT_FREE:
		if (ev->block == NO_BLOCK || ev->offset ||
		    ev->recorded == OUTCOME_EINVAL)
			return;
		id = ids->of_block[ev->block];
		if (id != NO_ID && ids->live[id])
			rep_free(out, ids, id);
		return;
	case EVENT_FINISH:
		rep_finish(out, ids);
		return;
	}
}

/* Every event, written to @out, or only counted when @out is NULL. */
static void rep_events(FILE *out, struct rep_ids *ids,
		       const struct trace *trace)
{
	size_t i;

	for (i = 0; i < trace->nr_blocks; i++)
		ids->of_block[i] = NO_ID;
	ids->nr = 0;
	ids->nr_ops = 0;
	for (i = 0; i < trace->nr_events; i++)
		rep_event(out, ids, &trace->events[i]);
}

int rep_write(FILE *out, const struct trace *trace, size_t hint)
{
	struct rep_ids ids = {
		.of_block = calloc(trace->nr_blocks + 1, sizeof(size_t)),
		.live = calloc(trace->nr_blocks + 1, sizeof(bool)),
	};
	int err = -1;

	if (!ids.of_block || !ids.live) {
		trace_error(trace->path, 0, "out of memory");
		goto out;
	}
	/* The header counts what follows it: count, then write. */
	rep_events(NULL, &ids, trace);
	fprintf(out, "%zu\n%zu\n%zu\n1\n", hint, ids.nr, ids.nr_ops);
	rep_events(out, &ids, trace);
	err = 0;
out:
	free(ids.of_block);
	free(ids.live);
	return err;
}
