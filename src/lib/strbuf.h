/* strbuf.h - bounded string builder (after git's strbuf and curl's dynbuf).
 *
 * The buffer is never NULL and always NUL-terminated, so `sb.buf` can be
 * used at any time.  Each builder has a hard cap chosen by its user (a form
 * field, a page, a JSON line); growing past it, or running out of memory,
 * latches `failed` and later appends do nothing, so rendering code can stay
 * straight-line and check once at the end.
 */
#ifndef YC_STRBUF_H
#define YC_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf {
	char *buf;    /* NUL-terminated; never NULL */
	size_t len;   /* bytes used, excluding the NUL */
	size_t alloc; /* bytes allocated, 0 while buf points to the static empty */
	size_t cap;   /* hard limit on len */
	bool failed;  /* cap exceeded or out of memory */
	bool fixed;   /* buf is the caller's array of cap + 1 bytes: no malloc */
};

#define STRBUF_INIT(cap_) { (char *)strbuf_empty, 0, 0, (cap_), false, false }
extern const char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t cap);
/* strbuf_init_fixed: build into the caller's array (size bytes, > 0); never
 * allocates, so pure code (src/core/) can use it. */
void strbuf_init_fixed(struct strbuf *sb, char *buf, size_t size);
/* strbuf_release: free the buffer; sb is empty and usable again. */
void strbuf_release(struct strbuf *sb);
/* strbuf_reset: empty the contents (and clear `failed`), keep the memory. */
void strbuf_reset(struct strbuf *sb);
/* strbuf_grow: room for n more bytes (and the NUL) without another
 * allocation; false (and `failed` latched) when that would pass the cap or
 * memory runs out.  The appends below call it only when the buffer is
 * full, so the common append is a compare and a memcpy, inline. */
bool strbuf_grow(struct strbuf *sb, size_t n);

static inline bool strbuf_has_room(const struct strbuf *sb, size_t n)
{
	/* alloc is 0 for the static empty buffer, and never above cap + 1 */
	return !sb->failed && n < sb->alloc - sb->len;
}

static inline void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (!strbuf_has_room(sb, n) && !strbuf_grow(sb, n))
		return;
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

static inline void strbuf_addch(struct strbuf *sb, char c)
{
	if (!strbuf_has_room(sb, 1) && !strbuf_grow(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* strbuf_addrep: c repeated n times. */
void strbuf_addrep(struct strbuf *sb, const char *s, size_t n);
/* strbuf_add_json: s as a JSON string literal, quotes included. */
void strbuf_add_json(struct strbuf *sb, const char *s);
void strbuf_add_json_n(struct strbuf *sb, const char *s, size_t n);
/* strbuf_copy_json_plain: s[0..n) as a JSON string literal, quotes
 * included, at dst (room for n + 2 bytes; no NUL is written), when none of
 * it needs escaping: returns the end of what it wrote.  NULL when some
 * byte needs escaping (dst[0..n + 2) may then hold anything).  For
 * writers that keep their own cursor into a buffer (result_json). */
char *strbuf_copy_json_plain(char *dst, const char *s, size_t n);
/* strbuf_json_quote_from: make sb->buf[from..len), text appended after an
 * opening '"', a JSON string literal: escape it in place and close the
 * quote.  For text written straight into the output (result_json). */
void strbuf_json_quote_from(struct strbuf *sb, size_t from);
/* strbuf_add_uint: v in decimal ("%ju" without printf). */
void strbuf_add_uint(struct strbuf *sb, unsigned long long v);
/* strbuf_add_html: s escaped for HTML text and quoted attribute values. */
void strbuf_add_html(struct strbuf *sb, const char *s);
/* strbuf_setlen: truncate to n <= len. */
void strbuf_setlen(struct strbuf *sb, size_t n);

/* strbuf_render: what write(sb, arg) appends, as a NUL-terminated string
 * in arena a; NULL when a is exhausted.  It writes into fixed buffers
 * (no malloc; for pure code), larger ones from a until the text fits. */
struct arena;
typedef void strbuf_writer(struct strbuf *sb, const void *arg);
char *strbuf_render(struct arena *a, strbuf_writer *write, const void *arg);
/* strbuf_control_len: the length of a control character at s (1: C0 or
 * DEL; 2: a C1 control; 3: a Unicode bidirectional control or mark, which
 * can reorder the text around it), else 0.  Text a user typed that goes to
 * a terminal or into a sentence passes through strbuf_add_shown. */
static inline size_t strbuf_control_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	/* Inline, printable ASCII first: callers test every byte of a name. */
	if (u[0] >= 0x20 && u[0] < 0x7f)
		return 0;
	if (u[0] < 0x20 && u[0])
		return 1;
	if (u[0] == 0x7f)
		return 1;
	if (u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F)
		return 2; /* U+0080..U+009F */
	if (u[0] == 0xE2 && u[1] == 0x80 && ((u[2] >= 0x8E && u[2] <= 0x8F) ||
					      (u[2] >= 0xAA && u[2] <= 0xAE)))
		return 3; /* U+200E, U+200F, U+202A..U+202E */
	if (u[0] == 0xE2 && u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)
		return 3; /* U+2066..U+2069 */
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
		return 3; /* U+2028, U+2029: line and paragraph separators */
	if (u[0] == 0xD8 && u[1] == 0x9C)
		return 2; /* U+061C, the Arabic letter mark */
	return 0;
}

/* strbuf_control_len_n: strbuf_control_len for s[0..n), which need not
 * end with a NUL (a slice of a larger text). */
size_t strbuf_control_len_n(const char *s, size_t n);
/* strbuf_control_cp: the code point of the control character of length
 * len (strbuf_control_len) at s, for its \uXXXX. */
uint32_t strbuf_control_cp(const char *s, size_t len);

/* strbuf_add_shown: s with every control character (strbuf_control_len)
 * written as \uXXXX, the rest as it is. */
void strbuf_add_shown(struct strbuf *sb, const char *s);
/* strbuf_utf8_len: the length of the valid UTF-8 sequence at s[0..n), or
 * 0 (Unicode table 3-7: no overlong forms, no surrogates, at most
 * U+10FFFF); 1 for an ASCII byte. */
size_t strbuf_utf8_len(const char *s, size_t n);
/* strbuf_add_shown_arg: s, a command-line argument or a file name that may
 * hold any bytes, as a message shows it: control characters as \uXXXX (as
 * strbuf_add_shown), bytes that are not UTF-8 as \xNN, the rest as it is,
 * so that the line is UTF-8 text and nothing reaches a terminal raw. */
void strbuf_add_shown_arg(struct strbuf *sb, const char *s);
/* strbuf_json_quoted: s as a JSON string literal, quotes included, in a
 * (NULL when a is exhausted), every control character (strbuf_control_len)
 * as \uXXXX: how a message shows text a user typed, so that none reaches
 * a terminal. */
char *strbuf_json_quoted(struct arena *a, const char *s);

#endif
