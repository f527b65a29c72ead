// SPDX-License-Identifier: MIT
/*
 * viewer-keys.mjs PAGE.html EXPECTED_DIR STEPS - drive a page of
 * mems-dump --format html in the system chromium with keys, buttons,
 * the slider, the jump box, play and the URL, and check after each that
 * the page is at the step it must be and that #report is the text dump
 * of that step, EXPECTED_DIR/report-K.txt.  Any console error or
 * uncaught exception fails the run.  Prints "ok: N checks" on success.
 *
 * puppeteer-core drives the browser over the DevTools protocol; it
 * never downloads one: the system's chromium is used.
 */
import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [pagePath, expectedDir, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const url = pathToFileURL(pagePath).href;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const problems = [];
let checks = 0;

function expectedReport(k) {
	const file = `${expectedDir}/report-${k}.txt`;
	return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

async function state(page) {
	return page.evaluate(() => ({
		step: Number(document.body.dataset.step),
		slider: Number(document.getElementById('slider').value),
		report: document.getElementById('report').textContent,
	}));
}

async function expectStep(page, k, what) {
	const s = await state(page);
	checks++;
	if (s.step !== k || s.slider !== k) {
		problems.push(`${what}: at step ${s.step} (slider ${s.slider}), not ${k}`);
		return;
	}
	const want = expectedReport(k);
	if (want !== null && s.report !== want)
		problems.push(`${what}: the report of step ${k} differs:\n${s.report}\n--- expected ---\n${want}`);
}

async function main() {
	const browser = await puppeteer.launch({
		executablePath,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu'],
	});
	try {
		const page = await browser.newPage();
		page.on('console', (msg) => {
			if (msg.type() === 'error')
				problems.push(`console error: ${msg.text()}`);
		});
		page.on('pageerror', (err) => problems.push(`console: uncaught ${err.message}`));
		await page.goto(`${url}#step=0`);
		await page.waitForSelector('body[data-ready="true"]', { timeout: 10000 });
		await expectStep(page, 0, '#step=0');

		const press = async (key, what, k) => {
			await page.keyboard.press(key);
			await expectStep(page, k, what);
		};
		await press('ArrowRight', 'ArrowRight', 1);
		await press('ArrowRight', 'ArrowRight', 2);
		await press('ArrowRight', 'ArrowRight', 3);
		await press('ArrowLeft', 'ArrowLeft', 2);
		await page.keyboard.down('Shift');
		await press('ArrowRight', 'Shift+ArrowRight', 12);
		await page.keyboard.up('Shift');
		await press('End', 'End', steps);
		await press('ArrowRight', 'ArrowRight at the end', steps);
		await press('Home', 'Home', 0);
		await press('ArrowLeft', 'ArrowLeft at the start', 0);

		/* The slider: moved as a user drags it, then by keys on it. */
		const mid = Math.floor(steps / 2);
		await page.$eval('#slider', (el, v) => {
			el.value = String(v);
			el.dispatchEvent(new Event('input', { bubbles: true }));
		}, mid);
		await expectStep(page, mid, 'slider');
		await page.focus('#slider');
		await press('ArrowRight', 'ArrowRight on the slider', mid + 1);
		await press('ArrowLeft', 'ArrowLeft on the slider', mid);

		await page.click('#forward');
		await expectStep(page, mid + 1, 'forward button');
		await page.click('#back');
		await page.click('#back');
		await expectStep(page, mid - 1, 'back button');
		await page.click('#last');
		await expectStep(page, steps, 'last button');
		await page.click('#first');
		await expectStep(page, 0, 'first button');

		/* The jump box. */
		await page.click('#jump-to', { clickCount: 3 });
		await page.keyboard.type('7');
		await page.keyboard.press('Enter');
		await expectStep(page, 7, 'jump to 7');

		/* Space plays to the end at the fastest speed, then stops. */
		await page.select('#speed', '1000');
		await page.focus('#play');
		await page.keyboard.press(' ');
		await page.waitForFunction((n) => document.body.dataset.step === String(n),
			{ timeout: 10000 }, steps);
		await new Promise((r) => setTimeout(r, 200));
		await expectStep(page, steps, 'play to the end');
		const playing = await page.$eval('#play', (el) => el.textContent);
		checks++;
		if (playing !== 'play')
			problems.push(`play did not stop at the end: button ${playing}`);

		/* Space pauses: play from 0, pause, and no step passes after. */
		await page.select('#speed', '1');
		await page.keyboard.press('Home');
		await page.keyboard.press(' ');
		await new Promise((r) => setTimeout(r, 1300));
		await page.keyboard.press(' ');
		const paused = (await state(page)).step;
		await new Promise((r) => setTimeout(r, 1300));
		await expectStep(page, paused, 'pause');
		checks++;
		if (paused < 1 || paused > 2)
			problems.push(`1 step a second played ${paused} steps in 1.3 s`);

		/* The URL: a new fragment, and a reload keeps the step. */
		await page.evaluate(() => { location.hash = '#step=13'; });
		await page.waitForFunction(() => document.body.dataset.step === '13');
		await expectStep(page, 13, 'hash #step=13');
		await press('ArrowRight', 'ArrowRight after the hash', 14);
		await page.reload();
		await page.waitForSelector('body[data-ready="true"]');
		await expectStep(page, 14, 'reload');
	} catch (err) {
		problems.push(`${err.message}`);
	} finally {
		await browser.close();
	}
	if (problems.length) {
		console.log(problems.join('\n'));
		process.exit(1);
	}
	console.log(`ok: ${checks} checks`);
}

main();
