// SPDX-License-Identifier: MIT
/*
 * policy/best_fit.c - the smallest hole that is large enough.
 *
 * Holes sit in bins by size class, each a tree ordered by (size, start),
 * so the answer, ties going to the lowest address, is the first key at
 * or above (n, 0) in n's bin, or else the first key of the next bin that
 * holds any: one descent of a small tree, once the bin's pending holes
 * have entered it (policy/hole_tree.h).  A hole that changes size
 * changes key, and maybe bin, so this policy leaves out hole_resize and
 * the core erases and reinserts.
 */
#include <core/policy.h>
#include <core/types.h>

#include "hole_tree.h"

/*
 * 64 classes a power of two: trees of a quarter of the holes that 16
 * would give, two levels fewer on each descent.
 */
#define BEST_FIT_BITS 6
HOLE_BINS_FIT(BEST_FIT_BITS);

/* The first hole of @root of at least @bytes bytes, NULL when none is. */
static struct mems_seg *bin_lower_bound(const struct rb_root *root,
					size_t bytes)
{
	const struct rb_node *rb = root->rb_node;
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

/*
 * In @bytes' own bin the first key at or above (bytes, 0); failing that,
 * every hole of the next bin that holds any fits, and its first is the
 * smallest.  Each bin is put in order as it is read.
 */
static struct mems_seg *best_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct hole_bins *bins = hole_bins_of(policy);
	unsigned int c = hole_bin_of_size(BEST_FIT_BITS, bytes ? bytes : 1);
	struct mems_seg *hole = bin_lower_bound(
		hole_bin_order(bins, c, HOLE_TREE_LOW_FIRST), bytes);

	if (hole)
		return hole;
	c = hole_bins_next(bins, c + 1, BEST_FIT_BITS);
	if (c == hole_bins_count(BEST_FIT_BITS))
		return NULL;
	return hole_tree_entry(
		mems_rb_first(hole_bin_order(bins, c, HOLE_TREE_LOW_FIRST)));
}

static void best_fit_init(struct mems_policy *policy)
{
	mems_hole_bins_init(policy, BEST_FIT_BITS);
}

static void best_fit_insert(struct mems_policy *policy, struct mems_seg *hole)
{
	hole_bins_insert(hole_bins_of(policy), hole, BEST_FIT_BITS);
}

static void best_fit_erase(struct mems_policy *policy, struct mems_seg *hole)
{
	hole_bins_erase(hole_bins_of(policy), hole, BEST_FIT_BITS);
}

/* Sorted by (size, start) in each bin, holding the chains' holes. */
static int best_fit_check(const struct mems_policy *policy, FILE *report)
{
	return mems_hole_bins_check(hole_bins_of(policy), policy->heap,
				    HOLE_TREE_LOW_FIRST, "best-fit", report);
}

const struct mems_policy_ops mems_best_fit_ops = {
	.name = "best-fit",
	.summary = "the smallest hole that fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "best-fit-linear",
	.init = best_fit_init,
	.find = best_fit_find,
	.hole_insert = best_fit_insert,
	.hole_erase = best_fit_erase,
	.largest_hole = mems_hole_bins_largest,
	.check = best_fit_check,
};
