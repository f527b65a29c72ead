// SPDX-License-Identifier: MIT
/*
 * policy/first_fit.c - the lowest-addressed hole that fits.
 *
 * The core's hole map (core/hole_map.c) knows the size class of the
 * largest hole of every stretch of space, so the lowest hole of at least
 * n bytes is one descent of it and a look at the few segments of one
 * stretch, or of the next stretch that may hold it when one of n's own
 * class falls short.  The policy keeps no index of its own.
 */
#include <core/hole_map.h>
#include <core/policy.h>
#include <core/types.h>

static struct mems_seg *first_fit_find(struct mems_policy *policy, size_t bytes)
{
	return mems_hole_map_lowest_fit(policy->heap, bytes, 0);
}

const struct mems_policy_ops mems_first_fit_ops = {
	.name = "first-fit",
	.summary = "the lowest-addressed hole that fits",
	.reference = "first-fit-linear",
	.uses_hole_map = true,
	.find = first_fit_find,
};
