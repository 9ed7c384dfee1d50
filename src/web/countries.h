/* countries.h - country names in the portal's languages, for nationality.
 *
 * An applicant's nationality is an ISO 3166-1 alpha-3 code (formats.md),
 * which few people know by heart and no reader wants to decode.  The names
 * come from Debian's iso-codes package: the list from its JSON file, the
 * Chinese and German names from its gettext catalogs (.mo, read with
 * lib/po.h), so they are maintained upstream and not by us.  China and its
 * Hong Kong, Macao and Taiwan regions are left out: nobody holding those
 * is a foreign national under the programmes (product.md), and a former
 * Chinese citizen gives their present nationality.
 *
 * Loaded once at start-up (site.c), read-only afterwards.
 */
#ifndef YC_COUNTRIES_H
#define YC_COUNTRIES_H

#include <stdbool.h>
#include <stddef.h>

#include "i18n.h"
#include "lib/arena.h"

struct country {
	char code[4];                     /* "DEU" */
	const char *name[I18N_NLANGS];    /* "德国", "Germany", "Deutschland" */
};

struct countries {
	struct country *all;              /* sorted by code */
	size_t n;
	/* per language, the countries in the order a reader looks them up:
	 * Chinese by character (radical and stroke order), the others
	 * alphabetically with accents folded (Österreich under O) */
	const struct country **by_name[I18N_NLANGS];
};

/* Where Debian puts them; `iso_codes_dir` in the configuration overrides
 * the directory holding iso-codes/json/ and locale/ (tests, other systems). */
#define COUNTRIES_DIR_DEFAULT "/usr/share"

/* countries_load: the list from <dir>/iso-codes/json/iso_3166-1.json and
 * names from <dir>/locale/{zh_CN,de}/LC_MESSAGES/iso_3166-1.mo; NULL with a
 * message naming the file (and the package to install) in err. */
struct countries *countries_load(const char *dir, struct arena *a, char *err, size_t n);

/* countries_find: the country with alpha-3 code (upper case), or NULL. */
const struct country *countries_find(const struct countries *c, const char *code);

/* countries_passport_only: code is one of the codes ICAO Doc 9303 puts in
 * passports that name no ISO 3166 country (XXA stateless, XXB refugee,
 * RKS Kosovo, UNO, EUE, ...): a nationality to accept, shown as the code. */
bool countries_passport_only(const char *code);

/* countries_match: the country whose code (any case) or name in any of
 * the languages (ASCII case ignored, spaces around trimmed) is text, or
 * NULL: "deu", "Germany", "德国" and "Deutschland" all give DEU. */
const struct country *countries_match(const struct countries *c, const char *text);

#endif
