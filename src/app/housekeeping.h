/* housekeeping.h - forgetting what the portal no longer needs.
 *
 * Four tables only grow while the portal runs: sessions (one per browser
 * that ever came by, expired or not), login_failures (every failed login
 * and every register or forgot-password attempt, keyed by address: an
 * attacker trying keys makes it grow), password_resets (every link ever
 * mailed) and the outbox (every mail).  app_housekeeping() removes, in one
 * transaction, what can no longer matter: sessions that have expired,
 * throttle entries older than the longest throttle window, reset links
 * that have expired, and mails written longer ago than mail_keep_seconds
 * (sent, given up, or waiting: their reset links died within the hour;
 * the text of a mail holds one, so it is not kept long).  Nothing a user
 * could still use, and nothing a throttle still counts, is removed.
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
	int64_t sessions, throttle, resets, mails;
};

/* app_housekeeping: at time now, remove the sessions expired by now, the
 * throttle entries older than now - keep_throttle_s (the longest window
 * any throttle counts over), the reset links expired before now and the
 * mails written before now - keep_mail_s (except one a server is sending
 * at this moment).  Returns app_tx's rc; *out says what went when it is
 * STORE_OK. */
enum store_rc app_housekeeping(struct store_conn *c, int64_t now, int64_t keep_throttle_s,
		int64_t keep_mail_s, struct housekeeping_counts *out);

#endif
