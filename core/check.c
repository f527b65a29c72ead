// SPDX-License-Identifier: MIT
/*
 * core/check.c - mems_heap_check(): every invariant of the free list.
 *
 * The checker trusts nothing it can recompute: it walks both levels of
 * chains, re-derives every count the heap caches and asks the policy to
 * check its own index.  It describes the first broken invariant only,
 * since later ones are usually consequences of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>

#include "check.h"
#include "addr_table.h"
#include "hole_map.h"
#include "meta.h"
#include "types.h"

static int check_failed(FILE *report, const char *fmt, ...)
{
	va_list args;

	if (report) {
		fputs("mems_check: ", report);
		va_start(args, fmt);
		vfprintf(report, fmt, args);
		va_end(args);
		fputc('\n', report);
	}
	return -EUCLEAN;
}

#define RANGE "[%" PRIuPTR ":%" PRIuPTR "]"

static int seg_check(const struct mems_heap *heap, const struct mems_node *node,
		     const struct mems_seg *seg, uintptr_t expect_start,
		     FILE *report)
{
	unsigned int edges =
		(list_is_first(&seg->link, &node->segs) ? SEG_FIRST : 0) |
		(list_is_last(&seg->link, &node->segs) ? SEG_LAST : 0);

	if (seg->edges != edges)
		return check_failed(report,
				    "segment " RANGE " has edges %u, not %u",
				    seg->vstart, seg->vend, seg->edges, edges);
	if (seg->vstart != expect_start || seg->vend < seg->vstart)
		return check_failed(
			report, "segment " RANGE " should start at %" PRIuPTR,
			seg->vstart, seg->vend, expect_start);
	if (!seg_is_hole(seg) && seg->to_phys != node_to_phys(node))
		return check_failed(report,
				    "segment " RANGE " translates to another "
				    "mapping",
				    seg->vstart, seg->vend);
	if ((seg->vstart - node->vstart) % heap->align)
		return check_failed(report, "segment " RANGE " is not aligned",
				    seg->vstart, seg->vend);
	if (!seg_is_hole(seg) && seg_size(seg) % heap->align)
		return check_failed(report,
				    "block " RANGE " is not a whole "
				    "number of granules",
				    seg->vstart, seg->vend);
	if (seg->type != MEMS_HOLE && seg->type != MEMS_PROCESS)
		return check_failed(report, "segment " RANGE " has type %d",
				    seg->vstart, seg->vend, (int)seg->type);
	return 0;
}

/* What the heap counts beside the chains, recounted by the walk. */
struct check_counts {
	size_t records;
	size_t segs;
	size_t holes;
	size_t hole_bytes;
	size_t largest_hole;
};

static void counts_add_seg(struct check_counts *counts,
			   const struct mems_seg *seg)
{
	counts->segs++;
	if (!seg_is_hole(seg))
		return;
	counts->holes++;
	counts->hole_bytes += seg_size(seg);
	if (seg_size(seg) > counts->largest_hole)
		counts->largest_hole = seg_size(seg);
}

/*
 * Whether every slot whose last byte lies in [@vstart, @vend], with the
 * table's last slot if @vend is the last byte handed out, holds @entry;
 * the first that does not in *@bad.  Released space has slots only in
 * the chunks some node overlaps; a segment has all of its own.
 */
static bool slots_name(const struct mems_heap *heap, uintptr_t vstart,
		       uintptr_t vend, const struct mems_seg *entry,
		       bool released, size_t *bad)
{
	size_t i, end;

	mems_addr_table_span(heap, vstart, vend, &i, &end);
	for (; i < end; i++) {
		if (released && !mems_addr_table_slot_mapped(heap, i))
			continue;
		if (!mems_addr_table_slot_mapped(heap, i) ||
		    mems_addr_table_slot(heap, i) != entry) {
			*bad = i;
			return false;
		}
	}
	return true;
}

/*
 * The address table names @seg in the slots whose last byte lies in it
 * (core/addr_table.h, mems_addr_table_span()); segments are walked in
 * order, so the slot after the last segment's must be the table's end.
 */
static int addr_table_seg_check(const struct mems_heap *heap,
				const struct mems_seg *seg, FILE *report)
{
	size_t bad;

	if (slots_name(heap, seg->vstart, seg->vend, seg, false, &bad))
		return 0;
	return check_failed(report,
			    "address slot %zu does not name segment " RANGE,
			    bad, seg->vstart, seg->vend);
}

static int node_check(const struct mems_heap *heap,
		      const struct mems_node *node, struct check_counts *counts,
		      FILE *report)
{
	const struct mems_seg *seg;
	uintptr_t expect = node->vstart;
	bool prev_hole = false;
	size_t segs = 0;
	int err;

	if (!node->phys || !node->pages ||
	    node->vend - node->vstart + 1 != node->pages * heap->page_size)
		return check_failed(report,
				    "node " RANGE " is not %zu whole pages",
				    node->vstart, node->vend, node->pages);
	node_for_each_seg(seg, node) {
		err = seg_check(heap, node, seg, expect, report);
		if (err)
			return err;
		if (prev_hole && seg_is_hole(seg))
			return check_failed(report, "holes meet at %" PRIuPTR,
					    seg->vstart);
		err = addr_table_seg_check(heap, seg, report);
		if (err)
			return err;
		counts_add_seg(counts, seg);
		prev_hole = seg_is_hole(seg);
		expect = seg->vend + 1;
		segs++;
	}
	if (!segs || expect - 1 != node->vend)
		return check_failed(
			report, "segments of node " RANGE " end at %" PRIuPTR,
			node->vstart, node->vend, expect - 1);
	counts->records += segs + 1;
	return 0;
}

static int counts_check(const struct mems_heap *heap,
			const struct check_counts *counts, FILE *report)
{
	const struct mems_policy *policy = &heap->policy;
	const struct mems_policy_ops *ops = policy->ops;
	size_t live = mems_meta_live_records(&heap->meta);
	/* The bytes of the nodes less those of the blocks. */
	size_t hole_bytes =
		heap->user_pages * heap->page_size - heap->live_bytes;

	if (policy->indexes_holes !=
	    (ops->hole_insert || ops->hole_erase || ops->hole_resize))
		return check_failed(report,
				    "the policy is marked as %san index of "
				    "holes, against its hooks",
				    policy->indexes_holes ? "" : "not ");
	if (counts->records != live)
		return check_failed(report,
				    "%zu records live, %zu in the chains",
				    live, counts->records);
	if (counts->segs != heap->nr_segs || counts->holes != heap->nr_holes ||
	    counts->hole_bytes != hole_bytes)
		return check_failed(report,
				    "heap counts %zu segments, %zu holes of "
				    "%zu bytes; has %zu, %zu of %zu",
				    heap->nr_segs, heap->nr_holes,
				    hole_bytes, counts->segs,
				    counts->holes, counts->hole_bytes);
	if (mems_hole_map_largest(heap) != counts->largest_hole)
		return check_failed(report,
				    "the hole map's largest hole is %zu bytes, "
				    "not %zu",
				    mems_hole_map_largest(heap),
				    counts->largest_hole);
	if (policy->ops->largest_hole &&
	    policy->ops->largest_hole(policy) != counts->largest_hole)
		return check_failed(report,
				    "the policy's largest hole is %zu bytes, "
				    "not %zu",
				    policy->ops->largest_hole(policy),
				    counts->largest_hole);
	return 0;
}

/* The nodes whose slots lie in chunk @c, from @node on; NULL: none. */
static size_t chunk_users(const struct mems_heap *heap,
			  const struct mems_node **node, size_t c)
{
	const struct mems_node *n = *node;
	size_t users = 0;

	/* Nodes whose slots all lie before @c are done with. */
	while (n &&
	       addr_table_slot_of(heap, n->vend) >> MEMS_ADDR_CHUNK_SHIFT < c)
		n = list_is_last(&n->chain, &heap->nodes) ?
			    NULL :
			    list_next_entry(n, chain);
	*node = n;
	for (; n; n = list_next_entry(n, chain)) {
		if (addr_table_slot_of(heap, n->vstart) >>
		    MEMS_ADDR_CHUNK_SHIFT > c)
			break;
		users++;
		if (list_is_last(&n->chain, &heap->nodes))
			break;
	}
	return users;
}

/*
 * Whether chunk @c's columns, if it is mapped, each have the base that
 * puts the table's entry i at base + i * size: the optional ones while
 * they are on, and none while they are off (the inline chunk 0 has
 * them all, in the heap).
 */
static bool chunk_bases_right(const struct mems_sparse_table *chunks, size_t c)
{
	const struct mems_sparse_chunk *chunk = &chunks->dir[c];
	bool has_extra = chunks->extra_on || (!c && chunks->inline_entries);
	unsigned int k;

	if (!chunk->col[0])
		return true;
	for (k = 0; k < chunks->nr_cols; k++) {
		if (k >= chunks->nr_main_cols && !has_extra) {
			if (chunk->col[k] || chunk->base[k])
				return false;
			continue;
		}
		if (!chunk->col[k] ||
		    chunk->base[k] !=
			    (uintptr_t)chunk->col[k] -
				    (c << chunks->shift) * chunks->col_size[k])
			return false;
	}
	return true;
}

/*
 * Each chunk counts the nodes whose slots lie in it, and is mapped if
 * and only if there is one; the inline chunk 0 only while the space
 * handed out fits in it.  A mapped chunk's bases are its columns'.
 */
static int chunks_check(const struct mems_heap *heap, FILE *report)
{
	const struct mems_sparse_table *chunks = &heap->addr_table.chunks;
	const struct mems_node *node = NULL;
	size_t c, users, mapped = 0;
	bool is_inline;

	if (!list_empty(&heap->nodes))
		node = list_first_entry(&heap->nodes, struct mems_node, chain);
	for (c = 0; c < chunks->dir_len; c++) {
		users = chunk_users(heap, &node, c);
		is_inline = !c && chunks->inline_entries;
		if (chunks->dir[c].users != users)
			return check_failed(report,
					    "address chunk %zu counts %zu "
					    "nodes, not %zu",
					    c, chunks->dir[c].users, users);
		if (!chunk_bases_right(chunks, c))
			return check_failed(report,
					    "address chunk %zu has a wrong "
					    "base",
					    c);
		if (is_inline)
			continue;
		if (!chunks->dir[c].col[0] != !users)
			return check_failed(report,
					    "address chunk %zu is %smapped "
					    "with %zu nodes",
					    c, users ? "not " : "", users);
		mapped += !!users;
	}
	if (node && addr_table_slot_of(heap, node->vend) >>
			    MEMS_ADDR_CHUNK_SHIFT >= chunks->dir_len)
		return check_failed(report,
				    "the address directory ends before "
				    "node " RANGE,
				    node->vstart, node->vend);
	if (mapped != chunks->nr_mapped)
		return check_failed(report,
				    "%zu address chunks mapped, %zu counted",
				    mapped, chunks->nr_mapped);
	return 0;
}

/* The table ends with the slot of the last byte ever handed out. */
static int addr_table_check(const struct mems_heap *heap, FILE *report)
{
	const struct mems_addr_table *table = &heap->addr_table;
	const struct mems_sparse_table *chunks = &table->chunks;
	size_t nr = 0;

	/* next_vaddr is 0 once a node has reached the top of the space. */
	if (heap->next_vaddr != heap->virt_base)
		nr = addr_table_slot_of(heap, heap->next_vaddr - 1) + 1;
	if (table->capacity < table->nr ||
	    table->capacity < MEMS_INLINE_ADDR_SLOTS ||
	    (table->capacity == MEMS_INLINE_ADDR_SLOTS) !=
		    !table->levels_bytes ||
	    (chunks->inline_entries &&
	     (chunks->inline_entries < table->nr ||
	      chunks->dir[0].col[ADDR_COL_SLOT] != table->inline_slots)))
		return check_failed(report,
				    "the address table lost its mapping");
	if (table->nr != nr)
		return check_failed(
			report, "the address table holds %zu slots, not %zu",
			table->nr, nr);
	if (chunks->extra_on != heap->hole_map_on)
		return check_failed(report,
				    "the hole map's columns are %smapped",
				    chunks->extra_on ? "" : "not ");
	return chunks_check(heap, report);
}

/*
 * Released space [@vstart, @vend]: its slots name @after, the node after
 * it, or NULL when there is none.
 */
static int released_space_check(const struct mems_heap *heap, uintptr_t vstart,
				uintptr_t vend, const struct mems_node *after,
				FILE *report)
{
	size_t bad;

	if (slots_name(heap, vstart, vend, addr_slot_node_entry(after), true,
		       &bad))
		return 0;
	return check_failed(report,
			    "address slot %zu of released space " RANGE
			    " does not name what follows",
			    bad, vstart, vend);
}

static const struct mems_seg *first_seg(const struct mems_node *node)
{
	return list_first_entry(&node->segs, struct mems_seg, link);
}

static bool node_empty(const struct mems_node *node)
{
	const struct mems_seg *seg = first_seg(node);

	return seg_is_hole(seg) && seg->vend == node->vend;
}

/* What the walk of the main chain finds, for the heap's own counts. */
struct chain_totals {
	size_t nodes;
	size_t pages;
	size_t empty_bytes;
	bool lowest_empty_seen;
};

static int empty_node_check(const struct mems_heap *heap,
			    const struct mems_node *node,
			    struct chain_totals *totals, FILE *report)
{
	if (node == heap->lowest_empty)
		totals->lowest_empty_seen = true;
	if (!node_empty(node))
		return 0;
	if (heap->lowest_empty && !totals->lowest_empty_seen)
		return check_failed(report,
				    "empty node " RANGE
				    " lies before the lowest empty one",
				    node->vstart, node->vend);
	totals->empty_bytes += node->vend - node->vstart + 1;
	return 0;
}

static int totals_check(const struct mems_heap *heap,
			const struct chain_totals *totals, FILE *report)
{
	uintptr_t spent =
		(totals->pages + heap->released_pages) * heap->page_size;

	if (heap->next_vaddr - heap->virt_base != spent)
		return check_failed(report,
				    "next node would start at %" PRIuPTR
				    ", not %" PRIuPTR,
				    heap->next_vaddr, heap->virt_base + spent);
	if (totals->nodes != heap->nr_nodes ||
	    totals->pages != heap->user_pages)
		return check_failed(report,
				    "heap counts %zu nodes of %zu pages, "
				    "has %zu of %zu",
				    heap->nr_nodes, heap->user_pages,
				    totals->nodes, totals->pages);
	if (heap->lowest_empty && !totals->lowest_empty_seen)
		return check_failed(
			report, "the lowest empty node is not in the chain");
	if (totals->empty_bytes != heap->empty_bytes)
		return check_failed(report,
				    "heap counts %zu bytes of empty nodes, "
				    "has %zu",
				    heap->empty_bytes, totals->empty_bytes);
	if (heap->trim_threshold >= 0 &&
	    heap->empty_bytes > (size_t)heap->trim_threshold)
		return check_failed(report,
				    "%zu bytes of empty nodes stay mapped, "
				    "over the trim threshold of %ld",
				    heap->empty_bytes, heap->trim_threshold);
	return 0;
}

/*
 * mems_get() trusts the block carved last without the table: its record
 * must be a segment of the chains, which the table (checked already)
 * finds at its start.
 */
static int last_carved_check(const struct mems_heap *heap, FILE *report)
{
	const struct mems_seg *seg = heap->last_carved;

	if (!seg || mems_addr_table_find(heap, seg->vstart) == seg)
		return 0;
	return check_failed(report,
			    "the block carved last " RANGE
			    " is not a segment of the chains",
			    seg->vstart, seg->vend);
}

static int chain_check(const struct mems_heap *heap, FILE *report)
{
	const struct mems_node *node;
	uintptr_t lowest = heap->virt_base;
	struct check_counts counts = { 0 };
	struct chain_totals totals = { 0 };
	int err;

	heap_for_each_node(node, heap) {
		/* lowest is 0 only once a node has reached the top of the space. */
		if (node->vstart < lowest || (totals.nodes && !lowest))
			return check_failed(
				report,
				"node " RANGE
				" should start at or after %" PRIuPTR,
				node->vstart, node->vend, lowest);
		if (node->vstart > lowest) {
			err = released_space_check(
				heap, lowest, node->vstart - 1, node, report);
			if (err)
				return err;
		}
		err = node_check(heap, node, &counts, report);
		if (!err)
			err = empty_node_check(heap, node, &totals, report);
		if (err)
			return err;
		lowest = node->vend + 1;
		totals.pages += node->pages;
		totals.nodes++;
	}
	if (heap->next_vaddr != lowest && (lowest || !totals.nodes)) {
		err = released_space_check(heap, lowest, heap->next_vaddr - 1,
					   NULL, report);
		if (err)
			return err;
	}
	err = addr_table_check(heap, report);
	if (!err)
		err = last_carved_check(heap, report);
	if (!err)
		err = totals_check(heap, &totals, report);
	return err ? err : counts_check(heap, &counts, report);
}

int mems_heap_check_unlocked(const struct mems_heap *heap, FILE *report)
{
	const struct mems_policy_ops *ops = heap->policy.ops;
	int err = chain_check(heap, report);

	if (!err)
		err = mems_hole_map_check(heap, report);
	if (err || !ops->check)
		return err;
	return ops->check(&heap->policy, report);
}

int mems_heap_check(const struct mems_heap *heap, FILE *report)
{
	heap_guard(heap);

	return mems_heap_check_unlocked(heap, report);
}
