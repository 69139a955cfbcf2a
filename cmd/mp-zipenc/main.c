/* mp-zipenc - attachments into one encrypted ZIP, the password apart */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/classify.h"
#include "cli/cli.h"
#include "base/diag.h"
#include "notice/noticeopt.h"
#include "base/output.h"
#include "base/secret.h"
#include "attach/zipenc.h"

#define USAGE \
	"usage: mp-zipenc [--cipher aes256 | zipcrypto] " \
	"[--names utf-8 | cp932] [--level n]\n" \
	"                 [--password-length n | --password-file file] " \
	"[--zip-name pattern]\n" \
	"                 [--lang ja | en] [--notify sender | recipients] " \
	"[--delay seconds]\n" \
	"                 [--notice file] [--notice-maildir dir] " \
	"[--notice-cmd command]\n" \
	"                 [--template-dir dir] [--note-place body | part]\n" \
	"                 [--max-bytes size] [--max-entries n] " \
	"[--on-limit reject | pass]\n" \
	"                 [--sender address] [-c file] [--syslog]\n" \
	"                 [--mbox file | --maildir dir | file ...]\n"

enum {
	OPT_CIPHER = MP_OPT_FIRST_OWN,
	OPT_NAMES,
	OPT_LEVEL,
	OPT_ZIP_NAME,
	OPT_MAX_BYTES,
	OPT_MAX_ENTRIES,
	OPT_ON_LIMIT,
};
#define N_OWN (OPT_ON_LIMIT - OPT_CIPHER + 1)
G_STATIC_ASSERT(N_OWN <= MP_CONF_OPTS_MAX);

/* option name and [zipenc] key of each own option, from OPT_CIPHER; the
 * notice's are in lib/noticeopt.c */
static const char *const opt_name[N_OWN] = {
	"cipher", "names", "level", "zip-name", "max-bytes", "max-entries",
	"on-limit",
};
static const char *const conf_key[N_OWN] = {
	"cipher", "names", "compression-level", "zip-name", "max-bytes",
	"max-entries", "on-limit",
};

typedef struct {
	MpRun run;		/* the shared bookkeeping */
	MpCliOpts cli;
	MpConfOpts own;		/* the options above over [zipenc] */
	MpNoticeOpts notice;
	MpConfig *cfg;
	MpAddrParser *ap;
	MpZipencOpts z;
} Run;

static void usage(void) G_GNUC_NORETURN;
static int set_policy(Run *run, GError **err);
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		MP_CLI_LONG_OPTIONS_NO_DOMAINS,
		{ "cipher", required_argument, NULL, OPT_CIPHER },
		{ "names", required_argument, NULL, OPT_NAMES },
		{ "level", required_argument, NULL, OPT_LEVEL },
		MP_NOTICE_LONG_OPTIONS,
		{ "zip-name", required_argument, NULL, OPT_ZIP_NAME },
		{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
		{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
		{ "on-limit", required_argument, NULL, OPT_ON_LIMIT },
		{ NULL, 0, NULL, 0 },
	};
	Run run = { 0 };
	GError *err = NULL;
	int c, status;

	mp_diag_open("mp-zipenc", FALSE);
	argv[0] = "mp-zipenc";	/* getopt's messages name the tool */
	mp_cli_init(&run.cli);
	mp_conf_opts_init(&run.own, "zipenc", OPT_CIPHER, N_OWN, opt_name,
	    conf_key);
	mp_notice_opts_init(&run.notice, "zipenc");
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (mp_cli_option(&run.cli, c, optarg) ||
		    mp_notice_option(&run.notice, c, optarg) ||
		    mp_conf_option(&run.own, c, optarg))
			continue;
		switch (c) {
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case MP_OPT_VERSION:
			puts("mp-zipenc " MP_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	run.run.batch = mp_cli_is_batch(&run.cli, argc);
	if ((run.cli.mbox != NULL) + (run.cli.maildir != NULL) +
	    (argc > 0) > 1 || mp_notice_opts_conflict(&run.notice))
		usage();

	if ((status = mp_config_load(run.cli.config, &run.cfg, &err)) !=
	    MP_OK || (status = set_policy(&run, &err)) != MP_OK) {
		mp_diag_error(run.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	if (run.cli.syslog)
		run.cfg->syslog = TRUE;
	run.run.syslog = run.cfg->syslog;
	mp_diag_open("mp-zipenc", run.cfg->syslog);
	/* a notice command that exits early must fail a write, not kill us */
	signal(SIGPIPE, SIG_IGN);

	status = mp_cli_run(&run.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	status = mp_run_finish(&run.run, status, err);
	err = NULL;
done:
	g_clear_error(&err);
	g_clear_error(&run.run.err);
	mp_notice_opts_clear(&run.notice);
	mp_conf_opts_clear(&run.own);
	mp_addr_parser_free(run.ap);
	mp_config_free(run.cfg);
	mp_cli_clear(&run.cli);
	return status;
}

/* usage - the usage text on standard error, exit 64 */
static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

/* zip_name_ok - whether a pattern makes a file name today */
static gboolean
zip_name_ok(const char *pattern)
{
	GDateTime *now = g_date_time_new_now_local();
	char *t = g_date_time_format(now, pattern);
	gboolean ok = t != NULL && *t != '\0';

	g_date_time_unref(now);
	g_free(t);
	return ok;
}

/*
 * set_policy - flags over [zipenc] in mp.conf over built-in defaults;
 * then the templates and the password file, so that a mistake in any
 * of them stops us before a message is read.
 */
static int
set_policy(Run *run, GError **err)
{
	MpConfOpts *own = &run->own;
	MpZipencOpts *z = &run->z;
	guint64 n;
	int status;
	const char *v;

	mp_conf_opts_read(own, run->cfg);
	z->zip.cipher = MP_ZIP_AES256;
	z->zip.names = MP_ZIP_NAMES_UTF8;
	z->zip.level = MP_ZIP_LEVEL_DEFAULT;
	z->zip_name = MP_ZIPENC_ZIP_NAME_DEFAULT;
	z->max_bytes = MP_ZIPENC_MAX_BYTES_DEFAULT;
	z->max_entries = MP_ZIPENC_MAX_ENTRIES_DEFAULT;
	if ((v = mp_conf_opts_value(own, OPT_CIPHER)) != NULL &&
	    !mp_zip_cipher_parse(v, &z->zip.cipher))
		return mp_conf_opts_bad_arg(own, OPT_CIPHER,
		    "not aes256 or zipcrypto", err);
	if ((v = mp_conf_opts_value(own, OPT_NAMES)) != NULL &&
	    !mp_zip_names_parse(v, &z->zip.names))
		return mp_conf_opts_bad_arg(own, OPT_NAMES,
		    "not utf-8 or cp932", err);
	if ((status = mp_notice_opts_choose(&run->notice, run->cfg, &z->notice,
	    err)) != MP_OK)
		return status;
	if ((v = mp_conf_opts_value(own, OPT_ON_LIMIT)) != NULL) {
		if (strcmp(v, "pass") != 0 && strcmp(v, "reject") != 0)
			return mp_conf_opts_bad_arg(own, OPT_ON_LIMIT,
			    "not reject or pass", err);
		z->on_limit_pass = strcmp(v, "pass") == 0;
	}
	n = (guint64)z->zip.level;
	if ((status = mp_conf_opts_number(own, OPT_LEVEL, MP_NUMBER_COUNT, 0,
	    9, &n, err)) != MP_OK)
		return status;
	z->zip.level = (int)n;
	if ((status = mp_notice_opts_password_length(&run->notice, &z->notice,
	    err)) != MP_OK ||
	    (status = mp_notice_opts_delay(&run->notice, &z->notice, err)) !=
	    MP_OK ||
	    (status = mp_conf_opts_number(own, OPT_MAX_BYTES, MP_NUMBER_SIZE,
	    1024, (guint64)4 << 30, &z->max_bytes, err)) != MP_OK)
		return status;
	n = z->max_entries;
	if ((status = mp_conf_opts_number(own, OPT_MAX_ENTRIES,
	    MP_NUMBER_COUNT, 1, 1000000, &n, err)) != MP_OK)
		return status;
	z->max_entries = (guint)n;
	if ((v = mp_conf_opts_value(own, OPT_ZIP_NAME)) != NULL) {
		if (!zip_name_ok(v))
			return mp_conf_opts_arg(own, OPT_ZIP_NAME) != NULL ?
			    mp_conf_opts_bad_arg(own, OPT_ZIP_NAME, "not a "
			    "pattern (strftime: %Y %m %d %H %M %S)", err) :
			    mp_conf_opts_bad_key(own, OPT_ZIP_NAME, "a pattern",
			    err);
		z->zip_name = v;
	}
	run->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(run->ap, TRUE);
	if ((status = mp_notice_opts_load(&run->notice, run->ap,
	    &mp_zipenc_texts, &z->notice, err)) != MP_OK)
		return status;
	z->dry_run = run->run.batch;
	if (!run->run.batch &&
	    (status = mp_notice_opts_need_dest(&run->notice, err)) != MP_OK)
		return status;
	return mp_secret_init(err);
}

/* report - one batch line: what would happen to this message */
static int
report(const char *label, const MpZipencResult *res, int status,
    const GError *e, GError **err)
{
	if (status != MP_OK && res->action != MP_ZIPENC_OVER_LIMIT)
		return mp_stdio_printf(stdout, err, "%s: error: %s\n", label,
		    e->message);
	switch (res->action) {
	case MP_ZIPENC_ZIPPED:
		return mp_stdio_printf(stdout, err, "%s: zipped=%u "
		    "bytes=%" G_GUINT64_FORMAT " kept=%u\n", label, res->zipped,
		    res->bytes, res->kept);
	case MP_ZIPENC_OVER_LIMIT:
		return mp_stdio_printf(stdout, err, "%s: over-limit: %s\n",
		    label, res->why);
	default:
		return mp_stdio_printf(stdout, err, "%s: unchanged kept=%u\n",
		    label, res->kept);
	}
}

/* deliver - the notice, and only when it is safe the message */
static int
deliver(Run *run, const MpMessage *msg, const MpZipencResult *res,
    const char *label, const char *msgid, GError **err)
{
	int r, caught;

	if (res->action == MP_ZIPENC_OVER_LIMIT)
		mp_diag_warn(run->run.syslog, msgid, "%s: %s; passed through "
		    "unencrypted (on-limit = pass)", label, res->why);
	if (res->out == NULL)
		return mp_stdio_put(stdout, msg->data, msg->len, err);
	/* a signal that stopped the notice command: nothing was printed,
	 * and 75 ends us (one message: not a batch) */
	if ((r = mp_notice_deliver(&run->notice.dest, res->notice, &caught,
	    err)) != MP_OK)
		return r;
	if (res->dkim_signed)
		mp_diag_warn(run->run.syslog, msgid, "%s: a DKIM-Signature "
		    "signs the body; this rewrite breaks it (run mp before "
		    "signing)", label);
	mp_diag_info(run->run.syslog, msgid, "action=zipenc zipped=%u "
	    "kept=%u bytes=%" G_GUINT64_FORMAT " zip=%" G_GSIZE_FORMAT
	    " cipher=%s notify=%s", res->zipped, res->kept, res->bytes,
	    res->zip_size, mp_zip_cipher_name(run->z.zip.cipher),
	    run->z.notice.notify == MP_NOTIFY_SENDER ? "sender" :
	    "recipients");
	return mp_spool_put(res->out, stdout, err);
}

/*
 * one_message - rewrite one message: the notice is delivered first, and
 * only when it is safe is the message printed; in a batch, report what
 * would happen (nothing is delivered, the archive is never changed).
 */
static int
one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data)
{
	Run *run = data;
	MpZipencResult res;
	GError *e = NULL, *err = NULL;
	char *label, *msgid;
	int r;

	if (msg == NULL)
		return mp_run_failed(&run->run, src, status, why);
	label = mp_source_label(src);
	msgid = mp_message_id(msg);
	status = mp_zipenc(msg, &run->cfg->limits, run->ap, &run->z, &res, &e);
	if (run->run.batch) {
		if (status != MP_OK)
			mp_run_batch_failure(&run->run, msgid, label, status,
			    e);
		r = report(label, &res, status, e, &err);
		r = mp_run_output(&run->run, r, err);
	} else if (status != MP_OK) {
		r = mp_run_failed(&run->run, src, status, e);
	} else {
		r = deliver(run, msg, &res, label, msgid, &err);
		r = mp_run_output(&run->run, r, err);
	}
	g_clear_error(&e);
	mp_zipenc_result_clear(&res);
	g_free(msgid);
	g_free(label);
	return r;
}
