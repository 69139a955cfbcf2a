/* opts.c - command-line options over the keys of mp.conf */
#include <string.h>

#include "base/opts.h"

/* mp_conf_opts_init - none of the options given yet */
void
mp_conf_opts_init(MpConfOpts *o, const char *section, int first, int n,
    const char *const *names, const char *const *keys)
{
	memset(o, 0, sizeof *o);
	o->section = section;
	o->first = first;
	o->n = MIN(n, MP_CONF_OPTS_MAX);
	o->names = names;
	o->keys = keys;
}

/* mp_conf_opts_clear - release the values */
void
mp_conf_opts_clear(MpConfOpts *o)
{
	int i;

	for (i = 0; i < o->n; i++)
		g_clear_pointer(&o->value[i], g_free);
}

/* mp_conf_option - take one of the options; FALSE if opt is not one */
gboolean
mp_conf_option(MpConfOpts *o, int opt, const char *arg)
{
	if (opt < o->first || opt >= o->first + o->n)
		return FALSE;
	o->arg[opt - o->first] = arg;
	return TRUE;
}

/* mp_conf_opts_given - whether any option but except was given */
gboolean
mp_conf_opts_given(const MpConfOpts *o, int except)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->arg[i] != NULL && o->first + i != except)
			return TRUE;
	return FALSE;
}

/* mp_conf_opts_read - each value: the option, else the key, else NULL */
void
mp_conf_opts_read(MpConfOpts *o, const MpConfig *cfg)
{
	int i;

	o->cfg = cfg;
	for (i = 0; i < o->n; i++)
		o->value[i] = o->arg[i] != NULL ? g_strdup(o->arg[i]) :
		    o->keys[i] != NULL ? mp_config_string(cfg, o->section,
		    o->keys[i], NULL) : NULL;
}

/* mp_conf_opts_arg - the option as given, or NULL */
const char *
mp_conf_opts_arg(const MpConfOpts *o, int opt)
{
	return o->arg[opt - o->first];
}

/* mp_conf_opts_value - the option, else the key (after mp_conf_opts_read) */
const char *
mp_conf_opts_value(const MpConfOpts *o, int opt)
{
	return o->value[opt - o->first];
}

/* mp_conf_opts_bad_arg - "--NAME: WHY: VALUE", 64 */
int
mp_conf_opts_bad_arg(const MpConfOpts *o, int opt, const char *why,
    GError **err)
{
	return mp_fail(err, EX_USAGE, "--%s: %s: %s", o->names[opt - o->first],
	    why, o->value[opt - o->first]);
}

/* mp_conf_opts_bad_key - a key's value the schema cannot check is not
 * WHAT: 78, with the file and line */
int
mp_conf_opts_bad_key(const MpConfOpts *o, int opt, const char *what,
    GError **err)
{
	const char *key = o->keys[opt - o->first];
	char *w = mp_config_where(o->cfg, o->section, key);
	int status = mp_fail(err, EX_CONFIG, "bad value for [%s] %s: \"%s\" "
	    "is not %s %s", o->section, key, o->value[opt - o->first], what, w);

	g_free(w);
	return status;
}

/*
 * mp_conf_opts_number - a value from lo to hi into *out (unset: kept).
 * An option is checked here (64); a key was checked by the schema when
 * mp.conf was loaded, against the same bounds.
 */
int
mp_conf_opts_number(const MpConfOpts *o, int opt, MpNumberKind kind,
    guint64 lo, guint64 hi, guint64 *out, GError **err)
{
	const char *v = o->value[opt - o->first];
	char *why;
	gboolean ok;
	int status;

	if (v == NULL)
		return MP_OK;
	if (kind == MP_NUMBER_SIZE)
		ok = mp_parse_size(v, out);
	else if (kind == MP_NUMBER_DURATION)
		ok = mp_parse_duration(v, out);
	else
		ok = g_ascii_string_to_unsigned(v, 10, lo, hi, out, NULL);
	if (o->arg[opt - o->first] == NULL)
		return ok ? MP_OK : mp_fail(err, EX_CONFIG, "bad value for "
		    "[%s] %s: \"%s\"", o->section, o->keys[opt - o->first], v);
	if (ok && *out >= lo && *out <= hi)
		return MP_OK;
	if (kind == MP_NUMBER_DURATION)
		why = g_strdup_printf("not a duration from %" G_GUINT64_FORMAT
		    "s to %" G_GUINT64_FORMAT "d (like 12h, 7d)", lo,
		    hi / 86400);
	else
		why = g_strdup_printf("not %s from %" G_GUINT64_FORMAT " to %"
		    G_GUINT64_FORMAT, kind == MP_NUMBER_SIZE ? "a size" :
		    "a number", lo, hi);
	status = mp_conf_opts_bad_arg(o, opt, why, err);
	g_free(why);
	return status;
}
