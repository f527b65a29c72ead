// SPDX-License-Identifier: MIT
/*
 * policy/next_fit.c - first-fit that resumes where the last block ended.
 *
 * The rover is one past the end of the most recent allocation, whether
 * it came from a hole or from a new node.  A hole qualifies when its last
 * byte is at or after the rover; the block is still carved from the
 * hole's low end.  With no qualifying hole the search wraps to the
 * lowest address.  Both searches are descents of the address-ordered
 * hole tree that first-fit uses (policy/hole_tree.c).
 */
#include "hole_tree.h"

struct next_fit_state {
	struct rb_root holes;
	uintptr_t rover;
};

MEMS_POLICY_PRIV_FITS(struct next_fit_state);

static struct next_fit_state *next_fit_state(const struct mems_policy *policy)
{
	return (struct next_fit_state *)&policy->priv;
}

static void next_fit_init(struct mems_policy *policy)
{
	next_fit_state(policy)->holes = RB_ROOT;
	next_fit_state(policy)->rover = policy->heap->virt_base;
}

static struct mems_seg *next_fit_find(struct mems_policy *policy, size_t bytes)
{
	struct next_fit_state *state = next_fit_state(policy);
	struct mems_seg *hole;

	hole = hole_tree_lowest_fit(&state->holes, bytes, state->rover);
	if (hole)
		return hole;
	return hole_tree_lowest_fit(&state->holes, bytes, 0);
}

static void next_fit_allocated(struct mems_policy *policy,
			       const struct mems_seg *proc)
{
	/* Past the top of the space the rover wraps to 0: search from 0. */
	next_fit_state(policy)->rover = proc->vend + 1;
}

static void next_fit_hole_insert(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	hole_tree_insert(&next_fit_state(policy)->holes, hole);
}

static void next_fit_hole_erase(struct mems_policy *policy,
				struct mems_seg *hole)
{
	hole_tree_erase(&next_fit_state(policy)->holes, hole);
}

static void next_fit_hole_resize(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	(void)policy;
	hole_tree_resized(hole);
}

static size_t next_fit_largest_hole(const struct mems_policy *policy)
{
	return hole_tree_largest(&next_fit_state(policy)->holes);
}

static int next_fit_check(const struct mems_policy *policy, FILE *report)
{
	return hole_tree_check(&next_fit_state(policy)->holes, policy->heap,
			       report);
}

const struct mems_policy_ops mems_next_fit_ops = {
	.name = "next-fit",
	.summary = "the lowest hole that fits at or after the end of the "
		   "last block, else the lowest anywhere",
	.reference = "next-fit-linear",
	.init = next_fit_init,
	.find = next_fit_find,
	.allocated = next_fit_allocated,
	.hole_insert = next_fit_hole_insert,
	.hole_erase = next_fit_hole_erase,
	.hole_resize = next_fit_hole_resize,
	.largest_hole = next_fit_largest_hole,
	.check = next_fit_check,
};
