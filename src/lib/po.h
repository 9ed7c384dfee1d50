/* po.h - read gettext .po catalogs (the translators' standard format).
 *
 * Only what the portal uses: `msgctxt`, `msgid`, `msgstr`, strings split
 * over several lines, the C escapes gettext writes (\n \t \" \\), comments
 * and blank lines.  Plural forms are refused with a clear message (the
 * portal words its messages so it needs none).  Entries whose msgstr is
 * empty are untranslated and skipped, as gettext does.  Errors are
 * "name:line: reason".
 *
 * mo_parse reads the compiled form (.mo, what msgfmt writes and what
 * Debian ships under /usr/share/locale) into the same catalog: the portal
 * takes country names from the iso-codes package that way (countries.h).
 */
#ifndef YC_PO_H
#define YC_PO_H

#include <stddef.h>

#include "arena.h"

struct po_entry {
	const char *id;  /* msgid (with "ctxt\004" prefixed when msgctxt is set) */
	const char *str; /* msgstr */
};

struct po_catalog {
	struct po_entry *entries; /* sorted by id after po_parse */
	size_t n;
};

/* po_parse: parse text[0..len) into cat (arena memory).  Returns 0, or -1
 * with "name:line: reason" in err (size errn). */
int po_parse(const char *name, const char *text, size_t len, struct arena *a,
		struct po_catalog *cat, char *err, size_t errn);
/* mo_parse: parse the .mo file data[0..len) (either byte order) into cat
 * (arena memory: the file is copied once and the entries point into the
 * copy, so a string several entries share costs its size once).  Every
 * offset and length is checked against len; a plural entry keeps its first form; the header
 * (empty msgid) and untranslated entries are skipped.  Returns 0, or -1
 * with "name: reason" in err. */
int mo_parse(const char *name, const char *data, size_t len, struct arena *a,
		struct po_catalog *cat, char *err, size_t errn);
/* po_lookup: the translation of id, or NULL. */
const char *po_lookup(const struct po_catalog *cat, const char *id);

#endif
