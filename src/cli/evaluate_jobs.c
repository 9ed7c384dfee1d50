/* evaluate_jobs.c - see evaluate.h.
 *
 * A ring of nslots batches.  Three counters, all under one mutex, say
 * where the batches are, each counting batches since the start:
 *
 *   written <= claimed <= filled,   filled - written <= nslots
 *
 * batch i lives in slot i % nslots.  The reading thread fills batch
 * `filled` (no one else touches a batch that is not yet filled), workers
 * claim batches in order and mark them done, and the reading thread writes
 * batch `written` once it is done.  A batch is at most BATCH_APPS
 * applications or BATCH_DECODED bytes of decoded ones, so the results
 * waiting in memory stay a few megabytes whatever the file.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "format/appfile.h"

#define BATCH_APPS 16
/* A batch is also closed once its decoded applications take this much
 * memory (some 50 KB for 16 ordinary ones): large applications, whose
 * results are large too, come in small batches. */
#define BATCH_DECODED ((size_t)1 << 20)
#define SLOT_ARENA ((size_t)64 << 20)    /* the decoded applications of a batch */
#define WORKER_ARENA ((size_t)64 << 20)  /* one evaluation (as on one thread) */
#define KEEP_BUFFER ((size_t)4 << 20)    /* a batch's text buffers above this are freed */

struct item {
	struct application app;
	const char *name;   /* the file it came from */
	const char *bad;    /* the decoding error line, or NULL: app is decoded */
	size_t count;       /* applications decoded in the run, this one included */
	size_t out_end;     /* slot->out.len after this item's result */
	size_t msg_end;     /* slot->msg.len after its message (unchanged: none) */
};

struct slot {
	struct arena arena; /* the decoded applications and error lines */
	struct item items[BATCH_APPS];
	size_t n;           /* items */
	struct strbuf out, msg;
	bool invalid;       /* some item had a message */
	bool done;          /* a worker has finished it */
};

struct worker {
	struct evaluate_jobs *j;
	pthread_t thread;
	struct arena arena;
	bool started;
};

struct evaluate_jobs {
	const struct evaluate_ctx *ctx;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a batch was filled, or stop */
	pthread_cond_t done; /* a batch was finished */
	size_t filled, claimed, written;
	bool stop;
	bool invalid; /* some application since the last flush had a message */
	unsigned nslots, nworkers;
	struct slot *slots;
	struct worker *workers;
	struct appfile_decoder dec;
	struct strbuf line; /* formatting a decoding error */
};

/* ---- workers ------------------------------------------------------------ */

static void score_batch(struct evaluate_jobs *j, struct worker *w, struct slot *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];

		if (it->bad) {
			strbuf_addstr(&s->msg, it->bad);
			s->invalid = true;
		} else if (!evaluate_one(j->ctx, &it->app, it->count, it->name, &w->arena,
					 &s->out, &s->msg)) {
			s->invalid = true;
		}
		it->out_end = s->out.len;
		it->msg_end = s->msg.len;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct evaluate_jobs *j = w->j;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		struct slot *s;

		while (j->claimed == j->filled && !j->stop)
			pthread_cond_wait(&j->work, &j->lock);
		if (j->claimed == j->filled)
			break; /* stopping, and nothing left */
		s = &j->slots[j->claimed++ % j->nslots];
		pthread_mutex_unlock(&j->lock);
		score_batch(j, w, s);
		pthread_mutex_lock(&j->lock);
		s->done = true;
		pthread_cond_broadcast(&j->done);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/* ---- writing, in order --------------------------------------------------- */

/* write_slot: s's results to stdout and messages to stderr, interleaved as
 * the items came: results up to a message are written (and flushed) before
 * it.  Write errors latch in stdout's error flag, checked by the caller. */
static void write_slot(struct evaluate_jobs *j, struct slot *s)
{
	size_t out_from = 0, msg_from = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct item *it = &s->items[i];

		if (it->msg_end == msg_from)
			continue;
		if (it->out_end > out_from) {
			fwrite(s->out.buf + out_from, 1, it->out_end - out_from, stdout);
			out_from = it->out_end;
		}
		fflush(stdout);
		fwrite(s->msg.buf + msg_from, 1, it->msg_end - msg_from, stderr);
		msg_from = it->msg_end;
	}
	if (s->out.len > out_from)
		fwrite(s->out.buf + out_from, 1, s->out.len - out_from, stdout);
	fflush(stdout);
	if (s->invalid)
		j->invalid = true;
}

/* recycle: s empty again; buffers a giant batch grew are given back. */
static void recycle(struct slot *s)
{
	if (s->out.alloc > KEEP_BUFFER)
		strbuf_release(&s->out);
	if (s->msg.alloc > KEEP_BUFFER)
		strbuf_release(&s->msg);
	strbuf_reset(&s->out);
	strbuf_reset(&s->msg);
	arena_reset(&s->arena);
	s->n = 0;
	s->invalid = s->done = false;
}

/* write_head: the oldest batch, when it is done, written and recycled;
 * false when there is none or it is not done yet. */
static bool write_head(struct evaluate_jobs *j)
{
	struct slot *s;

	pthread_mutex_lock(&j->lock);
	s = j->written < j->filled ? &j->slots[j->written % j->nslots] : NULL;
	if (s && !s->done)
		s = NULL;
	pthread_mutex_unlock(&j->lock);
	if (!s)
		return false;
	write_slot(j, s);
	recycle(s);
	pthread_mutex_lock(&j->lock);
	j->written++;
	pthread_mutex_unlock(&j->lock);
	return true;
}

/* write_ready: write the batches at the head of the ring that are done. */
static void write_ready(struct evaluate_jobs *j)
{
	while (write_head(j))
		;
}

/* make_room: write the oldest batch, scoring batches on this thread (the
 * reading one) while it is not done rather than waiting idle: with as many
 * threads as processors, none of them sleeps while there is work. */
static void make_room(struct evaluate_jobs *j)
{
	while (!write_head(j)) {
		struct slot *s = NULL;

		pthread_mutex_lock(&j->lock);
		if (j->claimed < j->filled)
			s = &j->slots[j->claimed++ % j->nslots];
		else if (!j->slots[j->written % j->nslots].done)
			pthread_cond_wait(&j->done, &j->lock);
		pthread_mutex_unlock(&j->lock);
		if (s) {
			score_batch(j, &j->workers[0], s);
			pthread_mutex_lock(&j->lock);
			s->done = true;
			pthread_mutex_unlock(&j->lock);
		}
	}
}

/* ---- reading ------------------------------------------------------------- */

/* fill_slot: the slot for the next batch, once it is free. */
static struct slot *fill_slot(struct evaluate_jobs *j)
{
	bool full;

	pthread_mutex_lock(&j->lock);
	full = j->filled - j->written == j->nslots;
	pthread_mutex_unlock(&j->lock);
	if (full)
		make_room(j);
	return &j->slots[j->filled % j->nslots];
}

static void submit(struct evaluate_jobs *j, struct slot *s)
{
	if (s->n == 0)
		return;
	pthread_mutex_lock(&j->lock);
	j->filled++;
	pthread_cond_signal(&j->work);
	pthread_mutex_unlock(&j->lock);
	write_ready(j);
}

/* bad_line: the decoding error as the line one thread would print. */
static const char *bad_line(struct evaluate_jobs *j, struct slot *s, const char *name,
		const struct appfile_error *e)
{
	const char *line;

	strbuf_reset(&j->line);
	appfile_error_format(e, name, &j->line);
	strbuf_addch(&j->line, '\n');
	line = arena_strndup(&s->arena, j->line.buf, j->line.len);
	return line ? line : "yingcai evaluate: out of memory\n";
}

size_t evaluate_jobs_file(struct evaluate_jobs *j, FILE *f, const char *name, size_t *count)
{
	struct appfile_stream st;
	size_t seen = 0;
	struct slot *s = fill_slot(j);

	appfile_stream_init(&st, f, 0);
	for (;;) {
		struct item *it = &s->items[s->n];
		struct appfile_error aerr;
		enum appfile_next next = appfile_stream_read(&st, &j->dec, &s->arena, &it->app,
							     &aerr);

		if (next == APPFILE_END)
			break;
		seen++;
		it->name = name;
		it->bad = NULL;
		if (next == APPFILE_BAD)
			it->bad = bad_line(j, s, name, &aerr);
		else
			it->count = ++*count;
		s->n++;
		if (s->n == BATCH_APPS || s->arena.total >= BATCH_DECODED) {
			submit(j, s);
			s = fill_slot(j);
		}
	}
	appfile_stream_release(&st);
	submit(j, s);
	return seen;
}

bool evaluate_jobs_flush(struct evaluate_jobs *j)
{
	bool invalid;

	while (j->written != j->filled) /* only this thread moves `written` */
		make_room(j);
	invalid = j->invalid;
	j->invalid = false;
	return invalid;
}

/* ---- start and stop ------------------------------------------------------ */

static void release(struct evaluate_jobs *j)
{
	for (unsigned i = 0; i < j->nworkers; i++)
		arena_release(&j->workers[i].arena);
	for (unsigned i = 0; i < j->nslots; i++) {
		arena_release(&j->slots[i].arena);
		strbuf_release(&j->slots[i].out);
		strbuf_release(&j->slots[i].msg);
	}
	appfile_decoder_release(&j->dec);
	strbuf_release(&j->line);
	pthread_cond_destroy(&j->work);
	pthread_cond_destroy(&j->done);
	pthread_mutex_destroy(&j->lock);
	free(j->workers);
	free(j->slots);
	free(j);
}

static void join_all(struct evaluate_jobs *j)
{
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_broadcast(&j->work);
	pthread_mutex_unlock(&j->lock);
	for (unsigned i = 0; i < j->nworkers; i++)
		if (j->workers[i].started)
			pthread_join(j->workers[i].thread, NULL);
}

struct evaluate_jobs *evaluate_jobs_start(const struct evaluate_ctx *c, unsigned jobs)
{
	struct evaluate_jobs *j = calloc(1, sizeof *j);

	if (!j)
		return NULL;
	j->ctx = c;
	j->nworkers = jobs;
	j->nslots = 2 * jobs + 2; /* a batch being read, written, and two per worker */
	j->slots = calloc(j->nslots, sizeof *j->slots);
	j->workers = calloc(jobs, sizeof *j->workers);
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->work, NULL);
	pthread_cond_init(&j->done, NULL);
	appfile_decoder_init(&j->dec);
	strbuf_init(&j->line, 4096);
	if (!j->slots || !j->workers) {
		j->nslots = j->slots ? j->nslots : 0;
		j->nworkers = j->workers ? j->nworkers : 0;
		release(j);
		return NULL;
	}
	for (unsigned i = 0; i < j->nslots; i++) {
		struct slot *s = &j->slots[i];

		arena_init(&s->arena, SLOT_ARENA);
		/* A batch's results: at most BATCH_APPS of EVALUATE_RESULT_MAX, in
		 * practice some 200 KB; the cap only stops a runaway. */
		strbuf_init(&s->out, BATCH_APPS * EVALUATE_RESULT_MAX);
		strbuf_init(&s->msg, BATCH_APPS * 4096);
	}
	/* workers[0] is the reading thread's own, for make_room. */
	for (unsigned i = 0; i < jobs; i++) {
		j->workers[i].j = j;
		arena_init(&j->workers[i].arena, WORKER_ARENA);
	}
	for (unsigned i = 1; i < jobs; i++) {
		struct worker *w = &j->workers[i];

		if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
			break;
		w->started = true;
	}
	if (!j->workers[1].started) {
		release(j);
		return NULL;
	}
	return j;
}

bool evaluate_jobs_stop(struct evaluate_jobs *j)
{
	bool invalid = evaluate_jobs_flush(j);

	join_all(j);
	release(j);
	return invalid;
}
