// SPDX-License-Identifier: MIT
/*
 * core/introspect.c - the public view of a heap: walk, find, statistics.
 *
 * Callers get copies of what the records say (struct mems_node_info,
 * struct mems_seg_info), never the records, so that the records can
 * change without changing the API.  The walk follows the chains, the
 * structure of record, in the order of the report.
 */
#include <errno.h>
#include <string.h>

#include "addr_table.h"
#include "hole_map.h"
#include "types.h"

static void node_info_fill(const struct mems_node *node, size_t index,
			   struct mems_node_info *info)
{
	info->index = index;
	info->vstart = node->vstart;
	info->vend = node->vend;
	info->phys = node->phys;
	info->pages = node->pages;
	info->nr_segs = node_nr_segs(node);
}

static void seg_info_fill(const struct mems_seg *seg, size_t index,
			  struct mems_seg_info *info)
{
	info->index = index;
	info->vstart = seg->vstart;
	info->vend = seg->vend;
	info->type = seg->type;
}

static int node_walk(const struct mems_node *node, size_t index,
		     const struct mems_walk_ops *ops, void *arg)
{
	struct mems_node_info node_info;
	struct mems_seg_info seg_info;
	const struct mems_seg *seg;
	size_t seg_index = 0;
	int ret;

	node_info_fill(node, index, &node_info);
	if (ops->node) {
		ret = ops->node(&node_info, arg);
		if (ret)
			return ret;
	}
	if (!ops->seg)
		return 0;
	node_for_each_seg(seg, node) {
		seg_info_fill(seg, seg_index++, &seg_info);
		ret = ops->seg(&node_info, &seg_info, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The count lives in the heap, which the walk may not change: it is the
 * lock's state, taken on a const heap as the lock itself is.
 */
static void heap_walk_begin(const struct mems_heap *heap)
{
	((struct mems_heap *)heap)->walks++;
}

static void heap_walk_end(const struct mems_heap *heap)
{
	((struct mems_heap *)heap)->walks--;
}

int mems_heap_walk(const struct mems_heap *heap,
		   const struct mems_walk_ops *ops, void *arg)
{
	const struct mems_node *node;
	size_t index = 0;
	int ret = 0;
	heap_guard_always(heap);

	if (!heap)
		return 0;
	heap_walk_begin(heap);
	heap_for_each_node(node, heap) {
		ret = node_walk(node, index++, ops, arg);
		if (ret)
			break;
	}
	heap_walk_end(heap);
	return ret;
}

/*
 * From the segment that holds @first on, along its sub-chain: the
 * address table finds it as mems_heap_get() does, and nothing is
 * counted, so that the cost is that of the segments visited.
 */
int mems_heap_walk_range(const struct mems_heap *heap, uintptr_t first,
			 uintptr_t last, const struct mems_walk_ops *ops,
			 void *arg)
{
	struct mems_seg_info seg_info;
	const struct mems_seg *seg;
	int ret = 0;
	heap_guard_always(heap);

	seg = heap ? mems_addr_table_find(heap, first) : NULL;
	if (!seg)
		return -ENOENT;
	if (!ops->seg)
		return 0;
	heap_walk_begin(heap);
	for (;;) {
		seg_info_fill(seg, SIZE_MAX, &seg_info);
		ret = ops->seg(NULL, &seg_info, arg);
		if (ret || seg_is_last(seg) || seg->vend >= last)
			break;
		seg = list_next_entry(seg, link);
	}
	heap_walk_end(heap);
	return ret;
}

/* The node's place in the main chain: counted, as for segments. */
static size_t node_position(const struct mems_heap *heap,
			    const struct mems_node *node)
{
	const struct mems_node *each;
	size_t index = 0;

	heap_for_each_node(each, heap) {
		if (each == node)
			break;
		index++;
	}
	return index;
}

/* The segment's place in its sub-chain: counted, as the report counts. */
static size_t seg_position(const struct mems_seg *seg)
{
	const struct mems_seg *each;
	size_t index = 0;

	node_for_each_seg(each, seg_node(seg)) {
		if (each == seg)
			break;
		index++;
	}
	return index;
}

int mems_heap_find(const struct mems_heap *heap, const void *v,
		   struct mems_node_info *node, struct mems_seg_info *seg)
{
	const struct mems_seg *found;
	heap_guard(heap);

	found = heap ? mems_addr_table_find(heap, (uintptr_t)v) : NULL;
	if (!found)
		return -ENOENT;
	if (node)
		node_info_fill(seg_node(found),
			       node_position(heap, seg_node(found)), node);
	if (seg)
		seg_info_fill(found, seg_position(found), seg);
	return 0;
}

static size_t meta_bytes(const struct mems_heap *heap)
{
	return heap->object_bytes + mems_addr_table_bytes(heap) +
	       heap->meta.nr_slabs * heap->meta.slab_bytes;
}

void mems_heap_stats(const struct mems_heap *heap,
		     struct mems_heap_stats *stats)
{
	heap_guard(heap);

	memset(stats, 0, sizeof(*stats));
	if (!heap)
		return;
	stats->pages_used = heap->user_pages;
	stats->space_unused =
		heap->user_pages * heap->page_size - heap->live_bytes;
	stats->nodes = heap->nr_nodes;
	stats->segments = heap->nr_segs;
	stats->holes = heap->nr_holes;
	stats->largest_hole = mems_hole_map_largest(heap);
	stats->live_bytes = heap->live_bytes;
	stats->meta_bytes = meta_bytes(heap);
	stats->mmap_calls = heap->os.mmap_calls;
	stats->munmap_calls = heap->os.munmap_calls;
}
