/* SPDX-License-Identifier: MIT */
/*
 * rules.h - the tests' own model of the placement table, SPEC section 5.
 *
 * The registry (core/registry.c) says which policies a build has; this
 * file says what each of them must answer, independently of the library:
 * for each rule, a plain function that picks a hole from a list of holes,
 * and the answers of the scenarios of policy_test.c, worked out by hand.
 * It is the one test file that spells the rules' names: every other test
 * enumerates the registry with mems_policy_info() and asks here.
 *
 * A policy follows the rule of its own name.  A linear reference follows
 * the rule of the indexed policy whose `reference' it is, as the registry
 * says; when that policy is not built, the rule its name gives without
 * its "-linear" suffix.  A built policy that follows no rule here makes
 * the tests that need its answers fail, naming it: a new policy is not
 * tested until its rule and answers are written down below.
 */
#ifndef MEMS_RULES_H
#define MEMS_RULES_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mems/introspect.h>

/* A hole as the rules see it: where it starts and how many bytes. */
struct rule_hole {
	uintptr_t start;
	size_t size;
};

/*
 * rule_pick_fn - the hole a rule picks for @n bytes.
 * @holes: every hole of the heap, in ascending address order.
 * @nr:    how many.
 * @n:     the request, already rounded to the granule.
 * @rover: one past the end of the most recent allocation (next-fit).
 *
 * Return: the index of the hole in @holes, or @nr when none fits.
 */
typedef size_t rule_pick_fn(const struct rule_hole *holes, size_t nr,
			    size_t n, uintptr_t rover);

static inline size_t rule_first_fit(const struct rule_hole *holes,
				    size_t nr, size_t n, uintptr_t rover)
{
	size_t i;

	(void)rover;
	for (i = 0; i < nr; i++)
		if (holes[i].size >= n)
			return i;
	return nr;
}

/* Only a strictly smaller hole beats a lower-addressed one. */
static inline size_t rule_best_fit(const struct rule_hole *holes, size_t nr,
				   size_t n, uintptr_t rover)
{
	size_t i, best = nr;

	(void)rover;
	for (i = 0; i < nr; i++)
		if (holes[i].size >= n &&
		    (best == nr || holes[i].size < holes[best].size))
			best = i;
	return best;
}

/* Only a strictly larger hole beats a lower-addressed one. */
static inline size_t rule_worst_fit(const struct rule_hole *holes,
				    size_t nr, size_t n, uintptr_t rover)
{
	size_t i, worst = nr;

	(void)rover;
	for (i = 0; i < nr; i++)
		if (holes[i].size >= n &&
		    (worst == nr || holes[i].size > holes[worst].size))
			worst = i;
	return worst;
}

/* The lowest fit whose last byte is at or after the rover, else wrap. */
static inline size_t rule_next_fit(const struct rule_hole *holes, size_t nr,
				   size_t n, uintptr_t rover)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (holes[i].size >= n &&
		    holes[i].start + (holes[i].size - 1) >= rover)
			return i;
	return rule_first_fit(holes, nr, n, rover);
}

/* ---------------------------------------------------------------------
 * The answers of policy_test.c's scenarios
 *
 * Each scenario runs on a heap of 10000-byte pages from virtual base
 * 1000, granule 1, unless it says otherwise; policy_test.c describes
 * the layout it builds before the requests that the rules decide.
 */

#define STATS_HEAD	"----- MeMS SYSTEM STATS -----\n"
#define STATS_TAIL(pages, unused, nodes, subs)				\
	"Pages used:\t" #pages "\n"					\
	"Space unused:\t" #unused "\n"					\
	"Main Chain Length:\t" #nodes "\n"				\
	"Sub-chain Length array: [" subs "]\n"				\
	"-----------------------------\n"

/* What one placement rule answers in each scenario. */
struct policy_answers {
	/* picks_differ_with_rover_inside_hole: two requests of 60 */
	uintptr_t rover_inside[2];
	const char *rover_inside_report;
	/* rover_on_last_byte_of_hole: one request of 50 */
	uintptr_t rover_on_last;
	const char *rover_on_last_report;
	/* best_fit_ties_and_exact_fits: requests of 90, 100, 10 */
	uintptr_t ties[3];
	const char *ties_report;
	/* hole_behind_rover_and_wrap: requests of 25, 150 */
	uintptr_t wrap[2];
	const char *wrap_report;
	/* no_fit_maps_node_and_moves_rover: 500, 50, 20000, 9000 */
	uintptr_t no_fit[4];
	const char *no_fit_report;
	/* fit_judged_on_rounded_size: the request of 80 */
	uintptr_t rounded;
	const char *rounded_report;
	/* frees_and_merges_ignore_policy: the request of 10000 at the end */
	uintptr_t after_merges;
	/* rover_starts_at_virt_base: a request of 50 after the switch */
	uintptr_t switched;
	/* classic_demo: the report after the last mems_malloc */
	const char *classic_report;
};

/*
 * first-fit, best-fit and next-fit: the answers the course's three
 * policies have always given (policy_test.c explains each scenario).
 */
static const struct policy_answers first_fit_answers = {
	.rover_inside = { 1000, 1200 },
	.rover_inside_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1059] <-> H[1060:1099] <-> "
		"P[1100:1199] <-> P[1200:1259] <-> H[1260:1499] <-> "
		"P[1500:1599] <-> H[1600:1679] <-> P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 360, 1, "8, "),
	.rover_on_last = 1000,
	.rover_on_last_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1049] <-> H[1050:1099] <-> "
		"P[1100:1199] <-> H[1200:1260] <-> P[1261:1360] <-> "
		"H[1361:1410] <-> P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 161, 1, "7, "),
	.ties = { 1000, 1200, 1090 },
	.ties_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1089] <-> P[1090:1099] <-> "
		"H[1100:1149] <-> P[1150:1199] <-> P[1200:1299] <-> "
		"P[1300:1399] <-> H[1400:1499] <-> P[1500:1599] <-> "
		"P[1600:9999] <-> H[10000:10999] <-> NULL\n"
		STATS_TAIL(1, 1150, 1, "10, "),
	.wrap = { 1000, 1025 },
	.wrap_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1024] <-> P[1025:1174] <-> "
		"H[1175:1199] <-> P[1200:1249] <-> H[1250:1399] <-> "
		"P[1400:1449] <-> P[1450:9949] <-> H[9950:9979] <-> "
		"P[9980:9989] <-> H[9990:10009] <-> P[10010:10999] <-> NULL\n"
		STATS_TAIL(1, 225, 1, "11, "),
	.no_fit = { 11000, 1000, 21000, 11500 },
	.no_fit_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1049] <-> H[1050:1099] <-> "
		"P[1100:1199] <-> H[1200:1259] <-> P[1260:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:11499] <-> P[11500:20499] <-> "
		"H[20500:20999] <-> NULL\n"
		"MAIN[21000:40999]-> P[21000:40999] <-> NULL\n"
		STATS_TAIL(4, 610, 3, "5, 3, 1, "),
	.rounded = 10920,
	.rounded_report = STATS_HEAD
		"MAIN[1000:11007]-> P[1000:10919] <-> P[10920:10999] <-> "
		"H[11000:11007] <-> NULL\n"
		"MAIN[11008:21015]-> P[11008:11103] <-> "
		"H[11104:21015] <-> NULL\n"
		STATS_TAIL(2, 9920, 2, "3, 2, "),
	.after_merges = 1000,
	.switched = 1000,
	.classic_report = STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> P[4000:4999] <-> H[5000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"H[11192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "5, 5, 3, "),
};

static const struct policy_answers best_fit_answers = {
	.rover_inside = { 1600, 1000 },
	.rover_inside_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1059] <-> H[1060:1099] <-> "
		"P[1100:1199] <-> H[1200:1499] <-> P[1500:1599] <-> "
		"P[1600:1659] <-> H[1660:1679] <-> P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 360, 1, "8, "),
	.rover_on_last = 1361,
	.rover_on_last_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"H[1200:1260] <-> P[1261:1360] <-> P[1361:1410] <-> "
		"P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 161, 1, "6, "),
	.ties = { 1200, 1400, 1290 },
	.ties_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1149] <-> P[1150:1199] <-> "
		"P[1200:1289] <-> P[1290:1299] <-> P[1300:1399] <-> "
		"P[1400:1499] <-> P[1500:1599] <-> P[1600:9999] <-> "
		"H[10000:10999] <-> NULL\n"
		STATS_TAIL(1, 1150, 1, "9, "),
	.wrap = { 9950, 1250 },
	.wrap_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1199] <-> P[1200:1249] <-> "
		"P[1250:1399] <-> P[1400:1449] <-> P[1450:9949] <-> "
		"P[9950:9974] <-> H[9975:9979] <-> P[9980:9989] <-> "
		"H[9990:10009] <-> P[10010:10999] <-> NULL\n"
		STATS_TAIL(1, 225, 1, "10, "),
	.no_fit = { 11000, 1200, 21000, 11500 },
	.no_fit_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1249] <-> H[1250:1259] <-> P[1260:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:11499] <-> P[11500:20499] <-> "
		"H[20500:20999] <-> NULL\n"
		"MAIN[21000:40999]-> P[21000:40999] <-> NULL\n"
		STATS_TAIL(4, 610, 3, "5, 3, 1, "),
	.rounded = 10920,
	.rounded_report = STATS_HEAD
		"MAIN[1000:11007]-> P[1000:10919] <-> P[10920:10999] <-> "
		"H[11000:11007] <-> NULL\n"
		"MAIN[11008:21015]-> P[11008:11103] <-> "
		"H[11104:21015] <-> NULL\n"
		STATS_TAIL(2, 9920, 2, "3, 2, "),
	.after_merges = 1000,
	.switched = 1200,
	.classic_report = STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> P[4000:4999] <-> H[5000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"H[11192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "5, 5, 3, "),
};

static const struct policy_answers next_fit_answers = {
	.rover_inside = { 1200, 1260 },
	.rover_inside_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1259] <-> P[1260:1319] <-> H[1320:1499] <-> "
		"P[1500:1599] <-> H[1600:1679] <-> P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 360, 1, "8, "),
	.rover_on_last = 1200,
	.rover_on_last_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1249] <-> H[1250:1260] <-> P[1261:1360] <-> "
		"H[1361:1410] <-> P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 161, 1, "7, "),
	.ties = { 10000, 10090, 10190 },
	.ties_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1149] <-> P[1150:1199] <-> "
		"H[1200:1299] <-> P[1300:1399] <-> H[1400:1499] <-> "
		"P[1500:1599] <-> P[1600:9999] <-> P[10000:10089] <-> "
		"P[10090:10189] <-> P[10190:10199] <-> "
		"H[10200:10999] <-> NULL\n"
		STATS_TAIL(1, 1150, 1, "11, "),
	.wrap = { 1000, 1025 },
	.wrap_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1024] <-> P[1025:1174] <-> "
		"H[1175:1199] <-> P[1200:1249] <-> H[1250:1399] <-> "
		"P[1400:1449] <-> P[1450:9949] <-> H[9950:9979] <-> "
		"P[9980:9989] <-> H[9990:10009] <-> P[10010:10999] <-> NULL\n"
		STATS_TAIL(1, 225, 1, "11, "),
	.no_fit = { 11000, 11500, 21000, 11550 },
	.no_fit_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"H[1200:1259] <-> P[1260:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:11499] <-> P[11500:11549] <-> "
		"P[11550:20549] <-> H[20550:20999] <-> NULL\n"
		"MAIN[21000:40999]-> P[21000:40999] <-> NULL\n"
		STATS_TAIL(4, 610, 3, "4, 4, 1, "),
	.rounded = 11104,
	.rounded_report = STATS_HEAD
		"MAIN[1000:11007]-> P[1000:10919] <-> H[10920:11007] <-> NULL\n"
		"MAIN[11008:21015]-> P[11008:11103] <-> P[11104:11183] <-> "
		"H[11184:21015] <-> NULL\n"
		STATS_TAIL(2, 9920, 2, "2, 3, "),
	.after_merges = 21000,
	.switched = 1000,
	.classic_report = STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> H[4000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"P[11192:12191] <-> H[12192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "4, 5, 4, "),
};

/*
 * worst-fit, worked out by hand from its rule: the largest hole with
 * size >= n, the lowest-addressed among equal sizes, carved from its low
 * end.  The rover plays no part.
 */
static const struct policy_answers worst_fit_answers = {
	/*
	 * Holes 100@1000, 300@1200, 80@1600.  60: the largest is 300@1200
	 * -> 1200, leaving [1260:1499] (240).  60: holes 100, 240, 80 ->
	 * 240@1260 -> 1260, leaving [1320:1499] (180).  Unused
	 * 100 + 180 + 80 = 360.
	 */
	.rover_inside = { 1200, 1260 },
	.rover_inside_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"P[1200:1259] <-> P[1260:1319] <-> H[1320:1499] <-> "
		"P[1500:1599] <-> H[1600:1679] <-> P[1680:10999] <-> NULL\n"
		STATS_TAIL(1, 360, 1, "8, "),
	/*
	 * Holes 100@1000, 61@1200, 50@1361.  50: the largest is 100@1000
	 * -> 1000, leaving [1050:1099].  Unused 50 + 61 + 50 = 161.
	 */
	.rover_on_last = 1000,
	.rover_on_last_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1049] <-> H[1050:1099] <-> "
		"P[1100:1199] <-> H[1200:1260] <-> P[1261:1360] <-> "
		"H[1361:1410] <-> P[1411:10999] <-> NULL\n"
		STATS_TAIL(1, 161, 1, "7, "),
	/*
	 * Holes 150@1000, 100@1200, 100@1400, 1000@10000.  Each request
	 * goes to the tail, still the largest: 90 -> 10000 (910 left),
	 * 100 -> 10090 (810 left), 10 -> 10190 (800 left).  Unused
	 * 150 + 100 + 100 + 800 = 1150.
	 */
	.ties = { 10000, 10090, 10190 },
	.ties_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1149] <-> P[1150:1199] <-> "
		"H[1200:1299] <-> P[1300:1399] <-> H[1400:1499] <-> "
		"P[1500:1599] <-> P[1600:9999] <-> P[10000:10089] <-> "
		"P[10090:10189] <-> P[10190:10199] <-> "
		"H[10200:10999] <-> NULL\n"
		STATS_TAIL(1, 1150, 1, "11, "),
	/*
	 * Holes 200@1000, 150@1250, 30@9950, 20@9990.  25: 200@1000 ->
	 * 1000, leaving [1025:1199] (175).  150: holes 175, 150, 30, 20 ->
	 * 175@1025 -> 1025, leaving [1175:1199] (25).  Unused
	 * 25 + 150 + 30 + 20 = 225.
	 */
	.wrap = { 1000, 1025 },
	.wrap_report = STATS_HEAD
		"MAIN[1000:10999]-> P[1000:1024] <-> P[1025:1174] <-> "
		"H[1175:1199] <-> P[1200:1249] <-> H[1250:1399] <-> "
		"P[1400:1449] <-> P[1450:9949] <-> H[9950:9979] <-> "
		"P[9980:9989] <-> H[9990:10009] <-> P[10010:10999] <-> NULL\n"
		STATS_TAIL(1, 225, 1, "11, "),
	/*
	 * Holes 100@1000, 60@1200.  500 fits none: node [11000:20999],
	 * 500 at its start, hole [11500:20999] (9500).  50: 9500@11500 ->
	 * 11500, leaving [11550:20999] (9450).  20000 fits none: node of
	 * two pages [21000:40999], filled.  9000: 9450@11550 -> 11550,
	 * leaving [20550:20999] (450).  Unused 100 + 60 + 450 = 610.
	 */
	.no_fit = { 11000, 11500, 21000, 11550 },
	.no_fit_report = STATS_HEAD
		"MAIN[1000:10999]-> H[1000:1099] <-> P[1100:1199] <-> "
		"H[1200:1259] <-> P[1260:10999] <-> NULL\n"
		"MAIN[11000:20999]-> P[11000:11499] <-> P[11500:11549] <-> "
		"P[11550:20549] <-> H[20550:20999] <-> NULL\n"
		"MAIN[21000:40999]-> P[21000:40999] <-> NULL\n"
		STATS_TAIL(4, 610, 3, "4, 4, 1, "),
	/*
	 * Pages of 10008, granule 16.  Holes 88@10920 and 9912@11104.
	 * 80: 9912@11104 -> 11104, leaving [11184:21015] (9832).  Unused
	 * 88 + 9832 = 9920.
	 */
	.rounded = 11104,
	.rounded_report = STATS_HEAD
		"MAIN[1000:11007]-> P[1000:10919] <-> H[10920:11007] <-> NULL\n"
		"MAIN[11008:21015]-> P[11008:11103] <-> P[11104:11183] <-> "
		"H[11184:21015] <-> NULL\n"
		STATS_TAIL(2, 9920, 2, "2, 3, "),
	/* Three holes of 10000: a tie, so the lowest, 1000. */
	.after_merges = 1000,
	/*
	 * Holes 100@1000, 60@1200, 1000@10000: the tail is the largest
	 * -> 10000.
	 */
	.switched = 10000,
	/*
	 * Holes 1096@4000 (the freed array and its node's tail), 96@9096,
	 * 2096@11192: 1000 -> 11192, leaving [12192:13287] (1096).  Unused
	 * 1096 + 96 + 1096 = 2288.
	 */
	.classic_report = STATS_HEAD
		"MAIN[1000:5095]-> P[1000:1999] <-> P[2000:2999] <-> "
		"P[3000:3999] <-> H[4000:5095] <-> NULL\n"
		"MAIN[5096:9191]-> P[5096:6095] <-> P[6096:7095] <-> "
		"P[7096:8095] <-> P[8096:9095] <-> H[9096:9191] <-> NULL\n"
		"MAIN[9192:13287]-> P[9192:10191] <-> P[10192:11191] <-> "
		"P[11192:12191] <-> H[12192:13287] <-> NULL\n"
		STATS_TAIL(3, 2288, 3, "4, 5, 4, "),
};

/* ---------------------------------------------------------------------
 * The table, and which rule a built policy follows
 */

struct rule {
	const char *name;
	rule_pick_fn *pick;
	const struct policy_answers *answers;
};

static const struct rule rules[] __attribute__((unused)) = {
	{ "first-fit", rule_first_fit, &first_fit_answers },
	{ "best-fit", rule_best_fit, &best_fit_answers },
	{ "next-fit", rule_next_fit, &next_fit_answers },
	{ "worst-fit", rule_worst_fit, &worst_fit_answers },
};

#define NR_RULES	(sizeof(rules) / sizeof(rules[0]))

#define REFERENCE_SUFFIX	"-linear"

static inline const struct rule *rule_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < NR_RULES; i++)
		if (!strcmp(rules[i].name, name))
			return &rules[i];
	return NULL;
}

/* The built policy called @name, 0; or -ENOENT. */
static inline int policy_info_by_name(const char *name,
				      struct mems_policy_info *info)
{
	unsigned int i;

	for (i = 0; !mems_policy_info(i, info); i++)
		if (!strcmp(info->name, name))
			return 0;
	return -ENOENT;
}

/* The built indexed policy whose reference @name is, or NULL. */
static inline const char *reference_owner(const char *name)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++)
		if (info.reference && !strcmp(info.reference, name))
			return info.name;
	return NULL;
}

/*
 * The rule the built policy @name follows (see the top of this file), or
 * NULL when rules[] has none for it.
 */
static inline const struct rule *rule_of_policy(const char *name)
{
	size_t len = strlen(name), suffix = strlen(REFERENCE_SUFFIX);
	struct mems_policy_info info;
	const char *owner;
	char *stem;
	const struct rule *rule;

	if (policy_info_by_name(name, &info))
		return NULL;
	if (!(info.flags & MEMS_POLICY_REFERENCE))
		return rule_find(name);
	owner = reference_owner(name);
	if (owner)
		return rule_find(owner);
	if (len <= suffix || strcmp(name + len - suffix, REFERENCE_SUFFIX))
		return NULL;
	stem = strndup(name, len - suffix);
	rule = stem ? rule_find(stem) : NULL;
	free(stem);
	return rule;
}

#endif /* MEMS_RULES_H */
