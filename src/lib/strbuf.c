/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t cap)
{
	sb->buf = (char *)strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->cap = cap;
	sb->failed = false;
	sb->fixed = false;
}

void strbuf_init_fixed(struct strbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->buf[0] = '\0';
	sb->len = 0;
	sb->alloc = size;
	sb->cap = size - 1;
	sb->failed = false;
	sb->fixed = true;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->fixed) {
		strbuf_reset(sb);
		return;
	}
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, sb->cap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
	sb->failed = false;
}

/* grow: make room for n more bytes plus the NUL; false latches failure. */
static bool grow(struct strbuf *sb, size_t n)
{
	size_t want, size;
	char *p;

	if (sb->failed)
		return false;
	if (__builtin_add_overflow(sb->len, n, &want) || want > sb->cap) {
		sb->failed = true;
		return false;
	}
	if (want < sb->alloc)
		return true;
	if (sb->fixed) {
		sb->failed = true;
		return false;
	}
	size = sb->alloc ? sb->alloc : 64;
	while (size <= want)
		size = size > sb->cap / 2 ? sb->cap + 1 : size * 2;
	p = realloc(sb->alloc ? sb->buf : NULL, size);
	if (!p) {
		sb->failed = true;
		return false;
	}
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = size;
	return true;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (!grow(sb, n))
		return;
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_addrep(struct strbuf *sb, const char *s, size_t n)
{
	size_t l = strlen(s);

	while (n-- > 0 && !sb->failed)
		strbuf_add(sb, s, l);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if (!grow(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_json_n(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	strbuf_addch(sb, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[6];

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c >= 0x20)
				continue;
		}
		strbuf_add(sb, s + run, i - run);
		run = i + 1;
		if (esc) {
			strbuf_addstr(sb, esc);
		} else {
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			strbuf_add(sb, u, 6);
		}
	}
	strbuf_add(sb, s + run, n - run);
	strbuf_addch(sb, '"');
}

void strbuf_add_json(struct strbuf *sb, const char *s)
{
	strbuf_add_json_n(sb, s, strlen(s));
}

void strbuf_add_html(struct strbuf *sb, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc;

		switch (*s) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default: continue;
		}
		strbuf_add(sb, run, (size_t)(s - run));
		strbuf_addstr(sb, esc);
		run = s + 1;
	}
	strbuf_add(sb, run, (size_t)(s - run));
}

void strbuf_setlen(struct strbuf *sb, size_t n)
{
	if (n > sb->len)
		return;
	sb->len = n;
	if (sb->alloc)
		sb->buf[n] = '\0';
}
