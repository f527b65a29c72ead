#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# build.bats - the build itself: help, verbosity, parallel and
# incremental builds, cleaning, and keeping the source tree clean.
#
# Incremental builds rest on fixdep: an object depends on the CONFIG_
# symbols its sources use, not on the whole configuration.

bats_require_minimum_version 1.5.0
load test_helper

# Every product of a full build, relative to the O= directory.
PRODUCTS=(lib/libmems.a lib/libmems.so lib/libmems.so.0 samples/classic
	  tools/mems-info include/generated/autoconf.h
	  include/config/auto.conf)

# assert_products DIR - a full build's products are all in DIR.
assert_products() {
	local product

	for product in "${PRODUCTS[@]}"; do
		assert [ -e "$1/$product" ]
	done
}

@test "make help lists the configuration, build and install targets" {
	local target

	run mems_make "$BATS_TEST_TMPDIR/help" help
	assert_success
	for target in defconfig menuconfig olddefconfig savedefconfig \
		      randconfig 'all \(default\)' run selftests run_tests \
		      check install uninstall clean mrproper; do
		assert_line --regexp "^  $target +- "
	done
	assert_line --regexp '^  V=1 +- '
	assert_line --regexp '^  O=dir +- '
}

@test "make help lists a defconfig for every policy of the choice on one line" {
	local policy line=

	for policy in $(choice_policies); do
		line+="${line:+, }$(policy_defconfig "$policy")"
	done
	echo "expected: '  $line'"
	assert_regex "$line" '^[a-z_]+_defconfig(, [a-z_]+_defconfig)+$'
	run mems_make "$BATS_TEST_TMPDIR/help" help
	assert_success
	assert_line "  $line"
}

@test "the policies' defconfigs are generated: configs/ holds no file for one" {
	local policy

	for policy in $(choice_policies); do
		assert [ ! -e "$MEMS_SRC/configs/$(policy_defconfig "$policy")" ]
	done
	assert [ -f "$MEMS_SRC/configs/defconfig" ]
}

@test "make help neither configures nor builds anything" {
	local dir=$BATS_TEST_TMPDIR/help

	mkdir "$dir"
	run mems_make "$dir" help
	assert_success
	run find "$dir" -mindepth 1
	assert_output ""
}

@test "the quiet build prints one short line per object, not the commands" {
	local dir=$BATS_TEST_TMPDIR/quiet

	mems_make "$dir" defconfig >/dev/null
	run mems_make "$dir" -j2
	assert_success
	assert_line '  CC      core/heap.o'
	assert_line '  CC      policy/first_fit.o'
	assert_line '  CC      common/rbtree.o'
	assert_line '  AR      lib/libmems.a'
	refute_output --partial -Wextra
}

@test "V=1 shows the compiler command lines" {
	local dir=$BATS_TEST_TMPDIR/verbose compile

	compile="^[^ ].* -include $dir/include/generated/autoconf\.h "
	compile+=".*-Wall -Wextra .*-MF $dir/core/heap\.o\.d"
	mems_make "$dir" defconfig >/dev/null
	run mems_make "$dir" V=1
	assert_success
	assert_line --regexp "$compile"
	assert_line --regexp "-c -o $dir/core/heap\.o $MEMS_SRC/core/heap\.c$"
	assert_line --regexp "-shared .*-soname,libmems\.so\.0"
	refute_line '  CC      core/heap.o'
}

@test "V=1 shows the tools compiled without the configuration or arch headers" {
	local dir=$BATS_TEST_TMPDIR/verbose-tools

	mems_make "$dir" defconfig >/dev/null
	run mems_make "$dir" V=1 "$dir/tools/mems-info"
	assert_success
	assert_line --regexp "-c -o $dir/tools/mems-info\.o $MEMS_SRC/tools/mems-info\.c$"
	run grep -F -- "-o $dir/tools/mems-info.o " <<<"$output"
	assert_success
	refute_output --partial autoconf.h
	refute_output --partial /arch/
}

@test "make -j2 builds correctly from clean, twice after mrproper" {
	local dir=$BATS_TEST_TMPDIR/parallel round

	for round in 1 2; do
		echo "round $round"
		run mems_make "$dir" mrproper
		assert_success
		run mems_make "$dir" defconfig
		assert_success
		run mems_make "$dir" -j2
		assert_success
		assert_line '  CC      core/heap.o'
		assert_products "$dir"
		run --separate-stderr into "$BATS_TEST_TMPDIR/demo.out" \
			"$dir/samples/classic"
		assert_success
		assert_golden "$BATS_TEST_TMPDIR/demo.out" first-fit
	done
}

@test "a second make after a full build has nothing to do" {
	local dir=$BATS_TEST_TMPDIR/again

	mems_tree_copy defconfig "$dir"
	assert_nothing_rebuilt "$dir"
}

# The debug check follows every operation that changes the chains:
# core/heap.c's and the inline paths of core/heap.h, which the course
# functions in core/api.c compile in.
@test "enabling MEMS_DEBUG recompiles core/api.o and core/heap.o alone" {
	local dir=$BATS_TEST_TMPDIR/debug

	mems_tree_copy defconfig "$dir"
	kconfig-tweak --file "$dir/.config" --enable MEMS_DEBUG
	run mems_make "$dir"
	echo "$output"
	assert_success
	assert_equal "$(compiled_objects | sort)" $'core/api.o\ncore/heap.o'
	run grep -x '#define CONFIG_MEMS_DEBUG 1' \
		"$dir/include/generated/autoconf.h"
	assert_success
}

@test "a program named from the top of the tree is relinked after a change" {
	local dir=$BATS_TEST_TMPDIR/named

	mems_tree_copy defconfig "$dir"
	run mems_make "$dir" tools/bench/churn-counts
	assert_success
	kconfig-tweak --file "$dir/.config" --enable MEMS_DEBUG
	run mems_make "$dir" tools/bench/churn-counts
	echo "$output"
	assert_success
	assert_line '  LD      tools/bench/churn-counts'
	assert_equal "$(compiled_objects | sort)" $'core/api.o\ncore/heap.o'
	run mems_make "$dir" tools/bench/churn-counts
	assert_success
	refute_output --partial 'LD'
}

@test "the build after a configuration change is complete: make then does nothing" {
	local dir=$BATS_TEST_TMPDIR/debug-twice

	mems_tree_copy defconfig "$dir"
	kconfig-tweak --file "$dir/.config" --enable MEMS_DEBUG
	run mems_make "$dir"
	assert_success
	assert_nothing_rebuilt "$dir"
}

@test "rewriting an unchanged configuration recompiles nothing" {
	local dir=$BATS_TEST_TMPDIR/same

	mems_tree_copy defconfig "$dir"
	run mems_make "$dir" olddefconfig
	assert_success
	run mems_make "$dir"
	echo "$output"
	assert_success
	run compiled_objects
	assert_output ""
}

@test "changing MEMS_PAGE_SIZE recompiles the core, not mems-info, which asks the library" {
	local dir=$BATS_TEST_TMPDIR/page

	mems_tree_copy defconfig "$dir"
	kconfig-tweak --file "$dir/.config" --set-val MEMS_PAGE_SIZE 64
	run mems_make "$dir"
	echo "$output"
	assert_success
	assert_line '  LD      tools/mems-info'
	run compiled_objects
	assert_line core/heap.o
	refute_line tools/mems-info.o
	run "$dir/tools/mems-info" --page-size
	assert_output 64
}

@test "an O= build writes nothing into the source tree" {
	local src=$BATS_TEST_TMPDIR/src dir=$BATS_TEST_TMPDIR/outside

	# A private copy of the tree: nobody else builds in it meanwhile.
	mkdir "$src"
	tar -C "$MEMS_SRC" --exclude=./.git --exclude=./build -cf - . |
		tar -C "$src" -xf -
	find "$src" -printf '%P %s %T@\n' | sort >"$BATS_TEST_TMPDIR/before"
	make -C "$src" --no-print-directory O="$dir" defconfig >/dev/null
	run make -C "$src" --no-print-directory O="$dir" -j2
	assert_success
	assert [ -f "$dir/lib/libmems.a" ]
	run diff -u "$BATS_TEST_TMPDIR/before" \
		<(find "$src" -printf '%P %s %T@\n' | sort)
	assert_success
}

@test "make clean removes the build products and keeps the configuration" {
	local dir=$BATS_TEST_TMPDIR/clean

	mems_tree_copy best_fit_defconfig "$dir"
	cp "$dir/.config" "$BATS_TEST_TMPDIR/config.before"
	run mems_make "$dir" clean
	assert_success
	run find "$dir" \( -name '*.o' -o -name '*.a' -o -name 'libmems.so*' \
		-o -name classic -o -name mems-info \) -print
	assert_output ""
	run diff -u "$BATS_TEST_TMPDIR/config.before" "$dir/.config"
	assert_success
}

@test "make mrproper removes the configuration as well" {
	local dir=$BATS_TEST_TMPDIR/mrproper

	mems_tree_copy best_fit_defconfig "$dir"
	mems_make "$dir" savedefconfig >/dev/null
	run mems_make "$dir" mrproper
	assert_success
	run find "$dir" -type f
	assert_output ""
}
