/* SPDX-License-Identifier: MIT */
/*
 * core/hole_map.h - the largest hole of every stretch of space
 * (core/hole_map.c).
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

struct mems_heap;
struct mems_seg;

void mems_hole_map_add(struct mems_heap *heap, uintptr_t vstart, size_t size);
void mems_hole_map_remove(struct mems_heap *heap, uintptr_t vstart,
			  size_t size);
void mems_hole_map_move(struct mems_heap *heap, uintptr_t old_vstart,
			size_t old_size, uintptr_t vstart, size_t size);
void mems_hole_map_raise(struct mems_heap *heap, uintptr_t vstart, size_t size);
size_t mems_hole_map_largest(const struct mems_heap *heap);
struct mems_seg *mems_hole_map_lowest_fit(const struct mems_heap *heap,
					  size_t bytes, uintptr_t from);
int mems_hole_map_check(const struct mems_heap *heap, FILE *report);
void mems_hole_map_use(struct mems_heap *heap, bool on);

#endif /* MEMS_CORE_HOLE_MAP_H */
