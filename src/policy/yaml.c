/* yaml.c - YAML text to a ynode tree, and error lines (see yaml.h).  The
 * readers of the tree are in ynode.c. */
#include "yaml.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- errors ---------------------------------------------------------- */

static void vreport(struct pctx *c, uint32_t line, uint32_t col,
		const char *fmt, va_list ap)
{
	size_t start;

	c->nerrors++;
	if (c->nerrors > PCTX_MAX_ERRORS + 1)
		return;
	if (c->nerrors == PCTX_MAX_ERRORS + 1) {
		strbuf_addf(c->errors, "%s:%u:%u: too many errors; only the first %d are listed\n",
			    c->file, line, col, PCTX_MAX_ERRORS);
		return;
	}
	strbuf_addf(c->errors, "%s:%u:%u: ", c->file, line, col);
	start = c->errors->len;
	strbuf_vaddf(c->errors, fmt, ap);
	/* one line per error, whatever the values quoted in it contain */
	for (size_t i = start; i < c->errors->len; i++)
		if ((unsigned char)c->errors->buf[i] < 0x20)
			c->errors->buf[i] = ' ';
	strbuf_addch(c->errors, '\n');
}

void perr(struct pctx *c, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, at ? at->line : 1, at ? at->col : 1, fmt, ap);
	va_end(ap);
}

void perr_at(struct pctx *c, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, line ? line : 1, col ? col : 1, fmt, ap);
	va_end(ap);
}

/* ---- parsing: libfyaml events to ynodes ------------------------------ */

static void diag_discard(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

struct builder {
	struct pctx *c;
	const char *text; /* the input, for raw scalar content */
	size_t len;
	struct ynode *root;
	struct ynode *stack[YAML_MAX_DEPTH];
	bool want_value[YAML_MAX_DEPTH]; /* map on the stack: a value comes next */
	int depth;
	int ndocs;
	bool failed;
};

static void mark_of(struct fy_event *e, uint32_t *line, uint32_t *col)
{
	const struct fy_mark *m = fy_event_start_mark(e);

	*line = 1;
	*col = 1;
	if (m && m->line >= 0 && m->column >= 0) {
		*line = (uint32_t)m->line + 1;
		*col = (uint32_t)m->column + 1;
	}
}

/* sigil_at: the line and column of the '&' of an anchor or the '*' of an
 * alias whose token is t.  libfyaml's mark may point past the sigil (at
 * the name), so step back to it when the text says so. */
static void sigil_at(const struct builder *b, struct fy_token *t, struct fy_event *e,
		char sigil, uint32_t *line, uint32_t *col)
{
	const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;

	if (!m || m->line < 0 || m->column < 0 || (size_t)m->input_pos > b->len) {
		mark_of(e, line, col);
		return;
	}
	*line = (uint32_t)m->line + 1;
	*col = (uint32_t)m->column + 1;
	if (m->input_pos < b->len && b->text[m->input_pos] == sigil)
		return;
	if (m->input_pos > 0 && m->column > 0 && b->text[m->input_pos - 1] == sigil)
		(*col)--;
}

static void no_anchor(struct builder *b, struct fy_token *anchor, struct fy_event *e)
{
	uint32_t line, col;

	sigil_at(b, anchor, e, '&', &line, &col);
	perr_at(b->c, line, col, "anchors (&name) are not supported: write each value where it applies");
	b->failed = true;
}

static struct ynode *node_new(struct builder *b, enum ytype t, struct fy_event *e)
{
	struct ynode *n = arena_alloc(b->c->tmp, sizeof *n);

	if (!n) {
		perr(b->c, NULL, "out of memory while reading the file");
		b->failed = true;
		return NULL;
	}
	n->type = t;
	mark_of(e, &n->line, &n->col);
	return n;
}

/* attach: add n to the open container (or make it the root). */
static void attach(struct builder *b, struct ynode *n)
{
	struct ynode *p;
	bool *want_value;

	if (b->depth == 0) {
		b->root = n;
		return;
	}
	p = b->stack[b->depth - 1];
	want_value = &b->want_value[b->depth - 1];
	if (p->type == Y_MAP && *want_value)
		n->key = p->tail;
	else if (p->type == Y_SEQ)
		n->key = p->key;
	if (p->type == Y_MAP) {
		if (!*want_value && n->type != Y_SCALAR) {
			perr(b->c, n, "a key must be a plain name, not %s", y_what(n));
			b->failed = true;
		}
		if (*want_value)
			p->n++;
		*want_value = !*want_value;
	} else {
		p->n++;
	}
	if (p->tail)
		p->tail->next = n;
	else
		p->head = n;
	p->tail = n;
}

static void push(struct builder *b, struct ynode *n)
{
	if (b->depth == YAML_MAX_DEPTH) {
		perr(b->c, n, "nested more than %d levels deep", YAML_MAX_DEPTH);
		b->failed = true;
		return;
	}
	b->want_value[b->depth] = false;
	b->stack[b->depth++] = n;
}

/* single_quoted: the value of a single-quoted scalar from its raw content
 * raw[0..n) (between the quotes): '' is one quote, and line breaks fold as
 * YAML says (one break: a space; k empty lines: k newlines).  libfyaml
 * 0.7.12 leaks memory when it unescapes some runs of '' itself. */
static char *single_quoted(struct arena *a, const char *raw, size_t n, size_t *len)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0, pending = 0, line = 0;
	const char *p = raw, *end = raw + n;

	if (!out)
		return NULL;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = nl ? nl : end;
		bool last = !nl;

		if (line > 0)
			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
		if (!last)
			while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
				e--;
		if (line > 0 && s == e && !last) {
			pending++;
		} else {
			if (line > 0) {
				if (pending == 0)
					out[o++] = ' ';
				for (; pending; pending--)
					out[o++] = '\n';
			}
			for (const char *q = s; q < e; q++) {
				out[o++] = *q;
				if (*q == '\'' && q + 1 < e && q[1] == '\'')
					q++;
			}
		}
		if (last)
			break;
		p = nl + 1;
		line++;
	}
	out[o] = '\0';
	*len = o;
	return out;
}

static bool has_doubled_quote(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '\'' && s[i + 1] == '\'')
			return true;
	return false;
}

static void on_scalar(struct builder *b, struct fy_event *e)
{
	struct ynode *n = node_new(b, Y_SCALAR, e);
	const char *t = "";
	size_t len = 0;

	if (!n)
		return;
	if (e->scalar.value) {
		const struct fy_mark *s0 = fy_token_start_mark(e->scalar.value);
		const struct fy_mark *s1 = fy_token_end_mark(e->scalar.value);
		enum fy_scalar_style st = fy_token_scalar_style(e->scalar.value);

		if (st == FYSS_SINGLE_QUOTED && s0 && s1 && s0->input_pos <= s1->input_pos &&
		    s1->input_pos <= b->len &&
		    has_doubled_quote(b->text + s0->input_pos, s1->input_pos - s0->input_pos)) {
			n->text = single_quoted(b->c->tmp, b->text + s0->input_pos,
						s1->input_pos - s0->input_pos, &n->len);
			if (!n->text) {
				perr(b->c, n, "out of memory while reading the file");
				b->failed = true;
				return;
			}
			goto done;
		}
		t = fy_token_get_text(e->scalar.value, &len);
		if (!t) {
			t = "";
			len = 0;
		}
		n->plain = st == FYSS_PLAIN;
	} else {
		n->plain = true;
	}
	if (memchr(t, '\0', len)) {
		perr(b->c, n, "a value contains a NUL character");
		b->failed = true;
		return;
	}
	n->text = arena_strndup(b->c->tmp, t, len);
	n->len = len;
	if (!n->text) {
		perr(b->c, n, "out of memory while reading the file");
		b->failed = true;
		return;
	}
done:
	if (e->scalar.anchor)
		no_anchor(b, e->scalar.anchor, e);
	attach(b, n);
}

static void on_event(struct builder *b, struct fy_event *e)
{
	struct ynode *n;
	uint32_t line, col;

	switch (e->type) {
	case FYET_DOCUMENT_START:
		if (++b->ndocs > 1) {
			mark_of(e, &line, &col);
			perr_at(b->c, line, col, "a policy file holds one YAML document, found a second one");
			b->failed = true;
		}
		break;
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START:
		n = node_new(b, e->type == FYET_MAPPING_START ? Y_MAP : Y_SEQ, e);
		if (!n)
			return;
		if ((e->type == FYET_MAPPING_START ? e->mapping_start.anchor
						   : e->sequence_start.anchor)) {
			no_anchor(b, e->type == FYET_MAPPING_START ? e->mapping_start.anchor
								   : e->sequence_start.anchor, e);
			return;
		}
		attach(b, n);
		push(b, n);
		break;
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		if (b->depth > 0)
			b->depth--;
		break;
	case FYET_SCALAR:
		on_scalar(b, e);
		break;
	case FYET_ALIAS:
		sigil_at(b, e->alias.anchor, e, '*', &line, &col);
		perr_at(b->c, line, col, "aliases (*name) are not supported: write the value out");
		b->failed = true;
		break;
	default:
		break;
	}
}

/* utf8_len: the length of the well-formed UTF-8 sequence at s[0..n), or 0
 * (overlong forms, surrogates and code points above U+10FFFF are not). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need;
	uint32_t cp, min;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1fu;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0fu;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

/* check_text: the text is UTF-8 without NUL bytes (libfyaml 0.7.12 can
 * loop forever on some malformed input, so it only ever sees valid text). */
static bool check_text(struct pctx *c, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	uint32_t line = 1, col = 1;

	for (size_t i = 0; i < len;) {
		size_t k = s[i] ? utf8_len(s + i, len - i) : 0;
		if (k == 0) {
			perr_at(c, line, col, s[i] ? "not valid UTF-8 text (policy files are UTF-8)"
						  : "a NUL byte (policy files are UTF-8 text)");
			return false;
		}
		if (s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i += k;
	}
	return true;
}

/* ---- syntax errors --------------------------------------------------- */

/* line_start: the offset of line `line` (1-based) in text, or len. */
static size_t line_start(const char *text, size_t len, uint32_t line)
{
	size_t i = 0;

	for (uint32_t l = 1; l < line && i < len; i++)
		if (text[i] == '\n')
			l++;
	return i;
}

/* prev_line: the number of the last line before `line` that holds more
 * than blanks and a comment, or 0. */
static uint32_t prev_line(const char *text, size_t len, uint32_t line)
{
	for (uint32_t l = line - 1; l > 0; l--) {
		size_t i = line_start(text, len, l);
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i < len && text[i] != '\n' && text[i] != '\r' && text[i] != '#')
			return l;
	}
	return 0;
}

/* syntax_error: report libfyaml's message `msg` at line:col, with a hint
 * for the mistakes people make, where the text says for sure where they
 * are (a tab in the indentation, an unclosed quote on the line). */
static void syntax_error(struct pctx *c, const char *text, size_t len,
		uint32_t line, uint32_t col, const char *msg)
{
	size_t s = line_start(text, len, line), i;

	if (strstr(msg, "tab")) {
		for (i = s; i < len && text[i] == ' '; i++)
			;
		if (i < len && text[i] == '\t') {
			perr_at(c, line, (uint32_t)(i - s) + 1, "YAML syntax: a tab in the indentation: "
				"YAML indents with spaces, not tabs");
			return;
		}
	}
	if (strstr(msg, "double-quoted scalar") || strstr(msg, "single-quoted scalar")) {
		char q = strstr(msg, "double") ? '"' : '\'';
		/* the opening quote: the last one on this line up to the column */
		for (i = s + col < len ? s + col : len; i > s; i--)
			if (text[i - 1] == q)
				break;
		if (i > s) {
			perr_at(c, line, (uint32_t)(i - s), "YAML syntax: %s: the %s opened here is not "
				"closed; add the closing %c", msg, q == '"' ? "double quote" : "quote", q);
			return;
		}
	}
	if (strstr(msg, "missing comma in flow mapping") ||
	    strstr(msg, "missing comma in flow sequence")) {
		bool map = strstr(msg, "mapping") != NULL;
		uint32_t before = prev_line(text, len, line);

		/* Only "- " or a plain key before it on its line: the entry before
		 * ended with line `before`, which lacks a ',' or the closing bracket. */
		for (i = s; i < len && i < s + col - 1; i++)
			if (strchr("{}[],:\"'#", text[i]))
				break;
		if (before && i == s + col - 1) {
			perr_at(c, line, col, "YAML syntax: %s: is the ',' or the closing '%c' missing "
				"at the end of line %u?", msg, map ? '}' : ']', before);
			return;
		}
		perr_at(c, line, col, "YAML syntax: %s: separate the entries of %s with ',' and "
			"close it with '%c'", msg, map ? "{ }" : "[ ]", map ? '}' : ']');
		return;
	}
	if (strstr(msg, "without a closing")) {
		perr_at(c, line, col, "YAML syntax: %s: a '%s' opened before is not closed", msg,
			strstr(msg, "bracket") ? "[" : "{");
		return;
	}
	perr_at(c, line, col, "YAML syntax: %s", msg);
}

struct ynode *yaml_parse(struct pctx *c, const char *text, size_t len)
{
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg pcfg;
	struct fy_diag *diag;
	struct fy_parser *fyp = NULL;
	struct fy_event *e;
	struct builder b;
	int before = c->nerrors;

	memset(&b, 0, sizeof b);
	b.c = c;
	b.text = text;
	b.len = len;
	if (!check_text(c, text, len))
		return NULL;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_discard;
	dcfg.level = FYET_ERROR;
	dcfg.colorize = false;
	diag = fy_diag_create(&dcfg);
	if (!diag) {
		perr(c, NULL, "cannot set up the YAML parser");
		return NULL;
	}
	fy_diag_set_collect_errors(diag, true);
	memset(&pcfg, 0, sizeof pcfg);
	pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_JSON_NONE;
	pcfg.diag = diag;
	fyp = fy_parser_create(&pcfg);
	if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
		perr(c, NULL, "cannot set up the YAML parser");
		goto out;
	}
	while (!b.failed && (e = fy_parser_parse(fyp)) != NULL) {
		on_event(&b, e);
		fy_parser_event_free(fyp, e);
	}
	if (fy_parser_get_stream_error(fyp) || fy_diag_got_error(diag)) {
		void *it = NULL;
		struct fy_diag_error *de;
		bool any = false;

		while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
			if (de->type < FYET_ERROR)
				continue;
			syntax_error(c, text, len, de->line > 0 ? (uint32_t)de->line : 1,
				     de->column > 0 ? (uint32_t)de->column : 1,
				     de->msg ? de->msg : "error");
			any = true;
		}
		if (!any)
			perr(c, NULL, "YAML syntax error");
		b.failed = true;
	}
	if (!b.failed && !b.root)
		perr(c, NULL, "the file is empty");
out:
	if (fyp)
		fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	if (b.failed || c->nerrors != before)
		return NULL;
	return b.root;
}
