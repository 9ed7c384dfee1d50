/* mailer.c - see mailer.h. */
#include "mailer.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/delivery.h"
#include "worker.h"

#define ROUND_MAX 100 /* mails per round before looking at stop again */

struct mailer {
	struct site *site;
	struct delivery d;
	char claimer[128];
	struct worker w;
};

/* report: one line on stderr for what was not a plain success. */
static void report(const struct mailer *m, enum delivery_outcome o,
		const struct delivery_report *r)
{
	switch (o) {
	case DELIVERY_RETRY:
		fprintf(stderr, "yingcai: mail %" PRId64 ": attempt %d failed: %s; next attempt in "
			"%" PRId64 " s\n", r->mail_id, r->attempts, r->error,
			r->retry_at - (int64_t)time(NULL));
		break;
	case DELIVERY_GAVE_UP:
		fprintf(stderr, "yingcai: mail %" PRId64 ": attempt %d failed: %s; given up\n",
			r->mail_id, r->attempts, r->error);
		break;
	case DELIVERY_LOST:
		fprintf(stderr, "yingcai: mail %" PRId64 ": its claim ended during the attempt "
			"(longer than the lease); another server may send it again\n", r->mail_id);
		break;
	case DELIVERY_DB_FAILED:
		fprintf(stderr, "yingcai: mail delivery: the database failed (%s); trying again in "
			"%u s\n", store_rc_name(r->rc), m->site->cfg.mail_interval_s);
		break;
	default:
		break;
	}
}

/* job: deliver until nothing is due, the database fails or stop. */
static void job(void *arg)
{
	struct mailer *m = arg;

	for (int i = 0; i < ROUND_MAX; i++) {
		struct delivery_report r;
		enum delivery_outcome o = app_delivery_run_one(&m->d, (int64_t)time(NULL), &r);

		report(m, o, &r);
		if (o == DELIVERY_IDLE || o == DELIVERY_DB_FAILED || worker_stopping(&m->w))
			return;
	}
}

/* stopping: the server is stopping (an SMTP exchange under way ends). */
static bool stopping(void *arg)
{
	struct mailer *m = arg;

	return worker_stopping(&m->w);
}

/* set_claimer: this server's name in claims: host, pid and a random part
 * (two servers on one host after a pid wraps stay apart). */
static void set_claimer(struct mailer *m)
{
	char host[64] = "";

	if (gethostname(host, sizeof host - 1) != 0)
		snprintf(host, sizeof host, "?");
	snprintf(m->claimer, sizeof m->claimer, "%s/%ld/%08" PRIx32, host, (long)getpid(),
		 randombytes_random());
}

static void setup(struct mailer *m, struct site *site)
{
	const struct site_config *c = &site->cfg;

	m->site = site;
	set_claimer(m);
	m->d = (struct delivery){
		.store = site->store, .from = c->smtp_from, .claimer = m->claimer,
		.retry_s = c->mail_retry_s, .give_up_s = c->mail_give_up_s,
		.smtp = { .url = c->smtp_url, .user = c->smtp_user, .password = site->smtp_password,
			  .allow_plaintext = c->smtp_allow_plaintext, .timeout_s = c->smtp_timeout_s,
			  .stopping = stopping, .stopping_arg = m },
	};
}

struct mailer *mailer_start(struct site *site)
{
	struct mailer *m;

	if (!*site->cfg.smtp_url) {
		fputs("yingcai: mail delivery is off (smtp_url is not set): mails wait in the "
		      "outbox\n", stderr);
		return NULL;
	}
	if (!(m = calloc(1, sizeof *m))) {
		fputs("yingcai: mail delivery: out of memory; not started\n", stderr);
		return NULL;
	}
	setup(m, site);
	if (worker_start(&m->w, site->cfg.mail_interval_s, job, m) != 0) {
		fputs("yingcai: mail delivery: cannot start its thread; not started\n", stderr);
		free(m);
		return NULL;
	}
	fprintf(stderr, "yingcai: mail delivery through %s, from %s\n", site->cfg.smtp_url,
		site->cfg.smtp_from);
	return m;
}

void mailer_wake(struct mailer *m)
{
	if (m)
		worker_wake(&m->w);
}

void mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	worker_stop(&m->w);
	free(m);
}
