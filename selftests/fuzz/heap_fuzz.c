// SPDX-License-Identifier: MIT
/*
 * heap_fuzz.c - libFuzzer target: any sequence of calls leaves a sound
 * heap that places every block where the linear reference places it.
 *
 * The input's first byte picks the heap under test: the global heap of
 * the course functions (mems_init() ... mems_finish()), or a heap of the
 * heap API with a layout taken from the next bytes.  Each later byte is
 * an operation, followed by the bytes of its arguments: malloc, calloc
 * and realloc of any size (0, a few bytes, pages, huge, SIZE_MAX), free,
 * realloc and get of live, interior, foreign, released and already freed
 * addresses, trims, trim thresholds, policy switches, init and finish.
 * The same call goes to a heap of the heap API running the linear
 * reference of the same policy.  After each one: both return the same,
 * both checkers pass, both reports are the same text, and every live
 * block still holds the bytes written into it.  A difference aborts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mems.h>
#include <mems/heap.h>
#include <mems/introspect.h>

#define V(addr) ((void *)(uintptr_t)(addr))
#define U(ptr) ((uintptr_t)(ptr))

#define MAX_LIVE 64
#define MAX_FREED 8
#define MAX_POLICIES 16
/* Contents are checked at both ends of a block, this many bytes each. */
#define TAG_BYTES 32

struct input {
	const uint8_t *data;
	size_t len;
};

struct block {
	uintptr_t v;
	size_t size;
	uint8_t tag;
};

struct fuzz {
	bool global; /* the course functions, else the heap API */
	bool ready; /* the heap under test exists */
	struct mems_heap_config layout;
	struct mems_heap *heap; /* heap API only */
	struct mems_heap *ref;
	unsigned int policy; /* index into policies[] */
	struct block live[MAX_LIVE];
	size_t nr_live;
	uintptr_t freed[MAX_FREED]; /* freed or released, never reused */
	size_t nr_freed;
	uint8_t next_tag;
};

static struct mems_policy_info policies[MAX_POLICIES];
static bool verbose; /* HEAP_FUZZ_VERBOSE: every call and report */
static unsigned int nr_policies;

#define fail(...)                                           \
	do {                                                \
		fprintf(stderr, "heap_fuzz: " __VA_ARGS__); \
		fputc('\n', stderr);                        \
		abort();                                    \
	} while (0)

static uint8_t take(struct input *in)
{
	uint8_t byte;

	if (!in->len)
		return 0;
	byte = *in->data++;
	in->len--;
	return byte;
}

static uint64_t take_bytes(struct input *in, unsigned int n)
{
	uint64_t value = 0;

	while (n--)
		value = value << 8 | take(in);
	return value;
}

/* Mostly small, some pages, a few that no heap can hold. */
static size_t take_size(struct input *in)
{
	uint8_t pick = take(in);

	switch (pick >> 5) {
	case 0:
	case 1:
	case 2:
		return pick & 0x1f;
	case 3:
	case 4:
		return take_bytes(in, 1) + 1;
	case 5:
		return take_bytes(in, 2) & 0x1fff;
	case 6:
		/*
		 * The checker's cost grows with the space handed out: up
		 * to 64 KiB a block keeps the fuzzer's pace.
		 */
		return take_bytes(in, 2);
	default:
		break;
	}
	switch (pick & 3) {
	case 0:
		return SIZE_MAX;
	case 1:
		return SIZE_MAX / 2 + 1;
	case 2:
		return (size_t)1 << 40;
	default:
		return SIZE_MAX - take_bytes(in, 2);
	}
}

/* A live block's start, inside one, a freed or released one, or any. */
static uintptr_t take_addr(struct fuzz *f, struct input *in)
{
	uint8_t pick = take(in);
	struct block *b;

	switch (pick & 7) {
	case 0:
	case 1:
	case 2:
	case 3:
		if (!f->nr_live)
			return 0;
		return f->live[(pick >> 3) % f->nr_live].v;
	case 4:
		if (!f->nr_live)
			return 1;
		b = &f->live[(pick >> 3) % f->nr_live];
		return b->v + take_bytes(in, 2) % (b->size + 64);
	case 5:
		if (!f->nr_freed)
			return 2;
		return f->freed[(pick >> 3) % f->nr_freed];
	case 6:
		return f->layout.virt_base + take_bytes(in, 2) - 0x100;
	default:
		return take_bytes(in, 8);
	}
}

/* ---------------------------------------------------------------------
 * The live blocks and their contents
 */

static uint8_t tag_byte(const struct block *b, size_t i)
{
	return (uint8_t)(b->tag + i * 7);
}

static void *phys_of(const struct fuzz *f, uintptr_t v)
{
	return f->global ? mems_get(V(v)) : mems_heap_get(f->heap, V(v));
}

/*
 * The tags are the first and the last TAG_BYTES of a block: the loops
 * below visit those only, so that a block of a megabyte costs no more
 * than one of a hundred bytes.
 */
static size_t tail_start(const struct block *b)
{
	return b->size > 2 * TAG_BYTES ? b->size - TAG_BYTES : TAG_BYTES;
}

static size_t next_tagged(const struct block *b, size_t i)
{
	return i + 1 == TAG_BYTES ? tail_start(b) : i + 1;
}

static void tag_write(const struct fuzz *f, const struct block *b)
{
	uint8_t *p = phys_of(f, b->v);
	size_t i;

	if (!p)
		fail("no translation for live block %#lx", (unsigned long)b->v);
	for (i = 0; i < b->size; i = next_tagged(b, i))
		p[i] = tag_byte(b, i);
}

/* The first @upto bytes of @b still hold its tags. */
static void tag_verify(const struct fuzz *f, const struct block *b, size_t upto,
		       const uint8_t *p)
{
	size_t i;

	if (!p)
		p = phys_of(f, b->v);
	if (!p)
		fail("no translation for live block %#lx", (unsigned long)b->v);
	for (i = 0; i < upto && i < b->size; i = next_tagged(b, i))
		if (p[i] != tag_byte(b, i))
			fail("block %#lx: byte %zu changed",
			     (unsigned long)b->v, i);
}

static void verify_zeroed(const uint8_t *p, uintptr_t v, size_t size)
{
	static const uint8_t zeros[4096];
	size_t done, chunk;

	for (done = 0; done < size; done += chunk) {
		chunk = size - done < sizeof(zeros) ? size - done :
						      sizeof(zeros);
		if (memcmp(p + done, zeros, chunk))
			fail("calloc block %#lx: not zeroed near byte %zu",
			     (unsigned long)v, done);
	}
}

static void live_add(struct fuzz *f, uintptr_t v, size_t size, bool zeroed)
{
	struct block *b = &f->live[f->nr_live++];

	b->v = v;
	b->size = size;
	b->tag = f->next_tag++;
	if (zeroed)
		verify_zeroed(phys_of(f, v), v, size);
	tag_write(f, b);
}

static struct block *live_find(struct fuzz *f, uintptr_t v)
{
	size_t i;

	for (i = 0; i < f->nr_live; i++)
		if (f->live[i].v == v)
			return &f->live[i];
	return NULL;
}

static void freed_add(struct fuzz *f, uintptr_t v)
{
	f->freed[f->nr_freed++ % MAX_FREED] = v;
	if (f->nr_freed > MAX_FREED)
		f->nr_freed = MAX_FREED;
}

static void live_remove(struct fuzz *f, struct block *b)
{
	freed_add(f, b->v);
	*b = f->live[--f->nr_live];
}

static void verify_all(const struct fuzz *f)
{
	size_t i;

	for (i = 0; i < f->nr_live; i++)
		tag_verify(f, &f->live[i], SIZE_MAX, NULL);
}

/* ---------------------------------------------------------------------
 * The two heaps
 */

static struct mems_heap *tested(const struct fuzz *f)
{
	return f->global ? mems_default_heap() : f->heap;
}

static char *report_of(const struct mems_heap *heap, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (!out)
		abort();
	mems_heap_print_stats(heap, out);
	fclose(out);
	return text;
}

static void compare_heaps(const struct fuzz *f)
{
	struct mems_heap_stats a, b;
	size_t len_a, len_b;
	char *ra, *rb;

	if (!f->ready)
		return;
	if (mems_heap_check(tested(f), stderr))
		fail("heap under test fails its check");
	if (mems_heap_check(f->ref, stderr))
		fail("reference heap fails its check");
	ra = report_of(tested(f), &len_a);
	rb = report_of(f->ref, &len_b);
	if (verbose)
		fputs(ra, stderr);
	if (len_a != len_b || memcmp(ra, rb, len_a))
		fail("reports differ:\n%s\nreference:\n%s", ra, rb);
	free(ra);
	free(rb);
	mems_heap_stats(tested(f), &a);
	mems_heap_stats(f->ref, &b);
	if (a.live_bytes != b.live_bytes || a.holes != b.holes ||
	    a.largest_hole != b.largest_hole || a.segments != b.segments)
		fail("statistics differ");
	verify_all(f);
}

static void open_heaps(struct fuzz *f)
{
	struct mems_heap_config ref = f->layout;

	if (!f->global)
		f->layout.policy = policies[f->policy].name;
	ref.policy = policies[f->policy].reference;
	if (mems_heap_create(&ref, &f->ref))
		fail("cannot create the reference heap");
	if (f->global) {
		mems_init();
		mems_heap_set_policy(tested(f), policies[f->policy].name);
	} else if (mems_heap_create(&f->layout, &f->heap)) {
		fail("cannot create the heap under test");
	}
	f->ready = true;
	f->nr_live = 0;
}

static void close_heaps(struct fuzz *f)
{
	if (f->global)
		mems_finish();
	else
		mems_heap_destroy(f->heap);
	mems_heap_destroy(f->ref);
	f->heap = f->ref = NULL;
	f->ready = false;
	f->nr_live = 0;
}

/* A call that allocates opens the global heap, as mems_malloc() does. */
static void implicit_init(struct fuzz *f)
{
	if (f->global && !f->ready)
		open_heaps(f);
}

/* ---------------------------------------------------------------------
 * The operations
 */

static void same_result(int err, int ref_err, uintptr_t v, uintptr_t ref_v,
			const char *fmt, ...)
{
	char what[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (verbose)
		fprintf(stderr, "%s: %d %#lx\n", what, err, (unsigned long)v);
	if (err != ref_err)
		fail("%s: %d, reference %d", what, err, ref_err);
	if (!err && v != ref_v)
		fail("%s: %#lx, reference %#lx", what, (unsigned long)v,
		     (unsigned long)ref_v);
}

static int do_malloc(struct fuzz *f, size_t size, void **v)
{
	if (!f->global)
		return mems_heap_alloc(f->heap, size, v);
	errno = 0;
	*v = mems_malloc(size);
	if (*v)
		return 0;
	return size ? -errno : -EINVAL;
}

static void op_malloc(struct fuzz *f, struct input *in)
{
	size_t size = take_size(in);
	void *v = NULL, *ref_v = NULL;
	int err, ref_err;

	if (size)
		implicit_init(f);
	if (!f->ready || f->nr_live == MAX_LIVE)
		return;
	err = do_malloc(f, size, &v);
	ref_err = mems_heap_alloc(f->ref, size, &ref_v);
	same_result(err, ref_err, U(v), U(ref_v), "malloc %zu", size);
	if (!err)
		live_add(f, U(v), size, false);
}

static int do_calloc(struct fuzz *f, size_t n, size_t size, void **v)
{
	if (!f->global)
		return mems_heap_calloc(f->heap, n, size, v);
	errno = 0;
	*v = mems_calloc(n, size);
	if (*v)
		return 0;
	return n && size ? -errno : -EINVAL;
}

static void op_calloc(struct fuzz *f, struct input *in)
{
	uint8_t pick = take(in);
	/* Few elements, or so many that the product overflows. */
	size_t n = pick < 0xf0 ? pick & 0x1f : SIZE_MAX / (pick - 0xef);
	size_t size = take_size(in);
	void *v = NULL, *ref_v = NULL;
	int err, ref_err;

	if (n && size)
		implicit_init(f);
	if (!f->ready || f->nr_live == MAX_LIVE)
		return;
	err = do_calloc(f, n, size, &v);
	ref_err = mems_heap_calloc(f->ref, n, size, &ref_v);
	same_result(err, ref_err, U(v), U(ref_v), "calloc %zu %zu", n, size);
	if (!err)
		live_add(f, U(v), n * size, true);
}

static int do_realloc(struct fuzz *f, uintptr_t v, size_t size, void **out)
{
	if (!f->global)
		return mems_heap_realloc(f->heap, V(v), size, out);
	errno = 0;
	*out = mems_realloc(V(v), size);
	if (*out || (v && !size && !errno))
		return 0;
	return -errno;
}

static void op_realloc(struct fuzz *f, struct input *in)
{
	uintptr_t v = take_addr(f, in);
	size_t size = take_size(in);
	struct block *b = live_find(f, v);
	struct block kept = { 0 };
	void *out = NULL, *ref_out = NULL;
	int err, ref_err;

	if (!v && size)
		implicit_init(f);
	if (!f->ready || (!v && f->nr_live == MAX_LIVE))
		return;
	/* realloc(NULL, 0) of the course is malloc(0): nothing happens. */
	if (f->global && !v && !size)
		return;
	if (b)
		kept = *b;
	err = do_realloc(f, v, size, &out);
	ref_err = mems_heap_realloc(f->ref, V(v), size, &ref_out);
	same_result(err, ref_err, U(out), U(ref_out), "realloc %#lx %zu",
		    (unsigned long)v, size);
	if (err || (!v && !size))
		return;
	if (v && !b)
		fail("realloc of %#lx, not a block, succeeded",
		     (unsigned long)v);
	if (b)
		live_remove(f, b);
	if (!size)
		return;
	f->live[f->nr_live] = kept;
	f->live[f->nr_live].v = U(out);
	tag_verify(f, &f->live[f->nr_live],
		   b ? (size < kept.size ? size : kept.size) : 0, NULL);
	f->live[f->nr_live].size = size;
	f->live[f->nr_live].tag = f->next_tag++;
	tag_write(f, &f->live[f->nr_live++]);
}

static void op_free(struct fuzz *f, struct input *in)
{
	uintptr_t v = take_addr(f, in);
	struct block *b = live_find(f, v);
	int err, ref_err;

	if (!f->ready && !f->global)
		return;
	if (f->global) {
		errno = 0;
		mems_free(V(v));
		err = -errno;
	} else {
		err = mems_heap_free(f->heap, V(v));
	}
	ref_err = f->ready ? mems_heap_free(f->ref, V(v)) : -EINVAL;
	if (!v && f->global)
		ref_err = 0;
	same_result(err, ref_err, 0, 0, "free %#lx", (unsigned long)v);
	if (b && !err)
		live_remove(f, b);
	else if (b)
		fail("free of live block %#lx: %d", (unsigned long)v, err);
}

/* The same place within the node that holds @v, on both heaps. */
static void same_place(const struct fuzz *f, uintptr_t v, const void *phys,
		       const void *ref_phys)
{
	struct mems_node_info node, ref_node;

	if (mems_heap_find(tested(f), V(v), &node, NULL) ||
	    mems_heap_find(f->ref, V(v), &ref_node, NULL))
		fail("get %#lx: no node holds it", (unsigned long)v);
	if (U(phys) - U(node.phys) != U(ref_phys) - U(ref_node.phys))
		fail("get %#lx: another place in its node", (unsigned long)v);
}

static void op_get(struct fuzz *f, struct input *in)
{
	uintptr_t v = take_addr(f, in);
	const void *phys, *ref_phys = NULL;
	size_t i;

	if (!f->ready && !f->global)
		return;
	phys = phys_of(f, v);
	if (f->ready)
		ref_phys = mems_heap_get(f->ref, V(v));
	if (verbose)
		fprintf(stderr, "get %#lx: %s\n", (unsigned long)v,
			phys ? "translated" : "refused");
	if (!phys != !ref_phys)
		fail("get %#lx: %p, reference %p", (unsigned long)v, phys,
		     ref_phys);
	if (!phys)
		return;
	same_place(f, v, phys, ref_phys);
	for (i = 0; i < f->nr_live; i++)
		if (v >= f->live[i].v && v < f->live[i].v + f->live[i].size)
			tag_verify(f, &f->live[i], f->live[i].size,
				   (const uint8_t *)phys - (v - f->live[i].v));
}

static void op_trim(struct fuzz *f, struct input *in)
{
	size_t keep = take_size(in);
	int released, ref_released;

	if (f->global)
		released = mems_trim(keep);
	else if (f->ready)
		released = mems_heap_trim(f->heap, keep);
	else
		return;
	ref_released = f->ready ? mems_heap_trim(f->ref, keep) : 0;
	if (verbose)
		fprintf(stderr, "trim %zu: %d\n", keep, released);
	if (released != ref_released)
		fail("trim %zu: %d, reference %d", keep, released,
		     ref_released);
}

static void op_threshold(struct fuzz *f, struct input *in)
{
	uint8_t pick = take(in);
	long threshold = pick == 0xff ? -1 : pick == 0xfe ? -2 : (long)pick;
	int err, ref_err;

	if (!f->ready)
		return;
	threshold *= pick < 0xfe ? (long)(f->layout.page_size / 4 + 1) : 1;
	err = mems_heap_set_trim_threshold(tested(f), threshold);
	ref_err = mems_heap_set_trim_threshold(f->ref, threshold);
	same_result(err, ref_err, 0, 0, "trim threshold %ld", threshold);
}

static void op_policy(struct fuzz *f, struct input *in)
{
	unsigned int p = take(in) % nr_policies;
	int err, ref_err;

	if (!f->ready)
		return;
	err = mems_heap_set_policy(tested(f), policies[p].name);
	ref_err = mems_heap_set_policy(f->ref, policies[p].reference);
	same_result(err, ref_err, 0, 0, "policy %s", policies[p].name);
	f->policy = p;
}

/* init and finish: the global heap's own calls, a new heap otherwise. */
static void op_restart(struct fuzz *f, struct input *in)
{
	bool finish_only = take(in) & 1;

	if (verbose)
		fprintf(stderr, "%s\n", finish_only ? "finish" : "restart");
	if (f->ready)
		close_heaps(f);
	else if (f->global)
		mems_finish();
	if (!finish_only)
		open_heaps(f);
}

static void (*const ops[])(struct fuzz *, struct input *) = {
	op_malloc,  op_malloc,	  op_malloc, op_calloc,	 op_realloc,
	op_realloc, op_free,	  op_free,   op_free,	 op_get,
	op_trim,    op_threshold, op_policy, op_restart,
};

#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

/* ---------------------------------------------------------------------
 * Layouts, and the libFuzzer entry points
 */

static void take_layout(struct fuzz *f, struct input *in)
{
	static const size_t page_sizes[] = { 1, 7, 64, 100, 4096, 16384 };
	static const size_t aligns[] = { 1, 2, 8, 16, 64, 4096 };
	uint8_t pick = take(in);

	f->global = pick & 1;
	f->policy = (pick >> 1) % nr_policies;
	if (f->global) {
		mems_default_config(&f->layout);
		f->layout.policy = NULL;
		return;
	}
	pick = take(in);
	f->layout.page_size = page_sizes[pick % 6];
	f->layout.align = aligns[pick / 6 % 6];
	f->layout.virt_base = 1 + take_bytes(in, 2);
	f->layout.policy = policies[f->policy].name;
	if (verbose)
		fprintf(stderr, "heap: %s, page %zu, base %#lx, align %zu\n",
			f->layout.policy, f->layout.page_size,
			(unsigned long)f->layout.virt_base, f->layout.align);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct mems_policy_info info;
	unsigned int i;

	(void)argc;
	(void)argv;
	verbose = getenv("HEAP_FUZZ_VERBOSE");
	for (i = 0; !mems_policy_info(i, &info); i++) {
		if ((info.flags & MEMS_POLICY_REFERENCE) || !info.reference)
			continue;
		if (nr_policies == MAX_POLICIES)
			break;
		policies[nr_policies++] = info;
	}
	if (!nr_policies)
		fail("no policy has a linear reference: build with "
		     "CONFIG_MEMS_LINEAR_POLICIES=y");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	static struct fuzz f;

	memset(&f, 0, sizeof(f));
	take_layout(&f, &in);
	if (!f.global)
		open_heaps(&f);
	while (in.len) {
		ops[take(&in) % NR_OPS](&f, &in);
		compare_heaps(&f);
	}
	if (f.ready)
		close_heaps(&f);
	else if (f.global)
		mems_finish();
	return 0;
}
