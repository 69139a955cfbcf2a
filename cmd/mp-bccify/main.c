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
	MpRun run;		/* the shared bookkeeping */
	MpCliOpts cli;
	MpOpts own;		/* the table above over [bccify] */
	MpConfig *cfg;
	MpAddrParser *ap;
	MpBccifyOpts bopts;
} Run;

static int set_policy(Run *run, GError **err);
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);

int
main(int argc, char **argv)
{
	static const struct option shared[] = {
		MP_CLI_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	Run run = { 0 };
	MpCliCommand cmd = { "mp-bccify", USAGE, "c:hn:", shared, &run.own,
	    NULL, NULL };
	GError *err = NULL;
	int status;

	mp_cli_init(&run.cli);
	mp_opts_init(&run.own, "bccify", own_opts);
	if ((status = mp_cli_parse(&cmd, &run.cli, &argc, &argv)) !=
	    MP_CLI_GO_ON)
		goto done;
	run.run.batch = mp_cli_is_batch(&run.cli, argc);
	run.cli.head_only = run.run.batch;	/* a report needs no bodies */

	if ((status = mp_cli_config(&run.cli, &run.cfg, &err)) != MP_OK ||
	    (status = set_policy(&run, &err)) != MP_OK) {
		mp_diag_error(run.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	mp_diag_open("mp-bccify", run.cfg->syslog);
	run.run.syslog = run.cfg->syslog;

	status = mp_cli_run(&run.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	status = mp_run_finish(&run.run, status, err);
	err = NULL;
done:
	g_clear_error(&err);
	g_clear_error(&run.run.err);
	mp_addr_parser_free(run.ap);
	mp_config_free(run.cfg);
	mp_opts_clear(&run.own);
	mp_cli_clear(&run.cli);
	return status;
}

/* set_policy - flags over [bccify] in mp.conf over built-in defaults */
static int
set_policy(Run *run, GError **err)
{
	MpBccifyOpts *b = &run->bopts;
	int status;

	if ((status = mp_opts_read(&run->own, run->cfg, err)) != MP_OK)
		return status;
	if (!mp_bccify_mode_parse(mp_opts_value(&run->own, OPT_ALL), &b->mode))
		b->mode = MP_BCCIFY_EXTERNAL;	/* checked by the schema */
	b->threshold = (guint)mp_opts_uint(&run->own, 'n',
	    MP_BCCIFY_THRESHOLD_DEFAULT);
	b->bcc_header = mp_opts_bool(&run->own, OPT_BCC_HEADER, FALSE);
	b->trace = mp_opts_bool(&run->own, OPT_TRACE, TRUE);
	b->sender = mp_opts_value(&run->own, OPT_SENDER);
	run->ap = mp_addr_parser_new();
	return mp_cli_check_sender(run->ap, "--sender", b->sender, err);
}

/*
 * one_message - rewrite one message, or in a batch report what would
 * happen to it (the archive is never changed).
 */
static int
one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data)
{
	Run *run = data;
	MpBccifyResult res;
	GError *err = NULL;
	char *label, *msgid;
	int r = MP_OK;

	if (msg == NULL)
		return mp_run_failed(&run->run, src, status, why);
	label = mp_source_label(src);
	mp_bccify(run->cfg, run->ap, msg, &run->bopts, &res);
	msgid = mp_message_id(msg);
	if (res.out != NULL) {
		if (res.dkim_signed)
			mp_diag_warn(run->cfg->syslog, msgid, "%s: a "
			    "DKIM-Signature signs To or Cc; this rewrite breaks "
			    "it (run mp before signing)", label);
		mp_diag_info(run->cfg->syslog, msgid,
		    "action=bccify moved=%u external=%u", res.moved,
		    res.external);
	}
	if (run->run.batch) {
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
	return mp_run_output(&run->run, r, err);
}
