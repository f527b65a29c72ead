// SPDX-License-Identifier: MIT
/*
 * policy/first_fit.c - the lowest-addressed hole that is large enough.
 *
 * Holes sit in an address-ordered tree that knows each subtree's largest
 * hole (policy/hole_tree.c), so the search is one O(log n) descent.
 */
#include "hole_tree.h"

MEMS_POLICY_PRIV_FITS(struct rb_root);

static struct rb_root *first_fit_holes(struct mems_policy *policy)
{
	return (struct rb_root *)&policy->priv;
}

static void first_fit_init(struct mems_policy *policy)
{
	*first_fit_holes(policy) = RB_ROOT;
}

static struct mems_seg *first_fit_find(struct mems_policy *policy, size_t bytes)
{
	return hole_tree_lowest_fit(first_fit_holes(policy), bytes, 0);
}

static void first_fit_hole_insert(struct mems_policy *policy,
				  struct mems_seg *hole)
{
	hole_tree_insert(first_fit_holes(policy), hole);
}

static void first_fit_hole_erase(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	hole_tree_erase(first_fit_holes(policy), hole);
}

static void first_fit_hole_resize(struct mems_policy *policy,
				  struct mems_seg *hole)
{
	(void)policy;
	hole_tree_resized(hole);
}

static size_t first_fit_largest_hole(const struct mems_policy *policy)
{
	return hole_tree_largest(first_fit_holes((struct mems_policy *)policy));
}

static int first_fit_check(const struct mems_policy *policy, FILE *report)
{
	return hole_tree_check(first_fit_holes((struct mems_policy *)policy),
			       policy->heap, report);
}

const struct mems_policy_ops mems_first_fit_ops = {
	.name = "first-fit",
	.summary = "the lowest-addressed hole that fits",
	.reference = "first-fit-linear",
	.init = first_fit_init,
	.find = first_fit_find,
	.hole_insert = first_fit_hole_insert,
	.hole_erase = first_fit_hole_erase,
	.hole_resize = first_fit_hole_resize,
	.largest_hole = first_fit_largest_hole,
	.check = first_fit_check,
};
