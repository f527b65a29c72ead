/* SPDX-License-Identifier: MIT */
/*
 * common/rbtree.h - intrusive red-black trees with augmentation.
 *
 * Generic code, shared by the library and the tools (not installed).
 * The node is embedded in the object (container_of gets it back) so the
 * trees never allocate, and the caller does the descent itself, so one implementation serves any key.
 * Augmented trees keep a value per node that summarises its subtree
 * (such as the largest hole below it); the callbacks keep it right
 * through rotations, and the caller propagates changes of a node's own
 * value with its propagate callback.
 *
 * Colour lives in the low bit of the parent pointer, as in the Linux
 * kernel's rbtree, whose algorithm this follows.
 */
#ifndef MEMS_COMMON_RBTREE_H
#define MEMS_COMMON_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "list.h"

struct rb_node {
	uintptr_t parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT          \
	(struct rb_root) \
	{                \
		NULL     \
	}

#define rb_entry(ptr, type, member) container_of(ptr, type, member)

#define rb_entry_safe(ptr, type, member)                          \
	({                                                        \
		__typeof__(ptr) ____ptr = (ptr);                  \
		____ptr ? rb_entry(____ptr, type, member) : NULL; \
	})

static inline struct rb_node *rb_parent(const struct rb_node *node)
{
	return (struct rb_node *)(node->parent_color & ~(uintptr_t)3);
}

static inline bool rb_empty_root(const struct rb_root *root)
{
	return !root->rb_node;
}

/*
 * Put @node, as a new leaf, into the child slot @link of @parent; then
 * call mems_rb_insert_color() or mems_rb_insert_augmented() to rebalance.
 */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->parent_color = (uintptr_t)parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	*link = node;
}

/**
 * struct rb_augment_callbacks - keep a subtree summary right.
 * @propagate: recompute the summary from @node up to (not including)
 *             @stop, or to the root for NULL; may stop early once a
 *             node's summary does not change.
 * @copy:      @new_node takes @old's place: copy the summary.
 * @rotate:    @new_node took @old's place by a rotation: copy the summary
 *             to @new_node, recompute @old's.
 */
struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new_node);
	void (*rotate)(struct rb_node *old, struct rb_node *new_node);
};

void mems_rb_insert_color(struct rb_node *node, struct rb_root *root);
void mems_rb_erase(struct rb_node *node, struct rb_root *root);
void mems_rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			      const struct rb_augment_callbacks *augment);
void mems_rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			     const struct rb_augment_callbacks *augment);

/* mems_rb_validate() - 0 when links and colours obey the rules, else -1. */
int mems_rb_validate(const struct rb_root *root);

/*
 * The first and last nodes: inline, since a search that takes a whole
 * tree calls one of them every time, and each is a short descent.
 */
static inline struct rb_node *mems_rb_first(const struct rb_root *root)
{
	struct rb_node *node = root->rb_node;

	if (!node)
		return NULL;
	while (node->rb_left)
		node = node->rb_left;
	return node;
}

static inline struct rb_node *mems_rb_last(const struct rb_root *root)
{
	struct rb_node *node = root->rb_node;

	if (!node)
		return NULL;
	while (node->rb_right)
		node = node->rb_right;
	return node;
}

struct rb_node *mems_rb_next(const struct rb_node *node);
struct rb_node *mems_rb_prev(const struct rb_node *node);

/*
 * RB_DECLARE_CALLBACKS_MAX() - callbacks for a subtree maximum.
 * @prefix:  static struct rb_augment_callbacks to define.
 * @type:    the object that embeds the rb_node.
 * @field:   its rb_node member.
 * @vtype:   the type of the summary.
 * @max:     its member that holds the subtree maximum; set it to the
 *           object's own value before mems_rb_insert_augmented().
 * @compute: a function (const type *) returning the object's own value.
 */
#define RB_DECLARE_CALLBACKS_MAX(prefix, type, field, vtype, max, compute)   \
	static bool prefix##_compute_max(type *node, bool exit)              \
	{                                                                    \
		vtype best = compute(node);                                  \
		type *child;                                                 \
		if (node->field.rb_left) {                                   \
			child = rb_entry(node->field.rb_left, type, field);  \
			if (child->max > best)                               \
				best = child->max;                           \
		}                                                            \
		if (node->field.rb_right) {                                  \
			child = rb_entry(node->field.rb_right, type, field); \
			if (child->max > best)                               \
				best = child->max;                           \
		}                                                            \
		if (exit && node->max == best)                               \
			return true;                                         \
		node->max = best;                                            \
		return false;                                                \
	}                                                                    \
	static void prefix##_propagate(struct rb_node *rb,                   \
				       struct rb_node *stop)                 \
	{                                                                    \
		while (rb != stop) {                                         \
			type *node = rb_entry(rb, type, field);              \
			if (prefix##_compute_max(node, true))                \
				break;                                       \
			rb = rb_parent(&node->field);                        \
		}                                                            \
	}                                                                    \
	static void prefix##_copy(struct rb_node *rb_old,                    \
				  struct rb_node *rb_new)                    \
	{                                                                    \
		rb_entry(rb_new, type, field)->max =                         \
			rb_entry(rb_old, type, field)->max;                  \
	}                                                                    \
	static void prefix##_rotate(struct rb_node *rb_old,                  \
				    struct rb_node *rb_new)                  \
	{                                                                    \
		type *old = rb_entry(rb_old, type, field);                   \
		rb_entry(rb_new, type, field)->max = old->max;               \
		prefix##_compute_max(old, false);                            \
	}                                                                    \
	static const struct rb_augment_callbacks prefix = {                  \
		.propagate = prefix##_propagate,                             \
		.copy = prefix##_copy,                                       \
		.rotate = prefix##_rotate,                                   \
	}

#endif /* MEMS_COMMON_RBTREE_H */
