// server.mjs - start a real `yingcai serve` for a test file, and a small
// cookie-aware HTTP client.
//
// Builds nothing: the binary is $YINGCAI, else build/check/yingcai (the
// sanitizer build `make check` tests), else build/yingcai.  Each server gets
// a fresh temporary --data directory, listens on a port the OS picks
// (--listen 127.0.0.1:0; the server prints the port it got), and is stopped
// with SIGTERM: a graceful shutdown exits 0, and anything a sanitizer
// printed on the way is a failure of the test that started it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const ROLES = ['applicant', 'employer', 'reviewer', 'expert', 'officer', 'approver',
	'registry', 'inspector', 'sysadmin'];

/* A password every account of the test servers has (long enough for any
 * reasonable minimum, no dictionary word). */
export const PASSWORD = 'Ycw-test-9f3K!pass';

export function emailOf(role) {
	return `${role}@test.yingcai.example`;
}

export function binary() {
	if (process.env.YINGCAI)
		return path.resolve(ROOT, process.env.YINGCAI);
	for (const b of ['build/check/yingcai', 'build/yingcai']) {
		const p = path.join(ROOT, b);
		if (fs.existsSync(p))
			return p;
	}
	throw new Error('no yingcai binary: run `make` (or set YINGCAI)');
}

/* The environment of every yingcai process we start: the policy of this
 * tree; sanitizers that stop at the first error and print where.  Leak
 * checking stays on unless the caller's ASAN_OPTIONS say otherwise. */
function childEnv(extra = {}) {
	const env = { ...process.env, ...extra };
	env.YINGCAI_POLICY = env.YINGCAI_POLICY || path.join(ROOT, 'policy');
	env.ASAN_OPTIONS = env.YINGCAI_SERVER_ASAN_OPTIONS || env.ASAN_OPTIONS ||
		'detect_leaks=1:abort_on_error=1';
	env.UBSAN_OPTIONS = env.UBSAN_OPTIONS || 'print_stacktrace=1:halt_on_error=1';
	return env;
}

/* What a sanitizer or a crash leaves on standard error. */
export const SANITIZER_RE = /ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error:|SUMMARY: \w+Sanitizer/;

/* run: the yingcai command line, synchronously: {status, stdout, stderr}. */
export function run(args, { input, env } = {}) {
	const r = spawnSync(binary(), args, { input, encoding: 'utf8', env: childEnv(env), cwd: ROOT,
		timeout: 60000, maxBuffer: 64 << 20 });
	if (r.error)
		throw r.error;
	return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/* The route table (`yingcai routes --json`, one JSON object per line). */
export function routeTable() {
	const r = run(['routes', '--json']);
	if (r.status !== 0)
		throw new Error(`yingcai routes --json exited ${r.status}: ${r.stderr}`);
	return r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/* startServer: a running portal.  Options:
 *   config  extra "key = value" settings (site.c keys: timeout_seconds,
 *           max_body_bytes, login_max_failures, ...)
 *   users   create one account per role (default true); a failure is kept
 *           in srv.usersError so tests that need accounts fail with it
 *           while the others still run.
 * Returns {url, port, dataDir, db (the database URL), users: {role: {email,
 * password}}, usersError, stderr(), stop()}. */
/* dbArgs: where the server keeps its data.  SQLite in dataDir by default;
 * with YINGCAI_WEB_BACKEND=postgresql the throwaway cluster of
 * YINGCAI_TEST_PG, in a schema of its own (the store creates it), so every
 * suite runs unchanged on both backends. */
let schemaSeq = 0;
export function dbArgs(dataDir) {
	const pg = process.env.YINGCAI_TEST_PG;
	if (process.env.YINGCAI_WEB_BACKEND !== 'postgresql')
		return ['--data', dataDir];
	if (!pg)
		throw new Error('YINGCAI_WEB_BACKEND=postgresql needs YINGCAI_TEST_PG');
	const schema = `web_${process.pid}_${++schemaSeq}_${Date.now() % 100000}`;
	return ['--data', dataDir, '--db', `${pg}${pg.includes('?') ? '&' : '?'}schema=${schema}`];
}

export async function startServer({ config = {}, users = true, shareDb = null } = {}) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingcai-web-'));
	/* shareDb: another server's database (its srv.dbArgs), as behind a
	 * load balancer; its accounts are there already */
	const db = shareDb || dbArgs(dataDir);
	const cfg = { access_log: path.join(dataDir, 'access.log'), threads: 4, ...config };
	const cfgPath = path.join(dataDir, 'serve.conf');
	fs.writeFileSync(cfgPath, Object.entries(cfg).map(([k, v]) => `${k} = ${v}\n`).join(''));

	const child = spawn(binary(), ['serve', '--listen', '127.0.0.1:0', ...db,
		'--config', cfgPath], { env: childEnv(), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '', stderr = '';
	let exited = null, stopping = false;
	const exitP = new Promise((res) => child.on('exit', (code, signal) => {
		exited = { code, signal, early: !stopping };
		res(exited);
	}));
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (d) => { stderr += d; });
	let port;
	try {
		port = await new Promise((res, rej) => {
			const t = setTimeout(() => rej(new Error(`yingcai serve printed no address in 30 s; stderr:\n${stderr}`)), 30000);
			child.stdout.on('data', (d) => {
				stdout += d;
				const m = /serving on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
				if (m) {
					clearTimeout(t);
					res(Number(m[1]));
				}
			});
			exitP.then((e) => {
				clearTimeout(t);
				rej(new Error(`yingcai serve exited (${e.code ?? e.signal}) before serving:\n${stderr}`));
			});
			child.on('error', (e) => {
				clearTimeout(t);
				rej(new Error(`cannot start ${binary()}: ${e.message}`));
			});
		});
	} catch (e) {
		child.kill('SIGKILL');
		fs.rmSync(dataDir, { recursive: true, force: true });
		throw e;
	}
	if (!(port > 0))
		throw new Error(`yingcai serve printed port ${port} for --listen 127.0.0.1:0`);
	const url = `http://127.0.0.1:${port}`;

	const srv = {
		url, port, dataDir, child, users: {}, usersError: null, dbArgs: db,
		/* the database: the --db URL, or SQLite's file in dataDir */
		db: db.includes('--db') ? db[db.indexOf('--db') + 1]
			: cfg.db ? String(cfg.db) : `sqlite:${path.join(dataDir, 'yingcai.db')}`,
		stderr: () => stderr,
		/* stop: SIGTERM, wait; {code, signal, stderr}.  Removes the data
		 * directory unless YINGCAI_KEEP_DATA is set. */
		async stop() {
			stopping = true;
			if (!exited)
				child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), 20000);
			const e = await exitP;
			clearTimeout(t);
			if (!process.env.YINGCAI_KEEP_DATA)
				fs.rmSync(dataDir, { recursive: true, force: true });
			return { ...e, stderr };
		},
	};

	const deadline = Date.now() + 30000;
	for (;;) {
		try {
			const r = await fetch(`${url}/healthz`);
			if (r.status === 200 && (await r.text()).trim() === 'ok')
				break;
		} catch { /* not yet */ }
		if (exited || Date.now() > deadline) {
			await srv.stop();
			throw new Error(`/healthz never answered ok; stderr:\n${stderr}`);
		}
		await sleep(50);
	}

	if (users) {
		for (const role of ROLES) {
			const email = emailOf(role);
			const r = run(['user', 'add', '--email', email, '--name', `Test ${role}`, '--role', role,
				'--password-stdin', ...db], { input: `${PASSWORD}\n` });
			if (r.status !== 0) {
				srv.usersError = `yingcai user add --role ${role} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`;
				break;
			}
			srv.users[role] = { email, password: PASSWORD };
		}
	}
	return srv;
}

/* outbox: every mail in srv's outbox, oldest first: [{id, recipient,
 * subject, body, sent_at, attempts, last_error, failed_at}] (sent_at and
 * failed_at null while not).  Read past the server, as an administrator
 * does (docs/accounts.md): the sqlite3 command on SQLite, psql in the
 * server's schema on PostgreSQL. */
export function outbox(srv) {
	let r;
	if (srv.db.startsWith('sqlite:')) {
		r = spawnSync('sqlite3', ['-json', '-readonly', srv.db.slice(7),
			'SELECT id, recipient, subject, body, sent_at, attempts, last_error, failed_at ' +
			'FROM outbox ORDER BY id'], { encoding: 'utf8' });
	} else {
		/* libpq does not know the store's schema= parameter: it becomes
		 * the search_path. */
		const u = new URL(srv.db);
		const schema = u.searchParams.get('schema');
		u.searchParams.delete('schema');
		r = spawnSync('psql', [u.toString(), '-X', '-At', '-v', 'ON_ERROR_STOP=1'], {
			encoding: 'utf8', env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` },
			input: "SELECT coalesce(json_agg(json_build_object('id', id, 'recipient', recipient, " +
				"'subject', subject, 'body', body, 'sent_at', sent_at, 'attempts', attempts, " +
				"'last_error', last_error, 'failed_at', failed_at) ORDER BY id), '[]') FROM outbox;\n" });
	}
	if (r.error)
		throw new Error(`cannot read the outbox: ${r.error.message}`);
	if (r.status !== 0)
		throw new Error(`cannot read the outbox (exit ${r.status}): ${r.stderr}`);
	return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/* stopAndCheck: stop srv and fail unless it exited 0 with no sanitizer
 * report (node:assert style; returns the stop result). */
export async function stopAndCheck(srv, assert) {
	const e = await srv.stop();
	const report = SANITIZER_RE.exec(e.stderr);
	assert.ok(!e.early, `the server ended by itself during the tests (exit ${e.code}, signal ${e.signal}): ` +
		`it crashed, or something outside the tests stopped it; stderr:\n${e.stderr.slice(-4000)}`);
	assert.ok(!report, `the server reported a sanitizer error:\n${e.stderr.slice(Math.max(0, report?.index - 200 || 0), (report?.index || 0) + 6000)}`);
	assert.equal(e.signal, null, `the server died of ${e.signal}; stderr:\n${e.stderr.slice(-4000)}`);
	assert.equal(e.code, 0, `SIGTERM should end the server with 0; stderr:\n${e.stderr.slice(-4000)}`);
	return e;
}

/* ---- a small browser-like client ---- */

/* csrfOf: the value of the first hidden csrf field of a page, or null. */
export function csrfOf(html) {
	const m = /<input\b[^>]*\bname="csrf"[^>]*>/.exec(html);
	if (!m)
		return null;
	const v = /\bvalue="([^"]*)"/.exec(m[0]);
	return v ? v[1] : null;
}

/* parseSetCookie: "a=b; Path=/; HttpOnly" -> {name, value, attrs: {path: '/', httponly: true}} */
export function parseSetCookie(s) {
	const parts = s.split(';').map((p) => p.trim());
	const eq = parts[0].indexOf('=');
	const attrs = {};
	for (const p of parts.slice(1)) {
		const i = p.indexOf('=');
		if (i < 0)
			attrs[p.toLowerCase()] = true;
		else
			attrs[p.slice(0, i).toLowerCase()] = p.slice(i + 1);
	}
	return { name: parts[0].slice(0, eq), value: parts[0].slice(eq + 1), attrs };
}

export class Client {
	constructor(base, { headers = {} } = {}) {
		this.base = base;
		this.headers = headers;
		this.cookies = new Map();
		this.csrf = null; // the last csrf field seen on a page
	}

	/* request: one request, no redirects followed.  opts: headers, form
	 * (an object or URLSearchParams, sent urlencoded), json (sent as
	 * application/json), body (raw), csrf (true: add this.csrf to the form). */
	async request(method, p, opts = {}) {
		const headers = { ...this.headers, ...(opts.headers || {}) };
		let body = opts.body;
		if (opts.form !== undefined) {
			const f = new URLSearchParams(opts.form);
			if (opts.csrf === true && this.csrf !== null && !f.has('csrf'))
				f.set('csrf', this.csrf);
			body = f.toString();
			headers['content-type'] = 'application/x-www-form-urlencoded';
		} else if (opts.json !== undefined) {
			body = typeof opts.json === 'string' ? opts.json : JSON.stringify(opts.json);
			headers['content-type'] = 'application/json';
		}
		if (this.cookies.size)
			headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		const res = await fetch(this.base + p, { method, headers, body, redirect: 'manual' });
		const text = method === 'HEAD' ? '' : await res.text();
		const setCookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie()
			: res.headers.get('set-cookie') ? [res.headers.get('set-cookie')] : [];
		for (const sc of setCookies) {
			const c = parseSetCookie(sc);
			if (c.attrs['max-age'] === '0' || c.value === '')
				this.cookies.delete(c.name);
			else
				this.cookies.set(c.name, c.value);
		}
		const csrf = csrfOf(text);
		if (csrf !== null)
			this.csrf = csrf;
		return {
			status: res.status,
			headers: res.headers,
			text,
			setCookies,
			location: res.headers.get('location'),
			json() { return JSON.parse(text); },
		};
	}

	get(p, opts) { return this.request('GET', p, opts); }
	post(p, form, opts = {}) { return this.request('POST', p, { ...opts, form }); }

	/* login: fetch the form (for its csrf token), post the credentials;
	 * the response to the POST.  A login gives the session a new token, so
	 * on success a page is fetched to learn it. */
	async login(email, password) {
		await this.get('/login');
		const r = await this.post('/login', { email, password }, { csrf: true });
		if (r.status === 303)
			await this.get('/');
		return r;
	}

	/* follow: a request, then GET each redirect (at most 10); the last response. */
	async follow(method, p, opts = {}) {
		let r = await this.request(method, p, opts);
		for (let i = 0; i < 10 && r.status >= 300 && r.status < 400 && r.location; i++)
			r = await this.get(new URL(r.location, this.base + p).pathname + new URL(r.location, this.base + p).search);
		return r;
	}
}

/* ---- pages as a user reads them ---- */

/* decodeEntities: HTML text with character references decoded (enough to
 * compare a page with the words of a .po catalog). */
export function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp);/g, (m, e) => {
		if (e[0] === '#')
			return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }[e];
	});
}

export function htmlLang(html) {
	const m = /<html\b[^>]*\blang="([^"]*)"/.exec(html);
	return m ? m[1] : null;
}

/* The words of po/<locale>/*.po: {msgid: msgstr}. */
const poCache = new Map();
export function words(locale) {
	if (poCache.has(locale))
		return poCache.get(locale);
	const dir = path.join(ROOT, 'po', locale);
	const out = {};
	const unq = (s) => JSON.parse(s);
	for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.po'))) {
		let cur = null, id = '', str = '';
		const flush = () => { if (id) out[id] = str; id = ''; str = ''; };
		for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
			let m;
			if ((m = /^msgid\s+(".*")\s*$/.exec(line))) { flush(); cur = 'id'; id = unq(m[1]); }
			else if ((m = /^msgstr\s+(".*")\s*$/.exec(line))) { cur = 'str'; str = unq(m[1]); }
			else if ((m = /^\s*(".*")\s*$/.exec(line)) && cur) {
				if (cur === 'id') id += unq(m[1]); else str += unq(m[1]);
			} else if (!line.trim()) cur = null;
		}
		flush();
	}
	poCache.set(locale, out);
	return out;
}

export const LOCALE = { zh: 'zh_CN', en: 'en', de: 'de' };

/* The answers of a two-zones self-check, as its result page's save form sends them. */
export const ANSWERS = {
	birth_date: '1984-05-17', nationality: 'DEU', education: 'master', position: 'director',
	title: 'none', years_work: '12', years_china: '4', visibility: 'listed', salary: '900000',
	social_duty: 'municipal', employer: 'Example Technology', uscc: '91110108551385082Q',
	key_entity: 'yes', sector: 'finance', revenue: '250000000', tax: '12000000', jobs: '420',
};

/* newDraft: c (logged in) saves the self-check answers as a draft, as the
 * result page's save form does; the new application's id.  Throws (an
 * assertion) when the save is not answered with a redirect to it. */
export async function newDraft(c, answers = ANSWERS) {
	await c.get('/self-check/two-zones/result?' + new URLSearchParams(answers));
	const r = await c.post('/self-check/two-zones/save', answers, { csrf: true });
	if (r.status !== 303)
		throw new Error(`saving a draft: ${r.status}`);
	const id = /saved=(\d+)/.exec(r.location || '')?.[1];
	if (!id)
		throw new Error(`the save should redirect to /dashboard?saved=<id>, got ${r.location}`);
	return id;
}
