/* appfile_write.h - write an application as a `yingcai-application/1` file.
 *
 * The inverse of appfile_decode() (appfile.h): every fact the struct says
 * it has is written, every absent fact is left out (absent and null mean
 * the same in the format), so that decoding what was written gives back an
 * equal struct (tests/unit/test_appfile_write.c checks this on the demo
 * applications).  Source positions are not part of the format and are not
 * written.  Used by the portal to keep a self-check as a draft and by
 * anything else that stores or exports an application.
 *
 * Invariants the caller keeps (a struct from appfile_decode() or from the
 * self-check form always does): enumerated strings are values formats.md
 * allows, strings are valid UTF-8 without NUL, numbers are in the ranges
 * the reader accepts.  Output is one JSON object on one line, keys in the
 * order of formats.md, no trailing newline.
 */
#ifndef YC_APPFILE_WRITE_H
#define YC_APPFILE_WRITE_H

#include "core/application.h"
#include "lib/strbuf.h"

/* appfile_write: append app to out.  Nothing else is touched; on a full
 * or failed builder out->failed latches as for any strbuf append. */
void appfile_write(const struct application *app, struct strbuf *out);

#endif
