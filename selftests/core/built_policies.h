/* SPDX-License-Identifier: MIT */
/*
 * built_policies.h - which built policies a selftest of the internals
 * can use, whatever the configuration builds.
 */
#ifndef MEMS_SELFTESTS_BUILT_POLICIES_H
#define MEMS_SELFTESTS_BUILT_POLICIES_H

#include <stdbool.h>
#include <stddef.h>

#include <core/registry.h>

/* A built policy that searches the hole map (@map) or not; NULL: none. */
static inline const char *policy_on_map(bool map)
{
	static const char *const names[] = {
		"first-fit",	   "next-fit",	       "best-fit",
		"worst-fit",	   "first-fit-linear", "best-fit-linear",
		"next-fit-linear", "worst-fit-linear",
	};
	const struct mems_policy_ops *ops;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ops = mems_policy_lookup(names[i]);
		if (ops && ops->uses_hole_map == map)
			return names[i];
	}
	return NULL;
}

#endif /* MEMS_SELFTESTS_BUILT_POLICIES_H */
