// SPDX-License-Identifier: MIT
/*
 * core/sparse_table.c - an array mapped a chunk at a time, for indices
 * of which only some stretches are in use at once.
 *
 * Users ask for a range of entries (mems_sparse_get()), which maps the
 * chunks it covers that are not mapped yet, and let go of it
 * (mems_sparse_put()), which unmaps the chunks that no one uses any
 * more.  Asking may fail and then changes no count; letting go never
 * maps, so that a path that frees cannot fail.  A fresh chunk is all
 * zeroes, as the OS maps it.
 */
#include <stdint.h>
#include <string.h>

#include "sparse_table.h"

static size_t round_to_pages(size_t bytes, size_t page_size)
{
	return (bytes / page_size + !!(bytes % page_size)) * page_size;
}

void mems_sparse_setup(struct mems_sparse_table *table, unsigned int shift,
		       unsigned int nr_cols, const size_t *col_size,
		       void *const *inline_col, size_t inline_entries,
		       size_t page_size)
{
	size_t row = 0;
	unsigned int k;

	memset(table, 0, sizeof(*table));
	table->shift = shift;
	table->nr_cols = nr_cols;
	table->page_size = page_size;
	table->dir = table->inline_dir;
	table->dir_len = MEMS_SPARSE_INLINE_DIR;
	table->inline_entries = inline_entries;
	for (k = 0; k < nr_cols; k++) {
		table->col_size[k] = col_size[k];
		row += col_size[k];
		if (inline_entries) {
			table->dir[0].col[k] = inline_col[k];
			table->dir[0].base[k] = (uintptr_t)inline_col[k];
		}
	}
	table->chunk_bytes = round_to_pages(row << shift, page_size);
}

static bool chunk_mapped(const struct mems_sparse_table *table, size_t c)
{
	return table->dir[c].col[0] && (c || !table->inline_entries);
}

static void chunk_unmap(struct mems_sparse_table *table,
			struct mems_os_stats *os, size_t c)
{
	mems_os_unmap(os, table->dir[c].col[0], table->chunk_bytes);
	memset(table->dir[c].col, 0, sizeof(table->dir[c].col));
	memset(table->dir[c].base, 0, sizeof(table->dir[c].base));
	table->nr_mapped--;
}

void mems_sparse_release(struct mems_sparse_table *table,
			 struct mems_os_stats *os)
{
	size_t c;

	for (c = 0; c < table->dir_len; c++)
		if (chunk_mapped(table, c))
			chunk_unmap(table, os, c);
	if (table->dir_bytes)
		mems_os_unmap(os, table->dir, table->dir_bytes);
	table->dir = table->inline_dir;
	table->dir_len = MEMS_SPARSE_INLINE_DIR;
	table->dir_bytes = 0;
}

/* A chunk's mapping, its columns one after another; NULL on failure. */
static char *chunk_map(struct mems_sparse_table *table,
		       struct mems_os_stats *os)
{
	return (char *)mems_os_map(os, table->chunk_bytes);
}

/* Chunk @c's columns from @base on. */
static void chunk_install(struct mems_sparse_table *table,
			  struct mems_sparse_chunk *chunk, size_t c, char *base)
{
	unsigned int k;

	for (k = 0; k < table->nr_cols; k++) {
		chunk->col[k] = base;
		chunk->base[k] = (uintptr_t)base -
				 ((c << table->shift) * table->col_size[k]);
		base += table->col_size[k] << table->shift;
	}
	table->nr_mapped++;
}

static int dir_stage(struct mems_sparse_table *table, struct mems_os_stats *os,
		     size_t len, struct mems_sparse_stage *st)
{
	size_t new_len = table->dir_len;

	st->dir = table->dir;
	st->dir_len = table->dir_len;
	st->dir_bytes = 0;
	if (len <= new_len)
		return 0;
	while (new_len < len)
		new_len = new_len > SIZE_MAX / 4 ? len : 2 * new_len;
	if (new_len > (SIZE_MAX - table->page_size) / sizeof(*st->dir))
		return -1;
	st->dir_bytes =
		round_to_pages(new_len * sizeof(*st->dir), table->page_size);
	st->dir = (struct mems_sparse_chunk *)mems_os_map(os, st->dir_bytes);
	if (!st->dir)
		return -1;
	memcpy(st->dir, table->dir, table->dir_len * sizeof(*st->dir));
	st->dir_len = new_len;
	return 0;
}

static void stage_undo(struct mems_sparse_table *table,
		       struct mems_os_stats *os, struct mems_sparse_stage *st,
		       size_t c_first, size_t c_end)
{
	size_t c;

	for (c = c_first; c < c_end; c++) {
		if (st->dir[c].users || !st->dir[c].col[0] ||
		    (!c && table->inline_entries))
			continue;
		mems_os_unmap(os, st->dir[c].col[0], table->chunk_bytes);
		memset(st->dir[c].col, 0, sizeof(st->dir[c].col));
		memset(st->dir[c].base, 0, sizeof(st->dir[c].base));
		table->nr_mapped--;
	}
	if (st->chunk0)
		mems_os_unmap(os, st->chunk0, table->chunk_bytes);
	if (st->dir_bytes)
		mems_os_unmap(os, st->dir, st->dir_bytes);
}

/* Chunk 0 leaves its inline storage: for a mapping if anyone uses it. */
static void inline_chunk_move(struct mems_sparse_table *table,
			      struct mems_sparse_stage *st)
{
	struct mems_sparse_chunk *chunk = &st->dir[0];
	struct mems_sparse_chunk old = *chunk;
	size_t entries = table->inline_entries;
	unsigned int k;

	table->inline_entries = 0;
	memset(chunk->col, 0, sizeof(chunk->col));
	memset(chunk->base, 0, sizeof(chunk->base));
	if (!st->chunk0)
		return;
	chunk_install(table, chunk, 0, st->chunk0);
	for (k = 0; k < table->nr_cols; k++)
		memcpy(chunk->col[k], old.col[k], table->col_size[k] * entries);
}

/*
 * Map what entries @first to @last need for one more user, changing
 * nothing a reader sees: mems_sparse_commit() then puts it in place, or
 * mems_sparse_abort() unmaps it again.  Two tables that must grow
 * together are both prepared before either commits.  Fails, with
 * nothing left mapped, when a mapping fails.
 */
int mems_sparse_prepare(struct mems_sparse_table *table,
			struct mems_os_stats *os, size_t first, size_t last,
			struct mems_sparse_stage *st)
{
	size_t c_first = first >> table->shift, c_last = last >> table->shift;
	size_t c = c_first;
	char *base;

	memset(st, 0, sizeof(*st));
	st->c_first = c_first;
	st->c_last = c_last;
	st->move = table->inline_entries && last >= table->inline_entries;
	if (dir_stage(table, os, c_last + 1, st))
		return -1;
	/* Chunk 0 is staged on its own, mapped if anyone is to use it. */
	if (st->move && (table->dir[0].users || !c_first)) {
		st->chunk0 = chunk_map(table, os);
		if (!st->chunk0)
			goto undo;
	}
	for (c = c_first; c <= c_last; c++) {
		if ((st->move && !c) || st->dir[c].col[0])
			continue;
		base = chunk_map(table, os);
		if (!base)
			goto undo;
		chunk_install(table, &st->dir[c], c, base);
	}
	return 0;

undo:
	stage_undo(table, os, st, c_first, c);
	return -1;
}

void mems_sparse_commit(struct mems_sparse_table *table,
			struct mems_os_stats *os, struct mems_sparse_stage *st)
{
	size_t c;

	if (st->move)
		inline_chunk_move(table, st);
	if (st->dir_bytes) {
		if (table->dir_bytes)
			mems_os_unmap(os, table->dir, table->dir_bytes);
		table->dir = st->dir;
		table->dir_len = st->dir_len;
		table->dir_bytes = st->dir_bytes;
	}
	for (c = st->c_first; c <= st->c_last; c++)
		table->dir[c].users++;
}

void mems_sparse_abort(struct mems_sparse_table *table,
		       struct mems_os_stats *os, struct mems_sparse_stage *st)
{
	stage_undo(table, os, st, st->c_first, st->c_last + 1);
}

/*
 * Entries @first to @last are in use by one more user: their chunks are
 * mapped.  Fails changing nothing, what it mapped unmapped again, when
 * a mapping fails.
 */
int mems_sparse_get(struct mems_sparse_table *table, struct mems_os_stats *os,
		    size_t first, size_t last)
{
	struct mems_sparse_stage st;

	if (mems_sparse_prepare(table, os, first, last, &st))
		return -1;
	mems_sparse_commit(table, os, &st);
	return 0;
}

/*
 * One user of entries @first to @last lets go: a chunk no one uses any
 * more is unmapped, but the inline chunk 0, which costs nothing.
 */
void mems_sparse_put(struct mems_sparse_table *table, struct mems_os_stats *os,
		     size_t first, size_t last)
{
	size_t c;

	for (c = first >> table->shift; c <= last >> table->shift; c++)
		if (!--table->dir[c].users && chunk_mapped(table, c))
			chunk_unmap(table, os, c);
}

/* The first chunk from @c on that is mapped; dir_len when none is. */
size_t mems_sparse_next_mapped(const struct mems_sparse_table *table, size_t c)
{
	while (c < table->dir_len && !table->dir[c].col[0])
		c++;
	return c;
}
