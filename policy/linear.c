// SPDX-License-Identifier: MIT
/*
 * policy/linear.c - reference versions of the policies.
 *
 * Each walks the chains from the lowest address, the plainest reading of
 * the rules.  They cost time in proportion to the number of segments,
 * but their answers are obviously right, so the tests require the
 * indexed policies to give exactly the same ones.  Nodes sit in the
 * main chain in ascending virtual order and segments in their sub-chain
 * likewise, so the first match of a walk is the lowest-addressed one.
 */
#include <core/policy.h>
#include <core/types.h>

/* The lowest hole of at least @bytes bytes whose end is at or after @from. */
static struct mems_seg *linear_lowest_fit(const struct mems_heap *heap,
					  size_t bytes, uintptr_t from)
{
	struct mems_node *node;
	struct mems_seg *seg;

	heap_for_each_node(node, heap) {
		if (node->vend < from)
			continue;
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg) && seg->vend >= from &&
			    seg_size(seg) >= bytes)
				return seg;
	}
	return NULL;
}

static struct mems_seg *first_fit_linear_find(struct mems_policy *policy,
					      size_t bytes)
{
	return linear_lowest_fit(policy->heap, bytes, 0);
}

/* Ties go to the lowest address: only a strictly smaller hole wins. */
static struct mems_seg *best_fit_linear_find(struct mems_policy *policy,
					     size_t bytes)
{
	struct mems_seg *best = NULL, *seg;
	struct mems_node *node;

	heap_for_each_node(node, policy->heap) {
		node_for_each_seg(seg, node) {
			if (!seg_is_hole(seg) || seg_size(seg) < bytes)
				continue;
			if (seg_size(seg) == bytes)
				return seg;
			if (!best || seg_size(seg) < seg_size(best))
				best = seg;
		}
	}
	return best;
}

/* Ties go to the lowest address: only a strictly larger hole wins. */
static struct mems_seg *worst_fit_linear_find(struct mems_policy *policy,
					      size_t bytes)
{
	struct mems_seg *worst = NULL, *seg;
	struct mems_node *node;

	heap_for_each_node(node, policy->heap)
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg) && seg_size(seg) >= bytes &&
			    (!worst || seg_size(seg) > seg_size(worst)))
				worst = seg;
	return worst;
}

static uintptr_t *linear_rover(struct mems_policy *policy)
{
	return &policy->priv.word[0];
}

static void next_fit_linear_init(struct mems_policy *policy)
{
	*linear_rover(policy) = policy->heap->virt_base;
}

static struct mems_seg *next_fit_linear_find(struct mems_policy *policy,
					     size_t bytes)
{
	struct mems_seg *hole;

	hole = linear_lowest_fit(policy->heap, bytes, *linear_rover(policy));
	return hole ? hole : linear_lowest_fit(policy->heap, bytes, 0);
}

static void next_fit_linear_allocated(struct mems_policy *policy,
				      const struct mems_seg *proc)
{
	*linear_rover(policy) = proc->vend + 1;
}

const struct mems_policy_ops mems_first_fit_linear_ops = {
	.name = "first-fit-linear",
	.summary = "the lowest-addressed hole that fits, by a walk of the "
		   "chains",
	.flags = MEMS_POLICY_REFERENCE,
	.find = first_fit_linear_find,
};

const struct mems_policy_ops mems_best_fit_linear_ops = {
	.name = "best-fit-linear",
	.summary = "the smallest hole that fits, ties to the lowest address, "
		   "by a walk of the chains",
	.flags = MEMS_POLICY_REFERENCE,
	.find = best_fit_linear_find,
};

const struct mems_policy_ops mems_next_fit_linear_ops = {
	.name = "next-fit-linear",
	.summary = "the lowest hole that fits from the end of the last block, "
		   "else from the start, by a walk of the chains",
	.flags = MEMS_POLICY_REFERENCE,
	.init = next_fit_linear_init,
	.find = next_fit_linear_find,
	.allocated = next_fit_linear_allocated,
};

const struct mems_policy_ops mems_worst_fit_linear_ops = {
	.name = "worst-fit-linear",
	.summary = "the largest hole, if it fits, ties to the lowest address, "
		   "by a walk of the chains",
	.flags = MEMS_POLICY_REFERENCE,
	.find = worst_fit_linear_find,
};
