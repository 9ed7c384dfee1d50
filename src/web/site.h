/* site.h - everything the portal shares across requests.
 *
 * Built once at start-up (serve.c): the configuration, the policy bundle,
 * the store, the compiled templates and the translations.  Read-only while
 * requests run, so request threads share it without locks.
 */
#ifndef YC_SITE_H
#define YC_SITE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/policy.h"
#include "lib/arena.h"

struct store;
struct mustache_set;
struct i18n;
struct housekeeper;
struct countries;
struct mailer;

struct site_config {
	const char *listen;     /* "127.0.0.1:8080" */
	const char *db;         /* "sqlite:PATH", a bare path, later "postgresql://" */
	const char *data_dir;   /* mutable state: database file, blobs */
	const char *share_dir;  /* templates/, static/, po/ (read-only) */
	const char *policy_dir;
	const char *iso_codes_dir; /* iso-codes' JSON and .mo files (countries.h) */
	const char *access_log; /* a file, or "-" for standard error */
	unsigned threads;       /* server threads (and database connections) */
	unsigned conn_limit;    /* open connections at most */
	unsigned per_ip_limit;  /* open connections per client address */
	unsigned timeout_s;     /* idle connection timeout (slow clients) */
	size_t body_max;        /* largest request body */
	size_t upload_max;      /* largest uploaded document */
	bool secure_cookies;    /* cookies always get Secure (they get it anyway on a
				 * request a trusted proxy forwards from HTTPS) */
	/* Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are
	 * believed (proxy.h): the text as configured, and parsed (canonical
	 * IPv4 strings in the arena of the configuration). */
	const char *trusted_proxies;
	const char *const *trusted;
	size_t ntrusted;
	unsigned login_max_failures; /* failed logins per window before refusing */
	unsigned login_window_s;
	/* The register and forgot-password forms: attempts per client
	 * address (and, for forgot-password, per e-mail address asked for)
	 * within the window before the form answers 429. */
	unsigned account_forms_max;
	unsigned account_forms_window_s;
	unsigned session_ttl_s;  /* the longest a session lives after login */
	unsigned session_idle_s; /* ... and without a request: it ends sooner */
	/* How often expired sessions, old throttle entries and expired reset
	 * links are removed (app/housekeeping.h); 0: never by this server. */
	unsigned housekeeping_interval_s;
	/* Mail delivery (app/delivery.h, docs/deploy.md "Mail"): smtp_url
	 * empty is delivery off on this server (mails wait in the outbox).
	 * The password is read from smtp_password_file, else the environment
	 * variable YINGCAI_SMTP_PASSWORD, by site_config_mail. */
	const char *smtp_url;
	const char *smtp_from;
	const char *smtp_user;
	const char *smtp_password_file;
	bool smtp_allow_plaintext;
	unsigned smtp_timeout_s;
	/* The portal's address as users reach it ("https://yingcai.example.cn"),
	 * written before the links in mails; no '/' at the end. */
	const char *public_url;
	unsigned mail_interval_s;  /* how often the outbox is looked at */
	unsigned mail_retry_s;     /* the first wait after a failed attempt */
	unsigned mail_give_up_s;   /* no attempt later than this after a mail was written */
	unsigned mail_keep_s;      /* mails are forgotten this long after they were written */
};

/* A file under share/static, read into memory at start-up: requests look
 * names up here, so no request path ever reaches the filesystem. */
struct static_file {
	const char *name; /* "yingcai.css" */
	const char *type; /* "text/css; charset=utf-8" */
	const char *data;
	size_t len;
	const char *etag;
};

struct site {
	struct site_config cfg;
	struct arena arena;            /* policy, templates, translations */
	struct policy_bundle bundle;
	struct store *store;
	struct mustache_set *templates;
	struct i18n *i18n;
	struct countries *countries;   /* names for nationality (countries.h) */
	struct static_file *statics;
	size_t nstatics;
	FILE *access_log;
	int64_t started_at;            /* when site_open ran (Unix time) */
	/* The housekeeping thread (housekeeper.h), set by `yingcai serve`
	 * before the server starts; NULL when it is off.  Its state is read
	 * under its own lock. */
	struct housekeeper *keeper;
	/* The mail delivery thread (mailer.h), likewise; NULL when off. */
	struct mailer *mailer;
	const char *smtp_password; /* site_config_mail's; never logged */
};

/* site_open: everything above from cfg (policy, templates, translations,
 * static files, the store); NULL with a message in err. */
struct site *site_open(const struct site_config *cfg, char *err, size_t n);
void site_close(struct site *s);

/* site_config_throttle_keep: how long a throttle entry can still count,
 * in seconds: the longer of the login and the account forms' windows
 * (housekeeping removes entries older than that). */
unsigned site_config_throttle_keep(const struct site_config *c);

/* site_config_mail: check the mail settings of c together (smtp_url,
 * smtp_from and public_url go together; the keep is not shorter than the
 * give-up window; ...), drop a '/' ending public_url, and read the SMTP
 * password (smtp_password_file, else $YINGCAI_SMTP_PASSWORD; NULL when
 * there is no smtp_user) into *password, in a.  0, or -1 with a message
 * naming the setting in err.  The password never appears in a message. */
int site_config_mail(struct site_config *c, struct arena *a, const char **password,
		char *err, size_t n);

/* site_config_defaults: the values `yingcai serve` starts from. */
void site_config_defaults(struct site_config *c);
/* site_config_load: read "key = value" lines from path into c; errors as
 * "path:line: reason" into err (size n); returns 0 or -1. */
int site_config_load(struct site_config *c, struct arena *a, const char *path,
		char *err, size_t n);
/* site_config_parse: the same on text held in memory (tests, fuzzing). */
int site_config_parse(struct site_config *c, struct arena *a, const char *name,
		const char *text, size_t len, char *err, size_t n);

#endif
