/* delivery.c - see delivery.h. */
#include "delivery.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/strbuf.h"
#include "out/mail.h"

#define MESSAGE_MAX ((size_t)1 << 20) /* a composed mail; reset mails are ~1 KB */

/* The waits after the 1st, 2nd, ... failed attempt, in units of retry_s;
 * the last repeats. */
static const unsigned retry_steps[] = { 1, 5, 30, 120, 360, 720 };
#define RETRY_STEPS (sizeof retry_steps / sizeof retry_steps[0])

int64_t app_delivery_retry_at(int64_t created_at, int attempts, int64_t now, unsigned retry_s,
		unsigned give_up_s)
{
	size_t k = attempts < 1 ? 0 : (size_t)attempts - 1;
	int64_t at = now + (int64_t)retry_s * retry_steps[k < RETRY_STEPS ? k : RETRY_STEPS - 1];

	return at > created_at + (int64_t)give_up_s ? 0 : at;
}

/* lease_s: how long a claim lasts: longer than the SMTP exchange can take
 * (connect and transfer share the timeout), with room to record it. */
static int64_t lease_s(const struct delivery *d)
{
	return 2 * (int64_t)(d->smtp.timeout_s ? d->smtp.timeout_s : 60) + 60;
}

static enum store_rc claim(const struct delivery *d, int64_t now, struct arena *a,
		struct mail *m)
{
	struct store_conn *c = store_conn_acquire(d->store);
	enum store_rc rc;

	if (!c)
		return STORE_ERROR;
	rc = store_outbox_claim(c, d->claimer, now, now + lease_s(d), a, m);
	store_conn_release(c);
	return rc;
}

/* record: the outcome of the attempt, under the claim; retry_at as
 * store_outbox_attempt_failed (unused when sent). */
static enum store_rc record(const struct delivery *d, const struct mail *m, int64_t now,
		bool sent, const char *error, int64_t retry_at)
{
	struct store_conn *c = store_conn_acquire(d->store);
	enum store_rc rc;

	if (!c)
		return STORE_ERROR;
	rc = sent ? store_outbox_sent(c, m->id, d->claimer, now)
		  : store_outbox_attempt_failed(c, m->id, d->claimer, now, error, retry_at);
	store_conn_release(c);
	return rc;
}

/* send: compose and hand over m; SMTP_SENT or why not in r->error. */
static enum smtp_result send_mail(const struct delivery *d, const struct mail *m, struct arena *a,
		char *err, size_t n, const char **setting)
{
	struct strbuf sb = STRBUF_INIT(MESSAGE_MAX);
	struct mail_msg msg = {
		.from = d->from, .to = m->to, .subject = m->subject, .body = m->body,
		.date = m->created_at,
		.msgid = arena_printf(a, "outbox-%" PRId64 ".%" PRId64, m->id, m->created_at),
	};
	enum mail_err me = mail_compose(&sb, &msg);
	enum smtp_result sr;

	*setting = NULL;
	if (me != MAIL_OK) {
		/* an address or subject we refuse to write stays refused */
		snprintf(err, n, "not composed: %s", mail_err_text(me));
		*setting = me == MAIL_BAD_FROM ? "smtp_from" : NULL;
		strbuf_release(&sb);
		return me == MAIL_BAD_FROM ? SMTP_TEMPORARY : SMTP_PERMANENT;
	}
	sr = smtp_send(&d->smtp, d->from, m->to, sb.buf, sb.len, err, n, setting);
	/* the message holds a reset link: wipe the buffer before it is freed
	 * (best effort: the row read from the database was copied too) */
	memset(sb.buf, 0, sb.len);
	strbuf_release(&sb);
	return sr;
}

/* add_hint: "; check SETTING" after the error, when it fits. */
static void add_hint(char *err, size_t n, const char *setting)
{
	size_t len = strlen(err);

	snprintf(err + len, n - len, "; check %s", setting);
}

enum delivery_outcome app_delivery_run_one(const struct delivery *d, int64_t now,
		struct delivery_report *r)
{
	struct arena a;
	struct mail m;
	enum store_rc rc;
	enum smtp_result sr;
	enum delivery_outcome out;
	const char *setting;

	memset(r, 0, sizeof *r);
	arena_init(&a, MESSAGE_MAX * 4);
	rc = claim(d, now, &a, &m);
	if (rc != STORE_OK) {
		r->rc = rc;
		arena_release(&a);
		return rc == STORE_NOTFOUND ? DELIVERY_IDLE : DELIVERY_DB_FAILED;
	}
	r->mail_id = m.id;
	r->attempts = m.attempts + 1;
	sr = send_mail(d, &m, &a, r->error, sizeof r->error, &setting);
	if (sr != SMTP_SENT && setting) /* for the log and the dashboard */
		add_hint(r->error, sizeof r->error, setting);
	if (sr == SMTP_SENT) {
		out = DELIVERY_SENT;
	} else {
		r->retry_at = sr == SMTP_PERMANENT ? 0
			: app_delivery_retry_at(m.created_at, r->attempts, now, d->retry_s, d->give_up_s);
		out = r->retry_at ? DELIVERY_RETRY : DELIVERY_GAVE_UP;
	}
	rc = record(d, &m, now, sr == SMTP_SENT, r->error, r->retry_at);
	if (rc != STORE_OK) {
		r->rc = rc;
		out = rc == STORE_NOTFOUND ? DELIVERY_LOST : DELIVERY_DB_FAILED;
	}
	arena_release(&a);
	return out;
}

int app_delivery_send_test(const struct delivery *d, const char *to, int64_t now, char *err,
		size_t n, const char **setting)
{
	struct mail m = {
		.id = 0, .to = to, .created_at = now,
		.subject = "英才 yingcai: 测试邮件 / test mail / Testnachricht",
		.body = "这是英才平台的测试邮件：邮件发送设置正确。\n"
			"This is a test mail of yingcai: its mail settings work.\n"
			"Dies ist eine Testnachricht von yingcai: der Mailversand funktioniert.\n",
	};
	struct arena a;
	enum smtp_result sr;

	arena_init(&a, 0);
	sr = send_mail(d, &m, &a, err, n, setting);
	arena_release(&a);
	return sr == SMTP_SENT ? 0 : -1;
}
