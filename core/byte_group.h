/* SPDX-License-Identifier: MIT */
/*
 * core/byte_group.h - questions about a group of 64 bytes, one cache
 * line of the hole map (core/hole_map.c).
 *
 * Internal to MeMS (not installed).  The map asks two things of a group:
 * its largest byte, when an entry above it falls, and which of its bytes
 * are at least a given value, when a search descends or moves along.
 * With SSE2 (every x86-64) each is a handful of instructions over four
 * 16-byte registers instead of a loop of 64 compares; without, the loops
 * give the same answers.  A group is aligned to its 64 bytes, so that it
 * is one cache line and its loads are aligned ones, which the compares
 * take as operands.
 */
#ifndef MEMS_CORE_BYTE_GROUP_H
#define MEMS_CORE_BYTE_GROUP_H

#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BYTE_GROUP_SHIFT 6
#define BYTE_GROUP_BYTES (1u << BYTE_GROUP_SHIFT)

#ifdef __SSE2__

/* The 16 bytes of @group from byte 16 * @i. */
static inline __m128i byte_group_part(const uint8_t *group, unsigned int i)
{
	return _mm_load_si128((const __m128i *)(group + 16 * i));
}

/* The largest of the 64 bytes at @group. */
static inline unsigned int byte_group_max(const uint8_t *group)
{
	__m128i m = _mm_max_epu8(_mm_max_epu8(byte_group_part(group, 0),
					      byte_group_part(group, 1)),
				 _mm_max_epu8(byte_group_part(group, 2),
					      byte_group_part(group, 3)));

	/* Fold the halves onto each other down to one byte. */
	m = _mm_max_epu8(m, _mm_srli_si128(m, 8));
	m = _mm_max_epu8(m, _mm_srli_si128(m, 4));
	m = _mm_max_epu8(m, _mm_srli_si128(m, 2));
	m = _mm_max_epu8(m, _mm_srli_si128(m, 1));
	return (unsigned int)_mm_cvtsi128_si32(m) & 0xff;
}

/* Bit j set when byte j of the 16 at @part is at least @value's. */
static inline unsigned int byte_part_at_least(__m128i part, __m128i value)
{
	/* Unsigned x >= v exactly when max(x, v) is x. */
	return (uint16_t)_mm_movemask_epi8(
		_mm_cmpeq_epi8(_mm_max_epu8(part, value), part));
}

/*
 * The first byte from byte @from on of the group at @group that is at
 * least @value, or BYTE_GROUP_BYTES when there is none: 16 bytes at a
 * time, so that a search which finds its byte early reads no more.
 */
static inline unsigned int byte_group_first_at_least(const uint8_t *group,
						     unsigned int value,
						     unsigned int from)
{
	__m128i v = _mm_set1_epi8((char)value);
	unsigned int part = from / 16;
	unsigned int mask;

	mask = byte_part_at_least(byte_group_part(group, part), v) >>
	       (from % 16) << (from % 16);
	while (!mask && ++part < 4)
		mask = byte_part_at_least(byte_group_part(group, part), v);
	return mask ? 16 * part + (unsigned int)__builtin_ctz(mask) :
		      BYTE_GROUP_BYTES;
}

#else /* !__SSE2__ */

static inline unsigned int byte_group_max(const uint8_t *group)
{
	unsigned int largest = 0, i;

	for (i = 0; i < BYTE_GROUP_BYTES; i++)
		if (group[i] > largest)
			largest = group[i];
	return largest;
}

static inline unsigned int byte_group_first_at_least(const uint8_t *group,
						     unsigned int value,
						     unsigned int from)
{
	while (from < BYTE_GROUP_BYTES && group[from] < value)
		from++;
	return from;
}

#endif /* __SSE2__ */

#endif /* MEMS_CORE_BYTE_GROUP_H */
