/* test_uscc.c - unified social credit code validation (core/uscc.h).
 *
 * The valid codes are real ones published in public sources: the standard's
 * own example (GB 32100-2015), codes quoted in python-stdnum's and
 * issue9/validation's test data, and those of two universities printed on
 * their payment notices.  Each error kind is checked for its rc, the
 * offending position and the words of the reason a user reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/uscc.h"

static const char *const valid_codes[] = {
	"91350100M000100Y43", /* GB 32100-2015's example */
	"91110000600037341L", /* python-stdnum doctest */
	"91110108795101314G", /* issue9/validation test data */
	"914403001922038216", /* issue9/validation test data */
	"91310000MA1K35Y38P", /* issue9/validation test data */
	"12100000470095016Q", /* Zhejiang University (public institution) */
	"12100000425006117P", /* Fudan University (public institution) */
	"53100000500019795A", /* a foundation registered with civil affairs */
	"91110108551385082Q", /* the example in formats.md */
};

static enum uscc_rc check(const char *s, size_t *pos)
{
	return uscc_check(s, strlen(s), pos);
}

/* reason: the explanation of s, which must not be truncated. */
static const char *reason(const char *s, enum uscc_rc want)
{
	static char buf[USCC_REASON_MAX];

	assert_int_equal(uscc_explain(s, strlen(s), buf, sizeof buf), want);
	assert_true(strlen(buf) < sizeof buf - 1);
	return buf;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static void test_valid_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof valid_codes / sizeof valid_codes[0]; i++) {
		size_t pos = 99;

		assert_int_equal(check(valid_codes[i], &pos), USCC_OK);
		assert_int_equal(pos, 0);
		assert_string_equal(reason(valid_codes[i], USCC_OK), "");
	}
}

static void test_check_chars(void **state)
{
	(void)state;
	assert_int_equal(uscc_check_char("91350100M000100Y4"), '3');
	assert_int_equal(uscc_check_char("91110108551385082"), 'Q');
	assert_int_equal(uscc_check_char("9135010OM000100Y4"), 0);
	/* GB 11714: weights 3 7 9 10 5 8 4 2; letters count 10..35. */
	assert_int_equal(uscc_org_check_char("M000100Y"), '4');
	assert_int_equal(uscc_org_check_char("55138508"), '2');
	assert_int_equal(uscc_org_check_char("MA1K35Y3"), '8');
}

static void test_org_check_x_and_zero(void **state)
{
	(void)state;
	/* c = 11 - sum % 11; 10 is written X and 11 is written 0. */
	assert_int_equal(uscc_org_check_char("00000010"), '7'); /* sum 4 */
	assert_int_equal(uscc_org_check_char("00000001"), '9'); /* sum 2 */
	assert_int_equal(uscc_org_check_char("00000006"), 'X'); /* sum 12 */
	assert_int_equal(uscc_org_check_char("00000000"), '0'); /* sum 0 */
	assert_int_equal(uscc_org_check_char("0000000A"), '2'); /* A is 10: sum 20 */
	assert_int_equal(uscc_org_check_char("0000000I"), 0);   /* I is never used */
}

static void test_empty(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("", &pos), USCC_EMPTY);
	assert_contains(reason("", USCC_EMPTY), "18 characters");
}

static void test_length(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("9111010855138508Q", &pos), USCC_TOO_SHORT);
	assert_int_equal(pos, 17);
	assert_contains(reason("9111010855138508Q", USCC_TOO_SHORT),
			"17 characters; a unified social credit code has 18");
	assert_int_equal(check("91110108551385082Q1", &pos), USCC_TOO_LONG);
	assert_contains(reason("91110108551385082Q1", USCC_TOO_LONG), "19 characters");
	assert_contains(reason("9", USCC_TOO_SHORT), "1 character;");
	/* an old 15-digit registration number, an organisation code */
	assert_contains(reason("110108551385082", USCC_TOO_SHORT), "registration number");
	assert_contains(reason("551385082", USCC_TOO_SHORT), "organisation code");
}

static void test_separators(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("9111 0108551385082Q", &pos), USCC_SEPARATOR);
	assert_int_equal(pos, 4);
	assert_contains(reason("9111 0108551385082Q", USCC_SEPARATOR), "a space at position 5");
	assert_contains(reason("91110108-551385082Q", USCC_SEPARATOR), "a hyphen at position 9");
	assert_contains(reason("91110108551385082Q\n", USCC_SEPARATOR), "line break");
	assert_contains(reason("\xe3\x80\x80" "91110108551385082Q", USCC_SEPARATOR),
			"full-width space at position 1");
}

static void test_non_ascii(void **state)
{
	size_t pos;
	const char *fw = "9\xef\xbc\x91" "110108551385082Q"; /* U+FF11 full-width 1 */

	(void)state;
	assert_int_equal(check(fw, &pos), USCC_FULL_WIDTH);
	assert_int_equal(pos, 1);
	assert_contains(reason(fw, USCC_FULL_WIDTH), "position 2");
	assert_contains(reason(fw, USCC_FULL_WIDTH), "half-width");
	assert_contains(reason(fw, USCC_FULL_WIDTH), "('1')");
	/* full-width capital Q is U+FF31 */
	assert_contains(reason("91110108551385082\xef\xbc\xb1", USCC_FULL_WIDTH), "('Q')");
	assert_int_equal(check("\xc3\xa9" "1110108551385082Q", &pos), USCC_NON_ASCII);
	assert_contains(reason("\xc3\xa9" "1110108551385082Q", USCC_NON_ASCII), "'\xc3\xa9'");
	/* a broken UTF-8 sequence is named by its byte */
	assert_contains(reason("\xff" "1110108551385082Q", USCC_NON_ASCII), "0xFF");
	assert_contains(reason("91110108551385082\xe3", USCC_NON_ASCII), "0xE3");
	/* an overlong form, a surrogate and a code point past U+10FFFF are not
	 * UTF-8 either: named by their first byte, never echoed raw */
	assert_contains(reason("\xc0\x80" "110108551385082Q", USCC_NON_ASCII), "byte 0xC0");
	assert_contains(reason("\xed\xa0\x80" "10108551385082Q", USCC_NON_ASCII), "byte 0xED");
	assert_contains(reason("\xf4\x90\x80\x80" "0108551385082Q", USCC_NON_ASCII), "byte 0xF4");
}

static void test_lower_case(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("91110108551385082q", &pos), USCC_LOWER_CASE);
	assert_int_equal(pos, 17);
	assert_contains(reason("91110108551385082q", USCC_LOWER_CASE),
			"'q' at position 18 is lower case");
	assert_contains(reason("91110108551385082q", USCC_LOWER_CASE), "write 'Q'");
	assert_int_equal(check("91350100m000100Y43", &pos), USCC_LOWER_CASE);
	assert_int_equal(pos, 8);
}

static void test_unused_letters(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("91110108O51385082Q", &pos), USCC_UNUSED_LETTER);
	assert_int_equal(pos, 8);
	assert_contains(reason("91110108O51385082Q", USCC_UNUSED_LETTER),
			"character 'O' at position 9 is not used in codes (the letters I, O, S, V, Z "
			"never appear): did you mean the digit 0?");
	assert_contains(reason("9111010855I385082Q", USCC_UNUSED_LETTER), "digit 1");
	assert_contains(reason("91110108551385S82Q", USCC_UNUSED_LETTER), "digit 5");
	assert_contains(reason("9111010855138508ZQ", USCC_UNUSED_LETTER), "digit 2");
	assert_contains(reason("911101085513850V2Q", USCC_UNUSED_LETTER), "'V' at position 16");
	/* a lower-case o is still the letter O, never used */
	assert_contains(reason("91110108o51385082Q", USCC_UNUSED_LETTER), "digit 0");
}

static void test_bad_char(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("9111010855138508#Q", &pos), USCC_BAD_CHAR);
	assert_int_equal(pos, 16);
	assert_contains(reason("9111010855138508#Q", USCC_BAD_CHAR), "'#' at position 17");
	assert_contains(reason("9111010855138508\x01Q", USCC_BAD_CHAR), "0x01 at position 17");
}

static void test_department(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("01110108551385082Q", &pos), USCC_BAD_DEPARTMENT);
	assert_int_equal(pos, 0);
	assert_contains(reason("B1110108551385082Q", USCC_BAD_DEPARTMENT), "position 1 is 'B'");
	/* every department of the table is accepted in position 1 */
	assert_int_not_equal(check("21110108551385082Q", &pos), USCC_BAD_DEPARTMENT);
	assert_int_not_equal(check("A1110108551385082Q", &pos), USCC_BAD_DEPARTMENT);
	assert_int_not_equal(check("N1110108551385082Q", &pos), USCC_BAD_DEPARTMENT);
	assert_int_not_equal(check("Y1110108551385082Q", &pos), USCC_BAD_DEPARTMENT);
}

static void test_type(void **state)
{
	size_t pos;

	(void)state;
	/* industry and commerce has types 1, 2, 3 only */
	assert_int_equal(check("94110108551385082Q", &pos), USCC_BAD_TYPE);
	assert_int_equal(pos, 1);
	assert_contains(reason("99110108551385082Q", USCC_BAD_TYPE), "one of 1, 2, 3");
	/* civil affairs has 9 (other), "other departments" only 1 */
	assert_int_not_equal(check("59110108551385082Q", &pos), USCC_BAD_TYPE);
	assert_int_equal(check("Y2110108551385082Q", &pos), USCC_BAD_TYPE);
	assert_contains(reason("Y2110108551385082Q", USCC_BAD_TYPE), "one of 1");
	assert_int_equal(check("A4110108551385082Q", &pos), USCC_BAD_TYPE);
	assert_contains(reason("A4110108551385082Q", USCC_BAD_TYPE), "one of 1, 9");
}

static void test_division(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("911A0108551385082Q", &pos), USCC_BAD_DIVISION);
	assert_int_equal(pos, 3);
	assert_contains(reason("911A0108551385082Q", USCC_BAD_DIVISION),
			"'A' at position 4 is not a digit");
}

static void test_check_character(void **state)
{
	size_t pos;

	(void)state;
	assert_int_equal(check("91110108551385082R", &pos), USCC_BAD_CHECK);
	assert_int_equal(pos, 17);
	/* one digit mistyped in the middle */
	assert_string_equal(reason("91110108551385092Q", USCC_BAD_CHECK),
			    "check character is 'Q' but the first 17 characters give 'R': "
			    "a character was probably mistyped");
	/* two neighbours swapped */
	assert_int_equal(check("91110108553185082Q", &pos), USCC_BAD_CHECK);
	/* a code quoted in a blog post whose check character is wrong */
	assert_int_equal(check("91310115MA1H8R7C6D", &pos), USCC_BAD_CHECK);
}

static void test_org_check(void **state)
{
	size_t pos;

	(void)state;
	/* position 17 changed and 18 recomputed to match: only GB 11714 fails */
	assert_int_equal(check("91110108551385083U", &pos), USCC_BAD_ORG_CHECK);
	assert_int_equal(pos, 16);
	assert_contains(reason("91110108551385083U", USCC_BAD_ORG_CHECK),
			"position 17 is '3' but the organisation code (positions 9-16) gives "
			"check character '2'");
	assert_int_equal(check("531000005000197947", &pos), USCC_BAD_ORG_CHECK);
}

static void test_every_rc_has_message(void **state)
{
	(void)state;
	for (int rc = USCC_OK; rc <= USCC_BAD_ORG_CHECK; rc++) {
		const char *m = uscc_rc_message((enum uscc_rc)rc);

		assert_non_null(m);
		assert_true(strlen(m) > 4);
	}
}

static void test_not_nul_terminated(void **state)
{
	char buf[20];
	size_t pos;

	(void)state;
	memcpy(buf, "91350100M000100Y43XX", 20);
	assert_int_equal(uscc_check(buf, 18, &pos), USCC_OK);
	assert_int_equal(uscc_check(buf, 17, &pos), USCC_TOO_SHORT);
	assert_int_equal(uscc_check(buf, 18, NULL), USCC_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_codes),
		cmocka_unit_test(test_check_chars),
		cmocka_unit_test(test_org_check_x_and_zero),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_lower_case),
		cmocka_unit_test(test_unused_letters),
		cmocka_unit_test(test_bad_char),
		cmocka_unit_test(test_department),
		cmocka_unit_test(test_type),
		cmocka_unit_test(test_division),
		cmocka_unit_test(test_check_character),
		cmocka_unit_test(test_org_check),
		cmocka_unit_test(test_every_rc_has_message),
		cmocka_unit_test(test_not_nul_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
