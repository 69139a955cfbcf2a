/* session.h - one SMTP session as a content filter holds it: the order
 * of the commands, the replies, and the transaction they build (the
 * envelope with every ESMTP parameter, Postfix's XFORWARD attributes,
 * the message).  No sockets: the daemon hands lines in and sends what
 * comes out. */
#ifndef MP_SMTPSESSION_H
#define MP_SMTPSESSION_H

#include "gate/smtp.h"

/* the most recipients of one transaction: Postfix's own
 * smtpd_recipient_limit default */
#define MP_SMTP_RCPTS_MAX 1000

/* One recipient, with its NOTIFY and ORCPT as given. */
typedef struct {
	char *address;
	GPtrArray *params;	/* MpSmtpParam */
} MpSmtpRcpt;

/* What a MAIL ... DATA transaction brought. */
typedef struct {
	char *sender;		/* "" for the null sender; NULL before MAIL */
	GPtrArray *params;	/* MAIL's MpSmtpParam */
	GPtrArray *rcpts;	/* MpSmtpRcpt */
	GPtrArray *xforward;	/* MpSmtpParam: the attributes XFORWARD
				 * gave for this transaction */
	MpSmtpData data;
} MpSmtpTransaction;

typedef enum {
	MP_SMTP_NOTHING,	/* go on reading */
	MP_SMTP_MESSAGE,	/* a transaction is whole: answer it with
				 * mp_smtp_session_answer */
	MP_SMTP_CLOSE,		/* QUIT answered: close the connection */
} MpSmtpEvent;

typedef struct {
	const char *hostname;	/* in the greeting and EHLO's reply */
	gsize max_size;		/* SIZE we announce and enforce */
	int state;		/* where the session is (session.c) */
	gboolean esmtp;		/* EHLO or LHLO, not HELO: extensions in
				 * use */
	gboolean lmtp;		/* LHLO: a reply per recipient after the
				 * message (RFC 2033 4.2) */
	gboolean in_data;	/* lines are the message's */
	MpSmtpTransaction t;
	GString *out;		/* replies to send, CRLF-ended */
} MpSmtpSession;

/* mp_smtp_session_init - a new session; the greeting is in s->out */
void mp_smtp_session_init(MpSmtpSession *s, const char *hostname,
    gsize max_size);
void mp_smtp_session_clear(MpSmtpSession *s);

/* mp_smtp_session_line - one line from the client (without its CRLF):
 * its reply appended to s->out (none for the lines of a message) */
MpSmtpEvent mp_smtp_session_line(MpSmtpSession *s, const char *line,
    gsize len);

/* mp_smtp_session_answer - the reply to a whole message (code 250, or
 * 4xx/5xx with the enhanced status and text), appended to s->out; the
 * transaction is over */
void mp_smtp_session_answer(MpSmtpSession *s, int code, const char *status,
    const char *text);

/*
 * mp_smtp_session_answer_each - the replies to a whole message, one per
 * recipient of s->t in order (n of them), appended to s->out: LMTP
 * sends each; SMTP sends one, the first 4xx, else the first 5xx, else
 * the first 2xx (a retry of the lot is the only thing an SMTP client
 * can do with a partial failure).  A reply without a code is 451.  The
 * transaction is over.
 */
void mp_smtp_session_answer_each(MpSmtpSession *s, const MpSmtpReply *replies,
    guint n);

#endif
