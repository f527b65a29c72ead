/* SPDX-License-Identifier: MIT */
/*
 * core/os.h - the calls into the OS (core/os.c).
 *
 * Internal to MeMS (not installed).  Every mapping MeMS makes goes
 * through mems_os_map() and every unmapping through mems_os_unmap(),
 * counted in the struct mems_os_stats of the heap they serve.
 */
#ifndef MEMS_CORE_OS_H
#define MEMS_CORE_OS_H

#include <stddef.h>

/* Calls into the OS, counted so that tools can report them. */
struct mems_os_stats {
	unsigned long mmap_calls;
	unsigned long munmap_calls;
};

void *mems_os_map(struct mems_os_stats *os, size_t bytes);
void mems_os_unmap(struct mems_os_stats *os, void *addr, size_t bytes);
size_t mems_os_page_size(void);
void mems_os_inject_faults(unsigned long mmap_nth, unsigned long munmap_nth);

#endif /* MEMS_CORE_OS_H */
