/* cmd_mail.c - `yingcai mail test --to ADDR [--config FILE]`: send one test
 * mail with the mail settings of the server's configuration file, at
 * once, and say whether the SMTP server took it.  Nothing is written to
 * the outbox or the database.  Exit 0 sent, 1 not (the message names the
 * setting at fault), 2 a usage error.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/delivery.h"
#include "cli.h"
#include "out/mail.h"
#include "out/smtp.h"
#include "web/site.h"

#define PROG "yingcai mail"

static void usage(FILE *to)
{
	fputs("usage: yingcai mail test --to ADDR [--config FILE]\n"
	      "\n"
	      "Sends a test mail (in Chinese, English and German) to ADDR at once with the\n"
	      "mail settings of FILE, the configuration of `yingcai serve` (smtp_url,\n"
	      "smtp_from, smtp_user, smtp_password_file or $YINGCAI_SMTP_PASSWORD,\n"
	      "smtp_allow_plaintext, smtp_timeout_seconds; docs/deploy.md).  Nothing is\n"
	      "written to the outbox.  Exit 0: the SMTP server took it; 1: it did not, or a\n"
	      "setting is wrong (the message names it); 2: a usage error.\n", to);
}

struct mail_opts {
	const char *to, *config;
};

/* parse: 0 to go on, 1 after --help, -1 on a usage error (said, but for
 * the usage text). */
static int parse(int argc, char **argv, struct mail_opts *o)
{
	if (argc < 2)
		return -1;
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 1;
	}
	if (strcmp(argv[1], "test") != 0) {
		fprintf(stderr, PROG ": '%s' is not a subcommand (test)\n", cli_shown(argv[1]));
		return -1;
	}
	for (int i = 2; i < argc; i++) {
		const char *opt = argv[i];

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (i + 1 >= argc || (strcmp(opt, "--to") && strcmp(opt, "--config"))) {
			fprintf(stderr, PROG " test: unknown option or no value: '%s'\n", cli_shown(opt));
			return -1;
		}
		*(strcmp(opt, "--to") == 0 ? &o->to : &o->config) = argv[++i];
	}
	if (!o->to) {
		fputs(PROG " test: --to ADDR is needed\n", stderr);
		return -1;
	}
	return 0;
}

/* settings: the configuration's mail settings, checked; -1 after saying why. */
static int settings(const struct mail_opts *o, struct site_config *cfg, struct arena *a,
		const char **password)
{
	char err[8192];

	site_config_defaults(cfg);
	if (o->config && site_config_load(cfg, a, o->config, err, sizeof err) < 0) {
		fprintf(stderr, PROG " test: %s\n", err);
		return -1;
	}
	if (site_config_mail(cfg, a, password, err, sizeof err) < 0) {
		fprintf(stderr, PROG " test: %s\n", err);
		return -1;
	}
	if (!*cfg->smtp_url) {
		fprintf(stderr, PROG " test: smtp_url is not set%s%s: there is nothing to send "
			"through\n", o->config ? " in " : " (no --config FILE)",
			o->config ? cli_shown(o->config) : "");
		return -1;
	}
	return 0;
}

static int send_test(const struct mail_opts *o, const struct site_config *cfg,
		const char *password)
{
	struct delivery d = {
		.from = cfg->smtp_from,
		.smtp = { .url = cfg->smtp_url, .user = cfg->smtp_user, .password = password,
			  .allow_plaintext = cfg->smtp_allow_plaintext,
			  .timeout_s = cfg->smtp_timeout_s },
	};
	const char *setting = NULL;
	char err[512];

	if (!smtp_global_init()) {
		fputs(PROG " test: libcurl cannot start\n", stderr);
		return EXIT_INVALID;
	}
	if (app_delivery_send_test(&d, o->to, (int64_t)time(NULL), err, sizeof err, &setting)) {
		fprintf(stderr, PROG " test: not sent to %s through %s: %s%s%s\n", o->to,
			cfg->smtp_url, err, setting ? "; check " : "", setting ? setting : "");
		smtp_global_cleanup();
		return EXIT_INVALID;
	}
	smtp_global_cleanup();
	printf("sent a test mail to %s through %s (from %s)\n", o->to, cfg->smtp_url,
	       cfg->smtp_from);
	return EXIT_OK;
}

int cmd_mail(int argc, char **argv)
{
	struct mail_opts o = { NULL, NULL };
	struct site_config cfg;
	const char *password;
	struct arena a;
	int r = parse(argc, argv, &o);

	if (r) {
		if (r < 0)
			usage(stderr);
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (!mail_address_ok(o.to)) {
		fprintf(stderr, PROG " test: --to: '%s' is not an e-mail address such as "
			"anna@example.org\n", cli_shown(o.to));
		return EXIT_USAGE;
	}
	arena_init(&a, 0);
	r = settings(&o, &cfg, &a, &password) < 0 ? EXIT_INVALID : send_test(&o, &cfg, password);
	arena_release(&a);
	return r;
}
