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

#include <stdbool.h>
#include <stddef.h>

/*
 * The hooks core/api.c calls, one per course function (core/trace.c).
 * Each @err is 0 or the negative errno value the call failed with.
 */
struct mems_heap;

#ifdef CONFIG_MEMS_TRACE
/*
 * mems_trace_select() - record into @path from now on; NULL stops recording.
 * The same path as before keeps appending to the open file.
 * Return: 0, or a negative errno value when @path cannot be opened, in
 * which case nothing is recorded.
 */
int mems_trace_select(const char *path);
void mems_trace_init(const struct mems_heap *heap);
void mems_trace_finish(void);
void mems_trace_stats(void);
void mems_trace_trim(size_t keep, int released);

/*
 * The hooks of the calls that allocate, free and translate test this
 * inline, so that an untraced call costs no call: false while no trace
 * is open (mems_trace_select() sets it); true may still meet a trace
 * that a failed write closed, which the writers below check again.
 * Hidden, as no caller outside the library reads it: the test is then
 * one compare with the variable, not a load of its address first.
 */
extern bool mems_trace_on __attribute__((visibility("hidden")));

void mems_trace_write_malloc(size_t size, const void *v, int err);
void mems_trace_write_free(const void *v, int err);
void mems_trace_write_get(const void *v, int err);
void mems_trace_write_calloc(size_t nmemb, size_t size, const void *v, int err);
void mems_trace_write_realloc(const void *v, size_t size, const void *out,
			      int err);

static inline void mems_trace_malloc(size_t size, const void *v, int err)
{
	if (mems_trace_on)
		mems_trace_write_malloc(size, v, err);
}

static inline void mems_trace_free(const void *v, int err)
{
	if (mems_trace_on)
		mems_trace_write_free(v, err);
}

static inline void mems_trace_get(const void *v, int err)
{
	if (mems_trace_on)
		mems_trace_write_get(v, err);
}

static inline void mems_trace_calloc(size_t nmemb, size_t size, const void *v,
				     int err)
{
	if (mems_trace_on)
		mems_trace_write_calloc(nmemb, size, v, err);
}

static inline void mems_trace_realloc(const void *v, size_t size,
				      const void *out, int err)
{
	if (mems_trace_on)
		mems_trace_write_realloc(v, size, out, err);
}
#else
static inline int mems_trace_select(const char *path)
{
	(void)path;
	return 0;
}

static inline void mems_trace_init(const struct mems_heap *heap)
{
	(void)heap;
}

static inline void mems_trace_finish(void)
{
}

static inline void mems_trace_malloc(size_t size, const void *v, int err)
{
	(void)size;
	(void)v;
	(void)err;
}

static inline void mems_trace_free(const void *v, int err)
{
	(void)v;
	(void)err;
}

static inline void mems_trace_get(const void *v, int err)
{
	(void)v;
	(void)err;
}

static inline void mems_trace_stats(void)
{
}
static inline void mems_trace_calloc(size_t nmemb, size_t size, const void *v,
				     int err)
{
	(void)nmemb;
	(void)size;
	(void)v;
	(void)err;
}
static inline void mems_trace_realloc(const void *v, size_t size,
				      const void *out, int err)
{
	(void)v;
	(void)size;
	(void)out;
	(void)err;
}
static inline void mems_trace_trim(size_t keep, int released)
{
	(void)keep;
	(void)released;
}
#endif /* CONFIG_MEMS_TRACE */

#endif /* MEMS_CORE_TRACE_H */
