/* SPDX-License-Identifier: MIT */
/*
 * tools/replay/input.h - the bytes of a trace, from a file or standard
 * input, gzip-compressed or not (input.c).
 */
#ifndef MEMS_REPLAY_INPUT_H
#define MEMS_REPLAY_INPUT_H

#include <stdbool.h>
#include <stdio.h>

struct input;

/*
 * @path or standard input (NULL), named @shown in messages; NULL once
 * the one error line is written.
 */
struct input *input_open(const char *path, const char *shown);
FILE *input_file(const struct input *in);
const char *input_error(const struct input *in);
void input_close(struct input *in);

#endif /* MEMS_REPLAY_INPUT_H */
