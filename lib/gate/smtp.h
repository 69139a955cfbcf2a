/* smtp.h - the SMTP a content filter hears from Postfix: command lines
 * read strictly (RFC 5321 with the DSN, SIZE, 8BITMIME and SMTPUTF8
 * extensions and Postfix's XFORWARD and XCLIENT), the message of DATA,
 * and the xtext of their parameters */
#ifndef MP_SMTP_H
#define MP_SMTP_H

#include "base/mp.h"

/*
 * Limits, each the largest a command may have; a longer one is refused
 * and never cut.  A command line is at most 512 octets with its CRLF in
 * RFC 5321 (4.5.3.1.4), but each extension may add to that; Postfix's
 * smtpd takes lines up to its line_length_limit (2048), and so do we.
 */
#define MP_SMTP_LINE_MAX 2048
/* a path with its angle brackets (RFC 5321 4.5.3.1.3) */
#define MP_SMTP_PATH_MAX 256
/* a domain of HELO or EHLO (RFC 5321 4.5.3.1.2) */
#define MP_SMTP_DOMAIN_MAX 255
/* parameters of one MAIL or RCPT, attributes of one XFORWARD */
#define MP_SMTP_PARAMS_MAX 16
/* ENVID of MAIL and the address of ORCPT, as xtext (RFC 3461) */
#define MP_SMTP_ENVID_MAX 100
#define MP_SMTP_ORCPT_MAX 500

typedef enum {
	MP_SMTP_HELO,
	MP_SMTP_EHLO,
	MP_SMTP_LHLO,		/* LMTP's EHLO (RFC 2033) */
	MP_SMTP_MAIL,
	MP_SMTP_RCPT,
	MP_SMTP_DATA,
	MP_SMTP_RSET,
	MP_SMTP_NOOP,
	MP_SMTP_QUIT,
	MP_SMTP_VRFY,
	MP_SMTP_XFORWARD,	/* Postfix: the client of the original
				 * session (XFORWARD_README) */
	MP_SMTP_XCLIENT,	/* Postfix: the same, before-queue */
	MP_SMTP_NVERBS
} MpSmtpVerb;

/* A parameter of MAIL or RCPT, or an attribute of XFORWARD/XCLIENT. */
typedef struct {
	char *name;		/* upper case */
	char *value;		/* as given; xtext decoded for attributes;
				 * NULL for a parameter without "=" */
} MpSmtpParam;

/* One command line, read. */
typedef struct {
	MpSmtpVerb verb;
	char *domain;		/* HELO, EHLO, LHLO: the client's name */
	char *path;		/* MAIL, RCPT: the mailbox without brackets
				 * and source route; "" for MAIL's <> */
	GPtrArray *params;	/* MpSmtpParam, in order */
} MpSmtpCommand;

/* Why a command line is refused: the reply to send. */
typedef struct {
	int code;		/* 500, 501, 504, 553, 555 */
	const char *status;	/* the enhanced status code, "5.5.2" */
	const char *text;	/* what is wrong, for the client */
} MpSmtpRefusal;

/*
 * mp_smtp_parse - one command line (without its CRLF: len bytes at
 * line); TRUE and cmd filled, or FALSE and why.  Strict: a verb in any
 * case, but one space where the syntax has one, paths in angle
 * brackets, every parameter known and its value checked, no parameter
 * twice, no control character, no NUL.  UTF-8 is taken in paths only
 * (whether SMTPUTF8 allows it is the session's to say).  A refused
 * line leaves cmd empty; a read one is freed with
 * mp_smtp_command_clear.
 */
gboolean mp_smtp_parse(const char *line, gsize len, MpSmtpCommand *cmd,
    MpSmtpRefusal *why);
void mp_smtp_command_clear(MpSmtpCommand *cmd);

/* mp_smtp_param_free - an MpSmtpParam and its strings (the free
 * function of the arrays that hold them) */
void mp_smtp_param_free(gpointer p);

/* mp_smtp_verb_name - "MAIL", "XFORWARD" ... */
const char *mp_smtp_verb_name(MpSmtpVerb v);

/* mp_smtp_param - the value of a parameter (NULL when it has none or is
 * not given); *given says whether it was */
const char *mp_smtp_param(const MpSmtpCommand *cmd, const char *name,
    gboolean *given);

/* mp_xtext_decode - RFC 3461 xtext to text; NULL when it is not xtext
 * (a "+" not followed by two upper-case hex digits, a character outside
 * "!" to "~", "=") */
char *mp_xtext_decode(const char *s);

/* mp_orcpt_address - the address of an ORCPT value "TYPE;ADDRESS":
 * "rfc822;" xtext (RFC 3461 4.2), "utf-8;" utf-8-addr-xtext with its
 * \x{HEX} characters (RFC 6533 3); NULL for another type or a value
 * that is not one */
char *mp_orcpt_address(const char *value);

/* mp_xtext_encode - text as xtext: "+", "=" and all outside "!" to "~"
 * as "+XX" */
char *mp_xtext_encode(const char *s);

/*
 * The message of DATA, a line at a time (each line without its CRLF):
 * a leading "." of a line taken off (RFC 5321 4.5.2), "." alone the
 * end, lines joined with LF as Postfix's own queue files keep them.
 * Beyond max bytes the rest is counted, not kept: the session answers
 * 552 at the end.
 */
typedef struct {
	GString *text;		/* the message so far, LF line endings */
	gsize max;
	gsize total;		/* bytes of the message, kept or not */
	gboolean done;		/* the "." line was seen */
} MpSmtpData;

/* mp_smtp_data_init - an empty message of at most max bytes */
void mp_smtp_data_init(MpSmtpData *d, gsize max);
void mp_smtp_data_clear(MpSmtpData *d);

/* mp_smtp_data_line - one more line; TRUE when it was the end */
gboolean mp_smtp_data_line(MpSmtpData *d, const char *line, gsize len);

/* mp_smtp_data_too_big - whether the message went over max */
gboolean mp_smtp_data_too_big(const MpSmtpData *d);

/* mp_smtp_data_stuff - a message (LF line endings) as DATA sends it:
 * CRLF, a "." before each line that starts with one, the end line */
GString *mp_smtp_data_stuff(const char *text, gsize len);

/* the longest reply line kept (RFC 5321 4.5.3.1.5: 512) */
#define MP_SMTP_REPLY_MAX 512

/* One reply: the code, the enhanced status ("" when none), the text of
 * its last line (without code and status). */
typedef struct {
	int code;
	char status[16];
	char *text;
} MpSmtpReply;

void mp_smtp_reply_set(MpSmtpReply *r, int code, const char *status,
    const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void mp_smtp_reply_clear(MpSmtpReply *r);

/* mp_smtp_reply_worst - of n replies, the one an SMTP answer for all
 * gives: the first 4xx, else the first 5xx, else the first 2xx (NULL:
 * none of them) */
const MpSmtpReply *mp_smtp_reply_worst(const MpSmtpReply *r, guint n);

#endif
