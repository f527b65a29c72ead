// SPDX-License-Identifier: MIT
/*
 * model_test.c - MeMS against an independent model, on random sequences.
 *
 * Long seeded sequences of operations run on the library and on the model
 * of reference.h side by side: allocations of every size class (tiny,
 * about a page, several pages, 0 and sizes no node can have), zeroed
 * ones, resizes of live blocks (to every size class, 0 included) and of
 * bad addresses, frees of live blocks and bad frees (inside a block,
 * twice, unknown addresses, NULL), trims, translations of random
 * addresses, and from time to time a fresh start, each run under one
 * trim threshold.  After every operation the two must agree on the address
 * returned, on errno or the error code, on what stderr received, and on
 * the physical address of any translation, and the library must pass its
 * own check; every REPORT_EVERY operations, the whole report must match.
 * Each block carries a tag at both ends, written through the translation,
 * so that blocks which overlap in physical memory cannot go unnoticed.
 *
 * The global MeMS runs with the configured layout and MEMS_POLICY naming
 * the policy; heaps of the heap API run with layouts no configuration has
 * (a 1-byte page, odd pages and bases, a base above 2^40).
 */
#include "../harness.h"
#include "../mems_test.h"
#include "reference.h"

#define OPS_PER_SEED	20000
#define OPS_PER_HEAP	6000
#define RESTART_EVERY	1000
#define REPORT_EVERY	100
#define ERRNO_SENTINEL	4242
#define FREED_RING	16

/*
 * The indexed policies run every seed; their linear reference versions,
 * whose walks are simple enough to read as the rules, run the first.
 */
static const uint64_t global_seeds[] = { 1, 0x9e3779b97f4a7c15, 20251126 };

/* Each run's trim threshold, in pages of its layout: never, at once, 4. */
static const long trim_pages[] = { -1, 0, 4 };

static long trim_threshold_of(unsigned int run, size_t page_size)
{
	long pages = trim_pages[run % (sizeof(trim_pages) / sizeof(*trim_pages))];

	return pages > 0 ? pages * (long)page_size : pages;
}

/* splitmix64: small, fast, and the same sequence everywhere. */
struct rng {
	uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
	return z ^ (z >> 31);
}

static size_t rng_below(struct rng *r, size_t bound)
{
	return bound ? (size_t)(rng_next(r) % bound) : 0;
}

struct block {
	uintptr_t v;
	size_t size;			/* as requested */
	unsigned char tag;
};

struct engine {
	struct ref_heap ref;
	struct mems_heap *own;		/* NULL: the global MeMS */
	const char *policy;
	struct rng rng;
	struct block *live;
	size_t nr_live, cap_live;
	uintptr_t freed[FREED_RING];
	unsigned int nr_freed;
	FILE *err_file;			/* stderr during the run */
	int saved_stderr;
	off_t err_seen;
	unsigned long op;
	char why[2048];
};

static int __attribute__((format(printf, 2, 3)))
fail(struct engine *e, const char *fmt, ...)
{
	int len = snprintf(e->why, sizeof(e->why), "op %lu: ", e->op);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why + len, sizeof(e->why) - len, fmt, ap);
	va_end(ap);
	return -1;
}

/* The heap the library works on now; NULL when the global one is down. */
static struct mems_heap *lib_heap(struct engine *e)
{
	return e->own ? e->own : mems_default_heap();
}

static void *lib_get(struct engine *e, uintptr_t v)
{
	return e->own ? mems_heap_get(e->own, V(v)) : mems_get(V(v));
}

/*
 * ---- stderr: only mems_free() of a bad address may write there ----
 *
 * It goes to a file for the whole run, which is read after each
 * operation; the harness prints its diagnostics on stdout.
 */

static void stderr_divert(struct engine *e)
{
	fflush(stderr);
	e->err_file = tmpfile();
	e->saved_stderr = dup(STDERR_FILENO);
	if (!e->err_file || e->saved_stderr < 0 ||
	    dup2(fileno(e->err_file), STDERR_FILENO) < 0)
		abort();
	e->err_seen = 0;
}

static void stderr_restore(struct engine *e)
{
	if (!e->err_file)
		return;
	fflush(stderr);
	dup2(e->saved_stderr, STDERR_FILENO);
	close(e->saved_stderr);
	fclose(e->err_file);
	e->err_file = NULL;
}

/* What was written on stderr since the last call, in @buf. */
static void stderr_news(struct engine *e, char *buf, size_t size)
{
	off_t end = lseek(STDERR_FILENO, 0, SEEK_END);
	ssize_t got = 0;

	if (end > e->err_seen) {
		got = pread(STDERR_FILENO, buf, size - 1, e->err_seen);
		e->err_seen = end;
	}
	buf[got > 0 ? got : 0] = '\0';
}

static int expect_silence(struct engine *e)
{
	char news[256];

	stderr_news(e, news, sizeof(news));
	if (news[0])
		return fail(e, "unexpected on stderr: %s", news);
	return 0;
}

/*
 * The one line @func writes for the refused address @v: "@func: invalid
 * address <v in decimal>", then the end of the line or, after a space,
 * where @v lies (api_test checks those words).
 */
static int expect_refusal_message(struct engine *e, const char *func,
				  uintptr_t v)
{
	char news[256], want[64];
	size_t len;

	/* The heap API reports through its return value alone. */
	if (e->own)
		return expect_silence(e);
	stderr_news(e, news, sizeof(news));
	len = (size_t)snprintf(want, sizeof(want), "%s: invalid address %ju",
			       func, (uintmax_t)v);
	if (strncmp(news, want, len) ||
	    (news[len] != '\n' && news[len] != ' ') ||
	    strchr(news, '\n') != news + strlen(news) - 1)
		return fail(e, "%s of %ju: stderr has \"%s\", want one "
			    "line \"%s\"", func, (uintmax_t)v, news, want);
	return 0;
}

static int expect_free_message(struct engine *e, uintptr_t v)
{
	return expect_refusal_message(e, "mems_free", v);
}

static int expect_realloc_message(struct engine *e, uintptr_t v)
{
	return expect_refusal_message(e, "mems_realloc", v);
}

/* ---- comparisons ---- */

static int compare_reports(struct engine *e)
{
	struct mems_heap *heap = lib_heap(e);
	char *want = ref_report(&e->ref);
	char *seen = heap ? heap_stats_text(heap) : NULL;
	int err = 0;

	/* A global MeMS that is down must print the empty report. */
	if (!heap)
		seen = strdup(EMPTY_REPORT);
	if (!seen || strcmp(want, seen))
		err = fail(e, "reports differ\n--- model\n%s+++ library\n%s",
			   want, seen ? seen : "(none)");
	free(want);
	free(seen);
	return err;
}

/* The report through mems_print_stats() on stdout, global MeMS only. */
static int compare_printed_report(struct engine *e)
{
	char *want, *seen;
	int err = 0;

	if (e->own)
		return 0;
	want = ref_report(&e->ref);
	seen = stats_text();
	if (strcmp(want, seen))
		err = fail(e, "printed report differs\n--- model\n%s+++ "
			   "library\n%s", want, seen);
	free(want);
	free(seen);
	return err;
}

static int check_library(struct engine *e)
{
	struct mems_heap *heap = lib_heap(e);
	char *why = NULL;
	size_t len;
	FILE *out;
	int err;

	if (!heap)
		return 0;
	if (!mems_heap_check(heap, NULL))
		return 0;
	out = open_memstream(&why, &len);
	if (!out)
		abort();
	mems_heap_check(heap, out);
	fclose(out);
	err = fail(e, "mems_heap_check: %s", why);
	free(why);
	return err;
}

/* ---- operations ---- */

static size_t random_size(struct engine *e)
{
	static const size_t huge[] = {
		SIZE_MAX, SIZE_MAX - 1, SIZE_MAX / 2 + 1, (size_t)1 << 62,
	};
	size_t page = e->ref.page_size;
	size_t pick = rng_below(&e->rng, 100);

	if (pick < 2)
		return 0;
	if (pick < 4)
		return huge[rng_below(&e->rng, 4)];
	if (pick < 40)
		return 1 + rng_below(&e->rng, 32);
	if (pick < 65)
		return 1 + rng_below(&e->rng, page);
	if (pick < 85)
		return (page > 16 ? page - 16 : 1) + rng_below(&e->rng, 33);
	return page * (1 + rng_below(&e->rng, 4)) + rng_below(&e->rng, page);
}

static unsigned char *tag_at(struct engine *e, uintptr_t v)
{
	return lib_get(e, v);
}

/* The library's allocation of @nmemb (0: a malloc) times @size bytes. */
static int lib_alloc(struct engine *e, size_t nmemb, size_t size, void **v)
{
	int err = 0;

	if (e->own)
		return nmemb ? mems_heap_calloc(e->own, nmemb, size, v) :
			       mems_heap_alloc(e->own, size, v);
	*v = nmemb ? mems_calloc(nmemb, size) : mems_malloc(size);
	if (!*v && errno != ERRNO_SENTINEL)
		err = -errno;
	/* mems_malloc(0) is NULL and leaves errno alone. */
	if (!*v && errno == ERRNO_SENTINEL && !size)
		err = -EINVAL;
	return err;
}

/* A block's first and last bytes, which calloc must have zeroed. */
static int expect_zeroed(struct engine *e, uintptr_t v, size_t size)
{
	if (*tag_at(e, v) || *tag_at(e, v + size - 1))
		return fail(e, "calloc'd block %ju of %zu bytes is not zero",
			    (uintmax_t)v, size);
	return 0;
}

/* A new live block of @size bytes at @v, tagged at both ends. */
static void block_add(struct engine *e, uintptr_t v, size_t size)
{
	struct block *b;

	e->live = ref_grow(e->live, &e->cap_live, e->nr_live, sizeof(*b));
	b = &e->live[e->nr_live++];
	b->v = v;
	b->size = size;
	b->tag = (unsigned char)(e->op * 131 + 7);
	*tag_at(e, b->v) = b->tag;
	*tag_at(e, b->v + b->size - 1) = b->tag;
}

/* A node the model mapped now has the library's physical address. */
static int learn_phys(struct engine *e, uintptr_t v)
{
	uintptr_t phys = U(lib_get(e, v));

	if (!phys)
		return fail(e, "no translation of new node at %ju",
			    (uintmax_t)v);
	ref_set_phys(&e->ref, phys);
	return 0;
}

/* malloc(@size), or calloc(@nmemb, @size) when @nmemb is not 0. */
static int op_alloc(struct engine *e, size_t nmemb, size_t size)
{
	uintptr_t want = 0;
	size_t total = size;
	bool new_node = false;
	int want_err, err;
	void *v = NULL;

	if (nmemb && __builtin_mul_overflow(nmemb, size, &total))
		want_err = -ENOMEM;
	else
		want_err = ref_alloc(&e->ref, total, &want, &new_node);
	errno = ERRNO_SENTINEL;
	err = lib_alloc(e, nmemb, size, &v);
	if (e->own && errno != ERRNO_SENTINEL)
		return fail(e, "mems_heap_alloc(%zu) set errno", total);
	if (err != want_err || (!err && U(v) != want))
		return fail(e, "alloc(%zu x %zu): library %ju (error %d), "
			    "model %ju (error %d)", nmemb, size,
			    (uintmax_t)U(v), err, (uintmax_t)want, want_err);
	if (!err && errno != ERRNO_SENTINEL)
		return fail(e, "alloc(%zu) succeeded but set errno %d", total,
			    errno);
	if (err)
		return expect_silence(e);

	errno = ERRNO_SENTINEL;
	if (new_node && learn_phys(e, want))
		return -1;
	if (nmemb && expect_zeroed(e, want, total))
		return -1;
	block_add(e, want, total);
	if (errno != ERRNO_SENTINEL)
		return fail(e, "mems_get of a block set errno %d", errno);
	return expect_silence(e);
}

/* Tags intact: no other block was written over this one. */
static int verify_tags(struct engine *e, const struct block *b)
{
	unsigned char *first = tag_at(e, b->v);
	unsigned char *last = tag_at(e, b->v + b->size - 1);

	if (!first || !last)
		return fail(e, "block %ju of %zu bytes lost its translation",
			    (uintmax_t)b->v, b->size);
	if (*first != b->tag || *last != b->tag)
		return fail(e, "block %ju of %zu bytes overwritten",
			    (uintmax_t)b->v, b->size);
	return 0;
}

static void forget_block(struct engine *e, uintptr_t v)
{
	size_t i;

	for (i = 0; i < e->nr_live; i++) {
		if (e->live[i].v == v) {
			e->live[i] = e->live[--e->nr_live];
			break;
		}
	}
	e->freed[e->nr_freed++ % FREED_RING] = v;
}

/* Free @v on both sides; the model says whether it is a block. */
static int op_free_addr(struct engine *e, uintptr_t v)
{
	int want_err = v ? ref_free(&e->ref, v) : 0;
	int err = 0;

	errno = ERRNO_SENTINEL;
	if (e->own) {
		err = v ? mems_heap_free(e->own, V(v)) : 0;
		if (errno != ERRNO_SENTINEL)
			return fail(e, "mems_heap_free set errno");
	} else {
		mems_free(V(v));
		if (errno != ERRNO_SENTINEL)
			err = -errno;
	}
	if (err != want_err)
		return fail(e, "free(%ju): library error %d, model %d",
			    (uintmax_t)v, err, want_err);
	if (want_err)
		return expect_free_message(e, v);
	if (v)
		forget_block(e, v);
	return expect_silence(e);
}

static int op_free_live(struct engine *e)
{
	struct block *b = &e->live[rng_below(&e->rng, e->nr_live)];
	int err = verify_tags(e, b);

	if (err)
		return err;
	return op_free_addr(e, b->v);
}

/* The live block at @v, or NULL. */
static struct block *live_at(struct engine *e, uintptr_t v)
{
	size_t i;

	for (i = 0; i < e->nr_live; i++)
		if (e->live[i].v == v)
			return &e->live[i];
	return NULL;
}

static int lib_realloc(struct engine *e, uintptr_t v, size_t size,
		       uintptr_t *out)
{
	void *p = NULL;
	int err = 0;

	if (e->own) {
		err = mems_heap_realloc(e->own, V(v), size, &p);
	} else {
		p = mems_realloc(V(v), size);
		if (!p && errno != ERRNO_SENTINEL)
			err = -errno;
		/* realloc(NULL, 0) is NULL, as malloc(0) is. */
		if (!v && !size && errno == ERRNO_SENTINEL)
			err = -EINVAL;
	}
	*out = U(p);
	return err;
}

/*
 * The bytes a resized block kept: its first, and its old last when it
 * grew.  Then its new bounds are tagged.
 */
static int resized(struct engine *e, struct block *b, uintptr_t v,
		   size_t size)
{
	unsigned char *first = tag_at(e, v);
	unsigned char *last = tag_at(e, v + b->size - 1);

	if (*first != b->tag || (size >= b->size && *last != b->tag))
		return fail(e, "block %ju of %zu bytes resized to %ju of %zu "
			    "lost its bytes", (uintmax_t)b->v, b->size,
			    (uintmax_t)v, size);
	b->v = v;
	b->size = size;
	*tag_at(e, v) = b->tag;
	*tag_at(e, v + size - 1) = b->tag;
	return 0;
}

/* Resize @v (a block, or not: the model says) to @size on both sides. */
static int op_realloc(struct engine *e, uintptr_t v, size_t size)
{
	struct block *b = live_at(e, v);
	uintptr_t want = 0, out = 0;
	bool new_node = false;
	int want_err, err;

	if (b && verify_tags(e, b))
		return -1;
	want_err = ref_realloc(&e->ref, v, size, &want, &new_node);
	errno = ERRNO_SENTINEL;
	err = lib_realloc(e, v, size, &out);
	if (e->own && errno != ERRNO_SENTINEL)
		return fail(e, "mems_heap_realloc set errno");
	if (err != want_err || (!err && out != want))
		return fail(e, "realloc(%ju, %zu): library %ju (error %d), "
			    "model %ju (error %d)", (uintmax_t)v, size,
			    (uintmax_t)out, err, (uintmax_t)want, want_err);
	if (err == -EINVAL && v)
		return expect_realloc_message(e, v);
	if (err)
		return expect_silence(e);
	if (new_node && learn_phys(e, want))
		return -1;
	if (!v) {
		block_add(e, want, size);
	} else if (!size) {
		forget_block(e, v);
	} else if (!b) {
		return fail(e, "realloc(%ju): a block the test lost",
			    (uintmax_t)v);
	} else if (resized(e, b, want, size)) {
		return -1;
	}
	return expect_silence(e);
}

static int op_realloc_live(struct engine *e)
{
	struct block *b = &e->live[rng_below(&e->rng, e->nr_live)];

	return op_realloc(e, b->v, random_size(e));
}

static int op_trim(struct engine *e)
{
	size_t keep = e->ref.page_size * rng_below(&e->rng, 4);
	bool want = ref_trim(&e->ref, keep);
	int released;

	errno = ERRNO_SENTINEL;
	released = e->own ? mems_heap_trim(e->own, keep) : mems_trim(keep);
	if (released != want)
		return fail(e, "trim(%zu): library %d, model %d", keep,
			    released, want);
	if (errno != ERRNO_SENTINEL)
		return fail(e, "trim(%zu) set errno %d", keep, errno);
	return expect_silence(e);
}

/* An address that is probably not a block's start, or NULL. */
static uintptr_t bad_address(struct engine *e)
{
	uintptr_t top = ref_top(&e->ref), base = e->ref.virt_base;
	const struct block *b;

	switch (rng_below(&e->rng, 5)) {
	case 0:
		if (!e->nr_live)
			return base;
		b = &e->live[rng_below(&e->rng, e->nr_live)];
		return b->v + 1 + rng_below(&e->rng, b->size);
	case 1:
		if (!e->nr_freed)
			return top;
		return e->freed[rng_below(&e->rng, FREED_RING < e->nr_freed ?
					  FREED_RING : e->nr_freed)];
	case 2:
		return base - rng_below(&e->rng, base < 64 ? base : 64);
	case 3:
		return top + rng_below(&e->rng, 4096);
	}
	return 0;
}

/* An address anywhere near the heap, or in, at or just past a block. */
static uintptr_t probe_address(struct engine *e)
{
	uintptr_t top = ref_top(&e->ref), base = e->ref.virt_base;
	const struct block *b;

	if (!e->nr_live || rng_below(&e->rng, 3) == 0)
		return base - (base > 8 ? 8 : 0) +
		       rng_below(&e->rng, top - base + 16);
	b = &e->live[rng_below(&e->rng, e->nr_live)];
	switch (rng_below(&e->rng, 4)) {
	case 0:
		return b->v;
	case 1:
		return b->v + rng_below(&e->rng, b->size);
	case 2:
		return b->v + b->size - 1;
	}
	return b->v + b->size;
}

static int op_get(struct engine *e, uintptr_t v)
{
	uintptr_t want = 0;
	int want_err = ref_get(&e->ref, v, &want);
	uintptr_t seen;

	errno = ERRNO_SENTINEL;
	seen = U(lib_get(e, v));
	if (want_err ? seen != 0 : seen != want)
		return fail(e, "get(%ju): library %#jx, model %#jx%s",
			    (uintmax_t)v, (uintmax_t)seen, (uintmax_t)want,
			    want_err ? " (none)" : "");
	if (e->own && errno != ERRNO_SENTINEL)
		return fail(e, "mems_heap_get set errno");
	if (!e->own && errno != (want_err ? EINVAL : ERRNO_SENTINEL))
		return fail(e, "get(%ju): errno %d", (uintmax_t)v, errno);
	return expect_silence(e);
}

/*
 * Start afresh: mems_init() on the MeMS in use, or mems_finish() so that
 * the next mems_malloc() initialises it; mems_heap_reset() for a heap.
 */
static int op_restart(struct engine *e)
{
	size_t i;
	int err;

	for (i = 0; i < e->nr_live; i++) {
		err = verify_tags(e, &e->live[i]);
		if (err)
			return err;
	}
	err = compare_printed_report(e);
	if (err)
		return err;
	if (e->own)
		mems_heap_reset(e->own);
	else if (rng_below(&e->rng, 2))
		mems_init();
	else
		mems_finish();
	ref_clear(&e->ref);
	e->nr_live = 0;
	e->nr_freed = 0;
	return expect_silence(e);
}

static int step(struct engine *e)
{
	size_t pick = rng_below(&e->rng, 100);

	if (pick < 36 || (pick < 70 && !e->nr_live))
		return op_alloc(e, 0, random_size(e));
	if (pick < 40)
		return op_alloc(e, 1 + rng_below(&e->rng, 4), random_size(e));
	if (pick < 50)
		return op_realloc_live(e);
	if (pick < 70)
		return op_free_live(e);
	if (pick < 76)
		return op_free_addr(e, bad_address(e));
	if (pick < 78)
		return op_realloc(e, bad_address(e), 1 + rng_below(&e->rng, 64));
	if (pick < 79)
		return op_trim(e);
	if (pick < 98)
		return op_get(e, probe_address(e));
	return compare_reports(e);
}

static int engine_run(struct engine *e, unsigned long ops)
{
	int err = 0;

	for (e->op = 1; !err && e->op <= ops; e->op++) {
		if (e->op % RESTART_EVERY == 0)
			err = op_restart(e);
		if (!err)
			err = step(e);
		if (!err)
			err = check_library(e);
		if (!err && e->op % REPORT_EVERY == 0)
			err = compare_reports(e);
	}
	if (!err)
		err = compare_reports(e);
	if (!err)
		err = compare_printed_report(e);
	return err;
}

static void engine_free(struct engine *e)
{
	stderr_restore(e);
	ref_destroy(&e->ref);
	free(e->live);
	e->live = NULL;
	e->nr_live = 0;
	e->cap_live = 0;
	e->nr_freed = 0;
}

FIXTURE(model) {
	struct engine e;
};

FIXTURE_VARIANT(model) {
	const char *name;
	const struct rule *rule;	/* the rule of SPEC it follows */
	unsigned int seeds;		/* how many of global_seeds to run */
};

/*
 * One variant per built policy: the indexed ones run every seed, their
 * linear references the first.
 */
FIXTURE_VARIANT_GENERATE(model, model_variants)
{
	const unsigned int all = sizeof(global_seeds) / sizeof(global_seeds[0]);
	FIXTURE_VARIANT(model) *v;
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		v = FIXTURE_VARIANT_NEW(model, info.name);
		if (!v)
			return;
		v->name = info.name;
		v->rule = rule_of_policy(info.name);
		v->seeds = info.flags & MEMS_POLICY_REFERENCE ? 1 : all;
	}
}

FIXTURE_SETUP(model)
{
	ASSERT_NE(NULL, variant->rule)
		TH_LOG("%s follows no rule of rules.h: write its rule there",
		       variant->name);
}

FIXTURE_TEARDOWN(model)
{
	engine_free(&self->e);
	if (self->e.own)
		mems_heap_destroy(self->e.own);
	mems_finish();
}

/* The global MeMS, configured layout, MEMS_POLICY naming the policy. */
TEST_F(model, global_mems)
{
	struct engine *e = &self->e;
	unsigned int i;
	int err;

	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->name, 1));
	ASSERT_GE(sizeof(global_seeds) / sizeof(global_seeds[0]),
		  variant->seeds);
	for (i = 0; i < variant->seeds; i++) {
		char threshold[32];

		ref_init(&e->ref, variant->rule, PAGE_SIZE,
			 CONFIG_MEMS_VIRT_BASE, CONFIG_MEMS_ALIGN);
		e->ref.trim_threshold = trim_threshold_of(i, PAGE_SIZE);
		snprintf(threshold, sizeof(threshold), "%ld",
			 e->ref.trim_threshold);
		ASSERT_EQ(0, setenv("MEMS_TRIM_THRESHOLD", threshold, 1));
		e->rng.state = global_seeds[i];
		e->policy = variant->name;
		mems_init();
		ASSERT_STREQ(variant->name,
			     mems_heap_policy(mems_default_heap()));
		stderr_divert(e);
		err = engine_run(e, test_ops(OPS_PER_SEED));
		engine_free(e);
		mems_finish();
		ASSERT_EQ(0, err) TH_LOG("seed %#jx, %s, trim threshold %s: %s",
					 (uintmax_t)global_seeds[i],
					 variant->name, threshold, e->why);
	}
}

/* Heaps with layouts that no build configuration has. */
TEST_F(model, odd_heaps)
{
	static const struct mems_heap_config layouts[] = {
		{ .page_size = 1, .virt_base = 1, .align = 1 },
		{ .page_size = 100, .virt_base = 7, .align = 8 },
		{ .page_size = 4096, .virt_base = 1000, .align = 16 },
		{ .page_size = 333, .virt_base = (uintptr_t)1 << 40,
		  .align = 2 },
	};
	struct engine *e = &self->e;
	struct mems_heap_config config;
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		config = layouts[i];
		config.policy = variant->name;
		ASSERT_EQ(0, mems_heap_create(&config, &e->own));
		ref_init(&e->ref, variant->rule, config.page_size,
			 config.virt_base, config.align);
		e->ref.trim_threshold = trim_threshold_of(i + 1,
							  config.page_size);
		ASSERT_EQ(0, mems_heap_set_trim_threshold(
				     e->own, e->ref.trim_threshold));
		e->rng.state = 1000 + i;
		e->policy = variant->name;
		stderr_divert(e);
		err = engine_run(e, test_ops(OPS_PER_HEAP));
		engine_free(e);
		mems_heap_destroy(e->own);
		e->own = NULL;
		ASSERT_EQ(0, err) TH_LOG("seed %u, %s, page %zu, base %ju, "
					 "align %zu, trim threshold %ld: %s",
					 1000 + i, variant->name,
					 config.page_size,
					 (uintmax_t)config.virt_base,
					 config.align, e->ref.trim_threshold,
					 e->why);
	}
}

TEST_HARNESS_MAIN
