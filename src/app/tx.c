/* tx.c - see tx.h. */
#include "tx.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <sodium.h>

static atomic_uint_fast64_t n_retries, n_gave_up;

static int64_t ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* pause_before: sleep before run `next` (2..): uniformly 1..cap ms, cap
 * doubling from APP_TX_BACKOFF_MS.  A signal cuts nothing short. */
static void pause_before(unsigned next)
{
	uint32_t cap = (uint32_t)APP_TX_BACKOFF_MS << (next - 2);
	uint32_t ms = 1 + randombytes_uniform(cap);
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static enum store_rc run(struct store_conn *c, app_tx_body body, void *arg, bool keep)
{
	struct timespec t0;
	enum store_rc rc;
	unsigned attempt;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (attempt = 1;; attempt++) {
		rc = store_begin_write(c);
		if (rc == STORE_OK) {
			rc = body(c, arg);
			/* A statement that failed busy failed the transaction,
			 * whatever the body made of it (a bool from a helper). */
			if (store_tx_failure(c) == STORE_BUSY)
				rc = STORE_BUSY;
			if (rc == STORE_OK && keep) {
				rc = store_commit(c); /* rolled back when it fails */
			} else {
				store_rollback(c);
			}
		} else {
			store_rollback(c); /* a BEGIN that failed half-way */
		}
		if (rc != STORE_BUSY)
			return rc;
		if (attempt >= APP_TX_ATTEMPTS || ms_since(&t0) >= APP_TX_WINDOW_MS)
			break;
		atomic_fetch_add(&n_retries, 1);
		pause_before(attempt + 1);
	}
	atomic_fetch_add(&n_gave_up, 1);
	fprintf(stderr, "app: a write transaction was busy %u time%s in %lld ms: given up\n",
		attempt, attempt == 1 ? "" : "s", (long long)ms_since(&t0));
	return STORE_BUSY;
}

enum store_rc app_tx(struct store_conn *c, app_tx_body body, void *arg)
{
	return run(c, body, arg, true);
}

enum store_rc app_tx_probe(struct store_conn *c, app_tx_body body, void *arg)
{
	return run(c, body, arg, false);
}

void app_tx_counts(struct app_tx_counts *out)
{
	out->retries = atomic_load(&n_retries);
	out->gave_up = atomic_load(&n_gave_up);
}
