// SPDX-License-Identifier: MIT
/*
 * tools/bench/mems-bench.c - time MeMS' placement policies against the C
 * library's malloc on the same operations.
 *
 * Every workload is turned into one array of operations before anything
 * is timed, from a fixed seed, so that every allocator replays exactly
 * the same sequence and the cost of making it up is never measured.
 * MeMS runs on a fresh heap of the heap API per repetition; the C
 * library runs, in a child forked per repetition, the same sequence with
 * pointer arithmetic standing in for mems_get().  Memory figures that do
 * not depend on the allocator (the live bytes) come from the sequence
 * itself; MeMS' own (pages, bookkeeping, mmap calls) from
 * mems_heap_stats(), so that the bench sees no more of a heap than any
 * other program does.
 *
 * A malloclab trace is read by the trace library's reader, the one
 * mems-dump reads it with, and MeMS replays it on the library's engine;
 * its operations are also made into the array the C library replays.
 *
 * Big arrays are mapped directly rather than malloc'd, so that the C
 * library's own statistics see only the workload's blocks.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mems/heap.h>
#include <mems/introspect.h>
#include <tools/replay/replay.h>
#include <tools/replay/trace.h>

#include "mix.h"

#if defined(__GLIBC__) && \
	(__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define HAVE_MALLINFO2 1
#define LIBC_NAME "glibc"
#else
#define HAVE_MALLINFO2 0
#define LIBC_NAME "libc"
#endif

#define CHURN_SEED 0x6d656d73ULL /* "mems" */
#define CHURN_ROUNDS 10 /* mixed operations per live block */
#define CLASSIC_BLOCK_BYTES 1000 /* sizeof(int) * 250, as the demo asks */
#define CLASSIC_BLOCKS 10
#define CLASSIC_OPS_PER_ROUND (CLASSIC_BLOCKS + 5)
#define DEADLINE_STRIDE 256 /* operations between two looks at the clock */
#define LIBC_SAMPLE_STRIDE 1024 /* operations between two mallinfo2() */
#define LIBC_SAMPLES_MAX 1024 /* mallinfo2() walks the free lists: cap it */
#define NO_VALUE "\xe2\x80\x94" /* an em dash */

/*
 * One operation on the slots, the table of blocks a workload holds:
 *   OP_ALLOC   slot = a new block of arg bytes
 *   OP_FREE    free slot, move slot arg into it and empty slot arg
 *              (arg = slot: the slot just becomes empty)
 *   OP_GET     read and write byte arg of slot, after translating it
 *   OP_REALLOC slot = a block of arg bytes in place of the old one
 *   OP_FINISH  free every block, as mems_finish() does; arg = slots used
 */
enum op_kind { OP_ALLOC, OP_FREE, OP_GET, OP_REALLOC, OP_FINISH };

#define OP_KIND_SHIFT 29
#define OP_SLOT_MASK ((UINT32_C(1) << OP_KIND_SHIFT) - 1)

struct op {
	uint32_t kind_slot;
	uint32_t arg;
};

/* The slots free to be taken again, while a trace's ops are made. */
struct slot_stack {
	size_t *slots;
	size_t nr;
};

struct workload {
	const char *name;
	char param[48]; /* L, the number of rounds, or the trace's name */
	struct op *ops;
	size_t nr_ops;
	size_t nr_slots;
	size_t fill_end; /* ops before this index only fill the heap */
	size_t peak_live; /* bytes, whatever the allocator */
	size_t peak_blocks; /* the most blocks live at once */
	unsigned int reps; /* timed runs at most: the best one counts */
	struct trace trace; /* a trace's events, which MeMS replays */
};

struct result {
	bool timed_out;
	double ns_per_op;
	double cpu_ns_per_op; /* CPU time of the same run: the rest waited */
	bool have_mem; /* peak_pages and peak_bytes are known */
	size_t peak_pages;
	size_t page_size;
	size_t peak_bytes;
	bool have_os; /* mmap and munmap are known */
	unsigned long mmaps;
	unsigned long munmaps;
	size_t meta_bytes; /* mems_heap_stats().meta_bytes at its peak */
	size_t peak_mapped; /* MeMS: user pages and bookkeeping at once */
};

struct options {
	bool quick;
	const char *csv_path;
	const char *trace_dir;
	double budget; /* seconds one run of a linear reference may take */
	double cell_budget; /* seconds of repetitions per cell */
	unsigned int reps;
	bool references; /* run the linear references that are built too */
	const char *only; /* run this allocator only */
	size_t churn_sizes[8];
	unsigned int nr_churn_sizes;
	size_t classic_rounds;
	long trim_threshold; /* every MeMS heap's; -1: never trim */
};

static FILE *csv;

static void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list args;

	fflush(stdout);
	fputs("mems-bench: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	exit(1);
}

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

static double cpu_now(void)
{
	return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static void *map_array(size_t count, size_t size)
{
	void *array;

	if (!count)
		count = 1;
	if (count > SIZE_MAX / size)
		die("array of %zu elements is too large", count);
	array = mmap(NULL, count * size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (array == MAP_FAILED)
		die("cannot map %zu bytes: %s", count * size, strerror(errno));
	return array;
}

static void unmap_array(void *array, size_t count, size_t size)
{
	munmap(array, (count ? count : 1) * size);
}

static struct op op_make(enum op_kind kind, size_t slot, uint32_t arg)
{
	struct op op = {
		.kind_slot = (uint32_t)kind << OP_KIND_SHIFT | (uint32_t)slot,
		.arg = arg,
	};

	return op;
}

static enum op_kind op_kind(const struct op *op)
{
	return op->kind_slot >> OP_KIND_SHIFT;
}

static size_t op_slot(const struct op *op)
{
	return op->kind_slot & OP_SLOT_MASK;
}

static void workload_free(struct workload *w)
{
	if (w->trace.events)
		unmap_array(w->trace.events, w->trace.nr_events,
			    sizeof(*w->trace.events));
	w->trace.events = NULL;
	if (!w->ops)
		return;
	unmap_array(w->ops, w->nr_ops, sizeof(*w->ops));
	w->ops = NULL;
}

/*
 * The most bytes, and the most blocks, live at once: the same for every
 * allocator.
 */
static void workload_peaks(struct workload *w)
{
	uint32_t *sizes = map_array(w->nr_slots, sizeof(*sizes));
	size_t live = 0, peak = 0, blocks = 0, peak_blocks = 0, i, slot;

	for (i = 0; i < w->nr_ops; i++) {
		const struct op *op = &w->ops[i];

		slot = op_slot(op);
		switch (op_kind(op)) {
		case OP_ALLOC:
			sizes[slot] = op->arg;
			live += op->arg;
			blocks++;
			break;
		case OP_FREE:
			live -= sizes[slot];
			sizes[slot] = sizes[op->arg];
			sizes[op->arg] = 0;
			blocks--;
			break;
		case OP_REALLOC:
			live += op->arg;
			live -= sizes[slot];
			sizes[slot] = op->arg;
			break;
		case OP_FINISH:
			memset(sizes, 0, w->nr_slots * sizeof(*sizes));
			live = 0;
			blocks = 0;
			break;
		case OP_GET:
			break;
		}
		if (live > peak)
			peak = live;
		if (blocks > peak_blocks)
			peak_blocks = blocks;
	}
	unmap_array(sizes, w->nr_slots, sizeof(*sizes));
	w->peak_live = peak;
	w->peak_blocks = peak_blocks;
}

/*
 * churn: fill the heap with @live blocks, then CHURN_ROUNDS * @live
 * operations, a third each malloc, free of a random block and get of a
 * random byte of a random block.  The live count takes a random walk
 * around @live; it is capped at twice @live to bound the slots.
 */
static void churn_build(struct workload *w, size_t live, unsigned int reps)
{
	struct mix_rng rng = { CHURN_SEED ^ live };
	size_t cap = 2 * live, count, i, n = 0, victim;
	uint32_t *sizes = map_array(cap, sizeof(*sizes));
	uint64_t choice;

	memset(w, 0, sizeof(*w));
	w->name = "churn";
	snprintf(w->param, sizeof(w->param), "%zu", live);
	w->nr_slots = cap;
	w->nr_ops = live * (CHURN_ROUNDS + 1);
	w->fill_end = live;
	w->reps = reps;
	w->ops = map_array(w->nr_ops, sizeof(*w->ops));

	for (count = 0; count < live; count++) {
		sizes[count] = mix_block_size(&rng);
		w->ops[n++] = op_make(OP_ALLOC, count, sizes[count]);
	}
	for (i = 0; i < CHURN_ROUNDS * live; i++) {
		choice = mix_below(&rng, 3);
		if (!count || (choice == 0 && count < cap)) {
			sizes[count] = mix_block_size(&rng);
			w->ops[n++] = op_make(OP_ALLOC, count, sizes[count]);
			count++;
		} else if (choice != 2) {
			victim = mix_below(&rng, count);
			count--;
			w->ops[n++] = op_make(OP_FREE, victim, count);
			sizes[victim] = sizes[count];
		} else {
			victim = mix_below(&rng, count);
			w->ops[n++] = op_make(OP_GET, victim,
					      mix_below(&rng, sizes[victim]));
		}
	}
	unmap_array(sizes, cap, sizeof(*sizes));
	workload_peaks(w);
}

/*
 * classic: the course demo without its printing, @rounds times.  The
 * demo's mems_init has nothing left to do on a heap that the previous
 * round's finish emptied, so a round is 10 mallocs, 2 gets, a free, a
 * malloc and the finish: CLASSIC_OPS_PER_ROUND operations.
 */
static void classic_build(struct workload *w, size_t rounds, unsigned int reps)
{
	size_t round, slot, n = 0;

	memset(w, 0, sizeof(*w));
	w->name = "classic";
	snprintf(w->param, sizeof(w->param), "%zu", rounds);
	w->nr_slots = CLASSIC_BLOCKS;
	w->nr_ops = rounds * CLASSIC_OPS_PER_ROUND;
	w->reps = reps;
	w->ops = map_array(w->nr_ops, sizeof(*w->ops));
	for (round = 0; round < rounds; round++) {
		for (slot = 0; slot < CLASSIC_BLOCKS; slot++)
			w->ops[n++] =
				op_make(OP_ALLOC, slot, CLASSIC_BLOCK_BYTES);
		/* The demo writes ptr[0][1] and reads it back via ptr[0][0]. */
		w->ops[n++] = op_make(OP_GET, 0, sizeof(int));
		w->ops[n++] = op_make(OP_GET, 0, 0);
		w->ops[n++] = op_make(OP_FREE, 3, 3);
		w->ops[n++] = op_make(OP_ALLOC, 3, CLASSIC_BLOCK_BYTES);
		w->ops[n++] = op_make(OP_FINISH, 0, CLASSIC_BLOCKS);
	}
	workload_peaks(w);
}

/*
 * The operation of a trace's event for the C library, on slots: a block
 * takes a free slot while it lives, and keeps it through its reallocs.
 * Return 0, or -1 after saying why.
 */
static int trace_op(const struct trace *trace, const struct event *ev,
		    size_t *slot_of, struct slot_stack *free_slots,
		    size_t *nr_slots, struct op *op)
{
	size_t slot;

	if (ev->size > UINT32_MAX) {
		trace_error(trace->path, ev->line,
			    "a block of %zu bytes: the bench times blocks of "
			    "at most %" PRIu32,
			    ev->size, UINT32_MAX);
		return -1;
	}
	switch (ev->kind) {
	case EVENT_MALLOC:
		slot = free_slots->nr ? free_slots->slots[--free_slots->nr] :
					(*nr_slots)++;
		if (slot > OP_SLOT_MASK) {
			trace_error(trace->path, ev->line,
				    "more than %" PRIu32 " blocks live at once",
				    OP_SLOT_MASK);
			return -1;
		}
		slot_of[ev->block] = slot;
		*op = op_make(OP_ALLOC, slot, (uint32_t)ev->size);
		return 0;
	case EVENT_REALLOC:
		slot = slot_of[ev->old_block];
		slot_of[ev->block] = slot;
		*op = op_make(OP_REALLOC, slot, (uint32_t)ev->size);
		return 0;
	case EVENT_FREE:
		slot = slot_of[ev->block];
		free_slots->slots[free_slots->nr++] = slot;
		*op = op_make(OP_FREE, slot, slot);
		return 0;
	default:
		trace_error(trace->path, ev->line,
			    "the bench replays malloclab traces only");
		return -1;
	}
}

/*
 * What a child that read a trace sends back: these figures, then the
 * events, then the operations.
 */
struct trace_sent {
	size_t nr_events;
	size_t nr_blocks;
	unsigned long nr_steps;
	size_t nr_slots;
};

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * In the child: the trace read as mems-dump reads it, its operations
 * made, and both written to @fd.  Exits 0, or 1 after the one error line.
 */
static void trace_read_child(const char *path, int fd)
{
	struct slot_stack free_slots = { 0 };
	struct trace_sent sent = { 0 };
	struct trace trace;
	struct op *ops;
	size_t *slot_of, i;

	if (trace_load(path, &trace))
		_exit(1);
	if (trace.format != FORMAT_REP) {
		trace_error(trace.path, 1,
			    "not a malloclab .rep trace: the bench replays "
			    "those only");
		_exit(1);
	}
	if (!trace.nr_events) {
		trace_error(trace.path, 3, "no operation to time");
		_exit(1);
	}
	ops = map_array(trace.nr_events, sizeof(*ops));
	slot_of = map_array(trace.nr_blocks, sizeof(*slot_of));
	free_slots.slots = map_array(trace.nr_blocks, sizeof(size_t));
	for (i = 0; i < trace.nr_events; i++)
		if (trace_op(&trace, &trace.events[i], slot_of, &free_slots,
			     &sent.nr_slots, &ops[i]))
			_exit(1);
	sent.nr_events = trace.nr_events;
	sent.nr_blocks = trace.nr_blocks;
	sent.nr_steps = trace.nr_steps;
	if (write_full(fd, &sent, sizeof(sent)) ||
	    write_full(fd, trace.events,
		       trace.nr_events * sizeof(*trace.events)) ||
	    write_full(fd, ops, trace.nr_events * sizeof(*ops)))
		_exit(1);
	_exit(0);
}

/*
 * A trace in the CS:APP malloclab format, read as mems-dump reads it.
 * It is read in a child, so that the reader's own use of the C
 * library's heap, and what it gives back, leaves no trace in the heap
 * that the C library's runs start from.  Return 0, or -1 once the one
 * error line is written.
 */
static int trace_build(struct workload *w, const char *path, const char *name,
		       unsigned int reps)
{
	struct trace_sent sent;
	int fds[2], status, got;
	pid_t pid;

	memset(w, 0, sizeof(*w));
	fflush(NULL);
	if (pipe(fds))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		close(fds[0]);
		trace_read_child(path, fds[1]);
	}
	close(fds[1]);
	got = read_full(fds[0], &sent, sizeof(sent));
	if (!got) {
		w->trace.events =
			map_array(sent.nr_events, sizeof(*w->trace.events));
		w->trace.nr_events = sent.nr_events;
		w->ops = map_array(sent.nr_events, sizeof(*w->ops));
		w->nr_ops = sent.nr_events;
		got = read_full(fds[0], w->trace.events,
				sent.nr_events * sizeof(*w->trace.events)) ||
		      read_full(fds[0], w->ops,
				sent.nr_events * sizeof(*w->ops));
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || got) {
		workload_free(w);
		return -1;
	}
	w->name = "trace";
	snprintf(w->param, sizeof(w->param), "%s", name);
	w->reps = reps;
	w->nr_slots = sent.nr_slots;
	w->trace.path = path;
	w->trace.format = FORMAT_REP;
	w->trace.nr_blocks = sent.nr_blocks;
	w->trace.nr_steps = sent.nr_steps;
	workload_peaks(w);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* MeMS */

struct mems_peak {
	bool each_op; /* sample after every allocation, not only at finish */
	size_t user_pages;
	size_t meta_bytes;
	size_t mapped; /* user pages and bookkeeping, at the same moment */
};

/*
 * Without trimming neither user pages nor bookkeeping are given back
 * before a finish, so their peaks are their values before each finish
 * and at the end: the statistics are asked for there only, never on the
 * allocation path, where they would be timed.  With trimming a separate,
 * untimed run samples after every allocation (peak->each_op).
 */
static void mems_peak_sample(struct mems_peak *peak,
			     const struct mems_heap *heap)
{
	struct mems_heap_stats stats;
	size_t mapped;

	mems_heap_stats(heap, &stats);
	mapped = stats.pages_used * mems_heap_page_size(heap) +
		 stats.meta_bytes;
	if (stats.pages_used > peak->user_pages)
		peak->user_pages = stats.pages_used;
	if (stats.meta_bytes > peak->meta_bytes)
		peak->meta_bytes = stats.meta_bytes;
	if (mapped > peak->mapped)
		peak->mapped = mapped;
}

static void mems_fail(const struct workload *w, size_t i, const char *what,
		      int err)
{
	die("%s %s: operation %zu: %s failed: %s", w->name, w->param, i, what,
	    strerror(-err));
}

/*
 * Replay @w on @heap until @deadline, sampling the peaks before each
 * finish and at the end.  Return 0, or -ETIME past the deadline.
 */
static int mems_replay(struct mems_heap *heap, const struct workload *w,
		       void **slots, double deadline, struct mems_peak *peak)
{
	volatile char *byte;
	size_t i, slot;
	void *fresh;
	int err;

	for (i = 0; i < w->nr_ops; i++) {
		const struct op *op = &w->ops[i];

		slot = op_slot(op);
		switch (op_kind(op)) {
		case OP_ALLOC:
			err = mems_heap_alloc(heap, op->arg, &slots[slot]);
			if (err)
				mems_fail(w, i, "malloc", err);
			if (peak->each_op)
				mems_peak_sample(peak, heap);
			break;
		case OP_FREE:
			err = mems_heap_free(heap, slots[slot]);
			if (err)
				mems_fail(w, i, "free", err);
			slots[slot] = slots[op->arg];
			slots[op->arg] = NULL;
			break;
		case OP_GET:
			byte = mems_heap_get(heap,
					     (char *)slots[slot] + op->arg);
			if (!byte)
				mems_fail(w, i, "get", -EINVAL);
			*byte += 1;
			break;
		case OP_REALLOC:
			/* In place when it can, else moved and copied. */
			err = mems_heap_realloc(heap, slots[slot], op->arg,
						&fresh);
			if (err)
				mems_fail(w, i, "realloc", err);
			slots[slot] = fresh;
			if (peak->each_op)
				mems_peak_sample(peak, heap);
			break;
		case OP_FINISH:
			mems_peak_sample(peak, heap);
			mems_heap_reset(heap);
			break;
		}
		if (!(i % DEADLINE_STRIDE) && now() > deadline)
			return -ETIME;
	}
	mems_peak_sample(peak, heap);
	return 0;
}

static struct mems_heap *bench_heap(const struct mems_heap_config *config,
				    const struct options *opts)
{
	struct mems_heap *heap;
	int err = mems_heap_create(config, &heap);

	if (err)
		die("cannot create a %s heap: %s", config->policy,
		    strerror(-err));
	if (mems_heap_set_trim_threshold(heap, opts->trim_threshold))
		die("bad trim threshold %ld", opts->trim_threshold);
	return heap;
}

/* One run of MeMS on a workload: its times, peaks and system calls. */
struct mems_run {
	double seconds;
	double cpu_seconds;
	struct mems_peak peak;
	double deadline;
	bool timed_out;
	size_t page_size;
	unsigned long mmaps;
	unsigned long munmaps;
};

/* Count the unmapping of everything too, as mems_finish does. */
static void mems_run_end(struct mems_run *run, struct mems_heap *heap)
{
	struct mems_heap_stats stats;

	run->page_size = mems_heap_page_size(heap);
	mems_heap_reset(heap);
	mems_heap_stats(heap, &stats);
	run->mmaps = stats.mmap_calls;
	run->munmaps = stats.munmap_calls;
}

/* @w's operations on a fresh heap: 0, or -ETIME past the deadline. */
static int mems_run_ops(const struct workload *w,
			const struct mems_heap_config *config,
			const struct options *opts, void **slots,
			struct mems_run *run)
{
	struct mems_heap *heap = bench_heap(config, opts);
	double t0, cpu0;
	int err;

	memset(slots, 0, w->nr_slots * sizeof(*slots));
	cpu0 = cpu_now();
	t0 = now();
	err = mems_replay(heap, w, slots, run->deadline, &run->peak);
	run->seconds = now() - t0;
	run->cpu_seconds = cpu_now() - cpu0;
	if (!err)
		mems_run_end(run, heap);
	mems_heap_destroy(heap);
	return err;
}

/*
 * After each step of a trace: the peaks when they are sampled at every
 * operation, and the deadline, looked at as mems_replay() does.
 */
static int trace_step(void *arg, const struct mems_heap *heap,
		      unsigned long step, const struct event *last)
{
	struct mems_run *run = arg;

	(void)last;
	if (run->peak.each_op)
		mems_peak_sample(&run->peak, heap);
	if (!(step % DEADLINE_STRIDE) && now() > run->deadline) {
		run->timed_out = true;
		return 1;
	}
	return 0;
}

/* The peaks when the trace ends, then its heap emptied. */
static int trace_end(void *arg, struct mems_heap *heap, unsigned long steps)
{
	struct mems_run *run = arg;

	(void)steps;
	mems_peak_sample(&run->peak, heap);
	mems_run_end(run, heap);
	return 0;
}

/*
 * @w's trace on the trace library's engine, as mems-dump replays it: 0,
 * or -ETIME past the deadline.  The steps are told of only when the
 * peaks or a deadline need them, so that a timed run pays for no call.
 */
static int mems_run_trace(const struct workload *w,
			  const struct mems_heap_config *config,
			  const struct options *opts, struct mems_run *run)
{
	struct trace_replay_config replay_config = {
		.policy = config->policy,
		.trim_threshold = opts->trim_threshold,
	};
	struct trace_replay_hooks hooks = {
		.end = trace_end,
		.arg = run,
	};
	struct trace_replay_totals totals;
	double cpu0 = cpu_now();

	if (run->peak.each_op || run->deadline < 1e300)
		hooks.step = trace_step;
	if (trace_replay(&w->trace, &replay_config, &hooks, &totals)) {
		if (run->timed_out)
			return -ETIME;
		exit(1);
	}
	run->seconds = totals.ms / 1e3;
	run->cpu_seconds = cpu_now() - cpu0;
	return 0;
}

static int mems_run(const struct workload *w,
		    const struct mems_heap_config *config,
		    const struct options *opts, void **slots,
		    struct mems_run *run)
{
	if (w->trace.events)
		return mems_run_trace(w, config, opts, run);
	return mems_run_ops(w, config, opts, slots, run);
}

/* The peaks of a run into @res, whose page size is set. */
static void result_peaks(struct result *res, const struct mems_peak *peak)
{
	res->peak_pages = peak->user_pages;
	res->peak_bytes = peak->user_pages * res->page_size;
	res->meta_bytes = peak->meta_bytes;
	res->peak_mapped = peak->mapped;
}

/* Trimmed memory goes down again: its peaks come from an untimed run. */
static void mems_trimmed_peaks(const struct workload *w,
			       const struct mems_heap_config *config,
			       const struct options *opts, void **slots,
			       struct result *res)
{
	struct mems_run run = {
		.peak = { .each_op = true },
		.deadline = 1e300,
	};

	mems_run(w, config, opts, slots, &run);
	result_peaks(res, &run.peak);
}

static void bench_mems(const struct workload *w,
		       const struct mems_policy_info *policy,
		       const struct options *opts, struct result *res)
{
	struct mems_heap_config config = { .policy = policy->name };
	void **slots = map_array(w->nr_slots, sizeof(*slots));
	double start = now(), best = -1, budget = 1e30;
	unsigned int rep;

	/* Only the linear references may take too long to wait for. */
	if (policy->flags & MEMS_POLICY_REFERENCE)
		budget = opts->budget;

	memset(res, 0, sizeof(*res));
	for (rep = 0; rep < w->reps; rep++) {
		struct mems_run run = { 0 };

		if (rep && now() - start > opts->cell_budget)
			break;
		run.deadline = budget < 1e30 ? now() + budget : 1e300;
		if (mems_run(w, &config, opts, slots, &run)) {
			res->timed_out = true;
			break;
		}
		if (best < 0 || run.seconds < best) {
			best = run.seconds;
			res->cpu_ns_per_op = run.cpu_seconds * 1e9 / w->nr_ops;
		}
		res->page_size = run.page_size;
		result_peaks(res, &run.peak);
		res->mmaps = run.mmaps;
		res->munmaps = run.munmaps;
	}
	if (!res->timed_out && opts->trim_threshold >= 0)
		mems_trimmed_peaks(w, &config, opts, slots, res);
	unmap_array(slots, w->nr_slots, sizeof(*slots));
	if (res->timed_out)
		return;
	res->ns_per_op = best * 1e9 / w->nr_ops;
	res->have_mem = true;
	res->have_os = true;
}

/* ---------------------------------------------------------------------- */
/* The C library */

/*
 * The C library's footprint: bytes it holds from the system (heap arena
 * plus mmap'd chunks), and the part of it this program itself had in use.
 */
static size_t libc_footprint(void)
{
#if HAVE_MALLINFO2
	struct mallinfo2 info = mallinfo2();

	return info.arena + info.hblkhd;
#else
	return 0;
#endif
}

static size_t libc_in_use(void)
{
#if HAVE_MALLINFO2
	struct mallinfo2 info = mallinfo2();

	return info.uordblks + info.hblkhd;
#else
	return 0;
#endif
}

static void libc_free_all(void **slots, size_t nr_slots)
{
	size_t slot;

	for (slot = 0; slot < nr_slots; slot++) {
		free(slots[slot]);
		slots[slot] = NULL;
	}
}

/*
 * Replay @w with malloc and free.  With @peak, sample the footprint
 * every LIBC_SAMPLE_STRIDE operations (LIBC_SAMPLES_MAX times at most),
 * at the end of the fill and before each finish; mallinfo2() walks the
 * free lists, so timed runs pass NULL.  A trace is sampled after every
 * operation: real programs' few large buffers come and go between two
 * samples, and traces are short enough.
 */
static void libc_replay(const struct workload *w, void **slots, size_t *peak)
{
	size_t stride = w->nr_ops / LIBC_SAMPLES_MAX, i, slot;
	volatile char *byte;
	void *fresh;

	if (stride < LIBC_SAMPLE_STRIDE)
		stride = LIBC_SAMPLE_STRIDE;
	if (!strcmp(w->name, "trace"))
		stride = 1;
	for (i = 0; i < w->nr_ops; i++) {
		const struct op *op = &w->ops[i];

		if (peak && (!(i % stride) || i == w->fill_end ||
			     op_kind(op) == OP_FINISH)) {
			size_t bytes = libc_footprint();

			if (bytes > *peak)
				*peak = bytes;
		}
		slot = op_slot(op);
		switch (op_kind(op)) {
		case OP_ALLOC:
			slots[slot] = malloc(op->arg);
			if (!slots[slot])
				die("malloc(%u) failed", op->arg);
			break;
		case OP_FREE:
			free(slots[slot]);
			slots[slot] = slots[op->arg];
			slots[op->arg] = NULL;
			break;
		case OP_GET:
			byte = (char *)slots[slot] + op->arg;
			*byte += 1;
			break;
		case OP_REALLOC:
			/* realloc(p, 0) frees p, and may return NULL. */
			fresh = realloc(slots[slot], op->arg);
			if (!fresh && op->arg)
				die("realloc(%u) failed", op->arg);
			slots[slot] = fresh;
			break;
		case OP_FINISH:
			libc_free_all(slots, op->arg);
			break;
		}
	}
	if (peak && libc_footprint() > *peak)
		*peak = libc_footprint();
}

struct libc_run {
	double seconds;
	double cpu_seconds;
	size_t peak_bytes; /* footprint beyond what this program had in use */
};

/* One replay, timed, or measured with mallinfo2() when @measure. */
static struct libc_run libc_run_here(const struct workload *w, bool measure)
{
	void **slots = map_array(w->nr_slots, sizeof(*slots));
	size_t base = libc_in_use(), peak = 0;
	struct libc_run run = { 0 };
	double t0 = now(), cpu0 = cpu_now();

	libc_replay(w, slots, measure ? &peak : NULL);
	run.seconds = now() - t0;
	run.cpu_seconds = cpu_now() - cpu0;
	libc_free_all(slots, w->nr_slots);
	unmap_array(slots, w->nr_slots, sizeof(*slots));
	run.peak_bytes = peak > base ? peak - base : 0;
	return run;
}

/*
 * Each run goes in a child forked for it.  The C library keeps what it
 * took from the system, so runs in this process would inherit the
 * previous runs' heap: every child starts instead from this process'
 * small heap, as every MeMS run starts from a fresh one, and the
 * sequence is shared with the child, not copied.
 */
static struct libc_run libc_run_forked(const struct workload *w, bool measure)
{
	struct libc_run run;
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	fflush(NULL);
	if (pipe(fds))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		close(fds[0]);
		run = libc_run_here(w, measure);
		got = write(fds[1], &run, sizeof(run));
		_exit(got == sizeof(run) ? 0 : 1);
	}
	close(fds[1]);
	got = read(fds[0], &run, sizeof(run));
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || got != sizeof(run))
		die("%s %s: the %s run failed", w->name, w->param, LIBC_NAME);
	return run;
}

static void bench_libc(const struct workload *w, const struct options *opts,
		       struct result *res)
{
	double start = now(), best = -1;
	struct libc_run run;
	unsigned int rep;

	memset(res, 0, sizeof(*res));
	res->page_size = (size_t)sysconf(_SC_PAGESIZE);
	for (rep = 0; rep < w->reps; rep++) {
		if (rep && now() - start > opts->cell_budget)
			break;
		run = libc_run_forked(w, false);
		if (best < 0 || run.seconds < best) {
			best = run.seconds;
			res->cpu_ns_per_op = run.cpu_seconds * 1e9 / w->nr_ops;
		}
	}
	res->ns_per_op = best * 1e9 / w->nr_ops;
	if (!HAVE_MALLINFO2)
		return;
	run = libc_run_forked(w, true);
	res->have_mem = true;
	res->peak_bytes = run.peak_bytes;
	res->peak_mapped = run.peak_bytes;
	res->peak_pages =
		(run.peak_bytes + res->page_size - 1) / res->page_size;
}

/* ---------------------------------------------------------------------- */
/* Reporting */

#define COLUMNS 11

static const int column_width[COLUMNS] = { 8, 14, 16, 9, 10, 9, 9, 9, 9, 6, 9 };
static const char *const column_title[COLUMNS] = {
	"workload", "L/trace", "allocator", "ns/op",  "peak pages", "peak MiB",
	"map MiB",  "mmap",    "munmap",    "util %", "ovh B/blk",
};

/* Characters, not bytes: the em dash takes three bytes and one column. */
static int text_width(const char *s)
{
	int width = 0;

	for (; *s; s++)
		width += ((unsigned char)*s & 0xc0) != 0x80;
	return width;
}

static void print_cell(unsigned int col, const char *text)
{
	int pad = column_width[col] - text_width(text);
	bool left = col < 3;

	if (col)
		putchar(' ');
	if (left)
		fputs(text, stdout);
	while (pad-- > 0)
		putchar(' ');
	if (!left)
		fputs(text, stdout);
	if (col == COLUMNS - 1)
		putchar('\n');
}

static void print_rule(void)
{
	unsigned int col;
	int i;

	for (col = 0; col < COLUMNS; col++) {
		if (col)
			putchar(' ');
		for (i = 0; i < column_width[col]; i++)
			putchar('-');
	}
	putchar('\n');
}

static void read_proc_field(const char *path, const char *key, char *out,
			    size_t len)
{
	char line[256], *value;
	FILE *in = fopen(path, "r");

	snprintf(out, len, "unknown");
	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		if (strncmp(line, key, strlen(key)))
			continue;
		value = strchr(line, ':');
		if (!value)
			continue;
		value += 1 + strspn(value + 1, " \t");
		value[strcspn(value, "\n")] = '\0';
		snprintf(out, len, "%s", value);
		break;
	}
	fclose(in);
}

/* Other programs share the CPUs: the load says how much they took. */
static void read_load(char *out, size_t len)
{
	FILE *in = fopen("/proc/loadavg", "r");
	double one, five, fifteen;

	snprintf(out, len, "unknown");
	if (!in)
		return;
	if (fscanf(in, "%lf %lf %lf", &one, &five, &fifteen) == 3)
		snprintf(out, len, "%.2f %.2f %.2f", one, five, fifteen);
	fclose(in);
}

static void print_header(const struct options *opts)
{
	char cpu[128], mem[64], date[64], load[64];
	struct utsname uts;
	time_t t = time(NULL);
	unsigned int col;

	if (uname(&uts))
		snprintf(uts.machine, sizeof(uts.machine), "unknown");
	read_proc_field("/proc/cpuinfo", "model name", cpu, sizeof(cpu));
	read_proc_field("/proc/meminfo", "MemTotal", mem, sizeof(mem));
	read_load(load, sizeof(load));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&t));
	printf("MeMS benchmark (%s run), %s, load average %s\n",
	       opts->quick ? "quick" : "full", date, load);
	printf("machine: %s, %s, %ld CPUs, MemTotal %s\n", uts.machine, cpu,
	       sysconf(_SC_NPROCESSORS_ONLN), mem);
	if (opts->trim_threshold >= 0)
		printf("MeMS trim threshold: %ld bytes\n", opts->trim_threshold);
	for (col = 0; col < COLUMNS; col++)
		print_cell(col, column_title[col]);
	print_rule();
	fflush(stdout);
	if (csv)
		fprintf(csv, "workload,param,allocator,ns_per_op,peak_pages,"
			     "peak_bytes,peak_mib,mmap,munmap,utilization_pct,"
			     "meta_bytes,cpu_ns_per_op,overhead_per_block,"
			     "peak_mapped_bytes\n");
}

static void print_footer(const struct options *opts, double seconds)
{
	char load[64];

	read_load(load, sizeof(load));
	print_rule();
	printf("ns/op: wall clock per operation, best of up to %u runs; "
	       "linear policies stop after %.0f s\n",
	       opts->reps, opts->budget);
	printf("peak pages/MiB: MeMS user pages (bookkeeping apart); %s: "
	       "mallinfo2() arena + hblkhd\n",
	       LIBC_NAME);
	printf("map MiB: MeMS user pages and bookkeeping at their joint peak; "
	       "%s: peak MiB\n",
	       LIBC_NAME);
	printf("util %%: peak live bytes / peak mapped bytes\n");
	printf("ovh B/blk: per block live at the peak, MeMS' bookkeeping "
	       "(mems_heap_stats()),\n  %s's arena beyond the live bytes\n",
	       LIBC_NAME);
	printf("took %.0f s; load average at the end %s\n", seconds, load);
	if (csv)
		printf("CSV: %s\n", opts->csv_path);
}

/*
 * What an allocator spends per live block beside the blocks themselves,
 * at the peak, or -1 when it is not known.  MeMS: the bookkeeping it
 * mapped (mems_heap_stats().meta_bytes), since its holes are the report's
 * own business; glibc: everything its arena holds beyond the live bytes,
 * headers and free chunks together, which is all one can see of it.
 */
static double overhead_per_block(const struct workload *w,
				 const struct result *res)
{
	if (res->timed_out || !w->peak_blocks)
		return -1;
	if (res->have_os)
		return (double)res->meta_bytes / w->peak_blocks;
	if (res->have_mem && res->peak_bytes >= w->peak_live)
		return (double)(res->peak_bytes - w->peak_live) /
		       w->peak_blocks;
	return -1;
}

static void print_result(const struct workload *w, const char *allocator,
			 const struct result *res)
{
	double overhead = overhead_per_block(w, res);
	char cell[COLUMNS][48];
	unsigned int col;
	double util = 0;

	snprintf(cell[0], sizeof(cell[0]), "%s", w->name);
	snprintf(cell[1], sizeof(cell[1]), "%s", w->param);
	snprintf(cell[2], sizeof(cell[2]), "%s", allocator);
	for (col = 3; col < COLUMNS; col++)
		snprintf(cell[col], sizeof(cell[col]), NO_VALUE);
	if (res->timed_out) {
		snprintf(cell[3], sizeof(cell[3]), "timeout");
	} else {
		snprintf(cell[3], sizeof(cell[3]), "%.1f", res->ns_per_op);
	}
	if (!res->timed_out && res->have_mem) {
		snprintf(cell[4], sizeof(cell[4]), "%zu", res->peak_pages);
		snprintf(cell[5], sizeof(cell[5]), "%.2f",
			 res->peak_bytes / 1048576.0);
		snprintf(cell[6], sizeof(cell[6]), "%.2f",
			 res->peak_mapped / 1048576.0);
		if (res->peak_bytes) {
			util = 100.0 * w->peak_live / res->peak_bytes;
			snprintf(cell[9], sizeof(cell[9]), "%.1f", util);
		}
	}
	if (!res->timed_out && res->have_os) {
		snprintf(cell[7], sizeof(cell[7]), "%lu", res->mmaps);
		snprintf(cell[8], sizeof(cell[8]), "%lu", res->munmaps);
	} else if (!res->timed_out) {
		snprintf(cell[7], sizeof(cell[7]), "n/a");
		snprintf(cell[8], sizeof(cell[8]), "n/a");
	}
	if (overhead >= 0)
		snprintf(cell[10], sizeof(cell[10]), "%.1f", overhead);
	for (col = 0; col < COLUMNS; col++)
		print_cell(col, cell[col]);
	fflush(stdout);
	if (!csv)
		return;
	fprintf(csv, "%s,%s,%s,", w->name, w->param, allocator);
	if (res->timed_out) {
		fprintf(csv, "timeout,,,,,,,,,,\n");
		return;
	}
	fprintf(csv, "%.1f,", res->ns_per_op);
	if (res->have_mem)
		fprintf(csv, "%zu,%zu,%.2f,", res->peak_pages, res->peak_bytes,
			res->peak_bytes / 1048576.0);
	else
		fprintf(csv, ",,,");
	if (res->have_os)
		fprintf(csv, "%lu,%lu,", res->mmaps, res->munmaps);
	else
		fprintf(csv, "n/a,n/a,");
	if (res->have_mem && res->peak_bytes)
		fprintf(csv, "%.1f,", util);
	else
		fprintf(csv, ",");
	if (res->have_os)
		fprintf(csv, "%zu,", res->meta_bytes);
	else
		fprintf(csv, "n/a,");
	fprintf(csv, "%.1f,", res->cpu_ns_per_op);
	if (overhead >= 0)
		fprintf(csv, "%.1f", overhead);
	if (res->have_mem)
		fprintf(csv, ",%zu\n", res->peak_mapped);
	else
		fprintf(csv, ",\n");
}

/* ---------------------------------------------------------------------- */
/* Driving */

static bool wanted(const struct options *opts, const char *allocator)
{
	return !opts->only || !strcmp(opts->only, allocator);
}

/*
 * The references are test equipment, built for the selftests to compare
 * against: they run only when asked for, with --references or by name.
 */
static bool policy_wanted(const struct options *opts,
			  const struct mems_policy_info *policy)
{
	if (opts->only)
		return !strcmp(opts->only, policy->name);
	return opts->references || !(policy->flags & MEMS_POLICY_REFERENCE);
}

/*
 * Every built-in policy in the registry's order, then libc: the registry
 * is the one list of policies, so a new one is timed without a change
 * here.
 */
static void bench_workload(const struct workload *w, const struct options *opts)
{
	struct mems_policy_info policy;
	struct result res;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &policy); i++) {
		if (!policy_wanted(opts, &policy))
			continue;
		bench_mems(w, &policy, opts, &res);
		print_result(w, policy.name, &res);
	}
	if (wanted(opts, LIBC_NAME)) {
		bench_libc(w, opts, &res);
		print_result(w, LIBC_NAME, &res);
	}
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_trace_name(const char *name)
{
	size_t len = strlen(name);

	return len > 4 && !strcmp(name + len - 4, ".rep");
}

/*
 * Every *.rep of the trace directory, in name order.  A trace that its
 * reader rejects has had its one error line, and is left out: return
 * -1 then, once the others are timed.
 */
static int bench_traces(const struct options *opts)
{
	char **names = NULL, path[4096];
	struct workload w;
	struct dirent *entry;
	size_t nr = 0, i;
	int ret = 0;
	DIR *dir = opendir(opts->trace_dir);

	if (!dir) {
		fprintf(stderr, "mems-bench: no traces: %s: %s\n",
			opts->trace_dir, strerror(errno));
		return 0;
	}
	while ((entry = readdir(dir))) {
		if (!is_trace_name(entry->d_name))
			continue;
		names = realloc(names, (nr + 1) * sizeof(*names));
		if (!names)
			die("out of memory");
		names[nr] = strdup(entry->d_name);
		if (!names[nr++])
			die("out of memory");
	}
	closedir(dir);
	qsort(names, nr, sizeof(*names), compare_names);
	for (i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), "%s/%s", opts->trace_dir,
			 names[i]);
		names[i][strlen(names[i]) - 4] = '\0';
		if (trace_build(&w, path, names[i], opts->reps))
			ret = -1;
		else
			bench_workload(&w, opts);
		workload_free(&w);
		free(names[i]);
	}
	free(names);
	return ret;
}

static int bench_all(const struct options *opts)
{
	struct workload w;
	unsigned int i;

	for (i = 0; i < opts->nr_churn_sizes; i++) {
		churn_build(&w, opts->churn_sizes[i], opts->reps);
		bench_workload(&w, opts);
		workload_free(&w);
	}
	if (opts->classic_rounds) {
		classic_build(&w, opts->classic_rounds, opts->reps);
		bench_workload(&w, opts);
		workload_free(&w);
	}
	return opts->trace_dir ? bench_traces(opts) : 0;
}

static void usage(FILE *out)
{
	fputs("Usage: mems-bench [--quick] [--csv FILE] [--traces DIR]\n"
	      "                  [--budget SECONDS] [--only ALLOCATOR]\n"
	      "                  [--churn L[,L...]] [--classic ROUNDS]\n"
	      "                  [--reps N] [--references]\n"
	      "                  [--trim-threshold BYTES]\n"
	      "Time every MeMS placement policy and the C library's malloc\n"
	      "on the same operations: churn at L live blocks, the classic\n"
	      "demo in a loop, and each malloclab trace (*.rep) in DIR.\n"
	      "--quick runs the small sizes only; --only runs one policy\n"
	      "(or \"" LIBC_NAME "\"); --churn 0 and --classic 0 skip them;\n"
	      "--reps caps the timed runs per cell (the best one counts);\n"
	      "--references adds the linear references, when built;\n"
	      "--trim-threshold sets every MeMS heap's (default -1, never).\n",
	      out);
}

static void parse_churn_sizes(struct options *opts, const char *list)
{
	char *end;

	opts->nr_churn_sizes = 0;
	while (*list) {
		unsigned long long live = strtoull(list, &end, 10);

		if (end == list || (*end && *end != ','))
			die("bad --churn list");
		if (live && opts->nr_churn_sizes < 8) {
			if (live > OP_SLOT_MASK / 2)
				die("--churn %llu is too large", live);
			opts->churn_sizes[opts->nr_churn_sizes++] = live;
		}
		list = *end ? end + 1 : end;
	}
}

static long parse_trim_threshold(const char *value)
{
	char *end;
	long n = strtol(value, &end, 10);

	if (end == value || *end || n < -1)
		die("bad --trim-threshold '%s'", value);
	return n;
}

static void options_defaults(struct options *opts, bool quick)
{
	/* 10^7: about 14 GiB for MeMS, and some minutes a policy. */
	static const size_t full_sizes[] = { 1000, 10000, 100000, 1000000,
					     10000000 };
	unsigned int i;

	opts->quick = quick;
	opts->trim_threshold = -1;
	opts->budget = quick ? 2 : 60;
	opts->cell_budget = quick ? 0.3 : 3;
	opts->reps = quick ? 3 : 7;
	opts->classic_rounds = quick ? 10000 : 100000;
	opts->nr_churn_sizes = quick ? 2 : 5;
	for (i = 0; i < opts->nr_churn_sizes; i++)
		opts->churn_sizes[i] = full_sizes[i];
}

static void parse_args(struct options *opts, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--quick"))
			options_defaults(opts, true);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = argv[i + 1];

		if (!strcmp(arg, "--quick"))
			continue;
		if (!strcmp(arg, "--references")) {
			opts->references = true;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!value) {
			usage(stderr);
			exit(2);
		}
		i++;
		if (!strcmp(arg, "--csv"))
			opts->csv_path = value;
		else if (!strcmp(arg, "--traces"))
			opts->trace_dir = value;
		else if (!strcmp(arg, "--budget"))
			opts->budget = strtod(value, NULL);
		else if (!strcmp(arg, "--only"))
			opts->only = value;
		else if (!strcmp(arg, "--churn"))
			parse_churn_sizes(opts, value);
		else if (!strcmp(arg, "--classic"))
			opts->classic_rounds = strtoull(value, NULL, 10);
		else if (!strcmp(arg, "--reps") && atoi(value) > 0)
			opts->reps = atoi(value);
		else if (!strcmp(arg, "--trim-threshold"))
			opts->trim_threshold = parse_trim_threshold(value);
		else {
			usage(stderr);
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	double start = now();
	int status;

	options_defaults(&opts, false);
	parse_args(&opts, argc, argv);
	if (opts.csv_path) {
		csv = fopen(opts.csv_path, "w");
		if (!csv)
			die("cannot write %s: %s", opts.csv_path,
			    strerror(errno));
	}
	print_header(&opts);
	status = bench_all(&opts) ? 1 : 0;
	print_footer(&opts, now() - start);
	if (csv && fclose(csv))
		die("cannot write %s: %s", opts.csv_path, strerror(errno));
	return status;
}
