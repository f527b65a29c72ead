// SPDX-License-Identifier: MIT
/*
 * chain_test.c - the shape of the free list (contract sections 2 and 3):
 * where mems_malloc() carves, how mems_free() merges, how nodes are sized,
 * placed and kept, and what physical memory backs them.
 *
 * Each test runs under every built placement policy, as the registry
 * lists them (the linear references aside).  The scenarios are built
 * so that at most one hole can take each request, so every policy must
 * give the same layout, and the expected report is written out for it.
 */
#define _GNU_SOURCE

#include "../harness.h"
#include "../mems_test.h"

#define BASE ((uintptr_t)CONFIG_MEMS_VIRT_BASE)

FIXTURE(mems)
{
	struct model m;
};

FIXTURE_VARIANT(mems)
{
	const char *policy;
};

/* One variant per built policy but the linear references. */
FIXTURE_VARIANT_GENERATE(mems, mems_variants)
{
	FIXTURE_VARIANT(mems) *v;
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		if (info.flags & MEMS_POLICY_REFERENCE)
			continue;
		v = FIXTURE_VARIANT_NEW(mems, info.name);
		if (!v)
			return;
		v->policy = info.name;
	}
}

FIXTURE_SETUP(mems)
{
	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->policy, 1));
	mems_init();
	ASSERT_STREQ(variant->policy, mems_heap_policy(mems_default_heap()));
	model_init(&self->m, PAGE_SIZE);
}

FIXTURE_TEARDOWN(mems)
{
	mems_finish();
}

/* Assert that the global report is the one @m renders. */
#define ASSERT_REPORT(m) do {						\
	char *expected_ = model_report(m), *seen_ = stats_text();	\
									\
	ASSERT_STREQ(expected_, seen_);					\
	free(expected_);						\
	free(seen_);							\
} while (0)

/*
 * One page filled exactly by three blocks a, b, c, c taking what a and b
 * leave: a full node has no hole, so whatever is freed later is the only
 * hole a request can go to.  Sizes are a quarter page, give or take, so
 * that they differ even where the granule is large.
 */
struct full_page {
	uintptr_t a, b, c;
	size_t ra, rb, rc;
};

#define FULL_PAGE_SA	(PAGE_SIZE / 4 - 1)
#define FULL_PAGE_SB	(PAGE_SIZE / 4 + 1)

static bool full_page_possible(void)
{
	return PAGE_SIZE >= 8 && PAGE_SIZE % CONFIG_MEMS_ALIGN == 0 &&
	       mems_round(FULL_PAGE_SA) + mems_round(FULL_PAGE_SB) < PAGE_SIZE;
}

#define REQUIRE_FULL_PAGE()						\
	do {								\
		if (!full_page_possible())				\
			SKIP(return, "page too small for three blocks"); \
	} while (0)

static void full_page_fill(struct full_page *fp)
{
	fp->ra = mems_round(FULL_PAGE_SA);
	fp->rb = mems_round(FULL_PAGE_SB);
	fp->rc = PAGE_SIZE - fp->ra - fp->rb;
	fp->a = U(mems_malloc(FULL_PAGE_SA));
	fp->b = U(mems_malloc(FULL_PAGE_SB));
	fp->c = U(mems_malloc(fp->rc));
}

/* Model the full page with a, b and c each a P, or a H where @types says. */
static void full_page_model(struct model *m, const struct full_page *fp,
			    const char types[3])
{
	model_node(m, BASE, 1);
	model_seg(m, types[0], fp->ra);
	model_seg(m, types[1], fp->rb);
	model_seg(m, types[2], fp->rc);
}

#define ASSERT_FULL_PAGE(fp) do {					\
	ASSERT_EQ(BASE, (fp)->a);					\
	ASSERT_EQ(BASE + (fp)->ra, (fp)->b);				\
	ASSERT_EQ(BASE + (fp)->ra + (fp)->rb, (fp)->c);			\
} while (0)

/* ---------------------------------------------------------------------
 * Section 3: where mems_malloc carves
 */

TEST_F(mems, malloc_carves_from_low_end_and_leaves_the_rest_a_hole)
{
	size_t r = mems_round(FULL_PAGE_SA), r1 = mems_round(1);
	struct full_page fp;

	REQUIRE_FULL_PAGE();
	if (r1 >= mems_round(FULL_PAGE_SB))
		SKIP(return, "page too small for a hole in a block's place");
	ASSERT_EQ(BASE, U(mems_malloc(FULL_PAGE_SA)));
	model_node(&self->m, BASE, 1);
	model_seg(&self->m, 'P', r);
	model_seg(&self->m, 'H', PAGE_SIZE - r);
	ASSERT_REPORT(&self->m);

	/* Now from a hole in the middle of a node. */
	mems_init();
	full_page_fill(&fp);
	ASSERT_FULL_PAGE(&fp);
	mems_free(V(fp.b));
	ASSERT_LT(r1, fp.rb);
	ASSERT_EQ(fp.b, U(mems_malloc(1)));
	model_init(&self->m, PAGE_SIZE);
	model_node(&self->m, BASE, 1);
	model_seg(&self->m, 'P', fp.ra);
	model_seg(&self->m, 'P', r1);
	model_seg(&self->m, 'H', fp.rb - r1);
	model_seg(&self->m, 'P', fp.rc);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

TEST_F(mems, malloc_exact_fit_leaves_no_hole)
{
	struct full_page fp;

	REQUIRE_FULL_PAGE();
	full_page_fill(&fp);
	ASSERT_FULL_PAGE(&fp);
	full_page_model(&self->m, &fp, "PPP");
	ASSERT_REPORT(&self->m);

	mems_free(V(fp.b));
	ASSERT_EQ(fp.b, U(mems_malloc(FULL_PAGE_SB)));
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

TEST_F(mems, malloc_maps_a_new_node_when_no_hole_fits)
{
	size_t big = FULL_PAGE_SB + CONFIG_MEMS_ALIGN;
	struct full_page fp;

	REQUIRE_FULL_PAGE();
	full_page_fill(&fp);
	mems_free(V(fp.b));
	ASSERT_LT(fp.rb, mems_round(big));
	ASSERT_EQ(BASE + PAGE_SIZE, U(mems_malloc(big)));
	full_page_model(&self->m, &fp, "PHP");
	model_node(&self->m, BASE + PAGE_SIZE, pages_for(mems_round(big)));
	model_seg(&self->m, 'P', mems_round(big));
	model_rest_hole(&self->m);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

/* ---------------------------------------------------------------------
 * Section 3: how mems_free merges
 */

TEST_F(mems, free_between_blocks_merges_with_neither)
{
	struct full_page fp;

	REQUIRE_FULL_PAGE();
	full_page_fill(&fp);
	ASSERT_FULL_PAGE(&fp);
	mems_free(V(fp.b));
	full_page_model(&self->m, &fp, "PHP");
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

TEST_F(mems, free_merges_with_previous_hole)
{
	struct full_page fp;

	REQUIRE_FULL_PAGE();
	full_page_fill(&fp);
	ASSERT_FULL_PAGE(&fp);
	mems_free(V(fp.a));
	full_page_model(&self->m, &fp, "HPP");
	ASSERT_REPORT(&self->m);
	mems_free(V(fp.b));
	model_init(&self->m, PAGE_SIZE);
	model_node(&self->m, BASE, 1);
	model_seg(&self->m, 'H', fp.ra + fp.rb);
	model_seg(&self->m, 'P', fp.rc);
	ASSERT_REPORT(&self->m);
	/* One hole now: a request of both sizes together fits at its start. */
	ASSERT_EQ(BASE, U(mems_malloc(fp.ra + fp.rb)));
	ASSERT_EQ(0, check_global_heap());
}

TEST_F(mems, free_merges_with_next_hole)
{
	struct full_page fp;

	REQUIRE_FULL_PAGE();
	full_page_fill(&fp);
	ASSERT_FULL_PAGE(&fp);
	mems_free(V(fp.c));
	full_page_model(&self->m, &fp, "PPH");
	ASSERT_REPORT(&self->m);
	mems_free(V(fp.b));
	model_init(&self->m, PAGE_SIZE);
	model_node(&self->m, BASE, 1);
	model_seg(&self->m, 'P', fp.ra);
	model_seg(&self->m, 'H', fp.rb + fp.rc);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(fp.b, U(mems_malloc(fp.rb + fp.rc)));
	ASSERT_EQ(0, check_global_heap());
}

/* The hole after the last block of a node is a next hole like any other. */
TEST_F(mems, free_merges_with_trailing_hole_of_node)
{
	size_t ra = mems_round(FULL_PAGE_SA), rb = mems_round(FULL_PAGE_SB);

	REQUIRE_FULL_PAGE();
	ASSERT_EQ(BASE, U(mems_malloc(FULL_PAGE_SA)));
	ASSERT_EQ(BASE + ra, U(mems_malloc(FULL_PAGE_SB)));
	ASSERT_LT(ra + rb, PAGE_SIZE) TH_LOG("needs a hole after b");
	mems_free(V(BASE + ra));
	model_node(&self->m, BASE, 1);
	model_seg(&self->m, 'P', ra);
	model_seg(&self->m, 'H', PAGE_SIZE - ra);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

TEST_F(mems, free_merges_with_both_holes)
{
	struct full_page fp;

	REQUIRE_FULL_PAGE();
	full_page_fill(&fp);
	ASSERT_FULL_PAGE(&fp);
	mems_free(V(fp.a));
	mems_free(V(fp.c));
	full_page_model(&self->m, &fp, "HPH");
	ASSERT_REPORT(&self->m);
	mems_free(V(fp.b));
	model_init(&self->m, PAGE_SIZE);
	model_node(&self->m, BASE, 1);
	model_seg(&self->m, 'H', PAGE_SIZE);
	ASSERT_REPORT(&self->m);
	/* Really one hole: the whole page fits in it again. */
	ASSERT_EQ(BASE, U(mems_malloc(PAGE_SIZE)));
	model_init(&self->m, PAGE_SIZE);
	model_node(&self->m, BASE, 1);
	model_seg(&self->m, 'P', PAGE_SIZE);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

/* ---------------------------------------------------------------------
 * Section 2: nodes
 */

TEST_F(mems, node_is_whole_pages_for_the_rounded_request)
{
	const size_t sizes[] = {
		1, 3, CONFIG_MEMS_ALIGN + 1, PAGE_SIZE - 1, PAGE_SIZE,
		PAGE_SIZE + 1, 2 * PAGE_SIZE + 3, 3 * PAGE_SIZE,
	};
	unsigned int i;
	size_t r;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (!sizes[i])
			continue;
		r = mems_round(sizes[i]);
		mems_init();
		ASSERT_EQ(BASE, U(mems_malloc(sizes[i])));
		model_init(&self->m, PAGE_SIZE);
		model_node(&self->m, BASE, div_round_up(r, PAGE_SIZE));
		model_seg(&self->m, 'P', r);
		model_rest_hole(&self->m);
		ASSERT_REPORT(&self->m);
		ASSERT_EQ(0, check_global_heap());
	}
}

TEST_F(mems, large_request_maps_several_pages_in_one_node)
{
	size_t size = 2 * PAGE_SIZE + 1, r = mems_round(size);
	size_t pages = pages_for(r);
	char *phys;

	ASSERT_LT(1, pages);
	ASSERT_EQ(BASE, U(mems_malloc(size)));
	model_node(&self->m, BASE, pages);
	model_seg(&self->m, 'P', r);
	model_rest_hole(&self->m);
	ASSERT_REPORT(&self->m);
	phys = mems_get(V(BASE));
	ASSERT_NE(NULL, phys);
	ASSERT_EQ(1, mapped(phys, pages * PAGE_SIZE));
	ASSERT_EQ(phys + r - 1, (char *)mems_get(V(BASE + r - 1)));
	memset(phys, 0x5a, r);
	ASSERT_EQ(0x5a, *(unsigned char *)mems_get(V(BASE + r - 1)));
	ASSERT_EQ(0, check_global_heap());
}

/*
 * Node 2 and then node 1 become single holes; a request neither can hold
 * gets a node after node 2, never the freed range of node 1 or 2.
 */
TEST_F(mems, next_node_starts_after_highest_address_ever_handed_out)
{
	size_t w = whole_node_size(), pages = w / PAGE_SIZE;
	uintptr_t v1 = BASE, v2 = BASE + w, v3 = BASE + 3 * w;

	ASSERT_EQ(v1, U(mems_malloc(w)));
	ASSERT_EQ(v2, U(mems_malloc(2 * w)));
	mems_free(V(v2));
	mems_free(V(v1));
	ASSERT_EQ(v3, U(mems_malloc(3 * w)));
	model_node(&self->m, v1, pages);
	model_seg(&self->m, 'H', w);
	model_node(&self->m, v2, 2 * pages);
	model_seg(&self->m, 'H', 2 * w);
	model_node(&self->m, v3, 3 * pages);
	model_seg(&self->m, 'P', 3 * w);
	ASSERT_REPORT(&self->m);
	/*
	 * A freed range is reused, but only by its own node: only node 2's
	 * hole can hold 2w, whatever the policy (with w, worst-fit would
	 * rightly take node 2 where the others take node 1).
	 */
	ASSERT_EQ(v2, U(mems_malloc(2 * w)));
	ASSERT_EQ(0, check_global_heap());
}

TEST_F(mems, nodes_whose_ranges_touch_are_never_merged)
{
	size_t w = whole_node_size(), pages = w / PAGE_SIZE;
	uintptr_t v1 = BASE, v2 = BASE + w, v3 = BASE + 2 * w;

	ASSERT_EQ(v1, U(mems_malloc(w)));
	ASSERT_EQ(v2, U(mems_malloc(w)));
	mems_free(V(v1));
	mems_free(V(v2));
	model_node(&self->m, v1, pages);
	model_seg(&self->m, 'H', w);
	model_node(&self->m, v2, pages);
	model_seg(&self->m, 'H', w);
	ASSERT_REPORT(&self->m);
	/* The two holes do not make one twice as large. */
	ASSERT_EQ(v3, U(mems_malloc(2 * w)));
	model_node(&self->m, v3, 2 * pages);
	model_seg(&self->m, 'P', 2 * w);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

/* The last block of one node and the first of the next, freed. */
TEST_F(mems, free_never_merges_across_touching_nodes)
{
	size_t rest = PAGE_SIZE - mems_round(FULL_PAGE_SA);
	uintptr_t a = BASE, b = BASE + mems_round(FULL_PAGE_SA);
	uintptr_t c = BASE + PAGE_SIZE;

	REQUIRE_FULL_PAGE();
	ASSERT_EQ(a, U(mems_malloc(FULL_PAGE_SA)));
	ASSERT_EQ(b, U(mems_malloc(rest)));
	ASSERT_EQ(c, U(mems_malloc(PAGE_SIZE)));
	ASSERT_EQ(c + PAGE_SIZE, U(mems_malloc(1)));
	mems_free(V(b));
	mems_free(V(c));
	model_node(&self->m, a, 1);
	model_seg(&self->m, 'P', PAGE_SIZE - rest);
	model_seg(&self->m, 'H', rest);
	model_node(&self->m, c, 1);
	model_seg(&self->m, 'H', PAGE_SIZE);
	model_node(&self->m, c + PAGE_SIZE, pages_for(mems_round(1)));
	model_seg(&self->m, 'P', mems_round(1));
	model_rest_hole(&self->m);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(0, check_global_heap());
}

TEST_F(mems, node_that_became_one_hole_stays_mapped_and_reported)
{
	size_t r = mems_round(100), bytes = node_bytes_for(100);
	char *phys;

	ASSERT_EQ(BASE, U(mems_malloc(100)));
	phys = mems_get(V(BASE));
	ASSERT_NE(NULL, phys);
	mems_free(V(BASE));
	model_node(&self->m, BASE, bytes / PAGE_SIZE);
	model_seg(&self->m, 'H', bytes);
	ASSERT_REPORT(&self->m);
	ASSERT_EQ(1, mapped(phys, bytes));
	/* Still the same memory when the range is handed out again. */
	ASSERT_EQ(BASE, U(mems_malloc(100)));
	ASSERT_EQ(phys, (char *)mems_get(V(BASE)));
	ASSERT_EQ(phys + r - 1, (char *)mems_get(V(BASE + r - 1)));
	ASSERT_EQ(0, check_global_heap());
}

/*
 * The first block of a node starts where mmap's mapping starts, and the
 * user may overwrite every byte of a node without hurting MeMS: its
 * bookkeeping is elsewhere.
 */
TEST_F(mems, node_memory_is_all_the_users_no_header)
{
	size_t w = whole_node_size(), pages = w / PAGE_SIZE, i;
	uintptr_t v2 = BASE + w;
	unsigned char *p1, *p2;

	ASSERT_EQ(BASE, U(mems_malloc(w)));
	ASSERT_EQ(v2, U(mems_malloc(w)));
	p1 = mems_get(V(BASE));
	p2 = mems_get(V(v2));
	ASSERT_NE(NULL, p1);
	ASSERT_NE(NULL, p2);
	ASSERT_EQ(0, U(p1) % machine_page());
	ASSERT_EQ(0, U(p2) % machine_page());
	ASSERT_EQ(1, mapped(p1, w));
	memset(p1, 0xff, w);
	memset(p2, 0xee, w);
	ASSERT_EQ(0, check_global_heap());

	mems_free(V(BASE));
	ASSERT_EQ(BASE, U(mems_malloc(1)));
	model_node(&self->m, BASE, pages);
	model_seg(&self->m, 'P', mems_round(1));
	model_rest_hole(&self->m);
	model_node(&self->m, v2, pages);
	model_seg(&self->m, 'P', w);
	ASSERT_REPORT(&self->m);
	for (i = 0; i < w; i++)
		ASSERT_EQ(0xee, p2[i]);
	ASSERT_EQ(0, check_global_heap());
}

/*
 * Sizes round up to the granule, addresses do not: blocks are aligned in
 * physical memory, while virtual ones keep the base's alignment.
 */
TEST_F(mems, physical_addresses_aligned_to_granule_virtual_follow_base)
{
	const size_t sizes[] = { 1, 3, CONFIG_MEMS_ALIGN + 1 };
	uintptr_t v, expect = BASE;
	unsigned int i;
	char *phys, *first;

	if (mems_round(1) + mems_round(3) +
	    mems_round(CONFIG_MEMS_ALIGN + 1) > PAGE_SIZE)
		SKIP(return, "page too small for three blocks");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		v = U(mems_malloc(sizes[i]));
		ASSERT_EQ(expect, v);
		ASSERT_EQ(BASE % CONFIG_MEMS_ALIGN, v % CONFIG_MEMS_ALIGN);
		phys = mems_get(V(v));
		ASSERT_NE(NULL, phys);
		ASSERT_EQ(0, U(phys) % CONFIG_MEMS_ALIGN);
		expect += mems_round(sizes[i]);
	}
	first = mems_get(V(BASE));
	ASSERT_EQ(first + (expect - BASE) - mems_round(sizes[2]),
		  (char *)mems_get(V(expect - mems_round(sizes[2]))));

	/* A second node starts page aligned in physical memory. */
	v = U(mems_malloc(PAGE_SIZE + 1));
	ASSERT_EQ(BASE + PAGE_SIZE, v);
	phys = mems_get(V(v));
	ASSERT_EQ(0, U(phys) % machine_page());
	ASSERT_EQ(0, check_global_heap());
}

/* ---------------------------------------------------------------------
 * Nothing a caller does breaks the chains: a long random run
 */

struct block {
	uintptr_t v;
	size_t r;
	unsigned char mark;
};

#define RANDOM_OPS	400
#define MAX_BLOCKS	64

static size_t report_number(const char *report, const char *label)
{
	const char *at = strstr(report, label);

	return at ? strtoull(at + strlen(label), NULL, 10) : SIZE_MAX;
}

/* Every live block still translates and still holds its own mark. */
static bool blocks_intact(const struct block *blocks, int nr)
{
	unsigned char *phys;
	int i;

	for (i = 0; i < nr; i++) {
		phys = mems_get(V(blocks[i].v));
		if (!phys || phys[0] != blocks[i].mark ||
		    phys[blocks[i].r / 2] != blocks[i].mark ||
		    phys[blocks[i].r - 1] != blocks[i].mark ||
		    mems_get(V(blocks[i].v + blocks[i].r - 1)) !=
		    phys + blocks[i].r - 1)
			return false;
	}
	return true;
}

TEST_F(mems, random_operations_keep_every_invariant)
{
	struct block blocks[MAX_BLOCKS];
	size_t live_bytes = 0, size;
	unsigned int seed = 20240601;
	int nr = 0, op, i, k;
	char *report, *err;
	unsigned char *phys;

	for (op = 0; op < RANDOM_OPS; op++) {
		k = rand_r(&seed) % 10;
		if (k < 5 && nr < MAX_BLOCKS) {
			size = 1 + rand_r(&seed) % (k ? PAGE_SIZE / 2 + 1 :
						    3 * PAGE_SIZE);
			blocks[nr].v = U(mems_malloc(size));
			ASSERT_NE(0, blocks[nr].v);
			blocks[nr].r = mems_round(size);
			blocks[nr].mark = (unsigned char)(op | 1);
			phys = mems_get(V(blocks[nr].v));
			ASSERT_NE(NULL, phys);
			memset(phys, blocks[nr].mark, blocks[nr].r);
			live_bytes += blocks[nr++].r;
		} else if (k < 9 && nr) {
			i = rand_r(&seed) % nr;
			errno = 0;
			mems_free(V(blocks[i].v));
			ASSERT_EQ(0, errno);
			live_bytes -= blocks[i].r;
			blocks[i] = blocks[--nr];
		} else if (nr) {
			/* Inside a block, never its start. */
			i = rand_r(&seed) % nr;
			if (blocks[i].r < 2)
				continue;
			errno = 0;
			err = CAPTURE(stderr,
				      mems_free(V(blocks[i].v + 1 +
						  rand_r(&seed) %
						  (blocks[i].r - 1))));
			ASSERT_EQ(EINVAL, errno);
			ASSERT_STRNE("", err);
			free(err);
		}
		ASSERT_EQ(0, check_global_heap()) TH_LOG("after op %d", op);
		ASSERT_TRUE(blocks_intact(blocks, nr)) TH_LOG("op %d", op);
		report = stats_text();
		ASSERT_EQ(live_bytes, report_number(report, "Pages used:\t") *
			  PAGE_SIZE - report_number(report, "Space unused:\t"))
			TH_LOG("after op %d:\n%s", op, report);
		free(report);
	}
}

TEST_HARNESS_MAIN
