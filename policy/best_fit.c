// SPDX-License-Identifier: MIT
/*
 * policy/best_fit.c - the smallest hole that is large enough.
 *
 * Holes sit in a tree ordered by (size, start), so the answer, ties
 * going to the lowest address, is the first key at or above (n, 0): one
 * O(log n) descent.  A hole that changes size changes key, so this
 * policy leaves out hole_resize and the core erases and reinserts.
 */
#include <core/policy.h>
#include <core/types.h>

#include "hole_tree.h"

MEMS_POLICY_PRIV_FITS(struct rb_root);

static struct rb_root *best_fit_holes(const struct mems_policy *policy)
{
	return (struct rb_root *)&policy->priv;
}

static void best_fit_init(struct mems_policy *policy)
{
	*best_fit_holes(policy) = RB_ROOT;
}

static struct mems_seg *best_fit_find(struct mems_policy *policy, size_t bytes)
{
	const struct rb_node *rb = best_fit_holes(policy)->rb_node;
	struct mems_seg *best = NULL;

	while (rb) {
		struct mems_seg *hole = hole_tree_entry(rb);

		if (seg_size(hole) >= bytes) {
			best = hole;
			rb = rb->rb_left;
		} else {
			rb = rb->rb_right;
		}
	}
	return best;
}

static void best_fit_hole_insert(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	hole_tree_insert(best_fit_holes(policy), hole, HOLE_TREE_LOW_FIRST);
}

static void best_fit_hole_erase(struct mems_policy *policy,
				struct mems_seg *hole)
{
	hole_tree_erase(best_fit_holes(policy), hole);
}

/* The last key in (size, start) order is a largest hole. */
static size_t best_fit_largest_hole(const struct mems_policy *policy)
{
	const struct mems_seg *hole = hole_tree_last(best_fit_holes(policy));

	return hole ? seg_size(hole) : 0;
}

/* Sorted by (size, start), and holding exactly the chains' holes. */
static int best_fit_check(const struct mems_policy *policy, FILE *report)
{
	return mems_hole_tree_check(best_fit_holes(policy), policy->heap,
				    HOLE_TREE_LOW_FIRST, "best-fit", report);
}

const struct mems_policy_ops mems_best_fit_ops = {
	.name = "best-fit",
	.summary = "the smallest hole that fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "best-fit-linear",
	.init = best_fit_init,
	.find = best_fit_find,
	.hole_insert = best_fit_hole_insert,
	.hole_erase = best_fit_hole_erase,
	.largest_hole = best_fit_largest_hole,
	.check = best_fit_check,
};
