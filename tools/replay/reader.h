/* SPDX-License-Identifier: MIT */
/*
 * tools/replay/reader.h - what the readers of the trace formats share.
 *
 * reader.c reads lines and fields, keeps the blocks live in the traced
 * program and appends events; mems.c (both mems-trace kinds), rep.c and
 * mtrace.c turn their format's lines into calls of those helpers, and
 * load.c picks the reader.  Nothing here calls a reader.  Every helper
 * that fails has already written the one error line and returns -1 (or
 * NULL).
 */
#ifndef MEMS_REPLAY_READER_H
#define MEMS_REPLAY_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <common/rbtree.h>

#include "trace.h"

#define MAX_FIELDS 8

/*
 * A field as an error message may quote it: short, and with every byte
 * that is not printable ASCII written as \xHH, so that the message stays
 * one readable line whatever the file holds.
 */
#define SHOWN_MAX 40

struct shown {
	char text[SHOWN_MAX * 4 + 4];
};

struct input;

struct reader {
	const char *path;
	struct input *input;
	FILE *in;
	char *line;
	size_t cap;
	size_t len;
	unsigned long lineno;
};

/* A block live in the traced program, by its address there (.rep: id). */
struct live_block {
	struct rb_node link;
	uintptr_t start;
	uintptr_t end; /* inclusive */
	size_t handle;
	bool live; /* .rep: a freed id stays, to say so */
};

struct parser {
	struct reader rd;
	struct trace *trace;
	size_t events_cap;
	size_t layouts_cap;
	struct rb_root blocks;
	size_t align; /* mems: the granule of the last init */
	bool initialised; /* mems: an init line, and no finish since */
	bool step_open; /* this line has produced an event already */
	const char *ended_by; /* libc: "exit" or "exec", once its line came */
};

#define parse_error(p, ...) \
	trace_error((p)->rd.path, (p)->rd.lineno, __VA_ARGS__)

/*
 * A line that the replay makes otherwise than the trace recorded it, or
 * not at all: said ("FILE:LINE: not reproduced: ..."), and counted in
 * the trace, so that mems-dump's exit status tells of it; the parse goes
 * on.
 */
void parse_not_reproduced(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* reader.c: lines and fields */
const char *show(struct shown *buf, const char *field);
int reader_next(struct reader *rd);
int split_exact(char *line, char **fields);
int split_blanks(char *line, char **fields);
bool is_blank(const char *line);
bool is_comment(const char *line);
int malformed(struct parser *p, const char *expected);
int out_of_memory(struct parser *p);
int number_field(struct parser *p, const char *field, uintmax_t max,
		 uintmax_t *value);
int size_field(struct parser *p, const char *field, size_t *value);
int addr_field(struct parser *p, const char *field, uintptr_t *value);

/* reader.c: the live blocks */
struct live_block *blocks_below(const struct rb_root *root, uintptr_t addr);
struct live_block *blocks_containing(const struct rb_root *root,
				     uintptr_t addr);
struct live_block *blocks_at(const struct rb_root *root, uintptr_t addr);
struct live_block *blocks_overlapping(const struct rb_root *root,
				      uintptr_t start, uintptr_t end);
struct live_block *blocks_insert(struct rb_root *root, uintptr_t start,
				 uintptr_t end, size_t handle);
void blocks_erase(struct rb_root *root, struct live_block *block);
void blocks_clear(struct rb_root *root);

/* reader.c: events, and the C library calls that mtrace logs share */
struct event *event_add(struct parser *p, enum event_kind kind);
size_t block_new(struct parser *p);
int event_realloc(struct parser *p, size_t size, size_t handle,
		  size_t old_handle);
int event_addr(struct parser *p, enum event_kind kind, uintptr_t addr,
	       const struct live_block *block);
int libc_alloc(struct parser *p, size_t size, uintptr_t ptr);
int libc_free(struct parser *p, uintptr_t ptr);
int libc_realloc(struct parser *p, uintptr_t old, size_t size, uintptr_t new);

#endif /* MEMS_REPLAY_READER_H */
