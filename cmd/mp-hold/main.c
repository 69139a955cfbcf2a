/* mp-hold - the hold queue: held, staggered, awaiting approval or
 * confirmation; delivered by --run from a timer */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/diag.h"
#include "base/output.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "facts/facts.h"
#include "hold/admin.h"
#include "hold/notices.h"

#define USAGE \
	"usage: mp-hold [-c file] [--for duration | --stagger duration | " \
	"--approve | --confirm]\n" \
	"               [--approver address] [--rule name] [--reason text] " \
	"[--override]\n" \
	"               [--now time] [--syslog] [--spool dir] " \
	"[--sendmail command]\n" \
	"               [--base-url url] [--lang ja | en] [--notice file] " \
	"[--notice-maildir dir]\n" \
	"               [--notice-cmd command] [--notice-from address] " \
	"[--template-dir dir]\n" \
	"               [--snapshot file] [--approve-timeout duration] " \
	"[--confirm-timeout duration]\n" \
	"               -f sender [--] recipient ...\n" \
	"       mp-hold [-c file] --run [--now time]\n" \
	"       mp-hold [-c file] --list [--state state] [--sender address] " \
	"[--older-than duration] [--json]\n" \
	"       mp-hold [-c file] --show id [--json]\n" \
	"       mp-hold [-c file] --release id | --discard id\n" \
	"       mp-hold [-c file] --purge [--older-than duration]\n"

enum {
	OPT_FOR = MP_OPT_FIRST_OWN, OPT_STAGGER, OPT_APPROVE, OPT_CONFIRM,
	OPT_APPROVER, OPT_RULE, OPT_REASON, OPT_OVERRIDE, OPT_NOW, OPT_RUN,
	OPT_LIST, OPT_STATE, OPT_SENDER, OPT_OLDER_THAN, OPT_JSON, OPT_SHOW,
	OPT_RELEASE, OPT_DISCARD, OPT_PURGE, OPT_SYSLOG,
};

static const struct option shared[] = {
	MP_CLI_PLAIN_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* what mp-hold is asked to do; the [hold] keys are mp_hold_key_opts */
static const MpOptSpec table[] = {
	{ .id = OPT_FOR, .name = "for", .has_arg = required_argument,
	  .type = MP_KEY_DURATION, .min = 0, .max = MP_HOLD_TIME_MAX },
	{ .id = OPT_STAGGER, .name = "stagger", .has_arg = required_argument,
	  .type = MP_KEY_DURATION, .min = 0, .max = MP_HOLD_TIME_MAX },
	{ .id = OPT_APPROVE, .name = "approve", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_CONFIRM, .name = "confirm", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_APPROVER, .name = "approver",
	  .has_arg = required_argument },
	{ .id = OPT_RULE, .name = "rule", .has_arg = required_argument },
	{ .id = OPT_REASON, .name = "reason", .has_arg = required_argument },
	{ .id = OPT_OVERRIDE, .name = "override", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_NOW, .name = "now", .has_arg = required_argument },
	{ .id = OPT_RUN, .name = "run", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_LIST, .name = "list", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_STATE, .name = "state", .has_arg = required_argument,
	  .type = MP_KEY_ENUM, .choices = "held|released|approved|sent|discarded|rejected|"
	  "expired|failed" },
	{ .id = OPT_SENDER, .name = "sender", .has_arg = required_argument },
	{ .id = OPT_OLDER_THAN, .name = "older-than",
	  .has_arg = required_argument, .type = MP_KEY_DURATION, .min = 0,
	  .max = MP_HOLD_KEEP_MAX },
	{ .id = OPT_JSON, .name = "json", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_SHOW, .name = "show", .has_arg = required_argument },
	{ .id = OPT_RELEASE, .name = "release", .has_arg = required_argument },
	{ .id = OPT_DISCARD, .name = "discard", .has_arg = required_argument },
	{ .id = OPT_PURGE, .name = "purge", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_SYSLOG, .name = "syslog", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	MP_OPT_END,
};

/* What the command line says besides the tables. */
typedef struct {
	const char *sender;	/* -f */
	GPtrArray *approvers;	/* --approver, again and again */
} Args;

static void usage(void) G_GNUC_NORETURN;
static gboolean take(gpointer data, int id, const char *arg);
static int job_from(const MpOpts *o, Args *a, int argc, char **argv,
    MpHoldJob *job, GError **err);

int
main(int argc, char **argv)
{
	const MpCliSyntax syn = { "mp-hold", USAGE, "c:f:h", shared, take,
	    NULL };
	MpOpts own, keys, *tables[2] = { &own, &keys };
	MpCliOpts cli;
	Args a = { NULL, g_ptr_array_new_with_free_func(g_free) };
	MpHoldJob job = { 0 };
	MpHoldCtx ctx = { 0 };
	MpConfig *cfg = NULL;
	MpAddrParser *ap = NULL;
	GError *err = NULL;
	int status;

	mp_cli_init(&cli);
	mp_opts_init(&own, "hold", table);
	mp_opts_init(&keys, "hold", mp_hold_key_opts);
	if ((status = mp_cli_parse(&syn, &a, &cli, tables, 2, &argc,
	    &argv)) != -1)
		goto out;
	mp_diag_open("mp-hold", mp_opts_given(&own, OPT_SYSLOG));
	if ((status = mp_config_load(cli.config, &cfg, &err)) != MP_OK ||
	    (status = mp_opts_read(&own, cfg, &err)) != MP_OK ||
	    (status = mp_opts_read(&keys, cfg, &err)) != MP_OK)
		goto fail;
	ap = mp_addr_parser_new();
	if ((status = job_from(&own, &a, argc, argv, &job, &err)) != MP_OK)
		goto fail;
	job.syslog = job.syslog || cfg->syslog;
	mp_diag_open("mp-hold", job.syslog);
	if (job.rq.sender != NULL && *job.rq.sender != '\0' &&
	    (status = mp_addr_check_arg(ap, "-f", job.rq.sender, &err)) !=
	    MP_OK)
		goto fail;
	if ((status = mp_hold_ctx_load(&ctx, &keys, cfg,
	    job.kind == MP_HOLD_JOB_QUEUE || job.kind == MP_HOLD_JOB_RUN,
	    &err)) != MP_OK) {
		/* pipe(8) run as the wrong user: the MTA keeps the mail */
		if (status == EX_NOPERM && job.kind == MP_HOLD_JOB_QUEUE)
			status = EX_TEMPFAIL;
		goto fail;
	}
	if (mp_opts_given(&own, OPT_NOW) && !mp_time_parse(mp_opts_value(&own,
	    OPT_NOW), ctx.tz, &ctx.now)) {
		status = mp_opts_bad_arg(&own, OPT_NOW, "not a time", &err);
		goto fail;
	}
	if ((status = mp_hold_job(&ctx, ap, &job, &err)) == MP_OK)
		status = mp_stdout_finish(&err);
fail:
	if (status == EX_USAGE && err == NULL)
		usage();
	if (err != NULL)
		mp_diag_error(job.syslog, NULL, "%s", err->message);
out:
	g_clear_error(&err);
	mp_hold_ctx_clear(&ctx);
	if (ap != NULL)
		mp_addr_parser_free(ap);
	g_ptr_array_free(a.approvers, TRUE);
	mp_opts_clear(&keys);
	mp_opts_clear(&own);
	mp_cli_clear(&cli);
	mp_config_free(cfg);
	return status;
}

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

/* take - -f and --approver, which the table cannot keep */
static gboolean
take(gpointer data, int id, const char *arg)
{
	Args *a = data;

	if (id == 'f') {
		a->sender = arg;
		return TRUE;
	}
	if (id == OPT_APPROVER) {
		g_ptr_array_add(a->approvers, g_strdup(arg));
		return TRUE;
	}
	return FALSE;
}

/* job_from - the job the options and operands ask for: one mode of
 * queueing, or one administrator's command; 64 when they do not fit */
static int
job_from(const MpOpts *o, Args *a, int argc, char **argv, MpHoldJob *job,
    GError **err)
{
	static const int commands[] = { OPT_RUN, OPT_LIST, OPT_SHOW,
	    OPT_RELEASE, OPT_DISCARD, OPT_PURGE };
	static const int modes[] = { OPT_FOR, OPT_STAGGER, OPT_APPROVE,
	    OPT_CONFIRM };
	int i, ncommands = 0, nmodes = 0, command = 0;

	for (i = 0; i < (int)G_N_ELEMENTS(commands); i++)
		if (mp_opts_given(o, commands[i])) {
			ncommands++;
			command = commands[i];
		}
	for (i = 0; i < (int)G_N_ELEMENTS(modes); i++)
		nmodes += mp_opts_given(o, modes[i]);
	job->syslog = mp_opts_bool(o, OPT_SYSLOG, FALSE);
	job->json = mp_opts_bool(o, OPT_JSON, FALSE);
	if (ncommands > 1 || nmodes > 1)
		return EX_USAGE;
	if (ncommands == 1) {
		/* an administrator's command takes no message */
		if (argc != 0 || nmodes > 0 || a->sender != NULL ||
		    a->approvers->len > 0 ||
		    (job->json && command != OPT_LIST && command != OPT_SHOW) ||
		    ((mp_opts_given(o, OPT_STATE) ||
		    mp_opts_given(o, OPT_SENDER)) && command != OPT_LIST) ||
		    (mp_opts_given(o, OPT_OLDER_THAN) && command != OPT_LIST &&
		    command != OPT_PURGE))
			return EX_USAGE;
		job->kind = command == OPT_RUN ? MP_HOLD_JOB_RUN :
		    command == OPT_LIST ? MP_HOLD_JOB_LIST :
		    command == OPT_SHOW ? MP_HOLD_JOB_SHOW :
		    command == OPT_RELEASE ? MP_HOLD_JOB_RELEASE :
		    command == OPT_DISCARD ? MP_HOLD_JOB_DISCARD :
		    MP_HOLD_JOB_PURGE;
		job->id = mp_opts_value(o, command);
		if ((job->kind == MP_HOLD_JOB_SHOW ||
		    job->kind == MP_HOLD_JOB_RELEASE ||
		    job->kind == MP_HOLD_JOB_DISCARD) && !mp_hold_is_id(job->id))
			return mp_opts_bad_arg(o, command, "not an entry id "
			    "(32 hex digits)", err);
		if ((job->by_state = mp_opts_given(o, OPT_STATE)))
			mp_hold_state_parse(mp_opts_value(o, OPT_STATE),
			    &job->state);
		job->sender = mp_opts_value(o, OPT_SENDER);
		if ((job->by_age = mp_opts_given(o, OPT_OLDER_THAN)))
			job->older_than = mp_opts_uint(o, OPT_OLDER_THAN, 0);
		return MP_OK;
	}
	/* queueing: the envelope as pipe(8) passes it */
	if (a->sender == NULL || argc < 1 || job->json ||
	    mp_opts_given(o, OPT_STATE) || mp_opts_given(o, OPT_SENDER) ||
	    mp_opts_given(o, OPT_OLDER_THAN) ||
	    (a->approvers->len > 0 && !mp_opts_given(o, OPT_APPROVE)))
		return EX_USAGE;
	job->kind = MP_HOLD_JOB_QUEUE;
	job->rq.sender = strcmp(a->sender, "<>") == 0 ? "" : a->sender;
	job->rq.recipients = argv;
	job->rq.nrecipients = (guint)argc;
	for (i = 0; i < argc; i++)
		if (*argv[i] == '\0')
			return mp_fail(err, EX_USAGE, "an empty recipient");
	if (a->approvers->len > 0) {
		g_ptr_array_add(a->approvers, NULL);
		job->rq.approvers = (char **)a->approvers->pdata;
	}
	job->rq.rule = mp_opts_value(o, OPT_RULE);
	job->rq.reason = mp_opts_value(o, OPT_REASON);
	job->rq.override = mp_opts_bool(o, OPT_OVERRIDE, FALSE);
	if (mp_opts_given(o, OPT_STAGGER)) {
		job->rq.mode = MP_HOLD_MODE_STAGGER;
		job->rq.duration = mp_opts_uint(o, OPT_STAGGER, 0);
	} else if (mp_opts_given(o, OPT_APPROVE)) {
		job->rq.mode = MP_HOLD_MODE_APPROVE;
	} else if (mp_opts_given(o, OPT_CONFIRM)) {
		job->rq.mode = MP_HOLD_MODE_CONFIRM;
	} else {
		job->rq.mode = MP_HOLD_MODE_HOLD;
		job->rq.duration = mp_opts_uint(o, OPT_FOR, G_MAXUINT64);
	}
	return MP_OK;
}
