/* detach.c - attachments into the store, a download link in their place */
#include <string.h>

#include "mail/attach.h"
#include "mail/classify.h"
#include "attach/detach.h"
#include "base/human.h"
#include "base/schema.h"
#include "mail/partspool.h"
#include "base/secret.h"

/* --purge takes a broken entry for expired after the longest life */
G_STATIC_ASSERT(MP_EXPIRES_MAX <= (guint64)MP_STORE_LIFETIME_MAX);

/* the rows over [detach], each a flag of mp-detach named as its key;
 * the notice's are in lib/notice/noticeopt.c */
static const MpOptSpec detach_opts[] = {
	{ .id = MP_DETACH_OPT_MIN_SIZE, .name = "min-size",
	  .has_arg = required_argument, .key = "min-size",
	  .def = G_STRINGIFY(MP_DETACH_MIN_SIZE_DEFAULT) },
	{ .id = MP_DETACH_OPT_EXPIRES, .name = "expires",
	  .has_arg = required_argument, .key = "expires",
	  .def = G_STRINGIFY(MP_DETACH_EXPIRES_DEFAULT) },
	{ .id = MP_DETACH_OPT_MAX_DOWNLOADS, .name = "max-downloads",
	  .has_arg = required_argument, .key = "max-downloads",
	  .def = G_STRINGIFY(MP_DETACH_MAX_DOWNLOADS_DEFAULT) },
	{ .id = MP_DETACH_OPT_STORE, .name = "store",
	  .has_arg = required_argument, .key = "store",
	  .def = MP_STORE_DIR_DEFAULT },
	{ .id = MP_DETACH_OPT_BASE_URL, .name = "base-url",
	  .has_arg = required_argument, .key = "base-url" },
	MP_OPT_END,
};

/*
 * What a template may say.  The note goes into the message with the
 * link, so never the password; the notice carries the password, so
 * never the link: either alone opens nothing.
 */
static const char *const notice_fields[] = { "subject", "sender",
    "recipients", "date", "files", "count", "expires", "limit", "password",
    NULL };
static const char *const notice_required[] = { "password", NULL };
static const char *const note_fields[] = { "subject", "sender",
    "recipients", "date", "files", "count", "expires", "limit", "url",
    NULL };
static const char *const note_required[] = { "url", NULL };

static const char *const builtin_notice[2][2] = {
	[MP_LANG_JA] = {
		[MP_NOTIFY_SENDER] =
"Subject: [パスワード通知(自分宛)] {subject}\n"
"\n"
"次のメールの添付ファイルは、メールから外してダウンロード用に保管し、\n"
"メールにはダウンロード用のURLを記載しました。\n"
"このパスワードは、メールとは別の方法（電話、チャット、対面など）で\n"
"受信者にお伝えください。このメールを受信者に転送すると、\n"
"分けて送った意味がなくなります。\n"
"\n"
"件名: {subject}\n"
"宛先: {recipients}\n"
"日時: {date}\n"
"有効期限: {expires}\n"
"添付ファイル（{count}件）:\n"
"{files}\n"
"\n"
"パスワード: {password}\n",
		[MP_NOTIFY_RECIPIENTS] =
"Subject: [パスワード通知] {subject}\n"
"\n"
"{sender} から送信されたメールの添付ファイルをダウンロードするための\n"
"パスワードをお知らせします。ダウンロード用のURLは元のメールに\n"
"記載されています。\n"
"\n"
"件名: {subject}\n"
"日時: {date}\n"
"有効期限: {expires}\n"
"添付ファイル（{count}件）:\n"
"{files}\n"
"\n"
"パスワード: {password}\n"
"\n"
"このメールは自動で送信されています。\n",
	},
	[MP_LANG_EN] = {
		[MP_NOTIFY_SENDER] =
"Subject: [Password notice (to yourself)] {subject}\n"
"\n"
"The attachments of the message below were taken out of it and stored\n"
"for download; the message carries the download link.  Tell the\n"
"recipients this password another way (phone, chat, in person).\n"
"Forwarding this message to them defeats sending it separately.\n"
"\n"
"Subject: {subject}\n"
"To: {recipients}\n"
"Date: {date}\n"
"Expires: {expires}\n"
"Attachments ({count}):\n"
"{files}\n"
"\n"
"Password: {password}\n",
		[MP_NOTIFY_RECIPIENTS] =
"Subject: [Password notice] {subject}\n"
"\n"
"This is the password to download the attachments of the message\n"
"{sender} sent you.  The download link is in that message.\n"
"\n"
"Subject: {subject}\n"
"Date: {date}\n"
"Expires: {expires}\n"
"Attachments ({count}):\n"
"{files}\n"
"\n"
"Password: {password}\n"
"\n"
"This message was sent automatically.\n",
	},
};

static const char *const builtin_note[2] = {
	[MP_LANG_JA] =
"このメールの添付ファイルは、次のURLからダウンロードしてください。\n"
"パスワードは別にお知らせします。\n"
"\n"
"ダウンロードURL: {url}\n"
"有効期限: {expires}\n"
"ダウンロード回数の上限: {limit}\n"
"送信者: {sender}\n"
"添付ファイル（{count}件）:\n"
"{files}\n",
	[MP_LANG_EN] =
"The attachments of this message are to be downloaded from the link\n"
"below.  The password is sent separately.\n"
"\n"
"Download: {url}\n"
"Expires: {expires}\n"
"Download limit: {limit}\n"
"Sender: {sender}\n"
"Attachments ({count}):\n"
"{files}\n",
};

/*
 * DIR/detach-notice-sender.LANG, DIR/detach-notice-recipients.LANG and
 * DIR/detach-note.LANG: the names leave mp-zipenc's templates in the
 * same directory alone.
 */
const MpNoticeTexts mp_detach_texts = {
	"detach-", builtin_notice, builtin_note, notice_fields,
	notice_required, note_fields, note_required,
};

/*
 * mp_detach_base_url_ok - an http or https URL, more than the scheme,
 * of at most MP_DETACH_BASE_URL_MAX characters, with nothing that needs
 * quoting in a mail: no space, control, non-ASCII, '"', '<', '>' or
 * backslash
 */
gboolean
mp_detach_base_url_ok(const char *s)
{
	const char *p;

	if (!g_str_has_prefix(s, "https://") && !g_str_has_prefix(s, "http://"))
		return FALSE;
	for (p = s; *p != '\0'; p++)
		if ((guchar)*p <= 0x20 || (guchar)*p >= 0x7f || *p == '"' ||
		    *p == '<' || *p == '>' || *p == '\\')
			return FALSE;
	return strlen(s) > strlen("https://") &&
	    strlen(s) <= MP_DETACH_BASE_URL_MAX;
}

/* mp_detach_url - base-url and id joined: a base that ends in / or =
 * takes the id as it is, any other gets a / between */
char *
mp_detach_url(const char *base_url, const char *id)
{
	gsize n = strlen(base_url);

	if (n > 0 && (base_url[n - 1] == '/' || base_url[n - 1] == '='))
		return g_strconcat(base_url, id, NULL);
	return g_strconcat(base_url, "/", id, NULL);
}

/* mp_detach_conf_init - the tables over [detach], nothing given */
void
mp_detach_conf_init(MpDetachConf *c)
{
	memset(c, 0, sizeof *c);
	mp_opts_init(&c->own, "detach", detach_opts);
	mp_notice_opts_init(&c->notice, "detach");
}

/* mp_detach_conf_store - the store alone (flag over key over default) */
void
mp_detach_conf_store(MpDetachConf *c)
{
	c->d.store = mp_opts_value(&c->own, MP_DETACH_OPT_STORE);
}

/*
 * mp_detach_conf_load - the settings of [detach] (flag over key over
 * default); then the templates and the password file, so that a
 * mistake in any of them stops us before a message is read
 */
int
mp_detach_conf_load(MpDetachConf *c, const MpConfig *cfg, MpAddrParser *ap,
    gboolean batch, GError **err)
{
	const MpOpts *own = &c->own;
	MpDetachOpts *d = &c->d;
	int status;

	mp_detach_conf_store(c);
	mp_notice_opts_policy(&c->notice, cfg, &d->notice);
	d->min_size = mp_opts_uint(own, MP_DETACH_OPT_MIN_SIZE,
	    MP_DETACH_MIN_SIZE_DEFAULT);
	d->expires = mp_opts_uint(own, MP_DETACH_OPT_EXPIRES,
	    MP_DETACH_EXPIRES_DEFAULT);
	d->max_downloads = (guint)mp_opts_uint(own,
	    MP_DETACH_OPT_MAX_DOWNLOADS, MP_DETACH_MAX_DOWNLOADS_DEFAULT);
	d->base_url = mp_opts_value(own, MP_DETACH_OPT_BASE_URL);
	if (d->base_url != NULL && !mp_detach_base_url_ok(d->base_url))
		return mp_opts_bad(own, MP_DETACH_OPT_BASE_URL,
		    "an http or https URL", err);
	if ((status = mp_notice_opts_load(&c->notice, ap, &mp_detach_texts,
	    &d->notice, err)) != MP_OK)
		return status;
	d->dry_run = batch;
	/* a link and a password must go somewhere: refuse before reading */
	if (!batch && d->base_url == NULL)
		return mp_fail(err, EX_CONFIG, "no download address: give "
		    "--base-url or set base-url in [detach]");
	if (!batch)
		return mp_notice_opts_need_dest(&c->notice, err);
	return MP_OK;
}

/* mp_detach_conf_read - the tables from cfg alone, then loaded */
int
mp_detach_conf_read(MpDetachConf *c, const MpConfig *cfg, MpAddrParser *ap,
    GError **err)
{
	int status;

	if ((status = mp_opts_read(&c->own, cfg, err)) != MP_OK ||
	    (status = mp_opts_read(&c->notice.opts, cfg, err)) != MP_OK)
		return status;
	return mp_detach_conf_load(c, cfg, ap, FALSE, err);
}

/* mp_detach_conf_clear - release the tables, templates and password */
void
mp_detach_conf_clear(MpDetachConf *c)
{
	mp_notice_opts_clear(&c->notice);
	mp_opts_clear(&c->own);
	memset(&c->d, 0, sizeof c->d);
}

typedef struct {
	GPtrArray *atts;	/* MpAttachment to detach, in message order */
	GPtrArray *names;	/* their file names */
} Plan;

/* plan - the attachments of at least min-size, and their names */
static void
plan(GPtrArray *all, const MpDetachOpts *o, Plan *p, MpDetachResult *res)
{
	GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i;

	p->atts = g_ptr_array_new();
	p->names = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < all->len; i++) {
		MpAttachment *a = all->pdata[i];
		gsize len = a->size;

		if (len < o->min_size)
			continue;
		g_ptr_array_add(p->atts, a);
		g_ptr_array_add(p->names,
		    mp_attachment_name(a, p->atts->len - 1, used));
		res->bytes += len;
	}
	res->detached = p->atts->len;
	g_hash_table_destroy(used);
}

/* fill_values - what detach's own placeholders stand for */
static void
fill_values(MpNoticeBuild *b, const MpDetachOpts *o, gint64 expires,
    const char *url)
{
	GHashTable *v = b->values;

	g_hash_table_insert(v, "expires", mp_unix_time_text_in(expires,
	    o->notice.tz, o->notice.lang == MP_LANG_JA));
	g_hash_table_insert(v, "limit", o->max_downloads > 0 ?
	    g_strdup_printf("%u", o->max_downloads) :
	    g_strdup(o->notice.lang == MP_LANG_JA ? "なし" : "none"));
	g_hash_table_insert(v, "url", g_strdup(url));
}

/* rewrite - the note where the first detached attachment was, the
 * other detached attachments gone, every other byte as it was */
static GString *
rewrite(const MpNoticeBuild *b, MpPart *root, const Plan *p)
{
	char *trace = g_strdup_printf("detached=%u", p->atts->len);
	GString *out = mp_notice_build_rewrite(b, root, p->atts, NULL,
	    "X-MP-Detach", trace);

	g_free(trace);
	return out;
}

/* add_file - describe one file to the store: name, type, size and the
 * sha256 of its content, read from its spool a block at a time */
static int
add_file(MpStoreEntry *e, const char *name, const char *type,
    const MpSpool *file, GError **err)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	guchar *buf = g_malloc(MP_SPOOL_BLOCK);
	gsize size = mp_spool_size(file), off;
	MpStoreFile *f;
	int status = MP_OK;

	for (off = 0; status == MP_OK && off < size; off += MP_SPOOL_BLOCK) {
		gsize k = MIN(MP_SPOOL_BLOCK, size - off);

		if ((status = mp_spool_read(file, off, buf, k, err)) == MP_OK)
			g_checksum_update(sum, buf, (gssize)k);
	}
	if (status == MP_OK) {
		f = g_new0(MpStoreFile, 1);
		f->name = g_strdup(name);
		f->type = g_strdup(type);
		f->size = size;
		g_strlcpy(f->sha256, g_checksum_get_string(sum),
		    sizeof f->sha256);
		g_ptr_array_add(e->files, f);
	}
	g_checksum_free(sum);
	g_free(buf);
	return status;
}

/* describe_entry - what the store keeps about the message */
static int
describe_entry(MpStoreEntry *e, const MpNoticeBuild *b, const Plan *p,
    const MpDetachOpts *o, GError **err)
{
	guint i;
	int status = MP_OK;

	e->sender = g_strdup(b->sender);
	e->message_id = mp_message_id(b->msg);
	e->max_downloads = o->max_downloads;
	for (i = 0; i < b->to->len; i++)
		g_ptr_array_add(e->recipients, g_strdup(b->to->pdata[i]));
	for (i = 0; i < b->cc->len; i++)
		g_ptr_array_add(e->recipients, g_strdup(b->cc->pdata[i]));
	for (i = 0; i < b->bcc->len; i++)
		g_ptr_array_add(e->recipients, g_strdup(b->bcc->pdata[i]));
	for (i = 0; i < p->atts->len && status == MP_OK; i++) {
		const MpAttachment *a = p->atts->pdata[i];

		status = add_file(e, p->names->pdata[i], a->part->type,
		    a->file, err);
	}
	return status;
}

/*
 * mp_detach - store the attachments, build the rewritten message and
 * its notice
 *
 * The message and the notice are built first (the attachments are
 * read from spools, see spool.h), then the store entry is written
 * whole: when this returns MP_OK with a result, the link in res->out
 * leads to a complete entry.  Nothing is
 * delivered here: the caller hands the notice on, prints the message,
 * and removes the entry again (mp_store_remove) if either fails.
 */
int
mp_detach(const MpMessage *msg, const MpLimits *limits, MpAddrParser *ap,
    const MpDetachOpts *o, MpDetachResult *res, GError **err)
{
	MpPart *root = NULL;
	GPtrArray *all;
	Plan p;
	MpNoticeBuild b = { 0 };
	MpStoreEntry *entry = NULL;
	MpSpool **files = NULL;
	char *password = NULL, *url = NULL;
	int status;
	guint i;

	memset(res, 0, sizeof *res);
	if ((status = mp_mime_parse(msg, limits, &root, err)) != MP_OK)
		return status;
	/* each attachment in a spool of its own, never all in memory */
	if ((status = mp_attachments_spool(msg, root, &all, err)) != MP_OK) {
		mp_part_free(root);
		return status;
	}
	res->attachments = all->len;
	plan(all, o, &p, res);
	if (p.atts->len == 0) {
		res->action = MP_DETACH_UNCHANGED;
		goto done;
	}
	res->action = MP_DETACH_DETACHED;
	res->dkim_signed = mp_message_has_field(msg, "DKIM-Signature");
	/* what the store cannot hold is refused before anything is done,
	 * never stored where the page cannot read it */
	if (p.atts->len > MP_STORE_FILES_MAX) {
		status = mp_fail(err, EX_DATAERR, "%u attachments to detach, "
		    "over the store's limit of %d", p.atts->len,
		    MP_STORE_FILES_MAX);
		goto done;
	}
	if (o->dry_run)
		goto done;

	if ((status = mp_notice_build_init(&b, msg, ap, &o->notice, p.atts,
	    p.names, err)) != MP_OK)
		goto done;
	entry = mp_store_entry_new();
	entry->expires = entry->created + (gint64)o->expires;
	url = mp_detach_url(o->base_url, entry->id);
	fill_values(&b, o, entry->expires, url);
	if ((status = describe_entry(entry, &b, &p, o, err)) != MP_OK)
		goto done;
	if ((status = mp_store_entry_fits(entry, err)) != MP_OK)
		goto done;
	password = mp_notice_password(&o->notice);
	if ((status = mp_notice_build_notice(&b, password, &res->notice,
	    err)) != MP_OK)
		goto done;
	res->out = rewrite(&b, root, &p);
	files = g_new0(MpSpool *, p.atts->len);
	for (i = 0; i < p.atts->len; i++)
		files[i] = ((MpAttachment *)p.atts->pdata[i])->file;
	if ((status = mp_store_create(o->store, entry, files, password,
	    err)) != MP_OK)
		goto done;
	res->id = g_strdup(entry->id);
	res->url = url;
	url = NULL;
	res->expires = entry->expires;
done:
	if (status != MP_OK)
		mp_notice_discard(&res->out, &res->notice);
	mp_secret_free(password);
	g_free(files);
	g_free(url);
	mp_store_entry_free(entry);
	mp_notice_build_clear(&b);
	g_ptr_array_free(p.atts, TRUE);
	g_ptr_array_free(p.names, TRUE);
	g_ptr_array_free(all, TRUE);
	mp_part_free(root);
	return status;
}

/* mp_detach_result_clear - release a result, wiping the notice */
void
mp_detach_result_clear(MpDetachResult *res)
{
	g_free(res->id);
	g_free(res->url);
	mp_notice_discard(&res->out, &res->notice);
	memset(res, 0, sizeof *res);
}

/* mp_detach_undo - take entry id out of the store again: its message
 * did not go out, so neither may its link lead anywhere */
void
mp_detach_undo(const MpDetachOpts *o, const char *id)
{
	if (id != NULL)
		mp_store_remove(o->store, id, NULL);
}
