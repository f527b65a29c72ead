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

function parseNode(text) {
	const [vstart, phys, pages, segs] = text.split('/');
	return {
		vstart: Number(vstart),
		phys,
		pages: Number(pages),
		segs: parseSegs(segs),
	};
}

/*
 * The changes of a line: {kind: 'n', at, del, nodes} for the main chain,
 * {kind: 's', node, at, del, segs} for a sub-chain.
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
		return {
			kind: 's',
			node: Number(f[1]),
			at: Number(f[2]),
			del: Number(f[3]),
			segs: parseSegs(f[4]),
		};
	});
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

const segSize = (seg) => Math.abs(seg);
const segIsHole = (seg) => seg < 0;

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

/*
 * Apply parsed changes to @nodes (the main chain, changed in place),
 * keeping @fig up to date when given.  Returns the work done, for the
 * checkpoints' spacing.
 */
function applyChanges(nodes, changes, fig) {
	let work = 1;
	for (const c of changes) {
		if (c.kind === 'n') {
			const fresh = c.nodes.map((n) => ({ ...n, segs: n.segs.slice() }));
			const gone = nodes.splice(c.at, c.del, ...fresh);
			if (fig) {
				countNodes(fig, gone, -1);
				countNodes(fig, fresh, 1);
			}
			work += gone.length + fresh.length;
		} else {
			const gone = nodes[c.node].segs.splice(c.at, c.del, ...c.segs);
			if (fig) {
				countSegs(fig, gone, -1);
				countSegs(fig, c.segs, 1);
			}
			work += gone.length + c.segs.length;
		}
	}
	return work;
}

/* What a step's changes put in place: {node: Set of segment indexes}. */
function touchedBy(changes) {
	const touched = new Map();
	const mark = (node, from, count) => {
		if (!touched.has(node))
			touched.set(node, new Set());
		for (let i = from; i < from + count; i++)
			touched.get(node).add(i);
	};
	for (const c of changes) {
		if (c.kind === 'n')
			c.nodes.forEach((n, i) => mark(c.at + i, 0, n.segs.length));
		else
			mark(c.node, c.at, c.segs.length);
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
	let out = '----- MeMS SYSTEM STATS -----\n';
	let pages = 0;
	let unused = 0;
	for (const node of nodes) {
		out += `MAIN[${node.vstart}:${nodeEnd(node)}]->`;
		for (const b of segBounds(node)) {
			out += ` ${b.hole ? 'H' : 'P'}[${b.vstart}:${b.vend}] <->`;
			if (b.hole)
				unused += b.vend - b.vstart + 1;
		}
		out += ' NULL\n';
		pages += node.pages;
	}
	out += `Pages used:\t${pages}\n`;
	out += `Space unused:\t${unused}\n`;
	out += `Main Chain Length:\t${nodes.length}\n`;
	out += 'Sub-chain Length array: [';
	for (const node of nodes)
		out += `${node.segs.length}, `;
	out += ']\n-----------------------------\n';
	return out;
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

function figureText(key, value) {
	return key === 'utilization' ? `${(value * 100).toFixed(1)}%` : String(value);
}

const cloneNodes = (nodes) => nodes.map((n) => ({ ...n, segs: n.segs.slice() }));

/*
 * One policy's replay: its lines, the figures of every step (worked out
 * in one pass at load), and the chain at the step last asked for.
 */
class Replay {
	constructor(name, lines) {
		this.name = name;
		this.lines = lines;
		this.steps = lines.length;
		this.nodes = [];
		this.at = 0;
		this.checkpoints = [{ step: 0, nodes: [] }];
		this.figures = {};
		for (const key of [...FIGURES.map((f) => f.key), ...BYTE_FIGURES])
			this.figures[key] = new Float64Array(this.steps + 1);
		this.prepare();
	}

	/*
	 * Every step once, forward: the figures, and a checkpoint whenever
	 * the work since the last one reaches the size of the state, so
	 * that checkpoints cost no more memory than the changes themselves
	 * and a jump no more than a copy of the state and as much work.
	 */
	prepare() {
		const fig = emptyFigures();
		let work = 0;
		for (let k = 1; k <= this.steps; k++) {
			const { changes } = splitLine(this.lines[k - 1]);
			work += applyChanges(this.nodes, parseChanges(changes), fig);
			this.record(k, fig);
			if (work >= Math.max(64, fig.segments + fig.nodes)) {
				this.checkpoints.push({ step: k, nodes: cloneNodes(this.nodes) });
				work = 0;
			}
		}
		this.at = this.steps;
	}

	record(k, fig) {
		const f = this.figures;
		f.pages[k] = fig.pages;
		f.unused[k] = fig.unused;
		f.nodes[k] = fig.nodes;
		f.segments[k] = fig.segments;
		const mapped = fig.live + fig.unused;
		f.utilization[k] = mapped ? fig.live / mapped : 0;
		f.live[k] = fig.live;
		f.mapped[k] = mapped;
	}

	/* The checkpoint latest at or before step @k. */
	checkpointBefore(k) {
		let lo = 0;
		let hi = this.checkpoints.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (this.checkpoints[mid].step <= k)
				lo = mid;
			else
				hi = mid - 1;
		}
		return this.checkpoints[lo];
	}

	seek(k) {
		const cp = this.checkpointBefore(k);
		if (k < this.at || cp.step > this.at) {
			this.nodes = cloneNodes(cp.nodes);
			this.at = cp.step;
		}
		for (; this.at < k; this.at++)
			applyChanges(this.nodes, parseChanges(splitLine(this.lines[this.at]).changes));
	}

	calls(k) {
		return k ? parseCalls(splitLine(this.lines[k - 1]).calls) : [];
	}

	touched(k) {
		return k ? touchedBy(parseChanges(splitLine(this.lines[k - 1]).changes)) : new Map();
	}
}

/*
 * The data block: a JSON header line, then "@I" and the lines of the
 * Ith policy, for each policy.
 */
function parseData(text) {
	const lines = text.split('\n');
	let i = 0;
	while (i < lines.length && !lines[i].trim())
		i++;
	const header = JSON.parse(lines[i++]);
	const replays = header.policies.map((name, p) => {
		if (lines[i] !== `@${p}`)
			throw new Error(`no data for policy ${name}`);
		const own = lines.slice(i + 1, i + 1 + header.steps);
		const whole = own.findIndex((line) => !line.includes('|'));
		if (own.length !== header.steps || whole >= 0)
			throw new Error(`policy ${name}: ${whole >= 0 ? whole : own.length} ` +
				`steps of ${header.steps}`);
		i += 1 + header.steps;
		return new Replay(name, own);
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
		parseCalls,
		callText,
		applyChanges,
		reportText,
		segBounds,
		nodeEnd,
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

/* The page's URL fragment: #step=K&policy=NAME. */
function readFragment() {
	const params = new URLSearchParams(location.hash.slice(1));
	return { step: params.get('step'), policy: params.get('policy') };
}

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
		this.bind();
		this.buildOverview();
		this.fromFragment();
		window.addEventListener('hashchange', () => this.fromFragment());
	}

	/* The fragment's policy first, then the others in the page's order. */
	order(first) {
		const own = this.replays.find((r) => r.name === first);
		return own ? [own, ...this.replays.filter((r) => r !== own)] : this.replays;
	}

	fromFragment() {
		const { step, policy } = readFragment();
		const k = step !== null && /^\d+$/.test(step) ? Number(step) : this.steps;
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
	 * next to the largest of the panel.  Where segments go depends on
	 * the pixels the rows' track has: measured once, then again only
	 * when the panel is resized (resized()).
	 */
	renderChains(p) {
		if (!p.trackPx)
			p.trackPx = trackWidth(p.chains);
		this.drawRows(p, p.trackPx);
	}

	/* The chains of some panels changed width: a scroll bar, the window. */
	resized(entries) {
		for (const entry of entries) {
			const p = this.panels.find((q) => q.chains === entry.target);
			if (!p)
				continue;
			const px = trackWidth(p.chains);
			if (Math.abs(px - p.trackPx) >= 0.01) {
				p.trackPx = px;
				this.drawRows(p, px);
			}
		}
	}

	drawRows(p, trackPx) {
		const k = this.step;
		const replay = p.replay;
		const nodes = replay.nodes;
		const touched = replay.touched(k);
		const gets = replay.calls(k).filter((c) => c.name === 'get').map((c) => Number(c.args[0]));
		const lengths = nodes.map((n) => this.weight(nodeEnd(n) - n.vstart + 1));
		const longest = lengths.reduce((a, b) => Math.max(a, b), 0) || 1;
		const rows = nodes.map((node, i) => {
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
		p.chains.innerHTML = rows.join('') || '<p class="empty">no node mapped</p>';
	}

	renderCounters(p) {
		const f = p.replay.figures;
		p.counters.innerHTML = FIGURES.map((fig) =>
			`<tr data-figure="${fig.key}"${fig.key === this.plotted ? ' class="plotted"' : ''}>` +
			`<td>${fig.label}</td><td>${figureText(fig.key, f[fig.key][this.step])}</td></tr>`).join('');
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
		const key = this.plotted;
		if (p.plotted !== key) {
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
		const svg = section.querySelector('.overview-plot');
		svg.innerHTML = axesSvg(box, axis, this.steps, right && { axis: right, scale: pageSize }) +
			paths + '<line class="cursor"/>';
		section.querySelector('.overview-legend').innerHTML = legend +
			'<li><span class="line"></span>solid: bytes mapped (pages used \u00d7 page size)' +
			'</li><li><span class="line dashed"></span>dashed: live bytes (in blocks)</li>';
		this.overviewCursor = svg.querySelector('.cursor');
		svg.addEventListener('click', (e) => this.go(this.plotStep(svg, box, e)));
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
