/* cmd_evaluate.c - `yingcai evaluate [--json] [--jobs N] [--edition E] [--policy DIR] FILE...`
 *
 * Streams each file (one object, several, or JSON Lines) through the
 * decoder, evaluates each application and prints one result per
 * application in order.  Memory stays flat whatever the file size: one
 * arena reset per application, one output buffer reused.  Results are
 * gathered in that buffer and written in blocks of OUT_FLUSH bytes (one
 * write(2) for some 20 results instead of one each) when the input is a
 * file, or one by one to a terminal or from a pipe; pending results are
 * written before any message on stderr, so the two streams stay in order.
 * A regular file is scored on --jobs threads (evaluate_jobs.c) with the
 * same output; a pipe on this one, since a program feeding it one
 * application at a time waits for each answer.  An invalid application is
 * reported on stderr as `file:line:column: path: reason` and the others are
 * still scored (exit 1 at the end).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/evaluate.h"
#include "evaluate.h"
#include "format/appfile.h"
#include "format/result.h"

#define OUT_FLUSH ((size_t)256 << 10) /* write the results gathered from this size on */

struct options {
	bool json, color;
	bool tty; /* stdout is a terminal: each result as soon as it is ready */
	unsigned jobs; /* threads scoring a regular file; 1: this one */
	const char *edition, *policy;
};

struct run {
	struct options opt;
	struct policy_bundle bundle;
	struct evaluate_ctx ctx;
	struct evaluate_jobs *jobs; /* the worker threads, or NULL: one thread */
	struct appfile_decoder dec;
	struct arena app_arena, eval_arena;
	struct strbuf out, err; /* out: results not yet written; err: a message */
	struct arena *names;    /* the files' names as messages show them, for the run */
	size_t count;
	int status;
};

static void usage(FILE *to)
{
	fputs("usage: yingcai evaluate [--json] [--jobs N] [--edition E] [--policy DIR] FILE...\n"
	      "\n"
	      "Scores application files (yingcai-application/1). FILE may be '-' for\n"
	      "standard input; a file may hold one application, several, or JSON Lines.\n"
	      "\n"
	      "  --json         one JSON object per application, one per line\n"
	      "  --jobs N       score a file's applications on N threads (1 to 64;\n"
	      "                 default: the number of processors); the output is the\n"
	      "                 same, in the same order\n"
	      "  --edition E    use policy edition E instead of the one in force on the\n"
	      "                 application date\n"
	      "  --policy DIR   policy directory (default: $YINGCAI_POLICY, then the\n"
	      "                 policy/ directory beside the build, else the installed one)\n"
	      "  --color        colour the text scorecard (default: when stdout is a terminal)\n"
	      "  --no-color     never colour\n"
	      "\n"
	      "Exit status: 0 scored, 1 an input was invalid, 2 usage error.\n", to);
}

/* flush_out: write the results gathered in r->out[0..len) and empty it.
 * Errors latch in stdout's error flag, checked once at the end. */
static void flush_out(struct run *r, size_t len)
{
	if (len) {
		fwrite(r->out.buf, 1, len, stdout);
		fflush(stdout); /* nothing left in stdio's buffer behind a message */
	}
	strbuf_reset(&r->out);
}

/* write_err: r->err on stderr, after the results before it. */
static void write_err(struct run *r)
{
	flush_out(r, r->out.len);
	fputs(r->err.buf, stderr);
	strbuf_reset(&r->err);
	r->status = EXIT_INVALID;
}

bool evaluate_one(const struct evaluate_ctx *c, const struct application *app, size_t count,
		  const char *name, struct arena *a, struct strbuf *out, struct strbuf *msg)
{
	struct evaluation ev, best;
	struct core_error e = {0};
	size_t start = out->len;

	arena_reset(a);
	if (!evaluate_application(c->bundle, app, c->edition, a, &ev, &e)) {
		strbuf_addf(msg, "%s:%u:%u: %s%s%s\n", name, e.pos.line, e.pos.col,
			    e.path ? e.path : "", e.path && *e.path ? ": " : "", e.reason);
		return false;
	}
	if (evaluation_full_marks(c->bundle, &ev, a, &best))
		ev.full_marks = &best;
	if (c->json_out) {
		result_json_cached(&ev, c->json, out);
		strbuf_addch(out, '\n');
	} else {
		if (count > 1)
			strbuf_addch(out, '\n');
		result_text(&ev, name, c->color, out);
	}
	if (out->failed || out->len - start > EVALUATE_RESULT_MAX) {
		strbuf_setlen(out, start);
		out->failed = false;
		strbuf_addf(msg, "%s: result too large to print\n", name);
		return false;
	}
	return true;
}

/* evaluate_stream: f's applications scored on this thread.  r->out's cap
 * is OUT_FLUSH + EVALUATE_RESULT_MAX, so a result always fits. */
static size_t evaluate_stream(struct run *r, FILE *f, const char *name, bool batch)
{
	struct appfile_stream s;
	struct application app;
	struct appfile_error aerr;
	enum appfile_next next;
	size_t seen = 0;

	appfile_stream_init(&s, f, 0);
	for (;;) {
		arena_reset(&r->app_arena); /* the application; the evaluation has its own */
		next = appfile_stream_read(&s, &r->dec, &r->app_arena, &app, &aerr);
		if (next == APPFILE_END)
			break;
		seen++;
		if (next == APPFILE_BAD) {
			appfile_error_format(&aerr, name, &r->err);
			strbuf_addch(&r->err, '\n');
			write_err(r);
			continue;
		}
		if (!evaluate_one(&r->ctx, &app, ++r->count, name, &r->eval_arena, &r->out,
				  &r->err)) {
			write_err(r);
			continue;
		}
		if (r->out.len >= OUT_FLUSH || r->opt.tty || !batch)
			flush_out(r, r->out.len);
	}
	appfile_stream_release(&s);
	return seen;
}

/* settle: everything scored so far written out, whichever way it went. */
static void settle(struct run *r)
{
	if (r->jobs && evaluate_jobs_flush(r->jobs))
		r->status = EXIT_INVALID;
	flush_out(r, r->out.len);
}

static int evaluate_file(struct run *r, const char *path)
{
	FILE *f;
	const char *name;
	struct stat st;
	bool batch, known;
	size_t seen;

	if (!*path) {
		settle(r);
		fputs("yingcai evaluate: '' (an empty argument) is not a file name: give an "
		      "application file, or - for standard input\n", stderr);
		r->status = EXIT_INVALID;
		return -1;
	}
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	/* The name in every message and in the text scorecard: what was typed,
	 * with no control character or stray byte reaching the terminal. */
	name = f == stdin ? "<stdin>" : arena_strdup(r->names, cli_shown(path));
	if (!name)
		name = "<file>"; /* the arena is exhausted: a name still goes out */
	if (!f) {
		int e = errno;

		settle(r);
		fprintf(stderr, "yingcai evaluate: %s: %s\n", name, strerror(e));
		r->status = EXIT_INVALID;
		return -1;
	}
	/* A program feeding applications through a pipe one at a time waits
	 * for each answer: results wait for a block, and go to the worker
	 * threads, only when the input is a file, read to its end without
	 * waiting. */
	known = fstat(fileno(f), &st) == 0;
	batch = known && S_ISREG(st.st_mode);
	if (known && S_ISDIR(st.st_mode)) {
		if (f != stdin)
			fclose(f);
		settle(r);
		if (f == stdin)
			fputs("yingcai evaluate: standard input is a directory; give the "
			      "application files in it instead of -\n", stderr);
		else
			fprintf(stderr, "yingcai evaluate: %s: is a directory; give the "
				"application files in it (for example %s/*.json)\n", name, name);
		r->status = EXIT_INVALID;
		return -1;
	}
	if (batch && !r->opt.tty && r->opt.jobs > 1 && !r->jobs) {
		r->jobs = evaluate_jobs_start(&r->ctx, r->opt.jobs);
		r->opt.jobs = r->jobs ? r->opt.jobs : 1; /* no threads to be had: this one */
	}
	if (batch && r->jobs && !r->opt.tty) {
		flush_out(r, r->out.len);
		seen = evaluate_jobs_file(r->jobs, f, name, &r->count);
	} else {
		settle(r);
		seen = evaluate_stream(r, f, name, batch);
	}
	if (seen == 0) {
		settle(r);
		fprintf(stderr, "%s:1:1: the file holds no application (expected a JSON object, "
			"several, or JSON Lines)\n", name);
		r->status = EXIT_INVALID;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* default_jobs: one thread per processor, within EVALUATE_JOBS_MAX. */
static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > (long)EVALUATE_JOBS_MAX ? EVALUATE_JOBS_MAX : (unsigned)n;
}

/* parse_jobs: --jobs's value, 1..EVALUATE_JOBS_MAX; 0 when it is not one. */
static unsigned parse_jobs(const char *v)
{
	char *end;
	unsigned long n;

	if (*v < '0' || *v > '9')
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	return errno || *end || n < 1 || n > EVALUATE_JOBS_MAX ? 0 : (unsigned)n;
}

/* option_named: a is option `name`, as "--name" or "--name=VALUE". */
static bool option_named(const char *a, const char *name)
{
	size_t n = strlen(name);

	return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

/* option_value: the value of the option at argv[*i]: after its '=', or the
 * next argument (then *i moves past it); NULL when there is none. */
static const char *option_value(int argc, char **argv, int *i)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* edition_known: some programme of b has edition e; else a usage error
 * that lists the editions there are (a typo in --edition is the command
 * line's mistake, not each application's). */
static bool edition_known(const struct policy_bundle *b, const char *e)
{
	for (size_t i = 0; i < b->nprogrammes; i++)
		if (strcmp(b->programmes[i].edition, e) == 0)
			return true;
	fprintf(stderr, "yingcai evaluate: --edition %s: no programme has an edition \"%s\"; "
		"the editions are:", cli_shown(e), cli_shown(e));
	for (size_t i = 0; i < b->nprogrammes; i++)
		fprintf(stderr, "%s %s %s", i ? "," : "", b->programmes[i].programme,
			b->programmes[i].edition);
	fputs(" (leave --edition out to use the edition in force on each application's date)\n",
	      stderr);
	return false;
}

/* parse_options: fills opt and files (options may come before or after
 * the files; "--" ends options).  Returns the number of files, -1 on a
 * usage error, -2 after --help. */
static int parse_options(int argc, char **argv, struct options *opt, char **files)
{
	int nfiles = 0;
	bool only_files = false;

	opt->tty = isatty(STDOUT_FILENO);
	opt->color = opt->tty;
	opt->jobs = default_jobs();
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			files[nfiles++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_files = true;
		} else if (strcmp(a, "--json") == 0) {
			opt->json = true;
		} else if (strcmp(a, "--color") == 0) {
			opt->color = true;
		} else if (strcmp(a, "--no-color") == 0) {
			opt->color = false;
		} else if (option_named(a, "--jobs")) {
			const char *v = option_value(argc, argv, &i);
			if (!v || !(opt->jobs = parse_jobs(v))) {
				fprintf(stderr, "yingcai evaluate: --jobs needs a number of threads "
					"from 1 to %u\n", EVALUATE_JOBS_MAX);
				return -1;
			}
		} else if (option_named(a, "--edition") || option_named(a, "--policy")) {
			const char *v = option_value(argc, argv, &i);
			if (!v || !*v) {
				fprintf(stderr, "yingcai evaluate: %s needs a value\n",
					a[2] == 'e' ? "--edition" : "--policy");
				return -1;
			}
			*(a[2] == 'e' ? &opt->edition : &opt->policy) = v;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return -2;
		} else {
			fprintf(stderr, "yingcai evaluate: unknown option %s\n", cli_shown(a));
			return -1;
		}
	}
	return nfiles;
}

int cmd_evaluate(int argc, char **argv)
{
	struct run r = {0};
	struct arena policy_arena;
	char **files = calloc((size_t)argc + 1, sizeof *files);
	int nfiles = files ? parse_options(argc, argv, &r.opt, files) : -1;

	if (nfiles == -2) {
		free(files);
		return EXIT_OK;
	}
	if (nfiles <= 0) {
		if (nfiles == 0)
			fputs("yingcai evaluate: no application file given\n", stderr);
		usage(stderr);
		free(files);
		return EXIT_USAGE;
	}
	arena_init(&policy_arena, 0);
	if (cli_load_policy(r.opt.policy, &policy_arena, &r.bundle) != 0) {
		arena_release(&policy_arena);
		free(files);
		return EXIT_INVALID;
	}
	if (r.opt.edition && !edition_known(&r.bundle, r.opt.edition)) {
		arena_release(&policy_arena);
		free(files);
		return EXIT_USAGE;
	}
	r.ctx = (struct evaluate_ctx){
		.bundle = &r.bundle,
		.json = r.opt.json ? result_json_cache_build(&r.bundle, &policy_arena) : NULL,
		.edition = r.opt.edition,
		.json_out = r.opt.json,
		.color = r.opt.color,
	};
	appfile_decoder_init(&r.dec);
	arena_init(&r.app_arena, (size_t)64 << 20);
	arena_init(&r.eval_arena, (size_t)64 << 20);
	strbuf_init(&r.out, OUT_FLUSH + EVALUATE_RESULT_MAX);
	strbuf_init(&r.err, 16384);
	r.names = &policy_arena;
	for (int i = 0; i < nfiles; i++)
		evaluate_file(&r, files[i]);
	settle(&r);
	if (r.jobs && evaluate_jobs_stop(r.jobs))
		r.status = EXIT_INVALID;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "yingcai evaluate: writing the results failed: %s\n", strerror(errno));
		r.status = EXIT_INVALID;
		clearerr(stdout); /* said once: main() need not say it again */
	}
	strbuf_release(&r.out);
	strbuf_release(&r.err);
	arena_release(&r.app_arena);
	arena_release(&r.eval_arena);
	appfile_decoder_release(&r.dec);
	arena_release(&policy_arena);
	free(files);
	return r.status;
}
