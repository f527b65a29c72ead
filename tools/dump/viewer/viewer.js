// SPDX-License-Identifier: MIT
/*
 * The script of mems-dump --format html (viewer.html).
 *
 * mems-dump replays the trace on the library and writes, per policy, one
 * line per step: the step's calls, then what it changed in the chains
 * (tools/dump/render_html.c describes the line).  This script never
 * places anything itself: it applies those changes from the empty heap,
 * forward, and jumps back by restoring a checkpoint taken on the way and
 * going forward again, so that the page holds no state but the first.
 *
 * The first part (up to "The page") needs no browser: node can load
 * this file and test it.
 */
'use strict';

/* ---------------------------------------------------------------------
 * The model: states, changes, figures and the report
 */

const CALL_NAMES = {
	i: 'init',
	m: 'malloc',
	r: 'realloc',
	f: 'free',
	g: 'get',
	t: 'trim',
	s: 'stats',
	x: 'finish',
};

/* A step's line: its calls and its changes, as text. */
function splitLine(line) {
	const bar = line.indexOf('|');
	return { calls: line.slice(0, bar), changes: line.slice(bar + 1) };
}

function parseSegs(text) {
	return text ? text.split(',').map(Number) : [];
}

const segSize = (seg) => Math.abs(seg);
const segIsHole = (seg) => seg < 0;

/* The first address of each segment, for finding one by address. */
function segStarts(vstart, segs) {
	const starts = new Array(segs.length);
	let at = vstart;
	for (let i = 0; i < segs.length; i++) {
		starts[i] = at;
		at += segSize(segs[i]);
	}
	return starts;
}

function makeNode(vstart, phys, pages, segs) {
	return { vstart, phys, pages, segs, starts: segStarts(vstart, segs) };
}

function parseNode(text) {
	const [vstart, phys, pages, segs] = text.split('/');
	return makeNode(Number(vstart), phys, Number(pages), parseSegs(segs));
}

/*
 * The changes of a line: {kind: 'n', at, del, nodes} for the main chain,
 * {kind: 's', addr, segs} for the segments that tile as many bytes from
 * addr as segs do.
 */
function parseChanges(text) {
	if (!text)
		return [];
	return text.split(';').map((item) => {
		const f = item.split(' ');
		if (f[0] === 'n')
			return {
				kind: 'n',
				at: Number(f[1]),
				del: Number(f[2]),
				nodes: f.slice(3).map(parseNode),
			};
		return { kind: 's', addr: Number(f[1]), segs: parseSegs(f[2]) };
	});
}

/* A keyframe line, "=NODE NODE...": the whole chain. */
function parseKeyframe(line) {
	const body = line.slice(1);
	return body ? body.split(' ').map(parseNode) : [];
}

/* The calls of a line: [{name, args}], args as written (exact). */
function parseCalls(text) {
	if (!text)
		return [];
	return text.split(';').map((call) => {
		const f = call.split(' ');
		return { name: CALL_NAMES[f[0]] || f[0], args: f.slice(1) };
	});
}

function callText(call) {
	const addr = (v) => (v === '0' ? 'NULL' : v);
	switch (call.name) {
	case 'malloc':
	case 'realloc':
		return `${call.name} ${call.args[0]} \u2192 ${addr(call.args[1])}`;
	case 'free':
	case 'get':
		return `${call.name} ${addr(call.args[0])}`;
	case 'trim':
		return `trim ${call.args[0]}`;
	default:
		return call.name;
	}
}

function emptyFigures() {
	return { pages: 0, unused: 0, nodes: 0, segments: 0, live: 0 };
}

/* Add (sign 1) or take away (sign -1) segments' part of the figures. */
function countSegs(fig, segs, sign) {
	for (const seg of segs) {
		if (segIsHole(seg))
			fig.unused += sign * segSize(seg);
		else
			fig.live += sign * seg;
	}
	fig.segments += sign * segs.length;
}

function countNodes(fig, nodes, sign) {
	for (const node of nodes) {
		fig.pages += sign * node.pages;
		fig.nodes += sign;
		countSegs(fig, node.segs, sign);
	}
}

/* The figures of a whole chain. */
function chainFigures(nodes) {
	const fig = emptyFigures();
	countNodes(fig, nodes, 1);
	return fig;
}

/* The index of the last of the sorted @values at most @v, -1 if none. */
function lastAtMost(values, v, key = (x) => x) {
	let lo = 0;
	let hi = values.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (key(values[mid]) <= v) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/*
 * The node of the chain that holds @addr, with its index: the chain's
 * nodes by address are kept with it until a change of the main chain.
 */
function nodeAt(nodes, addr) {
	if (!nodes.byAddress)
		nodes.byAddress = nodes.map((node, index) => ({ node, index }))
			.sort((a, b) => a.node.vstart - b.node.vstart);
	const i = lastAtMost(nodes.byAddress, addr, (e) => e.node.vstart);
	if (i < 0)
		throw new Error(`no node holds ${addr}`);
	return nodes.byAddress[i];
}

/* Array.splice without spreading a long list into arguments. */
function spliced(array, at, del, items) {
	if (items.length < 4096) {
		const gone = array.splice(at, del, ...items);
		return { array, gone };
	}
	const gone = array.slice(at, at + del);
	return { array: array.slice(0, at).concat(items, array.slice(at + del)), gone };
}

/* Replace the segments that tile the bytes @c.segs tile from @c.addr. */
function applySegChange(nodes, c, fig) {
	const { node } = nodeAt(nodes, c.addr);
	const at = lastAtMost(node.starts, c.addr);
	if (at < 0 || node.starts[at] !== c.addr)
		throw new Error(`no segment starts at ${c.addr}`);
	let bytes = 0;
	for (const seg of c.segs)
		bytes += segSize(seg);
	let end = at;
	for (let covered = 0; covered < bytes; end++) {
		if (end >= node.segs.length)
			throw new Error(`the change at ${c.addr} runs past its node`);
		covered += segSize(node.segs[end]);
	}
	const segs = spliced(node.segs, at, end - at, c.segs);
	node.segs = segs.array;
	node.starts = spliced(node.starts, at, end - at, segStarts(c.addr, c.segs)).array;
	if (fig) {
		countSegs(fig, segs.gone, -1);
		countSegs(fig, c.segs, 1);
	}
	return segs.gone.length + c.segs.length;
}

/*
 * Apply parsed changes to @nodes (the main chain, changed in place),
 * keeping @fig up to date when given.  Returns the work done.
 */
function applyChanges(nodes, changes, fig) {
	let work = 1;
	for (const c of changes) {
		if (c.kind === 'n') {
			const fresh = c.nodes.map(cloneNode);
			const gone = nodes.splice(c.at, c.del, ...fresh);
			nodes.byAddress = null;
			if (fig) {
				countNodes(fig, gone, -1);
				countNodes(fig, fresh, 1);
			}
			work += gone.length + fresh.length;
		} else {
			work += applySegChange(nodes, c, fig);
		}
	}
	return work;
}

/*
 * What a step's changes put in place, in the chain after the step:
 * {node index: Set of segment indexes}.
 */
function touchedBy(nodes, changes) {
	const touched = new Map();
	const mark = (node, from, count) => {
		if (!touched.has(node))
			touched.set(node, new Set());
		for (let i = from; i < from + count; i++)
			touched.get(node).add(i);
	};
	for (const c of changes) {
		if (c.kind === 'n') {
			c.nodes.forEach((n, i) => mark(c.at + i, 0, n.segs.length));
		} else {
			const { node, index } = nodeAt(nodes, c.addr);
			mark(index, lastAtMost(node.starts, c.addr), c.segs.length);
		}
	}
	return touched;
}

function nodeEnd(node) {
	return node.vstart + node.segs.reduce((sum, s) => sum + segSize(s), 0) - 1;
}

/* Each segment of @node with its bounds: [{vstart, vend, hole}]. */
function segBounds(node) {
	let at = node.vstart;
	return node.segs.map((seg) => {
		const b = { vstart: at, vend: at + segSize(seg) - 1, hole: segIsHole(seg) };
		at += segSize(seg);
		return b;
	});
}

/* The mems_print_stats() report of the chain, as core/stats.c writes it. */
function reportText(nodes) {
	const out = ['----- MeMS SYSTEM STATS -----\n'];
	let pages = 0;
	let unused = 0;
	for (const node of nodes) {
		let line = `MAIN[${node.vstart}:${nodeEnd(node)}]->`;
		for (const b of segBounds(node)) {
			line += ` ${b.hole ? 'H' : 'P'}[${b.vstart}:${b.vend}] <->`;
			if (b.hole)
				unused += b.vend - b.vstart + 1;
		}
		out.push(line + ' NULL\n');
		pages += node.pages;
	}
	out.push(`Pages used:\t${pages}\n`);
	out.push(`Space unused:\t${unused}\n`);
	out.push(`Main Chain Length:\t${nodes.length}\n`);
	out.push('Sub-chain Length array: [');
	for (const node of nodes)
		out.push(`${node.segs.length}, `);
	out.push(']\n-----------------------------\n');
	return out.join('');
}

/* The figures of the counters; unit: what the plot's axis counts. */
const FIGURES = [
	{ key: 'pages', label: 'pages used', unit: 'pages' },
	{ key: 'unused', label: 'space unused', unit: 'bytes' },
	{ key: 'nodes', label: 'nodes', unit: 'nodes' },
	{ key: 'segments', label: 'segments', unit: 'segments' },
	{ key: 'utilization', label: 'utilization', unit: '%' },
];

/* Figures only plotted: bytes in blocks, and bytes of the pages mapped. */
const BYTE_FIGURES = ['live', 'mapped'];

/*
 * The array each figure of every step is kept in: counts fit 32 bits
 * and a share a float, bytes need a double.  A page of two million
 * steps keeps 40 bytes a step and a policy.
 */
const FIGURE_ARRAYS = {
	pages: Uint32Array,
	unused: Float64Array,
	nodes: Uint32Array,
	segments: Uint32Array,
	utilization: Float32Array,
	live: Float64Array,
	mapped: Float64Array,
};

function figureText(key, value) {
	return key === 'utilization' ? `${(value * 100).toFixed(1)}%` : String(value);
}

function figureValue(fig, key) {
	if (key !== 'utilization')
		return fig[key];
	const mapped = fig.live + fig.unused;
	return mapped ? fig.live / mapped : 0;
}

function cloneNode(n) {
	return { ...n, segs: n.segs.slice(), starts: n.starts.slice() };
}

/* The end of the line that starts at @from in @text. */
function lineEnd(text, from) {
	const nl = text.indexOf('\n', from);
	return nl < 0 ? text.length : nl;
}

/*
 * One policy's replay: where its step lines and keyframes lie in the
 * page's text, read only when a step is asked for, and the chain at the
 * step last asked for.  A step is reached from the keyframe at or before
 * it, or from the step shown when that is nearer.  The figures of every
 * step for the plots, FIGURES' and BYTE_FIGURES', are worked out by a
 * pass of their own (prepare), which the page runs a slice at a time
 * once the first step is shown.
 */
class Replay {
	constructor(name, text, lineStarts, keyframes) {
		this.name = name;
		this.text = text;
		this.lineStarts = lineStarts;
		this.steps = lineStarts.length;
		this.keyframes = [{ step: 0, pos: -1 }, ...keyframes];
		this.nodes = [];
		this.at = 0;
		this.figures = null;
		this.pass = null;
	}

	line(k) {
		const from = this.lineStarts[k - 1];
		return this.text.slice(from, lineEnd(this.text, from));
	}

	/* The keyframe latest at or before step @k. */
	keyframeBefore(k) {
		return this.keyframes[lastAtMost(this.keyframes, k, (f) => f.step)];
	}

	/* The figures of step @k, from the running totals of the pass. */
	record(k, fig) {
		const f = this.figures;
		f.pages[k] = fig.pages;
		f.unused[k] = fig.unused;
		f.nodes[k] = fig.nodes;
		f.segments[k] = fig.segments;
		f.utilization[k] = figureValue(fig, 'utilization');
		f.live[k] = fig.live;
		f.mapped[k] = fig.live + fig.unused;
	}

	seek(k) {
		const kf = this.keyframeBefore(k);
		if (k < this.at || kf.step > this.at) {
			this.nodes = kf.pos < 0 ? [] :
				parseKeyframe(this.text.slice(kf.pos, lineEnd(this.text, kf.pos)));
			this.at = kf.step;
		}
		for (; this.at < k; this.at++)
			applyChanges(this.nodes, parseChanges(splitLine(this.line(this.at + 1)).changes));
	}

	calls(k) {
		return k ? parseCalls(splitLine(this.line(k)).calls) : [];
	}

	/* Of the step the chain was last brought to. */
	touched(k) {
		return k ? touchedBy(this.nodes, parseChanges(splitLine(this.line(k)).changes)) :
			new Map();
	}

	/*
	 * Up to @budget ms of the figures' pass; true once every step has
	 * its figures.
	 */
	prepareSlice(budget = Infinity) {
		if (this.figures && !this.pass)
			return true;
		if (!this.pass) {
			this.figures = {};
			for (const [key, Type] of Object.entries(FIGURE_ARRAYS))
				this.figures[key] = new Type(this.steps + 1);
			this.pass = { k: 1, nodes: [], fig: emptyFigures() };
		}
		const p = this.pass;
		const until = Date.now() + budget;
		for (; p.k <= this.steps; p.k++) {
			applyChanges(p.nodes, parseChanges(splitLine(this.line(p.k)).changes), p.fig);
			this.record(p.k, p.fig);
			if ((p.k & 1023) === 0 && Date.now() >= until) {
				p.k++;
				return false;
			}
		}
		this.pass = null;
		return true;
	}

	prepare() {
		this.prepareSlice();
	}
}

/*
 * The data block: a JSON header line, then "@I" and the lines of the
 * Ith policy, for each policy: one line per step, keyframe lines ("=")
 * between them.  Lines are found, not copied: a page of millions of
 * steps is read a line at a time when a step is shown.
 */
function parseData(text) {
	let pos = 0;
	while (pos < text.length && /\s/.test(text[pos]))
		pos++;
	let end = lineEnd(text, pos);
	const header = JSON.parse(text.slice(pos, end));
	pos = end + 1;
	const replays = header.policies.map((name, p) => {
		end = lineEnd(text, pos);
		if (text.slice(pos, end) !== `@${p}`)
			throw new Error(`no data for policy ${name}`);
		pos = end + 1;
		const starts = new Float64Array(header.steps);
		const keyframes = [];
		let k = 0;
		while (pos < text.length) {
			const c = text.charCodeAt(pos);
			end = lineEnd(text, pos);
			if (c === 61 /* = */) {
				keyframes.push({ step: k, pos });
			} else if (k === header.steps || c === 64 /* @ */) {
				break;
			} else {
				const bar = text.indexOf('|', pos);
				if (bar < 0 || bar > end)
					break;
				starts[k++] = pos;
			}
			pos = end + 1;
		}
		if (k !== header.steps)
			throw new Error(`policy ${name}: ${k} steps of ${header.steps}`);
		return new Replay(name, text, starts, keyframes);
	});
	return { header, replays };
}

/* ---------------------------------------------------------------------
 * Rows: where the segments of a node go in its bar
 */

/* Segments narrower than this, in pixels, are drawn merged. */
const MIN_SEG_PX = 3;

/*
 * Where the segments of @weights go in a bar @px pixels long: pieces
 * {from, to, left, width}, segments from..to-1 at left, width in
 * fractions of the bar.  A segment narrower than MIN_SEG_PX joins its
 * narrow neighbours in one piece until the piece is that wide: drawn at
 * its true size it could not be seen, and widened it would push the
 * bar past its scale.
 */
function barPieces(weights, px) {
	const total = weights.reduce((a, b) => a + b, 0) || 1;
	const pieces = [];
	let at = 0;
	let run = null;
	weights.forEach((w, j) => {
		const left = at / total;
		at += w;
		if ((w / total) * px >= MIN_SEG_PX) {
			if (run)
				pieces.push(run);
			run = null;
			pieces.push({ from: j, to: j + 1, left, width: w / total });
			return;
		}
		if (!run)
			run = { from: j, to: j, left, width: 0 };
		run.to = j + 1;
		run.width = at / total - run.left;
		if (run.width * px >= MIN_SEG_PX) {
			pieces.push(run);
			run = null;
		}
	});
	if (run)
		pieces.push(run);
	return pieces;
}

const piecePlace = (piece) =>
	`left:${100 * piece.left}%;width:${100 * piece.width}%`;

function segHtml(b, j, hit, place) {
	const size = b.vend - b.vstart + 1;
	return `<div class="seg${hit ? ' touched' : ''}" data-seg="${j}" ` +
		`data-type="${b.hole ? 'HOLE' : 'PROCESS'}" data-vstart="${b.vstart}" ` +
		`data-vend="${b.vend}"${place ? ` style="${place}"` : ''} ` +
		`title="${b.hole ? 'H' : 'P'}[${b.vstart}:${b.vend}] ${size} bytes"></div>`;
}

/*
 * A run of merged segments: hatched as a hole, its PROCESS share rising
 * from the bottom, a rule under it, its count written when it fits; the
 * segments are inside it, undrawn, so that the page still holds them all.
 */
function runHtml(bounds, piece, hit, barPx) {
	let process = 0;
	let hole = 0;
	let holes = 0;
	let touched = false;
	let inner = '';
	for (let j = piece.from; j < piece.to; j++) {
		const b = bounds[j];
		const size = b.vend - b.vstart + 1;
		if (b.hole) {
			hole += size;
			holes++;
		} else {
			process += size;
		}
		touched = touched || hit(b, j);
		inner += segHtml(b, j, false, '');
	}
	const n = piece.to - piece.from;
	const share = (100 * process) / (process + hole || 1);
	const title = `${n} segments merged (${n - holes} PROCESS, ${holes} HOLE) ` +
		`[${bounds[piece.from].vstart}:${bounds[piece.to - 1].vend}]: ` +
		`PROCESS ${process} bytes (${share.toFixed(1)}%), HOLE ${hole} bytes`;
	const label = `\u00d7${n}`;
	const fits = piece.width * barPx >= 7 * label.length + 6;
	return `<div class="run${touched ? ' touched' : ''}" data-segs="${n}" ` +
		`style="${piecePlace(piece)};--process-share:${share}%" title="${title}">` +
		`${fits ? `<span class="count">${label}</span>` : ''}${inner}</div>`;
}

/* The share of bytes in blocks of the segments of @piece. */
function processShare(segs, piece) {
	let process = 0;
	let all = 0;
	for (let j = piece.from; j < piece.to; j++) {
		all += segSize(segs[j]);
		if (!segIsHole(segs[j]))
			process += segs[j];
	}
	return all ? process / all : 0;
}

/* ---------------------------------------------------------------------
 * Plots: axes and columns
 */

/* Where a plot draws, in its own pixels: the plotting area and around it. */
const PANEL_PLOT = { outerWidth: 340, outerHeight: 130, left: 62, top: 20, width: 264, height: 80 };
const OVERVIEW_PLOT = { outerWidth: 760, outerHeight: 250, left: 78, top: 22, width: 600, height: 180 };

/* 1, 2 or 5 times a power of ten, at least @raw. */
function niceStep(raw) {
	if (!(raw > 0))
		return 1;
	const mag = 10 ** Math.floor(Math.log10(raw));
	for (const m of [1, 2, 5, 10])
		if (m * mag >= raw * (1 - 1e-9))
			return m * mag;
	return 10 * mag;
}

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

function bytesText(v) {
	let u = 0;
	while (v >= 1024 * 1024 ** u && u + 1 < BYTE_UNITS.length)
		u++;
	return u ? `${+(v / 1024 ** u).toPrecision(3)} ${BYTE_UNITS[u]}` : `${v} bytes`;
}

/*
 * An axis from 0 to a round number at or above @top, with its ticks
 * and their labels: bytes in binary units (ticks at whole KiB, MiB...),
 * utilization in percent, counts in integers.  @max, when given, is the
 * axis's end whatever the ticks.
 */
function niceAxis(top, unit, max) {
	if (unit === '%')
		return { unit, max: 1, ticks: [0, 0.5, 1], label: (v) => `${v * 100}%` };
	let scale = 1;
	let name = unit;
	if (unit === 'bytes') {
		let u = 0;
		while (top >= 1024 * 1024 ** u && u + 1 < BYTE_UNITS.length)
			u++;
		scale = 1024 ** u;
		name = BYTE_UNITS[u];
	}
	const step = Math.max(1, niceStep(top / scale / 4)) * scale;
	const end = max || Math.max(step, Math.ceil(top / step - 1e-9) * step);
	const ticks = [];
	for (let v = 0; v <= end * (1 + 1e-9); v += step)
		ticks.push(v);
	return { unit, max: end, ticks, label: (v) => `${+(v / scale).toPrecision(6)}`, name };
}

function axisY(box, axis, v) {
	return box.top + box.height - (box.height * v) / axis.max;
}

/*
 * The frame, the grid and the labelled ticks of a plot: @axis on the
 * left, @right ({axis, scale}: its values times scale on the left's)
 * on the right, steps 0 to @steps below.
 */
function axesSvg(box, axis, steps, right) {
	const x0 = box.left;
	const x1 = box.left + box.width;
	const bottom = box.top + box.height;
	let out = '';
	for (const v of axis.ticks) {
		const y = axisY(box, axis, v);
		out += `<line class="grid" x1="${x0}" y1="${y}" x2="${x1}" y2="${y}"/>` +
			`<text class="tick y" x="${x0 - 4}" y="${y + 4}">${axis.label(v)}</text>`;
	}
	if (right)
		for (const v of right.axis.ticks) {
			const y = axisY(box, axis, v * right.scale);
			out += `<line class="axis" x1="${x1}" y1="${y}" x2="${x1 + 4}" y2="${y}"/>` +
				`<text class="tick y2" x="${x1 + 6}" y="${y + 4}">${right.axis.label(v)}</text>`;
		}
	const xTicks = [0, Math.round(steps / 2), steps].filter((v, i, a) => a.indexOf(v) === i);
	for (const k of xTicks) {
		const x = x0 + (box.width * k) / Math.max(1, steps);
		out += `<line class="axis" x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}"/>` +
			`<text class="tick x" x="${x}" y="${bottom + 15}">${k}</text>`;
	}
	const title = axis.unit === '%' ? '%' : axis.name;
	out += `<rect class="frame" x="${x0}" y="${box.top}" width="${box.width}" height="${box.height}"/>` +
		`<text class="axis-title y" x="${x0 - 4}" y="${box.top - 8}">${title}</text>` +
		`<text class="axis-title x" x="${x0 + box.width / 2}" y="${bottom + 28}">step</text>`;
	if (right)
		out += `<text class="axis-title y2" x="${x1 + 6}" y="${box.top - 8}">pages</text>`;
	return out;
}

/* Per pixel column of @width, the least and the most of @values. */
function columnsOf(values, steps, width) {
	const cols = [];
	for (let x = 0; x < width; x++) {
		const from = Math.floor((x * (steps + 1)) / width);
		const to = Math.max(from + 1, Math.floor(((x + 1) * (steps + 1)) / width));
		let lo = Infinity;
		let hi = -Infinity;
		for (let k = from; k < to && k <= steps; k++) {
			lo = Math.min(lo, values[k]);
			hi = Math.max(hi, values[k]);
		}
		cols.push([lo, hi]);
	}
	return cols;
}

/* A plot's place while the figures of every step are worked out. */
function workingOutSvg(box) {
	return `<rect class="frame" x="${box.left}" y="${box.top}" width="${box.width}" ` +
		`height="${box.height}"/><text class="plot-note" x="${box.left + box.width / 2}" ` +
		`y="${box.top + box.height / 2}">working out the figures of every step\u2026</text>`;
}

function placeCursor(line, box, x) {
	line.setAttribute('x1', x);
	line.setAttribute('x2', x);
	line.setAttribute('y1', box.top);
	line.setAttribute('y2', box.top + box.height);
}

if (typeof module === 'object' && module.exports)
	module.exports = {
		parseData,
		parseChanges,
		parseKeyframe,
		parseCalls,
		callText,
		applyChanges,
		chainFigures,
		reportText,
		segBounds,
		nodeEnd,
		makeNode,
		Replay,
		barPieces,
		niceAxis,
	};

/* ---------------------------------------------------------------------
 * The page
 */

/*
 * The width of the rows' track in @chains, to the fraction of a pixel as
 * layout has it: that of a row, or of one drawn for the purpose.
 */
function trackWidth(chains) {
	if (!chains.querySelector('.node-track'))
		chains.innerHTML = '<div class="node"><span class="node-label"></span>' +
			'<div class="node-track"></div></div>';
	return chains.querySelector('.node-track').getBoundingClientRect().width;
}

/* The width of the canvas the rows of @chains are drawn on. */
function canvasWidth(chains) {
	return Math.max(200, chains.clientWidth || 600);
}

/*
 * The painter of drawChains(), in the palette's colours (palette.h,
 * written as CSS variables) and in the bars' shapes of viewer.css: a
 * row of @row pixels has a bar a pixel under its top and two over the
 * next row's, rows of 4 pixels no gap.
 */
function canvasPaint(ctx) {
	const style = getComputedStyle(document.documentElement);
	const color = (name) => style.getPropertyValue(name).trim();
	const c = {
		process: color('--process'),
		hole: color('--hole'),
		stripe: color('--hole-stripe'),
		merged: color('--merged'),
		touched: color('--touched'),
		line: color('--line'),
	};
	/* The hatch of viewer.css's --hole-hatch: a stripe every 4.2 px. */
	const tile = document.createElement('canvas');
	tile.width = 6;
	tile.height = 6;
	const t = tile.getContext('2d');
	t.fillStyle = c.hole;
	t.fillRect(0, 0, 6, 6);
	t.strokeStyle = c.stripe;
	t.lineWidth = 1.5;
	for (const d of [0, 6, 12]) {
		t.beginPath();
		t.moveTo(d - 6, 6);
		t.lineTo(d, 0);
		t.stroke();
	}
	const hatch = ctx.createPattern(tile, 'repeat');
	const bar = (y, row) => (row > 6 ? { top: y + 1, h: row - 3 } : { top: y, h: row - 1 });
	return {
		seg(x, y, w, row, hole) {
			const { top, h } = bar(y, row);
			ctx.fillStyle = hole ? hatch : c.process;
			ctx.fillRect(x, top, w, h);
			/* A white edge parts two neighbours of one type. */
			if (w >= 2) {
				ctx.fillStyle = '#fff';
				ctx.fillRect(x + w - 1, top, 1, h);
			}
		},
		run(x, y, w, row, share) {
			const { top, h } = bar(y, row);
			ctx.fillStyle = hatch;
			ctx.fillRect(x, top, w, h);
			ctx.fillStyle = c.process;
			ctx.fillRect(x, top + h * (1 - share), w, h * share);
			ctx.fillStyle = c.merged;
			ctx.fillRect(x, top + h - Math.min(3, h / 3), w, Math.min(3, h / 3));
		},
		touched(x, y, w, row) {
			const { top, h } = bar(y, row);
			const line = Math.min(2, h / 2, w / 2);
			ctx.strokeStyle = c.touched;
			ctx.lineWidth = line;
			ctx.strokeRect(x + line / 2, top + line / 2, w - line, h - line);
		},
		frame(x, y, w, row) {
			if (row <= 6)
				return;
			const { top, h } = bar(y, row);
			ctx.strokeStyle = c.line;
			ctx.lineWidth = 1;
			ctx.strokeRect(x + 0.5, top + 0.5, Math.max(0, w - 1), h - 1);
		},
	};
}

/* The page's URL fragment: #step=K&policy=NAME&canvas=SEGMENTS. */
function readFragment() {
	const params = new URLSearchParams(location.hash.slice(1));
	return {
		step: params.get('step'),
		policy: params.get('policy'),
		canvas: params.get('canvas'),
	};
}

/*
 * Above this many segments a panel draws its chains on a canvas: one
 * element per segment would cost the browser more than the replay.
 */
const CANVAS_ABOVE = 4000;

class Viewer {
	constructor(data) {
		this.header = data.header;
		this.replays = data.replays;
		this.steps = this.header.steps;
		this.step = this.steps;
		this.log = false;
		this.plotted = 'pages';
		this.playing = false;
		this.plotCache = new Map();
		this.$ = (id) => document.getElementById(id);
		document.title = `MeMS viewer: ${this.header.trace}`;
		this.$('trace-name').textContent =
			`${this.header.trace} (${this.header.format}, ${this.steps} steps)`;
		this.$('slider').max = String(this.steps);
		this.$('jump-to').max = String(this.steps);
		this.$('step-count').textContent = `of ${this.steps}`;
		this.figuresReady = false;
		this.bind();
		this.buildOverview();
		this.fromFragment();
		window.addEventListener('hashchange', () => this.fromFragment());
		this.prepareFigures();
	}

	/*
	 * The plots' figures of every step, a slice at a time, so that the
	 * page answers while a long replay is gone through.  The plots wait
	 * ("working out") until every policy has its figures: their one
	 * axis is up to the most any policy reaches.
	 */
	prepareFigures() {
		const pending = this.replays.filter((r) => !r.prepareSlice(40));
		if (pending.length) {
			setTimeout(() => this.prepareFigures(), 0);
			return;
		}
		this.figuresReady = true;
		this.plotCache.clear();
		this.buildOverview();
		for (const p of this.panels)
			this.renderPlot(p);
		document.body.dataset.figures = 'ready';
	}

	/* The fragment's policy first, then the others in the page's order. */
	order(first) {
		const own = this.replays.find((r) => r.name === first);
		return own ? [own, ...this.replays.filter((r) => r !== own)] : this.replays;
	}

	fromFragment() {
		const { step, policy, canvas } = readFragment();
		const k = step !== null && /^\d+$/.test(step) ? Number(step) : this.steps;
		this.canvasAbove = canvas !== null && /^\d+$/.test(canvas) ? Number(canvas) :
			CANVAS_ABOVE;
		this.build(policy);
		this.go(Math.min(k, this.steps), false);
	}

	/* A panel per policy, the first holding the element #report. */
	build(first) {
		const shown = this.order(first);
		if (this.shown && this.shown.every((r, i) => r === shown[i]))
			return;
		this.shown = shown;
		const main = this.$('panels');
		const template = this.$('panel-template');
		main.textContent = '';
		if (this.observer)
			this.observer.disconnect();
		this.observer = new ResizeObserver((entries) => this.resized(entries));
		this.panels = shown.map((replay, i) => {
			const panel = template.content.firstElementChild.cloneNode(true);
			panel.dataset.policy = replay.name;
			panel.querySelector('.policy').textContent = replay.name;
			const report = panel.querySelector('.report');
			if (i === 0)
				report.id = 'report';
			const plot = panel.querySelector('.plot');
			plot.addEventListener('click', (e) => this.go(this.plotStep(plot, PANEL_PLOT, e)));
			main.append(panel);
			this.observer.observe(panel.querySelector('.chains'));
			return {
				replay,
				call: panel.querySelector('.call'),
				chains: panel.querySelector('.chains'),
				counters: panel.querySelector('.counters'),
				plot,
				report,
			};
		});
	}

	bind() {
		const $ = this.$;
		const click = (id, fn) => $(id).addEventListener('click', (e) => {
			e.currentTarget.blur();
			fn();
		});
		click('first', () => this.go(0));
		click('back', () => this.go(this.step - 1));
		click('forward', () => this.go(this.step + 1));
		click('last', () => this.go(this.steps));
		click('play', () => this.toggle());
		$('slider').addEventListener('input', (e) => this.go(Number(e.target.value)));
		$('jump').addEventListener('submit', (e) => {
			e.preventDefault();
			this.go(Number($('jump-to').value));
		});
		$('log-scale').addEventListener('change', (e) => {
			this.log = e.target.checked;
			this.render();
		});
		document.addEventListener('keydown', (e) => this.key(e));
	}

	key(e) {
		const t = e.target;
		if (t.tagName === 'SELECT' || (t.tagName === 'INPUT' && t.type !== 'range' &&
		    t.type !== 'checkbox'))
			return;
		if (e.altKey || e.ctrlKey || e.metaKey)
			return;
		const by = e.shiftKey ? 10 : 1;
		const actions = {
			ArrowLeft: () => this.go(this.step - by),
			ArrowRight: () => this.go(this.step + by),
			Home: () => this.go(0),
			End: () => this.go(this.steps),
			' ': () => this.toggle(),
		};
		const action = actions[e.key];
		if (!action)
			return;
		/* The slider would move itself too. */
		e.preventDefault();
		action();
	}

	toggle() {
		if (this.playing) {
			this.pause();
			return;
		}
		if (this.step >= this.steps)
			this.go(0);
		this.playing = true;
		this.$('play').textContent = 'pause';
		let last = performance.now();
		let due = 0;
		const frame = (now) => {
			if (!this.playing)
				return;
			due += ((now - last) / 1000) * Number(this.$('speed').value);
			last = now;
			const n = Math.floor(due);
			if (n > 0) {
				due -= n;
				this.go(this.step + n);
			}
			if (this.step >= this.steps)
				this.pause();
			else
				requestAnimationFrame(frame);
		};
		requestAnimationFrame(frame);
	}

	pause() {
		this.playing = false;
		this.$('play').textContent = 'play';
	}

	go(k, remember = true) {
		this.step = Math.max(0, Math.min(this.steps, Number.isFinite(k) ? k : 0));
		for (const p of this.panels)
			p.replay.seek(this.step);
		this.render();
		if (!remember)
			return;
		let hash = `#step=${this.step}`;
		if (this.replays.length > 1)
			hash += `&policy=${encodeURIComponent(this.shown[0].name)}`;
		try {
			history.replaceState(null, '', hash);
		} catch (err) {
			/* Some browsers refuse it on file:// URLs: not worth an error. */
		}
	}

	render() {
		const k = this.step;
		this.$('slider').value = String(k);
		this.$('jump-to').value = String(k);
		document.body.dataset.step = String(k);
		const calls = this.shown[0].calls(k);
		this.$('operation').textContent = k ?
			`step ${k}: ${calls.map(callText).join(', ')}` :
			'step 0: before the first call';
		for (const p of this.panels)
			this.renderPanel(p);
		if (this.overviewCursor)
			placeCursor(this.overviewCursor, OVERVIEW_PLOT, this.stepX(OVERVIEW_PLOT, k));
	}

	weight(size) {
		return this.log ? Math.log2(1 + size) : size;
	}

	renderPanel(p) {
		const k = this.step;
		const replay = p.replay;
		this.renderChains(p);
		/* The addresses differ from policy to policy. */
		p.call.textContent = replay.calls(k).map(callText).join(', ');
		p.report.textContent = reportText(replay.nodes);
		this.renderCounters(p);
		this.renderPlot(p);
	}

	/*
	 * A row per node, as long as the node is large (or as its logarithm)
	 * next to the largest of the panel, as elements (buildChains) or,
	 * past this.canvasAbove segments, on one canvas (drawChains).  Where
	 * segments go depends on the pixels the rows have: measured once,
	 * then again only when the panel is resized (resized()).
	 */
	renderChains(p) {
		const k = this.step;
		const replay = p.replay;
		const nodes = replay.nodes;
		const rows = {
			nodes,
			touched: replay.touched(k),
			gets: replay.calls(k).filter((c) => c.name === 'get').map((c) => Number(c.args[0])),
			segments: nodes.reduce((sum, n) => sum + n.segs.length, 0),
			lengths: nodes.map((n) => this.weight(nodeEnd(n) - n.vstart + 1)),
		};
		rows.longest = rows.lengths.reduce((a, b) => Math.max(a, b), 0) || 1;
		if (rows.segments > this.canvasAbove) {
			this.drawChains(p, rows);
			return;
		}
		if (!p.trackPx || !p.chains.querySelector('.node-track'))
			p.trackPx = trackWidth(p.chains);
		this.buildChains(p, rows, p.trackPx);
	}

	/* The chains of some panels changed width: a scroll bar, the window. */
	resized(entries) {
		for (const entry of entries) {
			const p = this.panels.find((q) => q.chains === entry.target);
			if (!p)
				continue;
			const canvas = p.chains.querySelector('canvas.chains-canvas');
			if (canvas) {
				if (canvas.width !== canvasWidth(p.chains))
					this.renderChains(p);
				continue;
			}
			const px = trackWidth(p.chains);
			if (Math.abs(px - p.trackPx) >= 0.01) {
				p.trackPx = px;
				this.renderChains(p);
			}
		}
	}

	/*
	 * One element per node and per segment, [data-node] and [data-seg],
	 * those too narrow to draw inside the run that draws them merged.
	 */
	buildChains(p, rows, trackPx) {
		const { nodes, touched, gets, lengths, longest } = rows;
		const html = nodes.map((node, i) => {
			const end = nodeEnd(node);
			const marks = touched.get(i);
			const bounds = segBounds(node);
			const hit = (b, j) => (marks && marks.has(j)) ||
				gets.some((v) => v >= b.vstart && v <= b.vend);
			const share = lengths[i] / longest;
			const pieces = barPieces(node.segs.map((s) => this.weight(segSize(s))),
				share * trackPx);
			const drawn = pieces.map((piece) => piece.to - piece.from === 1 ?
				segHtml(bounds[piece.from], piece.from, hit(bounds[piece.from], piece.from),
					piecePlace(piece)) :
				runHtml(bounds, piece, hit, share * trackPx)).join('');
			return `<div class="node" data-node="${i}" data-vstart="${node.vstart}" ` +
				`data-vend="${end}" title="MAIN[${node.vstart}:${end}], ${node.pages} ` +
				`page${node.pages === 1 ? '' : 's'}, physical start 0x${node.phys}">` +
				`<span class="node-label">MAIN[${node.vstart}:${end}]</span>` +
				`<div class="node-track"><div class="bar" style="width:${100 * share}%">` +
				`${drawn}</div></div></div>`;
		});
		p.chains.innerHTML = html.join('') || '<p class="empty">no node mapped</p>';
	}

	/*
	 * The same rows drawn on one canvas, to the same scale: a row per
	 * node, as long as the node next to the longest, its segments placed
	 * as barPieces() places them, those too narrow to draw merged into a
	 * run painted as the elements paint one (hatched, its PROCESS share
	 * rising from the bottom, the merged rule under it), what the step
	 * changed framed.  The canvas says what it shows in data-nodes and
	 * data-segs; the report below gives every address.
	 */
	drawChains(p, rows) {
		const { nodes, touched, segments, lengths, longest } = rows;
		let canvas = p.chains.querySelector('canvas.chains-canvas');
		if (!canvas) {
			p.chains.textContent = '';
			canvas = document.createElement('canvas');
			canvas.className = 'chains-canvas';
			p.chains.append(canvas);
		}
		const row = nodes.length > 200 ? 4 : 14;
		const width = canvasWidth(p.chains);
		canvas.width = width;
		canvas.height = Math.max(1, nodes.length * row);
		canvas.dataset.nodes = String(nodes.length);
		canvas.dataset.segs = String(segments);
		canvas.dataset.row = String(row);
		canvas.title = `${nodes.length} nodes, ${segments} segments: drawn, not listed ` +
			'(see the report below)';
		const ctx = canvas.getContext('2d');
		ctx.clearRect(0, 0, canvas.width, canvas.height);
		const paint = canvasPaint(ctx);
		nodes.forEach((node, i) => {
			const y = i * row;
			const length = (width * lengths[i]) / longest;
			const marks = touched.get(i);
			const pieces = barPieces(node.segs.map((s) => this.weight(segSize(s))), length);
			for (const piece of pieces) {
				const x = piece.left * length;
				const w = piece.width * length;
				let hit = false;
				for (let j = piece.from; j < piece.to && !hit; j++)
					hit = marks && marks.has(j);
				if (piece.to - piece.from === 1)
					paint.seg(x, y, w, row, segIsHole(node.segs[piece.from]));
				else
					paint.run(x, y, w, row, processShare(node.segs, piece));
				if (hit)
					paint.touched(x, y, w, row);
			}
			paint.frame(0, y, length, row);
		});
	}

	renderCounters(p) {
		const f = chainFigures(p.replay.nodes);
		p.counters.innerHTML = FIGURES.map((fig) =>
			`<tr data-figure="${fig.key}"${fig.key === this.plotted ? ' class="plotted"' : ''}>` +
			`<td>${fig.label}</td><td>${figureText(fig.key, figureValue(f, fig.key))}</td></tr>`).join('');
		for (const row of p.counters.querySelectorAll('tr'))
			row.addEventListener('click', () => {
				this.plotted = row.dataset.figure;
				this.render();
			});
	}

	/* Per pixel column, the least and the most of @key. */
	columns(replay, key, width) {
		const id = `${replay.name}/${key}/${width}`;
		if (!this.plotCache.has(id))
			this.plotCache.set(id, columnsOf(replay.figures[key], this.steps, width));
		return this.plotCache.get(id);
	}

	/*
	 * One axis for @key in every panel, up to the most any policy
	 * reaches: panels side by side compare at a glance only so.
	 */
	sharedAxis(key) {
		const id = `axis/${key}`;
		if (!this.plotCache.has(id)) {
			const top = Math.max(...this.replays.map((r) => r.figures[key].reduce(
				(a, b) => Math.max(a, b), 0)));
			const unit = FIGURES.find((f) => f.key === key)?.unit || 'bytes';
			this.plotCache.set(id, niceAxis(top, unit));
		}
		return this.plotCache.get(id);
	}

	/* Steps to x, as every plot of the page places them. */
	stepX(box, k) {
		return box.left + (box.width * k) / Math.max(1, this.steps);
	}

	renderPlot(p) {
		if (!this.figuresReady) {
			if (!p.waiting)
				p.plot.innerHTML = workingOutSvg(PANEL_PLOT);
			p.waiting = true;
			return;
		}
		const key = this.plotted;
		if (p.waiting || p.plotted !== key) {
			p.waiting = false;
			p.plotted = key;
			const axis = this.sharedAxis(key);
			const cols = this.columns(p.replay, key, PANEL_PLOT.width);
			const y = (v) => axisY(PANEL_PLOT, axis, v);
			let area = '';
			let range = '';
			cols.forEach(([lo, hi], i) => {
				if (lo === Infinity)
					return;
				const x = PANEL_PLOT.left + i + 0.5;
				area += `M${x} ${y(0)}V${y(lo)}`;
				range += `M${x} ${y(hi)}V${Math.max(y(lo), y(hi) + 2)}`;
			});
			p.plot.innerHTML = axesSvg(PANEL_PLOT, axis, this.steps, null) +
				`<path class="plot-area" d="${area}"/>` +
				`<path class="plot-range" data-figure="${key}" d="${range}"/>` +
				'<line class="cursor"/>';
			p.cursor = p.plot.querySelector('.cursor');
		}
		placeCursor(p.cursor, PANEL_PLOT, this.stepX(PANEL_PLOT, this.step));
	}

	/*
	 * With several policies, one plot over them all: each one's mapped
	 * bytes (solid) and live bytes (dashed) on one pair of axes, bytes
	 * on the left, the same in pages on the right.
	 */
	buildOverview() {
		const section = this.$('overview');
		if (this.replays.length < 2)
			return;
		section.hidden = false;
		const box = OVERVIEW_PLOT;
		const svg = section.querySelector('.overview-plot');
		svg.onclick = (e) => this.go(this.plotStep(svg, box, e));
		if (!this.figuresReady) {
			svg.innerHTML = workingOutSvg(box);
			section.querySelector('.overview-legend').textContent = '';
			return;
		}
		const top = Math.max(...this.replays.map((r) => r.figures.mapped.reduce(
			(a, b) => Math.max(a, b), 0)));
		const axis = niceAxis(top, 'bytes');
		const pageSize = this.pageSize();
		const right = pageSize ? niceAxis(axis.max / pageSize, 'pages', axis.max / pageSize) : null;
		let paths = '';
		let legend = '';
		this.replays.forEach((r, i) => {
			const colour = `var(--series-${i % 4})`;
			for (const key of BYTE_FIGURES) {
				const cols = this.columns(r, key, box.width);
				let d = '';
				cols.forEach(([lo, hi], x) => {
					if (lo !== Infinity)
						d += `${d ? 'L' : 'M'}${box.left + x + 0.5} ${axisY(box, axis, hi)}`;
				});
				paths += `<path class="series ${key}" data-policy="${r.name}" ` +
					`data-figure="${key}" style="stroke:${colour}" d="${d}"/>`;
			}
			const peak = r.figures.mapped.reduce((a, b) => Math.max(a, b), 0);
			legend += `<li><span class="line" style="border-color:${colour}"></span>` +
				`${r.name}: mapped at most ${bytesText(peak)}` +
				`${pageSize ? ` (${peak / pageSize} pages)` : ''}</li>`;
		});
		svg.innerHTML = axesSvg(box, axis, this.steps, right && { axis: right, scale: pageSize }) +
			paths + '<line class="cursor"/>';
		section.querySelector('.overview-legend').innerHTML = legend +
			'<li><span class="line"></span>solid: bytes mapped (pages used \u00d7 page size)' +
			'</li><li><span class="line dashed"></span>dashed: live bytes (in blocks)</li>';
		this.overviewCursor = svg.querySelector('.cursor');
		placeCursor(this.overviewCursor, box, this.stepX(box, this.step));
	}

	/* Bytes per page, from any step with pages mapped, or 0. */
	pageSize() {
		for (const r of this.replays) {
			const f = r.figures;
			for (let k = 0; k <= this.steps; k++)
				if (f.pages[k])
					return f.mapped[k] / f.pages[k];
		}
		return 0;
	}

	/* The step under a click on a plot laid out as @box. */
	plotStep(svg, box, e) {
		const x = (e.offsetX * box.outerWidth) / svg.clientWidth;
		return Math.round(((x - box.left) / box.width) * this.steps);
	}
}

if (typeof document !== 'undefined') {
	const start = () => {
		try {
			const data = parseData(document.getElementById('mems-data').textContent);
			window.memsViewer = new Viewer(data);
			document.body.dataset.ready = 'true';
		} catch (err) {
			document.getElementById('panels').textContent = `cannot show this replay: ${err.message}`;
			throw err;
		}
	};
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
}
