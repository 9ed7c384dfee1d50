/* cmd_evaluate.c - `yingcai evaluate [--json] [--edition E] [--policy DIR] FILE...`
 *
 * Streams each file (one object, several, or JSON Lines) through the
 * decoder, evaluates each application and prints one result per
 * application in order.  Memory stays flat whatever the file size: one
 * arena reset per application, one output buffer reused.  Results are
 * gathered in that buffer and written in blocks of OUT_FLUSH bytes (one
 * write(2) for some 20 results instead of one each) when the input is a
 * file, or one by one to a terminal or from a pipe; pending results are written before any message on stderr, so
 * the two streams stay in order.  An invalid
 * application is reported on stderr as `file:line:column: path: reason`
 * and the others are still scored (exit 1 at the end).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/evaluate.h"
#include "format/appfile.h"
#include "format/result.h"

#define RESULT_MAX ((size_t)4 << 20) /* one result; real ones are ~13 KB */
#define OUT_FLUSH ((size_t)256 << 10) /* write the results gathered from this size on */

struct options {
	bool json, color;
	bool tty; /* stdout is a terminal: each result as soon as it is ready */
	const char *edition, *policy;
};

struct run {
	struct options opt;
	struct policy_bundle bundle;
	const struct result_json_cache *json; /* the policy's strings as JSON, or NULL */
	struct appfile_decoder dec;
	struct arena app_arena;
	struct strbuf out, err; /* out: results not yet written */
	bool batch; /* the input is a regular file: results may wait for a block */
	size_t count;
	int status;
};

static void usage(FILE *to)
{
	fputs("usage: yingcai evaluate [--json] [--edition E] [--policy DIR] FILE...\n"
	      "\n"
	      "Scores application files (yingcai-application/1). FILE may be '-' for\n"
	      "standard input; a file may hold one application, several, or JSON Lines.\n"
	      "\n"
	      "  --json         one JSON object per application, one per line\n"
	      "  --edition E    use policy edition E instead of the one in force on the\n"
	      "                 application date\n"
	      "  --policy DIR   policy directory (default: $YINGCAI_POLICY or ./policy)\n"
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

static void report_core_error(struct run *r, const char *name, const struct core_error *e)
{
	flush_out(r, r->out.len);
	strbuf_reset(&r->err);
	strbuf_addf(&r->err, "%s:%u:%u: %s%s%s\n", name, e->pos.line, e->pos.col,
		    e->path ? e->path : "", e->path && *e->path ? ": " : "", e->reason);
	fputs(r->err.buf, stderr);
	r->status = EXIT_INVALID;
}

static void report_appfile_error(struct run *r, const char *name, const struct appfile_error *e)
{
	flush_out(r, r->out.len);
	strbuf_reset(&r->err);
	appfile_error_format(e, name, &r->err);
	strbuf_addch(&r->err, '\n');
	fputs(r->err.buf, stderr);
	r->status = EXIT_INVALID;
}

/* print_result: append ev's result to r->out; write them out when enough
 * are gathered.  r->out's cap is OUT_FLUSH + RESULT_MAX, so a result only
 * fails to fit (latching `failed`) when it is itself too large. */
static void print_result(struct run *r, const struct evaluation *ev, const char *name)
{
	size_t start = r->out.len;

	if (r->opt.json) {
		result_json_cached(ev, r->json, &r->out);
		strbuf_addch(&r->out, '\n');
	} else {
		if (r->count > 1)
			strbuf_addch(&r->out, '\n');
		result_text(ev, name, r->opt.color, &r->out);
	}
	if (r->out.failed || r->out.len - start > RESULT_MAX) {
		flush_out(r, start); /* the results before it are whole */
		fprintf(stderr, "%s: result too large to print\n", name);
		r->status = EXIT_INVALID;
		return;
	}
	if (r->out.len >= OUT_FLUSH || r->opt.tty || !r->batch)
		flush_out(r, r->out.len);
}

static void evaluate_stream(struct run *r, FILE *f, const char *name)
{
	struct appfile_stream s;
	struct application app;
	struct appfile_error aerr;
	enum appfile_next next;

	size_t seen = 0;

	appfile_stream_init(&s, f, 0);
	for (;;) {
		struct evaluation ev;
		struct core_error cerr = {0};

		arena_reset(&r->app_arena);
		next = appfile_stream_read(&s, &r->dec, &r->app_arena, &app, &aerr);
		if (next == APPFILE_END)
			break;
		seen++;
		if (next == APPFILE_BAD) {
			report_appfile_error(r, name, &aerr);
			continue;
		}
		r->count++;
		if (!evaluate_application(&r->bundle, &app, r->opt.edition, &r->app_arena,
					  &ev, &cerr)) {
			report_core_error(r, name, &cerr);
			continue;
		}
		print_result(r, &ev, name);
	}
	appfile_stream_release(&s);
	if (seen == 0) {
		flush_out(r, r->out.len);
		fprintf(stderr, "%s:1:1: the file holds no application (expected a JSON object, "
			"several, or JSON Lines)\n", name);
		r->status = EXIT_INVALID;
	}
}

static int evaluate_file(struct run *r, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = f == stdin ? "<stdin>" : path;
	struct stat st;

	if (!f) {
		flush_out(r, r->out.len);
		fprintf(stderr, "yingcai evaluate: %s: %s\n", path, strerror(errno));
		r->status = EXIT_INVALID;
		return -1;
	}
	/* A program feeding applications through a pipe one at a time waits
	 * for each answer: results wait for a block only when the input is a
	 * file, which is read to its end without waiting. */
	r->batch = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
	evaluate_stream(r, f, name);
	if (f != stdin)
		fclose(f);
	return 0;
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
		} else if (strcmp(a, "--edition") == 0 || strcmp(a, "--policy") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "yingcai evaluate: %s needs a value\n", a);
				return -1;
			}
			*(a[2] == 'e' ? &opt->edition : &opt->policy) = argv[++i];
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return -2;
		} else {
			fprintf(stderr, "yingcai evaluate: unknown option %s\n", a);
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
	r.json = r.opt.json ? result_json_cache_build(&r.bundle, &policy_arena) : NULL;
	appfile_decoder_init(&r.dec);
	arena_init(&r.app_arena, (size_t)64 << 20);
	strbuf_init(&r.out, OUT_FLUSH + RESULT_MAX);
	strbuf_init(&r.err, 4096);
	for (int i = 0; i < nfiles; i++)
		evaluate_file(&r, files[i]);
	flush_out(&r, r.out.len);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "yingcai evaluate: writing the results failed: %s\n", strerror(errno));
		r.status = EXIT_INVALID;
	}
	strbuf_release(&r.out);
	strbuf_release(&r.err);
	arena_release(&r.app_arena);
	appfile_decoder_release(&r.dec);
	arena_release(&policy_arena);
	free(files);
	return r.status;
}
