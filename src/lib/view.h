/* view.h - the value tree that page templates are rendered from.
 *
 * A view is JSON-shaped: null, bool, number, string, list or object (an
 * ordered list of key/value pairs).  Web handlers build their view models
 * with the builders below; tests and the API build them from parsed JSON
 * with view_from_json().
 *
 * Everything lives in one arena (normally the request's): a container
 * remembers its arena so adding to it needs no extra argument.  Builders
 * copy the strings and keys they are given.  Allocation failure latches
 * the arena's `failed` flag and makes builders return NULL; every builder
 * accepts a NULL container or value and then does nothing, so view-model
 * code stays straight-line and checks `a->failed` once at the end.
 *
 * Numbers are kept as their text ("85", "1.21", "82.50": what a page shows)
 * and, when the text is a whole number, also as an int64.
 *
 * Invariants: s is NUL-terminated and s[len] == '\0' for strings and
 * numbers; an object has at most one member per key (setting a key again
 * replaces its value, keeping its place).
 */
#ifndef YC_VIEW_H
#define YC_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "json.h"

enum view_type {
	VIEW_NULL,
	VIEW_BOOL,
	VIEW_NUMBER,
	VIEW_STRING,
	VIEW_LIST,
	VIEW_OBJECT,
};

struct view;

/* One element of a list (key NULL) or member of an object. */
struct view_member {
	const char *key;
	size_t klen;
	struct view *value;
	struct view_member *next;
};

struct view {
	enum view_type type;
	bool b;                      /* VIEW_BOOL */
	bool is_int;                 /* VIEW_NUMBER: i holds the value */
	int64_t i;                   /* VIEW_NUMBER */
	const char *s;               /* VIEW_STRING, VIEW_NUMBER: the text */
	size_t len;                  /* length of s; or members of a container */
	struct view_member *first;   /* VIEW_LIST, VIEW_OBJECT, in order */
	struct view_member *last;
	struct arena *arena;         /* VIEW_LIST, VIEW_OBJECT: where to add */
	/* VIEW_OBJECT with more than VIEW_INDEX_FROM members: a hash table of
	 * the members by key (open addressing, a power of two slots, at most
	 * half full), so that a page's hundreds of {{t.key}} look-ups in the
	 * thousand-odd words of a language do not each walk the list. */
	struct view_member **index;
	size_t index_cap;
};

#define VIEW_INDEX_FROM 16

/* Scalars and empty containers, allocated in a.  NULL on failure. */
struct view *view_null(struct arena *a);
struct view *view_bool(struct arena *a, bool b);
struct view *view_int(struct arena *a, int64_t v);
/* view_number: a number given as text ("1.21", "82.50"), copied as is. */
struct view *view_number(struct arena *a, const char *text);
/* view_str, view_strn: a copy of s (s[0..n) for strn; NULs inside are cut). */
struct view *view_str(struct arena *a, const char *s);
struct view *view_strn(struct arena *a, const char *s, size_t n);
struct view *view_list(struct arena *a);
struct view *view_object(struct arena *a);

/* view_set: obj[key] = v (v is not copied and may be shared).  Returns v,
 * or NULL when obj is not an object, v is NULL or memory ran out. */
struct view *view_set(struct view *obj, const char *key, struct view *v);
/* Shorthands: make the value in obj's arena and set it; return the value. */
struct view *view_set_null(struct view *obj, const char *key);
struct view *view_set_bool(struct view *obj, const char *key, bool b);
struct view *view_set_int(struct view *obj, const char *key, int64_t v);
struct view *view_set_number(struct view *obj, const char *key, const char *text);
struct view *view_set_str(struct view *obj, const char *key, const char *s);
/* view_set_list, view_set_object: a new empty container at obj[key]. */
struct view *view_set_list(struct view *obj, const char *key);
struct view *view_set_object(struct view *obj, const char *key);

/* view_list_push: append v to list; returns v (NULL as for view_set). */
struct view *view_list_push(struct view *list, struct view *v);
struct view *view_list_push_str(struct view *list, const char *s);
/* view_list_push_object: a new empty object appended to list. */
struct view *view_list_push_object(struct view *list);

/* view_get: obj[key[0..klen)], or NULL when absent or obj is no object. */
const struct view *view_get(const struct view *obj, const char *key, size_t klen);
/* view_truthy: false for null, false, "", an empty list; true otherwise
 * (numbers, 0 included, and objects, empty ones included). */
bool view_truthy(const struct view *v);

/* view_from_json: the JSON value at token tok of doc as a view in a.
 * NULL when memory runs out or a string holds \u0000. */
struct view *view_from_json(struct arena *a, const struct json_doc *doc, unsigned tok);

#endif
