// SPDX-License-Identifier: MIT
/*
 * policy/worst_fit.c - the largest hole, when it is large enough.
 *
 * The core's hole map (core/hole_map.c) knows the largest hole of the
 * heap at its root.  Among holes of that size the lowest-addressed wins,
 * and that is the map's lowest hole of at least that size, the descent
 * first-fit makes.  The block is carved from the hole's low end, as by
 * every policy.
 */
#include <core/hole_map.h>
#include <core/policy.h>
#include <core/types.h>

static struct mems_seg *worst_fit_find(struct mems_policy *policy, size_t bytes)
{
	size_t largest = mems_hole_map_largest(policy->heap);

	if (largest < bytes)
		return NULL;
	return mems_hole_map_lowest_fit(policy->heap, largest, 0);
}

const struct mems_policy_ops mems_worst_fit_ops = {
	.name = "worst-fit",
	.summary = "the largest hole, if it fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "worst-fit-linear",
	.uses_hole_map = true,
	.find = worst_fit_find,
};
