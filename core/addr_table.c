// SPDX-License-Identifier: MIT
/*
 * core/addr_table.c - the address table: from a MeMS address to its
 * segment.
 *
 * MeMS addresses are dense from the heap's virtual base and only grow, so
 * an array indexed by (v - virt_base) / MEMS_ADDR_SLOT_BYTES covers every
 * address handed out, as a page table does.  Each slot names the segment
 * holding the first byte of its stretch of space; the segment holding v
 * is that one or one a few steps further along the chains, since
 * segments tile the space.  A stretch is a fixed power of two rather than
 * a page, so it may straddle two nodes, and the step forward then
 * crosses into the next node.
 *
 * A segment owns the slots whose first byte lies inside it.  Whoever
 * creates a segment or moves its start down therefore takes over the
 * slots of the bytes it gained; core/chain.c decides which record
 * survives a merge so that the fewest slots are rewritten.
 *
 * The first slots live in the heap itself, so that a small heap maps no
 * table; past them, in a mapping of its own, which moves to one twice
 * as large when full.  The hole map's levels live beside the slots,
 * inline or in the same mapping, and move with them: this file lays
 * them out and carries them over, core/hole_map.c keeps their values.
 */
#include <string.h>

#include "addr_table.h"
#include "os.h"
#include "types.h"

/* Whole groups of the hole map, for @entries entries. */
static size_t level_bytes(size_t entries)
{
	return (entries + MEMS_HOLE_MAP_FANOUT - 1) &
	       ~(MEMS_HOLE_MAP_FANOUT - 1);
}

/*
 * Lay the hole map's levels for @capacity slots out from @bytes, which
 * is aligned to a group: level 0 has an entry a slot, each further level
 * one per MEMS_HOLE_MAP_FANOUT of the level below, the last one entry,
 * each level whole groups.  Returns the bytes used; @bytes NULL only
 * counts them.
 */
static size_t levels_layout(struct mems_addr_table *table, size_t capacity,
			    uint8_t *bytes)
{
	size_t total = 0, size = capacity;
	unsigned int k = 0;

	for (;;) {
		if (bytes) {
			table->classes[k] = bytes + total;
			table->level_size[k] = size;
		}
		total += level_bytes(size);
		k++;
		if (size == 1)
			break;
		size = (size + MEMS_HOLE_MAP_FANOUT - 1) >> MEMS_HOLE_MAP_SHIFT;
	}
	if (bytes)
		table->nr_levels = k;
	return total;
}

void mems_addr_table_setup(struct mems_heap *heap)
{
	struct mems_addr_table *table = &heap->addr_table;

	table->slots = table->inline_slots;
	table->nr = 0;
	table->capacity = MEMS_INLINE_ADDR_SLOTS;
	table->bytes = 0;
	memset(table->inline_classes, 0, sizeof(table->inline_classes));
	memset(table->inline_holes_in_slot, 0,
	       sizeof(table->inline_holes_in_slot));
	table->holes_in_slot = table->inline_holes_in_slot;
	levels_layout(table, MEMS_INLINE_ADDR_SLOTS, table->inline_classes);
}

void mems_addr_table_release(struct mems_heap *heap)
{
	struct mems_addr_table *table = &heap->addr_table;

	if (table->bytes)
		mems_os_unmap(&heap->os, table->slots, table->bytes);
	mems_addr_table_setup(heap);
}

/*
 * Where the hole map starts in a mapping for @capacity slots: after the
 * slots, at a group's boundary, so that each group is one cache line.
 */
static size_t levels_offset(struct mems_addr_table *table, size_t capacity)
{
	return level_bytes(capacity * sizeof(*table->slots));
}

/* The bytes of a mapping for @capacity slots and their hole map. */
static size_t addr_table_bytes(struct mems_addr_table *table, size_t capacity)
{
	return levels_offset(table, capacity) +
	       levels_layout(table, capacity, NULL) +
	       capacity * sizeof(*table->holes_in_slot);
}

/*
 * The hole map's levels of @old, in @table's larger layout.  Entry i of
 * level k stands for the same slots whatever the capacity, and the
 * slots added hold no hole: each old level is copied as it is, and a
 * level above the old top starts from the old top's one entry.
 */
static void levels_copy(struct mems_addr_table *table,
			const struct mems_addr_table *old)
{
	unsigned int k;

	for (k = 0; k < old->nr_levels; k++)
		memcpy(table->classes[k], old->classes[k], old->level_size[k]);
	for (; k < table->nr_levels; k++)
		table->classes[k][0] = old->classes[old->nr_levels - 1][0];
}

/* Move the table into @slots, a zeroed mapping of @bytes for @capacity. */
static void addr_table_move(struct mems_heap *heap, struct mems_seg **slots,
			    size_t capacity, size_t bytes)
{
	struct mems_addr_table *table = &heap->addr_table;
	const struct mems_addr_table old = *table;
	uint8_t *levels = (uint8_t *)slots + levels_offset(table, capacity);
	size_t levels_bytes = levels_layout(table, capacity, levels);

	table->slots = slots;
	table->capacity = capacity;
	table->bytes = bytes;
	table->holes_in_slot = (uint16_t *)(levels + levels_bytes);
	memcpy(table->slots, old.slots, old.nr * sizeof(*slots));
	memcpy(table->holes_in_slot, old.holes_in_slot,
	       old.nr * sizeof(*old.holes_in_slot));
	levels_copy(table, &old);
	if (old.bytes)
		mems_os_unmap(&heap->os, old.slots, old.bytes);
}

/*
 * Room for the slots of every byte up to @vend, the last byte of a
 * node about to be mapped.  Fails, changing nothing, when the table
 * cannot grow.
 */
int mems_addr_table_reserve(struct mems_heap *heap, uintptr_t vend)
{
	struct mems_addr_table *table = &heap->addr_table;
	size_t need = addr_table_slot_of(heap, vend) + 1;
	size_t capacity = table->capacity;
	struct mems_seg **slots;
	size_t bytes;

	if (need <= capacity)
		return 0;
	while (capacity < need)
		capacity = capacity > SIZE_MAX / 4 ? need : 2 * capacity;
	/* Slots and hole map take under 20 bytes a slot. */
	if (capacity > (SIZE_MAX - heap->page_size) / 20)
		return -1;
	/* Whole MeMS pages, as for every mapping. */
	bytes = addr_table_bytes(table, capacity);
	bytes = (bytes / heap->page_size + !!(bytes % heap->page_size)) *
		heap->page_size;
	slots = (struct mems_seg **)mems_os_map(&heap->os, bytes);
	if (!slots)
		return -1;
	addr_table_move(heap, slots, capacity, bytes);
	return 0;
}

/*
 * Released space [@vstart, @vend] lies before @next, the node after it,
 * or past the last node when @next is NULL.
 */
void mems_addr_table_point_released(struct mems_heap *heap, uintptr_t vstart,
				    uintptr_t vend,
				    const struct mems_node *next)
{
	if (vstart <= vend)
		mems_addr_table_point(heap, vstart, vend,
				      addr_slot_node_entry(next));
}

/*
 * The segment after @last, the last of its node: the first of the next
 * node, NULL after the last node.
 */
struct mems_seg *mems_addr_table_next_node(const struct mems_heap *heap,
					   const struct mems_seg *last)
{
	struct mems_node *node;

	node = container_of(last->link.next, struct mems_node, segs);
	if (list_is_last(&node->chain, &heap->nodes))
		return NULL;
	node = list_next_entry(node, chain);
	return list_first_entry(&node->segs, struct mems_seg, link);
}

/* Slot @i's entry, for the checker; NULL past the table's end. */
const struct mems_seg *mems_addr_table_slot(const struct mems_heap *heap,
					    size_t i)
{
	return i < heap->addr_table.nr ? heap->addr_table.slots[i] : NULL;
}

/* The slots whose first byte is in [@vstart, @vend]; none if first > last. */
void mems_addr_table_span(const struct mems_heap *heap, uintptr_t vstart,
			  uintptr_t vend, size_t *first, size_t *last)
{
	*first = addr_table_slot_from(heap, vstart);
	*last = addr_table_slot_of(heap, vend);
}
