/* zipenc.c - attachments into one encrypted ZIP, password told apart */
#include <string.h>

#include <gmime/gmime.h>

#include "attach/arcscan.h"
#include "mail/attach.h"
#include "base/human.h"
#include "mail/partspool.h"
#include "base/secret.h"
#include "attach/zipenc.h"

/* what a template may say; the note goes beside the ZIP, so never the
 * password */
static const char *const notice_fields[] = { "subject", "sender",
    "recipients", "date", "files", "count", "zip", "size", "cipher",
    "howto", "password", NULL };
static const char *const note_fields[] = { "subject", "sender",
    "recipients", "date", "files", "count", "zip", "size", "cipher",
    "howto", NULL };
static const char *const notice_required[] = { "password", NULL };

static const char *const builtin_notice[2][2] = {
	[MP_LANG_JA] = {
		[MP_NOTIFY_SENDER] =
"Subject: [パスワード通知(自分宛)] {subject}\n"
"\n"
"次のメールの添付ファイルを暗号化ZIPファイルにして送信しました。\n"
"このパスワードは、メールとは別の方法（電話、チャット、対面など）で\n"
"受信者にお伝えください。このメールを受信者に転送すると、\n"
"暗号化した意味がなくなります。\n"
"\n"
"件名: {subject}\n"
"宛先: {recipients}\n"
"日時: {date}\n"
"ZIPファイル: {zip}（{size}、{cipher}）\n"
"添付ファイル（{count}件）:\n"
"{files}\n"
"\n"
"パスワード: {password}\n",
		[MP_NOTIFY_RECIPIENTS] =
"Subject: [パスワード通知] {subject}\n"
"\n"
"{sender} から送信されたメールの添付ファイル（暗号化ZIPファイル）の\n"
"パスワードをお知らせします。\n"
"\n"
"件名: {subject}\n"
"日時: {date}\n"
"ZIPファイル: {zip}（{size}、{cipher}）\n"
"添付ファイル（{count}件）:\n"
"{files}\n"
"\n"
"パスワード: {password}\n"
"\n"
"{howto}\n"
"このメールは自動で送信されています。\n",
	},
	[MP_LANG_EN] = {
		[MP_NOTIFY_SENDER] =
"Subject: [Password notice (to yourself)] {subject}\n"
"\n"
"The attachments of the message below were sent as an encrypted ZIP\n"
"file.  Tell the recipients this password another way (phone, chat,\n"
"in person).  Forwarding this message to them defeats the encryption.\n"
"\n"
"Subject: {subject}\n"
"To: {recipients}\n"
"Date: {date}\n"
"ZIP file: {zip} ({size}, {cipher})\n"
"Attachments ({count}):\n"
"{files}\n"
"\n"
"Password: {password}\n",
		[MP_NOTIFY_RECIPIENTS] =
"Subject: [Password notice] {subject}\n"
"\n"
"This is the password of the encrypted ZIP file attached to the message\n"
"{sender} sent you.\n"
"\n"
"Subject: {subject}\n"
"Date: {date}\n"
"ZIP file: {zip} ({size}, {cipher})\n"
"Attachments ({count}):\n"
"{files}\n"
"\n"
"Password: {password}\n"
"\n"
"{howto}\n"
"This message was sent automatically.\n",
	},
};

static const char *const builtin_note[2] = {
	[MP_LANG_JA] =
"添付ファイルは暗号化ZIPファイル「{zip}」にまとめました。\n"
"パスワードは別にお知らせします。\n"
"{howto}\n"
"添付ファイル（{count}件）:\n"
"{files}\n",
	[MP_LANG_EN] =
"The attachments are in the encrypted ZIP file \"{zip}\".\n"
"The password is sent separately.\n"
"{howto}\n"
"Attachments ({count}):\n"
"{files}\n",
};

/* {howto}: what it takes to open the ZIP, by cipher */
static const char *const howto[2][2] = {
	[MP_LANG_JA] = {
		[MP_ZIP_AES256] = "AES-256 で暗号化しています。Windows の"
		    "エクスプローラーでは開けないため、7-Zip などの展開ソフトを"
		    "お使いください。",
		[MP_ZIP_ZIPCRYPTO] = "Windows のエクスプローラーでも開けます。",
	},
	[MP_LANG_EN] = {
		[MP_ZIP_AES256] = "It is encrypted with AES-256, which Windows "
		    "Explorer cannot open: use 7-Zip or a similar tool.",
		[MP_ZIP_ZIPCRYPTO] = "Windows Explorer can open it.",
	},
};

enum {
	OPT_CIPHER = MP_OPT_FIRST_OWN,
	OPT_NAMES,
	OPT_LEVEL,
	OPT_ZIP_NAME,
	OPT_MAX_BYTES,
	OPT_MAX_ENTRIES,
	OPT_ON_LIMIT,
};

/* the rows over [zipenc], each a flag of mp-zipenc; the notice's are
 * in lib/notice/noticeopt.c */
static const MpOptSpec zipenc_opts[] = {
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

/* DIR/notice-sender.LANG, DIR/notice-recipients.LANG and DIR/note.LANG */
const MpNoticeTexts mp_zipenc_texts = {
	"", builtin_notice, builtin_note, notice_fields, notice_required,
	note_fields, NULL,
};

/* mp_zipenc_conf_init - the tables over [zipenc], nothing given */
void
mp_zipenc_conf_init(MpZipencConf *c)
{
	memset(c, 0, sizeof *c);
	mp_opts_init(&c->own, "zipenc", zipenc_opts);
	mp_notice_opts_init(&c->notice, "zipenc");
}

/*
 * mp_zipenc_conf_load - the settings of [zipenc] (flag over key over
 * default); then the templates and the password file, so that a
 * mistake in any of them stops us before a message is read.  The
 * values were checked against the schema: the fallbacks are the
 * defaults all the same.
 */
int
mp_zipenc_conf_load(MpZipencConf *c, const MpConfig *cfg, MpAddrParser *ap,
    gboolean batch, GError **err)
{
	const MpOpts *own = &c->own;
	MpZipencOpts *z = &c->z;
	int status;

	mp_notice_opts_policy(&c->notice, cfg, &z->notice);
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
	if ((status = mp_notice_opts_load(&c->notice, ap, &mp_zipenc_texts,
	    &z->notice, err)) != MP_OK)
		return status;
	z->dry_run = batch;
	if (!batch)
		return mp_notice_opts_need_dest(&c->notice, err);
	return MP_OK;
}

/* mp_zipenc_conf_read - the tables from cfg alone, then loaded */
int
mp_zipenc_conf_read(MpZipencConf *c, const MpConfig *cfg, MpAddrParser *ap,
    GError **err)
{
	int status;

	if ((status = mp_opts_read(&c->own, cfg, err)) != MP_OK ||
	    (status = mp_opts_read(&c->notice.opts, cfg, err)) != MP_OK)
		return status;
	return mp_zipenc_conf_load(c, cfg, ap, FALSE, err);
}

/* mp_zipenc_conf_clear - release the tables, templates and password */
void
mp_zipenc_conf_clear(MpZipencConf *c)
{
	mp_notice_opts_clear(&c->notice);
	mp_opts_clear(&c->own);
	memset(&c->z, 0, sizeof c->z);
}

/* message_date - the message's Date, or now when it has none */
static GDateTime *
message_date(const MpMessage *msg)
{
	char *raw = mp_message_header(msg, "Date");
	GDateTime *t = raw != NULL ? g_mime_utils_header_decode_date(raw) :
	    NULL;

	g_free(raw);
	return t != NULL ? t : g_date_time_new_now_local();
}

/* mp_zipenc_zip_name_ok - whether a pattern makes a file name today:
 * checked when the tool starts, so that a pattern g_date_time_format
 * cannot read stops it before a message is read */
gboolean
mp_zipenc_zip_name_ok(const char *pattern)
{
	GDateTime *now = g_date_time_new_now_local();
	char *t = g_date_time_format(now, pattern);
	gboolean ok = t != NULL && *t != '\0';

	g_date_time_unref(now);
	g_free(t);
	return ok;
}

/* zip_file_name - the pattern on the date, made a plain file name */
static char *
zip_file_name(const char *pattern, GDateTime *date)
{
	char *name = g_date_time_format(date, pattern);

	if (name == NULL || *name == '\0') {
		g_free(name);
		return g_strdup("attachments.zip");
	}
	g_strdelimit(name, "/\\\r\n\t", '_');
	return name;
}

typedef struct {
	GPtrArray *zip;		/* MpAttachment to zip, in message order */
	GPtrArray *names;	/* their names in the ZIP */
	guint64 bytes;
} Plan;

/* plan_attachments - which attachments go into the ZIP, and names */
static void
plan_attachments(GPtrArray *atts, Plan *plan, MpZipencResult *res)
{
	GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i;

	plan->zip = g_ptr_array_new();
	plan->names = g_ptr_array_new_with_free_func(g_free);
	plan->bytes = 0;
	for (i = 0; i < atts->len; i++) {
		MpAttachment *a = atts->pdata[i];
		MpArchiveScan scan;

		mp_archive_scan_spool(a->file, &scan);
		if (scan.kind == MP_ARCHIVE_ENCRYPTED) {
			res->kept++;	/* encrypting it again helps nobody */
			continue;
		}
		g_ptr_array_add(plan->zip, a);
		g_ptr_array_add(plan->names,
		    mp_attachment_name(a, plan->zip->len - 1, used));
		plan->bytes += a->size;
	}
	g_hash_table_destroy(used);
}

/* over_limit - why the plan is over a limit, or NULL */
static char *
over_limit(const Plan *plan, const MpZipencOpts *o)
{
	if (plan->zip->len > o->max_entries)
		return g_strdup_printf("%u attachments, over the max-entries "
		    "limit (%u)", plan->zip->len, o->max_entries);
	if (plan->bytes > o->max_bytes)
		return g_strdup_printf("%" G_GUINT64_FORMAT " bytes of "
		    "attachments, over the max-bytes limit (%" G_GUINT64_FORMAT
		    " bytes)", plan->bytes, o->max_bytes);
	return NULL;
}

/* fill_values - what zipenc's own placeholders stand for */
static void
fill_values(MpNoticeBuild *b, const MpZipencOpts *o, const char *zip_name,
    gsize zip_size)
{
	MpLang lang = o->notice.lang;
	GHashTable *v = b->values;

	g_hash_table_insert(v, "zip", g_strdup(zip_name));
	g_hash_table_insert(v, "size", mp_size_human(zip_size,
	    lang == MP_LANG_JA));
	g_hash_table_insert(v, "cipher", g_strdup(o->zip.cipher ==
	    MP_ZIP_AES256 ? "AES-256" : "ZipCrypto"));
	g_hash_table_insert(v, "howto", g_strdup(howto[lang][o->zip.cipher]));
}

/* RFC 2045 6.8: 76 characters a line, 57 bytes of data */
#define BASE64_LINE_BYTES 57
#define BASE64_LINE_CHARS 76
/* lines encoded at a time: 57 KiB of the file read per block */
#define BASE64_BLOCK_LINES 1024

/* put_base64 - the file in base64 lines of 76 joined by eol (no final
 * one), as mp_part_new_file writes them, a block at a time */
static int
put_base64(const MpSpool *file, const char *eol, MpSpool *out, GError **err)
{
	gsize size = mp_spool_size(file);
	gsize block = BASE64_LINE_BYTES * BASE64_BLOCK_LINES;
	gsize eollen = strlen(eol), off, i;
	guchar *in = g_malloc(block);
	/* each line, and the 4 characters g_base64_encode_close may add */
	char *text = g_malloc(BASE64_BLOCK_LINES *
	    (BASE64_LINE_CHARS + 4 + eollen));
	int status = MP_OK;

	for (off = 0; status == MP_OK && off < size; off += block) {
		gsize k = MIN(block, size - off), n = 0;

		if ((status = mp_spool_read(file, off, in, k, err)) != MP_OK)
			break;
		for (i = 0; i < k; i += BASE64_LINE_BYTES) {
			gint state = 0, save = 0;

			if (off + i > 0) {
				memcpy(text + n, eol, eollen);
				n += eollen;
			}
			n += g_base64_encode_step(in + i,
			    MIN(BASE64_LINE_BYTES, k - i), FALSE, text + n,
			    &state, &save);
			n += g_base64_encode_close(FALSE, text + n, &state,
			    &save);
		}
		status = mp_spool_write(out, text, n, err);
	}
	g_free(in);
	g_free(text);
	return status;
}

/*
 * rewrite - the message with the note and the ZIP where the first
 * attachment was, the other zipped attachments gone, into a spool.
 *
 * The ZIP can be as big as the message, so its base64 is never a
 * string: the splice is made with a placeholder (a token that occurs
 * nowhere in the message) for the body of the ZIP part, and the
 * result is written out with the ZIP, encoded from its spool, where
 * the placeholder is.
 */
static int
rewrite(const MpNoticeBuild *b, const MpZipencOpts *o, MpPart *root,
    const Plan *plan, const char *zip_name, const MpSpool *zip,
    MpSpool **out, GError **err)
{
	const char *eol = mp_message_eol(b->msg);
	GBytes *none = g_bytes_new_static("", 0);
	char *head = mp_part_new_file("application/zip", zip_name, none, eol);
	char *mark = mp_boundary_new(b->msg);
	char *part = g_strconcat(head, mark, NULL);
	char *trace = g_strdup_printf("zipped=%u cipher=%s", plan->zip->len,
	    mp_zip_cipher_name(o->zip.cipher));
	GString *s = mp_notice_build_rewrite(b, root, plan->zip, part,
	    "X-MP-Zipenc", trace);
	const char *at = memmem(s->str, s->len, mark, strlen(mark));
	int status;

	g_bytes_unref(none);
	if (at == NULL)
		status = mp_fail(err, EX_SOFTWARE, "the ZIP part went missing "
		    "from the rewritten message");
	else if ((status = mp_spool_new(out, err)) == MP_OK &&
	    (status = mp_spool_write(*out, s->str, (gsize)(at - s->str),
	    err)) == MP_OK &&
	    (status = put_base64(zip, eol, *out, err)) == MP_OK &&
	    (status = mp_spool_write(*out, at + strlen(mark),
	    s->len - (gsize)(at - s->str) - strlen(mark), err)) == MP_OK)
		status = mp_spool_finish(*out, err);
	if (status != MP_OK)
		g_clear_pointer(out, mp_spool_free);
	g_string_free(s, TRUE);
	g_free(trace);
	g_free(part);
	g_free(mark);
	g_free(head);
	return status;
}

/* build_zip - the planned attachments into one ZIP under password */
static int
build_zip(const Plan *plan, const MpZipencOpts *o, GDateTime *date,
    const char *password, MpSpool **zip, GError **err)
{
	MpZipEntry *entries = g_new0(MpZipEntry, plan->zip->len);
	MpZipOpts zo = o->zip;
	guint i;
	int status;

	zo.mtime = g_date_time_to_unix(date);
	for (i = 0; i < plan->zip->len; i++) {
		entries[i].name = plan->names->pdata[i];
		entries[i].file = ((MpAttachment *)plan->zip->pdata[i])->file;
	}
	status = mp_zip_build(entries, plan->zip->len, password, &zo, zip, err);
	g_free(entries);
	return status;
}

/* discard_output - the rewritten message and its notice, wiped */
static void
discard_output(MpZipencResult *res)
{
	GString *none = NULL;

	mp_notice_discard(&none, &res->notice);
	g_clear_pointer(&res->out, mp_spool_free);
}

/*
 * mp_zipenc - decide, and build the rewritten message and its notice
 *
 * Everything is built first (the big parts in spools, see spool.h)
 * and nothing is delivered here: the caller hands the notice on first
 * and prints the message only once the notice is safe, so a password
 * is never lost with its message already gone.
 */
int
mp_zipenc(const MpMessage *msg, const MpLimits *limits, MpAddrParser *ap,
    const MpZipencOpts *o, MpZipencResult *res, GError **err)
{
	MpPart *root = NULL;
	GPtrArray *atts = NULL;
	Plan plan = { NULL, NULL, 0 };
	MpNoticeBuild b = { 0 };
	GDateTime *date = NULL;
	char *password = NULL;
	MpSpool *zip = NULL;
	int status;

	memset(res, 0, sizeof *res);
	if ((status = mp_mime_parse(msg, limits, &root, err)) != MP_OK)
		return status;
	/* each attachment in a spool of its own, never all in memory */
	if ((status = mp_attachments_spool(msg, root, &atts, err)) != MP_OK)
		goto done;
	res->attachments = atts->len;
	plan_attachments(atts, &plan, res);
	res->zipped = plan.zip->len;
	res->bytes = plan.bytes;
	if (plan.zip->len == 0) {
		res->action = MP_ZIPENC_UNCHANGED;
		goto done;
	}
	if ((res->why = over_limit(&plan, o)) != NULL) {
		res->action = MP_ZIPENC_OVER_LIMIT;
		if (!o->on_limit_pass)
			status = mp_fail(err, EX_DATAERR, "%s", res->why);
		goto done;
	}
	res->action = MP_ZIPENC_ZIPPED;
	res->dkim_signed = mp_message_has_field(msg, "DKIM-Signature");
	if (o->dry_run)
		goto done;

	date = message_date(msg);
	if ((status = mp_notice_build_init(&b, msg, ap, &o->notice, plan.zip,
	    plan.names, err)) != MP_OK)
		goto done;
	res->zip_name = zip_file_name(o->zip_name, date);
	password = mp_notice_password(&o->notice);
	if ((status = build_zip(&plan, o, date, password, &zip, err)) != MP_OK)
		goto done;
	res->zip_size = mp_spool_size(zip);
	fill_values(&b, o, res->zip_name, res->zip_size);
	if ((status = mp_notice_build_notice(&b, password, &res->notice,
	    err)) != MP_OK)
		goto done;
	status = rewrite(&b, o, root, &plan, res->zip_name, zip, &res->out,
	    err);
done:
	if (status != MP_OK)
		discard_output(res);
	mp_secret_free(password);
	mp_spool_free(zip);
	if (date != NULL)
		g_date_time_unref(date);
	mp_notice_build_clear(&b);
	if (plan.zip != NULL) {
		g_ptr_array_free(plan.zip, TRUE);
		g_ptr_array_free(plan.names, TRUE);
	}
	if (atts != NULL)
		g_ptr_array_free(atts, TRUE);
	mp_part_free(root);
	return status;
}

/* mp_zipenc_result_clear - release a result, wiping the notice */
void
mp_zipenc_result_clear(MpZipencResult *res)
{
	g_free(res->zip_name);
	g_free(res->why);
	discard_output(res);
	memset(res, 0, sizeof *res);
}
