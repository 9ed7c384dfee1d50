/* cmd_serve.c - `yingcai serve`: the web portal.
 *
 * Reads the configuration (defaults, then --config FILE, then the command
 * line), opens the site (policy, templates, translations, database), and
 * serves until SIGTERM or SIGINT; then it stops accepting, lets requests in
 * flight finish, and closes the database cleanly.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "out/smtp.h"
#include "web/housekeeper.h"
#include "web/mailer.h"
#include "web/server.h"
#include "web/site.h"

static void usage(FILE *to)
{
	fputs("usage: yingcai serve [--listen ADDR:PORT] [--db URL] [--data DIR] [--config FILE]\n"
	      "                     [--share DIR] [--policy DIR] [--threads N]\n"
	      "\n"
	      "Serves the portal until SIGTERM or SIGINT, then stops gracefully.\n"
	      "\n"
	      "  --listen ADDR:PORT  an IPv4 address and a port (default 127.0.0.1:8080;\n"
	      "                      port 0: a free one, printed)\n"
	      "  --db URL            the database: sqlite:PATH or postgresql://...\n"
	      "                      (default sqlite:<data>/yingcai.db)\n"
	      "  --data DIR          the data directory: the SQLite database and the\n"
	      "                      document blobs (default var)\n"
	      "  --config FILE       \"key = value\" lines (docs/deploy.md); options on the\n"
	      "                      command line win over the file\n"
	      "  --share DIR         templates/, static/ and po/ (default: the source\n"
	      "                      tree's when run from it, else the installed ones)\n"
	      "  --policy DIR        the policy directory (default: $YINGCAI_POLICY, then\n"
	      "                      the policy/ directory beside the build, else the\n"
	      "                      installed one)\n"
	      "  --threads N         server threads and database connections, 1 to 256\n"
	      "                      (default 4)\n"
	      "\n"
	      "Exit status: 0 stopped by a signal, 1 the configuration file, the database\n"
	      "or the address was the problem, 2 usage error (a bad option or value).\n", to);
}

/* What --listen and the file's listen take (server_listen_valid). */
#define LISTEN_FORM "expected ADDRESS:PORT, an IPv4 address and a port from 0 to 65535 " \
	"(e.g. 127.0.0.1:8080)"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* share_dir: the directory holding templates/, static/ and po/: the source
 * tree when run from it, else the installed share directory. */
static const char *share_dir(void)
{
	static char path[PATH_MAX];
	char probe[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

	if (n > 0) {
		path[n] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(path, '/');
			if (!slash)
				break;
			*slash = '\0';
			snprintf(probe, sizeof probe, "%s/templates", path);
			if (is_dir(probe))
				return path;
		}
	}
	return "/usr/local/share/yingcai";
}

/* The options, each with a value. */
static const char *const options[] = {
	"--listen", "--db", "--data", "--share", "--policy", "--config", "--threads",
};

static bool is_option(const char *o)
{
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (strcmp(o, options[i]) == 0)
			return true;
	return false;
}

static int parse_args(int argc, char **argv, struct site_config *c, const char **config,
		struct arena *a)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (!is_option(o)) {
			fprintf(stderr, "yingcai serve: %s '%s'%s\n", o[0] == '-' ? "unknown option" :
				"unexpected argument", cli_shown(o),
				o[0] == '-' ? "" : " (serve takes options only)");
			return -1;
		}
		if (!v) {
			fprintf(stderr, "yingcai serve: %s needs a value\n", o);
			return -1;
		}
		i++;
		if (strcmp(o, "--listen") == 0) {
			/* the command line's mistake: a usage error, before anything starts */
			if (!server_listen_valid(v)) {
				fprintf(stderr, "yingcai serve: --listen '%s': " LISTEN_FORM "\n",
					cli_shown(v));
				return -1;
			}
			c->listen = v;
		} else if (strcmp(o, "--db") == 0) c->db = v;
		else if (strcmp(o, "--data") == 0) c->data_dir = v;
		else if (strcmp(o, "--share") == 0) c->share_dir = v;
		else if (strcmp(o, "--policy") == 0) c->policy_dir = v;
		else if (strcmp(o, "--config") == 0) *config = v;
		else { /* --threads, read as the file's key is (its range is there) */
			char err[256];
			const char *line = arena_printf(a, "threads = %s", cli_shown(v));
			const char *why;

			if (site_config_parse(c, a, "--threads", line, strlen(line), err, sizeof err)) {
				/* "--threads:1: threads: REASON": the option's, not a file's line */
				why = strstr(err, ": threads: ");
				fprintf(stderr, "yingcai serve: --threads: %s\n",
					why ? why + strlen(": threads: ") : err);
				return -1;
			}
		}
	}
	return 0;
}

/* stop_threads: the housekeeper and the mailer, which use the site. */
static void stop_threads(struct site *site)
{
	mailer_stop(site->mailer);
	site->mailer = NULL;
	housekeeper_stop(site->keeper);
	site->keeper = NULL;
}

int cmd_serve(int argc, char **argv)
{
	struct site_config cfg, file_cfg;
	struct arena a;
	const char *config = NULL;
	char err[8192];
	struct site *site;
	struct server *srv;
	sigset_t set;
	int sig = 0, rc;

	arena_init(&a, 0);
	site_config_defaults(&cfg);
	rc = parse_args(argc, argv, &cfg, &config, &a);
	if (rc != 0) {
		if (rc < 0)
			usage(stderr);
		arena_release(&a);
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (config) {
		/* The file first, then the command line again on top of it. */
		site_config_defaults(&file_cfg);
		if (site_config_load(&file_cfg, &a, config, err, sizeof err) < 0) {
			fprintf(stderr, "yingcai serve: %s\n", err);
			arena_release(&a);
			return EXIT_INVALID;
		}
		cfg = file_cfg;
		parse_args(argc, argv, &cfg, &config, &a);
		/* The command line's --listen is checked; one from the file is an
		 * invalid input (exit 1), found before the database is opened. */
		if (!server_listen_valid(cfg.listen)) {
			fprintf(stderr, "yingcai serve: %s: listen = '%s': " LISTEN_FORM "; correct "
				"it in the file, or give --listen ADDR:PORT\n", cli_shown(config),
				cli_shown(cfg.listen));
			arena_release(&a);
			return EXIT_INVALID;
		}
	}
	if (!cfg.share_dir)
		cfg.share_dir = share_dir();
	if (!cfg.policy_dir)
		cfg.policy_dir = cli_policy_dir(NULL);

	/* Block the stop signals before any thread starts, then wait for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* libcurl's global state, before any thread (out/smtp.h). */
	if (!smtp_global_init()) {
		fputs("yingcai serve: libcurl cannot start (mail delivery)\n", stderr);
		arena_release(&a);
		return EXIT_INVALID;
	}
	site = site_open(&cfg, err, sizeof err);
	if (!site) {
		fprintf(stderr, "yingcai serve: %s\n", err);
		smtp_global_cleanup();
		arena_release(&a);
		return EXIT_INVALID;
	}
	/* Before the first request, which may show their state (the
	 * administrator's dashboard) or wake them (a reset link mailed). */
	site->keeper = housekeeper_start(site);
	site->mailer = mailer_start(site);
	srv = server_start(site, err, sizeof err);
	if (!srv) {
		fprintf(stderr, "yingcai serve: %s\n", err);
		stop_threads(site);
		site_close(site);
		smtp_global_cleanup();
		arena_release(&a);
		return EXIT_INVALID;
	}
	{
		char host[64];
		const char *colon = strrchr(cfg.listen, ':');
		size_t hn = colon ? (size_t)(colon - cfg.listen) : 0;
		if (hn >= sizeof host)
			hn = sizeof host - 1;
		memcpy(host, cfg.listen, hn);
		host[hn] = '\0';
		printf("yingcai: serving on http://%s:%u/ (database %s)\n", hn ? host : "127.0.0.1",
		       server_port(srv), cfg.db ? cfg.db : cfg.data_dir);
		fflush(stdout);
	}
	sigwait(&set, &sig);
	fprintf(stderr, "yingcai: %s received, finishing requests in flight\n",
		sig == SIGTERM ? "SIGTERM" : "SIGINT");
	server_stop(srv, 10);
	stop_threads(site);
	site_close(site);
	smtp_global_cleanup();
	arena_release(&a);
	return EXIT_OK;
}
