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
 * zeroes, as the OS maps it.  While the optional columns are on, each
 * chunk is two mappings, made and unmapped together.
 */
#include <stdint.h>
#include <string.h>

#include "sparse_table.h"

static size_t round_to_pages(size_t bytes, size_t page_size)
{
	return (bytes / page_size + !!(bytes % page_size)) * page_size;
}

void mems_sparse_setup(struct mems_sparse_table *table, unsigned int shift,
		       unsigned int nr_cols, unsigned int nr_main_cols,
		       const size_t *col_size, void *const *inline_col,
		       size_t inline_entries, size_t page_size)
{
	size_t row = 0, extra = 0;
	unsigned int k;

	memset(table, 0, sizeof(*table));
	table->shift = shift;
	table->nr_cols = nr_cols;
	table->nr_main_cols = nr_main_cols;
	table->page_size = page_size;
	table->dir = table->inline_dir;
	table->dir_len = MEMS_SPARSE_INLINE_DIR;
	table->inline_entries = inline_entries;
	for (k = 0; k < nr_cols; k++) {
		table->col_size[k] = col_size[k];
		if (k < nr_main_cols)
			row += col_size[k];
		else
			extra += col_size[k];
		if (inline_entries) {
			table->dir[0].col[k] = inline_col[k];
			table->dir[0].base[k] = (uintptr_t)inline_col[k];
		}
	}
	table->chunk_bytes = round_to_pages(row << shift, page_size);
	table->extra_bytes = round_to_pages(extra << shift, page_size);
}

static bool chunk_mapped(const struct mems_sparse_table *table, size_t c)
{
	return table->dir[c].col[0] && (c || !table->inline_entries);
}

/* The optional columns' mapping of @chunk, mapped; NULL: none. */
static void *chunk_extra(const struct mems_sparse_table *table,
			 const struct mems_sparse_chunk *chunk)
{
	return table->nr_main_cols < table->nr_cols ?
		       chunk->col[table->nr_main_cols] :
		       NULL;
}

/* @chunk's optional columns unmapped and forgotten. */
static void extra_unmap(struct mems_sparse_table *table,
			struct mems_os_stats *os,
			struct mems_sparse_chunk *chunk)
{
	unsigned int main_cols = table->nr_main_cols;
	size_t cols = table->nr_cols - main_cols;

	mems_os_unmap(os, chunk->col[main_cols], table->extra_bytes);
	memset(&chunk->col[main_cols], 0, cols * sizeof(chunk->col[0]));
	memset(&chunk->base[main_cols], 0, cols * sizeof(chunk->base[0]));
}

/* @chunk's mappings, not the inline chunk 0's, unmapped and forgotten. */
static void chunk_unmap_entry(struct mems_sparse_table *table,
			      struct mems_os_stats *os,
			      struct mems_sparse_chunk *chunk)
{
	if (chunk_extra(table, chunk))
		extra_unmap(table, os, chunk);
	mems_os_unmap(os, chunk->col[0], table->chunk_bytes);
	memset(chunk->col, 0, sizeof(chunk->col));
	memset(chunk->base, 0, sizeof(chunk->base));
	table->nr_mapped--;
}

static void chunk_unmap(struct mems_sparse_table *table,
			struct mems_os_stats *os, size_t c)
{
	chunk_unmap_entry(table, os, &table->dir[c]);
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

/*
 * A chunk's mappings, its columns one after another in each: the main
 * one, and the optional columns' while they are on.  False, nothing
 * left mapped, on failure.
 */
static bool chunk_map(struct mems_sparse_table *table, struct mems_os_stats *os,
		      char **main, char **extra)
{
	*extra = NULL;
	*main = (char *)mems_os_map(os, table->chunk_bytes);
	if (!*main)
		return false;
	if (!table->extra_on)
		return true;
	*extra = (char *)mems_os_map(os, table->extra_bytes);
	if (*extra)
		return true;
	mems_os_unmap(os, *main, table->chunk_bytes);
	return false;
}

/* Chunk @c's columns @first to @end - 1 from @base on. */
static void cols_install(const struct mems_sparse_table *table,
			 struct mems_sparse_chunk *chunk, size_t c,
			 unsigned int first, unsigned int end, char *base)
{
	unsigned int k;

	for (k = first; k < end; k++) {
		chunk->col[k] = base;
		chunk->base[k] = (uintptr_t)base -
				 ((c << table->shift) * table->col_size[k]);
		base += table->col_size[k] << table->shift;
	}
}

/* Chunk @c's main columns from @main on, its optional ones @extra's. */
static void chunk_install(struct mems_sparse_table *table,
			  struct mems_sparse_chunk *chunk, size_t c, char *main,
			  char *extra)
{
	cols_install(table, chunk, c, 0, table->nr_main_cols, main);
	if (extra)
		cols_install(table, chunk, c, table->nr_main_cols,
			     table->nr_cols, extra);
	table->nr_mapped++;
}

/*
 * What mems_sparse_get() maps before it changes anything, so that a
 * failure can take it all back: a larger directory, chunk 0's mapping
 * when it leaves its inline storage, the chunks not mapped yet (their
 * places in @dir, the new directory or the old).
 */
struct sparse_staging {
	struct mems_sparse_chunk *dir;
	size_t dir_len;
	size_t dir_bytes;
	char *chunk0;
	char *extra0; /* chunk 0's optional columns, while they are on */
};

/* A directory of at least @len entries, a copy of the one in use. */
static int dir_stage(struct mems_sparse_table *table, struct mems_os_stats *os,
		     size_t len, struct sparse_staging *st)
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
		       struct mems_os_stats *os, struct sparse_staging *st,
		       size_t c_first, size_t c_end)
{
	size_t c;

	for (c = c_first; c < c_end; c++) {
		if (st->dir[c].users || !st->dir[c].col[0] ||
		    (!c && table->inline_entries))
			continue;
		chunk_unmap_entry(table, os, &st->dir[c]);
	}
	if (st->chunk0)
		mems_os_unmap(os, st->chunk0, table->chunk_bytes);
	if (st->extra0)
		mems_os_unmap(os, st->extra0, table->extra_bytes);
	if (st->dir_bytes)
		mems_os_unmap(os, st->dir, st->dir_bytes);
}

/* Chunk 0 leaves its inline storage: for a mapping if anyone uses it. */
static void inline_chunk_move(struct mems_sparse_table *table,
			      struct sparse_staging *st)
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
	chunk_install(table, chunk, 0, st->chunk0, st->extra0);
	for (k = 0; k < table->nr_cols; k++)
		if (chunk->col[k])
			memcpy(chunk->col[k], old.col[k],
			       table->col_size[k] * entries);
}

/*
 * Entries @first to @last are in use by one more user: their chunks are
 * mapped.  Fails changing nothing, what it mapped unmapped again, when
 * a mapping fails.
 */
int mems_sparse_get(struct mems_sparse_table *table, struct mems_os_stats *os,
		    size_t first, size_t last)
{
	size_t c_first = first >> table->shift, c_last = last >> table->shift;
	size_t c = c_first;
	bool move = table->inline_entries && last >= table->inline_entries;
	struct sparse_staging st = { 0 };
	char *main, *extra;

	if (dir_stage(table, os, c_last + 1, &st))
		return -1;
	/* Chunk 0 is staged on its own, mapped if anyone is to use it. */
	if (move && (table->dir[0].users || !c_first)) {
		if (!chunk_map(table, os, &st.chunk0, &st.extra0))
			goto undo;
	}
	for (c = c_first; c <= c_last; c++) {
		if ((move && !c) || st.dir[c].col[0])
			continue;
		if (!chunk_map(table, os, &main, &extra))
			goto undo;
		chunk_install(table, &st.dir[c], c, main, extra);
	}
	if (move)
		inline_chunk_move(table, &st);
	if (st.dir_bytes) {
		if (table->dir_bytes)
			mems_os_unmap(os, table->dir, table->dir_bytes);
		table->dir = st.dir;
		table->dir_len = st.dir_len;
		table->dir_bytes = st.dir_bytes;
	}
	for (c = c_first; c <= c_last; c++)
		table->dir[c].users++;
	return 0;

undo:
	stage_undo(table, os, &st, c_first, c);
	return -1;
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

/*
 * The optional columns mapped for every chunk mapped, and for every chunk
 * mapped from now on; the inline chunk 0 has them already.  Fails, with
 * nothing left mapped and the columns still off, when a mapping fails.
 */
int mems_sparse_extra_on(struct mems_sparse_table *table,
			 struct mems_os_stats *os)
{
	unsigned int main_cols = table->nr_main_cols;
	size_t c, undo;
	char *extra;

	for (c = 0; c < table->dir_len; c++) {
		if (!chunk_mapped(table, c))
			continue;
		extra = (char *)mems_os_map(os, table->extra_bytes);
		if (!extra)
			goto undo;
		cols_install(table, &table->dir[c], c, main_cols,
			     table->nr_cols, extra);
	}
	table->extra_on = true;
	return 0;

undo:
	for (undo = 0; undo < c; undo++) {
		if (!chunk_mapped(table, undo))
			continue;
		extra_unmap(table, os, &table->dir[undo]);
	}
	return -1;
}

/*
 * The optional columns unmapped from every chunk; the inline chunk 0
 * keeps its storage, which its owner clears.
 */
void mems_sparse_extra_off(struct mems_sparse_table *table,
			   struct mems_os_stats *os)
{
	size_t c;

	for (c = 0; c < table->dir_len; c++) {
		if (chunk_mapped(table, c) &&
		    chunk_extra(table, &table->dir[c]))
			extra_unmap(table, os, &table->dir[c]);
	}
	table->extra_on = false;
}
