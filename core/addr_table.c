// SPDX-License-Identifier: MIT
/*
 * core/addr_table.c - the address table: from a MeMS address to its
 * segment.
 *
 * MeMS addresses are dense from the heap's virtual base and only grow, so
 * an array indexed by (v - virt_base) / MEMS_ADDR_SLOT_BYTES covers every
 * address handed out, as a page table does.  Each slot names the segment
 * holding the last byte of its stretch of space; the segment holding v
 * is that one or one a few steps back along the chains, since segments
 * tile the space.  The last byte, not the first: a block starts in the
 * slot its free looks in, so the segment named there is a candidate,
 * while the one holding the slot's first byte most often started in an
 * earlier slot and would be read in vain.  A stretch is a fixed power of
 * two rather than a page, so it may straddle two nodes, and the step
 * back then crosses into the node before.
 *
 * A segment owns the slots whose last byte lies inside it, and the last
 * segment of the space also the slot its last byte is in, whose rest is
 * not handed out yet.  Whoever creates a segment or moves its start down
 * or its end up therefore takes over the slots of the bytes it gained;
 * core/chain.c decides which record survives a merge so that the fewest
 * slots are rewritten.
 *
 * The slots are in chunks mapped while some node overlaps them
 * (core/sparse_table.c): the table follows the space nodes live in, not
 * all the space ever handed out, which a program that gives its memory
 * back leaves far behind.  A node asks for the chunks of its slots when
 * it is mapped and lets go of them when it is released.  The first
 * slots start in the heap itself, so that a small heap maps no table.
 * The hole map's level 0 and the heads of the slots' lists of holes are
 * columns of the same chunks, in a second mapping of each made only
 * while the policy uses the map; its levels above are in a mapping of
 * their own that grows with the space handed out, 1/64 as large as
 * level 0 would be, and moves to one twice as large when full.  This
 * file lays them out and carries them over, core/hole_map.c keeps their
 * values.
 */
#include <errno.h>
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
 * Lay the hole map's levels above level 0 for @capacity slots out from
 * @bytes, which is aligned to a group: level 0 has an entry a slot, in
 * the chunks, each further level one per MEMS_HOLE_MAP_FANOUT of the
 * level below, the last one entry, each level whole groups.  Returns the
 * bytes used; @bytes NULL only counts them.
 */
static size_t levels_layout(struct mems_addr_table *table, size_t capacity,
			    uint8_t *bytes)
{
	size_t total = 0, size = capacity;
	unsigned int k = 0;

	for (;;) {
		if (bytes) {
			table->classes[k] = k ? bytes + total : NULL;
			table->level_size[k] = size;
		}
		total += k ? level_bytes(size) : 0;
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
	/* In the order of enum mems_addr_col: C++ has no array designators. */
	static const size_t col_size[ADDR_NR_COLS] = {
		sizeof(struct mems_seg *),
		sizeof(uint8_t),
		sizeof(struct mems_seg *),
	};
	void *inline_col[ADDR_NR_COLS] = {
		table->inline_slots,
		table->inline_classes0,
		table->inline_slot_holes,
	};

	/* The slots in every chunk, the hole map's columns while it is kept. */
	mems_sparse_setup(&table->chunks, MEMS_ADDR_CHUNK_SHIFT, ADDR_NR_COLS,
			  ADDR_COL_CLASS, col_size, inline_col,
			  MEMS_INLINE_ADDR_SLOTS, heap->page_size);
	/* No chunk is mapped: each mapped from now on gets the map's. */
	table->chunks.extra_on = heap->hole_map_on;
	table->nr = 0;
	table->capacity = MEMS_INLINE_ADDR_SLOTS;
	table->levels_bytes = 0;
	memset(table->inline_slots, 0, sizeof(table->inline_slots));
	memset(table->inline_classes0, 0, sizeof(table->inline_classes0));
	memset(table->inline_slot_holes, 0, sizeof(table->inline_slot_holes));
	memset(table->inline_classes, 0, sizeof(table->inline_classes));
	levels_layout(table, MEMS_INLINE_ADDR_SLOTS, table->inline_classes);
}

void mems_addr_table_release(struct mems_heap *heap)
{
	struct mems_addr_table *table = &heap->addr_table;

	mems_sparse_release(&table->chunks, &heap->os);
	if (table->levels_bytes)
		mems_os_unmap(&heap->os, table->classes[1],
			      table->levels_bytes);
	mems_addr_table_setup(heap);
}

/* The bytes the table maps: its chunks, their directory, the levels. */
size_t mems_addr_table_bytes(const struct mems_heap *heap)
{
	const struct mems_addr_table *table = &heap->addr_table;

	return sparse_bytes(&table->chunks) + table->levels_bytes;
}

/*
 * The hole map's levels above level 0 of @old, in @table's larger
 * layout.  Entry i of level k stands for the same slots whatever the
 * capacity, and the slots added hold no hole: each old level is copied
 * as it is, and a level above the old top starts from the old top's one
 * entry.
 */
static void levels_copy(struct mems_addr_table *table,
			const struct mems_addr_table *old)
{
	unsigned int k;

	for (k = 1; k < old->nr_levels; k++)
		memcpy(table->classes[k], old->classes[k], old->level_size[k]);
	for (; k < table->nr_levels; k++)
		table->classes[k][0] = old->classes[old->nr_levels - 1][0];
}

/* The bytes of the levels above level 0 for @capacity slots. */
static size_t levels_bytes(struct mems_heap *heap, size_t capacity)
{
	size_t bytes = levels_layout(&heap->addr_table, capacity, NULL);

	/* Whole MeMS pages, as for every mapping. */
	return (bytes / heap->page_size + !!(bytes % heap->page_size)) *
	       heap->page_size;
}

/* Move the levels into @levels, a zeroed mapping for @capacity slots. */
static void levels_move(struct mems_heap *heap, uint8_t *levels,
			size_t capacity)
{
	struct mems_addr_table *table = &heap->addr_table;
	const struct mems_addr_table old = *table;

	levels_layout(table, capacity, levels);
	table->capacity = capacity;
	table->levels_bytes = levels_bytes(heap, capacity);
	levels_copy(table, &old);
	if (old.levels_bytes)
		mems_os_unmap(&heap->os, old.classes[1], old.levels_bytes);
}

/*
 * Room for the slots of a node about to be mapped at [@vstart, @vend]:
 * the hole map's levels for every byte up to @vend, and the chunks of
 * the node's slots, which it now uses.  Fails, changing nothing and
 * leaving nothing mapped, when a mapping fails: the levels are mapped
 * first and moved into only once the chunks are there.
 */
int mems_addr_table_reserve(struct mems_heap *heap, uintptr_t vstart,
			    uintptr_t vend)
{
	struct mems_addr_table *table = &heap->addr_table;
	size_t need = addr_table_slot_of(heap, vend) + 1;
	size_t capacity = table->capacity;
	uint8_t *levels = NULL;

	if (need > capacity) {
		while (capacity < need)
			capacity =
				capacity > SIZE_MAX / 4 ? need : 2 * capacity;
		if (capacity > SIZE_MAX / 2 - heap->page_size)
			return -1;
		levels = (uint8_t *)mems_os_map(&heap->os,
						levels_bytes(heap, capacity));
		if (!levels)
			return -1;
	}
	if (mems_sparse_get(&table->chunks, &heap->os,
			    addr_table_slot_of(heap, vstart), need - 1)) {
		if (levels)
			mems_os_unmap(&heap->os, levels,
				      levels_bytes(heap, capacity));
		return -1;
	}
	if (levels)
		levels_move(heap, levels, capacity);
	return 0;
}

/*
 * The node at [@vstart, @vend], released, no longer uses its chunks;
 * those no other node overlaps are unmapped.  The slots and the hole
 * map are up to date by then.
 */
void mems_addr_table_unreserve(struct mems_heap *heap, uintptr_t vstart,
			       uintptr_t vend)
{
	mems_sparse_put(&heap->addr_table.chunks, &heap->os,
			addr_table_slot_of(heap, vstart),
			addr_table_slot_of(heap, vend));
}

/*
 * The segment at or after slot @i, whose chunk is not mapped: no node
 * overlaps it, so the first node after it starts in the next chunk
 * mapped, and is the first segment at or after that chunk's first byte.
 */
struct mems_seg *mems_addr_table_after_chunk(const struct mems_heap *heap,
					     size_t i)
{
	const struct mems_sparse_table *chunks = &heap->addr_table.chunks;
	size_t c = mems_sparse_next_mapped(chunks,
					   (i >> MEMS_ADDR_CHUNK_SHIFT) + 1);
	uintptr_t chunk_start;

	if (c >= chunks->dir_len)
		return NULL;
	chunk_start = (uintptr_t)c << MEMS_ADDR_CHUNK_SHIFT
				   << MEMS_ADDR_SLOT_SHIFT;
	return mems_addr_table_find_from(heap, heap->virt_base + chunk_start);
}

/*
 * The segment holding @v, or the first after it, where @v lies before
 * @after, a node, or past the last node when @after is NULL: in a node
 * before it, stepped back to node by node, or in the released space
 * before it, whose first segment after is that of the node after.
 */
struct mems_seg *mems_addr_table_before_node(const struct mems_heap *heap,
					     const struct mems_node *after,
					     uintptr_t v)
{
	const struct list_head *pos = after ? &after->chain : &heap->nodes;
	struct mems_seg *found = NULL, *seg;
	const struct mems_node *node;

	if (after)
		found = list_first_entry(&after->segs, struct mems_seg, link);
	for (; pos->prev != &heap->nodes; pos = pos->prev) {
		node = list_entry(pos->prev, struct mems_node, chain);
		if (v > node->vend)
			return found;
		list_for_each_entry_reverse(seg, &node->segs, link)
			if (v >= seg->vstart)
				return seg;
		found = list_first_entry(&node->segs, struct mems_seg, link);
	}
	return found;
}

/*
 * Released space [@vstart, @vend] lies before @next, the node after it,
 * or past the last node when @next is NULL.
 */
void mems_addr_table_point_released(struct mems_heap *heap, uintptr_t vstart,
				    uintptr_t vend,
				    const struct mems_node *next)
{
	struct mems_addr_table *table = &heap->addr_table;
	struct mems_seg *entry = addr_slot_node_entry(next);
	size_t i, end, chunk_end;

	if (vstart > vend)
		return;
	mems_addr_table_span(heap, vstart, vend, &i, &end);
	if (i >= end)
		return;
	/* Chunks no node overlaps have no slots to name anything. */
	for (; i < end; i = chunk_end) {
		chunk_end = ((i >> MEMS_ADDR_CHUNK_SHIFT) + 1)
			    << MEMS_ADDR_CHUNK_SHIFT;
		if (chunk_end > end)
			chunk_end = end;
		if (!addr_table_chunk(table, i))
			continue;
		for (; i < chunk_end; i++)
			addr_table_set(table, i, entry);
	}
	if (end > table->nr)
		table->nr = end;
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

/*
 * The hole map's columns mapped for every chunk, as the policy comes to
 * use the map: all 0, every list empty.  -ENOMEM, nothing mapped, when
 * a mapping fails.
 */
int mems_addr_table_map_on(struct mems_heap *heap)
{
	return mems_sparse_extra_on(&heap->addr_table.chunks, &heap->os) ?
		       -ENOMEM :
		       0;
}

/*
 * The hole map's columns unmapped from every chunk, as the policy stops
 * using the map; the inline chunk 0's cleared.
 */
void mems_addr_table_map_off(struct mems_heap *heap)
{
	struct mems_addr_table *table = &heap->addr_table;

	mems_sparse_extra_off(&table->chunks, &heap->os);
	memset(table->inline_classes0, 0, sizeof(table->inline_classes0));
	memset(table->inline_slot_holes, 0, sizeof(table->inline_slot_holes));
}

/* Whether slot @i is in a chunk mapped, for the checker. */
bool mems_addr_table_slot_mapped(const struct mems_heap *heap, size_t i)
{
	const struct mems_addr_table *table = &heap->addr_table;

	return (i >> MEMS_ADDR_CHUNK_SHIFT) < table->chunks.dir_len &&
	       addr_table_chunk(table, i);
}

/* Slot @i's entry, for the checker; NULL past the table's end. */
const struct mems_seg *mems_addr_table_slot(const struct mems_heap *heap,
					    size_t i)
{
	if (i >= heap->addr_table.nr || !mems_addr_table_slot_mapped(heap, i))
		return NULL;
	return addr_table_chunk(&heap->addr_table, i)[i & ADDR_CHUNK_MASK];
}
