// accounts.test.mjs - what protects an account over HTTP, on the backend
// scripts/run-tests asks for (YINGCAI_WEB_BACKEND):
//   - a password reset logs the account out everywhere else: a thief's
//     session ends when the owner resets the password;
//   - the register and forgot-password forms take a few attempts per client
//     address (and forgot-password per e-mail address) within a window, then
//     answer 429 with a translated message and Retry-After, and nothing is
//     created or mailed; forgot-password answers alike whether or not the
//     address has an account, before and at the limit.
// The server trusts 127.0.0.1 as its proxy, as behind nginx, so each client
// is told apart by the X-Forwarded-For its "proxy" (the test) sends.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startServer, stopAndCheck, Client, PASSWORD, decodeEntities, words, LOCALE,
	outbox } from './server.mjs';

const MAX = 3;          // account_forms_max_attempts
const WINDOW_S = 600;   // account_forms_window_seconds: "try again in 10 minutes"

let srv;

before(async () => {
	srv = await startServer({ users: false, config: { trusted_proxies: '127.0.0.1',
		account_forms_max_attempts: MAX, account_forms_window_seconds: WINDOW_S } });
});

after(async () => {
	if (srv)
		await stopAndCheck(srv, assert);
});

/* A browser of the client at `addr`, in language `lang`. */
function browser(addr, lang = 'en') {
	return new Client(srv.url, { headers: { 'x-forwarded-for': addr, 'accept-language': lang } });
}

const uniq = (who) => `${who}-${crypto.randomBytes(4).toString('hex')}@test.yingcai.example`;
const text = (r) => decodeEntities(r.text);
const say = (lang, key) => words(LOCALE[lang])[key].replace('{n}', String(WINDOW_S / 60));

async function register(c, email, { name = 'Test Person', password = PASSWORD } = {}) {
	await c.get('/register');
	return c.post('/register', { role: 'applicant', name, email, password }, { csrf: true });
}

async function forgot(c, email) {
	await c.get('/password/forgot');
	return c.post('/password/forgot', { email }, { csrf: true });
}

/* loggedIn: the dashboard opens (200) rather than sending to /login. */
async function loggedIn(c) {
	const r = await c.get('/dashboard');
	assert.ok(r.status === 200 || r.status === 303, `GET /dashboard: ${r.status}`);
	return r.status === 200;
}

const mailsTo = (email) => outbox(srv).filter((m) => m.recipient === email);

/* linkIn: the path of the reset link in a mail. */
function linkIn(mail) {
	const m = /\/password\/reset\/[A-Za-z0-9_-]{43}/.exec(mail.body);
	assert.ok(m, `no reset link in the mail: ${mail.body}`);
	return m[0];
}

/* same: two pages as a user sees them, apart from the CSRF token and the
 * address typed into the form. */
function same(a, b, emailA, emailB) {
	const norm = (r, e) => r.text.split(e).join('EMAIL').replace(/name="csrf" value="[^"]*"/g, 'CSRF');
	return norm(a, emailA) === norm(b, emailB);
}

describe('a password reset', () => {
	test('logs the account out on every other browser, and nobody else', async () => {
		const anna = uniq('anna'), ben = uniq('ben');
		const laptop = browser('198.51.100.1'), phone = browser('198.51.100.2');
		const other = browser('198.51.100.3'), fresh = browser('198.51.100.4');

		assert.equal((await register(laptop, anna)).status, 303, 'Anna could not register');
		assert.equal((await phone.login(anna, PASSWORD)).status, 303, 'Anna could not log in on her phone');
		assert.equal((await register(other, ben)).status, 303, 'Ben could not register');
		for (const [c, who] of [[laptop, 'laptop'], [phone, 'phone'], [other, "Ben's browser"]])
			assert.ok(await loggedIn(c), `${who} should be logged in before the reset`);

		// Anna, fearing a break-in, resets her password from a third machine.
		const r = await forgot(fresh, anna);
		assert.equal(r.status, 200);
		const mails = mailsTo(anna);
		assert.equal(mails.length, 1, 'one reset mail in the outbox');
		const link = linkIn(mails[0]);
		assert.equal((await fresh.get(link)).status, 200, 'the mailed link should open the form');
		const done = await fresh.post(link, { password: 'a brand new password' }, { csrf: true });
		assert.equal(done.status, 303, `the reset: ${done.status} ${done.text.slice(0, 300)}`);
		const dash = await fresh.get(new URL(done.location, srv.url).pathname + new URL(done.location, srv.url).search);
		assert.equal(dash.status, 200, 'after the reset Anna is logged in on the machine she used');
		assert.ok(text(dash).includes(words('en').dash_password_changed),
			'the dashboard should say the password changed and the other sessions ended');

		assert.ok(!(await loggedIn(laptop)), "the laptop's session should have ended with the reset");
		assert.ok(!(await loggedIn(phone)), "the phone's session should have ended with the reset");
		assert.ok(await loggedIn(other), "another user's session must not end");
		assert.ok(await loggedIn(fresh), 'the browser that reset the password stays logged in');

		// The old password is gone; the new one opens the account again.
		assert.equal((await browser('198.51.100.1').login(anna, PASSWORD)).status, 422);
		assert.equal((await laptop.login(anna, 'a brand new password')).status, 303);
		assert.ok(await loggedIn(laptop));
	});
});

describe('the register form', () => {
	test(`takes ${MAX} attempts per client address, then 429 in the user's language, nothing created`, async () => {
		const addr = '203.0.113.10';
		const [a, b, c] = [uniq('reg-a'), uniq('reg-b'), uniq('reg-c')];

		// Mistakes cost nothing: they are explained and not counted.
		for (let i = 0; i < MAX + 1; i++)
			assert.equal((await register(browser(addr), a, { password: 'short' })).status, 422);
		// Three attempts count, the taken address too (it tells something).
		assert.equal((await register(browser(addr), a)).status, 303);
		assert.equal((await register(browser(addr), a)).status, 409);
		assert.equal((await register(browser(addr), b)).status, 303);

		for (const lang of ['en', 'zh', 'de']) {
			const r = await register(browser(addr, lang), c, { name: 'Carl Example' });
			assert.equal(r.status, 429, `${lang}: the fourth registration from one address: ${r.status}`);
			assert.equal(r.headers.get('retry-after'), String(WINDOW_S));
			assert.ok(text(r).includes(say(lang, 'acct_err_register_throttled')),
				`${lang}: the page should say why and when to try again (acct_err_register_throttled)`);
			assert.ok(text(r).includes('Carl Example'), `${lang}: what was typed should be kept`);
		}
		assert.equal((await browser('203.0.113.200').login(c, PASSWORD)).status, 422,
			'a refused registration must not create the account');

		// A spoofed X-Forwarded-For entry does not help: the address the
		// trusted proxy saw (the rightmost one) is the key.
		const spoof = new Client(srv.url, { headers: { 'x-forwarded-for': `192.0.2.99, ${addr}` } });
		assert.equal((await register(spoof, c)).status, 429, 'a client-written X-Forwarded-For entry escaped the limit');

		// Another address is not affected.
		const elsewhere = browser('203.0.113.11');
		assert.equal((await register(elsewhere, c)).status, 303);
		assert.ok(await loggedIn(elsewhere));
	});
});

describe('the forgot-password form', () => {
	test('an address with and without an account: the same status, headers and page', async () => {
		// Addresses of one length, so that even Content-Length may not differ.
		const known = uniq('known'), ghost = uniq('ghost');
		assert.equal(known.length, ghost.length);
		assert.equal((await register(browser('192.0.2.30'), known)).status, 303);
		const rk = await forgot(browser('192.0.2.31'), known);
		const rg = await forgot(browser('192.0.2.32'), ghost);
		assert.equal(rk.status, 200);
		assert.equal(rg.status, rk.status, 'the status must not tell whether the address has an account');
		const heads = (r) => [...r.headers].filter(([k]) => k !== 'date');
		assert.deepEqual(heads(rg), heads(rk), 'the headers must not tell whether the address has an account');
		assert.deepEqual(rg.setCookies, rk.setCookies, 'no cookie is set for one and not the other');
		assert.ok(same(rk, rg, known, ghost), 'the page must not tell whether the address has an account');
		assert.equal(mailsTo(known).length, 1, 'a link for the account');
		assert.equal(mailsTo(ghost).length, 0, 'no mail to an address without an account');
	});

	test(`mails ${MAX} links per client address, then 429 and no mail; an unknown address looks the same`, async () => {
		const anna = uniq('forgot-anna'), ghost = uniq('forgot-ghost');
		assert.equal((await register(browser('192.0.2.10'), anna)).status, 303);
		const addr = '192.0.2.20';

		// Before the limit: a link for Anna, the very same page for an
		// address without an account.
		const g = await forgot(browser('192.0.2.21'), ghost);
		const a = await forgot(browser('192.0.2.21'), anna);
		assert.equal(g.status, 200);
		assert.equal(a.status, 200);
		assert.ok(text(a).includes(words('en').acct_forgot_sent), 'the page should say a link was sent if the account exists');
		assert.ok(same(g, a, ghost, anna), 'the page must not tell whether the address has an account');
		assert.equal(mailsTo(anna).length, 1, 'a link for Anna in the outbox');
		// From one address: counted whether or not the account exists.
		assert.equal((await forgot(browser(addr), anna)).status, 200);
		assert.equal((await forgot(browser(addr), ghost)).status, 200);
		assert.equal((await forgot(browser(addr), anna)).status, 200);
		assert.equal(mailsTo(anna).length, MAX, `${MAX} links for Anna in the outbox`);

		// At the limit: refused, said so, nothing mailed.
		const before = outbox(srv).length;
		const ra = await forgot(browser(addr), anna);
		const rg = await forgot(browser(addr), ghost);
		for (const [r, who] of [[ra, 'an account'], [rg, 'no account']]) {
			assert.equal(r.status, 429, `the ${MAX + 1}th request from one address (${who}): ${r.status}`);
			assert.equal(r.headers.get('retry-after'), String(WINDOW_S));
			assert.ok(text(r).includes(say('en', 'acct_err_forgot_throttled')), 'the page should say why and when');
			assert.ok(!text(r).includes(words('en').acct_forgot_sent), 'a refused request must not say a link was sent');
		}
		assert.ok(same(ra, rg, anna, ghost), 'at the limit too, the page must not tell whether the address has an account');
		for (const lang of ['zh', 'de']) {
			const r = await forgot(browser(addr, lang), anna);
			assert.equal(r.status, 429);
			assert.ok(text(r).includes(say(lang, 'acct_err_forgot_throttled')), `${lang}: acct_err_forgot_throttled`);
		}
		// Anna's inbox is protected from other addresses as well.
		assert.equal((await forgot(browser('192.0.2.22'), anna)).status, 429,
			`${MAX} links for one e-mail address within the window are the most, from anywhere`);
		assert.equal(outbox(srv).length, before, 'nothing may be written to the outbox at the limit');
		assert.equal(mailsTo(ghost).length, 0, 'no mail ever goes to an address without an account');

		// A malformed address is still the user's mistake, explained.
		assert.equal((await forgot(browser(addr), 'not an address')).status, 422);

		// The last link sent still works.
		const mails = mailsTo(anna);
		const c = browser('192.0.2.23');
		const link = linkIn(mails[mails.length - 1]);
		assert.equal((await c.get(link)).status, 200);
		assert.equal((await c.post(link, { password: 'another new password' }, { csrf: true })).status, 303);
	});
});
