/* SPDX-License-Identifier: MIT */
/*
 * core/poison.h - holes the address sanitizer knows are not to be used.
 *
 * Internal to MeMS (not installed).  In a build with AddressSanitizer the
 * physical bytes of every hole are poisoned and those of every block are
 * not, so that a write through a pointer kept after mems_free() is
 * reported where it happens.  A node's bytes are unpoisoned before it is
 * unmapped: the kernel may hand the same addresses to someone else.
 * Elsewhere these are empty and cost nothing.
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

#ifdef MEMS_ASAN
#include <sanitizer/asan_interface.h>

static inline void poison(uintptr_t phys, size_t len)
{
	ASAN_POISON_MEMORY_REGION((void *)phys, len);
}

static inline void unpoison(uintptr_t phys, size_t len)
{
	ASAN_UNPOISON_MEMORY_REGION((void *)phys, len);
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
