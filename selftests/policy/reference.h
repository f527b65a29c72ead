/* SPDX-License-Identifier: MIT */
/*
 * reference.h - a reference model of MeMS, for differential tests.
 *
 * Written from the contract alone (the free list, the API, the report and
 * the placement rules), as plainly as possible: nodes in an array, each
 * with an array of segments in address order, and every search a linear
 * walk.  Where a request goes is the business of the rule functions of
 * rules.h, the tests' one copy of the placement table.  It shares no code
 * and no data structure with the library, so a mistake would have to be
 * made twice to go unnoticed.
 *
 * The model cannot know physical addresses: the test tells it what the
 * library returned for the first byte of each node it maps, and the model
 * derives every other translation from that.  It cannot know either when
 * mmap would fail; it assumes that a node of more than REF_MAP_LIMIT bytes
 * cannot be mapped (no 64-bit address space has room for it) and that any
 * smaller one can.
 */
#ifndef MEMS_REFERENCE_H
#define MEMS_REFERENCE_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define REF_MAP_LIMIT	((size_t)1 << 56)

struct ref_seg {
	uintptr_t start, end;		/* inclusive */
	bool used;			/* a PROCESS, else a HOLE */
};

struct ref_node {
	uintptr_t vstart, vend;		/* inclusive */
	size_t pages;
	uintptr_t phys;			/* as the library reported it */
	struct ref_seg *segs;
	size_t nr_segs, cap_segs;
};

/* A hole of the model for the rules, and where it sits. */
struct ref_hole {
	size_t node, seg;
};

struct ref_heap {
	const struct rule *rule;	/* of rules.h: where holes are picked */
	size_t page_size;
	size_t align;
	uintptr_t virt_base;
	uintptr_t next_vstart;		/* where the next node starts */
	uintptr_t rover;		/* one past the last allocation */
	long trim_threshold;		/* -1: empty nodes stay mapped */
	struct ref_node *nodes;
	size_t nr_nodes, cap_nodes;
	/* Scratch for ref_pick(): every hole, in address order. */
	struct rule_hole *holes;
	struct ref_hole *where;
	size_t cap_holes;
};

/* Grow an array of @size-byte elements to hold one more; abort on OOM. */
static inline void *ref_grow(void *array, size_t *cap, size_t nr, size_t size)
{
	if (nr < *cap)
		return array;
	*cap = *cap ? *cap * 2 : 8;
	array = realloc(array, *cap * size);
	if (!array)
		abort();
	return array;
}

static inline void ref_init(struct ref_heap *h, const struct rule *rule,
			    size_t page_size, uintptr_t virt_base, size_t align)
{
	memset(h, 0, sizeof(*h));
	h->rule = rule;
	h->page_size = page_size;
	h->align = align;
	h->virt_base = virt_base;
	h->next_vstart = virt_base;
	h->rover = virt_base;
	h->trim_threshold = -1;
}

/* Empty the model, as mems_init() or mems_finish() empties MeMS. */
static inline void ref_clear(struct ref_heap *h)
{
	size_t i;

	for (i = 0; i < h->nr_nodes; i++)
		free(h->nodes[i].segs);
	h->nr_nodes = 0;
	h->next_vstart = h->virt_base;
	h->rover = h->virt_base;
}

static inline void ref_destroy(struct ref_heap *h)
{
	ref_clear(h);
	free(h->nodes);
	free(h->holes);
	free(h->where);
	h->nodes = NULL;
	h->cap_nodes = 0;
	h->holes = NULL;
	h->where = NULL;
	h->cap_holes = 0;
}

static inline size_t ref_seg_size(const struct ref_seg *seg)
{
	return seg->end - seg->start + 1;
}

/* Room for @nr holes in the scratch arrays. */
static inline void ref_holes_room(struct ref_heap *h, size_t nr)
{
	if (nr <= h->cap_holes)
		return;
	h->cap_holes = nr * 2;
	h->holes = realloc(h->holes, h->cap_holes * sizeof(*h->holes));
	h->where = realloc(h->where, h->cap_holes * sizeof(*h->where));
	if (!h->holes || !h->where)
		abort();
}

/*
 * The hole for @n bytes: node and segment index, or false when no hole
 * fits.  Every hole is listed in address order and the rule of rules.h
 * picks one: the model has no placement code of its own.
 */
static inline bool ref_pick(struct ref_heap *h, size_t n,
			    size_t *node_out, size_t *seg_out)
{
	size_t i, j, nr = 0, segs = 0, pick;

	for (i = 0; i < h->nr_nodes; i++)
		segs += h->nodes[i].nr_segs;
	ref_holes_room(h, segs);
	for (i = 0; i < h->nr_nodes; i++) {
		const struct ref_node *node = &h->nodes[i];

		for (j = 0; j < node->nr_segs; j++) {
			const struct ref_seg *seg = &node->segs[j];

			if (seg->used)
				continue;
			h->holes[nr].start = seg->start;
			h->holes[nr].size = ref_seg_size(seg);
			h->where[nr].node = i;
			h->where[nr].seg = j;
			nr++;
		}
	}
	pick = h->rule->pick(h->holes, nr, n, h->rover);
	if (pick >= nr)
		return false;
	*node_out = h->where[pick].node;
	*seg_out = h->where[pick].seg;
	return true;
}

static inline void ref_insert_seg(struct ref_node *node, size_t at,
				  struct ref_seg seg)
{
	node->segs = ref_grow(node->segs, &node->cap_segs, node->nr_segs,
			      sizeof(seg));
	memmove(&node->segs[at + 1], &node->segs[at],
		(node->nr_segs - at) * sizeof(seg));
	node->segs[at] = seg;
	node->nr_segs++;
}

static inline void ref_remove_seg(struct ref_node *node, size_t at)
{
	memmove(&node->segs[at], &node->segs[at + 1],
		(node->nr_segs - at - 1) * sizeof(node->segs[0]));
	node->nr_segs--;
}

/* Map a node for @n bytes: -ENOMEM when its size or range cannot exist. */
static inline int ref_map_node(struct ref_heap *h, size_t n)
{
	size_t pages = n / h->page_size + (n % h->page_size != 0);
	struct ref_node *node;
	size_t len;

	if (pages > SIZE_MAX / h->page_size)
		return -ENOMEM;
	len = pages * h->page_size;
	if (len > REF_MAP_LIMIT || len - 1 > UINTPTR_MAX - h->next_vstart)
		return -ENOMEM;
	h->nodes = ref_grow(h->nodes, &h->cap_nodes, h->nr_nodes,
			    sizeof(*node));
	node = &h->nodes[h->nr_nodes++];
	memset(node, 0, sizeof(*node));
	node->vstart = h->next_vstart;
	node->vend = node->vstart + (len - 1);
	node->pages = pages;
	ref_insert_seg(node, 0, (struct ref_seg){
		.start = node->vstart, .end = node->vend, .used = false,
	});
	h->next_vstart = node->vend + 1;
	return 0;
}

/*
 * mems_malloc(@size): 0 and the address in @v; -EINVAL for 0 bytes;
 * -ENOMEM when the rounded size or the node cannot exist.  @new_node
 * tells whether a node was mapped, whose physical address the caller
 * then gives to ref_set_phys().
 */
static inline int ref_alloc(struct ref_heap *h, size_t size, uintptr_t *v,
			    bool *new_node)
{
	size_t n, ni = 0, si = 0;
	struct ref_node *node;
	struct ref_seg *hole;
	int err;

	*new_node = false;
	if (!size)
		return -EINVAL;
	if (size > SIZE_MAX - (h->align - 1))
		return -ENOMEM;
	n = (size + h->align - 1) / h->align * h->align;

	if (!ref_pick(h, n, &ni, &si)) {
		err = ref_map_node(h, n);
		if (err)
			return err;
		*new_node = true;
		ni = h->nr_nodes - 1;
		si = 0;
	}
	node = &h->nodes[ni];
	hole = &node->segs[si];
	*v = hole->start;
	if (ref_seg_size(hole) == n) {
		hole->used = true;
	} else {
		hole->start += n;
		ref_insert_seg(node, si, (struct ref_seg){
			.start = *v, .end = *v + (n - 1), .used = true,
		});
	}
	h->rover = *v + n;
	return 0;
}

static inline void ref_set_phys(struct ref_heap *h, uintptr_t phys)
{
	h->nodes[h->nr_nodes - 1].phys = phys;
}

/* The segment holding @v: false when @v is in no node. */
static inline bool ref_find(const struct ref_heap *h, uintptr_t v,
			    size_t *node_out, size_t *seg_out)
{
	size_t i, j;

	for (i = 0; i < h->nr_nodes; i++) {
		const struct ref_node *node = &h->nodes[i];

		if (v < node->vstart || v > node->vend)
			continue;
		for (j = 0; j < node->nr_segs; j++) {
			const struct ref_seg *seg = &node->segs[j];

			if (v >= seg->start && v <= seg->end) {
				*node_out = i;
				*seg_out = j;
				return true;
			}
		}
	}
	return false;
}

static inline bool ref_node_empty(const struct ref_node *node)
{
	return node->nr_segs == 1 && !node->segs[0].used;
}

/*
 * mems_trim(@keep): nodes that are one whole hole leave the model,
 * lowest first, while they add up to more than @keep bytes; their
 * addresses are not handed out again.  Whether one left.
 */
static inline bool ref_trim(struct ref_heap *h, size_t keep)
{
	size_t empty = 0, i;
	bool released = false;

	for (i = 0; i < h->nr_nodes; i++)
		if (ref_node_empty(&h->nodes[i]))
			empty += h->nodes[i].vend - h->nodes[i].vstart + 1;
	for (i = 0; i < h->nr_nodes && empty > keep;) {
		struct ref_node *node = &h->nodes[i];

		if (!ref_node_empty(node)) {
			i++;
			continue;
		}
		empty -= node->vend - node->vstart + 1;
		free(node->segs);
		memmove(node, node + 1, (h->nr_nodes - i - 1) * sizeof(*node));
		h->nr_nodes--;
		released = true;
	}
	return released;
}

/* mems_free(@v) of a non-NULL @v: 0, or -EINVAL changing nothing. */
static inline int ref_free(struct ref_heap *h, uintptr_t v)
{
	struct ref_node *node;
	size_t ni, si;

	if (!ref_find(h, v, &ni, &si))
		return -EINVAL;
	node = &h->nodes[ni];
	if (!node->segs[si].used || node->segs[si].start != v)
		return -EINVAL;
	node->segs[si].used = false;
	if (si + 1 < node->nr_segs && !node->segs[si + 1].used) {
		node->segs[si].end = node->segs[si + 1].end;
		ref_remove_seg(node, si + 1);
	}
	if (si > 0 && !node->segs[si - 1].used) {
		node->segs[si - 1].end = node->segs[si].end;
		ref_remove_seg(node, si);
	}
	if (h->trim_threshold >= 0)
		ref_trim(h, (size_t)h->trim_threshold);
	return 0;
}

/*
 * mems_realloc(@v, @size) of a block: in place when it shrinks (the
 * tail joins the hole after it or becomes one) or when the hole after it
 * holds the growth; else allocated anew by the rule and @v freed.  The
 * address in @out (0 after a free); @new_node as for ref_alloc().
 */
static inline int ref_realloc(struct ref_heap *h, uintptr_t v, size_t size,
			      uintptr_t *out, bool *new_node)
{
	struct ref_node *node;
	struct ref_seg *seg;
	size_t ni, si, n, have;
	int err;

	*new_node = false;
	if (!v)
		return ref_alloc(h, size, out, new_node);
	if (!ref_find(h, v, &ni, &si))
		return -EINVAL;
	node = &h->nodes[ni];
	seg = &node->segs[si];
	if (!seg->used || seg->start != v)
		return -EINVAL;
	if (!size) {
		*out = 0;
		return ref_free(h, v);
	}
	if (size > SIZE_MAX - (h->align - 1))
		return -ENOMEM;
	n = (size + h->align - 1) / h->align * h->align;
	have = ref_seg_size(seg);
	*out = v;
	if (n < have) {
		if (si + 1 < node->nr_segs && !node->segs[si + 1].used)
			node->segs[si + 1].start = v + n;
		else
			ref_insert_seg(node, si + 1, (struct ref_seg){
				.start = v + n, .end = seg->end, .used = false,
			});
		node->segs[si].end = v + n - 1;
		return 0;
	}
	if (n == have)
		return 0;
	if (si + 1 < node->nr_segs && !node->segs[si + 1].used &&
	    ref_seg_size(&node->segs[si + 1]) >= n - have) {
		seg->end = v + n - 1;
		if (node->segs[si + 1].end == seg->end)
			ref_remove_seg(node, si + 1);
		else
			node->segs[si + 1].start = v + n;
		return 0;
	}
	err = ref_alloc(h, size, out, new_node);
	if (err)
		return err;
	ref_free(h, v);
	return 0;
}

/* mems_get(@v): 0 and the physical address, or -EINVAL. */
static inline int ref_get(const struct ref_heap *h, uintptr_t v,
			  uintptr_t *phys)
{
	const struct ref_node *node;
	size_t ni, si;

	if (!ref_find(h, v, &ni, &si) || !h->nodes[ni].segs[si].used)
		return -EINVAL;
	node = &h->nodes[ni];
	*phys = node->phys + (v - node->vstart);
	return 0;
}

/* The mems_print_stats() report, malloc'd. */
static inline char *ref_report(const struct ref_heap *h)
{
	size_t pages = 0, unused = 0, i, j, len;
	char *text = NULL;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	fprintf(out, "----- MeMS SYSTEM STATS -----\n");
	for (i = 0; i < h->nr_nodes; i++) {
		const struct ref_node *node = &h->nodes[i];

		fprintf(out, "MAIN[%ju:%ju]->", (uintmax_t)node->vstart,
			(uintmax_t)node->vend);
		for (j = 0; j < node->nr_segs; j++) {
			const struct ref_seg *seg = &node->segs[j];

			fprintf(out, " %s[%ju:%ju] <->", seg->used ? "P" : "H",
				(uintmax_t)seg->start, (uintmax_t)seg->end);
			if (!seg->used)
				unused += ref_seg_size(seg);
		}
		fprintf(out, " NULL\n");
		pages += node->pages;
	}
	fprintf(out, "Pages used:\t%zu\n", pages);
	fprintf(out, "Space unused:\t%zu\n", unused);
	fprintf(out, "Main Chain Length:\t%zu\n", h->nr_nodes);
	fprintf(out, "Sub-chain Length array: [");
	for (i = 0; i < h->nr_nodes; i++)
		fprintf(out, "%zu, ", h->nodes[i].nr_segs);
	fprintf(out, "]\n-----------------------------\n");
	fclose(out);
	return text;
}

/* Upper end of the virtual addresses handed to nodes so far, plus one. */
static inline uintptr_t ref_top(const struct ref_heap *h)
{
	return h->next_vstart;
}

#endif /* MEMS_REFERENCE_H */
