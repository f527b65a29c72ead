// SPDX-License-Identifier: MIT
/*
 * core/api.c - the six course functions, on the global heap.
 *
 * This is the only file that sets errno or prints: argument checks, the
 * lazy initialisation and the MEMS_POLICY and MEMS_TRACE environment
 * variables live here, and every line MeMS writes to stderr reads
 * "<function>: <message>".
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>
#include <string.h>

#include <asm/page.h>
#include <mems.h>
#include "chain.h"
#include "segv.h"
#include "trace.h"

static_assert(CONFIG_MEMS_ALIGN > 0 &&
		      !(CONFIG_MEMS_ALIGN & (CONFIG_MEMS_ALIGN - 1)),
	      "CONFIG_MEMS_ALIGN must be a power of two");
static_assert(CONFIG_MEMS_VIRT_BASE >= 1, "CONFIG_MEMS_VIRT_BASE must be >= 1");

static struct mems_heap global_heap;
static bool global_ready;
/*
 * Serialises the course functions, so that one that initialises MeMS,
 * or finishes it, runs wholly before or after any other; the global
 * heap's own lock is taken inside it, by the heap API.
 */
static mems_lock_t global_lock = MEMS_LOCK_INITIALIZER;

static void mems_warn(const char *func, const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "%s: ", func);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

static void warn_not_a_block(const char *func, const void *v)
{
	mems_warn(func,
		  "invalid address %" PRIuPTR
		  " (not the start of an allocated block)",
		  (uintptr_t)v);
}

/*
 * The policy MEMS_POLICY names, or the configured default.  It is read at
 * every mems_init(), so an unknown name is reported at every one: each is
 * a separate decision to fall back.
 */
static const char *policy_from_env(void)
{
	const char *name = getenv("MEMS_POLICY");

	if (!name || !*name)
		return mems_default_policy();
	if (mems_policy_lookup(name))
		return name;
	mems_warn("mems_init",
		  "unknown placement policy '%s' in MEMS_POLICY, using %s",
		  name, mems_default_policy());
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
	err = trace_select(path);
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
	heap_teardown(&global_heap);
	global_ready = false;
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
	heap_setup(&global_heap, &config);
	mems_heap_set_trim_threshold(&global_heap, trim_threshold_from_env());
	global_ready = true;
	segv_hint_install(&global_heap);
	trace_init(&global_heap);
}

void mems_init(void)
{
	lock_guard(&global_lock);

	global_init();
}

void mems_finish(void)
{
	lock_guard(&global_lock);

	trace_finish();
	global_teardown();
}

void *mems_malloc(size_t size)
{
	void *v;
	int err;
	lock_guard(&global_lock);

	if (!size) {
		trace_malloc(0, NULL, 0);
		return NULL;
	}
	if (!global_ready)
		global_init();
	err = mems_heap_alloc(&global_heap, size, &v);
	if (err) {
		trace_malloc(size, NULL, err);
		errno = -err;
		return NULL;
	}
	trace_malloc(size, v, 0);
	return v;
}

void mems_free(void *v)
{
	lock_guard(&global_lock);

	if (!v) {
		trace_free(NULL, 0);
		return;
	}
	if (global_ready && !mems_heap_free(&global_heap, v)) {
		trace_free(v, 0);
		return;
	}
	trace_free(v, -EINVAL);
	warn_not_a_block(__func__, v);
	errno = EINVAL;
}

void *mems_calloc(size_t nmemb, size_t size)
{
	void *v;
	int err;
	lock_guard(&global_lock);

	if (!nmemb || !size) {
		trace_calloc(nmemb, size, NULL, 0);
		return NULL;
	}
	if (!global_ready)
		global_init();
	err = mems_heap_calloc(&global_heap, nmemb, size, &v);
	if (err) {
		trace_calloc(nmemb, size, NULL, err);
		errno = -err;
		return NULL;
	}
	trace_calloc(nmemb, size, v, 0);
	return v;
}

void *mems_realloc(void *v, size_t size)
{
	void *out = NULL;
	int err = -EINVAL;
	lock_guard(&global_lock);

	/* realloc(NULL, 0) is malloc(0): NULL, and nothing changes. */
	if (!v && !size) {
		trace_realloc(NULL, 0, NULL, 0);
		return NULL;
	}
	if (!v && !global_ready)
		global_init();
	if (global_ready)
		err = mems_heap_realloc(&global_heap, v, size, &out);
	if (!err) {
		trace_realloc(v, size, out, 0);
		return out;
	}
	trace_realloc(v, size, NULL, err);
	if (err == -EINVAL)
		warn_not_a_block(__func__, v);
	errno = -err;
	return NULL;
}

int mems_trim(size_t keep)
{
	lock_guard(&global_lock);
	int released = global_ready ? mems_heap_trim(&global_heap, keep) : 0;

	trace_trim(keep, released);
	return released;
}

void *mems_get(void *v)
{
	lock_guard(&global_lock);
	void *phys = global_ready ? mems_heap_get(&global_heap, v) : NULL;

	trace_get(v, phys ? 0 : -EINVAL);
	if (!phys)
		errno = EINVAL;
	return phys;
}

void mems_print_stats(void)
{
	lock_guard(&global_lock);

	trace_stats();
	mems_heap_print_stats(global_ready ? &global_heap : NULL, stdout);
}

struct mems_heap *mems_default_heap(void)
{
	lock_guard(&global_lock);

	return global_ready ? &global_heap : NULL;
}
