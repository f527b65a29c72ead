// SPDX-License-Identifier: MIT
/*
 * differential_test.c - the indexed policies against the linear ones.
 *
 * The linear reference policies walk the chains and are right by
 * inspection; the indexed ones answer from trees.  Both run the same long
 * random sequence of operations (allocations, zeroed ones, resizes,
 * frees, trims, translations), bad ones included, on heaps laid out
 * alike, across the page-size, alignment and trim threshold matrix, and
 * must agree on
 * every returned address and error, every translation and, at intervals
 * and at the end, the whole report.  Both heaps must also pass
 * mems_heap_check(), which verifies each index against the chains.
 *
 * The pairs come from the registry: every built indexed policy against
 * the reference it names.  Without CONFIG_MEMS_LINEAR_POLICIES no policy
 * names one, and the tests skip, saying so; `make check` builds them.
 */
#include "../harness.h"
#include "../mems_test.h"

#include <mems/introspect.h>

#define TEST_TIMEOUT_LONG 300

/*
 * With CONFIG_MEMS_DEBUG every operation already walks the whole heap;
 * a shorter sequence keeps that build's run time linear-ish.
 */
#ifdef CONFIG_MEMS_DEBUG
#define RANDOM_OPS 10000UL
#else
#define RANDOM_OPS 100000UL
#endif

/* xorshift64*: the same sequence on every machine, unlike rand(). */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

static size_t random_below(uint64_t *state, size_t bound)
{
	return bound ? next_random(state) % bound : 0;
}

/* Mostly small requests, some around a page, a few of several pages. */
static size_t random_size(uint64_t *state, size_t page_size)
{
	size_t pick = random_below(state, 100);

	if (pick < 80)
		return 1 + random_below(state, 256);
	if (pick < 97)
		return 1 + random_below(state, 2 * page_size);
	return 1 + random_below(state, 8 * page_size);
}

struct pair {
	struct mems_heap *indexed;
	struct mems_heap *linear;
	uintptr_t *live;
	size_t nr_live;
	size_t max_live;
};

static int pair_open(struct pair *p, const char *policy, const char *linear,
		     size_t page_size, size_t align, long trim_threshold,
		     size_t max_live)
{
	struct mems_heap_config config = {
		.policy = policy,
		.page_size = page_size,
		.virt_base = 1000,
		.align = align,
	};

	memset(p, 0, sizeof(*p));
	if (mems_heap_create(&config, &p->indexed))
		return -1;
	config.policy = linear;
	if (mems_heap_create(&config, &p->linear))
		return -1;
	if (mems_heap_set_trim_threshold(p->indexed, trim_threshold) ||
	    mems_heap_set_trim_threshold(p->linear, trim_threshold))
		return -1;
	p->live = calloc(max_live, sizeof(*p->live));
	p->max_live = max_live;
	return p->live ? 0 : -1;
}

static void pair_close(struct pair *p)
{
	mems_heap_destroy(p->indexed);
	mems_heap_destroy(p->linear);
	free(p->live);
}

/* The node that holds @v, which must lie in one. */
static struct mems_node_info node_of(const struct mems_heap *heap,
				     uintptr_t v)
{
	struct mems_node_info node = { 0 };

	if (mems_heap_find(heap, V(v), &node, NULL))
		abort();
	return node;
}

/* Where @phys lies in the node that holds @v. */
static uintptr_t phys_offset(const struct mems_heap *heap, uintptr_t v,
			     const void *phys)
{
	return U(phys) - U(node_of(heap, v).phys);
}

/* @v hit the start of the next block after all: it is freed now. */
static void live_forget(struct pair *p, uintptr_t v)
{
	size_t k;

	for (k = 0; k < p->nr_live; k++) {
		if (p->live[k] == v) {
			p->live[k] = p->live[--p->nr_live];
			return;
		}
	}
}

/* A block resized on both heaps, or freed at size 0. */
static int pair_resize(struct pair *p, uint64_t *state, size_t page_size)
{
	size_t k = random_below(state, p->nr_live);
	size_t size =
		random_below(state, 10) ? random_size(state, page_size) : 0;
	void *a, *b;
	int ea, eb;

	ea = mems_heap_realloc(p->indexed, V(p->live[k]), size, &a);
	eb = mems_heap_realloc(p->linear, V(p->live[k]), size, &b);
	if (ea != eb || (!ea && a != b))
		return -1;
	if (!ea && size)
		p->live[k] = U(a);
	else if (!ea)
		p->live[k] = p->live[--p->nr_live];
	return 0;
}

/*
 * A free, or a resize to one byte, of @v, which is mostly interior, in a
 * hole or past every node: both heaps must refuse it alike, or agree.
 */
static int pair_stray(struct pair *p, uintptr_t v, bool resize)
{
	void *a = NULL, *b = NULL;
	int ea, eb;

	if (resize) {
		ea = mems_heap_realloc(p->indexed, V(v), 1, &a);
		eb = mems_heap_realloc(p->linear, V(v), 1, &b);
	} else {
		ea = mems_heap_free(p->indexed, V(v));
		eb = mems_heap_free(p->linear, V(v));
	}
	if (ea != eb || a != b)
		return -1;
	if (!ea)
		live_forget(p, v);
	if (!ea && resize)
		p->live[p->nr_live++] = U(a);
	return 0;
}

/* One random operation on both heaps; 0 when they agree. */
static int pair_step(struct pair *p, uint64_t *state, size_t page_size)
{
	size_t pick = random_below(state, 100);
	uintptr_t v, any, offset;
	void *a, *b, *pa, *pb;
	int ea, eb;

	any = p->nr_live ? p->live[random_below(state, p->nr_live)] : 1000;
	if (pick < 40 && p->nr_live < p->max_live) {
		size_t size = random_size(state, page_size);

		if (pick < 4) {
			ea = mems_heap_calloc(p->indexed, 3, size, &a);
			eb = mems_heap_calloc(p->linear, 3, size, &b);
		} else {
			ea = mems_heap_alloc(p->indexed, size, &a);
			eb = mems_heap_alloc(p->linear, size, &b);
		}
		if (ea != eb || (!ea && a != b))
			return -1;
		if (!ea)
			p->live[p->nr_live++] = U(a);
		return 0;
	}
	if (pick < 48 && p->nr_live)
		return pair_resize(p, state, page_size);
	if (pick == 48) {
		size_t keep = random_below(state, 4) * page_size;
		int released = mems_heap_trim(p->indexed, keep);

		return released == mems_heap_trim(p->linear, keep) ? 0 : -1;
	}
	if (pick < 85 && p->nr_live) {
		size_t k = random_below(state, p->nr_live);

		v = p->live[k];
		p->live[k] = p->live[--p->nr_live];
		return mems_heap_free(p->indexed, V(v)) ||
		       mems_heap_free(p->linear, V(v));
	}
	if (pick < 92)
		return pair_stray(p, any + 1 + random_below(state, 64),
				  pick == 91);
	/* Translations anywhere near live blocks, holes included. */
	v = any + random_below(state, 2 * page_size);
	pa = mems_heap_get(p->indexed, V(v));
	pb = mems_heap_get(p->linear, V(v));
	if (!pa || !pb)
		return !pa == !pb ? 0 : -1;
	offset = phys_offset(p->indexed, v, pa);
	if (offset != phys_offset(p->linear, v, pb))
		return -1;
	/* A translation is the node's physical base plus the offset in it. */
	return offset == v - node_of(p->indexed, v).vstart ? 0 : -1;
}

static int pair_same_report(struct pair *p)
{
	char *a = heap_stats_text(p->indexed);
	char *b = heap_stats_text(p->linear);
	int same = a && b && !strcmp(a, b);

	free(a);
	free(b);
	return same;
}

FIXTURE(differential) {
	int unused;
};

FIXTURE_VARIANT(differential) {
	const char *name;
	const char *reference;		/* NULL when none is built */
};

/* One variant per built indexed policy, with the reference it names. */
FIXTURE_VARIANT_GENERATE(differential, differential_variants)
{
	FIXTURE_VARIANT(differential) *v;
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		if (info.flags & MEMS_POLICY_REFERENCE)
			continue;
		v = FIXTURE_VARIANT_NEW(differential, info.name);
		if (!v)
			return;
		v->name = info.name;
		v->reference = info.reference;
	}
}

FIXTURE_SETUP(differential)
{
	if (!variant->reference)
		SKIP(return, "%s has no linear reference built "
		     "(CONFIG_MEMS_LINEAR_POLICIES is not set)", variant->name);
}

FIXTURE_TEARDOWN(differential)
{
}

/*
 * Run @ops operations for @policy against @linear over the whole matrix
 * of page sizes and granules that the build matrix covers; checks both
 * heaps every @check_every operations (each check walks everything).
 */
static void run_matrix(struct __test_metadata *_metadata, const char *policy,
		       const char *linear, unsigned long ops,
		       unsigned long check_every)
{
	static const size_t page_sizes[] = { 4096, 16384, 64 };
	static const size_t aligns[] = { 1, 16 };
	/* In pages: never, at once, and up to four pages of empty nodes. */
	static const long trim_pages[] = { -1, 0, 4 };
	unsigned int i, j;
	unsigned long n;

	for (i = 0; i < sizeof(page_sizes) / sizeof(page_sizes[0]); i++) {
		for (j = 0; j < sizeof(aligns) / sizeof(aligns[0]); j++) {
			uint64_t state = 0x9e3779b97f4a7c15ULL + i * 7 + j;
			long trim = trim_pages[(i * 2 + j) % 3];
			struct pair p;

			if (trim > 0)
				trim *= (long)page_sizes[i];
			ASSERT_EQ(0,
				  pair_open(&p, policy, linear, page_sizes[i],
					    aligns[j], trim, 4096));
			for (n = 1; n <= ops; n++) {
				ASSERT_EQ(0, pair_step(&p, &state,
						       page_sizes[i]))
				TH_LOG("%s, page %zu, align %zu, trim %ld: op %lu",
				       policy, page_sizes[i], aligns[j], trim,
				       n);
				if (n % check_every)
					continue;
				ASSERT_EQ(0, mems_heap_check(p.indexed, stderr));
				ASSERT_EQ(0, mems_heap_check(p.linear, stderr));
				ASSERT_TRUE(pair_same_report(&p))
				TH_LOG("%s, page %zu, align %zu, trim %ld: op %lu",
				       policy, page_sizes[i], aligns[j], trim,
				       n);
			}
			ASSERT_TRUE(pair_same_report(&p));
			ASSERT_EQ(0, mems_heap_check(p.indexed, stderr));
			pair_close(&p);
		}
	}
}

TEST_F_TIMEOUT(differential, matches_linear, TEST_TIMEOUT_LONG)
{
	run_matrix(_metadata, variant->name, variant->reference,
		   test_ops(RANDOM_OPS), 20000);
}

/* Short runs with a full check after every operation catch an index
 * that drifts and recovers before the next periodic check. */
TEST_F_TIMEOUT(differential, index_stays_exact_after_every_operation,
	       TEST_TIMEOUT_LONG)
{
	run_matrix(_metadata, variant->name, variant->reference,
		   test_ops(3000), 1);
}

TEST_HARNESS_MAIN
