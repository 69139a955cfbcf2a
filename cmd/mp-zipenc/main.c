/* mp-zipenc - attachments into one encrypted ZIP, the password apart */
#include <string.h>

#include "cli/rewrite.h"
#include "notice/noticeopt.h"
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

/* the options over [zipenc]; the notice's are in lib/notice/noticeopt.c */
static const MpOptSpec own_opts[] = {
	{ .id = OPT_CIPHER, .name = "cipher", .has_arg = required_argument,
	  .key = "cipher", .def = MP_ZIPENC_CIPHER_DEFAULT },
	{ .id = OPT_NAMES, .name = "names", .has_arg = required_argument,
	  .key = "names", .def = MP_ZIPENC_NAMES_DEFAULT },
	{ .id = OPT_LEVEL, .name = "level", .has_arg = required_argument,
	  .key = "compression-level",
	  .def = G_STRINGIFY(MP_ZIP_LEVEL_DEFAULT) },
	{ .id = OPT_ZIP_NAME, .name = "zip-name", .has_arg = required_argument,
	  .key = "zip-name", .def = MP_ZIPENC_ZIP_NAME_DEFAULT },
	{ .id = OPT_MAX_BYTES, .name = "max-bytes",
	  .has_arg = required_argument, .key = "max-bytes",
	  .def = G_STRINGIFY(MP_ZIPENC_MAX_BYTES_DEFAULT) },
	{ .id = OPT_MAX_ENTRIES, .name = "max-entries",
	  .has_arg = required_argument, .key = "max-entries",
	  .def = G_STRINGIFY(MP_ZIPENC_MAX_ENTRIES_DEFAULT) },
	{ .id = OPT_ON_LIMIT, .name = "on-limit", .has_arg = required_argument,
	  .key = "on-limit", .def = MP_ZIPENC_ON_LIMIT_DEFAULT },
	MP_OPT_END,
};

typedef struct {
	MpOpts own;		/* the table above over [zipenc] */
	MpNoticeOpts notice;
	MpZipencOpts z;
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
	mp_opts_init(&z.own, "zipenc", own_opts);
	mp_notice_opts_init(&z.notice, "zipenc");
	tables[0] = &z.own;
	tables[1] = &z.notice.opts;
	status = mp_rewrite_main(&zipenc, &z, tables, 2, argc, argv);
	mp_notice_opts_clear(&z.notice);
	mp_opts_clear(&z.own);
	return status;
}

/* usable - --password-length and --password-file exclude each other */
static gboolean
usable(MpRewrite *rw, int nfiles)
{
	Zipenc *z = rw->data;

	(void)nfiles;
	return !mp_notice_opts_conflict(&z->notice);
}

/*
 * set_policy - the settings of [zipenc] (flag over key over default);
 * then the templates and the password file, so that a mistake in any
 * of them stops us before a message is read.  The values were checked
 * against the schema: the fallbacks are the defaults all the same.
 */
static int
set_policy(MpRewrite *rw, GError **err)
{
	Zipenc *t = rw->data;
	const MpOpts *own = &t->own;
	MpZipencOpts *z = &t->z;
	int status;

	mp_notice_opts_policy(&t->notice, rw->cfg, &z->notice);
	if (!mp_zip_cipher_parse(mp_opts_value(own, OPT_CIPHER),
	    &z->zip.cipher))
		z->zip.cipher = MP_ZIP_AES256;
	if (!mp_zip_names_parse(mp_opts_value(own, OPT_NAMES), &z->zip.names))
		z->zip.names = MP_ZIP_NAMES_UTF8;
	z->zip.level = (int)mp_opts_uint(own, OPT_LEVEL, MP_ZIP_LEVEL_DEFAULT);
	z->max_bytes = mp_opts_uint(own, OPT_MAX_BYTES,
	    MP_ZIPENC_MAX_BYTES_DEFAULT);
	z->max_entries = (guint)mp_opts_uint(own, OPT_MAX_ENTRIES,
	    MP_ZIPENC_MAX_ENTRIES_DEFAULT);
	z->on_limit_pass = g_strcmp0(mp_opts_value(own, OPT_ON_LIMIT),
	    "pass") == 0;
	z->zip_name = mp_opts_value(own, OPT_ZIP_NAME);
	if (!mp_zipenc_zip_name_ok(z->zip_name))
		return mp_opts_arg(own, OPT_ZIP_NAME) != NULL ?
		    mp_opts_bad_arg(own, OPT_ZIP_NAME, "not a pattern "
		    "(strftime: %Y %m %d %H %M %S)", err) :
		    mp_opts_bad_key(own, OPT_ZIP_NAME, "a pattern", err);
	if ((status = mp_notice_opts_load(&t->notice, rw->ap,
	    &mp_zipenc_texts, &z->notice, err)) != MP_OK)
		return status;
	z->dry_run = rw->run.batch;
	if (!rw->run.batch)
		return mp_notice_opts_need_dest(&t->notice, err);
	return MP_OK;
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

	status = mp_zipenc(msg, &rw->cfg->limits, rw->ap, &t->z, res, err);
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
		out->record = record(&t->z, res);
	return status;
}

/* notice - the password notice to every place given */
static int
notice(MpRewrite *rw, const GString *text, int *caught, GError **err)
{
	return mp_notice_deliver(&((Zipenc *)rw->data)->notice.dest, text,
	    caught, err);
}

/* clear - release the message's result, wiping the notice */
static void
clear(MpRewrite *rw)
{
	mp_zipenc_result_clear(&((Zipenc *)rw->data)->res);
}
