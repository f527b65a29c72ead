/* SPDX-License-Identifier: MIT */
/*
 * tools/replay/trace.h - a trace of any format, read into events.
 *
 * A trace is read once into an array of events that name blocks by
 * handle, never by address: the reader has already worked out, in the
 * traced program's address space, which block each free or get refers
 * to.  A replay then only maps handles to the addresses its own heap
 * returned, so the same events replay on any policy or layout, and a
 * trace that contradicts itself is rejected before anything is printed.
 *
 * This room is what the tools that read traces share: one reader per
 * format (mems.c, rep.c, mtrace.c), the loader that picks one (load.c),
 * one replay engine (replay.h) and the one .rep writer (rep_write.h).
 * It sees a heap through the public API only.
 */
#ifndef MEMS_REPLAY_TRACE_H
#define MEMS_REPLAY_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_format {
	FORMAT_MEMS, /* mems-trace 1 mems */
	FORMAT_LIBC, /* mems-trace 1 libc */
	FORMAT_REP, /* CS:APP malloclab */
	FORMAT_MTRACE, /* glibc mtrace() log */
};

enum event_kind {
	EVENT_INIT, /* block: index into trace.layouts */
	EVENT_MALLOC, /* size, block */
	EVENT_FREE, /* block (+ offset), or NO_BLOCK and addr */
	EVENT_GET, /* as EVENT_FREE */
	EVENT_STATS,
	EVENT_FINISH,
	EVENT_REALLOC, /* size, block, old_block (the same when it failed) */
	EVENT_TRIM, /* size: the bytes of empty nodes to keep */
};

#define NO_BLOCK SIZE_MAX

/*
 * What a call gave: as a MeMS trace recorded it, for the replay to give
 * the same, and as the replay gave it.
 */
enum outcome {
	OUTCOME_NONE, /* not recorded: .rep, init, stats */
	OUTCOME_OK, /* free, get */
	OUTCOME_EINVAL, /* free, get, realloc */
	OUTCOME_ENOMEM, /* malloc, calloc, realloc */
	OUTCOME_VALUE, /* an address (0: NULL), or what trim returned */
	OUTCOME_NO_BLOCK, /* replayed only: no block to call it on */
};

struct event {
	unsigned long line;
	unsigned char kind;
	bool starts_step; /* false: part of the previous line's call */
	unsigned char recorded; /* enum outcome */
	size_t size;
	size_t block;
	size_t old_block;
	uintptr_t addr; /* as the trace wrote it */
	uintptr_t offset; /* of addr into block */
	uintptr_t result; /* OUTCOME_VALUE's value */
};

#define POLICY_NAME_MAX 64

/* The layout an `init` line recorded. */
struct trace_layout {
	char policy[POLICY_NAME_MAX];
	size_t page_size;
	uintptr_t virt_base;
	size_t align;
	long trim_threshold; /* -1 when the line has none */
};

struct trace {
	const char *path;
	enum trace_format format;
	struct event *events;
	size_t nr_events;
	unsigned long nr_steps;
	size_t nr_blocks;
	struct trace_layout *layouts;
	size_t nr_layouts;
	/* The end the program did not reach ("mems_finish()"), or NULL. */
	const char *missing_end;
	unsigned long nr_not_reproduced; /* lines reported while reading */
};

/* How messages and outputs name the trace "-". */
#define STDIN_NAME "standard input"

/* load.c: 0, or -1 once the one error line is written; "-" is stdin */
int trace_load(const char *path, struct trace *trace);

/* trace.c */
void trace_note_early_end(const struct trace *trace);
int number_parse(const char *field, uintmax_t max, uintmax_t *value);
void trace_free(struct trace *trace);
const char *trace_format_name(enum trace_format format);
/*
 * "PROGRAM: PATH:LINE: MESSAGE" on stderr, PROGRAM being the tool's own
 * name: an error, or a line not reproduced.
 */
void trace_error(const char *path, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* MEMS_REPLAY_TRACE_H */
