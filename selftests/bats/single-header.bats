#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# single-header.bats - `make single-header`: the configured library in
# one mems.h, used the way the course uses its own.
#
# The course example sits alone beside mems.h and is built with
# `gcc -o example example.c`; samples/classic.c is written that way (it
# includes only "mems.h" and calls printf without stdio.h).  Built so
# from the header of each policy's configuration, it prints that
# policy's golden output, and MEMS_POLICY still switches it at run time;
# a course that copies it to example.cpp and builds it with g++ gets the
# same.
# A layout the configuration changes shows in the header's demo as the
# contract says.  mems-dump linked with the header in place of libmems.a
# replays a trace on every policy as the library does.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	local policy dir

	for policy in $(choice_policies); do
		dir=$BATS_FILE_TMPDIR/$policy
		# The first is built whole: tests use its objects.
		if [ "$policy" = "$(first_policy)" ]; then
			mems_tree_copy "$(policy_defconfig "$policy")" "$dir" ||
				return
		else
			mems_make "$dir" "$(policy_defconfig "$policy")" \
				>/dev/null || return
		fi
		mems_make "$dir" single-header >"$dir.log" 2>&1 || {
			cat "$dir.log"
			return 1
		}
	done
}

# first_policy - the first policy of the choice, whose header serves the
# tests that any policy's would.
first_policy() {
	choice_policies | head -n 1
}

# header POLICY - the header generated from POLICY's defconfig.
header() {
	echo "$BATS_FILE_TMPDIR/$1/single-header/mems.h"
}

# course_dir HEADER - a new directory holding only HEADER as mems.h and
# the course example as example.c, as a student's directory does.
course_dir() {
	local dir

	dir=$(mktemp -d "$BATS_TEST_TMPDIR/course.XXXXXX")
	cp "$1" "$dir/mems.h"
	cp "$MEMS_SRC/samples/classic.c" "$dir/example.c"
	echo "$dir"
}

# build_example DIR COMPILER [FLAGS...] - the course's build command in
# DIR; it must not print a word, so warnings fail it too.
build_example() {
	local dir=$1 cc=$2
	shift 2

	run bash -c 'cd "$1" && shift && "$@" -o example example.c 2>&1' \
		build "$dir" "$cc" "$@"
	assert_success
	assert_output ""
}

# build_example_cxx DIR COMPILER [FLAGS...] - build_example for a course
# that writes its example in C++: the same file, named example.cpp.
build_example_cxx() {
	local dir=$1 cxx=$2
	shift 2

	cp "$dir/example.c" "$dir/example.cpp"
	run bash -c 'cd "$1" && shift && "$@" -o example example.cpp 2>&1' \
		build "$dir" "$cxx" "$@"
	assert_success
	assert_output ""
}

@test "make single-header writes mems.h under O= and nothing in the sources" {
	local dir=$BATS_TEST_TMPDIR/build before

	before=$(git -C "$MEMS_SRC" status --porcelain --ignored)
	mems_make "$dir" defconfig >/dev/null
	run mems_make "$dir" single-header
	assert_success
	assert_line "  GEN     single-header/mems.h"
	[ -s "$dir/single-header/mems.h" ]
	assert_equal "$(git -C "$MEMS_SRC" status --porcelain --ignored)" \
		"$before"
}

@test "the header is the tree's files, each once, and no include of them" {
	local dir file name tree_include
	local -a sources

	dir=$BATS_FILE_TMPDIR/$(first_policy)
	# The sources the configuration compiles, as the build names them.
	mems_make "$dir" -j2 >/dev/null
	mapfile -t sources < <(cd "$dir" && find common core policy \
		-name '*.o' | sed 's/\.o$/.c/' | sort)
	[ "${#sources[@]}" -gt 10 ]
	for file in "${sources[@]}"; do
		assert_equal "$(grep -c "^/\* ---- $file ---- \*/$" \
			"$(header "$(first_policy)")")" 1
	done
	# Every file of the tree it holds is one the build uses.
	while read -r name; do
		case $name in
		include/* | core/*.h | policy/*.h | common/*.h | arch/*) ;;
		*) [[ " ${sources[*]} " == *" $name "* ]] ||
			fail "$name is not compiled by this configuration" ;;
		esac
	done < <(sed -n 's|^/\* ---- \([^ ]*\) ---- \*/$|\1|p' \
		"$(header "$(first_policy)")")
	# No include of the tree's files is left: only the C library's.
	tree_include='("|<(mems|core|policy|common|asm|generated)/|<mems\.h>)'
	run grep -nE "^#[[:space:]]*include[[:space:]]*$tree_include" \
		"$(header "$(first_policy)")"
	assert_failure
}

@test "the course example built from each policy's header prints its golden" {
	local policy dir

	for policy in $(choice_policies); do
		dir=$(course_dir "$(header "$policy")")
		build_example "$dir" gcc
		into "$dir/out" "$dir/example"
		assert_golden "$dir/out" "$policy"
	done
}

@test "the course example is warning-free with -Wall -Wextra, gcc and clang" {
	local policy dir cc

	for policy in $(choice_policies); do
		dir=$(course_dir "$(header "$policy")")
		for cc in gcc clang; do
			build_example "$dir" "$cc" -Wall -Wextra -O2
			into "$dir/out" "$dir/example"
			assert_golden "$dir/out" "$policy"
		done
	done
}

@test "the course example built as C++ from each policy's header prints its golden" {
	local policy dir cxx

	for policy in $(choice_policies); do
		dir=$(course_dir "$(header "$policy")")
		for cxx in g++ clang++; do
			build_example_cxx "$dir" "$cxx" -Wall -Wextra
			into "$dir/out" "$dir/example"
			assert_golden "$dir/out" "$policy"
		done
	done
}

@test "every C++ standard from C++11 builds it, warning-free" {
	local dir std cxx

	dir=$(course_dir "$(header "$(first_policy)")")
	for std in c++11 c++14 c++17 c++20; do
		for cxx in g++ clang++; do
			build_example_cxx "$dir" "$cxx" -std="$std" \
				-Wall -Wextra -O2
			into "$dir/out" "$dir/example"
			assert_golden "$dir/out" "$(first_policy)"
		done
	done
}

@test "a strict -std= builds it too, when mems.h comes first" {
	local dir std cc

	dir=$(course_dir "$(header "$(first_policy)")")
	for std in c99 c11 c17; do
		for cc in gcc clang; do
			build_example "$dir" "$cc" -std="$std" -Wall -Wextra
			into "$dir/out" "$dir/example"
			assert_golden "$dir/out" "$(first_policy)"
		done
	done
}

@test "MEMS_POLICY switches the header's policy at run time" {
	local dir policy

	dir=$(course_dir "$(header "$(first_policy)")")
	build_example "$dir" gcc
	for policy in $(choice_policies); do
		MEMS_POLICY=$policy into "$dir/out" "$dir/example"
		assert_golden "$dir/out" "$policy"
	done
}

@test "the header carries the configured layout: page 100, base 4096, align 8" {
	local build=$BATS_TEST_TMPDIR/layout dir

	mems_make "$build" defconfig >/dev/null
	kconfig-tweak --file "$build/.config" --set-val MEMS_PAGE_SIZE 100 \
		--set-val MEMS_VIRT_BASE 4096 --set-val MEMS_ALIGN 8
	mems_make "$build" olddefconfig >/dev/null
	mems_make "$build" single-header >/dev/null
	dir=$(course_dir "$build/single-header/mems.h")
	build_example "$dir" gcc -Wall -Wextra
	run "$dir/example"
	assert_success
	run diff -u <(expected_demo_first_part 100 4096 8) \
		<(demo_first_part <<<"$output")
	assert_success
}

@test "other files of a program include it with MEMS_DECLARATIONS_ONLY" {
	local dir

	dir=$(course_dir "$(header "$(first_policy)")")
	cat >"$dir/main.c" <<'EOF'
#include "mems.h"

void *second_block(void);

int main(void)
{
	char *v;

	mems_init();
	v = mems_malloc(10);
	printf("%lu %lu\n", (unsigned long)v, (unsigned long)second_block());
	mems_finish();
	return 0;
}
EOF
	cat >"$dir/other.c" <<'EOF'
#define MEMS_DECLARATIONS_ONLY
#include "mems.h"

void *second_block(void)
{
	return mems_malloc(20);
}
EOF
	run bash -c 'cd "$1" && gcc -Wall -Wextra -o two main.c other.c 2>&1' \
		build "$dir"
	assert_success
	assert_output ""
	run "$dir/two"
	assert_success
	assert_output "1000 1010"
}

@test "the header is made again when a source of it changes, else not" {
	local dir

	dir=$BATS_FILE_TMPDIR/$(first_policy)

	run mems_make "$dir" -q single-header
	assert_success
	run mems_make "$dir" -q -W "$MEMS_SRC/core/registry.c" single-header
	assert_failure
	run mems_make "$dir" -q -W "$MEMS_SRC/core/chain.h" single-header
	assert_failure
	run mems_make "$dir" -q -W "$dir/.config" single-header
	assert_failure
}

@test "plain make keeps a header made before current with a new configuration" {
	local dir=$BATS_TEST_TMPDIR/build last default course marker

	last=$(choice_policies | tail -n 1)
	mems_build "$dir" "$(policy_defconfig "$last")"
	# No header until one is asked for.
	assert [ ! -e "$dir/single-header/mems.h" ]
	mems_make "$dir" single-header >/dev/null
	mems_make "$dir" defconfig >/dev/null
	default=$(sed -n 's/^CONFIG_MEMS_POLICY_DEFAULT="\(.*\)"$/\1/p' \
		"$dir/.config")
	assert_not_equal "$default" "$last"
	run mems_make "$dir" -j2
	assert_success
	assert_line "  GEN     single-header/mems.h"
	# The header has the configuration of the build beside it.
	marker='^/\* ---- the configuration (autoconf.h) ---- \*/$'
	run diff -u <(grep '^#define ' "$dir/include/generated/autoconf.h") \
		<(sed -n "\|$marker|,/^\$/p" "$dir/single-header/mems.h" |
			grep '^#define ')
	assert_success
	course=$(course_dir "$dir/single-header/mems.h")
	build_example "$course" gcc
	into "$course/out" "$course/example"
	assert_golden "$course/out" "$default"
	# Current, it is not made again.
	assert_nothing_rebuilt "$dir"
}

@test "mems-dump linked with the header replays a trace as with libmems.a" {
	local dir objects trace

	dir=$BATS_FILE_TMPDIR/$(first_policy)
	mems_make "$dir" -j2 >/dev/null
	printf '#include "%s"\n' "$(header "$(first_policy)")" >"$dir/with-header.c"
	# Not its own copy of the generic code: the header brings the
	# library's, under the same names.
	mapfile -t objects < <(find "$dir/tools/dump" -name '*.o')
	# The trace library, and zlib for gzip-compressed traces, as the
	# Makefile links them.
	run gcc -o "$dir/mems-dump-header" "$dir/with-header.c" \
		"${objects[@]}" "$dir/tools/replay/libreplay.a" -lz
	assert_success
	# No libmems.a: every MeMS symbol comes from the header.
	run nm "$dir/mems-dump-header"
	assert_output --partial " T mems_heap_alloc"
	for trace in reuse.trace policies.rep libc.trace; do
		trace=$MEMS_SRC/selftests/bats/data/$trace
		run diff -u <(without_times "$dir/tools/mems-dump" "$trace") \
			<(without_times "$dir/mems-dump-header" "$trace")
		assert_success
		run diff -u <("$dir/tools/mems-dump" --every 1 "$trace") \
			<("$dir/mems-dump-header" --every 1 "$trace")
		assert_success
	done
}

# without_times MEMS-DUMP TRACE - its --compare table but the time column.
without_times() {
	"$1" --compare "$2" | sed -E 's/ +([0-9.]+|time-ms)$//'
}
