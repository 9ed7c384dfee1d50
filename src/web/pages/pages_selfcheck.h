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
 * building the application), selfcheck_answers.c (where each answer lives
 * in an application, and the way back from an application to answers),
 * selfcheck_steps.c (chooser, steps, summary), selfcheck_result.c (the
 * result page), selfcheck_eval.c (the evaluation as the result page shows
 * it), selfcheck_svg.c (the bars), selfcheck_save.c (the POST).
 * What other areas may use is in selfcheck_api.h.
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
#include "core/score.h"
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

/* The fact a question asks about: one member of struct application
 * (sc_member, selfcheck_answers.c). */
enum sc_target {
	SC_T_TRACK, SC_T_BIRTH, SC_T_NATION, SC_T_EDUCATION, SC_T_POSITION, SC_T_TITLE,
	SC_T_YEARS_WORK, SC_T_YEARS_CHINA, SC_T_VISIBILITY, SC_T_MAJOR_PROJECT, SC_T_URGENT_FIELD,
	SC_T_QUALS, SC_T_SALARY, SC_T_SOCIAL_DUTY, SC_T_VOCATIONAL, SC_T_BOARD, SC_T_SHARES,
	SC_T_RD_TEAM, SC_T_EMPLOYER, SC_T_USCC, SC_T_KEY_ENTITY, SC_T_SECTOR, SC_T_REVENUE,
	SC_T_TAX, SC_T_JOBS, SC_T_ZGC_REGISTERED, SC_T_ZGC_HIGH_TECH, SC_T_HIGH_END,
	SC_T_CONDITIONS, SC_T_REAL_ESTATE, SC_T_PENALTIES, SC_T_BEIJING,
};

struct sc_field {
	const char *name;            /* query key; message keys sc_f_<name>, sc_h_<name> */
	enum sc_type type;
	enum sc_target target;       /* the application member it reads and writes */
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
/* sc_country: a nationality's code with its name in the reader's language
 * ("德国（DEU）"); a code that names no country as it is. */
const char *sc_country(struct request *rq, const char *code);
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
/* sc_field_find: the question `name` of any programme, or NULL. */
const struct sc_field *sc_field_find(const char *name);
date_t sc_today(const struct request *rq);
/* sc_parse: read the answers of prog from kv[0..n) (query or form), check
 * each and build sc->app from the valid ones.  Unknown keys are ignored,
 * a key is read once (a multiple choice at most SC_MAX_MULTI times). */
void sc_parse(struct selfcheck *sc, struct request *rq, const struct sc_programme *prog,
		const struct kv *kv, size_t n);
/* sc_parse_or_reply: a selfcheck (in the arena) of the programme of the
 * path (rq->params[0]) with the answers of kv[0..n), as sc_parse reads
 * them; NULL when it has answered instead (404: no such programme, 500:
 * out of memory). */
struct selfcheck *sc_parse_or_reply(struct request *rq, struct response *rs,
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
/* selfcheck_answers.c: where a question's fact lives in an application.
 * A scalar question has exactly one pointer set, by its type: str (SC_CHOICE,
 * SC_TEXT, SC_NATION, SC_USCC), tri (SC_TRI), num (SC_YEARS, SC_MONEY,
 * SC_COUNT), or has with date (SC_DATE) or pct (SC_PERCENT).  The lists
 * (SC_MULTI: the enterprise's conditions, SC_QUALS: the applicant's
 * qualifications) have none: their own code reads and writes them. */
struct sc_member {
	const char **str;
	enum tri *tri;
	struct opt_num *num;
	bool *has;
	date_t *date;
	points_t *pct;
};
/* sc_member: the members of app that target t reads and writes. */
struct sc_member sc_member(struct application *app, enum sc_target t);

/* selfcheck_fields.c */
/* sc_option_label: the words for option `value` of f. */
const char *sc_option_label(const struct selfcheck *sc, const struct sc_field *f,
		const char *value);
/* sc_field_view: the view of one question for the step form. */
void sc_field_view(const struct selfcheck *sc, const struct sc_answer *an, struct view *fields);
/* sc_step_fields: the views of step's questions (sc_field_view) pushed to
 * list fields, without their errors unless show_errors; how many. */
size_t sc_step_fields(const struct selfcheck *sc, unsigned step, bool show_errors,
		struct view *fields);
/* sc_answer_text: an answer as the summary shows it. */
const char *sc_answer_text(const struct selfcheck *sc, const struct sc_answer *an);
/* sc_answer_row: {label, value, unknown} of an answer as the summary shows
 * it, pushed to list rows; the row. */
struct view *sc_answer_row(const struct selfcheck *sc, const struct sc_answer *an,
		struct view *rows);
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
/* sc_add_errors: the error summary of v (has_errors, nerrors, errors:
 * [{text, href}]) for the answers of `step` (0: every step).  href is the
 * field on this page (#field-...), or with `summary` the step's page with
 * the field (ret=summary). */
void sc_add_errors(const struct selfcheck *sc, struct view *v, unsigned step, bool summary);
/* sc_programme_name: the programme's name in the request's language. */
const char *sc_programme_name(const struct request *rq, const struct sc_programme *p);
/* sc_step_title: the title of step (1-based; past the last: the summary). */
const char *sc_step_title(const struct request *rq, const struct sc_programme *p,
		unsigned step);

/* selfcheck_eval.c */
/* sc_unknown_ok: the hint that an answer may be left open, as it applies to
 * sc's programme (a range of points, or criteria not decided yet). */
const char *sc_unknown_ok(const struct selfcheck *sc);
/* sc_policy_word: a label of the policy (a level, a condition) in the
 * request's language (po/<lang>/policy_words.po), or its English text. */
const char *sc_policy_word(const struct request *rq, const char *english);
/* sc_points: points as the request's language writes decimals (82.50,
 * 82,50), an arena string. */
const char *sc_points(const struct request *rq, points_t p);
/* sc_count_open: the factors of card in state st (the sub-factors of a
 * factor that has them, instead of it). */
size_t sc_count_open(const struct scorecard *card, enum factor_state st);

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
