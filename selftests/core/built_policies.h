/* SPDX-License-Identifier: MIT */
/*
 * built_policies.h - which built policies a selftest of the internals
 * can use, asked of the registry, whatever the configuration builds.
 */
#ifndef MEMS_SELFTESTS_BUILT_POLICIES_H
#define MEMS_SELFTESTS_BUILT_POLICIES_H

#include <stdbool.h>
#include <stddef.h>

#include <mems/introspect.h>
#include <core/registry.h>

/* A built policy that searches the hole map (@map) or not; NULL: none. */
static inline const char *policy_on_map(bool map)
{
	struct mems_policy_info info;
	const struct mems_policy_ops *ops;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++) {
		ops = mems_policy_lookup(info.name);
		if (ops && ops->uses_hole_map == map)
			return info.name;
	}
	return NULL;
}

#endif /* MEMS_SELFTESTS_BUILT_POLICIES_H */
