/* lookup.c - /enterprises (eligibility of an employer by its unified social
 * credit code, with invalid codes explained) and /catalog (a qualification
 * by name, with the benefits of its list). */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/uscc.h"
#include "pages.h"
#include "store/store.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

#define QUERY_MAX 100

/* trimmed: the query field without surrounding spaces, or NULL if empty. */
static const char *trimmed(struct request *rq, const char *key)
{
	const char *s = http_query(rq, key);
	size_t n;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n ? arena_strndup(rq->a, s, n) : NULL;
}

/* uscc_reason: why a code is invalid, in the request's language: the
 * detailed English explanation, or the translated rule with the position. */
static const char *uscc_reason(struct request *rq, const char *code, char *why, enum uscc_rc rc)
{
	size_t pos = 0;
	const char *rule;

	if (strcmp(rq->lang, "en") == 0)
		return why;
	uscc_check(code, strlen(code), &pos);
	rule = T(rq, arena_printf(rq->a, "uscc_rc_%d", (int)rc));
	if (rc == USCC_EMPTY || rc == USCC_TOO_SHORT || rc == USCC_TOO_LONG)
		return arena_printf(rq->a, "%s (%zu)", rule, strlen(code));
	return arena_printf(rq->a, "%s (%s %zu)", rule, T(rq, "uscc_position"), pos + 1);
}

static void enterprise_result(struct request *rq, struct view *v, const char *code)
{
	char why[USCC_REASON_MAX];
	struct enterprise_rec e;
	enum store_rc rc;
	struct view *r = view_set_object(v, "result");

	view_set_str(r, "code", code);
	if (strlen(code) > QUERY_MAX) {
		view_set_bool(r, "invalid", true);
		view_set_str(r, "why", T(rq, "uscc_too_long"));
		return;
	}
	{
		enum uscc_rc urc = uscc_explain(code, strlen(code), why, sizeof why);
		if (urc != USCC_OK) {
			view_set_bool(r, "invalid", true);
			view_set_str(r, "why", uscc_reason(rq, code, why, urc));
			return;
		}
	}
	if (!http_db(rq)) {
		view_set_bool(r, "unavailable", true);
		return;
	}
	rc = store_enterprise_get(rq->db, code, rq->a, &e);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		view_set_bool(r, "unavailable", true);
		return;
	}
	view_set_bool(r, "valid", true);
	view_set_bool(r, "listed", rc == STORE_OK);
	if (rc != STORE_OK)
		return;
	view_set_str(r, "name", e.name);
	view_set_bool(r, "key_entity", e.key_entity);
	view_set_bool(r, "service_key", e.service_key);
	view_set_bool(r, "breach", e.breach_of_trust);
	view_set_bool(r, "eligible_two_zones", e.key_entity && !e.breach_of_trust);
	view_set_bool(r, "eligible_urgent", e.service_key && !e.breach_of_trust);
	if (e.updated_at)
		view_set_str(r, "updated", i18n_date(rq->a, rq->lang,
			(date_t)(e.updated_at / 86400)));
}

void page_enterprises(struct request *rq, struct response *rs)
{
	struct view *v = render_view(rq);
	const char *code = trimmed(rq, "uscc");

	view_set_str(v, "uscc", code ? code : "");
	if (code)
		enterprise_result(rq, v, code);
	render_page(rq, rs, 200, "enterprises", "enterprises_title", v);
}

/* contains: case-insensitive substring (ASCII folding; other bytes exact). */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return false;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

static const struct catalog_list *list_by_id(const struct catalog *c, const char *id)
{
	for (size_t i = 0; i < c->nlists; i++)
		if (strcmp(c->lists[i].id, id) == 0)
			return &c->lists[i];
	return NULL;
}

static bool on_list(const struct catalog_entry *e, const char *id)
{
	for (size_t i = 0; i < e->nlists; i++)
		if (strcmp(e->lists[i], id) == 0)
			return true;
	return false;
}

/* policy_text: a text of the policy (its English) in the visitor's
 * language (msgctxt "policy", po/<lang>/policy_words.po); *english when
 * there is none and the page is not English (the page marks it lang="en"). */
static const char *policy_text(struct request *rq, const char *english, bool *en)
{
	const char *key = arena_printf(rq->a, "policy\004%s", english);
	const char *s = key ? T(rq, key) : english;

	*en = s == key || strcmp(s, key) == 0;
	if (*en)
		s = english;
	*en = *en && strcmp(rq->lang, "en") != 0;
	return s;
}

/* add_list: list l with its benefits and clause into the entry's lists,
 * its name and benefits in the visitor's language. */
static void add_list(struct request *rq, struct view *lists, const struct catalog_list *l)
{
	struct view *lv = view_list_push_object(lists), *bens;
	const char *key = arena_printf(rq->a, "catalog_list_%s", l->id);
	const char *name = key ? T(rq, key) : NULL;
	bool en;

	view_set_str(lv, "name", name && strcmp(name, key) != 0 ? name : l->name);
	bens = view_set_list(lv, "benefits");
	for (size_t k = 0; k < l->nbenefits; k++) {
		struct view *b = view_list_push_object(bens);

		view_set_str(b, "text", policy_text(rq, l->benefits[k], &en));
		view_set_bool(b, "en", en);
	}
	view_set_str(lv, "source", l->source ? l->source : "");
}

static void add_entry(struct request *rq, struct view *list, const struct catalog *c,
		const struct catalog_entry *e)
{
	struct view *ev = view_list_push_object(list);
	struct view *lists = view_set_list(ev, "lists");

	view_set_str(ev, "id", e->id);
	view_set_str(ev, "name", e->name);
	view_set_str(ev, "issuer", e->issuer ? e->issuer : "");
	/* "corr_title", not "title": the page's own title is in the context. */
	view_set_bool(ev, "corr_title", false);
	if (e->title_correspondence)
		view_set_str(ev, "corr_title", T(rq, arena_printf(rq->a, "title_corr_%s",
							    e->title_correspondence)));
	for (size_t i = 0; i < e->nlists; i++) {
		const struct catalog_list *l = list_by_id(c, e->lists[i]);

		if (!l)
			continue;
		add_list(rq, lists, l);
		/* the benefits its holders also receive (the urgent list adds
		 * to the international list's), unless the entry is on it */
		for (size_t a = 0; a < l->nalso; a++) {
			const struct catalog_list *more = list_by_id(c, l->also[a]);

			if (more && !on_list(e, more->id))
				add_list(rq, lists, more);
		}
	}
}

void page_catalog(struct request *rq, struct response *rs)
{
	struct view *v = render_view(rq);
	const char *q = trimmed(rq, "q");
	time_t now = (time_t)rq->now + 8 * 3600;
	const struct catalog *c = policy_catalog_on(&rq->site->bundle, (date_t)(now / 86400));
	struct view *results = view_set_list(v, "results");
	size_t hits = 0;

	view_set_str(v, "q", q ? q : "");
	if (c) {
		view_set_str(v, "edition", c->edition);
		view_set_int(v, "published", c->published_count);
		view_set_int(v, "recorded", (int64_t)c->nentries);
	}
	if (q && strlen(q) > QUERY_MAX) {
		view_set_str(v, "error", T(rq, "catalog_query_too_long"));
		q = NULL;
	}
	for (size_t i = 0; c && q && i < c->nentries; i++) {
		const struct catalog_entry *e = &c->entries[i];
		if (contains(e->name, q) || contains(e->id, q) || contains(e->issuer, q)) {
			add_entry(rq, results, c, e);
			hits++;
		}
	}
	view_set_bool(v, "searched", q != NULL);
	view_set_bool(v, "found", hits > 0);
	view_set_int(v, "hits", (int64_t)hits);
	render_page(rq, rs, 200, "catalog", "catalog_title", v);
}
