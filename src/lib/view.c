/* view.c - see view.h. */
#include "view.h"

#include <inttypes.h>
#include <string.h>

static struct view *make(struct arena *a, enum view_type type)
{
	struct view *v = arena_alloc(a, sizeof *v);

	if (v)
		v->type = type;
	return v;
}

struct view *view_null(struct arena *a)
{
	return make(a, VIEW_NULL);
}

struct view *view_bool(struct arena *a, bool b)
{
	struct view *v = make(a, VIEW_BOOL);

	if (v)
		v->b = b;
	return v;
}

struct view *view_int(struct arena *a, int64_t i)
{
	struct view *v = make(a, VIEW_NUMBER);

	if (!v)
		return NULL;
	v->s = arena_printf(a, "%" PRId64, i);
	if (!v->s)
		return NULL;
	v->len = strlen(v->s);
	v->is_int = true;
	v->i = i;
	return v;
}

struct view *view_number(struct arena *a, const char *text)
{
	struct view *v = make(a, VIEW_NUMBER);
	size_t n = strlen(text);

	if (!v)
		return NULL;
	v->s = arena_strndup(a, text, n);
	if (!v->s)
		return NULL;
	v->len = n;
	v->is_int = json_int(text, n, &v->i) == JSON_NUM_OK;
	return v;
}

struct view *view_strn(struct arena *a, const char *s, size_t n)
{
	struct view *v = make(a, VIEW_STRING);

	if (!v)
		return NULL;
	v->s = arena_strndup(a, s, n);
	if (!v->s)
		return NULL;
	v->len = strlen(v->s);
	return v;
}

struct view *view_str(struct arena *a, const char *s)
{
	return view_strn(a, s, strlen(s));
}

static struct view *container(struct arena *a, enum view_type type)
{
	struct view *v = make(a, type);

	if (v)
		v->arena = a;
	return v;
}

struct view *view_list(struct arena *a)
{
	return container(a, VIEW_LIST);
}

struct view *view_object(struct arena *a)
{
	return container(a, VIEW_OBJECT);
}

/* key_hash: FNV-1a of key[0..klen). */
static size_t key_hash(const char *key, size_t klen)
{
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < klen; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211u;
	return (size_t)h;
}

/* index_put: m into obj's index, which has room. */
static void index_put(struct view *obj, struct view_member *m)
{
	size_t mask = obj->index_cap - 1, i = key_hash(m->key, m->klen) & mask;

	while (obj->index[i])
		i = (i + 1) & mask;
	obj->index[i] = m;
}

/* index_grow: obj's index rebuilt with room for its members and one more
 * at most half full; false when the arena is exhausted (then the index is
 * dropped and look-ups walk the list, still right). */
static bool index_grow(struct view *obj)
{
	size_t cap = obj->index_cap ? obj->index_cap * 2 : 64;
	struct view_member **t;

	while (cap < 2 * (obj->len + 1))
		cap *= 2;
	t = arena_array(obj->arena, cap, sizeof *t);
	obj->index = t;
	obj->index_cap = t ? cap : 0;
	if (!t)
		return false;
	for (struct view_member *m = obj->first; m; m = m->next)
		index_put(obj, m);
	return true;
}

/* append: a new member at the end of container c. */
static struct view_member *append(struct view *c, const char *key, size_t klen,
				  struct view *v)
{
	struct view_member *m = arena_alloc(c->arena, sizeof *m);

	if (!m)
		return NULL;
	if (key) {
		m->key = arena_strndup(c->arena, key, klen);
		if (!m->key)
			return NULL;
		m->klen = klen;
	}
	m->value = v;
	if (c->last)
		c->last->next = m;
	else
		c->first = m;
	c->last = m;
	c->len++;
	if (c->type == VIEW_OBJECT && c->len > VIEW_INDEX_FROM) {
		if (2 * c->len > c->index_cap)
			index_grow(c); /* puts every member, m too */
		else
			index_put(c, m);
	}
	return m;
}

static struct view_member *find(const struct view *obj, const char *key, size_t klen)
{
	struct view_member *m;

	if (obj->index) {
		size_t mask = obj->index_cap - 1, i = key_hash(key, klen) & mask;

		for (; (m = obj->index[i]) != NULL; i = (i + 1) & mask)
			if (m->klen == klen && memcmp(m->key, key, klen) == 0)
				return m;
		return NULL;
	}
	for (m = obj->first; m; m = m->next)
		if (m->klen == klen && memcmp(m->key, key, klen) == 0)
			return m;
	return NULL;
}

/* set_n: obj[key[0..klen)] = v. */
static struct view *set_n(struct view *obj, const char *key, size_t klen, struct view *v)
{
	struct view_member *m;

	if (!obj || obj->type != VIEW_OBJECT || !v)
		return NULL;
	m = find(obj, key, klen);
	if (m) {
		m->value = v;
		return v;
	}
	return append(obj, key, klen, v) ? v : NULL;
}

struct view *view_set(struct view *obj, const char *key, struct view *v)
{
	return set_n(obj, key, strlen(key), v);
}

/* arena_of: where a value for container c goes; NULL when c is unusable. */
static struct arena *arena_of(const struct view *c, enum view_type type)
{
	return c && c->type == type ? c->arena : NULL;
}

struct view *view_set_null(struct view *obj, const char *key)
{
	struct arena *a = arena_of(obj, VIEW_OBJECT);

	return a ? view_set(obj, key, view_null(a)) : NULL;
}

struct view *view_set_bool(struct view *obj, const char *key, bool b)
{
	struct arena *a = arena_of(obj, VIEW_OBJECT);

	return a ? view_set(obj, key, view_bool(a, b)) : NULL;
}

struct view *view_set_int(struct view *obj, const char *key, int64_t i)
{
	struct arena *a = arena_of(obj, VIEW_OBJECT);

	return a ? view_set(obj, key, view_int(a, i)) : NULL;
}

struct view *view_set_number(struct view *obj, const char *key, const char *text)
{
	struct arena *a = arena_of(obj, VIEW_OBJECT);

	return a ? view_set(obj, key, view_number(a, text)) : NULL;
}

struct view *view_set_str(struct view *obj, const char *key, const char *s)
{
	struct arena *a = arena_of(obj, VIEW_OBJECT);

	return a ? view_set(obj, key, view_str(a, s)) : NULL;
}

struct view *view_set_list(struct view *obj, const char *key)
{
	struct arena *a = arena_of(obj, VIEW_OBJECT);

	return a ? view_set(obj, key, view_list(a)) : NULL;
}

struct view *view_set_object(struct view *obj, const char *key)
{
	struct arena *a = arena_of(obj, VIEW_OBJECT);

	return a ? view_set(obj, key, view_object(a)) : NULL;
}

struct view *view_list_push(struct view *list, struct view *v)
{
	if (!list || list->type != VIEW_LIST || !v)
		return NULL;
	return append(list, NULL, 0, v) ? v : NULL;
}

struct view *view_list_push_str(struct view *list, const char *s)
{
	struct arena *a = arena_of(list, VIEW_LIST);

	return a ? view_list_push(list, view_str(a, s)) : NULL;
}

struct view *view_list_push_object(struct view *list)
{
	struct arena *a = arena_of(list, VIEW_LIST);

	return a ? view_list_push(list, view_object(a)) : NULL;
}

const struct view *view_get(const struct view *obj, const char *key, size_t klen)
{
	const struct view_member *m;

	if (!obj || obj->type != VIEW_OBJECT)
		return NULL;
	m = find(obj, key, klen);
	return m ? m->value : NULL;
}

bool view_truthy(const struct view *v)
{
	if (!v)
		return false;
	switch (v->type) {
	case VIEW_NULL: return false;
	case VIEW_BOOL: return v->b;
	case VIEW_STRING: return v->len > 0;
	case VIEW_LIST: return v->first != NULL;
	case VIEW_NUMBER:
	case VIEW_OBJECT: return true;
	}
	return false;
}

/* ---- from JSON ----------------------------------------------------------- */

static struct view *json_primitive(struct arena *a, const struct json_doc *doc, unsigned tok)
{
	struct view *v;
	size_t n;
	const char *raw;
	bool b;

	if (json_is_null(doc, tok))
		return view_null(a);
	if (json_bool(doc, tok, &b))
		return view_bool(a, b);
	raw = json_raw(doc, tok, &n);
	v = make(a, VIEW_NUMBER);
	if (!v)
		return NULL;
	v->s = arena_strndup(a, raw, n);
	if (!v->s)
		return NULL;
	v->len = n;
	v->is_int = json_int(raw, n, &v->i) == JSON_NUM_OK;
	return v;
}

static struct view *json_string(struct arena *a, const struct json_doc *doc, unsigned tok)
{
	struct view *v = make(a, VIEW_STRING);

	if (!v || json_str_dup(doc, tok, a, &v->s, &v->len) != JSON_STR_OK)
		return NULL;
	return v;
}

static struct view *json_list(struct arena *a, const struct json_doc *doc, unsigned tok)
{
	struct view *list = view_list(a);
	unsigned i, k = tok + 1;

	for (i = 0; list && i < (unsigned)doc->toks[tok].size; i++) {
		if (!view_list_push(list, view_from_json(a, doc, k)))
			return NULL;
		k = json_skip(doc, k);
	}
	return list;
}

static struct view *json_object(struct arena *a, const struct json_doc *doc, unsigned tok)
{
	struct view *obj = view_object(a);
	unsigned i, k = tok + 1;
	const char *key;
	size_t klen;

	for (i = 0; obj && i < (unsigned)doc->toks[tok].size; i++) {
		if (json_str_dup(doc, k, a, &key, &klen) != JSON_STR_OK)
			return NULL;
		if (!set_n(obj, key, klen, view_from_json(a, doc, k + 1)))
			return NULL;
		k = json_skip(doc, k + 1);
	}
	return obj;
}

struct view *view_from_json(struct arena *a, const struct json_doc *doc, unsigned tok)
{
	switch (doc->toks[tok].type) {
	case JSMN_OBJECT: return json_object(a, doc, tok);
	case JSMN_ARRAY: return json_list(a, doc, tok);
	case JSMN_STRING: return json_string(a, doc, tok);
	case JSMN_PRIMITIVE: return json_primitive(a, doc, tok);
	default: return NULL;
	}
}
