// system.test.mjs - the system administrator's view of the server, on the
// backend scripts/run-tests asks for (YINGCAI_WEB_BACKEND): the database and
// its schema version, busy transactions run again or given up, and what the
// housekeeping thread last did (docs/deploy.md); nobody else sees it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, stopAndCheck, Client, PASSWORD, emailOf, decodeEntities, words,
	LOCALE } from './server.mjs';

const backend = process.env.YINGCAI_WEB_BACKEND === 'postgresql' ? 'PostgreSQL' : 'SQLite';

/* panel: the text of the "System" panel of `role`'s dashboard in `lang`, or
 * null when there is none. */
async function panel(srv, role, lang = 'en') {
	const c = new Client(srv.url, { headers: { 'accept-language': lang } });
	assert.equal((await c.login(emailOf(role), PASSWORD)).status, 303, `${role} logs in`);
	const r = await c.get(`/dashboard?lang=${lang}`);
	assert.equal(r.status, 200);
	const m = /<section class="panel" aria-labelledby="sys-title">([\s\S]*?)<\/section>/.exec(r.text);
	return m ? decodeEntities(m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')) : null;
}

describe('housekeeping on', () => {
	let srv;
	before(async () => { srv = await startServer({ config: { housekeeping_interval_seconds: 3600 } }); });
	after(async () => { if (srv) await stopAndCheck(srv, assert); });

	test('the system administrator sees the database, the busy counts and the last housekeeping', async () => {
		const w = words(LOCALE.en);
		let text;
		// The first run starts with the server; wait for it to be shown.
		for (let i = 0; i < 50; i++) {
			text = await panel(srv, 'sysadmin');
			if (text && !text.includes(w.dash_sys_hk_never))
				break;
			await new Promise((res) => setTimeout(res, 100));
		}
		assert.ok(text, 'the dashboard should have a System panel');
		assert.ok(text.includes(`${w.dash_sys_database} ${backend} · ${w.dash_sys_schema} `), text);
		assert.match(text, new RegExp(`${w.dash_sys_schema} \\d+ `), 'a schema version');
		assert.match(text, new RegExp(`${w.dash_sys_retries} \\d+ ${w.dash_sys_gave_up.replace(/[()]/g, '\\$&')} \\d+`));
		assert.ok(text.includes(`${w.dash_sys_hk_every} 3600 ${w.dash_sys_seconds}`), text);
		assert.match(text, new RegExp(`${w.dash_sys_hk_last} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(UTC\\+8\\) · ` +
			`${w.dash_sys_hk_removed}: ${w.dash_sys_hk_sessions} \\d+, ${w.dash_sys_hk_throttle} \\d+, ${w.dash_sys_hk_resets} \\d+, ` +
			`${w.dash_sys_hk_mails} \\d+`), text);
		// no smtp_url: delivery is off here, and the outbox is counted
		assert.ok(text.includes(`${w.dash_sys_mail} ${w.dash_sys_mail_off}`), text);
		assert.match(text, new RegExp(`${w.dash_sys_mail_outbox.replace(/[()]/g, '\\$&')} ${w.dash_sys_mail_sent} 0, ` +
			`${w.dash_sys_mail_waiting} 0, ${w.dash_sys_mail_failed} 0`), text);
	});

	test('in Chinese too', async () => {
		const text = await panel(srv, 'sysadmin', 'zh');
		assert.ok(text && text.includes(words(LOCALE.zh).dash_sys_title), text);
	});

	test('nobody else sees it', async () => {
		for (const role of ['reviewer', 'registry', 'applicant'])
			assert.equal(await panel(srv, role), null, `${role} should not see the System panel`);
	});
});

describe('housekeeping off', () => {
	let srv;
	before(async () => { srv = await startServer({ config: { housekeeping_interval_seconds: 0 } }); });
	after(async () => { if (srv) await stopAndCheck(srv, assert); });

	test('the panel says it is off and how to run it instead', async () => {
		const w = words(LOCALE.en);
		const text = await panel(srv, 'sysadmin');
		assert.ok(text && text.includes(w.dash_sys_hk_off), text);
		assert.ok(!text.includes(w.dash_sys_hk_last), 'no last run when it is off');
	});
});
