// a11y.test.mjs - axe-core on every page a visitor or a user sees, in
// Chinese and in English: no serious or critical violation.  Each page is
// also saved as a screenshot (build/screenshots/<page>-<lang>.png) for a
// person to look at.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startServer, stopAndCheck } from '../web/server.mjs';
import { openBrowser, axe, shot, walkSelfCheck } from './browser.mjs';

const LANGS = [
	{ code: 'zh', locale: 'zh-CN' },
	{ code: 'en', locale: 'en-US' },
];

/* The pages a visitor reaches without an account. */
const VISITOR_PAGES = [
	['home', '/'],
	['selfcheck-choose', '/self-check'],
	['enterprises', '/enterprises'],
	['enterprises-valid', '/enterprises?uscc=91110108551385082Q'],
	['enterprises-invalid', '/enterprises?uscc=91110108551385O82Q'],
	['catalog', '/catalog'],
	['catalog-search', '/catalog?q=IEEE'],
	['login', '/login'],
	['register', '/register'],
	['forgot', '/password/forgot'],
	['reset-expired', '/password/reset/not-a-real-token-0123456789'],
	['404', '/no/such/page'],
];

let srv;
before(async () => { srv = await startServer({ users: false }); });
after(async () => { if (srv) await stopAndCheck(srv, assert); });

async function check(page, name, lang) {
	await shot(page, `${name}-${lang}`);
	const v = await axe(page);
	assert.deepEqual(v, [], `${page.url()}: serious or critical accessibility problems`);
}

for (const L of LANGS) {
	describe(`accessibility in ${L.code}`, () => {
		let b, page;
		before(async () => {
			b = await openBrowser({ locale: L.locale, bypassCSP: true });
			page = await b.page();
		});
		after(async () => { if (b) await b.close(); });

		for (const [name, url] of VISITOR_PAGES) {
			test(`${name} (${url})`, async () => {
				await page.goto(srv.url + url);
				await check(page, name, L.code);
			});
		}

		// (selfcheck.test.mjs saves the screenshots of these)
		test('every self-check step, the summary and the result', async () => {
			await page.goto(srv.url + '/self-check/two-zones');
			const problems = [];
			await walkSelfCheck(page, {
				onStep: async (p, n) => {
					problems.push(...(await axe(p)).map((x) => `step ${n}: ${x}`));
				},
			});
			problems.push(...(await axe(page)).map((x) => `result: ${x}`));
			assert.deepEqual(problems, []);
		});

		test('a self-check step with an error', async () => {
			await page.goto(srv.url + '/self-check/two-zones?from=1&go=next&birth_date=1984-13-40');
			assert.ok(await page.locator('.error-summary').count(), 'the step should show its error');
			await check(page, 'selfcheck-step-error', L.code);
		});

		test('login and register with errors', async () => {
			await page.goto(srv.url + '/login');
			await page.locator('main form[action="/login"] button[type=submit]').click();
			await page.waitForLoadState();
			await check(page, 'login-error', L.code);
			await page.goto(srv.url + '/register');
			await page.locator('main form[action="/register"] button[type=submit]').click();
			await page.waitForLoadState();
			await check(page, 'register-error', L.code);
		});

		test('a 403 (an expired form), then the dashboard (logged in)', async () => {
			await page.goto(srv.url + '/login');
			await page.locator('main form[action="/login"] input[name=csrf]').evaluate((e) => { e.value = 'stale'; });
			await page.locator('main form[action="/login"] button[type=submit]').click();
			await page.waitForLoadState();
			await check(page, '403-csrf', L.code);
			await page.goto(srv.url + '/register');
			await page.locator('#field-name').fill(L.code === 'zh' ? '王 无障碍' : 'Ada Access');
			await page.locator('#field-email').fill(`a11y-${crypto.randomUUID().slice(0, 8)}@test.yingcai.example`);
			await page.locator('#field-password').fill('Access-test-5Wq!long');
			await page.locator('main form[action="/register"] button[type=submit]').click();
			await page.waitForLoadState();
			assert.equal(new URL(page.url()).pathname, '/dashboard', `registering ended at ${page.url()}`);
			await check(page, 'dashboard', L.code);
			await page.locator('header form[action="/logout"] button').click();
			await page.waitForLoadState();
		});
	});
}
