// SPDX-License-Identifier: MIT
/*
 * policy/next_fit.c - first-fit that resumes where the last block ended.
 *
 * The rover is one past the end of the most recent allocation, whether
 * it came from a hole or from a new node.  A hole qualifies when its last
 * byte is at or after the rover; the block is still carved from the
 * hole's low end.  With no qualifying hole the search wraps to the
 * lowest address.
 */
#include <mems/chain.h>

static uintptr_t *next_fit_rover(struct mems_policy *policy)
{
	return &policy->priv.word[0];
}

static void next_fit_init(struct mems_policy *policy)
{
	*next_fit_rover(policy) = policy->heap->virt_base;
}

static struct mems_seg *next_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct mems_seg *hole;

	hole = mems_lowest_fit(policy->heap, bytes, *next_fit_rover(policy));
	if (hole)
		return hole;
	return mems_lowest_fit(policy->heap, bytes, 0);
}

static void next_fit_allocated(struct mems_policy *policy,
			       const struct mems_seg *proc)
{
	/* Past the top of the space the rover wraps to 0: search from 0. */
	*next_fit_rover(policy) = proc->vend + 1;
}

const struct mems_policy_ops mems_next_fit_ops = {
	.name = "next-fit",
	.init = next_fit_init,
	.find = next_fit_find,
	.allocated = next_fit_allocated,
};
