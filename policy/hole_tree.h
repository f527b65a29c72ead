/* SPDX-License-Identifier: MIT */
/*
 * policy/hole_tree.h - holes in red-black trees by size, a tree a size
 * class, for the policies that place by size (policy/hole_tree.c).
 *
 * Best-fit and worst-fit keep every hole in a tree whose links live in
 * the hole's own record (policy_link.rb), the tree of its size class
 * (struct hole_bins, below).  Both order by size; they differ in which
 * of two holes of one size comes first: best-fit wants the lowest
 * address first among the smallest that fit, worst-fit the lowest
 * address last, so that the last bin's last key is its answer.  A hole
 * enters its tree when a search first reads its bin, and waits in a
 * list until then (struct hole_bins, below).  The move into the tree is
 * inline so that each policy's copy compares with its own order, known
 * at compile time.
 */
#ifndef MEMS_POLICY_HOLE_TREE_H
#define MEMS_POLICY_HOLE_TREE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <core/hole_map.h>
#include <core/types.h>

/* Which of two holes of one size comes first in the tree. */
enum hole_tree_ties {
	HOLE_TREE_LOW_FIRST,
	HOLE_TREE_HIGH_FIRST,
};

static inline struct mems_seg *hole_tree_entry(const struct rb_node *rb)
{
	return rb_entry(rb, struct mems_seg, policy_link.rb);
}

static inline bool hole_tree_before(const struct mems_seg *a,
				    const struct mems_seg *b,
				    enum hole_tree_ties ties)
{
	if (seg_size(a) != seg_size(b))
		return seg_size(a) < seg_size(b);
	if (ties == HOLE_TREE_HIGH_FIRST)
		return a->vstart > b->vstart;
	return a->vstart < b->vstart;
}

static inline void hole_tree_insert(struct rb_root *root, struct mems_seg *hole,
				    enum hole_tree_ties ties)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (hole_tree_before(hole, hole_tree_entry(parent), ties))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&hole->policy_link.rb, parent, link);
	mems_rb_insert_color(&hole->policy_link.rb, root);
}

static inline void hole_tree_erase(struct rb_root *root, struct mems_seg *hole)
{
	mems_rb_erase(&hole->policy_link.rb, root);
}

/* The last hole in the tree's order, a largest one; NULL when none. */
static inline struct mems_seg *hole_tree_last(const struct rb_root *root)
{
	const struct rb_node *last = mems_rb_last(root);

	return last ? hole_tree_entry(last) : NULL;
}

/*
 * Holes in bins by size class (mems_size_class(), core/hole_map.h), and
 * a bit for each bin that holds any: a bin holds the holes of one class
 * only, so its tree's depth is that of a few dozen holes rather than of
 * all of them, and a class above a request's certainly fits, so the
 * bits lead to the next bin that can answer.  Each policy chooses how
 * many classes a power of two has (@bits, its init): best-fit 64, whose
 * searches descend the trees of the sizes asked for, worst-fit 16, which
 * reads only the last bin and whose holes, merged by frees, then change
 * bins less often.  The area has room for the finer.
 *
 * A hole that appears waits in its bin's list of pending holes, in no
 * order, and enters the tree only when a search reads the bin
 * (hole_bin_order()).  A policy reads few bins: worst-fit only the last,
 * best-fit those of the sizes asked for.  The holes of the other bins,
 * most of them small ones that a free left between two blocks, come and
 * go, merged into their neighbours or carved, without a descent of a
 * tree through records spread over the slabs.  A pending hole's link
 * holds HOLE_PENDING where a tree node holds its parent and colour,
 * whose bit 1 is always clear, and the list's next and previous holes,
 * NULL-ended both ways: the list holds no pointer into the heap.
 */

/*
 * The bins of 1 << bits classes a power of two: those of the sizes below
 * 2 << bits, one each, and 1 << bits for each power of two, 16 << bits
 * in all, a multiple of 64 (a word of bits) from 4 classes on.
 */
#define HOLE_BINS_COUNT(bits) (16u << (bits))
#define HOLE_BIN_BITS_MIN 2
#define HOLE_BIN_BITS_MAX 6
#define HOLE_BINS_MAX HOLE_BINS_COUNT(HOLE_BIN_BITS_MAX)
#define HOLE_BIN_WORDS_MAX (HOLE_BINS_MAX / 64)
#define HOLE_PENDING ((uintptr_t)2)

struct hole_bin {
	struct rb_root tree;
	struct mems_seg *pending;
};

struct hole_bins {
	struct hole_bin bin[HOLE_BINS_MAX];
	uint64_t nonempty[HOLE_BIN_WORDS_MAX];
	unsigned int bits; /* 1 << bits classes a power of two */
};

MEMS_POLICY_PRIV_FITS(struct hole_bins);
static_assert(offsetof(union mems_policy_link, pending.tag) ==
		      offsetof(union mems_policy_link, rb.parent_color),
	      "a pending hole's tag is where a tree node's parent is");

/* The bins of a policy that keeps them, in its private area. */
static inline struct hole_bins *hole_bins_of(const struct mems_policy *policy)
{
	return (struct hole_bins *)&policy->priv;
}

/*
 * The bins of 1 << @bits classes a power of two (HOLE_BINS_COUNT()).
 * @bits is the policy's own constant, for the shifts and bounds to be
 * built into its code.
 */
static inline unsigned int hole_bins_count(unsigned int bits)
{
	return HOLE_BINS_COUNT(bits);
}

/* A policy's @bits gives whole words of bits, within the area. */
#define HOLE_BINS_FIT(bits)                                \
	static_assert((bits) >= HOLE_BIN_BITS_MIN &&       \
			      (bits) <= HOLE_BIN_BITS_MAX, \
		      "the bins of " #bits " fit the policy's area")

static inline unsigned int hole_bin_of_size(unsigned int bits, size_t size)
{
	return mems_size_class(size, bits, hole_bins_count(bits) - 1);
}

static inline unsigned int hole_bin_of(unsigned int bits,
				       const struct mems_seg *hole)
{
	return hole_bin_of_size(bits, seg_size(hole));
}

static inline bool hole_is_pending(const struct mems_seg *hole)
{
	return hole->policy_link.pending.tag == HOLE_PENDING;
}

static inline bool hole_bin_empty(const struct hole_bin *bin)
{
	return !bin->tree.rb_node && !bin->pending;
}

static inline void hole_bins_insert(struct hole_bins *bins,
				    struct mems_seg *hole, unsigned int bits)
{
	unsigned int c = hole_bin_of(bits, hole);
	struct hole_bin *bin = &bins->bin[c];
	struct mems_seg *first = bin->pending;

	hole->policy_link.pending.tag = HOLE_PENDING;
	hole->policy_link.pending.next = first;
	hole->policy_link.pending.prev = NULL;
	if (first)
		first->policy_link.pending.prev = hole;
	bin->pending = hole;
	bins->nonempty[c / 64] |= (uint64_t)1 << (c % 64);
}

static inline void hole_bin_unpend(struct hole_bin *bin, struct mems_seg *hole)
{
	struct mems_seg *next = hole->policy_link.pending.next;
	struct mems_seg *prev = hole->policy_link.pending.prev;

	if (prev)
		prev->policy_link.pending.next = next;
	else
		bin->pending = next;
	if (next)
		next->policy_link.pending.prev = prev;
}

static inline void hole_bins_erase(struct hole_bins *bins,
				   struct mems_seg *hole, unsigned int bits)
{
	unsigned int c = hole_bin_of(bits, hole);
	struct hole_bin *bin = &bins->bin[c];

	if (hole_is_pending(hole))
		hole_bin_unpend(bin, hole);
	else
		hole_tree_erase(&bin->tree, hole);
	if (hole_bin_empty(bin))
		bins->nonempty[c / 64] &= ~((uint64_t)1 << (c % 64));
}

/* Bin @c's pending holes into its tree, for a search of the bin. */
static inline struct rb_root *
hole_bin_order(struct hole_bins *bins, unsigned int c, enum hole_tree_ties ties)
{
	struct hole_bin *bin = &bins->bin[c];
	struct mems_seg *hole;

	while ((hole = bin->pending)) {
		bin->pending = hole->policy_link.pending.next;
		hole_tree_insert(&bin->tree, hole, ties);
	}
	return &bin->tree;
}

/* The first bin from @c on that holds any hole; the count if none. */
static inline unsigned int hole_bins_next(const struct hole_bins *bins,
					  unsigned int c, unsigned int bits)
{
	const unsigned int nr = hole_bins_count(bits);
	unsigned int w = c / 64;
	uint64_t set;

	if (c >= nr)
		return nr;
	set = bins->nonempty[w] & (~(uint64_t)0 << (c % 64));
	while (!set) {
		if (++w == nr / 64)
			return nr;
		set = bins->nonempty[w];
	}
	return w * 64 + (unsigned int)__builtin_ctzll(set);
}

/* The last bin that holds any hole; the count if none does. */
static inline unsigned int hole_bins_top(const struct hole_bins *bins,
					 unsigned int bits)
{
	unsigned int w = hole_bins_count(bits) / 64;

	while (w--)
		if (bins->nonempty[w])
			return w * 64 + 63 -
			       (unsigned int)__builtin_clzll(bins->nonempty[w]);
	return hole_bins_count(bits);
}

void mems_hole_bins_init(struct mems_policy *policy, unsigned int bits);
size_t mems_hole_bins_largest(const struct mems_policy *policy);

int mems_hole_bins_check(const struct hole_bins *bins,
			 const struct mems_heap *heap, enum hole_tree_ties ties,
			 const char *policy, FILE *report);

#endif /* MEMS_POLICY_HOLE_TREE_H */
