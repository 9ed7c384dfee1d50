/* tx.h - a use case's write transaction, tried again when the database
 * was busy.
 *
 * Every use case of src/app that changes state runs its transaction
 * through app_tx(), so what happens under contention is decided here once.
 * A write transaction can fail for no fault of its own: on PostgreSQL
 * (SERIALIZABLE, store.h) a serialization failure or a deadlock, at any
 * statement or at commit; on SQLite a writer that held the lock for longer
 * than the busy timeout.  The store calls all of these STORE_BUSY and has
 * rolled nothing forward.  app_tx rolls back and runs the whole
 * transaction again from its BEGIN, a few times, after a short random
 * pause, so two people who happened to save at the same moment both get
 * an answer (the second one usually "someone changed it", decided on what
 * the first committed) instead of a 503.
 *
 * Bounds: at most APP_TX_ATTEMPTS runs, and no new run once
 * APP_TX_WINDOW_MS have passed since the first BEGIN: a failure that came
 * only after waiting out a lock timeout (SQLite's busy timeout,
 * PostgreSQL's lock_timeout; 5 s each) is not waited out again, since the
 * database is then overloaded, not merely contended: that answer stays
 * STORE_BUSY (a 503) at once.  The pause before run k+1 is uniformly
 * random in 1..APP_TX_BACKOFF_MS * 2^(k-1) milliseconds (libsodium's
 * generator), so two colliding requests do not collide again in step.
 *
 * The body must be re-runnable: everything it does outside the database
 * (the request's session and cookie, outcome fields in arg, memory it
 * builds a result in) it sets afresh on each run, from what arg held
 * before the first; nothing that cannot be undone (a mail handed to a
 * mail server, a file renamed, a slow password hash) happens inside it:
 * do such things before app_tx, or after it returned STORE_OK.  Mail is
 * only put in the outbox table, which a rollback undoes.
 */
#ifndef YC_APP_TX_H
#define YC_APP_TX_H

#include <stdint.h>

#include "store/store.h"

#define APP_TX_ATTEMPTS 5      /* runs of the body at most */
#define APP_TX_WINDOW_MS 2000  /* no new run this long after the first BEGIN */
#define APP_TX_BACKOFF_MS 4    /* the first pause is 1..4 ms, then 8, 16, 32 */

/* app_tx_body: the work of one run, inside the transaction app_tx began
 * on c.  Returns STORE_OK to have it committed; anything else rolls it
 * back: STORE_BUSY runs it again (within the bounds above), any other rc
 * is returned by app_tx as it is.  A body that decides to write nothing
 * (a user's mistake, a stale version, a refused right) notes its decision
 * in arg and returns a rc other than STORE_OK and STORE_BUSY, by
 * convention STORE_CONFLICT or the store's rc that led to it.  When a
 * statement of the run failed busy (store_tx_failure), the run counts as
 * busy whatever the body returned: a helper that said only "false" (as
 * session_login does) does not turn a retry into an error. */
typedef enum store_rc (*app_tx_body)(struct store_conn *c, void *arg);

/* app_tx: begin a write transaction on c (store_begin_write), run body,
 * commit; on STORE_BUSY from any of the three, roll back and start again
 * (see above).  Returns STORE_OK when a run was committed (exactly one
 * run's writes are in the database), else the last run's rc with nothing
 * written: STORE_BUSY once the attempts or the window are used up (logged
 * on stderr, and counted), or the body's own rc, or store_commit's.  c
 * must not be inside a transaction. */
enum store_rc app_tx(struct store_conn *c, app_tx_body body, void *arg);

/* app_tx_probe: as app_tx, but the transaction is always rolled back,
 * also when body returns STORE_OK: for a use case that must look at
 * something the way a write would (take a token) and leave no trace. */
enum store_rc app_tx_probe(struct store_conn *c, app_tx_body body, void *arg);

/* app_tx_counts: since the process started, how many runs were begun
 * again after a busy one (retries), and how many transactions were given
 * up busy after the last allowed run (gave_up: each was a 503 or a busy
 * error for someone).  Safe from any thread. */
struct app_tx_counts {
	uint64_t retries;
	uint64_t gave_up;
};
void app_tx_counts(struct app_tx_counts *out);

#endif
