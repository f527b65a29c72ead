#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# install.bats - `make install` and programs built against what it installs.
#
# One defconfig build is staged with PREFIX=/usr DESTDIR=root, as a
# package would be, and installed for real under PREFIX=prefix too.
# Outside programs then find MeMS only through pkg-config.

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	local build=$BATS_FILE_TMPDIR/build

	mems_tree_copy defconfig "$build"
	mems_make "$build" install PREFIX=/usr \
		DESTDIR="$BATS_FILE_TMPDIR/root" >/dev/null
	mems_make "$build" install PREFIX="$BATS_FILE_TMPDIR/prefix" >/dev/null

	cat >"$BATS_FILE_TMPDIR/prog.c" <<-'EOF'
	#include <mems.h>

	int main(void)
	{
		void *a, *b;
		int *p;

		mems_init();
		a = mems_malloc(1000);
		b = mems_malloc(3000);
		printf("a=%lu b=%lu\n", (unsigned long)a, (unsigned long)b);
		p = mems_get(b);
		*p = 42;
		printf("value: %d\n", *(int *)mems_get(b));
		mems_free(a);
		mems_print_stats();
		mems_finish();
		return 0;
	}
	EOF
}

# expected_prog - what prog.c prints under the default configuration:
# one node of one machine page, the freed block a hole before the second.
expected_prog() {
	local page_size

	page_size=$(getconf PAGESIZE)
	cat <<-EOF
	a=1000 b=2000
	value: 42
	----- MeMS SYSTEM STATS -----
	MAIN[1000:$((999 + page_size))]-> H[1000:1999] <-> P[2000:4999] <-> H[5000:$((999 + page_size))] <-> NULL
	Pages used:	1
	Space unused:	$((1000 + page_size - 4000))
	Main Chain Length:	1
	Sub-chain Length array: [3, ]
	-----------------------------
	EOF
}

# resolved FLAGS... - compiler flags with their -I and -L paths resolved:
# mems.pc names directories relative to itself.
resolved() {
	local flag out=()

	for flag in "$@"; do
		case $flag in
		-I* | -L*) out+=("${flag:0:2}$(readlink -f "${flag:2}")") ;;
		*) out+=("$flag") ;;
		esac
	done
	echo "${out[*]}"
}

# staged_pkg_config ARGS... - pkg-config that sees only the staged tree.
staged_pkg_config() {
	local root=$BATS_FILE_TMPDIR/root

	PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig \
		pkg-config "$@"
}

# staged_build SRC PROG - compile SRC into PROG against the staged tree's
# libmems.so, as an outside program would, through pkg-config.
staged_build() {
	# shellcheck disable=SC2046
	cc -Wall -Wextra -Werror -o "$2" "$1" \
		$(staged_pkg_config --cflags --libs mems)
}

# run_staged PROG - run PROG with the staged libmems.so.
run_staged() {
	run --separate-stderr \
		env LD_LIBRARY_PATH="$BATS_FILE_TMPDIR/root/usr/lib" "$1"
}

@test "make install with DESTDIR stages headers, libraries, pkg-config file and tools" {
	local root=$BATS_FILE_TMPDIR/root file

	for file in include/mems.h include/mems/heap.h \
		    include/mems/introspect.h lib/libmems.a \
		    lib/libmems.so lib/pkgconfig/mems.pc bin/mems-info; do
		assert [ -e "$root/usr/$file" ]
	done
	assert [ -x "$root/usr/bin/mems-info" ]
}

@test "make install leaves the internal headers out" {
	run find "$BATS_FILE_TMPDIR/root/usr/include" ! -type d -printf '%P\n'
	assert_success
	assert_equal "$(sort <<<"$output")" \
		$'mems.h\nmems/heap.h\nmems/introspect.h'
}

@test "the installed libmems.so is a symlink chain to a library whose SONAME is libmems.so.0" {
	local lib=$BATS_FILE_TMPDIR/root/usr/lib target

	assert [ -L "$lib/libmems.so" ]
	assert [ -e "$lib/libmems.so.0" ]
	target=$(readlink -f "$lib/libmems.so")
	echo "libmems.so resolves to $target"
	assert [ -f "$target" ]
	assert_equal "$(dirname "$target")" "$(readlink -f "$lib")"
	assert_equal "$(readlink -f "$lib/libmems.so.0")" "$target"
	run readelf -d "$target"
	assert_success
	assert_line --regexp '\(SONAME\) +Library soname: \[libmems\.so\.0\]$'
}

@test "mems.pc finds the tree it lies in: a stage, with or without a sysroot" {
	local root=$BATS_FILE_TMPDIR/root pc variable
	pc=$root/usr/lib/pkgconfig/mems.pc

	# The staging root is never written into the file.
	run grep -F "$BATS_FILE_TMPDIR" "$pc"
	assert_failure
	for variable in prefix:usr includedir:usr/include libdir:usr/lib; do
		run env PKG_CONFIG_LIBDIR="${pc%/*}" \
			pkg-config --variable="${variable%%:*}" mems
		assert_success
		assert_equal "$(readlink -f "$output")" "$root/${variable#*:}"
	done
	run env PKG_CONFIG_PATH="${pc%/*}" pkg-config --cflags mems
	assert_success
	# shellcheck disable=SC2086
	assert_equal "$(resolved $output)" "-I$root/usr/include"
	run staged_pkg_config --cflags mems
	assert_success
	# shellcheck disable=SC2086
	assert_equal "$(resolved $output)" "-I$root/usr/include"
}

@test "installing again from the same build under another PREFIX rewrites mems.pc" {
	local prefix=$BATS_TEST_TMPDIR/again

	run mems_make "$BATS_FILE_TMPDIR/build" install PREFIX="$prefix"
	assert_success
	export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig
	run pkg-config --variable=prefix mems
	assert_success
	assert_equal "$(readlink -f "$output")" "$prefix"
	run pkg-config --variable=includedir mems
	assert_equal "$(readlink -f "$output")" "$prefix/include"
}

@test "a libdir outside PREFIX is written into mems.pc as it is" {
	local prefix=$BATS_TEST_TMPDIR/split

	run mems_make "$BATS_FILE_TMPDIR/build" install PREFIX="$prefix" \
		libdir="$prefix/lib64"
	assert_success
	run grep -x "libdir=$prefix/lib64" "$prefix/lib64/pkgconfig/mems.pc"
	assert_success
}

@test "an outside program builds from the staged tree with pkg-config and prints the expected report" {
	local root=$BATS_FILE_TMPDIR/root prog=$BATS_TEST_TMPDIR/prog

	run words staged_pkg_config --cflags --libs mems
	assert_success
	# shellcheck disable=SC2086
	assert_equal "$(resolved $output)" "-I$root/usr/include -L$root/usr/lib -lmems"
	staged_build "$BATS_FILE_TMPDIR/prog.c" "$prog"
	run readelf -d "$prog"
	assert_line --regexp '\(NEEDED\) +Shared library: \[libmems\.so\.0\]$'
	run_staged "$prog"
	assert_success
	assert_output "$(expected_prog)"
	assert_equal "$stderr" ""
}

@test "an outside program links statically against the installed libmems.a" {
	local root=$BATS_FILE_TMPDIR/root prog=$BATS_TEST_TMPDIR/prog-static

	# shellcheck disable=SC2046
	cc -Wall -Wextra -Werror -o "$prog" "$BATS_FILE_TMPDIR/prog.c" \
		$(staged_pkg_config --cflags mems) "$root/usr/lib/libmems.a"
	run readelf -d "$prog"
	refute_output --partial libmems
	run --separate-stderr "$prog"
	assert_success
	assert_output "$(expected_prog)"
	assert_equal "$stderr" ""
}

@test "make install PREFIX=dir gives a tree pkg-config finds without a sysroot" {
	local prefix=$BATS_FILE_TMPDIR/prefix prog=$BATS_TEST_TMPDIR/prog

	export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
	run words pkg-config --cflags --libs mems
	assert_success
	# shellcheck disable=SC2086
	assert_equal "$(resolved $output)" "-I$prefix/include -L$prefix/lib -lmems"
	run pkg-config --modversion mems
	assert_output --regexp '^[0-9]+\.[0-9]+\.[0-9]+$'
	# shellcheck disable=SC2046
	cc -Wall -Wextra -Werror -o "$prog" "$BATS_FILE_TMPDIR/prog.c" \
		$(pkg-config --cflags --libs mems)
	run --separate-stderr env LD_LIBRARY_PATH="$prefix/lib" "$prog"
	assert_success
	assert_output "$(expected_prog)"
}

@test "make install to a directory the dynamic linker does not search says how to run programs, and that works" {
	local prefix=$BATS_TEST_TMPDIR/unsearched prog=$BATS_TEST_TMPDIR/prog

	run mems_make "$BATS_FILE_TMPDIR/build" -s install PREFIX="$prefix"
	assert_success
	assert_output --partial "does not search $prefix/lib"
	assert_output --partial "LD_LIBRARY_PATH=$prefix/lib"
	# shellcheck disable=SC2046
	cc -o "$prog" "$BATS_FILE_TMPDIR/prog.c" \
		$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags \
		  --libs mems)
	run -127 --separate-stderr "$prog"
	assert_equal "$stderr" "$prog: error while loading shared libraries: libmems.so.0: cannot open shared object file: No such file or directory"
	run --separate-stderr env LD_LIBRARY_PATH="$prefix/lib" "$prog"
	assert_success
	assert_output "$(expected_prog)"
}

# In a mount namespace of its own, over an empty /usr/local and a copy of
# /etc, so that the machine's own stay as they were.
@test "make install PREFIX=/usr/local as root refreshes the linker cache: the README's program starts" {
	local tmp=$BATS_TEST_TMPDIR

	[ "$(id -u)" -eq 0 ] || skip "installs into /usr/local: needs root"
	unshare --mount true 2>/dev/null || skip "no mount namespaces here"
	cp -a /etc "$tmp/etc"
	run unshare --mount --propagation private bash -c '
		set -e
		mount -t tmpfs tmpfs /usr/local
		mount --bind "$1/etc" /etc
		make -s -C "$2" O="$3" install PREFIX=/usr/local
		cc -o "$1/prog" "$4" $(pkg-config --cflags --libs mems)
		"$1/prog"' bash "$tmp" "$MEMS_SRC" "$BATS_FILE_TMPDIR/build" \
		"$BATS_FILE_TMPDIR/prog.c"
	assert_success
	assert_line --index 0 "mems: ran ldconfig: programs find libmems.so.0 in /usr/local/lib"
	assert_equal "$(sed 1d <<<"$output")" "$(expected_prog)"
}

@test "a program of the heap API builds against the installed <mems/heap.h> alone" {
	local prog=$BATS_TEST_TMPDIR/heap

	cat >"$prog.c" <<-'EOF'
	#include <mems/heap.h>

	int main(void)
	{
		struct mems_heap_config config = {
			.policy = "best-fit",
			.page_size = 64,
		};
		struct mems_heap *heap;
		void *v = NULL;
		int err;

		err = mems_heap_create(&config, &heap);
		if (err)
			return 1;
		err = mems_heap_alloc(heap, 1000, &v);
		printf("%d %lu %s %zu\n", err, (unsigned long)v,
		       mems_heap_policy(heap), mems_heap_page_size(heap));
		mems_heap_print_stats(heap, stdout);
		printf("check: %d\n", mems_heap_check(heap, stderr));
		mems_heap_destroy(heap);
		return 0;
	}
	EOF
	staged_build "$prog.c" "$prog"
	run_staged "$prog"
	assert_success
	assert_output - <<-'EOF'
	0 1000 best-fit 64
	----- MeMS SYSTEM STATS -----
	MAIN[1000:2023]-> P[1000:1999] <-> H[2000:2023] <-> NULL
	Pages used:	16
	Space unused:	24
	Main Chain Length:	1
	Sub-chain Length array: [2, ]
	-----------------------------
	check: 0
	EOF
}

@test "the installed mems-info reports the configuration it was built with" {
	local policies

	# defconfig builds every policy of the choice, in the registry's
	# order, and no linear reference.
	policies=$(built_policies "$BATS_FILE_TMPDIR/build")
	assert_equal "$(sort <<<"$policies")" "$(choice_policies | sort)"
	run "$BATS_FILE_TMPDIR/root/usr/bin/mems-info"
	echo "$output"
	assert_success
	assert_output "$(cat <<-EOF
	policies: $(paste -sd ' ' <<<"$policies")
	default-policy: first-fit
	page-size: $(getconf PAGESIZE)
	virt-base: 1000
	align: 1
	EOF
	)"
}

@test "the installed mems-info's policy table flags the default and no reference" {
	local root=$BATS_FILE_TMPDIR/root

	run "$root/usr/bin/mems-info" --policy-table
	echo "$output"
	assert_success
	run cut -f 1-3 <<<"$output"
	assert_output "$(built_policies "$BATS_FILE_TMPDIR/build" |
		awk '{ print $0 "\t" ($0 == "first-fit" ? "default" : "-") "\t-" }')"
}

@test "a program of the introspection API builds against the installed <mems/introspect.h> alone" {
	local root=$BATS_FILE_TMPDIR/root prog=$BATS_TEST_TMPDIR/introspect

	cat >"$prog.c" <<-'EOF'
	#include <mems/introspect.h>

	static int seg(const struct mems_node_info *node,
		       const struct mems_seg_info *seg, void *arg)
	{
		(void)arg;
		printf("%zu %c %ju:%ju\n", node->index,
		       seg->type == MEMS_HOLE ? 'H' : 'P',
		       (uintmax_t)seg->vstart, (uintmax_t)seg->vend);
		return 0;
	}

	int main(void)
	{
		const struct mems_walk_ops ops = { .seg = seg };
		struct mems_heap_config config;
		struct mems_policy_info info;
		struct mems_heap_stats stats;
		struct mems_heap *heap;
		void *v;
		unsigned int i;

		mems_default_config(&config);
		config.page_size = 64;
		if (mems_heap_create(&config, &heap) ||
		    mems_heap_alloc(heap, 1000, &v))
			return 1;
		mems_heap_walk(heap, &ops, NULL);
		mems_heap_stats(heap, &stats);
		printf("%zu %zu %zu %zu\n", stats.pages_used,
		       stats.space_unused, stats.nodes, stats.holes);
		for (i = 0; !mems_policy_info(i, &info); i++)
			printf("%s\n", info.name);
		mems_heap_destroy(heap);
		return 0;
	}
	EOF
	staged_build "$prog.c" "$prog"
	run_staged "$prog"
	assert_success
	assert_equal "$stderr" ""
	assert_output "0 P 1000:1999
0 H 2000:2023
16 24 1 1
$("$root/usr/bin/mems-info" --policies)"
}

@test "a C++ program builds against every installed header with g++ and clang++" {
	local root=$BATS_FILE_TMPDIR/root prog=$BATS_TEST_TMPDIR/cxx cxx default

	# Every header installed, so that a new one is tested as it comes.
	(cd "$root/usr/include" && find . -name '*.h' | sort) |
		sed 's|^\./\(.*\)$|#include <\1>|' >"$prog.cpp"
	[ "$(grep -c '^#include <mems' "$prog.cpp")" -ge 3 ]
	cat >>"$prog.cpp" <<-'EOF'
	#include <cstdio>

	int main()
	{
		struct mems_heap_config config;
		struct mems_heap *heap;
		void *v = nullptr;

		mems_init();
		void *a = mems_malloc(1000);
		int *p = static_cast<int *>(mems_get(a));
		*p = 42;
		mems_default_config(&config);
		config.page_size = 64;
		if (mems_heap_create(&config, &heap) ||
		    mems_heap_alloc(heap, 3000, &v))
			return 1;
		std::printf("%lu %d %lu %s\n", (unsigned long)a, *p,
			    (unsigned long)v, mems_heap_policy(heap));
		mems_heap_destroy(heap);
		mems_free(a);
		mems_finish();
		return 0;
	}
	EOF
	default=$("$root/usr/bin/mems-info" --default-policy)
	for cxx in g++ clang++; do
		# shellcheck disable=SC2046
		run "$cxx" -Wall -Wextra -o "$prog" "$prog.cpp" \
			$(staged_pkg_config --cflags --libs mems)
		assert_success
		assert_output ""
		run_staged "$prog"
		assert_success
		assert_equal "$stderr" ""
		assert_output "1000 42 1000 $default"
	done
}

@test "make uninstall removes everything make install put there" {
	local root=$BATS_TEST_TMPDIR/root build=$BATS_FILE_TMPDIR/build

	mems_make "$build" install PREFIX=/usr DESTDIR="$root" >/dev/null
	run find "$root" ! -type d -printf '%P\n'
	assert_success
	assert_line usr/include/mems/introspect.h
	run mems_make "$build" uninstall PREFIX=/usr DESTDIR="$root"
	assert_success
	run find "$root" ! -type d
	assert_output ""
}
