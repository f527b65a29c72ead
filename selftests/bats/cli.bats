#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# cli.bats - the command-line conventions all the tools keep.
#
# They are GNU's: a refused option is named in getopt's words, then
# "Try 'TOOL --help' for more information.", on stderr with status 2 and
# nothing on stdout; --version prints "TOOL (MeMS) VERSION" with the
# Makefile's VERSION and status 0.  Each tool's own usage errors (no
# trace, a bad value) are in dump.bats, trace.bats and here for
# mems-info, which has no file of its own.

bats_require_minimum_version 1.5.0
load test_helper

TOOLS=(mems-dump mems-trace mems-info)

setup_file() {
	mems_build "$BATS_FILE_TMPDIR/build" defconfig CFLAGS=-Werror
}

tool() {
	local name=$1
	shift
	"$BATS_FILE_TMPDIR/build/tools/$name" "$@"
}

# assert_usage_error TOOL LINE - the last run wrote LINE and the pointer
# to --help on stderr, nothing on stdout, and exited 2.
assert_usage_error() {
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "$2
Try '$1 --help' for more information."
}

@test "--version prints the name, MeMS and the Makefile's VERSION" {
	local version name

	version=$(sed -n 's/^VERSION := //p' "$MEMS_SRC/Makefile")
	assert [ -n "$version" ]
	for name in "${TOOLS[@]}"; do
		run --separate-stderr tool "$name" --version
		assert_success
		assert_output "$name (MeMS) $version"
		assert_equal "$stderr" ""
	done
}

@test "an unknown long option is named, with the pointer to --help" {
	local name

	for name in "${TOOLS[@]}"; do
		run --separate-stderr tool "$name" --frob
		assert_usage_error "$name" "$name: unrecognized option '--frob'"
		run --separate-stderr tool "$name" --frob=1
		assert_usage_error "$name" \
			"$name: unrecognized option '--frob=1'"
	done
}

@test "an unknown short option is named, with the pointer to --help" {
	local name

	for name in "${TOOLS[@]}"; do
		run --separate-stderr tool "$name" -y
		assert_usage_error "$name" "$name: invalid option -- 'y'"
	done
}

@test "an option given an argument it does not take, or missing one, says so" {
	local name

	for name in "${TOOLS[@]}"; do
		run --separate-stderr tool "$name" --help=yes
		assert_usage_error "$name" \
			"$name: option '--help' doesn't allow an argument"
	done
	for name in mems-dump mems-trace; do
		run --separate-stderr tool "$name" -o
		assert_usage_error "$name" \
			"$name: option requires an argument -- 'o'"
		# Abbreviated, as getopt allows: the full name is given.
		run --separate-stderr tool "$name" --out
		assert_usage_error "$name" \
			"$name: option '--output' requires an argument"
	done
}

@test "an abbreviation of several options lists them" {
	run --separate-stderr tool mems-info --pol
	assert_usage_error mems-info \
		"mems-info: option '--pol' is ambiguous; possibilities: '--policies' '--policy-table'"
}

@test "mems-info takes one option, and no operand" {
	run --separate-stderr tool mems-info --align --page-size
	assert_usage_error mems-info "mems-info: one option at a time"
	run --separate-stderr tool mems-info align
	assert_usage_error mems-info "mems-info: extra operand 'align'"
}

@test "--help prints the usage on stdout, --version listed in it" {
	local name

	for name in "${TOOLS[@]}"; do
		run --separate-stderr tool "$name" --help
		assert_success
		assert_line --index 0 --partial "Usage: $name "
		assert_line --partial "--version"
		assert_equal "$stderr" ""
	done
}
