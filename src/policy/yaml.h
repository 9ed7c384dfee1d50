/* yaml.h - the policy loader's view of a YAML document (internal).
 *
 * yaml_parse() turns one YAML document into a small tree of ynodes that
 * remember where each node starts (1-based line and column), built from
 * libfyaml's event stream (libfyaml 0.7 has no public way to ask a node of
 * its document tree for its position).  The tree lives in a scratch arena
 * that the caller frees after loading; libfyaml memory is never referenced
 * after yaml_parse() returns.  Anchors and aliases are rejected (reported
 * at their '&' or '*'): a policy file says everything where it applies.
 *
 * struct pctx carries the file name and the error list through the loader;
 * every problem becomes one line "file:line:column: message".  The helpers
 * below read typed values from nodes and report what is wrong with them;
 * each returns false after reporting, so callers can go on checking.
 */
#ifndef YC_POLICY_YAML_H
#define YC_POLICY_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/application.h" /* struct srcpos */
#include "core/date.h"
#include "core/points.h"
#include "lib/arena.h"
#include "lib/strbuf.h"

#define PCTX_MAX_ERRORS 50 /* per file; the rest are counted, not listed */
#define YAML_MAX_DEPTH 48

enum ytype { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
	enum ytype type;
	uint32_t line, col;  /* 1-based */
	const char *text;    /* scalar: NUL-terminated, in the scratch arena */
	size_t len;
	bool plain;          /* scalar written without quotes */
	struct ynode *head;  /* map: key, value, key, value, ...; seq: items */
	struct ynode *tail;
	struct ynode *next;
	size_t n;            /* map: pairs; seq: items */
	/* The key this node is the value of (for an item of a list: the key of
	 * the list), NULL at the top; messages name it ("max: expected ..."). */
	const struct ynode *key;
	/* An unknown key: the known key ymap_check() suggested for it, so that
	 * ymap_need() does not report that key missing as well. */
	const char *meant;
};

struct pctx {
	const char *file;
	struct strbuf *errors;
	int nerrors;
	struct arena *a;   /* the bundle's arena: everything kept */
	struct arena *tmp; /* scratch: the tree */
};

/* perr: report a problem at node `at` (NULL: line 1, column 1). */
void perr(struct pctx *c, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* perr_at: report a problem at a line and column. */
void perr_at(struct pctx *c, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* yaml_parse: the root of the single document in text[0..len), or NULL
 * after reporting a syntax error (or an empty file). */
struct ynode *yaml_parse(struct pctx *c, const char *text, size_t len);

/* y_is_null: a plain empty, "~" or "null" scalar (an absent value). */
bool y_is_null(const struct ynode *n);
/* y_what: a short description of a node for messages ("a list"). */
const char *y_what(const struct ynode *n);

/* ymap_check: n must be a mapping whose keys are all in `known` (NULL-
 * terminated) and distinct; reports each stray or repeated key (with the
 * closest known key as a suggestion).  `what` names the mapping in
 * messages ("factor", "level").  Returns false if n is not a mapping. */
bool ymap_check(struct pctx *c, const struct ynode *n, const char *what,
		const char *const *known);
/* ymap_get: the value of `key` in mapping n; NULL if absent or null. */
const struct ynode *ymap_get(const struct ynode *n, const char *key);
/* ypos: where n is written, as the loaded policy keeps it (policy.h). */
static inline struct srcpos ypos(const struct ynode *n)
{
	return (struct srcpos){ n->line, n->col };
}
/* ymap_key: the key node of `key` (for positions); NULL if absent. */
const struct ynode *ymap_key(const struct ynode *n, const char *key);
/* ymap_need: like ymap_get, but reports a missing required key (unless an
 * unknown key of n was reported as its misspelling: one mistake, one
 * error). */
const struct ynode *ymap_need(struct pctx *c, const struct ynode *n,
		const char *what, const char *key);
/* yseq: n must be a sequence (reports otherwise). */
bool yseq(struct pctx *c, const struct ynode *n, const char *what);

/* Typed scalars.  Strings are copied into the bundle's arena. */
bool y_str(struct pctx *c, const struct ynode *n, const char **out);
bool y_id(struct pctx *c, const struct ynode *n, const char **out);
bool y_bool(struct pctx *c, const struct ynode *n, bool *out);
bool y_points(struct pctx *c, const struct ynode *n, points_t *out);
bool y_int(struct pctx *c, const struct ynode *n, int64_t min, int64_t max,
		int64_t *out);
bool y_date(struct pctx *c, const struct ynode *n, date_t *out);
/* y_str_list: a sequence of strings (a single string counts as one). */
bool y_str_list(struct pctx *c, const struct ynode *n, const char ***out,
		size_t *nout);
/* y_str_list_at: y_str_list, and in *pos where each text is written. */
bool y_str_list_at(struct pctx *c, const struct ynode *n, const char ***out,
		const struct srcpos **pos, size_t *nout);

/* Optional keys: leave *out unchanged when the key is absent. */
bool yget_str(struct pctx *c, const struct ynode *m, const char *key, const char **out);
bool yget_bool(struct pctx *c, const struct ynode *m, const char *key, bool *out);
/* Required keys: report when absent. */
bool yneed_str(struct pctx *c, const struct ynode *m, const char *what,
		const char *key, const char **out);
bool yneed_id(struct pctx *c, const struct ynode *m, const char *what,
		const char *key, const char **out);
bool yneed_date(struct pctx *c, const struct ynode *m, const char *what,
		const char *key, date_t *out);

/* A list of ids seen so far (in the scratch arena), to report duplicates. */
struct idlist {
	const char **ids;
	const struct ynode **at;
	size_t n, cap;
};
/* idlist_add: remember id (given at node `at`); reports and returns false
 * when it was seen before.  `what` names the kind of id ("factor"). */
bool idlist_add(struct pctx *c, struct idlist *l, const char *id,
		const struct ynode *at, const char *what);
/* idlist_find: where id was first given, or NULL if not seen. */
const struct ynode *idlist_find(const struct idlist *l, const char *id);

/* closest: the candidate nearest to s by edit distance, or NULL if none
 * is near enough to be a likely typo. */
const char *closest(const char *s, const char *const *cands, size_t n);

#endif
