/* test_mail.c - composing a mail (out/mail.h) and checking an smtp_url
 * (out/smtp.h): the headers a receiving server reads, RFC 2047 subjects
 * decoded back to the very text (Chinese, long, mixed), CRLF everywhere,
 * the text back from its base64, and header injection refused; the mail
 * settings of the server's configuration checked together
 * (site_config_mail), the password read and never shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "lib/strbuf.h"
#include "out/mail.h"
#include "out/smtp.h"
#include "web/site.h"

#define T0 1795392000 /* 2026-11-23 00:00:00 UTC, a Monday */

static struct mail_msg msg(const char *subject, const char *body)
{
	return (struct mail_msg){ .from = "noreply@yingcai.example.cn", .to = "anna@example.org",
		.subject = subject, .body = body, .date = T0 + 3723, .msgid = "outbox-7.1795411200" };
}

/* header: the value of header name (unfolded: CRLF SP removed), in out. */
static bool header(const char *m, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name), o = 0;
	const char *p = m;

	while (*p && !(p[0] == '\r' && p[1] == '\n')) {
		if (strncmp(p, name, nl) == 0 && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ')
				p++;
			for (; *p && !(p[0] == '\r' && p[1] == '\n' && p[2] != ' '); p++)
				if (!(p[0] == '\r' && p[1] == '\n') && !(p[-1] == '\n' && p[0] == ' ' && p[-2] == '\r') && o + 1 < n)
					out[o++] = *p;
			out[o] = '\0';
			return true;
		}
		p = strstr(p, "\r\n") + 2;
	}
	return false;
}

/* unb64: base64 text (spaces and CRLF ignored) into out; its length. */
static size_t unb64(const char *s, size_t n, char *out, size_t cap)
{
	size_t len = 0;

	assert_int_equal(sodium_base642bin((unsigned char *)out, cap, s, n, "\r\n ", &len, NULL,
					   sodium_base64_VARIANT_ORIGINAL), 0);
	out[len] = '\0';
	return len;
}

/* decode_subject: the encoded-words of v (as the header holds them after
 * unfolding: "=?UTF-8?B?...?==?UTF-8?B?...?=") back to text. */
static void decode_subject(const char *v, char *out, size_t cap)
{
	size_t o = 0;

	while ((v = strstr(v, "=?UTF-8?B?"))) {
		const char *end = strstr(v + 10, "?=");
		assert_non_null(end);
		o += unb64(v + 10, (size_t)(end - v - 10), out + o, cap - o);
		v = end + 2;
	}
	out[o] = '\0';
}

static void every_line_ends_crlf_and_is_short(const char *m)
{
	for (const char *p = m; *p; p++) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_true(nl > p - 1 && nl[-1] == '\r');
		assert_null(memchr(p, '\r', (size_t)(nl - 1 - p)));
		assert_true(nl - 1 - p <= 78);
		assert_false(*p == '.');
		p = nl;
	}
}

static void composes_the_headers_a_server_reads(void **state)
{
	struct strbuf sb = STRBUF_INIT(1 << 16);
	struct mail_msg m = msg("重置您的英才平台密码", "您好：\n\n链接：\nhttps://x.example/password/reset/abc\n");
	char v[512];

	(void)state;
	assert_int_equal(mail_compose(&sb, &m), MAIL_OK);
	assert_true(header(sb.buf, "Date", v, sizeof v));
	assert_string_equal(v, "Mon, 23 Nov 2026 01:02:03 +0000");
	assert_true(header(sb.buf, "From", v, sizeof v));
	assert_string_equal(v, "<noreply@yingcai.example.cn>");
	assert_true(header(sb.buf, "To", v, sizeof v));
	assert_string_equal(v, "<anna@example.org>");
	assert_true(header(sb.buf, "Message-ID", v, sizeof v));
	assert_string_equal(v, "<outbox-7.1795411200@yingcai.example.cn>");
	assert_true(header(sb.buf, "MIME-Version", v, sizeof v));
	assert_string_equal(v, "1.0");
	assert_true(header(sb.buf, "Content-Type", v, sizeof v));
	assert_string_equal(v, "text/plain; charset=UTF-8");
	assert_true(header(sb.buf, "Content-Transfer-Encoding", v, sizeof v));
	assert_string_equal(v, "base64");
	assert_false(header(sb.buf, "Bcc", v, sizeof v));
	every_line_ends_crlf_and_is_short(sb.buf);
	strbuf_release(&sb);
}

static void subject_round_trips_through_rfc2047(void **state)
{
	static const char *const subjects[] = {
		"重置您的英才平台密码",
		"英才 yingcai: 测试邮件 / test mail / Testnachricht — Größe 😀",
		"Setzen Sie Ihr Passwort für yingcai zurück",
		"A plain subject that is rather long, longer than one line of a header may be",
		"=?UTF-8?B?looks encoded?=",
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
	};
	char v[2048], dec[1024];

	(void)state;
	for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
		struct strbuf sb = STRBUF_INIT(1 << 16);
		struct mail_msg m = msg(subjects[i], "x");

		assert_int_equal(mail_compose(&sb, &m), MAIL_OK);
		assert_true(header(sb.buf, "Subject", v, sizeof v));
		if (strncmp(v, "=?UTF-8?B?", 10) == 0) {
			decode_subject(v, dec, sizeof dec);
			assert_string_equal(dec, subjects[i]);
		} else {
			assert_string_equal(v, subjects[i]);
		}
		/* RFC 2047: a line holding an encoded-word is at most 76 */
		for (const char *p = sb.buf; (p = strstr(p, "=?UTF-8?B?")); p++) {
			const char *start = p;
			while (start > sb.buf && start[-1] != '\n')
				start--;
			assert_true(strstr(start, "\r\n") - start <= 76);
		}
		every_line_ends_crlf_and_is_short(sb.buf);
		strbuf_release(&sb);
	}
	{	/* short ASCII stays readable */
		struct strbuf sb = STRBUF_INIT(1 << 16);
		struct mail_msg m = msg("Reset your yingcai password", "x");
		assert_int_equal(mail_compose(&sb, &m), MAIL_OK);
		assert_non_null(strstr(sb.buf, "\r\nSubject: Reset your yingcai password\r\n"));
		strbuf_release(&sb);
	}
}

static void body_comes_back_with_crlf(void **state)
{
	/* lines starting with '.', a lone ".", LF, CRLF and a lone CR, long lines */
	char body[4000], want[5000], got[5000];
	struct strbuf sb = STRBUF_INIT(1 << 16);
	struct mail_msg m;
	const char *sep;
	size_t w = 0;

	(void)state;
	snprintf(body, sizeof body, ".hidden\n.\r\nline\rend 链接 ");
	for (int i = 0; i < 300; i++)
		strncat(body, "0123456789", sizeof body - strlen(body) - 1);
	strncat(body, "\n", sizeof body - strlen(body) - 1);
	for (const char *p = body; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n' || *p == '\r') {
			want[w++] = '\r';
			want[w++] = '\n';
		} else {
			want[w++] = *p;
		}
	}
	want[w] = '\0';
	m = msg("s", body);
	assert_int_equal(mail_compose(&sb, &m), MAIL_OK);
	every_line_ends_crlf_and_is_short(sb.buf);
	sep = strstr(sb.buf, "\r\n\r\n");
	assert_non_null(sep);
	unb64(sep + 4, strlen(sep + 4), got, sizeof got);
	assert_string_equal(got, want);
	strbuf_release(&sb);
}

static void header_injection_is_refused(void **state)
{
	static const char *const bad_to[] = {
		"anna@example.org\r\nBcc: eve@evil.example", "anna@example.org\nBcc: x@y.z",
		"anna@example.org, eve@evil.example", "Anna <anna@example.org>", "anna example.org",
		"anna@@example.org", "@example.org", "anna@", "", "a\x7f@b.c", "安娜@example.org",
	};
	static const char *const bad_subject[] = {
		"Reset\r\nBcc: eve@evil.example", "Reset\nBcc: x", "Reset\rX", "Tab\there", "",
		"bidi \xE2\x80\xAE override", "bad \xC3 utf8",
	};
	struct strbuf sb = STRBUF_INIT(1 << 16);
	struct mail_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof bad_to / sizeof bad_to[0]; i++) {
		m = msg("s", "b");
		m.to = bad_to[i];
		assert_int_equal(mail_compose(&sb, &m), MAIL_BAD_TO);
		m = msg("s", "b");
		m.from = bad_to[i];
		assert_int_equal(mail_compose(&sb, &m), MAIL_BAD_FROM);
		assert_int_equal(sb.len, 0); /* nothing written for a refused mail */
	}
	for (size_t i = 0; i < sizeof bad_subject / sizeof bad_subject[0]; i++) {
		m = msg(bad_subject[i], "b");
		assert_int_equal(mail_compose(&sb, &m), MAIL_BAD_SUBJECT);
	}
	m = msg("s", "bad \xFF byte");
	assert_int_equal(mail_compose(&sb, &m), MAIL_BAD_BODY);
	m = msg("s", "b");
	m.msgid = "x>\r\nBcc: y";
	assert_int_equal(mail_compose(&sb, &m), MAIL_BAD_MSGID);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

static void too_big_is_said(void **state)
{
	struct strbuf sb = STRBUF_INIT(200);
	struct mail_msg m = msg("s", "a text longer than what the buffer may hold, "
				"a text longer than what the buffer may hold");

	(void)state;
	assert_int_equal(mail_compose(&sb, &m), MAIL_TOO_BIG);
	strbuf_release(&sb);
}

static void smtp_url_is_checked(void **state)
{
	(void)state;
	/* loopback only by name or address, not a name that starts like one */
	assert_true(smtp_host_is_loopback("smtp://127.0.0.1:2525"));
	assert_true(smtp_host_is_loopback("smtp://localhost"));
	assert_true(smtp_host_is_loopback("smtp://[::1]:25/x"));
	assert_false(smtp_host_is_loopback("smtp://localhost.evil.example"));
	assert_false(smtp_host_is_loopback("smtp://127.evil.example"));
	assert_false(smtp_host_is_loopback("smtp://mail.example.cn"));
	assert_null(smtp_url_check("smtps://mail.example.cn"));
	assert_null(smtp_url_check("smtps://mail.example.cn:465/yingcai.example.cn"));
	assert_null(smtp_url_check("smtp://mail.example.cn:587")); /* STARTTLS required */
	assert_null(smtp_url_check("smtp://127.0.0.1:25"));
	assert_null(smtp_url_check("smtp://localhost"));
	assert_null(smtp_url_check("smtp://[::1]:2525"));
	assert_non_null(smtp_url_check(""));
	assert_non_null(smtp_url_check("http://mail.example.cn"));
	assert_non_null(smtp_url_check("smtp://"));
	assert_non_null(smtp_url_check("smtps://user:secret@mail.example.cn"));
	assert_non_null(smtp_url_check("smtp://mail.example.cn\r\n"));
}

/* mail_config: text parsed as a configuration file, then site_config_mail;
 * its rc, the message in err. */
static int mail_config(const char *text, struct site_config *c, struct arena *a,
		const char **pw, char *err, size_t n)
{
	site_config_defaults(c);
	err[0] = '\0';
	if (site_config_parse(c, a, "t.conf", text, strlen(text), err, n) < 0)
		return -2;
	return site_config_mail(c, a, pw, err, n);
}

static void mail_settings_are_checked_together(void **state)
{
	struct site_config c;
	struct arena a;
	const char *pw;
	char err[512], conf[512], file[] = "/tmp/yc-mail-pw-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	arena_init(&a, 0);
	unsetenv("YINGCAI_SMTP_PASSWORD");
	/* off: nothing needed */
	assert_int_equal(mail_config("", &c, &a, &pw, err, sizeof err), 0);
	assert_null(pw);
	/* on: from and public_url go with it; a '/' ending public_url goes */
	assert_int_equal(mail_config("smtp_url = smtp://127.0.0.1:25\npublic_url = https://p.example/\n",
				     &c, &a, &pw, err, sizeof err), -1);
	assert_non_null(strstr(err, "smtp_from"));
	assert_int_equal(mail_config("smtp_url = smtp://127.0.0.1:25\nsmtp_from = a@b.example\n",
				     &c, &a, &pw, err, sizeof err), -1);
	assert_non_null(strstr(err, "public_url"));
	assert_int_equal(mail_config("smtp_url = smtp://127.0.0.1:25\nsmtp_from = a@b.example\n"
				     "public_url = https://p.example/\n", &c, &a, &pw, err, sizeof err), 0);
	assert_string_equal(c.public_url, "https://p.example");
	assert_int_equal(mail_config("public_url = javascript:alert(1)\n", &c, &a, &pw, err, sizeof err), -1);
	assert_non_null(strstr(err, "public_url"));
	assert_int_equal(mail_config("smtp_url = smtp://u:secret@mail.example\n", &c, &a, &pw, err,
				     sizeof err), -1);
	assert_non_null(strstr(err, "smtp_url: a user or password must not be in the URL"));
	assert_null(strstr(err, "secret"));
	assert_int_equal(mail_config("mail_give_up_seconds = 90000\nmail_keep_seconds = 86400\n",
				     &c, &a, &pw, err, sizeof err), -1);
	assert_non_null(strstr(err, "mail_keep_seconds"));
	/* a user needs a password: from the file (its first line), else the environment */
	assert_int_equal(mail_config("smtp_url = smtps://mail.example\nsmtp_from = a@b.example\n"
				     "public_url = https://p.example\nsmtp_user = yc\n", &c, &a, &pw, err,
				     sizeof err), -1);
	assert_non_null(strstr(err, "smtp_user is set but there is no password"));
	setenv("YINGCAI_SMTP_PASSWORD", "from-env", 1);
	assert_int_equal(mail_config("smtp_url = smtps://mail.example\nsmtp_from = a@b.example\n"
				     "public_url = https://p.example\nsmtp_user = yc\n", &c, &a, &pw, err,
				     sizeof err), 0);
	assert_string_equal(pw, "from-env");
	unsetenv("YINGCAI_SMTP_PASSWORD");
	fd = mkstemp(file);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("S3cret pass\nsecond line\n", f);
	fclose(f);
	snprintf(conf, sizeof conf, "smtp_url = smtps://mail.example\nsmtp_from = a@b.example\n"
		 "public_url = https://p.example\nsmtp_user = yc\nsmtp_password_file = %s\n", file);
	assert_int_equal(mail_config(conf, &c, &a, &pw, err, sizeof err), 0);
	assert_string_equal(pw, "S3cret pass");
	unlink(file);
	assert_int_equal(mail_config(conf, &c, &a, &pw, err, sizeof err), -1);
	assert_non_null(strstr(err, "smtp_password_file"));
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(composes_the_headers_a_server_reads),
		cmocka_unit_test(subject_round_trips_through_rfc2047),
		cmocka_unit_test(body_comes_back_with_crlf),
		cmocka_unit_test(header_injection_is_refused),
		cmocka_unit_test(too_big_is_said),
		cmocka_unit_test(smtp_url_is_checked),
		cmocka_unit_test(mail_settings_are_checked_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
