// SPDX-License-Identifier: MIT
/*
 * policy_test.c - the placement rules of the built-in policies.
 *
 * Each scenario is built so that the rules of SPEC answer differently;
 * each variant is a built policy, as the registry lists them, and
 * points to the expected addresses and whole reports of the rule it
 * follows, written out in rules.h (the linear reference policies answer
 * exactly as the indexed ones).  A built policy without a rule there
 * fails every scenario.
 * Scenarios run on heaps with an explicit layout (page, virtual base,
 * granule), so their numbers hold in every build configuration; one more
 * runs the classic demo with the configured layout and derives its
 * expectations from PAGE_SIZE, CONFIG_MEMS_VIRT_BASE and CONFIG_MEMS_ALIGN.
 *
 * A layout is set up from one hole at a time, where every policy must
 * agree; the holes the rules choose between appear only afterwards, by
 * frees, which no policy takes part in.  The next-fit rover is placed by
 * freeing a block and allocating it again while it is the only hole.
 */
#include "../harness.h"
#include "../mems_test.h"
#include "rules.h"

/* A 10000-byte page: every scenario fits in node [1000:10999]. */
#define WIDE_PAGE	10000
#define BASE		1000

enum { FIRST, SECOND, THIRD, FOURTH };

FIXTURE(policy) {
	struct mems_heap *heap;
	char *report;
};

FIXTURE_VARIANT(policy) {
	const char *name;
	const struct rule *rule;	/* the rule of SPEC it follows */
	const struct policy_answers *expect;
};

/* One variant per built policy, linear references included. */
FIXTURE_VARIANT_GENERATE(policy, policy_variants)
{
	FIXTURE_VARIANT(policy) *v;
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		v = FIXTURE_VARIANT_NEW(policy, info.name);
		if (!v)
			return;
		v->name = info.name;
		v->rule = rule_of_policy(info.name);
		v->expect = v->rule ? v->rule->answers : NULL;
	}
}

/* A heap of the variant's policy; 0 or -errno as mems_heap_create(). */
static int heap_open(struct mems_heap **heap, const char *policy,
		     size_t page_size, uintptr_t virt_base, size_t align)
{
	const struct mems_heap_config config = {
		.policy = policy,
		.page_size = page_size,
		.virt_base = virt_base,
		.align = align,
	};

	return mems_heap_create(&config, heap);
}

/* The virtual address of a new block, or 0 when allocation failed. */
static uintptr_t alloc(struct mems_heap *heap, size_t size)
{
	void *v = NULL;

	if (mems_heap_alloc(heap, size, &v))
		return 0;
	return U(v);
}

/*
 * Allocate @sizes in order from the one hole at the end of the heap and
 * check that each lands right after the previous one, the first at
 * @start; the addresses go to @addr.  With a single hole to choose from,
 * every policy must do the same.
 */
static void fill(struct __test_metadata *_metadata, struct mems_heap *heap,
		 uintptr_t start, const size_t *sizes, size_t nr,
		 uintptr_t *addr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		addr[i] = alloc(heap, sizes[i]);
		ASSERT_EQ(start, addr[i]) TH_LOG("block %zu of %zu bytes",
						 i, sizes[i]);
		start += sizes[i];
	}
}

static void release(struct __test_metadata *_metadata,
		    struct mems_heap *heap, uintptr_t v)
{
	ASSERT_EQ(0, mems_heap_free(heap, V(v))) TH_LOG("freeing %ju",
							(uintmax_t)v);
}

/* Check every invariant, describing the first broken one. */
static void assert_sound(struct __test_metadata *_metadata,
			 const struct mems_heap *heap)
{
	char *why = NULL;
	size_t len;
	FILE *out = open_memstream(&why, &len);
	int err;

	ASSERT_NE(NULL, out);
	err = mems_heap_check(heap, out);
	fclose(out);
	EXPECT_EQ(0, err) TH_LOG("%s", why);
	free(why);
	ASSERT_EQ(0, err);
}

/* Compare the heap's whole report; self->report keeps it for teardown. */
#define ASSERT_REPORT(expected) do {					\
	free(self->report);						\
	self->report = heap_stats_text(self->heap);			\
	ASSERT_STREQ(expected, self->report);				\
} while (0)

#define ASSERT_PICK(expected, size)					\
	ASSERT_EQ((uintptr_t)(expected), alloc(self->heap, (size)))	\
		TH_LOG("%s, request of %zu bytes", variant->name,	\
		       (size_t)(size))

FIXTURE_SETUP(policy)
{
	ASSERT_NE(NULL, variant->rule)
		TH_LOG("%s follows no rule of rules.h: write its rule and "
		       "answers there", variant->name);
	ASSERT_EQ(0, heap_open(&self->heap, variant->name, WIDE_PAGE, BASE, 1));
	ASSERT_STREQ(variant->name, mems_heap_policy(self->heap));
}

FIXTURE_TEARDOWN(policy)
{
	if (self->heap) {
		assert_sound(_metadata, self->heap);
		mems_heap_destroy(self->heap);
	}
	free(self->report);
}

/*
 * Holes of 100 at 1000 (the lowest), 300 at 1200 (the rover inside it,
 * and the largest) and 80 at 1600 (the smallest): first-fit, best-fit
 * and next-fit each take another one, next-fit from the low end of the
 * hole it is inside.
 */
TEST_F(policy, picks_differ_with_rover_inside_hole)
{
	static const size_t sizes[] = {
		100, 100, 100, 100, 100, 100, 80, 9320,
	};
	uintptr_t b[8];

	fill(_metadata, self->heap, BASE, sizes, 8, b);
	/* The rover goes to 1400, right after block 3. */
	release(_metadata, self->heap, b[3]);
	ASSERT_PICK(1300, 100);
	release(_metadata, self->heap, b[3]);
	release(_metadata, self->heap, b[4]);
	release(_metadata, self->heap, b[2]);
	release(_metadata, self->heap, b[0]);
	release(_metadata, self->heap, b[6]);
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"H[1200:1499] <-> P[1500:1599] <-> H[1600:1679] <-> "
		"P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 480, 1, "6, "));

	ASSERT_PICK(variant->expect->rover_inside[FIRST], 60);
	ASSERT_PICK(variant->expect->rover_inside[SECOND], 60);
	ASSERT_REPORT(variant->expect->rover_inside_report);
}

/*
 * The rover sits on the last byte of the hole [1200:1260]: that hole
 * still qualifies for next-fit, which carves from its low end.
 */
TEST_F(policy, rover_on_last_byte_of_hole)
{
	static const size_t sizes[] = { 100, 100, 61, 100, 50, 9589 };
	uintptr_t b[6];

	fill(_metadata, self->heap, BASE, sizes, 6, b);
	release(_metadata, self->heap, b[2]);
	/* One byte short of the hole: the rover stops at 1260. */
	ASSERT_PICK(1200, 60);
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1259] <-> H[1260:1260] <-> P[1261:1360] <-> "
		"P[1361:1410] <-> P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 1, 1, "7, "));
	release(_metadata, self->heap, 1200);
	release(_metadata, self->heap, b[0]);
	release(_metadata, self->heap, b[4]);

	ASSERT_PICK(variant->expect->rover_on_last, 50);
	ASSERT_REPORT(variant->expect->rover_on_last_report);
}

/*
 * Holes of 150, 100, 100 and a tail of 1000 after the rover: best-fit
 * breaks the tie between the two 100s by address and consumes exact
 * fits whole, leaving no empty hole behind.
 */
TEST_F(policy, best_fit_ties_and_exact_fits)
{
	static const size_t sizes[] = { 150, 50, 100, 100, 100, 100, 8400 };
	uintptr_t b[7];

	fill(_metadata, self->heap, BASE, sizes, 7, b);
	release(_metadata, self->heap, b[0]);
	release(_metadata, self->heap, b[2]);
	release(_metadata, self->heap, b[4]);

	ASSERT_PICK(variant->expect->ties[FIRST], 90);
	ASSERT_PICK(variant->expect->ties[SECOND], 100);
	ASSERT_PICK(variant->expect->ties[THIRD], 10);
	ASSERT_REPORT(variant->expect->ties_report);
}

/*
 * The rover is 9980.  The hole [9950:9979] ends right before it, so
 * next-fit must not take it; the one hole after it, [9990:10009], is too
 * small, so next-fit wraps to the lowest hole that fits, as first-fit.
 */
TEST_F(policy, hole_behind_rover_and_wrap)
{
	static const size_t sizes[] = {
		200, 50, 150, 50, 8500, 30, 10, 20, 990,
	};
	uintptr_t b[9];

	fill(_metadata, self->heap, BASE, sizes, 9, b);
	release(_metadata, self->heap, b[5]);
	ASSERT_PICK(9950, 30);
	release(_metadata, self->heap, b[5]);
	release(_metadata, self->heap, b[7]);
	release(_metadata, self->heap, b[0]);
	release(_metadata, self->heap, b[2]);

	ASSERT_PICK(variant->expect->wrap[FIRST], 25);
	ASSERT_PICK(variant->expect->wrap[SECOND], 150);
	ASSERT_REPORT(variant->expect->wrap_report);
}

/*
 * No hole holds 500 or 20000: every policy maps a node right after the
 * last one, as many pages as the request needs.  The block carved from
 * the new node moves the next-fit rover there.
 */
TEST_F(policy, no_fit_maps_node_and_moves_rover)
{
	static const size_t sizes[] = { 100, 100, 60, 9740 };
	uintptr_t b[4];

	fill(_metadata, self->heap, BASE, sizes, 4, b);
	release(_metadata, self->heap, b[0]);
	release(_metadata, self->heap, b[2]);

	ASSERT_PICK(variant->expect->no_fit[FIRST], 500);
	ASSERT_PICK(variant->expect->no_fit[SECOND], 50);
	ASSERT_PICK(variant->expect->no_fit[THIRD], 20000);
	ASSERT_PICK(variant->expect->no_fit[FOURTH], 9000);
	ASSERT_REPORT(variant->expect->no_fit_report);
}

/*
 * With a 16-byte granule a request of 81 takes 96 bytes: the 88-byte
 * tail hole cannot hold it whatever the policy, while 80 fits there.
 * Physical addresses of blocks are 16-byte aligned.
 */
TEST_F(policy, fit_judged_on_rounded_size)
{
	const uintptr_t blocks[3] = { 1000, 11008, variant->expect->rounded };
	void *phys;
	int i;

	mems_heap_destroy(self->heap);
	self->heap = NULL;
	ASSERT_EQ(0, heap_open(&self->heap, variant->name, 10008, BASE, 16));

	ASSERT_PICK(1000, 9920);
	ASSERT_PICK(11008, 81);
	ASSERT_PICK(variant->expect->rounded, 80);
	ASSERT_REPORT(variant->expect->rounded_report);
	for (i = 0; i < 3; i++) {
		phys = mems_heap_get(self->heap, V(blocks[i]));
		ASSERT_NE(NULL, phys);
		ASSERT_EQ(0, U(phys) % 16) TH_LOG("block at %ju",
						  (uintmax_t)blocks[i]);
	}
}

/*
 * Frees merge with the holes on either side, never across nodes, and
 * a node that became one hole stays: all alike under every policy.
 * Then three equal holes of 10000 remain, and 10001 needs a new node.
 */
TEST_F(policy, frees_and_merges_ignore_policy)
{
	static const size_t sizes[] = { 2000, 2000, 2000, 2000, 2000 };
	uintptr_t b[5], node2, node3;

	fill(_metadata, self->heap, BASE, sizes, 5, b);
	node2 = alloc(self->heap, 10000);
	ASSERT_EQ(11000, node2);
	node3 = alloc(self->heap, 5000);
	ASSERT_EQ(21000, node3);

	release(_metadata, self->heap, b[1]);
	release(_metadata, self->heap, b[3]);
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:10999]-> P[1000:2999] <-> H[3000:4999] <-> "
		"P[5000:6999] <-> H[7000:8999] <-> P[9000:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:20999] <-> NULL\n"
		"MAIN[21000:30999]-> P[21000:25999] <-> "
		"H[26000:30999] <-> NULL\n"
		STATS_TAIL(3, 9000, 3, "5, 1, 2, "));
	/* Both neighbours are holes: three segments become one. */
	release(_metadata, self->heap, b[2]);
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:10999]-> P[1000:2999] <-> H[3000:8999] <-> "
		"P[9000:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:20999] <-> NULL\n"
		"MAIN[21000:30999]-> P[21000:25999] <-> "
		"H[26000:30999] <-> NULL\n"
		STATS_TAIL(3, 11000, 3, "3, 1, 2, "));
	/* Not block starts any more, or never: nothing changes. */
	ASSERT_EQ(-EINVAL, mems_heap_free(self->heap, V(b[2])));
	ASSERT_EQ(-EINVAL, mems_heap_free(self->heap, V(b[1])));
	ASSERT_EQ(-EINVAL, mems_heap_free(self->heap, V(b[0] + 1)));
	ASSERT_EQ(-EINVAL, mems_heap_free(self->heap, V(31000)));
	ASSERT_EQ(-EINVAL, mems_heap_free(self->heap, V(999)));
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:10999]-> P[1000:2999] <-> H[3000:8999] <-> "
		"P[9000:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:20999] <-> NULL\n"
		"MAIN[21000:30999]-> P[21000:25999] <-> "
		"H[26000:30999] <-> NULL\n"
		STATS_TAIL(3, 11000, 3, "3, 1, 2, "));
	/* Merges with the hole after it, then with the one before. */
	release(_metadata, self->heap, b[0]);
	release(_metadata, self->heap, b[4]);
	release(_metadata, self->heap, node3);
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:10999]-> H[1000:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:20999] <-> NULL\n"
		"MAIN[21000:30999]-> H[21000:30999] <-> NULL\n"
		STATS_TAIL(3, 20000, 3, "1, 1, 1, "));
	/* Nodes whose ranges touch stay apart. */
	release(_metadata, self->heap, node2);
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:10999]-> H[1000:10999] <-> NULL\n"
		"MAIN[11000:20999]-> H[11000:20999] <-> NULL\n"
		"MAIN[21000:30999]-> H[21000:30999] <-> NULL\n"
		STATS_TAIL(3, 30000, 3, "1, 1, 1, "));

	/* The rover is still 26000, inside the last node's hole. */
	ASSERT_PICK(variant->expect->after_merges, 10000);
	ASSERT_PICK(31000, 10001);
	ASSERT_EQ(0, mems_heap_free(self->heap, V(31000)));
	ASSERT_EQ(NULL, mems_heap_get(self->heap, V(31000)));
}

/*
 * Created as next-fit with its rover on the tail hole at 10000, the heap
 * switches to the variant's policy: next-fit starts again with its rover
 * at the virtual base, so it takes the lowest hole, not the tail.
 */
TEST_F(policy, rover_starts_at_virt_base)
{
	static const size_t sizes[] = { 100, 100, 60, 8740 };
	uintptr_t b[4];

	if (!policy_built("next-fit"))
		SKIP(return, "next-fit is not built");
	mems_heap_destroy(self->heap);
	self->heap = NULL;
	ASSERT_EQ(0, heap_open(&self->heap, "next-fit", WIDE_PAGE, BASE, 1));
	fill(_metadata, self->heap, BASE, sizes, 4, b);
	release(_metadata, self->heap, b[0]);
	release(_metadata, self->heap, b[2]);

	ASSERT_EQ(0, mems_heap_set_policy(self->heap, variant->name));
	ASSERT_STREQ(variant->name, mems_heap_policy(self->heap));
	ASSERT_PICK(variant->expect->switched, 50);
}

/*
 * The course demo, SPEC section 6, with the layout of the golden files:
 * 4096-byte pages, virtual base 1000, exact sizes.
 */
TEST_F(policy, classic_demo)
{
	static const uintptr_t expect[10] = {
		1000, 2000, 3000, 4000, 5096, 6096, 7096, 8096, 9192, 10192,
	};
	uintptr_t ptr[10];
	int *phys, *phys2;
	int i;

	mems_heap_destroy(self->heap);
	self->heap = NULL;
	ASSERT_EQ(0, heap_open(&self->heap, variant->name, 4096, 1000, 1));

	for (i = 0; i < 10; i++) {
		ptr[i] = alloc(self->heap, sizeof(int) * 250);
		ASSERT_EQ(expect[i], ptr[i]) TH_LOG("array %d", i);
	}
	phys = mems_heap_get(self->heap, &((int *)V(ptr[0]))[1]);
	ASSERT_NE(NULL, phys);
	phys[0] = 200;
	phys2 = mems_heap_get(self->heap, V(ptr[0]));
	ASSERT_NE(NULL, phys2);
	ASSERT_EQ(phys, phys2 + 1);
	ASSERT_EQ(200, phys2[1]);

	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> P[4000:4999] <-> H[5000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"H[11192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "5, 5, 3, "));
	release(_metadata, self->heap, ptr[3]);
	ASSERT_REPORT(STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> H[4000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"H[11192:13287] <-> NULL\n"
		STATS_TAIL(3, 3288, 3, "4, 5, 3, "));
	ptr[3] = alloc(self->heap, sizeof(int) * 250);
	ASSERT_NE(0, ptr[3]);
	ASSERT_REPORT(variant->expect->classic_report);
}

/*
 * The classic demo's arrays with the configured page, base and granule.
 * Before the free, the only hole that can hold an array is the tail of
 * the last node, so the ten addresses follow from the layout alone.  The
 * eleventh array goes where the variant's rule (rules.h) says, choosing
 * between the only two holes that may hold it: the freed slot (with the
 * tail of its node when it was the node's last block) and the tail of
 * the last node, where the rover is.  The tails of the other nodes are
 * smaller than an array.
 */
TEST_F(policy, classic_demo_build_config)
{
	const size_t n = round_up(sizeof(int) * 250, CONFIG_MEMS_ALIGN);
	uintptr_t expect[10], ptr[10], node_end[10];
	uintptr_t cursor = CONFIG_MEMS_VIRT_BASE;
	uintptr_t last_end = CONFIG_MEMS_VIRT_BASE - 1;
	struct rule_hole holes[2];
	size_t pick;
	int i;

	mems_heap_destroy(self->heap);
	self->heap = NULL;
	ASSERT_EQ(0, heap_open(&self->heap, variant->name, 0, 0, 0));
	ASSERT_EQ(PAGE_SIZE, mems_heap_page_size(self->heap));

	for (i = 0; i < 10; i++) {
		if (last_end - cursor + 1 < n) {
			cursor = last_end + 1;
			last_end = cursor + node_bytes_for(n) - 1;
		}
		expect[i] = cursor;
		node_end[i] = last_end;
		cursor += n;
	}
	for (i = 0; i < 10; i++) {
		ptr[i] = alloc(self->heap, sizeof(int) * 250);
		ASSERT_EQ(expect[i], ptr[i]) TH_LOG("array %d", i);
	}
	release(_metadata, self->heap, ptr[3]);

	holes[0].start = ptr[3];
	holes[0].size = node_end[4] == node_end[3] ? n
						   : node_end[3] - ptr[3] + 1;
	holes[1].start = cursor;
	holes[1].size = last_end - cursor + 1;
	/* The rover is one past the tenth array, at the tail. */
	pick = variant->rule->pick(holes, 2, n, cursor);
	ASSERT_GT(2, pick);
	ASSERT_PICK(holes[pick].start, sizeof(int) * 250);
}

TEST_HARNESS_MAIN
