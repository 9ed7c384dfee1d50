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

describe('the qualification catalog speaks the visitor\'s language', () => {
	for (const lang of ['zh', 'de']) {
		test(`list names and benefits in ${lang}; what stays English (names, clauses) is marked`, async () => {
			const w = words(LOCALE[lang]);
			const r = await new Client(srv.url).get(`/catalog?q=IEEE%20Fellow&lang=${lang}`);
			assert.equal(r.status, 200);
			const text = decodeEntities(r.text);
			assert.ok(text.includes(`<h4>${w.catalog_list_urgent}</h4>`), 'the urgent list by its name');
			assert.ok(text.includes(`<h4>${w.catalog_list_international}</h4>`), 'the international list by its name');
			const items = [...text.matchAll(/<li( lang="en")?>([^<]*)<\/li>/g)];
			assert.ok(items.length >= 13, `${items.length} benefits`);
			for (const [, en, item] of items) {
				assert.equal(en, undefined, `a benefit left in English: "${item}"`);
				if (lang === 'zh')
					assert.ok(CJK.test(item), `not Chinese: "${item}"`);
			}
			assert.match(r.text, /<h3 lang="en">IEEE Fellow<\/h3>/);
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

describe('a result speaks the visitor\'s language: reasons, answers, levels and advice', () => {
	const strong = {
		birth_date: '1984-05-17', nationality: 'DEU', education: 'doctorate', position: 'director',
		title: 'senior', years_work: '12', years_china: '4', visibility: 'listed', salary: '900000',
		social_duty: 'none', employer: 'X', uscc: '91110108551385082Q', key_entity: 'yes',
		sector: 'finance', revenue: '2000000', tax: '200000', jobs: '30',
	};
	// out of reach even with the experts' maximum: the advice names levels
	const weak = { ...strong, education: 'bachelor', title: 'intermediate', years_work: '4',
		       years_china: '1', visibility: 'other', salary: '200000', sector: 'other' };
	const page = async (lang, answers = strong) => {
		const q = new URLSearchParams(answers);
		const r = await new Client(srv.url).get(`/self-check/two-zones/result?${q}&lang=${lang}`);
		assert.equal(r.status, 200);
		return r.text;
	};
	const whys = (html) => [...html.matchAll(/<p class="sc-why"( lang="en")?>([^<]*)<\/p>/g)]
		.map((m) => ({ en: !!m[1], text: decodeEntities(m[2]) }));
	const detail = (html, dt) => [...html.matchAll(new RegExp(`<dt>${dt}</dt><dd( lang="en")?>([^<]*)</dd>`, 'g'))]
		.map((m) => ({ en: !!m[1], text: decodeEntities(m[2]) }));

	for (const lang of ['zh', 'de']) {
		test(lang, async () => {
			const w = words(LOCALE[lang]);
			const html = await page(lang);
			const reasons = whys(html);
			assert.equal(reasons.length, 2, 'the two criteria of two-zones');
			for (const r of reasons)
				assert.ok(!r.en, `a reason marked English: "${r.text}"`);
			// "director-level position or above: met (director)", in its words
			const profile = reasons[1].text;
			for (const part of [w['director-level position or above'], w.why_met, w.sc_o_position_director])
				assert.ok(profile.includes(part), `"${profile}" lacks "${part}"`);
			assert.doesNotMatch(reasons.map((r) => r.text).join(' '), /\bmet\b|director-level/);

			const answers = detail(html, w.sc_input), levels = detail(html, w.sc_level);
			assert.ok(answers.some((a) => a.text === w.sc_o_education_doctorate),
				`the education answer is not "${w.sc_o_education_doctorate}"`);
			assert.ok(levels.some((l) => l.text === w.doctorate), `no level "${w.doctorate}"`);
			for (const d of [...answers, ...levels])
				assert.ok(!d.en, `"${d.text}" is marked English`);
			assert.doesNotMatch(answers.map((a) => a.text).join(' '), /doctorate|title:|catalog:/);

			const advice = decodeEntities(/<ul class="sc-advice">([\s\S]*?)<\/ul>/.exec(await page(lang, weak))?.[1] ?? '');
			assert.ok(advice.includes(w['6x the average wage or more']), `advice in other words: ${advice}`);
		});
	}

	test('en: the same words as the policy, and the answers as the questions word them', async () => {
		const w = words('en');
		const html = await page('en');
		const profile = whys(html)[1].text;
		assert.equal(profile, 'director-level position or above, associate-senior title or above, head of a '
			+ `major project, or talent in a field of urgent need — director-level position or above: met (${w.sc_o_position_director})`);
		assert.ok(detail(html, w.sc_level).some((l) => l.text === 'doctorate'));
	});
});

describe('the home page gives each programme\'s points for attention from its notice', () => {
	for (const lang of ['zh', 'en', 'de']) {
		test(lang, async () => {
			const w = words(LOCALE[lang]);
			const r = await new Client(srv.url).get(`/?lang=${lang}`);
			assert.equal(r.status, 200);
			const cards = decodeEntities(r.text).split('<section class="card"');
			const card = (id) => cards.find((c) => c.includes(`aria-labelledby="prog-${id}"`)) ?? '';
			const notes = (c) => [...(/<details class="notes">[\s\S]*?<\/details>/.exec(c)?.[0] ?? '')
				.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
			assert.deepEqual(notes(card('two-zones')),
				['interview', 'translation_seals', 'originals'].map((id) => w[`note_two-zones_${id}`]));
			assert.deepEqual(notes(card('zgc')),
				['embassy_certification', 'translation_seal', 'a4_copies', 'chinese_name',
				 'household_registration'].map((id) => w[`note_zgc_${id}`]));
			assert.deepEqual(notes(card('urgent')), [], 'the urgent measures have no such notes');
			if (lang !== 'en')
				assert.doesNotMatch(notes(card('zgc')).join(' '), /photocop|household/i);
		});
	}
});

describe('the hint about unknown answers fits the programme', () => {
	for (const lang of ['zh', 'en']) {
		test(`urgent has no points, so no range of points (${lang})`, async () => {
			const w = words(LOCALE[lang]);
			const hint = async (prog) => decodeEntities(/<p class="hint">([^<]*)<\/p>/.exec(
				(await new Client(srv.url).get(`/self-check/${prog}?lang=${lang}`)).text)?.[1] ?? '');
			assert.equal(await hint('urgent'), w.sc_unknown_ok_unscored);
			assert.equal(await hint('two-zones'), w.sc_unknown_ok);
		});
	}
});

describe('every number on the home page opens to its clause', () => {
	test('window, points needed, deadlines and fees (zh)', async () => {
		const r = await new Client(srv.url).get('/?lang=zh');
		assert.equal(r.status, 200);
		const cards = decodeEntities(r.text).split('<section class="card"');
		const sources = (id) => {
			const c = cards.find((x) => x.includes(`aria-labelledby="prog-${id}"`)) ?? '';
			const dl = /<details class="sources">[\s\S]*?<\/details>/.exec(c)?.[0] ?? '';
			return [...dl.matchAll(/<dt>([^<]*)<\/dt><dd lang="en">([^<]*)<\/dd>/g)].map((m) => [m[1], m[2]]);
		};
		const tz = sources('two-zones');
		assert.ok(tz.some(([w, s]) => w.includes('2025年11月27日') && s.includes('Application Period')), 'the window');
		assert.ok(tz.some(([w, s]) => w.includes('70.00') && s.includes('70 points or above')), 'the threshold');
		assert.ok(tz.some(([w, s]) => w.includes('1 个自然月') && s.includes('within one month')), 'the deadline');
		const zgc = sources('zgc');
		assert.ok(zgc.some(([w, s]) => w.includes('¥1,500') && s.includes('CNY 1,500')), 'the first fee');
		assert.equal(zgc.filter(([w]) => /¥/.test(w)).length, 4, 'every fee');
		const urgent = sources('urgent');
		assert.equal(urgent.filter(([w]) => /工作日/.test(w)).length, 2, 'both deadlines in working days');
	});
});

describe('labels and values are joined as each language writes them', () => {
	test('Chinese uses the full-width colon, English ": " (the home page\'s hotlines and deadlines)', async () => {
		for (const [lang, colon] of [['zh', '：'], ['en', ': ']]) {
			const html = (await new Client(srv.url).get(`/?lang=${lang}`)).text;
			const hotlines = [...html.matchAll(/<li>([^<]*)<a href="tel:/g)].map((m) => m[1]);
			assert.ok(hotlines.length >= 5, `hotlines (${lang})`);
			for (const h of hotlines)
				assert.ok(h.endsWith(colon), `"${h}" (${lang}) does not end in "${colon}"`);
			assert.match(html, new RegExp(`<li>[^<]*${colon}<strong>`), `a deadline (${lang})`);
		}
	});
});

describe('a wrong answer is named in the error, a huge one cut', () => {
	const step = (v) => `/self-check/urgent?lang=en&go=next&from=3&employer=X&uscc=91110108551385082Q&beijing=${encodeURIComponent(v)}`;
	const error = async (v) => decodeEntities(/id="field-beijing-error">([^<]*)</.exec(
		(await new Client(srv.url).get(step(v))).text)?.[1] ?? '');
	test('the field and the value typed', async () => {
		const e = await error('maybe');
		assert.ok(e.includes('“maybe”') && e.includes('Is the employer registered in Beijing'), e);
	});
	test('5,000 characters: the first 60 and an ellipsis; a cut never splits a character', async () => {
		assert.ok((await error('x'.repeat(5000))).includes(`“${'x'.repeat(60)}…”`));
		const e = await error('北'.repeat(100));
		assert.ok(e.includes(`“${'北'.repeat(60)}…”`), e);
	});
	test('empty: not answered, no error', async () => {
		assert.equal(await error(''), '');
	});
});
