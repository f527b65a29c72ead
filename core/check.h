/* SPDX-License-Identifier: MIT */
/*
 * core/check.h - the checker's internal call (core/check.c).
 *
 * Internal to MeMS (not installed).  mems_heap_check() of
 * <mems/heap.h> takes the heap's lock; core/heap.c checks after every
 * change when built for debugging, holding it already.
 */
#ifndef MEMS_CORE_CHECK_H
#define MEMS_CORE_CHECK_H

#include <stdio.h>

struct mems_heap;

/* mems_heap_check() with the heap's lock already held. */
int mems_heap_check_unlocked(const struct mems_heap *heap, FILE *report);

#endif /* MEMS_CORE_CHECK_H */
