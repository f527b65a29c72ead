// SPDX-License-Identifier: MIT
/*
 * core/chain.c - surgery on the main chain and the sub-chains.
 *
 * Every change to a hole goes through hole_appeared(), hole_vanishing()
 * or hole_set_bounds(), which keep the policy's view and the heap's hole
 * counters in step with the chains, and every change of a segment's
 * start goes with an addr_table_point() for the bytes it gained, so that
 * free and get find their segment through the address table
 * (core/addr_table.c).  Functions that may fail do so before they change
 * anything.
 */
#include <errno.h>
#include <string.h>

#include "chain.h"

static const struct mems_policy_ops *heap_ops(const struct mems_heap *heap)
{
	return heap->policy.ops;
}

static void hole_appeared(struct mems_heap *heap, struct mems_seg *hole)
{
	heap->nr_holes++;
	heap->hole_bytes += seg_size(hole);
	if (heap_ops(heap)->hole_insert)
		heap_ops(heap)->hole_insert(&heap->policy, hole);
}

static void hole_vanishing(struct mems_heap *heap, struct mems_seg *hole)
{
	heap->nr_holes--;
	heap->hole_bytes -= seg_size(hole);
	if (heap_ops(heap)->hole_erase)
		heap_ops(heap)->hole_erase(&heap->policy, hole);
}

static void hole_set_bounds(struct mems_heap *heap, struct mems_seg *hole,
			    uintptr_t vstart, uintptr_t vend)
{
	const struct mems_policy_ops *ops = heap_ops(heap);

	if (ops->hole_resize) {
		heap->hole_bytes += (vend - vstart + 1) - seg_size(hole);
		hole->vstart = vstart;
		hole->vend = vend;
		ops->hole_resize(&heap->policy, hole);
		return;
	}
	hole_vanishing(heap, hole);
	hole->vstart = vstart;
	hole->vend = vend;
	hole_appeared(heap, hole);
}

/* Unlink @seg from its sub-chain and return its record to the pool. */
static void seg_delete(struct mems_heap *heap, struct mems_seg *seg)
{
	list_del(&seg->link);
	heap->nr_segs--;
	meta_free(&heap->meta, seg);
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
 * leaves nothing mapped.  Reserves the record chain_carve() will need.
 */
struct mems_seg *chain_map_node(struct mems_heap *heap, size_t bytes)
{
	size_t pages = node_pages_for(heap, bytes);
	uintptr_t vstart = heap->next_vaddr;
	struct mems_node *node;
	struct mems_seg *hole;
	void *phys;
	size_t len;

	/* next_vaddr wraps to 0 once the top of the space is handed out. */
	if (!pages || !vstart)
		return NULL;
	len = pages * heap->page_size;
	if (len - 1 > UINTPTR_MAX - vstart)
		return NULL;
	phys = os_map(&heap->os, len);
	if (!phys)
		return NULL;
	if (addr_table_reserve(heap, vstart + (len - 1)) ||
	    meta_reserve(&heap->meta, &heap->os, 3)) {
		os_unmap(&heap->os, phys, len);
		return NULL;
	}

	node = meta_alloc(&heap->meta);
	node->phys = phys;
	node->vstart = vstart;
	node->vend = vstart + (len - 1);
	node->pages = pages;
	INIT_LIST_HEAD(&node->segs);
	hole = meta_alloc(&heap->meta);
	hole->vstart = node->vstart;
	hole->vend = node->vend;
	hole->type = MEMS_HOLE;
	hole->edges = SEG_FIRST | SEG_LAST;
	list_add_tail(&hole->link, &node->segs);
	list_add_tail(&node->chain, &heap->nodes);
	addr_table_point(heap, node->vstart, node->vend, hole);
	heap->nr_nodes++;
	heap->nr_segs++;
	heap->user_pages += pages;
	heap->next_vaddr = node->vend + 1;
	hole_appeared(heap, hole);
	hole_map_add(heap, hole->vstart, seg_size(hole));
	return hole;
}

/*
 * Carve a block of @bytes from the low end of @hole.  The caller has
 * reserved the one record a split needs, so this cannot fail.
 */
struct mems_seg *chain_carve(struct mems_heap *heap, struct mems_seg *hole,
			     size_t bytes)
{
	struct mems_seg *proc = hole;
	uintptr_t vstart = hole->vstart;
	size_t size = seg_size(hole);

	if (size == bytes) {
		hole_vanishing(heap, hole);
		hole->type = MEMS_PROCESS;
		hole->to_phys = hole_to_phys(hole);
		hole_map_remove(heap, vstart, size);
	} else {
		proc = meta_alloc(&heap->meta);
		proc->to_phys = hole_to_phys(hole);
		proc->vstart = hole->vstart;
		proc->vend = hole->vstart + (bytes - 1);
		proc->type = MEMS_PROCESS;
		proc->edges = hole->edges & SEG_FIRST;
		hole->edges &= ~SEG_FIRST;
		list_add_tail(&proc->link, &hole->link);
		addr_table_point(heap, proc->vstart, proc->vend, proc);
		heap->nr_segs++;
		hole_set_bounds(heap, hole, proc->vend + 1, hole->vend);
		hole_map_move(heap, vstart, size, hole->vstart,
			      seg_size(hole));
	}
	if (heap_ops(heap)->allocated)
		heap_ops(heap)->allocated(&heap->policy, proc);
	return proc;
}

/*
 * A block between two holes: the three become the larger hole's record,
 * so that the address table slots rewritten are those of the block and of the
 * smaller hole.
 */
static void release_between(struct mems_heap *heap, struct mems_seg *prev,
			    struct mems_seg *proc, struct mems_seg *next)
{
	uintptr_t vstart = prev->vstart;
	uintptr_t vend = next->vend;
	uintptr_t proc_vstart = proc->vstart;
	uintptr_t proc_vend = proc->vend;
	uintptr_t next_vstart = next->vstart;
	size_t next_size = seg_size(next);
	struct mems_seg *keep = next;
	unsigned int edges =
		(prev->edges & SEG_FIRST) | (next->edges & SEG_LAST);

	seg_delete(heap, proc);
	if (seg_size(prev) >= next_size) {
		keep = prev;
		addr_table_point(heap, proc_vstart, vend, prev);
		hole_vanishing(heap, next);
		seg_delete(heap, next);
	} else {
		addr_table_point(heap, vstart, proc_vend, next);
		hole_vanishing(heap, prev);
		seg_delete(heap, prev);
	}
	keep->edges = edges;
	hole_set_bounds(heap, keep, vstart, vend);
	/* One hole starts at @vstart, as before; the one after is gone. */
	hole_map_remove(heap, next_vstart, next_size);
	hole_map_raise(heap, vstart, seg_size(keep));
}

/* The block [@vstart, @vend], already deleted, joins the hole after it. */
static void release_before(struct mems_heap *heap, struct mems_seg *next,
			   uintptr_t vstart, uintptr_t vend)
{
	uintptr_t next_vstart = next->vstart;
	size_t next_size = seg_size(next);

	addr_table_point(heap, vstart, vend, next);
	hole_set_bounds(heap, next, vstart, next->vend);
	hole_map_move(heap, next_vstart, next_size, vstart, seg_size(next));
}

void chain_release(struct mems_heap *heap, struct mems_seg *proc)
{
	struct mems_seg *prev = seg_prev_hole(proc);
	struct mems_seg *next = seg_next_hole(proc);
	uintptr_t vstart = proc->vstart;
	uintptr_t vend = proc->vend;
	unsigned int edges = proc->edges;

	if (prev && next) {
		release_between(heap, prev, proc, next);
		return;
	}
	if (!prev && !next) {
		proc->type = MEMS_HOLE;
		hole_appeared(heap, proc);
		hole_map_add(heap, vstart, seg_size(proc));
		return;
	}
	seg_delete(heap, proc);
	if (prev) {
		prev->edges |= edges & SEG_LAST;
		addr_table_point(heap, vstart, vend, prev);
		hole_set_bounds(heap, prev, prev->vstart, vend);
		hole_map_raise(heap, prev->vstart, seg_size(prev));
		return;
	}
	next->edges |= edges & SEG_FIRST;
	release_before(heap, next, vstart, vend);
}

/*
 * Grow @proc to @bytes from the hole after it, when that hole is large
 * enough; -ENOSPC, changing nothing, when it is not.  Cannot fail
 * otherwise: the hole shrinks or vanishes, no record is needed.
 */
int chain_grow(struct mems_heap *heap, struct mems_seg *proc, size_t bytes)
{
	struct mems_seg *next = seg_next_hole(proc);
	uintptr_t old_vend = proc->vend;
	uintptr_t next_vstart;
	size_t next_size;

	if (!next || bytes - seg_size(proc) > seg_size(next))
		return -ENOSPC;
	next_vstart = next->vstart;
	next_size = seg_size(next);
	proc->vend = proc->vstart + (bytes - 1);
	addr_table_point(heap, old_vend + 1, proc->vend, proc);
	if (proc->vend == next->vend) {
		proc->edges |= next->edges & SEG_LAST;
		hole_vanishing(heap, next);
		seg_delete(heap, next);
		hole_map_remove(heap, next_vstart, next_size);
		return 0;
	}
	hole_set_bounds(heap, next, proc->vend + 1, next->vend);
	hole_map_move(heap, next_vstart, next_size, next->vstart,
		      seg_size(next));
	return 0;
}

/*
 * Shrink @proc to @bytes; its tail joins the hole after it, or becomes a
 * hole of its own, whose record may need a slab: -ENOMEM, changing
 * nothing, when that mapping fails.
 */
int chain_shrink(struct mems_heap *heap, struct mems_seg *proc, size_t bytes)
{
	struct mems_seg *next = seg_next_hole(proc);
	uintptr_t tail_vstart = proc->vstart + bytes;
	uintptr_t tail_vend = proc->vend;
	struct mems_seg *hole;

	if (!next && meta_reserve(&heap->meta, &heap->os, 1))
		return -ENOMEM;
	proc->vend = tail_vstart - 1;
	if (next) {
		release_before(heap, next, tail_vstart, tail_vend);
		return 0;
	}
	hole = meta_alloc(&heap->meta);
	hole->vstart = tail_vstart;
	hole->vend = tail_vend;
	hole->type = MEMS_HOLE;
	hole->edges = proc->edges & SEG_LAST;
	proc->edges &= ~SEG_LAST;
	list_add(&hole->link, &proc->link);
	addr_table_point(heap, tail_vstart, tail_vend, hole);
	heap->nr_segs++;
	hole_appeared(heap, hole);
	hole_map_add(heap, tail_vstart, seg_size(hole));
	return 0;
}

/* An empty main chain, and an address table in the heap's own slots. */
void chain_setup(struct mems_heap *heap)
{
	INIT_LIST_HEAD(&heap->nodes);
	addr_table_setup(heap);
	heap->nr_nodes = 0;
	heap->user_pages = 0;
	heap->nr_segs = 0;
	heap->nr_holes = 0;
	heap->hole_bytes = 0;
	heap->next_vaddr = heap->virt_base;
}

void chain_unmap_all(struct mems_heap *heap)
{
	struct mems_node *node;

	heap_for_each_node(node, heap)
		os_unmap(&heap->os, node->phys, node->pages * heap->page_size);
	meta_release(&heap->meta, &heap->os);
	addr_table_release(heap);
	chain_setup(heap);
}
