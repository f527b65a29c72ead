// SPDX-License-Identifier: MIT
/*
 * tools/trace/mems-trace.c - run a program and record its allocations.
 *
 * mems-trace opens the trace file, then runs the program with
 * libmems-trace.so in LD_PRELOAD and the file's descriptor in
 * MEMS_TRACE_FD; the library records the calls (Documentation/
 * mems-trace.rst).  The processes the program starts, and the programs
 * it executes, inherit the library and MEMS_TRACE_FOLLOW, the trace's
 * absolute name, and each records in FILE.PID (FILE.PID.N for the Nth
 * program a process runs); once the program has exited, mems-trace
 * lists the traces written, when there are several.  The program keeps
 * its standard streams, arguments and environment, and mems-trace exits
 * as it did, so that it can stand in front of any command line.
 * Nothing is allocated through MeMS here: the program's own allocator is
 * the one being observed.
 */
#define _GNU_SOURCE
#include <dirent.h>
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
	      "Every process the program starts, and every program they\n"
	      "execute, is recorded too, each in FILE.PID (FILE.PID.N for\n"
	      "the Nth program a process runs); when there are several\n"
	      "traces, they are listed on stderr at the end.\n"
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
static bool environ_prepare(const char *preload, int fd, const char *follow)
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
	      setenv("MEMS_TRACE_FD", number, 1) ||
	      (follow ? setenv("MEMS_TRACE_FOLLOW", follow, 1) :
			unsetenv("MEMS_TRACE_FOLLOW"));
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

/* ---------------------------------------------------------------------
 * The traces of the other processes: FILE.PID and FILE.PID.N
 */

/* The traces of @follow, one a name in its directory. */
struct follow {
	char dir[PATH_MAX];
	const char *base; /* in the absolute name */
	size_t base_len;
};

static bool follow_init(struct follow *f, const char *abs)
{
	const char *slash = strrchr(abs, '/');
	size_t len = (size_t)(slash - abs);

	if (!slash || len >= sizeof(f->dir))
		return false;
	memcpy(f->dir, abs, len);
	f->dir[len ? len : 1] = '\0';
	if (!len)
		f->dir[0] = '/';
	f->base = slash + 1;
	f->base_len = strlen(f->base);
	return true;
}

/* Digits and nothing else, not empty, as a pid; 0 when not one. */
static long digits_value(const char *s, size_t len)
{
	long n = 0;
	size_t i;

	if (!len || len > 9)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		n = n * 10 + (s[i] - '0');
	}
	return n;
}

/*
 * Is @name BASE.PID or BASE.PID.N?  *@pid and *@image (1 for BASE.PID)
 * then say which.
 */
static bool follow_match(const struct follow *f, const char *name, long *pid,
			 long *image)
{
	const char *rest, *dot;

	if (strncmp(name, f->base, f->base_len) || name[f->base_len] != '.')
		return false;
	rest = name + f->base_len + 1;
	dot = strchr(rest, '.');
	*pid = digits_value(rest, dot ? (size_t)(dot - rest) : strlen(rest));
	*image = dot ? digits_value(dot + 1, strlen(dot + 1)) : 1;
	return *pid > 0 && *image > 0;
}

/*
 * The traces an earlier run left under the same name go, as -o empties
 * FILE: the library takes the first free name of a pid, and the list at
 * the end is of this run's traces only.
 */
static void follow_clean(const struct follow *f)
{
	DIR *dir = opendir(f->dir);
	struct dirent *ent;
	long pid, image;

	if (!dir)
		return;
	while ((ent = readdir(dir)))
		if (follow_match(f, ent->d_name, &pid, &image))
			unlinkat(dirfd(dir), ent->d_name, 0);
	closedir(dir);
}

struct trace_summary {
	char *name; /* as the user named it: FILE, FILE.PID, FILE.PID.N */
	long pid;
	long image;
	unsigned long steps;
	char end[24]; /* "exit N", "exec", or "-" */
	char *program;
};

/*
 * Read a trace for its list entry: the steps are the lines that call the
 * allocator, as mems-dump counts them; the end is its last line's.
 */
static void summary_read(struct trace_summary *t, const char *path)
{
	FILE *in = fopen(path, "r");
	char *line = NULL, *last = NULL;
	size_t cap = 0;
	ssize_t len;

	strcpy(t->end, "-");
	if (!in)
		return;
	while ((len = getline(&line, &cap, in)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!strncmp(line, "# pid ", 6) && !t->program) {
			char *program = strstr(line, " program ");

			if (program)
				t->program = strdup(program + 9);
			continue;
		}
		if (!len || line[0] == '#' || !strncmp(line, "mems-trace ", 11))
			continue;
		if (!strncmp(line, "exit ", 5) || !strcmp(line, "exec")) {
			free(last);
			last = strdup(line);
			continue;
		}
		t->steps++;
	}
	if (last)
		snprintf(t->end, sizeof(t->end), "%s", last);
	free(last);
	free(line);
	fclose(in);
}

static int summary_order(const void *a, const void *b)
{
	const struct trace_summary *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->image > y->image) - (x->image < y->image);
}

static int width_of(unsigned long n)
{
	return snprintf(NULL, 0, "%lu", n);
}

static void summary_print(struct trace_summary *t, size_t n)
{
	int name_w = 5, pid_w = 3, steps_w = 5, end_w = 3;
	size_t i, processes;

	qsort(t + 1, n - 1, sizeof(*t), summary_order);
	processes = 1;
	for (i = 1; i < n; i++)
		if (t[i].pid != t[0].pid &&
		    (i == 1 || t[i].pid != t[i - 1].pid))
			processes++;
	for (i = 0; i < n; i++) {
		if ((int)strlen(t[i].name) > name_w)
			name_w = (int)strlen(t[i].name);
		if (width_of((unsigned long)t[i].pid) > pid_w)
			pid_w = width_of((unsigned long)t[i].pid);
		if (width_of(t[i].steps) > steps_w)
			steps_w = width_of(t[i].steps);
		if ((int)strlen(t[i].end) > end_w)
			end_w = (int)strlen(t[i].end);
	}
	fprintf(stderr, "mems-trace: %zu traces of %zu process%s:\n", n,
		processes, processes == 1 ? "" : "es");
	fprintf(stderr, "%-*s  %*s  %*s  %-*s  %s\n", name_w, "TRACE", pid_w,
		"PID", steps_w, "STEPS", end_w, "END", "PROGRAM");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%-*s  %*ld  %*lu  %-*s  %s\n", name_w,
			t[i].name, pid_w, t[i].pid, steps_w, t[i].steps, end_w,
			t[i].end, t[i].program ? t[i].program : "?");
}

/*
 * After the program: when other processes recorded too, the list of the
 * traces, the first mems-trace's own (@output, of @program), with their
 * pids, steps, ends and programs.  A single trace is not listed, so that
 * a program that starts no other runs as quietly as it always did.
 */
static void follow_summary(const struct follow *f, const char *output,
			   pid_t pid, const char *program)
{
	struct trace_summary *t = calloc(1, sizeof(*t)), *more;
	char path[PATH_MAX * 2 + 2];
	DIR *dir = opendir(f->dir);
	struct dirent *ent;
	size_t i, n = 1;
	long p, image;

	if (!t || !dir)
		goto out;
	t[0].name = strdup(output);
	t[0].pid = pid;
	t[0].program = strdup(program);
	summary_read(&t[0], output);
	while ((ent = readdir(dir))) {
		if (!follow_match(f, ent->d_name, &p, &image))
			continue;
		more = realloc(t, (n + 1) * sizeof(*t));
		if (!more)
			break;
		t = more;
		memset(&t[n], 0, sizeof(*t));
		if (asprintf(&t[n].name, "%s%s", output,
			     ent->d_name + f->base_len) < 0)
			break;
		t[n].pid = p;
		t[n].image = image;
		snprintf(path, sizeof(path), "%s/%s", f->dir, ent->d_name);
		summary_read(&t[n++], path);
	}
	if (n > 1)
		summary_print(t, n);
out:
	if (dir)
		closedir(dir);
	for (i = 0; t && i < n; i++) {
		free(t[i].name);
		free(t[i].program);
	}
	free(t);
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
	char preload[PATH_MAX], follow_name[PATH_MAX];
	struct follow follow;
	bool ran, following;
	int opt, fd, code, status;
	struct stat st;

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
	/*
	 * Only a regular file has names beside it for the other traces:
	 * with a pipe or a device, the program alone is recorded.
	 */
	following = !fstat(fd, &st) && S_ISREG(st.st_mode) &&
		    realpath(output, follow_name) &&
		    follow_init(&follow, follow_name);
	if (following)
		follow_clean(&follow);
	if (!environ_prepare(preload, fd, following ? follow_name : NULL))
		return EXIT_TRACE_FAILED;
	code = run(argv + optind, &ran, &status);
	if (!ran)
		return code;
	check_recorded(fd, argv[optind]);
	if (following)
		follow_summary(&follow, output, child, argv[optind]);
	return code;
}
