/* selfcheck_form.c - the self-check's questions: which programme asks what
 * on which step, reading the answers from a query or form, checking each
 * with a message that names the field, says what is wrong and how to fix
 * it, and building the application (core/application.h) from them.
 *
 * Every answer may be left empty: an empty answer is a fact not provided,
 * never zero.  How typed numbers are read is in selfcheck_input.c; which
 * member of the application each question fills, in selfcheck_answers.c;
 * how questions and answers are shown, in selfcheck_fields.c.
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "core/uscc.h"
#include "pages.h"
#include "web/countries.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

#define TEXT_MAX 120     /* characters of a name */
#define YEARS_MAX 80
#define COUNT_MAX INT64_C(1000000000)
#define MIN_AGE 16

/* ---- the questions ------------------------------------------------------ */

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define OPTS(a) (a), N(a)

static const char *const o_track[] = {"startup", "technical"};
static const char *const o_education[] = {"junior-college", "bachelor", "master", "doctorate"};
static const char *const o_position[] = {"chief", "director", "deputy-director", "team-lead",
	"other"};
static const char *const o_title[] = {"senior", "associate-senior", "intermediate", "none"};
static const char *const o_visibility[] = {"fortune-500", "qs-top-200", "listed",
	"national-high-tech", "double-first-class", "other"};
static const char *const o_duty[] = {"international", "national", "municipal", "none"};
static const char *const o_sector[] = {"science-technology", "internet-information", "finance",
	"education", "cultural-tourism", "elderly-care", "leasing-business-services",
	"other-service", "other"};
static const char *const o_conditions[] = {"tax-contribution-2x", "fortune-500",
	"financial-institution", "foreign-investment-or-rd-centre", "research-institution",
	"hospital", "university-or-international-school", "national-high-tech-or-incubator",
	"pilot-programme-project", "four-centres-innovator", "none"};
static const char *const o_status[] = {"verified", "pending", "unverifiable", "revoked"};

static const struct sc_field
	f_track = {"track", SC_CHOICE, SC_T_TRACK, OPTS(o_track), true, true},
	f_birth = {"birth_date", SC_DATE, SC_T_BIRTH, NULL, 0, true, false},
	f_nation = {"nationality", SC_NATION, SC_T_NATION, NULL, 0, true, false},
	f_education = {"education", SC_CHOICE, SC_T_EDUCATION, OPTS(o_education), false, false},
	f_position = {"position", SC_CHOICE, SC_T_POSITION, OPTS(o_position), false, false},
	f_title = {"title", SC_CHOICE, SC_T_TITLE, OPTS(o_title), true, false},
	f_years_work = {"years_work", SC_YEARS, SC_T_YEARS_WORK, NULL, 0, true, false},
	f_years_china = {"years_china", SC_YEARS, SC_T_YEARS_CHINA, NULL, 0, true, false},
	f_visibility = {"visibility", SC_CHOICE, SC_T_VISIBILITY, OPTS(o_visibility), true, false},
	f_major = {"major_project", SC_TRI, SC_T_MAJOR_PROJECT, NULL, 0, false, false},
	f_urgent = {"urgent_field", SC_TRI, SC_T_URGENT_FIELD, NULL, 0, true, false},
	f_quals = {"quals", SC_QUALS, SC_T_QUALS, OPTS(o_status), true, false},
	f_salary = {"salary", SC_MONEY, SC_T_SALARY, NULL, 0, true, false},
	f_duty = {"social_duty", SC_CHOICE, SC_T_SOCIAL_DUTY, OPTS(o_duty), true, false},
	f_vocational = {"vocational", SC_TRI, SC_T_VOCATIONAL, NULL, 0, true, false},
	f_board = {"board_director", SC_TRI, SC_T_BOARD, NULL, 0, false, false},
	f_shares = {"shares", SC_PERCENT, SC_T_SHARES, NULL, 0, true, false},
	f_rd_team = {"rd_team", SC_TRI, SC_T_RD_TEAM, NULL, 0, false, false},
	f_employer = {"employer", SC_TEXT, SC_T_EMPLOYER, NULL, 0, false, false},
	f_uscc = {"uscc", SC_USCC, SC_T_USCC, NULL, 0, true, false},
	f_key_entity = {"key_entity", SC_TRI, SC_T_KEY_ENTITY, NULL, 0, true, false},
	f_sector = {"sector", SC_CHOICE, SC_T_SECTOR, OPTS(o_sector), false, false},
	f_revenue = {"revenue", SC_MONEY, SC_T_REVENUE, NULL, 0, true, false},
	f_tax = {"tax", SC_MONEY, SC_T_TAX, NULL, 0, true, false},
	f_jobs = {"jobs", SC_COUNT, SC_T_JOBS, NULL, 0, true, false},
	f_zgc_registered = {"zgc_registered", SC_TRI, SC_T_ZGC_REGISTERED, NULL, 0, false, false},
	f_zgc_high_tech = {"zgc_high_tech", SC_TRI, SC_T_ZGC_HIGH_TECH, NULL, 0, true, false},
	f_high_end = {"high_end", SC_TRI, SC_T_HIGH_END, NULL, 0, true, false},
	f_conditions = {"conditions", SC_MULTI, SC_T_CONDITIONS, OPTS(o_conditions), true, false},
	f_real_estate = {"real_estate", SC_TRI, SC_T_REAL_ESTATE, NULL, 0, false, false},
	f_penalties = {"penalties", SC_TRI, SC_T_PENALTIES, NULL, 0, true, false},
	f_beijing = {"beijing", SC_TRI, SC_T_BEIJING, NULL, 0, true, false};

static const char *const s_two_zones[] = {"about", "work", "pay", "employer"};
static const struct sc_question q_two_zones[] = {
	{1, NULL, &f_birth}, {1, NULL, &f_nation}, {1, NULL, &f_education},
	{2, NULL, &f_position}, {2, NULL, &f_title}, {2, NULL, &f_years_work},
	{2, NULL, &f_years_china}, {2, NULL, &f_visibility}, {2, NULL, &f_major},
	{2, NULL, &f_urgent}, {2, NULL, &f_quals},
	{3, NULL, &f_salary}, {3, NULL, &f_duty},
	{4, NULL, &f_employer}, {4, NULL, &f_uscc}, {4, NULL, &f_key_entity},
	{4, NULL, &f_sector}, {4, NULL, &f_revenue}, {4, NULL, &f_tax}, {4, NULL, &f_jobs},
};

static const char *const s_zgc[] = {"about", "role", "employer"};
static const struct sc_question q_zgc[] = {
	{1, NULL, &f_track}, {1, NULL, &f_birth}, {1, NULL, &f_nation}, {1, NULL, &f_education},
	{2, "startup", &f_board}, {2, "startup", &f_shares},
	{2, "technical", &f_position}, {2, "technical", &f_rd_team},
	{3, NULL, &f_employer}, {3, NULL, &f_uscc},
	{3, "startup", &f_zgc_registered}, {3, "technical", &f_zgc_high_tech},
};

static const char *const s_urgent[] = {"about", "work", "employer"};
static const struct sc_question q_urgent[] = {
	{1, NULL, &f_birth}, {1, NULL, &f_nation}, {1, NULL, &f_education},
	{2, NULL, &f_years_work}, {2, NULL, &f_vocational}, {2, NULL, &f_urgent},
	{2, NULL, &f_salary},
	{3, NULL, &f_employer}, {3, NULL, &f_uscc}, {3, NULL, &f_beijing}, {3, NULL, &f_sector},
	{3, NULL, &f_high_end}, {3, NULL, &f_conditions}, {3, NULL, &f_real_estate},
	{3, NULL, &f_penalties},
};

static const struct sc_programme programmes[] = {
	{"two-zones", "two_zones", s_two_zones, N(s_two_zones), q_two_zones, N(q_two_zones)},
	{"zgc", "zgc", s_zgc, N(s_zgc), q_zgc, N(q_zgc)},
	{"urgent", "urgent", s_urgent, N(s_urgent), q_urgent, N(q_urgent)},
};

_Static_assert(N(q_two_zones) <= SC_MAX_ANSWERS && N(q_zgc) <= SC_MAX_ANSWERS &&
	       N(q_urgent) <= SC_MAX_ANSWERS, "SC_MAX_ANSWERS");
_Static_assert(N(o_conditions) <= SC_MAX_MULTI, "SC_MAX_MULTI");

const struct sc_programme *sc_programme_find(const char *id)
{
	for (size_t i = 0; id && i < N(programmes); i++)
		if (strcmp(programmes[i].id, id) == 0)
			return &programmes[i];
	return NULL;
}

const struct sc_field *sc_field_find(const char *name)
{
	for (size_t i = 0; name && i < N(programmes); i++)
		for (size_t k = 0; k < programmes[i].nquestions; k++)
			if (strcmp(programmes[i].questions[k].field->name, name) == 0)
				return programmes[i].questions[k].field;
	return NULL;
}

date_t sc_today(const struct request *rq)
{
	time_t t = (time_t)rq->now + 8 * 3600; /* Beijing is UTC+8 all year */
	struct tm tm;

	gmtime_r(&t, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* SHOWN_MAX: the characters of a typed value an error message repeats; a
 * longer one is cut there and ends with "…" (a 5,000-character answer
 * would otherwise fill the page). */
#define SHOWN_MAX 60

static const char *shown(struct request *rq, const char *raw)
{
	size_t at = 0, chars = 0, n = strlen(raw);

	while (at < n && chars < SHOWN_MAX) {
		size_t len = strbuf_utf8_len(raw + at, n - at);

		at += len ? len : 1;
		chars++;
	}
	return at == n ? raw : arena_printf(rq->a, "%.*s…", (int)at, raw);
}

/* ---- checking one answer ------------------------------------------------ */

static void set_error(struct selfcheck *sc, struct sc_answer *an, const char *key, ...)
{
	/* every message names the field and may show the value typed */
	char *field = arena_strdup(sc->rq->a, sc_label(sc, an->q->field));
	const char *names[8], *vals[8];
	size_t n = 0;
	va_list ap;

	/* a question's "?" before the message's ":" reads badly: drop it */
	if (field) {
		size_t l = strlen(field);
		if (l >= 1 && field[l - 1] == '?')
			field[l - 1] = '\0';
		else if (l >= 3 && strcmp(field + l - 3, "\xef\xbc\x9f") == 0) /* ？ */
			field[l - 3] = '\0';
	}
	va_start(ap, key);
	while (n < 6) {
		const char *nm = va_arg(ap, const char *);
		if (!nm)
			break;
		names[n] = nm;
		vals[n] = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	while (n < 6) {
		names[n] = NULL;
		vals[n] = NULL;
		n++;
	}
	an->error = sc_fmt(sc->rq, key, "field", field, "value", shown(sc->rq, an->raw),
			   names[0], vals[0],
			   names[1], vals[1], names[2], vals[2], (const char *)NULL);
	if (!an->anchor)
		an->anchor = arena_printf(sc->rq->a, "field-%s", an->q->field->name);
	sc->nerrors++;
}

static const char *option_find(const struct sc_field *f, const char *v)
{
	for (size_t i = 0; i < f->noptions; i++)
		if (strcmp(f->options[i], v) == 0)
			return f->options[i];
	return NULL;
}

static enum tri check_tri(struct selfcheck *sc, struct sc_answer *an)
{
	if (!*an->raw)
		return TRI_UNKNOWN;
	if (strcmp(an->raw, "yes") == 0)
		return TRI_TRUE;
	if (strcmp(an->raw, "no") == 0)
		return TRI_FALSE;
	set_error(sc, an, "sc_err_choice", (const char *)NULL);
	return TRI_UNKNOWN;
}

static const char *check_choice(struct selfcheck *sc, struct sc_answer *an)
{
	const char *v;

	if (!*an->raw) {
		if (an->q->field->required)
			set_error(sc, an, "sc_err_required", (const char *)NULL);
		return NULL;
	}
	v = option_find(an->q->field, an->raw);
	if (!v)
		set_error(sc, an, "sc_err_choice", (const char *)NULL);
	return v;
}

static bool check_date(struct selfcheck *sc, struct sc_answer *an, date_t *out)
{
	char *s = sc_fold(sc->rq->a, an->raw);
	int part[3] = {0, 0, 0}, k = 0, digits = 0;
	char sep = 0;
	date_t d;

	if (!s)
		return false;
	for (const char *p = s; *p; p++) {
		if (sc_is_digit(*p) && digits < 4) {
			part[k] = part[k] * 10 + (*p - '0');
			digits++;
		} else if ((*p == '-' || *p == '/' || *p == '.') && digits && k < 2 &&
			   (!sep || sep == *p)) {
			sep = *p;
			k++;
			digits = 0;
		} else {
			k = -1;
			break;
		}
	}
	if (k != 2 || !digits || part[0] < 1000 ||
	    !date_valid_ymd(part[0], part[1], part[2])) {
		set_error(sc, an, "sc_err_date", (const char *)NULL);
		return false;
	}
	d = date_from_ymd(part[0], part[1], part[2]);
	if (d > sc->today) {
		set_error(sc, an, "sc_err_date_future", (const char *)NULL);
		return false;
	}
	if (date_age_years(d, sc->today) > 120) {
		set_error(sc, an, "sc_err_date_old", (const char *)NULL);
		return false;
	}
	if (date_age_years(d, sc->today) < MIN_AGE) {
		set_error(sc, an, "sc_err_too_young", "date",
			  i18n_date(sc->rq->a, sc->rq->lang, sc->today), (const char *)NULL);
		return false;
	}
	*out = d;
	return true;
}

/* number_ok: what a number reader said of an answer; false with the
 * message (negative_key for a negative number, bad_key for one that does
 * not read, the maximum when it is too large) unless it read. */
static bool number_ok(struct selfcheck *sc, struct sc_answer *an, enum sc_num_rc rc,
		int64_t max, const char *negative_key, const char *bad_key)
{
	switch (rc) {
	case SC_NUM_OK:
		return true;
	case SC_NUM_NEGATIVE:
		set_error(sc, an, negative_key, (const char *)NULL);
		break;
	case SC_NUM_BIG:
		set_error(sc, an, "sc_err_too_large", "max",
			  i18n_number(sc->rq->a, sc->rq->lang, max), (const char *)NULL);
		break;
	default:
		set_error(sc, an, bad_key, (const char *)NULL);
	}
	return false;
}

static bool check_whole(struct selfcheck *sc, struct sc_answer *an, int64_t max,
		int64_t *out)
{
	char *s = sc_fold(sc->rq->a, an->raw);

	return s && number_ok(sc, an, sc_whole_number(s, max, out), max, "sc_err_negative",
			      "sc_err_whole");
}

static bool check_money(struct selfcheck *sc, struct sc_answer *an, int64_t *out)
{
	return number_ok(sc, an, sc_money(sc->rq->a, an->raw, out), SC_MONEY_MAX,
			 "sc_err_money_negative", "sc_err_money");
}

static bool check_percent(struct selfcheck *sc, struct sc_answer *an, points_t *out)
{
	char *s = sc_fold(sc->rq->a, an->raw);
	char *c;

	if (!s)
		return false;
	sc_strip_suffix(s, "%");
	if ((c = strchr(s, ',')) && !strchr(c + 1, ','))
		*c = '.';
	if (*s == '-' && sc_is_digit(s[1])) {
		set_error(sc, an, "sc_err_negative", (const char *)NULL);
		return false;
	}
	if (!*s || !sc_is_digit(*s) || !points_parse(s, strlen(s), out) || *out < 0 ||
	    *out > POINTS(100)) {
		set_error(sc, an, "sc_err_percent", (const char *)NULL);
		return false;
	}
	return true;
}

static const char *check_text(struct selfcheck *sc, struct sc_answer *an)
{
	size_t chars;

	if (!sc_utf8_ok(an->raw, &chars) || strstr(an->raw, SC_REPLACEMENT)) {
		set_error(sc, an, "sc_err_text_bad", (const char *)NULL);
		return NULL;
	}
	if (chars > TEXT_MAX) {
		set_error(sc, an, "sc_err_text_long", "n", arena_printf(sc->rq->a, "%zu", chars),
			  "max", arena_printf(sc->rq->a, "%d", TEXT_MAX), (const char *)NULL);
		return NULL;
	}
	return an->raw;
}

/* check_nation: the country's alpha-3 code from its code or its name in
 * any of the portal's languages ("deu", "Germany", "德国"); a code of the
 * passport standard that names no country (stateless, refugee, Kosovo) is
 * taken as it is. */
static const char *check_nation(struct selfcheck *sc, struct sc_answer *an)
{
	char *s = sc_fold(sc->rq->a, an->raw);
	const struct country *c;

	if (!s)
		return NULL;
	c = countries_match(sc->rq->site->countries, s);
	if (c)
		return arena_strdup(sc->rq->a, c->code);
	for (size_t i = 0; s[i] && i < 3; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	if (countries_passport_only(s))
		return s;
	set_error(sc, an, "sc_err_nation", (const char *)NULL);
	return NULL;
}

static const char *check_uscc(struct selfcheck *sc, struct sc_answer *an)
{
	char *s = sc_fold(sc->rq->a, an->raw);
	size_t j = 0, chars;
	const char *key;

	if (!s)
		return NULL;
	/* spaces and hyphens people copy along are not part of the code */
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		if (c == ' ' || c == '-')
			continue;
		s[j++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	s[j] = '\0';
	switch (uscc_check(s, j, NULL)) {
	case USCC_OK:
		return s;
	case USCC_TOO_SHORT:
	case USCC_TOO_LONG:
		sc_utf8_ok(s, &chars);
		set_error(sc, an, "sc_err_uscc_length", "n", arena_printf(sc->rq->a, "%zu", chars),
			  (const char *)NULL);
		return NULL;
	case USCC_BAD_CHECK:
	case USCC_BAD_ORG_CHECK:
		key = "sc_err_uscc_check";
		break;
	case USCC_BAD_DEPARTMENT:
	case USCC_BAD_TYPE:
	case USCC_BAD_DIVISION:
		key = "sc_err_uscc_format";
		break;
	default:
		key = "sc_err_uscc_chars";
	}
	set_error(sc, an, key, (const char *)NULL);
	return NULL;
}

static void check_multi(struct selfcheck *sc, struct sc_answer *an, struct enterprise *e)
{
	bool none = false;
	size_t k = 0;

	for (size_t i = 0; i < an->nvals; i++) {
		const char *v = option_find(an->q->field, an->vals[i]);
		if (!v) {
			an->raw = an->vals[i];
			set_error(sc, an, "sc_err_choice", (const char *)NULL);
			an->raw = "";
			return;
		}
		if (strcmp(v, "none") == 0)
			none = true;
		an->vals[i] = v;
	}
	if (none && an->nvals > 1) {
		set_error(sc, an, "sc_err_none_and_some", (const char *)NULL);
		return;
	}
	if (!an->nvals)
		return;
	e->has_conditions = true;
	e->conditions = arena_array(sc->rq->a, an->nvals, sizeof *e->conditions);
	for (size_t i = 0; e->conditions && i < an->nvals; i++)
		if (strcmp(an->vals[i], "none") != 0)
			e->conditions[k++] = an->vals[i];
	e->nconditions = k;
}

static void check_quals(struct selfcheck *sc, struct sc_answer *an, struct applicant *ap)
{
	size_t n = 0;

	if (!sc->catalog)
		return;
	for (size_t i = 0; i < an->nvals; i++) {
		if (!an->vals[i])
			continue;
		if (!option_find(an->q->field, an->vals[i])) {
			const char *name = sc->catalog->entries[i].name;
			an->anchor = arena_printf(sc->rq->a, "field-q_%s", sc->catalog->entries[i].id);
			an->raw = an->vals[i];
			an->error = sc_fmt(sc->rq, "sc_err_choice", "field", name, "value",
					   shown(sc->rq, an->raw), (const char *)NULL);
			an->raw = "";
			sc->nerrors++;
			return;
		}
		n++;
	}
	if (!n)
		return;
	ap->has_qualifications = true;
	ap->qualifications = arena_array(sc->rq->a, n, sizeof *ap->qualifications);
	ap->nqualifications = 0;
	for (size_t i = 0; ap->qualifications && i < an->nvals; i++) {
		if (!an->vals[i])
			continue;
		ap->qualifications[ap->nqualifications].id = sc->catalog->entries[i].id;
		ap->qualifications[ap->nqualifications].status =
			option_find(an->q->field, an->vals[i]);
		ap->nqualifications++;
	}
}

/* opt: an optional number from a checker (called first, then read). */
static void opt(struct opt_num *o, bool ok, const int64_t *v)
{
	if (ok)
		*o = (struct opt_num){true, *v};
}

/* check: one answer into sc->app: the field's type says how it is read,
 * its target where it goes (sc_member). */
static void check(struct selfcheck *sc, struct sc_answer *an)
{
	const struct sc_field *f = an->q->field;
	struct sc_member m = sc_member(&sc->app, f->target);
	int64_t v = 0;
	points_t p = 0;
	date_t d = 0;

	if (f->type == SC_MULTI) {
		check_multi(sc, an, &sc->app.enterprise);
		return;
	}
	if (f->type == SC_QUALS) {
		check_quals(sc, an, &sc->app.applicant);
		return;
	}
	if (!*an->raw && !f->required)
		return;
	switch (f->type) {
	case SC_CHOICE: assert(m.str); *m.str = check_choice(sc, an); break;
	case SC_TEXT: assert(m.str); *m.str = check_text(sc, an); break;
	case SC_NATION: assert(m.str); *m.str = check_nation(sc, an); break;
	case SC_USCC: assert(m.str); *m.str = check_uscc(sc, an); break;
	case SC_TRI: assert(m.tri); *m.tri = check_tri(sc, an); break;
	case SC_YEARS: assert(m.num); opt(m.num, check_whole(sc, an, YEARS_MAX, &v), &v); break;
	case SC_COUNT: assert(m.num); opt(m.num, check_whole(sc, an, COUNT_MAX, &v), &v); break;
	case SC_MONEY: assert(m.num); opt(m.num, check_money(sc, an, &v), &v); break;
	case SC_DATE:
		assert(m.has && m.date);
		if (check_date(sc, an, &d)) {
			*m.has = true;
			*m.date = d;
		}
		break;
	case SC_PERCENT:
		assert(m.has && m.pct);
		if (check_percent(sc, an, &p)) {
			*m.has = true;
			*m.pct = p;
		}
		break;
	default:
		break;
	}
}

/* ---- reading the answers ------------------------------------------------ */

bool sc_active(const struct selfcheck *sc, const struct sc_question *q)
{
	return !q->track || (sc->track && strcmp(q->track, sc->track) == 0);
}

static const char *first(const struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

static void collect(struct selfcheck *sc, struct sc_answer *an, const struct kv *kv, size_t n)
{
	const struct sc_field *f = an->q->field;

	an->raw = "";
	if (f->type == SC_MULTI) {
		for (size_t i = 0; i < n && an->nvals < SC_MAX_MULTI; i++) {
			bool dup = false;
			if (strcmp(kv[i].key, f->name) != 0 || !*kv[i].value)
				continue;
			for (size_t k = 0; k < an->nvals; k++)
				dup |= strcmp(an->vals[k], kv[i].value) == 0;
			if (!dup)
				an->vals[an->nvals++] = sc_keep(sc->rq->a, kv[i].value);
		}
		return;
	}
	if (f->type == SC_QUALS) {
		for (size_t i = 0; sc->catalog && i < sc->catalog->nentries && i < SC_MAX_MULTI;
		     i++) {
			const char *k = arena_printf(sc->rq->a, "q_%s", sc->catalog->entries[i].id);
			const char *v = k ? first(kv, n, k) : NULL;
			an->vals[i] = v && *v && strcmp(v, "none") != 0 ? sc_keep(sc->rq->a, v) : NULL;
			an->nvals = i + 1;
		}
		return;
	}
	{
		const char *v = first(kv, n, f->name);
		an->raw = v ? sc_keep(sc->rq->a, v) : "";
	}
}

void sc_parse(struct selfcheck *sc, struct request *rq, const struct sc_programme *prog,
		const struct kv *kv, size_t n)
{
	const char *track;

	memset(sc, 0, sizeof *sc);
	sc->rq = rq;
	sc->prog = prog;
	sc->today = sc_today(rq);
	sc->catalog = policy_catalog_on(&rq->site->bundle, sc->today);
	sc->app.programme = prog->id;
	sc->app.date = sc->today;
	/* the track decides which questions are asked, so it is read first */
	track = first(kv, n, "track");
	if (track && strcmp(prog->id, "zgc") == 0)
		sc->track = option_find(&f_track, track);
	for (size_t i = 0; i < prog->nquestions && sc->nans < SC_MAX_ANSWERS; i++) {
		struct sc_answer *an = &sc->ans[sc->nans];
		if (!sc_active(sc, &prog->questions[i]))
			continue;
		an->q = &prog->questions[i];
		collect(sc, an, kv, n);
		check(sc, an);
		sc->nans++;
	}
}

struct selfcheck *sc_parse_or_reply(struct request *rq, struct response *rs,
		const struct kv *kv, size_t n)
{
	const struct sc_programme *p = sc_programme_find(rq->params[0]);
	struct selfcheck *sc;

	if (!p) {
		page_error(rq, rs, 404);
		return NULL;
	}
	sc = arena_alloc(rq->a, sizeof *sc);
	if (!sc) {
		page_error(rq, rs, 500);
		return NULL;
	}
	sc_parse(sc, rq, p, kv, n);
	return sc;
}

size_t sc_step_errors(const struct selfcheck *sc, unsigned step)
{
	size_t k = 0;

	for (size_t i = 0; i < sc->nans; i++)
		k += sc->ans[i].q->step == step && sc->ans[i].error;
	return k;
}

/* each: call fn(name, value) for every answer given, except on step `except`. */
static void each(const struct selfcheck *sc, unsigned except,
		void (*fn)(void *ctx, const char *name, const char *value), void *ctx)
{
	for (size_t i = 0; i < sc->nans; i++) {
		const struct sc_answer *an = &sc->ans[i];
		const struct sc_field *f = an->q->field;

		if (except && an->q->step == except)
			continue;
		if (f->type == SC_MULTI) {
			for (size_t k = 0; k < an->nvals; k++)
				fn(ctx, f->name, an->vals[k]);
		} else if (f->type == SC_QUALS) {
			for (size_t k = 0; k < an->nvals; k++)
				if (an->vals[k])
					fn(ctx, arena_printf(sc->rq->a, "q_%s",
							     sc->catalog->entries[k].id),
					   an->vals[k]);
		} else if (*an->raw) {
			fn(ctx, f->name, an->raw);
		}
	}
}

static void add_pair(void *ctx, const char *name, const char *value)
{
	struct strbuf *sb = ctx;

	if (sb->len && sb->buf[sb->len - 1] != '?')
		strbuf_addch(sb, '&');
	http_url_encode(sb, name);
	strbuf_addch(sb, '=');
	http_url_encode(sb, value);
}

void sc_add_query(const struct selfcheck *sc, struct strbuf *sb)
{
	each(sc, 0, add_pair, sb);
}

const char *sc_url(const struct selfcheck *sc, const char *path, unsigned step)
{
	struct strbuf sb = STRBUF_INIT(65536);
	const char *out;

	strbuf_addstr(&sb, path);
	strbuf_addch(&sb, '?');
	if (step)
		strbuf_addf(&sb, "step=%u", step);
	sc_add_query(sc, &sb);
	if (sb.buf[sb.len - 1] == '?')
		strbuf_setlen(&sb, sb.len - 1);
	out = sb.failed ? path : arena_strdup(sc->rq->a, sb.buf);
	strbuf_release(&sb);
	return out;
}

static void add_hidden(void *ctx, const char *name, const char *value)
{
	struct view *h = view_list_push_object(ctx);

	view_set_str(h, "name", name);
	view_set_str(h, "value", value);
}

void sc_hidden(const struct selfcheck *sc, struct view *list, unsigned except)
{
	each(sc, except, add_hidden, list);
}

