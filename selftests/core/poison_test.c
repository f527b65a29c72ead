// SPDX-License-Identifier: MIT
/*
 * poison_test.c - in an AddressSanitizer build, and in a default build
 * run under valgrind --tool=memcheck, holes are poisoned and blocks are
 * not, through every change of the chains, and a write through a pointer
 * kept after mems_free() is reported.  Elsewhere it skips: nothing
 * watches.  ASan knows 8-byte granules whose first bytes may be
 * addressable and the rest not, so the blocks here are whole granules: a
 * hole's bytes that share a granule with the start of the next block
 * stay addressable under ASan (memcheck knows every byte).
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "../harness.h"
#include "../mems_test.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define WATCHED 1
#define poisoned(p) __asan_address_is_poisoned(p)
#elif defined(CONFIG_MEMS_MEMCHECK) && __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define MEMCHECK 1
#define WATCHED RUNNING_ON_VALGRIND
/* Valgrind answers 3 for bytes that are not addressable, and says no more. */
static int poisoned(const void *p)
{
	char vbits;

	return VALGRIND_GET_VBITS(p, &vbits, 1) == 3;
}
#else
#define WATCHED 0
#define poisoned(p) ((void)(p), 0)
#endif

#define SKIP_UNLESS_WATCHED()                                                 \
	do {                                                                  \
		if (!(WATCHED))                                               \
			SKIP(return, "neither AddressSanitizer nor memcheck " \
				     "watches this run");                     \
	} while (0)

static const struct mems_heap_config layout = { NULL, 4096, 1000, 1 };

static uintptr_t alloc(struct mems_heap *heap, size_t size)
{
	void *v = NULL;

	return mems_heap_alloc(heap, size, &v) ? 0 : U(v);
}

/*
 * Whether [@v, @v + @len) of the node mapped at @node_phys, from address
 * 1000, is all addressable (1), all not (0), or some of each (-1).
 */
static int addressable(const char *node_phys, uintptr_t v, size_t len)
{
	const char *p = node_phys + (v - 1000);
	size_t i, yes = 0;

	for (i = 0; i < len; i++)
		yes += !poisoned(p + i);
	return yes == len ? 1 : !yes ? 0 : -1;
}

TEST(holes_are_poisoned_and_blocks_are_not)
{
	struct mems_heap *heap;
	const char *phys;
	void *out;

	SKIP_UNLESS_WATCHED();
	ASSERT_EQ(0, mems_heap_create(&layout, &heap));
	ASSERT_EQ(1000, alloc(heap, 16));
	ASSERT_EQ(1016, alloc(heap, 8));
	phys = mems_heap_get(heap, V(1000));
	ASSERT_EQ(1, addressable(phys, 1000, 24));
	ASSERT_EQ(0, addressable(phys, 1024, 4096 - 24));
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(0, addressable(phys, 1000, 16));
	ASSERT_EQ(1, addressable(phys, 1016, 8));
	/* Grown into the hole after it, then shrunk back. */
	ASSERT_EQ(0, mems_heap_realloc(heap, V(1016), 104, &out));
	ASSERT_EQ(1016, U(out));
	ASSERT_EQ(1, addressable(phys, 1016, 104));
	ASSERT_EQ(0, addressable(phys, 1120, 100));
	ASSERT_EQ(0, mems_heap_realloc(heap, V(1016), 8, &out));
	ASSERT_EQ(1, addressable(phys, 1016, 8));
	ASSERT_EQ(0, addressable(phys, 1024, 96));
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_destroy(heap);
}

/* A freed node given back is unpoisoned first: its pages are not ours. */
TEST(a_released_node_leaves_no_poison_behind)
{
	struct mems_heap *heap;
	const char *phys;

	SKIP_UNLESS_WATCHED();
#ifdef MEMCHECK
	SKIP(return, "memcheck forgets what it knew of pages unmapped");
#endif
	ASSERT_EQ(0, mems_heap_create(&layout, &heap));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	ASSERT_EQ(1000, alloc(heap, 10));
	phys = mems_heap_get(heap, V(1000));
	ASSERT_EQ(0, mems_heap_free(heap, V(1000)));
	ASSERT_EQ(1, addressable(phys, 1000, 4096));
	mems_heap_destroy(heap);
}

/*
 * The child writes through a pointer kept after the free.  ASan says so
 * and stops the child; memcheck says so (on its own log, which the child
 * cannot divert) and counts it, and the child tells the count.
 */
TEST(a_write_after_free_is_reported)
{
	int fds[2], status;
	char text[4096] = "";
	size_t len = 0;
	ssize_t got;
	pid_t pid;

	SKIP_UNLESS_WATCHED();
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *p;
		void *v;

		dup2(fds[1], STDERR_FILENO);
		mems_init();
		v = mems_malloc(40);
		p = mems_get(v);
		mems_free(v);
		p[3] = 1;
#ifdef MEMCHECK
		_exit(VALGRIND_COUNT_ERRORS ? 1 : 0);
#endif
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof(text) - 1 &&
	       (got = read(fds[0], text + len, sizeof(text) - 1 - len)) > 0)
		len += (size_t)got;
	close(fds[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#ifndef MEMCHECK
	ASSERT_NE(NULL, strstr(text, "use-after-poison")) TH_LOG("%s", text);
#endif
}

TEST_HARNESS_MAIN
