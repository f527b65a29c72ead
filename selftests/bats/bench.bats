#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# bench.bats - `make bench`, the timing of the policies against glibc,
# and `make bench-counts`, their instructions and cache misses.
#
# One quick run is made for the whole file, which then checks which rows
# the table and the CSV file hold and that their figures are there, never
# what a time is: that depends on the machine and its load.  The memory
# figures are deterministic, so one of them is checked against the
# statistics call.  Only the linear references have a time budget, and
# the runs that could meet it either raise it or accept a timeout, so no
# test depends on speed.  The counts are run by scripts/bench-counts at
# tiny sizes; their shape, their arithmetic and their agreement with the
# CSV are checked, never how large MeMS' figures are.

bats_require_minimum_version 1.5.0
load test_helper

TRACES=$MEMS_SRC/tools/bench/traces

setup_file() {
	local dir=$BATS_FILE_TMPDIR/build status=0

	mems_tree_copy defconfig "$dir" || return
	# The first test reports the status: a failure here would hide it.
	mems_make "$dir" bench QUICK=1 >"$BATS_FILE_TMPDIR/bench.out" \
		2>"$BATS_FILE_TMPDIR/bench.err" || status=$?
	echo "$status" >"$BATS_FILE_TMPDIR/bench.status"
	# The counts at sizes that take seconds under cachegrind, W = L.
	status=0
	"$MEMS_SRC/scripts/bench-counts" --live 100,300 --steps 500 \
		--csv "$BATS_FILE_TMPDIR/counts.csv" \
		"$BATS_FILE_TMPDIR/build/tools/bench/churn-counts" \
		>"$BATS_FILE_TMPDIR/counts.out" \
		2>"$BATS_FILE_TMPDIR/counts.err" || status=$?
	echo "$status" >"$BATS_FILE_TMPDIR/counts.status"
}

# table_rows [FILE] - "workload param allocator" of each row of the table
# the quick run (or FILE) printed, the part between its two rules.
table_rows() {
	awk '/^-+( +-+)+$/ { rules++; next }
	     rules == 1 { print $1, $2, $3 }' \
		"${1:-$BATS_FILE_TMPDIR/bench.out}"
}

# csv_rows - the same of each line of bench.csv but its header.
csv_rows() {
	awk -F, 'NR > 1 { print $1, $2, $3 }' \
		"$BATS_FILE_TMPDIR/build/bench.csv"
}

# policy_table FLAG [BUILD] - the policies of BUILD's registry whose flags
# do (FLAG = reference) or do not (FLAG = other) mark a linear reference,
# in the registry's order.
policy_table() {
	"${2:-$BATS_FILE_TMPDIR/build}/tools/mems-info" --policy-table |
		if [ "$1" = reference ]; then
			awk -F'\t' '$2 ~ /reference/ { print $1 }'
		else
			awk -F'\t' '$2 !~ /reference/ { print $1 }'
		fi
}

# policies - what the bench times of the build's policies.
policies() {
	policy_table other
}

# allocators - every policy the bench times, then the C library.
allocators() {
	policies
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

@test "churn rows at L=1000 and 10000 for every policy and glibc" {
	local live allocator

	for live in 1000 10000; do
		for allocator in $(allocators); do
			assert_one_row churn "$live" "$allocator"
		done
	done
}

@test "each workload's rows follow the registry's order, then glibc" {
	local cell

	assert [ -n "$(policies)" ]

	while read -r cell; do
		run awk -v c="$cell" '$1 " " $2 == c { print $3 }' \
			<(table_rows)
		assert_equal "$output" "$(allocators)"
	done < <(table_rows | awk '{ print $1, $2 }' | uniq)
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

@test "every policy's CSV line has its figures, bookkeeping above zero" {
	local csv=$BATS_FILE_TMPDIR/build/bench.csv

	# ns_per_op, peak_pages, peak_bytes, peak_mib, mmap, munmap, util,
	# meta_bytes, cpu_ns_per_op, overhead_per_block: an indexed policy
	# never times out.
	run awk -F, -v list="$(policies)" '
		BEGIN { n = split(list, p, "\n"); for (i = 1; i <= n; i++) mems[p[i]] }
		NR > 1 && ($3 in mems) {
			rows++
			if ($4 !~ /^[0-9]+\.[0-9]$/ || $5 !~ /^[1-9][0-9]*$/ ||
			    $6 !~ /^[1-9][0-9]*$/ || $7 !~ /^[0-9]+\.[0-9][0-9]$/ ||
			    $8 !~ /^[1-9][0-9]*$/ || $9 !~ /^[0-9]+$/ ||
			    $10 !~ /^[0-9]+\.[0-9]$/ || $11 !~ /^[1-9][0-9]*$/ ||
			    $12 !~ /^[0-9]+\.[0-9]$/ || $13 !~ /^[0-9]+\.[0-9]$/)
				print "bad: " $0
		}
		END { print rows + 0, "rows" }' \
		"$csv"
	assert_success
	refute_output --partial 'bad: '
	refute_output '0 rows'
}

@test "glibc's CSV lines have a time and no bookkeeping figure" {
	run awk -F, 'NR > 1 && $3 == "glibc" {
			rows++
			if ($4 !~ /^[0-9]+\.[0-9]$/ || $8 != "n/a" ||
			    $11 != "n/a" || $13 !~ /^[0-9]+\.[0-9]$/)
				print "bad: " $0
		}
		END { print rows + 0, "rows" }' \
		"$BATS_FILE_TMPDIR/build/bench.csv"
	assert_success
	refute_output --partial 'bad: '
	refute_output '0 rows'
}

# The classic workload is the same round again and again on a heap that
# the finish empties, so its bookkeeping peak is that of one round: what
# mems_heap_stats() says before the first finish.
@test "classic's meta_bytes is mems_heap_stats().meta_bytes of one round" {
	local prog=$BATS_TEST_TMPDIR/round policy expected got

	cat >"$prog.c" <<-'EOF'
	#include <stdio.h>
	#include <mems/heap.h>
	#include <mems/introspect.h>

	int main(int argc, char **argv)
	{
		struct mems_heap_config config = { .policy = argv[argc - 1] };
		struct mems_heap_stats stats;
		struct mems_heap *heap;
		void *block[10];
		int i;

		if (argc != 2 || mems_heap_create(&config, &heap))
			return 1;
		for (i = 0; i < 10; i++)
			if (mems_heap_alloc(heap, 1000, &block[i]))
				return 1;
		if (mems_heap_free(heap, block[3]) ||
		    mems_heap_alloc(heap, 1000, &block[3]))
			return 1;
		mems_heap_stats(heap, &stats);
		printf("%zu\n", stats.meta_bytes);
		mems_heap_destroy(heap);
		return 0;
	}
	EOF
	run cc -I"$MEMS_SRC/include" -o "$prog" "$prog.c" \
		"$BATS_FILE_TMPDIR/build/lib/libmems.a"
	assert_success
	for policy in $(policies); do
		expected=$("$prog" "$policy")
		assert [ "$expected" -gt 0 ]
		got=$(awk -F, -v p="$policy" \
			'$1 == "classic" && $3 == p { print $11 }' \
			"$BATS_FILE_TMPDIR/build/bench.csv")
		assert_equal "$policy $got" "$policy $expected"
	done
}

@test "linear references run with --references only, found by their flag" {
	local dir=$BATS_TEST_TMPDIR/linear empty=$BATS_TEST_TMPDIR/empty
	local bench=$BATS_TEST_TMPDIR/linear/tools/bench/mems-bench
	local -a args

	mkdir -p "$empty"
	# defconfig with MEMS_LINEAR_POLICIES, its bench built.
	mems_tree linear "$dir"
	run mems_make "$dir" -j2 "$bench" "$dir/tools/mems-info"
	assert_success
	run policy_table reference "$dir"
	refute_output ""

	# A budget no run can exceed: rows, not times, are looked at.
	args=(--churn 0 --classic 2 --traces "$empty" --reps 1 --budget 1e9)
	into "$BATS_TEST_TMPDIR/plain.out" "$bench" "${args[@]}"
	run awk '{ print $3 }' <(table_rows "$BATS_TEST_TMPDIR/plain.out")
	assert_output "$(policy_table other "$dir"; echo glibc)"

	into "$BATS_TEST_TMPDIR/refs.out" "$bench" "${args[@]}" --references
	run awk '{ print $3 }' <(table_rows "$BATS_TEST_TMPDIR/refs.out")
	assert_output "$("$dir/tools/mems-info" --policies; echo glibc)"
}

@test "mems-bench --help exits 0" {
	run "$BATS_FILE_TMPDIR/build/tools/bench/mems-bench" --help
	assert_success
	assert_line --index 0 --partial 'Usage: mems-bench'
	assert_line --partial '--references'
}

# Ten blocks are live at the classic round's peak, so the bookkeeping per
# block of a policy's classic row is its meta_bytes over ten.
@test "classic's overhead per block is its bookkeeping over the ten live blocks" {
	run awk -F, -v list="$(policies)" '
		BEGIN { n = split(list, p, "\n"); for (i = 1; i <= n; i++) mems[p[i]] }
		NR > 1 && $1 == "classic" && ($3 in mems) {
			rows++
			if ($13 != sprintf("%.1f", $11 / 10))
				print "bad: " $0
		}
		END { print rows + 0, "rows" }' \
		"$BATS_FILE_TMPDIR/build/bench.csv"
	assert_success
	refute_output --partial 'bad: '
	assert_output "$(policies | wc -l) rows"
}

# A node of two pages (5000 bytes of 4096-byte pages; the next 4000 do not
# fit its hole) emptied, then 9000 bytes that it cannot hold: six pages
# at the peak when the empty node stays, four when it is released.
@test "mems-bench --trim-threshold gives the heaps' empty nodes back" {
	local bench=$BATS_FILE_TMPDIR/build/tools/bench/mems-bench
	local traces=$BATS_TEST_TMPDIR/traces threshold page

	page=$("$BATS_FILE_TMPDIR/build/tools/mems-info" --page-size)
	mkdir -p "$traces"
	printf '0\n3\n4\n1\na 0 %d\na 1 %d\nf 0\na 2 %d\n' \
		$((page + 904)) $((page - 96)) $((2 * page + 808)) \
		>"$traces/empty.rep"
	for threshold in -1 0; do
		"$bench" --churn 0 --classic 0 --reps 1 --only first-fit \
			--traces "$traces" --trim-threshold "$threshold" \
			--csv "$BATS_TEST_TMPDIR/$threshold.csv" \
			>"$BATS_TEST_TMPDIR/$threshold.out"
	done
	run awk -F, 'NR == 2 { print $3, $5 }' "$BATS_TEST_TMPDIR/-1.csv"
	assert_output "first-fit 6"
	run awk -F, 'NR == 2 { print $3, $5 }' "$BATS_TEST_TMPDIR/0.csv"
	assert_output "first-fit 4"
	# With the bookkeeping too: the released node's two pages less.
	assert_equal "$(awk -F, -v p="$page" 'NR == 2 { print $14 - 2 * p }' \
			"$BATS_TEST_TMPDIR/-1.csv")" \
		"$(awk -F, 'NR == 2 { print $14 }' "$BATS_TEST_TMPDIR/0.csv")"
	run grep -c '^MeMS trim threshold: 0 bytes$' "$BATS_TEST_TMPDIR/0.out"
	assert_output 1
	run grep -c '^MeMS trim threshold' "$BATS_TEST_TMPDIR/-1.out"
	assert_output 0
}

# Two operations on one line: the lax reading the bench once had took
# them in; mems-dump's reader, which the bench now shares, does not.
@test "mems-bench rejects a malformed .rep line at its FILE:LINE and times the rest" {
	local bench=$BATS_FILE_TMPDIR/build/tools/bench/mems-bench
	local traces=$BATS_TEST_TMPDIR/traces

	mkdir -p "$traces"
	printf '0\n1\n2\n1\na 0 8 f 0\n' >"$traces/bad.rep"
	printf '0\n1\n2\n1\na 0 8\nf 0\n' >"$traces/good.rep"
	run --separate-stderr "$bench" --churn 0 --classic 0 --reps 1 \
		--only first-fit --traces "$traces"
	assert_failure 1
	assert_equal "$stderr" \
		"mems-bench: $traces/bad.rep:5: malformed line: expected 'a ID SIZE'"
	run table_rows <(echo "$output")
	assert_output "trace good first-fit"
}

# The same reader as mems-dump: a free of an id that is not allocated is
# the trace's error, said before anything is timed, not a failed call.
@test "mems-bench rejects a .rep free of an id never allocated" {
	local bench=$BATS_FILE_TMPDIR/build/tools/bench/mems-bench
	local traces=$BATS_TEST_TMPDIR/traces

	mkdir -p "$traces"
	printf '0\n2\n2\n1\na 0 8\nf 1\n' >"$traces/bad.rep"
	run --separate-stderr "$bench" --churn 0 --classic 0 --reps 1 \
		--only first-fit --traces "$traces"
	assert_failure 1
	assert_equal "$stderr" \
		"mems-bench: $traces/bad.rep:6: free of id 1, which was never allocated"
	run table_rows <(echo "$output")
	assert_output ""
}

# The joint peak of user pages and bookkeeping, in the CSV's last field:
# never below the user pages alone.
@test "bench.csv's peak_mapped_bytes holds the pages and the bookkeeping" {
	run awk -F, -v list="$(policies)" '
		BEGIN { n = split(list, p, "\n"); for (i = 1; i <= n; i++) mems[p[i]] }
		NR == 1 && $14 != "peak_mapped_bytes" { print "bad header: " $0 }
		NR > 1 && ($3 in mems) {
			rows++
			if ($14 !~ /^[1-9][0-9]*$/ || $14 <= $6)
				print "bad: " $0
		}
		NR > 1 && $3 == "glibc" && $14 != $6 { print "bad: " $0 }
		END { print rows + 0, "rows" }' \
		"$BATS_FILE_TMPDIR/build/bench.csv"
	assert_success
	refute_output --partial 'bad'
	refute_output '0 rows'
}

@test "libc-trace-to-rep turns a C library trace into malloclab operations" {
	local data=$MEMS_SRC/selftests/bats/data

	export TRACE_GEN=$BATS_FILE_TMPDIR/build/tools/bench/trace-gen
	# The calloc is the product; the realloc keeps its id; frees of NULL,
	# of a pointer never seen and failed calls are dropped; realloc(p, 0)
	# returning NULL frees; a block returned inside one the trace still
	# holds frees that one first, as mems-dump replays it.
	run --separate-stderr "$MEMS_SRC/scripts/libc-trace-to-rep" \
		"$data/libc.trace"
	assert_success
	assert_output "0
5
9
1
a 0 16
a 1 32
r 0 64
a 2 100
f 1
a 3 10
f 3
f 0
a 4 8"
	assert_equal "$stderr" "trace-gen: $data/libc.trace:9: not reproduced: free of 0x12345, which the trace never saw allocated, is not replayed
trace-gen: $data/libc.trace:14: not reproduced: 0x3010 is returned inside the block at 0x3000, which the trace never freed: that block is freed first"
	run "$MEMS_SRC/scripts/libc-trace-to-rep" "$data/classic.trace"
	assert_failure
	assert_output --partial "not a 'mems-trace 1 libc' trace"
}

# One writer of .rep files: the trace library's, which trace-gen writes
# the bench's traces with and converts any trace the library reads with.
@test "trace-gen --convert writes a MeMS trace and an mtrace log as .rep" {
	local gen=$BATS_FILE_TMPDIR/build/tools/bench/trace-gen
	local data=$MEMS_SRC/selftests/bats/data

	# The gets and stats have no .rep form; the finish frees every block.
	run --separate-stderr "$gen" --convert "$data/classic.trace"
	assert_success
	assert_output "$(printf '0\n11\n22\n1\n'
		printf 'a %d 1000\n' 0 1 2 3 4 5 6 7 8 9
		printf 'f 3\na 10 1000\n'
		printf 'f %d\n' 0 1 2 4 5 6 7 8 9 10)"
	assert_equal "$stderr" ""
	# The failed calls are dropped; the request of 0 bytes is of 1.
	run --separate-stderr "$gen" --convert "$data/mtrace.log"
	assert_success
	assert_output "0
3
5
1
a 0 16
a 1 32
f 0
r 1 64
a 2 1"
	# A .rep the library writes, mems-bench's reader takes.
	"$gen" --convert "$data/classic.trace" >"$BATS_TEST_TMPDIR/classic.rep"
	run "$BATS_FILE_TMPDIR/build/tools/mems-dump" --compare \
		"$BATS_TEST_TMPDIR/classic.rep"
	assert_success
	assert_line --index 0 "# $BATS_TEST_TMPDIR/classic.rep: malloclab .rep, 22 steps, trim threshold -1 (emptied nodes stay mapped)"
}

# counts_rows N - the rows of the Nth table bench-counts printed (1: per
# step, 2: ratios to glibc), from below its rule to the blank line.
counts_rows() {
	awk -v n="$1" '/^-+( +-+)+$/ { on = ++rules == n; next }
	     /^$/ { on = 0 }
	     on' "$BATS_FILE_TMPDIR/counts.out"
}

# counts_header N - the header line above the Nth table's rule.
counts_header() {
	awk -v n="$1" '/^-+( +-+)+$/ && ++rules == n { print prev }
	     { prev = $0 }' "$BATS_FILE_TMPDIR/counts.out"
}

# counts_cells N - "L allocator cell" of each cell of the Nth table, row
# by row, the allocator read from the cell's column of the header.
counts_cells() {
	{ counts_header "$1"; counts_rows "$1"; } |
		awk 'NR == 1 { n = NF - 1; for (i = 2; i <= NF; i++) name[i - 1] = $i; next }
		     { for (k = 1; k <= n; k++)
			print $1, name[k], $(3 * k - 1), "/", $(3 * k + 1) }'
}

@test "bench-counts: a row per L, glibc then every policy in the registry's order" {
	local table

	cat "$BATS_FILE_TMPDIR/counts.err"
	run cat "$BATS_FILE_TMPDIR/counts.status"
	assert_output 0
	assert [ -n "$(policies)" ]
	for table in 1 2; do
		run awk '{ $1 = $1; print }' <(counts_header "$table")
		assert_output "L glibc $(policies | paste -s -d ' ')"
		run awk '{ print $1 }' <(counts_rows "$table")
		assert_output "100
300"
	done
	run grep -c -x 'D1: 32768 B, 8-way, 64 B lines (misses: reads + writes); .*' \
		"$BATS_FILE_TMPDIR/counts.out"
	assert_output 1
}

@test "bench-counts: every cell is instructions / D1 misses, glibc's sane" {
	local nr=$(($(policies | wc -l) + 1))

	# glibc's malloc and free with the loop are some hundreds of
	# instructions: a count outside 50-5000 counts something else.
	run awk -v nr="$nr" '{
			if (NF != 1 + 3 * nr)
				print "bad row: " $0
			for (i = 2; i < NF; i += 3)
				if ($i !~ /^[1-9][0-9]*$/ || $(i + 1) != "/" ||
				    $(i + 2) !~ /^[0-9]+\.[0-9]$/)
					print "bad cell: " $0
			if ($2 < 50 || $2 > 5000)
				print "glibc: " $2
		}' <(counts_rows 1)
	assert_success
	assert_output ""
	run awk '{ print $2, $3, $4 }' <(counts_rows 2)
	assert_output "1.00 / 1.00
1.00 / 1.00"
}

@test "bench-counts: the CSV holds the tables' figures, its two runs' difference over the steps" {
	local csv=$BATS_FILE_TMPDIR/counts.csv

	run head -n 1 "$csv"
	assert_output "live,allocator,warmup_steps,total_steps,ir_warmup,ir_total,d1_warmup,d1_total,ir_per_step,d1_per_step,ir_ratio,d1_ratio"
	# W = L unless --warmup, then --steps more; the figures per step
	# from the raw counts.
	run awk -F, 'NR > 1 {
			if ($3 != $1 || $4 != $1 + 500 ||
			    $9 != sprintf("%.0f", ($6 - $5) / 500) ||
			    $10 != sprintf("%.1f", ($8 - $7) / 500))
				print "bad: " $0
		}' "$csv"
	assert_output ""
	# The same figures as the tables, cell by cell.
	run awk -F, 'NR > 1 { print $1, $2, $9, "/", $10, $11, "/", $12 }' "$csv"
	assert_output "$(paste -d ' ' <(counts_cells 1) \
		<(counts_cells 2 | cut -d ' ' -f 3-))"
	assert_equal "${#lines[@]}" $((2 * ($(policies | wc -l) + 1)))
}

# cachegrind_counts ALLOCATOR L STEPS PLAN - "Ir D1-misses" of the run
# bench-counts makes, as valgrind's own report sums them up.
cachegrind_counts() {
	local log=$BATS_TEST_TMPDIR/cachegrind.log policy=() mode=(--libc)

	if [ "$1" != glibc ]; then
		policy=("MEMS_POLICY=$1")
		mode=()
	fi
	env -i "${policy[@]}" "$(command -v valgrind)" --tool=cachegrind \
		--cache-sim=yes --I1=32768,8,64 --D1=32768,8,64 \
		--LL=8388608,16,64 --cachegrind-out-file=/dev/null \
		--log-file="$log" \
		"$BATS_FILE_TMPDIR/build/tools/bench/churn-counts" \
		"${mode[@]}" --plan "$4" "$2" "$3" || return
	awk '/I +refs:/ { ir = $NF }
	     /D1 +misses:/ { d1 = $4 }
	     END { gsub(/,/, "", ir); gsub(/,/, "", d1); print ir, d1 }' "$log"
}

@test "bench-counts: the CSV's counts are cachegrind's instructions and D1 misses" {
	local policy

	policy=$(policies | tail -n 1)
	run cachegrind_counts glibc 100 100 600
	assert_success
	assert_output "$(awk -F, '$1 == 100 && $2 == "glibc" { print $5, $7 }' \
		"$BATS_FILE_TMPDIR/counts.csv")"
	run cachegrind_counts "$policy" 300 800 800
	assert_success
	assert_output "$(awk -F, -v p="$policy" '$1 == 300 && $2 == p { print $6, $8 }' \
		"$BATS_FILE_TMPDIR/counts.csv")"
}

@test "make bench QUICK=1 leaves the counts out and says where they are" {
	run tail -n 1 "$BATS_FILE_TMPDIR/bench.out"
	assert_output "Counts per churn step: make bench-counts"
}

@test "churn-counts lists the policies to count and refuses an unknown one" {
	local prog=$BATS_FILE_TMPDIR/build/tools/bench/churn-counts

	run "$prog" --policies
	assert_success
	assert_output "$(policies)"
	# mems_init() would count the default policy under that name.
	run env MEMS_POLICY=no-such-fit "$prog" 10 10
	assert_failure 1
	assert_line 'churn-counts: MEMS_POLICY names no policy of this build'
	run "$prog" --plan 5 10 20
	assert_failure 2
}

@test "seg-dir-model follows each policy's heap step by step" {
	local prog=$BATS_FILE_TMPDIR/build/tools/bench/seg-dir-model policy

	run "$prog" --policies
	assert_success
	assert_output "$(policies)"
	# Each step compares every segment, line and hole record with
	# mems_heap_walk().
	for policy in $(policies); do
		run "$prog" --check "$policy" 200 1500 0
		assert_success
		assert_output "1500 steps checked against the heap"
		run "$prog" --check --hole-records "$policy" 200 1500 0
		assert_success
		assert_output "1500 steps checked against the heap"
	done
	run "$prog" no-such-fit 10 10 10
	assert_failure 1
	assert_output 'seg-dir-model: POLICY names no policy of this build'
	run "$prog" first-fit 10 -1 10
	assert_failure 2
}

# model_counts POLICY L W S - "Ir / D1-misses" a step of model_replay(),
# from callgrind's own report of the run.
model_counts() {
	local log=$BATS_TEST_TMPDIR/callgrind.log

	env -i "$(command -v valgrind)" --tool=callgrind --cache-sim=yes \
		--I1=32768,8,64 --D1=32768,8,64 --LL=8388608,16,64 \
		--toggle-collect=model_replay --callgrind-out-file=/dev/null \
		--log-file="$log" \
		"$BATS_FILE_TMPDIR/build/tools/bench/seg-dir-model" \
		"$1" "$2" "$3" "$4" >/dev/null || return
	awk -v s="$4" '/I +refs:/ { ir = $NF }
	     /D1 +misses:/ { d1 = $4 }
	     END { gsub(/,/, "", ir); gsub(/,/, "", d1)
		   printf "%.0f / %.2f\n", ir / s, d1 / s }' "$log"
}

@test "seg-dir-counts: one row an L, a step's counts from model_replay() alone" {
	local prog=$BATS_FILE_TMPDIR/build/tools/bench/seg-dir-model policy

	run --separate-stderr "$MEMS_SRC/scripts/seg-dir-counts" \
		--live 100,200 --steps 400 "$prog"
	assert_success
	assert_line --index 0 --partial 'Segment directory model:'
	assert_line --index 2 "$(printf 'L      %s' \
		"$(policies | xargs printf ' %-13s' | sed 's/ *$//')")"
	assert_equal "${#lines[@]}" 6
	assert_equal "$(echo "${lines[4]}" | awk '{ print $1, NF }')" \
		"100 $((1 + 3 * $(policies | wc -l)))"
	policy=$(policies | tail -n 1)
	assert_equal "$(echo "${lines[5]}" | awk '{ print $(NF - 2), $NF }')" \
		"$(model_counts "$policy" 200 200 400 | awk '{ print $1, $3 }')"
}
