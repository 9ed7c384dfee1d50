/* pages_selfcheck.h - the self-check: handlers of this area (see pages.h,
 * routes_selfcheck.inc) and what its files share.
 *
 * A visitor chooses a programme, answers its questions one topic per step,
 * checks the answers on a summary page and sees the result: eligibility
 * with reasons, the scorecard with a bar per part and factor, the range an
 * incomplete card can still reach, and the advice.  Every form is GET, so
 * the answers live in the page's address and nothing is stored; only
 * "Save to my account" (POST, logged in) writes, through app/drafts.h.
 *
 * Files: selfcheck_form.c (the questions, reading and checking answers,
 * building the application), selfcheck_steps.c (chooser, steps, summary),
 * selfcheck_result.c (the result page), selfcheck_svg.c (the bars),
 * selfcheck_save.c (the POST).
 */
#ifndef YC_PAGES_SELFCHECK_H
#define YC_PAGES_SELFCHECK_H

#include "web/http.h"

/* GET /self-check: choose a programme (and the zgc track). */
void page_selfcheck_choose(struct request *rq, struct response *rs);
/* GET /self-check/{programme}?step=N|from=N&go=next|back&...answers: one step
 * of questions, or the summary after the last step. */
void page_selfcheck_step(struct request *rq, struct response *rs);
/* GET /self-check/{programme}/result?...answers: the evaluation. */
void page_selfcheck_result(struct request *rq, struct response *rs);
/* POST /self-check/{programme}/save (applicant or employer, CSRF): keep the
 * answers as a draft application, then 303 to /dashboard. */
void page_selfcheck_save(struct request *rq, struct response *rs);

/* ---- shared by the selfcheck_*.c files (not by other areas) ---- */
#ifdef YC_SELFCHECK_INTERNAL

#include "core/application.h"
#include "core/policy.h"
#include "lib/view.h"

#define SC_MAX_ANSWERS 40 /* questions of one programme */
#define SC_MAX_MULTI 24   /* values of one multiple-choice or catalog question */

enum sc_type {
	SC_DATE,    /* birth date, YYYY-MM-DD */
	SC_TEXT,    /* free text, one line */
	SC_NATION,  /* ISO 3166 alpha-3 country code */
	SC_USCC,    /* unified social credit code */
	SC_CHOICE,  /* one of options (a select, radios for the track) */
	SC_TRI,     /* yes / no / I don't know */
	SC_YEARS,   /* whole years, 0..80 */
	SC_MONEY,   /* whole CNY */
	SC_COUNT,   /* a head count */
	SC_PERCENT, /* 0..100 with two decimals */
	SC_MULTI,   /* several of options (checkboxes), "none" for none */
	SC_QUALS,   /* one status per catalog entry: keys q_<entry id> */
};

struct sc_field {
	const char *name;            /* query key; message keys sc_f_<name>, sc_h_<name> */
	enum sc_type type;
	int target;                  /* which application member (selfcheck_form.c) */
	const char *const *options;  /* SC_CHOICE, SC_MULTI: formats.md values */
	size_t noptions;
	bool hint;                   /* has a hint text sc_h_<name> */
	bool required;               /* an answer is needed (only the zgc track) */
};

struct sc_question {
	unsigned step;               /* 1-based */
	const char *track;           /* zgc: asked only on this track; NULL: always */
	const struct sc_field *field;
};

struct sc_programme {
	const char *id;              /* "two-zones", "zgc", "urgent" */
	const char *key;             /* "two_zones": message keys prog_<key>_name */
	const char *const *steps;    /* step ids: message keys sc_step_<id> */
	unsigned nsteps;             /* the summary is step nsteps + 1 */
	const struct sc_question *questions;
	size_t nquestions;
};

struct sc_answer {
	const struct sc_question *q;
	const char *raw;             /* as typed (scalars), "" when not answered */
	const char *vals[SC_MAX_MULTI]; /* SC_MULTI: chosen options; SC_QUALS: status per
					 * catalog entry (NULL: not held) */
	size_t nvals;
	const char *error;           /* a message in the visitor's language, or NULL */
	const char *anchor;          /* the element id the error links to */
};

struct selfcheck {
	struct request *rq;
	const struct sc_programme *prog;
	const char *track;           /* zgc: "startup" | "technical" | NULL */
	const struct catalog *catalog; /* for SC_QUALS (in force today) */
	date_t today;                /* in Beijing: the application date */
	struct sc_answer ans[SC_MAX_ANSWERS];
	size_t nans;
	size_t nerrors;
	struct application app;      /* from the valid answers */
};

/* selfcheck_input.c: reading what people type */
#define SC_RAW_MAX 1000     /* bytes kept of one typed answer */
#define SC_MONEY_MAX INT64_C(1000000000000000) /* as the application file reader */
#define SC_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, for bytes that are not text */
enum sc_num_rc { SC_NUM_OK, SC_NUM_BAD, SC_NUM_NEGATIVE, SC_NUM_FRACTION, SC_NUM_BIG };
/* sc_utf8_ok: valid UTF-8 without control characters; *chars code points. */
bool sc_utf8_ok(const char *s, size_t *chars);
/* sc_fold: a trimmed copy with full-width ASCII (１２３) made ASCII. */
char *sc_fold(struct arena *a, const char *s);
bool sc_is_digit(char c);
/* sc_strip_suffix: cut p (ASCII case-insensitive) and spaces before it. */
bool sc_strip_suffix(char *s, const char *p);
/* sc_whole_number: digits with optional thousands grouping, <= max. */
enum sc_num_rc sc_whole_number(const char *s, int64_t max, int64_t *out);
/* sc_money: whole CNY with currency marks, grouping, 万 and 亿. */
enum sc_num_rc sc_money(struct arena *a, const char *raw, int64_t *out);
/* sc_keep: a typed value trimmed, capped at SC_RAW_MAX bytes, non-text
 * bytes replaced by SC_REPLACEMENT. */
const char *sc_keep(struct arena *a, const char *v);

/* selfcheck_form.c */
const struct sc_programme *sc_programme_find(const char *id);
date_t sc_today(const struct request *rq);
/* sc_parse: read the answers of prog from kv[0..n) (query or form), check
 * each and build sc->app from the valid ones.  Unknown keys are ignored,
 * a key is read once (a multiple choice at most SC_MAX_MULTI times). */
void sc_parse(struct selfcheck *sc, struct request *rq, const struct sc_programme *prog,
		const struct kv *kv, size_t n);
/* sc_active: whether q is asked on sc's track. */
bool sc_active(const struct selfcheck *sc, const struct sc_question *q);
size_t sc_step_errors(const struct selfcheck *sc, unsigned step);
/* sc_add_query: "k=v&k=v" of every answer given (URL-encoded). */
void sc_add_query(const struct selfcheck *sc, struct strbuf *sb);
/* sc_url: path?answers[&step=N] (step 0: none) as an arena string. */
const char *sc_url(const struct selfcheck *sc, const char *path, unsigned step);
/* sc_hidden: push {name, value} to list for every answer not on step
 * `except` (0: every answer). */
void sc_hidden(const struct selfcheck *sc, struct view *list, unsigned except);
/* selfcheck_fields.c */
/* sc_option_label: the words for option `value` of f. */
const char *sc_option_label(const struct selfcheck *sc, const struct sc_field *f,
		const char *value);
/* sc_field_view: the view of one question for the step form. */
void sc_field_view(const struct selfcheck *sc, const struct sc_answer *an, struct view *fields);
/* sc_answer_text: an answer as the summary shows it. */
const char *sc_answer_text(const struct selfcheck *sc, const struct sc_answer *an);
/* sc_label: the question's label in the visitor's language. */
const char *sc_label(const struct selfcheck *sc, const struct sc_field *f);
/* sc_fmt: the message `key` with {name} replaced by values: pairs of
 * name, value, ended by NULL. */
const char *sc_fmt(const struct request *rq, const char *key, ...);
/* sc_tr: the message `key`, or fallback when the catalogs lack it. */
const char *sc_tr(const struct request *rq, const char *key, const char *fallback);

/* selfcheck_steps.c */
/* sc_render_summary: the summary page (also shown by the result page when
 * an answer is wrong). */
void sc_render_summary(struct selfcheck *sc, struct response *rs, int status);
void sc_add_steps(const struct selfcheck *sc, struct view *v, unsigned current);

/* selfcheck_svg.c */
struct sc_bar {
	points_t lo, hi;   /* drawn solid to lo, lighter from lo to hi */
	points_t max;      /* the bar's full width */
	bool has_mark;     /* a threshold marker at `mark` */
	points_t mark;
	bool large;        /* the total's taller bar */
	const char *label; /* aria-label, plain text (escaped here) */
};
/* sc_svg_bar: the inline SVG (numbers only, the label escaped), arena. */
const char *sc_svg_bar(struct arena *a, const struct sc_bar *b);
/* sc_svg_swatch: a small legend square, "solid" or "range" (aria-hidden). */
const char *sc_svg_swatch(bool range);

#endif /* YC_SELFCHECK_INTERNAL */

#endif
