// SPDX-License-Identifier: MIT
/*
 * trace_out_test.c - the trace writer's last write, from the handler of
 * a fatal signal (trace_out_rescue() of common/trace_out.h).
 *
 * It must write the whole lines the buffer holds, once, and nothing when
 * the signal came in the middle of a line or in a process that is not
 * the recorder: the recording then goes on as if nothing had happened.
 * The file is a memfd, read back through a descriptor of its own.
 */
#define _GNU_SOURCE
#include "../harness.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include <common/trace_out.h>

static struct trace_out out;
static int reader;

/* Start recording "header" to a new file; reader reads it back. */
static int start(void)
{
	int fd = memfd_create("trace", 0);

	if (fd < 0)
		return -1;
	reader = dup(fd);
	if (reader < 0)
		return -1;
	return trace_out_start(&out, fd, "header\n");
}

static const char *file_text(void)
{
	static char text[256];
	ssize_t n = pread(reader, text, sizeof(text) - 1, 0);

	text[n < 0 ? 0 : n] = '\0';
	return text;
}

static void put_line(const char *text)
{
	char *p = trace_out_line(&out, TRACE_LINE_MAX);

	trace_out_end_line(&out, trace_put_str(p, text));
}

TEST(rescue_writes_the_buffered_lines_once)
{
	ASSERT_EQ(0, start());
	put_line("one");
	put_line("two");
	ASSERT_STREQ("", file_text());
	trace_out_rescue(&out);
	ASSERT_STREQ("header\none\ntwo\n", file_text());
	trace_out_rescue(&out);
	put_line("three");
	trace_out_close(&out);
	ASSERT_STREQ("header\none\ntwo\nthree\n", file_text());
}

TEST(rescue_leaves_a_line_in_the_making_alone)
{
	char *p;

	ASSERT_EQ(0, start());
	put_line("one");
	p = trace_out_line(&out, TRACE_LINE_MAX);
	ASSERT_NE(NULL, p);
	p = trace_put_str(p, "two");
	/* The signal comes here, in the recorder's call. */
	trace_out_rescue(&out);
	ASSERT_STREQ("", file_text());
	trace_out_end_line(&out, p);
	trace_out_close(&out);
	ASSERT_STREQ("header\none\ntwo\n", file_text());
}

/* A fork()ed child has a copy; a vfork()ed one would share the memory. */
TEST(rescue_in_another_process_writes_nothing_and_stops_nothing)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, start());
	put_line("one");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		trace_out_rescue(&out);
		_exit(out.on && out.len ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	ASSERT_STREQ("", file_text());
	trace_out_close(&out);
	ASSERT_STREQ("header\none\n", file_text());
}

TEST_HARNESS_MAIN
