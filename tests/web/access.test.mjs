// access.test.mjs - who may see and change a saved application when the id
// in the URL is someone else's (IDOR), on the backend scripts/run-tests asks
// for (YINGCAI_WEB_BACKEND):
//   - an HR officer (employer) or an applicant who changes the id gets the
//     very page a missing id gets (404): nothing read, nothing changed, not
//     even whether the application exists;
//   - roles that are not to read applications (expert, officer, registry,
//     inspector) are refused (403) and see nothing of it;
//   - reviewers, approvers and system administrators read it, read-only,
//     and cannot change it;
//   - a dashboard lists only its owner's applications.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startServer, stopAndCheck, Client, PASSWORD, newDraft } from './server.mjs';

let srv;

before(async () => {
	srv = await startServer();
	if (srv.usersError)
		throw new Error(srv.usersError);
});

after(async () => {
	if (srv)
		await stopAndCheck(srv, assert);
});

const uniq = (who) => `${who}-${crypto.randomBytes(4).toString('hex')}@test.yingcai.example`;

async function as(role) {
	const c = new Client(srv.url, { headers: { 'accept-language': 'en' } });
	const r = await c.login(srv.users[role].email, PASSWORD);
	assert.equal(r.status, 303, `logging in as ${role}: ${r.status}`);
	return c;
}

/* registered: a new account of role (applicant or employer), logged in. */
async function registered(role) {
	const c = new Client(srv.url, { headers: { 'accept-language': 'en' } });
	await c.get('/register');
	const r = await c.post('/register', { role, name: `Other ${role}`, email: uniq(role),
		password: PASSWORD }, { csrf: true });
	assert.equal(r.status, 303, `registering another ${role}: ${r.status}`);
	return c;
}

/* editForm: the owner's edit form as [name, value] pairs. */
async function editForm(c, id) {
	const r = await c.get(`/applications/${id}/edit`);
	assert.equal(r.status, 200, `the owner's edit page: ${r.status}`);
	return [...r.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)]
		.map((m) => [m[1], m[2]]);
}

const withField = (form, k, v) => Object.fromEntries([...form.filter(([n]) => n !== k), [k, v]]);
const page = (r) => r.text.replace(/name="csrf" value="[^"]*"/g, 'CSRF')
	.replace(/\/applications\/\d+/g, '/applications/ID');

describe('an application whose id is in the URL', () => {
	let ids, owners;

	before(async () => {
		owners = { applicant: await as('applicant'), employer: await as('employer') };
		ids = { applicant: await newDraft(owners.applicant), employer: await newDraft(owners.employer) };
	});

	test('another employer or applicant gets what a missing id gets, and changes nothing', async () => {
		const missing = String(Number(ids.employer) + 1000);
		for (const role of ['employer', 'applicant']) {
			const other = await registered(role);
			const none = await other.get(`/applications/${missing}`);
			assert.equal(none.status, 404);
			for (const [whose, id] of Object.entries(ids)) {
				const r = await other.get(`/applications/${id}`);
				assert.equal(r.status, 404, `another ${role} opening the ${whose}'s application: ${r.status}`);
				assert.equal(page(r), page(none), `another ${role}: the page must not tell that the ${whose}'s application exists`);
				assert.ok(!r.text.includes('Example Technology'), 'nothing of the application is shown');
				assert.equal((await other.get(`/applications/${id}/edit`)).status, 404,
					`another ${role} opening the ${whose}'s edit form`);
				await other.get('/dashboard');
				const form = withField(await editForm(owners[whose], id), 'salary', '1');
				form.csrf = other.csrf;
				const w = await other.post(`/applications/${id}/edit`, form);
				assert.equal(w.status, 404, `another ${role} changing the ${whose}'s application: ${w.status}`);
				const still = await owners[whose].get(`/applications/${id}`);
				assert.ok(still.text.includes('900,000'), `the ${whose}'s salary is still 900,000`);
			}
			const dash = await other.get('/dashboard');
			for (const id of Object.values(ids))
				assert.ok(!dash.text.includes(`/applications/${id}"`), `another ${role}'s dashboard lists application ${id}`);
		}
	});

	test('experts, officers, registry and inspectors are refused; reviewers read without changing', async () => {
		const id = ids.employer;
		for (const role of ['expert', 'officer', 'registry', 'inspector']) {
			const c = await as(role);
			const r = await c.get(`/applications/${id}`);
			assert.equal(r.status, 403, `${role} reading an application: ${r.status}`);
			assert.ok(!r.text.includes('Example Technology'), `${role}: nothing of the application is shown`);
			assert.equal((await c.get(`/applications/${id}/edit`)).status, 403, `${role} opening the edit form`);
		}
		for (const role of ['reviewer', 'approver', 'sysadmin']) {
			const c = await as(role);
			const r = await c.get(`/applications/${id}`);
			assert.equal(r.status, 200, `${role} reading an application: ${r.status}`);
			assert.ok(!r.text.includes(`/applications/${id}/edit"`), `${role}: no link to change it`);
			assert.equal((await c.get(`/applications/${id}/edit`)).status, 403, `${role} opening the edit form`);
			const form = withField(await editForm(owners.employer, id), 'salary', '1');
			form.csrf = c.csrf;
			assert.equal((await c.post(`/applications/${id}/edit`, form)).status, 403, `${role} changing it`);
		}
		assert.ok((await owners.employer.get(`/applications/${id}`)).text.includes('900,000'),
			'the application is unchanged');
	});
});

describe('the edit form', () => {
	test('says when an idle session ends, so that typing is saved in time', async () => {
		const c = await as('applicant');
		const id = await newDraft(c);
		const r = await c.get(`/applications/${id}/edit?lang=en`);
		assert.equal(r.status, 200);
		// the default session_idle_seconds, 1800
		assert.match(r.text, /signed out after 30 minutes without activity/);
	});
});
