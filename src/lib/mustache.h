/* mustache.h - logic-less HTML templates (the Mustache spec, v1.4 core).
 *
 * Templates are compiled once, at server start, into a set: each becomes an
 * array of nodes (text, variable, section, partial) in the set's arena, with
 * dotted names split and standalone lines already removed.  Rendering walks
 * the nodes against a view (view.h) and appends to a bounded strbuf; it
 * does no parsing and allocates nothing (the context stack is a fixed array
 * on the C stack).  A compiled set is read-only afterwards, so any number
 * of threads may render from it at once.
 *
 * Language, as the spec's core modules (comments, delimiters,
 * interpolation, inverted, partials, sections; no lambdas):
 *   {{name}} {{a.b.c}} {{.}}   HTML-escaped (& < > " ')
 *   {{{name}}} {{&name}}        unescaped
 *   {{#name}}..{{/name}}        section: once per list item, once with the
 *                               value pushed as context when truthy
 *   {{^name}}..{{/name}}        inverted: once when falsy
 *   {{! comment }} {{=<% %>=}} {{> partial}}
 * Truthiness is view_truthy(): null, false, "" and [] are falsy.  A missing
 * name renders as nothing; so does a missing partial (the spec's rule).
 * Numbers render as their text, booleans as true/false, lists and objects
 * as nothing.
 *
 * Limits: sections nest at most MUSTACHE_MAX_NEST deep in one template;
 * partials at most MUSTACHE_MAX_PARTIALS deep at render time (so a
 * template that includes itself without end fails instead of crashing),
 * and sections and partials together MUSTACHE_MAX_DEPTH deep;
 * a render visits at most MUSTACHE_BASE_STEPS + out->cap nodes, so a
 * template looping over lists without output cannot spin for long.
 */
#ifndef YC_MUSTACHE_H
#define YC_MUSTACHE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "strbuf.h"
#include "view.h"

#define MUSTACHE_MAX_NEST 64        /* sections open at once in a template */
#define MUSTACHE_MAX_PARTIALS 32    /* partials inside partials at render */
#define MUSTACHE_MAX_DEPTH 256      /* sections and partials nested at render */
#define MUSTACHE_BASE_STEPS (1u << 20)

enum mustache_rc {
	MUSTACHE_OK = 0,
	MUSTACHE_ESYNTAX,   /* template does not parse: see mustache_error */
	MUSTACHE_EEXIST,    /* a template of that name is already in the set */
	MUSTACHE_ENOMEM,    /* the set's arena ran out */
	MUSTACHE_ENOTFOUND, /* rendering a name the set does not hold */
	MUSTACHE_EDEPTH,    /* partials or contexts nested past the limits */
	MUSTACHE_ESTEPS,    /* the render took more steps than allowed */
	MUSTACHE_ETOOBIG,   /* the output strbuf failed: cap or memory */
};

/* A parse error: where and why, and the whole line for a log or a test. */
struct mustache_error {
	uint32_t line, col;   /* 1-based; col counts characters */
	char reason[96];      /* "unclosed section {{#items}}" */
	char msg[256];        /* "page.html:3:7: unclosed section {{#items}}" */
};

struct mustache_tpl;

struct mustache_set {
	struct arena *arena;         /* borrowed: compiled templates live here */
	struct mustache_tpl *first;  /* templates, most recently added first */
	unsigned count;
};

/* mustache_set_init: an empty set compiling into a (which must outlive the
 * set; releasing the arena releases the set). */
void mustache_set_init(struct mustache_set *set, struct arena *a);

/* mustache_set_add: compile text[0..len) as template `name` (both copied
 * into the set's arena).  MUSTACHE_ESYNTAX fills err (may be NULL) with
 * `name:line:column: reason`; the set is unchanged on any failure. */
enum mustache_rc mustache_set_add(struct mustache_set *set, const char *name,
				  const char *text, size_t len,
				  struct mustache_error *err);

/* mustache_set_get: the template called name, or NULL. */
const struct mustache_tpl *mustache_set_get(const struct mustache_set *set,
					    const char *name);

/* mustache_render: append template `name` rendered against data (NULL is
 * an empty context) to out.  Partials are looked up in set.  On an error
 * out holds a partial page, which the caller must not send. */
enum mustache_rc mustache_render(const struct mustache_set *set, const char *name,
				 const struct view *data, struct strbuf *out);
/* mustache_render_tpl: the same for a template already looked up. */
enum mustache_rc mustache_render_tpl(const struct mustache_set *set,
				     const struct mustache_tpl *tpl,
				     const struct view *data, struct strbuf *out);

/* mustache_strerror: a short English description of rc. */
const char *mustache_strerror(enum mustache_rc rc);

#endif
