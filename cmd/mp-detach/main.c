/* mp-detach - attachments into an encrypted store, a download link instead */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/classify.h"
#include "cli/cli.h"
#include "attach/detach.h"
#include "base/diag.h"
#include "notice/noticeopt.h"
#include "base/output.h"
#include "base/secret.h"

#define USAGE \
	"usage: mp-detach [--min-size size] [--expires time] " \
	"[--max-downloads n] [--store dir]\n" \
	"                 [--base-url url] " \
	"[--password-length n | --password-file file]\n" \
	"                 [--lang ja | en] [--notify sender | recipients] " \
	"[--delay seconds]\n" \
	"                 [--notice file] [--notice-maildir dir] " \
	"[--notice-cmd command]\n" \
	"                 [--template-dir dir] [--note-place body | part]\n" \
	"                 [--sender address] [-c file] [--syslog]\n" \
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
	/* the administrator's modes */
	OPT_LIST,
	OPT_SHOW,
	OPT_REVOKE,
	OPT_PURGE,
};
#define N_OWN (OPT_BASE_URL - OPT_MIN_SIZE + 1)
G_STATIC_ASSERT(N_OWN <= MP_CONF_OPTS_MAX);

/* each own option, from OPT_MIN_SIZE: its name is its [detach] key too;
 * the notice's are in lib/noticeopt.c */
static const char *const opt_name[N_OWN] = {
	"min-size", "expires", "max-downloads", "store", "base-url",
};

typedef struct {
	MpRun run;		/* the shared bookkeeping */
	MpCliOpts cli;
	MpConfOpts own;		/* the options above over [detach] */
	MpNoticeOpts notice;
	int mode;		/* 0: filter; else OPT_LIST ... OPT_PURGE */
	const char *mode_id;	/* --show, --revoke */
	MpConfig *cfg;
	MpAddrParser *ap;
	MpDetachOpts d;
	char *made;		/* the entry whose link is being printed */
	sigset_t stop;		/* SIGTERM, SIGINT, SIGHUP */
	int caught;		/* the one of them that stopped us, or 0 */
} Run;

static void usage(void) G_GNUC_NORETURN;
static int set_policy(Run *run, GError **err);
static int admin(Run *run, GError **err);
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);
static int stopped(Run *run, GError **err);

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		MP_CLI_LONG_OPTIONS_NO_DOMAINS,
		{ "min-size", required_argument, NULL, OPT_MIN_SIZE },
		{ "expires", required_argument, NULL, OPT_EXPIRES },
		{ "max-downloads", required_argument, NULL, OPT_MAX_DOWNLOADS },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "base-url", required_argument, NULL, OPT_BASE_URL },
		MP_NOTICE_LONG_OPTIONS,
		{ "list", no_argument, NULL, OPT_LIST },
		{ "show", required_argument, NULL, OPT_SHOW },
		{ "revoke", required_argument, NULL, OPT_REVOKE },
		{ "purge", no_argument, NULL, OPT_PURGE },
		{ NULL, 0, NULL, 0 },
	};
	Run run = { 0 };
	GError *err = NULL;
	int c, status;

	mp_diag_open("mp-detach", FALSE);
	argv[0] = "mp-detach";	/* getopt's messages name the tool */
	mp_cli_init(&run.cli);
	mp_conf_opts_init(&run.own, "detach", OPT_MIN_SIZE, N_OWN, opt_name,
	    opt_name);
	mp_notice_opts_init(&run.notice, "detach");
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (mp_cli_option(&run.cli, c, optarg) ||
		    mp_notice_option(&run.notice, c, optarg) ||
		    mp_conf_option(&run.own, c, optarg))
			continue;
		switch (c) {
		case OPT_LIST:
		case OPT_SHOW:
		case OPT_REVOKE:
		case OPT_PURGE:
			if (run.mode != 0)
				usage();
			run.mode = c;
			run.mode_id = optarg;
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
	run.run.batch = mp_cli_is_batch(&run.cli, argc);
	if ((run.cli.mbox != NULL) + (run.cli.maildir != NULL) +
	    (argc > 0) > 1 || mp_notice_opts_conflict(&run.notice))
		usage();
	/* an administrator's mode reads no mail and takes only --store */
	if (run.mode != 0 && (mp_conf_opts_given(&run.own, OPT_STORE) ||
	    mp_notice_opts_given(&run.notice) || argc > 0 ||
	    run.cli.mbox != NULL || run.cli.maildir != NULL))
		usage();

	if ((status = mp_config_load(run.cli.config, &run.cfg, &err)) !=
	    MP_OK || (status = set_policy(&run, &err)) != MP_OK) {
		mp_diag_error(run.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	if (run.cli.syslog)
		run.cfg->syslog = TRUE;
	run.run.syslog = run.cfg->syslog;
	mp_diag_open("mp-detach", run.cfg->syslog);
	if (run.mode != 0) {
		status = admin(&run, &err);
		status = mp_run_finish(&run.run, status, err);
		err = NULL;
		goto done;
	}
	/* a notice command that exits early must fail a write, not kill us */
	signal(SIGPIPE, SIG_IGN);

	sigemptyset(&run.stop);
	mp_stop_signals(&run.stop);
	status = mp_cli_run(&run.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	if (status == MP_OK && run.made != NULL)
		status = stopped(&run, &err);
	if (status == MP_OK)
		status = mp_stdout_finish(&err);
	if (status != MP_OK && run.made != NULL) {
		/* the message did not go out: neither may its entry stay */
		mp_store_remove(run.d.store, run.made, NULL);
		status = EX_TEMPFAIL;
	}
	if (run.caught != 0)
		status = EX_TEMPFAIL;
	status = mp_run_end(&run.run, status, err);
	err = NULL;
	/* a signal held back while no entry was made: we end now anyway */
	while (stopped(&run, NULL) != MP_OK)
		;
	sigprocmask(SIG_UNBLOCK, &run.stop, NULL);
done:
	g_clear_error(&err);
	g_clear_error(&run.run.err);
	g_free(run.made);
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

/*
 * set_policy - flags over [detach] in mp.conf over built-in defaults;
 * then the templates and the password file, so that a mistake in any
 * of them stops us before a message is read.
 */
static int
set_policy(Run *run, GError **err)
{
	MpConfOpts *own = &run->own;
	MpDetachOpts *d = &run->d;
	guint64 n;
	int status;
	const char *v;

	mp_conf_opts_read(own, run->cfg);
	v = mp_conf_opts_value(own, OPT_STORE);
	d->store = v != NULL ? v : MP_STORE_DIR_DEFAULT;
	if (run->mode != 0)
		return mp_secret_init(err);
	d->expires = MP_DETACH_EXPIRES_DEFAULT;
	d->max_downloads = MP_DETACH_MAX_DOWNLOADS_DEFAULT;
	if ((status = mp_notice_opts_choose(&run->notice, run->cfg, &d->notice,
	    err)) != MP_OK ||
	    (status = mp_conf_opts_number(own, OPT_MIN_SIZE, MP_NUMBER_SIZE, 0,
	    (guint64)4 << 30, &d->min_size, err)) != MP_OK ||
	    (status = mp_conf_opts_number(own, OPT_EXPIRES, MP_NUMBER_DURATION,
	    MP_DETACH_EXPIRES_MIN, MP_DETACH_EXPIRES_MAX, &d->expires,
	    err)) != MP_OK ||
	    (status = mp_notice_opts_delay(&run->notice, &d->notice, err)) !=
	    MP_OK)
		return status;
	n = d->max_downloads;
	if ((status = mp_conf_opts_number(own, OPT_MAX_DOWNLOADS,
	    MP_NUMBER_COUNT, 0, 1000000, &n, err)) != MP_OK ||
	    (status = mp_notice_opts_password_length(&run->notice, &d->notice,
	    err)) != MP_OK)
		return status;
	d->max_downloads = (guint)n;
	if ((v = mp_conf_opts_value(own, OPT_BASE_URL)) != NULL && !url_ok(v))
		return mp_conf_opts_arg(own, OPT_BASE_URL) != NULL ?
		    mp_conf_opts_bad_arg(own, OPT_BASE_URL,
		    "not an http or https URL", err) :
		    mp_conf_opts_bad_key(own, OPT_BASE_URL,
		    "an http or https URL", err);
	d->base_url = v;
	run->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(run->ap, TRUE);
	if ((status = mp_notice_opts_load(&run->notice, run->ap,
	    &mp_detach_texts, &d->notice, err)) != MP_OK)
		return status;
	d->dry_run = run->run.batch;
	/* a link and a password must go somewhere: refuse before reading */
	if (!run->run.batch && d->base_url == NULL)
		return mp_fail(err, EX_CONFIG, "no download address: give "
		    "--base-url or set base-url in [detach]");
	if (!run->run.batch &&
	    (status = mp_notice_opts_need_dest(&run->notice, err)) != MP_OK)
		return status;
	return mp_secret_init(err);
}

/* skipped - a warning for each entry that could not be read; the
 * first one's status becomes the exit status */
static void
skipped(Run *run, const char *mode, GPtrArray *failed)
{
	guint i;

	for (i = 0; i < failed->len; i++) {
		const GError *e = failed->pdata[i];

		mp_diag_warn(run->run.syslog, NULL, "%s: skipped: %s", mode,
		    e->message);
		if (run->run.first_failure == 0)
			run->run.first_failure = e->code;
	}
}

/*
 * admin - --list, --show, --revoke, --purge on the store.  One entry
 * that cannot be read does not stop --list or --purge: it is named in
 * a warning, the others are done, and the exit status is its (65 for
 * a malformed one).
 */
static int
admin(Run *run, GError **err)
{
	const char *store = run->d.store, *id = run->mode_id;
	gboolean log = run->cfg->syslog;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	GPtrArray *list, *failed;
	MpStoreEntry *e;
	int status;
	guint i;

	failed = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
	switch (run->mode) {
	case OPT_LIST:
		if ((status = mp_store_list(store, &list, failed, err)) !=
		    MP_OK)
			break;
		for (i = 0; i < list->len && status == MP_OK; i++) {
			char *line = mp_store_entry_line(list->pdata[i], now);

			status = mp_stdio_printf(stdout, err, "%s\n", line);
			g_free(line);
		}
		g_ptr_array_free(list, TRUE);
		skipped(run, "--list", failed);
		break;
	case OPT_SHOW:
		if ((status = mp_store_load(store, id, &e, err)) == MP_OK) {
			char *json = mp_store_meta_json(e, now);

			status = mp_stdio_printf(stdout, err, "%s\n", json);
			g_free(json);
			mp_store_entry_free(e);
		}
		break;
	case OPT_REVOKE:
		if ((status = mp_store_revoke(store, id, err)) == MP_OK)
			mp_diag_info(log, NULL, "action=revoke id=%s", id);
		break;
	default:
		list = g_ptr_array_new_with_free_func(g_free);
		status = mp_store_purge(store, now, list, failed, err);
		for (i = 0; i < list->len; i++)
			mp_diag_info(log, NULL, "action=purge id=%s",
			    (const char *)list->pdata[i]);
		g_ptr_array_free(list, TRUE);
		skipped(run, "--purge", failed);
		break;
	}
	g_ptr_array_free(failed, TRUE);
	return status;
}

/*
 * stopped - whether a SIGTERM, SIGINT or SIGHUP came while the entry
 * was made and the message printed (they are held from before the entry
 * is made until the message is out): then it must not go out, and its
 * entry goes.  Postfix and maildrop try again on 75.
 */
static int
stopped(Run *run, GError **err)
{
	static const struct timespec now = { 0, 0 };
	int sig = sigtimedwait(&run->stop, NULL, &now);

	if (sig <= 0)
		return MP_OK;
	run->caught = sig;
	return mp_fail(err, EX_TEMPFAIL, "stopped by signal %d before the "
	    "message was out; its entry is removed", sig);
}

/* report - one batch line: what would happen to this message */
static int
report(const char *label, const MpDetachResult *res, int status,
    const GError *e, GError **err)
{
	if (status != MP_OK)
		return mp_stdio_printf(stdout, err, "%s: error: %s\n", label,
		    e->message);
	if (res->action == MP_DETACH_DETACHED)
		return mp_stdio_printf(stdout, err, "%s: detached=%u "
		    "bytes=%" G_GUINT64_FORMAT " kept=%u\n", label, res->detached,
		    res->bytes, res->attachments - res->detached);
	return mp_stdio_printf(stdout, err, "%s: unchanged kept=%u\n", label,
	    res->attachments);
}

/* deliver - the notice, then the message; the entry goes again if
 * either fails */
static int
deliver(Run *run, const MpMessage *msg, const MpDetachResult *res,
    const char *label, const char *msgid, GError **err)
{
	int r;

	if (res->out == NULL)
		return mp_stdio_put(stdout, msg->data, msg->len, err);
	g_free(run->made);
	run->made = g_strdup(res->id);
	if ((r = mp_notice_deliver(&run->notice.dest, res->notice,
	    &run->caught, err)) == MP_OK)
		r = mp_stdio_put(stdout, res->out->str, res->out->len, err);
	if (r != MP_OK) {
		mp_store_remove(run->d.store, res->id, NULL);
		g_clear_pointer(&run->made, g_free);
		return EX_TEMPFAIL;
	}
	if (res->dkim_signed)
		mp_diag_warn(run->run.syslog, msgid, "%s: a DKIM-Signature "
		    "signs the body; this rewrite breaks it (run mp before "
		    "signing)", label);
	mp_diag_info(run->run.syslog, msgid, "action=detach id=%s "
	    "detached=%u kept=%u bytes=%" G_GUINT64_FORMAT " expires=%"
	    G_GINT64_FORMAT " notify=%s", res->id, res->detached,
	    res->attachments - res->detached, res->bytes, res->expires,
	    run->d.notice.notify == MP_NOTIFY_SENDER ? "sender" :
	    "recipients");
	return MP_OK;
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
	GError *e = NULL, *err = NULL;
	char *label, *msgid;
	int r;

	if (msg == NULL)
		return mp_run_failed(&run->run, src, status, why);
	label = mp_source_label(src);
	msgid = mp_message_id(msg);
	/*
	 * From the entry's making until the message is out, a SIGTERM,
	 * SIGINT or SIGHUP waits (main acts on it, and a notice command
	 * is stopped at once): killed in between, we would leave an
	 * active entry and a notice for mail that never left.
	 */
	if (!run->run.batch)
		sigprocmask(SIG_BLOCK, &run->stop, NULL);
	status = mp_detach(msg, &run->cfg->limits, run->ap, &run->d, &res, &e);
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
	mp_detach_result_clear(&res);
	g_free(msgid);
	g_free(label);
	return r;
}
