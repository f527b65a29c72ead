// SPDX-License-Identifier: MIT
/*
 * registry_test.c - the table of built-in policies and switching a heap.
 *
 * The registry lists exactly the policies Kconfig built (the three of
 * SPEC and, optionally, their linear reference versions), each with a
 * name and a find hook, under unique names; lookups by name go through
 * it, and so does mems_heap_set_policy(), which must leave a heap's
 * policy alone when the name is unknown and start the new policy afresh
 * (the next-fit rover back at the virtual base) when it is known.
 */
#include "../harness.h"
#include "../mems_test.h"

#include <mems/policy.h>

#define WIDE_PAGE	10000
#define BASE		1000

/* What Kconfig says is built, and which policy it made the default. */
static const struct {
	const char *name;
	bool built;
	bool chosen;
} kconfig_policies[] = {
	{
		.name = "first-fit",
#ifdef CONFIG_MEMS_FIRST_FIT
		.built = true,
#endif
#ifdef CONFIG_MEMS_POLICY_FIRST_FIT
		.chosen = true,
#endif
	}, {
		.name = "best-fit",
#ifdef CONFIG_MEMS_BEST_FIT
		.built = true,
#endif
#ifdef CONFIG_MEMS_POLICY_BEST_FIT
		.chosen = true,
#endif
	}, {
		.name = "next-fit",
#ifdef CONFIG_MEMS_NEXT_FIT
		.built = true,
#endif
#ifdef CONFIG_MEMS_POLICY_NEXT_FIT
		.chosen = true,
#endif
	},
	/* The same rules, answered by walking the chains. */
#ifdef CONFIG_MEMS_LINEAR_POLICIES
	{ .name = "first-fit-linear", .built = true },
	{ .name = "best-fit-linear", .built = true },
	{ .name = "next-fit-linear", .built = true },
#else
	{ .name = "first-fit-linear" },
	{ .name = "best-fit-linear" },
	{ .name = "next-fit-linear" },
#endif
};

#define NR_KCONFIG_POLICIES \
	(sizeof(kconfig_policies) / sizeof(kconfig_policies[0]))

static unsigned int nr_builtin(void)
{
	unsigned int i = 0;

	while (mems_policy_at(i))
		i++;
	return i;
}

static struct mems_seg *find_nothing(struct mems_policy *policy,
				     size_t bytes)
{
	(void)policy;
	(void)bytes;
	return NULL;
}

TEST(every_builtin_has_name_and_find)
{
	const struct mems_policy_ops *ops;
	unsigned int i;

	ASSERT_LT(0, nr_builtin());
	for (i = 0; (ops = mems_policy_at(i)); i++) {
		ASSERT_NE(NULL, ops->name) TH_LOG("policy %u", i);
		ASSERT_NE(0, strlen(ops->name)) TH_LOG("policy %u", i);
		ASSERT_NE(NULL, ops->find) TH_LOG("%s", ops->name);
	}
	ASSERT_NULL(mems_policy_at(i + 1));
	ASSERT_NULL(mems_policy_at(-1U));
}

TEST(builtin_names_are_unique)
{
	unsigned int i, j, nr = nr_builtin();

	for (i = 0; i < nr; i++)
		for (j = i + 1; j < nr; j++)
			ASSERT_STRNE(mems_policy_at(i)->name,
				     mems_policy_at(j)->name);
}

/* Exactly the policies Kconfig selected, whichever the default is. */
TEST(registry_lists_what_kconfig_built)
{
	unsigned int i, built = 0;

	for (i = 0; i < NR_KCONFIG_POLICIES; i++) {
		const char *name = kconfig_policies[i].name;
		bool want = kconfig_policies[i].built;

		if (want) {
			built++;
			ASSERT_NE(NULL, mems_policy_lookup(name))
				TH_LOG("%s is built", name);
		} else {
			ASSERT_NULL(mems_policy_lookup(name))
				TH_LOG("%s is not built", name);
		}
	}
	ASSERT_EQ(built, nr_builtin());
}

TEST(lookup_finds_each_by_name)
{
	const struct mems_policy_ops *ops;
	char copy[64];
	unsigned int i;

	for (i = 0; (ops = mems_policy_at(i)); i++) {
		ASSERT_EQ(ops, mems_policy_lookup(ops->name));
		/* By content, not by pointer. */
		snprintf(copy, sizeof(copy), "%s", ops->name);
		ASSERT_EQ(ops, mems_policy_lookup(copy));
	}
}

TEST(lookup_of_unknown_names_is_null)
{
	ASSERT_NULL(mems_policy_lookup("worst-fit"));
	ASSERT_NULL(mems_policy_lookup(""));
	ASSERT_NULL(mems_policy_lookup(NULL));
	ASSERT_NULL(mems_policy_lookup("first-fit "));
	ASSERT_NULL(mems_policy_lookup("first"));
	ASSERT_NULL(mems_policy_lookup("first-fit-more"));
}

TEST(policy_name_walks_the_table)
{
	unsigned int i, nr = nr_builtin();

	for (i = 0; i < nr; i++)
		ASSERT_STREQ(mems_policy_at(i)->name, mems_policy_name(i));
	ASSERT_NULL(mems_policy_name(nr));
	ASSERT_NULL(mems_policy_name(-1U));
}

TEST(default_policy_is_the_configured_one)
{
	unsigned int i, chosen = 0;

	ASSERT_STREQ(CONFIG_MEMS_POLICY_DEFAULT, mems_default_policy());
	for (i = 0; i < NR_KCONFIG_POLICIES; i++) {
		if (!kconfig_policies[i].chosen)
			continue;
		chosen++;
		ASSERT_STREQ(kconfig_policies[i].name, mems_default_policy());
		/* Choosing a policy as the default builds it. */
		ASSERT_TRUE(kconfig_policies[i].built);
	}
	ASSERT_EQ(1, chosen);
	ASSERT_NE(NULL, mems_policy_lookup(mems_default_policy()));
	ASSERT_STREQ(mems_default_policy(),
		     mems_policy_lookup(mems_default_policy())->name);
}

/* A heap given no policy, or an empty name, gets the default. */
TEST(heap_without_policy_gets_default)
{
	const struct mems_heap_config empty = { .policy = "" };
	struct mems_heap *heap;

	ASSERT_EQ(0, mems_heap_create(NULL, &heap));
	ASSERT_STREQ(mems_default_policy(), mems_heap_policy(heap));
	mems_heap_destroy(heap);
	ASSERT_EQ(0, mems_heap_create(&empty, &heap));
	ASSERT_STREQ(mems_default_policy(), mems_heap_policy(heap));
	mems_heap_destroy(heap);
}

TEST(heap_with_unknown_policy_is_refused)
{
	const struct mems_heap_config config = { .policy = "worst-fit" };
	struct mems_heap *heap = NULL;

	ASSERT_EQ(-ENOENT, mems_heap_create(&config, &heap));
	ASSERT_NULL(heap);
}

TEST(validate_accepts_builtins)
{
	const struct mems_policy_ops *ops;
	unsigned int i;

	for (i = 0; (ops = mems_policy_at(i)); i++)
		ASSERT_EQ(0, mems_policy_validate(ops)) TH_LOG("%s", ops->name);
}

TEST(validate_accepts_new_name)
{
	const struct mems_policy_ops worst_fit = {
		.name = "worst-fit",
		.find = find_nothing,
	};

	ASSERT_EQ(0, mems_policy_validate(&worst_fit));
}

TEST(validate_rejects_missing_find)
{
	const struct mems_policy_ops no_find = { .name = "worst-fit" };

	ASSERT_EQ(-EINVAL, mems_policy_validate(&no_find));
}

/* An empty name could never be chosen: "" selects the default. */
TEST(validate_rejects_missing_name)
{
	const struct mems_policy_ops no_name = { .find = find_nothing };
	const struct mems_policy_ops empty_name = {
		.name = "",
		.find = find_nothing,
	};

	ASSERT_EQ(-EINVAL, mems_policy_validate(&no_name));
	ASSERT_EQ(-EINVAL, mems_policy_validate(&empty_name));
}

TEST(validate_rejects_taken_name)
{
	const struct mems_policy_ops *builtin;
	struct mems_policy_ops impostor;
	char name[64];
	unsigned int i;

	for (i = 0; (builtin = mems_policy_at(i)); i++) {
		impostor = *builtin;
		ASSERT_EQ(-EEXIST, mems_policy_validate(&impostor))
			TH_LOG("a copy of %s", builtin->name);
		snprintf(name, sizeof(name), "%s", builtin->name);
		impostor.name = name;
		impostor.find = find_nothing;
		ASSERT_EQ(-EEXIST, mems_policy_validate(&impostor))
			TH_LOG("another %s", builtin->name);
	}
}

/*
 * Switching a live heap.  The layout: holes of 100 at 1000 and 60 at 1200,
 * and the tail [10000:10999] after the last block, where a next-fit rover
 * that was not restarted would point.
 */
FIXTURE(switch) {
	struct mems_heap *heap;
	char *before;
	char *after;
};

static uintptr_t alloc(struct mems_heap *heap, size_t size)
{
	void *v = NULL;

	if (mems_heap_alloc(heap, size, &v))
		return 0;
	return U(v);
}

static int heap_build(struct mems_heap **heap, const char *policy)
{
	const struct mems_heap_config config = {
		.policy = policy,
		.page_size = WIDE_PAGE,
		.virt_base = BASE,
		.align = 1,
	};
	int err = mems_heap_create(&config, heap);

	if (err)
		return err;
	if (alloc(*heap, 100) != 1000 || alloc(*heap, 100) != 1100 ||
	    alloc(*heap, 60) != 1200 || alloc(*heap, 8740) != 1260)
		return -EUCLEAN;
	if (mems_heap_free(*heap, V(1000)) || mems_heap_free(*heap, V(1200)))
		return -EUCLEAN;
	return mems_heap_check(*heap, NULL);
}

#define REQUIRE_POLICIES(...) do {					\
	static const char *const names_[] = { __VA_ARGS__ };		\
	size_t i_;							\
									\
	for (i_ = 0; i_ < sizeof(names_) / sizeof(names_[0]); i_++)	\
		if (!policy_built(names_[i_]))				\
			SKIP(return, "%s is not built", names_[i_]);	\
} while (0)

FIXTURE_SETUP(switch)
{
}

FIXTURE_TEARDOWN(switch)
{
	if (self->heap) {
		EXPECT_EQ(0, mems_heap_check(self->heap, NULL));
		mems_heap_destroy(self->heap);
	}
	free(self->before);
	free(self->after);
}

/* The next allocation follows the new rule; the chains are untouched. */
TEST_F(switch, next_allocation_follows_new_policy)
{
	REQUIRE_POLICIES("first-fit", "best-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "first-fit"));
	self->before = heap_stats_text(self->heap);

	ASSERT_EQ(0, mems_heap_set_policy(self->heap, "best-fit"));
	ASSERT_STREQ("best-fit", mems_heap_policy(self->heap));
	self->after = heap_stats_text(self->heap);
	ASSERT_STREQ(self->before, self->after);
	ASSERT_EQ(0, mems_heap_check(self->heap, NULL));
	ASSERT_EQ(1200, alloc(self->heap, 50));

	ASSERT_EQ(0, mems_heap_set_policy(self->heap, "first-fit"));
	ASSERT_STREQ("first-fit", mems_heap_policy(self->heap));
	ASSERT_EQ(1000, alloc(self->heap, 50));
}

/*
 * Switching to next-fit starts its rover at the virtual base, so it takes
 * the lowest hole that fits, although the last block ended at 10000.
 */
TEST_F(switch, next_fit_starts_at_virt_base)
{
	REQUIRE_POLICIES("best-fit", "next-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "best-fit"));
	ASSERT_EQ(0, mems_heap_set_policy(self->heap, "next-fit"));
	ASSERT_STREQ("next-fit", mems_heap_policy(self->heap));
	ASSERT_EQ(1000, alloc(self->heap, 50));
	/* From then on the rover follows the allocations. */
	ASSERT_EQ(1050, alloc(self->heap, 50));
	ASSERT_EQ(1200, alloc(self->heap, 50));
	ASSERT_EQ(10000, alloc(self->heap, 50));
}

/* Even from next-fit to next-fit: the policy starts again. */
TEST_F(switch, same_policy_restarts)
{
	REQUIRE_POLICIES("next-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "next-fit"));
	ASSERT_EQ(0, mems_heap_set_policy(self->heap, "next-fit"));
	ASSERT_EQ(1000, alloc(self->heap, 50));
}

/* Without a switch the rover stays after the last block: the control. */
TEST_F(switch, rover_kept_without_switch)
{
	REQUIRE_POLICIES("next-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "next-fit"));
	ASSERT_EQ(10000, alloc(self->heap, 50));
}

/* An unknown name changes nothing, not even the next-fit rover. */
TEST_F(switch, unknown_name_keeps_policy)
{
	REQUIRE_POLICIES("next-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "next-fit"));
	self->before = heap_stats_text(self->heap);

	ASSERT_EQ(-ENOENT, mems_heap_set_policy(self->heap, "worst-fit"));
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(self->heap, "Next-Fit"));
	ASSERT_STREQ("next-fit", mems_heap_policy(self->heap));
	self->after = heap_stats_text(self->heap);
	ASSERT_STREQ(self->before, self->after);
	ASSERT_EQ(10000, alloc(self->heap, 50));
}

TEST_F(switch, unknown_name_keeps_first_fit)
{
	REQUIRE_POLICIES("first-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "first-fit"));
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(self->heap, "worst-fit"));
	ASSERT_STREQ("first-fit", mems_heap_policy(self->heap));
	ASSERT_EQ(1000, alloc(self->heap, 50));
}

/* mems_heap_reset() keeps the policy and starts it afresh. */
TEST_F(switch, reset_keeps_policy)
{
	REQUIRE_POLICIES("next-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "next-fit"));
	mems_heap_reset(self->heap);
	ASSERT_STREQ("next-fit", mems_heap_policy(self->heap));
	self->after = heap_stats_text(self->heap);
	ASSERT_STREQ(EMPTY_REPORT, self->after);
	ASSERT_EQ(1000, alloc(self->heap, 100));
}

TEST_HARNESS_MAIN
