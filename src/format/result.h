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
/* result_text: the readable scorecard; `color` adds ANSI colours for terminals. */
void result_text(const struct evaluation *ev, const char *name, bool color,
		struct strbuf *out);

#endif
