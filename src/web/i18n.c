/* i18n.c - see i18n.h. */
#include "i18n.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/po.h"
#include "session.h"
#include "store/store.h"

const char *const i18n_codes[I18N_NLANGS] = {"zh", "en", "de"};
static const char *const po_dirs[I18N_NLANGS] = {"zh_CN", "en", "de"};

struct i18n {
	struct po_catalog cat[I18N_NLANGS];
	struct view *views[I18N_NLANGS];
};

int i18n_lang_index(const char *lang)
{
	for (int i = 0; i < I18N_NLANGS; i++)
		if (lang && strcmp(lang, i18n_codes[i]) == 0)
			return i;
	return -1;
}

int i18n_lang_valid(const char *code)
{
	return i18n_lang_index(code) >= 0;
}

char *i18n_read_file(const char *path, struct arena *a, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (1L << 24) &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = arena_alloc(a, (size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
			buf = NULL;
		if (buf) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct po_entry *)a)->id, ((const struct po_entry *)b)->id);
}

/* append: add cat's entries to all (arena arrays, grown by copying). */
static bool append(struct po_catalog *all, size_t *alloc, const struct po_catalog *cat,
		struct arena *a)
{
	if (all->n + cat->n > *alloc) {
		size_t na = (all->n + cat->n) * 2;
		struct po_entry *e = arena_array(a, na, sizeof *e);
		if (!e)
			return false;
		if (all->n)
			memcpy(e, all->entries, all->n * sizeof *e);
		all->entries = e;
		*alloc = na;
	}
	if (cat->n)
		memcpy(all->entries + all->n, cat->entries, cat->n * sizeof *cat->entries);
	all->n += cat->n;
	return true;
}

/* load_language: every .po file of po/<locale>/, merged; one key once. */
static int load_language(struct po_catalog *all, const char *dir, struct arena *a,
		char *err, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t alloc = 0;
	int rc = 0;

	all->entries = NULL;
	all->n = 0;
	if (!d) {
		snprintf(err, n, "%s: cannot open the translations directory", dir);
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		size_t l = strlen(e->d_name), len = 0;
		const char *path;
		char *text;
		struct po_catalog cat;

		if (l < 4 || strcmp(e->d_name + l - 3, ".po") != 0)
			continue;
		path = arena_printf(a, "%s/%s", dir, e->d_name);
		text = path ? i18n_read_file(path, a, &len) : NULL;
		if (!text) {
			snprintf(err, n, "%s: cannot read the translations", path ? path : dir);
			rc = -1;
		} else if (po_parse(path, text, len, a, &cat, err, n) < 0) {
			rc = -1;
		} else if (!append(all, &alloc, &cat, a)) {
			snprintf(err, n, "out of memory");
			rc = -1;
		}
	}
	closedir(d);
	if (rc == 0 && all->n)
		qsort(all->entries, all->n, sizeof *all->entries, cmp_entry);
	for (size_t i = 1; rc == 0 && i < all->n; i++)
		if (strcmp(all->entries[i - 1].id, all->entries[i].id) == 0) {
			snprintf(err, n, "%s: msgid \"%s\" is defined in two files", dir,
				 all->entries[i].id);
			rc = -1;
		}
	return rc;
}

struct i18n *i18n_load(const char *po_dir, struct arena *a, char *err, size_t n)
{
	struct i18n *t = arena_alloc(a, sizeof *t);

	if (!t) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	for (int i = 0; i < I18N_NLANGS; i++) {
		const char *dir = arena_printf(a, "%s/%s", po_dir, po_dirs[i]);
		if (!dir || load_language(&t->cat[i], dir, a, err, n) < 0)
			return NULL;
	}
	/* Views: each language's words, with English filling any gap. */
	for (int i = 0; i < I18N_NLANGS; i++) {
		const struct po_catalog *en = &t->cat[1];
		t->views[i] = view_object(a);
		if (!t->views[i]) {
			snprintf(err, n, "out of memory");
			return NULL;
		}
		for (size_t k = 0; k < en->n; k++)
			view_set_str(t->views[i], en->entries[k].id,
				     i18n_get(t, i18n_codes[i], en->entries[k].id));
	}
	return t;
}

const char *i18n_get(const struct i18n *t, const char *lang, const char *key)
{
	int i = i18n_lang_index(lang);
	const char *s = i >= 0 ? po_lookup(&t->cat[i], key) : NULL;

	if (!s)
		s = po_lookup(&t->cat[1], key);
	return s ? s : key;
}

struct view *i18n_view(const struct i18n *t, const char *lang)
{
	int i = i18n_lang_index(lang);

	return t->views[i >= 0 ? i : 0];
}

size_t i18n_missing(const struct i18n *t, const char *lang, const char **out, size_t max)
{
	int i = i18n_lang_index(lang);
	size_t n = 0;

	if (i < 0)
		return 0;
	for (size_t k = 0; k < t->cat[1].n; k++) {
		const char *id = t->cat[1].entries[k].id;
		if (!po_lookup(&t->cat[i], id) && n < max)
			out[n++] = id;
	}
	return n;
}

/* accept_language: the first of our languages the browser lists. */
static const char *accept_language(const char *h)
{
	while (h && *h) {
		while (*h == ' ' || *h == ',')
			h++;
		for (int i = 0; i < I18N_NLANGS; i++)
			if (strncmp(h, i18n_codes[i], 2) == 0 &&
			    (h[2] == '\0' || h[2] == '-' || h[2] == ';' || h[2] == ',' || h[2] == '_'))
				return i18n_codes[i];
		h = strchr(h, ',');
	}
	return NULL;
}

const char *i18n_choose(struct request *rq)
{
	const char *q = http_query(rq, "lang");
	const char *c = http_cookie(rq, "yc_lang");
	const char *al;

	if (i18n_lang_valid(q))
		return i18n_codes[i18n_lang_index(q)];
	if (i18n_lang_valid(c))
		return i18n_codes[i18n_lang_index(c)];
	if (rq->user && i18n_lang_valid(rq->user->lang))
		return i18n_codes[i18n_lang_index(rq->user->lang)];
	al = accept_language(http_header(rq, "Accept-Language"));
	return al ? al : "zh";
}

const char *i18n_html_lang(const char *lang)
{
	return strcmp(lang, "zh") == 0 ? "zh-CN" : lang;
}

const char *i18n_number(struct arena *a, const char *lang, int64_t v)
{
	char digits[32], out[48];
	char sep = strcmp(lang, "de") == 0 ? '.' : ',';
	size_t n, j = 0;
	bool neg = v < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	n = (size_t)snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
	if (neg)
		out[j++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[j++] = sep;
		out[j++] = digits[i];
	}
	out[j] = '\0';
	return arena_strdup(a, out);
}

const char *i18n_money(struct arena *a, const char *lang, int64_t cny)
{
	const char *num = i18n_number(a, lang, cny);

	if (strcmp(lang, "zh") == 0)
		return arena_printf(a, "¥%s", num);
	if (strcmp(lang, "de") == 0)
		return arena_printf(a, "%s CNY", num);
	return arena_printf(a, "CNY %s", num);
}

const char *i18n_date(struct arena *a, const char *lang, date_t d)
{
	static const char *const en[] = {"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"};
	static const char *const de[] = {"Januar", "Februar", "März", "April", "Mai", "Juni",
		"Juli", "August", "September", "Oktober", "November", "Dezember"};
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	if (strcmp(lang, "zh") == 0)
		return arena_printf(a, "%d年%d月%d日", y, m, day);
	if (strcmp(lang, "de") == 0)
		return arena_printf(a, "%d. %s %d", day, de[m - 1], y);
	return arena_printf(a, "%d %s %d", day, en[m - 1], y);
}
