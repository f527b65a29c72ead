#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# run.bats - `make run` and the shipped defconfigs.
#
# Each configs/*defconfig, configured and built out of tree, must select
# its placement policy and make `make run` print the classic demo exactly
# as the contract's golden output for that policy.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	local config

	for config in defconfig first_fit_defconfig best_fit_defconfig \
		      next_fit_defconfig; do
		mems_build "$BATS_FILE_TMPDIR/$config" "$config"
	done
}

# make_run CONFIG - `make run` in CONFIG's build, its stdout in demo.out;
# nothing may reach stderr.
make_run() {
	run --separate-stderr into "$BATS_TEST_TMPDIR/demo.out" \
		mems_make "$BATS_FILE_TMPDIR/$1" run
	assert_success
	assert_equal "$stderr" ""
}

# assert_selects CONFIG POLICY - CONFIG makes POLICY the default.
assert_selects() {
	local dir=$BATS_FILE_TMPDIR/$1 policy=$2
	local symbol=${policy^^}
	symbol=CONFIG_MEMS_POLICY_${symbol//-/_}

	run grep -E '^CONFIG_MEMS_POLICY_[A-Z_]+_FIT=y$' "$dir/.config"
	assert_output "$symbol=y"
	run "$dir/tools/mems-info" --default-policy
	assert_success
	assert_output "$policy"
}

@test "make run under defconfig prints the first-fit demo" {
	make_run defconfig
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
}

@test "make run under first_fit_defconfig prints the first-fit demo" {
	make_run first_fit_defconfig
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
}

@test "make run under best_fit_defconfig prints the best-fit demo" {
	make_run best_fit_defconfig
	assert_golden "$BATS_TEST_TMPDIR/demo.out" best-fit
}

@test "make run under next_fit_defconfig prints the next-fit demo" {
	make_run next_fit_defconfig
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "the demo prints a non-zero, page-aligned physical address" {
	local phys page_size

	page_size=$(getconf PAGESIZE)
	make_run defconfig
	phys=$(sed -n 's/^Virtual address: 1000\tPhysical Address: //p' \
		"$BATS_TEST_TMPDIR/demo.out")
	echo "physical address: '$phys', page size $page_size"
	assert_regex "$phys" '^[1-9][0-9]*$'
	assert_equal "$((phys % page_size))" 0
}

@test "make run with no .config configures from defconfig and runs the first-fit demo" {
	local dir=$BATS_TEST_TMPDIR/fresh lines

	require_golden
	run into "$BATS_TEST_TMPDIR/make.out" mems_make "$dir" run
	assert_success
	run head -n 1 "$BATS_TEST_TMPDIR/make.out"
	assert_output "  no .config yet: using configs/defconfig"
	# The build's own lines come first; the demo is the rest.
	lines=$(wc -l <"$MEMS_GOLDEN/classic-first-fit.out")
	tail -n "$lines" "$BATS_TEST_TMPDIR/make.out" >"$BATS_TEST_TMPDIR/demo.out"
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
	run diff -u "$BATS_FILE_TMPDIR/defconfig/.config" "$dir/.config"
	assert_success
}

@test "make next_fit_defconfig run configures, builds and runs in one command" {
	local dir=$BATS_TEST_TMPDIR/both lines

	require_golden
	run into "$BATS_TEST_TMPDIR/make.out" \
		mems_make "$dir" next_fit_defconfig run
	assert_success
	lines=$(wc -l <"$MEMS_GOLDEN/classic-next-fit.out")
	tail -n "$lines" "$BATS_TEST_TMPDIR/make.out" >"$BATS_TEST_TMPDIR/demo.out"
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "make -s run on a configured, unbuilt tree prints nothing but the demo" {
	local dir=$BATS_TEST_TMPDIR/silent

	mems_make "$dir" best_fit_defconfig >/dev/null
	run --separate-stderr into "$BATS_TEST_TMPDIR/demo.out" \
		mems_make "$dir" -s run
	assert_success
	assert_equal "$stderr" ""
	assert_golden "$BATS_TEST_TMPDIR/demo.out" best-fit
}

@test "defconfig selects first-fit as the default policy" {
	assert_selects defconfig first-fit
}

@test "first_fit_defconfig selects first-fit as the default policy" {
	assert_selects first_fit_defconfig first-fit
}

@test "best_fit_defconfig selects best-fit as the default policy" {
	assert_selects best_fit_defconfig best-fit
}

@test "next_fit_defconfig selects next-fit as the default policy" {
	assert_selects next_fit_defconfig next-fit
}

@test "a defconfig that does not exist is refused without writing a .config" {
	local dir=$BATS_TEST_TMPDIR/none

	run --separate-stderr mems_make "$dir" no_such_defconfig
	echo "$stderr"
	assert_failure
	assert_regex "$stderr" 'no such configuration: configs/no_such_defconfig'
	assert [ ! -e "$dir/.config" ]
}
