// SPDX-License-Identifier: MIT
/*
 * policy/best_fit.c - the smallest hole that is large enough.
 *
 * Holes sit in a B+-tree ordered by (size, start) (policy/hole_tree.c),
 * so the answer, ties going to the lowest address, is the first key at
 * or above (n, 0): one descent through nodes of two cache lines.  Each
 * hole keeps the key it was indexed under in its policy link, so that a
 * hole whose bounds changed is found under its old key, and changes in
 * place when its new key still sorts between its neighbours.  The tree's
 * nodes are pairs of records of the heap's pool, which the core keeps
 * reserved for as many holes as the heap could have (index_pairs).
 */
#include <errno.h>
#include <inttypes.h>

#include <core/policy.h>
#include <core/types.h>
#include "hole_tree.h"

MEMS_POLICY_PRIV_FITS(struct hole_tree);

static struct hole_tree *best_fit_holes(const struct mems_policy *policy)
{
	return (struct hole_tree *)&policy->priv;
}

static struct mems_meta *best_fit_meta(const struct mems_policy *policy)
{
	return &policy->heap->meta;
}

static void best_fit_init(struct mems_policy *policy)
{
	hole_tree_init(best_fit_holes(policy));
}

static void best_fit_exit(struct mems_policy *policy)
{
	hole_tree_clear(best_fit_holes(policy), best_fit_meta(policy));
}

static size_t best_fit_index_pairs(size_t holes)
{
	return hole_tree_max_nodes(holes);
}

static struct mems_seg *best_fit_find(struct mems_policy *policy, size_t bytes)
{
	return hole_tree_lower_bound(best_fit_holes(policy), bytes, 0);
}

static void best_fit_hole_insert(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	hole->policy_link.key.size = seg_size(hole);
	hole->policy_link.key.start = hole->vstart;
	hole_tree_insert(best_fit_holes(policy), best_fit_meta(policy),
			 seg_size(hole), hole->vstart, hole);
}

static void best_fit_hole_erase(struct mems_policy *policy,
				struct mems_seg *hole)
{
	hole_tree_erase(best_fit_holes(policy), best_fit_meta(policy),
			hole->policy_link.key.size,
			hole->policy_link.key.start);
}

static void best_fit_hole_resize(struct mems_policy *policy,
				 struct mems_seg *hole)
{
	uintptr_t size = hole->policy_link.key.size;
	uintptr_t start = hole->policy_link.key.start;

	hole->policy_link.key.size = seg_size(hole);
	hole->policy_link.key.start = hole->vstart;
	hole_tree_update(best_fit_holes(policy), best_fit_meta(policy), size,
			 start, seg_size(hole), hole->vstart, hole);
}

/* The last key in (size, start) order is a largest hole. */
static size_t best_fit_largest_hole(const struct mems_policy *policy)
{
	uintptr_t size = 0;

	hole_tree_last(best_fit_holes(policy), &size);
	return size;
}

static int index_check_failed(FILE *report, const char *why, uintptr_t vstart)
{
	if (report)
		fprintf(report,
			"mems_check: best-fit index: %s at %" PRIuPTR "\n", why,
			vstart);
	return -EUCLEAN;
}

struct entry_check {
	uintptr_t at;
};

/* An entry names a hole, under the hole's bounds and its recorded key. */
static int entry_is_its_hole(uintptr_t size, uintptr_t start,
			     struct mems_seg *seg, void *arg)
{
	struct entry_check *check = arg;

	check->at = start;
	if (!seg_is_hole(seg) || seg->vstart != start ||
	    seg_size(seg) != size || seg->policy_link.key.size != size ||
	    seg->policy_link.key.start != start)
		return -1;
	return 0;
}

/*
 * The tree sound (hole_tree_check()), each entry its hole's key, and
 * every hole of the chains found under its key: with the counts equal,
 * each hole is in the tree exactly once.  Its nodes are every pair the
 * pool has handed out.
 */
static int best_fit_check(const struct mems_policy *policy, FILE *report)
{
	const struct hole_tree *tree = best_fit_holes(policy);
	struct entry_check check = { 0 };
	const struct mems_node *node;
	const struct mems_seg *hole;
	const char *fault;
	size_t holes = 0;

	fault = hole_tree_check(tree, entry_is_its_hole, &check);
	if (fault)
		return index_check_failed(report, fault, check.at);
	heap_for_each_node(node, policy->heap)
		node_for_each_seg(hole, node) {
			if (!seg_is_hole(hole))
				continue;
			holes++;
			if (hole_tree_lower_bound(tree, seg_size(hole),
						  hole->vstart) != hole)
				return index_check_failed(report, "hole missing",
							  hole->vstart);
		}
	if (holes != tree->nr_keys)
		return index_check_failed(report, "wrong hole count", 0);
	if (tree->nr_nodes != policy->heap->meta.live_pairs)
		return index_check_failed(report, "pairs not the tree's", 0);
	return 0;
}

const struct mems_policy_ops mems_best_fit_ops = {
	.name = "best-fit",
	.summary = "the smallest hole that fits; among equal sizes, the "
		   "lowest-addressed",
	.reference = "best-fit-linear",
	.init = best_fit_init,
	.exit = best_fit_exit,
	.index_pairs = best_fit_index_pairs,
	.find = best_fit_find,
	.hole_insert = best_fit_hole_insert,
	.hole_erase = best_fit_hole_erase,
	.hole_resize = best_fit_hole_resize,
	.largest_hole = best_fit_largest_hole,
	.check = best_fit_check,
};
