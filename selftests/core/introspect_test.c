// SPDX-License-Identifier: MIT
/*
 * introspect_test.c - the public view of a heap, <mems/introspect.h>:
 * mems_heap_walk(), mems_heap_find(), mems_heap_stats(),
 * mems_policy_info() and mems_default_config().
 *
 * Expected figures come from the contract's rules (mems_test.h's sizes
 * and report model) or from a layout written out by hand; the library is
 * never asked for the value it is checked against.  The walk is also
 * rendered as the report text and compared byte for byte with
 * mems_heap_print_stats(), the other view of the same chains.
 *
 * Heaps created here choose page size 1000, base 1000 and granule 1, so
 * that their layouts are the test's numbers whatever the build; the
 * global heap follows the build's configuration.
 */
#include "../harness.h"
#include "../mems_test.h"

#include <mems/introspect.h>

#define WIDE_PAGE	1000
#define BASE		1000

static struct maps_snapshot maps_before, maps_after;

/* ---------------------------------------------------------------------
 * A walk, recorded and cross-checked as it goes
 */

struct walk_view {
	const struct mems_heap *heap;
	struct model *m;		/* the layout recorded, or NULL */
	struct mems_heap_stats sum;	/* the figures the walk adds up */
	size_t page_size;
	struct mems_node_info node;	/* the node being walked */
	size_t segs_in_node;
	uintptr_t next;			/* the next segment's start */
	char fault[200];		/* the first inconsistency seen */
};

static void view_fault(struct walk_view *view, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void view_fault(struct walk_view *view, const char *fmt, ...)
{
	va_list args;

	if (view->fault[0])
		return;
	va_start(args, fmt);
	vsnprintf(view->fault, sizeof(view->fault), fmt, args);
	va_end(args);
}

/* The previous node announced as many segments as the walk visited. */
static void view_close_node(struct walk_view *view)
{
	if (view->sum.nodes && view->segs_in_node != view->node.nr_segs)
		view_fault(view, "node %zu: nr_segs %zu, %zu visited",
			   view->node.index, view->node.nr_segs,
			   view->segs_in_node);
}

static int view_node(const struct mems_node_info *node, void *arg)
{
	struct walk_view *view = arg;
	size_t bytes = node->pages * view->page_size;
	void *phys = mems_heap_get(view->heap, V(node->vstart));

	view_close_node(view);
	if (node->index != view->sum.nodes)
		view_fault(view, "node %zu has index %zu", view->sum.nodes,
			   node->index);
	if (node->vend - node->vstart + 1 != bytes || !node->nr_segs)
		view_fault(view, "node %zu is not %zu pages with segments",
			   node->index, node->pages);
	/* phys is what mems_get() translates the node's start to. */
	if (phys && phys != node->phys)
		view_fault(view, "node %zu: phys %p, get says %p", node->index,
			   node->phys, phys);
	/* mincore costs a call per page: the recorded walks only. */
	if (view->m && mapped(node->phys, bytes) != 1)
		view_fault(view, "node %zu: phys is not mapped", node->index);
	if (view->m) {
		model_node(view->m, node->vstart, node->pages);
		model_last(view->m)->vend = node->vend;
	}
	view->node = *node;
	view->segs_in_node = 0;
	view->next = node->vstart;
	view->sum.nodes++;
	view->sum.pages_used += node->pages;
	return 0;
}

/* What find says of @v must be @seg of the node being walked. */
static void view_find(struct walk_view *view, const struct mems_seg_info *seg,
		      uintptr_t v)
{
	struct mems_node_info node;
	struct mems_seg_info found;
	int ret = mems_heap_find(view->heap, V(v), &node, &found);

	if (ret || node.index != view->node.index ||
	    node.vstart != view->node.vstart || node.phys != view->node.phys ||
	    node.nr_segs != view->node.nr_segs ||
	    found.index != seg->index || found.vstart != seg->vstart ||
	    found.vend != seg->vend || found.type != seg->type)
		view_fault(view, "find(%ju) = %d: node %zu seg %zu, walk says "
			   "node %zu seg %zu", (uintmax_t)v, ret, node.index,
			   found.index, view->node.index, seg->index);
}

static void view_check_seg(struct walk_view *view,
			   const struct mems_seg_info *seg)
{
	const struct mems_node_info *node = &view->node;
	void *phys = mems_heap_get(view->heap, V(seg->vstart));

	if (seg->index != view->segs_in_node || seg->vstart != view->next ||
	    seg->vend < seg->vstart || seg->vend > node->vend)
		view_fault(view, "node %zu: segment %zu [%ju:%ju] out of place",
			   node->index, seg->index, (uintmax_t)seg->vstart,
			   (uintmax_t)seg->vend);
	if (seg->type == MEMS_PROCESS &&
	    phys != (char *)node->phys + (seg->vstart - node->vstart))
		view_fault(view, "block %ju: get says %p",
			   (uintmax_t)seg->vstart, phys);
	if (seg->type == MEMS_HOLE && phys)
		view_fault(view, "hole %ju translates", (uintmax_t)seg->vstart);
	view_find(view, seg, seg->vstart);
	view_find(view, seg, seg->vstart + (seg->vend - seg->vstart) / 2);
	view_find(view, seg, seg->vend);
}

static int view_seg(const struct mems_node_info *node,
		    const struct mems_seg_info *seg, void *arg)
{
	struct walk_view *view = arg;
	size_t bytes = seg->vend - seg->vstart + 1;

	if (node->index != view->node.index)
		view_fault(view, "segment of node %zu during node %zu",
			   node->index, view->node.index);
	view_check_seg(view, seg);
	if (view->m) {
		struct model_node *last = model_last(view->m);

		last->segs[last->nr_segs].type =
			seg->type == MEMS_HOLE ? 'H' : 'P';
		last->segs[last->nr_segs].start = seg->vstart;
		last->segs[last->nr_segs].end = seg->vend;
		last->nr_segs++;
	}
	view->segs_in_node++;
	view->next = seg->vend + 1;
	view->sum.segments++;
	if (seg->type == MEMS_HOLE) {
		view->sum.holes++;
		view->sum.space_unused += bytes;
		if (bytes > view->sum.largest_hole)
			view->sum.largest_hole = bytes;
	} else {
		view->sum.live_bytes += bytes;
	}
	return 0;
}

static const struct mems_walk_ops view_ops = {
	.node = view_node,
	.seg = view_seg,
};

/* Walk @heap into @view, recording the layout into @m when not NULL. */
static int view_walk(const struct mems_heap *heap, size_t page_size,
		     struct model *m, struct walk_view *view)
{
	int ret;

	memset(view, 0, sizeof(*view));
	view->heap = heap;
	view->m = m;
	view->page_size = page_size;
	if (m)
		model_init(m, page_size);
	ret = mems_heap_walk(heap, &view_ops, view);
	view_close_node(view);
	return ret;
}

/* The walk of @heap, rendered as the report; checks it on the way. */
#define ASSERT_WALK_IS_REPORT(heap, page_size, report) do {		\
	static struct model m_;						\
	struct walk_view view_;						\
	char *walked_;							\
									\
	ASSERT_EQ(0, view_walk((heap), (page_size), &m_, &view_));	\
	ASSERT_STREQ("", view_.fault);					\
	walked_ = model_report(&m_);					\
	ASSERT_STREQ((report), walked_);				\
	free(walked_);							\
} while (0)

/* mems_heap_stats() says what a walk of the same heap adds up to. */
#define ASSERT_STATS_ARE_WALK(heap, page_size, ctx) do {		\
	struct walk_view view_;						\
	struct mems_heap_stats st_;					\
									\
	ASSERT_EQ(0, view_walk((heap), (page_size), NULL, &view_))	\
		TH_LOG("%s", (ctx));					\
	ASSERT_STREQ("", view_.fault) TH_LOG("%s", (ctx));		\
	mems_heap_stats((heap), &st_);					\
	ASSERT_EQ(view_.sum.pages_used, st_.pages_used)			\
		TH_LOG("%s", (ctx));					\
	ASSERT_EQ(view_.sum.space_unused, st_.space_unused)		\
		TH_LOG("%s", (ctx));					\
	ASSERT_EQ(view_.sum.nodes, st_.nodes) TH_LOG("%s", (ctx));	\
	ASSERT_EQ(view_.sum.segments, st_.segments) TH_LOG("%s", (ctx)); \
	ASSERT_EQ(view_.sum.holes, st_.holes) TH_LOG("%s", (ctx));	\
	ASSERT_EQ(view_.sum.largest_hole, st_.largest_hole)		\
		TH_LOG("%s", (ctx));					\
	ASSERT_EQ(view_.sum.live_bytes, st_.live_bytes)			\
		TH_LOG("%s", (ctx));					\
} while (0)

/* ---------------------------------------------------------------------
 * Heaps of the test's own layout
 */

static int wide_heap(const char *policy, struct mems_heap **heap)
{
	const struct mems_heap_config config = {
		.policy = policy,
		.page_size = WIDE_PAGE,
		.virt_base = BASE,
		.align = 1,
	};

	return mems_heap_create(&config, heap);
}

static uintptr_t alloc(struct mems_heap *heap, size_t size)
{
	void *v = NULL;

	return mems_heap_alloc(heap, size, &v) ? 0 : U(v);
}

/*
 * The scripted layout.  Each request but the third fits no hole, and the
 * third fits exactly one, so every policy lays it out alike:
 *
 *	MAIN[1000:1999]-> H[1000:1299] <-> P[1300:1899] <-> H[1900:1999]
 *	MAIN[2000:4999]-> P[2000:4499] <-> H[4500:4999]
 *	MAIN[5000:9999]-> P[5000:9999]
 */
static int scripted_layout(struct mems_heap *heap)
{
	if (alloc(heap, 300) != 1000 || alloc(heap, 2500) != 2000 ||
	    alloc(heap, 600) != 1300 || mems_heap_free(heap, V(1000)) ||
	    alloc(heap, 5000) != 5000)
		return -EUCLEAN;
	return mems_heap_check(heap, stderr);
}

static void scripted_model(struct model *m)
{
	model_init(m, WIDE_PAGE);
	model_node(m, 1000, 1);
	model_seg(m, 'H', 300);
	model_seg(m, 'P', 600);
	model_seg(m, 'H', 100);
	model_node(m, 2000, 3);
	model_seg(m, 'P', 2500);
	model_seg(m, 'H', 500);
	model_node(m, 5000, 5);
	model_seg(m, 'P', 5000);
}

/* ---------------------------------------------------------------------
 * mems_heap_walk()
 */

TEST(walk_of_created_heap_is_its_report)
{
	static struct model expected;
	struct mems_heap *heap;
	char *want, *report;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_WALK_IS_REPORT(heap, WIDE_PAGE, EMPTY_REPORT);
	ASSERT_EQ(0, scripted_layout(heap));
	scripted_model(&expected);
	want = model_report(&expected);
	report = heap_stats_text(heap);
	ASSERT_STREQ(want, report);
	ASSERT_WALK_IS_REPORT(heap, WIDE_PAGE, report);
	free(want);
	free(report);
	mems_heap_destroy(heap);
}

/*
 * The global heap through the course API: a node filled exactly, a
 * node left one hole by a free, and a three-page node with a tail hole.
 */
TEST(walk_of_global_heap_is_its_report)
{
	size_t whole = whole_node_size(), big = 2 * PAGE_SIZE + 1;
	static struct model expected;
	void *first, *second, *third;
	char *want, *report;

	ASSERT_NULL(mems_default_heap());
	mems_init();
	ASSERT_WALK_IS_REPORT(mems_default_heap(), PAGE_SIZE, EMPTY_REPORT);
	first = mems_malloc(whole);
	second = mems_malloc(100);
	third = mems_malloc(big);
	mems_free(second);
	ASSERT_EQ(0, check_global_heap());

	model_init(&expected, PAGE_SIZE);
	model_node(&expected, CONFIG_MEMS_VIRT_BASE, whole / PAGE_SIZE);
	ASSERT_EQ(U(first), model_seg(&expected, 'P', whole));
	model_node(&expected, model_last(&expected)->vend + 1,
		   pages_for(mems_round(100)));
	ASSERT_EQ(U(second), model_cursor(&expected));
	model_rest_hole(&expected);
	model_node(&expected, model_last(&expected)->vend + 1,
		   pages_for(mems_round(big)));
	ASSERT_EQ(U(third), model_seg(&expected, 'P', mems_round(big)));
	model_rest_hole(&expected);

	want = model_report(&expected);
	report = stats_text();
	ASSERT_STREQ(want, report);
	ASSERT_WALK_IS_REPORT(mems_default_heap(), PAGE_SIZE, report);
	free(want);
	free(report);
	mems_finish();
	ASSERT_NULL(mems_default_heap());
}

struct stopper {
	size_t nodes, segs;
	size_t stop_node;	/* return 7 on the node of this index */
	size_t stop_seg;	/* return -3 on the segment of this index */
	size_t in_node;		/* ... of the node of this index */
};

static int stop_node(const struct mems_node_info *node, void *arg)
{
	struct stopper *s = arg;

	s->nodes++;
	return node->index == s->stop_node ? 7 : 0;
}

static int stop_seg(const struct mems_node_info *node,
		    const struct mems_seg_info *seg, void *arg)
{
	struct stopper *s = arg;

	s->segs++;
	return node->index == s->in_node && seg->index == s->stop_seg ? -3 : 0;
}

/* Nonzero from a callback ends the walk there and is what it returns. */
TEST(walk_stops_at_nonzero)
{
	const struct mems_walk_ops ops = { stop_node, stop_seg };
	struct stopper s = { .stop_node = 1, .stop_seg = -1, .in_node = -1 };
	struct mems_heap *heap;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_EQ(0, scripted_layout(heap));
	/* Node 0, its three segments, node 1: none of node 1's segments. */
	ASSERT_EQ(7, mems_heap_walk(heap, &ops, &s));
	ASSERT_EQ(2, s.nodes);
	ASSERT_EQ(3, s.segs);

	s = (struct stopper){ .stop_node = -1, .stop_seg = 1, .in_node = 1 };
	ASSERT_EQ(-3, mems_heap_walk(heap, &ops, &s));
	ASSERT_EQ(2, s.nodes);
	ASSERT_EQ(5, s.segs);

	/* The first segment of all stops it before any other callback. */
	s = (struct stopper){ .stop_node = -1, .stop_seg = 0, .in_node = 0 };
	ASSERT_EQ(-3, mems_heap_walk(heap, &ops, &s));
	ASSERT_EQ(1, s.nodes);
	ASSERT_EQ(1, s.segs);
	mems_heap_destroy(heap);
}

/*
 * What a walk's callback may call: whatever reads the heap works, whatever
 * would change it fails with EDEADLK (the walk holds the heap's lock, so
 * waiting for it would never end), and the void course functions say so
 * in one line on stderr.  Each result is recorded at the first block.
 */
struct in_walk {
	struct mems_heap *heap;
	bool global;			/* also try the course functions */
	bool done;
	uintptr_t block;
	void *phys, *got;
	int find, nested, segs;	/* segs: counted before the walk */
	int alloc, calloc, realloc, free, trim, threshold, policy;
	void *course_malloc, *course_calloc, *course_realloc;
	int malloc_errno, calloc_errno, realloc_errno, trim_result, trim_errno;
	int free_errno, init_errno, finish_errno;
	char *free_said, *init_said, *finish_said;
};

static int count_seg(const struct mems_node_info *node,
		     const struct mems_seg_info *seg, void *arg)
{
	(void)node;
	(void)seg;
	++*(int *)arg;
	return 0;
}

static const struct mems_walk_ops counter_ops = { .seg = count_seg };

static void try_course_calls(struct in_walk *w)
{
	void *v = V(w->block);

	errno = 0;
	w->course_malloc = mems_malloc(10);
	w->malloc_errno = errno;
	errno = 0;
	w->course_calloc = mems_calloc(1, 10);
	w->calloc_errno = errno;
	errno = 0;
	w->course_realloc = mems_realloc(v, 5000);
	w->realloc_errno = errno;
	errno = 0;
	w->trim_result = mems_trim(0);
	w->trim_errno = errno;
	errno = 0;
	w->free_said = CAPTURE(stderr, mems_free(v));
	w->free_errno = errno;
	errno = 0;
	w->init_said = CAPTURE(stderr, mems_init());
	w->init_errno = errno;
	errno = 0;
	w->finish_said = CAPTURE(stderr, mems_finish());
	w->finish_errno = errno;
	w->got = mems_get(v);
}

static int call_from_seg(const struct mems_node_info *node,
			 const struct mems_seg_info *seg, void *arg)
{
	struct in_walk *w = arg;
	struct mems_seg_info found;
	void *v;

	if (w->done || seg->type != MEMS_PROCESS)
		return 0;
	w->done = true;
	w->block = seg->vstart;
	w->phys = (char *)node->phys + (seg->vstart - node->vstart);
	w->alloc = mems_heap_alloc(w->heap, 10, &v);
	w->calloc = mems_heap_calloc(w->heap, 1, 10, &v);
	w->realloc = mems_heap_realloc(w->heap, V(seg->vstart), 5000, &v);
	w->free = mems_heap_free(w->heap, V(seg->vstart));
	w->trim = mems_heap_trim(w->heap, 0);
	w->threshold = mems_heap_set_trim_threshold(w->heap, 0);
	w->policy = mems_heap_set_policy(w->heap, mems_policy_name(0));
	mems_heap_reset(w->heap);
	w->find = mems_heap_find(w->heap, V(seg->vstart), NULL, &found);
	mems_heap_walk(w->heap, &counter_ops, &w->nested);
	if (w->global)
		try_course_calls(w);
	else
		w->got = mems_heap_get(w->heap, V(seg->vstart));
	return 0;
}

#define WALK_REFUSAL "called during a walk of the heap, which it would " \
		     "change: nothing done\n"

/* The heap's report before and after a walk that tried everything. */
#define ASSERT_WALK_CHANGED_NOTHING(w, before, after) do {		\
	ASSERT_TRUE((w).done);						\
	ASSERT_EQ(-EDEADLK, (w).alloc);					\
	ASSERT_EQ(-EDEADLK, (w).calloc);				\
	ASSERT_EQ(-EDEADLK, (w).realloc);				\
	ASSERT_EQ(-EDEADLK, (w).free);					\
	ASSERT_EQ(-EDEADLK, (w).trim);					\
	ASSERT_EQ(-EDEADLK, (w).threshold);				\
	ASSERT_EQ(-EDEADLK, (w).policy);				\
	ASSERT_EQ(0, (w).find);						\
	ASSERT_EQ((w).segs, (w).nested);				\
	ASSERT_EQ((w).phys, (w).got);					\
	ASSERT_STREQ((before), (after));				\
} while (0)

TEST(walk_callbacks_read_but_cannot_change_a_heap)
{
	static const struct mems_walk_ops ops = { .seg = call_from_seg };
	struct in_walk w = { 0 };
	char *before, *after;
	void *v;

	ASSERT_EQ(0, wide_heap(NULL, &w.heap));
	ASSERT_EQ(0, mems_heap_alloc(w.heap, 100, &v));
	ASSERT_EQ(0, mems_heap_alloc(w.heap, 200, &v));
	before = heap_stats_text(w.heap);
	ASSERT_EQ(0, mems_heap_walk(w.heap, &counter_ops, &w.segs));
	ASSERT_EQ(0, mems_heap_walk(w.heap, &ops, &w));
	after = heap_stats_text(w.heap);
	ASSERT_WALK_CHANGED_NOTHING(w, before, after);
	free(before);
	free(after);
	/* Out of the walk, the same calls work again. */
	ASSERT_EQ(0, mems_heap_free(w.heap, V(BASE)));
	mems_heap_destroy(w.heap);
}

TEST(walk_callbacks_read_but_cannot_change_the_global_heap)
{
	static const struct mems_walk_ops ops = { .seg = call_from_seg };
	struct in_walk w = { .global = true };
	char *before, *after;

	mems_init();
	mems_malloc(100);
	mems_malloc(200);
	w.heap = mems_default_heap();
	before = stats_text();
	ASSERT_EQ(0, mems_heap_walk(w.heap, &counter_ops, &w.segs));
	ASSERT_EQ(0, mems_heap_walk(w.heap, &ops, &w));
	after = stats_text();
	ASSERT_WALK_CHANGED_NOTHING(w, before, after);
	ASSERT_NULL(w.course_malloc);
	ASSERT_EQ(EDEADLK, w.malloc_errno);
	ASSERT_NULL(w.course_calloc);
	ASSERT_EQ(EDEADLK, w.calloc_errno);
	ASSERT_NULL(w.course_realloc);
	ASSERT_EQ(EDEADLK, w.realloc_errno);
	ASSERT_EQ(0, w.trim_result);
	ASSERT_EQ(EDEADLK, w.trim_errno);
	ASSERT_STREQ("mems_free: " WALK_REFUSAL, w.free_said);
	ASSERT_EQ(EDEADLK, w.free_errno);
	ASSERT_STREQ("mems_init: " WALK_REFUSAL, w.init_said);
	ASSERT_EQ(EDEADLK, w.init_errno);
	ASSERT_STREQ("mems_finish: " WALK_REFUSAL, w.finish_said);
	ASSERT_EQ(EDEADLK, w.finish_errno);
	ASSERT_EQ(w.heap, mems_default_heap());
	free(before);
	free(after);
	free(w.free_said);
	free(w.init_said);
	free(w.finish_said);
	ASSERT_EQ(0, check_global_heap());
	mems_finish();
}

/*
 * The default heap's address, kept across mems_finish(): an empty heap
 * that allocates nothing (-ESTALE), whose pages nothing would unmap, until
 * mems_init() makes it the default heap again.
 */
/* Under each policy, whose index must start over with the heap. */
static void finish_then_use(struct __test_metadata *_metadata,
			    const char *policy)
{
	struct mems_heap_stats stats;
	struct mems_heap *heap;
	void *v = NULL;

	mems_init();
	heap = mems_default_heap();
	ASSERT_EQ(0, mems_heap_set_policy(heap, policy));
	ASSERT_EQ(0, mems_heap_alloc(heap, 100, &v));
	mems_finish();
	ASSERT_NULL(mems_default_heap());
	ASSERT_EQ(-ESTALE, mems_heap_alloc(heap, 100, &v));
	ASSERT_EQ(-ESTALE, mems_heap_calloc(heap, 1, 100, &v));
	ASSERT_EQ(-ESTALE, mems_heap_realloc(heap, NULL, 100, &v));
	ASSERT_EQ(-EINVAL, mems_heap_free(heap, V(CONFIG_MEMS_VIRT_BASE)));
	ASSERT_NULL(mems_heap_get(heap, V(CONFIG_MEMS_VIRT_BASE)));
	mems_heap_stats(heap, &stats);
	ASSERT_EQ(0, stats.nodes);
	ASSERT_EQ(0, stats.pages_used);
	ASSERT_EQ(0, stats.largest_hole);
	ASSERT_EQ(0, mems_heap_check(heap, stderr));
	mems_init();
	ASSERT_EQ(heap, mems_default_heap());
	ASSERT_EQ(0, mems_heap_alloc(heap, 100, &v));
	ASSERT_EQ(CONFIG_MEMS_VIRT_BASE, U(v));
	mems_finish();
}

TEST(default_heap_allocates_nothing_between_finish_and_init)
{
	const char *policy;
	unsigned int i;

	for (i = 0; (policy = mems_policy_name(i)); i++)
		finish_then_use(_metadata, policy);
}

/* Either callback may be NULL; the other one still sees everything. */
TEST(walk_with_null_callbacks)
{
	const struct mems_walk_ops none = { NULL, NULL };
	const struct mems_walk_ops nodes = { stop_node, NULL };
	const struct mems_walk_ops segs = { NULL, stop_seg };
	struct stopper s = { .stop_node = -1, .stop_seg = -1, .in_node = -1 };
	struct mems_heap *heap;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_EQ(0, scripted_layout(heap));
	ASSERT_EQ(0, mems_heap_walk(heap, &none, &s));
	ASSERT_EQ(0, mems_heap_walk(heap, &nodes, &s));
	ASSERT_EQ(3, s.nodes);
	ASSERT_EQ(0, s.segs);
	ASSERT_EQ(0, mems_heap_walk(heap, &segs, &s));
	ASSERT_EQ(3, s.nodes);
	ASSERT_EQ(6, s.segs);
	mems_heap_destroy(heap);
}

/* No heap: nothing to visit, as for mems_default_heap() before init. */
TEST(walk_of_no_heap)
{
	const struct mems_walk_ops ops = { stop_node, stop_seg };
	struct stopper s = { .stop_node = 0, .stop_seg = 0, .in_node = 0 };

	ASSERT_NULL(mems_default_heap());
	ASSERT_EQ(0, mems_heap_walk(NULL, &ops, &s));
	ASSERT_EQ(0, mems_heap_walk(mems_default_heap(), &ops, &s));
	ASSERT_EQ(0, s.nodes);
	ASSERT_EQ(0, s.segs);
	/* An initialised global heap that is empty: nothing either. */
	mems_init();
	ASSERT_NE(NULL, mems_default_heap());
	ASSERT_EQ(0, mems_heap_walk(mems_default_heap(), &ops, &s));
	ASSERT_EQ(0, s.nodes);
	mems_finish();
	ASSERT_NULL(mems_default_heap());
}

/* ---------------------------------------------------------------------
 * mems_heap_find()
 */

#define ASSERT_FOUND(heap, v, node_index, seg_index, start, end, kind) do { \
	struct mems_node_info n_;					\
	struct mems_seg_info s_;					\
									\
	memset(&n_, 0xa5, sizeof(n_));					\
	memset(&s_, 0xa5, sizeof(s_));					\
	ASSERT_EQ(0, mems_heap_find((heap), V(v), &n_, &s_))		\
		TH_LOG("find(%ju)", (uintmax_t)(v));			\
	ASSERT_EQ((node_index), n_.index);				\
	ASSERT_EQ((seg_index), s_.index);				\
	ASSERT_EQ((start), s_.vstart);					\
	ASSERT_EQ((end), s_.vend);					\
	ASSERT_EQ((kind), s_.type);					\
} while (0)

TEST(find_process_and_hole_bytes)
{
	struct mems_heap *heap;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_EQ(0, scripted_layout(heap));
	/* A PROCESS: its first, an inner and its last byte. */
	ASSERT_FOUND(heap, 1300, 0, 1, 1300, 1899, MEMS_PROCESS);
	ASSERT_FOUND(heap, 1577, 0, 1, 1300, 1899, MEMS_PROCESS);
	ASSERT_FOUND(heap, 1899, 0, 1, 1300, 1899, MEMS_PROCESS);
	ASSERT_FOUND(heap, 5000, 2, 0, 5000, 9999, MEMS_PROCESS);
	ASSERT_FOUND(heap, 9999, 2, 0, 5000, 9999, MEMS_PROCESS);
	/* A HOLE likewise, at a node's start, middle and end. */
	ASSERT_FOUND(heap, 1000, 0, 0, 1000, 1299, MEMS_HOLE);
	ASSERT_FOUND(heap, 1150, 0, 0, 1000, 1299, MEMS_HOLE);
	ASSERT_FOUND(heap, 1299, 0, 0, 1000, 1299, MEMS_HOLE);
	ASSERT_FOUND(heap, 1900, 0, 2, 1900, 1999, MEMS_HOLE);
	ASSERT_FOUND(heap, 1999, 0, 2, 1900, 1999, MEMS_HOLE);
	ASSERT_FOUND(heap, 4500, 1, 1, 4500, 4999, MEMS_HOLE);
	ASSERT_FOUND(heap, 4777, 1, 1, 4500, 4999, MEMS_HOLE);
	ASSERT_FOUND(heap, 4999, 1, 1, 4500, 4999, MEMS_HOLE);
	mems_heap_destroy(heap);
}

/* The node copied out is the node the walk shows at that index. */
TEST(find_copies_the_node)
{
	struct mems_node_info node;
	struct mems_heap *heap;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_EQ(0, scripted_layout(heap));
	ASSERT_EQ(0, mems_heap_find(heap, V(2100), &node, NULL));
	ASSERT_EQ(1, node.index);
	ASSERT_EQ(2000, node.vstart);
	ASSERT_EQ(4999, node.vend);
	ASSERT_EQ(3, node.pages);
	ASSERT_EQ(2, node.nr_segs);
	ASSERT_EQ(mems_heap_get(heap, V(2000)), node.phys);
	ASSERT_EQ(0, mems_heap_find(heap, V(1999), &node, NULL));
	ASSERT_EQ(0, node.index);
	ASSERT_EQ(1, node.pages);
	ASSERT_EQ(3, node.nr_segs);
	ASSERT_EQ((char *)mems_heap_get(heap, V(1300)) - 300, node.phys);
	mems_heap_destroy(heap);
}

/* Either copy may be left out: the answer is the same. */
TEST(find_with_null_infos)
{
	struct mems_node_info node;
	struct mems_seg_info seg;
	struct mems_heap *heap;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_EQ(0, scripted_layout(heap));
	ASSERT_EQ(0, mems_heap_find(heap, V(4600), NULL, NULL));
	ASSERT_EQ(0, mems_heap_find(heap, V(4600), &node, NULL));
	ASSERT_EQ(1, node.index);
	ASSERT_EQ(0, mems_heap_find(heap, V(4600), NULL, &seg));
	ASSERT_EQ(1, seg.index);
	ASSERT_EQ(4500, seg.vstart);
	ASSERT_EQ(MEMS_HOLE, seg.type);
	ASSERT_EQ(-ENOENT, mems_heap_find(heap, V(999), NULL, NULL));
	mems_heap_destroy(heap);
}

/* ---------------------------------------------------------------------
 * mems_heap_walk_range()
 */

struct range_seen {
	char text[256];
	int stop_after; /* segments; 0: never stop */
	int nr;
};

static int range_seg(const struct mems_node_info *node,
		     const struct mems_seg_info *seg, void *arg)
{
	struct range_seen *seen = arg;
	size_t len = strlen(seen->text);

	if (node || seg->index != SIZE_MAX)
		return -EBADMSG;
	snprintf(seen->text + len, sizeof(seen->text) - len, "%s%c[%ju:%ju]",
		 len ? " " : "", seg->type == MEMS_HOLE ? 'H' : 'P',
		 (uintmax_t)seg->vstart, (uintmax_t)seg->vend);
	return ++seen->nr == seen->stop_after ? 42 : 0;
}

static const struct mems_walk_ops range_ops = { .seg = range_seg };

/* The walk of @first to @last, its segments as the report writes them. */
static int range_text(struct mems_heap *heap, uintptr_t first, uintptr_t last,
		      int stop_after, struct range_seen *seen)
{
	memset(seen, 0, sizeof(*seen));
	seen->stop_after = stop_after;
	return mems_heap_walk_range(heap, first, last, &range_ops, seen);
}

TEST(walk_range_visits_the_segments_that_hold_the_range)
{
	struct range_seen seen;
	struct mems_heap *heap;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_EQ(0, scripted_layout(heap));
	/* One segment, asked by its first byte, an inner one, its last. */
	ASSERT_EQ(0, range_text(heap, 1300, 1300, 0, &seen));
	ASSERT_STREQ("P[1300:1899]", seen.text);
	ASSERT_EQ(0, range_text(heap, 1577, 1899, 0, &seen));
	ASSERT_STREQ("P[1300:1899]", seen.text);
	/* From a hole into the next two. */
	ASSERT_EQ(0, range_text(heap, 1150, 1900, 0, &seen));
	ASSERT_STREQ("H[1000:1299] P[1300:1899] H[1900:1999]", seen.text);
	/* Past the node's end: up to its last segment, not into the next. */
	ASSERT_EQ(0, range_text(heap, 1950, 9999, 0, &seen));
	ASSERT_STREQ("H[1900:1999]", seen.text);
	ASSERT_EQ(0, range_text(heap, 2000, UINTPTR_MAX, 0, &seen));
	ASSERT_STREQ("P[2000:4499] H[4500:4999]", seen.text);
	/* A callback's nonzero value stops the walk and is returned. */
	ASSERT_EQ(42, range_text(heap, 1000, 1999, 2, &seen));
	ASSERT_STREQ("H[1000:1299] P[1300:1899]", seen.text);
	/* Outside every node, and with no heap. */
	ASSERT_EQ(-ENOENT, range_text(heap, 999, 1000, 0, &seen));
	ASSERT_STREQ("", seen.text);
	ASSERT_EQ(-ENOENT, range_text(NULL, 1000, 1000, 0, &seen));
	mems_heap_destroy(heap);
}

/* Below the first node, after the last one, and with no heap at all. */
TEST(find_outside_every_node)
{
	struct mems_node_info node;
	struct mems_seg_info seg;
	struct mems_heap *heap;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	ASSERT_EQ(-ENOENT, mems_heap_find(heap, V(BASE), &node, &seg));
	ASSERT_EQ(0, scripted_layout(heap));
	ASSERT_EQ(-ENOENT, mems_heap_find(heap, V(0), &node, &seg));
	ASSERT_EQ(-ENOENT, mems_heap_find(heap, V(999), &node, &seg));
	ASSERT_EQ(-ENOENT, mems_heap_find(heap, V(10000), &node, &seg));
	ASSERT_EQ(-ENOENT, mems_heap_find(heap, V(123456), &node, &seg));
	ASSERT_EQ(-ENOENT, mems_heap_find(heap, V(UINTPTR_MAX), &node, &seg));
	/* The same address is found in the heap that has it. */
	ASSERT_EQ(0, mems_heap_find(heap, V(9999), &node, &seg));
	ASSERT_EQ(-ENOENT, mems_heap_find(NULL, V(9999), &node, &seg));
	ASSERT_NULL(mems_default_heap());
	ASSERT_EQ(-ENOENT, mems_heap_find(mems_default_heap(),
					  V(CONFIG_MEMS_VIRT_BASE), NULL, NULL));
	mems_heap_destroy(heap);
}

/* Every segment's index is its place, with the segments of the walk. */
TEST(find_agrees_with_walk)
{
	struct mems_heap *heap;
	int i;

	ASSERT_EQ(0, wide_heap(NULL, &heap));
	/* Many segments in one node, then a few nodes more. */
	for (i = 0; i < 40; i++)
		ASSERT_EQ(1000 + 20 * i, alloc(heap, 20));
	for (i = 0; i < 40; i += 3)
		ASSERT_EQ(0, mems_heap_free(heap, V(1000 + 20 * i)));
	ASSERT_EQ(2000, alloc(heap, 1500));
	ASSERT_EQ(4000, alloc(heap, 999));
	ASSERT_STATS_ARE_WALK(heap, WIDE_PAGE, "");
	mems_heap_destroy(heap);
}

/* ---------------------------------------------------------------------
 * mems_heap_stats()
 */

/* Figures of one step of the scenario, from the layout written out. */
struct stats_step {
	const char *what;
	size_t alloc;		/* bytes to allocate, or 0 */
	uintptr_t at;		/* where the block goes, or what to free */
	size_t pages_used, space_unused, nodes, segments, holes;
	size_t largest_hole, live_bytes;
	unsigned long mmaps;	/* mmap calls of this step */
};

/*
 * Each request fits no hole, or exactly one, so the figures hold for
 * every policy.  A new node is one mmap.  The heap's first node also
 * maps the first bookkeeping slab: core/meta.c maps a slab when the
 * record pool has fewer free records than an operation reserves, and
 * the pool starts empty (after a reset too); one slab (64 KiB) holds
 * hundreds of records, far more than these steps use.  The granule
 * table's first slots live in the heap object and cover these nodes, so
 * it maps nothing here.
 */
static const struct stats_step scenario[] = {
	{ "malloc 300", 300, 1000, 1, 700, 1, 2, 1, 700, 300, 2 },
	{ "malloc 2500", 2500, 2000, 4, 1200, 2, 4, 2, 700, 2800, 1 },
	{ "malloc 600", 600, 1300, 4, 600, 2, 5, 2, 500, 3400, 0 },
	{ "free 1000", 0, 1000, 4, 900, 2, 5, 3, 500, 3100, 0 },
	{ "malloc 5000", 5000, 5000, 9, 900, 3, 6, 3, 500, 8100, 1 },
	{ "free 1300", 0, 1300, 9, 1500, 3, 4, 2, 1000, 7500, 0 },
	{ "free 2000", 0, 2000, 9, 4000, 3, 3, 2, 3000, 5000, 0 },
	{ "free 5000", 0, 5000, 9, 9000, 3, 3, 3, 5000, 0, 0 },
	{ "malloc 9001", 9001, 10000, 19, 9999, 4, 5, 4, 5000, 9001, 1 },
};

#define NR_STEPS (sizeof(scenario) / sizeof(scenario[0]))

/* The figures of @st are those of @step; @ctx names the policy. */
#define ASSERT_FIGURES(st, step, ctx) do {				\
	const char *what_ = (step)->what;				\
									\
	ASSERT_EQ((step)->pages_used, (st)->pages_used)			\
		TH_LOG("%s: %s", (ctx), what_);				\
	ASSERT_EQ((step)->space_unused, (st)->space_unused)		\
		TH_LOG("%s: %s", (ctx), what_);				\
	ASSERT_EQ((step)->nodes, (st)->nodes)				\
		TH_LOG("%s: %s", (ctx), what_);				\
	ASSERT_EQ((step)->segments, (st)->segments)			\
		TH_LOG("%s: %s", (ctx), what_);				\
	ASSERT_EQ((step)->holes, (st)->holes)				\
		TH_LOG("%s: %s", (ctx), what_);				\
	ASSERT_EQ((step)->largest_hole, (st)->largest_hole)		\
		TH_LOG("%s: %s", (ctx), what_);				\
	ASSERT_EQ((step)->live_bytes, (st)->live_bytes)			\
		TH_LOG("%s: %s", (ctx), what_);				\
} while (0)

/* An empty heap: no user memory; @meta bookkeeping bytes. */
#define ASSERT_EMPTY_FIGURES(st, meta) do {				\
	const struct stats_step empty_ = { .what = "empty" };		\
									\
	ASSERT_FIGURES(st, &empty_, "");					\
	ASSERT_EQ((meta), (st)->meta_bytes);				\
} while (0)

static int run_step(struct mems_heap *heap, const struct stats_step *step)
{
	if (step->alloc)
		return alloc(heap, step->alloc) == step->at ? 0 : -1;
	return mems_heap_free(heap, V(step->at));
}

TEST(stats_through_a_scenario_for_every_policy)
{
	struct mems_heap_stats st, prev;
	struct mems_policy_info info;
	struct mems_heap *heap;
	unsigned int p;
	size_t i, object, meta;

	for (p = 0; !mems_policy_info(p, &info); p++) {
		ASSERT_EQ(0, wide_heap(info.name, &heap))
			TH_LOG("%s", info.name);
		/* Created: the heap object is the one mapping, and counts. */
		mems_heap_stats(heap, &st);
		ASSERT_EMPTY_FIGURES(&st, st.meta_bytes);
		ASSERT_LT(0, st.meta_bytes);
		ASSERT_EQ(0, st.meta_bytes % WIDE_PAGE);
		ASSERT_EQ(1, st.mmap_calls);
		ASSERT_EQ(0, st.munmap_calls);
		object = st.meta_bytes;
		for (i = 0; i < NR_STEPS; i++) {
			prev = st;
			ASSERT_EQ(0, run_step(heap, &scenario[i]))
				TH_LOG("%s: %s", info.name, scenario[i].what);
			mems_heap_stats(heap, &st);
			ASSERT_FIGURES(&st, &scenario[i], info.name);
			ASSERT_EQ(prev.mmap_calls + scenario[i].mmaps,
				  st.mmap_calls) TH_LOG("%s", scenario[i].what);
			ASSERT_EQ(0, st.munmap_calls);
			ASSERT_EQ(0, st.meta_bytes % WIDE_PAGE);
			/* Only the first node adds bookkeeping, the slab. */
			ASSERT_EQ(i ? prev.meta_bytes : object,
				  i ? st.meta_bytes : prev.meta_bytes);
			ASSERT_EQ(0, mems_heap_check(heap, stderr));
			ASSERT_STATS_ARE_WALK(heap, WIDE_PAGE, info.name);
		}
		ASSERT_LT(object, st.meta_bytes);
		meta = st.meta_bytes;
		/*
		 * Reset unmaps the four nodes and the one slab, and keeps the
		 * heap object; the OS counters go on counting.
		 */
		prev = st;
		mems_heap_reset(heap);
		mems_heap_stats(heap, &st);
		ASSERT_EMPTY_FIGURES(&st, object);
		ASSERT_EQ(prev.mmap_calls, st.mmap_calls);
		ASSERT_EQ(prev.munmap_calls + 5, st.munmap_calls);
		/* Afresh from the base: the first node maps a slab again. */
		ASSERT_EQ(0, run_step(heap, &scenario[0]));
		mems_heap_stats(heap, &st);
		ASSERT_FIGURES(&st, &scenario[0], info.name);
		ASSERT_EQ(prev.mmap_calls + 2, st.mmap_calls);
		ASSERT_EQ(meta, st.meta_bytes);
		mems_heap_destroy(heap);
	}
	ASSERT_LT(0, p);
}

/* The bytes every mapping of /proc/self/maps spans, added up. */
static size_t maps_total(const struct maps_snapshot *s)
{
	const char *line = s->text;
	size_t total = 0;

	while (*line) {
		char *end;
		unsigned long long lo = strtoull(line, &end, 16);
		unsigned long long hi = strtoull(end + 1, NULL, 16);

		total += hi - lo;
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
	return total;
}

/* What the kernel maps for a request of @bytes. */
static size_t machine_round(size_t bytes)
{
	return round_up(bytes, machine_page());
}

/*
 * meta_bytes is exactly what MeMS maps beside user pages.  Each step
 * below adds at most one bookkeeping mapping, so the growth of the
 * process's mapped total, less the user node the step mapped, is that
 * mapping rounded to machine pages.  Nothing between two snapshots calls
 * malloc, so that only MeMS can change the maps.
 */
TEST(meta_bytes_are_what_bookkeeping_maps)
{
	struct mems_heap_stats created, first, second;
	struct mems_heap *heap = NULL;
	size_t before, mid, after, end, pages;
	void *v;
	int ret;

	SKIP_ON_VALGRIND();
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	ret = mems_heap_create(NULL, &heap);
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	ASSERT_EQ(0, ret);
	mems_heap_stats(heap, &created);
	before = maps_total(&maps_before);
	mid = maps_total(&maps_after);
	ASSERT_EMPTY_FIGURES(&created, created.meta_bytes);
	ASSERT_LT(0, created.meta_bytes);
	ASSERT_EQ(before + machine_round(created.meta_bytes), mid);

	/* The first block: its node and the first slab. */
	ret = mems_heap_alloc(heap, 100, &v);
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	ASSERT_EQ(0, ret);
	mems_heap_stats(heap, &first);
	after = maps_total(&maps_before);
	ASSERT_EQ(pages_for(mems_round(100)), first.pages_used);
	ASSERT_LT(created.meta_bytes, first.meta_bytes);
	ASSERT_EQ(mid + machine_round(first.pages_used * PAGE_SIZE) +
		  machine_round(first.meta_bytes - created.meta_bytes), after);

	/*
	 * A node of its own for a larger block, which the hole of the
	 * first cannot hold; with large pages the address table grows for
	 * the space it adds, with small ones it does not.
	 */
	ret = mems_heap_alloc(heap, 3 * PAGE_SIZE, &v);
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	ASSERT_EQ(0, ret);
	mems_heap_stats(heap, &second);
	end = maps_total(&maps_after);
	pages = pages_for(mems_round(3 * PAGE_SIZE));
	ASSERT_EQ(first.pages_used + pages, second.pages_used);
	ASSERT_LE(first.meta_bytes, second.meta_bytes);
	ASSERT_EQ(after + machine_round(pages * PAGE_SIZE) +
		  machine_round(second.meta_bytes - first.meta_bytes), end);

	/* Destroying it unmaps all of that. */
	mems_heap_destroy(heap);
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	ASSERT_EQ(before, maps_total(&maps_before));
}

/* The global heap maps no object: its bookkeeping is the slab alone. */
TEST(meta_bytes_of_global_heap)
{
	struct mems_heap_stats st;
	size_t before, after;
	void *v;

	SKIP_ON_VALGRIND();
	mems_init();
	mems_heap_stats(mems_default_heap(), &st);
	ASSERT_EMPTY_FIGURES(&st, 0);
	ASSERT_EQ(0, maps_snapshot(&maps_before));
	v = mems_malloc(whole_node_size());
	ASSERT_EQ(0, maps_snapshot(&maps_after));
	ASSERT_EQ(CONFIG_MEMS_VIRT_BASE, U(v));
	mems_heap_stats(mems_default_heap(), &st);
	before = maps_total(&maps_before);
	after = maps_total(&maps_after);
	ASSERT_LT(0, st.meta_bytes);
	ASSERT_EQ(before + machine_round(whole_node_size()) +
		  machine_round(st.meta_bytes), after);
	mems_finish();
}

/* Before mems_init() and after mems_finish() there is no global heap. */
TEST(stats_of_global_heap)
{
	size_t r = mems_round(100), node = node_bytes_for(100);
	struct mems_heap_stats st;

	memset(&st, 0xa5, sizeof(st));
	ASSERT_NULL(mems_default_heap());
	mems_heap_stats(mems_default_heap(), &st);
	ASSERT_EMPTY_FIGURES(&st, 0);
	ASSERT_EQ(0, st.mmap_calls);
	ASSERT_EQ(0, st.munmap_calls);

	mems_init();
	mems_heap_stats(mems_default_heap(), &st);
	ASSERT_EMPTY_FIGURES(&st, 0);
	ASSERT_EQ(0, st.mmap_calls);

	ASSERT_EQ(CONFIG_MEMS_VIRT_BASE, U(mems_malloc(100)));
	mems_heap_stats(mems_default_heap(), &st);
	ASSERT_EQ(node / PAGE_SIZE, st.pages_used);
	ASSERT_EQ(node - r, st.space_unused);
	ASSERT_EQ(1, st.nodes);
	ASSERT_EQ(node > r ? 2 : 1, st.segments);
	ASSERT_EQ(node > r ? 1 : 0, st.holes);
	ASSERT_EQ(node - r, st.largest_hole);
	ASSERT_EQ(r, st.live_bytes);
	ASSERT_LT(0, st.meta_bytes);
	/* The node and the first slab. */
	ASSERT_EQ(2, st.mmap_calls);
	ASSERT_EQ(0, st.munmap_calls);
	ASSERT_STATS_ARE_WALK(mems_default_heap(), PAGE_SIZE, "global");

	mems_finish();
	ASSERT_NULL(mems_default_heap());
	memset(&st, 0xa5, sizeof(st));
	mems_heap_stats(mems_default_heap(), &st);
	ASSERT_EMPTY_FIGURES(&st, 0);
	ASSERT_EQ(0, st.mmap_calls);
	ASSERT_EQ(0, st.munmap_calls);
}

/*
 * The global heap counts OS calls "since the program started"
 * (<mems/introspect.h>), so a mems_finish() and a new mems_init() must
 * not start the count again: here 2 mmaps (node, slab) and 2 munmaps.
 */
TEST(global_os_counters_survive_finish)
{
	struct mems_heap_stats st;

	mems_init();
	ASSERT_NE(NULL, mems_malloc(100));
	mems_finish();
	mems_init();
	mems_heap_stats(mems_default_heap(), &st);
	ASSERT_EMPTY_FIGURES(&st, 0);
	EXPECT_EQ(2, st.mmap_calls);
	EXPECT_EQ(2, st.munmap_calls);
	ASSERT_NE(NULL, mems_malloc(100));
	mems_heap_stats(mems_default_heap(), &st);
	EXPECT_EQ(4, st.mmap_calls);
	mems_finish();
}

/* ---------------------------------------------------------------------
 * A random sequence, every figure cross-checked after every operation
 */

#define RANDOM_OPS	10000
#define RANDOM_LIVE	256
#define RANDOM_SEED	20261206u
#define RANDOM_PAGE	256
#define RANDOM_ALIGN	8

struct random_heap {
	struct mems_heap *heap;
	uintptr_t live[RANDOM_LIVE];
	size_t bytes[RANDOM_LIVE];	/* each block's rounded size */
	size_t nr_live;
	size_t live_bytes;		/* the test's own sum of them */
	unsigned int seed;
};

/* Free a random block two times in five, or when full; else allocate. */
static int random_step(struct random_heap *r)
{
	size_t pick = (size_t)rand_r(&r->seed);
	size_t size;
	void *v;
	int err;

	if (r->nr_live == RANDOM_LIVE || (r->nr_live && pick % 5 < 2)) {
		pick = (pick / 5) % r->nr_live;
		err = mems_heap_free(r->heap, V(r->live[pick]));
		if (err)
			return err;
		r->live_bytes -= r->bytes[pick];
		r->nr_live--;
		r->live[pick] = r->live[r->nr_live];
		r->bytes[pick] = r->bytes[r->nr_live];
		return 0;
	}
	/* Mostly small requests, some spanning several pages. */
	size = 1 + (pick / 5) % (pick % 7 ? 300 : 2000);
	err = mems_heap_alloc(r->heap, size, &v);
	if (err)
		return err;
	r->live[r->nr_live] = U(v);
	r->bytes[r->nr_live] = round_up(size, RANDOM_ALIGN);
	r->live_bytes += r->bytes[r->nr_live];
	r->nr_live++;
	return 0;
}

TEST_TIMEOUT(stats_agree_with_check_and_walk, 300)
{
	const struct mems_heap_config config = {
		.page_size = RANDOM_PAGE,
		.virt_base = BASE,
		.align = RANDOM_ALIGN,
	};
	static struct random_heap r;
	struct mems_heap_config cfg;
	struct mems_policy_info info;
	struct mems_heap_stats st;
	unsigned int p;
	const int nr_ops = test_ops(RANDOM_OPS);
	char ctx[80];
	int i;

	for (p = 0; !mems_policy_info(p, &info); p++) {
		memset(&r, 0, sizeof(r));
		r.seed = RANDOM_SEED;
		cfg = config;
		cfg.policy = info.name;
		ASSERT_EQ(0, mems_heap_create(&cfg, &r.heap));
		for (i = 0; i < nr_ops; i++) {
			ASSERT_EQ(0, random_step(&r))
				TH_LOG("%s: op %d", info.name, i);
			ASSERT_EQ(0, mems_heap_check(r.heap, stderr))
				TH_LOG("%s: op %d", info.name, i);
			snprintf(ctx, sizeof(ctx), "%s: op %d", info.name, i);
			ASSERT_STATS_ARE_WALK(r.heap, RANDOM_PAGE, ctx);
			mems_heap_stats(r.heap, &st);
			ASSERT_EQ(r.live_bytes, st.live_bytes)
				TH_LOG("%s: op %d", info.name, i);
			ASSERT_EQ(st.pages_used * RANDOM_PAGE,
				  st.live_bytes + st.space_unused);
			ASSERT_LE(st.nodes, st.holes + r.nr_live);
			/* Only a moving address table unmaps before the end. */
			ASSERT_LT(st.nodes + st.munmap_calls, st.mmap_calls);
		}
		mems_heap_destroy(r.heap);
	}
}

/* ---------------------------------------------------------------------
 * mems_policy_info()
 */

#define MAX_POLICIES	64

static unsigned int policy_table(struct mems_policy_info *infos)
{
	unsigned int nr = 0;

	while (nr < MAX_POLICIES && !mems_policy_info(nr, &infos[nr]))
		nr++;
	return nr;
}

/* The index of the policy called @name, or -1. */
static int policy_index(const struct mems_policy_info *infos,
			unsigned int nr, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(infos[i].name, name))
			return (int)i;
	return -1;
}

TEST(policy_info_lists_the_table)
{
	struct mems_policy_info infos[MAX_POLICIES], past;
	unsigned int i, j, nr = policy_table(infos);

	ASSERT_LT(0, nr);
	ASSERT_GT(MAX_POLICIES, nr);
	ASSERT_EQ(-ENOENT, mems_policy_info(nr, &past));
	ASSERT_EQ(-ENOENT, mems_policy_info(nr + 1, &past));
	ASSERT_EQ(-ENOENT, mems_policy_info(-1U, &past));
	ASSERT_NULL(mems_policy_name(nr));
	for (i = 0; i < nr; i++) {
		ASSERT_NE(NULL, infos[i].name);
		ASSERT_STREQ(mems_policy_name(i), infos[i].name);
		ASSERT_NE(NULL, infos[i].summary) TH_LOG("%s", infos[i].name);
		ASSERT_NE(0, strlen(infos[i].summary));
		ASSERT_EQ(0, infos[i].flags &
			     ~(MEMS_POLICY_REFERENCE | MEMS_POLICY_DEFAULT));
		for (j = i + 1; j < nr; j++)
			ASSERT_STRNE(infos[i].name, infos[j].name);
	}
}

/* Exactly one default, and it is the one mems_default_policy() names. */
TEST(policy_info_flags_the_default)
{
	struct mems_policy_info infos[MAX_POLICIES];
	unsigned int i, nr = policy_table(infos), defaults = 0;

	for (i = 0; i < nr; i++) {
		if (!(infos[i].flags & MEMS_POLICY_DEFAULT))
			continue;
		defaults++;
		ASSERT_STREQ(mems_default_policy(), infos[i].name);
	}
	ASSERT_EQ(1, defaults);
}

/*
 * The references are built all together or not at all: when any policy
 * is flagged as one, every indexed policy names its own, a built
 * reference; when none is, every reference field is NULL.  References
 * name no reference of their own.
 */
TEST(policy_info_names_references)
{
	struct mems_policy_info infos[MAX_POLICIES];
	unsigned int i, nr = policy_table(infos), references = 0;
	bool built = false;
	int ref;

	for (i = 0; i < nr; i++)
		if (infos[i].flags & MEMS_POLICY_REFERENCE)
			built = true;
	for (i = 0; i < nr; i++) {
		if (infos[i].flags & MEMS_POLICY_REFERENCE) {
			ASSERT_NULL(infos[i].reference) TH_LOG("%s",
							      infos[i].name);
			ASSERT_FALSE(infos[i].flags & MEMS_POLICY_DEFAULT);
			references++;
			continue;
		}
		if (!built) {
			ASSERT_NULL(infos[i].reference) TH_LOG("%s",
							      infos[i].name);
			continue;
		}
		ASSERT_NE(NULL, infos[i].reference) TH_LOG("%s", infos[i].name);
		ref = policy_index(infos, nr, infos[i].reference);
		ASSERT_LE(0, ref) TH_LOG("%s", infos[i].reference);
		ASSERT_TRUE(infos[ref].flags & MEMS_POLICY_REFERENCE);
	}
	/* An indexed policy per reference, and no reference alone. */
	if (built)
		ASSERT_EQ(nr - references, references);
}

/* ---------------------------------------------------------------------
 * mems_default_config()
 */

TEST(default_config_is_the_configuration)
{
	struct mems_heap_config config;
	struct mems_heap *heap;

	memset(&config, 0xa5, sizeof(config));
	mems_default_config(&config);
	ASSERT_STREQ(CONFIG_MEMS_POLICY_DEFAULT, config.policy);
	ASSERT_STREQ(mems_default_policy(), config.policy);
	ASSERT_EQ(PAGE_SIZE, config.page_size);
#if CONFIG_MEMS_PAGE_SIZE > 0
	ASSERT_EQ(CONFIG_MEMS_PAGE_SIZE, config.page_size);
#else
	ASSERT_EQ(machine_page(), config.page_size);
#endif
	ASSERT_EQ(CONFIG_MEMS_VIRT_BASE, config.virt_base);
	ASSERT_EQ(CONFIG_MEMS_ALIGN, config.align);

	/* A heap given it is laid out as one given nothing. */
	ASSERT_EQ(0, mems_heap_create(&config, &heap));
	ASSERT_STREQ(CONFIG_MEMS_POLICY_DEFAULT, mems_heap_policy(heap));
	ASSERT_EQ(PAGE_SIZE, mems_heap_page_size(heap));
	ASSERT_EQ(CONFIG_MEMS_VIRT_BASE, alloc(heap, 1));
	ASSERT_EQ(CONFIG_MEMS_VIRT_BASE + CONFIG_MEMS_ALIGN, alloc(heap, 1));
	mems_heap_destroy(heap);
}

TEST_HARNESS_MAIN
