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
 * step, for the plot, are worked out by a pass of their own (prepare),
 * which the page runs a slice at a time once the first step is shown.
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
			for (const f of FIGURES)
				this.figures[f.key] = new Float64Array(this.steps + 1);
			this.pass = { k: 1, nodes: [], fig: emptyFigures() };
		}
		const p = this.pass;
		const until = Date.now() + budget;
		for (; p.k <= this.steps; p.k++) {
			applyChanges(p.nodes, parseChanges(splitLine(this.line(p.k)).changes), p.fig);
			for (const f of FIGURES)
				this.figures[f.key][p.k] = figureValue(p.fig, f.key);
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
	};

/* ---------------------------------------------------------------------
 * The page
 */

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
		this.bind();
		this.fromFragment();
		window.addEventListener('hashchange', () => this.fromFragment());
		this.prepareFigures();
	}

	/*
	 * The plot's figures of every step, a slice at a time, so that the
	 * page answers while a long replay is gone through.
	 */
	prepareFigures() {
		const pending = this.replays.filter((r) => !r.prepareSlice(40));
		if (!pending.length) {
			document.body.dataset.figures = 'ready';
			this.render();
			return;
		}
		setTimeout(() => this.prepareFigures(), 0);
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
		const segments = nodes.reduce((sum, n) => sum + n.segs.length, 0);
		if (segments > this.canvasAbove)
			this.drawChains(p, nodes, touched, segments);
		else
			this.buildChains(p, nodes, touched, gets);
		/* The addresses differ from policy to policy. */
		p.call.textContent = replay.calls(k).map(callText).join(', ');
		p.report.textContent = reportText(nodes);
		this.renderCounters(p);
		this.renderPlot(p);
	}

	/* One element per node and per segment: [data-node], [data-seg]. */
	buildChains(p, nodes, touched, gets) {
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
	}

	/*
	 * The same rows drawn on one canvas: a row per node, each segment a
	 * rectangle as wide as its weight, the segments the step changed
	 * framed.  The canvas says what it shows in data-nodes and
	 * data-segs; the report below gives every address.
	 */
	drawChains(p, nodes, touched, segments) {
		let canvas = p.chains.querySelector('canvas.chains-canvas');
		if (!canvas) {
			p.chains.textContent = '';
			canvas = document.createElement('canvas');
			canvas.className = 'chains-canvas';
			p.chains.append(canvas);
		}
		const style = getComputedStyle(document.documentElement);
		const color = (name) => style.getPropertyValue(name).trim();
		const row = nodes.length > 200 ? 4 : 14;
		const width = Math.max(200, p.chains.clientWidth || 600);
		canvas.width = width;
		canvas.height = Math.max(1, nodes.length * row);
		canvas.dataset.nodes = String(nodes.length);
		canvas.dataset.segs = String(segments);
		canvas.title = `${nodes.length} nodes, ${segments} segments: drawn, not listed ` +
			'(see the report below)';
		const ctx = canvas.getContext('2d');
		ctx.clearRect(0, 0, canvas.width, canvas.height);
		const weights = nodes.map((n) => n.segs.reduce((sum, s) => sum + this.weight(segSize(s)), 0));
		const widest = weights.reduce((a, b) => Math.max(a, b), 1);
		const colors = { hole: color('--hole'), process: color('--process'),
			touched: color('--touched'), line: color('--line') };
		nodes.forEach((node, i) => {
			const y = i * row;
			const scale = (width - 1) / widest;
			const marks = touched.get(i);
			let x = 0;
			ctx.fillStyle = colors.line;
			ctx.fillRect(0, y, weights[i] * scale + 1, row - 1);
			node.segs.forEach((seg, j) => {
				const w = this.weight(segSize(seg)) * scale;
				ctx.fillStyle = segIsHole(seg) ? colors.hole : colors.process;
				ctx.fillRect(x, y + 1, Math.max(w, 0.5), row - 3);
				if (marks && marks.has(j)) {
					ctx.strokeStyle = colors.touched;
					ctx.strokeRect(x + 0.5, y + 0.5, Math.max(w - 1, 1), row - 2);
				}
				x += w;
			});
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
		ctx.clearRect(0, 0, w, h);
		if (!p.replay.figures || p.replay.pass)
			return;
		const { cols, top } = this.columns(p.replay, w);
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
