/* applications.c - see applications.h. */
#include "applications.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "format/appfile.h"
#include "lib/json.h"
#include "lib/strbuf.h"

#define READ_ROLES (ROLE_REVIEWER | ROLE_APPROVER | ROLE_SYSADMIN)
#define ACTION_UPDATE "application.update"

const char *appl_rc_name(enum appl_rc rc)
{
	switch (rc) {
	case APPL_OK: return "ok";
	case APPL_NOTFOUND: return "not found";
	case APPL_FORBIDDEN: return "forbidden";
	case APPL_NOT_DRAFT: return "not a draft";
	case APPL_CONFLICT: return "version conflict";
	case APPL_INVALID: return "invalid data";
	case APPL_BUSY: return "busy";
	default: return "error";
	}
}

static enum appl_rc from_store(enum store_rc rc)
{
	switch (rc) {
	case STORE_OK: return APPL_OK;
	case STORE_NOTFOUND: return APPL_NOTFOUND;
	case STORE_CONFLICT: return APPL_CONFLICT;
	case STORE_BUSY:
	case STORE_FULL: return APPL_BUSY;
	default: return APPL_ERROR;
	}
}

static bool is_owner(const struct user *u, const struct application_rec *r)
{
	return u && r->owner_id == u->id;
}

bool app_application_can_read(const struct user *u, const struct application_rec *r)
{
	return u && (is_owner(u, r) || (u->role & READ_ROLES) != 0);
}

bool app_application_can_edit(const struct user *u, const struct application_rec *r)
{
	return is_owner(u, r);
}

static const char *status_of(const struct application_rec *r)
{
	return r->status ? r->status : "draft";
}

enum appl_rc app_application_get(struct store_conn *c, const struct user *u, int64_t id,
		struct arena *a, struct application_rec *out)
{
	enum appl_rc rc = from_store(store_application_get(c, id, a, out));

	if (rc == APPL_OK && !app_application_can_read(u, out)) {
		memset(out, 0, sizeof *out);
		rc = APPL_NOTFOUND;
	}
	return rc;
}

/* ---- checking the new data ------------------------------------------------ */

/* valid_data: data decodes as an application file of `programme`. */
static bool valid_data(const char *data, const char *programme)
{
	struct appfile_decoder d;
	struct appfile_error err;
	struct application app;
	struct arena a;
	size_t len = data ? strlen(data) : 0;
	bool ok;

	if (!data || len == 0 || len > APPL_DATA_MAX)
		return false;
	arena_init(&a, 0);
	appfile_decoder_init(&d);
	ok = appfile_decode(&d, data, len, 1, &a, &app, &err) == APPFILE_OK &&
	     app.programme && programme && strcmp(app.programme, programme) == 0;
	appfile_decoder_release(&d);
	arena_release(&a);
	return ok;
}

/* ---- the audit entry ---------------------------------------------------------- */

/* is_object: text is one JSON object (so it can be embedded as it is). */
static bool is_object(struct json_parser *p, const char *text)
{
	struct json_doc doc;
	struct json_error err;

	return text && json_parse(p, text, strlen(text), &doc, &err) == JSON_OK &&
	       doc.ntoks > 0 && doc.toks[0].type == JSMN_OBJECT;
}

/* add_version: {"version": v, "status": s, "data": data} to sb; data is
 * embedded as an object when it is one, else as a string (a row written
 * by something else must not break the log's JSON). */
static void add_version(struct strbuf *sb, struct json_parser *p, int64_t v, const char *status,
		const char *data)
{
	strbuf_addf(sb, "{\"version\": %" PRId64 ", \"status\": ", v);
	strbuf_add_json(sb, status);
	strbuf_addstr(sb, ", \"data\": ");
	if (is_object(p, data))
		strbuf_addstr(sb, data);
	else
		strbuf_add_json(sb, data ? data : "");
	strbuf_addch(sb, '}');
}

static enum store_rc audit_update(struct store_conn *c, const struct user *u,
		const struct application_rec *before, const struct application_rec *after)
{
	struct strbuf b = STRBUF_INIT(2 * APPL_DATA_MAX + 256);
	struct strbuf f = STRBUF_INIT(2 * APPL_DATA_MAX + 256);
	struct json_parser p;
	struct audit_entry e = {0};
	char subject[48];
	enum store_rc rc;

	json_parser_init(&p, 0);
	add_version(&b, &p, before->version, status_of(before), before->data);
	add_version(&f, &p, after->version, status_of(after), after->data);
	json_parser_release(&p);
	snprintf(subject, sizeof subject, "application:%" PRId64, after->id);
	e.at = after->updated_at;
	e.actor = u->id;
	e.action = ACTION_UPDATE;
	e.subject = subject;
	e.before = b.buf;
	e.after = f.buf;
	rc = b.failed || f.failed ? STORE_ERROR : store_audit_add(c, &e);
	strbuf_release(&b);
	strbuf_release(&f);
	return rc;
}

/* ---- changing a draft ------------------------------------------------------------ */

enum appl_rc app_application_update(struct store_conn *c, const struct user *u, int64_t id,
		int64_t expected_version, const char *data, int64_t now, struct arena *a,
		struct application_rec *out)
{
	struct application_rec cur, upd;
	enum appl_rc rc;
	enum store_rc src;

	memset(out, 0, sizeof *out);
	if (!u)
		return APPL_NOTFOUND;
	src = store_begin_write(c);
	if (src != STORE_OK)
		return from_store(src);
	rc = from_store(store_application_get(c, id, a, &cur));
	if (rc != APPL_OK)
		goto out;
	if (!app_application_can_read(u, &cur)) {
		rc = APPL_NOTFOUND;
		goto out;
	}
	if (!app_application_can_edit(u, &cur)) {
		rc = APPL_FORBIDDEN;
		goto out;
	}
	if (strcmp(status_of(&cur), "draft") != 0) {
		rc = APPL_NOT_DRAFT;
		goto out;
	}
	if (cur.version != expected_version) {
		/* someone saved since this person loaded the form */
		*out = cur;
		rc = APPL_CONFLICT;
		goto out;
	}
	if (!valid_data(data, cur.programme)) {
		rc = APPL_INVALID;
		goto out;
	}
	upd = cur;
	upd.data = data;
	upd.updated_at = now;
	upd.version = expected_version; /* the store bumps it if still current */
	rc = from_store(store_application_update(c, &upd));
	if (rc == APPL_CONFLICT) {
		/* changed between our read and our write (not possible while we
		 * hold the write lock; kept for a backend that allows it) */
		if (store_application_get(c, id, a, &cur) == STORE_OK)
			*out = cur;
		goto out;
	}
	if (rc != APPL_OK)
		goto out;
	upd.version = expected_version + 1;
	rc = from_store(audit_update(c, u, &cur, &upd));
	if (rc != APPL_OK)
		goto out;
	rc = from_store(store_commit(c));
	if (rc == APPL_OK)
		*out = upd;
	return rc;
out:
	store_rollback(c);
	if (rc != APPL_CONFLICT)
		memset(out, 0, sizeof *out);
	return rc;
}

/* ---- an earlier version, from the log ------------------------------------------- */

/* version_in: from one side of an "application.update" entry, the data if
 * its version is `version`; NULL otherwise. */
static const char *version_in(struct json_parser *p, const char *json, int64_t version,
		struct arena *a)
{
	struct json_doc doc;
	struct json_error err;
	const char *data = NULL;
	bool match = false;

	if (!json || json_parse(p, json, strlen(json), &doc, &err) != JSON_OK ||
	    doc.ntoks == 0 || doc.toks[0].type != JSMN_OBJECT)
		return NULL;
	for (unsigned i = 1; i < doc.ntoks;) {
		unsigned v = i + 1;
		size_t n;
		const char *raw;

		if (v >= doc.ntoks)
			break;
		if (json_str_eq(&doc, i, "version", 7) && json_is_number(&doc, v)) {
			int64_t got;
			raw = json_raw(&doc, v, &n);
			match = json_int(raw, n, &got) == JSON_NUM_OK && got == version;
		} else if (json_str_eq(&doc, i, "data", 4)) {
			if (doc.toks[v].type == JSMN_OBJECT) {
				raw = doc.text + doc.toks[v].start;
				data = arena_strndup(a, raw, (size_t)(doc.toks[v].end - doc.toks[v].start));
			} else if (doc.toks[v].type == JSMN_STRING &&
				   json_str_dup(&doc, v, a, &raw, NULL) == JSON_STR_OK) {
				data = raw;
			}
		}
		i = json_skip(&doc, v);
	}
	return match ? data : NULL;
}

enum appl_rc app_application_version_data(struct store_conn *c, const struct user *u,
		int64_t id, int64_t version, struct arena *a, const char **data)
{
	struct application_rec cur;
	struct audit_entry *log = NULL;
	struct json_parser p;
	size_t n = 0;
	char subject[48];
	enum appl_rc rc;

	*data = NULL;
	rc = app_application_get(c, u, id, a, &cur);
	if (rc != APPL_OK)
		return rc;
	if (cur.version == version) {
		*data = cur.data;
		return APPL_OK;
	}
	if (version < 1 || version > cur.version)
		return APPL_NOTFOUND;
	snprintf(subject, sizeof subject, "application:%" PRId64, id);
	rc = from_store(store_audit_list(c, subject, APPL_HISTORY_MAX, a, &log, &n));
	if (rc != APPL_OK)
		return rc;
	json_parser_init(&p, 0);
	/* the change away from `version` has it as its before; the change
	 * that made it, as its after */
	for (size_t i = 0; i < n && !*data; i++) {
		if (!log[i].action || strcmp(log[i].action, ACTION_UPDATE) != 0)
			continue;
		*data = version_in(&p, log[i].before, version, a);
		if (!*data)
			*data = version_in(&p, log[i].after, version, a);
	}
	json_parser_release(&p);
	return *data ? APPL_OK : APPL_NOTFOUND;
}
