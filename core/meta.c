// SPDX-License-Identifier: MIT
/*
 * core/meta.c - slabs of bookkeeping records.
 *
 * A slab is one mapping, a whole number of MeMS pages long, headed by a
 * struct mems_slab that links it to the other slabs of the pool.  Records
 * are handed out from the free list that freed records join, or from the
 * newest slab's unused tail.  Slabs are only returned by mems_meta_release(),
 * which mems_finish() reaches, and by mems_meta_unreserve() for an operation
 * that failed after its reservation mapped one.
 *
 * An operation first reserves every record it will need, so that it can
 * fail before it changes anything, and then allocates them, which cannot
 * fail.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "meta.h"
#include "os.h"
#include "types.h"

#define SLAB_MIN_BYTES (64 * 1024)

struct mems_slab {
	struct mems_slab *next;
	size_t bytes;
};

/*
 * Slabs start on a page, so a header padded to a record's size puts each
 * 64-byte record in one cache line instead of across two.
 */
#define SLAB_HEADER_BYTES MEMS_RECORD_BYTES
static_assert(sizeof(struct mems_slab) <= MEMS_RECORD_BYTES,
	      "a slab's header fits in a record's place");

void mems_meta_setup(struct mems_meta *meta, size_t page_size)
{
	size_t pages = (SLAB_MIN_BYTES + page_size - 1) / page_size;

	memset(meta, 0, sizeof(*meta));
	/* MeMS maps only whole MeMS pages, bookkeeping included. */
	meta->slab_bytes = pages * page_size;
}

/* A new slab, for a reservation the pool's records fall short of. */
int mems_meta_reserve_slab(struct mems_meta *meta, struct mems_os_stats *os)
{
	struct mems_slab *slab;

	slab = (struct mems_slab *)mems_os_map(os, meta->slab_bytes);
	if (!slab)
		return -ENOMEM;
	/* The old slab's tail joins the free list rather than go to waste. */
	while (meta_unused_records(meta))
		meta_push_free(meta, meta_take_unused(meta));
	slab->next = meta->slabs;
	slab->bytes = meta->slab_bytes;
	meta->slabs = slab;
	meta->nr_slabs++;
	meta->unused = (char *)slab + SLAB_HEADER_BYTES;
	meta->unused_end = (char *)slab + slab->bytes;
	return 0;
}

/*
 * Unmap the slab a mems_meta_reserve() mapped when the pool had @nr_slabs, for
 * an operation that fails after reserving: no record of it was taken.
 * The old slab's tail stays on the free list.
 */
void mems_meta_unreserve(struct mems_meta *meta, struct mems_os_stats *os,
			 size_t nr_slabs)
{
	struct mems_slab *slab = meta->slabs;

	if (meta->nr_slabs == nr_slabs)
		return;
	meta->slabs = slab->next;
	meta->nr_slabs--;
	meta->unused = NULL;
	meta->unused_end = NULL;
	mems_os_unmap(os, slab, slab->bytes);
}

/* The free list's length: for the checker and the tests, not a hot path. */
static size_t meta_free_records(const struct mems_meta *meta)
{
	const void *record = meta->free_records;
	size_t n = 0;

	for (; record; record = *(void *const *)record)
		n++;
	return n;
}

/* Records the pool hands out before it must map another slab. */
size_t mems_meta_records_left(const struct mems_meta *meta)
{
	return meta_free_records(meta) + meta_unused_records(meta);
}

/*
 * Records handed out and not given back: every slab's records, less the
 * newest one's unused tail and the free list.
 */
size_t mems_meta_live_records(const struct mems_meta *meta)
{
	const struct mems_slab *slab;
	size_t records = 0;

	for (slab = meta->slabs; slab; slab = slab->next)
		records += (slab->bytes - SLAB_HEADER_BYTES) /
			   MEMS_RECORD_BYTES;
	return records - meta_unused_records(meta) - meta_free_records(meta);
}

void mems_meta_release(struct mems_meta *meta, struct mems_os_stats *os)
{
	struct mems_slab *slab = meta->slabs;
	size_t slab_bytes = meta->slab_bytes;

	while (slab) {
		struct mems_slab *next = slab->next;

		mems_os_unmap(os, slab, slab->bytes);
		slab = next;
	}
	memset(meta, 0, sizeof(*meta));
	meta->slab_bytes = slab_bytes;
}
