/* SPDX-License-Identifier: MIT */
/*
 * selftests/harness.h - the test harness every C selftest is built on.
 *
 * The macro names and their behaviour follow the Linux kselftest harness,
 * so a MeMS selftest reads like a kernel selftest; the code is our own and
 * needs nothing beyond libc and POSIX.  It is header-only: each test
 * program is one .c file that includes it and ends with TEST_HARNESS_MAIN.
 *
 * Every test runs in a forked child, so a test that corrupts memory,
 * crashes or hangs fails alone and cannot disturb the next one.  The parent
 * prints the TAP 13 result line only after the child has exited, so all
 * the child wrote to stdout comes before the line that judges it.
 *
 * Defining tests:
 *	TEST(name) { ... }
 *	TEST_TIMEOUT(name, seconds) { ... }
 *	FIXTURE(f) { members; };
 *	FIXTURE_VARIANT(f) { members; };		(optional)
 *	FIXTURE_VARIANT_ADD(f, v) { .member = value, };	(optional)
 *	FIXTURE_VARIANT_GENERATE(f, fn) { ... }		(optional)
 *	FIXTURE_SETUP(f) { ... }			(optional)
 *	FIXTURE_TEARDOWN(f) { ... }			(optional)
 *	TEST_F(f, name) { ... }
 *	TEST_F_TIMEOUT(f, name, seconds) { ... }
 *	TEST_HARNESS_MAIN
 *
 * Setup, teardown and TEST_F bodies see `self' (FIXTURE_DATA(f) *, zeroed
 * before setup), `variant' (const FIXTURE_VARIANT(f) *, NULL when the
 * fixture has no variants) and `_metadata'; _metadata->name is the full
 * test name.  A TEST_F runs once per variant, named "f.v.name", or once,
 * named "f.name", when f has none; a TEST is named "name".  Tests run in
 * source order.  Teardown runs whenever setup returned, even after a
 * failed ASSERT in the body; the body is skipped if setup failed or
 * skipped.  Only one .c file per program may include this header.
 *
 * Variants known only at run time, such as one per item of a table the
 * program asks for, come from a generator: the body of
 * FIXTURE_VARIANT_GENERATE(f, fn) runs before main() and calls
 *	FIXTURE_VARIANT(f) *v = FIXTURE_VARIANT_NEW(f, name);
 * once per variant, then fills in *v (zeroed; NULL when out of memory,
 * which the program then reports).  The harness copies @name, turning
 * every character but letters, digits and '_' into '_', so that
 * "worst-fit-linear" becomes the variant "worst_fit_linear"; data that
 * *v points to must stay valid until the program exits.  Generated
 * variants come in the order they were made, at the place of the
 * FIXTURE_VARIANT_NEW line among the FIXTURE_VARIANT_ADDs.  An empty
 * name, two variants of a fixture with the same name, or no memory for
 * a variant stop the program before its first test ("Bail out!"); a
 * generator that makes no variant at all fails each test of the fixture
 * once, as "f.name", rather than letting it vanish.
 *
 * Checks, (expected, seen) as in kselftest:
 *	ASSERT_EQ ASSERT_NE ASSERT_LT ASSERT_LE ASSERT_GT ASSERT_GE
 *	ASSERT_NULL ASSERT_TRUE ASSERT_FALSE ASSERT_STREQ ASSERT_STRNE
 * and the same names with EXPECT_.  A failed ASSERT ends the test, a
 * failed EXPECT marks it failed and carries on.  Integers, enums and
 * pointers compare by value whatever their types, so -1 < (size_t)1 holds
 * and ASSERT_NE(NULL, p) needs no cast.  A check may be followed by a
 * TH_LOG that is printed only when it fails:
 *	ASSERT_EQ(0, ret) TH_LOG("mapping %zu bytes", len);
 * TH_LOG(fmt, ...) also works as a statement of its own.
 * SKIP(statement, fmt, ...) marks the test skipped with a reason and then
 * runs `statement', usually `return'; a failure before or after still wins.
 *
 * Timeouts: a test is killed after TEST_TIMEOUT_DEFAULT seconds (30 unless
 * defined before this header is included); TEST_TIMEOUT and TEST_F_TIMEOUT
 * set it for one test.  0 means no limit.
 *
 * Output is TAP 13 on stdout; diagnostics are "# " lines, so a test's own
 * output should be too.  Core dumps are disabled in the children: a crash
 * is an expected test outcome here, not something to debug post mortem.
 *
 * Options:  -l  list the selected test names and exit
 *	     -t SUBSTRING  run only tests whose full name contains it
 *			   (may be repeated; a test matching any one runs)
 * Exit status: 0 all passed (skips allowed), 1 any failed, 4 (KSFT_SKIP)
 * every test skipped or none was selected.
 */
#ifndef MEMS_SELFTESTS_HARNESS_H
#define MEMS_SELFTESTS_HARNESS_H

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

#ifndef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	30
#endif

#define __TH_REASON_MAX	512
#define __TH_NAME_MAX	512
/* Strings longer than this, or with a newline, are dumped line by line. */
#define __TH_SHORT_STR	64

struct __test_metadata {
	const char *name;
	unsigned int timeout;
	bool trigger;
	bool failed;
	bool skipped;
	bool setup_done;
	char *skip_reason;
	jmp_buf env;
	/* The harness's own, kept here to outlive longjmp() unclobbered. */
	const struct __th_fixture *__fixture;
	const struct __th_test *__test;
	const void *__variant;
	void *__self;
};

typedef void (*__th_fn)(struct __test_metadata *, void *, const void *);

struct __th_variant {
	const char *name;
	const void *data;
	int line;
	struct __th_variant *next;
};

struct __th_fixture;

struct __th_test {
	const char *name;
	struct __th_fixture *fixture;
	__th_fn fn;
	size_t self_size;
	unsigned int timeout;
	int line;
	struct __th_test *next;
};

struct __th_fixture {
	const char *name;
	__th_fn setup;
	__th_fn teardown;
	struct __th_variant *variants;
	struct __th_test *tests;
	int line;
	bool registered;
	bool generated;		/* has a FIXTURE_VARIANT_GENERATE */
	struct __th_fixture *next;
};

#define __th_unused	__attribute__((unused))
#define __th_ctor	__attribute__((constructor))

/* Plain TESTs share this nameless fixture; line 0 puts them first. */
static struct __th_fixture __th_global_fixture __th_unused;
static struct __th_fixture *__th_fixtures __th_unused;
/*
 * The first thing that went wrong before main(), when a generator ran:
 * constructors cannot print TAP yet, so main() reports it.
 */
static char __th_early_error[__TH_NAME_MAX] __th_unused;
/* The child's metadata lives outside any frame that setjmp() returns to. */
static struct __test_metadata __th_current __th_unused;

/*
 * Constructors may run in any order, so every list is kept sorted by
 * source line instead of by registration order.
 */
#define __th_insert_sorted(headp, item)					\
	do {								\
		__typeof__(item) *__p = (headp);			\
									\
		while (*__p && (*__p)->line <= (item)->line)		\
			__p = &(*__p)->next;				\
		(item)->next = *__p;					\
		*__p = (item);						\
	} while (0)

static inline void __th_register_fixture(struct __th_fixture *f)
{
	if (f->registered)
		return;
	f->registered = true;
	__th_insert_sorted(&__th_fixtures, f);
}

static inline void __th_register_test(struct __th_test *t)
{
	__th_register_fixture(t->fixture);
	__th_insert_sorted(&t->fixture->tests, t);
}

static inline void __th_register_variant(struct __th_fixture *f,
					 struct __th_variant *v)
{
	__th_register_fixture(f);
	__th_insert_sorted(&f->variants, v);
}

static inline void __attribute__((format(printf, 1, 2)))
__th_early_fail(const char *fmt, ...)
{
	va_list ap;

	if (__th_early_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(__th_early_error, sizeof(__th_early_error), fmt, ap);
	va_end(ap);
}

/* Names become part of TAP test names: letters, digits and '_' only. */
static inline void __th_clean_name(char *name)
{
	for (; *name; name++)
		if (!(*name >= 'a' && *name <= 'z') &&
		    !(*name >= 'A' && *name <= 'Z') &&
		    !(*name >= '0' && *name <= '9'))
			*name = '_';
}

/* A zeroed variant of @size bytes named after @name, or NULL. */
static inline void *__th_variant_new(struct __th_fixture *f,
				     const char *name, size_t size, int line)
{
	struct __th_variant *v;
	char *copy;
	void *data;

	if (!name || !*name) {
		__th_early_fail("fixture %s: a generated variant has no name",
				f->name);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	copy = strdup(name);
	data = calloc(1, size ? size : 1);
	if (!v || !copy || !data) {
		__th_early_fail("fixture %s: no memory for variant %s",
				f->name, name);
		free(v);
		free(copy);
		free(data);
		return NULL;
	}
	__th_clean_name(copy);
	v->name = copy;
	v->data = data;
	v->line = line;
	__th_register_variant(f, v);
	return data;
}

#define TEST(tn)	TEST_TIMEOUT(tn, TEST_TIMEOUT_DEFAULT)

#define TEST_TIMEOUT(tn, secs)						\
	static void __th_test_##tn(struct __test_metadata *);		\
	static void __th_thunk_##tn(struct __test_metadata *m,		\
				      void *self __th_unused,		\
				      const void *variant __th_unused)	\
	{								\
		__th_test_##tn(m);					\
	}								\
	static struct __th_test __th_object_##tn = {			\
		.name = #tn,						\
		.fixture = &__th_global_fixture,			\
		.fn = __th_thunk_##tn,					\
		.timeout = (secs),					\
		.line = __LINE__,					\
	};								\
	static void __th_ctor __th_treg_##tn(void)			\
	{								\
		__th_register_test(&__th_object_##tn);			\
	}								\
	static void __th_test_##tn(					\
		struct __test_metadata *_metadata __th_unused)

#define FIXTURE_DATA(f)		struct __th_data_##f
#define FIXTURE_VARIANT(f)	struct __th_vdata_##f

/*
 * Each kind of generated name has a prefix that begins no other kind's,
 * so that no test, fixture or variant name can make two of them clash.
 * The variant type is declared up front so TEST_F can always name it.
 */
#define FIXTURE(f)							\
	FIXTURE_VARIANT(f);						\
	static struct __th_fixture __th_fixture_##f = {			\
		.name = #f,						\
		.line = __LINE__,					\
	};								\
	FIXTURE_DATA(f)

#define FIXTURE_VARIANT_ADD(f, v)					\
	static const FIXTURE_VARIANT(f) __th_vval_##f##__##v;		\
	static struct __th_variant __th_vobj_##f##__##v = {		\
		.name = #v,						\
		.data = &__th_vval_##f##__##v,				\
		.line = __LINE__,					\
	};								\
	static void __th_ctor __th_vreg_##f##__##v(void)		\
	{								\
		__th_register_variant(&__th_fixture_##f,		\
				      &__th_vobj_##f##__##v);		\
	}								\
	static const FIXTURE_VARIANT(f) __th_vval_##f##__##v =

#define FIXTURE_VARIANT_GENERATE(f, fn)					\
	static void fn(void);						\
	static void __th_ctor __th_vgen_##f##__##fn(void)		\
	{								\
		__th_fixture_##f.generated = true;			\
		__th_register_fixture(&__th_fixture_##f);		\
		fn();							\
	}								\
	static void fn(void)

#define FIXTURE_VARIANT_NEW(f, name)					\
	((FIXTURE_VARIANT(f) *)__th_variant_new(&__th_fixture_##f,	\
						(name),			\
						sizeof(FIXTURE_VARIANT(f)), \
						__LINE__))

#define __TH_FIXTURE_HOOK(f, hook)					\
	static void __th_hook_##hook##_##f(struct __test_metadata *,	\
				      FIXTURE_DATA(f) *,		\
				      const FIXTURE_VARIANT(f) *);	\
	static void __th_hthunk_##hook##_##f(struct __test_metadata *m,	\
					    void *self,			\
					    const void *variant)	\
	{								\
		__th_hook_##hook##_##f(m, self, variant);		\
	}								\
	static void __th_ctor __th_hreg_##hook##_##f(void)		\
	{								\
		__th_fixture_##f.hook = __th_hthunk_##hook##_##f;	\
	}								\
	static void __th_hook_##hook##_##f(				\
		struct __test_metadata *_metadata __th_unused,		\
		FIXTURE_DATA(f) *self __th_unused,			\
		const FIXTURE_VARIANT(f) *variant __th_unused)

#define FIXTURE_SETUP(f)	__TH_FIXTURE_HOOK(f, setup)
#define FIXTURE_TEARDOWN(f)	__TH_FIXTURE_HOOK(f, teardown)

#define TEST_F(f, tn)	TEST_F_TIMEOUT(f, tn, TEST_TIMEOUT_DEFAULT)

#define TEST_F_TIMEOUT(f, tn, secs)					\
	static void __th_ftest_##f##__##tn(struct __test_metadata *,	\
					     FIXTURE_DATA(f) *,		\
					     const FIXTURE_VARIANT(f) *); \
	static void __th_fthunk_##f##__##tn(struct __test_metadata *m,	\
					      void *self,		\
					      const void *variant)	\
	{								\
		__th_ftest_##f##__##tn(m, self, variant);		\
	}								\
	static struct __th_test __th_fobject_##f##__##tn = {		\
		.name = #tn,						\
		.fixture = &__th_fixture_##f,				\
		.fn = __th_fthunk_##f##__##tn,				\
		.self_size = sizeof(FIXTURE_DATA(f)),			\
		.timeout = (secs),					\
		.line = __LINE__,					\
	};								\
	static void __th_ctor __th_freg_##f##__##tn(void)		\
	{								\
		__th_register_test(&__th_fobject_##f##__##tn);		\
	}								\
	static void __th_ftest_##f##__##tn(				\
		struct __test_metadata *_metadata __th_unused,		\
		FIXTURE_DATA(f) *self __th_unused,			\
		const FIXTURE_VARIANT(f) *variant __th_unused)

/* ---- diagnostics ---- */

static inline const char *__th_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Every line gets "# " so that nothing a test prints can break the TAP. */
static inline void __th_comment(const char *prefix, const char *text)
{
	const char *eol;

	do {
		eol = strchr(text, '\n');
		if (!eol)
			eol = text + strlen(text);
		printf("# %s%.*s\n", prefix, (int)(eol - text), text);
		prefix = "";
		text = eol + 1;
	} while (*eol);
}

static inline char *__th_vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *buf;
	int len;

	va_copy(again, ap);
	len = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (len < 0)
		return NULL;
	buf = malloc((size_t)len + 1);
	if (buf)
		vsnprintf(buf, (size_t)len + 1, fmt, ap);
	return buf;
}

static inline void __attribute__((format(printf, 4, 5)))
__th_diag(const struct __test_metadata *m, const char *file, int line,
	  const char *fmt, ...)
{
	char prefix[__TH_NAME_MAX + 64];
	va_list ap;
	char *msg;

	snprintf(prefix, sizeof(prefix), "%s:%d:%s:", __th_basename(file),
		 line, m->name ? m->name : "?");
	va_start(ap, fmt);
	msg = __th_vformat(fmt, ap);
	va_end(ap);
	__th_comment(prefix, msg ? msg : fmt);
	free(msg);
	fflush(stdout);
}

#define TH_LOG(...)	__th_diag(_metadata, __FILE__, __LINE__, __VA_ARGS__)

static inline void __attribute__((format(printf, 2, 3)))
__th_skip(struct __test_metadata *m, const char *fmt, ...)
{
	va_list ap;
	char *c;

	m->skipped = true;
	if (!m->skip_reason)
		return;
	va_start(ap, fmt);
	vsnprintf(m->skip_reason, __TH_REASON_MAX, fmt, ap);
	va_end(ap);
	/* The reason ends up on the single "ok ... # SKIP" line. */
	for (c = m->skip_reason; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

#define SKIP(statement, ...)						\
	do {								\
		__th_skip(_metadata, __VA_ARGS__);			\
		statement;						\
	} while (0)

/* ---- checks ---- */

enum __th_op { __TH_EQ, __TH_NE, __TH_LT, __TH_LE, __TH_GT, __TH_GE };

struct __th_value {
	uintmax_t bits;
	bool is_signed;
	bool is_pointer;
};

/*
 * Pointers are compared as uintptr_t, so no cast ever changes a pointer's
 * size and no ordered comparison is ever made between pointers, which
 * compilers warn about for function pointers.  5 is pointer_type_class in
 * both GCC and Clang.
 */
#define __TH_IS_POINTER(v)	(__builtin_classify_type(v) == 5)
#define __TH_INT_TYPE(v)						\
	__typeof__(__builtin_choose_expr(__TH_IS_POINTER(v), (uintptr_t)0, (v)))
#define __TH_IS_SIGNED(v)	((__TH_INT_TYPE(v))-1 < (__TH_INT_TYPE(v))1)

/* A negative value keeps its two's complement bits in uintmax_t. */
#define __TH_VALUE(v) ((struct __th_value){				\
	.bits = (uintmax_t)(__TH_INT_TYPE(v))(v),			\
	.is_signed = __TH_IS_SIGNED(v),					\
	.is_pointer = __TH_IS_POINTER(v),				\
})

static inline int __th_compare(const struct __th_value *a,
			       const struct __th_value *b)
{
	bool a_neg = a->is_signed && (intmax_t)a->bits < 0;
	bool b_neg = b->is_signed && (intmax_t)b->bits < 0;

	if (a_neg != b_neg)
		return a_neg ? -1 : 1;
	/* Same sign: two's complement bits order like the values. */
	return (a->bits > b->bits) - (a->bits < b->bits);
}

static inline bool __th_holds(enum __th_op op, int cmp)
{
	switch (op) {
	case __TH_EQ:
		return cmp == 0;
	case __TH_NE:
		return cmp != 0;
	case __TH_LT:
		return cmp < 0;
	case __TH_LE:
		return cmp <= 0;
	case __TH_GT:
		return cmp > 0;
	case __TH_GE:
		return cmp >= 0;
	}
	return false;
}

static inline const char *__th_op_str(enum __th_op op)
{
	static const char *const str[] = {
		[__TH_EQ] = "==", [__TH_NE] = "!=", [__TH_LT] = "<",
		[__TH_LE] = "<=", [__TH_GT] = ">", [__TH_GE] = ">=",
	};

	return str[op];
}

static inline void __th_print_value(char *buf, size_t size,
				    const struct __th_value *v)
{
	if (v->is_pointer && !v->bits)
		snprintf(buf, size, "NULL");
	else if (v->is_pointer)
		snprintf(buf, size, "%#jx", v->bits);
	else if (v->is_signed)
		snprintf(buf, size, "%jd", (intmax_t)v->bits);
	else
		snprintf(buf, size, "%ju", v->bits);
}

/* Returns true when the check failed, which runs the optional TH_LOG. */
static inline bool __th_check(struct __test_metadata *m, const char *file,
			      int line, enum __th_op op,
			      const char *e_str, struct __th_value e,
			      const char *s_str, struct __th_value s)
{
	char e_buf[32], s_buf[32];

	if (__th_holds(op, __th_compare(&e, &s)))
		return false;
	m->failed = true;
	__th_print_value(e_buf, sizeof(e_buf), &e);
	__th_print_value(s_buf, sizeof(s_buf), &s);
	__th_diag(m, file, line, "Expected %s (%s) %s %s (%s)", e_str, e_buf,
		  __th_op_str(op), s_str, s_buf);
	return true;
}

static inline bool __th_str_is_short(const char *s)
{
	return !s || (!strchr(s, '\n') && strlen(s) <= __TH_SHORT_STR);
}

static inline void __th_quote(char *buf, size_t size, const char *s)
{
	if (s)
		snprintf(buf, size, "\"%s\"", s);
	else
		snprintf(buf, size, "NULL");
}

static inline unsigned int __th_first_diff_line(const char *a, const char *b)
{
	unsigned int line = 1;

	for (; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return line;
}

static inline void __th_dump_str(const char *mark, const char *expr,
				 const char *s)
{
	size_t len;

	if (!s) {
		printf("# %s %s: NULL\n", mark, expr);
		return;
	}
	printf("# %s %s\n", mark, expr);
	len = strlen(s);
	if (!len)
		return;
	/* A final newline ends the last line rather than opening one. */
	if (s[len - 1] == '\n') {
		char *copy = strndup(s, len - 1);

		__th_comment("", copy ? copy : s);
		free(copy);
		return;
	}
	__th_comment("", s);
	printf("# \\ No newline at end\n");
}

static inline bool __th_check_str(struct __test_metadata *m,
				  const char *file, int line, bool want_equal,
				  const char *e_str, const char *e,
				  const char *s_str, const char *s)
{
	const char *op = want_equal ? "==" : "!=";
	char e_buf[__TH_SHORT_STR + 3], s_buf[__TH_SHORT_STR + 3];
	bool equal = (e && s) ? !strcmp(e, s) : e == s;

	if (equal == want_equal)
		return false;
	m->failed = true;
	if (__th_str_is_short(e) && __th_str_is_short(s)) {
		__th_quote(e_buf, sizeof(e_buf), e);
		__th_quote(s_buf, sizeof(s_buf), s);
		__th_diag(m, file, line, "Expected %s (%s) %s %s (%s)",
			  e_str, e_buf, op, s_str, s_buf);
		return true;
	}
	if (e && s && !equal)
		__th_diag(m, file, line,
			  "Expected %s %s %s, first difference in line %u",
			  e_str, op, s_str, __th_first_diff_line(e, s));
	else
		__th_diag(m, file, line, "Expected %s %s %s",
			  e_str, op, s_str);
	__th_dump_str("---", e_str, e);
	__th_dump_str("+++", s_str, s);
	fflush(stdout);
	return true;
}

static inline bool __th_bail(struct __test_metadata *m, bool is_assert)
{
	if (is_assert)
		longjmp(m->env, 1);
	return false;
}

/*
 * The whole check is one for statement, so it nests under an unbraced if
 * and lets a trailing TH_LOG(...) become its body, run only on failure.
 * The body sits behind a default label so that a bare `;' is not an empty
 * loop body, which Clang would warn about.  Operands are evaluated once,
 * into copies that __typeof__ takes after ?: has decayed arrays and
 * promoted bit-fields.
 */
#define __TH_OPTIONAL_LOG	switch (0) default:

#define __TH_EXPECT(e, e_str, s, s_str, op, is_assert)			\
	for (_metadata->trigger = ({					\
		__typeof__(1 ? (e) : (e)) __th_e = (e);			\
		__typeof__(1 ? (s) : (s)) __th_s = (s);			\
									\
		__th_check(_metadata, __FILE__, __LINE__, op,		\
			   e_str, __TH_VALUE(__th_e),			\
			   s_str, __TH_VALUE(__th_s));			\
	     });							\
	     _metadata->trigger;					\
	     _metadata->trigger = __th_bail(_metadata, is_assert))	\
		__TH_OPTIONAL_LOG

#define __TH_EXPECT_STR(e, e_str, s, s_str, want_equal, is_assert)	\
	for (_metadata->trigger = __th_check_str(_metadata, __FILE__,	\
						 __LINE__, want_equal,	\
						 e_str, (e), s_str, (s)); \
	     _metadata->trigger;					\
	     _metadata->trigger = __th_bail(_metadata, is_assert))	\
		__TH_OPTIONAL_LOG

#define ASSERT_EQ(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_EQ, true)
#define ASSERT_NE(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_NE, true)
#define ASSERT_LT(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_LT, true)
#define ASSERT_LE(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_LE, true)
#define ASSERT_GT(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_GT, true)
#define ASSERT_GE(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_GE, true)
#define ASSERT_NULL(s)	__TH_EXPECT(NULL, "NULL", s, #s, __TH_EQ, true)
#define ASSERT_TRUE(s)	__TH_EXPECT(0, "0", s, #s, __TH_NE, true)
#define ASSERT_FALSE(s)	__TH_EXPECT(0, "0", s, #s, __TH_EQ, true)
#define ASSERT_STREQ(e, s)	__TH_EXPECT_STR(e, #e, s, #s, true, true)
#define ASSERT_STRNE(e, s)	__TH_EXPECT_STR(e, #e, s, #s, false, true)

#define EXPECT_EQ(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_EQ, false)
#define EXPECT_NE(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_NE, false)
#define EXPECT_LT(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_LT, false)
#define EXPECT_LE(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_LE, false)
#define EXPECT_GT(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_GT, false)
#define EXPECT_GE(e, s)	__TH_EXPECT(e, #e, s, #s, __TH_GE, false)
#define EXPECT_NULL(s)	__TH_EXPECT(NULL, "NULL", s, #s, __TH_EQ, false)
#define EXPECT_TRUE(s)	__TH_EXPECT(0, "0", s, #s, __TH_NE, false)
#define EXPECT_FALSE(s)	__TH_EXPECT(0, "0", s, #s, __TH_EQ, false)
#define EXPECT_STREQ(e, s)	__TH_EXPECT_STR(e, #e, s, #s, true, false)
#define EXPECT_STRNE(e, s)	__TH_EXPECT_STR(e, #e, s, #s, false, false)

/* ---- running ---- */

struct __th_runner {
	const char **filters;
	int nr_filters;
	bool list;
	bool running;
	unsigned int selected;
	unsigned int cases;
	unsigned int index;
	unsigned int pass;
	unsigned int fail;
	unsigned int skip;
	char *reason;
	sigset_t child_mask;
	const struct __th_fixture *last_fixture;
	const struct __th_variant *last_variant;
};

static inline void __th_full_name(char *buf, size_t size,
				  const struct __th_fixture *f,
				  const struct __th_variant *v,
				  const struct __th_test *t)
{
	if (!f->name)
		snprintf(buf, size, "%s", t->name);
	else if (!v)
		snprintf(buf, size, "%s.%s", f->name, t->name);
	else
		snprintf(buf, size, "%s.%s.%s", f->name, v->name, t->name);
}

static inline bool __th_selected(const struct __th_runner *r,
				 const char *name)
{
	int i;

	if (!r->nr_filters)
		return true;
	for (i = 0; i < r->nr_filters; i++)
		if (strstr(name, r->filters[i]))
			return true;
	return false;
}

static inline const char *__th_signame(int sig)
{
	switch (sig) {
	case SIGABRT: return "SIGABRT";
	case SIGALRM: return "SIGALRM";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGINT: return "SIGINT";
	case SIGKILL: return "SIGKILL";
	case SIGPIPE: return "SIGPIPE";
	case SIGQUIT: return "SIGQUIT";
	case SIGSEGV: return "SIGSEGV";
	case SIGSYS: return "SIGSYS";
	case SIGTERM: return "SIGTERM";
	case SIGTRAP: return "SIGTRAP";
	}
	return "signal";
}

/*
 * Only the static __th_current is used across setjmp(), so no local can
 * be left stale by an ASSERT's longjmp().
 */
static inline void __th_run_hooks(void)
{
	if (!setjmp(__th_current.env)) {
		if (__th_current.__fixture->setup)
			__th_current.__fixture->setup(&__th_current,
						      __th_current.__self,
						      __th_current.__variant);
		__th_current.setup_done = true;
		if (!__th_current.failed && !__th_current.skipped)
			__th_current.__test->fn(&__th_current,
						__th_current.__self,
						__th_current.__variant);
	}
	if (!__th_current.setup_done || !__th_current.__fixture->teardown)
		return;
	if (!setjmp(__th_current.env))
		__th_current.__fixture->teardown(&__th_current,
						 __th_current.__self,
						 __th_current.__variant);
}

static inline void __attribute__((noreturn))
__th_child(struct __th_runner *r, const char *name,
	   const struct __th_fixture *f, const struct __th_variant *v,
	   const struct __th_test *t)
{
	struct __test_metadata *m = &__th_current;
	const struct rlimit no_core = { 0, 0 };

	sigprocmask(SIG_SETMASK, &r->child_mask, NULL);
	setrlimit(RLIMIT_CORE, &no_core);
	m->name = name;
	m->timeout = t->timeout;
	m->skip_reason = r->reason;
	m->__fixture = f;
	m->__test = t;
	m->__variant = v ? v->data : NULL;
	if (t->self_size) {
		m->__self = calloc(1, t->self_size);
		if (!m->__self) {
			printf("# %s: no memory for the fixture\n", name);
			exit(KSFT_FAIL);
		}
	}
	__th_run_hooks();
	free(m->__self);
	fflush(NULL);
	if (m->failed)
		exit(KSFT_FAIL);
	exit(m->skipped ? KSFT_SKIP : KSFT_PASS);
}

static inline bool __th_deadline_passed(const struct timespec *deadline,
					struct timespec *left)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left->tv_sec = deadline->tv_sec - now.tv_sec;
	left->tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (left->tv_nsec < 0) {
		left->tv_nsec += 1000000000L;
		left->tv_sec--;
	}
	return left->tv_sec < 0;
}

/*
 * SIGCHLD is blocked in the parent, so waiting for it with a timeout has
 * no window in which the child's exit can be missed.  Returns false when
 * the child had to be killed.
 */
static inline bool __th_wait(pid_t pid, unsigned int timeout, int *status)
{
	struct timespec deadline, left;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	for (;;) {
		pid_t done = waitpid(pid, status, timeout ? WNOHANG : 0);

		if (done == pid)
			return true;
		if (done < 0 && errno != EINTR) {
			*status = -1;
			return true;
		}
		if (!timeout)
			continue;
		if (__th_deadline_passed(&deadline, &left))
			break;
		sigtimedwait(&chld, NULL, &left);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return false;
}

static inline void __th_report(struct __th_runner *r, const char *name,
			       const struct __th_test *t, bool in_time,
			       int status)
{
	if (!in_time) {
		printf("# %s: timed out after %u seconds\n", name, t->timeout);
	} else if (status == -1) {
		printf("# %s: waitpid: %s\n", name, strerror(errno));
	} else if (WIFSIGNALED(status)) {
		printf("# %s: terminated by signal %d (%s: %s)\n", name,
		       WTERMSIG(status), __th_signame(WTERMSIG(status)),
		       strsignal(WTERMSIG(status)));
	} else if (WEXITSTATUS(status) == KSFT_PASS) {
		r->pass++;
		printf("ok %u %s\n", r->index, name);
		return;
	} else if (WEXITSTATUS(status) == KSFT_SKIP) {
		r->skip++;
		printf("ok %u %s # SKIP %s\n", r->index, name,
		       r->reason[0] ? r->reason : "(no reason given)");
		return;
	} else if (WEXITSTATUS(status) != KSFT_FAIL) {
		printf("# %s: exited with status %d\n", name,
		       WEXITSTATUS(status));
	}
	r->fail++;
	printf("not ok %u %s\n", r->index, name);
}

static inline void __th_run(struct __th_runner *r, const char *name,
			    const struct __th_fixture *f,
			    const struct __th_variant *v,
			    const struct __th_test *t)
{
	bool in_time;
	int status;
	pid_t pid;

	r->index++;
	memset(r->reason, 0, __TH_REASON_MAX);
	printf("#  RUN  %s\n", name);
	if (f->generated && !v) {
		printf("# %s: the generator of fixture %s made no variant\n",
		       name, f->name);
		r->fail++;
		printf("not ok %u %s\n", r->index, name);
		return;
	}
	/* Whatever is buffered now would otherwise be printed twice. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		printf("# %s: fork: %s\n", name, strerror(errno));
		r->fail++;
		printf("not ok %u %s\n", r->index, name);
		return;
	}
	if (!pid)
		__th_child(r, name, f, v, t);
	in_time = __th_wait(pid, t->timeout, &status);
	__th_report(r, name, t, in_time, status);
	fflush(stdout);
}

static inline void __th_visit(struct __th_runner *r, const char *name,
			      const struct __th_fixture *f,
			      const struct __th_variant *v,
			      const struct __th_test *t)
{
	if (!__th_selected(r, name))
		return;
	if (r->list) {
		printf("%s\n", name);
		return;
	}
	if (!r->running) {
		r->selected++;
		if (f != r->last_fixture || v != r->last_variant)
			r->cases++;
		r->last_fixture = f;
		r->last_variant = v;
		return;
	}
	__th_run(r, name, f, v, t);
}

/* Walks every test in run order: fixture, then variant, then test. */
static inline void __th_for_each(struct __th_runner *r)
{
	const struct __th_variant *v;
	const struct __th_fixture *f;
	const struct __th_test *t;
	char name[__TH_NAME_MAX];

	for (f = __th_fixtures; f; f = f->next) {
		v = f->variants;
		do {
			for (t = f->tests; t; t = t->next) {
				__th_full_name(name, sizeof(name), f, v, t);
				__th_visit(r, name, f, v, t);
			}
			v = v ? v->next : NULL;
		} while (v);
	}
}

/* Two variants of one fixture with the same name: the first such name. */
static inline const char *__th_duplicate_variant(const struct __th_fixture *f)
{
	const struct __th_variant *v, *w;

	for (v = f->variants; v; v = v->next)
		for (w = v->next; w; w = w->next)
			if (!strcmp(v->name, w->name))
				return v->name;
	return NULL;
}

/* Whatever the constructors got wrong, as one line, or NULL. */
static inline const char *__th_early_check(void)
{
	const struct __th_fixture *f;
	const char *dup;

	if (__th_early_error[0])
		return __th_early_error;
	for (f = __th_fixtures; f; f = f->next) {
		dup = __th_duplicate_variant(f);
		if (!dup)
			continue;
		snprintf(__th_early_error, sizeof(__th_early_error),
			 "fixture %s: two variants named %s", f->name, dup);
		return __th_early_error;
	}
	return NULL;
}

static inline int __th_usage(const char *argv0, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [-l] [-t SUBSTRING]...\n"
		"  -l            list the test names and exit\n"
		"  -t SUBSTRING  run only tests whose name contains it\n",
		argv0);
	return status;
}

static inline int __th_main(int argc, char **argv)
{
	const char *argv0 = argc > 0 ? argv[0] : "test";
	const char *filters[argc > 0 ? argc : 1];
	struct __th_runner r = { .filters = filters };
	const char *early;
	sigset_t chld;
	int opt;

	while ((opt = getopt(argc, argv, "hlt:")) != -1) {
		switch (opt) {
		case 'l':
			r.list = true;
			break;
		case 't':
			filters[r.nr_filters++] = optarg;
			break;
		case 'h':
			return __th_usage(argv0, 0);
		default:
			return __th_usage(argv0, KSFT_FAIL);
		}
	}
	if (optind < argc)
		return __th_usage(argv0, KSFT_FAIL);
	early = __th_early_check();
	if (early && r.list) {
		fprintf(stderr, "%s: %s\n", argv0, early);
		return KSFT_FAIL;
	}
	if (early) {
		printf("TAP version 13\nBail out! %s\n", early);
		return KSFT_FAIL;
	}
	/* The first walk lists, or counts for the plan. */
	__th_for_each(&r);
	if (r.list)
		return KSFT_PASS;

	printf("TAP version 13\n");
	if (!r.selected) {
		printf("1..0 # SKIP no test selected\n");
		return KSFT_SKIP;
	}
	printf("1..%u\n", r.selected);
	printf("# Starting %u tests from %u test cases.\n", r.selected,
	       r.cases);

	r.reason = mmap(NULL, __TH_REASON_MAX, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r.reason == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &r.child_mask);
	r.running = true;
	__th_for_each(&r);
	sigprocmask(SIG_SETMASK, &r.child_mask, NULL);
	munmap(r.reason, __TH_REASON_MAX);

	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       r.pass, r.fail, r.skip);
	fflush(stdout);
	if (r.fail)
		return KSFT_FAIL;
	return r.pass ? KSFT_PASS : KSFT_SKIP;
}

#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		return __th_main(argc, argv);				\
	}

#endif /* MEMS_SELFTESTS_HARNESS_H */
