/* rules.c - conditions on the facts of an application, as policy files
 * write them, and the checks that keep them honest: every fact named must
 * exist (facts_type) and have the type the rule needs, and every value
 * compared against must be one the application format can hold (a typo
 * in a policy file must not silently make a rule never match).
 *
 *   {fact: enterprise.key_entity, is: true, label: "..."}
 *   {fact: applicant.position, in: [chief, director]}
 *   {fact: applicant.annual_salary_cny, at_least: 4, unit: average-wage}
 *   {fact: applicant.years_professional_work, below: 2}
 *   {all: [...]}   {any: [...]}   {not: {...}}
 */
#include "internal.h"

#include <string.h>

/* The enumerations of formats.md (yingcai-application/1). */
static const char *const education[] = {
	"junior-college", "bachelor", "master", "doctorate", NULL};
static const char *const position[] = {
	"chief", "director", "deputy-director", "team-lead", "other", NULL};
static const char *const title[] = {
	"senior", "associate-senior", "intermediate", "none", NULL};
static const char *const visibility[] = {
	"fortune-500", "qs-top-200", "listed", "national-high-tech",
	"double-first-class", "other", NULL};
static const char *const social_duty[] = {
	"international", "national", "municipal", "none", NULL};
static const char *const sector[] = {
	"science-technology", "internet-information", "finance", "education",
	"cultural-tourism", "elderly-care", "leasing-business-services",
	"other-service", "other", NULL};
static const char *const conditions[] = {
	"tax-contribution-2x", "fortune-500", "financial-institution",
	"foreign-investment-or-rd-centre", "research-institution", "hospital",
	"university-or-international-school", "national-high-tech-or-incubator",
	"pilot-programme-project", "four-centres-innovator", NULL};
static const char *const credentials[] = {
	"title:senior", "title:associate-senior", "title:intermediate",
	"title:none", NULL};

static const struct {
	const char *fact;
	const char *const *values;
	const char *prefix; /* values "<prefix><id>" are accepted too */
} known_values[] = {
	{"applicant.education", education, NULL},
	{"applicant.position", position, NULL},
	{"applicant.title", title, NULL},
	{"applicant.employer_visibility", visibility, NULL},
	{"applicant.social_duty", social_duty, NULL},
	{"enterprise.sector", sector, NULL},
	{"enterprise.conditions", conditions, NULL},
	{"applicant.credentials", credentials, "catalog:"},
};

/* fact_near: the fact name closest to the unknown name, or NULL. */
static const char *fact_near(const char *fact)
{
	const char *known[64];
	size_t n = 0;

	while (n < sizeof known / sizeof known[0] && (known[n] = facts_name(n)))
		n++;
	return closest(fact, known, n);
}

static const char *type_name(enum fact_type t)
{
	switch (t) {
	case FACT_NUMBER: return "a number";
	case FACT_TEXT: return "a text";
	case FACT_BOOL: return "a yes/no fact";
	case FACT_SET: return "a set of values";
	case FACT_MISSING: break;
	}
	return "unknown";
}

bool check_fact(struct pctx *c, const struct ynode *at, const char *fact,
		const char *use, enum fact_type want, enum fact_type want2)
{
	enum fact_type t = facts_type(fact);

	if (t == FACT_MISSING) {
		const char *near = fact_near(fact);

		if (near)
			perr(c, at, "no fact is named '%s' (did you mean '%s'?)", fact, near);
		else
			perr(c, at, "no fact is named '%s' (see docs/policy-authoring.md for the list)",
			     fact);
		return false;
	}
	if (t != want && (want2 == FACT_MISSING || t != want2)) {
		if (want2 != FACT_MISSING)
			perr(c, at, "fact '%s' is %s; %s needs %s or %s", fact, type_name(t),
			     use, type_name(want), type_name(want2));
		else
			perr(c, at, "fact '%s' is %s; %s needs %s", fact, type_name(t),
			     use, type_name(want));
		return false;
	}
	return true;
}

bool check_value(struct pctx *c, const struct ynode *at, const char *fact,
		const char *value)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof known_values / sizeof known_values[0]; i++)
		if (strcmp(known_values[i].fact, fact) == 0)
			break;
	if (i == sizeof known_values / sizeof known_values[0])
		return true; /* free text (nationality) */
	for (const char *const *v = known_values[i].values; *v; v++, n++)
		if (strcmp(*v, value) == 0)
			return true;
	if (known_values[i].prefix) {
		size_t pl = strlen(known_values[i].prefix);
		if (strncmp(value, known_values[i].prefix, pl) == 0 && value[pl])
			return true;
	}
	{
		const char *near = closest(value, known_values[i].values, n);
		struct strbuf list = STRBUF_INIT(1024);

		for (size_t j = 0; j < n; j++) {
			strbuf_addstr(&list, j ? ", " : "");
			strbuf_addstr(&list, known_values[i].values[j]);
		}
		if (known_values[i].prefix)
			strbuf_addf(&list, ", %s<list id>", known_values[i].prefix);
		if (near)
			perr(c, at, "'%s' is not a value of %s (did you mean '%s'?)", value, fact, near);
		else
			perr(c, at, "'%s' is not a value of %s (one of: %s)", value, fact, list.buf);
		strbuf_release(&list);
	}
	return false;
}

bool parse_unit(struct pctx *c, const struct ynode *n, enum unit *out)
{
	if (n && n->type == Y_SCALAR && strcmp(n->text, "average-wage") == 0) {
		*out = UNIT_AVERAGE_WAGE;
		return true;
	}
	if (n && n->type == Y_SCALAR && strcmp(n->text, "plain") == 0) {
		*out = UNIT_PLAIN;
		return true;
	}
	perr(c, n, "unit: expected 'plain' or 'average-wage', found %s%s%s",
	     n && n->type == Y_SCALAR ? "'" : "", n && n->type == Y_SCALAR ? n->text : y_what(n),
	     n && n->type == Y_SCALAR ? "'" : "");
	return false;
}

const char *format_amount(struct arena *a, int64_t v, enum unit u)
{
	char buf[POINTS_FMT_MAX];
	size_t len;

	points_format(v, buf);
	len = strlen(buf);
	if (len > 3 && strcmp(buf + len - 3, ".00") == 0)
		buf[len - 3] = '\0';
	return arena_printf(a, "%s%s", buf, u == UNIT_AVERAGE_WAGE ? "x" : "");
}

/* ---- predicates ------------------------------------------------------ */

static const char *const pred_keys[] = {
	"fact", "is", "in", "at_least", "below", "unit", "all", "any", "not",
	"label", NULL};
static const char *const pred_ops[] = {
	"is", "in", "at_least", "below", "all", "any", "not"};

static bool parse_pred(struct pctx *c, const struct ynode *n, struct predicate *out);

static bool parse_subs(struct pctx *c, const struct ynode *v, const char *op,
		struct predicate *out)
{
	size_t i = 0;
	bool ok = true;

	if (!yseq(c, v, op))
		return false;
	if (v->n == 0) {
		perr(c, v, "%s: the list of conditions is empty", op);
		return false;
	}
	out->subs = arena_array(c->a, v->n, sizeof *out->subs);
	if (!out->subs)
		return false;
	out->nsubs = v->n;
	for (const struct ynode *k = v->head; k; k = k->next)
		ok &= parse_pred(c, k, &out->subs[i++]);
	return ok;
}

static const char *default_label(struct pctx *c, const struct predicate *p)
{
	struct strbuf sb = STRBUF_INIT(512);
	const char *s;

	switch (p->op) {
	case PRED_IS:
		strbuf_addf(&sb, "%s is %s", p->fact, p->want ? "true" : "false");
		break;
	case PRED_IN:
		strbuf_addf(&sb, "%s in [", p->fact);
		for (size_t i = 0; i < p->nvalues; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", p->values[i]);
		strbuf_addch(&sb, ']');
		break;
	case PRED_AT_LEAST:
	case PRED_BELOW:
		strbuf_addf(&sb, "%s %s %s%s", p->fact, p->op == PRED_BELOW ? "below" : "at least",
			    format_amount(c->a, p->threshold, p->unit),
			    p->unit == UNIT_AVERAGE_WAGE ? " the average wage" : "");
		break;
	case PRED_ALL:
	case PRED_ANY:
		for (size_t i = 0; i < p->nsubs; i++)
			strbuf_addf(&sb, "%s%s", i ? (p->op == PRED_ALL ? " and " : " or ") : "",
				    p->subs[i].label);
		break;
	case PRED_NOT:
		strbuf_addf(&sb, "not (%s)", p->nsubs ? p->subs[0].label : "");
		break;
	}
	s = arena_strdup(c->a, sb.buf);
	strbuf_release(&sb);
	return s;
}

static bool parse_leaf(struct pctx *c, const struct ynode *n, const struct ynode *opkey,
		struct predicate *out)
{
	const struct ynode *v = opkey->next, *f = ymap_need(c, n, "condition", "fact");
	const char *op = opkey->text;
	bool ok = true;

	if (!f || !y_str(c, f, &out->fact))
		return false;
	out->fact_id = facts_id(out->fact); /* evaluation looks it up by index */
	if (strcmp(op, "is") == 0) {
		out->op = PRED_IS;
		ok &= check_fact(c, f, out->fact, "'is'", FACT_BOOL, FACT_MISSING);
		ok &= y_bool(c, v, &out->want);
	} else if (strcmp(op, "in") == 0) {
		out->op = PRED_IN;
		if (!check_fact(c, f, out->fact, "'in'", FACT_TEXT, FACT_SET))
			ok = false;
		if (!y_str_list_at(c, v, &out->values, &out->value_pos, &out->nvalues))
			return false;
		if (out->nvalues == 0) {
			perr(c, v, "in: the list of values is empty");
			ok = false;
		}
		if (ok) {
			const struct ynode *k = v->type == Y_SEQ ? v->head : v;
			for (size_t i = 0; i < out->nvalues; i++, k = k->next)
				ok &= check_value(c, k, out->fact, out->values[i]);
		}
		if (strcmp(out->fact, FACTS_CREDENTIALS) == 0) { /* tested by bits */
			out->by_credential_bits = true;
			for (size_t i = 0; i < out->nvalues; i++)
				out->credential_bits |= facts_credential_bit(out->values[i]);
		}
	} else {
		out->op = strcmp(op, "below") == 0 ? PRED_BELOW : PRED_AT_LEAST;
		ok &= check_fact(c, f, out->fact, op[0] == 'b' ? "'below'" : "'at_least'",
				 FACT_NUMBER, FACT_MISSING);
		ok &= y_points(c, v, &out->threshold);
	}
	if (ymap_get(n, "unit")) {
		if (out->op != PRED_AT_LEAST && out->op != PRED_BELOW) {
			perr(c, ymap_key(n, "unit"), "condition: 'unit' applies only to at_least and below");
			ok = false;
		} else {
			ok &= parse_unit(c, ymap_get(n, "unit"), &out->unit);
		}
	}
	return ok;
}

static bool parse_pred(struct pctx *c, const struct ynode *n, struct predicate *out)
{
	const struct ynode *opkey = NULL;
	bool ok = true;

	memset(out, 0, sizeof *out);
	if (!ymap_check(c, n, "condition", pred_keys))
		return false;
	out->pos = ypos(ymap_key(n, "unit") ? ymap_key(n, "unit") : n);
	for (size_t i = 0; i < sizeof pred_ops / sizeof pred_ops[0]; i++) {
		const struct ynode *k = ymap_key(n, pred_ops[i]);
		if (!k)
			continue;
		if (opkey) {
			perr(c, k, "condition: '%s' and '%s' cannot be combined; "
			     "use all: [...] for several conditions", opkey->text, k->text);
			return false;
		}
		opkey = k;
	}
	if (!opkey) {
		perr(c, n, "condition: needs one of is, in, at_least, below, all, any, not");
		return false;
	}
	if (y_is_null(opkey->next)) {
		perr(c, opkey, "condition: '%s' has no value", opkey->text);
		return false;
	}
	if (strcmp(opkey->text, "all") == 0 || strcmp(opkey->text, "any") == 0 ||
	    strcmp(opkey->text, "not") == 0) {
		if (ymap_key(n, "fact")) {
			perr(c, ymap_key(n, "fact"), "condition: 'fact' does not go with '%s'", opkey->text);
			ok = false;
		}
		if (ymap_key(n, "unit")) {
			perr(c, ymap_key(n, "unit"), "condition: 'unit' applies only to at_least and below");
			ok = false;
		}
		if (opkey->text[0] == 'n') {
			out->op = PRED_NOT;
			out->subs = arena_alloc(c->a, sizeof *out->subs);
			if (!out->subs)
				return false;
			out->nsubs = 1;
			ok &= parse_pred(c, opkey->next, out->subs);
		} else {
			out->op = opkey->text[1] == 'l' ? PRED_ALL : PRED_ANY;
			ok &= parse_subs(c, opkey->next, opkey->text, out);
		}
	} else {
		ok &= parse_leaf(c, n, opkey, out);
	}
	ok &= yget_str(c, n, "label", &out->label);
	if (ok && !out->label)
		out->label = default_label(c, out);
	return ok;
}

bool parse_predicate(struct pctx *c, const struct ynode *n, struct predicate *out)
{
	return parse_pred(c, n, out);
}
