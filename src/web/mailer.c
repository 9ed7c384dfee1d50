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

#define ROUND_MAX 100 /* mails per round before looking at stop again */

struct mailer {
	struct site *site;
	struct delivery d;
	char claimer[128];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, woken;
	struct mailer_status status;
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

static void note(struct mailer *m, enum delivery_outcome o, const struct delivery_report *r)
{
	pthread_mutex_lock(&m->lock);
	if (o == DELIVERY_SENT) {
		m->status.sent++;
	} else if (o == DELIVERY_RETRY || o == DELIVERY_GAVE_UP) {
		m->status.failed_attempts++;
		m->status.last_error_at = (int64_t)time(NULL);
		m->status.last_error_mail = r->mail_id;
		snprintf(m->status.last_error, sizeof m->status.last_error, "%s", r->error);
	}
	pthread_mutex_unlock(&m->lock);
}

/* round: deliver until nothing is due, the database fails or stop. */
static void round_once(struct mailer *m)
{
	for (int i = 0; i < ROUND_MAX; i++) {
		struct delivery_report r;
		enum delivery_outcome o = app_delivery_run_one(&m->d, (int64_t)time(NULL), &r);
		bool stop;

		report(m, o, &r);
		note(m, o, &r);
		pthread_mutex_lock(&m->lock);
		stop = m->stop;
		pthread_mutex_unlock(&m->lock);
		if (stop || o == DELIVERY_IDLE || o == DELIVERY_DB_FAILED)
			return;
	}
}

static void *mailer_main(void *arg)
{
	struct mailer *m = arg;

	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		struct timespec until;

		m->woken = false;
		pthread_mutex_unlock(&m->lock);
		round_once(m);
		pthread_mutex_lock(&m->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += m->site->cfg.mail_interval_s;
		while (!m->stop && !m->woken &&
		       pthread_cond_timedwait(&m->wake, &m->lock, &until) == 0)
			; /* a spurious wake-up: wait on */
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
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
			  .allow_plaintext = c->smtp_allow_plaintext, .timeout_s = c->smtp_timeout_s },
	};
}

struct mailer *mailer_start(struct site *site)
{
	struct mailer *m;
	pthread_condattr_t ca;

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
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&m->thread, NULL, mailer_main, m) != 0) {
		fputs("yingcai: mail delivery: cannot start its thread; not started\n", stderr);
		pthread_cond_destroy(&m->wake);
		pthread_mutex_destroy(&m->lock);
		free(m);
		return NULL;
	}
	fprintf(stderr, "yingcai: mail delivery through %s, from %s\n", site->cfg.smtp_url,
		site->cfg.smtp_from);
	return m;
}

void mailer_wake(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->woken = true;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
}

void mailer_status(struct mailer *m, struct mailer_status *out)
{
	pthread_mutex_lock(&m->lock);
	*out = m->status;
	pthread_mutex_unlock(&m->lock);
}

void mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	pthread_cond_destroy(&m->wake);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
