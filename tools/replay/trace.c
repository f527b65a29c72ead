// SPDX-License-Identifier: MIT
/*
 * tools/replay/trace.c - what every part of a trace's life shares: its
 * messages, its numbers, its format's name and its release.
 *
 * Messages name the tool that prints them, so that mems-dump and
 * mems-bench say the same thing of the same line, each under its name.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "trace.h"

void trace_error(const char *path, unsigned long line, const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "%s: %s:%lu: ", program_invocation_short_name, path,
		line);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

const char *trace_format_name(enum trace_format format)
{
	static const char *const names[] = {
		[FORMAT_MEMS] = "mems-trace 1 mems",
		[FORMAT_LIBC] = "mems-trace 1 libc",
		[FORMAT_REP] = "malloclab .rep",
		[FORMAT_MTRACE] = "glibc mtrace",
	};

	return names[format];
}

/*
 * A number as traces write them: decimal, or hexadecimal after "0x".
 * No sign, no blanks, nothing after the digits.
 */
int number_parse(const char *field, uintmax_t max, uintmax_t *value)
{
	unsigned int base = 10;
	const char *p = field;
	uintmax_t n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		unsigned int digit;

		if (*p >= '0' && *p <= '9')
			digit = (unsigned int)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			digit = (unsigned int)(tolower((unsigned char)*p) -
					       'a' + 10);
		else
			return -EINVAL;
		if (n > (max - digit) / base)
			return -ERANGE;
		n = n * base + digit;
	}
	*value = n;
	return 0;
}

/* A note, not an error: the replay showed the state where it stopped. */
void trace_note_early_end(const struct trace *trace)
{
	if (trace->missing_end)
		fprintf(stderr,
			"%s: %s: the trace ends without %s: the program "
			"stopped early\n",
			program_invocation_short_name, trace->path,
			trace->missing_end);
}

void trace_free(struct trace *trace)
{
	free(trace->events);
	free(trace->layouts);
	trace->events = NULL;
	trace->layouts = NULL;
	trace->nr_events = 0;
	trace->nr_layouts = 0;
}
