/* test_mustache.c - the template renderer: every test of the official
 * Mustache spec (tests/mustache-spec/, each its own cmocka test; the run
 * fails when fewer than 136 are found), then our own rules: escaping,
 * parse errors with positions, limits, views built with the builders.
 * Run from the repository root (the spec files are found relative to it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/arena.h"
#include "lib/json.h"
#include "lib/mustache.h"
#include "lib/strbuf.h"
#include "lib/view.h"

#define SPEC_DIR "tests/mustache-spec/"
#define SPEC_TESTS 136
#define MAX_CASES 512

static const char *const spec_files[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials", "sections",
};
#define NFILES (sizeof spec_files / sizeof spec_files[0])

struct spec_file {
	char *text;
	struct json_parser parser;
	struct json_doc doc;
};

struct spec_case {
	const struct json_doc *doc;
	unsigned tok; /* the test's object */
	char name[128];
};

static struct spec_file files[NFILES];
static struct spec_case cases[MAX_CASES];
static unsigned ncases;
static unsigned files_loaded;

/* ---- helpers ------------------------------------------------------------- */

/* member: the value of key in the object at token obj, or 0. */
static unsigned member(const struct json_doc *doc, unsigned obj, const char *key)
{
	unsigned i, k = obj + 1;

	for (i = 0; i < (unsigned)doc->toks[obj].size; i++) {
		if (json_str_eq(doc, k, key, strlen(key)))
			return k + 1;
		k = json_skip(doc, k + 1);
	}
	return 0;
}

static const char *str(const struct json_doc *doc, unsigned tok, struct arena *a,
		       size_t *len)
{
	const char *s = NULL;

	if (json_str_dup(doc, tok, a, &s, len) != JSON_STR_OK)
		return NULL;
	return s;
}

static enum mustache_rc add(struct mustache_set *set, const char *name, const char *text)
{
	return mustache_set_add(set, name, text, strlen(text), NULL);
}

/* render_str: compile text as "t" with the given partials (name, text, ...,
 * NULL) and render it against data into got (cap bytes). */
static enum mustache_rc render_str(const char *text, const struct view *data,
				   char *got, size_t cap, ...)
{
	struct arena a;
	struct mustache_set set;
	struct strbuf out;
	enum mustache_rc rc;
	const char *name;
	va_list ap;

	arena_init(&a, 0);
	mustache_set_init(&set, &a);
	va_start(ap, cap);
	while ((name = va_arg(ap, const char *)) != NULL)
		assert_int_equal(add(&set, name, va_arg(ap, const char *)), MUSTACHE_OK);
	va_end(ap);
	assert_int_equal(add(&set, "t", text), MUSTACHE_OK);
	strbuf_init_fixed(&out, got, cap);
	rc = mustache_render(&set, "t", data, &out);
	arena_release(&a);
	return rc;
}

/* ---- the spec ------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
out:
	fclose(f);
	return buf;
}

/* load: every test of one spec file into cases[]. */
static void load(unsigned fi)
{
	struct spec_file *sf = &files[fi];
	struct json_error err;
	char path[256];
	size_t len = 0, nlen;
	unsigned tests, i, k;
	char name[96];

	snprintf(path, sizeof path, SPEC_DIR "%s.json", spec_files[fi]);
	json_parser_init(&sf->parser, 0);
	sf->text = slurp(path, &len);
	if (!sf->text) {
		fprintf(stderr, "cannot read %s (run from the repository root)\n", path);
		return;
	}
	if (json_parse(&sf->parser, sf->text, len, &sf->doc, &err) != JSON_OK) {
		fprintf(stderr, "%s: byte %zu: %s\n", path, err.off, err.reason);
		return;
	}
	tests = member(&sf->doc, 0, "tests");
	if (!tests || sf->doc.toks[tests].type != JSMN_ARRAY)
		return;
	files_loaded++;
	for (i = 0, k = tests + 1; i < (unsigned)sf->doc.toks[tests].size; i++) {
		if (ncases == MAX_CASES)
			return;
		cases[ncases].doc = &sf->doc;
		cases[ncases].tok = k;
		if (json_str_copy(&sf->doc, member(&sf->doc, k, "name"), name, sizeof name,
				  &nlen) != JSON_STR_OK)
			snprintf(name, sizeof name, "#%u", i);
		snprintf(cases[ncases].name, sizeof cases[ncases].name, "%s: %s",
			 spec_files[fi], name);
		ncases++;
		k = json_skip(&sf->doc, k);
	}
}

/* add_partials: the test's "partials" object into the set. */
static enum mustache_rc add_partials(const struct spec_case *c, struct mustache_set *set,
				     struct mustache_error *err)
{
	const struct json_doc *doc = c->doc;
	unsigned obj = member(doc, c->tok, "partials"), i, k;
	const char *name, *text;
	size_t len;
	enum mustache_rc rc;

	if (!obj)
		return MUSTACHE_OK;
	for (i = 0, k = obj + 1; i < (unsigned)doc->toks[obj].size; i++) {
		name = str(doc, k, set->arena, NULL);
		text = str(doc, k + 1, set->arena, &len);
		if (!name || !text)
			return MUSTACHE_ENOMEM;
		rc = mustache_set_add(set, name, text, len, err);
		if (rc != MUSTACHE_OK)
			return rc;
		k = json_skip(doc, k + 1);
	}
	return MUSTACHE_OK;
}

/* run_case: render one spec test; "" when it passes, else what went wrong. */
static void run_case(const struct spec_case *c, char *why, size_t cap)
{
	const struct json_doc *doc = c->doc;
	struct arena a;
	struct mustache_set set;
	struct mustache_error err = { 0 };
	struct strbuf out = STRBUF_INIT(1 << 20);
	enum mustache_rc rc;
	const char *tpl, *want;
	size_t tlen, wlen;
	struct view *data;

	why[0] = '\0';
	arena_init(&a, 0);
	mustache_set_init(&set, &a);
	tpl = str(doc, member(doc, c->tok, "template"), &a, &tlen);
	want = str(doc, member(doc, c->tok, "expected"), &a, &wlen);
	data = view_from_json(&a, doc, member(doc, c->tok, "data"));
	if (!tpl || !want || !data) {
		snprintf(why, cap, "bad spec test");
		goto out;
	}
	rc = add_partials(c, &set, &err);
	if (rc == MUSTACHE_OK)
		rc = mustache_set_add(&set, "(template)", tpl, tlen, &err);
	if (rc == MUSTACHE_OK)
		rc = mustache_render(&set, "(template)", data, &out);
	if (rc != MUSTACHE_OK)
		snprintf(why, cap, "%s %s", mustache_strerror(rc), err.msg);
	else if (out.len != wlen || memcmp(out.buf, want, wlen) != 0)
		snprintf(why, cap, "template [%s]\n  want [%s]\n  got  [%s]", tpl, want, out.buf);
out:
	strbuf_release(&out);
	arena_release(&a);
}

static void spec_test(void **state)
{
	char why[2048];

	run_case(*state, why, sizeof why);
	if (why[0])
		fail_msg("%s", why);
}

static void spec_suite_complete(void **state)
{
	(void)state;
	assert_int_equal(files_loaded, NFILES);
	assert_int_equal(ncases, SPEC_TESTS);
}

/* ---- our own rules ------------------------------------------------------- */

static void escapes_all_five_characters(void **state)
{
	struct arena a;
	struct view *v;
	char got[256];
	(void)state;

	arena_init(&a, 0);
	v = view_object(&a);
	view_set_str(v, "x", "a&b<c>d\"e'f");
	assert_int_equal(render_str("{{x}}|{{{x}}}|{{&x}}|{{ x }}", v, got, sizeof got, NULL),
			 MUSTACHE_OK);
	assert_string_equal(got, "a&amp;b&lt;c&gt;d&quot;e&#39;f|a&b<c>d\"e'f|a&b<c>d\"e'f|"
				 "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	/* numbers given as text are escaped too; a partial's text is not data */
	view_set_number(v, "n", "<1>");
	assert_int_equal(render_str("{{n}} {{>p}}", v, got, sizeof got, "p", "<b>{{x}}</b>",
				    NULL), MUSTACHE_OK);
	assert_string_equal(got, "&lt;1&gt; <b>a&amp;b&lt;c&gt;d&quot;e&#39;f</b>");
	arena_release(&a);
}

/* syntax: text does not compile; the message is exactly want. */
static void syntax(const char *text, const char *want)
{
	struct arena a;
	struct mustache_set set;
	struct mustache_error err;
	enum mustache_rc rc;

	arena_init(&a, 0);
	mustache_set_init(&set, &a);
	rc = mustache_set_add(&set, "page.html", text, strlen(text), &err);
	if (rc != MUSTACHE_ESYNTAX) {
		arena_release(&a);
		fail_msg("%s: compiled (rc %d)", text, rc);
	}
	assert_null(mustache_set_get(&set, "page.html"));
	arena_release(&a);
	if (strcmp(err.msg, want) != 0)
		fail_msg("%s:\n  got  %s\n  want %s", text, err.msg, want);
}

static void parse_errors_name_their_place(void **state)
{
	(void)state;
	syntax("<p>\n  {{#items}}<li>{{name}}", "page.html:2:3: unclosed section {{#items}}");
	syntax("{{#a}}\n{{#b}}x{{/a}}", "page.html:2:8: {{/a}} does not close {{#b}} of 2:1");
	syntax("x\n\n{{/a}}", "page.html:3:1: {{/a}} closes no section");
	syntax("ab {{name", "page.html:1:4: unclosed tag");
	syntax("ab {{{name}}", "page.html:1:4: unclosed tag");
	syntax("é ü {{x", "page.html:1:5: unclosed tag");
	syntax("{{}}", "page.html:1:1: empty tag");
	syntax("{{#}}{{/}}", "page.html:1:1: empty tag");
	syntax("{{a b}}", "page.html:1:1: bad name 'a b': spaces inside a tag");
	syntax("{{a..b}}", "page.html:1:1: bad name 'a..b': empty part");
	syntax("{{#.a}}{{/.a}}", "page.html:1:1: bad name '.a': empty part");
	syntax("x {{=<%=}}", "page.html:1:3: bad delimiters '<%': want two words without '='");
	syntax("{{= a b c =}}", "page.html:1:1: bad delimiters 'a b c': want two words without '='");
	syntax("{{=a= b=}}", "page.html:1:1: bad delimiters 'a= b': want two words without '='");
	syntax("{{=<% %>=}}\n<%x", "page.html:2:1: unclosed tag");
}

static void nesting_limit_at_compile(void **state)
{
	struct strbuf sb = STRBUF_INIT(1 << 16);
	int i;
	(void)state;

	for (i = 0; i < MUSTACHE_MAX_NEST; i++)
		strbuf_addstr(&sb, "{{#a}}");
	for (i = 0; i < MUSTACHE_MAX_NEST; i++)
		strbuf_addstr(&sb, "{{/a}}");
	{
		char got[16];
		assert_int_equal(render_str(sb.buf, NULL, got, sizeof got, NULL), MUSTACHE_OK);
	}
	strbuf_reset(&sb);
	for (i = 0; i <= MUSTACHE_MAX_NEST; i++)
		strbuf_addstr(&sb, "{{#a}}");
	syntax(sb.buf, "page.html:1:385: sections nested deeper than 64");
	strbuf_release(&sb);
}

static void partial_recursion_is_stopped(void **state)
{
	struct arena a;
	struct view *root, *v;
	char got[512];
	int i;
	(void)state;

	/* a template that includes itself for ever */
	assert_int_equal(render_str("a{{>t}}", NULL, got, sizeof got, NULL), MUSTACHE_EDEPTH);
	assert_int_equal(render_str("{{>p}}", NULL, got, sizeof got, "p", "{{>q}}", "q",
				    "x{{>p}}", NULL), MUSTACHE_EDEPTH);
	/* recursion driven by data stops where the data does */
	arena_init(&a, 0);
	root = v = view_object(&a);
	for (i = 0; i < 20; i++)
		v = view_set_object(v, "c");
	view_set_bool(v, "c", false); /* else {{#c}} finds the c of the level above */
	assert_int_equal(render_str("{{>n}}", root, got, sizeof got,
				    "n", "{{#c}}[{{>n}}]{{/c}}", NULL), MUSTACHE_OK);
	assert_string_equal(got, "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]");
	arena_reset(&a);
	root = v = view_object(&a);
	for (i = 0; i < MUSTACHE_MAX_PARTIALS + 5; i++)
		v = view_set_object(v, "c");
	view_set_bool(v, "c", false);
	assert_int_equal(render_str("{{>n}}", root, got, sizeof got,
				    "n", "{{#c}}[{{>n}}]{{/c}}", NULL), MUSTACHE_EDEPTH);
	arena_release(&a);
}

static void limits_on_output_and_work(void **state)
{
	struct arena a;
	struct view *root, *list;
	char got[64];
	int i;
	(void)state;

	arena_init(&a, 0);
	root = view_object(&a);
	list = view_set_list(root, "l");
	for (i = 0; i < 100; i++)
		view_list_push(list, view_int(&a, i));
	/* the page does not fit: the strbuf latches, the render says so */
	assert_int_equal(render_str("{{#l}}{{.}},{{/l}}", root, got, sizeof got, NULL),
			 MUSTACHE_ETOOBIG);
	/* 100^4 iterations without output are cut short */
	assert_int_equal(render_str("{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}",
				    root, got, sizeof got, NULL), MUSTACHE_ESTEPS);
	arena_release(&a);
}

static void set_names_and_lookups(void **state)
{
	struct arena a;
	struct mustache_set set;
	struct strbuf out = STRBUF_INIT(1024);
	(void)state;

	arena_init(&a, 0);
	mustache_set_init(&set, &a);
	assert_int_equal(add(&set, "page", "[{{>box}}]"), MUSTACHE_OK);
	/* a partial added later is found: lookup happens at render time */
	assert_int_equal(add(&set, "box", "box"), MUSTACHE_OK);
	assert_int_equal(add(&set, "box", "other"), MUSTACHE_EEXIST);
	assert_int_equal(set.count, 2);
	assert_int_equal(mustache_render(&set, "page", NULL, &out), MUSTACHE_OK);
	assert_string_equal(out.buf, "[box]");
	assert_int_equal(mustache_render(&set, "nope", NULL, &out), MUSTACHE_ENOTFOUND);
	/* compiled once, rendered many times: the same result */
	strbuf_reset(&out);
	assert_int_equal(mustache_render_tpl(&set, mustache_set_get(&set, "page"), NULL, &out),
			 MUSTACHE_OK);
	assert_string_equal(out.buf, "[box]");
	strbuf_release(&out);
	arena_release(&a);
}

static void nested_standalone_partials_indent(void **state)
{
	char got[256];
	(void)state;

	assert_int_equal(render_str("<ul>\n  {{>items}}\n</ul>\n", NULL, got, sizeof got,
				    "items", "<li>\n  {{>item}}\n</li>\n",
				    "item", "a\nb\n", NULL), MUSTACHE_OK);
	assert_string_equal(got, "<ul>\n  <li>\n    a\n    b\n  </li>\n</ul>\n");
}

static void view_built_with_builders(void **state)
{
	struct arena a;
	struct view *page, *rows, *row;
	char got[512];
	(void)state;

	arena_init(&a, 0);
	page = view_object(&a);
	view_set_str(page, "title", "Applications");
	view_set_int(page, "count", 2);
	view_set_bool(page, "staff", true);
	view_set_str(page, "note", "");
	view_set_null(page, "missing");
	rows = view_set_list(page, "rows");
	row = view_list_push_object(rows);
	view_set_str(row, "name", "Anna <Li>");
	view_set_number(row, "score", "82.50");
	view_set_int(row, "flags", 0);
	row = view_list_push_object(rows);
	view_set_str(row, "name", "Bo");
	view_set_number(row, "score", "69.00");
	view_set_bool(row, "provisional", true);
	view_set_str(page, "title", "Applications (2)"); /* replaces, keeps its place */
	view_list_push_str(view_set_list(page, "tags"), "two-zones");
	assert_false(a.failed);
	assert_int_equal(page->len, 7);
	assert_string_equal(page->first->key, "title");
	assert_string_equal(view_get(page, "title", 5)->s, "Applications (2)");
	assert_true(view_get(page, "count", 5)->is_int);

	assert_int_equal(render_str(
		"<h1>{{title}}</h1>{{#staff}} staff{{/staff}}{{^note}} no note{{/note}}\n"
		"{{#rows}}<tr><td>{{name}}</td><td>{{score}}{{#provisional}}*{{/provisional}}"
		"</td><td>{{flags}}{{#flags}}!{{/flags}}</td><td>{{title}}</td></tr>\n{{/rows}}"
		"{{count}} {{missing}}{{#tags}}[{{.}}]{{/tags}}{{^rows}}none{{/rows}}",
		page, got, sizeof got, NULL), MUSTACHE_OK);
	assert_string_equal(got,
		"<h1>Applications (2)</h1> staff no note\n"
		"<tr><td>Anna &lt;Li&gt;</td><td>82.50</td><td>0!</td>"
		"<td>Applications (2)</td></tr>\n"
		"<tr><td>Bo</td><td>69.00*</td><td></td><td>Applications (2)</td></tr>\n"
		"2 [two-zones]");

	/* builders take a NULL container (an earlier failure) and do nothing */
	assert_null(view_set_str(NULL, "k", "v"));
	assert_null(view_list_push_object(NULL));
	assert_null(view_set_str(rows, "k", "v")); /* a list is no object */
	assert_null(view_list_push(page, view_null(&a)));
	arena_release(&a);
}

static void builders_latch_out_of_memory(void **state)
{
	struct arena a;
	struct view *page, *rows;
	int i;
	(void)state;

	arena_init(&a, 4096);
	page = view_object(&a);
	rows = view_set_list(page, "rows");
	for (i = 0; i < 1000; i++)
		view_set_str(view_list_push_object(rows), "name", "a long enough name");
	assert_true(a.failed);
	arena_release(&a);
}

/* A big object (a language's words) is looked up by its index: every key
 * is found, as many as the index holds before and after it grows, setting
 * a key again replaces its value in place, order is kept, and a key that
 * is not there (or differs only in length) is not found. */
static void view_big_object_indexed(void **state)
{
	struct arena a;
	struct view *o;
	char key[32];
	size_t i = 0;
	(void)state;

	arena_init(&a, 0);
	o = view_object(&a);
	for (int n = 0; n < 3000; n++) {
		snprintf(key, sizeof key, "k%d", n);
		assert_non_null(view_set_int(o, key, n));
		if (n == VIEW_INDEX_FROM - 1 || n == VIEW_INDEX_FROM || n == 100 || n == 2999)
			for (int k = 0; k <= n; k++) {
				snprintf(key, sizeof key, "k%d", k);
				assert_int_equal(view_get(o, key, strlen(key))->i, k);
			}
	}
	assert_non_null(o->index);
	assert_true(o->index_cap >= 2 * o->len);
	assert_non_null(view_set_int(o, "k7", -7));
	assert_int_equal(o->len, 3000);
	assert_int_equal(view_get(o, "k7", 2)->i, -7);
	assert_null(view_get(o, "k3000", 5));
	assert_null(view_get(o, "k1", 1));
	assert_null(view_get(o, "", 0));
	for (const struct view_member *m = o->first; m; m = m->next, i++) {
		snprintf(key, sizeof key, "k%zu", i);
		assert_string_equal(m->key, key);
	}
	assert_int_equal(i, 3000);
	arena_release(&a);
}

static void view_from_json_keeps_numbers_as_text(void **state)
{
	struct json_parser p;
	struct json_doc doc;
	struct json_error err;
	struct arena a;
	const char *text = "{\"a\": 1.50, \"b\": -7, \"c\": [true, null, \"x\\u00e9\"], \"b\": 8}";
	struct view *v;
	char got[128];
	(void)state;

	json_parser_init(&p, 0);
	arena_init(&a, 0);
	assert_int_equal(json_parse(&p, text, strlen(text), &doc, &err), JSON_OK);
	v = view_from_json(&a, &doc, 0);
	assert_non_null(v);
	assert_int_equal(v->len, 3); /* the second "b" replaced the first */
	assert_false(view_get(v, "a", 1)->is_int);
	assert_int_equal(view_get(v, "b", 1)->i, 8);
	assert_int_equal(render_str("{{a}} {{b}} {{#c}}<{{.}}>{{/c}}", v, got, sizeof got, NULL),
			 MUSTACHE_OK);
	assert_string_equal(got, "1.50 8 <true><><xé>");
	arena_release(&a);
	json_parser_release(&p);
}

static void truthiness(void **state)
{
	struct arena a;
	struct view *v;
	char got[64];
	(void)state;

	arena_init(&a, 0);
	v = view_object(&a);
	view_set_str(v, "empty", "");
	view_set_int(v, "zero", 0);
	view_set_object(v, "obj");
	view_set_list(v, "list");
	view_set_bool(v, "no", false);
	assert_int_equal(render_str("{{#empty}}E{{/empty}}{{#zero}}Z{{/zero}}{{#obj}}O{{/obj}}"
				    "{{#list}}L{{/list}}{{#no}}N{{/no}}{{#nothing}}X{{/nothing}}",
				    v, got, sizeof got, NULL), MUSTACHE_OK);
	assert_string_equal(got, "ZO");
	arena_release(&a);
}

/* ---- main ----------------------------------------------------------------- */

static const struct CMUnitTest own_tests[] = {
	cmocka_unit_test(spec_suite_complete),
	cmocka_unit_test(escapes_all_five_characters),
	cmocka_unit_test(parse_errors_name_their_place),
	cmocka_unit_test(nesting_limit_at_compile),
	cmocka_unit_test(partial_recursion_is_stopped),
	cmocka_unit_test(limits_on_output_and_work),
	cmocka_unit_test(set_names_and_lookups),
	cmocka_unit_test(nested_standalone_partials_indent),
	cmocka_unit_test(view_built_with_builders),
	cmocka_unit_test(builders_latch_out_of_memory),
	cmocka_unit_test(view_big_object_indexed),
	cmocka_unit_test(view_from_json_keeps_numbers_as_text),
	cmocka_unit_test(truthiness),
};
#define NOWN (sizeof own_tests / sizeof own_tests[0])

int main(void)
{
	static struct CMUnitTest tests[NOWN + MAX_CASES];
	unsigned i;
	int rc;

	for (i = 0; i < NFILES; i++)
		load(i);
	memcpy(tests, own_tests, sizeof own_tests);
	for (i = 0; i < ncases; i++) {
		tests[NOWN + i].name = cases[i].name;
		tests[NOWN + i].test_func = spec_test;
		tests[NOWN + i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("mustache", tests, NOWN + ncases, NULL, NULL);
	for (i = 0; i < NFILES; i++) {
		json_parser_release(&files[i].parser);
		free(files[i].text);
	}
	return rc;
}
