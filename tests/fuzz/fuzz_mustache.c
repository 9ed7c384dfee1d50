/* fuzz_mustache.c - libFuzzer target for the template compiler and renderer.
 *
 * The input is compiled as template "t"; if it holds a NUL byte, the bytes
 * after the first NUL are compiled as partial "q" (so partial compiling,
 * indentation and recursion through "t" and "q" are reached too).  Templates
 * that compile are rendered against a small fixed view that has every kind
 * of value, with a fixed partial "p" in the set.  Checked besides memory
 * safety: a compile error carries a position and a `t:line:col: ` message,
 * and a render ends with success or one of the render errors. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/mustache.h"
#include "lib/strbuf.h"
#include "lib/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct view *fixed_view(struct arena *a)
{
	struct view *root = view_object(a), *items, *it, *person;

	view_set_str(root, "name", "Anna <&> \"Li\" 'x'");
	view_set_str(root, "empty", "");
	view_set_int(root, "n", 85);
	view_set_number(root, "d", "1.21");
	view_set_bool(root, "yes", true);
	view_set_bool(root, "no", false);
	view_set_null(root, "nil");
	person = view_set_object(root, "person");
	view_set_str(person, "name", "Joe\nline");
	view_set_object(person, "a");
	items = view_set_list(root, "items");
	it = view_list_push_object(items);
	view_set_str(it, "name", "one");
	view_set_bool(it, "yes", false);
	it = view_list_push_object(items);
	view_set_str(it, "name", "two");
	view_list_push(items, view_int(a, 3));
	view_list_push_str(view_set_list(root, "strs"), "s");
	view_set_list(root, "none");
	return root;
}

static void check_error(const struct mustache_error *err)
{
	if (err->line < 1 || err->col < 1 || strncmp(err->msg, "t:", 2) != 0 ||
	    !err->reason[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct mustache_set set;
	struct mustache_error err;
	struct strbuf out = STRBUF_INIT(1 << 16);
	static const char p[] = "[{{#items}}{{name}},{{/items}}]\n";
	const char *text = (const char *)data, *nul = memchr(data, '\0', size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	enum mustache_rc rc;

	arena_init(&a, (size_t)64 << 20);
	mustache_set_init(&set, &a);
	if (mustache_set_add(&set, "p", p, sizeof p - 1, NULL))
		abort();
	rc = mustache_set_add(&set, "t", text, tlen, &err);
	if (rc == MUSTACHE_ESYNTAX)
		check_error(&err);
	if (rc != MUSTACHE_OK)
		goto out;
	if (nul && mustache_set_add(&set, "q", nul + 1, size - tlen - 1, &err) == MUSTACHE_ESYNTAX &&
	    strncmp(err.msg, "q:", 2) != 0)
		abort();
	rc = mustache_render(&set, "t", fixed_view(&a), &out);
	if (rc != MUSTACHE_OK && rc != MUSTACHE_EDEPTH && rc != MUSTACHE_ESTEPS &&
	    rc != MUSTACHE_ETOOBIG)
		abort();
	if (rc == MUSTACHE_OK && (out.failed || strlen(out.buf) > out.len))
		abort();
out:
	strbuf_release(&out);
	arena_release(&a);
	return 0;
}
