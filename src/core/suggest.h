/* suggest.h - "did you mean": how far apart two identifiers are.
 *
 * The core names a close valid id when the user's one is unknown (a
 * qualification id, a judged factor), and the policy loader a close key,
 * fact or value.  Pure: no allocation.
 */
#ifndef YC_SUGGEST_H
#define YC_SUGGEST_H

#include <stddef.h>

/* SUGGEST_NEAR: ids at a distance below this are worth suggesting. */
#define SUGGEST_NEAR 3

/* suggest_distance: the Levenshtein distance of a and b (NUL-terminated);
 * SIZE_MAX when either has 63 bytes or more (too long to be a near miss). */
size_t suggest_distance(const char *a, const char *b);

#endif
