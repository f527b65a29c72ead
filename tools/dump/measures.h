/* SPDX-License-Identifier: MIT */
/*
 * tools/dump/measures.h - the peaks and fragmentation measures of a replay.
 *
 * The measures are those of Johnstone and Wilson ("The memory
 * fragmentation problem: solved?", ISMM 1998), each the memory mapped for
 * user pages over the bytes live, taken at different moments:
 *
 *   1. averaged over time: the mean mapped over the mean live;
 *   2. at the moment of peak live;
 *   3. at the moment of peak mapped;
 *   4. the peak mapped over the peak live, wherever each happened.
 *
 * A moment is the end of a step.  Time advances one tick per step, or
 * by the bytes the step asked to allocate (--time bytes); only measure 1
 * depends on it.  The figures come from the heap's statistics call, read
 * through the replay's hooks, so the replay itself knows nothing of them.
 */
#ifndef MEMS_DUMP_MEASURES_H
#define MEMS_DUMP_MEASURES_H

#include <stdbool.h>
#include <stddef.h>

#include "dump.h"

struct measures {
	enum measure_time time;
	size_t bytes_in_step; /* asked since the last step ended */
	unsigned long long bytes_allocated;
	/* Mapped and live, each summed over time: measure 1's means. */
	double mapped_time;
	double live_time;
	size_t peak_live;
	size_t mapped_at_peak_live;
	size_t peak_mapped; /* user pages, in bytes */
	size_t live_at_peak_mapped;
	size_t peak_total; /* user pages and bookkeeping */
};

/* Start @m, and make @hooks feed it from a replay. */
void measures_init(struct measures *m, enum measure_time time,
		   struct replay_hooks *hooks);

/* Measures 1 to 4; false when nothing was live at the moment taken. */
bool measure_mean(const struct measures *m, double *ratio);
bool measure_at_peak_live(const struct measures *m, double *ratio);
bool measure_at_peak_mapped(const struct measures *m, double *ratio);
bool measure_peaks(const struct measures *m, double *ratio);

const char *measure_time_name(enum measure_time time);

#endif /* MEMS_DUMP_MEASURES_H */
