// SPDX-License-Identifier: MIT
/*
 * trace_fuzz.c - libFuzzer target: mems-dump reads any file of one trace
 * format without a crash, and replays whatever it accepts soundly.
 *
 * Built once per format, with TRACE_HEADER set to that format's first
 * line (empty for .rep, whose header is the input's): the input follows
 * it in a memory file that the trace library's loader, mems-dump's and
 * mems-bench's, opens by path.  A trace it accepts is replayed as
 * `mems-dump --check` replays it, every step checked against the heap's
 * invariants and a walk of its chains.  The
 * loader's and the replay's one-line errors are expected for bad input;
 * an error saying the heap broke an invariant is a bug, and aborts.
 * Traces with a block of more than BLOCK_MAX bytes, or a page of more
 * than PAGE_MAX, are read but not replayed: AddressSanitizer writes a byte of shadow for every 8
 * of a block or hole it is told about, and gigabytes of shadow are not
 * what a fuzzer's run should spend its memory on.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../tools/dump/dump.h"

#ifndef TRACE_HEADER
#error "build with -DTRACE_HEADER='\"first line\\n\"' (\"\" for .rep)"
#endif

#define BLOCK_MAX (64UL << 20)
#define PAGE_MAX (1UL << 20)

static int trace_fd = -1;
static char trace_path[64];

/* What the replay says reaches here, linked with --wrap=trace_error. */
void __wrap_trace_error(const char *path, unsigned long line, const char *fmt,
		       ...)
{
	char message[512];
	va_list ap;

	(void)path;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (strstr(message, "breaks an invariant") ||
	    strstr(message, "differ from a walk")) {
		fprintf(stderr, "trace_fuzz: line %lu: %s\n", line, message);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace_fd = memfd_create("trace", 0);
	if (trace_fd < 0)
		abort();
	snprintf(trace_path, sizeof(trace_path), "/proc/self/fd/%d", trace_fd);
	return 0;
}

static void write_trace(const uint8_t *data, size_t size)
{
	static const char header[] = TRACE_HEADER;

	if (ftruncate(trace_fd, 0) ||
	    pwrite(trace_fd, header, sizeof(header) - 1, 0) !=
		    (ssize_t)(sizeof(header) - 1) ||
	    pwrite(trace_fd, data, size, sizeof(header) - 1) != (ssize_t)size)
		abort();
}

static bool small_enough(const struct trace *trace)
{
	size_t i;

	for (i = 0; i < trace->nr_events; i++)
		if (trace->events[i].size > BLOCK_MAX)
			return false;
	for (i = 0; i < trace->nr_layouts; i++)
		if (trace->layouts[i].page_size > PAGE_MAX)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_options opts = {
		.trim_threshold = TRIM_FROM_TRACE,
		.check = true,
		.no_dumps = true,
		.figures = true,
	};
	struct replay_result result;
	struct trace trace;

	write_trace(data, size);
	if (trace_load(trace_path, &trace))
		return 0;
	if (small_enough(&trace) && !replay_validate(&trace, &opts) &&
	    !replay_run(&trace, &opts, &result))
		replay_result_release(&result);
	trace_free(&trace);
	return 0;
}
