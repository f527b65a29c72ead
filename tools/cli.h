/* SPDX-License-Identifier: MIT */
/*
 * tools/cli.h - the command-line conventions every MeMS tool keeps.
 *
 * They are GNU's, so that the tools answer as the programs around them
 * do: a refused option is named in getopt's own words, then comes "Try
 * 'TOOL --help' for more information." and exit status 2; --version
 * prints "TOOL (MeMS) VERSION".  The tools turn getopt's messages off
 * (opterr = 0) and write them here, so that no second message of their
 * own follows a first one of getopt's.  VERSION is the Makefile's, which
 * gives it to each tool's main object as MEMS_VERSION.
 */
#ifndef MEMS_TOOLS_CLI_H
#define MEMS_TOOLS_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef MEMS_VERSION
#error "MEMS_VERSION comes from the Makefile's VERSION: see tools/Makefile"
#endif

/* The exit status of bad usage, as getopt's GNU callers exit. */
#define EXIT_USAGE 2

static inline void cli_try_help(const char *tool)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", tool);
}

/* "TOOL: MESSAGE", then where to find the usage. */
static inline void __attribute__((format(printf, 2, 0)))
cli_vusage_error(const char *tool, const char *fmt, va_list args)
{
	fprintf(stderr, "%s: ", tool);
	vfprintf(stderr, fmt, args);
	fputc('\n', stderr);
	cli_try_help(tool);
}

static inline void __attribute__((format(printf, 2, 3)))
cli_usage_error(const char *tool, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	cli_vusage_error(tool, fmt, args);
	va_end(args);
}

/*
 * How many of @longopts @name (up to an '=') may stand for, abbreviated
 * as getopt_long() allows, one in *@match: 1 for an exact name.
 */
static inline size_t cli_long_matches(const struct option *longopts,
				      const char *name,
				      const struct option **match)
{
	size_t len = strcspn(name, "="), n = 0;

	*match = NULL;
	for (; longopts->name; longopts++) {
		if (strncmp(longopts->name, name, len))
			continue;
		*match = longopts;
		if (strlen(longopts->name) == len)
			return 1;
		n++;
	}
	return n;
}

static inline void cli_ambiguous(const char *tool,
				 const struct option *longopts, const char *arg)
{
	size_t len = strcspn(arg + 2, "=");

	fprintf(stderr, "%s: option '%s' is ambiguous; possibilities:", tool,
		arg);
	for (; longopts->name; longopts++)
		if (!strncmp(longopts->name, arg + 2, len))
			fprintf(stderr, " '--%s'", longopts->name);
	fputc('\n', stderr);
}

/*
 * What getopt_long() says of the option it has just refused, @c being
 * what it returned: '?', or ':' for a missing argument (an option
 * string that starts with ':').  It has moved past a long option, so
 * argv[optind - 1] is that; a short one is named by optopt.
 */
static inline void cli_bad_option(const char *tool,
				  const struct option *longopts, int c,
				  char *const *argv)
{
	const char *arg = argv[optind - 1];
	const struct option *opt = NULL;
	size_t n = 0;

	if (!strncmp(arg, "--", 2) && arg[2])
		n = cli_long_matches(longopts, arg + 2, &opt);
	if (!optopt && n > 1)
		cli_ambiguous(tool, longopts, arg);
	else if (!optopt)
		fprintf(stderr, "%s: unrecognized option '%s'\n", tool, arg);
	else if (n == 1 && opt->val == optopt && c == ':')
		fprintf(stderr, "%s: option '--%s' requires an argument\n",
			tool, opt->name);
	else if (n == 1 && opt->val == optopt)
		fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n",
			tool, opt->name);
	else if (c == ':')
		fprintf(stderr, "%s: option requires an argument -- '%c'\n",
			tool, optopt);
	else
		fprintf(stderr, "%s: invalid option -- '%c'\n", tool, optopt);
	cli_try_help(tool);
}

/* --version: 0, or 1 when stdout cannot take the line. */
static inline int cli_version(const char *tool)
{
	printf("%s (MeMS) %s\n", tool, MEMS_VERSION);
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}

#endif /* MEMS_TOOLS_CLI_H */
