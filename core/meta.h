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
 */
#ifndef MEMS_CORE_META_H
#define MEMS_CORE_META_H

#include <stddef.h>

struct mems_meta;
struct mems_os_stats;

void mems_meta_setup(struct mems_meta *meta, size_t page_size);
int mems_meta_reserve(struct mems_meta *meta, struct mems_os_stats *os,
		      size_t records);
void mems_meta_unreserve(struct mems_meta *meta, struct mems_os_stats *os,
			 size_t nr_slabs);
void *mems_meta_alloc(struct mems_meta *meta);
void mems_meta_free(struct mems_meta *meta, void *record);
void mems_meta_release(struct mems_meta *meta, struct mems_os_stats *os);
size_t mems_meta_records_left(const struct mems_meta *meta);

#endif /* MEMS_CORE_META_H */
