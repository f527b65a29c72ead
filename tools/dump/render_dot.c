// SPDX-License-Identifier: MIT
/*
 * tools/dump/render_dot.c - snapshots as a Graphviz digraph.
 *
 * Graphviz reads one graph per file, so a run with several dumps writes
 * one digraph holding a cluster per dump; a single dump is the same
 * digraph with one cluster.  In a cluster the main nodes stand in a
 * column, linked in chain order, and each one's segments run to its
 * right, both chains drawn doubly linked as they are.
 */
#include <errno.h>
#include <inttypes.h>

#include "dump.h"

/* @s as the inside of a DOT string: quotes and backslashes escaped. */
static void dot_put_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

int render_dot_begin(FILE *out)
{
	fputs("digraph mems {\n"
	      "\trankdir=LR;\n"
	      "\tnode [shape=box, fontname=\"monospace\", fontsize=10];\n"
	      "\tedge [dir=both, arrowsize=0.5];\n",
	      out);
	return ferror(out) ? -EIO : 0;
}

int render_dot_end(FILE *out)
{
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}

static void dot_segments(FILE *out, const struct snapshot *snap,
			 const struct snap_node *node, size_t index,
			 size_t node_index)
{
	size_t k;

	for (k = 0; k < node->nr_segs; k++) {
		size_t s = node->first_seg + k;
		const struct snap_seg *seg = &snap->segs[s];

		fprintf(out,
			"\t\td%zu_s%zu [label=\"%c[%" PRIuPTR ":%" PRIuPTR
			"]\\n%ju bytes\", style=filled, fillcolor=\"%s\"];\n",
			index, s, seg->is_hole ? 'H' : 'P', seg->vstart,
			seg->vend, (uintmax_t)(seg->vend - seg->vstart) + 1,
			seg->is_hole ? "#ffffff" : "#9ec5e8");
		if (k)
			fprintf(out, "\t\td%zu_s%zu -> d%zu_s%zu;\n", index,
				s - 1, index, s);
		else
			fprintf(out,
				"\t\td%zu_n%zu -> d%zu_s%zu [dir=forward];\n",
				index, node_index, index, s);
	}
}

int render_dot_cluster(FILE *out, const struct snapshot *snap,
		       const struct dump_label *label, size_t index)
{
	size_t i;

	fprintf(out, "\tsubgraph cluster_%zu {\n\t\tlabel=\"", index);
	if (label && label->trace) {
		dot_put_escaped(out, label->trace);
		fputs(": ", out);
	}
	fprintf(out, "step %lu, ", snap->step);
	dot_put_escaped(out, snap->policy ? snap->policy : "");
	fprintf(out, ", page size %zu\";\n", snap->page_size);
	fprintf(out, "\t\td%zu_null [label=\"NULL\", shape=plaintext];\n",
		index);
	for (i = 0; i < snap->nr_nodes; i++) {
		const struct snap_node *node = &snap->nodes[i];

		fprintf(out,
			"\t\td%zu_n%zu [label=\"MAIN[%" PRIuPTR ":%" PRIuPTR
			"]\\n%zu page%s\", style=bold];\n",
			index, i, node->vstart, node->vend, node->pages,
			node->pages == 1 ? "" : "s");
		if (i)
			fprintf(out, "\t\td%zu_n%zu -> d%zu_n%zu;\n", index,
				i - 1, index, i);
		dot_segments(out, snap, node, index, i);
	}
	if (snap->nr_nodes)
		fprintf(out, "\t\td%zu_n%zu -> d%zu_null [dir=forward];\n",
			index, snap->nr_nodes - 1, index);
	/* The main chain reads top to bottom in one column. */
	fprintf(out, "\t\t{ rank=same; d%zu_null;", index);
	for (i = 0; i < snap->nr_nodes; i++)
		fprintf(out, " d%zu_n%zu;", index, i);
	fputs(" }\n\t}\n", out);
	return ferror(out) ? -EIO : 0;
}

int render_dot(FILE *out, const struct snapshot *snap)
{
	render_dot_begin(out);
	render_dot_cluster(out, snap, NULL, 0);
	return render_dot_end(out);
}
