// selfcheck.test.mjs - a visitor does the self-check in a real browser, in
// Chinese and in English: from the front page, through every step, to the
// result with its total (or range) and its bars.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, stopAndCheck, words, LOCALE } from '../web/server.mjs';
import { openBrowser, walkSelfCheck, fillStep, shot, errorsOnPage, ANSWERS, CHOICES } from './browser.mjs';

const LANGS = [
	{ code: 'zh', locale: 'zh-CN', html: 'zh-CN', date: '1984年5月17日' },
	{ code: 'en', locale: 'en-US', html: 'en', date: '17 May 1984' },
];

let srv;
before(async () => { srv = await startServer({ users: false }); });
after(async () => { if (srv) await stopAndCheck(srv, assert); });

async function htmlLang(page) {
	return page.locator('html').getAttribute('lang');
}

for (const L of LANGS) {
	const w = words(LOCALE[L.code]);

	describe(`self-check in ${L.code}`, () => {
		let b;
		before(async () => { b = await openBrowser({ locale: L.locale }); });
		after(async () => { if (b) await b.close(); });

		test('from the front page through every step to the result', async () => {
			const page = await b.page();
			await page.goto(srv.url + '/');
			assert.equal(await htmlLang(page), L.html, 'the browser language should choose the page language');
			await page.locator('header nav a[href="/self-check"]').click();
			await page.waitForLoadState();
			assert.equal(new URL(page.url()).pathname, '/self-check');
			await shot(page, `selfcheck-choose-${L.code}`);
			await page.locator('section[aria-labelledby="sc-two-zones"] a.button').first().click();
			await page.waitForLoadState();
			assert.equal(new URL(page.url()).pathname, '/self-check/two-zones');

			let summarySeen = false;
			const steps = await walkSelfCheck(page, {
				onStep: async (p, n) => {
					assert.equal(await htmlLang(p), L.html, `step ${n} changed the language`);
					assert.equal(await p.locator('ol.steps [aria-current="step"]').count(), 1,
						`step ${n} should mark where the visitor is`);
					await shot(p, `selfcheck-step${n}-${L.code}`);
					if (!(await p.locator('form.sc-form').count())) {
						summarySeen = true;
						const text = await p.locator('main').innerText();
						assert.ok(text.includes(L.date), `the summary should show the birth date as ${L.date}`);
					}
				},
			});
			assert.ok(steps >= 4, `only ${steps} steps`);
			assert.ok(summarySeen, 'the answers should be summed up before the result');

			assert.equal(new URL(page.url()).pathname, '/self-check/two-zones/result');
			assert.equal(await htmlLang(page), L.html);
			await shot(page, `selfcheck-result-${L.code}`);
			assert.equal((await page.locator('h1').innerText()).trim(), w.sc_result_title);
			const total = (await page.locator('.score-total').first().innerText()).trim();
			assert.match(total, /^\d{1,3}\.\d\d( – \d{1,3}\.\d\d)? \/ 100$/, `the total or range: "${total}"`);
			// The bars: one for the total and one per part, each visible and
			// with a text alternative.
			const bars = page.locator('main svg.bar');
			assert.ok(await bars.count() >= 3, `only ${await bars.count()} bars`);
			for (const bar of (await bars.all()).slice(0, 3)) {
				assert.ok(await bar.isVisible(), 'a bar is not visible');
				const box = await bar.boundingBox();
				assert.ok(box.width > 100 && box.height >= 6, `a bar of ${box.width}x${box.height}`);
				const name = (await bar.getAttribute('aria-label')) || (await bar.locator('title').first().textContent().catch(() => ''));
				assert.ok(name && name.trim(), 'a bar without a text alternative');
			}
			assert.equal(await page.locator('section.sc-part').count(), 2, 'the personal and the enterprise part');
			// Every number has its clause: the threshold and each part's
			// weight open to the text of the policy that gives them.
			const clauses = [
				['details.sc-threshold-source', '70 points or above from experts'],
				['section.sc-part >> nth=0 >> details.sc-part-source', 'Personal score evaluation criteria (70% weight)'],
				['section.sc-part >> nth=1 >> details.sc-part-source', 'Enterprise Credit Evaluation Standard (30% weight)'],
			];
			for (const [where, clause] of clauses) {
				const d = page.locator(where);
				assert.equal(await d.count(), 1, `${where}: one source`);
				await d.locator('summary').click();
				assert.ok((await d.innerText()).includes(clause), `${where} should quote "${clause}"`);
			}
			assert.ok((await page.locator('main').innerText()).includes(w.sc_score));
			assert.deepEqual(b.csp, [], 'the browser refused something under the CSP');
		});

		test('out of reach even with full expert marks: what would be enough then', async () => {
			// Weak answers: the card cannot reach 70 even with every expert's
			// maximum, and one own change (a doctorate) would reach it then.
			const page = await b.page();
			await page.goto(srv.url + '/self-check/two-zones');
			await walkSelfCheck(page, {
				answers: { ...ANSWERS, salary: '300000', years_work: '2', years_china: '0' },
				choices: { ...CHOICES, education: 'bachelor', position: 'other', title: 'none',
					   social_duty: 'none', major_project: 'yes', q_: 'none' },
			});
			assert.equal(new URL(page.url()).pathname, '/self-check/two-zones/result');
			const text = await page.locator('main').innerText();
			const heading = w.sc_adv_full_marks.split('{')[0].trim();
			assert.ok(text.includes(heading), `the result should say "${heading}"`);
			await shot(page, `selfcheck-full-marks-${L.code}`);
		});

		test('answers survive Back and a change of language', async () => {
			const page = await b.page();
			await page.goto(srv.url + '/self-check/two-zones');
			await fillStep(page);
			await page.locator('button[name=go][value=next]').click();
			await page.waitForLoadState();
			assert.deepEqual(await errorsOnPage(page), []);
			await page.locator('button[name=go][value=back]').click();
			await page.waitForLoadState();
			assert.equal(await page.locator('input[name=birth_date]').inputValue(), '1984-05-17', 'Back lost the birth date');
			const other = L.code === 'zh' ? 'en' : 'zh';
			await page.locator(`ul.langs a[hreflang="${other === 'zh' ? 'zh-CN' : 'en'}"]`).click();
			await page.waitForLoadState();
			assert.equal(await htmlLang(page), other === 'zh' ? 'zh-CN' : 'en');
			assert.equal(await page.locator('input[name=birth_date]').inputValue(), '1984-05-17', 'the language switch lost the birth date');
			assert.equal(await page.locator('select[name=education]').inputValue(), 'doctorate');
			// Back to the visitor's language for the tests after this one.
			await page.goto(srv.url + `/self-check?lang=${L.code}`);
		});

		test('a wrong date is explained at the field, with what was typed kept', async () => {
			const page = await b.page();
			await page.goto(srv.url + '/self-check/two-zones');
			await fillStep(page);
			await page.locator('input[name=birth_date]').fill('1984-13-40');
			await page.locator('button[name=go][value=next]').click();
			await page.waitForLoadState();
			const errs = await errorsOnPage(page);
			assert.equal(errs.length, 1, `one error expected, got: ${errs.join('; ')}`);
			const input = page.locator('input[name=birth_date]');
			assert.equal(await input.inputValue(), '1984-13-40');
			assert.equal(await input.getAttribute('aria-invalid'), 'true');
			const href = await page.locator('.error-summary a').first().getAttribute('href');
			assert.equal(href, `#${await input.getAttribute('id')}`, 'the summary should link to the field');
			const described = (await input.getAttribute('aria-describedby')) || '';
			assert.ok(described.split(' ').some((id) => id.endsWith('-error')), 'the field should point at its error');
			await shot(page, `selfcheck-error-${L.code}`);
		});

		test('nationality typed as the country\'s name is taken and shown as its name', async () => {
			const page = await b.page();
			const name = L.code === 'zh' ? '德国' : 'Germany';
			await page.goto(srv.url + '/self-check/two-zones');
			const field = page.locator('input[name=nationality]');
			const list = await field.getAttribute('list');
			assert.ok(list, 'the field offers a list of countries');
			assert.equal(await page.locator(`datalist#${list} option[value=DEU]`).textContent(), name);
			await walkSelfCheck(page, {
				answers: { ...ANSWERS, nationality: name },
				onStep: async (p) => {
					if (!(await p.locator('form.sc-form').count())) /* the summary */
						assert.ok((await p.locator('main').innerText()).includes(
							L.code === 'zh' ? '德国（DEU）' : 'Germany (DEU)'), 'the summary names the country');
				},
			});
			assert.match(new URL(page.url()).pathname, /\/result$/);
			assert.equal(await page.locator('.notice.error').count(), 0, 'the result shows an error');
		});
	});
}

describe('the other programmes reach a result (English)', () => {
	let b;
	before(async () => { b = await openBrowser({ locale: 'en-US' }); });
	after(async () => { if (b) await b.close(); });

	for (const [prog, start] of [
		['zgc (technical track)', 'section[aria-labelledby="sc-zgc"] a.button[href*="track=technical"]'],
		['zgc (start-up track)', 'section[aria-labelledby="sc-zgc"] a.button[href*="track=startup"]'],
		['urgent', 'section[aria-labelledby="sc-urgent"] a.button'],
	]) {
		test(prog, async () => {
			const page = await b.page();
			await page.goto(srv.url + '/self-check');
			await page.locator(start).first().click();
			await page.waitForLoadState();
			await walkSelfCheck(page);
			assert.match(new URL(page.url()).pathname, /\/result$/);
			assert.equal(await page.locator('.notice.error').count(), 0,
				`the result shows an error: ${await page.locator('.notice.error').allInnerTexts()}`);
			assert.ok(await page.locator('#sc-elig').count(), 'the eligibility verdict is missing');
			await shot(page, `selfcheck-result-${prog.split(' ')[0]}${prog.includes('start-up') ? '-startup' : ''}-en`);
			assert.deepEqual(b.csp, []);
		});
	}
});
