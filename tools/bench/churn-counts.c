// SPDX-License-Identifier: MIT
/*
 * tools/bench/churn-counts.c - the churn whose instructions and cache
 * misses scripts/bench-counts counts under cachegrind.
 *
 * It holds LIVE blocks, then STEPS times frees a random one, allocates a
 * new one in its place and writes the new block's first byte, through
 * the course API (mems_init(), mems_malloc(), mems_free(), mems_get();
 * the policy is MEMS_POLICY's) or, with --libc, through the C library's
 * malloc() and free(), the pointer itself standing in for mems_get().
 *
 * Cachegrind counts the whole process, so the figure of a step is the
 * difference between two runs of different STEPS over the difference of
 * their STEPS.  For that difference to hold the steps and nothing else,
 * the first run must be a prefix of the second: the sizes and victims of
 * PLAN steps (--plan, at least STEPS) come from a fixed seed before the
 * first allocation, and two runs with the same LIVE and PLAN make up the
 * same sequence at the same cost.  Nothing is freed at the end either,
 * since tearing down costs what the heap's shape makes it cost, not the
 * steps; the process's exit takes the memory back.
 *
 * The arrays are mapped directly rather than malloc'd, so that the C
 * library's heap holds the workload's blocks only.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mems.h>
#include <mems/heap.h>
#include <mems/introspect.h>

#include "churn.h"

struct step {
	uint32_t victim; /* index of the block that is freed */
	uint32_t size; /* bytes of the block allocated in its place */
};

struct churn {
	size_t live;
	size_t steps;
	size_t plan;
	uint32_t *first_sizes; /* the LIVE blocks before the first step */
	struct step *seq; /* PLAN steps, of which STEPS are run */
	void **slots;
};

static void die(const char *what)
{
	fprintf(stderr, "churn-counts: %s\n", what);
	exit(1);
}

static void usage(FILE *out)
{
	fputs("Usage: churn-counts [--libc] [--plan N] LIVE STEPS\n"
	      "       churn-counts --policies\n"
	      "Hold LIVE blocks, then STEPS times free a random one, allocate\n"
	      "one in its place and write its first byte, through MeMS'\n"
	      "course API under MEMS_POLICY, or the C library with --libc.\n"
	      "--plan N makes up N steps (default STEPS) before the first\n"
	      "allocation: runs of equal LIVE and N do the same setup.\n"
	      "--policies lists the policies to count, one a line.\n",
	      out);
}

static void *map_array(size_t count, size_t size)
{
	void *array;

	if (!count)
		count = 1;
	if (count > SIZE_MAX / size)
		die("array too large");
	array = mmap(NULL, count * size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (array == MAP_FAILED)
		die(strerror(errno));
	return array;
}

static void churn_plan(struct churn *c)
{
	struct mix_rng rng = { CHURN_SEED };
	size_t i;

	c->first_sizes = map_array(c->live, sizeof(*c->first_sizes));
	c->seq = map_array(c->plan, sizeof(*c->seq));
	c->slots = map_array(c->live, sizeof(*c->slots));
	for (i = 0; i < c->live; i++)
		c->first_sizes[i] = churn_first_size(&rng);
	for (i = 0; i < c->plan; i++)
		churn_step(&rng, c->live, &c->seq[i].victim, &c->seq[i].size);
}

/* Volatile: a store into a block that is freed later is no dead store. */
static void *mems_block(size_t size, size_t mark)
{
	void *v = mems_malloc(size);
	char *byte;

	if (!v)
		die("mems_malloc failed");
	byte = mems_get(v);
	if (!byte)
		die("mems_get failed");
	*(volatile char *)byte = (char)mark;
	return v;
}

static void churn_mems(const struct churn *c)
{
	const char *policy = getenv("MEMS_POLICY");
	size_t i;

	mems_init();
	/* An unknown name would quietly count the default policy. */
	if (policy && *policy &&
	    strcmp(mems_heap_policy(mems_default_heap()), policy))
		die("MEMS_POLICY names no policy of this build");
	for (i = 0; i < c->live; i++)
		c->slots[i] = mems_block(c->first_sizes[i], i);
	for (i = 0; i < c->steps; i++) {
		void **slot = &c->slots[c->seq[i].victim];

		mems_free(*slot);
		*slot = mems_block(c->seq[i].size, i);
	}
}

static void *libc_block(size_t size, size_t mark)
{
	char *block = malloc(size);

	if (!block)
		die("malloc failed");
	*(volatile char *)block = (char)mark;
	return block;
}

static void churn_libc(const struct churn *c)
{
	size_t i;

	for (i = 0; i < c->live; i++)
		c->slots[i] = libc_block(c->first_sizes[i], i);
	for (i = 0; i < c->steps; i++) {
		void **slot = &c->slots[c->seq[i].victim];

		free(*slot);
		*slot = libc_block(c->seq[i].size, i);
	}
}

static size_t parse_count(const char *arg, size_t max)
{
	unsigned long long value;
	char *end;

	errno = 0;
	value = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || value > max) {
		usage(stderr);
		exit(2);
	}
	return value;
}

int main(int argc, char **argv)
{
	struct churn c = { 0 };
	int libc = 0, i = 1;
	const char *plan = NULL;

	if (argc == 2 && !strcmp(argv[1], "--policies")) {
		churn_print_policies();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--libc"))
			libc = 1;
		else if (!strcmp(argv[i], "--plan") && i + 1 < argc)
			plan = argv[++i];
		else
			break;
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	c.live = parse_count(argv[i], UINT32_MAX);
	c.steps = parse_count(argv[i + 1], SIZE_MAX);
	c.plan = plan ? parse_count(plan, SIZE_MAX) : c.steps;
	if (!c.live || c.plan < c.steps) {
		usage(stderr);
		return 2;
	}
	churn_plan(&c);
	if (libc)
		churn_libc(&c);
	else
		churn_mems(&c);
	return 0;
}
