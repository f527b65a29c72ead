// SPDX-License-Identifier: MIT
/*
 * policy/worst_fit.c - the largest hole, when it is large enough.
 *
 * Holes sit in bins by size class, each a tree ordered by size, and
 * among equal sizes by start from the highest down, so that the last
 * key of the last bin that holds any is the largest hole and, among
 * holes of its size, the lowest-addressed: the answer, when it fits.
 * Only the last bin is read, and only its pending holes are put in
 * order (policy/hole_tree.h): the small holes that frees leave between
 * blocks wait unordered until they are merged away.  The block is
 * carved from the hole's low end, as by every policy.  A hole that
 * changes size changes key, so, as for best-fit, the core erases and
 * reinserts it.
 *
 * The core's hole map knows only the class of the largest hole, and
 * worst-fit, which keeps the largest holes alike, would walk many slots
 * of that class for the exact one at every search.
 */
#include <core/policy.h>
#include <core/types.h>

#include "hole_tree.h"

/*
 * 16 classes a power of two: a hole that a free grows changes bins, and
 * lists, less often than with finer ones, and worst-fit reads one bin.
 */
#define WORST_FIT_BITS 4
HOLE_BINS_FIT(WORST_FIT_BITS);

/* The last bin's last key, its pending holes put in order first. */
static struct mems_seg *worst_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct hole_bins *bins = hole_bins_of(policy);
	unsigned int c = hole_bins_top(bins, WORST_FIT_BITS);
	const struct rb_node *last;
	struct mems_seg *hole;

	if (c == hole_bins_count(WORST_FIT_BITS))
		return NULL;
	/* A bin whose bit is set holds a hole: no NULL to test for. */
	last = mems_rb_last(hole_bin_order(bins, c, HOLE_TREE_HIGH_FIRST));
	hole = hole_tree_entry(last);
	return seg_size(hole) >= bytes ? hole : NULL;
}

static void worst_fit_init(struct mems_policy *policy)
{
	mems_hole_bins_init(policy, WORST_FIT_BITS);
}

static void worst_fit_insert(struct mems_policy *policy, struct mems_seg *hole)
{
	hole_bins_insert(hole_bins_of(policy), hole, WORST_FIT_BITS);
}

static void worst_fit_erase(struct mems_policy *policy, struct mems_seg *hole)
{
	hole_bins_erase(hole_bins_of(policy), hole, WORST_FIT_BITS);
}

/* Sorted by size, then start downwards, in each bin; the chains' holes. */
static int worst_fit_check(const struct mems_policy *policy, FILE *report)
{
	return mems_hole_bins_check(hole_bins_of(policy), policy->heap,
				    HOLE_TREE_HIGH_FIRST, "worst-fit", report);
}

const struct mems_policy_ops mems_worst_fit_ops = {
	.name = "worst-fit",
	.summary = "the largest hole, if it fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "worst-fit-linear",
	.init = worst_fit_init,
	.find = worst_fit_find,
	.hole_insert = worst_fit_insert,
	.hole_erase = worst_fit_erase,
	.largest_hole = mems_hole_bins_largest,
	.check = worst_fit_check,
};
