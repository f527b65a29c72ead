// SPDX-License-Identifier: MIT
/*
 * tools/mems-info.c - print how this MeMS was built.
 *
 * Scripts and tests ask this instead of parsing .config, so that they
 * see the values the library was really compiled with.  Everything comes
 * from the public API: mems_default_config() and mems_policy_info().
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mems/introspect.h>

static void usage(FILE *out)
{
	fputs("Usage: mems-info [--policies | --policy-table | "
	      "--default-policy |\n"
	      "                  --page-size | --virt-base | --align |\n"
	      "                  -h | --help]\n"
	      "Print the configuration MeMS was built with: every field as\n"
	      "'name: value' lines, or one bare value for an option.\n"
	      "--policies lists every built policy, one a line;\n"
	      "--policy-table adds, tab-separated, its flags (reference,\n"
	      "default or -), its linear reference (or -) and its rule.\n",
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

static int print_option(const char *option,
			const struct mems_heap_config *config)
{
	if (!strcmp(option, "--policies"))
		print_policies("\n");
	else if (!strcmp(option, "--policy-table"))
		print_policy_table();
	else if (!strcmp(option, "--default-policy"))
		puts(config->policy);
	else if (!strcmp(option, "--page-size"))
		printf("%zu\n", config->page_size);
	else if (!strcmp(option, "--virt-base"))
		printf("%ju\n", (uintmax_t)config->virt_base);
	else if (!strcmp(option, "--align"))
		printf("%zu\n", config->align);
	else if (!strcmp(option, "--help") || !strcmp(option, "-h"))
		usage(stdout);
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct mems_heap_config config;

	mems_default_config(&config);
	if (argc == 1) {
		printf("policies: ");
		print_policies(" ");
		printf("default-policy: %s\n", config.policy);
		printf("page-size: %zu\n", config.page_size);
		printf("virt-base: %ju\n", (uintmax_t)config.virt_base);
		printf("align: %zu\n", config.align);
		return 0;
	}
	if (argc != 2 || print_option(argv[1], &config)) {
		usage(stderr);
		return 2;
	}
	return 0;
}
