/* mail.c - see mail.h. */
#include "mail.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#define B64_LINE 57   /* bytes per base64 line: 76 characters */
#define WORD_BYTES 39 /* bytes per encoded-word: 52 characters, 64 with =?UTF-8?B?...?=,
		       * so "Subject: " and one word stay within 76 (RFC 2047) */
#define HEADER_PLAIN_MAX 68 /* "Subject: " + this fits in 78 */

const char *mail_err_text(enum mail_err e)
{
	switch (e) {
	case MAIL_OK: return "ok";
	case MAIL_BAD_FROM: return "the sender (smtp_from) is not an acceptable address";
	case MAIL_BAD_TO: return "the recipient is not an acceptable address";
	case MAIL_BAD_SUBJECT: return "the subject is empty, too long, not UTF-8 or holds a control character";
	case MAIL_BAD_BODY: return "the text is not UTF-8 or holds a NUL";
	case MAIL_BAD_MSGID: return "the message id holds a character other than A-Z a-z 0-9 . -";
	case MAIL_TOO_BIG: return "the message is too big";
	}
	return "unknown";
}

bool mail_address_ok(const char *addr)
{
	size_t n = addr ? strlen(addr) : 0;
	const char *at;

	if (n < 3 || n > MAIL_ADDRESS_MAX)
		return false;
	for (const char *p = addr; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()[],;:\"\\", *p))
			return false;
	at = strchr(addr, '@');
	return at && at != addr && at[1] && !strchr(at + 1, '@');
}

/* text_ok: s is valid UTF-8 without a NUL; with no_controls, without a
 * control character either (strbuf_control_len: CR, LF, tab, C1, bidi). */
static bool text_ok(const char *s, size_t n, bool no_controls)
{
	for (size_t i = 0; i < n;) {
		size_t l = strbuf_utf8_len(s + i, n - i);

		if (l == 0 || (no_controls && strbuf_control_len_n(s + i, n - i)))
			return false;
		i += l;
	}
	return true;
}

static bool msgid_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			return false;
	return true;
}

/* add_b64: n (at most B64_LINE) bytes as base64. */
static void add_b64(struct strbuf *sb, const void *p, size_t n)
{
	char out[sodium_base64_ENCODED_LEN(B64_LINE, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(out, sizeof out, p, n, sodium_base64_VARIANT_ORIGINAL);
	strbuf_addstr(sb, out);
}

/* add_date: "Date: Mon, 23 Nov 2026 05:14:31 +0000", in English whatever
 * the locale (RFC 5322 section 3.3). */
static void add_date(struct strbuf *sb, int64_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm)) {
		sb->failed = true;
		return;
	}
	strbuf_addf(sb, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
		    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
}

/* add_subject: plain when short printable ASCII, else encoded-words of
 * whole characters, one per line after the first (folded with CRLF SP). */
static void add_subject(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s), i = 0;
	bool plain = n <= HEADER_PLAIN_MAX;

	for (size_t k = 0; plain && k < n; k++)
		plain = s[k] >= ' ' && s[k] < 0x7f;
	/* "=?" inside a plain subject would read as an encoded-word */
	if (plain && !strstr(s, "=?")) {
		strbuf_addf(sb, "Subject: %s\r\n", s);
		return;
	}
	strbuf_addstr(sb, "Subject:");
	while (i < n) {
		size_t len = 0;

		while (i + len < n) {
			size_t l = strbuf_utf8_len(s + i + len, n - i - len);
			if (len + l > WORD_BYTES)
				break;
			len += l;
		}
		strbuf_addstr(sb, i ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?");
		add_b64(sb, s + i, len);
		strbuf_addstr(sb, "?=");
		i += len;
	}
	strbuf_addstr(sb, "\r\n");
}

/* add_body: the text with every line end made CRLF, as base64 lines. */
static void add_body(struct strbuf *sb, const char *body)
{
	char chunk[B64_LINE];
	size_t k = 0;

	for (const char *p = body; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue; /* the LF that follows writes CRLF */
		if (*p == '\n' || *p == '\r') {
			chunk[k++] = '\r';
			if (k == B64_LINE) {
				add_b64(sb, chunk, k);
				strbuf_addstr(sb, "\r\n");
				k = 0;
			}
			chunk[k++] = '\n';
		} else {
			chunk[k++] = *p;
		}
		if (k == B64_LINE) {
			add_b64(sb, chunk, k);
			strbuf_addstr(sb, "\r\n");
			k = 0;
		}
	}
	if (k) {
		add_b64(sb, chunk, k);
		strbuf_addstr(sb, "\r\n");
	}
}

static enum mail_err check(const struct mail_msg *m)
{
	size_t sn = m->subject ? strlen(m->subject) : 0;

	if (!mail_address_ok(m->from))
		return MAIL_BAD_FROM;
	if (!mail_address_ok(m->to))
		return MAIL_BAD_TO;
	if (sn == 0 || sn > MAIL_SUBJECT_MAX || !text_ok(m->subject, sn, true))
		return MAIL_BAD_SUBJECT;
	if (!m->body || !text_ok(m->body, strlen(m->body), false))
		return MAIL_BAD_BODY;
	if (!msgid_ok(m->msgid))
		return MAIL_BAD_MSGID;
	return MAIL_OK;
}

enum mail_err mail_compose(struct strbuf *out, const struct mail_msg *m)
{
	enum mail_err e = check(m);

	if (e != MAIL_OK)
		return e;
	add_date(out, m->date);
	strbuf_addf(out, "From: <%s>\r\n", m->from);
	strbuf_addf(out, "To: <%s>\r\n", m->to);
	add_subject(out, m->subject);
	strbuf_addf(out, "Message-ID: <%s@%s>\r\n", m->msgid, strchr(m->from, '@') + 1);
	strbuf_addstr(out, "MIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n"
		      "\r\n");
	add_body(out, m->body);
	return out->failed ? MAIL_TOO_BIG : MAIL_OK;
}
