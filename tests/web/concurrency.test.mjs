// concurrency.test.mjs - two `yingcai serve` on one database, as behind a
// load balancer: a session made on one server works on the other (cookie
// and CSRF token), and two people changing the same application at once
// never overwrite each other silently: the second gets a 409 page that
// shows, field by field, what the first changed, and a deliberate way to
// apply their own changes on top.
//
// The database: the run's backend (YINGCAI_WEB_BACKEND, see dbArgs in
// server.mjs), computed once and given to both servers: the same SQLite
// --data directory (WAL lets several processes share the file), or the
// same fresh PostgreSQL schema.
//
// tests/web/server.mjs starts one server per fresh data directory, so this
// file has its own small starter for two servers on one database; the
// client, the binary and the sanitizer checks are server.mjs's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	Client, PASSWORD, ROOT, binary, dbArgs, decodeEntities, newDraft, run, stopAndCheck,
	words,
} from './server.mjs';

const EN = words('en');
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/* The database both servers use: the run's backend (see dbArgs in
 * server.mjs), one fresh SQLite data directory or PostgreSQL schema that
 * both servers share. */
function database(dataDir) {
	return dbArgs(dataDir);
}

function childEnv() {
	const env = { ...process.env };
	env.YINGCAI_POLICY = env.YINGCAI_POLICY || path.join(ROOT, 'policy');
	env.ASAN_OPTIONS = env.YINGCAI_SERVER_ASAN_OPTIONS || env.ASAN_OPTIONS ||
		'detect_leaks=1:abort_on_error=1';
	env.UBSAN_OPTIONS = env.UBSAN_OPTIONS || 'print_stacktrace=1:halt_on_error=1';
	return env;
}

/* serve: one `yingcai serve` on the database given by args, on a port the
 * OS picks; an object stopAndCheck (server.mjs) understands. */
async function serve(name, dataDir, dbArgs) {
	const cfg = path.join(dataDir, `${name}.conf`);
	fs.writeFileSync(cfg, `access_log = ${path.join(dataDir, `${name}-access.log`)}\nthreads = 4\n`);
	const child = spawn(binary(), ['serve', '--listen', '127.0.0.1:0', ...dbArgs, '--config', cfg],
		{ env: childEnv(), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '', stderr = '', exited = null, stopping = false;
	const exitP = new Promise((res) => child.on('exit', (code, signal) => {
		exited = { code, signal, early: !stopping };
		res(exited);
	}));
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (d) => { stderr += d; });
	const port = await new Promise((res, rej) => {
		const t = setTimeout(() => rej(new Error(`server ${name} printed no address; stderr:\n${stderr}`)), 30000);
		child.stdout.on('data', (d) => {
			out += d;
			const m = /serving on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
			if (m) {
				clearTimeout(t);
				res(Number(m[1]));
			}
		});
		child.on('error', (e) => { clearTimeout(t); rej(e); });
		exitP.then((e) => { clearTimeout(t); rej(new Error(`server ${name} exited (${e.code ?? e.signal}):\n${stderr}`)); });
	});
	const srv = {
		name, url: `http://127.0.0.1:${port}`, stderr: () => stderr,
		async stop() {
			stopping = true;
			if (!exited)
				child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), 20000);
			const e = await exitP;
			clearTimeout(t);
			return { ...e, stderr };
		},
	};
	for (const deadline = Date.now() + 30000; ;) {
		try {
			const r = await fetch(`${srv.url}/healthz`);
			if (r.status === 200)
				break;
		} catch { /* not yet */ }
		if (exited || Date.now() > deadline)
			throw new Error(`server ${name}: /healthz never answered; stderr:\n${stderr}`);
		await sleep(50);
	}
	return srv;
}

/* ---- forms as a browser sends them ---- */

const attr = (tag, name) => {
	const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
	return m ? decodeEntities(m[1]) : null;
};

/* formFields: what a browser would send from the form of html whose action
 * is `action`: [[name, value], ...] (text and hidden inputs, checked radios
 * and checkboxes, the selected option of each select); null if no such
 * form. */
function formFields(html, action) {
	for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
		if (attr(m[1], 'action') !== action)
			continue;
		const out = [];
		for (const f of m[2].matchAll(/<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>/g)) {
			const t = f[0], name = attr(t, 'name');
			if (!name)
				continue;
			if (t.startsWith('<select')) {
				const opts = [...t.matchAll(/<option\b[^>]*>/g)].map((o) => o[0]);
				const sel = opts.find((o) => /\bselected\b/.test(o)) || opts[0];
				out.push([name, sel ? attr(sel, 'value') ?? '' : '']);
				continue;
			}
			const type = (attr(t, 'type') || 'text').toLowerCase();
			if ((type === 'radio' || type === 'checkbox') && !/\bchecked\b/.test(t))
				continue;
			out.push([name, attr(t, 'value') ?? '']);
		}
		return out;
	}
	return null;
}

const get = (fields, name) => fields.find(([k]) => k === name)?.[1];
function set(fields, name, value) {
	const f = fields.find(([k]) => k === name);
	if (f)
		f[1] = value;
	else
		fields.push([name, value]);
	return fields;
}

/* text: a page as a reader sees it (tags dropped, entities decoded, spaces
 * collapsed). */
const text = (html) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

/* row: the conflict table's row of a question, as text, or null. */
function row(html, field) {
	const m = new RegExp(`<tr id="diff-${field}">([\\s\\S]*?)</tr>`).exec(html);
	return m ? text(m[1]) : null;
}

/* ---- the two servers ---- */

let dataDir, A, B;
const USERS = {
	owner: { email: 'owner@test.yingcai.example', role: 'applicant' },
	stranger: { email: 'stranger@test.yingcai.example', role: 'applicant' },
	reviewer: { email: 'reviewer@test.yingcai.example', role: 'reviewer' },
};

before(async () => {
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingcai-concurrency-'));
	const db = database(dataDir);
	A = await serve('A', dataDir, db);
	B = await serve('B', dataDir, db);
	for (const u of Object.values(USERS)) {
		const r = run(['user', 'add', '--email', u.email, '--name', `Test ${u.role}`, '--role', u.role,
			'--lang', 'en', '--password-stdin', ...db], { input: `${PASSWORD}\n` });
		assert.equal(r.status, 0, `yingcai user add: ${r.stderr}`);
	}
});

after(async () => {
	for (const s of [A, B])
		if (s)
			await stopAndCheck(s, assert);
	if (dataDir && !process.env.YINGCAI_KEEP_DATA)
		fs.rmSync(dataDir, { recursive: true, force: true });
});

async function login(srv, who) {
	const c = new Client(srv.url);
	const r = await c.login(USERS[who].email, PASSWORD);
	assert.equal(r.status, 303, `logging in as ${who} on ${srv.name}: ${r.status}`);
	return c;
}

/* onOther: a client for srv carrying c's cookies (the same browser, a
 * request the load balancer sent to another server). */
function onOther(c, srv) {
	const o = new Client(srv.url);
	o.cookies = new Map(c.cookies);
	o.csrf = c.csrf;
	return o;
}

async function editForm(c, id) {
	const r = await c.get(`/applications/${id}/edit`);
	assert.equal(r.status, 200, `GET /applications/${id}/edit: ${r.status}`);
	const f = formFields(r.text, `/applications/${id}/edit`);
	assert.ok(f, 'the edit page has a form that posts to /applications/{id}/edit');
	return f;
}

describe('two servers on one database', () => {
	test('a session made on A works on B, and so does its CSRF token', async () => {
		const a = await login(A, 'owner');
		const b = onOther(a, B);
		const r = await b.get('/dashboard');
		assert.equal(r.status, 200, 'the cookie from A should be a logged-in session on B');
		assert.ok(text(r.text).includes('Test applicant'), 'B should know who is logged in');
		assert.equal(b.csrf, a.csrf, 'both servers should show the same CSRF token');

		// a POST on B with the token learned on A is accepted...
		const id = await newDraft(b);
		const page = await a.get(`/applications/${id}`);
		assert.equal(page.status, 200, 'the draft saved on B should be on A');
		// ...and a wrong one is refused on B as on A
		const f = await editForm(a, id);
		const bad = await onOther(a, B).post(`/applications/${id}/edit`,
			set([...f.map((x) => [...x])], 'csrf', 'x'.repeat(a.csrf.length)));
		assert.equal(bad.status, 403, 'B should refuse a wrong CSRF token');
		const ok = await onOther(a, B).post(`/applications/${id}/edit`, f);
		assert.equal(ok.status, 303, `B should accept the form made on A: ${ok.status}`);
	});

	test('the second of two people saving the same application gets a conflict page', async () => {
		const a = await login(A, 'owner');
		const b = await login(B, 'owner'); // the same applicant in another browser
		const id = await newDraft(a);
		const act = `/applications/${id}/edit`;

		// both open the form of version 1
		const fa = await editForm(a, id);
		const fb = await editForm(b, id);
		assert.equal(get(fa, 'version'), '1');
		assert.equal(get(fb, 'version'), '1');
		assert.equal(get(fa, 'salary'), '900000', 'the form is filled from the stored application');

		// A changes the salary and the head count and saves
		const ra = await a.post(act, set(set(fa, 'salary', '1,200,000'), 'jobs', '520'));
		assert.equal(ra.status, 303, `A's save: ${ra.status} ${text(ra.text).slice(0, 300)}`);
		assert.equal(ra.location, `/applications/${id}?saved=1`);

		// B changes the salary differently and the years of work: refused
		const rb = await b.post(act, set(set(fb, 'salary', '1000000'), 'years_work', '14'));
		assert.equal(rb.status, 409, `B's save from version 1 should be refused: ${rb.status}`);
		const page = text(rb.text);
		assert.ok(page.includes(EN.app_conflict_title), 'the page says someone else changed it');
		const salary = row(rb.text, 'salary'), jobs = row(rb.text, 'jobs'), years = row(rb.text, 'years_work');
		assert.ok(jobs, 'the head count A changed is listed');
		assert.ok(jobs.includes(EN.sc_f_jobs) && jobs.includes('420 people') && jobs.includes('520 people'),
			`the head count row shows before and now: ${jobs}`);
		assert.ok(jobs.includes(EN.app_changed_other), `marked as changed by someone else: ${jobs}`);
		assert.ok(salary && salary.includes('CNY 1,200,000') && salary.includes('CNY 1,000,000') &&
			salary.includes(EN.app_changed_both), `the salary row shows both changes: ${salary}`);
		assert.ok(years && years.includes('14 years') && years.includes(EN.app_changed_mine),
			`B's own change is listed: ${years}`);
		assert.equal(row(rb.text, 'education'), null, 'answers nobody changed are not listed');
		assert.ok(rb.text.includes(`href="${act}"`), 'a link starts again from the current version');

		// nothing of B's was written: the stored application is A's
		const stored = text((await a.get(`/applications/${id}`)).text);
		assert.ok(stored.includes('CNY 1,200,000') && stored.includes('520 people'), "A's change is stored");
		assert.ok(!stored.includes('CNY 1,000,000') && !stored.includes('14 years'), "B's change is not");

		// the same stale form again: still refused, never a silent overwrite
		assert.equal((await b.post(act, fb)).status, 409);

		// the deliberate overwrite: B's changes on top of the current version
		const fo = formFields(rb.text, act);
		assert.ok(fo, 'the conflict page has a form to apply my changes');
		assert.equal(get(fo, 'version'), '2', 'that form carries the current version');
		assert.equal(get(fo, 'salary'), '1000000', "it holds B's salary");
		assert.equal(get(fo, 'years_work'), '14', "and B's years of work");
		assert.equal(get(fo, 'jobs'), '520', "and keeps A's head count, which B did not touch");
		const ro = await b.post(act, fo);
		assert.equal(ro.status, 303, `the deliberate overwrite: ${ro.status} ${text(ro.text).slice(0, 300)}`);
		const now = await a.get(`/applications/${id}?saved=1`);
		const t = text(now.text);
		assert.ok(t.includes('CNY 1,000,000') && t.includes('14 years') && t.includes('520 people'),
			'the stored application has B\'s changes on top of A\'s');
		assert.equal(get(await editForm(a, id), 'version'), '3');
	});

	test('two saves of the same version at the same moment: exactly one wins', async () => {
		const a = await login(A, 'owner');
		const b = await login(B, 'owner');
		const id = await newDraft(a);
		const act = `/applications/${id}/edit`;
		for (let round = 1; round <= 5; round++) {
			const fa = set(await editForm(a, id), 'jobs', String(1000 + round));
			const fb = set(await editForm(b, id), 'jobs', String(2000 + round));
			assert.equal(get(fa, 'version'), String(round));
			const [ra, rb] = await Promise.all([a.post(act, fa), b.post(act, fb)]);
			const statuses = [ra.status, rb.status].sort();
			assert.deepEqual(statuses, [303, 409], `round ${round}: one save and one conflict, got ${statuses}`);
			const winner = ra.status === 303 ? 1000 + round : 2000 + round;
			const stored = text((await a.get(`/applications/${id}`)).text);
			assert.ok(stored.includes(`${winner} people`),
				`round ${round}: the winner's value is stored`);
			assert.equal(get(await editForm(b, id), 'version'), String(round + 1),
				`round ${round}: exactly one new version`);
		}
	});

	test('only the owner changes an application; staff read it; strangers see nothing', async () => {
		const owner = await login(A, 'owner');
		const id = await newDraft(owner);
		const before = get(await editForm(owner, id), 'version');

		const stranger = await login(B, 'stranger');
		assert.equal((await stranger.get(`/applications/${id}`)).status, 404);
		assert.equal((await stranger.get(`/applications/${id}/edit`)).status, 404);
		await stranger.get('/dashboard');
		const form = set(set((await editForm(owner, id)).map((x) => [...x]), 'salary', '1'), 'csrf', stranger.csrf);
		assert.equal((await stranger.post(`/applications/${id}/edit`, form)).status, 404,
			"a stranger cannot change someone else's application");

		const reviewer = await login(B, 'reviewer');
		const r = await reviewer.get(`/applications/${id}`);
		assert.equal(r.status, 200, 'a reviewer may read an application');
		assert.ok(text(r.text).includes(EN.app_read_only), 'and is told it is read-only');
		assert.ok(!r.text.includes(`href="/applications/${id}/edit"`), 'with no link to change it');
		assert.equal((await reviewer.get(`/applications/${id}/edit`)).status, 403);

		assert.equal(get(await editForm(owner, id), 'version'), before, 'nothing was changed');
		assert.ok(text((await owner.get(`/applications/${id}`)).text).includes('CNY 900,000'));
	});

	test('the version is read strictly and answers are checked as in the self-check', async () => {
		const c = await login(A, 'owner');
		const id = await newDraft(c);
		const act = `/applications/${id}/edit`;
		const f = await editForm(c, id);
		for (const v of ['', '0', '01', '-1', '+1', '1e0', ' 1', '1 ', '1.0', '0x1', '99999999999999999999']) {
			const r = await c.post(act, set(f.map((x) => [...x]), 'version', v));
			assert.equal(r.status, 400, `version ${JSON.stringify(v)}: ${r.status}`);
		}
		const noVersion = f.filter(([k]) => k !== 'version');
		assert.equal((await c.post(act, noVersion)).status, 400, 'a form without its version');

		const r = await c.post(act, set(f.map((x) => [...x]), 'years_work', 'twelve'));
		assert.equal(r.status, 400, 'a wrong answer is refused');
		assert.match(r.text, /class="error-summary"/, 'with the error summary');
		assert.ok(r.text.includes('href="#field-years_work"'), 'linking to the field');
		assert.equal(get(formFields(r.text, act), 'years_work'), 'twelve', 'what was typed is kept');
		assert.equal(get(formFields(r.text, act), 'version'), '1', 'and the version it started from');
		assert.equal(get(await editForm(c, id), 'version'), '1', 'nothing was saved');

		const esc = await c.post(act, set(f.map((x) => [...x]), 'employer', '<b>"Evil" & Co</b>'));
		assert.equal(esc.status, 303);
		const shown = (await c.get(`/applications/${id}`)).text;
		assert.ok(shown.includes('&lt;b&gt;&quot;Evil&quot; &amp; Co&lt;/b&gt;') && !shown.includes('<b>"Evil"'),
			'a typed value is shown escaped');
	});
});
