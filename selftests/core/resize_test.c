// SPDX-License-Identifier: MIT
/*
 * resize_test.c - mems_heap_realloc() and mems_heap_calloc(): blocks
 * that grow into the hole after them, shrink in place, move when they
 * must, and fail leaving everything as it was; zeroed blocks, overflow.
 *
 * The heaps here have 100-byte pages from address 1000 and granule 1,
 * so every layout is written out in the test.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "../harness.h"
#include "../mems_test.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

static const struct mems_heap_config layout = { "first-fit", 100, 1000, 1 };

FIXTURE(resize) {
	struct mems_heap *heap;
	struct model m;
};

FIXTURE_SETUP(resize)
{
	if (!policy_built(layout.policy))
		SKIP(return, "first-fit is not built in");
	ASSERT_EQ(0, mems_heap_create(&layout, &self->heap));
	model_init(&self->m, layout.page_size);
}

FIXTURE_TEARDOWN(resize)
{
	if (self->heap)
		ASSERT_EQ(0, mems_heap_check(self->heap, stderr));
	mems_heap_destroy(self->heap);
}

/* Assert that the heap reports what the model renders. */
#define ASSERT_REPORT() do {						\
	char *expected_ = model_report(&self->m);			\
	char *seen_ = heap_stats_text(self->heap);			\
									\
	ASSERT_STREQ(expected_, seen_);					\
	free(expected_);						\
	free(seen_);							\
} while (0)

static uintptr_t alloc(struct mems_heap *heap, size_t size)
{
	void *v = NULL;

	return mems_heap_alloc(heap, size, &v) ? 0 : U(v);
}

/* Fill the block at @v with @len bytes counting up from @seed. */
static void fill(struct mems_heap *heap, uintptr_t v, size_t len, int seed)
{
	unsigned char *p = mems_heap_get(heap, V(v));
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed + i);
}

/* Whether the block at @v still holds what fill() wrote. */
static bool holds(struct mems_heap *heap, uintptr_t v, size_t len, int seed)
{
	const unsigned char *p = mems_heap_get(heap, V(v));
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(seed + i))
			return false;
	return true;
}

static int resize(struct mems_heap *heap, uintptr_t v, size_t size,
		  uintptr_t *out)
{
	void *p = V(1);
	int err = mems_heap_realloc(heap, V(v), size, &p);

	*out = U(p);
	return err;
}

TEST_F(resize, grows_in_place_into_the_hole_after)
{
	uintptr_t a = alloc(self->heap, 10), out;

	fill(self->heap, a, 10, 7);
	ASSERT_EQ(0, resize(self->heap, a, 30, &out));
	ASSERT_EQ(1000, out);
	ASSERT_TRUE(holds(self->heap, a, 10, 7));
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'P', 30);
	model_rest_hole(&self->m);
	ASSERT_REPORT();
	/* The last 20 bytes are the block's now. */
	ASSERT_NE(NULL, mems_heap_get(self->heap, V(1029)));
	ASSERT_NULL(mems_heap_get(self->heap, V(1030)));
}

TEST_F(resize, takes_the_whole_hole_after)
{
	uintptr_t a = alloc(self->heap, 10), out;

	ASSERT_EQ(1010, alloc(self->heap, 20));
	ASSERT_EQ(0, mems_heap_free(self->heap, V(1010)));
	ASSERT_EQ(0, resize(self->heap, a, 100, &out));
	ASSERT_EQ(1000, out);
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'P', 100);
	ASSERT_REPORT();
	/* The next block needs a node: no hole is left. */
	ASSERT_EQ(1100, alloc(self->heap, 1));
}

TEST_F(resize, shrinks_into_the_hole_after)
{
	uintptr_t a = alloc(self->heap, 10), out;

	fill(self->heap, a, 10, 1);
	ASSERT_EQ(0, resize(self->heap, a, 4, &out));
	ASSERT_EQ(1000, out);
	ASSERT_TRUE(holds(self->heap, a, 4, 1));
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'P', 4);
	model_rest_hole(&self->m);
	ASSERT_REPORT();
}

TEST_F(resize, shrinks_leaving_a_hole_before_the_next_block)
{
	uintptr_t a = alloc(self->heap, 10), out;

	ASSERT_EQ(1010, alloc(self->heap, 20));
	ASSERT_EQ(0, resize(self->heap, a, 4, &out));
	ASSERT_EQ(1000, out);
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'P', 4);
	model_seg(&self->m, 'H', 6);
	model_seg(&self->m, 'P', 20);
	model_rest_hole(&self->m);
	ASSERT_REPORT();
	/* The new hole is a hole like any other. */
	ASSERT_EQ(1004, alloc(self->heap, 6));
}

TEST_F(resize, moves_when_the_next_segment_is_a_block)
{
	uintptr_t a = alloc(self->heap, 10), out;

	ASSERT_EQ(1010, alloc(self->heap, 20));
	fill(self->heap, a, 10, 99);
	ASSERT_EQ(0, resize(self->heap, a, 50, &out));
	/* First-fit: the lowest hole of 50 is the node's tail. */
	ASSERT_EQ(1030, out);
	ASSERT_TRUE(holds(self->heap, out, 10, 99));
	ASSERT_NULL(mems_heap_get(self->heap, V(a)));
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'H', 10);
	model_seg(&self->m, 'P', 20);
	model_seg(&self->m, 'P', 50);
	model_rest_hole(&self->m);
	ASSERT_REPORT();
}

TEST_F(resize, moves_when_the_hole_after_is_too_small)
{
	uintptr_t a = alloc(self->heap, 10), out;

	fill(self->heap, a, 10, 3);
	ASSERT_EQ(0, resize(self->heap, a, 150, &out));
	ASSERT_EQ(1100, out);
	ASSERT_TRUE(holds(self->heap, out, 10, 3));
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'H', 100);
	model_node(&self->m, 1100, 2);
	model_seg(&self->m, 'P', 150);
	model_rest_hole(&self->m);
	ASSERT_REPORT();
}

TEST_F(resize, to_the_same_size_changes_nothing)
{
	uintptr_t a = alloc(self->heap, 10), out;
	char *before = heap_stats_text(self->heap), *after;

	ASSERT_EQ(0, resize(self->heap, a, 10, &out));
	ASSERT_EQ(a, out);
	after = heap_stats_text(self->heap);
	ASSERT_STREQ(before, after);
	free(before);
	free(after);
}

/* Half the address space rounds fine, but no kernel maps it. */
TEST_F(resize, failure_is_enomem_and_changes_nothing)
{
	uintptr_t a = alloc(self->heap, 10), out;
	char *before, *after;

	ASSERT_EQ(1010, alloc(self->heap, 20));
	fill(self->heap, a, 10, 5);
	before = heap_stats_text(self->heap);
	ASSERT_EQ(-ENOMEM, resize(self->heap, a, SIZE_MAX / 2 + 1, &out));
	ASSERT_EQ(1, out) TH_LOG("*out is left alone on failure");
	after = heap_stats_text(self->heap);
	ASSERT_STREQ(before, after);
	ASSERT_TRUE(holds(self->heap, a, 10, 5));
	free(before);
	free(after);
}

TEST_F(resize, of_null_allocates_and_to_zero_frees)
{
	uintptr_t out;

	ASSERT_EQ(-EINVAL, resize(self->heap, 0, 0, &out));
	ASSERT_EQ(0, resize(self->heap, 0, 10, &out));
	ASSERT_EQ(1000, out);
	ASSERT_EQ(0, resize(self->heap, 1000, 0, &out));
	ASSERT_EQ(0, out);
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'H', 100);
	ASSERT_REPORT();
}

TEST_F(resize, of_a_non_block_is_einval_and_changes_nothing)
{
	uintptr_t bad[] = { 999, 1001, 1010, 1099, 1100, 5000 };
	uintptr_t out;
	char *before, *after;
	size_t i;

	ASSERT_EQ(1000, alloc(self->heap, 10));
	before = heap_stats_text(self->heap);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(-EINVAL, resize(self->heap, bad[i], 20, &out))
			TH_LOG("address %zu", (size_t)bad[i]);
		ASSERT_EQ(-EINVAL, resize(self->heap, bad[i], 0, &out));
	}
	after = heap_stats_text(self->heap);
	ASSERT_STREQ(before, after);
	free(before);
	free(after);
}

TEST(resize_rounds_to_the_granule_and_overflow_is_enomem)
{
	const struct mems_heap_config cfg = { NULL, 100, 1000, 8 };
	struct mems_heap *heap;
	void *v, *out;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(0, mems_heap_alloc(heap, 10, &v));
	ASSERT_EQ(-ENOMEM, mems_heap_realloc(heap, v, SIZE_MAX, &out));
	/* 12 rounds to 16, the block's size: nothing to do. */
	ASSERT_EQ(0, mems_heap_realloc(heap, v, 12, &out));
	ASSERT_EQ(v, out);
	ASSERT_EQ(-ENOMEM, mems_heap_calloc(heap, 1, SIZE_MAX, &out));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST_F(resize, calloc_checks_its_product)
{
	void *v = V(1);
	char *before = heap_stats_text(self->heap), *after;

	ASSERT_EQ(-ENOMEM, mems_heap_calloc(self->heap, SIZE_MAX / 2, 3, &v));
	ASSERT_EQ(-ENOMEM, mems_heap_calloc(self->heap, 3, SIZE_MAX / 2, &v));
	ASSERT_EQ(-EINVAL, mems_heap_calloc(self->heap, 0, 3, &v));
	ASSERT_EQ(-EINVAL, mems_heap_calloc(self->heap, 3, 0, &v));
	ASSERT_EQ(V(1), v);
	after = heap_stats_text(self->heap);
	ASSERT_STREQ(before, after);
	free(before);
	free(after);
	ASSERT_EQ(0, mems_heap_calloc(self->heap, 3, 5, &v));
	ASSERT_EQ(1000, U(v));
	model_node(&self->m, 1000, 1);
	model_seg(&self->m, 'P', 15);
	model_rest_hole(&self->m);
	ASSERT_REPORT();
}

TEST_F(resize, calloc_zeroes_a_reused_hole)
{
	uintptr_t a = alloc(self->heap, 60);
	const unsigned char *p;
	void *v;
	int i;

	fill(self->heap, a, 60, 1);
	ASSERT_EQ(0, mems_heap_free(self->heap, V(a)));
	ASSERT_EQ(0, mems_heap_calloc(self->heap, 5, 10, &v));
	ASSERT_EQ(a, U(v));
	p = mems_heap_get(self->heap, v);
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, p[i]) TH_LOG("byte %d", i);
	/*
	 * Only the block: the byte after it, in the hole, is the old one
	 * (poisoned for ASan and memcheck, which poison_test looks at).
	 */
#ifdef __SANITIZE_ADDRESS__
	ASSERT_TRUE(__asan_address_is_poisoned(p + 50));
#else
	if (!on_valgrind()) {
		ASSERT_EQ(51, p[50]);
	}
#endif
}

/* Pages of [@addr, @addr + @len) in memory; mincore() on a mapped range. */
static size_t resident_pages(const void *addr, size_t len)
{
	size_t page = machine_page();
	uintptr_t first = U(addr) / page * page;
	size_t n = (U(addr) + len - first + page - 1) / page, i, in = 0;
	unsigned char *vec = calloc(n, 1);

	if (!vec || mincore(V(first), n * page, vec))
		abort();
	for (i = 0; i < n; i++)
		in += vec[i] & 1;
	free(vec);
	return in;
}

/* A block in a node mapped for it is left as the kernel zeroed it. */
TEST(calloc_does_not_write_a_new_node)
{
	const size_t pages = 64;
	struct mems_heap_config cfg = { NULL, 0, 1000, 1 };
	struct mems_heap *heap;
	const unsigned char *p;
	size_t bytes, i;
	void *v;

	cfg.page_size = machine_page();
	bytes = pages * cfg.page_size;
	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(0, mems_heap_calloc(heap, pages, cfg.page_size, &v));
	p = mems_heap_get(heap, v);
	ASSERT_EQ(0, U(p) % cfg.page_size);
	ASSERT_EQ(0, resident_pages(p, bytes));
	for (i = 0; i < bytes; i += 4096)
		ASSERT_EQ(0, p[i]);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST_HARNESS_MAIN
