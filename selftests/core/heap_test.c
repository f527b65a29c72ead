// SPDX-License-Identifier: MIT
/*
 * heap_test.c - the heap-object API of <mems/heap.h>: independent heaps
 * side by side, their argument checks, destroy, reset, policy switching,
 * and mems_heap_check(), shown to pass on sound heaps and, through the
 * internal <mems/chain.h>, to fail on heaps broken on purpose.
 *
 * Heaps created here choose their own page size, base and granule, so the
 * numbers in their layouts are the test's choice, not the build's.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "../harness.h"
#include "../mems_test.h"

#include <mems/chain.h>

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

static bool all_policies_built(void)
{
	return policy_built("first-fit") && policy_built("best-fit") &&
	       policy_built("next-fit");
}

/* ---------------------------------------------------------------------
 * Several heaps at once
 */

/*
 * The same calls on three heaps of different layouts and policies, with
 * the global MeMS alive beside them.  The third request finds two holes
 * in each heap that has two, so the policy decides where it goes.
 */
TEST(heaps_live_side_by_side_with_their_own_layouts)
{
	const struct mems_heap_config c1 = { "first-fit", 100, 1, 1 };
	const struct mems_heap_config c2 = { "best-fit", 256, 5000, 8 };
	const struct mems_heap_config c3 = { "next-fit", 64, 1 << 20, 16 };
	struct mems_heap *h1, *h2, *h3;
	char *global_before, *global_after;
	uintptr_t v1 = c1.virt_base, v2 = c2.virt_base, v3 = c3.virt_base;
	struct model m;

	if (!all_policies_built())
		SKIP(return, "needs every policy built in");
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	global_before = stats_text();
	ASSERT_EQ(0, mems_heap_create(&c1, &h1));
	ASSERT_EQ(0, mems_heap_create(&c2, &h2));
	ASSERT_EQ(0, mems_heap_create(&c3, &h3));
	ASSERT_STREQ("first-fit", mems_heap_policy(h1));
	ASSERT_STREQ("best-fit", mems_heap_policy(h2));
	ASSERT_STREQ("next-fit", mems_heap_policy(h3));
	ASSERT_EQ(100, mems_heap_page_size(h1));
	ASSERT_EQ(256, mems_heap_page_size(h2));
	ASSERT_EQ(64, mems_heap_page_size(h3));

	/* 10 bytes; 150 bytes; 30 bytes; then the 150 are freed. */
	ASSERT_EQ(v1, alloc_or_zero(h1, 10));
	ASSERT_EQ(v1 + 100, alloc_or_zero(h1, 150));
	ASSERT_EQ(v1 + 10, alloc_or_zero(h1, 30));
	ASSERT_EQ(v2, alloc_or_zero(h2, 10));
	ASSERT_EQ(v2 + 16, alloc_or_zero(h2, 150));
	ASSERT_EQ(v2 + 16 + 152, alloc_or_zero(h2, 30));
	ASSERT_EQ(v3, alloc_or_zero(h3, 10));
	ASSERT_EQ(v3 + 64, alloc_or_zero(h3, 150));
	/* Next-fit: the rover is past node 1, in node 2's hole of 32. */
	ASSERT_EQ(v3 + 64 + 160, alloc_or_zero(h3, 30));

	/* first-fit, 100-byte pages, granule 1 */
	model_init(&m, 100);
	model_node(&m, v1, 1);
	model_seg(&m, 'P', 10);
	model_seg(&m, 'P', 30);
	model_rest_hole(&m);
	model_node(&m, v1 + 100, 2);
	model_seg(&m, 'P', 150);
	model_rest_hole(&m);
	ASSERT_HEAP_REPORT(&m, h1);
	/* best-fit, 256-byte pages, granule 8 */
	model_init(&m, 256);
	model_node(&m, v2, 1);
	model_seg(&m, 'P', 16);
	model_seg(&m, 'P', 152);
	model_seg(&m, 'P', 32);
	model_rest_hole(&m);
	ASSERT_HEAP_REPORT(&m, h2);
	/* next-fit, 64-byte pages, granule 16 */
	model_init(&m, 64);
	model_node(&m, v3, 1);
	model_seg(&m, 'P', 16);
	model_rest_hole(&m);
	model_node(&m, v3 + 64, 3);
	model_seg(&m, 'P', 160);
	model_seg(&m, 'P', 32);
	ASSERT_HEAP_REPORT(&m, h3);

	ASSERT_EQ(0, mems_heap_free(h1, V(v1 + 100)));
	ASSERT_EQ(0, mems_heap_free(h2, V(v2 + 16)));
	ASSERT_EQ(0, mems_heap_free(h3, V(v3 + 64)));
	model_init(&m, 100);
	model_node(&m, v1, 1);
	model_seg(&m, 'P', 10);
	model_seg(&m, 'P', 30);
	model_rest_hole(&m);
	model_node(&m, v1 + 100, 2);
	model_seg(&m, 'H', 200);
	ASSERT_HEAP_REPORT(&m, h1);
	model_init(&m, 256);
	model_node(&m, v2, 1);
	model_seg(&m, 'P', 16);
	model_seg(&m, 'H', 152);
	model_seg(&m, 'P', 32);
	model_rest_hole(&m);
	ASSERT_HEAP_REPORT(&m, h2);
	model_init(&m, 64);
	model_node(&m, v3, 1);
	model_seg(&m, 'P', 16);
	model_rest_hole(&m);
	model_node(&m, v3 + 64, 3);
	model_seg(&m, 'H', 160);
	model_seg(&m, 'P', 32);
	ASSERT_HEAP_REPORT(&m, h3);

	global_after = stats_text();
	ASSERT_STREQ(global_before, global_after);
	free(global_before);
	free(global_after);
	ASSERT_EQ(0, mems_heap_check(h1, stderr));
	ASSERT_EQ(0, mems_heap_check(h2, stderr));
	ASSERT_EQ(0, mems_heap_check(h3, stderr));
	mems_heap_destroy(h1);
	mems_heap_destroy(h2);
	mems_heap_destroy(h3);
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

TEST(heap_create_rejects_unknown_policy)
{
	const char *const bad[] = { "worst-fit", "first_fit", "FIRST-FIT" };
	struct mems_heap_config cfg = { 0 };
	struct mems_heap *heap = V(1);
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.policy = bad[i];
		ASSERT_EQ(-ENOENT, mems_heap_create(&cfg, &heap))
			TH_LOG("policy %s", bad[i]);
		ASSERT_EQ(V(1), heap);
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

TEST(heap_reset_empties_the_heap_and_keeps_its_layout)
{
	const struct mems_heap_config cfg = { "next-fit", 100, 7, 4 };
	struct mems_heap *heap;
	char *phys, *text;
	struct model m;

	if (!policy_built("next-fit"))
		SKIP(return, "needs next-fit built in");
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
	ASSERT_STREQ("next-fit", mems_heap_policy(heap));
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
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(heap, "worst-fit"));
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

/* Nodes of one, two and three pages with blocks and holes between. */
static struct mems_heap *busy_heap(void)
{
	const struct mems_heap_config cfg = { "first-fit", 64, 1000, 1 };
	struct mems_heap *heap;
	uintptr_t v[12];
	int i;

	if (!policy_built("first-fit") || mems_heap_create(&cfg, &heap))
		return NULL;
	for (i = 0; i < 12; i++)
		v[i] = alloc_or_zero(heap, 1 + i * 13);
	for (i = 0; i < 12; i += 3)
		mems_heap_free(heap, V(v[i]));
	return heap;
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

TEST(heap_check_passes_on_sound_heaps)
{
	struct mems_heap *heap = busy_heap(), *empty;
	uintptr_t v;
	int i;

	ASSERT_NE(NULL, heap);
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

TEST(heap_check_detects_a_wrong_segment_count)
{
	struct mems_heap *heap = busy_heap();
	struct mems_node *node;

	ASSERT_NE(NULL, heap);
	node = nth_node(heap, 2);
	ASSERT_NE(NULL, node);
	node->nr_segs++;
	ASSERT_CHECK_FAILS(heap);
	node->nr_segs--;
	ASSERT_CHECK_PASSES(heap);
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

TEST_HARNESS_MAIN
