/* test_policy_words.c - every word of the policy that the portal shows
 * (the labels of levels and rubric bands, the levels the core words
 * itself, the labels of the conditions an eligibility reason names, and
 * the benefits of the catalog's lists that the catalog page lists)
 * has its Chinese and German words in po/<lang>/policy_words.po, and that
 * file has no words the policy no longer uses.  A label without letters
 * ("26-55") reads the same in every language and needs none.
 *
 * Runs from the repository root (YINGCAI_POLICY or policy/, po/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/eligibility.h"
#include "core/score.h"
#include "lib/po.h"
#include "policy/load.h"

#define CTXT "policy\004"
#define MAX_WORDS 1024

static const char *const langs[] = {"zh_CN", "de"};

struct fixture {
	struct arena a;
	struct policy_bundle b;
	struct po_catalog cat[2];
	const char *words[MAX_WORDS]; /* the policy's labels, once each */
	size_t nwords;
};

static bool has_letter(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			return true;
	return false;
}

static void add_word(struct fixture *f, const char *s)
{
	if (!s || !has_letter(s))
		return;
	for (size_t i = 0; i < f->nwords; i++)
		if (strcmp(f->words[i], s) == 0)
			return;
	assert_true(f->nwords < MAX_WORDS);
	f->words[f->nwords++] = s;
}

static void add_predicate(struct fixture *f, const struct predicate *p)
{
	add_word(f, p->label);
	for (size_t i = 0; i < p->nsubs; i++)
		add_predicate(f, &p->subs[i]);
}

static void add_factor(struct fixture *f, const struct factor *fac)
{
	for (size_t i = 0; i < fac->nlevels; i++)
		add_word(f, fac->levels[i].label);
	for (size_t i = 0; i < fac->nrubric; i++)
		add_word(f, fac->rubric[i].label);
	if (fac->gate)
		add_word(f, fac->gate->label); /* a gate's input is what it asks */
	for (size_t i = 0; i < fac->nsubs; i++)
		add_factor(f, &fac->subs[i]);
}

static void collect(struct fixture *f)
{
	add_word(f, SCORE_LEVEL_NO_WAGE);
	add_word(f, SCORE_LEVEL_UNKNOWN);
	add_word(f, SCORE_LEVEL_HOLDS);
	add_word(f, SCORE_LEVEL_FAILS);
	for (size_t p = 0; p < f->b.nprogrammes; p++) {
		const struct programme_policy *pol = &f->b.programmes[p];

		for (size_t c = 0; c < pol->ncriteria; c++)
			add_predicate(f, &pol->criteria[c].test);
		for (size_t t = 0; t < pol->ntracks; t++)
			for (size_t i = 0; i < pol->tracks[t].nparts; i++)
				for (size_t k = 0; k < pol->tracks[t].parts[i].nfactors; k++)
					add_factor(f, &pol->tracks[t].parts[i].factors[k]);
	}
	for (size_t c = 0; c < f->b.ncatalogs; c++)
		for (size_t l = 0; l < f->b.catalogs[c].nlists; l++)
			for (size_t k = 0; k < f->b.catalogs[c].lists[l].nbenefits; k++)
				add_word(f, f->b.catalogs[c].lists[l].benefits[k]);
}

static int read_po(const char *lang, struct arena *a, struct po_catalog *cat)
{
	char path[256], err[512];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof path, "po/%s/policy_words.po", lang);
	if (!(fp = fopen(path, "rb")))
		return fprintf(stderr, "%s: cannot open\n", path), -1;
	if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) ||
	    !(buf = arena_alloc(a, (size_t)n + 1)) || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	buf[n] = '\0';
	if (po_parse(path, buf, (size_t)n, a, cat, err, sizeof err))
		return fprintf(stderr, "%s\n", err), -1;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct strbuf errors = STRBUF_INIT(1 << 20);
	const char *dir = getenv("YINGCAI_POLICY");

	if (!f)
		return -1;
	arena_init(&f->a, 0);
	if (policy_load_dir(dir && *dir ? dir : "policy", &f->a, &f->b, &errors)) {
		fprintf(stderr, "%s", errors.buf);
		strbuf_release(&errors);
		return -1;
	}
	strbuf_release(&errors);
	for (size_t l = 0; l < 2; l++)
		if (read_po(langs[l], &f->a, &f->cat[l]))
			return -1;
	collect(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->a);
	free(f);
	return 0;
}

/* Prints each missing one as a .po entry, ready to translate. */
static void every_label_has_its_words(void **state)
{
	struct fixture *f = *state;
	char key[1024];
	size_t missing = 0;

	assert_true(f->nwords > 50); /* the policies were read */
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < f->nwords; i++) {
			snprintf(key, sizeof key, CTXT "%s", f->words[i]);
			if (po_lookup(&f->cat[l], key))
				continue;
			fprintf(stderr, "po/%s/policy_words.po: no words for\nmsgctxt \"policy\"\n"
				"msgid \"%s\"\nmsgstr \"\"\n\n", langs[l], f->words[i]);
			missing++;
		}
	assert_int_equal(missing, 0);
}

static void no_words_the_policy_does_not_use(void **state)
{
	struct fixture *f = *state;
	size_t stale = 0;

	for (size_t l = 0; l < 2; l++)
		for (size_t k = 0; k < f->cat[l].n; k++) {
			const char *id = f->cat[l].entries[k].id;
			bool used = false;

			if (strncmp(id, CTXT, strlen(CTXT)) != 0) {
				fprintf(stderr, "po/%s/policy_words.po: \"%s\" has no msgctxt \"policy\"\n",
					langs[l], id);
				stale++;
				continue;
			}
			for (size_t i = 0; i < f->nwords && !used; i++)
				used = strcmp(f->words[i], id + strlen(CTXT)) == 0;
			if (!used) {
				fprintf(stderr, "po/%s/policy_words.po: \"%s\" is no label of the policy\n",
					langs[l], id + strlen(CTXT));
				stale++;
			}
		}
	assert_int_equal(stale, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_label_has_its_words),
		cmocka_unit_test(no_words_the_policy_does_not_use),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
