/* checklist.c - see checklist.h.
 *
 * Layout: small helpers, file-name helpers (type, stem, UTF-8 letters),
 * then the checks: one static function per rule, each adding its findings
 * (struct check_note: a code and the values it names) to a `notes` list;
 * the verdict of one slot, the window item, what checklist_derive() works
 * out once per policy, and checklist_compute.  Then the words:
 * checklist_write_why() writes an item's `why` from its findings, only
 * when it is shown.  Computing formats nothing: most items of most
 * applications are "Upload the ... as PDF", and writing ~40 such sentences
 * per application cost more than all the checks together.
 * A failed allocation latches ctx.oom and the caller reports "out of
 * memory" once at the end.
 *
 * What runs per application is kept small; checklist_derive() works out
 * at load what does not depend on the application: the policy's strings
 * measured and lowered, the generic names by first letter, the slots by id
 * (a hash table), and each slot's item for an application that uploads
 * nothing for it.  checklist_compute() then looks each document's slot up
 * once, copies the items of the slots without uploads (most of them), and
 * checks only the slots that have uploads or look at the application
 * anyway (a condition, the resume).  The items list their uploads, so the
 * words need not search the documents again.
 */
#include "checklist.h"
#include "checklist_impl.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

struct ctx {
	const struct programme_policy *pol;
	const struct facts *f;
	const struct application *app;
	struct arena *a;
	bool oom;
	/* Each slot's uploads (documents with a file) as a list in document
	 * order: first[s] is the first one's index + 1 (0: none), next[i] the
	 * one after documents[i]. */
	size_t *first, *next;
	const struct document **uploads; /* the lists in arrays, uploads[0..nup) */
	size_t nup;
	size_t nincomplete; /* items missing or with a problem */
};

/* The findings of one item. */
struct notes {
	struct check_note *v;
	size_t n, cap;
	bool missing; /* a finding that makes the item missing, not a problem */
};

/* The uploads of one slot. */
struct docset {
	const struct document *const *v;
	size_t n;
};

struct span {
	month_t from, to; /* inclusive */
};

/* ---- small helpers ---- */

static void note(struct ctx *c, struct notes *ns, enum check_note_code code,
		const struct document *doc)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 4;
		struct check_note *v = arena_array(c->a, cap, sizeof *v);

		if (!v) {
			c->oom = true;
			return;
		}
		if (ns->n)
			memcpy(v, ns->v, ns->n * sizeof *v);
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n++] = (struct check_note){.code = code, .doc = doc};
}

static void note_gap(struct ctx *c, struct notes *ns, enum check_note_code code,
		const struct check_note *gaps)
{
	note(c, ns, code, NULL);
	if (!c->oom) {
		struct check_note *n = &ns->v[ns->n - 1];

		memcpy(n->from, gaps->from, sizeof n->from);
		memcpy(n->to, gaps->to, sizeof n->to);
		n->ngaps = gaps->ngaps;
		n->more = gaps->more;
	}
}

/* ieq: x and y are the same but for ASCII case (one pass, no strlen). */
static bool ieq(const char *x, const char *y)
{
	for (;; x++, y++) {
		if (lower(*x) != lower(*y))
			return false;
		if (!*x)
			return true;
	}
}

/* ---- file names ---- */

/* split_name: the base name of file (after its last '/' or '\\'); in *len
 * the length of file and in *stem the length of the base name's stem
 * (before its last dot).  Most names have no directory part: one strcspn
 * tells so and gives the length, and the dot is a few bytes from the end. */
static inline const char *split_name(const char *file, size_t *len, size_t *stem)
{
	size_t n = strcspn(file, "/\\"), b = 0, i;

	if (file[n]) { /* a directory part: the base name follows the last separator */
		n += strlen(file + n);
		for (b = n; file[b - 1] != '/' && file[b - 1] != '\\'; b--)
			;
	}
	for (i = n; i > b && file[i - 1] != '.'; i--)
		;
	*len = n;
	*stem = (i > b ? i - 1 : n) - b;
	return file + b;
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

/* ascii_noise: is_noise() of an ASCII byte, without the search (most
 * names are ASCII). */
static inline bool ascii_noise(unsigned char b)
{
	return b == ' ' || b == '#' || (b >= '(' && b <= ')') || (b >= '+' && b <= '.') ||
	       (b >= '0' && b <= '9') || b == '[' || b == ']' || b == '_' || b == '~';
}

static bool only_noise(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = (unsigned char)s[i];

		if (b < 0x80) {
			if (!ascii_noise(b))
				return false;
			i++;
		} else if (!is_noise(utf8_next((const unsigned char *)s, n, &i))) {
			return false;
		}
	}
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

static bool ascii_letter(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* more_letters: has_letters() from s[i] on, `letters` counted before it.
 * Out of line, so that has_letters() stays small enough to inline. */
static __attribute__((noinline)) bool more_letters(const char *s, size_t n, size_t i,
		size_t letters, size_t want)
{
	while (i < n && letters < want) {
		uint32_t cp;

		if ((unsigned char)s[i] < 0x80) {
			letters += ascii_letter(s[i++]);
			continue;
		}
		cp = utf8_next((const unsigned char *)s, n, &i);
		letters += is_letter(cp) ? (is_ideograph(cp) ? 2 : 1) : 0;
	}
	return letters >= want;
}

/* has_letters: s[0..n) has at least `want` letters (an ideograph counts
 * twice); stops as soon as it has them.  The names of most files are
 * ASCII: their letters are counted here, the rest by more_letters(). */
static bool has_letters(const char *s, size_t n, size_t want)
{
	size_t i = 0, letters = 0;

	for (; i < n && (unsigned char)s[i] < 0x80; i++)
		if (ascii_letter(s[i]) && ++letters == want)
			return true;
	return i < n && more_letters(s, n, i, letters, want);
}

/* noise_len: the length of the digit or separator at s[i] (is_noise), or 0. */
static inline size_t noise_len(const char *s, size_t n, size_t i)
{
	size_t j = i;

	if ((unsigned char)s[i] < 0x80)
		return ascii_noise((unsigned char)s[i]);
	return is_noise(utf8_next((const unsigned char *)s, n, &j)) ? j - i : 0;
}

/* A longer stem is judged by its first GENERIC_STEM_MAX bytes. */
#define GENERIC_STEM_MAX 512

/* reach_mark: position j of generic_run() is reached; the positions
 * between the furthest reached so far and j are cleared first, so that
 * every reach[i] with i <= *far has been written. */
static inline void reach_mark(bool *reach, size_t *far, size_t j)
{
	while (*far < j)
		reach[++*far] = false;
	reach[j] = true;
}

/* generic_run: stem[0..n) is a run of generic names, digits and
 * separators.  reach[i]: stem[0..i) is such a run; at each reached
 * position only the generic names with that byte are tried, so most stems
 * stop at their first byte, and reach[] is cleared only as far as it is
 * reached (reach_mark), not all of it first. */
static bool generic_run(const struct doc_rules *r, const char *stem, size_t n)
{
	bool reach[GENERIC_STEM_MAX + 1];
	size_t far = 0; /* the furthest position reached */

	assert(n <= GENERIC_STEM_MAX);
	reach[0] = true;
	for (size_t i = 0; i < n && i <= far; i++) {
		unsigned char first;
		size_t nl;

		if (!reach[i])
			continue;
		if ((nl = noise_len(stem, n, i)))
			reach_mark(reach, &far, i + nl);
		first = (unsigned char)lower(stem[i]);
		for (size_t k = r->generic_at[first]; k < r->generic_at[first + 1]; k++) {
			size_t gl = r->generic_sorted_lens[k];

			if (gl <= n - i && ieq_lowered(stem + i, r->generic_sorted[k], gl))
				reach_mark(reach, &far, i + gl);
		}
	}
	return far == n; /* far is always a reached position */
}

/* generic_stem: the stem is made of generic names, digits and separators
 * only: "scan001", "IMG_1234", "New Document (2)", "newfile", "新建文件".
 * Two generic words say no more than one ("New Document.pdf" is not a
 * description); one other word is enough ("scan-of-passport").  A stem of
 * digits and separators alone is generic when "" is a generic name.
 * (A stem of digits alone fails the three-letter rule anyway.) */
static bool generic_stem(const struct doc_rules *r, const char *stem, size_t n)
{
	bool run = generic_run(r, stem, n < GENERIC_STEM_MAX ? n : GENERIC_STEM_MAX);

	/* Digits and separators alone are a run, so a whole stem that is no
	 * run has something else: most names are decided without a scan
	 * for that. */
	if (!run && n <= GENERIC_STEM_MAX)
		return false;
	return only_noise(stem, n) ? r->generic_empty : run;
}

/* type_suffix: the length of ".<an accepted type>" that stem[0..n) ends
 * in, or 0. */
static inline size_t type_suffix(const struct doc_rules *r, const char *stem, size_t n)
{
	for (size_t i = 0; i < r->nfile_types; i++) {
		size_t tl = r->type_lens[i];

		if (tl && n > tl + 1 && stem[n - tl - 1] == '.' &&
		    ieq_lowered(stem + n - tl, r->type_exts[i], tl))
			return tl + 1;
	}
	return 0;
}

/* stem_descriptive: the file-name rule on a stem (checklist.h).  A type
 * named twice does not describe anything: "scan001.pdf.pdf" is judged as
 * "scan001". */
static inline bool stem_descriptive(const struct doc_rules *r, const char *stem, size_t n)
{
	size_t cut;

	while ((cut = type_suffix(r, stem, n)))
		n -= cut;
	return has_letters(stem, n, 3) && !generic_stem(r, stem, n);
}

/* type_accepted: checklist_type_accepted() on file of length fl. */
static inline bool type_accepted(const struct doc_rules *r, const char *file, size_t fl)
{
	if (r->nfile_types == 0)
		return true;
	for (size_t i = 0; i < r->nfile_types; i++) {
		size_t tl = r->type_lens[i];

		if (tl && fl > tl && file[fl - tl - 1] == '.' &&
		    ieq_lowered(file + fl - tl, r->type_exts[i], tl))
			return true;
	}
	return false;
}

bool checklist_name_descriptive(const struct doc_rules *r, const char *file)
{
	size_t len, n;
	const char *base = split_name(file, &len, &n);

	assert(r->derived);
	return stem_descriptive(r, base, n);
}

bool checklist_type_accepted(const struct doc_rules *r, const char *file)
{
	assert(r->derived);
	return type_accepted(r, file, strlen(file));
}

/* ---- rules on one document ---- */

/* rule_file: the file type, then the file name (one split of the name). */
static void rule_file(struct ctx *c, const struct document *d, struct notes *ns)
{
	const struct doc_rules *r = &c->pol->docrules;
	size_t len, n;
	const char *base = split_name(d->file, &len, &n);

	if (!type_accepted(r, d->file, len))
		note(c, ns, NOTE_FILE_TYPE, d);
	if (!stem_descriptive(r, base, n))
		note(c, ns, NOTE_FILE_NAME, d);
}

/* native_language: no translation is needed (a translation is attached,
 * or the language is one of the native ones). */
static bool native_language(const struct doc_rules *r, const struct document *d)
{
	if (d->translated == TRI_TRUE)
		return true;
	for (size_t i = 0; d->language && i < r->nnative_languages; i++)
		if (ieq(d->language, r->native_languages[i]))
			return true;
	return false;
}

/* rule_language: a document in another language needs a translation; one
 * whose language is not said cannot be judged, which is an answer the
 * check needs (the item is missing it), not a document to pass. */
static void rule_language(struct ctx *c, const struct doc_slot *s, const struct document *d,
		struct notes *ns)
{
	if (s->pictures || native_language(&c->pol->docrules, d))
		return; /* a photo has no language to say */
	if (!d->language || !*d->language) {
		ns->missing = true;
		note(c, ns, NOTE_LANGUAGE_UNSAID, d);
		return;
	}
	note(c, ns, NOTE_LANGUAGE, d);
}

static void rule_issued(struct ctx *c, const struct doc_slot *s, const struct document *d,
		struct notes *ns)
{
	int months = s->issued_within_months;
	date_t date = c->app->date;

	if (months <= 0)
		return;
	if (!d->has_issued) {
		ns->missing = true; /* an answer the check needs, as the language */
		note(c, ns, NOTE_ISSUED_NONE, d);
	}
	else if (d->issued > date)
		note(c, ns, NOTE_ISSUED_AFTER, d);
	else if (d->issued < date_within_months_from(date, months))
		note(c, ns, NOTE_ISSUED_BEFORE, d);
}

/* ---- continuity of months ---- */

/* find_gaps: the first runs of months in [lo, hi] no span covers, into
 * g (its from, to and ngaps; more counts the runs after them); false when
 * every month is covered. */
static bool find_gaps(const struct span *s, size_t n, month_t lo, month_t hi,
		struct check_note *g)
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
		if (gaps < CHECK_NOTE_GAPS) {
			g->from[gaps] = cur;
			g->to[gaps] = next - 1;
		}
		gaps++;
		cur = next;
	}
	g->ngaps = gaps < CHECK_NOTE_GAPS ? gaps : CHECK_NOTE_GAPS;
	g->more = gaps - g->ngaps;
	return gaps > 0;
}

static void rule_covers(struct ctx *c, const struct doc_slot *s, const struct docset *ds,
		struct notes *ns)
{
	int years = s->covers_years_before;
	month_t hi, lo;
	struct check_note gaps;
	struct span *sp;
	size_t n = 0;

	if (years <= 0 || ds->n == 0)
		return;
	hi = month_of(c->app->date) - 1;
	lo = hi + 1 - years * 12;
	sp = arena_array(c->a, ds->n, sizeof *sp);
	if (!sp) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < ds->n; i++)
		if (ds->v[i]->has_covers && ds->v[i]->covers_from <= ds->v[i]->covers_to)
			sp[n++] = (struct span){ds->v[i]->covers_from, ds->v[i]->covers_to};
	if (n == 0) {
		ns->missing = true; /* an answer the check needs, as the language */
		note(c, ns, NOTE_COVERS_UNSAID, NULL);
	}
	else if (find_gaps(sp, n, lo, hi, &gaps))
		note_gap(c, ns, NOTE_COVERS_GAP, &gaps);
}

/* rule_resume: applicant.resume runs month by month from age N to now. */
static void rule_resume(struct ctx *c, const struct doc_slot *s, struct notes *ns)
{
	const struct applicant *ap = &c->app->applicant;
	int age = s->resume_from_age;
	month_t lo, hi;
	struct check_note gaps;
	struct span *sp;
	size_t n = 0;

	if (age <= 0)
		return;
	hi = month_of(c->app->date);
	if (!ap->has_birth_date) {
		ns->missing = true;
		note(c, ns, NOTE_RESUME_NO_BIRTH, NULL);
		return;
	}
	lo = month_of(ap->birth_date) + age * 12;
	if (lo > hi)
		return; /* not yet that age: nothing to cover */
	sp = arena_array(c->a, ap->nresume ? ap->nresume : 1, sizeof *sp);
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
		note(c, ns, NOTE_RESUME_EMPTY, NULL);
	else if (find_gaps(sp, n, lo, hi, &gaps))
		note_gap(c, ns, NOTE_RESUME_GAP, &gaps);
}

/* ---- one slot ---- */

/* need_of: the slot's need for this application: SLOT_REQUIRED, OPTIONAL,
 * DEFERRABLE, or CONDITIONAL when the condition is unknown; *not_needed
 * when the condition does not hold. */
static enum slot_need need_of(const struct facts *f, const struct doc_slot *s, bool *not_needed)
{
	*not_needed = false;
	if (s->need != SLOT_CONDITIONAL || !s->when)
		return s->need == SLOT_CONDITIONAL ? SLOT_REQUIRED : s->need;
	switch (predicate_eval(s->when, f)) {
	case TRI_TRUE:
		return SLOT_REQUIRED;
	case TRI_FALSE:
		*not_needed = true;
		return SLOT_OPTIONAL;
	default:
		return SLOT_CONDITIONAL;
	}
}

/* note_source: the clause a finding rests on. */
static const char *note_source(const struct programme_policy *pol, const struct doc_slot *s,
		enum check_note_code code)
{
	switch (code) {
	case NOTE_FILE_TYPE: return pol->docrules.source_format;
	case NOTE_FILE_NAME: return pol->docrules.source_names;
	case NOTE_LANGUAGE:
	case NOTE_LANGUAGE_UNSAID: return pol->docrules.source_translation;
	default: return s->source;
	}
}

/* notes_source: the clauses of the findings, each once, joined with "; ";
 * NULL when none has one.  There are at most four different clauses (the
 * slot's and three document rules'), usually one, which is used as it is. */
static const char *notes_source(struct ctx *c, const struct doc_slot *s, const struct notes *ns)
{
	const char *v[8];
	size_t n = 0, len = 0, used = 0;
	char *out;

	for (size_t i = 0; i < ns->n; i++) {
		const char *src = note_source(c->pol, s, ns->v[i].code);
		size_t k = 0;

		while (src && k < n && strcmp(v[k], src) != 0)
			k++;
		if (src && k == n && n < sizeof v / sizeof v[0])
			v[n++] = src;
	}
	if (n <= 1)
		return n ? v[0] : NULL;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 2;
	out = arena_alloc(c->a, len + 1);
	if (!out) {
		c->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]);

		if (i) {
			memcpy(out + used, "; ", 2);
			used += 2;
		}
		memcpy(out + used, v[i], l);
		used += l;
	}
	out[used] = '\0';
	return out;
}

/* absent: the verdict for a slot with no upload. */
static void absent(enum slot_need need, struct check_item *it)
{
	switch (need) {
	case SLOT_OPTIONAL:
		it->state = CHECK_OPTIONAL;
		it->whykind = WHY_OPTIONAL;
		return;
	case SLOT_DEFERRABLE:
		it->state = CHECK_LATER;
		it->whykind = WHY_LATER;
		return;
	case SLOT_CONDITIONAL:
		it->state = CHECK_MISSING;
		it->whykind = WHY_ANSWER_FIRST;
		return;
	default:
		/* Findings about the application's own data (the resume) are
		 * told after the upload, as they still help. */
		it->state = CHECK_MISSING;
		it->whykind = WHY_UPLOAD;
		return;
	}
}

static void present(struct ctx *c, const struct doc_slot *s, struct check_item *it,
		struct notes *ns)
{
	const char *src;

	if (ns->n == 0) {
		it->state = CHECK_OK;
		it->whykind = WHY_UPLOADED;
		return;
	}
	it->state = ns->missing ? CHECK_MISSING : CHECK_PROBLEM;
	it->whykind = WHY_NOTES;
	src = notes_source(c, s, ns);
	if (src)
		it->source = src;
}

/* slot_verdict: the verdict of slot s, whose uploads are ds, in *it (whose
 * slot, name, source and def are set). */
static void slot_verdict(struct ctx *c, const struct doc_slot *s, struct docset ds,
		struct check_item *it)
{
	struct notes ns = {0};
	bool not_needed;
	enum slot_need need = need_of(c->f, s, &not_needed);

	it->uploads = ds.v;
	it->nuploads = ds.n;
	if (not_needed) {
		it->state = CHECK_NOT_NEEDED;
		it->whykind = WHY_NOT_NEEDED;
		return;
	}
	for (size_t i = 0; i < ds.n; i++) {
		rule_file(c, ds.v[i], &ns);
		rule_language(c, s, ds.v[i], &ns);
		rule_issued(c, s, ds.v[i], &ns);
	}
	rule_covers(c, s, &ds, &ns);
	rule_resume(c, s, &ns);
	/* Optional and deferrable slots without an upload say only that. */
	if (ds.n == 0 && (need == SLOT_OPTIONAL || need == SLOT_DEFERRABLE))
		ns.n = 0;
	it->notes = ns.n ? ns.v : NULL;
	it->nnotes = ns.n;
	if (ds.n == 0)
		absent(need, it);
	else
		present(c, s, it, &ns);
}

/* ---- the window ---- */

const char checklist_window_slot[] = "application_window";

static void window_item(struct ctx *c, struct check_item *it)
{
	const struct programme_policy *p = c->pol;
	date_t d = c->app->date;

	*it = (struct check_item){
		.slot = checklist_window_slot,
		.name = "Application window",
		.source = p->window_source,
		.whykind = WHY_WINDOW,
		.state = d < p->window_opens || d > p->window_closes ? CHECK_PROBLEM : CHECK_OK,
	};
}

/* ---- what the policy says once (checklist_derive) ---- */

/* slot_hash: where slot id (of length len) starts its search in
 * docrules.slot_table, from its length and its first and last bytes: those
 * tell a programme's slots apart almost always, and the search compares
 * the whole id anyway. */
static size_t slot_hash(const char *id, size_t len)
{
	uint32_t k = (uint32_t)(unsigned char)id[0] |
		     (uint32_t)(unsigned char)id[len ? len - 1 : 0] << 8 | (uint32_t)len << 16;

	return (k * 0x9E3779B1u) >> 16;
}

/* slot_index: the index in p->slots of the slot named id (the first, were
 * two named alike), or p->nslots when there is none. */
static size_t slot_index(const struct programme_policy *p, const char *id)
{
	const struct doc_rules *r = &p->docrules;
	size_t len;

	if (!id)
		return p->nslots;
	len = strlen(id);
	for (size_t h = slot_hash(id, len) & r->slot_mask; r->slot_table[h];
	     h = (h + 1) & r->slot_mask) {
		const struct doc_slot *s = &p->slots[r->slot_table[h] - 1];

		if (s->id_len == len && memcmp(s->id, id, len) == 0)
			return r->slot_table[h] - 1;
	}
	return p->nslots;
}

/* lowered: a copy of s[0..n) in a, ASCII letters lowered. */
static char *lowered(struct arena *a, const char *s, size_t n)
{
	char *low = arena_strndup(a, s, n);

	for (size_t i = 0; low && i < n; i++)
		low[i] = lower(low[i]);
	return low;
}

/* derive_generic: r's generic names lowered, by first byte (a counting
 * sort; the order within one first byte does not matter). */
static bool derive_generic(struct doc_rules *r, struct arena *a)
{
	size_t n = r->ngeneric_names;
	uint32_t *at = arena_array(a, 257, sizeof *at);

	r->generic_sorted = arena_array(a, n ? n : 1, sizeof *r->generic_sorted);
	r->generic_sorted_lens = arena_array(a, n ? n : 1, sizeof *r->generic_sorted_lens);
	if (!at || !r->generic_sorted || !r->generic_sorted_lens || n >= UINT32_MAX)
		return false;
	r->generic_empty = false;
	for (size_t i = 0; i < n; i++) /* how many start with each byte, */
		at[(unsigned char)lower(r->generic_names[i][0])] += r->generic_names[i][0] != '\0';
	for (size_t b = 1; b < 257; b++) /* where each byte's run ends, */
		at[b] += at[b - 1];
	for (size_t i = 0; i < n; i++) { /* and at[b] becomes its start */
		const char *g = r->generic_names[i];
		size_t gl = strlen(g), k;

		if (gl == 0) {
			r->generic_empty = true;
			continue;
		}
		k = --at[(unsigned char)lower(g[0])];
		r->generic_sorted_lens[k] = gl;
		if (!(r->generic_sorted[k] = lowered(a, g, gl)))
			return false;
	}
	r->generic_at = at;
	return true;
}

/* idle_item: slot s's item when nothing is uploaded for it, as far as the
 * policy alone says (all of it unless s is busy). */
static struct check_item idle_item(const struct doc_slot *s)
{
	struct check_item it = {.slot = s->id, .name = s->name, .source = s->source, .def = s};

	absent(s->need, &it);
	return it;
}

bool checklist_derive(struct programme_policy *p, struct arena *a)
{
	struct doc_rules *r = &p->docrules;
	size_t ntypes = r->nfile_types, size = 1;
	struct check_item *idle;
	uint32_t *busy;
	char opens[DATE_FMT_MAX], closes[DATE_FMT_MAX];

	r->derived = false;
	if (p->nslots >= UINT32_MAX / 2) /* the table would not fit anyway */
		return false;
	while (size <= 2 * p->nslots) /* at most half full: searches stay short */
		size *= 2;
	r->type_exts = arena_array(a, ntypes ? ntypes : 1, sizeof *r->type_exts);
	r->type_lens = arena_array(a, ntypes ? ntypes : 1, sizeof *r->type_lens);
	r->slot_table = arena_array(a, size, sizeof *r->slot_table);
	idle = arena_array(a, p->nslots ? p->nslots : 1, sizeof *idle);
	busy = arena_array(a, p->nslots ? p->nslots : 1, sizeof *busy);
	r->window_head = arena_printf(a, "the %s window is %s to %s; ",
				      p->edition ? p->edition : "current",
				      date_format(p->window_opens, opens),
				      date_format(p->window_closes, closes));
	if (!r->type_exts || !r->type_lens || !r->slot_table || !idle || !busy ||
	    !r->window_head || !derive_generic(r, a))
		return false;
	r->window_head_len = strlen(r->window_head);
	for (size_t i = 0; i < ntypes; i++) {
		const char *t = type_ext(r->file_types[i]);

		r->type_lens[i] = strlen(t);
		if (!(r->type_exts[i] = lowered(a, t, r->type_lens[i])))
			return false;
	}
	r->slot_mask = size - 1;
	r->idle_missing = r->nbusy_slots = 0;
	for (size_t i = 0; i < p->nslots; i++) {
		struct doc_slot *s = &p->slots[i];
		size_t h;

		s->id_len = strlen(s->id);
		for (h = slot_hash(s->id, s->id_len) & r->slot_mask; r->slot_table[h];
		     h = (h + 1) & r->slot_mask)
			;
		r->slot_table[h] = (uint32_t)(i + 1);
		s->busy = s->need == SLOT_CONDITIONAL || s->resume_from_age > 0;
		if (s->busy)
			busy[r->nbusy_slots++] = (uint32_t)i;
		idle[i] = idle_item(s);
		r->idle_missing += !s->busy && idle[i].state == CHECK_MISSING;
	}
	r->idle_items = idle;
	r->busy_slots = busy;
	r->derived = true;
	return true;
}

/* ---- entry points ---- */

/* bad_slot: fill *err for documents[i] naming no slot of the programme
 * (an error: the words are written here). */
static void bad_slot(struct ctx *c, size_t i, struct core_error *err)
{
	const struct document *d = &c->app->documents[i];
	const char *valid = NULL;

	for (size_t k = 0; k < c->pol->nslots; k++)
		valid = valid ? arena_printf(c->a, "%s, %s", valid, c->pol->slots[k].id)
			      : c->pol->slots[k].id;
	err->path = arena_printf(c->a, "documents[%zu].slot", i);
	err->pos = d->pos;
	/* the slot as JSON writes it: no control character reaches a terminal */
	const char *slot = d->slot ? strbuf_json_quoted(c->a, d->slot) : NULL;

	err->reason = slot
		? arena_printf(c->a, "%s is not a document slot of %s; valid slots: %s", slot,
			       c->pol->programme, valid ? valid : "none")
		: arena_printf(c->a, "the document names no slot; valid slots of %s: %s",
			       c->pol->programme, valid ? valid : "none");
	c->oom = c->a->failed || !err->path || !err->reason;
}

static bool fail_oom(struct core_error *err, struct checklist *out)
{
	memset(out, 0, sizeof *out);
	err->path = "";
	err->pos = (struct srcpos){0, 0};
	err->reason = "out of memory";
	return false;
}

static bool incomplete(enum check_state st)
{
	return st == CHECK_MISSING || st == CHECK_PROBLEM;
}

/* own_item: slot k's own verdict (it is busy or has uploads) in its item
 * it, a copy of its idle item so far; its uploads join c->uploads. */
static void own_item(struct ctx *c, size_t k, struct check_item *it)
{
	const struct doc_slot *s = &c->pol->slots[k];
	struct docset ds = {c->uploads + c->nup, 0};

	for (size_t u = c->first[k]; u; u = c->next[u - 1])
		c->uploads[c->nup + ds.n++] = &c->app->documents[u - 1];
	c->nup += ds.n;
	c->nincomplete -= !s->busy && incomplete(it->state);
	slot_verdict(c, s, ds, it);
	c->nincomplete += incomplete(it->state);
}

bool checklist_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct checklist *out, struct core_error *err)
{
	const struct doc_rules *r = &pol->docrules;
	const struct document *docs = f->app->documents;
	size_t n = pol->nslots + (pol->has_window ? 1 : 0), nd = f->app->ndocuments;
	struct ctx c = {.pol = pol, .f = f, .app = f->app, .a = a, .nincomplete = r->idle_missing};
	size_t *touched, ntouched = 0, bad = nd;

	assert(r->derived);
	memset(out, 0, sizeof *out);
	/* The lists of uploads, and the slots that have some (touched), from
	 * the last document: the first one that names no slot is the error. */
	/* first[] starts empty; next[] and touched[] are written before they
	 * are read (next[i] only for documents on a list) */
	c.first = arena_array_uninit(a, pol->nslots + 2 * nd, sizeof *c.first);
	if (!c.first)
		return fail_oom(err, out);
	memset(c.first, 0, pol->nslots * sizeof *c.first);
	c.next = c.first + pol->nslots;
	touched = c.next + nd;
	for (size_t i = nd; i-- > 0;) {
		size_t s = slot_index(pol, docs[i].slot);

		if (s == pol->nslots) {
			bad = i;
		} else if (docs[i].file) {
			if (!c.first[s])
				touched[ntouched++] = s;
			c.next[i] = c.first[s];
			c.first[s] = i + 1;
		}
	}
	if (bad < nd) {
		bad_slot(&c, bad, err);
		return c.oom ? fail_oom(err, out) : false;
	}
	/* uploads are written before they are read; every item is copied
	 * in or set below */
	c.uploads = arena_array_uninit(a, nd, sizeof *c.uploads);
	out->items = arena_array_uninit(a, n, sizeof *out->items);
	if (!c.uploads || !out->items)
		return fail_oom(err, out);
	/* Most slots have no upload and look at nothing else: their items are
	 * the same for every application.  The others get their own verdict:
	 * the busy ones in policy order, then the others with uploads. */
	if (pol->nslots)
		memcpy(out->items, r->idle_items, pol->nslots * sizeof *out->items);
	for (size_t b = 0; b < r->nbusy_slots; b++)
		own_item(&c, r->busy_slots[b], &out->items[r->busy_slots[b]]);
	for (size_t t = 0; t < ntouched; t++)
		if (!pol->slots[touched[t]].busy)
			own_item(&c, touched[t], &out->items[touched[t]]);
	if (pol->has_window) {
		window_item(&c, &out->items[n - 1]);
		c.nincomplete += incomplete(out->items[n - 1].state);
	}
	if (c.oom)
		return fail_oom(err, out);
	out->nitems = n;
	out->complete = c.nincomplete == 0;
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
