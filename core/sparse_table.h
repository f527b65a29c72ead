/* SPDX-License-Identifier: MIT */
/*
 * core/sparse_table.h - an array indexed by a large, sparsely used range
 * of numbers, mapped a chunk at a time (core/sparse_table.c).
 *
 * Internal to MeMS (not installed).  A directory entry a chunk of
 * 2^shift entries; a chunk is one mapping, made when a user first needs
 * it and unmapped when its last user lets go, so that the memory follows
 * what is in use rather than the highest index ever used.  An entry has
 * up to MEMS_SPARSE_MAX_COLS columns, each an array of its own element
 * size in the chunk, so that a reader of one column touches only it.
 * The columns from nr_main_cols on are optional: a chunk keeps them in a
 * second mapping, made only while the table's owner turns them on
 * (mems_sparse_extra_on()), its addresses in the same directory entry.
 *
 * Chunk 0 may start in storage its owner holds (inline) for its first
 * few entries; it moves to a mapping of its own when the table is asked
 * for an entry past them.  The directory starts inline too and moves to
 * a mapping twice as large whenever it is full.
 */
#ifndef MEMS_CORE_SPARSE_TABLE_H
#define MEMS_CORE_SPARSE_TABLE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os.h"

#define MEMS_SPARSE_MAX_COLS 3
#define MEMS_SPARSE_INLINE_DIR 4

struct mems_sparse_chunk {
	/*
	 * col[0] is where the chunk's mapping starts; NULL: not mapped.
	 * col[nr_main_cols], the optional columns' mapping, NULL while
	 * they are off.
	 */
	void *col[MEMS_SPARSE_MAX_COLS];
	/*
	 * Column k's address less the bytes its entries before the chunk
	 * would take, while the chunk is mapped: entry i of the table is at
	 * base[k] + i * size, the chunk's offset not masked out of i.
	 */
	uintptr_t base[MEMS_SPARSE_MAX_COLS];
	size_t users; /* who asked for it and have not let go */
	size_t unused; /* a power of two bytes, indexed with a shift */
};

static_assert((sizeof(struct mems_sparse_chunk) &
	       (sizeof(struct mems_sparse_chunk) - 1)) == 0,
	      "a directory entry is a power of two bytes");

struct mems_sparse_table {
	struct mems_sparse_chunk *dir;
	size_t dir_len;
	size_t dir_bytes; /* of its mapping; 0 while inline */
	unsigned int shift; /* 2^shift entries a chunk */
	unsigned int nr_cols;
	unsigned int nr_main_cols; /* the rest are optional */
	bool extra_on; /* the optional columns are mapped */
	size_t col_size[MEMS_SPARSE_MAX_COLS];
	size_t chunk_bytes; /* a chunk's mapping, whole pages */
	size_t extra_bytes; /* its optional columns' mapping, whole pages */
	size_t nr_mapped; /* chunks mapped, inline chunk 0 not counted */
	size_t page_size;
	/* Entries of the inline chunk 0; 0 once it has moved. */
	size_t inline_entries;
	struct mems_sparse_chunk inline_dir[MEMS_SPARSE_INLINE_DIR];
};

void mems_sparse_setup(struct mems_sparse_table *table, unsigned int shift,
		       unsigned int nr_cols, unsigned int nr_main_cols,
		       const size_t *col_size, void *const *inline_col,
		       size_t inline_entries, size_t page_size);
void mems_sparse_release(struct mems_sparse_table *table,
			 struct mems_os_stats *os);
int mems_sparse_get(struct mems_sparse_table *table, struct mems_os_stats *os,
		    size_t first, size_t last);
void mems_sparse_put(struct mems_sparse_table *table, struct mems_os_stats *os,
		     size_t first, size_t last);
size_t mems_sparse_next_mapped(const struct mems_sparse_table *table, size_t c);
int mems_sparse_extra_on(struct mems_sparse_table *table,
			 struct mems_os_stats *os);
void mems_sparse_extra_off(struct mems_sparse_table *table,
			   struct mems_os_stats *os);

/* Entries a chunk holds; all of them but in the inline chunk 0. */
static inline size_t sparse_chunk_entries(const struct mems_sparse_table *t,
					  size_t c)
{
	return !c && t->inline_entries ? t->inline_entries :
					 (size_t)1 << t->shift;
}

/* The bytes the table maps: its chunks and its directory. */
static inline size_t sparse_bytes(const struct mems_sparse_table *table)
{
	size_t chunk =
		table->chunk_bytes + (table->extra_on ? table->extra_bytes : 0);

	return table->nr_mapped * chunk + table->dir_bytes;
}

#endif /* MEMS_CORE_SPARSE_TABLE_H */
