// SPDX-License-Identifier: MIT
/*
 * dom-server.mjs PORT_FILE - one headless chromium that hands out the
 * DOM of pages, as chromium --dump-dom prints it, so that viewer.bats
 * starts the browser once rather than once for every state it checks.
 *
 * GET /dom?url=URL loads URL in a tab of its own (a new browser
 * context: nothing is shared with the page before) and answers the
 * outer HTML of its document once the load event fired, the page's
 * script run; status 500 and the error when the page cannot be loaded.
 * The server listens on 127.0.0.1, on a port of the system's choice,
 * which it writes into PORT_FILE once it takes requests; it runs until
 * SIGTERM, or five minutes without a request, so that a test run cut
 * short leaves no browser behind.
 */
import http from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const [portFile] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const browser = await puppeteer.launch({
	executablePath,
	headless: true,
	args: ['--no-sandbox', '--disable-gpu'],
});

async function dom(url) {
	const context = await browser.createBrowserContext();
	try {
		const page = await context.newPage();
		await page.goto(url, { waitUntil: 'load', timeout: 0 });
		/* As --dump-dom writes it: the doctype on a line of its own. */
		return await page.evaluate(() => {
			const type = document.doctype;

			return (type ? `<!DOCTYPE ${type.name}>\n` : '') +
				document.documentElement.outerHTML;
		});
	} finally {
		await context.close();
	}
}

const IDLE_MS = 5 * 60 * 1000;
let idle;

async function stop() {
	server.close();
	await browser.close();
	process.exit(0);
}

function awake() {
	clearTimeout(idle);
	idle = setTimeout(stop, IDLE_MS);
}

const server = http.createServer(async (req, res) => {
	awake();
	const query = new URL(req.url, 'http://127.0.0.1').searchParams;
	try {
		const html = await dom(query.get('url'));
		res.writeHead(200, { 'Content-Type': 'text/html' });
		res.end(`${html}\n`);
	} catch (err) {
		res.writeHead(500, { 'Content-Type': 'text/plain' });
		res.end(`${err.message}\n`);
	}
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'])
	process.on(signal, stop);
awake();

server.listen(0, '127.0.0.1', () => {
	/* Whole or not at all: the reader polls for the file. */
	writeFileSync(`${portFile}.new`, `${server.address().port}\n`);
	renameSync(`${portFile}.new`, portFile);
});
