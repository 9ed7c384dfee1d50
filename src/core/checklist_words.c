/* checklist_words.c - the words of the checklist (checklist.h).
 *
 * checklist_write_why() writes an item's `why` from what checklist_compute()
 * (checklist.c) recorded, its findings with the values they name, straight
 * into the caller's buffer: no formatting happens until a result is shown.
 */
#include "checklist.h"
#include "checklist_impl.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

struct words {
	const struct programme_policy *pol;
	const struct facts *f;
	const struct application *app;
	const struct check_item *it;
	const struct doc_slot *s; /* it->def */
	struct strbuf *sb;
};

static void put(const struct words *w, const char *s)
{
	strbuf_addstr(w->sb, s);
}

static void put_date(const struct words *w, date_t d)
{
	char buf[DATE_FMT_MAX];

	strbuf_add(w->sb, date_format(d, buf), 10); /* YYYY-MM-DD */
}

static void put_month(const struct words *w, month_t m)
{
	char buf[MONTH_FMT_MAX];

	put(w, month_format(m, buf));
}

/* printable_span: how many bytes of s[0..n) from the start are printable
 * ASCII (0x20..0x7e), tested eight at a time: none of them starts a
 * control character (strbuf_control_len), and file names nearly always
 * are all such bytes.  Each word is tested whole: a byte below 0x20
 * borrows into its top bit, one above 0x7e carries into it or has it. */
static size_t printable_span(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (((x - ones * 0x20) | (x + ones * 0x01) | x) & highs)
			break;
	}
	return i;
}

/* put_quoted: "'a.pdf'", with one check for room (most findings quote a
 * file name). */
static void put_quoted(const struct words *w, const char *s)
{
	struct strbuf *sb = w->sb;
	size_t n = strlen(s);
	char *p;

	for (size_t i = printable_span(s, n); i < n; i++) {
		if (strbuf_control_len(s + i)) { /* rare: a name with a control character */
			strbuf_addch(sb, '\'');
			strbuf_add_shown(sb, s);
			strbuf_addch(sb, '\'');
			return;
		}
	}

	if (!strbuf_has_room(sb, n + 2) && !strbuf_grow(sb, n + 2))
		return;
	p = sb->buf + sb->len;
	p[0] = '\'';
	memcpy(p + 1, s, n);
	p[n + 1] = '\'';
	p[n + 2] = '\0';
	sb->len += n + 2;
}

/* put_month_range: "2009-08" or "2009-08 to 2010-01". */
static void put_month_range(const struct words *w, month_t from, month_t to)
{
	put_month(w, from);
	if (from != to) {
		put(w, " to ");
		put_month(w, to);
	}
}

/* put_gaps: "2009-08, 2011-01 to 2011-03 and 2015-06" (the gaps a note
 * names), then " (and 2 more gaps)" for the rest. */
static void put_gaps(const struct words *w, const struct check_note *n)
{
	for (size_t i = 0; i < n->ngaps; i++) {
		if (i)
			put(w, i + 1 == n->ngaps && n->more == 0 ? " and " : ", ");
		put_month_range(w, n->from[i], n->to[i]);
	}
	if (n->more == 0)
		return;
	put(w, " (and ");
	strbuf_add_uint(w->sb, n->more);
	put(w, n->more == 1 ? " more gap)" : " more gaps)");
}

/* put_the_name: "the employment contract" from "Employment contract": the
 * first letter lowered unless the second is a capital too ("PDF ..."); no
 * "the" before a name that has an article already. */
static void put_the_name(const struct words *w)
{
	const char *name = w->s->name && *w->s->name ? w->s->name : w->s->id;
	char first = name[0];
	static const char *const articles[] = {"the ", "a ", "an ", "your "};
	bool article = false;

	if (first >= 'A' && first <= 'Z' && !(name[1] >= 'A' && name[1] <= 'Z'))
		first = lower(first);
	for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++)
		if (lower(name[0]) == articles[i][0] &&
		    ieq_lowered(name, articles[i], strlen(articles[i])))
			article = true;
	if (!article)
		put(w, "the ");
	if (first) {
		strbuf_addch(w->sb, first);
		put(w, name + 1);
	}
}

/* put_type_words: "PDF", "PDF or PNG"; false (nothing written) when the
 * policy lists no types. */
static bool put_type_words(const struct words *w)
{
	const struct doc_rules *r = &w->pol->docrules;

	for (size_t i = 0; i < r->nfile_types; i++) {
		const char *t = type_ext(r->file_types[i]);
		char up[16];
		size_t n = 0;

		if (i)
			put(w, " or ");
		for (; *t; t++) { /* upper case, a few letters at a time */
			up[n++] = upper(*t);
			if (n == sizeof up) {
				strbuf_add(w->sb, up, n);
				n = 0;
			}
		}
		strbuf_add(w->sb, up, n);
	}
	return r->nfile_types > 0;
}

/* put_upload: "Upload the employment contract as PDF" (verb as given). */
static void put_upload(const struct words *w, const char *verb)
{
	put(w, verb);
	put(w, " ");
	put_the_name(w);
	if (w->pol->docrules.nfile_types) {
		put(w, " as ");
		put_type_words(w);
	}
}

/* put_files: the item's uploads, "'a.pdf'" or "'a.pdf', 'b.pdf'". */
static void put_files(const struct words *w)
{
	for (size_t i = 0; i < w->it->nuploads; i++) {
		if (i)
			put(w, ", ");
		put_quoted(w, w->it->uploads[i]->file);
	}
}

/* put_example_name: "passport-anna-example.pdf" from the slot id and the
 * applicant's name (ASCII lowered, separators as '-', other bytes kept). */
static void put_example_name(const struct words *w)
{
	const char *who = w->app->applicant.name ? w->app->applicant.name : "";
	const struct doc_rules *r = &w->pol->docrules;
	struct strbuf *sb = w->sb;
	size_t start = sb->len;

	for (const char *p = w->s->id; *p; p++)
		strbuf_addch(sb, *p == '_' ? '-' : lower(*p));
	if (*who)
		strbuf_addch(sb, '-');
	for (const char *p = who; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		bool sep = ch == ' ' || ch == '-' || ch == '_' || ch == '.';
		size_t control = strbuf_control_len(p);

		if (control) { /* never into a file name we suggest */
			p += control - 1;
			continue;
		}

		if (sep && sb->len > start && sb->buf[sb->len - 1] != '-')
			strbuf_addch(sb, '-');
		else if (ch >= 0x80 || (ch >= '0' && ch <= '9') || lower(*p) != upper(*p))
			strbuf_addch(sb, lower(*p));
	}
	while (sb->len > start && sb->buf[sb->len - 1] == '-')
		strbuf_setlen(sb, sb->len - 1);
	put(w, ".");
	put(w, r->nfile_types ? type_ext(r->file_types[0]) : "pdf");
}

static const char *cond_label(const struct predicate *p)
{
	if (p->label)
		return p->label;
	return p->fact ? p->fact : "the condition of this document";
}

/* deciding_fact: the first fact under p that the application leaves open. */
static const char *deciding_fact(const struct predicate *p, const struct facts *f)
{
	struct fact_value v;

	if (p->fact)
		return !facts_lookup(f, p->fact_id, p->fact, &v) || v.type == FACT_MISSING
			? p->fact : NULL;
	for (size_t i = 0; i < p->nsubs; i++) {
		const char *name = deciding_fact(&p->subs[i], f);

		if (name)
			return name;
	}
	return NULL;
}

/* put_note: the sentence of one finding. */
static void put_note(const struct words *w, const struct check_note *n)
{
	const struct doc_slot *s = w->s;
	const struct doc_rules *r = &w->pol->docrules;
	date_t date = w->app->date;
	const char *file = n->doc ? n->doc->file : "";

	switch (n->code) {
	case NOTE_FILE_TYPE:
		put_quoted(w, file);
		put(w, " must be a ");
		for (size_t i = 0; i < r->nfile_types; i++) {
			put(w, i ? " or ." : ".");
			put(w, type_ext(r->file_types[i]));
		}
		put(w, " file: upload it as "); /* the policy lists types, or none fails */
		put_type_words(w);
		return;
	case NOTE_FILE_NAME:
		put(w, "rename ");
		put_quoted(w, file);
		put(w, " to say what it is, e.g. '");
		put_example_name(w);
		put(w, "'");
		return;
	case NOTE_LANGUAGE:
		put_quoted(w, file);
		put(w, " is in language ");
		put_quoted(w, n->doc->language);
		put(w, ": a certified Chinese translation with the translation company's seals "
		    "is needed");
		return;
	case NOTE_LANGUAGE_UNSAID:
		put(w, "say which language ");
		put_quoted(w, file);
		put(w, " is in (\"language\": an ISO 639-1 code such as \"zh\" or \"en\"): "
		    "a document not in Chinese needs a certified Chinese translation");
		return;
	case NOTE_ISSUED_NONE:
		put_quoted(w, file);
		put(w, " has no issue date: give the date it was issued; it must be issued "
		    "within ");
		strbuf_add_uint(w->sb, (unsigned)s->issued_within_months);
		put(w, " months before the application date, ");
		put_date(w, date_within_months_from(date, s->issued_within_months));
		put(w, " to ");
		put_date(w, date);
		return;
	case NOTE_ISSUED_AFTER:
		put_quoted(w, file);
		put(w, " is dated ");
		put_date(w, n->doc->issued);
		put(w, ", after the application date ");
		put_date(w, date);
		return;
	case NOTE_ISSUED_BEFORE:
		put_quoted(w, file);
		put(w, " was issued ");
		put_date(w, n->doc->issued);
		put(w, ", more than ");
		strbuf_add_uint(w->sb, (unsigned)s->issued_within_months);
		put(w, " months before the application date ");
		put_date(w, date);
		put(w, ": it must be issued on or after ");
		put_date(w, date_within_months_from(date, s->issued_within_months));
		return;
	case NOTE_COVERS_UNSAID:
	case NOTE_COVERS_GAP: {
		size_t nfiles = w->it->nuploads;
		month_t now = month_of(date);

		if (nfiles == 1) {
			put_files(w);
		} else {
			put(w, "the files (");
			put_files(w);
			put(w, ")");
		}
		if (n->code == NOTE_COVERS_UNSAID) {
			put(w, nfiles == 1 ? " does not say which months it covers: "
					   : " do not say which months they cover: ");
		} else {
			put(w, nfiles == 1 ? " does not cover " : " do not cover ");
			put_gaps(w, n);
			put(w, ": ");
		}
		put_the_name(w);
		put(w, " must cover every month of the ");
		strbuf_add_uint(w->sb, (unsigned)s->covers_years_before);
		put(w, " years before the application date, ");
		put_month(w, now - s->covers_years_before * 12);
		put(w, " to ");
		put_month(w, now - 1);
		return;
	}
	case NOTE_RESUME_NO_BIRTH:
		put(w, "the birth date is needed to check that the resume runs month by month "
		    "from age ");
		strbuf_add_uint(w->sb, (unsigned)s->resume_from_age);
		put(w, ": give applicant.birth_date");
		return;
	case NOTE_RESUME_EMPTY:
	case NOTE_RESUME_GAP: {
		month_t lo = month_of(w->app->applicant.birth_date) + s->resume_from_age * 12;

		if (n->code == NOTE_RESUME_EMPTY) {
			put(w, "the resume has no entries (applicant.resume): ");
		} else {
			put(w, "no entry covers ");
			put_gaps(w, n);
			put(w, ": ");
		}
		put(w, "the resume must be consecutive month by month from age ");
		strbuf_add_uint(w->sb, (unsigned)s->resume_from_age);
		put(w, " (");
		put_month(w, lo);
		put(w, ") to now (");
		put_month(w, month_of(date));
		put(w, ")");
		return;
	}
	}
}

/* same_text: sb->buf[a..a+n) equals sb->buf[b..b+n). */
static bool same_text(const struct strbuf *sb, size_t a, size_t b, size_t n)
{
	return memcmp(sb->buf + a, sb->buf + b, n) == 0;
}

/* put_notes: the findings joined with "; ", a sentence already given
 * dropped (two uploads of one file say the same); false when none. */
static bool put_notes(const struct words *w, const struct check_item *it, struct arena *scratch)
{
	struct strbuf *sb = w->sb;
	size_t first[16], *at = first; /* where each kept sentence starts; its end */
	size_t *end, kept = 0;

	if (it->nnotes > sizeof first / sizeof first[0] / 2) {
		at = scratch ? arena_array(scratch, it->nnotes * 2, sizeof *at) : NULL;
		if (!at) {
			sb->failed = true;
			return true;
		}
	}
	end = at + it->nnotes;
	for (size_t i = 0; i < it->nnotes && !sb->failed; i++) {
		size_t mark = sb->len, start, len;
		bool dup = false;

		if (kept)
			put(w, "; ");
		start = sb->len;
		put_note(w, &it->notes[i]);
		len = sb->len - start;
		for (size_t k = 0; k < kept && !dup; k++)
			dup = end[k] - at[k] == len && same_text(sb, at[k], start, len);
		if (dup) {
			strbuf_setlen(sb, mark);
			continue;
		}
		at[kept] = start;
		end[kept++] = sb->len;
	}
	return kept > 0;
}

/* put_first_and_notes: `first` (already written from `from` on), then the
 * findings, unless they say exactly what `first` says. */
static void put_then_notes(const struct words *w, const struct check_item *it, size_t from,
		struct arena *scratch)
{
	struct strbuf *sb = w->sb;
	size_t end = sb->len, start;

	if (!it->nnotes)
		return;
	put(w, "; ");
	start = sb->len;
	if (!put_notes(w, it, scratch) ||
	    (sb->len - start == end - from && same_text(sb, from, start, end - from)))
		strbuf_setlen(sb, end);
}

static void put_window(const struct words *w, const struct check_item *it)
{
	const struct programme_policy *p = w->pol;
	date_t d = w->app->date;

	/* "the 2025 window is 2025-11-27 to 2026-01-16; " */
	strbuf_add(w->sb, p->docrules.window_head, p->docrules.window_head_len);
	put_date(w, d);
	put(w, checklist_window_end(p, it->state, d));
}

const char *checklist_window_end(const struct programme_policy *pol, enum check_state s,
		date_t d)
{
	if (s == CHECK_OK)
		return " is inside it";
	return d < pol->window_opens ? " is before it opens" : " is after it closes";
}

void checklist_write_why(const struct programme_policy *pol, const struct facts *f,
		const struct check_item *it, struct arena *scratch, struct strbuf *out)
{
	struct words w = {pol, f, f->app, it, it->def, out};
	size_t from = out->len;

	assert(pol->docrules.derived);
	if (it->whykind == WHY_WINDOW || !it->def) {
		put_window(&w, it);
		return;
	}
	switch (it->whykind) {
	case WHY_UPLOADED:
		put(&w, "uploaded: ");
		put_files(&w);
		return;
	case WHY_NOTES:
		put_notes(&w, it, scratch);
		return;
	case WHY_OPTIONAL:
		put(&w, "optional: ");
		put_upload(&w, "upload");
		put(&w, " if you have it");
		return;
	case WHY_LATER:
		put(&w, "may follow after acceptance: ");
		put_upload(&w, "upload");
		put(&w, " when you have it");
		return;
	case WHY_NOT_NEEDED:
		put(&w, "not needed: '");
		put(&w, cond_label(it->def->when));
		put(&w, "' does not hold");
		if (it->nuploads) {
			put(&w, " (");
			put_files(&w);
			put(&w, " can be removed)");
		}
		return;
	case WHY_ANSWER_FIRST: {
		const char *fact = deciding_fact(it->def->when, f);

		put(&w, "answer '");
		put(&w, cond_label(it->def->when));
		put(&w, "'");
		if (fact) {
			put(&w, " (");
			put(&w, fact);
			put(&w, ")");
		}
		put(&w, " first: it decides whether ");
		put_the_name(&w);
		put(&w, " must be uploaded");
		if (pol->docrules.nfile_types) {
			put(&w, " (as ");
			put_type_words(&w);
			put(&w, ")");
		}
		put_then_notes(&w, it, from, scratch);
		return;
	}
	case WHY_UPLOAD:
		put_upload(&w, "Upload");
		if (it->def->need == SLOT_CONDITIONAL && it->def->when) {
			put(&w, " (needed: '");
			put(&w, cond_label(it->def->when));
			put(&w, "' holds)");
		}
		put_then_notes(&w, it, from, scratch);
		return;
	case WHY_WINDOW:
		return;
	}
}

void checklist_write_slot_why(const struct programme_policy *pol, const struct doc_slot *s,
		enum check_why kind, struct strbuf *out)
{
	struct check_item it = {.def = s, .whykind = kind};
	struct facts none = {0}; /* these sentences name nothing of the application */

	checklist_write_why(pol, &none, &it, NULL, out);
}

void checklist_write_files(const struct check_item *it, struct strbuf *out)
{
	struct words w = {.it = it, .sb = out};

	put_files(&w);
}

struct why_arg {
	const struct programme_policy *pol;
	const struct facts *f;
	const struct check_item *it;
	struct arena *a;
};

static void write_why(struct strbuf *sb, const void *arg)
{
	const struct why_arg *x = arg;

	checklist_write_why(x->pol, x->f, x->it, x->a, sb);
}

bool checklist_texts(const struct programme_policy *pol, const struct facts *f,
		struct checklist *cl, struct arena *a)
{
	for (size_t i = 0; i < cl->nitems; i++) {
		struct why_arg x = {pol, f, &cl->items[i], a};

		cl->items[i].why = strbuf_render(a, write_why, &x);
		if (!cl->items[i].why)
			return false;
	}
	return true;
}
