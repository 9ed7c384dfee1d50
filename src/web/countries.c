/* countries.c - see countries.h. */
#include "countries.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/json.h"
#include "lib/po.h"

/* Not foreign nationalities (countries.h). */
static const char *const left_out[] = {"CHN", "HKG", "MAC", "TWN"};

static bool is_left_out(const char *code)
{
	for (size_t i = 0; i < sizeof left_out / sizeof *left_out; i++)
		if (strcmp(code, left_out[i]) == 0)
			return true;
	return false;
}

/* ICAO Doc 9303 Part 3: codes of documents and nationalities that are not
 * ISO 3166 countries (the British subtypes, the UN, the EU, Kosovo, the
 * stateless and refugees, and "unspecified"). */
static const char *const passport_only[] = {
	"EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "UNA", "UNK", "UNO", "XBA", "XCC",
	"XCE", "XCO", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB", "XXC", "XXX",
};

bool countries_passport_only(const char *code)
{
	for (size_t i = 0; i < sizeof passport_only / sizeof *passport_only; i++)
		if (strcmp(code, passport_only[i]) == 0)
			return true;
	return false;
}

/* fold_latin: the first byte to sort a Latin name by at s, and how many
 * bytes it took: a letter with an accent (U+00C0 to U+00FF, what the
 * English and German names hold) sorts as its base letter, in lower case. */
static int fold_latin(const unsigned char *s, size_t *used)
{
	/* U+00C0..U+00FF; '\0' where no letter fits (×, ÷) */
	static const char base[] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
				   "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

	if (s[0] == 0xc3 && s[1] >= 0x80 && s[1] <= 0xbf) {
		*used = 2;
		return base[s[1] - 0x80] ? base[s[1] - 0x80] : s[1];
	}
	*used = 1;
	return s[0] >= 'A' && s[0] <= 'Z' ? s[0] - 'A' + 'a' : s[0];
}

static int cmp_latin(const char *x, const char *y)
{
	const unsigned char *a = (const unsigned char *)x, *b = (const unsigned char *)y;

	while (*a && *b) {
		size_t na, nb;
		int ca = fold_latin(a, &na), cb = fold_latin(b, &nb);

		if (ca != cb)
			return ca - cb;
		a += na;
		b += nb;
	}
	return (*a != 0) - (*b != 0);
}

/* A country and the name it sorts by in the language being sorted. */
struct keyed {
	const char *key;
	const struct country *c;
	bool latin; /* compare with accents folded (not Chinese) */
};

static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int c = a->latin ? cmp_latin(a->key, b->key) : strcmp(a->key, b->key);

	return c ? c : strcmp(a->c->code, b->c->code);
}

static int cmp_code(const void *x, const void *y)
{
	return strcmp(((const struct country *)x)->code, ((const struct country *)y)->code);
}

/* member: the string value of key in the object at token i, or NULL. */
static const char *member(const struct json_doc *d, unsigned i, const char *key,
		struct arena *a)
{
	unsigned end = json_skip(d, i);
	const char *out = NULL;

	for (unsigned k = i + 1; k < end; k = json_skip(d, k + 1))
		if (json_str_eq(d, k, key, strlen(key)) && d->toks[k + 1].type == JSMN_STRING) {
			if (json_str_dup(d, k + 1, a, &out, NULL) != JSON_STR_OK)
				return NULL;
			return out;
		}
	return NULL;
}

/* read_list: the countries of the iso-codes JSON file into c (English). */
static int read_list(struct countries *c, const char *path, struct arena *a, char *err,
		size_t n)
{
	struct json_parser p;
	struct json_doc d;
	struct json_error je;
	size_t len = 0;
	char *text = i18n_read_file(path, a, &len);
	unsigned list = 0;
	int rc = -1;

	if (!text) {
		snprintf(err, n, "%s: cannot read the list of countries; install the Debian "
			 "package iso-codes (scripts/deps does)", path);
		return -1;
	}
	json_parser_init(&p, 0);
	if (json_parse(&p, text, len, &d, &je) != JSON_OK) {
		snprintf(err, n, "%s: not valid JSON at byte %zu: %s", path, je.off, je.reason);
		goto out;
	}
	if (d.toks[0].type == JSMN_OBJECT && d.toks[0].size == 1 &&
	    json_str_eq(&d, 1, "3166-1", 6) && d.toks[2].type == JSMN_ARRAY)
		list = 2;
	if (!list) {
		snprintf(err, n, "%s: expected {\"3166-1\": [...]}", path);
		goto out;
	}
	c->all = arena_array(a, (size_t)d.toks[list].size + 1, sizeof *c->all);
	if (!c->all) {
		snprintf(err, n, "out of memory");
		goto out;
	}
	for (unsigned k = list + 1; k < d.ntoks; k = json_skip(&d, k)) {
		const char *code, *name;

		if (d.toks[k].type != JSMN_OBJECT)
			continue;
		code = member(&d, k, "alpha_3", a);
		/* the short name people use ("Bolivia") where there is one */
		name = member(&d, k, "common_name", a);
		if (!name)
			name = member(&d, k, "name", a);
		if (!code || strlen(code) != 3 || !name) {
			snprintf(err, n, "%s: an entry without alpha_3 or name", path);
			goto out;
		}
		if (is_left_out(code))
			continue;
		memcpy(c->all[c->n].code, code, 4);
		c->all[c->n].name[1] = name;
		c->n++;
	}
	rc = 0;
out:
	json_parser_release(&p);
	return rc;
}

/* translate: every name in language lang (index), from the .mo catalog;
 * a name the catalog lacks stays English. */
static int translate(struct countries *c, int lang, const char *path, struct arena *a,
		char *err, size_t n)
{
	struct po_catalog cat;
	size_t len = 0;
	char *data = i18n_read_file(path, a, &len);

	if (!data) {
		snprintf(err, n, "%s: cannot read the country names; install the Debian "
			 "package iso-codes (scripts/deps does)", path);
		return -1;
	}
	if (mo_parse(path, data, len, a, &cat, err, n) < 0)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		const char *t = po_lookup(&cat, c->all[i].name[1]);
		c->all[i].name[lang] = t ? t : c->all[i].name[1];
	}
	return 0;
}

struct countries *countries_load(const char *dir, struct arena *a, char *err, size_t n)
{
	static const char *const mo_dir[I18N_NLANGS] = {"zh_CN", NULL, "de"};
	struct countries *c = arena_alloc(a, sizeof *c);
	struct keyed *keyed;
	const char *path;

	if (!c) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	memset(c, 0, sizeof *c);
	path = arena_printf(a, "%s/iso-codes/json/iso_3166-1.json", dir);
	if (!path || read_list(c, path, a, err, n) < 0)
		return NULL;
	for (int l = 0; l < I18N_NLANGS; l++) {
		if (!mo_dir[l])
			continue;
		path = arena_printf(a, "%s/locale/%s/LC_MESSAGES/iso_3166-1.mo", dir, mo_dir[l]);
		if (!path || translate(c, l, path, a, err, n) < 0)
			return NULL;
	}
	qsort(c->all, c->n, sizeof *c->all, cmp_code);
	keyed = arena_array(a, c->n + 1, sizeof *keyed);
	for (int l = 0; keyed && l < I18N_NLANGS; l++) {
		c->by_name[l] = arena_array(a, c->n + 1, sizeof *c->by_name[l]);
		if (!c->by_name[l])
			break;
		for (size_t i = 0; i < c->n; i++)
			keyed[i] = (struct keyed){c->all[i].name[l], &c->all[i], l != 0};
		qsort(keyed, c->n, sizeof *keyed, cmp_keyed);
		for (size_t i = 0; i < c->n; i++)
			c->by_name[l][i] = keyed[i].c;
	}
	if (!keyed || !c->by_name[I18N_NLANGS - 1]) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	return c;
}

const struct country *countries_find(const struct countries *c, const char *code)
{
	struct country key;

	if (!c || !code || strlen(code) != 3)
		return NULL;
	memcpy(key.code, code, 4);
	return bsearch(&key, c->all, c->n, sizeof *c->all, cmp_code);
}

/* same_name: text (already trimmed, len bytes) is name, ASCII case ignored. */
static bool same_name(const char *text, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(text, name, len) == 0;
}

const struct country *countries_match(const struct countries *c, const char *text)
{
	size_t len;
	char code[4];

	if (!c || !text)
		return NULL;
	while (*text == ' ')
		text++;
	len = strlen(text);
	while (len && text[len - 1] == ' ')
		len--;
	if (len == 3) {
		for (size_t i = 0; i < 3; i++)
			code[i] = (char)(text[i] >= 'a' && text[i] <= 'z' ? text[i] - 'a' + 'A' : text[i]);
		code[3] = '\0';
		if (countries_find(c, code))
			return countries_find(c, code);
	}
	for (size_t i = 0; i < c->n; i++)
		for (int l = 0; l < I18N_NLANGS; l++)
			if (same_name(text, len, c->all[i].name[l]))
				return &c->all[i];
	return NULL;
}
