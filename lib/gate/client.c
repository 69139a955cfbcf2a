/* client.c - mp-gate's client of the next hop: SMTP or LMTP over one
 * persistent connection, pipelined when the server offers it */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gate/client.h"

/* What the next hop offers in its EHLO (LHLO) reply. */
enum {
	EXT_PIPELINING = 1 << 0,
	EXT_SIZE = 1 << 1,
	EXT_8BITMIME = 1 << 2,
	EXT_DSN = 1 << 3,
	EXT_SMTPUTF8 = 1 << 4,
	EXT_XFORWARD = 1 << 5,
	EXT_ENHANCED = 1 << 6,
	EXT_AUTH = 1 << 7,
};

/* How a read or a write ended. */
typedef enum {
	IO_OK,
	IO_TIMEOUT,
	IO_LOST,	/* EOF, ECONNRESET, EPIPE: the server is gone */
	IO_PROTOCOL,	/* what came is not a reply */
} IoStatus;

/* the longest reply line taken (RFC 5321 says 512; some servers say
 * more) and the most lines of one reply: beyond, it is no reply */
#define REPLY_LINE_MAX 4096
#define REPLY_LINES_MAX 200
/* Postfix's smtpd reads XFORWARD lines of fewer than 512 octets with
 * their CRLF, and says so in XFORWARD_README; 4 attributes a line as
 * its own smtp client sends them */
#define XFORWARD_LINE_MAX 511
#define XFORWARD_ATTRS_LINE 4
/* seconds QUIT waits for its reply: the transaction is over anyway */
#define QUIT_TIMEOUT 1
/* replies read while a long write waits, so that a server that answers
 * before it reads all (RFC 2920 3.1) never blocks us both */
#define READ_AHEAD_MAX (1 << 20)

struct MpGateClient {
	const MpGateNext *next;
	char *name;		/* the next hop in messages */
	guint timeout;		/* seconds for each reply or write */
	int fd;			/* -1: no connection */
	GString *in;		/* read, not taken yet */
	gboolean eof;		/* the server closed its side */
	int err;		/* errno of the read or write that failed */
	char *bad;		/* the line that was no reply */
	guint ext;		/* EXT_ */
	GPtrArray *xforward;	/* attribute names XFORWARD takes */
};

/* The place of the conversation a failure is told with. */
typedef struct {
	const char *verb;	/* "MAIL", "the message" */
	gboolean sending;	/* writing it, not reading its reply */
} Stage;

/* mp_gate_next_parse - the address of the next hop */
gboolean
mp_gate_next_parse(const char *s, MpGateNext *next)
{
	gboolean lmtp = FALSE;
	const char *colon, *host, *port;
	gsize hlen;
	char *end;
	gulong n;

	if (g_str_has_prefix(s, "lmtp:")) {
		lmtp = TRUE;
		s += 5;
	}
	if (g_str_has_prefix(s, "unix:")) {
		if (s[5] == '\0')
			return FALSE;
		next->host = next->port = NULL;
		next->path = g_strdup(s + 5);
		next->lmtp = lmtp;
		return TRUE;
	}
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return FALSE;
		host = s + 1;
		hlen = (gsize)(rb - host);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (gsize)(colon - s)) != NULL)
			return FALSE;
		host = s;
		hlen = (gsize)(colon - s);
	}
	port = colon + 1;
	if (hlen == 0 || !g_ascii_isdigit(*port))
		return FALSE;
	errno = 0;
	n = strtoul(port, &end, 10);
	if (*end != '\0' || errno != 0 || n == 0 || n > 65535)
		return FALSE;
	next->host = g_strndup(host, hlen);
	next->port = g_strdup(port);
	next->path = NULL;
	next->lmtp = lmtp;
	return TRUE;
}

/* mp_gate_next_clear - release what mp_gate_next_parse filled */
void
mp_gate_next_clear(MpGateNext *next)
{
	g_free(next->host);
	g_free(next->port);
	g_free(next->path);
	next->host = next->port = next->path = NULL;
}

/* mp_gate_sent_clear - release the replies */
void
mp_gate_sent_clear(MpGateSent *s)
{
	guint i;

	for (i = 0; s->rcpt != NULL && i < s->nrcpts; i++)
		mp_smtp_reply_clear(&s->rcpt[i]);
	g_free(s->rcpt);
	mp_smtp_reply_clear(&s->last);
	memset(s, 0, sizeof *s);
}

/* mp_gate_client_new - a client, not connected yet */
MpGateClient *
mp_gate_client_new(const MpGateNext *next)
{
	MpGateClient *c = g_new0(MpGateClient, 1);

	c->next = next;
	c->timeout = next->timeout != 0 ? next->timeout :
	    MP_GATE_NEXT_TIMEOUT_DEFAULT;
	if (next->path != NULL)
		c->name = g_strdup_printf("unix:%s", next->path);
	else if (strchr(next->host, ':') != NULL)
		c->name = g_strdup_printf("[%s]:%s", next->host, next->port);
	else
		c->name = g_strdup_printf("%s:%s", next->host, next->port);
	c->fd = -1;
	c->in = g_string_new(NULL);
	c->xforward = g_ptr_array_new_with_free_func(g_free);
	return c;
}

/* hang_up - close the connection, forget what it offered */
static void
hang_up(MpGateClient *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	g_string_truncate(c->in, 0);
	c->eof = FALSE;
	c->ext = 0;
	g_ptr_array_set_size(c->xforward, 0);
}

/* deadline - the monotonic time (us) timeout seconds from now */
static gint64
deadline(const MpGateClient *c)
{
	return g_get_monotonic_time() + (gint64)c->timeout * G_USEC_PER_SEC;
}

/* wait_for - poll fd for events until the deadline: its revents, 0 on
 * timeout, -1 on error */
static int
wait_for(int fd, short events, gint64 until)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		gint64 left = until - g_get_monotonic_time();
		int n;

		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)MIN((left + 999) / 1000, G_MAXINT));
		if (n > 0)
			return p.revents;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* take_in - whatever can be read without waiting, kept in c->in:
 * FALSE when the connection failed */
static gboolean
take_in(MpGateClient *c)
{
	char buf[16384];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0) {
			g_string_append_len(c->in, buf, n);
			return TRUE;
		}
		if (n == 0) {
			c->eof = TRUE;
			c->err = 0;
			return TRUE;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return TRUE;
		if (errno != EINTR) {
			c->err = errno;
			return FALSE;
		}
	}
}

/* fill - more of the server's replies into c->in, waiting for them no
 * later than until */
static IoStatus
fill(MpGateClient *c, gint64 until)
{
	gsize had = c->in->len;
	int r;

	for (;;) {
		if (c->eof)
			return IO_LOST;
		if (!take_in(c))
			return IO_LOST;
		if (c->in->len > had)
			return IO_OK;
		if (c->eof)
			return IO_LOST;
		r = wait_for(c->fd, POLLIN, until);
		if (r == 0)
			return IO_TIMEOUT;
		if (r < 0) {
			c->err = errno;
			return IO_LOST;
		}
	}
}

/* put - len bytes to the server; a write may wait timeout seconds for
 * each step forward.  Replies that come meanwhile are kept. */
static IoStatus
put(MpGateClient *c, const char *buf, gsize len)
{
	gint64 until = deadline(c);

	while (len > 0) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		short events = POLLOUT;
		int r;

		if (n > 0) {
			buf += n;
			len -= (gsize)n;
			until = deadline(c);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			c->err = errno;
			return IO_LOST;
		}
		if (!c->eof && c->in->len < READ_AHEAD_MAX)
			events |= POLLIN;
		r = wait_for(c->fd, events, until);
		if (r == 0)
			return IO_TIMEOUT;
		if (r < 0) {
			c->err = errno;
			return IO_LOST;
		}
		if ((r & POLLIN) && !take_in(c))
			return IO_LOST;
	}
	return IO_OK;
}

/* get_line - one line of reply (CRLF, or LF alone, taken off) */
static IoStatus
get_line(MpGateClient *c, gint64 until, GString *line)
{
	for (;;) {
		char *nl = memchr(c->in->str, '\n', c->in->len);
		IoStatus st;

		if (nl != NULL) {
			gsize n = (gsize)(nl - c->in->str);

			g_string_truncate(line, 0);
			g_string_append_len(line, c->in->str,
			    n > 0 && nl[-1] == '\r' ? n - 1 : n);
			g_string_erase(c->in, 0, n + 1);
			return IO_OK;
		}
		if (c->in->len > REPLY_LINE_MAX) {
			g_free(c->bad);
			c->bad = g_strndup(c->in->str, 80);
			return IO_PROTOCOL;
		}
		if ((st = fill(c, until)) != IO_OK)
			return st;
	}
}

/* status_len - the length of the enhanced status code at s (RFC 3463:
 * class.subject.detail, the class that of code), 0 when none */
static gsize
status_len(const char *s, int code)
{
	const char *p = s;
	int i, d;

	if (*p++ != '0' + code / 100)
		return 0;
	for (i = 0; i < 2; i++) {
		if (*p++ != '.')
			return 0;
		for (d = 0; d < 3 && g_ascii_isdigit(*p); d++)
			p++;
		if (d == 0)
			return 0;
	}
	return *p == ' ' || *p == '\0' ? (gsize)(p - s) : 0;
}

/* reply_line - whether line is one of a reply: three digits, then a
 * space, a hyphen or nothing (RFC 5321 4.2) */
static gboolean
reply_line(const GString *line)
{
	const char *s = line->str;

	return line->len >= 3 && s[0] >= '2' && s[0] <= '5' &&
	    s[1] >= '0' && s[1] <= '5' && g_ascii_isdigit(s[2]) &&
	    (line->len == 3 || s[3] == ' ' || s[3] == '-') &&
	    memchr(s, '\0', line->len) == NULL;
}

/* read_reply - one reply, single or multi-line, within the timeout;
 * the text of each line into lines when it is given (EHLO's) */
static IoStatus
read_reply(MpGateClient *c, MpSmtpReply *r, GPtrArray *lines)
{
	gint64 until = deadline(c);
	GString *line = g_string_new(NULL);
	IoStatus st;
	int code = 0;
	guint n = 0;

	for (;;) {
		const char *text;
		char status[16] = "";
		gsize sl;

		if ((st = get_line(c, until, line)) != IO_OK)
			break;
		if (!reply_line(line) || ++n > REPLY_LINES_MAX ||
		    (code != 0 && atoi(line->str) != code)) {
			g_free(c->bad);
			c->bad = g_strndup(line->str, 80);
			st = IO_PROTOCOL;
			break;
		}
		code = atoi(line->str);
		text = line->len > 4 ? line->str + 4 : "";
		if (lines != NULL)
			g_ptr_array_add(lines, g_strdup(text));
		if (line->len > 3 && line->str[3] == '-')
			continue;
		/* servers without ENHANCEDSTATUSCODES may still write one */
		if ((sl = status_len(text, code)) > 0) {
			memcpy(status, text, sl);
			status[sl] = '\0';
			text += sl;
			if (*text == ' ')
				text++;
		}
		mp_smtp_reply_set(r, code, status, "%s", text);
		break;
	}
	g_string_free(line, TRUE);
	return st;
}

/* fail - every recipient without a reply gets 451 status "next hop
 * NAME: ...", and so does last; the connection is closed */
static void G_GNUC_PRINTF(4, 5)
fail(MpGateClient *c, MpGateSent *res, const char *status, const char *fmt,
    ...)
{
	va_list ap;
	char *why;
	guint i;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	for (i = 0; i < res->nrcpts; i++)
		if (res->rcpt[i].code == 0)
			mp_smtp_reply_set(&res->rcpt[i], 451, status,
			    "next hop %s: %s", c->name, why);
	mp_smtp_reply_set(&res->last, 451, status, "next hop %s: %s",
	    c->name, why);
	g_free(why);
	hang_up(c);
}

/* io_fail - fail for a read or write that did not end well */
static void
io_fail(MpGateClient *c, MpGateSent *res, IoStatus st, Stage at)
{
	const char *how = at.sending ? "sending" : "waiting for the reply to";

	if (st == IO_TIMEOUT)
		fail(c, res, "4.4.2", "timeout %s %s", how, at.verb);
	else if (st == IO_LOST && c->err != 0)
		fail(c, res, "4.4.2", "lost connection %s %s: %s", how,
		    at.verb, g_strerror(c->err));
	else if (st == IO_LOST)
		fail(c, res, "4.4.2", "lost connection %s %s", how, at.verb);
	else
		fail(c, res, "4.4.0", "malformed reply to %s: \"%s\"",
		    at.verb, c->bad != NULL ? c->bad : "");
}

/* closing - a 421: the server is closing the connection */
static void
closing(MpGateClient *c, MpGateSent *res, const MpSmtpReply *r,
    const char *verb)
{
	fail(c, res, r->status[0] == '4' ? r->status : "4.4.2",
	    "closed the connection after %s: %d %s", verb, r->code, r->text);
}

/* refused - fail for a reply that is not the one the conversation
 * needs; what: "refused EHLO" */
static void
refused(MpGateClient *c, MpGateSent *res, const MpSmtpReply *r,
    const char *what)
{
	fail(c, res, "4.4.0", "%s: %d %s%s%s", what, r->code, r->status,
	    r->status[0] != '\0' ? " " : "", r->text);
}

/* reply_copy - r as it came into to */
static void
reply_copy(MpSmtpReply *to, const MpSmtpReply *r)
{
	mp_smtp_reply_set(to, r->code, r->status, "%s", r->text);
}

/* connect_to - a socket connected to the next hop, or -1 and why */
static int
connect_to(MpGateClient *c, char **why)
{
	const MpGateNext *n = c->next;
	struct addrinfo hints, *ai = NULL, *a;
	int fd = -1, err = ECONNREFUSED, rc;

	if (n->path != NULL) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(n->path) >= sizeof sa.sun_path) {
			*why = g_strdup(g_strerror(ENAMETOOLONG));
			return -1;
		}
		strcpy(sa.sun_path, n->path);
		/* never blocking: a full backlog is a failure, not a wait */
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa,
		    sizeof sa) < 0) {
			*why = g_strdup(g_strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		return fd;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(n->host, n->port, &hints, &ai)) != 0) {
		*why = g_strdup(rc == EAI_SYSTEM ? g_strerror(errno) :
		    gai_strerror(rc));
		return -1;
	}
	for (a = ai; a != NULL; a = a->ai_next) {
		socklen_t len = sizeof err;
		int r;

		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, a->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			err = errno;
		} else if ((r = wait_for(fd, POLLOUT, deadline(c))) == 0) {
			err = ETIMEDOUT;
		} else if (r < 0) {
			err = errno;
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
		    &len) == 0 && err == 0) {
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		*why = g_strdup(g_strerror(err));
	return fd;
}

/* extensions - what the EHLO (LHLO) reply offers, remembered */
static void
extensions(MpGateClient *c, const GPtrArray *lines)
{
	static const struct {
		const char *name;
		guint bit;
	} known[] = {
		{ "PIPELINING", EXT_PIPELINING }, { "SIZE", EXT_SIZE },
		{ "8BITMIME", EXT_8BITMIME }, { "DSN", EXT_DSN },
		{ "SMTPUTF8", EXT_SMTPUTF8 }, { "XFORWARD", EXT_XFORWARD },
		{ "ENHANCEDSTATUSCODES", EXT_ENHANCED }, { "AUTH", EXT_AUTH },
	};
	guint i, k;

	/* the first line is the server's name */
	for (i = 1; i < lines->len; i++) {
		char **w = g_strsplit(lines->pdata[i], " ", -1);

		for (k = 0; w[0] != NULL && k < G_N_ELEMENTS(known); k++)
			if (g_ascii_strcasecmp(w[0], known[k].name) == 0)
				c->ext |= known[k].bit;
		if (w[0] != NULL && g_ascii_strcasecmp(w[0], "XFORWARD") == 0)
			for (k = 1; w[k] != NULL; k++)
				if (w[k][0] != '\0')
					g_ptr_array_add(c->xforward,
					    g_ascii_strup(w[k], -1));
		g_strfreev(w);
	}
}

/* open_next - a connection, greeted, its extensions known; FALSE when
 * it cannot be had (res filled) */
static gboolean
open_next(MpGateClient *c, MpGateSent *res)
{
	const char *hello = c->next->lmtp ? "LHLO" : "EHLO";
	const char *helo = c->next->helo != NULL ? c->next->helo :
	    g_get_host_name();
	MpSmtpReply r = { 0 };
	GPtrArray *lines;
	IoStatus st;
	char *why = NULL, *cmd;

	hang_up(c);
	if ((c->fd = connect_to(c, &why)) < 0) {
		fail(c, res, "4.4.1", "cannot connect: %s", why);
		g_free(why);
		return FALSE;
	}
	if ((st = read_reply(c, &r, NULL)) != IO_OK) {
		io_fail(c, res, st, (Stage){ "the greeting", FALSE });
		goto bad;
	}
	if (r.code != 220) {
		refused(c, res, &r, "refused the connection");
		goto bad;
	}
	cmd = g_strdup_printf("%s %s\r\n", hello, helo);
	st = put(c, cmd, strlen(cmd));
	g_free(cmd);
	if (st != IO_OK) {
		io_fail(c, res, st, (Stage){ hello, TRUE });
		goto bad;
	}
	lines = g_ptr_array_new_with_free_func(g_free);
	if ((st = read_reply(c, &r, lines)) != IO_OK)
		io_fail(c, res, st, (Stage){ hello, FALSE });
	else if (r.code != 250)
		refused(c, res, &r, c->next->lmtp ? "refused LHLO" :
		    "refused EHLO");
	else
		extensions(c, lines);
	g_ptr_array_free(lines, TRUE);
	if (st != IO_OK || r.code != 250)
		goto bad;
	mp_smtp_reply_clear(&r);
	return TRUE;
bad:
	mp_smtp_reply_clear(&r);
	return FALSE;
}

/* reset - RSET after a transaction that did not end in DATA; a
 * connection that does not take it is closed */
static void
reset(MpGateClient *c)
{
	MpSmtpReply r = { 0 };

	if (c->fd < 0)
		return;
	if (put(c, "RSET\r\n", 6) != IO_OK || read_reply(c, &r, NULL) !=
	    IO_OK || r.code != 250)
		hang_up(c);
	mp_smtp_reply_clear(&r);
}

/* named - whether the next hop's XFORWARD takes the attribute */
static gboolean
named(const MpGateClient *c, const char *name)
{
	guint i;

	for (i = 0; i < c->xforward->len; i++)
		if (g_ascii_strcasecmp(c->xforward->pdata[i], name) == 0)
			return TRUE;
	return FALSE;
}

/* xforward_lines - the XFORWARD commands of o the next hop takes */
static void
xforward_lines(const MpGateClient *c, const MpGateOutgoing *o,
    GPtrArray *cmds)
{
	GString *line = NULL;
	guint i, n = 0;

	if (!(c->ext & EXT_XFORWARD) || o->xforward == NULL)
		return;
	for (i = 0; i < o->xforward->len; i++) {
		const MpSmtpParam *p = o->xforward->pdata[i];
		char *v, *attr;

		if (p->value == NULL || !named(c, p->name))
			continue;
		v = mp_xtext_encode(p->value);
		attr = g_strdup_printf(" %s=%s", p->name, v);
		g_free(v);
		/* one that never fits a line is left out */
		if (strlen("XFORWARD") + strlen(attr) + 2 > XFORWARD_LINE_MAX) {
			g_free(attr);
			continue;
		}
		if (line != NULL && (n == XFORWARD_ATTRS_LINE || line->len +
		    strlen(attr) + 2 > XFORWARD_LINE_MAX)) {
			g_string_append(line, "\r\n");
			g_ptr_array_add(cmds, g_string_free(line, FALSE));
			line = NULL;
		}
		if (line == NULL) {
			line = g_string_new("XFORWARD");
			n = 0;
		}
		g_string_append(line, attr);
		n++;
		g_free(attr);
	}
	if (line != NULL) {
		g_string_append(line, "\r\n");
		g_ptr_array_add(cmds, g_string_free(line, FALSE));
	}
}

/* message_size - the octets of the message as DATA sends it, without
 * the dots of dot-stuffing and the end line (RFC 1870 4) */
static gsize
message_size(const char *text, gsize len)
{
	gsize n = len;
	const char *p, *end = text + len;

	for (p = text; (p = memchr(p, '\n', (gsize)(end - p))) != NULL; p++)
		n++;
	if (len > 0 && text[len - 1] != '\n')
		n += 2;
	return n;
}

/* param_out - " NAME" or " NAME=VALUE" */
static void
param_out(GString *s, const MpSmtpParam *p)
{
	g_string_append_printf(s, " %s%s%s", p->name, p->value != NULL ?
	    "=" : "", p->value != NULL ? p->value : "");
}

/* mail_line - MAIL FROM with the parameters the next hop offers; SIZE
 * that of this message */
static char *
mail_line(const MpGateClient *c, const MpGateOutgoing *o)
{
	GString *s = g_string_new(NULL);
	guint i;

	g_string_printf(s, "MAIL FROM:<%s>", o->sender);
	for (i = 0; o->mail_params != NULL && i < o->mail_params->len; i++) {
		const MpSmtpParam *p = o->mail_params->pdata[i];
		const char *n = p->name;

		if (strcmp(n, "SIZE") == 0) {
			if (c->ext & EXT_SIZE)
				g_string_append_printf(s, " SIZE=%"
				    G_GSIZE_FORMAT, message_size(o->text,
				    o->len));
		} else if ((strcmp(n, "BODY") == 0 && (c->ext & EXT_8BITMIME))
		    || (strcmp(n, "SMTPUTF8") == 0 && (c->ext & EXT_SMTPUTF8))
		    || ((strcmp(n, "RET") == 0 || strcmp(n, "ENVID") == 0) &&
		    (c->ext & EXT_DSN))
		    || (strcmp(n, "AUTH") == 0 && (c->ext & EXT_AUTH))) {
			param_out(s, p);
		}
	}
	g_string_append(s, "\r\n");
	return g_string_free(s, FALSE);
}

/* rcpt_line - RCPT TO with NOTIFY and ORCPT when DSN is offered */
static char *
rcpt_line(const MpGateClient *c, const MpSmtpRcpt *r)
{
	GString *s = g_string_new(NULL);
	guint i;

	g_string_printf(s, "RCPT TO:<%s>", r->address);
	for (i = 0; r->params != NULL && i < r->params->len; i++) {
		const MpSmtpParam *p = r->params->pdata[i];

		if ((strcmp(p->name, "NOTIFY") == 0 ||
		    strcmp(p->name, "ORCPT") == 0) && (c->ext & EXT_DSN))
			param_out(s, p);
	}
	g_string_append(s, "\r\n");
	return g_string_free(s, FALSE);
}

/* has_param - whether one of params is named one of names */
static gboolean
has_param(const GPtrArray *params, const char *const *names)
{
	guint i, k;

	for (i = 0; params != NULL && i < params->len; i++) {
		const MpSmtpParam *p = params->pdata[i];

		for (k = 0; names[k] != NULL; k++)
			if (strcmp(p->name, names[k]) == 0)
				return TRUE;
	}
	return FALSE;
}

/* wants_dsn - whether o asks for anything of DSN (RFC 3461) */
static gboolean
wants_dsn(const MpGateOutgoing *o)
{
	static const char *const mail[] = { "RET", "ENVID", NULL };
	static const char *const rcpt[] = { "NOTIFY", "ORCPT", NULL };
	guint i;

	if (has_param(o->mail_params, mail))
		return TRUE;
	for (i = 0; i < o->nrcpts; i++)
		if (has_param(o->rcpts[i]->params, rcpt))
			return TRUE;
	return FALSE;
}

typedef enum {
	TX_DONE,
	TX_AGAIN,	/* a kept connection was closed under us: once more */
} TxOutcome;

/* the message - its replies; for LMTP one for each recipient accepted */
static void
message(MpGateClient *c, const MpGateOutgoing *o, MpGateSent *res,
    const gboolean *ok)
{
	GString *d = mp_smtp_data_stuff(o->text, o->len);
	MpSmtpReply r = { 0 };
	IoStatus st;
	guint i;

	st = put(c, d->str, d->len);
	g_string_free(d, TRUE);
	if (st != IO_OK) {
		io_fail(c, res, st, (Stage){ "the message", TRUE });
		return;
	}
	for (i = 0; i < o->nrcpts; i++) {
		if (!ok[i])
			continue;
		if (c->next->lmtp || r.code == 0) {
			if ((st = read_reply(c, &r, NULL)) != IO_OK) {
				io_fail(c, res, st, (Stage){ "the message",
				    FALSE });
				break;
			}
			if (r.code == 421) {
				closing(c, res, &r, "the message");
				break;
			}
			reply_copy(&res->last, &r);
		}
		reply_copy(&res->rcpt[i], &r);
	}
	mp_smtp_reply_clear(&r);
}

/*
 * transaction - XFORWARD, MAIL, RCPT, DATA on an open connection: in
 * one write with PIPELINING, the replies read in order, else command
 * by command.  may_again: the connection was kept from before, so a
 * close before MAIL's reply means only that the server ended it idle.
 */
static TxOutcome
transaction(MpGateClient *c, const MpGateOutgoing *o, MpGateSent *res,
    gboolean may_again)
{
	gboolean pipe = (c->ext & EXT_PIPELINING) != 0;
	GPtrArray *cmds = g_ptr_array_new_with_free_func(g_free);
	gboolean *ok = g_new0(gboolean, o->nrcpts);
	MpSmtpReply r = { 0 }, stop = { 0 };
	TxOutcome out = TX_DONE;
	guint nx, i, accepted = 0;
	IoStatus st;

	xforward_lines(c, o, cmds);
	nx = cmds->len;
	g_ptr_array_add(cmds, mail_line(c, o));
	for (i = 0; i < o->nrcpts; i++)
		g_ptr_array_add(cmds, rcpt_line(c, o->rcpts[i]));
	g_ptr_array_add(cmds, g_strdup("DATA\r\n"));
	if (pipe) {
		GString *all = g_string_new(NULL);

		for (i = 0; i < cmds->len; i++)
			g_string_append(all, cmds->pdata[i]);
		st = put(c, all->str, all->len);
		g_string_free(all, TRUE);
		if (st == IO_LOST && may_again) {
			out = TX_AGAIN;
			goto done;
		}
		if (st != IO_OK) {
			io_fail(c, res, st, (Stage){ nx > 0 ? "XFORWARD" :
			    "MAIL", TRUE });
			goto done;
		}
	}
	for (i = 0; i < cmds->len; i++) {
		const char *verb = i < nx ? "XFORWARD" : i == nx ? "MAIL" :
		    i < cmds->len - 1 ? "RCPT" : "DATA";
		gboolean early = may_again && i <= nx;

		/* without PIPELINING, nothing more after a refusal */
		if (!pipe && i == cmds->len - 1 && accepted == 0)
			break;
		if (!pipe && stop.code != 0)
			break;
		if (!pipe && (st = put(c, cmds->pdata[i],
		    strlen(cmds->pdata[i]))) != IO_OK) {
			if (st == IO_LOST && early)
				out = TX_AGAIN;
			else
				io_fail(c, res, st, (Stage){ verb, TRUE });
			goto done;
		}
		if ((st = read_reply(c, &r, NULL)) != IO_OK) {
			if (st == IO_LOST && early)
				out = TX_AGAIN;
			else
				io_fail(c, res, st, (Stage){ verb, FALSE });
			goto done;
		}
		if (r.code == 421) {
			if (early)
				out = TX_AGAIN;
			else
				closing(c, res, &r, verb);
			goto done;
		}
		reply_copy(&res->last, &r);
		if (i < nx) {
			/* the next hop named the attributes it takes: a
			 * refusal is for its administrator to fix */
			if (r.code / 100 != 2 && stop.code == 0)
				mp_smtp_reply_set(&stop, 451, "4.3.0",
				    "next hop %s refused XFORWARD: %d %s",
				    c->name, r.code, r.text);
		} else if (i == nx) {
			if (r.code / 100 != 2 && stop.code == 0)
				reply_copy(&stop, &r);
		} else if (i < cmds->len - 1) {
			if (stop.code != 0)
				continue;
			if (r.code / 100 == 2) {
				ok[i - nx - 1] = TRUE;
				accepted++;
			} else {
				reply_copy(&res->rcpt[i - nx - 1], &r);
			}
		}
	}
	if (stop.code != 0) {
		/* XFORWARD or MAIL refused: the reply of every recipient */
		for (i = 0; i < o->nrcpts; i++)
			reply_copy(&res->rcpt[i], &stop);
		reply_copy(&res->last, &stop);
	}
	if (r.code != 354 || stop.code != 0 || accepted == 0) {
		if (r.code == 354) {
			/* a message nobody is to get: only closing the
			 * connection takes DATA back */
			if (stop.code == 0)
				mp_smtp_reply_set(&res->last, 451, "4.4.0",
				    "next hop %s: DATA taken without a "
				    "recipient", c->name);
			hang_up(c);
			goto done;
		}
		if (i == cmds->len && stop.code == 0)
			for (i = 0; i < o->nrcpts; i++)
				if (ok[i])
					reply_copy(&res->rcpt[i], &r);
		reset(c);
		goto done;
	}
	message(c, o, res, ok);
done:
	mp_smtp_reply_clear(&r);
	mp_smtp_reply_clear(&stop);
	g_free(ok);
	g_ptr_array_free(cmds, TRUE);
	return out;
}

/* mp_gate_client_send - one transaction to the next hop */
void
mp_gate_client_send(MpGateClient *c, const MpGateOutgoing *o,
    MpGateSent *res)
{
	static const char *const utf8[] = { "SMTPUTF8", NULL };
	gboolean again = FALSE;
	guint i;

	memset(res, 0, sizeof *res);
	res->nrcpts = o->nrcpts;
	res->rcpt = g_new0(MpSmtpReply, o->nrcpts);
	if (o->nrcpts == 0) {
		mp_smtp_reply_set(&res->last, 554, "5.5.1", "no recipients");
		return;
	}
	for (;;) {
		gboolean kept = c->fd >= 0;

		if (!kept && !open_next(c, res))
			return;
		if (has_param(o->mail_params, utf8) &&
		    !(c->ext & EXT_SMTPUTF8)) {
			for (i = 0; i < o->nrcpts; i++)
				mp_smtp_reply_set(&res->rcpt[i], 550, "5.6.7",
				    "next hop %s does not offer SMTPUTF8",
				    c->name);
			reply_copy(&res->last, &res->rcpt[0]);
			return;
		}
		if (wants_dsn(o) && !(c->ext & EXT_DSN)) {
			for (i = 0; i < o->nrcpts; i++)
				mp_smtp_reply_set(&res->rcpt[i], 451, "4.3.0",
				    "next hop %s does not offer DSN", c->name);
			reply_copy(&res->last, &res->rcpt[0]);
			return;
		}
		if (transaction(c, o, res, kept && !again) == TX_DONE)
			return;
		/* nothing of it was taken: the same on a new connection */
		again = TRUE;
		hang_up(c);
		for (i = 0; i < o->nrcpts; i++)
			mp_smtp_reply_clear(&res->rcpt[i]);
		mp_smtp_reply_clear(&res->last);
	}
}

/* mp_gate_client_free - QUIT, without waiting long for its reply */
void
mp_gate_client_free(MpGateClient *c)
{
	MpSmtpReply r = { 0 };

	if (c == NULL)
		return;
	if (c->fd >= 0) {
		c->timeout = QUIT_TIMEOUT;
		if (put(c, "QUIT\r\n", 6) == IO_OK)
			(void)read_reply(c, &r, NULL);
		mp_smtp_reply_clear(&r);
	}
	hang_up(c);
	g_string_free(c->in, TRUE);
	g_ptr_array_free(c->xforward, TRUE);
	g_free(c->bad);
	g_free(c->name);
	g_free(c);
}
