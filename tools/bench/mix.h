/* SPDX-License-Identifier: MIT */
/*
 * tools/bench/mix.h - the random numbers and block sizes that the
 * benchmarks and the trace generator share.
 *
 * Every allocator must see the same operations, on every machine and
 * with every C library, so the generator is our own (splitmix64) rather
 * than rand(), whose sequence the C library chooses.
 */
#ifndef MEMS_BENCH_MIX_H
#define MEMS_BENCH_MIX_H

#include <stdint.h>

struct mix_rng {
	uint64_t state;
};

static inline uint64_t mix_next(struct mix_rng *rng)
{
	uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, @n), @n > 0; the modulo bias is below 2^-32 here. */
static inline uint64_t mix_below(struct mix_rng *rng, uint64_t n)
{
	return mix_next(rng) % n;
}

/* Uniform in [@lo, @hi]. */
static inline uint32_t mix_between(struct mix_rng *rng, uint32_t lo,
				   uint32_t hi)
{
	return lo + (uint32_t)mix_below(rng, (uint64_t)hi - lo + 1);
}

/*
 * A block size as programs ask for them: mostly small objects, some
 * buffers of up to a page, and a thin tail of multi-page blocks.
 */
#define MIX_SMALL_MAX 512
#define MIX_MEDIUM_MAX 4096
#define MIX_LARGE_MAX 32768

/*
 * Small blocks below the percentile @small, page-sized ones below
 * @medium, then multi-page ones of up to @large_max bytes.
 */
static inline uint32_t mix_size_in_bands(struct mix_rng *rng,
					 uint64_t small, uint64_t medium,
					 uint32_t large_max)
{
	uint64_t band = mix_below(rng, 100);

	if (band < small)
		return mix_between(rng, 16, MIX_SMALL_MAX);
	if (band < medium)
		return mix_between(rng, MIX_SMALL_MAX + 1, MIX_MEDIUM_MAX);
	return mix_between(rng, MIX_MEDIUM_MAX + 1, large_max);
}

static inline uint32_t mix_block_size(struct mix_rng *rng)
{
	return mix_size_in_bands(rng, 90, 99, MIX_LARGE_MAX);
}

/*
 * The counted churn's sizes: a heavier tail than mix_block_size(), more
 * of the blocks that take a page or several, where a policy's choice of
 * hole matters most.
 */
#define MIX_HEAVY_LARGE_MAX 16384

static inline uint32_t mix_block_size_heavy(struct mix_rng *rng)
{
	return mix_size_in_bands(rng, 80, 95, MIX_HEAVY_LARGE_MAX);
}

#endif /* MEMS_BENCH_MIX_H */
