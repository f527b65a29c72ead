/* SPDX-License-Identifier: MIT */
/*
 * core/registry.h - the built-in placement policies (core/registry.c).
 *
 * Internal to MeMS (not installed).  The heap finds a policy by name
 * here, and the tools and tests enumerate them; the public view is
 * mems_policy_info() of <mems/introspect.h>.
 */
#ifndef MEMS_CORE_REGISTRY_H
#define MEMS_CORE_REGISTRY_H

#include <stddef.h>
#include <stdio.h>

struct mems_policy_ops;

const struct mems_policy_ops *mems_policy_lookup(const char *name);
const struct mems_policy_ops *mems_policy_at(unsigned int index);
int mems_policy_validate(const struct mems_policy_ops *ops);
size_t mems_policy_table_check(const struct mems_policy_ops *const *table,
			       size_t nr, const struct mems_policy_ops **valid,
			       FILE *report);

#endif /* MEMS_CORE_REGISTRY_H */
