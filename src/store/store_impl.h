/* store_impl.h - what the files of the store share; not for its callers.
 *
 * The store is built in three layers:
 *
 *   accounts.c, records.c, blob.c   the per-table functions of store.h,
 *                                   written once for both databases, on
 *   stmt.c                          the statement interface below: start a
 *                                   query by id (queries.c), bind typed
 *                                   parameters by position, step through the
 *                                   rows, read typed columns, end;
 *   sqlite.c, postgres.c            one struct backend per database:
 *                                   connections, statements prepared once
 *                                   per connection, result codes.
 *
 * pool.c owns struct store: choosing the backend from the URL (once, at
 * store_open), the pool of connections, transactions and migrations.
 *
 * A connection belongs to one thread between store_conn_acquire and
 * store_conn_release; nothing here locks except the pool itself.
 */
#ifndef YC_STORE_IMPL_H
#define YC_STORE_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "queries.h"
#include "store.h"

#define STORE_BUSY_MS 5000 /* default wait for a lock before STORE_BUSY */
#define STORE_POOL_MAX 64
#define BLOB_MAX ((size_t)32 << 20) /* the largest blob put or got: 32 MiB */

enum store_kind { STORE_SQLITE, STORE_PG };

struct q;

/* One database.  Every function pointer is set; a backend that has nothing
 * to do for one leaves it a no-op. */
struct backend {
	const char *name;       /* "sqlite", "postgresql": for messages */
	enum store_kind kind;   /* which text of a query or migration it runs */

	/* conn_open: connect c (c->s is set) to c->s->target; on failure a
	 * message in err and false, nothing left open. */
	bool (*conn_open)(struct store_conn *c, char *err, size_t n);
	void (*conn_close)(struct store_conn *c);
	/* conn_check: at acquire: a lost connection is reconnected (once). */
	void (*conn_check)(struct store_conn *c);
	/* in_tx: a transaction is open (possibly failed, PostgreSQL). */
	bool (*in_tx)(struct store_conn *c);
	/* errmsg: the database's last message on c, for logs and open errors. */
	const char *(*errmsg)(struct store_conn *c);
	/* script: run one migration's statements (constant text). */
	enum store_rc (*script)(struct store_conn *c, const char *sql);
	enum store_rc (*busy_timeout)(struct store_conn *c, int ms);
	/* freeze: fault injection: writes that grow fail with STORE_FULL. */
	enum store_rc (*freeze)(struct store_conn *c, bool on);
	/* closing: the pool is idle and about to close (SQLite checkpoints). */
	void (*closing)(struct store *s);

	/* statements (see struct q) */
	enum store_rc (*run)(struct q *q);  /* prepare if needed, bind, execute */
	bool (*next)(struct q *q);          /* the next row; on failure sets q->rc */
	int64_t (*col_int)(struct q *q, int i);
	/* col_bytes: column i's bytes (text or blob), NULL only for SQL NULL. */
	const void *(*col_bytes)(struct q *q, int i, size_t *len);
	int64_t (*changes)(struct q *q);    /* rows a finished write changed */
	void (*done)(struct q *q);          /* release the result, reset */
};

extern const struct backend backend_sqlite;
extern const struct backend backend_pg;

struct store_conn {
	struct store *s;
	void *db;                 /* sqlite3 * or PGconn * */
	void *stmt[Q__COUNT];     /* SQLite: sqlite3_stmt * per query id */
	bool prepared[Q__COUNT];  /* PostgreSQL: PQprepare'd on this session */
	bool tuned;               /* busy timeout or size frozen until release */
	bool frozen;              /* PostgreSQL: store_freeze_size in force */
	enum store_rc tx_rc;      /* why the open transaction failed (stmt.c) */
	char msg[256];            /* errmsg's copy of the last message */
};

struct store {
	const struct backend *be;
	char *target;        /* SQLite: the file; PostgreSQL: the URL without schema= */
	char *schema;        /* PostgreSQL: ?schema=NAME, or NULL */
	char *blob_dir;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* signalled when a connection comes back */
	unsigned n;          /* connections in the pool */
	unsigned nfree;
	struct store_conn **free; /* stack of nfree idle connections */
	struct store_conn *conns;
};

/* ---- the statement interface (stmt.c) ----
 *
 *	struct q q;
 *	q_start(&q, c, Q_USER_BY_ID);
 *	q_int(&q, 1, id);
 *	if ((rc = q_one(&q)) == STORE_OK)
 *		name = col_str(&q, 2, a);
 *	return q_end(&q, rc);
 *
 * Parameters are numbered from 1 as in the texts; they are held in q (text
 * and bytes by pointer: the caller's memory must live until q_end) and
 * bound when the first row is asked for.  A failure latches in q->rc and
 * makes later calls do nothing, so a function binds and reads in a straight
 * line and looks once at the end.  Every q_start is paired with a q_end. */

#define Q_PARAMS_MAX 12

enum param_type { PARAM_NULL, PARAM_INT, PARAM_TEXT, PARAM_BYTES };

struct param {
	enum param_type type;
	int64_t i;
	const void *p;   /* PARAM_TEXT: NUL-terminated; PARAM_BYTES: len bytes */
	size_t len;
};

struct q {
	struct store_conn *c;
	enum query_id id;
	const char *sql;   /* this backend's text (NULL: nothing to run) */
	enum store_rc rc;
	bool ran;          /* executed: rows may be read */
	int nparams;       /* the highest position bound */
	struct param p[Q_PARAMS_MAX];
	/* the backend's cursor */
	void *cur;         /* sqlite3_stmt * or PGresult * */
	int row, nrows;    /* PostgreSQL: the current row (-1 before the first) */
};

void q_start(struct q *q, struct store_conn *c, enum query_id id);
void q_int(struct q *q, int i, int64_t v);
/* q_ref: an id where 0 means "none" (NULL), such as an anonymous session. */
void q_ref(struct q *q, int i, int64_t v);
void q_text(struct q *q, int i, const char *v); /* NULL: SQL NULL */
void q_bytes(struct q *q, int i, const void *p, size_t len);
/* q_row: true with a row to read; false when the rows ran out or the
 * statement failed (then q->rc says how). */
bool q_row(struct q *q);
/* q_one: STORE_OK with a row to read, STORE_NOTFOUND without, or the error. */
enum store_rc q_one(struct q *q);
/* q_finish: run the statement to its end (a write with RETURNING has its
 * row read first: on SQLite, outside a transaction, the last step is where
 * the write commits and where a full disk shows). */
enum store_rc q_finish(struct q *q);
/* q_write: run a statement that changes rows; STORE_NOTFOUND if none changed. */
enum store_rc q_write(struct q *q);
/* q_insert: a write ... RETURNING id; STORE_NOTFOUND if it returned no row. */
enum store_rc q_insert(struct q *q, int64_t *id);
/* q_end: release what the query holds; returns rc. */
enum store_rc q_end(struct q *q, enum store_rc rc);
/* q_exec: a statement without parameters whose rows do not matter. */
enum store_rc q_exec(struct store_conn *c, enum query_id id);

int64_t col_int(struct q *q, int i);
/* col_str: column i copied into the arena; NULL for SQL NULL. */
const char *col_str(struct q *q, int i, struct arena *a);
/* col_bytes: column i as bytes owned by the query (until the next row or
 * q_end); NULL for SQL NULL. */
const void *col_bytes(struct q *q, int i, size_t *len);

/* list_slot: room for element n of an array of elements of size sz growing
 * in the arena; NULL (q->rc set) when out of memory. */
void *list_slot(struct q *q, struct arena *a, void **arr, size_t *cap, size_t n, size_t sz);
/* list_end: how the rows ended; on failure *n is 0. */
enum store_rc list_end(struct q *q, size_t *n);
int64_t limit_of(size_t max);
/* q_rows: every row of q, each read by read() into the next element (of
 * size sz) of an array growing in a: the array in *arr (NULL on failure),
 * its length in *n; how the rows ended (q has ended).  A reader reports a
 * row it cannot take in q->rc. */
typedef void row_reader(struct q *q, struct arena *a, void *elem);
enum store_rc q_rows(struct q *q, struct arena *a, size_t sz, row_reader *read, void **arr,
		size_t *n);

/* store_log: "store: " and a line to stderr. */
void store_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- PostgreSQL (postgres.c) ---- */

/* pg_sqlstate_rc: the store_rc of a SQLSTATE (NULL: no state, a lost
 * connection).  23505 conflict, 23503 not found, 40001 40P01 55P03 57014
 * and class 08 / 57P0x busy, 53100 full, anything else error. */
enum store_rc pg_sqlstate_rc(const char *sqlstate);

/* ---- blobs over a connection (blob.c) ----
 * blob_put_conn / blob_get_conn: as store_blob_put/get, on c's backend:
 * PostgreSQL writes the blobs table through c (outside or inside c's
 * transaction); SQLite uses the blob directory and does not touch c.
 * store_blob_put/get call them with a pool connection on PostgreSQL. */
enum store_rc blob_put_conn(struct store_conn *c, const void *data, size_t len,
		char sha256_hex[65]);
enum store_rc blob_get_conn(struct store_conn *c, const char *sha256_hex, struct arena *a,
		void **data, size_t *len);

#endif
