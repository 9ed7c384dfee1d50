/* gen_apps.c - write N generated applications as JSON Lines to stdout.
 *
 *   gen_apps N [SEED]
 *
 * Each line is one `yingcai-application/1` object (formats.md) of about
 * 1.4 KB, shaped like demo/anna-two-zones.json on one line but varied: birth
 * dates, degrees, positions, salaries, sectors, qualifications, resumes,
 * 1-3 experts and 1-4 documents.  About 80% are two-zones, 10% zgc (both
 * tracks), 10% urgent, so every path of the core is exercised.  Every
 * application is valid: `yingcai evaluate` scores all of them (exit 0).
 *
 * Deterministic: a splitmix64 generator with a fixed seed (override with
 * SEED), so two runs write the same bytes and benchmark runs are comparable.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/uscc.h"

#define SEED_DEFAULT UINT64_C(0x59494e4743414931) /* "YINGCAI1" */
#define LINE_MAX_BYTES 8192

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* below: uniform in [0, n). */
static unsigned below(unsigned n)
{
	return (unsigned)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* between: uniform in [lo, hi]. */
static long between(long lo, long hi)
{
	return lo + (long)(rnd() % (uint64_t)(hi - lo + 1));
}

/* chance: true with probability pct %. */
static int chance(unsigned pct)
{
	return below(100) < pct;
}

#define PICK(arr) ((arr)[below((unsigned)(sizeof(arr) / sizeof((arr)[0])))])

/* ---- one line ---------------------------------------------------------- */

struct line {
	char buf[LINE_MAX_BYTES];
	size_t n;
};

static void put(struct line *l, const char *s)
{
	size_t k = strlen(s);

	if (l->n + k >= sizeof l->buf) {
		fputs("gen_apps: line buffer overflow\n", stderr);
		exit(1);
	}
	memcpy(l->buf + l->n, s, k);
	l->n += k;
}

__attribute__((format(printf, 2, 3)))
static void putf(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(l->buf + l->n, sizeof l->buf - l->n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof l->buf - l->n) {
		fputs("gen_apps: line buffer overflow\n", stderr);
		exit(1);
	}
	l->n += (size_t)k;
}

static void put_bool(struct line *l, const char *key, int v)
{
	putf(l, "\"%s\": %s", key, v ? "true" : "false");
}

/* ---- dates (days since 1970-01-01, proleptic Gregorian) ------------------ */

struct ymd {
	int y, m, d;
};

static struct ymd civil(long z)
{
	long era, doe, yoe, doy, mp;
	struct ymd r;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

static long days(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void put_date(struct line *l, const char *key, long day)
{
	struct ymd c = civil(day);

	putf(l, "\"%s\": \"%04d-%02d-%02d\"", key, c.y, c.m, c.d);
}

/* months as y*12 + (m-1) */
static void put_month(struct line *l, const char *key, int ym)
{
	putf(l, "\"%s\": \"%04d-%02d\"", key, ym / 12, ym % 12 + 1);
}

/* ---- vocabularies -------------------------------------------------------- */

static const char *const first_names[] = {
	"Anna", "Ben", "Chen", "Dana", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
	"Kavya", "Lars", "Maria", "Noah", "Olga", "Pedro", "Quinn", "Rania", "Sven", "Tomoko",
	"Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zofia", "Amara", "Bruno", "Camille", "Dmitri",
};
static const char *const last_names[] = {
	"Example", "Sample", "Okafor", "Morgan", "Schneider", "Dubois", "Tanaka", "Kowalski",
	"Rossi", "Fernandes", "Johansson", "Nakamura", "Haddad", "Petrov", "van der Berg",
	"O'Neill", "Kim", "Singh", "Garcia", "Muller", "Lindqvist", "Moreau", "Yilmaz", "Novak",
};
static const char *const nationalities[] = {
	"DEU", "FRA", "USA", "GBR", "JPN", "KOR", "SGP", "CAN", "AUS", "ITA", "ESP", "NLD",
	"SWE", "BRA", "IND", "NGA", "POL", "TUR",
};
static const char *const educations[] = { "junior-college", "bachelor", "master", "doctorate" };
static const char *const positions[] = { "chief", "director", "deputy-director", "team-lead",
					   "other" };
static const char *const titles[] = { "senior", "associate-senior", "intermediate", "none" };
static const char *const visibilities[] = { "fortune-500", "qs-top-200", "listed",
					     "national-high-tech", "double-first-class", "other" };
static const char *const duties[] = { "international", "national", "municipal", "none" };
static const char *const sectors[] = {
	"science-technology", "internet-information", "finance", "education", "cultural-tourism",
	"elderly-care", "leasing-business-services", "other-service", "other",
};
static const char *const qual_ids[] = {
	"ieee-fellow", "ieee-senior-member", "leed-fellow", "acca-fellow", "acm-fellow",
	"acm-distinguished-member", "rsc-fellow",
};
static const char *const qual_status[] = { "verified", "verified", "verified", "pending",
					    "unverifiable", "revoked" };
static const char *const schools[] = {
	"TU Berlin", "ETH Zurich", "Sciences Po", "MIT", "Imperial College", "Kyoto University",
	"KAIST", "NUS", "University of Toronto", "Politecnico di Milano", "TU Delft", "KTH",
};
static const char *const employers[] = {
	"Siemens, Munich", "Airbus, Toulouse", "Google, Zurich", "Rakuten, Tokyo",
	"Samsung, Seoul", "DBS, Singapore", "Shopify, Ottawa", "ENI, Milan", "ASML, Veldhoven",
	"Ericsson, Stockholm", "Beijing office",
};
static const char *const company_words[] = {
	"Example", "Photonics", "Lotus", "Northgate", "Silk Road", "Harbour", "Quantum",
	"Bluesky", "Evergreen", "Summit", "Jade", "Meridian", "Polaris", "Crane",
};
static const char *const company_kinds[] = {
	"Technology", "Consulting", "Health Management", "Financial Services", "Education",
	"Software", "Trading", "Biotech",
};
static const char *const languages[] = { "zh", "zh", "en", "en", "de", "fr", "ja" };
static const char *const conditions[] = {
	"tax-contribution-2x", "fortune-500", "financial-institution",
	"foreign-investment-or-rd-centre", "research-institution", "hospital",
	"university-or-international-school", "national-high-tech-or-incubator",
	"pilot-programme-project", "four-centres-innovator",
};

static const char *const tz_slots[] = {
	"employer_application_letter", "employer_commitment_letter",
	"personal_commitment_letter", "application_form", "employment_contract", "passport",
	"business_license", "beijing_tax_proof", "work_permit", "education_credentials",
	"china_employment_proof", "work_experience_proof", "compensation_proof",
	"enterprise_certificates", "ip_proof", "honours", "professional_certificates",
};
static const char *const zgc_slots[] = {
	"photos", "digital_photo", "passport_and_residence_permits", "no_criminal_record",
	"medical_certificate", "employment_certificate", "tax_certificates",
	"employer_legal_person_certificate", "university_approval", "work_permit",
	"former_citizenship_documents", "resume",
};
static const char *const urgent_slots[] = {
	"application", "entity_commitment", "registration_form", "applicant_commitment",
	"certification_materials", "education_proof", "work_experience_proof",
	"no_criminal_record",
};

struct judged {
	const char *id;
	int max;
};
static const struct judged tz_judged[] = {
	{ "achievements", 20 }, { "value_contribution", 5 }, { "business_leadership", 25 },
	{ "innovation", 25 }, { "public_welfare", 5 },
};
static const struct judged startup_judged[] = {
	{ "potential", 30 }, { "growth", 25 }, { "team", 20 }, { "contribution", 25 },
};
static const struct judged technical_judged[] = {
	{ "working_ability", 40 }, { "urgency", 30 }, { "potential_contribution", 30 },
};

/* ---- pieces ---------------------------------------------------------------- */

enum prog { TWO_ZONES, ZGC_STARTUP, ZGC_TECHNICAL, URGENT };

struct person {
	const char *first, *last;
	long birth; /* days */
};

/* a valid unified social credit code: 91 + division + org code + checks */
static void put_uscc(struct line *l)
{
	static const char *const divisions[] = { "110108", "110105", "110101", "110102",
						 "110114", "110115" };
	static const char org_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char code[USCC_LEN + 1];

	memcpy(code, "91", 2);
	memcpy(code + 2, PICK(divisions), 6);
	for (int i = 8; i < 16; i++)
		code[i] = org_chars[below(i < 10 ? 10 : 31)];
	code[16] = uscc_org_check_char(code + 8);
	code[17] = uscc_check_char(code);
	code[18] = '\0';
	putf(l, "\"uscc\": \"%s\"", code);
}

static void put_resume(struct line *l, const struct person *p, long app_day)
{
	struct ymd b = civil(p->birth), a = civil(app_day);
	int ym = (b.y + 18) * 12 + (b.m - 1) + (int)below(12);
	int end = a.y * 12 + (a.m - 1);
	int n = 1 + (int)below(2);

	put(l, ", \"resume\": [");
	for (int i = 0; i < n && ym <= end; i++) {
		int to = ym + (int)between(24, 110);
		if (i)
			put(l, ", ");
		put(l, "{");
		put_month(l, "from", ym);
		if (i == n - 1 || to >= end) {
			put(l, ", \"to\": \"present\"");
			to = end;
		} else {
			put(l, ", ");
			put_month(l, "to", to);
		}
		if (i == 0)
			putf(l, ", \"what\": \"%s, %s\"}", PICK(educations), PICK(schools));
		else
			putf(l, ", \"what\": \"%s, %s\"}", PICK(positions), PICK(employers));
		ym = to + 1;
	}
	put(l, "]");
}

static void put_experts(struct line *l, const struct judged *f, size_t nf, const char *prefix)
{
	int n = chance(60) ? 1 : 2 + (int)below(2);

	put(l, ", \"experts\": [");
	for (int e = 0; e < n; e++) {
		putf(l, "%s{\"id\": \"%s%d\", \"scores\": {", e ? ", " : "", prefix, e + 1);
		for (size_t i = 0; i < nf; i++) {
			int halves = (int)below((unsigned)f[i].max * 2 + 1);
			putf(l, "%s\"%s\": %d%s", i ? ", " : "", f[i].id, halves / 2,
			     halves % 2 ? ".5" : "");
		}
		put(l, "}}");
	}
	put(l, "]");
}

static void put_documents(struct line *l, const char *const *slots, size_t nslots,
			  const struct person *p, long app_day)
{
	static const char *const generic[] = { "scan001.pdf", "IMG_2044.jpg", "document.pdf",
					       "upload.pdf" };
	int n = 1 + (int)below(4);
	size_t start = below((unsigned)nslots);

	put(l, ", \"documents\": [");
	for (int i = 0; i < n && (size_t)i < nslots; i++) {
		const char *slot = slots[(start + (size_t)i) % nslots];
		const char *lang = PICK(languages);

		putf(l, "%s{\"slot\": \"%s\", ", i ? ", " : "", slot);
		if (chance(6))
			putf(l, "\"file\": \"%s\"", PICK(generic));
		else
			putf(l, "\"file\": \"%s-%s.pdf\"", slot, p->first);
		putf(l, ", \"language\": \"%s\"", lang);
		if (strcmp(lang, "zh") != 0) {
			put(l, ", ");
			put_bool(l, "translated", chance(75));
		}
		if (chance(60)) {
			put(l, ", ");
			put_date(l, "issued", app_day - between(3, 400));
		}
		if (chance(15)) {
			struct ymd a = civil(app_day);
			int to = a.y * 12 + (a.m - 1) - (int)below(3);
			put(l, ", \"covers\": {");
			put_month(l, "from", to - (int)between(6, 60));
			put(l, ", ");
			put_month(l, "to", to);
			put(l, "}");
		}
		put(l, "}");
	}
	put(l, "]");
}

static void put_applicant(struct line *l, enum prog g, const struct person *p, long app_day)
{
	const char *edu = PICK(educations);
	int age = (int)((app_day - p->birth) / 365);
	long years_work = between(1, age > 24 ? age - 21 : 3);

	putf(l, ", \"applicant\": {\"name\": \"%s %s\", ", p->first, p->last);
	if (chance(97)) {
		put_date(l, "birth_date", p->birth);
		put(l, ", ");
	}
	putf(l, "\"nationality\": \"%s\", \"education\": \"%s\", \"position\": \"%s\"",
	     PICK(nationalities), edu, PICK(positions));
	if (g == TWO_ZONES || chance(30))
		putf(l, ", \"title\": \"%s\"", PICK(titles));
	put(l, ", ");
	put_bool(l, "leads_major_project", chance(25));
	put(l, ", ");
	put_bool(l, "urgent_field", chance(20));
	if (g == TWO_ZONES)
		putf(l, ", \"employer_visibility\": \"%s\"", PICK(visibilities));
	putf(l, ", \"years_professional_work\": %ld", years_work);
	if (chance(95))
		putf(l, ", \"years_in_china\": %ld", between(0, years_work < 20 ? years_work : 20));
	if (chance(96))
		putf(l, ", \"annual_salary_cny\": %ld", between(15, 400) * 10000 + between(0, 9) * 1000);
	if (chance(70)) {
		int nq = chance(80) ? 1 : 2;
		put(l, ", \"qualifications\": [");
		for (int i = 0; i < nq; i++)
			putf(l, "%s{\"id\": \"%s\", \"status\": \"%s\"}", i ? ", " : "",
			     PICK(qual_ids), PICK(qual_status));
		put(l, "]");
	}
	if (g == TWO_ZONES)
		putf(l, ", \"social_duty\": \"%s\"", PICK(duties));
	put(l, ", ");
	put_bool(l, "former_chinese_citizen", chance(8));
	if (g == ZGC_STARTUP) {
		put(l, ", ");
		put_bool(l, "board_director", chance(50));
		putf(l, ", \"shareholding_percent\": %ld.%02ld", between(0, 40), between(0, 99));
	} else if (g == ZGC_TECHNICAL) {
		put(l, ", ");
		put_bool(l, "leads_rd_team", chance(60));
	} else if (g == URGENT) {
		put(l, ", ");
		put_bool(l, "intl_vocational_certificate", chance(20));
	}
	put_resume(l, p, app_day);
	put(l, "}");
}

static void put_enterprise(struct line *l, enum prog g)
{
	long revenue = between(1, 5000) * 100000;

	put(l, ", \"enterprise\": {");
	put_uscc(l);
	putf(l, ", \"name\": \"%s %s (Beijing) Co., Ltd.\", ", PICK(company_words),
	     PICK(company_kinds));
	put_bool(l, "key_entity", chance(85));
	putf(l, ", \"sector\": \"%s\"", PICK(sectors));
	if (chance(95))
		putf(l, ", \"revenue_last_year_cny\": %ld", revenue);
	if (chance(93))
		putf(l, ", \"corporate_tax_last_year_cny\": %ld", revenue / (long)between(8, 40));
	putf(l, ", \"jobs\": %ld, ", between(5, 5000));
	put_bool(l, "penalties_last_two_years", chance(4));
	if (g == URGENT) {
		int nc = (int)below(3);
		put(l, ", \"conditions\": [");
		for (int i = 0; i < nc; i++)
			putf(l, "%s\"%s\"", i ? ", " : "", PICK(conditions));
		put(l, "], ");
		put_bool(l, "high_end_industry", chance(30));
		put(l, ", ");
		put_bool(l, "real_estate", chance(5));
		put(l, ", ");
		put_bool(l, "beijing_registered_and_taxed", chance(95));
	} else if (g == ZGC_STARTUP || g == ZGC_TECHNICAL) {
		put(l, ", ");
		put_bool(l, "zgc_registered", chance(85));
		put(l, ", ");
		put_bool(l, "zgc_high_tech", chance(75));
		put(l, ", ");
		put_bool(l, "employer_211_or_first_batch", chance(10));
	}
	put(l, "}");
}

static void gen_one(struct line *l)
{
	unsigned r = below(100);
	enum prog g = r < 80 ? TWO_ZONES : r < 85 ? ZGC_STARTUP : r < 90 ? ZGC_TECHNICAL : URGENT;
	struct person p;
	long app_day;

	if (g == TWO_ZONES) /* the 2025 window: 2025-11-27 to 2026-01-16 */
		app_day = days(2025, 11, 27) + between(0, 50);
	else
		app_day = days(2025, 3, 1) + between(0, 650);
	p.first = PICK(first_names);
	p.last = PICK(last_names);
	p.birth = app_day - between(23 * 365, 64 * 365);

	l->n = 0;
	put(l, "{\"format\": \"yingcai-application/1\", ");
	putf(l, "\"programme\": \"%s\", ", g == TWO_ZONES ? "two-zones" : g == URGENT ? "urgent" : "zgc");
	if (g == ZGC_STARTUP)
		put(l, "\"track\": \"startup\", ");
	else if (g == ZGC_TECHNICAL)
		put(l, "\"track\": \"technical\", ");
	else
		put(l, "\"track\": null, ");
	put_date(l, "date", app_day);
	put_applicant(l, g, &p, app_day);
	put_enterprise(l, g);
	switch (g) {
	case TWO_ZONES:
		put_experts(l, tz_judged, sizeof tz_judged / sizeof tz_judged[0], "e");
		put_documents(l, tz_slots, sizeof tz_slots / sizeof tz_slots[0], &p, app_day);
		break;
	case ZGC_STARTUP:
		put_experts(l, startup_judged, sizeof startup_judged / sizeof startup_judged[0], "x");
		put_documents(l, zgc_slots, sizeof zgc_slots / sizeof zgc_slots[0], &p, app_day);
		break;
	case ZGC_TECHNICAL:
		put_experts(l, technical_judged,
			    sizeof technical_judged / sizeof technical_judged[0], "x");
		put_documents(l, zgc_slots, sizeof zgc_slots / sizeof zgc_slots[0], &p, app_day);
		break;
	case URGENT:
		put_documents(l, urgent_slots, sizeof urgent_slots / sizeof urgent_slots[0], &p,
			      app_day);
		break;
	}
	put(l, "}\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 0);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static char obuf[1 << 20];
	static struct line l;
	uint64_t n, seed = SEED_DEFAULT;

	if (argc < 2 || argc > 3 || parse_u64(argv[1], &n) != 0 ||
	    (argc == 3 && parse_u64(argv[2], &seed) != 0)) {
		fputs("usage: gen_apps N [SEED] > apps.jsonl\n", stderr);
		return 2;
	}
	rng_state = seed;
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	for (uint64_t i = 0; i < n; i++) {
		gen_one(&l);
		if (fwrite(l.buf, 1, l.n, stdout) != l.n)
			break;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen_apps: write");
		return 1;
	}
	return 0;
}
