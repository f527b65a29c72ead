// SPDX-License-Identifier: MIT
/*
 * policy/first_fit.c - the lowest-addressed hole that is large enough.
 */
#include <mems/chain.h>

static struct mems_seg *first_fit_find(struct mems_policy *policy, size_t bytes)
{
	return mems_lowest_fit(policy->heap, bytes, 0);
}

const struct mems_policy_ops mems_first_fit_ops = {
	.name = "first-fit",
	.find = first_fit_find,
};
