// SPDX-License-Identifier: MIT
/*
 * tools/replay/mtrace.c - reading glibc mtrace() logs.
 *
 * glibc writes "= Start", then a line per call: "+ PTR SIZE" for an
 * allocation ("(nil)" when it failed), "- PTR" for a free, "< OLD" and
 * then "> NEW SIZE" for a realloc, "! OLD SIZE" for a failed one, each
 * after "@ CALLER " when it knows the caller; sizes are hexadecimal.
 * The calls are the C library's, replayed as a "mems-trace 1 libc"
 * trace's are.
 */
#include <string.h>

#include "formats.h"
#include "reader.h"

/* Skip "@ CALLER " (the caller's address in brackets ends it). */
static char *mtrace_skip_caller(char *line)
{
	char *end;

	if (line[0] != '@' || line[1] != ' ')
		return line;
	end = strstr(line, "] ");
	return end ? end + 2 : NULL;
}

int mtrace_parse(struct parser *p)
{
	unsigned long open_line = 0; /* of a "<" waiting for its ">" */
	uintptr_t old = 0, ptr;
	struct shown shown;
	char *f[MAX_FIELDS], *op;
	size_t size;
	int n, more;

	while ((more = reader_next(&p->rd)) > 0) {
		if (is_blank(p->rd.line) || !strcmp(p->rd.line, "= Start") ||
		    !strcmp(p->rd.line, "= End"))
			continue;
		op = mtrace_skip_caller(p->rd.line);
		if (!op)
			return malformed(p, "@ CALLER[ADDR] OP ARGS...");
		n = split_blanks(op, f);
		if (!n || n > 3 || f[0][1]) {
			parse_error(p, "unknown event '%s'",
				    show(&shown, n ? f[0] : op));
			return -1;
		}
		if (open_line && f[0][0] != '>') {
			parse_error(p, "expected '>' after the '<' of line %lu",
				    open_line);
			return -1;
		}
		p->step_open = false;
		switch (f[0][0]) {
		case '+':
		case '!':
		case '>':
			if (n != 3)
				return malformed(p, f[0][0] == '!' ?
							    "! PTR SIZE" :
							    "+ PTR SIZE");
			if (addr_field(p, f[1], &ptr) ||
			    size_field(p, f[2], &size))
				return -1;
			if (f[0][0] == '>' && !open_line) {
				parse_error(p, "'>' without a '<' before it");
				return -1;
			}
			if (f[0][0] == '>') {
				open_line = 0;
				if (libc_realloc(p, old, size, ptr))
					return -1;
			} else if (libc_alloc(p, size,
					      f[0][0] == '+' ? ptr : 0)) {
				/* "!": a failed realloc, the old block stays. */
				return -1;
			}
			break;
		case '-':
		case '<':
			if (n != 2)
				return malformed(p, f[0][0] == '-' ? "- PTR" :
								     "< PTR");
			if (addr_field(p, f[1], &ptr))
				return -1;
			if (f[0][0] == '<') {
				old = ptr;
				open_line = p->rd.lineno;
			} else if (libc_free(p, ptr)) {
				return -1;
			}
			break;
		default:
			parse_error(p, "unknown event '%s'",
				    show(&shown, f[0]));
			return -1;
		}
	}
	if (more < 0)
		return -1;
	if (open_line) {
		trace_error(p->rd.path, open_line,
			    "truncated realloc: '<' without its '>'");
		return -1;
	}
	return 0;
}
