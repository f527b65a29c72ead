// SPDX-License-Identifier: MIT
/*
 * policy/hole_tree.c - the hooks and the check of the bins of holes by
 * size that best-fit and worst-fit share (policy/hole_tree.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hole_tree.h"

void mems_hole_bins_init(struct mems_policy *policy)
{
	memset(hole_bins_of(policy), 0, sizeof(struct hole_bins));
}

void mems_hole_bins_erase(struct mems_policy *policy, struct mems_seg *hole)
{
	hole_bins_erase(hole_bins_of(policy), hole);
}

/* The last key of the last bin, a largest hole, in either order. */
size_t mems_hole_bins_largest(const struct mems_policy *policy)
{
	const struct mems_seg *hole = hole_bins_last(hole_bins_of(policy));

	return hole ? seg_size(hole) : 0;
}

static int hole_tree_failed(FILE *report, const char *policy,
			    const char *why, uintptr_t vstart)
{
	if (report)
		fprintf(report, "mems_check: %s index: %s at %" PRIuPTR "\n",
			policy, why, vstart);
	return -EUCLEAN;
}

static int bin_bit_failed(FILE *report, const char *policy, unsigned int c,
			  bool bit)
{
	if (report)
		fprintf(report,
			"mems_check: %s index: bin %u is %sempty, its bit %s\n",
			policy, c, bit ? "" : "not ", bit ? "set" : "clear");
	return -EUCLEAN;
}

/*
 * Each bin balanced, sorted in @ties' order and holding holes of its
 * class only, its bit set exactly when it holds any, and all of them
 * together exactly the chains' holes; a failure is reported as
 * @policy's index.
 */
int mems_hole_bins_check(const struct hole_bins *bins,
			 const struct mems_heap *heap, enum hole_tree_ties ties,
			 const char *policy, FILE *report)
{
	const struct mems_seg *prev, *hole;
	const struct mems_node *node;
	const struct rb_node *rb;
	size_t indexed = 0, holes = 0;
	unsigned int c;
	bool bit;

	for (c = 0; c < MEMS_HOLE_CLASSES; c++) {
		bit = bins->nonempty[c / 64] >> (c % 64) & 1;
		if (mems_rb_validate(&bins->root[c]))
			return hole_tree_failed(report, policy, "unbalanced",
						0);
		if (bit != !!bins->root[c].rb_node)
			return bin_bit_failed(report, policy, c, bit);
		prev = NULL;
		for (rb = mems_rb_first(&bins->root[c]); rb;
		     rb = mems_rb_next(rb), indexed++) {
			hole = hole_tree_entry(rb);
			if (!seg_is_hole(hole))
				return hole_tree_failed(report, policy,
							"not a hole",
							hole->vstart);
			if (hole_bin_of(hole) != c)
				return hole_tree_failed(report, policy,
							"in another's bin",
							hole->vstart);
			if (prev && !hole_tree_before(prev, hole, ties))
				return hole_tree_failed(report, policy,
							"out of order",
							hole->vstart);
			prev = hole;
		}
	}
	heap_for_each_node(node, heap)
		node_for_each_seg(hole, node)
			holes += seg_is_hole(hole);
	if (holes != indexed)
		return hole_tree_failed(report, policy, "wrong hole count", 0);
	return 0;
}
