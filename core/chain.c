// SPDX-License-Identifier: MIT
/*
 * core/chain.c - surgery on the main chain and the sub-chains.
 *
 * Every change to a hole goes through hole_appeared(), hole_vanishing()
 * or hole_set_bounds(), which keep the policy's view and the heap's hole
 * counters in step with the chains.  Free and get find their segment in
 * two O(log n) steps: a binary search of the heap's node index, a compact
 * array of the nodes by address, then a descent of the node's own tree of segments keyed by
 * vstart.  Nodes are only ever appended, so the index stays sorted by
 * appending; since segments never overlap, moving a segment's bounds
 * never changes its place in its node's tree, and only creating or
 * deleting one touches it.  Functions that may fail do so before they
 * change anything.
 */
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

static struct mems_seg *addr_entry(const struct rb_node *rb)
{
	return rb_entry(rb, struct mems_seg, addr_link);
}

/* @seg goes right before @next, whose predecessor slot is found locally. */
static void addr_insert_before(struct mems_seg *seg, struct mems_seg *next)
{
	struct rb_node *parent = &next->addr_link;
	struct rb_node **link = &parent->rb_left;

	if (*link) {
		parent = *link;
		while (parent->rb_right)
			parent = parent->rb_right;
		link = &parent->rb_right;
	}
	rb_link_node(&seg->addr_link, parent, link);
	rb_insert_color(&seg->addr_link, &next->node->segs_by_addr);
}

/* Unlink @seg from its sub-chain and return its record to the pool. */
static void seg_delete(struct mems_heap *heap, struct mems_seg *seg)
{
	rb_erase(&seg->addr_link, &seg->node->segs_by_addr);
	list_del(&seg->link);
	seg->node->nr_segs--;
	heap->nr_segs--;
	meta_free(&heap->meta, seg);
}

static struct mems_seg *seg_prev_hole(struct mems_seg *seg)
{
	struct mems_seg *prev;

	if (list_is_first(&seg->link, &seg->node->segs))
		return NULL;
	prev = list_prev_entry(seg, link);
	return seg_is_hole(prev) ? prev : NULL;
}

static struct mems_seg *seg_next_hole(struct mems_seg *seg)
{
	struct mems_seg *next;

	if (list_is_last(&seg->link, &seg->node->segs))
		return NULL;
	next = list_next_entry(seg, link);
	return seg_is_hole(next) ? next : NULL;
}

/* The node whose range holds @v, or NULL: the last slot at or below it. */
/* The last slot whose node starts at or below @v; 0 when there is none. */
static size_t node_index_below(const struct mems_node_index *index,
			       uintptr_t v)
{
	size_t low = 0, high = index->nr;

	while (high - low > 1) {
		size_t mid = low + (high - low) / 2;

		if (index->slots[mid].vstart <= v)
			low = mid;
		else
			high = mid;
	}
	return low;
}

static struct mems_node *node_index_find(const struct mems_node_index *index,
					 uintptr_t v)
{
	size_t slot = node_index_below(index, v);
	struct mems_node *node;

	if (!index->nr || v < index->slots[slot].vstart)
		return NULL;
	node = index->slots[slot].node;
	return v <= node->vend ? node : NULL;
}

/* @node's place in the main chain, which is its slot in the index. */
size_t chain_node_position(const struct mems_heap *heap,
			   const struct mems_node *node)
{
	return node_index_below(&heap->node_index, node->vstart);
}

struct mems_seg *chain_find_seg(const struct mems_heap *heap, uintptr_t v)
{
	const struct mems_node *node = node_index_find(&heap->node_index, v);
	const struct rb_node *rb = node ? node->segs_by_addr.rb_node : NULL;
	struct mems_seg *below = NULL;

	/* The segment with the highest start at or below @v. */
	while (rb) {
		struct mems_seg *seg = addr_entry(rb);

		if (v < seg->vstart) {
			rb = rb->rb_left;
		} else {
			below = seg;
			rb = rb->rb_right;
		}
	}
	return below;
}

/* Room for one more slot: the index moves to a mapping twice its size. */
static int node_index_reserve(struct mems_heap *heap)
{
	struct mems_node_index *index = &heap->node_index;
	size_t bytes = 2 * index->capacity * sizeof(*index->slots);
	struct mems_node_slot *slots;

	if (index->nr < index->capacity)
		return 0;
	/* Whole MeMS pages, as for every mapping. */
	bytes = (bytes / heap->page_size + !!(bytes % heap->page_size)) *
		heap->page_size;
	slots = os_map(&heap->os, bytes);
	if (!slots)
		return -1;
	memcpy(slots, index->slots, index->nr * sizeof(*slots));
	if (index->bytes)
		os_unmap(&heap->os, index->slots, index->bytes);
	index->slots = slots;
	index->capacity = bytes / sizeof(*slots);
	index->bytes = bytes;
	return 0;
}

static void node_index_append(struct mems_node_index *index,
			      struct mems_node *node)
{
	index->slots[index->nr].vstart = node->vstart;
	index->slots[index->nr].node = node;
	index->nr++;
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
	if (node_index_reserve(heap) ||
	    meta_reserve(&heap->meta, &heap->os, 3)) {
		os_unmap(&heap->os, phys, len);
		return NULL;
	}

	node = meta_alloc(&heap->meta);
	node->phys = phys;
	node->vstart = vstart;
	node->vend = vstart + (len - 1);
	node->pages = pages;
	node->nr_segs = 1;
	INIT_LIST_HEAD(&node->segs);
	hole = meta_alloc(&heap->meta);
	hole->node = node;
	hole->vstart = node->vstart;
	hole->vend = node->vend;
	hole->type = MEMS_HOLE;
	list_add_tail(&hole->link, &node->segs);
	list_add_tail(&node->chain, &heap->nodes);
	node->segs_by_addr = RB_ROOT;
	rb_link_node(&hole->addr_link, NULL, &node->segs_by_addr.rb_node);
	rb_insert_color(&hole->addr_link, &node->segs_by_addr);
	node_index_append(&heap->node_index, node);
	heap->nr_nodes++;
	heap->nr_segs++;
	heap->user_pages += pages;
	heap->next_vaddr = node->vend + 1;
	hole_appeared(heap, hole);
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

	if (seg_size(hole) == bytes) {
		hole_vanishing(heap, hole);
		hole->type = MEMS_PROCESS;
	} else {
		proc = meta_alloc(&heap->meta);
		proc->node = hole->node;
		proc->vstart = hole->vstart;
		proc->vend = hole->vstart + (bytes - 1);
		proc->type = MEMS_PROCESS;
		list_add_tail(&proc->link, &hole->link);
		addr_insert_before(proc, hole);
		hole->node->nr_segs++;
		heap->nr_segs++;
		hole_set_bounds(heap, hole, proc->vend + 1, hole->vend);
	}
	if (heap_ops(heap)->allocated)
		heap_ops(heap)->allocated(&heap->policy, proc);
	return proc;
}

void chain_release(struct mems_heap *heap, struct mems_seg *proc)
{
	struct mems_seg *prev = seg_prev_hole(proc);
	struct mems_seg *next = seg_next_hole(proc);
	uintptr_t vstart = proc->vstart;
	uintptr_t vend = proc->vend;

	if (!prev && !next) {
		proc->type = MEMS_HOLE;
		hole_appeared(heap, proc);
		return;
	}
	seg_delete(heap, proc);
	if (prev && next) {
		vend = next->vend;
		hole_vanishing(heap, next);
		seg_delete(heap, next);
	}
	if (prev)
		hole_set_bounds(heap, prev, prev->vstart, vend);
	else
		hole_set_bounds(heap, next, vstart, next->vend);
}

/* An empty main chain, and a node index in the heap's own slots. */
void chain_setup(struct mems_heap *heap)
{
	struct mems_node_index *index = &heap->node_index;

	INIT_LIST_HEAD(&heap->nodes);
	index->slots = index->inline_slots;
	index->nr = 0;
	index->capacity = MEMS_INLINE_NODE_SLOTS;
	index->bytes = 0;
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
	if (heap->node_index.bytes)
		os_unmap(&heap->os, heap->node_index.slots,
			 heap->node_index.bytes);
	chain_setup(heap);
}
