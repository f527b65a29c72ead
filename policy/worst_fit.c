// SPDX-License-Identifier: MIT
/*
 * policy/worst_fit.c - the largest hole, when it is large enough.
 *
 * Holes sit in a tree ordered by size, and among equal sizes by start
 * from the highest down, so that the last key is the largest hole and,
 * among holes of its size, the lowest-addressed: the answer is the
 * tree's last key, when it fits.  The block is carved from the hole's
 * low end, as by every policy.  A hole that changes size changes key,
 * so, as for best-fit, the core erases and reinserts it.
 *
 * The core's hole map knows only the class of the largest hole, and
 * worst-fit, which keeps the largest holes alike, would walk many slots
 * of that class for the exact one at every search.
 */
#include <errno.h>
#include <inttypes.h>

#include <core/policy.h>
#include <core/types.h>

MEMS_POLICY_PRIV_FITS(struct rb_root);

static struct rb_root *worst_fit_holes(const struct mems_policy *policy)
{
	return (struct rb_root *)&policy->priv;
}

static struct mems_seg *hole_entry(const struct rb_node *rb)
{
	return rb_entry(rb, struct mems_seg, policy_link.rb);
}

static bool hole_before(const struct mems_seg *a, const struct mems_seg *b)
{
	if (seg_size(a) != seg_size(b))
		return seg_size(a) < seg_size(b);
	return a->vstart > b->vstart;
}

static void worst_fit_init(struct mems_policy *policy)
{
	*worst_fit_holes(policy) = RB_ROOT;
}

static struct mems_seg *worst_fit_last(const struct mems_policy *policy)
{
	const struct rb_node *last = mems_rb_last(worst_fit_holes(policy));

	return last ? hole_entry(last) : NULL;
}

static struct mems_seg *worst_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct mems_seg *hole = worst_fit_last(policy);

	return hole && seg_size(hole) >= bytes ? hole : NULL;
}

static void worst_fit_hole_insert(struct mems_policy *policy,
				  struct mems_seg *hole)
{
	struct rb_root *root = worst_fit_holes(policy);
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (hole_before(hole, hole_entry(parent)))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&hole->policy_link.rb, parent, link);
	mems_rb_insert_color(&hole->policy_link.rb, root);
}

static void worst_fit_hole_erase(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	mems_rb_erase(&hole->policy_link.rb, worst_fit_holes(policy));
}

static size_t worst_fit_largest_hole(const struct mems_policy *policy)
{
	const struct mems_seg *hole = worst_fit_last(policy);

	return hole ? seg_size(hole) : 0;
}

static int index_check_failed(FILE *report, const char *why, uintptr_t vstart)
{
	if (report)
		fprintf(report,
			"mems_check: worst-fit index: %s at %" PRIuPTR "\n",
			why, vstart);
	return -EUCLEAN;
}

/* Sorted by size, then start downwards, holding exactly the chains' holes. */
static int worst_fit_check(const struct mems_policy *policy, FILE *report)
{
	const struct rb_root *root = worst_fit_holes(policy);
	const struct mems_seg *prev = NULL, *hole;
	const struct mems_node *node;
	const struct rb_node *rb;
	size_t indexed = 0, holes = 0;

	if (mems_rb_validate(root))
		return index_check_failed(report, "unbalanced", 0);
	for (rb = mems_rb_first(root); rb; rb = mems_rb_next(rb), indexed++) {
		hole = hole_entry(rb);
		if (!seg_is_hole(hole))
			return index_check_failed(report, "not a hole",
						  hole->vstart);
		if (prev && !hole_before(prev, hole))
			return index_check_failed(report, "out of order",
						  hole->vstart);
		prev = hole;
	}
	heap_for_each_node(node, policy->heap)
		node_for_each_seg(hole, node)
			holes += seg_is_hole(hole);
	if (holes != indexed)
		return index_check_failed(report, "wrong hole count", 0);
	return 0;
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
	.largest_hole = worst_fit_largest_hole,
	.check = worst_fit_check,
};
