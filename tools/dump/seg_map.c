// SPDX-License-Identifier: MIT
/*
 * tools/dump/seg_map.c - segments by first address: open addressing with
 * linear probing, and deletion by shifting the run back, so that no
 * tombstone slows the lookups of a table that sees millions of changes.
 */
#include <errno.h>
#include <stdlib.h>

#include "seg_map.h"

static size_t slot_of(const struct seg_map *map, uintptr_t start)
{
	uint64_t h = (uint64_t)start * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & map->mask;
}

static int seg_map_grow(struct seg_map *map)
{
	size_t old = map->slots ? map->mask + 1 : 0, size = old ? 2 * old : 64;
	struct seg_slot *slots = map->slots, *s;
	size_t i;

	map->slots = calloc(size, sizeof(*slots));
	if (!map->slots) {
		map->slots = slots;
		return -ENOMEM;
	}
	map->mask = size - 1;
	map->nr = 0;
	for (i = 0; i < old; i++) {
		s = &slots[i];
		if (s->used)
			seg_map_put(map, s->start, s->end, s->hole);
	}
	free(slots);
	return 0;
}

int seg_map_put(struct seg_map *map, uintptr_t start, uintptr_t end, bool hole)
{
	struct seg_slot *s;
	size_t i;

	/* At most half full: runs stay short. */
	if ((!map->slots || 2 * (map->nr + 1) > map->mask + 1) &&
	    seg_map_grow(map))
		return -ENOMEM;
	for (i = slot_of(map, start);; i = (i + 1) & map->mask) {
		s = &map->slots[i];
		if (!s->used || s->start == start)
			break;
	}
	if (!s->used)
		map->nr++;
	*s = (struct seg_slot){ start, end, hole, true };
	return 0;
}

static struct seg_slot *find(const struct seg_map *map, uintptr_t start)
{
	struct seg_slot *s;
	size_t i;

	if (!map->slots)
		return NULL;
	for (i = slot_of(map, start);; i = (i + 1) & map->mask) {
		s = &map->slots[i];
		if (!s->used)
			return NULL;
		if (s->start == start)
			return s;
	}
}

const struct seg_slot *seg_map_get(const struct seg_map *map, uintptr_t start)
{
	return find(map, start);
}

void seg_map_del(struct seg_map *map, uintptr_t start)
{
	struct seg_slot *s = find(map, start);
	size_t hole, i, home;

	if (!s)
		return;
	hole = (size_t)(s - map->slots);
	s->used = false;
	map->nr--;
	/* Move back each later slot of the run that may live in the hole. */
	for (i = (hole + 1) & map->mask; map->slots[i].used;
	     i = (i + 1) & map->mask) {
		home = slot_of(map, map->slots[i].start);
		if (((i - home) & map->mask) >= ((i - hole) & map->mask)) {
			map->slots[hole] = map->slots[i];
			map->slots[i].used = false;
			hole = i;
		}
	}
}

void seg_map_del_range(struct seg_map *map, uintptr_t first, uintptr_t last)
{
	const struct seg_slot *s;
	uintptr_t at = first, end;

	while (at <= last && (s = find(map, at))) {
		end = s->end;
		seg_map_del(map, at);
		if (end >= last)
			break;
		at = end + 1;
	}
}

void seg_map_free(struct seg_map *map)
{
	free(map->slots);
	map->slots = NULL;
	map->mask = 0;
	map->nr = 0;
}
