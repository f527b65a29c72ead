// SPDX-License-Identifier: MIT
/*
 * policy/first_fit.c - the lowest-addressed hole that is large enough.
 *
 * Holes sit in an address-ordered tree that knows each subtree's largest
 * hole (policy/hole_tree.c), so the search is one O(log n) descent.
 */
#include "hole_tree.h"

static struct mems_seg *first_fit_find(struct mems_policy *policy, size_t bytes)
{
	return hole_tree_lowest_fit(policy, bytes, 0);
}

const struct mems_policy_ops mems_first_fit_ops = {
	.name = "first-fit",
	.summary = "the lowest-addressed hole that fits",
	.reference = "first-fit-linear",
	.init = hole_tree_init,
	.find = first_fit_find,
	.hole_insert = hole_tree_insert,
	.hole_erase = hole_tree_erase,
	.hole_resize = hole_tree_resize,
	.largest_hole = hole_tree_largest,
	.check = hole_tree_check,
};
