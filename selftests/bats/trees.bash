# SPDX-License-Identifier: MIT
#
# trees.bash - the builds the bats tests share, and how each is made.
#
# Many tests need the same build: a defconfig one, a policy's defconfig,
# defconfig with one symbol changed.  Each has a name here.  `make check`
# builds every one once, beside its other builds, and hands them to the
# bats files in MEMS_TREES (a directory holding NAME/ and NAME.ok for
# each); a file run alone builds what it asks for itself, into its own
# scratch space (mems_tree and mems_tree_copy, in test_helper.bash).
# scripts/check sources this file too, so both build a tree the same way.
#
# Every tree must build without a compiler warning, whoever builds it:
# a warning fails its build as -Werror would, without a CFLAGS that every
# later make in the tree would have to repeat.

MEMS_SRC=${MEMS_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# choice_policies - the policies of the default-policy choice in
# policy/Kconfig, one a line in its order, spelled as users name them:
# MEMS_POLICY_FIRST_FIT is first-fit.
choice_policies() {
	sed -n '/^choice/,/^endchoice/s/^config MEMS_POLICY_//p' \
		"$MEMS_SRC/policy/Kconfig" | tr 'A-Z_' 'a-z-'
}

# policy_defconfig POLICY - the make target that configures POLICY as
# the default: first_fit_defconfig for first-fit.
policy_defconfig() {
	echo "${1//-/_}_defconfig"
}

# tree_names - every shared build, one name a line.
tree_names() {
	local policy

	echo defconfig
	for policy in $(choice_policies); do
		policy_defconfig "$policy"
	done
	printf '%s\n' clang linear no-next hintless notrace \
		page64 page1 page3000 page16384 base4096 align16 next \
		rand1 rand2 rand3
}

# tree_make DIR ARGS... - make in the source tree, building into DIR.
tree_make() {
	local dir=$1
	shift
	make -C "$MEMS_SRC" --no-print-directory O="$dir" "$@"
}

# tree_build NAME DIR - configure and build the tree NAME in DIR, with
# the log in DIR.log; on a failure or a compiler warning the log is
# printed and the status is 1.
tree_build() {
	local name=$1 dir=$2 config=defconfig seed=
	local -a tweaks=() args=()

	case $name in
	defconfig | *_defconfig) config=$name ;;
	# mems-dump's tests want it warning-free under clang too.
	clang) args=(CC=clang CFLAGS=-Werror) ;;
	# The references, and the bench that can time them.
	linear)
		tweaks=(--enable MEMS_LINEAR_POLICIES)
		args=(all "$dir/tools/bench/mems-bench")
		;;
	no-next) tweaks=(--disable MEMS_NEXT_FIT) ;;
	hintless) tweaks=(--disable MEMS_SEGV_HINT) ;;
	notrace) tweaks=(--disable MEMS_TRACE) ;;
	page64 | page1 | page3000 | page16384)
		tweaks=(--set-val MEMS_PAGE_SIZE "${name#page}")
		;;
	base4096) tweaks=(--set-val MEMS_VIRT_BASE 4096) ;;
	align16) tweaks=(--set-val MEMS_ALIGN 16) ;;
	# The choice switched by hand, as config.bats does it.
	next)
		tweaks=(--enable MEMS_POLICY_NEXT_FIT
			--disable MEMS_POLICY_FIRST_FIT)
		;;
	# randconfig, KCONFIG_SEED=N.
	rand[1-9]*) config=randconfig seed=${name#rand} ;;
	*)
		echo "no shared build is named '$name' (selftests/bats/trees.bash)"
		return 1
		;;
	esac
	mkdir -p "$dir"
	if ! {
		KCONFIG_SEED=$seed tree_make "$dir" "$config" &&
			{ ((${#tweaks[@]} == 0)) ||
			  { kconfig-tweak --file "$dir/.config" \
				"${tweaks[@]}" &&
			    tree_make "$dir" olddefconfig; }; } &&
			tree_make "$dir" -j2 "${args[@]}"
	} >"$dir.log" 2>&1 || grep -q ': warning: ' "$dir.log"; then
		cat "$dir.log"
		return 1
	fi
}
