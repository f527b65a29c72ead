/* SPDX-License-Identifier: MIT */
/*
 * policy/hole_tree.h - holes by address, each knowing its subtree's
 * largest hole.
 *
 * The index behind first-fit, next-fit and worst-fit.  Holes never overlap, so
 * ordering them by start also orders them by end, and "the lowest hole
 * of at least n bytes that ends at or after a" is one descent that skips
 * every subtree whose largest hole is too small.  The subtree maximum
 * lives in the segment's policy_key.
 */
#ifndef MEMS_POLICY_HOLE_TREE_H
#define MEMS_POLICY_HOLE_TREE_H

#include <core/chain.h>

/*
 * These functions are global so that the policies share them; the macros
 * give their symbols a mems_ prefix, so that a program linking libmems.a
 * keeps these short names for itself.
 */
#define hole_tree_init        mems_hole_tree_init
#define hole_tree_insert      mems_hole_tree_insert
#define hole_tree_erase       mems_hole_tree_erase
#define hole_tree_resize      mems_hole_tree_resize
#define hole_tree_lowest_fit  mems_hole_tree_lowest_fit
#define hole_tree_largest     mems_hole_tree_largest
#define hole_tree_check       mems_hole_tree_check

/*
 * A policy on this tree keeps the root first in its private state, and
 * its operations table names these as its hooks.
 */
void hole_tree_init(struct mems_policy *policy);
void hole_tree_insert(struct mems_policy *policy, struct mems_seg *hole);
void hole_tree_erase(struct mems_policy *policy, struct mems_seg *hole);
void hole_tree_resize(struct mems_policy *policy, struct mems_seg *hole);
size_t hole_tree_largest(const struct mems_policy *policy);
int hole_tree_check(const struct mems_policy *policy, FILE *report);

/* The lowest hole of at least @bytes bytes that ends at or after @from. */
struct mems_seg *hole_tree_lowest_fit(const struct mems_policy *policy,
				      size_t bytes, uintptr_t from);

#endif /* MEMS_POLICY_HOLE_TREE_H */
