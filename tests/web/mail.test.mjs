// mail.test.mjs - mail delivery against a real SMTP server (nodemailer's
// smtp-server, on 127.0.0.1), on the backend scripts/run-tests asks for
// (YINGCAI_WEB_BACKEND):
//   - a password reset asked for through the form arrives at the SMTP
//     server as a proper mail (RFC 5322 headers, the Chinese subject in
//     RFC 2047 words, CRLF, base64 text) with an absolute link, and the
//     link works;
//   - with the SMTP server down the mail stays in the outbox, the failed
//     attempt is recorded and shown to the administrator, and the mail is
//     sent once the server is back (retry), exactly once;
//   - a second server on the same database delivers too, and no mail is
//     ever sent twice;
//   - `yingcai mail test` sends a test mail with the same settings, and
//     names the setting at fault when it cannot.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';

import { startServer, stopAndCheck, Client, PASSWORD, emailOf, decodeEntities, words,
	LOCALE, outbox, run, binary } from './server.mjs';

const PUBLIC = 'https://portal.test';
const FROM = 'noreply@test.yingcai.example';
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/* smtp: a real SMTP server on 127.0.0.1:port (0: any); every message it
 * accepted in .mails: {from, to: [...], raw}. */
function smtp(port = 0, mails = []) {
	const server = new SMTPServer({
		authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
		onData(stream, session, cb) {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', () => {
				mails.push({ from: session.envelope.mailFrom.address,
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('latin1') });
				cb();
			});
		},
	});
	return new Promise((res, rej) => {
		server.once('error', rej);
		server.listen(port, '127.0.0.1', () => res({ server, mails, port: server.server.address().port,
			close: () => new Promise((r) => server.close(r)) }));
	});
}

/* parse: a raw message into {lines, headers: {name: unfolded value}, body (decoded)}. */
function parse(raw) {
	const sep = raw.indexOf('\r\n\r\n');
	assert.ok(sep > 0, `no blank line after the headers:\n${raw}`);
	const headers = {};
	for (const h of raw.slice(0, sep).replace(/\r\n /g, ' ').split('\r\n')) {
		const i = h.indexOf(':');
		headers[h.slice(0, i).toLowerCase()] = h.slice(i + 1).trim();
	}
	const body = Buffer.from(raw.slice(sep + 4).replace(/\r\n/g, ''), 'base64').toString('utf8');
	return { headers, body };
}

/* decodeWords: an RFC 2047 header value (=?UTF-8?B?...?= words) as text. */
function decodeWords(v) {
	return v.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=\s*/g,
		(m, b) => Buffer.from(b, 'base64').toString('utf8')).trim();
}

async function forgot(srv, email, lang = 'zh') {
	const c = new Client(srv.url, { headers: { 'accept-language': lang } });
	await c.get('/password/forgot');
	const r = await c.post('/password/forgot', { email }, { csrf: true });
	assert.equal(r.status, 200, `the forgot-password form: ${r.status}`);
}

/* until: wait for f() to be truthy (polling), at most ms; its value. */
async function until(what, f, ms = 30000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await f();
		if (v)
			return v;
		if (Date.now() > end)
			assert.fail(`waited ${ms / 1000} s for ${what}`);
		await sleep(100);
	}
}

async function panel(srv, lang = 'en') {
	const c = new Client(srv.url, { headers: { 'accept-language': lang } });
	assert.equal((await c.login(emailOf('sysadmin'), PASSWORD)).status, 303);
	const r = await c.get(`/dashboard?lang=${lang}`);
	const m = /<section class="panel" aria-labelledby="sys-title">([\s\S]*?)<\/section>/.exec(r.text);
	assert.ok(m, 'the system administrator sees the System panel');
	return decodeEntities(m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
}

const rowsTo = (srv, email) => outbox(srv).filter((m) => m.recipient === email);

describe('mail delivery through a real SMTP server', () => {
	let srv, mx;

	before(async () => {
		mx = await smtp();
		srv = await startServer({ config: {
			smtp_url: `smtp://127.0.0.1:${mx.port}`, smtp_from: FROM, public_url: `${PUBLIC}/`,
			mail_interval_seconds: 1, mail_retry_seconds: 1, smtp_timeout_seconds: 10,
			account_forms_max_attempts: 1000,
		} });
	});
	after(async () => {
		if (srv)
			await stopAndCheck(srv, assert);
		if (mx)
			await mx.close();
	});

	test('a reset link arrives as a proper mail, and the link in it works', async () => {
		const to = emailOf('applicant');
		await forgot(srv, to);
		const mail = await until('the mail at the SMTP server', () => mx.mails.find((m) => m.to.includes(to)));
		assert.equal(mail.from, FROM, 'MAIL FROM is smtp_from');
		assert.deepEqual(mail.to, [to], 'RCPT TO is the account only');
		assert.ok(!/[^\r]\n|\r[^\n]/.test(mail.raw), 'every line ends with CRLF');
		for (const line of mail.raw.split('\r\n'))
			assert.ok(line.length <= 78, `a line longer than 78: ${line}`);
		const { headers, body } = parse(mail.raw);
		assert.equal(headers.from, `<${FROM}>`);
		assert.equal(headers.to, `<${to}>`);
		assert.ok(!Number.isNaN(Date.parse(headers.date)) &&
			Math.abs(Date.parse(headers.date) - Date.now()) < 120000, `Date: ${headers.date}`);
		assert.match(headers['message-id'], /^<outbox-\d+\.\d+@test\.yingcai\.example>$/);
		assert.equal(headers['mime-version'], '1.0');
		assert.equal(headers['content-type'], 'text/plain; charset=UTF-8');
		assert.equal(headers['content-transfer-encoding'], 'base64');
		assert.match(headers.subject, /^=\?UTF-8\?B\?/, 'a Chinese subject is RFC 2047 encoded');
		assert.equal(decodeWords(headers.subject), words(LOCALE.zh).mail_reset_subject);
		const link = new RegExp(`${PUBLIC.replace(/[.]/g, '\\.')}(/password/reset/[A-Za-z0-9_-]{43})\r\n`).exec(body);
		assert.ok(link, `the mail holds an absolute link on public_url: ${body}`);
		assert.ok(body.startsWith('Test applicant'), 'the mail greets the account by name');

		const c = new Client(srv.url);
		assert.equal((await c.get(link[1])).status, 200, 'the link opens the new-password form');
		const done = await c.post(link[1], { password: 'a brand new password' }, { csrf: true });
		assert.equal(done.status, 303, 'the new password is taken and the user logged in');
		assert.equal((await new Client(srv.url).login(to, 'a brand new password')).status, 303);

		const rows = rowsTo(srv, to);
		assert.equal(rows.length, 1);
		assert.ok(rows[0].sent_at > 0, 'the outbox row is marked sent');
		assert.equal(rows[0].attempts, 1);
		assert.equal(mx.mails.filter((m) => m.to.includes(to)).length, 1, 'sent once');
	});

	test('the SMTP server down: the mail waits, the error is shown, and it goes once the server is back', async () => {
		const to = emailOf('employer');
		const port = mx.port;
		await mx.close();
		await forgot(srv, to, 'en');
		const row = await until('a failed attempt in the outbox', () => {
			const r = rowsTo(srv, to)[0];
			return r && r.attempts >= 1 ? r : null;
		});
		assert.equal(row.sent_at, null, 'not sent while the SMTP server is down');
		assert.equal(row.failed_at, null, 'not given up after one failure');
		assert.match(row.last_error, /connect/i, `the reason: ${row.last_error}`);
		assert.ok(!row.last_error.includes('/password/reset/'), 'the error never holds the link');

		const w = words(LOCALE.en);
		const text = await panel(srv);
		assert.ok(text.includes(`${w.dash_sys_mail} ${w.dash_sys_mail_via} smtp://127.0.0.1:${port}`), text);
		assert.match(text, new RegExp(`${w.dash_sys_mail_waiting} [1-9]`), text);
		assert.ok(text.includes(`${w.dash_sys_mail_last_error} `) && text.includes(`${w.dash_sys_mail_mail} ${row.id}: `),
			`the last error, with the mail's id: ${text}`);
		for (const lang of ['zh', 'de']) {
			const t = await panel(srv, lang);
			const wl = words(LOCALE[lang]);
			assert.ok(t.includes(wl.dash_sys_mail_last_error) && t.includes(wl.dash_sys_mail_waiting), t);
		}
		assert.match(srv.stderr(), new RegExp(`yingcai: mail ${row.id}: attempt 1 failed: .*connect.*; next attempt in`));
		assert.ok(!srv.stderr().includes('/password/reset/'), 'standard error never shows a link');

		mx = await smtp(port, mx.mails);
		const mail = await until('the mail after the SMTP server came back', () =>
			mx.mails.find((m) => m.to.includes(to)), 45000);
		assert.equal(decodeWords(parse(mail.raw).headers.subject), words(LOCALE.zh).mail_reset_subject,
			'in the account\'s language (zh), not the form\'s');
		await until('the outbox row marked sent', () => rowsTo(srv, to)[0].sent_at > 0);
		const sent = rowsTo(srv, to)[0];
		assert.ok(sent.attempts >= 2, `attempts: ${sent.attempts}`);
		assert.equal(sent.last_error, null, 'a sent mail shows no error any more');
		await sleep(1500);
		assert.equal(mx.mails.filter((m) => m.to.includes(to)).length, 1, 'sent exactly once');
	});

	test('yingcai mail test sends with the configured settings, or names the one at fault', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingcai-mail-'));
		const conf = (url, extra = '') => {
			const f = path.join(dir, 'yingcai.conf');
			fs.writeFileSync(f, `smtp_url = ${url}\nsmtp_from = ${FROM}\npublic_url = ${PUBLIC}\n${extra}`);
			return f;
		};
		try {
			// run() (spawnSync) would block this process's SMTP server: execFile
			const before = mx.mails.length;
			const ok = await new Promise((res) => execFile(binary(), ['mail', 'test', '--to',
				'admin@test.yingcai.example', '--config', conf(`smtp://127.0.0.1:${mx.port}`)],
			{ encoding: 'utf8', timeout: 60000 },
			(err, stdout, stderr) => res({ code: err ? err.code : 0, stdout, stderr })));
			assert.equal(ok.code, 0, `exit 0: ${ok.stderr}`);
			assert.match(ok.stdout, /^sent a test mail to admin@test\.yingcai\.example through smtp:\/\/127\.0\.0\.1:\d+/);
			assert.equal(mx.mails.length, before + 1, 'one mail arrived');
			const { headers, body } = parse(mx.mails[before].raw);
			assert.match(decodeWords(headers.subject), /测试邮件 \/ test mail \/ Testnachricht/);
			assert.ok(body.includes('This is a test mail of yingcai'));

			let r = run(['mail', 'test', '--to', 'admin@test.yingcai.example', '--config', conf('smtp://127.0.0.1:1')]);
			assert.equal(r.status, 1);
			assert.match(r.stderr, /not sent to admin@test\.yingcai\.example through smtp:\/\/127\.0\.0\.1:1: .*; check smtp_url\n$/);
			r = run(['mail', 'test', '--to', 'admin@test.yingcai.example', '--config', conf('http://mail.example')]);
			assert.equal(r.status, 1);
			assert.match(r.stderr, /smtp_url: it must start with smtp:\/\/ or smtps:\/\//);
			r = run(['mail', 'test', '--to', 'admin@test.yingcai.example', '--config',
				conf('smtp://127.0.0.1:1', 'smtp_user = yingcai\n')]);
			assert.equal(r.status, 1);
			assert.match(r.stderr, /smtp_user is set but there is no password/);
			const pw = path.join(dir, 'pw');
			fs.writeFileSync(pw, 'Secret-Pa55word\n');
			r = run(['mail', 'test', '--to', 'admin@test.yingcai.example', '--config',
				conf('smtp://127.0.0.1:1', `smtp_user = yingcai\nsmtp_password_file = ${pw}\n`)]);
			assert.equal(r.status, 1);
			assert.ok(!r.stderr.includes('Secret-Pa55word'), 'the password is never shown');
			r = run(['mail', 'test', '--to', 'not an address', '--config', conf('smtp://127.0.0.1:1')]);
			assert.equal(r.status, 2);
			assert.match(r.stderr, /--to: 'not an address' is not an e-mail address/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	test('two servers on one database: every mail is sent, none twice', async () => {
		const other = await startServer({ users: false, shareDb: srv.dbArgs, config: {
			smtp_url: `smtp://127.0.0.1:${mx.port}`, smtp_from: FROM, public_url: PUBLIC,
			mail_interval_seconds: 1, account_forms_max_attempts: 1000,
		} });
		try {
			const roles = ['reviewer', 'expert', 'officer', 'approver', 'registry', 'inspector'];
			const before = mx.mails.length;
			await Promise.all(roles.map((r, i) => forgot(i % 2 ? other : srv, emailOf(r), 'en')));
			await until('every mail', () => roles.every((r) => mx.mails.some((m) => m.to.includes(emailOf(r)))));
			await sleep(2500); // both servers look again
			const ids = mx.mails.slice(before).map((m) => parse(m.raw).headers['message-id']);
			assert.equal(ids.length, roles.length, `one mail per request: ${ids.join(' ')}`);
			assert.equal(new Set(ids).size, ids.length, 'no mail sent twice');
		} finally {
			await stopAndCheck(other, assert);
		}
	});
});

/* blackhole: a TCP server on 127.0.0.1 that takes connections and never
 * answers (an SMTP server hung, or a firewall that lets SYNs through);
 * .connections counts them. */
function blackhole() {
	const sockets = [];
	const server = net.createServer((s) => { sockets.push(s); s.on('error', () => {}); });
	return new Promise((res) => server.listen(0, '127.0.0.1', () => res({
		port: server.address().port, connections: () => sockets.length,
		close: () => new Promise((r) => { sockets.forEach((s) => s.destroy()); server.close(r); }),
	})));
}

describe('stopping the server while a mail is being sent', () => {
	test('SIGTERM during an SMTP exchange that hangs ends the server promptly and cleanly', async () => {
		const hole = await blackhole();
		// the exchange may take smtp_timeout_seconds (60 here, the default);
		// systemd (deploy/systemd, TimeoutStopSec=20s) and srv.stop() kill a
		// server that takes longer than 20 s to stop
		const srv = await startServer({ config: {
			smtp_url: `smtp://127.0.0.1:${hole.port}`, smtp_from: FROM, public_url: PUBLIC,
			mail_interval_seconds: 1, smtp_timeout_seconds: 60,
		} });
		try {
			await forgot(srv, emailOf('applicant'), 'en');
			await until('the mailer connected to the SMTP server', () => hole.connections() > 0);
			await sleep(500);
			const t0 = Date.now();
			await stopAndCheck(srv, assert);
			const took = Date.now() - t0;
			assert.ok(took < 10000, `the server took ${took} ms to stop: it waited for the SMTP exchange`);
		} finally {
			await hole.close();
		}
	});
});
