/* SPDX-License-Identifier: MIT */
/*
 * mems/introspect.h - looking at a heap without touching its records.
 *
 * Tools, tests and teaching material see the free list through these
 * calls only: a walk over the main chain and each sub-chain, a statistics
 * call whose figures cost nothing to ask for, and the table of built-in
 * placement policies.  What they return are copies: the library's own
 * records stay private and may change between releases.
 *
 * Every call accepts NULL for a heap that does not exist yet, such as
 * mems_default_heap() before the first mems_init(), and answers as for
 * an empty heap.  None of them changes the heap or sets errno.
 */
#ifndef MEMS_INTROSPECT_H
#define MEMS_INTROSPECT_H

#include <stddef.h>
#include <stdint.h>

#include <mems/heap.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum mems_seg_type - what a segment of a sub-chain holds.
 * @MEMS_HOLE:    free: "H" in the report.
 * @MEMS_PROCESS: handed to the user: "P" in the report.
 */
enum mems_seg_type {
	MEMS_HOLE,
	MEMS_PROCESS,
};

/**
 * struct mems_node_info - one node of the main chain, as the walk sees it.
 * @index:   its position in the main chain, from 0.
 * @vstart:  first virtual address.
 * @vend:    last virtual address (inclusive, as the report prints it).
 * @phys:    what mmap returned for it: the physical address of @vstart.
 * @pages:   its length in MeMS pages.
 * @nr_segs: the length of its sub-chain.
 */
struct mems_node_info {
	size_t index;
	uintptr_t vstart;
	uintptr_t vend;
	void *phys;
	size_t pages;
	size_t nr_segs;
};

/**
 * struct mems_seg_info - one segment of a sub-chain.
 * @index:  its position in its node's sub-chain, from 0.
 * @vstart: first virtual address.
 * @vend:   last virtual address (inclusive).
 * @type:   MEMS_HOLE or MEMS_PROCESS.
 */
struct mems_seg_info {
	size_t index;
	uintptr_t vstart;
	uintptr_t vend;
	enum mems_seg_type type;
};

/**
 * struct mems_walk_ops - what mems_heap_walk() calls.
 * @node: called for each node, before its segments (optional).
 * @seg:  called for each segment of the node, in address order (optional).
 *
 * A callback that returns nonzero stops the walk, which then returns that
 * value.  Callbacks may read the heap they walk; the calls that would
 * change it fail with -EDEADLK (errno EDEADLK for the course functions)
 * and change nothing, since the walk holds the lock they would wait for.
 */
struct mems_walk_ops {
	int (*node)(const struct mems_node_info *node, void *arg);
	int (*seg)(const struct mems_node_info *node,
		   const struct mems_seg_info *seg, void *arg);
};

/**
 * mems_heap_walk() - visit every node and segment of @heap in chain order.
 * @heap: the heap, or NULL (nothing to visit).
 * @ops:  the callbacks.
 * @arg:  passed to each callback.
 *
 * The order is that of mems_print_stats(): nodes in mapping order, each
 * followed by its segments in address order.
 *
 * Return: 0 when every callback returned 0, else the first nonzero value.
 */
int mems_heap_walk(const struct mems_heap *heap,
		   const struct mems_walk_ops *ops, void *arg);

/**
 * mems_heap_walk_range() - visit the segments that hold @first to @last.
 * @heap:  the heap, or NULL (no segment).
 * @first: a virtual address in a node.
 * @last:  the last address of interest; past the end of @first's node,
 *         the node's end.
 * @ops:   the callbacks: only @ops->seg is called, with a NULL node.
 * @arg:   passed to each callback.
 *
 * Visits, in address order, the segment that holds @first and those
 * after it in its sub-chain up to the one that holds @last.  Nothing is
 * counted along the chains, so the segments' @index is SIZE_MAX and the
 * call costs what mems_heap_get() does plus one step per segment
 * visited, whatever the heap holds: a tool that follows what a call
 * changed looks there only.
 *
 * Return: 0 when every callback returned 0, else the first nonzero
 * value; -ENOENT when @first lies in no node.
 */
int mems_heap_walk_range(const struct mems_heap *heap, uintptr_t first,
			 uintptr_t last, const struct mems_walk_ops *ops,
			 void *arg);

/**
 * mems_heap_find() - the segment that holds virtual address @v.
 * @heap: the heap, or NULL.
 * @v:    any virtual address.
 * @node: where to copy its node (may be NULL).
 * @seg:  where to copy the segment (may be NULL).
 *
 * Return: 0; -ENOENT when @v lies in no node.
 */
int mems_heap_find(const struct mems_heap *heap, const void *v,
		   struct mems_node_info *node, struct mems_seg_info *seg);

/**
 * struct mems_heap_stats - a heap's figures, kept up to date by every call.
 * @pages_used:   MeMS pages mapped for user memory ("Pages used").
 * @space_unused: bytes in holes ("Space unused").
 * @nodes:        length of the main chain ("Main Chain Length").
 * @segments:     segments in all sub-chains.
 * @holes:        of which holes.
 * @largest_hole: bytes in the largest hole, 0 when there is none.
 * @live_bytes:   bytes in PROCESS segments: pages_used * page size less
 *                space_unused.
 * @meta_bytes:   bytes mapped for bookkeeping: records, indexes, and the
 *                heap object of mems_heap_create(); not counted in
 *                @pages_used.
 * @mmap_calls:   mmap calls since the heap was created (the global heap:
 *                since the program started), bookkeeping included.
 * @munmap_calls: likewise for munmap.
 */
struct mems_heap_stats {
	size_t pages_used;
	size_t space_unused;
	size_t nodes;
	size_t segments;
	size_t holes;
	size_t largest_hole;
	size_t live_bytes;
	size_t meta_bytes;
	unsigned long mmap_calls;
	unsigned long munmap_calls;
};

/**
 * mems_heap_stats() - copy @heap's figures into @stats.
 * @heap:  the heap, or NULL (all zero).
 * @stats: where to write them.
 *
 * Every figure but @largest_hole is a counter the heap keeps, so the call
 * takes constant time; @largest_hole asks the placement policy's index:
 * the last key of the last bin in O(log n) for best-fit and worst-fit,
 * the hole map's slots of the largest size class for first-fit and
 * next-fit, a walk for the linear references.
 */
void mems_heap_stats(const struct mems_heap *heap,
		     struct mems_heap_stats *stats);

/**
 * MEMS_POLICY_REFERENCE - flag of &struct mems_policy_info: a linear
 * reference, test equipment rather than a policy to choose.
 */
#define MEMS_POLICY_REFERENCE	0x1u

/**
 * MEMS_POLICY_DEFAULT - flag of &struct mems_policy_info: the configured
 * default policy.
 */
#define MEMS_POLICY_DEFAULT	0x2u

/**
 * struct mems_policy_info - a built-in placement policy.
 * @name:      its name, as MEMS_POLICY and mems_heap_set_policy() take it.
 * @summary:   the rule it follows, in one line.
 * @reference: for an indexed policy, the name of the linear reference
 *             built for the same rule, or NULL when none is built; NULL
 *             for a reference itself.
 * @flags:     MEMS_POLICY_* bits.
 */
struct mems_policy_info {
	const char *name;
	const char *summary;
	const char *reference;
	unsigned int flags;
};

/**
 * mems_policy_info() - describe built-in policy number @index.
 * @index: from 0; the order is fixed for a build.
 * @info:  where to write the description.
 *
 * The same table serves MEMS_POLICY, mems_heap_set_policy() and
 * mems_policy_name(): a tool that lists the policies asks here instead of
 * spelling their names.
 *
 * Return: 0; -ENOENT past the last policy.
 */
int mems_policy_info(unsigned int index, struct mems_policy_info *info);

/**
 * mems_default_config() - the layout this build gives a heap by default.
 * @config: filled with the configured policy, page size (the machine's
 *          when the configuration leaves it 0), virtual base and granule.
 */
void mems_default_config(struct mems_heap_config *config);

#ifdef __cplusplus
}
#endif

#endif /* MEMS_INTROSPECT_H */
