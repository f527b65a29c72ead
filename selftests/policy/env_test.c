// SPDX-License-Identifier: MIT
/*
 * env_test.c - MEMS_POLICY, the run-time choice of the global policy.
 *
 * The variable is read at every mems_init(), the lazy one of a first
 * mems_malloc() included, and nowhere else.  A built policy's name
 * selects it; unset or empty selects the configured default silently; any
 * other name selects the default too, after one line on stderr naming it
 * and every policy the registry holds.
 *
 * Placement is checked on a layout expressed in units of 16 bytes, a
 * multiple of every granule, from the configured virtual base: holes of
 * 3 units at the base (the lowest), 2 units at base + 4 units (the
 * smallest that fits) and the tail of the node from base + 7 units, right
 * where the rover is.  A request of 2 units then lands where the rule of
 * the policy (rules.h) says, which differs between rules.  Every built
 * policy is a variant, as mems_policy_info() lists them.
 */
#define _GNU_SOURCE

#include "../harness.h"
#include "../mems_test.h"
#include "rules.h"

#define UNIT	16
#define BASE	((uintptr_t)CONFIG_MEMS_VIRT_BASE)

/*
 * Where a request of 2 units goes in the layout under @policy, as the
 * rule it follows (rules.h) picks among the three holes; the rover is
 * right after the last block, at the start of the tail.
 */
static uintptr_t expected_pick(struct __test_metadata *_metadata,
			       const char *policy)
{
	const struct rule *rule = rule_of_policy(policy);
	const struct rule_hole holes[3] = {
		{ BASE, 3 * UNIT },
		{ BASE + 4 * UNIT, 2 * UNIT },
		{ BASE + 7 * UNIT, node_bytes_for(9 * UNIT) - 7 * UNIT },
	};
	size_t pick;

	ASSERT_NE(NULL, rule) TH_LOG("%s follows no rule of rules.h", policy);
	pick = rule->pick(holes, 3, 2 * UNIT, BASE + 7 * UNIT);
	ASSERT_GT(3, pick) TH_LOG("no hole for %s", policy);
	return holes[pick].start;
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
	ASSERT_EQ(expected_pick(_metadata, policy), U(mems_malloc(2 * UNIT)))
		TH_LOG("placement under %s", policy);
	ASSERT_EQ(0, check_global_heap());
}

/*
 * The built policies' names after @sep then ", ": the linear references
 * or the others, as @references says, in the registry's order.
 */
static void append_policies(char *list, size_t size, bool references,
			    const char *sep)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		if (!!(info.flags & MEMS_POLICY_REFERENCE) != references)
			continue;
		snprintf(list + strlen(list), size - strlen(list), "%s%s", sep,
			 info.name);
		sep = ", ";
	}
}

/*
 * @err is the one whole line an unknown @name gives: it lists what the
 * registry holds, the linear references apart, and names the default.
 */
static void assert_warning(struct __test_metadata *_metadata,
			   const char *err, const char *name)
{
	char built[512] = "", want[1024];

	append_policies(built, sizeof(built), false, "");
	append_policies(built, sizeof(built), true, "; references: ");
	snprintf(want, sizeof(want),
		 "mems_init: unknown placement policy '%s' in MEMS_POLICY "
		 "(built: %s), using %s\n",
		 name, built, mems_default_policy());
	ASSERT_STREQ(want, err);
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

/* One variant per built policy, linear references included. */
FIXTURE_VARIANT_GENERATE(env, env_variants)
{
	FIXTURE_VARIANT(env) *v;
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		v = FIXTURE_VARIANT_NEW(env, info.name);
		if (!v)
			return;
		v->name = info.name;
	}
}

FIXTURE_SETUP(env)
{
	/* Whatever the caller's environment holds. */
	ASSERT_EQ(0, unsetenv("MEMS_POLICY"));
	ASSERT_NE(NULL, rule_of_policy(variant->name))
		TH_LOG("%s follows no rule of rules.h", variant->name);
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
	ASSERT_EQ(expected_pick(_metadata, variant->name),
		  U(mems_malloc(2 * UNIT)));
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
	ASSERT_EQ(expected_pick(_metadata, variant->name),
		  U(mems_malloc(2 * UNIT)));
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
	ASSERT_EQ(expected_pick(_metadata, mems_default_policy()),
		  U(mems_malloc(2 * UNIT)));
	mems_finish();
}

/* One line naming it, at each mems_init() that reads it; the default. */
TEST(unknown_name_warns_and_selects_default)
{
	char *err;
	int i;

	ASSERT_EQ(0, setenv("MEMS_POLICY", "no-such-fit", 1));
	for (i = 0; i < 2; i++) {
		err = CAPTURE(stderr, mems_init());
		assert_warning(_metadata, err, "no-such-fit");
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
	ASSERT_EQ(expected_pick(_metadata, mems_default_policy()),
		  U(mems_malloc(2 * UNIT)));

	/* And again after mems_finish(), at the next lazy start. */
	mems_finish();
	err = CAPTURE(stderr, mems_malloc(UNIT));
	assert_warning(_metadata, err, "no-such-policy");
	free(err);
	mems_finish();
}

/* @name with every letter in upper case, malloc'd. */
static char *upper(const char *name)
{
	char *copy = strdup(name), *c;

	for (c = copy; c && *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return copy;
}

/* @name with '_' for every '-', malloc'd. */
static char *underscored(const char *name)
{
	char *copy = strdup(name), *c;

	for (c = copy; c && *c; c++)
		if (*c == '-')
			*c = '_';
	return copy;
}

/*
 * Names are exact: not the case, not a prefix, not with blanks, not
 * with '_' for '-'.  The near names are made from the default's name.
 */
TEST(near_names_are_unknown)
{
	const char *name = mems_default_policy();
	char *near[5];
	unsigned int i;
	char *err;

	ASSERT_NE(NULL, strchr(name, '-')) TH_LOG("default %s", name);
	near[0] = upper(name);
	near[1] = strndup(name, strcspn(name, "-"));
	near[2] = underscored(name);
	ASSERT_LT(0, asprintf(&near[3], " %s", name));
	ASSERT_LT(0, asprintf(&near[4], "%s ", name));
	for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		ASSERT_NE(NULL, near[i]);
		ASSERT_FALSE(policy_built(near[i])) TH_LOG("\"%s\"", near[i]);
		ASSERT_EQ(0, setenv("MEMS_POLICY", near[i], 1));
		err = CAPTURE(stderr, mems_init());
		assert_warning(_metadata, err, near[i]);
		free(err);
		ASSERT_STREQ(mems_default_policy(),
			     mems_heap_policy(mems_default_heap()));
		free(near[i]);
	}
	mems_finish();
}

/* @name is not built: it selects the default, after a warning. */
static void assert_unbuilt(struct __test_metadata *_metadata,
			   const char *name)
{
	char *err;

	ASSERT_EQ(0, setenv("MEMS_POLICY", name, 1));
	err = CAPTURE(stderr, mems_init());
	assert_warning(_metadata, err, name);
	free(err);
	ASSERT_STREQ(mems_default_policy(),
		     mems_heap_policy(mems_default_heap()));
}

/*
 * A policy this configuration does not build counts as unknown: every
 * rule of rules.h, and its linear reference, that the registry lacks.
 */
TEST(unbuilt_name_warns)
{
	unsigned int i, tried = 0;
	char linear[64];

	for (i = 0; i < NR_RULES; i++) {
		snprintf(linear, sizeof(linear), "%s%s", rules[i].name,
			 REFERENCE_SUFFIX);
		if (!policy_built(rules[i].name)) {
			assert_unbuilt(_metadata, rules[i].name);
			tried++;
		}
		if (!policy_built(linear)) {
			assert_unbuilt(_metadata, linear);
			tried++;
		}
	}
	mems_finish();
	if (!tried)
		SKIP(return, "every policy is built");
}

TEST_HARNESS_MAIN
