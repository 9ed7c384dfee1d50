/* load.c - see load.h.  Files and directories, and the bundle: each file
 * is parsed and checked on its own (yaml.c ... tables.c) and added to the
 * bundle only when it has no error, so the bundle is always consistent;
 * the bundle's arrays stay sorted as policy.h promises.  Cross-file checks
 * run last (policy_validate_bundle).
 */
#include "internal.h"
#include "policy/load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_FILE_MAX (4u << 20)   /* bytes; policy files are small */
#define SCRATCH_LIMIT ((size_t)256 << 20)

static const char *const kinds[] = {
	"calendar", "wages", "catalog", "two-zones", "zgc", "urgent"};

/* ---- adding to the bundle -------------------------------------------- */

static bool programme_before(const struct programme_policy *x,
		const struct programme_policy *y)
{
	int c = strcmp(x->programme, y->programme);

	return c < 0 || (c == 0 && x->in_force_from < y->in_force_from);
}

static bool add_programme(struct arena *a, struct policy_bundle *b,
		const struct programme_policy *p)
{
	struct programme_policy *v = arena_array(a, b->nprogrammes + 1, sizeof *v);
	size_t at = 0;

	if (!v)
		return false;
	while (at < b->nprogrammes && programme_before(&b->programmes[at], p))
		at++;
	if (at)
		memcpy(v, b->programmes, at * sizeof *v);
	v[at] = *p;
	if (b->nprogrammes > at)
		memcpy(v + at + 1, b->programmes + at, (b->nprogrammes - at) * sizeof *v);
	b->programmes = v;
	b->nprogrammes++;
	return true;
}

static int cmp_wage(const void *x, const void *y)
{
	date_t a = ((const struct wage *)x)->in_force_from, b = ((const struct wage *)y)->in_force_from;

	return (a > b) - (a < b);
}

static bool add_wages(struct arena *a, struct policy_bundle *b,
		const struct wage *w, size_t n)
{
	struct wage *v = arena_array(a, b->nwages + n ? b->nwages + n : 1, sizeof *v);

	if (!v)
		return false;
	if (b->nwages)
		memcpy(v, b->wages, b->nwages * sizeof *v);
	if (n)
		memcpy(v + b->nwages, w, n * sizeof *v);
	b->wages = v;
	b->nwages += n;
	qsort(b->wages, b->nwages, sizeof *v, cmp_wage);
	return true;
}

static bool add_catalog(struct arena *a, struct policy_bundle *b, const struct catalog *c)
{
	struct catalog *v = arena_array(a, b->ncatalogs + 1, sizeof *v);
	size_t at = 0;

	if (!v)
		return false;
	while (at < b->ncatalogs && b->catalogs[at].in_force_from < c->in_force_from)
		at++;
	if (at)
		memcpy(v, b->catalogs, at * sizeof *v);
	v[at] = *c;
	if (b->ncatalogs > at)
		memcpy(v + at + 1, b->catalogs + at, (b->ncatalogs - at) * sizeof *v);
	b->catalogs = v;
	b->ncatalogs++;
	return true;
}

/* merge_days: the sorted union of two sorted arrays. */
static bool merge_days(struct arena *a, date_t **days, size_t *n,
		const date_t *add, size_t nadd)
{
	date_t *v = arena_array(a, *n + nadd ? *n + nadd : 1, sizeof *v);
	size_t i = 0, j = 0, k = 0;

	if (!v)
		return false;
	while (i < *n || j < nadd) {
		if (j == nadd || (i < *n && (*days)[i] <= add[j]))
			v[k++] = (*days)[i++];
		else
			v[k++] = add[j++];
	}
	*days = v;
	*n = k;
	return true;
}

static bool add_calendar(struct arena *a, struct policy_bundle *b, const struct calendar *c)
{
	struct calendar *cal = &b->calendar;
	struct calendar_year *y = arena_array(a, cal->nyears + 1, sizeof *y);
	size_t at = 0;

	if (!y)
		return false;
	while (at < cal->nyears && cal->years[at].year < c->years[0].year)
		at++;
	if (at)
		memcpy(y, cal->years, at * sizeof *y);
	y[at] = c->years[0];
	if (cal->nyears > at)
		memcpy(y + at + 1, cal->years + at, (cal->nyears - at) * sizeof *y);
	cal->years = y;
	cal->nyears++;
	return merge_days(a, &cal->days_off, &cal->ndays_off, c->days_off, c->ndays_off) &&
	       merge_days(a, &cal->working_days, &cal->nworking_days, c->working_days,
			  c->nworking_days);
}

/* ---- one document ---------------------------------------------------- */

/* load_root: parse root as a file of `kind` and add it to the bundle when
 * it has no error at all (some checks report without failing the parse). */
static bool load_root(struct pctx *c, const char *kind, const struct ynode *root,
		struct policy_bundle *out)
{
	int before = c->nerrors;

	if (strcmp(kind, "wages") == 0) {
		struct wage *w = NULL;
		size_t n = 0;
		return parse_wages(c, root, out, &w, &n) && c->nerrors == before &&
		       add_wages(c->a, out, w, n);
	}
	if (strcmp(kind, "catalog") == 0) {
		struct catalog cat;
		memset(&cat, 0, sizeof cat);
		return parse_catalog(c, root, out, &cat) && c->nerrors == before &&
		       add_catalog(c->a, out, &cat);
	}
	if (strcmp(kind, "calendar") == 0) {
		struct calendar cal;
		memset(&cal, 0, sizeof cal);
		return parse_calendar(c, root, out, &cal) && c->nerrors == before &&
		       add_calendar(c->a, out, &cal);
	}
	for (size_t i = 3; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kind, kinds[i]) == 0) {
			struct programme_policy p;
			memset(&p, 0, sizeof p);
			return parse_programme(c, kinds[i], root, out, &p) &&
			       c->nerrors == before && add_programme(c->a, out, &p);
		}
	}
	perr(c, NULL, "unknown kind of policy file '%s' (expected calendar, wages, catalog, "
	     "two-zones, zgc or urgent)", kind);
	return false;
}

int policy_load_buffer(const char *kind, const char *name, const char *text,
		size_t len, struct arena *a, struct policy_bundle *out,
		struct strbuf *errors)
{
	struct arena tmp;
	struct pctx c;
	struct ynode *root;

	arena_init(&tmp, SCRATCH_LIMIT);
	memset(&c, 0, sizeof c);
	c.file = name;
	c.errors = errors;
	c.a = a;
	c.tmp = &tmp;
	root = yaml_parse(&c, text, len);
	if (root && !load_root(&c, kind, root, out) && c.nerrors == 0)
		perr(&c, NULL, "out of memory while loading the file");
	if (root && (a->failed || tmp.failed) && c.nerrors == 0)
		perr(&c, NULL, "out of memory while loading the file");
	arena_release(&tmp);
	return c.nerrors;
}

/* ---- the directory --------------------------------------------------- */

static int file_error(struct strbuf *errors, const char *path, const char *what)
{
	strbuf_addf(errors, "%s: %s: %s\n", path, what, strerror(errno));
	return 1;
}

static int load_file(const char *kind, const char *path, struct arena *a,
		struct policy_bundle *out, struct strbuf *errors)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *name;
	size_t len = 0, cap = 0;
	int n;

	if (!f)
		return file_error(errors, path, "cannot open");
	for (;;) {
		size_t got;
		if (len == cap) {
			char *nb;
			if (cap >= POLICY_FILE_MAX) {
				fclose(f);
				free(buf);
				strbuf_addf(errors, "%s: larger than %u bytes, not a policy file\n",
					    path, POLICY_FILE_MAX);
				return 1;
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return file_error(errors, path, "cannot read");
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		n = file_error(errors, path, "cannot read");
		fclose(f);
		free(buf);
		return n;
	}
	fclose(f);
	name = arena_strdup(a, path); /* the bundle keeps the file name */
	if (!name) {
		free(buf);
		strbuf_addf(errors, "%s: out of memory\n", path);
		return 1;
	}
	n = policy_load_buffer(kind, name, buf ? buf : "", len, a, out, errors);
	free(buf);
	return n;
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool is_yaml(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* load_kind: every .yaml file of <dir>/<kind>, in name order; *nfiles counts them. */
static int load_kind(const char *dir, const char *kind, struct arena *a,
		struct policy_bundle *out, struct strbuf *errors, size_t *nfiles)
{
	struct arena tmp;
	char *sub, **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int nerr = 0;

	arena_init(&tmp, 0);
	sub = arena_printf(&tmp, "%s/%s", dir, kind);
	if (!sub) {
		strbuf_addf(errors, "%s: out of memory\n", dir);
		return 1;
	}
	d = opendir(sub);
	if (!d) {
		if (errno != ENOENT)
			nerr = file_error(errors, sub, "cannot open the directory");
		arena_release(&tmp);
		return nerr;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_yaml(de->d_name))
			continue;
		if (n == cap) {
			char **v;
			cap = cap ? cap * 2 : 16;
			v = arena_array(&tmp, cap, sizeof *v);
			if (!v)
				break;
			if (n)
				memcpy(v, names, n * sizeof *v);
			names = v;
		}
		names[n] = arena_printf(&tmp, "%s/%s", sub, de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (tmp.failed) {
		strbuf_addf(errors, "%s: out of memory\n", sub);
		nerr++;
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_name);
	for (size_t i = 0; i < n; i++)
		nerr += load_file(kind, names[i], a, out, errors);
	*nfiles += n;
	arena_release(&tmp);
	return nerr;
}

int policy_load_dir(const char *dir, struct arena *a, struct policy_bundle *out,
		struct strbuf *errors)
{
	size_t nfiles = 0;
	int nerr = 0;
	DIR *d;

	memset(out, 0, sizeof *out);
	d = opendir(dir);
	if (!d)
		return file_error(errors, dir, "cannot open the policy directory");
	closedir(d);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		nerr += load_kind(dir, kinds[i], a, out, errors, &nfiles);
	if (nfiles == 0) {
		strbuf_addf(errors, "%s: no policy files (expected calendar/, wages/, catalog/, "
			    "two-zones/, zgc/, urgent/ with .yaml files)\n", dir);
		return nerr + 1;
	}
	if (nerr == 0)
		nerr = policy_validate_bundle(out, errors);
	return nerr;
}
