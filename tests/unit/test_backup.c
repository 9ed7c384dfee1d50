/* test_backup.c - backup and restore (store/backup.h) on both backends.
 *
 * As test_store.c: every test with a fixture runs on SQLite, and again on
 * PostgreSQL when YINGCAI_TEST_PG is a postgresql:// URL;
 * YINGCAI_TEST_BACKEND=sqlite or =postgresql runs one half.  Each test has
 * a directory under /tmp (SQLite databases, blob directories, backup
 * files) and, on PostgreSQL, schemas of its own (ycb_<pid>_<n> and
 * ycb_<pid>_<n>_<target>), dropped afterwards.
 *
 * "Identical afterwards" is checked three ways: backup_digests (the
 * SHA-256 of every table's canonical dump) equal before and after, the
 * records read back field by field through the store API, and every
 * document read back and compared byte for byte (its SHA-256 is its name).
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testfs.h"

#include "backends.h"
#include <libpq-fe.h>
#include "testdb.h"
#include <sodium.h>

#include "store/backup.h"
#include "store/backup_impl.h"
#include "store/migrations.h"
#include "store/store.h"



#define BLOBS 5
#define BIG ((size_t)3 << 20)

struct fx {
	enum be be;
	char dir[64];
	char schema[64];
	char url[1024];
	char blobs[128];
	PGconn *raw;
	struct store *s;
	struct store_conn *c;
	struct arena a;
	unsigned counter;
	/* what fill() stored */
	int64_t users[3], apps[2];
	unsigned char *blob[BLOBS];
	size_t blob_len[BLOBS];
	char blob_hex[BLOBS][65];
};

/* ---- helpers ---- */


/* pg_schema_exists: is there a schema of that name? */
static bool pg_schema_exists(struct fx *f, const char *name)
{
	PGresult *res = pg_param(f->raw, "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
				 name);
	bool there = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		     strcmp(PQgetvalue(res, 0, 0), "1") == 0;

	PQclear(res);
	return there;
}

/* target: a database named `name` beside the test's: a directory with
 * yingcai.db and blobs/ (made here), or schema <test>_<name>. */
struct target {
	char url[1024], blobs[256], db[256], dir[192];
};

static void target_of(struct fx *f, const char *name, struct target *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "%s/%s", f->dir, name);
	snprintf(t->blobs, sizeof t->blobs, "%s/blobs", t->dir);
	snprintf(t->db, sizeof t->db, "%s/yingcai.db", t->dir);
	mkdir(t->dir, 0750);
	if (f->be == BE_SQLITE)
		snprintf(t->url, sizeof t->url, "sqlite:%s", t->db);
	else
		snprintf(t->url, sizeof t->url, "%s%sschema=%s_%s", pg_base,
			 strchr(pg_base, '?') ? "&" : "?", f->schema, name);
}

/* other_backend: the same for the other backend (cross-backend tests). */
static void other_of(struct fx *f, const char *name, struct target *t)
{
	f->be = f->be == BE_SQLITE ? BE_PG : BE_SQLITE;
	target_of(f, name, t);
	f->be = f->be == BE_SQLITE ? BE_PG : BE_SQLITE;
}

static struct store *open_at(const char *url, const char *blobs)
{
	char err[512] = "";
	struct store *s = store_open(url, blobs, 2, err, sizeof err);

	if (!s)
		fail_msg("store_open %s: %s", url, err);
	return s;
}

static void digests_of(struct store *s, struct backup_digest d[BACKUP_TABLES])
{
	struct store_conn *c = store_conn_acquire(s);
	char err[512] = "";

	if (backup_digests(c, d, err, sizeof err) != BACKUP_OK)
		fail_msg("backup_digests: %s", err);
	store_conn_release(c);
}

static void assert_same_digests(const struct backup_digest *a, const struct backup_digest *b)
{
	for (size_t i = 0; i < BACKUP_TABLES; i++) {
		assert_string_equal(a[i].table, b[i].table);
		if (strcmp(a[i].sha256, b[i].sha256) != 0 || a[i].rows != b[i].rows)
			fail_msg("table %s: %llu rows %s, now %llu rows %s", a[i].table,
				 (unsigned long long)a[i].rows, a[i].sha256,
				 (unsigned long long)b[i].rows, b[i].sha256);
	}
}

static void backup_ok(struct store *s, const char *file, struct backup_info *info)
{
	char err[512] = "";
	enum backup_rc rc = backup_write(s, file, info, err, sizeof err);

	if (rc != BACKUP_OK)
		fail_msg("backup_write: %s: %s", backup_rc_name(rc), err);
}

static void restore_ok(const char *file, const struct target *t, bool force)
{
	struct backup_target bt = { .url = t->url, .blob_dir = t->blobs, .force = force };
	char err[512] = "";
	enum backup_rc rc = backup_restore(file, &bt, NULL, err, sizeof err);

	if (rc != BACKUP_OK)
		fail_msg("backup_restore: %s: %s", backup_rc_name(rc), err);
}

static enum backup_rc restore_rc(const char *file, const struct target *t, bool force,
		char *err, size_t n)
{
	struct backup_target bt = { .url = t->url, .blob_dir = t->blobs, .force = force };

	err[0] = '\0';
	return backup_restore(file, &bt, NULL, err, n);
}

/* ---- fixtures ---- */

static int setup_with(void **state, enum be be)
{
	static unsigned serial;
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->be = be;
	snprintf(f->dir, sizeof f->dir, "/tmp/yc-backup-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->blobs, sizeof f->blobs, "%s/blobs", f->dir);
	snprintf(f->schema, sizeof f->schema, "ycb_%ld_%u", (long)getpid(), ++serial);
	if (pg_base) {
		f->raw = PQconnectdb(pg_base);
		if (PQstatus(f->raw) != CONNECTION_OK)
			fail_msg("YINGCAI_TEST_PG: %s", PQerrorMessage(f->raw));
		PQsetNoticeProcessor(f->raw, quiet_notice, NULL);
	}
	if (be == BE_SQLITE)
		snprintf(f->url, sizeof f->url, "sqlite:%s/yc.db", f->dir);
	else
		snprintf(f->url, sizeof f->url, "%s%sschema=%s", pg_base,
			 strchr(pg_base, '?') ? "&" : "?", f->schema);
	arena_init(&f->a, 0);
	f->s = open_at(f->url, f->blobs);
	f->c = store_conn_acquire(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->c)
		store_conn_release(f->c);
	store_close(f->s);
	if (f->raw) {
		/* the test's schema and every <schema>_<target> */
		PGresult *res = pg_param(f->raw, "SELECT nspname FROM pg_namespace WHERE nspname = $1 "
					 "OR nspname LIKE $1 || '\\_%'", f->schema);

		for (int i = 0; PQresultStatus(res) == PGRES_TUPLES_OK && i < PQntuples(res); i++) {
			const char *name = PQgetvalue(res, i, 0);

			if (!pg_ok(pg_param(f->raw, "SELECT set_config('yingcai.schema', $1, false)",
					    name)) ||
			    !pg_ok(pg_param(f->raw, "DO $$ BEGIN EXECUTE format('DROP SCHEMA %I "
					    "CASCADE', current_setting('yingcai.schema')); END $$",
					    NULL)))
				fprintf(stderr, "drop schema %s: %s\n", name, PQerrorMessage(f->raw));
		}
		PQclear(res);
		PQfinish(f->raw);
	}
	for (int i = 0; i < BLOBS; i++)
		free(f->blob[i]);
	arena_release(&f->a);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* fill: a little of everything, with the awkward values: NULLs, text
 * that needs escaping, Chinese, bytes, an empty and a 3 MiB document. */
static void fill(struct fx *f)
{
	static const char *const names[] = { "Ada \"the first\" Lovelace", "张伟 Zhang Wei",
		"tab\there\\back\nline\x01" };
	struct store_conn *c = f->c;
	struct user u = { .role = ROLE_APPLICANT, .password_hash = "$argon2id$v=19$x",
		.lang = "zh", .created_at = 1700000000 };
	struct session se = { .csrf = "csrf-token", .lang = "en", .created_at = 1700000001,
		.expires_at = 4000000000 };
	struct audit_entry ae = { .at = 1700000002, .action = "user.register" };
	struct enterprise_rec ent = { .uscc = "91110108551385082Q", .name = "示例科技有限公司",
		.key_entity = true, .sector = "science-technology", .note = "imported",
		.updated_at = 1700000003 };
	struct application_rec app = { .programme = "two-zones", .status = "draft",
		.data = "{\"format\":\"yingcai-application/1\",\"name\":\"张 \\\"q\\\"\"}",
		.created_at = 1700000004 };
	struct mail m = { .to = "ada@example.org", .subject = "Welcome 欢迎", .body = "line 1\nline 2",
		.created_at = 1700000005 };
	unsigned char hash[32];
	char email[64], subject[32];
	int64_t uid, sid;

	for (int i = 0; i < 3; i++) {
		snprintf(email, sizeof email, "user%d@example.org", i);
		u.email = email;
		u.name = names[i];
		assert_int_equal(store_user_create(c, &u, &f->users[i]), STORE_OK);
	}
	for (int i = 0; i < 3; i++) {
		memset(hash, 0x10 + i, sizeof hash);
		se.user_id = i == 0 ? 0 : f->users[i]; /* an anonymous one: NULL */
		memcpy(se.token_hash, hash, sizeof hash);
		assert_int_equal(store_session_create(c, &se, &sid), STORE_OK);
	}
	assert_int_equal(store_login_failure_add(c, "ip:192.0.2.1", 1700000006), STORE_OK);
	assert_int_equal(store_login_failure_add(c, "email:ada@example.org", 1700000007),
			 STORE_OK);
	memset(hash, 0x77, sizeof hash);
	assert_int_equal(store_reset_create(c, hash, f->users[0], 4000000000), STORE_OK);
	assert_int_equal(store_reset_take(c, hash, 1700000008, &uid), STORE_OK); /* used_at set */
	memset(hash, 0x78, sizeof hash);
	assert_int_equal(store_reset_create(c, hash, f->users[1], 4000000000), STORE_OK);
	assert_int_equal(store_outbox_add(c, &m, NULL), STORE_OK);
	/* its delivery given up after two attempts: a restore must not make
	 * it due again (the reset link in it is long dead by then) */
	{
		struct mail claimed;

		assert_int_equal(store_outbox_claim(c, "server-a", 1700000010, 1700000070, &f->a,
						    &claimed), STORE_OK);
		assert_int_equal(store_outbox_attempt_failed(c, claimed.id, "server-a", 1700000011,
							     "Couldn't connect to server", 1700000071),
				 STORE_OK);
		assert_int_equal(store_outbox_claim(c, "server-b", 1700000072, 1700000130, &f->a,
						    &claimed), STORE_OK);
		assert_int_equal(store_outbox_attempt_failed(c, claimed.id, "server-b", 1700000073,
							     "550 no such user", 0), STORE_OK);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(subject, sizeof subject, "user:%lld", (long long)f->users[i % 3]);
		ae.actor = i % 2 ? f->users[0] : 0;
		ae.subject = subject;
		ae.before = i % 2 ? "{\"role\":\"applicant\"}" : NULL;
		ae.after = i % 3 ? "{\"note\":\"变更 \\\"x\\\"\"}" : NULL;
		assert_int_equal(store_audit_add(c, &ae), STORE_OK);
	}
	assert_int_equal(store_enterprise_put(c, &ent), STORE_OK);
	ent = (struct enterprise_rec){ .uscc = "91350100M000100Y43", .name = "Minjiang",
		.breach_of_trust = true, .updated_at = 1700000009 }; /* NULL sector, district, note */
	assert_int_equal(store_enterprise_put(c, &ent), STORE_OK);
	for (int i = 0; i < 2; i++) {
		app.owner_id = f->users[i];
		assert_int_equal(store_application_create(c, &app, &f->apps[i]), STORE_OK);
	}
	/* documents: empty, small, binary with every byte value, 3 MiB random */
	f->blob_len[0] = 0;
	f->blob_len[1] = 5;
	f->blob_len[2] = 256;
	f->blob_len[3] = 70000;
	f->blob_len[4] = BIG;
	for (int i = 0; i < BLOBS; i++) {
		f->blob[i] = malloc(f->blob_len[i] + 1);
		assert_non_null(f->blob[i]);
		if (i == 1)
			memcpy(f->blob[i], "hello", 5);
		else if (i == 2)
			for (int b = 0; b < 256; b++)
				f->blob[i][b] = (unsigned char)b;
		else
			randombytes_buf(f->blob[i], f->blob_len[i]);
		assert_int_equal(store_blob_put(f->s, f->blob[i], f->blob_len[i], f->blob_hex[i]),
				 STORE_OK);
	}
}

/* same_str: equal strings, or both NULL. */
static void same_str(const char *x, const char *y)
{
	if (x || y) {
		assert_non_null(x);
		assert_non_null(y);
		assert_string_equal(x, y);
	}
}

/* same_records: what fill() stored, read back field by field through the
 * store API from sa and sb (independently of the dumps the digests hash),
 * and every document of sb byte for byte. */
static void same_records(struct fx *f, struct store *sa, struct store *sb)
{
	struct store_conn *a = store_conn_acquire(sa), *b = store_conn_acquire(sb);
	struct user ua, ub;
	struct session xa, xb;
	struct enterprise_rec ea, eb;
	struct application_rec pa, pb;
	struct audit_entry *la, *lb;
	struct mail ma, mb;
	unsigned char hash[32];
	char subject[32];
	size_t na, nb, len;
	void *data;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_user_by_id(a, f->users[i], &f->a, &ua), STORE_OK);
		assert_int_equal(store_user_by_id(b, f->users[i], &f->a, &ub), STORE_OK);
		same_str(ua.email, ub.email), same_str(ua.name, ub.name);
		same_str(ua.password_hash, ub.password_hash), same_str(ua.lang, ub.lang);
		assert_true(ua.id == ub.id && ua.role == ub.role && ua.version == ub.version &&
			    ua.created_at == ub.created_at);
		memset(hash, 0x10 + i, sizeof hash);
		assert_int_equal(store_session_by_hash(a, hash, 0, &f->a, &xa), STORE_OK);
		assert_int_equal(store_session_by_hash(b, hash, 0, &f->a, &xb), STORE_OK);
		assert_true(xa.id == xb.id && xa.user_id == xb.user_id &&
			    xa.created_at == xb.created_at && xa.expires_at == xb.expires_at);
		same_str(xa.csrf, xb.csrf), same_str(xa.lang, xb.lang);
		snprintf(subject, sizeof subject, "user:%lld", (long long)f->users[i]);
		assert_int_equal(store_audit_list(a, subject, 100, &f->a, &la, &na), STORE_OK);
		assert_int_equal(store_audit_list(b, subject, 100, &f->a, &lb, &nb), STORE_OK);
		assert_int_equal(na, nb);
		for (size_t k = 0; k < na; k++) {
			assert_true(la[k].at == lb[k].at && la[k].actor == lb[k].actor);
			same_str(la[k].action, lb[k].action), same_str(la[k].before, lb[k].before);
			same_str(la[k].after, lb[k].after);
		}
	}
	for (int i = 0; i < 2; i++) {
		const char *uscc = i ? "91350100M000100Y43" : "91110108551385082Q";

		assert_int_equal(store_enterprise_get(a, uscc, &f->a, &ea), STORE_OK);
		assert_int_equal(store_enterprise_get(b, uscc, &f->a, &eb), STORE_OK);
		same_str(ea.name, eb.name), same_str(ea.sector, eb.sector);
		same_str(ea.district, eb.district), same_str(ea.note, eb.note);
		assert_true(ea.key_entity == eb.key_entity && ea.service_key == eb.service_key &&
			    ea.breach_of_trust == eb.breach_of_trust &&
			    ea.updated_at == eb.updated_at && ea.version == eb.version);
		assert_int_equal(store_application_get(a, f->apps[i], &f->a, &pa), STORE_OK);
		assert_int_equal(store_application_get(b, f->apps[i], &f->a, &pb), STORE_OK);
		same_str(pa.programme, pb.programme), same_str(pa.status, pb.status);
		same_str(pa.data, pb.data);
		assert_true(pa.owner_id == pb.owner_id && pa.created_at == pb.created_at &&
			    pa.updated_at == pb.updated_at && pa.version == pb.version);
	}
	assert_int_equal(store_outbox_latest(a, "ada@example.org", &f->a, &ma), STORE_OK);
	assert_int_equal(store_outbox_latest(b, "ada@example.org", &f->a, &mb), STORE_OK);
	same_str(ma.subject, mb.subject), same_str(ma.body, mb.body);
	assert_true(ma.id == mb.id && ma.created_at == mb.created_at && ma.sent_at == mb.sent_at);
	/* where its delivery stood: given up, after two attempts */
	same_str(ma.last_error, mb.last_error);
	assert_int_equal(mb.attempts, 2);
	assert_true(mb.failed_at == 1700000073 && ma.failed_at == mb.failed_at &&
		    ma.attempted_at == mb.attempted_at && ma.next_at == mb.next_at);
	assert_int_equal(store_outbox_claim(b, "server-c", 4000000000, 4000000060, &f->a, &mb),
			 STORE_NOTFOUND);
	store_conn_release(a);
	store_conn_release(b);
	for (int i = 0; i < BLOBS; i++) {
		assert_int_equal(store_blob_get(sb, f->blob_hex[i], &f->a, &data, &len), STORE_OK);
		assert_int_equal(len, f->blob_len[i]);
		if (len)
			assert_memory_equal(data, f->blob[i], len);
	}
	arena_reset(&f->a);
}

/* ---- round trip ---- */

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	struct backup_digest before[BACKUP_TABLES], after[BACKUP_TABLES];
	struct backup_info info;
	struct target t;
	struct store *r;
	struct store_conn *c;
	struct stat st;
	char file[128], tmp[140], again[128];
	struct user u = { .email = "new@example.org", .name = "New", .role = ROLE_EXPERT,
		.password_hash = "h", .lang = "en" };
	int64_t id;

	fill(f);
	snprintf(file, sizeof file, "%s/backup.ycb", f->dir);
	digests_of(f->s, before);
	backup_ok(f->s, file, &info);
	assert_string_equal(info.backend, f->be == BE_SQLITE ? "sqlite" : "postgresql");
	assert_int_equal(info.schema, migrations_latest());
	assert_int_equal(info.blobs, BLOBS);
	assert_int_equal(info.entries, BLOBS + (f->be == BE_SQLITE ? 1 : BACKUP_TABLES));
	/* the file: whole, private, no temporary left */
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal((uint64_t)st.st_size, info.bytes);
	assert_true(info.bytes > BIG);
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	assert_int_not_equal(stat(tmp, &st), 0);
	/* reading changed nothing */
	digests_of(f->s, after);
	assert_same_digests(before, after);

	target_of(f, "r", &t);
	restore_ok(file, &t, false);
	r = open_at(t.url, t.blobs);
	digests_of(r, after);
	assert_same_digests(before, after);
	assert_int_equal(before[0].rows, 3);
	assert_int_equal(before[1].rows, 3);
	same_records(f, f->s, r);
	/* no document more (a backup of the restored store counts them) */
	snprintf(again, sizeof again, "%s/again.ycb", f->dir);
	backup_ok(r, again, &info);
	assert_int_equal(info.blobs, BLOBS);
	/* new rows get new ids (PostgreSQL: the sequences were moved on) */
	c = store_conn_acquire(r);
	assert_int_equal(store_user_create(c, &u, &id), STORE_OK);
	assert_true(id > f->users[2]);
	store_conn_release(c);
	store_close(r);
	/* a second backup is refused while the first one's .tmp is there */
	assert_int_equal(close(open(tmp, O_CREAT | O_WRONLY, 0600)), 0);
	{
		char err[512] = "";

		assert_int_equal(backup_write(f->s, file, NULL, err, sizeof err), BACKUP_IO);
		assert_non_null(strstr(err, "exists"));
		assert_int_equal(unlink(tmp), 0);
	}
}

/* Cross-backend: a SQLite backup into PostgreSQL, a PostgreSQL backup into
 * SQLite, identical records either way (needs both databases). */
static void test_cross_backend(void **state)
{
	struct fx *f = *state;
	struct backup_digest before[BACKUP_TABLES], after[BACKUP_TABLES];
	struct target t;
	struct store *r;
	char file[128], back[128];

	if (!pg_base)
		skip();
	fill(f);
	snprintf(file, sizeof file, "%s/backup.ycb", f->dir);
	snprintf(back, sizeof back, "%s/again.ycb", f->dir);
	digests_of(f->s, before);
	backup_ok(f->s, file, NULL);
	other_of(f, "x", &t);
	restore_ok(file, &t, false);
	r = open_at(t.url, t.blobs);
	digests_of(r, after);
	assert_same_digests(before, after);
	same_records(f, f->s, r);
	/* and back again */
	backup_ok(r, back, NULL);
	store_close(r);
	target_of(f, "y", &t);
	restore_ok(back, &t, false);
	r = open_at(t.url, t.blobs);
	digests_of(r, after);
	assert_same_digests(before, after);
	same_records(f, f->s, r);
	store_close(r);
}

/* ---- damage ---- */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long size;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	*len = (size_t)size;
	return buf;
}

static void spit(const char *path, const unsigned char *p, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* find: offset of the first occurrence of s in buf. */
static size_t find(const unsigned char *buf, size_t len, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(buf + i, s, k) == 0)
			return i;
	fail_msg("'%s' not in the backup", s);
	return 0;
}

/* the target was not touched: nothing made (SQLite) or no schema (PostgreSQL) */
static void assert_untouched(struct fx *f, const struct target *t)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (f->be == BE_PG) {
		char name[96];

		snprintf(name, sizeof name, "%s_%s", f->schema, strrchr(t->dir, '/') + 1);
		assert_false(pg_schema_exists(f, name));
		return;
	}
	assert_non_null(d = opendir(t->dir));
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	assert_int_equal(n, 0);
}

static void test_damaged(void **state)
{
	struct fx *f = *state;
	unsigned char *good, *bad;
	char file[128], broken[128], err[512], entry_line[96];
	struct target t;
	size_t len, data_at, big_at, at[6];
	const char *first = f->be == BE_SQLITE ? "entry yingcai.db " : "entry users.jsonl ";

	fill(f);
	snprintf(file, sizeof file, "%s/backup.ycb", f->dir);
	snprintf(broken, sizeof broken, "%s/broken.ycb", f->dir);
	backup_ok(f->s, file, NULL);
	good = slurp(file, &len);
	bad = malloc(len);
	assert_non_null(bad);
	data_at = find(good, len, first);
	data_at += (size_t)((unsigned char *)memchr(good + data_at, '\n', len - data_at) -
			    (good + data_at)) + 1;
	snprintf(entry_line, sizeof entry_line, "entry blobs/%s ", f->blob_hex[4]);
	big_at = find(good, len, entry_line) + 200 + BIG / 2;
	target_of(f, "r", &t);

	/* a byte of the first entry's data: named, refused before any change */
	memcpy(bad, good, len);
	bad[data_at + 10] ^= 0x01;
	spit(broken, bad, len);
	assert_int_equal(restore_rc(broken, &t, false, err, sizeof err), BACKUP_DAMAGED);
	assert_string_equal(err, f->be == BE_SQLITE ?
			    "entry yingcai.db: checksum does not match: the backup file is damaged" :
			    "entry users.jsonl: checksum does not match: the backup file is damaged");
	assert_untouched(f, &t);
	/* the middle of the 3 MiB document, which comes after the database */
	memcpy(bad, good, len);
	bad[big_at] ^= 0x80;
	spit(broken, bad, len);
	assert_int_equal(restore_rc(broken, &t, true, err, sizeof err), BACKUP_DAMAGED);
	assert_non_null(strstr(err, f->blob_hex[4]));
	assert_untouched(f, &t);
	/* the header (schema 2 -> 3), an entry's size, the trailer, the end */
	at[0] = find(good, len, "schema ") + 7;
	at[1] = find(good, len, first) + strlen(first) + 19;
	at[2] = len - 2;
	at[3] = len - 70;
	at[4] = find(good, len, "backend ") + 9;
	at[5] = find(good, len, entry_line) + 30;
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		memcpy(bad, good, len);
		bad[at[i]] ^= 0x01;
		spit(broken, bad, len);
		err[0] = '\0';
		if (backup_verify(broken, NULL, err, sizeof err) != BACKUP_DAMAGED)
			fail_msg("byte %zu flipped: %s", at[i], err);
		assert_non_null(strstr(err, "damaged"));
	}
	assert_int_equal(restore_rc(broken, &t, false, err, sizeof err), BACKUP_DAMAGED);
	/* random flips: never accepted */
	for (int i = 0; i < 12; i++) {
		size_t k = randombytes_uniform((uint32_t)len);
		enum backup_rc rc;

		memcpy(bad, good, len);
		bad[k] ^= (unsigned char)(1u << randombytes_uniform(8));
		spit(broken, bad, len);
		rc = backup_verify(broken, NULL, err, sizeof err);
		if (rc != BACKUP_DAMAGED && rc != BACKUP_FORMAT)
			fail_msg("byte %zu flipped: %s", k, backup_rc_name(rc));
	}
	/* cut short, anywhere: incomplete */
	spit(broken, good, len - 1);
	assert_int_equal(backup_verify(broken, NULL, err, sizeof err), BACKUP_DAMAGED);
	spit(broken, good, big_at);
	assert_int_equal(backup_verify(broken, NULL, err, sizeof err), BACKUP_DAMAGED);
	assert_non_null(strstr(err, "incomplete"));
	spit(broken, good, 40);
	assert_int_equal(backup_verify(broken, NULL, err, sizeof err), BACKUP_DAMAGED);
	/* not a backup, a newer format, no file */
	spit(broken, (const unsigned char *)"PGDMP\n", 6);
	assert_int_equal(backup_verify(broken, NULL, err, sizeof err), BACKUP_FORMAT);
	assert_non_null(strstr(err, "not a yingcai backup"));
	spit(broken, (const unsigned char *)"yingcai-backup/2\n", 17);
	assert_int_equal(backup_verify(broken, NULL, err, sizeof err), BACKUP_FORMAT);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(restore_rc("/nonexistent/x.ycb", &t, false, err, sizeof err), BACKUP_IO);
	assert_untouched(f, &t);
	/* and the good file still restores */
	assert_int_equal(backup_verify(file, NULL, err, sizeof err), BACKUP_OK);
	restore_ok(file, &t, false);
	free(good);
	free(bad);
}

/* ---- a target that holds data ---- */

static void test_not_empty(void **state)
{
	struct fx *f = *state;
	struct backup_digest before[BACKUP_TABLES], after[BACKUP_TABLES];
	struct target self, t;
	char file[128], err[512], aside[200];
	struct stat st;

	fill(f);
	snprintf(file, sizeof file, "%s/backup.ycb", f->dir);
	backup_ok(f->s, file, NULL);
	digests_of(f->s, before);
	memset(&self, 0, sizeof self);
	snprintf(self.url, sizeof self.url, "%s", f->url);
	snprintf(self.blobs, sizeof self.blobs, "%s", f->blobs);
	assert_int_equal(restore_rc(file, &self, false, err, sizeof err), BACKUP_NOT_EMPTY);
	/* SQLite: first of all, a store has it open */
	assert_non_null(strstr(err, f->be == BE_SQLITE ? "is in use" : "already holds"));
	digests_of(f->s, after);
	assert_same_digests(before, after);
	if (f->be == BE_PG) {
		/* never emptied, force or not */
		assert_int_equal(restore_rc(file, &self, true, err, sizeof err), BACKUP_NOT_EMPTY);
		assert_non_null(strstr(err, "--force applies to SQLite only"));
		digests_of(f->s, after);
		assert_same_digests(before, after);
	} else {
		/* in use by a store: refused even with --force */
		assert_int_equal(restore_rc(file, &self, true, err, sizeof err), BACKUP_NOT_EMPTY);
		assert_non_null(strstr(err, "in use"));
		store_conn_release(f->c);
		store_close(f->s);
		f->c = NULL;
		assert_int_equal(restore_rc(file, &self, false, err, sizeof err), BACKUP_NOT_EMPTY);
		assert_non_null(strstr(err, "is not empty (it holds records)"));
		/* closed: --force moves it aside and restores */
		restore_ok(file, &self, true);
		snprintf(aside, sizeof aside, "%s/yc.db.before-restore", f->dir);
		assert_int_equal(stat(aside, &st), 0);
		snprintf(aside, sizeof aside, "%s.before-restore", f->blobs);
		assert_int_equal(stat(aside, &st), 0);
		f->s = open_at(f->url, f->blobs);
		digests_of(f->s, after);
		assert_same_digests(before, after);
		store_close(f->s);
		/* a second --force would overwrite the first one's .before-restore: refused */
		assert_int_equal(restore_rc(file, &self, true, err, sizeof err), BACKUP_NOT_EMPTY);
		assert_non_null(strstr(err, "earlier restore"));
		f->s = open_at(f->url, f->blobs);
		f->c = store_conn_acquire(f->s);
	}
	/* a migrated database without records is empty */
	target_of(f, "m", &t);
	store_close(open_at(t.url, t.blobs));
	restore_ok(file, &t, false);
}

/* ---- consistency: a backup taken while another connection writes ----
 * Each transfer moves 1 from enterprise A's updated_at to B's and appends
 * an audit entry, in one transaction.  Whatever moment the backup holds,
 * A + B is what it was, and the audit log counts exactly the transfers A
 * has lost: a transfer is never half in it. */

#define START 1000000
#define USCC_A "91110108551385082Q"
#define USCC_B "91350100M000100Y43"

struct transfers {
	struct store *s;
	pthread_t th;
	atomic_bool stop;
	atomic_int done;
	int errors;
};

static enum store_rc transfer(struct store_conn *c, struct arena *a, int64_t n)
{
	struct enterprise_rec x, y;
	struct audit_entry e = { .at = n, .action = "test.transfer", .subject = "transfer" };
	enum store_rc rc;

	if ((rc = store_begin_write(c)) != STORE_OK)
		return rc;
	if ((rc = store_enterprise_get(c, USCC_A, a, &x)) == STORE_OK &&
	    (rc = store_enterprise_get(c, USCC_B, a, &y)) == STORE_OK) {
		x.updated_at--;
		y.updated_at++;
		if ((rc = store_enterprise_put(c, &x)) == STORE_OK &&
		    (rc = store_enterprise_put(c, &y)) == STORE_OK)
			rc = store_audit_add(c, &e);
	}
	if (rc != STORE_OK) {
		store_rollback(c);
		return rc;
	}
	return store_commit(c);
}

static void nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

/* wait_done: until n transfers are done (10 s at most: a writer that
 * only fails would otherwise keep the test waiting). */
static void wait_done(struct transfers *tr, int n)
{
	for (int i = 0; atomic_load(&tr->done) < n; i++) {
		if (i == 10000) {
			atomic_store(&tr->stop, true);
			pthread_join(tr->th, NULL);
			fail_msg("%d transfers in 10 s (%d failed)", atomic_load(&tr->done),
				 tr->errors);
		}
		nap();
	}
}

static void *transfer_loop(void *arg)
{
	struct transfers *tr = arg;
	struct arena a;

	arena_init(&a, 0);
	while (!atomic_load(&tr->stop)) {
		struct store_conn *c = store_conn_acquire(tr->s);
		enum store_rc rc = transfer(c, &a, atomic_load(&tr->done) + 1);

		store_conn_release(c);
		if (rc == STORE_OK)
			atomic_fetch_add(&tr->done, 1);
		else if (rc != STORE_BUSY)
			tr->errors++;
		arena_reset(&a);
	}
	arena_release(&a);
	return NULL;
}

static void test_concurrent(void **state)
{
	struct fx *f = *state;
	struct enterprise_rec e = { .name = "x", .updated_at = START };
	struct transfers tr = { .s = NULL };
	struct enterprise_rec x, y;
	struct audit_entry *list;
	struct target t;
	struct store *r;
	struct store_conn *c;
	char file[128];
	int before, after;
	size_t n;
	int64_t k;

	fill(f);
	e.uscc = USCC_A;
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	e.uscc = USCC_B;
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	store_conn_release(f->c); /* the pool's two: the writer's and the backup's */
	f->c = NULL;
	tr.s = f->s;
	atomic_init(&tr.stop, false);
	atomic_init(&tr.done, 0);
	assert_int_equal(pthread_create(&tr.th, NULL, transfer_loop, &tr), 0);
	wait_done(&tr, 20);
	snprintf(file, sizeof file, "%s/backup.ycb", f->dir);
	before = atomic_load(&tr.done);
	backup_ok(f->s, file, NULL);
	after = atomic_load(&tr.done);
	wait_done(&tr, after + 5);
	atomic_store(&tr.stop, true);
	assert_int_equal(pthread_join(tr.th, NULL), 0);
	assert_int_equal(tr.errors, 0);
	f->c = store_conn_acquire(f->s);

	target_of(f, "r", &t);
	restore_ok(file, &t, false);
	r = open_at(t.url, t.blobs);
	c = store_conn_acquire(r);
	assert_int_equal(store_enterprise_get(c, USCC_A, &f->a, &x), STORE_OK);
	assert_int_equal(store_enterprise_get(c, USCC_B, &f->a, &y), STORE_OK);
	k = START - x.updated_at;
	assert_int_equal(x.updated_at + y.updated_at, 2 * START);
	assert_int_equal(store_audit_list(c, "transfer", 1000000, &f->a, &list, &n), STORE_OK);
	assert_int_equal((int64_t)n, k);
	/* a moment during the backup (a commit may count a moment late) */
	assert_true(k >= before && k <= after + 1);
	if (after == before)
		print_message("note: no transfer committed while the backup ran\n");
	store_conn_release(c);
	store_close(r);
}

/* ---- a full disk ---- */

static void test_disk_full(void **state)
{
	struct fx *f = *state;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_sig;
	struct rlimit old, lim;
	struct target t;
	char file[128], err[512];
	struct dirent *e;
	enum backup_rc rc;
	DIR *d;

	fill(f);
	snprintf(file, sizeof file, "%s/backup.ycb", f->dir);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)1 << 20; /* under the 3 MiB document */
	assert_int_equal(sigaction(SIGXFSZ, &ign, &old_sig), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	err[0] = '\0';
	rc = backup_write(f->s, file, NULL, err, sizeof err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(rc, BACKUP_FULL);
	assert_non_null(strstr(err, "disk is full"));
	/* nothing left behind: no file, no .tmp, no image */
	assert_non_null(d = opendir(f->dir));
	while ((e = readdir(d)))
		assert_null(strstr(e->d_name, "backup.ycb"));
	closedir(d);
	/* a restore that fills the disk leaves the target as it was */
	backup_ok(f->s, file, NULL);
	if (f->be == BE_SQLITE) {
		target_of(f, "r", &t);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		rc = restore_rc(file, &t, false, err, sizeof err);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		assert_int_equal(rc, BACKUP_FULL);
		assert_untouched(f, &t);
		restore_ok(file, &t, false);
	}
	assert_int_equal(sigaction(SIGXFSZ, &old_sig, NULL), 0);
}

/* ---- the rows of a table entry: what is refused ---- */

/* rows_backup: a postgresql backup with these lines after the users and
 * sessions column lines; schema, a table left out and an extra entry as
 * given. */
static void rows_backup(const char *file, int schema, const char *users, const char *sessions,
		const char *skip_entry, const char *extra)
{
	static const char migrations[] = "[1,\"initial schema\",1]\n[2,\"document blobs\",1]\n"
		"[3,\"mail delivery\",1]\n";
	char err[256] = "";
	enum backup_rc rc;
	struct bwriter *w = bw_open(file, &rc, err, sizeof err);

	assert_non_null(w);
	assert_int_equal(bw_header(w, "postgresql", schema, 1700000000), BACKUP_OK);
	for (size_t i = 0; i < BACKUP_TABLES; i++) {
		const struct btable *t = &backup_tables[i];
		char line[512];
		int k = snprintf(line, sizeof line, "{\"table\":\"%s\",\"columns\":[", t->name);

		if (skip_entry && strcmp(skip_entry, t->entry) == 0)
			continue;
		for (int c = 0; c < t->ncols; c++)
			k += snprintf(line + k, sizeof line - (size_t)k, "%s\"%s\"", c ? "," : "",
				      t->cols[c].name);
		snprintf(line + k, sizeof line - (size_t)k, "]}\n");
		assert_int_equal(bw_begin(w, t->entry), BACKUP_OK);
		assert_int_equal(bw_data(w, line, strlen(line)), BACKUP_OK);
		if (i == 0 && users)
			assert_int_equal(bw_data(w, users, strlen(users)), BACKUP_OK);
		if (i == 1 && sessions)
			assert_int_equal(bw_data(w, sessions, strlen(sessions)), BACKUP_OK);
		if (i == BACKUP_TABLES - 1)
			assert_int_equal(bw_data(w, migrations, strlen(migrations)), BACKUP_OK);
		assert_int_equal(bw_end(w, NULL), BACKUP_OK);
	}
	if (extra) {
		assert_int_equal(bw_begin(w, extra), BACKUP_OK);
		assert_int_equal(bw_end(w, NULL), BACKUP_OK);
	}
	assert_int_equal(bw_finish(w, NULL), BACKUP_OK);
}

static void test_rows_format(void **state)
{
	static const struct {
		const char *users, *sessions, *want;
	} bad[] = {
		{ "[1,\"a@x.org\",\"A\",\"applicant\",\"h\",\"en\",1]\n", NULL,
		  "users.jsonl, line 2, version: the row ends before it" },
		{ "[1,\"a@x.org\",\"A\",\"applicant\",\"h\",\"en\",1,1,9]\n", NULL,
		  "line 2, the row: more values than columns" },
		{ "[\"1\",\"a@x.org\",\"A\",\"applicant\",\"h\",\"en\",1,1]\n", NULL,
		  "id: an integer was expected" },
		{ "[99999999999999999999,\"a\",\"A\",\"applicant\",\"h\",\"en\",1,1]\n", NULL,
		  "id: an integer was expected" },
		{ "[01,\"a\",\"A\",\"applicant\",\"h\",\"en\",1,1]\n", NULL,
		  "id: an integer was expected" },
		{ "[1,\"a\\x\",\"A\",\"applicant\",\"h\",\"en\",1,1]\n", NULL,
		  "email: a string was expected" },
		{ "[1,\"a\\u0000b\",\"A\",\"applicant\",\"h\",\"en\",1,1]\n", NULL,
		  "email: text with a NUL byte" },
		{ "[1,\"a\",\"A\",\"applicant\",\"h\",\"en\",1,1] \n", NULL,
		  "more values than columns" },
		{ " [1,\"a\",\"A\",\"applicant\",\"h\",\"en\",1,1]\n", NULL,
		  "the row: a JSON array was expected" },
		{ "[1,\"a\",\"A\",\"applicant\",\"h\",\"en\",1,1]", NULL,
		  "users.jsonl: its last line does not end" },
		{ NULL, "[1,\"not base64!\",null,\"c\",\"en\",1,2]\n",
		  "sessions.jsonl, line 2, token_hash: base64 was expected" },
		{ "[1,\"a\",\"A\",\"applicant\",\"h\",\"en\",1,1]\n[1,\"b\",\"B\",\"applicant\",\"h\","
		  "\"en\",1,1]\n", NULL, "line 3: the database refused the row (a key that is there "
		  "already)" },
		{ NULL, "[1,\"ERERERERERERERERERERERERERERERERERERERERERE=\",7,\"c\",\"en\",1,2]\n",
		  "refers to a row that is not there" },
	};
	struct fx *f = *state;
	struct target t;
	struct store *r;
	struct store_conn *c;
	struct session se;
	unsigned char hash[32];
	char file[128], err[512];

	snprintf(file, sizeof file, "%s/rows.ycb", f->dir);
	target_of(f, "r", &t);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rows_backup(file, migrations_latest(), bad[i].users, bad[i].sessions, NULL, NULL);
		enum backup_rc rc = restore_rc(file, &t, false, err, sizeof err);

		if (rc == BACKUP_OK || !strstr(err, bad[i].want))
			fail_msg("case %zu: %s: %s, want %s", i, backup_rc_name(rc), err, bad[i].want);
		assert_untouched(f, &t);
	}
	rows_backup(file, migrations_latest() + 1, NULL, NULL, NULL, NULL);
	assert_int_equal(restore_rc(file, &t, false, err, sizeof err), BACKUP_FORMAT);
	assert_non_null(strstr(err, "newer yingcai"));
	rows_backup(file, migrations_latest() - 1, NULL, NULL, NULL, NULL);
	assert_int_equal(restore_rc(file, &t, false, err, sizeof err), BACKUP_FORMAT);
	assert_non_null(strstr(err, "restore it with the yingcai that made it"));
	rows_backup(file, migrations_latest(), NULL, NULL, NULL, "notes.jsonl");
	assert_int_equal(restore_rc(file, &t, false, err, sizeof err), BACKUP_FORMAT);
	assert_non_null(strstr(err, "entry notes.jsonl is not one this yingcai knows"));
	rows_backup(file, migrations_latest(), NULL, NULL, "audit.jsonl", NULL);
	assert_int_equal(restore_rc(file, &t, false, err, sizeof err), BACKUP_FORMAT);
	assert_non_null(strstr(err, "audit.jsonl"));
	assert_untouched(f, &t);
	/* what is accepted: escapes, NULL, base64 bytes */
	rows_backup(file, migrations_latest(),
		    "[7,\"q\\\"\\\\\\n\\r\\t\\u001f张\",\"A\",\"applicant\",\"h\",\"en\",-5,1]\n",
		    "[3,\"ERERERERERERERERERERERERERERERERERERERERERE=\",null,\"c\",\"en\",1,"
		    "4000000000]\n", NULL, NULL);
	restore_ok(file, &t, false);
	r = open_at(t.url, t.blobs);
	c = store_conn_acquire(r);
	memset(hash, 0x11, sizeof hash);
	assert_int_equal(store_session_by_hash(c, hash, 0, &f->a, &se), STORE_OK);
	assert_int_equal(se.id, 3);
	assert_int_equal(se.user_id, 0);
	{
		struct user u;

		assert_int_equal(store_user_by_id(c, 7, &f->a, &u), STORE_OK);
		assert_string_equal(u.email, "q\"\\\n\r\t\x1f张");
		assert_int_equal(u.created_at, -5);
	}
	store_conn_release(c);
	store_close(r);
}

/* ---- store_open_current: a backup never migrates what it reads ---- */

static void set_version(struct store_conn *c, int number)
{
	struct q q;

	assert_int_equal(q_exec(c, Q_BACKUP_MIGRATIONS_CLEAR), STORE_OK);
	if (!number)
		return;
	q_start(&q, c, Q_LOAD_MIGRATIONS);
	q_int(&q, 1, number);
	q_text(&q, 2, "test");
	q_int(&q, 3, 1);
	assert_int_equal(q_end(&q, q_finish(&q)), STORE_OK);
}

static void test_open_current(void **state)
{
	struct fx *f = *state;
	char err[512];
	struct store *s;

	s = store_open_current(f->url, f->blobs, 1, err, sizeof err);
	assert_non_null(s);
	store_close(s);
	set_version(f->c, migrations_latest() - 1);
	err[0] = '\0';
	assert_null(store_open_current(f->url, f->blobs, 1, err, sizeof err));
	assert_non_null(strstr(err, "older"));
	assert_non_null(strstr(err, "yingcai db migrate"));
	set_version(f->c, migrations_latest() + 1);
	assert_null(store_open_current(f->url, f->blobs, 1, err, sizeof err));
	assert_non_null(strstr(err, "newer"));
	set_version(f->c, 0);
	assert_null(store_open_current(f->url, f->blobs, 1, err, sizeof err));
	assert_non_null(strstr(err, "no yingcai database"));
	set_version(f->c, migrations_latest());
}

/* ---- the two halves ---- */

TESTDB_CASES(setup_with)

int main(void)
{
	static const struct CMUnitTest all[] = {
		BOTH(test_round_trip),
		BOTH(test_cross_backend),
		BOTH(test_damaged),
		BOTH(test_not_empty),
		BOTH(test_concurrent),
		BOTH(test_disk_full),
		BOTH(test_open_current),
		SQLITE(test_rows_format),
	};
	struct CMUnitTest run[sizeof all / sizeof all[0]];

	return run_on_backends("backup", all, sizeof all / sizeof all[0], run);
}
