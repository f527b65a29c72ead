// SPDX-License-Identifier: MIT
/*
 * registry_test.c - the table of built-in policies and switching a heap.
 *
 * core/registry.c holds the one list of policy names; this file names
 * none it does not need.  What Kconfig built is asserted by enumeration:
 * every policy the registry lists is sound, found by name and described
 * alike by mems_policy_at() and mems_policy_info(); the default is
 * built; the linear references are there exactly when
 * CONFIG_MEMS_LINEAR_POLICIES is.  mems_policy_table_check(), the
 * start-up check, is run on tables crafted here, and its report compared
 * line by line.  Last, mems_heap_set_policy() must leave a heap's policy
 * alone when the name is unknown and start the new policy afresh (the
 * next-fit rover back at the virtual base) when it is known.
 */
#include <ctype.h>

#include "../harness.h"
#include "../mems_test.h"

#include <mems/introspect.h>
#include <core/policy.h>
#include <core/registry.h>

#define WIDE_PAGE	10000
#define BASE		1000

/* A name no build gives a policy. */
#define UNKNOWN		"no-such-policy"

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

/* ---------------------------------------------------------------------
 * The built-in table, by enumeration
 */

TEST(every_builtin_is_sound)
{
	const struct mems_policy_ops *ops;
	unsigned int i;

	ASSERT_LT(0, nr_builtin());
	for (i = 0; (ops = mems_policy_at(i)); i++) {
		ASSERT_NE(NULL, ops->name) TH_LOG("policy %u", i);
		ASSERT_NE(0, strlen(ops->name)) TH_LOG("policy %u", i);
		ASSERT_NE(NULL, ops->summary) TH_LOG("%s", ops->name);
		ASSERT_NE(0, strlen(ops->summary)) TH_LOG("%s", ops->name);
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

/* The public description is the entry's, plus the default's flag. */
TEST(policy_at_matches_policy_info)
{
	const struct mems_policy_ops *ops, *ref;
	struct mems_policy_info info;
	unsigned int i, flags;

	for (i = 0; (ops = mems_policy_at(i)); i++) {
		ASSERT_EQ(0, mems_policy_info(i, &info)) TH_LOG("%s", ops->name);
		ASSERT_EQ(ops->name, info.name);
		ASSERT_EQ(ops->summary, info.summary);
		flags = ops->flags;
		if (!strcmp(ops->name, CONFIG_MEMS_POLICY_DEFAULT))
			flags |= MEMS_POLICY_DEFAULT;
		ASSERT_EQ(flags, info.flags) TH_LOG("%s", ops->name);
		ref = ops->reference ? mems_policy_lookup(ops->reference) : NULL;
		ASSERT_EQ(ref ? ref->name : NULL, info.reference)
			TH_LOG("%s", ops->name);
		ASSERT_STREQ(ops->name, mems_policy_name(i));
	}
	ASSERT_EQ(-ENOENT, mems_policy_info(i, &info));
	ASSERT_NULL(mems_policy_name(i));
	ASSERT_NULL(mems_policy_name(-1U));
}

static bool is_builtin_name(const char *name)
{
	const struct mems_policy_ops *ops;
	unsigned int i;

	for (i = 0; (ops = mems_policy_at(i)); i++)
		if (!strcmp(ops->name, name))
			return true;
	return false;
}

/* @name is not found, unless it happens to be another policy's name. */
#define ASSERT_NOT_FOUND(name) do {					\
	if (!is_builtin_name(name))					\
		ASSERT_NULL(mems_policy_lookup(name))			\
			TH_LOG("'%s'", (name));				\
} while (0)

/* Names are compared whole and exactly: no case folding, no trimming. */
TEST(lookup_of_near_names_is_null)
{
	const struct mems_policy_ops *ops;
	char variant[80];
	unsigned int i;
	size_t j, len;

	ASSERT_NULL(mems_policy_lookup(UNKNOWN));
	ASSERT_NULL(mems_policy_lookup(""));
	ASSERT_NULL(mems_policy_lookup(NULL));
	for (i = 0; (ops = mems_policy_at(i)); i++) {
		len = strlen(ops->name);
		ASSERT_GT(sizeof(variant) - 2, len);
		for (j = 0; j <= len; j++)
			variant[j] = (char)toupper((unsigned char)ops->name[j]);
		ASSERT_NOT_FOUND(variant);
		snprintf(variant, sizeof(variant), "%s", ops->name);
		variant[0] = (char)toupper((unsigned char)variant[0]);
		ASSERT_NOT_FOUND(variant);
		snprintf(variant, sizeof(variant), " %s", ops->name);
		ASSERT_NOT_FOUND(variant);
		snprintf(variant, sizeof(variant), "%s ", ops->name);
		ASSERT_NOT_FOUND(variant);
		snprintf(variant, sizeof(variant), "%s\n", ops->name);
		ASSERT_NOT_FOUND(variant);
		snprintf(variant, sizeof(variant), "\t%s", ops->name);
		ASSERT_NOT_FOUND(variant);
		snprintf(variant, sizeof(variant), "%.*s", (int)len - 1,
			 ops->name);
		ASSERT_NOT_FOUND(variant);
		snprintf(variant, sizeof(variant), "%sx", ops->name);
		ASSERT_NOT_FOUND(variant);
	}
}

/* Choosing a policy as the default builds it. */
TEST(default_policy_is_built)
{
	const struct mems_policy_ops *ops;

	ASSERT_STREQ(CONFIG_MEMS_POLICY_DEFAULT, mems_default_policy());
	ops = mems_policy_lookup(CONFIG_MEMS_POLICY_DEFAULT);
	ASSERT_NE(NULL, ops);
	ASSERT_STREQ(CONFIG_MEMS_POLICY_DEFAULT, ops->name);
	/* The default is never a reference. */
	ASSERT_FALSE(ops->flags & MEMS_POLICY_REFERENCE);
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
	const struct mems_heap_config config = { .policy = UNKNOWN };
	struct mems_heap *heap = NULL;

	ASSERT_EQ(-ENOENT, mems_heap_create(&config, &heap));
	ASSERT_NULL(heap);
}

/* The references are test equipment: built all together, or none. */
TEST(references_built_iff_configured)
{
	const struct mems_policy_ops *ops;
	unsigned int i, references = 0;

	for (i = 0; (ops = mems_policy_at(i)); i++)
		if (ops->flags & MEMS_POLICY_REFERENCE)
			references++;
#ifdef CONFIG_MEMS_LINEAR_POLICIES
	ASSERT_LT(0, references);
	/* One per indexed policy. */
	ASSERT_EQ(nr_builtin() - references, references);
#else
	ASSERT_EQ(0, references);
#endif
}

/*
 * An indexed policy's reference is "<name>-linear"; the public table
 * names it only when it is built, and it is then a flagged reference.
 */
TEST(reference_is_name_linear)
{
	const struct mems_policy_ops *ops, *ref;
	struct mems_policy_info info;
	char want[80];
	unsigned int i;

	for (i = 0; (ops = mems_policy_at(i)); i++) {
		ASSERT_EQ(0, mems_policy_info(i, &info));
		if (ops->flags & MEMS_POLICY_REFERENCE) {
			ASSERT_NULL(info.reference) TH_LOG("%s", ops->name);
			continue;
		}
		snprintf(want, sizeof(want), "%s-linear", ops->name);
		ASSERT_NE(NULL, ops->reference) TH_LOG("%s", ops->name);
		ASSERT_STREQ(want, ops->reference);
		ref = mems_policy_lookup(want);
#ifdef CONFIG_MEMS_LINEAR_POLICIES
		ASSERT_NE(NULL, ref) TH_LOG("%s", want);
		ASSERT_TRUE(ref->flags & MEMS_POLICY_REFERENCE);
		ASSERT_STREQ(want, info.reference);
#else
		ASSERT_NULL(ref) TH_LOG("%s", want);
		ASSERT_NULL(info.reference) TH_LOG("%s", ops->name);
#endif
	}
}

/* ---------------------------------------------------------------------
 * mems_policy_table_check() on crafted tables
 */

#define GOOD(n) { .name = (n), .summary = "a rule", .find = find_nothing }

static const struct mems_policy_ops alpha = GOOD("alpha");
static const struct mems_policy_ops beta = GOOD("beta");
static const struct mems_policy_ops gamma_ops = GOOD("gamma");
static const struct mems_policy_ops alpha_again = GOOD("alpha");
static const struct mems_policy_ops no_name = {
	.summary = "a rule", .find = find_nothing,
};
static const struct mems_policy_ops empty_name = GOOD("");
static const struct mems_policy_ops no_summary = {
	.name = "delta", .find = find_nothing,
};
static const struct mems_policy_ops empty_summary = {
	.name = "epsilon", .summary = "", .find = find_nothing,
};
static const struct mems_policy_ops no_find = {
	.name = "zeta", .summary = "a rule",
};
/* Of several faults, the first in the order name, summary, find. */
static const struct mems_policy_ops no_summary_no_find = { .name = "eta" };

#define NR(table) (sizeof(table) / sizeof((table)[0]))

/* Run the check on @table; its report goes into *@text (malloc'd). */
static size_t table_check(const struct mems_policy_ops *const *table,
			  size_t nr, const struct mems_policy_ops **valid,
			  char **text)
{
	size_t len, kept;
	FILE *report;

	*text = NULL;
	report = open_memstream(text, &len);
	if (!report)
		abort();
	kept = mems_policy_table_check(table, nr, valid, report);
	fclose(report);
	return kept;
}

TEST(table_check_keeps_good_tables_whole)
{
	const struct mems_policy_ops *const table[] = {
		&alpha, &beta, &gamma_ops,
	};
	const struct mems_policy_ops *valid[NR(table)] = { NULL };
	char *text;

	ASSERT_EQ(3, table_check(table, NR(table), valid, &text));
	ASSERT_STREQ("", text);
	ASSERT_EQ(&alpha, valid[0]);
	ASSERT_EQ(&beta, valid[1]);
	ASSERT_EQ(&gamma_ops, valid[2]);
	free(text);
	ASSERT_EQ(0, table_check(table, 0, valid, &text));
	ASSERT_STREQ("", text);
	free(text);
}

TEST(table_check_leaves_out_each_fault)
{
	const struct mems_policy_ops *const table[] = {
		&alpha, &no_name, &empty_name, &no_summary, &empty_summary,
		&no_find, &alpha_again, &no_summary_no_find, &beta,
	};
	const struct mems_policy_ops *valid[NR(table)] = { NULL };
	char *text;

	ASSERT_EQ(2, table_check(table, NR(table), valid, &text));
	/* The first of two alphas stays. */
	ASSERT_EQ(&alpha, valid[0]);
	ASSERT_EQ(&beta, valid[1]);
	ASSERT_NULL(valid[2]);
	/* A NULL name is shown as "?". */
	ASSERT_STREQ("mems: placement policy 1 (?) has no name; left out\n"
		     "mems: placement policy 2 () has no name; left out\n"
		     "mems: placement policy 3 (delta) has no summary; "
		     "left out\n"
		     "mems: placement policy 4 (epsilon) has no summary; "
		     "left out\n"
		     "mems: placement policy 5 (zeta) has no find hook; "
		     "left out\n"
		     "mems: placement policy 6 (alpha) has a name already "
		     "taken; left out\n"
		     "mems: placement policy 7 (eta) has no summary; "
		     "left out\n",
		     text);
	free(text);
}

/* Only the later of two entries of one name is left out. */
TEST(table_check_keeps_first_of_duplicates)
{
	const struct mems_policy_ops *const table[] = {
		&alpha_again, &beta, &alpha,
	};
	const struct mems_policy_ops *valid[NR(table)] = { NULL };
	char *text;

	ASSERT_EQ(2, table_check(table, NR(table), valid, &text));
	ASSERT_EQ(&alpha_again, valid[0]);
	ASSERT_EQ(&beta, valid[1]);
	ASSERT_STREQ("mems: placement policy 2 (alpha) has a name already "
		     "taken; left out\n", text);
	free(text);
}

/* No report stream: the same entries are kept, silently. */
TEST(table_check_without_report)
{
	const struct mems_policy_ops *const table[] = {
		&no_find, &gamma_ops, &empty_name,
	};
	const struct mems_policy_ops *valid[NR(table)] = { NULL };

	ASSERT_EQ(1, mems_policy_table_check(table, NR(table), valid, NULL));
	ASSERT_EQ(&gamma_ops, valid[0]);
}

/* ---------------------------------------------------------------------
 * mems_policy_validate()
 */

TEST(validate_accepts_builtins)
{
	const struct mems_policy_ops *ops;
	unsigned int i;

	for (i = 0; (ops = mems_policy_at(i)); i++)
		ASSERT_EQ(0, mems_policy_validate(ops)) TH_LOG("%s", ops->name);
}

TEST(validate_accepts_new_name)
{
	const struct mems_policy_ops fresh = GOOD(UNKNOWN);

	ASSERT_EQ(0, mems_policy_validate(&fresh));
}

TEST(validate_rejects_missing_fields)
{
	ASSERT_EQ(-EINVAL, mems_policy_validate(&no_find));
	ASSERT_EQ(-EINVAL, mems_policy_validate(&no_summary));
	ASSERT_EQ(-EINVAL, mems_policy_validate(&empty_summary));
	ASSERT_EQ(-EINVAL, mems_policy_validate(&no_summary_no_find));
	/* An empty name could never be chosen: "" selects the default. */
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

/*
 * The next allocation follows the new rule; the chains are untouched.
 * next-fit would go on at 10000; best-fit takes the hole of 60 at 1200;
 * back to next-fit, the rover starts at the base: the hole at 1000.
 */
TEST_F(switch, next_allocation_follows_new_policy)
{
	REQUIRE_POLICIES("best-fit", "next-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "next-fit"));
	self->before = heap_stats_text(self->heap);

	ASSERT_EQ(0, mems_heap_set_policy(self->heap, "best-fit"));
	ASSERT_STREQ("best-fit", mems_heap_policy(self->heap));
	self->after = heap_stats_text(self->heap);
	ASSERT_STREQ(self->before, self->after);
	ASSERT_EQ(0, mems_heap_check(self->heap, NULL));
	ASSERT_EQ(1200, alloc(self->heap, 50));

	ASSERT_EQ(0, mems_heap_set_policy(self->heap, "next-fit"));
	ASSERT_STREQ("next-fit", mems_heap_policy(self->heap));
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

/* @name with every letter in upper case. */
static void upper_case(char *dst, size_t size, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < size && name[i]; i++)
		dst[i] = (char)toupper((unsigned char)name[i]);
	dst[i] = '\0';
}

/* An unknown name changes nothing, not even the next-fit rover. */
TEST_F(switch, unknown_name_keeps_policy)
{
	char shout[32];

	REQUIRE_POLICIES("next-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "next-fit"));
	self->before = heap_stats_text(self->heap);

	upper_case(shout, sizeof(shout), mems_heap_policy(self->heap));
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(self->heap, UNKNOWN));
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(self->heap, shout));
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(self->heap, ""));
	ASSERT_STREQ("next-fit", mems_heap_policy(self->heap));
	self->after = heap_stats_text(self->heap);
	ASSERT_STREQ(self->before, self->after);
	ASSERT_EQ(10000, alloc(self->heap, 50));
}

TEST_F(switch, unknown_name_keeps_best_fit)
{
	REQUIRE_POLICIES("best-fit");
	ASSERT_EQ(0, heap_build(&self->heap, "best-fit"));
	ASSERT_EQ(-ENOENT, mems_heap_set_policy(self->heap, UNKNOWN));
	ASSERT_STREQ("best-fit", mems_heap_policy(self->heap));
	ASSERT_EQ(1200, alloc(self->heap, 50));
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
