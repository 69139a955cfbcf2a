/* session.c - one SMTP session as a content filter holds it */
#include <string.h>

#include "gate/session.h"

/* Where a session is: what the next command may be. */
enum {
	S_GREETED,	/* EHLO or HELO first */
	S_READY,	/* MAIL (or XFORWARD before it) */
	S_MAIL,		/* RCPT */
	S_RCPT,		/* RCPT or DATA */
	S_CLOSED,	/* after QUIT */
};

/* rcpt_free - an MpSmtpRcpt and its parameters */
static void
rcpt_free(gpointer p)
{
	MpSmtpRcpt *r = p;

	g_free(r->address);
	g_ptr_array_free(r->params, TRUE);
	g_free(r);
}

/* reply - one line of reply, CRLF-ended; status NULL or "" for none */
static void
reply(MpSmtpSession *s, int code, const char *status, const char *text)
{
	gboolean st = status != NULL && *status != '\0';

	g_string_append_printf(s->out, "%d %s%s%s\r\n", code,
	    st ? status : "", st ? " " : "", text != NULL ? text : "");
}

/* transaction_free - what a transaction holds, released (its arrays
 * NULL, its data empty) */
static void
transaction_free(MpSmtpTransaction *t)
{
	g_free(t->sender);
	t->sender = NULL;
	if (t->params != NULL)
		g_ptr_array_free(t->params, TRUE);
	if (t->rcpts != NULL)
		g_ptr_array_free(t->rcpts, TRUE);
	if (t->xforward != NULL)
		g_ptr_array_free(t->xforward, TRUE);
	t->params = t->rcpts = t->xforward = NULL;
	mp_smtp_data_clear(&t->data);
}

/* transaction_reset - a new, empty transaction; XFORWARD's attributes
 * go with it (XFORWARD_README: they hold for one transaction) */
static void
transaction_reset(MpSmtpSession *s)
{
	MpSmtpTransaction *t = &s->t;

	transaction_free(t);
	t->params = g_ptr_array_new_with_free_func(mp_smtp_param_free);
	t->rcpts = g_ptr_array_new_with_free_func(rcpt_free);
	t->xforward = g_ptr_array_new_with_free_func(mp_smtp_param_free);
	mp_smtp_data_init(&t->data, s->max_size);
	s->in_data = FALSE;
	if (s->state != S_GREETED && s->state != S_CLOSED)
		s->state = S_READY;
}

/* mp_smtp_session_init - a new session, greeted */
void
mp_smtp_session_init(MpSmtpSession *s, const char *hostname, gsize max_size)
{
	memset(s, 0, sizeof *s);
	s->hostname = hostname;
	s->max_size = max_size;
	s->out = g_string_new(NULL);
	s->state = S_GREETED;
	transaction_reset(s);
	g_string_append_printf(s->out, "220 %s ESMTP mp-gate\r\n", hostname);
}

/* mp_smtp_session_clear - release a session */
void
mp_smtp_session_clear(MpSmtpSession *s)
{
	transaction_free(&s->t);
	if (s->out != NULL)
		g_string_free(s->out, TRUE);
	memset(s, 0, sizeof *s);
}

/* take_params - the command's parameters, moved into a */
static void
take_params(MpSmtpCommand *cmd, GPtrArray *a)
{
	guint i;

	for (i = 0; i < cmd->params->len; i++)
		g_ptr_array_add(a, cmd->params->pdata[i]);
	/* the pointers are a's now */
	g_ptr_array_set_free_func(cmd->params, NULL);
}

/* ascii - whether s is ASCII only */
static gboolean
ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return FALSE;
	return TRUE;
}

/* hello - EHLO or LHLO (extensions), or HELO: a new start.  One
 * listener serves both protocols: Postfix's lmtp and smtp clients
 * each say which they speak. */
static void
hello(MpSmtpSession *s, const MpSmtpCommand *cmd)
{
	s->esmtp = cmd->verb != MP_SMTP_HELO;
	s->lmtp = cmd->verb == MP_SMTP_LHLO;
	s->state = S_READY;
	transaction_reset(s);
	if (!s->esmtp) {
		g_string_append_printf(s->out, "250 %s\r\n", s->hostname);
		return;
	}
	g_string_append_printf(s->out, "250-%s\r\n250-PIPELINING\r\n"
	    "250-SIZE %" G_GSIZE_FORMAT "\r\n250-8BITMIME\r\n250-DSN\r\n"
	    "250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n"
	    "250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE LOGIN "
	    "DESTADDR DESTPORT\r\n", s->hostname, s->max_size);
}

/* mail - MAIL FROM: the transaction starts */
static void
mail(MpSmtpSession *s, MpSmtpCommand *cmd)
{
	const char *size = mp_smtp_param(cmd, "SIZE", NULL);
	gboolean utf8 = FALSE;

	mp_smtp_param(cmd, "SMTPUTF8", &utf8);
	if (!s->esmtp && cmd->params->len > 0) {
		reply(s, 555, "5.5.4", "parameters need EHLO");
		return;
	}
	if (size != NULL && g_ascii_strtoull(size, NULL, 10) > s->max_size) {
		reply(s, 552, "5.3.4", "message size exceeds the limit");
		return;
	}
	if (!utf8 && !ascii(cmd->path)) {
		reply(s, 553, "5.6.7", "a UTF-8 address needs SMTPUTF8");
		return;
	}
	s->t.sender = g_strdup(cmd->path);
	take_params(cmd, s->t.params);
	s->state = S_MAIL;
	reply(s, 250, "2.1.0", "Ok");
}

/* rcpt - RCPT TO: one more recipient */
static void
rcpt(MpSmtpSession *s, MpSmtpCommand *cmd)
{
	gboolean utf8 = FALSE;
	MpSmtpRcpt *r;
	guint i;

	for (i = 0; i < s->t.params->len; i++)
		utf8 = utf8 || strcmp(((MpSmtpParam *)
		    s->t.params->pdata[i])->name, "SMTPUTF8") == 0;
	if (!s->esmtp && cmd->params->len > 0) {
		reply(s, 555, "5.5.4", "parameters need EHLO");
		return;
	}
	if (s->t.rcpts->len >= MP_SMTP_RCPTS_MAX) {
		reply(s, 452, "4.5.3", "too many recipients");
		return;
	}
	if (!utf8 && !ascii(cmd->path)) {
		reply(s, 553, "5.6.7", "a UTF-8 address needs SMTPUTF8");
		return;
	}
	r = g_new0(MpSmtpRcpt, 1);
	r->address = g_strdup(cmd->path);
	r->params = g_ptr_array_new_with_free_func(mp_smtp_param_free);
	take_params(cmd, r->params);
	g_ptr_array_add(s->t.rcpts, r);
	s->state = S_RCPT;
	reply(s, 250, "2.1.5", "Ok");
}

/* command - one command line, in its place in the session */
static MpSmtpEvent
command(MpSmtpSession *s, const char *line, gsize len)
{
	MpSmtpCommand cmd;
	MpSmtpRefusal why;
	MpSmtpEvent ev = MP_SMTP_NOTHING;

	if (!mp_smtp_parse(line, len, &cmd, &why)) {
		reply(s, why.code, why.status, why.text);
		return MP_SMTP_NOTHING;
	}
	switch (cmd.verb) {
	case MP_SMTP_HELO:
	case MP_SMTP_EHLO:
	case MP_SMTP_LHLO:
		hello(s, &cmd);
		break;
	case MP_SMTP_XFORWARD:
		if (s->state != S_READY || !s->esmtp) {
			reply(s, 503, "5.5.1", "XFORWARD goes before MAIL");
			break;
		}
		take_params(&cmd, s->t.xforward);
		reply(s, 250, "2.0.0", "Ok");
		break;
	case MP_SMTP_XCLIENT:
		reply(s, 550, "5.7.0", "XCLIENT is not offered");
		break;
	case MP_SMTP_MAIL:
		if (s->state == S_GREETED)
			reply(s, 503, "5.5.1", "send EHLO first");
		else if (s->state != S_READY)
			reply(s, 503, "5.5.1", "nested MAIL command");
		else
			mail(s, &cmd);
		break;
	case MP_SMTP_RCPT:
		if (s->state != S_MAIL && s->state != S_RCPT)
			reply(s, 503, "5.5.1", "need MAIL before RCPT");
		else
			rcpt(s, &cmd);
		break;
	case MP_SMTP_DATA:
		if (s->state == S_MAIL)
			reply(s, 554, "5.5.1", "no valid recipients");
		else if (s->state != S_RCPT)
			reply(s, 503, "5.5.1", "need RCPT before DATA");
		else {
			s->in_data = TRUE;
			reply(s, 354, NULL, "End data with <CR><LF>.<CR><LF>");
		}
		break;
	case MP_SMTP_RSET:
		transaction_reset(s);
		reply(s, 250, "2.0.0", "Ok");
		break;
	case MP_SMTP_NOOP:
		reply(s, 250, "2.0.0", "Ok");
		break;
	case MP_SMTP_VRFY:
		reply(s, 252, "2.0.0", "send some mail, I'll try my best");
		break;
	case MP_SMTP_QUIT:
	default:
		reply(s, 221, "2.0.0", "Bye");
		s->state = S_CLOSED;
		ev = MP_SMTP_CLOSE;
		break;
	}
	mp_smtp_command_clear(&cmd);
	return ev;
}

/* mp_smtp_session_line - one line from the client */
MpSmtpEvent
mp_smtp_session_line(MpSmtpSession *s, const char *line, gsize len)
{
	guint i, n;

	if (s->state == S_CLOSED)
		return MP_SMTP_CLOSE;
	if (!s->in_data)
		return command(s, line, len);
	if (!mp_smtp_data_line(&s->t.data, line, len))
		return MP_SMTP_NOTHING;
	s->in_data = FALSE;
	if (mp_smtp_data_too_big(&s->t.data)) {
		/* LMTP: the client waits for a reply per recipient */
		n = s->lmtp ? s->t.rcpts->len : 1;
		for (i = 0; i < n; i++)
			reply(s, 552, "5.3.4", "message size exceeds the "
			    "limit");
		transaction_reset(s);
		return MP_SMTP_NOTHING;
	}
	return MP_SMTP_MESSAGE;
}

/* mp_smtp_session_answer - the reply to a whole message */
void
mp_smtp_session_answer(MpSmtpSession *s, int code, const char *status,
    const char *text)
{
	reply(s, code, status, text);
	transaction_reset(s);
}

/* one_line - text fit for one reply line: no control character (a
 * CR or LF would start a reply the client does not expect), at most
 * MP_SMTP_REPLY_MAX with code and status */
static char *
one_line(const char *text)
{
	char *t = g_strdup(text != NULL ? text : "");
	char *p;

	for (p = t; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	if (strlen(t) > MP_SMTP_REPLY_MAX - 32)
		t[MP_SMTP_REPLY_MAX - 32] = '\0';
	return t;
}

/* answer_one - one reply of a handler on its line; a reply left
 * without a code is a temporary failure, never a silent 250 */
static void
answer_one(MpSmtpSession *s, const MpSmtpReply *r)
{
	char *text;

	if (r->code < 200 || r->code > 599) {
		reply(s, 451, "4.3.0", "no reply for this recipient");
		return;
	}
	text = one_line(r->text);
	reply(s, r->code, r->status, text);
	g_free(text);
}

/* mp_smtp_session_answer_each - the replies to a whole message, per
 * recipient (LMTP) or the one that matters (SMTP) */
void
mp_smtp_session_answer_each(MpSmtpSession *s, const MpSmtpReply *replies,
    guint n)
{
	static const MpSmtpReply none = { 451, "4.3.0",
	    "no reply for this recipient" };
	const MpSmtpReply *pick;
	guint i;

	if (s->lmtp) {
		for (i = 0; i < n; i++)
			answer_one(s, &replies[i]);
	} else {
		pick = mp_smtp_reply_worst(replies, n);
		answer_one(s, pick != NULL ? pick : &none);
	}
	transaction_reset(s);
}
