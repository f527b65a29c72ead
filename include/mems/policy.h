/* SPDX-License-Identifier: MIT */
/*
 * mems/policy.h - the placement policy operations table.
 *
 * Internal to MeMS (not installed).  A policy only searches: find()
 * returns the hole to carve from, or NULL, and never edits the chains;
 * the core carves.  The core tells the policy about every hole that
 * appears, changes bounds or disappears, so that a policy may keep an
 * index beside the chains.
 */
#ifndef MEMS_POLICY_H
#define MEMS_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mems_heap;
struct mems_seg;
struct mems_policy;

/**
 * struct mems_policy_ops - what a placement policy provides.
 * @name:        its name for MEMS_POLICY and the tools (required).
 * @init:        reset private state to its initial value (optional).
 * @find:        the hole a request of @bytes goes into, or NULL when
 *               none fits; must not change anything (required).
 * @allocated:   a PROCESS segment was just carved, from a hole or from a
 *               new node (optional).
 * @hole_insert: a hole appeared (optional).
 * @hole_erase:  a hole is about to disappear (optional).
 * @hole_resize: a hole's bounds just changed (optional: without it the
 *               core calls hole_erase before the change and hole_insert
 *               after it).
 * @check:       verify the policy's own index against the chains; return 0
 *               or -EUCLEAN, describing the first fault on @report when it
 *               is not NULL (optional).
 */
struct mems_policy_ops {
	const char *name;
	void (*init)(struct mems_policy *policy);
	struct mems_seg *(*find)(struct mems_policy *policy, size_t bytes);
	void (*allocated)(struct mems_policy *policy,
			  const struct mems_seg *proc);
	void (*hole_insert)(struct mems_policy *policy, struct mems_seg *hole);
	void (*hole_erase)(struct mems_policy *policy, struct mems_seg *hole);
	void (*hole_resize)(struct mems_policy *policy, struct mems_seg *hole);
	int (*check)(const struct mems_policy *policy, FILE *report);
};

/* Room for a policy's state inside the heap: policies never allocate. */
union mems_policy_priv {
	void *ptr[4];
	uintptr_t word[4];
};

struct mems_policy {
	const struct mems_policy_ops *ops;
	struct mems_heap *heap;
	union mems_policy_priv priv;
};

/* policy/registry.c */
const struct mems_policy_ops *mems_policy_lookup(const char *name);
const struct mems_policy_ops *mems_policy_at(unsigned int index);
int mems_policy_validate(const struct mems_policy_ops *ops);

extern const struct mems_policy_ops mems_first_fit_ops;
extern const struct mems_policy_ops mems_best_fit_ops;
extern const struct mems_policy_ops mems_next_fit_ops;
extern const struct mems_policy_ops mems_first_fit_linear_ops;
extern const struct mems_policy_ops mems_best_fit_linear_ops;
extern const struct mems_policy_ops mems_next_fit_linear_ops;

#endif /* MEMS_POLICY_H */
