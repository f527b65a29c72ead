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

#include <stddef.h>
#include <stdint.h>

#include "types.h"

void mems_addr_table_setup(struct mems_heap *heap);
void mems_addr_table_release(struct mems_heap *heap);
int mems_addr_table_reserve(struct mems_heap *heap, uintptr_t vend);
void mems_addr_table_point(struct mems_heap *heap, uintptr_t vstart,
			   uintptr_t vend, struct mems_seg *seg);
void mems_addr_table_point_released(struct mems_heap *heap, uintptr_t vstart,
				    uintptr_t vend,
				    const struct mems_node *next);
struct mems_seg *mems_addr_table_find(const struct mems_heap *heap,
				      uintptr_t v);
const struct mems_seg *mems_addr_table_slot(const struct mems_heap *heap,
					    size_t i);
void mems_addr_table_span(const struct mems_heap *heap, uintptr_t vstart,
			  uintptr_t vend, size_t *first, size_t *last);
struct mems_seg *mems_addr_table_find_from(const struct mems_heap *heap,
					   uintptr_t v);
struct mems_seg *mems_addr_table_next(const struct mems_heap *heap,
				      struct mems_seg *seg);

/*
 * A slot whose first byte lies in released space (a node given back)
 * names the next node instead, the low bit of the entry set: that
 * node's first segment is the first segment after the slot's first
 * byte whatever carves and merges do to it.  NULL when no node follows.
 */
#define ADDR_SLOT_NODE ((uintptr_t)1)

static inline struct mems_seg *
addr_slot_node_entry(const struct mems_node *node)
{
	return node ? (struct mems_seg *)((uintptr_t)node | ADDR_SLOT_NODE) :
		      NULL;
}

/* The segment a slot's entry leads to: its own, or the node's first. */
static inline struct mems_seg *addr_slot_seg(struct mems_seg *entry)
{
	struct mems_node *node;

	if (!((uintptr_t)entry & ADDR_SLOT_NODE))
		return entry;
	node = (struct mems_node *)((uintptr_t)entry & ~ADDR_SLOT_NODE);
	return list_first_entry(&node->segs, struct mems_seg, link);
}

static inline size_t addr_table_slot_of(const struct mems_heap *heap,
					uintptr_t v)
{
	return (v - heap->virt_base) >> MEMS_ADDR_SLOT_SHIFT;
}

#endif /* MEMS_CORE_ADDR_TABLE_H */
