#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# man.bats - the manual pages of Documentation/man.
#
# Every page is there, each .so link names a page that is, and groff and
# man render them all without a single warning.  A tool's page lists
# exactly the options its --help prints, no more and no fewer, both
# sides read by the same few lines of grep.  make install puts every
# page where man finds it.
#
# groff comes from Debian's groff-base, man from man-db.

bats_require_minimum_version 1.5.0
load test_helper

MAN_SRC=$MEMS_SRC/Documentation/man

# The pages of the library, and those of the tools, which are named as
# the tools are.
MAN3_PAGES=(mems mems_init mems_finish mems_malloc mems_free mems_get
	mems_print_stats mems_calloc mems_realloc mems_trim mems_heap_create)
TOOLS=(mems-dump mems-trace mems-info)

setup_file() {
	mems_tree_copy defconfig "$BATS_FILE_TMPDIR/build"
}

# require_tool COMMAND PACKAGE - fail, naming the Debian package, unless
# COMMAND is installed.  Never a skip: the pages are part of the tree.
require_tool() {
	command -v "$1" >/dev/null ||
		fail "$1 is missing: apt-get install $2"
}

# all_pages - every page as SECTION/NAME, the files under man/ included
# whether or not the lists above know them.
all_pages() {
	local page

	for page in "$MAN_SRC"/*.[1-9]; do
		echo "${page##*.}/$(basename "$page")"
	done
}

# man_tree DIR - the pages laid out in DIR as make install lays them out,
# man1/ and man3/, so that a ".so man3/NAME.3" resolves from DIR.
man_tree() {
	local dir=$1 page

	for page in "$MAN_SRC"/*.[1-9]; do
		mkdir -p "$dir/man${page##*.}"
		cp "$page" "$dir/man${page##*.}/"
	done
}

# so_target PAGE - what a .so link page names (man3/NAME.3), or nothing
# for a page of its own.
so_target() {
	sed -n 's/^\.so[[:space:]]\{1,\}//p' "$1"
}

# option_spellings - the -x and --long spellings in the text on stdin, one
# a line, sorted, each once.  An option starts a word: the - of
# "mems-trace" or of "first-fit" is not one, nor is a lone -- or -1.
option_spellings() {
	grep -oE '(^|[][[:space:]|,"(])--?[[:alpha:]][[:alnum:]-]*' |
		sed 's/^[^-]*//' | sort -u
}

# help_options TOOL - the options TOOL's --help prints, wherever in it.
help_options() {
	local out

	out=$("$BATS_FILE_TMPDIR/build/tools/$1" --help) || return
	option_spellings <<<"$out"
}

# page_options PAGE - the options the OPTIONS section of PAGE lists: the
# tag lines of its .TP (and .TQ) items, with groff's escapes for the
# minus sign, fonts and spaces taken out.
page_options() {
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" |
		awk 'prev ~ /^\.T[PQ]/ { print } { prev = $0 }' |
		sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f\[[^]]*\]//g' \
		    -e 's/\\[~ ]/ /g' -e 's/\\[&%|^]//g' |
		option_spellings
}

@test "every page is there, and every .so link names a page that is" {
	local name page target

	for name in "${MAN3_PAGES[@]}"; do
		assert [ -f "$MAN_SRC/$name.3" ]
	done
	for name in "${TOOLS[@]}"; do
		assert [ -f "$MAN_SRC/$name.1" ]
	done
	for page in "$MAN_SRC"/*.[1-9]; do
		target=$(so_target "$page")
		[ -n "$target" ] || continue
		echo "$page: .so $target"
		# One line, naming SECTION/NAME.SECTION as installed.
		assert_equal "$(wc -l <"$page")" 1
		assert_regex "$target" "^man${target##*.}/[^/]+\\.${target##*.}\$"
		assert [ -f "$MAN_SRC/${target#*/}" ]
		# A link names a page of its own, not another link.
		assert_equal "$(so_target "$MAN_SRC/${target#*/}")" ""
	done
}

# names_of PAGE - the names its NAME section gives, one a line.
names_of() {
	sed -n '/^\.SH NAME/,/^\.SH/p' "$1" | sed '1d;$d' |
		sed 's/ *\\-.*//' | tr ',' '\n' | tr -d ' ' | grep .
}

@test "every name a page gives, and every exported function, has a page" {
	local page name

	for page in "$MAN_SRC"/*.3; do
		[ -z "$(so_target "$page")" ] || continue
		for name in $(names_of "$page"); do
			echo "$page: $name"
			assert [ -f "$MAN_SRC/$name.3" ]
		done
	done
	run grep -oE '^[[:space:]]+mems_[a-z_]+;' "$MEMS_SRC/scripts/libmems.map"
	assert_success
	for name in ${output//;/}; do
		assert [ -f "$MAN_SRC/$name.3" ]
		# And the page it is, or links to, names it.
		page=$(so_target "$MAN_SRC/$name.3")
		page=$MAN_SRC/${page#*/}
		[ "$page" != "$MAN_SRC/" ] || page=$MAN_SRC/$name.3
		names_of "$page" | grep -qx "$name" ||
			fail "$page does not name $name"
	done
}

@test "every page's .TH names it, its section and this MeMS version" {
	local version page name section th

	version=$(sed -n 's/^VERSION := //p' "$MEMS_SRC/Makefile")
	assert [ -n "$version" ]
	for page in "$MAN_SRC"/*.[1-9]; do
		[ -z "$(so_target "$page")" ] || continue
		section=${page##*.}
		name=$(basename "$page" ".$section")
		th=$(grep -E '^\.TH ' "$page" | sed 's/\\-/-/g')
		assert_equal "$(wc -l <<<"$th")" 1
		assert_regex "$th" "^\.TH $name $section [0-9]{4}-[0-9]{2}-[0-9]{2} \"MeMS ${version//./\\.}\" \"MeMS Manual\"\$"
	done
}

@test "groff renders every page without a warning" {
	local dir=$BATS_TEST_TMPDIR/man page

	require_tool groff groff-base
	man_tree "$dir"
	cd "$dir"
	for page in $(all_pages); do
		page=man$page
		echo "groff $page"
		run --separate-stderr groff -man -ww -z -Tutf8 "$page"
		assert_success
		assert_equal "$stderr" ""
		run --separate-stderr groff -man -ww -z -Tascii "$page"
		assert_success
		assert_equal "$stderr" ""
	done
}

@test "man renders every page without a warning" {
	local dir=$BATS_TEST_TMPDIR/man page

	require_tool man man-db
	man_tree "$dir"
	cd "$dir"
	for page in $(all_pages); do
		page=man$page
		echo "man $page"
		run --separate-stderr env MANPAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8 \
			man --warnings=w -l "$page"
		assert_success
		assert_equal "$stderr" ""
		assert_line --regexp '^NAME$'
	done
}

@test "the pages have no trailing blanks and no line that starts with a quote" {
	run grep -nE "[[:space:]]\$|^'" "$MAN_SRC"/*.[1-9]
	assert_failure 1
	assert_output ""
}

@test "each tool's page lists exactly the options its --help prints" {
	local tool help page

	for tool in "${TOOLS[@]}"; do
		help=$(help_options "$tool")
		page=$(page_options "$MAN_SRC/$tool.1")
		echo "$tool --help: $(paste -sd ' ' <<<"$help")"
		echo "$tool.1 OPTIONS: $(paste -sd ' ' <<<"$page")"
		assert [ -n "$help" ]
		run diff <(echo "$help") <(echo "$page")
		assert_success
	done
}

@test "the options check sees an option missing from a page, or one too many" {
	local page=$BATS_TEST_TMPDIR/mems-trace.1

	# Without the -o item: --output is missing.
	sed '/^\\fB\\-o\\fP/,/^\.TP/{/^\.TP/!d}' "$MAN_SRC/mems-trace.1" >"$page"
	run page_options "$page"
	refute_line -- --output
	assert_line -- --help
	run diff <(help_options mems-trace) <(page_options "$page")
	assert_failure

	# With an item the tool does not have.
	sed '/^\.SH OPTIONS/a .TP\n.B \\-\\-verbose\nSay more.' \
		"$MAN_SRC/mems-trace.1" >"$page"
	run page_options "$page"
	assert_line -- --verbose
	run diff <(help_options mems-trace) <(page_options "$page")
	assert_failure
}

@test "make install puts every page under share/man, and man reads them there" {
	local prefix=$BATS_TEST_TMPDIR/prefix man name page target

	require_tool man man-db
	man=$prefix/share/man
	run mems_make "$BATS_FILE_TMPDIR/build" install PREFIX="$prefix"
	assert_success
	for name in "${MAN3_PAGES[@]}"; do
		page=$man/man3/$name.3
		assert [ -f "$page" ]
		assert_equal "$(stat -c %a "$page")" 644
		cmp "$MAN_SRC/$name.3" "$page"
	done
	for name in "${TOOLS[@]}"; do
		page=$man/man1/$name.1
		assert [ -f "$page" ]
		assert_equal "$(stat -c %a "$page")" 644
		cmp "$MAN_SRC/$name.1" "$page"
	done
	run find "$man" -type f -printf '%P\n'
	assert_equal "$(sort <<<"$output")" \
		"$(all_pages | sed 's|^\([1-9]\)/|man\1/|' | sort)"

	run --separate-stderr env MANPAGER=cat MANWIDTH=80 LC_ALL=C \
		man --warnings=w -l "$man/man3/mems_malloc.3"
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 --regexp '^mems_malloc\(3\) +MeMS Manual +mems_malloc\(3\)$'
	assert_line '       mems_malloc - allocate a block of MeMS memory'
	assert_line '       void *mems_malloc(size_t size);'

	# man finds each page by its name, and follows the .so links.
	for name in "${MAN3_PAGES[@]}"; do
		target=$(so_target "$MAN_SRC/$name.3")
		run man -M "$man" -w 3 "$name"
		assert_success
		assert_output "$man/${target:-man3/$name.3}"
	done
	for name in "${TOOLS[@]}"; do
		run man -M "$man" -w 1 "$name"
		assert_success
		assert_output "$man/man1/$name.1"
	done
	run --separate-stderr env MANPAGER=cat MANWIDTH=80 LC_ALL=C \
		man -M "$man" 3 mems_finish
	assert_success
	assert_equal "$stderr" ""
	assert_line '       mems_init, mems_finish - start and end the global MeMS'
}
