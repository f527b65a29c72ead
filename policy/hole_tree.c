// SPDX-License-Identifier: MIT
/*
 * policy/hole_tree.c - the set-up, the largest hole and the check of the
 * bins of holes by size that best-fit and worst-fit share
 * (policy/hole_tree.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hole_tree.h"

/* Empty bins of 1 << @bits classes a power of two. */
void mems_hole_bins_init(struct mems_policy *policy, unsigned int bits)
{
	struct hole_bins *bins = hole_bins_of(policy);

	memset(bins, 0, sizeof(*bins));
	bins->bits = bits;
}

/*
 * The size of a largest hole: in the last bin, the larger of its tree's
 * last key, in either order, and its largest pending hole.  Statistics
 * ask, and leave the bin as it is.
 */
size_t mems_hole_bins_largest(const struct mems_policy *policy)
{
	const struct hole_bins *bins = hole_bins_of(policy);
	unsigned int c = hole_bins_top(bins, bins->bits);
	const struct mems_seg *hole;
	size_t largest = 0;

	if (c == hole_bins_count(bins->bits))
		return 0;
	hole = hole_tree_last(&bins->bin[c].tree);
	if (hole)
		largest = seg_size(hole);
	for (hole = bins->bin[c].pending; hole;
	     hole = hole->policy_link.pending.next)
		if (seg_size(hole) > largest)
			largest = seg_size(hole);
	return largest;
}

static int hole_tree_failed(FILE *report, const char *policy, const char *why,
			    uintptr_t vstart)
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

/* A hole of bin @c, in its tree or its pending list: a hole of class @c. */
static int bin_hole_check(const struct hole_bins *bins,
			  const struct mems_seg *hole, unsigned int c,
			  const char *policy, FILE *report)
{
	if (!seg_is_hole(hole))
		return hole_tree_failed(report, policy, "not a hole",
					hole->vstart);
	if (hole_bin_of(bins->bits, hole) != c)
		return hole_tree_failed(report, policy, "in another's bin",
					hole->vstart);
	return 0;
}

/*
 * Bin @c's tree: balanced, in @ties' order.  A tree node tagged pending
 * has lost its parent, which the balance check finds.
 */
static int bin_tree_check(const struct hole_bins *bins, unsigned int c,
			  enum hole_tree_ties ties, const char *policy,
			  FILE *report, size_t *indexed)
{
	const struct hole_bin *bin = &bins->bin[c];
	const struct mems_seg *prev = NULL, *hole;
	const struct rb_node *rb;
	int err;

	if (mems_rb_validate(&bin->tree))
		return hole_tree_failed(report, policy, "unbalanced", 0);
	for (rb = mems_rb_first(&bin->tree); rb; rb = mems_rb_next(rb)) {
		hole = hole_tree_entry(rb);
		err = bin_hole_check(bins, hole, c, policy, report);
		if (err)
			return err;
		if (prev && !hole_tree_before(prev, hole, ties))
			return hole_tree_failed(report, policy, "out of order",
						hole->vstart);
		prev = hole;
		++*indexed;
	}
	return 0;
}

/*
 * Bin @c's pending list: each hole tagged, linked back to the one
 * before it; at most as long as the chains have holes, so that a loop
 * in it ends the walk.
 */
static int bin_pending_check(const struct hole_bins *bins, unsigned int c,
			     size_t holes, const char *policy, FILE *report,
			     size_t *indexed)
{
	const struct mems_seg *prev = NULL, *hole;
	int err;

	for (hole = bins->bin[c].pending; hole;
	     prev = hole, hole = hole->policy_link.pending.next) {
		err = bin_hole_check(bins, hole, c, policy, report);
		if (err)
			return err;
		if (!hole_is_pending(hole) ||
		    hole->policy_link.pending.prev != prev ||
		    ++*indexed > holes)
			return hole_tree_failed(report, policy,
						"wrong list of pending holes",
						hole->vstart);
	}
	return 0;
}

/*
 * Each bin's tree balanced, sorted in @ties' order, and its pending
 * list well linked, both holding holes of its class only, its bit set
 * exactly when it holds any, and all of them together exactly the
 * chains' holes; a failure is reported as @policy's index.
 */
int mems_hole_bins_check(const struct hole_bins *bins,
			 const struct mems_heap *heap, enum hole_tree_ties ties,
			 const char *policy, FILE *report)
{
	const struct mems_node *node;
	const struct mems_seg *hole;
	size_t indexed = 0, holes = 0;
	unsigned int c;
	bool bit;
	int err;

	heap_for_each_node(node, heap)
		node_for_each_seg(hole, node)
			holes += seg_is_hole(hole);
	if (bins->bits < HOLE_BIN_BITS_MIN || bins->bits > HOLE_BIN_BITS_MAX)
		return hole_tree_failed(report, policy, "bins of no shape", 0);
	for (c = 0; c < HOLE_BINS_MAX; c++) {
		bit = bins->nonempty[c / 64] >> (c % 64) & 1;
		if (bit == hole_bin_empty(&bins->bin[c]))
			return bin_bit_failed(report, policy, c, bit);
		err = bin_tree_check(bins, c, ties, policy, report, &indexed);
		if (!err)
			err = bin_pending_check(bins, c, holes, policy, report,
						&indexed);
		if (err)
			return err;
	}
	if (holes != indexed)
		return hole_tree_failed(report, policy, "wrong hole count", 0);
	return 0;
}
