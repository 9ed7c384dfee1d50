// accounts.test.mjs - a visitor registers, logs out, logs in (and gets a
// wrong password explained) in a real browser, in Chinese and in English;
// and saves a self-check into the account it just made.
import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startServer, stopAndCheck, words, LOCALE, decodeEntities } from '../web/server.mjs';
import { openBrowser, walkSelfCheck, shot } from './browser.mjs';

const LANGS = [
	{ code: 'zh', locale: 'zh-CN', html: 'zh-CN' },
	{ code: 'en', locale: 'en-US', html: 'en' },
];
const PASSWORD = 'Browser-test-4Xq!long';

let srv;
before(async () => { srv = await startServer({ users: false }); });
after(async () => { if (srv) await stopAndCheck(srv, assert); });

const path = (page) => new URL(page.url()).pathname;

async function go(page, action) {
	await action();
	await page.waitForLoadState();
}

async function register(page, name, email, role = 'applicant') {
	await page.locator(`#field-role-${role}`).check();
	await page.locator('#field-name').fill(name);
	await page.locator('#field-email').fill(email);
	await page.locator('#field-password').fill(PASSWORD);
	await go(page, () => page.locator('main form[action="/register"] button[type=submit]').click());
}

async function login(page, email, password) {
	await page.locator('#field-email').fill(email);
	await page.locator('#field-password').fill(password);
	await go(page, () => page.locator('main form[action="/login"] button[type=submit]').click());
}

async function logout(page) {
	await go(page, () => page.locator('header form[action="/logout"] button').click());
}

for (const L of LANGS) {
	const w = words(LOCALE[L.code]);

	describe(`accounts in ${L.code}`, () => {
		let b;
		const name = L.code === 'zh' ? '李 测试' : 'Anna Test';
		const email = `e2e-${L.code}-${crypto.randomUUID().slice(0, 8)}@test.yingcai.example`;

		before(async () => { b = await openBrowser({ locale: L.locale }); });
		after(async () => { if (b) await b.close(); });

		test('a visitor registers and lands on the dashboard, logged in', async () => {
			const page = await b.page();
			await page.goto(srv.url + '/');
			await go(page, () => page.locator('header nav a[href="/register"]').click());
			assert.equal(path(page), '/register');
			assert.equal(await page.locator('html').getAttribute('lang'), L.html);
			await shot(page, `register-${L.code}`);
			await register(page, name, email);
			assert.equal(path(page), '/dashboard', `registering ended at ${page.url()}`);
			assert.ok(await page.locator('.notice[role=status]').count(), 'no welcome notice');
			assert.ok((await page.locator('.whoami').innerText()).includes(name), 'the header should say who is logged in');
			assert.ok(await page.locator('header form[action="/logout"]').count(), 'no way to log out');
			await shot(page, `dashboard-${L.code}`);
		});

		test('logs out, then logs in again', async () => {
			const page = await b.page();
			await logout(page);
			assert.equal(path(page), '/');
			assert.equal(await page.locator('header form[action="/logout"]').count(), 0, 'still logged in after logging out');
			assert.equal(await page.locator('.whoami').count(), 0);
			await go(page, () => page.goto(srv.url + '/dashboard'));
			assert.equal(path(page), '/login', 'the dashboard should ask a visitor to log in');
			await shot(page, `login-${L.code}`);
			await login(page, email, PASSWORD);
			assert.equal(path(page), '/dashboard', `logging in ended at ${page.url()}`);
			assert.ok((await page.locator('.whoami').innerText()).includes(name));
		});

		test('a wrong password is explained and the e-mail kept', async () => {
			const page = await b.page();
			await logout(page);
			await go(page, () => page.locator('header nav a[href="/login"]').click());
			await login(page, email, 'not-the-password-at-all');
			assert.equal(path(page), '/login');
			const summary = page.locator('.error-summary');
			assert.ok(await summary.count(), 'no error summary');
			assert.ok(decodeEntities(await summary.innerHTML()).includes(w.acct_err_login), 'the summary should say the login failed');
			assert.equal(await page.locator('#field-email').inputValue(), email, 'the e-mail typed should be kept');
			assert.equal(await page.locator('#field-password').inputValue(), '', 'a password is never sent back');
			await shot(page, `login-error-${L.code}`);
			await login(page, email, PASSWORD);
			assert.equal(path(page), '/dashboard');
		});

		test('registering twice with the same e-mail is refused, nothing else lost', async () => {
			const page = await b.page();
			await logout(page);
			await go(page, () => page.goto(srv.url + '/register'));
			await register(page, 'Someone Else', email);
			assert.equal(path(page), '/register');
			assert.ok(await page.locator('.error-summary').count(), 'no error summary');
			assert.equal(await page.locator('#field-name').inputValue(), 'Someone Else');
			await shot(page, `register-error-${L.code}`);
		});
	});
}

describe('saving a self-check into an account', () => {
	let b;
	// Each test in a browser of its own: one that fails half-way leaves
	// nobody logged in for the next.
	beforeEach(async () => { b = await openBrowser({ locale: 'en-US' }); });
	afterEach(async () => { if (b) await b.close(); });

	async function selfCheck(page) {
		await page.goto(srv.url + '/self-check/two-zones');
		await walkSelfCheck(page);
		assert.equal(path(page), '/self-check/two-zones/result');
		return page.url();
	}

	test('a visitor registers from the result page, comes back to it and saves it', async () => {
		const page = await b.page();
		const result = await selfCheck(page);
		await go(page, () => page.locator('section[aria-labelledby="sc-save"] a[href^="/register"]').click());
		assert.equal(path(page), '/register');
		const email = `e2e-save-${crypto.randomUUID().slice(0, 8)}@test.yingcai.example`;
		await register(page, 'Saver Test', email);
		assert.equal(page.url(), result, 'after registering, the visitor should be back at the result ("You come back to this result afterwards")');
		await go(page, () => page.locator('section[aria-labelledby="sc-save"] form button').click());
		assert.equal(path(page), '/dashboard');
		assert.equal(await page.locator('main table tbody tr').count(), 1, 'the dashboard should list the saved draft');
	});

	test('a visitor logs in from the result page, comes back to it and saves it', async () => {
		const page = await b.page();
		// An account made beforehand (and logged out).
		const email = `e2e-login-${crypto.randomUUID().slice(0, 8)}@test.yingcai.example`;
		await go(page, () => page.goto(srv.url + '/register'));
		await register(page, 'Login Saver', email);
		await logout(page);
		const result = await selfCheck(page);
		await go(page, () => page.locator('section[aria-labelledby="sc-save"] a[href^="/login"]').click());
		await login(page, email, PASSWORD);
		assert.equal(page.url(), result, 'after logging in, the visitor should be back at the result');
		await go(page, () => page.locator('section[aria-labelledby="sc-save"] form button').click());
		assert.equal(path(page), '/dashboard');
		assert.equal(await page.locator('main table tbody tr').count(), 1, 'the dashboard should list the saved draft');
		await shot(page, 'dashboard-saved-en');
		assert.deepEqual(b.csp, []);
	});
});
