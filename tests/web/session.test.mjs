// session.test.mjs - a session left alone ends: after session_idle_seconds
// without a request the browser is logged out (a terminal left unattended),
// while a session in use goes on past that time.  On the backend
// scripts/run-tests asks for (YINGCAI_WEB_BACKEND).  The idle time is a few
// seconds here so the test is quick; production uses 30 minutes.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startServer, stopAndCheck, Client, PASSWORD } from './server.mjs';

const IDLE_S = 6;

let srv;

before(async () => {
	srv = await startServer({ users: false, config: { session_idle_seconds: IDLE_S } });
});

after(async () => {
	if (srv)
		await stopAndCheck(srv, assert);
});

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/* loggedIn: the dashboard opens (200) rather than sending to /login. */
async function loggedIn(c) {
	const r = await c.get('/dashboard');
	assert.ok(r.status === 200 || r.status === 303, `GET /dashboard: ${r.status}`);
	return r.status === 200;
}

describe('an idle session', () => {
	test(`ends ${IDLE_S} s after the last request, not while it is in use`, async () => {
		const c = new Client(srv.url);
		await c.get('/register');
		const email = `idle-${crypto.randomBytes(4).toString('hex')}@test.yingcai.example`;
		const r = await c.post('/register', { role: 'applicant', name: 'Idle Person', email,
			password: PASSWORD }, { csrf: true });
		assert.equal(r.status, 303, `registering: ${r.status}`);
		const t0 = Date.now();

		// In use: a request every 3.5 s keeps it alive past IDLE_S.
		await sleep(3500);
		assert.ok(await loggedIn(c), 'logged in 3.5 s after login');
		await sleep(Math.max(0, t0 + 7000 - Date.now()));
		assert.ok(await loggedIn(c), `still logged in 7 s after login: the requests between kept it alive`);

		// Left alone longer than IDLE_S: logged out, server side.
		await sleep((IDLE_S + 1.5) * 1000);
		const gone = await c.get('/dashboard');
		assert.equal(gone.status, 303, `after ${IDLE_S + 1.5} s without a request the session should have ended`);
		assert.match(gone.location, /^\/login\?next=/);

		// A new login works at once.
		assert.equal((await c.login(email, PASSWORD)).status, 303);
		assert.ok(await loggedIn(c));
	});
});
