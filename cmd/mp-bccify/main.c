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
	OPT_ALL = MP_OPT_FIRST_OWN,
	OPT_SELF_ONLY,
	OPT_BCC_HEADER,
	OPT_NO_BCC_HEADER,
	OPT_TRACE,
	OPT_NO_TRACE,
	OPT_SENDER,
};

/* the options over [bccify]: rows of one key are one setting */
static const MpOptSpec own_opts[] = {
	{ .id = 'n', .name = "threshold", .has_arg = required_argument,
	  .key = "threshold",
	  .def = G_STRINGIFY(MP_BCCIFY_THRESHOLD_DEFAULT) },
	{ .id = OPT_ALL, .name = "all", .has_arg = no_argument,
	  .key = "mode", .set = "all", .def = "external" },
	{ .id = OPT_SELF_ONLY, .name = "self-only", .has_arg = no_argument,
	  .key = "mode", .set = "self-only", .def = "external" },
	{ .id = OPT_BCC_HEADER, .name = "bcc-header", .has_arg = no_argument,
	  .key = "bcc-header", .set = "yes", .def = "no" },
	{ .id = OPT_NO_BCC_HEADER, .name = "no-bcc-header",
	  .has_arg = no_argument, .key = "bcc-header", .set = "no",
	  .def = "no" },
	{ .id = OPT_TRACE, .name = "trace", .has_arg = no_argument,
	  .key = "trace", .set = "yes", .def = "yes" },
	{ .id = OPT_NO_TRACE, .name = "no-trace", .has_arg = no_argument,
	  .key = "trace", .set = "no", .def = "yes" },
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
	.section = "bccify", .table = own_opts,
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

/* set_policy - flags over [bccify] in mp.conf over built-in defaults */
static int
set_policy(gpointer data, GError **err)
{
	Run *run = data;
	const MpOpts *own = &run->cli.own;
	MpBccifyOpts *b = &run->bopts;

	if (!mp_bccify_mode_parse(mp_opts_value(own, OPT_ALL), &b->mode))
		b->mode = MP_BCCIFY_EXTERNAL;	/* checked by the schema */
	b->threshold = (guint)mp_opts_uint(own, 'n',
	    MP_BCCIFY_THRESHOLD_DEFAULT);
	b->bcc_header = mp_opts_bool(own, OPT_BCC_HEADER, FALSE);
	b->trace = mp_opts_bool(own, OPT_TRACE, TRUE);
	b->sender = mp_opts_value(own, OPT_SENDER);
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
