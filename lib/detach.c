/* detach.c - attachments into the store, a download link in their place */
#include <string.h>

#include <gmime/gmime.h>

#include "attach.h"
#include "charset.h"
#include "classify.h"
#include "detach.h"
#include "secret.h"

struct MpDetachTemplates {
	MpTemplate *notice[2];	/* by MpNotify */
	MpTemplate *note;
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

static const char *const template_name[2][2] = {
	[MP_NOTIFY_SENDER] = { "detach-notice-sender.ja",
	    "detach-notice-sender.en" },
	[MP_NOTIFY_RECIPIENTS] = { "detach-notice-recipients.ja",
	    "detach-notice-recipients.en" },
};

/*
 * mp_detach_templates_load - the notice and note texts for lang:
 * DIR/detach-notice-sender.LANG, DIR/detach-notice-recipients.LANG and
 * DIR/detach-note.LANG where they exist, the built-in texts otherwise
 * (the names leave mp-zipenc's templates in the same directory alone).
 */
int
mp_detach_templates_load(const char *dir, MpLang lang,
    MpDetachTemplates **out, GError **err)
{
	MpDetachTemplates *t = g_new0(MpDetachTemplates, 1);
	const char *note = lang == MP_LANG_JA ? "detach-note.ja" :
	    "detach-note.en";
	int status = MP_OK, k;

	*out = NULL;
	for (k = 0; k < 2 && status == MP_OK; k++)
		status = mp_template_load(dir, template_name[k][lang],
		    builtin_notice[lang][k], TRUE, notice_fields,
		    notice_required, &t->notice[k], err);
	if (status == MP_OK)
		status = mp_template_load(dir, note, builtin_note[lang], FALSE,
		    note_fields, note_required, &t->note, err);
	if (status != MP_OK) {
		mp_detach_templates_free(t);
		return status;
	}
	*out = t;
	return MP_OK;
}

void
mp_detach_templates_free(MpDetachTemplates *t)
{
	if (t == NULL)
		return;
	mp_template_free(t->notice[0]);
	mp_template_free(t->notice[1]);
	mp_template_free(t->note);
	g_free(t);
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

/* size_text - "12,345 bytes" or "12,345 バイト" */
static char *
size_text(guint64 n, MpLang lang)
{
	char *digits = g_strdup_printf("%" G_GUINT64_FORMAT, n);
	GString *s = g_string_new(NULL);
	gsize len = strlen(digits), i;

	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			g_string_append_c(s, ',');
		g_string_append_c(s, digits[i]);
	}
	g_string_append(s, lang == MP_LANG_JA ? " バイト" : " bytes");
	g_free(digits);
	return g_string_free(s, FALSE);
}

typedef struct {
	const MpMessage *msg;
	const MpDetachOpts *o;
	MpAddrParser *ap;
	GPtrArray *atts;	/* MpAttachment to detach, in message order */
	GPtrArray *names;	/* their file names */
	MpStoreEntry *entry;
	GHashTable *values;	/* placeholder -> text */
	char *sender;
	GPtrArray *to, *cc, *bcc;
} Build;

/* plan - the attachments of at least min-size, and their names */
static void
plan(GPtrArray *all, Build *b, MpDetachResult *res)
{
	GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i;

	b->atts = g_ptr_array_new();
	b->names = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < all->len; i++) {
		MpAttachment *a = all->pdata[i];
		gsize len = g_bytes_get_size(a->data);

		if (len < b->o->min_size)
			continue;
		g_ptr_array_add(b->atts, a);
		g_ptr_array_add(b->names,
		    mp_attachment_name(a, b->atts->len - 1, used));
		res->bytes += len;
	}
	res->detached = b->atts->len;
	g_hash_table_destroy(used);
}

/* recipients_of - the addresses of To, Cc and Bcc, each once; shown
 * gets To and Cc with their names, for the sender's notice */
static void
recipients_of(Build *b, GString *shown)
{
	GPtrArray *fields = mp_addr_fields(b->ap, b->msg, FALSE);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i, k;

	for (i = 0; i < fields->len; i++) {
		MpAddrField *af = fields->pdata[i];
		GPtrArray *into = af->kind == MP_RCPT_TO ? b->to :
		    af->kind == MP_RCPT_CC ? b->cc : b->bcc;

		for (k = 0; k < af->addrs->len; k++) {
			const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);
			char *key;

			if (a->addr == NULL)
				continue;
			key = mp_addr_key(a->addr);
			if (g_hash_table_contains(seen, key)) {
				g_free(key);
				continue;
			}
			g_hash_table_add(seen, key);
			g_ptr_array_add(into, g_strdup(a->addr));
			if (af->kind == MP_RCPT_BCC)
				continue;
			if (shown->len > 0)
				g_string_append(shown, ", ");
			if (a->name != NULL && *a->name != '\0')
				g_string_append_printf(shown, "%s <%s>", a->name,
				    a->addr);
			else
				g_string_append(shown, a->addr);
		}
	}
	g_hash_table_destroy(seen);
	g_ptr_array_free(fields, TRUE);
}

/* find_sender - --sender, else the first From address */
static int
find_sender(Build *b, GError **err)
{
	MpAddr a;

	if (b->o->sender != NULL) {
		b->sender = g_strdup(b->o->sender);
		return MP_OK;
	}
	if (!mp_message_sender(b->ap, b->msg, &a))
		return mp_fail(err, EX_DATAERR, "no From address to send the "
		    "password notice from (give --sender)");
	b->sender = g_strdup(a.addr);
	mp_addr_clear(&a);
	return MP_OK;
}

/* local_time - Unix time as "2026-11-30 09:00 +0900" */
static char *
local_time(gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_local(t);
	char *s = g_date_time_format(dt, "%Y-%m-%d %H:%M %z");

	g_date_time_unref(dt);
	return s;
}

/* fill_values - what the placeholders stand for (not the password) */
static void
fill_values(Build *b, const char *url)
{
	const MpDetachOpts *o = b->o;
	GHashTable *v = b->values;
	GString *files = g_string_new(NULL), *shown = g_string_new(NULL);
	char *raw = mp_message_header(b->msg, "Subject"), *subject;
	char *date = mp_message_header(b->msg, "Date");
	GDateTime *dt = date != NULL ? g_mime_utils_header_decode_date(date) :
	    NULL;
	guint i;

	subject = raw != NULL ? mp_decode_header_text(raw, strlen(raw), FALSE) :
	    g_strdup("");
	g_free(raw);
	g_free(date);
	if (*subject == '\0') {
		g_free(subject);
		subject = g_strdup(o->lang == MP_LANG_JA ? "(件名なし)" :
		    "(no subject)");
	}
	for (i = 0; i < b->atts->len; i++) {
		const MpAttachment *a = b->atts->pdata[i];
		char *size = size_text(g_bytes_get_size(a->data), o->lang);

		g_string_append_printf(files, "%s- %s (%s)", i > 0 ? "\n" : "",
		    (const char *)b->names->pdata[i], size);
		g_free(size);
	}
	recipients_of(b, shown);
	g_hash_table_insert(v, "subject", subject);
	g_hash_table_insert(v, "sender", g_strdup(b->sender));
	g_hash_table_insert(v, "recipients", g_string_free(shown, FALSE));
	g_hash_table_insert(v, "date", dt != NULL ?
	    g_date_time_format(dt, "%Y-%m-%d %H:%M %z") : g_strdup("-"));
	g_hash_table_insert(v, "files", g_string_free(files, FALSE));
	g_hash_table_insert(v, "count", g_strdup_printf("%u", b->atts->len));
	g_hash_table_insert(v, "expires", local_time(b->entry->expires));
	g_hash_table_insert(v, "limit", o->max_downloads > 0 ?
	    g_strdup_printf("%u", o->max_downloads) :
	    g_strdup(o->lang == MP_LANG_JA ? "なし" : "none"));
	g_hash_table_insert(v, "url", g_strdup(url));
	if (dt != NULL)
		g_date_time_unref(dt);
}

/* rewrite - the note where the first detached attachment was, the
 * other detached attachments gone, every other byte as it was */
static GString *
rewrite(Build *b, MpPart *root)
{
	const MpMessage *msg = b->msg;
	const char *eol = mp_message_eol(msg);
	MpSplice *sp = mp_splice_new(msg, root);
	MpHeaderEdit *hed = mp_splice_header(sp);
	GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
	char *note = mp_template_expand(b->o->templates->note->body, b->values);
	char *trace;
	GString *out;
	guint i;

	g_ptr_array_add(parts, mp_part_new_text(note, eol));
	mp_splice_replace(sp, ((MpAttachment *)b->atts->pdata[0])->part, parts);
	for (i = 1; i < b->atts->len; i++)
		mp_splice_remove(sp, ((MpAttachment *)b->atts->pdata[i])->part);
	/* a forged trace field must not survive next to ours */
	for (i = 0; i < msg->fields->len; i++)
		if (mp_field_is(msg, &g_array_index(msg->fields, MpField, i),
		    "X-MP-Detach"))
			mp_header_edit_drop(hed, i);
	trace = g_strdup_printf("X-MP-Detach: detached=%u%s", b->atts->len,
	    eol);
	mp_header_edit_append(hed, trace);
	out = mp_splice_apply(sp);
	g_free(trace);
	g_free(note);
	g_ptr_array_free(parts, TRUE);
	mp_splice_free(sp);
	return out;
}

/* notice - the password notice for whom opts->notify says */
static GString *
notice(Build *b, const char *password)
{
	const MpTemplate *t = b->o->templates->notice[b->o->notify];
	char *subject, *body, *msgid;
	GPtrArray *self = g_ptr_array_new();
	MpNotice n = { 0 };
	GString *out;

	g_hash_table_insert(b->values, "password", g_strdup(password));
	subject = mp_template_expand(t->subject, b->values);
	body = mp_template_expand(t->body, b->values);
	g_hash_table_remove(b->values, "password");
	msgid = mp_message_id(b->msg);
	g_ptr_array_add(self, b->sender);
	n.from = b->sender;
	if (b->o->notify == MP_NOTIFY_SENDER) {
		n.to = self;
	} else {
		n.to = b->to;
		n.cc = b->cc;
		n.bcc = b->bcc;
		n.deliver_after = b->o->delay;
	}
	/* one line each: a folded subject is the notice's, not ours */
	g_strdelimit(subject, "\r\n", ' ');
	n.subject = subject;
	n.body = body;
	n.references = msgid;
	out = mp_notice_render(&n);
	g_free(msgid);
	g_ptr_array_free(self, TRUE);
	mp_secret_free(body);
	g_free(subject);
	return out;
}

/* has_dkim - whether a DKIM-Signature signs the body we change */
static gboolean
has_dkim(const MpMessage *msg)
{
	guint i;

	for (i = 0; i < msg->fields->len; i++)
		if (mp_field_is(msg, &g_array_index(msg->fields, MpField, i),
		    "DKIM-Signature"))
			return TRUE;
	return FALSE;
}

/* describe_entry - what the store keeps about the message */
static void
describe_entry(Build *b)
{
	MpStoreEntry *e = b->entry;
	guint i;

	e->sender = g_strdup(b->sender);
	e->message_id = mp_message_id(b->msg);
	e->max_downloads = b->o->max_downloads;
	for (i = 0; i < b->to->len; i++)
		g_ptr_array_add(e->recipients, g_strdup(b->to->pdata[i]));
	for (i = 0; i < b->cc->len; i++)
		g_ptr_array_add(e->recipients, g_strdup(b->cc->pdata[i]));
	for (i = 0; i < b->bcc->len; i++)
		g_ptr_array_add(e->recipients, g_strdup(b->bcc->pdata[i]));
	for (i = 0; i < b->atts->len; i++) {
		const MpAttachment *a = b->atts->pdata[i];

		mp_store_entry_add_file(e, b->names->pdata[i], a->part->type,
		    a->data);
	}
}

/*
 * mp_detach - store the attachments, build the rewritten message and
 * its notice
 *
 * The message and the notice are built in memory first, then the
 * store entry is written whole: when this returns MP_OK with a result,
 * the link in res->out leads to a complete entry.  Nothing is
 * delivered here: the caller hands the notice on, prints the message,
 * and removes the entry again (mp_store_remove) if either fails.
 */
int
mp_detach(const MpMessage *msg, const MpLimits *limits, MpAddrParser *ap,
    const MpDetachOpts *o, MpDetachResult *res, GError **err)
{
	MpPart *root = NULL;
	GPtrArray *all;
	Build b = { 0 };
	GBytes **data = NULL;
	char *password = NULL, *url = NULL;
	int status;
	guint i;

	memset(res, 0, sizeof *res);
	if ((status = mp_mime_parse(msg, limits, &root, err)) != MP_OK)
		return status;
	all = mp_attachments_decode(msg, root);
	res->attachments = all->len;
	b.msg = msg;
	b.o = o;
	b.ap = ap;
	plan(all, &b, res);
	if (b.atts->len == 0) {
		res->action = MP_DETACH_UNCHANGED;
		goto done;
	}
	res->action = MP_DETACH_DETACHED;
	res->dkim_signed = has_dkim(msg);
	if (o->dry_run)
		goto done;

	b.values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    g_free);
	b.to = g_ptr_array_new_with_free_func(g_free);
	b.cc = g_ptr_array_new_with_free_func(g_free);
	b.bcc = g_ptr_array_new_with_free_func(g_free);
	if ((status = find_sender(&b, err)) != MP_OK)
		goto done;
	b.entry = mp_store_entry_new();
	b.entry->expires = b.entry->created + (gint64)o->expires;
	url = mp_detach_url(o->base_url, b.entry->id);
	fill_values(&b, url);
	describe_entry(&b);
	if (o->notify == MP_NOTIFY_RECIPIENTS && b.to->len + b.cc->len +
	    b.bcc->len == 0) {
		status = mp_fail(err, EX_DATAERR, "no recipients to send the "
		    "password notice to");
		goto done;
	}
	password = o->password != NULL ? g_strdup(o->password) :
	    mp_secret_password(o->password_length);
	res->notice = notice(&b, password);
	res->out = rewrite(&b, root);
	data = g_new0(GBytes *, b.atts->len);
	for (i = 0; i < b.atts->len; i++)
		data[i] = ((MpAttachment *)b.atts->pdata[i])->data;
	if ((status = mp_store_create(o->store, b.entry, data, password,
	    err)) != MP_OK)
		goto done;
	res->id = g_strdup(b.entry->id);
	res->url = url;
	url = NULL;
	res->expires = b.entry->expires;
done:
	if (status != MP_OK) {
		if (res->notice != NULL) {
			memset(res->notice->str, 0, res->notice->len);
			g_string_free(res->notice, TRUE);
			res->notice = NULL;
		}
		if (res->out != NULL) {
			g_string_free(res->out, TRUE);
			res->out = NULL;
		}
	}
	mp_secret_free(password);
	g_free(data);
	g_free(url);
	mp_store_entry_free(b.entry);
	if (b.values != NULL)
		g_hash_table_destroy(b.values);
	if (b.to != NULL) {
		g_ptr_array_free(b.to, TRUE);
		g_ptr_array_free(b.cc, TRUE);
		g_ptr_array_free(b.bcc, TRUE);
	}
	g_free(b.sender);
	g_ptr_array_free(b.atts, TRUE);
	g_ptr_array_free(b.names, TRUE);
	g_ptr_array_free(all, TRUE);
	mp_part_free(root);
	return status;
}

void
mp_detach_result_clear(MpDetachResult *res)
{
	g_free(res->id);
	g_free(res->url);
	if (res->out != NULL)
		g_string_free(res->out, TRUE);
	if (res->notice != NULL) {
		/* it holds the password: wipe before freeing */
		memset(res->notice->str, 0, res->notice->len);
		g_string_free(res->notice, TRUE);
	}
	memset(res, 0, sizeof *res);
}
