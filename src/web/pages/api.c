/* api.c - the JSON API: the same contracts as the command line.
 *
 * POST /api/v1/evaluate answers exactly what `yingcai evaluate --json`
 * prints for the same application (the same decoder, core and writer), and
 * errors as {"error": {"status", "message", "path", "line", "column"}}.
 */
#include <string.h>

#include "core/calendar.h"
#include "core/evaluate.h"
#include "core/uscc.h"
#include "format/appfile.h"
#include "format/result.h"
#include "pages.h"
#include "store/store.h"
#include "web/render.h"
#include "web/site.h"

static void json_error(struct response *rs, int status, const char *message, const char *path,
		uint32_t line, uint32_t col)
{
	http_json_start(rs, status);
	strbuf_addf(&rs->body, "{\"error\": {\"status\": %d, \"message\": ", status);
	strbuf_add_json(&rs->body, message);
	if (path) {
		strbuf_addstr(&rs->body, ", \"path\": ");
		strbuf_add_json(&rs->body, path);
	}
	if (line)
		strbuf_addf(&rs->body, ", \"line\": %u, \"column\": %u", line, col);
	strbuf_addstr(&rs->body, "}}\n");
}

static bool is_json(const char *ct)
{
	return ct && strncmp(ct, "application/json", 16) == 0 &&
	       (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

void api_evaluate(struct request *rq, struct response *rs)
{
	struct appfile_decoder dec;
	struct appfile_error aerr;
	struct application app;
	struct evaluation ev, best;
	struct core_error cerr = {0};
	const char *edition = http_query(rq, "edition");
	int rc;

	if (!is_json(rq->content_type)) {
		json_error(rs, 415, "send the application file as Content-Type: application/json",
			   NULL, 0, 0);
		return;
	}
	if (!rq->body || !rq->body_len) {
		json_error(rs, 400, "the request body is empty: send one application file "
			   "(yingcai-application/1)", NULL, 0, 0);
		return;
	}
	appfile_decoder_init(&dec);
	rc = appfile_decode(&dec, rq->body, rq->body_len, 1, rq->a, &app, &aerr);
	appfile_decoder_release(&dec);
	if (rc != APPFILE_OK) {
		json_error(rs, rc == APPFILE_ENOMEM ? 503 : 400, aerr.reason,
			   aerr.path[0] ? aerr.path : NULL, aerr.line, aerr.col);
		return;
	}
	if (!evaluate_application(&rq->site->bundle, &app, edition, rq->a, &ev, &cerr)) {
		json_error(rs, 400, cerr.reason, cerr.path && *cerr.path ? cerr.path : NULL,
			   cerr.pos.line, cerr.pos.col);
		return;
	}
	if (evaluation_full_marks(&rq->site->bundle, &ev, rq->a, &best))
		ev.full_marks = &best; /* the best case's advice, as the CLI writes it */
	http_json_start(rs, 200);
	result_json(&ev, &rs->body);
	strbuf_addch(&rs->body, '\n');
}

static bool parse_int(const char *s, int *out)
{
	long v = 0;
	bool neg = false;

	if (!s || !*s)
		return false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = (int)(neg ? -v : v);
	return *s == '\0' && v <= 100000;
}

/* date_problem: why the query's date ds (NULL: none) is not one, in the
 * words of `yingcai calendar` (date_why_not, date_as_meant). */
static const char *date_problem(struct request *rq, const char *ds)
{
	char why[DATE_WHY_MAX], meant[DATE_FMT_MAX];
	size_t n = ds ? strlen(ds) : 0;

	if (!ds)
		return "date: missing; give a date as YYYY-MM-DD, e.g. 2026-02-13";
	if (date_why_not(ds, n, true, why, sizeof why))
		return arena_printf(rq->a, "date: '%s' is not a date: %s", ds, why);
	if (date_as_meant(ds, n, meant))
		return arena_printf(rq->a, "date: '%s' is not a date in the form YYYY-MM-DD: "
				    "write %s", ds, meant);
	return "date: expected a date as YYYY-MM-DD, e.g. 2026-02-13";
}

void api_add_working_days(struct request *rq, struct response *rs)
{
	const char *ds = http_query(rq, "date"), *ns = http_query(rq, "n");
	const struct calendar *cal = &rq->site->bundle.calendar;
	date_t d, out;
	int n;
	char buf[DATE_FMT_MAX];
	enum calendar_rc rc;

	if (!ds || !date_parse(ds, strlen(ds), &d)) {
		json_error(rs, 400, date_problem(rq, ds), "date", 0, 0);
		return;
	}
	if (!parse_int(ns, &n) || n < 0) {
		json_error(rs, 400, "n: expected a whole number of working days, 0 or more", "n",
			   0, 0);
		return;
	}
	rc = calendar_add_working_days(cal, d, n, &out);
	if (rc != CAL_OK) {
		json_error(rs, 400, rc == CAL_OUT_OF_RANGE ?
			   "the calendar data does not cover these dates: no holiday notice has been "
			   "published for that year" : calendar_rc_message(rc), "date", 0, 0);
		return;
	}
	http_json_start(rs, 200);
	strbuf_addstr(&rs->body, "{\"date\": ");
	strbuf_add_json(&rs->body, date_format(d, buf));
	strbuf_addf(&rs->body, ", \"n\": %d, \"result\": ", n);
	strbuf_add_json(&rs->body, date_format(out, buf));
	strbuf_addstr(&rs->body, "}\n");
}

static void bool_field(struct strbuf *sb, const char *key, bool v)
{
	strbuf_addf(sb, ", \"%s\": %s", key, v ? "true" : "false");
}

void api_enterprise(struct request *rq, struct response *rs)
{
	const char *code = rq->params[0];
	char why[USCC_REASON_MAX];
	struct enterprise_rec e;
	enum store_rc rc;

	if (uscc_explain(code, strlen(code), why, sizeof why) != USCC_OK) {
		json_error(rs, 400, why, "uscc", 0, 0);
		return;
	}
	if (!http_db(rq)) {
		json_error(rs, 503, "the database is busy; try again in a moment", NULL, 0, 0);
		return;
	}
	rc = store_enterprise_get(rq->db, code, rq->a, &e);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		json_error(rs, 503, "the database is busy; try again in a moment", NULL, 0, 0);
		return;
	}
	http_json_start(rs, 200);
	strbuf_addstr(&rs->body, "{\"uscc\": ");
	strbuf_add_json(&rs->body, code);
	strbuf_addstr(&rs->body, ", \"valid\": true");
	bool_field(&rs->body, "listed", rc == STORE_OK);
	if (rc == STORE_OK) {
		strbuf_addstr(&rs->body, ", \"name\": ");
		strbuf_add_json(&rs->body, e.name ? e.name : "");
		bool_field(&rs->body, "key_entity", e.key_entity);
		bool_field(&rs->body, "service_key_entity", e.service_key);
		bool_field(&rs->body, "breach_of_trust", e.breach_of_trust);
		/* Eligible for "Two Zones" when on the key list and not on the
		 * breach-of-trust list; for the urgent measures when on the key
		 * service-sector list (unlisted entities go to the Bureau of Commerce). */
		bool_field(&rs->body, "eligible_two_zones", e.key_entity && !e.breach_of_trust);
		bool_field(&rs->body, "eligible_urgent_listed", e.service_key && !e.breach_of_trust);
	} else {
		bool_field(&rs->body, "key_entity", false);
		bool_field(&rs->body, "eligible_two_zones", false);
	}
	strbuf_addstr(&rs->body, "}\n");
}

void api_openapi(struct request *rq, struct response *rs)
{
	for (size_t i = 0; i < rq->site->nstatics; i++) {
		if (strcmp(rq->site->statics[i].name, "openapi.json") != 0)
			continue;
		http_json_start(rs, 200);
		strbuf_add(&rs->body, rq->site->statics[i].data, rq->site->statics[i].len);
		return;
	}
	json_error(rs, 404, "the OpenAPI document is not installed", NULL, 0, 0);
}
