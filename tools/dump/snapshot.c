// SPDX-License-Identifier: MIT
/*
 * tools/dump/snapshot.c - copying a heap's list state out for the
 * renderers, and the figures of a step.
 *
 * A snapshot is taken with mems_heap_walk(), which visits the chains in
 * the order of mems_print_stats(), so that every format shows what the
 * report would show.  The figures of a --stats row come from
 * mems_heap_stats(), which the heap keeps up to date at every call, so a
 * row costs the same whatever the heap holds.  heap_stats_walk() works
 * the same figures out from a walk instead, for --check to compare.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

static int snap_node(const struct mems_node_info *node, void *arg)
{
	struct snapshot *snap = arg;
	struct snap_node *sn;

	/* Sized from the statistics: a walk that disagrees is an error. */
	if (node->index >= snap->nr_nodes)
		return -EPROTO;
	sn = &snap->nodes[node->index];
	sn->vstart = node->vstart;
	sn->vend = node->vend;
	sn->pages = node->pages;
	sn->phys = (uintptr_t)node->phys;
	sn->first_seg = node->index ? sn[-1].first_seg + sn[-1].nr_segs : 0;
	sn->nr_segs = node->nr_segs;
	if (sn->first_seg + sn->nr_segs > snap->nr_segs)
		return -EPROTO;
	return 0;
}

static int snap_seg(const struct mems_node_info *node,
		    const struct mems_seg_info *seg, void *arg)
{
	struct snapshot *snap = arg;
	const struct snap_node *sn = &snap->nodes[node->index];
	struct snap_seg *ss;

	if (seg->index >= sn->nr_segs)
		return -EPROTO;
	ss = &snap->segs[sn->first_seg + seg->index];
	ss->vstart = seg->vstart;
	ss->vend = seg->vend;
	ss->is_hole = seg->type == MEMS_HOLE;
	return 0;
}

int snapshot_take(const struct mems_heap *heap, unsigned long step,
		  struct snapshot *snap)
{
	static const struct mems_walk_ops ops = {
		.node = snap_node,
		.seg = snap_seg,
	};
	struct mems_heap_stats stats;
	int err;

	mems_heap_stats(heap, &stats);
	memset(snap, 0, sizeof(*snap));
	snap->policy = mems_heap_policy(heap);
	snap->page_size = mems_heap_page_size(heap);
	snap->step = step;
	snap->nr_nodes = stats.nodes;
	snap->nr_segs = stats.segments;
	/* calloc(0) may return NULL: one spare element keeps NULL an error. */
	snap->nodes = calloc(snap->nr_nodes + 1, sizeof(*snap->nodes));
	snap->segs = calloc(snap->nr_segs + 1, sizeof(*snap->segs));
	if (!snap->nodes || !snap->segs) {
		snapshot_free(snap);
		return -ENOMEM;
	}
	err = mems_heap_walk(heap, &ops, snap);
	if (err)
		snapshot_free(snap);
	return err;
}

void snapshot_free(struct snapshot *snap)
{
	free(snap->nodes);
	free(snap->segs);
	snap->nodes = NULL;
	snap->segs = NULL;
	snap->nr_nodes = 0;
	snap->nr_segs = 0;
}

void step_stats_take(const struct mems_heap *heap, unsigned long step,
		     struct step_stats *row)
{
	struct mems_heap_stats stats;

	mems_heap_stats(heap, &stats);
	memset(row, 0, sizeof(*row));
	row->step = step;
	row->live_bytes = stats.live_bytes;
	row->mapped_bytes = stats.pages_used * mems_heap_page_size(heap);
	row->holes = stats.holes;
	row->largest_hole = stats.largest_hole;
	row->nodes = stats.nodes;
	row->pages = stats.pages_used;
	row->hole_bytes = stats.space_unused;
}

static int walk_node(const struct mems_node_info *node, void *arg)
{
	struct mems_heap_stats *stats = arg;

	stats->nodes++;
	stats->pages_used += node->pages;
	return 0;
}

static int walk_seg(const struct mems_node_info *node,
		    const struct mems_seg_info *seg, void *arg)
{
	struct mems_heap_stats *stats = arg;
	size_t size = seg->vend - seg->vstart + 1;

	(void)node;
	stats->segments++;
	if (seg->type != MEMS_HOLE) {
		stats->live_bytes += size;
		return 0;
	}
	stats->holes++;
	stats->space_unused += size;
	if (size > stats->largest_hole)
		stats->largest_hole = size;
	return 0;
}

/*
 * The figures of mems_heap_stats() that the chains alone determine,
 * counted segment by segment; the others (bookkeeping, system calls)
 * are left 0.  Live bytes are summed from the blocks, not derived from
 * the holes, so that a comparison also proves the segments tile the
 * nodes.
 */
void heap_stats_walk(const struct mems_heap *heap,
		     struct mems_heap_stats *stats)
{
	static const struct mems_walk_ops ops = {
		.node = walk_node,
		.seg = walk_seg,
	};

	memset(stats, 0, sizeof(*stats));
	mems_heap_walk(heap, &ops, stats);
}

/* A figure of struct mems_heap_stats that a walk determines. */
struct figure {
	const char *name;
	size_t offset;
};

#define FIGURE(field) { #field, offsetof(struct mems_heap_stats, field) }

static const struct figure walked_figures[] = {
	FIGURE(pages_used), FIGURE(space_unused), FIGURE(nodes),
	FIGURE(segments),   FIGURE(holes),	  FIGURE(largest_hole),
	FIGURE(live_bytes),
};

static size_t figure_value(const struct mems_heap_stats *stats,
			   const struct figure *figure)
{
	return *(const size_t *)((const char *)stats + figure->offset);
}

/*
 * The name of the first figure a walk determines on which @a and @b
 * differ, with both values; NULL when they agree on all of them.
 */
const char *heap_stats_differ(const struct mems_heap_stats *a,
			      const struct mems_heap_stats *b,
			      size_t *value_a, size_t *value_b)
{
	const struct figure *figure;
	size_t i;

	for (i = 0; i < sizeof(walked_figures) / sizeof(*walked_figures);
	     i++) {
		figure = &walked_figures[i];
		*value_a = figure_value(a, figure);
		*value_b = figure_value(b, figure);
		if (*value_a != *value_b)
			return figure->name;
	}
	return NULL;
}
