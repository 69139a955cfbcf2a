/* arena.c - many small allocations freed together */
#include <stdarg.h>
#include <string.h>

#include "base/arena.h"

/*
 * The org snapshot is millions of short strings (addresses, unit paths,
 * reasons) and small records that all live exactly as long as the
 * compile or the diff.  Allocating them one by one and freeing them one
 * by one was most of mp-orgsync's time; an arena makes both a handful of
 * calls.
 */
/*
 * Blocks start small (one person read from a snapshot needs a few
 * hundred bytes, and mp-ccguard reads a few per message) and double up
 * to a megabyte (a compiled org of 100,000 people).
 */
#define ARENA_FIRST_BLOCK 2048
#define ARENA_MAX_BLOCK (1024 * 1024)

struct MpArena {
	GSList *blocks;		/* newest first */
	char *next;		/* free space in the newest block */
	gsize left;
	gsize block;		/* size of the next block */
};

/* mp_arena_new - an empty arena */
MpArena *
mp_arena_new(void)
{
	return g_new0(MpArena, 1);
}

/* mp_arena_alloc - n zeroed bytes that live as long as the arena */
gpointer
mp_arena_alloc(MpArena *a, gsize n)
{
	char *p;

	n = (n + 7) & ~(gsize)7;
	if (n > a->left) {
		gsize size;

		a->block = a->block == 0 ? ARENA_FIRST_BLOCK :
		    MIN(a->block * 2, (gsize)ARENA_MAX_BLOCK);
		size = MAX(n, a->block);
		p = g_malloc0(size);
		a->blocks = g_slist_prepend(a->blocks, p);
		/* an oversized request gets a block of its own */
		if (size == n)
			return p;
		a->next = p;
		a->left = size;
	}
	p = a->next;
	a->next += n;
	a->left -= n;
	return p;
}

/* mp_arena_strndup - the first n bytes of s, NUL-terminated */
char *
mp_arena_strndup(MpArena *a, const char *s, gsize n)
{
	char *p = mp_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	return p;
}

/* mp_arena_strdup - a copy of s (NULL stays NULL) in the arena */
char *
mp_arena_strdup(MpArena *a, const char *s)
{
	return s == NULL ? NULL : mp_arena_strndup(a, s, strlen(s));
}

/* mp_arena_printf - a formatted string in the arena */
char *
mp_arena_printf(MpArena *a, const char *fmt, ...)
{
	va_list ap;
	char *tmp, *p;

	va_start(ap, fmt);
	tmp = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	p = mp_arena_strdup(a, tmp);
	g_free(tmp);
	return p;
}

/* mp_arena_free - release the arena and everything in it */
void
mp_arena_free(MpArena *a)
{
	if (a == NULL)
		return;
	g_slist_free_full(a->blocks, g_free);
	g_free(a);
}
