/* SPDX-License-Identifier: MIT */
/*
 * common/signal_chain.h - a handler in front of what a signal did before.
 *
 * Shared by the library and the tools (not installed).  The handlers of
 * MeMS (the SIGSEGV hint of core/segv.c, the trace's last write of
 * core/trace.c) and of mems-trace's preload library do their part when
 * a signal is about to end the program, then let the signal take the
 * course it would have taken without them: the handler that was there
 * before, or the default action, so that the process still dies of that
 * signal, with a core where the system writes one.
 *
 * Everything here runs in a signal handler: system calls only.
 */
#ifndef MEMS_COMMON_SIGNAL_CHAIN_H
#define MEMS_COMMON_SIGNAL_CHAIN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Put @handler in front of @sig, on the alternate stack when the thread
 * has one; what the signal did before goes to @before.  Return: 0 or -1
 * (errno), as sigaction().
 */
static inline int
signal_chain_install(int sig, void (*handler)(int, siginfo_t *, void *),
		     struct sigaction *before)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_sigaction = handler;
	/* Not blocked in the handler: a handler before may longjmp out. */
	action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&action.sa_mask);
	return sigaction(sig, &action, before);
}

/* Whether the kernel raised @sig for a fault of the current instruction. */
static inline bool signal_chain_is_fault(int sig, const siginfo_t *info)
{
	return info->si_code > 0 && (sig == SIGSEGV || sig == SIGBUS ||
				     sig == SIGILL || sig == SIGFPE);
}

/*
 * End the process by @sig with the default action.  A faulting
 * instruction faults again when the handler returns, and the core then
 * shows where; any other signal (sent by kill() or abort(), or a trap
 * that does not repeat) is raised again.
 */
static inline void signal_chain_default(int sig, const siginfo_t *info)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = SIG_DFL;
	sigemptyset(&action.sa_mask);
	sigaction(sig, &action, NULL);
	if (!signal_chain_is_fault(sig, info))
		raise(sig);
}

/*
 * Give @sig to what @before says.  A signal the program ignored stays
 * ignored when it was sent; the kernel kills for a fault all the same.
 */
static inline void signal_chain_pass_on(const struct sigaction *before, int sig,
					siginfo_t *info, void *context)
{
	if (before->sa_flags & SA_SIGINFO) {
		before->sa_sigaction(sig, info, context);
		return;
	}
	if (before->sa_handler == SIG_IGN && info->si_code <= 0)
		return;
	if (before->sa_handler != SIG_DFL && before->sa_handler != SIG_IGN) {
		before->sa_handler(sig);
		return;
	}
	signal_chain_default(sig, info);
}

/* One handler in front of several signals, each passed on as it was. */
#define SIGNAL_CHAIN_MAX 8

struct signal_chain_set {
	size_t nr;
	int sig[SIGNAL_CHAIN_MAX];
	struct sigaction before[SIGNAL_CHAIN_MAX];
};

/* Put @handler in front of the @nr (at most SIGNAL_CHAIN_MAX) @signals. */
static inline void
signal_chain_set_install(struct signal_chain_set *set, const int *signals,
			 size_t nr, void (*handler)(int, siginfo_t *, void *))
{
	for (set->nr = 0; set->nr < nr && set->nr < SIGNAL_CHAIN_MAX;
	     set->nr++) {
		set->sig[set->nr] = signals[set->nr];
		signal_chain_install(signals[set->nr], handler,
				     &set->before[set->nr]);
	}
}

/* From the handler: give @sig to what it did before. */
static inline void signal_chain_set_pass_on(const struct signal_chain_set *set,
					    int sig, siginfo_t *info,
					    void *context)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		if (set->sig[i] == sig)
			break;
	if (i < set->nr)
		signal_chain_pass_on(&set->before[i], sig, info, context);
	else
		signal_chain_default(sig, info);
}

#endif /* MEMS_COMMON_SIGNAL_CHAIN_H */
