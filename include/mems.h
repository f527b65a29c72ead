/* SPDX-License-Identifier: MIT */
/*
 * mems.h - the MeMS course API.
 *
 * The six functions keep the names and signatures of the original course
 * skeleton so that its programs compile unchanged.  They all work on one
 * global heap; <mems/heap.h> creates independent heaps.
 *
 * Addresses handed out are MeMS virtual addresses: integers in MeMS' own
 * address space, not pointers.  Write through mems_get() instead.
 */
#ifndef MEMS_H
#define MEMS_H

/* Course programs call printf() and exit() having included only mems.h. */
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * mems_init() - start an empty global MeMS.
 *
 * The placement policy is the one the environment variable MEMS_POLICY
 * names, or the configured default when it is unset, empty, unknown or
 * not built in (an unknown name is reported on stderr).  A MeMS that is
 * not empty is first emptied as by mems_finish().
 */
void mems_init(void);

/**
 * mems_finish() - unmap every page the global MeMS mapped.
 *
 * User memory and bookkeeping alike; afterwards MeMS is as before the
 * first mems_init().  Prints nothing.
 */
void mems_finish(void);

/**
 * mems_malloc() - allocate @size bytes.
 * @size: request in bytes, rounded up to the configured granule.
 *
 * Carves the request from the low end of the hole the placement policy
 * picks, or from a newly mapped node when no hole fits.  Initialises MeMS
 * first when mems_init() has not been called.
 *
 * Return: the MeMS virtual address of the block; NULL for @size 0 (nothing
 * changes); NULL with errno ENOMEM when rounding overflows or mmap fails.
 */
void *mems_malloc(size_t size);

/**
 * mems_free() - turn an allocated block back into a hole.
 * @v: MeMS virtual address returned by mems_malloc(), or NULL (no-op).
 *
 * The hole merges with hole neighbours in its node.  Any other address
 * prints "mems_free: invalid address <v>" on stderr and sets errno to
 * EINVAL, changing nothing.
 */
void mems_free(void *v);

/**
 * mems_calloc() - allocate @nmemb elements of @size bytes, zeroed.
 * @nmemb: how many elements.
 * @size:  bytes of each.
 *
 * As mems_malloc() of their product, which must not overflow (ENOMEM);
 * NULL, changing nothing, when either is 0.
 */
void *mems_calloc(size_t nmemb, size_t size);

/**
 * mems_realloc() - resize the block that starts at @v to @size bytes.
 * @v:    the block's MeMS virtual address; NULL to allocate.
 * @size: the new size in bytes; 0 to free the block.
 *
 * In place when it shrinks or the hole after it holds the growth, else
 * moved by the policy, its bytes copied and the old block freed.  @v NULL
 * allocates; @size 0 frees and returns NULL.  Any other address prints
 * "mems_realloc: invalid address <v>" on stderr, sets errno to EINVAL
 * and returns NULL; ENOMEM leaves the block as it was.
 * Return: the block's MeMS virtual address, or NULL.
 */
void *mems_realloc(void *v, size_t size);

/**
 * mems_trim() - unmap the nodes that are one whole hole.
 * @keep: bytes of such nodes that may stay mapped, the newest ones.
 * Their virtual addresses are never handed out again.
 * Return: 1 when a node was released, 0 otherwise.
 */
int mems_trim(size_t keep);

/**
 * mems_get() - translate a MeMS virtual address to a physical one.
 * @v: any address inside an allocated block.
 *
 * Return: the address to read and write through, or NULL with errno
 * EINVAL when @v lies in no allocated block.
 */
void *mems_get(void *v);

/**
 * mems_print_stats() - print the free list and its totals on stdout.
 *
 * Uses stdio, so the report interleaves correctly with the caller's printf.
 */
void mems_print_stats(void);

#ifdef __cplusplus
}
#endif

#endif /* MEMS_H */
