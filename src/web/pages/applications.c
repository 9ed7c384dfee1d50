/* applications.c - /applications/{id}: the page of a saved application,
 * its edit form and the conflict page (pages_applications.h).
 *
 * Translation only: the answers are read and checked by the self-check's
 * code (through app_form.h), the change is the use case
 * app_application_update, which checks the owner and the version inside
 * its transaction.  The version travels in a hidden field and is read
 * strictly (digits only); a version that is no longer current is a 409
 * page, never a silent overwrite.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/applications.h"
#include "app_form.h"
#include "pages.h"
#include "store/store.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

#define ID_DIGITS_MAX 18 /* below INT64_MAX whatever the digits */

/* parse_id: a positive decimal integer, digits only, no sign, no leading
 * zero, at most ID_DIGITS_MAX digits. */
static bool parse_id(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;

	if (!s || *s < '1' || *s > '9')
		return false;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n == ID_DIGITS_MAX)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	*out = v;
	return true;
}

static const char *Tr(const struct request *rq, const char *key, const char *fallback)
{
	const char *s = T(rq, key);

	return strcmp(s, key) == 0 ? fallback : s;
}

/* when: a moment as the reader's language writes the day, and the time in
 * Beijing (UTC+8 all year). */
static const char *when(const struct request *rq, int64_t t)
{
	int64_t s = t + 8 * 3600;
	int64_t day = s / 86400 - (s % 86400 < 0);
	int64_t sec = s - day * 86400;

	return arena_printf(rq->a, "%s %02d:%02d", i18n_date(rq->a, rq->lang, (date_t)day),
			    (int)(sec / 3600), (int)(sec / 60 % 60));
}

static void reply_rc(struct request *rq, struct response *rs, enum appl_rc rc)
{
	switch (rc) {
	case APPL_NOTFOUND:
	case APPL_FORBIDDEN:
		page_error(rq, rs, 404);
		return;
	case APPL_NOT_DRAFT: /* the person may change it, its state does not let them */
		page_error_msg(rq, rs, 409, "app_err_not_draft");
		return;
	case APPL_BUSY:
		page_error(rq, rs, 503);
		return;
	default:
		fprintf(stderr, "yingcai serve: %s %s for user %" PRId64 ": %s\n", rq->method_name,
			http_log_path(rq), rq->user ? rq->user->id : 0, appl_rc_name(rc));
		page_error(rq, rs, 500);
	}
}

/* load_or_reply: the application of the path for this user (to change
 * it when edit); false when an error page has been sent. */
static bool load_or_reply(struct request *rq, struct response *rs, bool edit,
		struct application_rec *rec)
{
	int64_t id;
	enum appl_rc rc;

	if (!parse_id(rq->params[0], &id)) {
		page_error(rq, rs, 404);
		return false;
	}
	if (!http_db(rq)) {
		page_error(rq, rs, 503);
		return false;
	}
	rc = app_application_get(rq->db, rq->user, id, rq->a, rec);
	if (rc == APPL_OK && edit && !app_application_can_edit(rq->user, rec))
		rc = APPL_FORBIDDEN;
	if (rc == APPL_OK && edit && strcmp(rec->status ? rec->status : "draft", "draft") != 0)
		rc = APPL_NOT_DRAFT;
	if (rc != APPL_OK) {
		reply_rc(rq, rs, rc);
		return false;
	}
	return true;
}

/* common: what every page of an application says about it. */
static struct view *common(struct request *rq, const struct application_rec *rec)
{
	struct view *v = render_view(rq);
	const char *status = rec->status ? rec->status : "draft";

	view_set_int(v, "id", rec->id);
	view_set_str(v, "programme", appform_programme_name(rq, rec->programme));
	view_set_str(v, "status", Tr(rq, arena_printf(rq->a, "app_status_%s", status), status));
	view_set_bool(v, "is_draft", strcmp(status, "draft") == 0);
	view_set_int(v, "version", rec->version);
	view_set_str(v, "created", when(rq, rec->created_at));
	view_set_str(v, "updated", when(rq, rec->updated_at ? rec->updated_at : rec->created_at));
	view_set_str(v, "href", arena_printf(rq->a, "/applications/%" PRId64, rec->id));
	view_set_str(v, "edit", arena_printf(rq->a, "/applications/%" PRId64 "/edit", rec->id));
	return v;
}

/* ---- GET /applications/{id} ------------------------------------------------------ */

void page_application(struct request *rq, struct response *rs)
{
	struct application_rec rec;
	struct appform *f;
	struct view *v;
	bool owner, can_edit;

	if (!load_or_reply(rq, rs, false, &rec))
		return;
	owner = app_application_can_edit(rq->user, &rec);
	v = common(rq, &rec);
	view_set_bool(v, "saved", http_query(rq, "saved") != NULL && owner);
	can_edit = owner && strcmp(rec.status ? rec.status : "draft", "draft") == 0;
	view_set_bool(v, "can_edit", can_edit);
	/* the evaluation's "change your answers" link (questions left open) */
	if (can_edit)
		view_set_str(v, "change", arena_printf(rq->a, "/applications/%" PRId64 "/edit",
						       rec.id));
	view_set_bool(v, "read_only", !owner);
	f = appform_from_json(rq, rec.programme, rec.data);
	view_set_bool(v, "unreadable", f == NULL);
	if (f) {
		appform_answers_view(f, v);
		appform_evaluation_view(f, v);
	}
	render_page(rq, rs, 200, "application", "app_title", v);
	rs->no_store = true;
}

/* ---- the form ---------------------------------------------------------------------- */

/* render_form: the edit form for f, made from `version`. */
static void render_form(struct request *rq, struct response *rs, int status,
		const struct application_rec *rec, const struct appform *f, int64_t version,
		bool show_errors, const char *notice_key)
{
	struct view *v = common(rq, rec);
	struct view *form = view_set_object(v, "form");

	view_set_int(v, "version", version);
	view_set_str(v, "notice", notice_key ? T(rq, notice_key) : "");
	/* the idle timeout ends the session, and what was typed since the last
	 * save is lost with the form: say so where it matters */
	view_set_str(v, "idle_note", T_n(rq, "app_idle_note",
		rq->site->cfg.session_idle_s >= 120 ? (int)(rq->site->cfg.session_idle_s / 60) : 1));
	view_set_str(form, "action", arena_printf(rq->a, "/applications/%" PRId64 "/edit", rec->id));
	view_set_int(form, "version", version);
	view_set_str(form, "form_track", appform_track(f) ? appform_track(f) : "");
	view_set_str(form, "submit", T(rq, "app_save"));
	appform_fields_view(f, form, show_errors);
	render_page(rq, rs, status, "application_edit", "app_edit_title", v);
	rs->no_store = true;
}

void page_application_edit(struct request *rq, struct response *rs)
{
	struct application_rec rec;
	struct appform *f;

	if (!load_or_reply(rq, rs, true, &rec))
		return;
	f = appform_from_json(rq, rec.programme, rec.data);
	if (!f) {
		page_error(rq, rs, 500);
		return;
	}
	render_form(rq, rs, 200, &rec, f, rec.version, false, NULL);
}

/* ---- the conflict ------------------------------------------------------------------- */

/* render_conflict: 409.  current is the stored row now, version the one
 * the person started from, mine what they sent (checked, canonical). */
static void render_conflict(struct request *rq, struct response *rs,
		const struct application_rec *current, int64_t version, const struct appform *mine)
{
	struct view *v = common(rq, current);
	struct view *diff = view_set_object(v, "diff");
	struct view *form = view_set_object(v, "form");
	const char *base_json = NULL;
	struct appform *base = NULL, *cur, *rebased;
	enum appl_rc rc;

	cur = appform_from_json(rq, current->programme, current->data);
	/* the version they started from, as the log kept it */
	rc = app_application_version_data(rq->db, rq->user, current->id, version, rq->a,
					  &base_json);
	if (rc == APPL_OK)
		base = appform_from_json(rq, current->programme, base_json);
	rebased = cur ? appform_rebase(rq, base, cur, mine) : NULL;
	if (!cur || !rebased) {
		page_error(rq, rs, 500);
		return;
	}
	view_set_int(v, "your_version", version);
	view_set_str(v, "changed_at", when(rq, current->updated_at ? current->updated_at
							 : current->created_at));
	/* the other save may have changed nothing the form shows (the same
	 * values, or facts the form does not ask about): say so */
	view_set_bool(diff, "other_none", appform_diff_view(base, cur, mine, diff) == 0 &&
		      base != NULL);
	view_set_str(form, "action", arena_printf(rq->a, "/applications/%" PRId64 "/edit",
						  current->id));
	view_set_int(form, "version", current->version);
	view_set_str(form, "form_track", appform_track(rebased) ? appform_track(rebased) : "");
	view_set_str(form, "submit", T(rq, "app_apply_mine"));
	appform_fields_view(rebased, form, false);
	render_page(rq, rs, 409, "application_conflict", "app_conflict_title", v);
	rs->no_store = true;
}

/* ---- POST /applications/{id}/edit ----------------------------------------------------- */

static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

void page_application_edit_post(struct request *rq, struct response *rs)
{
	struct application_rec rec, out;
	struct appform *stored, *mine;
	const char *json;
	int64_t version;
	enum appl_rc rc = APPL_ERROR;

	if (!load_or_reply(rq, rs, true, &rec))
		return;
	if (!parse_id(http_form(rq, "version"), &version)) {
		page_error_msg(rq, rs, 400, "app_err_version");
		return;
	}
	stored = appform_from_json(rq, rec.programme, rec.data);
	mine = stored ? appform_from_form(rq, stored) : NULL;
	if (!mine) {
		page_error(rq, rs, 500);
		return;
	}
	/* a new zgc track asks other questions: show them before saving */
	if (!same(appform_track(mine), http_form(rq, "form_track")) && appform_track(mine)) {
		render_form(rq, rs, 200, &rec, mine, version, false, "app_track_changed");
		return;
	}
	if (appform_nerrors(mine)) {
		render_form(rq, rs, 400, &rec, mine, version, true, NULL);
		return;
	}
	json = appform_json(mine);
	if (!json) {
		page_error(rq, rs, 413);
		return;
	}
	/* a serialization failure is run again inside (app/tx.h) */
	rc = app_application_update(rq->db, rq->user, rec.id, version, json, rq->now, rq->a, &out);
	switch (rc) {
	case APPL_OK:
		http_redirect(rs, arena_printf(rq->a, "/applications/%" PRId64 "?saved=1", rec.id));
		return;
	case APPL_CONFLICT:
		render_conflict(rq, rs, &out, version, mine);
		return;
	default:
		reply_rc(rq, rs, rc);
	}
}
