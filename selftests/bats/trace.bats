#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# trace.bats - recording traces: MEMS_TRACE and mems-trace.
#
# A MeMS program run with MEMS_TRACE must write exactly the lines
# Documentation/trace-format.rst gives for its calls, worked out here
# from the contract, and behave as it does untraced.  mems-trace must
# leave the program it runs unchanged (output, exit status), record each
# process it starts in a trace of its own, and write lines that all
# parse.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	local build=$BATS_FILE_TMPDIR/build

	# A copy: a test installs from it.
	mems_tree_copy defconfig "$build"

	# The calls the trace of the first test is worked out from.
	cat >"$BATS_FILE_TMPDIR/prog.c" <<-'EOF'
	#include <errno.h>
	#include <stdint.h>
	#include <mems.h>

	int main(void)
	{
		char *a, *b;

		mems_init();
		a = mems_malloc(1000);
		b = mems_malloc(3000);
		mems_free(a + 1);
		printf("bad free: errno %d\n", errno);
		errno = 0;
		mems_free(a);
		mems_get(b + 10);
		printf("good calls: errno %d\n", errno);
		mems_get(a);
		mems_malloc(0);
		mems_free(NULL);
		printf("huge: %p\n", mems_malloc(SIZE_MAX));
		mems_print_stats();
		mems_finish();
		return 0;
	}
	EOF

	# calls OP... - one course call per argument, for the tests of when
	# the file is chosen, flushed and left alone; poke:N writes through
	# the MeMS address N, the course's mistake, and abort aborts.
	cat >"$BATS_FILE_TMPDIR/calls.c" <<-'EOF'
	#include <stdlib.h>
	#include <string.h>
	#include <sys/wait.h>
	#include <unistd.h>
	#include <mems.h>

	int main(int argc, char **argv)
	{
		int i;

		for (i = 1; i < argc; i++) {
			char *op = argv[i], *arg = strchr(op, ':');
			unsigned long n = arg ? strtoul(arg + 1, NULL, 10) : 0;

			if (!strcmp(op, "init")) {
				mems_init();
			} else if (!strcmp(op, "finish")) {
				mems_finish();
			} else if (!strncmp(op, "malloc:", 7)) {
				mems_malloc(n);
			} else if (!strncmp(op, "free:", 5)) {
				mems_free((void *)n);
			} else if (!strncmp(op, "poke:", 5)) {
				*(volatile char *)n = 1;
			} else if (!strcmp(op, "abort")) {
				abort();
			} else if (!strncmp(op, "trace:", 6)) {
				setenv("MEMS_TRACE", arg + 1, 1);
			} else if (!strcmp(op, "untrace")) {
				unsetenv("MEMS_TRACE");
			} else if (!strcmp(op, "fork")) {
				/* The child calls MeMS too, then exits. */
				if (!fork()) {
					mems_malloc(7);
					mems_malloc(7);
					exit(0);
				}
				wait(NULL);
			} else {
				fprintf(stderr, "calls: unknown %s\n", op);
				return 2;
			}
		}
		return 0;
	}
	EOF

	# A C library program that allocates in a forked child, and in an
	# exec'd copy of itself that reports what it inherited.
	cat >"$BATS_FILE_TMPDIR/libc-prog.c" <<-'EOF'
	#include <stdio.h>
	#include <stdlib.h>
	#include <sys/wait.h>
	#include <unistd.h>

	static void *volatile sink;

	int main(int argc, char **argv)
	{
		const char *preload = getenv("LD_PRELOAD");
		const char *fd = getenv("MEMS_TRACE_FD");
		pid_t pid;

		if (argc > 1 && argv[1][0] == 'x') {
			sink = malloc(54321);
			printf("exec'd: LD_PRELOAD=%s MEMS_TRACE_FD=%s\n",
			       preload ? preload : "(unset)",
			       fd ? fd : "(unset)");
			return 0;
		}
		sink = malloc(11111);
		fflush(stdout);
		pid = fork();
		if (!pid) {
			sink = malloc(12345);
			execl("/proc/self/exe", argv[0], "x", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
		free(sink);
		sink = calloc(3, 33333);
		if (argc > 1 && argv[1][0] == 'q')
			_exit(5);
		return 4;
	}
	EOF

	# A C library program that dies after three calls: of abort() with
	# argument a, else of a fault.  It prints its two blocks' addresses
	# (with write(2): stdout's buffer would be a fourth call).
	cat >"$BATS_FILE_TMPDIR/libc-crash.c" <<-'EOF'
	#include <stdio.h>
	#include <stdlib.h>
	#include <unistd.h>

	int main(int argc, char **argv)
	{
		char *a = malloc(100), *b = malloc(200);
		char line[64];
		int len;

		free(b);
		len = snprintf(line, sizeof(line), "%p %p\n", (void *)a,
			       (void *)b);
		if (write(STDOUT_FILENO, line, len) != len)
			return 2;
		if (argc > 1 && argv[1][0] == 'a')
			abort();
		*(volatile char *)a = *(volatile char *)16;
		return 0;
	}
	EOF

	cc -o "$BATS_FILE_TMPDIR/prog" -I"$MEMS_SRC/include" \
		"$BATS_FILE_TMPDIR/prog.c" "$build/lib/libmems.a"
	cc -o "$BATS_FILE_TMPDIR/calls" -I"$MEMS_SRC/include" \
		"$BATS_FILE_TMPDIR/calls.c" "$build/lib/libmems.a"
	cc -O0 -o "$BATS_FILE_TMPDIR/libc-prog" "$BATS_FILE_TMPDIR/libc-prog.c"
	cc -O0 -o "$BATS_FILE_TMPDIR/libc-crash" "$BATS_FILE_TMPDIR/libc-crash.c"
	# Without the static C library this stays missing; its test skips.
	echo 'int main(void) { return 0; }' >"$BATS_FILE_TMPDIR/static.c"
	cc -static -o "$BATS_FILE_TMPDIR/static" "$BATS_FILE_TMPDIR/static.c" \
		2>/dev/null || true
}

setup() {
	unset MEMS_TRACE MEMS_TRACE_FD MEMS_TRACE_PRELOAD
	BUILD=$BATS_FILE_TMPDIR/build
	MEMS_TRACE_TOOL=$BUILD/tools/mems-trace
	# A directory of its own: bats keeps files in BATS_TEST_TMPDIR, and
	# tests check that nothing else appears.
	mkdir "$BATS_TEST_TMPDIR/cwd" && cd "$BATS_TEST_TMPDIR/cwd" || return
}

# expected_prog_trace - what prog.c's calls must record under defconfig:
# blocks from the low end of one node at 1000, a free of an interior
# address refused, mems_get of a freed block refused.
expected_prog_trace() {
	cat <<-EOF
	mems-trace 1 mems
	init first-fit $(getconf PAGESIZE) 1000 1
	malloc 1000 -> 1000
	malloc 3000 -> 2000
	free 1001 -> EINVAL
	free 1000 -> ok
	get 2010 -> ok
	get 1000 -> EINVAL
	malloc 0 -> 0
	free 0 -> ok
	malloc 18446744073709551615 -> 0 ENOMEM
	stats
	finish
	EOF
}

# assert_file FILE - FILE holds, byte for byte, the text on stdin.
assert_file() {
	run diff -u - "$1"
	assert_success
}

# assert_libc_trace FILE - FILE is a complete "mems-trace 1 libc" trace:
# the first line, then events whose every field has the documented form,
# and last the exit line of a program that exited.
assert_libc_trace() {
	local file=$1

	run head -n 1 "$file"
	assert_output "mems-trace 1 libc"
	assert_equal "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" '\n'
	run awk '
		function dec(i) { return $i ~ /^[0-9]+$/ }
		function ptr(i) { return $i ~ /^0x[0-9a-f]+$/ }
		function gives(n) { return NF == n && $(n - 1) == "->" && ptr(n) }
		NR == 1 { next }
		exited { print FILENAME ":" NR ": after exit: " $0; next }
		$1 == "malloc" && gives(4) && dec(2) { next }
		$1 == "calloc" && gives(5) && dec(2) && dec(3) { next }
		$1 == "realloc" && gives(5) && ptr(2) && dec(3) { next }
		$1 == "memalign" && gives(5) && dec(2) && dec(3) { next }
		$1 == "free" && NF == 2 && ptr(2) { next }
		$1 == "exit" && NF == 2 && dec(2) { exited = 1; next }
		{ print FILENAME ":" NR ": " $0 }
		END { if (!exited) print FILENAME ": no exit line" }' "$file"
	assert_output ""
}

@test "a program run with MEMS_TRACE writes exactly the trace of its calls" {
	run --separate-stderr env MEMS_TRACE=t "$BATS_FILE_TMPDIR/prog"
	assert_success
	expected_prog_trace | assert_file t
}

@test "MEMS_TRACE changes neither the program's output nor its errno" {
	run --separate-stderr "$BATS_FILE_TMPDIR/prog"
	assert_success
	local out=$output err=$stderr

	assert_line "bad free: errno 22"
	assert_line "good calls: errno 0"
	run --separate-stderr env MEMS_TRACE=t "$BATS_FILE_TMPDIR/prog"
	assert_success
	assert_equal "$output" "$out"
	assert_equal "$stderr" "$err"
	assert_equal "$stderr" \
		"mems_free: invalid address 1001 (inside the block P[1000:1999], which starts at 1000)"
}

@test "without MEMS_TRACE, or with it empty, nothing is written" {
	run "$BATS_FILE_TMPDIR/prog"
	assert_success
	run env MEMS_TRACE= "$BATS_FILE_TMPDIR/prog"
	assert_success
	run ls -A
	assert_output ""
}

@test "a MEMS_TRACE file that cannot be opened is one line on stderr, and the program runs untraced" {
	run --separate-stderr "$BATS_FILE_TMPDIR/prog"
	local out=$output

	run --separate-stderr env MEMS_TRACE=missing/t "$BATS_FILE_TMPDIR/prog"
	assert_success
	assert_equal "$output" "$out"
	assert_equal "$stderr" "$(cat <<-'EOF'
	mems_init: cannot open MEMS_TRACE file 'missing/t': No such file or directory
	mems_free: invalid address 1001 (inside the block P[1000:1999], which starts at 1000)
	EOF
	)"
	run ls -A
	assert_output ""
}

@test "a file that stops taking writes ends the trace silently" {
	run --separate-stderr "$BATS_FILE_TMPDIR/prog"
	local out=$output err=$stderr

	run --separate-stderr env MEMS_TRACE=/dev/full "$BATS_FILE_TMPDIR/prog"
	assert_success
	assert_equal "$output" "$out"
	assert_equal "$stderr" "$err"
}

@test "a trace that outgrows the file size limit ends at its last whole line" {
	local calls=(init) i

	for ((i = 1; i <= 200; i++)); do
		calls+=("malloc:$i")
	done
	# Past the limit a write raises SIGXFSZ, which must not kill.
	run --separate-stderr bash -c 'ulimit -f 1 && exec "$@"' - \
		env MEMS_TRACE=t "$BATS_FILE_TMPDIR/calls" "${calls[@]}" finish
	assert_success
	assert_equal "$stderr" ""
	run stat -c %s t
	assert [ "$output" -le 1024 ]
	assert [ "$output" -gt 900 ]
	assert_equal "$(tail -c 1 t | od -An -c | tr -d ' ')" '\n'
	run head -n 3 t
	assert_output "$(cat <<-EOF
	mems-trace 1 mems
	init first-fit $(getconf PAGESIZE) 1000 1
	malloc 1 -> 1000
	EOF
	)"
}

@test "a trace whose reader went away does not kill the program" {
	command -v python3 >/dev/null || skip "no python3 to close a pipe's read end"
	# A pipe whose read end is closed before the program starts.
	run --separate-stderr python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
env = dict(os.environ, MEMS_TRACE="/dev/fd/%d" % w)
sys.exit(subprocess.call(sys.argv[1:], pass_fds=[w], env=env))
' "$BATS_FILE_TMPDIR/calls" init malloc:1 finish malloc:2
	assert_success
	assert_equal "$stderr" ""
}

@test "the initialisation mems_malloc makes by itself is traced, and the trace is written at exit" {
	run --separate-stderr env MEMS_TRACE=t "$BATS_FILE_TMPDIR/calls" \
		malloc:100 malloc:50
	assert_success
	assert_equal "$stderr" ""
	assert_file t <<-EOF
	mems-trace 1 mems
	init first-fit $(getconf PAGESIZE) 1000 1
	malloc 100 -> 1000
	malloc 50 -> 1100
	EOF
}

@test "a program that dies of a fault keeps the trace of its calls up to the fault" {
	run --separate-stderr env MEMS_TRACE=t "$BATS_FILE_TMPDIR/calls" \
		init malloc:100 malloc:3000 free:1000 poke:1104 malloc:5
	assert_equal "$status" 139
	assert_equal "$stderr" "mems: segmentation fault at MeMS virtual address 1104, inside P[1100:4099]; translate it with mems_get() first"
	assert_file t <<-EOF
	mems-trace 1 mems
	init first-fit $(getconf PAGESIZE) 1000 1
	malloc 100 -> 1000
	malloc 3000 -> 1100
	free 1000 -> ok
	EOF
	# The replay shows the heap the program died with, and says so.
	local page
	page=$(getconf PAGESIZE)
	run --separate-stderr "$BUILD/tools/mems-dump" t
	assert_success
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:$((999 + page))]-> H[1000:1099] <-> P[1100:4099] <-> H[4100:$((999 + page))] <-> NULL
Pages used:	1
Space unused:	$((page - 3000))
Main Chain Length:	1
Sub-chain Length array: [3, ]
-----------------------------"
	assert_equal "$stderr" \
		"mems-dump: t: the trace ends without mems_finish(): the program stopped early"
}

@test "a program that aborts keeps its trace and still dies of SIGABRT" {
	run --separate-stderr env MEMS_TRACE=t "$BATS_FILE_TMPDIR/calls" \
		malloc:8 abort malloc:9
	assert_equal "$status" 134
	assert_equal "$stderr" ""
	assert_file t <<-EOF
	mems-trace 1 mems
	init first-fit $(getconf PAGESIZE) 1000 1
	malloc 8 -> 1000
	EOF
}

@test "calls before the first mems_init are not traced, calls after mems_finish are" {
	run --separate-stderr env MEMS_TRACE=t "$BATS_FILE_TMPDIR/calls" \
		free:5 malloc:0 init finish free:1000 malloc:10 finish
	assert_success
	assert_file t <<-EOF
	mems-trace 1 mems
	init first-fit $(getconf PAGESIZE) 1000 1
	finish
	free 1000 -> EINVAL
	init first-fit $(getconf PAGESIZE) 1000 1
	malloc 10 -> 1000
	finish
	EOF
}

@test "each mems_init reads MEMS_TRACE again: same path appends, another switches, none stops" {
	local page
	page=$(getconf PAGESIZE)

	run --separate-stderr "$BATS_FILE_TMPDIR/calls" trace:a init malloc:1 \
		init malloc:2 trace:b init malloc:3 untrace init malloc:4 \
		trace:c init malloc:5
	assert_success
	assert_equal "$stderr" ""
	assert_file a <<-EOF
	mems-trace 1 mems
	init first-fit $page 1000 1
	malloc 1 -> 1000
	init first-fit $page 1000 1
	malloc 2 -> 1000
	EOF
	assert_file b <<-EOF
	mems-trace 1 mems
	init first-fit $page 1000 1
	malloc 3 -> 1000
	EOF
	assert_file c <<-EOF
	mems-trace 1 mems
	init first-fit $page 1000 1
	malloc 5 -> 1000
	EOF
}

@test "MEMS_POLICY shows in the init line" {
	run env MEMS_TRACE=t MEMS_POLICY=next-fit "$BATS_FILE_TMPDIR/calls" \
		init malloc:8
	assert_success
	assert_file t <<-EOF
	mems-trace 1 mems
	init next-fit $(getconf PAGESIZE) 1000 1
	malloc 8 -> 1000
	EOF
}

@test "a forked child's calls stay out of its parent's trace" {
	run --separate-stderr env MEMS_TRACE=t "$BATS_FILE_TMPDIR/calls" \
		init malloc:1 fork malloc:2 finish
	assert_success
	assert_file t <<-EOF
	mems-trace 1 mems
	init first-fit $(getconf PAGESIZE) 1000 1
	malloc 1 -> 1000
	malloc 2 -> 1001
	finish
	EOF
}

@test "with CONFIG_MEMS_TRACE off the library has no trace code and ignores MEMS_TRACE" {
	local dir=$BATS_FILE_TMPDIR/notrace

	# defconfig without MEMS_TRACE.
	mems_tree notrace "$dir"
	run nm "$dir/lib/libmems.a"
	refute_output --partial trace_select
	cc -o notrace -I"$MEMS_SRC/include" "$BATS_FILE_TMPDIR/prog.c" \
		"$dir/lib/libmems.a"
	run env MEMS_TRACE=t ./notrace
	assert_success
	assert [ ! -e t ]
}

@test "mems-trace leaves ls -la / as it was and records its calls" {
	# The link count of /proc follows the number of processes, and the
	# link count and time of /tmp the directories that other tests, run
	# beside this one, make and remove there.
	local moving=' (proc|tmp)$'

	run --separate-stderr ls -la /
	assert_success
	local out=$output err=$stderr

	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- ls -la /
	assert_success
	assert_equal "$(grep -Ev "$moving" <<<"$output")" \
		"$(grep -Ev "$moving" <<<"$out")"
	assert_equal "$stderr" "$err"
	run head -n 1 t
	assert_output "mems-trace 1 libc"
	run grep -c '^malloc ' t
	assert [ "$output" -gt 0 ]
	assert_libc_trace t
}

@test "sort, python3 and gcc --version print the same traced, in traces that parse" {
	local python out err cmd
	local -a cmds=("sort input")

	# A python3 on PATH may be a wrapper script that execs the real one.
	python=$(command -v python3) || true
	[ -x /usr/bin/python3 ] && python=/usr/bin/python3
	[ -n "$python" ] && cmds+=("$python -c print(sum(range(1000)))")
	command -v gcc >/dev/null && cmds+=("gcc --version")
	seq 1 3000 | shuf --random-source=<(yes) >input
	for cmd in "${cmds[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr $cmd
		assert_success
		out=$output err=$stderr
		# shellcheck disable=SC2086
		run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- $cmd
		assert_success
		assert_equal "$output" "$out"
		assert_equal "$stderr" "$err"
		assert_libc_trace t
		run grep -c -E '^(malloc|calloc|realloc) ' t
		assert [ "$output" -gt 0 ]
	done
}

@test "mems-trace keeps FILE for the process it starts, up to its end" {
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- \
		"$BATS_FILE_TMPDIR/libc-prog"
	assert_failure 4
	# The program it executes keeps the library, but not the descriptor.
	assert_output "exec'd: LD_PRELOAD=$BUILD/tools/trace/libmems-trace.so MEMS_TRACE_FD=(unset)"
	assert_libc_trace t
	run grep -E '^(malloc|calloc) [0-9 ]+->' t
	assert_line --regexp '^malloc 11111 -> 0x'
	assert_line --regexp '^calloc 3 33333 -> 0x'
	refute_line --regexp '^malloc (12345|54321) '
}

@test "mems-trace writes the trace of a program that ends with _exit" {
	run "$MEMS_TRACE_TOOL" -o t -- "$BATS_FILE_TMPDIR/libc-prog" q
	assert_failure 5
	assert_libc_trace t
	run tail -n 2 t
	assert_line --index 0 --regexp '^calloc 3 33333 -> 0x'
	assert_line --index 1 'exit 5'
}

# assert_libc_crash_trace FILE - FILE holds libc-crash's calls, of the
# addresses it printed (in $output).
assert_libc_crash_trace() {
	local a b

	read -r a b <<<"$output"
	assert_file "$1" <<-EOF
	mems-trace 1 libc
	malloc 100 -> $a
	malloc 200 -> $b
	free $b
	EOF
}

@test "mems-trace keeps the calls of a program that dies of a fault" {
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- \
		"$BATS_FILE_TMPDIR/libc-crash"
	assert_equal "$status" 139
	assert_libc_crash_trace t
	# The 100 bytes stay, the 200 were freed; no exit line: a note.
	run --separate-stderr "$BUILD/tools/mems-dump" --page-size 4096 t
	assert_success
	assert_output "----- MeMS SYSTEM STATS -----
MAIN[1000:5095]-> P[1000:1099] <-> H[1100:5095] <-> NULL
Pages used:	1
Space unused:	3996
Main Chain Length:	1
Sub-chain Length array: [2, ]
-----------------------------"
	assert_equal "$stderr" \
		"mems-dump: t: the trace ends without the program's exit: the program stopped early"
}

@test "mems-trace keeps the calls of a program that aborts" {
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- \
		"$BATS_FILE_TMPDIR/libc-crash" a
	assert_equal "$status" 134
	assert_libc_crash_trace t
}

@test "mems-trace passes the program's exit status on, and 128+N for signal N" {
	run "$MEMS_TRACE_TOOL" -o t -- sh -c 'exit 3'
	assert_failure 3
	assert_libc_trace t
	run tail -n 1 t
	assert_output 'exit 3'
	run "$MEMS_TRACE_TOOL" -o t -- sh -c 'kill -TERM $$'
	assert_failure 143
	run grep -c '^exit' t
	assert_output 0
	run "$MEMS_TRACE_TOOL" -o t -- true
	assert_success
	assert_libc_trace t
}

@test "mems-trace writes mems-trace.out by default" {
	run "$MEMS_TRACE_TOOL" -- true
	assert_success
	assert_libc_trace mems-trace.out
}

@test "mems-trace --help prints the usage and exits 0" {
	run --separate-stderr "$MEMS_TRACE_TOOL" --help
	assert_success
	assert_line --index 0 "Usage: mems-trace [-o FILE] -- PROGRAM [ARGS...]"
	assert_equal "$stderr" ""
}

# assert_usage_error LINE - the last run said LINE, then where the usage
# is, on stderr alone, and exited 2.
assert_usage_error() {
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "$1
Try 'mems-trace --help' for more information."
}

@test "mems-trace without a program, or with a bad option, says so on stderr and exits 2" {
	run --separate-stderr "$MEMS_TRACE_TOOL"
	assert_usage_error "mems-trace: no program to run"
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t --
	assert_usage_error "mems-trace: no program to run"
	run --separate-stderr "$MEMS_TRACE_TOOL" --bogus -- true
	assert_usage_error "mems-trace: unrecognized option '--bogus'"
	run --separate-stderr "$MEMS_TRACE_TOOL" -o
	assert_usage_error "mems-trace: option requires an argument -- 'o'"
}

@test "mems-trace reports a program it cannot run with 127 or 126" {
	run -127 --separate-stderr "$MEMS_TRACE_TOOL" -o t -- ./no-such-program
	assert_equal "$stderr" \
		"mems-trace: cannot run './no-such-program': No such file or directory"
	touch not-executable
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- ./not-executable
	assert_failure 126
}

@test "mems-trace reports an output file it cannot open with 125" {
	run --separate-stderr "$MEMS_TRACE_TOOL" -o missing/t -- true
	assert_failure 125
	assert_equal "$stderr" \
		"mems-trace: cannot open 'missing/t': No such file or directory"
}

@test "mems-trace says so when a statically linked program records nothing" {
	local prog=$BATS_FILE_TMPDIR/static

	[ -x "$prog" ] || skip "cc -static does not link here"
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- "$prog"
	assert_success
	assert_equal "$stderr" \
		"mems-trace: nothing recorded: libmems-trace.so did not run in '$prog' (is it statically linked?)"
	assert [ ! -s t ]
}

@test "the installed mems-trace finds the installed libmems-trace.so" {
	local root=$BATS_TEST_TMPDIR/root

	mems_make "$BUILD" install PREFIX=/usr DESTDIR="$root" >/dev/null
	assert [ -f "$root/usr/lib/mems/libmems-trace.so" ]
	run "$root/usr/bin/mems-trace" -o t -- ls /
	assert_success
	assert_libc_trace t
	mems_make "$BUILD" uninstall PREFIX=/usr DESTDIR="$root" >/dev/null
	run find "$root" ! -type d
	assert_output ""
}

# follow_prog - build ./follow: it allocates, forks a child that
# allocates and executes ./follow x, which allocates, frees and exits 7;
# then it frees and exits 0.  Each process image says its pid and block
# with write(2) (stdout's buffer would be a call of its own); with an
# argument y the child's exec fails first, and the child goes on.
follow_prog() {
	cat >follow.c <<-'EOF'
	#include <stdio.h>
	#include <stdlib.h>
	#include <sys/wait.h>
	#include <unistd.h>

	static void *volatile sink;

	static void say(const char *what, const void *ptr)
	{
		char line[64];
		int len = snprintf(line, sizeof(line), "%s %d %p\n", what,
				   (int)getpid(), ptr);

		if (write(STDOUT_FILENO, line, len) != len)
			_exit(2);
	}

	int main(int argc, char **argv)
	{
		pid_t pid;
		int status;

		if (argc > 1 && argv[1][0] == 'x') {
			sink = malloc(3333);
			say("exec'd", sink);
			free(sink);
			return 7;
		}
		sink = malloc(1111);
		say("parent", sink);
		pid = fork();
		if (!pid) {
			sink = malloc(2222);
			say("child", sink);
			if (argc > 1)
				execl("./no-such-program", "x", (char *)NULL);
			sink = malloc(4444);
			say("child", sink);
			execl("/proc/self/exe", argv[0], "x", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		free(sink);
		return WEXITSTATUS(status) == 7 ? 0 : 1;
	}
	EOF
	cc -o follow follow.c
}

# said WHO - the pid, then the address, that the line of WHO (parent,
# child, exec'd) of the last run's output gave, the Nth with WHO N.
said() {
	awk -v who="$1" -v nth="${2:-1}" \
		'$1 == who && ++seen == nth { print $2, $3 }' <<<"$output"
}

@test "mems-trace records every process in a trace of its own, and lists them" {
	local top child a b c d

	follow_prog
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- ./follow
	assert_success
	read -r top a <<<"$(said parent)"
	read -r child b <<<"$(said child)"
	read -r child c <<<"$(said child 2)"
	read -r child d <<<"$(said "exec'd")"
	run ls
	assert_output "follow
follow.c
t
t.$child
t.$child.2"
	assert_file t <<-EOF
	mems-trace 1 libc
	malloc 1111 -> $a
	free $a
	exit 0
	EOF
	assert_file "t.$child" <<-EOF
	mems-trace 1 libc
	# pid $child program $PWD/follow
	malloc 2222 -> $b
	malloc 4444 -> $c
	exec
	EOF
	assert_file "t.$child.2" <<-EOF
	mems-trace 1 libc
	# pid $child program $PWD/follow
	malloc 3333 -> $d
	free $d
	exit 7
	EOF
	# The pids' widths may differ: the column takes the wider.
	local w=${#child}
	((${#top} > w)) && w=${#top}
	assert_equal "$stderr" "$(printf '%s\n' \
		'mems-trace: 3 traces of 2 processes:' \
		"$(printf '%-*s  %*s  STEPS  END     PROGRAM' \
			$((${#child} + 4)) TRACE "$w" PID)" \
		"$(printf '%-*s  %*s  %5s  %-6s  %s' $((w + 4)) t "$w" "$top" \
			2 'exit 0' ./follow)" \
		"$(printf '%-*s  %*s  %5s  %-6s  %s' $((w + 4)) "t.$child" \
			"$w" "$child" 2 exec "$PWD/follow")" \
		"$(printf '%-*s  %*s  %5s  %-6s  %s' $((w + 4)) \
			"t.$child.2" "$w" "$child" 2 'exit 7' "$PWD/follow")")"
}

@test "each trace of a run replays whole, in the steps the list gives" {
	local f steps

	follow_prog
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- ./follow
	assert_success
	local list=$stderr
	# No trace ends early: each ends in exit or exec.
	run --separate-stderr "$BUILD/tools/mems-dump" t t.*
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(grep -c '^# trace: ' <<<"$output")" 3
	for f in t t.*; do
		"$BUILD/tools/mems-dump" --stats s.csv -o /dev/null "$f"
		steps=$(awk -v f="$f" '$1 == f { print $3 }' <<<"$list")
		assert_equal "$(($(wc -l <s.csv) - 1))" "$steps"
	done
}

@test "a program that a launcher executes is recorded after the launcher" {
	local pid

	follow_prog
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- sh -c 'exec ./follow x'
	assert_failure 7
	read -r pid _ <<<"$(said "exec'd")"
	run ls
	assert_output "follow
follow.c
t
t.$pid"
	run tail -n 1 t
	assert_output exec
	run sed -n 2p "t.$pid"
	assert_output "# pid $pid program $PWD/follow"
	run tail -n 1 "t.$pid"
	assert_output "exit 7"
	assert_equal "$(sed -n 4p <<<"$stderr")" \
		"$(printf '%-*s  %s  %5s  %-6s  %s' $((${#pid} + 2)) "t.$pid" \
			"$pid" 2 'exit 7' "$PWD/follow")"
}

@test "an exec that fails is taken back from the trace, which goes on" {
	local child b c

	follow_prog
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- ./follow y
	assert_success
	read -r child b <<<"$(said child)"
	read -r child c <<<"$(said child 2)"
	assert_file "t.$child" <<-EOF
	mems-trace 1 libc
	# pid $child program $PWD/follow
	malloc 2222 -> $b
	malloc 4444 -> $c
	exec
	EOF
}

@test "the traces an earlier run left under the same name are removed first" {
	follow_prog
	touch t.1 t.2.5 t.x t.1.y t.1.2.3 u.1
	run "$MEMS_TRACE_TOOL" -o t -- true
	assert_success
	run ls
	assert_output "follow
follow.c
t
t.1.2.3
t.1.y
t.x
u.1"
}
