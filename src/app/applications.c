/* applications.c - see applications.h. */
#include "applications.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/tx.h"
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

/* One change, as app_tx runs it (perhaps more than once).  Each run reads
 * into `scratch`, reset at its start, so a run that was busy leaves
 * nothing behind; the caller copies the row it answers with into its own
 * arena once, after the last run. */
struct update_tx {
	const struct user *u;
	int64_t id, expected_version, now;
	const char *data;
	struct arena scratch;
	struct application_rec cur, upd; /* in scratch (upd.data: the caller's) */
	enum appl_rc decided;            /* why nothing is written (APPL_OK: go on) */
	char checked[64];                /* the programme data was checked against... */
	bool valid;                      /* ...and whether it was valid for it */
};

/* update_run: one run: re-read, check, write, audit. */
static enum store_rc update_run(struct store_conn *c, void *arg)
{
	struct update_tx *t = arg;
	enum store_rc rc;

	arena_reset(&t->scratch);
	t->decided = APPL_OK;
	rc = store_application_get(c, t->id, &t->scratch, &t->cur);
	if (rc == STORE_NOTFOUND)
		t->decided = APPL_NOTFOUND;
	if (rc != STORE_OK)
		return rc;
	if (!app_application_can_read(t->u, &t->cur))
		t->decided = APPL_NOTFOUND;
	else if (!app_application_can_edit(t->u, &t->cur))
		t->decided = APPL_FORBIDDEN;
	else if (strcmp(status_of(&t->cur), "draft") != 0)
		t->decided = APPL_NOT_DRAFT;
	else if (t->cur.version != t->expected_version)
		t->decided = APPL_CONFLICT; /* someone saved since this person loaded the form */
	if (t->decided != APPL_OK)
		return STORE_CONFLICT;
	/* Decoding up to a megabyte is done once, not once per run (unless
	 * the programme changed in between, or its name is too long to keep). */
	if (!t->checked[0] || !t->cur.programme || strcmp(t->checked, t->cur.programme) != 0) {
		t->valid = valid_data(t->data, t->cur.programme);
		t->checked[0] = '\0';
		if (t->cur.programme && strlen(t->cur.programme) < sizeof t->checked)
			memcpy(t->checked, t->cur.programme, strlen(t->cur.programme) + 1);
	}
	if (!t->valid) {
		t->decided = APPL_INVALID;
		return STORE_CONFLICT;
	}
	t->upd = t->cur;
	t->upd.data = t->data;
	t->upd.updated_at = t->now;
	t->upd.version = t->expected_version; /* the store bumps it if still current */
	rc = store_application_update(c, &t->upd);
	if (rc == STORE_CONFLICT) {
		/* changed between our read and our write (not possible while we
		 * hold the write lock; kept for a backend that allows it) */
		rc = store_application_get(c, t->id, &t->scratch, &t->cur);
		if (rc != STORE_OK)
			return rc;
		t->decided = APPL_CONFLICT;
		return STORE_CONFLICT;
	}
	if (rc != STORE_OK)
		return rc;
	t->upd.version = t->expected_version + 1;
	return audit_update(c, t->u, &t->cur, &t->upd);
}

static const char *dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* rec_copy: r with its strings copied into a; false when memory ran out. */
static bool rec_copy(struct arena *a, const struct application_rec *r,
		struct application_rec *out)
{
	*out = *r;
	out->programme = dup_or_null(a, r->programme);
	out->status = dup_or_null(a, r->status);
	out->data = dup_or_null(a, r->data);
	return (!r->programme || out->programme) && (!r->status || out->status) &&
	       (!r->data || out->data);
}

enum appl_rc app_application_update(struct store_conn *c, const struct user *u, int64_t id,
		int64_t expected_version, const char *data, int64_t now, struct arena *a,
		struct application_rec *out)
{
	struct update_tx t = {
		.u = u, .id = id, .expected_version = expected_version, .now = now, .data = data,
	};
	enum store_rc src;
	enum appl_rc rc;

	memset(out, 0, sizeof *out);
	if (!u)
		return APPL_NOTFOUND;
	arena_init(&t.scratch, 0);
	src = app_tx(c, update_run, &t);
	rc = src == STORE_OK ? APPL_OK : t.decided != APPL_OK ? t.decided : from_store(src);
	if (rc == APPL_OK) {
		/* written: the new row (its data is the caller's own) */
		*out = t.upd;
		out->programme = dup_or_null(a, t.upd.programme);
		out->status = dup_or_null(a, t.upd.status);
	} else if (rc == APPL_CONFLICT && !rec_copy(a, &t.cur, out)) {
		/* the stored row, to show what changed */
		memset(out, 0, sizeof *out);
		rc = APPL_ERROR;
	}
	arena_release(&t.scratch);
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
