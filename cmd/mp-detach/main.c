/* mp-detach - attachments into an encrypted store, a download link instead */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli.h"
#include "detach.h"
#include "diag.h"
#include "output.h"
#include "secret.h"

#define USAGE \
	"usage: mp-detach [--min-size size] [--expires time] " \
	"[--max-downloads n] [--store dir]\n" \
	"                 [--base-url url] " \
	"[--password-length n | --password-file file]\n" \
	"                 [--lang ja | en] [--notify sender | recipients] " \
	"[--delay seconds]\n" \
	"                 [--notice file] [--notice-maildir dir] " \
	"[--notice-cmd command]\n" \
	"                 [--template-dir dir] [--sender address] [-c file] " \
	"[--syslog]\n" \
	"                 [--mbox file | --maildir dir | file ...]\n" \
	"       mp-detach --list | --show id | --revoke id | --purge " \
	"[--store dir] [-c file]\n" \
	"                 [--syslog]\n"

enum {
	OPT_MIN_SIZE = MP_OPT_FIRST_OWN,
	OPT_EXPIRES,
	OPT_MAX_DOWNLOADS,
	OPT_STORE,
	OPT_BASE_URL,
	OPT_PASSWORD_LENGTH,
	OPT_PASSWORD_FILE,
	OPT_LANG,
	OPT_NOTIFY,
	OPT_DELAY,
	OPT_NOTICE,
	OPT_NOTICE_MAILDIR,
	OPT_NOTICE_CMD,
	OPT_TEMPLATE_DIR,
	OPT_SENDER,
	/* the administrator's modes */
	OPT_LIST,
	OPT_SHOW,
	OPT_REVOKE,
	OPT_PURGE,
};

/* [detach] key and option name of each option, from OPT_MIN_SIZE */
static const char *const conf_key[] = {
	"min-size", "expires", "max-downloads", "store", "base-url",
	"password-length", "password-file", "lang", "notify", "delay",
	"notice", "notice-maildir", "notice-cmd", "template-dir", NULL,
};
static const char *const opt_name[] = {
	"min-size", "expires", "max-downloads", "store", "base-url",
	"password-length", "password-file", "lang", "notify", "delay",
	"notice", "notice-maildir", "notice-cmd", "template-dir", "sender",
};
#define N_OWN (OPT_SENDER - OPT_MIN_SIZE + 1)

typedef struct {
	MpCliOpts cli;
	const char *arg[N_OWN];	/* as given on the command line, or NULL */
	int mode;		/* 0: filter; else OPT_LIST ... OPT_PURGE */
	const char *mode_id;	/* --show, --revoke */
	gboolean batch;
} Options;

typedef struct {
	const Options *opt;
	MpConfig *cfg;
	MpAddrParser *ap;
	MpDetachOpts d;
	MpNoticeDest dest;
	char *value[N_OWN];	/* option, else mp.conf, else NULL */
	char *password;
	MpDetachTemplates *templates;
	char *made;		/* the entry whose link is being printed */
	int first_failure;
	GError *err;
} Run;

static void usage(void) G_GNUC_NORETURN;
static int set_policy(Run *run, GError **err);
static int admin(Run *run, GError **err);
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
		{ "min-size", required_argument, NULL, OPT_MIN_SIZE },
		{ "expires", required_argument, NULL, OPT_EXPIRES },
		{ "max-downloads", required_argument, NULL, OPT_MAX_DOWNLOADS },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "base-url", required_argument, NULL, OPT_BASE_URL },
		{ "password-length", required_argument, NULL,
		    OPT_PASSWORD_LENGTH },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "notify", required_argument, NULL, OPT_NOTIFY },
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "notice", required_argument, NULL, OPT_NOTICE },
		{ "notice-maildir", required_argument, NULL, OPT_NOTICE_MAILDIR },
		{ "notice-cmd", required_argument, NULL, OPT_NOTICE_CMD },
		{ "template-dir", required_argument, NULL, OPT_TEMPLATE_DIR },
		{ "sender", required_argument, NULL, OPT_SENDER },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "show", required_argument, NULL, OPT_SHOW },
		{ "revoke", required_argument, NULL, OPT_REVOKE },
		{ "purge", no_argument, NULL, OPT_PURGE },
		{ NULL, 0, NULL, 0 },
	};
	Options opt = { 0 };
	Run run = { 0 };
	GError *err = NULL;
	int c, status, i;

	mp_diag_open("mp-detach", FALSE);
	argv[0] = "mp-detach";	/* getopt's messages name the tool */
	mp_cli_init(&opt.cli);
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (mp_cli_option(&opt.cli, c, optarg))
			continue;
		if (c >= OPT_MIN_SIZE && c <= OPT_SENDER) {
			opt.arg[c - OPT_MIN_SIZE] = optarg;
			continue;
		}
		switch (c) {
		case OPT_LIST:
		case OPT_SHOW:
		case OPT_REVOKE:
		case OPT_PURGE:
			if (opt.mode != 0)
				usage();
			opt.mode = c;
			opt.mode_id = optarg;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case MP_OPT_VERSION:
			puts("mp-detach " MP_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	opt.batch = mp_cli_is_batch(&opt.cli, argc);
	if ((opt.cli.mbox != NULL) + (opt.cli.maildir != NULL) + (argc > 0) > 1 ||
	    (opt.arg[OPT_PASSWORD_LENGTH - OPT_MIN_SIZE] != NULL &&
	    opt.arg[OPT_PASSWORD_FILE - OPT_MIN_SIZE] != NULL))
		usage();
	if (opt.mode != 0) {
		/* an administrator's mode reads no mail and takes only --store */
		for (i = 0; i < N_OWN; i++)
			if (opt.arg[i] != NULL && i != OPT_STORE - OPT_MIN_SIZE)
				usage();
		if (argc > 0 || opt.cli.mbox != NULL || opt.cli.maildir != NULL)
			usage();
	}

	run.opt = &opt;
	if ((status = mp_config_load(opt.cli.config, &run.cfg, &err)) != MP_OK ||
	    (status = set_policy(&run, &err)) != MP_OK) {
		mp_diag_error(opt.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	if (opt.cli.syslog)
		run.cfg->syslog = TRUE;
	mp_diag_open("mp-detach", run.cfg->syslog);
	if (opt.mode != 0) {
		status = admin(&run, &err);
		if (status == MP_OK)
			status = mp_stdout_finish(&err);
		if (status != MP_OK)
			mp_diag_error(run.cfg->syslog, NULL, "%s", err->message);
		goto done;
	}
	/* a notice command that exits early must fail a write, not kill us */
	signal(SIGPIPE, SIG_IGN);

	status = mp_cli_run(&opt.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	if (status == MP_OK)
		status = mp_stdout_finish(&err);
	if (status != MP_OK && run.made != NULL) {
		/* the message did not go out: neither may its entry stay */
		mp_store_remove(run.d.store, run.made, NULL);
		status = EX_TEMPFAIL;
	}
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
	g_free(run.made);
	mp_secret_free(run.password);
	mp_detach_templates_free(run.templates);
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

/* bad_option - the one-line complaint about an option's argument, 64 */
static int
bad_option(GError **err, int opt, const char *arg, const char *what)
{
	return mp_fail(err, EX_USAGE, "--%s: %s: %s",
	    opt_name[opt - OPT_MIN_SIZE], what, arg);
}

/* bad_value - the complaint about a [detach] value the schema cannot
 * check, 78, with file and line */
static int
bad_value(Run *run, GError **err, int opt, const char *v, const char *what)
{
	char *w = mp_config_where(run->cfg, "detach",
	    conf_key[opt - OPT_MIN_SIZE]);
	int status = mp_fail(err, EX_CONFIG, "bad value for [detach] %s: "
	    "\"%s\" is not %s %s", conf_key[opt - OPT_MIN_SIZE], v, what, w);

	g_free(w);
	return status;
}

/*
 * number - a whole number, size or duration from lo to hi; from the
 * command line checked here (64), from mp.conf by the schema
 */
static int
number(Run *run, int opt, guint64 lo, guint64 hi, guint64 *out,
    GError **err)
{
	const char *arg = run->opt->arg[opt - OPT_MIN_SIZE];
	const char *v = run->value[opt - OPT_MIN_SIZE];
	const char *kind = opt == OPT_MIN_SIZE ? "a size" :
	    opt == OPT_EXPIRES ? "a duration" : "a number";
	gboolean ok;

	if (v == NULL)
		return MP_OK;
	if (opt == OPT_MIN_SIZE)
		ok = mp_parse_size(v, out);
	else if (opt == OPT_EXPIRES)
		ok = mp_parse_duration(v, out);
	else
		ok = g_ascii_string_to_unsigned(v, 10, lo, hi, out, NULL);
	if (arg == NULL)	/* from mp.conf: checked by the schema */
		return ok ? MP_OK : EX_CONFIG;
	if (!ok || *out < lo || *out > hi) {
		char *what = opt == OPT_EXPIRES ?
		    g_strdup_printf("not a duration from %" G_GUINT64_FORMAT
		    "s to %" G_GUINT64_FORMAT "d (like 12h, 7d)", lo,
		    hi / 86400) : g_strdup_printf("not %s from %"
		    G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT, kind, lo, hi);
		int status = bad_option(err, opt, arg, what);

		g_free(what);
		return status;
	}
	return MP_OK;
}

/* url_ok - an http(s) URL with nothing that needs quoting in a mail */
static gboolean
url_ok(const char *s)
{
	const char *p;

	if (!g_str_has_prefix(s, "https://") && !g_str_has_prefix(s, "http://"))
		return FALSE;
	for (p = s; *p != '\0'; p++)
		if ((guchar)*p <= 0x20 || (guchar)*p >= 0x7f || *p == '"' ||
		    *p == '<' || *p == '>' || *p == '\\')
			return FALSE;
	return strlen(s) > strlen("https://") && strlen(s) <= 900;
}

/* choice - the index of v in "a|b", or -1 */
static int
choice(const char *v, const char *a, const char *b)
{
	return strcmp(v, a) == 0 ? 0 : strcmp(v, b) == 0 ? 1 : -1;
}

/*
 * set_policy - flags over [detach] in mp.conf over built-in defaults;
 * then the templates and the password file, so that a mistake in any
 * of them stops us before a message is read.
 */
static int
set_policy(Run *run, GError **err)
{
	const Options *opt = run->opt;
	MpDetachOpts *d = &run->d;
	guint64 n;
	int i, k, status = MP_OK;
	const char *v;

	for (i = 0; i < N_OWN; i++)
		run->value[i] = opt->arg[i] != NULL ? g_strdup(opt->arg[i]) :
		    conf_key[i] != NULL ? mp_config_string(run->cfg, "detach",
		    conf_key[i], NULL) : NULL;
#define VAL(o) (run->value[(o) - OPT_MIN_SIZE])
#define ARG(o) (opt->arg[(o) - OPT_MIN_SIZE])
	d->store = VAL(OPT_STORE) != NULL ? VAL(OPT_STORE) :
	    MP_STORE_DIR_DEFAULT;
	if (opt->mode != 0)
		return mp_secret_init(err);
	d->expires = MP_DETACH_EXPIRES_DEFAULT;
	d->max_downloads = MP_DETACH_MAX_DOWNLOADS_DEFAULT;
	d->password_length = MP_SECRET_LENGTH_DEFAULT;
	d->lang = MP_LANG_JA;
	d->notify = MP_NOTIFY_SENDER;
	d->delay = MP_DETACH_DELAY_DEFAULT;
	if ((v = VAL(OPT_LANG)) != NULL) {
		if ((k = choice(v, "ja", "en")) < 0)
			return bad_option(err, OPT_LANG, v, "not ja or en");
		d->lang = k == 0 ? MP_LANG_JA : MP_LANG_EN;
	}
	if ((v = VAL(OPT_NOTIFY)) != NULL) {
		if ((k = choice(v, "sender", "recipients")) < 0)
			return bad_option(err, OPT_NOTIFY, v,
			    "not sender or recipients");
		d->notify = k == 0 ? MP_NOTIFY_SENDER : MP_NOTIFY_RECIPIENTS;
	}
	if ((status = number(run, OPT_MIN_SIZE, 0, (guint64)4 << 30,
	    &d->min_size, err)) != MP_OK ||
	    (status = number(run, OPT_EXPIRES, MP_DETACH_EXPIRES_MIN,
	    MP_DETACH_EXPIRES_MAX, &d->expires, err)) != MP_OK ||
	    (status = number(run, OPT_DELAY, 0, G_MAXUINT32, &d->delay,
	    err)) != MP_OK)
		return status;
	n = d->max_downloads;
	if ((status = number(run, OPT_MAX_DOWNLOADS, 0, 1000000, &n, err)) !=
	    MP_OK)
		return status;
	d->max_downloads = (guint)n;
	n = d->password_length;
	if ((status = number(run, OPT_PASSWORD_LENGTH, MP_SECRET_LENGTH_MIN,
	    MP_SECRET_LENGTH_MAX, &n, err)) != MP_OK)
		return status;
	d->password_length = (guint)n;
	if ((v = VAL(OPT_BASE_URL)) != NULL && !url_ok(v))
		return ARG(OPT_BASE_URL) != NULL ? bad_option(err, OPT_BASE_URL,
		    v, "not an http or https URL") :
		    bad_value(run, err, OPT_BASE_URL, v, "an http or https URL");
	d->base_url = v;
	run->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(run->ap, TRUE);
	if ((v = VAL(OPT_SENDER)) != NULL) {
		MpAddr a;

		if (!mp_addr_parse_one(run->ap, v, &a))
			return bad_option(err, OPT_SENDER, v, "not an address");
		g_free(VAL(OPT_SENDER));
		VAL(OPT_SENDER) = g_strdup(a.addr);
		mp_addr_clear(&a);
		d->sender = VAL(OPT_SENDER);
	}
	if ((status = mp_detach_templates_load(VAL(OPT_TEMPLATE_DIR), d->lang,
	    &run->templates, err)) != MP_OK)
		return status;
	d->templates = run->templates;
	if (VAL(OPT_PASSWORD_FILE) != NULL &&
	    (status = mp_secret_read_file(VAL(OPT_PASSWORD_FILE),
	    &run->password, err)) != MP_OK)
		return status;
	d->password = run->password;
	run->dest.file = VAL(OPT_NOTICE);
	run->dest.maildir = VAL(OPT_NOTICE_MAILDIR);
	run->dest.command = VAL(OPT_NOTICE_CMD);
	d->dry_run = opt->batch;
	/* a link and a password must go somewhere: refuse before reading */
	if (!opt->batch && d->base_url == NULL)
		return mp_fail(err, EX_CONFIG, "no download address: give "
		    "--base-url or set base-url in [detach]");
	if (!opt->batch && run->dest.file == NULL &&
	    run->dest.maildir == NULL && run->dest.command == NULL)
		return mp_fail(err, EX_CONFIG, "no place for the password "
		    "notice: give --notice, --notice-maildir or --notice-cmd, "
		    "or set one in [detach]");
#undef VAL
#undef ARG
	return mp_secret_init(err);
}

/* admin - --list, --show, --revoke, --purge on the store */
static int
admin(Run *run, GError **err)
{
	const char *store = run->d.store, *id = run->opt->mode_id;
	gboolean log = run->cfg->syslog;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	GPtrArray *list;
	MpStoreEntry *e;
	int status;
	guint i;

	switch (run->opt->mode) {
	case OPT_LIST:
		if ((status = mp_store_list(store, &list, err)) != MP_OK)
			return status;
		for (i = 0; i < list->len && status == MP_OK; i++) {
			char *line = mp_store_entry_line(list->pdata[i], now);

			status = mp_stdio_printf(stdout, err, "%s\n", line);
			g_free(line);
		}
		g_ptr_array_free(list, TRUE);
		return status;
	case OPT_SHOW:
		if ((status = mp_store_load(store, id, &e, err)) == MP_OK) {
			char *json = mp_store_meta_json(e, now);

			status = mp_stdio_printf(stdout, err, "%s\n", json);
			g_free(json);
			mp_store_entry_free(e);
		}
		return status;
	case OPT_REVOKE:
		if ((status = mp_store_revoke(store, id, err)) == MP_OK)
			mp_diag_info(log, NULL, "action=revoke id=%s", id);
		return status;
	default:
		list = g_ptr_array_new_with_free_func(g_free);
		status = mp_store_purge(store, now, list, err);
		for (i = 0; i < list->len; i++)
			mp_diag_info(log, NULL, "action=purge id=%s",
			    (const char *)list->pdata[i]);
		g_ptr_array_free(list, TRUE);
		return status;
	}
}

/* report - one batch line: what would happen to this message */
static int
report(Run *run, const char *label, const MpDetachResult *res, int status,
    const GError *e)
{
	if (status != MP_OK)
		return mp_stdio_printf(stdout, &run->err, "%s: error: %s\n",
		    label, e->message);
	if (res->action == MP_DETACH_DETACHED)
		return mp_stdio_printf(stdout, &run->err, "%s: detached=%u "
		    "bytes=%" G_GUINT64_FORMAT " kept=%u\n", label, res->detached,
		    res->bytes, res->attachments - res->detached);
	return mp_stdio_printf(stdout, &run->err, "%s: unchanged kept=%u\n",
	    label, res->attachments);
}

/*
 * one_message - rewrite one message: the entry is in the store, the
 * notice is delivered, and only then is the message printed; when the
 * notice or the message fails, the entry goes again (main removes it
 * when the final flush of standard output fails).  In a batch, report
 * what would happen: nothing is stored or delivered.
 */
static int
one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data)
{
	Run *run = data;
	MpDetachResult res;
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
	status = mp_detach(msg, &run->cfg->limits, run->ap, &run->d, &res, &e);
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
	if (res.out == NULL) {
		r = mp_stdio_put(stdout, msg->data, msg->len, &run->err);
		goto done;
	}
	g_free(run->made);
	run->made = g_strdup(res.id);
	if ((r = mp_notice_deliver(&run->dest, res.notice, &run->err)) ==
	    MP_OK)
		r = mp_stdio_put(stdout, res.out->str, res.out->len, &run->err);
	if (r != MP_OK) {
		mp_store_remove(run->d.store, res.id, NULL);
		g_clear_pointer(&run->made, g_free);
		r = EX_TEMPFAIL;
		goto done;
	}
	if (res.dkim_signed)
		mp_diag_warn(run->cfg->syslog, msgid, "%s: a DKIM-Signature "
		    "signs the body; this rewrite breaks it (run mp before "
		    "signing)", label);
	mp_diag_info(run->cfg->syslog, msgid, "action=detach id=%s "
	    "detached=%u kept=%u bytes=%" G_GUINT64_FORMAT " expires=%"
	    G_GINT64_FORMAT " notify=%s", res.id, res.detached,
	    res.attachments - res.detached, res.bytes, res.expires,
	    run->d.notify == MP_NOTIFY_SENDER ? "sender" : "recipients");
done:
	g_clear_error(&e);
	mp_detach_result_clear(&res);
	g_free(msgid);
	g_free(label);
	return r;
}
