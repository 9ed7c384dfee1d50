/* po.c - see po.h. */
#include "po.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

enum po_field { F_NONE, F_CTXT, F_ID, F_STR };

struct po_parser {
	const char *name;
	struct arena *a;
	struct po_catalog *cat;
	size_t alloc;
	struct strbuf ctxt, id, str;
	enum po_field field;
	bool has_id, has_str;
	char *err;
	size_t errn;
	unsigned line;
};

static int fail(struct po_parser *p, const char *reason)
{
	snprintf(p->err, p->errn, "%s:%u: %s", p->name, p->line, reason);
	return -1;
}

/* quoted: append the C-escaped string that starts at s (at a '"'). */
static int quoted(struct po_parser *p, const char *s, const char *end, struct strbuf *out)
{
	if (s >= end || *s != '"')
		return fail(p, "expected a string in double quotes");
	for (s++; s < end && *s != '"'; s++) {
		char c = *s;
		if (c == '\\') {
			if (++s >= end)
				return fail(p, "backslash at the end of the line");
			switch (*s) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			default: return fail(p, "unknown escape (use \\n \\t \\\" \\\\)");
			}
		}
		strbuf_addch(out, c);
	}
	if (s >= end)
		return fail(p, "string not closed with a double quote");
	for (s++; s < end; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return fail(p, "text after the closing quote");
	return out->failed ? fail(p, "string too long") : 0;
}

static int flush(struct po_parser *p)
{
	struct po_entry *e;

	if (!p->has_id && !p->has_str)
		return 0;
	if (!p->has_id || !p->has_str)
		return fail(p, "an entry needs both msgid and msgstr");
	if (p->str.len && p->id.len) {
		if (p->cat->n == p->alloc) {
			size_t na = p->alloc ? p->alloc * 2 : 64;
			struct po_entry *ne = arena_array(p->a, na, sizeof *ne);
			if (!ne)
				return fail(p, "out of memory");
			if (p->cat->n)
				memcpy(ne, p->cat->entries, p->cat->n * sizeof *ne);
			p->cat->entries = ne;
			p->alloc = na;
		}
		e = &p->cat->entries[p->cat->n++];
		if (p->ctxt.len) {
			strbuf_addch(&p->ctxt, '\004');
			strbuf_add(&p->ctxt, p->id.buf, p->id.len);
			e->id = arena_strndup(p->a, p->ctxt.buf, p->ctxt.len);
		} else {
			e->id = arena_strndup(p->a, p->id.buf, p->id.len);
		}
		e->str = arena_strndup(p->a, p->str.buf, p->str.len);
		if (!e->id || !e->str)
			return fail(p, "out of memory");
	}
	strbuf_reset(&p->ctxt);
	strbuf_reset(&p->id);
	strbuf_reset(&p->str);
	p->has_id = p->has_str = false;
	p->field = F_NONE;
	return 0;
}

/* starts: the line s..end begins with lit (lines are not NUL-terminated). */
static bool starts(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - s) >= n && memcmp(s, lit, n) == 0;
}

static int keyword(struct po_parser *p, const char *s, const char *end)
{
	static const struct { const char *kw; enum po_field f; } kws[] = {
		{"msgctxt ", F_CTXT}, {"msgid ", F_ID}, {"msgstr ", F_STR},
	};

	if (starts(s, end, "msgid_plural") || starts(s, end, "msgstr["))
		return fail(p, "plural forms are not supported: word the message without them");
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(kws[i].kw);
		if (!starts(s, end, kws[i].kw))
			continue;
		if (kws[i].f != F_STR && p->has_str && flush(p) < 0)
			return -1;
		if (kws[i].f == F_ID && p->has_id)
			return fail(p, "msgid without msgstr");
		if (kws[i].f == F_STR && !p->has_id)
			return fail(p, "msgstr without msgid");
		p->field = kws[i].f;
		p->has_id |= kws[i].f == F_ID;
		p->has_str |= kws[i].f == F_STR;
		return quoted(p, s + n, end, kws[i].f == F_CTXT ? &p->ctxt :
				 kws[i].f == F_ID ? &p->id : &p->str);
	}
	return fail(p, "expected msgctxt, msgid, msgstr, a string or a comment");
}

static int parse_line(struct po_parser *p, const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	if (s == end)
		return flush(p);
	if (*s == '#')
		return 0;
	if (*s == '"') {
		if (p->field == F_NONE)
			return fail(p, "a continued string must follow msgid or msgstr");
		return quoted(p, s, end, p->field == F_CTXT ? &p->ctxt :
			      p->field == F_ID ? &p->id : &p->str);
	}
	return keyword(p, s, end);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct po_entry *)a)->id, ((const struct po_entry *)b)->id);
}

int po_parse(const char *name, const char *text, size_t len, struct arena *a,
		struct po_catalog *cat, char *err, size_t errn)
{
	struct po_parser p = {name, a, cat, 0, STRBUF_INIT(1 << 16), STRBUF_INIT(1 << 16),
			      STRBUF_INIT(1 << 16), F_NONE, false, false, err, errn, 0};
	const char *s = text, *end = text + len;
	int rc = 0;

	cat->entries = NULL;
	cat->n = 0;
	if (memchr(text, '\0', len)) {
		p.line = 1;
		rc = fail(&p, "the file contains a NUL byte");
		goto out;
	}
	while (s < end && rc == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		p.line++;
		rc = parse_line(&p, s, eol);
		s = nl ? nl + 1 : end;
	}
	if (rc == 0)
		rc = flush(&p);
	if (rc == 0 && cat->n)
		qsort(cat->entries, cat->n, sizeof *cat->entries, cmp_entry);
	for (size_t i = 1; rc == 0 && i < cat->n; i++)
		if (strcmp(cat->entries[i - 1].id, cat->entries[i].id) == 0) {
			snprintf(err, errn, "%s: msgid \"%s\" appears twice", name,
				 cat->entries[i].id);
			rc = -1;
		}
out:
	strbuf_release(&p.ctxt);
	strbuf_release(&p.id);
	strbuf_release(&p.str);
	return rc;
}

const char *po_lookup(const struct po_catalog *cat, const char *id)
{
	size_t lo = 0, hi = cat->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cat->entries[mid].id, id);
		if (c == 0)
			return cat->entries[mid].str;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- .mo (GNU gettext's compiled catalogs) ---- */

#define MO_MAGIC 0x950412deu
#define MO_HEADER 28 /* magic, revision, count, two table offsets, hash size, offset */

struct mo_reader {
	const unsigned char *p;
	size_t len;
	bool swap; /* written on a machine of the other byte order */
};

static bool mo_u32(const struct mo_reader *r, size_t off, uint32_t *out)
{
	uint32_t v;

	if (off > r->len || r->len - off < 4)
		return false;
	memcpy(&v, r->p + off, 4);
	*out = r->swap ? __builtin_bswap32(v) : v;
	return true;
}

/* mo_string: string i of the table at `table` (length, offset pairs); NULL
 * when it lies outside the file or lacks its terminating NUL. */
static const char *mo_string(const struct mo_reader *r, uint32_t table, uint32_t i,
		uint32_t *len)
{
	uint32_t off;

	if (!mo_u32(r, (size_t)table + (size_t)i * 8, len) ||
	    !mo_u32(r, (size_t)table + (size_t)i * 8 + 4, &off) ||
	    off > r->len || r->len - off <= *len || r->p[off + *len] != '\0')
		return NULL;
	return (const char *)r->p + off;
}

int mo_parse(const char *name, const char *data, size_t len, struct arena *a,
		struct po_catalog *cat, char *err, size_t errn)
{
	struct mo_reader r = {(const unsigned char *)data, len, false};
	uint32_t magic, rev, n, ids, strs;
	char *copy;

	cat->entries = NULL;
	cat->n = 0;
	if (!mo_u32(&r, 0, &magic) || (magic != MO_MAGIC && magic != __builtin_bswap32(MO_MAGIC))) {
		snprintf(err, errn, "%s: not a gettext .mo file (wrong magic number)", name);
		return -1;
	}
	r.swap = magic != MO_MAGIC;
	if (len < MO_HEADER || !mo_u32(&r, 4, &rev) || !mo_u32(&r, 8, &n) ||
	    !mo_u32(&r, 12, &ids) || !mo_u32(&r, 16, &strs)) {
		snprintf(err, errn, "%s: the .mo header is cut short", name);
		return -1;
	}
	if (rev >> 16 != 0) {
		snprintf(err, errn, "%s: .mo revision %u.%u is not known", name, rev >> 16, rev & 0xffff);
		return -1;
	}
	if (n > len / 16) { /* each entry takes 16 bytes of tables at least */
		snprintf(err, errn, "%s: %u entries cannot fit in %zu bytes", name, n, len);
		return -1;
	}
	/* the strings are copied as the file, once: entries may share a
	 * string, and a copy per entry would cost n times the file */
	copy = arena_array_uninit(a, len, 1);
	if (copy)
		memcpy(copy, data, len);
	cat->entries = copy ? arena_array(a, n ? n : 1, sizeof *cat->entries) : NULL;
	if (!cat->entries) {
		snprintf(err, errn, "%s: out of memory", name);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idlen, strlen_;
		const char *id = mo_string(&r, ids, i, &idlen);
		const char *str = mo_string(&r, strs, i, &strlen_);

		if (!id || !str) {
			snprintf(err, errn, "%s: entry %u points outside the file", name, i);
			return -1;
		}
		/* a plural entry is "one\0many": both keep their first form */
		if (!*id || !*str)
			continue;
		cat->entries[cat->n].id = copy + (id - data);
		cat->entries[cat->n].str = copy + (str - data);
		cat->n++;
	}
	/* msgfmt sorts the ids, but a file is input: sort and check again */
	qsort(cat->entries, cat->n, sizeof *cat->entries, cmp_entry);
	for (size_t i = 1; i < cat->n; i++)
		if (strcmp(cat->entries[i - 1].id, cat->entries[i].id) == 0) {
			snprintf(err, errn, "%s: two entries have the same msgid", name);
			return -1;
		}
	return 0;
}
