/* route.h - the one route table of the portal.
 *
 * Every route is declared once (routes.c) with its methods, path pattern,
 * handler, the roles allowed and whether a CSRF token is required.  The
 * server enforces roles and CSRF from this table before a handler runs, and
 * the authorization tests are generated from it (`yingcai routes --json`).
 * Patterns are literal segments and `{name}` segments that match one
 * non-empty path segment; the values land in request.params in order.
 */
#ifndef YC_ROUTE_H
#define YC_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

typedef void (*route_handler)(struct request *rq, struct response *rs);

#define ROUTE_PUBLIC 0u          /* anyone, logged in or not */
#define ROUTE_ANY_USER 0x1FFu    /* any logged-in role */

enum route_kind { ROUTE_PAGE, ROUTE_API, ROUTE_STATIC };

struct route {
	unsigned methods;    /* HTTP_GET | HTTP_POST ... (HEAD follows GET) */
	const char *pattern; /* "/api/v1/enterprises/{uscc}" */
	route_handler fn;
	unsigned roles;      /* ROUTE_PUBLIC or a mask of ROLE_* */
	bool csrf;           /* POST needs the session's CSRF token */
	enum route_kind kind;
	const char *name;    /* for logs and tests */
};

extern const struct route routes[];
extern const size_t nroutes;

/* route_match: the route for method+path, filling rq->params.  *path_known
 * is set when some route has this path but not this method (405). */
const struct route *route_match(struct request *rq, bool *path_known);
/* route_pattern_match: whether path matches pattern (params into out). */
bool route_pattern_match(const char *pattern, const char *path, struct arena *a,
		const char **out, size_t *nout);

#endif
