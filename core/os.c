// SPDX-License-Identifier: MIT
/*
 * core/os.c - the only place MeMS asks the OS for memory.
 *
 * Every mapping is private and anonymous; each call is counted in the
 * heap's mems_os_stats so that tools can report how often MeMS went to
 * the kernel.  The selftests make a chosen call fail (mems_os_inject_faults())
 * to show that every caller copes; one test in one thread at a time.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "os.h"

/* Calls to go before the injected failure of each; 0: none injected. */
static unsigned long mmap_countdown, munmap_countdown;

void mems_os_inject_faults(unsigned long mmap_nth, unsigned long munmap_nth)
{
	mmap_countdown = mmap_nth;
	munmap_countdown = munmap_nth;
}

static bool injected(unsigned long *countdown)
{
	return *countdown && !--*countdown;
}

void *mems_os_map(struct mems_os_stats *os, size_t bytes)
{
	int saved_errno = errno;
	void *addr = MAP_FAILED;

	if (!injected(&mmap_countdown))
		addr = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* Callers report failure as -ENOMEM; errno is the API's business. */
	errno = saved_errno;
	os->mmap_calls++;
	return addr == MAP_FAILED ? NULL : addr;
}

/*
 * A failed munmap leaves the pages mapped and nothing else to do: MeMS
 * has already forgotten them, and goes on.
 */
void mems_os_unmap(struct mems_os_stats *os, void *addr, size_t bytes)
{
	int saved_errno = errno;

	if (!injected(&munmap_countdown))
		munmap(addr, bytes);
	errno = saved_errno;
	os->munmap_calls++;
}

size_t mems_os_page_size(void)
{
	static size_t page_size;

	if (!page_size)
		page_size = (size_t)sysconf(_SC_PAGESIZE);
	return page_size;
}
