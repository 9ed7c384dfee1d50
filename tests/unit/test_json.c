/* test_json.c - the strict JSON layer: what jsmn lets through and we refuse,
 * string decoding, numbers, positions, the token array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/arena.h"
#include "lib/json.h"
#include "lib/jsondec.h"

static struct json_parser P;

static int setup(void **state)
{
	(void)state;
	json_parser_init(&P, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	json_parser_release(&P);
	return 0;
}

static enum json_rc parse(const char *s, struct json_doc *doc, struct json_error *err)
{
	return json_parse(&P, s, strlen(s), doc, err);
}

/* only_ws: s[from..) is JSON whitespace. */
static bool only_ws(const char *s, size_t from)
{
	return s[from + strspn(s + from, " \t\r\n")] == '\0';
}

static void ok(const char *s)
{
	static json_tok want[64];
	struct json_doc doc;
	struct json_error err;
	size_t end;
	unsigned n;

	if (parse(s, &doc, &err) != JSON_OK)
		fail_msg("rejected %s: %zu %s", s, err.off, err.reason);
	/* json_scan_value, the fast way, gives the very same tokens */
	n = doc.ntoks < 64 ? doc.ntoks : 64;
	memcpy(want, doc.toks, n * sizeof *want);
	if (json_scan_value(&P, s, strlen(s), &doc, &end) != JSON_OK)
		fail_msg("json_scan_value rejected %s", s);
	if (!only_ws(s, end) || !doc.checked || doc.ntoks != n)
		fail_msg("json_scan_value %s: end %zu, %u tokens, want %u", s, end, doc.ntoks, n);
	for (unsigned i = 0; i < n; i++) {
		const json_tok *a = &doc.toks[i], *b = &want[i];
		if (a->type != b->type || a->start != b->start || a->end != b->end ||
		    a->size != b->size || a->parent != b->parent)
			fail_msg("json_scan_value %s: token %u is %d %d-%d size %d parent %d, want "
				 "%d %d-%d size %d parent %d", s, i, a->type, a->start, a->end, a->size,
				 a->parent, b->type, b->start, b->end, b->size, b->parent);
	}
}

/* bad: s is refused at byte off with a reason containing why. */
static void bad(const char *s, size_t off, const char *why)
{
	struct json_doc doc;
	struct json_error err;
	size_t end;

	if (parse(s, &doc, &err) != JSON_EINPUT)
		fail_msg("accepted %s", s);
	if (err.off != off || !strstr(err.reason, why))
		fail_msg("%s: got %zu \"%s\", want %zu \"%s\"", s, err.off, err.reason, off, why);
	/* the fast way refuses it too, or takes only a first value that is
	 * followed by more than whitespace */
	if (json_scan_value(&P, s, strlen(s), &doc, &end) == JSON_OK && only_ws(s, end))
		fail_msg("json_scan_value accepted %s", s);
}

static void accepts_valid_json(void **state)
{
	(void)state;
	ok("{}");
	ok("[]");
	ok(" {\"a\": [1, -0, 0.5, -12.34e-5, 1E+2, 1e10, true, false, null, \"x\"]}\n");
	ok("{\"a\":{\"b\":{\"c\":[[],{}]}}}");
	ok("\"just a string\"");
	ok("123");
	ok("-1.5 ");
	ok("{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"}");
	ok("{\"utf8\":\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"}");
}

static void refuses_what_jsmn_accepts(void **state)
{
	(void)state;
	bad("[1,,2]", 3, "expected a value after ','");
	bad("[,1]", 1, "expected a value or ']'");
	bad("[1,]", 2, "trailing comma before ']'");
	bad("{\"a\":1,}", 6, "trailing comma before '}'");
	bad("{\"a\" \"b\"}", 5, "expected ':' after a key");
	bad("{\"a\":1 \"b\":2}", 7, "expected ',' or '}' after a value");
	bad("{\"a\":1:2}", 5, "invalid number '1:2'");
	bad("{\"a\":\"x\":2}", 8, "expected ',' or '}'");
	bad("[\"a\":1]", 4, "expected ',' or ']'");
	bad("{\"a\"}", 4, "expected ':' after a key, got '}'");
	bad("{\"a\":}", 5, "expected a value after ':', got '}'");
	bad("{\"a\"::1}", 5, "expected a value after ':'");
	bad("{} {}", 3, "unexpected text after the JSON value");
	bad("{}x", 2, "");
	bad("1 2", 3, "");
}

static void refuses_bad_primitives(void **state)
{
	(void)state;
	/* a slip the message names, with the number meant */
	bad("[01]", 1, "invalid number '01': a number must not start with 0 (write 1)");
	bad("[007.5]", 1, "invalid number '007.5': a number must not start with 0 (write 7.5)");
	bad("[-04]", 1, "invalid number '-04': a number must not start with 0 (write -4)");
	bad("[1.]", 1, "invalid number '1.': a decimal point must be followed by a digit "
	    "(write 1)");
	bad("[+1]", 1, "invalid number '+1': a number must not start with '+' (write 1)");
	bad("[.5]", 1, "invalid number '.5': a number must not start with '.' (write 0.5)");
	bad("{\"a\": +12.5}", 6, "invalid number '+12.5': a number must not start with '+' "
	    "(write 12.5)");
	bad("[-]", 1, "invalid number '-'");
	bad("[1.e5]", 1, "invalid number");
	bad("[1e]", 1, "invalid number");
	bad("[1e+]", 1, "invalid number");
	bad("[-01]", 1, "invalid number");
	bad("[tru]", 1, "invalid literal 'tru' (expected true, false or null)");
	bad("[nul]", 1, "invalid literal");
	bad("[truee]", 1, "invalid literal");
	bad("[falsey]", 1, "invalid literal");
	bad("tru", 0, "invalid literal");
	bad("[+]", 1, "unexpected character '+'");
	bad("[.x]", 1, "unexpected character '.'");
	bad("[True]", 1, "unexpected character");
	bad("[NaN]", 1, "unexpected character");
}

static void refuses_bad_strings(void **state)
{
	(void)state;
	bad("[\"a\tb\"]", 3, "control character");
	bad("[\"a\nb\"]", 3, "control character");
	bad("[\"\\x\"]", 2, "invalid escape '\\x'; the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r "
	    "\\t \\uXXXX");
	bad("[\"ab\\'\"]", 4, "invalid escape '\\''");
	bad("[\"\\u12G4\"]", 2, "invalid \\u escape");
	bad("[\"\\ud83d\"]", 2, "unpaired surrogate");
	bad("[\"\\ud83dx\"]", 2, "unpaired surrogate");
	bad("[\"\\ud83d\\u0041\"]", 2, "unpaired surrogate");
	bad("[\"\\ude00\"]", 2, "unpaired surrogate");
	bad("[\"\xc3\"]", 2, "invalid UTF-8");
	bad("[\"\xc0\x80\"]", 2, "invalid UTF-8");        /* overlong NUL */
	bad("[\"\xe0\x80\xaf\"]", 2, "invalid UTF-8");    /* overlong '/' */
	bad("[\"\xed\xa0\x80\"]", 2, "invalid UTF-8");    /* encoded surrogate */
	bad("[\"\xf4\x90\x80\x80\"]", 2, "invalid UTF-8"); /* above U+10FFFF */
	bad("[\"ok\xff\"]", 4, "invalid UTF-8");
	bad("[\"abc", 1, "unterminated string");
	/* jsmn takes a line break into the string; the cause is the quote. */
	bad("{\"a\": \"x\n, \"b\": 1}\n", 8, "line break inside a string (missing closing quote?)");
}

static void refuses_structure_errors(void **state)
{
	struct json_doc doc;
	struct json_error err;
	char deep[200];

	(void)state;
	bad("", 0, "empty input");
	bad("   ", 3, "empty input");
	bad("{\"a\":1", 6, "unexpected end of input (expected '}')");
	bad("[1, [2]", 7, "expected ']'");
	bad("{\"a\":1]", 6, "unexpected character ']'");
	bad("}", 0, "unexpected character '}'");
	bad("{1:2}", 1, "unexpected character '1'");
	bad("[\"\xe4\xb8\xad\" @]", 7, "unexpected character '@'");
	assert_int_equal(json_parse(&P, "{\"a\":1}\0x", 9, &doc, &err), JSON_EINPUT);
	assert_int_equal(err.off, 7);
	assert_string_equal(err.reason, "NUL byte in the input");
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	assert_int_equal(json_parse(&P, deep, 200, &doc, &err), JSON_EINPUT);
	assert_int_equal(err.off, JSON_MAX_DEPTH);
	assert_non_null(strstr(err.reason, "nested more than 64"));
	assert_int_equal(json_parse(&P, deep + 100 - 64, 128, &doc, &err), JSON_OK);
}

static void tokenize_leaves_the_checks_to_the_walker(void **state)
{
	struct json_doc doc;
	struct json_error err;

	(void)state;
	/* jsmn alone takes [1,,2]; the gap check between 1 and 2 does not. */
	assert_int_equal(json_tokenize(&P, "[1,,2]", 6, &doc, &err), JSON_OK);
	assert_int_equal(doc.ntoks, 3);
	assert_true(json_gap_ok(&doc, 1, 1, JSON_GAP_ARR_FIRST, &err));
	assert_false(json_gap_ok(&doc, 2, 4, JSON_GAP_ARR_NEXT, &err));
	assert_int_equal(err.off, 3);
	assert_string_equal(err.reason, "expected a value after ',', got ','");
	assert_true(json_gap_ok(&doc, 2, 3, JSON_GAP_ARR_NEXT, &err));
	assert_true(json_gap_ok(&doc, 2, 6, JSON_GAP_ARR_NEXT, &err) == false);
	/* Token checks: a literal jsmn accepts, a string with an escape. */
	assert_int_equal(json_tokenize(&P, "[tru, \"a\\nb\", \"ab\"]", 19, &doc, &err),
			 JSON_OK);
	assert_false(json_token_ok(&doc, 1, &err));
	assert_string_equal(err.reason, "invalid literal 'tru' (expected true, false or null)");
	assert_true(json_token_ok(&doc, 2, &err));
	assert_true(json_str_has_escapes(&doc, 2));
	assert_true(json_token_ok(&doc, 3, &err));
	assert_false(json_str_has_escapes(&doc, 3));
	/* A child jsmn counted that is not there. */
	assert_int_equal(json_tokenize(&P, "{\"a\"}", 5, &doc, &err), JSON_OK);
	assert_int_equal(doc.ntoks, 2);
	json_missing(&doc, 4, 4, JSON_GAP_OBJ_VALUE, &err);
	assert_int_equal(err.off, 4);
	assert_string_equal(err.reason, "expected ':' after a key, got '}'");
}

/* json_scan_value gives up, without reading past the text, on a value the
 * text cuts short: a stream hands it whatever the buffer holds. */
static void scan_value_gives_up_on_a_cut_value(void **state)
{
	static const char *const cut[] = {
		"\"ab\\", "{\"a\": \"b\\", "[\"\\", "{\"a\\", "{\"a\": [1, 2", "{\"a\"",
		"{\"a\": \"0123456789abcdef0123456789\\", "tru", "[1, {}",
	};
	struct json_doc doc;
	size_t end;

	(void)state;
	for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
		size_t n = strlen(cut[i]);
		char *copy = malloc(n); /* exactly n bytes: ASan sees a read past them */

		assert_non_null(copy);
		memcpy(copy, cut[i], n);
		if (json_scan_value(&P, copy, n, &doc, &end) != JSON_EINPUT)
			fail_msg("json_scan_value took %s", cut[i]);
		free(copy);
	}
}

static void decodes_strings(void **state)
{
	const char *s = "[\"plain\", \"a\\nb\", \"caf\\u00e9\", \"\\ud83d\\ude00!\", "
			"\"\\\"\\\\\\/\\b\\f\\r\\t\", \"nul\\u0000\", \"\\u4e2d\"]";
	struct json_doc doc;
	struct json_error err;
	struct arena a;
	const char *out;
	size_t n;
	char buf[8];

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(parse(s, &doc, &err), JSON_OK);
	assert_int_equal(doc.ntoks, 8);
	assert_int_equal(json_str_dup(&doc, 1, &a, &out, &n), JSON_STR_OK);
	assert_string_equal(out, "plain");
	assert_int_equal(n, 5);
	assert_false(json_str_has_escapes(&doc, 1));
	assert_int_equal(json_str_dup(&doc, 2, &a, &out, &n), JSON_STR_OK);
	assert_string_equal(out, "a\nb");
	assert_int_equal(json_str_dup(&doc, 3, &a, &out, &n), JSON_STR_OK);
	assert_string_equal(out, "caf\xc3\xa9");
	assert_int_equal(json_str_dup(&doc, 4, &a, &out, &n), JSON_STR_OK);
	assert_string_equal(out, "\xf0\x9f\x98\x80!");
	assert_int_equal(n, 5);
	assert_int_equal(json_str_dup(&doc, 5, &a, &out, &n), JSON_STR_OK);
	assert_string_equal(out, "\"\\/\b\f\r\t");
	assert_int_equal(json_str_dup(&doc, 6, &a, &out, &n), JSON_STR_NUL);
	assert_int_equal(json_str_copy(&doc, 7, buf, sizeof buf, &n), JSON_STR_OK);
	assert_string_equal(buf, "\xe4\xb8\xad");
	assert_int_equal(json_str_copy(&doc, 5, buf, sizeof buf, &n), JSON_STR_SPACE);
	/* Decoding on its own refuses lone surrogates and bad escapes. */
	assert_int_equal(json_str_unescape("\\ud83d", 6, buf, &n), JSON_STR_BAD);
	assert_int_equal(json_str_unescape("\\ude00", 6, buf, &n), JSON_STR_BAD);
	assert_int_equal(json_str_unescape("\\q", 2, buf, &n), JSON_STR_BAD);
	assert_int_equal(json_str_unescape("\\u00", 4, buf, &n), JSON_STR_BAD);
	arena_release(&a);
}

static void compares_strings(void **state)
{
	struct json_doc doc;
	struct json_error err;

	(void)state;
	assert_int_equal(parse("[\"education\", \"\\u0065ducation\", \"caf\\u00e9\", \"a\\\\b\"]",
			       &doc, &err), JSON_OK);
	assert_true(json_str_eq(&doc, 1, "education", 9));
	assert_false(json_str_eq(&doc, 1, "educatio", 8));
	assert_false(json_str_eq(&doc, 1, "educations", 10));
	assert_true(json_str_eq(&doc, 2, "education", 9));
	assert_false(json_str_eq(&doc, 2, "educatioN", 9));
	assert_false(json_str_eq(&doc, 2, "educationx", 10));
	assert_true(json_str_eq(&doc, 3, "caf\xc3\xa9", 5));
	assert_true(json_str_eq(&doc, 4, "a\\b", 3));
	assert_false(json_str_eq(&doc, 4, "a\\\\b", 4));
}

static void parses_integers(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(json_int("0", 1, &v), JSON_NUM_OK);
	assert_int_equal(v, 0);
	assert_int_equal(json_int("-2", 2, &v), JSON_NUM_OK);
	assert_int_equal(v, -2);
	assert_int_equal(json_int("900000", 6, &v), JSON_NUM_OK);
	assert_int_equal(v, 900000);
	assert_int_equal(json_int("9223372036854775807", 19, &v), JSON_NUM_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(json_int("-9223372036854775808", 20, &v), JSON_NUM_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(json_int("9223372036854775808", 19, &v), JSON_NUM_RANGE);
	assert_int_equal(json_int("99999999999999999999999", 23, &v), JSON_NUM_RANGE);
	assert_int_equal(json_int("12.5", 4, &v), JSON_NUM_FRACTION);
	assert_int_equal(json_int("1.0", 3, &v), JSON_NUM_FRACTION);
	assert_int_equal(json_int("1e6", 3, &v), JSON_NUM_EXPONENT);
	assert_int_equal(json_int("1E6", 3, &v), JSON_NUM_EXPONENT);
	assert_int_equal(json_int("01", 2, &v), JSON_NUM_NOT_NUMBER);
	assert_int_equal(json_int("", 0, &v), JSON_NUM_NOT_NUMBER);
	assert_int_equal(json_int("+1", 2, &v), JSON_NUM_NOT_NUMBER);
}

static void parses_decimals(void **state)
{
	points_t p = 0;

	(void)state;
	assert_int_equal(json_decimal("15", 2, &p), JSON_NUM_OK);
	assert_int_equal(p, 1500);
	assert_int_equal(json_decimal("12.5", 4, &p), JSON_NUM_OK);
	assert_int_equal(p, 1250);
	assert_int_equal(json_decimal("12.50", 5, &p), JSON_NUM_OK);
	assert_int_equal(p, 1250);
	assert_int_equal(json_decimal("0.05", 4, &p), JSON_NUM_OK);
	assert_int_equal(p, 5);
	assert_int_equal(json_decimal("-3", 2, &p), JSON_NUM_OK);
	assert_int_equal(p, -300);
	assert_int_equal(json_decimal("1.234", 5, &p), JSON_NUM_FRACTION);
	assert_int_equal(json_decimal("1.500", 5, &p), JSON_NUM_FRACTION);
	assert_int_equal(json_decimal("1e2", 3, &p), JSON_NUM_EXPONENT);
	assert_int_equal(json_decimal("1.", 2, &p), JSON_NUM_NOT_NUMBER);
	assert_int_equal(json_decimal("99999999999999999999", 20, &p), JSON_NUM_RANGE);
}

static void validates_number_grammar(void **state)
{
	static const char *const good[] = { "0", "-0", "1", "10", "0.0", "-0.5", "1e5", "1E-5",
					    "1e+05", "123.456e789" };
	static const char *const nope[] = { "", "-", "00", "01", "1.", ".1", "1e", "1e+",
					    "+1", "0x1", "1.2.3", "--1", "1-", "Infinity" };

	(void)state;
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++)
		assert_true(json_number_valid(good[k], strlen(good[k])));
	for (size_t k = 0; k < sizeof nope / sizeof nope[0]; k++)
		if (json_number_valid(nope[k], strlen(nope[k])))
			fail_msg("accepted number %s", nope[k]);
}

static void positions_count_lines_and_characters(void **state)
{
	const char *t = "ab\n\xe4\xb8\xad\xe6\x96\x87x\n\n\tz";
	struct json_cursor c;
	uint32_t line, col;

	(void)state;
	json_cursor_init(&c, t, strlen(t), 1, 1);
	json_cursor_at(&c, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	json_cursor_at(&c, 2, &line, &col);
	assert_int_equal(col, 3);
	json_cursor_at(&c, 9, &line, &col); /* 'x' after two CJK characters */
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	json_cursor_at(&c, 13, &line, &col); /* 'z' after a tab */
	assert_int_equal(line, 4);
	assert_int_equal(col, 2);
	json_cursor_at(&c, 1, &line, &col); /* going back restarts */
	assert_int_equal(line, 1);
	assert_int_equal(col, 2);
	json_cursor_at(&c, 1000, &line, &col); /* clamped to the end */
	assert_int_equal(line, 4);
	assert_int_equal(col, 3);
	/* A text that starts mid-line of its file. */
	json_cursor_init(&c, t, strlen(t), 7, 20);
	json_cursor_at(&c, 1, &line, &col);
	assert_int_equal(line, 7);
	assert_int_equal(col, 21);
	json_cursor_at(&c, 4, &line, &col);
	assert_int_equal(line, 8);
	assert_int_equal(col, 2);
}

static void token_array_grows_to_the_cap_and_is_reused(void **state)
{
	struct json_parser small;
	struct json_doc doc;
	struct json_error err;
	size_t n = 2 + 3000 * 2;
	char *big = malloc(n + 1);
	json_tok *first;

	(void)state;
	big[0] = '[';
	for (size_t k = 0; k < 3000; k++) {
		big[1 + 2 * k] = '1';
		big[2 + 2 * k] = ',';
	}
	big[n - 2] = ']';
	big[n - 1] = '\0';
	n -= 1;
	json_parser_init(&small, 1000);
	assert_int_equal(json_parse(&small, big, n, &doc, &err), JSON_ELIMIT);
	assert_non_null(strstr(err.reason, "more than 1000 JSON tokens"));
	assert_int_equal(json_parse(&small, "[1,2]", 5, &doc, &err), JSON_OK);
	json_parser_release(&small);

	assert_int_equal(json_parse(&P, big, n, &doc, &err), JSON_OK);
	assert_int_equal(doc.ntoks, 3001);
	first = P.toks;
	assert_int_equal(json_parse(&P, "[1]", 3, &doc, &err), JSON_OK);
	assert_int_equal(json_parse(&P, big, n, &doc, &err), JSON_OK);
	assert_ptr_equal(P.toks, first);
	assert_int_equal(json_skip(&doc, 0), 3001);
	free(big);
}

static void edit_distance(void **state)
{
	(void)state;
	assert_int_equal(jd_edit_distance("eduction", 8, "education", 9, 2), 1);
	assert_int_equal(jd_edit_distance("eudcation", 9, "education", 9, 2), 1);
	assert_int_equal(jd_edit_distance("title", 5, "title", 5, 2), 0);
	assert_int_equal(jd_edit_distance("abc", 3, "xyz", 3, 2), 3);
	assert_int_equal(jd_edit_distance("a", 1, "abcdef", 6, 2), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_valid_json),
		cmocka_unit_test(refuses_what_jsmn_accepts),
		cmocka_unit_test(refuses_bad_primitives),
		cmocka_unit_test(refuses_bad_strings),
		cmocka_unit_test(refuses_structure_errors),
		cmocka_unit_test(tokenize_leaves_the_checks_to_the_walker),
		cmocka_unit_test(scan_value_gives_up_on_a_cut_value),
		cmocka_unit_test(decodes_strings),
		cmocka_unit_test(compares_strings),
		cmocka_unit_test(parses_integers),
		cmocka_unit_test(parses_decimals),
		cmocka_unit_test(validates_number_grammar),
		cmocka_unit_test(positions_count_lines_and_characters),
		cmocka_unit_test(token_array_grows_to_the_cap_and_is_reused),
		cmocka_unit_test(edit_distance),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
