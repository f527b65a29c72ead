// SPDX-License-Identifier: MIT
/*
 * tools/dump/figures.c - the --stats figures, kept up to date per call.
 *
 * Walking every segment after every step costs steps x segments, far
 * too much for the trace of a real program, and even one node's walk is
 * long when many small blocks share a large node.  A call changes only
 * the holes around its own block, and the chains say exactly which:
 *
 * - an allocation carved @n bytes from the low end of a hole, whose rest,
 *   if any, is the hole right after the new block; or it mapped a new
 *   node, whose rest after the block is the only new hole;
 * - a free turned the block into a hole merged with its neighbours: the
 *   hole that now holds the block's address was the block plus the holes
 *   on either side of it.
 *
 * So the sizes of all holes are kept as a multiset (a tree of size and
 * count), whose last entry is the largest hole, and each call moves a
 * few sizes in or out of it.  Live bytes are the mapped bytes that are
 * not in a hole, since segments tile the nodes.
 */
#include <stdlib.h>
#include <string.h>

#include <mems/chain.h>

#include "dump.h"

struct hole_sizes {
	struct rb_node link;
	size_t size;
	size_t count;
};

static struct hole_sizes *sizes_entry(struct rb_node *rb)
{
	return rb_entry(rb, struct hole_sizes, link);
}

void figures_init(struct figures *fig)
{
	memset(fig, 0, sizeof(*fig));
	fig->sizes = RB_ROOT;
}

/* The heap was emptied (mems_finish, mems_init): no hole is left. */
void figures_reset(struct figures *fig)
{
	while (fig->sizes.rb_node) {
		struct hole_sizes *entry = sizes_entry(fig->sizes.rb_node);

		rb_erase(&entry->link, &fig->sizes);
		free(entry);
	}
	fig->holes = 0;
	fig->hole_bytes = 0;
}

void figures_release(struct figures *fig)
{
	figures_reset(fig);
}

static int hole_add(struct figures *fig, size_t size)
{
	struct rb_node **link = &fig->sizes.rb_node, *parent = NULL;
	struct hole_sizes *entry;

	while (*link) {
		parent = *link;
		entry = sizes_entry(parent);
		if (size == entry->size) {
			entry->count++;
			goto counted;
		}
		link = size < entry->size ? &parent->rb_left :
					    &parent->rb_right;
	}
	entry = malloc(sizeof(*entry));
	if (!entry)
		return -1;
	entry->size = size;
	entry->count = 1;
	rb_link_node(&entry->link, parent, link);
	rb_insert_color(&entry->link, &fig->sizes);
counted:
	fig->holes++;
	fig->hole_bytes += size;
	return 0;
}

static void hole_remove(struct figures *fig, size_t size)
{
	struct rb_node *rb = fig->sizes.rb_node;

	while (rb) {
		struct hole_sizes *entry = sizes_entry(rb);

		if (size == entry->size) {
			fig->holes--;
			fig->hole_bytes -= size;
			if (!--entry->count) {
				rb_erase(&entry->link, &fig->sizes);
				free(entry);
			}
			return;
		}
		rb = size < entry->size ? rb->rb_left : rb->rb_right;
	}
}

/* The hole right after @seg in its sub-chain, or NULL. */
static const struct mems_seg *hole_after(const struct mems_seg *seg)
{
	const struct mems_seg *next;

	if (list_is_last(&seg->link, &seg->node->segs))
		return NULL;
	next = list_next_entry(seg, link);
	return seg_is_hole(next) ? next : NULL;
}

int figures_alloc(struct figures *fig, const struct mems_heap *heap,
		  uintptr_t v, size_t nodes_before)
{
	const struct mems_seg *block = chain_find_seg(heap, v);
	const struct mems_seg *rest;
	size_t rest_size;

	if (!block)
		return 0;
	rest = hole_after(block);
	rest_size = rest ? seg_size(rest) : 0;
	if (heap->nr_nodes == nodes_before)
		hole_remove(fig, seg_size(block) + rest_size);
	return rest ? hole_add(fig, rest_size) : 0;
}

size_t figures_block_size(const struct mems_heap *heap, uintptr_t v)
{
	const struct mems_seg *block = chain_find_seg(heap, v);

	return block && !seg_is_hole(block) && block->vstart == v ?
		       seg_size(block) :
		       0;
}

int figures_free(struct figures *fig, const struct mems_heap *heap, uintptr_t v,
		 size_t size)
{
	const struct mems_seg *hole = chain_find_seg(heap, v);

	if (!hole || !size)
		return 0;
	if (hole->vstart < v)
		hole_remove(fig, v - hole->vstart);
	if (hole->vend > v + (size - 1))
		hole_remove(fig, hole->vend - (v + (size - 1)));
	return hole_add(fig, seg_size(hole));
}

void figures_take(const struct figures *fig, const struct mems_heap *heap,
		  unsigned long step, struct step_stats *row)
{
	struct rb_node *last = rb_last(&fig->sizes);

	memset(row, 0, sizeof(*row));
	row->step = step;
	row->mapped_bytes = heap->user_pages * heap->page_size;
	row->live_bytes = row->mapped_bytes - fig->hole_bytes;
	row->holes = fig->holes;
	row->largest_hole = last ? sizes_entry(last)->size : 0;
	row->nodes = heap->nr_nodes;
}
