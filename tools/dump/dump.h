/* SPDX-License-Identifier: MIT */
/*
 * tools/dump/dump.h - what the parts of mems-dump share.
 *
 * Traces are read, and replayed, by the room below (tools/replay): this
 * room turns what a replay shows into dumps, tables and pages.
 */
#ifndef MEMS_DUMP_H
#define MEMS_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <tools/replay/replay.h>
#include <tools/replay/trace.h>

#include "snapshot.h"

/*
 * The exit status of a run that replayed every trace but not every line
 * as recorded: each such line was reported, and the replay went on.
 */
#define EXIT_NOT_REPRODUCED 3

/* Where a dump came from, for the formats that say so. */
struct dump_label {
	const char *trace;
	const char *trigger; /* "stats", "at", "every" or "final" */
};

/*
 * render_json.c, render_dot.c: the parts a sink strings together when one
 * output holds several dumps
 */
int render_json_labelled(FILE *out, const struct snapshot *snap,
			 const struct dump_label *label);
int render_dot_begin(FILE *out);
int render_dot_cluster(FILE *out, const struct snapshot *snap,
		       const struct dump_label *label, size_t index);
int render_dot_end(FILE *out);
void json_put_string(FILE *out, const char *s);

/* output.c: every dump of a run goes through one sink */
enum dump_format {
	DUMP_TEXT,
	DUMP_JSON,
	DUMP_DOT,
	DUMP_SVG,
	DUMP_HTML,
	DUMP_CSV, /* --compare's table only */
};

struct sink {
	enum dump_format format;
	FILE *out;
	size_t nr_dumps;
	char *pending; /* json: the first dump, until a second */
	size_t pending_len;
	struct snapshot last; /* svg: the dump to write at the end */
	bool has_last;
};

void sink_init(struct sink *sink, enum dump_format format, FILE *out);
/* Text: the mems_print_stats() report of @heap, as the library writes it. */
int sink_dump_report(struct sink *sink, const struct mems_heap *heap);
/* Other formats; takes @snap over: it is freed, or kept for svg. */
int sink_dump(struct sink *sink, struct snapshot *snap,
	      const struct dump_label *label);
void sink_note(struct sink *sink, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sink_finish(struct sink *sink, const struct snapshot *empty);
int stats_write_csv(FILE *out, const struct step_stats *rows, size_t nr_rows,
		    unsigned long every);

/* replay.c: a replay of the trace library's engine, observed */
/*
 * What a replay tells an observer: each event once replayed, with the
 * address it used or returned in the replay (0: none), and the heap
 * after each step.  A nonzero return of @step stops the replay.
 */
struct replay_hooks {
	int (*event)(void *arg, const struct event *ev, uintptr_t v);
	int (*step)(void *arg, const struct mems_heap *heap,
		    unsigned long step);
	void *arg;
};

struct replay_options {
	const char *policy; /* NULL: the trace's, else the default */
	size_t page_size; /* 0: the trace's, else the build's */
	uintptr_t virt_base;
	size_t align;
	long trim_threshold; /* TRIM_FROM_TRACE: the trace's, else -1 */
	bool realloc_moves; /* realloc as a new block and a free */
	const unsigned long *at; /* sorted, no duplicates */
	size_t nr_at;
	unsigned long every; /* 0: never */
	bool label_steps; /* text: a "# step N" line before each dump */
	bool check;
	bool no_dumps; /* only figures (--compare) */
	struct sink *sink;
	bool keep_rows; /* fill rows[] for --stats and --plot */
	bool figures; /* take figures: for rows, peaks, --check */
	const struct replay_hooks *hooks; /* NULL: none */
	/*
	 * Where to count the lines of a MeMS trace whose recorded result
	 * the replay does not give, each reported as it is met; NULL: not
	 * compared (a second replay of the same trace).
	 */
	unsigned long *not_reproduced;
};

struct replay_result {
	struct step_stats *rows;
	size_t nr_rows;
	unsigned long mmap_calls;
	unsigned long munmap_calls;
	size_t peak_pages;
	size_t peak_mapped;
	size_t peak_live;
	size_t holes_at_peak;
	size_t hole_bytes_at_peak;
	size_t largest_at_peak;
	const char *policy; /* of the last heap */
	size_t page_size;
	double ms;
};

bool policy_is_built(const char *name);
const char *policy_next_compared(unsigned int *index);
int replay_validate(const struct trace *trace,
		    const struct replay_options *opts);
int replay_run(const struct trace *trace, const struct replay_options *opts,
	       struct replay_result *result);
void replay_result_release(struct replay_result *result);

/* render_html.c: the interactive viewer of --format html */
struct html_page;

struct html_page *html_page_new(const struct trace *trace);
/* Replay the trace on @policy for the page, with @opts's layout. */
int html_page_add(struct html_page *page, struct replay_options *opts,
		  const char *policy);
int html_page_write(FILE *out, const struct html_page *page);
void html_page_free(struct html_page *page);

/* compare.c: the --compare table of every trace, as text, CSV or JSON */
enum compare_format { COMPARE_TEXT, COMPARE_CSV, COMPARE_JSON };

/* How the time that measure 1 averages over is counted (measures.h). */
enum measure_time {
	TIME_STEPS,
	TIME_BYTES, /* bytes asked of malloc, calloc and realloc */
};

struct compare_table {
	FILE *out;
	enum compare_format format;
	enum measure_time time;
	size_t nr_rows; /* written so far */
};

void compare_begin(struct compare_table *table);
int compare_trace(struct compare_table *table, const struct trace *trace,
		  const struct replay_options *base);
int compare_end(struct compare_table *table);

#endif /* MEMS_DUMP_H */
