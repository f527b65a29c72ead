// SPDX-License-Identifier: MIT
/*
 * policy_test.c - the placement rules of the three built-in policies.
 *
 * Each scenario is built so that the three rules of SPEC must answer
 * differently; each variant is a built-in policy and points to the
 * expected addresses and whole reports of the rule it implements (the
 * linear reference policies answer exactly as the indexed ones).
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

/* A 10000-byte page: every scenario fits in node [1000:10999]. */
#define WIDE_PAGE	10000
#define BASE		1000

#define STATS_HEAD	"----- MeMS SYSTEM STATS -----\n"
#define STATS_TAIL(pages, unused, nodes, subs)				\
	"Pages used:\t" #pages "\n"					\
	"Space unused:\t" #unused "\n"					\
	"Main Chain Length:\t" #nodes "\n"				\
	"Sub-chain Length array: [" subs "]\n"				\
	"-----------------------------\n"

enum { FIRST, SECOND, THIRD, FOURTH };

/* What one placement rule answers in each scenario. */
struct answers {
	/* picks_differ_with_rover_inside_hole: two requests of 60 */
	uintptr_t rover_inside[2];
	const char *rover_inside_report;
	/* rover_on_last_byte_of_hole: one request of 50 */
	uintptr_t rover_on_last;
	const char *rover_on_last_report;
	/* best_fit_ties_and_exact_fits: requests of 90, 100, 10 */
	uintptr_t ties[3];
	const char *ties_report;
	/* hole_behind_rover_and_wrap: requests of 25, 150 */
	uintptr_t wrap[2];
	const char *wrap_report;
	/* no_fit_maps_node_and_moves_rover: 500, 50, 20000, 9000 */
	uintptr_t no_fit[4];
	const char *no_fit_report;
	/* fit_judged_on_rounded_size: the request of 80 */
	uintptr_t rounded;
	const char *rounded_report;
	/* frees_and_merges_ignore_policy: the request of 10000 at the end */
	uintptr_t after_merges;
	/* rover_starts_at_virt_base: a request of 50 after the switch */
	uintptr_t switched;
	/* classic_demo: the report after the last mems_malloc */
	const char *classic_report;
};

FIXTURE(policy) {
	struct mems_heap *heap;
	char *report;
};

FIXTURE_VARIANT(policy) {
	const char *name;
	const char *rule;		/* the policy of SPEC it implements */
	const struct answers *expect;
};

static const struct answers first_fit_answers = {
	.rover_inside = { 1000, 1200 },
	.rover_inside_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1059] <-> H[1060:1099] <-> "
		"P[1100:1199] <-> P[1200:1259] <-> H[1260:1499] <-> "
		"P[1500:1599] <-> H[1600:1679] <-> P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 360, 1, "8, "),
	.rover_on_last = 1000,
	.rover_on_last_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1049] <-> H[1050:1099] <-> "
		"P[1100:1199] <-> H[1200:1260] <-> P[1261:1360] <-> "
		"H[1361:1410] <-> P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 161, 1, "7, "),
	.ties = { 1000, 1200, 1090 },
	.ties_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1089] <-> P[1090:1099] <-> "
		"H[1100:1149] <-> P[1150:1199] <-> P[1200:1299] <-> "
		"P[1300:1399] <-> H[1400:1499] <-> P[1500:1599] <-> "
		"P[1600:9999] <-> H[10000:10999] <-> NULL\n"
		STATS_TAIL(1, 1150, 1, "10, "),
	.wrap = { 1000, 1025 },
	.wrap_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1024] <-> P[1025:1174] <-> "
		"H[1175:1199] <-> P[1200:1249] <-> H[1250:1399] <-> "
		"P[1400:1449] <-> P[1450:9949] <-> H[9950:9979] <-> "
		"P[9980:9989] <-> H[9990:10009] <-> P[10010:10999] <-> NULL\n"
		STATS_TAIL(1, 225, 1, "11, "),
	.no_fit = { 11000, 1000, 21000, 11500 },
	.no_fit_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1049] <-> H[1050:1099] <-> "
		"P[1100:1199] <-> H[1200:1259] <-> P[1260:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:11499] <-> P[11500:20499] <-> "
		"H[20500:20999] <-> NULL\n"
		"MAIN[21000:40999]-> P[21000:40999] <-> NULL\n"
		STATS_TAIL(4, 610, 3, "5, 3, 1, "),
	.rounded = 10920,
	.rounded_report = STATS_HEAD
		"MAIN[1000:11007]-> P[1000:10919] <-> P[10920:10999] <-> "
		"H[11000:11007] <-> NULL\n"
		"MAIN[11008:21015]-> P[11008:11103] <-> "
		"H[11104:21015] <-> NULL\n"
		STATS_TAIL(2, 9920, 2, "3, 2, "),
	.after_merges = 1000,
	.switched = 1000,
	.classic_report = STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> P[4000:4999] <-> H[5000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"H[11192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "5, 5, 3, "),
};

FIXTURE_VARIANT_ADD(policy, first_fit) {
	.name = "first-fit",
	.rule = "first-fit",
	.expect = &first_fit_answers,
};

FIXTURE_VARIANT_ADD(policy, first_fit_linear) {
	.name = "first-fit-linear",
	.rule = "first-fit",
	.expect = &first_fit_answers,
};

static const struct answers best_fit_answers = {
	.rover_inside = { 1600, 1000 },
	.rover_inside_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1059] <-> H[1060:1099] <-> "
		"P[1100:1199] <-> H[1200:1499] <-> P[1500:1599] <-> "
		"P[1600:1659] <-> H[1660:1679] <-> P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 360, 1, "8, "),
	.rover_on_last = 1361,
	.rover_on_last_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"H[1200:1260] <-> P[1261:1360] <-> P[1361:1410] <-> "
		"P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 161, 1, "6, "),
	.ties = { 1200, 1400, 1290 },
	.ties_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1149] <-> P[1150:1199] <-> "
		"P[1200:1289] <-> P[1290:1299] <-> P[1300:1399] <-> "
		"P[1400:1499] <-> P[1500:1599] <-> P[1600:9999] <-> "
		"H[10000:10999] <-> NULL\n"
		STATS_TAIL(1, 1150, 1, "9, "),
	.wrap = { 9950, 1250 },
	.wrap_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1199] <-> P[1200:1249] <-> "
		"P[1250:1399] <-> P[1400:1449] <-> P[1450:9949] <-> "
		"P[9950:9974] <-> H[9975:9979] <-> P[9980:9989] <-> "
		"H[9990:10009] <-> P[10010:10999] <-> NULL\n"
		STATS_TAIL(1, 225, 1, "10, "),
	.no_fit = { 11000, 1200, 21000, 11500 },
	.no_fit_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1249] <-> H[1250:1259] <-> P[1260:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:11499] <-> P[11500:20499] <-> "
		"H[20500:20999] <-> NULL\n"
		"MAIN[21000:40999]-> P[21000:40999] <-> NULL\n"
		STATS_TAIL(4, 610, 3, "5, 3, 1, "),
	.rounded = 10920,
	.rounded_report = STATS_HEAD
		"MAIN[1000:11007]-> P[1000:10919] <-> P[10920:10999] <-> "
		"H[11000:11007] <-> NULL\n"
		"MAIN[11008:21015]-> P[11008:11103] <-> "
		"H[11104:21015] <-> NULL\n"
		STATS_TAIL(2, 9920, 2, "3, 2, "),
	.after_merges = 1000,
	.switched = 1200,
	.classic_report = STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> P[4000:4999] <-> H[5000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"H[11192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "5, 5, 3, "),
};

FIXTURE_VARIANT_ADD(policy, best_fit) {
	.name = "best-fit",
	.rule = "best-fit",
	.expect = &best_fit_answers,
};

FIXTURE_VARIANT_ADD(policy, best_fit_linear) {
	.name = "best-fit-linear",
	.rule = "best-fit",
	.expect = &best_fit_answers,
};

static const struct answers next_fit_answers = {
	.rover_inside = { 1200, 1260 },
	.rover_inside_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1259] <-> P[1260:1319] <-> H[1320:1499] <-> "
		"P[1500:1599] <-> H[1600:1679] <-> P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 360, 1, "8, "),
	.rover_on_last = 1200,
	.rover_on_last_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1249] <-> H[1250:1260] <-> P[1261:1360] <-> "
		"H[1361:1410] <-> P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 161, 1, "7, "),
	.ties = { 10000, 10090, 10190 },
	.ties_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1149] <-> P[1150:1199] <-> "
		"H[1200:1299] <-> P[1300:1399] <-> H[1400:1499] <-> "
		"P[1500:1599] <-> P[1600:9999] <-> P[10000:10089] <-> "
		"P[10090:10189] <-> P[10190:10199] <-> "
		"H[10200:10999] <-> NULL\n"
		STATS_TAIL(1, 1150, 1, "11, "),
	.wrap = { 1000, 1025 },
	.wrap_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1024] <-> P[1025:1174] <-> "
		"H[1175:1199] <-> P[1200:1249] <-> H[1250:1399] <-> "
		"P[1400:1449] <-> P[1450:9949] <-> H[9950:9979] <-> "
		"P[9980:9989] <-> H[9990:10009] <-> P[10010:10999] <-> NULL\n"
		STATS_TAIL(1, 225, 1, "11, "),
	.no_fit = { 11000, 11500, 21000, 11550 },
	.no_fit_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"H[1200:1259] <-> P[1260:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:11499] <-> P[11500:11549] <-> "
		"P[11550:20549] <-> H[20550:20999] <-> NULL\n"
		"MAIN[21000:40999]-> P[21000:40999] <-> NULL\n"
		STATS_TAIL(4, 610, 3, "4, 4, 1, "),
	.rounded = 11104,
	.rounded_report = STATS_HEAD
		"MAIN[1000:11007]-> P[1000:10919] <-> H[10920:11007] <-> NULL\n"
		"MAIN[11008:21015]-> P[11008:11103] <-> P[11104:11183] <-> "
		"H[11184:21015] <-> NULL\n"
		STATS_TAIL(2, 9920, 2, "2, 3, "),
	.after_merges = 21000,
	.switched = 1000,
	.classic_report = STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> H[4000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"P[11192:12191] <-> H[12192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "4, 5, 4, "),
};

FIXTURE_VARIANT_ADD(policy, next_fit) {
	.name = "next-fit",
	.rule = "next-fit",
	.expect = &next_fit_answers,
};

FIXTURE_VARIANT_ADD(policy, next_fit_linear) {
	.name = "next-fit-linear",
	.rule = "next-fit",
	.expect = &next_fit_answers,
};

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
	if (!policy_built(variant->name))
		SKIP(return, "%s is not built", variant->name);
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
 * Holes of 100 at 1000 (the lowest), 300 at 1200 (the rover inside it)
 * and 80 at 1600 (the smallest): first-fit, best-fit and next-fit each
 * take another one, next-fit from the low end of the hole it is inside.
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
 * eleventh array: first-fit takes the freed slot, the lowest hole that
 * fits; best-fit the smaller of that slot (with the tail of its node when
 * it was the node's last block) and the tail of the last node; next-fit
 * the tail of the last node, where its rover is, if the array fits there,
 * else it wraps to the freed slot.
 */
TEST_F(policy, classic_demo_build_config)
{
	const size_t n = round_up(sizeof(int) * 250, CONFIG_MEMS_ALIGN);
	uintptr_t expect[10], ptr[10], node_end[10], eleventh;
	uintptr_t cursor = CONFIG_MEMS_VIRT_BASE;
	uintptr_t last_end = CONFIG_MEMS_VIRT_BASE - 1;
	size_t slot_hole, tail_hole;
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

	slot_hole = node_end[4] == node_end[3] ? n : node_end[3] - ptr[3] + 1;
	tail_hole = last_end - cursor + 1;
	eleventh = ptr[3];
	if (!strcmp(variant->rule, "best-fit") && tail_hole >= n &&
	    tail_hole < slot_hole)
		eleventh = cursor;
	if (!strcmp(variant->rule, "next-fit") && tail_hole >= n)
		eleventh = cursor;
	ASSERT_PICK(eleventh, sizeof(int) * 250);
}

TEST_HARNESS_MAIN
