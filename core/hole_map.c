// SPDX-License-Identifier: MIT
/*
 * core/hole_map.c - the largest hole of every stretch of space, for
 * placement by address.
 *
 * Level 0 has an entry per address table slot: the size of the largest
 * hole that starts in the slot's 1 KiB, 0 when none does.  Each entry of
 * the next level is the largest of MEMS_HOLE_MAP_FANOUT entries below
 * it, up to one entry, the largest hole of the heap.  "The lowest hole
 * of at least n bytes" is then the lowest slot whose entry is at least
 * n, found by a descent that reads one group of entries a level, and
 * the first hole of that size among the few segments starting in the
 * slot.  The levels are arrays of words, a few cache lines a descent,
 * where a tree of holes costs a record a level.
 *
 * The entries live beside the address table's slots (core/addr_table.c)
 * and grow with them, with a count of the holes starting in each slot.
 * core/chain.c reports every hole that appears (mems_hole_map_add()),
 * grows in place (mems_hole_map_raise()), changes its start or size
 * (mems_hole_map_move()) or vanishes (mems_hole_map_remove()), after the
 * chains and the slots are up to date: a slot that lost its largest
 * hole, and still has others, is recomputed from the segments that start
 * in it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hole_map.h"
#include "addr_table.h"
#include "types.h"

/* @table's entry @i of level @k, recomputed from the level below. */
static size_t group_largest(const struct mems_addr_table *table, unsigned int k,
			    size_t i)
{
	const size_t *below = table->largest[k - 1];
	size_t first = i << MEMS_HOLE_MAP_SHIFT;
	size_t end = first + MEMS_HOLE_MAP_FANOUT;
	size_t largest = 0, j;

	if (end > table->level_size[k - 1])
		end = table->level_size[k - 1];
	for (j = first; j < end; j++)
		if (below[j] > largest)
			largest = below[j];
	return largest;
}

/*
 * Level 0's entry @i becomes @size; carry the change up while it changes
 * things.  A rise only raises; a fall matters to a level only where the
 * old value was its group's largest, and only there is the group read.
 */
static void hole_map_set(struct mems_addr_table *table, size_t i, size_t size)
{
	size_t old = table->largest[0][i];
	unsigned int k;

	if (old == size)
		return;
	for (k = 0; size > old && k < table->nr_levels; k++) {
		if (table->largest[k][i] >= size)
			return;
		table->largest[k][i] = size;
		i >>= MEMS_HOLE_MAP_SHIFT;
	}
	if (size > old)
		return;
	table->largest[0][i] = size;
	for (k = 1; k < table->nr_levels; k++) {
		i >>= MEMS_HOLE_MAP_SHIFT;
		if (table->largest[k][i] != old)
			return;
		size = group_largest(table, k, i);
		if (size == old)
			return;
		table->largest[k][i] = size;
	}
}

/* A hole of @size bytes now starts at @vstart. */
void mems_hole_map_raise(struct mems_heap *heap, uintptr_t vstart, size_t size)
{
	struct mems_addr_table *table = &heap->addr_table;
	size_t i = addr_table_slot_of(heap, vstart);

	if (!heap->hole_map_on)
		return;
	if (table->largest[0][i] < size)
		hole_map_set(table, i, size);
}

/* The segment after @seg when it starts in slot @i too, else NULL. */
static struct mems_seg *slot_next_seg(const struct mems_heap *heap,
				      struct mems_seg *seg, size_t i)
{
	seg = mems_addr_table_next(heap, seg);
	return seg && addr_table_slot_of(heap, seg->vstart) == i ? seg : NULL;
}

/* The first segment starting in slot @i, or NULL when none does. */
static struct mems_seg *slot_first_seg(const struct mems_heap *heap, size_t i)
{
	struct mems_seg *seg = addr_slot_seg(heap->addr_table.slots[i]);

	/* Released space runs from the slot's first byte to past its end. */
	if (!seg || addr_table_slot_of(heap, seg->vstart) > i)
		return NULL;
	if (addr_table_slot_of(heap, seg->vstart) == i)
		return seg;
	return slot_next_seg(heap, seg, i);
}

/* From @seg, which starts in slot @i or is NULL, to the slot's last. */
#define slot_for_each_seg_from(seg, heap, i) \
	for (; (seg); (seg) = slot_next_seg((heap), (seg), (i)))

/* The largest hole starting in slot @i, found by walking its segments. */
static size_t slot_largest(const struct mems_heap *heap, size_t i)
{
	struct mems_seg *seg = slot_first_seg(heap, i);
	size_t largest = 0;

	slot_for_each_seg_from(seg, heap, i) if (seg_is_hole(seg) &&
						 seg_size(seg) > largest)
		largest = seg_size(seg);
	return largest;
}

/* A hole of @size bytes appeared at @vstart. */
void mems_hole_map_add(struct mems_heap *heap, uintptr_t vstart, size_t size)
{
	if (!heap->hole_map_on)
		return;
	heap->addr_table.holes_in_slot[addr_table_slot_of(heap, vstart)]++;
	mems_hole_map_raise(heap, vstart, size);
}

/*
 * A hole of @size bytes no longer starts at @vstart: it vanished or moved
 * its start.  The chains are already in their new state.
 */
void mems_hole_map_remove(struct mems_heap *heap, uintptr_t vstart, size_t size)
{
	struct mems_addr_table *table = &heap->addr_table;
	size_t i = addr_table_slot_of(heap, vstart);

	if (!heap->hole_map_on)
		return;
	table->holes_in_slot[i]--;
	if (!table->holes_in_slot[i])
		hole_map_set(table, i, 0);
	/* Unless it was the slot's largest, nothing changes. */
	else if (table->largest[0][i] <= size)
		hole_map_set(table, i, slot_largest(heap, i));
}

/* The hole of @old_size bytes at @old_vstart is now @size at @vstart. */
void mems_hole_map_move(struct mems_heap *heap, uintptr_t old_vstart,
			size_t old_size, uintptr_t vstart, size_t size)
{
	struct mems_addr_table *table = &heap->addr_table;
	size_t i = addr_table_slot_of(heap, vstart);

	if (!heap->hole_map_on)
		return;
	if (addr_table_slot_of(heap, old_vstart) != i) {
		mems_hole_map_remove(heap, old_vstart, old_size);
		mems_hole_map_add(heap, vstart, size);
		return;
	}
	if (table->holes_in_slot[i] == 1 || size >= table->largest[0][i])
		hole_map_set(table, i, size);
	else if (table->largest[0][i] <= old_size)
		hole_map_set(table, i, slot_largest(heap, i));
}

/* Without the map, a walk: only statistics and the checker ask then. */
static size_t holes_largest(const struct mems_heap *heap)
{
	const struct mems_node *node;
	const struct mems_seg *seg;
	size_t largest = 0;

	heap_for_each_node(node, heap)
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg) && seg_size(seg) > largest)
				largest = seg_size(seg);
	return largest;
}

size_t mems_hole_map_largest(const struct mems_heap *heap)
{
	const struct mems_addr_table *table = &heap->addr_table;
	const struct mems_policy *policy = &heap->policy;

	if (heap->hole_map_on)
		return table->largest[table->nr_levels - 1][0];
	if (policy->ops->largest_hole)
		return policy->ops->largest_hole(policy);
	return holes_largest(heap);
}

/*
 * Keep the map for the policies that search it, and only for them: it
 * costs a few hundred instructions a carve or free.  Off, it is all 0,
 * so that turning it on again only adds the holes there are.
 */
void mems_hole_map_use(struct mems_heap *heap, bool on)
{
	struct mems_addr_table *table = &heap->addr_table;
	const struct mems_node *node;
	struct mems_seg *seg;
	unsigned int k;

	if (heap->hole_map_on == on)
		return;
	heap->hole_map_on = on;
	if (!on) {
		for (k = 0; k < table->nr_levels; k++)
			memset(table->largest[k], 0,
			       table->level_size[k] * sizeof(size_t));
		memset(table->holes_in_slot, 0,
		       table->capacity * sizeof(*table->holes_in_slot));
		return;
	}
	heap_for_each_node(node, heap)
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg))
				mems_hole_map_add(heap, seg->vstart,
						  seg_size(seg));
}

/* From entry @i of level @k, which is large enough, down to its slot. */
static size_t descend(const struct mems_addr_table *table, unsigned int k,
		      size_t i, size_t bytes)
{
	while (k--) {
		i <<= MEMS_HOLE_MAP_SHIFT;
		while (table->largest[k][i] < bytes)
			i++;
	}
	return i;
}

/*
 * The lowest slot at or after @i whose largest hole has at least @bytes
 * bytes: up while the rest of each group falls short, then down.  From
 * slot 0 the way up is the whole map, so the search starts at the root.
 */
static bool lowest_slot_fitting(const struct mems_addr_table *table, size_t i,
				size_t bytes, size_t *slot)
{
	unsigned int k = 0;
	size_t end;

	if (!i) {
		k = table->nr_levels - 1;
		if (table->largest[k][0] < bytes)
			return false;
		*slot = descend(table, k, 0, bytes);
		return true;
	}
	for (;;) {
		end = (i | (MEMS_HOLE_MAP_FANOUT - 1)) + 1;
		if (end > table->level_size[k])
			end = table->level_size[k];
		while (i < end && table->largest[k][i] < bytes)
			i++;
		if (i < end)
			break;
		if (k + 1 == table->nr_levels)
			return false;
		i = ((i - 1) >> MEMS_HOLE_MAP_SHIFT) + 1;
		k++;
	}
	*slot = descend(table, k, i, bytes);
	return true;
}

/*
 * The first hole of at least @bytes bytes from @seg on, within @slot;
 * @seg starts in @slot or is NULL.
 */
static struct mems_seg *slot_fit_from(const struct mems_heap *heap,
				      struct mems_seg *seg, size_t slot,
				      size_t bytes)
{
	slot_for_each_seg_from(seg, heap,
			       slot) if (seg_is_hole(seg) &&
					 seg_size(seg) >= bytes) return seg;
	return NULL;
}

/*
 * The lowest hole of at least @bytes bytes whose last byte is at or after
 * @from: the hole holding @from, if it fits, else the first that starts
 * after it.
 */
struct mems_seg *mems_hole_map_lowest_fit(const struct mems_heap *heap,
					  size_t bytes, uintptr_t from)
{
	const struct mems_addr_table *table = &heap->addr_table;
	struct mems_seg *seg;
	size_t slot = 0;

	if (!heap->nr_nodes)
		return NULL;
	if (from > heap->virt_base) {
		seg = mems_addr_table_find_from(heap, from);
		if (!seg)
			return NULL;
		if (seg_is_hole(seg) && seg_size(seg) >= bytes)
			return seg;
		slot = addr_table_slot_of(
			heap, from > seg->vstart ? from : seg->vstart);
		seg = slot_fit_from(heap, slot_next_seg(heap, seg, slot), slot,
				    bytes);
		if (seg)
			return seg;
		slot++;
		if (slot >= table->nr)
			return NULL;
	}
	if (!lowest_slot_fitting(table, slot, bytes, &slot))
		return NULL;
	return slot_fit_from(heap, slot_first_seg(heap, slot), slot, bytes);
}

/* The holes starting in slot @i, counted by walking its segments. */
static size_t slot_holes(const struct mems_heap *heap, size_t i)
{
	struct mems_seg *seg = slot_first_seg(heap, i);
	size_t holes = 0;

	slot_for_each_seg_from(seg, heap, i) holes += seg_is_hole(seg);
	return holes;
}

static int map_failed(FILE *report, const char *what, unsigned int level,
		      size_t i, size_t has, size_t want)
{
	if (report)
		fprintf(report,
			"mems_check: hole map %s: level %u entry %zu "
			"is %zu, not %zu\n",
			what, level, i, has, want);
	return -EUCLEAN;
}

/* Every entry, recomputed from the chains and from the level below. */
int mems_hole_map_check(const struct mems_heap *heap, FILE *report)
{
	const struct mems_addr_table *table = &heap->addr_table;
	bool on = heap->hole_map_on;
	unsigned int k;
	size_t i, want;

	if (!table->nr_levels || table->level_size[table->nr_levels - 1] != 1 ||
	    table->level_size[0] != table->capacity)
		return map_failed(report, "shape", table->nr_levels, 0,
				  table->level_size[0], table->capacity);
	for (i = 0; i < table->capacity; i++) {
		want = on && i < table->nr ? slot_largest(heap, i) : 0;
		if (table->largest[0][i] != want)
			return map_failed(report, "slot", 0, i,
					  table->largest[0][i], want);
		want = on && i < table->nr ? slot_holes(heap, i) : 0;
		if (table->holes_in_slot[i] != want)
			return map_failed(report, "hole count", 0, i,
					  table->holes_in_slot[i], want);
	}
	for (k = 1; k < table->nr_levels; k++) {
		for (i = 0; i < table->level_size[k]; i++) {
			want = group_largest(table, k, i);
			if (table->largest[k][i] != want)
				return map_failed(report, "summary", k, i,
						  table->largest[k][i], want);
		}
	}
	return 0;
}
