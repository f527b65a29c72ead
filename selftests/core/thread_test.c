// SPDX-License-Identifier: MIT
/*
 * thread_test.c - eight threads calling MeMS at once: on the global heap
 * through the course functions, on one shared heap and on a heap each
 * through the heap API.  Every thread writes a pattern into each block it
 * holds, through mems_get(), and reads all of it back before it frees or
 * resizes the block, so that two blocks handed out over each other, or a
 * translation gone wrong, cannot pass; the heap's invariants are checked
 * at the end.  The ThreadSanitizer build of `make check` runs it too.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>

#include "../harness.h"
#include "../mems_test.h"

#define THREADS 8
#define LIVE_MAX 48
/* ThreadSanitizer runs each test ten times slower, on a busy machine more. */
#define THREAD_TEST_TIMEOUT 300

/* With CONFIG_MEMS_DEBUG every call checks the whole heap: fewer calls. */
#ifdef CONFIG_MEMS_DEBUG
#define OPS_PER_THREAD 5000UL
#else
#define OPS_PER_THREAD 100000UL
#endif

struct held {
	uintptr_t v;
	size_t size;
	unsigned char seed;
};

struct worker {
	pthread_t thread;
	struct mems_heap *heap; /* NULL: the course functions */
	uint64_t rng;
	struct held live[LIVE_MAX];
	size_t nr_live;
	unsigned long ops;
	unsigned long nr_ops;
	char why[160]; /* empty while all is well */
};

static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

static void *translate(struct worker *w, uintptr_t v)
{
	return w->heap ? mems_heap_get(w->heap, V(v)) : mems_get(V(v));
}

static unsigned char pattern(const struct held *b, size_t i)
{
	return (unsigned char)(b->seed + i * 31);
}

static void fill(struct worker *w, const struct held *b, size_t from)
{
	unsigned char *p = translate(w, b->v);
	size_t i;

	for (i = from; i < b->size; i++)
		p[i] = pattern(b, i);
}

/* The first @len bytes of @b as written; false, with the reason, if not. */
static bool intact(struct worker *w, const struct held *b, size_t len)
{
	const unsigned char *p = translate(w, b->v);
	size_t i;

	if (!p) {
		snprintf(w->why, sizeof(w->why),
			 "block %ju lost its translation", (uintmax_t)b->v);
		return false;
	}
	for (i = 0; i < len; i++) {
		if (p[i] != pattern(b, i)) {
			snprintf(w->why, sizeof(w->why),
				 "byte %zu of block %ju (%zu bytes) overwritten",
				 i, (uintmax_t)b->v, b->size);
			return false;
		}
	}
	return true;
}

static uintptr_t w_alloc(struct worker *w, size_t size)
{
	void *v = NULL;

	if (!w->heap)
		return U(mems_malloc(size));
	return mems_heap_alloc(w->heap, size, &v) ? 0 : U(v);
}

static uintptr_t w_realloc(struct worker *w, uintptr_t v, size_t size)
{
	void *out = NULL;

	if (!w->heap)
		return U(mems_realloc(V(v), size));
	return mems_heap_realloc(w->heap, V(v), size, &out) ? 0 : U(out);
}

static int w_free(struct worker *w, uintptr_t v)
{
	if (!w->heap) {
		mems_free(V(v));
		return 0;
	}
	return mems_heap_free(w->heap, V(v));
}

static bool op_alloc(struct worker *w)
{
	struct held *b = &w->live[w->nr_live];

	b->size = 1 + next_random(&w->rng) % 2000;
	b->seed = (unsigned char)next_random(&w->rng);
	b->v = w_alloc(w, b->size);
	if (!b->v) {
		snprintf(w->why, sizeof(w->why), "malloc(%zu) failed", b->size);
		return false;
	}
	fill(w, b, 0);
	w->nr_live++;
	return true;
}

static bool op_free(struct worker *w, size_t k)
{
	struct held *b = &w->live[k];

	if (!intact(w, b, b->size))
		return false;
	if (w_free(w, b->v)) {
		snprintf(w->why, sizeof(w->why), "free(%ju) refused",
			 (uintmax_t)b->v);
		return false;
	}
	*b = w->live[--w->nr_live];
	return true;
}

static bool op_realloc(struct worker *w, size_t k)
{
	struct held *b = &w->live[k];
	size_t size = 1 + next_random(&w->rng) % 4000;
	size_t kept = size < b->size ? size : b->size;
	uintptr_t v;

	if (!intact(w, b, b->size))
		return false;
	v = w_realloc(w, b->v, size);
	if (!v) {
		snprintf(w->why, sizeof(w->why), "realloc(%ju, %zu) failed",
			 (uintmax_t)b->v, size);
		return false;
	}
	b->v = v;
	b->size = size;
	if (!intact(w, b, kept))
		return false;
	fill(w, b, kept);
	return true;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	bool ok = true;

	for (w->ops = 0; ok && w->ops < w->nr_ops; w->ops++) {
		unsigned int pick = next_random(&w->rng) % 100;
		size_t k = w->nr_live ? next_random(&w->rng) % w->nr_live : 0;

		if (!w->nr_live || (pick < 40 && w->nr_live < LIVE_MAX))
			ok = op_alloc(w);
		else if (pick < 70)
			ok = op_free(w, k);
		else if (pick < 80)
			ok = op_realloc(w, k);
		else
			ok = intact(w, &w->live[k], w->live[k].size);
	}
	while (ok && w->nr_live)
		ok = op_free(w, 0);
	return NULL;
}

/* Heaps shared between threads need the locks. */
#ifdef CONFIG_MEMS_THREAD_SAFE
#define SKIP_UNLESS_THREAD_SAFE() do { } while (0)
#else
#define SKIP_UNLESS_THREAD_SAFE() \
	SKIP(return, "CONFIG_MEMS_THREAD_SAFE is not set")
#endif

/* Run the workers, each on @heaps[i] (NULL: the course functions). */
static void run_workers(struct __test_metadata *_metadata,
			struct mems_heap *const heaps[THREADS])
{
	static struct worker workers[THREADS];
	unsigned int i;

	memset(workers, 0, sizeof(workers));
	for (i = 0; i < THREADS; i++) {
		workers[i].heap = heaps[i];
		workers[i].rng = 0x9e3779b97f4a7c15ULL * (i + 1);
		workers[i].nr_ops = test_ops(OPS_PER_THREAD);
		ASSERT_EQ(0, pthread_create(&workers[i].thread, NULL, work,
					    &workers[i]));
	}
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_join(workers[i].thread, NULL));
	for (i = 0; i < THREADS; i++) {
		ASSERT_STREQ("", workers[i].why)
			TH_LOG("thread %u, operation %lu", i, workers[i].ops);
		ASSERT_EQ(workers[i].nr_ops, workers[i].ops);
	}
}

TEST_TIMEOUT(threads_share_the_global_heap, THREAD_TEST_TIMEOUT)
{
	struct mems_heap *heaps[THREADS] = { NULL };
	char *report;

	SKIP_UNLESS_THREAD_SAFE();
	mems_init();
	run_workers(_metadata, heaps);
	ASSERT_EQ(0, check_global_heap());
	/* Every block was freed: only holes are left. */
	report = stats_text();
	ASSERT_NULL(strstr(report, " P["));
	free(report);
	mems_finish();
}

TEST_TIMEOUT(threads_share_one_heap, THREAD_TEST_TIMEOUT)
{
	struct mems_heap *heaps[THREADS], *heap;
	struct mems_heap_stats stats;
	unsigned int i;

	SKIP_UNLESS_THREAD_SAFE();
	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	for (i = 0; i < THREADS; i++)
		heaps[i] = heap;
	run_workers(_metadata, heaps);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_stats(heap, &stats);
	ASSERT_EQ(0, stats.live_bytes);
	mems_heap_destroy(heap);
}

/* Threads that trim as they free, so that nodes come and go under them. */
TEST_TIMEOUT(threads_share_one_trimming_heap, THREAD_TEST_TIMEOUT)
{
	struct mems_heap *heaps[THREADS], *heap;
	struct mems_heap_stats stats;
	unsigned int i;

	SKIP_UNLESS_THREAD_SAFE();
	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	ASSERT_EQ(0, mems_heap_set_trim_threshold(heap, 0));
	for (i = 0; i < THREADS; i++)
		heaps[i] = heap;
	run_workers(_metadata, heaps);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_heap_stats(heap, &stats);
	ASSERT_EQ(0, stats.nodes);
	mems_heap_destroy(heap);
}

TEST_TIMEOUT(threads_each_have_a_heap, THREAD_TEST_TIMEOUT)
{
	struct mems_heap *heaps[THREADS];
	unsigned int i;

	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, mems_heap_create(NULL, &heaps[i]));
	run_workers(_metadata, heaps);
	for (i = 0; i < THREADS; i++) {
		ASSERT_EQ(0, mems_heap_check(heaps[i], stderr));
		mems_heap_destroy(heaps[i]);
	}
}

/*
 * A walk of the global heap whose callback translates each block, in one
 * thread, while another allocates and frees through the course functions:
 * the two take the same one lock, so neither waits for the other forever.
 */
#define CHURNS 20000
#define HELD 64

struct walk_count {
	size_t blocks;
	size_t wrong; /* blocks that mems_get() did not translate */
};

static int translate_seg(const struct mems_node_info *node,
			 const struct mems_seg_info *seg, void *arg)
{
	struct walk_count *count = arg;
	void *want = (char *)node->phys + (seg->vstart - node->vstart);

	if (seg->type != MEMS_PROCESS)
		return 0;
	count->blocks++;
	if (mems_get(V(seg->vstart)) != want)
		count->wrong++;
	return 0;
}

static void *churn_course(void *arg)
{
	unsigned long i;

	for (i = 0; i < test_ops(CHURNS); i++)
		mems_free(mems_malloc(100));
	atomic_store((atomic_bool *)arg, true);
	return NULL;
}

TEST_TIMEOUT(walk_translates_while_another_thread_allocates,
	     THREAD_TEST_TIMEOUT)
{
	static const struct mems_walk_ops ops = { .seg = translate_seg };
	struct walk_count count = { 0 };
	atomic_bool churned = false;
	void *held[HELD];
	pthread_t churner;
	size_t walks, i;

	SKIP_UNLESS_THREAD_SAFE();
	mems_init();
	/* Blocks each walk finds for sure, and walks long enough to meet. */
	for (i = 0; i < HELD; i++)
		held[i] = mems_malloc(100);
	ASSERT_EQ(0, pthread_create(&churner, NULL, churn_course, &churned));
	for (walks = 0; !atomic_load(&churned); walks++)
		ASSERT_EQ(0, mems_heap_walk(mems_default_heap(), &ops, &count));
	ASSERT_EQ(0, pthread_join(churner, NULL));
	ASSERT_LE(walks * HELD, count.blocks);
	ASSERT_EQ(0, count.wrong);
	for (i = 0; i < HELD; i++)
		mems_free(held[i]);
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

/*
 * mems_init() and mems_finish() in one thread while another allocates
 * on the default heap through the heap API: the lock they share is never
 * set up again under the other thread, and between a mems_finish() and
 * the next mems_init() the heap refuses to allocate (-ESTALE) instead of
 * mapping pages that nothing would unmap.
 */
#define RESTARTS 2000

static void *restart_course(void *arg)
{
	unsigned long i;

	for (i = 0; i < test_ops(RESTARTS); i++) {
		mems_init();
		mems_malloc(64);
		mems_finish();
	}
	atomic_store((atomic_bool *)arg, true);
	return NULL;
}

TEST_TIMEOUT(finish_while_another_thread_allocates_on_the_default_heap,
	     THREAD_TEST_TIMEOUT)
{
	unsigned long i = 0, refused = 0, other = 0;
	atomic_bool restarted = false;
	struct mems_heap *heap;
	pthread_t restarter;
	void *v;
	int err;

	SKIP_UNLESS_THREAD_SAFE();
	mems_init();
	heap = mems_default_heap();
	ASSERT_NE(NULL, heap);
	ASSERT_EQ(0, pthread_create(&restarter, NULL, restart_course,
				    &restarted));
	for (i = 0; !atomic_load(&restarted); i++) {
		err = mems_heap_alloc(heap, 64, &v);
		if (err == -ESTALE)
			refused++;
		else if (err)
			other++;
		else
			mems_heap_free(heap, v);
	}
	ASSERT_EQ(0, pthread_join(restarter, NULL));
	ASSERT_EQ(0, other);
	/* The restarter's last word was mems_finish(). */
	ASSERT_EQ(-ESTALE, mems_heap_alloc(heap, 64, &v));
	ASSERT_NULL(mems_default_heap());
	TH_LOG("%lu of %lu allocations found MeMS finished", refused, i);
}

TEST_HARNESS_MAIN
