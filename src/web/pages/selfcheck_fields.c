/* selfcheck_fields.c - the self-check's words and how questions and
 * answers are shown: the view of one question for a step form (inputs,
 * options, hints, errors, ids for aria-describedby and the error summary)
 * and an answer as the summary page writes it. */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <stdarg.h>
#include <string.h>

#include "web/countries.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

/* ---- words -------------------------------------------------------------- */

const char *sc_tr(const struct request *rq, const char *key, const char *fallback)
{
	const char *s = T(rq, key);

	return strcmp(s, key) == 0 && fallback ? fallback : s;
}

const char *sc_fmt(const struct request *rq, const char *key, ...)
{
	const char *s = T(rq, key);
	struct strbuf sb = STRBUF_INIT(8192);
	const char *out;
	va_list ap;

	while (*s) {
		const char *close = *s == '{' ? strchr(s, '}') : NULL;
		bool done = false;

		if (close) {
			const char *name;
			va_start(ap, key);
			while (!done && (name = va_arg(ap, const char *))) {
				const char *val = va_arg(ap, const char *);
				size_t l = strlen(name);
				if ((size_t)(close - s - 1) == l && memcmp(s + 1, name, l) == 0) {
					strbuf_addstr(&sb, val ? val : "");
					s = close + 1;
					done = true;
				}
			}
			va_end(ap);
		}
		if (!done)
			strbuf_addch(&sb, *s++);
	}
	out = sb.failed ? T(rq, key) : arena_strdup(rq->a, sb.buf);
	strbuf_release(&sb);
	return out;
}

const char *sc_unknown_ok(const struct selfcheck *sc)
{
	const struct programme_policy *pol =
		policy_find(&sc->rq->site->bundle, sc->prog->id, NULL, sc->today);

	return T(sc->rq, pol && !pol->scored ? "sc_unknown_ok_unscored" : "sc_unknown_ok");
}

const char *sc_label(const struct selfcheck *sc, const struct sc_field *f)
{
	return T(sc->rq, arena_printf(sc->rq->a, "sc_f_%s", f->name));
}

const char *sc_option_label(const struct selfcheck *sc, const struct sc_field *f,
		const char *value)
{
	return T(sc->rq, arena_printf(sc->rq->a, "sc_o_%s_%s", f->name, value));
}

/* ---- how answers are shown ---------------------------------------------- */

static const char *unit_key(enum sc_type t)
{
	switch (t) {
	case SC_YEARS: return "sc_unit_years";
	case SC_MONEY: return "sc_unit_cny";
	case SC_COUNT: return "sc_unit_people";
	case SC_PERCENT: return "sc_unit_percent";
	default: return NULL;
	}
}

static void push_option(struct view *list, const char *value, const char *label, bool on)
{
	struct view *o = view_list_push_object(list);

	view_set_str(o, "value", value);
	view_set_str(o, "label", label);
	view_set_bool(o, "selected", on);
	view_set_str(o, "oid", "");
}

/* country_list: the countries as suggestions for the nationality field
 * (a datalist: the code is the value, the name in the reader's language
 * its label; typing a name works as well, check_nation reads it). */
static void country_list(struct request *rq, struct view *v, const char *id)
{
	const struct countries *c = rq->site->countries;
	int l = i18n_lang_index(rq->lang);
	struct view *list = view_set_list(v, "countries");

	view_set_str(v, "list_id", arena_printf(rq->a, "%s-list", id));
	for (size_t i = 0; c && l >= 0 && i < c->n; i++) {
		struct view *o = view_list_push_object(list);

		view_set_str(o, "code", c->by_name[l][i]->code);
		view_set_str(o, "name", c->by_name[l][i]->name[l]);
	}
}

/* sc_country: "德国（DEU）", "Germany (DEU)": the code with its name in the
 * reader's language; a code that names no country as it is. */
const char *sc_country(struct request *rq, const char *code)
{
	const struct country *c = countries_find(rq->site->countries, code);
	int l = i18n_lang_index(rq->lang);

	if (!c || l < 0)
		return code;
	return arena_printf(rq->a, l == 0 ? "%s\xef\xbc\x88%s\xef\xbc\x89" : "%s (%s)",
			    c->name[l], c->code);
}

void sc_field_view(const struct selfcheck *sc, const struct sc_answer *an, struct view *fields)
{
	const struct sc_field *f = an->q->field;
	struct request *rq = sc->rq;
	struct view *v = view_list_push_object(fields);
	struct view *opts = view_set_list(v, "options");
	const char *id = arena_printf(rq->a, "field-%s", f->name);
	struct strbuf desc = STRBUF_INIT(256);
	const char *unit = unit_key(f->type);

	view_set_str(v, "id", id);
	view_set_str(v, "name", f->name);
	view_set_str(v, "label", sc_label(sc, f));
	view_set_str(v, "value", an->raw);
	view_set_bool(v, "has_hint", f->hint);
	if (f->hint) {
		view_set_str(v, "hint", T(rq, arena_printf(rq->a, "sc_h_%s", f->name)));
		strbuf_addf(&desc, "%s-hint", id);
	}
	view_set_bool(v, "has_error", an->error != NULL);
	view_set_str(v, "error", an->error ? an->error : "");
	if (an->error)
		strbuf_addf(&desc, "%s%s-error", desc.len ? " " : "", id);
	view_set_str(v, "describedby", desc.failed ? "" : desc.buf);
	strbuf_release(&desc);
	view_set_str(v, "unit", unit ? T(rq, unit) : "");
	view_set_bool(v, "has_unit", unit != NULL);
	view_set_bool(v, "is_date", f->type == SC_DATE);
	view_set_bool(v, "is_text", f->type == SC_TEXT || f->type == SC_NATION ||
				    f->type == SC_USCC);
	view_set_bool(v, "is_number", unit != NULL);
	view_set_str(v, "inputmode", f->type == SC_PERCENT ? "decimal" : "numeric");
	view_set_str(v, "autocomplete", f->type == SC_DATE ? "bday" :
			strcmp(f->name, "employer") == 0 ? "organization" : "off");
	view_set_str(v, "size", f->type == SC_NATION ? "24" : f->type == SC_USCC ? "22" : "40");
	if (f->type == SC_NATION)
		country_list(rq, v, id);
	view_set_bool(v, "is_select", f->type == SC_CHOICE && !f->required);
	view_set_bool(v, "is_radio", f->type == SC_TRI || (f->type == SC_CHOICE && f->required));
	view_set_bool(v, "is_checks", f->type == SC_MULTI);
	view_set_bool(v, "is_quals", f->type == SC_QUALS);

	if (f->type == SC_CHOICE && !f->required) {
		push_option(opts, "", T(rq, "sc_dont_know"), !*an->raw);
		for (size_t i = 0; i < f->noptions; i++)
			push_option(opts, f->options[i], sc_option_label(sc, f, f->options[i]),
				    strcmp(an->raw, f->options[i]) == 0);
	} else if (f->type == SC_CHOICE) {
		for (size_t i = 0; i < f->noptions; i++)
			push_option(opts, f->options[i], sc_option_label(sc, f, f->options[i]),
				    strcmp(an->raw, f->options[i]) == 0);
	} else if (f->type == SC_TRI) {
		push_option(opts, "yes", T(rq, "sc_yes"), strcmp(an->raw, "yes") == 0);
		push_option(opts, "no", T(rq, "sc_no"), strcmp(an->raw, "no") == 0);
		push_option(opts, "", T(rq, "sc_dont_know"), !*an->raw ||
			    (strcmp(an->raw, "yes") != 0 && strcmp(an->raw, "no") != 0));
	} else if (f->type == SC_MULTI) {
		for (size_t i = 0; i < f->noptions; i++) {
			bool on = false;
			for (size_t k = 0; k < an->nvals; k++)
				on |= strcmp(an->vals[k], f->options[i]) == 0;
			push_option(opts, f->options[i], sc_option_label(sc, f, f->options[i]), on);
		}
	}
	/* radios and checkboxes: each needs its own id; the first is the
	 * field's id so that the error summary can link to it */
	if (f->type == SC_TRI || f->type == SC_MULTI || (f->type == SC_CHOICE && f->required)) {
		size_t k = 0;
		for (struct view_member *m = opts->first; m; m = m->next, k++)
			view_set_str(m->value, "oid", k ? arena_printf(rq->a, "%s-%zu", id, k) : id);
	}
	if (f->type == SC_QUALS) {
		struct view *entries = view_set_list(v, "entries");
		for (size_t i = 0; sc->catalog && i < sc->catalog->nentries && i < SC_MAX_MULTI; i++) {
			const struct catalog_entry *ce = &sc->catalog->entries[i];
			const char *cur = i < an->nvals && an->vals[i] ? an->vals[i] : "";
			struct view *ev = view_list_push_object(entries);
			struct view *eo = view_set_list(ev, "options");

			view_set_str(ev, "id", arena_printf(rq->a, "field-q_%s", ce->id));
			view_set_str(ev, "name", arena_printf(rq->a, "q_%s", ce->id));
			view_set_str(ev, "label", ce->name);
			view_set_str(ev, "issuer", ce->issuer ? ce->issuer : "");
			push_option(eo, "", T(rq, "sc_q_not_held"), !*cur);
			for (size_t k = 0; k < f->noptions; k++)
				push_option(eo, f->options[k], sc_option_label(sc, f, f->options[k]),
					    strcmp(cur, f->options[k]) == 0);
		}
		view_set_bool(v, "has_entries", sc->catalog && sc->catalog->nentries > 0);
	}
}

size_t sc_step_fields(const struct selfcheck *sc, unsigned step, bool show_errors,
		struct view *fields)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->nans; i++) {
		struct sc_answer an = sc->ans[i];
		if (an.q->step != step)
			continue;
		if (!show_errors)
			an.error = NULL;
		sc_field_view(sc, &an, fields);
		n++;
	}
	return n;
}

struct view *sc_answer_row(const struct selfcheck *sc, const struct sc_answer *an,
		struct view *rows)
{
	struct view *r = view_list_push_object(rows);

	view_set_str(r, "label", sc_label(sc, an->q->field));
	view_set_str(r, "value", sc_answer_text(sc, an));
	view_set_bool(r, "unknown", !an->error && !*an->raw && an->nvals == 0);
	return r;
}

const char *sc_answer_text(const struct selfcheck *sc, const struct sc_answer *an)
{
	const struct sc_field *f = an->q->field;
	struct request *rq = sc->rq;
	struct strbuf sb = STRBUF_INIT(4096);
	const char *out;

	if (an->error)
		return an->raw;
	switch (f->type) {
	case SC_MULTI:
		for (size_t k = 0; k < an->nvals; k++) {
			if (k)
				strbuf_addstr(&sb, T(rq, "sc_list_sep"));
			strbuf_addstr(&sb, sc_option_label(sc, f, an->vals[k]));
		}
		break;
	case SC_QUALS:
		for (size_t k = 0; k < an->nvals; k++) {
			if (!an->vals[k])
				continue;
			if (sb.len)
				strbuf_addstr(&sb, T(rq, "sc_list_sep"));
			strbuf_addf(&sb, "%s (%s)", sc->catalog->entries[k].name,
				    sc_option_label(sc, f, an->vals[k]));
		}
		break;
	default:
		if (!*an->raw)
			break;
		switch (f->type) {
		case SC_CHOICE:
			strbuf_addstr(&sb, sc_option_label(sc, f, an->raw));
			break;
		case SC_TRI:
			strbuf_addstr(&sb, T(rq, strcmp(an->raw, "yes") == 0 ? "sc_yes" : "sc_no"));
			break;
		case SC_DATE:
			strbuf_addstr(&sb, i18n_date(rq->a, rq->lang, sc->app.applicant.birth_date));
			break;
		case SC_MONEY: {
			int64_t v = 0;
			if (sc_money(rq->a, an->raw, &v) == SC_NUM_OK)
				strbuf_addstr(&sb, i18n_money(rq->a, rq->lang, v));
			break;
		}
		case SC_YEARS:
		case SC_COUNT:
			strbuf_addf(&sb, "%s %s", an->raw, T(rq, unit_key(f->type)));
			break;
		case SC_PERCENT:
			strbuf_addf(&sb, "%s %%", an->raw);
			break;
		case SC_NATION:
			strbuf_addstr(&sb, sc_country(rq, sc->app.applicant.nationality));
			break;
		case SC_USCC:
			strbuf_addstr(&sb, sc->app.enterprise.uscc);
			break;
		default:
			strbuf_addstr(&sb, an->raw);
		}
	}
	out = sb.failed ? an->raw : arena_strdup(rq->a, sb.buf);
	strbuf_release(&sb);
	return out && *out ? out : T(rq, "sc_not_answered");
}
