/* delivery.h - delivering the mail outbox.
 *
 * A mail written to the outbox by a use case (a password reset link) is
 * sent later, off the request path: a server's delivery thread
 * (web/mailer.c) calls app_delivery_run_one() until nothing is due.  One
 * run:
 *
 *   1. claims the oldest due mail with a lease (store_outbox_claim: one
 *      statement; two servers on one database never hold the same mail);
 *   2. composes it (out/mail.h) and hands it to the SMTP server
 *      (out/smtp.h), holding no database connection meanwhile;
 *   3. records the outcome under the same claim: sent, or the error and
 *      when to try again, or given up.
 *
 * Retries wait retry_s, then 5, 30, 120, 360 and 720 times that (1 min,
 * 5 min, 30 min, 2 h, 6 h, 12 h with the default 60 s); a mail whose next
 * attempt would start later than give_up_s after it was written, or that
 * the SMTP server refused for good (a 5xx other than AUTH, or an address
 * that cannot be written into a header), is given up: failed_at, and the
 * administrator's dashboard counts it.
 *
 * At least once, not exactly once: a server that dies after the SMTP
 * server took a mail and before recording it leaves the claim to end; the
 * lease (longer than the SMTP timeout) then lets another server send it
 * again.  It keeps its Message-ID ("outbox-<id>.<created_at>@<domain>"),
 * so a receiver may drop the duplicate.
 */
#ifndef YC_APP_DELIVERY_H
#define YC_APP_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "out/smtp.h"
#include "store/store.h"

struct delivery {
	struct store *store;
	const char *from;        /* smtp_from */
	struct smtp_config smtp; /* smtp_url, smtp_user, the password, ... */
	const char *claimer;     /* this server, unique among those sharing the database */
	unsigned retry_s;        /* the first wait after a failed attempt */
	unsigned give_up_s;      /* no attempt starts later than this after created_at */
};

enum delivery_outcome {
	DELIVERY_IDLE = 0,  /* nothing was due */
	DELIVERY_SENT,
	DELIVERY_RETRY,     /* failed; the next attempt is at report.retry_at */
	DELIVERY_GAVE_UP,   /* failed for good, or for too long */
	DELIVERY_LOST,      /* sent or failed, but the claim had ended meanwhile */
	DELIVERY_DB_FAILED, /* the database failed (report.rc); nothing was sent */
};

struct delivery_report {
	int64_t mail_id;
	int attempts;          /* with this one */
	int64_t retry_at;      /* DELIVERY_RETRY */
	enum store_rc rc;      /* DELIVERY_DB_FAILED */
	char error[256];       /* the attempt's error: one line, never the body or a password */
};

/* app_delivery_run_one: claim, send and record at most one mail, at time
 * now; *r says what happened.  Opens and gives back its own connections. */
enum delivery_outcome app_delivery_run_one(const struct delivery *d, int64_t now,
		struct delivery_report *r);

/* app_delivery_retry_at: when attempt number attempts + 1 of a mail
 * written at created_at may start, attempts having failed by now; 0 to
 * give up. */
int64_t app_delivery_retry_at(int64_t created_at, int attempts, int64_t now, unsigned retry_s,
		unsigned give_up_s);

/* app_delivery_send_test: a test mail (Chinese, English and German) to
 * `to`, sent at once with d's settings, nothing written to the outbox
 * (`yingcai mail test`).  0 sent; -1 with err (one line) and *setting (the
 * configuration key most likely at fault, or NULL). */
int app_delivery_send_test(const struct delivery *d, const char *to, int64_t now, char *err,
		size_t n, const char **setting);

#endif
