/* mail.h - composing a mail: RFC 5322 headers and a MIME body.
 *
 * A mail of the outbox (a recipient, a subject and a text, all UTF-8)
 * becomes the bytes an SMTP server is given after DATA:
 *
 *   Date, From, To, Subject, Message-ID, MIME-Version: 1.0,
 *   Content-Type: text/plain; charset=UTF-8,
 *   Content-Transfer-Encoding: base64
 *
 * every line ending in CRLF.  A subject that is not short printable ASCII
 * is written as RFC 2047 encoded-words ("=?UTF-8?B?...?="), each whole
 * characters, at most 75 bytes, folded onto lines of their own (Chinese
 * subjects).  The text is base64 in lines of 76: no line is ever too long
 * for SMTP, and no line starts with '.', so dot-stuffing (which libcurl
 * does anyway) never changes it.
 *
 * Header injection is refused, not repaired: an address with anything but
 * printable ASCII and no space or <>()[],;:"\ in it, or a subject with a
 * control character (CR and LF among them), is MAIL_BAD_*.  Pure: no I/O,
 * no clock (the date is given), no allocation but the caller's strbuf.
 */
#ifndef YC_OUT_MAIL_H
#define YC_OUT_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/strbuf.h"

#define MAIL_ADDRESS_MAX 254  /* bytes, as accounts.h */
#define MAIL_SUBJECT_MAX 512  /* bytes of UTF-8 */

struct mail_msg {
	const char *from;    /* addr-spec: "noreply@yingcai.example.cn" */
	const char *to;      /* addr-spec */
	const char *subject; /* UTF-8, no control characters */
	const char *body;    /* UTF-8 text; LF or CRLF line ends */
	int64_t date;        /* Unix time, written as UTC */
	/* The left part of the Message-ID; the right is the domain of from.
	 * The same mail sent again keeps it, so a receiver can drop a
	 * duplicate.  [A-Za-z0-9.-] only. */
	const char *msgid;
};

enum mail_err {
	MAIL_OK = 0,
	MAIL_BAD_FROM,    /* from is not an acceptable address */
	MAIL_BAD_TO,      /* to is not an acceptable address */
	MAIL_BAD_SUBJECT, /* empty, too long, not UTF-8, or a control character */
	MAIL_BAD_BODY,    /* not UTF-8, or a NUL */
	MAIL_BAD_MSGID,
	MAIL_TOO_BIG,     /* the message does not fit in the strbuf's cap */
};

/* mail_err_text: a short English phrase for logs ("the recipient is not
 * an acceptable address"). */
const char *mail_err_text(enum mail_err e);

/* mail_address_ok: addr is one addr-spec we write into a header and an
 * SMTP command unchanged: 3..254 bytes of printable ASCII without space
 * or <>()[],;:"\, exactly one '@' with text on both sides. */
bool mail_address_ok(const char *addr);

/* mail_compose: the message m, appended to out.  On failure out may hold
 * part of it (reset it) and the reason is returned; nothing is written
 * for a refused field before anything else is checked. */
enum mail_err mail_compose(struct strbuf *out, const struct mail_msg *m);

#endif
