// SPDX-License-Identifier: MIT
/*
 * trim_test.c - giving memory back: nodes that are one whole hole are
 * released by the trim threshold after a free or by mems_heap_trim(),
 * lowest addresses first; their pages are unmapped, their virtual
 * addresses rejected and never handed out again; the checker sees
 * released space and the counts of empty nodes.
 *
 * The heaps have 100-byte pages from address 1000 and granule 1.
 */
#define _GNU_SOURCE
#include "../harness.h"
#include "../mems_test.h"

#include <core/addr_table.h>
#include <core/types.h>

#include "built_policies.h"

static struct mems_heap *heap_of(const char *policy, long threshold)
{
	const struct mems_heap_config cfg = { policy, 100, 1000, 1 };
	struct mems_heap *heap;

	if (mems_heap_create(&cfg, &heap))
		return NULL;
	if (mems_heap_set_trim_threshold(heap, threshold)) {
		mems_heap_destroy(heap);
		return NULL;
	}
	return heap;
}

/* The chunks, but the inline chunk 0, whose hole map columns are mapped. */
static size_t map_columns_mapped(const struct mems_sparse_table *chunks)
{
	size_t c, n = 0;

	for (c = !!chunks->inline_entries; c < chunks->dir_len; c++)
		n += chunks->dir[c].col[ADDR_COL_CLASS] != NULL;
	return n;
}

static uintptr_t alloc(struct mems_heap *heap, size_t size)
{
	void *v = NULL;

	return mems_heap_alloc(heap, size, &v) ? 0 : U(v);
}

/* Four one-page nodes, each one block of 100 bytes: 1000, 1100, ... */
static struct mems_heap *four_full_nodes(long threshold, void *phys[4])
{
	struct mems_heap *heap = heap_of(NULL, threshold);
	int i;

	if (!heap)
		return NULL;
	for (i = 0; i < 4; i++) {
		if (alloc(heap, 100) != 1000 + 100 * (uintptr_t)i)
			abort();
		phys[i] = mems_heap_get(heap, V(1000 + 100 * i));
	}
	return heap;
}

/* The report of nodes at @starts (one page each), 'P' or 'H' whole. */
static char *report_of(const uintptr_t *starts, const char *types)
{
	struct model m;
	size_t i;

	model_init(&m, 100);
	for (i = 0; types[i]; i++) {
		model_node(&m, starts[i], 1);
		model_seg(&m, types[i], 100);
	}
	return model_report(&m);
}

#define ASSERT_NODES(heap, types, ...)                         \
	do {                                                   \
		const uintptr_t starts_[] = { __VA_ARGS__ };   \
		char *expected_ = report_of(starts_, (types)); \
		char *seen_ = heap_stats_text(heap);           \
                                                               \
		ASSERT_STREQ(expected_, seen_);                \
		free(expected_);                               \
		free(seen_);                                   \
		ASSERT_EQ(0, mems_heap_check((heap), stderr)); \
	} while (0)

TEST(heaps_start_with_the_configured_threshold)
{
	const struct mems_heap_config cfg = { NULL, 100, 1000, 1 };
	struct mems_heap *heap;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(CONFIG_MEMS_TRIM_THRESHOLD, mems_heap_trim_threshold(heap));
	ASSERT_EQ(-EINVAL, mems_heap_set_trim_threshold(heap, -2));
	ASSERT_EQ(CONFIG_MEMS_TRIM_THRESHOLD, mems_heap_trim_threshold(heap));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 4096));
	ASSERT_EQ(4096, mems_heap_trim_threshold(heap));
	mems_heap_destroy(heap);
}

TEST(threshold_minus_one_keeps_every_empty_node)
{
	struct mems_heap *heap;
	void *phys[4];

	heap = four_full_nodes(-1, phys);
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(0, mems_heap_free(heap, V(1200)));
	ASSERT_NODES(heap, "HPHP", 1000, 1100, 1200, 1300);
	ASSERT_EQ(1, mapped(phys[0], 100));
	mems_heap_destroy(heap);
}

TEST(threshold_zero_releases_a_node_as_it_empties)
{
	struct mems_heap *heap;
	void *phys[4];
	void *out;

	heap = four_full_nodes(0, phys);
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(0, mems_heap_free(heap, V(1100)));
	ASSERT_NODES(heap, "PPP", 1000, 1200, 1300);
	ASSERT_EQ(0, mapped(phys[1], 100));
	ASSERT_EQ(1, mapped(phys[0], 100));
	/* Its addresses are no block's, and are not handed out again. */
	ASSERT_NULL(mems_heap_get(heap, V(1100)));
	ASSERT_NULL(mems_heap_get(heap, V(1150)));
	ASSERT_EQ(-EINVAL, mems_heap_free(heap, V(1100)));
	ASSERT_EQ(-EINVAL, mems_heap_realloc(heap, V(1100), 10, &out));
	ASSERT_EQ(1400, alloc(heap, 100));
	ASSERT_NODES(heap, "PPPP", 1000, 1200, 1300, 1400);
	/* The last node too: the next one still starts past it. */
	ASSERT_EQ(0, mems_heap_free(heap, V(1400)));
	ASSERT_NODES(heap, "PPP", 1000, 1200, 1300);
	ASSERT_NULL(mems_heap_get(heap, V(1400)));
	ASSERT_EQ(1500, alloc(heap, 50));
	mems_heap_destroy(heap);
}

TEST(threshold_keeps_the_newest_empty_nodes_within_it)
{
	struct mems_heap *heap;
	void *phys[4];

	heap = four_full_nodes(150, phys);
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(0, mems_heap_free(heap, V(1100)));
	ASSERT_NODES(heap, "PHPP", 1000, 1100, 1200, 1300);
	/* 200 bytes of empty nodes: the lowest goes. */
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_NODES(heap, "HPP", 1100, 1200, 1300);
	ASSERT_EQ(0, mapped(phys[0], 100));
	ASSERT_EQ(1, mapped(phys[1], 100));
	ASSERT_EQ(0, mems_heap_free(heap, V(1300)));
	ASSERT_NODES(heap, "PH", 1200, 1300);
	ASSERT_EQ(0, mapped(phys[1], 100));
	/* An empty node that is used again is no longer empty. */
	ASSERT_EQ(1300, alloc(heap, 100));
	ASSERT_EQ(0, mems_heap_free(heap, V(1200)));
	ASSERT_NODES(heap, "HP", 1200, 1300);
	mems_heap_destroy(heap);
}

TEST(raising_the_threshold_releases_nothing_lowering_it_does)
{
	struct mems_heap *heap;
	void *phys[4];

	heap = four_full_nodes(-1, phys);
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(0, mems_heap_free(heap, V(1200)));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 200));
	ASSERT_NODES(heap, "HPHP", 1000, 1100, 1200, 1300);
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 199));
	ASSERT_NODES(heap, "PHP", 1100, 1200, 1300);
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	ASSERT_NODES(heap, "PP", 1100, 1300);
	ASSERT_EQ(0, mapped(phys[0], 100));
	ASSERT_EQ(0, mapped(phys[2], 100));
	mems_heap_destroy(heap);
}

TEST(trim_releases_on_demand_and_says_whether_it_did)
{
	struct mems_heap *heap;
	void *phys[4];

	heap = four_full_nodes(-1, phys);
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(0, mems_heap_trim(heap, 0));
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(0, mems_heap_free(heap, V(1100)));
	ASSERT_EQ(0, mems_heap_free(heap, V(1300)));
	ASSERT_EQ(1, mems_heap_trim(heap, 150));
	ASSERT_NODES(heap, "PH", 1200, 1300);
	ASSERT_EQ(0, mems_heap_trim(heap, 150));
	ASSERT_EQ(0, mems_heap_trim(heap, 100));
	ASSERT_EQ(1, mems_heap_trim(heap, 99));
	ASSERT_NODES(heap, "P", 1200);
	ASSERT_EQ(0, mapped(phys[3], 100));
	/* Threshold -1 still: emptying the last node keeps it. */
	ASSERT_EQ(0, mems_heap_free(heap, V(1200)));
	ASSERT_NODES(heap, "H", 1200);
	ASSERT_EQ(1, mems_heap_trim(heap, 0));
	ASSERT_NODES(heap, "");
	ASSERT_EQ(1400, alloc(heap, 1));
	mems_heap_destroy(heap);
}

/* A node with a block and a hole is not empty, whatever its hole. */
TEST(only_whole_holes_are_released)
{
	struct mems_heap *heap = heap_of(NULL, 0);
	struct model m;
	char *expected, *seen;

	ASSERT_NE(NULL, heap);
	ASSERT_EQ(1000, alloc(heap, 60));
	ASSERT_EQ(1060, alloc(heap, 30));
	ASSERT_EQ(0, mems_heap_free(heap, V(1060)));
	model_init(&m, 100);
	model_node(&m, 1000, 1);
	model_seg(&m, 'P', 60);
	model_rest_hole(&m);
	expected = model_report(&m);
	seen = heap_stats_text(heap);
	ASSERT_STREQ(expected, seen);
	free(expected);
	free(seen);
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_NODES(heap, "");
	mems_heap_destroy(heap);
}

/*
 * Next-fit's rover left inside a released node: the search goes on at
 * the first hole after it (1270), not back at the lowest (1060).
 */
TEST(next_fit_resumes_after_released_space)
{
	struct mems_heap *heap;

	if (!policy_built("next-fit"))
		SKIP(return, "next-fit is not built in");
	heap = heap_of("next-fit", 0);
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(1000, alloc(heap, 60));
	ASSERT_EQ(1100, alloc(heap, 50));
	ASSERT_EQ(1200, alloc(heap, 70));
	ASSERT_EQ(1150, alloc(heap, 45));
	ASSERT_EQ(0, mems_heap_free(heap, V(1100)));
	ASSERT_EQ(0, mems_heap_free(heap, V(1150)));
	ASSERT_NULL(mems_heap_get(heap, V(1195)));
	ASSERT_EQ(1270, alloc(heap, 20));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/*
 * Each of the 40 blocks translated at both ends, through a byte of its
 * own: a slot names the segment holding its last byte, up to 16 nodes
 * on, and the look-up steps back node by node.
 */
static void expect_own_bytes(struct __test_metadata *_metadata,
			     struct mems_heap *heap, const uintptr_t *v,
			     int skip_mod)
{
	unsigned char *first, *last;
	int i;

	for (i = 0; i < 40; i++) {
		if (i % 3 == skip_mod)
			continue;
		first = mems_heap_get(heap, V(v[i]));
		ASSERT_NE(NULL, first);
		*first = (unsigned char)i;
	}
	for (i = 0; i < 40; i++) {
		if (i % 3 == skip_mod)
			continue;
		first = mems_heap_get(heap, V(v[i]));
		last = mems_heap_get(heap, V(v[i] + 63));
		ASSERT_EQ(first + 63, last);
		ASSERT_EQ(i, *first);
	}
}

/* Slots of small pages straddle nodes and released space alike. */
TEST(released_space_inside_an_address_slot)
{
	const struct mems_heap_config cfg = { NULL, 64, 1000, 1 };
	struct mems_heap *heap;
	uintptr_t v[40];
	int i;

	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	for (i = 0; i < 40; i++) {
		v[i] = alloc(heap, 64);
		ASSERT_EQ(1000 + 64 * (uintptr_t)i, v[i]);
	}
	expect_own_bytes(_metadata, heap, v, -1);
	for (i = 1; i < 40; i += 3)
		ASSERT_EQ(0, mems_heap_free(heap, V(v[i])));
	for (i = 0; i < 40; i++) {
		bool live = i % 3 != 1;

		ASSERT_EQ(live, mems_heap_get(heap, V(v[i] + 63)) != NULL);
		ASSERT_EQ(live, mems_heap_get(heap, V(v[i])) != NULL);
	}
	expect_own_bytes(_metadata, heap, v, 1);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	for (i = 0; i < 40; i += 3)
		ASSERT_EQ(0, mems_heap_free(heap, V(v[i])));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	ASSERT_EQ(1000 + 64 * 40, alloc(heap, 100));
	mems_heap_destroy(heap);
}

static struct mems_node *nth_node(struct mems_heap *heap, int n)
{
	struct mems_node *node;

	heap_for_each_node(node, heap)
		if (!n--)
			return node;
	return NULL;
}

/* Broken on purpose through the internal header, and caught. */
TEST(check_detects_wrong_counts_of_empty_and_released_nodes)
{
	struct mems_node stray = { 0 };
	struct mems_heap *heap;
	void *phys[4];

	heap = four_full_nodes(-1, phys);
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(0, mems_heap_free(heap, V(1200)));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	heap->empty_bytes++;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	heap->empty_bytes--;
	/* The walk of a trim starts at lowest_empty: none may lie before. */
	heap->lowest_empty = nth_node(heap, 0);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	heap->lowest_empty = nth_node(heap, 1);
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	heap->lowest_empty = &stray;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	heap->lowest_empty = NULL;
	ASSERT_EQ(1, mems_heap_trim(heap, 0));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	heap->released_pages++;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	heap->released_pages--;
	/* Over the threshold without a trim. */
	heap->trim_threshold = 0;
	ASSERT_EQ(0, mems_heap_free(heap, V(1100)));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	heap->trim_threshold = -1;
	ASSERT_EQ(0, mems_heap_free(heap, V(1300)));
	heap->trim_threshold = 99;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	heap->trim_threshold = 100;
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/*
 * Pages of 1 KiB, one address slot each: 1000, 2024 and 3048.  A slot of
 * released space names the node after it, so that carving that node's
 * first segment leaves it right.
 */
TEST(released_space_names_the_node_after_it)
{
	const struct mems_heap_config cfg = { NULL, 1024, 1000, 1 };
	struct mems_addr_table *table;
	struct mems_heap *heap;

	ASSERT_EQ(MEMS_ADDR_SLOT_BYTES, cfg.page_size);
	ASSERT_EQ(0, mems_heap_create(&cfg, &heap));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	ASSERT_EQ(1000, alloc(heap, 1024));
	ASSERT_EQ(2024, alloc(heap, 1024));
	ASSERT_EQ(3048, alloc(heap, 1024));
	table = &heap->addr_table;
	ASSERT_EQ(0, mems_heap_free(heap, V(2024)));
	ASSERT_EQ(addr_slot_node_entry(nth_node(heap, 1)),
		  table->inline_slots[1]);
	table->inline_slots[1] = NULL;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	table->inline_slots[1] = table->inline_slots[2];
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	table->inline_slots[1] = addr_slot_node_entry(nth_node(heap, 1));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	ASSERT_EQ(0, mems_heap_free(heap, V(3048)));
	/* No node follows: the flag alone. */
	ASSERT_EQ(addr_slot_node_entry(NULL), table->inline_slots[1]);
	ASSERT_EQ(addr_slot_node_entry(NULL), table->inline_slots[2]);
	table->inline_slots[2] = addr_slot_node_entry(nth_node(heap, 0));
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	table->inline_slots[2] = NULL;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	table->inline_slots[2] = addr_slot_node_entry(NULL);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	ASSERT_NULL(mems_heap_get(heap, V(3048)));
	/* 4072 - 1000 is in slot 3: slots 1 and 2 now name its node. */
	ASSERT_EQ(4072, alloc(heap, 10));
	ASSERT_EQ(addr_slot_node_entry(nth_node(heap, 1)),
		  table->inline_slots[1]);
	ASSERT_EQ(table->inline_slots[1], table->inline_slots[2]);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/*
 * Small pages: released space and nodes share slots.  First-fit, so that
 * the freed byte at 1100 is the one reused.
 */
TEST(blocks_after_released_space_in_one_slot)
{
	const struct mems_heap_config cfg = { "first-fit", 100, 1000, 1 };
	struct mems_heap *heap;

	if (mems_heap_create(&cfg, &heap) == -ENOENT)
		SKIP(return, "first-fit is not built");
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	ASSERT_EQ(1000, alloc(heap, 100));
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(1100, alloc(heap, 1));
	ASSERT_EQ(1101, alloc(heap, 1));
	ASSERT_NE(NULL, mems_heap_get(heap, V(1100)));
	ASSERT_NE(NULL, mems_heap_get(heap, V(1101)));
	ASSERT_NULL(mems_heap_get(heap, V(1099)));
	ASSERT_EQ(0, mems_heap_free(heap, V(1100)));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	ASSERT_EQ(1100, alloc(heap, 1));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/*
 * The address table's chunks follow the nodes.  Chunk c holds the slots
 * of [1000 + c MiB, 1000 + (c + 1) MiB); a node asks for its chunks when
 * it is mapped, and those no other node overlaps are unmapped with it.
 * Pages of 100 bytes: 8 bytes a slot, 1024 slots, 8200 bytes a chunk;
 * for a policy that uses the hole map, its columns in a second mapping
 * of each chunk, 9 bytes a slot, 9300 bytes.
 */
TEST(address_chunks_are_mapped_with_nodes_and_unmapped_after_them)
{
	struct mems_heap *heap = heap_of(NULL, 0);
	const size_t mib = MEMS_ADDR_SLOT_BYTES << MEMS_ADDR_CHUNK_SHIFT;
	struct mems_heap_stats st, prev;
	struct mems_sparse_table *chunks;
	void *chunk0, *chunk1, *chunk2;
	size_t chunk_bytes;
	bool on;

	ASSERT_NE(NULL, heap);
	ASSERT_EQ(1024 * 1024, mib);
	chunks = &heap->addr_table.chunks;
	on = heap->hole_map_on;
	ASSERT_EQ(8200, chunks->chunk_bytes);
	ASSERT_EQ(9300, chunks->extra_bytes);
	chunk_bytes = 8200 + (on ? 9300 : 0);
	/* One page at 1000, in the heap's own slots. */
	ASSERT_EQ(1000, alloc(heap, 100));
	ASSERT_EQ(0, chunks->nr_mapped);
	ASSERT_EQ(MEMS_INLINE_ADDR_SLOTS, chunks->inline_entries);
	mems_heap_stats(heap, &prev);
	/* 20972 pages at 1100, to 2098299: slots 0 to 2048, chunks 0-2. */
	ASSERT_EQ(1100, alloc(heap, 2 * mib));
	mems_heap_stats(heap, &st);
	ASSERT_EQ(0, chunks->inline_entries);
	ASSERT_EQ(3, chunks->nr_mapped);
	ASSERT_EQ(2, chunks->dir[0].users);
	ASSERT_EQ(1, chunks->dir[1].users);
	ASSERT_EQ(1, chunks->dir[2].users);
	ASSERT_NULL(chunks->dir[3].col[0]);
	chunk0 = chunks->dir[0].col[0];
	chunk1 = chunks->dir[1].col[0];
	chunk2 = chunks->dir[2].col[0];
	ASSERT_EQ(1, mapped(chunk0, 1));
	ASSERT_EQ(1, mapped(chunk1, 1));
	ASSERT_EQ(1, mapped(chunk2, 1));
	ASSERT_EQ(on ? 3 : 0, map_columns_mapped(chunks));
	/* Three chunks and the levels above level 0 (4096 slots, 200). */
	ASSERT_EQ(prev.meta_bytes + 3 * chunk_bytes + 200, st.meta_bytes);
	/* No hole holds 100 bytes: a node at 2098300, slot 2048, chunk 2. */
	ASSERT_EQ(2098300, alloc(heap, 100));
	ASSERT_EQ(2, chunks->dir[2].users);
	ASSERT_EQ(3, chunks->nr_mapped);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));

	/* The big node goes: chunk 1 has no node left, and is unmapped. */
	mems_heap_stats(heap, &prev);
	ASSERT_EQ(0, mems_heap_free(heap, V(1100)));
	mems_heap_stats(heap, &st);
	ASSERT_EQ(2, st.nodes);
	ASSERT_EQ(prev.meta_bytes - chunk_bytes, st.meta_bytes);
	ASSERT_EQ(2, chunks->nr_mapped);
	ASSERT_EQ(on ? 2 : 0, map_columns_mapped(chunks));
	ASSERT_NULL(chunks->dir[1].col[0]);
	ASSERT_EQ(0, mapped(chunk1, 1));
	ASSERT_EQ(1, mapped(chunk0, 1));
	ASSERT_EQ(1, mapped(chunk2, 1));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	/* Released space in a chunk not mapped is no block. */
	ASSERT_NULL(mems_heap_get(heap, V(1100 + mib)));
	ASSERT_NE(NULL, mems_heap_get(heap, V(2098300)));

	/* The checker counts each chunk's nodes. */
	chunks->dir[2].users++;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	chunks->dir[2].users--;
	chunks->dir[1].col[0] = chunk2;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	chunks->dir[1].col[0] = NULL;
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	/* And that a chunk's entry i is at its base + i * size. */
	chunks->dir[2].base[ADDR_COL_SLOT]++;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	chunks->dir[2].base[ADDR_COL_SLOT]--;
	ASSERT_EQ((uintptr_t)chunk2 - 2048 * sizeof(void *),
		  chunks->dir[2].base[ADDR_COL_SLOT]);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	/* The map's heads of lists, after its level 0; none without it. */
	chunks->dir[2].base[ADDR_COL_HOLES]++;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	chunks->dir[2].base[ADDR_COL_HOLES]--;
	ASSERT_EQ(on ? (uintptr_t)chunks->dir[2].col[ADDR_COL_CLASS] + 1024 -
				  2048 * sizeof(void *) :
		       0,
		  chunks->dir[2].base[ADDR_COL_HOLES]);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));

	/* The first node goes: chunk 0 too; a look-up there skips to 2. */
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(1, chunks->nr_mapped);
	ASSERT_EQ(0, mapped(chunk0, 1));
	ASSERT_NULL(mems_heap_get(heap, V(1000)));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	ASSERT_EQ(0, mems_heap_free(heap, V(2098300)));
	ASSERT_EQ(0, chunks->nr_mapped);
	ASSERT_EQ(0, mapped(chunk2, 1));
	mems_heap_stats(heap, &st);
	ASSERT_EQ(0, st.nodes);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/*
 * The hole map's columns are mapped only for a policy that searches the
 * map: a switch to one maps them for every chunk, 9300 bytes a chunk
 * with pages of 100 bytes, and a switch back unmaps them all.
 */
TEST(hole_map_columns_come_and_go_with_a_policy_on_the_map)
{
	const char *plain = policy_on_map(false), *on_map = policy_on_map(true);
	const size_t mib = MEMS_ADDR_SLOT_BYTES << MEMS_ADDR_CHUNK_SHIFT;
	struct mems_heap_stats plain_st, st;
	struct mems_sparse_table *chunks;
	struct mems_heap *heap;

	if (!plain || !on_map)
		SKIP(return, "no two built policies, one on the map");
	heap = heap_of(plain, -1);
	ASSERT_NE(NULL, heap);
	chunks = &heap->addr_table.chunks;
	/* Nodes whose slots lie in chunks 0, 1 and 2. */
	ASSERT_EQ(1000, alloc(heap, 100));
	ASSERT_EQ(1100, alloc(heap, 2 * mib));
	ASSERT_EQ(3, chunks->nr_mapped);
	ASSERT_EQ(0, map_columns_mapped(chunks));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_stats(heap, &plain_st);

	ASSERT_EQ(0, mems_heap_set_policy(heap, on_map));
	mems_heap_stats(heap, &st);
	ASSERT_EQ(3, map_columns_mapped(chunks));
	ASSERT_EQ(plain_st.meta_bytes + 3 * 9300, st.meta_bytes);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	/* A node in chunk 2 maps no chunk. */
	ASSERT_EQ(2098300, alloc(heap, 100));
	ASSERT_EQ(3, map_columns_mapped(chunks));
	ASSERT_EQ(2, chunks->dir[2].users);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));

	ASSERT_EQ(0, mems_heap_set_policy(heap, plain));
	mems_heap_stats(heap, &st);
	ASSERT_EQ(0, map_columns_mapped(chunks));
	ASSERT_EQ(plain_st.meta_bytes, st.meta_bytes);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	/* The checker wants no column of the map while it is not kept. */
	chunks->dir[1].col[ADDR_COL_CLASS] = chunks->dir[1].col[0];
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	chunks->dir[1].col[ADDR_COL_CLASS] = NULL;
	chunks->extra_on = true;
	ASSERT_EQ(-EUCLEAN, mems_heap_check(heap, NULL));
	chunks->extra_on = false;
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

TEST_HARNESS_MAIN
