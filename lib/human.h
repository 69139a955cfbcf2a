/* human.h - sizes and times as notices and download pages show them */
#ifndef MP_HUMAN_H
#define MP_HUMAN_H

#include <glib.h>

/* mp_size_text - "12,345 bytes": n in groups of three digits, then unit */
char *mp_size_text(guint64 n, const char *unit);

/* mp_time_text - "2026-11-30 09:00 +0900", at t's own UTC offset */
char *mp_time_text(GDateTime *t);

/* mp_unix_time_text - Unix time as mp_time_text shows it, local time */
char *mp_unix_time_text(gint64 t);

#endif
