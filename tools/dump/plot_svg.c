// SPDX-License-Identifier: MIT
/*
 * tools/dump/plot_svg.c - the --plot figure: a replay's figures over steps.
 *
 * Live bytes, mapped bytes and the largest hole share the left axis
 * (bytes, binary units); the number of holes has the right axis.  Colours
 * come from the Okabe-Ito palette and each line also has its own dash
 * pattern, so the figure survives colour-vision deficiencies and greyscale.
 *
 * A replay may have far more steps than the plot has pixel columns.  Then
 * each series becomes, per column, a shaded band from its lowest to its
 * highest value, so that a one-step peak still shows, and a line through
 * the value the column ends with; the file stays small whatever the
 * number of steps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "snapshot.h"
#include "svg_util.h"

#define PLOT_WIDTH	1000.0
#define PLOT_HEIGHT	580.0
#define PLOT_LEFT	96.0
#define PLOT_COLUMNS	((size_t)816)
#define PLOT_RIGHT	(PLOT_LEFT + PLOT_COLUMNS)
#define PLOT_TOP	56.0
#define PLOT_BOTTOM	(PLOT_HEIGHT - 124.0)

static const char plot_defs[] =
	"<defs><style type=\"text/css\"><![CDATA[\n"
	"text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;"
	"font-size:12px;fill:#1a1a1a}\n"
	".t{font-size:17px;font-weight:bold;text-anchor:middle}\n"
	".tl{text-anchor:end}\n"
	".tr{text-anchor:start}\n"
	".tc{text-anchor:middle}\n"
	".ax{stroke:#333333;stroke-width:1;fill:none}\n"
	".gr{stroke:#e3e3e3;stroke-width:1}\n"
	".note{font-size:14px;fill:#505050;text-anchor:middle}\n"
	".s0,.s1,.s2,.s3{fill:none;stroke-linejoin:round}\n"
	".s0{stroke:" PALETTE_SERIES0 ";stroke-width:2}\n"
	".s1{stroke:" PALETTE_SERIES1 ";stroke-width:2;"
	"stroke-dasharray:9 3}\n"
	".s2{stroke:" PALETTE_SERIES2 ";stroke-width:1.5;"
	"stroke-dasharray:3 2}\n"
	".s3{stroke:" PALETTE_SERIES3 ";stroke-width:1.5;"
	"stroke-dasharray:1 2}\n"
	".bs0,.bs1,.bs2,.bs3{fill-opacity:0.25;stroke-opacity:0.6;"
	"stroke-width:1;stroke-linejoin:round}\n"
	".bs0{fill:" PALETTE_SERIES0 ";"
	"stroke:" PALETTE_SERIES0 "}\n"
	".bs1{fill:" PALETTE_SERIES1 ";"
	"stroke:" PALETTE_SERIES1 "}\n"
	".bs2{fill:" PALETTE_SERIES2 ";"
	"stroke:" PALETTE_SERIES2 "}\n"
	".bs3{fill:" PALETTE_SERIES3 ";"
	"stroke:" PALETTE_SERIES3 "}\n"
	".c3{fill:#a4447b}\n"
	".sm{font-size:11px;fill:#505050}\n"
	"]]></style></defs>\n";

struct series {
	const char *name;
	const char *cls;
	int counts;		/* on the right axis, not in bytes */
	size_t (*get)(const struct step_stats *row);
};

static size_t row_live(const struct step_stats *row)
{
	return row->live_bytes;
}

static size_t row_mapped(const struct step_stats *row)
{
	return row->mapped_bytes;
}

static size_t row_largest(const struct step_stats *row)
{
	return row->largest_hole;
}

static size_t row_holes(const struct step_stats *row)
{
	return row->holes;
}

/*
 * Drawn in this order.  Mapped bytes never fall below live bytes and often
 * equal them, so the dashed mapped line goes over the solid live one and
 * both stay visible.
 */
static const struct series plot_series[] = {
	{ "holes (count, right axis)", "s3", 1, row_holes },
	{ "largest hole", "s2", 0, row_largest },
	{ "live bytes", "s0", 0, row_live },
	{ "mapped bytes", "s1", 0, row_mapped },
};

#define NR_SERIES (sizeof(plot_series) / sizeof(plot_series[0]))

struct axis {
	double min;
	double max;
	double step;		/* between ticks */
	double unit;		/* tick labels are in this many bytes, or 1 */
	const char *unit_name;
};

struct plot {
	FILE *out;
	const struct step_stats *rows;
	size_t nr_rows;
	struct axis x;
	struct axis bytes;
	struct axis counts;
};

/* 1, 2 or 5 times a power of ten, near @raw (> 0). */
static double nice_step(double raw)
{
	double mag = 1.0;

	while (mag * 10.0 <= raw)
		mag *= 10.0;
	while (mag > raw)
		mag /= 10.0;
	if (raw / mag < 1.5)
		return mag;
	if (raw / mag < 3.5)
		return 2.0 * mag;
	if (raw / mag < 7.5)
		return 5.0 * mag;
	return 10.0 * mag;
}

/* The smallest multiple of @step at or above @v (both >= 0). */
static double ceil_to(double v, double step)
{
	double q = (double)(uintmax_t)(v / step);

	if (q * step < v * (1.0 - 1e-12))
		q += 1.0;
	return q * step;
}

/* Ticks at whole binary units when they can be: 0, 256 KiB, 512 KiB... */
static void axis_bytes(struct axis *axis, double max)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	unsigned int u = 0;

	axis->unit = 1.0;
	while (max >= 1024.0 * axis->unit &&
	       u + 1 < sizeof(units) / sizeof(units[0])) {
		axis->unit *= 1024.0;
		u++;
	}
	axis->unit_name = units[u];
	axis->min = 0.0;
	axis->step = nice_step((max > 0.0 ? max : 1.0) / axis->unit / 5.0) *
		     axis->unit;
	if (axis->step < 1.0)
		axis->step = 1.0;
	axis->max = ceil_to(max > 0.0 ? max : 1.0, axis->step);
}

/* Counts and steps are integers, and so are their ticks. */
static void axis_integer(struct axis *axis, double min, double max,
			 unsigned int nr_ticks)
{
	double span = max - min > 0.0 ? max - min : 1.0;

	axis->unit = 1.0;
	axis->unit_name = "";
	axis->step = nice_step(span / nr_ticks);
	if (axis->step < 1.0)
		axis->step = 1.0;
	axis->min = min;
	axis->max = min + span;
}

static void plot_scale(struct plot *pl)
{
	double bytes = 0.0, counts = 0.0, xmin, xmax, v;
	size_t i, s;

	xmin = pl->nr_rows ? (double)pl->rows[0].step : 0.0;
	xmax = xmin;
	for (i = 0; i < pl->nr_rows; i++) {
		v = (double)pl->rows[i].step;
		xmin = v < xmin ? v : xmin;
		xmax = v > xmax ? v : xmax;
		for (s = 0; s < NR_SERIES; s++) {
			v = (double)plot_series[s].get(&pl->rows[i]);
			if (plot_series[s].counts)
				counts = v > counts ? v : counts;
			else
				bytes = v > bytes ? v : bytes;
		}
	}
	axis_integer(&pl->x, xmin, xmax, 8);
	axis_bytes(&pl->bytes, bytes);
	axis_integer(&pl->counts, 0.0, counts > 0.0 ? counts : 1.0, 5);
	pl->counts.max = ceil_to(pl->counts.max, pl->counts.step);
}

static double plot_x(const struct plot *pl, double step)
{
	return PLOT_LEFT + (step - pl->x.min) / (pl->x.max - pl->x.min) *
	       (PLOT_RIGHT - PLOT_LEFT);
}

static double plot_y(const struct axis *axis, double v)
{
	return PLOT_BOTTOM - (v - axis->min) / (axis->max - axis->min) *
	       (PLOT_BOTTOM - PLOT_TOP);
}

static void axis_label(char *buf, size_t len, const struct axis *axis,
		       double v)
{
	if (v == 0.0 || !axis->unit_name[0])
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g %s", v / axis->unit, axis->unit_name);
}

static void axes_print(const struct plot *pl)
{
	FILE *out = pl->out;
	double v, y, x, first;
	char buf[48];
	size_t k;

	for (k = 0; (v = pl->bytes.min + k * pl->bytes.step) <=
		    pl->bytes.max * (1 + 1e-9); k++) {
		y = plot_y(&pl->bytes, v);
		axis_label(buf, sizeof(buf), &pl->bytes, v);
		fprintf(out, "<line class=\"gr\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>\n<text class=\"tl\" "
			"x=\"%.1f\" y=\"%.1f\">%s</text>\n", PLOT_LEFT, y,
			PLOT_RIGHT, y, PLOT_LEFT - 8.0, y + 4.0, buf);
	}
	for (k = 0; (v = pl->counts.min + k * pl->counts.step) <=
		    pl->counts.max * (1 + 1e-9); k++) {
		y = plot_y(&pl->counts, v);
		fprintf(out, "<line class=\"ax\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>\n<text class=\"tr c3\" "
			"x=\"%.1f\" y=\"%.1f\">%.0f</text>\n", PLOT_RIGHT, y,
			PLOT_RIGHT + 5.0, y, PLOT_RIGHT + 8.0, y + 4.0, v);
	}
	first = ceil_to(pl->x.min, pl->x.step);
	for (k = 0; (v = first + k * pl->x.step) <= pl->x.max * (1 + 1e-9);
	     k++) {
		x = plot_x(pl, v);
		fprintf(out, "<line class=\"ax\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>\n<text class=\"tc\" "
			"x=\"%.1f\" y=\"%.1f\">%.0f</text>\n", x, PLOT_BOTTOM,
			x, PLOT_BOTTOM + 5.0, x, PLOT_BOTTOM + 19.0, v);
	}
}

static void frame_print(FILE *out, const char *title)
{
	fprintf(out, "<text class=\"t\" x=\"%.1f\" y=\"30\">",
		PLOT_WIDTH / 2.0);
	xml_puts(out, title ? title : "MeMS replay");
	fputs("</text>\n", out);
	fprintf(out, "<rect class=\"ax\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%.1f\"/>\n", PLOT_LEFT, PLOT_TOP,
		PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP);
	fprintf(out, "<text class=\"tc\" x=\"%.1f\" y=\"%.1f\">step</text>\n",
		(PLOT_LEFT + PLOT_RIGHT) / 2.0, PLOT_BOTTOM + 40.0);
	fprintf(out, "<text class=\"tc\" transform=\"translate(%.1f %.1f) "
		"rotate(-90)\">bytes (live, mapped, largest hole)</text>\n",
		22.0, (PLOT_TOP + PLOT_BOTTOM) / 2.0);
	fprintf(out, "<text class=\"tc c3\" transform=\"translate(%.1f %.1f) "
		"rotate(90)\">holes (count)</text>\n",
		PLOT_WIDTH - 22.0, (PLOT_TOP + PLOT_BOTTOM) / 2.0);
}

/* Where a series peaks, for the legend and the line's tooltip. */
static size_t series_peak(const struct plot *pl, const struct series *s)
{
	size_t i, peak = 0;

	for (i = 1; i < pl->nr_rows; i++)
		if (s->get(&pl->rows[i]) > s->get(&pl->rows[peak]))
			peak = i;
	return peak;
}

static void series_value(char *buf, size_t len, const struct series *s,
			 size_t v)
{
	if (s->counts)
		snprintf(buf, len, "%zu", v);
	else
		human_bytes(buf, len, v);
}

/* Two rows of two entries, the most important line first. */
static void legend_print(const struct plot *pl)
{
	static const unsigned int order[NR_SERIES] = { 2, 3, 1, 0 };
	double x, y;
	char buf[48];
	size_t s, i;

	for (i = 0; i < NR_SERIES; i++) {
		const struct series *ser = &plot_series[order[i]];

		x = PLOT_LEFT + (i % 2) * 400.0;
		y = PLOT_HEIGHT - 50.0 + (i / 2) * 22.0;
		fprintf(pl->out, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>\n<text x=\"%.1f\" "
			"y=\"%.1f\">%s", ser->cls, x, y, x + 36.0, y,
			x + 44.0, y + 4.0, ser->name);
		if (pl->nr_rows) {
			s = series_peak(pl, ser);
			series_value(buf, sizeof(buf), ser,
				     ser->get(&pl->rows[s]));
			fprintf(pl->out, ", max %s", buf);
		}
		fputs("</text>\n", pl->out);
	}
	if (pl->nr_rows > 2 * PLOT_COLUMNS)
		fprintf(pl->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"sm\">"
			"%zu steps on %zu pixel columns: shaded bands span "
			"each column's lowest to highest value</text>\n",
			PLOT_LEFT, PLOT_HEIGHT - 6.0, pl->nr_rows,
			PLOT_COLUMNS);
}

/* The rows that fall into one pixel column, when they are downsampled. */
struct column {
	int used;
	size_t lo;		/* rows holding its lowest and highest values */
	size_t hi;
	size_t last;		/* the state the column ends in */
};

static size_t plot_column(const struct plot *pl, size_t i)
{
	double c = plot_x(pl, (double)pl->rows[i].step) - PLOT_LEFT;

	if (c < 0.0)
		return 0;
	return c >= PLOT_COLUMNS ? PLOT_COLUMNS - 1 : (size_t)c;
}

/* Fills @cols, indexed by pixel column; rows out of order do no harm. */
static void columns_take(const struct plot *pl, const struct series *s,
			 struct column *cols)
{
	struct column *col;
	size_t i, v;

	memset(cols, 0, PLOT_COLUMNS * sizeof(*cols));
	for (i = 0; i < pl->nr_rows; i++) {
		col = &cols[plot_column(pl, i)];
		v = s->get(&pl->rows[i]);
		if (!col->used) {
			col->used = 1;
			col->lo = col->hi = col->last = i;
			continue;
		}
		col->last = i;
		if (v < s->get(&pl->rows[col->lo]))
			col->lo = i;
		if (v > s->get(&pl->rows[col->hi]))
			col->hi = i;
	}
}

static double column_x(size_t c)
{
	return PLOT_LEFT + c + 0.5;
}

static double series_y(const struct plot *pl, const struct series *s,
		       size_t i)
{
	const struct axis *axis = s->counts ? &pl->counts : &pl->bytes;

	return plot_y(axis, (double)s->get(&pl->rows[i]));
}

/*
 * Too many rows for the pixels: a band from each column's lowest to its
 * highest value keeps every peak visible, and the line follows the value
 * each column ends with.
 */
static void series_downsampled(const struct plot *pl, const struct series *s,
			       const char *tooltip)
{
	struct column cols[PLOT_COLUMNS];
	char op = 'M';
	size_t c;

	columns_take(pl, s, cols);
	fprintf(pl->out, "<path class=\"b%s\" d=\"", s->cls);
	for (c = 0; c < PLOT_COLUMNS; c++)
		if (cols[c].used) {
			fprintf(pl->out, "%c%.1f %.1f", op, column_x(c),
				series_y(pl, s, cols[c].hi));
			op = 'L';
		}
	for (c = PLOT_COLUMNS; c-- > 0;)
		if (cols[c].used)
			fprintf(pl->out, "L%.1f %.1f", column_x(c),
				series_y(pl, s, cols[c].lo));
	fprintf(pl->out, "Z\"><title>%s</title></path>\n", tooltip);

	fprintf(pl->out, "<path class=\"%s\" d=\"", s->cls);
	for (c = 0, op = 'M'; c < PLOT_COLUMNS; c++)
		if (cols[c].used) {
			fprintf(pl->out, "%c%.1f %.1f", op, column_x(c),
				series_y(pl, s, cols[c].last));
			op = 'L';
		}
	fprintf(pl->out, "\"><title>%s</title></path>\n", tooltip);
}

static void series_print(const struct plot *pl, const struct series *s)
{
	size_t peak = series_peak(pl, s), i;
	char buf[48], tooltip[128];

	series_value(buf, sizeof(buf), s, s->get(&pl->rows[peak]));
	snprintf(tooltip, sizeof(tooltip), "%s: max %s at step %lu", s->name,
		 buf, pl->rows[peak].step);
	if (pl->nr_rows > 2 * PLOT_COLUMNS) {
		series_downsampled(pl, s, tooltip);
		return;
	}
	fprintf(pl->out, "<path class=\"%s\" d=\"", s->cls);
	for (i = 0; i < pl->nr_rows; i++)
		fprintf(pl->out, "%c%.1f %.1f", i ? 'L' : 'M',
			plot_x(pl, (double)pl->rows[i].step),
			series_y(pl, s, i));
	fprintf(pl->out, "\"><title>%s</title></path>\n", tooltip);
}

static void note_print(const struct plot *pl)
{
	const struct step_stats *row = pl->rows;
	char live[32], mapped[32], largest[32];

	fprintf(pl->out, "<text class=\"note\" x=\"%.1f\" y=\"%.1f\">",
		(PLOT_LEFT + PLOT_RIGHT) / 2.0, (PLOT_TOP + PLOT_BOTTOM) / 2.0);
	if (!pl->nr_rows) {
		fputs("No steps recorded: nothing to plot.</text>\n", pl->out);
		return;
	}
	human_bytes(live, sizeof(live), row->live_bytes);
	human_bytes(mapped, sizeof(mapped), row->mapped_bytes);
	human_bytes(largest, sizeof(largest), row->largest_hole);
	fprintf(pl->out, "One step only, nothing to plot over time.</text>\n"
		"<text class=\"note\" x=\"%.1f\" y=\"%.1f\">Step %lu: live "
		"%s, mapped %s, %zu hole%s, largest hole %s, %zu node%s."
		"</text>\n", (PLOT_LEFT + PLOT_RIGHT) / 2.0,
		(PLOT_TOP + PLOT_BOTTOM) / 2.0 + 24.0, row->step, live, mapped,
		row->holes, row->holes == 1 ? "" : "s", largest, row->nodes,
		row->nodes == 1 ? "" : "s");
}

int plot_svg(FILE *out, const char *title, const struct step_stats *rows,
	     size_t nr_rows)
{
	struct plot pl = { .out = out, .rows = rows, .nr_rows = nr_rows };
	size_t s;

	if (!out || (nr_rows && !rows))
		return -EINVAL;
	plot_scale(&pl);

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		PLOT_WIDTH, PLOT_HEIGHT, PLOT_WIDTH, PLOT_HEIGHT);
	fputs("<title>", out);
	xml_puts(out, title ? title : "MeMS replay");
	fputs("</title>\n", out);
	fputs(plot_defs, out);
	fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" "
		"fill=\"#ffffff\"/>\n",
		PLOT_WIDTH, PLOT_HEIGHT);
	frame_print(out, title);
	if (nr_rows < 2) {
		note_print(&pl);
	} else {
		axes_print(&pl);
		for (s = 0; s < NR_SERIES; s++)
			series_print(&pl, &plot_series[s]);
	}
	legend_print(&pl);
	fputs("</svg>\n", out);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
