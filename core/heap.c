// SPDX-License-Identifier: MIT
/*
 * core/heap.c - the heap object: setup, teardown and the operations.
 *
 * Functions here return 0 or a negative errno value and never touch
 * errno themselves; core/api.c turns them into the course API.  With
 * CONFIG_MEMS_DEBUG every operation that changes the chains is followed
 * by a full check, and the first broken invariant stops the program.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <asm/page.h>
#include "heap.h"
#include "addr_table.h"
#include "chain.h"
#include "check.h"
#include "hole_map.h"
#include "meta.h"
#include "os.h"
#include "policy.h"
#include "registry.h"
#include "types.h"

static bool is_power_of_2(size_t n)
{
	return n && !(n & (n - 1));
}

void mems_default_config(struct mems_heap_config *config)
{
	config->policy = mems_default_policy();
	config->page_size = PAGE_SIZE;
	config->virt_base = CONFIG_MEMS_VIRT_BASE;
	config->align = CONFIG_MEMS_ALIGN;
}

/* Fill in the defaults of @config, then reject what cannot work. */
static int config_resolve(const struct mems_heap_config *config,
			  struct mems_heap_config *out)
{
	struct mems_heap_config defaults;

	mems_default_config(&defaults);
	*out = config ? *config : defaults;
	if (!out->page_size)
		out->page_size = defaults.page_size;
	if (!out->virt_base)
		out->virt_base = defaults.virt_base;
	if (!out->align)
		out->align = defaults.align;
	if (!out->policy || !*out->policy)
		out->policy = defaults.policy;
	if (!is_power_of_2(out->align))
		return -EINVAL;
	return mems_policy_lookup(out->policy) ? 0 : -ENOENT;
}

int mems_heap_use_policy(struct mems_heap *heap,
			 const struct mems_policy_ops *ops)
{
	struct mems_node *node;
	struct mems_seg *seg;

	if (!ops)
		return -ENOENT;
	/* The only step that can fail, first: the old policy stays. */
	if (mems_hole_map_use(heap, ops->uses_hole_map))
		return -ENOMEM;
	memset(&heap->policy, 0, sizeof(heap->policy));
	heap->policy.ops = ops;
	heap->policy.heap = heap;
	heap->policy.indexes_holes =
		ops->hole_insert || ops->hole_erase || ops->hole_resize;
	if (ops->init)
		ops->init(&heap->policy);
	if (!ops->hole_insert)
		return 0;
	heap_for_each_node(node, heap)
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg))
				ops->hole_insert(&heap->policy, seg);
	return 0;
}

static_assert(offsetof(struct mems_heap, lock) == 0,
	      "heap_clear() keeps the lock by keeping the heap's first bytes");

/*
 * All but the lock: the global heap is set up again by every mems_init()
 * while other threads may hold its lock or wait on it.
 */
static void heap_clear(struct mems_heap *heap)
{
	size_t keep = offsetof(struct mems_heap, walks);

	memset((char *)heap + keep, 0, sizeof(*heap) - keep);
}

/*
 * The system-call counters survive: mems_init() sets the global heap up
 * again each time, and its counts run from the program's start.
 */
int mems_heap_setup(struct mems_heap *heap,
		    const struct mems_heap_config *config)
{
	struct mems_os_stats os = heap->os;
	struct mems_heap_config cfg;
	int err = config_resolve(config, &cfg);

	if (err)
		return err;
	heap_clear(heap);
	heap->os = os;
	heap->page_size = cfg.page_size;
	heap->align = cfg.align;
	heap->virt_base = cfg.virt_base;
	heap->trim_threshold = CONFIG_MEMS_TRIM_THRESHOLD;
	mems_chain_setup(heap);
	mems_meta_setup(&heap->meta, cfg.page_size);
	return mems_heap_use_policy(heap, mems_policy_lookup(cfg.policy));
}

void mems_heap_teardown(struct mems_heap *heap)
{
	mems_chain_unmap_all(heap);
}

/*
 * Empty for good, until set up again: the global heap after mems_finish(),
 * whose address a thread may still hold and use.  What it then allocated
 * nothing would ever unmap.
 */
void mems_heap_retire(struct mems_heap *heap)
{
	mems_heap_teardown(heap);
	/* A teardown calls no hole hook: the policy's index must start over. */
	mems_heap_use_policy(heap, heap->policy.ops);
	heap->stale = true;
}

/* The heap object lives in a mapping of its own, a whole number of pages. */
static size_t heap_object_bytes(size_t page_size)
{
	size_t pages = (sizeof(struct mems_heap) + page_size - 1) / page_size;

	return pages * page_size;
}

int mems_heap_create(const struct mems_heap_config *config,
		     struct mems_heap **heap)
{
	struct mems_heap_config cfg;
	struct mems_os_stats os = { 0 };
	struct mems_heap *created;
	size_t bytes;
	int err = config_resolve(config, &cfg);

	if (err)
		return err;
	bytes = heap_object_bytes(cfg.page_size);
	created = (struct mems_heap *)mems_os_map(&os, bytes);
	if (!created)
		return -ENOMEM;
	lock_init(&created->lock);
	err = mems_heap_setup(created, &cfg);
	if (err) {
		lock_destroy(&created->lock);
		mems_os_unmap(&os, created, bytes);
		return err;
	}
	created->os.mmap_calls = os.mmap_calls;
	created->object_bytes = bytes;
	*heap = created;
	return 0;
}

void mems_heap_destroy(struct mems_heap *heap)
{
	struct mems_os_stats os = { 0 };

	if (!heap || heap_in_walk(heap))
		return;
	mems_heap_teardown(heap);
	lock_destroy(&heap->lock);
	mems_os_unmap(&os, heap, heap_object_bytes(heap->page_size));
}

void mems_heap_reset(struct mems_heap *heap)
{
	heap_guard(heap);

	if (heap_in_walk(heap))
		return;
	mems_heap_teardown(heap);
	mems_heap_use_policy(heap, heap->policy.ops);
}

int mems_heap_alloc(struct mems_heap *heap, size_t size, void **v)
{
	heap_guard(heap);

	if (heap_in_walk(heap))
		return -EDEADLK;
	return mems_heap_alloc_locked(heap, size, v);
}

int mems_heap_calloc_locked(struct mems_heap *heap, size_t nmemb, size_t size,
			    void **v)
{
	/* A product of 0 is -EINVAL, as an allocation of 0 bytes. */
	if (size && nmemb > SIZE_MAX / size)
		return -ENOMEM;
	return heap_alloc(heap, nmemb * size, true, v);
}

int mems_heap_calloc(struct mems_heap *heap, size_t nmemb, size_t size,
		     void **v)
{
	heap_guard(heap);

	if (heap_in_walk(heap))
		return -EDEADLK;
	return mems_heap_calloc_locked(heap, nmemb, size, v);
}

/* The block moves: a new one by the policy, the bytes copied, @proc freed. */
static int heap_move(struct mems_heap *heap, struct mems_seg *proc,
		     size_t bytes, void **v)
{
	size_t keep = seg_size(proc) < bytes ? seg_size(proc) : bytes;
	struct mems_seg *moved;
	bool fresh;

	moved = heap_carve(heap, bytes, &fresh);
	if (!moved)
		return -ENOMEM;
	memcpy((void *)(moved->vstart + moved->to_phys),
	       (void *)(proc->vstart + proc->to_phys), keep);
	heap_release(heap, proc);
	*v = (void *)moved->vstart;
	return 0;
}

static int heap_resize(struct mems_heap *heap, struct mems_seg *proc,
		       size_t bytes, void **v)
{
	int err = 0;

	if (bytes > seg_size(proc) && mems_chain_grow(heap, proc, bytes))
		return heap_move(heap, proc, bytes, v);
	if (bytes < seg_size(proc))
		err = mems_chain_shrink(heap, proc, bytes);
	if (!err)
		*v = (void *)proc->vstart;
	return err;
}

int mems_heap_realloc_locked(struct mems_heap *heap, void *v, size_t size,
			     void **out)
{
	struct mems_seg *proc;
	size_t bytes;
	int err;

	if (!v)
		return size ? heap_alloc(heap, size, false, out) : -EINVAL;
	proc = heap_block_at(heap, v);
	if (!proc)
		return -EINVAL;
	if (!size) {
		heap_release(heap, proc);
		*out = NULL;
		heap_assert_valid(heap);
		return 0;
	}
	bytes = heap_round(heap, size);
	if (!bytes)
		return -ENOMEM;
	err = heap_resize(heap, proc, bytes, out);
	if (!err)
		heap_assert_valid(heap);
	return err;
}

int mems_heap_realloc(struct mems_heap *heap, void *v, size_t size,
		      void **out)
{
	heap_guard(heap);

	if (heap_in_walk(heap))
		return -EDEADLK;
	return mems_heap_realloc_locked(heap, v, size, out);
}

int mems_heap_free(struct mems_heap *heap, void *v)
{
	heap_guard(heap);

	if (heap_in_walk(heap))
		return -EDEADLK;
	return mems_heap_free_locked(heap, v);
}

int mems_heap_trim_locked(struct mems_heap *heap, size_t keep)
{
	size_t released;

	released = mems_chain_trim(heap, keep);
	heap_assert_valid(heap);
	return released > 0;
}

int mems_heap_trim(struct mems_heap *heap, size_t keep)
{
	heap_guard(heap);

	if (heap_in_walk(heap))
		return -EDEADLK;
	return mems_heap_trim_locked(heap, keep);
}

int mems_heap_set_trim_threshold(struct mems_heap *heap, long threshold)
{
	heap_guard(heap);

	if (heap_in_walk(heap))
		return -EDEADLK;
	if (threshold < -1)
		return -EINVAL;
	heap->trim_threshold = threshold;
	heap_trim_auto(heap);
	heap_assert_valid(heap);
	return 0;
}

long mems_heap_trim_threshold(const struct mems_heap *heap)
{
	heap_guard(heap);

	return heap->trim_threshold;
}

void *mems_heap_get(const struct mems_heap *heap, void *v)
{
	heap_guard(heap);

	return mems_heap_get_locked(heap, v);
}

int mems_heap_set_policy(struct mems_heap *heap, const char *name)
{
	const struct mems_policy_ops *ops = mems_policy_lookup(name);
	heap_guard(heap);

	if (heap_in_walk(heap))
		return -EDEADLK;
	if (!ops)
		return -ENOENT;
	return mems_heap_use_policy(heap, ops);
}

const char *mems_heap_policy(const struct mems_heap *heap)
{
	heap_guard(heap);

	return heap->policy.ops->name;
}

size_t mems_heap_page_size(const struct mems_heap *heap)
{
	return heap->page_size;
}
