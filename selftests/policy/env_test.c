// SPDX-License-Identifier: MIT
/*
 * env_test.c - MEMS_POLICY, the run-time choice of the global policy.
 *
 * The variable is read at every mems_init(), the lazy one of a first
 * mems_malloc() included, and nowhere else.  A built policy's name
 * selects it; unset or empty selects the configured default silently; any
 * other name selects the default too, after one line on stderr naming it.
 *
 * Placement is checked on a layout expressed in units of 16 bytes, a
 * multiple of every granule, from the configured virtual base: holes of
 * 3 units at the base (the lowest), 2 units at base + 4 units (the
 * smallest that fits) and the tail of the node from base + 7 units, right
 * where the rover is.  A request of 2 units then lands somewhere else for
 * each policy.
 */
#include "../harness.h"
#include "../mems_test.h"

#define UNIT	16
#define BASE	((uintptr_t)CONFIG_MEMS_VIRT_BASE)

/*
 * Where a request of 2 units goes in the layout, per policy; a linear
 * reference policy ("best-fit-linear") follows the rule it is named after.
 */
static uintptr_t expected_pick(const char *policy)
{
	if (!strncmp(policy, "best-fit", strlen("best-fit")))
		return BASE + 4 * UNIT;
	if (!strncmp(policy, "next-fit", strlen("next-fit")))
		return BASE + 7 * UNIT;
	return BASE;
}

/*
 * Blocks of 3, 1, 2 and 1 units carved in order from one node of at least
 * 9 units, then the first and third freed: the tail left is 2 units or
 * more.  The node is first allocated
 * whole and freed, so that every policy carves the blocks from the same
 * single hole; the first call may be the lazy initialisation.
 */
static void build_layout(struct __test_metadata *_metadata)
{
	void *whole = mems_malloc(9 * UNIT);

	ASSERT_EQ(BASE, U(whole));
	mems_free(whole);
	ASSERT_EQ(BASE, U(mems_malloc(3 * UNIT)));
	ASSERT_EQ(BASE + 3 * UNIT, U(mems_malloc(UNIT)));
	ASSERT_EQ(BASE + 4 * UNIT, U(mems_malloc(2 * UNIT)));
	ASSERT_EQ(BASE + 6 * UNIT, U(mems_malloc(UNIT)));
	mems_free(V(BASE));
	mems_free(V(BASE + 4 * UNIT));
	ASSERT_EQ(0, check_global_heap());
}

/* The global MeMS runs @policy: by its name and by where it puts things. */
static void assert_policy(struct __test_metadata *_metadata,
			  const char *policy)
{
	ASSERT_NE(NULL, mems_default_heap());
	ASSERT_STREQ(policy, mems_heap_policy(mems_default_heap()));
	build_layout(_metadata);
	ASSERT_EQ(expected_pick(policy), U(mems_malloc(2 * UNIT)))
		TH_LOG("placement under %s", policy);
	ASSERT_EQ(0, check_global_heap());
}

static size_t count_lines(const char *text)
{
	size_t lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

/* @err is one whole line that names @name. */
static void assert_warning(struct __test_metadata *_metadata,
			   const char *err, const char *name)
{
	ASSERT_EQ(1, count_lines(err)) TH_LOG("stderr: %s", err);
	ASSERT_EQ('\n', err[strlen(err) - 1]);
	ASSERT_NE(NULL, strstr(err, name)) TH_LOG("stderr: %s", err);
}

/* A built policy other than @policy, or NULL when there is none. */
static const char *other_policy(const char *policy)
{
	const char *name;
	unsigned int i;

	for (i = 0; (name = mems_policy_name(i)); i++)
		if (strcmp(name, policy))
			return name;
	return NULL;
}

FIXTURE(env) {
	char *err;
	char *err2;
};

FIXTURE_VARIANT(env) {
	const char *name;
};

FIXTURE_VARIANT_ADD(env, first_fit) {
	.name = "first-fit",
};

FIXTURE_VARIANT_ADD(env, best_fit) {
	.name = "best-fit",
};

FIXTURE_VARIANT_ADD(env, next_fit) {
	.name = "next-fit",
};

FIXTURE_VARIANT_ADD(env, first_fit_linear) {
	.name = "first-fit-linear",
};

FIXTURE_VARIANT_ADD(env, best_fit_linear) {
	.name = "best-fit-linear",
};

FIXTURE_VARIANT_ADD(env, next_fit_linear) {
	.name = "next-fit-linear",
};

FIXTURE_SETUP(env)
{
	/* Whatever the caller's environment holds. */
	ASSERT_EQ(0, unsetenv("MEMS_POLICY"));
	if (!policy_built(variant->name))
		SKIP(return, "%s is not built", variant->name);
}

FIXTURE_TEARDOWN(env)
{
	mems_finish();
	free(self->err);
	free(self->err2);
}

TEST_F(env, init_uses_named_policy)
{
	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->name, 1));
	self->err = CAPTURE(stderr, mems_init());
	ASSERT_STREQ("", self->err);
	assert_policy(_metadata, variant->name);
}

/* A first mems_malloc() initialises MeMS, reading MEMS_POLICY too. */
TEST_F(env, lazy_init_uses_named_policy)
{
	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->name, 1));
	ASSERT_NULL(mems_default_heap());
	self->err = CAPTURE(stderr, build_layout(_metadata));
	ASSERT_STREQ("", self->err);
	ASSERT_STREQ(variant->name, mems_heap_policy(mems_default_heap()));
	ASSERT_EQ(expected_pick(variant->name), U(mems_malloc(2 * UNIT)));
}

/* So does the lazy initialisation after a mems_finish(). */
TEST_F(env, lazy_init_after_finish_rereads)
{
	const char *other = other_policy(variant->name);

	if (!other)
		SKIP(return, "only %s is built", variant->name);
	ASSERT_EQ(0, setenv("MEMS_POLICY", other, 1));
	mems_init();
	ASSERT_NE(NULL, mems_malloc(UNIT));
	ASSERT_STREQ(other, mems_heap_policy(mems_default_heap()));
	mems_finish();
	ASSERT_NULL(mems_default_heap());

	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->name, 1));
	build_layout(_metadata);
	ASSERT_STREQ(variant->name, mems_heap_policy(mems_default_heap()));
	ASSERT_EQ(expected_pick(variant->name), U(mems_malloc(2 * UNIT)));
}

/* A mems_init() on a MeMS in use reads the variable again. */
TEST_F(env, every_init_rereads)
{
	const char *other = other_policy(variant->name);

	if (!other)
		SKIP(return, "only %s is built", variant->name);
	ASSERT_EQ(0, setenv("MEMS_POLICY", other, 1));
	mems_init();
	ASSERT_STREQ(other, mems_heap_policy(mems_default_heap()));
	ASSERT_NE(NULL, mems_malloc(3 * UNIT));

	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->name, 1));
	mems_init();
	assert_policy(_metadata, variant->name);
}

/* Between two mems_init() calls the variable is not looked at. */
TEST_F(env, change_without_init_is_ignored)
{
	const char *other = other_policy(variant->name);

	if (!other)
		SKIP(return, "only %s is built", variant->name);
	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->name, 1));
	mems_init();
	ASSERT_EQ(0, setenv("MEMS_POLICY", other, 1));
	assert_policy(_metadata, variant->name);
}

/* Heaps of the heap API take their policy from their configuration. */
TEST_F(env, heaps_ignore_variable)
{
	struct mems_heap *heap;

	ASSERT_EQ(0, setenv("MEMS_POLICY", variant->name, 1));
	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	EXPECT_STREQ(mems_default_policy(), mems_heap_policy(heap));
	mems_heap_destroy(heap);
}

TEST(unset_selects_default)
{
	char *err;

	ASSERT_EQ(0, unsetenv("MEMS_POLICY"));
	err = CAPTURE(stderr, mems_init());
	EXPECT_STREQ("", err);
	free(err);
	assert_policy(_metadata, mems_default_policy());
	mems_finish();
}

TEST(empty_selects_default)
{
	char *err;

	ASSERT_EQ(0, setenv("MEMS_POLICY", "", 1));
	err = CAPTURE(stderr, mems_init());
	EXPECT_STREQ("", err);
	free(err);
	assert_policy(_metadata, mems_default_policy());
	mems_finish();
}

TEST(unset_selects_default_lazily)
{
	char *err;

	ASSERT_EQ(0, unsetenv("MEMS_POLICY"));
	err = CAPTURE(stderr, build_layout(_metadata));
	EXPECT_STREQ("", err);
	free(err);
	ASSERT_STREQ(mems_default_policy(),
		     mems_heap_policy(mems_default_heap()));
	ASSERT_EQ(expected_pick(mems_default_policy()),
		  U(mems_malloc(2 * UNIT)));
	mems_finish();
}

/* One line naming it, at each mems_init() that reads it; the default. */
TEST(unknown_name_warns_and_selects_default)
{
	char *err;
	int i;

	ASSERT_EQ(0, setenv("MEMS_POLICY", "worst-fit", 1));
	for (i = 0; i < 2; i++) {
		err = CAPTURE(stderr, mems_init());
		assert_warning(_metadata, err, "worst-fit");
		free(err);
		ASSERT_STREQ(mems_default_policy(),
			     mems_heap_policy(mems_default_heap()));
	}
	err = CAPTURE(stderr, assert_policy(_metadata, mems_default_policy()));
	EXPECT_STREQ("", err);
	free(err);
	mems_finish();
}

TEST(unknown_name_warns_at_lazy_init)
{
	char *err;

	ASSERT_EQ(0, setenv("MEMS_POLICY", "no-such-policy", 1));
	err = CAPTURE(stderr, build_layout(_metadata));
	assert_warning(_metadata, err, "no-such-policy");
	free(err);
	ASSERT_STREQ(mems_default_policy(),
		     mems_heap_policy(mems_default_heap()));
	ASSERT_EQ(expected_pick(mems_default_policy()),
		  U(mems_malloc(2 * UNIT)));

	/* And again after mems_finish(), at the next lazy start. */
	mems_finish();
	err = CAPTURE(stderr, mems_malloc(UNIT));
	assert_warning(_metadata, err, "no-such-policy");
	free(err);
	mems_finish();
}

/* Names are exact: not the case, not a prefix, not with blanks. */
TEST(near_names_are_unknown)
{
	static const char *const near[] = {
		"FIRST-FIT", "first", "first_fit", " first-fit", "next-fit ",
	};
	unsigned int i;
	char *err;

	for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		ASSERT_EQ(0, setenv("MEMS_POLICY", near[i], 1));
		err = CAPTURE(stderr, mems_init());
		assert_warning(_metadata, err, near[i]);
		free(err);
		ASSERT_STREQ(mems_default_policy(),
			     mems_heap_policy(mems_default_heap()));
	}
	mems_finish();
}

/* A policy this configuration does not build counts as unknown. */
TEST(unbuilt_name_warns)
{
	static const char *const names[] = {
		"first-fit", "best-fit", "next-fit",
		"first-fit-linear", "best-fit-linear", "next-fit-linear",
	};
	unsigned int i, tried = 0;
	char *err;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (policy_built(names[i]))
			continue;
		tried++;
		ASSERT_EQ(0, setenv("MEMS_POLICY", names[i], 1));
		err = CAPTURE(stderr, mems_init());
		assert_warning(_metadata, err, names[i]);
		free(err);
		ASSERT_STREQ(mems_default_policy(),
			     mems_heap_policy(mems_default_heap()));
	}
	mems_finish();
	if (!tried)
		SKIP(return, "every policy is built");
}

TEST_HARNESS_MAIN
