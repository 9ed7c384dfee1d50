/* housekeeper.h - the server's housekeeping thread.
 *
 * Runs app_housekeeping() (app/housekeeping.h) once when the server
 * starts and then every cfg.housekeeping_interval_s seconds, on a
 * connection of its own from the store's pool, until stopped.  What each
 * run removed, when anything, and any failure go to standard error as one
 * line; a failed run is tried again at the next interval.
 */
#ifndef YC_HOUSEKEEPER_H
#define YC_HOUSEKEEPER_H

#include <stdbool.h>
#include <stdint.h>

#include "app/housekeeping.h"
#include "site.h"

struct housekeeper;

/* What the last run did, for the administrator's dashboard. */
struct housekeeper_status {
	uint64_t runs;        /* runs finished since the server started */
	int64_t last_at;      /* when the last one ended (Unix time); 0: none yet */
	enum store_rc last_rc;
	struct housekeeping_counts removed; /* by the last run, when it succeeded */
};

/* housekeeper_start: the thread for site; NULL when the interval is 0
 * (housekeeping off on this server) or the thread cannot start (said on
 * stderr).  The site must outlive it. */
struct housekeeper *housekeeper_start(struct site *site);

/* housekeeper_runs: runs finished so far (tests wait on it). */
uint64_t housekeeper_runs(struct housekeeper *h);

/* housekeeper_status: a copy of what the last run did; safe from any
 * thread. */
void housekeeper_status(struct housekeeper *h, struct housekeeper_status *out);

/* housekeeper_stop: wake the thread, wait for it to end, free it; NULL is
 * a no-op. */
void housekeeper_stop(struct housekeeper *h);

#endif
