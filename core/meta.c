// SPDX-License-Identifier: MIT
/*
 * core/meta.c - slabs of bookkeeping records.
 *
 * A slab is one mapping, a whole number of MeMS pages long, headed by a
 * struct mems_slab that links it to the other slabs of the pool.  Records
 * are handed out from the newest slab's unused tail, or from the free
 * list that freed records join.  Slabs are only returned by
 * meta_release(), which mems_finish() reaches.
 */
#include <stdalign.h>
#include <string.h>

#include <mems/chain.h>
#include <mems/meta.h>

#define SLAB_MIN_BYTES (64 * 1024)

struct mems_slab {
	struct mems_slab *next;
	size_t bytes;
};

union mems_record {
	struct mems_node node;
	struct mems_seg seg;
	void *next_free;
	max_align_t align;
};

#define RECORD_BYTES sizeof(union mems_record)
#define SLAB_HEADER_BYTES                                              \
	((sizeof(struct mems_slab) + alignof(union mems_record) - 1) & \
	 ~(alignof(union mems_record) - 1))

void meta_setup(struct mems_meta *meta, size_t page_size)
{
	size_t pages = (SLAB_MIN_BYTES + page_size - 1) / page_size;

	memset(meta, 0, sizeof(*meta));
	/* MeMS maps only whole MeMS pages, bookkeeping included. */
	meta->slab_bytes = pages * page_size;
}

static int meta_grow(struct mems_meta *meta, struct mems_os_stats *os)
{
	struct mems_slab *slab = os_map(os, meta->slab_bytes);

	if (!slab)
		return -1;
	slab->next = meta->slabs;
	slab->bytes = meta->slab_bytes;
	meta->slabs = slab;
	meta->unused = (char *)slab + SLAB_HEADER_BYTES;
	meta->unused_end = (char *)slab + slab->bytes;
	return 0;
}

void *meta_alloc(struct mems_meta *meta, struct mems_os_stats *os)
{
	void *record = meta->free_records;

	if (record) {
		meta->free_records = *(void **)record;
	} else {
		if (meta->unused_end - meta->unused < (ptrdiff_t)RECORD_BYTES &&
		    meta_grow(meta, os))
			return NULL;
		record = meta->unused;
		meta->unused += RECORD_BYTES;
	}
	meta->live_records++;
	return memset(record, 0, RECORD_BYTES);
}

void meta_free(struct mems_meta *meta, void *record)
{
	*(void **)record = meta->free_records;
	meta->free_records = record;
	meta->live_records--;
}

void meta_release(struct mems_meta *meta, struct mems_os_stats *os)
{
	struct mems_slab *slab = meta->slabs;
	size_t slab_bytes = meta->slab_bytes;

	while (slab) {
		struct mems_slab *next = slab->next;

		os_unmap(os, slab, slab->bytes);
		slab = next;
	}
	memset(meta, 0, sizeof(*meta));
	meta->slab_bytes = slab_bytes;
}
