// SPDX-License-Identifier: MIT
/*
 * policy/registry.c - the table of built-in placement policies.
 *
 * Kconfig decides which policies are built; this table lists exactly
 * those, and every by-name lookup (mems_init, MEMS_POLICY, the tools)
 * goes through mems_policy_lookup().
 */
#include <errno.h>
#include <string.h>

#include <mems/chain.h>

static const struct mems_policy_ops *const builtin_policies[] = {
#ifdef CONFIG_MEMS_FIRST_FIT
	&mems_first_fit_ops,
#endif
#ifdef CONFIG_MEMS_BEST_FIT
	&mems_best_fit_ops,
#endif
#ifdef CONFIG_MEMS_NEXT_FIT
	&mems_next_fit_ops,
#endif
#ifdef CONFIG_MEMS_LINEAR_POLICIES
	&mems_first_fit_linear_ops, &mems_best_fit_linear_ops,
	&mems_next_fit_linear_ops,
#endif
};

#define NR_POLICIES (sizeof(builtin_policies) / sizeof(builtin_policies[0]))

const struct mems_policy_ops *mems_policy_at(unsigned int index)
{
	return index < NR_POLICIES ? builtin_policies[index] : NULL;
}

const struct mems_policy_ops *mems_policy_lookup(const char *name)
{
	unsigned int i;

	if (!name)
		return NULL;
	for (i = 0; i < NR_POLICIES; i++)
		if (!strcmp(builtin_policies[i]->name, name))
			return builtin_policies[i];
	return NULL;
}

/**
 * mems_policy_validate() - can @ops be registered beside the built-ins?
 * Return: 0; -EINVAL when a required hook is missing; -EEXIST when a
 * built-in policy other than @ops already has its name.
 */
int mems_policy_validate(const struct mems_policy_ops *ops)
{
	const struct mems_policy_ops *same;

	if (!ops->name || !*ops->name || !ops->find)
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
