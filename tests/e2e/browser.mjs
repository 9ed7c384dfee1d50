// browser.mjs - a real Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, for the end-to-end tests.
//
// Every browser gets a fresh profile in a temporary directory and the
// flags below (no sandbox: tests may run as root; nothing phones home).
// Screenshots go to build/screenshots/.  axe-core is injected from
// node_modules; the pages' CSP forbids inline scripts, so the contexts that
// run axe bypass the CSP, and the journeys (which must work under the real
// CSP) record every violation the browser reports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { ROOT } from '../web/server.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'build/screenshots');
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

/* openBrowser: a browser context with its own profile.  locale sets
 * navigator.language and Accept-Language ('zh-CN', 'en-US').  Returns the
 * context with a close() that also removes the profile, and csp: the CSP
 * violations seen so far (empty when bypassCSP). */
export async function openBrowser({ locale = 'zh-CN', bypassCSP = false } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingcai-chromium-'));
	let ctx;
	try {
		ctx = await chromium.launchPersistentContext(dir, {
			executablePath: CHROMIUM, headless: true, args: ARGS, locale, bypassCSP,
			viewport: { width: 1280, height: 900 }, timeout: 30000,
		});
	} catch (e) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw e;
	}
	ctx.setDefaultTimeout(15000);
	const csp = [];
	const watch = (page) => page.on('console', (m) => {
		if (/Content Security Policy|Refused to (apply|load|execute)/i.test(m.text()))
			csp.push(`${page.url()}: ${m.text()}`);
	});
	ctx.pages().forEach(watch);
	ctx.on('page', watch);
	return {
		ctx, csp,
		async page() {
			const p = ctx.pages()[0] || await ctx.newPage();
			return p;
		},
		async close() {
			await ctx.close().catch(() => {});
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/* axe: serious and critical violations of the page, as readable lines. */
export async function axe(page) {
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.addScriptTag({ path: AXE });
	const res = await page.evaluate(async () => window.axe.run(document, {
		resultTypes: ['violations'],
	}));
	return res.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x: ` +
			v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ') + ')');
}

export async function shot(page, name) {
	fs.mkdirSync(SHOTS, { recursive: true });
	const file = path.join(SHOTS, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/* ---- the self-check ---- */

/* What a person would type, by field name (the form's name attributes). */
export const ANSWERS = {
	birth_date: '1984-05-17',
	nationality: 'DEU',
	years_work: '12',
	years_china: '4',
	salary: '960000',
	employer: 'Beijing Example Technology Co., Ltd.',
	uscc: '91110108551385082Q',
	revenue: '250000000',
	tax: '12000000',
	jobs: '320',
	shares: '12',
};

/* Choices: a value wanted for a select or radio group, else the first
 * option that answers (not an empty "don't know"). */
export const CHOICES = {
	education: 'doctorate',
	position: 'director',
	title: 'senior',
	visibility: 'listed',
	major_project: 'yes',
	urgent_field: 'yes',
	social_duty: 'national',
	key_entity: 'yes',
	board_director: 'yes',
	rd_team: 'yes',
	zgc_registered: 'yes',
	zgc_high_tech: 'yes',
	vocational: 'no',
	high_end: 'yes',
	real_estate: 'no',
	penalties: 'no',
	beijing: 'yes',
};

/* fillStep: answer every question of the self-check step on screen.
 * Returns the names of the fields filled. */
export async function fillStep(page, { answers = ANSWERS, choices = CHOICES } = {}) {
	const form = page.locator('form.sc-form');
	const filled = [];
	for (const input of await form.locator('input[type=text]').all()) {
		const name = await input.getAttribute('name');
		const placeholder = await input.getAttribute('placeholder');
		const mode = await input.getAttribute('inputmode');
		let v = answers[name];
		if (v === undefined)
			v = placeholder === 'YYYY-MM-DD' ? '1984-05-17' : mode === 'numeric' || mode === 'decimal' ? '10' : 'Example';
		await input.fill(v);
		filled.push(name);
	}
	const seenSelect = new Set();
	for (const sel of await form.locator('select').all()) {
		const name = await sel.getAttribute('name');
		const values = await sel.locator('option').evaluateAll((os) => os.map((o) => o.value));
		// Qualification lists have one select per catalog entry: answer the first.
		if (name.startsWith('q_')) {
			if (seenSelect.has('quals'))
				continue;
			seenSelect.add('quals');
		}
		const want = name.startsWith('q_') ? choices.q_ : choices[name];
		const v = values.includes(want) ? want : values.find((x) => x && !/^(unknown|none|)$/.test(x)) ?? values[values.length - 1];
		await sel.selectOption(v);
		filled.push(name);
	}
	const radios = await form.locator('input[type=radio]').evaluateAll((rs) => [...new Set(rs.map((r) => r.name))]);
	for (const name of radios) {
		const group = form.locator(`input[type=radio][name="${name}"]`);
		const values = await group.evaluateAll((rs) => rs.map((r) => r.value));
		const want = choices[name];
		const v = values.includes(want) ? want : values.find((x) => x && x !== 'unknown') ?? values[0];
		await form.locator(`input[type=radio][name="${name}"][value="${v}"]`).check();
		filled.push(name);
	}
	const checks = await form.locator('input[type=checkbox]').evaluateAll((cs) => [...new Set(cs.map((c) => c.name))]);
	for (const name of checks) {
		await form.locator(`input[type=checkbox][name="${name}"]`).first().check();
		filled.push(name);
	}
	return filled;
}

/* errorsOnPage: the texts of an error summary, if the page shows one. */
export async function errorsOnPage(page) {
	const s = page.locator('.error-summary');
	if (!(await s.count()))
		return [];
	return s.locator('li').allInnerTexts();
}

/* walkSelfCheck: from a step page of the self-check, answer and go on
 * until the result page (with ANSWERS and CHOICES, or the ones given).
 * onStep(page, n) runs on each step before answering (screenshots, axe).
 * Returns the number of steps. */
export async function walkSelfCheck(page, { onStep, maxSteps = 12, answers, choices } = {}) {
	for (let n = 1; n <= maxSteps; n++) {
		if (/\/result(\?|$)/.test(new URL(page.url()).pathname + '?'))
			return n - 1;
		if (onStep)
			await onStep(page, n);
		if (await page.locator('form.sc-form').count()) {
			await fillStep(page, { answers, choices });
			await page.locator('form.sc-form button[name=go][value=next]').click();
			await page.waitForLoadState('load');
			const errors = await errorsOnPage(page);
			if (errors.length)
				throw new Error(`step ${n} refused the answers: ${errors.join('; ')}`);
		} else {
			// The summary: a link or button on to the result.
			const to = page.locator('a[href*="/result"], form[action*="/result"] button').first();
			if (!(await to.count()))
				throw new Error(`step ${n} (${page.url()}) has neither a form nor a way to the result`);
			await to.click();
			await page.waitForLoadState('load');
		}
	}
	throw new Error(`no result page after ${maxSteps} steps (at ${page.url()})`);
}
