// SPDX-License-Identifier: MIT
/*
 * tools/replay/mems.c - reading "mems-trace 1 mems" and "mems-trace 1
 * libc" traces (Documentation/trace-format.rst).
 *
 * Fields are separated by single spaces, as the recorders write them,
 * and nothing else is accepted, so that a newer or damaged trace is not
 * misread.  A MeMS trace records the result of every call: a result that
 * contradicts the blocks live at that point is an error, and each event
 * keeps the result, for the replay to give the same.  A C library trace
 * is taken as it comes (see libc_alloc() and libc_free()), up to the
 * "exit" or "exec" line its recorder ends it with.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "reader.h"

static int mems_init_line(struct parser *p, char **f, int n)
{
	struct trace *trace = p->trace;
	struct trace_layout *layout;
	struct shown shown;
	uintmax_t base;
	struct event *ev;
	size_t i;

	uintmax_t trim = 0;

	if (n != 5 && n != 6)
		return malformed(p, "init POLICY PAGE_SIZE VIRT_BASE ALIGN "
				    "[TRIM_THRESHOLD]");
	if (n == 6 && number_field(p, f[5], LONG_MAX, &trim))
		return -1;
	for (i = 0; f[1][i]; i++)
		if (!isalnum((unsigned char)f[1][i]) && !strchr("-_", f[1][i]))
			break;
	if (f[1][i] || i >= POLICY_NAME_MAX) {
		parse_error(p, "bad policy name '%s'", show(&shown, f[1]));
		return -1;
	}
	if (trace->nr_layouts == p->layouts_cap) {
		size_t cap = p->layouts_cap ? p->layouts_cap * 2 : 4;

		layout = realloc(trace->layouts, cap * sizeof(*layout));
		if (!layout)
			return out_of_memory(p);
		trace->layouts = layout;
		p->layouts_cap = cap;
	}
	layout = &trace->layouts[trace->nr_layouts];
	strcpy(layout->policy, f[1]);
	if (size_field(p, f[2], &layout->page_size) ||
	    number_field(p, f[3], UINTPTR_MAX, &base) ||
	    size_field(p, f[4], &layout->align))
		return -1;
	layout->virt_base = (uintptr_t)base;
	layout->trim_threshold = n == 6 ? (long)trim : -1;
	if (!layout->page_size || !layout->virt_base) {
		parse_error(p, "page size and virtual base must be at least 1");
		return -1;
	}
	if (!layout->align || (layout->align & (layout->align - 1))) {
		parse_error(p, "alignment %zu is not a power of two",
			    layout->align);
		return -1;
	}
	/* mems_init() first does mems_finish(): nothing stays live. */
	blocks_clear(&p->blocks);
	p->align = layout->align;
	p->initialised = true;
	ev = event_add(p, EVENT_INIT);
	if (!ev)
		return -1;
	ev->block = trace->nr_layouts++;
	return 0;
}

/* The event just added gave @outcome (@value for OUTCOME_VALUE). */
static void recorded(struct parser *p, enum outcome outcome, uintptr_t value)
{
	struct event *ev = &p->trace->events[p->trace->nr_events - 1];

	ev->recorded = (unsigned char)outcome;
	ev->result = value;
}

/*
 * A block of @size bytes at @addr (0: none) becomes live as @handle;
 * @event names the call, @field is @addr as the trace wrote it.
 */
static int mems_block_add(struct parser *p, const char *event, size_t size,
			  uintptr_t addr, const char *field, size_t handle)
{
	size_t bytes;
	struct shown shown;

	if (!addr)
		return 0;
	bytes = size + (p->align - 1) < size ?
			0 :
			(size + (p->align - 1)) & ~(p->align - 1);
	if (!bytes || bytes - 1 > UINTPTR_MAX - addr) {
		parse_error(p,
			    "a block of %zu bytes at %s runs past "
			    "the end of the address space",
			    size, show(&shown, field));
		return -1;
	}
	if (blocks_overlapping(&p->blocks, addr, addr + (bytes - 1))) {
		parse_error(p, "%s returned %s, inside a live block", event,
			    show(&shown, field));
		return -1;
	}
	if (!blocks_insert(&p->blocks, addr, addr + (bytes - 1), handle))
		return out_of_memory(p);
	return 0;
}

/* "-> ADDR" or "-> 0 ERROR" from field @i on: the address and the error. */
static int mems_block_result(struct parser *p, char **f, int n, int i,
			     const char *usage, uintptr_t *addr, int *err)
{
	if (n < i + 2 || n > i + 3 || strcmp(f[i], "->"))
		return malformed(p, usage);
	if (addr_field(p, f[i + 1], addr))
		return -1;
	*err = 0;
	if (n == i + 2)
		return 0;
	if (!strcmp(f[i + 2], "ENOMEM"))
		*err = -ENOMEM;
	else if (!strcmp(f[i + 2], "EINVAL"))
		*err = -EINVAL;
	if (!*err || *addr)
		return malformed(p, usage);
	return 0;
}

/*
 * A new block, or none: malloc, calloc, realloc of 0; @err is 0 or
 * -ENOMEM.  A request of bytes initialises MeMS first, which writes its
 * init line before this one: without it the trace has no layout.
 */
static int mems_alloc_event(struct parser *p, const char *event, size_t size,
			    uintptr_t addr, int err, const char *field)
{
	size_t handle = block_new(p);
	struct event *ev;

	if (addr && !size) {
		parse_error(p, "%s of 0 bytes cannot return an address", event);
		return -1;
	}
	if (size && !p->initialised) {
		parse_error(p,
			    "%s with no init line before it: MeMS records its "
			    "initialisation first",
			    event);
		return -1;
	}
	if (mems_block_add(p, event, size, addr, field, handle))
		return -1;
	ev = event_add(p, EVENT_MALLOC);
	if (!ev)
		return -1;
	ev->size = size;
	ev->block = handle;
	recorded(p, err ? OUTCOME_ENOMEM : OUTCOME_VALUE, addr);
	return 0;
}

static int mems_malloc_line(struct parser *p, char **f, int n)
{
	static const char usage[] = "malloc SIZE -> ADDR";
	uintptr_t addr;
	size_t size;
	int err;

	if (mems_block_result(p, f, n, 2, usage, &addr, &err) ||
	    size_field(p, f[1], &size))
		return -1;
	if (err == -EINVAL)
		return malformed(p, usage);
	return mems_alloc_event(p, "malloc", size, addr, err, f[3]);
}

/* Replayed as a malloc of the product: placement does not zero. */
static int mems_calloc_line(struct parser *p, char **f, int n)
{
	static const char usage[] = "calloc NMEMB SIZE -> ADDR";
	size_t nmemb, size;
	uintptr_t addr;
	int err;

	if (mems_block_result(p, f, n, 3, usage, &addr, &err) ||
	    size_field(p, f[1], &nmemb) || size_field(p, f[2], &size))
		return -1;
	if (err == -EINVAL)
		return malformed(p, usage);
	/* An overflowing product is asked for as SIZE_MAX: it fails. */
	if (__builtin_mul_overflow(nmemb, size, &size))
		size = SIZE_MAX;
	return mems_alloc_event(p, "calloc", size, addr, err, f[4]);
}

/* "-> ok" or "-> EINVAL": 0 or -EINVAL in *result. */
static int mems_result(struct parser *p, char **f, int n, const char *usage,
		       int *result)
{
	if (n != 4 || strcmp(f[2], "->"))
		return malformed(p, usage);
	if (!strcmp(f[3], "ok"))
		*result = 0;
	else if (!strcmp(f[3], "EINVAL"))
		*result = -EINVAL;
	else
		return malformed(p, usage);
	return 0;
}

static int mems_free_line(struct parser *p, char **f, int n)
{
	static const char usage[] = "free ADDR -> ok|EINVAL";
	struct live_block *block;
	struct shown shown;
	uintptr_t addr;
	int result;

	if (mems_result(p, f, n, usage, &result) || addr_field(p, f[1], &addr))
		return -1;
	if (!addr) {
		if (result) {
			parse_error(p, "free of 0 recorded as EINVAL, but "
				       "mems_free(NULL) cannot fail");
			return -1;
		}
		if (event_addr(p, EVENT_FREE, 0, NULL))
			return -1;
		recorded(p, OUTCOME_OK, 0);
		return 0;
	}
	block = blocks_containing(&p->blocks, addr);
	if (!result && (!block || block->start != addr)) {
		parse_error(p,
			    "free of %s recorded as ok, but no block "
			    "starts there",
			    show(&shown, f[1]));
		return -1;
	}
	if (result && block && block->start == addr) {
		parse_error(p,
			    "free of %s recorded as EINVAL, but a block "
			    "starts there",
			    show(&shown, f[1]));
		return -1;
	}
	if (event_addr(p, EVENT_FREE, addr, block))
		return -1;
	recorded(p, result ? OUTCOME_EINVAL : OUTCOME_OK, 0);
	if (!result)
		blocks_erase(&p->blocks, block);
	return 0;
}

/*
 * A live block resized to @addr, in place or moved, or left where it
 * was by ENOMEM (@addr 0): the same handle then, so that a replay that
 * succeeds moves it.
 */
static int mems_resize_event(struct parser *p, struct live_block *block,
			     size_t size, uintptr_t addr, const char *field)
{
	size_t old = block->handle, handle = old;

	if (addr) {
		blocks_erase(&p->blocks, block);
		handle = block_new(p);
		if (mems_block_add(p, "realloc", size, addr, field, handle))
			return -1;
	}
	if (event_realloc(p, size, handle, old))
		return -1;
	recorded(p, addr ? OUTCOME_VALUE : OUTCOME_ENOMEM, addr);
	return 0;
}

/*
 * realloc of 0 allocates; of a live block's start resizes it, or frees
 * it at size 0; of anything else fails with EINVAL and changes nothing,
 * as a refused free does, which is how it is replayed.
 */
static int mems_realloc_line(struct parser *p, char **f, int n)
{
	static const char usage[] = "realloc ADDR SIZE -> ADDR";
	struct live_block *block;
	uintptr_t v, addr;
	struct shown shown;
	size_t size;
	int err;

	if (mems_block_result(p, f, n, 3, usage, &addr, &err) ||
	    addr_field(p, f[1], &v) || size_field(p, f[2], &size))
		return -1;
	if (!v) {
		if (err == -EINVAL)
			return malformed(p, usage);
		return mems_alloc_event(p, "realloc", size, addr, err, f[4]);
	}
	block = blocks_at(&p->blocks, v);
	if (err == -EINVAL) {
		if (block) {
			parse_error(p,
				    "realloc of %s recorded as EINVAL, but a "
				    "block starts there",
				    show(&shown, f[1]));
			return -1;
		}
		if (event_addr(p, EVENT_FREE, v,
			       blocks_containing(&p->blocks, v)))
			return -1;
		recorded(p, OUTCOME_EINVAL, 0);
		return 0;
	}
	if (!block) {
		parse_error(p,
			    "realloc of %s recorded as done, but no block "
			    "starts there",
			    show(&shown, f[1]));
		return -1;
	}
	if (!size && !err) {
		if (addr)
			return malformed(p, "realloc ADDR 0 -> 0");
		if (event_addr(p, EVENT_FREE, v, block))
			return -1;
		recorded(p, OUTCOME_OK, 0);
		blocks_erase(&p->blocks, block);
		return 0;
	}
	if (!err && !addr)
		return malformed(p, usage);
	return mems_resize_event(p, block, size, addr, f[4]);
}

static int mems_trim_line(struct parser *p, char **f, int n)
{
	size_t keep;
	struct event *ev;

	if (n != 4 || strcmp(f[2], "->") ||
	    (strcmp(f[3], "0") && strcmp(f[3], "1")))
		return malformed(p, "trim KEEP -> 0|1");
	if (size_field(p, f[1], &keep))
		return -1;
	ev = event_add(p, EVENT_TRIM);
	if (!ev)
		return -1;
	ev->size = keep;
	recorded(p, OUTCOME_VALUE, f[3][0] == '1');
	return 0;
}

/* Its result is left to the replay to check, as it changes nothing. */
static int mems_get_line(struct parser *p, char **f, int n)
{
	uintptr_t addr;
	int result;

	if (mems_result(p, f, n, "get ADDR -> ok|EINVAL", &result) ||
	    addr_field(p, f[1], &addr))
		return -1;
	if (event_addr(p, EVENT_GET, addr,
		       blocks_containing(&p->blocks, addr)))
		return -1;
	recorded(p, result ? OUTCOME_EINVAL : OUTCOME_OK, 0);
	return 0;
}

static int mems_line(struct parser *p, char **f, int n)
{
	struct shown shown;

	if (!strcmp(f[0], "init"))
		return mems_init_line(p, f, n);
	if (!strcmp(f[0], "malloc"))
		return mems_malloc_line(p, f, n);
	if (!strcmp(f[0], "free"))
		return mems_free_line(p, f, n);
	if (!strcmp(f[0], "get"))
		return mems_get_line(p, f, n);
	if (!strcmp(f[0], "calloc"))
		return mems_calloc_line(p, f, n);
	if (!strcmp(f[0], "realloc"))
		return mems_realloc_line(p, f, n);
	if (!strcmp(f[0], "trim"))
		return mems_trim_line(p, f, n);
	if (!strcmp(f[0], "stats") || !strcmp(f[0], "finish")) {
		bool stats = f[0][0] == 's';

		if (n != 1)
			return malformed(p, f[0]);
		if (!stats) {
			blocks_clear(&p->blocks);
			p->initialised = false;
		}
		return event_add(p, stats ? EVENT_STATS : EVENT_FINISH) ? 0 :
									  -1;
	}
	parse_error(p, "unknown event '%s'", show(&shown, f[0]));
	return -1;
}

/* The C library's calls, of a "mems-trace 1 libc" trace. */

/*
 * "exit STATUS": the program exited; "exec": it became another program,
 * whose trace is another file.  Either way the trace is whole (no event).
 */
static int libc_end_line(struct parser *p, char **f, int n)
{
	uintmax_t status;

	if (!strcmp(f[0], "exec")) {
		if (n != 1)
			return malformed(p, "exec");
		p->ended_by = "exec";
		return 0;
	}
	if (n != 2)
		return malformed(p, "exit STATUS");
	if (number_field(p, f[1], 255, &status))
		return -1;
	p->ended_by = "exit";
	return 0;
}

static int libc_line(struct parser *p, char **f, int n)
{
	uintptr_t ptr, result;
	size_t size, nmemb;
	struct shown shown;

	if (p->ended_by) {
		parse_error(p, "'%s' after the program's %s",
			    show(&shown, f[0]), p->ended_by);
		return -1;
	}
	if (!strcmp(f[0], "exit") || !strcmp(f[0], "exec"))
		return libc_end_line(p, f, n);
	if (!strcmp(f[0], "malloc")) {
		if (n != 4 || strcmp(f[2], "->"))
			return malformed(p, "malloc SIZE -> PTR");
		if (size_field(p, f[1], &size) || addr_field(p, f[3], &result))
			return -1;
		return libc_alloc(p, size, result);
	}
	if (!strcmp(f[0], "calloc") || !strcmp(f[0], "memalign")) {
		bool calloc = f[0][0] == 'c';

		if (n != 5 || strcmp(f[3], "->"))
			return malformed(
				p, calloc ? "calloc NMEMB SIZE -> PTR" :
					    "memalign ALIGNMENT SIZE -> PTR");
		if (size_field(p, f[1], &nmemb) || size_field(p, f[2], &size) ||
		    addr_field(p, f[4], &result))
			return -1;
		/* An overflowing product is asked for as SIZE_MAX: it fails. */
		if (calloc && __builtin_mul_overflow(nmemb, size, &size))
			size = SIZE_MAX;
		return libc_alloc(p, size, result);
	}
	if (!strcmp(f[0], "realloc")) {
		if (n != 5 || strcmp(f[3], "->"))
			return malformed(p, "realloc PTR SIZE -> PTR");
		if (addr_field(p, f[1], &ptr) || size_field(p, f[2], &size) ||
		    addr_field(p, f[4], &result))
			return -1;
		return libc_realloc(p, ptr, size, result);
	}
	if (!strcmp(f[0], "free")) {
		if (n != 2)
			return malformed(p, "free PTR");
		if (addr_field(p, f[1], &ptr))
			return -1;
		return libc_free(p, ptr);
	}
	parse_error(p, "unknown event '%s'", show(&shown, f[0]));
	return -1;
}

int mems_trace_parse(struct parser *p)
{
	bool mems = p->trace->format == FORMAT_MEMS;
	char *f[MAX_FIELDS];
	int n, more;

	while ((more = reader_next(&p->rd)) > 0) {
		if (is_blank(p->rd.line) || is_comment(p->rd.line))
			continue;
		n = split_exact(p->rd.line, f);
		if (n < 0) {
			parse_error(p, "fields must be separated by single "
				       "spaces");
			return -1;
		}
		if (n > MAX_FIELDS)
			return malformed(p, "EVENT ARGS... [-> RESULT]");
		p->step_open = false;
		if (mems ? mems_line(p, f, n) : libc_line(p, f, n))
			return -1;
	}
	return more;
}

int mems_trace_header(struct parser *p)
{
	struct shown shown;
	char *f[MAX_FIELDS];
	int n = split_exact(p->rd.line, f);

	if (n != 3) {
		parse_error(p, "malformed header: expected 'mems-trace 1 mems' "
			       "or 'mems-trace 1 libc'");
		return -1;
	}
	if (strcmp(f[1], "1")) {
		parse_error(p, "unsupported trace version '%s'",
			    show(&shown, f[1]));
		return -1;
	}
	if (!strcmp(f[2], "mems")) {
		p->trace->format = FORMAT_MEMS;
	} else if (!strcmp(f[2], "libc")) {
		p->trace->format = FORMAT_LIBC;
	} else {
		parse_error(p, "unknown trace kind '%s'", show(&shown, f[2]));
		return -1;
	}
	return 0;
}
