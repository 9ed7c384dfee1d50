/* test_po.c - gettext catalogs: the .po reader and the .mo reader
 * (lib/po.h), and the country names the portal builds on them
 * (web/countries.h) from Debian's iso-codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/arena.h"
#include "lib/po.h"
#include "web/countries.h"

/* ---- .po ---- */

static void po_reads_entries_and_context(void **state)
{
	static const char text[] =
		"# a comment\n"
		"msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
		"msgid \"home_title\"\nmsgstr \"首页\"\n\n"
		"msgctxt \"policy\"\nmsgid \"holds\"\nmsgstr \"\"\n\"符合\"\n\n"
		"msgid \"untranslated\"\nmsgstr \"\"\n";
	struct arena a;
	struct po_catalog cat;
	char err[256];
	(void)state;

	arena_init(&a, 0);
	assert_int_equal(po_parse("t.po", text, sizeof text - 1, &a, &cat, err, sizeof err), 0);
	assert_string_equal(po_lookup(&cat, "home_title"), "首页");
	assert_string_equal(po_lookup(&cat, "policy\004holds"), "符合");
	assert_null(po_lookup(&cat, "untranslated"));
	assert_null(po_lookup(&cat, "holds"));
	arena_release(&a);
}

static void po_names_line_of_error(void **state)
{
	static const char text[] = "msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n";
	static const char plural[] = "msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"\n";
	struct arena a;
	struct po_catalog cat;
	char err[256];
	(void)state;

	arena_init(&a, 0);
	assert_int_equal(po_parse("t.po", text, sizeof text - 1, &a, &cat, err, sizeof err), -1);
	assert_non_null(strstr(err, "appears twice"));
	assert_int_equal(po_parse("p.po", plural, sizeof plural - 1, &a, &cat, err, sizeof err), -1);
	assert_non_null(strstr(err, "p.po:2"));
	arena_release(&a);
}

/* ---- .mo ---- */

/* A .mo file as msgfmt writes it: header, the two tables of (length,
 * offset) pairs, then the strings, each NUL-terminated.  big: the other
 * byte order.  Returns its length in out. */
struct mo_pair {
	const char *id;
	size_t idlen; /* with a plural's "\0other" */
	const char *str;
	size_t strlen_;
};

static void put32(unsigned char *p, uint32_t v, int big)
{
	for (int i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static size_t make_mo(unsigned char *out, const struct mo_pair *e, uint32_t n, int big)
{
	uint32_t ids = 28, strs = 28 + 8 * n, off = 28 + 16 * n;

	memset(out, 0, 28);
	put32(out, 0x950412deu, big);
	put32(out + 8, n, big);
	put32(out + 12, ids, big);
	put32(out + 16, strs, big);
	for (uint32_t i = 0; i < n; i++) {
		put32(out + ids + 8 * i, (uint32_t)e[i].idlen, big);
		put32(out + ids + 8 * i + 4, off, big);
		memcpy(out + off, e[i].id, e[i].idlen + 1);
		off += (uint32_t)e[i].idlen + 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		put32(out + strs + 8 * i, (uint32_t)e[i].strlen_, big);
		put32(out + strs + 8 * i + 4, off, big);
		memcpy(out + off, e[i].str, e[i].strlen_ + 1);
		off += (uint32_t)e[i].strlen_ + 1;
	}
	return off;
}

#define PAIR(id, str) {id, sizeof id - 1, str, sizeof str - 1}

static const struct mo_pair sample[] = {
	PAIR("", "Content-Type: text/plain; charset=UTF-8\n"), /* the header: skipped */
	PAIR("Germany", "德国"),
	PAIR("file\0files", "Datei\0Dateien"),                 /* a plural: first forms */
	PAIR("Austria", "Österreich"),                         /* out of order: sorted */
};

static void mo_reads_both_byte_orders(void **state)
{
	unsigned char buf[1024];
	struct arena a;
	struct po_catalog cat;
	char err[256];
	(void)state;

	arena_init(&a, 0);
	for (int big = 0; big < 2; big++) {
		size_t len = make_mo(buf, sample, 4, big);

		assert_int_equal(mo_parse("t.mo", (const char *)buf, len, &a, &cat, err,
					  sizeof err), 0);
		assert_int_equal(cat.n, 3);
		assert_string_equal(po_lookup(&cat, "Germany"), "德国");
		assert_string_equal(po_lookup(&cat, "Austria"), "Österreich");
		assert_string_equal(po_lookup(&cat, "file"), "Datei");
		assert_null(po_lookup(&cat, ""));
	}
	arena_release(&a);
}

static void mo_refuses_what_lies_outside(void **state)
{
	unsigned char buf[1024];
	struct arena a;
	struct po_catalog cat;
	char err[256];
	size_t len;
	(void)state;

	arena_init(&a, 0);
	len = make_mo(buf, sample, 4, 0);
	/* not a .mo file at all */
	assert_int_equal(mo_parse("t.mo", "msgid \"a\"", 9, &a, &cat, err, sizeof err), -1);
	assert_non_null(strstr(err, "t.mo: not a gettext .mo file"));
	/* cut anywhere: never read past the end, always an error */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(mo_parse("t.mo", (const char *)buf, cut, &a, &cat, err,
					  sizeof err), -1);
	/* a string's terminating NUL missing */
	buf[len - 1] = 'x';
	assert_int_equal(mo_parse("t.mo", (const char *)buf, len, &a, &cat, err, sizeof err), -1);
	assert_non_null(strstr(err, "outside the file"));
	/* more entries than could fit */
	len = make_mo(buf, sample, 4, 0);
	put32(buf + 8, 0x10000000u, 0);
	assert_int_equal(mo_parse("t.mo", (const char *)buf, len, &a, &cat, err, sizeof err), -1);
	/* an unknown major revision */
	len = make_mo(buf, sample, 4, 0);
	put32(buf + 4, 0x00010000u, 0);
	assert_int_equal(mo_parse("t.mo", (const char *)buf, len, &a, &cat, err, sizeof err), -1);
	assert_non_null(strstr(err, "revision 1.0"));
	arena_release(&a);
}

/* A hostile .mo can point every msgstr at one long string: copied once per
 * entry, a 70 KB file asked for 64 MB (n * len, quadratic).  What the
 * catalog takes stays near the size of the file. */
static void mo_costs_about_its_size(void **state)
{
	enum { N = 2000, BIG = 32000 };
	uint32_t ids = 28, strs = 28 + 8 * N, off = 28 + 16 * N, big_at;
	size_t len = off + N * 6 + BIG + 1;
	unsigned char *buf = calloc(1, len);
	struct arena a;
	struct po_catalog cat;
	char err[256];
	(void)state;

	assert_non_null(buf);
	put32(buf, 0x950412deu, 0);
	put32(buf + 8, N, 0);
	put32(buf + 12, ids, 0);
	put32(buf + 16, strs, 0);
	for (uint32_t i = 0; i < N; i++) { /* distinct ids "k0000".."k1999" */
		snprintf((char *)buf + off, 6, "k%04u", (unsigned)i);
		put32(buf + ids + 8 * i, 5, 0);
		put32(buf + ids + 8 * i + 4, off, 0);
		off += 6;
	}
	big_at = off;
	memset(buf + big_at, 'x', BIG);
	for (uint32_t i = 0; i < N; i++) { /* every msgstr the same long one */
		put32(buf + strs + 8 * i, BIG, 0);
		put32(buf + strs + 8 * i + 4, big_at, 0);
	}
	arena_init(&a, 4 * len);
	assert_int_equal(mo_parse("t.mo", (const char *)buf, len, &a, &cat, err, sizeof err), 0);
	assert_int_equal(cat.n, N);
	assert_int_equal(strlen(po_lookup(&cat, "k1999")), BIG);
	/* the strings stay the catalog's once the file's buffer is gone */
	memset(buf, 0, len);
	free(buf);
	assert_int_equal(strlen(po_lookup(&cat, "k0000")), BIG);
	arena_release(&a);
}

/* ---- country names from Debian's iso-codes ---- */

/* loaded: the countries as the portal loads them, from the system's files. */
static struct countries *loaded(struct arena *a)
{
	char err[512];
	struct countries *c;

	arena_init(a, 0);
	c = countries_load(COUNTRIES_DIR_DEFAULT, a, err, sizeof err);
	if (!c)
		fail_msg("%s", err);
	return c;
}

static void countries_have_names_in_three_languages(void **state)
{
	struct arena a;
	struct countries *c;
	const struct country *de;
	(void)state;

	c = loaded(&a);
	assert_true(c->n > 240);
	de = countries_find(c, "DEU");
	assert_non_null(de);
	assert_string_equal(de->name[0], "德国");
	assert_string_equal(de->name[1], "Germany");
	assert_string_equal(de->name[2], "Deutschland");
	/* the common name where iso-codes has one */
	assert_string_equal(countries_find(c, "KOR")->name[1], "South Korea");
	/* China and its regions are no foreign nationality */
	assert_null(countries_find(c, "CHN"));
	assert_null(countries_find(c, "TWN"));
	assert_null(countries_find(c, "HKG"));
	assert_null(countries_find(c, "MAC"));
	assert_null(countries_find(c, "deu"));
	arena_release(&a);
}

static void countries_match_a_code_or_a_name(void **state)
{
	struct arena a;
	struct countries *c;
	(void)state;

	c = loaded(&a);
	assert_string_equal(countries_match(c, "DEU")->code, "DEU");
	assert_string_equal(countries_match(c, " deu ")->code, "DEU");
	assert_string_equal(countries_match(c, "德国")->code, "DEU");
	assert_string_equal(countries_match(c, "germany")->code, "DEU");
	assert_string_equal(countries_match(c, "Deutschland")->code, "DEU");
	assert_string_equal(countries_match(c, "Österreich")->code, "AUT");
	assert_null(countries_match(c, "GER"));  /* the Olympic code, not ISO's */
	assert_null(countries_match(c, "Germ"));
	assert_null(countries_match(c, ""));
	assert_true(countries_passport_only("XXA"));
	assert_true(countries_passport_only("RKS"));
	assert_false(countries_passport_only("GER"));
	arena_release(&a);
}

/* index: where code stands in language l's order. */
static size_t place(const struct countries *c, int l, const char *code)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->by_name[l][i]->code, code) == 0)
			return i;
	fail_msg("%s not in the list", code);
	return 0;
}

static void countries_sort_as_readers_look(void **state)
{
	struct arena a;
	struct countries *c;
	(void)state;

	c = loaded(&a);
	/* English: Åland Islands among the A's, before Albania; Zimbabwe last */
	assert_true(place(c, 1, "ALA") < place(c, 1, "ALB"));
	assert_true(place(c, 1, "AFG") < place(c, 1, "ALA"));
	assert_int_equal(place(c, 1, "ZWE"), c->n - 1);
	/* German: Österreich among the O's (after Oman), not after Z */
	assert_true(place(c, 2, "OMN") < place(c, 2, "AUT"));
	assert_true(place(c, 2, "AUT") < place(c, 2, "PAK"));
	/* every language lists every country once */
	for (int l = 0; l < I18N_NLANGS; l++)
		for (size_t i = 1; i < c->n; i++)
			assert_ptr_not_equal(c->by_name[l][i - 1], c->by_name[l][i]);
	arena_release(&a);
}

static void countries_missing_files_name_the_package(void **state)
{
	struct arena a;
	char err[512];
	(void)state;

	arena_init(&a, 0);
	assert_null(countries_load("/nonexistent", &a, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/iso-codes/json/iso_3166-1.json"));
	assert_non_null(strstr(err, "iso-codes"));
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(po_reads_entries_and_context),
		cmocka_unit_test(po_names_line_of_error),
		cmocka_unit_test(mo_reads_both_byte_orders),
		cmocka_unit_test(mo_refuses_what_lies_outside),
		cmocka_unit_test(mo_costs_about_its_size),
		cmocka_unit_test(countries_have_names_in_three_languages),
		cmocka_unit_test(countries_match_a_code_or_a_name),
		cmocka_unit_test(countries_sort_as_readers_look),
		cmocka_unit_test(countries_missing_files_name_the_package),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
