/* SPDX-License-Identifier: MIT */
/*
 * core/chain.h - surgery on the main chain and the sub-chains
 * (core/chain.c).
 *
 * Internal to MeMS (not installed).  core/heap.c maps, carves, releases,
 * grows, shrinks and trims through these calls, and only through them;
 * each keeps the address table, the hole map, the policy's view and the
 * heap's counters in step with the chains (the types are in
 * core/types.h).  Those that may fail do so before they change anything.
 */
#ifndef MEMS_CORE_CHAIN_H
#define MEMS_CORE_CHAIN_H

#include <stddef.h>

struct mems_heap;
struct mems_seg;

void mems_chain_setup(struct mems_heap *heap);
struct mems_seg *mems_chain_map_node(struct mems_heap *heap, size_t bytes);
struct mems_seg *mems_chain_carve(struct mems_heap *heap, struct mems_seg *hole,
				  size_t bytes);
struct mems_seg *mems_chain_release(struct mems_heap *heap,
				    struct mems_seg *proc);
size_t mems_chain_trim(struct mems_heap *heap, size_t keep);
int mems_chain_grow(struct mems_heap *heap, struct mems_seg *proc,
		    size_t bytes);
int mems_chain_shrink(struct mems_heap *heap, struct mems_seg *proc,
		      size_t bytes);
void mems_chain_unmap_all(struct mems_heap *heap);

#endif /* MEMS_CORE_CHAIN_H */
