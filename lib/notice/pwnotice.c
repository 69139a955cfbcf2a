/* pwnotice.c - the password notice about one message, and the note that
 * goes into it: what mp-zipenc and mp-detach share */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/attach.h"
#include "mail/charset.h"
#include "mail/classify.h"
#include "base/human.h"
#include "notice/pwnotice.h"
#include "base/secret.h"

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
 * mp_notice_templates_load - a tool's notices and note for lang: the
 * files in dir where they exist, the built-in texts otherwise.
 */
int
mp_notice_templates_load(const MpNoticeTexts *texts, const char *dir,
    MpLang lang, MpNoticeTemplates **out, GError **err)
{
	static const char *const kind[2] = {
		[MP_NOTIFY_SENDER] = "notice-sender",
		[MP_NOTIFY_RECIPIENTS] = "notice-recipients",
	};
	const char *suffix = lang == MP_LANG_JA ? "ja" : "en";
	MpNoticeTemplates *t = g_new0(MpNoticeTemplates, 1);
	int status = MP_OK, k;
	char *name;

	*out = NULL;
	for (k = 0; k < 2 && status == MP_OK; k++) {
		name = g_strdup_printf("%s%s.%s", texts->prefix, kind[k],
		    suffix);
		status = mp_template_load(dir, name,
		    texts->notice_text[lang][k], TRUE, texts->notice_fields,
		    texts->notice_required, &t->notice[k], err);
		g_free(name);
	}
	if (status == MP_OK) {
		name = g_strdup_printf("%snote.%s", texts->prefix, suffix);
		status = mp_template_load(dir, name, texts->note_text[lang],
		    FALSE, texts->note_fields, texts->note_required, &t->note,
		    err);
		g_free(name);
	}
	if (status != MP_OK) {
		mp_notice_templates_free(t);
		return status;
	}
	*out = t;
	return MP_OK;
}

/* mp_notice_templates_free - release the templates */
void
mp_notice_templates_free(MpNoticeTemplates *t)
{
	if (t == NULL)
		return;
	mp_template_free(t->notice[0]);
	mp_template_free(t->notice[1]);
	mp_template_free(t->note);
	g_free(t);
}

/* mp_notice_password - the fixed password or a random one (to wipe) */
char *
mp_notice_password(const MpNoticePolicy *p)
{
	return p->password != NULL ? g_strdup(p->password) :
	    mp_secret_password(p->password_length);
}

/* find_sender - --sender, else the first From address */
static int
find_sender(MpNoticeBuild *b, MpAddrParser *ap, GError **err)
{
	MpAddr a;

	if (b->policy->sender != NULL) {
		b->sender = g_strdup(b->policy->sender);
		return MP_OK;
	}
	if (!mp_message_sender(ap, b->msg, &a)) {
		mp_addr_clear(&a);	/* an unreadable one has its text */
		return mp_fail(err, EX_DATAERR, "no From address to send the "
		    "password notice from (give --sender)");
	}
	b->sender = g_strdup(a.addr);
	mp_addr_clear(&a);
	return MP_OK;
}

/* recipients_of - the addresses of To, Cc and Bcc, each once; shown
 * gets To and Cc with their names, for the sender's notice */
static void
recipients_of(MpNoticeBuild *b, MpAddrParser *ap, GString *shown)
{
	GPtrArray *fields = mp_addr_fields(ap, b->msg, FALSE);
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
				g_string_append_printf(shown, "%s <%s>",
				    a->name, a->addr);
			else
				g_string_append(shown, a->addr);
		}
	}
	g_hash_table_destroy(seen);
	g_ptr_array_free(fields, TRUE);
}

/* fill_values - what the shared placeholders stand for */
static void
fill_values(MpNoticeBuild *b, GPtrArray *atts, GPtrArray *names,
    GString *shown)
{
	MpLang lang = b->policy->lang;
	GHashTable *v = b->values;
	GString *files = g_string_new(NULL);
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
		subject = g_strdup(lang == MP_LANG_JA ? "(件名なし)" :
		    "(no subject)");
	}
	for (i = 0; i < atts->len; i++) {
		const MpAttachment *a = atts->pdata[i];
		char *size = mp_size_human(a->size, lang == MP_LANG_JA);

		g_string_append_printf(files, "%s- %s (%s)", i > 0 ? "\n" : "",
		    (const char *)names->pdata[i], size);
		g_free(size);
	}
	g_hash_table_insert(v, "subject", subject);
	g_hash_table_insert(v, "sender", g_strdup(b->sender));
	g_hash_table_insert(v, "recipients", g_string_free(shown, FALSE));
	g_hash_table_insert(v, "date", dt != NULL ?
	    mp_time_text_in(dt, b->policy->tz, lang == MP_LANG_JA) :
	    g_strdup("-"));
	g_hash_table_insert(v, "files", g_string_free(files, FALSE));
	g_hash_table_insert(v, "count", g_strdup_printf("%u", atts->len));
	if (dt != NULL)
		g_date_time_unref(dt);
}

/*
 * mp_notice_build_init - the sender (--sender, else the first From
 * address), the recipients (To, Cc and Bcc, each address once) and the
 * values the notice and the note share, for the attachments atts named
 * names
 */
int
mp_notice_build_init(MpNoticeBuild *b, const MpMessage *msg,
    MpAddrParser *ap, const MpNoticePolicy *p, GPtrArray *atts,
    GPtrArray *names, GError **err)
{
	int status;

	memset(b, 0, sizeof *b);
	b->msg = msg;
	b->policy = p;
	b->values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    g_free);
	b->to = g_ptr_array_new_with_free_func(g_free);
	b->cc = g_ptr_array_new_with_free_func(g_free);
	b->bcc = g_ptr_array_new_with_free_func(g_free);
	if ((status = find_sender(b, ap, err)) != MP_OK)
		return status;
	{
		GString *shown = g_string_new(NULL);

		recipients_of(b, ap, shown);
		fill_values(b, atts, names, shown);
	}
	return MP_OK;
}

/*
 * note_in_text - the message with the note at the top of its text
 * parts (notebody.h), file_part unless NULL where the first of atts
 * was, the other atts gone; NULL when it has no text to take the note
 */
static GString *
note_in_text(const MpNoticeBuild *b, MpPart *root, GPtrArray *atts,
    const char *note, const char *file_part, const char *trace_name,
    const char *trace_value)
{
	GPtrArray *texts = mp_note_text_parts(b->msg, root), *one;
	MpSplice *sp;
	GString *out;
	guint i;

	if (texts->len == 0) {
		g_ptr_array_free(texts, TRUE);
		return NULL;
	}
	sp = mp_splice_new(b->msg, root);
	one = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < texts->len; i++) {
		g_ptr_array_set_size(one, 0);
		g_ptr_array_add(one, mp_note_into_part(b->msg, texts->pdata[i],
		    note, g_hash_table_lookup(b->values, "url")));
		mp_splice_replace(sp, texts->pdata[i], one);
	}
	g_ptr_array_set_size(one, 0);
	if (file_part != NULL) {
		g_ptr_array_add(one, g_strdup(file_part));
		mp_splice_replace(sp, ((MpAttachment *)atts->pdata[0])->part,
		    one);
	} else {
		mp_splice_remove(sp, ((MpAttachment *)atts->pdata[0])->part);
	}
	for (i = 1; i < atts->len; i++)
		mp_splice_remove(sp, ((MpAttachment *)atts->pdata[i])->part);
	mp_header_edit_set(mp_splice_header(sp), trace_name, trace_value);
	out = mp_splice_apply(sp);
	mp_splice_free(sp);
	g_ptr_array_free(one, TRUE);
	g_ptr_array_free(texts, TRUE);
	return out;
}

/*
 * mp_notice_build_rewrite - the message with the note, and file_part
 * (a whole MIME part) unless NULL, where the first of atts was; the
 * other atts gone; the trace field "NAME: VALUE"; every other byte as
 * it was.  The note goes at the top of the message's text unless the
 * policy says part, or the message has no text: then it is a text/plain
 * part of its own where the first of atts was.
 */
GString *
mp_notice_build_rewrite(const MpNoticeBuild *b, MpPart *root,
    GPtrArray *atts, const char *file_part, const char *trace_name,
    const char *trace_value)
{
	GPtrArray *parts;
	char *text = mp_template_expand(b->policy->templates->note->body,
	    b->values), *note = mp_text_wrap(text, MP_TEXT_COLUMNS);
	GString *out = NULL;

	if (b->policy->note_place == MP_NOTE_BODY)
		out = note_in_text(b, root, atts, note, file_part, trace_name,
		    trace_value);
	if (out == NULL) {
		parts = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(parts, mp_part_new_text(note,
		    mp_message_eol(b->msg)));
		if (file_part != NULL)
			g_ptr_array_add(parts, g_strdup(file_part));
		out = mp_attachments_replace(b->msg, root, atts, parts,
		    trace_name, trace_value);
		g_ptr_array_free(parts, TRUE);
	}
	g_free(note);
	g_free(text);
	return out;
}

/*
 * mp_notice_build_notice - the notice with password, for whom the
 * policy says: the sender alone, or the message's recipients (65 when
 * it has none) after the delay
 */
int
mp_notice_build_notice(MpNoticeBuild *b, const char *password,
    GString **out, GError **err)
{
	const MpNoticePolicy *p = b->policy;
	const MpTemplate *t = p->templates->notice[p->notify];
	char *subject, *body, *msgid;
	GPtrArray *self;
	MpNotice n = { 0 };

	*out = NULL;
	if (p->notify == MP_NOTIFY_RECIPIENTS && b->to->len + b->cc->len +
	    b->bcc->len == 0)
		return mp_fail(err, EX_DATAERR, "no recipients to send the "
		    "password notice to");
	g_hash_table_insert(b->values, "password", g_strdup(password));
	subject = mp_template_expand(t->subject, b->values);
	{
		char *raw = mp_template_expand(t->body, b->values);

		body = mp_text_wrap(raw, MP_TEXT_COLUMNS);
		mp_secret_free(raw);
	}
	{
		gpointer key, copy;

		/* wiped, not just freed */
		if (g_hash_table_steal_extended(b->values, "password", &key,
		    &copy))
			mp_secret_free(copy);
	}
	msgid = mp_message_id(b->msg);
	self = g_ptr_array_new();
	g_ptr_array_add(self, b->sender);
	n.from = b->sender;
	if (p->notify == MP_NOTIFY_SENDER) {
		n.to = self;
	} else {
		n.to = b->to;
		n.cc = b->cc;
		n.bcc = b->bcc;
		n.deliver_after = p->delay;
	}
	/* one line each: a folded subject is the notice's, not ours */
	g_strdelimit(subject, "\r\n", ' ');
	n.subject = subject;
	n.body = body;
	n.references = msgid;
	n.tz = p->tz;
	*out = mp_notice_render(&n);
	g_free(msgid);
	g_ptr_array_free(self, TRUE);
	mp_secret_free(body);
	g_free(subject);
	return MP_OK;
}

/* mp_notice_build_clear - release what was made (a zeroed one: nothing) */
void
mp_notice_build_clear(MpNoticeBuild *b)
{
	if (b->values != NULL)
		g_hash_table_destroy(b->values);
	if (b->to != NULL) {
		g_ptr_array_free(b->to, TRUE);
		g_ptr_array_free(b->cc, TRUE);
		g_ptr_array_free(b->bcc, TRUE);
	}
	g_free(b->sender);
	memset(b, 0, sizeof *b);
}

/* mp_notice_discard - release a rewritten message and its notice, the
 * notice wiped first (it holds the password); both become NULL */
void
mp_notice_discard(GString **out, GString **notice)
{
	if (*out != NULL)
		g_string_free(*out, TRUE);
	if (*notice != NULL) {
		memset((*notice)->str, 0, (*notice)->len);
		g_string_free(*notice, TRUE);
	}
	*out = *notice = NULL;
}
