/* test_checklist.c - the document checklist (src/core/checklist.c).
 *
 * Every test builds a small programme_policy and application by hand (no
 * YAML loader) and checks the verdict a user would see: the state, the
 * words of `why` that tell them what to do, and the source clause.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/checklist.h"

#define SRC_FORMAT "Notice VI(VI): PDF format"
#define SRC_NAMES "Notice VI(VI): descriptive filenames"
#define SRC_TRANSL "Notice VI(III): certified translation"

static const char *file_types[] = {"pdf"};
static const char *generic_names[] = {"scan", "img", "document", "扫描件"};
static const char *native_languages[] = {"zh"};

struct fx {
	struct arena a;
	struct doc_slot slots[8];
	struct programme_policy pol;
	struct application app;
	struct document docs[8];
	struct resume_entry resume[8];
	struct predicate pred;
	struct facts f;
	struct checklist cl;
	struct core_error err;
};

static date_t D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static month_t M(int y, int m)
{
	return month_from_ym(y, m);
}

static int setup(void **state)
{
	struct fx *x = test_calloc(1, sizeof *x);

	if (!x)
		return -1;
	arena_init(&x->a, 0);
	x->pol.programme = "two-zones";
	x->pol.edition = "2025";
	x->pol.source = "Notice of the 2025 round";
	x->pol.slots = x->slots;
	x->pol.docrules = (struct doc_rules){
		.file_types = file_types, .nfile_types = 1,
		.generic_names = generic_names, .ngeneric_names = 4,
		.native_languages = native_languages, .nnative_languages = 1,
		.source_format = SRC_FORMAT, .source_names = SRC_NAMES,
		.source_translation = SRC_TRANSL,
	};
	x->app.programme = "two-zones";
	x->app.date = D(2025, 12, 1);
	x->app.applicant.name = "Anna Example";
	x->app.documents = x->docs;
	x->app.applicant.resume = x->resume;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	arena_release(&x->a);
	test_free(x);
	return 0;
}

static struct doc_slot *add_slot(struct fx *x, const char *id, const char *name,
		enum slot_need need)
{
	struct doc_slot *s = &x->slots[x->pol.nslots++];

	s->id = id;
	s->name = name;
	s->source = "Notice III(II) item";
	s->need = need;
	return s;
}

static struct document *add_doc(struct fx *x, const char *slot, const char *file)
{
	struct document *d = &x->docs[x->app.ndocuments++];

	x->app.has_documents = true;
	d->slot = slot;
	d->file = file;
	d->language = "zh"; /* a test that is about the language sets its own */
	return d;
}

static void add_resume(struct fx *x, month_t from, month_t to, bool present)
{
	struct resume_entry *r = &x->resume[x->app.applicant.nresume++];

	x->app.applicant.has_resume = true;
	r->from = from;
	r->to = to;
	r->to_present = present;
	r->what = "work";
}

/* former citizens: PRED_IS on applicant.former_chinese_citizen */
static struct doc_slot *add_former_citizen_slot(struct fx *x)
{
	struct doc_slot *s = add_slot(x, "former_citizenship_documents",
			"Former citizenship documents", SLOT_CONDITIONAL);

	x->pred.op = PRED_IS;
	x->pred.fact = "applicant.former_chinese_citizen";
	x->pred.want = true;
	x->pred.label = "formerly a Chinese citizen";
	s->when = &x->pred;
	return s;
}

/* derive: checklist_derive() on the policy as the test has built it. */
static void derive(struct fx *x)
{
	assert_true(checklist_derive(&x->pol, &x->a));
}

/* derive_rules: r with its derived fields, for the file-name functions. */
static struct doc_rules derive_rules(struct fx *x, struct doc_rules r)
{
	struct programme_policy p = {.docrules = r};

	assert_true(checklist_derive(&p, &x->a));
	return p.docrules;
}

/* name_rules: the file rules of the fixture, with ngeneric generic names,
 * derived. */
static struct doc_rules name_rules(struct fx *x, size_t ngeneric)
{
	struct doc_rules r = {
		.file_types = file_types, .nfile_types = 1,
		.generic_names = ngeneric ? generic_names : NULL, .ngeneric_names = ngeneric,
		.native_languages = native_languages, .nnative_languages = 1,
	};

	return derive_rules(x, r);
}

static const struct check_item *run(struct fx *x)
{
	derive(x);
	facts_init(&x->f, &x->app, NULL);
	memset(&x->err, 0, sizeof x->err);
	assert_true(checklist_compute(&x->pol, &x->f, &x->a, &x->cl, &x->err));
	assert_int_equal(x->cl.nitems, x->pol.nslots + (x->pol.has_window ? 1 : 0));
	/* the words are written on demand: fill every `why` */
	assert_true(checklist_texts(&x->pol, &x->f, &x->cl, &x->a));
	for (size_t i = 0; i < x->cl.nitems; i++) {
		assert_non_null(x->cl.items[i].why);
		assert_true(x->cl.items[i].why[0] != '\0');
	}
	return x->cl.items;
}

/* run_one: a one-slot policy with one document named file. */
static const struct check_item *run_file(struct fx *x, const char *file)
{
	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_doc(x, "passport", file);
	return run(x);
}

#define assert_contains(hay, needle) do {                                      \
		const char *h_ = (hay);                                        \
		if (!h_ || !strstr(h_, (needle)))                              \
			fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", \
				 (needle));                                    \
	} while (0)

/* ---- states and completeness ---- */

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(check_state_name(CHECK_OK), "ok");
	assert_string_equal(check_state_name(CHECK_MISSING), "missing");
	assert_string_equal(check_state_name(CHECK_PROBLEM), "problem");
	assert_string_equal(check_state_name(CHECK_OPTIONAL), "optional");
	assert_string_equal(check_state_name(CHECK_NOT_NEEDED), "not-needed");
	assert_string_equal(check_state_name(CHECK_LATER), "later");
}

static void test_required_absent_is_missing(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "employment_contract", "Employment contract", SLOT_REQUIRED);
	it = run(x);
	assert_string_equal(it[0].slot, "employment_contract");
	assert_string_equal(it[0].name, "Employment contract");
	assert_int_equal(it[0].state, CHECK_MISSING);
	assert_string_equal(it[0].why, "Upload the employment contract as PDF");
	assert_string_equal(it[0].source, "Notice III(II) item");
	assert_false(x->cl.complete);
}

static void test_optional_absent(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "honours", "Honours", SLOT_OPTIONAL);
	it = run(x);
	assert_int_equal(it[0].state, CHECK_OPTIONAL);
	assert_contains(it[0].why, "optional: upload the honours as PDF if you have it");
	assert_true(x->cl.complete);
}

static void test_deferrable_absent_is_later(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "education_proof", "Education proof", SLOT_DEFERRABLE);
	it = run(x);
	assert_int_equal(it[0].state, CHECK_LATER);
	assert_contains(it[0].why, "may follow after acceptance");
	assert_contains(it[0].why, "education proof as PDF");
	assert_true(x->cl.complete);
}

static void test_deferrable_present_is_checked(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "education_proof", "Education proof", SLOT_DEFERRABLE);
	add_slot(x, "no_criminal_record", "No-criminal-record certificate", SLOT_DEFERRABLE);
	add_doc(x, "education_proof", "master-degree-anna.pdf");
	add_doc(x, "no_criminal_record", "scan001.pdf");
	it = run(x);
	assert_int_equal(it[0].state, CHECK_OK);
	assert_int_equal(it[1].state, CHECK_PROBLEM);
	assert_false(x->cl.complete);
}

static void test_complete_with_ok_optional_later_not_needed(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_slot(x, "honours", "Honours", SLOT_OPTIONAL);
	add_slot(x, "education_proof", "Education proof", SLOT_DEFERRABLE);
	add_former_citizen_slot(x);
	x->app.applicant.former_chinese_citizen = TRI_FALSE;
	add_doc(x, "passport", "passport-anna-example.pdf");
	it = run(x);
	assert_int_equal(it[0].state, CHECK_OK);
	assert_int_equal(it[1].state, CHECK_OPTIONAL);
	assert_int_equal(it[2].state, CHECK_LATER);
	assert_int_equal(it[3].state, CHECK_NOT_NEEDED);
	assert_true(x->cl.complete);
}

static void test_items_in_policy_order_window_last(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "b_second", "B", SLOT_REQUIRED);
	add_slot(x, "a_first", "A", SLOT_OPTIONAL);
	x->pol.has_window = true;
	x->pol.window_opens = D(2025, 11, 27);
	x->pol.window_closes = D(2026, 1, 16);
	add_doc(x, "a_first", "first-document.pdf");
	add_doc(x, "b_second", "second-document.pdf");
	it = run(x);
	assert_int_equal(x->cl.nitems, 3);
	assert_string_equal(it[0].slot, "b_second");
	assert_string_equal(it[1].slot, "a_first");
	assert_string_equal(it[2].slot, "application_window");
}

static void test_ok_document(void **state)
{
	struct fx *x = *state;
	const struct check_item *it = run_file(x, "passport-anna-example.pdf");

	assert_int_equal(it[0].state, CHECK_OK);
	assert_string_equal(it[0].why, "uploaded: 'passport-anna-example.pdf'");
	assert_string_equal(it[0].source, "Notice III(II) item");
	assert_true(x->cl.complete);
}

static void test_document_without_file_is_not_an_upload(void **state)
{
	struct fx *x = *state;
	const struct check_item *it = run_file(x, NULL);

	assert_int_equal(it[0].state, CHECK_MISSING);
	assert_string_equal(it[0].why, "Upload the passport as PDF");
}

/* ---- conditional slots ---- */

static void test_conditional_true_is_required(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_former_citizen_slot(x);
	x->app.applicant.former_chinese_citizen = TRI_TRUE;
	it = run(x);
	assert_int_equal(it[0].state, CHECK_MISSING);
	assert_contains(it[0].why, "Upload the former citizenship documents as PDF");
	assert_contains(it[0].why, "formerly a Chinese citizen");
	assert_false(x->cl.complete);
}

static void test_conditional_true_present_ok(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_former_citizen_slot(x);
	x->app.applicant.former_chinese_citizen = TRI_TRUE;
	add_doc(x, "former_citizenship_documents", "naturalization-paper.pdf");
	it = run(x);
	assert_int_equal(it[0].state, CHECK_OK);
	assert_true(x->cl.complete);
}

static void test_conditional_false_not_needed(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_former_citizen_slot(x);
	x->app.applicant.former_chinese_citizen = TRI_FALSE;
	it = run(x);
	assert_int_equal(it[0].state, CHECK_NOT_NEEDED);
	assert_string_equal(it[0].why, "not needed: 'formerly a Chinese citizen' does not hold");
	assert_true(x->cl.complete);
}

static void test_conditional_false_with_upload_not_needed(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_former_citizen_slot(x);
	x->app.applicant.former_chinese_citizen = TRI_FALSE;
	add_doc(x, "former_citizenship_documents", "scan001.pdf");
	it = run(x);
	assert_int_equal(it[0].state, CHECK_NOT_NEEDED);
	assert_contains(it[0].why, "'scan001.pdf' can be removed");
	assert_true(x->cl.complete);
}

static void test_conditional_unknown_names_the_answer(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_former_citizen_slot(x);
	it = run(x); /* former_chinese_citizen left TRI_UNKNOWN */
	assert_int_equal(it[0].state, CHECK_MISSING);
	assert_contains(it[0].why, "answer 'formerly a Chinese citizen' "
			"(applicant.former_chinese_citizen) first");
	assert_contains(it[0].why, "former citizenship documents");
	assert_false(x->cl.complete);
}

static void test_conditional_unknown_but_uploaded_is_checked(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_former_citizen_slot(x);
	add_doc(x, "former_citizenship_documents", "chinese-passport-used.pdf");
	it = run(x);
	assert_int_equal(it[0].state, CHECK_OK);
}

/* ---- file type ---- */

static void test_file_type_pdf_any_case(void **state)
{
	struct fx *x = *state;
	const struct check_item *it = run_file(x, "passport-anna-example.PDF");

	assert_int_equal(it[0].state, CHECK_OK);
}

static void test_file_type_rejected(void **state)
{
	struct fx *x = *state;
	const struct check_item *it = run_file(x, "passport-anna-example.docx");

	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_string_equal(it[0].why, "'passport-anna-example.docx' must be a .pdf file: "
			    "upload it as PDF");
	assert_string_equal(it[0].source, SRC_FORMAT);
	assert_false(x->cl.complete);
}

static void test_file_type_edge_names(void **state)
{
	struct fx *x = *state;
	struct doc_rules r = name_rules(x, 4);
	const char *dotted[] = {".pdf"};
	struct doc_rules r2 = r;

	assert_false(checklist_type_accepted(&r, "passport"));
	assert_false(checklist_type_accepted(&r, "passportpdf"));
	assert_false(checklist_type_accepted(&r, "passport.pdf.exe"));
	assert_false(checklist_type_accepted(&r, "pdf"));
	assert_true(checklist_type_accepted(&r, "a.Pdf"));
	r2.file_types = dotted; /* a policy may write the dot */
	r2 = derive_rules(x, r2);
	assert_true(checklist_type_accepted(&r2, "passport.pdf"));
	assert_false(checklist_type_accepted(&r2, "passport.jpg"));
	r2.nfile_types = 0;
	r2 = derive_rules(x, r2);
	assert_true(checklist_type_accepted(&r2, "passport.jpg"));
}

/* ---- file name ---- */

static void test_generic_name_rename_hint(void **state)
{
	struct fx *x = *state;
	const struct check_item *it = run_file(x, "scan001.pdf");

	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_string_equal(it[0].why, "rename 'scan001.pdf' to say what it is, e.g. "
			    "'passport-anna-example.pdf'");
	assert_string_equal(it[0].source, SRC_NAMES);
}

static void test_rename_hint_without_applicant_name(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	x->app.applicant.name = NULL;
	add_slot(x, "employment_contract", "Employment contract", SLOT_REQUIRED);
	add_doc(x, "employment_contract", "IMG_1234.pdf");
	it = run(x);
	assert_string_equal(it[0].why, "rename 'IMG_1234.pdf' to say what it is, e.g. "
			    "'employment-contract.pdf'");
}

static void test_names_not_descriptive(void **state)
{
	static const char *bad[] = {
		"scan001.pdf", "SCAN_002.pdf", "IMG_1234.pdf", "img-20251201.pdf",
		"document (2).pdf", "Document.pdf", "扫描件1.pdf", "扫描件（2）.pdf",
		"扫描件.pdf", "20251201.pdf", "001.pdf", "2025-12-01_003.pdf", ".pdf",
		"ab.pdf", "ab12.pdf", "a-b.pdf", "学.pdf", "\xff\xfe\xfd.pdf",
		"x/scan001.pdf", "scan001.pdf.pdf", "IMG_1234.PDF.pdf", "ab.pdf.pdf",
	};
	struct fx *x = *state;
	struct doc_rules r = name_rules(x, 4);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (checklist_name_descriptive(&r, bad[i]))
			fail_msg("'%s' should not count as descriptive", bad[i]);
}

static void test_names_descriptive(void **state)
{
	static const char *good[] = {
		"passport-anna-example.pdf", "abc.pdf", "cv-anna.pdf",
		"scan-of-passport.pdf", "IMG_passport.pdf", "documents-of-employer.pdf",
		"学位证.pdf", "扫描件护照.pdf", "Émile-cv.pdf", "Паспорт.pdf",
		"contract v2 (signed).pdf", "work permit 2021.pdf", "passport-anna.pdf.pdf",
	};
	struct fx *x = *state;
	struct doc_rules r = name_rules(x, 4);

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!checklist_name_descriptive(&r, good[i]))
			fail_msg("'%s' should count as descriptive", good[i]);
}

/* Generic names together describe no more than one alone ("New
 * Document.pdf", "newfile.pdf"); one other word is enough. */
static void test_names_generic_words_together(void **state)
{
	static const char *bad[] = {
		"scan document.pdf", "Document_IMG_2.pdf", "imgscan.pdf", "ScanScan.pdf",
		"扫描件 scan（2）.pdf", "document-扫描件.pdf", "IMG 0001 scan 0002.pdf",
	};
	static const char *good[] = {
		"scan document passport.pdf", "img-scan-contract.pdf", "scans.pdf",
		"documentary.pdf", "扫描件 护照.pdf",
	};
	struct fx *x = *state;
	struct doc_rules r = name_rules(x, 4);
	char longname[1200];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (checklist_name_descriptive(&r, bad[i]))
			fail_msg("'%s' should not count as descriptive", bad[i]);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!checklist_name_descriptive(&r, good[i]))
			fail_msg("'%s' should count as descriptive", good[i]);
	/* a stem over 512 bytes: judged by its first 512 */
	for (size_t i = 0; i + 4 < 1100; i += 4)
		memcpy(longname + i, "scan", 4);
	memcpy(longname + 1100, ".pdf", 5);
	assert_false(checklist_name_descriptive(&r, longname));
	memset(longname, 'a', 1100);
	assert_true(checklist_name_descriptive(&r, longname));
	memcpy(longname, "scan", 4);
	assert_true(checklist_name_descriptive(&r, longname));
}

static void test_three_letters_boundary(void **state)
{
	struct fx *x = *state;
	struct doc_rules r = name_rules(x, 0);

	assert_false(checklist_name_descriptive(&r, "ab.pdf"));
	assert_true(checklist_name_descriptive(&r, "abc.pdf"));
	assert_false(checklist_name_descriptive(&r, "é1ü.pdf"));
	assert_true(checklist_name_descriptive(&r, "éaü.pdf"));
	assert_true(checklist_name_descriptive(&r, "护照.pdf"));  /* an ideograph counts twice */
	assert_false(checklist_name_descriptive(&r, "照.pdf"));
	assert_true(checklist_name_descriptive(&r, "护照页.pdf"));
	/* no extension: the whole name is the stem */
	assert_true(checklist_name_descriptive(&r, "passport"));
}

/* ---- language ---- */

static void test_foreign_language_untranslated(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_doc(x, "passport", "passport-anna-example.pdf")->language = "en";
	it = run(x);
	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_string_equal(it[0].why, "'passport-anna-example.pdf' is in language 'en': a "
			    "certified Chinese translation with the translation company's "
			    "seals is needed");
	assert_string_equal(it[0].source, SRC_TRANSL);
}

static void test_language_cases(void **state)
{
	static const struct {
		const char *lang;
		enum tri translated;
		enum check_state want;
	} cases[] = {
		{"en", TRI_TRUE, CHECK_OK},
		{"en", TRI_FALSE, CHECK_PROBLEM},
		{"en", TRI_UNKNOWN, CHECK_PROBLEM},
		{"zh", TRI_UNKNOWN, CHECK_OK},
		{"ZH", TRI_FALSE, CHECK_OK},
		/* not said: an answer the check needs, unless a translation is attached */
		{NULL, TRI_UNKNOWN, CHECK_MISSING},
		{NULL, TRI_FALSE, CHECK_MISSING},
		{"", TRI_UNKNOWN, CHECK_MISSING},
		{NULL, TRI_TRUE, CHECK_OK},
	};
	struct fx *x = *state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct document *d;

		x->pol.nslots = 0;
		x->app.ndocuments = 0;
		add_slot(x, "passport", "Passport", SLOT_REQUIRED);
		d = add_doc(x, "passport", "passport-anna-example.pdf");
		d->language = cases[i].lang;
		d->translated = cases[i].translated;
		if (run(x)[0].state != cases[i].want)
			fail_msg("case %zu: state %s", i, check_state_name(x->cl.items[0].state));
	}
}

static void test_language_unsaid_message(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	x->pol.nslots = 0;
	x->app.ndocuments = 0;
	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_doc(x, "passport", "passport-anna-example.pdf")->language = NULL;
	it = run(x);
	assert_int_equal(it[0].state, CHECK_MISSING);
	assert_false(x->cl.complete);
	assert_string_equal(it[0].why, "say which language 'passport-anna-example.pdf' is in "
			    "(\"language\": an ISO 639-1 code such as \"zh\" or \"en\"): a document "
			    "not in Chinese needs a certified Chinese translation");
}

static void test_pictures_have_no_language(void **state)
{
	struct fx *x = *state;

	x->pol.nslots = 0;
	x->app.ndocuments = 0;
	add_slot(x, "photos", "Photos", SLOT_REQUIRED)->pictures = true;
	add_doc(x, "photos", "photos-anna-example.pdf")->language = NULL;
	assert_int_equal(run(x)[0].state, CHECK_OK);
}

/* ---- several findings ---- */

static void test_all_problems_joined(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_doc(x, "passport", "scan001.jpg")->language = "de";
	it = run(x);
	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_string_equal(it[0].why,
		"'scan001.jpg' must be a .pdf file: upload it as PDF; "
		"rename 'scan001.jpg' to say what it is, e.g. 'passport-anna-example.pdf'; "
		"'scan001.jpg' is in language 'de': a certified Chinese translation with the "
		"translation company's seals is needed");
	assert_string_equal(it[0].source, SRC_FORMAT "; " SRC_NAMES "; " SRC_TRANSL);
}

static void test_two_documents_both_checked(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_doc(x, "passport", "passport-anna-example.pdf");
	add_doc(x, "passport", "IMG_0001.pdf");
	it = run(x);
	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_contains(it[0].why, "rename 'IMG_0001.pdf'");
	assert_null(strstr(it[0].why, "rename 'passport"));

	x->docs[1].file = "passport-visa-pages.pdf";
	it = run(x);
	assert_int_equal(it[0].state, CHECK_OK);
	assert_string_equal(it[0].why,
		"uploaded: 'passport-anna-example.pdf', 'passport-visa-pages.pdf'");
}

/* ---- issued within N months ---- */

static enum check_state issued_state(struct fx *x, date_t app_date, date_t issued,
		bool has)
{
	struct document *d;

	x->pol.nslots = 0;
	x->app.ndocuments = 0;
	x->app.date = app_date;
	add_slot(x, "medical_certificate", "Medical certificate", SLOT_REQUIRED)
		->issued_within_months = 6;
	d = add_doc(x, "medical_certificate", "medical-certificate-anna.pdf");
	d->has_issued = has;
	d->issued = issued;
	return run(x)[0].state;
}

static void test_issued_boundaries(void **state)
{
	struct fx *x = *state;
	date_t day = D(2025, 12, 1);

	assert_int_equal(issued_state(x, day, D(2025, 6, 1), true), CHECK_OK);
	assert_int_equal(issued_state(x, day, D(2025, 12, 1), true), CHECK_OK);
	assert_int_equal(issued_state(x, day, D(2025, 9, 15), true), CHECK_OK);
	assert_int_equal(issued_state(x, day, D(2025, 5, 31), true), CHECK_PROBLEM);
	assert_int_equal(issued_state(x, day, D(2025, 12, 2), true), CHECK_PROBLEM);
	/* no issue date: an answer the check needs, as the language */
	assert_int_equal(issued_state(x, day, 0, false), CHECK_MISSING);
	/* month ends: valid for 6 months from its issue, a certificate of
	 * 02-28 runs until 08-28; for 08-29 to 08-31 it must be of 03-01 or
	 * later (in a leap year 02-29 runs until 08-29) */
	assert_int_equal(issued_state(x, D(2025, 8, 28), D(2025, 2, 28), true), CHECK_OK);
	assert_int_equal(issued_state(x, D(2025, 8, 29), D(2025, 2, 28), true), CHECK_PROBLEM);
	assert_int_equal(issued_state(x, D(2025, 8, 31), D(2025, 2, 28), true), CHECK_PROBLEM);
	assert_int_equal(issued_state(x, D(2025, 8, 31), D(2025, 3, 1), true), CHECK_OK);
	assert_int_equal(issued_state(x, D(2028, 8, 29), D(2028, 2, 29), true), CHECK_OK);
	assert_int_equal(issued_state(x, D(2028, 8, 30), D(2028, 2, 29), true), CHECK_PROBLEM);
	assert_int_equal(issued_state(x, D(2025, 9, 30), D(2025, 3, 31), true), CHECK_OK);
	assert_int_equal(issued_state(x, D(2025, 3, 31), D(2024, 9, 30), true), CHECK_PROBLEM);
	assert_int_equal(issued_state(x, D(2025, 3, 31), D(2024, 10, 1), true), CHECK_OK);
}

static void test_issued_month_end_message(void **state)
{
	struct fx *x = *state;

	issued_state(x, D(2026, 8, 31), D(2026, 2, 28), true);
	assert_string_equal(x->cl.items[0].why,
		"'medical-certificate-anna.pdf' was issued 2026-02-28, more than 6 months "
		"before the application date 2026-08-31: it must be issued on or after 2026-03-01");
}

static void test_issued_messages(void **state)
{
	struct fx *x = *state;
	date_t day = D(2025, 12, 1);

	issued_state(x, day, D(2025, 5, 31), true);
	assert_string_equal(x->cl.items[0].why,
		"'medical-certificate-anna.pdf' was issued 2025-05-31, more than 6 months "
		"before the application date 2025-12-01: it must be issued on or after 2025-06-01");
	assert_string_equal(x->cl.items[0].source, "Notice III(II) item");
	issued_state(x, day, D(2025, 12, 2), true);
	assert_string_equal(x->cl.items[0].why,
		"'medical-certificate-anna.pdf' is dated 2025-12-02, after the application "
		"date 2025-12-01");
	issued_state(x, day, 0, false);
	assert_contains(x->cl.items[0].why, "has no issue date");
	assert_contains(x->cl.items[0].why, "2025-06-01 to 2025-12-01");
}

/* ---- covers the N years before ---- */

static struct document *tax_doc(struct fx *x, const char *file, month_t from, month_t to)
{
	struct document *d = add_doc(x, "tax_certificates", file);

	d->has_covers = true;
	d->covers_from = from;
	d->covers_to = to;
	return d;
}

static void tax_slot(struct fx *x)
{
	x->pol.nslots = 0;
	x->app.ndocuments = 0;
	add_slot(x, "tax_certificates", "Individual tax certificates", SLOT_REQUIRED)
		->covers_years_before = 4;
}

static void test_covers_exact_window(void **state)
{
	struct fx *x = *state;

	/* application 2025-12-01: the 48 months 2021-12 .. 2025-11 */
	tax_slot(x);
	tax_doc(x, "tax-certificate-2021-2025.pdf", M(2021, 12), M(2025, 11));
	assert_int_equal(run(x)[0].state, CHECK_OK);
	tax_slot(x);
	tax_doc(x, "tax-certificate-2021-2025.pdf", M(2020, 1), M(2025, 12));
	assert_int_equal(run(x)[0].state, CHECK_OK);
}

static void test_covers_first_month_missing(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	tax_slot(x);
	tax_doc(x, "tax-certificate-2022-2025.pdf", M(2022, 1), M(2025, 11));
	it = run(x);
	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_string_equal(it[0].why,
		"'tax-certificate-2022-2025.pdf' does not cover 2021-12: the individual tax "
		"certificates must cover every month of the 4 years before the application "
		"date, 2021-12 to 2025-11");
}

static void test_covers_last_month_missing(void **state)
{
	struct fx *x = *state;

	tax_slot(x);
	tax_doc(x, "tax-certificate-2021-2025.pdf", M(2021, 12), M(2025, 10));
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	assert_contains(x->cl.items[0].why, "does not cover 2025-11:");
}

static void test_covers_united_over_documents(void **state)
{
	struct fx *x = *state;

	tax_slot(x);
	tax_doc(x, "tax-certificate-2021-2023.pdf", M(2021, 12), M(2023, 11));
	tax_doc(x, "tax-certificate-2023-2025.pdf", M(2023, 12), M(2025, 11));
	assert_int_equal(run(x)[0].state, CHECK_OK);
}

static void test_covers_gaps_named(void **state)
{
	struct fx *x = *state;

	tax_slot(x);
	tax_doc(x, "tax-certificate-a.pdf", M(2021, 12), M(2023, 3));
	tax_doc(x, "tax-certificate-b.pdf", M(2023, 7), M(2024, 12));
	tax_doc(x, "tax-certificate-c.pdf", M(2025, 2), M(2025, 11));
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	assert_contains(x->cl.items[0].why, "the files ('tax-certificate-a.pdf', "
			"'tax-certificate-b.pdf', 'tax-certificate-c.pdf') do not cover "
			"2023-04 to 2023-06 and 2025-01:");
}

static void test_covers_not_given(void **state)
{
	struct fx *x = *state;

	tax_slot(x);
	add_doc(x, "tax_certificates", "tax-certificate-2021-2025.pdf");
	/* an answer the check needs, as the language: missing, not a problem */
	assert_int_equal(run(x)[0].state, CHECK_MISSING);
	assert_contains(x->cl.items[0].why, "'tax-certificate-2021-2025.pdf' does not say "
			"which months it covers");
	assert_contains(x->cl.items[0].why, "2021-12 to 2025-11");
}

/* ---- resume from age N ---- */

static void resume_slot(struct fx *x, bool uploaded)
{
	add_slot(x, "resume", "Resume", SLOT_REQUIRED)->resume_from_age = 18;
	if (uploaded)
		add_doc(x, "resume", "resume-anna-example.pdf");
	x->app.applicant.has_birth_date = true;
	x->app.applicant.birth_date = D(1984, 5, 17); /* 18 in 2002-05 */
}

static void test_resume_consecutive_ok(void **state)
{
	struct fx *x = *state;

	resume_slot(x, true);
	add_resume(x, M(2002, 5), M(2006, 7), false);
	add_resume(x, M(2006, 6), M(2015, 1), false); /* overlap is fine */
	add_resume(x, M(2015, 2), 0, true);
	assert_int_equal(run(x)[0].state, CHECK_OK);
	assert_true(x->cl.complete);
}

static void test_resume_gap_named(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	resume_slot(x, true);
	add_resume(x, M(2002, 5), M(2009, 7), false);
	add_resume(x, M(2010, 2), 0, true);
	it = run(x);
	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_string_equal(it[0].why,
		"no entry covers 2009-08 to 2010-01: the resume must be consecutive month by "
		"month from age 18 (2002-05) to now (2025-12)");
	assert_string_equal(it[0].source, "Notice III(II) item");
}

static void test_resume_boundaries(void **state)
{
	struct fx *x = *state;

	/* starts one month late */
	resume_slot(x, true);
	add_resume(x, M(2002, 6), 0, true);
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	assert_contains(x->cl.items[0].why, "no entry covers 2002-05:");
	/* starts earlier: fine */
	x->resume[0].from = M(2001, 9);
	assert_int_equal(run(x)[0].state, CHECK_OK);
	/* ends the month before the application month */
	x->resume[0].to_present = false;
	x->resume[0].to = M(2025, 11);
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	assert_contains(x->cl.items[0].why, "no entry covers 2025-12:");
	/* "to" the application month is "now" */
	x->resume[0].to = M(2025, 12);
	assert_int_equal(run(x)[0].state, CHECK_OK);
}

static void test_resume_several_gaps(void **state)
{
	struct fx *x = *state;

	resume_slot(x, true);
	add_resume(x, M(2002, 5), M(2003, 1), false);
	add_resume(x, M(2004, 1), M(2005, 1), false);
	add_resume(x, M(2006, 1), M(2025, 1), false);
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	assert_contains(x->cl.items[0].why, "no entry covers 2003-02 to 2003-12, "
			"2005-02 to 2005-12 and 2025-02 to 2025-12:");
	/* past CHECK_NOTE_GAPS gaps: the first ones named, the rest counted */
	x->resume[2].to = M(2010, 1);
	add_resume(x, M(2011, 1), M(2015, 1), false);
	add_resume(x, M(2016, 1), M(2025, 12), false);
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	assert_contains(x->cl.items[0].why, "no entry covers 2003-02 to 2003-12, "
			"2005-02 to 2005-12, 2010-02 to 2010-12 (and 1 more gap):");
}

static void test_resume_needs_birth_date(void **state)
{
	struct fx *x = *state;

	resume_slot(x, true);
	x->app.applicant.has_birth_date = false;
	add_resume(x, M(2002, 5), 0, true);
	assert_int_equal(run(x)[0].state, CHECK_MISSING);
	assert_contains(x->cl.items[0].why, "birth date is needed");
	assert_contains(x->cl.items[0].why, "applicant.birth_date");
	assert_false(x->cl.complete);
}

static void test_resume_no_entries(void **state)
{
	struct fx *x = *state;

	resume_slot(x, true);
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	assert_contains(x->cl.items[0].why, "the resume has no entries");
	assert_contains(x->cl.items[0].why, "2002-05");
}

static void test_resume_absent_missing_with_gap(void **state)
{
	struct fx *x = *state;

	resume_slot(x, false);
	add_resume(x, M(2002, 5), M(2009, 7), false);
	add_resume(x, M(2010, 2), 0, true);
	assert_int_equal(run(x)[0].state, CHECK_MISSING);
	assert_string_equal(x->cl.items[0].why,
		"Upload the resume as PDF; no entry covers 2009-08 to 2010-01: the resume must "
		"be consecutive month by month from age 18 (2002-05) to now (2025-12)");
}

static void test_resume_too_young_nothing_to_cover(void **state)
{
	struct fx *x = *state;

	resume_slot(x, true);
	x->app.applicant.birth_date = D(2008, 1, 1); /* 18 in 2026-01 */
	assert_int_equal(run(x)[0].state, CHECK_OK);
	/* turning 18 in the application month: that one month must be covered */
	x->app.applicant.birth_date = D(2007, 12, 20);
	assert_int_equal(run(x)[0].state, CHECK_PROBLEM);
	add_resume(x, M(2025, 12), 0, true);
	assert_int_equal(run(x)[0].state, CHECK_OK);
}

/* ---- application window ---- */

static enum check_state window_state(struct fx *x, date_t day)
{
	x->pol.has_window = true;
	x->pol.window_opens = D(2025, 11, 27);
	x->pol.window_closes = D(2026, 1, 16);
	x->pol.window_source = "Notice IV: Application Period";
	x->app.date = day;
	return run(x)[x->cl.nitems - 1].state;
}

static void test_window_boundaries(void **state)
{
	struct fx *x = *state;

	assert_int_equal(window_state(x, D(2025, 11, 27)), CHECK_OK);
	assert_int_equal(window_state(x, D(2026, 1, 16)), CHECK_OK);
	assert_true(x->cl.complete);
	assert_string_equal(x->cl.items[0].source, "Notice IV: Application Period");
	assert_int_equal(window_state(x, D(2025, 11, 26)), CHECK_PROBLEM);
	assert_string_equal(x->cl.items[0].why,
			    "the 2025 window is 2025-11-27 to 2026-01-16; 2025-11-26 is before it opens");
	assert_false(x->cl.complete);
	assert_int_equal(window_state(x, D(2026, 1, 17)), CHECK_PROBLEM);
}

static void test_window_closed_message(void **state)
{
	struct fx *x = *state;

	assert_int_equal(window_state(x, D(2026, 2, 1)), CHECK_PROBLEM);
	assert_string_equal(x->cl.items[0].slot, "application_window");
	assert_string_equal(x->cl.items[0].why,
			    "the 2025 window is 2025-11-27 to 2026-01-16; 2026-02-01 is after it closes");
}

static void test_no_window_no_item(void **state)
{
	struct fx *x = *state;

	add_slot(x, "passport", "Passport", SLOT_OPTIONAL);
	run(x);
	assert_int_equal(x->cl.nitems, 1);
	assert_string_equal(x->cl.items[0].slot, "passport");
}

/* ---- input errors ---- */

static void test_unknown_slot_is_an_input_error(void **state)
{
	struct fx *x = *state;
	struct document *d;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_slot(x, "work_permit", "Work permit", SLOT_REQUIRED);
	add_doc(x, "passport", "passport-anna-example.pdf");
	d = add_doc(x, "passprot", "passport-anna-example.pdf");
	d->pos = (struct srcpos){42, 7};
	derive(x);
	facts_init(&x->f, &x->app, NULL);
	assert_false(checklist_compute(&x->pol, &x->f, &x->a, &x->cl, &x->err));
	assert_string_equal(x->err.path, "documents[1].slot");
	assert_int_equal(x->err.pos.line, 42);
	assert_int_equal(x->err.pos.col, 7);
	assert_string_equal(x->err.reason, "\"passprot\" is not a document slot of two-zones; "
			    "valid slots: passport, work_permit");
	assert_int_equal(x->cl.nitems, 0);
	assert_null(x->cl.items);
}

static void test_window_is_not_a_document_slot(void **state)
{
	struct fx *x = *state;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	x->pol.has_window = true;
	add_doc(x, "application_window", "window.pdf");
	derive(x);
	facts_init(&x->f, &x->app, NULL);
	assert_false(checklist_compute(&x->pol, &x->f, &x->a, &x->cl, &x->err));
	assert_string_equal(x->err.path, "documents[0].slot");
}

static void test_document_without_slot(void **state)
{
	struct fx *x = *state;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_doc(x, NULL, "passport-anna-example.pdf");
	derive(x);
	facts_init(&x->f, &x->app, NULL);
	assert_false(checklist_compute(&x->pol, &x->f, &x->a, &x->cl, &x->err));
	assert_string_equal(x->err.path, "documents[0].slot");
	assert_contains(x->err.reason, "valid slots of two-zones: passport");
}

/* Every allocation may fail: each failure is "out of memory", never a
 * crash or a half-filled checklist, and enough memory always succeeds. */
static void test_out_of_memory(void **state)
{
	struct fx *x = *state;
	const char *want[4];
	bool ok = false;

	resume_slot(x, true);
	add_resume(x, M(2002, 5), M(2009, 7), false);
	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_doc(x, "passport", "scan001.jpg")->language = "en";
	tax_doc(x, "tax.pdf", M(2022, 1), M(2025, 11));
	x->slots[x->pol.nslots++] = (struct doc_slot){.id = "tax_certificates", .name = "Tax",
		.source = "src", .need = SLOT_REQUIRED, .covers_years_before = 4};
	x->pol.has_window = true;
	run(x); /* the words with memory enough */
	for (size_t i = 0; i < 4; i++)
		want[i] = x->cl.items[i].why;
	for (size_t limit = 16; limit < 200000 && !ok; limit += 16) {
		struct arena a;

		arena_init(&a, limit);
		memset(&x->err, 0, sizeof x->err);
		ok = checklist_compute(&x->pol, &x->f, &a, &x->cl, &x->err);
		if (!ok) {
			assert_string_equal(x->err.reason, "out of memory");
			assert_string_equal(x->err.path, "");
			assert_null(x->cl.items);
			assert_int_equal(x->cl.nitems, 0);
		} else {
			assert_int_equal(x->cl.nitems, 4);
			assert_int_equal(x->cl.items[0].state, CHECK_PROBLEM);
			assert_int_equal(x->cl.items[1].state, CHECK_PROBLEM);
			assert_int_equal(x->cl.items[2].state, CHECK_PROBLEM);
			/* writing the words may run out too: then it says so */
			ok = checklist_texts(&x->pol, &x->f, &x->cl, &a);
			for (size_t i = 0; ok && i < 4; i++)
				assert_string_equal(x->cl.items[i].why, want[i]);
		}
		arena_release(&a);
	}
	assert_true(ok);
}

/* ---- what checklist_derive() works out once ---- */

static void test_derive_rules(void **state)
{
	struct fx *x = *state;
	static const char *types[] = {".PDF", "Png", ""};
	static const char *generic[] = {"scan", "IMG", "image", "", "扫描件"};
	const struct doc_rules *r = &x->pol.docrules;
	size_t seen = 0;

	x->pol.docrules.file_types = types;
	x->pol.docrules.nfile_types = 3;
	x->pol.docrules.generic_names = generic;
	x->pol.docrules.ngeneric_names = 5;
	derive(x);
	assert_true(r->derived);
	/* the types without their dot, lowered, measured */
	assert_string_equal(r->type_exts[0], "pdf");
	assert_string_equal(r->type_exts[1], "png");
	assert_string_equal(r->type_exts[2], "");
	assert_int_equal(r->type_lens[0], 3);
	assert_int_equal(r->type_lens[2], 0);
	/* the generic names by first byte, lowered; "" apart */
	assert_true(r->generic_empty);
	assert_int_equal(r->generic_at[256], 4);
	assert_int_equal(r->generic_at['i' + 1] - r->generic_at['i'], 2);
	for (size_t i = r->generic_at['i']; i < r->generic_at['i' + 1]; i++) {
		assert_int_equal(r->generic_sorted_lens[i], strlen(r->generic_sorted[i]));
		seen += strcmp(r->generic_sorted[i], "img") == 0 ||
			strcmp(r->generic_sorted[i], "image") == 0;
	}
	assert_int_equal(seen, 2);
	assert_int_equal(r->generic_at['s' + 1] - r->generic_at['s'], 1);
	assert_string_equal(r->generic_sorted[r->generic_at['s']], "scan");
	assert_int_equal(r->generic_at[0xE6 + 1] - r->generic_at[0xE6], 1); /* 扫 */
	assert_int_equal(r->generic_at['x' + 1] - r->generic_at['x'], 0);
	/* the window's words before the date, with or without a window */
	assert_string_equal(r->window_head, "the 2025 window is 1970-01-01 to 1970-01-01; ");
	assert_int_equal(r->window_head_len, strlen(r->window_head));
}

static void test_derive_file_rules(void **state)
{
	struct fx *x = *state;
	static const char *types[] = {".PDF"};
	static const char *generic[] = {"IMG", ""};
	struct doc_rules r = name_rules(x, 4);

	/* as the policy writes them: a dot, capitals */
	r.file_types = types;
	r = derive_rules(x, r);
	assert_true(checklist_type_accepted(&r, "passport.pdf"));
	assert_true(checklist_type_accepted(&r, "passport.PdF"));
	assert_false(checklist_type_accepted(&r, "passport.png"));
	/* a generic name in capitals, and "" (only digits and separators) */
	r.generic_names = generic;
	r.ngeneric_names = 2;
	r = derive_rules(x, r);
	assert_false(checklist_name_descriptive(&r, "img_0001.pdf"));
	assert_false(checklist_name_descriptive(&r, "IMG (2).pdf"));
	assert_true(checklist_name_descriptive(&r, "img-passport.pdf"));
	assert_true(checklist_name_descriptive(&r, "scan001.pdf")); /* not generic here */
	/* a directory part: the base name is what counts */
	assert_false(checklist_name_descriptive(&r, "passport/IMG_1.pdf"));
	assert_true(checklist_name_descriptive(&r, "img\\passport.pdf"));
}

static void test_derive_slots(void **state)
{
	struct fx *x = *state;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_slot(x, "honours", "Honours", SLOT_OPTIONAL);
	add_former_citizen_slot(x);
	resume_slot(x, true);
	add_slot(x, "education_proof", "Education proof", SLOT_DEFERRABLE);
	derive(x);
	for (size_t i = 0; i < x->pol.nslots; i++)
		assert_int_equal(x->slots[i].id_len, strlen(x->slots[i].id));
	/* the conditional slot and the resume look at the application */
	assert_false(x->slots[0].busy);
	assert_false(x->slots[1].busy);
	assert_true(x->slots[2].busy);
	assert_true(x->slots[3].busy);
	assert_false(x->slots[4].busy);
	assert_int_equal(x->pol.docrules.nbusy_slots, 2);
	assert_int_equal(x->pol.docrules.busy_slots[0], 2);
	assert_int_equal(x->pol.docrules.busy_slots[1], 3);
	/* each slot's item with nothing uploaded */
	assert_int_equal(x->pol.docrules.idle_items[0].state, CHECK_MISSING);
	assert_int_equal(x->pol.docrules.idle_items[1].state, CHECK_OPTIONAL);
	assert_int_equal(x->pol.docrules.idle_items[4].state, CHECK_LATER);
	assert_ptr_equal(x->pol.docrules.idle_items[4].def, &x->slots[4]);
	assert_string_equal(x->pol.docrules.idle_items[4].slot, "education_proof");
	assert_int_equal(x->pol.docrules.idle_missing, 1); /* the passport */
}

/* Slot ids alike in length and first and last letters share a place in
 * the table of ids: each document still lands in its own slot. */
static void test_slot_ids_alike(void **state)
{
	struct fx *x = *state;
	static const char *ids[] = {"a1z", "a2z", "a3z", "a4z", "a5z", "a6z", "a7z", "a8z"};
	static const char *files[] = {"one-a.pdf", "two-a.pdf", "three.pdf", "four.pdf",
				      "five.pdf", "six-a.pdf", "seven.pdf", "eight.pdf"};
	const struct check_item *it;

	for (size_t i = 0; i < 8; i++)
		add_slot(x, ids[i], ids[i], SLOT_REQUIRED);
	for (size_t i = 8; i-- > 0;)
		if (i != 3)
			add_doc(x, ids[i], files[i]);
	it = run(x);
	for (size_t i = 0; i < 8; i++) {
		if (i == 3) {
			assert_int_equal(it[i].state, CHECK_MISSING);
			assert_int_equal(it[i].nuploads, 0);
			continue;
		}
		assert_int_equal(it[i].state, CHECK_OK);
		assert_int_equal(it[i].nuploads, 1);
		assert_string_equal(it[i].uploads[0]->file, files[i]);
	}
	x->docs[0].slot = "a9z";
	derive(x);
	facts_init(&x->f, &x->app, NULL);
	assert_false(checklist_compute(&x->pol, &x->f, &x->a, &x->cl, &x->err));
	assert_string_equal(x->err.path, "documents[0].slot");
}

/* An item lists its slot's uploads in document order, and only those with
 * a file; the first document that names no slot is the one reported. */
static void test_item_uploads(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_slot(x, "honours", "Honours", SLOT_OPTIONAL);
	add_doc(x, "honours", "award-2021.pdf");
	add_doc(x, "passport", "passport-main-page.pdf");
	add_doc(x, "passport", NULL);
	add_doc(x, "honours", "award-2023.pdf");
	add_doc(x, "passport", "passport-visa-page.pdf");
	it = run(x);
	assert_int_equal(it[0].nuploads, 2);
	assert_ptr_equal(it[0].uploads[0], &x->docs[1]);
	assert_ptr_equal(it[0].uploads[1], &x->docs[4]);
	assert_int_equal(it[1].nuploads, 2);
	assert_ptr_equal(it[1].uploads[0], &x->docs[0]);
	assert_ptr_equal(it[1].uploads[1], &x->docs[3]);
	assert_string_equal(it[1].why, "uploaded: 'award-2021.pdf', 'award-2023.pdf'");
	x->docs[2].slot = "pasport";
	x->docs[3].slot = "honors";
	facts_init(&x->f, &x->app, NULL);
	assert_false(checklist_compute(&x->pol, &x->f, &x->a, &x->cl, &x->err));
	assert_string_equal(x->err.path, "documents[2].slot");
}

/* The items of slots without uploads come from the policy: what one
 * application uploads does not change them for the next. */
static void test_idle_items_stay(void **state)
{
	struct fx *x = *state;
	const struct check_item *it;

	add_slot(x, "passport", "Passport", SLOT_REQUIRED);
	add_slot(x, "honours", "Honours", SLOT_OPTIONAL);
	add_doc(x, "passport", "scan001.pdf");
	add_doc(x, "honours", "award-2021.pdf");
	it = run(x);
	assert_int_equal(it[0].state, CHECK_PROBLEM);
	assert_int_equal(it[1].state, CHECK_OK);
	assert_false(x->cl.complete);
	x->app.ndocuments = 0;
	facts_init(&x->f, &x->app, NULL);
	assert_true(checklist_compute(&x->pol, &x->f, &x->a, &x->cl, &x->err));
	it = x->cl.items;
	assert_int_equal(it[0].state, CHECK_MISSING);
	assert_null(it[0].notes);
	assert_int_equal(it[0].nuploads, 0);
	assert_int_equal(it[1].state, CHECK_OPTIONAL);
	assert_false(x->cl.complete);
	x->slots[0].need = SLOT_OPTIONAL;
	it = run(x);
	assert_int_equal(it[0].state, CHECK_OPTIONAL);
	assert_true(x->cl.complete);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_state_names),
		T(test_required_absent_is_missing),
		T(test_optional_absent),
		T(test_deferrable_absent_is_later),
		T(test_deferrable_present_is_checked),
		T(test_complete_with_ok_optional_later_not_needed),
		T(test_items_in_policy_order_window_last),
		T(test_ok_document),
		T(test_document_without_file_is_not_an_upload),
		T(test_conditional_true_is_required),
		T(test_conditional_true_present_ok),
		T(test_conditional_false_not_needed),
		T(test_conditional_false_with_upload_not_needed),
		T(test_conditional_unknown_names_the_answer),
		T(test_conditional_unknown_but_uploaded_is_checked),
		T(test_file_type_pdf_any_case),
		T(test_file_type_rejected),
		T(test_file_type_edge_names),
		T(test_generic_name_rename_hint),
		T(test_rename_hint_without_applicant_name),
		T(test_names_not_descriptive),
		T(test_names_descriptive),
		T(test_names_generic_words_together),
		T(test_three_letters_boundary),
		T(test_foreign_language_untranslated),
		T(test_language_cases),
		T(test_language_unsaid_message),
		T(test_pictures_have_no_language),
		T(test_all_problems_joined),
		T(test_two_documents_both_checked),
		T(test_issued_boundaries),
		T(test_issued_month_end_message),
		T(test_issued_messages),
		T(test_covers_exact_window),
		T(test_covers_first_month_missing),
		T(test_covers_last_month_missing),
		T(test_covers_united_over_documents),
		T(test_covers_gaps_named),
		T(test_covers_not_given),
		T(test_resume_consecutive_ok),
		T(test_resume_gap_named),
		T(test_resume_boundaries),
		T(test_resume_several_gaps),
		T(test_resume_needs_birth_date),
		T(test_resume_no_entries),
		T(test_resume_absent_missing_with_gap),
		T(test_resume_too_young_nothing_to_cover),
		T(test_window_boundaries),
		T(test_window_closed_message),
		T(test_no_window_no_item),
		T(test_unknown_slot_is_an_input_error),
		T(test_window_is_not_a_document_slot),
		T(test_document_without_slot),
		T(test_out_of_memory),
		T(test_derive_rules),
		T(test_derive_file_rules),
		T(test_derive_slots),
		T(test_slot_ids_alike),
		T(test_item_uploads),
		T(test_idle_items_stay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
