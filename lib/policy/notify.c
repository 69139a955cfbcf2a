/* notify.c - the rejection notice: the sender is told which rule
 * refused the mail and why */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/human.h"
#include "mail/charset.h"
#include "policy/notify.h"

/* the notice's options over [policy]; --notice-from has no key */
const MpOptSpec mp_reject_notice_opts[] = {
	{ .id = MP_REJECT_OPT_NOTICE, .name = "notice",
	  .has_arg = required_argument, .key = "notice" },
	{ .id = MP_REJECT_OPT_NOTICE_MAILDIR, .name = "notice-maildir",
	  .has_arg = required_argument, .key = "notice-maildir" },
	{ .id = MP_REJECT_OPT_NOTICE_CMD, .name = "notice-cmd",
	  .has_arg = required_argument, .key = "notice-cmd" },
	{ .id = MP_REJECT_OPT_TEMPLATE_DIR, .name = "template-dir",
	  .has_arg = required_argument, .key = "template-dir" },
	{ .id = MP_REJECT_OPT_LANG, .name = "lang",
	  .has_arg = required_argument, .key = "lang",
	  .def = MP_POLICY_LANG_DEFAULT },
	{ .id = MP_REJECT_OPT_NOTICE_FROM, .name = "notice-from",
	  .has_arg = required_argument },
	MP_OPT_END,
};

/* what a template may say, and what it must: a notice that does not
 * say why is no help to the one who wrote the mail */
static const char *const fields[] = { "subject", "rule", "reason",
    "recipients", "attachments", "date", "message-id", NULL };
static const char *const required[] = { "reason", NULL };

static const char *const builtin[2] = {
	[MP_LANG_JA] =
"Subject: [送信拒否] {subject}\n"
"\n"
"次のメールは送信されませんでした。\n"
"送信ポリシーのルール「{rule}」により、送信が止められました。\n"
"\n"
"理由: {reason}\n"
"\n"
"件名: {subject}\n"
"宛先: {recipients}\n"
"日時: {date}\n"
"Message-ID: {message-id}\n"
"添付ファイル:\n"
"{attachments}\n"
"\n"
"内容を見直し、必要であれば改めて送信してください。\n"
"ご不明な点は、システム管理者にお問い合わせください。\n"
"このメールは自動で送信されています。\n",
	[MP_LANG_EN] =
"Subject: [Rejected] {subject}\n"
"\n"
"The message below was not sent: the mail policy's rule \"{rule}\"\n"
"refused it.\n"
"\n"
"Reason: {reason}\n"
"\n"
"Subject: {subject}\n"
"To: {recipients}\n"
"Date: {date}\n"
"Message-ID: {message-id}\n"
"Attachments:\n"
"{attachments}\n"
"\n"
"Check the message, and send it again if it should go out.\n"
"Ask your mail administrator if anything is unclear.\n"
"This message was sent automatically.\n",
};

/* need_dir - the path of option id, when set, is a directory: else 78 */
static int
need_dir(const MpOpts *o, int id, const char *what, GError **err)
{
	const char *path = mp_opts_value(o, id);
	struct stat st;

	if (path == NULL)
		return MP_OK;
	if (stat(path, &st) != 0)
		return mp_fail(err, EX_CONFIG, "%s: %s: %s", what, path,
		    g_strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return mp_fail(err, EX_CONFIG, "%s: %s: not a directory", what,
		    path);
	return MP_OK;
}

/* need_maildir - a --notice-maildir that is not there would fail every
 * rejected message: say so once, at the start (78) */
static int
need_maildir(const char *dir, GError **err)
{
	static const char *const sub[] = { "tmp", "new" };
	guint i;

	for (i = 0; dir != NULL && i < G_N_ELEMENTS(sub); i++) {
		char *d = g_build_filename(dir, sub[i], NULL);
		gboolean ok = g_file_test(d, G_FILE_TEST_IS_DIR);

		g_free(d);
		if (!ok)
			return mp_fail(err, EX_CONFIG, "notice Maildir: %s: "
			    "not a Maildir (no %s/ directory)", dir, sub[i]);
	}
	return MP_OK;
}

/* read_from - --notice-from as one address (64) */
static int
read_from(MpRejectNotice *n, const MpOpts *o, GError **err)
{
	const char *v = mp_opts_value(o, MP_REJECT_OPT_NOTICE_FROM);
	MpAddr a;

	if (v == NULL)
		return MP_OK;
	if (!mp_addr_parse_one(n->ap, v, &a))
		return mp_opts_bad_arg(o, MP_REJECT_OPT_NOTICE_FROM,
		    "not an address", err);
	n->from = g_strdup(a.addr);
	mp_addr_clear(&a);
	return MP_OK;
}

/* mp_reject_notice_load - the options resolved into n, checked */
int
mp_reject_notice_load(MpRejectNotice *n, const MpOpts *o, gboolean replay,
    GError **err)
{
	const char *dir = mp_opts_value(o, MP_REJECT_OPT_TEMPLATE_DIR);
	char *name;
	int status;

	memset(n, 0, sizeof *n);
	/* checked against the schema: ja or en */
	if (!mp_lang_parse(mp_opts_value(o, MP_REJECT_OPT_LANG), &n->lang))
		n->lang = MP_LANG_JA;
	n->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(n->ap, TRUE);
	if ((status = read_from(n, o, err)) != MP_OK ||
	    (status = need_dir(o, MP_REJECT_OPT_TEMPLATE_DIR,
	    "template directory", err)) != MP_OK)
		return status;
	name = g_strdup_printf("reject.%s", n->lang == MP_LANG_JA ? "ja" :
	    "en");
	status = mp_template_load(dir, name, builtin[n->lang], TRUE, fields,
	    required, &n->text, err);
	g_free(name);
	if (status != MP_OK || replay)
		return status;
	n->dest.file = mp_opts_value(o, MP_REJECT_OPT_NOTICE);
	n->dest.maildir = mp_opts_value(o, MP_REJECT_OPT_NOTICE_MAILDIR);
	n->dest.command = mp_opts_value(o, MP_REJECT_OPT_NOTICE_CMD);
	return need_maildir(n->dest.maildir, err);
}

/* mp_reject_notice_on - whether a notice goes out for a reject */
gboolean
mp_reject_notice_on(const MpRejectNotice *n)
{
	return n->dest.file != NULL || n->dest.maildir != NULL ||
	    n->dest.command != NULL;
}

/* automatic - why msg is mail no one should answer (RFC 3834): a
 * bounce, or an Auto-Submitted field other than "no"; else NULL */
static const char *
automatic(const MpPolicy *p, const MpMessage *msg)
{
	char *v = mp_message_header(msg, "Auto-Submitted");
	gboolean autosub = FALSE;

	if (v != NULL) {
		char *word = g_strchug(v);

		/* the keyword alone, without parameters or a comment */
		word[strcspn(word, " \t;(")] = '\0';
		autosub = g_ascii_strcasecmp(word, "no") != 0;
		g_free(v);
	}
	if (p->facts.env_sender != NULL && *p->facts.env_sender == '\0')
		return "the envelope sender is null (a bounce)";
	if (autosub)
		return "the message is automatic (Auto-Submitted)";
	return NULL;
}

/* whom - the address the notice goes to: the SMTP AUTH user when given
 * and an address, else the first From address; FALSE for neither */
static gboolean
whom(const MpRejectNotice *n, const MpPolicy *p, const MpMessage *msg,
    MpAddr *out)
{
	const char *auth = p->eval.auth_user;

	memset(out, 0, sizeof *out);
	if (auth != NULL && *auth != '\0' &&
	    mp_addr_parse_one(n->ap, auth, out) && out->domain != NULL)
		return TRUE;
	mp_addr_clear(out);
	if (mp_message_sender(n->ap, msg, out) && out->domain != NULL)
		return TRUE;
	mp_addr_clear(out);
	return FALSE;
}

/* recipients_text - To, Cc and Bcc, each address once, with its name */
static char *
recipients_text(const MpRejectNotice *n, const MpMessage *msg)
{
	GPtrArray *fields_of = mp_addr_fields(n->ap, msg, FALSE);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GString *s = g_string_new(NULL);
	guint i, k;

	for (i = 0; i < fields_of->len; i++) {
		const MpAddrField *af = fields_of->pdata[i];

		for (k = 0; k < af->addrs->len; k++) {
			const MpAddr *a = &g_array_index(af->addrs, MpAddr, k);
			char *key;

			if (a->addr == NULL)
				continue;
			key = mp_addr_key(a->addr);
			if (!g_hash_table_add(seen, key))
				continue;
			if (s->len > 0)
				g_string_append(s, ", ");
			if (a->name != NULL && *a->name != '\0')
				g_string_append_printf(s, "%s <%s>", a->name,
				    a->addr);
			else
				g_string_append(s, a->addr);
		}
	}
	if (s->len == 0)
		g_string_append(s, "-");
	g_hash_table_destroy(seen);
	g_ptr_array_free(fields_of, TRUE);
	return g_string_free(s, FALSE);
}

/* attachments_text - "- NAME (SIZE)" a line; "-" when they cannot be
 * read (the notice still says why the mail was refused) */
static char *
attachments_text(gboolean ja, MpFacts *facts)
{
	const GPtrArray *atts;
	GString *s = g_string_new(NULL);
	GError *e = NULL;
	guint i;

	if (mp_facts_attachments(facts, MP_FACT_PARTS, &atts, &e) != MP_OK) {
		g_clear_error(&e);
		g_string_append(s, "-");
		return g_string_free(s, FALSE);
	}
	for (i = 0; i < atts->len; i++) {
		const MpFactAttachment *a = atts->pdata[i];
		char *size = mp_size_human(a->size, ja);

		g_string_append_printf(s, "%s- %s (%s)", i > 0 ? "\n" : "",
		    a->name != NULL ? a->name : ja ? "(名前なし)" :
		    "(no name)", size);
		g_free(size);
	}
	if (atts->len == 0)
		g_string_append(s, ja ? "なし" : "none");
	return g_string_free(s, FALSE);
}

/* subject_text - the decoded Subject, or a word for none */
static char *
subject_text(gboolean ja, const MpMessage *msg)
{
	char *raw = mp_message_header(msg, "Subject");
	char *s = raw != NULL ? mp_decode_header_text(raw, strlen(raw), FALSE) :
	    g_strdup("");

	g_free(raw);
	if (*s != '\0')
		return s;
	g_free(s);
	return g_strdup(ja ? "(件名なし)" : "(no subject)");
}

/* date_text - the message's Date in the configured zone, or "-" */
static char *
date_text(gboolean ja, const MpPolicy *p, const MpMessage *msg)
{
	GDateTime *t;
	char *s;

	if (mp_message_time(msg, MP_TIME_DATE, 0, p->facts.tz, &t, NULL) != MP_OK)
		return g_strdup("-");
	s = mp_time_text_in(t, p->facts.tz, ja);
	g_date_time_unref(t);
	return s;
}

/* values - what each placeholder stands for */
static GHashTable *
values(const MpRejectNotice *n, const MpPolicy *p, const MpMessage *msg,
    MpJudgement *j, const char *msgid)
{
	GHashTable *v = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    g_free);
	gboolean ja = n->lang == MP_LANG_JA;

	g_hash_table_insert(v, "subject", subject_text(ja, msg));
	g_hash_table_insert(v, "rule", g_strdup(j->d.decider != NULL ?
	    j->d.decider->name : "-"));
	g_hash_table_insert(v, "reason", g_strdup(j->d.reason != NULL ?
	    j->d.reason : "-"));
	g_hash_table_insert(v, "recipients", recipients_text(n, msg));
	g_hash_table_insert(v, "attachments", attachments_text(ja, j->facts));
	g_hash_table_insert(v, "date", date_text(ja, p, msg));
	g_hash_table_insert(v, "message-id", msgid != NULL ?
	    g_strdup_printf("<%s>", msgid) : g_strdup("-"));
	return v;
}

/* render - the notice from the template, to the address to, as
 * message text */
static GString *
render(const MpRejectNotice *n, const MpPolicy *p, const MpMessage *msg,
    MpJudgement *j, const MpAddr *to)
{
	char *msgid = mp_message_id(msg);
	GHashTable *v = values(n, p, msg, j, msgid);
	char *subject = mp_template_expand(n->text->subject, v);
	char *raw = mp_template_expand(n->text->body, v);
	char *body = mp_text_wrap(raw, MP_TEXT_COLUMNS);
	char *from = n->from != NULL ? g_strdup(n->from) :
	    g_strdup_printf("postmaster@%s", to->domain);
	GPtrArray *rcpt = g_ptr_array_new();
	MpNotice notice = { 0 };
	GString *text;

	g_ptr_array_add(rcpt, to->addr);
	/* one line: a folded subject is the notice's, not the sender's */
	g_strdelimit(subject, "\r\n", ' ');
	notice.from = from;
	notice.to = rcpt;
	notice.subject = subject;
	notice.body = body;
	notice.references = msgid;
	notice.tz = p->facts.tz;
	text = mp_notice_render(&notice);
	g_ptr_array_free(rcpt, TRUE);
	g_free(from);
	g_free(body);
	g_free(raw);
	g_free(subject);
	g_hash_table_destroy(v);
	g_free(msgid);
	return text;
}

/* mp_reject_notice_send - the notice to the sender of a rejected
 * message (see notify.h) */
int
mp_reject_notice_send(const MpRejectNotice *n, const MpPolicy *p,
    const MpMessage *msg, MpJudgement *j, const char **skipped,
    GError **err)
{
	MpAddr to;
	GString *text;
	int caught, status;

	*skipped = NULL;
	if (j->d.verdict != MP_ACT_REJECT || !mp_reject_notice_on(n))
		return MP_OK;
	if ((*skipped = automatic(p, msg)) != NULL)
		return MP_OK;
	if (!whom(n, p, msg, &to)) {
		*skipped = "no sender address to send it to";
		return MP_OK;
	}
	text = render(n, p, msg, j, &to);
	/* a stop signal that ended the notice command fails it (75):
	 * the MTA tries the message again, and the notice with it */
	status = mp_notice_deliver(&n->dest, text, &caught, err);
	g_string_free(text, TRUE);
	mp_addr_clear(&to);
	return status;
}

/* mp_reject_notice_clear - release the template and the parser */
void
mp_reject_notice_clear(MpRejectNotice *n)
{
	mp_template_free(n->text);
	mp_addr_parser_free(n->ap);
	g_free(n->from);
	memset(n, 0, sizeof *n);
}
