/* backup_rows.c - the store's tables as lines of JSON (see backup_impl.h).
 *
 * A table entry is its column line, then one line per row in key order:
 *
 *	{"table":"users","columns":["id","email",...]}
 *	[1,"ada@example.org",...]
 *
 * Values by column type: integers in decimal; text as a JSON string
 * (escaped as strbuf_add_json_n does: \" \\ \n \r \t and \u00XX for the
 * other control bytes; everything else, UTF-8 included, as it is); bytes
 * (token hashes) as a base64 string; SQL NULL as null.  No spaces.  The
 * text is canonical: the same rows give the same bytes on SQLite and
 * PostgreSQL (text keys are ordered bytewise on both), which is what
 * backup_digests hashes.
 *
 * The reader accepts exactly that and nothing else (a line is checked
 * whole before a value of it is bound), and inserts each row with its own
 * key through the table's load query.  Nothing in a line sizes more than
 * the line's own length.
 */
#include "backup_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

static const struct bcol users_cols[] = {
	{ "id", BCOL_INT }, { "email", BCOL_TEXT }, { "name", BCOL_TEXT },
	{ "role", BCOL_TEXT }, { "password_hash", BCOL_TEXT }, { "lang", BCOL_TEXT },
	{ "created_at", BCOL_INT }, { "version", BCOL_INT },
};
static const struct bcol sessions_cols[] = {
	{ "id", BCOL_INT }, { "token_hash", BCOL_BYTES }, { "user_id", BCOL_INT },
	{ "csrf", BCOL_TEXT }, { "lang", BCOL_TEXT }, { "created_at", BCOL_INT },
	{ "expires_at", BCOL_INT },
};
static const struct bcol login_failures_cols[] = {
	{ "id", BCOL_INT }, { "key", BCOL_TEXT }, { "at", BCOL_INT },
};
static const struct bcol password_resets_cols[] = {
	{ "id", BCOL_INT }, { "token_hash", BCOL_BYTES }, { "user_id", BCOL_INT },
	{ "expires_at", BCOL_INT }, { "used_at", BCOL_INT },
};
static const struct bcol outbox_cols[] = {
	{ "id", BCOL_INT }, { "recipient", BCOL_TEXT }, { "subject", BCOL_TEXT },
	{ "body", BCOL_TEXT }, { "created_at", BCOL_INT }, { "sent_at", BCOL_INT },
	{ "attempts", BCOL_INT }, { "next_at", BCOL_INT }, { "attempted_at", BCOL_INT },
	{ "last_error", BCOL_TEXT }, { "failed_at", BCOL_INT },
};
static const struct bcol audit_cols[] = {
	{ "id", BCOL_INT }, { "at", BCOL_INT }, { "actor", BCOL_INT },
	{ "action", BCOL_TEXT }, { "subject", BCOL_TEXT }, { "before", BCOL_TEXT },
	{ "after", BCOL_TEXT },
};
static const struct bcol enterprises_cols[] = {
	{ "uscc", BCOL_TEXT }, { "name", BCOL_TEXT }, { "key_entity", BCOL_INT },
	{ "service_key", BCOL_INT }, { "breach_of_trust", BCOL_INT }, { "sector", BCOL_TEXT },
	{ "district", BCOL_TEXT }, { "note", BCOL_TEXT }, { "updated_at", BCOL_INT },
	{ "version", BCOL_INT },
};
static const struct bcol applications_cols[] = {
	{ "id", BCOL_INT }, { "owner_id", BCOL_INT }, { "programme", BCOL_TEXT },
	{ "status", BCOL_TEXT }, { "data", BCOL_TEXT }, { "created_at", BCOL_INT },
	{ "updated_at", BCOL_INT }, { "version", BCOL_INT },
};
static const struct bcol migrations_cols[] = {
	{ "number", BCOL_INT }, { "name", BCOL_TEXT }, { "applied_at", BCOL_INT },
};

#define TABLE(name, dump, load, cols, replace) \
	{ name, name ".jsonl", dump, load, cols, sizeof cols / sizeof cols[0], replace }

const struct btable backup_tables[BACKUP_TABLES] = {
	TABLE("users", Q_DUMP_USERS, Q_LOAD_USERS, users_cols, false),
	TABLE("sessions", Q_DUMP_SESSIONS, Q_LOAD_SESSIONS, sessions_cols, false),
	TABLE("login_failures", Q_DUMP_LOGIN_FAILURES, Q_LOAD_LOGIN_FAILURES,
	      login_failures_cols, false),
	TABLE("password_resets", Q_DUMP_PASSWORD_RESETS, Q_LOAD_PASSWORD_RESETS,
	      password_resets_cols, false),
	TABLE("outbox", Q_DUMP_OUTBOX, Q_LOAD_OUTBOX, outbox_cols, false),
	TABLE("audit", Q_DUMP_AUDIT, Q_LOAD_AUDIT, audit_cols, false),
	TABLE("enterprises", Q_DUMP_ENTERPRISES, Q_LOAD_ENTERPRISES, enterprises_cols, false),
	TABLE("applications", Q_DUMP_APPLICATIONS, Q_LOAD_APPLICATIONS, applications_cols,
	      false),
	TABLE("schema_migrations", Q_DUMP_MIGRATIONS, Q_LOAD_MIGRATIONS, migrations_cols, true),
};

_Static_assert(sizeof users_cols / sizeof users_cols[0] <= Q_PARAMS_MAX &&
	       sizeof enterprises_cols / sizeof enterprises_cols[0] <= Q_PARAMS_MAX &&
	       sizeof outbox_cols / sizeof outbox_cols[0] <= Q_PARAMS_MAX,
	       "a row is bound as the parameters of one statement");

const struct btable *backup_table_entry(const char *name)
{
	for (size_t i = 0; i < BACKUP_TABLES; i++)
		if (strcmp(backup_tables[i].entry, name) == 0)
			return &backup_tables[i];
	return NULL;
}

/* columns_line: the first line of a table entry. */
static void columns_line(struct strbuf *sb, const struct btable *t)
{
	strbuf_addstr(sb, "{\"table\":");
	strbuf_add_json(sb, t->name);
	strbuf_addstr(sb, ",\"columns\":[");
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			strbuf_addch(sb, ',');
		strbuf_add_json(sb, t->cols[i].name);
	}
	strbuf_addstr(sb, "]}\n");
}

/* ---- dumping ---- */

static void add_base64(struct strbuf *sb, const unsigned char *p, size_t len)
{
	size_t elen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);

	strbuf_addch(sb, '"');
	if (strbuf_grow(sb, elen)) {
		sodium_bin2base64(sb->buf + sb->len, elen, p, len, sodium_base64_VARIANT_ORIGINAL);
		sb->len += elen - 1; /* elen counts the NUL */
	}
	strbuf_addch(sb, '"');
}

/* add_value: column i of q's row as the JSON of its type. */
static void add_value(struct strbuf *sb, struct q *q, int i, enum bcol_type type)
{
	size_t len;
	const void *p = col_bytes(q, i, &len);

	if (!p) {
		strbuf_addstr(sb, "null");
		return;
	}
	switch (type) {
	case BCOL_INT:
		strbuf_addf(sb, "%" PRId64, col_int(q, i));
		break;
	case BCOL_TEXT:
		strbuf_add_json_n(sb, p, len);
		break;
	case BCOL_BYTES:
		add_base64(sb, p, len);
		break;
	}
}

enum backup_rc rows_dump(struct store_conn *c, const struct btable *t, bsink *sink,
		void *arg, char *err, size_t n)
{
	struct strbuf sb = STRBUF_INIT(BACKUP_LINE_MAX);
	enum backup_rc rc;
	struct q q;

	columns_line(&sb, t);
	if ((rc = sink(arg, sb.buf, sb.len)) != BACKUP_OK) {
		strbuf_release(&sb);
		return rc;
	}
	q_start(&q, c, t->dump);
	while (rc == BACKUP_OK && q_row(&q)) {
		strbuf_reset(&sb);
		strbuf_addch(&sb, '[');
		for (int i = 0; i < t->ncols; i++) {
			if (i)
				strbuf_addch(&sb, ',');
			add_value(&sb, &q, i, t->cols[i].type);
		}
		strbuf_addstr(&sb, "]\n");
		if (sb.failed)
			rc = bfail(err, n, BACKUP_DB, "table %s: a row longer than %zu bytes (or out "
				   "of memory)", t->name, BACKUP_LINE_MAX);
		else if (q.rc == STORE_OK)
			rc = sink(arg, sb.buf, sb.len);
	}
	if (rc == BACKUP_OK && q.rc != STORE_OK)
		rc = bfail(err, n, backup_store_rc(q.rc), "table %s: the database failed "
			   "reading it (%s)", t->name, store_rc_name(q.rc));
	q_end(&q, STORE_OK);
	strbuf_release(&sb);
	return rc;
}

/* ---- loading ---- */

void rows_load_init(struct bloader *l, struct store_conn *c, const struct btable *t,
		char *err, size_t n)
{
	memset(l, 0, sizeof *l);
	l->c = c;
	l->t = t;
	l->err = err;
	l->n = n;
	arena_init(&l->a, 0);
}

struct cursor {
	const char *p, *end;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* parse_int: -?(0|[1-9][0-9]*) within int64. */
static bool parse_int(struct cursor *cu, int64_t *out)
{
	bool neg = cu->p < cu->end && *cu->p == '-';
	const char *s = cu->p + neg;
	uint64_t v = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	const char *d = s;

	while (d < cu->end && *d >= '0' && *d <= '9') {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*d - '0'), &v) || v > max)
			return false;
		d++;
	}
	if (d == s || (*s == '0' && d - s > 1))
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	cu->p = d;
	return true;
}

/* parse_string: a string as add_value writes it, unescaped into the arena
 * (NUL-terminated; *len without the NUL). */
static bool parse_string(struct cursor *cu, struct arena *a, char **out, size_t *len)
{
	const char *s = cu->p;
	char *o;
	size_t k = 0;

	if (s >= cu->end || *s++ != '"')
		return false;
	if (!(o = arena_alloc(a, (size_t)(cu->end - s) + 1)))
		return false;
	for (;;) {
		unsigned char c;
		int h1, h2;

		if (s >= cu->end)
			return false;
		c = (unsigned char)*s++;
		if (c == '"')
			break;
		if (c < 0x20)
			return false;
		if (c != '\\') {
			o[k++] = (char)c;
			continue;
		}
		if (s >= cu->end)
			return false;
		switch (*s++) {
		case '"': o[k++] = '"'; break;
		case '\\': o[k++] = '\\'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case 't': o[k++] = '\t'; break;
		case 'u':
			/* only \u00XX of a control byte (what strbuf_add_json_n writes) */
			if (cu->end - s < 4 || s[0] != '0' || s[1] != '0' ||
			    (h1 = hexval(s[2])) < 0 || (h2 = hexval(s[3])) < 0 || h1 > 1)
				return false;
			o[k++] = (char)(h1 << 4 | h2);
			s += 4;
			break;
		default:
			return false;
		}
	}
	o[k] = '\0';
	*out = o;
	*len = k;
	cu->p = s;
	return true;
}

/* bind_value: the next value of the line as parameter i of q. */
static const char *bind_value(struct cursor *cu, struct q *q, int i, enum bcol_type type,
		struct arena *a)
{
	int64_t v;
	char *s;
	unsigned char *bin;
	size_t len, blen;

	if (cu->end - cu->p >= 4 && memcmp(cu->p, "null", 4) == 0) {
		cu->p += 4;
		q_text(q, i, NULL);
		return NULL;
	}
	switch (type) {
	case BCOL_INT:
		if (!parse_int(cu, &v))
			return "an integer was expected";
		q_int(q, i, v);
		return NULL;
	case BCOL_TEXT:
		if (!parse_string(cu, a, &s, &len))
			return "a string was expected";
		if (strlen(s) != len)
			return "text with a NUL byte";
		q_text(q, i, s);
		return NULL;
	case BCOL_BYTES:
		if (!parse_string(cu, a, &s, &len) || !(bin = arena_alloc(a, len + 1)) ||
		    sodium_base642bin(bin, len + 1, s, len, NULL, &blen, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
			return "base64 was expected";
		q_bytes(q, i, bin, blen);
		return NULL;
	}
	return "an unknown column type";
}

static enum backup_rc load_row(struct bloader *l, const char *line, size_t len)
{
	const struct btable *t = l->t;
	struct cursor cu = { line, line + len - 1 }; /* without the '\n' */
	const char *bad = NULL, *where = "the row";
	enum store_rc src;
	struct q q;

	q_start(&q, l->c, t->load);
	if (cu.p >= cu.end || *cu.p++ != '[')
		bad = "a JSON array was expected";
	for (int i = 0; i < t->ncols && !bad; i++) {
		where = t->cols[i].name;
		if (i && (cu.p >= cu.end || *cu.p++ != ','))
			bad = "the row ends before it";
		else
			bad = bind_value(&cu, &q, i + 1, t->cols[i].type, &l->a);
	}
	if (!bad && (cu.p + 1 != cu.end || *cu.p != ']')) {
		where = "the row";
		bad = "more values than columns";
	}
	if (bad) {
		q_end(&q, STORE_OK);
		return bfail(l->err, l->n, BACKUP_FORMAT, "entry %s, line %" PRIu64 ", %s: %s",
			     t->entry, l->line, where, bad);
	}
	src = q_end(&q, q_finish(&q));
	if (src != STORE_OK)
		return bfail(l->err, l->n, backup_store_rc(src), "entry %s, line %" PRIu64
			     ": the database refused the row (%s)", t->entry, l->line,
			     src == STORE_CONFLICT ? "a key that is there already" :
			     src == STORE_NOTFOUND ? "it refers to a row that is not there" :
			     store_rc_name(src));
	l->rows++;
	return BACKUP_OK;
}

enum backup_rc rows_load_line(void *arg, const char *line, size_t len)
{
	struct bloader *l = arg;
	struct strbuf want = STRBUF_INIT(4096);
	enum backup_rc rc = BACKUP_OK;
	enum store_rc src;

	l->line++;
	if (len == 0 || line[len - 1] != '\n')
		return bfail(l->err, l->n, BACKUP_FORMAT, "entry %s, line %" PRIu64 ": no line "
			     "end", l->t->entry, l->line);
	if (l->line > 1) {
		rc = load_row(l, line, len);
		arena_reset(&l->a);
		return rc;
	}
	columns_line(&want, l->t);
	if (want.len != len || memcmp(want.buf, line, len) != 0)
		rc = bfail(l->err, l->n, BACKUP_FORMAT, "entry %s: its columns are not those of "
			   "this yingcai's %s table", l->t->entry, l->t->name);
	strbuf_release(&want);
	if (rc == BACKUP_OK && l->t->replace &&
	    (src = q_exec(l->c, Q_BACKUP_MIGRATIONS_CLEAR)) != STORE_OK)
		rc = bfail(l->err, l->n, backup_store_rc(src), "table %s: the database failed (%s)",
			   l->t->name, store_rc_name(src));
	return rc;
}

enum backup_rc rows_load_end(struct bloader *l)
{
	enum backup_rc rc = BACKUP_OK;

	if (l->line == 0)
		rc = bfail(l->err, l->n, BACKUP_FORMAT, "entry %s is empty (no column line)",
			   l->t->entry);
	arena_release(&l->a);
	return rc;
}

/* ---- transactions and checks ---- */

enum backup_rc rows_snapshot(struct store_conn *c, char *err, size_t n)
{
	enum store_rc src;

	c->tx_rc = STORE_OK;
	if ((src = q_exec(c, Q_BACKUP_SNAPSHOT)) != STORE_OK)
		return bfail(err, n, backup_store_rc(src), "the database cannot begin a snapshot "
			     "(%s)", store_rc_name(src));
	return BACKUP_OK;
}

enum backup_rc rows_any(struct store_conn *c, bool *any, char *err, size_t n)
{
	enum store_rc src;
	struct q q;

	*any = false;
	q_start(&q, c, Q_BACKUP_ANY_ROWS);
	if ((src = q_one(&q)) == STORE_OK)
		*any = col_int(&q, 0) != 0;
	src = q_end(&q, src == STORE_OK ? q.rc : src);
	if (src != STORE_OK)
		return bfail(err, n, backup_store_rc(src), "the database failed looking for rows "
			     "(%s)", store_rc_name(src));
	return BACKUP_OK;
}

enum backup_rc rows_loaded(struct store_conn *c, char *err, size_t n)
{
	enum store_rc src = q_exec(c, Q_BACKUP_SEQUENCES);

	if (src != STORE_OK)
		return bfail(err, n, backup_store_rc(src), "the database failed moving its id "
			     "sequences (%s)", store_rc_name(src));
	return BACKUP_OK;
}

/* ---- digests ---- */

struct hasher {
	crypto_hash_sha256_state h;
	uint64_t lines;
};

static enum backup_rc hash_line(void *arg, const char *line, size_t len)
{
	struct hasher *hs = arg;

	crypto_hash_sha256_update(&hs->h, (const unsigned char *)line, len);
	hs->lines++;
	return BACKUP_OK;
}

enum backup_rc backup_digests(struct store_conn *c, struct backup_digest out[BACKUP_TABLES],
		char *err, size_t n)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	enum backup_rc rc;
	enum store_rc src;
	struct hasher hs;

	memset(out, 0, BACKUP_TABLES * sizeof *out);
	if ((rc = rows_snapshot(c, err, n)) != BACKUP_OK)
		return rc;
	for (size_t i = 0; i < BACKUP_TABLES && rc == BACKUP_OK; i++) {
		crypto_hash_sha256_init(&hs.h);
		hs.lines = 0;
		rc = rows_dump(c, &backup_tables[i], hash_line, &hs, err, n);
		crypto_hash_sha256_final(&hs.h, digest);
		out[i].table = backup_tables[i].name;
		sodium_bin2hex(out[i].sha256, sizeof out[i].sha256, digest, sizeof digest);
		out[i].rows = hs.lines ? hs.lines - 1 : 0;
	}
	if (rc != BACKUP_OK) {
		store_rollback(c);
		return rc;
	}
	if ((src = store_commit(c)) != STORE_OK)
		return bfail(err, n, backup_store_rc(src), "the database failed ending the "
			     "snapshot (%s)", store_rc_name(src));
	return BACKUP_OK;
}
