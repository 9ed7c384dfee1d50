// pages.test.mjs - what public pages say, where the screenshots showed a
// page saying something wrong: the words of another field or another
// language where the visitor's own belong.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, stopAndCheck, Client, decodeEntities, words, LOCALE } from './server.mjs';

let srv;
before(async () => { srv = await startServer({ users: false }); });
after(async () => { if (srv) await stopAndCheck(srv, assert); });

const CJK = /[\u4e00-\u9fff]/;

describe('the qualification catalog', () => {
	for (const lang of ['zh', 'en']) {
		test(`a result shows a corresponding title only when the catalog gives one (${lang})`, async () => {
			const w = words(LOCALE[lang]);
			const r = await new Client(srv.url).get(`/catalog?q=IEEE&lang=${lang}`);
			assert.equal(r.status, 200);
			const text = decodeEntities(r.text);
			const titles = new Set(Object.entries(w).filter(([k]) => k.startsWith('title_corr_')).map(([, v]) => v));
			const re = new RegExp(`<p>${w.catalog_title_corr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*([^<]*)</p>`, 'g');
			for (const m of text.matchAll(re))
				assert.ok(titles.has(m[1].trim()), `"${w.catalog_title_corr} ${m[1].trim()}" is not a professional title`);
		});
	}
});

describe('the qualification catalog: an urgently-in-demand entry', () => {
	test('shows the international list\'s services too (catalog I.(II): "also eligible")', async () => {
		const r = await new Client(srv.url).get('/catalog?q=IEEE%20Fellow&lang=en');
		assert.equal(r.status, 200);
		const text = decodeEntities(r.text);
		assert.ok(text.includes('List of Urgently-in-Demand International Professional Qualifications'));
		assert.ok(text.includes('List of International Professional Qualifications'),
			'the international list whose services urgent-list holders also have');
		assert.ok(text.includes('Overseas work experience counts as equivalent'),
			'a service of the international list');
	});
});

describe('the employer lookup explains an invalid code in the page language', () => {
	for (const code of ['91110108551385O82Q', '91110108551385082A', '9111010855138508']) {
		test(`${code} in Chinese`, async () => {
			const r = await new Client(srv.url).get(`/enterprises?uscc=${code}&lang=zh`);
			assert.equal(r.status, 200);
			const m = /<span class="error" id="uscc-error">([^<]*)<\/span>/.exec(r.text);
			assert.ok(m, 'no explanation at the field');
			const why = decodeEntities(m[1]).replace(words('zh_CN').enterprises_invalid, '').trim();
			assert.ok(CJK.test(why), `the reason is not in Chinese: "${why}"`);
		});
	}
});

describe('the home page counts its deadlines in words that agree with the number', () => {
	test('"1 calendar month" and "5 working days" (English)', async () => {
		const r = await new Client(srv.url).get('/?lang=en');
		assert.equal(r.status, 200);
		const text = decodeEntities(r.text.replace(/<[^>]*>/g, ''));
		assert.match(text, /\b1 calendar month\b(?!s)/);
		assert.doesNotMatch(text, /\b1 (calendar months|working days)\b/);
		assert.match(text, /\b5 working days\b/);
	});
});
