// SPDX-License-Identifier: MIT
/*
 * core/os.c - the only place MeMS asks the OS for memory.
 *
 * Every mapping is private and anonymous; each call is counted in the
 * heap's mems_os_stats so that tools can report how often MeMS went to
 * the kernel.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "chain.h"

void *os_map(struct mems_os_stats *os, size_t bytes)
{
	int saved_errno = errno;
	void *addr = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* Callers report failure as -ENOMEM; errno is the API's business. */
	errno = saved_errno;
	os->mmap_calls++;
	return addr == MAP_FAILED ? NULL : addr;
}

void os_unmap(struct mems_os_stats *os, void *addr, size_t bytes)
{
	int saved_errno = errno;

	munmap(addr, bytes);
	errno = saved_errno;
	os->munmap_calls++;
}

size_t os_page_size(void)
{
	static size_t page_size;

	if (!page_size)
		page_size = (size_t)sysconf(_SC_PAGESIZE);
	return page_size;
}
