/* mp-zipenc - attachments into one encrypted ZIP, the password apart */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli.h"
#include "diag.h"
#include "output.h"
#include "secret.h"
#include "zipenc.h"

#define USAGE \
	"usage: mp-zipenc [--cipher aes256 | zipcrypto] " \
	"[--names utf-8 | cp932] [--level n]\n" \
	"                 [--password-length n | --password-file file] " \
	"[--zip-name pattern]\n" \
	"                 [--lang ja | en] [--notify sender | recipients] " \
	"[--delay seconds]\n" \
	"                 [--notice file] [--notice-maildir dir] " \
	"[--notice-cmd command]\n" \
	"                 [--template-dir dir] [--max-bytes size] " \
	"[--max-entries n]\n" \
	"                 [--on-limit reject | pass] [--sender address] " \
	"[-c file] [--syslog]\n" \
	"                 [--mbox file | --maildir dir | file ...]\n"

enum {
	OPT_CIPHER = MP_OPT_FIRST_OWN,
	OPT_NAMES,
	OPT_LEVEL,
	OPT_PASSWORD_LENGTH,
	OPT_PASSWORD_FILE,
	OPT_ZIP_NAME,
	OPT_LANG,
	OPT_NOTIFY,
	OPT_DELAY,
	OPT_NOTICE,
	OPT_NOTICE_MAILDIR,
	OPT_NOTICE_CMD,
	OPT_TEMPLATE_DIR,
	OPT_MAX_BYTES,
	OPT_MAX_ENTRIES,
	OPT_ON_LIMIT,
	OPT_SENDER,
};

/* [zipenc] key of each option that has one, indexed from OPT_CIPHER */
static const char *const conf_key[] = {
	"cipher", "names", "compression-level", "password-length",
	"password-file", "zip-name", "lang", "notify", "delay", "notice",
	"notice-maildir", "notice-cmd", "template-dir", "max-bytes",
	"max-entries", "on-limit", NULL,
};
#define N_OWN (OPT_SENDER - OPT_CIPHER + 1)

typedef struct {
	MpCliOpts cli;
	const char *arg[N_OWN];	/* as given on the command line, or NULL */
	gboolean batch;
} Options;

typedef struct {
	const Options *opt;
	MpConfig *cfg;
	MpAddrParser *ap;
	MpZipencOpts z;
	MpNoticeDest dest;
	char *value[N_OWN];	/* option, else mp.conf, else NULL */
	char *password;
	MpZipencTemplates *templates;
	int first_failure;
	GError *err;
} Run;

static void usage(void) G_GNUC_NORETURN;
static int set_policy(Run *run, GError **err);
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "mbox", required_argument, NULL, MP_OPT_MBOX },
		{ "maildir", required_argument, NULL, MP_OPT_MAILDIR },
		{ "syslog", no_argument, NULL, MP_OPT_SYSLOG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, MP_OPT_VERSION },
		{ "cipher", required_argument, NULL, OPT_CIPHER },
		{ "names", required_argument, NULL, OPT_NAMES },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "password-length", required_argument, NULL,
		    OPT_PASSWORD_LENGTH },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "zip-name", required_argument, NULL, OPT_ZIP_NAME },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "notify", required_argument, NULL, OPT_NOTIFY },
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "notice", required_argument, NULL, OPT_NOTICE },
		{ "notice-maildir", required_argument, NULL, OPT_NOTICE_MAILDIR },
		{ "notice-cmd", required_argument, NULL, OPT_NOTICE_CMD },
		{ "template-dir", required_argument, NULL, OPT_TEMPLATE_DIR },
		{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
		{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
		{ "on-limit", required_argument, NULL, OPT_ON_LIMIT },
		{ "sender", required_argument, NULL, OPT_SENDER },
		{ NULL, 0, NULL, 0 },
	};
	Options opt = { 0 };
	Run run = { 0 };
	GError *err = NULL;
	int c, status, i;

	mp_diag_open("mp-zipenc", FALSE);
	argv[0] = "mp-zipenc";	/* getopt's messages name the tool */
	mp_cli_init(&opt.cli);
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (mp_cli_option(&opt.cli, c, optarg))
			continue;
		if (c >= OPT_CIPHER && c <= OPT_SENDER) {
			opt.arg[c - OPT_CIPHER] = optarg;
			continue;
		}
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
	opt.batch = mp_cli_is_batch(&opt.cli, argc);
	if ((opt.cli.mbox != NULL) + (opt.cli.maildir != NULL) + (argc > 0) > 1 ||
	    (opt.arg[OPT_PASSWORD_LENGTH - OPT_CIPHER] != NULL &&
	    opt.arg[OPT_PASSWORD_FILE - OPT_CIPHER] != NULL))
		usage();

	run.opt = &opt;
	if ((status = mp_config_load(opt.cli.config, &run.cfg, &err)) != MP_OK ||
	    (status = set_policy(&run, &err)) != MP_OK) {
		mp_diag_error(opt.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	if (opt.cli.syslog)
		run.cfg->syslog = TRUE;
	mp_diag_open("mp-zipenc", run.cfg->syslog);
	/* a notice command that exits early must fail a write, not kill us */
	signal(SIGPIPE, SIG_IGN);

	status = mp_cli_run(&opt.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	if (status == MP_OK)
		status = mp_stdout_finish(&err);
	if (status != MP_OK)
		mp_diag_error(run.cfg->syslog, NULL, "%s",
		    (err != NULL ? err : run.err)->message);
	else
		status = run.first_failure;
done:
	g_clear_error(&err);
	g_clear_error(&run.err);
	for (i = 0; i < N_OWN; i++)
		g_free(run.value[i]);
	mp_secret_free(run.password);
	mp_zipenc_templates_free(run.templates);
	mp_addr_parser_free(run.ap);
	mp_config_free(run.cfg);
	mp_cli_clear(&opt.cli);
	return status;
}

/* usage - the usage text on standard error, exit 64 */
static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

/* bad_option - the one-line complaint about an option's argument, 64 */
static int
bad_option(GError **err, int opt, const char *arg, const char *what)
{
	static const char *const name[] = { "cipher", "names", "level",
	    "password-length", "password-file", "zip-name", "lang", "notify",
	    "delay", "notice", "notice-maildir", "notice-cmd", "template-dir",
	    "max-bytes", "max-entries", "on-limit", "sender" };

	return mp_fail(err, EX_USAGE, "--%s: %s: %s", name[opt - OPT_CIPHER],
	    what, arg);
}

/* number - a whole number from lo to hi, from the command line */
static int
number(Run *run, int opt, guint64 lo, guint64 hi, guint64 *out,
    GError **err)
{
	const char *arg = run->opt->arg[opt - OPT_CIPHER];
	const char *v = run->value[opt - OPT_CIPHER];

	if (v == NULL)
		return MP_OK;
	if (arg == NULL)	/* from mp.conf: checked by the schema */
		return mp_parse_size(v, out) ? MP_OK : mp_fail(err, EX_CONFIG,
		    "bad value for [zipenc] %s: \"%s\"",
		    conf_key[opt - OPT_CIPHER], v);
	if (opt == OPT_MAX_BYTES ? !mp_parse_size(arg, out) || *out < lo ||
	    *out > hi : !g_ascii_string_to_unsigned(arg, 10, lo, hi, out, NULL))
	{
		char *what = g_strdup_printf("not %s from %" G_GUINT64_FORMAT
		    " to %" G_GUINT64_FORMAT, opt == OPT_MAX_BYTES ? "a size" :
		    "a number", lo, hi);
		int status = bad_option(err, opt, arg, what);

		g_free(what);
		return status;
	}
	return MP_OK;
}

/*
 * set_policy - flags over [zipenc] in mp.conf over built-in defaults;
 * then the templates and the password file, so that a mistake in any
 * of them stops us before a message is read.
 */
static int
set_policy(Run *run, GError **err)
{
	const Options *opt = run->opt;
	MpZipencOpts *z = &run->z;
	guint64 n;
	int i, status = MP_OK;
	const char *v;

	for (i = 0; i < N_OWN; i++)
		run->value[i] = opt->arg[i] != NULL ? g_strdup(opt->arg[i]) :
		    conf_key[i] != NULL ? mp_config_string(run->cfg, "zipenc",
		    conf_key[i], NULL) : NULL;
#define VAL(o) (run->value[(o) - OPT_CIPHER])
	z->zip.cipher = MP_ZIP_AES256;
	z->zip.names = MP_ZIP_NAMES_UTF8;
	z->zip.level = MP_ZIP_LEVEL_DEFAULT;
	z->password_length = MP_SECRET_LENGTH_DEFAULT;
	z->zip_name = MP_ZIPENC_ZIP_NAME_DEFAULT;
	z->lang = MP_LANG_JA;
	z->notify = MP_NOTIFY_SENDER;
	z->delay = MP_ZIPENC_DELAY_DEFAULT;
	z->max_bytes = MP_ZIPENC_MAX_BYTES_DEFAULT;
	z->max_entries = MP_ZIPENC_MAX_ENTRIES_DEFAULT;
	if ((v = VAL(OPT_CIPHER)) != NULL && !mp_zip_cipher_parse(v, &z->zip.cipher))
		return bad_option(err, OPT_CIPHER, v, "not aes256 or zipcrypto");
	if ((v = VAL(OPT_NAMES)) != NULL && !mp_zip_names_parse(v, &z->zip.names))
		return bad_option(err, OPT_NAMES, v, "not utf-8 or cp932");
	if ((v = VAL(OPT_LANG)) != NULL && !mp_lang_parse(v, &z->lang))
		return bad_option(err, OPT_LANG, v, "not ja or en");
	if ((v = VAL(OPT_NOTIFY)) != NULL && !mp_notify_parse(v, &z->notify))
		return bad_option(err, OPT_NOTIFY, v, "not sender or recipients");
	if ((v = VAL(OPT_ON_LIMIT)) != NULL) {
		if (strcmp(v, "pass") != 0 && strcmp(v, "reject") != 0)
			return bad_option(err, OPT_ON_LIMIT, v,
			    "not reject or pass");
		z->on_limit_pass = strcmp(v, "pass") == 0;
	}
	n = (guint64)z->zip.level;
	if ((status = number(run, OPT_LEVEL, 0, 9, &n, err)) != MP_OK)
		return status;
	z->zip.level = (int)n;
	n = z->password_length;
	if ((status = number(run, OPT_PASSWORD_LENGTH, MP_SECRET_LENGTH_MIN,
	    MP_SECRET_LENGTH_MAX, &n, err)) != MP_OK)
		return status;
	z->password_length = (guint)n;
	if ((status = number(run, OPT_DELAY, 0, G_MAXUINT32, &z->delay,
	    err)) != MP_OK ||
	    (status = number(run, OPT_MAX_BYTES, 1024, (guint64)4 << 30,
	    &z->max_bytes, err)) != MP_OK)
		return status;
	n = z->max_entries;
	if ((status = number(run, OPT_MAX_ENTRIES, 1, 1000000, &n, err)) !=
	    MP_OK)
		return status;
	z->max_entries = (guint)n;
	if ((v = VAL(OPT_ZIP_NAME)) != NULL) {
		GDateTime *now = g_date_time_new_now_local();
		char *t = g_date_time_format(now, v);

		g_date_time_unref(now);
		if (t == NULL || *t == '\0') {
			char *w = mp_config_where(run->cfg, "zipenc", "zip-name");

			status = opt->arg[OPT_ZIP_NAME - OPT_CIPHER] != NULL ?
			    bad_option(err, OPT_ZIP_NAME, v, "not a pattern "
			    "(strftime: %Y %m %d %H %M %S)") :
			    mp_fail(err, EX_CONFIG, "bad value for [zipenc] "
			    "zip-name: \"%s\" is not a pattern %s", v, w);
			g_free(w);
		}
		g_free(t);
		if (status != MP_OK)
			return status;
		z->zip_name = v;
	}
	run->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(run->ap, TRUE);
	if ((v = VAL(OPT_SENDER)) != NULL) {
		MpAddr a;

		if (!mp_addr_parse_one(run->ap, v, &a))
			return bad_option(err, OPT_SENDER, v, "not an address");
		g_free(VAL(OPT_SENDER));
		VAL(OPT_SENDER) = g_strdup(a.addr);
		mp_addr_clear(&a);
		z->sender = VAL(OPT_SENDER);
	}
	if ((status = mp_zipenc_templates_load(VAL(OPT_TEMPLATE_DIR), z->lang,
	    &run->templates, err)) != MP_OK)
		return status;
	z->templates = run->templates;
	if (VAL(OPT_PASSWORD_FILE) != NULL &&
	    (status = mp_secret_read_file(VAL(OPT_PASSWORD_FILE),
	    &run->password, err)) != MP_OK)
		return status;
	z->password = run->password;
	run->dest.file = VAL(OPT_NOTICE);
	run->dest.maildir = VAL(OPT_NOTICE_MAILDIR);
	run->dest.command = VAL(OPT_NOTICE_CMD);
	z->dry_run = opt->batch;
	/* the password must go somewhere: refuse before reading mail */
	if (!opt->batch && run->dest.file == NULL &&
	    run->dest.maildir == NULL && run->dest.command == NULL)
		return mp_fail(err, EX_CONFIG, "no place for the password "
		    "notice: give --notice, --notice-maildir or --notice-cmd, "
		    "or set one in [zipenc]");
#undef VAL
	return mp_secret_init(err);
}

/* report - one batch line: what would happen to this message */
static int
report(Run *run, const char *label, const MpZipencResult *res, int status,
    const GError *e)
{
	if (status != MP_OK && res->action != MP_ZIPENC_OVER_LIMIT)
		return mp_stdio_printf(stdout, &run->err, "%s: error: %s\n",
		    label, e->message);
	switch (res->action) {
	case MP_ZIPENC_ZIPPED:
		return mp_stdio_printf(stdout, &run->err, "%s: zipped=%u "
		    "bytes=%" G_GUINT64_FORMAT " kept=%u\n", label, res->zipped,
		    res->bytes, res->kept);
	case MP_ZIPENC_OVER_LIMIT:
		return mp_stdio_printf(stdout, &run->err, "%s: over-limit: %s\n",
		    label, res->why);
	default:
		return mp_stdio_printf(stdout, &run->err, "%s: unchanged "
		    "kept=%u\n", label, res->kept);
	}
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
	GError *e = NULL;
	char *label = mp_source_label(src), *msgid = NULL;
	int r = MP_OK;

	memset(&res, 0, sizeof res);
	if (msg == NULL) {
		if (run->first_failure == 0)
			run->first_failure = status;
		if (!run->opt->batch) {
			run->err = g_error_copy(why);
			g_prefix_error(&run->err, "%s: ",
			    src->kind == MP_SOURCE_STDIN ? "stdin" : src->path);
			g_free(label);
			return status;
		}
		mp_diag_error(run->cfg->syslog, NULL, "%s: %s", label,
		    why->message);
		r = mp_stdio_printf(stdout, &run->err, "%s: error: %s\n", label,
		    why->message);
		g_free(label);
		return r;
	}
	msgid = mp_message_id(msg);
	status = mp_zipenc(msg, &run->cfg->limits, run->ap, &run->z, &res, &e);
	if (run->opt->batch) {
		if (status != MP_OK) {
			mp_diag_error(run->cfg->syslog, msgid, "%s: %s", label,
			    e->message);
			if (run->first_failure == 0)
				run->first_failure = status;
		}
		r = report(run, label, &res, status, e);
		goto done;
	}
	if (status != MP_OK) {
		run->err = e;
		e = NULL;
		g_prefix_error(&run->err, "%s: ", src->kind == MP_SOURCE_STDIN ?
		    "stdin" : src->path);
		r = status;
		goto done;
	}
	if (res.action == MP_ZIPENC_OVER_LIMIT)
		mp_diag_warn(run->cfg->syslog, msgid, "%s: %s; passed through "
		    "unencrypted (on-limit = pass)", label, res.why);
	if (res.out == NULL) {
		r = mp_stdio_put(stdout, msg->data, msg->len, &run->err);
		goto done;
	}
	if ((r = mp_notice_deliver(&run->dest, res.notice, &run->err)) !=
	    MP_OK)
		goto done;
	if (res.dkim_signed)
		mp_diag_warn(run->cfg->syslog, msgid, "%s: a DKIM-Signature "
		    "signs the body; this rewrite breaks it (run mp before "
		    "signing)", label);
	mp_diag_info(run->cfg->syslog, msgid, "action=zipenc zipped=%u "
	    "kept=%u bytes=%" G_GUINT64_FORMAT " zip=%" G_GSIZE_FORMAT
	    " cipher=%s notify=%s", res.zipped, res.kept, res.bytes,
	    res.zip_size, mp_zip_cipher_name(run->z.zip.cipher),
	    run->z.notify == MP_NOTIFY_SENDER ? "sender" : "recipients");
	r = mp_stdio_put(stdout, res.out->str, res.out->len, &run->err);
done:
	g_clear_error(&e);
	mp_zipenc_result_clear(&res);
	g_free(msgid);
	g_free(label);
	return r;
}
