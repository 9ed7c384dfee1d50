/* route.c - matching paths against the route table. */
#include "route.h"

#include <string.h>

bool route_pattern_match(const char *pattern, const char *path, struct arena *a,
		const char **out, size_t *nout)
{
	const char *p = pattern, *s = path;

	*nout = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t n = strcspn(s, "/");

			if (!close || n == 0 || *nout >= HTTP_MAX_PARAMS)
				return false;
			out[(*nout)++] = a ? arena_strndup(a, s, n) : NULL;
			p = close + 1;
			s += n;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

const struct route *route_match(struct request *rq, bool *path_known)
{
	const char *params[HTTP_MAX_PARAMS];
	size_t n;
	unsigned m = rq->method == HTTP_HEAD ? HTTP_GET : rq->method;

	*path_known = false;
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *r = &routes[i];

		if (!route_pattern_match(r->pattern, rq->path, NULL, params, &n))
			continue;
		*path_known = true;
		if (!(r->methods & m))
			continue;
		route_pattern_match(r->pattern, rq->path, rq->a, rq->params, &rq->nparams);
		return r;
	}
	return NULL;
}
