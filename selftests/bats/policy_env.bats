#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# policy_env.bats - the MEMS_POLICY environment variable.
#
# Every policy a build offers (asked of its mems-info, never listed here)
# must run the classic demo as its golden output when MEMS_POLICY names
# it.  The classic demo cannot tell every policy from every other (some
# golden outputs are the same), so a probe program also lays out holes
# where each policy places a request at its own address; the addresses
# are the golden data/golden/probe.out, a line "ADDRESS POLICY" for each.

bats_require_minimum_version 1.5.0
load test_helper

PROBE_GOLDEN=$MEMS_GOLDEN/probe.out

setup_file() {
	mems_tree defconfig "$BATS_FILE_TMPDIR/defconfig"
	mems_tree next_fit_defconfig "$BATS_FILE_TMPDIR/next_fit_defconfig"
	# defconfig without MEMS_NEXT_FIT.
	mems_tree no-next "$BATS_FILE_TMPDIR/no-next"

	cat >"$BATS_FILE_TMPDIR/probe.c" <<-'EOF'
	#include <stdlib.h>
	#include <mems.h>
	#include <mems/heap.h>

	/*
	 * One page of 4096 bytes from 1000.  Blocks of 600, 450 and 2000
	 * bytes, each followed by one of 10, are freed: holes of 600 at
	 * 1000 (the lowest), 450 at 1610 (the smallest), 2000 at 2070 (the
	 * largest), and the tail, 1016 bytes at 4080, after the last
	 * allocation.  400 bytes then go to a different hole under each
	 * rule; the probe prints where, and the policy that placed them.
	 */
	static void probe(void)
	{
		void *a, *c, *e;

		a = mems_malloc(600);
		mems_malloc(10);
		c = mems_malloc(450);
		mems_malloc(10);
		e = mems_malloc(2000);
		mems_malloc(10);
		mems_free(a);
		mems_free(c);
		mems_free(e);
		printf("%lu %s\n", (unsigned long)mems_malloc(400),
		       mems_heap_policy(mems_default_heap()));
	}

	/*
	 * The first probe initialises MeMS lazily; each argument is then
	 * put in MEMS_POLICY before a mems_init and a probe.
	 */
	int main(int argc, char **argv)
	{
		int i;

		probe();
		for (i = 1; i < argc; i++) {
			setenv("MEMS_POLICY", argv[i], 1);
			mems_init();
			probe();
		}
		mems_finish();
		return 0;
	}
	EOF
	for dir in defconfig next_fit_defconfig no-next; do
		dir=$BATS_FILE_TMPDIR/$dir
		cc -Wall -Wextra -Werror -I"$MEMS_SRC/include" -o "$dir/probe" \
			"$BATS_FILE_TMPDIR/probe.c" "$dir/lib/libmems.a"
	done
}

# demo_with CONFIG POLICY - the demo of CONFIG's build run through
# `make run` with MEMS_POLICY=POLICY; stdout in demo.out.
demo_with() {
	run --separate-stderr into "$BATS_TEST_TMPDIR/demo.out" \
		env MEMS_POLICY="$2" \
		make -C "$MEMS_SRC" --no-print-directory \
		O="$BATS_FILE_TMPDIR/$1" run
	assert_success
}

# probe CONFIG ARGS... - the probe of CONFIG's build, MEMS_POLICY unset.
probe() {
	local dir=$BATS_FILE_TMPDIR/$1
	shift
	"$dir/probe" "$@"
}

# placed POLICY - the probe's golden line for POLICY; fails without one.
placed() {
	local line

	line=$(awk -v policy="$1" '$2 == policy' "$PROBE_GOLDEN")
	[ -n "$line" ] || fail "no line for $1 in $PROBE_GOLDEN"
	echo "$line"
}

# unknown_policy_line CONFIG NAME DEFAULT - the line MEMS_POLICY=NAME
# writes in CONFIG's build: the policies its mems-info lists, references
# apart, then the DEFAULT it falls back to.
unknown_policy_line() {
	local dir=$BATS_FILE_TMPDIR/$1 built refs

	built=$(user_policies "$dir" | paste -sd , | sed 's/,/, /g')
	refs=$(reference_policies "$dir" | paste -sd , | sed 's/,/, /g')
	[ -z "$refs" ] || built+="; references: $refs"
	echo "mems_init: unknown placement policy '$2' in MEMS_POLICY" \
		"(built: $built), using $3"
}

# policies - what the defconfig build offers users, in its order.
policies() {
	user_policies "$BATS_FILE_TMPDIR/defconfig"
}

@test "the defconfig build offers several policies, first-fit the default" {
	run policies
	echo "$output"
	assert_success
	assert [ "${#lines[@]}" -gt 1 ]
	run "$BATS_FILE_TMPDIR/defconfig/tools/mems-info" --default-policy
	assert_output first-fit
}

@test "MEMS_POLICY naming each policy runs the demo as that policy's golden" {
	local policy

	for policy in $(policies); do
		echo "MEMS_POLICY=$policy"
		demo_with defconfig "$policy"
		assert_equal "$stderr" ""
		assert_golden "$BATS_TEST_TMPDIR/demo.out" "$policy"
	done
}

@test "MEMS_POLICY overrides next_fit_defconfig's default with each policy" {
	local policy

	for policy in $(policies); do
		echo "MEMS_POLICY=$policy"
		demo_with next_fit_defconfig "$policy"
		assert_equal "$stderr" ""
		assert_golden "$BATS_TEST_TMPDIR/demo.out" "$policy"
	done
}

@test "MEMS_POLICY=bogus prints one stderr line naming it and the built policies, and runs the first-fit demo" {
	demo_with defconfig bogus
	assert_equal "$stderr" "$(unknown_policy_line defconfig bogus first-fit)"
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
}

@test "MEMS_POLICY=bogus falls back to the configured default, here next-fit" {
	demo_with next_fit_defconfig bogus
	assert_equal "$stderr" \
		"$(unknown_policy_line next_fit_defconfig bogus next-fit)"
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "an empty MEMS_POLICY uses the configured default silently" {
	demo_with next_fit_defconfig ""
	assert_equal "$stderr" ""
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "the probe's golden has a line for each policy and one only" {
	run awk '{ print $2 }' "$PROBE_GOLDEN"
	assert_success
	assert_equal "$(sort <<<"$output")" "$(policies | sort)"
}

@test "the probe's golden places the request at a different address for each policy" {
	run awk '{ print $1 }' "$PROBE_GOLDEN"
	assert_success
	assert_equal "$(sort -u <<<"$output" | wc -l)" "${#lines[@]}"
}

@test "a lazy initialisation reads MEMS_POLICY, for each policy" {
	local policy

	for policy in $(policies); do
		run --separate-stderr env MEMS_POLICY="$policy" \
			"$BATS_FILE_TMPDIR/defconfig/probe"
		assert_success
		assert_equal "$stderr" ""
		assert_output "$(placed "$policy")"
	done
}

@test "MEMS_POLICY is read again at each mems_init" {
	local policy last expected args=()

	# Lazily the last policy, then each in turn, then "": the default.
	mapfile -t args < <(policies)
	last=${args[-1]}
	expected=$(placed "$last")
	for policy in "${args[@]}"; do
		expected+=$'\n'$(placed "$policy")
	done
	expected+=$'\n'$(placed first-fit)
	run --separate-stderr env MEMS_POLICY="$last" \
		"$BATS_FILE_TMPDIR/defconfig/probe" "${args[@]}" ""
	assert_success
	assert_equal "$stderr" ""
	assert_output "$expected"
}

@test "an unknown MEMS_POLICY is reported at each mems_init that reads it" {
	local other

	other=$(policies | sed -n 2p)
	run --separate-stderr env MEMS_POLICY=bogus \
		"$BATS_FILE_TMPDIR/defconfig/probe" "$other" also-bogus
	assert_success
	assert_output "$(placed first-fit)
$(placed "$other")
$(placed first-fit)"
	assert_equal "$stderr" \
		"$(unknown_policy_line defconfig bogus first-fit)
$(unknown_policy_line defconfig also-bogus first-fit)"
}

@test "MEMS_POLICY naming a policy left out of the build warns and uses the default" {
	run --separate-stderr env MEMS_POLICY=next-fit \
		"$BATS_FILE_TMPDIR/no-next/probe"
	assert_success
	assert_output "$(placed first-fit)"
	assert_equal "$stderr" \
		"$(unknown_policy_line no-next next-fit first-fit)"
	# The list is the build's: next-fit is not offered.
	local built=${stderr#*"(built: "}
	refute_regex "${built%%")"*}" next-fit
}

@test "a build without next-fit offers every other policy and no more" {
	run user_policies "$BATS_FILE_TMPDIR/no-next"
	assert_success
	assert_output "$(policies | grep -vx next-fit)"
}
