#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# dump.bats - mems-dump, the trace replayer.
#
# The traces under data/ are small and written by hand, and every report
# expected of them here is worked out from the contract's rules, not
# taken from a run.  data/bad/ holds one broken trace per error mems-dump
# must report with its one "mems-dump: FILE:LINE: REASON" line.

bats_require_minimum_version 1.5.0
load test_helper

DATA=$BATS_TEST_DIRNAME/data

setup_file() {
	# Warning-free: a build of trees.bash fails on a warning.
	mems_tree defconfig "$BATS_FILE_TMPDIR/build"
}

mems_dump() {
	"$BATS_FILE_TMPDIR/build/tools/mems-dump" "$@"
}

# compared_policies - the policies that --policy all and --compare go
# through, one a line, as the build's own registry lists them: every row
# of mems-info --policy-table that is not a linear reference.
compared_policies() {
	"$BATS_FILE_TMPDIR/build/tools/mems-info" --policy-table |
		awk -F'\t' '$2 !~ /reference/ {print $1}'
}

# golden_reports POLICY - the mems_print_stats reports of the classic
# demo's golden output, without the demo's own lines.
golden_reports() {
	awk '/^----- MeMS SYSTEM STATS -----$/ { inside = 1 }
	     inside { print }
	     /^-----------------------------$/ { inside = 0 }' \
		"$MEMS_GOLDEN/classic-$1.out"
}

# assert_xml FILE - FILE is well-formed XML.
assert_xml() {
	if command -v xmllint >/dev/null; then
		run xmllint --noout "$1"
	elif command -v python3 >/dev/null; then
		run python3 -c 'import sys, xml.dom.minidom
xml.dom.minidom.parse(sys.argv[1])' "$1"
	else
		skip "neither xmllint nor python3 to check XML"
	fi
	assert_success
}

require_python3() {
	command -v python3 >/dev/null || skip "python3 is not installed"
}

# libc_trace_notes, mtrace_log_notes - what mems-dump tells of the lines
# of data/libc.trace and data/mtrace.log that it does not replay as they
# were recorded.
libc_trace_notes() {
	echo "mems-dump: $DATA/libc.trace:9: not reproduced: free of 0x12345, which the trace never saw allocated, is not replayed
mems-dump: $DATA/libc.trace:14: not reproduced: 0x3010 is returned inside the block at 0x3000, which the trace never freed: that block is freed first"
}

mtrace_log_notes() {
	echo "mems-dump: $DATA/mtrace.log:10: not reproduced: free of 0x999999, which the trace never saw allocated, is not replayed"
}

# assert_bad_file PATH LINE REASON - mems-dump rejects PATH with exactly
# one line on stderr and status 1, and prints nothing else.
assert_bad_file() {
	run --separate-stderr mems_dump "$1"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "mems-dump: $1:$2: $3"
}

# early_note FILE - the one line mems-dump writes after replaying FILE, a
# MeMS trace without mems_finish() at its end.
early_note() {
	echo "mems-dump: $1: the trace ends without mems_finish(): the program stopped early"
}

# assert_bad_trace FILE LINE REASON - the same for data/bad/FILE.
assert_bad_trace() {
	assert_bad_file "$DATA/bad/$1" "$2" "$3"
}

# The reports expected of data/reuse.trace, one file per policy in
# data/expected/reuse-POLICY.out, compared byte for byte (so they hold
# no comment: why each policy gives its report is told here).
#
# Under first-fit (and best-fit) the three reports are: 1000 bytes from a
# new one-page node, 2000 from its hole, 5000 from a new two-page node;
# then the 2000-byte block freed and 500 bytes carved from the low end of
# the hole it left; then those 500 freed again.
#
# Under next-fit the rover stands at 10096, one past the 5000-byte
# block, so the 500 bytes come from the second node's hole; the trace's
# free of address 2000 then frees that block, at its replayed address.
# Worst-fit does the same for another reason: the freed block left a
# hole of 3096 bytes (2000 and the 1096 after it), the second node's is
# larger, 3192 bytes, and the 500 bytes are carved from its low end.
#
# A built policy without its file fails the tests that replay it.
EXPECTED=$DATA/expected

# require_expected NAME WHAT - fail unless data/expected/NAME is there; WHAT
# says, in the message, what it would have held.
require_expected() {
	local name=$1 what=$2

	[ -e "$EXPECTED/$name" ] ||
		fail "no expected $what: $EXPECTED/$name is missing"
}

# require_reuse POLICY - fail unless the reports of data/reuse.trace
# under POLICY are in data/expected.
require_reuse() {
	require_expected "reuse-$1.out" \
		"reports of reuse.trace for the policy '$1'"
}

# reuse_report POLICY - the path of those reports.
reuse_report() {
	echo "$EXPECTED/reuse-$1.out"
}

# trace_policy TRACE - the policy TRACE's init line recorded: the one a
# replay without --policy uses.
trace_policy() {
	awk '$1 == "init" { print $2; exit }' "$DATA/$1"
}

EMPTY_REPORT='----- MeMS SYSTEM STATS -----
Pages used:	0
Space unused:	0
Main Chain Length:	0
Sub-chain Length array: []
-----------------------------'

@test "a MeMS trace replays to the reports its program printed" {
	local policy

	policy=$(trace_policy reuse.trace)
	require_reuse "$policy"
	run --separate-stderr mems_dump "$DATA/reuse.trace"
	assert_success
	assert_equal "$stderr" ""
	# The trace ends in finish: no final report follows.
	assert_output "$(<"$(reuse_report "$policy")")"
}

@test "the output is byte for byte the report, with its tabs" {
	local policy

	policy=$(trace_policy reuse.trace)
	require_reuse "$policy"
	into "$BATS_TEST_TMPDIR/out" mems_dump "$DATA/reuse.trace"
	run diff -u "$(reuse_report "$policy")" "$BATS_TEST_TMPDIR/out"
	assert_success
}

@test "the classic demo's trace replays to its golden reports per policy" {
	local policy

	for policy in $(compared_policies); do
		require_golden "$policy"
		run diff -u <(golden_reports "$policy") \
			<(mems_dump --policy "$policy" "$DATA/classic.trace")
		assert_success
	done
}

@test "an address of the trace follows its block to the replayed address" {
	require_reuse next-fit
	run mems_dump --policy next-fit "$DATA/reuse.trace"
	assert_success
	assert_output "$(<"$(reuse_report next-fit)")"
}

@test "the registry's policies but the references are those compared" {
	# Those of the default-policy choice, in its order: the registry
	# lists them in the same one.
	assert_equal "$(compared_policies)" "$(choice_policies)"
	run mems_dump --policy all "$DATA/reuse.trace"
	assert_success
	assert_equal "$(sed -n 's/^# policy: //p' <<<"$output")" \
		"$(compared_policies)"
}

@test "--policy all replays each policy after a '# policy:' line" {
	local policy expected=$BATS_TEST_TMPDIR/expected

	for policy in $(compared_policies); do
		require_reuse "$policy"
		echo "# policy: $policy"
		cat "$(reuse_report "$policy")"
	done >"$expected"
	into "$BATS_TEST_TMPDIR/out" mems_dump --policy all "$DATA/reuse.trace"
	run diff -u "$expected" "$BATS_TEST_TMPDIR/out"
	assert_success
}

@test "--at dumps after the given steps too, each after a '# step' line" {
	run mems_dump --at 2,12 --at 2 "$DATA/reuse.trace"
	assert_success
	run grep '^#' <<<"$output"
	assert_output "# step 2
# step 5
# step 12
# step 15"
	run mems_dump --at 2 "$DATA/reuse.trace"
	assert_equal "$(head -n 8 <<<"$output")" "# step 2
----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> P[1000:1999] <-> H[2000:5095] <-> NULL
Pages used:	1
Space unused:	3096
Main Chain Length:	1
Sub-chain Length array: [2, ]
-----------------------------"
}

@test "--every N dumps after every Nth step, finish included" {
	run mems_dump --every 8 "$DATA/reuse.trace"
	assert_success
	run grep '^#' <<<"$output"
	assert_output "# step 5
# step 8
# step 12
# step 15
# step 16"
	run mems_dump --every 8 "$DATA/reuse.trace"
	assert_equal "$(tail -n 6 <<<"$output")" "$EMPTY_REPORT"
}

@test "a trace that does not end in finish gets its final state dumped, and a note" {
	run --separate-stderr mems_dump "$DATA/huge.trace"
	assert_success
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> P[1000:1099] <-> P[1100:1299] <-> H[1300:5095] <-> NULL
Pages used:	1
Space unused:	3796
Main Chain Length:	1
Sub-chain Length array: [3, ]
-----------------------------"
	assert_equal "$stderr" "$(early_note "$DATA/huge.trace")"
}

@test "a trace ends early only when its last init has no finish after it" {
	local file=$BATS_TEST_TMPDIR/t.trace

	# Calls after mems_finish() do not reopen MeMS; a malloc does, with
	# its init line.
	printf 'mems-trace 1 mems\ninit best-fit 4096 1000 1\nfinish\nfree 1000 -> EINVAL\nstats\n' >"$file"
	run --separate-stderr mems_dump "$file"
	assert_success
	assert_equal "$stderr" ""
	printf 'init best-fit 4096 1000 1\nmalloc 10 -> 1000\n' >>"$file"
	run --separate-stderr mems_dump "$file"
	assert_success
	assert_equal "$stderr" "$(early_note "$file")"
}

@test "a C library trace without its exit line ends early" {
	local file=$BATS_TEST_TMPDIR/t.trace

	printf 'mems-trace 1 libc\nmalloc 16 -> 0x1000\n' >"$file"
	run --separate-stderr mems_dump --page-size 4096 "$file"
	assert_success
	assert_line 'MAIN[1000:5095]-> P[1000:1015] <-> H[1016:5095] <-> NULL'
	assert_equal "$stderr" "mems-dump: $file: the trace ends without the program's exit: the program stopped early"
}

@test "requests of 2^63 bytes and more fail and the replay goes on" {
	run --separate-stderr mems_dump --check --page-size 1 \
		"$DATA/huge.trace"
	assert_success
	assert_equal "$stderr" "$(early_note "$DATA/huge.trace")"
	assert_line 'MAIN[1000:1099]-> P[1000:1099] <-> NULL'
	assert_line 'MAIN[1100:1299]-> P[1100:1299] <-> NULL'
}

@test "a C library trace replays malloc, calloc, realloc, memalign, free" {
	# 16, 32 and 64 bytes (the realloc frees the 16), 100 that do not fit
	# the 16-byte hole, a free merging 32 into it, 10 bytes freed again by
	# realloc(p, 0), failures, and 8 bytes whose address lies in the
	# 64-byte block: that block was freed unseen, so it is freed first.
	# That and the free of a pointer never allocated are told, status 3.
	run --separate-stderr mems_dump --page-size 4096 "$DATA/libc.trace"
	assert_failure 3
	assert_equal "$stderr" "$(libc_trace_notes)"
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> P[1000:1007] <-> H[1008:1111] <-> P[1112:1211] <-> H[1212:5095] <-> NULL
Pages used:	1
Space unused:	3988
Main Chain Length:	1
Sub-chain Length array: [4, ]
-----------------------------"
}

@test "a MeMS trace replays calloc, realloc in place, and trimming" {
	run --separate-stderr mems_dump "$DATA/resize.trace"
	assert_success
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> P[1000:1049] <-> H[1050:1099] <-> P[1100:1399] <-> H[1400:5095] <-> NULL
MAIN[13288:17383]-> P[13288:17287] <-> H[17288:17383] <-> NULL
Pages used:	2
Space unused:	3842
Main Chain Length:	2
Sub-chain Length array: [4, 2, ]
-----------------------------"
}

@test "--trim-threshold overrides the init line's" {
	# Never trimmed, the second node takes the 4000 bytes.
	run mems_dump --trim-threshold -1 "$DATA/resize.trace"
	assert_success
	assert_line "MAIN[5096:13287]-> P[5096:9095] <-> H[9096:13287] <-> NULL"
	run mems_dump --trim-threshold x "$DATA/resize.trace"
	assert_failure 2
	assert_output "mems-dump: --trim-threshold: not a number: 'x'
Try 'mems-dump --help' for more information."
}

# 16 bytes at 1000, 32 at 1016, the 16 freed, the 32 grown to 64 into
# the hole after it; then failures and a free of what was never seen.
@test "a glibc mtrace log replays, realloc pairs grown in place" {
	run --separate-stderr mems_dump --page-size 4096 "$DATA/mtrace.log"
	assert_failure 3
	assert_equal "$stderr" "$(mtrace_log_notes)"
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> H[1000:1015] <-> P[1016:1079] <-> H[1080:5095] <-> NULL
Pages used:	1
Space unused:	4032
Main Chain Length:	1
Sub-chain Length array: [3, ]
-----------------------------"
}

# The same with the realloc as a new block of 64, which does not fit the
# 16-byte hole, and the 32 freed, merging into it.
@test "--realloc-moves replays realloc as a new block and a free" {
	run --separate-stderr mems_dump --page-size 4096 --realloc-moves \
		"$DATA/mtrace.log"
	assert_failure 3
	assert_equal "$stderr" "$(mtrace_log_notes)"
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> H[1000:1047] <-> P[1048:1111] <-> H[1112:5095] <-> NULL
Pages used:	1
Space unused:	4032
Main Chain Length:	1
Sub-chain Length array: [3, ]
-----------------------------"
}

# data/unreproduced.trace: its first malloc is recorded at an address
# that MeMS never gives on its layout; the replay's block is at 1000,
# where the trace recorded nothing, so a get there gives ok, not EINVAL.
# A failure recorded where the replay has room, a trim recorded as done
# where the replay has no empty node, an invalid free at 1010 that the
# replay's own block makes valid, a block recorded where the replay has
# no room, and the get and free of it where the replay has no block.
unreproduced_notes() {
	local line

	while read -r line; do
		echo "mems-dump: $DATA/unreproduced.trace:$line"
	done <<-'EOF'
	5: not reproduced: the trace recorded 18446744073709551000, the replay gave 1000
	6: not reproduced: the trace recorded EINVAL, the replay gave ok
	8: not reproduced: the trace recorded ENOMEM, the replay gave 1010
	9: not reproduced: the trace recorded 1, the replay gave 0
	12: not reproduced: the trace recorded EINVAL, the replay gave ok
	13: not reproduced: the trace recorded 20000, the replay gave ENOMEM
	14: not reproduced: the trace recorded ok, the replay has no block there
	15: not reproduced: the trace recorded ok, the replay has no block there
	EOF
	# It has no finish line: the replay also says so, after the rest.
	early_note "$DATA/unreproduced.trace"
}

@test "a recorded result the replay does not give is told, and the replay goes on" {
	run --separate-stderr mems_dump "$DATA/unreproduced.trace"
	assert_failure 3
	assert_equal "$stderr" "$(unreproduced_notes)"
	# The free at 1010 emptied the node: what MeMS did, not the trace.
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> H[1000:5095] <-> NULL
Pages used:	1
Space unused:	4096
Main Chain Length:	1
Sub-chain Length array: [1, ]
-----------------------------"
}

@test "results are compared on the trace's own layout only, and told once" {
	local option

	# Another policy places otherwise: nothing to compare.
	run --separate-stderr mems_dump --policy best-fit \
		"$DATA/unreproduced.trace"
	assert_success
	assert_equal "$stderr" "$(early_note "$DATA/unreproduced.trace")"
	run --separate-stderr mems_dump --realloc-moves \
		"$DATA/unreproduced.trace"
	assert_success
	assert_equal "$stderr" "$(early_note "$DATA/unreproduced.trace")"
	# Every policy in turn: the trace's own tells, the others do not.
	for option in "--policy all" --compare "--compare --format html"; do
		# shellcheck disable=SC2086
		run --separate-stderr mems_dump $option \
			-o "$BATS_TEST_TMPDIR/out" "$DATA/unreproduced.trace"
		assert_failure 3
		assert_equal "$stderr" "$(unreproduced_notes)"
	done
}

@test "a malloclab .rep file replays its ids" {
	run mems_dump --page-size 4096 --policy best-fit "$DATA/policies.rep"
	assert_success
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> P[1000:2799] <-> H[2800:3099] <-> P[3100:3999] <-> H[4000:5095] <-> NULL
Pages used:	1
Space unused:	1396
Main Chain Length:	1
Sub-chain Length array: [4, ]
-----------------------------"
}

@test "--check finds the heap and the figures right after every step" {
	local trace

	for trace in reuse.trace classic.trace huge.trace resize.trace \
		     policies.rep; do
		run --separate-stderr mems_dump --check --policy all \
			--stats "$BATS_TEST_TMPDIR/s.csv" "$DATA/$trace"
		assert_success
		if [ "$trace" = huge.trace ] || [ "$trace" = resize.trace ]; then
			assert_equal "$stderr" "$(early_note "$DATA/$trace")"
		else
			assert_equal "$stderr" ""
		fi
	done
	# Told once, as the traces are read, whatever the policies.
	run --separate-stderr mems_dump --check --policy all \
		--stats "$BATS_TEST_TMPDIR/s.csv" "$DATA/libc.trace"
	assert_failure 3
	assert_equal "$stderr" "$(libc_trace_notes)"
	run --separate-stderr mems_dump --check --policy all \
		--stats "$BATS_TEST_TMPDIR/s.csv" "$DATA/mtrace.log"
	assert_failure 3
	assert_equal "$stderr" "$(mtrace_log_notes)"
}

@test "--format json writes an object for one dump, an array for several" {
	local policy steps expected=

	require_python3
	into "$BATS_TEST_TMPDIR/one.json" mems_dump --format json \
		"$DATA/huge.trace"
	run python3 -m json.tool "$BATS_TEST_TMPDIR/one.json"
	assert_success
	run python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["policy"], d["step"], d["trigger"], d["pages_used"],
      d["space_unused"], d["main_chain_length"], d["sub_chain_lengths"],
      [(s["type"], s["vstart"], s["vend"], s["size"])
       for s in d["nodes"][0]["segments"]])' "$BATS_TEST_TMPDIR/one.json"
	# Replayed on the policy its init line recorded.
	policy=$(trace_policy huge.trace)
	assert_output "$policy 6 final 1 3796 1 [3] [('process', 1000, 1099, 100), ('process', 1100, 1299, 200), ('hole', 1300, 5095, 3796)]"
	into "$BATS_TEST_TMPDIR/all.json" mems_dump --format json \
		--policy all --every 4 "$DATA/reuse.trace"
	run python3 -m json.tool "$BATS_TEST_TMPDIR/all.json"
	assert_success
	run python3 -c 'import json, sys
for d in json.load(open(sys.argv[1])):
    print(d["policy"], d["step"], d["trigger"])' "$BATS_TEST_TMPDIR/all.json"
	# Per policy, whichever it is, the same six dumps: steps 4, 8, 12
	# and 16 (finish) of --every 4, and the trace's stats at steps 5,
	# 12 and 15; at step 12 the report's dump is the only one.
	steps='4 every
5 stats
8 every
12 stats
15 stats
16 every'
	for policy in $(compared_policies); do
		expected+=$(sed "s/^/$policy /" <<<"$steps")$'\n'
	done
	assert_equal "${#lines[@]}" $((6 * $(compared_policies | wc -l)))
	assert_output "${expected%$'\n'}"
}

@test "--format dot writes one digraph with a cluster per dump" {
	into "$BATS_TEST_TMPDIR/g.dot" mems_dump --format dot --at 3 \
		"$DATA/reuse.trace"
	run grep -c '^	subgraph cluster_[0-9]* {$' "$BATS_TEST_TMPDIR/g.dot"
	assert_output 4
	run grep -c '^digraph ' "$BATS_TEST_TMPDIR/g.dot"
	assert_output 1
	assert_equal "$(head -n 1 "$BATS_TEST_TMPDIR/g.dot")" "digraph mems {"
	assert_equal "$(tail -n 1 "$BATS_TEST_TMPDIR/g.dot")" "}"
	assert_equal "$(tr -cd '{' <"$BATS_TEST_TMPDIR/g.dot" | wc -c)" \
		"$(tr -cd '}' <"$BATS_TEST_TMPDIR/g.dot" | wc -c)"
	if command -v dot >/dev/null; then
		run dot -Tsvg -o "$BATS_TEST_TMPDIR/g.svg" "$BATS_TEST_TMPDIR/g.dot"
		assert_success
	fi
}

@test "--format svg writes one well-formed SVG document" {
	into "$BATS_TEST_TMPDIR/list.svg" mems_dump --format svg \
		--policy all "$DATA/reuse.trace"
	assert_xml "$BATS_TEST_TMPDIR/list.svg"
	run grep -c '<svg' "$BATS_TEST_TMPDIR/list.svg"
	assert_output 1
}

@test "--stats writes a header and one row per step" {
	run mems_dump --stats "$BATS_TEST_TMPDIR/steps.csv" "$DATA/reuse.trace"
	assert_success
	run cat "$BATS_TEST_TMPDIR/steps.csv"
	assert_equal "${#lines[@]}" 17
	assert_line --index 0 \
		"step,live_bytes,mapped_bytes,holes,largest_hole,main_chain_length"
	assert_line --index 1 "1,0,0,0,0,0"
	assert_line --index 4 "4,8000,12288,2,3192,2"
	assert_line --index 16 "16,0,0,0,0,0"
}

@test "--plot writes a well-formed SVG figure" {
	run mems_dump --plot "$BATS_TEST_TMPDIR/plot.svg" "$DATA/classic.trace"
	assert_success
	assert_xml "$BATS_TEST_TMPDIR/plot.svg"
}

@test "--compare prints a table of every policy but the references" {
	local policy row expected=
	local rows=$EXPECTED/compare-policies.rep.txt

	require_expected compare-policies.rep.txt "--compare rows"
	run mems_dump --compare --page-size 4096 "$DATA/policies.rep"
	assert_success
	assert_line --index 0 "# $DATA/policies.rep: malloclab .rep, 10 steps, trim threshold -1 (emptied nodes stay mapped)"
	assert_line --index 1 --regexp \
		'^policy +mmap +munmap +peak-pages +utilization +holes +largest-hole +time-ms$'
	# The expected rows, all columns but time-ms, are those of
	# data/expected/compare-policies.rep.txt, one per policy:
	# Best-fit puts the 1800 bytes in the 2000-byte hole; the others
	# find no hole and map a second node (each also maps one slab).
	# Worst-fit carves the 900 bytes from that hole, the largest, as
	# first-fit does from the lowest: the rest, 1100 bytes, is then the
	# largest hole, too small.  At the peak, 2 pages, the holes are
	# 1100, 1000, 896 and the new node's 2296 bytes: 2296 of 5292 is
	# 43.4%; the most ever live, 3200 bytes, is 39.1% of 8192.
	for policy in $(compared_policies); do
		row=$(awk -v p="$policy" '$1 == p' "$rows")
		[ -n "$row" ] ||
			fail "no expected --compare row for the policy '$policy' in $rows"
		expected+=$row$'\n'
	done
	assert_equal "$(awk 'NR > 2 && !NF { exit }
			     NR > 2 { $NF = ""; sub(/ $/, ""); print }' \
		<<<"$output")" "${expected%$'\n'}"
	assert_line --index 2 --regexp ' [0-9]+\.[0-9]{3}$'
}

@test "--compare of several traces prints two titled tables each" {
	local kept="trim threshold -1 (emptied nodes stay mapped)"

	run mems_dump --compare "$DATA/policies.rep" "$DATA/classic.trace"
	assert_success
	run grep '^#' <<<"$output"
	assert_output "# $DATA/policies.rep: malloclab .rep, 10 steps, $kept
# $DATA/policies.rep: fragmentation, time in steps, $kept
# $DATA/classic.trace: mems-trace 1 mems, 19 steps, $kept
# $DATA/classic.trace: fragmentation, time in steps, $kept"
}

# stats_measures STATS [REP] - the peaks and the four fragmentation
# measures of one replay, worked out from its --stats rows alone:
# "PEAK_LIVE PEAK_MAPPED FRAG1 FRAG2 FRAG3 FRAG4", the ratios as %.6f.
# Time is counted in steps, or with REP, the .rep trace replayed, in the
# bytes each step asks (its a and r lines; its header is 4 lines).  A
# peak's moment is the first step that reaches it.
stats_measures() {
	awk -F, -v rep="${2-}" '
	BEGIN {
		while (rep != "" && (getline line < rep) > 0) {
			if (++n <= 4)
				continue
			split(line, f, " ")
			bytes[n - 4] = f[1] == "a" || f[1] == "r" ? f[3] : 0
		}
	}
	NR == 1 { next }
	{
		ticks = rep != "" ? bytes[$1] : 1
		mapped_time += ticks * $3
		live_time += ticks * $2
		if ($2 > peak_live) { peak_live = $2; mapped_then = $3 }
		if ($3 > peak_mapped) { peak_mapped = $3; live_then = $2 }
	}
	END {
		printf "%.0f %.0f %.6f %.6f %.6f %.6f\n", peak_live,
			peak_mapped, mapped_time / live_time,
			mapped_then / peak_live, peak_mapped / live_then,
			peak_mapped / peak_live
	}' "$1"
}

# csv_columns CSV COLUMN... - the named columns of each row of a
# --compare --format csv table, space-separated, a line per row.
csv_columns() {
	local csv=$1

	shift
	awk -F, -v want="$*" '
	NR == 1 {
		for (i = 1; i <= NF; i++)
			index_of[$i] = i
		n = split(want, names, " ")
		next
	}
	{
		line = ""
		for (i = 1; i <= n; i++)
			line = line (i > 1 ? " " : "") $index_of[names[i]]
		print line
	}' "$csv"
}

MEASURES="peak_live_bytes peak_mapped_bytes frag1_mean frag2_at_peak_live \
frag3_at_peak_mapped frag4_peaks"

# assert_measures_of_stats TIME TRACE... - mems-dump --compare --format csv
# --time TIME --page-size 16384 of the TRACEs gives, for each trace and
# policy, the peaks and measures that stats_measures works out from the
# --stats rows of that policy's replay.
assert_measures_of_stats() {
	local time=$1 csv=$BATS_TEST_TMPDIR/compare.csv
	local trace policy rep expected=

	shift
	run mems_dump --compare --format csv --time "$time" \
		--page-size 16384 -o "$csv" "$@"
	assert_success
	for trace in "$@"; do
		rep=
		[ "$time" = bytes ] && rep=$trace
		for policy in $(compared_policies); do
			mems_dump --policy "$policy" --page-size 16384 \
				--stats "$BATS_TEST_TMPDIR/$policy.csv" \
				"$trace" >/dev/null
			expected+="$trace $policy 16384 $time "
			expected+=$(stats_measures \
				"$BATS_TEST_TMPDIR/$policy.csv" $rep)$'\n'
		done
	done
	run csv_columns "$csv" trace policy page_size time $MEASURES
	assert_output "${expected%$'\n'}"
}

@test "--compare --format csv: the measures, as worked out from --stats" {
	# 16384-byte pages, not the host's: a figure counted in the host's
	# pages would differ.
	assert_measures_of_stats steps "$DATA/policies.rep" \
		"$DATA/classic.trace" "$MEMS_SRC/tools/bench/traces/random.rep"
}

@test "--compare --time bytes: measure 1 over the bytes allocated" {
	assert_measures_of_stats bytes "$DATA/policies.rep" \
		"$MEMS_SRC/tools/bench/traces/realloc.rep"
}

@test "--compare --format csv: the measures of policies.rep, by hand" {
	local csv=$BATS_TEST_TMPDIR/compare.csv policy expected=

	# In 16384-byte pages every policy holds the whole trace in its
	# first page, mapped at the first step (2000 bytes live).  The
	# live bytes after each step are 2000, 2100, 3100, 3200, 1200,
	# 200, 1100, 2900, 2800 and 2700: 21300 in all, a peak of 3200.
	# (1) 10 * 16384 / 21300; (2) and (4) 16384 / 3200; (3) 16384 /
	# 2000.  In bytes: the steps ask 2000, 100, 1000, 100, 0, 0, 900,
	# 1800, 0, 0 bytes, 5900 in all; (1) is then 16384 * 5900 over
	# the live bytes weighted so, 13840000: 6.984509.
	for policy in $(compared_policies); do
		expected+="$policy 16384 3200 16384 7.692019 5.120000 8.192000 5.120000"$'\n'
	done
	mems_dump --compare --format csv --page-size 16384 -o "$csv" \
		"$DATA/policies.rep"
	run csv_columns "$csv" policy page_size $MEASURES
	assert_output "${expected%$'\n'}"
	mems_dump --compare --format csv --page-size 16384 --time bytes \
		-o "$csv" "$DATA/policies.rep"
	run csv_columns "$csv" bytes_allocated frag1_mean
	assert_output "$(for policy in $(compared_policies); do
		echo "5900 6.984509"
	done)"
}

@test "--compare --format csv|json: one table, a row per trace and policy" {
	local traces=("$DATA/policies.rep" "$DATA/classic.trace" -)
	local csv=$BATS_TEST_TMPDIR/compare.csv json=$BATS_TEST_TMPDIR/compare.json
	local trace policy expected=

	require_python3
	mems_dump --compare --format csv -o "$csv" "${traces[@]}" \
		<"$DATA/reuse.trace"
	for trace in "${traces[@]}"; do
		[ "$trace" = - ] && trace="standard input"
		for policy in $(compared_policies); do
			expected+="$trace,$policy"$'\n'
		done
	done
	run cut -d, -f1,4 "$csv"
	assert_output "trace,policy
${expected%$'\n'}"
	mems_dump --compare --format json -o "$json" "${traces[@]}" \
		<"$DATA/reuse.trace"
	run python3 -m json.tool "$json"
	assert_success
	# The same rows as the CSV, each field of the same value, but for
	# the time it took.
	run python3 -c '
import csv, json, sys
rows = json.load(open(sys.argv[2]))
table = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == len(table), (len(rows), len(table))
for row, line in zip(rows, table):
    assert list(row) == list(line), (list(row), list(line))
    for key, value in line.items():
        if key != "time_ms":
            assert str(row[key]) == value or float(row[key]) == float(value), \
                (key, row[key], value)
print(len(rows))' "$csv" "$json"
	assert_success
	assert_output "$((3 * $(compared_policies | wc -l)))"
}

@test "--compare --format csv quotes a trace name with a comma or a quote" {
	local trace=$BATS_TEST_TMPDIR/'a,"b".rep'

	require_python3
	cp "$DATA/policies.rep" "$trace"
	run --separate-stderr mems_dump --compare --format csv "$trace"
	assert_success
	# RFC 4180: the field in quotes, each quote in it doubled.
	assert_line --index 1 --partial \
		"\"$BATS_TEST_TMPDIR/a,\"\"b\"\".rep\",malloclab .rep,10,"
	run python3 -c '
import csv, sys
print(set(row["trace"] for row in csv.DictReader(sys.stdin)))' <<<"$output"
	assert_output "{'$trace'}"
}

@test "--compare says the trim threshold in the title of every table" {
	local csv=$BATS_TEST_TMPDIR/compare.csv

	run mems_dump --compare --trim-threshold 0 "$DATA/policies.rep"
	assert_success
	run grep '^#' <<<"$output"
	assert_output "# $DATA/policies.rep: malloclab .rep, 10 steps, trim threshold 0
# $DATA/policies.rep: fragmentation, time in steps, trim threshold 0"
	mems_dump --compare --format csv --trim-threshold 8192 -o "$csv" \
		"$DATA/policies.rep"
	run csv_columns "$csv" trim_threshold
	assert_output "$(for policy in $(compared_policies); do
		echo 8192
	done)"
}

@test "--format csv and --time are for --compare only" {
	run --separate-stderr mems_dump --format csv "$DATA/policies.rep"
	assert_usage_error "mems-dump: --format csv is for the --compare table"
	run --separate-stderr mems_dump --time bytes "$DATA/policies.rep"
	assert_usage_error "mems-dump: --time is for the --compare table"
	run --separate-stderr mems_dump --compare --time seconds \
		"$DATA/policies.rep"
	assert_usage_error "mems-dump: --time: 'seconds' is neither steps nor bytes"
}

@test "-o writes the dumps to a file" {
	local policy

	policy=$(trace_policy reuse.trace)
	require_reuse "$policy"
	run mems_dump -o "$BATS_TEST_TMPDIR/out" "$DATA/reuse.trace"
	assert_success
	assert_output ""
	run diff -u "$(reuse_report "$policy")" "$BATS_TEST_TMPDIR/out"
	assert_success
}

@test "several traces are each introduced by a '# trace:' line" {
	run --separate-stderr mems_dump "$DATA/huge.trace" "$DATA/reuse.trace"
	assert_success
	assert_line --index 0 "# trace: $DATA/huge.trace"
	assert_line --index 8 "# trace: $DATA/reuse.trace"
}

@test "--help prints the usage and exits 0" {
	run --separate-stderr mems_dump --help
	assert_success
	assert_line --index 0 "Usage: mems-dump [OPTIONS] TRACE..."
	assert_line --partial "--compare"
	assert_equal "$stderr" ""
}

@test "--version prints the version" {
	run mems_dump --version
	assert_success
	assert_output --regexp '^mems-dump \(MeMS\) [0-9]+\.[0-9]+\.[0-9]+$'
}

# assert_usage_error LINE - the last run said LINE, then where the usage
# is, on stderr alone, and exited 2.
assert_usage_error() {
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "$1
Try 'mems-dump --help' for more information."
}

@test "bad options exit 2 with the problem and the pointer to --help" {
	run --separate-stderr mems_dump --frobnicate "$DATA/reuse.trace"
	assert_usage_error "mems-dump: unrecognized option '--frobnicate'"
	# A linear reference: defconfig does not build them.
	run --separate-stderr mems_dump --policy first-fit-linear \
		"$DATA/reuse.trace"
	assert_usage_error \
		"mems-dump: --policy: no policy 'first-fit-linear' is built in"
	run --separate-stderr mems_dump --compare --format svg \
		"$DATA/reuse.trace"
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 2
	run --separate-stderr mems_dump
	assert_usage_error "mems-dump: no trace given"
}

@test "a trace that cannot be opened is one error line" {
	run --separate-stderr mems_dump "$BATS_TEST_TMPDIR/none.trace"
	assert_failure 1
	assert_equal "$stderr" \
		"mems-dump: $BATS_TEST_TMPDIR/none.trace:0: cannot open: No such file or directory"
}

@test "error: an empty file" {
	assert_bad_trace empty.trace 1 "empty file: the first line is missing"
}

@test "error: a last line without its newline" {
	assert_bad_trace no-final-newline.trace 3 \
		"truncated file: the last line has no newline"
}

@test "error: a file that is no trace" {
	assert_bad_trace not-a-trace.txt 1 \
		"not a trace: the first line is not 'mems-trace 1 mems|libc', '= Start' or a .rep header"
}

@test "error: another version of the format" {
	assert_bad_trace version.trace 1 "unsupported trace version '2'"
}

@test "error: an unknown kind of trace" {
	assert_bad_trace kind.trace 1 "unknown trace kind 'jemalloc'"
}

@test "error: an unknown event" {
	assert_bad_trace unknown-event.trace 3 "unknown event 'memalign'"
}

@test "error: fields not separated by single spaces" {
	assert_bad_trace double-space.trace 3 \
		"fields must be separated by single spaces"
}

@test "error: a field that is not a number" {
	assert_bad_trace not-a-number.trace 3 "not a number: 'ten'"
}

@test "error: a negative number" {
	assert_bad_trace negative.trace 3 "not a number: '-5'"
}

@test "error: a number too large for its field" {
	assert_bad_trace too-big.trace 3 \
		"number out of range: '18446744073709551616'"
}

@test "error: a realloc refused where a block starts" {
	assert_bad_trace realloc-einval-live.trace 4 \
		"realloc of 1000 recorded as EINVAL, but a block starts there"
}

@test "error: a realloc done where no block starts" {
	assert_bad_trace realloc-no-block.trace 4 \
		"realloc of 1005 recorded as done, but no block starts there"
}

@test "error: a trim whose result is neither 0 nor 1" {
	assert_bad_trace trim-result.trace 3 \
		"malformed line: expected 'trim KEEP -> 0|1'"
}

@test "error: a negative trim threshold on the init line" {
	assert_bad_trace init-trim.trace 2 "not a number: '-5'"
}

@test "error: a line without its result" {
	assert_bad_trace missing-result.trace 3 \
		"malformed line: expected 'malloc SIZE -> ADDR'"
}

@test "error: an allocation before any init line" {
	assert_bad_trace no-init.trace 2 \
		"malloc with no init line before it: MeMS records its initialisation first"
}

@test "error: an allocation after finish, with no init line again" {
	# A request of nothing, and a realloc refused, initialise nothing.
	assert_bad_trace after-finish.trace 9 \
		"calloc with no init line before it: MeMS records its initialisation first"
}

@test "error: a NUL byte" {
	assert_bad_trace nul-byte.trace 2 "NUL byte in the line"
}

@test "error: an alignment that is not a power of two" {
	assert_bad_trace align.trace 2 "alignment 3 is not a power of two"
}

@test "error: a policy that is not built in" {
	local file=$BATS_TEST_TMPDIR/policy.trace

	# A linear reference: defconfig does not build them.  The trace also
	# ends early, which an error leaves unsaid.
	printf 'mems-trace 1 mems\ninit first-fit-linear 4096 1000 1\n' >"$file"
	assert_bad_file "$file" 2 \
		"policy 'first-fit-linear' is not built in (choose one with --policy)"
}

@test "error: a valid free of an address where no block starts" {
	assert_bad_trace free-not-a-block.trace 4 \
		"free of 1005 recorded as ok, but no block starts there"
}

@test "error: a block returned inside a live block" {
	assert_bad_trace overlap.trace 4 "malloc returned 1005, inside a live block"
}

@test "error: a libc free without its pointer" {
	assert_bad_trace libc-free.trace 2 "malformed line: expected 'free PTR'"
}

@test "error: a libc call after the program's exit" {
	assert_bad_trace after-exit.trace 4 "'free' after the program's exit"
}

@test "error: a .rep free of an id never allocated" {
	assert_bad_trace never-allocated.rep 6 \
		"free of id 1, which was never allocated"
}

@test "error: a .rep free of an id already freed" {
	assert_bad_trace double-free.rep 7 "free of id 0, which is already freed"
}

@test "error: a .rep realloc of an id never allocated" {
	assert_bad_trace realloc-free.rep 6 \
		"realloc of id 1, which was never allocated"
}

@test "error: a .rep id out of the header's range" {
	assert_bad_trace id-range.rep 5 "id 5 out of range: the header says 2 ids"
}

@test "error: a .rep header that miscounts the operations" {
	assert_bad_trace op-count.rep 3 \
		"the header says 5 operations, the file has 2"
}

@test "error: a .rep header cut short" {
	assert_bad_trace header.rep 2 "truncated .rep header: it has 4 lines"
}

@test "error: an unknown .rep operation" {
	assert_bad_trace op.rep 5 "unknown event 'm'"
}

@test "error: an mtrace '<' without its '>'" {
	assert_bad_trace lone-realloc.log 3 \
		"expected '>' after the '<' of line 2"
}

@test "error: an unknown mtrace operation" {
	assert_bad_trace mtrace-op.log 2 "unknown event '*'"
}

@test "mems-dump builds warning-free with clang too" {
	local dir=$BATS_FILE_TMPDIR/clang

	command -v clang >/dev/null || skip "clang is not installed"
	# defconfig, make CC=clang CFLAGS=-Werror.
	mems_tree clang "$dir"
	assert [ -x "$dir/tools/mems-dump" ]
}

@test "a gzip-compressed trace replays as the plain one, whatever its name" {
	local gz=$BATS_TEST_TMPDIR/libc

	run --separate-stderr mems_dump "$DATA/libc.trace"
	assert_failure 3
	local out=$output
	gzip -c "$DATA/libc.trace" >"$gz"
	run --separate-stderr mems_dump "$gz"
	assert_failure 3
	assert_output "$out"
	# The lines told are those of the decompressed text.
	assert_equal "$stderr" "$(libc_trace_notes | sed "s|$DATA/libc.trace|$gz|")"
	# One gzip member after another, as gzip reads them.
	{ head -c 40 "$DATA/reuse.trace" | gzip -c
	  tail -c +41 "$DATA/reuse.trace" | gzip -c; } >"$gz"
	run --separate-stderr mems_dump "$gz"
	assert_success
	assert_equal "$stderr" ""
	assert_output "$(<"$(reuse_report "$(trace_policy reuse.trace)")")"
}

@test "a gzip stream cut short is a read error on the line it stops in" {
	local gz=$BATS_TEST_TMPDIR/cut.gz

	{ echo 'mems-trace 1 libc'
	  for ((i = 0; i < 20000; i++)); do echo 'free 0'; done
	} | gzip -c | head -c 200 >"$gz"
	run --separate-stderr mems_dump "$gz"
	assert_failure 1
	assert_output ""
	assert_regex "$stderr" "^mems-dump: $gz:[0-9]+: read error: truncated gzip data\$"
	# The line it names is the first that did not come whole, of all
	# that zlib can decompress (gzip(1) itself stops a little earlier).
	require_python3
	local line=${stderr#"mems-dump: $gz:"}
	line=${line%%:*}
	run python3 -c 'import sys, zlib
data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(
	open(sys.argv[1], "rb").read())
print(data.count(b"\n") + 1)' "$gz"
	assert_output "$line"
}

@test "'-' reads standard input, plain or gzip-compressed, named so in messages" {
	local policy

	policy=$(trace_policy reuse.trace)
	require_reuse "$policy"
	run --separate-stderr mems_dump - <"$DATA/reuse.trace"
	assert_success
	assert_output "$(<"$(reuse_report "$policy")")"
	run --separate-stderr bash -c \
		"gzip -c '$DATA/reuse.trace' | '$BATS_FILE_TMPDIR/build/tools/mems-dump' -"
	assert_success
	assert_equal "$stderr" ""
	assert_output "$(<"$(reuse_report "$policy")")"
	# Among other traces, after a '# trace:' line of its own.
	run --separate-stderr mems_dump "$DATA/huge.trace" - <"$DATA/reuse.trace"
	assert_success
	assert_line --index 8 "# trace: standard input"
	run --separate-stderr mems_dump - <"$DATA/bad/not-a-number.trace"
	assert_failure 1
	assert_equal "$stderr" "mems-dump: standard input:3: not a number: 'ten'"
	run --separate-stderr mems_dump - "$DATA/reuse.trace" - </dev/null
	assert_usage_error \
		"mems-dump: '-' (standard input) can be read only once"
}

# assert_not_text FILE WHAT - mems-dump rejects FILE, which is no text,
# with the one line saying what it looks like.
assert_not_text() {
	assert_bad_file "$1" 1 "not a trace: looks like $2"
}

@test "a file that is no text is one line saying what it looks like" {
	local f=$BATS_TEST_TMPDIR/f

	# Field 1, a varint 150: protobuf's own first example.
	printf '\x08\x96\x01' >"$f"
	assert_not_text "$f" "protobuf data"
	printf '\x08\x96\x01' | gzip -c >"$f"
	assert_not_text "$f" "protobuf data, gzip-compressed"
	printf '\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46' >"$f"
	assert_not_text "$f" "xz-compressed data"
	printf 'BZh91AY&SY' >"$f"
	assert_not_text "$f" "bzip2-compressed data"
	printf '\x28\xb5\x2f\xfd\x04\x58' >"$f"
	assert_not_text "$f" "zstd-compressed data"
	assert_not_text "$BATS_FILE_TMPDIR/build/tools/mems-dump" "an ELF file"
	printf '\x01\x02\x07\x7f\nmems-trace 1 libc\n' >"$f"
	assert_not_text "$f" "binary data"
	run --separate-stderr mems_dump - < <(printf '\x08\x96\x01')
	assert_failure 1
	assert_equal "$stderr" \
		"mems-dump: standard input:1: not a trace: looks like protobuf data"
}

@test "--stats with --every N writes the rows of every Nth step and of the last" {
	local all=$BATS_TEST_TMPDIR/all.csv some=$BATS_TEST_TMPDIR/some.csv

	run mems_dump --stats "$all" "$DATA/reuse.trace"
	assert_success
	# 16 steps: the rows of steps 3, 6, 9, 12, 15, and 16, the last.
	run mems_dump --every 3 --stats "$some" -o /dev/null "$DATA/reuse.trace"
	assert_success
	assert_output ""
	run cat "$some"
	assert_equal "${#lines[@]}" 7
	assert_output "$(sed -n '1p; 4p; 7p; 10p; 13p; 16p; 17p' "$all")"
	# A last step that is an Nth one is written once.
	run mems_dump --every 4 --stats "$some" -o /dev/null "$DATA/reuse.trace"
	assert_success
	run cat "$some"
	assert_output "$(sed -n '1p; 5p; 9p; 13p; 17p' "$all")"
	# The dumps are those of --every alone.
	run mems_dump --every 3 "$DATA/reuse.trace"
	local dumps=$output
	run mems_dump --every 3 --stats "$some" "$DATA/reuse.trace"
	assert_output "$dumps"
}

@test "--format html --check: the state the page holds is a walk's at every step" {
	local trace=$BATS_TEST_TMPDIR/c.rep policy

	churn_rep 7 3000 300 >"$trace"
	for policy in $(compared_policies); do
		run mems_dump --check --policy "$policy" --format html \
			-o /dev/null "$trace"
		assert_success
		# Emptied nodes unmapped: the chain changes in the middle.
		run mems_dump --check --policy "$policy" --trim-threshold 0 \
			--format html -o /dev/null "$trace"
		assert_success
	done
	# Keyframes come after steps, whole states: one at least here.
	run mems_dump --format html "$trace"
	assert_line --regexp '^=[0-9]+/'
}

@test "the html page grows as the trace does: twice the steps, twice the bytes" {
	local n=20000 one two

	churn_rep 3 "$n" 400 >"$BATS_TEST_TMPDIR/one.rep"
	churn_rep 3 "$((2 * n))" 400 >"$BATS_TEST_TMPDIR/two.rep"
	mems_dump --format html -o "$BATS_TEST_TMPDIR/one.html" \
		"$BATS_TEST_TMPDIR/one.rep"
	mems_dump --format html -o "$BATS_TEST_TMPDIR/two.html" \
		"$BATS_TEST_TMPDIR/two.rep"
	one=$(stat -c %s "$BATS_TEST_TMPDIR/one.html")
	two=$(stat -c %s "$BATS_TEST_TMPDIR/two.html")
	echo "# $one bytes for $n steps, $two for $((2 * n))" >&3
	# Between 1.8 and 2.2 times: a page of states would be 4 times.
	[ $((10 * two)) -ge $((18 * one)) ] && [ $((10 * two)) -le $((22 * one)) ] ||
		fail "$one bytes for $n steps, $two for $((2 * n))"
	# And a few times the trace, not more.
	[ "$two" -le $((4 * $(stat -c %s "$BATS_TEST_TMPDIR/two.rep"))) ] ||
		fail "$two bytes of page for a trace of $(stat -c %s "$BATS_TEST_TMPDIR/two.rep")"
}
