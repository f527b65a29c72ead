// SPDX-License-Identifier: MIT
/*
 * core/stats.c - the mems_print_stats() report.
 *
 * The report is part of the contract, byte for byte, so it is written
 * from one place by walking the chains, which are the structure of record.
 */
#include <inttypes.h>

#include "types.h"

struct stats_totals {
	size_t pages;
	size_t unused;
	size_t nodes;
};

static void node_print(const struct mems_node *node, FILE *out,
		       struct stats_totals *totals)
{
	const struct mems_seg *seg;

	fprintf(out, "MAIN[%" PRIuPTR ":%" PRIuPTR "]->", node->vstart,
		node->vend);
	node_for_each_seg(seg, node) {
		fprintf(out, " %c[%" PRIuPTR ":%" PRIuPTR "] <->",
			seg_is_hole(seg) ? 'H' : 'P', seg->vstart, seg->vend);
		if (seg_is_hole(seg))
			totals->unused += seg_size(seg);
	}
	fputs(" NULL\n", out);
	totals->pages += node->pages;
	totals->nodes++;
}

void mems_heap_print_stats(const struct mems_heap *heap, FILE *out)
{
	struct stats_totals totals = { 0 };
	const struct mems_node *node;
	heap_guard(heap);

	fputs("----- MeMS SYSTEM STATS -----\n", out);
	if (heap)
		heap_for_each_node(node, heap)
			node_print(node, out, &totals);
	fprintf(out, "Pages used:\t%zu\n", totals.pages);
	fprintf(out, "Space unused:\t%zu\n", totals.unused);
	fprintf(out, "Main Chain Length:\t%zu\n", totals.nodes);
	fputs("Sub-chain Length array: [", out);
	if (heap)
		heap_for_each_node(node, heap)
			fprintf(out, "%zu, ", node_nr_segs(node));
	fputs("]\n-----------------------------\n", out);
}
