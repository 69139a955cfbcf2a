/* when.c - the sending time of a message, and the days that are no
 * workdays */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "facts/facts.h"

/* date_key - "YYYY-MM-DD" of t, as the holidays file writes days */
static char *
date_key(GDateTime *t)
{
	return g_date_time_format(t, "%Y-%m-%d");
}

/* holiday_line - whether a line of the holidays file is a date */
static gboolean
holiday_line(const char *l)
{
	int y, m, d, n = 0;
	GDate *date;
	gboolean ok;

	if (strlen(l) != 10 || sscanf(l, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || l[4] != '-' || l[7] != '-')
		return FALSE;
	if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return FALSE;
	date = g_date_new_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
	ok = g_date_valid(date);
	g_date_free(date);
	return ok;
}

/*
 * mp_holidays_load - [policy] holidays: one date (YYYY-MM-DD) a line,
 * # comments and blank lines ignored.  A policy that cannot read its
 * data must not judge with less of it: an unreadable file or a line
 * that is not a date is 78.
 */
int
mp_holidays_load(const char *path, GHashTable **out, GError **err)
{
	GHashTable *days;
	GError *why = NULL;
	char *text, **lines;
	guint i;
	int status = MP_OK;

	*out = NULL;
	if (!g_file_get_contents(path, &text, NULL, &why)) {
		status = mp_fail(err, EX_CONFIG, "%s: cannot read the holidays: "
		    "%s", path, why->message);
		g_error_free(why);
		return status;
	}
	days = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && status == MP_OK; i++) {
		char *l = lines[i], *hash = strchr(l, '#');

		if (hash != NULL)
			*hash = '\0';
		g_strstrip(l);
		if (*l == '\0')
			continue;
		if (!holiday_line(l))
			status = mp_fail(err, EX_CONFIG, "%s:%u: not a date "
			    "(YYYY-MM-DD): %s", path, i + 1, l);
		else
			g_hash_table_add(days, g_strdup(l));
	}
	g_strfreev(lines);
	g_free(text);
	if (status != MP_OK)
		g_hash_table_destroy(days);
	else
		*out = days;
	return status;
}

/*
 * mp_time_parse - a time given on a command line: ISO 8601
 * ("2026-11-24T22:30:00+09:00"; without an offset in tz) or
 * "YYYY-MM-DD HH:MM[:SS]" in tz
 */
gboolean
mp_time_parse(const char *s, GTimeZone *tz, gint64 *out)
{
	GDateTime *t = g_date_time_new_from_iso8601(s, tz);
	char *iso;

	/* GLib wants the seconds and the 'T' */
	if (t == NULL && strlen(s) >= 16 && s[10] == ' ') {
		iso = g_strdup_printf("%.10sT%s%s", s, s + 11,
		    strlen(s) == 16 ? ":00" : "");
		t = g_date_time_new_from_iso8601(iso, tz);
		g_free(iso);
	} else if (t == NULL && strlen(s) == 16 && s[10] == 'T') {
		iso = g_strconcat(s, ":00", NULL);
		t = g_date_time_new_from_iso8601(iso, tz);
		g_free(iso);
	}
	if (t == NULL)
		return FALSE;
	*out = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return TRUE;
}

/* month_of - 1..12 for "Jan".."Dec", else 0 */
static int
month_of(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	if (strlen(s) != 3)
		return 0;
	for (i = 0; i < 12; i++)
		if (g_ascii_strncasecmp(s, months + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

/*
 * from_line_time - the time of an mbox From_ line ("From a@b Tue Nov
 * 24 22:30:00 2026", a zone word or "remote from" may follow), which
 * the delivering host wrote in its local time: read in tz
 */
static GDateTime *
from_line_time(const char *line, gsize len, GTimeZone *tz)
{
	char *l = g_strndup(line, len), **w;
	GDateTime *t = NULL;
	int i, mon, day, hh, mm, ss = 0, year = 0, n = 0;

	w = g_strsplit_set(g_strstrip(l), " \t", -1);
	for (i = 2; w[i] != NULL && w[i + 1] != NULL && w[i + 2] != NULL;
	    i++) {
		if ((mon = month_of(w[i])) == 0 ||
		    sscanf(w[i + 1], "%d", &day) != 1 ||
		    sscanf(w[i + 2], "%d:%d%n:%d", &hh, &mm, &n, &ss) < 2)
			continue;
		for (i += 3; w[i] != NULL && year == 0; i++)
			if (strlen(w[i]) == 4 && g_ascii_isdigit(w[i][0]))
				year = atoi(w[i]);
		if (year > 0)
			t = g_date_time_new(tz, year, mon, day, hh, mm, ss);
		break;
	}
	g_strfreev(w);
	g_free(l);
	return t;
}

/* prefix_from_line - the mbox From_ line in msg's prefix, if any */
static const char *
prefix_from_line(const MpMessage *msg, gsize *len)
{
	const char *p = msg->data, *end = msg->data + msg->prefix_len, *nl;

	if (msg->prefix_len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return NULL;
	nl = memchr(p, '\n', (gsize)(end - p));
	*len = (gsize)((nl != NULL ? nl : end) - p);
	return p;
}

/*
 * mp_message_time - the sending time in tz: the clock (now, or the
 * real time when now is 0), or for a replay the Date field, else the
 * From_ line of an mbox; 65 when the message has neither
 */
int
mp_message_time(const MpMessage *msg, MpTimeSource source, gint64 now,
    GTimeZone *tz, GDateTime **out, GError **err)
{
	GDateTime *t = NULL, *local;
	const char *line;
	char *date;
	gsize len;

	*out = NULL;
	if (source == MP_TIME_NOW) {
		*out = now != 0 ? g_date_time_new_from_unix_utc(now) :
		    g_date_time_new_now_utc();
	} else {
		if ((date = mp_message_header(msg, "Date")) != NULL)
			t = mp_date_parse(date);
		g_free(date);
		if (t == NULL && (line = prefix_from_line(msg, &len)) != NULL)
			t = from_line_time(line, len, tz);
		if (t == NULL)
			return mp_fail(err, EX_DATAERR,
			    "no Date field to replay by");
		*out = t;
	}
	local = g_date_time_to_timezone(*out, tz);
	g_date_time_unref(*out);
	*out = local;
	return MP_OK;
}

/* mp_time_holiday - whether t's day is in the holidays (a set of
 * "YYYY-MM-DD", or NULL) */
gboolean
mp_time_holiday(GDateTime *t, GHashTable *holidays)
{
	char *k;
	gboolean yes;

	if (holidays == NULL)
		return FALSE;
	k = date_key(t);
	yes = g_hash_table_contains(holidays, k);
	g_free(k);
	return yes;
}

/* mp_time_workday - Monday to Friday and not a holiday */
gboolean
mp_time_workday(GDateTime *t, GHashTable *holidays)
{
	return g_date_time_get_day_of_week(t) <= 5 &&
	    !mp_time_holiday(t, holidays);
}
