/* result_json_frag.c - the fragments of the result object that the policy
 * alone decides (result_json_impl.h): result_json.c writes them for a
 * result when the cache has no piece, result_json_cache.c writes them once
 * per policy element to keep as pieces.  One function for both, so the
 * bytes are the same by construction.
 */
#include "result_json_impl.h"

/* rj_out_grow: see result_json_impl.h. */
bool rj_out_grow(struct out *o, size_t n)
{
	out_sync(o);
	if (!strbuf_grow(o->sb, n)) {
		o->end = o->w;
		return false;
	}
	out_resume(o);
	return true;
}

/* `{"id": "age", "kind": "bracket", "points": ` */
void rj_factor_head(struct out *o, const struct factor *f)
{
	lit(o, "{\"id\": ");
	str(o, f->id);
	lit(o, ", \"kind\": ");
	str(o, factor_kind_name(f->kind));
	lit(o, ", \"points\": ");
}

/* `, "max": "5.00", "state": "scored", "input": `; a factor not scored
 * goes on with its range: `... "state": "not-judged", "range": {"min": ` */
void rj_factor_state(struct out *o, const struct factor *f, enum factor_state s)
{
	lit(o, ", \"max\": ");
	dec(o, f->max);
	lit(o, ", \"state\": ");
	str(o, factor_state_name(s));
	lit(o, s == FSTATE_SCORED ? ", \"input\": " : ", \"range\": {\"min\": ");
}

/* `, "source": "...", "provisional": ` */
void rj_factor_tail(struct out *o, const struct factor *f)
{
	lit(o, ", \"source\": ");
	str_or_null(o, f->source);
	lit(o, ", \"provisional\": ");
}

/* `, "level": "16-25"` and then what follows up to the provisional value:
 * a judged factor's `, "experts": ` (its count comes next), else the tail. */
void rj_factor_level(struct out *o, const struct factor *f, const char *level)
{
	lit(o, ", \"level\": ");
	str_or_null(o, level);
	if (f->kind == FACTOR_JUDGED)
		lit(o, ", \"experts\": ");
	else
		rj_factor_tail(o, f);
}

/* `{"id": "personal", "weight": "0.70", "source": "...", "score": ` */
void rj_part_head(struct out *o, const struct part *p)
{
	lit(o, "{\"id\": ");
	str(o, p->id);
	lit(o, ", \"weight\": ");
	dec(o, p->weight);
	lit(o, ", \"source\": ");
	str_or_null(o, p->source);
	lit(o, ", \"score\": ");
}

/* `, "max": "100.00", "complete": true, "range": {"min": ` */
void rj_part_mid(struct out *o, const struct part *p, bool complete)
{
	lit(o, ", \"max\": ");
	dec(o, p->max);
	lit(o, ", \"complete\": ");
	boolean(o, complete);
	lit(o, ", \"range\": {\"min\": ");
}

/* `{"id": "...", "holds": true, "why": "` (the sentence follows) */
void rj_criterion_head(struct out *o, const struct criterion *c, enum tri holds)
{
	lit(o, "{\"id\": ");
	str(o, c->id);
	lit(o, ", \"holds\": ");
	tri(o, holds);
	lit(o, ", \"why\": \"");
}

/* rj_criterion_why: the why of criterion result c, as the rest of a JSON
 * string whose '"' is written already. */
void rj_criterion_why(struct out *o, const struct facts *f,
		const struct criterion_result *c)
{
	size_t from = text_here(o);

	eligibility_write_why(f, c, o->sb);
	text_end(o, from);
}

/* `, "source": "..."}` of a criterion or a checklist item */
void rj_source_tail(struct out *o, const char *source)
{
	lit(o, ", \"source\": ");
	str_or_null(o, source);
	lit(o, "}");
}

/* `{"slot": "passport", "state": "ok", "why": ` */
void rj_item_head(struct out *o, const char *slot, enum check_state s)
{
	lit(o, "{\"slot\": ");
	str(o, slot);
	lit(o, ", \"state\": ");
	str(o, check_state_name(s));
	lit(o, ", \"why\": ");
}

/* `{"kind": "raise", "factor": "education", "part": "personal", "from": ` */
void rj_raise_head(struct out *o, const char *factor, const char *part)
{
	lit(o, "{\"kind\": \"raise\", \"factor\": ");
	str(o, factor);
	lit(o, ", \"part\": ");
	str_or_null(o, part);
	lit(o, ", \"from\": ");
}

/* `, "to": "master", "adds_part": ` */
void rj_raise_to(struct out *o, const char *to)
{
	lit(o, ", \"to\": ");
	str_or_null(o, to);
	lit(o, ", \"adds_part\": ");
}

/* `, "adds_total": "2.10", "reaches": false, "combination": true, "text": "`
 * (the sentence follows) */
void rj_advice_marks(struct out *o, const struct advice *ad, const struct advice_item *it)
{
	lit(o, ", \"adds_total\": ");
	dec(o, it->total_gain);
	lit(o, ", \"reaches\": ");
	boolean(o, it->reaches);
	lit(o, ", \"combination\": ");
	boolean(o, ad->combination);
	lit(o, ", \"text\": \"");
}

/* `{"programme": "two-zones"` */
void rj_programme_head(struct out *o, const struct programme_policy *p)
{
	lit(o, "{\"programme\": ");
	str(o, p->programme);
}

/* `, "threshold": "70.00", "threshold_source": "..."` */
void rj_threshold_part(struct out *o, const struct programme_policy *p)
{
	lit(o, ", \"threshold\": ");
	dec(o, p->threshold);
	lit(o, ", \"threshold_source\": ");
	str_or_null(o, p->threshold_source);
}

/* `, "edition": "2025", "date": "` (the date follows) */
void rj_programme_edition(struct out *o, const struct programme_policy *p)
{
	lit(o, ", \"edition\": ");
	str(o, p->edition);
	lit(o, ", \"date\": \"");
}
