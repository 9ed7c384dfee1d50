/* fuzz_appfile.c - libFuzzer target for application files (format/appfile.h).
 *
 * The input is decoded as one application, then read again as a file
 * through the stream reader (fmemopen) with a small per-value cap, and every
 * value it yields is decoded too.  Whatever the input: no crash, no leak, no
 * read out of bounds, and the results keep their promises (a decoded
 * application has its required fields; an error has a position and a
 * reason; stream values start with '{' and lie inside the input; the
 * decoder and json_parse() agree on what is valid JSON).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/appfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_app(const struct application *app, int rc, const struct appfile_error *err)
{
	struct strbuf sb = STRBUF_INIT(4096);

	if (rc != APPFILE_OK) {
		check(err->line >= 1 && err->col >= 1 && err->reason[0] != '\0');
		appfile_error_format(err, "fuzz.json", &sb);
		check(!sb.failed && sb.len > 0);
		strbuf_release(&sb);
		return;
	}
	check(app->programme != NULL && app->pos.line >= 1 && app->date_pos.line >= 1);
	check(!app->track || strcmp(app->programme, "zgc") == 0);
	for (size_t k = 0; k < app->nexperts; k++) {
		check(app->experts[k].id != NULL);
		for (size_t s = 0; s < app->experts[k].nscores; s++)
			check(app->experts[k].scores[s].factor != NULL &&
			      app->experts[k].scores[s].points >= 0);
	}
	for (size_t k = 0; k < app->ndocuments; k++) {
		const struct document *d = &app->documents[k];
		check(d->slot != NULL);
		check(!d->has_covers || d->covers_from <= d->covers_to);
	}
	for (size_t k = 0; k < app->applicant.nqualifications; k++)
		check(app->applicant.qualifications[k].status != NULL);
	check(!app->applicant.has_shareholding || (app->applicant.shareholding_percent >= 0 &&
						   app->applicant.shareholding_percent <= 10000));
}

static void stream(struct appfile_decoder *d, struct arena *a, const uint8_t *data,
		   size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct appfile_stream st;
	struct application app;
	struct appfile_error err;
	uint32_t last = 1;

	if (!f)
		return;
	appfile_stream_init(&st, f, 1024);
	for (;;) {
		const char *text;
		size_t len;
		uint32_t line, col;
		enum appfile_next r = appfile_stream_next(&st, &text, &len, &line, &col, &err);
		if (r == APPFILE_END)
			break;
		if (r == APPFILE_BAD) {
			check(err.line >= last && err.col >= 1);
			continue;
		}
		check(len >= 1 && len <= 1024 && text[0] == '{' && line >= last);
		last = line;
		arena_reset(a);
		check_app(&app, appfile_decode_at(d, text, len, line, col, a, &app, &err), &err);
	}
	appfile_stream_release(&st);
	fclose(f);
}

/* same_verdict: the decoder checks the grammar as it walks; json_parse()
 * checks it in a pass of its own.  They must agree: an application that
 * decodes is valid JSON, and "invalid JSON" from the decoder is invalid. */
static void same_verdict(const uint8_t *data, size_t size, int rc,
			 const struct appfile_error *err)
{
	static struct json_parser p;
	static bool ready;
	struct json_doc doc;
	struct json_error jerr;
	enum json_rc jrc;

	if (!ready) {
		json_parser_init(&p, 0);
		ready = true;
	}
	jrc = json_parse(&p, (const char *)data, size, &doc, &jerr);
	if (rc == APPFILE_OK)
		check(jrc == JSON_OK);
	if (rc == APPFILE_EINPUT && strncmp(err->reason, "invalid JSON: ", 14) == 0)
		check(jrc == JSON_EINPUT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct appfile_decoder d; /* reused, as the CLI does */
	static bool ready;
	struct arena a;
	struct application app;
	struct appfile_error err;
	int rc;

	if (!ready) {
		appfile_decoder_init(&d);
		ready = true;
	}
	arena_init(&a, (size_t)64 << 20);
	rc = appfile_decode(&d, (const char *)data, size, 1, &a, &app, &err);
	check_app(&app, rc, &err);
	same_verdict(data, size, rc, &err);
	if (size > 0)
		stream(&d, &a, data, size);
	arena_release(&a);
	return 0;
}
