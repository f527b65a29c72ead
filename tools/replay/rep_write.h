/* SPDX-License-Identifier: MIT */
/*
 * tools/replay/rep_write.h - a trace written as a CS:APP malloclab .rep
 * file, the one writer of that format (rep_write.c).
 */
#ifndef MEMS_REPLAY_REP_WRITE_H
#define MEMS_REPLAY_REP_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include "trace.h"

/*
 * Write @trace's allocations to @out as a .rep file whose header
 * suggests a heap of @hint bytes.  Return 0, or -1 once the one error
 * line is written.
 */
int rep_write(FILE *out, const struct trace *trace, size_t hint);

#endif /* MEMS_REPLAY_REP_WRITE_H */
