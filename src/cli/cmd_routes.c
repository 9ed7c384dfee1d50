/* cmd_routes.c - `yingcai routes [--json]`: the route table as data.
 *
 * The authorization tests are generated from this output: for every route,
 * a visitor, every role allowed and every role not allowed, and a POST
 * without a CSRF token where the route requires one.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lib/strbuf.h"
#include "store/store.h"
#include "web/route.h"

static const char *kind_name(enum route_kind k)
{
	return k == ROUTE_API ? "api" : k == ROUTE_STATIC ? "static" : "page";
}

static void roles_json(struct strbuf *sb, unsigned roles)
{
	bool first = true;

	strbuf_addch(sb, '[');
	for (unsigned bit = 1; bit <= ROLE_SYSADMIN; bit <<= 1) {
		if (!(roles & bit))
			continue;
		if (!first)
			strbuf_addstr(sb, ", ");
		strbuf_add_json(sb, role_name(bit));
		first = false;
	}
	strbuf_addch(sb, ']');
}

static void methods_json(struct strbuf *sb, unsigned m)
{
	strbuf_addch(sb, '[');
	if (m & HTTP_GET)
		strbuf_addstr(sb, "\"GET\"");
	if (m & HTTP_POST)
		strbuf_addstr(sb, (m & HTTP_GET) ? ", \"POST\"" : "\"POST\"");
	strbuf_addch(sb, ']');
}

int cmd_routes(int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT(1 << 20);
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			puts("usage: yingcai routes [--json]\n\nPrints the route table: methods, "
			     "pattern, roles allowed (public when none), CSRF.\n"
			     "--json: one object per route and line: name, pattern, methods, public,\n"
			     "roles, csrf, kind.");
			return EXIT_OK;
		} else {
			fprintf(stderr, "yingcai routes: %s '%s'\nusage: yingcai routes [--json]\n",
				argv[i][0] == '-' ? "unknown option" : "unexpected argument",
				cli_shown(argv[i]));
			return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *r = &routes[i];
		if (json) {
			strbuf_addstr(&sb, "{\"name\": ");
			strbuf_add_json(&sb, r->name);
			strbuf_addstr(&sb, ", \"pattern\": ");
			strbuf_add_json(&sb, r->pattern);
			strbuf_addstr(&sb, ", \"methods\": ");
			methods_json(&sb, r->methods);
			strbuf_addf(&sb, ", \"public\": %s, \"roles\": ",
				    r->roles == ROUTE_PUBLIC ? "true" : "false");
			roles_json(&sb, r->roles);
			strbuf_addf(&sb, ", \"csrf\": %s, \"kind\": \"%s\"}\n",
				    r->csrf ? "true" : "false", kind_name(r->kind));
		} else {
			strbuf_addf(&sb, "%-5s%-5s %-40s %-8s %s\n",
				    (r->methods & HTTP_GET) ? "GET" : "", (r->methods & HTTP_POST) ? "POST" : "",
				    r->pattern, r->csrf ? "csrf" : "",
				    r->roles == ROUTE_PUBLIC ? "public" : "roles");
		}
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	return EXIT_OK;
}
