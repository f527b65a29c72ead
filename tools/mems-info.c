// SPDX-License-Identifier: MIT
/*
 * tools/mems-info.c - print how this MeMS was built.
 *
 * Scripts and tests ask this instead of parsing .config, so that they
 * see the values the library was really compiled with.  Everything comes
 * from the public API: mems_default_config() and mems_policy_info().
 * One option at most; usage errors are GNU's (tools/cli.h).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mems/introspect.h>
#include <tools/cli.h>

static void usage(FILE *out)
{
	fputs("Usage: mems-info [--policies | --policy-table | "
	      "--default-policy |\n"
	      "                  --page-size | --virt-base | --align |\n"
	      "                  -h | --help | --version]\n"
	      "Print the configuration MeMS was built with: every field as\n"
	      "'name: value' lines, or one bare value for an option.\n"
	      "--policies lists every built policy, one a line;\n"
	      "--policy-table adds, tab-separated, its flags (reference,\n"
	      "default or -), its linear reference (or -) and its rule.\n"
	      "--version prints the version of MeMS.\n",
	      out);
}

static void print_policies(const char *sep)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++)
		printf("%s%s", i ? sep : "", info.name);
	putchar('\n');
}

static const char *flag_words(unsigned int flags)
{
	static const char *const words[] = {
		"-", "reference", "default", "reference,default",
	};

	return words[flags & (MEMS_POLICY_REFERENCE | MEMS_POLICY_DEFAULT)];
}

static void print_policy_table(void)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++)
		printf("%s\t%s\t%s\t%s\n", info.name, flag_words(info.flags),
		       info.reference ? info.reference : "-", info.summary);
}

enum {
	OPT_POLICIES = 256,
	OPT_POLICY_TABLE,
	OPT_DEFAULT_POLICY,
	OPT_PAGE_SIZE,
	OPT_VIRT_BASE,
	OPT_ALIGN,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "policies", no_argument, NULL, OPT_POLICIES },
	{ "policy-table", no_argument, NULL, OPT_POLICY_TABLE },
	{ "default-policy", no_argument, NULL, OPT_DEFAULT_POLICY },
	{ "page-size", no_argument, NULL, OPT_PAGE_SIZE },
	{ "virt-base", no_argument, NULL, OPT_VIRT_BASE },
	{ "align", no_argument, NULL, OPT_ALIGN },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void print_all(const struct mems_heap_config *config)
{
	printf("policies: ");
	print_policies(" ");
	printf("default-policy: %s\n", config->policy);
	printf("page-size: %zu\n", config->page_size);
	printf("virt-base: %ju\n", (uintmax_t)config->virt_base);
	printf("align: %zu\n", config->align);
}

/* What the one option @opt asks for, printed. */
static int print_option(int opt, const struct mems_heap_config *config)
{
	switch (opt) {
	case OPT_POLICIES:
		print_policies("\n");
		break;
	case OPT_POLICY_TABLE:
		print_policy_table();
		break;
	case OPT_DEFAULT_POLICY:
		puts(config->policy);
		break;
	case OPT_PAGE_SIZE:
		printf("%zu\n", config->page_size);
		break;
	case OPT_VIRT_BASE:
		printf("%ju\n", (uintmax_t)config->virt_base);
		break;
	case OPT_ALIGN:
		printf("%zu\n", config->align);
		break;
	case 'h':
		usage(stdout);
		break;
	case OPT_VERSION:
		return cli_version("mems-info");
	}
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct mems_heap_config config;
	int opt, chosen = 0;

	/* ':' first: a missing argument is told from an unknown option. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) !=
	       -1) {
		if (opt == '?' || opt == ':') {
			cli_bad_option("mems-info", long_options, opt, argv);
			return EXIT_USAGE;
		}
		if (chosen) {
			cli_usage_error("mems-info", "one option at a time");
			return EXIT_USAGE;
		}
		chosen = opt;
	}
	if (optind < argc) {
		cli_usage_error("mems-info", "extra operand '%s'",
				argv[optind]);
		return EXIT_USAGE;
	}
	mems_default_config(&config);
	if (!chosen) {
		print_all(&config);
		return fflush(stdout) || ferror(stdout) ? 1 : 0;
	}
	return print_option(chosen, &config);
}
