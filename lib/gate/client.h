/* client.h - the SMTP client side of mp-gate: each resulting
 * transaction handed to the next hop (Postfix's re-injection smtpd),
 * with its envelope and every ESMTP parameter kept, over one persistent
 * connection per worker, pipelined when the server offers PIPELINING */
#ifndef MP_GATECLIENT_H
#define MP_GATECLIENT_H

#include "gate/session.h"

/* seconds to wait for a reply of the next hop, by default */
#define MP_GATE_NEXT_TIMEOUT_DEFAULT 300

/* Where results go. */
typedef struct {
	char *host;		/* "127.0.0.1", "::1" or a name; NULL with
				 * path */
	char *port;		/* "10026" */
	char *path;		/* a UNIX socket; NULL with host */
	gboolean lmtp;		/* speak LMTP (LHLO, a reply per recipient
				 * after DATA) */
	guint timeout;		/* seconds for each reply; 0: the default */
	const char *helo;	/* our name in EHLO/LHLO */
} MpGateNext;

/* mp_gate_next_parse - "HOST:PORT", "[IPV6]:PORT", "unix:PATH", with an
 * "lmtp:" prefix for LMTP; FALSE when it is none of them */
gboolean mp_gate_next_parse(const char *s, MpGateNext *next);
void mp_gate_next_clear(MpGateNext *next);

/* One transaction to hand on. */
typedef struct {
	const char *sender;	/* "" for the null sender */
	const GPtrArray *mail_params;	/* MpSmtpParam of MAIL, as received:
					 * SIZE is sent with the size of
					 * this message instead */
	MpSmtpRcpt *const *rcpts;	/* with their NOTIFY and ORCPT */
	guint nrcpts;
	const GPtrArray *xforward;	/* MpSmtpParam: sent as XFORWARD when
					 * the next hop offers it, each
					 * attribute it names, xtext-encoded */
	const char *text;	/* the message, LF line endings, as
				 * MpSmtpData keeps it */
	gsize len;
} MpGateOutgoing;

/* What became of it: one reply per recipient, in order: RCPT's when
 * RCPT was refused, else DATA's (LMTP: the recipient's own). */
typedef struct {
	MpSmtpReply *rcpt;	/* nrcpts of them */
	guint nrcpts;
	MpSmtpReply last;	/* DATA's reply (or what ended the
				 * transaction) for the log */
} MpGateSent;

void mp_gate_sent_clear(MpGateSent *s);

typedef struct MpGateClient MpGateClient;

/* mp_gate_client_new - a client of next (not connected yet; next must
 * outlive it) */
MpGateClient *mp_gate_client_new(const MpGateNext *next);

/*
 * mp_gate_client_send - one transaction.  Connects (EHLO, or LHLO) when
 * there is no connection, or when the one kept has been closed by the
 * server (then once more, before anything of this transaction was
 * accepted).  An ESMTP parameter the next hop does not offer is
 * dropped, except SMTPUTF8 (the transaction gets 550 5.6.7 instead)
 * and those of DSN, which the next hop must offer (else 451 4.3.0,
 * for the administrator to fix).  Never fails open: a connection that
 * cannot be made, a timeout, a reply that cannot be read give every
 * recipient without a reply a 451 4.4.x reply and close the connection.
 */
void mp_gate_client_send(MpGateClient *c, const MpGateOutgoing *o,
    MpGateSent *res);

/* mp_gate_client_free - QUIT, close, release */
void mp_gate_client_free(MpGateClient *c);

#endif
