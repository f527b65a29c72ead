// SPDX-License-Identifier: MIT
/*
 * core/hole_map.c - the size class of the largest hole of every stretch
 * of space, for placement by address.
 *
 * Level 0 has an entry per address table slot: the class
 * (mems_hole_class()) of the largest hole that ends in the slot's
 * 1 KiB, 0 when none does.  Each entry of the next level is the largest
 * of a group of MEMS_HOLE_MAP_FANOUT (64) entries below it, up to one
 * entry, the class of the largest hole of the heap.  An entry is a byte,
 * so a group is one cache line, and its largest entry, or its entries
 * of at least a class, are a few vector instructions
 * (core/byte_group.h).
 *
 * "The lowest hole of at least n bytes" descends to the lowest slot
 * whose entry is at least class(n).  A slot of a larger class certainly
 * ends a hole that fits; one of n's class may, or may not: the slot's
 * holes, which it lists, are looked at in either case for the lowest
 * that fits, and when none does the search goes on from the next slot.
 * The answer is the lowest-addressed fitting hole, as an exact map
 * gives.
 *
 * Classes make the upkeep cheap: a hole that shrinks within its class,
 * as most carves leave it, changes no entry, and a fall that does change
 * one reads a group a level with a vector max.  Level 0 lives in the
 * address table's chunks (core/addr_table.c), beside the head of each
 * slot's list of the holes ending in it, both optional columns mapped
 * while the map is kept and a node overlaps the chunk: no hole ends
 * where no chunk is mapped.  A hole is kept by its last byte's slot
 * (hole_slot()), so that a carve from its low end leaves it in its
 * list.  The lists run through
 * the holes' records (policy_link.slot: a policy on the map has no index
 * of its own), so that a slot's holes are found without its blocks.  The
 * levels above are in a mapping that grows with the space handed out.
 * core/chain.c reports every hole that appears (mems_hole_map_add()),
 * grows keeping its end (mems_hole_map_raise()), changes its bounds
 * (mems_hole_map_move()), is about to vanish (mems_hole_map_remove()) or
 * hands its end to another record (mems_hole_map_replace()): a slot
 * that lost a hole of its class, and still has others, is recomputed
 * from its list.
 *
 * The helpers of the search and of the upkeep that have two or three
 * callers each are forced inline: their calls' frames cost first-fit
 * about 50 instructions a churn step and next-fit 35
 * (Documentation/performance.rst, "The call path in one function").
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "hole_map.h"
#include "addr_table.h"
#include "byte_group.h"
#include "types.h"

static_assert(MEMS_HOLE_MAP_FANOUT == BYTE_GROUP_BYTES,
	      "a group of the hole map is a byte group");
static_assert(MEMS_ADDR_CHUNK_SHIFT >= MEMS_HOLE_MAP_SHIFT &&
		      MEMS_INLINE_ADDR_SLOTS % MEMS_HOLE_MAP_FANOUT == 0,
	      "a group of level 0 lies in one chunk");

/*
 * Every entry is read and written through these, so that where a level
 * keeps its groups is theirs to say: group @g of level @k holds entries
 * g * MEMS_HOLE_MAP_FANOUT on, entry @i of level @k is in group
 * i >> MEMS_HOLE_MAP_SHIFT.  Level 0 is in the address table's chunks,
 * a group in one chunk, found once for the group; the group must be in
 * a chunk mapped (level0_mapped()), as every slot where a hole ends,
 * or a descent leads, is.
 */
static inline uint8_t *level0_group(const struct mems_addr_table *table,
				    size_t g)
{
	return addr_table_class(table, g << MEMS_HOLE_MAP_SHIFT);
}

/* Level @k, 1 up: one array, whose entry @i is its i-th byte. */
static inline uint8_t *upper_entry_at(const struct mems_addr_table *table,
				      unsigned int k, size_t i)
{
	return table->classes[k] + i;
}

static inline uint8_t *upper_group(const struct mems_addr_table *table,
				   unsigned int k, size_t g)
{
	return upper_entry_at(table, k, g << MEMS_HOLE_MAP_SHIFT);
}

static inline uint8_t *hole_map_group(const struct mems_addr_table *table,
				      unsigned int k, size_t g)
{
	return k ? upper_group(table, k, g) : level0_group(table, g);
}

/*
 * Whether level 0's entry @i is in a chunk mapped; @i is under the
 * table's end, so the chunks' directory covers it.  No hole ends in a
 * chunk not mapped: no node overlaps it.
 */
static inline bool level0_mapped(const struct mems_addr_table *table, size_t i)
{
	return table->chunks.dir[i >> MEMS_ADDR_CHUNK_SHIFT]
		.col[ADDR_COL_CLASS];
}

static inline uint8_t *hole_map_entry_at(const struct mems_addr_table *table,
					 unsigned int k, size_t i)
{
	return k ? upper_entry_at(table, k, i) : addr_table_class(table, i);
}

static inline unsigned int hole_map_entry(const struct mems_addr_table *table,
					  unsigned int k, size_t i)
{
	return *hole_map_entry_at(table, k, i);
}

/* The head of the list of the holes ending in slot @i. */
static inline struct mems_seg **slot_holes(const struct mems_addr_table *table,
					   size_t i)
{
	return addr_table_holes(table, i);
}

static inline struct mems_seg *hole_slot_next(const struct mems_seg *hole)
{
	return hole->policy_link.slot.next;
}

/* Each hole of slot @i's list, in no particular order. */
#define slot_for_each_hole(hole, table, i)               \
	for ((hole) = *slot_holes((table), (i)); (hole); \
	     (hole) = hole_slot_next(hole))

/*
 * A hole is kept by the slot of its last byte, which a carve from its
 * low end leaves where it is: most carves then change no list, and an
 * entry only when the hole's class falls.  Holes are disjoint, so the
 * order of their ends is the order of their starts.
 */
static inline size_t hole_slot(const struct mems_heap *heap,
			       const struct mems_seg *hole)
{
	return addr_table_slot_of(heap, hole->vend);
}

/*
 * The lists hold no pointer into the table, whose first chunk moves
 * when it outgrows the heap (core/sparse_table.c): a hole's slot is
 * found from its end.
 */
static void slot_link(struct mems_addr_table *table, size_t i,
		      struct mems_seg *hole)
{
	struct mems_seg **head = slot_holes(table, i);

	hole->policy_link.slot.next = *head;
	hole->policy_link.slot.prev = NULL;
	if (*head)
		(*head)->policy_link.slot.prev = hole;
	*head = hole;
}

static void slot_unlink(struct mems_addr_table *table, size_t i,
			struct mems_seg *hole)
{
	struct mems_seg *next = hole->policy_link.slot.next;
	struct mems_seg *prev = hole->policy_link.slot.prev;

	if (prev)
		prev->policy_link.slot.next = next;
	else
		*slot_holes(table, i) = next;
	if (next)
		next->policy_link.slot.prev = prev;
}

/* The largest entry of the group holding entry @i of level @k. */
static inline unsigned int group_largest(const struct mems_addr_table *table,
					 unsigned int k, size_t i)
{
	return byte_group_max(
		hole_map_group(table, k, i >> MEMS_HOLE_MAP_SHIFT));
}

/*
 * Level 0's entry @i, at @entry, becomes @cls; carry the change up while
 * it changes things.  A rise only raises; a fall matters to a level only
 * where the old class was its group's largest, and only there is the
 * group read: level 0's is @entry's, found once.
 */
static inline __attribute__((always_inline)) void
hole_map_set(struct mems_addr_table *table, uint8_t *entry, size_t i,
	     unsigned int cls)
{
	unsigned int old = *entry;
	const uint8_t *group = entry - (i & (MEMS_HOLE_MAP_FANOUT - 1));
	unsigned int k;

	if (old == cls)
		return;
	*entry = (uint8_t)cls;
	if (cls > old) {
		for (k = 1; k < table->nr_levels; k++) {
			i >>= MEMS_HOLE_MAP_SHIFT;
			if (*upper_entry_at(table, k, i) >= cls)
				return;
			*upper_entry_at(table, k, i) = (uint8_t)cls;
		}
		return;
	}
	for (k = 1; k < table->nr_levels; k++) {
		i >>= MEMS_HOLE_MAP_SHIFT;
		if (*upper_entry_at(table, k, i) != old)
			return;
		cls = byte_group_max(group);
		if (cls == old)
			return;
		*upper_entry_at(table, k, i) = (uint8_t)cls;
		group = upper_group(table, k, i >> MEMS_HOLE_MAP_SHIFT);
	}
}

/* Slot @i now starts a hole of class @cls. */
static inline void slot_raise(struct mems_addr_table *table, size_t i,
			      unsigned int cls)
{
	uint8_t *entry = addr_table_class(table, i);

	if (*entry < cls)
		hole_map_set(table, entry, i, cls);
}

/* @hole grew, or took another's place, keeping its end. */
void mems_hole_map_on_raise(struct mems_heap *heap, const struct mems_seg *hole)
{
	slot_raise(&heap->addr_table, hole_slot(heap, hole),
		   mems_hole_class(seg_size(hole)));
}

/* The class of the largest hole ending in slot @i, from its list. */
static inline __attribute__((always_inline)) unsigned int
slot_class(const struct mems_addr_table *table, size_t i)
{
	const struct mems_seg *hole;
	unsigned int largest = 0, cls;

	slot_for_each_hole(hole, table, i) {
		cls = mems_hole_class(seg_size(hole));
		if (cls > largest)
			largest = cls;
	}
	return largest;
}

/* @hole, in the chains, appeared. */
void mems_hole_map_on_add(struct mems_heap *heap, struct mems_seg *hole)
{
	size_t i = hole_slot(heap, hole);

	slot_link(&heap->addr_table, i, hole);
	slot_raise(&heap->addr_table, i, mems_hole_class(seg_size(hole)));
}

/*
 * A hole of @size bytes left slot @i's list: unless it was of the slot's
 * class, the entry stands.
 */
static inline __attribute__((always_inline)) void
slot_lost(struct mems_heap *heap, size_t i, size_t size)
{
	struct mems_addr_table *table = &heap->addr_table;
	uint8_t *entry = addr_table_class(table, i);

	if (!*slot_holes(table, i))
		hole_map_set(table, entry, i, 0);
	else if (mems_hole_class(size) >= *entry)
		hole_map_set(table, entry, i, slot_class(table, i));
}

/*
 * @hole is about to vanish, or to become a block: called while its
 * record still holds it.
 */
void mems_hole_map_on_remove(struct mems_heap *heap, struct mems_seg *hole)
{
	size_t i = hole_slot(heap, hole);

	slot_unlink(&heap->addr_table, i, hole);
	slot_lost(heap, i, seg_size(hole));
}

/*
 * @keep, whose end is about to become @gone's, takes @gone's place in
 * its slot's list; @gone is about to vanish.  The caller raises the
 * entry for @keep's size once its bounds are set.
 */
void mems_hole_map_on_replace(struct mems_heap *heap, struct mems_seg *gone,
			      struct mems_seg *keep)
{
	struct mems_addr_table *table = &heap->addr_table;
	struct mems_seg *next = gone->policy_link.slot.next;
	struct mems_seg *prev = gone->policy_link.slot.prev;

	keep->policy_link.slot.next = next;
	keep->policy_link.slot.prev = prev;
	if (prev)
		prev->policy_link.slot.next = keep;
	else
		*slot_holes(table, hole_slot(heap, gone)) = keep;
	if (next)
		next->policy_link.slot.prev = keep;
}

/*
 * @hole's bounds changed: it started at @old_vstart with @old_size
 * bytes.  A slot's only hole sets its entry exactly.
 */
void mems_hole_map_on_move(struct mems_heap *heap, struct mems_seg *hole,
			   uintptr_t old_vstart, size_t old_size)
{
	struct mems_addr_table *table = &heap->addr_table;
	size_t i = hole_slot(heap, hole);
	size_t old = addr_table_slot_of(heap, old_vstart + (old_size - 1));
	unsigned int cls;
	uint8_t *entry;

	cls = mems_hole_class(seg_size(hole));
	/*
	 * The rise first: when both slots share a group, the fall then
	 * finds the group's largest unchanged and stops a level up.
	 */
	if (old != i) {
		slot_unlink(table, old, hole);
		slot_link(table, i, hole);
		slot_raise(table, i, cls);
		slot_lost(heap, old, old_size);
		return;
	}
	entry = addr_table_class(table, i);
	if (cls >= *entry ||
	    (*slot_holes(table, i) == hole && !hole_slot_next(hole)))
		hole_map_set(table, entry, i, cls);
	else if (mems_hole_class(old_size) >= *entry)
		hole_map_set(table, entry, i, slot_class(table, i));
}

/*
 * Keep the map for the policies that search it, and only for them: it
 * costs instructions at every carve and free, and its columns memory.
 * Off, level 0 and the lists are unmapped and the levels above all 0, so
 * that turning it on again maps the columns and adds the holes there
 * are; -ENOMEM, the map still off, when the columns cannot be mapped.
 */
int mems_hole_map_use(struct mems_heap *heap, bool on)
{
	struct mems_addr_table *table = &heap->addr_table;
	const struct mems_node *node;
	struct mems_seg *seg;
	unsigned int k;

	if (heap->hole_map_on == on)
		return 0;
	if (!on) {
		heap->hole_map_on = false;
		for (k = 1; k < table->nr_levels; k++)
			memset(table->classes[k], 0, table->level_size[k]);
		mems_addr_table_map_off(heap);
		return 0;
	}
	if (mems_addr_table_map_on(heap))
		return -ENOMEM;
	heap->hole_map_on = true;
	heap_for_each_node(node, heap)
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg))
				mems_hole_map_add(heap, seg);
	return 0;
}

/*
 * The first entry of level @k at or after @i, within @i's group, that is
 * at least @cls; the group's end when none is.
 */
static inline size_t group_first_at_least(const uint8_t *group, size_t i,
					  unsigned int cls)
{
	size_t first = i & ~(MEMS_HOLE_MAP_FANOUT - 1);

	return first + byte_group_first_at_least(
			       group, cls, i & (MEMS_HOLE_MAP_FANOUT - 1));
}

/*
 * From entry @i of level @k, which is at least @cls, down to the lowest
 * slot below it that is: the levels above level 0, then level 0's group,
 * whose chunk is mapped since a hole ends there.  False only when the
 * map is broken, as the checker may find it.
 */
static inline __attribute__((always_inline)) bool
descend(const struct mems_addr_table *table, unsigned int k, size_t i,
	unsigned int cls, size_t *slot)
{
	size_t below;

	if (!k) {
		*slot = i;
		return true;
	}
	for (; k > 1; k--) {
		below = i << MEMS_HOLE_MAP_SHIFT;
		i = group_first_at_least(upper_group(table, k - 1, i), below,
					 cls);
		if (i == below + MEMS_HOLE_MAP_FANOUT)
			return false;
	}
	below = i << MEMS_HOLE_MAP_SHIFT;
	i = group_first_at_least(level0_group(table, i), below, cls);
	if (i == below + MEMS_HOLE_MAP_FANOUT)
		return false;
	*slot = i;
	return true;
}

/*
 * The lowest slot at or after @i whose entry is at least @cls, not 0:
 * along each group from the entry on and up while the rest of it falls
 * short, then down.  From slot 0 the way up is the whole map, so the
 * search starts at the root.  Where no chunk is mapped no hole ends,
 * and the search goes up at once.
 */
static inline __attribute__((always_inline)) bool
lowest_slot_at_least(const struct mems_addr_table *table, size_t i,
		     unsigned int cls, size_t *slot)
{
	unsigned int k = 0, top = table->nr_levels - 1;
	size_t found;

	if (!i) {
		if (hole_map_entry(table, top, 0) < cls)
			return false;
		return descend(table, top, 0, cls, slot);
	}
	if (level0_mapped(table, i)) {
		found = group_first_at_least(
			level0_group(table, i >> MEMS_HOLE_MAP_SHIFT), i, cls);
		if (found >> MEMS_HOLE_MAP_SHIFT == i >> MEMS_HOLE_MAP_SHIFT) {
			*slot = found;
			return true;
		}
	}
	do {
		if (k == top)
			return false;
		i = (i >> MEMS_HOLE_MAP_SHIFT) + 1;
		k++;
		/* Past a level's last entry, every level above is past it. */
		if (i >= table->level_size[k])
			return false;
		found = group_first_at_least(
			upper_group(table, k, i >> MEMS_HOLE_MAP_SHIFT), i,
			cls);
	} while (found >> MEMS_HOLE_MAP_SHIFT != i >> MEMS_HOLE_MAP_SHIFT);
	return descend(table, k, found, cls, slot);
}

/*
 * The lowest hole of at least @bytes bytes ending in @slot at or after
 * @from, NULL when none does: the slot's holes are few, and each is
 * looked at.
 */
static inline __attribute__((always_inline)) struct mems_seg *
slot_fit_from(const struct mems_heap *heap, size_t slot, uintptr_t from,
	      size_t bytes)
{
	struct mems_seg *hole, *best = NULL;

	slot_for_each_hole(hole, &heap->addr_table, slot)
		if (seg_size(hole) >= bytes && hole->vend >= from &&
		    (!best || hole->vend < best->vend))
			best = hole;
	return best;
}

/*
 * The first hole of at least @bytes bytes ending in slot @slot or after
 * it.  A slot of @bytes' own class may hold none, and the search then
 * goes on past it.
 */
static struct mems_seg *lowest_fit_from_slot(const struct mems_heap *heap,
					     size_t slot, size_t bytes)
{
	const struct mems_addr_table *table = &heap->addr_table;
	unsigned int cls = mems_hole_class(bytes ? bytes : 1);
	struct mems_seg *seg;

	while (slot < table->nr &&
	       lowest_slot_at_least(table, slot, cls, &slot)) {
		seg = slot_fit_from(heap, slot, 0, bytes);
		if (seg)
			return seg;
		slot++;
	}
	return NULL;
}

/*
 * The segment holding @from, or the first after it when @from lies in
 * released space; NULL past the last.  A rover that follows the last
 * block stands just past it, and the segment after the block carved
 * last, a segment of the chains, is then found without the table.
 */
static struct mems_seg *segment_from(const struct mems_heap *heap,
				     uintptr_t from)
{
	struct mems_seg *last = heap->last_carved;

	if (last && last->vend + 1 == from)
		return mems_addr_table_next(heap, last);
	return mems_addr_table_find_from(heap, from);
}

/*
 * The lowest hole of at least @bytes bytes whose last byte is at or after
 * @from: the hole holding @from, if it fits, else the first that starts
 * after it.  Holes are kept by their last byte's slot, so that is the
 * lowest fitting hole of @from's slot ending at or after @from, else the
 * lowest of the slots after it.  The segment at @from is asked first: a
 * rover that follows the last block stands at the start of the rest of
 * its hole, whose last byte may be many slots on.
 */
struct mems_seg *mems_hole_map_lowest_fit(const struct mems_heap *heap,
					  size_t bytes, uintptr_t from)
{
	const struct mems_addr_table *table = &heap->addr_table;
	struct mems_seg *seg;
	size_t slot = 0;

	if (!heap->nr_nodes)
		return NULL;
	if (from > heap->virt_base) {
		seg = segment_from(heap, from);
		if (seg && seg_is_hole(seg) && seg_size(seg) >= bytes)
			return seg;
		slot = addr_table_slot_of(heap, from);
		if (slot >= table->nr)
			return NULL;
		if (level0_mapped(table, slot)) {
			seg = slot_fit_from(heap, slot, from, bytes);
			if (seg)
				return seg;
		}
		slot++;
	}
	return lowest_fit_from_slot(heap, slot, bytes);
}

/* The largest size of @cls: the last before the next class begins. */
static size_t class_largest_size(unsigned int cls)
{
	const unsigned int bits = MEMS_HOLE_CLASS_BITS;
	unsigned int e, next;

	if (cls < (2u << bits))
		return cls;
	if (cls >= MEMS_HOLE_CLASS_MAX)
		return SIZE_MAX;
	/* mems_hole_class() in reverse: the leading bits, then the shift. */
	e = (cls >> bits) - 1;
	next = (cls & ((1u << bits) - 1)) + (1u << bits) + 1;
	return ((size_t)next << e) - 1;
}

/*
 * The lowest-addressed of the largest holes, NULL when there is none;
 * with the map on only, for statistics and the checker.  The root gives
 * the largest class, and only the slots of that class can start the
 * hole, so they are walked in address order for the largest size; a
 * hole of the class's largest size ends the walk, no later one being
 * larger.
 */
static struct mems_seg *largest_hole(const struct mems_heap *heap)
{
	const struct mems_addr_table *table = &heap->addr_table;
	unsigned int cls = hole_map_entry(table, table->nr_levels - 1, 0);
	size_t ceiling = class_largest_size(cls), slot = 0;
	struct mems_seg *hole, *best = NULL;

	if (!cls)
		return NULL;
	while (slot < table->nr &&
	       lowest_slot_at_least(table, slot, cls, &slot)) {
		/* A slot's list is in no order: the slot is seen whole. */
		slot_for_each_hole(hole, table, slot)
			if (!best || seg_size(hole) > seg_size(best) ||
			    (seg_size(hole) == seg_size(best) &&
			     hole->vstart < best->vstart))
				best = hole;
		if (seg_size(best) >= ceiling)
			return best;
		slot++;
	}
	return best;
}

/* Without the map, a walk: only statistics and the checker ask then. */
static size_t holes_largest(const struct mems_heap *heap)
{
	const struct mems_node *node;
	const struct mems_seg *seg;
	size_t largest = 0;

	heap_for_each_node(node, heap)
		node_for_each_seg(seg, node)
			if (seg_is_hole(seg) && seg_size(seg) > largest)
				largest = seg_size(seg);
	return largest;
}

size_t mems_hole_map_largest(const struct mems_heap *heap)
{
	const struct mems_policy *policy = &heap->policy;
	const struct mems_seg *hole;

	if (heap->hole_map_on) {
		hole = largest_hole(heap);
		return hole ? seg_size(hole) : 0;
	}
	if (policy->ops->largest_hole)
		return policy->ops->largest_hole(policy);
	return holes_largest(heap);
}

/*
 * The holes ending in slot @i, counted by walking the segments from the
 * one holding the slot's first byte, or the first after it in released
 * space, to the last starting in the slot.
 */
static size_t slot_holes_walked(const struct mems_heap *heap, size_t i)
{
	const struct mems_seg *seg = mems_addr_table_find_from(
		heap, heap->virt_base + i * MEMS_ADDR_SLOT_BYTES);
	size_t holes = 0;

	for (; seg && addr_table_slot_of(heap, seg->vstart) <= i;
	     seg = mems_addr_table_next(heap, (struct mems_seg *)seg))
		holes += seg_is_hole(seg) && hole_slot(heap, seg) == i;
	return holes;
}

static int map_failed(FILE *report, const char *what, unsigned int level,
		      size_t i, size_t has, size_t want)
{
	if (report)
		fprintf(report,
			"mems_check: hole map %s: level %u entry %zu "
			"is %zu, not %zu\n",
			what, level, i, has, want);
	return -EUCLEAN;
}

/*
 * Each level's size, and each level above level 0 whole aligned groups:
 * a group must be one line, and a search may read any entry of a group
 * it reads.  Level 0's chunks are checked with their entries.
 */
static int shape_check(const struct mems_addr_table *table, FILE *report)
{
	size_t want = table->capacity;
	unsigned int k;

	if (!table->nr_levels || table->nr_levels > MEMS_HOLE_MAP_MAX_LEVELS)
		return map_failed(report, "shape", table->nr_levels, 0,
				  table->nr_levels, 1);
	for (k = 0; k < table->nr_levels; k++) {
		if (table->level_size[k] != want)
			return map_failed(report, "shape", k, 0,
					  table->level_size[k], want);
		if (k && (uintptr_t)table->classes[k] % MEMS_HOLE_MAP_FANOUT)
			return map_failed(report, "alignment", k, 0,
					  (uintptr_t)table->classes[k] %
						  MEMS_HOLE_MAP_FANOUT,
					  0);
		want = (want + MEMS_HOLE_MAP_FANOUT - 1) >> MEMS_HOLE_MAP_SHIFT;
	}
	if (table->level_size[k - 1] != 1)
		return map_failed(report, "shape", k - 1, 0,
				  table->level_size[k - 1], 1);
	return 0;
}

/*
 * Level @k's entry @i, recomputed from the level below, or 0 past the
 * level's last entry.
 */
static size_t entry_want(const struct mems_addr_table *table, unsigned int k,
			 size_t i)
{
	if (i >= table->level_size[k] ||
	    (k == 1 && !level0_mapped(table, i << MEMS_HOLE_MAP_SHIFT)))
		return 0;
	return group_largest(table, k - 1, i << MEMS_HOLE_MAP_SHIFT);
}

/*
 * Slot @i's list against its segments: each hole ending in the slot
 * once, linked both ways; its entry the class of the largest.  Past the
 * table's end, and with the map off, an empty list and 0.
 */
static int slot_check(const struct mems_heap *heap, size_t i, FILE *report)
{
	const struct mems_addr_table *table = &heap->addr_table;
	size_t holes = heap->hole_map_on && i < table->nr ?
			       slot_holes_walked(heap, i) :
			       0;
	const struct mems_seg *hole, *prev = NULL;
	size_t listed = 0;
	unsigned int cls = 0;

	slot_for_each_hole(hole, table, i) {
		if (++listed > holes || !seg_is_hole(hole) ||
		    hole_slot(heap, hole) != i ||
		    hole->policy_link.slot.prev != prev)
			return map_failed(report, "list of holes", 0, i, listed,
					  holes);
		if (mems_hole_class(seg_size(hole)) > cls)
			cls = mems_hole_class(seg_size(hole));
		prev = hole;
	}
	if (listed != holes)
		return map_failed(report, "list of holes", 0, i, listed, holes);
	if (hole_map_entry(table, 0, i) != cls)
		return map_failed(report, "slot", 0, i,
				  hole_map_entry(table, 0, i), cls);
	return 0;
}

/*
 * Level 0 in the chunks mapped, slot by slot, each chunk's entries
 * aligned to a group.
 */
static int slots_check(const struct mems_heap *heap, FILE *report)
{
	const struct mems_addr_table *table = &heap->addr_table;
	const struct mems_sparse_table *chunks = &table->chunks;
	size_t c, i, end;
	int err;

	for (c = 0; c < chunks->dir_len; c++) {
		if (!chunks->dir[c].col[ADDR_COL_CLASS])
			continue;
		i = c << MEMS_ADDR_CHUNK_SHIFT;
		if ((uintptr_t)hole_map_group(table, 0,
					      i >> MEMS_HOLE_MAP_SHIFT) %
		    MEMS_HOLE_MAP_FANOUT)
			return map_failed(report, "alignment", 0, i, 1, 0);
		end = i + sparse_chunk_entries(chunks, c);
		for (; i < end; i++) {
			err = slot_check(heap, i, report);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * Every entry, recomputed from the chains and from the level below, and
 * every entry past a level's last 0.
 */
int mems_hole_map_check(const struct mems_heap *heap, FILE *report)
{
	const struct mems_addr_table *table = &heap->addr_table;
	size_t i, want, groups;
	unsigned int k;
	int err = shape_check(table, report);

	if (!err)
		err = slots_check(heap, report);
	if (err)
		return err;
	for (k = 1; k < table->nr_levels; k++) {
		groups = (table->level_size[k] + MEMS_HOLE_MAP_FANOUT - 1) >>
			 MEMS_HOLE_MAP_SHIFT;
		for (i = 0; i < groups << MEMS_HOLE_MAP_SHIFT; i++) {
			want = entry_want(table, k, i);
			if (hole_map_entry(table, k, i) != want)
				return map_failed(report, "summary", k, i,
						  hole_map_entry(table, k, i),
						  want);
		}
	}
	return 0;
}
