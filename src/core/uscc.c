/* uscc.c - see uscc.h. */
#include "uscc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/strbuf.h"

/* The 31 characters of the code; a character's value is its index. */
static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static const int weights[USCC_LEN - 1] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

static const int org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

/* GB 32100-2015 appendix A (as amended): departments and their types. */
static const struct department {
	char code;
	const char *types;
	const char *name;
} departments[] = {
	{'1', "1239", "institutional staffing (机构编制)"},
	{'2', "19", "foreign affairs (外交)"},
	{'3', "123459", "justice administration (司法行政)"},
	{'4', "19", "culture (文化)"},
	{'5', "1239", "civil affairs (民政)"},
	{'6', "129", "tourism (旅游)"},
	{'7', "129", "religious affairs (宗教)"},
	{'8', "19", "trade unions (工会)"},
	{'9', "123", "industry and commerce (工商)"},
	{'A', "19", "the Central Military Commission staffing office (中央军委改革和编制办公室)"},
	{'N', "1239", "agriculture (农业)"},
	{'Y', "1", "other departments (其他)"},
};

/* Each character's value + 1 by its code (0: not in the charset): every
 * application's code is checked when it is read, 43 look-ups a code. */
static const unsigned char value_plus_1[128] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['G'] = 17, ['H'] = 18, ['J'] = 19, ['K'] = 20, ['L'] = 21, ['M'] = 22, ['N'] = 23, ['P'] = 24,
	['Q'] = 25, ['R'] = 26, ['T'] = 27, ['U'] = 28, ['W'] = 29, ['X'] = 30, ['Y'] = 31,
};

static int char_value(char c)
{
	unsigned char u = (unsigned char)c;

	return u < 128 ? value_plus_1[u] - 1 : -1;
}

static const struct department *department_find(char c)
{
	for (size_t i = 0; i < sizeof departments / sizeof departments[0]; i++)
		if (departments[i].code == c)
			return &departments[i];
	return NULL;
}

char uscc_check_char(const char *s)
{
	int sum = 0;

	for (int i = 0; i < USCC_LEN - 1; i++) {
		int v = char_value(s[i]);

		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	return charset[(31 - sum % 31) % 31];
}

char uscc_org_check_char(const char *s)
{
	int sum = 0, c;

	for (int i = 0; i < 8; i++) {
		/* GB 11714 values letters A..Z as 10..35 (not the charset index). */
		if (char_value(s[i]) < 0)
			return 0;
		if (s[i] >= '0' && s[i] <= '9')
			sum += (s[i] - '0') * org_weights[i];
		else
			sum += (s[i] - 'A' + 10) * org_weights[i];
	}
	c = 11 - sum % 11;
	if (c == 10)
		return 'X';
	return c == 11 ? '0' : (char)('0' + c);
}

static bool is_separator(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-';
}

static bool is_unused_letter(char c)
{
	return c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z';
}

/* full_width: the ASCII character the full-width form at s[0..n) stands
 * for (U+FF01..U+FF5E), or 0. */
static char full_width(const unsigned char *s, size_t n)
{
	if (n < 3 || s[0] != 0xEF)
		return 0;
	if (s[1] == 0xBC && s[2] >= 0x81 && s[2] <= 0xBF)
		return (char)(s[2] - 0x60);
	if (s[1] == 0xBD && s[2] >= 0x80 && s[2] <= 0x9E)
		return (char)(s[2] - 0x20);
	return 0;
}

static bool is_ideographic_space(const unsigned char *s, size_t n)
{
	return n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80;
}

/* check_bytes: separators and non-ASCII, before the length is judged. */
static enum uscc_rc check_bytes(const char *s, size_t n, size_t *pos)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *u = (const unsigned char *)s + i;

		*pos = i;
		if (is_separator(*u) || is_ideographic_space(u, n - i))
			return USCC_SEPARATOR;
		if (*u >= 0x80)
			return full_width(u, n - i) ? USCC_FULL_WIDTH : USCC_NON_ASCII;
	}
	return USCC_OK;
}

static enum uscc_rc check_chars(const char *s, size_t *pos)
{
	for (size_t i = 0; i < USCC_LEN; i++) {
		char c = s[i];

		*pos = i;
		if (c >= 'a' && c <= 'z')
			return is_unused_letter((char)(c - 32)) ? USCC_UNUSED_LETTER
								: USCC_LOWER_CASE;
		if (is_unused_letter(c))
			return USCC_UNUSED_LETTER;
		if (char_value(c) < 0)
			return USCC_BAD_CHAR;
	}
	return USCC_OK;
}

static enum uscc_rc check_parts(const char *s, size_t *pos)
{
	const struct department *dep = department_find(s[0]);

	*pos = 0;
	if (!dep)
		return USCC_BAD_DEPARTMENT;
	*pos = 1;
	if (!strchr(dep->types, s[1]))
		return USCC_BAD_TYPE;
	for (size_t i = 2; i < 8; i++) {
		*pos = i;
		if (s[i] < '0' || s[i] > '9')
			return USCC_BAD_DIVISION;
	}
	*pos = 17;
	if (uscc_check_char(s) != s[17])
		return USCC_BAD_CHECK;
	*pos = 16;
	if (uscc_org_check_char(s + 8) != s[16])
		return USCC_BAD_ORG_CHECK;
	return USCC_OK;
}

/* all_in_charset: s[0..USCC_LEN) are characters of the code: then no
 * byte or character error can apply (they only say which one is wrong). */
static bool all_in_charset(const char *s)
{
	for (size_t i = 0; i < USCC_LEN; i++)
		if (char_value(s[i]) < 0)
			return false;
	return true;
}

enum uscc_rc uscc_check(const char *s, size_t n, size_t *bad_pos)
{
	enum uscc_rc rc;
	size_t pos = 0;

	/* the usual code, read with every application: only its parts to check */
	if (n == USCC_LEN && all_in_charset(s)) {
		rc = check_parts(s, &pos);
		goto out;
	}
	if (n == 0) {
		rc = USCC_EMPTY;
		goto out;
	}
	rc = check_bytes(s, n, &pos);
	if (rc != USCC_OK)
		goto out;
	pos = n;
	if (n != USCC_LEN) {
		rc = n < USCC_LEN ? USCC_TOO_SHORT : USCC_TOO_LONG;
		goto out;
	}
	rc = check_chars(s, &pos);
	if (rc == USCC_OK)
		rc = check_parts(s, &pos);
out:
	if (bad_pos)
		*bad_pos = rc == USCC_OK ? 0 : pos;
	return rc;
}

const char *uscc_rc_message(enum uscc_rc rc)
{
	switch (rc) {
	case USCC_OK:
		return "valid";
	case USCC_EMPTY:
		return "empty: a unified social credit code has 18 characters";
	case USCC_SEPARATOR:
		return "contains a space or hyphen: write the 18 characters without separators";
	case USCC_FULL_WIDTH:
		return "contains a full-width character: type the code in half-width (ASCII) characters";
	case USCC_NON_ASCII:
		return "contains a character other than the digits 0-9 and capital letters";
	case USCC_TOO_SHORT:
		return "too short: a unified social credit code has 18 characters";
	case USCC_TOO_LONG:
		return "too long: a unified social credit code has 18 characters";
	case USCC_LOWER_CASE:
		return "contains a lower-case letter: codes use capital letters";
	case USCC_UNUSED_LETTER:
		return "contains one of the letters I, O, S, V, Z, which codes never use";
	case USCC_BAD_CHAR:
		return "contains a character other than the digits 0-9 and capital letters";
	case USCC_BAD_DEPARTMENT:
		return "position 1 is not a registration department code (1-9, A, N or Y)";
	case USCC_BAD_TYPE:
		return "position 2 is not an organisation type of the department in position 1";
	case USCC_BAD_DIVISION:
		return "positions 3-8 (the administrative division code) must be digits";
	case USCC_BAD_CHECK:
		return "the check character (position 18) does not match the first 17 characters: "
		       "a character was probably mistyped";
	case USCC_BAD_ORG_CHECK:
		return "the organisation code's check character (position 17) does not match "
		       "positions 9-16: a character was probably mistyped";
	}
	return "not a unified social credit code";
}

static const char *separator_name(const unsigned char *u)
{
	switch (*u) {
	case ' ': return "a space";
	case '\t': return "a tab";
	case '\n': case '\r': return "a line break";
	case '-': return "a hyphen";
	}
	return "a full-width space";
}

static const char *unused_hint(char c)
{
	switch (c) {
	case 'I': case 'i': return ": did you mean the digit 1?";
	case 'O': case 'o': return ": did you mean the digit 0?";
	case 'S': case 's': return ": did you mean the digit 5?";
	case 'Z': case 'z': return ": did you mean the digit 2?";
	}
	return ": check the code on the business licence";
}

static void explain_non_ascii(const char *s, size_t n, size_t pos, char *buf, size_t size)
{
	const unsigned char *u = (const unsigned char *)s + pos;
	size_t len = strbuf_utf8_len(s + pos, n - pos), ctl = strbuf_control_len_n(s + pos, n - pos);
	char ascii = full_width(u, n - pos);

	if (ctl) /* never sent to a terminal as it is */
		snprintf(buf, size, "control character U+%04X at position %zu is not used in "
			 "codes: they have only the digits 0-9 and capital letters",
			 (unsigned)strbuf_control_cp(s + pos, ctl), pos + 1);
	else if (ascii)
		snprintf(buf, size, "full-width character '%.3s' at position %zu: type the "
			 "code in half-width (ASCII) characters ('%c')", s + pos, pos + 1, ascii);
	else if (len)
		snprintf(buf, size, "character '%.*s' at position %zu is not used in codes: "
			 "they have only the digits 0-9 and capital letters",
			 (int)len, s + pos, pos + 1);
	else
		snprintf(buf, size, "byte 0x%02X at position %zu is not a character codes use "
			 "(not UTF-8 text): they have only the digits 0-9 and capital letters",
			 *u, pos + 1);
}

static void explain_length(const char *s, size_t n, char *buf, size_t size)
{
	bool digits = true;

	for (size_t i = 0; i < n; i++)
		digits = digits && s[i] >= '0' && s[i] <= '9';
	if (n == 15 && digits)
		snprintf(buf, size, "15 digits: this looks like an old business registration "
			 "number (注册号); give the 18-character unified social credit code "
			 "printed on the business licence");
	else if (n == 9)
		snprintf(buf, size, "9 characters: this looks like an organisation code "
			 "(组织机构代码); give the 18-character unified social credit code "
			 "printed on the business licence");
	else if (n < USCC_LEN)
		snprintf(buf, size, "%zu character%s; a unified social credit code has 18: "
			 "a character is missing", n, n == 1 ? "" : "s");
	else
		snprintf(buf, size, "%zu characters; a unified social credit code has 18: "
			 "remove the extra characters", n);
}

static void explain_char(enum uscc_rc rc, char c, size_t pos, char *buf, size_t size)
{
	if (rc == USCC_LOWER_CASE)
		snprintf(buf, size, "character '%c' at position %zu is lower case: codes use "
			 "capital letters (write '%c')", c, pos + 1, (char)(c - 32));
	else if (rc == USCC_UNUSED_LETTER)
		snprintf(buf, size, "character '%c' at position %zu is not used in codes (the "
			 "letters I, O, S, V, Z never appear)%s", c, pos + 1, unused_hint(c));
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "character '%c' at position %zu is not allowed: codes use "
			 "only the digits 0-9 and capital letters", c, pos + 1);
	else
		snprintf(buf, size, "control character 0x%02X at position %zu is not allowed: "
			 "codes use only the digits 0-9 and capital letters",
			 (unsigned)(unsigned char)c, pos + 1);
}

/* list_types: "1, 2, 3" for the types "123". */
static const char *list_types(const char *types, char *buf, size_t size)
{
	size_t len = 0;

	for (; *types && len + 4 < size; types++) {
		if (len) {
			buf[len++] = ',';
			buf[len++] = ' ';
		}
		buf[len++] = *types;
	}
	buf[len] = '\0';
	return buf;
}

static void explain_parts(enum uscc_rc rc, const char *s, size_t pos, char *buf, size_t size)
{
	const struct department *dep = department_find(s[0]);
	char types[32];

	switch (rc) {
	case USCC_BAD_DEPARTMENT:
		snprintf(buf, size, "position 1 is '%c', which is no registration department's "
			 "code: it is one of 1-9, A, N or Y (9 for companies)", s[0]);
		break;
	case USCC_BAD_TYPE:
		snprintf(buf, size, "position 2 is '%c', which is not an organisation type of "
			 "department '%c', %s: it is one of %s", s[1], s[0], dep->name,
			 list_types(dep->types, types, sizeof types));
		break;
	case USCC_BAD_DIVISION:
		snprintf(buf, size, "character '%c' at position %zu is not a digit: positions 3-8 "
			 "are the administrative division code (6 digits)", s[pos], pos + 1);
		break;
	case USCC_BAD_CHECK:
		snprintf(buf, size, "check character is '%c' but the first 17 characters give "
			 "'%c': a character was probably mistyped", s[17], uscc_check_char(s));
		break;
	default: /* USCC_BAD_ORG_CHECK */
		snprintf(buf, size, "position 17 is '%c' but the organisation code (positions "
			 "9-16) gives check character '%c' (GB 11714): a character was probably "
			 "mistyped", s[16], uscc_org_check_char(s + 8));
		break;
	}
}

enum uscc_rc uscc_explain(const char *s, size_t n, char *buf, size_t size)
{
	size_t pos;
	enum uscc_rc rc = uscc_check(s, n, &pos);

	if (size == 0)
		return rc;
	buf[0] = '\0';
	switch (rc) {
	case USCC_OK:
		break;
	case USCC_SEPARATOR:
		snprintf(buf, size, "%s at position %zu: write the 18 characters without "
			 "spaces or hyphens", separator_name((const unsigned char *)s + pos), pos + 1);
		break;
	case USCC_FULL_WIDTH:
	case USCC_NON_ASCII:
		explain_non_ascii(s, n, pos, buf, size);
		break;
	case USCC_EMPTY:
	case USCC_TOO_SHORT:
	case USCC_TOO_LONG:
		if (rc == USCC_EMPTY)
			snprintf(buf, size, "%s", uscc_rc_message(rc));
		else
			explain_length(s, n, buf, size);
		break;
	case USCC_LOWER_CASE:
	case USCC_UNUSED_LETTER:
	case USCC_BAD_CHAR:
		explain_char(rc, s[pos], pos, buf, size);
		break;
	default:
		explain_parts(rc, s, pos, buf, size);
		break;
	}
	return rc;
}
