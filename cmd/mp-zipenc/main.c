/* mp-zipenc - attachments into one encrypted ZIP, the password apart */
#include <string.h>

#include "cli/rewrite.h"
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

typedef struct {
	MpZipencConf conf;	/* [zipenc] and the notice's keys, with the
				 * flags over them */
	MpZipencResult res;	/* the message at hand */
} Zipenc;

static gboolean usable(MpRewrite *rw, int nfiles);
static int set_policy(MpRewrite *rw, GError **err);
static int rewrite(MpRewrite *rw, const MpMessage *msg, MpRewriteOut *out,
    GError **err);
static int notice(MpRewrite *rw, const GString *text, int *caught,
    GError **err);
static void clear(MpRewrite *rw);

static const MpRewriter zipenc = {
	.tool = "mp-zipenc",
	.usage = USAGE,
	.usable = usable,
	.set_policy = set_policy,
	.rewrite = rewrite,
	.notice = notice,
	.clear = clear,
};

int
main(int argc, char **argv)
{
	Zipenc z;
	MpOpts *tables[2];
	int status;

	memset(&z, 0, sizeof z);
	mp_zipenc_conf_init(&z.conf);
	tables[0] = &z.conf.own;
	tables[1] = &z.conf.notice.opts;
	status = mp_rewrite_main(&zipenc, &z, tables, 2, argc, argv);
	mp_zipenc_conf_clear(&z.conf);
	return status;
}

/* usable - --password-length and --password-file exclude each other */
static gboolean
usable(MpRewrite *rw, int nfiles)
{
	Zipenc *z = rw->data;

	(void)nfiles;
	return !mp_notice_opts_conflict(&z->conf.notice);
}

/* set_policy - [zipenc] resolved, the flags over it (lib/attach) */
static int
set_policy(MpRewrite *rw, GError **err)
{
	Zipenc *t = rw->data;

	return mp_zipenc_conf_load(&t->conf, rw->cfg, rw->ap, rw->run.batch,
	    err);
}

/* line - what a batch says of the message */
static char *
line(const MpZipencResult *res)
{
	switch (res->action) {
	case MP_ZIPENC_ZIPPED:
		return g_strdup_printf("zipped=%u bytes=%" G_GUINT64_FORMAT
		    " kept=%u", res->zipped, res->bytes, res->kept);
	case MP_ZIPENC_OVER_LIMIT:
		return g_strdup_printf("over-limit: %s", res->why);
	default:
		return g_strdup_printf("unchanged kept=%u", res->kept);
	}
}

/* record - the log's record of a message that goes out zipped */
static char *
record(const MpZipencOpts *z, const MpZipencResult *res)
{
	return g_strdup_printf("action=zipenc zipped=%u kept=%u bytes=%"
	    G_GUINT64_FORMAT " zip=%" G_GSIZE_FORMAT " cipher=%s notify=%s",
	    res->zipped, res->kept, res->bytes, res->zip_size,
	    mp_zip_cipher_name(z->zip.cipher),
	    z->notice.notify == MP_NOTIFY_SENDER ? "sender" : "recipients");
}

/* rewrite - mp_zipenc on one message: in a batch its line, else the
 * notice, the message and what the log says */
static int
rewrite(MpRewrite *rw, const MpMessage *msg, MpRewriteOut *out, GError **err)
{
	Zipenc *t = rw->data;
	MpZipencResult *res = &t->res;
	int status;

	status = mp_zipenc(msg, &rw->cfg->limits, rw->ap, &t->conf.z, res,
	    err);
	if (rw->run.batch) {
		/* over a limit is a line of its own, not an error */
		if (status == MP_OK || res->action == MP_ZIPENC_OVER_LIMIT)
			out->line = line(res);
		return status;
	}
	if (res->action == MP_ZIPENC_OVER_LIMIT)
		out->warning = g_strdup_printf("%s; passed through "
		    "unencrypted (on-limit = pass)", res->why);
	out->changed = res->out != NULL;
	out->notice = res->notice;
	out->spool = res->out;
	out->dkim_signed = res->dkim_signed;
	if (res->out != NULL)
		out->record = record(&t->conf.z, res);
	return status;
}

/* notice - the password notice to every place given */
static int
notice(MpRewrite *rw, const GString *text, int *caught, GError **err)
{
	return mp_notice_deliver(&((Zipenc *)rw->data)->conf.notice.dest,
	    text, caught, err);
}

/* clear - release the message's result, wiping the notice */
static void
clear(MpRewrite *rw)
{
	mp_zipenc_result_clear(&((Zipenc *)rw->data)->res);
}
