// api.test.mjs - the JSON API: the same answers as the command line, and
// errors a program can act on (status, message, the field's path, line and
// column).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { startServer, stopAndCheck, routeTable, ROOT } from './server.mjs';

const GOLDEN = path.join(ROOT, 'tests/golden');
const apps = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.app.json')).sort();

let srv;
before(async () => { srv = await startServer({ users: false }); });
after(async () => { if (srv) await stopAndCheck(srv, assert); });

async function evaluate(body, headers = { 'content-type': 'application/json' }) {
	const r = await fetch(`${srv.url}/api/v1/evaluate`, { method: 'POST', headers, body });
	return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

async function get(p) {
	const r = await fetch(srv.url + p);
	const text = await r.text();
	return { status: r.status, type: r.headers.get('content-type'), text, json: () => JSON.parse(text) };
}

function assertJsonError(r, status) {
	assert.equal(r.status, status, r.text);
	assert.match(r.type, /^application\/json/);
	const e = JSON.parse(r.text).error;
	assert.equal(e.status, status);
	assert.equal(typeof e.message, 'string');
	assert.ok(e.message.length > 5, `an error message a person can read: ${e.message}`);
	return e;
}

describe('POST /api/v1/evaluate answers what `yingcai evaluate --json` prints', () => {
	test('there are golden scenarios to compare', () => {
		assert.ok(apps.length >= 100, `only ${apps.length} golden scenarios`);
	});
	for (const app of apps) {
		test(app.replace(/\.app\.json$/, ''), async () => {
			const want = fs.readFileSync(path.join(GOLDEN, app.replace(/\.app\.json$/, '.expected.json')), 'utf8');
			const r = await evaluate(fs.readFileSync(path.join(GOLDEN, app)));
			assert.equal(r.status, 200, r.text.slice(0, 300));
			assert.match(r.type, /^application\/json/);
			assert.equal(r.text, want);
		});
	}
});

describe('POST /api/v1/evaluate refuses what is not an application', () => {
	const good = fs.readFileSync(path.join(GOLDEN, apps[0]), 'utf8');

	test('broken JSON: 400 naming the line and column', async () => {
		const e = assertJsonError(await evaluate('{\n  "format": "yingcai-application/1",\n  "programme": ,\n}'), 400);
		assert.equal(e.line, 3);
		assert.equal(e.column, 16, 'the column of the comma where a value should be');
	});
	test('an unknown field: 400 with its path', async () => {
		const app = JSON.parse(good);
		app.applicant.nickname = 'x';
		const e = assertJsonError(await evaluate(JSON.stringify(app, null, 2)), 400);
		assert.equal(e.path, 'applicant.nickname');
		assert.ok(e.line > 1, 'and the line where it is');
	});
	test('a wrong type: 400 with the field path', async () => {
		const app = JSON.parse(good);
		app.date = 20251201;
		const e = assertJsonError(await evaluate(JSON.stringify(app)), 400);
		assert.equal(e.path, 'date');
	});
	test('not JSON (text/plain, a form): 415', async () => {
		for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
			const e = assertJsonError(await evaluate(good, { 'content-type': type }), 415);
			assert.match(e.message, /application\/json/);
		}
		assertJsonError(await evaluate(good, {}), 415);
	});
	test('application/json; charset=utf-8 is JSON', async () => {
		const r = await evaluate(good, { 'content-type': 'application/json; charset=utf-8' });
		assert.equal(r.status, 200, r.text);
	});
	test('an empty body: 400', async () => {
		assertJsonError(await evaluate(''), 400);
	});
	test('two applications in one body: 400', async () => {
		assertJsonError(await evaluate(good + good), 400);
	});
	test('an unknown edition: 400', async () => {
		const r = await fetch(`${srv.url}/api/v1/evaluate?edition=1999`, { method: 'POST',
			headers: { 'content-type': 'application/json' }, body: good });
		assertJsonError({ status: r.status, type: r.headers.get('content-type'), text: await r.text() }, 400);
	});
});

describe('request bodies over max_body_bytes (1 MiB by default)', () => {
	/* postExpect: a POST that announces its length and waits for 100
	 * Continue before sending the body (curl does this): the answer, or
	 * {continued: true} if the server asked for the body. */
	const postExpect = (len) => new Promise((resolve, reject) => {
		const rq = http.request({ host: '127.0.0.1', port: srv.port, path: '/api/v1/evaluate',
			method: 'POST', agent: false, headers: { 'content-type': 'application/json',
				'content-length': len, expect: '100-continue' } });
		rq.on('continue', () => { resolve({ continued: true }); rq.destroy(); });
		rq.on('response', (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { body += d; });
			res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], text: body }));
		});
		rq.on('error', reject);
		rq.flushHeaders();
	});

	test('announced with Content-Length (Expect: 100-continue): refused before the body is sent', async () => {
		const r = await postExpect((1 << 20) + 1);
		assert.ok(!r.continued, 'the server asked for a body it will refuse');
		assert.equal(r.status, 413);
		assert.equal((await get('/healthz')).status, 200);
	});
	test('an API 413 is a JSON error like every other API error', async () => {
		const r = await postExpect((1 << 20) + 1);
		assertJsonError(r, 413);
	});
	test('announced and sent at once, as browsers do (8 MiB): the client gets the 413, not a reset', async () => {
		const big = Buffer.alloc(8 << 20, 0x20);
		const got = [];
		for (let i = 0; i < 5; i++) {
			try {
				const r = await evaluate(big);
				got.push(r.status);
			} catch (e) {
				got.push(e.cause?.code || e.message);
			}
		}
		assert.deepEqual(got, [413, 413, 413, 413, 413],
			'the server closes while the body is still coming: the client sees a reset instead of the 413');
		assert.equal((await get('/healthz')).status, 200);
	});
	test('sent chunked, without a length: 413, and the server goes on serving', async () => {
		const body = new ReadableStream({
			start(c) {
				for (let i = 0; i < 17; i++)
					c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
				c.close();
			},
		});
		const r = await fetch(`${srv.url}/api/v1/evaluate`, { method: 'POST', duplex: 'half',
			headers: { 'content-type': 'application/json' }, body });
		assertJsonError({ status: r.status, type: r.headers.get('content-type'), text: await r.text() }, 413);
		assert.equal((await get('/healthz')).status, 200);
	});
	test('exactly 1 MiB is read (and answered, not 413)', async () => {
		const app = fs.readFileSync(path.join(GOLDEN, apps[0]), 'utf8');
		const body = app + ' '.repeat((1 << 20) - Buffer.byteLength(app));
		const r = await evaluate(body);
		assert.equal(r.status, 200, r.text.slice(0, 300));
	});
});

describe('GET /api/v1/calendar/add-working-days', () => {
	const add = (q) => get(`/api/v1/calendar/add-working-days?${q}`);

	test('over the National Day holiday and an adjusted working Sunday', async () => {
		// 2025-09-26 is a Friday; 09-28 (Sunday) is worked, 10-01..10-08 are off.
		const r = await add('date=2025-09-26&n=5');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json(), { date: '2025-09-26', n: 5, result: '2025-10-10' });
	});
	test('over the 2026 Spring Festival', async () => {
		// 2026-02-13 Friday; 02-14 (Saturday) is worked; 02-15..02-23 off.
		const r = await add('date=2026-02-13&n=2');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().result, '2026-02-24');
	});
	for (const [q, field, why] of [
		['n=1', 'date', 'no date'],
		['date=2025-02-30&n=1', 'date', 'a day that does not exist'],
		['date=26.09.2025&n=1', 'date', 'another date format'],
		['date=2025-09-26', 'n', 'no n'],
		['date=2025-09-26&n=-1', 'n', 'a negative n'],
		['date=2025-09-26&n=five', 'n', 'n not a number'],
		['date=2025-09-26&n=99999999999999999999', 'n', 'a huge n'],
		['date=2031-03-02&n=1', 'date', 'a year the calendar does not cover'],
	]) {
		test(`${why}: 400 naming ${field}`, async () => {
			const e = assertJsonError(await add(q), 400);
			assert.equal(e.path, field);
		});
	}
	for (const [q, says] of [
		['date=2026-02-30&n=1', "date: '2026-02-30' is not a date: February 2026 has 28 days"],
		['date=2026-2-30&n=1', "date: '2026-2-30' is not a date: February 2026 has 28 days; write dates in the form YYYY-MM-DD"],
		['date=2026-2-3&n=1', "date: '2026-2-3' is not a date in the form YYYY-MM-DD: write 2026-02-03"],
		['n=1', 'date: missing; give a date as YYYY-MM-DD, e.g. 2026-02-13'],
	]) {
		test(`a wrong date says why, as yingcai calendar does: ${q}`, async () => {
			assert.equal(assertJsonError(await add(q), 400).message, says);
		});
	}
});

describe('GET /api/v1/enterprises/{uscc}', () => {
	test('a valid code not in the registry', async () => {
		const r = await get('/api/v1/enterprises/91110108551385082Q');
		assert.equal(r.status, 200, r.text);
		const j = r.json();
		assert.equal(j.uscc, '91110108551385082Q');
		assert.equal(j.valid, true);
		assert.equal(j.listed, false);
		assert.equal(j.eligible_two_zones, false);
	});
	for (const [code, re] of [
		['91110108551385082A', /check character/],
		['91110108551385O82Q', /'O'.*digit 0/],
		['9111010855138508', /16 characters/],
	]) {
		test(`invalid ${code}: 400 with the reason`, async () => {
			const e = assertJsonError(await get(`/api/v1/enterprises/${code}`), 400);
			assert.equal(e.path, 'uscc');
			assert.match(e.message, re);
		});
	}
	test('a very long code: 400, not a crash', async () => {
		assertJsonError(await get(`/api/v1/enterprises/${'9'.repeat(5000)}`), 400);
	});
});

describe('GET /api/v1/openapi.json', () => {
	test('is JSON and describes every /api/v1 route of the route table', async () => {
		const r = await get('/api/v1/openapi.json');
		assert.equal(r.status, 200);
		assert.match(r.type, /^application\/json/);
		const doc = r.json();
		assert.match(doc.openapi, /^3\./);
		const api = routeTable().filter((x) => x.pattern.startsWith('/api/v1/'));
		assert.ok(api.length >= 4);
		for (const route of api)
			for (const m of route.methods)
				assert.ok(doc.paths?.[route.pattern]?.[m.toLowerCase()],
					`${m} ${route.pattern} is not in the OpenAPI document`);
		for (const [p, ops] of Object.entries(doc.paths))
			for (const m of Object.keys(ops))
				assert.ok(routeTable().some((x) => x.pattern === p && x.methods.includes(m.toUpperCase())),
					`the OpenAPI document describes ${m.toUpperCase()} ${p}, which the server does not have`);
	});
	test('is the same file as docs/openapi.json', async () => {
		const r = await get('/api/v1/openapi.json');
		assert.equal(r.text, fs.readFileSync(path.join(ROOT, 'docs/openapi.json'), 'utf8'));
	});
});

test('/healthz answers ok', async () => {
	const r = await get('/healthz');
	assert.equal(r.status, 200);
	assert.equal(r.text, 'ok\n');
	assert.match(r.type, /^text\/plain/);
});
