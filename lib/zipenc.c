/* zipenc.c - attachments into one encrypted ZIP, password told apart */
#include <string.h>

#include <gmime/gmime.h>

#include "arcscan.h"
#include "attach.h"
#include "charset.h"
#include "classify.h"
#include "secret.h"
#include "zipenc.h"

struct MpZipencTemplates {
	MpTemplate *notice[2];	/* by MpNotify */
	MpTemplate *note;
	MpLang lang;
};

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

static const char *const template_name[2][2] = {
	[MP_NOTIFY_SENDER] = { "notice-sender.ja", "notice-sender.en" },
	[MP_NOTIFY_RECIPIENTS] = { "notice-recipients.ja",
	    "notice-recipients.en" },
};

/* mp_lang_parse - "ja" or "en" */
gboolean
mp_lang_parse(const char *s, MpLang *out)
{
	if (strcmp(s, "ja") == 0)
		*out = MP_LANG_JA;
	else if (strcmp(s, "en") == 0)
		*out = MP_LANG_EN;
	else
		return FALSE;
	return TRUE;
}

/* mp_notify_parse - "sender" or "recipients" */
gboolean
mp_notify_parse(const char *s, MpNotify *out)
{
	if (strcmp(s, "sender") == 0)
		*out = MP_NOTIFY_SENDER;
	else if (strcmp(s, "recipients") == 0)
		*out = MP_NOTIFY_RECIPIENTS;
	else
		return FALSE;
	return TRUE;
}

/*
 * mp_zipenc_templates_load - the notice and note texts for lang:
 * DIR/notice-sender.LANG, DIR/notice-recipients.LANG and DIR/note.LANG
 * where they exist, the built-in texts otherwise.
 */
int
mp_zipenc_templates_load(const char *dir, MpLang lang,
    MpZipencTemplates **out, GError **err)
{
	MpZipencTemplates *t = g_new0(MpZipencTemplates, 1);
	char *note = g_strconcat("note.", lang == MP_LANG_JA ? "ja" : "en",
	    NULL);
	int status = MP_OK, k;

	*out = NULL;
	t->lang = lang;
	for (k = 0; k < 2 && status == MP_OK; k++)
		status = mp_template_load(dir, template_name[k][lang],
		    builtin_notice[lang][k], TRUE, notice_fields,
		    notice_required, &t->notice[k], err);
	if (status == MP_OK)
		status = mp_template_load(dir, note, builtin_note[lang], FALSE,
		    note_fields, NULL, &t->note, err);
	g_free(note);
	if (status != MP_OK) {
		mp_zipenc_templates_free(t);
		return status;
	}
	*out = t;
	return MP_OK;
}

/* mp_zipenc_templates_free - release the templates */
void
mp_zipenc_templates_free(MpZipencTemplates *t)
{
	if (t == NULL)
		return;
	mp_template_free(t->notice[0]);
	mp_template_free(t->notice[1]);
	mp_template_free(t->note);
	g_free(t);
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

/* message_date - the message's Date, or now when it has none */
static GDateTime *
message_date(const MpMessage *msg, gboolean *known)
{
	char *raw = mp_message_header(msg, "Date");
	GDateTime *t = raw != NULL ? g_mime_utils_header_decode_date(raw) :
	    NULL;

	g_free(raw);
	*known = t != NULL;
	return t != NULL ? t : g_date_time_new_now_local();
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
		gsize len;
		const guchar *d = g_bytes_get_data(a->data, &len);

		mp_archive_scan(d, len, &scan);
		if (scan.kind == MP_ARCHIVE_ENCRYPTED) {
			res->kept++;	/* encrypting it again helps nobody */
			continue;
		}
		g_ptr_array_add(plan->zip, a);
		g_ptr_array_add(plan->names,
		    mp_attachment_name(a, plan->zip->len - 1, used));
		plan->bytes += len;
	}
	g_hash_table_destroy(used);
}

/* recipients_of - the addresses of To, Cc and Bcc, each once */
static void
recipients_of(MpAddrParser *ap, const MpMessage *msg, GPtrArray *to,
    GPtrArray *cc, GPtrArray *bcc, GString *shown)
{
	GPtrArray *fields = mp_addr_fields(ap, msg, FALSE);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i, k;

	for (i = 0; i < fields->len; i++) {
		MpAddrField *af = fields->pdata[i];
		GPtrArray *into = af->kind == MP_RCPT_TO ? to :
		    af->kind == MP_RCPT_CC ? cc : bcc;

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

typedef struct {
	const MpMessage *msg;
	const MpZipencOpts *o;
	MpAddrParser *ap;
	Plan *plan;
	GDateTime *date;
	gboolean date_known;
	MpZipencResult *res;
	GHashTable *values;	/* placeholder -> text */
	char *sender;
	GPtrArray *to, *cc, *bcc;
} Build;

/* fill_values - what the placeholders stand for (not the password) */
static void
fill_values(Build *b)
{
	const MpZipencOpts *o = b->o;
	GHashTable *v = b->values;
	GString *files = g_string_new(NULL), *shown = g_string_new(NULL);
	char *raw = mp_message_header(b->msg, "Subject"), *subject;
	guint i;

	subject = raw != NULL ? mp_decode_header_text(raw, strlen(raw), FALSE) :
	    g_strdup("");
	g_free(raw);
	if (*subject == '\0') {
		g_free(subject);
		subject = g_strdup(o->lang == MP_LANG_JA ? "(件名なし)" :
		    "(no subject)");
	}
	for (i = 0; i < b->plan->zip->len; i++) {
		const MpAttachment *a = b->plan->zip->pdata[i];
		char *size = size_text(g_bytes_get_size(a->data), o->lang);

		g_string_append_printf(files, "%s- %s (%s)", i > 0 ? "\n" : "",
		    (const char *)b->plan->names->pdata[i], size);
		g_free(size);
	}
	recipients_of(b->ap, b->msg, b->to, b->cc, b->bcc, shown);
	g_hash_table_insert(v, "subject", subject);
	g_hash_table_insert(v, "sender", g_strdup(b->sender));
	g_hash_table_insert(v, "recipients", g_string_free(shown, FALSE));
	g_hash_table_insert(v, "date", b->date_known ?
	    g_date_time_format(b->date, "%Y-%m-%d %H:%M %z") : g_strdup("-"));
	g_hash_table_insert(v, "files", g_string_free(files, FALSE));
	g_hash_table_insert(v, "count", g_strdup_printf("%u",
	    b->plan->zip->len));
	g_hash_table_insert(v, "zip", g_strdup(b->res->zip_name));
	g_hash_table_insert(v, "size", size_text(b->res->zip_size, o->lang));
	g_hash_table_insert(v, "cipher", g_strdup(o->zip.cipher ==
	    MP_ZIP_AES256 ? "AES-256" : "ZipCrypto"));
	g_hash_table_insert(v, "howto", g_strdup(howto[o->lang][o->zip.cipher]));
}

/* rewrite - the message with the ZIP and the note where the first
 * attachment was, the other zipped attachments gone */
static GString *
rewrite(Build *b, MpPart *root, GBytes *zip)
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
	g_ptr_array_add(parts, mp_part_new_file("application/zip",
	    b->res->zip_name, zip, eol));
	mp_splice_replace(sp, ((MpAttachment *)b->plan->zip->pdata[0])->part,
	    parts);
	for (i = 1; i < b->plan->zip->len; i++)
		mp_splice_remove(sp, ((MpAttachment *)b->plan->zip->pdata[i])->part);
	/* a forged trace field must not survive next to ours */
	for (i = 0; i < msg->fields->len; i++)
		if (mp_field_is(msg, &g_array_index(msg->fields, MpField, i),
		    "X-MP-Zipenc"))
			mp_header_edit_drop(hed, i);
	trace = g_strdup_printf("X-MP-Zipenc: zipped=%u cipher=%s%s",
	    b->plan->zip->len, mp_zip_cipher_name(b->o->zip.cipher), eol);
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
	{
		gpointer key, copy;

		/* wiped, not just freed */
		if (g_hash_table_steal_extended(b->values, "password", &key,
		    &copy))
			mp_secret_free(copy);
	}
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

/*
 * mp_zipenc - decide, and build the rewritten message and its notice
 *
 * Everything is built in memory and nothing is delivered here: the
 * caller hands the notice on first and prints the message only once
 * the notice is safe, so a password is never lost with its message
 * already gone.
 */
int
mp_zipenc(const MpMessage *msg, const MpLimits *limits, MpAddrParser *ap,
    const MpZipencOpts *o, MpZipencResult *res, GError **err)
{
	MpPart *root = NULL;
	GPtrArray *atts = NULL;
	Plan plan = { NULL, NULL, 0 };
	Build b = { 0 };
	char *password = NULL;
	GBytes *zip = NULL;
	int status;

	memset(res, 0, sizeof *res);
	if ((status = mp_mime_parse(msg, limits, &root, err)) != MP_OK)
		return status;
	atts = mp_attachments_decode(msg, root);
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
	res->dkim_signed = has_dkim(msg);
	if (o->dry_run)
		goto done;

	b.msg = msg;
	b.o = o;
	b.ap = ap;
	b.plan = &plan;
	b.res = res;
	b.date = message_date(msg, &b.date_known);
	b.values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    g_free);
	b.to = g_ptr_array_new_with_free_func(g_free);
	b.cc = g_ptr_array_new_with_free_func(g_free);
	b.bcc = g_ptr_array_new_with_free_func(g_free);
	if ((status = find_sender(&b, err)) != MP_OK)
		goto done;
	res->zip_name = zip_file_name(o->zip_name, b.date);
	password = o->password != NULL ? g_strdup(o->password) :
	    mp_secret_password(o->password_length);
	{
		MpZipEntry *entries = g_new0(MpZipEntry, plan.zip->len);
		MpZipOpts zo = o->zip;
		guint i;

		zo.mtime = g_date_time_to_unix(b.date);
		for (i = 0; i < plan.zip->len; i++) {
			entries[i].name = plan.names->pdata[i];
			entries[i].data = ((MpAttachment *)plan.zip->pdata[i])->data;
		}
		status = mp_zip_build(entries, plan.zip->len, password, &zo,
		    &zip, err);
		g_free(entries);
	}
	if (status != MP_OK)
		goto done;
	res->zip_size = g_bytes_get_size(zip);
	fill_values(&b);
	if (o->notify == MP_NOTIFY_RECIPIENTS && b.to->len + b.cc->len +
	    b.bcc->len == 0) {
		status = mp_fail(err, EX_DATAERR, "no recipients to send the "
		    "password notice to");
		goto done;
	}
	res->notice = notice(&b, password);
	res->out = rewrite(&b, root, zip);
done:
	if (status != MP_OK && res->notice != NULL) {
		g_string_free(res->notice, TRUE);
		res->notice = NULL;
	}
	mp_secret_free(password);
	if (zip != NULL)
		g_bytes_unref(zip);
	if (b.values != NULL)
		g_hash_table_destroy(b.values);
	if (b.date != NULL)
		g_date_time_unref(b.date);
	if (b.to != NULL) {
		g_ptr_array_free(b.to, TRUE);
		g_ptr_array_free(b.cc, TRUE);
		g_ptr_array_free(b.bcc, TRUE);
	}
	g_free(b.sender);
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
	if (res->out != NULL)
		g_string_free(res->out, TRUE);
	if (res->notice != NULL) {
		/* it holds the password: wipe before freeing */
		memset(res->notice->str, 0, res->notice->len);
		g_string_free(res->notice, TRUE);
	}
	memset(res, 0, sizeof *res);
}
