/* opts.c - command-line options over the keys of mp.conf */
#include <string.h>

#include "base/opts.h"

/* schema_entry - the schema's entry of [section] key, or NULL */
static const MpKeySpec *
schema_entry(const char *section, const char *key)
{
	const MpKeySpec *k;

	for (k = mp_schema; k->group != NULL; k++)
		if (strcmp(k->group, section) == 0 && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

/* mp_opts_init - the options of table over [section]; none given yet */
void
mp_opts_init(MpOpts *o, const char *section, const MpOptSpec *table)
{
	int i;

	memset(o, 0, sizeof *o);
	o->section = section;
	o->table = table;
	while (table[o->n].name != NULL || table[o->n].key != NULL)
		o->n++;
	o->schema = g_new0(const MpKeySpec *, o->n);
	o->arg = g_new0(const char *, o->n);
	o->order = g_new0(int, o->n);
	o->value = g_new0(char *, o->n);
	for (i = 0; i < o->n; i++) {
		if (table[i].key == NULL)
			continue;
		o->schema[i] = schema_entry(section, table[i].key);
		/* a table naming a key the schema lacks is a bug of mp's */
		g_assert(o->schema[i] != NULL);
	}
}

/* mp_opts_clear - release what mp_opts_init and mp_opts_read made */
void
mp_opts_clear(MpOpts *o)
{
	int i;

	if (o->value != NULL)
		for (i = 0; i < o->n; i++)
			g_free(o->value[i]);
	g_free(o->value);
	g_free(o->schema);
	g_free(o->arg);
	g_free(o->order);
	memset(o, 0, sizeof *o);
}

/* mp_opts_longopts - getopt_long's table: shared, then each MpOpts */
struct option *
mp_opts_longopts(const struct option *shared, MpOpts *const *opts, int nopts)
{
	GArray *a = g_array_new(TRUE, TRUE, sizeof(struct option));
	int i, j;

	for (i = 0; shared[i].name != NULL; i++)
		g_array_append_val(a, shared[i]);
	for (j = 0; j < nopts; j++)
		for (i = 0; i < opts[j]->n; i++) {
			struct option lo = { opts[j]->table[i].name,
			    opts[j]->table[i].has_arg, NULL,
			    opts[j]->table[i].id };

			if (lo.name != NULL)	/* a key alone: no flag */
				g_array_append_val(a, lo);
		}
	return (struct option *)(void *)g_array_free(a, FALSE);
}

/* row - the row of option id, or -1 */
static int
row(const MpOpts *o, int id)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->table[i].id == id)
			return i;
	return -1;
}

/* same_setting - whether rows i and j set one thing */
static gboolean
same_setting(const MpOpts *o, int i, int j)
{
	return i == j || (o->table[i].key != NULL && o->table[j].key != NULL &&
	    strcmp(o->table[i].key, o->table[j].key) == 0);
}

/* given_row - the row of i's setting that was given last, or -1 */
static int
given_row(const MpOpts *o, int i)
{
	int j, best = -1;

	for (j = 0; j < o->n; j++)
		if (o->order[j] > 0 && same_setting(o, i, j) &&
		    (best < 0 || o->order[j] > o->order[best]))
			best = j;
	return best;
}

/* mp_opts_option - take an option that is o's; FALSE if it is not */
gboolean
mp_opts_option(MpOpts *o, int id, const char *arg)
{
	int i = row(o, id);

	if (i < 0)
		return FALSE;
	o->arg[i] = o->table[i].has_arg == no_argument ? o->table[i].set : arg;
	o->order[i] = ++o->given;
	return TRUE;
}

/* mp_opts_conflict - two different options given for one setting */
gboolean
mp_opts_conflict(const MpOpts *o)
{
	int i, j;

	for (i = 0; i < o->n; i++)
		for (j = i + 1; j < o->n; j++)
			if (o->order[i] > 0 && o->order[j] > 0 &&
			    same_setting(o, i, j))
				return TRUE;
	return FALSE;
}

/* mp_opts_given - whether the option id (of its setting: any row) was
 * given */
gboolean
mp_opts_given(const MpOpts *o, int id)
{
	int i = row(o, id);

	return i >= 0 && given_row(o, i) >= 0;
}

/* mp_opts_given_except - whether any option but except was given */
gboolean
mp_opts_given_except(const MpOpts *o, int except)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->order[i] > 0 && o->table[i].id != except)
			return TRUE;
	return FALSE;
}

/*
 * spec_type - how row i's value reads: the schema's; else the row's,
 * where a row without a key, bounds or choices is text.
 */
static MpKeyType
spec_type(const MpOpts *o, int i, guint64 *min, guint64 *max,
    const char **choices)
{
	const MpKeySpec *k = o->schema[i];
	const MpOptSpec *r = &o->table[i];

	*min = k != NULL ? k->min : r->min;
	*max = k != NULL ? k->max : r->max;
	*choices = k != NULL ? k->choices : r->choices;
	if (k != NULL)
		return k->type;
	if (r->has_arg != no_argument && r->max == 0 && r->choices == NULL &&
	    r->type != MP_KEY_PATH)
		return MP_KEY_STRING;
	return r->type;
}

/* choices_text - "a or b", "a, b or c" */
static char *
choices_text(const char *choices)
{
	char **v = g_strsplit(choices, "|", -1);
	guint n = g_strv_length(v);
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			g_string_append(s, i + 1 == n ? " or " : ", ");
		g_string_append(s, v[i]);
	}
	g_strfreev(v);
	return g_string_free(s, FALSE);
}

/* choice_index - v's place among "a|b|c", or -1 */
static int
choice_index(const char *choices, const char *v)
{
	char **c = g_strsplit(choices, "|", -1);
	int i, found = -1;

	for (i = 0; c[i] != NULL; i++)
		if (strcmp(c[i], v) == 0) {
			found = i;
			break;
		}
	g_strfreev(c);
	return found;
}

/* read_number - a value of a numeric type, unchecked against bounds */
static gboolean
read_number(MpKeyType type, const char *v, guint64 *out)
{
	if (type == MP_KEY_SIZE)
		return mp_parse_size(v, out);
	if (type == MP_KEY_DURATION)
		return mp_parse_duration(v, out);
	return g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, out, NULL);
}

/* read_bool - yes/no, true/false, 1/0 */
static gboolean
read_bool(const char *v, gboolean *out)
{
	if (!g_ascii_strcasecmp(v, "yes") || !g_ascii_strcasecmp(v, "true") ||
	    !strcmp(v, "1"))
		*out = TRUE;
	else if (!g_ascii_strcasecmp(v, "no") ||
	    !g_ascii_strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = FALSE;
	else
		return FALSE;
	return TRUE;
}

/* check_arg - a flag's value against the type and bounds of its row */
static int
check_arg(const MpOpts *o, int i, GError **err)
{
	guint64 min, max, n;
	const char *choices;
	MpKeyType type = spec_type(o, i, &min, &max, &choices);
	const char *v = o->arg[i];
	char *why = NULL;
	gboolean b;
	int status;

	switch (type) {
	case MP_KEY_UINT:
	case MP_KEY_SIZE:
		if (!read_number(type, v, &n) || n < min || n > max)
			why = g_strdup_printf("not %s from %" G_GUINT64_FORMAT
			    " to %" G_GUINT64_FORMAT, type == MP_KEY_SIZE ?
			    "a size" : "a number", min, max);
		break;
	case MP_KEY_DURATION:
		if (!read_number(type, v, &n) || n < min || n > max)
			why = g_strdup_printf("not a duration from %"
			    G_GUINT64_FORMAT "s to %" G_GUINT64_FORMAT
			    "d (like 12h, 7d)", min, max / 86400);
		break;
	case MP_KEY_BOOL:
		if (!read_bool(v, &b))
			why = g_strdup("not yes or no");
		break;
	case MP_KEY_ENUM:
		if (choice_index(choices, v) < 0) {
			char *t = choices_text(choices);

			why = g_strdup_printf("not %s", t);
			g_free(t);
		}
		break;
	case MP_KEY_PATH:
		if (*v == '\0')
			why = g_strdup("empty path");
		break;
	default:
		break;
	}
	if (why == NULL)
		return MP_OK;
	status = mp_opts_bad_arg(o, o->table[i].id, why, err);
	g_free(why);
	return status;
}

/* mp_opts_read - resolve every setting, flag over file over default */
int
mp_opts_read(MpOpts *o, const MpConfig *cfg, GError **err)
{
	int i, g, status;

	o->cfg = cfg;
	for (i = 0; i < o->n; i++) {
		if (o->arg[i] != NULL && o->table[i].has_arg != no_argument &&
		    (status = check_arg(o, i, err)) != MP_OK)
			return status;
		g_clear_pointer(&o->value[i], g_free);
		if ((g = given_row(o, i)) >= 0)
			o->value[i] = g_strdup(o->arg[g]);
		else if (o->table[i].key != NULL && (o->value[i] =
		    mp_config_string(cfg, o->section, o->table[i].key,
		    NULL)) != NULL)
			;
		else
			o->value[i] = g_strdup(o->table[i].def);
	}
	return MP_OK;
}

/* mp_opts_value - the setting of id's row (after mp_opts_read), or NULL */
const char *
mp_opts_value(const MpOpts *o, int id)
{
	int i = row(o, id);

	return i < 0 ? NULL : o->value[i];
}

/* mp_opts_arg - the option as given (of its setting), or NULL */
const char *
mp_opts_arg(const MpOpts *o, int id)
{
	int i = row(o, id), g;

	if (i < 0 || (g = given_row(o, i)) < 0)
		return NULL;
	return o->arg[g];
}

/* mp_opts_uint - a number, size or duration setting; def when unset */
guint64
mp_opts_uint(const MpOpts *o, int id, guint64 def)
{
	int i = row(o, id);
	guint64 min, max, n;
	const char *choices;

	if (i < 0 || o->value[i] == NULL ||
	    !read_number(spec_type(o, i, &min, &max, &choices), o->value[i],
	    &n))
		return def;
	return n;
}

/* mp_opts_bool - a yes/no setting; def when unset */
gboolean
mp_opts_bool(const MpOpts *o, int id, gboolean def)
{
	int i = row(o, id);
	gboolean b;

	if (i < 0 || o->value[i] == NULL || !read_bool(o->value[i], &b))
		return def;
	return b;
}

/* mp_opts_choice - an enumeration's index in its choices; def unset */
int
mp_opts_choice(const MpOpts *o, int id, int def)
{
	int i = row(o, id), c;
	guint64 min, max;
	const char *choices;

	if (i < 0 || o->value[i] == NULL)
		return def;
	(void)spec_type(o, i, &min, &max, &choices);
	c = choices != NULL ? choice_index(choices, o->value[i]) : -1;
	return c < 0 ? def : c;
}

/* mp_opts_label - how a message names the option: "-n" or "--name" */
char *
mp_opts_label(const MpOpts *o, int id)
{
	int i = row(o, id);

	if (id > 0 && id < 0x80 && g_ascii_isalnum(id))
		return g_strdup_printf("-%c", id);
	return g_strdup_printf("--%s", i >= 0 ? o->table[i].name : "?");
}

/* mp_opts_bad_arg - "LABEL: WHY: VALUE", 64 */
int
mp_opts_bad_arg(const MpOpts *o, int id, const char *why, GError **err)
{
	char *label = mp_opts_label(o, id);
	const char *v = mp_opts_arg(o, id);
	int status = mp_fail(err, EX_USAGE, "%s: %s: %s", label, why,
	    v != NULL ? v : "");

	g_free(label);
	return status;
}

/* mp_opts_bad_key - the key's value is not WHAT: 78, with file and line */
int
mp_opts_bad_key(const MpOpts *o, int id, const char *what, GError **err)
{
	int i = row(o, id);
	const char *key = o->table[i].key;
	char *w = mp_config_where(o->cfg, o->section, key);
	int status = mp_fail(err, EX_CONFIG, "bad value for [%s] %s: \"%s\" "
	    "is not %s %s", o->section, key, o->value[i], what, w);

	g_free(w);
	return status;
}

/* mp_opts_bad - a value only the command can check is not WHAT */
int
mp_opts_bad(const MpOpts *o, int id, const char *what, GError **err)
{
	char *why;
	int status;

	if (mp_opts_arg(o, id) == NULL)
		return mp_opts_bad_key(o, id, what, err);
	why = g_strdup_printf("not %s", what);
	status = mp_opts_bad_arg(o, id, why, err);
	g_free(why);
	return status;
}
