/* main.c - the `yingcai` command: dispatch to subcommands. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"evaluate", cmd_evaluate, "score application files (formats.md)"},
	{"calendar", cmd_calendar, "working days and calendar months"},
	{"check", cmd_check, "validate identifiers (unified social credit codes)"},
	{"serve", cmd_serve, "serve the web portal"},
	{"user", cmd_user, "add and list accounts (staff accounts are made here)"},
	{"demo", cmd_demo, "load the demo accounts, enterprises and a draft application"},
	{"routes", cmd_routes, "print the route table (roles, CSRF) for tests and audits"},
	{"db", cmd_db, "back up, restore and migrate the database (records and documents)"},
	{"mail", cmd_mail, "send a test mail with the server's mail settings"},
};

static void usage(FILE *to)
{
	fputs("usage: yingcai <command> [options] [args]\n\ncommands:\n", to);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(to, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'yingcai <command> --help' describes a command.\n", to);
}

/* stdout_failed: what a command wrote to stdout did not all get there (a
 * full disk, a closed descriptor): an answer lost must not exit 0. */
static bool stdout_failed(void)
{
	return fflush(stdout) != 0 || ferror(stdout);
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		if (stdout_failed()) {
			fprintf(stderr, "yingcai: writing to standard output failed: %s\n",
				strerror(errno));
			return EXIT_INVALID;
		}
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		rc = commands[i].run(argc - 1, argv + 1);
		if (stdout_failed()) {
			fprintf(stderr, "yingcai %s: writing to standard output failed: %s\n",
				commands[i].name, strerror(errno));
			if (rc == EXIT_OK)
				rc = EXIT_INVALID;
		}
		return rc;
	}
	fprintf(stderr, "yingcai: '%s' is not a command\n", cli_shown(argv[1]));
	usage(stderr);
	return EXIT_USAGE;
}
