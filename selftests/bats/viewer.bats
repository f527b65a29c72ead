#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# viewer.bats - the page of mems-dump --format html, in a real browser.
#
# Debian's chromium loads each page headless, one browser for the file
# (selftests/browser/dom-server.mjs; a chromium --dump-dom per page when
# puppeteer-core is not installed).  The DOM after the page's script
# ran, as --dump-dom gives it: the nodes and segments it drew must
# be those of mems-dump --at K --format json, and #report the text dump
# of the same step.  Keys, the slider and console errors need a browser
# driven from a script: selftests/browser/viewer-keys.mjs, with
# puppeteer-core on the system chromium (npm ci in selftests/browser;
# nothing is downloaded at run time).  The traces are random, drawn
# from a seed printed with any failure, so a failing one can be drawn
# again.

bats_require_minimum_version 1.5.0
load test_helper

DATA=$BATS_TEST_DIRNAME/data
BROWSER=$MEMS_SRC/selftests/browser

setup_file() {
	# Warning-free: a build of trees.bash fails on a warning.
	mems_tree defconfig "$BATS_FILE_TMPDIR/build"
	start_dom_server
}

teardown_file() {
	local pid=$BATS_FILE_TMPDIR/dom-server.pid

	[ ! -s "$pid" ] || kill "$(cat "$pid")" 2>/dev/null || true
}

# start_dom_server - one chromium for every dom below, driven by
# dom-server.mjs, when node, puppeteer-core and curl are there; without
# them each dom starts a chromium of its own.
start_dom_server() {
	local dir=$BATS_FILE_TMPDIR i

	command -v node >/dev/null && command -v curl >/dev/null &&
		[ -d "$BROWSER/node_modules/puppeteer-core" ] || return 0
	# fd 3 closed: bats waits for whoever holds it.
	node "$BROWSER/dom-server.mjs" "$dir/dom-port" \
		>"$dir/dom-server.log" 2>&1 3>&- &
	echo $! >"$dir/dom-server.pid"
	for ((i = 0; i < 600; i++)); do
		[ -s "$dir/dom-port" ] && return
		kill -0 "$(cat "$dir/dom-server.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "dom-server.mjs did not start:"
	cat "$dir/dom-server.log"
	return 1
}

setup() {
	command -v chromium >/dev/null ||
		fail "chromium is needed: apt-get install chromium"
}

mems_dump() {
	"$BATS_FILE_TMPDIR/build/tools/mems-dump" "$@"
}

compared_policies() {
	"$BATS_FILE_TMPDIR/build/tools/mems-info" --policy-table |
		awk -F'\t' '$2 !~ /reference/ {print $1}'
}

# random_rep SEED OPS - a malloclab .rep trace of OPS operations drawn
# from SEED: small and page-sized blocks, frees and reallocs of live
# ones, so that nodes fill, split, merge and grow.
random_rep() {
	awk -v seed="$1" -v ops="$2" 'BEGIN {
		srand(seed)
		ids = nlive = 0
		for (n = 0; n < ops; n++) {
			r = rand()
			if (nlive && r < 0.35) {
				i = int(rand() * nlive)
				line[n] = "f " live[i]
				live[i] = live[--nlive]
			} else if (nlive && r < 0.45) {
				line[n] = "r " live[int(rand() * nlive)] " " \
					1 + int(rand() * 3000)
			} else {
				size = rand() < 0.15 ? 4000 + int(rand() * 9000) : \
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

# dom FILE.html FRAGMENT - the DOM of the page once its script ran.
dom() {
	local port=$BATS_FILE_TMPDIR/dom-port

	if [ -s "$port" ]; then
		curl -sSfG --data-urlencode "url=file://$1$2" \
			"http://127.0.0.1:$(cat "$port")/dom"
		return
	fi
	chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$BATS_TEST_TMPDIR/profile" \
		--dump-dom "file://$1$2" 2>/dev/null
}

# text_at TRACE STEP ARGS... - the text dump of STEP, without its label.
text_at() {
	local trace=$1 step=$2
	shift 2
	mems_dump --at "$step" "$@" "$trace" |
		awk -v label="# step $step" '$0 == label { on = 1; next }
			/^# / { on = 0 } on'
}

# assert_state PAGE FRAGMENT TRACE STEP [POLICY] - the page opened at
# FRAGMENT shows the state of STEP of TRACE replayed on POLICY (the
# trace's own when none): its first panel, or POLICY's panel when the
# page has several.
assert_state() {
	local page=$1 fragment=$2 trace=$3 step=$4 policy=${5:-}
	local out=$BATS_TEST_TMPDIR/state opts=()

	[ -z "$policy" ] || opts=(--policy "$policy")
	dom "$page" "$fragment" >"$out.dom"
	grep -q 'data-ready="true"' "$out.dom" ||
		fail "the page did not start: $(grep -o 'cannot show[^<]*' "$out.dom")"
	grep -q "data-step=\"$step\"" "$out.dom" ||
		fail "$fragment: the page is not at step $step"
	mems_dump --at "$step" --format json "${opts[@]}" "$trace" >"$out.json"
	python3 "$BROWSER/chains.py" dom "$out.dom" ${policy:+"$policy"} \
		>"$out.dom.chains"
	python3 "$BROWSER/chains.py" json "$out.json" "$step" >"$out.json.chains"
	[ -s "$out.json.chains" ] || [ "$step" -le 1 ] ||
		fail "step $step of $trace: no node at all, a poor test"
	run diff -u "$out.json.chains" "$out.dom.chains"
	assert_success
	python3 "$BROWSER/chains.py" report "$out.dom" >"$out.report"
	text_at "$trace" "$step" "${opts[@]}" >"$out.text"
	run diff -u "$out.text" "$out.report"
	assert_success
}

# steps_of TRACE - how many steps TRACE has, as the page counts them.
steps_of() {
	mems_dump --format json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print((d[-1] if isinstance(d, list) else d)["step"])'
}

@test "the page is one file that fetches nothing" {
	mems_dump --format html -o "$BATS_TEST_TMPDIR/v.html" "$DATA/classic.trace"
	run grep -Eci '(src|href)=|@import|url\(|fetch\(|XMLHttpRequest' \
		"$BATS_TEST_TMPDIR/v.html"
	assert_output 0
	# The script and style are the tree's files, as they are.
	grep -qF "$(sed -n 2p "$MEMS_SRC/tools/dump/viewer/viewer.js")" \
		"$BATS_TEST_TMPDIR/v.html"
	grep -qF "$(sed -n 2p "$MEMS_SRC/tools/dump/viewer/viewer.css")" \
		"$BATS_TEST_TMPDIR/v.html"
}

@test "usage errors of --format html" {
	run -2 mems_dump --format html --at 3 "$DATA/classic.trace"
	assert_output --partial 'takes no --at'
	run -2 mems_dump --format html "$DATA/classic.trace" "$DATA/reuse.trace"
	assert_output --partial 'one trace'
	run -2 mems_dump --compare --format svg "$DATA/classic.trace"
}

@test "the classic demo at each step equals mems-dump --at" {
	local page=$BATS_TEST_TMPDIR/classic.html step

	mems_dump --format html -o "$page" "$DATA/classic.trace"
	for step in 2 11 15 16 17 19; do
		assert_state "$page" "#step=$step" "$DATA/classic.trace" "$step"
	done
	# No fragment: the last step.
	assert_state "$page" "" "$DATA/classic.trace" 19
}

@test "random traces on each policy equal mems-dump --at" {
	local seed=${MEMS_VIEWER_SEED:-$RANDOM} policy trace page n k

	echo "# seed $seed (MEMS_VIEWER_SEED=$seed draws it again)" >&3
	for policy in $(compared_policies); do
		trace=$BATS_TEST_TMPDIR/$policy.rep
		page=$BATS_TEST_TMPDIR/$policy.html
		random_rep "$((seed + ${#policy}))" 90 >"$trace"
		mems_dump --policy "$policy" --format html -o "$page" "$trace"
		n=$(steps_of "$trace")
		[ "$n" -eq 90 ]
		k=$((1 + (seed + ${#policy}) % n))
		for step in $((n / 3)) $((2 * n / 3)) "$k"; do
			assert_state "$page" "#step=$step" "$trace" "$step" "$policy"
		done
		assert_state "$page" "" "$trace" "$n" "$policy"
	done
}

@test "trimmed nodes leave the chain in the page as in the replay" {
	local seed=${MEMS_VIEWER_SEED:-$RANDOM} trace page

	echo "# seed $seed" >&3
	trace=$BATS_TEST_TMPDIR/trim.rep
	page=$BATS_TEST_TMPDIR/trim.html
	random_rep "$seed" 120 >"$trace"
	# Every emptied node unmapped: nodes go from the middle of the chain.
	mems_dump --trim-threshold 0 --format html -o "$page" "$trace"
	for step in 40 80 119; do
		dom "$page" "#step=$step" >"$BATS_TEST_TMPDIR/t.dom"
		python3 "$BROWSER/chains.py" dom "$BATS_TEST_TMPDIR/t.dom" \
			>"$BATS_TEST_TMPDIR/t.dom.chains"
		mems_dump --trim-threshold 0 --at "$step" --format json "$trace" \
			>"$BATS_TEST_TMPDIR/t.json"
		python3 "$BROWSER/chains.py" json "$BATS_TEST_TMPDIR/t.json" \
			"$step" >"$BATS_TEST_TMPDIR/t.json.chains"
		run diff -u "$BATS_TEST_TMPDIR/t.json.chains" \
			"$BATS_TEST_TMPDIR/t.dom.chains"
		assert_success
	done
}

@test "--compare shows every policy, the one the URL names first" {
	local trace=$BATS_TEST_TMPDIR/cmp.rep page=$BATS_TEST_TMPDIR/cmp.html
	local seed=${MEMS_VIEWER_SEED:-$RANDOM} policy panels

	echo "# seed $seed" >&3
	random_rep "$seed" 60 >"$trace"
	mems_dump --compare --format html -o "$page" "$trace"
	for policy in $(compared_policies); do
		assert_state "$page" "#step=37&policy=$policy" "$trace" 37 "$policy"
		# The first panel is that policy's: it holds #report.
		panels=$(grep -o 'class="panel" data-policy="[^"]*"' \
			"$BATS_TEST_TMPDIR/state.dom" | sed 's/.*="//; s/"$//')
		assert_equal "$(echo "$panels" | head -1)" "$policy"
		assert_equal "$(echo "$panels" | sort)" "$(compared_policies | sort)"
	done
}

@test "a 100000-step trace makes a small page that opens at its end" {
	local trace=$BATS_TEST_TMPDIR/big.rep page=$BATS_TEST_TMPDIR/big.html
	local start elapsed

	# At most 400 blocks live, so the state stays the size of a real
	# program's while the steps are many.
	churn_rep 1 100000 400 0 >"$trace"
	mems_dump --format html -o "$page" "$trace"
	# The page holds changes, not states: a few times the trace.
	[ "$(stat -c %s "$page")" -le $((4 * $(stat -c %s "$trace"))) ] ||
		fail "$(stat -c %s "$page") bytes of page for $(stat -c %s "$trace") of trace"
	start=$(date +%s)
	assert_state "$page" "" "$trace" 100000
	elapsed=$(($(date +%s) - start))
	# For the log only: a test fails on a wrong state, never on a slow
	# machine; tools.rst gives the figures measured.
	echo "# the page opened at its end in $elapsed s" >&3
	assert_state "$page" "#step=2" "$trace" 2
	assert_state "$page" "#step=77777" "$trace" 77777
}

@test "the viewer's script alone: its report, its jumps through keyframes, its figures" {
	local seed=${MEMS_VIEWER_SEED:-$RANDOM} trace=$BATS_TEST_TMPDIR/m.rep

	command -v node >/dev/null || fail "node is needed: apt-get install nodejs"
	echo "# seed $seed" >&3
	random_rep "$seed" 3000 >"$trace"
	mems_dump --compare --format html -o "$BATS_TEST_TMPDIR/m.html" "$trace"
	mems_dump --trim-threshold 0 --format html -o "$BATS_TEST_TMPDIR/t.html" \
		"$trace"
	VIEWER_PAGES=$BATS_TEST_TMPDIR/m.html:$BATS_TEST_TMPDIR/t.html \
		run node --test "$BROWSER/viewer-model.test.mjs"
	assert_success
	assert_line '# fail 0'
	assert_line '# pass 6'
}

@test "keys, buttons and the slider land on the right states" {
	local trace=$BATS_TEST_TMPDIR/keys.rep page=$BATS_TEST_TMPDIR/keys.html
	local expected=$BATS_TEST_TMPDIR/expected seed=${MEMS_VIEWER_SEED:-$RANDOM}

	[ -d "$BROWSER/node_modules/puppeteer-core" ] ||
		fail "puppeteer-core is needed: npm ci --prefix selftests/browser"
	echo "# seed $seed" >&3
	random_rep "$seed" 40 >"$trace"
	mems_dump --format html -o "$page" "$trace"
	# The report of every step, from the text dumps: report-K.txt.
	mkdir -p "$expected"
	mems_dump --at "$(seq -s, 1 40)" "$trace" |
		awk -v dir="$expected" '/^# step / { file = dir "/report-" $3 ".txt"; next }
			{ print > file }'
	[ -s "$expected/report-40.txt" ]
	run node "$BROWSER/viewer-keys.mjs" "$page" "$expected" 40
	assert_success
	assert_output --partial 'ok: '
}

@test "a console error fails the browser test" {
	local page=$BATS_TEST_TMPDIR/broken.html

	[ -d "$BROWSER/node_modules/puppeteer-core" ] ||
		fail "puppeteer-core is needed: npm ci --prefix selftests/browser"
	mkdir -p "$BATS_TEST_TMPDIR/none"
	# A page whose data is cut short must be reported, not pass quietly.
	mems_dump --format html "$DATA/classic.trace" | sed '/^x|/d' >"$page"
	run node "$BROWSER/viewer-keys.mjs" "$page" "$BATS_TEST_TMPDIR/none" 19
	assert_failure
	assert_output --partial 'console'
}

# keyframe_steps PAGE - the step of each keyframe of the page's first
# policy, one a line: the state after that step is written whole.
keyframe_steps() {
	awk '/^@0$/ { on = 1; next } /^@/ { on = 0 } /^<\/script>/ { on = 0 }
	     on && /^=/ { print k; next } on && /\|/ { k++ }' "$1"
}

@test "steps at, right after and far from a keyframe equal mems-dump --at" {
	local trace=$BATS_TEST_TMPDIR/kf.rep page=$BATS_TEST_TMPDIR/kf.html
	local first second step

	churn_rep 11 6000 300 0 0 >"$trace"
	mems_dump --format html -o "$page" "$trace"
	run keyframe_steps "$page"
	assert_success
	[ "${#lines[@]}" -ge 3 ] || fail "only ${#lines[@]} keyframes"
	first=${lines[1]} second=${lines[2]}
	echo "# keyframes after steps $first and $second" >&3
	for step in "$first" $((first + 1)) $(((first + second) / 2)) \
		$((second - 1)) "$second" $((second + 1)); do
		assert_state "$page" "#step=$step" "$trace" "$step"
	done
}

# count_seg_elements DOM - how many [data-seg] elements the DOM holds
# (the script's text names the attribute too, with no number).
count_seg_elements() {
	grep -o 'data-seg="[0-9]' "$1" | wc -l
}

# segments_at TRACE STEP - how many segments the text dump of STEP lists.
segments_at() {
	text_at "$1" "$2" | grep -o '[PH]\[' | wc -l
}

@test "above the threshold the chains are drawn on a canvas, below as elements" {
	local trace=$BATS_TEST_TMPDIR/cv.rep page=$BATS_TEST_TMPDIR/cv.html
	local out=$BATS_TEST_TMPDIR/cv.dom segs

	random_rep 5 90 >"$trace"
	mems_dump --format html -o "$page" "$trace"
	segs=$(segments_at "$trace" 60)
	[ "$segs" -gt 10 ]
	# The default threshold: one element per segment, the DOM contract.
	assert_state "$page" "#step=60" "$trace" 60
	grep -q 'class="chains-canvas"' "$BATS_TEST_TMPDIR/state.dom" &&
		fail "a canvas below the threshold"
	# A threshold lowered under the state's segments: a canvas, no
	# element per segment, and the report still the whole text dump.
	dom "$page" "#step=60&canvas=10" >"$out"
	grep -q 'data-step="60"' "$out"
	run count_seg_elements "$out"
	assert_output 0
	grep -o '<canvas class="chains-canvas"[^>]*>' "$out" | head -n 1 |
		grep -q "data-segs=\"$segs\"" ||
		fail "no canvas of $segs segments: $(grep -o '<canvas[^>]*>' "$out")"
	python3 "$BROWSER/chains.py" report "$out" >"$out.report"
	text_at "$trace" 60 >"$out.text"
	run diff -u "$out.text" "$out.report"
	assert_success
	# At the threshold itself, elements again.
	dom "$page" "#step=60&canvas=$segs" >"$out"
	run count_seg_elements "$out"
	assert_output "$segs"
}

@test "a state of thousands of segments is drawn on a canvas by default" {
	local trace=$BATS_TEST_TMPDIR/many.rep page=$BATS_TEST_TMPDIR/many.html
	local out=$BATS_TEST_TMPDIR/many.dom segs

	# 6000 small blocks, every other one freed: some 6000 segments.
	awk 'BEGIN {
		print 100000; print 6000; print 9000; print 1
		for (i = 0; i < 6000; i++)
			print "a " i " " 16 + i % 48
		for (i = 0; i < 6000; i += 2)
			print "f " i
	}' >"$trace"
	mems_dump --format html -o "$page" "$trace"
	segs=$(segments_at "$trace" 9000)
	[ "$segs" -gt 5000 ]
	dom "$page" "" >"$out"
	grep -q 'data-step="9000"' "$out"
	run count_seg_elements "$out"
	assert_output 0
	grep -o '<canvas class="chains-canvas"[^>]*>' "$out" |
		grep -q "data-segs=\"$segs\"" || fail "no canvas of $segs segments"
	python3 "$BROWSER/chains.py" report "$out" >"$out.report"
	text_at "$trace" 9000 >"$out.text"
	run diff -u "$out.text" "$out.report"
	assert_success
	# Before the state grew past the threshold, elements.
	assert_state "$page" "#step=300" "$trace" 300
}

# narrow_rep - a 1-page node of 301 segments, 300 of them 8 bytes, next
# to an 18-page node of two: to scale, the first row is 1/19 of the
# second's length, far too short to draw each of its segments.
narrow_rep() {
	awk 'BEGIN {
		n = 0
		for (i = 0; i < 300; i++)
			line[n++] = "a " i " 8"
		line[n++] = "a 300 70000"
		for (i = 0; i < 300; i += 2)
			line[n++] = "f " i
		print 100000; print 301; print n; print 1
		for (i = 0; i < n; i++)
			print line[i]
	}'
}

# layout CHECK PAGE ARGS... - viewer-layout.mjs, which measures the page
# as chromium lays it out.
layout() {
	[ -d "$BROWSER/node_modules/puppeteer-core" ] ||
		fail "puppeteer-core is needed: npm ci --prefix selftests/browser"
	run node "$BROWSER/viewer-layout.mjs" "$@"
	echo "$output"
}

@test "rows are as long as their nodes, in linear and log scale, in their panels" {
	local trace=$BATS_TEST_TMPDIR/narrow.rep page=$BATS_TEST_TMPDIR/narrow.html
	local seed=${MEMS_VIEWER_SEED:-$RANDOM} random=$BATS_TEST_TMPDIR/r.rep width

	echo "# seed $seed" >&3
	narrow_rep >"$trace"
	# The two nodes the test is about: 1 page of 301 segments, 18 of 2.
	mems_dump --at 451 "$trace" >"$BATS_TEST_TMPDIR/narrow.txt"
	grep -qx 'Sub-chain Length array: \[301, 2, \]' "$BATS_TEST_TMPDIR/narrow.txt"
	grep -qx 'MAIN\[5096:78823\].*' "$BATS_TEST_TMPDIR/narrow.txt"
	mems_dump --format html -o "$page" "$trace"
	for width in 700 1280; do
		layout rows "$page" "" "$width"
		assert_success
	done
	# Side by side, in panels half as wide.
	mems_dump --compare --format html -o "$BATS_TEST_TMPDIR/c.html" "$trace"
	layout rows "$BATS_TEST_TMPDIR/c.html" "#step=451" 1300
	assert_success
	layout rows "$BATS_TEST_TMPDIR/c.html" "#step=300" 1300
	assert_success
	random_rep "$seed" 200 >"$random"
	mems_dump --compare --format html -o "$BATS_TEST_TMPDIR/r.html" "$random"
	for step in 60 140 200; do
		layout rows "$BATS_TEST_TMPDIR/r.html" "#step=$step" 1300
		assert_success
	done
}

@test "segments too narrow to draw are merged into runs that count them" {
	local trace=$BATS_TEST_TMPDIR/narrow.rep page=$BATS_TEST_TMPDIR/narrow.html

	narrow_rep >"$trace"
	mems_dump --format html -o "$page" "$trace"
	# The 300 segments of 8 bytes are under a pixel each: all merged,
	# in runs of at least 3 px, the last hole of 1696 bytes drawn.
	layout rows "$page" "" 1280
	assert_success
	assert_output --regexp '^ok: 2 rows, [0-9]+ merged runs of 300 segments'
	[[ "$output" =~ ok:\ 2\ rows,\ ([0-9]+)\ merged ]]
	local runs=${BASH_REMATCH[1]}
	((runs >= 2 && runs <= 100)) || fail "$runs runs"
}

@test "rows drawn on a canvas are to scale too, their narrow segments merged" {
	local trace=$BATS_TEST_TMPDIR/narrow.rep page=$BATS_TEST_TMPDIR/narrow.html
	local seed=${MEMS_VIEWER_SEED:-$RANDOM} random=$BATS_TEST_TMPDIR/r.rep width

	echo "# seed $seed" >&3
	narrow_rep >"$trace"
	mems_dump --format html -o "$page" "$trace"
	# #canvas=0: a canvas for any state.  The 1-page node's 301
	# segments, a nineteenth of the canvas, hold runs; the other's two
	# are wide.
	for width in 700 1280; do
		layout canvas "$page" "#canvas=0" "$width"
		assert_success
		assert_output --regexp '^ok: 2 rows on a canvas, 1 with merged runs \(log scale: 1\)'
	done
	random_rep "$seed" 200 >"$random"
	mems_dump --compare --format html -o "$BATS_TEST_TMPDIR/r.html" "$random"
	for step in 60 200; do
		layout canvas "$BATS_TEST_TMPDIR/r.html" "#step=$step&canvas=0" 1300
		assert_success
		assert_output --partial 'ok: '
	done
}

@test "--compare plots every policy on one scale, with units" {
	local seed=${MEMS_VIEWER_SEED:-$RANDOM} trace=$BATS_TEST_TMPDIR/p.rep n
	local page=$BATS_TEST_TMPDIR/p.html json=$BATS_TEST_TMPDIR/p.json

	echo "# seed $seed" >&3
	# A trace on which the policies peak so far apart that an axis of
	# their own, even one ending on a round tick (1, 2 or 5 times a
	# power of ten, a quarter of the peak or more), would end elsewhere.
	for ((n = 0; n < 100; n++)); do
		random_rep "$((seed + n))" 200 >"$trace"
		mems_dump --compare --format json "$trace" >"$json"
		python3 -c 'import json, math, sys
def end(peak):
    step = min(m * 10 ** e for e in range(9) for m in (1, 2, 5)
               if m * 10 ** e >= peak / 4)
    return math.ceil(peak / step) * step
ends = {end(r["peak_pages"]) for r in json.load(open(sys.argv[1]))}
sys.exit(len(ends) < 2)' "$json" && break
	done
	((n < 100)) || fail "no trace of seeds $seed to $((seed + 99)) peaks apart"
	mems_dump --compare --format html -o "$page" "$trace"
	layout plots "$page" "$json"
	assert_success
	assert_output --partial 'ok: '
}

@test "PROCESS and HOLE have the colours of the SVG picture, defined once" {
	local page=$BATS_TEST_TMPDIR/c.html svg=$BATS_TEST_TMPDIR/c.svg colour

	mems_dump --format html -o "$page" "$DATA/classic.trace"
	mems_dump --at 17 --format svg -o "$svg" "$DATA/classic.trace"
	layout palette "$page" "#step=17" "$svg"
	assert_success
	# Written in palette.h, and nowhere else that draws; -I: a build in
	# the source tree leaves objects there that hold the colours too.
	for colour in $(grep -o '"#[0-9a-f]\{6\}"' "$MEMS_SRC/tools/dump/palette.h" |
			tr -d '"' | sort -u); do
		run grep -rilI -- "$colour" "$MEMS_SRC/tools/dump"
		assert_output "$MEMS_SRC/tools/dump/palette.h"
	done
}
