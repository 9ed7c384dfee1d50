/* housekeeping.h - forgetting what the portal no longer needs.
 *
 * Three tables only grow while the portal runs: sessions (one per browser
 * that ever came by, expired or not), login_failures (every failed login
 * and every register or forgot-password attempt, keyed by address: an
 * attacker trying keys makes it grow) and password_resets (every link ever
 * mailed).  app_housekeeping() removes, in one transaction, what can no
 * longer matter: sessions that have expired, throttle entries older than
 * the longest throttle window, and reset links that have expired.  Nothing
 * a user could still use, and nothing a throttle still counts, is removed.
 *
 * `yingcai serve` runs it at start-up and then every
 * housekeeping_interval_seconds (web/housekeeper.c); running it on several
 * servers at once is harmless (each delete is idempotent; a collision is a
 * busy transaction that app_tx runs again).
 */
#ifndef YC_APP_HOUSEKEEPING_H
#define YC_APP_HOUSEKEEPING_H

#include <stdint.h>

#include "store/store.h"

/* What one run removed. */
struct housekeeping_counts {
	int64_t sessions, throttle, resets;
};

/* app_housekeeping: at time now, remove the sessions expired by now, the
 * throttle entries older than now - keep_throttle_s (the longest window
 * any throttle counts over) and the reset links expired before now.
 * Returns app_tx's rc; *out says what went when it is STORE_OK. */
enum store_rc app_housekeeping(struct store_conn *c, int64_t now, int64_t keep_throttle_s,
		struct housekeeping_counts *out);

#endif
