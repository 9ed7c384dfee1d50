/* error.h - an input error found by the core (a user's mistake).
 *
 * The core never prints; it returns the first problem it finds with the
 * field path in formats.md notation ("experts[0].scores.achievements"), the
 * source position when the reader recorded one, and a reason in English
 * that says what is wrong and how to fix it.  Strings live in the arena
 * that was handed to the core function.
 */
#ifndef YC_CORE_ERROR_H
#define YC_CORE_ERROR_H

#include "application.h"

struct core_error {
	const char *path;
	struct srcpos pos;
	const char *reason;
};

#endif
