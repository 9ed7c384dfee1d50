/* cmd_calendar.c - `yingcai calendar`: working days and calendar months.
 *
 *   yingcai calendar add-working-days DATE N   the N-th working day after DATE
 *   yingcai calendar is-working-day DATE       yes or no
 *   yingcai calendar add-months DATE N         the same day N months later
 *
 * Options anywhere: --policy DIR, --json, --help.  The working-day questions
 * need the calendar data (policy/calendar/); add-months is pure arithmetic.
 * Exit status: 0 answered, 1 an input was invalid or not covered, 2 usage.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/calendar.h"
#include "core/date.h"
#include "core/policy.h"
#include "lib/arena.h"

#define PROG "yingcai calendar"
#define MAX_ARGS 2

struct cal_opts {
	const char *policy; /* --policy DIR, or NULL */
	bool json;
	bool help;
	const char *sub;    /* the subcommand's name */
	char *args[MAX_ARGS];
	int nargs;
	date_t day;         /* args[0], parsed */
	long long n;        /* args[1], parsed when the command takes N */
};

struct cal_sub {
	const char *name;
	const char *synopsis;
	int nargs;
	int (*run)(const struct cal_opts *o);
	const char *help;
};

static int run_add_working_days(const struct cal_opts *o);
static int run_is_working_day(const struct cal_opts *o);
static int run_add_months(const struct cal_opts *o);

static const struct cal_sub subs[] = {
	{"add-working-days", "DATE N", 2, run_add_working_days,
	 "Prints the date N working days after DATE (N >= 0).  Counting starts\n"
	 "from the first working day after DATE: 1 gives the first working day\n"
	 "strictly after DATE, 0 gives DATE itself.  Weekends are off except the\n"
	 "adjusted working days; public holidays are off (State Council notices).\n"},
	{"is-working-day", "DATE", 1, run_is_working_day,
	 "Prints yes when DATE is a working day, no otherwise.\n"},
	{"add-months", "DATE N", 2, run_add_months,
	 "Prints the same day N calendar months later (N may be negative); the\n"
	 "last day of the month when that day does not exist (01-31 + 1 month is\n"
	 "02-28, or 02-29 in a leap year).  Needs no calendar data.\n"},
};

#define NSUBS (sizeof subs / sizeof subs[0])

static const char options_help[] =
	"options:\n"
	"  --policy DIR  the policy directory (default: $YINGCAI_POLICY, then the\n"
	"                policy/ directory beside the build, else the installed one)\n"
	"  --json        print a JSON object: {\"date\":\"YYYY-MM-DD\"}, with\n"
	"                \"working_day\":true|false for is-working-day\n"
	"  --help        this text\n";

static void usage(FILE *to)
{
	fputs("usage: " PROG " <command> [--policy DIR] [--json] ARGS\n\ncommands:\n", to);
	for (size_t i = 0; i < NSUBS; i++)
		fprintf(to, "  %s %s\n", subs[i].name, subs[i].synopsis);
	fputs("\n", to);
	fputs(options_help, to);
	fputs("\nDates are YYYY-MM-DD.  For the working-day commands a date outside the\n"
	      "years the calendar data covers is an error, never a guess; add-months\n"
	      "answers for any date from 0001-01-01 to 9999-12-31.  Exit status: 0\n"
	      "answered, 1 a DATE or N was invalid or not covered, 2 usage error.\n", to);
}

static void sub_usage(const struct cal_sub *s, FILE *to)
{
	fprintf(to, "usage: " PROG " %s [--policy DIR] [--json] %s\n\n%s\n%s", s->name,
		s->synopsis, s->help, options_help);
}

static const struct cal_sub *sub_find(const char *name)
{
	for (size_t i = 0; i < NSUBS; i++)
		if (strcmp(subs[i].name, name) == 0)
			return &subs[i];
	return NULL;
}

/* looks_negative: "-3" is an argument (add-months N), not an option. */
static bool looks_negative(const char *a)
{
	return a[0] == '-' && a[1] >= '0' && a[1] <= '9';
}

static int add_positional(struct cal_opts *o, char *a)
{
	if (!o->sub) {
		o->sub = a;
		return 0;
	}
	if (o->nargs == MAX_ARGS) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", cli_shown(a));
		return -1;
	}
	o->args[o->nargs++] = a;
	return 0;
}

/* parse: options anywhere; -1 on a usage error (already reported). */
static int parse(int argc, char **argv, struct cal_opts *o)
{
	bool dashdash = false;

	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0' || looks_negative(a)) {
			if (add_positional(o, a))
				return -1;
		} else if (strcmp(a, "--") == 0) {
			dashdash = true;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = true;
		} else if (strcmp(a, "--policy") == 0) {
			if (i + 1 == argc) {
				fputs(PROG ": --policy needs a directory\n", stderr);
				return -1;
			}
			o->policy = argv[++i];
		} else if (strncmp(a, "--policy=", 9) == 0) {
			o->policy = a + 9;
		} else {
			fprintf(stderr, PROG ": unknown option '%s'\n", cli_shown(a));
			return -1;
		}
	}
	return 0;
}

/* parse_date: a date that exists; the message says why one does not
 * (as the application reader does: "February 2025 has 28 days"), or how
 * to write one typed another way. */
static bool parse_date(const char *s, date_t *out)
{
	char why[DATE_WHY_MAX], meant[DATE_FMT_MAX];
	size_t n = strlen(s);

	if (date_parse(s, n, out))
		return true;
	if (date_why_not(s, n, true, why, sizeof why))
		fprintf(stderr, PROG ": DATE: '%s' is not a date: %s\n", cli_shown(s), why);
	else if (date_as_meant(s, n, meant))
		fprintf(stderr, PROG ": DATE: '%s' is not a date in the form YYYY-MM-DD: "
			"write %s\n", cli_shown(s), meant);
	else
		fprintf(stderr, PROG ": DATE: '%s' is not a date (expected YYYY-MM-DD)\n",
			cli_shown(s));
	return false;
}

#define N_DIGITS_MAX 15 /* beyond every date range: the commands say so */

/* parse_n: a whole number, optionally signed, of at most N_DIGITS_MAX
 * digits (a larger one is out of every range anyway). */
static bool parse_n(const char *s, long long *out)
{
	long long v = 0;
	size_t i = s[0] == '-' || s[0] == '+', digits = 0;

	if (s[i] == '\0')
		goto bad;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		if (v == 0 && s[i] == '0')
			continue; /* leading zeros */
		if (++digits > N_DIGITS_MAX) {
			fprintf(stderr, PROG ": N: '%s' is too large: at most %d digits\n",
				cli_shown(s), N_DIGITS_MAX);
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = s[0] == '-' ? -v : v;
	return true;
bad:
	fprintf(stderr, PROG ": N: '%s' is not a whole number (write it in digits, "
		"e.g. 5)\n", cli_shown(s));
	return false;
}

/* coverage: "2025-2026", "2025, 2027-2028" or "none" for messages. */
static const char *coverage(const struct calendar *cal, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (cal->nyears == 0)
		return "none";
	for (size_t i = 0; i < cal->nyears && len < size; i++) {
		size_t j = i;
		int n;

		while (j + 1 < cal->nyears && cal->years[j + 1].year == cal->years[j].year + 1)
			j++;
		if (j == i)
			n = snprintf(buf + len, size - len, "%s%d", len ? ", " : "",
				     cal->years[i].year);
		else
			n = snprintf(buf + len, size - len, "%s%d-%d", len ? ", " : "",
				     cal->years[i].year, cal->years[j].year);
		if (n < 0)
			break;
		len += (size_t)n;
		i = j;
	}
	return buf;
}

static void report_out_of_range(const struct calendar *cal, date_t day, const char *context)
{
	char d[DATE_FMT_MAX], years[128];

	fprintf(stderr, PROG ": %s%s%s outside the calendar data (%s): no notice published "
		"for that year\n", context, date_format(day, d), *context ? ", which is" : " is",
		coverage(cal, years, sizeof years));
}

static void print_date(const struct cal_opts *o, date_t day)
{
	char d[DATE_FMT_MAX];

	if (o->json)
		printf("{\"date\":\"%s\"}\n", date_format(day, d));
	else
		printf("%s\n", date_format(day, d));
}

/* with_calendar: load the policy bundle and run fn on its calendar. */
static int with_calendar(const struct cal_opts *o,
			 int (*fn)(const struct cal_opts *, const struct calendar *))
{
	struct arena a;
	struct policy_bundle bundle;
	int rc;

	memset(&bundle, 0, sizeof bundle);
	arena_init(&a, 0);
	if (cli_load_policy(o->policy, &a, &bundle) != 0)
		rc = EXIT_INVALID;
	else
		rc = fn(o, &bundle.calendar);
	arena_release(&a);
	return rc;
}

static int add_working_days(const struct cal_opts *o, const struct calendar *cal)
{
	date_t out;
	char ctx[96], d[DATE_FMT_MAX];

	/* Past INT_MAX the count leaves every calendar's years all the same. */
	switch (calendar_add_working_days(cal, o->day, o->n > INT_MAX ? INT_MAX : (int)o->n,
					  &out)) {
	case CAL_OK:
		print_date(o, out);
		return EXIT_OK;
	case CAL_OUT_OF_RANGE:
		ctx[0] = '\0';
		if (out != o->day)
			snprintf(ctx, sizeof ctx, "counting %lld working day%s after %s reaches ",
				 o->n, o->n == 1 ? "" : "s", date_format(o->day, d));
		report_out_of_range(cal, out, ctx);
		return EXIT_INVALID;
	case CAL_BAD_ARGUMENT:
		break;
	}
	fprintf(stderr, PROG ": %s\n", calendar_rc_message(CAL_BAD_ARGUMENT));
	return EXIT_INVALID;
}

static int is_working_day(const struct cal_opts *o, const struct calendar *cal)
{
	bool yes;
	char d[DATE_FMT_MAX];

	if (calendar_is_working_day(cal, o->day, &yes) != CAL_OK) {
		report_out_of_range(cal, o->day, "");
		return EXIT_INVALID;
	}
	if (o->json)
		printf("{\"date\":\"%s\",\"working_day\":%s}\n", date_format(o->day, d),
		       yes ? "true" : "false");
	else
		puts(yes ? "yes" : "no");
	return EXIT_OK;
}

static int run_add_working_days(const struct cal_opts *o)
{
	if (o->n < 0) {
		fprintf(stderr, PROG ": N: %lld is negative: add-working-days counts forward "
			"(N >= 0)\n", o->n);
		return EXIT_INVALID;
	}
	return with_calendar(o, add_working_days);
}

static int run_is_working_day(const struct cal_opts *o)
{
	return with_calendar(o, is_working_day);
}

static int run_add_months(const struct cal_opts *o)
{
	long long n = o->n, mo = (long long)month_of(o->day) + n;
	char d[DATE_FMT_MAX];

	if (mo < month_from_ym(1, 1) || mo > month_from_ym(9999, 12)) {
		fprintf(stderr, PROG ": %s %c %lld month%s is %s: dates run from 0001-01-01 "
			"to 9999-12-31\n", date_format(o->day, d), n < 0 ? '-' : '+',
			n < 0 ? -n : n, n == 1 || n == -1 ? "" : "s",
			n < 0 ? "before 0001-01-01" : "after 9999-12-31");
		return EXIT_INVALID;
	}
	print_date(o, date_add_months(o->day, (int)n)); /* |n| < 120000 here */
	return EXIT_OK;
}

int cmd_calendar(int argc, char **argv)
{
	struct cal_opts o;
	const struct cal_sub *s;

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
		fprintf(stderr, PROG ": '%s' is not a calendar command\n", cli_shown(o.sub));
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		sub_usage(s, stdout);
		return EXIT_OK;
	}
	if (o.nargs != s->nargs) {
		fprintf(stderr, PROG " %s: expected %s\n", s->name, s->synopsis);
		sub_usage(s, stderr);
		return EXIT_USAGE;
	}
	/* Judge the arguments before loading the data, so a typo is reported
	 * even when the policy directory is broken. */
	if (!parse_date(o.args[0], &o.day) || (s->nargs == 2 && !parse_n(o.args[1], &o.n)))
		return EXIT_INVALID;
	return s->run(&o);
}
