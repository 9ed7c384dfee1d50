/* stmt.c - the statement interface of the store (see store_impl.h): typed
 * parameters held until the first row is asked for, rows and columns read
 * through the connection's backend.
 */
#include "store_impl.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void store_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("store: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void q_start(struct q *q, struct store_conn *c, enum query_id id)
{
	const struct query *qq = query_get(id);

	memset(q, 0, sizeof *q);
	q->c = c;
	q->id = id;
	q->sql = c->s->be->kind == STORE_PG ? qq->pg : qq->sqlite;
	q->rc = STORE_OK;
	q->row = -1;
}

static struct param *param_at(struct q *q, int i)
{
	if (q->rc != STORE_OK)
		return NULL;
	assert(i >= 1 && i <= Q_PARAMS_MAX);
	if (i > q->nparams)
		q->nparams = i;
	return &q->p[i - 1];
}

void q_int(struct q *q, int i, int64_t v)
{
	struct param *p = param_at(q, i);

	if (p)
		*p = (struct param){ .type = PARAM_INT, .i = v };
}

void q_ref(struct q *q, int i, int64_t v)
{
	struct param *p = param_at(q, i);

	if (p)
		*p = (struct param){ .type = v ? PARAM_INT : PARAM_NULL, .i = v };
}

void q_text(struct q *q, int i, const char *v)
{
	struct param *p = param_at(q, i);

	if (p)
		*p = (struct param){ .type = v ? PARAM_TEXT : PARAM_NULL, .p = v,
			.len = v ? strlen(v) : 0 };
}

void q_bytes(struct q *q, int i, const void *v, size_t len)
{
	struct param *p = param_at(q, i);

	if (p)
		*p = (struct param){ .type = PARAM_BYTES, .p = v ? v : "", .len = len };
}

/* q_failed: a statement failed: inside a transaction that fails the
 * transaction (store.h): the first failure is kept for store_commit. */
static bool q_failed(struct q *q)
{
	struct store_conn *c = q->c;

	if (c->tx_rc == STORE_OK && q->id != Q_ROLLBACK && q->id != Q_COMMIT &&
	    c->s->be->in_tx(c))
		c->tx_rc = q->rc;
	return false;
}

bool q_row(struct q *q)
{
	const struct backend *be = q->c->s->be;

	if (q->rc != STORE_OK || !q->sql)
		return false;
	if (!q->ran) {
		/* a failed transaction takes nothing but its rollback */
		if (q->c->tx_rc != STORE_OK && q->id != Q_ROLLBACK) {
			q->rc = q->c->tx_rc;
			return false;
		}
		q->ran = true;
		if ((q->rc = be->run(q)) != STORE_OK)
			return q_failed(q);
	}
	if (be->next(q))
		return true;
	return q->rc != STORE_OK ? q_failed(q) : false;
}

enum store_rc q_one(struct q *q)
{
	if (q_row(q))
		return STORE_OK;
	return q->rc != STORE_OK ? q->rc : STORE_NOTFOUND;
}

enum store_rc q_finish(struct q *q)
{
	while (q_row(q))
		;
	return q->rc;
}

enum store_rc q_write(struct q *q)
{
	enum store_rc rc = q_finish(q);

	if (rc == STORE_OK && q->sql && q->c->s->be->changes(q) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

enum store_rc q_insert(struct q *q, int64_t *id)
{
	enum store_rc rc = q_one(q);

	if (rc == STORE_OK && id)
		*id = col_int(q, 0);
	return rc == STORE_OK ? q_finish(q) : rc;
}

enum store_rc q_end(struct q *q, enum store_rc rc)
{
	if (q->ran)
		q->c->s->be->done(q);
	q->ran = false;
	q->cur = NULL;
	return rc;
}

enum store_rc q_exec(struct store_conn *c, enum query_id id)
{
	struct q q;

	q_start(&q, c, id);
	return q_end(&q, q_finish(&q));
}

int64_t col_int(struct q *q, int i)
{
	if (q->rc != STORE_OK || !q->cur)
		return 0;
	return q->c->s->be->col_int(q, i);
}

const void *col_bytes(struct q *q, int i, size_t *len)
{
	*len = 0;
	if (q->rc != STORE_OK || !q->cur)
		return NULL;
	return q->c->s->be->col_bytes(q, i, len);
}

const char *col_str(struct q *q, int i, struct arena *a)
{
	size_t len;
	const char *t = col_bytes(q, i, &len);
	char *s;

	if (!t)
		return NULL;
	if (!(s = arena_strndup(a, t, len))) {
		store_log("%s: out of memory", query_get(q->id)->name);
		q->rc = STORE_ERROR;
	}
	return s;
}

/* ---- lists: rows into a growing arena array ---- */

void *list_slot(struct q *q, struct arena *a, void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		void *p = arena_array(a, ncap, sz);

		if (!p) {
			store_log("%s: out of memory", query_get(q->id)->name);
			q->rc = STORE_ERROR;
			return NULL;
		}
		if (n)
			memcpy(p, *arr, n * sz);
		*arr = p;
		*cap = ncap;
	}
	return (char *)*arr + n * sz;
}

enum store_rc list_end(struct q *q, size_t *n)
{
	if (q->rc != STORE_OK)
		*n = 0;
	return q_end(q, q->rc);
}

enum store_rc q_rows(struct q *q, struct arena *a, size_t sz, row_reader *read, void **arr,
		size_t *n)
{
	void *list = NULL, *e;
	size_t cap = 0;
	enum store_rc rc;

	*n = 0;
	while (q_row(q) && (e = list_slot(q, a, &list, &cap, *n, sz))) {
		read(q, a, e);
		if (q->rc != STORE_OK)
			break;
		(*n)++;
	}
	rc = list_end(q, n);
	*arr = rc == STORE_OK ? list : NULL;
	return rc;
}

int64_t limit_of(size_t max)
{
	return max > INT64_MAX ? INT64_MAX : (int64_t)max;
}
