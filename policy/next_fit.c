// SPDX-License-Identifier: MIT
/*
 * policy/next_fit.c - first-fit that resumes where the last block ended.
 *
 * The rover is one past the end of the most recent allocation, whether
 * it came from a hole or from a new node.  A hole qualifies when its last
 * byte is at or after the rover; the block is still carved from the
 * hole's low end.  With no qualifying hole the search wraps to the
 * lowest address.  Both searches are descents of the core's hole map
 * (core/hole_map.c), which first-fit uses too.
 */
#include <core/hole_map.h>
#include <core/policy.h>
#include <core/types.h>

struct next_fit_state {
	uintptr_t rover;
};

MEMS_POLICY_PRIV_FITS(struct next_fit_state);

static struct next_fit_state *next_fit_state(const struct mems_policy *policy)
{
	return (struct next_fit_state *)&policy->priv;
}

static void next_fit_init(struct mems_policy *policy)
{
	next_fit_state(policy)->rover = policy->heap->virt_base;
}

static struct mems_seg *next_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct mems_seg *hole;

	hole = mems_hole_map_lowest_fit(policy->heap, bytes,
					next_fit_state(policy)->rover);
	if (hole)
		return hole;
	return mems_hole_map_lowest_fit(policy->heap, bytes, 0);
}

static void next_fit_allocated(struct mems_policy *policy,
			       const struct mems_seg *proc)
{
	/* Past the top of the space the rover wraps to 0: search from 0. */
	next_fit_state(policy)->rover = proc->vend + 1;
}

const struct mems_policy_ops mems_next_fit_ops = {
	.name = "next-fit",
	.summary = "the lowest hole that fits at or after the end of the "
		   "last block, else the lowest anywhere",
	.reference = "next-fit-linear",
	.uses_hole_map = true,
	.init = next_fit_init,
	.find = next_fit_find,
	.allocated = next_fit_allocated,
};
