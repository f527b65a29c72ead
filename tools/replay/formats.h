/* SPDX-License-Identifier: MIT */
/*
 * tools/replay/formats.h - one reader per format, each called by
 * load.c with the first line read, and calling only the helpers of
 * reader.h.
 */
#ifndef MEMS_REPLAY_FORMATS_H
#define MEMS_REPLAY_FORMATS_H

#include <stdbool.h>

struct parser;

/* mems.c: "mems-trace 1 mems" and "mems-trace 1 libc" */
int mems_trace_header(struct parser *p);
int mems_trace_parse(struct parser *p);
/* rep.c: CS:APP malloclab */
bool rep_detect(const char *first_line);
int rep_parse(struct parser *p);
/* mtrace.c: glibc mtrace() logs */
int mtrace_parse(struct parser *p);

#endif /* MEMS_REPLAY_FORMATS_H */
