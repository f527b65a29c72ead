// SPDX-License-Identifier: MIT
/*
 * core/chain.c - surgery on the main chain and the sub-chains.
 *
 * Every change to a hole goes through hole_appeared(), hole_vanishing()
 * or hole_set_bounds(), which keep the policy's view and the heap's hole
 * counters in step with the chains, and every change of a segment's
 * start goes with a mems_addr_table_point() for the bytes it gained, so
 * that free and get find their segment through the address table
 * (core/addr_table.c).  Functions that may fail do so before they change
 * anything.
 */
#include <errno.h>
#include <string.h>

#include "chain.h"
#include "addr_table.h"
#include "hole_map.h"
#include "meta.h"
#include "os.h"
#include "poison.h"
#include "types.h"

#ifdef MEMS_MEMCHECK
bool mems_memcheck_watching;

/*
 * Memcheck answers its own requests (-1), other tools and a plain run
 * leave the default 0.  A constructor runs before any thread can read
 * the answer.
 */
__attribute__((constructor)) static void memcheck_probe(void)
{
	static char probe;

	mems_memcheck_watching = VALGRIND_MAKE_MEM_DEFINED(&probe, 1) != 0;
}
#endif

static const struct mems_policy_ops *heap_ops(const struct mems_heap *heap)
{
	return heap->policy.ops;
}

static void hole_appeared(struct mems_heap *heap, struct mems_seg *hole)
{
	heap->nr_holes++;
	if (heap_ops(heap)->hole_insert)
		heap_ops(heap)->hole_insert(&heap->policy, hole);
}

static void hole_vanishing(struct mems_heap *heap, struct mems_seg *hole)
{
	heap->nr_holes--;
	if (heap_ops(heap)->hole_erase)
		heap_ops(heap)->hole_erase(&heap->policy, hole);
}

/* The policy keeps an index of holes beside the chains. */
static bool heap_indexes_holes(const struct mems_heap *heap)
{
	return heap->policy.indexes_holes;
}

/*
 * A policy without a resize hook sees the hole leave and come back.
 * Inline in its callers: best-fit and worst-fit come here at almost
 * every carve and free, and the call's frame cost them 11 to 18
 * instructions a step.
 */
static inline __attribute__((always_inline)) void
hole_reindex_bounds(struct mems_heap *heap, struct mems_seg *hole,
		    uintptr_t vstart, uintptr_t vend)
{
	const struct mems_policy_ops *ops = heap_ops(heap);

	if (ops->hole_resize) {
		hole->vstart = vstart;
		hole->vend = vend;
		ops->hole_resize(&heap->policy, hole);
		return;
	}
	if (ops->hole_erase)
		ops->hole_erase(&heap->policy, hole);
	hole->vstart = vstart;
	hole->vend = vend;
	if (ops->hole_insert)
		ops->hole_insert(&heap->policy, hole);
}

/*
 * Every carve from a hole and most frees come here: without an index,
 * it is two stores.
 */
static inline void hole_set_bounds(struct mems_heap *heap,
				   struct mems_seg *hole, uintptr_t vstart,
				   uintptr_t vend)
{
	if (heap_indexes_holes(heap)) {
		hole_reindex_bounds(heap, hole, vstart, vend);
		return;
	}
	hole->vstart = vstart;
	hole->vend = vend;
}

/* Unlink @seg from its sub-chain and return its record to the pool. */
static void seg_delete(struct mems_heap *heap, struct mems_seg *seg)
{
	if (heap->last_carved == seg)
		heap->last_carved = NULL;
	list_del(&seg->link);
	heap->nr_segs--;
	mems_meta_free(&heap->meta, seg);
}

static struct mems_seg *seg_prev_hole(struct mems_seg *seg)
{
	struct mems_seg *prev;

	if (seg_is_first(seg))
		return NULL;
	prev = list_prev_entry(seg, link);
	return seg_is_hole(prev) ? prev : NULL;
}

static struct mems_seg *seg_next_hole(struct mems_seg *seg)
{
	struct mems_seg *next;

	if (seg_is_last(seg))
		return NULL;
	next = list_next_entry(seg, link);
	return seg_is_hole(next) ? next : NULL;
}

static bool hole_is_whole_node(const struct mems_seg *hole)
{
	return hole->edges == (SEG_FIRST | SEG_LAST);
}

static bool node_is_empty(const struct mems_node *node)
{
	const struct mems_seg *first =
		list_first_entry(&node->segs, struct mems_seg, link);

	return seg_is_hole(first) && hole_is_whole_node(first);
}

/* A node that is one whole hole: trimming may release it. */
static void node_emptied(struct mems_heap *heap, struct mems_seg *hole)
{
	struct mems_node *node = first_seg_node(hole);

	heap->empty_bytes += seg_size(hole);
	if (heap->lowest_empty && node->vstart < heap->lowest_empty->vstart)
		heap->lowest_empty = node;
}

static void node_filling(struct mems_heap *heap, struct mems_seg *hole)
{
	heap->empty_bytes -= seg_size(hole);
}

/* Where the space after the last node that is still mapped starts. */
static uintptr_t released_from(const struct mems_heap *heap)
{
	if (list_empty(&heap->nodes))
		return heap->virt_base;
	return list_last_entry(&heap->nodes, struct mems_node, chain)->vend + 1;
}

/*
 * Give @node's pages back.  Unpoisoned first: the kernel may hand the same
 * addresses to someone else.
 */
static void node_unmap(struct mems_heap *heap, struct mems_node *node)
{
	size_t len = node->pages * heap->page_size;

	unpoison((uintptr_t)node->phys, len);
	mems_os_unmap(&heap->os, node->phys, len);
}

/* The pages a node needs for @bytes, or 0 when its length would overflow. */
static size_t node_pages_for(const struct mems_heap *heap, size_t bytes)
{
	size_t pages = bytes / heap->page_size + !!(bytes % heap->page_size);

	if (pages > SIZE_MAX / heap->page_size)
		return 0;
	return pages;
}

/*
 * Map a node for @bytes and return its single hole.  The node's memory is
 * mapped before any bookkeeping is reserved, so that a failure of either
 * leaves nothing mapped.  Reserves the record mems_chain_carve() will need.
 */
struct mems_seg *mems_chain_map_node(struct mems_heap *heap, size_t bytes)
{
	size_t pages = node_pages_for(heap, bytes);
	uintptr_t vstart = heap->next_vaddr;
	struct mems_node *node;
	struct mems_seg *hole;
	void *phys;
	size_t len, slabs;

	/* next_vaddr wraps to 0 once the top of the space is handed out. */
	if (!pages || !vstart)
		return NULL;
	len = pages * heap->page_size;
	if (len - 1 > UINTPTR_MAX - vstart)
		return NULL;
	phys = mems_os_map(&heap->os, len);
	if (!phys)
		return NULL;
	/*
	 * Records first: a slab they mapped can be unmapped again, while a
	 * grown address table could only move back by mapping once more.
	 */
	slabs = heap->meta.nr_slabs;
	if (mems_meta_reserve(&heap->meta, &heap->os, 3))
		goto unmap;
	if (mems_addr_table_reserve(heap, vstart, vstart + (len - 1))) {
		mems_meta_unreserve(&heap->meta, &heap->os, slabs);
		goto unmap;
	}

	node = (struct mems_node *)mems_meta_alloc(&heap->meta);
	node->phys = phys;
	node->vstart = vstart;
	node->vend = vstart + (len - 1);
	node->pages = pages;
	INIT_LIST_HEAD(&node->segs);
	hole = (struct mems_seg *)mems_meta_alloc(&heap->meta);
	hole->vstart = node->vstart;
	hole->vend = node->vend;
	hole->type = MEMS_HOLE;
	hole->edges = SEG_FIRST | SEG_LAST;
	list_add_tail(&hole->link, &node->segs);
	/* First: the table's last slot is the one of the new last byte. */
	heap->next_vaddr = node->vend + 1;
	mems_addr_table_point_released(heap, released_from(heap), vstart - 1,
				       node);
	mems_addr_table_point(heap, node->vstart, node->vend, hole);
	list_add_tail(&node->chain, &heap->nodes);
	heap->nr_nodes++;
	heap->nr_segs++;
	heap->user_pages += pages;
	hole_appeared(heap, hole);
	mems_hole_map_add(heap, hole);
	node_emptied(heap, hole);
	poison((uintptr_t)phys, len);
	return hole;

unmap:
	mems_os_unmap(&heap->os, phys, len);
	return NULL;
}

/*
 * Carve a block of @bytes from the low end of @hole.  The caller has
 * reserved the one record a split needs, so this cannot fail.
 */
struct mems_seg *mems_chain_carve(struct mems_heap *heap, struct mems_seg *hole,
				  size_t bytes)
{
	struct mems_seg *proc = hole;
	uintptr_t vstart = hole->vstart;
	size_t size = seg_size(hole);

	if (hole_is_whole_node(hole))
		node_filling(heap, hole);
	if (size == bytes) {
		mems_hole_map_remove(heap, hole);
		hole_vanishing(heap, hole);
		hole->type = MEMS_PROCESS;
		hole->to_phys = hole_to_phys(hole);
	} else {
		proc = (struct mems_seg *)mems_meta_alloc(&heap->meta);
		proc->to_phys = hole_to_phys(hole);
		proc->vstart = hole->vstart;
		proc->vend = hole->vstart + (bytes - 1);
		proc->type = MEMS_PROCESS;
		proc->edges = hole->edges & SEG_FIRST;
		hole->edges &= ~SEG_FIRST;
		list_add_tail(&proc->link, &hole->link);
		mems_addr_table_point(heap, proc->vstart, proc->vend, proc);
		heap->nr_segs++;
		hole_set_bounds(heap, hole, proc->vend + 1, hole->vend);
		mems_hole_map_move(heap, hole, vstart, size);
	}
	if (heap_ops(heap)->allocated)
		heap_ops(heap)->allocated(&heap->policy, proc);
	unpoison(proc->vstart + proc->to_phys, bytes);
	heap->live_bytes += bytes;
	heap->last_carved = proc;
	return proc;
}

/*
 * A block between two holes: the three become the larger hole's record,
 * so that the address table slots rewritten are those of the block and of the
 * smaller hole.
 */
static struct mems_seg *release_between(struct mems_heap *heap,
					struct mems_seg *prev,
					struct mems_seg *proc,
					struct mems_seg *next)
{
	uintptr_t vstart = prev->vstart;
	uintptr_t vend = next->vend;
	uintptr_t proc_vstart = proc->vstart;
	uintptr_t proc_vend = proc->vend;
	struct mems_seg *keep = next;
	unsigned int edges =
		(prev->edges & SEG_FIRST) | (next->edges & SEG_LAST);

	seg_delete(heap, proc);
	/* One hole ends at @vend, as before; the one before goes. */
	mems_hole_map_remove(heap, prev);
	if (seg_size(prev) >= seg_size(next)) {
		keep = prev;
		mems_addr_table_point(heap, proc_vstart, vend, prev);
		hole_vanishing(heap, next);
		mems_hole_map_replace(heap, next, prev);
		seg_delete(heap, next);
	} else {
		mems_addr_table_point(heap, vstart, proc_vend, next);
		hole_vanishing(heap, prev);
		seg_delete(heap, prev);
	}
	keep->edges = edges;
	hole_set_bounds(heap, keep, vstart, vend);
	mems_hole_map_raise(heap, keep);
	return keep;
}

/*
 * The block [@vstart, @vend], already deleted, joins the hole after it.
 * Inline in both callers: a third of the frees of a churn come here, and
 * the call's frame cost them a dozen instructions.
 */
static inline __attribute__((always_inline)) void
release_before(struct mems_heap *heap, struct mems_seg *next,
	       uintptr_t vstart, uintptr_t vend)
{
	uintptr_t next_vstart = next->vstart;
	size_t next_size = seg_size(next);

	mems_addr_table_point(heap, vstart, vend, next);
	hole_set_bounds(heap, next, vstart, next->vend);
	mems_hole_map_move(heap, next, next_vstart, next_size);
}

static struct mems_seg *release_merging(struct mems_heap *heap,
					struct mems_seg *proc)
{
	struct mems_seg *prev = seg_prev_hole(proc);
	struct mems_seg *next = seg_next_hole(proc);
	uintptr_t vstart = proc->vstart;
	uintptr_t vend = proc->vend;
	unsigned int edges = proc->edges;

	if (prev && next)
		return release_between(heap, prev, proc, next);
	if (!prev && !next) {
		proc->type = MEMS_HOLE;
		hole_appeared(heap, proc);
		mems_hole_map_add(heap, proc);
		return proc;
	}
	seg_delete(heap, proc);
	if (prev) {
		size_t prev_size = seg_size(prev);

		prev->edges |= edges & SEG_LAST;
		mems_addr_table_point(heap, vstart, vend, prev);
		hole_set_bounds(heap, prev, prev->vstart, vend);
		mems_hole_map_move(heap, prev, prev->vstart, prev_size);
		return prev;
	}
	next->edges |= edges & SEG_FIRST;
	release_before(heap, next, vstart, vend);
	return next;
}

/* Free @proc; the hole it ends in, which may be its whole node. */
struct mems_seg *mems_chain_release(struct mems_heap *heap,
				    struct mems_seg *proc)
{
	struct mems_seg *hole;

	poison(proc->vstart + proc->to_phys, seg_size(proc));
	heap->live_bytes -= seg_size(proc);
	hole = release_merging(heap, proc);
	if (hole_is_whole_node(hole))
		node_emptied(heap, hole);
	return hole;
}

/*
 * Grow @proc to @bytes from the hole after it, when that hole is large
 * enough; -ENOSPC, changing nothing, when it is not.  Cannot fail
 * otherwise: the hole shrinks or vanishes, no record is needed.
 */
int mems_chain_grow(struct mems_heap *heap, struct mems_seg *proc, size_t bytes)
{
	struct mems_seg *next = seg_next_hole(proc);
	uintptr_t old_vend = proc->vend;
	uintptr_t next_vstart;
	size_t next_size;

	if (!next || bytes - seg_size(proc) > seg_size(next))
		return -ENOSPC;
	next_vstart = next->vstart;
	next_size = seg_size(next);
	unpoison(old_vend + 1 + proc->to_phys,
		 proc->vstart + bytes - 1 - old_vend);
	proc->vend = proc->vstart + (bytes - 1);
	heap->live_bytes += proc->vend - old_vend;
	mems_addr_table_point(heap, old_vend + 1, proc->vend, proc);
	if (proc->vend == next->vend) {
		proc->edges |= next->edges & SEG_LAST;
		mems_hole_map_remove(heap, next);
		hole_vanishing(heap, next);
		seg_delete(heap, next);
		return 0;
	}
	hole_set_bounds(heap, next, proc->vend + 1, next->vend);
	mems_hole_map_move(heap, next, next_vstart, next_size);
	return 0;
}

/*
 * Shrink @proc to @bytes; its tail joins the hole after it, or becomes a
 * hole of its own, whose record may need a slab: -ENOMEM, changing
 * nothing, when that mapping fails.
 */
int mems_chain_shrink(struct mems_heap *heap, struct mems_seg *proc,
		      size_t bytes)
{
	struct mems_seg *next = seg_next_hole(proc);
	uintptr_t tail_vstart = proc->vstart + bytes;
	uintptr_t tail_vend = proc->vend;
	struct mems_seg *hole;

	if (!next && mems_meta_reserve(&heap->meta, &heap->os, 1))
		return -ENOMEM;
	poison(tail_vstart + proc->to_phys, tail_vend - tail_vstart + 1);
	proc->vend = tail_vstart - 1;
	heap->live_bytes -= tail_vend - tail_vstart + 1;
	if (next) {
		release_before(heap, next, tail_vstart, tail_vend);
		return 0;
	}
	hole = (struct mems_seg *)mems_meta_alloc(&heap->meta);
	hole->vstart = tail_vstart;
	hole->vend = tail_vend;
	hole->type = MEMS_HOLE;
	hole->edges = proc->edges & SEG_LAST;
	proc->edges &= ~SEG_LAST;
	list_add(&hole->link, &proc->link);
	mems_addr_table_point(heap, tail_vstart, tail_vend, hole);
	heap->nr_segs++;
	hole_appeared(heap, hole);
	mems_hole_map_add(heap, hole);
	return 0;
}

/*
 * Release @node, one whole hole: out of the main chain, every index and
 * the address table, then unmapped.  Its virtual addresses are not
 * handed out again, so its slots name the first segment after it, as
 * do those of any released space before it, and free and get find no
 * segment there.
 */
static void chain_unmap_node(struct mems_heap *heap, struct mems_node *node)
{
	struct mems_seg *hole =
		list_first_entry(&node->segs, struct mems_seg, link);
	uintptr_t gap_start = heap->virt_base;
	struct mems_node *after = NULL;

	if (!list_is_first(&node->chain, &heap->nodes))
		gap_start = list_prev_entry(node, chain)->vend + 1;
	if (!list_is_last(&node->chain, &heap->nodes))
		after = list_next_entry(node, chain);
	if (heap->lowest_empty == node)
		heap->lowest_empty = after;
	node_filling(heap, hole);
	mems_hole_map_remove(heap, hole);
	hole_vanishing(heap, hole);
	seg_delete(heap, hole);
	list_del(&node->chain);
	mems_addr_table_point_released(heap, gap_start, node->vend, after);
	mems_addr_table_unreserve(heap, node->vstart, node->vend);
	node_unmap(heap, node);
	heap->nr_nodes--;
	heap->user_pages -= node->pages;
	heap->released_pages += node->pages;
	mems_meta_free(&heap->meta, node);
}

/*
 * Release nodes that are one whole hole, lowest addresses first, until
 * at most @keep bytes of them stay mapped.  The walk starts at the
 * lowest node that may be empty.  Returns the number released.
 */
size_t mems_chain_trim(struct mems_heap *heap, size_t keep)
{
	struct mems_node *node = heap->lowest_empty, *next;
	size_t released = 0;

	if (!node && !list_empty(&heap->nodes))
		node = list_first_entry(&heap->nodes, struct mems_node, chain);
	while (node && heap->empty_bytes > keep) {
		next = list_is_last(&node->chain, &heap->nodes) ?
			       NULL :
			       list_next_entry(node, chain);
		if (node_is_empty(node)) {
			chain_unmap_node(heap, node);
			released++;
		}
		node = next;
	}
	heap->lowest_empty = node;
	return released;
}

/* An empty main chain, and an address table in the heap's own slots. */
void mems_chain_setup(struct mems_heap *heap)
{
	INIT_LIST_HEAD(&heap->nodes);
	mems_addr_table_setup(heap);
	heap->nr_nodes = 0;
	heap->user_pages = 0;
	heap->nr_segs = 0;
	heap->nr_holes = 0;
	heap->live_bytes = 0;
	heap->empty_bytes = 0;
	heap->released_pages = 0;
	heap->lowest_empty = NULL;
	heap->last_carved = NULL;
	heap->next_vaddr = heap->virt_base;
}

void mems_chain_unmap_all(struct mems_heap *heap)
{
	struct mems_node *node;

	heap_for_each_node(node, heap)
		node_unmap(heap, node);
	mems_meta_release(&heap->meta, &heap->os);
	mems_addr_table_release(heap);
	mems_chain_setup(heap);
}
