// countries.test.mjs - nationality by the country's name in the reader's
// language (src/web/countries.h: Debian's iso-codes): the self-check offers
// the countries, takes a name or a code, and pages show the name with the
// code.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, stopAndCheck, Client, PASSWORD, ANSWERS, newDraft, decodeEntities } from './server.mjs';

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

/* step1: the first step of the two-zones self-check answered with
 * nationality v and "next" pressed: the page that answers. */
const step1 = (v, lang = 'en') => new Client(srv.url).get(`/self-check/two-zones?${new URLSearchParams({
	lang, go: 'next', from: '1', birth_date: '1984-05-17', nationality: v, education: 'master' })}`);

const nationError = (r) => decodeEntities(/id="field-nationality-error">([^<]*)</.exec(r.text)?.[1] ?? '');

describe('the nationality field offers the countries by name', () => {
	for (const [lang, germany] of [['zh', '德国'], ['en', 'Germany'], ['de', 'Deutschland']]) {
		test(`in ${lang}: the list names Germany ${germany}, with the code as the value`, async () => {
			const r = await new Client(srv.url).get(`/self-check/two-zones?lang=${lang}`);
			assert.equal(r.status, 200);
			const list = /<input[^>]*id="field-nationality"[^>]*list="([^"]+)"/.exec(r.text)?.[1];
			assert.ok(list, 'the field names its list');
			const options = new RegExp(`<datalist id="${list}">(.*?)</datalist>`, 's').exec(r.text)?.[1] ?? '';
			const byCode = Object.fromEntries([...options.matchAll(/<option value="([A-Z]{3})">([^<]*)<\/option>/g)]
				.map((m) => [m[1], decodeEntities(m[2])]));
			assert.ok(Object.keys(byCode).length > 240, `${Object.keys(byCode).length} countries`);
			assert.equal(byCode.DEU, germany);
			for (const code of ['CHN', 'TWN', 'HKG', 'MAC'])
				assert.ok(!(code in byCode), `${code} is no foreign nationality`);
		});
	}
});

describe('the nationality answer: a name or a code', () => {
	for (const v of ['DEU', 'deu', 'Germany', 'Deutschland', '德国', 'XXA']) {
		test(`"${v}" is taken`, async () => {
			const r = await step1(v);
			assert.equal(nationError(r), '', `"${v}" was refused`);
		});
	}
	test('"GER" (the Olympic code) is refused, naming the field, the value and what to do', async () => {
		const r = await step1('GER');
		const e = nationError(r);
		assert.ok(e.includes('Nationality') && e.includes('“GER”') && e.includes('DEU'), e);
		const zh = nationError(await step1('GER', 'zh'));
		assert.ok(zh.includes('国籍') && zh.includes('“GER”'), zh);
	});
});

describe('a saved application shows the country by name', () => {
	test('typed as 德国, stored as DEU, shown as 德国（DEU） and Germany (DEU)', async () => {
		const c = new Client(srv.url, { headers: { 'accept-language': 'en' } });
		assert.equal((await c.login(srv.users.applicant.email, PASSWORD)).status, 303);
		const id = await newDraft(c, { ...ANSWERS, nationality: '德国' });
		const zh = decodeEntities((await c.get(`/applications/${id}?lang=zh`)).text);
		assert.ok(zh.includes('德国（DEU）'), 'the Chinese page names the country');
		const en = decodeEntities((await c.get(`/applications/${id}?lang=en`)).text);
		assert.ok(en.includes('Germany (DEU)'), 'the English page names the country');
		const edit = (await c.get(`/applications/${id}/edit?lang=en`)).text;
		assert.match(edit, /<input[^>]*name="nationality"[^>]*value="DEU"/, 'the form holds the code');
	});
});
