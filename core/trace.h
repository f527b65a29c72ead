/* SPDX-License-Identifier: MIT */
/*
 * core/trace.h - the MEMS_TRACE recorder of the course API.
 *
 * core/api.c calls one hook per course function; core/trace.c writes
 * each call as a line of the format of Documentation/trace-format.rst,
 * through the line writer of <common/trace_out.h>.  Without
 * CONFIG_MEMS_TRACE the hooks are empty inlines.
 */
#ifndef MEMS_CORE_TRACE_H
#define MEMS_CORE_TRACE_H

#include <stddef.h>

/*
 * The hooks core/api.c calls, one per course function (core/trace.c).
 * Each @err is 0 or the negative errno value the call failed with.
 */
struct mems_heap;

/* As in core/chain.h: the symbols carry a mems_ prefix, the code not. */
#define trace_select  mems_trace_select
#define trace_init    mems_trace_init
#define trace_finish  mems_trace_finish
#define trace_malloc  mems_trace_malloc
#define trace_free    mems_trace_free
#define trace_get     mems_trace_get
#define trace_stats   mems_trace_stats
#define trace_calloc  mems_trace_calloc
#define trace_realloc mems_trace_realloc
#define trace_trim    mems_trace_trim

#ifdef CONFIG_MEMS_TRACE
/*
 * trace_select() - record into @path from now on; NULL stops recording.
 * The same path as before keeps appending to the open file.
 * Return: 0, or a negative errno value when @path cannot be opened, in
 * which case nothing is recorded.
 */
int trace_select(const char *path);
void trace_init(const struct mems_heap *heap);
void trace_finish(void);
void trace_malloc(size_t size, const void *v, int err);
void trace_free(const void *v, int err);
void trace_get(const void *v, int err);
void trace_stats(void);
void trace_calloc(size_t nmemb, size_t size, const void *v, int err);
void trace_realloc(const void *v, size_t size, const void *out, int err);
void trace_trim(size_t keep, int released);
#else
static inline int trace_select(const char *path)
{
	(void)path;
	return 0;
}

static inline void trace_init(const struct mems_heap *heap)
{
	(void)heap;
}

static inline void trace_finish(void)
{
}

static inline void trace_malloc(size_t size, const void *v, int err)
{
	(void)size;
	(void)v;
	(void)err;
}

static inline void trace_free(const void *v, int err)
{
	(void)v;
	(void)err;
}

static inline void trace_get(const void *v, int err)
{
	(void)v;
	(void)err;
}

static inline void trace_stats(void)
{
}
static inline void trace_calloc(size_t nmemb, size_t size, const void *v,
				int err)
{
	(void)nmemb;
	(void)size;
	(void)v;
	(void)err;
}
static inline void trace_realloc(const void *v, size_t size, const void *out,
				 int err)
{
	(void)v;
	(void)size;
	(void)out;
	(void)err;
}
static inline void trace_trim(size_t keep, int released)
{
	(void)keep;
	(void)released;
}
#endif /* CONFIG_MEMS_TRACE */

#endif /* MEMS_CORE_TRACE_H */
