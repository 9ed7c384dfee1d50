/* checklist_impl.h - what checklist.c (the checks) and checklist_words.c
 * (the sentences) share: ASCII case helpers for file names and types.
 * Private to those two files.
 */
#ifndef YC_CHECKLIST_IMPL_H
#define YC_CHECKLIST_IMPL_H

#include <stdbool.h>
#include <stddef.h>

static inline char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static inline char upper(char ch)
{
	return ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
}

/* ieq_lowered: x[0..n) equals low[0..n), a string already lowered, but
 * for ASCII case. */
static inline bool ieq_lowered(const char *x, const char *low, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(x[i]) != low[i])
			return false;
	return true;
}

/* type_ext: "pdf" from "pdf" or ".pdf" (a policy may write the dot). */
static inline const char *type_ext(const char *t)
{
	return t[0] == '.' ? t + 1 : t;
}

#endif
