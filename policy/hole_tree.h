/* SPDX-License-Identifier: MIT */
/*
 * policy/hole_tree.h - a B+-tree of holes keyed by (size, start).
 *
 * Internal to MeMS (not installed).  Best-fit's index: the first key at
 * or above (n, 0) is the smallest hole of at least n bytes, ties going to
 * the lowest address.  A node is 128 bytes on a 128-byte boundary, two
 * cache lines, and holds its keys packed in arrays, so that a search
 * reads a few lines per level instead of one cold record per level of a
 * binary tree.  Nodes are pairs of records of the heap's record pool
 * (core/meta.h), reserved before a call changes anything: the tree
 * itself never maps and never fails.
 */
#ifndef MEMS_POLICY_HOLE_TREE_H
#define MEMS_POLICY_HOLE_TREE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

struct mems_meta;
struct mems_seg;

/* Entries of a leaf, children of an inner node; half, rounded up, at least. */
#define HOLE_TREE_ORDER 5
#define HOLE_TREE_MIN 3

/*
 * A leaf holds @nr keys and the hole of each; an inner node @nr
 * separators and @nr + 1 children, where every key under child i is below
 * separator i and every key under child i + 1 at or above it.
 */
struct hole_tree_node {
	uint32_t nr;
	uint32_t leaf;
	uintptr_t size[HOLE_TREE_ORDER];
	uintptr_t start[HOLE_TREE_ORDER];
	union {
		struct mems_seg *seg[HOLE_TREE_ORDER];
		struct hole_tree_node *child[HOLE_TREE_ORDER];
	};
};

static_assert(sizeof(struct hole_tree_node) == 128,
	      "a tree node is two cache lines, a pair of pool records");

struct hole_tree {
	struct hole_tree_node *root; /* NULL while the tree is empty */
	size_t height; /* levels, leaves included */
	size_t nr_keys;
	size_t nr_nodes;
};

/*
 * The most nodes a tree of @keys keys holds, whatever the order of the
 * changes that made it: leaves are at least HOLE_TREE_MIN full, so at
 * most keys / 3 of them, and inner nodes of three children or more (two
 * at the root) number at most half the leaves, plus the root.
 */
static inline size_t hole_tree_max_nodes(size_t keys)
{
	return keys / 2 + 2;
}

void hole_tree_init(struct hole_tree *tree);
void hole_tree_clear(struct hole_tree *tree, struct mems_meta *meta);
struct mems_seg *hole_tree_lower_bound(const struct hole_tree *tree,
				       uintptr_t size, uintptr_t start);
struct mems_seg *hole_tree_last(const struct hole_tree *tree, uintptr_t *size);
void hole_tree_insert(struct hole_tree *tree, struct mems_meta *meta,
		      uintptr_t size, uintptr_t start, struct mems_seg *seg);
void hole_tree_erase(struct hole_tree *tree, struct mems_meta *meta,
		     uintptr_t size, uintptr_t start);
void hole_tree_update(struct hole_tree *tree, struct mems_meta *meta,
		      uintptr_t size, uintptr_t start, uintptr_t new_size,
		      uintptr_t new_start, struct mems_seg *seg);

/* Called for each key in order by hole_tree_check(); nonzero stops. */
typedef int (*hole_tree_visit_t)(uintptr_t size, uintptr_t start,
				 struct mems_seg *seg, void *arg);

const char *hole_tree_check(const struct hole_tree *tree,
			    hole_tree_visit_t visit, void *arg);

#endif /* MEMS_POLICY_HOLE_TREE_H */
