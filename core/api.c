// SPDX-License-Identifier: MIT
/*
 * core/api.c - the six course functions, on the global heap.
 *
 * This is the only file that sets errno or prints: argument checks, the
 * lazy initialisation and the MEMS_POLICY and MEMS_TRACE environment
 * variables live here, and every line MeMS writes to stderr reads
 * "<function>: <message>".
 */
/* For the global heap's statically initialised recursive lock. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>
#include <string.h>

#include <asm/page.h>
#include <mems.h>
#include "heap.h"
#include "registry.h"
#include "segv.h"
#include "trace.h"
#include "types.h"

static_assert(CONFIG_MEMS_ALIGN > 0 &&
		      !(CONFIG_MEMS_ALIGN & (CONFIG_MEMS_ALIGN - 1)),
	      "CONFIG_MEMS_ALIGN must be a power of two");
static_assert(CONFIG_MEMS_VIRT_BASE >= 1, "CONFIG_MEMS_VIRT_BASE must be >= 1");

/*
 * Every course function holds the global heap's lock, the one lock the
 * heap API takes too: a walk of mems_default_heap() and the course
 * functions then have one lock order, and mems_init() or mems_finish()
 * runs wholly before or after any other call on the heap.  The lock is
 * set up here, once: mems_heap_setup() keeps it.
 */
static struct mems_heap global_heap = { .lock = MEMS_LOCK_INITIALIZER };
static bool global_ready;
static mems_lock_t *const global_lock = &global_heap.lock;

static void mems_warn(const char *func, const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "%s: ", func);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

/* What phys_search_node() looks for, and what it finds. */
struct phys_search {
	uintptr_t phys;
	uintptr_t virt; /* the virtual address of @phys, once found */
};

static int phys_search_node(const struct mems_node_info *node, void *arg)
{
	struct phys_search *search = (struct phys_search *)arg;
	uintptr_t start = (uintptr_t)node->phys;

	if (search->phys < start ||
	    search->phys - start > node->vend - node->vstart)
		return 0;
	search->virt = node->vstart + (search->phys - start);
	return 1;
}

/*
 * Why @v names no block, for the learner who passed it: where it lies,
 * and what to pass instead.  Only a refused call pays for the walk.
 */
static void explain_not_a_block(const struct mems_heap *heap, uintptr_t v,
				char *why, size_t size)
{
	static const struct mems_walk_ops phys_ops = {
		.node = phys_search_node,
	};
	struct phys_search search = { .phys = v };
	struct mems_seg_info seg;

	if (!mems_heap_find(heap, (void *)v, NULL, &seg)) {
		if (seg.type == MEMS_HOLE)
			snprintf(why, size,
				 "not allocated: in the hole H[%" PRIuPTR
				 ":%" PRIuPTR "], already freed or never "
				 "allocated",
				 seg.vstart, seg.vend);
		else
			snprintf(why, size,
				 "inside the block P[%" PRIuPTR ":%" PRIuPTR
				 "], which starts at %" PRIuPTR,
				 seg.vstart, seg.vend, seg.vstart);
		return;
	}
	if (mems_heap_walk(heap, &phys_ops, &search)) {
		snprintf(why, size,
			 "a physical address, of virtual address %" PRIuPTR
			 ": pass the virtual one",
			 search.virt);
		return;
	}
	snprintf(why, size, "outside every node of MeMS");
}

static void warn_not_a_block(const char *func, const void *v)
{
	char why[128];

	explain_not_a_block(global_ready ? &global_heap : NULL, (uintptr_t)v,
			    why, sizeof(why));
	mems_warn(func, "invalid address %" PRIuPTR " (%s)", (uintptr_t)v,
		  why);
}

/*
 * Append to @list the names of the built policies that are linear
 * references, or that are not, as @references says: the first after
 * @sep, the others after ", ".  The registry is asked, so that the list
 * is what this build takes.
 */
static void policy_names_append(char *list, size_t size, bool references,
				const char *sep)
{
	struct mems_policy_info info;
	size_t len = strlen(list);
	unsigned int i;
	int n;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		if (!!(info.flags & MEMS_POLICY_REFERENCE) != references)
			continue;
		n = snprintf(list + len, size - len, "%s%s", sep, info.name);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
		sep = ", ";
	}
}

/*
 * "first-fit, best-fit, ..." then, in a build that has them,
 * "; references: first-fit-linear, ...": what MEMS_POLICY could have
 * named, the linear references flagged as wherever policies are listed.
 */
static void policy_names(char *list, size_t size)
{
	list[0] = '\0';
	policy_names_append(list, size, false, "");
	policy_names_append(list, size, true, "; references: ");
}

/*
 * The policy MEMS_POLICY names, or the configured default.  It is read at
 * every mems_init(), so an unknown name is reported at every one: each is
 * a separate decision to fall back.
 */
static const char *policy_from_env(void)
{
	const char *name = getenv("MEMS_POLICY");
	char built[256];

	if (!name || !*name)
		return mems_default_policy();
	if (mems_policy_lookup(name))
		return name;
	policy_names(built, sizeof(built));
	mems_warn("mems_init",
		  "unknown placement policy '%s' in MEMS_POLICY (built: %s), "
		  "using %s",
		  name, built, mems_default_policy());
	return mems_default_policy();
}

/*
 * Record into the file MEMS_TRACE names, read at every mems_init() like
 * MEMS_POLICY.  A file that cannot be opened is reported, and MeMS runs
 * untraced: tracing must not change what the program does.
 */
static void trace_from_env(void)
{
	const char *path = getenv("MEMS_TRACE");
	int saved_errno = errno;
	int err;

	if (path && !*path)
		path = NULL;
	err = mems_trace_select(path);
	if (err)
		mems_warn("mems_init", "cannot open MEMS_TRACE file '%s': %s",
			  path, strerror(-err));
	errno = saved_errno;
}

/*
 * The trim threshold MEMS_TRIM_THRESHOLD gives, -1 or a number of bytes,
 * or the configured one; read at every mems_init() like MEMS_POLICY.
 */
static long trim_threshold_from_env(void)
{
	const char *text = getenv("MEMS_TRIM_THRESHOLD");
	int saved_errno = errno;
	char *end;
	long value;

	if (!text || !*text)
		return CONFIG_MEMS_TRIM_THRESHOLD;
	errno = 0;
	value = strtol(text, &end, 10);
	/* Digits, or -1: no sign, blank or base that strtol() would allow. */
	if (*end || errno || value < -1 ||
	    !(isdigit((unsigned char)text[0]) || !strcmp(text, "-1"))) {
		mems_warn("mems_init",
			  "invalid MEMS_TRIM_THRESHOLD '%s' (want -1 or a "
			  "number of bytes), using %ld",
			  text, (long)CONFIG_MEMS_TRIM_THRESHOLD);
		value = CONFIG_MEMS_TRIM_THRESHOLD;
	}
	errno = saved_errno;
	return value;
}

/* mems_finish() without its trace line: mems_init() empties MeMS too. */
static void global_teardown(void)
{
	if (!global_ready)
		return;
	mems_heap_retire(&global_heap);
	global_ready = false;
}

/*
 * A course function called by a walk's callback on the global heap: it
 * may read the heap, but not change it.  The void ones say so on
 * stderr, since their callers have no result to look at.
 */
static bool global_in_walk(const char *func)
{
	if (!global_ready || !heap_in_walk(&global_heap))
		return false;
	if (func)
		mems_warn(func, "called during a walk of the heap, which it "
				"would change: nothing done");
	errno = EDEADLK;
	return true;
}

static void global_init(void)
{
	struct mems_heap_config config = {
		.page_size = PAGE_SIZE,
		.virt_base = CONFIG_MEMS_VIRT_BASE,
		.align = CONFIG_MEMS_ALIGN,
	};

	global_teardown();
	trace_from_env();
	config.policy = policy_from_env();
	/* Cannot fail: every field is a checked build-time value. */
	mems_heap_setup(&global_heap, &config);
	mems_heap_set_trim_threshold(&global_heap, trim_threshold_from_env());
	global_ready = true;
	mems_segv_hint_install(&global_heap);
	mems_trace_init(&global_heap);
}

void mems_init(void)
{
	lock_guard(global_lock);

	if (global_in_walk(__func__))
		return;
	global_init();
}

void mems_finish(void)
{
	lock_guard(global_lock);

	if (global_in_walk(__func__))
		return;
	mems_trace_finish();
	global_teardown();
}

void *mems_malloc(size_t size)
{
	void *v;
	int err;
	lock_guard(global_lock);

	if (!size) {
		mems_trace_malloc(0, NULL, 0);
		return NULL;
	}
	if (global_in_walk(NULL))
		return NULL;
	if (!global_ready)
		global_init();
	err = mems_heap_alloc_locked(&global_heap, size, &v);
	if (err) {
		mems_trace_malloc(size, NULL, err);
		errno = -err;
		return NULL;
	}
	mems_trace_malloc(size, v, 0);
	return v;
}

void mems_free(void *v)
{
	lock_guard(global_lock);

	if (!v) {
		mems_trace_free(NULL, 0);
		return;
	}
	if (global_in_walk(__func__))
		return;
	if (global_ready && !mems_heap_free_locked(&global_heap, v)) {
		mems_trace_free(v, 0);
		return;
	}
	mems_trace_free(v, -EINVAL);
	warn_not_a_block(__func__, v);
	errno = EINVAL;
}

void *mems_calloc(size_t nmemb, size_t size)
{
	void *v;
	int err;
	lock_guard(global_lock);

	if (!nmemb || !size) {
		mems_trace_calloc(nmemb, size, NULL, 0);
		return NULL;
	}
	if (global_in_walk(NULL))
		return NULL;
	if (!global_ready)
		global_init();
	err = mems_heap_calloc_locked(&global_heap, nmemb, size, &v);
	if (err) {
		mems_trace_calloc(nmemb, size, NULL, err);
		errno = -err;
		return NULL;
	}
	mems_trace_calloc(nmemb, size, v, 0);
	return v;
}

void *mems_realloc(void *v, size_t size)
{
	void *out = NULL;
	int err = -EINVAL;
	lock_guard(global_lock);

	/* realloc(NULL, 0) is malloc(0): NULL, and nothing changes. */
	if (!v && !size) {
		mems_trace_realloc(NULL, 0, NULL, 0);
		return NULL;
	}
	if (global_in_walk(NULL))
		return NULL;
	if (!v && !global_ready)
		global_init();
	if (global_ready)
		err = mems_heap_realloc_locked(&global_heap, v, size, &out);
	if (!err) {
		mems_trace_realloc(v, size, out, 0);
		return out;
	}
	mems_trace_realloc(v, size, NULL, err);
	if (err == -EINVAL)
		warn_not_a_block(__func__, v);
	errno = -err;
	return NULL;
}

int mems_trim(size_t keep)
{
	lock_guard(global_lock);
	int released;

	if (global_in_walk(NULL))
		return 0;
	released = global_ready ? mems_heap_trim_locked(&global_heap, keep) : 0;
	mems_trace_trim(keep, released);
	return released;
}

void *mems_get(void *v)
{
	lock_guard(global_lock);
	void *phys = global_ready ? mems_heap_get_locked(&global_heap, v) : NULL;

	mems_trace_get(v, phys ? 0 : -EINVAL);
	if (!phys)
		errno = EINVAL;
	return phys;
}

void mems_print_stats(void)
{
	lock_guard(global_lock);

	mems_trace_stats();
	mems_heap_print_stats(global_ready ? &global_heap : NULL, stdout);
}

struct mems_heap *mems_default_heap(void)
{
	lock_guard(global_lock);

	return global_ready ? &global_heap : NULL;
}
