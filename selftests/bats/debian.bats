#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# debian.bats - what the Debian packaging must agree with, checked
# without building the packages.
#
# dpkg-buildpackage takes minutes and installs into debian/, so make
# check leaves it to the command of Documentation/packaging.rst.  What
# drifts silently is checked here: the symbols file against the version
# script and against the library a build exports, and the package
# version against the Makefile's.  Only the first needs nothing but the
# tree; the others skip where dpkg-dev is not installed, as on a machine
# that is not Debian.

bats_require_minimum_version 1.5.0
load test_helper

DEBIAN=$MEMS_SRC/debian

# require_dpkg_dev - skip unless the Debian package tools are here.
require_dpkg_dev() {
	command -v dpkg-buildpackage >/dev/null ||
		skip "dpkg-buildpackage is missing: apt-get install dpkg-dev"
}

# make_version - VERSION of the Makefile.
make_version() {
	sed -n 's/^VERSION := //p' "$MEMS_SRC/Makefile"
}

# map_symbols - NAME@NODE for each function scripts/libmems.map exports
# and NODE@NODE for each version node, as dpkg-gensymbols lists them,
# sorted.
map_symbols() {
	awk '/^MEMS_[0-9.]+ *\{/ { node = $1; print node "@" node }
	     /^[ \t]+[a-z_][a-z0-9_]*;/ { sub(/;.*/, "", $1); print $1 "@" node }' \
		"$MEMS_SRC/scripts/libmems.map" | sort
}

# symbols_file_symbols - the NAME@NODE of each line of the symbols file,
# sorted.
symbols_file_symbols() {
	sed -n 's/^ \([^ ]*\) .*/\1/p' "$DEBIAN/libmems0.symbols" | sort
}

@test "the symbols file lists exactly the symbols of libmems.map, each under its node" {
	local map file

	map=$(map_symbols)
	file=$(symbols_file_symbols)
	# The version nodes and one function of each, so that an empty or
	# misread map cannot pass.
	grep -qx 'MEMS_0@MEMS_0' <<<"$map"
	grep -qx 'mems_malloc@MEMS_0' <<<"$map"
	grep -qx 'mems_heap_walk@MEMS_0.2' <<<"$map"
	grep -qx 'mems_trim@MEMS_0.3' <<<"$map"
	run diff <(echo "$map") <(echo "$file")
	assert_success
}

@test "the symbols file names the soname, the -dev package and no version above the Makefile's" {
	local version symbol minver

	require_dpkg_dev
	version=$(make_version)
	run head -n 1 "$DEBIAN/libmems0.symbols"
	assert_output 'libmems.so.0 libmems0 #MINVER#'
	run grep -x '\* Build-Depends-Package: libmems-dev' \
		"$DEBIAN/libmems0.symbols"
	assert_success
	while read -r symbol minver; do
		echo "$symbol $minver"
		dpkg --compare-versions "$minver" le "$version"
	done < <(sed -n 's/^ \([^ ]*\) \([^ ]*\)$/\1 \2/p' \
		"$DEBIAN/libmems0.symbols")
}

@test "debian/changelog's version is the Makefile's" {
	require_dpkg_dev
	run dpkg-parsechangelog -l "$DEBIAN/changelog" -S Version
	assert_success
	assert_output "$(make_version)"
}

@test "the symbols file matches what a defconfig libmems.so exports" {
	local build=$BATS_TEST_TMPDIR/build version

	require_dpkg_dev
	version=$(make_version)
	mems_tree defconfig "$build"
	cd "$BATS_TEST_TMPDIR"
	# -c4: any symbol added or gone fails, as in the package build.
	run dpkg-gensymbols -c4 -plibmems0 -v"$version" \
		-e"$build/lib/libmems.so.$version" \
		-I"$DEBIAN/libmems0.symbols" -O"$BATS_TEST_TMPDIR/symbols"
	assert_success
}
