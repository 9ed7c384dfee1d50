/* render.h - pages from templates and view models.
 *
 * A handler builds a view object for its page and calls render_page(); the
 * page template is rendered, then the layout around it, with the words of
 * the request's language under `t`, the language switch, the signed-in
 * user, the CSRF token for forms and the page title.  Values are HTML-
 * escaped by the template engine unless a template says otherwise, and the
 * only unescaped value (the page body inside the layout) is our own output.
 */
#ifndef YC_RENDER_H
#define YC_RENDER_H

#include "http.h"
#include "lib/view.h"

/* render_view: a fresh page view with the common fields already set. */
struct view *render_view(struct request *rq);
/* render_page: render templates/<tpl>.mustache with view into rs (status
 * as given); title_key is a message key for <title> and <h1>. */
void render_page(struct request *rq, struct response *rs, int status, const char *tpl,
		const char *title_key, struct view *view);
/* T: the request's translation of key. */
const char *T(const struct request *rq, const char *key);
/* T_n: the same with "{n}" replaced by n (the messages are worded so that
 * they need no plural forms). */
const char *T_n(struct request *rq, const char *key, int n);

#endif
