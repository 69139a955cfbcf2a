/* mp-detach - attachments into an encrypted store, a download link instead */
#include <stdio.h>
#include <string.h>

#include "cli/rewrite.h"
#include "attach/detach.h"
#include "base/diag.h"
#include "base/output.h"

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

/* the administrator's modes, after the rows of [detach] (lib/attach) */
enum {
	OPT_LIST = MP_DETACH_OPT_FREE,
	OPT_SHOW,
	OPT_REVOKE,
	OPT_PURGE,
};

/* the administrator's modes: one at a time, and they read no mail */
static const MpOptSpec mode_opts[] = {
	{ .id = OPT_LIST, .name = "list", .has_arg = no_argument,
	  .set = "yes" },
	{ .id = OPT_SHOW, .name = "show", .has_arg = required_argument },
	{ .id = OPT_REVOKE, .name = "revoke", .has_arg = required_argument },
	{ .id = OPT_PURGE, .name = "purge", .has_arg = no_argument,
	  .set = "yes" },
	MP_OPT_END,
};

typedef struct {
	MpDetachConf conf;	/* [detach] and the notice's keys, with the
				 * flags over them */
	MpOpts modes;		/* mode_opts */
	int mode;		/* 0: filter; else OPT_LIST ... OPT_PURGE */
	const char *mode_id;	/* --show, --revoke */
	MpDetachResult res;	/* the message at hand */
	char *made;		/* the entry whose link is being printed */
} Detach;

static gboolean took(MpRewrite *rw, int id, const char *arg);
static gboolean usable(MpRewrite *rw, int nfiles);
static int set_policy(MpRewrite *rw, GError **err);
static int admin(MpRewrite *rw, GError **err);
static int rewrite(MpRewrite *rw, const MpMessage *msg, MpRewriteOut *out,
    GError **err);
static int notice(MpRewrite *rw, const GString *text, int *caught,
    GError **err);
static void clear(MpRewrite *rw);
static void undo(MpRewrite *rw);

static const MpRewriter detach = {
	.tool = "mp-detach",
	.usage = USAGE,
	.took = took,
	.usable = usable,
	.set_policy = set_policy,
	.admin = admin,
	.rewrite = rewrite,
	.notice = notice,
	.clear = clear,
	/* killed between the entry and the message, we would leave an
	 * active entry and a notice for mail that never left */
	.undo = undo,
	.undone = "its entry is removed",
	.hold = mp_stop_signals,
};

int
main(int argc, char **argv)
{
	Detach d;
	MpOpts *tables[3];
	int status;

	memset(&d, 0, sizeof d);
	mp_detach_conf_init(&d.conf);
	mp_opts_init(&d.modes, "detach", mode_opts);
	tables[0] = &d.conf.own;
	tables[1] = &d.conf.notice.opts;
	tables[2] = &d.modes;
	status = mp_rewrite_main(&detach, &d, tables, 3, argc, argv);
	g_free(d.made);
	mp_opts_clear(&d.modes);
	mp_detach_conf_clear(&d.conf);
	return status;
}

/* took - one administrator's mode at most */
static gboolean
took(MpRewrite *rw, int id, const char *arg)
{
	Detach *d = rw->data;

	if (id < OPT_LIST || id > OPT_PURGE)
		return TRUE;
	if (d->mode != 0)
		return FALSE;
	d->mode = id;
	d->mode_id = arg;
	return TRUE;
}

/* usable - --password-length and --password-file exclude each other;
 * an administrator's mode reads no mail and takes only --store */
static gboolean
usable(MpRewrite *rw, int nfiles)
{
	Detach *d = rw->data;

	if (mp_notice_opts_conflict(&d->conf.notice))
		return FALSE;
	return d->mode == 0 || !(mp_opts_given_except(&d->conf.own,
	    MP_DETACH_OPT_STORE) || mp_notice_opts_given(&d->conf.notice) ||
	    nfiles > 0 || rw->cli.mbox != NULL || rw->cli.maildir != NULL);
}

/* set_policy - [detach] resolved, the flags over it (lib/attach); an
 * administrator's mode needs the store alone */
static int
set_policy(MpRewrite *rw, GError **err)
{
	Detach *t = rw->data;

	if (t->mode != 0) {
		mp_detach_conf_store(&t->conf);
		return MP_OK;
	}
	return mp_detach_conf_load(&t->conf, rw->cfg, rw->ap, rw->run.batch,
	    err);
}

/* skipped - a warning for each entry that could not be read; the
 * first one's status becomes the exit status */
static void
skipped(MpRewrite *rw, const char *mode, GPtrArray *failed)
{
	guint i;

	for (i = 0; i < failed->len; i++) {
		const GError *e = failed->pdata[i];

		mp_diag_warn(rw->run.syslog, NULL, "%s: skipped: %s", mode,
		    e->message);
		if (rw->run.first_failure == 0)
			rw->run.first_failure = e->code;
	}
}

/*
 * admin - --list, --show, --revoke, --purge on the store.  One entry
 * that cannot be read does not stop --list or --purge: it is named in
 * a warning, the others are done, and the exit status is its (65 for
 * a malformed one).
 */
static int
admin(MpRewrite *rw, GError **err)
{
	Detach *t = rw->data;
	const char *store = t->conf.d.store, *id = t->mode_id;
	gboolean log = rw->cfg->syslog;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	GPtrArray *list, *failed;
	MpStoreEntry *e;
	int status;
	guint i;

	if (t->mode == 0)
		return MP_REWRITE_MAIL;
	failed = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
	switch (t->mode) {
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
		skipped(rw, "--list", failed);
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
		skipped(rw, "--purge", failed);
		break;
	}
	g_ptr_array_free(failed, TRUE);
	return status;
}

/* record - the log's record of a message that goes out with its link */
static char *
record(const MpDetachOpts *d, const MpDetachResult *res)
{
	return g_strdup_printf("action=detach id=%s detached=%u kept=%u "
	    "bytes=%" G_GUINT64_FORMAT " expires=%" G_GINT64_FORMAT
	    " notify=%s", res->id, res->detached,
	    res->attachments - res->detached, res->bytes, res->expires,
	    d->notice.notify == MP_NOTIFY_SENDER ? "sender" : "recipients");
}

/*
 * rewrite - mp_detach on one message: in a batch its line, else the
 * notice, the message and what the log says; its entry, if one was
 * made, is what undo takes back
 */
static int
rewrite(MpRewrite *rw, const MpMessage *msg, MpRewriteOut *out, GError **err)
{
	Detach *t = rw->data;
	MpDetachResult *res = &t->res;
	int status;

	status = mp_detach(msg, &rw->cfg->limits, rw->ap, &t->conf.d, res,
	    err);
	if (status != MP_OK)
		return status;
	if (rw->run.batch) {
		out->line = res->action == MP_DETACH_DETACHED ?
		    g_strdup_printf("detached=%u bytes=%" G_GUINT64_FORMAT
		    " kept=%u", res->detached, res->bytes,
		    res->attachments - res->detached) :
		    g_strdup_printf("unchanged kept=%u", res->attachments);
		return MP_OK;
	}
	out->changed = res->out != NULL;
	out->notice = res->notice;
	out->text = res->out;
	out->dkim_signed = res->dkim_signed;
	if (res->id != NULL) {
		out->record = record(&t->conf.d, res);
		g_free(t->made);
		t->made = g_strdup(res->id);
	}
	return MP_OK;
}

/* notice - the password notice to every place given */
static int
notice(MpRewrite *rw, const GString *text, int *caught, GError **err)
{
	return mp_notice_deliver(&((Detach *)rw->data)->conf.notice.dest,
	    text, caught, err);
}

/* clear - release the message's result, wiping the notice */
static void
clear(MpRewrite *rw)
{
	mp_detach_result_clear(&((Detach *)rw->data)->res);
}

/* undo - the entry of a message that did not go out is removed */
static void
undo(MpRewrite *rw)
{
	Detach *t = rw->data;

	mp_detach_undo(&t->conf.d, t->made);
	g_clear_pointer(&t->made, g_free);
}
