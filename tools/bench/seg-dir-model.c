// SPDX-License-Identifier: MIT
/*
 * tools/bench/seg-dir-model.c - a segment directory, modelled beside a
 * real heap, to count what its upkeep would cost before the core is
 * rewritten for it (Documentation/performance.rst, "A segment
 * directory, modelled").
 *
 * The directory has a line of 64 bytes for every 1 KiB slot of the
 * space: the translation of the slot's node, the offsets of the
 * segments that start in the slot (a bit each for a block, and for a
 * node's first segment), the distance back to the start of the segment
 * holding the line's first byte and forward to the end of its last
 * segment, and a bit for the type of the segment holding its first
 * byte.  There are no records: a segment's end is the next start, a
 * hole's size the difference of its neighbours; with --hole-records a
 * hole also has one, as best-fit's and worst-fit's trees need, found
 * from its last byte's slot.  Carve, free and get are written as the
 * core would run them; the model keeps no policy index, so it counts
 * what would replace the chains' records and the address table, not
 * the search.
 *
 * The churn is churn-counts' (same seed, same sizes), run first through
 * the heap API with the policy named, recording where each block went;
 * the model then replays those placements, and model_replay() holds the
 * counted steps alone, for callgrind's --toggle-collect.  With --check
 * the model follows the heap instead, and after every step compares
 * each segment, each line's fields, each hole's record and get at both
 * ends of each segment with mems_heap_walk().  The model takes nodes
 * that are a whole number of slots (a page of 4096 bytes); a core with pages of
 * any size would also need a line's second translation where a node
 * starts inside a slot.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mems.h>
#include <mems/heap.h>
#include <mems/introspect.h>

#include "churn.h"

/*
 * The shifts of a line's starts are a few entries: a loop, as the core
 * would write it, not a call of memmove() that GCC would make of it.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

/*
 * Every helper of the counted path is inline, as the core's hot helpers
 * are (core/hole_map.c), so that the counts are of the work, not of
 * calls' frames.
 */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define MODEL_PAGE 4096

#define SLOT_SHIFT 10
#define SLOT_BYTES ((uintptr_t)1 << SLOT_SHIFT)
#define OFF_MASK (SLOT_BYTES - 1)
#define ENT_BLOCK 0x400u /* the segment starting here is a block */
#define ENT_NODE 0x800u /* and it is the first of its node */
#define LINE_CAP 22
#define LINE_FIRST_BLOCK 1u /* the segment holding the first byte */
#define LINE_EXT 2u /* the starts are in an array of their own */

struct line {
	intptr_t to_phys;
	uint32_t first_back; /* to the start holding byte 0; with starts */
	uint32_t next_fwd; /* to the end + 1 of the last segment */
	uint16_t nr;
	uint16_t flags;
	uint16_t ents[LINE_CAP];
};

_Static_assert(sizeof(struct line) == 64, "a line is a cache line");

/*
 * Addresses are the heap's less its base, so that slots start at
 * multiples of their size whatever the base.
 */
/*
 * With --hole-records, a hole also has a record, as best-fit's and
 * worst-fit's indexes would need one to link: found from the list of its
 * last byte's slot, as the hole map finds its holes today.  The index's
 * own links are its padding; their upkeep is the index's, not counted.
 */
struct hole_rec {
	uintptr_t start;
	uintptr_t end;
	struct hole_rec *next;
	struct hole_rec **pprev;
	char index_links[32];
};

_Static_assert(sizeof(struct hole_rec) == 64, "a record is a cache line");

struct dir {
	uintptr_t virt_base;
	uintptr_t end; /* the first address not handed out */
	struct line *lines;
	size_t nr_lines;
	size_t align;
	size_t ext_lines;
	bool hole_records;
	struct hole_rec **heads; /* by slot: the holes ending in it */
	struct hole_rec *free_recs;
	struct hole_rec *unused_recs;
	size_t nr_recs;
};

struct op {
	uintptr_t freed; /* 0 for the first blocks */
	uintptr_t carved;
	uint32_t bytes;
};

static bool checking;

static void die(const char *what)
{
	fprintf(stderr, "seg-dir-model: %s\n", what);
	exit(1);
}

static __always_inline uint16_t *line_ents(struct line *line)
{
	uint16_t *ext;

	if (!(line->flags & LINE_EXT))
		return line->ents;
	memcpy(&ext, line->ents, sizeof(ext));
	return ext;
}

static unsigned int ent_off(uint16_t ent)
{
	return ent & OFF_MASK;
}

static __always_inline struct line *line_of(const struct dir *d, uintptr_t v)
{
	return &d->lines[v >> SLOT_SHIFT];
}

static __always_inline uintptr_t line_base(const struct dir *d,
					   const struct line *line)
{
	return (uintptr_t)(line - d->lines) << SLOT_SHIFT;
}

/* The index of the start at offset @off, or -1. */
static __always_inline int line_find(struct line *line, unsigned int off)
{
	uint16_t *ents = line_ents(line);
	int i;

	for (i = 0; i < line->nr; i++)
		if (ent_off(ents[i]) >= off)
			return ent_off(ents[i]) == off ? i : -1;
	return -1;
}

/* The index of the last start at or below @off, or -1. */
static __always_inline int line_last_at_most(struct line *line,
					     unsigned int off)
{
	uint16_t *ents = line_ents(line);
	int i = line->nr - 1;

	while (i >= 0 && ent_off(ents[i]) > off)
		i--;
	return i;
}

/* A line past LINE_CAP starts moves them to an array of a slot's most. */
static void line_grow(struct dir *d, struct line *line)
{
	uint16_t *ext = malloc(SLOT_BYTES * sizeof(*ext));

	if (!ext)
		die("out of memory");
	memcpy(ext, line->ents, sizeof(line->ents));
	memcpy(line->ents, &ext, sizeof(ext));
	line->flags |= LINE_EXT;
	d->ext_lines++;
}

static __always_inline void line_insert(struct dir *d, struct line *line, int i,
					uint16_t ent)
{
	uint16_t *ents;
	int j;

	if (line->nr == LINE_CAP && !(line->flags & LINE_EXT))
		line_grow(d, line);
	ents = line_ents(line);
	for (j = line->nr; j > i; j--)
		ents[j] = ents[j - 1];
	ents[i] = ent;
	line->nr++;
}

static __always_inline void line_remove(struct line *line, int i)
{
	uint16_t *ents = line_ents(line);

	for (line->nr--; i < line->nr; i++)
		ents[i] = ents[i + 1];
}

/* The end of the segment starting at start @i of @line. */
static __always_inline uintptr_t seg_end(const struct dir *d, struct line *line,
					 int i)
{
	uintptr_t base = line_base(d, line);

	if (i + 1 < line->nr)
		return base + ent_off(line_ents(line)[i + 1]) - 1;
	return base + line->next_fwd - 1;
}

/* Lines whose first byte is in [@start, @end] now hold a block's or not. */
static __always_inline void lines_set_type(struct dir *d, uintptr_t start,
					   uintptr_t end, bool block)
{
	/* The first line whose first byte is at or after @start. */
	struct line *line = line_of(d, start + OFF_MASK);
	struct line *last = line_of(d, end);

	for (; line <= last; line++)
		line->flags = block ? line->flags | LINE_FIRST_BLOCK :
				      line->flags & ~LINE_FIRST_BLOCK;
}

/*
 * The segment [@start, @end] goes on past its own line: the line of the
 * start after it, when that start is not its line's first byte, has its
 * first byte in the segment.
 */
static __always_inline void line_after_starts_in(struct dir *d, uintptr_t start,
						 uintptr_t end)
{
	uintptr_t next = end + 1;
	struct line *line;

	if (!(next & OFF_MASK) || next >= d->end)
		return;
	line = line_of(d, next);
	if (line != line_of(d, start))
		line->first_back = (uint32_t)(line_base(d, line) - start);
}

static __always_inline struct hole_rec *
rec_alloc(struct dir *d, uintptr_t start, uintptr_t end)
{
	struct hole_rec *rec = d->free_recs;

	if (rec)
		d->free_recs = rec->next;
	else
		rec = d->unused_recs++;
	rec->start = start;
	rec->end = end;
	d->nr_recs++;
	return rec;
}

static __always_inline void rec_free(struct dir *d, struct hole_rec *rec)
{
	rec->next = d->free_recs;
	d->free_recs = rec;
	d->nr_recs--;
}

static __always_inline void rec_push(struct dir *d, struct hole_rec *rec)
{
	struct hole_rec **head = &d->heads[rec->end >> SLOT_SHIFT];

	rec->next = *head;
	if (*head)
		(*head)->pprev = &rec->next;
	*head = rec;
	rec->pprev = head;
}

static __always_inline void rec_unlink(struct hole_rec *rec)
{
	*rec->pprev = rec->next;
	if (rec->next)
		rec->next->pprev = rec->pprev;
}

/* The record of the hole that ends at @end; there is one. */
static __always_inline struct hole_rec *rec_ending_at(const struct dir *d,
						      uintptr_t end)
{
	struct hole_rec *rec = d->heads[end >> SLOT_SHIFT];

	while (rec->end != end)
		rec = rec->next;
	return rec;
}

/* A hole's end moves: its record joins the list of its new end's slot. */
static __always_inline void rec_set_end(struct dir *d, struct hole_rec *rec,
					uintptr_t end)
{
	bool same_slot = rec->end >> SLOT_SHIFT == end >> SLOT_SHIFT;

	if (!same_slot)
		rec_unlink(rec);
	rec->end = end;
	if (!same_slot)
		rec_push(d, rec);
}

static void dir_map_node(struct dir *d, uintptr_t len, intptr_t to_phys)
{
	struct line *line, *last;

	if ((d->end + len) >> SLOT_SHIFT > d->nr_lines)
		die("a space larger than the model's lines");
	line = line_of(d, d->end);
	last = line_of(d, d->end + len - 1);
	for (; line <= last; line++) {
		line->to_phys = to_phys;
		line->flags = 0;
		line->nr = 0;
	}
	line = line_of(d, d->end);
	line->ents[0] = ENT_NODE;
	line->nr = 1;
	line->first_back = 0;
	line->next_fwd = (uint32_t)len;
	if (d->hole_records)
		rec_push(d, rec_alloc(d, d->end, d->end + len - 1));
	d->end += len;
}

/*
 * The record of the hole a carve takes, which the policy's find hands
 * over in the core: read there, not looked for.  Out of line, so that
 * seg-dir-counts can subtract its cost as the index's; the caches still
 * see its reads.
 */
__attribute__((noinline)) struct hole_rec *
policy_hands_record(const struct dir *d, uintptr_t end)
{
	return rec_ending_at(d, end);
}

/* Carve @bytes from the low end of the hole that starts at @v. */
static __always_inline void dir_carve(struct dir *d, uintptr_t v, size_t bytes,
				      bool records)
{
	struct line *line = line_of(d, v);
	int i = line_find(line, v & OFF_MASK);
	uintptr_t hole_end, rest = v + bytes;
	struct line *rest_line;
	uint16_t *ents;

	if (checking && (i < 0 || line_ents(line)[i] & ENT_BLOCK))
		die("a carve that starts in no hole");
	hole_end = seg_end(d, line, i);
	if (checking && rest - 1 > hole_end)
		die("a carve larger than its hole");
	lines_set_type(d, v, rest - 1, true);
	ents = line_ents(line);
	ents[i] |= ENT_BLOCK;
	if (records) {
		struct hole_rec *rec = policy_hands_record(d, hole_end);

		if (rest - 1 == hole_end) {
			rec_unlink(rec);
			rec_free(d, rec);
		} else {
			rec->start = rest;
		}
	}
	if (rest - 1 == hole_end)
		return;
	rest_line = line_of(d, rest);
	if (rest_line == line) {
		line_insert(d, line, i + 1, (uint16_t)(rest & OFF_MASK));
	} else {
		line->next_fwd = (uint32_t)(rest - line_base(d, line));
		if (!rest_line->nr)
			rest_line->next_fwd =
				(uint32_t)(hole_end + 1 -
					   line_base(d, rest_line));
		line_insert(d, rest_line, 0, (uint16_t)(rest & OFF_MASK));
		rest_line->first_back = (uint32_t)(line_base(d, rest_line) - v);
	}
	line_after_starts_in(d, rest, hole_end);
}

/* The start of the segment holding the byte before @v, a line's first. */
static __always_inline uintptr_t start_before_line(struct dir *d,
						   struct line *line,
						   bool *block)
{
	uint16_t *ents;

	do
		line--;
	while (!line->nr);
	ents = line_ents(line);
	*block = ents[line->nr - 1] & ENT_BLOCK;
	return line_base(d, line) + ent_off(ents[line->nr - 1]);
}

/*
 * The holes' records when the block [@v, @end] is freed, with the hole
 * before it when @prev_hole, and the one after it, which ends at
 * @next_end, when @next_hole.
 */
static __always_inline void free_records(struct dir *d, bool prev_hole,
					 uintptr_t v, uintptr_t end,
					 bool next_hole, uintptr_t next_end)
{
	struct hole_rec *prev = NULL, *next = NULL;

	if (prev_hole)
		prev = rec_ending_at(d, v - 1);
	if (next_hole)
		next = rec_ending_at(d, next_end);
	if (prev && next) {
		next->start = prev->start;
		rec_unlink(prev);
		rec_free(d, prev);
	} else if (prev) {
		rec_set_end(d, prev, end);
	} else if (next) {
		next->start = v;
	} else {
		rec_push(d, rec_alloc(d, v, end));
	}
}

/* Free the block at @v; -EINVAL when no block starts there. */
static __always_inline int dir_free(struct dir *d, uintptr_t v, bool records)
{
	struct line *line, *next_line = NULL;
	uintptr_t end, start = v, merged_end;
	bool prev_hole = false, next_hole = false, block;
	uint16_t *ents;
	int i, j = -1;

	if (v >= d->end)
		return -EINVAL;
	line = line_of(d, v);
	i = line_find(line, v & OFF_MASK);
	ents = line_ents(line);
	if (i < 0 || !(ents[i] & ENT_BLOCK))
		return -EINVAL;
	end = seg_end(d, line, i);
	if (!(ents[i] & ENT_NODE)) {
		if (i) {
			prev_hole = !(ents[i - 1] & ENT_BLOCK);
			start = line_base(d, line) + ent_off(ents[i - 1]);
		} else if (v & OFF_MASK) {
			prev_hole = !(line->flags & LINE_FIRST_BLOCK);
			start = line_base(d, line) - line->first_back;
		} else {
			start = start_before_line(d, line, &block);
			prev_hole = !block;
		}
		if (!prev_hole)
			start = v;
	}
	merged_end = end;
	if (end + 1 < d->end) {
		next_line = line_of(d, end + 1);
		/* No start lies inside the block: the next is its line's first. */
		j = next_line == line ? i + 1 : 0;
		ents = line_ents(next_line);
		next_hole = !(ents[j] & (ENT_BLOCK | ENT_NODE));
		if (next_hole)
			merged_end = seg_end(d, next_line, j);
	}
	if (records)
		free_records(d, prev_hole, v, end, next_hole, merged_end);
	lines_set_type(d, v, end, false);
	if (next_hole)
		line_remove(next_line, j);
	if (prev_hole)
		line_remove(line, i);
	else
		line_ents(line)[i] &= ~ENT_BLOCK;
	line = line_of(d, start);
	if (line_of(d, merged_end + 1) != line || merged_end + 1 >= d->end)
		line->next_fwd =
			(uint32_t)(merged_end + 1 - line_base(d, line));
	line_after_starts_in(d, start, merged_end);
	return 0;
}

/* The translation of @v, NULL outside a block. */
static __always_inline void *dir_get(struct dir *d, uintptr_t v)
{
	struct line *line;
	bool block;
	int i;

	if (v >= d->end)
		return NULL;
	line = line_of(d, v);
	i = line_last_at_most(line, v & OFF_MASK);
	block = i < 0 ? line->flags & LINE_FIRST_BLOCK :
			line_ents(line)[i] & ENT_BLOCK;
	return block ? (void *)(v + line->to_phys) : NULL;
}

static __always_inline size_t dir_round(const struct dir *d, size_t size)
{
	return (size + d->align - 1) & ~(d->align - 1);
}

static __always_inline void dir_alloc(struct dir *d, uintptr_t v, size_t size,
				      bool records)
{
	size_t bytes = dir_round(d, size);

	if (v == d->end) {
		size_t len = (bytes + MODEL_PAGE - 1) / MODEL_PAGE * MODEL_PAGE;

		dir_map_node(d, len, 0x10000);
	}
	dir_carve(d, v, bytes, records);
}

/*
 * Every segment, as the lines describe it, against the heap's walk; and
 * the lines' own fields against the segments they summarise.
 */
struct walk_check {
	struct dir *d;
	uintptr_t expect; /* where the next segment starts */
	size_t holes;
};

/* The hole [@start, @end] has its record, in its end's slot's list. */
static bool hole_has_record(const struct dir *d, uintptr_t start, uintptr_t end)
{
	const struct hole_rec *rec = d->heads[end >> SLOT_SHIFT];

	for (; rec; rec = rec->next)
		if (rec->start == start && rec->end == end)
			return true;
	return false;
}

static int check_seg(const struct mems_node_info *node,
		     const struct mems_seg_info *seg, void *arg)
{
	struct walk_check *wc = arg;
	struct dir *d = wc->d;
	struct mems_seg_info rel = *seg;
	struct line *line;
	bool block = seg->type == MEMS_PROCESS;
	uintptr_t v;
	int i;

	(void)node;
	rel.vstart -= d->virt_base;
	rel.vend -= d->virt_base;
	seg = &rel;
	line = line_of(d, seg->vstart);
	if (seg->vstart != wc->expect)
		die("segments out of order");
	i = line_find(line, seg->vstart & OFF_MASK);
	if (i < 0)
		die("a segment without its start");
	if (!(line_ents(line)[i] & ENT_BLOCK) != !block)
		die("a start of the wrong type");
	if (seg_end(d, line, i) != seg->vend)
		die("a segment of the wrong end");
	for (v = (seg->vstart + OFF_MASK) & ~OFF_MASK; v && v <= seg->vend;
	     v += SLOT_BYTES) {
		struct line *l = line_of(d, v);

		if (!(l->flags & LINE_FIRST_BLOCK) != !block)
			die("a line's first byte of the wrong type");
		if (l->nr && ent_off(line_ents(l)[0]) &&
		    line_base(d, l) - l->first_back != seg->vstart)
			die("a line's first_back wrong");
		if (v + SLOT_BYTES - 1 < seg->vend && l != line && l->nr)
			die("a start inside a segment");
	}
	if ((dir_get(d, seg->vstart) != NULL) != block ||
	    (dir_get(d, seg->vend) != NULL) != block)
		die("get answers wrongly");
	if (!block && d->hole_records &&
	    !hole_has_record(d, seg->vstart, seg->vend))
		die("a hole without its record");
	wc->expect = seg->vend + 1;
	wc->holes += !block;
	return 0;
}

static void check_against(struct dir *d, struct mems_heap *heap)
{
	struct mems_walk_ops ops = { .seg = check_seg };
	struct walk_check wc = { .d = d, .expect = 0 };

	mems_heap_walk(heap, &ops, &wc);
	if (wc.expect != d->end)
		die("the space ends elsewhere");
	if (d->hole_records && d->nr_recs != wc.holes)
		die("records of holes that are gone");
}

/*
 * One step; @records is d->hole_records, a constant where the steps are
 * counted, so that a model without records does not test for them.
 */
static __always_inline void model_step(struct dir *d, const struct op *op,
				       bool records)
{
	uintptr_t carved = op->carved - d->virt_base;

	if (op->freed && dir_free(d, op->freed - d->virt_base, records))
		die("the model refused a free");
	dir_alloc(d, carved, op->bytes, records);
	if (!dir_get(d, carved))
		die("the model refused a get");
}

/* The counted steps: callgrind --toggle-collect=model_replay. */
__attribute__((noinline)) void model_replay(struct dir *d, const struct op *ops,
					    size_t n)
{
	struct dir local = *d; /* in registers, whatever the lines' stores */
	size_t i;

	if (local.hole_records)
		for (i = 0; i < n; i++)
			model_step(&local, &ops[i], true);
	else
		for (i = 0; i < n; i++)
			model_step(&local, &ops[i], false);
	*d = local;
}

/*
 * The churn of churn-counts through @heap, each placement recorded;
 * with --check, the model follows step by step, checked at each.
 */
static struct op *record_churn(struct mems_heap *heap, struct dir *d,
			       size_t live, size_t steps)
{
	struct mix_rng rng = { CHURN_SEED };
	struct op *ops = calloc(live + steps, sizeof(*ops));
	void **slots = calloc(live, sizeof(*slots));
	uint32_t victim, size;
	size_t i;

	if (!ops || !slots)
		die("out of memory");
	for (i = 0; i < live + steps; i++) {
		if (i < live) {
			victim = (uint32_t)i;
			size = churn_first_size(&rng);
		} else {
			churn_step(&rng, live, &victim, &size);
			ops[i].freed = (uintptr_t)slots[victim];
			if (mems_heap_free(heap, slots[victim]))
				die("mems_heap_free failed");
		}
		if (mems_heap_alloc(heap, size, &slots[victim]))
			die("mems_heap_alloc failed");
		ops[i].carved = (uintptr_t)slots[victim];
		ops[i].bytes = size;
		if (checking) {
			model_step(d, &ops[i], d->hole_records);
			check_against(d, heap);
		}
	}
	free(slots);
	return ops;
}

static void usage(FILE *out)
{
	fputs("Usage: seg-dir-model [--check] [--hole-records] POLICY LIVE "
	      "WARMUP STEPS\n"
	      "       seg-dir-model --policies\n"
	      "Run churn-counts' churn through a heap of POLICY, LIVE blocks\n"
	      "and WARMUP + STEPS steps, then replay its placements through\n"
	      "the segment directory model, the last STEPS in\n"
	      "model_replay().  --check follows the heap step by step\n"
	      "instead, checking the model against mems_heap_walk().\n"
	      "--hole-records gives each hole a record, found from its\n"
	      "last byte's slot, as best-fit's and worst-fit's indexes\n"
	      "would need.\n",
	      out);
}

static void *map_noreserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("cannot map the model's arrays");
	return p;
}

static size_t parse_count(const char *arg)
{
	char *end;
	unsigned long long value = strtoull(arg, &end, 10);

	if (end == arg || *end || *arg == '-') {
		usage(stderr);
		exit(2);
	}
	return value;
}

int main(int argc, char **argv)
{
	struct mems_heap_config config;
	struct mems_heap *heap;
	struct dir d = { 0 };
	size_t live, warmup, steps, i;
	struct op *ops;
	int a = 1;

	if (argc == 2 && !strcmp(argv[1], "--policies")) {
		churn_print_policies();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	for (; a < argc; a++) {
		if (!strcmp(argv[a], "--check"))
			checking = true;
		else if (!strcmp(argv[a], "--hole-records"))
			d.hole_records = true;
		else
			break;
	}
	if (argc - a != 4) {
		usage(stderr);
		return 2;
	}
	live = parse_count(argv[a + 1]);
	warmup = parse_count(argv[a + 2]);
	steps = parse_count(argv[a + 3]);
	mems_default_config(&config);
	config.policy = argv[a];
	config.page_size = MODEL_PAGE;
	if (mems_heap_create(&config, &heap))
		die("POLICY names no policy of this build");
	d.virt_base = config.virt_base;
	d.align = config.align;
	/*
	 * Room for a space of 64 GiB and as many holes as slots; only what
	 * is written is mapped.
	 */
	d.nr_lines = (size_t)1 << 26;
	d.lines = map_noreserve(d.nr_lines * sizeof(*d.lines));
	if (d.hole_records) {
		d.heads = map_noreserve(d.nr_lines * sizeof(*d.heads));
		d.unused_recs =
			map_noreserve(d.nr_lines * sizeof(*d.unused_recs));
	}
	ops = record_churn(heap, &d, live, warmup + steps);
	if (checking) {
		printf("%zu steps checked against the heap\n", warmup + steps);
		return 0;
	}
	for (i = 0; i < live + warmup; i++)
		model_step(&d, &ops[i], d.hole_records);
	model_replay(&d, ops + live + warmup, steps);
	printf("%zu lines, %zu with starts in an array of their own\n",
	       (size_t)(d.end >> SLOT_SHIFT), d.ext_lines);
	return 0;
}
