/* result.h - an evaluation written for machines (JSON, formats.md) and for
 * people (an aligned text scorecard with bars and provisional marks).
 *
 * Both append to a strbuf; the caller chooses its cap and writes it out.
 */
#ifndef YC_RESULT_H
#define YC_RESULT_H

#include "core/evaluate.h"
#include "lib/strbuf.h"

/* result_json: one JSON object on one line, no trailing newline. */
void result_json(const struct evaluation *ev, struct strbuf *out);

/* For writing many results under one policy bundle (`yingcai evaluate`):
 * every fragment of a result that the policy alone decides (a factor's
 * id, kind, maximum and quoted clause; a slot's item for each state; a
 * criterion's head and clause), written as JSON once for each value it can
 * take, then copied into every result.  Pieces are found from the
 * addresses in the evaluation (element i of its part's factors, of its
 * programme's slots), so a cache is valid only while the bundle it was
 * built from is loaded and unchanged; an evaluation under another bundle
 * is written without it.  result_json_cache_build: NULL when a is
 * exhausted. */
struct result_json_cache;
struct result_json_cache *result_json_cache_build(const struct policy_bundle *b,
		struct arena *a);
/* result_json_cached: result_json with the cache (NULL: none); the output
 * is the same byte for byte. */
void result_json_cached(const struct evaluation *ev, const struct result_json_cache *cache,
		struct strbuf *out);
/* result_text: the readable scorecard; `color` adds ANSI colours for terminals. */
void result_text(const struct evaluation *ev, const char *name, bool color,
		struct strbuf *out);

#endif
