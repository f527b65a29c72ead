// SPDX-License-Identifier: MIT
/*
 * tools/dump/compare.c - mems-dump --compare: traces on every policy.
 *
 * The policies are those of the library's registry, so that a policy
 * added there gets its row here; the linear references are left out, as
 * they place exactly as the policy they check.  Each policy replays the
 * trace twice: once taking the figures, which give the table its counts,
 * shares and measures, and once bare, which is timed, so that the time
 * is MeMS's and not that of the statistics calls or of --check.
 *
 * Text is two tables per trace, the placement's figures and the
 * fragmentation measures, each titled with the trim threshold, which
 * decides whether emptied nodes stay mapped and so weighs on every
 * figure.  CSV and JSON are one table for all the traces, a row per
 * trace and policy, for a spreadsheet or a plotting script.
 */
#include <stdlib.h>
#include <string.h>

#include "measures.h"

struct compare_row {
	const char *policy;
	struct replay_result figures;
	struct measures measures;
	double ms;
};

/* @part of @whole in percent, or "-" when @whole is 0. */
static const char *share(char *buf, size_t len, size_t part, size_t whole)
{
	if (!whole)
		return "-";
	snprintf(buf, len, "%.1f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

static int compare_replay(const struct trace *trace,
			  const struct replay_options *base,
			  enum measure_time time, struct compare_row *row)
{
	struct replay_options opts = *base;
	struct replay_result timed;
	struct replay_hooks hooks;

	measures_init(&row->measures, time, &hooks);
	opts.policy = row->policy;
	opts.no_dumps = true;
	opts.keep_rows = false;
	opts.figures = true;
	opts.hooks = &hooks;
	if (replay_run(trace, &opts, &row->figures))
		return -1;
	opts.figures = false;
	opts.check = false;
	opts.hooks = NULL;
	/* The first replay has told what it did not reproduce. */
	opts.not_reproduced = NULL;
	if (replay_run(trace, &opts, &timed))
		return -1;
	row->ms = timed.ms;
	replay_result_release(&timed);
	return 0;
}

/*
 * The trim threshold the replays run with: the option's, else that of
 * the trace's init lines, else -1 (replay.c).  false when init lines
 * disagree.
 */
static bool trace_trim_threshold(const struct trace *trace,
				 const struct replay_options *base, long *trim)
{
	size_t i;

	*trim = -1;
	if (base->trim_threshold != TRIM_FROM_TRACE) {
		*trim = base->trim_threshold;
		return true;
	}
	for (i = 0; i < trace->nr_layouts; i++) {
		if (i && trace->layouts[i].trim_threshold != *trim)
			return false;
		*trim = trace->layouts[i].trim_threshold;
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Text
 */

static void text_trim(FILE *out, const struct trace *trace,
		      const struct replay_options *base)
{
	long trim;

	if (!trace_trim_threshold(trace, base, &trim))
		fputs("trim threshold of each init line\n", out);
	else if (trim < 0)
		fputs("trim threshold -1 (emptied nodes stay mapped)\n", out);
	else
		fprintf(out, "trim threshold %ld\n", trim);
}

static void text_placement(FILE *out, const struct trace *trace,
			   const struct replay_options *base,
			   const struct compare_row *rows, size_t nr_rows)
{
	char util[32], largest[32];
	size_t i;

	fprintf(out, "# %s: %s, %lu steps, ", trace->path,
		trace_format_name(trace->format), trace->nr_steps);
	text_trim(out, trace, base);
	fprintf(out, "%-10s %6s %7s %11s %12s %6s %13s %9s\n", "policy", "mmap",
		"munmap", "peak-pages", "utilization", "holes", "largest-hole",
		"time-ms");
	for (i = 0; i < nr_rows; i++) {
		const struct replay_result *f = &rows[i].figures;

		fprintf(out, "%-10s %6lu %7lu %11zu %12s %6zu %13s %9.3f\n",
			rows[i].policy, f->mmap_calls, f->munmap_calls,
			f->peak_pages,
			share(util, sizeof(util), f->peak_live, f->peak_mapped),
			f->holes_at_peak,
			share(largest, sizeof(largest), f->largest_at_peak,
			      f->hole_bytes_at_peak),
			rows[i].ms);
	}
}

typedef bool measure_fn(const struct measures *m, double *ratio);

static measure_fn *const measure_fns[] = {
	measure_mean,
	measure_at_peak_live,
	measure_at_peak_mapped,
	measure_peaks,
};

#define NR_MEASURES (sizeof(measure_fns) / sizeof(*measure_fns))

static void text_measures(FILE *out, const struct trace *trace,
			  const struct replay_options *base,
			  const struct compare_row *rows, size_t nr_rows)
{
	size_t i, k;
	double r;

	fprintf(out, "# %s: fragmentation, time in %s, ", trace->path,
		measure_time_name(rows[0].measures.time));
	text_trim(out, trace, base);
	fprintf(out, "%-10s %11s %12s %12s %6s %6s %6s %6s\n", "policy",
		"peak-live", "peak-mapped", "+bookkeeping", "frag1", "frag2",
		"frag3", "frag4");
	for (i = 0; i < nr_rows; i++) {
		const struct measures *m = &rows[i].measures;

		fprintf(out, "%-10s %11zu %12zu %12zu", rows[i].policy,
			m->peak_live, m->peak_mapped, m->peak_total);
		for (k = 0; k < NR_MEASURES; k++) {
			if (measure_fns[k](m, &r))
				fprintf(out, " %6.3f", r);
			else
				fprintf(out, " %6s", "-");
		}
		fputc('\n', out);
	}
}

/* ---------------------------------------------------------------------
 * CSV and JSON: the same fields, in this order
 */

enum field_index {
	FIELD_TRACE,
	FIELD_FORMAT,
	FIELD_STEPS,
	FIELD_POLICY,
	FIELD_PAGE_SIZE,
	FIELD_TRIM_THRESHOLD,
	FIELD_TIME,
	FIELD_BYTES_ALLOCATED,
	FIELD_MMAP_CALLS,
	FIELD_MUNMAP_CALLS,
	FIELD_PEAK_PAGES,
	FIELD_PEAK_LIVE,
	FIELD_PEAK_MAPPED,
	FIELD_PEAK_TOTAL,
	FIELD_HOLES_AT_PEAK,
	FIELD_HOLE_BYTES_AT_PEAK,
	FIELD_LARGEST_HOLE_AT_PEAK,
	FIELD_FRAG1, /* to FRAG4: measure_fns[] in order */
	FIELD_FRAG2,
	FIELD_FRAG3,
	FIELD_FRAG4,
	FIELD_TIME_MS,
	NR_FIELDS,
};

static const char *const field_names[NR_FIELDS] = {
	[FIELD_TRACE] = "trace",
	[FIELD_FORMAT] = "format",
	[FIELD_STEPS] = "steps",
	[FIELD_POLICY] = "policy",
	[FIELD_PAGE_SIZE] = "page_size",
	[FIELD_TRIM_THRESHOLD] = "trim_threshold",
	[FIELD_TIME] = "time",
	[FIELD_BYTES_ALLOCATED] = "bytes_allocated",
	[FIELD_MMAP_CALLS] = "mmap_calls",
	[FIELD_MUNMAP_CALLS] = "munmap_calls",
	[FIELD_PEAK_PAGES] = "peak_pages",
	[FIELD_PEAK_LIVE] = "peak_live_bytes",
	[FIELD_PEAK_MAPPED] = "peak_mapped_bytes",
	[FIELD_PEAK_TOTAL] = "peak_mapped_with_bookkeeping_bytes",
	[FIELD_HOLES_AT_PEAK] = "holes_at_peak",
	[FIELD_HOLE_BYTES_AT_PEAK] = "hole_bytes_at_peak",
	[FIELD_LARGEST_HOLE_AT_PEAK] = "largest_hole_at_peak",
	[FIELD_FRAG1] = "frag1_mean",
	[FIELD_FRAG2] = "frag2_at_peak_live",
	[FIELD_FRAG3] = "frag3_at_peak_mapped",
	[FIELD_FRAG4] = "frag4_peaks",
	[FIELD_TIME_MS] = "time_ms",
};

/* A field as CSV (RFC 4180) quotes it, when it must. */
static void csv_put_string(FILE *out, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Strings and numbers of a row, in field_names' order. */
struct field {
	const char *string; /* NULL: a number */
	char number[40]; /* "": none (CSV empty, JSON null) */
};

static void field_size(struct field *f, unsigned long long value)
{
	snprintf(f->number, sizeof(f->number), "%llu", value);
}

/* Measure @k of @m, or no number when nothing was live then. */
static void field_measure(struct field *f, const struct measures *m, size_t k)
{
	double ratio;

	if (measure_fns[k](m, &ratio))
		snprintf(f->number, sizeof(f->number), "%.6f", ratio);
}

static void row_fields(const struct trace *trace,
		       const struct replay_options *base,
		       const struct compare_row *row, struct field *f)
{
	const struct replay_result *res = &row->figures;
	const struct measures *m = &row->measures;
	long trim;
	size_t k;

	memset(f, 0, NR_FIELDS * sizeof(*f));
	f[FIELD_TRACE].string = trace->path;
	f[FIELD_FORMAT].string = trace_format_name(trace->format);
	field_size(&f[FIELD_STEPS], trace->nr_steps);
	f[FIELD_POLICY].string = row->policy;
	field_size(&f[FIELD_PAGE_SIZE], res->page_size);
	if (trace_trim_threshold(trace, base, &trim))
		snprintf(f[FIELD_TRIM_THRESHOLD].number, sizeof(f->number),
			 "%ld", trim);
	f[FIELD_TIME].string = measure_time_name(m->time);
	field_size(&f[FIELD_BYTES_ALLOCATED], m->bytes_allocated);
	field_size(&f[FIELD_MMAP_CALLS], res->mmap_calls);
	field_size(&f[FIELD_MUNMAP_CALLS], res->munmap_calls);
	field_size(&f[FIELD_PEAK_PAGES], res->peak_pages);
	field_size(&f[FIELD_PEAK_LIVE], m->peak_live);
	field_size(&f[FIELD_PEAK_MAPPED], m->peak_mapped);
	field_size(&f[FIELD_PEAK_TOTAL], m->peak_total);
	field_size(&f[FIELD_HOLES_AT_PEAK], res->holes_at_peak);
	field_size(&f[FIELD_HOLE_BYTES_AT_PEAK], res->hole_bytes_at_peak);
	field_size(&f[FIELD_LARGEST_HOLE_AT_PEAK], res->largest_at_peak);
	for (k = 0; k < NR_MEASURES; k++)
		field_measure(&f[FIELD_FRAG1 + k], m, k);
	snprintf(f[FIELD_TIME_MS].number, sizeof(f->number), "%.3f", row->ms);
}

static void csv_row(FILE *out, const struct field *f)
{
	size_t i;

	for (i = 0; i < NR_FIELDS; i++) {
		if (i)
			fputc(',', out);
		if (f[i].string)
			csv_put_string(out, f[i].string);
		else
			fputs(f[i].number, out);
	}
	fputc('\n', out);
}

static void json_row(FILE *out, const struct field *f, bool first)
{
	size_t i;

	fputs(first ? "  {" : ",\n  {", out);
	for (i = 0; i < NR_FIELDS; i++) {
		fprintf(out, "%s\"%s\": ", i ? ", " : "", field_names[i]);
		if (f[i].string)
			json_put_string(out, f[i].string);
		else
			fputs(f[i].number[0] ? f[i].number : "null", out);
	}
	fputc('}', out);
}

void compare_begin(struct compare_table *table)
{
	size_t i;

	table->nr_rows = 0;
	switch (table->format) {
	case COMPARE_TEXT:
		break;
	case COMPARE_CSV:
		for (i = 0; i < NR_FIELDS; i++)
			fprintf(table->out, "%s%s", i ? "," : "",
				field_names[i]);
		fputc('\n', table->out);
		break;
	case COMPARE_JSON:
		fputs("[\n", table->out);
		break;
	}
}

int compare_end(struct compare_table *table)
{
	if (table->format == COMPARE_JSON)
		fputs(table->nr_rows ? "\n]\n" : "]\n", table->out);
	return ferror(table->out) ? -1 : 0;
}

static void compare_write(struct compare_table *table,
			  const struct trace *trace,
			  const struct replay_options *base,
			  const struct compare_row *rows, size_t nr_rows)
{
	struct field fields[NR_FIELDS];
	size_t i;

	if (table->format == COMPARE_TEXT) {
		if (table->nr_rows)
			fputc('\n', table->out);
		text_placement(table->out, trace, base, rows, nr_rows);
		fputc('\n', table->out);
		text_measures(table->out, trace, base, rows, nr_rows);
		table->nr_rows += nr_rows;
		return;
	}
	for (i = 0; i < nr_rows; i++) {
		row_fields(trace, base, &rows[i], fields);
		if (table->format == COMPARE_CSV)
			csv_row(table->out, fields);
		else
			json_row(table->out, fields, !table->nr_rows);
		table->nr_rows++;
	}
}

int compare_trace(struct compare_table *table, const struct trace *trace,
		  const struct replay_options *base)
{
	struct compare_row *rows = NULL, *grown;
	unsigned int index = 0;
	size_t nr_rows = 0, i;
	const char *policy;
	int err = 0;

	while (!err && (policy = policy_next_compared(&index))) {
		grown = realloc(rows, (nr_rows + 1) * sizeof(*rows));
		if (!grown) {
			trace_error(trace->path, 0, "out of memory");
			err = -1;
			break;
		}
		rows = grown;
		rows[nr_rows] = (struct compare_row){ .policy = policy };
		err = compare_replay(trace, base, table->time, &rows[nr_rows]);
		if (!err)
			nr_rows++;
	}
	if (!err && nr_rows)
		compare_write(table, trace, base, rows, nr_rows);
	for (i = 0; i < nr_rows; i++)
		replay_result_release(&rows[i].figures);
	free(rows);
	return err;
}
