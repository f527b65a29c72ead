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

#include "types.h"

union mems_record {
	struct mems_node node;
	struct mems_seg seg;
	void *next_free;
};

#define MEMS_RECORD_BYTES sizeof(union mems_record)

struct mems_os_stats;

void mems_meta_setup(struct mems_meta *meta, size_t page_size);
int mems_meta_reserve_slab(struct mems_meta *meta, struct mems_os_stats *os);
void mems_meta_unreserve(struct mems_meta *meta, struct mems_os_stats *os,
			 size_t nr_slabs);
void mems_meta_release(struct mems_meta *meta, struct mems_os_stats *os);

static inline size_t meta_unused_records(const struct mems_meta *meta)
{
	return (size_t)(meta->unused_end - meta->unused) / MEMS_RECORD_BYTES;
}

size_t mems_meta_records_left(const struct mems_meta *meta);
size_t mems_meta_live_records(const struct mems_meta *meta);

/*
 * Whether the pool holds @records records without a mapping.  The free
 * list is walked no further than @records - 1 links: the pool keeps no
 * count, which every take and give back would pay for.
 */
static inline bool meta_holds(const struct mems_meta *meta, size_t records)
{
	size_t held = meta_unused_records(meta);
	const void *record = meta->free_records;

	if (held >= records)
		return true;
	while (record) {
		if (++held >= records)
			return true;
		record = *(void *const *)record;
	}
	return false;
}

/*
 * Make sure that @records records can be taken without a mapping;
 * -ENOMEM, changing nothing, when the slab this needs cannot be mapped.
 */
static inline int mems_meta_reserve(struct mems_meta *meta,
				    struct mems_os_stats *os, size_t records)
{
	if (meta_holds(meta, records))
		return 0;
	return mems_meta_reserve_slab(meta, os);
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
}

/* A reserved record, with whatever it held before. */
static inline void *mems_meta_alloc(struct mems_meta *meta)
{
	void *record = meta->free_records;

	if (record)
		meta->free_records = *(void **)record;
	else
		record = meta_take_unused(meta);
	return record;
}

static inline void mems_meta_free(struct mems_meta *meta, void *record)
{
	meta_push_free(meta, record);
}

#endif /* MEMS_CORE_META_H */
