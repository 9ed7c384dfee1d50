/* selfcheck_svg.c - score bars as inline SVG.
 *
 * A bar is a track (the maximum), a solid fill up to the points held, a
 * lighter fill for the points still reachable (factors not judged or not
 * answered) and, on the total, a marker at the threshold.  Only numbers go
 * into the drawing, computed in integers from hundredths; the one text, the
 * aria-label that says the same in words ("8 of 10 points"), is escaped.
 * Colours come from classes in yingcai.css (the CSP forbids inline style).
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include "lib/strbuf.h"

#define W 400        /* viewBox width: the bar scales to its box */
#define H_SMALL 12
#define H_LARGE 24
#define PAD 4        /* room above and below for the threshold marker */

/* x: the position of p on a bar of max, in viewBox units, clamped. */
static int64_t x(points_t p, points_t max)
{
	if (max <= 0 || p <= 0)
		return 0;
	if (p >= max)
		return W;
	return points_div_round((int64_t)p * W, max);
}

const char *sc_svg_bar(struct arena *a, const struct sc_bar *b)
{
	struct strbuf sb = STRBUF_INIT(2048);
	int h = b->large ? H_LARGE : H_SMALL;
	int64_t lo = x(b->lo, b->max), hi = x(b->hi, b->max);
	const char *out;

	if (hi < lo)
		hi = lo;
	strbuf_addf(&sb, "<svg class=\"bar%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		    "role=\"img\" aria-label=\"", b->large ? " total" : "", W, h + 2 * PAD, W,
		    h + 2 * PAD);
	strbuf_add_html(&sb, b->label ? b->label : "");
	strbuf_addf(&sb, "\" focusable=\"false\"><rect class=\"track\" x=\"0.5\" y=\"%d.5\" "
		    "width=\"%d\" height=\"%d\" rx=\"3\"/>", PAD, W - 1, h - 1);
	if (lo > 0)
		strbuf_addf(&sb, "<rect class=\"fill\" x=\"0\" y=\"%d\" width=\"%lld\" height=\"%d\" "
			    "rx=\"3\"/>", PAD, (long long)lo, h);
	if (hi > lo)
		strbuf_addf(&sb, "<rect class=\"fill range\" x=\"%lld\" y=\"%d\" width=\"%lld\" "
			    "height=\"%d\"/>", (long long)lo, PAD, (long long)(hi - lo), h);
	if (b->has_mark) {
		int64_t m = x(b->mark, b->max);
		if (m < 2)
			m = 2;
		if (m > W - 2)
			m = W - 2;
		strbuf_addf(&sb, "<line class=\"threshold\" x1=\"%lld\" y1=\"0\" x2=\"%lld\" "
			    "y2=\"%d\"/>", (long long)m, (long long)m, h + 2 * PAD);
	}
	strbuf_addstr(&sb, "</svg>");
	out = sb.failed ? "" : arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return out;
}

const char *sc_svg_swatch(bool range)
{
	return range ? "<svg class=\"swatch\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" "
		       "aria-hidden=\"true\" focusable=\"false\"><rect class=\"fill range\" "
		       "width=\"16\" height=\"16\" rx=\"3\"/></svg>"
		     : "<svg class=\"swatch\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" "
		       "aria-hidden=\"true\" focusable=\"false\"><rect class=\"fill\" "
		       "width=\"16\" height=\"16\" rx=\"3\"/></svg>";
}
