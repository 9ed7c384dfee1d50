/* app_form.c - see app_form.h: from an application file to the
 * self-check's answers and back.
 *
 * The self-check builds an application from answers (selfcheck_form.c)
 * and gives the way back (selfcheck_api.h): the answers a stored
 * application gives, typed in their canonical form ("1984-05-17",
 * "900000", "yes") and read by sc_parse like any form, so the same checks
 * and messages apply and the answers compare equal whenever the facts do;
 * and one question's fact copied from one application to another.  What
 * is here is the appform's life: decoding, laying a form over the stored
 * application, rebasing one person's changes on another's.
 */
#include "app_form_impl.h"

#include <stdio.h>
#include <string.h>

#include "format/appfile.h"
#include "format/appfile_write.h"
#include "selfcheck_api.h"

#define JSON_MAX ((size_t)1024 * 1024)        /* as APPFILE_MAX */

/* ---- building appforms ------------------------------------------------------- */

static struct appform *appform_new(struct request *rq)
{
	struct appform *f = arena_alloc(rq->a, sizeof *f);

	if (f)
		memset(f, 0, sizeof *f);
	return f;
}

/* read_answers: f->sc from the facts of f->app. */
static bool read_answers(struct request *rq, struct appform *f, const struct sc_programme *p)
{
	struct kv *kv;
	size_t n;

	if (!sc_answers_from_application(rq->a, p->id, &f->app, &kv, &n))
		return false;
	sc_parse(&f->sc, rq, p, kv, n);
	return true;
}

struct appform *appform_from_json(struct request *rq, const char *programme, const char *json)
{
	const struct sc_programme *p = sc_programme_find(programme);
	struct appform *f;
	struct appfile_decoder d;
	struct appfile_error err;
	int rc;

	if (!p || !json)
		return NULL;
	f = appform_new(rq);
	if (!f)
		return NULL;
	appfile_decoder_init(&d);
	rc = appfile_decode(&d, json, strlen(json), 1, rq->a, &f->app, &err);
	appfile_decoder_release(&d);
	if (rc != APPFILE_OK || !f->app.programme || strcmp(f->app.programme, p->id) != 0) {
		fprintf(stderr, "yingcai serve: %s: a stored application does not read back: "
			"%s: %s\n", http_log_path(rq), rc == APPFILE_OK ? "programme" : err.path,
			rc == APPFILE_OK ? "differs from its row" : err.reason);
		return NULL;
	}
	if (!read_answers(rq, f, p))
		return NULL;
	f->json = json;
	return f;
}

/* canonical: f as it reads back from its own file, so its answers compare
 * with stored ones ("900,000" typed is "900000" stored); f itself when
 * writing fails. */
static struct appform *canonical(struct request *rq, struct appform *f)
{
	const char *json = appform_json(f);
	struct appform *c = json ? appform_from_json(rq, f->sc.prog->id, json) : NULL;

	return c && c->sc.nerrors == 0 ? c : f;
}

struct appform *appform_from_form(struct request *rq, const struct appform *base)
{
	struct appform *f = appform_new(rq);

	if (!f)
		return NULL;
	sc_parse(&f->sc, rq, base->sc.prog, rq->form, rq->nform);
	f->app = base->app;
	for (size_t i = 0; i < f->sc.nans; i++)
		sc_answer_copy(rq, f->sc.ans[i].q->field->name, &f->app, &f->sc.app);
	return f->sc.nerrors ? f : canonical(rq, f);
}

struct appform *appform_rebase(struct request *rq, const struct appform *base,
		const struct appform *current, const struct appform *mine)
{
	struct appform *r = appform_new(rq);
	const struct sc_programme *p = mine->sc.prog;
	const char *json;

	if (!r)
		return NULL;
	r->sc = current->sc;
	r->app = current->app;
	for (size_t i = 0; i < p->nquestions; i++) {
		const struct sc_question *q = &p->questions[i];
		const struct sc_answer *am = appform_find(mine, q);

		if (!am)
			continue;
		if (!base || strcmp(appform_answer_key(base, appform_find(base, q)),
				    appform_answer_key(mine, am)) != 0)
			sc_answer_copy(rq, q->field->name, &r->app, &mine->app);
	}
	json = appform_json(r);
	return json ? appform_from_json(rq, p->id, json) : NULL;
}

/* ---- reading an appform ------------------------------------------------------- */

size_t appform_nerrors(const struct appform *f)
{
	return f->sc.nerrors;
}

const char *appform_track(const struct appform *f)
{
	return f->sc.track;
}

const char *appform_json(const struct appform *f)
{
	struct appform *w = (struct appform *)(uintptr_t)f; /* caches the file */
	struct strbuf sb = STRBUF_INIT(JSON_MAX);

	if (f->json)
		return f->json;
	appfile_write(&f->app, &sb);
	if (!sb.failed)
		w->json = arena_strdup(f->sc.rq->a, sb.buf);
	strbuf_release(&sb);
	return w->json;
}

const struct sc_answer *appform_find(const struct appform *f, const struct sc_question *q)
{
	for (size_t i = 0; f && i < f->sc.nans; i++)
		if (f->sc.ans[i].q == q)
			return &f->sc.ans[i];
	return NULL;
}

const char *appform_answer_key(const struct appform *f, const struct sc_answer *an)
{
	const struct sc_field *fl;
	struct strbuf sb = STRBUF_INIT(8192);
	const char *out;

	if (!an)
		return "";
	fl = an->q->field;
	if (fl->type != SC_MULTI && fl->type != SC_QUALS)
		return an->raw;
	if (fl->type == SC_MULTI) {
		/* a set: in the order of the options, whatever order it came in */
		for (size_t o = 0; o < fl->noptions; o++)
			for (size_t k = 0; k < an->nvals; k++)
				if (strcmp(an->vals[k], fl->options[o]) == 0) {
					strbuf_addstr(&sb, fl->options[o]);
					strbuf_addch(&sb, '\n');
					break;
				}
	} else {
		for (size_t k = 0; k < an->nvals && f->sc.catalog; k++)
			if (an->vals[k])
				strbuf_addf(&sb, "%s=%s\n", f->sc.catalog->entries[k].id, an->vals[k]);
	}
	out = sb.failed ? NULL : arena_strdup(f->sc.rq->a, sb.buf);
	strbuf_release(&sb);
	return out ? out : "\x01"; /* never equal to a real key */
}

bool appform_field_known(const char *name)
{
	return name && sc_answer_known(name);
}
