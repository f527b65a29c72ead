/* SPDX-License-Identifier: MIT */
/*
 * core/meta.h - the record pool that holds MeMS' own bookkeeping.
 *
 * Internal to MeMS (not installed).  Node and segment records come from
 * slabs the pool maps for itself, never from the user's pages and never
 * from libc, so that a node's physical address is exactly what mmap
 * returned for it.  Every record has the same size, which makes a freed
 * record reusable for either kind.  The pool itself, struct mems_meta,
 * is in core/types.h beside the records it holds, since the heap holds
 * it.
 *
 * Taking and giving back a record are inline: every carve and most
 * frees do one, and each is a few instructions.  A record is handed out
 * as it was left, not zeroed: whoever takes one sets every field it
 * reads, and a zeroed line would cost a write per field for nothing.
 */
#ifndef MEMS_CORE_META_H
#define MEMS_CORE_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

union mems_record {
	struct mems_node node;
	struct mems_seg seg;
	void *next_free;
};

#define MEMS_RECORD_BYTES sizeof(union mems_record)

struct mems_os_stats;

void mems_meta_setup(struct mems_meta *meta, size_t page_size);
int mems_meta_reserve_slab(struct mems_meta *meta, struct mems_os_stats *os,
			   size_t records, size_t pairs);
void mems_meta_unreserve(struct mems_meta *meta, struct mems_os_stats *os,
			 size_t nr_slabs);
void mems_meta_release(struct mems_meta *meta, struct mems_os_stats *os);

static inline size_t meta_unused_records(const struct mems_meta *meta)
{
	return (size_t)(meta->unused_end - meta->unused) / MEMS_RECORD_BYTES;
}

#define MEMS_PAIR_BYTES (2 * MEMS_RECORD_BYTES)

/* Records the pool hands out before it must map another slab. */
static inline size_t mems_meta_records_left(const struct mems_meta *meta)
{
	return meta->free_count + meta_unused_records(meta);
}

/*
 * Whether @records records and @pairs pairs can be taken without a
 * mapping.  A pair taken from the unused tail may first push one record
 * to the free list to reach a 128-byte boundary, so each pair the free
 * pairs fall short of counts three records of the tail.
 */
static inline bool meta_has_room(const struct mems_meta *meta, size_t records,
				 size_t pairs)
{
	size_t tail = 0;

	if (records > meta->free_count)
		tail = records - meta->free_count;
	if (pairs > meta->free_pair_count)
		tail += 3 * (pairs - meta->free_pair_count);
	return tail <= meta_unused_records(meta);
}

/*
 * Make sure that @records records and @pairs pairs can be taken without
 * a mapping; -ENOMEM, changing nothing, when the slab this needs cannot
 * be mapped.  Every call that may need records or pairs comes here
 * first, so that on the fast path this is a few compares.
 */
static inline int mems_meta_reserve(struct mems_meta *meta,
				    struct mems_os_stats *os, size_t records,
				    size_t pairs)
{
	if (meta_has_room(meta, records, pairs))
		return 0;
	return mems_meta_reserve_slab(meta, os, records, pairs);
}

static inline void *meta_take_unused(struct mems_meta *meta)
{
	void *record = meta->unused;

	meta->unused += MEMS_RECORD_BYTES;
	return record;
}

static inline void meta_push_free(struct mems_meta *meta, void *record)
{
	*(void **)record = meta->free_records;
	meta->free_records = record;
	meta->free_count++;
}

/* A reserved record, with whatever it held before. */
static inline void *mems_meta_alloc(struct mems_meta *meta)
{
	void *record = meta->free_records;

	if (record) {
		meta->free_records = *(void **)record;
		meta->free_count--;
	} else {
		record = meta_take_unused(meta);
	}
	meta->live_records++;
	return record;
}

static inline void mems_meta_free(struct mems_meta *meta, void *record)
{
	meta_push_free(meta, record);
	meta->live_records--;
}

/*
 * A reserved pair: 128 bytes on a 128-byte boundary, so two whole cache
 * lines, with whatever it held before.
 */
static inline void *mems_meta_alloc_pair(struct mems_meta *meta)
{
	void *pair = meta->free_pairs;

	if (pair) {
		meta->free_pairs = *(void **)pair;
		meta->free_pair_count--;
	} else {
		if ((uintptr_t)meta->unused % MEMS_PAIR_BYTES)
			meta_push_free(meta, meta_take_unused(meta));
		pair = meta->unused;
		meta->unused += MEMS_PAIR_BYTES;
	}
	meta->live_pairs++;
	return pair;
}

static inline void mems_meta_free_pair(struct mems_meta *meta, void *pair)
{
	*(void **)pair = meta->free_pairs;
	meta->free_pairs = pair;
	meta->free_pair_count++;
	meta->live_pairs--;
}

#endif /* MEMS_CORE_META_H */
