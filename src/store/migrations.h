/* migrations.h - the numbered schema changes of the store.
 *
 * A migration is a number, a name and the SQL that moves the schema from
 * number-1 to number, once per backend (SQLite and PostgreSQL, side by
 * side).  Numbers start at 1 and rise by one.  A migration is never edited
 * once released: a change to the schema is a new migration at the end.
 * Backends apply the pending ones at open, all in one transaction, and
 * record each in schema_migrations (number, name, applied_at); a database
 * whose version is higher than the last migration known here is refused.
 */
#ifndef YC_STORE_MIGRATIONS_H
#define YC_STORE_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int number;
	const char *name;   /* "initial schema" */
	const char *sqlite; /* one or more statements separated by ';' */
	const char *pg;
};

/* migrations_all: the migrations in order; *n receives their count. */
const struct migration *migrations_all(size_t *n);
/* migrations_latest: the number of the last migration (the schema version
 * this program expects). */
int migrations_latest(void);

#endif
