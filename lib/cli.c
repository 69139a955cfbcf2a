/* cli.c - the options and set-up every mp command shares */
#include <string.h>

#include "cli.h"

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
