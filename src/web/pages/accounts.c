/* accounts.c - registering, logging in and out, resetting a forgotten
 * password.  The rules and the writes are in app/accounts.c; these pages
 * read the forms, call it and show the outcome: an error summary and an
 * error per field, what the user typed kept (never a password). */
#include <string.h>

#include "app/accounts.h"
#include "pages.h"
#include "web/mailer.h"
#include "web/render.h"
#include "web/session.h"
#include "web/site.h"

#define NEXT_MAX 1024

/* safe_next: a local path to go to after login, or NULL.  Only printable
 * ASCII, no backslash (browsers read "/\evil" and "/<TAB>/evil" as another
 * host), not "//" (another host), no CR/LF (header injection). */
static const char *safe_next(const char *n)
{
	size_t len = 0;

	if (!n || n[0] != '/' || n[1] == '/' || n[1] == '\\')
		return NULL;
	for (const unsigned char *p = (const unsigned char *)n; *p; p++, len++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '\\' || len >= NEXT_MAX)
			return NULL;
	return n;
}

/* add_errors: the error summary and the per-field errors of r, as
 * has_errors, errors[{href, text}] and err_<field>. */
static void add_errors(struct request *rq, struct view *v, const struct acct_result *r)
{
	struct view *list = view_set_list(v, "errors");

	view_set_bool(v, "has_errors", r->nerrors > 0);
	for (size_t i = 0; i < r->nerrors; i++) {
		const char *f = acct_field_name(r->errors[i].field);
		const char *text = T(rq, r->errors[i].key);
		struct view *e = view_list_push_object(list);
		const char *id = r->errors[i].field == ACCT_F_ROLE ? "field-role-applicant"
				 : arena_printf(rq->a, "field-%s", f);

		view_set_str(e, "href", arena_printf(rq->a, "#%s", id));
		view_set_str(e, "text", text);
		view_set_str(v, arena_printf(rq->a, "err_%s", f), text);
	}
}

/* summary_only: one message in the error summary, linked to a field. */
static void summary_only(struct request *rq, struct view *v, const char *field_id,
		const char *text)
{
	struct view *e = view_list_push_object(view_set_list(v, "errors"));

	view_set_bool(v, "has_errors", true);
	view_set_str(e, "href", arena_printf(rq->a, "#%s", field_id));
	view_set_str(e, "text", text);
}

/* retry_after: the Retry-After header of a 429, in seconds. */
static void retry_after(struct request *rq, struct response *rs, int minutes)
{
	http_set_header(rs, "Retry-After", arena_printf(rq->a, "%d", minutes * 60));
}

/* fail_or_reply: the database was busy or failed: an error page. */
static void fail_reply(struct request *rq, struct response *rs, enum acct_err e)
{
	page_error(rq, rs, e == ACCT_BUSY ? 503 : 500);
}

/* form_view: a page view for a form, with a session (and CSRF token). */
static struct view *form_view_or_reply(struct request *rq, struct response *rs)
{
	if (!session_ensure(rq)) {
		page_error(rq, rs, 503);
		return NULL;
	}
	return render_view(rq);
}

/* ---- register ---- */

static void register_form(struct request *rq, struct response *rs, int status,
		const struct acct_result *r, const char *message)
{
	struct view *v = form_view_or_reply(rq, rs);
	const char *role = http_form(rq, "role");

	if (!v)
		return;
	if (r)
		add_errors(rq, v, r);
	if (message)
		summary_only(rq, v, "field-email", message);
	view_set_str(v, "name", http_form(rq, "name") ? http_form(rq, "name") : "");
	view_set_str(v, "email", http_form(rq, "email") ? http_form(rq, "email") : "");
	view_set_bool(v, "role_applicant", !role || strcmp(role, "applicant") == 0);
	view_set_bool(v, "role_employer", role && strcmp(role, "employer") == 0);
	{
		/* Come back where the visitor was (e.g. a self-check result to save). */
		const char *next = safe_next(rq->method == HTTP_POST ? http_form(rq, "next")
								   : http_query(rq, "next"));
		view_set_str(v, "next", next ? next : "");
	}
	render_page(rq, rs, status, "register", "acct_register_title", v);
	rs->no_store = true;
}

void page_register(struct request *rq, struct response *rs)
{
	if (rq->user) {
		http_redirect(rs, "/dashboard");
		return;
	}
	register_form(rq, rs, 200, NULL, NULL);
}

void page_register_post(struct request *rq, struct response *rs)
{
	struct acct_result r;
	const char *role = http_form(rq, "role");
	struct acct_new_user in = {
		.email = http_form(rq, "email"),
		.name = http_form(rq, "name"),
		.password = http_form(rq, "password"),
		/* Only these two can be chosen here; anything else is a field error. */
		.role = role && (strcmp(role, "applicant") == 0 || strcmp(role, "employer") == 0)
			? role_parse(role) : 0,
		.lang = rq->lang,
	};
	enum acct_err e;

	if (rq->user) {             /* already logged in: nothing to register */
		http_redirect(rs, "/dashboard");
		return;
	}
	e = accounts_register(rq, &in, &r);
	switch (e) {
	case ACCT_OK: {
		const char *next = safe_next(http_form(rq, "next"));
		http_redirect(rs, next ? next : "/dashboard?welcome=1");
		return;
	}
	case ACCT_INVALID:
		register_form(rq, rs, 422, &r, NULL);
		return;
	case ACCT_CONFLICT:
		register_form(rq, rs, 409, &r, NULL);
		return;
	case ACCT_THROTTLED:
		register_form(rq, rs, 429, NULL,
			      T_n(rq, "acct_err_register_throttled", r.retry_minutes));
		retry_after(rq, rs, r.retry_minutes);
		return;
	default:
		fail_reply(rq, rs, e);
	}
}

/* ---- login ---- */

static void login_form(struct request *rq, struct response *rs, int status,
		const struct acct_result *r, const char *message)
{
	struct view *v = form_view_or_reply(rq, rs);
	const char *next = safe_next(rq->method == HTTP_POST ? http_form(rq, "next")
							   : http_query(rq, "next"));
	const char *email = http_form(rq, "email");

	if (!v)
		return;
	if (r)
		add_errors(rq, v, r);
	if (message)
		summary_only(rq, v, "field-email", message);
	view_set_str(v, "email", email ? email : "");
	view_set_str(v, "next", next ? next : "");
	render_page(rq, rs, status, "login", "acct_login_title", v);
	rs->no_store = true;
}

void page_login(struct request *rq, struct response *rs)
{
	const char *next = safe_next(http_query(rq, "next"));

	if (rq->user) {
		http_redirect(rs, next ? next : "/dashboard");
		return;
	}
	login_form(rq, rs, 200, NULL, NULL);
}

void page_login_post(struct request *rq, struct response *rs)
{
	struct acct_result r;
	const char *next = safe_next(http_form(rq, "next"));
	enum acct_err e = accounts_login(rq, http_form(rq, "email"), http_form(rq, "password"), &r);

	switch (e) {
	case ACCT_OK:
		http_redirect(rs, next ? next : "/dashboard");
		return;
	case ACCT_INVALID:
		login_form(rq, rs, 422, &r, NULL);
		return;
	case ACCT_BAD_LOGIN:
		login_form(rq, rs, 422, NULL, T(rq, "acct_err_login"));
		return;
	case ACCT_THROTTLED:
		login_form(rq, rs, 429, NULL,
			   T_n(rq, "acct_err_throttled", r.retry_minutes));
		retry_after(rq, rs, r.retry_minutes);
		return;
	default:
		fail_reply(rq, rs, e);
	}
}

void page_logout_post(struct request *rq, struct response *rs)
{
	enum acct_err e = accounts_logout(rq);

	if (e != ACCT_OK) {
		fail_reply(rq, rs, e);
		return;
	}
	http_redirect(rs, "/");
}

/* ---- forgotten password ---- */

static void forgot_form(struct request *rq, struct response *rs, int status,
		const struct acct_result *r, bool sent, const char *message)
{
	struct view *v = form_view_or_reply(rq, rs);
	const char *email = http_form(rq, "email");

	if (!v)
		return;
	if (r)
		add_errors(rq, v, r);
	if (message)
		summary_only(rq, v, "field-email", message);
	view_set_str(v, "email", email ? email : "");
	view_set_bool(v, "sent", sent);
	view_set_int(v, "ttl_minutes", ACCT_RESET_TTL / 60);
	render_page(rq, rs, status, "forgot", "acct_forgot_title", v);
	rs->no_store = true;
}

void page_forgot(struct request *rq, struct response *rs)
{
	forgot_form(rq, rs, 200, NULL, false, NULL);
}

void page_forgot_post(struct request *rq, struct response *rs)
{
	struct acct_result r;
	enum acct_err e = accounts_request_reset(rq, http_form(rq, "email"), &r);

	/* The same answer whether or not the address has an account: the
	 * limit too is counted for any well-formed address. */
	if (e == ACCT_OK) {
		/* for an address without an account too: the same work */
		mailer_wake(rq->site->mailer);
		forgot_form(rq, rs, 200, NULL, true, NULL);
	} else if (e == ACCT_INVALID) {
		forgot_form(rq, rs, 422, &r, false, NULL);
	} else if (e == ACCT_THROTTLED) {
		forgot_form(rq, rs, 429, NULL, false,
			    T_n(rq, "acct_err_forgot_throttled", r.retry_minutes));
		retry_after(rq, rs, r.retry_minutes);
	} else {
		fail_reply(rq, rs, e);
	}
}

/* ---- reset with the mailed token ---- */

/* hide_token: the access log writes rq->path after the handler; the token
 * is a password for one hour, so the log gets the pattern instead. */
static void hide_token(struct request *rq)
{
	rq->path = "/password/reset/{token}";
}

static void reset_form(struct request *rq, struct response *rs, int status,
		const struct acct_result *r, bool bad_token)
{
	struct view *v = form_view_or_reply(rq, rs);

	if (v) {
		if (r)
			add_errors(rq, v, r);
		view_set_bool(v, "bad_token", bad_token);
		view_set_str(v, "action", arena_printf(rq->a, "/password/reset/%s", rq->params[0]));
		view_set_int(v, "min", ACCT_PASSWORD_MIN);
		render_page(rq, rs, status, "reset", "acct_reset_title", v);
		rs->no_store = true;
	}
	hide_token(rq);
}

void page_reset(struct request *rq, struct response *rs)
{
	enum acct_err e = accounts_reset_check(rq, rq->params[0]);

	if (e == ACCT_OK || e == ACCT_BAD_TOKEN) {
		reset_form(rq, rs, e == ACCT_OK ? 200 : 410, NULL, e == ACCT_BAD_TOKEN);
		return;
	}
	fail_reply(rq, rs, e);
	hide_token(rq);
}

void page_reset_post(struct request *rq, struct response *rs)
{
	struct acct_result r;
	enum acct_err e = accounts_reset(rq, rq->params[0], http_form(rq, "password"), &r);

	switch (e) {
	case ACCT_OK:
		http_redirect(rs, "/dashboard?password=changed");
		break;
	case ACCT_INVALID:
		reset_form(rq, rs, 422, &r, false);
		break;
	case ACCT_BAD_TOKEN:
		reset_form(rq, rs, 410, NULL, true);
		break;
	default:
		fail_reply(rq, rs, e);
	}
	hide_token(rq);
}
