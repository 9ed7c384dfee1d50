/* smtp.h - handing a composed mail to an SMTP server, with libcurl.
 *
 * libcurl speaks SMTP, SMTPS, STARTTLS and AUTH and checks certificates,
 * so no protocol code is ours.  One call sends one message over one
 * connection (mails are few: reset links); it blocks for at most the
 * timeout, so callers run it off the request path (web/mailer.c).
 *
 * TLS: smtps:// is TLS from the first byte; smtp:// must upgrade with
 * STARTTLS or the send fails, except to a loopback host (localhost,
 * 127.0.0.0/8, [::1]: a local MTA; nothing crosses a wire) or with
 * allow_plaintext (then STARTTLS is still used when the server offers it).
 * Certificates are checked against the system's CA store.
 *
 * Secrets: the password is given to libcurl only; no message of this
 * module holds it, or the message's bytes (a reset link is a key).
 */
#ifndef YC_OUT_SMTP_H
#define YC_OUT_SMTP_H

#include <stdbool.h>
#include <stddef.h>

struct smtp_config {
	const char *url;      /* smtp://host[:port][/ehlo-name] or smtps://... */
	const char *user;     /* NULL or "": no AUTH */
	const char *password; /* with user */
	bool allow_plaintext; /* smtp:// to a host that is not loopback without TLS */
	unsigned timeout_s;   /* for the whole exchange (connect included) */
	/* NULL, or asked about once a second during the exchange: true ends
	 * it (SMTP_TEMPORARY), so that a server stopping does not wait out
	 * timeout_s for an SMTP server that hangs */
	bool (*stopping)(void *arg);
	void *stopping_arg;
};

enum smtp_result {
	SMTP_SENT = 0,
	SMTP_TEMPORARY, /* try again later: no connection, a 4xx, a timeout, ... */
	SMTP_PERMANENT, /* the server refused it for good (5xx other than AUTH) */
};

/* smtp_url_check: NULL when url is an acceptable smtp_url, else why not
 * (a constant phrase: the scheme, a host, no user or password inside,
 * printable ASCII). */
const char *smtp_url_check(const char *url);

/* smtp_host_is_loopback: url (smtp:// or smtps://) names this machine:
 * localhost, an address 127.x.x.x, or [::1]. */
bool smtp_host_is_loopback(const char *url);

/* smtp_global_init: once in the process, before any thread sends (libcurl's
 * global state); false when libcurl cannot start. */
bool smtp_global_init(void);
void smtp_global_cleanup(void);

/* smtp_send: msg (len bytes, mail_compose's) from `from` to `to` (both
 * addr-specs checked by mail_address_ok).  On failure the result says
 * whether to try again; err (size n) gets one line: libcurl's reason and
 * the server's reply code when there was one; *setting (when not NULL) the
 * configuration key most likely at fault ("smtp_url", "smtp_user", ...)
 * or NULL when it was the recipient or the server. */
enum smtp_result smtp_send(const struct smtp_config *c, const char *from, const char *to,
		const char *msg, size_t len, char *err, size_t n, const char **setting);

#endif
