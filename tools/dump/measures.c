// SPDX-License-Identifier: MIT
/*
 * tools/dump/measures.c - the peaks and the fragmentation measures of a
 * replay, taken after each step from the heap's statistics call.
 *
 * Measure 1 is the mean mapped over the mean live, not the mean of the
 * ratio at each moment: a moment with little live (the first block in a
 * fresh page) would otherwise outweigh thousands of steps, and a moment
 * with nothing live has no ratio at all.  It is the ratio at each moment
 * weighted by the bytes live then.  A peak's moment is the first step
 * that reached it, as for the holes of the --compare table.
 */
#include <mems/introspect.h>

#include "measures.h"

static int measures_event(void *arg, const struct event *ev, uintptr_t v)
{
	struct measures *m = arg;

	(void)v;
	/* Asked, granted or not: the program's clock, not the heap's. */
	if (ev->kind == EVENT_MALLOC || ev->kind == EVENT_REALLOC)
		m->bytes_in_step += ev->size;
	return 0;
}

static int measures_step(void *arg, const struct mems_heap *heap,
			 unsigned long step)
{
	struct measures *m = arg;
	struct mems_heap_stats stats;
	size_t mapped, ticks;

	(void)step;
	mems_heap_stats(heap, &stats);
	mapped = stats.pages_used * mems_heap_page_size(heap);
	ticks = m->time == TIME_BYTES ? m->bytes_in_step : 1;
	m->bytes_allocated += m->bytes_in_step;
	m->bytes_in_step = 0;
	m->mapped_time += (double)mapped * (double)ticks;
	m->live_time += (double)stats.live_bytes * (double)ticks;
	if (stats.live_bytes > m->peak_live) {
		m->peak_live = stats.live_bytes;
		m->mapped_at_peak_live = mapped;
	}
	if (mapped > m->peak_mapped) {
		m->peak_mapped = mapped;
		m->live_at_peak_mapped = stats.live_bytes;
	}
	if (mapped + stats.meta_bytes > m->peak_total)
		m->peak_total = mapped + stats.meta_bytes;
	return 0;
}

void measures_init(struct measures *m, enum measure_time time,
		   struct replay_hooks *hooks)
{
	*m = (struct measures){ .time = time };
	*hooks = (struct replay_hooks){
		.event = measures_event,
		.step = measures_step,
		.arg = m,
	};
}

static bool ratio_of(double mapped, double live, double *ratio)
{
	if (live <= 0)
		return false;
	*ratio = mapped / live;
	return true;
}

bool measure_mean(const struct measures *m, double *ratio)
{
	return ratio_of(m->mapped_time, m->live_time, ratio);
}

bool measure_at_peak_live(const struct measures *m, double *ratio)
{
	return ratio_of((double)m->mapped_at_peak_live, (double)m->peak_live,
			ratio);
}

bool measure_at_peak_mapped(const struct measures *m, double *ratio)
{
	return ratio_of((double)m->peak_mapped, (double)m->live_at_peak_mapped,
			ratio);
}

bool measure_peaks(const struct measures *m, double *ratio)
{
	return ratio_of((double)m->peak_mapped, (double)m->peak_live, ratio);
}

const char *measure_time_name(enum measure_time time)
{
	return time == TIME_BYTES ? "bytes" : "steps";
}
