/* SPDX-License-Identifier: MIT */
/*
 * tools/dump/svg_util.h - text helpers shared by the two SVG renderers.
 *
 * The free-list picture (render_svg.c) and the --plot figure (plot_svg.c)
 * put the same kinds of text into their markup: names taken from the
 * trace, which may hold anything, and byte counts as labels.  Keeping one
 * copy means both figures escape and round the same way.
 */
#ifndef MEMS_DUMP_SVG_UTIL_H
#define MEMS_DUMP_SVG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void xml_puts(FILE *out, const char *s);
void human_bytes(char *buf, size_t len, uintmax_t bytes);

#endif /* MEMS_DUMP_SVG_UTIL_H */
