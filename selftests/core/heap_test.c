// SPDX-License-Identifier: MIT
/*
 * heap_test.c - the heap-object API of <mems/heap.h>: independent heaps
 * side by side, their argument checks, destroy, reset, policy switching,
 * and mems_heap_check(), shown to pass on sound heaps and, through the
 * internal <core/types.h>, to fail on heaps broken on purpose.
 *
 * Heaps created here choose their own page size, base and granule, so the
 * numbers in their layouts are the test's choice, not the build's.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "../harness.h"
#include "../mems_test.h"
#include "../policy/rules.h"

#include <core/addr_table.h>
#include <core/heap.h>
#include <core/hole_map.h>
#include <core/policy.h>
#include <core/types.h>
#include <policy/hole_tree.h>

#define BASE ((uintptr_t)CONFIG_MEMS_VIRT_BASE)

static struct maps_snapshot maps_before, maps_after;

/* Assert that @heap reports what @m renders. */
#define ASSERT_HEAP_REPORT(m, heap) do {				\
	char *expected_ = model_report(m);				\
	char *seen_ = heap_stats_text(heap);				\
									\
	ASSERT_STREQ(expected_, seen_);					\
	free(expected_);						\
	free(seen_);							\
} while (0)

static uintptr_t alloc_or_zero(struct mems_heap *heap, size_t size)
{
	void *v = NULL;

	return mems_heap_alloc(heap, size, &v) ? 0 : U(v);
}

/* What mems_heap_check() says, and into which text. */
static int check_text(const struct mems_heap *heap, char **text)
{
	size_t len;
	FILE *out = open_memstream(text, &len);
	int ret;

	if (!out)
		abort();
	ret = mems_heap_check(heap, out);
	fclose(out);
	return ret;
}

/* ---------------------------------------------------------------------
 * Several heaps at once
 */

/*
 * Three layouts; in each, 10 bytes, 150 bytes, then 30 bytes, then the
 * 150 are freed.  The 30 find two holes in the first and third layouts,
 * one in the second:
 *
 * 0: 100-byte pages from 1, granule 1.  10 at 1, hole [11:100] (90);
 *    150 needs a node of two pages at 101, hole [251:300] (50), where
 *    the rover is.  30 goes to 11 or 251.
 * 1: 256-byte pages from 5000, granule 8.  16 at 5000, 152 at 5016, and
 *    32 at 5168 in the only hole, [5168:5255].
 * 2: 64-byte pages from 2^20, granule 16.  16 at 2^20, hole of 48 at
 *    2^20 + 16; 160 need a node of three pages at 2^20 + 64, hole of 32
 *    at 2^20 + 224, where the rover is.  32 go to 2^20 + 16 or + 224.
 */
static const struct mems_heap_config side_layouts[3] = {
	{ NULL, 100, 1, 1 },
	{ NULL, 256, 5000, 8 },
	{ NULL, 64, 1 << 20, 16 },
};

/* The holes the 30 bytes choose between in @layout, and the rover. */
static size_t side_holes(int layout, struct rule_hole holes[2],
			 uintptr_t *rover)
{
	const uintptr_t b = side_layouts[layout].virt_base;

	switch (layout) {
	case 0:
		holes[0] = (struct rule_hole){ b + 10, 90 };
		holes[1] = (struct rule_hole){ b + 250, 50 };
		*rover = b + 250;
		return 2;
	case 1:
		holes[0] = (struct rule_hole){ b + 168, 88 };
		*rover = b + 168;
		return 1;
	}
	holes[0] = (struct rule_hole){ b + 16, 48 };
	holes[1] = (struct rule_hole){ b + 224, 32 };
	*rover = b + 224;
	return 2;
}

/*
 * The report of @layout once the 30 bytes went to hole @pick; with
 * @freed, after the 150 bytes were freed too.
 */
static void side_model(struct model *m, int layout, size_t pick, bool freed)
{
	const uintptr_t b = side_layouts[layout].virt_base;
	const char p150 = freed ? 'H' : 'P';

	model_init(m, side_layouts[layout].page_size);
	switch (layout) {
	case 0:
		model_node(m, b, 1);
		model_seg(m, 'P', 10);
		if (!pick)
			model_seg(m, 'P', 30);
		model_rest_hole(m);
		model_node(m, b + 100, 2);
		if (pick && freed) {
			model_seg(m, 'H', 150);
		} else if (!pick && freed) {
			model_seg(m, 'H', 200);
			return;
		} else {
			model_seg(m, 'P', 150);
		}
		if (pick)
			model_seg(m, 'P', 30);
		model_rest_hole(m);
		return;
	case 1:
		model_node(m, b, 1);
		model_seg(m, 'P', 16);
		model_seg(m, p150, 152);
		model_seg(m, 'P', 32);
		model_rest_hole(m);
		return;
	}
	model_node(m, b, 1);
	model_seg(m, 'P', 16);
	if (!pick)
		model_seg(m, 'P', 32);
	model_rest_hole(m);
	model_node(m, b + 64, 3);
	if (!pick && freed) {
		model_seg(m, 'H', 192);
		return;
	}
	model_seg(m, p150, 160);
	if (pick)
		model_seg(m, 'P', 32);
	model_rest_hole(m);
}

/* Where 10 and 150 bytes go in each layout: the same for every policy. */
static const uintptr_t side_first[3][2] = {
	{ 1, 101 }, { 5000, 5016 }, { 1 << 20, (1 << 20) + 64 },
};

/*
 * The same calls on three heaps of different layouts and policies, with
 * the global MeMS alive beside them.  Each round hands the built indexed
 * policies to the layouts in turn, so that every policy meets every
 * layout; where the 30 bytes go is the policy's rule (rules.h).
 */
TEST(heaps_live_side_by_side_with_their_own_layouts)
{
	unsigned int round, nr = nr_indexed_policies();
	struct mems_heap_config cfg[3];
	struct rule_hole holes[2];
	char *global_before, *global_after;
	struct mems_heap *h[3];
	const struct rule *rule;
	size_t pick[3], nr_holes;
	uintptr_t rover;
	struct model m;
	int i;

	ASSERT_LT(0, nr);
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	global_before = stats_text();
	for (round = 0; round < nr; round++) {
		for (i = 0; i < 3; i++) {
			cfg[i] = side_layouts[i];
			cfg[i].policy = indexed_policy(round + i);
			rule = rule_of_policy(cfg[i].policy);
			ASSERT_NE(NULL, rule) TH_LOG("%s follows no rule of "
						     "rules.h", cfg[i].policy);
			nr_holes = side_holes(i, holes, &rover);
			pick[i] = rule->pick(holes, nr_holes,
					     round_up(30, cfg[i].align), rover);
			ASSERT_GT(nr_holes, pick[i]);
			ASSERT_EQ(0, mems_heap_create(&cfg[i], &h[i]));
			ASSERT_STREQ(cfg[i].policy, mems_heap_policy(h[i]));
			ASSERT_EQ(cfg[i].page_size, mems_heap_page_size(h[i]));
		}
		for (i = 0; i < 3; i++) {
			nr_holes = side_holes(i, holes, &rover);
			ASSERT_EQ(side_first[i][0], alloc_or_zero(h[i], 10));
			ASSERT_EQ(side_first[i][1], alloc_or_zero(h[i], 150));
			ASSERT_EQ(holes[pick[i]].start, alloc_or_zero(h[i], 30))
				TH_LOG("%s, layout %d", cfg[i].policy, i);
		}
		for (i = 0; i < 3; i++) {
			side_model(&m, i, pick[i], false);
			ASSERT_HEAP_REPORT(&m, h[i]);
		}
		for (i = 0; i < 3; i++)
			ASSERT_EQ(0, mems_heap_free(h[i], V(side_first[i][1])));
		for (i = 0; i < 3; i++) {
			side_model(&m, i, pick[i], true);
			ASSERT_HEAP_REPORT(&m, h[i]);
			ASSERT_EQ(0, mems_heap_check(h[i], stderr));
			mems_heap_destroy(h[i]);
		}
		global_after = stats_text();
		ASSERT_STREQ(global_before, global_after);
		free(global_after);
	}
	free(global_before);
	ASSERT_EQ(0, check_global_heap());
}

TEST(heap_with_null_config_uses_the_build_configuration)
{
	size_t r = mems_round(10);
	struct mems_heap *heap;
	char *global;
	struct model m;

	if (node_bytes_for(10) < 2 * r)
		SKIP(return, "page too small for two blocks");
	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	ASSERT_EQ(PAGE_SIZE, mems_heap_page_size(heap));
	ASSERT_STREQ(mems_default_policy(), mems_heap_policy(heap));
	ASSERT_EQ(BASE, alloc_or_zero(heap, 10));
	ASSERT_EQ(BASE + r, alloc_or_zero(heap, 10));
	model_init(&m, PAGE_SIZE);
	model_node(&m, BASE, pages_for(2 * r));
	model_seg(&m, 'P', r);
	model_seg(&m, 'P', r);
	model_rest_hole(&m);
	ASSERT_HEAP_REPORT(&m, heap);
	/* The global MeMS is another heap: still empty. */
	global = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, global);
	free(global);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST(heap_create_rejects_alignment_not_a_power_of_two)
{
	const size_t bad[] = { 3, 6, 12, 24, 100, SIZE_MAX };
	struct mems_heap_config cfg = { 0 };
	struct mems_heap *heap = V(1);
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.align = bad[i];
		errno = 12345;
		ASSERT_EQ(-EINVAL, mems_heap_create(&cfg, &heap))
			TH_LOG("align %zu", bad[i]);
		ASSERT_EQ(12345, errno);
		ASSERT_EQ(V(1), heap);
	}
}

/*
 * A name no policy has, and near misses of the default's name: '_' for
 * '-', upper case, a prefix.  Names are exact.
 */
TEST(heap_create_rejects_unknown_policy)
{
	const char *name = mems_default_policy();
	struct mems_heap_config cfg = { 0 };
	struct mems_heap *heap = V(1);
	char *bad[4], *c;
	unsigned int i;

	ASSERT_NE(NULL, strchr(name, '-')) TH_LOG("default %s", name);
	bad[0] = strdup("no-such-fit");
	bad[1] = strdup(name);
	bad[2] = strdup(name);
	bad[3] = strndup(name, strcspn(name, "-"));
	for (i = 0; i < 4; i++)
		ASSERT_NE(NULL, bad[i]);
	for (c = bad[1]; *c; c++)
		*c = *c == '-' ? '_' : *c;
	for (c = bad[2]; *c; c++)
		*c = *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;
	for (i = 0; i < 4; i++) {
		ASSERT_FALSE(policy_built(bad[i])) TH_LOG("%s", bad[i]);
		cfg.policy = bad[i];
		ASSERT_EQ(-ENOENT, mems_heap_create(&cfg, &heap))
			TH_LOG("policy %s", bad[i]);
		ASSERT_EQ(V(1), heap);
		free(bad[i]);
	}
	/* An empty name, like NULL, means the default. */
	cfg.policy = "";
	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_STREQ(mems_default_policy(), mems_heap_policy(heap));
	mems_heap_destroy(heap);
}

/* ---------------------------------------------------------------------
 * Argument checks of the operations: return values, never errno, never
 * a word on stderr
 */

TEST(heap_alloc_of_zero_bytes_is_einval_and_changes_nothing)
{
	struct mems_heap *heap;
	char *before, *after, *err;
	void *v = V(1);
	int ret = 0;

	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	ASSERT_EQ(BASE, alloc_or_zero(heap, 10));
	before = heap_stats_text(heap);
	errno = 12345;
	err = CAPTURE(stderr, ret = mems_heap_alloc(heap, 0, &v));
	ASSERT_EQ(-EINVAL, ret);
	ASSERT_EQ(12345, errno);
	ASSERT_STREQ("", err);
	after = heap_stats_text(heap);
	ASSERT_STREQ(before, after);
	ASSERT_EQ(second_of_two(10), alloc_or_zero(heap, 10));
	free(before);
	free(after);
	free(err);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST(heap_alloc_too_large_is_enomem_and_changes_nothing)
{
	const size_t huge[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX / 2 + 1 };
	struct mems_heap *heap;
	char *before, *after;
	unsigned int i;
	void *v;

	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	ASSERT_EQ(BASE, alloc_or_zero(heap, whole_node_size()));
	before = heap_stats_text(heap);
	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		errno = 12345;
		ASSERT_EQ(-ENOMEM, mems_heap_alloc(heap, huge[i], &v))
			TH_LOG("size %zu", huge[i]);
		ASSERT_EQ(12345, errno);
		after = heap_stats_text(heap);
		ASSERT_STREQ(before, after);
		free(after);
	}
	ASSERT_EQ(BASE + whole_node_size(), alloc_or_zero(heap, 1));
	free(before);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/*
 * A heap whose top is the last address there is: the node that reaches
 * it is mapped, and no later node can start past it.
 */
TEST(heap_alloc_past_the_top_of_the_virtual_space_is_enomem)
{
	const struct mems_heap_config cfg = {
		.page_size = 64, .virt_base = UINTPTR_MAX - 127, .align = 1,
	};
	struct mems_heap *heap;
	struct model m;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(-ENOMEM, mems_heap_alloc(heap, 129, &(void *){ NULL }));
	ASSERT_EQ(cfg.virt_base, alloc_or_zero(heap, 128));
	ASSERT_EQ(-ENOMEM, mems_heap_alloc(heap, 1, &(void *){ NULL }));
	model_init(&m, 64);
	model_node(&m, cfg.virt_base, 2);
	model_seg(&m, 'P', 128);
	ASSERT_HEAP_REPORT(&m, heap);
	/* Its own freed range is still there to reuse. */
	ASSERT_EQ(0, mems_heap_free(heap, V(cfg.virt_base)));
	ASSERT_EQ(cfg.virt_base, alloc_or_zero(heap, 1));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST(heap_free_of_a_non_block_is_einval_and_silent)
{
	size_t r = mems_round(10);
	struct mems_heap *heap;
	char *before, *after, *err;
	const uintptr_t bad[] = {
		BASE + 1, BASE + r, BASE + r + 1, BASE + PAGE_SIZE * 50,
		BASE - 1, UINTPTR_MAX,
	};
	unsigned int i;
	int ret = 0;

	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	ASSERT_EQ(BASE, alloc_or_zero(heap, 10));
	before = heap_stats_text(heap);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 12345;
		err = CAPTURE(stderr, ret = mems_heap_free(heap, V(bad[i])));
		ASSERT_EQ(-EINVAL, ret)
			TH_LOG("address %ju", (uintmax_t)bad[i]);
		ASSERT_EQ(12345, errno);
		ASSERT_STREQ("", err);
		free(err);
		after = heap_stats_text(heap);
		ASSERT_STREQ(before, after);
		free(after);
	}
	ASSERT_EQ(0, mems_heap_free(heap, V(BASE)));
	ASSERT_EQ(-EINVAL, mems_heap_free(heap, V(BASE)));
	free(before);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST(heap_get_translates_blocks_only)
{
	size_t r = mems_round(10);
	struct mems_heap *heap;
	char *phys;

	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	ASSERT_EQ(BASE, alloc_or_zero(heap, 10));
	phys = mems_heap_get(heap, V(BASE));
	ASSERT_NE(NULL, phys);
	ASSERT_EQ(0, U(phys) % machine_page());
	ASSERT_EQ(phys + r - 1, (char *)mems_heap_get(heap, V(BASE + r - 1)));
	errno = 12345;
	ASSERT_NULL(mems_heap_get(heap, V(BASE + r)));
	ASSERT_NULL(mems_heap_get(heap, V(BASE - 1)));
	ASSERT_NULL(mems_heap_get(heap, V(BASE + node_bytes_for(10))));
	ASSERT_EQ(12345, errno);
	mems_heap_destroy(heap);
}

/*
 * mems_heap_get() tries the block carved last before the table: once
 * that block is freed, whether its record stays as a hole or goes back
 * to the pool, nothing of it translates.  One 64-byte page of 16-byte
 * granules: once 16, 16 and 32 bytes fill it, the hole the second
 * leaves is the only one, so every policy carves it again.
 */
TEST(heap_get_refuses_the_block_carved_last_once_freed)
{
	const struct mems_heap_config cfg = { NULL, 64, 1 << 20, 16 };
	const uintptr_t base = 1 << 20;
	struct mems_heap *heap;
	uintptr_t b;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(base, alloc_or_zero(heap, 10));
	b = alloc_or_zero(heap, 10);
	ASSERT_EQ(base + 16, b);
	ASSERT_NE(NULL, mems_heap_get(heap, V(b)));
	/* Into the hole after it: its record goes back to the pool. */
	ASSERT_EQ(0, mems_heap_free(heap, V(b)));
	ASSERT_NULL(mems_heap_get(heap, V(b)));
	ASSERT_NULL(mems_heap_get(heap, V(b + 15)));
	/* Between two blocks: its record stays, a hole. */
	ASSERT_EQ(b, alloc_or_zero(heap, 10));
	ASSERT_EQ(base + 32, alloc_or_zero(heap, 32));
	ASSERT_EQ(0, mems_heap_free(heap, V(b)));
	ASSERT_EQ(b, alloc_or_zero(heap, 10));
	ASSERT_EQ(0, mems_heap_free(heap, V(b)));
	ASSERT_NULL(mems_heap_get(heap, V(b)));
	ASSERT_NULL(mems_heap_get(heap, V(b + 15)));
	ASSERT_NE(NULL, mems_heap_get(heap, V(base)));
	ASSERT_NE(NULL, mems_heap_get(heap, V(base + 32)));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/* ---------------------------------------------------------------------
 * Destroy, reset, set_policy
 */

TEST(heap_destroy_unmaps_everything)
{
	const struct mems_heap_config cfg = { .page_size = 64 };
	struct mems_heap *heap;
	char *phys[3] = { NULL };
	int was_mapped[3] = { 0 };
	int i, small;

	SKIP_ON_VALGRIND();
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	for (i = 0; i < 3; i++) {
		phys[i] = mems_heap_get(heap, V(alloc_or_zero(heap, 100)));
		was_mapped[i] = phys[i] ? mapped(phys[i], 100) : 0;
	}
	for (small = 0; small < 500; small++)
		if (!alloc_or_zero(heap, 1))
			break;
	mems_heap_destroy(heap);
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	ASSERT_EQ(500, small);
	for (i = 0; i < 3; i++) {
		ASSERT_NE(NULL, phys[i]);
		ASSERT_EQ(1, was_mapped[i]);
		ASSERT_EQ(0, mapped(phys[i], 100));
	}
	ASSERT_STREQ(maps_before.text, maps_after.text);
	/* NULL is no heap: nothing to do. */
	mems_heap_destroy(NULL);
}

static void heap_reset_under(struct __test_metadata *_metadata,
			     const char *policy)
{
	const struct mems_heap_config cfg = { policy, 100, 7, 4 };
	struct mems_heap *heap;
	char *phys, *text;
	struct model m;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(7, alloc_or_zero(heap, 10));
	ASSERT_EQ(7 + 12, alloc_or_zero(heap, 10));
	ASSERT_EQ(7 + 100, alloc_or_zero(heap, 250));
	phys = mems_heap_get(heap, V(7 + 100));
	ASSERT_NE(NULL, phys);
	mems_heap_reset(heap);
	text = heap_stats_text(heap);
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	ASSERT_EQ(0, mapped(phys, 300));
	ASSERT_STREQ(policy, mems_heap_policy(heap));
	ASSERT_EQ(100, mems_heap_page_size(heap));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));

	/* Starts over at the base, with the same page size and granule. */
	ASSERT_EQ(7, alloc_or_zero(heap, 10));
	ASSERT_EQ(0, mems_heap_free(heap, V(7)));
	ASSERT_EQ(7, alloc_or_zero(heap, 1));
	model_init(&m, 100);
	model_node(&m, 7, 1);
	model_seg(&m, 'P', 4);
	model_rest_hole(&m);
	ASSERT_HEAP_REPORT(&m, heap);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/* Under every built policy: none keeps a rover or index past a reset. */
TEST(heap_reset_empties_the_heap_and_keeps_its_layout)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++)
		heap_reset_under(_metadata, info.name);
}


/*
 * Two holes, 90 bytes at 11 and 50 bytes at 251: first-fit takes the
 * first, best-fit the second.
 */
TEST(heap_set_policy_switches_the_placement)
{
	const struct mems_heap_config cfg = { "first-fit", 100, 1, 1 };
	struct mems_heap *heap;

	if (!policy_built("first-fit") || !policy_built("best-fit"))
		SKIP(return, "needs first-fit and best-fit built in");
	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(1, alloc_or_zero(heap, 10));
	ASSERT_EQ(101, alloc_or_zero(heap, 150));
	ASSERT_EQ(0, mems_heap_set_policy(heap, "best-fit"));
	ASSERT_STREQ("best-fit", mems_heap_policy(heap));
	ASSERT_EQ(251, alloc_or_zero(heap, 40));
	ASSERT_EQ(0, mems_heap_set_policy(heap, "first-fit"));
	ASSERT_STREQ("first-fit", mems_heap_policy(heap));
	ASSERT_EQ(11, alloc_or_zero(heap, 40));

	errno = 12345;
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(heap, "no-such-fit"));
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(heap, NULL));
	ASSERT_EQ(12345, errno);
	ASSERT_STREQ("first-fit", mems_heap_policy(heap));
	ASSERT_EQ(51, alloc_or_zero(heap, 1));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST(default_heap_is_the_global_mems)
{
	char *global, *through_heap;

	ASSERT_NULL(mems_default_heap());
	mems_init();
	ASSERT_NE(NULL, mems_default_heap());
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	ASSERT_NE(NULL, mems_malloc(PAGE_SIZE + 1));
	global = stats_text();
	through_heap = heap_stats_text(mems_default_heap());
	ASSERT_STREQ(global, through_heap);
	ASSERT_EQ(mems_get(V(BASE + 1)),
		  mems_heap_get(mems_default_heap(), V(BASE + 1)));
	free(global);
	free(through_heap);
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
	ASSERT_NULL(mems_default_heap());
}

/* ---------------------------------------------------------------------
 * mems_heap_check(): passes on sound heaps, fails on broken ones
 */

/*
 * Nodes of one, two and three pages with blocks and holes between, under
 * @policy (NULL: the default).  Each request is larger than every hole
 * before it, so every policy lays them out alike.
 */
static struct mems_heap *busy_heap_of(const char *policy)
{
	const struct mems_heap_config cfg = { policy, 64, 1000, 1 };
	struct mems_heap *heap;
	uintptr_t v[12];
	int i;

	if (mems_heap_create(&cfg, &heap))
		return NULL;
	for (i = 0; i < 12; i++)
		v[i] = alloc_or_zero(heap, 1 + i * 13);
	for (i = 0; i < 12; i += 3)
		mems_heap_free(heap, V(v[i]));
	return heap;
}

static struct mems_heap *busy_heap(void)
{
	return busy_heap_of(NULL);
}

static struct mems_node *nth_node(struct mems_heap *heap, int n)
{
	struct mems_node *node;

	heap_for_each_node(node, heap)
		if (!n--)
			return node;
	return NULL;
}

static struct mems_seg *nth_seg(struct mems_node *node, int n)
{
	struct mems_seg *seg;

	node_for_each_seg(seg, node)
		if (!n--)
			return seg;
	return NULL;
}

/* The @n-th block in address order, from 0. */
static struct mems_seg *nth_block(struct mems_heap *heap, int n)
{
	struct mems_node *node;
	struct mems_seg *seg;

	heap_for_each_node(node, heap)
		node_for_each_seg(seg, node)
			if (!seg_is_hole(seg) && !n--)
				return seg;
	return NULL;
}

static struct mems_node *node_of_several_segs(struct mems_heap *heap)
{
	struct mems_node *node;

	heap_for_each_node(node, heap)
		if (node->segs.next != node->segs.prev)
			return node;
	return NULL;
}

/* Assert that @heap fails its check with one line of explanation. */
#define ASSERT_CHECK_FAILS(heap) do {					\
	char *why_;							\
									\
	ASSERT_EQ(-EUCLEAN, check_text((heap), &why_));			\
	ASSERT_LT(0, strlen(why_));					\
	ASSERT_EQ(strlen(why_) - 1, strcspn(why_, "\n"))		\
		TH_LOG("one line expected: %s", why_);			\
	free(why_);							\
	ASSERT_EQ(-EUCLEAN, mems_heap_check((heap), NULL));		\
} while (0)

#define ASSERT_CHECK_PASSES(heap) do {					\
	char *why_;							\
									\
	ASSERT_EQ(0, check_text((heap), &why_));			\
	ASSERT_STREQ("", why_);						\
	free(why_);							\
} while (0)

/* Under every built policy, whose own index is checked too. */
TEST(heap_check_passes_on_sound_heaps)
{
	struct mems_policy_info info;
	struct mems_heap *heap, *empty;
	unsigned int k;
	uintptr_t v;
	int i;

	for (k = 0; !mems_policy_info(k, &info); k++) {
		heap = busy_heap_of(info.name);
		ASSERT_NE(NULL, heap) TH_LOG("%s", info.name);
		ASSERT_STREQ(info.name, mems_heap_policy(heap));
		ASSERT_CHECK_PASSES(heap);
		ASSERT_NE(NULL, nth_node(heap, 2)) TH_LOG("needs three nodes");
		for (i = 0; i < 200; i++) {
			v = alloc_or_zero(heap, 1 + (i * 37) % 150);
			ASSERT_NE(0, v);
			if (i % 3)
				ASSERT_EQ(0, mems_heap_free(heap, V(v)));
			ASSERT_CHECK_PASSES(heap);
		}
		mems_heap_destroy(heap);
	}
	ASSERT_EQ(0, mems_heap_create(NULL, &empty));
	ASSERT_CHECK_PASSES(empty);
	mems_heap_destroy(empty);
}

TEST(heap_check_detects_a_segment_that_ends_early)
{
	struct mems_heap *heap = busy_heap();
	struct mems_seg *seg;

	ASSERT_NE(NULL, heap);
	seg = nth_seg(nth_node(heap, 1), 0);
	ASSERT_NE(NULL, seg);
	seg->vend--;
	ASSERT_CHECK_FAILS(heap);
	seg->vend++;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/* The first block that has a hole right after it, or NULL. */
static struct mems_seg *block_before_hole(struct mems_heap *heap)
{
	struct mems_node *node;
	struct mems_seg *seg;

	heap_for_each_node(node, heap)
		node_for_each_seg(seg, node)
			if (!seg_is_hole(seg) &&
			    !list_is_last(&seg->link, &node->segs) &&
			    seg_is_hole(list_next_entry(seg, link)))
				return seg;
	return NULL;
}

TEST(heap_check_detects_two_adjacent_holes)
{
	struct mems_heap *heap = busy_heap();
	struct mems_seg *seg;

	ASSERT_NE(NULL, heap);
	seg = block_before_hole(heap);
	ASSERT_NE(NULL, seg);
	seg->type = MEMS_HOLE;
	ASSERT_CHECK_FAILS(heap);
	seg->type = MEMS_PROCESS;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

TEST(heap_check_detects_a_node_of_the_wrong_size)
{
	struct mems_heap *heap = busy_heap();
	struct mems_node *node;

	ASSERT_NE(NULL, heap);
	node = nth_node(heap, 0);
	ASSERT_NE(NULL, node);
	node->pages++;
	ASSERT_CHECK_FAILS(heap);
	node->pages--;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

TEST(heap_check_detects_overlapping_nodes)
{
	struct mems_heap *heap = busy_heap();
	struct mems_node *node;
	struct mems_seg *seg;

	ASSERT_NE(NULL, heap);
	node = nth_node(heap, 1);
	ASSERT_NE(NULL, node);
	/* Shift node 1 down onto node 0, segments and all. */
	node->vstart--;
	node->vend--;
	node_for_each_seg(seg, node) {
		seg->vstart--;
		seg->vend--;
	}
	ASSERT_CHECK_FAILS(heap);
	node->vstart++;
	node->vend++;
	node_for_each_seg(seg, node) {
		seg->vstart++;
		seg->vend++;
	}
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

TEST(heap_check_detects_a_wrong_translation)
{
	struct mems_heap *heap = busy_heap();
	struct mems_seg *seg;

	ASSERT_NE(NULL, heap);
	ASSERT_NE(NULL, nth_node(heap, 2));
	seg = nth_block(heap, 2);
	ASSERT_NE(NULL, seg);
	seg->to_phys += heap->page_size;
	ASSERT_CHECK_FAILS(heap);
	seg->to_phys -= heap->page_size;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/* A segment's edges are how free finds where its node ends. */
TEST(heap_check_detects_wrong_segment_edges)
{
	struct mems_heap *heap = busy_heap();
	struct mems_seg *first, *last;
	struct mems_node *node;

	ASSERT_NE(NULL, heap);
	node = node_of_several_segs(heap);
	ASSERT_NE(NULL, node);
	first = list_first_entry(&node->segs, struct mems_seg, link);
	last = list_last_entry(&node->segs, struct mems_seg, link);
	ASSERT_NE(first, last);
	first->edges &= ~SEG_FIRST;
	ASSERT_CHECK_FAILS(heap);
	first->edges |= SEG_FIRST;
	last->edges |= SEG_FIRST;
	ASSERT_CHECK_FAILS(heap);
	last->edges &= ~SEG_FIRST;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/*
 * Slot 1 names the segment holding its last byte, the hole after the two
 * blocks; not the block before it.
 */
TEST(heap_check_detects_a_stale_addr_table_slot)
{
	const struct mems_heap_config cfg = { NULL, 4096, 1000, 1 };
	struct mems_heap *heap;
	struct mems_seg *owner, *other;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(1000, alloc_or_zero(heap, MEMS_ADDR_SLOT_BYTES + 10));
	ASSERT_EQ(1000 + MEMS_ADDR_SLOT_BYTES + 10, alloc_or_zero(heap, 10));
	owner = heap->addr_table.inline_slots[1];
	ASSERT_EQ(1000 + MEMS_ADDR_SLOT_BYTES + 20, owner->vstart);
	ASSERT_EQ(MEMS_HOLE, owner->type);
	other = list_prev_entry(owner, link);
	ASSERT_CHECK_PASSES(heap);
	heap->addr_table.inline_slots[1] = other;
	ASSERT_CHECK_FAILS(heap);
	heap->addr_table.inline_slots[1] = owner;
	ASSERT_CHECK_PASSES(heap);
	heap->addr_table.nr++;
	ASSERT_CHECK_FAILS(heap);
	heap->addr_table.nr--;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/*
 * The block carved last, which mems_get() trusts, is a live segment.  One
 * 64-byte page of 16-byte granules, so that a hole follows the second
 * block whatever the build's layout.
 */
TEST(heap_check_detects_a_stale_block_carved_last)
{
	const struct mems_heap_config cfg = { NULL, 64, 1 << 20, 16 };
	const uintptr_t base = 1 << 20;
	struct mems_seg stray = { .vstart = base, .vend = base + 15 };
	struct mems_heap *heap;
	struct mems_seg *gone;
	uintptr_t b;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(base, alloc_or_zero(heap, 10));
	b = alloc_or_zero(heap, 10);
	ASSERT_EQ(base + 16, b);
	gone = heap->last_carved;
	ASSERT_EQ(b, gone->vstart);
	ASSERT_CHECK_PASSES(heap);
	/* Merged into the hole after it: the record is back in the pool. */
	ASSERT_EQ(0, mems_heap_free(heap, V(b)));
	ASSERT_NULL(heap->last_carved);
	ASSERT_CHECK_PASSES(heap);
	heap->last_carved = gone;
	ASSERT_CHECK_FAILS(heap);
	stray.type = MEMS_PROCESS;
	heap->last_carved = &stray;
	ASSERT_CHECK_FAILS(heap);
	heap->last_carved = NULL;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/*
 * The hole map's classes: each size its own below 32, then 16 to a power
 * of two, never falling as the size grows, and every size from 507904 on
 * in the last, 255.  A class spans at most a sixteenth of its sizes.
 */
TEST(hole_classes_rise_with_the_size)
{
	const size_t last = 507904;
	unsigned int prev = 0, class;
	size_t s;

	ASSERT_EQ(0, mems_hole_class(0));
	for (s = 1; s < 32; s++)
		ASSERT_EQ(s, mems_hole_class(s));
	ASSERT_EQ(32, mems_hole_class(32));
	ASSERT_EQ(32, mems_hole_class(33));
	ASSERT_EQ(33, mems_hole_class(34));
	ASSERT_EQ(48, mems_hole_class(64));
	ASSERT_EQ(48, mems_hole_class(67));
	ASSERT_EQ(49, mems_hole_class(68));
	for (s = 1; s < 2 * last; s++) {
		class = mems_hole_class(s);
		ASSERT_LE(prev, class);
		prev = class;
		if (s >= 32 && s + s / 16 < last)
			ASSERT_LT(class, mems_hole_class(s + s / 16));
	}
	ASSERT_EQ(254, mems_hole_class(last - 1));
	ASSERT_EQ(255, mems_hole_class(last));
	ASSERT_EQ(255, mems_hole_class(SIZE_MAX));
}

/*
 * Each level of the hole map is checked, against the chains and below,
 * and so is every entry of a group past the level's last.
 */
TEST(heap_check_detects_a_wrong_hole_map_entry)
{
	struct mems_heap *heap = busy_heap();
	struct mems_addr_table *table;
	unsigned int k;

	ASSERT_NE(NULL, heap);
	table = &heap->addr_table;
	ASSERT_LT(1, table->nr_levels);
	ASSERT_LT(0, mems_hole_map_largest(heap));
	/* Level 0 is in the address table's chunks, here the inline one. */
	table->inline_classes0[0]++;
	ASSERT_CHECK_FAILS(heap);
	table->inline_classes0[0]--;
	ASSERT_CHECK_PASSES(heap);
	for (k = 1; k < table->nr_levels; k++) {
		table->classes[k][0]++;
		ASSERT_CHECK_FAILS(heap);
		table->classes[k][0]--;
		ASSERT_CHECK_PASSES(heap);
	}
	/* An entry past the slots in use must stay 0. */
	ASSERT_LT(table->nr, MEMS_INLINE_ADDR_SLOTS);
	table->inline_classes0[table->nr] = 1;
	ASSERT_CHECK_FAILS(heap);
	table->inline_classes0[table->nr] = 0;
	ASSERT_CHECK_PASSES(heap);
	/* So must the root's group past the root. */
	table->classes[table->nr_levels - 1][1] = 1;
	ASSERT_CHECK_FAILS(heap);
	table->classes[table->nr_levels - 1][1] = 0;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/*
 * Best-fit keeps its holes in bins by size class, as worst-fit does
 * with the same code (policy/hole_tree.h): each bin's bit says whether
 * it holds any, and a hole sits in its own class's bin only.
 */
TEST(heap_check_detects_a_wrong_bin_of_holes)
{
	struct mems_heap *heap;
	struct hole_bins *bins;
	struct hole_bin bin;
	unsigned int c, empty;
	uint64_t bit;

	if (!policy_built("best-fit"))
		SKIP(return, "needs best-fit built in");
	heap = busy_heap_of("best-fit");
	ASSERT_NE(NULL, heap);
	bins = (struct hole_bins *)&heap->policy.priv;
	/* 64 classes a power of two; the check knows no other shape. */
	ASSERT_EQ(6, bins->bits);
	bins->bits = 0;
	ASSERT_CHECK_FAILS(heap);
	bins->bits = HOLE_BIN_BITS_MIN - 1; /* 32 bins, not a word of bits */
	ASSERT_CHECK_FAILS(heap);
	bins->bits = 6;
	ASSERT_CHECK_PASSES(heap);
	c = hole_bins_next(bins, 0, bins->bits);
	ASSERT_GT(hole_bins_count(bins->bits), c);
	for (empty = 0; !hole_bin_empty(&bins->bin[empty]); empty++)
		;
	/* A bin that holds holes without its bit, and the reverse. */
	bit = (uint64_t)1 << (c % 64);
	bins->nonempty[c / 64] ^= bit;
	ASSERT_CHECK_FAILS(heap);
	bins->nonempty[c / 64] ^= bit;
	ASSERT_CHECK_PASSES(heap);
	bit = (uint64_t)1 << (empty % 64);
	bins->nonempty[empty / 64] ^= bit;
	ASSERT_CHECK_FAILS(heap);
	bins->nonempty[empty / 64] ^= bit;
	ASSERT_CHECK_PASSES(heap);
	/* Holes in another class's bin, its bit set. */
	bin = bins->bin[c];
	bins->bin[c] = bins->bin[empty];
	bins->bin[empty] = bin;
	bins->nonempty[c / 64] ^= (uint64_t)1 << (c % 64);
	bins->nonempty[empty / 64] ^= bit;
	ASSERT_CHECK_FAILS(heap);
	bins->bin[empty] = bins->bin[c];
	bins->bin[c] = bin;
	bins->nonempty[c / 64] ^= (uint64_t)1 << (c % 64);
	bins->nonempty[empty / 64] ^= bit;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/* The first bin of @bins with a hole pending, their count if none. */
static unsigned int bin_with_pending(const struct hole_bins *bins)
{
	unsigned int c;

	for (c = 0; c < hole_bins_count(bins->bits); c++)
		if (bins->bin[c].pending)
			return c;
	return hole_bins_count(bins->bits);
}

/*
 * A hole that a free leaves waits in its bin's list, out of the tree,
 * until a search reads the bin: the list must be tagged and linked both
 * ways, and putting the bin in order changes nothing the checker sees.
 */
TEST(heap_check_detects_a_wrong_list_of_pending_holes)
{
	struct mems_heap *heap;
	struct hole_bins *bins;
	struct mems_seg *hole;
	uintptr_t parent_color;
	unsigned int c;
	char *why;

	if (!policy_built("best-fit"))
		SKIP(return, "needs best-fit built in");
	heap = busy_heap_of("best-fit");
	ASSERT_NE(NULL, heap);
	bins = (struct hole_bins *)&heap->policy.priv;
	c = bin_with_pending(bins);
	ASSERT_GT(hole_bins_count(bins->bits), c);
	hole = bins->bin[c].pending;
	ASSERT_TRUE(hole_is_pending(hole));
	ASSERT_EQ(NULL, hole->policy_link.pending.prev);
	hole->policy_link.pending.tag = 0;
	ASSERT_EQ(-EUCLEAN, check_text(heap, &why));
	ASSERT_NE(NULL, strstr(why, "wrong list of pending holes"))
		TH_LOG("%s", why);
	free(why);
	hole->policy_link.pending.tag = HOLE_PENDING;
	ASSERT_CHECK_PASSES(heap);
	hole->policy_link.pending.prev = hole;
	ASSERT_CHECK_FAILS(heap);
	hole->policy_link.pending.prev = NULL;
	ASSERT_CHECK_PASSES(heap);
	/* In order, the same holes, none tagged, the check as before. */
	hole_bin_order(bins, c, HOLE_TREE_LOW_FIRST);
	ASSERT_EQ(NULL, bins->bin[c].pending);
	ASSERT_FALSE(hole_is_pending(hole));
	ASSERT_CHECK_PASSES(heap);
	/* The tag is where a tree node keeps its parent: the tree breaks. */
	parent_color = hole->policy_link.rb.parent_color;
	hole->policy_link.pending.tag = HOLE_PENDING;
	ASSERT_CHECK_FAILS(heap);
	hole->policy_link.rb.parent_color = parent_color;
	ASSERT_CHECK_PASSES(heap);
	mems_heap_destroy(heap);
}

/* The first block of @heap's first node. */
static struct mems_seg *first_block(struct mems_heap *heap)
{
	struct mems_seg *seg;

	node_for_each_seg(seg, nth_node(heap, 0))
		if (!seg_is_hole(seg))
			return seg;
	return NULL;
}

/*
 * Each slot's list of holes holds every hole starting in the slot, and
 * nothing else; with the map off, every list is empty.
 */
TEST(heap_check_detects_a_wrong_list_of_holes)
{
	struct mems_heap *heap = busy_heap();
	struct mems_seg **head, *first, *block;

	ASSERT_NE(NULL, heap);
	head = &heap->addr_table.inline_slot_holes[0];
	first = *head;
	block = first_block(heap);
	ASSERT_NE(NULL, block);
	ASSERT_EQ(heap->hole_map_on, first != NULL);
	*head = block;
	ASSERT_CHECK_FAILS(heap);
	*head = first;
	ASSERT_CHECK_PASSES(heap);
	if (first) {
		*head = first->policy_link.slot.next;
		ASSERT_CHECK_FAILS(heap);
		*head = first;
		ASSERT_CHECK_PASSES(heap);
	}
	mems_heap_destroy(heap);
}

/*
 * The bytes of the hole map's levels above level 0 for @capacity slots,
 * in whole 1000-byte pages: a byte for every MEMS_HOLE_MAP_FANOUT
 * entries of the level below, up to a level of one, each level whole
 * groups of MEMS_HOLE_MAP_FANOUT bytes.
 */
static size_t levels_mapping(size_t capacity)
{
	const size_t group = MEMS_HOLE_MAP_FANOUT;
	size_t bytes = 0, level = capacity;

	while (level > 1) {
		level = (level + group - 1) / group;
		bytes += (level + group - 1) / group * group;
	}
	return (bytes + 999) / 1000 * 1000;
}

/*
 * A chunk of the address table in whole 1000-byte pages, a pointer for
 * each of its 2^MEMS_ADDR_CHUNK_SHIFT slots, and when @map, the chunk of
 * the hole map beside it: the level 0 byte and the head of the slot's
 * list of holes.
 */
static size_t chunk_mapping(bool map)
{
	size_t slots = (size_t)1 << MEMS_ADDR_CHUNK_SHIFT;
	size_t bytes = (slots * sizeof(void *) + 999) / 1000 * 1000;

	if (map)
		bytes += (slots * (1 + sizeof(void *)) + 999) / 1000 * 1000;
	return bytes;
}

/*
 * The address table lives in the heap object until the space handed out
 * needs more slots than it holds there; then its first chunk moves to a
 * mapping of its own, and the hole map's levels above level 0 to
 * another, which moves to one with twice the slots when they run out.
 * All go with the rest at reset.  Nodes of one 1000-byte page: node k
 * ends at BASE + 1000 k + 999, in slot (1000 k + 999) /
 * MEMS_ADDR_SLOT_BYTES.
 */
TEST(address_table_maps_once_the_space_outgrows_the_heap)
{
	const struct mems_heap_config cfg = { NULL, 1000, 1000, 1 };
	const size_t fit = (MEMS_INLINE_ADDR_SLOTS * MEMS_ADDR_SLOT_BYTES -
			    1000) / 1000 + 1;
	const size_t first_map = levels_mapping(2 * MEMS_INLINE_ADDR_SLOTS);
	const size_t second_map = levels_mapping(4 * MEMS_INLINE_ADDR_SLOTS);
	struct mems_heap_stats st, prev, created;
	struct mems_heap *heap;
	size_t k;
	bool on;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	on = heap->hole_map_on;
	mems_heap_stats(heap, &created);
	for (k = 0; k < fit; k++)
		ASSERT_EQ(1000 + 1000 * k, alloc_or_zero(heap, 1000));
	mems_heap_stats(heap, &prev);
	/* The heap object, a node each, one slab. */
	ASSERT_EQ(1 + fit + 1, prev.mmap_calls);
	ASSERT_EQ(0, mems_addr_table_bytes(heap));
	ASSERT_EQ(MEMS_INLINE_ADDR_SLOTS,
		  heap->addr_table.chunks.inline_entries);
	ASSERT_EQ(1000 + 1000 * fit, alloc_or_zero(heap, 1000));
	mems_heap_stats(heap, &st);
	/* The node, the levels, chunk 0 for the inline slots, the map's. */
	ASSERT_EQ(prev.mmap_calls + 3 + on, st.mmap_calls);
	ASSERT_EQ(0, st.munmap_calls);
	ASSERT_EQ(0, heap->addr_table.chunks.inline_entries);
	ASSERT_EQ(1, heap->addr_table.chunks.nr_mapped);
	ASSERT_EQ(on, heap->addr_table.chunks.dir[0].col[ADDR_COL_CLASS] != NULL);
	ASSERT_EQ(first_map + chunk_mapping(on),
		  st.meta_bytes - prev.meta_bytes);
	ASSERT_CHECK_PASSES(heap);
	/* Full at the first node that ends past the levels' slots. */
	for (k = fit + 1; !st.munmap_calls; k++) {
		prev = st;
		ASSERT_EQ(1000 + 1000 * k, alloc_or_zero(heap, 1000));
		mems_heap_stats(heap, &st);
	}
	k--;
	ASSERT_EQ(2 * MEMS_INLINE_ADDR_SLOTS,
		  (1000 * k + 999) / MEMS_ADDR_SLOT_BYTES);
	ASSERT_EQ(prev.mmap_calls + 2, st.mmap_calls);
	ASSERT_EQ(1, st.munmap_calls);
	ASSERT_EQ(second_map - first_map, st.meta_bytes - prev.meta_bytes);
	ASSERT_EQ(1, heap->addr_table.chunks.nr_mapped);
	ASSERT_CHECK_PASSES(heap);
	prev = st;
	mems_heap_reset(heap);
	mems_heap_stats(heap, &st);
	/* Every node, the slab, the chunks and the levels. */
	ASSERT_EQ(prev.munmap_calls + (k + 1) + 1 + 2 + on, st.munmap_calls);
	ASSERT_EQ(created.meta_bytes, st.meta_bytes);
	mems_heap_destroy(heap);
}

/* With CONFIG_MEMS_DEBUG every operation checks, and stops at a fault. */
TEST(debug_build_stops_at_a_broken_invariant)
{
#ifdef CONFIG_MEMS_DEBUG
	struct mems_heap *heap = busy_heap();
	struct capture err_capture;
	int status;
	char *err;
	pid_t pid;

	ASSERT_NE(NULL, heap);
	nth_node(heap, 0)->pages++;
	capture_start(&err_capture, stderr);
	pid = fork();
	if (!pid) {
		alloc_or_zero(heap, 1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	err = capture_stop(&err_capture);
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGABRT, WTERMSIG(status));
	ASSERT_LT(0, strlen(err));
	free(err);
	nth_node(heap, 0)->pages--;
	mems_heap_destroy(heap);
#else
	SKIP(return, "CONFIG_MEMS_DEBUG is not set");
#endif
}

/* ---------------------------------------------------------------------
 * A policy with state of its own for each hole
 */

/*
 * First-fit over the holes in the order they appeared (FIFO), kept as
 * such a policy would keep it, without allocating: the list's head in
 * the policy's private area, each hole linked through its own record.
 */
MEMS_POLICY_PRIV_FITS(struct list_head);

static struct list_head *fifo_holes(const struct mems_policy *policy)
{
	return (struct list_head *)&policy->priv;
}

static void fifo_init(struct mems_policy *policy)
{
	INIT_LIST_HEAD(fifo_holes(policy));
}

static struct mems_seg *fifo_find(struct mems_policy *policy, size_t bytes)
{
	struct mems_seg *hole;

	list_for_each_entry(hole, fifo_holes(policy), policy_link.list)
		if (seg_size(hole) >= bytes)
			return hole;
	return NULL;
}

static void fifo_hole_insert(struct mems_policy *policy,
			     struct mems_seg *hole)
{
	list_add_tail(&hole->policy_link.list, fifo_holes(policy));
}

static void fifo_hole_erase(struct mems_policy *policy, struct mems_seg *hole)
{
	(void)policy;
	list_del(&hole->policy_link.list);
}

/* A hole carved from or grown by a free keeps its place in the list. */
static void fifo_hole_resize(struct mems_policy *policy,
			     struct mems_seg *hole)
{
	(void)policy;
	(void)hole;
}

/* The list holds the chains' holes, each once, and nothing else. */
static int fifo_check(const struct mems_policy *policy, FILE *report)
{
	const struct mems_heap *heap = policy->heap;
	const struct mems_seg *hole;
	size_t listed = 0;

	list_for_each_entry(hole, fifo_holes(policy), policy_link.list) {
		if (!seg_is_hole(hole) ||
		    mems_addr_table_find(heap, hole->vstart) != hole)
			break;
		listed++;
	}
	if (&hole->policy_link.list == fifo_holes(policy) &&
	    listed == heap->nr_holes)
		return 0;
	if (report)
		fprintf(report, "mems_check: fifo list: %zu of %zu holes\n",
			listed, heap->nr_holes);
	return -EUCLEAN;
}

static const struct mems_policy_ops fifo_ops = {
	.name = "fifo-first-fit",
	.summary = "the first hole that fits, in the order they appeared",
	.init = fifo_init,
	.find = fifo_find,
	.hole_insert = fifo_hole_insert,
	.hole_erase = fifo_hole_erase,
	.hole_resize = fifo_hole_resize,
	.check = fifo_check,
};

/*
 * 100-byte pages from 1000, granule 1.  Three blocks of 10 leave the
 * hole [1030:1099]; freeing the first makes [1000:1009], which appeared
 * later: 5 bytes go to 1030, where first-fit by address would take
 * 1000.  Then a churn of allocations and frees, growing, merging and
 * trimming holes, with the list checked against the chains each step.
 */
TEST(a_policy_keeps_its_holes_in_a_list_of_its_own)
{
	const struct mems_heap_config cfg = { NULL, 100, 1000, 1 };
	void *v[64] = { NULL }, *a, *b, *c;
	unsigned int seed = 1, i, k;
	struct mems_heap *heap;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(0, mems_heap_use_policy(heap, &fifo_ops));
	ASSERT_EQ(0, mems_heap_alloc(heap, 10, &a));
	ASSERT_EQ(0, mems_heap_alloc(heap, 10, &b));
	ASSERT_EQ(0, mems_heap_alloc(heap, 10, &c));
	ASSERT_EQ(1020, U(c));
	ASSERT_EQ(0, mems_heap_free(heap, a));
	ASSERT_EQ(0, mems_heap_alloc(heap, 5, &a));
	ASSERT_EQ(1030, U(a));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	for (i = 0; i < 2000; i++) {
		seed = seed * 1103515245 + 12345;
		k = (seed >> 16) % 64;
		if (v[k]) {
			ASSERT_EQ(0, mems_heap_free(heap, v[k]));
			v[k] = NULL;
		} else {
			ASSERT_EQ(0, mems_heap_alloc(heap, 1 + (seed >> 8) % 300,
						     &v[k]));
		}
		ASSERT_EQ(0, mems_heap_check(heap, stderr)) TH_LOG("step %u", i);
	}
	mems_heap_destroy(heap);
}

TEST_HARNESS_MAIN
