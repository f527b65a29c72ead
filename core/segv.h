/* SPDX-License-Identifier: MIT */
/*
 * core/segv.h - the hint for a segmentation fault at a MeMS address.
 *
 * Internal to MeMS (not installed).  core/api.c installs it at
 * mems_init(); without CONFIG_MEMS_SEGV_HINT it is an empty inline and
 * nothing is installed.
 */
#ifndef MEMS_CORE_SEGV_H
#define MEMS_CORE_SEGV_H

struct mems_heap;

#ifdef CONFIG_MEMS_SEGV_HINT
/*
 * mems_segv_hint_install() - explain faults at @heap's virtual addresses.
 * Installs the SIGSEGV handler once per process, keeping the one the
 * program had, and an alternate signal stack for the calling thread if
 * it has none.  @heap is the global heap, read by the handler.
 */
void mems_segv_hint_install(const struct mems_heap *heap);
#else
static inline void mems_segv_hint_install(const struct mems_heap *heap)
{
	(void)heap;
}
#endif

#endif /* MEMS_CORE_SEGV_H */
