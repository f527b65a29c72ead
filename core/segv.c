// SPDX-License-Identifier: MIT
/*
 * core/segv.c - a hint for the course's classic mistake.
 *
 * A program that writes through a MeMS virtual address instead of its
 * mems_get() translation touches an address the process never mapped
 * (MeMS addresses start low, at the virtual base) and dies of SIGSEGV.
 * When the fault address lies in a node of the global heap, the handler
 * writes one line naming the segment it fell in, then lets the fault
 * take its course: the default action (the process dies of SIGSEGV,
 * with a core if so configured), or the handler the program had
 * installed before, which also gets every other fault untouched.  A
 * SIGSEGV sent with kill() or raise() kills as it would have too.
 *
 * The handler may run while a call of MeMS is half done, in this thread
 * or another, so it takes no lock and allocates nothing: it reads the
 * address table as it finds it, and formats with write(2) alone.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "segv.h"
#include "addr_table.h"
#include "types.h"
#include <common/signal_chain.h>
#include <common/trace_out.h>

/* Bigger than SIGSTKSZ: the handler formats a line on the stack. */
#define SEGV_STACK_BYTES (64 * 1024)

static const struct mems_heap *watched;
static struct sigaction program_action;
static bool installed;

/* "P[1000:1039]" of the segment holding @v, or false. */
static bool describe(uintptr_t v, char *line, size_t room, size_t *len)
{
	const struct mems_seg *seg;
	char *p = line;

	if (!watched || room < 160)
		return false;
	seg = mems_addr_table_find(watched, v);
	if (!seg)
		return false;
	p = trace_put_lit(p, "mems: segmentation fault at MeMS virtual "
			     "address ");
	p = trace_put_dec(p, v);
	p = trace_put_lit(p, ", inside ");
	*p++ = seg_is_hole(seg) ? 'H' : 'P';
	*p++ = '[';
	p = trace_put_dec(p, seg->vstart);
	*p++ = ':';
	p = trace_put_dec(p, seg->vend);
	p = trace_put_lit(p, "]; translate it with mems_get() first\n");
	*len = (size_t)(p - line);
	return true;
}

static void segv_handler(int sig, siginfo_t *info, void *context)
{
	int saved_errno = errno;
	ssize_t written = 0;
	char line[256];
	size_t len;

	/* Only the kernel's fault names an address; kill() sends none. */
	if (info->si_code > 0 &&
	    describe((uintptr_t)info->si_addr, line, sizeof(line), &len))
		written = write(STDERR_FILENO, line, len);
	/* Whether stderr took the line or not, the fault goes on. */
	(void)written;
	errno = saved_errno;
	signal_chain_pass_on(&program_action, sig, info, context);
}

/*
 * A stack of its own, so that a stack overflow's fault is handled too.
 * Static rather than mapped: mems_finish() leaves the process's
 * mappings as they were before mems_init(), and this stays in use.
 * One thread has it: the first to call mems_init() without a stack.
 */
static void alt_stack_install(void)
{
	static char alt_stack[SEGV_STACK_BYTES] __attribute__((aligned(16)));
	stack_t current, stack = {
		.ss_sp = alt_stack,
		.ss_size = sizeof(alt_stack),
	};

	if (sigaltstack(NULL, &current) || !(current.ss_flags & SS_DISABLE))
		return;
	sigaltstack(&stack, NULL);
}

void mems_segv_hint_install(const struct mems_heap *heap)
{
	watched = heap;
	if (installed)
		return;
	if (signal_chain_install(SIGSEGV, segv_handler, &program_action))
		return;
	installed = true;
	alt_stack_install();
}
