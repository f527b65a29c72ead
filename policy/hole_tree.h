/* SPDX-License-Identifier: MIT */
/*
 * policy/hole_tree.h - holes in a red-black tree by size, for the
 * policies that place by size (policy/hole_tree.c).
 *
 * Best-fit and worst-fit keep every hole in a tree whose links live in
 * the hole's own record (policy_link.rb).  Both order by size; they
 * differ in which of two holes of one size comes first: best-fit wants
 * the lowest address first among the smallest that fit, worst-fit the
 * lowest address last, so that the tree's last key is its answer.
 * Insertion is inline so that each policy's copy compares with its own
 * order, known at compile time.
 */
#ifndef MEMS_POLICY_HOLE_TREE_H
#define MEMS_POLICY_HOLE_TREE_H

#include <stdbool.h>
#include <stdio.h>

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

int mems_hole_tree_check(const struct rb_root *root,
			 const struct mems_heap *heap, enum hole_tree_ties ties,
			 const char *policy, FILE *report);

#endif /* MEMS_POLICY_HOLE_TREE_H */
