// SPDX-License-Identifier: MIT
/*
 * policy/worst_fit.c - the largest hole, when it is large enough.
 *
 * Holes sit in the address-ordered tree of first-fit, which knows each
 * subtree's largest hole (policy/hole_tree.c): the root knows the
 * largest of all.  Among holes of that size the lowest-addressed wins,
 * and that is the tree's lowest hole of at least that size, one more
 * O(log n) descent.  The block is carved from the hole's low end, as by
 * every policy.
 */
#include "hole_tree.h"

static struct mems_seg *worst_fit_find(struct mems_policy *policy,
				       size_t bytes)
{
	size_t largest = hole_tree_largest(policy);

	if (largest < bytes)
		return NULL;
	return hole_tree_lowest_fit(policy, largest, 0);
}

const struct mems_policy_ops mems_worst_fit_ops = {
	.name = "worst-fit",
	.summary = "the largest hole, if it fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "worst-fit-linear",
	.init = hole_tree_init,
	.find = worst_fit_find,
	.hole_insert = hole_tree_insert,
	.hole_erase = hole_tree_erase,
	.hole_resize = hole_tree_resize,
	.largest_hole = hole_tree_largest,
	.check = hole_tree_check,
};
