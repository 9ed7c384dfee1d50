/* dashboard.c - the page after login, by role: applicants and employers
 * see their saved applications (status and dates) and where to start a
 * self-check; staff see the queue of their role (empty until the review
 * workflow exists, and said plainly); the system administrator also sees
 * the server's state: database, busy transactions run again or given up,
 * what housekeeping last did and how mail delivery goes. */
#include <string.h>

#include "app/tx.h"
#include "pages.h"
#include "store/store.h"
#include "web/housekeeper.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

#define DASH_APPS_MAX 50

/* day_of: the Beijing calendar day (UTC+8 all year) of a Unix time. */
static date_t day_of(int64_t t)
{
	int64_t s = t + 8 * 3600;
	int64_t d = s / 86400 - (s % 86400 < 0);

	return (date_t)d;
}

/* Tr: the translation of key, or fallback when there is none. */
static const char *Tr(const struct request *rq, const char *key, const char *fallback)
{
	const char *s = T(rq, key);

	return strcmp(s, key) == 0 ? fallback : s;
}

static const char *programme_name(struct request *rq, const char *id)
{
	const char *key = strcmp(id, "two-zones") == 0 ? "two_zones" : id;

	return Tr(rq, arena_printf(rq->a, "prog_%s_name", key), id);
}

/* add_applications_or_reply: the user's applications; false when the
 * database failed (an error page has been sent). */
static bool add_applications_or_reply(struct request *rq, struct response *rs, struct view *v)
{
	struct application_rec *apps = NULL;
	size_t n = 0;
	struct view *list;
	enum store_rc rc;

	if (!http_db(rq)) {
		page_error(rq, rs, 503);
		return false;
	}
	rc = store_application_list(rq->db, rq->user->id, DASH_APPS_MAX, rq->a, &apps, &n);
	if (rc != STORE_OK) {
		page_error(rq, rs, rc == STORE_BUSY ? 503 : 500);
		return false;
	}
	view_set_bool(v, "has_apps", n > 0);
	list = view_set_list(v, "apps");
	for (size_t i = 0; i < n; i++) {
		const struct application_rec *a = &apps[i];
		struct view *o = view_list_push_object(list);
		const char *status = a->status ? a->status : "draft";

		view_set_int(o, "id", a->id);
		view_set_str(o, "href", arena_printf(rq->a, "/applications/%lld", (long long)a->id));
		view_set_str(o, "programme", programme_name(rq, a->programme ? a->programme : "?"));
		view_set_str(o, "status", Tr(rq, arena_printf(rq->a, "app_status_%s", status), status));
		view_set_bool(o, "is_draft", strcmp(status, "draft") == 0);
		view_set_str(o, "created", i18n_date(rq->a, rq->lang, day_of(a->created_at)));
		view_set_str(o, "updated", i18n_date(rq->a, rq->lang,
				day_of(a->updated_at ? a->updated_at : a->created_at)));
	}
	return true;
}

/* beijing_time: t as "2026-11-23 05:46 (UTC+8)". */
static const char *beijing_time(struct arena *a, int64_t t)
{
	int64_t s = t + 8 * 3600, secs = s % 86400;
	char d[DATE_FMT_MAX];

	if (secs < 0)
		secs += 86400;
	return arena_printf(a, "%s %02d:%02d (UTC+8)", date_format(day_of(t), d),
			    (int)(secs / 3600), (int)(secs % 3600 / 60));
}

/* add_mail: mail delivery: on or off here, the outbox's counts (every
 * server's: they come from the database) and the latest failed attempt of
 * a mail not sent since. */
static void add_mail(struct request *rq, struct view *sys)
{
	const struct site *site = rq->site;
	struct outbox_counts n;
	struct mail m;

	view_set_bool(sys, "mail_on", site->mailer != NULL);
	view_set_str(sys, "mail_via", site->cfg.smtp_url);
	if (!http_db(rq) || store_outbox_counts(rq->db, &n) != STORE_OK) {
		view_set_str(sys, "mail_counts_unknown", T(rq, "dash_sys_unknown"));
		return;
	}
	view_set_bool(sys, "mail_counts", true);
	view_set_int(sys, "mail_sent", n.sent);
	view_set_int(sys, "mail_waiting", n.waiting);
	view_set_int(sys, "mail_failed", n.failed);
	view_set_bool(sys, "mail_any_failed", n.failed > 0);
	if (store_outbox_last_error(rq->db, rq->a, &m) == STORE_OK && m.last_error) {
		view_set_bool(sys, "mail_error", true);
		view_set_int(sys, "mail_error_id", m.id);
		view_set_str(sys, "mail_error_at", beijing_time(rq->a, m.attempted_at));
		view_set_str(sys, "mail_error_text", m.last_error);
	}
}

/* add_system: the server's state, for the system administrator. */
static void add_system(struct request *rq, struct view *v)
{
	const struct site *site = rq->site;
	struct view *sys = view_set_object(v, "system");
	struct app_tx_counts tx;
	const char *be = store_backend_name(site->store);
	int schema = http_db(rq) ? store_schema_version(rq->db) : 0;

	view_set_str(sys, "database", strcmp(be, "postgresql") == 0 ? "PostgreSQL" : "SQLite");
	if (schema > 0)
		view_set_int(sys, "schema", schema);
	else
		view_set_str(sys, "schema", T(rq, "dash_sys_unknown"));
	view_set_str(sys, "started", beijing_time(rq->a, site->started_at));
	app_tx_counts(&tx);
	view_set_int(sys, "retries", (int64_t)tx.retries);
	view_set_int(sys, "gave_up", (int64_t)tx.gave_up);
	view_set_bool(sys, "hk_on", site->keeper != NULL);
	view_set_int(sys, "hk_interval", site->cfg.housekeeping_interval_s);
	if (site->keeper) {
		struct housekeeper_status st;

		housekeeper_status(site->keeper, &st);
		view_set_bool(sys, "hk_ran", st.last_at != 0);
		if (st.last_at) {
			view_set_str(sys, "hk_last", beijing_time(rq->a, st.last_at));
			view_set_bool(sys, "hk_ok", st.last_rc == STORE_OK);
			view_set_str(sys, "hk_rc", store_rc_name(st.last_rc));
			view_set_int(sys, "hk_sessions", st.removed.sessions);
			view_set_int(sys, "hk_throttle", st.removed.throttle);
			view_set_int(sys, "hk_resets", st.removed.resets);
			view_set_int(sys, "hk_mails", st.removed.mails);
		}
	}
	add_mail(rq, sys);
}

void page_dashboard(struct request *rq, struct response *rs)
{
	struct view *v = render_view(rq);
	const char *role = role_name(rq->user->role);
	bool staff = (rq->user->role & ROLE_STAFF) != 0;

	view_set_bool(v, "welcome", http_query(rq, "welcome") != NULL);
	view_set_bool(v, "password_changed", http_query(rq, "password") != NULL);
	view_set_bool(v, "saved", http_query(rq, "saved") != NULL);
	view_set_bool(v, "staff", staff);
	view_set_bool(v, "is_employer", rq->user->role == ROLE_EMPLOYER);
	if (staff) {
		view_set_str(v, "queue_title", T(rq, arena_printf(rq->a, "dash_queue_%s", role)));
		view_set_str(v, "queue_what", T(rq, arena_printf(rq->a, "dash_queue_%s_what", role)));
		if (rq->user->role == ROLE_SYSADMIN)
			add_system(rq, v);
	} else if (!add_applications_or_reply(rq, rs, v)) {
		return;
	}
	render_page(rq, rs, 200, "dashboard", "dash_title", v);
	rs->no_store = true;
}
