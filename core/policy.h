/* SPDX-License-Identifier: MIT */
/*
 * core/policy.h - what a placement policy provides to the core.
 *
 * Internal to MeMS (not installed).  A policy only searches: find()
 * returns the hole to carve from, or NULL, and never edits the chains;
 * the core carves.  The core tells the policy about every hole that
 * appears, changes bounds or disappears, so that a policy may keep an
 * index beside the chains.  The policies (policy/) implement this
 * interface and call the core below them; the core calls them only
 * through it, and finds them in the registry (core/registry.c).
 */
#ifndef MEMS_CORE_POLICY_H
#define MEMS_CORE_POLICY_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mems/introspect.h>
#include <common/list.h>
#include <common/rbtree.h>

struct mems_heap;
struct mems_seg;
struct mems_policy;

/*
 * What a policy keeps in each hole: the link of the hole's own record
 * into the policy's index, so that an index never allocates.  A tree
 * node for an ordered index (best-fit), a list link for lists (holes
 * in the order they appeared, a list per size class), or, for a hole
 * waiting to enter a tree, a tag where the node keeps its parent and
 * the waiting list's links (policy/hole_tree.h).  Blocks are in
 * no index, and a hole has no translation of its own, so the link
 * shares its words with a block's (struct mems_seg, core/types.h).
 * For a policy that searches the core's hole map (@uses_hole_map) the
 * link is the core's: the map lists each slot's holes through @slot
 * (core/hole_map.c), NULL-ended both ways.
 */
union mems_policy_link {
	struct rb_node rb;
	struct list_head list;
	struct {
		struct mems_seg *next, *prev;
	} slot;
	struct {
		uintptr_t tag;
		struct mems_seg *next, *prev;
	} pending;
};

/**
 * struct mems_policy_ops - what a placement policy provides.
 * @name:        its name for MEMS_POLICY and the tools (required).
 * @summary:     the rule it follows, in one line, for the tools (required).
 * @reference:   the name of the linear reference that answers the same,
 *               which the tests compare it with (optional).
 * @flags:       MEMS_POLICY_REFERENCE for a linear reference; the registry
 *               adds MEMS_POLICY_DEFAULT itself.
 * @uses_hole_map: @find searches the core's hole map (core/hole_map.c),
 *               which the core then keeps, in the holes' links too: such
 *               a policy has no hooks of an index of holes.  A policy
 *               without it pays nothing for the map.
 * @init:        reset private state to its initial value (optional).
 * @find:        the hole a request of @bytes goes into, or NULL when
 *               none fits; must not change the chains, and may change
 *               its own index only in ways that change no answer, such
 *               as ordering holes it had put aside (required).
 * @allocated:   a PROCESS segment was just carved, from a hole or from a
 *               new node (optional).
 * @hole_insert: a hole appeared (optional).
 * @hole_erase:  a hole is about to disappear (optional).
 * @hole_resize: a hole's bounds just changed (optional: without it the
 *               core calls hole_erase before the change and hole_insert
 *               after it).
 * @largest_hole: the size of the largest hole by the policy's own index,
 *               0 when there is none, which the checker compares with the
 *               chains (optional: without it the core's hole map
 *               answers mems_heap_stats() for a policy that searches
 *               the map, a walk of the chains for any other).
 * @check:       verify the policy's own index against the chains; return 0
 *               or -EUCLEAN, describing the first fault on @report when it
 *               is not NULL (optional).
 */
struct mems_policy_ops {
	const char *name;
	const char *summary;
	const char *reference;
	unsigned int flags;
	bool uses_hole_map;
	void (*init)(struct mems_policy *policy);
	struct mems_seg *(*find)(struct mems_policy *policy, size_t bytes);
	void (*allocated)(struct mems_policy *policy,
			  const struct mems_seg *proc);
	void (*hole_insert)(struct mems_policy *policy, struct mems_seg *hole);
	void (*hole_erase)(struct mems_policy *policy, struct mems_seg *hole);
	void (*hole_resize)(struct mems_policy *policy, struct mems_seg *hole);
	size_t (*largest_hole)(const struct mems_policy *policy);
	int (*check)(const struct mems_policy *policy, FILE *report);
};

/*
 * Room for a policy's state inside the heap: policies never allocate.
 * A policy whose state is a struct proves that it fits with
 * MEMS_POLICY_PRIV_FITS(), at build time.  Every heap carries the room
 * of the largest built-in need, as the kernel sizes a socket's
 * congestion-control area: a policy that needs more raises
 * MEMS_POLICY_PRIV_WORDS.
 */
#define MEMS_POLICY_PRIV_WORDS 2065

union mems_policy_priv {
	void *ptr[MEMS_POLICY_PRIV_WORDS];
	uintptr_t word[MEMS_POLICY_PRIV_WORDS];
};

#define MEMS_POLICY_PRIV_FITS(type)                                   \
	static_assert(sizeof(type) <= sizeof(union mems_policy_priv), \
		      #type " must fit in the policy's private area")

struct mems_policy {
	const struct mems_policy_ops *ops;
	struct mems_heap *heap;
	/*
	 * Whether @ops has any of the hooks of an index of holes, set with
	 * @ops: every carve and free asks, and one flag is one test.
	 */
	bool indexes_holes;
	union mems_policy_priv priv;
};

#endif /* MEMS_CORE_POLICY_H */
