/* cmd_demo.c - `yingcai demo`: load the demo data into a database.
 *
 *   yingcai demo [--data DIR | --db URL] [--quiet]
 *
 * Idempotent: what is there already is left as it is, so `make run` can
 * call it every time.  It adds one account per role (<role>@demo.yingcai,
 * all with the password DEMO_PASSWORD), a few enterprises in the registry
 * (the codes of the demo/ files and of the tests), and a saved draft
 * application for the demo applicant (the contents of
 * demo/anna-two-zones.json).  Then it prints the accounts.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/accounts.h"
#include "app/tx.h"
#include "cli.h"
#include "store/store.h"

#define PROG "yingcai demo"
#define DEMO_PASSWORD "yingcai-demo-2025"
#define DEMO_APP "demo/anna-two-zones.json"
#define DEMO_APP_MAX ((size_t)1 << 20)

static const struct {
	const char *role, *name, *lang, *what;
} demo_users[] = {
	{"applicant", "Anna Example", "en", "applicant (has a saved draft)"},
	{"employer", "王芳 Wang Fang (HR, Example Technology)", "zh", "employer HR"},
	{"reviewer", "张伟 Zhang Wei", "zh", "reviewer"},
	{"expert", "刘洋 Liu Yang", "zh", "expert"},
	{"officer", "赵敏 Zhao Min", "zh", "due-diligence officer"},
	{"approver", "陈杰 Chen Jie", "zh", "approver"},
	{"registry", "孙慧 Sun Hui", "zh", "registry admin"},
	{"inspector", "周强 Zhou Qiang", "zh", "inspector"},
	{"sysadmin", "Demo Administrator", "en", "system admin"},
};
#define NDEMO_USERS (sizeof demo_users / sizeof demo_users[0])

static const struct enterprise_rec demo_enterprises[] = {
	{ .uscc = "91110108551385082Q", .name = "Example Technology Co., Ltd.",
	  .key_entity = true, .service_key = false, .sector = "science-technology",
	  .district = "Haidian", .note = "demo data (demo/anna-two-zones.json)" },
	{ .uscc = "91110000600037341L", .name = "Okafor Health Management (Beijing) Co., Ltd.",
	  .key_entity = true, .service_key = true, .sector = "elderly-care",
	  .district = "Chaoyang", .note = "demo data (demo/dana-urgent.json)" },
	{ .uscc = "91350100M000100Y43", .name = "Minjiang Sample Trading Co., Ltd. (Fuzhou)",
	  .key_entity = false, .service_key = false, .sector = "wholesale-retail",
	  .district = "Fuzhou, Fujian (outside Beijing)",
	  .note = "demo data: registered outside Beijing, on no list" },
};
#define NDEMO_ENTERPRISES (sizeof demo_enterprises / sizeof demo_enterprises[0])

static void usage(FILE *to)
{
	fputs("usage: " PROG " [--data DIR | --db URL] [--quiet]\n"
	      "\n"
	      "Loads the demo data (idempotently: nothing present is changed): one\n"
	      "account per role, <role>@demo.yingcai with the password " DEMO_PASSWORD ",\n"
	      "three enterprises in the key-entity registry, and a saved draft\n"
	      "application (" DEMO_APP ") for applicant@demo.yingcai.  Prints\n"
	      "the accounts unless --quiet.  The database is sqlite:<data>/yingcai.db\n"
	      "(--data defaults to var), or --db URL, as for 'yingcai serve'.\n", to);
}


/* read_demo_app: demo/anna-two-zones.json beside the executable's tree
 * (build/yingcai, build/check/yingcai) or under the current directory. */
static char *read_demo_app(struct arena *a, const char **where)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	FILE *f = NULL;
	char *buf;
	size_t len;

	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3 && !f; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = '\0';
			snprintf(path, sizeof path, "%s/%s", exe, DEMO_APP);
			f = fopen(path, "rb");
		}
	}
	if (!f) {
		snprintf(path, sizeof path, "%s", DEMO_APP);
		f = fopen(path, "rb");
	}
	if (!f)
		return NULL;
	buf = arena_alloc(a, DEMO_APP_MAX + 1);
	len = buf ? fread(buf, 1, DEMO_APP_MAX, f) : 0;
	fclose(f);
	if (!buf || len == 0 || len == DEMO_APP_MAX)
		return NULL;
	buf[len] = '\0';
	*where = arena_strdup(a, path);
	return buf;
}

/* add_users: the accounts that are missing; the applicant's id into *applicant. */
static int add_users(struct store_conn *c, int64_t now, struct arena *a, int64_t *applicant,
		int *added)
{
	for (size_t i = 0; i < NDEMO_USERS; i++) {
		const char *email = arena_printf(a, "%s@demo.yingcai", demo_users[i].role);
		struct acct_new_user in = {
			.email = email, .name = demo_users[i].name, .password = DEMO_PASSWORD,
			.role = role_parse(demo_users[i].role), .lang = demo_users[i].lang,
		};
		struct acct_result r;
		struct user u;
		enum store_rc rc = store_user_by_email(c, email, a, &u);

		if (rc == STORE_NOTFOUND) {
			if (accounts_user_add(c, now, 0, &in, &r) != ACCT_OK) {
				fprintf(stderr, PROG ": cannot add %s (%s)\n", email,
					r.nerrors ? r.errors[0].key : "database");
				return -1;
			}
			u.id = r.user_id;
			(*added)++;
		} else if (rc != STORE_OK) {
			fprintf(stderr, PROG ": the database failed (%s)\n", store_rc_name(rc));
			return -1;
		}
		if (in.role == ROLE_APPLICANT)
			*applicant = u.id;
	}
	return 0;
}

/* The missing enterprises and the applicant's draft, in one transaction
 * with one audit entry, as app_tx runs it (again when the database was
 * busy: everything it sets is set afresh on each run). */
struct demo_tx {
	int64_t now, applicant;
	struct arena *a;
	const char *data; /* the demo application, or NULL when its file is missing */
	int added;        /* records this run wrote */
	bool no_file;     /* a draft was wanted and the file was missing */
};

static enum store_rc demo_run(struct store_conn *c, void *arg)
{
	struct demo_tx *t = arg;
	struct application_rec *apps = NULL;
	size_t napps = 0;
	enum store_rc rc = STORE_OK;

	t->added = 0;
	t->no_file = false;
	for (size_t i = 0; rc == STORE_OK && i < NDEMO_ENTERPRISES; i++) {
		struct enterprise_rec e = demo_enterprises[i], have;
		rc = store_enterprise_get(c, e.uscc, t->a, &have);
		if (rc == STORE_NOTFOUND) {
			e.updated_at = t->now;
			rc = store_enterprise_put(c, &e);
			t->added++;
		}
	}
	if (rc == STORE_OK)
		rc = store_application_list(c, t->applicant, 1, t->a, &apps, &napps);
	if (rc == STORE_OK && napps == 0 && !t->data) {
		t->no_file = true;
	} else if (rc == STORE_OK && napps == 0) {
		struct application_rec app = {
			.owner_id = t->applicant, .programme = "two-zones", .status = "draft",
			.data = t->data, .created_at = t->now,
		};
		int64_t id;
		rc = store_application_create(c, &app, &id);
		t->added++;
	}
	if (rc == STORE_OK && t->added) {
		struct audit_entry e = {
			.at = t->now, .actor = 0, .action = "demo.load", .subject = "demo",
			.after = arena_printf(t->a, "{\"records\":%d}", t->added),
		};
		rc = store_audit_add(c, &e);
	}
	return rc;
}

static int add_records(struct store_conn *c, int64_t now, struct arena *a, int64_t applicant,
		int *added)
{
	const char *where = NULL;
	struct demo_tx t = { .now = now, .applicant = applicant, .a = a,
			     .data = read_demo_app(a, &where) };
	enum store_rc rc = app_tx(c, demo_run, &t);

	if (rc != STORE_OK) {
		fprintf(stderr, PROG ": the database failed (%s); demo records not added\n",
			store_rc_name(rc));
		return -1;
	}
	if (t.no_file)
		fprintf(stderr, PROG ": %s not found: no draft application added\n", DEMO_APP);
	*added += t.added;
	return 0;
}

int cmd_demo(int argc, char **argv)
{
	const char *data = "var", *db = NULL;
	bool quiet = false;
	struct arena a;
	struct store *s;
	struct store_conn *c;
	int64_t now = (int64_t)time(NULL), applicant = 0;
	int added = 0, status = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--quiet") == 0) {
			quiet = true;
		} else if (strcmp(argv[i], "--data") == 0 || strcmp(argv[i], "--db") == 0) {
			const char **slot = strcmp(argv[i], "--data") == 0 ? &data : &db;

			if (i + 1 == argc) {
				fprintf(stderr, PROG ": %s needs a value\n", argv[i]);
				usage(stderr);
				return EXIT_USAGE;
			}
			*slot = argv[++i];
		} else {
			fprintf(stderr, PROG ": unknown option or argument '%s'\n", cli_shown(argv[i]));
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (sodium_init() < 0) {
		fputs(PROG ": libsodium could not be initialised\n", stderr);
		return EXIT_INVALID;
	}
	arena_init(&a, 0);
	s = cli_open_store(PROG, data, db, &a);
	if (!s) {
		arena_release(&a);
		return EXIT_INVALID;
	}
	c = store_conn_acquire(s);
	if (add_users(c, now, &a, &applicant, &added) < 0 ||
	    add_records(c, now, &a, applicant, &added) < 0)
		status = EXIT_INVALID;
	store_conn_release(c);
	store_close(s);
	if (status == EXIT_OK && !quiet) {
		printf("Demo data ready in %s (%d record%s added).\n", db ? db : data, added,
		       added == 1 ? "" : "s");
		printf("Demo accounts, all with the password %s:\n", DEMO_PASSWORD);
		for (size_t i = 0; i < NDEMO_USERS; i++)
			printf("  %-26s %s\n", arena_printf(&a, "%s@demo.yingcai", demo_users[i].role),
			       demo_users[i].what);
	}
	arena_release(&a);
	return status;
}
