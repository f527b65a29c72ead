/* SPDX-License-Identifier: MIT */
/*
 * tools/bench/churn.h - the churn that churn-counts counts and
 * seg-dir-model replays: the same blocks, freed and allocated in the
 * same order, from the same seed, so that the two programs' figures
 * are of one workload.
 */
#ifndef MEMS_BENCH_CHURN_H
#define MEMS_BENCH_CHURN_H

#include <stdint.h>
#include <stdio.h>

#include <mems/introspect.h>

#include "mix.h"

#define CHURN_SEED 0x636f756e7473ULL /* "counts" */

/*
 * The sizes of the @live first blocks are drawn first, then each
 * step's victim and size, in that order.
 */
static inline uint32_t churn_first_size(struct mix_rng *rng)
{
	return mix_block_size_heavy(rng);
}

static inline void churn_step(struct mix_rng *rng, size_t live,
			      uint32_t *victim, uint32_t *size)
{
	*victim = (uint32_t)mix_below(rng, live);
	*size = mix_block_size_heavy(rng);
}

/* The policies of the registry but its linear references, one a line. */
static inline void churn_print_policies(void)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++)
		if (!(info.flags & MEMS_POLICY_REFERENCE))
			puts(info.name);
}

#endif /* MEMS_BENCH_CHURN_H */
