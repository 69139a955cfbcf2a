/* mp-bccify - move a long external To/Cc list out of the visible headers */
#include "bccify/bccify.h"
#include "mail/classify.h"
#include "cli/cli.h"
#include "base/diag.h"
#include "base/output.h"

#define USAGE \
	"usage: mp-bccify [-n threshold] [--all | --self-only] " \
	"[--bcc-header | --no-bcc-header]\n" \
	"                 [--trace | --no-trace] " \
"[--sender address] [-c file] [--internal domain]\n" \
	"                 [--semi-internal domain] [--syslog] " \
	"[--mbox file | --maildir dir | file ...]\n"

enum {
	OPT_SENDER = MP_BCCIFY_OPT_FREE,
};

/* what only the command line says; the rows over [bccify] are in
 * lib/bccify/bccify.c */
static const MpOptSpec cmd_opts[] = {
	{ .id = OPT_SENDER, .name = "sender", .has_arg = required_argument },
	MP_OPT_END,
};

typedef struct {
	MpCli cli;		/* the options, mp.conf and the run */
	MpAddrParser *ap;
	MpBccifyOpts bopts;
} Run;

static gboolean usable(gpointer data);
static int set_policy(gpointer data, GError **err);
static int one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **why);

/* the command line and the steps of mp_cli_main */
static const MpCliCommand command = {
	.tool = "mp-bccify", .usage = USAGE, .shortopts = "c:hn:",
	.section = "bccify", .table = mp_bccify_conf_opts,
	.extra = cmd_opts,
	.usable = usable, .set_policy = set_policy,
	.one_message = one_message,
};

int
main(int argc, char **argv)
{
	Run run = { 0 };
	int status;

	status = mp_cli_main(&command, &run.cli, &run, argc, argv);
	mp_addr_parser_free(run.ap);
	return status;
}

/* usable - a batch is a report, which needs no bodies */
static gboolean
usable(gpointer data)
{
	Run *run = data;

	run->cli.opts.head_only = run->cli.run.batch;
	return TRUE;
}

/* set_policy - [bccify] resolved, the flags over it (lib/bccify), and
 * --sender */
static int
set_policy(gpointer data, GError **err)
{
	Run *run = data;
	MpBccifyOpts *b = &run->bopts;

	mp_bccify_conf_load(&run->cli.own, b);
	b->sender = mp_opts_value(&run->cli.extra, OPT_SENDER);
	run->ap = mp_addr_parser_new();
	return mp_addr_check_arg(run->ap, "--sender", b->sender, err);
}

/*
 * one_message - rewrite one message, or in a batch report what would
 * happen to it (the archive is never changed).
 */
static int
one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **why)
{
	Run *run = data;
	MpBccifyResult res;
	GError *err = NULL;
	char *label, *msgid;
	int r = MP_OK;

	(void)why;		/* every message that was read is judged */
	label = mp_source_label(src);
	mp_bccify(run->cli.cfg, run->ap, msg, &run->bopts, &res);
	msgid = mp_message_id(msg);
	if (res.out != NULL) {
		if (res.dkim_signed)
			mp_diag_warn(run->cli.cfg->syslog, msgid, "%s: a "
			    "DKIM-Signature signs To or Cc; this rewrite breaks "
			    "it (run mp before signing)", label);
		mp_diag_info(run->cli.cfg->syslog, msgid,
		    "action=bccify moved=%u external=%u", res.moved,
		    res.external);
	}
	if (run->cli.run.batch) {
		if (res.out != NULL)
			r = mp_stdio_printf(stdout, &err,
			    "%s: moved=%u external=%u\n", label, res.moved,
			    res.external);
		else
			r = mp_stdio_printf(stdout, &err,
			    "%s: unchanged external=%u\n", label, res.external);
	} else if (res.out != NULL) {
		r = mp_stdio_put(stdout, res.out->str, res.out->len, &err);
	} else {
		r = mp_stdio_put(stdout, msg->data, msg->len, &err);
	}
	mp_bccify_result_clear(&res);
	g_free(msgid);
	g_free(label);
	return mp_run_output(&run->cli.run, r, err);
}
