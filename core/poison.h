/* SPDX-License-Identifier: MIT */
/*
 * core/poison.h - holes that memory checkers know are not to be used.
 *
 * Internal to MeMS (not installed).  The physical bytes of every hole are
 * poisoned and those of every block are not, so that a read or write
 * through a pointer kept after mems_free() is reported where it happens:
 * by AddressSanitizer in a build with it, else by Valgrind's memcheck
 * when CONFIG_MEMS_MEMCHECK found valgrind/memcheck.h.  A node's bytes
 * are unpoisoned before it is unmapped: the kernel may hand the same
 * addresses to someone else.  Elsewhere these are empty and cost nothing.
 *
 * Blocks are made addressable and defined, not undefined as malloc()'s
 * are: a block of calloc() on a new node is zero without a write, and
 * MeMS cannot tell memcheck which bytes a program has written.
 */
#ifndef MEMS_CORE_POISON_H
#define MEMS_CORE_POISON_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define MEMS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMS_ASAN 1
#endif
#endif

#if !defined(MEMS_ASAN) && defined(CONFIG_MEMS_MEMCHECK) && \
	defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#define MEMS_MEMCHECK 1
#endif
#endif

#if defined(MEMS_ASAN)
#include <sanitizer/asan_interface.h>

static inline void poison(uintptr_t phys, size_t len)
{
	ASAN_POISON_MEMORY_REGION((void *)phys, len);
}

static inline void unpoison(uintptr_t phys, size_t len)
{
	ASAN_UNPOISON_MEMORY_REGION((void *)phys, len);
}
#elif defined(MEMS_MEMCHECK)
#include <stdbool.h>
#include <valgrind/memcheck.h>

/*
 * A client request costs a dozen instructions on every carve and free
 * even outside Valgrind, and memcheck's are ignored by Valgrind's other
 * tools: core/chain.c asks once, before main(), whether memcheck runs
 * the program.  Hidden, as mems_trace_on is (core/trace.h).
 */
extern bool mems_memcheck_watching __attribute__((visibility("hidden")));

static inline void poison(uintptr_t phys, size_t len)
{
	if (mems_memcheck_watching)
		VALGRIND_MAKE_MEM_NOACCESS((void *)phys, len);
}

static inline void unpoison(uintptr_t phys, size_t len)
{
	if (mems_memcheck_watching)
		VALGRIND_MAKE_MEM_DEFINED((void *)phys, len);
}
#else
static inline void poison(uintptr_t phys, size_t len)
{
	(void)phys;
	(void)len;
}

static inline void unpoison(uintptr_t phys, size_t len)
{
	(void)phys;
	(void)len;
}
#endif

#endif /* MEMS_CORE_POISON_H */
