#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# library.bats - what libmems.a and libmems.so import and export.
#
# MeMS takes memory only with mmap, so neither library may reference the
# C allocator; the shared library exports the public API and nothing else,
# every header of include/, each function under the version node of
# scripts/libmems.map that lists it.

bats_require_minimum_version 1.5.0
load test_helper

ALLOCATORS='malloc|calloc|realloc|reallocarray|free|posix_memalign|'
ALLOCATORS+='aligned_alloc|memalign|valloc|pvalloc|strdup|strndup'

setup_file() {
	mems_tree defconfig "$BATS_FILE_TMPDIR/build"
}

# public_functions [HEADER...] - every function the headers declare; by
# default the installed ones, every header under include/.
public_functions() {
	local headers=("$@")

	((${#headers[@]})) ||
		mapfile -t headers < <(find "$MEMS_SRC/include" -name '*.h')
	grep -hoE '^[a-z][^(;]*\bmems_[a-z0-9_]+\(' "${headers[@]}" |
		grep -oE 'mems_[a-z0-9_]+\($' | tr -d '(' | sort
}

# map_versions - "symbol@@NODE" for each symbol scripts/libmems.map
# exports, sorted.
map_versions() {
	awk '/^[A-Za-z_][A-Za-z0-9_.]* *\{/ { node = $1; global = 0; next }
	     /global:/ { global = 1; next }
	     /local:/ { global = 0; next }
	     global && /^[ \t]*[a-z_][a-z0-9_]*;/ {
		sym = $1; sub(/;.*/, "", sym); print sym "@@" node
	     }' "$MEMS_SRC/scripts/libmems.map" | sort
}

# exported_versions - "symbol@@VERSION" for each function libmems.so
# exports, sorted.
exported_versions() {
	nm -D --defined-only "$BATS_FILE_TMPDIR/build/lib/libmems.so" |
		awk '$2 != "A" { print $3 }' | sort
}

@test "libmems.a references none of the C allocator's functions" {
	run nm -u "$BATS_FILE_TMPDIR/build/lib/libmems.a"
	assert_success
	# The listing is real: it shows what MeMS does call.
	assert_line --regexp '^ +U mmap$'
	assert_line --regexp '^ +U munmap$'
	refute_line --regexp "^ +U ($ALLOCATORS)\$"
}

@test "libmems.so references none of the C allocator's functions" {
	run nm -D --undefined-only "$BATS_FILE_TMPDIR/build/lib/libmems.so"
	assert_success
	assert_line --regexp '^ +U mmap(@.*)?$'
	assert_line --regexp '^ +U munmap(@.*)?$'
	refute_line --regexp "^ +U ($ALLOCATORS)(@.*)?\$"
}

@test "libmems.so leaves no symbol of its own undefined" {
	run nm -D --undefined-only "$BATS_FILE_TMPDIR/build/lib/libmems.so"
	assert_success
	refute_line --regexp '^ +U mems_'
	run ldd -r "$BATS_FILE_TMPDIR/build/lib/libmems.so"
	refute_output --partial 'undefined symbol'
}

@test "libmems.so exports exactly the functions of the public headers" {
	run public_functions
	assert_success
	assert_line mems_init
	assert_line mems_heap_create
	assert_line mems_heap_walk
	assert_line mems_policy_info
	run diff -u <(public_functions) \
		<(nm -D --defined-only "$BATS_FILE_TMPDIR/build/lib/libmems.so" |
		  awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort)
	assert_success
}

@test "libmems.so defines the version nodes MEMS_0, MEMS_0.2, MEMS_0.3 and MEMS_0.4" {
	run nm -D --defined-only "$BATS_FILE_TMPDIR/build/lib/libmems.so"
	assert_success
	assert_line --regexp ' A MEMS_0$'
	assert_line --regexp ' A MEMS_0\.2$'
	assert_line --regexp ' A MEMS_0\.3$'
	assert_line --regexp ' A MEMS_0\.4$'
}

@test "every symbol libmems.so exports carries the version libmems.map gives it" {
	run map_versions
	assert_success
	assert_line mems_malloc@@MEMS_0
	assert_line mems_heap_walk@@MEMS_0.2
	assert_line mems_heap_realloc@@MEMS_0.3
	run diff -u <(map_versions) <(exported_versions)
	assert_success
}

@test "the functions of <mems/introspect.h> carry the version MEMS_0.2, the range walk MEMS_0.4" {
	local function

	run exported_versions
	for function in $(public_functions "$MEMS_SRC/include/mems/introspect.h"); do
		if [ "$function" = mems_heap_walk_range ]; then
			assert_line "$function@@MEMS_0.4"
		else
			assert_line "$function@@MEMS_0.2"
		fi
	done
}

# The functions released under MEMS_0: a fact of the ABI, so written out.
mems_0_functions() {
	printf '%s\n' mems_init mems_finish mems_malloc mems_free mems_get \
		mems_print_stats mems_heap_create mems_heap_destroy \
		mems_heap_reset mems_heap_alloc mems_heap_free mems_heap_get \
		mems_heap_print_stats mems_heap_check mems_heap_set_policy \
		mems_heap_policy mems_heap_page_size mems_default_heap \
		mems_policy_name mems_default_policy | sort
}

@test "the functions released under MEMS_0 keep that version" {
	local function

	run exported_versions
	for function in $(mems_0_functions); do
		assert_line "$function@@MEMS_0"
	done
}

@test "the other functions of <mems.h> and <mems/heap.h> carry MEMS_0.3" {
	local function

	run exported_versions
	for function in $(comm -23 <(public_functions \
			  "$MEMS_SRC/include/mems.h" \
			  "$MEMS_SRC/include/mems/heap.h") <(mems_0_functions)); do
		assert_line "$function@@MEMS_0.3"
	done
	assert_line mems_heap_realloc@@MEMS_0.3
}

@test "libmems.a defines every function of the public headers" {
	run comm -23 <(public_functions) \
		<(nm -g --defined-only "$BATS_FILE_TMPDIR/build/lib/libmems.a" |
		  awk 'NF == 3 && $2 == "T" { print $3 }' | sort)
	assert_success
	assert_output ""
}

@test "libmems.a defines no global symbol outside the mems_ namespace" {
	run nm -g --defined-only "$BATS_FILE_TMPDIR/build/lib/libmems.a"
	assert_success
	assert_line --regexp ' T mems_malloc$'
	refute_line --regexp ' [A-Z] [^m]'
	refute_line --regexp ' [A-Z] m([^e]|e[^m]|em[^s]|ems[^_])'
}

@test "a program with its own meta_alloc and rb_erase links libmems.a" {
	cat > "$BATS_TEST_TMPDIR/prog.c" <<'PROG'
#include <mems.h>
int meta_alloc(void) { return 1; }
int rb_erase(void) { return 2; }
int main(void)
{
	mems_init();
	mems_free(mems_malloc(10));
	mems_finish();
	return meta_alloc() + rb_erase() - 3;
}
PROG
	run cc -I"$MEMS_SRC/include" -o "$BATS_TEST_TMPDIR/prog" \
		"$BATS_TEST_TMPDIR/prog.c" "$BATS_FILE_TMPDIR/build/lib/libmems.a"
	assert_success
	run "$BATS_TEST_TMPDIR/prog"
	assert_success
}
