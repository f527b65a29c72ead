// SPDX-License-Identifier: MIT
/*
 * tools/dump/compare.c - mems-dump --compare: one trace on every policy.
 *
 * The policies are those of the library's registry, so that a policy
 * added there gets its row here; the linear references are left out, as
 * they place exactly as the policy they check.  Each policy replays the
 * trace twice: once taking the figures, which give the table its counts
 * and shares, and once bare, which is timed, so that the time is MeMS's
 * and not that of the statistics calls or of --check.
 */
#include <string.h>

#include "dump.h"

/* @part of @whole in percent, or "-" when @whole is 0. */
static const char *share(char *buf, size_t len, size_t part, size_t whole)
{
	if (!whole)
		return "-";
	snprintf(buf, len, "%.1f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

static int compare_row(FILE *out, const struct trace *trace,
		       const struct replay_options *base, const char *policy)
{
	struct replay_options opts = *base;
	struct replay_result figures, timed;
	char util[32], largest[32];

	opts.policy = policy;
	opts.no_dumps = true;
	opts.keep_rows = false;
	opts.figures = true;
	if (replay_run(trace, &opts, &figures))
		return -1;
	opts.figures = false;
	opts.check = false;
	/* The first replay has told what it did not reproduce. */
	opts.not_reproduced = NULL;
	if (replay_run(trace, &opts, &timed))
		return -1;
	fprintf(out, "%-10s %6lu %7lu %11zu %12s %6zu %13s %9.3f\n", policy,
		figures.mmap_calls, figures.munmap_calls, figures.peak_pages,
		share(util, sizeof(util), figures.peak_live,
		      figures.peak_mapped),
		figures.holes_at_peak,
		share(largest, sizeof(largest), figures.largest_at_peak,
		      figures.hole_bytes_at_peak),
		timed.ms);
	replay_result_release(&figures);
	replay_result_release(&timed);
	return 0;
}

int compare_trace(FILE *out, const struct trace *trace,
		  const struct replay_options *base)
{
	unsigned int index = 0;
	const char *policy;

	fprintf(out, "# %s: %s, %lu steps\n", trace->path,
		trace_format_name(trace->format), trace->nr_steps);
	fprintf(out, "%-10s %6s %7s %11s %12s %6s %13s %9s\n", "policy", "mmap",
		"munmap", "peak-pages", "utilization", "holes", "largest-hole",
		"time-ms");
	while ((policy = policy_next_compared(&index)))
		if (compare_row(out, trace, base, policy))
			return -1;
	return 0;
}
