// SPDX-License-Identifier: MIT
/*
 * tools/dump/snapshot.c - copying a heap's list state out for the renderers.
 *
 * A snapshot is taken by walking the chains, the structure of record,
 * exactly as mems_print_stats() does, so that every format shows what the
 * report would show.  step_stats_take() is the same walk reduced to the
 * figures of one --stats row; replays keep those figures up to date with
 * figures.c instead, and --check compares the two.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mems/chain.h>

#include "snapshot.h"

static size_t heap_segments(const struct mems_heap *heap)
{
	const struct mems_node *node;
	size_t count = 0;

	heap_for_each_node(node, heap)
		count += node->nr_segs;
	return count;
}

int snapshot_take(const struct mems_heap *heap, unsigned long step,
		  struct snapshot *snap)
{
	const struct mems_node *node;
	const struct mems_seg *seg;
	struct snap_node *sn;
	struct snap_seg *ss;

	memset(snap, 0, sizeof(*snap));
	snap->policy = mems_heap_policy(heap);
	snap->page_size = mems_heap_page_size(heap);
	snap->step = step;
	snap->nr_nodes = heap->nr_nodes;
	snap->nr_segs = heap_segments(heap);
	/* calloc(0) may return NULL: one spare element keeps NULL an error. */
	snap->nodes = calloc(snap->nr_nodes + 1, sizeof(*snap->nodes));
	snap->segs = calloc(snap->nr_segs + 1, sizeof(*snap->segs));
	if (!snap->nodes || !snap->segs) {
		snapshot_free(snap);
		return -ENOMEM;
	}
	sn = snap->nodes;
	ss = snap->segs;
	heap_for_each_node(node, heap) {
		sn->vstart = node->vstart;
		sn->vend = node->vend;
		sn->pages = node->pages;
		sn->first_seg = (size_t)(ss - snap->segs);
		sn->nr_segs = node->nr_segs;
		node_for_each_seg(seg, node) {
			ss->vstart = seg->vstart;
			ss->vend = seg->vend;
			ss->is_hole = seg_is_hole(seg);
			ss++;
		}
		sn++;
	}
	return 0;
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
	const struct mems_node *node;
	const struct mems_seg *seg;
	size_t hole_bytes = 0;

	memset(row, 0, sizeof(*row));
	row->step = step;
	row->mapped_bytes = heap->user_pages * heap->page_size;
	row->nodes = heap->nr_nodes;
	heap_for_each_node(node, heap) {
		node_for_each_seg(seg, node) {
			if (!seg_is_hole(seg))
				continue;
			row->holes++;
			hole_bytes += seg_size(seg);
			if (seg_size(seg) > row->largest_hole)
				row->largest_hole = seg_size(seg);
		}
	}
	/* The segments tile the nodes: what is not a hole is handed out. */
	row->live_bytes = row->mapped_bytes - hole_bytes;
}
