// SPDX-License-Identifier: MIT
/*
 * core/trace.c - MEMS_TRACE: the course API's calls, recorded in a file.
 *
 * Every call of the course functions on the global heap, invalid ones
 * included, becomes one line of a "mems-trace 1 mems" file, from the
 * mems_init() that opens it on (Documentation/trace-format.rst).  Each
 * mems_init() reads MEMS_TRACE again: the first to see it opens the file,
 * later ones with the same path go on appending, another path switches
 * to a new file and an unset variable stops recording.
 *
 * Recording allocates nothing, leaves errno as it found it and never
 * stops the program: when the file cannot be written, the trace ends at
 * its last whole line and the program goes on untraced.  Lines wait in a
 * buffer until it is full, mems_finish() runs or the program exits, or
 * until a fatal signal (TRACE_FATAL_SIGNALS) is about to end it: from
 * the first trace on, a handler in front of each writes them out, then
 * passes the signal on.  It leaves alone a buffer that a call of MeMS
 * was changing when the signal came; the program then dies untraced.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>

#include "trace.h"
#include "types.h"
#include <common/signal_chain.h>
#include <common/trace_out.h>

static struct trace_out trace_out;
bool mems_trace_on;
/* What TRACE_FATAL_SIGNALS did before trace_fatal() came; nr 0: not yet. */
static struct signal_chain_set trace_fatal_chain;
/*
 * The path trace_out was opened for, kept after a write failed so that
 * the next mems_init() does not truncate what the trace had recorded.
 * Empty when MEMS_TRACE was unset at the last mems_init().
 */
static char trace_path[PATH_MAX];

static void trace_fatal(int sig, siginfo_t *info, void *context)
{
	int saved_errno = errno;

	trace_out_rescue(&trace_out);
	errno = saved_errno;
	signal_chain_set_pass_on(&trace_fatal_chain, sig, info, context);
}

/*
 * Once per process, at the first trace: a program that is never traced
 * keeps its signals as they were.
 */
static void trace_fatal_install(void)
{
	static const int signals[] = { TRACE_FATAL_SIGNALS };

	if (!trace_fatal_chain.nr)
		signal_chain_set_install(&trace_fatal_chain, signals,
					 sizeof(signals) / sizeof(int),
					 trace_fatal);
}

static int trace_open(const char *path)
{
	size_t len = strlen(path);
	int fd, err;

	if (len >= sizeof(trace_path))
		return -ENAMETOOLONG;
	do
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	err = trace_out_start(&trace_out, fd, "mems-trace 1 mems\n");
	if (err) {
		close(fd);
		return err;
	}
	memcpy(trace_path, path, len + 1);
	trace_fatal_install();
	return 0;
}

int mems_trace_select(const char *path)
{
	int saved_errno = errno;
	int err = 0;

	if (path && !strcmp(path, trace_path))
		return 0;
	trace_out_close(&trace_out);
	trace_path[0] = '\0';
	if (path)
		err = trace_open(path);
	mems_trace_on = trace_out.on;
	errno = saved_errno;
	return err;
}

/* A line that names no address: "stats" or "finish". */
static void trace_word(const char *event)
{
	int saved_errno = errno;
	char *p = trace_out_line(&trace_out, TRACE_LINE_MAX);

	if (p)
		trace_out_end_line(&trace_out, trace_put_str(p, event));
	errno = saved_errno;
}

/* What follows the name in "free ADDR -> ok", "get ADDR -> EINVAL". */
static char *put_addr_result(char *p, const void *v, int err)
{
	*p++ = ' ';
	p = trace_put_dec(p, (uintptr_t)v);
	if (err)
		return trace_put_lit(p, " -> EINVAL");
	return trace_put_lit(p, " -> ok");
}

void mems_trace_init(const struct mems_heap *heap)
{
	const char *policy = mems_heap_policy(heap);
	int saved_errno;
	char *p;

	if (!trace_out.on)
		return;
	saved_errno = errno;
	p = trace_out_line(&trace_out, strlen(policy) + TRACE_LINE_MAX);
	if (p) {
		p = trace_put_lit(p, "init ");
		p = trace_put_str(p, policy);
		*p++ = ' ';
		p = trace_put_dec(p, heap->page_size);
		*p++ = ' ';
		p = trace_put_dec(p, heap->virt_base);
		*p++ = ' ';
		p = trace_put_dec(p, heap->align);
		/* Written only when set, so traces of the course read alike. */
		if (heap->trim_threshold >= 0) {
			*p++ = ' ';
			p = trace_put_dec(p, (uintmax_t)heap->trim_threshold);
		}
		trace_out_end_line(&trace_out, p);
	}
	errno = saved_errno;
}

/* The end of a run of MeMS: a good moment to make the trace whole. */
void mems_trace_finish(void)
{
	int saved_errno;

	if (!trace_out.on)
		return;
	trace_word("finish");
	saved_errno = errno;
	trace_out_flush(&trace_out);
	errno = saved_errno;
}

/* " -> ADDR", with the error after a failure's 0. */
static char *put_block_result(char *p, const void *v, int err)
{
	p = trace_put_lit(p, " -> ");
	p = trace_put_dec(p, (uintptr_t)v);
	if (err == -ENOMEM)
		return trace_put_lit(p, " ENOMEM");
	if (err)
		return trace_put_lit(p, " EINVAL");
	return p;
}

/*
 * "EVENT A [B] -> ADDR [ERROR]": malloc SIZE, calloc NMEMB SIZE,
 * realloc ADDR SIZE.  @nr_args is 1 or 2.
 */
static void trace_block_event(const char *event, uintmax_t a, uintmax_t b,
			      int nr_args, const void *v, int err)
{
	int saved_errno;
	char *p;

	if (!trace_out.on)
		return;
	saved_errno = errno;
	p = trace_out_line(&trace_out, TRACE_LINE_MAX);
	if (p) {
		p = trace_put_str(p, event);
		*p++ = ' ';
		p = trace_put_dec(p, a);
		if (nr_args == 2) {
			*p++ = ' ';
			p = trace_put_dec(p, b);
		}
		p = put_block_result(p, v, err);
		trace_out_end_line(&trace_out, p);
	}
	errno = saved_errno;
}

void mems_trace_write_malloc(size_t size, const void *v, int err)
{
	trace_block_event("malloc", size, 0, 1, v, err);
}

void mems_trace_write_calloc(size_t nmemb, size_t size, const void *v, int err)
{
	trace_block_event("calloc", nmemb, size, 2, v, err);
}

void mems_trace_write_realloc(const void *v, size_t size, const void *out,
			      int err)
{
	trace_block_event("realloc", (uintptr_t)v, size, 2, out, err);
}

void mems_trace_trim(size_t keep, int released)
{
	trace_block_event("trim", keep, 0, 1, (const void *)(uintptr_t)released,
			  0);
}

/* free and get lines differ only in the event's name. */
static void trace_addr_event(const char *event, const void *v, int err)
{
	int saved_errno;
	char *p;

	if (!trace_out.on)
		return;
	saved_errno = errno;
	p = trace_out_line(&trace_out, TRACE_LINE_MAX);
	if (p) {
		p = put_addr_result(trace_put_str(p, event), v, err);
		trace_out_end_line(&trace_out, p);
	}
	errno = saved_errno;
}

void mems_trace_write_free(const void *v, int err)
{
	trace_addr_event("free", v, err);
}

void mems_trace_write_get(const void *v, int err)
{
	trace_addr_event("get", v, err);
}

void mems_trace_stats(void)
{
	if (trace_out.on)
		trace_word("stats");
}

/*
 * At exit, after the program's own atexit handlers: whatever MeMS calls
 * come later (from other destructors) are written at once.
 */
__attribute__((destructor)) static void trace_exit(void)
{
	int saved_errno = errno;

	trace_out_flush(&trace_out);
	trace_out.unbuffered = true;
	errno = saved_errno;
}
