/* i18n.h - the portal's languages: Chinese (default), English, German.
 *
 * Messages live in po/<locale>/<area>.po (gettext format, one file per
 * area, merged at load; msgids are stable keys
 * such as "home_title", so templates can name them as {{t.home_title}}).
 * Catalogs are read once at start-up; every language's catalog is also
 * prebuilt as a view object, so a page gets all its words by one pointer.
 * A key missing in a language falls back to English, then to the key
 * itself (and the test suite checks that every key exists everywhere).
 * Dates and money are formatted the way each language writes them.
 */
#ifndef YC_I18N_H
#define YC_I18N_H

#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "http.h"
#include "lib/arena.h"
#include "lib/view.h"

#define I18N_NLANGS 3

struct i18n;

/* i18n_langs: the codes in display order ("zh", "en", "de"). */
extern const char *const i18n_codes[I18N_NLANGS];

/* i18n_load: read every .po under <po_dir>/zh_CN, en, de; NULL with a message. */
struct i18n *i18n_load(const char *po_dir, struct arena *a, char *err, size_t n);
/* i18n_get: the message for key in lang (fallbacks as above). */
const char *i18n_get(const struct i18n *t, const char *lang, const char *key);
/* i18n_view: every message of lang as a view object (shared, read-only). */
struct view *i18n_view(const struct i18n *t, const char *lang);
/* i18n_missing: keys of English missing in `lang` (tests). */
size_t i18n_missing(const struct i18n *t, const char *lang, const char **out, size_t max);

/* i18n_choose: the request's language: ?lang=, the yc_lang cookie, the
 * account's language, Accept-Language (zh*, en*, de*), else Chinese. */
const char *i18n_choose(struct request *rq);
/* i18n_lang_valid: whether code is one of ours. */
int i18n_lang_valid(const char *code);
/* i18n_lang_index: lang's place in i18n_codes, or -1. */
int i18n_lang_index(const char *lang);
/* i18n_read_file: a file of words (a .po or .mo catalog, the iso-codes
 * list) into the arena, NUL-terminated; NULL when it cannot be read or is
 * 16 MiB or more. */
char *i18n_read_file(const char *path, struct arena *a, size_t *len);
/* i18n_html_lang: "zh-CN", "en", "de". */
const char *i18n_html_lang(const char *lang);

/* i18n_date: 2025年12月1日 / 1 December 2025 / 1. Dezember 2025. */
const char *i18n_date(struct arena *a, const char *lang, date_t d);
/* i18n_money: ¥1,500 / CNY 1,500 / 1.500 CNY. */
const char *i18n_money(struct arena *a, const char *lang, int64_t cny);
/* i18n_number: digits grouped for the language (1,500 / 1.500). */
const char *i18n_number(struct arena *a, const char *lang, int64_t v);

#endif
