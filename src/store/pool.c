/* pool.c - struct store: the backend chosen from the URL once, at
 * store_open; a fixed pool of connections handed out under a mutex and
 * condition variable; transactions; migrations (see store.h, store_impl.h).
 */
#include "store_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "migrations.h"

/* ---- the URL ---- */

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* schema_valid: a name we create and put in search_path: [a-z_][a-z0-9_]*,
 * at most 63 bytes (PostgreSQL's limit), not pg_ (reserved). */
static bool schema_valid(const char *s, size_t len)
{
	if (len == 0 || len > 63 || (s[0] >= '0' && s[0] <= '9') ||
	    (len >= 3 && strncmp(s, "pg_", 3) == 0))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* pg_split: url without its schema=NAME query parameter (libpq refuses
 * parameters it does not know) into *target, NAME into *schema (NULL when
 * absent).  Both malloc'd. */
static bool pg_split(const char *url, char **target, char **schema, char *err, size_t n)
{
	const char *qm = strchr(url, '?');
	size_t len = strlen(url), base = qm ? (size_t)(qm - url) : len, used;
	char *out = malloc(len + 1);

	*target = NULL;
	*schema = NULL;
	if (!out)
		goto oom;
	memcpy(out, url, base);
	used = base;
	for (const char *p = qm ? qm + 1 : NULL; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t plen = amp ? (size_t)(amp - p) : strlen(p);

		if (plen >= 7 && strncmp(p, "schema=", 7) == 0) {
			if (*schema || !schema_valid(p + 7, plen - 7)) {
				snprintf(err, n, "postgresql: schema=%.*s: give one name of lower-case "
					 "letters, digits and _ (at most 63, not pg_...)",
					 (int)(plen - 7 > 64 ? 64 : plen - 7), p + 7);
				goto fail;
			}
			if (!(*schema = strndup(p + 7, plen - 7)))
				goto oom;
		} else if (plen > 0) {
			out[used] = used == base ? '?' : '&';
			memcpy(out + used + 1, p, plen);
			used += 1 + plen;
		}
		p = amp ? amp + 1 : NULL;
	}
	out[used] = '\0';
	*target = out;
	return true;
oom:
	snprintf(err, n, "out of memory");
fail:
	free(out);
	free(*schema);
	*schema = NULL;
	return false;
}

/* parse_url: "postgresql://..." or "postgres://..." (libpq's URI, plus
 * ?schema=NAME), "sqlite:PATH" or a bare PATH. */
static bool parse_url(const char *url, const struct backend **be, char **target,
		char **schema, char *err, size_t n)
{
	*target = NULL;
	*schema = NULL;
	if (!url || !*url) {
		snprintf(err, n, "no database given");
		return false;
	}
	if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")) {
		*be = &backend_pg;
		return pg_split(url, target, schema, err, n);
	}
	if (has_prefix(url, "postgresql:") || has_prefix(url, "postgres:")) {
		snprintf(err, n, "a PostgreSQL database is postgresql://[user@]host[:port]/dbname"
			 "[?schema=NAME]");
		return false;
	}
	if (has_prefix(url, "sqlite:"))
		url += 7;
	if (!*url) {
		snprintf(err, n, "no database file given after \"sqlite:\"");
		return false;
	}
	*be = &backend_sqlite;
	if (!(*target = strdup(url))) {
		snprintf(err, n, "out of memory");
		return false;
	}
	return true;
}

/* ---- the store ---- */

static void store_free(struct store *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->conns[i].db)
			s->be->conn_close(&s->conns[i]);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->conns);
	free(s->free);
	free(s->blob_dir);
	free(s->target);
	free(s->schema);
	free(s);
}

static struct store *store_alloc(unsigned pool, const char *blob_dir)
{
	struct store *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		free(s);
		return NULL;
	}
	if (pthread_cond_init(&s->cv, NULL) != 0) {
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	s->conns = calloc(pool, sizeof *s->conns);
	s->free = calloc(pool, sizeof *s->free);
	s->blob_dir = blob_dir ? strdup(blob_dir) : NULL;
	if (!s->conns || !s->free || (blob_dir && !s->blob_dir)) {
		store_free(s);
		return NULL;
	}
	s->n = pool;
	for (unsigned i = 0; i < pool; i++)
		s->conns[i].s = s;
	return s;
}

static bool blob_dir_make(const char *dir, char *err, size_t n)
{
	struct stat st;

	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, n, "blob directory %s: %s", dir, strerror(errno));
		return false;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, n, "blob directory %s is not a directory", dir);
		return false;
	}
	return true;
}

static enum store_rc record_migration(struct store_conn *c, const struct migration *m)
{
	struct q q;

	q_start(&q, c, Q_MIGRATIONS_RECORD);
	q_int(&q, 1, m->number);
	q_text(&q, 2, m->name);
	q_int(&q, 3, (int64_t)time(NULL));
	return q_end(&q, q_finish(&q));
}

/* create_schema: PostgreSQL's ?schema=NAME, under the migration lock (two
 * servers may start at once); the name goes in as a parameter. */
static enum store_rc create_schema(struct store_conn *c)
{
	enum store_rc rc;
	struct q q;

	if (!c->s->schema)
		return STORE_OK;
	q_start(&q, c, Q_SCHEMA_NAME);
	q_text(&q, 1, c->s->schema);
	rc = q_end(&q, q_finish(&q));
	return rc == STORE_OK ? q_exec(c, Q_SCHEMA_CREATE) : rc;
}

/* migrate: apply the migrations newer than the database, in one
 * transaction that holds the migration lock (queries.c) and also creates
 * schema_migrations on a new database. */
static bool migrate(struct store_conn *c, char *err, size_t n)
{
	const struct backend *be = c->s->be;
	size_t count;
	const struct migration *m = migrations_all(&count);
	int have;

	c->tx_rc = STORE_OK;
	if (q_exec(c, Q_MIGRATIONS_BEGIN) != STORE_OK || q_exec(c, Q_MIGRATIONS_WAIT) != STORE_OK ||
	    q_exec(c, Q_MIGRATIONS_LOCK) != STORE_OK) {
		snprintf(err, n, "migrations: cannot lock the database: %s", be->errmsg(c));
		goto fail;
	}
	if (create_schema(c) != STORE_OK) {
		snprintf(err, n, "migrations: cannot create schema %s: %s", c->s->schema,
			 be->errmsg(c));
		goto fail;
	}
	if (q_exec(c, Q_MIGRATIONS_INIT) != STORE_OK || (have = store_schema_version(c)) < 0) {
		snprintf(err, n, "migrations: %s", be->errmsg(c));
		goto fail;
	}
	if (have > migrations_latest()) {
		snprintf(err, n, "the database has schema version %d, newer than this "
			 "program's %d: use a newer yingcai", have, migrations_latest());
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		if (m[i].number <= have)
			continue;
		if (be->script(c, be->kind == STORE_PG ? m[i].pg : m[i].sqlite) != STORE_OK ||
		    record_migration(c, &m[i]) != STORE_OK) {
			snprintf(err, n, "migration %d (%s): %s", m[i].number, m[i].name,
				 be->errmsg(c));
			goto fail;
		}
	}
	if (store_commit(c) != STORE_OK) {
		snprintf(err, n, "migrations: commit: %s", be->errmsg(c));
		return false;
	}
	return true;
fail:
	store_rollback(c);
	return false;
}

/* check_current: the database has exactly this program's schema
 * (store_open_current: nothing is migrated). */
static bool check_current(struct store_conn *c, char *err, size_t n)
{
	int have = store_schema_version(c);

	if (have == migrations_latest())
		return true;
	if (have <= 0)
		snprintf(err, n, "no yingcai database there (no schema_migrations)");
	else if (have > migrations_latest())
		snprintf(err, n, "the database has schema version %d, newer than this "
			 "program's %d: use a newer yingcai", have, migrations_latest());
	else
		snprintf(err, n, "the database has schema version %d, older than this "
			 "program's %d: run 'yingcai db migrate' first, or use the yingcai "
			 "that runs it", have, migrations_latest());
	return false;
}

static struct store *open_pool(const char *url, const char *blob_dir, unsigned pool,
		bool migrating, char *err, size_t n)
{
	const struct backend *be = NULL;
	char *target, *schema;
	struct store *s;

	if (!parse_url(url, &be, &target, &schema, err, n))
		return NULL;
	if (pool < 1 || pool > STORE_POOL_MAX) {
		snprintf(err, n, "a pool of %u connections: give 1 to %d", pool, STORE_POOL_MAX);
		goto fail_url;
	}
	if (sodium_init() < 0) {
		snprintf(err, n, "libsodium failed to start");
		goto fail_url;
	}
	/* On PostgreSQL the blobs are in the database: no directory to make. */
	if (be->kind == STORE_SQLITE && blob_dir && !blob_dir_make(blob_dir, err, n))
		goto fail_url;
	if (!(s = store_alloc(pool, blob_dir))) {
		snprintf(err, n, "out of memory");
		goto fail_url;
	}
	s->be = be;
	s->target = target;
	s->schema = schema;
	/* The first connection migrates; the others open a current schema. */
	for (unsigned i = 0; i < pool; i++) {
		if (!be->conn_open(&s->conns[i], err, n))
			goto fail;
		if (i == 0 && !(migrating ? migrate(&s->conns[0], err, n)
				       : check_current(&s->conns[0], err, n)))
			goto fail;
		s->free[s->nfree++] = &s->conns[i];
	}
	return s;
fail:
	store_free(s);
	return NULL;
fail_url:
	free(target);
	free(schema);
	return NULL;
}

struct store *store_open(const char *url, const char *blob_dir, unsigned pool,
		char *err, size_t n)
{
	return open_pool(url, blob_dir, pool, true, err, n);
}

struct store *store_open_current(const char *url, const char *blob_dir, unsigned pool,
		char *err, size_t n)
{
	return open_pool(url, blob_dir, pool, false, err, n);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	while (s->nfree < s->n)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	s->be->closing(s);
	store_free(s);
}

const char *store_blob_dir(const struct store *s)
{
	return s ? s->blob_dir : NULL;
}

const char *store_backend_name(const struct store *s)
{
	return s->be->name;
}

struct store_conn *store_conn_acquire(struct store *s)
{
	struct store_conn *c;

	pthread_mutex_lock(&s->mu);
	while (s->nfree == 0)
		pthread_cond_wait(&s->cv, &s->mu);
	c = s->free[--s->nfree];
	pthread_mutex_unlock(&s->mu);
	s->be->conn_check(c);
	return c;
}

void store_conn_release(struct store_conn *c)
{
	struct store *s;

	if (!c)
		return;
	s = c->s;
	if (s->be->in_tx(c)) {
		store_log("connection released inside a transaction: rolled back");
		store_rollback(c);
	}
	c->tx_rc = STORE_OK;
	if (c->tuned) {
		s->be->busy_timeout(c, STORE_BUSY_MS);
		s->be->freeze(c, false);
		c->tuned = false;
	}
	pthread_mutex_lock(&s->mu);
	s->free[s->nfree++] = c;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

enum store_rc store_set_busy_timeout(struct store_conn *c, int ms)
{
	c->tuned = true;
	return c->s->be->busy_timeout(c, ms < 0 ? 0 : ms);
}

enum store_rc store_freeze_size(struct store_conn *c)
{
	c->tuned = true;
	return c->s->be->freeze(c, true);
}

int store_schema_version(struct store_conn *c)
{
	struct q q;
	enum store_rc rc;
	int64_t v = -1;

	q_start(&q, c, Q_MIGRATIONS_VERSION);
	if ((rc = q_one(&q)) == STORE_OK)
		v = col_int(&q, 0);
	q_end(&q, rc);
	return rc == STORE_OK && v >= 0 && v <= INT_MAX ? (int)v : -1;
}

/* ---- transactions ---- */

enum store_rc store_begin(struct store_conn *c)
{
	c->tx_rc = STORE_OK;
	return q_exec(c, Q_BEGIN);
}

enum store_rc store_begin_write(struct store_conn *c)
{
	c->tx_rc = STORE_OK;
	return q_exec(c, Q_BEGIN_WRITE);
}

/* store_commit: on PostgreSQL a transaction in which a statement failed can
 * only roll back (its COMMIT would answer ROLLBACK): it is ended and the
 * first failure returned. */
enum store_rc store_commit(struct store_conn *c)
{
	enum store_rc rc = c->tx_rc != STORE_OK ? c->tx_rc : q_exec(c, Q_COMMIT);

	if (rc != STORE_OK)
		store_rollback(c);
	c->tx_rc = STORE_OK;
	return rc;
}

void store_rollback(struct store_conn *c)
{
	if (c->s->be->in_tx(c))
		q_exec(c, Q_ROLLBACK);
	c->tx_rc = STORE_OK;
}

enum store_rc store_tx_failure(struct store_conn *c)
{
	return c->s->be->in_tx(c) ? c->tx_rc : STORE_OK;
}
