/* test_strbuf.c - the JSON escaping of strbuf against a byte-by-byte
 * reference, at every length and every position of a byte to escape (the
 * scanner tests 32, 16 and 8 bytes at a time and the tail as the last block
 * of the span, so each boundary is a case), and the cap latching through
 * the escaping appenders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/arena.h"
#include "lib/strbuf.h"

#define MAXLEN 80

/* reference: s[0..n) as a JSON string literal, one byte at a time. */
static size_t reference(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	out[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e = c == '"' ? '"' : c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r'
			: c == '\t' ? 't' : 0;

		if (e) {
			out[o++] = '\\';
			out[o++] = e;
		} else if (c < 0x20) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

/* check: add_json_n, add_json and json_quote_from (after a prefix that has
 * a quote of its own, which must stay as it is) all give the reference. */
static void check(const char *s, size_t n)
{
	char want[6 * MAXLEN + 3];
	size_t wn = reference(s, n, want);
	struct strbuf sb = STRBUF_INIT(1 << 16);
	char z[MAXLEN + 1];

	strbuf_add_json_n(&sb, s, n);
	assert_int_equal(sb.len, wn);
	assert_memory_equal(sb.buf, want, wn);

	/* after text already there, which stays (short strings are copied
	 * before they are tested) */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "ab");
	strbuf_add_json_n(&sb, s, n);
	assert_int_equal(sb.len, 2 + wn);
	assert_memory_equal(sb.buf, "ab", 2);
	assert_memory_equal(sb.buf + 2, want, wn);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_reset(&sb);

	if (!memchr(s, '\0', n)) {
		memcpy(z, s, n);
		z[n] = '\0';
		strbuf_reset(&sb);
		strbuf_add_json(&sb, z);
		assert_int_equal(sb.len, wn);
		assert_memory_equal(sb.buf, want, wn);
	}

	for (size_t pre = 0; pre < 20; pre += 7) {
		size_t from;

		strbuf_reset(&sb);
		strbuf_addrep(&sb, "\"", pre);
		strbuf_addch(&sb, '"');
		from = sb.len;
		strbuf_add(&sb, s, n);
		strbuf_json_quote_from(&sb, from);
		assert_int_equal(sb.len, pre + wn);
		assert_memory_equal(sb.buf + pre, want, wn);
		assert_int_equal(sb.buf[sb.len], '\0');
		for (size_t i = 0; i < pre; i++)
			assert_int_equal(sb.buf[i], '"');
	}
	strbuf_release(&sb);
}

static void json_escaping_matches_reference_everywhere(void **state)
{
	static const char specials[] = {'"', '\\', '\n', '\t', '\x01', '\x1f', '\0'};
	char s[MAXLEN] = {0};
	(void)state;

	for (size_t n = 0; n <= MAXLEN; n++) {
		for (size_t i = 0; i < n; i++)
			s[i] = (char)('a' + i % 26);
		check(s, n); /* plain */
		for (size_t pos = 0; pos < n; pos++) {
			for (size_t k = 0; k < sizeof specials; k++) {
				char keep = s[pos];
				s[pos] = specials[k];
				check(s, n);
				if (pos + 9 < n) { /* and a second one further on */
					char keep2 = s[pos + 9];
					s[pos + 9] = '"';
					check(s, n);
					s[pos + 9] = keep2;
				}
				s[pos] = keep;
			}
		}
	}
}

static void json_escaping_keeps_utf8_and_high_bytes(void **state)
{
	struct strbuf sb = STRBUF_INIT(256);
	(void)state;

	strbuf_add_json(&sb, "Zhōngguāncūn — «中关村» \x7f\xff");
	assert_string_equal(sb.buf, "\"Zhōngguāncūn — «中关村» \x7f\xff\"");
	strbuf_release(&sb);
}

/* Text a user typed, shown on a terminal: no control character, no
 * bidirectional override gets through; everything else is as typed. */
static void shown_text_escapes_controls(void **state)
{
	struct strbuf sb = STRBUF_INIT(1024);
	(void)state;

	strbuf_add_shown(&sb, "Anna\x1b[31m\n\x7f\xc2\x85\xe2\x80\xae" "evil\xe2\x81\xa6 "
			 "\xe5\xbc\xa0 Ren\xc3\xa9 \xe2\x80\x94");
	assert_string_equal(sb.buf, "Anna\\u001b[31m\\u000a\\u007f\\u0085\\u202eevil\\u2066 "
			    "\xe5\xbc\xa0 Ren\xc3\xa9 \xe2\x80\x94");
	assert_int_equal(strbuf_control_len("\xe2\x80\x8f"), 3);
	assert_int_equal(strbuf_control_len("\xe2\x80\x94"), 0); /* an em dash */
	assert_int_equal(strbuf_control_len("\xc2\xa0"), 0);     /* no-break space */
	assert_int_equal(strbuf_control_len(""), 0);
	assert_int_equal(strbuf_control_len("\xe2\x80\xa8"), 3); /* line separator */
	assert_int_equal(strbuf_control_len("\xd8\x9c"), 2);     /* Arabic letter mark */
	/* a slice that ends inside a character is not read past its end */
	assert_int_equal(strbuf_control_len_n("\xe2\x80\xae", 2), 0);
	assert_int_equal(strbuf_control_len_n("\xe2\x80\xae", 3), 3);
	strbuf_release(&sb);
}

/* An argument or a file name in a message: controls as \uXXXX, and bytes
 * that are not UTF-8 (overlong forms, surrogates, stray bytes, a cut
 * character) as \xNN, so the message is UTF-8 text. */
static void shown_arg_escapes_controls_and_bytes(void **state)
{
	struct strbuf sb = STRBUF_INIT(1024);
	(void)state;

	strbuf_add_shown_arg(&sb, "a\x1b[2J\xff\xc0\x80\xed\xa0\x80\xe5\xbc\xa0\xf4\x90\x80\x80"
			     "\xe2\x80\xae" "b\xe5\xbc");
	assert_string_equal(sb.buf, "a\\u001b[2J\\xFF\\xC0\\x80\\xED\\xA0\\x80\xe5\xbc\xa0"
			    "\\xF4\\x90\\x80\\x80\\u202eb\\xE5\\xBC");
	assert_int_equal(strbuf_utf8_len("\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(strbuf_utf8_len("\xf0\x9f\x98", 3), 0);
	assert_int_equal(strbuf_utf8_len("\xc1\xbf", 2), 0);
	assert_int_equal(strbuf_utf8_len("", 0), 0);
	strbuf_release(&sb);
}

/* A value in a message: JSON-quoted, and every control character, C1 and
 * bidirectional ones too, as \uXXXX. */
static void json_quoted_escapes_every_control(void **state)
{
	struct arena a;
	(void)state;

	arena_init(&a, 0);
	assert_string_equal(strbuf_json_quoted(&a, "a\"b\\\x1b\x7f\xc2\x9b\xe2\x80\xae" "z"),
			    "\"a\\\"b\\\\\\u001b\\u007f\\u009b\\u202ez\"");
	arena_release(&a);
}

static void json_escaping_latches_at_the_cap(void **state)
{
	struct strbuf sb = STRBUF_INIT(10);
	char fixed[8];
	(void)state;

	strbuf_add_json(&sb, "12345678"); /* 10 bytes with the quotes: fits */
	assert_false(sb.failed);
	assert_string_equal(sb.buf, "\"12345678\"");
	strbuf_add_json(&sb, "");
	assert_true(sb.failed);
	assert_int_equal(sb.len, 10);
	strbuf_release(&sb);

	strbuf_init_fixed(&sb, fixed, sizeof fixed);
	strbuf_addstr(&sb, "ab\"");
	strbuf_json_quote_from(&sb, 0); /* "ab\\\"\"" is 6 bytes: fits */
	assert_false(sb.failed);
	assert_string_equal(sb.buf, "ab\\\"\"");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "\n\n\n");
	strbuf_json_quote_from(&sb, 0); /* 7 bytes needed, 7 the cap */
	assert_false(sb.failed);
	assert_string_equal(sb.buf, "\\n\\n\\n\"");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "\x01");
	strbuf_json_quote_from(&sb, 0); /* \u0001 and the quote: 7 */
	assert_false(sb.failed);
	strbuf_json_quote_from(&sb, 0); /* one more byte: past the cap */
	assert_true(sb.failed);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_escaping_matches_reference_everywhere),
		cmocka_unit_test(json_escaping_keeps_utf8_and_high_bytes),
		cmocka_unit_test(json_escaping_latches_at_the_cap),
		cmocka_unit_test(shown_text_escapes_controls),
		cmocka_unit_test(shown_arg_escapes_controls_and_bytes),
		cmocka_unit_test(json_quoted_escapes_every_control),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
