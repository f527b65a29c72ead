// SPDX-License-Identifier: MIT
/*
 * policy/best_fit.c - the smallest hole that is large enough.
 *
 * Ties go to the lowest address: the walk is in address order and only
 * a strictly smaller hole replaces the current best.  An exact fit
 * cannot be beaten, so the walk stops there.
 */
#include <mems/chain.h>

static struct mems_seg *best_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct mems_seg *best = NULL, *seg;
	struct mems_node *node;

	heap_for_each_node(node, policy->heap) {
		node_for_each_seg(seg, node) {
			if (!seg_is_hole(seg) || seg_size(seg) < bytes)
				continue;
			if (seg_size(seg) == bytes)
				return seg;
			if (!best || seg_size(seg) < seg_size(best))
				best = seg;
		}
	}
	return best;
}

const struct mems_policy_ops mems_best_fit_ops = {
	.name = "best-fit",
	.find = best_fit_find,
};
