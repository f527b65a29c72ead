#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# config.bats - Kconfig symbols and configuration targets.
#
# Each layout symbol is changed with kconfig-tweak on an O= directory's
# own .config, settled with olddefconfig and built; the demo's first
# report must then show the layout the contract implies, as worked out by
# expected_demo_first_part, and mems-info the value it was built with.

bats_require_minimum_version 1.5.0
load test_helper

# The builds of trees.bash the tests read, under their names.
setup_file() {
	mems_tree defconfig "$BATS_FILE_TMPDIR/default"
	mems_tree page64 "$BATS_FILE_TMPDIR/page64"
	mems_tree page1 "$BATS_FILE_TMPDIR/page1"
	mems_tree page3000 "$BATS_FILE_TMPDIR/page3000"
	mems_tree page16384 "$BATS_FILE_TMPDIR/page16384"
	mems_tree base4096 "$BATS_FILE_TMPDIR/base4096"
	mems_tree align16 "$BATS_FILE_TMPDIR/align16"
	mems_tree next "$BATS_FILE_TMPDIR/next"
}

# info NAME OPTION - what the mems-info built in variant NAME prints.
info() {
	"$BATS_FILE_TMPDIR/$1/tools/mems-info" "$2"
}

@test "the layout model reproduces the golden first report for the default layout" {
	local policy

	policy=$(info default --default-policy)
	require_golden "$policy"
	run diff -u <(expected_demo_first_part 4096 1000 1) \
		<(demo_first_part <"$(golden "$policy")")
	assert_success
}

@test "MEMS_PAGE_SIZE 0 takes the machine's page size" {
	run info default --page-size
	assert_output "$(getconf PAGESIZE)"
}

@test "MEMS_PAGE_SIZE 64 reaches .config and mems-info" {
	run grep -x CONFIG_MEMS_PAGE_SIZE=64 "$BATS_FILE_TMPDIR/page64/.config"
	assert_success
	run info page64 --page-size
	assert_output 64
}

@test "MEMS_PAGE_SIZE 64 maps a node of 16 pages, 1024 bytes, per 1000-byte block" {
	run "$BATS_FILE_TMPDIR/page64/samples/classic"
	assert_success
	assert_line 'MAIN[1000:2023]-> P[1000:1999] <-> H[2000:2023] <-> NULL'
	assert_line 'MAIN[10216:11239]-> P[10216:11215] <-> H[11216:11239] <-> NULL'
	assert_demo_layout "$BATS_FILE_TMPDIR/page64" 64 1000 1
}

@test "MEMS_PAGE_SIZE 1 maps nodes of exactly 1000 bytes with no hole" {
	run info page1 --page-size
	assert_output 1
	run "$BATS_FILE_TMPDIR/page1/samples/classic"
	assert_line 'MAIN[1000:1999]-> P[1000:1999] <-> NULL'
	assert_demo_layout "$BATS_FILE_TMPDIR/page1" 1 1000 1
}

@test "MEMS_PAGE_SIZE 3000, not a power of two, fits three blocks per node" {
	run "$BATS_FILE_TMPDIR/page3000/samples/classic"
	assert_line 'MAIN[1000:3999]-> P[1000:1999] <-> P[2000:2999] <-> P[3000:3999] <-> NULL'
	assert_demo_layout "$BATS_FILE_TMPDIR/page3000" 3000 1000 1
}

@test "MEMS_PAGE_SIZE 16384 fits all ten blocks in one node" {
	run "$BATS_FILE_TMPDIR/page16384/samples/classic"
	assert_line 'Main Chain Length:	1'
	assert_demo_layout "$BATS_FILE_TMPDIR/page16384" 16384 1000 1
}

@test "MEMS_VIRT_BASE 4096 moves the first virtual address to 4096" {
	run info base4096 --virt-base
	assert_output 4096
	run "$BATS_FILE_TMPDIR/base4096/samples/classic"
	echo "$output"
	assert_success
	assert_equal "$(grep -m 1 '^Virtual address: ' <<<"$output")" \
		'Virtual address: 4096'
	assert_line 'MAIN[4096:8191]-> P[4096:5095] <-> P[5096:6095] <-> P[6096:7095] <-> P[7096:8095] <-> H[8096:8191] <-> NULL'
	assert_demo_layout "$BATS_FILE_TMPDIR/base4096" 4096 4096 1
}

@test "MEMS_ALIGN 16 rounds each 1000-byte request up to 1008" {
	run info align16 --align
	assert_output 16
	run "$BATS_FILE_TMPDIR/align16/samples/classic"
	assert_line 'MAIN[1000:5095]-> P[1000:2007] <-> P[2008:3015] <-> P[3016:4023] <-> P[4024:5031] <-> H[5032:5095] <-> NULL'
	assert_demo_layout "$BATS_FILE_TMPDIR/align16" 4096 1000 16
}

@test "MEMS_ALIGN 3, not a power of two, is refused by the build" {
	local dir=$BATS_TEST_TMPDIR/align3

	mems_make "$dir" defconfig >/dev/null
	kconfig-tweak --file "$dir/.config" --set-val MEMS_ALIGN 3
	mems_make "$dir" olddefconfig >/dev/null
	run grep -x CONFIG_MEMS_ALIGN=3 "$dir/.config"
	assert_success
	run mems_make "$dir" -j2
	assert_failure
	assert_output --partial 'power of two'
	assert [ ! -e "$dir/lib/libmems.a" ]
}

@test "switching the policy choice to next-fit with kconfig-tweak gives the next-fit demo" {
	local dir=$BATS_FILE_TMPDIR/next policy symbol expected=

	# Every entry of the choice, in its order, and the name it implies.
	for policy in $(choice_policies); do
		symbol=$(policy_symbol "$policy")
		if [ "$policy" = next-fit ]; then
			expected+="$symbol=y"$'\n'
		else
			expected+="# $symbol is not set"$'\n'
		fi
	done
	expected+='CONFIG_MEMS_POLICY_DEFAULT="next-fit"'
	run grep -E '^(# )?CONFIG_MEMS_POLICY_[A-Z_]+' "$dir/.config"
	assert_output "$expected"
	run info next --default-policy
	assert_output next-fit
	run into "$BATS_TEST_TMPDIR/demo.out" mems_make "$dir" run
	assert_success
	assert_golden "$BATS_TEST_TMPDIR/demo.out" next-fit
}

@test "the default policy stays built when its own option is turned off" {
	local dir=$BATS_TEST_TMPDIR/keep

	mems_make "$dir" defconfig >/dev/null
	kconfig-tweak --file "$dir/.config" --disable MEMS_FIRST_FIT
	mems_make "$dir" olddefconfig >/dev/null
	run grep -x CONFIG_MEMS_FIRST_FIT=y "$dir/.config"
	assert_success
}

@test "turning a policy off leaves it out of the library and of mems-info" {
	local dir=$BATS_TEST_TMPDIR/no-next

	mems_tree no-next "$dir"
	run "$dir/tools/mems-info" --policies
	assert_success
	assert_output "$(built_policies "$BATS_FILE_TMPDIR/default" |
		grep -vx next-fit)"
	refute_line next-fit
	run ar t "$dir/lib/libmems.a"
	assert_success
	assert_line first_fit.o
	refute_line next_fit.o
}

@test "savedefconfig after best_fit_defconfig writes only the policy choice" {
	local dir=$BATS_TEST_TMPDIR/save

	mems_make "$dir" best_fit_defconfig >/dev/null
	run mems_make "$dir" savedefconfig
	assert_success
	run cat "$dir/defconfig"
	assert_output CONFIG_MEMS_POLICY_BEST_FIT=y
}

@test "savedefconfig after defconfig writes an empty file" {
	local dir=$BATS_TEST_TMPDIR/save-default

	mems_make "$dir" defconfig >/dev/null
	run mems_make "$dir" savedefconfig
	assert_success
	assert [ -f "$dir/defconfig" ]
	assert_equal "$(wc -c <"$dir/defconfig")" 0
}

@test "savedefconfig records a tweaked page size and nothing else" {
	local dir=$BATS_TEST_TMPDIR/save-page

	mems_make "$dir" defconfig >/dev/null
	kconfig-tweak --file "$dir/.config" --set-val MEMS_PAGE_SIZE 64
	mems_make "$dir" olddefconfig >/dev/null
	mems_make "$dir" savedefconfig >/dev/null
	run cat "$dir/defconfig"
	assert_output CONFIG_MEMS_PAGE_SIZE=64
}

@test "a saved defconfig copied to .config gives back the same configuration" {
	local dir=$BATS_TEST_TMPDIR/saved new=$BATS_TEST_TMPDIR/restored

	mems_make "$dir" next_fit_defconfig >/dev/null
	kconfig-tweak --file "$dir/.config" --set-val MEMS_ALIGN 8 \
		--enable MEMS_DEBUG
	mems_make "$dir" olddefconfig >/dev/null
	mems_make "$dir" savedefconfig >/dev/null
	mkdir "$new"
	cp "$dir/defconfig" "$new/.config"
	mems_make "$new" olddefconfig >/dev/null
	run diff -u "$dir/.config" "$new/.config"
	assert_success
}

@test "randconfig with the same KCONFIG_SEED writes the same configuration" {
	KCONFIG_SEED=7 mems_make "$BATS_TEST_TMPDIR/a" randconfig >/dev/null
	KCONFIG_SEED=7 mems_make "$BATS_TEST_TMPDIR/b" randconfig >/dev/null
	run diff -u "$BATS_TEST_TMPDIR/a/.config" "$BATS_TEST_TMPDIR/b/.config"
	assert_success
}

# assert_randconfig_works SEED - randconfig with SEED builds a demo that
# runs, and mems-info names the policy the configuration chose.
assert_randconfig_works() {
	local dir=$BATS_TEST_TMPDIR/rand$1 chosen

	# KCONFIG_SEED=N make randconfig, then make.
	mems_tree "rand$1" "$dir"
	run "$dir/samples/classic"
	assert_success
	assert_line 'Value written: 200'
	chosen=$(sed -n 's/^CONFIG_MEMS_POLICY_DEFAULT="\(.*\)"$/\1/p' "$dir/.config")
	run "$dir/tools/mems-info" --default-policy
	assert_success
	assert_output "$chosen"
	# The default is one of the choice, and built as a policy for users.
	run choice_policies
	assert_line "$chosen"
	run user_policies "$dir"
	assert_success
	assert_line "$chosen"
}

@test "randconfig with KCONFIG_SEED=1 builds a demo that runs" {
	assert_randconfig_works 1
}

@test "randconfig with KCONFIG_SEED=2 builds a demo that runs" {
	assert_randconfig_works 2
}

@test "randconfig with KCONFIG_SEED=3 builds a demo that runs" {
	assert_randconfig_works 3
}

@test "KCONFIG_CONFIG names the configuration file a build uses" {
	local dir=$BATS_TEST_TMPDIR/elsewhere
	local config=$BATS_TEST_TMPDIR/my.config

	KCONFIG_CONFIG=$config mems_make "$dir" best_fit_defconfig >/dev/null
	run grep -x CONFIG_MEMS_POLICY_BEST_FIT=y "$config"
	assert_success
	KCONFIG_CONFIG=$config mems_make "$dir" -j2 >/dev/null
	assert [ ! -e "$dir/.config" ]
	run "$dir/tools/mems-info" --default-policy
	assert_output best-fit
}
