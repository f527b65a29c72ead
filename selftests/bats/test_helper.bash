# SPDX-License-Identifier: MIT
#
# test_helper.bash - what the bats tests of the user's flows share.
#
# Every build goes to an O= directory under the test's scratch space and
# never into the source tree, whose .config may be someone's work.  The
# expected outputs of the classic demo are the contract's golden files,
# kept in the tree in selftests/bats/data/golden: a fresh clone runs
# every test, and a golden that is missing fails the test that needs it.
#
# No test spells out the list of placement policies.  What a build offers
# is asked of its mems-info (built_policies, user_policies); what the
# configuration offers is read from the default-policy choice in
# policy/Kconfig (choice_policies).  A new policy is then tested
# everywhere as soon as it is registered, and a test that has no golden
# for it fails.

bats_load_library bats-support
bats_load_library bats-assert

MEMS_SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
MEMS_GOLDEN=$MEMS_SRC/selftests/bats/data/golden
# The shared builds, and choice_policies and policy_defconfig.
load trees

# A make or a shell of the caller must not leak in: `make -s check` would
# silence the build lines some tests read, O= or KCONFIG_CONFIG would
# redirect the configuration, MEMS_POLICY would change what the demo does.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES O V KBUILD_VERBOSE
unset KCONFIG_CONFIG KCONFIG_ALLCONFIG KCONFIG_SEED MEMS_POLICY
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

# mems_make DIR ARGS... - make in the source tree, building into DIR.
# --no-print-directory: -C would otherwise add "Entering directory" to
# the output the tests compare.
mems_make() {
	local dir=$1
	shift
	make -C "$MEMS_SRC" --no-print-directory O="$dir" "$@"
}

# mems_build DIR CONFIG [MAKE-ARGS...] - configure DIR from configs/CONFIG
# and build it, with MAKE-ARGS (CFLAGS=-Werror, say); on failure the
# build log is printed, so that bats shows it.
mems_build() {
	local dir=$1 config=$2
	shift 2

	if ! mems_make "$dir" "$config" >"$dir.log" 2>&1 ||
	   ! mems_make "$dir" -j2 "$@" >>"$dir.log" 2>&1; then
		cat "$dir.log"
		return 1
	fi
}

# shared_tree NAME - true when make check handed in the tree NAME of
# trees.bash, built.
shared_tree() {
	[ -n "${MEMS_TREES:-}" ] && [ -e "$MEMS_TREES/$1.ok" ]
}

# need_tree NAME - nothing when NAME is handed in or may be built here;
# a skip under make check-quick (MEMS_CHECK_QUICK), which builds the
# defconfig alone: make check runs the test.
need_tree() {
	shared_tree "$1" || [ -z "${MEMS_CHECK_QUICK:-}" ] ||
		skip "needs the build '$1', which make check-quick leaves to make check"
}

# mems_tree NAME DIR - DIR is the shared build NAME (trees.bash), to run
# and read, never to change: a link to the one make check built, else
# built here.  make O=DIR run works through the link: nothing is out of
# date there, so nothing is written.
mems_tree() {
	local name=$1 dir=$2

	need_tree "$name"
	if shared_tree "$name"; then
		ln -sfn "$MEMS_TREES/$name" "$dir"
	else
		tree_build "$name" "$dir"
	fi
}

# mems_tree_copy NAME DIR - DIR is the build NAME for the test to change:
# to reconfigure, rebuild, install from.  A copy of the one make check
# built (tar keeps the times, so make finds it up to date, and the rules
# fixdep wrote are moved to DIR), else built here.  The selftests make
# check built in it are left out: the copy is the build of `make`.
mems_tree_copy() {
	local name=$1 dir=$2 from

	need_tree "$name"
	if ! shared_tree "$name"; then
		tree_build "$name" "$dir"
		return
	fi
	from=$MEMS_TREES/$name
	mkdir -p "$dir" &&
		tar -C "$from" --exclude=./selftests-out -cf - . |
		tar -C "$dir" -xf - || return
	find "$dir" -name '.*.cmd' -exec sed -i "s|$from/|$dir/|g" {} +
}

# mems_rebuild DIR - olddefconfig after a kconfig-tweak, then build.
mems_rebuild() {
	local dir=$1

	if ! mems_make "$dir" olddefconfig >"$dir.log" 2>&1 ||
	   ! mems_make "$dir" -j2 >>"$dir.log" 2>&1; then
		cat "$dir.log"
		return 1
	fi
}

# into FILE COMMAND... - COMMAND with its stdout in FILE: `run` keeps only
# what the shell returns, trailing newlines stripped, and the demo's
# output must be compared byte for byte.
into() {
	local file=$1
	shift
	"$@" >"$file"
}

# require_golden [POLICY] - fail unless the golden outputs are there, and
# the classic demo's golden for POLICY when one is named.  Never a skip:
# the goldens are part of the tree.
require_golden() {
	local file=$MEMS_GOLDEN

	[ -z "${1:-}" ] || file=$MEMS_GOLDEN/classic-$1.out
	[ -e "$file" ] || fail "no golden output: $file"
}

# golden POLICY - the path of the classic demo's golden output for POLICY.
golden() {
	echo "$MEMS_GOLDEN/classic-$1.out"
}

# built_policies DIR - every policy the build in DIR has, references
# included, one a line in the registry's order.
built_policies() {
	"$1/tools/mems-info" --policies
}

# user_policies DIR - the policies the build in DIR offers users: those
# its registry does not flag as references, one a line in its order.
user_policies() {
	local table

	table=$("$1/tools/mems-info" --policy-table) || return
	awk -F '\t' '$2 !~ /(^|,)reference(,|$)/ { print $1 }' <<<"$table"
}

# reference_policies DIR - the linear references the build in DIR has.
reference_policies() {
	local table

	table=$("$1/tools/mems-info" --policy-table) || return
	awk -F '\t' '$2 ~ /(^|,)reference(,|$)/ { print $1 }' <<<"$table"
}

# policy_symbol POLICY - its entry in the choice: CONFIG_MEMS_POLICY_FIRST_FIT.
policy_symbol() {
	local symbol=${1^^}

	echo "CONFIG_MEMS_POLICY_${symbol//-/_}"
}

# mask_phys - the one machine-dependent number of the demo, as in golden/.
mask_phys() {
	sed -E 's/(Physical Address: )[0-9]+/\1<PHYS>/'
}

# assert_golden FILE POLICY - FILE is, byte for byte, the classic demo's
# output for POLICY once the physical address is masked.
assert_golden() {
	local file=$1 policy=$2
	require_golden "$policy"
	run diff -u "$(golden "$policy")" <(mask_phys <"$file")
	assert_success
}

# demo_first_part - from a classic demo's output on stdin, the ten
# "Virtual address: N" lines and the first report: the part of it that
# the layout configuration shapes.
demo_first_part() {
	awk '/^Virtual address: [0-9]+$/ { print; next }
	     /^----- MeMS SYSTEM STATS -----$/ { inside = 1 }
	     inside { print }
	     inside && /^-----------------------------$/ { exit }'
}

# expected_demo_first_part PAGE_SIZE VIRT_BASE ALIGN - what
# demo_first_part must print, worked out from the contract alone: ten
# requests of 1000 bytes rounded up to ALIGN, each carved from the low end
# of the lowest hole that holds it (no hole but a node's tail exists
# before the first free), else from a new node of whole pages that starts
# right after the previous one.
expected_demo_first_part() {
	local page=$1 base=$2 align=$3
	local n=$(((1000 + align - 1) / align * align))
	local -a vstart=() vend=() tail=() procs=() count=()
	local next=$base nodes=0 i k size line pages=0 unused=0 lengths=

	for ((k = 0; k < 10; k++)); do
		for ((i = 0; i < nodes; i++)); do
			((vend[i] - tail[i] + 1 >= n)) && break
		done
		if ((i == nodes)); then
			size=$(((n + page - 1) / page * page))
			vstart[i]=$next vend[i]=$((next + size - 1))
			tail[i]=$next procs[i]='' count[i]=0
			next=$((next + size))
			nodes=$((nodes + 1))
		fi
		echo "Virtual address: ${tail[i]}"
		procs[i]+=" P[${tail[i]}:$((tail[i] + n - 1))] <->"
		count[i]=$((count[i] + 1))
		tail[i]=$((tail[i] + n))
	done

	echo '----- MeMS SYSTEM STATS -----'
	for ((i = 0; i < nodes; i++)); do
		line="MAIN[${vstart[i]}:${vend[i]}]->${procs[i]}"
		if ((tail[i] <= vend[i])); then
			line+=" H[${tail[i]}:${vend[i]}] <->"
			count[i]=$((count[i] + 1))
			unused=$((unused + vend[i] - tail[i] + 1))
		fi
		echo "$line NULL"
		pages=$((pages + (vend[i] - vstart[i] + 1) / page))
		lengths+="${count[i]}, "
	done
	printf 'Pages used:\t%s\n' "$pages"
	printf 'Space unused:\t%s\n' "$unused"
	printf 'Main Chain Length:\t%s\n' "$nodes"
	echo "Sub-chain Length array: [$lengths]"
	echo '-----------------------------'
}

# assert_demo_layout DIR PAGE_SIZE VIRT_BASE ALIGN - the demo built in DIR
# lays its first ten blocks out as the contract says for that layout.
assert_demo_layout() {
	local dir=$1
	shift
	local demo

	run "$dir/samples/classic"
	assert_success
	demo=$output
	run diff -u <(expected_demo_first_part "$@") \
		<(demo_first_part <<<"$demo")
	assert_success
}

# compiled_objects - the objects a quiet build's output says it compiled.
compiled_objects() {
	sed -n 's/^  CC      \(.*\.o\)$/\1/p' <<<"$output"
}

# assert_nothing_rebuilt DIR - make in DIR prints no build step and
# writes no file.  (No "Nothing to be done" check: make may still run
# an empty recipe.)
assert_nothing_rebuilt() {
	local stamp=$BATS_TEST_TMPDIR/stamp

	touch "$stamp"
	sleep 0.1
	run mems_make "$1"
	echo "$output"
	assert_success
	assert_equal "$(grep -E '^  [A-Z]+ +[^ ]+$' <<<"$output")" ""
	run find "$1" -newer "$stamp" ! -type d
	assert_output ""
}

# words COMMAND... - COMMAND's output as words joined by single spaces:
# pkg-config versions differ in the spaces they leave.
words() {
	local out

	out=$("$@") || return
	# shellcheck disable=SC2086
	echo $out
}

# churn_rep SEED OPS LIVE [REALLOC [LARGE]] - a malloclab .rep trace of
# OPS operations drawn from SEED, at most LIVE blocks live, so that the
# state stays the size of a program's however many the steps: a free of
# a live block four times in ten (always at LIVE), else a realloc of one
# with the share REALLOC (default 0.1), else a malloc, of 4000 bytes or
# more with the share LARGE (default 0.05), else of up to 2500.  A share
# of 0 draws no number for it, so the other draws stay as they were.
churn_rep() {
	awk -v seed="$1" -v ops="$2" -v most="$3" -v realloc="${4:-0.1}" \
		-v large="${5:-0.05}" 'BEGIN {
		srand(seed)
		ids = nlive = 0
		for (n = 0; n < ops; n++) {
			if (nlive && (rand() < 0.4 || nlive >= most)) {
				i = int(rand() * nlive)
				line[n] = "f " live[i]
				live[i] = live[--nlive]
			} else if (nlive && realloc > 0 && rand() < realloc) {
				line[n] = "r " live[int(rand() * nlive)] " " \
					1 + int(rand() * 3000)
			} else {
				size = large > 0 && rand() < large ? \
					4000 + int(rand() * 9000) : \
					1 + int(rand() * 2500)
				line[n] = "a " ids " " size
				live[nlive++] = ids++
			}
		}
		print 100000; print ids; print ops; print 1
		for (n = 0; n < ops; n++)
			print line[n]
	}'
}
