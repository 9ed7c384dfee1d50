/* cmd_user.c - `yingcai user`: accounts from the shell.
 *
 *   yingcai user add --email E --name N --role ROLE [--lang L] [--password-stdin]
 *                    [--data DIR | --db URL]
 *   yingcai user list [--json] [--data DIR | --db URL]
 *
 * Staff accounts (reviewer, expert, officer, approver, registry, inspector,
 * sysadmin) are created here; applicants and employers register on the
 * portal but can be added here too.  The password is read from standard
 * input (its first line) with --password-stdin, else generated and printed
 * once.  Exit status: 0 done, 1 the account was refused (a rule, a taken
 * address) or the database failed, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "app/accounts.h"
#include "cli.h"
#include "lib/strbuf.h"
#include "store/store.h"
#include "web/session.h"

#define PROG "yingcai user"

static void usage(FILE *to)
{
	fputs("usage: " PROG " add --email E --name N --role ROLE [--lang zh|en|de]\n"
	      "                        [--password-stdin] [--data DIR | --db URL]\n"
	      "       " PROG " list [--json] [--data DIR | --db URL]\n"
	      "\n"
	      "add   creates an account of any role: applicant, employer, reviewer,\n"
	      "      expert, officer (due diligence), approver, registry (registry\n"
	      "      admin), inspector, sysadmin.  With --password-stdin the first line\n"
	      "      of standard input is the password (at least 12 characters, at most\n"
	      "      128 bytes, not the e-mail address); without it a random password is\n"
	      "      generated and printed once.  --lang is the language of its pages\n"
	      "      and mail (default zh).\n"
	      "list  every account: id, role, e-mail, language, created (UTC), name;\n"
	      "      with --json one object per line: id, email, name, role, lang,\n"
	      "      created_at (Unix seconds).\n"
	      "\n"
	      "The database is sqlite:<data>/yingcai.db (--data defaults to var), or\n"
	      "--db URL, as for 'yingcai serve'.  Exit status: 0 done, 1 the account\n"
	      "was refused or the database failed, 2 usage error.\n", to);
}


/* The words for the shell (administrators read English here). */
static const struct { const char *key, *text; } messages[] = {
	{"acct_err_email_missing", "an e-mail address is needed"},
	{"acct_err_email_invalid", "not an e-mail address (name@example.com)"},
	{"acct_err_email_taken", "an account with this e-mail address exists already"},
	{"acct_err_name_missing", "a name is needed"},
	{"acct_err_name_invalid", "the name has characters that cannot be used"},
	{"acct_err_name_long", "the name is longer than 100 characters"},
	{"acct_err_password_missing", "the password is empty"},
	{"acct_err_password_long", "the password is longer than 128 bytes"},
	{"acct_err_password_invalid", "the password has characters that cannot be used"},
	{"acct_err_password_short", "the password is shorter than 12 characters"},
	{"acct_err_password_is_email", "the password is the e-mail address"},
	{"acct_err_role", "not a role"},
};

static const char *message(const char *key)
{
	for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++)
		if (strcmp(messages[i].key, key) == 0)
			return messages[i].text;
	return key;
}

static const char *option_of(enum acct_field f)
{
	switch (f) {
	case ACCT_F_EMAIL: return "--email";
	case ACCT_F_NAME: return "--name";
	case ACCT_F_PASSWORD: return "the password";
	case ACCT_F_ROLE: return "--role";
	default: return "?";
	}
}

/* read_password: the first line of standard input, without its line end. */
static const char *read_password(struct arena *a)
{
	char buf[1024];
	size_t n;

	if (!fgets(buf, sizeof buf, stdin)) {
		fputs(PROG " add: --password-stdin: nothing on standard input\n", stderr);
		return NULL;
	}
	n = strlen(buf);
	if (n == sizeof buf - 1 && buf[n - 1] != '\n') {
		fputs(PROG " add: --password-stdin: the line is too long\n", stderr);
		sodium_memzero(buf, sizeof buf);
		return NULL;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	{
		const char *p = arena_strndup(a, buf, n);
		sodium_memzero(buf, sizeof buf);
		return p;
	}
}

static const char *role_list(void)
{
	return "applicant, employer, reviewer, expert, officer, approver, registry, "
	       "inspector, sysadmin";
}

struct user_opts {
	const char *email, *name, *role, *lang, *data, *db;
	bool password_stdin, json;
};

/* parse: options of `user add` / `user list`; 0, 1 (--help), or -1. */
static int parse(int argc, char **argv, struct user_opts *o, bool add)
{
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **slot = NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (add && strcmp(a, "--password-stdin") == 0) {
			o->password_stdin = true;
			continue;
		}
		if (!add && strcmp(a, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (add && strcmp(a, "--email") == 0) slot = &o->email;
		else if (add && strcmp(a, "--name") == 0) slot = &o->name;
		else if (add && strcmp(a, "--role") == 0) slot = &o->role;
		else if (add && strcmp(a, "--lang") == 0) slot = &o->lang;
		else if (strcmp(a, "--data") == 0) slot = &o->data;
		else if (strcmp(a, "--db") == 0) slot = &o->db;
		if (!slot) {
			fprintf(stderr, PROG " %s: unknown option or argument '%s'\n", argv[1],
				cli_shown(a));
			return -1;
		}
		if (!v) {
			fprintf(stderr, PROG " %s: %s needs a value\n", argv[1], a);
			return -1;
		}
		*slot = v;
		i++;
	}
	return 0;
}


/* field_errors: each field error of r, as the option that gave the field. */
static void field_errors(const struct acct_result *r)
{
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, PROG " add: %s: %s\n", option_of(r->errors[i].field),
			message(r->errors[i].key));
}

static int user_add(int argc, char **argv)
{
	struct user_opts o = { .data = "var" };
	struct acct_new_user in;
	struct acct_result r;
	struct arena a;
	struct store *s = NULL;
	struct store_conn *c;
	const char *password = NULL;
	bool generated = false;
	enum acct_err e;
	int rc = parse(argc, argv, &o, true), status = EXIT_INVALID;

	if (rc) {
		if (rc < 0)
			usage(stderr);
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (!o.email || !o.name || !o.role) {
		fprintf(stderr, PROG " add: %s is required\n",
			!o.email ? "--email" : !o.name ? "--name" : "--role");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!role_parse(o.role)) {
		fprintf(stderr, PROG " add: --role: '%s' is not a role; give one of: %s\n",
			cli_shown(o.role), role_list());
		return EXIT_USAGE;
	}
	if (o.lang && strcmp(o.lang, "zh") != 0 && strcmp(o.lang, "en") != 0 &&
	    strcmp(o.lang, "de") != 0) {
		fprintf(stderr, PROG " add: --lang: '%s' is not a language; give zh, en or de\n",
			cli_shown(o.lang));
		return EXIT_USAGE;
	}
	if (sodium_init() < 0) {
		fputs(PROG ": libsodium could not be initialised\n", stderr);
		return EXIT_INVALID;
	}
	arena_init(&a, 0);
	if (o.password_stdin) {
		password = read_password(&a);
	} else {
		password = token_new(&a, 18); /* 24 characters of base64url: 144 bits */
		generated = true;
	}
	if (!password)
		goto out;
	in = (struct acct_new_user){ .email = o.email, .name = o.name, .password = password,
				     .role = role_parse(o.role), .lang = o.lang };
	/* the fields first: a refused account leaves no database behind */
	if (!accounts_user_check(&a, &in, &r)) {
		field_errors(&r);
		goto out;
	}
	s = cli_open_store(PROG, o.data, o.db, &a);
	if (!s)
		goto out;
	c = store_conn_acquire(s);
	e = accounts_user_add(c, (int64_t)time(NULL), 0, &in, &r);
	store_conn_release(c);
	if (e == ACCT_OK) {
		const char *email = accounts_email_normalise(&a, o.email);
		printf("added user %lld: %s (%s)\n", (long long)r.user_id, email ? email : o.email,
		       o.role);
		if (generated)
			printf("password: %s\n(shown once: hand it over safely; it can be changed "
			       "with \"Forgotten password\" on the login page)\n", password);
		status = EXIT_OK;
	} else if (e == ACCT_INVALID || e == ACCT_CONFLICT) {
		field_errors(&r);
	} else {
		fprintf(stderr, PROG " add: the database %s; nothing was changed\n",
			e == ACCT_BUSY ? "is busy or full" : "failed");
	}
out:
	if (password)
		sodium_memzero((char *)password, strlen(password));
	if (s)
		store_close(s);
	arena_release(&a);
	return status;
}

static const char *utc(struct arena *a, int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
	return arena_strdup(a, buf);
}

#define LIST_PAGE 200 /* users read at a time */

/* print_user: one line of `user list`: JSON, or the table's columns. */
static void print_user(const struct user *u, bool json, struct arena *a)
{
	const char *role = role_name(u->role) ? role_name(u->role) : "?";

	if (json) {
		struct strbuf sb = STRBUF_INIT(4096);

		strbuf_addf(&sb, "{\"id\":%lld,\"email\":", (long long)u->id);
		strbuf_add_json(&sb, u->email);
		strbuf_addstr(&sb, ",\"name\":");
		strbuf_add_json(&sb, u->name);
		strbuf_addstr(&sb, ",\"role\":");
		strbuf_add_json(&sb, role);
		strbuf_addstr(&sb, ",\"lang\":");
		strbuf_add_json(&sb, u->lang ? u->lang : "zh");
		strbuf_addf(&sb, ",\"created_at\":%lld}\n", (long long)u->created_at);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		return;
	}
	printf("%-5lld %-10s %-34s %-4s %-16s %s\n", (long long)u->id, role, u->email,
	       u->lang ? u->lang : "zh", utc(a, u->created_at), u->name);
}

static int user_list(int argc, char **argv)
{
	struct user_opts o = { .data = "var" };
	struct arena a, row;
	struct store *s;
	struct store_conn *c;
	int rc = parse(argc, argv, &o, false), status = EXIT_OK;
	size_t count = 0;

	if (rc) {
		if (rc < 0)
			usage(stderr);
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	}
	arena_init(&a, 0);
	s = cli_open_store(PROG, o.data, o.db, &a);
	if (!s) {
		arena_release(&a);
		return EXIT_INVALID;
	}
	arena_init(&row, 0);
	c = store_conn_acquire(s);
	if (!o.json)
		printf("%-5s %-10s %-34s %-4s %-16s %s\n", "ID", "ROLE", "EMAIL", "LANG",
		       "CREATED (UTC)", "NAME");
	for (int64_t after = 0;;) {
		struct user *users;
		size_t n;
		enum store_rc src = store_user_list(c, after, LIST_PAGE, &row, &users, &n);

		if (src != STORE_OK) {
			fprintf(stderr, PROG " list: the database failed (%s)\n", store_rc_name(src));
			status = EXIT_INVALID;
			break;
		}
		for (size_t i = 0; i < n; i++)
			print_user(&users[i], o.json, &row);
		count += n;
		if (n < LIST_PAGE)
			break;
		after = users[n - 1].id;
		arena_reset(&row);
	}
	if (!o.json && status == EXIT_OK && count == 0)
		puts("(no accounts yet)");
	store_conn_release(c);
	store_close(s);
	arena_release(&row);
	arena_release(&a);
	return status;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return user_add(argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return user_list(argc, argv);
	fprintf(stderr, PROG ": '%s' is not a subcommand (add, list)\n", cli_shown(argv[1]));
	usage(stderr);
	return EXIT_USAGE;
}
