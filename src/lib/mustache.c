/* mustache.c - see mustache.h.
 *
 * Compiling is one pass over the source.  Each tag found by the current
 * opening delimiter is read (sigil, trimmed name, end), then placed: a
 * section, inverted, close, comment, partial or delimiter tag alone on its
 * line ("standalone") takes the whole line with it, its leading blanks
 * becoming the indentation of a partial.  Text between tags becomes text
 * nodes pointing into the set's copy of the source.  A section node records
 * where its body ends, so rendering is a walk over the array that recurses
 * only into section bodies and partials.
 *
 * Partial indentation is applied while rendering: each standalone partial
 * pushes its indentation, and the text of any template line that starts
 * while indentation is pushed gets all of it first.  Newlines inside
 * interpolated values start no template line, as the spec wants.
 */
#include "mustache.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

enum node_kind { N_TEXT, N_VAR, N_SECTION, N_PARTIAL };

/* CLIP: at most 40 bytes of a name in a message ("%.*s"). */
#define CLIP(n) (int)((n) < 40 ? (n) : 40)

struct seg {
	const char *s;
	size_t n;
};

struct node {
	uint8_t kind;
	bool flag;              /* VAR: escape; SECTION: inverted; PARTIAL: standalone */
	uint32_t nseg;          /* VAR, SECTION: parts of the dotted name; 0 is {{.}} */
	uint32_t end;           /* SECTION: index of the node after the body */
	uint32_t hash;          /* PARTIAL: of the name */
	const char *s;          /* TEXT: the bytes; PARTIAL: the name */
	size_t n;
	const struct seg *segs; /* VAR, SECTION */
	const char *indent;     /* PARTIAL, standalone: the line's leading blanks */
	size_t nindent;
};

struct mustache_tpl {
	const char *name;
	size_t namelen;
	uint32_t hash;
	const struct node *nodes;
	uint32_t nnodes;
	struct mustache_tpl *next;
};

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static const struct mustache_tpl *find_tpl(const struct mustache_set *set,
					   const char *name, size_t n, uint32_t h)
{
	const struct mustache_tpl *t;

	for (t = set->first; t; t = t->next)
		if (t->hash == h && t->namelen == n && memcmp(t->name, name, n) == 0)
			return t;
	return NULL;
}

/* ---- compiling ------------------------------------------------------------ */

struct tag {
	size_t start;      /* offset of the opening delimiter */
	size_t end;        /* just past the closing delimiter */
	char sigil;        /* 0 (a variable) or one of { & # ^ / > ! = */
	const char *name;  /* the content, trimmed */
	size_t nlen;
	size_t indent;     /* standalone: offset where the line starts */
	bool alone;        /* standalone */
};

struct open_section {
	uint32_t node;
	size_t off;
	const char *name;
	size_t nlen;
};

struct parser {
	struct arena *a;
	const char *src;
	size_t len;
	size_t pos;          /* where the search for the next tag starts */
	size_t text;         /* start of the text not yet made a node */
	size_t line;         /* start of the source line holding the last tag */
	const char *otag, *ctag;
	size_t olen, clen;
	struct node *nodes;  /* malloc'd while compiling, copied to the arena */
	uint32_t n, alloc;
	struct open_section open[MUSTACHE_MAX_NEST];
	unsigned nopen;
	enum mustache_rc rc;
	size_t err_off;
	char reason[96];
};

__attribute__((format(printf, 3, 4)))
static bool fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof p->reason, fmt, ap);
	va_end(ap);
	p->rc = MUSTACHE_ESYNTAX;
	p->err_off = off;
	return false;
}

static bool nomem(struct parser *p)
{
	p->rc = MUSTACHE_ENOMEM;
	return false;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool space(char c)
{
	return blank(c) || c == '\n' || c == '\r';
}

/* find: offset of s[0..n) in the source at or after from; len when absent. */
static size_t find(const struct parser *p, size_t from, const char *s, size_t n)
{
	const char *hit;

	while (from < p->len && p->len - from >= n) {
		hit = memchr(p->src + from, s[0], p->len - from - n + 1);
		if (!hit)
			break;
		from = (size_t)(hit - p->src);
		if (memcmp(hit, s, n) == 0)
			return from;
		from++;
	}
	return p->len;
}

/* find_close: the closing delimiter of the tag whose content starts at
 * from; for {{{x}}} and {{=a b=}} it must follow the matching } or =. */
static size_t find_close(const struct parser *p, size_t from, char before)
{
	size_t k = from;

	for (;;) {
		k = find(p, k, p->ctag, p->clen);
		if (k == p->len || !before || (k > from && p->src[k - 1] == before))
			return k;
		k++;
	}
}

static bool is_sigil(char c)
{
	return c && strchr("{&#^/>!=", c) != NULL;
}

/* check_name: the content of a tag that names something is one word. */
static bool check_name(struct parser *p, const struct tag *t)
{
	size_t i;

	if (t->sigil == '!' || t->sigil == '=')
		return true;
	if (t->nlen == 0)
		return fail(p, t->start, "empty tag");
	for (i = 0; i < t->nlen; i++)
		if (space(t->name[i]))
			return fail(p, t->start, "bad name '%.*s': spaces inside a tag",
				    CLIP(t->nlen), t->name);
	return true;
}

/* read_tag: the tag whose opening delimiter is at t->start. */
static bool read_tag(struct parser *p, struct tag *t)
{
	size_t i = t->start + p->olen, close, body_end;
	char before = 0;

	t->sigil = i < p->len && is_sigil(p->src[i]) ? p->src[i] : 0;
	if (t->sigil)
		i++;
	if (t->sigil == '{')
		before = '}';
	else if (t->sigil == '=')
		before = '=';
	close = find_close(p, i, before);
	if (close == p->len)
		return fail(p, t->start, "unclosed tag");
	body_end = before ? close - 1 : close;
	t->end = close + p->clen;
	while (i < body_end && space(p->src[i]))
		i++;
	while (body_end > i && space(p->src[body_end - 1]))
		body_end--;
	t->name = p->src + i;
	t->nlen = body_end - i;
	return check_name(p, t);
}

/* locate_line: move p->line to the start of the line holding offset off. */
static void locate_line(struct parser *p, size_t off)
{
	size_t k;

	for (k = off; k > p->text; k--) {
		if (p->src[k - 1] == '\n') {
			p->line = k;
			return;
		}
	}
}

/* standalone: t is alone on its line but for blanks; *next gets the offset
 * just past the line's end. */
static bool standalone(const struct parser *p, const struct tag *t, size_t *next)
{
	size_t i;

	if (!t->sigil || t->sigil == '{' || t->sigil == '&')
		return false;
	for (i = p->line; i < t->start; i++)
		if (!blank(p->src[i]))
			return false;
	for (i = t->end; i < p->len && blank(p->src[i]); i++)
		;
	if (i < p->len && p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n')
		i++;
	else if (i < p->len && p->src[i] != '\n')
		return false;
	*next = i < p->len ? i + 1 : i;
	return true;
}

static struct node *new_node(struct parser *p, enum node_kind kind)
{
	struct node *nodes;
	uint32_t want;

	if (p->n == p->alloc) {
		want = p->alloc ? p->alloc * 2 : 32;
		nodes = want > p->alloc ? realloc(p->nodes, (size_t)want * sizeof *nodes) : NULL;
		if (!nodes) {
			nomem(p);
			return NULL;
		}
		p->nodes = nodes;
		p->alloc = want;
	}
	nodes = &p->nodes[p->n++];
	memset(nodes, 0, sizeof *nodes);
	nodes->kind = (uint8_t)kind;
	return nodes;
}

/* flush: a text node for the source from p->text up to end. */
static bool flush(struct parser *p, size_t end)
{
	struct node *nd;

	if (end <= p->text)
		return true;
	nd = new_node(p, N_TEXT);
	if (!nd)
		return false;
	nd->s = p->src + p->text;
	nd->n = end - p->text;
	return true;
}

/* split_name: a dotted name as its parts, in the arena; "." has none. */
static bool split_name(struct parser *p, const struct tag *t,
		       const struct seg **segs, uint32_t *nseg)
{
	struct seg *out;
	size_t i, from = 0, count = 1;
	uint32_t k = 0;

	*segs = NULL;
	*nseg = 0;
	if (t->nlen == 1 && t->name[0] == '.')
		return true;
	for (i = 0; i < t->nlen; i++)
		count += t->name[i] == '.';
	out = arena_array(p->a, count, sizeof *out);
	if (!out)
		return nomem(p);
	for (i = 0; i <= t->nlen; i++) {
		if (i < t->nlen && t->name[i] != '.')
			continue;
		if (i == from)
			return fail(p, t->start, "bad name '%.*s': empty part",
				    CLIP(t->nlen), t->name);
		out[k].s = t->name + from;
		out[k].n = i - from;
		k++;
		from = i + 1;
	}
	*segs = out;
	*nseg = k;
	return true;
}

static bool add_var(struct parser *p, const struct tag *t)
{
	const struct seg *segs;
	uint32_t nseg;
	struct node *nd;

	if (!split_name(p, t, &segs, &nseg))
		return false;
	nd = new_node(p, N_VAR);
	if (!nd)
		return false;
	nd->flag = t->sigil == 0;
	nd->segs = segs;
	nd->nseg = nseg;
	return true;
}

static bool open_section(struct parser *p, const struct tag *t)
{
	const struct seg *segs;
	uint32_t nseg;
	struct node *nd;
	struct open_section *o;

	if (p->nopen == MUSTACHE_MAX_NEST)
		return fail(p, t->start, "sections nested deeper than %d", MUSTACHE_MAX_NEST);
	if (!split_name(p, t, &segs, &nseg))
		return false;
	nd = new_node(p, N_SECTION);
	if (!nd)
		return false;
	nd->flag = t->sigil == '^';
	nd->segs = segs;
	nd->nseg = nseg;
	o = &p->open[p->nopen++];
	o->node = p->n - 1;
	o->off = t->start;
	o->name = t->name;
	o->nlen = t->nlen;
	return true;
}

static bool close_section(struct parser *p, const struct tag *t)
{
	const struct open_section *o;
	struct json_cursor c;
	uint32_t line, col;

	if (p->nopen == 0)
		return fail(p, t->start, "{{/%.*s}} closes no section", CLIP(t->nlen), t->name);
	o = &p->open[p->nopen - 1];
	if (o->nlen != t->nlen || memcmp(o->name, t->name, t->nlen) != 0) {
		json_cursor_init(&c, p->src, p->len, 1, 1);
		json_cursor_at(&c, o->off, &line, &col);
		return fail(p, t->start, "{{/%.*s}} does not close {{#%.*s}} of %u:%u",
			    CLIP(t->nlen), t->name, CLIP(o->nlen), o->name, line, col);
	}
	p->nodes[o->node].end = p->n;
	p->nopen--;
	return true;
}

static bool add_partial(struct parser *p, const struct tag *t)
{
	struct node *nd = new_node(p, N_PARTIAL);

	if (!nd)
		return false;
	nd->s = t->name;
	nd->n = t->nlen;
	nd->hash = hash(t->name, t->nlen);
	nd->flag = t->alone;
	if (t->alone) {
		nd->indent = p->src + t->indent;
		nd->nindent = t->start - t->indent;
	}
	return true;
}

/* word: the run of non-spaces at s[*i..n), moving *i past it. */
static size_t word(const char *s, size_t n, size_t *i)
{
	size_t from = *i;

	while (*i < n && !space(s[*i]))
		(*i)++;
	return *i - from;
}

/* set_delims: {{=<% %>=}}: two words, no '=' in either. */
static bool set_delims(struct parser *p, const struct tag *t)
{
	const char *s = t->name;
	size_t i = 0, o, c, cstart;

	o = word(s, t->nlen, &i);
	while (i < t->nlen && space(s[i]))
		i++;
	cstart = i;
	c = word(s, t->nlen, &i);
	if (!o || !c || i != t->nlen || memchr(s, '=', t->nlen))
		return fail(p, t->start, "bad delimiters '%.*s': want two words without '='",
			    CLIP(t->nlen), s);
	p->otag = s;
	p->olen = o;
	p->ctag = s + cstart;
	p->clen = c;
	return true;
}

static bool emit_tag(struct parser *p, const struct tag *t)
{
	switch (t->sigil) {
	case '!': return true;
	case '=': return set_delims(p, t);
	case '#':
	case '^': return open_section(p, t);
	case '/': return close_section(p, t);
	case '>': return add_partial(p, t);
	default: return add_var(p, t);
	}
}

/* place: take the tag's standalone line, or the text before it. */
static bool place(struct parser *p, struct tag *t)
{
	size_t next;

	locate_line(p, t->start);
	t->alone = standalone(p, t, &next);
	if (t->alone) {
		t->indent = p->line;
		if (!flush(p, p->line))
			return false;
		p->text = p->line = p->pos = next;
	} else {
		if (!flush(p, t->start))
			return false;
		p->text = p->pos = t->end;
	}
	return true;
}

static bool compile(struct parser *p)
{
	struct tag t;
	const struct open_section *o;

	for (;;) {
		memset(&t, 0, sizeof t);
		t.start = find(p, p->pos, p->otag, p->olen);
		if (t.start == p->len)
			break;
		if (!read_tag(p, &t) || !place(p, &t) || !emit_tag(p, &t))
			return false;
	}
	if (!flush(p, p->len))
		return false;
	if (p->nopen) {
		o = &p->open[p->nopen - 1];
		return fail(p, o->off, "unclosed section {{#%.*s}}", CLIP(o->nlen), o->name);
	}
	return true;
}

static void set_error(const struct parser *p, const char *name, struct mustache_error *err)
{
	struct json_cursor c;

	if (!err)
		return;
	json_cursor_init(&c, p->src, p->len, 1, 1);
	json_cursor_at(&c, p->err_off, &err->line, &err->col);
	snprintf(err->reason, sizeof err->reason, "%s", p->reason);
	snprintf(err->msg, sizeof err->msg, "%s:%u:%u: %s", name, err->line, err->col,
		 p->reason);
}

/* make_tpl: the compiled template, in the arena. */
static struct mustache_tpl *make_tpl(struct parser *p, const char *name, size_t nlen)
{
	struct mustache_tpl *t = arena_alloc(p->a, sizeof *t);
	struct node *nodes = arena_array(p->a, p->n ? p->n : 1, sizeof *nodes);

	if (!t || !nodes)
		return NULL;
	t->name = arena_strndup(p->a, name, nlen);
	if (!t->name)
		return NULL;
	if (p->n)
		memcpy(nodes, p->nodes, (size_t)p->n * sizeof *nodes);
	t->namelen = nlen;
	t->hash = hash(name, nlen);
	t->nodes = nodes;
	t->nnodes = p->n;
	return t;
}

void mustache_set_init(struct mustache_set *set, struct arena *a)
{
	set->arena = a;
	set->first = NULL;
	set->count = 0;
}

enum mustache_rc mustache_set_add(struct mustache_set *set, const char *name,
				  const char *text, size_t len,
				  struct mustache_error *err)
{
	struct parser p;
	struct mustache_tpl *t;
	size_t nlen = strlen(name);

	memset(&p, 0, sizeof p);
	if (find_tpl(set, name, nlen, hash(name, nlen))) {
		p.rc = MUSTACHE_EEXIST;
		goto out;
	}
	p.a = set->arena;
	p.len = len;
	p.src = arena_strndup(p.a, text, len);
	if (!p.src) {
		p.rc = MUSTACHE_ENOMEM;
		goto out;
	}
	p.otag = "{{";
	p.ctag = "}}";
	p.olen = p.clen = 2;
	if (!compile(&p)) {
		if (p.rc == MUSTACHE_ESYNTAX)
			set_error(&p, name, err);
		goto out;
	}
	t = make_tpl(&p, name, nlen);
	if (!t) {
		p.rc = MUSTACHE_ENOMEM;
		goto out;
	}
	t->next = set->first;
	set->first = t;
	set->count++;
out:
	free(p.nodes);
	return p.rc;
}

const struct mustache_tpl *mustache_set_get(const struct mustache_set *set,
					    const char *name)
{
	size_t n = strlen(name);

	return find_tpl(set, name, n, hash(name, n));
}

/* ---- rendering ------------------------------------------------------------ */

struct indent {
	const char *s;
	size_t n;
};

struct render {
	const struct mustache_set *set;
	struct strbuf *out;
	const struct view *ctx[MUSTACHE_MAX_DEPTH + 1]; /* ctx[0] is the data */
	unsigned nctx;
	unsigned depth;                     /* render_nodes calls open */
	struct indent indent[MUSTACHE_MAX_PARTIALS];
	unsigned nindent;
	unsigned partials;                  /* partials open */
	bool bol;                           /* a template line starts: indent it */
	size_t steps, max_steps;
	enum mustache_rc rc;
};

static const struct view null_view = { .type = VIEW_NULL };

static void put_indent(struct render *r)
{
	unsigned i;

	r->bol = false;
	for (i = 0; i < r->nindent; i++)
		strbuf_add(r->out, r->indent[i].s, r->indent[i].n);
}

static void put_text(struct render *r, const char *s, size_t n)
{
	const char *nl;
	size_t k;

	if (!r->nindent) {
		strbuf_add(r->out, s, n);
		return;
	}
	while (n) {
		if (r->bol)
			put_indent(r);
		nl = memchr(s, '\n', n);
		k = nl ? (size_t)(nl - s) + 1 : n;
		strbuf_add(r->out, s, k);
		s += k;
		n -= k;
		r->bol = nl != NULL;
	}
}

static void put_value(struct render *r, const struct view *v, bool escape)
{
	if (r->bol && r->nindent)
		put_indent(r);
	if (!v)
		return;
	switch (v->type) {
	case VIEW_STRING:
	case VIEW_NUMBER:
		if (escape)
			strbuf_add_html(r->out, v->s);
		else
			strbuf_add(r->out, v->s, v->len);
		break;
	case VIEW_BOOL:
		strbuf_addstr(r->out, v->b ? "true" : "false");
		break;
	case VIEW_NULL:
	case VIEW_LIST:
	case VIEW_OBJECT:
		break;
	}
}

/* lookup: the first part of a name in the innermost context that has it,
 * the other parts inside that value only. */
static const struct view *lookup(const struct render *r, const struct node *nd)
{
	const struct view *v = NULL;
	unsigned k, j;

	if (nd->nseg == 0)
		return r->ctx[r->nctx - 1];
	for (k = r->nctx; k-- > 0 && !v;)
		v = view_get(r->ctx[k], nd->segs[0].s, nd->segs[0].n);
	for (j = 1; j < nd->nseg && v; j++)
		v = view_get(v, nd->segs[j].s, nd->segs[j].n);
	return v;
}

static void render_nodes(struct render *r, const struct mustache_tpl *t,
			 uint32_t i, uint32_t end);

/* step: count one unit of work; false (and an error) past the budget. */
static bool step(struct render *r)
{
	if (++r->steps <= r->max_steps)
		return true;
	r->rc = MUSTACHE_ESTEPS;
	return false;
}

static void with_context(struct render *r, const struct mustache_tpl *t, uint32_t i,
			 const struct view *v)
{
	if (!step(r))
		return;
	r->ctx[r->nctx++] = v;
	render_nodes(r, t, i + 1, t->nodes[i].end);
	r->nctx--;
}

static void section(struct render *r, const struct mustache_tpl *t, uint32_t i)
{
	const struct node *nd = &t->nodes[i];
	const struct view *v = lookup(r, nd);
	const struct view_member *m;

	if (nd->flag) {
		if (!view_truthy(v))
			render_nodes(r, t, i + 1, nd->end);
		return;
	}
	if (!view_truthy(v))
		return;
	if (v->type != VIEW_LIST) {
		with_context(r, t, i, v);
		return;
	}
	for (m = v->first; m && r->rc == MUSTACHE_OK; m = m->next)
		with_context(r, t, i, m->value);
}

static void partial(struct render *r, const struct node *nd)
{
	const struct mustache_tpl *t = find_tpl(r->set, nd->s, nd->n, nd->hash);

	if (!t)
		return;
	if (r->partials == MUSTACHE_MAX_PARTIALS) {
		r->rc = MUSTACHE_EDEPTH;
		return;
	}
	r->partials++;
	if (nd->flag) {
		r->indent[r->nindent].s = nd->indent;
		r->indent[r->nindent].n = nd->nindent;
		r->nindent++;
		r->bol = true;
	}
	render_nodes(r, t, 0, t->nnodes);
	if (nd->flag)
		r->nindent--;
	r->partials--;
}

static void render_nodes(struct render *r, const struct mustache_tpl *t,
			 uint32_t i, uint32_t end)
{
	const struct node *nd;

	if (r->depth == MUSTACHE_MAX_DEPTH) {
		r->rc = MUSTACHE_EDEPTH;
		return;
	}
	r->depth++;
	for (; i < end && r->rc == MUSTACHE_OK; i++) {
		nd = &t->nodes[i];
		if (!step(r))
			break;
		switch ((enum node_kind)nd->kind) {
		case N_TEXT: put_text(r, nd->s, nd->n); break;
		case N_VAR: put_value(r, lookup(r, nd), nd->flag); break;
		case N_SECTION:
			section(r, t, i);
			i = nd->end - 1;
			break;
		case N_PARTIAL: partial(r, nd); break;
		}
		if (r->out->failed && r->rc == MUSTACHE_OK)
			r->rc = MUSTACHE_ETOOBIG;
	}
	r->depth--;
}

enum mustache_rc mustache_render_tpl(const struct mustache_set *set,
				     const struct mustache_tpl *tpl,
				     const struct view *data, struct strbuf *out)
{
	struct render r = { .set = set, .out = out, .nctx = 1 };

	r.ctx[0] = data ? data : &null_view;
	if (__builtin_add_overflow(out->cap, (size_t)MUSTACHE_BASE_STEPS, &r.max_steps))
		r.max_steps = SIZE_MAX;
	r.rc = out->failed ? MUSTACHE_ETOOBIG : MUSTACHE_OK;
	if (r.rc == MUSTACHE_OK)
		render_nodes(&r, tpl, 0, tpl->nnodes);
	return r.rc;
}

enum mustache_rc mustache_render(const struct mustache_set *set, const char *name,
				 const struct view *data, struct strbuf *out)
{
	const struct mustache_tpl *t = mustache_set_get(set, name);

	return t ? mustache_render_tpl(set, t, data, out) : MUSTACHE_ENOTFOUND;
}

const char *mustache_strerror(enum mustache_rc rc)
{
	switch (rc) {
	case MUSTACHE_OK: return "ok";
	case MUSTACHE_ESYNTAX: return "template syntax error";
	case MUSTACHE_EEXIST: return "template already defined";
	case MUSTACHE_ENOMEM: return "out of memory compiling templates";
	case MUSTACHE_ENOTFOUND: return "no such template";
	case MUSTACHE_EDEPTH: return "sections or partials nested too deeply";
	case MUSTACHE_ESTEPS: return "template rendering took too many steps";
	case MUSTACHE_ETOOBIG: return "rendered page too big";
	}
	return "unknown error";
}
