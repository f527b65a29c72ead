// SPDX-License-Identifier: MIT
/*
 * api_resize_test.c - the course API beyond the six: mems_realloc(),
 * mems_calloc() and mems_trim() on the global heap, their errno and
 * their stderr line, and the MEMS_TRIM_THRESHOLD environment variable.
 *
 * Layouts come from the build's page size and granule; the exact
 * placements of resizing and trimming are heap_test's and trim_test's.
 */
#define _GNU_SOURCE
#include "../harness.h"
#include "../mems_test.h"

#define BASE ((uintptr_t)CONFIG_MEMS_VIRT_BASE)

/*
 * Assert that @text is the one line mems_realloc() writes for @v, @why
 * the reason it gives.
 */
#define ASSERT_REALLOC_MESSAGE(text, v, why) do {			\
	char *line_ = refusal_line("mems_realloc", (v), (why));		\
									\
	ASSERT_STREQ(line_, (text));					\
	free(line_);							\
} while (0)

/* The report of one node holding a block of @bytes and the rest a hole. */
static char *one_block_report(size_t node_of, size_t bytes)
{
	struct model m;

	model_init(&m, PAGE_SIZE);
	model_node(&m, BASE, pages_for(mems_round(node_of)));
	model_seg(&m, 'P', mems_round(bytes));
	model_rest_hole(&m);
	return model_report(&m);
}

#define ASSERT_STATS(expected) do {					\
	char *expected_ = (expected), *seen_ = stats_text();		\
									\
	ASSERT_STREQ(expected_, seen_);					\
	free(expected_);						\
	free(seen_);							\
} while (0)

/* To all of it that whole granules fill: pages need not be granules. */
TEST(realloc_grows_in_place_to_the_whole_node)
{
	size_t grown = node_bytes_for(1) / CONFIG_MEMS_ALIGN * CONFIG_MEMS_ALIGN;
	char *p;
	void *v;

	mems_init();
	v = mems_malloc(1);
	ASSERT_EQ(BASE, U(v));
	p = mems_get(v);
	*p = 'x';
	errno = 0;
	ASSERT_EQ(v, mems_realloc(v, grown));
	ASSERT_EQ(0, errno);
	ASSERT_STATS(one_block_report(1, grown));
	p = mems_get(V(BASE + grown - 1));
	ASSERT_NE(NULL, p);
	ASSERT_EQ('x', *(char *)mems_get(v));
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

TEST(realloc_moves_and_copies_when_the_block_cannot_grow)
{
	size_t node = whole_node_size();
	void *v, *w;
	char *p;

	mems_init();
	v = mems_malloc(node);
	p = mems_get(v);
	memset(p, 'y', node);
	w = mems_realloc(v, node + 1);
	ASSERT_EQ(BASE + node, U(w));
	ASSERT_NULL(mems_get(v));
	p = mems_get(w);
	ASSERT_EQ('y', p[0]);
	ASSERT_EQ('y', p[node - 1]);
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

TEST(realloc_of_null_allocates_and_to_zero_frees)
{
	void *v;

	errno = 0;
	ASSERT_NULL(mems_realloc(NULL, 0));
	ASSERT_NULL(mems_default_heap());
	v = mems_realloc(NULL, 5);
	ASSERT_EQ(BASE, U(v));
	ASSERT_STATS(one_block_report(5, 5));
	ASSERT_NULL(mems_realloc(v, 0));
	ASSERT_EQ(0, errno);
	ASSERT_NULL(mems_get(v));
	errno = 0;
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

/*
 * Each refusal says where the address lies: outside every node, inside
 * the block, in the hole after it, or at a physical address.
 */
TEST(realloc_of_a_non_block_is_einval_with_one_line)
{
	/* Below the base, unless that is NULL, which realloc takes. */
	uintptr_t below = BASE > 1 ? BASE - 1 : UINTPTR_MAX;
	size_t r = mems_round(1), node = node_bytes_for(1);
	uintptr_t bad[4] = { below, BASE + 1, BASE + node };
	char why[4][128], *before, *after, *err;
	void *out = V(1);
	size_t i;

	err = CAPTURE(stderr, out = mems_realloc(V(BASE), 10));
	ASSERT_NULL(out);
	ASSERT_EQ(EINVAL, errno);
	ASSERT_REALLOC_MESSAGE(err, BASE, WHY_OUTSIDE);
	free(err);
	mems_init();
	ASSERT_EQ(0, mems_heap_set_trim_threshold(mems_default_heap(), -1));
	ASSERT_EQ(BASE, U(mems_malloc(1)));
	bad[3] = U(mems_get(V(BASE)));
	strcpy(why[0], WHY_OUTSIDE);
	if (r > 1)
		WHY_IN_BLOCK(why[1], BASE, BASE + r - 1);
	else if (node > 1)
		WHY_IN_HOLE(why[1], BASE + 1, BASE + node - 1);
	else
		strcpy(why[1], WHY_OUTSIDE);
	strcpy(why[2], WHY_OUTSIDE);
	WHY_PHYSICAL(why[3], BASE);
	before = stats_text();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		err = CAPTURE(stderr, out = mems_realloc(V(bad[i]), 10));
		ASSERT_NULL(out);
		ASSERT_EQ(EINVAL, errno);
		ASSERT_REALLOC_MESSAGE(err, bad[i], why[i]);
		free(err);
	}
	after = stats_text();
	ASSERT_STREQ(before, after);
	free(before);
	free(after);
	mems_finish();
}

/* A double realloc to 0 is a double free: the block is a hole now. */
TEST(realloc_of_a_freed_block_names_the_hole)
{
	size_t node = node_bytes_for(10);
	char *before, *after, *err, why[128];
	void *v, *out = V(1);

	mems_init();
	ASSERT_EQ(0, mems_heap_set_trim_threshold(mems_default_heap(), -1));
	v = mems_malloc(10);
	ASSERT_EQ(BASE, U(v));
	ASSERT_NULL(mems_realloc(v, 0));
	before = stats_text();
	errno = 0;
	err = CAPTURE(stderr, out = mems_realloc(v, 0));
	ASSERT_NULL(out);
	ASSERT_EQ(EINVAL, errno);
	ASSERT_REALLOC_MESSAGE(err, BASE,
			       WHY_IN_HOLE(why, BASE, BASE + node - 1));
	free(err);
	after = stats_text();
	ASSERT_STREQ(before, after);
	free(before);
	free(after);
	mems_finish();
}

/* Half the address space rounds fine, but no kernel maps it. */
TEST(realloc_failure_is_enomem_and_keeps_the_block)
{
	char *before, *after, *err;
	void *v, *out = V(1);

	mems_init();
	v = mems_malloc(3);
	*(char *)mems_get(v) = 'z';
	before = stats_text();
	errno = 0;
	err = CAPTURE(stderr, out = mems_realloc(v, SIZE_MAX / 2 + 1));
	ASSERT_NULL(out);
	ASSERT_EQ(ENOMEM, errno);
	ASSERT_STREQ("", err);
	after = stats_text();
	ASSERT_STREQ(before, after);
	ASSERT_EQ('z', *(char *)mems_get(v));
	free(before);
	free(after);
	free(err);
	mems_finish();
}

TEST(calloc_zeroes_and_checks_its_product)
{
	unsigned char *p;
	void *v;
	size_t i;

	errno = 0;
	ASSERT_NULL(mems_calloc(0, 8));
	ASSERT_NULL(mems_calloc(8, 0));
	ASSERT_EQ(0, errno);
	ASSERT_NULL(mems_default_heap());
	ASSERT_NULL(mems_calloc(SIZE_MAX / 4, 8));
	ASSERT_EQ(ENOMEM, errno);
	errno = 0;
	v = mems_malloc(40);
	memset(mems_get(v), 0xab, 40);
	mems_free(v);
	v = mems_calloc(5, 8);
	ASSERT_EQ(BASE, U(v));
	p = mems_get(v);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(0, p[i]);
	ASSERT_EQ(0, errno);
	ASSERT_STATS(one_block_report(40, 40));
	mems_finish();
}

/* One node at @vstart for a request of @bytes, all of it @type. */
static char *whole_node_report(uintptr_t vstart, size_t bytes, char type)
{
	struct model m;

	model_init(&m, PAGE_SIZE);
	model_node(&m, vstart, pages_for(mems_round(bytes)));
	model_seg(&m, type, node_bytes_for(bytes));
	return model_report(&m);
}

TEST(trim_gives_empty_nodes_back_on_demand)
{
	void *v;

	ASSERT_EQ(0, mems_trim(0));
	ASSERT_NULL(mems_default_heap());
	ASSERT_EQ(0, setenv("MEMS_TRIM_THRESHOLD", "-1", 1));
	mems_init();
	ASSERT_EQ(-1, mems_heap_trim_threshold(mems_default_heap()));
	v = mems_malloc(1);
	mems_free(v);
	ASSERT_STATS(whole_node_report(BASE, 1, 'H'));
	errno = 0;
	ASSERT_EQ(1, mems_trim(0));
	ASSERT_STATS(strdup(EMPTY_REPORT));
	ASSERT_EQ(0, mems_trim(0));
	ASSERT_EQ(0, errno);
	/* The released addresses are not handed out again. */
	ASSERT_EQ(BASE + node_bytes_for(1), U(mems_malloc(1)));
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

TEST(trim_threshold_zero_from_the_environment)
{
	size_t whole = whole_node_size();
	void *v, *w;

	ASSERT_EQ(0, setenv("MEMS_TRIM_THRESHOLD", "0", 1));
	mems_init();
	ASSERT_EQ(0, mems_heap_trim_threshold(mems_default_heap()));
	v = mems_malloc(whole);
	w = mems_malloc(whole);
	ASSERT_EQ(BASE + whole, U(w));
	mems_free(v);
	ASSERT_STATS(whole_node_report(BASE + whole, whole, 'P'));
	errno = 0;
	ASSERT_NULL(mems_get(v));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

TEST(trim_threshold_that_is_not_a_number_is_reported)
{
	static const char *const bad[] = { "abc", "-2", "12x", " 5",
					   "99999999999999999999999" };
	char expected[160], *err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, setenv("MEMS_TRIM_THRESHOLD", bad[i], 1));
		errno = 0;
		err = CAPTURE(stderr, mems_init());
		snprintf(expected, sizeof(expected),
			 "mems_init: invalid MEMS_TRIM_THRESHOLD '%s' (want -1 "
			 "or a number of bytes), using %ld\n",
			 bad[i], (long)CONFIG_MEMS_TRIM_THRESHOLD);
		ASSERT_STREQ(expected, err);
		ASSERT_EQ(0, errno);
		ASSERT_EQ(CONFIG_MEMS_TRIM_THRESHOLD,
			  mems_heap_trim_threshold(mems_default_heap()));
		free(err);
	}
	ASSERT_EQ(0, setenv("MEMS_TRIM_THRESHOLD", "", 1));
	err = CAPTURE(stderr, mems_init());
	ASSERT_STREQ("", err);
	free(err);
	ASSERT_EQ(CONFIG_MEMS_TRIM_THRESHOLD,
		  mems_heap_trim_threshold(mems_default_heap()));
	mems_finish();
}

TEST_HARNESS_MAIN
