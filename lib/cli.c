/* cli.c - the options and set-up every mp command shares */
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "output.h"

/* mp_cli_init - empty shared options */
void
mp_cli_init(MpCliOpts *o)
{
	o->config = NULL;
	o->internal = g_ptr_array_new();
	o->semi = g_ptr_array_new();
	o->mbox = o->maildir = NULL;
	o->syslog = FALSE;
	o->head_only = FALSE;
}

/* mp_cli_clear - release the shared options */
void
mp_cli_clear(MpCliOpts *o)
{
	g_ptr_array_free(o->internal, TRUE);
	g_ptr_array_free(o->semi, TRUE);
}

/* mp_cli_option - take a shared option; FALSE if opt is not one */
gboolean
mp_cli_option(MpCliOpts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'c':
		o->config = arg;
		return TRUE;
	case MP_OPT_INTERNAL:
		g_ptr_array_add(o->internal, (gpointer)(gsize)arg);
		return TRUE;
	case MP_OPT_SEMI_INTERNAL:
		g_ptr_array_add(o->semi, (gpointer)(gsize)arg);
		return TRUE;
	case MP_OPT_MBOX:
		o->mbox = arg;
		return TRUE;
	case MP_OPT_MAILDIR:
		o->maildir = arg;
		return TRUE;
	case MP_OPT_SYSLOG:
		o->syslog = TRUE;
		return TRUE;
	default:
		return FALSE;
	}
}

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

/* mp_cli_config - load mp.conf and add --internal/--semi-internal */
int
mp_cli_config(const MpCliOpts *o, MpConfig **cfg, GError **err)
{
	int status;
	guint i;

	if ((status = mp_config_load(o->config, cfg, err)) != MP_OK)
		return status;
	for (i = 0; i < o->internal->len; i++)
		if ((status = mp_config_add_domain(*cfg, MP_CLASS_INTERNAL,
		    o->internal->pdata[i], err)) != MP_OK)
			goto fail;
	for (i = 0; i < o->semi->len; i++)
		if ((status = mp_config_add_domain(*cfg, MP_CLASS_SEMI_INTERNAL,
		    o->semi->pdata[i], err)) != MP_OK)
			goto fail;
	if ((status = mp_config_require_domains(*cfg, err)) != MP_OK)
		goto fail;
	if (o->syslog)
		(*cfg)->syslog = TRUE;
	return MP_OK;
fail:
	if (status == EX_CONFIG && o->internal->len + o->semi->len > 0 &&
	    err != NULL && *err != NULL && (*err)->code == EX_CONFIG &&
	    !g_str_has_prefix((*err)->message, "no configuration"))
		g_prefix_error(err, "command line: ");
	mp_config_free(*cfg);
	*cfg = NULL;
	return status;
}

/* mp_cli_is_batch - whether --mbox, --maildir or several files were given */
gboolean
mp_cli_is_batch(const MpCliOpts *o, int nfiles)
{
	return o->mbox != NULL || o->maildir != NULL || nfiles > 1;
}

/* mp_cli_run - hand every input message to fn: mbox, Maildir, files, stdin */
int
mp_cli_run(const MpCliOpts *o, char **files, int nfiles,
    const MpLimits *limits, MpMessageFunc fn, gpointer data, GError **err)
{
	int i, status = MP_OK;

	if (o->mbox != NULL)
		return mp_batch_mbox(o->mbox, limits, fn, data, err);
	if (o->maildir != NULL)
		return mp_batch_maildir(o->maildir, o->head_only, limits, fn, data,
		    err);
	if (nfiles == 0)
		return mp_batch_stdin(limits, fn, data, err);
	for (i = 0; i < nfiles && status == MP_OK; i++)
		status = (strcmp(files[i], "-") == 0) ?
		    mp_batch_stdin(limits, fn, data, err) :
		    mp_batch_file(files[i], o->head_only, limits, fn, data, err);
	return status;
}

/* mp_run_failed - one message could not be read or checked */
int
mp_run_failed(MpRun *run, const MpSource *src, int status,
    const GError *why)
{
	char *label;
	int r;

	if (run->first_failure == 0)
		run->first_failure = status;
	if (!run->batch) {
		g_clear_error(&run->err);
		run->err = g_error_copy(why);
		g_prefix_error(&run->err, "%s: ", src->kind == MP_SOURCE_STDIN ?
		    "stdin" : src->path);
		return status;
	}
	label = mp_source_label(src);
	mp_diag_error(run->syslog, NULL, "%s: %s", label, why->message);
	if (run->json_error != NULL)
		r = run->json_error(src, status, why, &run->err);
	else
		r = mp_stdio_printf(stdout, &run->err, "%s: error: %s\n", label,
		    why->message);
	g_free(label);
	return r;
}

/* mp_run_batch_failure - a message of a batch the command could not
 * handle: logged with its Message-ID, the status kept for the exit */
void
mp_run_batch_failure(MpRun *run, const char *msgid, const char *label,
    int status, const GError *why)
{
	mp_diag_error(run->syslog, msgid, "%s: %s", label, why->message);
	if (run->first_failure == 0)
		run->first_failure = status;
}

/* mp_run_output - a record or message written (r, err): keep the why */
int
mp_run_output(MpRun *run, int r, GError *err)
{
	if (r != MP_OK) {		/* only output failures stop a batch */
		g_clear_error(&run->err);
		run->err = err;
	} else if (err != NULL) {
		g_error_free(err);
	}
	return r;
}

/* mp_run_finish - finish standard output and pick the exit status */
int
mp_run_finish(MpRun *run, int status, GError *err)
{
	if (status == MP_OK)
		status = mp_stdout_finish(&err);
	return mp_run_end(run, status, err);
}

/* mp_run_end - say what went wrong and pick the exit status */
int
mp_run_end(MpRun *run, int status, GError *err)
{
	if (status != MP_OK) {
		const GError *why = err != NULL ? err : run->err;

		mp_diag_error(run->syslog, NULL, "%s", why != NULL ?
		    why->message : "failed");
		g_clear_error(&err);
		return status;
	}
	return run->first_failure;
}
