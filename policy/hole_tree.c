// SPDX-License-Identifier: MIT
/*
 * policy/hole_tree.c - the address-ordered hole index of first-fit,
 * next-fit and worst-fit, augmented with the largest hole of every subtree.
 */
#include <errno.h>
#include <inttypes.h>

#include "hole_tree.h"

/* Every policy on this tree keeps its root first in its private state. */
MEMS_POLICY_PRIV_FITS(struct rb_root);

static struct rb_root *policy_holes(const struct mems_policy *policy)
{
	return (struct rb_root *)&policy->priv;
}

static struct mems_seg *hole_entry(const struct rb_node *rb)
{
	return rb_entry(rb, struct mems_seg, policy_link);
}

static size_t hole_own_size(const struct mems_seg *hole)
{
	return seg_size(hole);
}

RB_DECLARE_CALLBACKS_MAX(hole_max_callbacks, struct mems_seg, policy_link,
			 size_t, policy_key, hole_own_size);

void hole_tree_init(struct mems_policy *policy)
{
	*policy_holes(policy) = RB_ROOT;
}

void hole_tree_insert(struct mems_policy *policy, struct mems_seg *hole)
{
	struct rb_root *root = policy_holes(policy);
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (hole->vstart < hole_entry(parent)->vstart)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	hole->policy_key = seg_size(hole);
	rb_link_node(&hole->policy_link, parent, link);
	rb_insert_augmented(&hole->policy_link, root, &hole_max_callbacks);
}

void hole_tree_erase(struct mems_policy *policy, struct mems_seg *hole)
{
	rb_erase_augmented(&hole->policy_link, policy_holes(policy),
			   &hole_max_callbacks);
}

/* New bounds keep the hole's place in address order: only sizes move. */
void hole_tree_resize(struct mems_policy *policy, struct mems_seg *hole)
{
	(void)policy;
	hole_max_callbacks.propagate(&hole->policy_link, NULL);
}

/*
 * Below @rb: the lowest hole of at least @bytes bytes whose end is at or
 * after @from.  Where a hole ends at or after @from, so does every hole
 * to its right, and the search there is plain first-fit (@from 0).
 */
static struct mems_seg *subtree_lowest_fit(const struct rb_node *rb,
					   size_t bytes, uintptr_t from)
{
	struct mems_seg *hole, *found;

	while (rb) {
		hole = hole_entry(rb);
		if (hole->policy_key < bytes)
			return NULL;
		if (hole->vend < from) {
			rb = rb->rb_right;
			continue;
		}
		found = subtree_lowest_fit(rb->rb_left, bytes, from);
		if (found)
			return found;
		if (seg_size(hole) >= bytes)
			return hole;
		rb = rb->rb_right;
		from = 0;
	}
	return NULL;
}

struct mems_seg *hole_tree_lowest_fit(const struct mems_policy *policy,
				      size_t bytes, uintptr_t from)
{
	return subtree_lowest_fit(policy_holes(policy)->rb_node, bytes, from);
}

/* The root's subtree is the whole tree: its maximum is the largest hole. */
size_t hole_tree_largest(const struct mems_policy *policy)
{
	const struct rb_node *root = policy_holes(policy)->rb_node;

	return root ? hole_entry(root)->policy_key : 0;
}

static int check_failed(FILE *report, const char *why, uintptr_t vstart)
{
	if (report)
		fprintf(report, "mems_check: hole index: %s at %" PRIuPTR "\n",
			why, vstart);
	return -EUCLEAN;
}

static size_t subtree_max(const struct rb_node *rb)
{
	return rb ? hole_entry(rb)->policy_key : 0;
}

/* The index must list exactly the chains' holes, in order, maxima right. */
int hole_tree_check(const struct mems_policy *policy, FILE *report)
{
	const struct rb_root *root = policy_holes(policy);
	const struct mems_heap *heap = policy->heap;
	const struct rb_node *cursor = rb_first(root);
	const struct mems_node *node;
	const struct mems_seg *seg;
	size_t max;

	if (rb_validate(root))
		return check_failed(report, "unbalanced", 0);
	heap_for_each_node(node, heap) {
		node_for_each_seg(seg, node) {
			if (!seg_is_hole(seg))
				continue;
			if (cursor != &seg->policy_link)
				return check_failed(report, "missing hole",
						    seg->vstart);
			max = seg_size(seg);
			if (subtree_max(cursor->rb_left) > max)
				max = subtree_max(cursor->rb_left);
			if (subtree_max(cursor->rb_right) > max)
				max = subtree_max(cursor->rb_right);
			if (seg->policy_key != max)
				return check_failed(report, "wrong maximum",
						    seg->vstart);
			cursor = rb_next(cursor);
		}
	}
	if (cursor)
		return check_failed(report, "stale hole",
				    hole_entry(cursor)->vstart);
	return 0;
}
