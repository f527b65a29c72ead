// SPDX-License-Identifier: MIT
/*
 * policy/hole_tree.c - best-fit's B+-tree of holes (policy/hole_tree.h).
 *
 * Keys are (size, start) and unique, as no two holes share a start.  A
 * change descends once from the root, remembering the path, and splits
 * or rebalances back up it; nodes hold at least HOLE_TREE_MIN entries or
 * children but the root, so that hole_tree_max_nodes() bounds what the
 * pool must keep for the tree.
 */
#include <stdbool.h>
#include <string.h>

#include <core/meta.h>
#include <core/types.h>
#include "hole_tree.h"

/* Enough for 2^64 keys at three children a level. */
#define HOLE_TREE_MAX_HEIGHT 48

struct tree_path {
	struct hole_tree_node *node[HOLE_TREE_MAX_HEIGHT];
	unsigned int slot[HOLE_TREE_MAX_HEIGHT];
};

/* One wide compare, without a branch for the tie on size. */
static bool key_less(uintptr_t size, uintptr_t start, uintptr_t size2,
		     uintptr_t start2)
{
	typedef unsigned __int128 wide;

	return ((wide)size << 64 | start) < ((wide)size2 << 64 | start2);
}

void hole_tree_init(struct hole_tree *tree)
{
	memset(tree, 0, sizeof(*tree));
}

static struct hole_tree_node *node_new(struct hole_tree *tree,
				       struct mems_meta *meta, bool leaf)
{
	struct hole_tree_node *node = mems_meta_alloc_pair(meta);

	node->nr = 0;
	node->leaf = leaf;
	tree->nr_nodes++;
	return node;
}

static void node_free(struct hole_tree *tree, struct mems_meta *meta,
		      struct hole_tree_node *node)
{
	tree->nr_nodes--;
	mems_meta_free_pair(meta, node);
}

static void subtree_free(struct hole_tree *tree, struct mems_meta *meta,
			 struct hole_tree_node *node)
{
	unsigned int i;

	if (!node->leaf)
		for (i = 0; i <= node->nr; i++)
			subtree_free(tree, meta, node->child[i]);
	node_free(tree, meta, node);
}

void hole_tree_clear(struct hole_tree *tree, struct mems_meta *meta)
{
	if (tree->root)
		subtree_free(tree, meta, tree->root);
	hole_tree_init(tree);
}

/* The child to descend into for a key: past every separator at or below. */
static unsigned int inner_slot(const struct hole_tree_node *node,
			       uintptr_t size, uintptr_t start)
{
	unsigned int i = 0;

	while (i < node->nr &&
	       !key_less(size, start, node->size[i], node->start[i]))
		i++;
	return i;
}

/* The first entry of a leaf at or above the key. */
static unsigned int leaf_slot(const struct hole_tree_node *leaf,
			      uintptr_t size, uintptr_t start)
{
	unsigned int i = 0;

	while (i < leaf->nr &&
	       key_less(leaf->size[i], leaf->start[i], size, start))
		i++;
	return i;
}

/*
 * The leaf a key lies in, or would; the path down to it on @path when
 * given.  Every key under the child past the last separator at or below
 * the key is below the next separator.
 */
static struct hole_tree_node *descend(const struct hole_tree *tree,
				      uintptr_t size, uintptr_t start,
				      struct tree_path *path)
{
	struct hole_tree_node *node = tree->root;
	size_t level;

	for (level = 0; level + 1 < tree->height; level++) {
		unsigned int i = inner_slot(node, size, start);

		if (path) {
			path->node[level] = node;
			path->slot[level] = i;
		}
		node = node->child[i];
	}
	return node;
}

/*
 * A leaf whose keys are all below the one sought leaves the answer at
 * the start of the subtree right of the deepest turn left.
 */
struct mems_seg *hole_tree_lower_bound(const struct hole_tree *tree,
				       uintptr_t size, uintptr_t start)
{
	const struct hole_tree_node *node = tree->root, *right = NULL;
	size_t level;
	unsigned int i;

	if (!node)
		return NULL;
	for (level = 0; level + 1 < tree->height; level++) {
		i = inner_slot(node, size, start);
		if (i < node->nr)
			right = node->child[i + 1];
		node = node->child[i];
	}
	i = leaf_slot(node, size, start);
	if (i < node->nr)
		return node->seg[i];
	if (!right)
		return NULL;
	while (!right->leaf)
		right = right->child[0];
	return right->seg[0];
}

struct mems_seg *hole_tree_last(const struct hole_tree *tree, uintptr_t *size)
{
	const struct hole_tree_node *node = tree->root;

	if (!node)
		return NULL;
	while (!node->leaf)
		node = node->child[node->nr];
	*size = node->size[node->nr - 1];
	return node->seg[node->nr - 1];
}

static void entry_copy(struct hole_tree_node *to, unsigned int i,
		       const struct hole_tree_node *from, unsigned int j)
{
	to->size[i] = from->size[j];
	to->start[i] = from->start[j];
	to->seg[i] = from->seg[j];
}

/* Move keys [@from, nr) of a node one place up or down; children stay. */
static void keys_shift_up(struct hole_tree_node *node, unsigned int from)
{
	unsigned int i;

	for (i = node->nr; i > from; i--) {
		node->size[i] = node->size[i - 1];
		node->start[i] = node->start[i - 1];
	}
}

static void keys_shift_down(struct hole_tree_node *node, unsigned int from)
{
	unsigned int i;

	for (i = from; i + 1 < node->nr; i++) {
		node->size[i] = node->size[i + 1];
		node->start[i] = node->start[i + 1];
	}
}

/*
 * A full leaf and one entry more: the lower three stay, the upper three
 * go to a new leaf, whose first key separates the two.
 */
static struct hole_tree_node *leaf_split(struct hole_tree *tree,
					 struct mems_meta *meta,
					 struct hole_tree_node *leaf,
					 unsigned int pos, uintptr_t size,
					 uintptr_t start, struct mems_seg *seg)
{
	struct hole_tree_node *right = node_new(tree, meta, true);
	uintptr_t sizes[HOLE_TREE_ORDER + 1], starts[HOLE_TREE_ORDER + 1];
	struct mems_seg *segs[HOLE_TREE_ORDER + 1];
	unsigned int i, j = 0;

	for (i = 0; i <= HOLE_TREE_ORDER; i++) {
		if (i == pos) {
			sizes[i] = size;
			starts[i] = start;
			segs[i] = seg;
			continue;
		}
		sizes[i] = leaf->size[j];
		starts[i] = leaf->start[j];
		segs[i] = leaf->seg[j++];
	}
	for (i = 0; i <= HOLE_TREE_ORDER; i++) {
		struct hole_tree_node *to = i < HOLE_TREE_MIN ? leaf : right;
		unsigned int k = i < HOLE_TREE_MIN ? i : i - HOLE_TREE_MIN;

		to->size[k] = sizes[i];
		to->start[k] = starts[i];
		to->seg[k] = segs[i];
	}
	leaf->nr = HOLE_TREE_MIN;
	right->nr = HOLE_TREE_ORDER + 1 - HOLE_TREE_MIN;
	return right;
}

/*
 * A full inner node and one separator more, with the child right of it:
 * two separators and three children stay, the middle separator goes up
 * (returned in @size, @start), and the rest go to a new node.
 */
static struct hole_tree_node *inner_split(struct hole_tree *tree,
					  struct mems_meta *meta,
					  struct hole_tree_node *node,
					  unsigned int pos, uintptr_t *size,
					  uintptr_t *start,
					  struct hole_tree_node *child)
{
	uintptr_t sizes[HOLE_TREE_ORDER], starts[HOLE_TREE_ORDER];
	struct hole_tree_node *children[HOLE_TREE_ORDER + 1];
	struct hole_tree_node *right = node_new(tree, meta, false);
	const unsigned int keep = HOLE_TREE_MIN - 1;
	unsigned int i, j = 0;

	children[0] = node->child[0];
	for (i = 0; i < HOLE_TREE_ORDER; i++) {
		if (i == pos) {
			sizes[i] = *size;
			starts[i] = *start;
			children[i + 1] = child;
		} else {
			sizes[i] = node->size[j];
			starts[i] = node->start[j];
			children[i + 1] = node->child[j + 1];
			j++;
		}
	}
	node->nr = keep;
	for (i = 0; i < keep; i++) {
		node->size[i] = sizes[i];
		node->start[i] = starts[i];
		node->child[i + 1] = children[i + 1];
	}
	*size = sizes[keep];
	*start = starts[keep];
	right->nr = HOLE_TREE_ORDER - keep - 1;
	right->child[0] = children[keep + 1];
	for (i = 0; i < right->nr; i++) {
		right->size[i] = sizes[keep + 1 + i];
		right->start[i] = starts[keep + 1 + i];
		right->child[i + 1] = children[keep + 2 + i];
	}
	return right;
}

static void inner_add(struct hole_tree_node *node, unsigned int pos,
		      uintptr_t size, uintptr_t start,
		      struct hole_tree_node *child)
{
	unsigned int i;

	keys_shift_up(node, pos);
	for (i = node->nr + 1; i > pos + 1; i--)
		node->child[i] = node->child[i - 1];
	node->size[pos] = size;
	node->start[pos] = start;
	node->child[pos + 1] = child;
	node->nr++;
}

/* The separator and new child a split left, up the path to the root. */
static void insert_up(struct hole_tree *tree, struct mems_meta *meta,
		      struct tree_path *path, uintptr_t size, uintptr_t start,
		      struct hole_tree_node *child)
{
	struct hole_tree_node *root;
	size_t level = tree->height - 1;

	while (level--) {
		struct hole_tree_node *node = path->node[level];
		unsigned int pos = path->slot[level];

		if (node->nr < HOLE_TREE_ORDER - 1) {
			inner_add(node, pos, size, start, child);
			return;
		}
		child = inner_split(tree, meta, node, pos, &size, &start,
				    child);
	}
	root = node_new(tree, meta, false);
	root->nr = 1;
	root->size[0] = size;
	root->start[0] = start;
	root->child[0] = tree->root;
	root->child[1] = child;
	tree->root = root;
	tree->height++;
}

void hole_tree_insert(struct hole_tree *tree, struct mems_meta *meta,
		      uintptr_t size, uintptr_t start, struct mems_seg *seg)
{
	struct hole_tree_node *leaf, *right;
	struct tree_path path;
	unsigned int pos, i;

	tree->nr_keys++;
	if (!tree->root) {
		tree->root = node_new(tree, meta, true);
		tree->height = 1;
	}
	leaf = descend(tree, size, start, &path);
	pos = leaf_slot(leaf, size, start);
	if (leaf->nr < HOLE_TREE_ORDER) {
		keys_shift_up(leaf, pos);
		for (i = leaf->nr; i > pos; i--)
			leaf->seg[i] = leaf->seg[i - 1];
		leaf->size[pos] = size;
		leaf->start[pos] = start;
		leaf->seg[pos] = seg;
		leaf->nr++;
		return;
	}
	right = leaf_split(tree, meta, leaf, pos, size, start, seg);
	insert_up(tree, meta, &path, right->size[0], right->start[0], right);
}

static void leaf_remove(struct hole_tree_node *leaf, unsigned int pos)
{
	unsigned int i;

	for (i = pos; i + 1 < leaf->nr; i++)
		entry_copy(leaf, i, leaf, i + 1);
	leaf->nr--;
}

/* Separator @pos and the child right of it leave an inner node. */
static void inner_remove(struct hole_tree_node *node, unsigned int pos)
{
	unsigned int i;

	keys_shift_down(node, pos);
	for (i = pos + 1; i < node->nr; i++)
		node->child[i] = node->child[i + 1];
	node->nr--;
}

/* Entries a node must keep: children count one more than separators. */
static unsigned int node_min(const struct hole_tree_node *node)
{
	return node->leaf ? HOLE_TREE_MIN : HOLE_TREE_MIN - 1;
}

/* @node, child @i of @parent, takes the last entry of its left sibling. */
static void borrow_left(struct hole_tree_node *parent, unsigned int i,
			struct hole_tree_node *left, struct hole_tree_node *node)
{
	unsigned int j;

	if (node->leaf) {
		for (j = node->nr; j > 0; j--)
			entry_copy(node, j, node, j - 1);
		entry_copy(node, 0, left, left->nr - 1);
		parent->size[i - 1] = node->size[0];
		parent->start[i - 1] = node->start[0];
	} else {
		keys_shift_up(node, 0);
		for (j = node->nr + 1; j > 0; j--)
			node->child[j] = node->child[j - 1];
		node->size[0] = parent->size[i - 1];
		node->start[0] = parent->start[i - 1];
		node->child[0] = left->child[left->nr];
		parent->size[i - 1] = left->size[left->nr - 1];
		parent->start[i - 1] = left->start[left->nr - 1];
	}
	left->nr--;
	node->nr++;
}

/* @node, child @i of @parent, takes the first entry of its right sibling. */
static void borrow_right(struct hole_tree_node *parent, unsigned int i,
			 struct hole_tree_node *node,
			 struct hole_tree_node *right)
{
	unsigned int j;

	if (node->leaf) {
		entry_copy(node, node->nr, right, 0);
		node->nr++;
		leaf_remove(right, 0);
		parent->size[i] = right->size[0];
		parent->start[i] = right->start[0];
		return;
	}
	node->size[node->nr] = parent->size[i];
	node->start[node->nr] = parent->start[i];
	node->child[node->nr + 1] = right->child[0];
	node->nr++;
	parent->size[i] = right->size[0];
	parent->start[i] = right->start[0];
	keys_shift_down(right, 0);
	for (j = 0; j < right->nr; j++)
		right->child[j] = right->child[j + 1];
	right->nr--;
}

/* @right, child @i + 1 of @parent, joins @left, child @i, and goes. */
static void merge(struct hole_tree *tree, struct mems_meta *meta,
		  struct hole_tree_node *parent, unsigned int i,
		  struct hole_tree_node *left, struct hole_tree_node *right)
{
	unsigned int j, n = left->nr;

	if (left->leaf) {
		for (j = 0; j < right->nr; j++)
			entry_copy(left, n + j, right, j);
		left->nr = n + right->nr;
	} else {
		left->size[n] = parent->size[i];
		left->start[n] = parent->start[i];
		for (j = 0; j < right->nr; j++) {
			left->size[n + 1 + j] = right->size[j];
			left->start[n + 1 + j] = right->start[j];
		}
		for (j = 0; j <= right->nr; j++)
			left->child[n + 1 + j] = right->child[j];
		left->nr = n + 1 + right->nr;
	}
	inner_remove(parent, i);
	node_free(tree, meta, right);
}

/* A node below its minimum borrows from a sibling or merges, up the path. */
static void rebalance(struct hole_tree *tree, struct mems_meta *meta,
		      struct tree_path *path, struct hole_tree_node *node)
{
	size_t level = tree->height - 1;

	while (level && node->nr < node_min(node)) {
		struct hole_tree_node *parent = path->node[level - 1];
		struct hole_tree_node *left = NULL, *right = NULL;
		unsigned int i = path->slot[level - 1];

		if (i > 0)
			left = parent->child[i - 1];
		if (i < parent->nr)
			right = parent->child[i + 1];
		if (left && left->nr > node_min(left)) {
			borrow_left(parent, i, left, node);
			return;
		}
		if (right && right->nr > node_min(right)) {
			borrow_right(parent, i, node, right);
			return;
		}
		if (left)
			merge(tree, meta, parent, i - 1, left, node);
		else
			merge(tree, meta, parent, i, node, right);
		node = parent;
		level--;
	}
	if (level || node->nr)
		return;
	/* An inner root of one child hands over to it; a bare leaf goes. */
	tree->root = node->leaf ? NULL : node->child[0];
	tree->height--;
	node_free(tree, meta, node);
}

void hole_tree_erase(struct hole_tree *tree, struct mems_meta *meta,
		     uintptr_t size, uintptr_t start)
{
	struct tree_path path;
	struct hole_tree_node *leaf = descend(tree, size, start, &path);
	unsigned int pos = leaf_slot(leaf, size, start);

	assert(pos < leaf->nr && leaf->size[pos] == size &&
	       leaf->start[pos] == start);
	leaf_remove(leaf, pos);
	tree->nr_keys--;
	rebalance(tree, meta, &path, leaf);
}

/*
 * A key that still sorts between its neighbours, and within the bounds
 * the separators above its leaf set, changes in place: most holes grow
 * or shrink by little next to holes of far other sizes only when they
 * are few; otherwise it leaves and comes back.
 */
void hole_tree_update(struct hole_tree *tree, struct mems_meta *meta,
		      uintptr_t size, uintptr_t start, uintptr_t new_size,
		      uintptr_t new_start, struct mems_seg *seg)
{
	struct hole_tree_node *node = tree->root;
	const struct hole_tree_node *lo = NULL, *hi = NULL;
	unsigned int lo_i = 0, hi_i = 0, i, pos;
	struct tree_path path;
	size_t level;
	bool fits;

	for (level = 0; level + 1 < tree->height; level++) {
		i = inner_slot(node, size, start);
		path.node[level] = node;
		path.slot[level] = i;
		if (i > 0) {
			lo = node;
			lo_i = i - 1;
		}
		if (i < node->nr) {
			hi = node;
			hi_i = i;
		}
		node = node->child[i];
	}
	pos = leaf_slot(node, size, start);
	assert(pos < node->nr && node->start[pos] == start);
	if (pos > 0)
		fits = key_less(node->size[pos - 1], node->start[pos - 1],
				new_size, new_start);
	else
		fits = !lo || !key_less(new_size, new_start, lo->size[lo_i],
					lo->start[lo_i]);
	if (fits && pos + 1 < node->nr)
		fits = key_less(new_size, new_start, node->size[pos + 1],
				node->start[pos + 1]);
	else if (fits)
		fits = !hi || key_less(new_size, new_start, hi->size[hi_i],
				       hi->start[hi_i]);
	if (fits) {
		node->size[pos] = new_size;
		node->start[pos] = new_start;
		node->seg[pos] = seg;
		return;
	}
	leaf_remove(node, pos);
	tree->nr_keys--;
	rebalance(tree, meta, &path, node);
	hole_tree_insert(tree, meta, new_size, new_start, seg);
}

struct check_walk {
	const struct hole_tree *tree;
	hole_tree_visit_t visit;
	void *arg;
	size_t keys;
	size_t nodes;
	const char *fault;
};

static bool key_in(const struct hole_tree_node *node, unsigned int i,
		   const uintptr_t *lo, const uintptr_t *hi)
{
	if (lo && key_less(node->size[i], node->start[i], lo[0], lo[1]))
		return false;
	return !hi || key_less(node->size[i], node->start[i], hi[0], hi[1]);
}

/*
 * Keys of @node ascending and within [@lo, @hi) (NULL: unbounded), fill
 * between the minimum (one at the root) and the order, every leaf at
 * the height.
 */
static int check_node(struct check_walk *w, const struct hole_tree_node *node,
		      size_t depth, const uintptr_t *lo, const uintptr_t *hi)
{
	unsigned int max = node->leaf ? HOLE_TREE_ORDER : HOLE_TREE_ORDER - 1;
	unsigned int min = depth ? node_min(node) : 1, i;
	uintptr_t bound[2][2];

	w->nodes++;
	if (node->nr < min || node->nr > max)
		return w->fault = "node fill out of bounds", -1;
	if (!node->leaf != (depth + 1 < w->tree->height))
		return w->fault = "leaves at different depths", -1;
	for (i = 0; i < node->nr; i++) {
		if (!key_in(node, i, lo, hi))
			return w->fault = "key outside its separators", -1;
		if (i && !key_less(node->size[i - 1], node->start[i - 1],
				   node->size[i], node->start[i]))
			return w->fault = "keys out of order", -1;
	}
	if (node->leaf) {
		for (i = 0; i < node->nr; i++, w->keys++)
			if (w->visit && w->visit(node->size[i], node->start[i],
						 node->seg[i], w->arg))
				return w->fault = "entry disagrees with its hole",
				       -1;
		return 0;
	}
	for (i = 0; i <= node->nr; i++) {
		const uintptr_t *clo = lo, *chi = hi;

		if (i > 0) {
			bound[0][0] = node->size[i - 1];
			bound[0][1] = node->start[i - 1];
			clo = bound[0];
		}
		if (i < node->nr) {
			bound[1][0] = node->size[i];
			bound[1][1] = node->start[i];
			chi = bound[1];
		}
		if (check_node(w, node->child[i], depth + 1, clo, chi))
			return -1;
	}
	return 0;
}

/* NULL when the tree is sound, else the first fault found. */
const char *hole_tree_check(const struct hole_tree *tree,
			    hole_tree_visit_t visit, void *arg)
{
	struct check_walk w = { tree, visit, arg, 0, 0, NULL };

	if (!tree->root)
		return tree->height || tree->nr_keys || tree->nr_nodes ?
			       "empty tree with counts" :
			       NULL;
	if (tree->height > HOLE_TREE_MAX_HEIGHT)
		return "too high";
	if (check_node(&w, tree->root, 0, NULL, NULL))
		return w.fault;
	if (w.keys != tree->nr_keys)
		return "wrong key count";
	if (w.nodes != tree->nr_nodes)
		return "wrong node count";
	if (w.nodes > hole_tree_max_nodes(w.keys))
		return "more nodes than its keys allow";
	return NULL;
}
