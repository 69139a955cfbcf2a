/* human.c - sizes, times and lines as notices and download pages show them */
#include <string.h>

#include "base/human.h"

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

/*
 * mp_size_human - "674 bytes", "39 KB", "4.9 KB", "1.5 MB": units of
 * 1024 as Windows Explorer counts them, a decimal below ten, the unit
 * the same in Japanese (where only bytes are バイト)
 */
char *
mp_size_human(guint64 n, gboolean ja)
{
	static const char *const unit[] = { "KB", "MB", "GB", "TB" };
	double v = (double)n;
	guint u = 0;

	if (n < 1024)
		return mp_size_text(n, ja ? "バイト" : (n == 1 ? "byte" :
		    "bytes"));
	v /= 1024;
	while (v >= 1023.95 && u + 1 < G_N_ELEMENTS(unit)) {
		v /= 1024;
		u++;
	}
	if (v < 9.95)
		return g_strdup_printf("%.1f %s", v, unit[u]);
	return g_strdup_printf("%.0f %s", v, unit[u]);
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

/*
 * mp_time_text_in - t in zone tz: "2026-12-06 07:08 +0900", or in
 * Japanese "2026年12月6日(日) 7:08", as Japanese mail and calendars
 * write it; the offset follows only when it is not Japan's +0900
 */
char *
mp_time_text_in(GDateTime *t, GTimeZone *tz, gboolean ja)
{
	static const char *const wday[] = { "月", "火", "水", "木", "金",
	    "土", "日" };
	GDateTime *z = g_date_time_to_timezone(t, tz);
	char *s, *off;

	if (z == NULL)
		z = g_date_time_ref(t);
	if (!ja) {
		s = mp_time_text(z);
		g_date_time_unref(z);
		return s;
	}
	off = g_date_time_get_utc_offset(z) == 9 * G_TIME_SPAN_HOUR ?
	    g_strdup("") : g_date_time_format(z, " (UTC%:z)");
	s = g_strdup_printf("%d年%d月%d日(%s) %d:%02d%s",
	    g_date_time_get_year(z), g_date_time_get_month(z),
	    g_date_time_get_day_of_month(z),
	    wday[g_date_time_get_day_of_week(z) - 1], g_date_time_get_hour(z),
	    g_date_time_get_minute(z), off);
	g_free(off);
	g_date_time_unref(z);
	return s;
}

/* mp_unix_time_text_in - Unix time as mp_time_text_in shows it */
char *
mp_unix_time_text_in(gint64 t, GTimeZone *tz, gboolean ja)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = mp_time_text_in(dt, tz, ja);

	g_date_time_unref(dt);
	return s;
}

/* char_columns - 2 for a wide character (Ambiguous counts as wide, as
 * Japanese fonts draw ①, ○ and ─), 0 for a combining mark, else 1 */
static guint
char_columns(gunichar c)
{
	if (g_unichar_iszerowidth(c))
		return 0;
	return g_unichar_iswide_cjk(c) ? 2 : 1;
}

/* mp_text_columns - the columns a line of UTF-8 text takes */
guint
mp_text_columns(const char *utf8, gssize len)
{
	const char *p = utf8, *end = len < 0 ? utf8 + strlen(utf8) :
	    utf8 + len;
	guint n = 0;

	for (; p < end && *p != '\0'; p = g_utf8_next_char(p))
		n += char_columns(g_utf8_get_char(p));
	return n;
}

/* kinsoku: characters no line may start with, and none may end with */
static const char no_start[] = "、。，．・：；？！ー）」』】〕〉》ゝゞ々"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ〜％,.:;!?)]}";
static const char no_end[] = "（「『【〔〈《([{";

/* in_set - whether c is one of the characters of set (UTF-8) */
static gboolean
in_set(const char *set, gunichar c)
{
	char buf[8];
	int n = g_unichar_to_utf8(c, buf);

	buf[n] = '\0';
	return strstr(set, buf) != NULL;
}

/* may_break - whether a line may end after a and the next start at b */
static gboolean
may_break(gunichar a, gunichar b)
{
	if (b == ' ')
		return FALSE;
	if (a == ' ')
		return TRUE;
	if (char_columns(a) < 2 && char_columns(b) < 2)
		return FALSE;
	return !in_set(no_start, b) && !in_set(no_end, a);
}

/* wrap_line - one line (no line break) cut to cols onto out */
static void
wrap_line(GString *out, const char *line, guint cols)
{
	/* a list item's continuation lines line up with its text */
	const char *indent = g_str_has_prefix(line, "- ") ? "  " : "";
	const char *seg = line;
	guint first = TRUE;

	while (*seg != '\0') {
		guint width = first ? 0 : (guint)strlen(indent), limit = cols;
		const char *p = seg, *cut = NULL, *next = NULL;
		gunichar prev = 0;

		while (*p != '\0') {
			gunichar c = g_utf8_get_char(p);

			if (p > seg && may_break(prev, c)) {
				cut = p;
				next = p;
			}
			width += char_columns(c);
			if (width > limit && cut != NULL)
				break;
			prev = c;
			p = g_utf8_next_char(p);
		}
		if (!first)
			g_string_append(out, indent);
		if (*p == '\0' || cut == NULL) {
			g_string_append(out, seg);
			return;
		}
		/* the spaces at the cut belong to neither line */
		while (cut > seg && cut[-1] == ' ')
			cut--;
		g_string_append_len(out, seg, (gssize)(cut - seg));
		g_string_append_c(out, '\n');
		while (*next == ' ')
			next++;
		seg = next;
		first = FALSE;
	}
}

/*
 * mp_text_wrap - UTF-8 text with every line cut to at most cols
 * columns: at spaces, or between Japanese characters where kinsoku
 * allows (no line starts with 、。」 or a small kana, none ends with 「)
 */
char *
mp_text_wrap(const char *utf8, guint cols)
{
	char **lines = g_strsplit(utf8, "\n", -1);
	GString *out = g_string_sized_new(strlen(utf8) + 16);
	guint i;

	for (i = 0; lines[i] != NULL; i++) {
		if (i > 0)
			g_string_append_c(out, '\n');
		if (mp_text_columns(lines[i], -1) <= cols)
			g_string_append(out, lines[i]);
		else
			wrap_line(out, lines[i], cols);
	}
	g_strfreev(lines);
	return g_string_free(out, FALSE);
}

/* mp_html_escape_append - len bytes of s, safe in HTML text and in
 * quoted attribute values */
void
mp_html_escape_append(GString *out, const char *s, gsize len,
    gboolean lines)
{
	gsize i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			g_string_append(out, "&amp;");
			break;
		case '<':
			g_string_append(out, "&lt;");
			break;
		case '>':
			g_string_append(out, "&gt;");
			break;
		case '"':
			g_string_append(out, "&quot;");
			break;
		case '\'':
			g_string_append(out, "&#39;");
			break;
		default:
			if ((guchar)s[i] < 0x20 && s[i] != '\t' &&
			    !(lines && (s[i] == '\n' || s[i] == '\r')))
				g_string_append_c(out, ' ');
			else
				g_string_append_c(out, s[i]);
		}
	}
}
