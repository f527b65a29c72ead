#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# bench.bats - `make bench`, the timing of the policies against glibc.
#
# One quick run is made for the whole file, which then checks only which
# rows the table and the CSV file hold, never a timing or a memory
# figure: those depend on the machine and its load.  A cell that runs out
# of time still has its row, so no test depends on speed.

bats_require_minimum_version 1.5.0
load test_helper

TRACES=$MEMS_SRC/tools/bench/traces

setup_file() {
	local dir=$BATS_FILE_TMPDIR/build status=0

	mems_build "$dir" defconfig || return
	# The first test reports the status: a failure here would hide it.
	mems_make "$dir" bench QUICK=1 >"$BATS_FILE_TMPDIR/bench.out" \
		2>"$BATS_FILE_TMPDIR/bench.err" || status=$?
	echo "$status" >"$BATS_FILE_TMPDIR/bench.status"
}

# table_rows - "workload param allocator" of each row of the table the
# quick run printed, the part between its two rules.
table_rows() {
	awk '/^-+( +-+)+$/ { rules++; next }
	     rules == 1 { print $1, $2, $3 }' "$BATS_FILE_TMPDIR/bench.out"
}

# csv_rows - the same of each line of bench.csv but its header.
csv_rows() {
	awk -F, 'NR > 1 { print $1, $2, $3 }' \
		"$BATS_FILE_TMPDIR/build/bench.csv"
}

# allocators - every policy the build holds, then the C library.
allocators() {
	"$BATS_FILE_TMPDIR/build/tools/mems-info" --policies
	echo glibc
}

# assert_one_row WORKLOAD PARAM ALLOCATOR - the table has exactly one
# row for that cell.
assert_one_row() {
	run grep -c -x -F "$1 $2 $3" <(table_rows)
	assert_output 1
}

@test "make bench QUICK=1 succeeds and prints a table" {
	cat "$BATS_FILE_TMPDIR/bench.err"
	run cat "$BATS_FILE_TMPDIR/bench.status"
	assert_output 0
	run table_rows
	refute_output ""
}

@test "churn rows at L=1000 and 10000 for first-fit, best-fit, next-fit, glibc" {
	local live allocator

	for live in 1000 10000; do
		for allocator in first-fit best-fit next-fit glibc; do
			assert_one_row churn "$live" "$allocator"
		done
	done
}

@test "a classic row for every allocator" {
	local allocator rounds

	for allocator in $(allocators); do
		run awk -v a="$allocator" '$1 == "classic" && $3 == a' \
			<(table_rows)
		assert_equal "${#lines[@]}" 1
	done
	rounds=$(table_rows | awk '$1 == "classic" { print $2 }' | sort -u)
	assert_equal "$(wc -l <<<"$rounds")" 1
}

@test "a row per tools/bench/traces/*.rep for every allocator" {
	local rep name allocator nr=0

	for rep in "$TRACES"/*.rep; do
		name=$(basename "$rep" .rep)
		nr=$((nr + 1))
		for allocator in $(allocators); do
			assert_one_row trace "$name" "$allocator"
		done
	done
	assert [ "$nr" -gt 0 ]
	run grep -c '^trace ' <(table_rows)
	assert_output "$((nr * $(allocators | wc -l)))"
}

@test "bench.csv has a header and one line per row of the table" {
	local csv=$BATS_FILE_TMPDIR/build/bench.csv

	assert [ -s "$csv" ]
	run head -n 1 "$csv"
	assert_output --regexp '^workload,param,allocator,'
	assert_equal "$(($(wc -l <"$csv") - 1))" "$(table_rows | wc -l)"
	run diff <(table_rows) <(csv_rows)
	assert_success
}

@test "mems-bench --help exits 0" {
	run "$BATS_FILE_TMPDIR/build/tools/bench/mems-bench" --help
	assert_success
	assert_line --index 0 --partial 'Usage: mems-bench'
}
