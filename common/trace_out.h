/* SPDX-License-Identifier: MIT */
/*
 * common/trace_out.h - writing allocation calls as trace lines.
 *
 * Shared by the library and the tools (not installed).  The format is
 * the one of Documentation/trace-format.rst.  Two recorders share the
 * line writer below: the library itself, for the course API when
 * MEMS_TRACE is set (core/trace.c), and the preload library of
 * mems-trace, for the C library's allocator (tools/trace/libmems-trace.c).
 * Neither may allocate memory to record, so lines are formatted by hand
 * into one static buffer that write(2) empties when it is full.
 *
 * The file only ever holds whole lines: a line goes into the buffer
 * whole, the buffer is written whole, and when a write fails part way
 * the file is cut back to its last newline and recording stops for good.
 * A process forked from the recorder holds a copy of the buffer and
 * shares the file, so it never writes: it would repeat or interleave
 * lines.  None of these functions preserves errno; their callers do.
 */
#ifndef MEMS_COMMON_TRACE_OUT_H
#define MEMS_COMMON_TRACE_OUT_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define TRACE_BUF_SIZE 65536
/* Room for any one line, except for what init adds: its policy's name. */
#define TRACE_LINE_MAX 128

/*
 * All-zero is "not recording", so that a static trace_out stays in .bss
 * instead of adding its buffer to the program's file.
 */
struct trace_out {
	bool on;
	bool unbuffered; /* the exit flush is done: nothing would write later */
	int fd; /* owned: closed when recording stops */
	pid_t pid; /* the one process that may write to fd */
	/*
	 * The file fd named at the start: the program may close our
	 * descriptor and get its number back for a file of its own.
	 */
	dev_t dev;
	ino_t ino;
	size_t len;
	char buf[TRACE_BUF_SIZE];
};

static inline void trace_out_stop(struct trace_out *out, bool close_fd)
{
	if (out->on && close_fd)
		close(out->fd);
	out->on = false;
	out->len = 0;
}

/*
 * Whether @out may still write: a forked child must not, and neither may
 * anyone once the descriptor names another file than it did.
 */
static inline bool trace_out_owned(struct trace_out *out)
{
	struct stat st;

	if (fstat(out->fd, &st) || st.st_dev != out->dev ||
	    st.st_ino != out->ino) {
		trace_out_stop(out, false);
		return false;
	}
	if (getpid() != out->pid) {
		trace_out_stop(out, true);
		return false;
	}
	return true;
}

/*
 * In a forked child: stop without writing, and close the descriptor only
 * if it still is the trace's (the program may have reused the number).
 */
static inline void trace_out_disown(struct trace_out *out)
{
	struct stat st;
	bool ours = out->on && !fstat(out->fd, &st) &&
		    st.st_dev == out->dev && st.st_ino == out->ino;

	trace_out_stop(out, ours);
}

/*
 * After a short write of @done bytes the file ends inside a line: drop
 * that part.  Only a regular file can be cut; a pipe's reader sees it.
 * Return: 0 when the file ends with a whole line.
 */
static inline int trace_out_cut(struct trace_out *out, size_t done)
{
	size_t keep = done;
	off_t end;

	while (keep && out->buf[keep - 1] != '\n')
		keep--;
	if (keep == done)
		return 0;
	end = lseek(out->fd, 0, SEEK_CUR);
	if (end < 0)
		return -1;
	return ftruncate(out->fd, end - (off_t)(done - keep));
}

/*
 * A failed write may raise a signal meant for the program's own writes
 * (SIGPIPE for a reader that went away, SIGXFSZ past the file size
 * limit), which must not kill it.  Take back the one it raised, unless
 * the program was holding it blocked itself.
 */
static inline void trace_out_unraise(const sigset_t *old_set)
{
	static const struct timespec no_wait = { 0, 0 };
	sigset_t pending, take;

	if (sigpending(&pending))
		return;
	sigemptyset(&take);
	if (sigismember(&pending, SIGPIPE) && !sigismember(old_set, SIGPIPE))
		sigaddset(&take, SIGPIPE);
	if (sigismember(&pending, SIGXFSZ) && !sigismember(old_set, SIGXFSZ))
		sigaddset(&take, SIGXFSZ);
	while (sigtimedwait(&take, NULL, &no_wait) > 0)
		;
}

/*
 * Write the whole buffer, with the signals a write may raise blocked.
 * sigprocmask() acts on the calling thread only, on Linux, which is all
 * that is needed.
 */
static inline bool trace_out_write(struct trace_out *out)
{
	sigset_t blocked, old_set;
	size_t done = 0;
	ssize_t n;

	sigemptyset(&blocked);
	sigaddset(&blocked, SIGPIPE);
	sigaddset(&blocked, SIGXFSZ);
	sigprocmask(SIG_BLOCK, &blocked, &old_set);
	while (done < out->len) {
		n = write(out->fd, out->buf + done, out->len - done);
		if (n > 0)
			done += (size_t)n;
		else if (n == 0 || errno != EINTR)
			break;
	}
	if (done < out->len)
		trace_out_unraise(&old_set);
	sigprocmask(SIG_SETMASK, &old_set, NULL);
	if (done == out->len) {
		out->len = 0;
		return true;
	}
	trace_out_cut(out, done);
	return false;
}

/* Write what is buffered; false when recording is (now) stopped. */
static inline bool trace_out_flush(struct trace_out *out)
{
	if (!out->on)
		return false;
	if (!out->len)
		return true;
	if (!trace_out_owned(out))
		return false;
	if (trace_out_write(out))
		return true;
	trace_out_stop(out, true);
	return false;
}

/*
 * Start recording to @fd, which @out then owns, with @header as the
 * first line.  Return: 0, or a negative errno value when @fd is bad.
 */
static inline int trace_out_start(struct trace_out *out, int fd,
				  const char *header)
{
	struct stat st;
	size_t len;

	if (fstat(fd, &st))
		return -errno;
	out->fd = fd;
	out->pid = getpid();
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->unbuffered = false;
	for (len = 0; header[len] && len < TRACE_LINE_MAX; len++)
		out->buf[len] = header[len];
	out->len = len;
	out->on = true;
	return 0;
}

/* Flush and close: recording stops.  Nothing to do when it had stopped. */
static inline void trace_out_close(struct trace_out *out)
{
	if (trace_out_flush(out))
		trace_out_stop(out, true);
}

/*
 * Where to format a line of at most @max bytes, newline included, or NULL
 * when not recording.  trace_out_end_line() then takes it.
 */
static inline char *trace_out_line(struct trace_out *out, size_t max)
{
	if (!out->on || max > TRACE_BUF_SIZE)
		return NULL;
	if (out->len + max > TRACE_BUF_SIZE && !trace_out_flush(out))
		return NULL;
	return out->buf + out->len;
}

static inline void trace_out_end_line(struct trace_out *out, char *end)
{
	*end++ = '\n';
	out->len = (size_t)(end - out->buf);
	if (out->unbuffered)
		trace_out_flush(out);
}

/*
 * Formatting without stdio, which may allocate; each returns the new end.
 * The hot paths copy literals with a known length and write digits in
 * place, from the last one back: byte loops showed in the profile.
 */
#define trace_put_lit(p, lit) \
	((char *)memcpy((p), "" lit, sizeof(lit) - 1) + sizeof(lit) - 1)

static inline char *trace_put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static inline char *trace_put_dec(char *p, uintmax_t n)
{
	uintmax_t rest = n;
	char *end = p;

	do
		end++;
	while ((rest /= 10));
	p = end;
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10));
	return end;
}

static inline char *trace_put_hex(char *p, uintmax_t n)
{
	uintmax_t rest = n;
	char *end;

	*p++ = '0';
	*p++ = 'x';
	end = p;
	do
		end++;
	while ((rest >>= 4));
	p = end;
	do
		*--p = "0123456789abcdef"[n & 15];
	while ((n >>= 4));
	return end;
}

#endif /* MEMS_COMMON_TRACE_OUT_H */
