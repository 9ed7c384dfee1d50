// cluster.test.mjs - two `yingcai serve` behind nginx, one database: a
// visitor notices nothing of which server answers (sessions, CSRF tokens,
// the login throttle), the throttle counts the real client behind the proxy,
// and nobody can choose the address it counts by sending X-Forwarded-For.
// Also: the deployment files (deploy/) are valid and document every key.
//
// The database is PostgreSQL when scripts/run-tests asks for it
// (YINGCAI_WEB_BACKEND=postgresql), or when YINGCAI_TEST_PG is set and no
// backend is asked for: the cluster of YINGCAI_TEST_PG, in a schema of this
// file's own.  Otherwise one SQLite file both servers open.  nginx (Debian's,
// installed by scripts/deps) runs in the foreground with a temporary
// configuration: plain HTTP on a free loopback port, the upstream the two
// servers, and the production proxy settings (deploy/nginx/yingcai-proxy.conf)
// included as they are.  The servers trust 127.0.0.1, the address nginx
// connects from.  Clients are told apart by the loopback address they
// connect from (127.0.0.x): nginx sees each as its own client, as it would
// see visitors on the Internet.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { startServer, stopAndCheck, run, binary, routeTable, Client, csrfOf, parseSetCookie,
	PASSWORD, ROOT } from './server.mjs';

const LOGIN_MAX_FAILURES = 2; // per e-mail; per client address 4x this
const IP_LIMIT = 4 * LOGIN_MAX_FAILURES;
const ROLES = ['applicant', 'reviewer', 'expert', 'officer', 'approver', 'registry'];
const email = (role) => `${role}@cluster.yingcai.example`;

/* The backend: as scripts/run-tests asks (YINGCAI_WEB_BACKEND), else
 * PostgreSQL whenever YINGCAI_TEST_PG names a cluster. */
const BACKEND = (process.env.YINGCAI_WEB_BACKEND ? process.env.YINGCAI_WEB_BACKEND === 'postgresql'
	: Boolean(process.env.YINGCAI_TEST_PG)) ? 'PostgreSQL' : 'SQLite';
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/* ---- a client that connects from a chosen loopback address ---- */

/* LocalClient: tests/web/server.mjs's Client (cookies, CSRF field,
 * login()), but each request leaves from localAddress, so nginx and the
 * servers see this client's own address. */
class LocalClient extends Client {
	constructor(base, { localAddress = '127.0.0.1', headers = {} } = {}) {
		super(base, { headers });
		this.localAddress = localAddress;
	}

	async request(method, p, opts = {}) {
		const headers = { ...this.headers, ...(opts.headers || {}) };
		let body = opts.body;
		if (opts.form !== undefined) {
			const f = new URLSearchParams(opts.form);
			if (opts.csrf === true && this.csrf !== null && !f.has('csrf'))
				f.set('csrf', this.csrf);
			body = f.toString();
			headers['content-type'] = 'application/x-www-form-urlencoded';
		}
		if (body !== undefined)
			headers['content-length'] = String(Buffer.byteLength(body));
		if (this.cookies.size)
			headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		const u = new URL(this.base + p);
		const res = await new Promise((resolve, reject) => {
			const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search,
				method, headers, localAddress: this.localAddress, agent: false }, (r) => {
				const chunks = [];
				r.on('data', (d) => chunks.push(d));
				r.on('end', () => resolve({ status: r.statusCode, headers: r.headers,
					text: Buffer.concat(chunks).toString('utf8') }));
				r.on('error', reject);
			});
			req.setTimeout(30000, () => req.destroy(new Error(`${method} ${p}: no answer in 30 s`)));
			req.on('error', reject);
			req.end(body);
		});
		const setCookies = res.headers['set-cookie'] || [];
		for (const sc of setCookies) {
			const c = parseSetCookie(sc);
			if (c.attrs['max-age'] === '0' || c.value === '')
				this.cookies.delete(c.name);
			else
				this.cookies.set(c.name, c.value);
		}
		const csrf = csrfOf(res.text);
		if (csrf !== null)
			this.csrf = csrf;
		return {
			status: res.status,
			headers: { get: (n) => { const v = res.headers[n.toLowerCase()]; return Array.isArray(v) ? v.join(', ') : v ?? null; } },
			text: res.text,
			setCookies,
			location: res.headers.location ?? null,
		};
	}
}

/* ---- the cluster ---- */

let T;          // temporary directory: nginx's files, the shared SQLite file
let db;         // the database URL both servers use
let A, B;       // the two servers (tests/web/server.mjs startServer)
let nginx;      // {child, url, port, stderr(), errorLog}
let setupError = null;

function nginxBinary() {
	if (process.env.NGINX)
		return process.env.NGINX;
	for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'])
		if (fs.existsSync(p))
			return p;
	return null;
}

function freePort() {
	return new Promise((res, rej) => {
		const s = net.createServer();
		s.on('error', rej);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => res(port));
		});
	});
}

async function startNginx(servers) {
	const bin = nginxBinary();
	if (!bin)
		throw new Error('nginx is not installed: scripts/deps installs it (apt-get install nginx)');
	const dir = path.join(T, 'nginx');
	for (const d of ['', 'tmp'])
		fs.mkdirSync(path.join(dir, d), { recursive: true });
	const errorLog = path.join(dir, 'error.log');
	let lastErr = '';
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		const conf = path.join(dir, 'nginx.conf');
		// One worker, so the upstream's turn-taking is one sequence the
		// test can see; least_conn as in production (ties take turns).
		fs.writeFileSync(conf, `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${errorLog} warn;
events { worker_connections 256; }
http {
	access_log ${dir}/access.log;
	client_body_temp_path ${dir}/tmp/body;
	proxy_temp_path ${dir}/tmp/proxy;
	fastcgi_temp_path ${dir}/tmp/fastcgi;
	uwsgi_temp_path ${dir}/tmp/uwsgi;
	scgi_temp_path ${dir}/tmp/scgi;
	upstream yingcai {
		least_conn;
${servers.map((s) => `\t\tserver 127.0.0.1:${s.port} max_fails=1 fail_timeout=5s;`).join('\n')}
		keepalive 8;
		keepalive_timeout 20s;
	}
	server {
		listen 127.0.0.1:${port};
		client_max_body_size 1m;
		include ${path.join(ROOT, 'deploy/nginx/yingcai-proxy.conf')};
		location / { proxy_pass http://yingcai; }
	}
}
`);
		const child = spawn(bin, ['-c', conf, '-p', `${dir}/`, '-e', errorLog],
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		let stderr = '';
		let exited = null;
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (d) => { stderr += d; });
		const exitP = new Promise((res) => child.on('exit', (code, signal) => { exited = { code, signal }; res(exited); }));
		child.on('error', (e) => { stderr += e.message; });
		const url = `http://127.0.0.1:${port}`;
		const deadline = Date.now() + 15000;
		while (!exited && Date.now() < deadline) {
			try {
				const r = await fetch(`${url}/healthz`);
				if (r.status === 200)
					return { child, url, port, errorLog, exitP, stderr: () => stderr };
			} catch { /* not yet */ }
			await sleep(50);
		}
		if (!exited)
			child.kill('SIGKILL');
		await exitP;
		lastErr = `${stderr}\n${fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8').slice(-2000) : ''}`;
		if (!/Address already in use/.test(lastErr))
			break;
	}
	throw new Error(`nginx did not start:\n${lastErr}`);
}

/* startShared: startServer with the database of `config.db`, the same for
 * both servers.  startServer would give each server a database of its own
 * under YINGCAI_WEB_BACKEND (a --db on its command line, which wins over
 * the configuration file), so the variable is set aside while it starts. */
async function startShared(config) {
	const saved = process.env.YINGCAI_WEB_BACKEND;
	delete process.env.YINGCAI_WEB_BACKEND;
	try {
		return await startServer({ users: false, config });
	} finally {
		if (saved !== undefined)
			process.env.YINGCAI_WEB_BACKEND = saved;
	}
}

/* accessLog: the JSON lines of a server's access log. */
function accessLog(srv) {
	const f = path.join(srv.dataDir, 'access.log');
	if (!fs.existsSync(f))
		return [];
	return fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/* logLines: the lines of srv's log after the first `from`, matching pred;
 * waits up to 2 s for `atLeast` of them (a line is written just after the
 * answer is sent). */
async function logLines(srv, from, pred, atLeast = 1) {
	let got = [];
	for (const t0 = Date.now(); Date.now() - t0 < 2000; await sleep(25)) {
		got = accessLog(srv).slice(from).filter(pred);
		if (got.length >= atLeast)
			break;
	}
	return got;
}

function need() {
	if (setupError)
		assert.fail(`the cluster could not be set up: ${setupError}`);
}

before(async () => {
	T = fs.mkdtempSync(path.join(os.tmpdir(), 'yingcai-cluster-'));
	fs.chmodSync(T, 0o755);
	try {
		if (BACKEND === 'PostgreSQL') {
			const u = process.env.YINGCAI_TEST_PG;
			if (!u)
				throw new Error('YINGCAI_WEB_BACKEND=postgresql needs YINGCAI_TEST_PG');
			db = `${u}${u.includes('?') ? '&' : '?'}schema=cluster_${crypto.randomBytes(4).toString('hex')}`;
		} else {
			db = `sqlite:${path.join(T, 'shared.db')}`;
		}
		const config = { db, trusted_proxies: '127.0.0.1', login_max_failures: LOGIN_MAX_FAILURES,
			max_connections_per_ip: 512, threads: 4 };
		// One after the other: the first creates the schema.
		A = await startShared(config);
		B = await startShared(config);
		for (const role of ROLES) {
			const r = run(['user', 'add', '--email', email(role), '--name', `Cluster ${role}`,
				'--role', role, '--password-stdin', '--db', db], { input: `${PASSWORD}\n` });
			if (r.status !== 0)
				throw new Error(`yingcai user add --role ${role} --db ... exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
		}
		nginx = await startNginx([A, B]);
	} catch (e) {
		setupError = e.message;
	}
});

after(async () => {
	if (nginx && nginx.child.exitCode === null) {
		nginx.child.kill('SIGTERM');
		await nginx.exitP;
	}
	for (const s of [A, B])
		if (s && !s.stopped)
			await stopAndCheck(s, assert);
	if (T && !process.env.YINGCAI_KEEP_DATA)
		fs.rmSync(T, { recursive: true, force: true });
});

describe('the deployment files', () => {
	const keys = (() => {
		const src = fs.readFileSync(path.join(ROOT, 'src/web/site.c'), 'utf8');
		const table = /static const struct ckey ckeys\[\] = \{([\s\S]*?)\n\};/.exec(src);
		return table ? [...table[1].matchAll(/\{"([a-z_]+)",\s*C_/g)].map((m) => m[1]) : [];
	})();

	test('deploy/nginx/yingcai.conf passes nginx -t (with throwaway certificates)', () => {
		const r = spawnSync(path.join(ROOT, 'deploy/nginx/check-site'), [], { encoding: 'utf8', timeout: 60000 });
		assert.equal(r.status, 0, `deploy/nginx/check-site failed:\n${r.stdout}${r.stderr}`);
		assert.match(r.stdout, /test is successful/);
	});

	test('nginx rate-limits every account form a password is hashed for (login, register, reset)', () => {
		const conf = fs.readFileSync(path.join(ROOT, 'deploy/nginx/yingcai.conf'), 'utf8');
		const limited = [...conf.matchAll(/location ~ (\S+) \{([^}]*)\}/g)]
			.filter((m) => /limit_req zone=yingcai_auth/.test(m[2])).map((m) => new RegExp(m[1]));
		assert.ok(limited.length > 0, 'no location of deploy/nginx/yingcai.conf uses the yingcai_auth zone');
		const forms = routeTable().filter((r) => r.methods.includes('POST') &&
			/^(login|register|password)\./.test(r.name));
		assert.ok(forms.length >= 4, `only ${forms.length} account forms in the route table`);
		for (const r of forms) {
			const p = r.pattern.replace(/\{[a-z]+\}/g, 'A'.repeat(43));
			assert.ok(limited.some((re) => re.test(p)),
				`POST ${r.pattern} (${r.name}) is not rate-limited by nginx: anyone could make the server hash passwords without end`);
		}
	});

	test('every key of src/web/site.c is in docs/deploy.md and deploy/yingcai.conf.example', () => {
		assert.ok(keys.length >= 15, `only ${keys.length} keys found in src/web/site.c's ckeys[]`);
		const doc = fs.readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
		const example = fs.readFileSync(path.join(ROOT, 'deploy/yingcai.conf.example'), 'utf8');
		const undocumented = keys.filter((k) => !new RegExp(`^\\| \`${k}\` \\|`, 'm').test(doc));
		const missing = keys.filter((k) => !new RegExp(`^(# )?${k} = `, 'm').test(example));
		assert.deepEqual(undocumented, [], 'keys without a row in the table of docs/deploy.md');
		assert.deepEqual(missing, [], 'keys without a line in deploy/yingcai.conf.example');
		const unknown = [...example.matchAll(/^([a-z_]+) = /gm)].map((m) => m[1]).filter((k) => !keys.includes(k));
		assert.deepEqual(unknown, [], 'keys in the example that yingcai does not know');
	});

	test('yingcai serve starts with deploy/yingcai.conf.example', async () => {
		const dir = fs.mkdtempSync(path.join(T, 'example-'));
		const child = spawn(binary(), ['serve', '--config', path.join(ROOT, 'deploy/yingcai.conf.example'),
			'--listen', '127.0.0.1:0', '--db', `sqlite:${dir}/y.db`, '--data', dir, '--share', ROOT,
			'--policy', path.join(ROOT, 'policy')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '', err = '';
		child.stdout.on('data', (d) => { out += d; });
		child.stderr.on('data', (d) => { err += d; });
		const exit = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
		for (const t0 = Date.now(); !/serving on/.test(out) && child.exitCode === null && Date.now() - t0 < 30000;)
			await sleep(50);
		const serving = /serving on/.test(out);
		child.kill('SIGTERM');
		const e = await exit;
		assert.ok(serving, `the example configuration is refused:\n${err}`);
		assert.equal(e.code, 0, err);
	});
});

describe(`two servers behind nginx share one ${BACKEND} database`, () => {
	test('requests through nginx take turns between both servers, logged with the client\'s address', async () => {
		need();
		const [a0, b0] = [accessLog(A).length, accessLog(B).length];
		const c = new LocalClient(nginx.url, { localAddress: '127.0.0.21' });
		for (let i = 0; i < 8; i++)
			assert.equal((await c.get('/healthz')).status, 200);
		const isMine = (l) => l.path === '/healthz' && l.remote === '127.0.0.21';
		const a = await logLines(A, a0, isMine, 3);
		const b = await logLines(B, b0, isMine, 3);
		assert.equal(a.length + b.length, 8, `8 requests through nginx, ${a.length} + ${b.length} logged with remote 127.0.0.21 ` +
			`(the address nginx saw, from X-Forwarded-For): ${JSON.stringify(accessLog(A).slice(a0).concat(accessLog(B).slice(b0)).slice(0, 3))}`);
		assert.ok(a.length >= 3 && b.length >= 3, `nginx should spread requests over both servers: ${a.length} and ${b.length}`);
	});

	test('a session made through nginx is valid on each server', async () => {
		need();
		const c = new LocalClient(nginx.url, { localAddress: '127.0.0.22' });
		const r = await c.login(email('applicant'), PASSWORD);
		assert.equal(r.status, 303, `login through nginx: ${r.status}`);
		const [a0, b0] = [accessLog(A).length, accessLog(B).length];
		for (let i = 0; i < 6; i++)
			assert.equal((await c.get('/dashboard')).status, 200, `request ${i + 1} to /dashboard lost the session`);
		const mine = (l) => l.path === '/dashboard' && l.status === 200 && l.user > 0;
		assert.ok((await logLines(A, a0, mine)).length > 0 && (await logLines(B, b0, mine)).length > 0,
			'both servers should have answered the logged-in dashboard');
		for (const s of [A, B]) {
			const direct = new LocalClient(s.url);
			direct.cookies = new Map(c.cookies);
			assert.equal((await direct.get('/dashboard')).status, 200, `the session cookie is not valid on ${s.url}`);
		}
	});

	test('a CSRF token issued by one server is accepted by the other', async () => {
		need();
		const c = new LocalClient(A.url);
		assert.equal((await c.get('/login')).status, 200);
		const fromA = c.csrf;
		assert.ok(fromA, 'the login form of server A has a CSRF token');
		c.base = B.url;
		const forged = await c.post('/login', { email: email('registry'), password: PASSWORD, csrf: 'x'.repeat(fromA.length) });
		assert.equal(forged.status, 403, 'server B must refuse a wrong token (else this test proves nothing)');
		c.csrf = fromA;
		const r = await c.post('/login', { email: email('registry'), password: PASSWORD }, { csrf: true });
		assert.equal(r.status, 303, `server B refused server A's token: ${r.status}`);
		c.base = A.url;
		assert.equal((await c.get('/dashboard')).status, 200, 'the login made on B is valid on A');
		assert.ok(c.csrf, 'a page on A carries the new session\'s token');
		c.base = B.url;
		assert.equal((await c.post('/logout', {}, { csrf: true })).status, 303, 'B refused the logout token of A\'s page');
		c.base = A.url;
		assert.equal((await c.get('/dashboard')).status, 303, 'logged out on B, still logged in on A');
	});

	test('failed logins through both servers count together', async () => {
		need();
		const c = new LocalClient(nginx.url, { localAddress: '127.0.0.23' });
		await c.get('/login');
		const [a0, b0] = [accessLog(A).length, accessLog(B).length];
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
			const r = await c.post('/login', { email: email('reviewer'), password: `wrong-${i}` }, { csrf: true });
			assert.equal(r.status, 422, `failed login ${i + 1}`);
		}
		const failed = (l) => l.path === '/login' && l.method === 'POST' && l.status === 422 && l.remote === '127.0.0.23';
		const fa = await logLines(A, a0, failed), fb = await logLines(B, b0, failed);
		assert.ok(fa.length > 0 && fb.length > 0, `the failures should have reached both servers: ${fa.length} and ${fb.length}`);
		const r = await c.post('/login', { email: email('reviewer'), password: PASSWORD }, { csrf: true });
		assert.equal(r.status, 429, `after ${LOGIN_MAX_FAILURES} failures on two servers the right password should be refused`);
		for (const s of [A, B]) {
			const d = new LocalClient(s.url, { localAddress: '127.0.0.24' });
			await d.get('/login');
			const rr = await d.post('/login', { email: email('reviewer'), password: PASSWORD }, { csrf: true });
			assert.equal(rr.status, 429, `${s.url} lets the throttled account in`);
		}
	});

	test('the throttle counts the forwarded client: two clients behind nginx are throttled separately', async () => {
		need();
		const x = new LocalClient(nginx.url, { localAddress: '127.0.0.31' });
		const y = new LocalClient(nginx.url, { localAddress: '127.0.0.32' });
		await x.get('/login');
		for (let i = 0; i < IP_LIMIT; i++) {
			const r = await x.post('/login', { email: `nobody-${i}@cluster.yingcai.example`, password: 'wrong-password' }, { csrf: true });
			assert.equal(r.status, 422, `failed login ${i + 1} of client x`);
		}
		const rx = await x.post('/login', { email: email('expert'), password: PASSWORD }, { csrf: true });
		assert.equal(rx.status, 429, `client x tried ${IP_LIMIT} accounts: its address should be throttled`);
		const ry = await y.login(email('expert'), PASSWORD);
		assert.equal(ry.status, 303, 'client y (another address behind the same nginx) must not be throttled for x');
	});

	test('a spoofed X-Forwarded-For is ignored: sent straight to a server, or through nginx', async () => {
		need();
		// Straight to server A from 127.0.0.41, which is no trusted proxy.
		const a0 = accessLog(A).length;
		const z = new LocalClient(A.url, { localAddress: '127.0.0.41' });
		await z.get('/login', { headers: { 'x-forwarded-for': '203.0.113.50' } });
		const logged = await logLines(A, a0, (l) => l.path === '/login');
		assert.deepEqual(logged.map((l) => l.remote), ['127.0.0.41'], 'the log should show the connection\'s address');
		for (let i = 0; i < IP_LIMIT; i++) {
			const r = await z.post('/login', { email: `spoof-${i}@cluster.yingcai.example`, password: 'wrong-password' },
				{ csrf: true, headers: { 'x-forwarded-for': `203.0.113.${100 + i}` } });
			assert.equal(r.status, 422, `failed login ${i + 1}`);
		}
		const rz = await z.post('/login', { email: email('officer'), password: PASSWORD },
			{ csrf: true, headers: { 'x-forwarded-for': '203.0.113.99' } });
		assert.equal(rz.status, 429, 'a new X-Forwarded-For on each try must not escape the throttle');
		// Through nginx: what the client wrote is left of what nginx appends.
		const b0 = [accessLog(A).length, accessLog(B).length];
		const w = new LocalClient(nginx.url, { localAddress: '127.0.0.42', headers: { 'x-forwarded-for': '203.0.113.60' } });
		for (let i = 0; i < 2; i++)
			assert.equal((await w.get('/healthz')).status, 200);
		let seen = [];
		for (const t0 = Date.now(); seen.length < 2 && Date.now() - t0 < 2000; await sleep(25))
			seen = accessLog(A).slice(b0[0]).concat(accessLog(B).slice(b0[1]))
				.filter((l) => l.path === '/healthz').map((l) => l.remote);
		assert.deepEqual(seen, ['127.0.0.42', '127.0.0.42'], 'nginx\'s client, not the one it claims to forward');
	});

	test('cookies are Secure when the trusted proxy says the client is on HTTPS, and only then', async () => {
		need();
		const secure = async (base, localAddress, proto) => {
			const c = new LocalClient(base, { localAddress, headers: proto ? { 'x-forwarded-proto': proto } : {} });
			const r = await c.get('/login');
			const sc = r.setCookies.map(parseSetCookie).find((k) => k.name === 'yc_session');
			assert.ok(sc, `no session cookie from ${base} (${localAddress})`);
			return sc.attrs.secure === true;
		};
		assert.equal(await secure(A.url, '127.0.0.1', 'https'), true, 'the trusted proxy (127.0.0.1) says https: Secure');
		assert.equal(await secure(A.url, '127.0.0.1', 'http'), false, 'the trusted proxy says http: no Secure');
		assert.equal(await secure(B.url, '127.0.0.43', 'https'), false, 'an untrusted client saying https is not believed');
		// nginx on plain HTTP sends its own X-Forwarded-Proto: http.
		assert.equal(await secure(nginx.url, '127.0.0.43', 'https'), false, 'nginx must replace the client\'s X-Forwarded-Proto');
	});

	test('with one server stopped, the other goes on with the same session', async () => {
		need();
		const c = new LocalClient(nginx.url, { localAddress: '127.0.0.51' });
		assert.equal((await c.login(email('approver'), PASSWORD)).status, 303);
		await stopAndCheck(B, assert); // SIGTERM: a graceful stop, exit 0
		B.stopped = true;
		for (let i = 0; i < 6; i++)
			assert.equal((await c.get('/dashboard')).status, 200, `request ${i + 1} after server B stopped`);
		const out = await c.post('/logout', {}, { csrf: true });
		assert.equal(out.status, 303, 'a form posted after the stop (CSRF token from before) should work');
		assert.equal((await c.get('/dashboard')).status, 303, 'logged out');
	});
});
