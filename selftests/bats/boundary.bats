#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# boundary.bats - lints of the public boundary and of the one policy list.
#
# Tools see a heap through the installed headers only; include/ is
# exactly what `make install` installs; the policy registry
# (policy/registry.c) is the one list of policies, which everything else
# asks instead of spelling the names out; and no test reads anything
# outside the repository.  Each lint prints the file:line it objects to.

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

@test "make install installs every header of include/ and no other" {
	local dir=$BATS_FILE_TMPDIR/linear stage=$BATS_TEST_TMPDIR/stage

	run mems_make "$dir" -j2 install DESTDIR="$stage" PREFIX=/usr
	assert_success
	# An in-tree build writes include/config and include/generated.
	run diff -u <(cd "$MEMS_SRC/include" &&
		find . \( -path ./config -o -path ./generated \) -prune -o \
			-name '*.h' -print | sort) \
		<(cd "$stage/usr/include" && find . ! -type d | sort)
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
		':!policy/registry.c' ':!Kconfig' ':!*/Kconfig' \
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
		'*.c' '*.h' ':!policy/registry.c'
	echo "$output"
	assert_output ""
	# The registry itself does.
	run tracked -F -c 'extern const struct mems_policy_ops' -- \
		policy/registry.c
	refute_output ""
}
