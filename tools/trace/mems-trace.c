// SPDX-License-Identifier: MIT
/*
 * tools/trace/mems-trace.c - run a program and record its allocations.
 *
 * mems-trace opens the trace file, then runs the program with
 * libmems-trace.so in LD_PRELOAD and the file's descriptor in
 * MEMS_TRACE_FD; the library records the calls (Documentation/
 * mems-trace.rst).  The program keeps its standard streams, arguments
 * and environment, and mems-trace exits as it did, so that it can stand
 * in front of any command line.  Nothing is allocated through MeMS here:
 * the program's own allocator is the one being observed.  Once the
 * program has exited, mems-trace ends the trace with its "exit" line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tools/cli.h>

#define PRELOAD_NAME "libmems-trace.so"
#define DEFAULT_OUTPUT "mems-trace.out"
/* Exit statuses of mems-trace's own failures, as env(1) and timeout(1). */
#define EXIT_TRACE_FAILED 125
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127

/* A long option without a short one: a value no character has. */
#define OPT_VERSION 256

static pid_t child;

static void usage(FILE *out)
{
	fputs("Usage: mems-trace [-o FILE] -- PROGRAM [ARGS...]\n"
	      "Run PROGRAM and record its calls of malloc, calloc, realloc,\n"
	      "free and the aligned allocators in FILE, as a trace in the\n"
	      "\"mems-trace 1 libc\" format that mems-dump replays.  PROGRAM\n"
	      "must be dynamically linked.\n"
	      "\n"
	      "  -o, --output FILE  write the trace to FILE\n"
	      "                     (default " DEFAULT_OUTPUT ")\n"
	      "  -h, --help         print this help and exit\n"
	      "      --version      print the version and exit\n"
	      "\n"
	      "The exit status is PROGRAM's, or 128 + N when signal N\n"
	      "killed it.\n",
	      out);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list args;

	fputs("mems-trace: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

/* Use @candidate as the preload library if it is there; @path gets it. */
static bool preload_try(const char *candidate, char *path)
{
	return !access(candidate, R_OK) && realpath(candidate, path);
}

/*
 * The preload library: MEMS_TRACE_PRELOAD, else beside mems-trace in the
 * build tree (tools/trace/), else where make install puts it
 * (bin/../lib/mems/).
 */
static bool preload_find(char *path)
{
	const char *env = getenv("MEMS_TRACE_PRELOAD");
	char exe[PATH_MAX], candidate[PATH_MAX + 64];
	ssize_t len;
	char *slash;

	if (env && *env) {
		if (preload_try(env, path))
			return true;
		fail("cannot use MEMS_TRACE_PRELOAD '%s': %s", env,
		     strerror(errno));
		return false;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0) {
		fail("cannot find myself in /proc/self/exe: %s",
		     strerror(errno));
		return false;
	}
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(candidate, sizeof(candidate), "%s/trace/" PRELOAD_NAME, exe);
	if (preload_try(candidate, path))
		return true;
	snprintf(candidate, sizeof(candidate), "%s/../lib/mems/" PRELOAD_NAME,
		 exe);
	if (preload_try(candidate, path))
		return true;
	fail("cannot find " PRELOAD_NAME " in %s/trace or %s/../lib/mems "
	     "(set MEMS_TRACE_PRELOAD)", exe, exe);
	return false;
}

/* LD_PRELOAD with the library first, before what the caller preloads. */
static bool environ_prepare(const char *preload, int fd)
{
	const char *old = getenv("LD_PRELOAD");
	char number[24];
	char *list;
	int err;

	/* ld.so splits LD_PRELOAD at spaces and colons. */
	if (strpbrk(preload, " :")) {
		fail("cannot preload '%s': LD_PRELOAD cannot hold a path "
		     "with a space or a colon", preload);
		return false;
	}
	if (old && *old) {
		if (asprintf(&list, "%s:%s", preload, old) < 0)
			list = NULL;
	} else {
		list = strdup(preload);
	}
	snprintf(number, sizeof(number), "%d", fd);
	err = !list || setenv("LD_PRELOAD", list, 1) ||
	      setenv("MEMS_TRACE_FD", number, 1);
	free(list);
	if (err)
		fail("cannot set up the environment: %s", strerror(errno));
	return !err;
}

/*
 * In the child: exec the program.  If that fails, errno goes back to
 * the parent through @report, which exec would have closed.
 */
static void __attribute__((noreturn))
child_run(char **argv, const sigset_t *mask, int report)
{
	int err;

	sigprocmask(SIG_SETMASK, mask, NULL);
	execvp(argv[0], argv);
	err = errno;
	if (write(report, &err, sizeof(err)) != sizeof(err))
		_exit(EXIT_CANNOT_RUN);
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
}

static void forward_signal(int sig)
{
	kill(child, sig);
}

/*
 * While the program runs, the terminal's SIGINT and SIGQUIT reach it
 * directly (same process group): mems-trace ignores them and waits to
 * report how it ended.  SIGTERM and SIGHUP, which are often sent to one
 * process, are passed on.
 */
static void signals_while_waiting(void)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct sigaction forward = { .sa_handler = forward_signal,
				     .sa_flags = SA_RESTART };

	sigaction(SIGINT, &ignore, NULL);
	sigaction(SIGQUIT, &ignore, NULL);
	sigaction(SIGTERM, &forward, NULL);
	sigaction(SIGHUP, &forward, NULL);
}

/*
 * Run @argv; return the exit status mems-trace is to end with.  @ran
 * tells whether the program started at all, and @status then holds how
 * it ended, as waitpid() tells.
 */
static int run(char **argv, bool *ran, int *status)
{
	sigset_t blocked, old_mask;
	int report[2], err;
	ssize_t got;

	*ran = false;
	if (pipe2(report, O_CLOEXEC)) {
		fail("cannot create a pipe: %s", strerror(errno));
		return EXIT_TRACE_FAILED;
	}
	/* No signal may kill mems-trace between fork and its handlers. */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGQUIT);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGHUP);
	sigprocmask(SIG_BLOCK, &blocked, &old_mask);
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fail("cannot fork: %s", strerror(errno));
		return EXIT_TRACE_FAILED;
	}
	if (!child)
		child_run(argv, &old_mask, report[1]);
	close(report[1]);
	signals_while_waiting();
	sigprocmask(SIG_SETMASK, &old_mask, NULL);

	do
		got = read(report[0], &err, sizeof(err));
	while (got < 0 && errno == EINTR);
	while (waitpid(child, status, 0) < 0)
		if (errno != EINTR) {
			fail("cannot wait for '%s': %s", argv[0],
			     strerror(errno));
			return EXIT_TRACE_FAILED;
		}
	if (got == sizeof(err)) {
		fail("cannot run '%s': %s", argv[0], strerror(err));
		return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
	}
	*ran = true;
	if (WIFSIGNALED(*status))
		return 128 + WTERMSIG(*status);
	return WEXITSTATUS(*status);
}

/*
 * The library writes the first line as soon as it loads: an empty file
 * means the program never loaded it (statically linked, or setuid).
 */
static void check_recorded(int fd, const char *program)
{
	struct stat st;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && !st.st_size)
		fail("nothing recorded: " PRELOAD_NAME " did not run in '%s' "
		     "(is it statically linked?)", program);
}

/*
 * "exit STATUS", after the last line of a program that exited: a trace
 * without it tells mems-dump that the program stopped early (a signal
 * killed it).  Nothing can write to the file any more: the program is
 * gone and the children it forked record nothing.  A regular file is
 * written at its end, past what a failed write of the program cut, and
 * not at all when the program recorded nothing.
 */
static void record_exit(int fd, int code)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct stat st;
	char line[16];
	int len;

	if (fstat(fd, &st))
		return;
	if (S_ISREG(st.st_mode) && (!st.st_size || lseek(fd, 0, SEEK_END) < 0))
		return;
	/* A reader gone or the file size limit fails the write, no more. */
	sigaction(SIGPIPE, &ignore, NULL);
	sigaction(SIGXFSZ, &ignore, NULL);
	len = snprintf(line, sizeof(line), "exit %d\n", code);
	if (write(fd, line, (size_t)len) == len || !S_ISREG(st.st_mode))
		return;
	/* Part of a line reads as a truncated file, and none as a crash. */
	if (ftruncate(fd, st.st_size))
		return;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = DEFAULT_OUTPUT;
	char preload[PATH_MAX];
	int opt, fd, code, status;
	bool ran;

	/* '+': the program's own options are its; ':' tells a missing FILE. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:ho:", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			return cli_version("mems-trace");
		default:
			cli_bad_option("mems-trace", options, opt, argv);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		cli_usage_error("mems-trace", "no program to run");
		return EXIT_USAGE;
	}
	if (!preload_find(preload))
		return EXIT_TRACE_FAILED;
	fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fail("cannot open '%s': %s", output, strerror(errno));
		return EXIT_TRACE_FAILED;
	}
	if (!environ_prepare(preload, fd))
		return EXIT_TRACE_FAILED;
	code = run(argv + optind, &ran, &status);
	if (!ran)
		return code;
	check_recorded(fd, argv[optind]);
	if (WIFEXITED(status))
		record_exit(fd, WEXITSTATUS(status));
	return code;
}
