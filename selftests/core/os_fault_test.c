// SPDX-License-Identifier: MIT
/*
 * os_fault_test.c - every mmap MeMS makes may fail, and every munmap.
 *
 * Each scenario runs once to count the mmap calls its operation makes,
 * then once for each of them with that call failing (through the os
 * layer's fault injection): the operation must fail with -ENOMEM, leave
 * the report as it was and /proc/self/maps as it was (nothing it mapped
 * before the failure left behind), pass the heap check, and succeed the
 * same way when tried again.  A failed munmap cannot be undone: the heap
 * must stay sound and go on working.
 */
#define _GNU_SOURCE
#include "../harness.h"
#include "../mems_test.h"

#include <core/meta.h>
#include <core/os.h>
#include <core/types.h>

#include "built_policies.h"

static struct maps_snapshot maps_before, maps_after;

struct scenario {
	const char *what;
	size_t page_size;
	/* The state before the operation; 0 when it was reached. */
	int (*prepare)(struct mems_heap *heap);
	/* The operation: 0 and its address, or -errno. */
	int (*operate)(struct mems_heap *heap, uintptr_t *v);
};

static int alloc_n(struct mems_heap *heap, size_t size, unsigned int n)
{
	void *v;

	while (n--)
		if (mems_heap_alloc(heap, size, &v))
			return -1;
	return 0;
}

static int nothing(struct mems_heap *heap)
{
	(void)heap;
	return 0;
}

static int alloc_100(struct mems_heap *heap, uintptr_t *v)
{
	void *p = NULL;
	int err = mems_heap_alloc(heap, 100, &p);

	*v = U(p);
	return err;
}

/* 64 one-slot nodes fill the heap's inline address slots. */
static int inline_slots_full(struct mems_heap *heap)
{
	return alloc_n(heap, 1024, MEMS_INLINE_ADDR_SLOTS);
}

/*
 * As inline_slots_full, and the records of the newest slab used up but
 * two: the next node grows the address table and needs a new slab.
 */
static int inline_slots_and_slab_full(struct mems_heap *heap)
{
	if (alloc_n(heap, 1024, MEMS_INLINE_ADDR_SLOTS - 1) ||
	    alloc_n(heap, 1, 1))
		return -1;
	while (mems_meta_records_left(&heap->meta) > 2)
		if (alloc_n(heap, 1, 1))
			return -1;
	return heap->nr_nodes == MEMS_INLINE_ADDR_SLOTS ? 0 : -1;
}

static int alloc_1024(struct mems_heap *heap, uintptr_t *v)
{
	void *p = NULL;
	int err = mems_heap_alloc(heap, 1024, &p);

	*v = U(p);
	return err;
}

/* A block at the start of a full node: it cannot grow in place. */
static int block_then_full(struct mems_heap *heap)
{
	return alloc_n(heap, 100, 1) || alloc_n(heap, 4096 - 100, 1);
}

static int move_first_block(struct mems_heap *heap, uintptr_t *v)
{
	void *p = NULL;
	int err = mems_heap_realloc(heap, V(1000), 5000, &p);

	*v = U(p);
	return err;
}

static int calloc_pages(struct mems_heap *heap, uintptr_t *v)
{
	void *p = NULL;
	int err = mems_heap_calloc(heap, 3, 4096, &p);

	*v = U(p);
	return err;
}

static const struct scenario scenarios[] = {
	{ "the first allocation", 4096, nothing, alloc_100 },
	{ "an allocation that moves the address table", 1024,
	  inline_slots_full, alloc_1024 },
	{ "an allocation that moves the address table and maps a slab", 1024,
	  inline_slots_and_slab_full, alloc_1024 },
	{ "a realloc that moves the block to a new node", 4096,
	  block_then_full, move_first_block },
	{ "a calloc of a new node", 4096, nothing, calloc_pages },
};

static struct mems_heap *scenario_heap(const struct scenario *s)
{
	const struct mems_heap_config cfg = { NULL, s->page_size, 1000, 1 };
	struct mems_heap *heap;

	if (mems_heap_create(&cfg, &heap))
		return NULL;
	if (s->prepare(heap)) {
		mems_heap_destroy(heap);
		return NULL;
	}
	return heap;
}

static unsigned long mmap_calls(const struct mems_heap *heap)
{
	struct mems_heap_stats stats;

	mems_heap_stats(heap, &stats);
	return stats.mmap_calls;
}

/* The mmap calls @s's operation makes, its address and the report after. */
static void scenario_reference(struct __test_metadata *_metadata,
			       const struct scenario *s, unsigned long *calls,
			       uintptr_t *v, char **report)
{
	struct mems_heap *heap = scenario_heap(s);
	unsigned long before;

	ASSERT_NE(NULL, heap) TH_LOG("%s: cannot prepare", s->what);
	before = mmap_calls(heap);
	ASSERT_EQ(0, s->operate(heap, v)) TH_LOG("%s", s->what);
	*calls = mmap_calls(heap) - before;
	*report = heap_stats_text(heap);
	mems_heap_destroy(heap);
}

/* @s's operation with its @nth mmap failing, then again without. */
static void scenario_fault(struct __test_metadata *_metadata,
			   const struct scenario *s, unsigned long nth,
			   uintptr_t want, const char *report_after)
{
	struct mems_heap *heap = scenario_heap(s);
	char *before, *after;
	uintptr_t v = 0;
	int err;

	ASSERT_NE(NULL, heap);
	before = heap_stats_text(heap);
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	mems_os_inject_faults(nth, 0);
	err = s->operate(heap, &v);
	mems_os_inject_faults(0, 0);
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	ASSERT_EQ(-ENOMEM, err) TH_LOG("%s, mmap %lu failing", s->what, nth);
	if (!on_valgrind()) {
		ASSERT_STREQ(maps_before.text, maps_after.text)
		TH_LOG("%s, mmap %lu failing, left mappings", s->what, nth);
	}
	after = heap_stats_text(heap);
	ASSERT_STREQ(before, after);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	free(after);
	ASSERT_EQ(0, s->operate(heap, &v));
	ASSERT_EQ(want, v);
	after = heap_stats_text(heap);
	ASSERT_STREQ(report_after, after);
	free(before);
	free(after);
	mems_heap_destroy(heap);
}

TEST(every_mmap_of_every_operation_may_fail)
{
	unsigned long calls, nth, sites = 0;
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *s = &scenarios[i];
		char *report;
		uintptr_t v;

		scenario_reference(_metadata, s, &calls, &v, &report);
		ASSERT_LT(0, calls) TH_LOG("%s maps nothing", s->what);
		for (nth = 1; nth <= calls; nth++)
			scenario_fault(_metadata, s, nth, v, report);
		sites += calls;
		free(report);
	}
	TH_LOG("%lu failing mmap calls in %zu operations", sites, i);
}

static const char *plain_policy, *map_policy;

/* Under a policy without the map, nodes over three chunks of slots. */
static int nodes_without_map(struct mems_heap *heap)
{
	if (mems_heap_set_policy(heap, plain_policy) || alloc_n(heap, 100, 1) ||
	    alloc_n(heap, 2 << 20, 1) || alloc_n(heap, 4096, 1))
		return -1;
	return heap->hole_map_on ? -1 : 0;
}

static int switch_to_map(struct mems_heap *heap, uintptr_t *v)
{
	*v = 0;
	return mems_heap_set_policy(heap, map_policy);
}

/*
 * A policy that searches the hole map has its chunks mapped for every
 * node when the heap switches to it: each of those mmap calls may fail,
 * and the switch then fails with -ENOMEM, the old policy still in place
 * and nothing left mapped.
 */
TEST(a_switch_to_the_hole_map_may_fail_at_every_mmap)
{
	const struct scenario s = { "a switch to the hole map", 4096,
				    nodes_without_map, switch_to_map };
	struct mems_heap *heap;
	unsigned long calls, nth;
	char *report;
	uintptr_t v;

	plain_policy = policy_on_map(false);
	map_policy = policy_on_map(true);
	if (!plain_policy || !map_policy)
		SKIP(return, "no two built policies, one on the map");
	scenario_reference(_metadata, &s, &calls, &v, &report);
	/* Chunk 0 leaves the heap, chunks 1 and 2 are mapped. */
	ASSERT_EQ(3, calls);
	for (nth = 1; nth <= calls; nth++) {
		scenario_fault(_metadata, &s, nth, v, report);
		heap = scenario_heap(&s);
		ASSERT_NE(NULL, heap);
		mems_os_inject_faults(nth, 0);
		ASSERT_EQ(-ENOMEM, mems_heap_set_policy(heap, map_policy));
		mems_os_inject_faults(0, 0);
		ASSERT_STREQ(plain_policy, mems_heap_policy(heap));
		ASSERT_FALSE(heap->hole_map_on);
		ASSERT_FALSE(heap->addr_table.chunks.extra_on);
		ASSERT_NULL(heap->addr_table.chunks.dir[1].col[ADDR_COL_CLASS]);
		mems_heap_destroy(heap);
	}
	free(report);
}

/* Creating a heap maps its object: that may fail too, leaving nothing. */
TEST(heap_create_fails_cleanly)
{
	struct mems_heap *heap = NULL;

	ASSERT_EQ(0, maps_snapshot(&maps_before));
	mems_os_inject_faults(1, 0);
	ASSERT_EQ(-ENOMEM, mems_heap_create(NULL, &heap));
	mems_os_inject_faults(0, 0);
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	if (!on_valgrind()) {
		ASSERT_STREQ(maps_before.text, maps_after.text);
	}
	ASSERT_NULL(heap);
}

/* The course API says so with NULL and ENOMEM. */
TEST(malloc_of_the_course_fails_with_enomem)
{
	char *before, *after;

	mems_init();
	ASSERT_EQ(CONFIG_MEMS_VIRT_BASE, U(mems_malloc(10)));
	before = stats_text();
	mems_os_inject_faults(1, 0);
	errno = 0;
	ASSERT_NULL(mems_malloc(node_bytes_for(10) + 1));
	mems_os_inject_faults(0, 0);
	ASSERT_EQ(ENOMEM, errno);
	after = stats_text();
	ASSERT_STREQ(before, after);
	free(before);
	free(after);
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

/*
 * A trim whose munmap fails, and a destroy whose munmaps fail one by one:
 * the pages stay mapped (nothing can be done), the heap stays sound.
 */
TEST(a_failed_munmap_leaves_the_heap_sound)
{
	const struct mems_heap_config cfg = { NULL, 4096, 1000, 1 };
	struct mems_heap *heap;
	unsigned long nth;
	void *v;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	ASSERT_EQ(0, mems_heap_alloc(heap, 100, &v));
	ASSERT_EQ(0, mems_heap_alloc(heap, 5000, &v));
	mems_os_inject_faults(0, 1);
	ASSERT_EQ(0, mems_heap_free(heap, v));
	mems_os_inject_faults(0, 0);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	ASSERT_NULL(mems_heap_get(heap, v));
	ASSERT_EQ(0, mems_heap_alloc(heap, 5000, &v));
	ASSERT_EQ(1000 + 4096 + 8192, U(v));
	mems_heap_destroy(heap);
	for (nth = 1; nth <= 4; nth++) {
		ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
		ASSERT_EQ(0, mems_heap_alloc(heap, 100, &v));
		mems_os_inject_faults(0, nth);
		mems_heap_reset(heap);
		mems_os_inject_faults(0, 0);
		ASSERT_EQ(0, mems_heap_check(heap, stderr));
		ASSERT_EQ(0, mems_heap_alloc(heap, 100, &v));
		ASSERT_EQ(1000, U(v));
		mems_heap_destroy(heap);
	}
}

TEST_HARNESS_MAIN
