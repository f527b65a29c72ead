#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# roundtrip.bats - a program traced with MEMS_TRACE, replayed by mems-dump.
#
# The replay must print, byte for byte, every state the program printed,
# for every policy the build offers (asked of its mems-info, not listed
# here).  The programs are the classic demo and two programs of random
# calls, bad ones included, the second resizing, zeroing and trimming
# too, under every trim threshold; their output is only known from
# running them: the test compares the two runs, not fixed text.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	mems_tree defconfig "$BATS_FILE_TMPDIR/build"
	cat >"$BATS_FILE_TMPDIR/random.c" <<'PROG'
#include <mems.h>

/* Random mallocs, frees (some of them bad) and gets, and a report every
 * 50 calls; the same sequence on every run. */
int main(void)
{
	unsigned long state = 12345, live[64] = { 0 };
	int i;

	for (i = 1; i <= 600; i++) {
		unsigned long pick, k;

		state = state * 6364136223846793005UL + 1442695040888963407UL;
		pick = (state >> 33) % 100;
		k = (state >> 20) % 64;
		if (pick < 50 && !live[k])
			live[k] = (unsigned long)mems_malloc(1 + (state >> 40) % 3000);
		else if (pick < 85 && live[k])
			mems_free((void *)live[k]), live[k] = 0;
		else if (pick < 92)
			mems_free((void *)(live[k] + 1));
		else
			mems_get((void *)(live[k] + 7));
		if (i % 50 == 0)
			mems_print_stats();
	}
	mems_finish();
	return 0;
}
PROG
	cc -I"$MEMS_SRC/include" -o "$BATS_FILE_TMPDIR/random" \
		"$BATS_FILE_TMPDIR/random.c" "$BATS_FILE_TMPDIR/build/lib/libmems.a"
	cat >"$BATS_FILE_TMPDIR/resize.c" <<'PROG'
#include <mems.h>

/* Random mallocs, callocs, reallocs (to 0, of NULL, of bad addresses,
 * too large), frees and trims, and a report every 40 calls. */
int main(void)
{
	unsigned long state = 777, live[48] = { 0 };
	int i;

	for (i = 1; i <= 800; i++) {
		unsigned long pick, k, size;

		state = state * 6364136223846793005UL + 1442695040888963407UL;
		pick = (state >> 33) % 100;
		k = (state >> 20) % 48;
		size = 1 + (state >> 40) % 5000;
		if (pick < 30 && !live[k])
			live[k] = (unsigned long)mems_malloc(size);
		else if (pick < 38 && !live[k])
			live[k] = (unsigned long)mems_calloc(1 + size % 7, size / 7 + 1);
		else if (pick < 60 && live[k])
			live[k] = (unsigned long)mems_realloc((void *)live[k],
							      pick < 42 ? 0 : size);
		else if (pick < 62 && !live[k])
			live[k] = (unsigned long)mems_realloc(0, size);
		else if (pick < 85 && live[k])
			mems_free((void *)live[k]), live[k] = 0;
		else if (pick < 88)
			mems_realloc((void *)(live[k] + 3), 10);
		else if (pick < 89 && live[k])
			mems_realloc((void *)live[k], (unsigned long)-1 / 2);
		else if (pick < 92)
			mems_trim(size * 3);
		else
			mems_get((void *)(live[k] + 7));
		if (i % 40 == 0)
			mems_print_stats();
	}
	mems_finish();
	return 0;
}
PROG
	cc -I"$MEMS_SRC/include" -o "$BATS_FILE_TMPDIR/resize" \
		"$BATS_FILE_TMPDIR/resize.c" "$BATS_FILE_TMPDIR/build/lib/libmems.a"
}

# reports FILE - the mems_print_stats reports in a program's output.
reports() {
	awk '/^----- MeMS SYSTEM STATS -----$/ { inside = 1 }
	     inside { print }
	     /^-----------------------------$/ { inside = 0 }' "$1"
}

# roundtrip PROGRAM POLICY - run PROGRAM traced under POLICY, replay its
# trace, and require the same reports, and every recorded result given
# again: mems-dump exits 0 and tells of no line.
roundtrip() {
	local prog=$1 policy=$2 out=$BATS_TEST_TMPDIR/$2

	MEMS_POLICY=$policy MEMS_TRACE=$out.trace "$prog" >"$out.out" 2>/dev/null
	reports "$out.out" >"$out.expected"
	# The program must have printed something for the test to mean much.
	[ -s "$out.expected" ]
	"$BATS_FILE_TMPDIR/build/tools/mems-dump" "$out.trace" \
		>"$out.replayed" 2>"$out.err" || { cat "$out.err"; return 1; }
	diff -u /dev/null "$out.err" &&
		diff -u "$out.expected" "$out.replayed"
}

# policies - what the build offers users, one a line.
policies() {
	user_policies "$BATS_FILE_TMPDIR/build"
}

@test "the build offers several policies to replay under" {
	run policies
	echo "$output"
	assert_success
	assert [ "${#lines[@]}" -gt 1 ]
}

@test "the classic demo's states replay byte for byte under every policy" {
	local policy

	for policy in $(policies); do
		echo "policy $policy"
		run roundtrip "$BATS_FILE_TMPDIR/build/samples/classic" "$policy"
		assert_success
		run sed -n 2p "$BATS_TEST_TMPDIR/$policy.trace"
		assert_output --regexp "^init $policy "
	done
}

@test "a program of random calls, bad ones included, replays byte for byte" {
	local policy

	for policy in $(policies); do
		echo "policy $policy"
		run roundtrip "$BATS_FILE_TMPDIR/random" "$policy"
		assert_success
	done
	run grep -c ' -> EINVAL$' "$BATS_TEST_TMPDIR/first-fit.trace"
	assert_success
	refute_output 0
}

@test "the trace names the policy the program ran with" {
	run roundtrip "$BATS_FILE_TMPDIR/build/samples/classic" next-fit
	assert_success
	run sed -n 2p "$BATS_TEST_TMPDIR/next-fit.trace"
	assert_output --regexp '^init next-fit [0-9]+ [0-9]+ [0-9]+$'
}

@test "a program that resizes, zeroes and trims replays byte for byte" {
	local policy threshold

	for threshold in -1 0 8192; do
		for policy in $(policies); do
			echo "policy $policy, trim threshold $threshold"
			MEMS_TRIM_THRESHOLD=$threshold run roundtrip \
				"$BATS_FILE_TMPDIR/resize" "$policy"
			assert_success
		done
	done
	for event in calloc realloc trim; do
		run grep -c "^$event " "$BATS_TEST_TMPDIR/first-fit.trace"
		assert_success
		refute_output 0
	done
	run grep -c '^realloc .* -> 0 EINVAL$' "$BATS_TEST_TMPDIR/first-fit.trace"
	refute_output 0
	run grep -c '^realloc .* -> 0 ENOMEM$' "$BATS_TEST_TMPDIR/first-fit.trace"
	refute_output 0
}

@test "the init line records a trim threshold only when one is set" {
	MEMS_TRIM_THRESHOLD=4096 run roundtrip "$BATS_FILE_TMPDIR/resize" next-fit
	assert_success
	run sed -n 2p "$BATS_TEST_TMPDIR/next-fit.trace"
	assert_output --regexp '^init next-fit [0-9]+ [0-9]+ [0-9]+ 4096$'
	MEMS_TRIM_THRESHOLD=-1 run roundtrip "$BATS_FILE_TMPDIR/resize" next-fit
	assert_success
	run sed -n 2p "$BATS_TEST_TMPDIR/next-fit.trace"
	assert_output --regexp '^init next-fit [0-9]+ [0-9]+ [0-9]+$'
}
