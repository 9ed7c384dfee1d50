/* cmd_db.c - `yingcai db`: the database from the shell (docs/backup.md).
 *
 *   yingcai db backup FILE [--data DIR | --db URL]
 *   yingcai db restore FILE [--data DIR | --db URL] [--force]
 *   yingcai db verify FILE
 *   yingcai db migrate [--data DIR | --db URL]
 *
 * The database is that of `yingcai serve` with the same options:
 * sqlite:<data>/yingcai.db with documents in <data>/blobs (--data defaults
 * to var), or --db URL.  A backup never changes the database it reads (it
 * is opened without migrating: a database of another schema version is
 * refused); a restore needs an empty target (SQLite: --force moves the old
 * one aside).  Exit status: 0 done, 1 the file, the target or the database
 * was the problem (the message says which), 2 usage error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/housekeeping.h"
#include "cli.h"
#include "store/backup.h"
#include "store/store.h"
#include "web/site.h"

#define PROG "yingcai db"

static void usage(FILE *to)
{
	fputs("usage: " PROG " backup FILE [--data DIR | --db URL]\n"
	      "       " PROG " restore FILE [--data DIR | --db URL] [--force]\n"
	      "       " PROG " verify FILE\n"
	      "       " PROG " migrate [--data DIR | --db URL]\n"
	      "       " PROG " housekeeping [--config FILE] [--data DIR | --db URL]\n"
	      "\n"
	      "backup   writes the whole database, records and documents, to FILE\n"
	      "         (FILE.tmp first, then renamed; mode 0600: it holds password\n"
	      "         hashes) while the portal keeps running.  The database must have\n"
	      "         this yingcai's schema version: it is not migrated.\n"
	      "restore  checks every checksum of FILE, then restores it into an empty\n"
	      "         database (SQLite or PostgreSQL, whichever made FILE).  A target\n"
	      "         that holds data is refused; on SQLite --force moves it aside to\n"
	      "         NAME.before-restore first.  Stop 'yingcai serve' first (SQLite).\n"
	      "verify   checks every checksum of FILE and says what it holds.\n"
	      "migrate  applies pending schema migrations and prints the version.\n"
	      "housekeeping\n"
	      "         removes expired sessions, throttle entries older than the longer\n"
	      "         throttle window and expired reset links (what 'yingcai serve' does\n"
	      "         every housekeeping_interval_seconds), and says how many.  --config\n"
	      "         reads the database and the windows from the server's configuration\n"
	      "         file; --data and --db override it.\n"
	      "\n"
	      "The database is sqlite:<data>/yingcai.db with documents in <data>/blobs\n"
	      "(--data defaults to var), or --db URL (postgresql://...), as for\n"
	      "'yingcai serve'.  Exit status: 0 done, 1 the file, the target or the\n"
	      "database was the problem, 2 usage error.  See docs/backup.md.\n", to);
}

struct db_opts {
	const char *file, *data, *db;
	const char *config; /* housekeeping: the server's configuration file */
	bool force;
};

/* parse: argv[2..]; 0, 1 (--help printed), or -1 (usage error printed). */
static int parse(int argc, char **argv, struct db_opts *o, bool want_file, bool want_db,
		bool want_force)
{
	const char *cmd = argv[1];

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **slot = NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (want_force && strcmp(a, "--force") == 0) {
			o->force = true;
			continue;
		}
		if (want_db && strcmp(a, "--data") == 0)
			slot = &o->data;
		else if (want_db && strcmp(a, "--db") == 0)
			slot = &o->db;
		else if (strcmp(cmd, "housekeeping") == 0 && strcmp(a, "--config") == 0)
			slot = &o->config;
		if (slot) {
			if (!v || !*v) {
				fprintf(stderr, PROG " %s: %s needs a value\n", cmd, a);
				goto bad;
			}
			*slot = v;
			i++;
			continue;
		}
		if (want_file && !o->file && a[0] && (a[0] != '-' || strcmp(a, "-") == 0)) {
			o->file = a;
			continue;
		}
		fprintf(stderr, PROG " %s: unknown option or argument '%s'\n", cmd, cli_shown(a));
		goto bad;
	}
	if (want_file && !o->file) {
		fprintf(stderr, PROG " %s: FILE is required\n", cmd);
		goto bad;
	}
	if (o->file && strcmp(o->file, "-") == 0) {
		fprintf(stderr, PROG " %s: FILE must be a file name (not standard input or "
			"output: a backup is written to FILE.tmp and renamed)\n", cmd);
		goto bad;
	}
	return 0;
bad:
	usage(stderr);
	return -1;
}

/* url_of: the database of these options (into buf). */
static const char *url_of(const struct db_opts *o, char *buf, size_t n)
{
	if (o->db)
		return o->db;
	snprintf(buf, n, "sqlite:%s/yingcai.db", o->data);
	return buf;
}

static bool is_sqlite(const char *url)
{
	return strncmp(url, "postgresql://", 13) != 0 && strncmp(url, "postgres://", 11) != 0;
}

/* sqlite_missing: url is a SQLite database file that is not there: said,
 * with what would not be done (a command that reads a database does not
 * create an empty one to read, nor a data directory for it). */
static bool sqlite_missing(const char *cmd, const char *url, const char *nothing_to,
		const char *options)
{
	const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	struct stat st;

	if (!is_sqlite(url) || stat(path, &st) == 0)
		return false;
	fprintf(stderr, PROG " %s: %s: %s: there is no database to %s; give the server's %s\n",
		cmd, cli_shown(path), strerror(errno), nothing_to, options);
	return true;
}

#define DB_OPTIONS "data directory with --data DIR or its database with --db URL"

/* blob_dir: <data>/blobs into buf. */
static const char *blob_dir(const struct db_opts *o, char *buf, size_t n)
{
	snprintf(buf, n, "%s/blobs", o->data);
	return buf;
}

static const char *utc(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, n, "%lld", (long long)t);
	return buf;
}

static void describe(const char *verb, const char *file, const struct backup_info *in)
{
	char when[40], what[64];

	if (strcmp(in->backend, "sqlite") == 0)
		snprintf(what, sizeof what, "the database");
	else
		snprintf(what, sizeof what, "%zu tables", in->tables);
	printf("%s %s: %s, schema %d, made %s: %s and %zu document%s (%zu entr%s, %llu "
	       "bytes)\n", verb, file, in->backend, in->schema, utc(in->created, when, sizeof when),
	       what, in->blobs, in->blobs == 1 ? "" : "s", in->entries,
	       in->entries == 1 ? "y" : "ies", (unsigned long long)in->bytes);
}

static int fail(const char *cmd, enum backup_rc rc, const char *err)
{
	fprintf(stderr, PROG " %s: %s%s\n", cmd, err[0] ? err : backup_rc_name(rc),
		rc == BACKUP_DAMAGED && !strstr(err, "damaged") && !strstr(err, "incomplete") ?
		": the backup file is damaged" : "");
	return EXIT_INVALID;
}

static int db_backup(int argc, char **argv)
{
	struct db_opts o = { .data = "var" };
	char url_buf[4096], blobs[4096], err[1024] = "";
	struct backup_info info;
	const char *url;
	struct store *s;
	enum backup_rc rc;
	int r = parse(argc, argv, &o, true, true, false);

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	url = url_of(&o, url_buf, sizeof url_buf);
	if (sqlite_missing("backup", url, "back up", DB_OPTIONS))
		return EXIT_INVALID;
	if (!(s = store_open_current(url, blob_dir(&o, blobs, sizeof blobs), 1, err,
				     sizeof err))) {
		fprintf(stderr, PROG " backup: %s\n", err);
		return EXIT_INVALID;
	}
	rc = backup_write(s, o.file, &info, err, sizeof err);
	store_close(s);
	if (rc != BACKUP_OK)
		return fail("backup", rc, err);
	describe("wrote", o.file, &info);
	return EXIT_OK;
}

static int db_restore(int argc, char **argv)
{
	struct db_opts o = { .data = "var" };
	char url_buf[4096], blobs[4096], err[1024] = "";
	struct backup_info info;
	struct backup_target t;
	struct stat st;
	enum backup_rc rc;
	bool made = false;
	int r = parse(argc, argv, &o, true, true, true);

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	t = (struct backup_target){ .url = url_of(&o, url_buf, sizeof url_buf),
				    .blob_dir = blob_dir(&o, blobs, sizeof blobs),
				    .force = o.force };
	if (is_sqlite(t.url) && stat(o.data, &st) != 0) {
		/* A data directory to make: only for a file known good (read
		 * once more by backup_restore: a restore that cannot happen
		 * makes nothing). */
		if ((rc = backup_verify(o.file, &info, err, sizeof err)) != BACKUP_OK)
			return fail("restore", rc, err);
		if (mkdir(o.data, 0750) < 0) {
			fprintf(stderr, PROG " restore: %s: cannot create the data directory: %s\n",
				cli_shown(o.data), strerror(errno));
			return EXIT_INVALID;
		}
		made = true;
	}
	rc = backup_restore(o.file, &t, &info, err, sizeof err);
	if (rc != BACKUP_OK) {
		if (made) /* what backup_restore staged there is gone again: empty */
			rmdir(o.data);
		return fail("restore", rc, err);
	}
	describe("restored", o.file, &info);
	if (info.moved_aside)
		printf("the old database and documents were moved aside: %s.before-restore\n",
		       is_sqlite(t.url) && strncmp(t.url, "sqlite:", 7) == 0 ? t.url + 7 : t.url);
	return EXIT_OK;
}

static int db_verify(int argc, char **argv)
{
	struct db_opts o = { 0 };
	char err[1024] = "";
	struct backup_info info;
	enum backup_rc rc;
	int r = parse(argc, argv, &o, true, false, false);

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if ((rc = backup_verify(o.file, &info, err, sizeof err)) != BACKUP_OK)
		return fail("verify", rc, err);
	describe("verified", o.file, &info);
	return EXIT_OK;
}

static int db_migrate(int argc, char **argv)
{
	struct db_opts o = { .data = "var" };
	struct store_conn *c;
	struct store *s;
	struct arena a;
	int r = parse(argc, argv, &o, false, true, false), v;

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	arena_init(&a, 0);
	s = cli_open_store(PROG " migrate", o.data, o.db, &a); /* store_open migrates */
	arena_release(&a);
	if (!s)
		return EXIT_INVALID;
	c = store_conn_acquire(s);
	v = store_schema_version(c);
	store_conn_release(c);
	store_close(s);
	if (v <= 0) {
		fputs(PROG " migrate: the database has no schema version\n", stderr);
		return EXIT_INVALID;
	}
	printf("schema version %d\n", v);
	return EXIT_OK;
}

/* db_housekeeping: app_housekeeping once, with the windows of the server's
 * configuration (defaults, then --config), on its database or the one
 * --data / --db name. */
static int db_housekeeping(int argc, char **argv)
{
	struct db_opts o = { .data = NULL };
	struct site_config cfg;
	struct housekeeping_counts n;
	struct store_conn *c;
	struct store *s;
	struct arena a;
	char err[8192], url_buf[4096];
	int r = parse(argc, argv, &o, false, true, false);
	enum store_rc rc;

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	arena_init(&a, 0);
	site_config_defaults(&cfg);
	if (o.config && site_config_load(&cfg, &a, o.config, err, sizeof err) < 0) {
		fprintf(stderr, PROG " housekeeping: %s\n", err);
		arena_release(&a);
		return EXIT_INVALID;
	}
	if (!o.data && !o.db) { /* the configuration's database */
		o.db = cfg.db;
		o.data = cfg.data_dir;
	}
	if (!o.data)
		o.data = "var";
	if (sqlite_missing("housekeeping", url_of(&o, url_buf, sizeof url_buf), "clean up",
			   "configuration with --config FILE, its " DB_OPTIONS)) {
		arena_release(&a);
		return EXIT_INVALID;
	}
	s = cli_open_store(PROG " housekeeping", o.data, o.db, &a);
	if (!s) {
		arena_release(&a);
		return EXIT_INVALID;
	}
	c = store_conn_acquire(s);
	rc = app_housekeeping(c, (int64_t)time(NULL), site_config_throttle_keep(&cfg),
			      cfg.mail_keep_s, &n);
	store_conn_release(c);
	store_close(s);
	arena_release(&a);
	if (rc != STORE_OK) {
		fprintf(stderr, PROG " housekeeping: the database failed (%s); nothing removed\n",
			store_rc_name(rc));
		return EXIT_INVALID;
	}
	printf("removed %lld expired sessions, %lld old throttle entries, %lld expired reset "
	       "links, %lld old mails\n", (long long)n.sessions, (long long)n.throttle,
	       (long long)n.resets, (long long)n.mails);
	return EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
	/* a file size limit (ulimit -f) is a full disk to report, not a signal to die of */
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigaction(SIGXFSZ, &ign, NULL);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "backup") == 0)
		return db_backup(argc, argv);
	if (strcmp(argv[1], "restore") == 0)
		return db_restore(argc, argv);
	if (strcmp(argv[1], "verify") == 0)
		return db_verify(argc, argv);
	if (strcmp(argv[1], "migrate") == 0)
		return db_migrate(argc, argv);
	if (strcmp(argv[1], "housekeeping") == 0)
		return db_housekeeping(argc, argv);
	fprintf(stderr, PROG ": '%s' is not a subcommand (backup, restore, verify, migrate, "
		"housekeeping)\n", cli_shown(argv[1]));
	usage(stderr);
	return EXIT_USAGE;
}
