// SPDX-License-Identifier: MIT
/*
 * tools/dump/output.c - where the dumps of a run go, and the --stats file.
 *
 * Each format decides what several dumps make: text writes them one
 * after the other, as the program printed its reports; JSON writes one
 * object, or an array once a second dump comes (so the first is held
 * back until then); DOT writes one digraph with a cluster per dump, as
 * Graphviz reads one graph per file; SVG is one picture, of the last
 * dump.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include <mems/heap.h>

#include "dump.h"

void sink_init(struct sink *sink, enum dump_format format, FILE *out)
{
	*sink = (struct sink){ .format = format, .out = out };
}

/* A line of its own for a reader of the text format; others skip it. */
void sink_note(struct sink *sink, const char *fmt, ...)
{
	va_list args;

	if (sink->format != DUMP_TEXT)
		return;
	va_start(args, fmt);
	vfprintf(sink->out, fmt, args);
	va_end(args);
	fputc('\n', sink->out);
}

static int json_dump(struct sink *sink, const struct snapshot *snap,
		     const struct dump_label *label)
{
	FILE *held;
	int err;

	if (sink->nr_dumps == 0) {
		held = open_memstream(&sink->pending, &sink->pending_len);
		if (!held)
			return -ENOMEM;
		err = render_json_labelled(held, snap, label);
		if (fclose(held))
			err = -ENOMEM;
		return err;
	}
	if (sink->nr_dumps == 1) {
		fputs("[\n", sink->out);
		fwrite(sink->pending, 1, sink->pending_len, sink->out);
		free(sink->pending);
		sink->pending = NULL;
	}
	fputs(",\n", sink->out);
	return render_json_labelled(sink->out, snap, label);
}

int sink_dump_report(struct sink *sink, const struct mems_heap *heap)
{
	mems_heap_print_stats(heap, sink->out);
	sink->nr_dumps++;
	return ferror(sink->out) ? -EIO : 0;
}

int sink_dump(struct sink *sink, struct snapshot *snap,
	      const struct dump_label *label)
{
	int err = 0;

	switch (sink->format) {
	case DUMP_TEXT: /* written by sink_dump_report() */
	case DUMP_HTML: /* a page of its own, render_html.c */
	case DUMP_CSV: /* --compare's table, compare.c */
		break;
	case DUMP_JSON:
		err = json_dump(sink, snap, label);
		break;
	case DUMP_DOT:
		if (!sink->nr_dumps)
			render_dot_begin(sink->out);
		err = render_dot_cluster(sink->out, snap, label,
					 sink->nr_dumps);
		break;
	case DUMP_SVG:
		if (sink->has_last)
			snapshot_free(&sink->last);
		sink->last = *snap;
		sink->has_last = true;
		sink->nr_dumps++;
		return 0;
	}
	snapshot_free(snap);
	sink->nr_dumps++;
	return err;
}

/* Close what the dumps left open; @empty stands in when there were none. */
int sink_finish(struct sink *sink, const struct snapshot *empty)
{
	int err = 0;

	switch (sink->format) {
	case DUMP_TEXT:
	case DUMP_HTML:
	case DUMP_CSV:
		break;
	case DUMP_JSON:
		if (sink->nr_dumps == 0)
			fputs("[]\n", sink->out);
		else if (sink->nr_dumps == 1)
			fwrite(sink->pending, 1, sink->pending_len, sink->out);
		if (sink->nr_dumps)
			fputs(sink->nr_dumps == 1 ? "\n" : "\n]\n", sink->out);
		free(sink->pending);
		sink->pending = NULL;
		break;
	case DUMP_DOT:
		if (!sink->nr_dumps)
			render_dot_begin(sink->out);
		err = render_dot_end(sink->out);
		break;
	case DUMP_SVG:
		err = render_svg(sink->out,
				 sink->has_last ? &sink->last : empty);
		if (sink->has_last)
			snapshot_free(&sink->last);
		sink->has_last = false;
		break;
	}
	return err;
}

/*
 * The rows of every @every-th step (0: of every step), and the last, which
 * tells where the trace ended.
 */
int stats_write_csv(FILE *out, const struct step_stats *rows, size_t nr_rows,
		    unsigned long every)
{
	size_t i;

	fputs("step,live_bytes,mapped_bytes,holes,largest_hole,"
	      "main_chain_length\n",
	      out);
	for (i = 0; i < nr_rows; i++)
		if (!every || rows[i].step % every == 0 || i + 1 == nr_rows)
			fprintf(out, "%lu,%zu,%zu,%zu,%zu,%zu\n",
				rows[i].step, rows[i].live_bytes,
				rows[i].mapped_bytes, rows[i].holes,
				rows[i].largest_hole, rows[i].nodes);
	return ferror(out) ? -EIO : 0;
}
