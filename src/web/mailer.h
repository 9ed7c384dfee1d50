/* mailer.h - the server's mail delivery thread.
 *
 * Delivers the outbox (app/delivery.h) on a thread of its own, as the
 * housekeeper does housekeeping: at start, then every
 * cfg.mail_interval_s seconds, and at once when a request wrote a mail
 * (mailer_wake); each round sends until nothing is due.  Every failed
 * attempt is one line on standard error with the mail's id and the
 * reason, never its text (it holds a reset link) or a password.
 */
#ifndef YC_MAILER_H
#define YC_MAILER_H

#include "site.h"

struct mailer;

/* mailer_start: the thread for site when site->cfg.smtp_url is set, else
 * NULL after saying once on stderr that delivery is off.  NULL too when
 * the thread cannot start (said on stderr).  The site must outlive it. */
struct mailer *mailer_start(struct site *site);

/* mailer_wake: look at the outbox now (a mail was just written); NULL is
 * a no-op.  Safe from any thread. */
void mailer_wake(struct mailer *m);

/* mailer_stop: wake the thread, wait for it (a send in progress ends
 * first, at most smtp_timeout_seconds), free it; NULL is a no-op. */
void mailer_stop(struct mailer *m);

#endif
