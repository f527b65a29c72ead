// SPDX-License-Identifier: MIT
/*
 * finish_test.c - the end of a MeMS (contract section 3, mems_finish and
 * mems_init on a MeMS that is not empty; section 1, bookkeeping pages).
 *
 * What "nothing stays mapped" means is observed from outside the
 * library: mincore() on every block's physical memory, and the whole of
 * /proc/self/maps, which must read exactly as it did before MeMS started,
 * so that bookkeeping mappings are caught too.
 */
#define _GNU_SOURCE

#include "../harness.h"
#include "../mems_test.h"

#define BASE ((uintptr_t)CONFIG_MEMS_VIRT_BASE)

/* Enough one-byte blocks that bookkeeping outgrows any first mapping. */
#define MANY_BLOCKS 3000

struct region {
	char *phys;
	size_t bytes;
};

static struct region regions[MANY_BLOCKS + 2];
static struct maps_snapshot maps_before, maps_after;

/*
 * Fill MeMS with a one-page node, a node of several pages and many small
 * blocks, free every other small block, and record where each block
 * lives.  Return: the number of regions, or -1 when a call failed.
 */
static int populate(void)
{
	uintptr_t v[MANY_BLOCKS];
	int i, nr = 0;

	v[0] = U(mems_malloc(PAGE_SIZE));
	regions[nr].phys = mems_get(V(v[0]));
	regions[nr++].bytes = node_bytes_for(PAGE_SIZE);
	v[0] = U(mems_malloc(2 * PAGE_SIZE + 1));
	regions[nr].phys = mems_get(V(v[0]));
	regions[nr++].bytes = node_bytes_for(2 * PAGE_SIZE + 1);
	for (i = 0; i < MANY_BLOCKS; i++) {
		v[i] = U(mems_malloc(1));
		regions[nr].phys = mems_get(V(v[i]));
		regions[nr++].bytes = mems_round(1);
	}
	for (i = 0; i < MANY_BLOCKS; i += 2)
		mems_free(V(v[i]));
	for (i = 0; i < nr; i++)
		if (!regions[i].phys)
			return -1;
	return nr;
}

/* Return: how many regions still have a mapped page. */
static int regions_mapped(int nr)
{
	int i, count = 0;

	for (i = 0; i < nr; i++)
		count += mapped(regions[i].phys, regions[i].bytes) != 0;
	return count;
}

TEST(finish_unmaps_every_page)
{
	int nr;

	mems_init();
	nr = populate();
	ASSERT_LT(0, nr);
	ASSERT_EQ(nr, regions_mapped(nr));
	mems_finish();
	ASSERT_EQ(0, regions_mapped(nr));
}

TEST(finish_leaves_proc_self_maps_as_before_init)
{
	int nr;

	SKIP_ON_VALGRIND();
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	mems_init();
	nr = populate();
	mems_finish();
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	ASSERT_LT(0, nr);
	ASSERT_STREQ(maps_before.text, maps_after.text);
}

TEST(finish_after_lazy_init_leaves_proc_self_maps_as_before)
{
	int nr;

	SKIP_ON_VALGRIND();
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	nr = populate();
	mems_finish();
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	ASSERT_LT(0, nr);
	ASSERT_STREQ(maps_before.text, maps_after.text);
}

/* Twice over: the second MeMS must not keep anything of the first. */
TEST(finish_leaves_proc_self_maps_as_before_every_time)
{
	int round;

	SKIP_ON_VALGRIND();
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	for (round = 0; round < 2; round++) {
		mems_init();
		ASSERT_LT(0, populate());
		mems_finish();
		ASSERT_EQ(0, maps_snapshot(&maps_after));
		ASSERT_STREQ(maps_before.text, maps_after.text)
			TH_LOG("round %d", round);
	}
}

TEST(finish_prints_nothing)
{
	struct capture out_capture, err_capture;
	char *out, *err;
	int nr;

	mems_init();
	nr = populate();
	ASSERT_LT(0, nr);
	capture_start(&out_capture, stdout);
	capture_start(&err_capture, stderr);
	errno = 12345;
	mems_finish();
	err = capture_stop(&err_capture);
	out = capture_stop(&out_capture);
	ASSERT_EQ(12345, errno);
	ASSERT_STREQ("", out);
	ASSERT_STREQ("", err);
	free(out);
	free(err);
}

TEST(finish_leaves_mems_as_before_the_first_init)
{
	size_t r = mems_round(1);
	struct model m;
	char *text, *err, *expected;
	void *phys = V(1);

	mems_init();
	ASSERT_LT(0, populate());
	mems_finish();

	ASSERT_NULL(mems_default_heap());
	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	errno = 0;
	err = CAPTURE(stderr, phys = mems_get(V(BASE)));
	ASSERT_NULL(phys);
	ASSERT_EQ(EINVAL, errno);
	ASSERT_STREQ("", err);
	free(err);
	errno = 0;
	err = CAPTURE(stderr, mems_free(V(BASE)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_FREE_MESSAGE(err, BASE);
	free(err);

	/* Virtual addresses start over at the base. */
	ASSERT_EQ(BASE, U(mems_malloc(1)));
	model_init(&m, PAGE_SIZE);
	model_node(&m, BASE, pages_for(r));
	model_seg(&m, 'P', r);
	model_rest_hole(&m);
	expected = model_report(&m);
	text = stats_text();
	ASSERT_STREQ(expected, text);
	free(expected);
	free(text);
	ASSERT_EQ(0, check_global_heap());
}

TEST(finish_before_init_and_twice_is_harmless)
{
	struct capture out_capture, err_capture;
	char *out, *err, *text;

	capture_start(&out_capture, stdout);
	capture_start(&err_capture, stderr);
	errno = 12345;
	mems_finish();
	mems_init();
	mems_finish();
	mems_finish();
	err = capture_stop(&err_capture);
	out = capture_stop(&out_capture);
	ASSERT_EQ(12345, errno);
	ASSERT_STREQ("", out);
	ASSERT_STREQ("", err);
	free(out);
	free(err);
	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	ASSERT_EQ(BASE, U(mems_malloc(1)));
	ASSERT_EQ(0, check_global_heap());
}

TEST(init_on_a_non_empty_mems_finishes_it_first)
{
	char *text;
	int nr;

	mems_init();
	nr = populate();
	ASSERT_LT(0, nr);
	mems_init();
	ASSERT_EQ(0, regions_mapped(nr));
	ASSERT_NE(NULL, mems_default_heap());
	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	ASSERT_EQ(BASE, U(mems_malloc(whole_node_size())));
	ASSERT_EQ(BASE + whole_node_size(), U(mems_malloc(1)));
	ASSERT_EQ(0, check_global_heap());
}

TEST_HARNESS_MAIN
