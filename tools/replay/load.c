// SPDX-License-Identifier: MIT
/*
 * tools/replay/load.c - which reader a trace file is for.
 *
 * The format is recognised from the first line: "mems-trace 1 mems" or
 * "mems-trace 1 libc" (Documentation/trace-format.rst), "= Start" (a glibc
 * mtrace log) or a number (the first header line of a malloclab .rep
 * file).  This file calls the readers and none of them calls it: a
 * reader knows only the helpers of reader.c, below them all.
 */
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "input.h"
#include "reader.h"

static int trace_parse(struct parser *p)
{
	int more = reader_next(&p->rd);

	if (more < 0)
		return -1;
	if (!more) {
		trace_error(p->rd.path, 1,
			    "empty file: the first line is "
			    "missing");
		return -1;
	}
	if (!strncmp(p->rd.line, "mems-trace", 10) &&
	    (!p->rd.line[10] || p->rd.line[10] == ' ')) {
		if (mems_trace_header(p))
			return -1;
		return mems_trace_parse(p);
	}
	if (!strcmp(p->rd.line, "= Start")) {
		p->trace->format = FORMAT_MTRACE;
		return mtrace_parse(p);
	}
	if (rep_detect(p->rd.line)) {
		p->trace->format = FORMAT_REP;
		return rep_parse(p);
	}
	parse_error(p, "not a trace: the first line is not 'mems-trace 1 "
		       "mems|libc', '= Start' or a .rep header");
	return -1;
}

/*
 * What the program did not reach when it stopped, a crash or an exit
 * without mems_finish(), or NULL: its MeMS was still initialised at the
 * end of the trace, or, for a C library trace, it has no exit or exec
 * line.
 */
static const char *early_end(const struct parser *p)
{
	const struct trace *trace = p->trace;
	size_t i = trace->nr_events;

	if (trace->format == FORMAT_LIBC)
		return p->ended_by ? NULL : "the program's exit";
	if (trace->format != FORMAT_MEMS)
		return NULL;
	while (i-- > 0) {
		if (trace->events[i].kind == EVENT_FINISH)
			return NULL;
		if (trace->events[i].kind == EVENT_INIT)
			return "mems_finish()";
	}
	return NULL;
}

int trace_load(const char *path, struct trace *trace)
{
	bool std_in = !strcmp(path, "-");
	struct parser p = {
		.rd = { .path = std_in ? STDIN_NAME : path },
		.trace = trace,
		.blocks = RB_ROOT,
		.align = 1,
	};
	size_t i;
	int err;

	memset(trace, 0, sizeof(*trace));
	trace->path = p.rd.path;
	p.rd.input = input_open(std_in ? NULL : path, p.rd.path);
	if (!p.rd.input)
		return -1;
	p.rd.in = input_file(p.rd.input);
	err = trace_parse(&p);
	if (!err)
		trace->missing_end = early_end(&p);
	input_close(p.rd.input);
	free(p.rd.line);
	blocks_clear(&p.blocks);
	if (err) {
		trace_free(trace);
		return -1;
	}
	for (i = 0; i < trace->nr_events; i++)
		trace->nr_steps += trace->events[i].starts_step;
	return 0;
}
