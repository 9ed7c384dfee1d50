/* checklist.c - see checklist.h.
 *
 * Layout: file-name helpers (type, stem, UTF-8 letters), then one static
 * function per rule, each adding its findings to a `notes` list; then the
 * verdict of one slot, the window item, and checklist_compute.  Findings
 * are English sentences built with arena_printf; a failed allocation
 * latches ctx.oom and the caller reports "out of memory" once at the end.
 */
#include "checklist.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

struct ctx {
	const struct programme_policy *pol;
	const struct facts *f;
	const struct application *app;
	struct arena *a;
	const struct document **docs; /* scratch: the uploads of one slot */
	bool oom;
};

/* The findings of one item, with the clause each rests on. */
struct notes {
	const char **text;
	const char **src;
	size_t n, cap;
	bool missing; /* a finding that makes the item missing, not a problem */
};

/* The uploads of one slot. */
struct docset {
	const struct document **v;
	size_t n;
};

struct span {
	month_t from, to; /* inclusive */
};

/* ---- small helpers ---- */

/* fmt: arena_printf that latches c->oom and returns "" on failure. */
__attribute__((format(printf, 2, 3)))
static const char *fmt(struct ctx *c, const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	s = arena_vprintf(c->a, f, ap);
	va_end(ap);
	if (!s) {
		c->oom = true;
		return ""; /* callers stay straight-line; the result is discarded */
	}
	return s;
}

static void note(struct ctx *c, struct notes *ns, const char *src, const char *text)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 8;
		const char **t = arena_array(c->a, cap, sizeof *t);
		const char **s = arena_array(c->a, cap, sizeof *s);

		if (!t || !s) {
			c->oom = true;
			return;
		}
		if (ns->n) {
			memcpy(t, ns->text, ns->n * sizeof *t);
			memcpy(s, ns->src, ns->n * sizeof *s);
		}
		ns->text = t;
		ns->src = s;
		ns->cap = cap;
	}
	ns->text[ns->n] = text;
	ns->src[ns->n] = src;
	ns->n++;
}

static bool seen_before(const char *const *v, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(v[j], v[i]) == 0)
			return true;
	return false;
}

/* join: the non-NULL strings of v separated by sep, duplicates dropped;
 * NULL when there are none (or out of memory, which latches oom). */
static const char *join(struct ctx *c, const char *const *v, size_t n, const char *sep)
{
	size_t len = 0, seplen = strlen(sep), used = 0;
	char *out;

	for (size_t i = 0; i < n; i++)
		if (v[i] && !seen_before(v, i))
			len += strlen(v[i]) + seplen;
	if (len == 0)
		return NULL;
	out = arena_alloc(c->a, len + 1);
	if (!out) {
		c->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!v[i] || seen_before(v, i))
			continue;
		if (used) {
			memcpy(out + used, sep, seplen);
			used += seplen;
		}
		memcpy(out + used, v[i], strlen(v[i]));
		used += strlen(v[i]);
	}
	out[used] = '\0';
	return out;
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static char upper(char ch)
{
	return ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
}

static bool ieq_n(const char *x, const char *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(x[i]) != lower(y[i]))
			return false;
	return true;
}

static bool ieq(const char *x, const char *y)
{
	size_t n = strlen(x);

	return n == strlen(y) && ieq_n(x, y, n);
}

static const char *datestr(struct ctx *c, date_t d)
{
	char buf[DATE_FMT_MAX];

	return fmt(c, "%s", date_format(d, buf));
}

static const char *monthstr(struct ctx *c, month_t m)
{
	char buf[MONTH_FMT_MAX];

	return fmt(c, "%s", month_format(m, buf));
}

/* month_range: "2009-08" or "2009-08 to 2010-01". */
static const char *month_range(struct ctx *c, month_t from, month_t to)
{
	char b1[MONTH_FMT_MAX], b2[MONTH_FMT_MAX];

	if (from == to)
		return fmt(c, "%s", month_format(from, b1));
	return fmt(c, "%s to %s", month_format(from, b1), month_format(to, b2));
}

/* ---- slot wording ---- */

/* type_ext: "pdf" from "pdf" or ".pdf" (a policy may write the dot). */
static const char *type_ext(const char *t)
{
	return t[0] == '.' ? t + 1 : t;
}

/* the_name: "the employment contract" from "Employment contract": the
 * first letter lowered unless the second is a capital too ("PDF ..."). */
static const char *the_name(struct ctx *c, const struct doc_slot *s)
{
	const char *name = s->name && *s->name ? s->name : s->id;
	char first = name[0];
	static const char *const articles[] = {"the ", "a ", "an ", "your "};

	if (first >= 'A' && first <= 'Z' && !(name[1] >= 'A' && name[1] <= 'Z'))
		first = lower(first);
	for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++)
		if (ieq_n(name, articles[i], strlen(articles[i])))
			return fmt(c, "%c%s", first, first ? name + 1 : "");
	return fmt(c, "the %c%s", first, first ? name + 1 : "");
}

/* type_words: "PDF", "PDF or PNG"; NULL when the policy lists no types. */
static const char *type_words(struct ctx *c)
{
	const struct doc_rules *r = &c->pol->docrules;
	const char *out = NULL;

	for (size_t i = 0; i < r->nfile_types; i++) {
		const char *t = type_ext(r->file_types[i]);
		char *up = arena_strdup(c->a, t);

		if (!up) {
			c->oom = true;
			return "";
		}
		for (char *p = up; *p; p++)
			*p = upper(*p);
		out = out ? fmt(c, "%s or %s", out, up) : up;
	}
	return out;
}

/* upload_text: "Upload the employment contract as PDF" (verb as given). */
static const char *upload_text(struct ctx *c, const char *verb, const struct doc_slot *s)
{
	const char *types = type_words(c);

	if (types)
		return fmt(c, "%s %s as %s", verb, the_name(c, s), types);
	return fmt(c, "%s %s", verb, the_name(c, s));
}

/* files_text: "'a.pdf'" or "'a.pdf', 'b.pdf'". */
static const char *files_text(struct ctx *c, const struct docset *ds)
{
	const char *out = NULL;

	for (size_t i = 0; i < ds->n; i++)
		out = out ? fmt(c, "%s, '%s'", out, ds->v[i]->file)
			  : fmt(c, "'%s'", ds->v[i]->file);
	return out;
}

/* ---- file names ---- */

static const char *base_name(const char *file)
{
	const char *b = file;

	for (const char *p = file; *p; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	return b;
}

static size_t stem_len(const char *base)
{
	const char *dot = strrchr(base, '.');

	return dot ? (size_t)(dot - base) : strlen(base);
}

/* utf8_next: the code point at s[*i] (advancing *i); an invalid sequence
 * yields U+FFFD and advances one byte. */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char b = s[*i];
	size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3
		   : (b & 0xF8) == 0xF0 ? 4 : 0;
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t cp;

	if (len == 0 || *i + len > n) {
		(*i)++;
		return 0xFFFD;
	}
	cp = len == 1 ? b : (uint32_t)(b & (0x7F >> len));
	for (size_t k = 1; k < len; k++) {
		if ((s[*i + k] & 0xC0) != 0x80) {
			(*i)++;
			return 0xFFFD;
		}
		cp = (cp << 6) | (uint32_t)(s[*i + k] & 0x3F);
	}
	if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		(*i)++;
		return 0xFFFD;
	}
	*i += len;
	return cp;
}

static bool cp_in(uint32_t cp, const uint32_t (*ranges)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

/* A letter of a script people name files in (CJK ideographs included). */
static bool is_letter(uint32_t cp)
{
	static const uint32_t letters[][2] = {
		{'A', 'Z'}, {'a', 'z'},
		{0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x24F}, /* Latin */
		{0x370, 0x3FF}, {0x400, 0x52F},             /* Greek, Cyrillic */
		{0x5D0, 0x5EA}, {0x620, 0x64A},             /* Hebrew, Arabic */
		{0x900, 0x97F}, {0xE00, 0xE7F},             /* Devanagari, Thai */
		{0x1E00, 0x1FFF},                           /* Latin, Greek extended */
		{0x3040, 0x30FF}, {0x3400, 0x4DBF},         /* kana, CJK ext A */
		{0x4E00, 0x9FFF}, {0xAC00, 0xD7A3},         /* CJK, Hangul */
		{0xF900, 0xFAFF},                           /* CJK compatibility */
		{0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},         /* full-width Latin */
		{0x20000, 0x3134F},                         /* CJK ext B.. */
	};

	return cp_in(cp, letters, sizeof letters / sizeof letters[0]);
}

/* Digits and separators: what numbering adds to a generic name. */
static bool is_noise(uint32_t cp)
{
	static const uint32_t noise[][2] = {
		{' ', ' '}, {'#', '#'}, {'(', ')'}, {'+', '.'}, {'0', '9'},
		{'[', '['}, {']', ']'}, {'_', '_'}, {'~', '~'},
		{0x3000, 0x3001},                   /* ideographic space, comma */
		{0xFF08, 0xFF09}, {0xFF0D, 0xFF0D}, /* full-width ( ) - */
		{0xFF10, 0xFF19}, {0xFF3F, 0xFF3F}, /* full-width digits, _ */
	};

	return cp_in(cp, noise, sizeof noise / sizeof noise[0]);
}

static bool only_noise(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n)
		if (!is_noise(utf8_next((const unsigned char *)s, n, &i)))
			return false;
	return true;
}

/* An ideograph (CJK, kana, Hangul) carries a word's worth of meaning:
 * "护照" (passport) is as descriptive as "passport", so it counts twice. */
static bool is_ideograph(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
}

static size_t count_letters(const char *s, size_t n)
{
	size_t i = 0, letters = 0;

	while (i < n) {
		uint32_t cp = utf8_next((const unsigned char *)s, n, &i);
		letters += is_letter(cp) ? (is_ideograph(cp) ? 2 : 1) : 0;
	}
	return letters;
}

/* generic_stem: a generic name followed only by digits and separators.
 * (A stem of digits alone fails the three-letter rule anyway.) */
static bool generic_stem(const struct doc_rules *r, const char *stem, size_t n)
{
	for (size_t i = 0; i < r->ngeneric_names; i++) {
		size_t gl = strlen(r->generic_names[i]);

		if (gl <= n && ieq_n(stem, r->generic_names[i], gl) &&
		    only_noise(stem + gl, n - gl))
			return true;
	}
	return false;
}

bool checklist_name_descriptive(const struct doc_rules *r, const char *file)
{
	const char *base = base_name(file);
	size_t n = stem_len(base);

	return !generic_stem(r, base, n) && count_letters(base, n) >= 3;
}

bool checklist_type_accepted(const struct doc_rules *r, const char *file)
{
	size_t fl = strlen(file);

	if (r->nfile_types == 0)
		return true;
	for (size_t i = 0; i < r->nfile_types; i++) {
		const char *t = type_ext(r->file_types[i]);
		size_t tl = strlen(t);

		if (tl && fl > tl && file[fl - tl - 1] == '.' && ieq_n(file + fl - tl, t, tl))
			return true;
	}
	return false;
}

/* example_name: "passport-anna-example.pdf" from the slot id and the
 * applicant's name (ASCII lowered, separators as '-', other bytes kept). */
static const char *example_name(struct ctx *c, const struct doc_slot *s)
{
	const char *who = c->app->applicant.name ? c->app->applicant.name : "";
	const struct doc_rules *r = &c->pol->docrules;
	const char *ext = r->nfile_types ? type_ext(r->file_types[0]) : "pdf";
	char *out = arena_alloc(c->a, strlen(s->id) + strlen(who) + 2);
	size_t n = 0;

	if (!out) {
		c->oom = true;
		return "";
	}
	for (const char *p = s->id; *p; p++)
		out[n++] = *p == '_' ? '-' : lower(*p);
	if (*who)
		out[n++] = '-';
	for (const char *p = who; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		bool sep = ch == ' ' || ch == '-' || ch == '_' || ch == '.';

		if (sep && n && out[n - 1] != '-')
			out[n++] = '-';
		else if (ch >= 0x80 || (ch >= '0' && ch <= '9') || lower(*p) != upper(*p))
			out[n++] = lower(*p);
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	return fmt(c, "%s.%s", out, ext);
}

/* ---- rules on one document ---- */

static void rule_file_type(struct ctx *c, const struct document *d, struct notes *ns)
{
	const struct doc_rules *r = &c->pol->docrules;
	const char *list = NULL;

	if (checklist_type_accepted(r, d->file))
		return;
	for (size_t i = 0; i < r->nfile_types; i++) {
		const char *t = type_ext(r->file_types[i]);
		list = list ? fmt(c, "%s or .%s", list, t) : fmt(c, ".%s", t);
	}
	note(c, ns, r->source_format,
	     fmt(c, "'%s' must be a %s file: upload it as %s", d->file, list, type_words(c)));
}

static void rule_file_name(struct ctx *c, const struct doc_slot *s, const struct document *d,
		struct notes *ns)
{
	if (checklist_name_descriptive(&c->pol->docrules, d->file))
		return;
	note(c, ns, c->pol->docrules.source_names,
	     fmt(c, "rename '%s' to say what it is, e.g. '%s'", d->file, example_name(c, s)));
}

static void rule_language(struct ctx *c, const struct document *d, struct notes *ns)
{
	const struct doc_rules *r = &c->pol->docrules;

	if (!d->language || !*d->language || d->translated == TRI_TRUE)
		return;
	for (size_t i = 0; i < r->nnative_languages; i++)
		if (ieq(d->language, r->native_languages[i]))
			return;
	note(c, ns, r->source_translation,
	     fmt(c, "'%s' is in language '%s': a certified Chinese translation with the "
		 "translation company's seals is needed", d->file, d->language));
}

static void rule_issued(struct ctx *c, const struct doc_slot *s, const struct document *d,
		struct notes *ns)
{
	int months = s->issued_within_months;
	date_t date = c->app->date, earliest;

	if (months <= 0)
		return;
	earliest = date_add_months(date, -months);
	if (!d->has_issued)
		note(c, ns, s->source,
		     fmt(c, "'%s' has no issue date: give the date it was issued; it must be "
			 "issued within %d months before the application date, %s to %s",
			 d->file, months, datestr(c, earliest), datestr(c, date)));
	else if (d->issued > date)
		note(c, ns, s->source,
		     fmt(c, "'%s' is dated %s, after the application date %s", d->file,
			 datestr(c, d->issued), datestr(c, date)));
	else if (d->issued < earliest)
		note(c, ns, s->source,
		     fmt(c, "'%s' was issued %s, more than %d months before the application "
			 "date %s: it must be issued on or after %s", d->file,
			 datestr(c, d->issued), months, datestr(c, date), datestr(c, earliest)));
}

/* ---- continuity of months ---- */

/* first_gap: the first run of months in [lo, hi] no span covers; false
 * when every month is covered.  *more counts the runs after it. */
static bool first_gap(const struct span *s, size_t n, month_t lo, month_t hi,
		month_t *gfrom, month_t *gto, size_t *more)
{
	size_t gaps = 0;

	for (month_t cur = lo; cur <= hi;) {
		month_t reach = cur - 1, next = hi + 1;

		for (size_t i = 0; i < n; i++) {
			if (s[i].from <= cur && s[i].to >= cur && s[i].to > reach)
				reach = s[i].to;
			if (s[i].from > cur && s[i].from < next)
				next = s[i].from;
		}
		if (reach >= cur) {
			cur = reach + 1;
			continue;
		}
		if (gaps++ == 0) {
			*gfrom = cur;
			*gto = next - 1;
		}
		cur = next;
	}
	*more = gaps ? gaps - 1 : 0;
	return gaps > 0;
}

static const char *more_text(struct ctx *c, size_t more)
{
	if (more == 0)
		return "";
	return fmt(c, " (and %zu more gap%s)", more, more == 1 ? "" : "s");
}

static void rule_covers(struct ctx *c, const struct doc_slot *s, const struct docset *ds,
		struct notes *ns)
{
	int years = s->covers_years_before;
	month_t hi = month_of(c->app->date) - 1, lo, gfrom, gto;
	struct span *sp;
	size_t n = 0, more;
	const char *who, *rule;

	if (years <= 0 || ds->n == 0)
		return;
	lo = month_of(c->app->date) - years * 12;
	sp = arena_array(c->a, ds->n, sizeof *sp);
	if (!sp) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < ds->n; i++)
		if (ds->v[i]->has_covers && ds->v[i]->covers_from <= ds->v[i]->covers_to)
			sp[n++] = (struct span){ds->v[i]->covers_from, ds->v[i]->covers_to};
	who = ds->n == 1 ? files_text(c, ds) : fmt(c, "the files (%s)", files_text(c, ds));
	rule = fmt(c, "%s must cover every month of the %d years before the application "
		   "date, %s to %s", the_name(c, s), years, monthstr(c, lo), monthstr(c, hi));
	if (n == 0)
		note(c, ns, s->source,
		     fmt(c, "%s %s not say which months %s: %s", who,
			 ds->n == 1 ? "does" : "do", ds->n == 1 ? "it covers" : "they cover", rule));
	else if (first_gap(sp, n, lo, hi, &gfrom, &gto, &more))
		note(c, ns, s->source,
		     fmt(c, "%s %s not cover %s%s: %s", who, ds->n == 1 ? "does" : "do",
			 month_range(c, gfrom, gto), more_text(c, more), rule));
}

/* rule_resume: applicant.resume runs month by month from age N to now. */
static void rule_resume(struct ctx *c, const struct doc_slot *s, struct notes *ns)
{
	const struct applicant *ap = &c->app->applicant;
	int age = s->resume_from_age;
	month_t lo, hi = month_of(c->app->date), gfrom, gto;
	struct span *sp;
	size_t n = 0, more;
	const char *rule;

	if (age <= 0)
		return;
	if (!ap->has_birth_date) {
		ns->missing = true;
		note(c, ns, s->source,
		     fmt(c, "the birth date is needed to check that the resume runs month by "
			 "month from age %d: give applicant.birth_date", age));
		return;
	}
	lo = month_of(ap->birth_date) + age * 12;
	if (lo > hi)
		return; /* not yet that age: nothing to cover */
	rule = fmt(c, "the resume must be consecutive month by month from age %d (%s) to now (%s)",
		   age, monthstr(c, lo), monthstr(c, hi));
	sp = arena_array(c->a, ap->nresume, sizeof *sp);
	if (!sp) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < ap->nresume; i++) {
		month_t to = ap->resume[i].to_present ? hi : ap->resume[i].to;

		if (ap->resume[i].from <= to)
			sp[n++] = (struct span){ap->resume[i].from, to};
	}
	if (n == 0)
		note(c, ns, s->source, fmt(c, "the resume has no entries (applicant.resume): %s", rule));
	else if (first_gap(sp, n, lo, hi, &gfrom, &gto, &more))
		note(c, ns, s->source, fmt(c, "no entry covers %s%s: %s",
					   month_range(c, gfrom, gto), more_text(c, more), rule));
}

/* ---- conditions ---- */

/* deciding_fact: the first fact under p that the application leaves open. */
static const char *deciding_fact(const struct predicate *p, const struct facts *f)
{
	struct fact_value v;

	if (p->fact)
		return !facts_get(f, p->fact, &v) || v.type == FACT_MISSING ? p->fact : NULL;
	for (size_t i = 0; i < p->nsubs; i++) {
		const char *name = deciding_fact(&p->subs[i], f);

		if (name)
			return name;
	}
	return NULL;
}

static const char *cond_label(const struct predicate *p)
{
	if (p->label)
		return p->label;
	return p->fact ? p->fact : "the condition of this document";
}

/* ---- one slot ---- */

static void gather(struct ctx *c, const struct doc_slot *s, struct docset *ds)
{
	ds->v = c->docs;
	ds->n = 0;
	for (size_t i = 0; i < c->app->ndocuments; i++) {
		const struct document *d = &c->app->documents[i];

		if (d->file && strcmp(d->slot, s->id) == 0)
			ds->v[ds->n++] = d;
	}
}

/* need_of: the slot's need for this application: SLOT_REQUIRED, OPTIONAL,
 * DEFERRABLE, or CONDITIONAL when the condition is unknown; *not_needed
 * when the condition does not hold. */
static enum slot_need need_of(struct ctx *c, const struct doc_slot *s, bool *not_needed)
{
	*not_needed = false;
	if (s->need != SLOT_CONDITIONAL || !s->when)
		return s->need == SLOT_CONDITIONAL ? SLOT_REQUIRED : s->need;
	switch (predicate_eval(s->when, c->f)) {
	case TRI_TRUE:
		return SLOT_REQUIRED;
	case TRI_FALSE:
		*not_needed = true;
		return SLOT_OPTIONAL;
	default:
		return SLOT_CONDITIONAL;
	}
}

static const char *why_unknown(struct ctx *c, const struct doc_slot *s)
{
	const char *fact = deciding_fact(s->when, c->f);
	const char *types = type_words(c);

	return fmt(c, "answer '%s'%s%s%s first: it decides whether %s must be uploaded%s%s%s",
		   cond_label(s->when), fact ? " (" : "", fact ? fact : "", fact ? ")" : "",
		   the_name(c, s), types ? " (as " : "", types ? types : "", types ? ")" : "");
}

/* absent: the verdict for a slot with no upload. */
static void absent(struct ctx *c, const struct doc_slot *s, enum slot_need need,
		struct check_item *it, struct notes *ns)
{
	const char *first;

	switch (need) {
	case SLOT_OPTIONAL:
		it->state = CHECK_OPTIONAL;
		it->why = fmt(c, "optional: %s if you have it", upload_text(c, "upload", s));
		return;
	case SLOT_DEFERRABLE:
		it->state = CHECK_LATER;
		it->why = fmt(c, "may follow after acceptance: %s when you have it",
			      upload_text(c, "upload", s));
		return;
	case SLOT_CONDITIONAL:
		first = why_unknown(c, s);
		break;
	default:
		first = s->need == SLOT_CONDITIONAL && s->when
			? fmt(c, "%s (needed: '%s' holds)", upload_text(c, "Upload", s),
			      cond_label(s->when))
			: upload_text(c, "Upload", s);
		break;
	}
	it->state = CHECK_MISSING;
	/* Findings about the application's own data (the resume) still help. */
	if (ns->n) {
		const char *parts[2] = {first, join(c, ns->text, ns->n, "; ")};
		it->why = join(c, parts, 2, "; ");
	} else {
		it->why = first;
	}
}

static void present(struct ctx *c, const struct docset *ds, struct check_item *it,
		struct notes *ns)
{
	const char *src;

	if (ns->n == 0) {
		it->state = CHECK_OK;
		it->why = fmt(c, "uploaded: %s", files_text(c, ds));
		return;
	}
	it->state = ns->missing ? CHECK_MISSING : CHECK_PROBLEM;
	it->why = join(c, ns->text, ns->n, "; ");
	src = join(c, ns->src, ns->n, "; ");
	if (src)
		it->source = src;
}

static void slot_item(struct ctx *c, const struct doc_slot *s, struct check_item *it)
{
	struct docset ds;
	struct notes ns = {0};
	bool not_needed;
	enum slot_need need = need_of(c, s, &not_needed);

	it->slot = s->id;
	it->name = s->name;
	it->source = s->source;
	gather(c, s, &ds);
	if (not_needed) {
		it->state = CHECK_NOT_NEEDED;
		it->why = fmt(c, "not needed: '%s' does not hold%s", cond_label(s->when),
			      ds.n ? fmt(c, " (%s can be removed)", files_text(c, &ds)) : "");
		return;
	}
	for (size_t i = 0; i < ds.n; i++) {
		rule_file_type(c, ds.v[i], &ns);
		rule_file_name(c, s, ds.v[i], &ns);
		rule_language(c, ds.v[i], &ns);
		rule_issued(c, s, ds.v[i], &ns);
	}
	rule_covers(c, s, &ds, &ns);
	rule_resume(c, s, &ns);
	if (ds.n == 0)
		absent(c, s, need, it, &ns);
	else
		present(c, &ds, it, &ns);
}

/* ---- the window ---- */

static void window_item(struct ctx *c, struct check_item *it)
{
	const struct programme_policy *p = c->pol;
	date_t d = c->app->date;
	const char *win = fmt(c, "the %s window is %s to %s", p->edition ? p->edition : "current",
			      datestr(c, p->window_opens), datestr(c, p->window_closes));

	it->slot = "application_window";
	it->name = "Application window";
	it->source = p->source;
	if (d < p->window_opens) {
		it->state = CHECK_PROBLEM;
		it->why = fmt(c, "%s; %s is before it opens", win, datestr(c, d));
	} else if (d > p->window_closes) {
		it->state = CHECK_PROBLEM;
		it->why = fmt(c, "%s; %s is after it closes", win, datestr(c, d));
	} else {
		it->state = CHECK_OK;
		it->why = fmt(c, "%s; %s is inside it", win, datestr(c, d));
	}
}

/* ---- entry points ---- */

static const struct doc_slot *slot_find(const struct programme_policy *p, const char *id)
{
	for (size_t i = 0; id && i < p->nslots; i++)
		if (strcmp(p->slots[i].id, id) == 0)
			return &p->slots[i];
	return NULL;
}

/* bad_slot: fill *err for documents[i] naming no slot of the programme. */
static void bad_slot(struct ctx *c, size_t i, struct core_error *err)
{
	const struct document *d = &c->app->documents[i];
	const char *valid = NULL;

	for (size_t k = 0; k < c->pol->nslots; k++)
		valid = valid ? fmt(c, "%s, %s", valid, c->pol->slots[k].id)
			      : c->pol->slots[k].id;
	err->path = fmt(c, "documents[%zu].slot", i);
	err->pos = d->pos;
	err->reason = d->slot
		? fmt(c, "'%s' is not a document slot of %s; valid slots: %s", d->slot,
		      c->pol->programme, valid ? valid : "none")
		: fmt(c, "the document names no slot; valid slots of %s: %s",
		      c->pol->programme, valid ? valid : "none");
}

static bool fail_oom(struct core_error *err, struct checklist *out)
{
	memset(out, 0, sizeof *out);
	err->path = "";
	err->pos = (struct srcpos){0, 0};
	err->reason = "out of memory";
	return false;
}

bool checklist_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct checklist *out, struct core_error *err)
{
	struct ctx c = {pol, f, f->app, a, NULL, false};
	size_t n = pol->nslots + (pol->has_window ? 1 : 0);

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < c.app->ndocuments; i++) {
		if (!slot_find(pol, c.app->documents[i].slot)) {
			bad_slot(&c, i, err);
			return c.oom ? fail_oom(err, out) : false;
		}
	}
	c.docs = arena_array(a, c.app->ndocuments, sizeof *c.docs);
	out->items = arena_array(a, n, sizeof *out->items);
	if (!c.docs || !out->items)
		return fail_oom(err, out);
	for (size_t i = 0; i < pol->nslots; i++)
		slot_item(&c, &pol->slots[i], &out->items[i]);
	if (pol->has_window)
		window_item(&c, &out->items[n - 1]);
	if (c.oom)
		return fail_oom(err, out);
	out->nitems = n;
	out->complete = true;
	for (size_t i = 0; i < n; i++)
		if (out->items[i].state == CHECK_MISSING || out->items[i].state == CHECK_PROBLEM)
			out->complete = false;
	return true;
}

const char *check_state_name(enum check_state s)
{
	switch (s) {
	case CHECK_OK: return "ok";
	case CHECK_MISSING: return "missing";
	case CHECK_PROBLEM: return "problem";
	case CHECK_OPTIONAL: return "optional";
	case CHECK_NOT_NEEDED: return "not-needed";
	case CHECK_LATER: return "later";
	}
	return "?";
}
