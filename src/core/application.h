/* application.h - one application, as the core sees it (formats.md,
 * `yingcai-application/1`).
 *
 * Plain data filled by a reader (src/format/appfile.c) or by the portal; the
 * core only reads it.  Every optional fact has a way to say "absent": a NULL
 * string, TRI_UNKNOWN, or `set == false`.  Absent is never zero: a factor
 * whose fact is absent is `not-provided`.  Strings are NUL-terminated and
 * owned by whoever built the struct (usually an arena).  Enumerated strings
 * (education, position, ...) have already been checked against formats.md.
 * `pos` fields remember where in the source file a value was, so that
 * errors the core finds later can still name line and column.
 */
#ifndef YC_APPLICATION_H
#define YC_APPLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "points.h"

enum tri { TRI_UNKNOWN = 0, TRI_FALSE, TRI_TRUE };

struct srcpos {
	uint32_t line, col; /* 1-based; 0 when unknown */
};

struct opt_num {
	bool set;
	int64_t v; /* whole units (CNY, years, count) */
};

struct qualification {
	const char *id;
	const char *status; /* verified | pending | unverifiable | revoked */
	struct srcpos pos;
};

struct resume_entry {
	month_t from, to; /* inclusive */
	bool to_present;  /* `to` was "present": runs to the application month */
	const char *what;
	struct srcpos pos;
};

struct document {
	const char *slot;
	const char *file;     /* NULL when absent */
	const char *language; /* ISO 639-1; NULL when absent */
	enum tri translated;
	bool has_issued;
	date_t issued;
	bool has_covers;
	month_t covers_from, covers_to;
	struct srcpos pos;
};

struct expert_score {
	const char *factor; /* a judged factor id of the programme */
	points_t points;
	struct srcpos pos;  /* of the key (the factor id) */
	struct srcpos vpos; /* of the value (the points) */
};

struct expert {
	const char *id;
	struct expert_score *scores;
	size_t nscores;
	struct srcpos pos;
};

struct applicant {
	const char *name;
	bool has_birth_date;
	date_t birth_date;
	struct srcpos birth_date_pos;
	const char *nationality;
	const char *education;           /* junior-college | bachelor | master | doctorate */
	const char *position;            /* chief | director | deputy-director | team-lead | other */
	const char *title;               /* senior | associate-senior | intermediate | none */
	const char *employer_visibility; /* fortune-500 | qs-top-200 | listed | ... */
	const char *social_duty;         /* international | national | municipal | none */
	enum tri leads_major_project;
	enum tri urgent_field;
	enum tri former_chinese_citizen;
	enum tri intl_vocational_certificate;
	enum tri board_director;
	enum tri leads_rd_team;
	struct opt_num years_professional_work;
	struct opt_num years_in_china;
	struct opt_num annual_salary_cny;
	struct opt_num months_in_china_per_year;
	bool has_shareholding;
	points_t shareholding_percent; /* hundredths of a percent */
	bool has_qualifications;
	struct qualification *qualifications;
	size_t nqualifications;
	bool has_resume;
	struct resume_entry *resume;
	size_t nresume;
};

struct enterprise {
	const char *uscc;
	const char *name;
	enum tri key_entity;
	const char *sector; /* science-technology | ... | other */
	struct opt_num revenue_last_year_cny;
	struct opt_num corporate_tax_last_year_cny;
	struct opt_num jobs;
	enum tri penalties_last_two_years;
	bool has_conditions;
	const char **conditions; /* urgent measures' condition ids */
	size_t nconditions;
	enum tri high_end_industry;
	enum tri real_estate;
	enum tri zgc_registered;
	enum tri zgc_high_tech;
	enum tri employer_211_or_first_batch;
	enum tri beijing_registered_and_taxed; /* urgent: registered in and pays tax in Beijing */
};

struct application {
	const char *programme; /* two-zones | zgc | urgent */
	const char *track;     /* zgc: startup | technical; else NULL */
	date_t date;           /* the application date */
	struct srcpos date_pos;
	struct srcpos pos;     /* where the application starts */
	struct applicant applicant;
	struct enterprise enterprise;
	struct expert *experts;
	size_t nexperts;
	bool has_documents;
	struct document *documents;
	size_t ndocuments;
};

#endif
