// SPDX-License-Identifier: MIT
/*
 * tools/mems-info.c - print how this MeMS was built.
 *
 * Scripts and tests ask this instead of parsing .config, so that they
 * see the values the library was really compiled with.
 */
#include <stdio.h>
#include <string.h>

#include <asm/page.h>
#include <mems/heap.h>

static void usage(FILE *out)
{
	fputs("Usage: mems-info [--policies | --default-policy | --page-size |\n"
	      "                  --virt-base | --align]\n"
	      "Print the configuration MeMS was built with: every field as\n"
	      "'name: value' lines, or one bare value for an option.\n",
	      out);
}

static void print_policies(const char *sep)
{
	const char *name;
	unsigned int i;

	for (i = 0; (name = mems_policy_name(i)); i++)
		printf("%s%s", i ? sep : "", name);
	putchar('\n');
}

int main(int argc, char **argv)
{
	if (argc == 1) {
		printf("policies: ");
		print_policies(" ");
		printf("default-policy: %s\n", mems_default_policy());
		printf("page-size: %zu\n", (size_t)PAGE_SIZE);
		printf("virt-base: %llu\n",
		       (unsigned long long)CONFIG_MEMS_VIRT_BASE);
		printf("align: %d\n", CONFIG_MEMS_ALIGN);
		return 0;
	}
	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--policies"))
		print_policies("\n");
	else if (!strcmp(argv[1], "--default-policy"))
		puts(mems_default_policy());
	else if (!strcmp(argv[1], "--page-size"))
		printf("%zu\n", (size_t)PAGE_SIZE);
	else if (!strcmp(argv[1], "--virt-base"))
		printf("%llu\n", (unsigned long long)CONFIG_MEMS_VIRT_BASE);
	else if (!strcmp(argv[1], "--align"))
		printf("%d\n", CONFIG_MEMS_ALIGN);
	else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		usage(stdout);
	else {
		usage(stderr);
		return 2;
	}
	return 0;
}
