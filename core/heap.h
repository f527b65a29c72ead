/* SPDX-License-Identifier: MIT */
/*
 * core/heap.h - the heap object's internal calls (core/heap.c).
 *
 * Internal to MeMS (not installed).  The public heap API is
 * <mems/heap.h>; these are what the global heap (core/api.c) needs
 * beyond it: a heap set up in place, and the operations for a caller
 * that holds the heap's lock already.
 */
#ifndef MEMS_CORE_HEAP_H
#define MEMS_CORE_HEAP_H

#include <stddef.h>

#include "addr_table.h"
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
 * out of the trace, take the lock and test for a walk once.
 */
int mems_heap_alloc_locked(struct mems_heap *heap, size_t size, void **v);
int mems_heap_calloc_locked(struct mems_heap *heap, size_t nmemb, size_t size,
			    void **v);
int mems_heap_realloc_locked(struct mems_heap *heap, void *v, size_t size,
			     void **out);
int mems_heap_free_locked(struct mems_heap *heap, void *v);
int mems_heap_trim_locked(struct mems_heap *heap, size_t keep);

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
