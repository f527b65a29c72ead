// SPDX-License-Identifier: MIT
/*
 * open-time.mjs PAGE.html FRAGMENT... - how long a page of mems-dump
 * --format html takes to show each step asked for, in headless chromium:
 * from the start of the load to the body's data-ready, the first step
 * drawn, one fresh tab per FRAGMENT (#step=K).  Prints a line per
 * fragment: the fragment, the milliseconds, and the segments the first
 * panel shows and whether it drew them on a canvas.  For
 * scripts/record-cc1-trace; no test depends on the times.
 */
import puppeteer from 'puppeteer-core';

const [page, ...fragments] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const browser = await puppeteer.launch({
	executablePath,
	headless: true,
	args: ['--no-sandbox', '--disable-gpu'],
});
try {
	for (const fragment of fragments) {
		const context = await browser.createBrowserContext();
		const tab = await context.newPage();
		const start = Date.now();
		await tab.goto(`file://${page}${fragment}`, { waitUntil: 'domcontentloaded', timeout: 0 });
		await tab.waitForSelector('body[data-ready="true"]', { timeout: 0 });
		const ms = Date.now() - start;
		const shown = await tab.evaluate(() => {
			const canvas = document.querySelector('.panel canvas.chains-canvas');
			return canvas ? `${canvas.dataset.segs} segments on a canvas` :
				`${document.querySelectorAll('.panel [data-seg]').length} segments as elements`;
		});
		console.log(`${fragment}\t${ms} ms\t${shown}`);
		await context.close();
	}
} finally {
	await browser.close();
}
