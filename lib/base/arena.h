/* arena.h - many small allocations freed together */
#ifndef MP_ARENA_H
#define MP_ARENA_H

#include <glib.h>

typedef struct MpArena MpArena;

/* mp_arena_new - an empty arena */
MpArena *mp_arena_new(void);

/* mp_arena_alloc - n zeroed bytes that live as long as the arena */
gpointer mp_arena_alloc(MpArena *a, gsize n);

/* mp_arena_strdup - a copy of s (NULL stays NULL) in the arena */
char *mp_arena_strdup(MpArena *a, const char *s);

/* mp_arena_strndup - the first n bytes of s, NUL-terminated */
char *mp_arena_strndup(MpArena *a, const char *s, gsize n);

/* mp_arena_printf - a formatted string in the arena */
char *mp_arena_printf(MpArena *a, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* mp_arena_free - release the arena and everything in it */
void mp_arena_free(MpArena *a);

#endif
