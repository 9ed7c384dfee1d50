/* uscc.h - unified social credit codes (统一社会信用代码, GB 32100-2015).
 *
 * A code is 18 characters from 0-9 and the capital letters except I, O, S,
 * V, Z:
 *   1      registration department (登记管理部门): 1-9, A, N or Y
 *   2      organisation type (机构类别), one the department defines
 *   3-8    administrative division of the registering office (GB/T 2260),
 *          digits
 *   9-17   organisation code (GB 11714): 8 characters and a check character
 *          (weights 3 7 9 10 5 8 4 2, mod 11; 10 is X, 11 is 0)
 *   18     check character over the first 17 (GB/T 17710, mod 31)
 * The department and type table is GB 32100-2015 appendix A as amended
 * (the first edition listed only departments 1, 5, 9 and Y).
 *
 * Pure: no allocation, no I/O.  Positions in messages count characters
 * from 1; bad_pos is a byte offset into the input.
 */
#ifndef YC_USCC_H
#define YC_USCC_H

#include <stddef.h>

#define USCC_LEN 18
/* A buffer this large always holds a whole uscc_explain() reason. */
#define USCC_REASON_MAX 256

enum uscc_rc {
	USCC_OK = 0,
	USCC_EMPTY,          /* nothing given */
	USCC_SEPARATOR,      /* a space, hyphen or other separator */
	USCC_FULL_WIDTH,     /* a full-width (全角) character */
	USCC_NON_ASCII,      /* any other non-ASCII character */
	USCC_TOO_SHORT,      /* fewer than 18 characters */
	USCC_TOO_LONG,       /* more than 18 characters */
	USCC_LOWER_CASE,     /* a lower-case letter */
	USCC_UNUSED_LETTER,  /* I, O, S, V or Z */
	USCC_BAD_CHAR,       /* punctuation or a control character */
	USCC_BAD_DEPARTMENT, /* position 1 is no department's code */
	USCC_BAD_TYPE,       /* position 2 is no type of that department */
	USCC_BAD_DIVISION,   /* positions 3-8 are not all digits */
	USCC_BAD_CHECK,      /* position 18 disagrees with the first 17 */
	USCC_BAD_ORG_CHECK,  /* position 17 disagrees with positions 9-16 */
};

/* uscc_check: validate s[0..n) (not NUL-terminated).  Returns USCC_OK or
 * the first problem; *bad_pos (may be NULL) is then the byte offset of the
 * offending character (n for a length problem). */
enum uscc_rc uscc_check(const char *s, size_t n, size_t *bad_pos);
/* uscc_rc_message: a general English sentence for rc (no details). */
const char *uscc_rc_message(enum uscc_rc rc);
/* uscc_explain: check s[0..n) and write to buf[0..size) a reason naming the
 * position and character and saying how to fix it ("" when valid; never
 * truncated when size >= USCC_REASON_MAX).  Returns the check's rc. */
enum uscc_rc uscc_explain(const char *s, size_t n, char *buf, size_t size);
/* uscc_check_char: the check character (position 18) the 17 characters
 * s[0..17) give, or 0 when one of them is outside the charset. */
char uscc_check_char(const char *s);
/* uscc_org_check_char: the GB 11714 check character the 8 characters
 * s[0..8) give, or 0 when one of them is outside the charset. */
char uscc_org_check_char(const char *s);

#endif
