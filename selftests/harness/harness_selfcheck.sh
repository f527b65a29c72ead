#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# selftests/harness/harness_selfcheck.sh - proves the failure paths.
#
# A passing test program cannot show that the harness notices failures,
# so this builds throwaway programs that fail on purpose -- a failed
# ASSERT, a failed EXPECT, a crash, a hang -- and checks the exact TAP,
# diagnostics and exit status they produce, then feeds them through
# scripts/tap-summary and checks its counts.  It prints TAP itself, so
# it runs as one more suite.
#
# Environment: srctree (top of the source tree; by default two levels
# above this script) and CC (default cc).

# Checks are functions run through check(), which shellcheck cannot see.
# shellcheck disable=SC2317

set -u

srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
CC=${CC:-cc}
harness_dir=$srctree/selftests
tap_summary=$srctree/scripts/tap-summary

# A copy installed elsewhere cannot guess the tree; say so in TAP.
if [[ ! -r $harness_dir/harness.h || ! -x $tap_summary ]]; then
	echo "TAP version 13"
	echo "Bail out! no harness.h or tap-summary under srctree=$srctree"
	exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

nr=0
failed=0

# check DESCRIPTION COMMAND...: one TAP result from COMMAND's status.
check()
{
	local desc=$1

	shift
	nr=$((nr + 1))
	if "$@"; then
		echo "ok $nr $desc"
	else
		echo "not ok $nr $desc"
		failed=1
	fi
}

# A harness that never kills a hung test must not hang this check too.
guard()
{
	if command -v timeout >/dev/null; then
		timeout 60 "$@"
	else
		"$@"
	fi
}
export -f guard

# same FILE TEXT: FILE holds exactly TEXT, else show both as comments.
same()
{
	if [[ $(cat "$1") == "$2" ]]; then
		return 0
	fi
	echo "# expected:"
	printf '%s\n' "$2" | sed 's/^/#   /'
	echo "# got:"
	sed 's/^/#   /' "$1"
	return 1
}

has_line()
{
	grep -qxF -- "$2" "$1" || { echo "# missing in $1: $2"; return 1; }
}

lacks_line()
{
	! grep -qxF -- "$2" "$1" || { echo "# unexpected in $1: $2"; return 1; }
}

# Every line must be TAP or a comment, whatever the tests printed.
valid_tap()
{
	local re='^(TAP version 13|1\.\.[0-9]+( # .*)?|(not )?ok [0-9]+ .*|#.*)'

	! grep -vE "$re\$" "$1" | sed 's/^/# invalid TAP: /' | grep .
}

# line_of MARK FILE: the line number of the only line containing MARK.
line_of()
{
	grep -n -- "$1" "$2" | cut -d: -f1
}

status_is()
{
	local want=$1 got

	shift
	"$@" >/dev/null 2>&1
	got=$?
	((got == want)) && return 0
	echo "# exit status $got, expected $want"
	return 1
}

build()
{
	"$CC" -std=gnu11 -O1 -g -Wall -Wextra -Werror -I"$harness_dir" \
		-o "$1" "$1.c" 2>"$1.log"
	local rc=$?

	sed 's/^/# /' "$1.log"
	return "$rc"
}

cat >fail.c <<'EOF'
#include <stdint.h>
#include <unistd.h>

#include "harness.h"

FIXTURE(fx)
{
	int v;
};

FIXTURE_SETUP(fx)
{
	self->v = 7;
}

FIXTURE_TEARDOWN(fx)
{
	printf("# teardown saw v=%d\n", self->v);
}

TEST(passes)
{
	ASSERT_EQ(1, 1);
}

TEST(expect_fails)
{
	int two = 2;

	EXPECT_EQ(1, two);	/* MARK_EXPECT */
	printf("# still running after EXPECT\n");
}

TEST(segfaults)
{
	static volatile uintptr_t zero;

	*(volatile int *)zero = 1;
}

TEST_TIMEOUT(hangs, 1)
{
	for (;;)
		pause();
}

TEST(skips)
{
	SKIP(return, "not %s", "here");
	printf("# still running after SKIP\n");
}

TEST(long_strings)
{
	ASSERT_STREQ("same\nwant\n", "same\ngot");	/* MARK_STREQ */
}

TEST_F(fx, assert_fails)
{
	size_t two = 2;

	ASSERT_EQ(-1, two) TH_LOG("two is %zu", two);	/* MARK_ASSERT */
	printf("# still running after ASSERT\n");
}

TEST_HARNESS_MAIN
EOF

cat >pass.c <<'EOF'
#include "harness.h"

FIXTURE(pair)
{
	int x;
};

FIXTURE_VARIANT(pair)
{
	int x;
};

FIXTURE_VARIANT_ADD(pair, one)
{
	.x = 1,
};

FIXTURE_VARIANT_ADD(pair, two)
{
	.x = 2,
};

FIXTURE_SETUP(pair)
{
	self->x = variant->x;
}

TEST_F(pair, same)
{
	ASSERT_EQ(variant->x, self->x);
}

TEST(alone)
{
	EXPECT_NE(NULL, _metadata);
}

TEST(skipped)
{
	SKIP(return, "not today");
}

TEST_HARNESS_MAIN
EOF

cat >skip.c <<'EOF'
#include "harness.h"

TEST(only)
{
	SKIP(return, "nothing to do");
}

TEST_HARNESS_MAIN
EOF

# Generated variants: made before main(), in order, names cleaned.
cat >gen.c <<'EOF'
#include "harness.h"

FIXTURE(g)
{
	int x;
};

FIXTURE_VARIANT(g)
{
	int x;
};

FIXTURE_VARIANT_ADD(g, fixed)
{
	.x = 1,
};

FIXTURE_VARIANT_GENERATE(g, make)
{
	static const char *const names[] = { "b-c", "a.b", "Z9" };
	FIXTURE_VARIANT(g) *v;
	int i;

	for (i = 0; i < 3; i++) {
		v = FIXTURE_VARIANT_NEW(g, names[i]);
		if (!v)
			return;
		v->x = i + 2;
	}
}

TEST_F(g, positive)
{
	printf("# x=%d\n", variant->x);
	ASSERT_LT(0, variant->x);
}

FIXTURE(none)
{
	int x;
};

FIXTURE_VARIANT(none)
{
	int x;
};

FIXTURE_VARIANT_GENERATE(none, make_none)
{
}

TEST_F(none, runs)
{
	printf("# ran without a variant\n");
}

TEST_HARNESS_MAIN
EOF

# Two variants whose names clean to the same TAP name.
cat >dup.c <<'EOF'
#include "harness.h"

FIXTURE(d)
{
	int x;
};

FIXTURE_VARIANT(d)
{
	int x;
};

FIXTURE_VARIANT_GENERATE(d, make)
{
	FIXTURE_VARIANT_NEW(d, "a-b");
	FIXTURE_VARIANT_NEW(d, "a_b");
}

TEST_F(d, runs)
{
}

TEST_HARNESS_MAIN
EOF

# The checks that need more than one command.

plan_and_totals()
{
	has_line fail.out "1..7" &&
	has_line fail.out \
		"# Totals: pass:1 fail:5 xfail:0 xpass:0 skip:1 error:0"
}

assert_reported()
{
	local l

	l=$(line_of MARK_ASSERT fail.c) &&
	has_line fail.out \
		"# fail.c:$l:fx.assert_fails:Expected -1 (-1) == two (2)" &&
	has_line fail.out "# fail.c:$l:fx.assert_fails:two is 2"
}

assert_stops()
{
	lacks_line fail.out "# still running after ASSERT" &&
	has_line fail.out "# teardown saw v=7"
}

expect_goes_on()
{
	local l

	l=$(line_of MARK_EXPECT fail.c) &&
	has_line fail.out \
		"# fail.c:$l:expect_fails:Expected 1 (1) == two (2)" &&
	has_line fail.out "# still running after EXPECT"
}

strings_dumped()
{
	local l

	l=$(line_of MARK_STREQ fail.c) &&
	same <(sed -n "/^# fail.c:$l:/,/^not ok/p" fail.out) \
"# fail.c:$l:long_strings:Expected \"same\\nwant\\n\" == \"same\\ngot\", \
first difference in line 2
# --- \"same\\nwant\\n\"
# same
# want
# +++ \"same\\ngot\"
# same
# got
# \\ No newline at end
not ok 6 long_strings"
}

filter_runs()
{
	guard ./fail -t pass -t fx.assert >t.out
	(($? == 1)) && same <(grep -E '^(1\.\.|(not )?ok )' t.out) "1..2
ok 1 passes
not ok 2 fx.assert_fails"
}

pass_runs()
{
	guard ./pass >pass.out || return 1
	same <(grep -E '^(not )?ok ' pass.out) "ok 1 alone
ok 2 skipped # SKIP not today
ok 3 pair.one.same
ok 4 pair.two.same"
}

gen_runs()
{
	guard ./gen >gen.out
	(($? == 1)) || { echo "# exit status not 1"; return 1; }
	same <(grep -E '^(1\.\.|(not )?ok |# x=)' gen.out) "1..5
# x=1
ok 1 g.fixed.positive
# x=2
ok 2 g.b_c.positive
# x=3
ok 3 g.a_b.positive
# x=4
ok 4 g.Z9.positive
not ok 5 none.runs"
}

gen_empty_named()
{
	has_line gen.out \
		"# none.runs: the generator of fixture none made no variant" &&
	lacks_line gen.out "# ran without a variant"
}

dup_bails()
{
	guard ./dup >dup.out
	(($? == 1)) && same dup.out "TAP version 13
Bail out! fixture d: two variants named a_b"
}

total_fails()
{
	"$tap_summary" --total results >total.out
	(($? == 1)) &&
	same <(tail -n1 total.out) "4 passed, 5 failed, 3 skipped"
}

total_passes()
{
	grep -v ' fail$' results >passing
	"$tap_summary" --total passing >total.out || return 1
	same <(tail -n1 total.out) "3 passed, 0 failed, 2 skipped"
}

total_empty()
{
	: >empty
	"$tap_summary" --total empty >total.out
	(($? == 1)) && same <(tail -n1 total.out) "0 passed, 1 failed"
}

# Two streams, bats style: lower-case skip, an expected failure.
mixed_streams()
{
	printf '1..2\nok 1 a\nok 2 b # skip no root\n'
	printf '1..1\nnot ok 1 c # TODO later\n# (in test file x.bats)\n'
}

# One result short of its plan, and a non-zero exit on top.
short_stream()
{
	printf '1..2\nok 1 a\n'
	return 3
}

# tap-summary is bash too: it can run these as commands.
export -f mixed_streams short_stream

summary_counts()
{
	local want=$1

	shift
	"$tap_summary" --name "$1" --results counts -- "$@" >/dev/null
	same <(tail -n1 counts) "$want $1"
}

echo "TAP version 13"
echo "1..32"

check "failing program builds warning-free with $CC" build fail
check "passing program builds warning-free with $CC" build pass
check "skipping program builds warning-free with $CC" build skip
check "generating program builds warning-free with $CC" build gen
check "duplicate-variant program builds warning-free with $CC" build dup

guard ./fail >fail.out 2>fail.err
fail_status=$?
sed 's/^/# | /' fail.out

check "a failing program exits with status 1" test "$fail_status" -eq 1
check "exactly the expected results, in source order" same \
	<(grep -E '^(not )?ok ' fail.out) "ok 1 passes
not ok 2 expect_fails
not ok 3 segfaults
not ok 4 hangs
ok 5 skips # SKIP not here
not ok 6 long_strings
not ok 7 fx.assert_fails"
check "plan and totals" plan_and_totals
check "output stays valid TAP" valid_tap fail.out
check "failed ASSERT names file, line, test and values, then TH_LOG" \
	assert_reported
check "failed ASSERT stops the test, teardown still runs" assert_stops
check "failed EXPECT reports and carries on" expect_goes_on
check "SKIP runs its statement" \
	lacks_line fail.out "# still running after SKIP"
check "a crash names the signal" \
	grep -qE '^# segfaults: terminated by signal [0-9]+ \(SIGSEGV' fail.out
check "a hang is killed at its own timeout" \
	has_line fail.out "# hangs: timed out after 1 seconds"
check "long strings are dumped line by line" strings_dumped
check "-l lists the names" same <(guard ./fail -l) "passes
expect_fails
segfaults
hangs
skips
long_strings
fx.assert_fails"
check "-t runs only matching tests" filter_runs
check "a passing program names variants and exits 0" pass_runs
check "a program whose every test skipped exits 4" status_is 4 guard ./skip
check "generated variants run in order under cleaned names" gen_runs
check "a generator that makes no variant fails its tests" gen_empty_named
check "-l lists generated variants" same <(guard ./gen -l) "g.fixed.positive
g.b_c.positive
g.a_b.positive
g.Z9.positive
none.runs"
check "two variants of the same name bail out before any test" dup_bails

"$tap_summary" --name fail --results results -- guard ./fail >sum.out 2>&1
fail_status=$?
"$tap_summary" --name pass --results results -- guard ./pass >>sum.out 2>&1
pass_status=$?
"$tap_summary" --name skip --results results -- guard ./skip >>sum.out 2>&1
skip_status=$?
sed 's/^/# | /' sum.out

check "tap-summary: suite exit statuses (fail 1, pass 0, all-skip 0)" \
	test "$fail_status/$pass_status/$skip_status" = 1/0/0
check "tap-summary: results lines" same results "1 5 1 fail
3 0 1 pass
0 0 1 skip"
check "tap-summary: re-labelled results" same \
	<(grep -E '^(not )?ok ' sum.out | head -3) "ok - fail: passes
not ok - fail: expect_fails
not ok - fail: segfaults"
check "tap-summary: concatenated streams, skip in any case, TODO" \
	summary_counts "1 0 2" mixed_streams
check "tap-summary: a short run fails once, whatever the exit status" \
	summary_counts "1 1 0" short_stream
check "tap-summary --total: last line and status on failure" total_fails
check "tap-summary --total: passing and skipped suites" total_passes
check "tap-summary --total: no test at all is a failure" total_empty

exit $failed
