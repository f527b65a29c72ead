/* SPDX-License-Identifier: MIT */
/*
 * core/hole_map.h - the size class of the largest hole of every
 * stretch of space (core/hole_map.c).
 *
 * Internal to MeMS (not installed).  core/chain.c reports every change
 * of a hole; the policies that place by address search the map with
 * mems_hole_map_lowest_fit(); its levels live beside the address
 * table's slots (struct mems_addr_table, core/types.h).
 */
#ifndef MEMS_CORE_HOLE_MAP_H
#define MEMS_CORE_HOLE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "types.h"

/*
 * A size's class: the size itself below 2 << MEMS_HOLE_CLASS_BITS (32),
 * then 1 << MEMS_HOLE_CLASS_BITS (16) classes for each power of two, by
 * the four bits after the leading one, so that a class spans at most a
 * sixteenth of its sizes.  Monotone: a larger size never has a smaller
 * class, so a class above n's means a size above n and one below it a
 * size below n.  A byte holds classes up to 255, sizes up to 507903
 * bytes each in their own; every size from 507904 (496 KiB) on shares
 * the last class, so a request that large is checked against each hole
 * that large, as a request smaller than them never is.  0 is the class
 * of no hole.
 */
#define MEMS_HOLE_CLASS_BITS 4
#define MEMS_HOLE_CLASS_MAX 255u
#define MEMS_HOLE_CLASSES (MEMS_HOLE_CLASS_MAX + 1)

/*
 * The class of @size among 1 << @bits classes a power of two, the last
 * @max: mems_hole_class() for the map, finer ones for the policies'
 * bins (policy/hole_tree.h).
 */
static inline unsigned int mems_size_class(size_t size, unsigned int bits,
					   unsigned int max)
{
	unsigned int e, cls;

	if (size < ((size_t)2 << bits))
		return (unsigned int)size;
	/* The leading bit; the class takes the bits after it. */
	e = 63 - (unsigned int)__builtin_clzll((unsigned long long)size) - bits;
	if (e > (max >> bits))
		return max;
	cls = (e << bits) + (unsigned int)(size >> e);
	return cls < max ? cls : max;
}

static inline unsigned int mems_hole_class(size_t size)
{
	return mems_size_class(size, MEMS_HOLE_CLASS_BITS, MEMS_HOLE_CLASS_MAX);
}

void mems_hole_map_on_add(struct mems_heap *heap, struct mems_seg *hole);
void mems_hole_map_on_remove(struct mems_heap *heap, struct mems_seg *hole);
void mems_hole_map_on_replace(struct mems_heap *heap, struct mems_seg *gone,
			      struct mems_seg *keep);
void mems_hole_map_on_move(struct mems_heap *heap, struct mems_seg *hole,
			   uintptr_t old_vstart, size_t old_size);
void mems_hole_map_on_raise(struct mems_heap *heap,
			    const struct mems_seg *hole);

/*
 * What core/chain.c reports of a hole (core/hole_map.c says when each
 * is called), tested inline: under a policy that keeps no map every
 * carve and free would otherwise pay calls that do nothing.
 */
static inline void mems_hole_map_add(struct mems_heap *heap,
				     struct mems_seg *hole)
{
	if (heap->hole_map_on)
		mems_hole_map_on_add(heap, hole);
}

static inline void mems_hole_map_remove(struct mems_heap *heap,
					struct mems_seg *hole)
{
	if (heap->hole_map_on)
		mems_hole_map_on_remove(heap, hole);
}

static inline void mems_hole_map_replace(struct mems_heap *heap,
					 struct mems_seg *gone,
					 struct mems_seg *keep)
{
	if (heap->hole_map_on)
		mems_hole_map_on_replace(heap, gone, keep);
}

static inline void mems_hole_map_move(struct mems_heap *heap,
				      struct mems_seg *hole,
				      uintptr_t old_vstart, size_t old_size)
{
	if (heap->hole_map_on)
		mems_hole_map_on_move(heap, hole, old_vstart, old_size);
}

static inline void mems_hole_map_raise(struct mems_heap *heap,
				       const struct mems_seg *hole)
{
	if (heap->hole_map_on)
		mems_hole_map_on_raise(heap, hole);
}

size_t mems_hole_map_largest(const struct mems_heap *heap);
struct mems_seg *mems_hole_map_lowest_fit(const struct mems_heap *heap,
					  size_t bytes, uintptr_t from);
int mems_hole_map_check(const struct mems_heap *heap, FILE *report);
int mems_hole_map_use(struct mems_heap *heap, bool on);

#endif /* MEMS_CORE_HOLE_MAP_H */
