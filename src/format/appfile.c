/* appfile.c - see appfile.h.  The schema tables follow formats.md. */
#include "appfile.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/uscc.h"
#include "lib/jsondec.h"

/* jsondec stores tri-state booleans, positions, dates and points by layout. */
_Static_assert(TRI_UNKNOWN == 0 && TRI_FALSE == 1 && TRI_TRUE == 2 &&
	       sizeof(enum tri) == sizeof(int), "enum tri as JD_TRI expects");
_Static_assert(sizeof(struct srcpos) == 2 * sizeof(uint32_t) &&
	       offsetof(struct srcpos, col) == sizeof(uint32_t), "srcpos is line, col");
_Static_assert(sizeof(date_t) == 4 && sizeof(month_t) == 4 && sizeof(points_t) == 8,
	       "jsondec widths");

#define YEARS_MAX 150
#define COUNT_MAX INT64_C(1000000000)
#define MONEY_MAX INT64_C(1000000000000000) /* 10^15 CNY */
#define SCORE_MAX POINTS(1000)

/* ---- enumerations ------------------------------------------------------ */

#define ENUM JD_ENUM

ENUM(e_format, APPFILE_FORMAT);
ENUM(e_programme, "two-zones", "zgc", "urgent");
ENUM(e_track, "startup", "technical");
ENUM(e_education, "junior-college", "bachelor", "master", "doctorate");
ENUM(e_position, "chief", "director", "deputy-director", "team-lead", "other");
ENUM(e_title, "senior", "associate-senior", "intermediate", "none");
ENUM(e_visibility, "fortune-500", "qs-top-200", "listed", "national-high-tech",
     "double-first-class", "other");
ENUM(e_duty, "international", "national", "municipal", "none");
ENUM(e_sector, "science-technology", "internet-information", "finance", "education",
     "cultural-tourism", "elderly-care", "leasing-business-services", "other-service",
     "other");
ENUM(e_status, "verified", "pending", "unverifiable", "revoked");
ENUM(e_condition, "tax-contribution-2x", "fortune-500", "financial-institution",
     "foreign-investment-or-rd-centre", "research-institution", "hospital",
     "university-or-international-school", "national-high-tech-or-incubator",
     "pilot-programme-project", "four-centres-innovator");

/* ---- field tables ------------------------------------------------------
 * In the order of formats.md, except that required fields come first
 * (jsondec.h).  Lookups try the field after the previous one first, so a
 * file in this order costs one comparison a key. */

#define AT(T, m) ((int32_t)offsetof(T, m))
/* F: a field of struct T stored at member m; the rest sets `u`. */
#define F(T, nm, ty, fl, m, has, pos, n, ...)                                         \
	{ JD_NAME(nm), .type = (ty), .flags = (fl), .off = AT(T, m), .has_off = (has), \
	  .pos_off = (pos), .n_off = (n), __VA_ARGS__ }
#define STR(T, nm, m, fl) F(T, nm, JD_STRING, fl, m, JD_NONE, JD_NONE, JD_NONE, .u.enm = NULL)
#define ONE(T, nm, m, e, fl) F(T, nm, JD_ENUM, fl, m, JD_NONE, JD_NONE, JD_NONE, .u.enm = &(e))
#define TRI(T, nm, m) F(T, nm, JD_TRI, 0, m, JD_NONE, JD_NONE, JD_NONE, .u.enm = NULL)
#define NUM(T, nm, m, mx)                                                            \
	F(T, nm, JD_INT, 0, m.v, AT(T, m.set), JD_NONE, JD_NONE, .u.range.min = 0,   \
	  .u.range.max = (mx))

static const char *app_check(const void *obj, char *buf, size_t cap, const char **blame);
static const char *resume_check(const void *obj, char *buf, size_t cap, const char **blame);
static const char *covers_check(const void *obj, char *buf, size_t cap, const char **blame);
static const char *document_check(const void *obj, char *buf, size_t cap, const char **blame);
static const char *enterprise_check(const void *obj, char *buf, size_t cap, const char **blame);

#define Q struct qualification
static const struct jd_field qual_fields[] = {
	STR(Q, "id", id, JD_REQUIRED),
	ONE(Q, "status", status, e_status, JD_REQUIRED),
};
static const struct jd_schema qual_schema = {
	qual_fields, 2, AT(Q, pos), sizeof(Q), NULL,
};
#undef Q

#define R struct resume_entry
static const struct jd_field resume_fields[] = {
	F(R, "from", JD_MONTH, JD_REQUIRED, from, JD_NONE, JD_NONE, JD_NONE, .u.enm = NULL),
	F(R, "to", JD_MONTH_OR_PRESENT, JD_REQUIRED, to, JD_NONE, JD_NONE, AT(R, to_present),
	  .u.enm = NULL),
	STR(R, "what", what, 0),
};
static const struct jd_schema resume_schema = {
	resume_fields, 3, AT(R, pos), sizeof(R), resume_check,
};
#undef R

#define A struct applicant
static const struct jd_field applicant_fields[] = {
	STR(A, "name", name, 0),
	F(A, "birth_date", JD_DATE, 0, birth_date, AT(A, has_birth_date), AT(A, birth_date_pos),
	  JD_NONE, .u.enm = NULL),
	STR(A, "nationality", nationality, 0),
	ONE(A, "education", education, e_education, 0),
	ONE(A, "position", position, e_position, 0),
	ONE(A, "title", title, e_title, 0),
	TRI(A, "leads_major_project", leads_major_project),
	TRI(A, "urgent_field", urgent_field),
	ONE(A, "employer_visibility", employer_visibility, e_visibility, 0),
	NUM(A, "years_professional_work", years_professional_work, YEARS_MAX),
	NUM(A, "years_in_china", years_in_china, YEARS_MAX),
	NUM(A, "annual_salary_cny", annual_salary_cny, MONEY_MAX),
	F(A, "qualifications", JD_ARRAY, 0, qualifications, AT(A, has_qualifications), JD_NONE,
	  AT(A, nqualifications), .u.schema = &qual_schema),
	ONE(A, "social_duty", social_duty, e_duty, 0),
	TRI(A, "former_chinese_citizen", former_chinese_citizen),
	F(A, "resume", JD_ARRAY, 0, resume, AT(A, has_resume), JD_NONE, AT(A, nresume),
	  .u.schema = &resume_schema),
	TRI(A, "intl_vocational_certificate", intl_vocational_certificate),
	TRI(A, "board_director", board_director),
	F(A, "shareholding_percent", JD_DECIMAL, 0, shareholding_percent,
	  AT(A, has_shareholding), JD_NONE, JD_NONE, .u.range.min = 0,
	  .u.range.max = POINTS(100)),
	TRI(A, "leads_rd_team", leads_rd_team),
	NUM(A, "months_in_china_per_year", months_in_china_per_year, 12),
};
static const struct jd_schema applicant_schema = {
	applicant_fields, sizeof applicant_fields / sizeof applicant_fields[0], JD_NONE,
	sizeof(A), NULL,
};
#undef A

#define E struct enterprise
static const struct jd_field enterprise_fields[] = {
	STR(E, "uscc", uscc, 0),
	STR(E, "name", name, 0),
	TRI(E, "key_entity", key_entity),
	ONE(E, "sector", sector, e_sector, 0),
	NUM(E, "revenue_last_year_cny", revenue_last_year_cny, MONEY_MAX),
	NUM(E, "corporate_tax_last_year_cny", corporate_tax_last_year_cny, MONEY_MAX),
	NUM(E, "jobs", jobs, COUNT_MAX),
	TRI(E, "penalties_last_two_years", penalties_last_two_years),
	F(E, "conditions", JD_STRINGS, 0, conditions, AT(E, has_conditions), JD_NONE,
	  AT(E, nconditions), .u.enm = &e_condition),
	TRI(E, "high_end_industry", high_end_industry),
	TRI(E, "real_estate", real_estate),
	TRI(E, "zgc_registered", zgc_registered),
	TRI(E, "zgc_high_tech", zgc_high_tech),
	TRI(E, "employer_211_or_first_batch", employer_211_or_first_batch),
	TRI(E, "beijing_registered_and_taxed", beijing_registered_and_taxed),
};
static const struct jd_schema enterprise_schema = {
	enterprise_fields, sizeof enterprise_fields / sizeof enterprise_fields[0], JD_NONE,
	sizeof(E), enterprise_check,
};
#undef E

static const struct jd_map score_map = {
	.size = sizeof(struct expert_score),
	.key_off = AT(struct expert_score, factor),
	.val_off = AT(struct expert_score, points),
	.pos_off = AT(struct expert_score, pos),
	.vpos_off = AT(struct expert_score, vpos),
	.min = 0,
	.max = SCORE_MAX,
	.max_entries = 64,
	.what = "an object of factor scores (factor id: number)",
};

#define X struct expert
static const struct jd_field expert_fields[] = {
	STR(X, "id", id, JD_REQUIRED),
	F(X, "scores", JD_SCORES, 0, scores, JD_NONE, JD_NONE, AT(X, nscores),
	  .u.map = &score_map),
};
static const struct jd_schema expert_schema = {
	expert_fields, 2, AT(X, pos), sizeof(X), NULL,
};
#undef X

#define D struct document
/* covers {from, to} is flattened into struct document. */
static const struct jd_field covers_fields[] = {
	F(D, "from", JD_MONTH, JD_REQUIRED, covers_from, JD_NONE, JD_NONE, JD_NONE,
	  .u.enm = NULL),
	F(D, "to", JD_MONTH, JD_REQUIRED, covers_to, JD_NONE, JD_NONE, JD_NONE, .u.enm = NULL),
};
static const struct jd_schema covers_schema = {
	covers_fields, 2, JD_NONE, sizeof(D), covers_check,
};
static const struct jd_field document_fields[] = {
	STR(D, "slot", slot, JD_REQUIRED),
	STR(D, "file", file, 0),
	STR(D, "language", language, 0),
	TRI(D, "translated", translated),
	F(D, "issued", JD_DATE, 0, issued, AT(D, has_issued), JD_NONE, JD_NONE, .u.enm = NULL),
	{ JD_NAME("covers"), .type = JD_OBJECT, .off = 0, .has_off = AT(D, has_covers),
	  .pos_off = JD_NONE, .n_off = JD_NONE, .u.schema = &covers_schema },
};
static const struct jd_schema document_schema = {
	document_fields, sizeof document_fields / sizeof document_fields[0], AT(D, pos),
	sizeof(D), document_check,
};
#undef D

#define P struct application
static const struct jd_field app_fields[] = {
	{ JD_NAME("format"), .type = JD_ENUM, .flags = JD_REQUIRED, .off = JD_NONE,
	  .has_off = JD_NONE, .pos_off = JD_NONE, .n_off = JD_NONE, .u.enm = &e_format },
	ONE(P, "programme", programme, e_programme, JD_REQUIRED),
	F(P, "date", JD_DATE, JD_REQUIRED, date, JD_NONE, AT(P, date_pos), JD_NONE,
	  .u.enm = NULL),
	ONE(P, "track", track, e_track, 0),
	F(P, "applicant", JD_OBJECT, 0, applicant, JD_NONE, JD_NONE, JD_NONE,
	  .u.schema = &applicant_schema),
	F(P, "enterprise", JD_OBJECT, 0, enterprise, JD_NONE, JD_NONE, JD_NONE,
	  .u.schema = &enterprise_schema),
	F(P, "experts", JD_ARRAY, 0, experts, JD_NONE, JD_NONE, AT(P, nexperts),
	  .u.schema = &expert_schema),
	F(P, "documents", JD_ARRAY, 0, documents, AT(P, has_documents), JD_NONE,
	  AT(P, ndocuments), .u.schema = &document_schema),
};
static const struct jd_schema app_schema = {
	app_fields, sizeof app_fields / sizeof app_fields[0], AT(P, pos), sizeof(P), app_check,
};
#undef P

/* ---- rules across fields ----------------------------------------------- */

static const char *app_check(const void *obj, char *buf, size_t cap, const char **blame)
{
	const struct application *app = obj;

	(void)buf;
	(void)cap;
	if (app->track && strcmp(app->programme, "zgc") != 0) {
		*blame = "track";
		return "only the zgc programme has a track (use null or leave it out)";
	}
	return NULL;
}

static const char *month_order(month_t from, month_t to, char *buf, size_t cap)
{
	char a[MONTH_FMT_MAX], b[MONTH_FMT_MAX];

	if (from <= to)
		return NULL;
	snprintf(buf, cap, "from %s is after to %s", month_format(from, a), month_format(to, b));
	return buf;
}

static const char *resume_check(const void *obj, char *buf, size_t cap, const char **blame)
{
	const struct resume_entry *e = obj;

	(void)blame;
	if (e->to_present | (e->from <= e->to)) /* (one branch, not one on "present") */
		return NULL;
	return month_order(e->from, e->to, buf, cap);
}

static const char *covers_check(const void *obj, char *buf, size_t cap, const char **blame)
{
	const struct document *d = obj;

	(void)blame;
	if (d->covers_from <= d->covers_to) /* (month_order's buffers cost each call) */
		return NULL;
	return month_order(d->covers_from, d->covers_to, buf, cap);
}

/* not_a_language: document_check's reason for l. */
static __attribute__((noinline)) const char *not_a_language(const char *l, char *buf,
							     size_t cap)
{
	char shown[64];

	snprintf(buf, cap, "%s is not an ISO 639-1 language code (two letters, e.g. \"en\", "
		 "\"zh\", \"de\")", jd_show(l, strlen(l), shown, sizeof shown));
	return buf;
}

/* document_check: a language is an ISO 639-1 code, two lowercase letters
 * (formats.md); whether the code is assigned is not checked. */
static const char *document_check(const void *obj, char *buf, size_t cap, const char **blame)
{
	const struct document *d = obj;
	const char *l = d->language;

	if (!l || (l[0] >= 'a' && l[0] <= 'z' && l[1] >= 'a' && l[1] <= 'z' && !l[2]))
		return NULL;
	*blame = "language";
	return not_a_language(l, buf, cap);
}

/* not_a_uscc: enterprise_check's reason for code. */
static __attribute__((noinline)) const char *not_a_uscc(const char *code, char *buf,
							 size_t cap)
{
	char shown[64], why[USCC_REASON_MAX];

	uscc_explain(code, strlen(code), why, sizeof why);
	snprintf(buf, cap, "%s is not a unified social credit code: %s",
		 jd_show(code, strlen(code), shown, sizeof shown), why);
	return buf;
}

/* enterprise_check: a unified social credit code, when given, is one
 * (GB 32100-2015, as `yingcai check uscc` checks it): a mistyped code must
 * not pass unnoticed onto an application. */
static const char *enterprise_check(const void *obj, char *buf, size_t cap, const char **blame)
{
	const struct enterprise *e = obj;

	if (!e->uscc || uscc_check(e->uscc, strlen(e->uscc), NULL) == USCC_OK)
		return NULL;
	*blame = "uscc";
	return not_a_uscc(e->uscc, buf, cap);
}

/* ---- decoding ---------------------------------------------------------- */

void appfile_decoder_init(struct appfile_decoder *d)
{
	json_parser_init(&d->json, 0);
	d->careful = false;
}

void appfile_decoder_release(struct appfile_decoder *d)
{
	json_parser_release(&d->json);
}

static const char not_utf8[] = "the file is UTF-16 (or UTF-32), not UTF-8: save it as UTF-8";

/* wide_text: text[0..n) starts as UTF-16 or UTF-32 text does: with a byte
 * order mark FF FE or FE FF (UTF-32: FF FE 00 00, 00 00 FE FF), or with a
 * NUL byte among the first four (JSON in UTF-8 has none; '{' in UTF-16 is
 * 7B 00 or 00 7B). */
static bool wide_text(const char *text, size_t n)
{
	const unsigned char *u = (const unsigned char *)text;

	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return true;
	return memchr(text, '\0', n < 4 ? n : 4) != NULL;
}

static int set_error(struct appfile_error *err, enum appfile_rc rc, struct json_cursor *cur,
		     size_t off, const char *path, const char *prefix, const char *reason)
{
	err->rc = rc;
	err->syntax = strcmp(prefix, "invalid JSON: ") == 0;
	json_cursor_at(cur, off, &err->line, &err->col);
	snprintf(err->path, sizeof err->path, "%s", path);
	snprintf(err->reason, sizeof err->reason, "%s%s", prefix, reason);
	return (int)rc;
}

bool appfile_decode_fast(const char *text, size_t len, uint32_t line, uint32_t col,
			struct arena *a, struct application *out, unsigned max_tokens,
			struct jd_end *end)
{
	return jd_decode_fast(text, len, line, col, &app_schema, out, a, max_tokens, end);
}

/* decode_scan: the second fast way: json_scan_value (one pass that
 * tokenizes and checks) and jd_decode, which need not check again. */
static __attribute__((noinline)) bool decode_scan(struct appfile_decoder *d, const char *text,
						  size_t len, uint32_t line, uint32_t col,
						  struct arena *a, struct application *out,
						  struct jd_end *end)
{
	struct json_cursor cur;
	struct jd_error derr;
	struct json_doc doc;

	if (json_scan_value(&d->json, text, len, &doc, &end->off) != JSON_OK)
		return false;
	json_cursor_init(&cur, text, end->off, line, col);
	if (jd_decode(&doc, &app_schema, out, a, &cur, &derr) != JD_OK)
		return false;
	json_cursor_at(&cur, end->off, &end->lc[0], &end->lc[1]);
	return true;
}

/* decode_fast: the value at the start of text[0..len) decoded a fast way,
 * when it is valid; *end gets where it ends.  First straight from the text
 * (jd_decode_fast), which declines what is unusual; then json_scan_value
 * (one pass that tokenizes and checks) and jd_decode, which need not check
 * again.  False when neither took it (or memory ran out): the careful way
 * (json_tokenize, then jd_decode checking each token) then reads it again
 * and says what is wrong.  Valid applications are what files mostly hold. */
static inline bool decode_fast(struct appfile_decoder *d, const char *text, size_t len,
			       uint32_t line, uint32_t col, struct arena *a,
			       struct application *out, struct jd_end *end)
{
	if (d->careful)
		return false;
	if (jd_decode_fast(text, len, line, col, &app_schema, out, a, d->json.max, end))
		return true; /* (appfile_decode_fast) */
	return decode_scan(d, text, len, line, col, a, out, end);
}

/* decode_careful: the careful way, which says what is wrong. */
static __attribute__((noinline)) int decode_careful(struct appfile_decoder *d,
						    const char *text, size_t len, uint32_t line,
						    uint32_t col, struct arena *a,
						    struct application *out,
						    struct appfile_error *err)
{
	struct json_cursor cur;
	struct json_error jerr;
	struct jd_error derr;
	struct json_doc doc;
	enum json_rc jrc;
	enum jd_rc drc;

	json_cursor_init(&cur, text, len, line, col);
	if (line == 1 && col == 1 && wide_text(text, len))
		return set_error(err, APPFILE_EINPUT, &cur, 0, "", "", not_utf8);
	jrc = json_tokenize(&d->json, text, len, &doc, &jerr);
	if (jrc == JSON_EINPUT)
		return set_error(err, APPFILE_EINPUT, &cur, jerr.off, "", "invalid JSON: ",
				 jerr.reason);
	if (jrc == JSON_ELIMIT)
		return set_error(err, APPFILE_ETOOBIG, &cur, jerr.off, "",
				 "the application is too large: ", jerr.reason);
	if (jrc != JSON_OK)
		return set_error(err, APPFILE_ENOMEM, &cur, jerr.off, "", "", jerr.reason);
	drc = jd_decode(&doc, &app_schema, out, a, &cur, &derr);
	if (drc == JD_OK)
		return APPFILE_OK;
	return set_error(err, drc == JD_ENOMEM ? APPFILE_ENOMEM : APPFILE_EINPUT, &cur,
			 derr.off, derr.path, drc == JD_ESYNTAX ? "invalid JSON: " : "",
			 derr.reason);
}

int appfile_decode_at(struct appfile_decoder *d, const char *text, size_t len,
		      uint32_t line, uint32_t col, struct arena *a,
		      struct application *out, struct appfile_error *err)
{
	struct jd_end end;

	if (decode_fast(d, text, len, line, col, a, out, &end)) {
		while (end.off < len && json_is_ws(text[end.off]))
			end.off++;
		if (end.off == len) /* nothing but whitespace after it */
			return APPFILE_OK;
	}
	return decode_careful(d, text, len, line, col, a, out, err);
}

int appfile_decode(struct appfile_decoder *d, const char *text, size_t len,
		   uint32_t first_line, struct arena *a, struct application *out,
		   struct appfile_error *err)
{
	return appfile_decode_at(d, text, len, first_line, 1, a, out, err);
}

void appfile_error_format(const struct appfile_error *err, const char *filename,
			  struct strbuf *out)
{
	strbuf_addf(out, "%s:%" PRIu32 ":%" PRIu32 ": ", filename, err->line, err->col);
	if (err->path[0])
		strbuf_addf(out, "%s: ", err->path);
	strbuf_addstr(out, err->reason);
}

/* ---- the stream reader ------------------------------------------------- */

/* stream_pipe_fd: f's descriptor when f reads a pipe, a socket or a
 * terminal, else -1 (a regular file, or a stream without a descriptor). */
static int stream_pipe_fd(FILE *f)
{
	struct stat st;
	int fd = fileno(f);

	if (fd < 0 || fstat(fd, &st) != 0)
		return -1;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode) ? fd : -1;
}

void appfile_stream_init(struct appfile_stream *s, FILE *f, size_t max_value)
{
	memset(s, 0, sizeof *s);
	s->f = f;
	s->pipe_fd = stream_pipe_fd(f);
	s->max = max_value ? max_value : APPFILE_MAX;
	s->line = 1;
	s->col = 1;
}

void appfile_stream_release(struct appfile_stream *s)
{
	free(s->buf);
	s->buf = NULL;
	s->alloc = s->len = s->off = 0;
}

static enum appfile_next stream_error(struct appfile_error *err, enum appfile_rc rc,
				      uint32_t line, uint32_t col, const char *reason)
{
	err->rc = rc;
	err->line = line;
	err->col = col;
	err->syntax = false;
	err->path[0] = '\0';
	snprintf(err->reason, sizeof err->reason, "%s", reason);
	return APPFILE_BAD;
}

/* read_error: the reason for a failed read, with the system's word for it,
 * in buf[0..size). */
static const char *read_error(const struct appfile_stream *s, char *buf, size_t size)
{
	if (s->ioerrno == EBADF)
		return "read error: the input is closed (bad file descriptor)";
	if (!s->ioerrno)
		return "read error";
	snprintf(buf, size, "read error: %s", strerror(s->ioerrno));
	return buf;
}

/* fill: read more after buf[len); false at the end of the file or an error. */
static bool fill(struct appfile_stream *s)
{
	size_t n;

	if (s->eof)
		return false;
	if (!s->buf) {
		size_t first = APPFILE_CHUNK < s->max ? APPFILE_CHUNK : s->max;
		s->buf = malloc(first);
		if (!s->buf) {
			s->eof = s->ioerr = true;
			s->ioerrno = errno = ENOMEM;
			return false;
		}
		s->alloc = first;
	}
	if (s->pipe_fd >= 0) {
		ssize_t got;

		do
			got = read(s->pipe_fd, s->buf + s->len, s->alloc - s->len);
		while (got < 0 && errno == EINTR);
		n = got > 0 ? (size_t)got : 0;
		s->len += n;
		if (got <= 0)
			s->eof = true;
		s->ioerr = got < 0;
		s->ioerrno = got < 0 ? errno : 0;
		return n > 0;
	}
	n = fread(s->buf + s->len, 1, s->alloc - s->len, s->f);
	s->len += n;
	if (n == 0) {
		s->eof = true;
		s->ioerr = ferror(s->f) != 0;
		s->ioerrno = s->ioerr ? errno : 0;
	}
	return n > 0;
}

/* room: make space after buf[len) for a value starting at buf[*start]:
 * move it to the front, else grow up to the cap; false when it is full. */
static bool room(struct appfile_stream *s, size_t *start)
{
	size_t want;
	char *p;

	if (s->len < s->alloc)
		return true;
	if (*start > 0) {
		memmove(s->buf, s->buf + *start, s->len - *start);
		s->len -= *start;
		s->off -= *start;
		*start = 0;
		return true;
	}
	if (s->alloc >= s->max)
		return false;
	want = s->alloc > s->max / 2 ? s->max : s->alloc * 2;
	p = realloc(s->buf, want);
	if (!p)
		return false;
	s->buf = p;
	s->alloc = want;
	return true;
}

struct scan {
	unsigned depth;
	bool instr, esc;
	uint32_t nl, cols; /* newlines seen; characters since the last one */
	size_t start;      /* where the value starts in the buffer */
	size_t open_at;    /* the first line break followed by '{', from start; 0: none */
	uint32_t open_nl;  /* newlines up to and with it */
};

enum scan_end { SCAN_MORE, SCAN_CLOSED, SCAN_LINE_END };

/* scan_bytes: advance over buf[*i..len) until the value closes (or, with
 * `lines`, its line ends: JSON Lines), saying which; SCAN_MORE when the
 * buffer ends first. */
static enum scan_end scan_bytes(const char *buf, size_t len, size_t *i, struct scan *sc,
		bool lines)
{
	while (*i < len) {
		unsigned char c = (unsigned char)buf[(*i)++];
		if (c == '\n') {
			sc->nl++;
			sc->cols = 0;
			sc->instr = false; /* a string never spans lines: limit the damage */
			if (lines)
				return SCAN_LINE_END;
			if (!sc->open_at && *i < len && buf[*i] == '{') {
				sc->open_at = *i - 1 - sc->start;
				sc->open_nl = sc->nl;
			}
			continue;
		}
		sc->cols += (c & 0xC0) != 0x80;
		if (sc->instr) {
			if (sc->esc)
				sc->esc = false;
			else if (c == '\\')
				sc->esc = true;
			else if (c == '"')
				sc->instr = false;
		} else if (c == '"') {
			sc->instr = true;
		} else if (c == '{' || c == '[') {
			sc->depth++;
		} else if ((c == '}' || c == ']') && --sc->depth == 0) {
			return SCAN_CLOSED;
		}
	}
	return SCAN_MORE;
}

/* cut_open_first_line: a value that began a line, ran on over lines that
 * start with '{' and grew past the cap: the first line of a JSON Lines file
 * left open, which would take every line after it.  It ends at its line's
 * end (its error says so, appfile_stream_recover), and the file is read as
 * JSON Lines from the next line on. */
static enum appfile_next cut_open_first_line(struct appfile_stream *s, const struct scan *sc,
		size_t start, uint32_t l0, const char **text, size_t *len, uint32_t *line,
		uint32_t *col)
{
	size_t end = start + sc->open_at;

	s->off = end + 1;
	s->line = l0 + sc->open_nl;
	s->col = 1;
	s->lines = s->cut = true;
	if (end > start && s->buf[end - 1] == '\r')
		end--;
	*text = s->buf + start;
	*len = end - start;
	*line = l0;
	*col = 1;
	return APPFILE_VALUE;
}

/* scan_value: the value starting at buf[off] ('{'). */
static enum appfile_next scan_value(struct appfile_stream *s, const char **text, size_t *len,
				    uint32_t *line, uint32_t *col, struct appfile_error *err)
{
	struct scan sc = { 0, false, false, 0, 0, s->off, 0, 0 };
	size_t start = s->off, i = s->off, end;
	uint32_t l0 = s->line, c0 = s->col;
	bool toobig = false;
	enum scan_end how;

	while ((how = scan_bytes(s->buf, s->len, &i, &sc, s->lines)) == SCAN_MORE) {
		size_t rel = i - start;
		if (!toobig && !room(s, &start)) {
			if (c0 == 1 && sc.open_at)
				return cut_open_first_line(s, &sc, start, l0, text, len, line, col);
			toobig = true;
		}
		if (toobig) /* drop what was scanned: the value is only skipped */
			s->len = s->off = start = i = 0;
		else
			i = start + rel;
		sc.start = start;
		if (!fill(s))
			break;
	}
	s->off = i;
	s->line = l0 + sc.nl;
	s->col = sc.nl ? 1 + sc.cols : c0 + sc.cols;
	if (s->ioerr) {
		char why_io[128];

		s->ioerr = false;
		return stream_error(err, APPFILE_EIO, s->line, s->col,
				    read_error(s, why_io, sizeof why_io));
	}
	if (toobig) {
		char why[96];
		snprintf(why, sizeof why, "the application is larger than %zu bytes", s->max);
		return stream_error(err, APPFILE_ETOOBIG, l0, c0, why);
	}
	/* An application alone on its line makes the file JSON Lines: next_start
	 * sees whether the line ends after it. */
	s->alone_so_far = how == SCAN_CLOSED && sc.nl == 0 && c0 == 1;
	end = i;
	s->cut = how == SCAN_LINE_END;
	if (s->cut) { /* the value is the line, without its line break */
		end--;
		if (end > start && s->buf[end - 1] == '\r')
			end--;
	}
	*text = s->buf + start;
	*len = end - start;
	*line = l0;
	*col = c0;
	return APPFILE_VALUE;
}

/* skip_line: past the next newline (resynchronising after garbage). */
static void skip_line(struct appfile_stream *s)
{
	const char *nl = memchr(s->buf + s->off, '\n', s->len - s->off);

	if (!nl) {
		s->off = s->len;
		s->col = 2; /* not at the start of a line */
		return;
	}
	s->off = (size_t)(nl - s->buf) + 1;
	s->line++;
	s->col = 1;
}

/* next_start: skip to where the next value starts (s->buf[s->off] is '{'),
 * over whitespace, a byte order mark, and garbage after an error. */
static enum appfile_next next_start(struct appfile_stream *s, struct appfile_error *err)
{
	for (;;) {
		char c;
		if (s->off == s->len) {
			s->off = s->len = 0;
			if (!fill(s)) {
				char why_io[128];

				if (!s->ioerr)
					return APPFILE_END;
				s->ioerr = false;
				return stream_error(err, APPFILE_EIO, s->line, s->col,
						    read_error(s, why_io, sizeof why_io));
			}
		}
		if (!s->started) {
			s->started = true;
			if (wide_text(s->buf + s->off, s->len - s->off)) {
				/* nothing in it can be read: skip it all */
				s->off = s->len;
				s->eof = true;
				return stream_error(err, APPFILE_EINPUT, s->line, s->col, not_utf8);
			}
			if (s->len - s->off >= 3 && memcmp(s->buf + s->off, "\xEF\xBB\xBF", 3) == 0) {
				s->off += 3;
				continue;
			}
		}
		c = s->buf[s->off];
		if (s->resync && !(s->col == 1 && c == '{')) {
			s->alone_so_far = false;
			skip_line(s);
			continue;
		}
		s->resync = false;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			s->off++;
			if (c == '\n') {
				/* the last value was alone on its line: JSON Lines */
				s->lines |= s->alone_so_far;
				s->alone_so_far = false;
				s->line++;
				s->col = 1;
			} else {
				s->col++;
			}
			continue;
		}
		s->alone_so_far = false; /* something after it on its line */
		if (c == '{')
			return APPFILE_VALUE;
		s->resync = true;
		return stream_error(err, APPFILE_EINPUT, s->line, s->col,
				    c == '['
				    ? "expected an application object, got an array "
				      "(write one object per line instead)"
				    : "expected '{' to start an application");
	}
}

enum appfile_next appfile_stream_next(struct appfile_stream *s, const char **text,
				      size_t *len, uint32_t *line, uint32_t *col,
				      struct appfile_error *err)
{
	enum appfile_next r = next_start(s, err);

	return r == APPFILE_VALUE ? scan_value(s, text, len, line, col, err) : r;
}

/* read_fast: the value at s->off decoded the fast way (decode_fast), when
 * it is complete in the buffer and valid; the stream is then past it.
 * False changes nothing but `out` and the arena: the careful way
 * (scan_value, then appfile_decode_at) reads it again.  This also finds
 * the end of the value, which scan_value would find byte by byte. */
static bool read_fast(struct appfile_stream *s, struct appfile_decoder *d, struct arena *a,
		      struct application *out)
{
	struct jd_end end;

	/* Nothing is read here: a value cut by the end of the buffer goes the
	 * careful way, which reads on only as far as the value needs (a pipe
	 * may hold back the next application until this one is answered). */
	if (!decode_fast(d, s->buf + s->off, s->len - s->off, s->line, s->col, a, out, &end))
		return false;
	if (s->lines && end.lc[0] != s->line)
		return false; /* JSON Lines: a value ends with its line (scan_value cuts it) */
	s->alone_so_far = s->col == 1 && end.lc[0] == s->line; /* as scan_value */
	s->cut = false;
	s->line = end.lc[0]; /* where the stream goes on */
	s->col = end.lc[1];
	s->off += end.off;
	return true;
}

/* read_on: when the value at s->off may be cut by the end of the buffer
 * (no line break after its start) and the stream is a regular file, move
 * it to the front and read on, so that read_fast can take it whole: the
 * careful way would read the same bytes, byte by byte after decoding
 * twice (once in 180 applications of 1.4 KB).  A pipe is left alone (see
 * read_fast).  True when more was read; when nothing was (the end, or an
 * error), the stream is as if this had not been tried: the careful way
 * reads again and finds the same. */
static bool read_on(struct appfile_stream *s)
{
	size_t keep = s->len - s->off;

	if (s->pipe_fd >= 0 || s->eof || s->off == 0 || memchr(s->buf + s->off, '\n', keep))
		return false;
	memmove(s->buf, s->buf + s->off, keep);
	s->len = keep;
	s->off = 0;
	if (fill(s))
		return true;
	s->eof = s->ioerr = false;
	clearerr(s->f);
	return false;
}

/* add_open_line_hint: say that the line's application is not closed. */
static void add_open_line_hint(struct appfile_error *err)
{
	static const char hint[] = "; the application on this line is not closed "
				   "(JSON Lines: one whole application per line)";
	size_t n = strlen(err->reason);

	if (n + sizeof hint <= sizeof err->reason)
		memcpy(err->reason + n, hint, sizeof hint);
}

/* appfile_stream_recover (appfile.h).  A line of JSON Lines left open (a
 * '}' or '"' missing) takes the applications on the lines after it into
 * its value, as far as the brackets balance; formats.md wants them scored.
 * The open line's error is found by decoding it up to its end.  A
 * pretty-printed application with a '{' at the start of a line and an
 * error before that line is left as it was. */
void appfile_stream_recover(struct appfile_stream *s, struct appfile_decoder *d,
			    const char *text, size_t len, uint32_t line, uint32_t col,
			    struct arena *a, struct application *out, struct appfile_error *err)
{
	const char *end = text + len, *p = text, *nl = NULL;
	uint32_t lines = 0;
	struct appfile_error cut_err;
	size_t keep;

	if (s->cut) {
		add_open_line_hint(err);
		return;
	}
	if (!err->syntax)
		return; /* valid JSON with a mistake in a field: not a line left open */
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		lines++;
		nl = p++;
		if (p < end && *p == '{')
			break;
		nl = NULL;
	}
	if (!nl || err->line + 1 < line + lines)
		return;
	keep = (size_t)(nl - text);
	if (keep && text[keep - 1] == '\r')
		keep--;
	if (appfile_decode_at(d, text, keep, line, col, a, out, &cut_err) == APPFILE_OK)
		return; /* cannot happen: the value would have closed there */
	*err = cut_err;
	add_open_line_hint(err);
	s->off = (size_t)(nl + 1 - s->buf);
	s->line = line + lines;
	s->col = 1;
	s->lines = true;
}

enum appfile_next appfile_stream_read(struct appfile_stream *s, struct appfile_decoder *d,
				      struct arena *a, struct application *out,
				      struct appfile_error *err)
{
	const char *text;
	size_t len;
	uint32_t line, col;
	enum appfile_next r = next_start(s, err);

	if (r != APPFILE_VALUE)
		return r;
	if (read_fast(s, d, a, out) || (read_on(s) && read_fast(s, d, a, out)))
		return APPFILE_VALUE;
	r = scan_value(s, &text, &len, &line, &col, err);
	if (r != APPFILE_VALUE)
		return r;
	if (appfile_decode_at(d, text, len, line, col, a, out, err) != APPFILE_OK) {
		appfile_stream_recover(s, d, text, len, line, col, a, out, err);
		return APPFILE_BAD;
	}
	return APPFILE_VALUE;
}
