/* web.c - the hold page: what a sender or an approver sees and does
 * through the link of a notice (a CGI program, mp-hold-web) */
#include <string.h>

#include "base/human.h"
#include "hold/web.h"
#include "store/http.h"

/* the page's style; nothing else is loaded: no script, no image */
#define STYLE \
	"body{font-family:sans-serif;margin:2em auto;max-width:44em;" \
	"padding:0 1em;color:#222}" \
	"dt{font-weight:bold;margin-top:.6em}dd{margin-left:1em}" \
	"table{border-collapse:collapse;margin:.4em 0;width:100%}" \
	"td,th{border-bottom:1px solid #ccc;padding:.4em;text-align:left}" \
	"td.size{text-align:right;white-space:nowrap}" \
	"td.name{word-break:break-all}" \
	"li.external{color:#a40000}" \
	".mark{font-size:.8em;border:1px solid #a40000;padding:0 .3em;" \
	"margin-left:.4em}" \
	"pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}" \
	"p.msg{padding:.6em;background:#fff3cd;border:1px solid #e0c36c}" \
	"form{margin:1em 0;padding:.6em;border:1px solid #ccc}" \
	"textarea{width:100%;min-height:5em}" \
	"button{font-size:1.1em;padding:.2em .8em}"

/* seconds a client waits before it tries a locked entry again */
#define RETRY_AFTER 5

/* the languages of the page: the index of each text's translation */
typedef enum {
	LANG_JA,
	LANG_EN,
	LANG_COUNT
} Lang;

/* what the page says, each text in Japanese and in English */
static const struct {
	const char *lang[LANG_COUNT];
	const char *title[LANG_COUNT];
	const char *title_approve[LANG_COUNT];
	const char *state[LANG_COUNT];
	const char *sender[LANG_COUNT];
	const char *null_sender[LANG_COUNT];
	const char *from[LANG_COUNT];
	const char *subject[LANG_COUNT];
	const char *recipients[LANG_COUNT];
	const char *external[LANG_COUNT];
	const char *delivered[LANG_COUNT];
	const char *preview[LANG_COUNT];
	const char *attachments[LANG_COUNT];
	const char *name[LANG_COUNT];
	const char *size[LANG_COUNT];
	const char *due[LANG_COUNT];
	const char *due_at[LANG_COUNT];		/* %s: the time */
	const char *due_soon[LANG_COUNT];
	const char *wait_approval[LANG_COUNT];	/* %s: the approvers */
	const char *wait_confirm[LANG_COUNT];
	const char *deadline_discard[LANG_COUNT];	/* %s: the time */
	const char *deadline_deliver[LANG_COUNT];	/* %s: the time */
	const char *list_sep[LANG_COUNT];
	const char *rule[LANG_COUNT];
	const char *reason[LANG_COUNT];
	const char *state_name[MP_HOLD_NSTATES][LANG_COUNT];
	const char *state_approve[LANG_COUNT];	/* held for approval */
	const char *state_confirm[LANG_COUNT];	/* held for confirmation */
	const char *button[MP_HOLD_NACTIONS][LANG_COUNT];
	const char *intro[MP_HOLD_NACTIONS][LANG_COUNT];
	const char *comment[LANG_COUNT];
	const char *justification[LANG_COUNT];
	const char *domains[LANG_COUNT];
	const char *names[LANG_COUNT];
	const char *done[MP_HOLD_NACTIONS][LANG_COUNT];
	const char *finished[MP_HOLD_NSTATES][LANG_COUNT];	/* %s */
	const char *invalid[LANG_COUNT];
	const char *forbidden[LANG_COUNT];
	const char *foreign[LANG_COUNT];
	const char *incomplete_confirm[LANG_COUNT];
	const char *incomplete_text[LANG_COUNT];	/* %u: the maximum */
	const char *incomplete[LANG_COUNT];
	const char *busy[LANG_COUNT];
	const char *bad_request[LANG_COUNT];
	const char *too_large[LANG_COUNT];
	const char *media_type[LANG_COUNT];
	const char *method[LANG_COUNT];
	const char *error[LANG_COUNT];
} texts = {
	.lang = { "ja", "en" },
	.title = { "配送保留中のメール", "Held message" },
	.title_approve = { "承認依頼", "Approval request" },
	.state = { "状態", "State" },
	.sender = { "送信者（エンベロープ）", "Envelope sender" },
	.null_sender = { "（なし）", "(none)" },
	.from = { "差出人", "From" },
	.subject = { "件名", "Subject" },
	.recipients = { "宛先", "Recipients" },
	.external = { "社外", "external" },
	.delivered = { "送信済み", "sent" },
	.preview = { "本文（冒頭）", "Beginning of the text" },
	.attachments = { "添付ファイル", "Attachments" },
	.name = { "ファイル名", "Name" },
	.size = { "サイズ", "Size" },
	.due = { "送信予定", "Sending" },
	.due_at = { "%sに送信されます。", "It will be sent at %s." },
	.due_soon = { "まもなく送信されます。", "It is being sent." },
	.wait_approval = {
		"%sの承認を待っています。",
		"It waits for the approval of %s.",
	},
	.wait_confirm = {
		"送信者の確認を待っています。",
		"It waits for the sender's confirmation.",
	},
	.deadline_discard = {
		"%sまでに承認・確認されなければ破棄されます。",
		"Unless approved or confirmed by %s, it is discarded.",
	},
	.deadline_deliver = {
		"%sまでに承認されなければ、そのまま送信されます。",
		"Unless approved by %s, it is sent as it is.",
	},
	.list_sep = { "、", ", " },
	.rule = { "保留したルール", "Held by rule" },
	.reason = { "理由", "Reason" },
	.state_name = {
		[MP_HOLD_HELD] = { "保留中", "Held" },
		[MP_HOLD_RELEASED] = { "送信待ち", "Released, being sent" },
		[MP_HOLD_APPROVED] = { "承認済み・送信待ち",
		    "Approved, being sent" },
		[MP_HOLD_SENT] = { "送信済み", "Sent" },
		[MP_HOLD_DISCARDED] = { "破棄済み", "Discarded" },
		[MP_HOLD_REJECTED] = { "却下", "Rejected" },
		[MP_HOLD_EXPIRED] = { "期限切れ", "Expired" },
		[MP_HOLD_FAILED] = { "送信失敗", "Delivery failed" },
	},
	.state_approve = { "承認待ち", "Waiting for approval" },
	.state_confirm = { "確認待ち", "Waiting for confirmation" },
	.button = {
		[MP_HOLD_ACT_RELEASE] = { "送信する", "Send now" },
		[MP_HOLD_ACT_DISCARD] = { "破棄する", "Discard" },
		[MP_HOLD_ACT_APPROVE] = { "承認する", "Approve" },
		[MP_HOLD_ACT_REJECT] = { "却下する", "Reject" },
		[MP_HOLD_ACT_CONFIRM] = { "確認して送信する",
		    "Confirm and send" },
		[MP_HOLD_ACT_OVERRIDE] = { "このまま送信する",
		    "Send anyway" },
	},
	.intro = {
		[MP_HOLD_ACT_RELEASE] = {
			"待たずに今すぐ送信します。",
			"Send it now instead of waiting.",
		},
		[MP_HOLD_ACT_DISCARD] = {
			"送信を取り消し、このメールを破棄します。",
			"Take it back: the message is not sent.",
		},
		[MP_HOLD_ACT_APPROVE] = {
			"このメールの送信を承認します。",
			"Approve: the message is sent.",
		},
		[MP_HOLD_ACT_REJECT] = {
			"このメールの送信を却下します。コメントは送信者に"
			"伝えられます（任意）。",
			"Reject: the message is not sent. The comment goes "
			"to the sender (optional).",
		},
		[MP_HOLD_ACT_CONFIRM] = {
			"社外の宛先ドメインと添付ファイル名を確認し、"
			"すべてにチェックを入れてください。",
			"Check each external domain and each attachment "
			"name, and tick them all.",
		},
		[MP_HOLD_ACT_OVERRIDE] = {
			"ルールに反して送信する場合は、理由を記入してください。"
			"理由は記録されます。",
			"To send it against the rule, write why. The reason "
			"is recorded.",
		},
	},
	.comment = { "コメント", "Comment" },
	.justification = { "送信する理由", "Why it must go" },
	.domains = { "社外の宛先ドメイン", "External domains" },
	.names = { "添付ファイル名", "Attachment names" },
	.done = {
		[MP_HOLD_ACT_RELEASE] = { "送信しました。", "Sent." },
		[MP_HOLD_ACT_DISCARD] = {
			"破棄しました。このメールは送信されません。",
			"Discarded. The message is not sent.",
		},
		[MP_HOLD_ACT_APPROVE] = {
			"承認しました。メールは送信されます。",
			"Approved. The message is sent.",
		},
		[MP_HOLD_ACT_REJECT] = {
			"却下しました。送信者に通知されます。",
			"Rejected. The sender is told.",
		},
		[MP_HOLD_ACT_CONFIRM] = {
			"確認しました。送信しました。",
			"Confirmed. Sent.",
		},
		[MP_HOLD_ACT_OVERRIDE] = {
			"理由を記録し、送信しました。",
			"The reason is recorded. Sent.",
		},
	},
	.finished = {
		[MP_HOLD_SENT] = {
			"このメールはすでに送信されました（%s）。",
			"This message was already sent (%s).",
		},
		[MP_HOLD_DISCARDED] = {
			"このメールはすでに破棄されました（%s）。",
			"This message was already discarded (%s).",
		},
		[MP_HOLD_REJECTED] = {
			"このメールは却下されました（%s）。",
			"This message was rejected (%s).",
		},
		[MP_HOLD_EXPIRED] = {
			"このメールは期限切れになりました（%s）。",
			"This message expired (%s).",
		},
		[MP_HOLD_FAILED] = {
			"このメールは送信できませんでした（%s）。",
			"This message could not be sent (%s).",
		},
	},
	.invalid = {
		"このリンクは無効です。",
		"This link is not valid.",
	},
	.forbidden = {
		"この操作はできません。",
		"You cannot do this.",
	},
	.foreign = {
		"このページ以外からの操作は受け付けられません。",
		"Only this page can do this.",
	},
	.incomplete_confirm = {
		"社外の宛先ドメインと添付ファイル名のすべてにチェックを"
		"入れてください。",
		"Tick every external domain and every attachment name.",
	},
	.incomplete_text = {
		"理由を記入してください（%u文字まで）。",
		"Write the reason (at most %u characters).",
	},
	.incomplete = {
		"入力が足りないか、長すぎます。",
		"Something is missing or too long.",
	},
	.busy = {
		"このメールはいま処理中です。数秒後にもう一度お試しください。",
		"The message is being handled. Try again in a few seconds.",
	},
	.bad_request = {
		"リクエストが正しくありません。",
		"Bad request.",
	},
	.too_large = {
		"リクエストが大きすぎます。",
		"The request is too large.",
	},
	.media_type = {
		"この形式のリクエストには対応していません。",
		"This kind of request is not supported.",
	},
	.method = {
		"この方法でのアクセスには対応していません。",
		"This method is not supported.",
	},
	.error = {
		"一時的なエラーのため、処理できません。"
		"しばらくしてからもう一度お試しください。",
		"A temporary error stops this. Try again later.",
	},
};

/* the result of each action in the log */
static const char *const done_result[MP_HOLD_NACTIONS] = {
	[MP_HOLD_ACT_RELEASE] = "released",
	[MP_HOLD_ACT_DISCARD] = "discarded",
	[MP_HOLD_ACT_APPROVE] = "approved",
	[MP_HOLD_ACT_REJECT] = "rejected",
	[MP_HOLD_ACT_CONFIRM] = "confirmed",
	[MP_HOLD_ACT_OVERRIDE] = "override",
};

/* the buttons in the order the page shows them */
static const MpHoldAction page_actions[] = {
	MP_HOLD_ACT_RELEASE, MP_HOLD_ACT_CONFIRM, MP_HOLD_ACT_APPROVE,
	MP_HOLD_ACT_REJECT, MP_HOLD_ACT_OVERRIDE, MP_HOLD_ACT_DISCARD,
};

/* What a form sent, to show it again when something was missing. */
typedef struct {
	MpHoldAction action;
	const char *text;		/* the comment or justification */
	const gboolean *domains;	/* per external domain: ticked */
	const gboolean *names;		/* per attachment: ticked */
} Sent;

/* One request as the page works it out. */
typedef struct {
	MpHoldCtx *c;
	const MpRequest *rq;
	MpResponse *rs;
	Lang l;
	char *id;		/* valid in form, or NULL */
	char *token;		/* valid in form, or NULL */
	MpHoldEntry *e;		/* loaded, or NULL */
	MpHoldRole role;
	char *who;		/* whose token it is, or NULL */
	const char *action;	/* the action's name, or NULL */
	const char *result;
	char *why;		/* what failed, for the log */
} Req;

/* html - append text, escaped */
static void
html(GString *b, const char *s)
{
	char *x = mp_html_escape(s != NULL ? s : "");

	g_string_append(b, x);
	g_free(x);
}

/* html_printf - append a translation with one text put in, escaped */
static void
html_printf(GString *b, const char *fmt, const char *arg)
{
	char *s = g_strdup_printf(fmt, arg);

	html(b, s);
	g_free(s);
}

/* time_text - a time in the page's language and zone */
static char *
time_text(const Req *q, gint64 t)
{
	return mp_unix_time_text_in(t, q->rs->tz, q->l == LANG_JA);
}

/* state_text - the state as the page names it */
static const char *
state_text(const Req *q, const MpHoldEntry *e)
{
	if (e->state == MP_HOLD_HELD && e->mode == MP_HOLD_MODE_APPROVE)
		return texts.state_approve[q->l];
	if (e->state == MP_HOLD_HELD && e->mode == MP_HOLD_MODE_CONFIRM)
		return texts.state_confirm[q->l];
	return texts.state_name[e->state][q->l];
}

/* delivered - whether a recipient's part has gone out (stagger) */
static gboolean
delivered(const MpHoldEntry *e, const char *rcpt)
{
	guint i, k;

	for (i = 0; i < e->deliveries->len; i++) {
		const MpHoldDelivery *d = e->deliveries->pdata[i];

		if (d->state != MP_HOLD_DONE)
			continue;
		for (k = 0; k < d->recipients->len; k++)
			if (strcmp(d->recipients->pdata[k], rcpt) == 0)
				return TRUE;
	}
	return FALSE;
}

/* approvers_text - "Name <address>, ..." of the entry's approvers */
static char *
approvers_text(const Req *q, const MpHoldEntry *e)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < e->approvers->len; i++) {
		const MpHoldApprover *a = e->approvers->pdata[i];

		if (i > 0)
			g_string_append(s, texts.list_sep[q->l]);
		if (a->name != NULL && *a->name != '\0')
			g_string_append_printf(s, "%s <%s>", a->name,
			    a->address);
		else
			g_string_append(s, a->address);
	}
	return g_string_free(s, FALSE);
}

/* due_html - when it goes, or what it waits for */
static void
due_html(const Req *q, const MpHoldEntry *e, GString *b)
{
	gint64 due = mp_hold_next_due(e);
	char *t, *who;

	g_string_append_printf(b, "<dt>%s</dt><dd id=\"due\">",
	    texts.due[q->l]);
	if (e->state != MP_HOLD_HELD) {
		html(b, texts.due_soon[q->l]);
	} else if (e->mode == MP_HOLD_MODE_APPROVE) {
		who = approvers_text(q, e);
		html_printf(b, texts.wait_approval[q->l], who);
		g_free(who);
	} else if (e->mode == MP_HOLD_MODE_CONFIRM) {
		html(b, texts.wait_confirm[q->l]);
	} else if (due != 0) {
		t = time_text(q, due);
		html_printf(b, texts.due_at[q->l], t);
		g_free(t);
	} else {
		html(b, texts.due_soon[q->l]);
	}
	if (e->state == MP_HOLD_HELD && e->expires != 0 &&
	    (e->mode == MP_HOLD_MODE_APPROVE ||
	    e->mode == MP_HOLD_MODE_CONFIRM)) {
		t = time_text(q, e->expires);
		g_string_append_c(b, ' ');
		html_printf(b, e->deliver_on_expiry &&
		    e->mode == MP_HOLD_MODE_APPROVE ?
		    texts.deadline_deliver[q->l] :
		    texts.deadline_discard[q->l], t);
		g_free(t);
	}
	g_string_append(b, "</dd>\n");
}

/* entry_html - what the entry holds: sender, recipients, subject, the
 * first lines, attachments, when it goes; all of it escaped */
static void
entry_html(const Req *q, const MpHoldEntry *e, GString *b)
{
	Lang l = q->l;
	guint i;

	g_string_append_printf(b, "<dl>\n<dt>%s</dt><dd id=\"state\" "
	    "data-state=\"%s\">", texts.state[l],
	    mp_hold_state_name(e->state));
	html(b, state_text(q, e));
	g_string_append_printf(b, "</dd>\n<dt>%s</dt><dd id=\"sender\">",
	    texts.sender[l]);
	html(b, *e->sender != '\0' ? e->sender : texts.null_sender[l]);
	g_string_append_printf(b, "</dd>\n<dt>%s</dt><dd id=\"from\">",
	    texts.from[l]);
	html(b, e->from);
	g_string_append_printf(b, "</dd>\n<dt>%s</dt><dd id=\"subject\">",
	    texts.subject[l]);
	html(b, e->subject);
	g_string_append_printf(b, "</dd>\n<dt>%s</dt><dd>\n"
	    "<ul id=\"recipients\">\n", texts.recipients[l]);
	for (i = 0; i < e->recipients->len; i++) {
		const char *rcpt = e->recipients->pdata[i];
		const char *cls = i < e->classes->len ?
		    e->classes->pdata[i] : "external";

		/* the class is one of three words, never the entry's text */
		if (strcmp(cls, "internal") != 0 &&
		    strcmp(cls, "semi-internal") != 0)
			cls = "external";
		g_string_append_printf(b, "<li class=\"%s\">", cls);
		html(b, rcpt);
		if (strcmp(cls, "external") == 0)
			g_string_append_printf(b, "<span class=\"mark\">%s"
			    "</span>", texts.external[l]);
		if (delivered(e, rcpt))
			g_string_append_printf(b, " <span class=\"done\">"
			    "(%s)</span>", texts.delivered[l]);
		g_string_append(b, "</li>\n");
	}
	g_string_append(b, "</ul></dd>\n");
	if (!mp_hold_state_final(e->state))
		due_html(q, e, b);
	if (e->rule != NULL) {
		g_string_append_printf(b, "<dt>%s</dt><dd id=\"rule\">",
		    texts.rule[l]);
		html(b, e->rule);
		g_string_append(b, "</dd>\n");
	}
	if (e->reason != NULL) {
		g_string_append_printf(b, "<dt>%s</dt><dd id=\"reason\">",
		    texts.reason[l]);
		html(b, e->reason);
		g_string_append(b, "</dd>\n");
	}
	g_string_append(b, "</dl>\n");
	if (e->preview != NULL && *e->preview != '\0') {
		g_string_append_printf(b, "<h2>%s</h2>\n<pre id=\"preview\">",
		    texts.preview[l]);
		mp_html_escape_append(b, e->preview, strlen(e->preview), TRUE);
		g_string_append(b, "</pre>\n");
	}
	if (e->attachments->len == 0)
		return;
	g_string_append_printf(b, "<h2>%s</h2>\n<table id=\"attachments\">\n"
	    "<thead><tr><th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
	    texts.attachments[l], texts.name[l], texts.size[l]);
	for (i = 0; i < e->attachments->len; i++) {
		const MpHoldAttachment *a = e->attachments->pdata[i];
		char *size = mp_size_human(a->size, l == LANG_JA);

		g_string_append(b, "<tr><td class=\"name\">");
		html(b, a->name);
		g_string_append_printf(b, "</td><td class=\"size\">%s</td>"
		    "</tr>\n", size);
		g_free(size);
	}
	g_string_append(b, "</tbody>\n</table>\n");
}

/* checkboxes - one ticked-or-not box per item: PREFIX0, PREFIX1 ... */
static void
checkboxes(GString *b, const char *legend, char prefix,
    const GPtrArray *items, const gboolean *ticked, gboolean names)
{
	guint i;

	if (items->len == 0)
		return;
	g_string_append_printf(b, "<fieldset><legend>%s</legend>\n", legend);
	for (i = 0; i < items->len; i++) {
		const char *item = names ? ((const MpHoldAttachment *)
		    items->pdata[i])->name : items->pdata[i];

		g_string_append_printf(b, "<p><label><input type=\"checkbox\" "
		    "name=\"%c%u\" value=\"1\"%s> ", prefix, i,
		    ticked != NULL && ticked[i] ? " checked" : "");
		html(b, item);
		g_string_append(b, "</label></p>\n");
	}
	g_string_append(b, "</fieldset>\n");
}

/* form_html - one button's form, with what it needs: a comment, a
 * justification, the boxes of confirm */
static void
form_html(const Req *q, const char *csrf, MpHoldAction a, const Sent *sent,
    GString *b)
{
	const MpHoldEntry *e = q->e;
	const char *text = sent != NULL && sent->action == a ? sent->text :
	    NULL;
	Lang l = q->l;

	/* the link's last part: the form posts to the page's own URL,
	 * wherever the server puts the page */
	g_string_append_printf(b, "<form method=\"post\" action=\"%s\" "
	    "class=\"%s\">\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">\n<p>%s</p>\n", q->token, mp_hold_action_name(a),
	    csrf, texts.intro[a][l]);
	switch (a) {
	case MP_HOLD_ACT_REJECT:
		g_string_append_printf(b, "<p><label for=\"comment\">%s</label>"
		    "</p>\n<textarea name=\"comment\" id=\"comment\" "
		    "maxlength=\"%u\">", texts.comment[l], MP_HOLD_TEXT_MAX);
		html(b, text);
		g_string_append(b, "</textarea>\n");
		break;
	case MP_HOLD_ACT_OVERRIDE:
		g_string_append_printf(b, "<p><label for=\"justification\">%s"
		    "</label></p>\n<textarea name=\"justification\" "
		    "id=\"justification\" maxlength=\"%u\" required>",
		    texts.justification[l], MP_HOLD_TEXT_MAX);
		html(b, text);
		g_string_append(b, "</textarea>\n");
		break;
	case MP_HOLD_ACT_CONFIRM:
		checkboxes(b, texts.domains[l], 'd', e->external_domains,
		    sent != NULL && sent->action == a ? sent->domains : NULL,
		    FALSE);
		checkboxes(b, texts.names[l], 'a', e->attachments,
		    sent != NULL && sent->action == a ? sent->names : NULL,
		    TRUE);
		break;
	default:
		break;
	}
	g_string_append_printf(b, "<p><button type=\"submit\" name=\"action\" "
	    "value=\"%s\">%s</button></p>\n</form>\n", mp_hold_action_name(a),
	    texts.button[a][l]);
}

/* forms_html - the buttons this person may press now */
static void
forms_html(const Req *q, const Sent *sent, GString *b)
{
	char *csrf = mp_hold_csrf(q->c->spool, q->id, q->token);
	guint i;

	for (i = 0; i < G_N_ELEMENTS(page_actions); i++)
		if (mp_hold_may(q->e, q->role, page_actions[i]))
			form_html(q, csrf, page_actions[i], sent, b);
	g_free(csrf);
}

/*
 * page - an HTML answer with its status: the message (if any), with
 * an entry what it holds, and with forms the buttons of this person.
 * Every text from the entry or the request is escaped.
 */
static void
page(Req *q, int status, const char *message, gboolean entry,
    gboolean forms, const Sent *sent, const char *result)
{
	MpResponse *rs = q->rs;
	GString *b = g_string_new(NULL);
	const char *title = q->e != NULL && entry &&
	    q->role == MP_HOLD_BY_APPROVER ? texts.title_approve[q->l] :
	    texts.title[q->l];

	rs->status = status;
	rs->failure = status >= 400;
	q->result = result;
	g_string_append_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
	    "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n"
	    "<h1>%s</h1>\n", texts.lang[q->l], title, STYLE, title);
	if (message != NULL) {
		g_string_append(b, "<p class=\"msg\" id=\"message\">");
		html(b, message);
		g_string_append(b, "</p>\n");
	}
	if (entry && q->e != NULL)
		entry_html(q, q->e, b);
	if (forms && q->e != NULL)
		forms_html(q, sent, b);
	g_string_append(b, "</main>\n</body>\n</html>\n");
	if (rs->body != NULL)
		g_string_free(rs->body, TRUE);
	rs->body = b;
	g_string_truncate(rs->head, 0);
	mp_http_common_headers(rs->head, status);
	g_string_append_printf(rs->head, "Content-Type: text/html; "
	    "charset=UTF-8\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
	    "Content-Security-Policy: default-src 'none'; "
	    "style-src 'unsafe-inline'; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'\r\n", b->len);
}

/* invalid - the page of an unknown id and of a wrong token alike, so
 * that an id cannot be probed */
static void
invalid(Req *q)
{
	page(q, 404, texts.invalid[q->l], FALSE, FALSE, NULL, "unknown");
}

/* server_error - a 500 page; why goes to the log only */
static void
server_error(Req *q, const char *why)
{
	page(q, 500, texts.error[q->l], FALSE, FALSE, NULL, "error");
	g_free(q->why);
	q->why = g_strdup(why != NULL ? why : "unknown error");
}

/* finished - the page of an entry nothing can happen to any more: what
 * became of it and when, no buttons */
static void
finished(Req *q)
{
	const MpHoldEntry *e = q->e;
	const char *fmt = texts.finished[e->state][q->l];
	char *t = e->finished != 0 ? time_text(q, e->finished) :
	    g_strdup("-");
	char *msg;

	if (fmt == NULL)	/* not a final state: nothing to say */
		fmt = "%s";
	msg = g_strdup_printf(fmt, t);
	page(q, 410, msg, TRUE, FALSE, NULL, "finished");
	g_free(msg);
	g_free(t);
}

/* reload - the entry again, after an action changed it; the old one
 * stays when it cannot be read */
static void
reload(Req *q)
{
	MpHoldEntry *e = NULL;
	GError *err = NULL;

	if (mp_hold_load(q->c->spool, q->id, &e, &err) == MP_OK) {
		if (q->e != NULL)
			mp_hold_entry_free(q->e);
		q->e = e;
	}
	g_clear_error(&err);
}

/* request_origin - scheme://host of the page as this request reached
 * it, or NULL when the server does not say */
static char *
request_origin(const MpRequest *rq)
{
	gboolean tls = rq->https != NULL && *rq->https != '\0' &&
	    g_ascii_strcasecmp(rq->https, "off") != 0;
	const char *scheme = tls ? "https" : "http";

	if (rq->host != NULL && *rq->host != '\0')
		return g_strdup_printf("%s://%s", scheme, rq->host);
	if (rq->server_name == NULL || *rq->server_name == '\0')
		return NULL;
	if (rq->server_port == NULL ||
	    strcmp(rq->server_port, tls ? "443" : "80") == 0)
		return g_strdup_printf("%s://%s", scheme, rq->server_name);
	return g_strdup_printf("%s://%s:%s", scheme, rq->server_name,
	    rq->server_port);
}

/* url_origin - scheme://host[:port] of an absolute URL, or NULL */
static char *
url_origin(const char *url)
{
	const char *p = url != NULL ? strstr(url, "://") : NULL;

	if (p == NULL)
		return NULL;
	p += 3;
	p += strcspn(p, "/?#");
	return g_strndup(url, (gsize)(p - url));
}

/*
 * same_origin - whether a POST may come from where its Origin says: no
 * Origin, or the page's own (as this server was reached, or as the
 * notices' links give it: behind a TLS proxy the two differ).  "null"
 * is what a browser sends under Referrer-Policy: no-referrer, which
 * every answer of ours sets: it tells nothing, and the csrf field
 * still has to match.
 */
static gboolean
same_origin(const Req *q)
{
	const char *origin = q->rq->origin;
	char *mine;
	gboolean ok = FALSE;

	if (origin == NULL || strcmp(origin, "null") == 0)
		return TRUE;
	if ((mine = request_origin(q->rq)) != NULL)
		ok = g_ascii_strcasecmp(origin, mine) == 0;
	g_free(mine);
	if (!ok && (mine = url_origin(q->c->base_url)) != NULL) {
		ok = g_ascii_strcasecmp(origin, mine) == 0;
		g_free(mine);
	}
	return ok;
}

/* equal_secret - two strings compared in time that depends only on
 * their lengths */
static gboolean
equal_secret(const char *a, const char *b)
{
	gsize n = strlen(a), i;
	guchar d = 0;

	if (n != strlen(b))
		return FALSE;
	for (i = 0; i < n; i++)
		d |= (guchar)(a[i] ^ b[i]);
	return d == 0;
}

/* ticked - the items whose box was ticked ("1"), as the act wants them;
 * tick[] says which, for the form shown again */
static GPtrArray *
ticked(char **values, guint n, const GPtrArray *items, gboolean names,
    gboolean *tick)
{
	GPtrArray *out = g_ptr_array_new();
	guint i;

	for (i = 0; i < n; i++) {
		tick[i] = values[i] != NULL && strcmp(values[i], "1") == 0;
		if (tick[i])
			g_ptr_array_add(out, names ?
			    ((MpHoldAttachment *)items->pdata[i])->name :
			    items->pdata[i]);
	}
	return out;
}

/* field names of a form */
enum {
	F_CSRF,
	F_ACTION,
	F_COMMENT,
	F_JUSTIFICATION,
	F_FIXED		/* then d0..dN-1, a0..aM-1 */
};

/* acted - the page of what mp_hold_act answered */
static void
acted(Req *q, MpHoldActResult r, const Sent *sent, GError *err)
{
	Lang l = q->l;
	MpHoldAction a = sent->action;
	char *msg;

	switch (r) {
	case MP_HOLD_ACT_OK:
		reload(q);
		page(q, 200, texts.done[a][l], TRUE, FALSE, NULL,
		    done_result[a]);
		break;
	case MP_HOLD_ACT_FINISHED:
		reload(q);
		if (mp_hold_state_final(q->e->state))
			finished(q);
		else	/* released or approved: it goes anyway */
			page(q, 410, texts.due_soon[l], TRUE, FALSE, NULL,
			    "finished");
		break;
	case MP_HOLD_ACT_FORBIDDEN:
		page(q, 403, texts.forbidden[l], FALSE, FALSE, NULL,
		    "forbidden");
		break;
	case MP_HOLD_ACT_INCOMPLETE:
		if (a == MP_HOLD_ACT_CONFIRM)
			msg = g_strdup(texts.incomplete_confirm[l]);
		else if (a == MP_HOLD_ACT_OVERRIDE)
			msg = g_strdup_printf(texts.incomplete_text[l],
			    MP_HOLD_TEXT_MAX);
		else
			msg = g_strdup(texts.incomplete[l]);
		page(q, 422, msg, TRUE, TRUE, sent, "incomplete");
		g_free(msg);
		break;
	case MP_HOLD_ACT_BUSY:
		page(q, 503, texts.busy[l], FALSE, FALSE, NULL, "busy");
		g_string_append_printf(q->rs->head, "Retry-After: %d\r\n",
		    RETRY_AFTER);
		break;
	case MP_HOLD_ACT_UNKNOWN:
		invalid(q);
		break;
	default:
		server_error(q, err != NULL ? err->message : NULL);
		break;
	}
}

/*
 * post - a button pressed: from this page (Origin, csrf), in a form's
 * encoding, within the size; then the action under the entry's lock
 */
static void
post(Req *q)
{
	const MpRequest *rq = q->rq;
	const MpHoldEntry *e = q->e;
	guint nd = e->external_domains->len, na = e->attachments->len;
	guint n = F_FIXED + nd + na, i;
	const char **names = g_new0(const char *, n);
	char **v = g_new0(char *, n), **owned = g_new0(char *, n);
	gboolean *tick = g_new0(gboolean, nd + na + 1);
	GPtrArray *domains = NULL, *anames = NULL;
	char *csrf = NULL;
	const char *text;
	Sent sent = { 0 };
	GError *err = NULL;
	MpHoldAction a;
	MpHoldActResult r;

	if (!same_origin(q)) {
		page(q, 403, texts.foreign[q->l], FALSE, FALSE, NULL,
		    "forbidden");
		goto done;
	}
	if (rq->body_too_large) {
		page(q, 413, texts.too_large[q->l], FALSE, FALSE, NULL,
		    "bad-request");
		goto done;
	}
	if (!mp_form_urlencoded(rq->content_type)) {
		page(q, 415, texts.media_type[q->l], FALSE, FALSE, NULL,
		    "bad-request");
		goto done;
	}
	names[F_CSRF] = "csrf";
	names[F_ACTION] = "action";
	names[F_COMMENT] = "comment";
	names[F_JUSTIFICATION] = "justification";
	for (i = 0; i < nd + na; i++) {
		owned[F_FIXED + i] = i < nd ? g_strdup_printf("d%u", i) :
		    g_strdup_printf("a%u", i - nd);
		names[F_FIXED + i] = owned[F_FIXED + i];
	}
	if (rq->body == NULL ||
	    !mp_form_fields(rq->body, rq->body_len, names, v, n)) {
		page(q, 400, texts.bad_request[q->l], FALSE, FALSE, NULL,
		    "bad-request");
		goto done;
	}
	csrf = mp_hold_csrf(q->c->spool, q->id, q->token);
	if (v[F_CSRF] == NULL || !equal_secret(v[F_CSRF], csrf)) {
		page(q, 403, texts.forbidden[q->l], FALSE, FALSE, NULL,
		    "forbidden");
		goto done;
	}
	if (v[F_ACTION] == NULL || !mp_hold_action_parse(v[F_ACTION], &a)) {
		page(q, 400, texts.bad_request[q->l], FALSE, FALSE, NULL,
		    "bad-request");
		goto done;
	}
	q->action = mp_hold_action_name(a);
	text = a == MP_HOLD_ACT_REJECT ? v[F_COMMENT] :
	    a == MP_HOLD_ACT_OVERRIDE ? v[F_JUSTIFICATION] : NULL;
	if (text != NULL && *text == '\0' && a == MP_HOLD_ACT_REJECT)
		text = NULL;	/* a comment is optional */
	domains = ticked(v + F_FIXED, nd, e->external_domains, FALSE, tick);
	anames = ticked(v + F_FIXED + nd, na, e->attachments, TRUE,
	    tick + nd);
	sent.action = a;
	sent.text = text;
	sent.domains = tick;
	sent.names = tick + nd;
	if (text != NULL && g_utf8_strlen(text, -1) > MP_HOLD_TEXT_MAX)
		r = MP_HOLD_ACT_INCOMPLETE;
	else {
		MpHoldActor by = { q->role, q->who, rq->remote_addr };

		r = mp_hold_act(q->c, q->id, &by, a, text,
		    a == MP_HOLD_ACT_CONFIRM ? domains : NULL,
		    a == MP_HOLD_ACT_CONFIRM ? anames : NULL, &err);
	}
	acted(q, r, &sent, err);
done:
	if (domains != NULL)
		g_ptr_array_free(domains, TRUE);
	if (anames != NULL)
		g_ptr_array_free(anames, TRUE);
	mp_form_values_free(v, n);
	for (i = 0; i < n; i++)
		g_free(owned[i]);
	g_free(owned);
	g_free(v);
	g_free(names);
	g_free(tick);
	g_free(csrf);
	g_clear_error(&err);
}

/* split_path - ID and TOKEN of PATH_INFO "/ID/TOKEN", each only in its
 * exact form (32 lower-case hex digits): nothing else reaches the disk */
static gboolean
split_path(const char *path, char **id, char **token)
{
	char **parts;
	gboolean ok;

	*id = *token = NULL;
	if (path == NULL || *path != '/')
		return FALSE;
	parts = g_strsplit(path + 1, "/", 3);
	/* a token has an id's form: mp_hold_is_id checks both */
	ok = g_strv_length(parts) == 2 && mp_hold_is_id(parts[0]) &&
	    mp_hold_is_id(parts[1]);
	if (ok) {
		*id = g_strdup(parts[0]);
		*token = g_strdup(parts[1]);
	}
	g_strfreev(parts);
	return ok;
}

/* log_field - key=value with a value that cannot break the line */
static void
log_field(GString *log, const char *key, const char *value)
{
	const char *p;

	g_string_append_printf(log, " %s=", key);
	if (value == NULL || *value == '\0') {
		g_string_append_c(log, '-');
		return;
	}
	for (p = value; *p != '\0'; p++)
		g_string_append_c(log, g_ascii_isgraph(*p) && *p != '"' ?
		    *p : '_');
}

/* log_request - the fields of the log line but time and status (the
 * program adds those); never the token, the csrf value or a text */
static void
log_request(const Req *q)
{
	GString *log = q->rs->log;
	char *who = q->who != NULL ? g_strdup_printf("%s:%s",
	    mp_hold_role_name(q->role), q->who) : NULL;
	const char *p;

	log_field(log, "client", q->rq->remote_addr);
	log_field(log, "id", q->id);
	log_field(log, "who", who);
	log_field(log, "method", q->rq->method);
	log_field(log, "action", q->action);
	log_field(log, "result", q->result);
	if (q->why != NULL) {
		g_string_append(log, " why=\"");
		for (p = q->why; *p != '\0'; p++)
			g_string_append_c(log, (guchar)*p >= 0x20 &&
			    *p != '"' && *p != 0x7f ? *p : '_');
		g_string_append_c(log, '"');
	}
	g_free(who);
}

/*
 * mp_hold_web_handle - the answer to one request
 *
 * GET and HEAD show the entry and the buttons of the person whose
 * token it is; POST presses one.  An unknown id and a wrong token get
 * the same 404; a finished entry a 410 saying what became of it.  A
 * NULL c is a page whose settings could not be read: a 500 (the
 * program logs why).
 */
void
mp_hold_web_handle(MpHoldCtx *c, const MpRequest *rq, MpResponse *rs)
{
	const char *method = rq->method != NULL ? rq->method : "";
	gboolean ja = c == NULL || c->lang == NULL ||
	    strcmp(c->lang, "en") != 0;
	Req q = { 0 };
	GError *err = NULL;
	const char *who;
	int status;

	memset(rs, 0, sizeof *rs);
	rs->head = g_string_new(NULL);
	rs->log = g_string_new(NULL);
	rs->head_only = strcmp(method, "HEAD") == 0;
	rs->tz = c != NULL && c->tz != NULL ? g_time_zone_ref(c->tz) :
	    g_time_zone_new_identifier(MP_TIME_ZONE_DEFAULT);
	q.c = c;
	q.rq = rq;
	q.rs = rs;
	q.l = mp_prefers_japanese(rq->accept_language, ja) ? LANG_JA :
	    LANG_EN;

	if (c == NULL) {
		page(&q, 500, texts.error[q.l], FALSE, FALSE, NULL, "error");
		goto done;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0) {
		page(&q, 405, texts.method[q.l], FALSE, FALSE, NULL,
		    "bad-request");
		g_string_append(rs->head, "Allow: GET, HEAD, POST\r\n");
		goto done;
	}
	if (!split_path(rq->path_info, &q.id, &q.token)) {
		g_clear_pointer(&q.id, g_free);
		invalid(&q);
		goto done;
	}
	status = mp_hold_load(c->spool, q.id, &q.e, &err);
	if (status == EX_NOINPUT) {
		invalid(&q);
		goto done;
	}
	if (status != MP_OK) {
		server_error(&q, err->message);
		goto done;
	}
	if (!mp_hold_token_check(c->spool, q.e, q.token, &q.role, &who)) {
		invalid(&q);
		goto done;
	}
	q.who = g_strdup(who);
	if (mp_hold_state_final(q.e->state))
		finished(&q);
	else if (strcmp(method, "POST") == 0)
		post(&q);
	else
		page(&q, 200, NULL, TRUE, TRUE, NULL, "page");
done:
	g_string_append(rs->head, "\r\n");
	log_request(&q);
	g_clear_error(&err);
	if (q.e != NULL)
		mp_hold_entry_free(q.e);
	g_free(q.id);
	g_free(q.token);
	g_free(q.who);
	g_free(q.why);
}
