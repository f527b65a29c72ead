// SPDX-License-Identifier: MIT
/*
 * viewer-layout.mjs CHECK PAGE.html ARGS... - measure a page of
 * mems-dump --format html as the system chromium lays it out
 * (getBoundingClientRect, getComputedStyle) and check what it draws:
 *
 *   rows PAGE FRAGMENT WIDTH   in a window WIDTH pixels wide, at
 *       FRAGMENT, in linear then in log scale, then in a window 0.6
 *       times as wide: every row is as long as
 *       its node is large (or as its logarithm) next to the longest of
 *       its panel, within a pixel; nothing drawn leaves its row, no row
 *       its panel, the page never scrolls sideways; each piece of a row
 *       is as long as the segments it draws; two pieces side by side
 *       are never both too narrow to see (narrow segments are merged),
 *       and a merged run is hatched, holds its segments and says how
 *       many in its tooltip.  Prints "ok: N rows, M merged runs of S
 *       segments".
 *   canvas PAGE FRAGMENT WIDTH the same rows drawn on a canvas
 *       (FRAGMENT with &canvas=N under the state's segments), read
 *       back pixel by pixel, in linear then in log scale, then in a
 *       window 0.6 times as wide: each row painted as far as its node
 *       is large (or as its logarithm) next to the longest of its
 *       panel, within a pixel, the canvas as wide as its panel's
 *       chains.  Prints "ok: N rows on a canvas, M with merged runs"
 *       (rows holding the colour --merged paints a run's rule with).
 *   plots PAGE COMPARE.json    the page of --compare, once its figures
 *       are worked out (body[data-figures="ready"]): each panel's plot
 *       of the pages used puts the peak of its policy (peak_pages of
 *       mems-dump --compare --format json) at the height the one axis
 *       of every panel gives it, within a pixel, under the
 *       same labelled ticks; the plot of every policy puts each one's
 *       peak of bytes mapped (peak_mapped_bytes) at its height.
 *   palette PAGE FRAGMENT LIST.svg  a PROCESS and a HOLE segment of
 *       the page at FRAGMENT are painted with the colours of mems-dump
 *       --format svg.
 *
 * Any console error fails the check.  Problems are printed, one a line,
 * and the exit status is 1.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [check, pagePath, ...args] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const problems = [];

/* Pixels a measure may be off by: layout rounds to 1/64 px, and more. */
const SLACK = 1;
/* What viewer.js calls too narrow to draw. */
const MIN_PX = 3;

async function open(browser, url, width) {
	const page = await browser.newPage();
	await page.setViewport({ width, height: 900 });
	page.on('console', (msg) => {
		if (msg.type() === 'error')
			problems.push(`console error: ${msg.text()}`);
	});
	page.on('pageerror', (err) => problems.push(`console: uncaught ${err.message}`));
	await page.goto(url);
	await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
	return page;
}

/* Everything the rows check needs, measured in the page. */
function measureRows() {
	const box = (el) => {
		const r = el.getBoundingClientRect();
		return { left: r.left, right: r.right, width: r.width };
	};
	return {
		log: document.getElementById('log-scale').checked,
		overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
		panels: [...document.querySelectorAll('section.panel')].map((panel) => ({
			policy: panel.dataset.policy,
			box: box(panel),
			nodes: [...panel.querySelectorAll('.node')].map((node) => {
				const bar = node.querySelector('.bar');
				return {
					vstart: Number(node.dataset.vstart),
					vend: Number(node.dataset.vend),
					track: box(node.querySelector('.node-track')),
					bar: box(bar),
					pieces: [...bar.children].map((el) => ({
						run: el.classList.contains('run'),
						box: box(el),
						count: el.dataset.segs,
						title: el.title,
						hatched: getComputedStyle(el).backgroundImage,
						segs: (el.classList.contains('run') ? [...el.children] : [el])
							.filter((s) => s.dataset.seg !== undefined)
							.map((s) => Number(s.dataset.vend) - Number(s.dataset.vstart) + 1),
					})),
				};
			}),
		})),
	};
}

function checkRows(m, what) {
	const weight = (size) => (m.log ? Math.log2(1 + size) : size);
	let rows = 0;
	let runs = 0;
	let merged = 0;
	if (m.overflow > 0)
		problems.push(`${what}: the page scrolls ${m.overflow} px sideways`);
	for (const panel of m.panels) {
		const where = `${what} ${panel.policy}`;
		if (!panel.nodes.length)
			continue;
		const longest = Math.max(...panel.nodes.map((n) => weight(n.vend - n.vstart + 1)));
		panel.nodes.forEach((node, i) => {
			const at = `${where} node ${i} [${node.vstart}:${node.vend}]`;
			const right = Math.max(node.bar.right, ...node.pieces.map((p) => p.box.right));
			const drawn = right - node.bar.left;
			const want = (node.track.width * weight(node.vend - node.vstart + 1)) / longest;
			rows++;
			if (Math.abs(drawn - want) > SLACK)
				problems.push(`${at}: drawn ${drawn.toFixed(2)} px long, ` +
					`${want.toFixed(2)} px to scale`);
			if (right > panel.box.right + 0.01)
				problems.push(`${at}: ends at ${right.toFixed(2)}, past its panel ` +
					`(${panel.box.right.toFixed(2)})`);
			if (right > node.track.right + 0.01)
				problems.push(`${at}: leaves its track`);
			const total = node.pieces.reduce((s, p) => s + p.segs.reduce(
				(a, b) => a + weight(b), 0), 0);
			let x = node.bar.left;
			node.pieces.forEach((p, j) => {
				const piece = `${at} piece ${j}`;
				const length = (node.bar.width * p.segs.reduce((a, b) => a + weight(b), 0)) / total;
				if (Math.abs(p.box.width - length) > SLACK)
					problems.push(`${piece}: ${p.box.width.toFixed(2)} px for ` +
						`${length.toFixed(2)} px of segments`);
				if (Math.abs(p.box.left - x) > SLACK)
					problems.push(`${piece}: starts at ${p.box.left.toFixed(2)}, ` +
						`not where the one before ends (${x.toFixed(2)})`);
				x = p.box.right;
				const prev = node.pieces[j - 1];
				if (prev && prev.box.width < MIN_PX - 0.01 && p.box.width < MIN_PX - 0.01)
					problems.push(`${piece}: it and the piece before are both under ` +
						`${MIN_PX} px (${prev.box.width.toFixed(2)}, ` +
						`${p.box.width.toFixed(2)}), not merged`);
				if (!p.run) {
					if (p.segs.length !== 1)
						problems.push(`${piece}: a segment that holds ${p.segs.length}`);
					return;
				}
				runs++;
				merged += p.segs.length;
				if (p.segs.length < 2 || String(p.segs.length) !== p.count)
					problems.push(`${piece}: a run of ${p.segs.length} segments ` +
						`says it holds ${p.count}`);
				if (!p.title.startsWith(`${p.segs.length} segments merged (`))
					problems.push(`${piece}: tooltip "${p.title}"`);
				if (!p.hatched.includes('repeating-linear-gradient'))
					problems.push(`${piece}: not hatched (${p.hatched})`);
			});
		});
	}
	return { rows, runs, merged };
}

/*
 * The page's rows measured by @measure and held to scale by @check, in
 * linear scale, in log scale, then in log scale in a narrower window:
 * the rows follow, and so do their merged runs.  Returns the first two
 * checks' findings.
 */
async function checkScales(browser, measure, check) {
	const [fragment, width] = args;
	const page = await open(browser, pathToFileURL(pagePath).href + fragment, Number(width));
	const linear = check(await page.evaluate(measure), 'linear');
	await page.click('#log-scale');
	const log = check(await page.evaluate(measure), 'log');
	await page.setViewport({ width: Math.round(width * 0.6), height: 900 });
	await page.evaluate(() => new Promise((done) =>
		requestAnimationFrame(() => requestAnimationFrame(done))));
	check(await page.evaluate(measure), 'log, in a narrower window');
	if (!linear.rows)
		problems.push('no row at all: a poor test');
	return { linear, log };
}

async function rows(browser) {
	const { linear, log } = await checkScales(browser, measureRows, checkRows);
	return `${linear.rows} rows, ${linear.runs} merged runs of ${linear.merged} segments ` +
		`(log scale: ${log.runs} runs of ${log.merged})`;
}

/*
 * Each canvas of the page, read back: per row, the node's size (from
 * the report, which lists the nodes in the rows' order), where the
 * row's paint ends and whether it holds the colour of a run's rule.
 */
function measureCanvas() {
	const merged = getComputedStyle(document.documentElement)
		.getPropertyValue('--merged').trim();
	const rule = [1, 3, 5].map((i) => parseInt(merged.slice(i, i + 2), 16));
	return {
		log: document.getElementById('log-scale').checked,
		overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
		panels: [...document.querySelectorAll('section.panel')].map((panel) => {
			const canvas = panel.querySelector('canvas.chains-canvas');
			if (!canvas)
				return { policy: panel.dataset.policy, canvas: false };
			const chains = panel.querySelector('.chains');
			const row = Number(canvas.dataset.row);
			const { width, height } = canvas;
			const px = canvas.getContext('2d').getImageData(0, 0, width, height).data;
			const sizes = [...panel.querySelector('.report').textContent
				.matchAll(/^MAIN\[(\d+):(\d+)\]/gm)].map((m) => Number(m[2]) - Number(m[1]) + 1);
			return {
				policy: panel.dataset.policy,
				canvas: true,
				width,
				box: canvas.getBoundingClientRect().width,
				chains: chains.clientWidth,
				nodes: Number(canvas.dataset.nodes),
				rows: sizes.map((size, i) => {
					const y = i * row + Math.floor(row / 2);
					let end = 0;
					let runs = false;
					for (let x = 0; x < width; x++) {
						const at = 4 * (y * width + x);
						if (px[at + 3])
							end = x + 1;
					}
					for (let yy = i * row; yy < (i + 1) * row && !runs; yy++)
						for (let x = 0; x < width && !runs; x++) {
							const at = 4 * (yy * width + x);
							runs = px[at] === rule[0] && px[at + 1] === rule[1] &&
								px[at + 2] === rule[2];
						}
					return { size, end, runs };
				}),
			};
		}),
	};
}

function checkCanvas(m, what) {
	const weight = (size) => (m.log ? Math.log2(1 + size) : size);
	let rows = 0;
	let runs = 0;
	if (m.overflow > 0)
		problems.push(`${what}: the page scrolls ${m.overflow} px sideways`);
	for (const panel of m.panels) {
		const where = `${what} ${panel.policy}`;
		if (!panel.canvas) {
			problems.push(`${where}: no canvas`);
			continue;
		}
		if (panel.rows.length !== panel.nodes)
			problems.push(`${where}: ${panel.nodes} rows drawn, ${panel.rows.length} nodes reported`);
		if (panel.width !== Math.max(200, panel.chains) || Math.abs(panel.box - panel.width) > 0.01)
			problems.push(`${where}: a canvas of ${panel.width} px shown ${panel.box} px wide ` +
				`in chains of ${panel.chains} px`);
		const longest = Math.max(...panel.rows.map((r) => weight(r.size)));
		panel.rows.forEach((r, i) => {
			const want = (panel.width * weight(r.size)) / longest;
			rows++;
			runs += r.runs;
			if (Math.abs(r.end - want) > SLACK)
				problems.push(`${where} row ${i} (${r.size} bytes): painted ${r.end} px long, ` +
					`${want.toFixed(2)} px to scale`);
		});
	}
	return { rows, runs };
}

async function canvas(browser) {
	const { linear, log } = await checkScales(browser, measureCanvas, checkCanvas);
	return `${linear.rows} rows on a canvas, ${linear.runs} with merged runs ` +
		`(log scale: ${log.runs})`;
}

/* The frame's bottom and top, the top of each series, tick labels. */
function measurePlots() {
	const rect = (el) => el.getBoundingClientRect();
	const plot = (svg, series) => {
		if (!svg.querySelector('.frame'))
			return { bottom: NaN, height: NaN, ticks: [], title: 'no axes', tops: {} };
		const frame = rect(svg.querySelector('.frame'));
		return {
			bottom: frame.bottom,
			height: frame.height,
			ticks: [...svg.querySelectorAll('.tick.y')].map((t) => t.textContent),
			title: svg.querySelector('.axis-title.y')?.textContent,
			tops: Object.fromEntries([...svg.querySelectorAll(series)].map((p) =>
				[p.dataset.policy || p.closest('section.panel').dataset.policy,
					rect(p).top])),
		};
	};
	const overview = document.querySelector('#overview:not([hidden]) .overview-plot');
	return {
		panels: [...document.querySelectorAll('section.panel .plot')].map((svg) =>
			plot(svg, '.plot-range[data-figure="pages"]')),
		overview: overview && plot(overview, '.series[data-figure="mapped"]'),
	};
}

/* Heights of @tops over @bottom proportional to @peaks, one scale. */
function checkScale(what, bottom, tops, peaks) {
	const names = Object.keys(peaks);
	const most = names.reduce((a, b) => (peaks[b] > peaks[a] ? b : a));
	const perUnit = (bottom[most] - tops[most]) / peaks[most];
	for (const name of names) {
		if (tops[name] === undefined) {
			problems.push(`${what}: nothing drawn for ${name}`);
			continue;
		}
		const height = bottom[name] - tops[name];
		if (Math.abs(height - peaks[name] * perUnit) > SLACK)
			problems.push(`${what}: ${name}'s peak of ${peaks[name]} is ` +
				`${height.toFixed(2)} px high, ${(peaks[name] * perUnit).toFixed(2)} ` +
				`px on ${most}'s scale`);
	}
}

async function plots(browser) {
	const rowsOf = JSON.parse(readFileSync(args[0], 'utf8'));
	const peaks = Object.fromEntries(rowsOf.map((r) => [r.policy, r.peak_pages]));
	const mapped = Object.fromEntries(rowsOf.map((r) => [r.policy, r.peak_mapped_bytes]));
	const values = Object.values(peaks);
	if (Math.min(...values) === Math.max(...values))
		problems.push(`every policy peaks at ${values[0]} pages: a poor test`);
	const page = await open(browser, pathToFileURL(pagePath).href, 1400);
	/* The plots are drawn once the figures of every step are worked out. */
	await page.waitForSelector('body[data-figures="ready"]', { timeout: 20000 });
	const m = await page.evaluate(measurePlots);
	if (m.panels.length !== rowsOf.length)
		problems.push(`${m.panels.length} panel plots for ${rowsOf.length} policies`);
	const tops = Object.assign({}, ...m.panels.map((p) => p.tops));
	const bottoms = {};
	for (const p of m.panels) {
		for (const name of Object.keys(p.tops))
			bottoms[name] = p.bottom;
		if (p.ticks.join() !== m.panels[0].ticks.join())
			problems.push(`panel ticks ${p.ticks.join(' ')} and ${m.panels[0].ticks.join(' ')}`);
		if (p.title !== 'pages')
			problems.push(`a panel plot's axis is titled "${p.title}", not "pages"`);
		if (Math.abs(p.height - m.panels[0].height) > 0.01)
			problems.push('panel plots of different heights');
	}
	checkScale('panel plots', bottoms, tops, peaks);
	if (!m.overview) {
		problems.push('no plot of every policy');
	} else {
		const bottom = Object.fromEntries(Object.keys(mapped).map((n) => [n, m.overview.bottom]));
		checkScale('the plot of every policy', bottom, m.overview.tops, mapped);
		if (!/^(bytes|KiB|MiB|GiB)$/.test(m.overview.title || ''))
			problems.push(`the plot of every policy counts "${m.overview.title}"`);
	}
	return `${m.panels.length} panels on ticks ${m.panels[0]?.ticks.join(' ')}`;
}

/* "#0b5cad" as getComputedStyle writes it. */
function rgb(hex) {
	const n = parseInt(hex.slice(1), 16);
	return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

async function palette(browser) {
	const [fragment, list] = args;
	const svg = readFileSync(list, 'utf8');
	const proc = svg.match(/\.p\{fill:(#[0-9a-f]{6})\}/)?.[1];
	const hatch = [...svg.matchAll(/<rect width="\d+" height="6" fill="(#[0-9a-f]{6})"\/>/g)]
		.map((f) => f[1]);
	if (!proc || hatch.length !== 2)
		return problems.push(`no PROCESS fill or HOLE hatch in ${list}`);
	const page = await open(browser, pathToFileURL(pagePath).href + fragment, 1280);
	const m = await page.evaluate(() => {
		const style = (sel) => {
			const el = document.querySelector(sel);
			if (!el)
				return { color: `no ${sel}`, image: `no ${sel}` };
			const s = getComputedStyle(el);
			return { color: s.backgroundColor, image: s.backgroundImage };
		};
		return {
			process: style('.seg[data-type="PROCESS"]'),
			hole: style('.seg[data-type="HOLE"]'),
		};
	});
	if (m.process.color !== rgb(proc))
		problems.push(`PROCESS: ${m.process.color} in the page, ${rgb(proc)} in the SVG`);
	for (const colour of hatch)
		if (!m.hole.image.includes(rgb(colour)))
			problems.push(`HOLE: ${m.hole.image} in the page, no ${rgb(colour)} of the SVG's hatch`);
	return `PROCESS ${proc}, HOLE ${hatch.join(' on ')}`;
}

const checks = { rows, canvas, plots, palette };

async function main() {
	if (!checks[check]) {
		console.log(`viewer-layout.mjs: no check "${check}"`);
		process.exit(2);
	}
	const browser = await puppeteer.launch({
		executablePath,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu'],
	});
	let said = '';
	try {
		said = await checks[check](browser);
	} catch (err) {
		problems.push(err.message);
	} finally {
		await browser.close();
	}
	if (problems.length) {
		console.log(problems.join('\n'));
		process.exit(1);
	}
	console.log(`ok: ${said}`);
}

main();
