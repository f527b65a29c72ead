// SPDX-License-Identifier: MIT
/*
 * tools/dump/render_text.c - a snapshot as the mems_print_stats() report.
 *
 * Byte for byte what core/stats.c prints for the same chains (the
 * contract's report format), so that a replay reproduces the program's
 * output; mems-dump --check compares the two at every dump.
 */
#include <errno.h>
#include <inttypes.h>

#include "snapshot.h"

int render_text(FILE *out, const struct snapshot *snap)
{
	size_t pages = 0, unused = 0, i, k;

	fputs("----- MeMS SYSTEM STATS -----\n", out);
	for (i = 0; i < snap->nr_nodes; i++) {
		const struct snap_node *node = &snap->nodes[i];

		fprintf(out, "MAIN[%" PRIuPTR ":%" PRIuPTR "]->", node->vstart,
			node->vend);
		for (k = node->first_seg; k < node->first_seg + node->nr_segs;
		     k++) {
			const struct snap_seg *seg = &snap->segs[k];

			fprintf(out, " %c[%" PRIuPTR ":%" PRIuPTR "] <->",
				seg->is_hole ? 'H' : 'P', seg->vstart,
				seg->vend);
			if (seg->is_hole)
				unused += seg->vend - seg->vstart + 1;
		}
		fputs(" NULL\n", out);
		pages += node->pages;
	}
	fprintf(out, "Pages used:\t%zu\n", pages);
	fprintf(out, "Space unused:\t%zu\n", unused);
	fprintf(out, "Main Chain Length:\t%zu\n", snap->nr_nodes);
	fputs("Sub-chain Length array: [", out);
	for (i = 0; i < snap->nr_nodes; i++)
		fprintf(out, "%zu, ", snap->nodes[i].nr_segs);
	fputs("]\n-----------------------------\n", out);
	return ferror(out) ? -EIO : 0;
}
