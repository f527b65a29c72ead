// SPDX-License-Identifier: MIT
/*
 * api_test.c - the six course functions one by one (contract sections 3
 * and 4): return values, errno, the one stderr line of mems_free(), lazy
 * initialisation, and the report of an empty and of a busy MeMS.
 *
 * Every scenario here leaves at most one hole that a request could go
 * into, so the placement policy in force does not change any result.
 */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "../harness.h"
#include "../mems_test.h"

#define BASE ((uintptr_t)CONFIG_MEMS_VIRT_BASE)

/*
 * Assert that mems_free(@v) is refused: its one stderr line, whole, with
 * the reason @why; EINVAL, nothing on stdout and a report that has not
 * changed.
 */
#define ASSERT_FREE_REFUSED(v, why) do {				\
	char *before_ = stats_text(), *out_, *err_, *after_;		\
	char *line_ = refusal_line("mems_free", (v), (why));		\
	struct capture out_capture_;					\
									\
	capture_start(&out_capture_, stdout);				\
	errno = 0;							\
	err_ = CAPTURE(stderr, mems_free(V(v)));			\
	out_ = capture_stop(&out_capture_);				\
	ASSERT_EQ(EINVAL, errno);					\
	ASSERT_FREE_MESSAGE(err_, (v));					\
	ASSERT_STREQ(line_, err_);					\
	ASSERT_STREQ("", out_);						\
	after_ = stats_text();						\
	ASSERT_STREQ(before_, after_);					\
	free(before_);							\
	free(line_);							\
	free(out_);							\
	free(err_);							\
	free(after_);							\
} while (0)

/* Assert that mems_get(@v) is NULL with EINVAL and says nothing. */
#define ASSERT_GET_REFUSED(v) do {					\
	void *phys_ = V(1);						\
	char *err_;							\
									\
	errno = 0;							\
	err_ = CAPTURE(stderr, phys_ = mems_get(V(v)));			\
	ASSERT_NULL(phys_);						\
	ASSERT_EQ(EINVAL, errno);					\
	ASSERT_STREQ("", err_);						\
	free(err_);							\
} while (0)

/* ---------------------------------------------------------------------
 * Section 4: the report
 */

/* The model itself, against the example the contract prints. */
TEST(report_model_renders_the_contract_example)
{
	static const char example[] =
		"----- MeMS SYSTEM STATS -----\n"
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"H[3000:5095] <-> NULL\n"
		"Pages used:\t1\n"
		"Space unused:\t2096\n"
		"Main Chain Length:\t1\n"
		"Sub-chain Length array: [3, ]\n"
		"-----------------------------\n";
	struct model m;
	char *text;

	model_init(&m, 4096);
	model_node(&m, 1000, 1);
	model_seg(&m, 'P', 1000);
	model_seg(&m, 'P', 1000);
	model_rest_hole(&m);
	text = model_report(&m);
	ASSERT_STREQ(example, text);
	free(text);

	model_init(&m, 4096);
	text = model_report(&m);
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
}

TEST(report_of_empty_mems_before_init)
{
	char *text = stats_text();

	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	ASSERT_NULL(mems_default_heap());
}

TEST(report_of_empty_mems_after_init)
{
	char *text;

	mems_init();
	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	ASSERT_EQ(0, check_global_heap());
}

TEST(report_of_empty_mems_after_finish)
{
	char *text;

	mems_init();
	ASSERT_NE(NULL, mems_malloc(10));
	ASSERT_NE(NULL, mems_malloc(2 * PAGE_SIZE));
	mems_finish();
	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
}

/*
 * Ten requests of a third of a page or so, as in the course demo: every
 * node holds the same number of blocks and a hole too small to take
 * another, so each node is filled before the next one is mapped.
 */
TEST(report_lists_every_node_in_chain_order)
{
	size_t n = PAGE_SIZE * 3 / 10 + 1, r = mems_round(n);
	size_t per_node = node_bytes_for(n) / r;
	struct model m;
	char *expected, *seen;
	uintptr_t v;
	int i;

	model_init(&m, PAGE_SIZE);
	mems_init();
	for (i = 0; i < 10; i++) {
		v = U(mems_malloc(n));
		if (i % per_node == 0) {
			if (i)
				model_rest_hole(&m);
			model_node(&m, i ? model_last(&m)->vend + 1 : BASE,
				   pages_for(r));
		}
		ASSERT_EQ(model_seg(&m, 'P', r), v);
	}
	model_rest_hole(&m);
	ASSERT_LT(1, m.nr_nodes) TH_LOG("the layout needs several nodes");
	expected = model_report(&m);
	seen = stats_text();
	ASSERT_STREQ(expected, seen);
	free(expected);
	free(seen);
	ASSERT_EQ(0, check_global_heap());
}

/*
 * Text printf() leaves in the stdio buffer must come out before the
 * report, and the report before what follows: "before:" has no newline,
 * so only a report written through the same stdout stream keeps order.
 */
TEST(report_interleaves_with_printf)
{
	char *report, *expected, *seen, *err;
	struct capture err_capture;

	mems_init();
	ASSERT_NE(NULL, mems_malloc(10));
	report = stats_text();
	ASSERT_LT(0, asprintf(&expected, "before:%s:after\n", report));

	capture_start(&err_capture, stderr);
	seen = CAPTURE(stdout, (printf("before:"), mems_print_stats(),
				printf(":after\n")));
	err = capture_stop(&err_capture);
	ASSERT_STREQ(expected, seen);
	ASSERT_STREQ("", err);
	free(report);
	free(expected);
	free(seen);
	free(err);
	ASSERT_EQ(0, check_global_heap());
}

/* ---------------------------------------------------------------------
 * Section 3: mems_malloc
 */

TEST(malloc_size_zero_returns_null_and_changes_nothing)
{
	char *before, *after;

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	before = stats_text();
	errno = 12345;
	ASSERT_NULL(mems_malloc(0));
	ASSERT_EQ(12345, errno);
	after = stats_text();
	ASSERT_STREQ(before, after);
	/* Nothing was reserved: the next block follows the first one. */
	ASSERT_EQ(second_of_two(10), U(mems_malloc(10)));
	free(before);
	free(after);
	ASSERT_EQ(0, check_global_heap());
}

TEST(malloc_size_zero_before_init_does_not_initialise)
{
	char *text;

	errno = 12345;
	ASSERT_NULL(mems_malloc(0));
	ASSERT_EQ(12345, errno);
	ASSERT_NULL(mems_default_heap());
	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
}

/* The smallest size whose rounding up to the granule wraps around. */
#define FIRST_WRAPPING_SIZE \
	(CONFIG_MEMS_ALIGN > 1 ? SIZE_MAX - CONFIG_MEMS_ALIGN + 2 : SIZE_MAX)

/*
 * Sizes so large that rounding them up, to the granule or to whole
 * pages, does not fit in size_t or in the virtual address space.
 */
TEST(malloc_rounding_overflow_is_enomem_and_changes_nothing)
{
	const size_t huge[] = {
		SIZE_MAX, SIZE_MAX - 1, FIRST_WRAPPING_SIZE,
		SIZE_MAX - PAGE_SIZE + 1, SIZE_MAX - PAGE_SIZE,
	};
	size_t whole = whole_node_size();
	uintptr_t next = BASE + whole;
	char *before, *after;
	unsigned int i;

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(whole)));
	before = stats_text();
	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		errno = 0;
		ASSERT_NULL(mems_malloc(huge[i])) TH_LOG("size %zu", huge[i]);
		ASSERT_EQ(ENOMEM, errno) TH_LOG("size %zu", huge[i]);
		after = stats_text();
		ASSERT_STREQ(before, after);
		free(after);
	}
	/* No virtual address was used up by the failures. */
	ASSERT_EQ(next, U(mems_malloc(1)));
	free(before);
	ASSERT_EQ(0, check_global_heap());
}

TEST(malloc_overflow_before_init_leaves_mems_empty)
{
	char *text;

	errno = 0;
	ASSERT_NULL(mems_malloc(SIZE_MAX));
	ASSERT_EQ(ENOMEM, errno);
	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	ASSERT_EQ(BASE, U(mems_malloc(1)));
	ASSERT_EQ(0, check_global_heap());
}

/* Half the address space: it rounds fine, but no kernel maps it. */
TEST(malloc_mmap_failure_is_enomem_and_changes_nothing)
{
	size_t size = SIZE_MAX / 2 + 1;
	char *before, *after;
	uintptr_t next;

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(3)));
	next = BASE + node_bytes_for(3);
	before = stats_text();
	errno = 0;
	ASSERT_NULL(mems_malloc(size));
	ASSERT_EQ(ENOMEM, errno);
	after = stats_text();
	ASSERT_STREQ(before, after);
	ASSERT_EQ(next, U(mems_malloc(node_bytes_for(3))));
	free(before);
	free(after);
	ASSERT_EQ(0, check_global_heap());
}

/* Bytes of address space this process has, read without malloc(). */
static size_t address_space_bytes(void)
{
	char buf[128] = "";
	int fd = open("/proc/self/statm", O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return 0;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return 0;
	return strtoull(buf, NULL, 10) * machine_page();
}

/* An ordinary request that needs a new node, when mmap says no. */
TEST(malloc_fails_cleanly_when_address_space_is_exhausted)
{
	size_t size = 3 * PAGE_SIZE + 1;
	struct rlimit old, tight;
	char *before, *after;
	uintptr_t next;
	void *v;
	int err;

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(1)));
	next = BASE + node_bytes_for(1);
	before = stats_text();
	ASSERT_EQ(0, getrlimit(RLIMIT_AS, &old));
	tight = old;
	tight.rlim_cur = address_space_bytes();
	ASSERT_NE(0, tight.rlim_cur);
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < tight.rlim_cur)
		SKIP(return, "address space hard limit already reached");

	ASSERT_EQ(0, setrlimit(RLIMIT_AS, &tight));
	errno = 0;
	v = mems_malloc(size);
	err = errno;
	ASSERT_EQ(0, setrlimit(RLIMIT_AS, &old));

	ASSERT_NULL(v);
	ASSERT_EQ(ENOMEM, err);
	after = stats_text();
	ASSERT_STREQ(before, after);
	ASSERT_EQ(next, U(mems_malloc(size)));
	free(before);
	free(after);
	ASSERT_EQ(0, check_global_heap());
}

TEST(successful_calls_leave_errno_unchanged)
{
	uintptr_t a, b;
	char *text;

	errno = 12345;
	mems_init();
	ASSERT_EQ(12345, errno);
	a = U(mems_malloc(10));
	ASSERT_EQ(BASE, a);
	ASSERT_EQ(12345, errno);
	b = U(mems_malloc(2 * PAGE_SIZE));
	ASSERT_NE(0, b);
	ASSERT_EQ(12345, errno);
	ASSERT_NE(NULL, mems_get(V(a + 1)));
	ASSERT_EQ(12345, errno);
	text = stats_text();
	ASSERT_EQ(12345, errno);
	free(text);
	mems_free(V(a));
	ASSERT_EQ(12345, errno);
	mems_free(NULL);
	ASSERT_EQ(12345, errno);
	ASSERT_NULL(mems_malloc(0));
	ASSERT_EQ(12345, errno);
	mems_init();
	ASSERT_EQ(12345, errno);
	ASSERT_EQ(BASE, U(mems_malloc(PAGE_SIZE)));
	ASSERT_EQ(12345, errno);
	mems_finish();
	ASSERT_EQ(12345, errno);
	mems_finish();
	ASSERT_EQ(12345, errno);
}

/*
 * Apart from mems_free's line and an unknown MEMS_POLICY, MeMS writes
 * nothing on stderr: not while working, not when a request fails.
 */
TEST(normal_use_writes_nothing_on_stderr)
{
	struct capture out_capture, err_capture;
	char *out, *err;
	uintptr_t a, b;

	ASSERT_EQ(0, setenv("MEMS_POLICY", mems_default_policy(), 1));
	capture_start(&out_capture, stdout);
	capture_start(&err_capture, stderr);
	mems_malloc(10);		/* a lazy initialisation */
	mems_init();
	a = U(mems_malloc(10));
	b = U(mems_malloc(3 * PAGE_SIZE));
	mems_get(V(a + 1));
	mems_get(V(b + PAGE_SIZE));
	mems_get(V(b + mems_round(3 * PAGE_SIZE)));
	mems_print_stats();
	mems_free(V(a));
	mems_free(NULL);
	mems_malloc(0);
	mems_malloc(SIZE_MAX);
	mems_malloc(SIZE_MAX / 2 + 1);
	mems_free(V(b));
	mems_init();
	mems_malloc(1);
	mems_finish();
	err = capture_stop(&err_capture);
	out = capture_stop(&out_capture);
	ASSERT_STREQ("", err);
	ASSERT_NE(0, strlen(out));
	ASSERT_EQ(BASE, a);
	ASSERT_EQ(BASE + node_bytes_for(10), b);
	free(out);
	free(err);
}

/* ---------------------------------------------------------------------
 * Section 3: lazy initialisation
 */

TEST(malloc_before_init_initialises_mems)
{
	size_t r = mems_round(10);
	struct model m;
	char *expected, *seen;

	ASSERT_NULL(mems_default_heap());
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	ASSERT_NE(NULL, mems_default_heap());
	model_init(&m, PAGE_SIZE);
	model_node(&m, BASE, pages_for(r));
	model_seg(&m, 'P', r);
	model_rest_hole(&m);
	expected = model_report(&m);
	seen = stats_text();
	ASSERT_STREQ(expected, seen);
	free(expected);
	free(seen);
	ASSERT_NE(NULL, mems_get(V(BASE)));
	ASSERT_EQ(0, check_global_heap());
}

TEST(malloc_after_finish_initialises_mems_again)
{
	size_t whole = whole_node_size();

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(whole)));
	ASSERT_EQ(BASE + whole, U(mems_malloc(1)));
	mems_finish();
	ASSERT_NULL(mems_default_heap());
	ASSERT_EQ(BASE, U(mems_malloc(1)));
	ASSERT_NE(NULL, mems_default_heap());
	ASSERT_EQ(0, check_global_heap());
}

/*
 * A lazy initialisation is a mems_init(): it reads MEMS_POLICY too, each
 * time, whichever built policy it names.
 */
TEST(lazy_init_reads_mems_policy)
{
	struct mems_policy_info info;
	unsigned int i;

	if (mems_policy_info(1, &info))
		SKIP(return, "needs two policies built in");
	for (i = 0; !mems_policy_info(i, &info); i++) {
		ASSERT_EQ(0, setenv("MEMS_POLICY", info.name, 1));
		ASSERT_NULL(mems_default_heap());
		ASSERT_EQ(BASE, U(mems_malloc(1)));
		ASSERT_STREQ(info.name, mems_heap_policy(mems_default_heap()));
		ASSERT_EQ(0, check_global_heap());
		mems_finish();
	}
}

/* Only mems_malloc() initialises: the others act on an empty MeMS. */
TEST(free_get_and_stats_before_init_see_an_empty_mems)
{
	char *err, *text;
	void *phys = V(1);

	ASSERT_FREE_REFUSED(BASE, WHY_OUTSIDE);

	errno = 0;
	err = CAPTURE(stderr, phys = mems_get(V(BASE)));
	ASSERT_NULL(phys);
	ASSERT_EQ(EINVAL, errno);
	ASSERT_STREQ("", err);
	free(err);

	errno = 12345;
	err = CAPTURE(stderr, mems_free(NULL));
	ASSERT_EQ(12345, errno);
	ASSERT_STREQ("", err);
	free(err);

	text = stats_text();
	ASSERT_STREQ(EMPTY_REPORT, text);
	free(text);
	ASSERT_NULL(mems_default_heap());
}

/* ---------------------------------------------------------------------
 * Section 3: mems_free refusals
 */

TEST(free_null_does_nothing)
{
	char *before, *out, *err, *after;
	struct capture out_capture;

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	before = stats_text();
	capture_start(&out_capture, stdout);
	errno = 12345;
	err = CAPTURE(stderr, mems_free(NULL));
	out = capture_stop(&out_capture);
	ASSERT_EQ(12345, errno);
	ASSERT_STREQ("", err);
	ASSERT_STREQ("", out);
	after = stats_text();
	ASSERT_STREQ(before, after);
	free(before);
	free(out);
	free(err);
	free(after);
	ASSERT_EQ(0, check_global_heap());
}

/*
 * The refusals below say where the address lies; the empty nodes stay
 * mapped whatever MEMS_TRIM_THRESHOLD says, so that the holes they name
 * are the layout's.
 */
static void init_never_trimming(struct __test_metadata *_metadata)
{
	mems_init();
	ASSERT_EQ(0, mems_heap_set_trim_threshold(mems_default_heap(), -1));
}

TEST(free_interior_address_is_refused)
{
	size_t r = mems_round(10);
	char why[128];

	init_never_trimming(_metadata);
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	WHY_IN_BLOCK(why, BASE, BASE + r - 1);
	ASSERT_FREE_REFUSED(BASE + 1, why);
	ASSERT_FREE_REFUSED(BASE + r / 2, why);
	ASSERT_FREE_REFUSED(BASE + r - 1, why);
	/* The block is still allocated, whole. */
	ASSERT_NE(NULL, mems_get(V(BASE + r - 1)));
	mems_free(V(BASE));
	ASSERT_NULL(mems_get(V(BASE)));
	ASSERT_EQ(0, check_global_heap());
}

/* A double free: the block is a hole now, merged with its neighbours. */
TEST(free_already_freed_address_is_refused)
{
	size_t r = mems_round(10), node = node_bytes_for(10);
	char why_a[128], why_b[128];
	uintptr_t a, b;
	bool one_node;

	init_never_trimming(_metadata);
	a = U(mems_malloc(10));
	b = U(mems_malloc(10));
	ASSERT_EQ(second_of_two(10), b);
	one_node = b < BASE + node;
	mems_free(V(a));
	/* b, still a block, ends a's hole; or a's node is one hole. */
	WHY_IN_HOLE(why_a, a, one_node ? a + r - 1 : a + node - 1);
	ASSERT_FREE_REFUSED(a, why_a);
	/* Freed: one hole with a's, or its own node's. */
	mems_free(V(b));
	WHY_IN_HOLE(why_a, a, a + node - 1);
	if (one_node)
		WHY_IN_HOLE(why_b, a, a + node - 1);
	else
		WHY_IN_HOLE(why_b, b, b + node - 1);
	ASSERT_FREE_REFUSED(b, why_b);
	ASSERT_FREE_REFUSED(a, why_a);
	ASSERT_EQ(0, check_global_heap());
}

TEST(free_address_inside_a_hole_is_refused)
{
	size_t r = mems_round(10);
	uintptr_t vend = BASE + node_bytes_for(10) - 1;
	char why[128];

	if (r == node_bytes_for(10))
		SKIP(return, "a block of 10 bytes fills its node");
	init_never_trimming(_metadata);
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	WHY_IN_HOLE(why, BASE + r, vend);
	ASSERT_FREE_REFUSED(BASE + r, why);
	ASSERT_FREE_REFUSED(BASE + r + 1, why);
	ASSERT_FREE_REFUSED(vend, why);
	ASSERT_EQ(0, check_global_heap());
}

TEST(free_address_beyond_every_node_is_refused)
{
	uintptr_t vend = BASE + node_bytes_for(10) - 1;

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	ASSERT_FREE_REFUSED(vend + 1, WHY_OUTSIDE);
	ASSERT_FREE_REFUSED(vend + 1 + 100 * PAGE_SIZE, WHY_OUTSIDE);
	ASSERT_FREE_REFUSED(UINTPTR_MAX, WHY_OUTSIDE);
	ASSERT_EQ(0, check_global_heap());
}

TEST(free_address_below_virt_base_is_refused)
{
	if (BASE == 1)
		SKIP(return, "no address lies below a base of 1 but NULL");
	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(10)));
	ASSERT_FREE_REFUSED(BASE - 1, WHY_OUTSIDE);
	ASSERT_FREE_REFUSED(1, WHY_OUTSIDE);
	ASSERT_EQ(0, check_global_heap());
}

/*
 * What mems_get() returned, passed back to mems_free(): refused with the
 * virtual address it stands for, in the first node and in a later one,
 * while the block lives and once it is a hole.
 */
TEST(free_physical_address_names_its_virtual_one)
{
	size_t r = mems_round(10), whole = whole_node_size();
	size_t node = node_bytes_for(10);
	uintptr_t a, b, phys_a, phys_b;
	char why[128];

	init_never_trimming(_metadata);
	a = U(mems_malloc(10));
	b = U(mems_malloc(whole));
	ASSERT_EQ(BASE, a);
	/* The whole node cannot fit in a's node: it is the next one. */
	ASSERT_EQ(BASE + node, b);
	phys_a = U(mems_get(V(a)));
	phys_b = U(mems_get(V(b)));
	ASSERT_NE(0, phys_a);
	ASSERT_NE(0, phys_b);
	ASSERT_FREE_REFUSED(phys_a, WHY_PHYSICAL(why, a));
	ASSERT_FREE_REFUSED(phys_a + r - 1, WHY_PHYSICAL(why, a + r - 1));
	ASSERT_FREE_REFUSED(phys_a + node - 1, WHY_PHYSICAL(why, a + node - 1));
	ASSERT_FREE_REFUSED(phys_b, WHY_PHYSICAL(why, b));
	ASSERT_FREE_REFUSED(phys_b + whole - 1, WHY_PHYSICAL(why, b + whole - 1));
	mems_free(V(a));
	ASSERT_FREE_REFUSED(phys_a, WHY_PHYSICAL(why, a));
	ASSERT_EQ(0, check_global_heap());
}

/* ---------------------------------------------------------------------
 * Section 3: mems_get
 */

TEST(get_translates_start_middle_and_last_byte)
{
	size_t sa = PAGE_SIZE / 2 + 3, sb = PAGE_SIZE / 4 - 1;
	size_t ra = mems_round(sa), rb = mems_round(sb);
	uintptr_t a, b;
	char *phys;

	if (PAGE_SIZE < 8 || ra + rb > PAGE_SIZE)
		SKIP(return, "page too small for two blocks");
	mems_init();
	a = U(mems_malloc(sa));
	b = U(mems_malloc(sb));
	ASSERT_EQ(BASE, a);
	ASSERT_EQ(a + ra, b);
	phys = mems_get(V(a));
	ASSERT_NE(NULL, phys);
	ASSERT_EQ(phys + ra / 2, (char *)mems_get(V(a + ra / 2)));
	ASSERT_EQ(phys + ra - 1, (char *)mems_get(V(a + ra - 1)));
	/* Offsets count from the node's start, across blocks. */
	ASSERT_EQ(phys + ra, (char *)mems_get(V(b)));
	ASSERT_EQ(phys + ra + rb / 2, (char *)mems_get(V(b + rb / 2)));
	ASSERT_EQ(phys + ra + rb - 1, (char *)mems_get(V(b + rb - 1)));
	ASSERT_EQ(0, check_global_heap());
}

TEST(get_in_a_later_node_uses_that_nodes_physical_address)
{
	size_t whole = whole_node_size(), rb = mems_round(2 * PAGE_SIZE + 5);
	uintptr_t a, b;
	char *phys_a, *phys_b;

	mems_init();
	a = U(mems_malloc(whole));
	b = U(mems_malloc(2 * PAGE_SIZE + 5));
	ASSERT_EQ(BASE, a);
	ASSERT_EQ(BASE + whole, b);
	phys_a = mems_get(V(a));
	phys_b = mems_get(V(b));
	ASSERT_NE(NULL, phys_a);
	ASSERT_NE(NULL, phys_b);
	ASSERT_EQ(0, U(phys_b) % machine_page());
	ASSERT_EQ(phys_b + PAGE_SIZE, (char *)mems_get(V(b + PAGE_SIZE)));
	ASSERT_EQ(phys_b + rb - 1, (char *)mems_get(V(b + rb - 1)));
	ASSERT_EQ(phys_a + whole - 1, (char *)mems_get(V(b - 1)));
	ASSERT_EQ(0, check_global_heap());
}

/* As the course demo does: write through one element, read via another. */
TEST(get_write_through_one_element_read_through_another)
{
	uintptr_t a;
	int *first, *second;
	int i;

	mems_init();
	a = U(mems_malloc(sizeof(int) * 250));
	ASSERT_EQ(BASE, a);
	second = mems_get(V(a + sizeof(int)));
	ASSERT_NE(NULL, second);
	*second = 200;
	first = mems_get(V(a));
	ASSERT_NE(NULL, first);
	ASSERT_EQ(200, first[1]);
	for (i = 0; i < 250; i++)
		*(int *)mems_get(V(a + i * sizeof(int))) = 7 * i;
	for (i = 0; i < 250; i++)
		ASSERT_EQ(7 * i, first[i]);
	ASSERT_EQ(0, check_global_heap());
}

TEST(get_inside_a_hole_is_einval_and_silent)
{
	size_t r = mems_round(10), node = node_bytes_for(10);
	uintptr_t a, b, b_vend;

	mems_init();
	a = U(mems_malloc(10));
	b = U(mems_malloc(10));
	ASSERT_EQ(BASE, a);
	ASSERT_EQ(second_of_two(10), b);
	/* The hole at the end of b's node, if b leaves one. */
	b_vend = (b < BASE + node ? BASE : b) + node - 1;
	if (b + r <= b_vend) {
		ASSERT_GET_REFUSED(b + r);
		ASSERT_GET_REFUSED(b_vend);
	}
	mems_free(V(a));
	ASSERT_GET_REFUSED(a);
	ASSERT_GET_REFUSED(a + r - 1);
	ASSERT_NE(NULL, mems_get(V(b)));
	ASSERT_EQ(0, check_global_heap());
}

TEST(get_outside_every_node_is_einval_and_silent)
{
	uintptr_t vend = BASE + node_bytes_for(PAGE_SIZE) - 1;

	mems_init();
	ASSERT_EQ(BASE, U(mems_malloc(PAGE_SIZE)));
	ASSERT_GET_REFUSED(0);
	if (BASE > 1)
		ASSERT_GET_REFUSED(BASE - 1);
	ASSERT_GET_REFUSED(vend + 1);
	ASSERT_GET_REFUSED(vend + 1 + 100 * PAGE_SIZE);
	ASSERT_GET_REFUSED(UINTPTR_MAX);
	ASSERT_EQ(0, check_global_heap());
}

TEST(get_before_init_is_einval_and_silent)
{
	ASSERT_GET_REFUSED(BASE);
	ASSERT_GET_REFUSED(0);
	ASSERT_NULL(mems_default_heap());
}

TEST_HARNESS_MAIN
