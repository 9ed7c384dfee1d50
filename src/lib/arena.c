/* arena.c - see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 16384u
#define ARENA_ALIGN 16u

struct arena_block {
	struct arena_block *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ONE_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ONE_MALLOC 1
#endif
#endif

void arena_init(struct arena *a, size_t limit)
{
	memset(a, 0, sizeof *a);
	a->limit = limit;
}

static struct arena_block *block_new(struct arena *a, size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof *b)
		return NULL;
	if (a->limit && (a->total + size > a->limit))
		return NULL;
	b = malloc(sizeof *b + size);
	if (!b)
		return NULL;
	b->size = size;
	b->next = a->head;
	a->head = b;
	a->total += size;
	return b;
}

/* use_block: the free bytes of b (just made the head) from `from` on. */
static void use_block(struct arena *a, struct arena_block *b, size_t from)
{
	a->next = b->data + from;
	a->left = b->size - from;
}

void *arena_alloc_block(struct arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (n == 0)
		need = ARENA_ALIGN;
	if (need < n) {
		a->failed = true;
		return NULL;
	}
#ifdef ARENA_ONE_MALLOC
	if (!block_new(a, n ? n : 1)) {
		a->failed = true;
		return NULL;
	}
	a->next = NULL; /* every allocation its own block: nothing left */
	a->left = 0;
	memset(a->head->data, 0, a->head->size);
	return a->head->data;
#else
	if (need > a->left) {
		size_t size = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;
		if (!block_new(a, size)) {
			a->failed = true;
			return NULL;
		}
		if (size == need && a->head->next) {
			/* A big allocation of its own: the block before keeps its
			 * free bytes for the small ones that follow. */
			struct arena_block *big = a->head;

			memset(big->data, 0, n);
			return big->data;
		}
		use_block(a, a->head, 0);
	}
	{
		void *p = a->next;
		a->next += need;
		a->left -= need;
		memset(p, 0, n);
		return p;
	}
#endif
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

#ifndef ARENA_ONE_MALLOC
	/* Format straight into the free space of the current block and keep
	 * it when it fits (nearly always): one formatting pass, not two.
	 * Only a string longer than the space left is formatted again. */
	if (a->left) {
		size_t room = a->left;

		p = (char *)a->next;
		va_copy(cp, ap);
		n = vsnprintf(p, room, fmt, cp);
		va_end(cp);
		if (n < 0)
			return NULL;
		if ((size_t)n < room) {
			size_t need = ((size_t)n + 1 + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
			need = need <= room ? need : room;
			a->next += need;
			a->left -= need;
			return p;
		}
	} else
#endif
	{
		va_copy(cp, ap);
		n = vsnprintf(NULL, 0, fmt, cp);
		va_end(cp);
		if (n < 0)
			return NULL;
	}
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_reset(struct arena *a)
{
	struct arena_block *keep = NULL, *b, *next;

	/* Keep one standard block so a loop of reset+alloc does not malloc. */
	for (b = a->head; b; b = next) {
		next = b->next;
		if (!keep && b->size == ARENA_BLOCK) {
			keep = b;
			continue;
		}
		free(b);
	}
#ifdef ARENA_ONE_MALLOC
	if (keep) {
		free(keep);
		keep = NULL;
	}
#endif
	a->head = keep;
	a->next = NULL;
	a->left = 0;
	a->total = keep ? keep->size : 0;
	a->failed = false;
	if (keep) {
		keep->next = NULL;
		use_block(a, keep, 0);
	}
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->next = NULL;
	a->left = 0;
	a->total = 0;
}
