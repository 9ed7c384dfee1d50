/* housekeeper.c - see housekeeper.h. */
#include "housekeeper.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/housekeeping.h"
#include "store/store.h"

struct housekeeper {
	struct site *site;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* stop was asked for */
	bool stop;
	struct housekeeper_status status;
};

/* run_once: one run; its rc, with what it removed in *n. */
static enum store_rc run_once(struct housekeeper *h, struct housekeeping_counts *n)
{
	struct store_conn *c = store_conn_acquire(h->site->store);
	enum store_rc rc;

	*n = (struct housekeeping_counts){0, 0, 0, 0};
	if (!c) {
		fputs("yingcai: housekeeping: no database connection; trying again later\n", stderr);
		return STORE_ERROR;
	}
	rc = app_housekeeping(c, (int64_t)time(NULL), site_config_throttle_keep(&h->site->cfg),
			      h->site->cfg.mail_keep_s, n);
	store_conn_release(c);
	if (rc != STORE_OK)
		fprintf(stderr, "yingcai: housekeeping failed (%s); trying again in %u s\n",
			store_rc_name(rc), h->site->cfg.housekeeping_interval_s);
	else if (n->sessions || n->throttle || n->resets || n->mails)
		fprintf(stderr, "yingcai: housekeeping removed %" PRId64 " expired sessions, %" PRId64
			" old throttle entries, %" PRId64 " expired reset links, %" PRId64
			" old mails\n", n->sessions, n->throttle, n->resets, n->mails);
	return rc;
}

static void *housekeeper_main(void *arg)
{
	struct housekeeper *h = arg;

	pthread_mutex_lock(&h->lock);
	while (!h->stop) {
		struct timespec until;
		struct housekeeping_counts n;
		enum store_rc rc;

		pthread_mutex_unlock(&h->lock);
		rc = run_once(h, &n);
		pthread_mutex_lock(&h->lock);
		h->status.runs++;
		h->status.last_at = (int64_t)time(NULL);
		h->status.last_rc = rc;
		h->status.removed = n;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += h->site->cfg.housekeeping_interval_s;
		while (!h->stop && pthread_cond_timedwait(&h->wake, &h->lock, &until) == 0)
			; /* woken without stop: wait on */
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

struct housekeeper *housekeeper_start(struct site *site)
{
	struct housekeeper *h;
	pthread_condattr_t ca;

	if (site->cfg.housekeeping_interval_s == 0)
		return NULL;
	h = calloc(1, sizeof *h);
	if (!h) {
		fputs("yingcai: housekeeping: out of memory; not started\n", stderr);
		return NULL;
	}
	h->site = site;
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* a clock change moves nothing */
	pthread_cond_init(&h->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&h->thread, NULL, housekeeper_main, h) != 0) {
		fputs("yingcai: housekeeping: cannot start its thread; not started\n", stderr);
		pthread_cond_destroy(&h->wake);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

uint64_t housekeeper_runs(struct housekeeper *h)
{
	uint64_t n;

	pthread_mutex_lock(&h->lock);
	n = h->status.runs;
	pthread_mutex_unlock(&h->lock);
	return n;
}

void housekeeper_status(struct housekeeper *h, struct housekeeper_status *out)
{
	pthread_mutex_lock(&h->lock);
	*out = h->status;
	pthread_mutex_unlock(&h->lock);
}

void housekeeper_stop(struct housekeeper *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
