// SPDX-License-Identifier: MIT
/*
 * tools/bench/trace-gen.c - write the allocation traces that mems-bench
 * replays, and any trace in the same form.
 *
 * The traces are in the CS:APP malloclab format: four header lines (heap
 * size hint, number of ids, number of operations, weight), then one
 * "a id size", "f id" or "r id size" per line.  Every id names one block
 * from its allocation to its free; a realloc keeps the id.  Each trace
 * ends with every block freed.  The seed is fixed, so running this again
 * writes the same files, which live in the tree (tools/bench/traces).
 *
 * The generators make a trace's events, as the trace library's readers
 * do, and the library's one .rep writer writes them; --convert has it
 * write a trace of any format the library reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tools/replay/rep_write.h>
#include <tools/replay/trace.h>

#include "mix.h"

#define TRACE_SEED 0x7472616365ULL /* "trace" */
#define MAX_OPS 20000

/*
 * A trace being made: its events, the block handle each id names now,
 * and the blocks live so far (ids in live[], with live_at[id] their index
 * there, sizes in size[]).
 */
struct gen {
	struct event events[MAX_OPS];
	size_t nr_ops;
	size_t handle_of[MAX_OPS];
	size_t nr_blocks;
	unsigned int nr_ids;
	unsigned int live[MAX_OPS];
	unsigned int live_at[MAX_OPS];
	unsigned int size[MAX_OPS];
	size_t nr_live;
	size_t live_bytes;
	size_t peak_bytes;
	struct mix_rng rng;
};

/* An event on block @id, as a reader would make it: handles, not ids. */
static void gen_add(struct gen *t, enum event_kind kind, unsigned int id,
		    unsigned int size)
{
	struct event *ev;

	if (t->nr_ops == MAX_OPS) {
		fprintf(stderr, "trace-gen: more than %d operations\n",
			MAX_OPS);
		exit(1);
	}
	ev = &t->events[t->nr_ops++];
	memset(ev, 0, sizeof(*ev));
	ev->line = t->nr_ops + 4;
	ev->kind = (unsigned char)kind;
	ev->starts_step = true;
	ev->size = size;
	ev->old_block = kind == EVENT_REALLOC ? t->handle_of[id] : NO_BLOCK;
	if (kind != EVENT_FREE)
		t->handle_of[id] = t->nr_blocks++;
	ev->block = t->handle_of[id];
	if (t->live_bytes > t->peak_bytes)
		t->peak_bytes = t->live_bytes;
}

static unsigned int live_alloc(struct gen *t, unsigned int size)
{
	unsigned int id = t->nr_ids++;

	t->size[id] = size;
	t->live_at[id] = t->nr_live;
	t->live[t->nr_live++] = id;
	t->live_bytes += size;
	gen_add(t, EVENT_MALLOC, id, size);
	return id;
}

static void live_free(struct gen *t, unsigned int id)
{
	unsigned int last = t->live[--t->nr_live];

	t->live[t->live_at[id]] = last;
	t->live_at[last] = t->live_at[id];
	t->live_bytes -= t->size[id];
	gen_add(t, EVENT_FREE, id, 0);
}

static void live_realloc(struct gen *t, unsigned int id, unsigned int size)
{
	t->live_bytes += size;
	t->live_bytes -= t->size[id];
	t->size[id] = size;
	gen_add(t, EVENT_REALLOC, id, size);
}

static unsigned int live_random(struct gen *t)
{
	return t->live[mix_below(&t->rng, t->nr_live)];
}

static void live_free_all(struct gen *t)
{
	while (t->nr_live)
		live_free(t, live_random(t));
}

/*
 * phases: five phases, each allocating many blocks of one size class
 * and then freeing nine in ten of them, so that every phase meets the
 * holes of smaller sizes that the phases before it left.
 */
static void gen_phases(struct gen *t)
{
	static const unsigned int class_min[] = { 16, 64, 256, 1024, 4096 };
	static const unsigned int class_max[] = { 64, 256, 1024, 4096, 16384 };
	unsigned int phase_ids[1600], i, phase, nr;

	for (phase = 0; phase < 5; phase++) {
		nr = 1600;
		for (i = 0; i < nr; i++)
			phase_ids[i] = live_alloc(
				t, mix_between(&t->rng, class_min[phase],
					       class_max[phase]));
		/* Free a random nine tenths: shuffle, free the head. */
		for (i = nr - 1; i > 0; i--) {
			unsigned int j = mix_below(&t->rng, i + 1);
			unsigned int id = phase_ids[i];

			phase_ids[i] = phase_ids[j];
			phase_ids[j] = id;
		}
		for (i = 0; i < nr * 9 / 10; i++)
			live_free(t, phase_ids[i]);
	}
	live_free_all(t);
}

/* ramp: a live set that keeps growing; one block in four dies young. */
static void gen_ramp(struct gen *t)
{
	unsigned int i;

	for (i = 0; i < 8000; i++) {
		live_alloc(t, mix_block_size(&t->rng));
		if (mix_below(&t->rng, 4) == 0)
			live_free(t, live_random(t));
	}
	live_free_all(t);
}

/* random: mallocs and frees of random blocks around 1000 live ones. */
static void gen_random(struct gen *t)
{
	unsigned int i;
	uint64_t odds;

	for (i = 0; i < 14000; i++) {
		odds = t->nr_live < 1000 ? 60 : 40;
		if (!t->nr_live || mix_below(&t->rng, 100) < odds)
			live_alloc(t, mix_block_size(&t->rng));
		else
			live_free(t, live_random(t));
	}
	live_free_all(t);
}

/*
 * realloc: 200 growing buffers, each realloc'd to about 1.5 times its
 * size until it passes 32 KiB and is dropped for a new one, among small
 * short-lived objects.
 */
static void gen_realloc(struct gen *t)
{
	unsigned int buffers[200], small[400], i, n, pick;
	unsigned int nr_small = 0;
	uint64_t size;

	for (i = 0; i < 200; i++)
		buffers[i] = live_alloc(t, mix_between(&t->rng, 16, 64));
	for (n = 0; n < 5500; n++) {
		if (mix_below(&t->rng, 100) < 40) {
			pick = mix_below(&t->rng, 200);
			size = t->size[buffers[pick]];
			size += size / 2 + mix_below(&t->rng, 16);
			if (size <= 32768) {
				live_realloc(t, buffers[pick], size);
				continue;
			}
			live_free(t, buffers[pick]);
			buffers[pick] =
				live_alloc(t, mix_between(&t->rng, 16, 64));
			continue;
		}
		if (nr_small < 400 && (!nr_small || mix_below(&t->rng, 2))) {
			small[nr_small++] =
				live_alloc(t, mix_between(&t->rng, 16, 256));
			continue;
		}
		pick = mix_below(&t->rng, nr_small);
		live_free(t, small[pick]);
		small[pick] = small[--nr_small];
	}
	live_free_all(t);
}

static int gen_write(struct gen *t, const char *dir, const char *name)
{
	char path[4096];
	struct trace trace = {
		.path = path,
		.format = FORMAT_REP,
		.events = t->events,
		.nr_events = t->nr_ops,
		.nr_steps = t->nr_ops,
		.nr_blocks = t->nr_blocks,
	};
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s.rep", dir, name);
	out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "trace-gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (rep_write(out, &trace, t->peak_bytes)) {
		fclose(out);
		return -1;
	}
	if (fclose(out)) {
		fprintf(stderr, "trace-gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("%s: %zu operations, %u ids, peak %zu live bytes\n", path,
	       t->nr_ops, t->nr_ids, t->peak_bytes);
	return 0;
}

/* --convert: any trace the library reads, as .rep on standard output. */
static int convert(const char *path)
{
	struct trace trace;
	int err;

	if (trace_load(path, &trace))
		return 1;
	err = rep_write(stdout, &trace, 0);
	trace_free(&trace);
	if (err)
		return 1;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "trace-gen: standard output: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}

static const struct {
	const char *name;
	void (*gen)(struct gen *t);
} generators[] = {
	{ "phases", gen_phases },
	{ "ramp", gen_ramp },
	{ "random", gen_random },
	{ "realloc", gen_realloc },
};

static void usage(FILE *out)
{
	fputs("Usage: trace-gen DIR\n"
	      "       trace-gen --convert TRACE\n"
	      "Write the benchmark's malloclab traces into DIR, or write\n"
	      "TRACE (any format mems-dump reads, - for standard input) as\n"
	      "a malloclab trace on standard output.\n",
	      out);
}

int main(int argc, char **argv)
{
	struct gen *t;
	unsigned int i;
	int ret = 0;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--convert"))
		return convert(argv[2]);
	if (argc != 2 || argv[1][0] == '-') {
		usage(stderr);
		return 2;
	}
	t = malloc(sizeof(*t));
	if (!t) {
		fputs("trace-gen: out of memory\n", stderr);
		return 1;
	}
	for (i = 0; i < sizeof(generators) / sizeof(generators[0]); i++) {
		memset(t, 0, sizeof(*t));
		t->rng.state = TRACE_SEED + i;
		generators[i].gen(t);
		if (gen_write(t, argv[1], generators[i].name))
			ret = 1;
	}
	free(t);
	return ret;
}
