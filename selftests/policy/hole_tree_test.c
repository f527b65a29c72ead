// SPDX-License-Identifier: MIT
/*
 * hole_tree_test.c - best-fit's B+-tree (policy/hole_tree.c) against a
 * sorted array, over random inserts, erases, updates and lower bounds,
 * with the tree's checker after every change; and a best-fit heap whose
 * frees find the tree's nodes reserved while every mmap fails.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <string.h>

#include "../harness.h"

#include <mems/heap.h>
#include <core/meta.h>
#include <core/os.h>
#include <core/types.h>
#include <policy/hole_tree.h>

#ifdef CONFIG_MEMS_BEST_FIT

#define NR_SEGS 4096

struct ref_key {
	uintptr_t size;
	uintptr_t start;
	struct mems_seg *seg;
};

struct ref {
	struct ref_key keys[NR_SEGS];
	size_t nr;
};

static struct mems_seg segs[NR_SEGS];
static struct ref ref;

static bool ref_less(uintptr_t size, uintptr_t start, const struct ref_key *k)
{
	return size < k->size || (size == k->size && start < k->start);
}

/* The first key at or above (size, start): the answer the tree must give. */
static size_t ref_lower_bound(uintptr_t size, uintptr_t start)
{
	size_t i = 0;

	while (i < ref.nr && ref_less(ref.keys[i].size, ref.keys[i].start,
				      &(struct ref_key){ size, start, NULL }))
		i++;
	return i;
}

static void ref_insert(uintptr_t size, uintptr_t start, struct mems_seg *seg)
{
	size_t i = ref_lower_bound(size, start);

	memmove(&ref.keys[i + 1], &ref.keys[i],
		(ref.nr - i) * sizeof(ref.keys[0]));
	ref.keys[i] = (struct ref_key){ size, start, seg };
	ref.nr++;
}

static void ref_erase(size_t i)
{
	memmove(&ref.keys[i], &ref.keys[i + 1],
		(ref.nr - i - 1) * sizeof(ref.keys[0]));
	ref.nr--;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * Starts are unique, as holes' are: start s is segs[s - 1]'s.  Sizes
 * come from a small range, so that many keys tie on size.
 */
static uintptr_t free_start(const bool *used)
{
	uintptr_t s;

	do
		s = rng() % NR_SEGS;
	while (used[s]);
	return s + 1;
}

/* The tree in order is exactly the reference, and checks out. */
static int tree_matches(const struct hole_tree *tree, const struct mems_meta *meta)
{
	size_t i;

	if (hole_tree_check(tree, NULL, NULL))
		return -1;
	if (tree->nr_keys != ref.nr || tree->nr_nodes != meta->live_pairs)
		return -1;
	if (tree->nr_nodes > hole_tree_max_nodes(ref.nr))
		return -1;
	for (i = 0; i < ref.nr; i++)
		if (hole_tree_lower_bound(tree, ref.keys[i].size,
					  ref.keys[i].start) != ref.keys[i].seg)
			return -1;
	return 0;
}

/* Room for any change of a tree of @keys + 1 keys, as the core keeps it. */
static int reserve(struct mems_meta *meta, struct mems_os_stats *os,
		   size_t keys)
{
	size_t pairs = hole_tree_max_nodes(keys + 1);

	return mems_meta_reserve(meta, os, 0,
				 pairs > meta->live_pairs ?
					 pairs - meta->live_pairs : 0);
}

TEST(random_changes_match_a_sorted_array)
{
	static bool used[NR_SEGS];
	struct mems_os_stats os = { 0 };
	struct mems_meta meta;
	struct hole_tree tree;
	size_t step, i, slabs;
	uintptr_t size, start;

	memset(used, 0, sizeof(used));
	ref.nr = 0;
	mems_meta_setup(&meta, 4096);
	hole_tree_init(&tree);
	for (step = 0; step < 40000; step++) {
		unsigned int op = rng() % 8;

		/* Grow to about 2000 keys, then churn around there. */
		if (ref.nr < 2000 && step < 20000)
			op = op < 5 ? 0 : op;
		ASSERT_EQ(0, reserve(&meta, &os, ref.nr));
		slabs = meta.nr_slabs;
		if (op <= 2 && ref.nr < NR_SEGS / 2) {
			size = 1 + rng() % 64;
			start = free_start(used);
			used[start - 1] = true;
			hole_tree_insert(&tree, &meta, size, start,
					 &segs[start - 1]);
			ref_insert(size, start, &segs[start - 1]);
		} else if (op <= 4 && ref.nr) {
			i = rng() % ref.nr;
			used[ref.keys[i].start - 1] = false;
			hole_tree_erase(&tree, &meta, ref.keys[i].size,
					ref.keys[i].start);
			ref_erase(i);
		} else if (op <= 6 && ref.nr) {
			struct ref_key old;

			i = rng() % ref.nr;
			old = ref.keys[i];
			/* Often a carve's step: smaller and later. */
			size = old.size > 1 && rng() % 2 ?
				       old.size - 1 - rng() % (old.size - 1) :
				       1 + rng() % 64;
			used[old.start - 1] = false;
			start = rng() % 4 ? old.start : free_start(used);
			used[start - 1] = true;
			ref_erase(i);
			ref_insert(size, start, &segs[start - 1]);
			hole_tree_update(&tree, &meta, old.size, old.start,
					 size, start, &segs[start - 1]);
		} else {
			size = rng() % 70;
			start = rng() % 2 ? 0 : rng() % (NR_SEGS + 2);
			i = ref_lower_bound(size, start);
			ASSERT_EQ(i < ref.nr ? ref.keys[i].seg : NULL,
				  hole_tree_lower_bound(&tree, size, start))
			TH_LOG("step %zu: lower bound of (%zu, %zu)", step,
			       (size_t)size, (size_t)start);
		}
		/* The tree took only what was reserved: no slab, no overrun. */
		ASSERT_EQ(slabs, meta.nr_slabs);
		ASSERT_TRUE(meta.unused <= meta.unused_end);
		if (step % 97 == 0 || ref.nr < 40)
			ASSERT_EQ(0, tree_matches(&tree, &meta))
			TH_LOG("step %zu, %zu keys", step, ref.nr);
	}
	ASSERT_EQ(0, tree_matches(&tree, &meta));
	if (ref.nr) {
		uintptr_t last = 0;

		ASSERT_EQ(ref.keys[ref.nr - 1].seg, hole_tree_last(&tree, &last));
		ASSERT_EQ(ref.keys[ref.nr - 1].size, last);
	}
	/* Erased down to nothing: every pair goes back. */
	while (ref.nr) {
		i = rng() % ref.nr;
		hole_tree_erase(&tree, &meta, ref.keys[i].size,
				ref.keys[i].start);
		ref_erase(i);
		ASSERT_EQ(0, tree_matches(&tree, &meta));
	}
	ASSERT_EQ(NULL, tree.root);
	ASSERT_EQ(0, tree.height);
	ASSERT_EQ(0, meta.live_pairs);
	mems_meta_release(&meta, &os);
	ASSERT_EQ(os.mmap_calls, os.munmap_calls);
}

/* Ascending, then descending inserts: splits at either edge only. */
TEST(sorted_inserts_and_clear)
{
	struct mems_os_stats os = { 0 };
	struct mems_meta meta;
	struct hole_tree tree;
	uintptr_t k, last;

	mems_meta_setup(&meta, 4096);
	hole_tree_init(&tree);
	ASSERT_EQ(NULL, hole_tree_lower_bound(&tree, 1, 0));
	ASSERT_EQ(NULL, hole_tree_last(&tree, &last));
	for (k = 1; k <= 1000; k++) {
		ASSERT_EQ(0, reserve(&meta, &os, tree.nr_keys));
		hole_tree_insert(&tree, &meta, k, 2 * k, &segs[k]);
		ASSERT_EQ(0, reserve(&meta, &os, tree.nr_keys));
		hole_tree_insert(&tree, &meta, 3000 - k, 2 * k + 1,
				 &segs[3000 - k]);
	}
	ASSERT_EQ(NULL, hole_tree_check(&tree, NULL, NULL));
	ASSERT_EQ(2000, tree.nr_keys);
	/* Between the two runs: the first of the descending run. */
	ASSERT_EQ(&segs[2000], hole_tree_lower_bound(&tree, 1001, 0));
	ASSERT_EQ(&segs[500], hole_tree_lower_bound(&tree, 500, 1000));
	ASSERT_EQ(&segs[501], hole_tree_lower_bound(&tree, 500, 1001));
	ASSERT_EQ(NULL, hole_tree_lower_bound(&tree, 3000, 0));
	ASSERT_EQ(&segs[2999], hole_tree_last(&tree, &last));
	ASSERT_EQ(2999, last);
	ASSERT_EQ(tree.nr_nodes, meta.live_pairs);
	hole_tree_clear(&tree, &meta);
	ASSERT_EQ(0, meta.live_pairs);
	ASSERT_EQ(NULL, tree.root);
	mems_meta_release(&meta, &os);
}

/* The checker finds a key out of order, and a count that is off. */
TEST(check_catches_faults)
{
	struct mems_os_stats os = { 0 };
	struct hole_tree_node *leaf;
	struct mems_meta meta;
	struct hole_tree tree;
	uintptr_t k, saved;

	mems_meta_setup(&meta, 4096);
	hole_tree_init(&tree);
	for (k = 1; k <= 100; k++) {
		ASSERT_EQ(0, reserve(&meta, &os, k));
		hole_tree_insert(&tree, &meta, k, k, &segs[k]);
	}
	ASSERT_EQ(NULL, hole_tree_check(&tree, NULL, NULL));
	for (leaf = tree.root; !leaf->leaf; leaf = leaf->child[0])
		;
	saved = leaf->size[0];
	leaf->size[0] = leaf->size[1] + 1;
	ASSERT_STREQ("keys out of order", hole_tree_check(&tree, NULL, NULL));
	leaf->size[0] = saved;
	tree.nr_keys++;
	ASSERT_STREQ("wrong key count", hole_tree_check(&tree, NULL, NULL));
	tree.nr_keys--;
	leaf->nr = 1;
	ASSERT_STREQ("node fill out of bounds",
		     hole_tree_check(&tree, NULL, NULL));
	mems_meta_release(&meta, &os);
}

/*
 * Frees that each make a new hole, between two blocks, insert into the
 * tree: the pairs were reserved by the carves, so no free maps, and
 * none fails with the next mmap set to fail, nor maps.
 */
TEST(frees_need_no_mapping)
{
	const struct mems_heap_config cfg = { "best-fit", 4096, 4096, 16 };
	struct mems_heap_stats st, prev;
	static void *v[3000];
	struct mems_heap *heap;
	size_t i;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	/* 16, 48, 80 and 112 bytes fill each 4096-byte node to the end. */
	for (i = 0; i < 3000; i++)
		ASSERT_EQ(0, mems_heap_alloc(heap, 16 + 32 * (i % 4), &v[i]));
	mems_heap_stats(heap, &prev);
	mems_os_inject_faults(1, 0);
	for (i = 0; i < 3000; i += 2)
		ASSERT_EQ(0, mems_heap_free(heap, v[i])) TH_LOG("free %zu", i);
	mems_heap_stats(heap, &st);
	mems_os_inject_faults(0, 0);
	ASSERT_EQ(prev.mmap_calls, st.mmap_calls);
	/* The last node's tail, and one hole for each block freed. */
	ASSERT_EQ(1, prev.holes);
	ASSERT_EQ(1 + 1500, st.holes);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	for (i = 1; i < 3000; i += 2)
		ASSERT_EQ(0, mems_heap_free(heap, v[i]));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

#else

TEST(best_fit_not_built)
{
	SKIP(return, "best-fit is not built in");
}

#endif

TEST_HARNESS_MAIN
