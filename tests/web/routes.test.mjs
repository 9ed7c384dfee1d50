// routes.test.mjs - authorization and CSRF, generated from the route table.
//
// `yingcai routes --json` lists every route with its methods, roles and
// CSRF need.  For each route and method: a visitor is let in (public) or
// sent to /login?next= (pages) / answered 401 (API); each role listed is
// let through, each role not listed gets 403; a POST that needs a CSRF token
// is refused without it, with a wrong one and with another session's, and
// changes nothing.  Then: unknown paths are 404 pages in the language asked,
// methods a route does not have are 405 with an honest Allow header.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startServer, stopAndCheck, routeTable, Client, ROLES, decodeEntities, htmlLang,
	words, LOCALE } from './server.mjs';

/* A value for each {param} a pattern may have. */
const SAMPLE = {
	uscc: '91110108551385082Q',
	token: crypto.randomBytes(24).toString('base64url'),
	id: '1',
	name: 'yingcai.css',
	programme: 'two-zones',
};

/* A query for the routes that need one to answer 200 (an API without its
 * required fields is a 400, tested in api.test.mjs). */
const SAMPLE_QUERY = {
	'api.calendar': '?date=2025-09-26&n=5',
};

const routes = routeTable();
const missing = new Set();

function concrete(pattern) {
	return pattern.replace(/\{([^}]+)\}/g, (m, p) => {
		if (!(p in SAMPLE)) {
			missing.add(`${pattern}: {${p}}`);
			return '1';
		}
		return encodeURIComponent(SAMPLE[p]);
	});
}

let srv;
const roleClients = new Map();

before(async () => {
	srv = await startServer();
});

after(async () => {
	if (srv)
		await stopAndCheck(srv, assert);
});

function needUsers() {
	assert.ok(!srv.usersError, `accounts are needed for this test: ${srv.usersError}`);
}

/* login: a fresh client logged in as role. */
async function login(role) {
	needUsers();
	const c = new Client(srv.url);
	const r = await c.login(srv.users[role].email, srv.users[role].password);
	assert.equal(r.status, 303, `logging in as ${role} should redirect, got ${r.status}`);
	assert.ok(await loggedIn(c), `${role} is not logged in after a successful login`);
	return c;
}

/* as: a logged-in client for role, reused across tests; logged in again
 * when a request (POST /logout ...) ended its session. */
async function as(role) {
	let c = roleClients.get(role);
	if (!c || !(await loggedIn(c))) {
		c = await login(role);
		roleClients.set(role, c);
	}
	return c;
}

async function loggedIn(c) {
	const r = await c.get('/dashboard');
	return r.status === 200;
}

/* dashboardRows: the rows of the user's dashboard (saved applications). */
async function dashboardRows(c) {
	const r = await c.get('/dashboard');
	return (r.text.match(/<tr\b/g) || []).length;
}

/* visitorWithSession: a visitor who has been shown a form (and so has a
 * session and a CSRF token): the route's own GET if it has one, else the
 * login page. */
async function visitorWithSession(route) {
	const c = new Client(srv.url);
	if (route.methods.includes('GET'))
		await c.get(concrete(route.pattern));
	if (c.csrf === null)
		await c.get('/login');
	assert.ok(c.csrf, 'a visitor shown a form should get a CSRF token');
	return c;
}

const isLoginRedirect = (r) => r.status === 303 && r.location &&
	new URL(r.location, 'http://x').pathname === '/login';

function assertLetThrough(r, who) {
	assert.notEqual(r.status, 401, `${who} got 401`);
	assert.notEqual(r.status, 403, `${who} got 403: ${r.text.slice(0, 300)}`);
	assert.ok(!isLoginRedirect(r), `${who} was sent to ${r.location}`);
	assert.ok(r.status < 500, `${who} got ${r.status}: ${r.text.slice(0, 300)}`);
}

function assertForbidden(r, route, who) {
	assert.equal(r.status, 403, `${who} should get 403, got ${r.status} ${r.location || ''}`);
	if (route.kind === 'api') {
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.equal(r.json().error.status, 403);
	} else {
		assert.match(r.headers.get('content-type'), /^text\/html/);
	}
}

/* The form a POST sends: for the account pages, a complete and correct one,
 * so that a missing CSRF check would show as a change; others get none. */
function formFor(route) {
	const u = srv.users.applicant;
	switch (route.name) {
	case 'login.post':
		return { email: u.email, password: u.password };
	case 'register.post':
		return { name: 'Csrf Probe', email: `csrf-${crypto.randomUUID()}@test.yingcai.example`,
			password: 'Csrf-probe-7Hq!long', password2: 'Csrf-probe-7Hq!long',
			password_confirm: 'Csrf-probe-7Hq!long', role: 'applicant', accept: '1' };
	case 'password.forgot.post':
		return { email: u.email };
	case 'password.reset.post':
		return { password: 'Reset-probe-8Kq!long', password2: 'Reset-probe-8Kq!long' };
	case 'selfcheck.save':
		return { birth_date: '1984-05-17', nationality: 'DEU', education: 'doctorate' };
	default:
		return {};
	}
}

describe('the route table', () => {
	test('lists routes, each with a name, a pattern, methods and a kind', () => {
		assert.ok(routes.length >= 10, `only ${routes.length} routes`);
		for (const r of routes) {
			assert.ok(r.name && r.pattern.startsWith('/') && r.methods.length, JSON.stringify(r));
			assert.ok(['page', 'api', 'static'].includes(r.kind), JSON.stringify(r));
			assert.equal(r.public, r.roles.length === 0, `${r.name}: public and roles disagree`);
			if (r.csrf)
				assert.ok(r.methods.includes('POST'), `${r.name}: CSRF on a route without POST`);
		}
	});
	test('every POST page route requires a CSRF token', () => {
		const bare = routes.filter((r) => r.kind === 'page' && r.methods.includes('POST') && !r.csrf);
		assert.deepEqual(bare.map((r) => r.name), []);
	});
	test('has a sample value for every {param}', () => {
		for (const r of routes)
			concrete(r.pattern);
		assert.deepEqual([...missing], [], 'add a sample value to SAMPLE in routes.test.mjs');
	});
});

for (const route of routes) {
	for (const method of route.methods) {
		const path = concrete(route.pattern) + (SAMPLE_QUERY[route.name] || '');
		const label = `${method} ${route.pattern} (${route.name})`;

		describe(label, () => {
			if (route.public) {
				test('a visitor is let in', async () => {
					let c = new Client(srv.url), r;
					if (method === 'GET') {
						r = await c.get(path);
						const ok = [200, 303, 304].includes(r.status) ||
							(route.pattern.includes('{token}') && r.status === 410);
						assert.ok(ok, `GET ${path} as a visitor: ${r.status} ${r.text.slice(0, 200)}`);
						assert.ok(!isLoginRedirect(r), `a public page sends visitors to ${r.location}`);
						const h = await c.request('HEAD', path);
						assert.equal(h.status, r.status, 'HEAD should answer like GET');
					} else {
						if (route.csrf)
							c = await visitorWithSession(route);
						r = await c.post(path, {}, { csrf: true });
						assertLetThrough(r, 'a visitor');
					}
				});
			} else {
				test(route.kind === 'api' ? 'a visitor gets 401' : 'a visitor is sent to /login?next=', async () => {
					const c = new Client(srv.url);
					const r = await c.request(method, path, method === 'POST' ? { form: {} } : {});
					if (route.kind === 'api') {
						assert.equal(r.status, 401);
						assert.equal(r.json().error.status, 401);
					} else {
						assert.equal(r.status, 303, `expected a redirect to the login page, got ${r.status}`);
						const to = new URL(r.location, srv.url);
						assert.equal(to.pathname, '/login');
						assert.equal(to.searchParams.get('next'), decodeURIComponent(path));
					}
				});
				if (route.kind === 'page' && method === 'GET') {
					test('after logging in from there, the visitor lands on the page', async () => {
						needUsers();
						const role = route.roles[0];
						const c = new Client(srv.url);
						const r0 = await c.get(path);
						const to = new URL(r0.location, srv.url);
						await c.get(to.pathname + to.search);
						const r = await c.post('/login', { email: srv.users[role].email,
							password: srv.users[role].password, next: to.searchParams.get('next') }, { csrf: true });
						assert.equal(r.status, 303);
						assert.equal(r.location, decodeURIComponent(path));
					});
				}
			}

			for (const role of ROLES) {
				const allowed = route.public || route.roles.includes(role);
				test(allowed ? `${role} is let through` : `${role} gets 403`, async () => {
					const c = await as(role);
					const r = method === 'GET' ? await c.get(path)
						: await c.post(path, {}, { csrf: true });
					if (allowed)
						assertLetThrough(r, role);
					else
						assertForbidden(r, route, role);
				});
			}

			if (method === 'POST' && route.csrf) {
				const who = route.public ? [null, 'applicant'] : [route.roles[0]];
				for (const role of who) {
					const actor = role ? role : 'a visitor with a session';
					const variants = {
						'without the token': () => undefined,
						'with a wrong token': (c) => crypto.randomBytes(18).toString('base64url').slice(0, c.csrf.length),
						'with an empty token': () => '',
						"with another session's token": async () => {
							const other = new Client(srv.url);
							await other.get('/login');
							return other.csrf;
						},
					};
					for (const [how, tok] of Object.entries(variants)) {
						test(`refuses ${actor} ${how} (403) and changes nothing`, async () => {
							const c = role ? await login(role) : await visitorWithSession(route);
							const before = { in: await loggedIn(c), cookies: [...c.cookies] };
							if (before.in)
								before.rows = await dashboardRows(c);
							const form = formFor(route);
							const t = await tok(c);
							if (t !== undefined) {
								assert.notEqual(t, c.csrf);
								form.csrf = t;
							}
							const r = await c.post(path, form);
							assert.equal(r.status, 403, `POST ${path} ${how}: ${r.status} ${r.location || ''}`);
							if (route.kind === 'page') {
								const lang = htmlLang(r.text) === 'zh-CN' ? 'zh' : htmlLang(r.text);
								assert.ok(LOCALE[lang], `error page without a known html lang: ${htmlLang(r.text)}`);
								assert.ok(decodeEntities(r.text).includes(words(LOCALE[lang]).error_csrf),
									'the 403 page should say the form expired (error_csrf)');
							}
							assert.deepEqual([...c.cookies], before.cookies, 'the refused POST changed the session cookie');
							assert.equal(await loggedIn(c), before.in,
								before.in ? 'the user was logged out by a refused POST' : 'a refused POST logged the visitor in');
							if (before.in)
								assert.equal(await dashboardRows(c), before.rows, 'a refused POST saved something to the account');
							if (route.name === 'register.post') {
								const probe = await new Client(srv.url).login(form.email, form.password);
								assert.notEqual(probe.status, 303, 'a refused registration created the account');
							}
						});
					}
				}
			}
		});
	}
}

/* Other methods than a path's own (the union of its routes' methods, as
 * /login has a GET and a POST row): 405 with Allow naming exactly those. */
describe('methods a path does not have', () => {
	const byPattern = new Map();
	for (const r of routes)
		byPattern.set(r.pattern, [...new Set([...(byPattern.get(r.pattern) || []), ...r.methods])]);
	for (const [pattern, methods] of byPattern) {
		const path = concrete(pattern);
		const others = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => !methods.includes(m));
		test(`${others.join(', ')} ${pattern} -> 405 with Allow`, async () => {
			const want = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort();
			for (const m of others) {
				const r = await new Client(srv.url).request(m, path, m === 'GET' ? {} : { body: '' });
				assert.equal(r.status, 405, `${m} ${path}: ${r.status}`);
				const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim()).filter(Boolean).sort();
				assert.deepEqual(allow, want, `${m} ${path}: Allow should list the path's methods`);
			}
		});
	}
});

describe('unknown paths', () => {
	const cases = [
		['zh', {}, '', 'zh-CN'],
		['en', { 'accept-language': 'en-GB,en;q=0.9' }, '', 'en'],
		['de', {}, '?lang=de', 'de'],
		['zh', { 'accept-language': 'fr-FR, zh-CN;q=0.8' }, '', 'zh-CN'],
	];
	for (const [lang, headers, q, html] of cases) {
		test(`a 404 page in ${lang} (${JSON.stringify(headers)}${q})`, async () => {
			const r = await new Client(srv.url, { headers }).get(`/no/such/page${q}`);
			assert.equal(r.status, 404);
			assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
			assert.equal(htmlLang(r.text), html);
			const w = words(LOCALE[lang]);
			const text = decodeEntities(r.text);
			assert.ok(text.includes(w.error_404_title), `the page should say ${w.error_404_title}`);
			assert.ok(text.includes(w.error_404), `the page should say ${w.error_404}`);
		});
	}
	test('an unknown API path answers 404 in JSON', async () => {
		const r = await new Client(srv.url).get('/api/v1/no-such-thing');
		assert.equal(r.status, 404);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.equal(r.json().error.status, 404);
	});
	test('an unknown static file is 404', async () => {
		const r = await new Client(srv.url).get('/static/no-such-file.css');
		assert.equal(r.status, 404);
	});
	test('a path that escapes upwards is 404, never a file of the host', async () => {
		for (const p of ['/static/..%2F..%2Fetc%2Fpasswd', '/static/../../etc/passwd', '/static/%2e%2e/Makefile']) {
			const r = await new Client(srv.url).get(p);
			assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
			assert.ok(!/root:x:0:0|\$\(CC\)/.test(r.text), `${p} served a file of the host`);
		}
	});
});
