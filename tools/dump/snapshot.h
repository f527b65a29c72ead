/* SPDX-License-Identifier: MIT */
/*
 * tools/dump/snapshot.h - the list state of a heap, copied out for the
 * renderers, and the per-step figures of a replay.
 *
 * Renderers see only these structures, never a live heap, so that each
 * output format is a pure function of a snapshot and can be tested on
 * snapshots built by hand.
 */
#ifndef MEMS_DUMP_SNAPSHOT_H
#define MEMS_DUMP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mems/introspect.h>

struct snap_seg {
	uintptr_t vstart;
	uintptr_t vend;		/* inclusive */
	int is_hole;
};

struct snap_node {
	uintptr_t vstart;
	uintptr_t vend;		/* inclusive */
	size_t pages;
	uintptr_t phys;		/* where mmap put it, for the viewer */
	size_t first_seg;	/* index into snapshot.segs */
	size_t nr_segs;
};

struct snapshot {
	const char *policy;
	size_t page_size;
	unsigned long step;	/* events replayed so far */
	struct snap_node *nodes;
	size_t nr_nodes;
	struct snap_seg *segs;
	size_t nr_segs;
};

/* One row of --stats FILE.csv and of --plot, taken after each step. */
struct step_stats {
	unsigned long step;
	size_t live_bytes;	/* bytes in PROCESS segments */
	size_t mapped_bytes;	/* user pages * page size */
	size_t holes;
	size_t largest_hole;
	size_t nodes;		/* main chain length */
	/* Not written to the CSV: for the peaks of --compare. */
	size_t pages;		/* user pages */
	size_t hole_bytes;	/* bytes in holes */
};

/* snapshot.c */
int snapshot_take(const struct mems_heap *heap, unsigned long step,
		  struct snapshot *snap);
void snapshot_free(struct snapshot *snap);
void step_stats_take(const struct mems_heap *heap, unsigned long step,
		     struct step_stats *row);
void heap_stats_walk(const struct mems_heap *heap,
		     struct mems_heap_stats *stats);
const char *heap_stats_differ(const struct mems_heap_stats *a,
			      const struct mems_heap_stats *b,
			      size_t *value_a, size_t *value_b);

/* render_*.c: each writes one snapshot; 0 or -errno */
int render_json(FILE *out, const struct snapshot *snap);
int render_dot(FILE *out, const struct snapshot *snap);
int render_svg(FILE *out, const struct snapshot *snap);

/* plot_svg.c: the --plot figure of live, mapped, holes over the steps */
int plot_svg(FILE *out, const char *title, const struct step_stats *rows,
	     size_t nr_rows);

#endif /* MEMS_DUMP_SNAPSHOT_H */
