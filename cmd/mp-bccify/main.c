/* mp-bccify - move a long external To/Cc list out of the visible headers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	OPT_NO_TRACE,
	OPT_SENDER,
	OPT_NO_BCC_HEADER,
	OPT_TRACE,
};

typedef struct {
	MpCliOpts cli;
	const char *threshold;
	gboolean all, self_only;
	int bcc_header, trace;	/* -1 unset: [bccify] in mp.conf decides */
	const char *sender;
	gboolean batch;
} Options;

typedef struct {
	MpRun run;		/* the shared bookkeeping */
	const Options *opt;
	MpConfig *cfg;
	MpAddrParser *ap;
	MpBccifyOpts bopts;
} Run;

static void usage(void) G_GNUC_NORETURN;
static int set_policy(const Options *opt, const MpConfig *cfg,
    MpBccifyOpts *b, GError **err);
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		MP_CLI_LONG_OPTIONS,
		{ "threshold", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "self-only", no_argument, NULL, OPT_SELF_ONLY },
		{ "bcc-header", no_argument, NULL, OPT_BCC_HEADER },
		{ "no-bcc-header", no_argument, NULL, OPT_NO_BCC_HEADER },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
		{ "sender", required_argument, NULL, OPT_SENDER },
		{ NULL, 0, NULL, 0 },
	};
	Options opt = { 0 };
	Run run = { 0 };
	GError *err = NULL;
	int c, status;

	mp_diag_open("mp-bccify", FALSE);
	argv[0] = "mp-bccify";	/* getopt's messages name the tool */
	mp_cli_init(&opt.cli);
	opt.bcc_header = opt.trace = -1;
	while ((c = getopt_long(argc, argv, "c:hn:", longopts, NULL)) != -1) {
		if (mp_cli_option(&opt.cli, c, optarg))
			continue;
		switch (c) {
		case 'n':
			opt.threshold = optarg;
			break;
		case OPT_ALL:
			opt.all = TRUE;
			break;
		case OPT_SELF_ONLY:
			opt.self_only = TRUE;
			break;
		case OPT_BCC_HEADER:
		case OPT_NO_BCC_HEADER:
			if (opt.bcc_header >= 0)
				usage();
			opt.bcc_header = c == OPT_BCC_HEADER;
			break;
		case OPT_TRACE:
		case OPT_NO_TRACE:
			if (opt.trace >= 0)
				usage();
			opt.trace = c == OPT_TRACE;
			break;
		case OPT_SENDER:
			opt.sender = optarg;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case MP_OPT_VERSION:
			puts("mp-bccify " MP_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	opt.batch = mp_cli_is_batch(&opt.cli, argc);
	opt.cli.head_only = opt.batch;	/* a report needs no bodies */
	if ((opt.all && opt.self_only) || (opt.cli.mbox != NULL) +
	    (opt.cli.maildir != NULL) + (argc > 0) > 1)
		usage();

	if ((status = mp_cli_config(&opt.cli, &run.cfg, &err)) != MP_OK ||
	    (status = set_policy(&opt, run.cfg, &run.bopts, &err)) != MP_OK) {
		mp_diag_error(opt.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	mp_diag_open("mp-bccify", run.cfg->syslog);
	run.run.batch = opt.batch;
	run.run.syslog = run.cfg->syslog;
	run.opt = &opt;
	run.ap = mp_addr_parser_new();
	if (opt.sender != NULL) {
		MpAddr a;

		if (!mp_addr_parse_one(run.ap, opt.sender, &a)) {
			fprintf(stderr, "mp-bccify: --sender: not an address: %s\n",
			    opt.sender);
			status = EX_USAGE;
			goto done;
		}
		mp_addr_clear(&a);
	}

	status = mp_cli_run(&opt.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	status = mp_run_finish(&run.run, status, err);
	err = NULL;
done:
	g_clear_error(&err);
	g_clear_error(&run.run.err);
	mp_addr_parser_free(run.ap);
	mp_config_free(run.cfg);
	mp_cli_clear(&opt.cli);
	return status;
}

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

/* set_policy - flags over [bccify] in mp.conf over built-in defaults */
static int
set_policy(const Options *opt, const MpConfig *cfg, MpBccifyOpts *b,
    GError **err)
{
	char *mode = mp_config_string(cfg, "bccify", "mode", "external");
	guint64 n;

	if (!mp_bccify_mode_parse(mode, &b->mode))
		b->mode = MP_BCCIFY_EXTERNAL;	/* checked by the schema */
	g_free(mode);
	if (opt->all)
		b->mode = MP_BCCIFY_ALL;
	if (opt->self_only)
		b->mode = MP_BCCIFY_SELF_ONLY;
	b->threshold = (guint)mp_config_uint(cfg, "bccify", "threshold",
	    MP_BCCIFY_THRESHOLD_DEFAULT);
	if (opt->threshold != NULL) {
		if (!g_ascii_string_to_unsigned(opt->threshold, 10, 1, 1000000,
		    &n, NULL)) {
			fprintf(stderr, "mp-bccify: -n: not a number from 1 to "
			    "1000000: %s\n", opt->threshold);
			exit(EX_USAGE);
		}
		b->threshold = (guint)n;
	}
	b->bcc_header = opt->bcc_header >= 0 ? opt->bcc_header :
	    mp_config_bool(cfg, "bccify", "bcc-header", FALSE);
	b->trace = opt->trace >= 0 ? opt->trace :
	    mp_config_bool(cfg, "bccify", "trace", TRUE);
	b->sender = opt->sender;
	(void)err;
	return MP_OK;
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
	if (run->opt->batch) {
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
