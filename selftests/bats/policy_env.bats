#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# policy_env.bats - the MEMS_POLICY environment variable.
#
# The classic demo cannot tell first-fit from best-fit (their golden
# outputs are the same), so a probe program also lays out holes where the
# three policies place a request at three different addresses.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	local dir

	mems_build "$BATS_FILE_TMPDIR/defconfig" defconfig
	mems_build "$BATS_FILE_TMPDIR/next_fit_defconfig" next_fit_defconfig
	dir=$BATS_FILE_TMPDIR/no-next
	mems_make "$dir" defconfig >/dev/null
	kconfig-tweak --file "$dir/.config" --disable MEMS_NEXT_FIT
	mems_rebuild "$dir"

	cat >"$BATS_FILE_TMPDIR/probe.c" <<-'EOF'
	#include <stdlib.h>
	#include "mems.h"

	/*
	 * One page of 4096 bytes from 1000: holes of 2000 bytes at 1000
	 * and 500 at 3100 below the next-fit rover (3700), 1396 at 3700.
	 * 400 bytes then go to 1000 (first-fit), 3100 (best-fit) or 3700
	 * (next-fit).
	 */
	static unsigned long probe(void)
	{
		void *a, *c;

		a = mems_malloc(2000);
		mems_malloc(100);
		c = mems_malloc(500);
		mems_malloc(100);
		mems_free(a);
		mems_free(c);
		return (unsigned long)mems_malloc(400);
	}

	/*
	 * The first probe initialises MeMS lazily; each argument is then
	 * put in MEMS_POLICY before a mems_init and a probe.
	 */
	int main(int argc, char **argv)
	{
		int i;

		printf("%lu\n", probe());
		for (i = 1; i < argc; i++) {
			setenv("MEMS_POLICY", argv[i], 1);
			mems_init();
			printf("%lu\n", probe());
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

@test "MEMS_POLICY=best-fit runs the demo as the best-fit golden" {
	demo_with defconfig best-fit
	assert_equal "$stderr" ""
	assert_golden "$BATS_TEST_TMPDIR/demo.out" best-fit
}

@test "MEMS_POLICY=next-fit overrides defconfig's first-fit in the demo" {
	demo_with defconfig next-fit
	assert_equal "$stderr" ""
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "MEMS_POLICY=first-fit overrides next_fit_defconfig's next-fit in the demo" {
	demo_with next_fit_defconfig first-fit
	assert_equal "$stderr" ""
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
}

@test "MEMS_POLICY=bogus prints one stderr line naming it and runs the first-fit demo" {
	demo_with defconfig bogus
	echo "stderr: $stderr"
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "${stderr_lines[0]}" bogus
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
}

@test "MEMS_POLICY=bogus falls back to the configured default, here next-fit" {
	demo_with next_fit_defconfig bogus
	echo "stderr: $stderr"
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "${stderr_lines[0]}" bogus
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "an empty MEMS_POLICY uses the configured default silently" {
	demo_with next_fit_defconfig ""
	assert_equal "$stderr" ""
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "the probe tells the three policies apart, as the contract places them" {
	run --separate-stderr probe defconfig first-fit best-fit next-fit
	assert_success
	assert_equal "$stderr" ""
	assert_output - <<-'EOF'
	1000
	1000
	3100
	3700
	EOF
}

@test "a lazy initialisation reads MEMS_POLICY too" {
	run --separate-stderr env MEMS_POLICY=best-fit \
		"$BATS_FILE_TMPDIR/defconfig/probe"
	assert_success
	assert_equal "$stderr" ""
	assert_output 3100
}

@test "MEMS_POLICY is read again at each mems_init" {
	run --separate-stderr env MEMS_POLICY=next-fit \
		"$BATS_FILE_TMPDIR/defconfig/probe" best-fit first-fit next-fit ""
	assert_success
	assert_equal "$stderr" ""
	assert_output - <<-'EOF'
	3700
	3100
	1000
	3700
	1000
	EOF
}

@test "an unknown MEMS_POLICY is reported at each mems_init that reads it" {
	run --separate-stderr env MEMS_POLICY=bogus \
		"$BATS_FILE_TMPDIR/defconfig/probe" best-fit also-bogus
	assert_success
	assert_output - <<-'EOF'
	1000
	3100
	1000
	EOF
	echo "stderr: $stderr"
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" bogus
	assert_regex "${stderr_lines[1]}" also-bogus
}

@test "MEMS_POLICY naming a policy left out of the build warns and uses the default" {
	run --separate-stderr env MEMS_POLICY=next-fit \
		"$BATS_FILE_TMPDIR/no-next/probe"
	assert_success
	assert_output 1000
	echo "stderr: $stderr"
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "${stderr_lines[0]}" next-fit
}
