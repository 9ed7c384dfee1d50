// robust.test.mjs - what the server does with clients that misbehave (slow,
// many, oversized) and what every answer carries (security headers, cookie
// flags, the language, escaped input, throttled logins, cached files).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';

import { startServer, stopAndCheck, Client, parseSetCookie, htmlLang, decodeEntities, words,
	LOCALE } from './server.mjs';

const LOGIN_MAX_FAILURES = 3;
const IDLE_TIMEOUT_S = 2;

let srv; // default settings but a lower login throttle
let slow; // idle connections time out after IDLE_TIMEOUT_S

before(async () => {
	[srv, slow] = await Promise.all([
		startServer({ config: { login_max_failures: LOGIN_MAX_FAILURES } }),
		startServer({ users: false, config: { timeout_seconds: IDLE_TIMEOUT_S } }),
	]);
});

after(async () => {
	const s = [srv, slow].filter(Boolean);
	for (const x of s)
		await stopAndCheck(x, assert);
});

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/* raw: one request written as given on a new connection; the whole answer
 * (until the server closes) as {status, head, body, closedMs}. */
function raw(port, data, { timeoutMs = 10000, halfClose = true } = {}) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const s = net.connect(port, '127.0.0.1');
		const chunks = [];
		s.setTimeout(timeoutMs, () => { s.destroy(); reject(new Error('no answer')); });
		s.on('data', (d) => chunks.push(d));
		s.on('error', reject);
		s.on('close', () => {
			const all = Buffer.concat(chunks).toString('latin1');
			const i = all.indexOf('\r\n\r\n');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(all);
			resolve({ status: m ? Number(m[1]) : 0, head: all.slice(0, i), body: all.slice(i + 4),
				closedMs: Date.now() - t0 });
		});
		/* halfClose: send FIN after the data (a client that is done
		 * talking); without it the socket stays open for the answer, as
		 * a browser's does while it waits. */
		if (halfClose)
			s.end(data);
		else
			s.write(data);
	});
}

/* plainGet: node:http without keep-alive and without the headers fetch
 * adds (no Accept-Language at all). */
function plainGet(port, path, headers = {}) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const rq = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { body += d; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body, ms: Date.now() - t0 }));
		});
		rq.on('error', reject);
		rq.setTimeout(10000, () => rq.destroy(new Error('timeout')));
	});
}

describe('slow and idle clients', () => {
	test('idle connections are closed after the timeout while others are answered quickly', async () => {
		const idle = [], slowLoris = [];
		const closedAt = [];
		const t0 = Date.now();
		for (let i = 0; i < 20; i++) {
			const s = net.connect(slow.port, '127.0.0.1');
			s.on('error', () => {});
			s.on('close', () => closedAt.push(Date.now() - t0));
			idle.push(s);
		}
		// Headers one byte every 60 ms: never idle long enough to be cut.
		const req = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
		const lorisDone = [];
		for (let i = 0; i < 5; i++) {
			const s = net.connect(slow.port, '127.0.0.1');
			let answer = '';
			s.on('data', (d) => { answer += d; });
			s.on('error', () => {});
			lorisDone.push(new Promise((res) => s.on('close', () => res(answer))));
			slowLoris.push(s);
			(async () => {
				for (const ch of req) {
					if (s.destroyed)
						return;
					s.write(ch);
					await sleep(60);
				}
			})();
		}
		await sleep(200);
		// Meanwhile: 40 requests one after another, each quick.
		const times = [];
		for (let i = 0; i < 40; i++) {
			const r = await plainGet(slow.port, i % 2 ? '/healthz' : '/');
			assert.equal(r.status, 200);
			times.push(r.ms);
		}
		times.sort((a, b) => a - b);
		assert.ok(times[times.length - 1] < 1000, `slowest answer took ${times[times.length - 1]} ms`);
		// Idle sockets: closed by the server after about the timeout.
		const deadline = Date.now() + (IDLE_TIMEOUT_S + 4) * 1000;
		while (closedAt.length < idle.length && Date.now() < deadline)
			await sleep(100);
		assert.equal(closedAt.length, idle.length, `${idle.length - closedAt.length} idle connections still open after ${IDLE_TIMEOUT_S + 4} s`);
		assert.ok(Math.min(...closedAt) >= (IDLE_TIMEOUT_S - 0.5) * 1000, `closed too early (${Math.min(...closedAt)} ms)`);
		// The slow but steady clients got their answer in the end.
		for (const s of slowLoris)
			s.setTimeout(5000, () => s.destroy());
		const answers = await Promise.all(lorisDone);
		for (const a of answers)
			assert.match(a, /^HTTP\/1\.1 200/, 'a slow but steady client should be answered');
	});

	test('a client that stops in the middle of its body is cut off after the timeout', async () => {
		const s = net.connect(slow.port, '127.0.0.1');
		s.on('error', () => {});
		const t0 = Date.now();
		s.write('POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"format":');
		const ms = await new Promise((res) => s.on('close', () => res(Date.now() - t0)));
		assert.ok(ms < (IDLE_TIMEOUT_S + 3) * 1000, `closed after ${ms} ms`);
		assert.equal((await plainGet(slow.port, '/healthz')).status, 200);
	});
});

describe('many clients at once', () => {
	test('300 requests, 32 at a time, over a mix of pages: all answered right', async () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
		const paths = [
			['/', /<html lang="zh-CN"/],
			['/catalog?q=IEEE', /IEEE/],
			['/enterprises?uscc=91110108551385082Q', /91110108551385082Q/],
			['/static/yingcai.css', /\{/],
			['/api/v1/enterprises/91110108551385082Q', /"valid": true/],
			['/healthz', /^ok\n$/],
		];
		const one = (i) => new Promise((resolve, reject) => {
			const [p, re] = paths[i % paths.length];
			http.get({ host: '127.0.0.1', port: srv.port, path: p, agent }, (res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (d) => { body += d; });
				res.on('end', () => resolve({ p, re, status: res.statusCode, body }));
			}).on('error', reject);
		});
		const results = await Promise.all(Array.from({ length: 300 }, (_, i) => one(i)));
		agent.destroy();
		for (const r of results) {
			assert.equal(r.status, 200, `${r.p}: ${r.status}`);
			assert.match(r.body, r.re, r.p);
		}
	});
});

describe('oversized requests', () => {
	test('a 200 KB header: 431 (or another 4xx), and the server goes on', async () => {
		const r = await raw(srv.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(200000)}\r\nConnection: close\r\n\r\n`);
		assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
		assert.equal((await plainGet(srv.port, '/healthz')).status, 200);
	});
	test('300 query parameters: 400', async () => {
		const q = Array.from({ length: 300 }, (_, i) => `a${i}=1`).join('&');
		for (const p of ['/catalog', '/', '/api/v1/calendar/add-working-days']) {
			const r = await plainGet(srv.port, `${p}?${q}`);
			assert.equal(r.status, 400, `${p}: ${r.status}`);
		}
	});
	test('a form with 300 fields: 400', async () => {
		const c = new Client(srv.url);
		await c.get('/login');
		const form = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, 'x']));
		const r = await c.post('/login', form, { csrf: true });
		assert.equal(r.status, 400);
	});
	test('a very long URL does not break the page', async () => {
		const r = await plainGet(srv.port, `/${'a'.repeat(60000)}`);
		assert.ok([404, 414, 431].includes(r.status), `status ${r.status}`);
		assert.equal((await plainGet(srv.port, '/healthz')).status, 200);
	});
});

describe('security headers on every kind of answer', () => {
	const kinds = {
		'a page': async (c) => c.get('/'),
		'a 404 page': async (c) => c.get('/no-such-page'),
		'a 405': async (c) => c.request('PUT', '/', { body: '' }),
		'a redirect': async (c) => c.get('/dashboard'),
		'a form with a session': async (c) => c.get('/login'),
		'a 403 (CSRF)': async (c) => { await c.get('/login'); return c.post('/login', {}); },
		'API JSON': async (c) => c.get('/api/v1/enterprises/91110108551385082Q'),
		'an API error': async (c) => c.get('/api/v1/enterprises/123'),
		'a static file': async (c) => c.get('/static/yingcai.css'),
		'a 304': async (c) => {
			const r = await c.get('/static/yingcai.css');
			return c.get('/static/yingcai.css', { headers: { 'if-none-match': r.headers.get('etag') } });
		},
		'/healthz': async (c) => c.get('/healthz'),
		'a 400 (too many fields)': async (c) => c.get(`/?${Array.from({ length: 300 }, (_, i) => `a${i}=1`).join('&')}`),
		'a 413 (chunked body)': async () => {
			const body = new ReadableStream({ start(ctl) { ctl.enqueue(new Uint8Array((1 << 20) + 10)); ctl.close(); } });
			const r = await fetch(`${srv.url}/api/v1/evaluate`, { method: 'POST', duplex: 'half',
				headers: { 'content-type': 'application/json' }, body });
			await r.text();
			return r;
		},
		/* A browser announces the length and sends the body: the server
		 * reads it to the end and answers (a reset mid-upload would show
		 * the user "connection reset" instead of the page). */
		'a 413 (announced length)': async () => {
			const r = await raw(srv.port, 'POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n' + 'a'.repeat(2000000), { halfClose: false });
			return { status: r.status, headers: new Headers(r.head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])) };
		},
		/* A client that asks first gets the answer before sending anything. */
		'a 413 (Expect: 100-continue)': async () => {
			const r = await raw(srv.port, 'POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n');
			return { status: r.status, headers: new Headers(r.head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])) };
		},
	};
	for (const [kind, get] of Object.entries(kinds)) {
		test(kind, async () => {
			const r = await get(new Client(srv.url));
			const h = r.headers;
			const csp = h.get('content-security-policy') || '';
			assert.ok(csp, `${kind} (${r.status}) has no Content-Security-Policy`);
			assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), `CSP allows unsafe code: ${csp}`);
			assert.match(csp, /frame-ancestors 'none'/);
			assert.match(csp, /default-src 'self'/);
			assert.equal(h.get('x-content-type-options'), 'nosniff');
			assert.match(h.get('referrer-policy') || '', /^(same-origin|no-referrer|strict-origin|strict-origin-when-cross-origin)$/);
			for (const f of ['camera', 'microphone', 'geolocation'])
				assert.match(h.get('permissions-policy') || '', new RegExp(`(^|, )${f}=\\(\\)`), `${kind}: ${f} not denied`);
		});
	}
	test('pages with a session are not cached', async () => {
		const c = new Client(srv.url);
		const r = await c.get('/login');
		assert.match(r.headers.get('cache-control') || '', /no-store/);
	});
});

describe('session cookie', () => {
	test('HttpOnly, SameSite=Lax, Path=/, no Secure without TLS; a new id at login; cleared at logout', async () => {
		if (srv.usersError)
			assert.fail(`accounts are needed: ${srv.usersError}`);
		const c = new Client(srv.url);
		const r = await c.get('/login');
		const sc = r.setCookies.map(parseSetCookie).find((x) => x.name === 'yc_session');
		assert.ok(sc, 'the login form should start a session');
		assert.equal(sc.attrs.httponly, true);
		assert.equal(sc.attrs.samesite, 'Lax');
		assert.equal(sc.attrs.path, '/');
		assert.equal(sc.attrs.secure, undefined, 'Secure on plain HTTP: the browser would drop the cookie');
		assert.ok(sc.value.length >= 32, 'a long random session id');
		const before = c.cookies.get('yc_session');
		const lr = await c.login(srv.users.applicant.email, srv.users.applicant.password);
		assert.equal(lr.status, 303);
		const after = lr.setCookies.map(parseSetCookie).find((x) => x.name === 'yc_session');
		assert.ok(after && after.value !== before, 'logging in must give a new session id (fixation)');
		assert.equal(after.attrs.httponly, true);
		assert.equal(after.attrs.samesite, 'Lax');
		// The old id no longer logs anyone in.
		const old = new Client(srv.url);
		old.cookies.set('yc_session', before);
		assert.equal((await old.get('/dashboard')).status, 303);
		// Logging out clears the cookie and ends the session on the server.
		const loggedInId = c.cookies.get('yc_session');
		const out = await c.post('/logout', {}, { csrf: true });
		assert.equal(out.status, 303);
		const cleared = out.setCookies.map(parseSetCookie).find((x) => x.name === 'yc_session');
		assert.ok(cleared && (cleared.attrs['max-age'] === '0' || cleared.attrs.expires), 'logout should clear the cookie');
		const replay = new Client(srv.url);
		replay.cookies.set('yc_session', loggedInId);
		assert.equal((await replay.get('/dashboard')).status, 303, 'a logged-out session id still works');
	});
	test('a page a visitor only reads sets no cookie', async () => {
		const r = await plainGet(srv.port, '/');
		assert.equal(r.headers['set-cookie'], undefined);
	});
});

describe('language', () => {
	const w = (lang) => words(LOCALE[lang]);
	test('default: Chinese, html lang="zh-CN" (no Accept-Language)', async () => {
		const r = await plainGet(srv.port, '/');
		assert.equal(htmlLang(r.body), 'zh-CN');
		assert.ok(decodeEntities(r.body).includes(w('zh').nav_self_check));
	});
	test('Accept-Language: de picks German', async () => {
		const r = await plainGet(srv.port, '/', { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' });
		assert.equal(htmlLang(r.body), 'de');
		assert.ok(decodeEntities(r.body).includes(w('de').nav_self_check));
	});
	test('Accept-Language: en-US picks English', async () => {
		const r = await plainGet(srv.port, '/', { 'accept-language': 'en-US,en;q=0.9' });
		assert.equal(htmlLang(r.body), 'en');
	});
	test('?lang=en sets the yc_lang cookie, which then wins over Accept-Language', async () => {
		const c = new Client(srv.url, { headers: { 'accept-language': 'de' } });
		const r = await c.get('/?lang=en');
		assert.equal(htmlLang(r.text), 'en');
		const sc = r.setCookies.map(parseSetCookie).find((x) => x.name === 'yc_lang');
		assert.ok(sc, 'no yc_lang cookie');
		assert.equal(sc.value, 'en');
		assert.equal(sc.attrs.path, '/');
		assert.equal(sc.attrs.samesite, 'Lax');
		assert.ok(Number(sc.attrs['max-age']) > 86400 * 30, 'the choice should last');
		const again = await c.get('/catalog');
		assert.equal(htmlLang(again.text), 'en');
		assert.ok(decodeEntities(again.text).includes(w('en').nav_self_check));
	});
	test('an unknown ?lang= is ignored', async () => {
		const r = await plainGet(srv.port, '/?lang=xx');
		assert.equal(htmlLang(r.body), 'zh-CN');
		assert.equal(r.headers['set-cookie'], undefined);
	});
	test('the language links keep the page and its query', async () => {
		const r = await plainGet(srv.port, '/catalog?q=IEEE&lang=en');
		assert.ok(r.body.includes('href="/catalog?q=IEEE&amp;lang=de"'), 'the German link should keep q=IEEE');
	});
});

describe('what a user types comes back escaped', () => {
	const evil = [
		'<script>alert(1)</script>',
		'"><img src=x onerror=alert(1)>',
		"'><svg onload=alert(1)>",
	];
	for (const [page, field] of [['/catalog', 'q'], ['/enterprises', 'uscc']]) {
		for (const e of evil) {
			test(`${page}?${field}=${e}`, async () => {
				const r = await plainGet(srv.port, `${page}?${field}=${encodeURIComponent(e)}`);
				assert.equal(r.status, 200);
				assert.ok(!/<script/i.test(r.body), 'a <script> element reached the page');
				assert.ok(!/<img src=x|<svg onload/i.test(r.body), 'markup from the query reached the page');
				assert.ok(decodeEntities(r.body).includes(e), 'the text should still be shown, escaped');
			});
		}
	}
	for (const p of ['//evil.example/x', '/%5Cevil.example/x', '/%2F%2Fevil.example/x']) {
		test(`GET ${p}: the language links of the 404 page stay on this site`, async () => {
			const r = await plainGet(srv.port, p);
			assert.equal(r.status, 404);
			const links = [...r.body.matchAll(/<a href="([^"]*lang=[a-z]+)"/g)].map((m) => decodeEntities(m[1]));
			assert.equal(links.length, 3, 'three language links');
			for (const l of links) {
				assert.ok(!/^\/[\/\\]/.test(l), `${l} leads to another host`);
				assert.equal(new URL(l, 'https://portal.example/').host, 'portal.example', `${l} leaves the site`);
			}
		});
	}
	test('a query value in the language links is escaped in the attribute', async () => {
		const r = await plainGet(srv.port, `/catalog?q=${encodeURIComponent('"onmouseover="x')}`);
		assert.ok(!/href="[^"]*"onmouseover=/.test(r.body));
	});
});

describe('no open redirect through ?next=', () => {
	const offsite = ['//evil.example/', '/\\evil.example/', '/\t/evil.example/', 'https://evil.example/',
		'/\r\nSet-Cookie: x=y', 'javascript:alert(1)'];
	test('after login, a next= that leaves the site goes to the dashboard; a local one is followed', async () => {
		if (srv.usersError)
			assert.fail(`accounts are needed: ${srv.usersError}`);
		const u = srv.users.registry;
		for (const next of [...offsite, '/catalog?q=IEEE']) {
			const c = new Client(srv.url);
			await c.get('/login?next=' + encodeURIComponent(next));
			const r = await c.post('/login', { email: u.email, password: u.password, next }, { csrf: true });
			assert.equal(r.status, 303, `login with next=${JSON.stringify(next)}: ${r.status}`);
			const want = next.startsWith('/catalog') ? next : '/dashboard';
			assert.equal(r.location, want, `next=${JSON.stringify(next)} sent the browser to ${r.location}`);
			assert.equal(new URL(r.location, 'https://portal.example/').host, 'portal.example');
			assert.ok(!r.setCookies.some((x) => x.startsWith('x=')), 'no header injected');
			// Logged in already: GET /login?next= redirects at once, as safely.
			const g = await c.get('/login?next=' + encodeURIComponent(next));
			assert.equal(g.location, want, `GET /login?next=${JSON.stringify(next)} sent the browser to ${g.location}`);
		}
	});
});

describe('login throttle', () => {
	test(`after ${LOGIN_MAX_FAILURES} failed logins the right password is refused with 429`, async () => {
		if (srv.usersError)
			assert.fail(`accounts are needed: ${srv.usersError}`);
		const u = srv.users.expert;
		const c = new Client(srv.url);
		await c.get('/login');
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
			const r = await c.post('/login', { email: u.email, password: `wrong-password-${i}` }, { csrf: true });
			assert.equal(r.status, 422, `failed login ${i + 1}: ${r.status}`);
		}
		const r = await c.post('/login', { email: u.email, password: u.password }, { csrf: true });
		assert.equal(r.status, 429);
		assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After should say when to try again');
		assert.equal((await c.get('/dashboard')).status, 303, 'a throttled login must not log in');
		// Another account is not locked by someone guessing this one.
		const other = await new Client(srv.url).login(srv.users.inspector.email, srv.users.inspector.password);
		assert.equal(other.status, 303);
	});
	test('the e-mail is matched however it is typed', async () => {
		if (srv.usersError)
			assert.fail(`accounts are needed: ${srv.usersError}`);
		const u = srv.users.officer;
		const c = new Client(srv.url);
		await c.get('/login');
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
			const typed = i % 2 ? u.email.toUpperCase() : ` ${u.email}`;
			await c.post('/login', { email: typed, password: `wrong-${i}` }, { csrf: true });
		}
		const r = await c.post('/login', { email: u.email, password: u.password }, { csrf: true });
		assert.equal(r.status, 429, 'changing the case of the e-mail should not reset the count');
	});
});

describe('static files', () => {
	test('ETag, Cache-Control, and 304 for If-None-Match', async () => {
		const c = new Client(srv.url);
		const r = await c.get('/static/yingcai.css');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^text\/css/);
		const etag = r.headers.get('etag');
		assert.match(etag || '', /^(W\/)?"[^"]+"$/, `ETag ${etag} should be a quoted string`);
		assert.match(r.headers.get('cache-control') || '', /max-age=\d+/);
		const n = await c.get('/static/yingcai.css', { headers: { 'if-none-match': etag } });
		assert.equal(n.status, 304);
		assert.equal(n.text, '');
		assert.equal(n.headers.get('etag'), etag);
		const other = await c.get('/static/yingcai.css', { headers: { 'if-none-match': '"something-else"' } });
		assert.equal(other.status, 200);
		assert.equal(other.text, r.text);
	});
	test('the favicon is served as SVG', async () => {
		const r = await new Client(srv.url).get('/static/favicon.svg');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
	});
});
