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
 * Only the process mems-trace started records: at load the library takes
 * itself out of the environment, so that the programs this one executes
 * run untraced, and a forked child stops recording before it can write.
 * A program that dies of a fault of its own (TRACE_FATAL_SIGNALS) runs
 * no exit code: a handler put in front of those signals at load writes
 * the buffer out, then lets the signal kill the program as it would have.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
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

/*
 * Start recording on the descriptor mems-trace passed, if any; called
 * with the lock held, at the first call or at load, whichever is first.
 * The first line is written at once: an empty file tells mems-trace that
 * this library never ran in the program.
 */
static void trace_adopt(void)
{
	const char *value = getenv("MEMS_TRACE_FD");
	int saved_errno = errno;
	int fd, high;

	set_state(TRACE_OFF);
	fd = value ? parse_fd(value) : -1;
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

static void trace_fork_child(void)
{
	pthread_mutex_init(&trace_lock, NULL);
	trace_out_disown(&trace_out);
	set_state(TRACE_OFF);
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

/* glibc's _exit() is this system call, and _Exit() is _exit(). */
void _exit(int status)
{
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

int execve(const char *path, char *const argv[], char *const envp[])
{
	trace_flush_now();
	if (!real_execve)
		return exec_unavailable();
	return real_execve(path, argv, envp);
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
	trace_flush_now();
	if (!real_execvpe)
		return exec_unavailable();
	return real_execvpe(file, argv, envp);
}

int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

int fexecve(int fd, char *const argv[], char *const envp[])
{
	trace_flush_now();
	if (!real_fexecve)
		return exec_unavailable();
	return real_fexecve(fd, argv, envp);
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
 * environment is cleaned before main() can start anything.  unsetenv()
 * does not allocate.
 */
static void environ_remove_self(void)
{
	char *list = getenv("LD_PRELOAD");

	unsetenv("MEMS_TRACE_FD");
	if (!list)
		return;
	preload_remove_self(list);
	if (!*list)
		unsetenv("LD_PRELOAD");
}

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
	pthread_mutex_lock(&trace_lock);
	if (get_state() == TRACE_UNKNOWN)
		trace_adopt();
	pthread_mutex_unlock(&trace_lock);
	if (get_state() == TRACE_ON) {
		pthread_atfork(trace_fork_prepare, trace_fork_parent,
			       trace_fork_child);
		trace_fatal_install();
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
