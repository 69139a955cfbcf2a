/* notices.c - what mp-hold tells the sender and the approvers */
#include <string.h>

#include "base/human.h"
#include "hold/notices.h"
#include "notice/notice.h"
#include "notice/pwnotice.h"

/*
 * One template per kind of notice (hold-KIND.LANG).  What a held notice
 * has to say differs by mode (a time, an approver, the sender's own
 * confirmation), an expired one by what happened then (discarded or
 * sent), and every one by whether the site has a page ([hold]
 * base-url): a template cannot choose.  So besides the placeholders of
 * notices.h a template may hold {status}: the paragraph that says what
 * happens to this message next and what the reader can do about it,
 * written here per kind and mode, in the template's language.  A site
 * that wants other words writes its own template without {status},
 * from {mode}, {release-time}, {expires} and the rest.
 *
 * {link} is only the address of the page, empty without base-url (the
 * {status} paragraph then says whom to ask instead); a line left empty
 * by an empty placeholder does not leave a gap of several lines.
 * Times are in [general] time-zone, as mp_time_text_in writes them.
 */

/*
 * Both languages are loaded: an entry keeps the language it was queued
 * in (e->lang), and its later notices (a discard, an expiry, sendmail's
 * refusal) are written in it whatever the --run or the page that sends
 * them was told.  A template file of either language that is wrong
 * stops mp-hold at the start.
 */
struct MpHoldTexts {
	MpLang lang;		/* for an entry without one */
	MpTemplate *t[2][MP_HOLD_NNOTICES];
};

/* every placeholder any of the templates may use */
static const char *const fields[] = { "subject", "from", "sender",
    "recipients", "later", "attachments", "release-time", "expires",
    "link", "approvers", "mode", "rule", "reason", "comment", "by",
    "error", "message-id", "id", "status", NULL };
/* a notice that does not say which mail it is about is no help; a
 * rejection that hides the approver's comment neither */
static const char *const required[] = { "subject", NULL };
static const char *const required_rejected[] = { "subject", "comment",
    NULL };

static const char *const builtin[MP_HOLD_NNOTICES][2] = {
	[MP_HOLD_NOTICE_HELD] = {
		[MP_LANG_JA] =
"Subject: [配送保留] {subject}\n"
"\n"
"お送りいただいた次のメールは、まだ宛先に届いていません。\n"
"\n"
"{status}\n"
"\n"
"{link}\n"
"\n"
"件名: {subject}\n"
"差出人: {from}\n"
"宛先:\n"
"{recipients}\n"
"添付ファイル:\n"
"{attachments}\n"
"\n"
"このメールは自動で送信されています。\n"
"ご不明な点は、システム管理者にお問い合わせください。\n",
		[MP_LANG_EN] =
"Subject: [Held] {subject}\n"
"\n"
"The message below has not reached its recipients yet.\n"
"\n"
"{status}\n"
"\n"
"{link}\n"
"\n"
"Subject: {subject}\n"
"From: {from}\n"
"To:\n"
"{recipients}\n"
"Attachments:\n"
"{attachments}\n"
"\n"
"This message was sent automatically.\n"
"Ask your mail administrator if anything is unclear.\n",
	},
	[MP_HOLD_NOTICE_APPROVE] = {
		[MP_LANG_JA] =
"Subject: [承認依頼] {subject}\n"
"\n"
"次のメールの送信について、承認をお願いします。\n"
"承認されるまで、このメールは宛先に送信されません。\n"
"\n"
"{status}\n"
"\n"
"{link}\n"
"\n"
"依頼者: {from}\n"
"送信者アドレス: {sender}\n"
"件名: {subject}\n"
"宛先:\n"
"{recipients}\n"
"添付ファイル:\n"
"{attachments}\n"
"承認期限: {expires}\n"
"\n"
"このメールは自動で送信されています。\n"
"ご不明な点は、システム管理者にお問い合わせください。\n",
		[MP_LANG_EN] =
"Subject: [Approval requested] {subject}\n"
"\n"
"Please approve or reject the message below.  It is not sent until\n"
"it is approved.\n"
"\n"
"{status}\n"
"\n"
"{link}\n"
"\n"
"From: {from}\n"
"Sender address: {sender}\n"
"Subject: {subject}\n"
"To:\n"
"{recipients}\n"
"Attachments:\n"
"{attachments}\n"
"Deadline: {expires}\n"
"\n"
"This message was sent automatically.\n"
"Ask your mail administrator if anything is unclear.\n",
	},
	[MP_HOLD_NOTICE_DISCARDED] = {
		[MP_LANG_JA] =
"Subject: [配送取消] {subject}\n"
"\n"
"次のメールの送信は取り消されました。\n"
"{status}\n"
"\n"
"件名: {subject}\n"
"宛先:\n"
"{recipients}\n"
"添付ファイル:\n"
"{attachments}\n"
"取り消した人: {by}\n"
"\n"
"このメールは自動で送信されています。\n"
"ご不明な点は、システム管理者にお問い合わせください。\n",
		[MP_LANG_EN] =
"Subject: [Discarded] {subject}\n"
"\n"
"The message below was discarded.\n"
"{status}\n"
"\n"
"Subject: {subject}\n"
"To:\n"
"{recipients}\n"
"Attachments:\n"
"{attachments}\n"
"Discarded by: {by}\n"
"\n"
"This message was sent automatically.\n"
"Ask your mail administrator if anything is unclear.\n",
	},
	[MP_HOLD_NOTICE_REJECTED] = {
		[MP_LANG_JA] =
"Subject: [承認却下] {subject}\n"
"\n"
"次のメールは承認されなかったため、送信されませんでした。\n"
"\n"
"却下した人: {by}\n"
"コメント:\n"
"{comment}\n"
"\n"
"件名: {subject}\n"
"宛先:\n"
"{recipients}\n"
"添付ファイル:\n"
"{attachments}\n"
"\n"
"内容を見直し、必要であれば改めて送信してください。\n"
"このメールは自動で送信されています。\n",
		[MP_LANG_EN] =
"Subject: [Rejected] {subject}\n"
"\n"
"The message below was not approved, and was not sent.\n"
"\n"
"Rejected by: {by}\n"
"Comment:\n"
"{comment}\n"
"\n"
"Subject: {subject}\n"
"To:\n"
"{recipients}\n"
"Attachments:\n"
"{attachments}\n"
"\n"
"Check the message, and send it again if it should go out.\n"
"This message was sent automatically.\n",
	},
	[MP_HOLD_NOTICE_EXPIRED] = {
		[MP_LANG_JA] =
"Subject: [期限切れ] {subject}\n"
"\n"
"{status}\n"
"\n"
"件名: {subject}\n"
"宛先:\n"
"{recipients}\n"
"添付ファイル:\n"
"{attachments}\n"
"期限: {expires}\n"
"\n"
"このメールは自動で送信されています。\n"
"ご不明な点は、システム管理者にお問い合わせください。\n",
		[MP_LANG_EN] =
"Subject: [Expired] {subject}\n"
"\n"
"{status}\n"
"\n"
"Subject: {subject}\n"
"To:\n"
"{recipients}\n"
"Attachments:\n"
"{attachments}\n"
"Deadline: {expires}\n"
"\n"
"This message was sent automatically.\n"
"Ask your mail administrator if anything is unclear.\n",
	},
	[MP_HOLD_NOTICE_FAILED] = {
		[MP_LANG_JA] =
"Subject: [配送失敗] {subject}\n"
"\n"
"次のメールは、メールサーバーに受け付けられず、送信できませんでした。\n"
"{status}\n"
"\n"
"エラー:\n"
"{error}\n"
"\n"
"件名: {subject}\n"
"宛先:\n"
"{recipients}\n"
"添付ファイル:\n"
"{attachments}\n"
"\n"
"お手数ですが、システム管理者にお問い合わせください。\n"
"このメールは自動で送信されています。\n",
		[MP_LANG_EN] =
"Subject: [Failed] {subject}\n"
"\n"
"The mail server refused the message below: it could not be sent.\n"
"{status}\n"
"\n"
"Error:\n"
"{error}\n"
"\n"
"Subject: {subject}\n"
"To:\n"
"{recipients}\n"
"Attachments:\n"
"{attachments}\n"
"\n"
"Please tell your mail administrator.\n"
"This message was sent automatically.\n",
	},
};

/* load_lang - the templates of one language into t */
static int
load_lang(MpHoldTexts *t, const char *dir, MpLang lang, GError **err)
{
	int k, status = MP_OK;

	for (k = 0; status == MP_OK && k < MP_HOLD_NNOTICES; k++) {
		char *name = g_strdup_printf("hold-%s.%s",
		    mp_hold_notice_name(k), lang == MP_LANG_JA ? "ja" : "en");

		status = mp_template_load(dir, name, builtin[k][lang], TRUE,
		    fields, k == MP_HOLD_NOTICE_REJECTED ? required_rejected :
		    required, &t->t[lang][k], err);
		g_free(name);
	}
	return status;
}

/* load - lang's templates, then the other language's */
static int
load(const char *dir, MpLang lang, MpHoldTexts **out, GError **err)
{
	MpHoldTexts *t = g_new0(MpHoldTexts, 1);
	int status;

	t->lang = lang;
	if ((status = load_lang(t, dir, lang, err)) == MP_OK)
		status = load_lang(t, dir, lang == MP_LANG_JA ? MP_LANG_EN :
		    MP_LANG_JA, err);
	if (status != MP_OK) {
		mp_hold_texts_free(t);
		t = NULL;
	}
	*out = t;
	return status;
}

/* mp_hold_texts_load - the templates from dir or built in: lang's,
 * the default, and the other language's, for entries queued in it */
int
mp_hold_texts_load(const char *dir, const char *lang, MpHoldTexts **out,
    GError **err)
{
	MpLang l;

	*out = NULL;
	if (lang == NULL || !mp_lang_parse(lang, &l))
		return mp_fail(err, EX_CONFIG, "language %s: not ja or en",
		    lang != NULL ? lang : "(none)");
	return load(dir, l, out, err);
}

/* mp_hold_texts_free - release the templates */
void
mp_hold_texts_free(MpHoldTexts *t)
{
	int k;

	if (t == NULL)
		return;
	for (k = 0; k < MP_HOLD_NNOTICES; k++) {
		mp_template_free(t->t[MP_LANG_JA][k]);
		mp_template_free(t->t[MP_LANG_EN][k]);
	}
	g_free(t);
}

/* mp_hold_link - BASE-URL ID/TOKEN of one person, or NULL */
char *
mp_hold_link(const MpHoldCtx *c, const MpHoldEntry *e, MpHoldRole role,
    const char *who)
{
	char *token, *link;

	if (c->base_url == NULL)
		return NULL;
	token = mp_hold_token(c->spool, e->id, role, who);
	link = g_strconcat(c->base_url, e->id, "/", token, NULL);
	g_free(token);
	return link;
}

/* The values of one notice, while they are made. */
typedef struct {
	const MpHoldCtx *c;
	const MpHoldEntry *e;
	gboolean ja;
	GTimeZone *tz;
} Facts;

/* time_text - a Unix time in the configured zone; "-" for none */
static char *
time_text(const Facts *f, gint64 t)
{
	if (t <= 0)
		return g_strdup("-");
	return mp_unix_time_text_in(t, f->tz, f->ja);
}

/* is_external - whether the entry classed addr as external */
static gboolean
is_external(const MpHoldEntry *e, const char *addr)
{
	guint i;

	for (i = 0; i < e->recipients->len && i < e->classes->len; i++)
		if (strcmp(e->recipients->pdata[i], addr) == 0)
			return strcmp(e->classes->pdata[i], "external") == 0;
	return FALSE;
}

/* append_addrs - "  ADDRESS (社外)" a line, for each of addrs */
static void
append_addrs(const Facts *f, GString *s, const GPtrArray *addrs)
{
	guint i;

	for (i = 0; i < addrs->len; i++) {
		const char *a = addrs->pdata[i];

		if (s->len > 0)
			g_string_append_c(s, '\n');
		g_string_append_printf(s, "  %s%s", a,
		    !is_external(f->e, a) ? "" : f->ja ? " (社外)" :
		    " (external)");
	}
}

/* addr_list - append_addrs as a string, or a word for none */
static char *
addr_list(const Facts *f, const GPtrArray *addrs)
{
	GString *s = g_string_new(NULL);

	append_addrs(f, s, addrs);
	if (s->len == 0)
		g_string_append(s, f->ja ? "  (なし)" : "  (none)");
	return g_string_free(s, FALSE);
}

/* later_delivery - of a stagger entry, whether d is the part that
 * waits: the one due after the entry was made */
static gboolean
later_delivery(const MpHoldEntry *e, const MpHoldDelivery *d)
{
	return e->mode == MP_HOLD_MODE_STAGGER && d->due > e->created;
}

/* recipients_of - the recipients of the deliveries in state st (any
 * state when st < 0) and, when later >= 0, that are (1) or are not (0)
 * the stagger's later part */
static GPtrArray *
recipients_of(const MpHoldEntry *e, int st, int later)
{
	GPtrArray *out = g_ptr_array_new();
	guint i, k;

	for (i = 0; i < e->deliveries->len; i++) {
		const MpHoldDelivery *d = e->deliveries->pdata[i];

		if (st >= 0 && (int)d->state != st)
			continue;
		if (later >= 0 && (int)later_delivery(e, d) != later)
			continue;
		for (k = 0; k < d->recipients->len; k++)
			g_ptr_array_add(out, d->recipients->pdata[k]);
	}
	return out;
}

/* addrs_text - recipients_of as addr_list writes them */
static char *
addrs_text(const Facts *f, int st, int later)
{
	GPtrArray *a = recipients_of(f->e, st, later);
	char *s = addr_list(f, a);

	g_ptr_array_free(a, TRUE);
	return s;
}

/* attachments_text - "  NAME (SIZE)" a line, or a word for none */
static char *
attachments_text(const Facts *f)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < f->e->attachments->len; i++) {
		const MpHoldAttachment *a = f->e->attachments->pdata[i];
		char *size = mp_size_human(a->size, f->ja);

		g_string_append_printf(s, "%s  %s (%s)", i > 0 ? "\n" : "",
		    a->name != NULL && *a->name != '\0' ? a->name :
		    f->ja ? "(名前なし)" : "(no name)", size);
		g_free(size);
	}
	if (s->len == 0)
		g_string_append(s, f->ja ? "  なし" : "  none");
	return g_string_free(s, FALSE);
}

/* approvers_text - "  NAME <ADDRESS>" a line */
static char *
approvers_text(const Facts *f)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < f->e->approvers->len; i++) {
		const MpHoldApprover *a = f->e->approvers->pdata[i];

		if (s->len > 0)
			g_string_append_c(s, '\n');
		if (a->name != NULL && *a->name != '\0')
			g_string_append_printf(s, "  %s <%s>", a->name,
			    a->address);
		else
			g_string_append_printf(s, "  %s", a->address);
	}
	if (s->len == 0)
		g_string_append(s, f->ja ? "  (なし)" : "  (none)");
	return g_string_free(s, FALSE);
}

/* release_time - when what still waits goes out: the last due time of
 * a pending delivery (a stagger's later part); "" when it waits for a
 * person, not for a time */
static char *
release_time(const Facts *f)
{
	gint64 last = 0;
	guint i;

	if (f->e->mode == MP_HOLD_MODE_APPROVE ||
	    f->e->mode == MP_HOLD_MODE_CONFIRM)
		return g_strdup("");
	for (i = 0; i < f->e->deliveries->len; i++) {
		const MpHoldDelivery *d = f->e->deliveries->pdata[i];

		if (d->state == MP_HOLD_PENDING && d->due > last)
			last = d->due;
	}
	return time_text(f, last);
}

/* mode_text - the mode as the reader calls it */
static const char *
mode_text(const Facts *f)
{
	static const char *const name[][2] = {
		[MP_HOLD_MODE_HOLD] = { "一時保留", "hold" },
		[MP_HOLD_MODE_STAGGER] = { "時間差配信", "staggered delivery" },
		[MP_HOLD_MODE_APPROVE] = { "上司承認", "approval" },
		[MP_HOLD_MODE_CONFIRM] = { "送信前確認", "confirmation" },
	};

	if ((guint)f->e->mode >= G_N_ELEMENTS(name))
		return "-";
	return name[f->e->mode][f->ja ? 0 : 1];
}

/* by_text - who made the last transition, from the entry's
 * "ROLE:WHO": an approver with the name the org snapshot gives */
static char *
by_text(const Facts *f)
{
	const char *by = f->e->by, *colon, *who;
	char *role;
	guint i;

	if (by == NULL || *by == '\0')
		return g_strdup("-");
	colon = strchr(by, ':');
	role = colon != NULL ? g_strndup(by, colon - by) : g_strdup(by);
	who = colon != NULL ? colon + 1 : NULL;
	for (i = 0; who != NULL && i < f->e->approvers->len; i++) {
		const MpHoldApprover *a = f->e->approvers->pdata[i];

		if (a->name != NULL && *a->name != '\0' &&
		    g_ascii_strcasecmp(who, a->address) == 0) {
			g_free(role);
			return g_strdup_printf("%s <%s>", a->name, a->address);
		}
	}
	if (strcmp(role, mp_hold_role_name(MP_HOLD_BY_APPROVER)) == 0 &&
	    who != NULL) {
		g_free(role);
		return g_strdup(who);
	}
	if (strcmp(role, mp_hold_role_name(MP_HOLD_BY_SENDER)) == 0)
		by = f->ja ? "送信者ご本人" : "the sender";
	else if (strcmp(role, mp_hold_role_name(MP_HOLD_BY_ADMIN)) == 0)
		by = f->ja ? "システム管理者" : "the mail administrator";
	else if (strcmp(role, mp_hold_role_name(MP_HOLD_BY_TIMER)) == 0 ||
	    strcmp(role, mp_hold_role_name(MP_HOLD_BY_QUEUE)) == 0)
		by = f->ja ? "自動処理" : "mp-hold itself";
	else
		by = NULL;
	g_free(role);
	if (by == NULL)
		return g_strdup(f->e->by);
	return who != NULL ? g_strdup_printf("%s (%s)", by, who) :
	    g_strdup(by);
}

/* error_text - sendmail's last word: of the refused delivery, else
 * the last one that failed */
static char *
error_text(const Facts *f)
{
	const char *err = NULL;
	guint i;

	for (i = 0; i < f->e->deliveries->len; i++) {
		const MpHoldDelivery *d = f->e->deliveries->pdata[i];

		if (d->error == NULL)
			continue;
		if (d->state == MP_HOLD_REFUSED) {
			err = d->error;
			break;
		}
		err = d->error;
	}
	return g_strdup(err != NULL && *err != '\0' ? err : "-");
}

/* expiry_outcome - what happens to a message nobody answered in time */
static const char *
expiry_outcome(const Facts *f)
{
	if (f->e->deliver_on_expiry)
		return f->ja ? "そのまま宛先に送信されます" :
		    "it will be sent as it is";
	return f->ja ? "このメールは破棄され、送信されません" :
	    "it will be discarded and not sent";
}

/* append_reason - why a rule held the message, when one did */
static void
append_reason(const Facts *f, GString *s)
{
	if (f->e->reason == NULL || *f->e->reason == '\0')
		return;
	if (f->e->rule != NULL && *f->e->rule != '\0')
		g_string_append_printf(s, f->ja ? "\n送信ポリシーのルール「%s」"
		    "による保留です。理由: %s" : "\nThe mail policy's rule "
		    "\"%s\" held it: %s", f->e->rule, f->e->reason);
	else
		g_string_append_printf(s, f->ja ? "\n理由: %s" :
		    "\nReason: %s", f->e->reason);
}

/* held_status - the held notice's paragraph, by mode */
static void
held_status(const Facts *f, GString *s, gboolean link)
{
	const MpHoldEntry *e = f->e;
	char *when = release_time(f), *expires = time_text(f, e->expires);
	char *list;

	switch (e->mode) {
	case MP_HOLD_MODE_HOLD:
		g_string_append_printf(s, f->ja ? "このメールの送信を %s まで"
		    "保留しています。\nそのままにしておくと、その時刻に自動で"
		    "送信されます。" : "It is held until %s, and will then "
		    "be sent automatically.", when);
		append_reason(f, s);
		g_string_append(s, !link ? "" : f->ja ? "\n\n今すぐ送信する"
		    "場合、または送信を取り消す場合は、次のページを開いて"
		    "ください。" : "\n\nTo send it now, or to discard it, "
		    "open this page:");
		break;
	case MP_HOLD_MODE_STAGGER:
		g_string_append_printf(s, f->ja ? "社内の宛先にはすぐに送信し、"
		    "それ以外の宛先への送信は %s まで保留しています。\n"
		    "そのままにしておくと、その時刻に自動で送信されます。" :
		    "It goes to the internal recipients at once; to the "
		    "others it is held until %s, and will then be sent "
		    "automatically.", when);
		list = addrs_text(f, -1, 0);
		g_string_append_printf(s, f->ja ? "\n\nすぐに送信する宛先:\n%s"
		    : "\n\nSent at once to:\n%s", list);
		g_free(list);
		list = addrs_text(f, -1, 1);
		g_string_append_printf(s, f->ja ? "\n\n%s に送信する宛先:\n%s" :
		    "\n\nSent at %s to:\n%s", when, list);
		g_free(list);
		append_reason(f, s);
		g_string_append(s, !link ? "" : f->ja ? "\n\n保留中の宛先に"
		    "今すぐ送信する場合、または送信を取り消す場合は、次の"
		    "ページを開いてください。" : "\n\nTo send it to the others "
		    "now, or to discard it, open this page:");
		break;
	case MP_HOLD_MODE_APPROVE:
		list = approvers_text(f);
		g_string_append_printf(s, f->ja ? "このメールは、次の方の承認を"
		    "待っています。承認されると送信されます。\n%s\n%s までに"
		    "承認されない場合、%s。" : "It waits for the approval of\n"
		    "%s\nand is sent once approved.  If nobody approves it "
		    "by %s, %s.", list, expires, expiry_outcome(f));
		g_free(list);
		append_reason(f, s);
		g_string_append(s, !link ? "" : f->ja ? "\n\n送信を取り消す"
		    "場合は、次のページを開いてください。" : "\n\nTo discard "
		    "it, open this page:");
		break;
	case MP_HOLD_MODE_CONFIRM:
		g_string_append_printf(s, f->ja ? "このメールは、あなたの確認を"
		    "待っています。確認されるまで送信されません。\n%s までに"
		    "確認されない場合、%s。" : "It waits for your confirmation "
		    "and is not sent until you confirm it.  If it is not "
		    "confirmed by %s, %s.", expires, expiry_outcome(f));
		append_reason(f, s);
		g_string_append(s, !link ? "" : f->ja ? "\n\n次のページで、"
		    "社外の宛先のドメインと添付ファイル名をひとつずつ確かめて"
		    "チェックを付け、「確認して送信」を押してください。送信を"
		    "取り消すこともできます。" : "\n\nOpen this page, tick "
		    "each external domain and each attachment name once you "
		    "have checked them, and confirm; you can also discard "
		    "the message there:");
		break;
	}
	/* without the page only an administrator can act on it */
	if (!link && e->mode == MP_HOLD_MODE_CONFIRM)
		g_string_append(s, f->ja ? "\n\n確認のページがないため、送信"
		    "するにはシステム管理者にご連絡ください。" : "\n\nThere is "
		    "no page to confirm it on: to send it, tell your mail "
		    "administrator.");
	else if (!link)
		g_string_append(s, f->ja ? "\n\n送信を取り消す必要がある場合は、"
		    "システム管理者にご連絡ください。" : "\n\nIf it must not "
		    "go out, tell your mail administrator.");
	g_free(expires);
	g_free(when);
}

/* approve_status - the approval request's paragraph */
static void
approve_status(const Facts *f, GString *s, gboolean link)
{
	char *expires = time_text(f, f->e->expires);

	g_string_append_printf(s, f->ja ? "%s までに承認されない場合、%s。" :
	    "If nobody approves it by %s, %s.", expires, expiry_outcome(f));
	append_reason(f, s);
	g_string_append(s, link ? (f->ja ? "\n\n内容をご確認のうえ、次の"
	    "ページで承認または却下してください。" : "\n\nCheck it, then "
	    "approve or reject it on this page:") : (f->ja ? "\n\n承認する"
	    "場合は、システム管理者にご連絡ください。" : "\n\nTo approve it, "
	    "tell your mail administrator."));
	g_free(expires);
}

/* done_status - who got it all the same, when some of it went out */
static void
done_status(const Facts *f, GString *s, gboolean none_sentence)
{
	GPtrArray *done = recipients_of(f->e, MP_HOLD_DONE, -1);

	if (s->len > 0 && (done->len > 0 || none_sentence))
		g_string_append_c(s, '\n');
	if (done->len > 0) {
		char *list = addr_list(f, done);

		g_string_append_printf(s, f->ja ? "ただし、次の宛先にはすでに"
		    "送信済みです:\n%s" : "It had already gone to:\n%s", list);
		g_free(list);
	} else if (none_sentence)
		g_string_append(s, f->ja ? "どの宛先にも送信されていません。" :
		    "None of the recipients got it.");
	g_ptr_array_free(done, TRUE);
}

/* status_text - {status}: what happens next, by kind and mode */
static char *
status_text(const Facts *f, MpHoldNoticeKind kind, gboolean link)
{
	GString *s = g_string_new(NULL);
	char *expires, *list;

	switch (kind) {
	case MP_HOLD_NOTICE_HELD:
		held_status(f, s, link);
		break;
	case MP_HOLD_NOTICE_APPROVE:
		approve_status(f, s, link);
		break;
	case MP_HOLD_NOTICE_DISCARDED:
		done_status(f, s, TRUE);
		break;
	case MP_HOLD_NOTICE_REJECTED:
		/* nothing of an approval goes out before it is approved */
		break;
	case MP_HOLD_NOTICE_EXPIRED:
		expires = time_text(f, f->e->expires);
		if (f->e->mode == MP_HOLD_MODE_CONFIRM)
			g_string_append_printf(s, f->ja ? "次のメールは、期限の "
			    "%s までに確認されませんでした。" : "The message "
			    "below was not confirmed by %s.", expires);
		else
			g_string_append_printf(s, f->ja ? "次のメールは、期限の "
			    "%s までに承認されませんでした。" : "Nobody "
			    "approved the message below by %s.", expires);
		if (f->e->deliver_on_expiry)
			g_string_append(s, f->ja ? "\n設定により、そのまま宛先に"
			    "送信しました。" : "\nAs configured, it was sent "
			    "all the same.");
		else {
			g_string_append(s, f->ja ? "\n設定により、このメールは"
			    "破棄しました。宛先には送信されていません。" :
			    "\nAs configured, it was discarded: it was not "
			    "sent.");
		}
		g_free(expires);
		break;
	case MP_HOLD_NOTICE_FAILED:
		list = addrs_text(f, MP_HOLD_REFUSED, -1);
		g_string_append_printf(s, f->ja ? "送信できなかった宛先:\n%s" :
		    "Not delivered to:\n%s", list);
		g_free(list);
		done_status(f, s, FALSE);
		break;
	default:
		break;
	}
	return g_string_free(s, FALSE);
}

/* text_or - s, or a word for nothing */
static char *
text_or(const char *s, const char *none)
{
	return g_strdup(s != NULL && *s != '\0' ? s : none);
}

/* values - what each placeholder stands for in the notice of kind to
 * one address */
static GHashTable *
values(const Facts *f, MpHoldNoticeKind kind, const char *to)
{
	GHashTable *v = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    g_free);
	const MpHoldEntry *e = f->e;
	gboolean ja = f->ja;
	char *link;

	/* the approver's own link; everyone else's is the sender's */
	if (kind == MP_HOLD_NOTICE_APPROVE)
		link = mp_hold_link(f->c, e, MP_HOLD_BY_APPROVER, to);
	else
		link = mp_hold_link(f->c, e, MP_HOLD_BY_SENDER, e->sender);
	g_hash_table_insert(v, "status", status_text(f, kind, link != NULL));
	g_hash_table_insert(v, "link", link != NULL ? link : g_strdup(""));
	g_hash_table_insert(v, "subject", text_or(e->subject,
	    ja ? "(件名なし)" : "(no subject)"));
	g_hash_table_insert(v, "from", text_or(e->from, e->sender != NULL &&
	    *e->sender != '\0' ? e->sender : "-"));
	g_hash_table_insert(v, "sender", text_or(e->sender, "<>"));
	g_hash_table_insert(v, "recipients", addr_list(f, e->recipients));
	g_hash_table_insert(v, "later", e->mode == MP_HOLD_MODE_STAGGER ?
	    addrs_text(f, -1, 1) : g_strdup(""));
	g_hash_table_insert(v, "attachments", attachments_text(f));
	g_hash_table_insert(v, "release-time", kind == MP_HOLD_NOTICE_HELD ||
	    kind == MP_HOLD_NOTICE_APPROVE ? release_time(f) : g_strdup(""));
	g_hash_table_insert(v, "expires", time_text(f, e->expires));
	g_hash_table_insert(v, "approvers", approvers_text(f));
	g_hash_table_insert(v, "mode", g_strdup(mode_text(f)));
	g_hash_table_insert(v, "rule", text_or(e->rule, "-"));
	g_hash_table_insert(v, "reason", text_or(e->reason, "-"));
	g_hash_table_insert(v, "comment", text_or(e->comment,
	    ja ? "(コメントなし)" : "(no comment)"));
	g_hash_table_insert(v, "by", by_text(f));
	g_hash_table_insert(v, "error", error_text(f));
	g_hash_table_insert(v, "message-id", e->message_id != NULL &&
	    *e->message_id != '\0' ? g_strdup_printf("<%s>", e->message_id) :
	    g_strdup("-"));
	g_hash_table_insert(v, "id", g_strdup(e->id));
	return v;
}

/* squeeze - no more than one empty line in a row: a placeholder left
 * empty ({link} without base-url) leaves no gap */
static void
squeeze(char *s)
{
	char *w = s, *r;

	for (r = s; *r != '\0'; r++) {
		if (*r == '\n' && w - s >= 2 && w[-1] == '\n' &&
		    w[-2] == '\n')
			continue;
		*w++ = *r;
	}
	*w = '\0';
}

/* bare_id - a Message-ID without its angle brackets (to free) */
static char *
bare_id(const char *id)
{
	gsize n;

	if (id == NULL || *id == '\0')
		return NULL;
	if (*id == '<')
		id++;
	n = strlen(id);
	if (n > 0 && id[n - 1] == '>')
		n--;
	return g_strndup(id, n);
}

/* mp_hold_notice_text - the notice of kind about e to one address */
GString *
mp_hold_notice_text(const MpHoldCtx *c, const MpHoldEntry *e,
    MpHoldNoticeKind kind, const char *to)
{
	MpHoldTexts *own = NULL;
	const MpHoldTexts *texts = c->texts;
	GTimeZone *local = NULL;
	GDateTime *utc;
	MpLang lang;
	Facts f = { .c = c, .e = e };
	GHashTable *v;
	char *subject, *raw, *body, *msgid;
	GPtrArray *rcpt = g_ptr_array_new_with_free_func(g_free);
	MpNotice notice = { 0 };
	GString *text;

	/* the built-in texts cannot fail to load */
	if (texts == NULL) {
		(void)mp_hold_texts_load(NULL, c->lang != NULL ? c->lang :
		    MP_HOLD_LANG_DEFAULT, &own, NULL);
		if (own == NULL)
			(void)load(NULL, MP_LANG_JA, &own, NULL);
		texts = own;
	}
	if (e->lang == NULL || !mp_lang_parse(e->lang, &lang))
		lang = texts->lang;
	f.ja = lang == MP_LANG_JA;
	f.tz = c->tz != NULL ? c->tz : (local = g_time_zone_new_local());
	v = values(&f, kind, to);
	subject = mp_template_expand(texts->t[lang][kind]->subject, v);
	raw = mp_template_expand(texts->t[lang][kind]->body, v);
	squeeze(raw);
	body = mp_text_wrap(raw, MP_TEXT_COLUMNS);
	msgid = bare_id(e->message_id);
	/* one line: a folded subject is the notice's, not the sender's */
	g_strdelimit(subject, "\r\n", ' ');
	g_ptr_array_add(rcpt, g_strdup(to));
	notice.from = c->notice_from;
	notice.to = rcpt;
	notice.subject = subject;
	notice.body = body;
	notice.references = msgid;
	utc = g_date_time_new_from_unix_utc(mp_hold_now(c));
	/* the Date in the zone of the times in the text */
	notice.date = g_date_time_to_timezone(utc, f.tz);
	g_date_time_unref(utc);
	notice.tz = f.tz;
	text = mp_notice_render(&notice);
	g_date_time_unref(notice.date);
	g_ptr_array_free(rcpt, TRUE);
	g_free(msgid);
	g_free(body);
	g_free(raw);
	g_free(subject);
	g_hash_table_destroy(v);
	if (local != NULL)
		g_time_zone_unref(local);
	mp_hold_texts_free(own);
	return text;
}
