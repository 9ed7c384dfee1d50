/* routes.c - the route table: every path of the portal, once.
 *
 * Each area of the portal keeps its rows in its own include file so the
 * table reads by topic; the order matters only where patterns overlap
 * (the first match wins).  Columns: methods, pattern, handler, roles
 * (ROUTE_PUBLIC or ROLE_* bits), CSRF on POST, kind, name.
 */
#include "route.h"

#include "pages/pages.h"
#include "store/store.h"

const struct route routes[] = {
	{HTTP_GET, "/", page_home, ROUTE_PUBLIC, false, ROUTE_PAGE, "home"},
	{HTTP_GET, "/static/{name}", page_static, ROUTE_PUBLIC, false, ROUTE_STATIC, "static"},
	{HTTP_GET, "/healthz", api_healthz, ROUTE_PUBLIC, false, ROUTE_API, "healthz"},
#include "pages/routes_selfcheck.inc"
#include "pages/routes_accounts.inc"
#include "pages/routes_lookup.inc"
#include "pages/routes_api.inc"
#include "pages/routes_applications.inc"
};

const size_t nroutes = sizeof routes / sizeof routes[0];
