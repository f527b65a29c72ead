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

const FIGURES = [
	{ key: 'pages', label: 'pages used' },
	{ key: 'unused', label: 'space unused' },
	{ key: 'nodes', label: 'nodes' },
	{ key: 'segments', label: 'segments' },
	{ key: 'utilization', label: 'utilization' },
];

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
		for (const f of FIGURES)
			this.figures[f.key] = new Float64Array(this.steps + 1);
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
	};

/* ---------------------------------------------------------------------
 * The page
 */

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
		this.panels = shown.map((replay, i) => {
			const panel = template.content.firstElementChild.cloneNode(true);
			panel.dataset.policy = replay.name;
			panel.querySelector('.policy').textContent = replay.name;
			const report = panel.querySelector('.report');
			if (i === 0)
				report.id = 'report';
			const plot = panel.querySelector('.plot');
			plot.addEventListener('click', (e) => {
				const x = e.offsetX / plot.clientWidth;
				this.go(Math.round(x * this.steps));
			});
			main.append(panel);
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
	}

	weight(size) {
		return this.log ? Math.log2(1 + size) : size;
	}

	renderPanel(p) {
		const k = this.step;
		const replay = p.replay;
		const nodes = replay.nodes;
		const touched = replay.touched(k);
		const gets = replay.calls(k).filter((c) => c.name === 'get').map((c) => Number(c.args[0]));
		const weights = nodes.map((n) => n.segs.reduce((sum, s) => sum + this.weight(segSize(s)), 0));
		const widest = weights.reduce((a, b) => Math.max(a, b), 1);
		const rows = nodes.map((node, i) => {
			const end = nodeEnd(node);
			const marks = touched.get(i);
			const segs = segBounds(node).map((b, j) => {
				const size = b.vend - b.vstart + 1;
				const type = b.hole ? 'HOLE' : 'PROCESS';
				const hit = (marks && marks.has(j)) ||
					gets.some((v) => v >= b.vstart && v <= b.vend);
				return `<div class="seg${hit ? ' touched' : ''}" data-seg="${j}" ` +
					`data-type="${type}" data-vstart="${b.vstart}" data-vend="${b.vend}" ` +
					`style="flex-grow:${this.weight(size)}" ` +
					`title="${b.hole ? 'H' : 'P'}[${b.vstart}:${b.vend}] ${size} bytes"></div>`;
			}).join('');
			const width = (100 * weights[i]) / widest;
			return `<div class="node" data-node="${i}" data-vstart="${node.vstart}" ` +
				`data-vend="${end}" title="MAIN[${node.vstart}:${end}], ${node.pages} ` +
				`page${node.pages === 1 ? '' : 's'}, physical start 0x${node.phys}">` +
				`<span class="node-label">MAIN[${node.vstart}:${end}]</span>` +
				`<div class="node-track"><div class="bar" style="width:${width}%">${segs}</div></div></div>`;
		});
		p.chains.innerHTML = rows.join('') || '<p class="empty">no node mapped</p>';
		/* The addresses differ from policy to policy. */
		p.call.textContent = replay.calls(k).map(callText).join(', ');
		p.report.textContent = reportText(nodes);
		this.renderCounters(p);
		this.renderPlot(p);
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

	/* Per pixel column, the least and the most of the figure. */
	columns(replay, width) {
		const id = `${replay.name}/${this.plotted}/${width}`;
		if (this.plotCache.has(id))
			return this.plotCache.get(id);
		const values = replay.figures[this.plotted];
		const cols = [];
		for (let x = 0; x < width; x++) {
			const from = Math.floor((x * (this.steps + 1)) / width);
			const to = Math.max(from + 1, Math.floor(((x + 1) * (this.steps + 1)) / width));
			let lo = Infinity;
			let hi = -Infinity;
			for (let k = from; k < to && k <= this.steps; k++) {
				lo = Math.min(lo, values[k]);
				hi = Math.max(hi, values[k]);
			}
			cols.push([lo, hi]);
		}
		let top = 0;
		for (const [, hi] of cols)
			if (hi > top)
				top = hi;
		const result = { cols, top: this.plotted === 'utilization' ? 1 : top || 1 };
		this.plotCache.set(id, result);
		return result;
	}

	renderPlot(p) {
		const canvas = p.plot;
		const ctx = canvas.getContext('2d');
		const w = canvas.width;
		const h = canvas.height;
		const { cols, top } = this.columns(p.replay, w);
		ctx.clearRect(0, 0, w, h);
		/* An area under the least, the range to the most above it. */
		cols.forEach(([lo, hi], x) => {
			if (lo === Infinity)
				return;
			const y1 = h - 2 - ((h - 4) * hi) / top;
			const y0 = h - 2 - ((h - 4) * lo) / top;
			ctx.fillStyle = '#f3d3b0';
			ctx.fillRect(x, y0, 1, h - y0);
			ctx.fillStyle = '#d9822b';
			ctx.fillRect(x, y1, 1, Math.max(2, y0 - y1));
		});
		const cx = Math.round((this.step / Math.max(1, this.steps)) * (w - 1));
		ctx.fillStyle = '#1f6feb';
		ctx.fillRect(cx, 0, 1, h);
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
