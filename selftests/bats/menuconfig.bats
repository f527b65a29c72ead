#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# menuconfig.bats - `make menuconfig`, driven through a tmux terminal.
#
# Each test has its own tmux server (its socket in the test's scratch
# directory), so that teardown can end it and nothing else.  The
# default-policy choice sits in policy/Kconfig, sourced at the top: it is
# on the first screen, and offers every policy of that choice.

bats_require_minimum_version 1.5.0
load test_helper

setup() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	command -v kconfig-mconf >/dev/null || skip "kconfig-mconf is not installed"
	DIR=$BATS_TEST_TMPDIR/build
	SOCKET=$BATS_TEST_TMPDIR/tmux.sock
	mems_make "$DIR" defconfig >/dev/null
	cp "$DIR/.config" "$BATS_TEST_TMPDIR/config.before"
}

teardown() {
	tmux -S "$SOCKET" kill-server 2>/dev/null || true
}

# start_menuconfig - menuconfig on a 100x30 terminal; its exit status
# lands in $BATS_TEST_TMPDIR/status when it ends.
start_menuconfig() {
	local command="make -C '$MEMS_SRC' --no-print-directory O='$DIR' menuconfig"

	tmux -S "$SOCKET" new-session -d -s menu -x 100 -y 30 \
		"$command; echo \$? >'$BATS_TEST_TMPDIR/status'"
}

capture_screen() {
	tmux -S "$SOCKET" capture-pane -p -t menu
}

# wait_for TEXT - until the screen shows TEXT, for at most 10 s.
wait_for() {
	local i

	for ((i = 0; i < 50; i++)); do
		capture_screen 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.2
	done
	echo "the screen never showed '$1'; it shows:"
	capture_screen
	return 1
}

# wait_for_exit - until menuconfig has ended, for at most 10 s.
wait_for_exit() {
	local i

	for ((i = 0; i < 50; i++)); do
		[ -s "$BATS_TEST_TMPDIR/status" ] && return 0
		sleep 0.2
	done
	echo "menuconfig did not end; the screen shows:"
	capture_screen
	return 1
}

keys() {
	tmux -S "$SOCKET" send-keys -t menu "$@"
}

@test "menuconfig's first screen offers the default placement policy, first-fit" {
	start_menuconfig
	wait_for "Default placement policy"
	run capture_screen
	assert_output --partial "Default placement policy (first-fit)  --->"
	assert_output --partial "Memory layout  --->"
	keys Escape
	sleep 0.3
	keys Escape
	wait_for_exit
}

@test "menuconfig's policy choice offers every policy of policy/Kconfig, first-fit chosen" {
	local policy

	start_menuconfig
	wait_for "Default placement policy (first-fit)"
	keys Enter
	wait_for "(X) first-fit"
	run capture_screen
	echo "$output"
	for policy in $(choice_policies); do
		if [ "$policy" = first-fit ]; then
			assert_output --partial "(X) $policy"
		else
			assert_output --partial "( ) $policy"
		fi
	done
	# One radio button per entry of the choice, no more.
	assert_equal "$(grep -cE '\([X ]\) [a-z]' <<<"$output")" \
		"$(choice_policies | wc -l)"
	# Esc Esc leaves the choice unchanged, and again menuconfig.
	keys Escape
	sleep 0.3
	keys Escape
	wait_for "Memory layout  --->"
	keys Escape
	sleep 0.3
	keys Escape
	wait_for_exit
	run diff -u "$BATS_TEST_TMPDIR/config.before" "$DIR/.config"
	assert_success
}

@test "Esc Esc leaves menuconfig without changing .config" {
	start_menuconfig
	wait_for "Default placement policy"
	keys Escape
	sleep 0.3
	keys Escape
	wait_for_exit
	run cat "$BATS_TEST_TMPDIR/status"
	assert_output 0
	run diff -u "$BATS_TEST_TMPDIR/config.before" "$DIR/.config"
	assert_success
	run tmux -S "$SOCKET" has-session -t menu
	assert_failure
}

@test "choosing best-fit in menuconfig and saving makes it the built default" {
	start_menuconfig
	wait_for "Default placement policy (first-fit)"
	keys Enter
	wait_for "( ) best-fit"
	keys Down
	sleep 0.3
	keys Enter
	wait_for "Default placement policy (best-fit)"
	keys Escape
	sleep 0.3
	keys Escape
	wait_for "Do you wish to save your new configuration?"
	keys Enter
	wait_for_exit
	run cat "$BATS_TEST_TMPDIR/status"
	assert_output 0
	run grep -E '^CONFIG_MEMS_POLICY_[A-Z_]+_FIT=y$' "$DIR/.config"
	assert_output CONFIG_MEMS_POLICY_BEST_FIT=y
	mems_make "$DIR" -j2 >/dev/null
	run "$DIR/tools/mems-info" --default-policy
	assert_output best-fit
}
