/* SPDX-License-Identifier: MIT */
/*
 * tools/dump/seg_map.h - the segments of a heap as the page last wrote
 * them, by first address.
 *
 * --format html writes what each step changed, found from the addresses
 * the step used: it needs to know, in constant time, whether an address
 * starts a segment of the state the page holds so far, and what that
 * segment is.  A hash table keyed by the start answers both, whatever
 * the heap holds.
 */
#ifndef MEMS_DUMP_SEG_MAP_H
#define MEMS_DUMP_SEG_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct seg_slot {
	uintptr_t start;
	uintptr_t end; /* inclusive */
	bool hole;
	bool used;
};

struct seg_map {
	struct seg_slot *slots;
	size_t mask; /* slots - 1, a power of two less one */
	size_t nr;
};

/* 0 or -ENOMEM; a segment already at @start is replaced. */
int seg_map_put(struct seg_map *map, uintptr_t start, uintptr_t end, bool hole);
/* The segment that starts at @start, or NULL. */
const struct seg_slot *seg_map_get(const struct seg_map *map, uintptr_t start);
void seg_map_del(struct seg_map *map, uintptr_t start);
/* Take away the segments that tile @first to @last, from @first on. */
void seg_map_del_range(struct seg_map *map, uintptr_t first, uintptr_t last);
void seg_map_free(struct seg_map *map);

#endif /* MEMS_DUMP_SEG_MAP_H */
