#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# trace.bats - recording traces: MEMS_TRACE and mems-trace.
#
# A MeMS program run with MEMS_TRACE must write exactly the lines
# Documentation/trace-format.rst gives for its calls, worked out here
# from the contract, and behave as it does untraced.  mems-trace must
# leave the program it runs unchanged (output, exit status), record only
# that process, and write lines that all parse.

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
	# the file is chosen, flushed and left alone.
	cat >"$BATS_FILE_TMPDIR/calls.c" <<-'EOF'
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

	cc -o "$BATS_FILE_TMPDIR/prog" -I"$MEMS_SRC/include" \
		"$BATS_FILE_TMPDIR/prog.c" "$build/lib/libmems.a"
	cc -o "$BATS_FILE_TMPDIR/calls" -I"$MEMS_SRC/include" \
		"$BATS_FILE_TMPDIR/calls.c" "$build/lib/libmems.a"
	cc -O0 -o "$BATS_FILE_TMPDIR/libc-prog" "$BATS_FILE_TMPDIR/libc-prog.c"
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
# the first line, then events whose every field has the documented form.
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
		$1 == "malloc" && gives(4) && dec(2) { next }
		$1 == "calloc" && gives(5) && dec(2) && dec(3) { next }
		$1 == "realloc" && gives(5) && ptr(2) && dec(3) { next }
		$1 == "memalign" && gives(5) && dec(2) && dec(3) { next }
		$1 == "free" && NF == 2 && ptr(2) { next }
		{ print FILENAME ":" NR ": " $0 }' "$file"
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
		"mems_free: invalid address 1001 (not the start of an allocated block)"
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
	mems_free: invalid address 1001 (not the start of an allocated block)
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
	# The link count of /proc follows the number of processes.
	run --separate-stderr ls -la /
	assert_success
	local out=$output err=$stderr

	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- ls -la /
	assert_success
	assert_equal "$(grep -v ' proc$' <<<"$output")" \
		"$(grep -v ' proc$' <<<"$out")"
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

@test "mems-trace records only the process it starts, up to its end" {
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t -- \
		"$BATS_FILE_TMPDIR/libc-prog"
	assert_failure 4
	assert_output "exec'd: LD_PRELOAD=(unset) MEMS_TRACE_FD=(unset)"
	assert_equal "$stderr" ""
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
	run tail -n 1 t
	assert_output --regexp '^calloc 3 33333 -> 0x'
}

@test "mems-trace passes the program's exit status on, and 128+N for signal N" {
	run "$MEMS_TRACE_TOOL" -o t -- sh -c 'exit 3'
	assert_failure 3
	assert_libc_trace t
	run "$MEMS_TRACE_TOOL" -o t -- sh -c 'kill -TERM $$'
	assert_failure 143
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

@test "mems-trace without a program, or with a bad option, prints the usage on stderr and exits 2" {
	run --separate-stderr "$MEMS_TRACE_TOOL"
	assert_failure 2
	assert_output ""
	assert_equal "$(head -n 1 <<<"$stderr")" \
		"Usage: mems-trace [-o FILE] -- PROGRAM [ARGS...]"
	run --separate-stderr "$MEMS_TRACE_TOOL" -o t --
	assert_failure 2
	run --separate-stderr "$MEMS_TRACE_TOOL" --bogus -- true
	assert_failure 2
	assert_equal "$(head -n 1 <<<"$stderr")" \
		"mems-trace: unknown option '--bogus'"
	run --separate-stderr "$MEMS_TRACE_TOOL" -o
	assert_failure 2
	assert_equal "$(head -n 1 <<<"$stderr")" \
		"mems-trace: option -o needs a FILE"
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
