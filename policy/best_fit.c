// SPDX-License-Identifier: MIT
/*
 * policy/best_fit.c - the smallest hole that is large enough.
 *
 * Holes sit in a tree ordered by (size, start), so the answer, ties
 * going to the lowest address, is the first key at or above (n, 0): one
 * O(log n) descent.  A hole that changes size changes key, so this
 * policy leaves out hole_resize and the core erases and reinserts.
 */
#include <errno.h>
#include <inttypes.h>

#include <core/policy.h>
#include <core/types.h>

MEMS_POLICY_PRIV_FITS(struct rb_root);

static struct rb_root *best_fit_holes(const struct mems_policy *policy)
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
	return a->vstart < b->vstart;
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
		struct mems_seg *hole = hole_entry(rb);

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
	struct rb_root *root = best_fit_holes(policy);
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

static void best_fit_hole_erase(struct mems_policy *policy,
				struct mems_seg *hole)
{
	mems_rb_erase(&hole->policy_link.rb, best_fit_holes(policy));
}

/* The last key in (size, start) order is a largest hole. */
static size_t best_fit_largest_hole(const struct mems_policy *policy)
{
	const struct rb_node *last = mems_rb_last(best_fit_holes(policy));

	return last ? seg_size(hole_entry(last)) : 0;
}

static int index_check_failed(FILE *report, const char *why, uintptr_t vstart)
{
	if (report)
		fprintf(report,
			"mems_check: best-fit index: %s at %" PRIuPTR "\n", why,
			vstart);
	return -EUCLEAN;
}

/* Sorted by (size, start), and holding exactly the chains' holes. */
static int best_fit_check(const struct mems_policy *policy, FILE *report)
{
	const struct rb_root *root = best_fit_holes(policy);
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
