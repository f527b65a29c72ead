/* SPDX-License-Identifier: MIT */
/*
 * tools/dump/palette.h - the colours of mems-dump's pictures, once.
 *
 * The SVG free list (render_svg.c), the --plot figure (plot_svg.c) and
 * the viewer (render_html.c writes PALETTE_CSS before viewer.css, which
 * names the colours only by these variables) draw a PROCESS segment, a
 * HOLE or a merged run alike, so that a reader who learnt one knows the
 * other.  Blue and orange stay apart under every common colour-vision
 * deficiency; the series are the Okabe-Ito colours.
 */
#ifndef MEMS_DUMP_PALETTE_H
#define MEMS_DUMP_PALETTE_H

#define PALETTE_PROCESS		"#0b5cad"
#define PALETTE_HOLE		"#e4eddd"	/* hatched with the stripe */
#define PALETTE_HOLE_STRIPE	"#a9c0a1"
#define PALETTE_MERGED		"#e08600"	/* the rule of a merged run */
#define PALETTE_TOUCHED		"#d55e00"	/* what a step changed */
#define PALETTE_SERIES0		"#0072b2"
#define PALETTE_SERIES1		"#d55e00"
#define PALETTE_SERIES2		"#009e73"
#define PALETTE_SERIES3		"#cc79a7"

/* The same, as the CSS variables of the viewer. */
#define PALETTE_CSS							\
	":root {\n"							\
	"\t--process: " PALETTE_PROCESS ";\n"				\
	"\t--hole: " PALETTE_HOLE ";\n"					\
	"\t--hole-stripe: " PALETTE_HOLE_STRIPE ";\n"			\
	"\t--merged: " PALETTE_MERGED ";\n"				\
	"\t--touched: " PALETTE_TOUCHED ";\n"				\
	"\t--series-0: " PALETTE_SERIES0 ";\n"				\
	"\t--series-1: " PALETTE_SERIES1 ";\n"				\
	"\t--series-2: " PALETTE_SERIES2 ";\n"				\
	"\t--series-3: " PALETTE_SERIES3 ";\n"				\
	"}\n"

#endif /* MEMS_DUMP_PALETTE_H */
