/* parse.c - the small grammars of mp's configuration: sizes, durations,
 * lists, INI text */
#include <errno.h>
#include <string.h>

#include "base/parse.h"

/* a unit letter and what it multiplies by */
typedef struct {
	char letter;
	guint64 mul;
} Unit;

static const Unit size_units[] = {
	{ 'K', MP_KIB }, { 'M', MP_MIB }, { 'G', MP_GIB },
};

static const Unit duration_units[] = {
	{ 's', 1 }, { 'm', MP_MINUTE }, { 'h', MP_HOUR }, { 'd', MP_DAY },
	{ 'w', MP_WEEK },
};

/* mp_split_list - split "a; b, c" into a NULL-terminated vector */
char **
mp_split_list(const char *s)
{
	GPtrArray *v = g_ptr_array_new();
	const char *p = s, *q;

	while (p != NULL && *p != '\0') {
		while (*p == ';' || *p == ',' || g_ascii_isspace(*p))
			p++;
		if (*p == '\0')
			break;
		q = p;
		while (*q != '\0' && *q != ';' && *q != ',' &&
		    !g_ascii_isspace(*q))
			q++;
		g_ptr_array_add(v, g_strndup(p, (gsize)(q - p)));
		p = q;
	}
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

/* parse_scaled - a whole number times what unit makes of the rest: its
 * multiplier, 0 when the rest is not a unit */
static gboolean
parse_scaled(const char *s, guint64 (*unit)(const char *rest),
    guint64 *out)
{
	char *end;
	guint64 v, mul;

	if (s == NULL || !g_ascii_isdigit(*s))
		return FALSE;
	errno = 0;
	v = g_ascii_strtoull(s, &end, 10);
	if (errno != 0 || (mul = unit(end)) == 0 || v > G_MAXUINT64 / mul)
		return FALSE;
	*out = v * mul;
	return TRUE;
}

/* unit_of - the multiplier of letter in units, 0 if it is none of them */
static guint64
unit_of(const Unit *units, gsize n, char letter)
{
	gsize i;

	for (i = 0; i < n; i++)
		if (units[i].letter == letter)
			return units[i].mul;
	return 0;
}

/* size_unit - none, K, M or G (any case), a B after the letter allowed */
static guint64
size_unit(const char *u)
{
	if (*u == '\0')
		return 1;
	if (u[1] != '\0' && !(g_ascii_toupper(u[1]) == 'B' && u[2] == '\0'))
		return 0;
	return unit_of(size_units, G_N_ELEMENTS(size_units),
	    g_ascii_toupper(*u));
}

/* mp_parse_size - "10M", "2048", "1G" to bytes */
gboolean
mp_parse_size(const char *s, guint64 *out)
{
	return parse_scaled(s, size_unit, out);
}

/* duration_unit - none or one of s, m, h, d, w */
static guint64
duration_unit(const char *u)
{
	if (*u == '\0')
		return 1;
	if (u[1] != '\0')
		return 0;
	return unit_of(duration_units, G_N_ELEMENTS(duration_units), *u);
}

/*
 * mp_parse_duration - "90s", "30m", "12h", "7d", "2w", "3600" to seconds:
 * a whole number and at most one unit letter; none means seconds.
 */
gboolean
mp_parse_duration(const char *s, guint64 *out)
{
	return parse_scaled(s, duration_unit, out);
}

/*
 * mp_keyfile_load_text - load INI text into kf, allowing comments after
 * values: GKeyFile takes "a = b   # note" as the value "b   # note", and
 * administrators write notes there.  A '#' after white space starts a
 * comment; lines keep their numbers.
 */
gboolean
mp_keyfile_load_text(GKeyFile *kf, const char *text, GError **err)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *clean;
	guint i;
	gboolean ok;

	for (i = 0; lines[i] != NULL; i++) {
		char *l = lines[i], *p;

		if (*g_strchug(l) == '#' || *l == '\0')
			continue;
		for (p = l + 1; *p != '\0'; p++)
			if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t')) {
				*p = '\0';
				break;
			}
		g_strchomp(l);
	}
	clean = g_strjoinv("\n", lines);
	g_strfreev(lines);
	ok = g_key_file_load_from_data(kf, clean, (gsize)-1, G_KEY_FILE_NONE,
	    err);
	g_free(clean);
	return ok;
}

/* mp_keys_repeated - the first key of a group given twice, or NULL */
const char *
mp_keys_repeated(char **keys)
{
	guint i, j;

	for (i = 0; keys != NULL && keys[i] != NULL; i++)
		for (j = 0; j < i; j++)
			if (strcmp(keys[i], keys[j]) == 0)
				return keys[i];
	return NULL;
}
