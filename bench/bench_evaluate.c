/* bench_evaluate.c - applications per second: tokenize only, core alone,
 * end to end; and the peak memory of `yingcai evaluate` (bench/README.md).
 *
 *   bench_evaluate [options] FILE [SMALL_FILE]
 *
 * FILE holds applications as JSON Lines (bench/gen_apps).  In one process
 * and one run:
 *   1. tokenize only (the reference): stream FILE in 1 MiB reads, split the
 *      lines, run raw jsmn_parse (same build options as src/lib/json.c:
 *      strict, parent links) with one reused token array on each line; then
 *      the same with json_parse() (jsmn plus the strict checks of json.h);
 *   2. core alone: decode the first --sample applications of FILE once, then
 *      call evaluate_application() on them round robin (arena_reset between)
 *      for --core-seconds on this one thread;
 *   3. per-application cost of each in-process stage on the same sample
 *      (json_parse, appfile_decode, evaluate_application, and
 *      result_json_cached with a cache built once, as the CLI writes);
 *   4. end to end: run `yingcai evaluate --json FILE > /dev/null` as a child
 *      and read its wall time (CLOCK_MONOTONIC), CPU time and peak RSS
 *      (wait4): as users run it (a thread per processor), then with
 *      --jobs 1 (one thread); then the peak RSS on SMALL_FILE, to show
 *      memory does not grow with size.
 * Then a table with the rates, the ratios and PASS/MISS per target.
 *
 * Options: --policy DIR (default $YINGCAI_POLICY, else ./policy),
 * --yingcai PATH (default build/yingcai), --sample N (1000),
 * --core-seconds S (3), --core-iters N (a fixed count instead of a time),
 * --only tokenize|core|stages|e2e (one part, for profiling).
 * Exit status: 0 when the run worked (whatever the targets say), 1 when it
 * could not measure (unreadable file, an application that does not score).
 */
#define _DEFAULT_SOURCE /* wait4 */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/evaluate.h"
#include "format/appfile.h"
#include "format/result.h"
#include "lib/json.h"
#include "policy/load.h"

#define READ_CHUNK ((size_t)1 << 20)
#define LINE_CAP ((size_t)1 << 20)
#define RAW_TOKENS 8192u
#define CORE_TARGET 10e6      /* applications a second, one core */
#define E2E_TARGET 0.5        /* end to end / tokenize only */
#define RSS_TARGET_MB 20.0    /* peak RSS, MiB */
#define RESULT_CAP ((size_t)4 << 20)

/* ---- small helpers ------------------------------------------------------ */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* cpu_now: this thread's CPU time; with now() it shows whether the
 * machine was busy (a run that got less than a whole core). */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_sec(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* grouped: n with thousands separators, in buf. */
static const char *grouped(double v, char *buf, size_t cap)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%.0f", v < 0 ? 0 : v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

static volatile uint64_t sink; /* keeps results alive */

/* ---- streaming lines ----------------------------------------------------- */

struct lines {
	int fd;
	char *buf;
	size_t len, off;
	bool eof;
};

static int lines_open(struct lines *l, const char *path)
{
	memset(l, 0, sizeof *l);
	l->fd = open(path, O_RDONLY);
	if (l->fd < 0)
		return -1;
	l->buf = malloc(READ_CHUNK + LINE_CAP);
	if (!l->buf) {
		close(l->fd);
		return -1;
	}
	return 0;
}

static void lines_close(struct lines *l)
{
	free(l->buf);
	close(l->fd);
}

/* lines_next: the next non-empty line (without its newline); 0 at the end,
 * -1 on a read error or a line over LINE_CAP. */
static int lines_next(struct lines *l, const char **s, size_t *n)
{
	for (;;) {
		char *nl = l->off < l->len ? memchr(l->buf + l->off, '\n', l->len - l->off) : NULL;
		if (nl || (l->eof && l->off < l->len)) {
			size_t end = nl ? (size_t)(nl - l->buf) : l->len;
			*s = l->buf + l->off;
			*n = end - l->off;
			l->off = nl ? end + 1 : end;
			if (*n == 0)
				continue;
			return 1;
		}
		if (l->eof)
			return 0;
		memmove(l->buf, l->buf + l->off, l->len - l->off);
		l->len -= l->off;
		l->off = 0;
		if (l->len >= LINE_CAP)
			return -1;
		{
			ssize_t r = read(l->fd, l->buf + l->len, READ_CHUNK);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			if (r == 0)
				l->eof = true;
			l->len += (size_t)r;
		}
	}
}

/* ---- 1. tokenize only ------------------------------------------------------ */

enum tok_mode { TOK_SPLIT, TOK_RAW_JSMN, TOK_JSON_PARSE };

struct rate {
	uint64_t n;
	double secs, cpu; /* wall (CLOCK_MONOTONIC) and this thread's CPU time */
	bool ok;
};

static struct rate tokenize_pass(const char *path, enum tok_mode mode)
{
	static jsmntok_t toks[RAW_TOKENS];
	struct rate r = { 0, 0, 0, false };
	struct json_parser jp;
	struct lines l;
	const char *s;
	size_t n;
	uint64_t ntok = 0, bad = 0;
	double t0, c0;
	int rc;

	if (lines_open(&l, path) != 0) {
		fprintf(stderr, "bench_evaluate: %s: %s\n", path, strerror(errno));
		return r;
	}
	json_parser_init(&jp, 0);
	c0 = cpu_now();
	t0 = now();
	while ((rc = lines_next(&l, &s, &n)) > 0) {
		r.n++;
		if (mode == TOK_RAW_JSMN) {
			jsmn_parser p;
			int k;
			jsmn_init(&p);
			k = jsmn_parse(&p, s, n, toks, RAW_TOKENS);
			if (k < 0)
				bad++;
			else
				ntok += (uint64_t)k;
		} else if (mode == TOK_JSON_PARSE) {
			struct json_doc doc;
			struct json_error err;
			if (json_parse(&jp, s, n, &doc, &err) != JSON_OK)
				bad++;
			else
				ntok += doc.ntoks;
		} else {
			ntok += (unsigned char)s[0];
		}
	}
	r.secs = now() - t0;
	r.cpu = cpu_now() - c0;
	sink += ntok;
	json_parser_release(&jp);
	lines_close(&l);
	if (rc < 0)
		fprintf(stderr, "bench_evaluate: %s: read error or a line over %zu bytes\n", path,
			LINE_CAP);
	else if (bad)
		fprintf(stderr, "bench_evaluate: %s: %" PRIu64 " lines are not valid JSON\n", path,
			bad);
	r.ok = rc == 0 && bad == 0;
	return r;
}

/* ---- the sample -------------------------------------------------------------- */

struct sample {
	struct arena arena; /* every decoded application */
	struct application *apps;
	char **texts;       /* each line's text, for the per-stage timings */
	size_t *lens;
	size_t n;
};

static int sample_load(struct sample *sm, const char *path, size_t want)
{
	struct appfile_decoder dec;
	struct appfile_error err;
	struct lines l;
	const char *s;
	size_t n;
	int rc;

	arena_init(&sm->arena, 0);
	sm->apps = calloc(want, sizeof *sm->apps);
	sm->texts = calloc(want, sizeof *sm->texts);
	sm->lens = calloc(want, sizeof *sm->lens);
	sm->n = 0;
	if (!sm->apps || !sm->texts || !sm->lens || lines_open(&l, path) != 0) {
		fprintf(stderr, "bench_evaluate: %s: %s\n", path, strerror(errno));
		return -1;
	}
	appfile_decoder_init(&dec);
	while (sm->n < want && (rc = lines_next(&l, &s, &n)) > 0) {
		if (appfile_decode(&dec, s, n, (uint32_t)sm->n + 1, &sm->arena, &sm->apps[sm->n],
				   &err) != APPFILE_OK) {
			fprintf(stderr, "bench_evaluate: %s:%" PRIu32 ":%" PRIu32 ": %s%s%s\n", path,
				err.line, err.col, err.path, err.path[0] ? ": " : "", err.reason);
			appfile_decoder_release(&dec);
			lines_close(&l);
			return -1;
		}
		sm->texts[sm->n] = arena_strndup(&sm->arena, s, n);
		sm->lens[sm->n] = n;
		sm->n++;
	}
	appfile_decoder_release(&dec);
	lines_close(&l);
	if (sm->arena.failed || sm->n == 0) {
		fprintf(stderr, "bench_evaluate: %s: no applications decoded\n", path);
		return -1;
	}
	return 0;
}

static void sample_release(struct sample *sm)
{
	arena_release(&sm->arena);
	free(sm->apps);
	free(sm->texts);
	free(sm->lens);
}

/* ---- 2. core alone ------------------------------------------------------------- */

static uint64_t digest(const struct evaluation *ev)
{
	return (uint64_t)ev->scorecard.total + ev->passes + ev->checklist.nitems +
	       ev->advice.nitems + ev->eligibility.ncriteria;
}

/* check_sample: every sample application evaluates (a failure is a bench bug). */
static int check_sample(const struct policy_bundle *b, const struct sample *sm)
{
	struct arena a;
	int rc = 0;

	arena_init(&a, 0);
	for (size_t i = 0; i < sm->n; i++) {
		struct evaluation ev;
		struct core_error err = { 0 };
		arena_reset(&a);
		if (!evaluate_application(b, &sm->apps[i], NULL, &a, &ev, &err)) {
			fprintf(stderr, "bench_evaluate: sample application %zu: %s: %s\n", i + 1,
				err.path ? err.path : "", err.reason ? err.reason : "?");
			rc = -1;
			break;
		}
	}
	arena_release(&a);
	return rc;
}

static struct rate core_run(const struct policy_bundle *b, const struct sample *sm,
			    double seconds, uint64_t iters)
{
	struct rate r = { 0, 0, 0, true };
	struct arena a;
	uint64_t acc = 0;
	size_t i = 0;
	double t0, c0, stop;

	arena_init(&a, 0);
	/* warm up: caches, the arena's kept block, branch predictors */
	for (size_t k = 0; k < sm->n * 2; k++) {
		struct evaluation ev;
		struct core_error err = { 0 };
		arena_reset(&a);
		if (evaluate_application(b, &sm->apps[k % sm->n], NULL, &a, &ev, &err))
			acc += digest(&ev);
	}
	c0 = cpu_now();
	t0 = now();
	stop = t0 + seconds;
	for (;;) {
		for (unsigned k = 0; k < 256; k++) {
			struct evaluation ev;
			struct core_error err = { 0 };
			arena_reset(&a);
			if (!evaluate_application(b, &sm->apps[i], NULL, &a, &ev, &err))
				r.ok = false;
			acc += digest(&ev);
			if (++i == sm->n)
				i = 0;
		}
		r.n += 256;
		if (iters ? r.n >= iters : now() >= stop)
			break;
	}
	r.secs = now() - t0;
	r.cpu = cpu_now() - c0;
	sink += acc;
	arena_release(&a);
	return r;
}

/* ---- 3. per-stage cost on the sample ------------------------------------------ */

enum stage { ST_PARSE, ST_DECODE, ST_EVALUATE, ST_JSON_OUT, ST_N };
static const char *const stage_names[ST_N] = {
	"json_parse (jsmn + strict checks)",
	"appfile_decode (jd_decode_fast)",
	"evaluate_application (the core)",
	"result_json_cached (JSON out)",
};

/* stage_ns: nanoseconds per application of stage st, over >= secs. */
static double stage_ns(const struct policy_bundle *b, const struct sample *sm, enum stage st,
		       double secs, size_t *out_bytes)
{
	struct appfile_decoder dec;
	struct evaluation *evs = NULL;
	struct arena *evarenas = NULL;
	const struct result_json_cache *json = NULL;
	struct strbuf out;
	struct arena a;
	uint64_t n = 0, bytes = 0;
	double t0, t;

	appfile_decoder_init(&dec);
	arena_init(&a, 0);
	strbuf_init(&out, RESULT_CAP);
	if (st == ST_JSON_OUT) { /* evaluations computed beforehand, kept */
		/* the policy's strings as JSON once, as `yingcai evaluate --json` does */
		json = result_json_cache_build(b, &a);
		evs = calloc(sm->n, sizeof *evs);
		evarenas = calloc(sm->n, sizeof *evarenas);
		if (!evs || !evarenas) {
			free(evs);
			free(evarenas);
			return -1;
		}
		for (size_t i = 0; i < sm->n; i++) {
			struct core_error err = { 0 };
			arena_init(&evarenas[i], 0);
			evaluate_application(b, &sm->apps[i], NULL, &evarenas[i], &evs[i], &err);
		}
	}
	t0 = now();
	do {
		for (size_t i = 0; i < sm->n; i++) {
			struct json_doc doc;
			struct json_error jerr;
			struct application app;
			struct appfile_error aerr;
			struct evaluation ev;
			struct core_error err = { 0 };

			switch (st) {
			case ST_PARSE:
				if (json_parse(&dec.json, sm->texts[i], sm->lens[i], &doc, &jerr) == JSON_OK)
					sink += doc.ntoks;
				break;
			case ST_DECODE:
				arena_reset(&a);
				if (appfile_decode(&dec, sm->texts[i], sm->lens[i], 1, &a, &app, &aerr) ==
				    APPFILE_OK)
					sink += app.nexperts;
				break;
			case ST_EVALUATE:
				arena_reset(&a);
				if (evaluate_application(b, &sm->apps[i], NULL, &a, &ev, &err))
					sink += digest(&ev);
				break;
			case ST_JSON_OUT:
				strbuf_reset(&out);
				result_json_cached(&evs[i], json, &out);
				bytes += out.len;
				break;
			case ST_N:
				break;
			}
		}
		n += sm->n;
		t = now() - t0;
	} while (t < secs);
	if (out_bytes)
		*out_bytes = n ? (size_t)(bytes / n) : 0;
	if (evs) {
		for (size_t i = 0; i < sm->n; i++)
			arena_release(&evarenas[i]);
		free(evs);
		free(evarenas);
	}
	strbuf_release(&out);
	arena_release(&a);
	appfile_decoder_release(&dec);
	return t * 1e9 / (double)n;
}

/* ---- 4. end to end -------------------------------------------------------------- */

struct child_run {
	bool ok;
	int status;
	double wall, user, sys;
	long maxrss_kb;
};

/* run_child: `yingcai evaluate --json --jobs JOBS FILE`; jobs NULL: the
 * default (a thread per processor). */
static struct child_run run_child(const char *yingcai, const char *policy, const char *file,
		const char *jobs)
{
	struct child_run c = { false, -1, 0, 0, 0, 0 };
	struct rusage ru;
	FILE *errf = tmpfile();
	pid_t pid;
	int st;
	double t0 = now();

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("bench_evaluate: fork");
		return c;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		char *argv[] = { (char *)yingcai, "evaluate", "--json", "--policy", (char *)policy,
				 (char *)file, jobs ? "--jobs" : NULL, (char *)jobs, NULL };
		if (devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0)
			_exit(126);
		if (errf)
			dup2(fileno(errf), STDERR_FILENO);
		execv(yingcai, argv);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("bench_evaluate: wait4");
			return c;
		}
	}
	c.wall = now() - t0;
	c.user = tv_sec(ru.ru_utime);
	c.sys = tv_sec(ru.ru_stime);
	c.maxrss_kb = ru.ru_maxrss;
	c.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	c.ok = c.status == 0;
	if (!c.ok) {
		char line[512];
		int shown = 0;
		fprintf(stderr, "bench_evaluate: %s evaluate --json %s exited %d\n", yingcai, file,
			c.status);
		if (errf) {
			rewind(errf);
			while (shown++ < 5 && fgets(line, sizeof line, errf))
				fprintf(stderr, "  %s", line);
		}
	}
	if (errf)
		fclose(errf);
	return c;
}

/* ---- main --------------------------------------------------------------------- */

struct opts {
	const char *policy, *yingcai, *only, *file, *small;
	size_t sample;
	double core_seconds;
	uint64_t core_iters;
};

static void usage(void)
{
	fputs("usage: bench_evaluate [--policy DIR] [--yingcai PATH] [--sample N]\n"
	      "                      [--core-seconds S] [--core-iters N]\n"
	      "                      [--only tokenize|core|stages|e2e] FILE [SMALL_FILE]\n",
	      stderr);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	o->policy = getenv("YINGCAI_POLICY");
	if (!o->policy || !*o->policy)
		o->policy = "policy";
	o->yingcai = "build/yingcai";
	o->only = NULL;
	o->sample = 1000;
	o->core_seconds = 3;
	o->core_iters = 0;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		if (!v) {
			usage();
			return -1;
		}
		i++;
		if (strcmp(a, "--policy") == 0) {
			o->policy = v;
		} else if (strcmp(a, "--yingcai") == 0) {
			o->yingcai = v;
		} else if (strcmp(a, "--only") == 0) {
			o->only = v;
		} else if (strcmp(a, "--sample") == 0) {
			o->sample = (size_t)strtoul(v, &end, 10);
		} else if (strcmp(a, "--core-seconds") == 0) {
			o->core_seconds = strtod(v, &end);
		} else if (strcmp(a, "--core-iters") == 0) {
			o->core_iters = strtoull(v, &end, 10);
		} else {
			usage();
			return -1;
		}
		if (end && (*end || end == v)) {
			fprintf(stderr, "bench_evaluate: %s: bad value %s\n", a, v);
			return -1;
		}
	}
	if (i >= argc || argc - i > 2 || o->sample == 0) {
		usage();
		return -1;
	}
	o->file = argv[i];
	o->small = i + 1 < argc ? argv[i + 1] : NULL;
	return 0;
}

static bool want(const struct opts *o, const char *part)
{
	return !o->only || strcmp(o->only, part) == 0;
}

static void cpu_model(char *buf, size_t cap)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, cap, "unknown cpu");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, cap, "%s", colon);
			break;
		}
	}
	fclose(f);
}

static const char *verdict(bool pass)
{
	return pass ? "PASS" : "MISS";
}

/* loadavg: "1.02 0.87 0.55" from /proc/loadavg (other work on the machine). */
static void loadavg(char *buf, size_t cap)
{
	FILE *f = fopen("/proc/loadavg", "r");
	char *sp = NULL;

	snprintf(buf, cap, "?");
	if (!f)
		return;
	if (fgets(buf, (int)cap, f)) {
		for (int i = 0; i < 3; i++)
			sp = strchr(sp ? sp + 1 : buf, ' ');
		if (sp)
			*sp = '\0';
		buf[strcspn(buf, "\n")] = '\0';
	}
	fclose(f);
}

struct report {
	const struct opts *o;
	const char *cpu;
	double mb;
	off_t bytes;
	struct rate split, raw, jp, core;
	struct child_run big, one, small; /* default threads; --jobs 1; SMALL_FILE */
	double stage[ST_N];
	size_t out_bytes, nsample;
};

#define ROW_FMT "%-42s %13s %8s %7s %7s  %-20s %s\n"

/* row: one line of the table; a negative number leaves its cell empty. */
static void row(const char *what, const char *value, double mbps, double ratio, double oncpu,
		const char *target, const char *result)
{
	char m[16] = "", r[16] = "", c[16] = "";

	if (mbps >= 0)
		snprintf(m, sizeof m, "%.0f", mbps);
	if (ratio >= 0)
		snprintf(r, sizeof r, "%.2f", ratio);
	if (oncpu >= 0)
		snprintf(c, sizeof c, "%.0f%%", oncpu * 100);
	printf(ROW_FMT, what, value, m, r, c, target, result);
}

static void report(const struct report *p, const char *load0, const char *load1)
{
	char g[32], g2[32], res[96], label[64];
	double raw_rate = p->raw.n ? (double)p->raw.n / p->raw.secs : 0;
	uint64_t napps = p->split.n;

	printf("\nbench/evaluate: %s, one core per measurement\n", p->cpu);
	printf("file: %s, %.0f MB", p->o->file, p->mb);
	if (napps)
		printf(", %s applications of %.0f bytes on average",
		       grouped((double)napps, g, sizeof g), (double)p->bytes / (double)napps);
	printf("\nload average before / after: %s / %s\n\n", load0, load1);
	printf(ROW_FMT, "what", "apps/s", "MB/s", "ratio", "on-cpu", "target", "result");
	printf(ROW_FMT, "------------------------------------------", "-------------", "--------",
	       "-------", "-------", "--------------------", "------");
	if (p->split.n)
		row("read + split lines only", grouped((double)p->split.n / p->split.secs, g, sizeof g),
		    p->mb / p->split.secs, -1, p->split.cpu / p->split.secs, "", "");
	if (p->raw.n) {
		row("tokenize only: raw jsmn_parse (reference)", grouped(raw_rate, g, sizeof g),
		    p->mb / p->raw.secs, 1.0, p->raw.cpu / p->raw.secs, "", "");
		row("tokenize only: json_parse (strict)",
		    grouped((double)p->jp.n / p->jp.secs, g, sizeof g), p->mb / p->jp.secs,
		    ((double)p->jp.n / p->jp.secs) / raw_rate, p->jp.cpu / p->jp.secs, "", "");
	}
	if (p->core.n) {
		double rate = (double)p->core.n / p->core.secs;
		snprintf(g2, sizeof g2, ">= %s/s", grouped(CORE_TARGET, g, sizeof g));
		snprintf(res, sizeof res, "%s (%.4fx target, %.0f ns/app)",
			 verdict(rate >= CORE_TARGET && p->core.ok), rate / CORE_TARGET, 1e9 / rate);
		row("core alone: evaluate_application", grouped(rate, g, sizeof g), -1, -1,
		    p->core.cpu / p->core.secs, g2, res);
	}
	if (p->big.wall > 0) {
		const struct child_run *b = &p->big;
		double rate = napps ? (double)napps / b->wall : 0;
		bool have_ratio = napps && raw_rate > 0;

		snprintf(res, sizeof res, "%s", have_ratio
			 ? verdict(b->ok && rate / raw_rate >= E2E_TARGET)
			 : "(ratio needs the tokenize part)");
		snprintf(label, sizeof label, "end to end: evaluate --json, %ld threads",
			 sysconf(_SC_NPROCESSORS_ONLN));
		row(label, grouped(rate, g, sizeof g), p->mb / b->wall,
		    have_ratio ? rate / raw_rate : -1, (b->user + b->sys) / b->wall,
		    ">= 0.50 x raw jsmn", res);
	}
	if (p->one.wall > 0) {
		const struct child_run *b = &p->one;
		double rate = napps ? (double)napps / b->wall : 0;

		row("  the same, --jobs 1 (one thread)", grouped(rate, g, sizeof g),
		    p->mb / b->wall, napps && raw_rate > 0 ? rate / raw_rate : -1,
		    (b->user + b->sys) / b->wall, "", "");
	}
	if (p->big.wall > 0) {
		snprintf(g, sizeof g, "%.1f MB", (double)p->big.maxrss_kb / 1024.0);
		row("peak memory (RSS), this file", g, -1, -1, -1, "< 20 MB",
		    verdict(p->big.ok && (double)p->big.maxrss_kb / 1024.0 < RSS_TARGET_MB));
	}
	if (p->small.wall > 0) {
		const struct child_run *s = &p->small;
		struct stat ss;
		double smb = stat(p->o->small, &ss) == 0 ? (double)ss.st_size / 1048576.0 : 0;

		snprintf(label, sizeof label, "peak memory (RSS), the %.0f MB file", smb);
		snprintf(g, sizeof g, "%.1f MB", (double)s->maxrss_kb / 1024.0);
		snprintf(res, sizeof res, "%s (%+.1f MB for %.0fx the data)",
			 verdict(s->ok && p->big.ok &&
				 (double)s->maxrss_kb / 1024.0 < RSS_TARGET_MB &&
				 p->big.maxrss_kb - s->maxrss_kb < 1024),
			 (double)(p->big.maxrss_kb - s->maxrss_kb) / 1024.0,
			 smb > 0 ? p->mb / smb : 0);
		row(label, g, -1, -1, -1, "< 20 MB, flat", res);
	}
	printf("\nMB = 2^20 bytes; MB/s is input read; on-cpu = CPU time / wall time (below 100%%:\n"
	       "the machine was busy with other work and the rate is understated).\n");
	for (int k = 0; k < 2; k++) {
		const struct child_run *b = k == 0 ? &p->big : &p->one;
		double cpu = b->user + b->sys;

		if (b->wall <= 0)
			continue;
		printf("end to end%s: %.1f s wall, %.1f s user, %.1f s sys, exit %d",
		       k == 0 ? "" : " (--jobs 1)", b->wall, b->user, b->sys, b->status);
		if (napps && cpu > 0 && p->raw.n)
			printf("; per CPU second %s apps/s, %.2f x raw jsmn per CPU second",
			       grouped((double)napps / cpu, g, sizeof g),
			       ((double)napps / cpu) / ((double)p->raw.n / p->raw.cpu));
		printf("\n");
	}
	if (p->stage[ST_PARSE] > 0) {
		double total = p->stage[ST_DECODE] + p->stage[ST_EVALUATE] + p->stage[ST_JSON_OUT];
		printf("\nin process, per application (sample of %zu, one core):\n", p->nsample);
		for (int s = 0; s < ST_N; s++) {
			printf("  %-40s %9.0f ns", stage_names[s], p->stage[s]);
			if (s != ST_PARSE)
				printf("  %5.1f%%", 100.0 * p->stage[s] / total);
			else
				printf("  (decode's fallback)");
			if (s == ST_JSON_OUT)
				printf("  %zu bytes out", p->out_bytes);
			printf("\n");
		}
		printf("  %-40s %9.0f ns  = %s apps/s before I/O\n", "decode + evaluate + JSON out",
		       total, grouped(1e9 / total, g, sizeof g));
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct policy_bundle bundle;
	struct arena policy_arena;
	struct strbuf perr = STRBUF_INIT(1 << 20);
	struct sample sm = { 0 };
	struct stat st;
	struct rate split = { 0 }, raw = { 0 }, jp = { 0 }, core = { 0 };
	struct child_run big = { 0 }, one = { 0 }, small = { 0 };
	double stage[ST_N] = { 0 };
	size_t out_bytes = 0;
	char cpu[128], load0[64], load1[64];
	double mb;
	int status = 0;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	if (stat(o.file, &st) != 0) {
		fprintf(stderr, "bench_evaluate: %s: %s\n", o.file, strerror(errno));
		return 1;
	}
	arena_init(&policy_arena, 0);
	if (policy_load_dir(o.policy, &policy_arena, &bundle, &perr) != 0) {
		fprintf(stderr, "%sbench_evaluate: cannot load the policy under %s\n", perr.buf,
			o.policy);
		return 1;
	}
	strbuf_release(&perr);
	cpu_model(cpu, sizeof cpu);
	loadavg(load0, sizeof load0);
	mb = (double)st.st_size / 1048576.0;

	if (want(&o, "tokenize") || want(&o, "e2e")) { /* counts the applications too */
		split = tokenize_pass(o.file, TOK_SPLIT);
		if (!split.ok)
			return 1;
	}
	if (want(&o, "tokenize")) {
		raw = tokenize_pass(o.file, TOK_RAW_JSMN);
		jp = tokenize_pass(o.file, TOK_JSON_PARSE);
		if (!raw.ok || !jp.ok)
			return 1;
	}
	if (want(&o, "core") || want(&o, "stages")) {
		if (sample_load(&sm, o.file, o.sample) != 0 || check_sample(&bundle, &sm) != 0)
			return 1;
	}
	if (want(&o, "core"))
		core = core_run(&bundle, &sm, o.core_seconds, o.core_iters);
	if (want(&o, "stages"))
		for (int s = 0; s < ST_N; s++)
			stage[s] = stage_ns(&bundle, &sm, (enum stage)s, 0.5,
					    s == ST_JSON_OUT ? &out_bytes : NULL);
	if (want(&o, "e2e")) {
		big = run_child(o.yingcai, o.policy, o.file, NULL);
		one = run_child(o.yingcai, o.policy, o.file, "1");
		if (o.small)
			small = run_child(o.yingcai, o.policy, o.small, NULL);
		if (!big.ok || !one.ok || (o.small && !small.ok))
			status = 1;
	}

	/* ---- the report ---- */
	{
		struct report rp = { &o, cpu, mb, st.st_size, split, raw, jp, core, big, one, small,
				     { 0 }, out_bytes, sm.n };
		memcpy(rp.stage, stage, sizeof stage);
		loadavg(load1, sizeof load1);
		report(&rp, load0, load1);
	}
	if (core.n && (double)core.n / core.secs < CORE_TARGET)
		printf("\ncore below target; to see where the time goes (bench/README.md):\n"
		       "  build/bench/gen_apps 20000 > apps.jsonl\n"
		       "  valgrind --tool=callgrind --toggle-collect=evaluate_application \\\n"
		       "    build/bench/bench_evaluate --only core --core-iters 10000 apps.jsonl\n"
		       "  callgrind_annotate --inclusive=yes callgrind.out.*\n"
		       "  (or: perf record -e cpu-clock -g build/bench/bench_evaluate --only core "
		       "apps.jsonl)\n");
	if (sm.n)
		sample_release(&sm);
	arena_release(&policy_arena);
	return status;
}
