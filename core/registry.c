// SPDX-License-Identifier: MIT
/*
 * core/registry.c - the table of built-in placement policies.
 *
 * MEMS_POLICIES below is the one list of policies in the code: a line per
 * policy, naming the Kconfig symbol that builds it and its operations
 * table.  Everything else - MEMS_POLICY, mems_heap_set_policy(), the
 * tools, the tests - asks this file through mems_policy_lookup(),
 * mems_policy_at() or the public mems_policy_info().  It sits beside the
 * heap that asks it, as tcp_cong.c sits in the TCP core: the policies of
 * policy/ implement <core/policy.h> and call the core below them, and
 * the core includes nothing of theirs; this table only names each
 * policy's operations.
 *
 * The table is checked once when the library starts, as
 * tcp_register_congestion_control() checks a registration: an entry
 * without a required field, or with a name already taken, is left out
 * and named on stderr, so that a broken build says so at once instead of
 * failing on the first allocation.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "policy.h"
#include "registry.h"

/*
 * A line per policy, in the order the tools list them.  A linear
 * reference (policy/linear.c), test equipment, has a line of its own
 * after the policies, naming the symbol of the policy it answers for:
 * it is built with that policy when CONFIG_MEMS_LINEAR_POLICIES is set.
 */
#define MEMS_POLICIES(POLICY, REFERENCE)                            \
	POLICY(CONFIG_MEMS_FIRST_FIT, mems_first_fit_ops)           \
	POLICY(CONFIG_MEMS_BEST_FIT, mems_best_fit_ops)             \
	POLICY(CONFIG_MEMS_NEXT_FIT, mems_next_fit_ops)             \
	POLICY(CONFIG_MEMS_WORST_FIT, mems_worst_fit_ops)           \
	REFERENCE(CONFIG_MEMS_FIRST_FIT, mems_first_fit_linear_ops) \
	REFERENCE(CONFIG_MEMS_BEST_FIT, mems_best_fit_linear_ops)   \
	REFERENCE(CONFIG_MEMS_NEXT_FIT, mems_next_fit_linear_ops)   \
	REFERENCE(CONFIG_MEMS_WORST_FIT, mems_worst_fit_linear_ops)

/*
 * IF_ENABLED(CONFIG_X, tokens) keeps @tokens when CONFIG_X is defined to
 * 1 and drops them otherwise, in the preprocessor, as the kernel's
 * IS_ENABLED() decides: so a policy that is not built is not even
 * declared, and its table is never referenced.
 */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define __is_defined(x) ___is_defined(x)
#define __if_1(...) __VA_ARGS__
#define __if_0(...)
#define ___if(cond, ...) __if_##cond(__VA_ARGS__)
#define __if(cond, ...) ___if(cond, __VA_ARGS__)
#define IF_ENABLED(option, ...) __if(__is_defined(option), __VA_ARGS__)

#define POLICY_DECLARE(option, ops) \
	IF_ENABLED(option, extern const struct mems_policy_ops ops;)
#define POLICY_ENTRY(option, ops) IF_ENABLED(option, &ops, )
#define REFERENCE_DECLARE(option, ops) \
	IF_ENABLED(CONFIG_MEMS_LINEAR_POLICIES, POLICY_DECLARE(option, ops))
#define REFERENCE_ENTRY(option, ops) \
	IF_ENABLED(CONFIG_MEMS_LINEAR_POLICIES, POLICY_ENTRY(option, ops))

MEMS_POLICIES(POLICY_DECLARE, REFERENCE_DECLARE)

static const struct mems_policy_ops *const builtin_policies[] = {
	MEMS_POLICIES(POLICY_ENTRY, REFERENCE_ENTRY)
};

#define NR_BUILTIN (sizeof(builtin_policies) / sizeof(builtin_policies[0]))

/* The entries that passed the check at start-up, in the table's order. */
static const struct mems_policy_ops *valid_policies[NR_BUILTIN];
static size_t nr_valid;
static bool registry_checked;

static const struct mems_policy_ops *
table_find(const struct mems_policy_ops *const *table, size_t nr,
	   const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	return NULL;
}

/* Why @ops cannot be registered after the @nr entries of @valid, or NULL. */
static const char *entry_fault(const struct mems_policy_ops *ops,
			       const struct mems_policy_ops **valid, size_t nr)
{
	if (!ops->name || !*ops->name)
		return "has no name";
	if (!ops->summary || !*ops->summary)
		return "has no summary";
	if (!ops->find)
		return "has no find hook";
	if (table_find(valid, nr, ops->name))
		return "has a name already taken";
	return NULL;
}

/**
 * mems_policy_table_check() - keep the sound entries of a policy table.
 * @table:  the entries, in order.
 * @nr:     how many.
 * @valid:  room for @nr entries: the sound ones are copied here in order.
 * @report: where to name each entry left out, or NULL.
 *
 * Return: the number of entries copied to @valid.
 */
size_t mems_policy_table_check(const struct mems_policy_ops *const *table,
			       size_t nr, const struct mems_policy_ops **valid,
			       FILE *report)
{
	size_t i, kept = 0;
	const char *fault;

	for (i = 0; i < nr; i++) {
		fault = entry_fault(table[i], valid, kept);
		if (!fault) {
			valid[kept++] = table[i];
			continue;
		}
		if (report)
			fprintf(report,
				"mems: placement policy %zu (%s) %s; left out\n",
				i, table[i]->name ? table[i]->name : "?",
				fault);
	}
	return kept;
}

/*
 * At start-up; and at first use too, since a program's own constructor
 * may call MeMS before this one has run.
 */
static void __attribute__((constructor)) registry_check(void)
{
	if (registry_checked)
		return;
	nr_valid = mems_policy_table_check(builtin_policies, NR_BUILTIN,
					   valid_policies, stderr);
	registry_checked = true;
}

const struct mems_policy_ops *mems_policy_at(unsigned int index)
{
	registry_check();
	return index < nr_valid ? valid_policies[index] : NULL;
}

const struct mems_policy_ops *mems_policy_lookup(const char *name)
{
	registry_check();
	if (!name)
		return NULL;
	return table_find(valid_policies, nr_valid, name);
}

/**
 * mems_policy_validate() - can @ops be registered beside the built-ins?
 * Return: 0; -EINVAL when a required field is missing; -EEXIST when a
 * built-in policy other than @ops already has its name.
 */
int mems_policy_validate(const struct mems_policy_ops *ops)
{
	const struct mems_policy_ops *same;

	if (entry_fault(ops, NULL, 0))
		return -EINVAL;
	same = mems_policy_lookup(ops->name);
	return same && same != ops ? -EEXIST : 0;
}

const char *mems_policy_name(unsigned int index)
{
	const struct mems_policy_ops *ops = mems_policy_at(index);

	return ops ? ops->name : NULL;
}

const char *mems_default_policy(void)
{
	return CONFIG_MEMS_POLICY_DEFAULT;
}

int mems_policy_info(unsigned int index, struct mems_policy_info *info)
{
	const struct mems_policy_ops *ops = mems_policy_at(index);
	const struct mems_policy_ops *reference;

	if (!ops)
		return -ENOENT;
	reference = ops->reference ? mems_policy_lookup(ops->reference) : NULL;
	info->name = ops->name;
	info->summary = ops->summary;
	info->reference = reference ? reference->name : NULL;
	info->flags = ops->flags;
	if (!strcmp(ops->name, mems_default_policy()))
		info->flags |= MEMS_POLICY_DEFAULT;
	return 0;
}
