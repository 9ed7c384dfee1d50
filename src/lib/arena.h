/* arena.h - region allocator: many small allocations, one free.
 *
 * Everything a request or an evaluation needs comes from one arena and is
 * released together by arena_release().  Allocations are 16-byte aligned and
 * zeroed.  In sanitizer builds (ARENA_ONE_MALLOC) every allocation is its own
 * malloc so AddressSanitizer still sees overflows.  The arena never returns
 * memory it has handed out until released; allocation failure returns NULL
 * and latches `failed`, so callers may check once at the end.
 */
#ifndef YC_ARENA_H
#define YC_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* most recent block */
	unsigned char *next;      /* the free bytes of head ... */
	size_t left;              /* ... and how many (always 0 under ARENA_ONE_MALLOC) */
	size_t limit;             /* max total bytes; 0 = unlimited */
	size_t total;             /* bytes obtained from malloc so far */
	bool failed;              /* an allocation failed since init/reset */
};

/* arena_init: an empty arena; limit caps the bytes it may take (0: none). */
void arena_init(struct arena *a, size_t limit);
/* arena_alloc: n zeroed bytes, or NULL (and a->failed) when out of memory.
 * An evaluation makes dozens of small allocations, so the common case (it
 * fits in the current block) is inline; arena_alloc_block does the rest. */
void *arena_alloc_block(struct arena *a, size_t n);
static inline void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15; /* 16-byte aligned */

	if (n != 0 && need >= n && need <= a->left) {
		unsigned char *p = a->next;

		a->next += need;
		a->left -= need;
		return memset(p, 0, n);
	}
	return arena_alloc_block(a, n);
}
/* arena_array: n elements of size sz, checking the multiplication. */
static inline void *arena_array(struct arena *a, size_t n, size_t sz)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, sz, &bytes)) {
		a->failed = true;
		return NULL;
	}
	return arena_alloc(a, bytes);
}
/* arena_array_uninit: arena_array without zeroing the common case, for an
 * array the caller fills whole before reading it (an evaluation's
 * checklist items are copied in at once). */
static inline void *arena_array_uninit(struct arena *a, size_t n, size_t sz)
{
	size_t bytes, need;

	if (__builtin_mul_overflow(n, sz, &bytes)) {
		a->failed = true;
		return NULL;
	}
	need = (bytes + 15) & ~(size_t)15;
	if (bytes != 0 && need >= bytes && need <= a->left) {
		unsigned char *p = a->next;

		a->next += need;
		a->left -= need;
		return p;
	}
	return arena_alloc_block(a, bytes);
}
/* arena_strndup: a NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* arena_printf: a formatted string in the arena (vsnprintf, never truncated). */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* arena_reset: free everything but keep the arena usable. */
void arena_reset(struct arena *a);
/* arena_release: free everything the arena holds. */
void arena_release(struct arena *a);

#endif
