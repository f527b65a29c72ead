// SPDX-License-Identifier: MIT
/*
 * tools/trace/libmems-trace.c - the preload library of mems-trace.
 *
 * mems-trace loads this into an unmodified program with LD_PRELOAD.  It
 * defines the C library's allocation functions: each calls glibc's own
 * allocator, so the program runs as it always does, and records the call
 * as a line of a "mems-trace 1 libc" file (Documentation/trace-format.rst)
 * on the descriptor mems-trace names in MEMS_TRACE_FD.
 *
 * One lock is held around each real call and its record, so the lines
 * of all threads come in the order the calls took effect.  A thread-local
 * flag, set while this library works, sends allocations made meanwhile
 * (by dlsym or pthread_atfork, or by a signal handler) straight to glibc.
 * The process mems-trace started records on the descriptor it was given.
 * Every other process, a forked child or a program executed, inherits
 * this library and MEMS_TRACE_FOLLOW, and records in a file of its own
 * named after its pid, opened at its first call: a child never writes
 * into its parent's file.  Without MEMS_TRACE_FOLLOW (a trace that is no
 * regular file) only the first process records: at load the library
 * takes itself out of the environment, and a forked child stops.
 * Each trace ends with how its process ended, "exit STATUS" or "exec";
 * a program that dies of a fault of its own (TRACE_FATAL_SIGNALS) runs
 * no exit code: a handler put in front of those signals at load writes
 * the buffer out, then lets the signal kill the program as it would have,
 * and the trace has no end line.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <common/signal_chain.h>
#include <common/trace_out.h>

#define PRELOAD_NAME "libmems-trace.so"
/*
 * The trace's descriptor moves up to here at least, out of the way of
 * programs that dup2() onto small numbers they expect to be free.
 */
#define TRACE_FD_FLOOR 100
/* A process that executes programs one after another: FILE.PID.2 and on. */
#define TRACE_FOLLOW_MAX_IMAGES 1000

/* glibc's allocator, under the names that do not lead back here. */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t nmemb, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void __libc_free(void *ptr);
void *__libc_memalign(size_t alignment, size_t size);
void *__libc_valloc(size_t size);
void *__libc_pvalloc(size_t size);

enum trace_state { TRACE_UNKNOWN, TRACE_ON, TRACE_OFF };

static struct trace_out trace_out;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
/* Read without the lock, to let calls through once recording is over. */
static enum trace_state trace_state;
static __thread bool in_trace __attribute__((tls_model("initial-exec")));
static __thread bool locked_for_fork
	__attribute__((tls_model("initial-exec")));
/* errno as the real call left it, for the caller to see. */
static int call_errno;
static size_t page_size;
/*
 * MEMS_TRACE_FOLLOW: the trace mems-trace opened, whose name, with the
 * pid after it, every other process records in.  Kept here at load: the
 * program may change its environment, and a forked child reads it after
 * fork, where getenv() is fine but the variable may be gone.
 */
static char follow_prefix[PATH_MAX];
static bool follow_loaded;
/* How this process image ended; written once, last. */
static bool trace_ended;

/*
 * Their glibc versions differ in the checks they make, so these two are
 * found with dlsym() at load; a call before that (from another library's
 * constructor) gets glibc 2.36's behaviour, which is memalign's.
 */
static int (*real_posix_memalign)(void **ptr, size_t alignment, size_t size);
static void *(*real_aligned_alloc)(size_t alignment, size_t size);
/* The exec functions this library wraps call these. */
static int (*real_execve)(const char *path, char *const argv[],
			  char *const envp[]);
static int (*real_execvpe)(const char *file, char *const argv[],
			   char *const envp[]);
static int (*real_fexecve)(int fd, char *const argv[], char *const envp[]);

static enum trace_state get_state(void)
{
	return __atomic_load_n(&trace_state, __ATOMIC_RELAXED);
}

static void set_state(enum trace_state state)
{
	__atomic_store_n(&trace_state, state, __ATOMIC_RELAXED);
}

static int parse_fd(const char *s)
{
	long fd = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || fd > 1000000)
			return -1;
		fd = fd * 10 + (*s - '0');
	}
	return (int)fd;
}

static void follow_load(void)
{
	const char *value = getenv("MEMS_TRACE_FOLLOW");

	if (follow_loaded)
		return;
	follow_loaded = true;
	if (value && *value == '/' && strlen(value) < sizeof(follow_prefix))
		strcpy(follow_prefix, value);
}

/*
 * FILE.PID, or FILE.PID.N for the Nth program this process runs, created
 * here: mems-trace removed those of earlier runs, so the first name that
 * is free is this image's.  Built without stdio, which may allocate.
 */
static int follow_open(void)
{
	char path[PATH_MAX + 48], *end;
	unsigned int image;
	int fd = -1;

	end = trace_put_str(path, follow_prefix);
	*end++ = '.';
	end = trace_put_dec(end, (uintmax_t)getpid());
	*end = '\0';
	for (image = 1; image <= TRACE_FOLLOW_MAX_IMAGES; image++) {
		if (image > 1) {
			char *p = trace_put_dec(end + 1, image);

			*end = '.';
			*p = '\0';
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd;
}

/* "# pid PID program PATH": which process a followed trace is of. */
static void follow_comment(void)
{
	char exe[PATH_MAX], *p;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (len < 0)
		len = 0;
	exe[len] = '\0';
	p = trace_out_line(&trace_out, 48 + (size_t)len);
	if (!p)
		return;
	p = trace_put_lit(p, "# pid ");
	p = trace_put_dec(p, (uintmax_t)getpid());
	p = trace_put_lit(p, " program ");
	p = trace_put_str(p, exe);
	trace_out_end_line(&trace_out, p);
}

/*
 * Start recording, called with the lock held, at the first call or at
 * load, whichever is first: on the descriptor mems-trace passed to the
 * process it started, else in a file of this process's own when
 * following.  The first lines are written at once: an empty file tells
 * mems-trace that this library never ran in the program.
 */
static void trace_adopt(void)
{
	const char *value = getenv("MEMS_TRACE_FD");
	int saved_errno = errno;
	bool followed = false;
	int fd, high;

	set_state(TRACE_OFF);
	follow_load();
	fd = value ? parse_fd(value) : -1;
	if ((fd < 0 || fcntl(fd, F_GETFD) < 0) && *follow_prefix) {
		fd = follow_open();
		followed = true;
	}
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		goto out;
	/* A standard stream stays where it is, and open for the program. */
	high = fd > STDERR_FILENO ? fcntl(fd, F_DUPFD_CLOEXEC, TRACE_FD_FLOOR) :
				    -1;
	if (high >= 0) {
		close(fd);
		fd = high;
	} else if (fd > STDERR_FILENO) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	page_size = sysconf(_SC_PAGESIZE);
	if (trace_out_start(&trace_out, fd, "mems-trace 1 libc\n")) {
		close(fd);
		goto out;
	}
	if (followed)
		follow_comment();
	trace_ended = false;
	if (trace_out_flush(&trace_out))
		set_state(TRACE_ON);
out:
	errno = saved_errno;
}

/*
 * Whether to record this call; if so the lock is held until
 * trace_leave().  Before glibc has set environ up there is nothing to
 * read MEMS_TRACE_FD from: such early calls pass unrecorded.
 */
static bool trace_enter(void)
{
	enum trace_state state = get_state();

	if (in_trace || state == TRACE_OFF ||
	    (state == TRACE_UNKNOWN && !environ))
		return false;
	in_trace = true;
	pthread_mutex_lock(&trace_lock);
	if (get_state() == TRACE_UNKNOWN)
		trace_adopt();
	if (get_state() == TRACE_ON)
		return true;
	pthread_mutex_unlock(&trace_lock);
	in_trace = false;
	return false;
}

static void trace_leave(void)
{
	pthread_mutex_unlock(&trace_lock);
	in_trace = false;
}

/* Begin a line, right after the real call: errno is kept for the caller. */
static char *line_start(const char *event)
{
	char *p;

	call_errno = errno;
	p = trace_out_line(&trace_out, TRACE_LINE_MAX);
	return p ? trace_put_str(p, event) : NULL;
}

static char *put_size(char *p, size_t n)
{
	*p++ = ' ';
	return trace_put_dec(p, n);
}

static char *put_ptr(char *p, const void *ptr)
{
	*p++ = ' ';
	return trace_put_hex(p, (uintptr_t)ptr);
}

static char *put_result(char *p, const void *ptr)
{
	p = trace_put_lit(p, " -> ");
	return trace_put_hex(p, (uintptr_t)ptr);
}

static void line_end(char *p)
{
	if (p)
		trace_out_end_line(&trace_out, p);
	if (!trace_out.on)
		set_state(TRACE_OFF);
	errno = call_errno;
}

/* "memalign ALIGNMENT SIZE -> PTR", for every aligned allocation. */
static void record_memalign(size_t alignment, size_t size, const void *ptr)
{
	char *p = line_start("memalign");

	if (p) {
		p = put_size(p, alignment);
		p = put_size(p, size);
		p = put_result(p, ptr);
	}
	line_end(p);
}

void *malloc(size_t size)
{
	void *ptr;
	char *p;

	if (!trace_enter())
		return __libc_malloc(size);
	ptr = __libc_malloc(size);
	p = line_start("malloc");
	if (p) {
		p = put_size(p, size);
		p = put_result(p, ptr);
	}
	line_end(p);
	trace_leave();
	return ptr;
}

void *calloc(size_t nmemb, size_t size)
{
	void *ptr;
	char *p;

	if (!trace_enter())
		return __libc_calloc(nmemb, size);
	ptr = __libc_calloc(nmemb, size);
	p = line_start("calloc");
	if (p) {
		p = put_size(p, nmemb);
		p = put_size(p, size);
		p = put_result(p, ptr);
	}
	line_end(p);
	trace_leave();
	return ptr;
}

void *realloc(void *old, size_t size)
{
	void *ptr;
	char *p;

	if (!trace_enter())
		return __libc_realloc(old, size);
	ptr = __libc_realloc(old, size);
	p = line_start("realloc");
	if (p) {
		p = put_ptr(p, old);
		p = put_size(p, size);
		p = put_result(p, ptr);
	}
	line_end(p);
	trace_leave();
	return ptr;
}

void free(void *ptr)
{
	char *p;

	if (!trace_enter()) {
		__libc_free(ptr);
		return;
	}
	__libc_free(ptr);
	p = line_start("free");
	if (p)
		p = put_ptr(p, ptr);
	line_end(p);
	trace_leave();
}

/* glibc's own checks, for a call that comes before dlsym() could run. */
static int early_posix_memalign(void **ptr, size_t alignment, size_t size)
{
	size_t units = alignment / sizeof(void *);
	void *mem;

	if (alignment % sizeof(void *) || !units || (units & (units - 1)))
		return EINVAL;
	mem = __libc_memalign(alignment, size);
	if (!mem)
		return ENOMEM;
	*ptr = mem;
	return 0;
}

static int call_posix_memalign(void **ptr, size_t alignment, size_t size)
{
	if (real_posix_memalign)
		return real_posix_memalign(ptr, alignment, size);
	return early_posix_memalign(ptr, alignment, size);
}

static void *call_aligned_alloc(size_t alignment, size_t size)
{
	if (real_aligned_alloc)
		return real_aligned_alloc(alignment, size);
	return __libc_memalign(alignment, size);
}

int posix_memalign(void **ptr, size_t alignment, size_t size)
{
	int err;

	if (!trace_enter())
		return call_posix_memalign(ptr, alignment, size);
	err = call_posix_memalign(ptr, alignment, size);
	record_memalign(alignment, size, err ? NULL : *ptr);
	trace_leave();
	return err;
}

void *aligned_alloc(size_t alignment, size_t size)
{
	void *ptr;

	if (!trace_enter())
		return call_aligned_alloc(alignment, size);
	ptr = call_aligned_alloc(alignment, size);
	record_memalign(alignment, size, ptr);
	trace_leave();
	return ptr;
}

void *memalign(size_t alignment, size_t size)
{
	void *ptr;

	if (!trace_enter())
		return __libc_memalign(alignment, size);
	ptr = __libc_memalign(alignment, size);
	record_memalign(alignment, size, ptr);
	trace_leave();
	return ptr;
}

/* valloc and pvalloc are memalign to a page, of the size asked for. */
void *valloc(size_t size)
{
	void *ptr;

	if (!trace_enter())
		return __libc_valloc(size);
	ptr = __libc_valloc(size);
	record_memalign(page_size, size, ptr);
	trace_leave();
	return ptr;
}

void *pvalloc(size_t size)
{
	void *ptr;

	if (!trace_enter())
		return __libc_pvalloc(size);
	ptr = __libc_pvalloc(size);
	record_memalign(page_size, size, ptr);
	trace_leave();
	return ptr;
}

/*
 * Around fork(): no other thread may be half-way through a record when
 * the child's copy of the memory is taken, and the child, which shares
 * the file, drops its copy of the buffer and records nothing.
 */
static void trace_fork_prepare(void)
{
	locked_for_fork = !in_trace;
	if (locked_for_fork)
		pthread_mutex_lock(&trace_lock);
}

static void trace_fork_parent(void)
{
	if (locked_for_fork)
		pthread_mutex_unlock(&trace_lock);
}

/* Following, the child's first call opens its own file. */
static void trace_fork_child(void)
{
	pthread_mutex_init(&trace_lock, NULL);
	trace_out_disown(&trace_out);
	set_state(*follow_prefix ? TRACE_UNKNOWN : TRACE_OFF);
}

/*
 * A process that ends with _exit() (as dash does) or becomes another
 * program with exec runs no destructor: what is buffered goes first.  A
 * vfork() child shares the parent's memory, buffer included, and must
 * leave it alone.
 */
static void trace_flush_now(void)
{
	int saved_errno = errno;

	if (in_trace || get_state() != TRACE_ON || getpid() != trace_out.pid)
		return;
	in_trace = true;
	pthread_mutex_lock(&trace_lock);
	if (!trace_out_flush(&trace_out))
		set_state(TRACE_OFF);
	pthread_mutex_unlock(&trace_lock);
	in_trace = false;
	errno = saved_errno;
}

/*
 * Hold the trace of this process, if it records, to write its last
 * line; false, with nothing held, when there is nothing to write to (a
 * vfork() child shares its parent's).  trace_leave() lets it go.
 */
static bool trace_end_enter(void)
{
	if (in_trace || get_state() != TRACE_ON || getpid() != trace_out.pid)
		return false;
	in_trace = true;
	pthread_mutex_lock(&trace_lock);
	if (get_state() == TRACE_ON && !trace_ended)
		return true;
	pthread_mutex_unlock(&trace_lock);
	in_trace = false;
	return false;
}

/*
 * "exit STATUS", the last line: what runs later (the C library's own
 * cleanup) is not recorded, so that no line comes after it.
 */
static void trace_end_exit(int status)
{
	int saved_errno = errno;
	char *p;

	if (!trace_end_enter())
		return;
	p = trace_out_line(&trace_out, TRACE_LINE_MAX);
	if (p) {
		p = trace_put_lit(p, "exit ");
		p = trace_put_dec(p, (unsigned int)status & 0xff);
		trace_out_end_line(&trace_out, p);
	}
	trace_ended = true;
	trace_out_close(&trace_out);
	set_state(TRACE_OFF);
	trace_leave();
	errno = saved_errno;
}

/*
 * exit(), and main() returning: registered at load, before the program's
 * own handlers and before the C library registers the destructors of
 * the shared objects, so that it runs after all of them.
 */
static void trace_on_exit(int status, void *arg)
{
	(void)arg;
	trace_end_exit(status);
}

/* glibc's _exit() is this system call, and _Exit() is _exit(). */
void _exit(int status)
{
	trace_end_exit(status);
	trace_flush_now();
	for (;;)
		syscall(SYS_exit_group, status);
}

void _Exit(int status)
{
	_exit(status);
}

/* Without dlsym() (an exec before the constructor ran), fail as ENOSYS. */
static int exec_unavailable(void)
{
	errno = ENOSYS;
	return -1;
}

/*
 * Before an exec: "exec" ends the trace, whose program is then another.
 * The lock stays held across the exec, so that no other thread records
 * after that line; returns whether it is held.  Where the trace ended
 * before the line is kept in *@before for trace_exec_failed().
 */
static bool trace_exec_start(off_t *before)
{
	char *p;

	if (!trace_end_enter())
		return false;
	*before = -1;
	if (trace_out_flush(&trace_out))
		*before = lseek(trace_out.fd, 0, SEEK_CUR);
	p = trace_out_line(&trace_out, TRACE_LINE_MAX);
	if (p) {
		p = trace_put_lit(p, "exec");
		trace_out_end_line(&trace_out, p);
	}
	trace_out_flush(&trace_out);
	return true;
}

/*
 * The exec failed, and the program goes on: its trace too, once the
 * "exec" line is taken back.  A file that cannot be cut (a pipe) stops
 * there instead, to stay a trace that reads as it was written.
 */
static void trace_exec_failed(off_t before)
{
	int saved_errno = errno;

	if (!trace_out.on || before < 0 || ftruncate(trace_out.fd, before) ||
	    lseek(trace_out.fd, before, SEEK_SET) < 0) {
		trace_ended = true;
		trace_out_stop(&trace_out, true);
		set_state(TRACE_OFF);
	}
	trace_leave();
	errno = saved_errno;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	bool held;
	off_t before;
	int ret;

	trace_flush_now();
	if (!real_execve)
		return exec_unavailable();
	held = trace_exec_start(&before);
	ret = real_execve(path, argv, envp);
	if (held)
		trace_exec_failed(before);
	return ret;
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
	bool held;
	off_t before;
	int ret;

	trace_flush_now();
	if (!real_execvpe)
		return exec_unavailable();
	held = trace_exec_start(&before);
	ret = real_execvpe(file, argv, envp);
	if (held)
		trace_exec_failed(before);
	return ret;
}

int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

int fexecve(int fd, char *const argv[], char *const envp[])
{
	bool held;
	off_t before;
	int ret;

	trace_flush_now();
	if (!real_fexecve)
		return exec_unavailable();
	held = trace_exec_start(&before);
	ret = real_fexecve(fd, argv, envp);
	if (held)
		trace_exec_failed(before);
	return ret;
}

enum exec_kind { EXEC_PATH, EXEC_SEARCH, EXEC_ENV };

/* 1 + the arguments after @arg up to the NULL, counted on a copy. */
static size_t exec_count(const char *arg, va_list args)
{
	size_t argc = 1;
	va_list copy;

	va_copy(copy, args);
	if (arg)
		while (va_arg(copy, const char *))
			argc++;
	va_end(copy);
	return argc;
}

/*
 * execl(), execlp() and execle(), as glibc builds them: the argument
 * vector on the stack, because they may run in a vfork() child, where
 * malloc() is not safe.
 */
static int exec_list(enum exec_kind kind, const char *name, const char *arg,
		     va_list args)
{
	char *argv[exec_count(arg, args) + 1];
	char *const *envp = environ;
	size_t i = 0;

	argv[0] = (char *)arg;
	while (argv[i])
		argv[++i] = va_arg(args, char *);
	if (kind == EXEC_ENV)
		envp = va_arg(args, char *const *);
	if (kind == EXEC_SEARCH)
		return execvpe(name, argv, envp);
	return execve(name, argv, envp);
}

int execl(const char *path, const char *arg, ...)
{
	va_list args;
	int ret;

	va_start(args, arg);
	ret = exec_list(EXEC_PATH, path, arg, args);
	va_end(args);
	return ret;
}

int execlp(const char *file, const char *arg, ...)
{
	va_list args;
	int ret;

	va_start(args, arg);
	ret = exec_list(EXEC_SEARCH, file, arg, args);
	va_end(args);
	return ret;
}

int execle(const char *path, const char *arg, ...)
{
	va_list args;
	int ret;

	va_start(args, arg);
	ret = exec_list(EXEC_ENV, path, arg, args);
	va_end(args);
	return ret;
}

/* What TRACE_FATAL_SIGNALS did when the library loaded. */
static struct signal_chain_set fatal_chain;

/*
 * The buffer is written unless a record was being made when the signal
 * came (a fault inside glibc's allocator, as its abort() on a corrupted
 * heap, comes outside the record: what was buffered is written).
 */
static void trace_fatal(int sig, siginfo_t *info, void *context)
{
	int saved_errno = errno;

	trace_out_rescue(&trace_out);
	errno = saved_errno;
	signal_chain_set_pass_on(&fatal_chain, sig, info, context);
}

/* A handler the program sets later replaces this one. */
static void trace_fatal_install(void)
{
	static const int signals[] = { TRACE_FATAL_SIGNALS };

	signal_chain_set_install(&fatal_chain, signals,
				 sizeof(signals) / sizeof(int), trace_fatal);
}

/* Is the LD_PRELOAD entry of @len bytes at @entry this library? */
static bool preload_is_self(const char *entry, size_t len)
{
	size_t name = sizeof(PRELOAD_NAME) - 1;

	if (len < name || memcmp(entry + len - name, PRELOAD_NAME, name))
		return false;
	return len == name || entry[len - name - 1] == '/';
}

/*
 * Take this library out of LD_PRELOAD, in place (entries are separated
 * by spaces or colons; those that stay are joined by colons).
 */
static void preload_remove_self(char *list)
{
	char *rd = list, *wr = list;
	size_t len;

	for (;;) {
		rd += strspn(rd, " :");
		len = strcspn(rd, " :");
		if (!len)
			break;
		if (!preload_is_self(rd, len)) {
			if (wr != list)
				*wr++ = ':';
			memmove(wr, rd, len);
			wr += len;
		}
		rd += len;
	}
	*wr = '\0';
}

/*
 * What this process executes must not record into the same file: the
 * environment is cleaned before main() can start anything.  Following,
 * the programs it executes keep the library, and record in files of
 * their own.  unsetenv() does not allocate.
 */
static void environ_remove_self(void)
{
	char *list = getenv("LD_PRELOAD");

	unsetenv("MEMS_TRACE_FD");
	if (!list || *follow_prefix)
		return;
	preload_remove_self(list);
	if (!*list)
		unsetenv("LD_PRELOAD");
}

/*
 * The process mems-trace started records from here on; a followed one
 * from its first call, so that a process that allocates nothing (a
 * child that only executes another program) leaves no file.
 */
__attribute__((constructor)) static void trace_load(void)
{
	int saved_errno = errno;
	bool launched = getenv("MEMS_TRACE_FD");

	in_trace = true;
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real_execve = dlsym(RTLD_NEXT, "execve");
	real_execvpe = dlsym(RTLD_NEXT, "execvpe");
	real_fexecve = dlsym(RTLD_NEXT, "fexecve");
	follow_load();
	pthread_mutex_lock(&trace_lock);
	if (get_state() == TRACE_UNKNOWN && launched)
		trace_adopt();
	pthread_mutex_unlock(&trace_lock);
	if (get_state() == TRACE_ON ||
	    (get_state() == TRACE_UNKNOWN && *follow_prefix)) {
		pthread_atfork(trace_fork_prepare, trace_fork_parent,
			       trace_fork_child);
		trace_fatal_install();
		on_exit(trace_on_exit, NULL);
	}
	if (launched)
		environ_remove_self();
	in_trace = false;
	errno = saved_errno;
}

/*
 * At exit: write what is buffered.  Calls made later, by destructors
 * that run after this one, are written one line at a time.
 */
__attribute__((destructor)) static void trace_unload(void)
{
	int saved_errno = errno;

	if (in_trace)
		return;
	in_trace = true;
	pthread_mutex_lock(&trace_lock);
	trace_out_flush(&trace_out);
	trace_out.unbuffered = true;
	if (!trace_out.on)
		set_state(TRACE_OFF);
	pthread_mutex_unlock(&trace_lock);
	in_trace = false;
	errno = saved_errno;
}
