/* SPDX-License-Identifier: MIT */
/*
 * core/lock.h - the locks that make heaps safe to share between threads.
 *
 * Internal to MeMS (not installed).  With CONFIG_MEMS_THREAD_SAFE each
 * heap has a mutex that every function of the heap API holds while it
 * works; the course API takes the global heap's, which is never set up
 * again, so that a thread can wait on it while another one runs
 * mems_init() or mems_finish() (core/api.c).  lock_guard() holds a lock until the end of the block
 * it is written in, as the kernel's guard(mutex) does, so that early
 * returns cannot forget to drop it.  Without the option the guards are
 * empty and the compiler drops them.
 */
#ifndef MEMS_CORE_LOCK_H
#define MEMS_CORE_LOCK_H

#ifdef CONFIG_MEMS_THREAD_SAFE
#include <pthread.h>
#include <stdbool.h>

/*
 * A process with one thread needs no lock: no other thread can hold it,
 * and glibc (2.32 on) says so in a variable that turns false at the first
 * pthread_create().  Its malloc skips its own locks the same way.
 */
#if defined(__has_include)
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#define MEMS_SINGLE_THREADED() (__libc_single_threaded != 0)
#endif
#endif
#ifndef MEMS_SINGLE_THREADED
#define MEMS_SINGLE_THREADED() false
#endif

typedef pthread_mutex_t mems_lock_t;
/*
 * For a lock that must exist before any code runs (the global heap's):
 * glibc's static form of what lock_init() makes; needs _GNU_SOURCE.
 */
#define MEMS_LOCK_INITIALIZER PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP

/*
 * Recursive, so that a walk's callbacks may ask the heap they walk for
 * a translation, a find or its statistics.
 */
static inline void lock_init(mems_lock_t *lock)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

static inline void lock_destroy(mems_lock_t *lock)
{
	pthread_mutex_destroy(lock);
}

/*
 * The lock of a const heap is still taken: it guards the heap's state,
 * not its type.  NULL (a NULL heap) takes nothing.
 */
static inline mems_lock_t *lock_take_always(const mems_lock_t *lock)
{
	mems_lock_t *taken = (mems_lock_t *)lock;

	if (taken)
		pthread_mutex_lock(taken);
	return taken;
}

/* What is not taken is not dropped: lock_drop() sees NULL. */
static inline mems_lock_t *lock_take(const mems_lock_t *lock)
{
	if (MEMS_SINGLE_THREADED())
		return NULL;
	return lock_take_always(lock);
}

static inline void lock_drop(mems_lock_t **taken)
{
	if (*taken)
		pthread_mutex_unlock(*taken);
}
#else
typedef struct {
	char unused;
} mems_lock_t;
#define MEMS_LOCK_INITIALIZER { 0 }

static inline void lock_init(mems_lock_t *lock)
{
	(void)lock;
}

static inline void lock_destroy(mems_lock_t *lock)
{
	(void)lock;
}

static inline mems_lock_t *lock_take(const mems_lock_t *lock)
{
	(void)lock;
	return NULL;
}

static inline mems_lock_t *lock_take_always(const mems_lock_t *lock)
{
	(void)lock;
	return NULL;
}

static inline void lock_drop(mems_lock_t **taken)
{
	(void)taken;
}
#endif /* CONFIG_MEMS_THREAD_SAFE */

/* What @take took, held until the end of the block it is written in. */
#define lock_guard_by(take, lock)      \
	mems_lock_t *lock_guard_taken_ \
		__attribute__((cleanup(lock_drop), unused)) = take(lock)

#define lock_guard(lock) lock_guard_by(lock_take, lock)

#define heap_lock(heap) ((heap) ? &(heap)->lock : NULL)

/* A heap's lock until the end of the block; nothing for a NULL heap. */
#define heap_guard(heap) lock_guard(heap_lock(heap))

/*
 * The same, taken even while the process has one thread: for a walk,
 * whose callbacks may start threads that must then wait for it.
 */
#define heap_guard_always(heap) lock_guard_by(lock_take_always, heap_lock(heap))

#endif /* MEMS_CORE_LOCK_H */
