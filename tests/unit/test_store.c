/* test_store.c - the SQLite store (store/store.h, queries.h, migrations.h).
 *
 * Each test opens a fresh database in a mkdtemp directory under /tmp and
 * removes it afterwards.  Checks that need to look behind the API (the
 * schema_migrations rows, STRICT tables, the append-only audit log) open
 * the file with a second, plain SQLite connection.  Fault injection: a
 * second pool connection holding the write lock makes every write path
 * return STORE_BUSY; store_freeze_size makes every growing write return
 * STORE_FULL.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/migrations.h"
#include "store/queries.h"
#include "store/store.h"

struct fx {
	char dir[64];
	char db[128];
	struct store *s;
	struct store_conn *c;
	struct arena a;
	int64_t user;     /* a user every test may use */
	unsigned counter; /* for unique e-mails and token hashes */
};

/* rm_rf: remove a directory tree the tests made (no symlinks in it). */
static void rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[512];

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
				snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
				rm_rf(sub);
			}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

static struct store *open_store(struct fx *f, unsigned pool)
{
	char err[256] = "";
	char blobs[128];
	struct store *s;

	snprintf(blobs, sizeof blobs, "%s/blobs", f->dir);
	s = store_open(f->db, blobs, pool, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	return s;
}

static int64_t add_user(struct fx *f, struct store_conn *c, const char *name)
{
	char email[64];
	struct user u = { .name = name, .role = ROLE_APPLICANT, .password_hash = "$argon2id$x",
		.lang = "en", .created_at = 1000 };
	int64_t id = 0;

	snprintf(email, sizeof email, "u%u@example.org", ++f->counter);
	u.email = email;
	assert_int_equal(store_user_create(c, &u, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static void fill_hash(struct fx *f, unsigned char h[32])
{
	memset(h, 0xa5, 32);
	f->counter++;
	memcpy(h, &f->counter, sizeof f->counter);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/yc-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "sqlite:%s/yc.db", f->dir);
	arena_init(&f->a, 0);
	f->s = open_store(f, 2);
	f->c = store_conn_acquire(f->s);
	f->user = add_user(f, f->c, "Ada");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->c)
		store_conn_release(f->c);
	store_close(f->s);
	arena_release(&f->a);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* raw_int: the first column of the first row of sql, over a plain
 * connection to the test database (-1 when there is no row). */
static int64_t raw_int(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(f->db + 7, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* raw_exec: run sql over a plain connection; its SQLite result code. */
static int raw_exec(struct fx *f, const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(f->db + 7, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* ---- opening and migrations ---- */

static void test_migrations_once(void **state)
{
	struct fx *f = *state;
	size_t n;
	int64_t applied;

	const struct migration *m = migrations_all(&n);

	/* numbered 1, 2, ... with a name and both texts */
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(m[i].number, (int)i + 1);
		assert_true(m[i].name && m[i].sqlite && m[i].pg);
	}
	assert_int_equal(migrations_latest(), (int)n);
	assert_int_equal(store_schema_version(f->c), migrations_latest());
	assert_int_equal(raw_int(f, "SELECT count(*) FROM schema_migrations"), (int64_t)n);
	applied = raw_int(f, "SELECT applied_at FROM schema_migrations WHERE number = 1");
	assert_true(applied > 0);
	/* re-open: nothing applied again, the record is untouched */
	store_conn_release(f->c);
	store_close(f->s);
	f->s = open_store(f, 3);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(store_schema_version(f->c), migrations_latest());
	assert_int_equal(raw_int(f, "SELECT count(*) FROM schema_migrations"), (int64_t)n);
	assert_int_equal(raw_int(f, "SELECT applied_at FROM schema_migrations WHERE number = 1"),
			 applied);
	/* the data survived */
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &(struct user){0}), STORE_OK);
}

static void test_schema_shape(void **state)
{
	struct fx *f = *state;

	/* every table but SQLite's own is STRICT; WAL and foreign keys */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_table_list "
				 "WHERE schema = 'main' AND type = 'table' AND strict = 0 "
				 "AND name NOT LIKE 'sqlite_%'"), 0);
	assert_true(raw_int(f, "SELECT count(*) FROM pragma_table_list WHERE strict = 1") >= 9);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_journal_mode "
				 "WHERE journal_mode = 'wal'"), 1);
	/* a session for a user who does not exist: the foreign key holds */
	assert_int_equal(store_session_create(f->c, &(struct session){ .token_hash = {1},
		.user_id = 999, .csrf = "c", .lang = "en", .created_at = 1, .expires_at = 2 }, NULL),
		STORE_NOTFOUND);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	char err[256] = "";

	store_conn_release(f->c);
	f->c = NULL;
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f, "INSERT INTO schema_migrations VALUES (999, 'future', 1)"),
			 SQLITE_OK);
	assert_null(store_open(f->db, NULL, 1, err, sizeof err));
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(raw_exec(f, "DELETE FROM schema_migrations WHERE number = 999"), SQLITE_OK);
	f->s = open_store(f, 1);
}

static void test_open_errors(void **state)
{
	char err[256];

	(void)state;
	assert_null(store_open("postgresql://db/yc", NULL, 2, err, sizeof err));
	assert_string_equal(err, "PostgreSQL backend not built yet");
	assert_null(store_open("sqlite:", NULL, 2, err, sizeof err));
	assert_null(store_open("", NULL, 2, err, sizeof err));
	assert_null(store_open("/tmp/yc-none/x.db", NULL, 0, err, sizeof err));
	assert_non_null(strstr(err, "pool"));
	err[0] = '\0';
	assert_null(store_open("/nonexistent-yc-dir/x.db", NULL, 1, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent-yc-dir/x.db"));
}

/* Every query has a name and both texts (PRAGMAs: SQLite only), in id
 * order, with the placeholder style of its database, the same number of
 * parameters on both sides, and every SQLite text prepares. */
static int max_param(const char *sql, char mark)
{
	int max = 0;

	for (const char *p = sql; (p = strchr(p, mark)); p++) {
		int v = 0;

		for (const char *d = p + 1; *d >= '0' && *d <= '9'; d++)
			v = v * 10 + (*d - '0');
		if (v > max)
			max = v;
	}
	return max;
}

static void test_queries_table(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->db + 7, &db), SQLITE_OK);
	for (int i = 0; i < Q__COUNT; i++) {
		const struct query *q = query_get((enum query_id)i);
		sqlite3_stmt *st = NULL;

		assert_int_equal(q->id, i);
		assert_non_null(q->name);
		assert_non_null(q->sqlite);
		assert_null(strchr(q->sqlite, '$'));
		if (q->pg) {
			assert_null(strchr(q->pg, '?'));
			assert_int_equal(max_param(q->sqlite, '?'), max_param(q->pg, '$'));
		} else {
			assert_int_equal(strncmp(q->sqlite, "PRAGMA", 6), 0);
		}
		for (int j = 0; j < i; j++)
			assert_string_not_equal(q->name, query_get((enum query_id)j)->name);
		if (sqlite3_prepare_v2(db, q->sqlite, -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", q->name, sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

static void test_names(void **state)
{
	static const char *const roles[] = { "applicant", "employer", "reviewer", "expert",
		"officer", "approver", "registry", "inspector", "sysadmin" };

	(void)state;
	for (unsigned i = 0; i < 9; i++) {
		assert_string_equal(role_name(1u << i), roles[i]);
		assert_int_equal(role_parse(roles[i]), 1u << i);
	}
	assert_null(role_name(0));
	assert_null(role_name(ROLE_APPLICANT | ROLE_EXPERT));
	assert_null(role_name(1u << 9));
	assert_int_equal(role_parse("Applicant"), 0);
	assert_int_equal(role_parse(""), 0);
	assert_int_equal(role_parse(NULL), 0);
	assert_true((ROLE_STAFF & ROLE_APPLICANT) == 0);
	for (int i = STORE_OK; i <= STORE_ERROR; i++)
		for (int j = STORE_OK; j < i; j++)
			assert_string_not_equal(store_rc_name((enum store_rc)i),
						store_rc_name((enum store_rc)j));
}

/* ---- accounts ---- */

static void test_users(void **state)
{
	struct fx *f = *state;
	struct user u = { .email = "bo@example.org", .name = "Bo", .role = ROLE_EXPERT,
		.password_hash = "$argon2id$h1", .lang = "de", .created_at = 77 };
	struct user got;
	int64_t id = 0;

	assert_int_equal(store_user_create(f->c, &u, &id), STORE_OK);
	assert_int_equal(store_user_create(f->c, &u, NULL), STORE_CONFLICT);
	assert_int_equal(store_user_by_email(f->c, "bo@example.org", &f->a, &got), STORE_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.name, "Bo");
	assert_int_equal(got.role, ROLE_EXPERT);
	assert_string_equal(got.password_hash, "$argon2id$h1");
	assert_string_equal(got.lang, "de");
	assert_int_equal(got.created_at, 77);
	assert_int_equal(got.version, 1);
	assert_int_equal(store_user_by_email(f->c, "BO@example.org", &f->a, &got), STORE_NOTFOUND);
	assert_int_equal(store_user_by_id(f->c, id + 100, &f->a, &got), STORE_NOTFOUND);

	assert_int_equal(store_user_set_password(f->c, id, "$argon2id$h2"), STORE_OK);
	assert_int_equal(store_user_by_id(f->c, id, &f->a, &got), STORE_OK);
	assert_string_equal(got.password_hash, "$argon2id$h2");
	assert_int_equal(got.version, 2);
	assert_int_equal(store_user_set_password(f->c, id + 100, "x"), STORE_NOTFOUND);

	u.email = "two@example.org";
	u.role = ROLE_EXPERT | ROLE_APPROVER; /* not one role */
	assert_int_equal(store_user_create(f->c, &u, NULL), STORE_ERROR);
	assert_int_equal(store_user_by_email(f->c, "two@example.org", &f->a, &got), STORE_NOTFOUND);
}

/* ---- sessions ---- */

static void test_sessions(void **state)
{
	struct fx *f = *state;
	struct session s = { .csrf = "csrf-1", .lang = "zh", .created_at = 100, .expires_at = 200 };
	struct session got;
	unsigned char h2[32];
	int64_t id, other;

	fill_hash(f, s.token_hash);
	assert_int_equal(store_session_create(f->c, &s, &id), STORE_OK);
	assert_int_equal(store_session_create(f->c, &s, NULL), STORE_CONFLICT);
	assert_int_equal(store_session_by_hash(f->c, s.token_hash, 199, &f->a, &got), STORE_OK);
	assert_int_equal(got.id, id);
	assert_int_equal(got.user_id, 0); /* anonymous */
	assert_memory_equal(got.token_hash, s.token_hash, 32);
	assert_string_equal(got.csrf, "csrf-1");
	assert_string_equal(got.lang, "zh");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.expires_at, 200);
	/* expired: not returned */
	assert_int_equal(store_session_by_hash(f->c, s.token_hash, 200, &f->a, &got),
			 STORE_NOTFOUND);

	/* login: a fresh hash and token; the old hash no longer finds it */
	fill_hash(f, h2);
	assert_int_equal(store_session_login(f->c, id, f->user, h2, "csrf-2", 500), STORE_OK);
	assert_int_equal(store_session_by_hash(f->c, s.token_hash, 150, &f->a, &got),
			 STORE_NOTFOUND);
	assert_int_equal(store_session_by_hash(f->c, h2, 150, &f->a, &got), STORE_OK);
	assert_int_equal(got.user_id, f->user);
	assert_string_equal(got.csrf, "csrf-2");
	assert_int_equal(got.expires_at, 500);
	assert_int_equal(store_session_login(f->c, id + 100, f->user, h2, "c", 500),
			 STORE_NOTFOUND);
	assert_int_equal(store_session_login(f->c, id, 9999, s.token_hash, "c", 500),
			 STORE_NOTFOUND); /* no such user */

	/* purge takes the expired, keeps the live */
	fill_hash(f, s.token_hash);
	s.expires_at = 300;
	assert_int_equal(store_session_create(f->c, &s, &other), STORE_OK);
	assert_int_equal(store_session_purge(f->c, 300), STORE_OK);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(store_session_by_hash(f->c, h2, 300, &f->a, &got), STORE_OK);

	assert_int_equal(store_session_delete(f->c, id), STORE_OK);
	assert_int_equal(store_session_delete(f->c, id), STORE_OK); /* idempotent */
	assert_int_equal(store_session_by_hash(f->c, h2, 300, &f->a, &got), STORE_NOTFOUND);
}

static void test_login_failures(void **state)
{
	struct fx *f = *state;
	int n = -1;

	assert_int_equal(store_login_failures_since(f->c, "ip:1", 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_login_failure_add(f->c, "ip:1", 100), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "ip:1", 200), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "ip:1", 300), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "ip:2", 300), STORE_OK);
	assert_int_equal(store_login_failures_since(f->c, "ip:1", 150, &n), STORE_OK);
	assert_int_equal(n, 2); /* within the window only */
	assert_int_equal(store_login_failures_since(f->c, "ip:1", 100, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_login_failures_clear(f->c, "ip:1"), STORE_OK);
	assert_int_equal(store_login_failures_since(f->c, "ip:1", 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_login_failures_since(f->c, "ip:2", 0, &n), STORE_OK);
	assert_int_equal(n, 1); /* another key is untouched */
	assert_int_equal(store_login_failure_add(f->c, "ip:2", 100), STORE_OK);
	assert_int_equal(store_login_failures_purge(f->c, 300), STORE_OK);
	assert_int_equal(store_login_failures_since(f->c, "ip:2", 0, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static void test_password_reset(void **state)
{
	struct fx *f = *state;
	unsigned char h[32], old[32];
	int64_t uid = -1;

	fill_hash(f, h);
	assert_int_equal(store_reset_create(f->c, h, f->user, 1000), STORE_OK);
	assert_int_equal(store_reset_create(f->c, h, f->user, 1000), STORE_CONFLICT);
	assert_int_equal(store_reset_take(f->c, h, 999, &uid), STORE_OK);
	assert_int_equal(uid, f->user);
	/* used once only */
	assert_int_equal(store_reset_take(f->c, h, 999, &uid), STORE_NOTFOUND);
	assert_int_equal(uid, 0);
	/* expired */
	fill_hash(f, old);
	assert_int_equal(store_reset_create(f->c, old, f->user, 1000), STORE_OK);
	assert_int_equal(store_reset_take(f->c, old, 1000, &uid), STORE_NOTFOUND);
	/* unknown token, unknown user */
	fill_hash(f, h);
	assert_int_equal(store_reset_take(f->c, h, 1, &uid), STORE_NOTFOUND);
	assert_int_equal(store_reset_create(f->c, h, f->user + 100, 1000), STORE_NOTFOUND);
}

static void test_outbox(void **state)
{
	struct fx *f = *state;
	struct mail m = { .to = "a@example.org", .subject = "S1", .body = "B1", .created_at = 5 };
	struct mail got;
	int64_t id1, id2;

	assert_int_equal(store_outbox_add(f->c, &m, &id1), STORE_OK);
	m.subject = "S2";
	m.body = "B2\n\xe4\xbd\xa0\xe5\xa5\xbd";
	assert_int_equal(store_outbox_add(f->c, &m, &id2), STORE_OK);
	assert_true(id2 > id1);
	assert_int_equal(store_outbox_latest(f->c, "a@example.org", &f->a, &got), STORE_OK);
	assert_int_equal(got.id, id2);
	assert_string_equal(got.to, "a@example.org");
	assert_string_equal(got.subject, "S2");
	assert_string_equal(got.body, m.body);
	assert_int_equal(got.created_at, 5);
	assert_int_equal(got.sent_at, 0);
	assert_int_equal(store_outbox_latest(f->c, "b@example.org", &f->a, &got), STORE_NOTFOUND);
}

static void test_audit(void **state)
{
	struct fx *f = *state;
	struct audit_entry e = { .at = 10, .actor = 0, .action = "user.register",
		.subject = "user:1", .before = NULL, .after = "{\"email\":\"a\"}" };
	struct audit_entry *list;
	size_t n;

	assert_int_equal(store_audit_add(f->c, &e), STORE_OK);
	e.at = 11;
	e.actor = f->user;
	e.action = "session.login";
	e.before = "{}";
	assert_int_equal(store_audit_add(f->c, &e), STORE_OK);
	e.subject = "user:2";
	assert_int_equal(store_audit_add(f->c, &e), STORE_OK);

	assert_int_equal(store_audit_list(f->c, "user:1", 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].action, "session.login"); /* newest first */
	assert_int_equal(list[0].actor, f->user);
	assert_string_equal(list[0].before, "{}");
	assert_string_equal(list[1].action, "user.register");
	assert_null(list[1].before);
	assert_string_equal(list[1].after, "{\"email\":\"a\"}");
	assert_int_equal(store_audit_list(f->c, "user:1", 1, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_audit_list(f->c, "user:9", 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	/* append-only, even for a plain connection */
	assert_int_not_equal(raw_exec(f, "UPDATE audit SET action = 'x'"), SQLITE_OK);
	assert_int_not_equal(raw_exec(f, "DELETE FROM audit"), SQLITE_OK);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit"), 3);
}

static void test_enterprises(void **state)
{
	struct fx *f = *state;
	struct enterprise_rec e = { .uscc = "91110108551385082Q", .name = "Example Co",
		.key_entity = true, .breach_of_trust = false, .service_key = true,
		.sector = "software", .district = NULL, .note = "list 2025", .updated_at = 1 };
	struct enterprise_rec got;

	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_NOTFOUND);
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_OK);
	assert_string_equal(got.uscc, e.uscc);
	assert_string_equal(got.name, "Example Co");
	assert_true(got.key_entity && got.service_key && !got.breach_of_trust);
	assert_string_equal(got.sector, "software");
	assert_null(got.district);
	assert_string_equal(got.note, "list 2025");
	assert_int_equal(got.version, 1);
	/* an import overwrites and bumps */
	e.breach_of_trust = true;
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_OK);
	assert_true(got.breach_of_trust);
	assert_int_equal(got.version, 2);
	/* an edit at the current version, then a stale one */
	e.version = 2;
	e.note = "removed from list";
	e.key_entity = false;
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_CONFLICT);
	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_OK);
	assert_int_equal(got.version, 3);
	assert_false(got.key_entity);
	assert_string_equal(got.note, "removed from list");
	e.uscc = "91350100M000100Y43";
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_NOTFOUND);
}

static void test_applications(void **state)
{
	struct fx *f = *state;
	struct application_rec r = { .owner_id = f->user, .programme = "two-zones",
		.status = "draft", .data = "{\"v\":1}", .created_at = 100 };
	struct application_rec got, *list;
	int64_t id1, id2, other = add_user(f, f->c, "Cy");
	size_t n;

	assert_int_equal(store_application_create(f->c, &r, &id1), STORE_OK);
	r.created_at = 200;
	assert_int_equal(store_application_create(f->c, &r, &id2), STORE_OK);
	r.owner_id = 4242;
	assert_int_equal(store_application_create(f->c, &r, NULL), STORE_NOTFOUND);

	assert_int_equal(store_application_get(f->c, id1, &f->a, &got), STORE_OK);
	assert_int_equal(got.owner_id, f->user);
	assert_string_equal(got.programme, "two-zones");
	assert_string_equal(got.status, "draft");
	assert_string_equal(got.data, "{\"v\":1}");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.updated_at, 100);
	assert_int_equal(got.version, 1);
	assert_int_equal(store_application_get(f->c, id2 + 10, &f->a, &got), STORE_NOTFOUND);

	/* optimistic concurrency */
	assert_int_equal(store_application_get(f->c, id1, &f->a, &got), STORE_OK);
	got.data = "{\"v\":2}";
	got.status = "submitted";
	got.updated_at = 150;
	assert_int_equal(store_application_update(f->c, &got), STORE_OK);
	assert_int_equal(store_application_update(f->c, &got), STORE_CONFLICT);
	got.id = id2 + 10;
	assert_int_equal(store_application_update(f->c, &got), STORE_NOTFOUND);
	assert_int_equal(store_application_get(f->c, id1, &f->a, &got), STORE_OK);
	assert_int_equal(got.version, 2);
	assert_string_equal(got.data, "{\"v\":2}");
	assert_string_equal(got.status, "submitted");
	assert_int_equal(got.updated_at, 150);

	assert_int_equal(store_application_list(f->c, f->user, 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id2); /* newest first */
	assert_int_equal(list[1].id, id1);
	assert_int_equal(store_application_list(f->c, f->user, 1, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_application_list(f->c, other, 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct user got;
	int64_t a, b;

	assert_int_equal(store_begin_write(f->c), STORE_OK);
	a = add_user(f, f->c, "Rolled back");
	store_rollback(f->c);
	assert_int_equal(store_user_by_id(f->c, a, &f->a, &got), STORE_NOTFOUND);
	store_rollback(f->c); /* no transaction: harmless */

	assert_int_equal(store_begin(f->c), STORE_OK);
	b = add_user(f, f->c, "Kept");
	assert_int_equal(store_commit(f->c), STORE_OK);
	assert_int_equal(store_user_by_id(f->c, b, &f->a, &got), STORE_OK);

	/* a connection given back inside a transaction is rolled back */
	assert_int_equal(store_begin_write(f->c), STORE_OK);
	a = add_user(f, f->c, "Forgotten");
	store_conn_release(f->c);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(store_user_by_id(f->c, a, &f->a, &got), STORE_NOTFOUND);
	assert_int_equal(store_begin_write(f->c), STORE_OK); /* and usable */
	assert_int_equal(store_commit(f->c), STORE_OK);
}

/* ---- every write path, busy and full ---- */

struct write_op {
	const char *name;
	bool grows; /* writes new data: fails when the database cannot grow */
	enum store_rc ok; /* its result when nothing is in the way */
	enum store_rc (*run)(struct fx *f, struct store_conn *c, const char *payload);
};

static enum store_rc op_user_create(struct fx *f, struct store_conn *c, const char *p)
{
	char email[64];

	snprintf(email, sizeof email, "op%u@example.org", ++f->counter);
	return store_user_create(c, &(struct user){ .email = email, .name = p,
		.role = ROLE_REVIEWER, .password_hash = "h", .lang = "en" }, NULL);
}

static enum store_rc op_set_password(struct fx *f, struct store_conn *c, const char *p)
{
	return store_user_set_password(c, f->user, p);
}

static enum store_rc op_session_create(struct fx *f, struct store_conn *c, const char *p)
{
	struct session s = { .user_id = f->user, .csrf = p, .lang = "en", .expires_at = 9 };

	fill_hash(f, s.token_hash);
	return store_session_create(c, &s, NULL);
}

static enum store_rc op_session_purge(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f, (void)p;
	return store_session_purge(c, 1);
}

static enum store_rc op_failure_add(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_login_failure_add(c, p, 1);
}

static enum store_rc op_failures_clear(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_login_failures_clear(c, p);
}

static enum store_rc op_reset_create(struct fx *f, struct store_conn *c, const char *p)
{
	unsigned char h[32];

	(void)p;
	fill_hash(f, h);
	return store_reset_create(c, h, f->user, 9);
}

static enum store_rc op_reset_take(struct fx *f, struct store_conn *c, const char *p)
{
	unsigned char h[32];
	int64_t uid;

	(void)p;
	fill_hash(f, h);
	return store_reset_take(c, h, 1, &uid);
}

static enum store_rc op_outbox_add(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_outbox_add(c, &(struct mail){ .to = "x@example.org", .subject = "s",
		.body = p }, NULL);
}

static enum store_rc op_audit_add(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_audit_add(c, &(struct audit_entry){ .action = "t", .subject = "t",
		.after = p });
}

static enum store_rc op_enterprise_put(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_enterprise_put(c, &(struct enterprise_rec){ .uscc = "91110000600037341L",
		.name = "N", .note = p });
}

static enum store_rc op_application_create(struct fx *f, struct store_conn *c, const char *p)
{
	return store_application_create(c, &(struct application_rec){ .owner_id = f->user,
		.programme = "zgc", .status = "draft", .data = p }, NULL);
}

static const struct write_op write_ops[] = {
	{ "user_create", true, STORE_OK, op_user_create },
	{ "user_set_password", true, STORE_OK, op_set_password },
	{ "session_create", true, STORE_OK, op_session_create },
	{ "session_purge", false, STORE_OK, op_session_purge },
	{ "login_failure_add", true, STORE_OK, op_failure_add },
	{ "login_failures_clear", false, STORE_OK, op_failures_clear },
	{ "reset_create", false, STORE_OK, op_reset_create },
	{ "reset_take", false, STORE_NOTFOUND, op_reset_take },
	{ "outbox_add", true, STORE_OK, op_outbox_add },
	{ "audit_add", true, STORE_OK, op_audit_add },
	{ "enterprise_put", true, STORE_OK, op_enterprise_put },
	{ "application_create", true, STORE_OK, op_application_create },
};
#define WRITE_OPS_N (sizeof write_ops / sizeof write_ops[0])

static void test_busy(void **state)
{
	struct fx *f = *state;
	struct store_conn *other = store_conn_acquire(f->s);
	struct timespec t0, t1;
	struct application_rec app;
	int64_t app_id;

	assert_int_equal(store_application_create(f->c, &(struct application_rec){
		.owner_id = f->user, .programme = "zgc", .status = "draft", .data = "{}" },
		&app_id), STORE_OK);
	assert_int_equal(store_begin_write(other), STORE_OK);
	assert_int_equal(store_set_busy_timeout(f->c, 50), STORE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_begin_write(f->c), STORE_BUSY);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* it waited for the timeout before giving up */
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 40);
	for (size_t i = 0; i < WRITE_OPS_N; i++) {
		enum store_rc rc = write_ops[i].run(f, f->c, "x");

		if (rc != STORE_BUSY)
			fail_msg("%s: %s, want busy", write_ops[i].name, store_rc_name(rc));
	}
	/* reads still work under a writer (WAL); an update is busy */
	assert_int_equal(store_application_get(f->c, app_id, &f->a, &app), STORE_OK);
	assert_int_equal(store_application_update(f->c, &app), STORE_BUSY);
	assert_int_equal(store_enterprise_put(f->c, &(struct enterprise_rec){
		.uscc = "91110000600037341L", .name = "N", .version = 1 }), STORE_BUSY);
	store_rollback(other);
	for (size_t i = 0; i < WRITE_OPS_N; i++)
		assert_int_equal(write_ops[i].run(f, f->c, "y"), write_ops[i].ok);
	assert_int_equal(store_application_update(f->c, &app), STORE_OK);
	store_conn_release(other);
}

static void test_full(void **state)
{
	struct fx *f = *state;
	size_t big = 256 * 1024;
	char *payload = malloc(big + 1);
	int n;

	assert_non_null(payload);
	memset(payload, 'p', big);
	payload[big] = '\0';
	assert_int_equal(store_freeze_size(f->c), STORE_OK);
	for (size_t i = 0; i < WRITE_OPS_N; i++) {
		enum store_rc rc;

		if (!write_ops[i].grows)
			continue;
		rc = write_ops[i].run(f, f->c, payload);
		if (rc != STORE_FULL)
			fail_msg("%s: %s, want full", write_ops[i].name, store_rc_name(rc));
	}
	/* nothing half-written; after release the database grows again */
	assert_int_equal(store_login_failures_since(f->c, payload, 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	store_conn_release(f->c);
	f->c = store_conn_acquire(f->s);
	for (size_t i = 0; i < WRITE_OPS_N; i++)
		assert_int_equal(write_ops[i].run(f, f->c, payload), write_ops[i].ok);
	free(payload);
}

/* ---- concurrency: 4 threads x 200 writes through a pool of 2 ---- */

#define THREADS 4
#define WRITES 200

struct worker {
	struct store *s;
	int64_t owner;
	int failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < WRITES; i++) {
		struct store_conn *c = store_conn_acquire(w->s);
		struct application_rec r = { .owner_id = w->owner, .programme = "urgent",
			.status = "draft", .data = "{}", .created_at = i };
		char key[32];

		snprintf(key, sizeof key, "owner:%lld", (long long)w->owner);
		if (i % 2 == 0) {
			if (store_application_create(c, &r, NULL) != STORE_OK)
				w->failures++;
		} else if (store_login_failure_add(c, key, i) != STORE_OK) {
			w->failures++;
		}
		store_conn_release(c);
	}
	return NULL;
}

static void test_concurrent_writes(void **state)
{
	struct fx *f = *state;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct application_rec *list;
	size_t n;
	int count;

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .s = f->s, .owner = add_user(f, f->c, "T") };
	}
	store_conn_release(f->c); /* the workers share both connections */
	f->c = NULL;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	f->c = store_conn_acquire(f->s);
	for (int i = 0; i < THREADS; i++) {
		char key[32];

		assert_int_equal(w[i].failures, 0);
		assert_int_equal(store_application_list(f->c, w[i].owner, 1000, &f->a, &list, &n),
				 STORE_OK);
		assert_int_equal(n, WRITES / 2);
		snprintf(key, sizeof key, "owner:%lld", (long long)w[i].owner);
		assert_int_equal(store_login_failures_since(f->c, key, 0, &count), STORE_OK);
		assert_int_equal(count, WRITES / 2);
	}
	assert_int_equal(raw_int(f, "SELECT count(*) FROM applications"), THREADS * WRITES / 2);
}

/* close waits for a connection still out, then checkpoints: the WAL is empty */
static void *late_release(void *arg)
{
	struct store_conn *c = arg;
	struct timespec ts = { 0, 50 * 1000000 };

	nanosleep(&ts, NULL);
	store_conn_release(c);
	return NULL;
}

static void test_close_waits(void **state)
{
	struct fx *f = *state;
	pthread_t t;
	char wal[160];
	struct stat st;

	add_user(f, f->c, "Before close");
	assert_int_equal(pthread_create(&t, NULL, late_release, f->c), 0);
	f->c = NULL;
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(pthread_join(t, NULL), 0);
	snprintf(wal, sizeof wal, "%s-wal", f->db + 7);
	assert_true(stat(wal, &st) != 0 || st.st_size == 0);
	f->s = open_store(f, 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM users WHERE name = 'Before close'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test_setup_teardown(test_queries_table, setup, teardown),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enterprises, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_waits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
