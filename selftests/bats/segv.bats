#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# segv.bats - the hint for a write through a MeMS virtual address.
#
# Programs that fault, built against a default build and against one
# without CONFIG_MEMS_SEGV_HINT: what they write on stderr and how they
# end (a shell reports death by SIGSEGV as status 139).

bats_require_minimum_version 1.5.0
load test_helper

# prog NAME BUILD - NAME.c of the test directory built against BUILD.
prog() {
	cc -I"$MEMS_SRC/include" -o "$BATS_FILE_TMPDIR/$1-$(basename "$2")" \
		"$BATS_FILE_TMPDIR/$1.c" "$2/lib/libmems.a" -pthread
}

setup_file() {
	local hintless=$BATS_FILE_TMPDIR/hintless

	mems_tree defconfig "$BATS_FILE_TMPDIR/build"
	# defconfig without MEMS_SEGV_HINT.
	mems_tree hintless "$hintless"

	# The course's mistake: the MeMS address used as a pointer.
	cat >"$BATS_FILE_TMPDIR/virtual.c" <<'PROG'
#include <mems.h>

int main(void)
{
	int *ptr = mems_malloc(10 * sizeof(int));

	ptr[1] = 5;
	return 0;
}
PROG
	# The program's own handler, for a fault elsewhere or at MeMS.
	cat >"$BATS_FILE_TMPDIR/own.c" <<'PROG'
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <mems.h>

static void on_segv(int sig)
{
	(void)sig;
	write(2, "own handler\n", 12);
	_exit(3);
}

int main(int argc, char **argv)
{
	volatile int *p = (int *)16;

	signal(SIGSEGV, on_segv);
	mems_init();
	if (argc > 1 && !strcmp(argv[1], "mems"))
		p = mems_malloc(40);
	p[1] = 1;
	return 0;
}
PROG
	# A stack overflow, with a handler the program installed without a
	# stack of its own: MeMS' handler, on its stack, passes the fault on.
	cat >"$BATS_FILE_TMPDIR/overflow.c" <<'PROG'
#include <signal.h>
#include <unistd.h>
#include <mems.h>

static void on_segv(int sig)
{
	(void)sig;
	write(2, "own handler\n", 12);
	_exit(3);
}

static int deep(volatile char *up)
{
	volatile char frame[4096];

	frame[0] = up ? up[0] + 1 : 0;
	return deep(frame) + frame[1];
}

int main(void)
{
	signal(SIGSEGV, on_segv);
	mems_init();
	return deep(0);
}
PROG
	# A SIGSEGV no fault raised: it names no address, and kills.
	cat >"$BATS_FILE_TMPDIR/sent.c" <<'PROG'
#include <signal.h>
#include <mems.h>

int main(void)
{
	mems_malloc(40);
	raise(SIGSEGV);
	return 7;
}
PROG
	local name build
	for build in "$BATS_FILE_TMPDIR/build" "$hintless"; do
		for name in virtual own overflow sent; do
			prog "$name" "$build"
		done
	done
}

@test "a write through a MeMS virtual address names it, then dies of SIGSEGV" {
	run --separate-stderr "$BATS_FILE_TMPDIR/virtual-build"
	assert_equal "$status" 139
	assert_output ""
	assert_equal "$stderr" "mems: segmentation fault at MeMS virtual address 1004, inside P[1000:1039]; translate it with mems_get() first"
}

@test "without CONFIG_MEMS_SEGV_HINT the same fault is bare" {
	run --separate-stderr "$BATS_FILE_TMPDIR/virtual-hintless"
	assert_equal "$status" 139
	assert_equal "$stderr" ""
}

@test "the program's own SIGSEGV handler still gets other faults" {
	run --separate-stderr "$BATS_FILE_TMPDIR/own-build"
	assert_equal "$status" 3
	assert_equal "$stderr" "own handler"
}

@test "a fault at a MeMS address gets the hint, then the program's handler" {
	run --separate-stderr "$BATS_FILE_TMPDIR/own-build" mems
	assert_equal "$status" 3
	assert_equal "$stderr" "mems: segmentation fault at MeMS virtual address 1004, inside P[1000:1039]; translate it with mems_get() first
own handler"
}

@test "a SIGSEGV sent with raise() gets no hint and still kills" {
	run --separate-stderr "$BATS_FILE_TMPDIR/sent-build"
	assert_equal "$status" 139
	assert_equal "$stderr" ""
}

# Without MeMS' stack the kernel cannot run any handler on an overflowed
# stack, and kills the process: the hintless build shows it.
@test "a stack overflow reaches the program's handler through MeMS' stack" {
	run --separate-stderr "$BATS_FILE_TMPDIR/overflow-build"
	assert_equal "$status" 3
	assert_equal "$stderr" "own handler"
	run --separate-stderr "$BATS_FILE_TMPDIR/overflow-hintless"
	assert_equal "$status" 139
	assert_equal "$stderr" ""
}
