/* ynode.c - reading the ynode tree: mappings with checked keys, typed
 * scalars, id lists, "did you mean" suggestions (see yaml.h). */
#include "yaml.h"

#include <stdio.h>
#include <string.h>

#include "core/suggest.h"

/* ---- nodes ----------------------------------------------------------- */

bool y_is_null(const struct ynode *n)
{
	return n && n->type == Y_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0);
}

const char *y_what(const struct ynode *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case Y_MAP: return "a mapping";
	case Y_SEQ: return "a list";
	case Y_SCALAR: return y_is_null(n) ? "no value" : "a single value";
	}
	return "?";
}

const char *closest(const char *s, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, len = strlen(s);

	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(s, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	if (best && bestd > 0 && (bestd <= 2 || bestd * 3 <= len))
		return best;
	/* a known name cut short ("in_force" for "in_force_from") */
	for (size_t i = 0; len >= 3 && i < n; i++)
		if (strncmp(cands[i], s, len) == 0)
			return cands[i];
	return NULL;
}

bool ymap_check(struct pctx *c, const struct ynode *n, const char *what,
		const char *const *known)
{
	size_t nknown = 0;

	if (!n || n->type != Y_MAP) {
		perr(c, n, "%s: expected a mapping (key: value lines), found %s", what, y_what(n));
		return false;
	}
	while (known[nknown])
		nknown++;
	for (const struct ynode *k = n->head; k && k->next; k = k->next->next) {
		size_t i;

		if (k->type != Y_SCALAR)
			continue;
		for (i = 0; i < nknown; i++)
			if (strcmp(k->text, known[i]) == 0)
				break;
		if (i == nknown) {
			const char *near = closest(k->text, known, nknown);
			/* the tree is the loader's scratch: a note for ymap_need() */
			((struct ynode *)k)->meant = near;
			if (near) {
				perr(c, k, "%s: unknown key '%s' (did you mean '%s'?)", what, k->text, near);
			} else {
				struct strbuf list = STRBUF_INIT(512);
				for (i = 0; i < nknown; i++) {
					strbuf_addstr(&list, i ? ", " : "");
					strbuf_addstr(&list, known[i]);
				}
				perr(c, k, "%s: unknown key '%s' (known keys: %s)", what, k->text, list.buf);
				strbuf_release(&list);
			}
			continue;
		}
		for (const struct ynode *j = n->head; j != k; j = j->next->next) {
			if (j->type == Y_SCALAR && strcmp(j->text, k->text) == 0) {
				perr(c, k, "%s: key '%s' given twice (first on line %u)",
				     what, k->text, j->line);
				break;
			}
		}
	}
	return true;
}

const struct ynode *ymap_key(const struct ynode *n, const char *key)
{
	if (!n || n->type != Y_MAP)
		return NULL;
	for (const struct ynode *k = n->head; k && k->next; k = k->next->next)
		if (k->type == Y_SCALAR && strcmp(k->text, key) == 0)
			return k;
	return NULL;
}

const struct ynode *ymap_get(const struct ynode *n, const char *key)
{
	const struct ynode *k = ymap_key(n, key);

	if (!k || y_is_null(k->next))
		return NULL;
	return k->next;
}

const struct ynode *ymap_need(struct pctx *c, const struct ynode *n,
		const char *what, const char *key)
{
	const struct ynode *v = ymap_get(n, key);

	if (!v && n && n->type == Y_MAP) {
		const struct ynode *k = ymap_key(n, key);
		if (k) {
			perr(c, k, "%s: '%s' has no value", what, key);
		} else {
			for (k = n->head; k && k->next; k = k->next->next)
				if (k->meant && strcmp(k->meant, key) == 0)
					return NULL; /* reported as a misspelling already */
			perr(c, n, "%s: missing required key '%s'", what, key);
		}
	}
	return v;
}

bool yseq(struct pctx *c, const struct ynode *n, const char *what)
{
	if (!n || n->type != Y_SEQ) {
		perr(c, n, "%s: expected a list, found %s", what, y_what(n));
		return false;
	}
	return true;
}

/* ---- typed scalars --------------------------------------------------- */

/* key_of: "max: " for a value of key max (or of a list under it), else "";
 * type errors name the key, so the line says what to fix. */
static const char *key_of(const struct ynode *n, char *buf, size_t size)
{
	const struct ynode *k = n ? n->key : NULL;

	buf[0] = '\0';
	if (k && k->type == Y_SCALAR && k->len && k->len < size - 2)
		snprintf(buf, size, "%s: ", k->text);
	return buf;
}

static bool scalar(struct pctx *c, const struct ynode *n, const char *expected)
{
	char kb[72];

	if (!n || n->type != Y_SCALAR || y_is_null(n)) {
		perr(c, n, "%sexpected %s, found %s", key_of(n, kb, sizeof kb), expected, y_what(n));
		return false;
	}
	return true;
}

bool y_str(struct pctx *c, const struct ynode *n, const char **out)
{
	char *s;

	if (!scalar(c, n, "a text"))
		return false;
	s = arena_strndup(c->a, n->text, n->len);
	if (!s) {
		perr(c, n, "out of memory");
		return false;
	}
	*out = s;
	return true;
}

bool y_id(struct pctx *c, const struct ynode *n, const char **out)
{
	if (!scalar(c, n, "an id"))
		return false;
	for (size_t i = 0; i < n->len; i++) {
		char ch = n->text[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			  (i > 0 && (ch == '-' || ch == '_'));
		if (!ok || n->len > 64) {
			perr(c, n, "id '%s': use 1 to 64 characters a-z, 0-9, '-' and '_', "
			     "starting with a letter or digit", n->text);
			return false;
		}
	}
	return y_str(c, n, out);
}

bool y_bool(struct pctx *c, const struct ynode *n, bool *out)
{
	char kb[72];

	if (!scalar(c, n, "true or false"))
		return false;
	if (n->plain && strcmp(n->text, "true") == 0) {
		*out = true;
		return true;
	}
	if (n->plain && strcmp(n->text, "false") == 0) {
		*out = false;
		return true;
	}
	perr(c, n, "%sexpected true or false (without quotes), found %s%s%s", key_of(n, kb, sizeof kb),
	     n->plain ? "'" : "\"", n->text, n->plain ? "'" : "\"");
	return false;
}

bool y_points(struct pctx *c, const struct ynode *n, points_t *out)
{
	const char *dot;
	char kb[72];

	if (!scalar(c, n, "a number with at most two decimal places (e.g. 5 or 2.5)"))
		return false;
	if (points_parse(n->text, n->len, out))
		return true;
	dot = memchr(n->text, '.', n->len);
	if (dot && strspn(dot + 1, "0123456789") == n->len - (size_t)(dot + 1 - n->text) &&
	    n->len - (size_t)(dot + 1 - n->text) > 2)
		perr(c, n, "%s'%s' has more than two decimal places (use at most two, e.g. %.*s)",
		     key_of(n, kb, sizeof kb), n->text, (int)(dot + 3 - n->text), n->text);
	else
		perr(c, n, "%sexpected a number with at most two decimal places (e.g. 5 or 2.5), "
		     "found '%s'", key_of(n, kb, sizeof kb), n->text);
	return false;
}

bool y_int(struct pctx *c, const struct ynode *n, int64_t min, int64_t max,
		int64_t *out)
{
	int64_t v = 0;
	size_t i = 0;
	bool neg = false;
	char kb[72];

	if (!scalar(c, n, "a whole number (e.g. 12)"))
		return false;
	if (n->text[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == n->len)
		goto bad;
	for (; i < n->len; i++) {
		if (n->text[i] < '0' || n->text[i] > '9')
			goto bad;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, n->text[i] - '0', &v))
			goto range;
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		goto range;
	*out = v;
	return true;
bad:
	perr(c, n, "%sexpected a whole number (e.g. 12), found '%s'", key_of(n, kb, sizeof kb), n->text);
	return false;
range:
	perr(c, n, "%s%s is out of range (%lld to %lld)", key_of(n, kb, sizeof kb), n->text,
	     (long long)min, (long long)max);
	return false;
}

bool y_date(struct pctx *c, const struct ynode *n, date_t *out)
{
	char kb[72];

	if (!scalar(c, n, "a date YYYY-MM-DD (e.g. 2025-11-27)"))
		return false;
	if (date_parse(n->text, n->len, out))
		return true;
	perr(c, n, "%sexpected a date YYYY-MM-DD that exists (e.g. 2025-11-27), found '%s'",
	     key_of(n, kb, sizeof kb), n->text);
	return false;
}

bool y_str_list(struct pctx *c, const struct ynode *n, const char ***out,
		size_t *nout)
{
	const char **v;
	size_t i = 0;
	bool ok = true;

	if (n && n->type == Y_SCALAR && !y_is_null(n)) {
		v = arena_array(c->a, 1, sizeof *v);
		if (!v || !y_str(c, n, &v[0]))
			return false;
		*out = v;
		*nout = 1;
		return true;
	}
	if (!n || n->type != Y_SEQ) {
		char kb[72];
		perr(c, n, "%sexpected a list of texts (e.g. [a, b]), found %s",
		     key_of(n, kb, sizeof kb), y_what(n));
		return false;
	}
	v = arena_array(c->a, n->n ? n->n : 1, sizeof *v);
	if (!v) {
		perr(c, n, "out of memory");
		return false;
	}
	for (const struct ynode *k = n->head; k; k = k->next)
		ok &= y_str(c, k, &v[i++]);
	*out = v;
	*nout = n->n;
	return ok;
}

bool y_str_list_at(struct pctx *c, const struct ynode *n, const char ***out,
		const struct srcpos **pos, size_t *nout)
{
	struct srcpos *p;
	const struct ynode *k = n && n->type == Y_SEQ ? n->head : n;

	if (!y_str_list(c, n, out, nout))
		return false;
	p = arena_array(c->a, *nout ? *nout : 1, sizeof *p);
	if (!p) {
		perr(c, n, "out of memory");
		return false;
	}
	for (size_t i = 0; i < *nout && k; i++, k = k->next)
		p[i] = ypos(k);
	*pos = p;
	return true;
}

bool yget_str(struct pctx *c, const struct ynode *m, const char *key, const char **out)
{
	const struct ynode *v = ymap_get(m, key);

	return v ? y_str(c, v, out) : true;
}

bool yget_bool(struct pctx *c, const struct ynode *m, const char *key, bool *out)
{
	const struct ynode *v = ymap_get(m, key);

	return v ? y_bool(c, v, out) : true;
}

bool yneed_str(struct pctx *c, const struct ynode *m, const char *what,
		const char *key, const char **out)
{
	const struct ynode *v = ymap_need(c, m, what, key);

	if (!v || !y_str(c, v, out))
		return false;
	/* A required text says something: a blank source cites nothing. */
	if ((*out)[strspn(*out, " \t\n")] == '\0') {
		perr(c, v, "%s: '%s' is empty: a required key needs its text", what, key);
		return false;
	}
	return true;
}

bool yneed_id(struct pctx *c, const struct ynode *m, const char *what,
		const char *key, const char **out)
{
	const struct ynode *v = ymap_need(c, m, what, key);

	return v && y_id(c, v, out);
}

bool yneed_date(struct pctx *c, const struct ynode *m, const char *what,
		const char *key, date_t *out)
{
	const struct ynode *v = ymap_need(c, m, what, key);

	return v && y_date(c, v, out);
}

const struct ynode *idlist_find(const struct idlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->ids[i], id) == 0)
			return l->at[i];
	return NULL;
}

bool idlist_add(struct pctx *c, struct idlist *l, const char *id,
		const struct ynode *at, const char *what)
{
	const struct ynode *first = idlist_find(l, id);

	if (first) {
		perr(c, at, "%s id '%s' is used twice (first on line %u)", what, id, first->line);
		return false;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		const char **ids = arena_array(c->tmp, cap, sizeof *ids);
		const struct ynode **ats = arena_array(c->tmp, cap, sizeof *ats);
		if (!ids || !ats)
			return true; /* out of memory: just stop checking */
		if (l->n) {
			memcpy(ids, l->ids, l->n * sizeof *ids);
			memcpy(ats, l->at, l->n * sizeof *ats);
		}
		l->ids = ids;
		l->at = ats;
		l->cap = cap;
	}
	l->ids[l->n] = id;
	l->at[l->n++] = at;
	return true;
}
