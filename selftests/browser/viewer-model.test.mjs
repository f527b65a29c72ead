// SPDX-License-Identifier: MIT
/*
 * viewer-model.test.mjs PAGE.html... - the viewer's script on its own,
 * under node, without a browser: the report it writes for a state built
 * by hand, and, on the data of real pages, that jumping about through
 * its keyframes lands on the very states that applying every step in
 * order gives, and that the figures of the plot are those states'.
 *
 *     node --test selftests/browser/viewer-model.test.mjs  (pages from
 *     VIEWER_PAGES, ':'-separated)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const viewer = require('../../tools/dump/viewer/viewer.js');

test('the report of a state written by hand', () => {
	const nodes = [
		{ vstart: 1000, phys: '0', pages: 1, segs: [1000, -3096] },
		{ vstart: 5096, phys: '0', pages: 2, segs: [-100, 200, -7892] },
	];
	assert.equal(viewer.reportText(nodes),
		'----- MeMS SYSTEM STATS -----\n' +
		'MAIN[1000:5095]-> P[1000:1999] <-> H[2000:5095] <-> NULL\n' +
		'MAIN[5096:13287]-> H[5096:5195] <-> P[5196:5395] <-> H[5396:13287] <-> NULL\n' +
		'Pages used:\t3\n' +
		'Space unused:\t11088\n' +
		'Main Chain Length:\t2\n' +
		'Sub-chain Length array: [2, 3, ]\n' +
		'-----------------------------\n');
	assert.equal(viewer.reportText([]),
		'----- MeMS SYSTEM STATS -----\nPages used:\t0\nSpace unused:\t0\n' +
		'Main Chain Length:\t0\nSub-chain Length array: []\n' +
		'-----------------------------\n');
});

test('changes splice the main chain, then segments by address', () => {
	const nodes = [
		viewer.makeNode(1000, 'a', 1, [-4096]),
		viewer.makeNode(5096, 'b', 2, [-100, 200, -7892]),
	];
	viewer.applyChanges(nodes, viewer.parseChanges(
		'n 0 1 9192/c/1/100,-3996;s 5096 50,-50;s 5196 -200'));
	assert.deepEqual(nodes.map((n) => [n.vstart, n.segs, n.starts]),
		[[9192, [100, -3996], [9192, 9292]],
			[5096, [50, -50, -200, -7892], [5096, 5146, 5196, 5396]]]);
	/* The segments of the bytes written, whole: none may be cut. */
	viewer.applyChanges(nodes, viewer.parseChanges('s 5146 -250'));
	assert.deepEqual(nodes[1].segs, [50, -250, -7892]);
	assert.throws(() => viewer.applyChanges(nodes, viewer.parseChanges('s 5147 1')),
		/no segment starts at 5147/);
	assert.deepEqual(viewer.parseKeyframe('=1000/a/1/10,-4086 5096/b/2/-8192')
		.map((n) => [n.vstart, n.phys, n.pages, n.segs]),
	[[1000, 'a', 1, [10, -4086]], [5096, 'b', 2, [-8192]]]);
	assert.deepEqual(viewer.parseCalls('m 100 1000;f 0').map(viewer.callText),
		['malloc 100 \u2192 1000', 'free NULL']);
});

function pageData(path) {
	const html = readFileSync(path, 'utf8');
	const m = html.match(/<script type="text\/plain" id="mems-data">([\s\S]*?)<\/script>/);
	assert.ok(m, `${path}: no data`);
	return m[1];
}

test('narrow segments merge, wide ones stay, all to scale', () => {
	/* A 100 px bar: 10 px, then ten of 0.5 px, then 85 px. */
	const weights = [100, ...Array(10).fill(5), 850];
	const pieces = viewer.barPieces(weights, 100);
	assert.deepEqual(pieces.map((p) => [p.from, p.to]),
		[[0, 1], [1, 7], [7, 11], [11, 12]]);
	/* Pieces tile the bar, each as long as its segments. */
	let at = 0;
	for (const p of pieces) {
		assert.ok(Math.abs(p.left - at) < 1e-12);
		const share = weights.slice(p.from, p.to).reduce((a, b) => a + b, 0) / 1000;
		assert.ok(Math.abs(p.width - share) < 1e-12);
		at += p.width;
	}
	assert.ok(Math.abs(at - 1) < 1e-12);
	/* Wide enough, nothing merges. */
	assert.equal(viewer.barPieces(weights, 10000).length, weights.length);
});

test('plot axes end on a round tick, in the unit of the figure', () => {
	const pages = viewer.niceAxis(33, 'pages');
	assert.deepEqual([pages.max, pages.ticks], [40, [0, 10, 20, 30, 40]]);
	const bytes = viewer.niceAxis(3 * 1024 * 1024 + 1, 'bytes');
	assert.equal(bytes.name, 'MiB');
	assert.deepEqual(bytes.ticks.map(bytes.label), ['0', '1', '2', '3', '4']);
	const share = viewer.niceAxis(0.7, '%');
	assert.deepEqual(share.ticks.map(share.label), ['0%', '50%', '100%']);
});

const snapshot = (nodes) => JSON.stringify(nodes.map((n) => [n.vstart, n.pages, n.segs]));

const pages = (process.env.VIEWER_PAGES || '').split(':').filter(Boolean);
for (const path of pages) {
	test(`jumps land where stepping does: ${path}`, () => {
		const { replays } = viewer.parseData(pageData(path));
		for (const replay of replays) {
			/* In order, from the empty heap, no keyframe. */
			const plain = [];
			const states = [snapshot(plain)];
			const figures = [viewer.chainFigures(plain)];
			for (let k = 1; k <= replay.steps; k++) {
				const line = replay.line(k);
				viewer.applyChanges(plain, viewer.parseChanges(line.slice(line.indexOf('|') + 1)));
				states.push(snapshot(plain));
				figures.push(viewer.chainFigures(plain));
			}
			/* Each keyframe is the state of its step. */
			for (const kf of replay.keyframes.slice(1)) {
				const line = replay.text.slice(kf.pos, replay.text.indexOf('\n', kf.pos));
				assert.equal(snapshot(viewer.parseKeyframe(line)), states[kf.step],
					`${replay.name}, keyframe of step ${kf.step}`);
			}
			/* The plot's pass gives each step the figures of its state. */
			replay.prepare();
			for (let k = 0; k <= replay.steps; k++) {
				assert.equal(replay.figures.segments[k], figures[k].segments);
				assert.equal(replay.figures.unused[k], figures[k].unused);
				assert.equal(replay.figures.pages[k], figures[k].pages);
			}
			/* A fixed walk of jumps, back and forth. */
			let k = 0;
			for (let i = 0; i < 200; i++) {
				k = (k * 7919 + 104729 + i) % (replay.steps + 1);
				replay.seek(k);
				assert.equal(snapshot(replay.nodes), states[k], `${replay.name}, step ${k}`);
				if (k > 0) {
					replay.seek(k - 1);
					assert.equal(snapshot(replay.nodes), states[k - 1]);
				}
			}
			assert.ok(replay.keyframes.length > 1 || replay.steps < 64,
				`${replay.name}: no keyframe but the first`);
		}
	});
}
