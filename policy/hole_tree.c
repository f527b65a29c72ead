// SPDX-License-Identifier: MIT
/*
 * policy/hole_tree.c - the check of a tree of holes by size, shared by
 * best-fit and worst-fit (policy/hole_tree.h).
 */
#include <errno.h>
#include <inttypes.h>

#include "hole_tree.h"

static int hole_tree_failed(FILE *report, const char *policy,
			    const char *why, uintptr_t vstart)
{
	if (report)
		fprintf(report, "mems_check: %s index: %s at %" PRIuPTR "\n",
			policy, why, vstart);
	return -EUCLEAN;
}

/*
 * Balanced, sorted in @ties' order, and holding exactly the chains'
 * holes; a failure is reported as @policy's index.
 */
int mems_hole_tree_check(const struct rb_root *root,
			 const struct mems_heap *heap, enum hole_tree_ties ties,
			 const char *policy, FILE *report)
{
	const struct mems_seg *prev = NULL, *hole;
	const struct mems_node *node;
	const struct rb_node *rb;
	size_t indexed = 0, holes = 0;

	if (mems_rb_validate(root))
		return hole_tree_failed(report, policy, "unbalanced", 0);
	for (rb = mems_rb_first(root); rb; rb = mems_rb_next(rb), indexed++) {
		hole = hole_tree_entry(rb);
		if (!seg_is_hole(hole))
			return hole_tree_failed(report, policy, "not a hole",
						hole->vstart);
		if (prev && !hole_tree_before(prev, hole, ties))
			return hole_tree_failed(report, policy, "out of order",
						hole->vstart);
		prev = hole;
	}
	heap_for_each_node(node, heap)
		node_for_each_seg(hole, node)
			holes += seg_is_hole(hole);
	if (holes != indexed)
		return hole_tree_failed(report, policy, "wrong hole count", 0);
	return 0;
}
