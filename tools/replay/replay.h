/* SPDX-License-Identifier: MIT */
/*
 * tools/replay/replay.h - the replay engine: a trace's events run on a
 * fresh heap, told to an observer.
 *
 * The engine makes the calls; what is seen of them (dumps, figures,
 * checks, times) is the observer's, through the hooks.  mems-dump
 * observes a replay step by step, mems-bench times it.
 */
#ifndef MEMS_REPLAY_REPLAY_H
#define MEMS_REPLAY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mems/heap.h>

#include "trace.h"

/* trim_threshold: the trace's init line's, else -1 */
#define TRIM_FROM_TRACE (-2L)

/* A field left 0 (NULL) is the trace's init line's, else the build's. */
struct trace_replay_config {
	const char *policy;
	size_t page_size;
	uintptr_t virt_base;
	size_t align;
	long trim_threshold; /* or TRIM_FROM_TRACE */
	bool realloc_moves; /* realloc as a new block and a free */
	/*
	 * Where to count the lines of a MeMS trace whose recorded result
	 * the replay does not give, each reported as it is met; NULL: not
	 * compared (a second replay of the same trace).
	 */
	unsigned long *not_reproduced;
};

/*
 * What the engine tells its observer: each event once replayed, with
 * the address it used or returned in the replay (0: none); the heap
 * after each step, @last the step's last event; and the heap as the
 * trace leaves it, before it is destroyed, which the observer may still
 * call (mems-bench empties it, as mems_finish() would, to count the
 * unmapping).  A nonzero return stops the replay, which then fails: the
 * hook has said why, if anything is to be said.  Any hook may be NULL.
 */
struct trace_replay_hooks {
	int (*event)(void *arg, const struct event *ev, uintptr_t v);
	int (*step)(void *arg, const struct mems_heap *heap, unsigned long step,
		    const struct event *last);
	int (*end)(void *arg, struct mems_heap *heap, unsigned long steps);
	void *arg;
};

/* What a whole replay cost, and on what. */
struct trace_replay_totals {
	unsigned long mmap_calls; /* of the events, not of making heaps */
	unsigned long munmap_calls;
	const char *policy; /* of the last heap */
	size_t page_size;
	double ms; /* the events and their hooks */
};

/*
 * Replay @trace: 0, or -1 once the one error line is written (or a
 * hook stopped it).  @hooks may be NULL.
 */
int trace_replay(const struct trace *trace,
		 const struct trace_replay_config *config,
		 const struct trace_replay_hooks *hooks,
		 struct trace_replay_totals *totals);

#endif /* MEMS_REPLAY_REPLAY_H */
