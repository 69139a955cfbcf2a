/* human.c - sizes and times as notices and download pages show them */
#include <string.h>

#include "human.h"

/* mp_size_text - "12,345 bytes": n in groups of three digits, then unit */
char *
mp_size_text(guint64 n, const char *unit)
{
	char *digits = g_strdup_printf("%" G_GUINT64_FORMAT, n);
	GString *s = g_string_new(NULL);
	gsize len = strlen(digits), i;

	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			g_string_append_c(s, ',');
		g_string_append_c(s, digits[i]);
	}
	g_string_append_printf(s, " %s", unit);
	g_free(digits);
	return g_string_free(s, FALSE);
}

/* mp_time_text - "2026-11-30 09:00 +0900", at t's own UTC offset */
char *
mp_time_text(GDateTime *t)
{
	return g_date_time_format(t, "%Y-%m-%d %H:%M %z");
}

/* mp_unix_time_text - Unix time as mp_time_text shows it, local time */
char *
mp_unix_time_text(gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_local(t);
	char *s = mp_time_text(dt);

	g_date_time_unref(dt);
	return s;
}
