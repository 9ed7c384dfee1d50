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
#include "worker.h"

struct housekeeper {
	struct site *site;
	struct worker w; /* w.lock guards status */
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

/* job: one run, and what it did for the dashboard. */
static void job(void *arg)
{
	struct housekeeper *h = arg;
	struct housekeeping_counts n;
	enum store_rc rc = run_once(h, &n);

	pthread_mutex_lock(&h->w.lock);
	h->status.runs++;
	h->status.last_at = (int64_t)time(NULL);
	h->status.last_rc = rc;
	h->status.removed = n;
	pthread_mutex_unlock(&h->w.lock);
}

struct housekeeper *housekeeper_start(struct site *site)
{
	struct housekeeper *h;

	if (site->cfg.housekeeping_interval_s == 0)
		return NULL;
	h = calloc(1, sizeof *h);
	if (!h) {
		fputs("yingcai: housekeeping: out of memory; not started\n", stderr);
		return NULL;
	}
	h->site = site;
	if (worker_start(&h->w, site->cfg.housekeeping_interval_s, job, h) != 0) {
		fputs("yingcai: housekeeping: cannot start its thread; not started\n", stderr);
		free(h);
		return NULL;
	}
	return h;
}

uint64_t housekeeper_runs(struct housekeeper *h)
{
	uint64_t n;

	pthread_mutex_lock(&h->w.lock);
	n = h->status.runs;
	pthread_mutex_unlock(&h->w.lock);
	return n;
}

void housekeeper_status(struct housekeeper *h, struct housekeeper_status *out)
{
	pthread_mutex_lock(&h->w.lock);
	*out = h->status;
	pthread_mutex_unlock(&h->w.lock);
}

void housekeeper_stop(struct housekeeper *h)
{
	if (!h)
		return;
	worker_stop(&h->w);
	free(h);
}
