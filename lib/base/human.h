/* human.h - sizes, times and lines as notices and download pages show them */
#ifndef MP_HUMAN_H
#define MP_HUMAN_H

#include <glib.h>

/* the widest line of a notice or note, in columns (a wide character,
 * East Asian Wide, Fullwidth or Ambiguous, takes two) */
#define MP_TEXT_COLUMNS 78

/* mp_size_text - "12,345 bytes": n in groups of three digits, then unit */
char *mp_size_text(guint64 n, const char *unit);

/* mp_size_human - "674 bytes", "39 KB", "1.5 MB" (ja: "674 バイト") */
char *mp_size_human(guint64 n, gboolean ja);

/* mp_time_text - "2026-11-30 09:00 +0900", at t's own UTC offset */
char *mp_time_text(GDateTime *t);

/* mp_unix_time_text - Unix time as mp_time_text shows it, local time */
char *mp_unix_time_text(gint64 t);

/* mp_time_text_in - t in zone tz: "2026-12-06 07:08 +0900", or in
 * Japanese "2026年12月6日(日) 7:08" (the offset only when not +0900) */
char *mp_time_text_in(GDateTime *t, GTimeZone *tz, gboolean ja);

/* mp_unix_time_text_in - Unix time as mp_time_text_in shows it */
char *mp_unix_time_text_in(gint64 t, GTimeZone *tz, gboolean ja);

/* mp_text_columns - the columns a line of UTF-8 text takes */
guint mp_text_columns(const char *utf8, gssize len);

/* mp_text_wrap - UTF-8 text with every line cut to at most cols
 * columns: at spaces, or between Japanese characters where the rules
 * of line breaking (kinsoku) allow; a word longer than a line (a URL)
 * stays whole */
char *mp_text_wrap(const char *utf8, guint cols);

/* mp_html_escape_append - len bytes of s, safe between tags and in
 * quoted attributes: & < > " ' as entities, other control characters
 * but tab (and, with lines, line breaks) as spaces */
void mp_html_escape_append(GString *out, const char *s, gsize len,
    gboolean lines);

#endif
