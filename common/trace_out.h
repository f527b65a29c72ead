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
 *
 * A program that dies of a signal runs no exit code: the handler of the
 * signal writes out what the buffer holds with trace_out_rescue().  To
 * tell it when that is safe, each of the functions below that changes
 * the buffer or the descriptor holds @out while it does (a line, from
 * trace_out_line() to trace_out_end_line()); the handler writes only an
 * @out that nobody holds, whether the signal came in the middle of a
 * recorder's call in this thread or while another thread was in one.
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

/*
 * The signals on which a recorder writes its buffer out: those that end
 * a program for a fault of its own (or abort()), with a core.
 */
#define TRACE_FATAL_SIGNALS \
	SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGSYS, SIGTRAP

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
	bool held; /* a call is changing it: see trace_out_hold() */
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

/*
 * Take @out for a change, or false when a call that it interrupted, or
 * one in another thread, has it: the caller then leaves it alone.
 */
static inline bool trace_out_hold(struct trace_out *out)
{
	return !__atomic_exchange_n(&out->held, true, __ATOMIC_ACQUIRE);
}

static inline void trace_out_release(struct trace_out *out)
{
	__atomic_store_n(&out->held, false, __ATOMIC_RELEASE);
}

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

/* trace_out_flush() with @out held already. */
static inline bool trace_out_flush_held(struct trace_out *out)
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
 * Write what is buffered; false when recording is (now) stopped.  Held
 * elsewhere, @out is left to the holder, and recording goes on.
 */
static inline bool trace_out_flush(struct trace_out *out)
{
	bool on;

	if (!trace_out_hold(out))
		return out->on;
	on = trace_out_flush_held(out);
	trace_out_release(out);
	return on;
}

/*
 * From the handler of a signal that ends the process: write what the
 * buffer holds, unless a call is changing it.  A process that shares
 * the memory without being the recorder (a vfork() child) must not
 * even stop the recording.  Only system calls, as a handler may make.
 */
static inline void trace_out_rescue(struct trace_out *out)
{
	if (!trace_out_hold(out))
		return;
	if (out->on && out->pid == getpid())
		trace_out_flush_held(out);
	trace_out_release(out);
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
	if (!trace_out_hold(out))
		return -EBUSY;
	out->fd = fd;
	out->pid = getpid();
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->unbuffered = false;
	for (len = 0; header[len] && len < TRACE_LINE_MAX; len++)
		out->buf[len] = header[len];
	out->len = len;
	out->on = true;
	trace_out_release(out);
	return 0;
}

/* Flush and close: recording stops.  Nothing to do when it had stopped. */
static inline void trace_out_close(struct trace_out *out)
{
	if (!trace_out_hold(out))
		return;
	if (trace_out_flush_held(out))
		trace_out_stop(out, true);
	trace_out_release(out);
}

/*
 * Where to format a line of at most @max bytes, newline included, or NULL
 * when not recording.  @out is held until trace_out_end_line() takes the
 * line, which must follow.
 */
static inline char *trace_out_line(struct trace_out *out, size_t max)
{
	if (!out->on || max > TRACE_BUF_SIZE || !trace_out_hold(out))
		return NULL;
	if (out->len + max > TRACE_BUF_SIZE && !trace_out_flush_held(out)) {
		trace_out_release(out);
		return NULL;
	}
	return out->buf + out->len;
}

static inline void trace_out_end_line(struct trace_out *out, char *end)
{
	*end++ = '\n';
	out->len = (size_t)(end - out->buf);
	if (out->unbuffered)
		trace_out_flush_held(out);
	trace_out_release(out);
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
