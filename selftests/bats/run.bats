#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# run.bats - `make run`, defconfig and the policies' defconfigs.
#
# `make X_defconfig` exists for each entry of the default-policy choice in
# policy/Kconfig, generated from configs/defconfig.  Each, configured and
# built out of tree, must select its placement policy and make `make run`
# print the classic demo exactly as the golden output for that policy.
# The policies are read from the choice, never listed here.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	local policy config

	mems_tree defconfig "$BATS_FILE_TMPDIR/defconfig"
	for policy in $(choice_policies); do
		config=$(policy_defconfig "$policy")
		mems_tree "$config" "$BATS_FILE_TMPDIR/$config"
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

	run grep -E '^CONFIG_MEMS_POLICY_[A-Z_]+=y$' "$dir/.config"
	assert_output "$(policy_symbol "$policy")=y"
	run "$dir/tools/mems-info" --default-policy
	assert_success
	assert_output "$policy"
}

@test "the choice in policy/Kconfig offers several policies, the default among them" {
	run choice_policies
	echo "$output"
	assert_success
	assert [ "${#lines[@]}" -gt 1 ]
	assert_line first-fit
	# Each a policy name: lower-case words joined by hyphens.
	refute_line --regexp '[^a-z0-9-]|^-|-$'
}

@test "make run under defconfig prints the first-fit demo" {
	make_run defconfig
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
}

@test "make run under each policy's defconfig prints that policy's golden demo" {
	local policy

	for policy in $(choice_policies); do
		echo "policy $policy"
		make_run "$(policy_defconfig "$policy")"
		assert_golden "$BATS_TEST_TMPDIR/demo.out" "$policy"
	done
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

	require_golden first-fit
	run into "$BATS_TEST_TMPDIR/make.out" mems_make "$dir" run
	assert_success
	run head -n 1 "$BATS_TEST_TMPDIR/make.out"
	assert_output "  no .config yet: using configs/defconfig"
	# The build's own lines come first; the demo is the rest.
	lines=$(wc -l <"$(golden first-fit)")
	tail -n "$lines" "$BATS_TEST_TMPDIR/make.out" >"$BATS_TEST_TMPDIR/demo.out"
	assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
	run diff -u "$BATS_FILE_TMPDIR/defconfig/.config" "$dir/.config"
	assert_success
}

@test "make next_fit_defconfig run configures, builds and runs in one command" {
	local dir=$BATS_TEST_TMPDIR/both lines

	require_golden next-fit
	run into "$BATS_TEST_TMPDIR/make.out" \
		mems_make "$dir" next_fit_defconfig run
	assert_success
	lines=$(wc -l <"$(golden next-fit)")
	tail -n "$lines" "$BATS_TEST_TMPDIR/make.out" >"$BATS_TEST_TMPDIR/demo.out"
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "make -s run on a configured, unbuilt tree prints nothing but the demo" {
	local dir=$BATS_TEST_TMPDIR/silent

	mems_make "$dir" next_fit_defconfig >/dev/null
	run --separate-stderr into "$BATS_TEST_TMPDIR/demo.out" \
		mems_make "$dir" -s run
	assert_success
	assert_equal "$stderr" ""
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "defconfig selects first-fit as the default policy" {
	assert_selects defconfig first-fit
}

@test "each policy's defconfig selects that policy as the default" {
	local policy

	for policy in $(choice_policies); do
		echo "policy $policy"
		assert_selects "$(policy_defconfig "$policy")" "$policy"
	done
}

@test "each policy's defconfig differs from defconfig in the policy choice alone" {
	local policy dir

	for policy in $(choice_policies); do
		echo "policy $policy"
		dir=$BATS_FILE_TMPDIR/$(policy_defconfig "$policy")
		run diff <(grep -v 'CONFIG_MEMS_POLICY_' \
				"$BATS_FILE_TMPDIR/defconfig/.config") \
			<(grep -v 'CONFIG_MEMS_POLICY_' "$dir/.config")
		assert_success
	done
}

@test "every policy of the choice is built for users, and only those by defconfig" {
	run user_policies "$BATS_FILE_TMPDIR/defconfig"
	assert_success
	assert_equal "$(sort <<<"$output")" "$(choice_policies | sort)"
}

@test "every policy a build offers users has a golden demo output" {
	local policy missing=

	for policy in $(user_policies "$BATS_FILE_TMPDIR/defconfig"); do
		[ -f "$(golden "$policy")" ] || missing+=" $policy"
	done
	assert_equal "policies without a golden:$missing" \
		"policies without a golden:"
}

@test "every golden demo output is that of a policy the build offers" {
	local file policy

	for file in "$MEMS_GOLDEN"/classic-*.out; do
		policy=${file##*/classic-}
		policy=${policy%.out}
		run user_policies "$BATS_FILE_TMPDIR/defconfig"
		assert_line "$policy"
	done
}

@test "a defconfig that does not exist is refused without writing a .config" {
	local dir=$BATS_TEST_TMPDIR/none

	run --separate-stderr mems_make "$dir" no_such_defconfig
	echo "$stderr"
	assert_failure
	assert_regex "$stderr" 'no such configuration: configs/no_such_defconfig'
	assert [ ! -e "$dir/.config" ]
}
