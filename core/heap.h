/* SPDX-License-Identifier: MIT */
/*
 * core/heap.h - the heap object's internal calls (core/heap.c).
 *
 * Internal to MeMS (not installed).  The public heap API is
 * <mems/heap.h>; these are what the global heap (core/api.c) needs
 * beyond it: a heap set up in place, and the operations for a caller
 * that holds the heap's lock already, those of malloc, free and get
 * inline.
 */
#ifndef MEMS_CORE_HEAP_H
#define MEMS_CORE_HEAP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr_table.h"
#include "chain.h"
#include "check.h"
#include "meta.h"
#include "types.h"

struct mems_heap;
struct mems_heap_config;
struct mems_policy_ops;

int mems_heap_setup(struct mems_heap *heap,
		    const struct mems_heap_config *config);
void mems_heap_teardown(struct mems_heap *heap);
void mems_heap_retire(struct mems_heap *heap);
int mems_heap_use_policy(struct mems_heap *heap,
			 const struct mems_policy_ops *ops);
/*
 * The heap API's calls for a caller that holds the heap's lock already
 * and has refused the calls of a walk's callback itself: the course
 * functions, which hold the global heap's lock and keep refused calls
 * out of the trace, take the lock and test for a walk once.  The
 * _locked calls of malloc, free and get are below.
 */
int mems_heap_calloc_locked(struct mems_heap *heap, size_t nmemb, size_t size,
			    void **v);
int mems_heap_realloc_locked(struct mems_heap *heap, void *v, size_t size,
			     void **out);
int mems_heap_trim_locked(struct mems_heap *heap, size_t keep);

/*
 * The paths of an allocation and of a free, inline as mems_heap_get_locked()
 * is: the course's mems_malloc() and mems_free() are then each one
 * function, the global heap's address known in it, not three calls deep
 * (Documentation/performance.rst, "The call path in one function").
 */
static inline void heap_assert_valid(const struct mems_heap *heap)
{
#ifdef CONFIG_MEMS_DEBUG
	if (mems_heap_check_unlocked(heap, stderr))
		abort();
#else
	(void)heap;
#endif
}

/* @size rounded up to the heap's alignment, or 0 when that overflows. */
static inline size_t heap_round(const struct mems_heap *heap, size_t size)
{
	size_t mask = heap->align - 1;

	if (size > SIZE_MAX - mask)
		return 0;
	return (size + mask) & ~mask;
}

/* Keep at most the threshold's bytes of empty nodes mapped. */
static inline void heap_trim_auto(struct mems_heap *heap)
{
	if (heap->trim_threshold >= 0 &&
	    heap->empty_bytes > (size_t)heap->trim_threshold)
		mems_chain_trim(heap, heap->trim_threshold);
}

/* The block that starts at @v, or NULL. */
static inline struct mems_seg *heap_block_at(const struct mems_heap *heap,
					     const void *v)
{
	struct mems_seg *seg = mems_addr_table_find_from(heap, (uintptr_t)v);

	if (!seg || seg->vstart != (uintptr_t)v || seg_is_hole(seg))
		return NULL;
	return seg;
}

/* A free, then the trim its threshold asks for. */
static inline void heap_release(struct mems_heap *heap, struct mems_seg *proc)
{
	mems_chain_release(heap, proc);
	heap_trim_auto(heap);
}

/*
 * Carve @bytes (already rounded) by the policy, mapping a node when no
 * hole fits; *@fresh says whether the block lies in a node mapped for
 * it, whose bytes the kernel has zeroed.  Always inline: its two
 * callers are the paths of malloc and of realloc's move.
 */
static inline __attribute__((always_inline)) struct mems_seg *
heap_carve(struct mems_heap *heap, size_t bytes, bool *fresh)
{
	struct mems_seg *hole = heap->policy.ops->find(&heap->policy, bytes);

	*fresh = !hole;
	if (hole) {
		if (mems_meta_reserve(&heap->meta, &heap->os, 1))
			return NULL;
	} else {
		hole = mems_chain_map_node(heap, bytes);
		if (!hole)
			return NULL;
	}
	return mems_chain_carve(heap, hole, bytes);
}

/* A block of @size bytes by the policy, its bytes zeroed when @zeroed. */
static inline __attribute__((always_inline)) int
heap_alloc(struct mems_heap *heap, size_t size, bool zeroed, void **v)
{
	size_t bytes = heap_round(heap, size);
	struct mems_seg *proc;
	bool fresh;

	if (heap->stale)
		return -ESTALE;
	if (!size)
		return -EINVAL;
	if (!bytes)
		return -ENOMEM;
	proc = heap_carve(heap, bytes, &fresh);
	if (!proc)
		return -ENOMEM;
	/* A new node's pages come zeroed: writing them would fault them in. */
	if (zeroed && !fresh)
		memset((void *)(proc->vstart + proc->to_phys), 0, bytes);
	*v = (void *)proc->vstart;
	heap_assert_valid(heap);
	return 0;
}

static inline int mems_heap_alloc_locked(struct mems_heap *heap, size_t size,
					 void **v)
{
	return heap_alloc(heap, size, false, v);
}

static inline int mems_heap_free_locked(struct mems_heap *heap, void *v)
{
	struct mems_seg *proc;

	proc = heap_block_at(heap, v);
	if (!proc)
		return -EINVAL;
	heap_release(heap, proc);
	heap_assert_valid(heap);
	return 0;
}

/*
 * Inline: the course's mems_get() is this and its lock, nothing more.
 * Segments do not overlap, so the block carved last, when it holds @v,
 * is what the table would find.
 */
static inline void *mems_heap_get_locked(const struct mems_heap *heap, void *v)
{
	const struct mems_seg *seg = heap->last_carved;

	if (!seg || !seg_contains(seg, (uintptr_t)v))
		seg = mems_addr_table_find(heap, (uintptr_t)v);
	if (!seg || seg_is_hole(seg))
		return NULL;
	return (void *)((uintptr_t)v + seg->to_phys);
}

#endif /* MEMS_CORE_HEAP_H */
