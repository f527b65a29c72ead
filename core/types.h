/* SPDX-License-Identifier: MIT */
/*
 * core/types.h - the core's shared types: the heap, its chains, its
 * address table.
 *
 * Internal to MeMS (not installed).  A heap's main chain links one
 * struct mems_node per mmap region, in mapping order, which is also
 * ascending virtual order because virtual addresses are never reused.
 * Each node's sub-chain links struct mems_seg records that tile
 * [vstart, vend] exactly, in address order, with no two holes adjacent.
 * Bounds are inclusive, as the report prints them.  The functions that
 * change them are each declared by their own file's header
 * (core/chain.h for core/chain.c, and so on); here are only the types
 * and the inline accessors that every file reads them with.
 */
#ifndef MEMS_CORE_TYPES_H
#define MEMS_CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mems/introspect.h>
#include <common/list.h>
#include "lock.h"
#include "os.h"
#include "policy.h"
#include "sparse_table.h"

/* seg->edges: where a segment sits in its node's sub-chain. */
#define SEG_FIRST 1u
#define SEG_LAST 2u

/*
 * A hole is never translated and a block is never in a policy's index,
 * so the two share the end of the record; no two holes are adjacent, so
 * a hole's translation is its neighbour's or its node's (hole_to_phys()).
 */
struct mems_seg {
	struct list_head link; /* in node->segs, address order */
	uintptr_t vstart;
	uintptr_t vend; /* inclusive */
	enum mems_seg_type type;
	unsigned int edges; /* SEG_FIRST, SEG_LAST */
	union {
		uintptr_t to_phys; /* blocks: v + to_phys is physical */
		union mems_policy_link policy_link; /* holes: policy's index */
	};
};

struct mems_node {
	struct list_head chain; /* in heap->nodes, mapping order */
	struct list_head segs;
	uintptr_t vstart;
	uintptr_t vend; /* inclusive */
	void *phys; /* what mmap returned */
	size_t pages;
};

struct mems_slab;

/* The record pool (core/meta.c): where nodes and segments come from. */
struct mems_meta {
	struct mems_slab *slabs; /* newest first */
	void *free_records; /* singly linked through the record */
	char *unused; /* never handed out, in the newest slab */
	char *unused_end;
	size_t slab_bytes;
	size_t nr_slabs;
};

/*
 * The address table (core/addr_table.c): slot i names the segment holding
 * the last byte of [virt_base + i * MEMS_ADDR_SLOT_BYTES, + 1 KiB), or
 * the space's last byte when that is not handed out yet.  A power of two
 * whatever the page size; 1 KiB keeps the table near 1% of the space it
 * covers while most look-ups land on their segment or the one before
 * it.  The slots are in chunks of 2^MEMS_ADDR_CHUNK_SHIFT (1 MiB of
 * space), a chunk mapped while some node overlaps it
 * (core/sparse_table.h); the first MEMS_INLINE_ADDR_SLOTS live in the
 * heap while the space handed out fits in them.
 *
 * Beside the slots, the hole map (core/hole_map.c): level 0, a column of
 * the slots' chunks, has an entry a slot, the size class
 * (mems_hole_class(), core/hole_map.h) of the largest hole that ends
 * in it, 0 when none does; each entry of level k + 1 is the largest of a
 * group of MEMS_HOLE_MAP_FANOUT entries of level k, up to a level of one
 * entry, the class of the largest hole.  An entry is a byte and a group
 * one 64-byte cache line: a chunk holds whole groups of level 0, each
 * aligned, and every level above is whole groups, aligned, its entries
 * past level_size[k] 0.  Levels 1 up are in one mapping of their own
 * for every slot ever handed out (classes[0] is unused).  A column of
 * the chunks too heads a list of the holes ending in each slot,
 * linked through their records, so that a slot's largest hole is found
 * among its holes only, never its blocks.  Level 0 and the lists are
 * the chunks' optional columns (core/sparse_table.h), mapped only while
 * the policy uses the map.
 */
#define MEMS_ADDR_SLOT_SHIFT 10
#define MEMS_ADDR_SLOT_BYTES ((uintptr_t)1 << MEMS_ADDR_SLOT_SHIFT)
#define MEMS_ADDR_CHUNK_SHIFT 10
#define MEMS_INLINE_ADDR_SLOTS 64
#define MEMS_HOLE_MAP_SHIFT 6
#define MEMS_HOLE_MAP_FANOUT ((size_t)1 << MEMS_HOLE_MAP_SHIFT)
/* Enough levels for 2^64 slots; 64 entries summarised into one. */
#define MEMS_HOLE_MAP_MAX_LEVELS 12

/* The columns of the address table's chunks, optional from the class on. */
enum mems_addr_col {
	ADDR_COL_SLOT, /* struct mems_seg * */
	ADDR_COL_CLASS, /* uint8_t: the hole map's level 0 */
	ADDR_COL_HOLES, /* struct mems_seg *: the slot's list of holes */
	ADDR_NR_COLS,
};

struct mems_addr_table {
	struct mems_sparse_table chunks;
	size_t nr; /* slots in use: up to the last node's last byte */
	size_t capacity; /* slots the hole map's levels cover */
	size_t levels_bytes; /* of levels 1 up; 0 while inline */
	uint8_t *classes[MEMS_HOLE_MAP_MAX_LEVELS];
	size_t level_size[MEMS_HOLE_MAP_MAX_LEVELS];
	unsigned int nr_levels;
	struct mems_seg *inline_slots[MEMS_INLINE_ADDR_SLOTS];
	struct mems_seg *inline_slot_holes[MEMS_INLINE_ADDR_SLOTS];
	/*
	 * Level 0 of the inline slots, then their root's group.  GNU's
	 * spelling of the alignment, not _Alignas: the single header is
	 * C++ too.
	 */
	uint8_t inline_classes0[MEMS_INLINE_ADDR_SLOTS]
		__attribute__((aligned(64)));
	uint8_t inline_classes[MEMS_HOLE_MAP_FANOUT]
		__attribute__((aligned(64)));
};

struct mems_heap {
	/* Held by every call of the heap API; first, so that setups keep it. */
	mems_lock_t lock;
	/*
	 * Walks in progress.  A walk holds the lock while its callbacks run,
	 * so only a callback can find this nonzero.
	 */
	unsigned int walks;
	bool stale; /* emptied by mems_heap_retire(): allocates nothing */
	bool hole_map_on; /* the policy searches the hole map */
	struct list_head nodes; /* the main chain */
	struct mems_addr_table addr_table;
	struct mems_meta meta; /* records of nodes and segments */
	struct mems_policy policy;
	size_t page_size;
	size_t align;
	uintptr_t virt_base;
	uintptr_t next_vaddr; /* where the next node starts */
	size_t nr_nodes;
	size_t user_pages; /* pages mapped for user memory */
	/* Kept by core/chain.c for mems_heap_stats(); mems_heap_check() recounts. */
	size_t nr_segs;
	size_t nr_holes;
	/*
	 * Bytes of blocks: a carve adds and a free takes away once, where
	 * the holes' bytes changed at every hole that moved, came or went.
	 * The holes hold the rest of user_pages.
	 */
	size_t live_bytes;
	/* Bytes of nodes that are one whole hole, which trimming releases. */
	size_t empty_bytes;
	struct mems_node *lowest_empty; /* none before it; NULL: the first */
	/*
	 * The block carved last, while its record is a segment: a program
	 * translates a block just after allocating it, and mems_get() then
	 * finds it without the table.  May have become a hole since.
	 */
	struct mems_seg *last_carved;
	size_t released_pages; /* of nodes released; their space stays used */
	long trim_threshold; /* -1: never trim */
	size_t object_bytes; /* the heap's own mapping; 0 for the global heap */
	struct mems_os_stats os;
};

/*
 * A call that finds a walk in progress comes from one of its callbacks:
 * changing the chains would pull them from under the walk, and waiting
 * for the walk to end would never end.
 */
static inline bool heap_in_walk(const struct mems_heap *heap)
{
	return heap->walks;
}

static inline size_t seg_size(const struct mems_seg *seg)
{
	return seg->vend - seg->vstart + 1;
}

static inline bool seg_is_hole(const struct mems_seg *seg)
{
	return seg->type == MEMS_HOLE;
}

static inline bool seg_contains(const struct mems_seg *seg, uintptr_t v)
{
	return v >= seg->vstart && v <= seg->vend;
}

static inline bool seg_is_first(const struct mems_seg *seg)
{
	return seg->edges & SEG_FIRST;
}

static inline bool seg_is_last(const struct mems_seg *seg)
{
	return seg->edges & SEG_LAST;
}

/* The node of @first, the first segment of it: its list head is before. */
static inline struct mems_node *first_seg_node(const struct mems_seg *first)
{
	return container_of(first->link.prev, struct mems_node, segs);
}

/*
 * The node of a segment: records carry no node pointer, so this steps
 * back to the first segment, whose list head is the node's.  For the
 * walk, the checker and introspection, never for malloc, free or get.
 */
static inline struct mems_node *seg_node(const struct mems_seg *seg)
{
	while (!seg_is_first(seg))
		seg = list_prev_entry(seg, link);
	return first_seg_node(seg);
}

static inline uintptr_t node_to_phys(const struct mems_node *node)
{
	return (uintptr_t)node->phys - node->vstart;
}

/* Its neighbour before it is a block, or it is the first of its node. */
static inline uintptr_t hole_to_phys(const struct mems_seg *hole)
{
	if (!seg_is_first(hole))
		return list_prev_entry(hole, link)->to_phys;
	return node_to_phys(first_seg_node(hole));
}

static inline bool node_contains(const struct mems_node *node, uintptr_t v)
{
	return v >= node->vstart && v <= node->vend;
}

#define heap_for_each_node(node, heap) \
	list_for_each_entry(node, &(heap)->nodes, chain)

#define node_for_each_seg(seg, node) \
	list_for_each_entry(seg, &(node)->segs, link)

/*
 * Counted when asked, by the report and the walk: a count kept in the
 * node would cost a node access on every split and merge.
 */
static inline size_t node_nr_segs(const struct mems_node *node)
{
	const struct mems_seg *seg;
	size_t nr = 0;

	node_for_each_seg(seg, node)
		nr++;
	return nr;
}

#endif /* MEMS_CORE_TYPES_H */
