// SPDX-License-Identifier: MIT
/*
 * tools/replay/reader.c - the helpers every format's reader shares.
 *
 * While reading, a reader keeps the blocks that are live in the traced
 * program's own address space (or, for .rep, its ids), so that every
 * free and get is resolved here to the block it names.  That is also
 * where a trace that contradicts itself is caught: a .rep free of an id
 * that is not allocated, a MeMS free recorded as valid where no block
 * starts.  Every problem ends the parse with one line on stderr,
 * "PROGRAM: FILE:LINE: REASON".  A line the replay cannot make as it
 * was recorded (a C library free of a pointer never seen allocated) is
 * no problem of the file: it is told on a line of the same form, and
 * the parse goes on.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "reader.h"

void parse_not_reproduced(struct parser *p, const char *fmt, ...)
{
	char what[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	parse_error(p, "not reproduced: %s", what);
	p->trace->nr_not_reproduced++;
}

const char *show(struct shown *buf, const char *field)
{
	char *p = buf->text;
	size_t i;

	for (i = 0; field[i] && i < SHOWN_MAX; i++) {
		unsigned char c = (unsigned char)field[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			*p++ = (char)c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	if (field[i])
		p = stpcpy(p, "...");
	*p = '\0';
	return buf->text;
}

/* ---------------------------------------------------------------------
 * Lines
 */

/* 1 with the next line in rd->line (no newline), 0 at the end, -1. */
int reader_next(struct reader *rd)
{
	ssize_t len;

	errno = 0;
	len = getline(&rd->line, &rd->cap, rd->in);
	if (len < 0) {
		if (ferror(rd->in)) {
			trace_error(rd->path, rd->lineno + 1, "read error: %s",
				    input_error(rd->input));
			return -1;
		}
		return 0;
	}
	rd->lineno++;
	if (rd->line[len - 1] != '\n' && ferror(rd->in)) {
		trace_error(rd->path, rd->lineno, "read error: %s",
			    input_error(rd->input));
		return -1;
	}
	if (rd->line[len - 1] != '\n') {
		trace_error(rd->path, rd->lineno,
			    "truncated file: the last line has no newline");
		return -1;
	}
	rd->line[--len] = '\0';
	if (strlen(rd->line) != (size_t)len) {
		trace_error(rd->path, rd->lineno, "NUL byte in the line");
		return -1;
	}
	rd->len = (size_t)len;
	return 1;
}

/*
 * Split at single spaces, as the mems-trace format writes its fields.
 * Returns the number of fields (MAX_FIELDS + 1 meaning "too many"), or
 * -1 when a field is empty.
 */
int split_exact(char *line, char **fields)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *space = strchr(p, ' ');

		if (space == p || !*p)
			return -1;
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		fields[n++] = p;
		if (!space)
			return n;
		*space = '\0';
		p = space + 1;
	}
}

/* Split at runs of blanks, as .rep files and mtrace logs are read. */
int split_blanks(char *line, char **fields)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		fields[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

bool is_blank(const char *line)
{
	while (*line && isspace((unsigned char)*line))
		line++;
	return !*line;
}

bool is_comment(const char *line)
{
	while (*line && isspace((unsigned char)*line))
		line++;
	return *line == '#';
}

/* ---------------------------------------------------------------------
 * The blocks live in the traced program, by their address there
 */

static struct live_block *block_entry(struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct live_block, link) : NULL;
}

/* The block with the highest start at or below @addr. */
struct live_block *blocks_below(const struct rb_root *root, uintptr_t addr)
{
	struct rb_node *rb = root->rb_node;
	struct live_block *below = NULL;

	while (rb) {
		struct live_block *block = block_entry(rb);

		if (addr < block->start) {
			rb = rb->rb_left;
		} else {
			below = block;
			rb = rb->rb_right;
		}
	}
	return below;
}

struct live_block *blocks_containing(const struct rb_root *root, uintptr_t addr)
{
	struct live_block *block = blocks_below(root, addr);

	return block && addr <= block->end ? block : NULL;
}

struct live_block *blocks_at(const struct rb_root *root, uintptr_t addr)
{
	struct live_block *block = blocks_below(root, addr);

	return block && block->start == addr ? block : NULL;
}

/* Any block that shares a byte with [start, end]. */
struct live_block *blocks_overlapping(const struct rb_root *root,
				      uintptr_t start, uintptr_t end)
{
	struct live_block *block = blocks_below(root, end);

	return block && block->end >= start ? block : NULL;
}

struct live_block *blocks_insert(struct rb_root *root, uintptr_t start,
				 uintptr_t end, size_t handle)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;
	struct live_block *block = malloc(sizeof(*block));

	if (!block)
		return NULL;
	block->start = start;
	block->end = end;
	block->handle = handle;
	block->live = true;
	while (*link) {
		parent = *link;
		if (start < block_entry(parent)->start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&block->link, parent, link);
	mems_rb_insert_color(&block->link, root);
	return block;
}

void blocks_erase(struct rb_root *root, struct live_block *block)
{
	mems_rb_erase(&block->link, root);
	free(block);
}

void blocks_clear(struct rb_root *root)
{
	while (root->rb_node)
		blocks_erase(root, block_entry(root->rb_node));
}

/* ---------------------------------------------------------------------
 * The parser
 */

int out_of_memory(struct parser *p)
{
	parse_error(p, "out of memory");
	return -1;
}

int number_field(struct parser *p, const char *field, uintmax_t max,
		 uintmax_t *value)
{
	struct shown shown;
	int err = number_parse(field, max, value);

	if (err == -ERANGE)
		parse_error(p, "number out of range: '%s'",
			    show(&shown, field));
	else if (err)
		parse_error(p, "not a number: '%s'", show(&shown, field));
	return err ? -1 : 0;
}

int size_field(struct parser *p, const char *field, size_t *value)
{
	uintmax_t n;

	if (number_field(p, field, SIZE_MAX, &n))
		return -1;
	*value = (size_t)n;
	return 0;
}

int addr_field(struct parser *p, const char *field, uintptr_t *value)
{
	uintmax_t n;

	/* glibc prints a NULL %p so. */
	if (!strcmp(field, "(nil)")) {
		*value = 0;
		return 0;
	}
	if (number_field(p, field, UINTPTR_MAX, &n))
		return -1;
	*value = (uintptr_t)n;
	return 0;
}

struct event *event_add(struct parser *p, enum event_kind kind)
{
	struct trace *trace = p->trace;
	struct event *ev;

	if (trace->nr_events == p->events_cap) {
		size_t cap = p->events_cap ? p->events_cap * 2 : 256;

		ev = realloc(trace->events, cap * sizeof(*ev));
		if (!ev) {
			out_of_memory(p);
			return NULL;
		}
		trace->events = ev;
		p->events_cap = cap;
	}
	ev = &trace->events[trace->nr_events++];
	memset(ev, 0, sizeof(*ev));
	ev->line = p->rd.lineno;
	ev->kind = (unsigned char)kind;
	ev->starts_step = !p->step_open;
	ev->block = NO_BLOCK;
	ev->old_block = NO_BLOCK;
	p->step_open = true;
	return ev;
}

size_t block_new(struct parser *p)
{
	return p->trace->nr_blocks++;
}

/* A free or get of @addr: which block it names, if any. */
/* The block @old_handle, resized to @size bytes, is @handle from now on. */
int event_realloc(struct parser *p, size_t size, size_t handle,
		  size_t old_handle)
{
	struct event *ev = event_add(p, EVENT_REALLOC);

	if (!ev)
		return -1;
	ev->size = size;
	ev->block = handle;
	ev->old_block = old_handle;
	return 0;
}

int event_addr(struct parser *p, enum event_kind kind, uintptr_t addr,
	       const struct live_block *block)
{
	struct event *ev = event_add(p, kind);

	if (!ev)
		return -1;
	ev->addr = addr;
	if (block) {
		ev->block = block->handle;
		ev->offset = addr - block->start;
	}
	return 0;
}

/*
 * A C library block appeared at [start, end].  Any block the trace still
 * holds there was freed by a call the trace did not see (memory freed
 * inside the C library, or before recording began): it is freed first,
 * and that is said.
 */
static int libc_block_add(struct parser *p, uintptr_t start, size_t size,
			  size_t handle)
{
	uintptr_t end = start;
	struct live_block *stale;

	if (size > 1)
		end = size - 1 > UINTPTR_MAX - start ? UINTPTR_MAX :
						       start + (size - 1);
	while ((stale = blocks_overlapping(&p->blocks, start, end))) {
		parse_not_reproduced(p,
				     "0x%jx is returned inside the block at "
				     "0x%jx, which the trace never freed: "
				     "that block is freed first",
				     (uintmax_t)start,
				     (uintmax_t)stale->start);
		if (event_addr(p, EVENT_FREE, stale->start, stale))
			return -1;
		blocks_erase(&p->blocks, stale);
	}
	if (!blocks_insert(&p->blocks, start, end, handle))
		return out_of_memory(p);
	return 0;
}

/*
 * A C library allocation of @size bytes that returned @ptr.  A failed
 * one is still replayed: the call was made, and MeMS may fail it too.
 * What it gave is kept, for a writer to tell a block from a failure.
 */
int libc_alloc(struct parser *p, size_t size, uintptr_t ptr)
{
	struct event *ev;
	size_t handle = block_new(p);

	if (ptr && libc_block_add(p, ptr, size, handle))
		return -1;
	ev = event_add(p, EVENT_MALLOC);
	if (!ev)
		return -1;
	ev->size = size;
	ev->block = handle;
	ev->recorded = OUTCOME_VALUE;
	ev->result = ptr;
	return 0;
}

/*
 * free(ptr); a pointer the trace never saw allocated changes nothing,
 * and that is said.
 */
int libc_free(struct parser *p, uintptr_t ptr)
{
	struct live_block *block = ptr ? blocks_at(&p->blocks, ptr) : NULL;

	if (ptr && !block)
		parse_not_reproduced(p,
				     "free of 0x%jx, which the trace never "
				     "saw allocated, is not replayed",
				     (uintmax_t)ptr);
	if (event_addr(p, EVENT_FREE, ptr, block))
		return -1;
	if (block)
		blocks_erase(&p->blocks, block);
	return 0;
}

/*
 * realloc(old, size) that returned @new (mtrace's "<"/">" pair too).  Of
 * a pointer the trace never saw allocated, it can only be an allocation,
 * which is said.
 */
int libc_realloc(struct parser *p, uintptr_t old, size_t size, uintptr_t new)
{
	struct live_block *block = old ? blocks_at(&p->blocks, old) : NULL;
	size_t handle, old_handle;

	if (!new && !size)
		return libc_free(p, old);
	if (old && !block)
		parse_not_reproduced(p,
				     "realloc of 0x%jx, which the trace never "
				     "saw allocated, is replayed as a malloc",
				     (uintmax_t)old);
	if (!block || !new)
		return libc_alloc(p, size, new);
	old_handle = block->handle;
	blocks_erase(&p->blocks, block);
	handle = block_new(p);
	if (libc_block_add(p, new, size, handle))
		return -1;
	return event_realloc(p, size, handle, old_handle);
}

int malformed(struct parser *p, const char *expected)
{
	parse_error(p, "malformed line: expected '%s'", expected);
	return -1;
}
