/* SPDX-License-Identifier: MIT */
/*
 * core/chain.h - the free list: main chain, sub-chains, and the heap.
 *
 * Internal to MeMS (not installed).  A heap's main chain links one
 * struct mems_node per mmap region, in mapping order, which is also
 * ascending virtual order because virtual addresses are never reused.
 * Each node's sub-chain links struct mems_seg records that tile
 * [vstart, vend] exactly, in address order, with no two holes adjacent.
 * Bounds are inclusive, as the report prints them.
 */
#ifndef MEMS_CORE_CHAIN_H
#define MEMS_CORE_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mems/introspect.h>

#include <common/list.h>
#include "lock.h"
#include "meta.h"
#include <policy/policy.h>
#include <common/rbtree.h>

struct mems_node;

/* seg->edges: where a segment sits in its node's sub-chain. */
#define SEG_FIRST 1u
#define SEG_LAST 2u

/*
 * A hole is never translated and a block is never in a policy's index,
 * so the two share a word of the record; no two holes are adjacent, so a
 * hole's translation is its neighbour's or its node's (hole_to_phys()).
 */
struct mems_seg {
	struct list_head link; /* in node->segs, address order */
	uintptr_t vstart;
	uintptr_t vend; /* inclusive */
	enum mems_seg_type type;
	unsigned int edges; /* SEG_FIRST, SEG_LAST */
	union {
		uintptr_t to_phys; /* blocks: v + to_phys is physical */
		struct rb_node policy_link; /* holes: in the policy's index */
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

/* Calls into the OS, counted so that tools can report them. */
struct mems_os_stats {
	unsigned long mmap_calls;
	unsigned long munmap_calls;
};

/*
 * The address table (core/addr_table.c): slot i names the segment holding
 * the byte virt_base + i * MEMS_ADDR_SLOT_BYTES.  A power of two whatever
 * the page size; 1 KiB keeps the table near 1% of the space it covers
 * while most look-ups land on their segment or the one after it.
 *
 * Beside the slots, the hole map (core/hole_map.c): largest[0][i] is the
 * size of the largest hole that starts in slot i, 0 when none does, and
 * each entry of level k + 1 is the largest of MEMS_HOLE_MAP_FANOUT
 * entries of level k, up to a level of one entry, the largest hole.
 * holes_in_slot[i] counts the holes starting in slot i (at most 512 in
 * 1 KiB), so that a slot's only hole changes its entry without a look
 * at the slot's segments.
 */
#define MEMS_ADDR_SLOT_SHIFT 10
#define MEMS_ADDR_SLOT_BYTES ((uintptr_t)1 << MEMS_ADDR_SLOT_SHIFT)
#define MEMS_INLINE_ADDR_SLOTS 64
#define MEMS_HOLE_MAP_SHIFT 4
#define MEMS_HOLE_MAP_FANOUT ((size_t)1 << MEMS_HOLE_MAP_SHIFT)
/* Enough levels for 2^64 slots; 16 entries summarised into one. */
#define MEMS_HOLE_MAP_MAX_LEVELS 17
/* The inline slots' levels: 64, 4 and 1 entries. */
#define MEMS_INLINE_HOLE_MAP_ENTRIES (64 + 4 + 1)

struct mems_addr_table {
	struct mems_seg **slots;
	size_t nr; /* slots in use: up to the last node's last byte */
	size_t capacity;
	size_t bytes; /* of its mapping; 0 while the slots are the inline ones */
	size_t *largest[MEMS_HOLE_MAP_MAX_LEVELS];
	uint16_t *holes_in_slot; /* holes starting in each slot */
	size_t level_size[MEMS_HOLE_MAP_MAX_LEVELS];
	unsigned int nr_levels;
	struct mems_seg *inline_slots[MEMS_INLINE_ADDR_SLOTS];
	size_t inline_largest[MEMS_INLINE_HOLE_MAP_ENTRIES];
	uint16_t inline_holes_in_slot[MEMS_INLINE_ADDR_SLOTS];
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
	size_t hole_bytes;
	/* Bytes of nodes that are one whole hole, which trimming releases. */
	size_t empty_bytes;
	struct mems_node *lowest_empty; /* none before it; NULL: the first */
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

/*
 * The node of a segment: records carry no node pointer, so this steps
 * back to the first segment, whose list head is the node's.  For the
 * walk, the checker and introspection, never for malloc, free or get.
 */
static inline struct mems_node *seg_node(const struct mems_seg *seg)
{
	while (!seg_is_first(seg))
		seg = list_prev_entry(seg, link);
	return container_of(seg->link.prev, struct mems_node, segs);
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
	return node_to_phys(
		container_of(hole->link.prev, struct mems_node, segs));
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

/* core/heap.c */
int mems_heap_setup(struct mems_heap *heap,
		    const struct mems_heap_config *config);
void mems_heap_teardown(struct mems_heap *heap);
void mems_heap_retire(struct mems_heap *heap);
int mems_heap_use_policy(struct mems_heap *heap,
			 const struct mems_policy_ops *ops);
/*
 * The heap API's calls for a caller that holds the heap's lock already:
 * the course functions, which hold the global heap's, take it once.
 */
int mems_heap_alloc_locked(struct mems_heap *heap, size_t size, void **v);
int mems_heap_calloc_locked(struct mems_heap *heap, size_t nmemb, size_t size,
			    void **v);
int mems_heap_realloc_locked(struct mems_heap *heap, void *v, size_t size,
			     void **out);
int mems_heap_free_locked(struct mems_heap *heap, void *v);
int mems_heap_trim_locked(struct mems_heap *heap, size_t keep);
void *mems_heap_get_locked(const struct mems_heap *heap, void *v);

/* core/check.c: mems_heap_check() with the heap's lock already held */
int mems_heap_check_unlocked(const struct mems_heap *heap, FILE *report);

/* core/chain.c */
void mems_chain_setup(struct mems_heap *heap);
struct mems_seg *mems_chain_map_node(struct mems_heap *heap, size_t bytes);
struct mems_seg *mems_chain_carve(struct mems_heap *heap, struct mems_seg *hole,
				  size_t bytes);
struct mems_seg *mems_chain_release(struct mems_heap *heap,
				    struct mems_seg *proc);
size_t mems_chain_trim(struct mems_heap *heap, size_t keep);
int mems_chain_grow(struct mems_heap *heap, struct mems_seg *proc,
		    size_t bytes);
int mems_chain_shrink(struct mems_heap *heap, struct mems_seg *proc,
		      size_t bytes);
void mems_chain_unmap_all(struct mems_heap *heap);

/* core/addr_table.c */
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

/* core/hole_map.c */
void mems_hole_map_build(struct mems_addr_table *table,
			 unsigned int from_level);
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

/* core/os.c */
void *mems_os_map(struct mems_os_stats *os, size_t bytes);
void mems_os_unmap(struct mems_os_stats *os, void *addr, size_t bytes);
size_t mems_os_page_size(void);
void mems_os_inject_faults(unsigned long mmap_nth, unsigned long munmap_nth);

#endif /* MEMS_CORE_CHAIN_H */
