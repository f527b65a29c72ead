// SPDX-License-Identifier: MIT
/*
 * core/rbtree.c - red-black tree rebalancing, plain and augmented.
 *
 * Properties kept: (1) every node is red or black; (2) the root is
 * black; (3) a red node has no red child; (4) every path from a node to
 * its leaves has the same number of black nodes.  Together they bound
 * the height by 2 log2(n + 1).  Rotations report themselves through the
 * augment callbacks, so one implementation serves plain and augmented
 * trees; a plain tree passes callbacks that do nothing.
 */
#include "rbtree.h"

#define RB_RED 0
#define RB_BLACK 1

static inline bool rb_is_black(const struct rb_node *node)
{
	return node->parent_color & RB_BLACK;
}

static inline bool rb_is_red(const struct rb_node *node)
{
	return !rb_is_black(node);
}

static inline bool pc_is_black(uintptr_t parent_color)
{
	return parent_color & RB_BLACK;
}

static inline struct rb_node *pc_parent(uintptr_t parent_color)
{
	return (struct rb_node *)(parent_color & ~(uintptr_t)3);
}

/* A red node's parent pointer carries no colour bit to mask. */
static inline struct rb_node *rb_red_parent(const struct rb_node *red)
{
	return (struct rb_node *)red->parent_color;
}

static inline void rb_set_parent(struct rb_node *node, struct rb_node *parent)
{
	node->parent_color = (node->parent_color & 1) | (uintptr_t)parent;
}

static inline void rb_set_parent_color(struct rb_node *node,
				       struct rb_node *parent, int color)
{
	node->parent_color = (uintptr_t)parent | (uintptr_t)color;
}

static inline void rb_set_black(struct rb_node *node)
{
	node->parent_color |= RB_BLACK;
}

static inline void rb_change_child(struct rb_node *old,
				   struct rb_node *new_node,
				   struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new_node;
	else if (parent->rb_left == old)
		parent->rb_left = new_node;
	else
		parent->rb_right = new_node;
}

/*
 * @new_node takes @old's parent and colour; @old becomes @new_node's
 * @color child.
 */
static inline void rb_rotate_set_parents(struct rb_node *old,
					 struct rb_node *new_node,
					 struct rb_root *root, int color)
{
	struct rb_node *parent = rb_parent(old);

	new_node->parent_color = old->parent_color;
	rb_set_parent_color(old, new_node, color);
	rb_change_child(old, new_node, parent, root);
}

typedef void (*rb_rotate_fn)(struct rb_node *old, struct rb_node *new_node);

/*
 * The fixups and the unlink are inlined into each entry point, as the
 * kernel's are: the plain trees' callbacks, known there, then compile to
 * nothing, where a shared copy made an indirect call at every rotation
 * and every unlink (a tenth of best-fit's churn step).
 */

static inline __attribute__((always_inline)) void
rb_insert_fixup(struct rb_node *node, struct rb_root *root,
		rb_rotate_fn augment_rotate)
{
	struct rb_node *parent = rb_red_parent(node), *gparent, *tmp;

	for (;;) {
		if (!parent) {
			/* The root: property 2. */
			rb_set_parent_color(node, NULL, RB_BLACK);
			return;
		}
		if (rb_is_black(parent))
			return;
		gparent = rb_red_parent(parent);
		tmp = gparent->rb_right;
		if (parent != tmp) {
			/* parent is gparent's left child */
			if (tmp && rb_is_red(tmp)) {
				/* Red uncle: flip colours, go up two levels. */
				rb_set_parent_color(tmp, gparent, RB_BLACK);
				rb_set_parent_color(parent, gparent, RB_BLACK);
				node = gparent;
				parent = rb_parent(node);
				rb_set_parent_color(node, parent, RB_RED);
				continue;
			}
			tmp = parent->rb_right;
			if (node == tmp) {
				/* Inner grandchild: rotate left at parent. */
				tmp = node->rb_left;
				parent->rb_right = tmp;
				node->rb_left = parent;
				if (tmp)
					rb_set_parent_color(tmp, parent,
							    RB_BLACK);
				rb_set_parent_color(parent, node, RB_RED);
				augment_rotate(parent, node);
				parent = node;
				tmp = node->rb_right;
			}
			/* Outer grandchild: rotate right at gparent. */
			gparent->rb_left = tmp;
			parent->rb_right = gparent;
			if (tmp)
				rb_set_parent_color(tmp, gparent, RB_BLACK);
			rb_rotate_set_parents(gparent, parent, root, RB_RED);
			augment_rotate(gparent, parent);
			return;
		}
		/* parent is gparent's right child: the mirror image. */
		tmp = gparent->rb_left;
		if (tmp && rb_is_red(tmp)) {
			rb_set_parent_color(tmp, gparent, RB_BLACK);
			rb_set_parent_color(parent, gparent, RB_BLACK);
			node = gparent;
			parent = rb_parent(node);
			rb_set_parent_color(node, parent, RB_RED);
			continue;
		}
		tmp = parent->rb_left;
		if (node == tmp) {
			tmp = node->rb_right;
			parent->rb_left = tmp;
			node->rb_right = parent;
			if (tmp)
				rb_set_parent_color(tmp, parent, RB_BLACK);
			rb_set_parent_color(parent, node, RB_RED);
			augment_rotate(parent, node);
			parent = node;
			tmp = node->rb_left;
		}
		gparent->rb_right = tmp;
		parent->rb_left = gparent;
		if (tmp)
			rb_set_parent_color(tmp, gparent, RB_BLACK);
		rb_rotate_set_parents(gparent, parent, root, RB_RED);
		augment_rotate(gparent, parent);
		return;
	}
}

/*
 * Restore property 4 after a black node left the tree below @parent:
 * every path through the now-missing side is one black node short.
 */
static inline __attribute__((always_inline)) void
rb_erase_fixup(struct rb_node *parent, struct rb_root *root,
	       rb_rotate_fn augment_rotate)
{
	struct rb_node *node = NULL, *sibling, *tmp1, *tmp2;

	for (;;) {
		sibling = parent->rb_right;
		if (node != sibling) {
			/* node is parent's left child */
			if (rb_is_red(sibling)) {
				/* Red sibling: rotate left at parent. */
				tmp1 = sibling->rb_left;
				parent->rb_right = tmp1;
				sibling->rb_left = parent;
				rb_set_parent_color(tmp1, parent, RB_BLACK);
				rb_rotate_set_parents(parent, sibling, root,
						      RB_RED);
				augment_rotate(parent, sibling);
				sibling = tmp1;
			}
			tmp1 = sibling->rb_right;
			if (!tmp1 || rb_is_black(tmp1)) {
				tmp2 = sibling->rb_left;
				if (!tmp2 || rb_is_black(tmp2)) {
					/* Black nephews: recolour, go up. */
					rb_set_parent_color(sibling, parent,
							    RB_RED);
					if (rb_is_red(parent)) {
						rb_set_black(parent);
						return;
					}
					node = parent;
					parent = rb_parent(node);
					if (!parent)
						return;
					continue;
				}
				/* Inner red nephew: rotate right at sibling. */
				tmp1 = tmp2->rb_right;
				sibling->rb_left = tmp1;
				tmp2->rb_right = sibling;
				parent->rb_right = tmp2;
				if (tmp1)
					rb_set_parent_color(tmp1, sibling,
							    RB_BLACK);
				augment_rotate(sibling, tmp2);
				tmp1 = sibling;
				sibling = tmp2;
			}
			/* Outer red nephew: rotate left at parent. */
			tmp2 = sibling->rb_left;
			parent->rb_right = tmp2;
			sibling->rb_left = parent;
			rb_set_parent_color(tmp1, sibling, RB_BLACK);
			if (tmp2)
				rb_set_parent(tmp2, parent);
			rb_rotate_set_parents(parent, sibling, root, RB_BLACK);
			augment_rotate(parent, sibling);
			return;
		}
		/* node is parent's right child: the mirror image. */
		sibling = parent->rb_left;
		if (rb_is_red(sibling)) {
			tmp1 = sibling->rb_right;
			parent->rb_left = tmp1;
			sibling->rb_right = parent;
			rb_set_parent_color(tmp1, parent, RB_BLACK);
			rb_rotate_set_parents(parent, sibling, root, RB_RED);
			augment_rotate(parent, sibling);
			sibling = tmp1;
		}
		tmp1 = sibling->rb_left;
		if (!tmp1 || rb_is_black(tmp1)) {
			tmp2 = sibling->rb_right;
			if (!tmp2 || rb_is_black(tmp2)) {
				rb_set_parent_color(sibling, parent, RB_RED);
				if (rb_is_red(parent)) {
					rb_set_black(parent);
					return;
				}
				node = parent;
				parent = rb_parent(node);
				if (!parent)
					return;
				continue;
			}
			tmp1 = tmp2->rb_left;
			sibling->rb_right = tmp1;
			tmp2->rb_left = sibling;
			parent->rb_left = tmp2;
			if (tmp1)
				rb_set_parent_color(tmp1, sibling, RB_BLACK);
			augment_rotate(sibling, tmp2);
			tmp1 = sibling;
			sibling = tmp2;
		}
		tmp2 = sibling->rb_right;
		parent->rb_left = tmp2;
		sibling->rb_right = parent;
		rb_set_parent_color(tmp1, sibling, RB_BLACK);
		if (tmp2)
			rb_set_parent(tmp2, parent);
		rb_rotate_set_parents(parent, sibling, root, RB_BLACK);
		augment_rotate(parent, sibling);
		return;
	}
}

/*
 * Unlink @node.  Return: the node below which the tree is one black
 * short and needs rb_erase_fixup(), or NULL when recolouring sufficed.
 */
static inline __attribute__((always_inline)) struct rb_node *
rb_unlink(struct rb_node *node, struct rb_root *root,
	  const struct rb_augment_callbacks *augment)
{
	struct rb_node *child = node->rb_right;
	struct rb_node *tmp = node->rb_left;
	struct rb_node *parent, *rebalance;
	uintptr_t pc;

	if (!tmp) {
		/* At most one child, on the right: it must be red. */
		pc = node->parent_color;
		parent = pc_parent(pc);
		rb_change_child(node, child, parent, root);
		if (child) {
			child->parent_color = pc;
			rebalance = NULL;
		} else {
			rebalance = pc_is_black(pc) ? parent : NULL;
		}
		tmp = parent;
	} else if (!child) {
		/* Only a left child, which must be red. */
		tmp->parent_color = pc = node->parent_color;
		parent = pc_parent(pc);
		rb_change_child(node, tmp, parent, root);
		rebalance = NULL;
		tmp = parent;
	} else {
		struct rb_node *successor = child, *child2;

		tmp = child->rb_left;
		if (!tmp) {
			/* The successor is node's right child. */
			parent = successor;
			child2 = successor->rb_right;
			augment->copy(node, successor);
		} else {
			/* The successor is leftmost below the right child. */
			do {
				parent = successor;
				successor = tmp;
				tmp = tmp->rb_left;
			} while (tmp);
			child2 = successor->rb_right;
			parent->rb_left = child2;
			successor->rb_right = child;
			rb_set_parent(child, successor);
			augment->copy(node, successor);
			augment->propagate(parent, successor);
		}

		tmp = node->rb_left;
		successor->rb_left = tmp;
		rb_set_parent(tmp, successor);

		pc = node->parent_color;
		tmp = pc_parent(pc);
		rb_change_child(node, successor, tmp, root);

		if (child2) {
			rb_set_parent_color(child2, parent, RB_BLACK);
			rebalance = NULL;
		} else {
			rebalance = rb_is_black(successor) ? parent : NULL;
		}
		successor->parent_color = pc;
		tmp = successor;
	}

	augment->propagate(tmp, NULL);
	return rebalance;
}

static void dummy_propagate(struct rb_node *node, struct rb_node *stop)
{
	(void)node;
	(void)stop;
}

static void dummy_copy(struct rb_node *old, struct rb_node *new_node)
{
	(void)old;
	(void)new_node;
}

static const struct rb_augment_callbacks dummy_callbacks = {
	.propagate = dummy_propagate,
	.copy = dummy_copy,
	.rotate = dummy_copy,
};

void mems_rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	rb_insert_fixup(node, root, dummy_copy);
}

void mems_rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *rebalance = rb_unlink(node, root, &dummy_callbacks);

	if (rebalance)
		rb_erase_fixup(rebalance, root, dummy_copy);
}

/*
 * The caller has set the new leaf's summary to its own value, which is
 * its whole subtree's; propagate it to the ancestors before rotations
 * move nodes around.
 */
void mems_rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			      const struct rb_augment_callbacks *augment)
{
	augment->propagate(rb_parent(node), NULL);
	rb_insert_fixup(node, root, augment->rotate);
}

void mems_rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			     const struct rb_augment_callbacks *augment)
{
	struct rb_node *rebalance = rb_unlink(node, root, augment);

	if (rebalance)
		rb_erase_fixup(rebalance, root, augment->rotate);
}

struct rb_node *mems_rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *mems_rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->rb_left)
		node = parent;
	return parent;
}

/* Black height of the subtree at @node, or -1 when a property is broken. */
static int rb_validate_subtree(const struct rb_node *node,
			       const struct rb_node *parent)
{
	int left, right;

	if (!node)
		return 1;
	if (rb_parent(node) != parent)
		return -1;
	if (rb_is_red(node) && ((node->rb_left && rb_is_red(node->rb_left)) ||
				(node->rb_right && rb_is_red(node->rb_right))))
		return -1;
	left = rb_validate_subtree(node->rb_left, node);
	right = rb_validate_subtree(node->rb_right, node);
	if (left < 0 || left != right)
		return -1;
	return left + rb_is_black(node);
}

int mems_rb_validate(const struct rb_root *root)
{
	if (root->rb_node && rb_is_red(root->rb_node))
		return -1;
	return rb_validate_subtree(root->rb_node, NULL) < 0 ? -1 : 0;
}
