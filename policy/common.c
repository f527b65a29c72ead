// SPDX-License-Identifier: MIT
/*
 * policy/common.c - the search that first-fit and next-fit share.
 *
 * Nodes sit in the main chain in ascending virtual order and segments in
 * their sub-chain likewise, so the first match of a walk is the
 * lowest-addressed one.
 */
#include <mems/chain.h>

/**
 * mems_lowest_fit() - the lowest-addressed hole of at least @bytes bytes
 * whose last byte is at or after @from.
 * Return: the hole, or NULL when there is none.
 */
struct mems_seg *mems_lowest_fit(const struct mems_heap *heap, size_t bytes,
				 uintptr_t from)
{
	struct mems_node *node;
	struct mems_seg *seg;

	heap_for_each_node(node, heap) {
		if (node->vend < from)
			continue;
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg) && seg->vend >= from &&
			    seg_size(seg) >= bytes)
				return seg;
	}
	return NULL;
}
