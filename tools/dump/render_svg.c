// SPDX-License-Identifier: MIT
/*
 * tools/dump/render_svg.c - the free list of one snapshot as an SVG picture.
 *
 * One row per main node, top to bottom in chain order; each row is a bar
 * as wide as the picture, so segment boxes are proportional within their
 * node only (nodes differ in size by orders of magnitude, a common scale
 * would make the small ones invisible).  The label at the row start gives
 * the node's range and size, so rows can still be compared.
 *
 * The picture must stay readable, and small, from one node to 10^4:
 * - more than RENDER_MAX_ROWS nodes: each row stands for a group of
 *   consecutive nodes, drawn as a stacked bar of PROCESS and HOLE bytes;
 * - segments narrower than the merge width are gathered into summary boxes
 *   at least that wide, whose blue height is the PROCESS share and whose
 *   tooltip counts the segments; an orange rule under the bar marks them.
 *   The merge width starts at one pixel and doubles until the number of
 *   boxes fits RENDER_BOX_BUDGET.
 *
 * Text widths are estimated from a monospace font (0.6 em per character);
 * a segment gets its [start:end] label only when the estimate fits its box.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "snapshot.h"
#include "svg_util.h"

#define RENDER_MAX_ROWS		200
#define RENDER_BOX_BUDGET	8000
#define RENDER_MAX_MERGE_PX	32.0
#define RENDER_MIN_WIDTH	1200.0
#define RENDER_MIN_BAR		400.0
#define MARGIN			16.0
#define HEADER_HEIGHT		112.0
#define ROW_PITCH		36.0
#define BAR_HEIGHT		22.0
#define MARK_HEIGHT		3.0
#define LABEL_CHAR_W		7.2	/* 12px monospace */
#define SEG_CHAR_W		6.6	/* 11px monospace */
#define LABEL_LEN		128

/* Blue/orange are told apart by every common colour-vision deficiency. */
static const char svg_defs[] =
	"<defs>\n"
	"<pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\""
	" height=\"6\" patternTransform=\"rotate(45)\">"
	"<rect width=\"6\" height=\"6\" fill=\"" PALETTE_HOLE "\"/>"
	"<rect width=\"2\" height=\"6\" fill=\"" PALETTE_HOLE_STRIPE
	"\"/></pattern>\n"
	"<style type=\"text/css\"><![CDATA[\n"
	"text{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;"
	"font-size:12px;fill:#1a1a1a}\n"
	".hd{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif}\n"
	".t{font-size:17px;font-weight:bold}\n"
	".p{fill:" PALETTE_PROCESS "}\n"
	".h{fill:url(#hatch)}\n"
	".e{stroke:#ffffff;stroke-width:1}\n"
	".mk{fill:" PALETTE_MERGED "}\n"
	".fr{fill:none;stroke:#3c3c3c;stroke-width:1}\n"
	".l1{font-weight:bold}\n"
	".l2{font-size:11px;fill:#505050}\n"
	".sp,.sh{font-size:11px;text-anchor:middle;pointer-events:none}\n"
	".sp{fill:#ffffff}\n"
	".sh{fill:#1d3a1d}\n"
	".note{font-size:13px;fill:#505050}\n"
	"]]></style>\n"
	"</defs>\n";

/* A row: one node, or a group of consecutive nodes. */
struct row {
	const struct snap_node *nodes;
	size_t nr_nodes;
	uintptr_t vstart;
	uintptr_t vend;
	size_t pages;
	size_t nr_segs;
	uintmax_t bytes;	/* spanned by its nodes */
	uintmax_t process;
	uintmax_t hole;
};

struct layout {
	double width;
	double height;
	double bar_x;
	double bar_w;
	double merge_px;
	int merges;		/* some node has two narrow neighbours */
	size_t group;		/* nodes per row */
	size_t nr_rows;
};

/* Consecutive segments too narrow to draw, waiting to become one box. */
struct run {
	const struct snap_seg *first;
	uintptr_t vend;
	size_t nr;
	size_t nr_holes;
	uintmax_t process;
	uintmax_t hole;
};

/* "1000 B", or "2096 B (2.05 KiB)" where the exact count is hard to read. */
static void exact_bytes(char *buf, size_t len, uintmax_t bytes)
{
	char human[32];

	if (bytes < 1024) {
		snprintf(buf, len, "%ju B", bytes);
		return;
	}
	human_bytes(human, sizeof(human), bytes);
	snprintf(buf, len, "%ju B (%s)", bytes, human);
}

static uintmax_t seg_bytes(const struct snap_seg *seg)
{
	return seg->vend >= seg->vstart ? seg->vend - seg->vstart + 1 : 0;
}

static double span_bytes(uintptr_t vstart, uintptr_t vend)
{
	return (double)(vend - vstart) + 1.0;
}

static double percent(uintmax_t part, uintmax_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Refuses what would make us read outside the arrays. */
static int snapshot_validate(const struct snapshot *snap)
{
	size_t i;

	if (snap->nr_nodes && !snap->nodes)
		return -EINVAL;
	if (snap->nr_segs && !snap->segs)
		return -EINVAL;
	for (i = 0; i < snap->nr_nodes; i++) {
		const struct snap_node *node = &snap->nodes[i];

		if (node->vend < node->vstart ||
		    node->first_seg > snap->nr_segs ||
		    node->nr_segs > snap->nr_segs - node->first_seg)
			return -EINVAL;
	}
	return 0;
}

static void row_take(const struct snapshot *snap, struct row *row,
		     size_t first, size_t count)
{
	size_t i, j;

	memset(row, 0, sizeof(*row));
	row->nodes = &snap->nodes[first];
	row->nr_nodes = count;
	row->vstart = row->nodes[0].vstart;
	row->vend = row->nodes[count - 1].vend;
	for (i = 0; i < count; i++) {
		const struct snap_node *node = &row->nodes[i];
		const struct snap_seg *segs = &snap->segs[node->first_seg];

		row->pages += node->pages;
		row->bytes += (uintmax_t)(node->vend - node->vstart) + 1;
		row->nr_segs += node->nr_segs;
		for (j = 0; j < node->nr_segs; j++) {
			if (segs[j].is_hole)
				row->hole += seg_bytes(&segs[j]);
			else
				row->process += seg_bytes(&segs[j]);
		}
	}
}

/* Row @i of the layout; the last group may hold fewer nodes. */
static void layout_row(const struct snapshot *snap,
		       const struct layout *lay, size_t i, struct row *row)
{
	size_t first = i * lay->group;
	size_t count = snap->nr_nodes - first;

	if (count > lay->group)
		count = lay->group;
	row_take(snap, row, first, count);
}

static void row_labels(const struct row *row, char *l1, char *l2)
{
	char size[32];

	if (row->nr_nodes == 1)
		snprintf(l1, LABEL_LEN, "MAIN[%" PRIuPTR ":%" PRIuPTR "]",
			 row->vstart, row->vend);
	else
		snprintf(l1, LABEL_LEN,
			 "MAIN[%" PRIuPTR ":%" PRIuPTR "] (%zu nodes)",
			 row->vstart, row->vend, row->nr_nodes);
	human_bytes(size, sizeof(size), row->bytes);
	snprintf(l2, LABEL_LEN, "%zu page%s \xc2\xb7 %s \xc2\xb7 %zu seg%s",
		 row->pages, row->pages == 1 ? "" : "s", size,
		 row->nr_segs, row->nr_segs == 1 ? "" : "s");
}

/* Upper bound of boxes: wide segments plus runs, two per merge width. */
static size_t boxes_estimate(const struct snapshot *snap, double bar_w,
			     double merge_px)
{
	size_t per_node = (size_t)(2.0 * bar_w / merge_px) + 1;
	size_t total = 0, i;

	for (i = 0; i < snap->nr_nodes; i++) {
		size_t n = snap->nodes[i].nr_segs;

		total += n < per_node ? n : per_node;
	}
	return total;
}

/*
 * A run only ever holds more than one segment when two neighbours are
 * both narrow, so this says whether the legend needs the summary box.
 */
static int layout_merges(const struct snapshot *snap,
			 const struct layout *lay)
{
	const struct snap_node *node;
	const struct snap_seg *segs;
	double scale;
	int narrow, prev;
	size_t i, j;

	for (i = 0; i < snap->nr_nodes; i++) {
		node = &snap->nodes[i];
		segs = &snap->segs[node->first_seg];
		scale = lay->bar_w / span_bytes(node->vstart, node->vend);
		prev = 0;
		for (j = 0; j < node->nr_segs; j++) {
			narrow = seg_bytes(&segs[j]) * scale < lay->merge_px;
			if (narrow && prev)
				return 1;
			prev = narrow;
		}
	}
	return 0;
}

static void layout_compute(const struct snapshot *snap, struct layout *lay)
{
	char l1[LABEL_LEN], l2[LABEL_LEN];
	double label_w = 0.0, w;
	struct row row;
	size_t i;

	memset(lay, 0, sizeof(*lay));
	lay->group = (snap->nr_nodes + RENDER_MAX_ROWS - 1) / RENDER_MAX_ROWS;
	if (!lay->group)
		lay->group = 1;
	lay->nr_rows = (snap->nr_nodes + lay->group - 1) / lay->group;
	for (i = 0; i < lay->nr_rows; i++) {
		layout_row(snap, lay, i, &row);
		row_labels(&row, l1, l2);
		w = strlen(l1) * LABEL_CHAR_W;
		if (w > label_w)
			label_w = w;
		/* the two middle dots are two bytes each, one column wide */
		w = (strlen(l2) - 2) * SEG_CHAR_W;
		if (w > label_w)
			label_w = w;
	}
	/* whole pixels, so that merged boxes can be snapped to them */
	lay->bar_x = (double)(size_t)(MARGIN + label_w + 12.0);
	lay->width = lay->bar_x + RENDER_MIN_BAR + MARGIN;
	if (lay->width < RENDER_MIN_WIDTH)
		lay->width = RENDER_MIN_WIDTH;
	lay->bar_w = lay->width - MARGIN - lay->bar_x;
	lay->height = HEADER_HEIGHT + (lay->nr_rows ? lay->nr_rows : 1) *
		      ROW_PITCH + MARGIN;
	lay->merge_px = 1.0;
	if (lay->group > 1)
		return;
	while (lay->merge_px < RENDER_MAX_MERGE_PX &&
	       boxes_estimate(snap, lay->bar_w, lay->merge_px) >
	       RENDER_BOX_BUDGET)
		lay->merge_px *= 2.0;
	lay->merges = layout_merges(snap, lay);
}

static void header_print(FILE *out, const struct snapshot *snap,
			 const struct layout *lay)
{
	uintmax_t process = 0, hole = 0;
	size_t pages = 0, holes = 0, i;
	char buf[64];

	for (i = 0; i < snap->nr_nodes; i++)
		pages += snap->nodes[i].pages;
	for (i = 0; i < snap->nr_segs; i++) {
		if (snap->segs[i].is_hole) {
			hole += seg_bytes(&snap->segs[i]);
			holes++;
		} else {
			process += seg_bytes(&snap->segs[i]);
		}
	}

	fprintf(out, "<text class=\"hd t\" x=\"%.0f\" y=\"26\">"
		"MeMS free list \xe2\x80\x94 policy ", MARGIN);
	xml_puts(out, snap->policy ? snap->policy : "?");
	fprintf(out, ", page size %zu B, step %lu</text>\n",
		snap->page_size, snap->step);

	exact_bytes(buf, sizeof(buf), hole);
	fprintf(out, "<text class=\"hd\" x=\"%.0f\" y=\"48\">"
		"Pages used: %zu \xc2\xb7 Space unused: %s \xc2\xb7 "
		"Main chain length: %zu \xc2\xb7 Segments: %zu "
		"(%zu PROCESS, %zu HOLE)", MARGIN, pages, buf,
		snap->nr_nodes, snap->nr_segs, snap->nr_segs - holes, holes);
	human_bytes(buf, sizeof(buf), process);
	fprintf(out, " \xc2\xb7 In use: %s (%.1f%%)</text>\n", buf,
		percent(process, process + hole));

	fprintf(out, "<text class=\"hd note\" x=\"%.0f\" y=\"68\">", MARGIN);
	if (lay->group > 1)
		fprintf(out, "%zu nodes: one row per %zu consecutive nodes "
			"(%zu rows), bars show their PROCESS/HOLE byte shares",
			snap->nr_nodes, lay->group, lay->nr_rows);
	else
		fprintf(out, "One row per main node; each bar spans its own "
			"node, so widths compare within a row only");
	if (lay->merges)
		fprintf(out, "; segments narrower than %.0f px are merged",
			lay->merge_px);
	fputs("</text>\n", out);
}

static void legend_print(FILE *out, const struct layout *lay)
{
	double x = MARGIN, y = 80.0;

	fprintf(out, "<rect class=\"p\" x=\"%.0f\" y=\"%.0f\" width=\"28\" "
		"height=\"14\"/>\n"
		"<text class=\"hd\" x=\"%.0f\" y=\"%.0f\">PROCESS "
		"(allocated)</text>\n", x, y, x + 34, y + 12);
	x += 180;
	fprintf(out, "<rect class=\"h\" x=\"%.0f\" y=\"%.0f\" width=\"28\" "
		"height=\"14\"/><rect class=\"fr\" x=\"%.0f\" y=\"%.0f\" "
		"width=\"28\" height=\"14\"/>\n"
		"<text class=\"hd\" x=\"%.0f\" y=\"%.0f\">HOLE (free)</text>\n",
		x, y, x, y, x + 34, y + 12);
	x += 140;
	if (lay->group > 1) {
		fprintf(out, "<text class=\"hd\" x=\"%.0f\" y=\"%.0f\">"
			"grouped rows: PROCESS bytes of the group first, then "
			"its HOLE bytes</text>\n", x, y + 12);
		return;
	}
	if (!lay->merges)
		return;
	fprintf(out, "<rect class=\"h\" x=\"%.0f\" y=\"%.0f\" width=\"28\" "
		"height=\"14\"/><rect class=\"p\" x=\"%.0f\" y=\"%.0f\" "
		"width=\"28\" height=\"6\"/><rect class=\"mk\" x=\"%.0f\" "
		"y=\"%.0f\" width=\"28\" height=\"%.0f\"/>\n"
		"<text class=\"hd\" x=\"%.0f\" y=\"%.0f\">merged run of narrow "
		"segments (orange rule): blue height = PROCESS share; hover "
		"for details</text>\n",
		x, y, x, y + 8, x, y + 15, MARK_HEIGHT, x + 34, y + 12);
}

static void row_label_print(FILE *out, const struct row *row, double y)
{
	char l1[LABEL_LEN], l2[LABEL_LEN], buf[2][64];

	row_labels(row, l1, l2);
	exact_bytes(buf[0], sizeof(buf[0]), row->process);
	exact_bytes(buf[1], sizeof(buf[1]), row->hole);
	fprintf(out, "<g><title>%s: %s; PROCESS %s (%.1f%%), HOLE %s"
		"</title>\n", l1, l2, buf[0],
		percent(row->process, row->process + row->hole), buf[1]);
	fprintf(out, "<text class=\"l1\" x=\"%.0f\" y=\"%.1f\">%s</text>\n",
		MARGIN, y + 10.0, l1);
	fprintf(out, "<text class=\"l2\" x=\"%.0f\" y=\"%.1f\">%s</text>"
		"</g>\n", MARGIN, y + 24.0, l2);
}

static void seg_print(FILE *out, const struct snap_seg *seg, double x,
		      double w, double y)
{
	const char *type = seg->is_hole ? "HOLE" : "PROCESS";
	char label[64], size[64];
	int len;

	exact_bytes(size, sizeof(size), seg_bytes(seg));
	/* A white edge parts two neighbours of one type; not on slivers. */
	fprintf(out, "<rect class=\"%s%s\" x=\"%.2f\" y=\"%.1f\" "
		"width=\"%.2f\" height=\"%.0f\"><title>%s [%" PRIuPTR ":%"
		PRIuPTR "] %s</title></rect>\n",
		seg->is_hole ? "h" : "p", w >= 4.0 ? " e" : "", x, y, w,
		BAR_HEIGHT, type, seg->vstart, seg->vend, size);
	len = snprintf(label, sizeof(label), "[%" PRIuPTR ":%" PRIuPTR "]",
		       seg->vstart, seg->vend);
	if (len * SEG_CHAR_W + 6.0 > w)
		return;
	fprintf(out, "<text class=\"%s\" x=\"%.2f\" y=\"%.1f\">%s</text>\n",
		seg->is_hole ? "sh" : "sp", x + w / 2.0, y + 15.0, label);
}

/* A summary box: hatched, with the PROCESS share rising from its bottom. */
static void run_print(FILE *out, const struct run *run, double x, double w,
		      double y)
{
	uintmax_t total = run->process + run->hole;
	double ph = BAR_HEIGHT * (total ? (double)run->process / total : 0);
	double x0 = (double)(long)(x + 0.5), x1 = (double)(long)(x + w + 0.5);
	char buf[2][64];

	/*
	 * Neighbouring boxes share an edge; on whole pixels they meet
	 * without the anti-aliased seam that would let the hatch show.
	 */
	if (x1 > x0) {
		x = x0;
		w = x1 - x0;
	}

	exact_bytes(buf[0], sizeof(buf[0]), run->process);
	exact_bytes(buf[1], sizeof(buf[1]), run->hole);
	fprintf(out, "<g><title>%zu segments merged (%zu PROCESS, %zu HOLE) "
		"[%" PRIuPTR ":%" PRIuPTR "]: PROCESS %s (%.1f%%), HOLE %s"
		"</title>", run->nr, run->nr - run->nr_holes, run->nr_holes,
		run->first->vstart, run->vend, buf[0],
		percent(run->process, total), buf[1]);
	fprintf(out, "<rect class=\"h\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
		"height=\"%.0f\"/>", x, y, w, BAR_HEIGHT);
	if (ph > 0.0)
		fprintf(out, "<rect class=\"p\" x=\"%.2f\" y=\"%.2f\" "
			"width=\"%.2f\" height=\"%.2f\"/>",
			x, y + BAR_HEIGHT - ph, w, ph);
	fputs("</g>\n", out);
}

/* One node's bar being drawn, left to right. */
struct bar {
	FILE *out;
	const struct layout *lay;
	const struct snap_node *node;
	double scale;		/* pixels per byte */
	double y;
	double mark_x;		/* start of the pending orange rule, or < 0 */
	double mark_end;
	struct run run;
};

static double bar_x(const struct bar *bar, uintptr_t v)
{
	if (v < bar->node->vstart)
		v = bar->node->vstart;
	if (v > bar->node->vend)
		return bar->lay->bar_x + bar->lay->bar_w;
	return bar->lay->bar_x + (double)(v - bar->node->vstart) * bar->scale;
}

static double bar_seg_end(const struct bar *bar, uintptr_t vend)
{
	if (vend >= bar->node->vend)
		return bar->lay->bar_x + bar->lay->bar_w;
	return bar_x(bar, vend + 1);
}

static void bar_mark_flush(struct bar *bar)
{
	if (bar->mark_x < 0.0)
		return;
	fprintf(bar->out, "<rect class=\"mk\" x=\"%.2f\" y=\"%.1f\" "
		"width=\"%.2f\" height=\"%.0f\"/>\n", bar->mark_x,
		bar->y + BAR_HEIGHT + 1.0, bar->mark_end - bar->mark_x,
		MARK_HEIGHT);
	bar->mark_x = -1.0;
}

static void bar_run_flush(struct bar *bar)
{
	struct run *run = &bar->run;
	double x, w;

	if (!run->nr)
		return;
	x = bar_x(bar, run->first->vstart);
	w = bar_seg_end(bar, run->vend) - x;
	if (run->nr == 1) {
		seg_print(bar->out, run->first, x, w, bar->y);
	} else {
		run_print(bar->out, run, x, w, bar->y);
		if (bar->mark_x < 0.0)
			bar->mark_x = x;
		bar->mark_end = x + w;
	}
	memset(run, 0, sizeof(*run));
}

static void bar_run_add(struct bar *bar, const struct snap_seg *seg)
{
	struct run *run = &bar->run;

	if (!run->nr)
		run->first = seg;
	run->vend = seg->vend;
	run->nr++;
	if (seg->is_hole) {
		run->nr_holes++;
		run->hole += seg_bytes(seg);
	} else {
		run->process += seg_bytes(seg);
	}
}

/* Draws one node's bar, merging segments narrower than lay->merge_px. */
static void node_bar_print(FILE *out, const struct snapshot *snap,
			   const struct layout *lay,
			   const struct snap_node *node, double y)
{
	const struct snap_seg *segs = &snap->segs[node->first_seg];
	struct bar bar = {
		.out = out, .lay = lay, .node = node, .y = y, .mark_x = -1.0,
		.scale = lay->bar_w / span_bytes(node->vstart, node->vend),
	};
	double x, w;
	size_t i;

	for (i = 0; i < node->nr_segs; i++) {
		x = bar_x(&bar, segs[i].vstart);
		w = bar_seg_end(&bar, segs[i].vend) - x;
		if (w >= lay->merge_px) {
			bar_run_flush(&bar);
			bar_mark_flush(&bar);
			seg_print(out, &segs[i], x, w, y);
			continue;
		}
		bar_run_add(&bar, &segs[i]);
		if (bar_seg_end(&bar, bar.run.vend) -
		    bar_x(&bar, bar.run.first->vstart) >= lay->merge_px)
			bar_run_flush(&bar);
	}
	bar_run_flush(&bar);
	bar_mark_flush(&bar);
}

/* The share's name too where it fits, the figure alone where not. */
static void share_label_print(FILE *out, const char *cls, const char *type,
			      double x, double w, double y, double pct)
{
	if (w < 60.0)
		return;
	fprintf(out, "<text class=\"%s\" x=\"%.2f\" y=\"%.1f\">%s%s%.1f%%"
		"</text>\n", cls, x + w / 2.0, y + 15.0, w >= 140.0 ? type : "",
		w >= 140.0 ? " " : "", pct);
}

static void group_bar_print(FILE *out, const struct layout *lay,
			    const struct row *row, double y)
{
	uintmax_t total = row->process + row->hole;
	double pw = total ? lay->bar_w * (double)row->process / total : 0.0;
	double hw = lay->bar_w - pw;
	char buf[2][64];

	exact_bytes(buf[0], sizeof(buf[0]), row->process);
	exact_bytes(buf[1], sizeof(buf[1]), row->hole);
	if (pw > 0.0)
		fprintf(out, "<rect class=\"p\" x=\"%.2f\" y=\"%.1f\" "
			"width=\"%.2f\" height=\"%.0f\"><title>PROCESS %s "
			"(%.1f%%) in %zu nodes [%" PRIuPTR ":%" PRIuPTR "]"
			"</title></rect>\n", lay->bar_x, y, pw, BAR_HEIGHT,
			buf[0], percent(row->process, total), row->nr_nodes,
			row->vstart, row->vend);
	if (hw > 0.0)
		fprintf(out, "<rect class=\"h\" x=\"%.2f\" y=\"%.1f\" "
			"width=\"%.2f\" height=\"%.0f\"><title>HOLE %s "
			"(%.1f%%) in %zu nodes [%" PRIuPTR ":%" PRIuPTR "]"
			"</title></rect>\n", lay->bar_x + pw, y, hw, BAR_HEIGHT,
			buf[1], percent(row->hole, total), row->nr_nodes,
			row->vstart, row->vend);
	share_label_print(out, "sp", "PROCESS", lay->bar_x, pw, y,
			  percent(row->process, total));
	share_label_print(out, "sh", "HOLE", lay->bar_x + pw, hw, y,
			  percent(row->hole, total));
}

static void rows_print(FILE *out, const struct snapshot *snap,
		       const struct layout *lay)
{
	struct row row;
	double y;
	size_t i;

	if (!lay->nr_rows) {
		fprintf(out, "<text class=\"hd note\" x=\"%.0f\" y=\"%.0f\">"
			"No main node: the free list is empty.</text>\n",
			MARGIN, HEADER_HEIGHT + 16.0);
		return;
	}
	for (i = 0; i < lay->nr_rows; i++) {
		y = HEADER_HEIGHT + i * ROW_PITCH;
		layout_row(snap, lay, i, &row);
		row_label_print(out, &row, y);
		if (lay->group > 1)
			group_bar_print(out, lay, &row, y);
		else
			node_bar_print(out, snap, lay, row.nodes, y);
		fprintf(out, "<rect class=\"fr\" x=\"%.2f\" y=\"%.1f\" "
			"width=\"%.2f\" height=\"%.0f\"/>\n", lay->bar_x, y,
			lay->bar_w, BAR_HEIGHT);
	}
}

int render_svg(FILE *out, const struct snapshot *snap)
{
	struct layout lay;
	int err;

	if (!out || !snap)
		return -EINVAL;
	err = snapshot_validate(snap);
	if (err)
		return err;
	layout_compute(snap, &lay);

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		lay.width, lay.height, lay.width, lay.height);
	fputs("<title>MeMS free list</title>\n", out);
	fputs(svg_defs, out);
	fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" "
		"fill=\"#ffffff\"/>\n",
		lay.width, lay.height);
	header_print(out, snap, &lay);
	legend_print(out, &lay);
	rows_print(out, snap, &lay);
	fputs("</svg>\n", out);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
