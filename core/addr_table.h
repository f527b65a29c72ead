/* SPDX-License-Identifier: MIT */
/*
 * core/addr_table.h - from a MeMS address to its segment
 * (core/addr_table.c).
 *
 * Internal to MeMS (not installed).  The table itself, struct
 * mems_addr_table, is in core/types.h, since the heap holds it; here
 * are its calls and the inline helpers that read a slot.
 */
#ifndef MEMS_CORE_ADDR_TABLE_H
#define MEMS_CORE_ADDR_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

void mems_addr_table_setup(struct mems_heap *heap);
void mems_addr_table_release(struct mems_heap *heap);
int mems_addr_table_reserve(struct mems_heap *heap, uintptr_t vstart,
			    uintptr_t vend);
void mems_addr_table_unreserve(struct mems_heap *heap, uintptr_t vstart,
			       uintptr_t vend);
size_t mems_addr_table_bytes(const struct mems_heap *heap);
struct mems_seg *mems_addr_table_after_chunk(const struct mems_heap *heap,
					     size_t i);
bool mems_addr_table_slot_mapped(const struct mems_heap *heap, size_t i);
int mems_addr_table_map_on(struct mems_heap *heap);
void mems_addr_table_map_off(struct mems_heap *heap);
void mems_addr_table_point_released(struct mems_heap *heap, uintptr_t vstart,
				    uintptr_t vend,
				    const struct mems_node *next);
const struct mems_seg *mems_addr_table_slot(const struct mems_heap *heap,
					    size_t i);
struct mems_seg *mems_addr_table_next_node(const struct mems_heap *heap,
					   const struct mems_seg *last);
struct mems_seg *mems_addr_table_before_node(const struct mems_heap *heap,
					     const struct mems_node *after,
					     uintptr_t v);

/*
 * A slot whose last byte lies in released space (a node given back)
 * names the next node instead, the low bit of the entry set: that
 * node's first segment is the first segment after the slot's last byte
 * whatever carves and merges do to it; the bit alone when no node
 * follows.
 */
#define ADDR_SLOT_NODE ((uintptr_t)1)

static inline struct mems_seg *
addr_slot_node_entry(const struct mems_node *node)
{
	return (struct mems_seg *)((uintptr_t)node | ADDR_SLOT_NODE);
}

/* The node a released slot's entry names, NULL past the last node. */
static inline struct mems_node *addr_slot_node(struct mems_seg *entry)
{
	return (struct mems_node *)((uintptr_t)entry & ~ADDR_SLOT_NODE);
}

#define ADDR_CHUNK_MASK (((size_t)1 << MEMS_ADDR_CHUNK_SHIFT) - 1)

/*
 * Slot @i's entry in column @col, through its chunk's biased base
 * (core/sparse_table.h): the chunk is mapped.  One load of the
 * directory, no mask.
 */
static inline uintptr_t addr_table_col(const struct mems_addr_table *table,
				       size_t i, unsigned int col)
{
	return table->chunks.dir[i >> MEMS_ADDR_CHUNK_SHIFT].base[col];
}

/* The slots of slot @i's chunk, NULL when it is not mapped. */
static inline struct mems_seg **
addr_table_chunk(const struct mems_addr_table *table, size_t i)
{
	return (struct mems_seg **)table->chunks.dir[i >> MEMS_ADDR_CHUNK_SHIFT]
		.col[ADDR_COL_SLOT];
}

static inline struct mems_seg **
addr_table_slot_at(const struct mems_addr_table *table, size_t i)
{
	return (struct mems_seg **)(addr_table_col(table, i, ADDR_COL_SLOT) +
				    i * sizeof(struct mems_seg *));
}

/* Slot @i, in a chunk some node overlaps, names @entry. */
static inline void addr_table_set(struct mems_addr_table *table, size_t i,
				  struct mems_seg *entry)
{
	*addr_table_slot_at(table, i) = entry;
}

/*
 * Hole map level 0's entry @i, and the head of its list of holes, for
 * core/hole_map.c; slot @i's chunk is mapped, as it is wherever a hole
 * starts.  Level 0's groups of MEMS_HOLE_MAP_FANOUT entries follow each
 * other in a chunk, so that a group never straddles two.
 */
static inline uint8_t *addr_table_class(const struct mems_addr_table *table,
					size_t i)
{
	return (uint8_t *)(addr_table_col(table, i, ADDR_COL_CLASS) + i);
}

static inline struct mems_seg **
addr_table_holes(const struct mems_addr_table *table, size_t i)
{
	return (struct mems_seg **)(addr_table_col(table, i, ADDR_COL_HOLES) +
				    i * sizeof(struct mems_seg *));
}

static inline size_t addr_table_slot_of(const struct mems_heap *heap,
					uintptr_t v)
{
	return (v - heap->virt_base) >> MEMS_ADDR_SLOT_SHIFT;
}

/*
 * The slots [*@first, *@end) whose last byte is in [@vstart, @vend],
 * and the slot of @vend too when @vend is the last byte handed out: the
 * rest of that slot belongs to no segment yet, and the segment that
 * holds @vend answers for it.  (next_vaddr is 0 once a node has reached
 * the top of the space, and then the last byte is UINTPTR_MAX.)
 */
static inline void mems_addr_table_span(const struct mems_heap *heap,
					uintptr_t vstart, uintptr_t vend,
					size_t *first, size_t *end)
{
	uintptr_t offset = vend - heap->virt_base;

	*first = addr_table_slot_of(heap, vstart);
	if (vend == heap->next_vaddr - 1)
		*end = (offset >> MEMS_ADDR_SLOT_SHIFT) + 1;
	else
		*end = (offset + 1) >> MEMS_ADDR_SLOT_SHIFT;
}

/*
 * The slots whose last byte is in [@vstart, @vend] now name @seg.
 * Inline: every carve and free moves a segment's start, and most of
 * the time no slot or one changes hands.
 */
static inline void mems_addr_table_point(struct mems_heap *heap,
					 uintptr_t vstart, uintptr_t vend,
					 struct mems_seg *seg)
{
	struct mems_addr_table *table = &heap->addr_table;
	size_t first, end, i;
	uintptr_t base;

	mems_addr_table_span(heap, vstart, vend, &first, &end);
	if (first >= end)
		return;
	/* The chunk found once, and again where the slots reach the next. */
	base = addr_table_col(table, first, ADDR_COL_SLOT);
	for (i = first; i < end; i++) {
		if (!(i & ADDR_CHUNK_MASK))
			base = addr_table_col(table, i, ADDR_COL_SLOT);
		*(struct mems_seg **)(base + i * sizeof(seg)) = seg;
	}
	if (end > table->nr)
		table->nr = end;
}

/*
 * The look-ups below are inline: free, get and realloc start with one,
 * and a call would cost as much as the look-up itself.
 */

/* The segment after @seg in address order, NULL after the last. */
static inline struct mems_seg *
mems_addr_table_next(const struct mems_heap *heap, struct mems_seg *seg)
{
	if (!seg_is_last(seg))
		return list_next_entry(seg, link);
	return mems_addr_table_next_node(heap, seg);
}

/*
 * The segment holding @v, or when @v lies in released space the first
 * segment after it; NULL past the last.  next_vaddr is 0 once a node
 * has reached the top of the space, and then every address is below it.
 * The slot names the segment holding its last byte, at or after @v, and
 * the walk steps back from there: a block starts in the slot its free
 * looks in, so that the segment named is never read in vain, as the one
 * holding the slot's first byte would be.  Only the step back from a
 * node's first segment leaves the node, and meets released space.
 */
static inline struct mems_seg *
mems_addr_table_find_from(const struct mems_heap *heap, uintptr_t v)
{
	size_t i = addr_table_slot_of(heap, v);
	struct mems_seg **chunk;
	struct mems_seg *seg;

	if (v < heap->virt_base || !heap->nr_nodes || v > heap->next_vaddr - 1)
		return NULL;
	chunk = addr_table_chunk(&heap->addr_table, i);
	if (!chunk)
		return mems_addr_table_after_chunk(heap, i);
	seg = chunk[i & ADDR_CHUNK_MASK];
	if ((uintptr_t)seg & ADDR_SLOT_NODE)
		return mems_addr_table_before_node(heap, addr_slot_node(seg),
						   v);
	while (v < seg->vstart) {
		if (seg_is_first(seg))
			return mems_addr_table_before_node(
				heap, first_seg_node(seg), v);
		seg = list_prev_entry(seg, link);
	}
	return seg;
}

/* The segment holding @v, NULL in released space or outside MeMS. */
static inline struct mems_seg *
mems_addr_table_find(const struct mems_heap *heap, uintptr_t v)
{
	struct mems_seg *seg = mems_addr_table_find_from(heap, v);

	return seg && v >= seg->vstart ? seg : NULL;
}

#endif /* MEMS_CORE_ADDR_TABLE_H */
