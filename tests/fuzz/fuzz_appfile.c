/* fuzz_appfile.c - libFuzzer target for application files (format/appfile.h).
 *
 * The input is decoded as one application, then read again as a file
 * through the stream reader (fmemopen) with a small per-value cap, and every
 * value it yields is decoded too.  Whatever the input: no crash, no leak, no
 * read out of bounds, and the results keep their promises (a decoded
 * application has its required fields; an error has a position and a
 * reason; stream values start with '{' and lie inside the input; the
 * decoder and json_parse() agree on what is valid JSON).
 *
 * Differentially: whatever the fast way (appfile_decode_fast, straight
 * from the text) takes, the careful way (json_tokenize + jd_decode) decodes
 * to the same application, field by field and position by position, and
 * the fast way says the object ends where a json_cursor says it does; the
 * stream reader's own fast way (appfile_stream_read) yields what
 * appfile_stream_next + appfile_decode_at (+ appfile_stream_recover after
 * an error) yield.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/appfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_app(const struct application *app, int rc, const struct appfile_error *err)
{
	struct strbuf sb = STRBUF_INIT(4096);

	if (rc != APPFILE_OK) {
		check(err->line >= 1 && err->col >= 1 && err->reason[0] != '\0');
		appfile_error_format(err, "fuzz.json", &sb);
		check(!sb.failed && sb.len > 0);
		strbuf_release(&sb);
		return;
	}
	check(app->programme != NULL && app->pos.line >= 1 && app->date_pos.line >= 1);
	check(!app->track || strcmp(app->programme, "zgc") == 0);
	for (size_t k = 0; k < app->nexperts; k++) {
		check(app->experts[k].id != NULL);
		for (size_t s = 0; s < app->experts[k].nscores; s++)
			check(app->experts[k].scores[s].factor != NULL &&
			      app->experts[k].scores[s].points >= 0);
	}
	for (size_t k = 0; k < app->ndocuments; k++) {
		const struct document *d = &app->documents[k];
		check(d->slot != NULL);
		check(!d->has_covers || d->covers_from <= d->covers_to);
	}
	for (size_t k = 0; k < app->applicant.nqualifications; k++)
		check(app->applicant.qualifications[k].status != NULL);
	check(!app->applicant.has_shareholding || (app->applicant.shareholding_percent >= 0 &&
						   app->applicant.shareholding_percent <= 10000));
}

static void stream(struct appfile_decoder *d, struct arena *a, const uint8_t *data,
		   size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct appfile_stream st;
	struct application app;
	struct appfile_error err;
	uint32_t last = 1;

	if (!f)
		return;
	appfile_stream_init(&st, f, 1024);
	for (;;) {
		const char *text;
		size_t len;
		uint32_t line, col;
		enum appfile_next r = appfile_stream_next(&st, &text, &len, &line, &col, &err);
		if (r == APPFILE_END)
			break;
		if (r == APPFILE_BAD) {
			check(err.line >= last && err.col >= 1);
			continue;
		}
		check(len >= 1 && len <= 1024 && text[0] == '{' && line >= last);
		last = line;
		arena_reset(a);
		check_app(&app, appfile_decode_at(d, text, len, line, col, a, &app, &err), &err);
	}
	appfile_stream_release(&st);
	fclose(f);
}

/* ---- the fast way against the careful way ------------------------------ */

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool pos_same(struct srcpos a, struct srcpos b)
{
	return a.line == b.line && a.col == b.col;
}

static bool num_same(struct opt_num a, struct opt_num b)
{
	return a.set == b.set && a.v == b.v;
}

static bool applicant_same(const struct applicant *a, const struct applicant *b)
{
	bool ok = str_same(a->name, b->name) && a->has_birth_date == b->has_birth_date &&
		  a->birth_date == b->birth_date && pos_same(a->birth_date_pos, b->birth_date_pos) &&
		  str_same(a->nationality, b->nationality) && str_same(a->education, b->education) &&
		  str_same(a->position, b->position) && str_same(a->title, b->title) &&
		  str_same(a->employer_visibility, b->employer_visibility) &&
		  str_same(a->social_duty, b->social_duty) &&
		  a->leads_major_project == b->leads_major_project &&
		  a->urgent_field == b->urgent_field &&
		  a->former_chinese_citizen == b->former_chinese_citizen &&
		  a->intl_vocational_certificate == b->intl_vocational_certificate &&
		  a->board_director == b->board_director && a->leads_rd_team == b->leads_rd_team &&
		  num_same(a->years_professional_work, b->years_professional_work) &&
		  num_same(a->years_in_china, b->years_in_china) &&
		  num_same(a->annual_salary_cny, b->annual_salary_cny) &&
		  num_same(a->months_in_china_per_year, b->months_in_china_per_year) &&
		  a->has_shareholding == b->has_shareholding &&
		  a->shareholding_percent == b->shareholding_percent &&
		  a->has_qualifications == b->has_qualifications &&
		  a->nqualifications == b->nqualifications &&
		  !a->qualifications == !b->qualifications && a->has_resume == b->has_resume &&
		  a->nresume == b->nresume && !a->resume == !b->resume;

	for (size_t k = 0; ok && k < a->nqualifications; k++) {
		const struct qualification *p = &a->qualifications[k], *q = &b->qualifications[k];
		ok = str_same(p->id, q->id) && str_same(p->status, q->status) &&
		     pos_same(p->pos, q->pos);
	}
	for (size_t k = 0; ok && k < a->nresume; k++) {
		const struct resume_entry *p = &a->resume[k], *q = &b->resume[k];
		ok = p->from == q->from && p->to == q->to && p->to_present == q->to_present &&
		     str_same(p->what, q->what) && pos_same(p->pos, q->pos);
	}
	return ok;
}

static bool enterprise_same(const struct enterprise *a, const struct enterprise *b)
{
	bool ok = str_same(a->uscc, b->uscc) && str_same(a->name, b->name) &&
		  a->key_entity == b->key_entity && str_same(a->sector, b->sector) &&
		  num_same(a->revenue_last_year_cny, b->revenue_last_year_cny) &&
		  num_same(a->corporate_tax_last_year_cny, b->corporate_tax_last_year_cny) &&
		  num_same(a->jobs, b->jobs) &&
		  a->penalties_last_two_years == b->penalties_last_two_years &&
		  a->has_conditions == b->has_conditions && a->nconditions == b->nconditions &&
		  !a->conditions == !b->conditions && a->high_end_industry == b->high_end_industry &&
		  a->real_estate == b->real_estate && a->zgc_registered == b->zgc_registered &&
		  a->zgc_high_tech == b->zgc_high_tech &&
		  a->employer_211_or_first_batch == b->employer_211_or_first_batch;

	for (size_t k = 0; ok && k < a->nconditions; k++)
		ok = str_same(a->conditions[k], b->conditions[k]);
	return ok;
}

static bool expert_same(const struct expert *a, const struct expert *b)
{
	bool ok = str_same(a->id, b->id) && pos_same(a->pos, b->pos) &&
		  a->nscores == b->nscores && !a->scores == !b->scores;

	for (size_t k = 0; ok && k < a->nscores; k++)
		ok = str_same(a->scores[k].factor, b->scores[k].factor) &&
		     a->scores[k].points == b->scores[k].points &&
		     pos_same(a->scores[k].pos, b->scores[k].pos);
	return ok;
}

static bool document_same(const struct document *a, const struct document *b)
{
	return str_same(a->slot, b->slot) && str_same(a->file, b->file) &&
	       str_same(a->language, b->language) && a->translated == b->translated &&
	       a->has_issued == b->has_issued && a->issued == b->issued &&
	       a->has_covers == b->has_covers && a->covers_from == b->covers_from &&
	       a->covers_to == b->covers_to && pos_same(a->pos, b->pos);
}

/* app_same: a and b hold the same values, positions and array shapes. */
static bool app_same(const struct application *a, const struct application *b)
{
	bool ok = str_same(a->programme, b->programme) && str_same(a->track, b->track) &&
		  a->date == b->date && pos_same(a->date_pos, b->date_pos) &&
		  pos_same(a->pos, b->pos) && applicant_same(&a->applicant, &b->applicant) &&
		  enterprise_same(&a->enterprise, &b->enterprise) && a->nexperts == b->nexperts &&
		  !a->experts == !b->experts && a->has_documents == b->has_documents &&
		  a->ndocuments == b->ndocuments && !a->documents == !b->documents;

	for (size_t k = 0; ok && k < a->nexperts; k++)
		ok = expert_same(&a->experts[k], &b->experts[k]);
	for (size_t k = 0; ok && k < a->ndocuments; k++)
		ok = document_same(&a->documents[k], &b->documents[k]);
	return ok;
}

/* fast_agrees: when the fast way takes the start of the input (as if it
 * began at line 3, column 7, with a token cap of 64 or the default), the
 * careful way decodes that object alone to the same application, and the
 * end is where a json_cursor puts it. */
static void fast_agrees(const uint8_t *data, size_t size, struct arena *fa, struct arena *sa)
{
	static struct appfile_decoder careful[2]; /* cap 64, default cap */
	static bool ready;
	const char *text = (const char *)data;
	unsigned which = size && (data[size - 1] & 1);
	struct application fast, slow;
	struct appfile_error err;
	struct json_cursor cur;
	struct jd_end end;
	uint32_t line, col;

	if (!ready) {
		for (unsigned k = 0; k < 2; k++) {
			appfile_decoder_init(&careful[k]);
			careful[k].careful = true;
		}
		json_parser_release(&careful[0].json);
		json_parser_init(&careful[0].json, 64);
		ready = true;
	}
	arena_reset(fa);
	arena_reset(sa);
	if (!appfile_decode_fast(text, size, 3, 7, fa, &fast, careful[which].json.max, &end))
		return;
	check(end.off > 0 && end.off <= size);
	check(appfile_decode_at(&careful[which], text, end.off, 3, 7, sa, &slow, &err) ==
	      APPFILE_OK);
	check(app_same(&fast, &slow));
	json_cursor_init(&cur, text, size, 3, 7);
	json_cursor_at(&cur, end.off, &line, &col);
	check(end.lc[0] == line && end.lc[1] == col);
}

/* stream_read_agrees: appfile_stream_read (which tries the fast ways on
 * the buffer) yields what appfile_stream_next + appfile_decode_at yield. */
static void stream_read_agrees(struct appfile_decoder *d, struct arena *a, struct arena *b,
			       const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r"), *g = fmemopen((void *)data, size, "r");
	struct appfile_stream s, t;
	struct application x, y;
	struct appfile_error ex, ey;

	if (!f || !g)
		goto out;
	appfile_stream_init(&s, f, 1024);
	appfile_stream_init(&t, g, 1024);
	for (;;) {
		const char *text;
		size_t len;
		uint32_t line, col;
		enum appfile_next r, q;
		arena_reset(a);
		arena_reset(b);
		r = appfile_stream_read(&s, d, a, &x, &ex);
		q = appfile_stream_next(&t, &text, &len, &line, &col, &ey);
		if (q == APPFILE_VALUE && appfile_decode_at(d, text, len, line, col, b, &y, &ey)) {
			appfile_stream_recover(&t, d, text, len, line, col, b, &y, &ey);
			q = APPFILE_BAD;
		}
		check(r == q);
		if (r == APPFILE_END)
			break;
		if (r == APPFILE_VALUE)
			check(app_same(&x, &y));
		else
			check(ex.line == ey.line && ex.col == ey.col &&
			      strcmp(ex.path, ey.path) == 0 && strcmp(ex.reason, ey.reason) == 0);
	}
	appfile_stream_release(&s);
	appfile_stream_release(&t);
out:
	if (f)
		fclose(f);
	if (g)
		fclose(g);
}

/* same_verdict: the decoder checks the grammar as it walks; json_parse()
 * checks it in a pass of its own.  They must agree: an application that
 * decodes is valid JSON, and "invalid JSON" from the decoder is invalid. */
static void same_verdict(const uint8_t *data, size_t size, int rc,
			 const struct appfile_error *err)
{
	static struct json_parser p;
	static bool ready;
	struct json_doc doc;
	struct json_error jerr;
	enum json_rc jrc;

	if (!ready) {
		json_parser_init(&p, 0);
		ready = true;
	}
	jrc = json_parse(&p, (const char *)data, size, &doc, &jerr);
	if (rc == APPFILE_OK)
		check(jrc == JSON_OK);
	if (rc == APPFILE_EINPUT && strncmp(err->reason, "invalid JSON: ", 14) == 0)
		check(jrc == JSON_EINPUT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct appfile_decoder d; /* reused, as the CLI does */
	static bool ready;
	struct arena a;
	struct application app;
	struct appfile_error err;
	int rc;

	if (!ready) {
		appfile_decoder_init(&d);
		ready = true;
	}
	arena_init(&a, (size_t)64 << 20);
	rc = appfile_decode(&d, (const char *)data, size, 1, &a, &app, &err);
	check_app(&app, rc, &err);
	same_verdict(data, size, rc, &err);
	if (size > 0) {
		struct arena b;
		stream(&d, &a, data, size);
		arena_init(&b, (size_t)64 << 20);
		fast_agrees(data, size, &a, &b);
		stream_read_agrees(&d, &a, &b, data, size);
		arena_release(&b);
	}
	arena_release(&a);
	return 0;
}
