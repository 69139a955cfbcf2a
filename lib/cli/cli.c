/* cli.c - the options and set-up every mp command shares */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/diag.h"
#include "base/output.h"

/* what each_message hands on */
typedef struct {
	const MpCliCommand *cmd;
	MpCli *cli;
	gpointer data;
} Each;

static int parse(const MpCliCommand *cmd, MpCli *cli, gpointer data,
    int *argc, char ***argv);
static int each_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);
static int usage(const MpCliCommand *cmd);

/* the extra table of a command that has none */
static const MpOptSpec no_rows[] = {
	MP_OPT_END,
};

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

/* mp_cli_main - the whole command; returns the exit status */
int
mp_cli_main(const MpCliCommand *cmd, MpCli *cli, gpointer data, int argc,
    char **argv)
{
	Each each = { cmd, cli, data };
	GError *err = NULL;
	int status;

	mp_cli_init(&cli->opts);
	mp_opts_init(&cli->own, cmd->section, cmd->table);
	mp_opts_init(&cli->extra, cmd->section, cmd->extra != NULL ?
	    cmd->extra : no_rows);
	if ((status = parse(cmd, cli, data, &argc, &argv)) != -1)
		goto done;
	cli->run.batch = mp_cli_is_batch(&cli->opts, argc);
	if (cmd->usable != NULL && !cmd->usable(data)) {
		status = usage(cmd);
		goto done;
	}

	if ((status = mp_cli_config(&cli->opts, &cli->cfg, &err)) != MP_OK ||
	    (status = mp_opts_read(&cli->own, cli->cfg, &err)) != MP_OK ||
	    (status = mp_opts_read(&cli->extra, cli->cfg, &err)) != MP_OK) {
		mp_diag_error(cli->opts.syslog, NULL, "%s", err->message);
		goto done;
	}
	mp_diag_open(cmd->tool, cli->cfg->syslog);
	cli->run.syslog = cli->cfg->syslog;
	if ((status = cmd->set_policy(data, &err)) != MP_OK) {
		mp_diag_error(cli->cfg->syslog, NULL, "%s", err->message);
		goto done;
	}

	status = mp_cli_run(&cli->opts, argv, argc, &cli->cfg->limits,
	    each_message, &each, &err);
	status = cmd->finish != NULL ? cmd->finish(data, status, err) :
	    mp_run_finish(&cli->run, status, err);
	err = NULL;
done:
	g_clear_error(&err);
	g_clear_error(&cli->run.err);
	mp_config_free(cli->cfg);
	cli->cfg = NULL;
	mp_opts_clear(&cli->extra);
	mp_opts_clear(&cli->own);
	mp_cli_clear(&cli->opts);
	return status;
}

/* each_message - one message to the command, or why it could not be
 * read */
static int
each_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data)
{
	Each *each = data;
	GError *err = NULL;

	if (msg == NULL) {
		if (each->cmd->unread != NULL)
			each->cmd->unread(each->data, src);
		return mp_run_failed(&each->cli->run, src, status, why);
	}
	status = each->cmd->one_message(each->data, src, msg, &err);
	if (status != MP_OK && err != NULL) {
		status = mp_run_failed(&each->cli->run, src, status, err);
		g_error_free(err);
	}
	return status;
}

/*
 * parse - the shared options and the command's table: -1 to go on with
 * the operands (*argc, *argv), else the exit status (mp_cli_parse)
 */
static int
parse(const MpCliCommand *cmd, MpCli *cli, gpointer data, int *argc,
    char ***argv)
{
	static const struct option every[] = {
		MP_CLI_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	MpCliSyntax syn = { cmd->tool, cmd->usage, cmd->shortopts,
	    cmd->shared != NULL ? cmd->shared : every, cmd->take, NULL };
	MpOpts *tables[2] = { &cli->own, &cli->extra };

	mp_diag_open(cmd->tool, FALSE);
	return mp_cli_parse(&syn, data, &cli->opts, tables, 2, argc, argv);
}

/* mp_cli_parse - the shared options and the tables (see cli.h) */
int
mp_cli_parse(const MpCliSyntax *syn, gpointer data, MpCliOpts *o,
    MpOpts *const *tables, int ntables, int *argc, char ***argv)
{
	struct option *longopts = mp_opts_longopts(syn->shared, tables,
	    ntables);
	int c, i, status = -1;
	gboolean taken;

	(*argv)[0] = (char *)(gsize)syn->tool;	/* getopt's messages */
	while (status == -1 && (c = getopt_long(*argc, *argv,
	    syn->shortopts, longopts, NULL)) != -1) {
		if (mp_cli_option(o, c, optarg) ||
		    (syn->take != NULL && syn->take(data, c, optarg)))
			continue;
		for (i = 0, taken = FALSE; i < ntables && !taken; i++)
			taken = mp_opts_option(tables[i], c, optarg);
		if (taken && (syn->took == NULL || syn->took(data, c, optarg)))
			continue;
		if (!taken && c == 'h') {
			fputs(syn->usage, stdout);
			status = 0;
		} else if (!taken && c == MP_OPT_VERSION) {
			printf("%s %s\n", syn->tool, MP_VERSION);
			status = 0;
		} else {
			fputs(syn->usage, stderr);
			status = EX_USAGE;
		}
	}
	g_free(longopts);
	if (status != -1)
		return status;
	*argc -= optind;
	*argv += optind;
	for (i = 0; i < ntables; i++)
		if (mp_opts_conflict(tables[i]))
			status = EX_USAGE;
	if (status == EX_USAGE || (o->mbox != NULL) + (o->maildir != NULL) +
	    (*argc > 0) > 1) {
		fputs(syn->usage, stderr);
		return EX_USAGE;
	}
	return -1;
}

/* usage - the usage text on standard error: 64 */
static int
usage(const MpCliCommand *cmd)
{
	fputs(cmd->usage, stderr);
	return EX_USAGE;
}
