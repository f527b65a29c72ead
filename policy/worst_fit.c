// SPDX-License-Identifier: MIT
/*
 * policy/worst_fit.c - the largest hole, when it is large enough.
 *
 * The core's hole map (core/hole_map.c) knows the class of the largest
 * hole of the heap at its root, and walks the slots of that class for
 * the largest hole, the lowest-addressed among holes of its size.  The
 * block is carved from the hole's low end, as by every policy.
 */
#include <core/hole_map.h>
#include <core/policy.h>
#include <core/types.h>

static struct mems_seg *worst_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct mems_seg *hole = mems_hole_map_largest_hole(policy->heap);

	return hole && seg_size(hole) >= bytes ? hole : NULL;
}

const struct mems_policy_ops mems_worst_fit_ops = {
	.name = "worst-fit",
	.summary = "the largest hole, if it fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "worst-fit-linear",
	.uses_hole_map = true,
	.find = worst_fit_find,
};
