// SPDX-License-Identifier: MIT
/*
 * tools/dump/main.c - mems-dump: replay allocation traces and show the
 * free list.
 *
 * Every trace is read completely before anything is replayed, so that a
 * bad line stops the run with its one error message and no half-written
 * output.  Usage errors exit with 2 (tools/cli.h), trace and output
 * errors with 1; lines replayed otherwise than recorded are each told,
 * and the run, which goes on, exits with 3.
 * The policies and the default layout are the library's, asked at run
 * time: nothing here names a policy or reads the configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <mems/introspect.h>
#include <tools/cli.h>

#include "dump.h"

enum {
	OPT_POLICY = 256,
	OPT_PAGE_SIZE,
	OPT_VIRT_BASE,
	OPT_ALIGN,
	OPT_TRIM_THRESHOLD,
	OPT_REALLOC_MOVES,
	OPT_AT,
	OPT_EVERY,
	OPT_FORMAT,
	OPT_STATS,
	OPT_PLOT,
	OPT_COMPARE,
	OPT_TIME,
	OPT_CHECK,
	OPT_VERSION,
};

/* ':' first: a missing argument is told from an unknown option. */
static const char short_options[] = ":ho:";

static const struct option long_options[] = {
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
	{ "virt-base", required_argument, NULL, OPT_VIRT_BASE },
	{ "align", required_argument, NULL, OPT_ALIGN },
	{ "trim-threshold", required_argument, NULL, OPT_TRIM_THRESHOLD },
	{ "realloc-moves", no_argument, NULL, OPT_REALLOC_MOVES },
	{ "at", required_argument, NULL, OPT_AT },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "compare", no_argument, NULL, OPT_COMPARE },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	struct replay_options opts;
	bool all_policies;
	bool compare;
	bool dump_options; /* any option --compare does not take */
	enum dump_format format;
	enum measure_time time;
	bool time_given;
	const char *output;
	const char *stats;
	const char *plot;
	unsigned long *at;
	size_t nr_at;
	char **traces;
	size_t nr_traces;
	/* Lines told of as not reproduced, by the replays and the reading. */
	unsigned long not_reproduced;
};

/* The help's descriptions start in column 27; its lines hold 80. */
#define HELP_INDENT 27
#define HELP_WIDTH 80

/*
 * The built policies' names after @col columns, each after a space,
 * wrapped as the help is: the registry is the only list of them.
 */
static void usage_policies(FILE *out, size_t col)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		if (col + 1 + strlen(info.name) > HELP_WIDTH) {
			fprintf(out, "\n%*s", HELP_INDENT - 1, "");
			col = HELP_INDENT - 1;
		}
		col += (size_t)fprintf(out, " %s", info.name);
	}
	fputc('\n', out);
}

static void usage(FILE *out)
{
	static const char policy_line[] =
		"      --policy NAME|all    placement policy, one of:";
	struct mems_heap_config def;

	mems_default_config(&def);
	fputs("Usage: mems-dump [OPTIONS] TRACE...\n"
	      "Replay allocation traces on a fresh MeMS heap and show its "
	      "free list.\n"
	      "\n"
	      "TRACE is a MeMS trace ('mems-trace 1 mems' from MEMS_TRACE, "
	      "'mems-trace 1 libc'\n"
	      "from mems-trace), a CS:APP malloclab .rep file or a glibc "
	      "mtrace log, told\n"
	      "apart by their content, gzip-compressed or not; '-' reads "
	      "standard input.\n"
	      "By default the list is printed as mems_print_stats() prints "
	      "it, wherever the\n"
	      "program called mems_print_stats(), and once more at the end "
	      "unless the trace\n"
	      "ends in mems_finish() or its last step was printed.\n"
	      "\n"
	      "Replay:\n",
	      out);
	fputs(policy_line, out);
	usage_policies(out, sizeof(policy_line) - 1);
	fprintf(out,
		"                           all: every built policy in turn, "
		"the linear\n"
		"                           references excepted\n"
		"                           (default: a MeMS trace's init "
		"line, else %s)\n"
		"      --page-size N        bytes per MeMS page (default: "
		"the init line, else %zu)\n"
		"      --virt-base N        first virtual address (default: "
		"the init line,\n"
		"                           else %ju)\n"
		"      --align N            allocation granule, a power of "
		"two (default: the init\n"
		"                           line, else %zu)\n"
		"      --trim-threshold N   bytes of empty nodes kept mapped, "
		"-1 for never\n"
		"                           (default: the init line, else -1)\n"
		"      --realloc-moves      replay realloc as a new block and a "
		"free, never in\n"
		"                           place\n",
		def.policy, def.page_size, (uintmax_t)def.virt_base, def.align);
	fputs("Dumps:\n"
	      "      --at STEP[,STEP...]  also dump after these steps (step N "
	      "is the Nth line\n"
	      "                           that calls the allocator)\n"
	      "      --every N            also dump after every Nth step; "
	      "--stats then writes\n"
	      "                           the rows of those steps and of "
	      "the last only\n"
	      "      --format FORMAT      text (default), json, dot, svg or "
	      "html; svg draws\n"
	      "                           the last dump only; html writes a "
	      "page that steps\n"
	      "                           through the replay, every policy "
	      "with --compare;\n"
	      "                           --compare's table as text, csv or "
	      "json\n"
	      "  -o, --output FILE        write the dumps to FILE\n"
	      "      --stats FILE         write per-step figures as CSV (of "
	      "the last replay)\n"
	      "      --plot FILE          draw live and mapped bytes and "
	      "holes over the steps\n"
	      "                           as SVG (of the last replay)\n"
	      "      --compare            instead of dumps, replay each trace "
	      "on every built\n"
	      "                           policy but the linear references "
	      "and print tables\n"
	      "                           of figures and fragmentation "
	      "measures\n"
	      "      --time steps|bytes   count --compare's time in steps "
	      "(default) or in\n"
	      "                           bytes allocated\n"
	      "      --check              check the heap and the figures "
	      "after every step\n"
	      "  -h, --help               print this help and exit\n"
	      "      --version            print the version and exit\n"
	      "\n"
	      "Exit status: 0 on success; 1 when a trace cannot be read or "
	      "replayed, or an\n"
	      "output cannot be written; 2 for bad options; 3 when the "
	      "replay did not make\n"
	      "some line as the trace recorded it (each is reported).\n"
	      "See Documentation/tools.rst.\n",
	      out);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	cli_vusage_error("mems-dump", fmt, args);
	va_end(args);
	exit(EXIT_USAGE);
}

static uintmax_t option_number(const char *option, const char *arg,
			       uintmax_t min, uintmax_t max)
{
	uintmax_t value;
	int err = number_parse(arg, max, &value);

	if (err == -EINVAL)
		usage_error("%s: not a number: '%s'", option, arg);
	if (err || value < min)
		usage_error("%s: out of range: '%s'", option, arg);
	return value;
}

static long option_trim(const char *arg)
{
	if (!strcmp(arg, "-1"))
		return -1;
	return (long)option_number("--trim-threshold", arg, 0, LONG_MAX);
}

static void option_at(struct cli *cli, char *arg)
{
	char *step, *save = NULL;

	for (step = strtok_r(arg, ",", &save); step;
	     step = strtok_r(NULL, ",", &save)) {
		unsigned long *at =
			realloc(cli->at, (cli->nr_at + 1) * sizeof(*at));

		if (!at) {
			fputs("mems-dump: out of memory\n", stderr);
			exit(1);
		}
		cli->at = at;
		at[cli->nr_at++] = option_number("--at", step, 1, ULONG_MAX);
	}
}

static void option_policy(struct cli *cli, const char *name)
{
	if (!strcmp(name, "all")) {
		cli->all_policies = true;
		cli->opts.policy = NULL;
		return;
	}
	if (!policy_is_built(name))
		usage_error("--policy: no policy '%s' is built in", name);
	cli->all_policies = false;
	cli->opts.policy = name;
}

static void option_format(struct cli *cli, const char *name)
{
	static const char *const names[] = {
		[DUMP_TEXT] = "text",
		[DUMP_JSON] = "json",
		[DUMP_DOT] = "dot",
		[DUMP_SVG] = "svg",
		[DUMP_HTML] = "html",
		[DUMP_CSV] = "csv",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (!strcmp(name, names[i])) {
			cli->format = (enum dump_format)i;
			return;
		}
	}
	usage_error("--format: '%s' is none of text, json, dot, svg, html, csv",
		    name);
}

static void option_time(struct cli *cli, const char *name)
{
	if (!strcmp(name, "steps"))
		cli->time = TIME_STEPS;
	else if (!strcmp(name, "bytes"))
		cli->time = TIME_BYTES;
	else
		usage_error("--time: '%s' is neither steps nor bytes", name);
	cli->time_given = true;
}

static int compare_steps(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* --at in order, each step once, as the replay consumes them. */
static void at_normalise(struct cli *cli)
{
	size_t i, n = 0;

	if (!cli->nr_at)
		return;
	qsort(cli->at, cli->nr_at, sizeof(*cli->at), compare_steps);
	for (i = 0; i < cli->nr_at; i++)
		if (!n || cli->at[n - 1] != cli->at[i])
			cli->at[n++] = cli->at[i];
	cli->nr_at = n;
}

/* Standard input is read to its end by the first "-": a second gets nothing. */
static void stdin_once(const struct cli *cli)
{
	size_t i, n = 0;

	for (i = 0; i < cli->nr_traces; i++)
		n += !strcmp(cli->traces[i], "-");
	if (n > 1)
		usage_error("'-' (standard input) can be read only once");
}

static void options_parse(struct cli *cli, int argc, char **argv)
{
	uintmax_t align;
	int c;

	/* getopt's own messages would make two lines with ours. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_options, long_options,
				NULL)) != -1) {
		switch (c) {
		case OPT_POLICY:
			option_policy(cli, optarg);
			cli->dump_options = true;
			break;
		case OPT_PAGE_SIZE:
			cli->opts.page_size = option_number(
				"--page-size", optarg, 1, SIZE_MAX);
			break;
		case OPT_VIRT_BASE:
			cli->opts.virt_base = option_number(
				"--virt-base", optarg, 1, UINTPTR_MAX);
			break;
		case OPT_ALIGN:
			align = option_number("--align", optarg, 1, SIZE_MAX);
			if (align & (align - 1))
				usage_error(
					"--align: %ju is not a power of two",
					align);
			cli->opts.align = align;
			break;
		case OPT_TRIM_THRESHOLD:
			cli->opts.trim_threshold = option_trim(optarg);
			break;
		case OPT_REALLOC_MOVES:
			cli->opts.realloc_moves = true;
			break;
		case OPT_AT:
			option_at(cli, optarg);
			cli->dump_options = true;
			break;
		case OPT_EVERY:
			cli->opts.every =
				option_number("--every", optarg, 1, ULONG_MAX);
			cli->dump_options = true;
			break;
		case OPT_FORMAT:
			option_format(cli, optarg);
			/*
			 * The viewer shows --compare's policies side by
			 * side; its table is text, csv or json.
			 */
			if (cli->format == DUMP_DOT || cli->format == DUMP_SVG)
				cli->dump_options = true;
			break;
		case 'o':
			cli->output = optarg;
			break;
		case OPT_STATS:
			cli->stats = optarg;
			cli->dump_options = true;
			break;
		case OPT_PLOT:
			cli->plot = optarg;
			cli->dump_options = true;
			break;
		case OPT_COMPARE:
			cli->compare = true;
			break;
		case OPT_TIME:
			option_time(cli, optarg);
			break;
		case OPT_CHECK:
			cli->opts.check = true;
			break;
		case 'h':
			usage(stdout);
			exit(fflush(stdout) || ferror(stdout) ? 1 : 0);
		case OPT_VERSION:
			exit(cli_version("mems-dump"));
		default:
			cli_bad_option("mems-dump", long_options, c, argv);
			exit(EXIT_USAGE);
		}
	}
	if (optind == argc)
		usage_error("no trace given");
	if (cli->compare && cli->dump_options)
		usage_error("--compare replays on every policy and prints a "
			    "table, or with --format html a page: it takes no "
			    "--policy, --at, --every, --format dot or svg, "
			    "--stats or --plot");
	if (!cli->compare && cli->format == DUMP_CSV)
		usage_error("--format csv is for the --compare table");
	if (cli->time_given && (!cli->compare || cli->format == DUMP_HTML))
		usage_error("--time is for the --compare table");
	cli->traces = argv + optind;
	cli->nr_traces = (size_t)(argc - optind);
	stdin_once(cli);
	if (cli->format == DUMP_HTML && cli->nr_traces > 1)
		usage_error("--format html shows one trace");
	if (cli->format == DUMP_HTML &&
	    (cli->nr_at || cli->opts.every || cli->stats || cli->plot))
		usage_error("--format html holds every step: it takes no "
			    "--at, --every, --stats or --plot (open the page "
			    "at #step=N)");
	at_normalise(cli);
	cli->opts.at = cli->at;
	cli->opts.nr_at = cli->nr_at;
	cli->opts.label_steps = cli->nr_at || cli->opts.every;
}

/* An output file, or stdout for NULL or "-". */
static FILE *output_open(const char *path)
{
	FILE *out;

	if (!path || !strcmp(path, "-"))
		return stdout;
	out = fopen(path, "w");
	if (!out)
		fprintf(stderr, "mems-dump: %s: cannot open: %s\n", path,
			strerror(errno));
	return out;
}

static int output_close(FILE *out, const char *path)
{
	int err = fflush(out) || ferror(out);

	if (out != stdout && fclose(out))
		err = 1;
	if (err)
		fprintf(stderr, "mems-dump: %s: write error: %s\n",
			path && out != stdout ? path : "standard output",
			strerror(errno ? errno : EIO));
	return err ? -1 : 0;
}

/* One table for all the traces: text titles each trace's part. */
static int run_compare(struct cli *cli, struct trace *traces, FILE *out)
{
	struct compare_table table = { .out = out, .time = cli->time };
	size_t i;

	if (cli->format == DUMP_CSV)
		table.format = COMPARE_CSV;
	else if (cli->format == DUMP_JSON)
		table.format = COMPARE_JSON;
	compare_begin(&table);
	for (i = 0; i < cli->nr_traces; i++)
		if (compare_trace(&table, &traces[i], &cli->opts))
			return -1;
	return compare_end(&table);
}

struct outputs {
	FILE *dumps;
	FILE *stats;
	FILE *plot;
};

/*
 * Every output is opened before anything is replayed, so that a path
 * that cannot be written stops the run before it prints.
 */
static int outputs_open(const struct cli *cli, struct outputs *outs)
{
	outs->dumps = output_open(cli->output);
	if (!outs->dumps)
		return -1;
	if (cli->stats) {
		outs->stats = output_open(cli->stats);
		if (!outs->stats)
			return -1;
	}
	if (cli->plot) {
		outs->plot = output_open(cli->plot);
		if (!outs->plot)
			return -1;
	}
	return 0;
}

static int outputs_close(const struct cli *cli, struct outputs *outs)
{
	int err = 0;

	if (outs->dumps && output_close(outs->dumps, cli->output))
		err = -1;
	if (outs->stats && output_close(outs->stats, cli->stats))
		err = -1;
	if (outs->plot && output_close(outs->plot, cli->plot))
		err = -1;
	return err;
}

/*
 * --stats and --plot: the figures of the last replay.  The plot takes
 * every row, whose peaks it keeps however many there are; the CSV only
 * those of --every's steps.
 */
static void write_figures(const struct cli *cli, const struct outputs *outs,
			  const struct trace *trace,
			  const struct replay_result *last)
{
	char title[512];

	if (outs->stats)
		stats_write_csv(outs->stats, last->rows, last->nr_rows,
				cli->opts.every);
	if (outs->plot) {
		snprintf(title, sizeof(title), "%s, %s", trace->path,
			 last->policy);
		plot_svg(outs->plot, title, last->rows, last->nr_rows);
	}
}

/*
 * One replay of @trace on @policy (NULL: the trace's); its result becomes
 * *@last, and *@empty what svg draws when no dump was made.
 */
static int run_one(struct cli *cli, const struct trace *trace,
		   const char *policy, struct replay_result *last,
		   struct snapshot *empty)
{
	struct replay_result result;

	cli->opts.policy = policy;
	if (replay_run(trace, &cli->opts, &result))
		return -1;
	replay_result_release(last);
	*last = result;
	empty->policy = result.policy;
	empty->page_size = result.page_size;
	empty->step = trace->nr_steps;
	return 0;
}

/* --policy all: each policy's dumps after a line that names it. */
static int run_all_policies(struct cli *cli, const struct trace *trace,
			    struct replay_result *last, struct snapshot *empty)
{
	unsigned int index = 0;
	const char *policy;

	while ((policy = policy_next_compared(&index))) {
		sink_note(cli->opts.sink, "# policy: %s", policy);
		if (run_one(cli, trace, policy, last, empty))
			return -1;
	}
	return 0;
}

static int run_dumps(struct cli *cli, struct trace *traces,
		     const struct outputs *outs)
{
	const char *policy = cli->opts.policy;
	struct replay_result last = { 0 };
	struct snapshot empty = { 0 };
	struct sink sink;
	int err = 0;
	size_t t;

	cli->opts.keep_rows = cli->stats || cli->plot;
	cli->opts.figures = cli->opts.keep_rows || cli->opts.check;
	cli->opts.sink = &sink;
	sink_init(&sink, cli->format, outs->dumps);
	for (t = 0; t < cli->nr_traces && !err; t++) {
		if (cli->nr_traces > 1)
			sink_note(&sink, "# trace: %s", traces[t].path);
		if (cli->all_policies)
			err = run_all_policies(cli, &traces[t], &last, &empty);
		else
			err = run_one(cli, &traces[t], policy, &last, &empty);
	}
	if (!err)
		err = sink_finish(&sink, &empty) ? -1 : 0;
	if (!err)
		write_figures(cli, outs, &traces[cli->nr_traces - 1], &last);
	replay_result_release(&last);
	return err;
}

/*
 * --format html: one page, of the trace's policy, or of every compared
 * policy side by side with --compare or --policy all.
 */
static int run_html(struct cli *cli, struct trace *trace, FILE *out)
{
	struct html_page *page = html_page_new(trace);
	unsigned int index = 0;
	const char *policy;
	int err = 0;

	if (!page) {
		trace_error(trace->path, 0, "out of memory");
		return -1;
	}
	if (cli->compare || cli->all_policies) {
		while (!err && (policy = policy_next_compared(&index)))
			err = html_page_add(page, &cli->opts, policy);
	} else {
		err = html_page_add(page, &cli->opts, cli->opts.policy);
	}
	if (!err && html_page_write(out, page))
		err = -1;
	html_page_free(page);
	return err;
}

static int load_traces(const struct cli *cli, struct trace *traces)
{
	size_t i;

	for (i = 0; i < cli->nr_traces; i++) {
		if (trace_load(cli->traces[i], &traces[i]))
			return -1;
		if (!cli->compare && !cli->all_policies &&
		    replay_validate(&traces[i], &cli->opts))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = {
		.format = DUMP_TEXT,
		.opts.trim_threshold = TRIM_FROM_TRACE,
	};
	struct outputs outs = { 0 };
	struct trace *traces;
	int err = -1;
	size_t i;

	cli.opts.not_reproduced = &cli.not_reproduced;
	options_parse(&cli, argc, argv);
	traces = calloc(cli.nr_traces, sizeof(*traces));
	if (!traces) {
		fputs("mems-dump: out of memory\n", stderr);
		return 1;
	}
	if (load_traces(&cli, traces))
		goto out;
	if (!outputs_open(&cli, &outs)) {
		if (cli.format == DUMP_HTML)
			err = run_html(&cli, traces, outs.dumps);
		else if (cli.compare)
			err = run_compare(&cli, traces, outs.dumps);
		else
			err = run_dumps(&cli, traces, &outs);
	}
	if (outputs_close(&cli, &outs))
		err = -1;
	for (i = 0; !err && i < cli.nr_traces; i++)
		trace_note_early_end(&traces[i]);
out:
	for (i = 0; i < cli.nr_traces; i++) {
		cli.not_reproduced += traces[i].nr_not_reproduced;
		trace_free(&traces[i]);
	}
	free(traces);
	free(cli.at);
	if (err)
		return 1;
	return cli.not_reproduced ? EXIT_NOT_REPRODUCED : 0;
}
