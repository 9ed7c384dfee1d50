/* evaluate.h - `yingcai evaluate`: scoring one application, and scoring a
 * file's applications on several threads with the results in input order.
 *
 * evaluate_one() (cmd_evaluate.c) is the whole work on one decoded
 * application: the core, then the result as JSON or text.  The command
 * calls it directly when reading a pipe or a terminal; for a regular file
 * with --jobs above 1 it goes through evaluate_jobs (evaluate_jobs.c):
 *
 *   reading thread: decode -> batch  ->  worker threads: evaluate_one
 *        ^                                      |
 *        +---- write the batches in order <-----+
 *
 * The reading thread decodes applications into batches (one arena each),
 * hands each batch to the workers, and writes finished batches to stdout
 * and stderr strictly in input order, so the output is byte for byte what
 * one thread writes.  When the ring of batches is full it scores one
 * itself instead of waiting.  The fixed ring bounds the memory.
 */
#ifndef YC_CLI_EVALUATE_H
#define YC_CLI_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/application.h"
#include "core/policy.h"
#include "format/result.h"
#include "lib/arena.h"
#include "lib/strbuf.h"

#define EVALUATE_RESULT_MAX ((size_t)4 << 20) /* one result; real ones are ~13 KB */
#define EVALUATE_JOBS_MAX 64u

/* What every application of a run is scored with; read only while scoring. */
struct evaluate_ctx {
	const struct policy_bundle *bundle;
	const struct result_json_cache *json; /* the policy's strings as JSON, or NULL */
	const char *edition;                  /* --edition, or NULL */
	bool json_out, color;
};

/* evaluate_one: score app (the count-th application of the run, from the
 * file `name`) with the arena a (reset first) and append its result to
 * out, or, when it cannot be scored or its result is over
 * EVALUATE_RESULT_MAX, a message line to msg (out is then unchanged).
 * False in that second case. */
bool evaluate_one(const struct evaluate_ctx *c, const struct application *app, size_t count,
		  const char *name, struct arena *a, struct strbuf *out, struct strbuf *msg);

struct evaluate_jobs;

/* evaluate_jobs_start: scoring with c (which must outlive the run) on jobs
 * threads (2..EVALUATE_JOBS_MAX): jobs - 1 workers, and the calling thread,
 * which reads and writes and scores a batch whenever it would otherwise
 * wait.  NULL when threads or memory are not to be had: the caller then
 * scores on its own. */
struct evaluate_jobs *evaluate_jobs_start(const struct evaluate_ctx *c, unsigned jobs);

/* evaluate_jobs_file: read every application of f (named `name` in
 * messages; the string must outlive the run) and queue it; results of
 * earlier batches are written meanwhile.  *count counts the applications
 * decoded in the run (the text output's separators need it).  Returns the
 * number of values read, good or bad (0: the file held no application). */
size_t evaluate_jobs_file(struct evaluate_jobs *j, FILE *f, const char *name, size_t *count);

/* evaluate_jobs_flush: wait for everything queued and write it out.
 * Returns true when some application was invalid since the last flush. */
bool evaluate_jobs_flush(struct evaluate_jobs *j);

/* evaluate_jobs_stop: flush, stop the threads and free everything;
 * returns what the flush returned. */
bool evaluate_jobs_stop(struct evaluate_jobs *j);

#endif
