// SPDX-License-Identifier: MIT
/*
 * policy/worst_fit.c - the largest hole, when it is large enough.
 *
 * Holes sit in the address-ordered tree of first-fit, which knows each
 * subtree's largest hole (policy/hole_tree.c).  The root knows the
 * largest of all; the lowest-addressed hole of that size is one descent
 * that goes left whenever the left subtree holds a hole that large.  The
 * block is carved from the hole's low end, as by every policy.
 */
#include "hole_tree.h"

MEMS_POLICY_PRIV_FITS(struct rb_root);

static struct rb_root *worst_fit_holes(const struct mems_policy *policy)
{
	return (struct rb_root *)&policy->priv;
}

static size_t subtree_largest(const struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct mems_seg, policy_link)->policy_key : 0;
}

static void worst_fit_init(struct mems_policy *policy)
{
	*worst_fit_holes(policy) = RB_ROOT;
}

static struct mems_seg *worst_fit_find(struct mems_policy *policy,
				       size_t bytes)
{
	const struct rb_node *rb = worst_fit_holes(policy)->rb_node;
	size_t largest = subtree_largest(rb);
	struct mems_seg *hole;

	if (!largest || largest < bytes)
		return NULL;
	while (rb) {
		hole = rb_entry(rb, struct mems_seg, policy_link);
		if (subtree_largest(rb->rb_left) == largest)
			rb = rb->rb_left;
		else if (seg_size(hole) == largest)
			return hole;
		else
			rb = rb->rb_right;
	}
	return NULL;
}

static void worst_fit_hole_insert(struct mems_policy *policy,
				  struct mems_seg *hole)
{
	hole_tree_insert(worst_fit_holes(policy), hole);
}

static void worst_fit_hole_erase(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	hole_tree_erase(worst_fit_holes(policy), hole);
}

static void worst_fit_hole_resize(struct mems_policy *policy,
				  struct mems_seg *hole)
{
	(void)policy;
	hole_tree_resized(hole);
}

static size_t worst_fit_largest_hole(const struct mems_policy *policy)
{
	return hole_tree_largest(worst_fit_holes(policy));
}

static int worst_fit_check(const struct mems_policy *policy, FILE *report)
{
	return hole_tree_check(worst_fit_holes(policy), policy->heap, report);
}

const struct mems_policy_ops mems_worst_fit_ops = {
	.name = "worst-fit",
	.summary = "the largest hole, if it fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "worst-fit-linear",
	.init = worst_fit_init,
	.find = worst_fit_find,
	.hole_insert = worst_fit_hole_insert,
	.hole_erase = worst_fit_hole_erase,
	.hole_resize = worst_fit_hole_resize,
	.largest_hole = worst_fit_largest_hole,
	.check = worst_fit_check,
};
