/* cmd_check.c - `yingcai check`: validate identifiers and documents.
 *
 *   yingcai check uscc [--json] CODE...   unified social credit codes
 *
 * A dispatcher over subcommands (documents and eligibility checks are to
 * come): each has a name, a synopsis, a help text and a run function that
 * gets the parsed options and its operands.  Exit status: 0 all valid, 1
 * something was invalid, 2 usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/uscc.h"
#include "lib/strbuf.h"

#define PROG "yingcai check"

struct check_opts {
	bool json;
	bool help;
	const char *sub;
	char **args; /* operands after the subcommand's name */
	int nargs;
};

struct check_sub {
	const char *name;
	const char *synopsis;
	const char *help;
	int (*run)(const struct check_opts *o);
};

static int run_uscc(const struct check_opts *o);

static const struct check_sub subs[] = {
	{"uscc", "CODE...",
	 "Validates unified social credit codes (统一社会信用代码, GB 32100-2015):\n"
	 "18 characters (digits and capital letters except I, O, S, V, Z), a\n"
	 "registration department and organisation type, a 6-digit division code,\n"
	 "the organisation code with its GB 11714 check character, and the check\n"
	 "character over the first 17.  Prints 'valid' or 'invalid: REASON', one\n"
	 "line per code in the order given; exits 1 if any is invalid.\n"
	 "With --json, one object per line: {\"code\":..., \"valid\":true|false,\n"
	 "\"reason\":null|\"...\"}.\n",
	 run_uscc},
};

#define NSUBS (sizeof subs / sizeof subs[0])

static void usage(FILE *to)
{
	fputs("usage: " PROG " <what> [--json] ARGS\n\nchecks:\n", to);
	for (size_t i = 0; i < NSUBS; i++)
		fprintf(to, "  %s %s\n", subs[i].name, subs[i].synopsis);
	fputs("\noptions:\n"
	      "  --json   one JSON object per line\n"
	      "  --help   describe a check: " PROG " <what> --help\n"
	      "  --       the arguments that follow are operands, not options\n", to);
}

static void sub_usage(const struct check_sub *s, FILE *to)
{
	fprintf(to, "usage: " PROG " %s [--json] %s\n\n%s", s->name, s->synopsis, s->help);
}

static const struct check_sub *sub_find(const char *name)
{
	for (size_t i = 0; i < NSUBS; i++)
		if (strcmp(subs[i].name, name) == 0)
			return &subs[i];
	return NULL;
}

/* parse: options anywhere before "--"; operands are moved to the front of
 * argv (after argv[0]) so o->args can point at them. */
static int parse(int argc, char **argv, struct check_opts *o)
{
	bool dashdash = false;
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			argv[1 + npos++] = a;
		} else if (strcmp(a, "--") == 0) {
			dashdash = true;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = true;
		} else {
			fprintf(stderr, PROG ": unknown option '%s'\n", cli_shown(a));
			return -1;
		}
	}
	if (npos > 0) {
		o->sub = argv[1];
		o->args = argv + 2;
		o->nargs = npos - 1;
	}
	return 0;
}

/* add_json_text: s as a JSON string; bytes that are not UTF-8 (overlong
 * forms and surrogates too) become U+FFFD
 * so the line stays valid JSON whatever was typed. */
static void add_json_text(struct strbuf *sb, const char *s)
{
	struct strbuf clean = STRBUF_INIT(1 << 16);
	size_t n = strlen(s);

	while (n) {
		size_t len = strbuf_utf8_len(s, n);

		if (len) {
			strbuf_add(&clean, s, len);
		} else {
			strbuf_addstr(&clean, "\xef\xbf\xbd");
			len = 1;
		}
		s += len;
		n -= len;
	}
	if (clean.failed)
		sb->failed = true; /* latch: the caller reports it once */
	else
		strbuf_add_json_n(sb, clean.buf, clean.len);
	strbuf_release(&clean);
}

static void print_json_result(const char *code, enum uscc_rc rc, const char *reason)
{
	struct strbuf line = STRBUF_INIT(1 << 16);

	strbuf_addstr(&line, "{\"code\":");
	add_json_text(&line, code);
	strbuf_addf(&line, ",\"valid\":%s,\"reason\":", rc == USCC_OK ? "true" : "false");
	if (rc == USCC_OK)
		strbuf_addstr(&line, "null");
	else
		add_json_text(&line, reason);
	strbuf_addstr(&line, "}\n");
	if (line.failed)
		fputs("{\"code\":null,\"valid\":false,\"reason\":\"the code is too long to "
		      "show\"}\n", stdout);
	else
		fputs(line.buf, stdout);
	strbuf_release(&line);
}

static bool check_one_uscc(const char *code, bool json)
{
	char reason[USCC_REASON_MAX];
	enum uscc_rc rc = uscc_explain(code, strlen(code), reason, sizeof reason);

	if (json)
		print_json_result(code, rc, reason);
	else if (rc == USCC_OK) /* formats.md: `valid` or `invalid: <reason>` per code */
		puts("valid");
	else
		printf("invalid: %s\n", reason);
	return rc == USCC_OK;
}

static int run_uscc(const struct check_opts *o)
{
	bool all_valid = true;

	if (o->nargs == 0) {
		fputs(PROG " uscc: expected one or more codes\n", stderr);
		sub_usage(&subs[0], stderr);
		return EXIT_USAGE;
	}
	for (int i = 0; i < o->nargs; i++)
		if (!check_one_uscc(o->args[i], o->json))
			all_valid = false;
	return all_valid ? EXIT_OK : EXIT_INVALID;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	const struct check_sub *s;

	memset(&o, 0, sizeof o);
	if (parse(argc, argv, &o) != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!o.sub) {
		usage(o.help ? stdout : stderr);
		return o.help ? EXIT_OK : EXIT_USAGE;
	}
	s = sub_find(o.sub);
	if (!s) {
		fprintf(stderr, PROG ": '%s' is not something check can check\n",
			cli_shown(o.sub));
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		sub_usage(s, stdout);
		return EXIT_OK;
	}
	return s->run(&o);
}
