#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# htmldocs.bats - `make htmldocs`: the manual of Documentation/ built
# by Sphinx with warnings as errors, its header reference read from the
# kernel-doc comments of the installed headers.
#
# The manual is built once, from a private copy of the tree into an O=
# directory, and the tests read that build.  What the reference must
# declare is read from the headers' prototypes, never listed here: a
# function added without its comment fails.  Copies of Documentation/
# with one mistake each, built through DOCSRC=, must fail.
#
# Sphinx comes from Debian's python3-sphinx.

bats_require_minimum_version 1.5.0
load test_helper

HEADERS=(include/mems.h include/mems/heap.h include/mems/introspect.h)

setup_file() {
	local src=$BATS_FILE_TMPDIR/src status=0

	# A private copy of the tree: nobody else writes in it meanwhile.
	mkdir "$src"
	tar -C "$MEMS_SRC" --exclude=./.git --exclude=./build \
		--exclude=./Documentation/output -cf - . | tar -C "$src" -xf -
	find "$src" -printf '%P %s %T@\n' | sort >"$BATS_FILE_TMPDIR/before"
	# Its status is the first test's to judge: the others read what
	# was written all the same.
	make -C "$src" --no-print-directory O="$BATS_FILE_TMPDIR/out" \
		htmldocs >"$BATS_FILE_TMPDIR/stdout" \
		2>"$BATS_FILE_TMPDIR/stderr" || status=$?
	echo "$status" >"$BATS_FILE_TMPDIR/status"
}

# html - where the manual built in setup_file is.
html() {
	echo "$BATS_FILE_TMPDIR/out/Documentation/output/html"
}

# html_text - the HTML on stdin as the text it shows: tags and
# permalink signs out, the entities Sphinx writes decoded.
html_text() {
	sed -e 's/<[^>]*>//g' -e 's/¶//g' -e 's/&quot;/"/g' \
	    -e "s/&#39;/'/g" -e 's/&#64;/@/g' -e 's/&lt;/</g' \
	    -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

# signatures PAGE - the C declarations the HTML page PAGE documents, one
# a line, as they read: "void *mems_malloc(size_t size)".
signatures() {
	awk '/<dt class="sig sig-object c"/ { sig = 1; line = "" }
	     sig { line = line $0 }
	     sig && /<\/dt>/ { print line; sig = 0 }' "$1" | html_text
}

# header_functions - the name of each function the headers declare,
# from the prototypes: a line that starts with a type and names NAME(.
header_functions() {
	(cd "$MEMS_SRC" && cat "${HEADERS[@]}") |
		sed -nE 's/^[a-z][^#(]*[ *]([A-Za-z_][A-Za-z0-9_]*)\(.*/\1/p'
}

# header_types - "struct NAME" or "enum NAME" for each structure, opaque
# ones included, and each enum the headers declare.
header_types() {
	(cd "$MEMS_SRC" && cat "${HEADERS[@]}") |
		sed -nE 's/^(struct|union|enum) ([A-Za-z_][A-Za-z0-9_]*) *[{;].*/\1 \2/p'
}

# header_macros - the name of each macro the headers define, but their
# include guards (the name of the #ifndef before it).
header_macros() {
	(cd "$MEMS_SRC" && cat "${HEADERS[@]}") |
		awk '/^#ifndef / { guard = $2 }
		     /^#define / && $2 != guard { print $2 }'
}

# header_param_lines - the first line of each @name: description of the
# headers' comments, as the manual shows it: @ and spacing gone.
header_param_lines() {
	(cd "$MEMS_SRC" && cat "${HEADERS[@]}") |
		sed -nE 's/^ \* @[A-Za-z_.]+: *(.*)$/\1/p' | tr -d '@' | tr -s ' '
}

# broken_docs DIR - a copy of Documentation/ in DIR, to break.
broken_docs() {
	mkdir -p "$1"
	cp -R "$MEMS_SRC/Documentation/." "$1"
	rm -rf "$1/output"
}

@test "make htmldocs builds the manual without a warning" {
	echo "stderr:"
	cat "$BATS_FILE_TMPDIR/stderr"
	assert_equal "$(cat "$BATS_FILE_TMPDIR/status")" 0
	assert_equal "$(cat "$BATS_FILE_TMPDIR/stderr")" ""
	run cat "$BATS_FILE_TMPDIR/stdout"
	assert_output '  SPHINX  Documentation/output/html/index.html'
}

@test "make htmldocs writes index.html and a page per .rst of Documentation/" {
	local rst page count=0

	assert [ -f "$(html)/index.html" ]
	while read -r rst; do
		page=${rst#"$MEMS_SRC"/Documentation/}
		page=$(html)/${page%.rst}.html
		echo "$rst -> $page"
		assert [ -f "$page" ]
		count=$((count + 1))
	done < <(find "$MEMS_SRC/Documentation" -name '*.rst' \
		 -not -path '*/output/*' -not -path '*/sphinx/*')
	assert [ "$count" -gt 1 ]
}

@test "the manual's version is the Makefile's" {
	local version

	version=$(sed -n 's/^VERSION := //p' "$MEMS_SRC/Makefile")
	assert [ -n "$version" ]
	run html_text <"$(html)/index.html"
	assert_output --partial "MeMS $version documentation"
}

@test "the header reference declares every function of the headers" {
	local name count=0 sigs

	sigs=$(signatures "$(html)/api-reference.html")
	for name in $(header_functions); do
		grep -qE "^[^(]*[ *]$name\(" <<<"$sigs" ||
			fail "no declaration of $name() in api-reference.html"
		count=$((count + 1))
	done
	echo "$count functions"
	assert [ "$count" -gt 20 ]
}

@test "the header reference declares every macro of the headers" {
	local name count=0 sigs

	sigs=$(signatures "$(html)/api-reference.html")
	for name in $(header_macros); do
		grep -qx "$name" <<<"$sigs" ||
			fail "no declaration of $name in api-reference.html"
		count=$((count + 1))
	done
	echo "$count macros"
	assert [ "$count" -gt 1 ]
}

@test "the header reference declares every structure and enum of the headers" {
	local type count=0 sigs

	sigs=$(signatures "$(html)/api-reference.html")
	while read -r type; do
		grep -qxF "$type" <<<"$sigs" ||
			fail "no declaration of $type in api-reference.html"
		count=$((count + 1))
	done < <(header_types)
	echo "$count types"
	assert [ "$count" -gt 5 ]
}

@test "the header reference gives the headers' parameter and member descriptions" {
	local text line count=0

	text=$(html_text <"$(html)/api-reference.html" | tr -s ' \n' '  ')
	while read -r line; do
		[[ $text == *"$line"* ]] ||
			fail "not in api-reference.html: '$line'"
		count=$((count + 1))
	done < <(header_param_lines)
	echo "$count descriptions"
	assert [ "$count" -gt 20 ]
}

@test "make htmldocs needs no configuration and writes nothing into the source tree" {
	assert [ ! -e "$BATS_FILE_TMPDIR/out/.config" ]
	run diff -u "$BATS_FILE_TMPDIR/before" \
		<(find "$BATS_FILE_TMPDIR/src" -printf '%P %s %T@\n' | sort)
	assert_success
}

@test "make help lists htmldocs" {
	run mems_make "$BATS_TEST_TMPDIR/help" help
	assert_success
	assert_line --regexp '^  htmldocs +- '
}

@test "a broken :doc: reference fails the build: warnings are errors" {
	local docs=$BATS_TEST_TMPDIR/docs

	broken_docs "$docs"
	# shellcheck disable=SC2016
	printf '\nSee :doc:`no-such-page`.\n' >>"$docs/index.rst"
	run --separate-stderr mems_make "$BATS_TEST_TMPDIR/out" htmldocs \
		DOCSRC="$docs"
	echo "$stderr"
	assert_failure
	assert_regex "$stderr" "index\.rst:[0-9]+: WARNING: unknown document: '?no-such-page"
}

@test "a kernel-doc comment that does not match its declaration fails the build" {
	local docs=$BATS_TEST_TMPDIR/docs header=$BATS_TEST_TMPDIR/bad.h

	broken_docs "$docs"
	cat >"$header" <<-'EOF'
	/**
	 * bad_sum() - add two numbers.
	 * @a: the first.
	 * @c: a parameter bad_sum() does not have.
	 */
	int bad_sum(int a, int b);

	/**
	 * bad_get() - a comment for another function.
	 */
	int bad_put(int a);

	/**
	 * BAD_FLAG - a comment for another macro.
	 */
	#define BAD_FLAGS 1
	EOF
	printf ':orphan:\n\nBad\n===\n\n.. kernel-doc:: %s\n' "$header" \
		>"$docs/bad.rst"
	run --separate-stderr mems_make "$BATS_TEST_TMPDIR/out" htmldocs \
		DOCSRC="$docs"
	echo "$stderr"
	assert_failure
	assert_regex "$stderr" \
		"bad\.h:1: WARNING: kernel-doc: bad_sum\(\) has no parameter 'c'"
	assert_regex "$stderr" "bad\.h:1: WARNING: kernel-doc: the comment of \
bad_sum\(\) does not describe its parameter 'b'"
	assert_regex "$stderr" "bad\.h:8: WARNING: kernel-doc: the comment \
describes bad_get\(\), the declaration after it is bad_put\(\)"
	assert_regex "$stderr" "bad\.h:13: WARNING: kernel-doc: the comment \
describes BAD_FLAG, the declaration after it is BAD_FLAGS"
}
