/* appfile.h - read application files (`yingcai-application/1`, formats.md).
 *
 * Two layers:
 *  - appfile_decode*() turns the text of one JSON object into a struct
 *    application (application.h), strictly: unknown fields, duplicate keys,
 *    wrong types, values outside an enumeration and malformed dates are
 *    errors, reported with the first problem's line, column, field path
 *    (`experts[0].scores.achievements`) and a reason.  Format rules only:
 *    factor ids and document slots are kept, not checked (the core checks
 *    them against the policy).
 *  - appfile_stream splits a file into top-level values: one pretty-printed
 *    object, JSON Lines, or objects one after another, in constant memory
 *    (a buffer of 256 KiB growing to the per-application cap, 1 MiB).
 *
 * Decoding tries three ways, each giving the same result where it gives
 * one: straight from the text (jd_decode_fast: no tokens, declines anything
 * unusual), then json_scan_value + jd_decode (valid JSON in one pass), then
 * the careful way (json_tokenize + jd_decode checking each token), the one
 * that writes the error messages.  One schema (the tables in appfile.c)
 * drives all three.
 *
 * Ownership: everything an application points to lives in the arena passed
 * in; the caller resets it between applications.  The decoder keeps a
 * token array that is reused, so decoding many applications does not
 * allocate.  Errors never allocate.  Columns count characters (UTF-8 code
 * points; a tab is one), lines and columns are 1-based.
 */
#ifndef YC_APPFILE_H
#define YC_APPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/application.h"
#include "lib/arena.h"
#include "lib/json.h"
#include "lib/jsondec.h"
#include "lib/strbuf.h"

#define APPFILE_FORMAT "yingcai-application/1"
/* The first stream buffer.  A value cut by its end is read again the slow
 * way (scan_value), once every CHUNK bytes: 256 KiB makes that rare. */
#define APPFILE_CHUNK ((size_t)256 * 1024)
#define APPFILE_MAX ((size_t)1024 * 1024)   /* largest single application */

enum appfile_rc {
	APPFILE_OK = 0,
	APPFILE_EINPUT,  /* the application is invalid (a user's mistake) */
	APPFILE_ETOOBIG, /* larger than the cap (a user's mistake) */
	APPFILE_ENOMEM,  /* out of memory (token array or arena) */
	APPFILE_EIO,     /* reading the file failed */
};

struct appfile_error {
	enum appfile_rc rc;
	uint32_t line, col; /* where the problem is, in the file */
	char path[128];     /* "applicant.education"; "" when not about a field */
	char reason[512];   /* "\"masters\" is not one of junior-college, ..." */
	bool syntax;        /* the text is not valid JSON (not a field's mistake) */
};

struct appfile_decoder {
	struct json_parser json;
	bool careful; /* tests: skip the fast ways (false after init) */
};

void appfile_decoder_init(struct appfile_decoder *d);
void appfile_decoder_release(struct appfile_decoder *d);

/* appfile_decode: decode text[0..len), one JSON object, into out.  The
 * text starts at column 1 of line first_line of its file, so positions in
 * out and err are the file's.  Returns APPFILE_OK (0), or an appfile_rc
 * with err filled (out is then partly filled and must not be used). */
int appfile_decode(struct appfile_decoder *d, const char *text, size_t len,
		   uint32_t first_line, struct arena *a, struct application *out,
		   struct appfile_error *err);
/* appfile_decode_at: the same for text starting at line:col of its file
 * (an object that follows another on the same line). */
int appfile_decode_at(struct appfile_decoder *d, const char *text, size_t len,
		      uint32_t line, uint32_t col, struct arena *a,
		      struct application *out, struct appfile_error *err);

/* appfile_decode_fast: the first, fastest way alone, for tests (the
 * differential fuzz target): the object at the start of text decoded
 * straight from the text (jd_decode_fast).  True when it took it, with
 * *end saying where it ends; false when it declined (out and the arena
 * are then partly used): appfile_decode_at() would go on another way.
 * Whatever it takes, the careful way decodes to the same. */
bool appfile_decode_fast(const char *text, size_t len, uint32_t line, uint32_t col,
			 struct arena *a, struct application *out, unsigned max_tokens,
			 struct jd_end *end);

/* appfile_error_format: append "file:line:column: field.path: reason" to out
 * (without the path part when the error is not about a field). */
void appfile_error_format(const struct appfile_error *err, const char *filename,
			  struct strbuf *out);

/* The stream reader. */
struct appfile_stream {
	FILE *f;            /* borrowed; not closed */
	int pipe_fd;        /* f's descriptor when it is a pipe, socket or
			     * terminal (read with read(2), which returns what
			     * has arrived: an application is answered before
			     * the next one is written); else -1 (fread) */
	char *buf;
	size_t alloc, len;  /* buffer size, bytes in it */
	size_t off;         /* next byte to look at */
	size_t max;         /* cap for one value */
	uint32_t line, col; /* position of buf[off] */
	bool eof;           /* nothing more to read */
	bool ioerr;         /* reading failed (reported once) */
	int ioerrno;        /* why (errno), for the message */
	bool resync;        /* skipping to a line that starts with '{' */
	bool started;       /* past a byte order mark at the start */
	bool lines;         /* JSON Lines: an application began a line and ended on
			     * it, so from now on a value ends with its line */
	bool alone_so_far;  /* the last value began a line and closed on it: a
			     * line break before anything else sets `lines`
			     * (decided by next_start, wherever the buffer ends) */
	bool cut;           /* the last value was cut at the end of its line */
};

enum appfile_next {
	APPFILE_END = 0, /* no more values */
	APPFILE_VALUE,   /* a value (or an application) is ready */
	APPFILE_BAD,     /* err says what is wrong; call again for the next */
};

/* appfile_stream_init: read from f; max_value caps one value (0: 1 MiB). */
void appfile_stream_init(struct appfile_stream *s, FILE *f, size_t max_value);
void appfile_stream_release(struct appfile_stream *s);

/* appfile_stream_next: the next top-level value, text[0..*len) valid until
 * the next call, starting at *line:*col.  Whitespace and blank lines
 * between values are skipped.  In a file of JSON Lines (once an
 * application has begun a line and ended on it) a value still open at the
 * end of its line ends there: the line's error is its own, and the lines
 * after it are read as they come (a pipe is not read ahead for it).  Anything else between values, a value over
 * the cap and read errors are APPFILE_BAD; after garbage the reader skips
 * to the next line that starts with '{', after an oversized value it goes
 * on after the value.  A value cut short by the end of the file is
 * returned as it is (decoding then reports where it ends). */
enum appfile_next appfile_stream_next(struct appfile_stream *s, const char **text,
				      size_t *len, uint32_t *line, uint32_t *col,
				      struct appfile_error *err);

/* appfile_stream_recover: after text[0..len) (the value appfile_stream_next
 * just gave, at line:col) failed to decode with *err.  A value cut at the
 * end of its line (JSON Lines) gets a word on that in *err.  Otherwise, when
 * the text is not valid JSON, runs on over a line that starts with '{', and
 * the error lies on the line before that one or later, it is most likely
 * the first line of a JSON Lines file left open, which took the lines after
 * it: then *err becomes that line's own error and the stream goes on at the
 * line that starts with '{' (as JSON Lines).  Otherwise nothing changes. */
void appfile_stream_recover(struct appfile_stream *s, struct appfile_decoder *d,
			    const char *text, size_t len, uint32_t line, uint32_t col,
			    struct arena *a, struct application *out, struct appfile_error *err);

/* appfile_stream_read: appfile_stream_next(), appfile_decode_at() and, when
 * that fails, appfile_stream_recover(). */
enum appfile_next appfile_stream_read(struct appfile_stream *s, struct appfile_decoder *d,
				      struct arena *a, struct application *out,
				      struct appfile_error *err);

#endif
