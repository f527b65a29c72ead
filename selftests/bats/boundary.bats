#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# boundary.bats - lints of the public boundary and of the one policy list.
#
# Tools see a heap through the installed headers only; the core includes
# nothing of the policies; include/, as git tracks it, is exactly what
# `make install` installs; the policy registry (core/registry.c) is the
# one list of policies, which everything else asks instead of spelling
# the names out; no test reads anything outside the repository; and the
# library's files call each other in no circle.  Each lint prints the
# file:line it objects to.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	# defconfig with MEMS_LINEAR_POLICIES; a copy, which a test installs.
	mems_tree_copy linear "$BATS_FILE_TMPDIR/linear"
}

# tracked PATHSPEC... - git grep over the tracked files, as the tree is.
tracked() {
	git -C "$MEMS_SRC" grep -n -I "$@"
}

@test "the lints' build has the linear references, flagged as such" {
	run reference_policies "$BATS_FILE_TMPDIR/linear"
	assert_success
	refute_output ""
	run user_policies "$BATS_FILE_TMPDIR/linear"
	assert_success
	assert [ "${#lines[@]}" -ge 3 ]
}

@test "no file under tools/ includes a header of core/, policy/, arch/ or an internal/ folder" {
	local file

	run bash -c 'cd "$1" && find tools -name "*.[ch]" -print0 |
		xargs -0 grep -HnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]" |
		grep -E "[<\"/](core|policy|arch|asm|internal)/"' - "$MEMS_SRC"
	echo "$output"
	assert_output ""
	# The scan sees the tools' includes at all.
	run grep -c '#include <mems/' "$MEMS_SRC/tools/mems-info.c"
	refute_output 0
}

@test "no file of core/ includes a header of policy/" {
	run tracked -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]policy/' \
		-- core
	assert_output ""
	# The scan sees includes at all: the policies include the core.
	run tracked -E '^#include <core/policy\.h>' -- policy/first_fit.c
	assert_output --partial '#include <core/policy.h>'
}

# source_headers SRC - the headers of SRC's include/ that git tracks, as
# ./mems.h.  Not every file there: an in-tree build writes its
# configuration's include/config and include/generated beside them, as
# the kernel's does, and they are the build's, not the API.
source_headers() {
	git -C "$1" ls-files -- 'include/*.h' | sed 's|^include/|./|' | sort
}

# installed_headers STAGE - what an install into STAGE put in include/.
installed_headers() {
	(cd "$1/usr/include" && find . ! -type d | sort)
}

@test "make install installs every header of include/ and no other" {
	local dir=$BATS_FILE_TMPDIR/linear stage=$BATS_TEST_TMPDIR/stage

	run mems_make "$dir" -j2 install DESTDIR="$stage" PREFIX=/usr
	assert_success
	run diff -u <(source_headers "$MEMS_SRC") <(installed_headers "$stage")
	assert_success
}

@test "the quick start's in-tree build leaves the install lint as it was" {
	local src=$BATS_TEST_TMPDIR/src stage=$BATS_TEST_TMPDIR/stage goal

	# A clone of the tree, as a new user has it: what it tracks is
	# what is in git's index.
	mkdir "$src"
	tar -C "$MEMS_SRC" --exclude=./.git --exclude=./build \
		--exclude=./selftests/browser/node_modules -cf - . |
		tar -C "$src" -xf -
	git -C "$src" init -q
	git -C "$src" add -A
	# make run, a configuration and a single header, all in the tree.
	for goal in run single-header \
		"$(policy_defconfig "$(choice_policies | tail -n 1)")"; do
		make -C "$src" --no-print-directory "$goal" >"$src.log" 2>&1 ||
			{ cat "$src.log"; return 1; }
	done
	run make -C "$src" --no-print-directory -j2 install \
		DESTDIR="$stage" PREFIX=/usr
	assert_success
	# The configuration's headers are where the kernel has them too.
	assert [ -f "$src/include/generated/autoconf.h" ]
	run diff -u <(source_headers "$src") <(installed_headers "$stage")
	assert_success
}

@test "no tracked file but the registry and Kconfig names three or more policies" {
	local names pattern

	# The names users see, as whole words: first-fit-linear, a
	# reference, is not first-fit.
	names=$(user_policies "$BATS_FILE_TMPDIR/linear")
	# Plain words, so that they go into the regular expressions as they are.
	run grep -v -x -E '[a-z0-9]+(-[a-z0-9]+)*' <<<"$names"
	assert_output ""
	pattern=$(paste -sd '|' <<<"$names")
	run --separate-stderr tracked -E \
		"(^|[^[:alnum:]_-])($pattern)([^[:alnum:]_-]|\$)" -- . \
		':!core/registry.c' ':!Kconfig' ':!*/Kconfig' \
		':!Documentation' ':!*.md' ':!*.rst' \
		':!selftests/bats/data' ':!selftests/policy/rules.h'
	assert_equal "$stderr" ""
	# file:line:text; comment lines do not count.  A file naming three
	# distinct policies or more is reported with each line naming one.
	run awk -v names="$names" '
		BEGIN { n = split(names, name, "\n") }
		{
			file = $0; sub(/:.*/, "", file)
			text = $0; sub(/^[^:]*:[0-9]+:/, "", text)
			if (text ~ /^[ \t]*(#|\*|\/\*|\/\/)/)
				next
			found = 0
			for (i = 1; i <= n; i++) {
				if ((" " text " ") !~ \
				    ("[^[:alnum:]_-]" name[i] "[^[:alnum:]_-]"))
					continue
				found = 1
				if (!((file, i) in seen)) {
					seen[file, i] = 1
					count[file]++
				}
			}
			if (found)
				lines[file] = lines[file] "  " $0 "\n"
		}
		END {
			for (file in count)
				if (count[file] >= 3)
					printf "%s names %d policies:\n%s", file,
						count[file], lines[file]
		}' <<<"$output"
	assert_output ""
}

@test "no file reads the golden outputs from outside the repository" {
	local outside=shared

	# Spelled in pieces, so that this file does not match itself.
	run tracked -F -e "../$outside" -e "$outside/golden" -- . ':!*.md'
	echo "$output"
	assert_output ""
}

@test "no C file but the registry declares a policy's operations table" {
	run tracked -F 'extern const struct mems_policy_ops' -- \
		'*.c' '*.h' ':!core/registry.c'
	echo "$output"
	assert_output ""
	# The registry itself does.
	run tracked -F -c 'extern const struct mems_policy_ops' -- \
		core/registry.c
	refute_output ""
}

# calls OBJECT... - "CALLER CALLEE" for each pair of the objects where
# the first leaves undefined a symbol that the second defines: a call,
# or a table that the first names.
calls() {
	local defined object

	defined=$(nm -A --defined-only "$@" |
		awk '$2 ~ /^[A-Z]$/ { sub(/:.*/, "", $1); print $3, $1 }' |
		LC_ALL=C sort)
	for object in "$@"; do
		nm -u "$object" | awk '{ print $2 }' | LC_ALL=C sort |
			LC_ALL=C join - <(echo "$defined") |
			awk -v from="$object" '$2 != from { print from, $2 }'
	done | LC_ALL=C sort -u
}

@test "the library's files call each other in no circle" {
	cd "$BATS_FILE_TMPDIR/linear"
	run calls common/*.o core/*.o policy/*.o
	assert_success
	# The listing is real: the chains are carved through the address
	# table, and the address table maps through the OS layer.
	assert_line 'core/chain.o core/addr_table.o'
	assert_line 'core/addr_table.o core/os.o'
	# tsort names the files of a loop, if there is one.
	run tsort <<<"$output"
	assert_success
}

@test "the trace library's files call each other in no circle, nor the tools above" {
	cd "$BATS_FILE_TMPDIR/linear"
	run calls tools/replay/*.o
	assert_success
	# The listing is real: the loader calls the readers, which call the
	# helpers below them.
	assert_line 'tools/replay/load.o tools/replay/rep.o'
	assert_line 'tools/replay/rep.o tools/replay/reader.o'
	run tsort <<<"$output"
	assert_success
	# The room is below the tool that links it: it calls none of it.
	run calls tools/replay/*.o tools/dump/*.o
	assert_success
	assert_line 'tools/dump/main.o tools/replay/load.o'
	run grep -E '^tools/replay/[^ ]+ tools/dump/' <<<"$output"
	assert_output ""
}

@test "no file of the trace library includes a header of the tools above it" {
	run tracked -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"].*(dump|bench)/' \
		-- tools/replay
	assert_output ""
	# The scan sees the room's includes at all.
	run tracked -F '#include "reader.h"' -- tools/replay/rep.c
	refute_output ""
}
