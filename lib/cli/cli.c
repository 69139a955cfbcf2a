/* cli.c - the options and set-up every mp command shares */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/diag.h"
#include "base/output.h"

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

/* mp_cli_parse - the shared options and the command's own */
int
mp_cli_parse(const MpCliCommand *cmd, MpCliOpts *o, int *argc, char ***argv)
{
	struct option *longopts;
	MpOpts *tables[1];
	int c, status = MP_CLI_GO_ON;

	mp_diag_open(cmd->name, FALSE);
	(*argv)[0] = (char *)(gsize)cmd->name;	/* getopt's messages */
	tables[0] = cmd->own;
	longopts = mp_opts_longopts(cmd->shared, tables, 1);
	while (status == MP_CLI_GO_ON && (c = getopt_long(*argc, *argv,
	    cmd->shortopts, longopts, NULL)) != -1) {
		if (mp_cli_option(o, c, optarg) || (cmd->take != NULL &&
		    cmd->take(c, optarg, cmd->data)) ||
		    mp_opts_option(cmd->own, c, optarg))
			continue;
		if (c == 'h') {
			fputs(cmd->usage, stdout);
			status = 0;
		} else if (c == MP_OPT_VERSION) {
			printf("%s %s\n", cmd->name, MP_VERSION);
			status = 0;
		} else {
			status = mp_cli_usage(cmd);
		}
	}
	g_free(longopts);
	if (status != MP_CLI_GO_ON)
		return status;
	*argc -= optind;
	*argv += optind;
	if (mp_opts_conflict(cmd->own) || (o->mbox != NULL) +
	    (o->maildir != NULL) + (*argc > 0) > 1)
		return mp_cli_usage(cmd);
	return MP_CLI_GO_ON;
}

/* mp_cli_usage - the usage text on standard error: 64 */
int
mp_cli_usage(const MpCliCommand *cmd)
{
	fputs(cmd->usage, stderr);
	return EX_USAGE;
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

/* mp_cli_check_sender - an address given on the command line */
int
mp_cli_check_sender(MpAddrParser *ap, const char *label, const char *value,
    GError **err)
{
	MpAddr a;

	if (value == NULL)
		return MP_OK;
	if (!mp_addr_parse_one(ap, value, &a))
		return mp_fail(err, EX_USAGE, "%s: not an address: %s", label,
		    value);
	mp_addr_clear(&a);
	return MP_OK;
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
