/* SPDX-License-Identifier: MIT */
/*
 * mems/heap.h - independent MeMS heaps.
 *
 * Each heap has its own chains, placement policy, page size, virtual base
 * and alignment.  The course functions of <mems.h> use the heap that
 * mems_default_heap() returns.  All functions return 0 or a negative errno
 * value, or a pointer that is NULL on failure; none of them sets errno.
 * Those that change a heap return -EDEADLK, and change nothing, when a
 * callback of mems_heap_walk() on that heap calls them.
 */
#ifndef MEMS_HEAP_H
#define MEMS_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mems_heap;

/**
 * struct mems_heap_config - how a heap lays memory out.
 * @policy:    placement policy name ("first-fit", ...); NULL or "" for the
 *             configured default.
 * @page_size: bytes per MeMS page, >= 1; 0 for the configured PAGE_SIZE.
 * @virt_base: first virtual address, >= 1; 0 for the configured base.
 * @align:     allocation granule, a power of two; 0 for the configured one.
 */
struct mems_heap_config {
	const char *policy;
	size_t page_size;
	uintptr_t virt_base;
	size_t align;
};

/**
 * mems_heap_create() - map the bookkeeping for a new, empty heap.
 * @config: the layout; NULL for all defaults.
 * @heap:   where to store the new heap.
 *
 * Return: 0; -EINVAL for an alignment that is not a power of two; -ENOENT
 * for a policy that is not built in; -ENOMEM when mmap fails.
 */
int mems_heap_create(const struct mems_heap_config *config,
		     struct mems_heap **heap);

/**
 * mems_heap_destroy() - unmap every page of @heap, bookkeeping included.
 * @heap: a heap from mems_heap_create(), or NULL (no-op).
 */
void mems_heap_destroy(struct mems_heap *heap);

/**
 * mems_heap_reset() - empty @heap as mems_finish() empties the global one.
 * @heap: the heap; its layout and policy stay, the policy restarts.
 */
void mems_heap_reset(struct mems_heap *heap);

/**
 * mems_heap_alloc() - allocate @size bytes in @heap.
 * @heap: the heap.
 * @size: bytes, rounded up to the heap's alignment; 0 gives -EINVAL.
 * @v:    where to store the virtual address.
 *
 * Return: 0; -EINVAL for @size 0; -ENOMEM when rounding overflows, the
 * virtual address space is exhausted or mmap fails.
 */
int mems_heap_alloc(struct mems_heap *heap, size_t size, void **v);

/**
 * mems_heap_calloc() - allocate @nmemb blocks of @size bytes, zeroed.
 * @heap:  the heap.
 * @nmemb: how many elements.
 * @size:  bytes of each.
 * @v:     where to store the virtual address.
 *
 * Return: 0; -EINVAL when either is 0; -ENOMEM when their product
 * overflows, or as mems_heap_alloc().
 */
int mems_heap_calloc(struct mems_heap *heap, size_t nmemb, size_t size,
		     void **v);

/**
 * mems_heap_realloc() - resize the block that starts at @v to @size bytes.
 * @heap: the heap.
 * @v:    the block's virtual address; NULL to allocate.
 * @size: the new size; 0 to free the block.
 * @out:  where to store the block's address afterwards (NULL when freed).
 *
 * In place when the block shrinks or the hole after it holds the
 * growth; otherwise a new block by the policy, the old bytes copied, the
 * old block freed.
 * Return: 0; -EINVAL when @v is not the start of an allocated block, or
 * for a NULL @v and @size 0; -ENOMEM when rounding overflows or a mapping
 * fails, the block left as it was.
 */
int mems_heap_realloc(struct mems_heap *heap, void *v, size_t size,
		      void **out);

/**
 * mems_heap_trim() - release the nodes that are one whole hole.
 * @heap: the heap.
 * @keep: bytes of such nodes that may stay mapped.
 *
 * Lowest addresses first, until at most @keep bytes of them remain.  A
 * released node's virtual addresses are never handed out again.
 * Return: 1 when a node was released, 0 otherwise.
 */
int mems_heap_trim(struct mems_heap *heap, size_t keep);

/**
 * mems_heap_set_trim_threshold() - release empty nodes as they appear.
 * @heap:      the heap.
 * @threshold: bytes of empty nodes kept mapped after each free, the
 *             rest released as by mems_heap_trim(); -1 never releases.
 *
 * Applies at once.  Heaps start with the configured
 * CONFIG_MEMS_TRIM_THRESHOLD.
 * Return: 0, or -EINVAL for a threshold below -1.
 */
int mems_heap_set_trim_threshold(struct mems_heap *heap, long threshold);

/**
 * mems_heap_trim_threshold() - @heap's trim threshold, -1 for never.
 * @heap: the heap.
 */
long mems_heap_trim_threshold(const struct mems_heap *heap);

/**
 * mems_heap_free() - turn the block that starts at @v into a hole.
 * @heap: the heap.
 * @v:    the block's virtual address.
 *
 * Return: 0; -EINVAL when @v is not the start of an allocated block.
 */
int mems_heap_free(struct mems_heap *heap, void *v);

/**
 * mems_heap_get() - translate @v, inside an allocated block, to physical.
 * @heap: the heap.
 * @v:    a virtual address inside an allocated block.
 *
 * Return: the physical address, or NULL when @v is in no allocated block.
 */
void *mems_heap_get(const struct mems_heap *heap, void *v);

/**
 * mems_heap_print_stats() - write the mems_print_stats() report to @out.
 * @heap: the heap.
 * @out:  the stream to write it to.
 */
void mems_heap_print_stats(const struct mems_heap *heap, FILE *out);

/**
 * mems_heap_check() - verify every invariant of the chains.
 * @heap:   the heap.
 * @report: where to describe the first broken invariant; NULL for silence.
 *
 * Return: 0 when all hold, -EUCLEAN otherwise.
 */
int mems_heap_check(const struct mems_heap *heap, FILE *report);

/**
 * mems_heap_set_policy() - switch @heap to the policy called @name.
 * @heap: the heap.
 * @name: the policy's name, as mems_policy_name() gives it.
 *
 * The new policy starts as after mems_init(); the chains are untouched.
 * A policy that searches the hole map (first-fit, next-fit) has the
 * map mapped for the nodes there are when the heap comes to it.
 * Return: 0, -ENOENT when no such policy is built in, or -ENOMEM when
 * the map cannot be mapped; the current policy stays on failure.
 */
int mems_heap_set_policy(struct mems_heap *heap, const char *name);

/**
 * mems_heap_policy() - the name of @heap's current policy.
 * @heap: the heap.
 */
const char *mems_heap_policy(const struct mems_heap *heap);

/**
 * mems_heap_page_size() - bytes per MeMS page of @heap.
 * @heap: the heap.
 */
size_t mems_heap_page_size(const struct mems_heap *heap);

/**
 * mems_default_heap() - the heap the course functions of <mems.h> use.
 *
 * Return: the global heap, or NULL when it is not initialised.  A pointer
 * kept across mems_finish() is an empty heap whose allocations return
 * -ESTALE until the next mems_init().
 */
struct mems_heap *mems_default_heap(void);

/**
 * mems_policy_name() - the name of built-in policy number @index.
 * @index: from 0.
 *
 * Return: the name, or NULL past the last one.  Index 0 onwards lists
 * every policy this build contains, in a fixed order.
 */
const char *mems_policy_name(unsigned int index);

/** mems_default_policy() - the configured default policy's name. */
const char *mems_default_policy(void);

#ifdef __cplusplus
}
#endif

#endif /* MEMS_HEAP_H */
