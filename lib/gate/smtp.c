/* smtp.c - SMTP command lines read strictly, DATA's message, xtext */
#include <stdarg.h>
#include <string.h>

#include "gate/smtp.h"

static const char *const verb_names[] = {
	[MP_SMTP_HELO] = "HELO",
	[MP_SMTP_EHLO] = "EHLO",
	[MP_SMTP_LHLO] = "LHLO",
	[MP_SMTP_MAIL] = "MAIL",
	[MP_SMTP_RCPT] = "RCPT",
	[MP_SMTP_DATA] = "DATA",
	[MP_SMTP_RSET] = "RSET",
	[MP_SMTP_NOOP] = "NOOP",
	[MP_SMTP_QUIT] = "QUIT",
	[MP_SMTP_VRFY] = "VRFY",
	[MP_SMTP_XFORWARD] = "XFORWARD",
	[MP_SMTP_XCLIENT] = "XCLIENT",
};

/* the attributes Postfix sends (XFORWARD_README, XCLIENT_README) */
static const char *const xforward_attrs[] = { "NAME", "ADDR", "PORT",
    "PROTO", "HELO", "IDENT", "SOURCE", "LOGIN", "DESTADDR", "DESTPORT",
    NULL };
static const char *const xclient_attrs[] = { "NAME", "ADDR", "PORT",
    "PROTO", "HELO", "LOGIN", "DESTADDR", "DESTPORT", NULL };

const char *
mp_smtp_verb_name(MpSmtpVerb v)
{
	return verb_names[v];
}

/* refuse - fill why; FALSE, for the caller to return */
static gboolean
refuse(MpSmtpRefusal *why, int code, const char *status, const char *text)
{
	why->code = code;
	why->status = status;
	why->text = text;
	return FALSE;
}

/* mp_smtp_param_free - an MpSmtpParam and its strings */
void
mp_smtp_param_free(gpointer p)
{
	MpSmtpParam *x = p;

	g_free(x->name);
	g_free(x->value);
	g_free(x);
}

void
mp_smtp_command_clear(MpSmtpCommand *cmd)
{
	g_free(cmd->domain);
	g_free(cmd->path);
	if (cmd->params != NULL)
		g_ptr_array_free(cmd->params, TRUE);
	memset(cmd, 0, sizeof *cmd);
}

/* mp_smtp_param - a parameter's value, and whether it was given */
const char *
mp_smtp_param(const MpSmtpCommand *cmd, const char *name, gboolean *given)
{
	guint i;

	for (i = 0; cmd->params != NULL && i < cmd->params->len; i++) {
		const MpSmtpParam *p = cmd->params->pdata[i];

		if (strcmp(p->name, name) == 0) {
			if (given != NULL)
				*given = TRUE;
			return p->value;
		}
	}
	if (given != NULL)
		*given = FALSE;
	return NULL;
}

/* hexval - a hex digit's value, upper case only (xtext), or -1 */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* mp_xtext_decode - RFC 3461 xtext to text */
char *
mp_xtext_decode(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = s; *p != '\0'; p++) {
		int hi, lo;

		if (*p == '+') {
			if ((hi = hexval(p[1])) < 0 || (lo = hexval(p[2])) < 0)
				break;
			g_string_append_c(out, (char)(hi << 4 | lo));
			p += 2;
		} else if (*p >= '!' && *p <= '~' && *p != '=') {
			g_string_append_c(out, *p);
		} else {
			break;
		}
	}
	if (*p != '\0') {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* utf8_addr_xtext - RFC 6533's utf-8-addr-xtext: printable ASCII but
 * "+", "=" and "\\", and "\\x{HEX}" for any other character (1 to 6
 * hex digits, a Unicode scalar value); NULL when it is not one */
static char *
utf8_addr_xtext(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] == 'x' && p[2] == '{') {
			const char *h = p + 3;
			gunichar c = 0;
			int n = 0;

			while (g_ascii_isxdigit(h[n]) && n < 7)
				c = c << 4 | (gunichar)g_ascii_xdigit_value(h[n++]);
			if (n == 0 || n > 6 || h[n] != '}' ||
			    !g_unichar_validate(c) || c == 0)
				break;
			g_string_append_unichar(out, c);
			p = h + n;
		} else if (*p >= '!' && *p <= '~' && *p != '+' && *p != '=' &&
		    *p != '\\') {
			g_string_append_c(out, *p);
		} else {
			break;
		}
	}
	if (*p != '\0' || out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* mp_orcpt_address - the address an ORCPT value names */
char *
mp_orcpt_address(const char *value)
{
	const char *semi = strchr(value, ';');

	if (semi == NULL)
		return NULL;
	if ((gsize)(semi - value) == 6 &&
	    g_ascii_strncasecmp(value, "rfc822", 6) == 0)
		return mp_xtext_decode(semi + 1);
	if ((gsize)(semi - value) == 5 &&
	    g_ascii_strncasecmp(value, "utf-8", 5) == 0)
		return utf8_addr_xtext(semi + 1);
	return NULL;
}

/* mp_xtext_encode - text as xtext */
char *
mp_xtext_encode(const char *s)
{
	GString *out = g_string_new(NULL);
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p >= '!' && *p <= '~' && *p != '+' && *p != '=')
			g_string_append_c(out, (char)*p);
		else
			g_string_append_printf(out, "+%02X", *p);
	return g_string_free(out, FALSE);
}

/* is_atext - a character of a dot-atom (RFC 5322 3.2.3) */
static gboolean
is_atext(unsigned char c)
{
	return g_ascii_isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL
	    || c >= 0x80;
}

/* dot_string - a dot-atom from s to end: atoms of atext joined by
 * single dots; bytes of 0x80 and over are UTF-8's (checked whole
 * elsewhere) */
static gboolean
dot_string(const char *s, const char *end)
{
	gboolean atom = FALSE;

	for (; s < end; s++) {
		if (*s == '.') {
			if (!atom)
				return FALSE;
			atom = FALSE;
		} else if (is_atext((unsigned char)*s)) {
			atom = TRUE;
		} else {
			return FALSE;
		}
	}
	return atom;
}

/* domain_ok - a domain name of labels, or an address literal */
static gboolean
domain_ok(const char *s, const char *end)
{
	const char *p;

	if (s >= end || end - s > MP_SMTP_DOMAIN_MAX)
		return FALSE;
	if (*s == '[') {
		/* [192.0.2.1], [IPv6:2001:db8::1]: checked for its
		 * characters; what the address is matters to nobody here */
		if (end[-1] != ']' || end - s < 3)
			return FALSE;
		for (p = s + 1; p < end - 1; p++)
			if (!g_ascii_isalnum(*p) && *p != '.' && *p != ':' &&
			    *p != '-')
				return FALSE;
		return TRUE;
	}
	for (p = s; p < end; p++) {
		const char *label = p;

		while (p < end && *p != '.')
			p++;
		if (p == label || p - label > 63 || label[0] == '-' ||
		    p[-1] == '-')
			return FALSE;
		for (; label < p; label++)
			if (!g_ascii_isalnum(*label) && *label != '-' &&
			    (unsigned char)*label < 0x80)
				return FALSE;
	}
	return end[-1] != '.';
}

/* mailbox_ok - local-part "@" domain, the local part a dot-string or a
 * quoted string; "postmaster" alone when bare is allowed (RCPT) */
static gboolean
mailbox_ok(const char *s, const char *end, gboolean bare)
{
	const char *at;

	if (s < end && *s == '"') {
		const char *p;

		for (p = s + 1; p < end && *p != '"'; p++) {
			if (*p == '\\') {
				if (++p >= end || *p < ' ' || *p > '~')
					return FALSE;
			} else if ((unsigned char)*p < ' ' || *p == 0x7f) {
				return FALSE;
			}
		}
		if (p >= end || p + 1 >= end || p[1] != '@')
			return FALSE;
		at = p + 1;
	} else {
		at = memchr(s, '@', (gsize)(end - s));
		if (at == NULL)
			return bare && end - s == 10 &&
			    g_ascii_strncasecmp(s, "postmaster", 10) == 0;
		/* the last "@": a dot-string has none, so that is the
		 * only one */
		if (!dot_string(s, at))
			return FALSE;
	}
	return domain_ok(at + 1, end);
}

/*
 * path - "<...>" at *p: the mailbox without the brackets and without a
 * source route ("@a,@b:", RFC 5321 4.1.2: taken and ignored), "" for
 * "<>" when empty is allowed; *p moved past it
 */
static gboolean
path(const char **p, const char *end, gboolean empty, gboolean bare,
    char **out, MpSmtpRefusal *why, const char *status)
{
	const char *s = *p, *close, *box;

	if (s >= end || *s != '<')
		return refuse(why, 501, "5.5.4", "the address must be in "
		    "angle brackets");
	/* the first ">" outside a quoted string */
	for (close = s + 1; close < end && *close != '>'; close++)
		if (*close == '"') {
			for (close++; close < end && *close != '"'; close++)
				if (*close == '\\' && close + 1 < end)
					close++;
			if (close >= end)
				break;
		}
	if (close >= end)
		return refuse(why, 501, "5.5.4", "no closing angle bracket");
	if (close - s + 1 > MP_SMTP_PATH_MAX)
		return refuse(why, 501, status, "the address is too long");
	box = s + 1;
	if (box < close && *box == '@') {
		const char *colon = memchr(box, ':', (gsize)(close - box));

		if (colon == NULL)
			return refuse(why, 501, status, "bad source route");
		box = colon + 1;
	}
	if (box == close) {
		if (!empty)
			return refuse(why, 501, status, "an empty address");
		*out = g_strdup("");
	} else {
		if (!g_utf8_validate(box, close - box, NULL) ||
		    !mailbox_ok(box, close, bare))
			return refuse(why, 501, status, "bad address syntax");
		*out = g_strndup(box, (gsize)(close - box));
	}
	*p = close + 1;
	return TRUE;
}

/* all_digits - a decimal number of at most 20 digits */
static gboolean
all_digits(const char *v)
{
	gsize n = 0;

	for (; v != NULL && *v != '\0'; v++, n++)
		if (!g_ascii_isdigit(*v))
			return FALSE;
	return v != NULL && n > 0 && n <= 20;
}

/* notify_ok - NEVER, or SUCCESS, FAILURE and DELAY joined by commas,
 * each once (RFC 3461 4.1) */
static gboolean
notify_ok(const char *v)
{
	char **words = g_strsplit(v, ",", -1), **w;
	guint seen = 0, bit;
	gboolean ok = words[0] != NULL;

	for (w = words; ok && *w != NULL; w++) {
		if (g_ascii_strcasecmp(*w, "NEVER") == 0)
			ok = words[1] == NULL;
		else if ((bit = g_ascii_strcasecmp(*w, "SUCCESS") == 0 ? 1 :
		    g_ascii_strcasecmp(*w, "FAILURE") == 0 ? 2 :
		    g_ascii_strcasecmp(*w, "DELAY") == 0 ? 4 : 0) == 0 ||
		    (seen & bit) != 0)
			ok = FALSE;
		else
			seen |= bit;
	}
	g_strfreev(words);
	return ok;
}

/* xtext_ok - xtext of at most max characters (decoded) */
static gboolean
xtext_ok(const char *v, gsize max)
{
	char *d = v != NULL ? mp_xtext_decode(v) : NULL;
	gboolean ok = d != NULL && *d != '\0' && strlen(d) <= max;

	g_free(d);
	return ok;
}

/* orcpt_ok - addr-type ";" xtext (RFC 3461 4.2) */
static gboolean
orcpt_ok(const char *v)
{
	const char *semi = v != NULL ? strchr(v, ';') : NULL;
	const char *p;

	if (semi == NULL || semi == v)
		return FALSE;
	for (p = v; p < semi; p++)
		if (!g_ascii_isalnum(*p) && *p != '-')
			return FALSE;
	return xtext_ok(semi + 1, MP_SMTP_ORCPT_MAX);
}

/* param_ok - a known parameter of MAIL or RCPT with a good value */
static gboolean
param_ok(MpSmtpVerb verb, const MpSmtpParam *p, MpSmtpRefusal *why)
{
	const char *n = p->name, *v = p->value;

	if (verb == MP_SMTP_MAIL) {
		if (strcmp(n, "SIZE") == 0)
			return all_digits(v) ? TRUE : refuse(why, 501, "5.5.4",
			    "bad SIZE");
		if (strcmp(n, "BODY") == 0)
			return v != NULL && (g_ascii_strcasecmp(v, "7BIT") == 0
			    || g_ascii_strcasecmp(v, "8BITMIME") == 0) ? TRUE :
			    refuse(why, 501, "5.5.4", "bad BODY");
		if (strcmp(n, "SMTPUTF8") == 0)
			return v == NULL ? TRUE : refuse(why, 501, "5.5.4",
			    "SMTPUTF8 takes no value");
		if (strcmp(n, "RET") == 0)
			return v != NULL && (g_ascii_strcasecmp(v, "FULL") == 0
			    || g_ascii_strcasecmp(v, "HDRS") == 0) ? TRUE :
			    refuse(why, 501, "5.5.4", "bad RET");
		if (strcmp(n, "ENVID") == 0)
			return xtext_ok(v, MP_SMTP_ENVID_MAX) ? TRUE :
			    refuse(why, 501, "5.5.4", "bad ENVID");
		if (strcmp(n, "AUTH") == 0)
			return v != NULL && (strcmp(v, "<>") == 0 ||
			    xtext_ok(v, MP_SMTP_PATH_MAX)) ? TRUE :
			    refuse(why, 501, "5.5.4", "bad AUTH");
	} else {
		if (strcmp(n, "NOTIFY") == 0)
			return v != NULL && notify_ok(v) ? TRUE : refuse(why,
			    501, "5.5.4", "bad NOTIFY");
		if (strcmp(n, "ORCPT") == 0)
			return orcpt_ok(v) ? TRUE : refuse(why, 501, "5.5.4",
			    "bad ORCPT");
	}
	return refuse(why, 555, "5.5.4", "unsupported parameter");
}

/* keyword_ok - an esmtp-keyword: a letter or digit, then letters,
 * digits and hyphens */
static gboolean
keyword_ok(const char *s, gsize n)
{
	gsize i;

	if (n == 0 || !g_ascii_isalnum(s[0]))
		return FALSE;
	for (i = 1; i < n; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '-')
			return FALSE;
	return TRUE;
}

/*
 * params - " KEY[=VALUE]" ... to the end of the line, each once and
 * known to verb (attrs: the attribute names of XFORWARD or XCLIENT,
 * whose values are xtext and required)
 */
static gboolean
params(MpSmtpCommand *cmd, const char *p, const char *end,
    const char *const *attrs, MpSmtpRefusal *why)
{
	cmd->params = g_ptr_array_new_with_free_func(mp_smtp_param_free);
	while (p < end) {
		const char *word, *eq;
		MpSmtpParam *x;
		guint i;

		if (*p != ' ' || ++p >= end || *p == ' ')
			return refuse(why, 501, "5.5.4", "one space between "
			    "parameters");
		word = p;
		while (p < end && *p != ' ')
			p++;
		if (cmd->params->len == MP_SMTP_PARAMS_MAX)
			return refuse(why, 501, "5.5.4", "too many "
			    "parameters");
		eq = memchr(word, '=', (gsize)(p - word));
		if (!keyword_ok(word, (gsize)((eq != NULL ? eq : p) - word)))
			return refuse(why, 501, "5.5.4", "bad parameter name");
		x = g_new0(MpSmtpParam, 1);
		g_ptr_array_add(cmd->params, x);
		x->name = g_ascii_strup(word, (eq != NULL ? eq : p) - word);
		if (eq != NULL) {
			x->value = g_strndup(eq + 1, (gsize)(p - eq - 1));
			for (i = 0; x->value[i] != '\0'; i++)
				if (x->value[i] == '=' ||
				    (unsigned char)x->value[i] < '!' ||
				    (unsigned char)x->value[i] > '~')
					return refuse(why, 501, "5.5.4",
					    "bad parameter value");
		}
		for (i = 0; i + 1 < cmd->params->len; i++)
			if (strcmp(((MpSmtpParam *)cmd->params->pdata[i])->name,
			    x->name) == 0)
				return refuse(why, 501, "5.5.4", "a parameter "
				    "given twice");
		if (attrs != NULL) {
			const char *const *a;
			char *d;

			for (a = attrs; *a != NULL && strcmp(*a, x->name) != 0;
			    a++)
				;
			if (*a == NULL)
				return refuse(why, 501, "5.5.4", "unknown "
				    "attribute");
			if (x->value == NULL || (d = mp_xtext_decode(
			    x->value)) == NULL)
				return refuse(why, 501, "5.5.4", "bad attribute "
				    "value");
			g_free(x->value);
			x->value = d;
		} else if (!param_ok(cmd->verb, x, why)) {
			return FALSE;
		}
	}
	return TRUE;
}

/* verb_of - the verb that line starts with (its length into *n), or
 * -1 */
static int
verb_of(const char *line, const char *end, gsize *n)
{
	int v;

	for (v = 0; v < MP_SMTP_NVERBS; v++) {
		gsize k = strlen(verb_names[v]);

		if ((gsize)(end - line) >= k &&
		    g_ascii_strncasecmp(line, verb_names[v], k) == 0 &&
		    (line + k == end || line[k] == ' ')) {
			*n = k;
			return v;
		}
	}
	return -1;
}

/* parse - mp_smtp_parse's work; cmd may be half filled when FALSE */
static gboolean
parse(const char *line, gsize len, MpSmtpCommand *cmd, MpSmtpRefusal *why)
{
	const char *end = line + len, *p;
	gsize i, n;
	int v;
	gboolean ok;

	memset(cmd, 0, sizeof *cmd);
	if (len + 2 > MP_SMTP_LINE_MAX)
		return refuse(why, 500, "5.5.0", "line too long");
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == 0x7f)
			return refuse(why, 500, "5.5.2", "a control character "
			    "in the command");
	if ((v = verb_of(line, end, &n)) < 0)
		return refuse(why, 500, "5.5.2", "command not recognized");
	cmd->verb = (MpSmtpVerb)v;
	p = line + n;
	switch (cmd->verb) {
	case MP_SMTP_HELO:
	case MP_SMTP_EHLO:
	case MP_SMTP_LHLO:
		if (p >= end || p + 1 >= end || !domain_ok(p + 1, end))
			return refuse(why, 501, "5.5.4", "a domain name "
			    "must follow");
		cmd->domain = g_strndup(p + 1, (gsize)(end - p - 1));
		return TRUE;
	case MP_SMTP_MAIL:
	case MP_SMTP_RCPT: {
		const char *kw = cmd->verb == MP_SMTP_MAIL ? " FROM:" : " TO:";
		gsize k = strlen(kw);

		if ((gsize)(end - p) < k || g_ascii_strncasecmp(p, kw, k) != 0)
			return refuse(why, 501, "5.5.4", cmd->verb ==
			    MP_SMTP_MAIL ? "MAIL FROM:<address>" :
			    "RCPT TO:<address>");
		p += k;
		ok = path(&p, end, cmd->verb == MP_SMTP_MAIL,
		    cmd->verb == MP_SMTP_RCPT, &cmd->path, why,
		    cmd->verb == MP_SMTP_MAIL ? "5.1.7" : "5.1.3");
		return ok && params(cmd, p, end, NULL, why);
	}
	case MP_SMTP_XFORWARD:
	case MP_SMTP_XCLIENT:
		if (p >= end)
			return refuse(why, 501, "5.5.4", "attributes must "
			    "follow");
		return params(cmd, p, end, cmd->verb == MP_SMTP_XFORWARD ?
		    xforward_attrs : xclient_attrs, why);
	case MP_SMTP_VRFY:
		if (p >= end || p + 1 >= end)
			return refuse(why, 501, "5.5.4", "an argument must "
			    "follow");
		return TRUE;
	case MP_SMTP_NOOP:
		return TRUE;
	case MP_SMTP_DATA:
	case MP_SMTP_RSET:
	case MP_SMTP_QUIT:
	default:
		return p == end ? TRUE : refuse(why, 501, "5.5.4", "no "
		    "argument is allowed");
	}
}

/* mp_smtp_parse - one command line, strictly; nothing of a refused
 * line is kept */
gboolean
mp_smtp_parse(const char *line, gsize len, MpSmtpCommand *cmd,
    MpSmtpRefusal *why)
{
	if (parse(line, len, cmd, why))
		return TRUE;
	mp_smtp_command_clear(cmd);
	return FALSE;
}

/* mp_smtp_data_init - an empty message of at most max bytes */
void
mp_smtp_data_init(MpSmtpData *d, gsize max)
{
	memset(d, 0, sizeof *d);
	d->text = g_string_new(NULL);
	d->max = max;
}

void
mp_smtp_data_clear(MpSmtpData *d)
{
	if (d->text != NULL)
		g_string_free(d->text, TRUE);
	memset(d, 0, sizeof *d);
}

/* mp_smtp_data_line - one more line of the message */
gboolean
mp_smtp_data_line(MpSmtpData *d, const char *line, gsize len)
{
	if (d->done)
		return TRUE;
	if (len == 1 && line[0] == '.')
		return d->done = TRUE;
	if (len > 0 && line[0] == '.') {
		line++;
		len--;
	}
	d->total += len + 1;
	if (d->total <= d->max) {
		g_string_append_len(d->text, line, (gssize)len);
		g_string_append_c(d->text, '\n');
	}
	return FALSE;
}

/* mp_smtp_data_too_big - whether the message went over its limit */
gboolean
mp_smtp_data_too_big(const MpSmtpData *d)
{
	return d->total > d->max;
}

/* mp_smtp_data_stuff - a message as DATA sends it */
GString *
mp_smtp_data_stuff(const char *text, gsize len)
{
	GString *out = g_string_sized_new(len + len / 32 + 8);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (gsize)(end - p));
		const char *stop = nl != NULL ? nl : end;

		if (*p == '.')
			g_string_append_c(out, '.');
		g_string_append_len(out, p, stop - p);
		g_string_append(out, "\r\n");
		p = nl != NULL ? nl + 1 : end;
	}
	g_string_append(out, ".\r\n");
	return out;
}

/* mp_smtp_reply_set - a reply; status NULL or "" for none; the text is
 * cut at MP_SMTP_REPLY_MAX and its control characters made spaces, so
 * that whatever it quotes stays one line */
void
mp_smtp_reply_set(MpSmtpReply *r, int code, const char *status,
    const char *fmt, ...)
{
	va_list ap;
	char *p;

	g_free(r->text);
	r->code = code;
	g_strlcpy(r->status, status != NULL ? status : "", sizeof r->status);
	va_start(ap, fmt);
	r->text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (strlen(r->text) > MP_SMTP_REPLY_MAX)
		r->text[MP_SMTP_REPLY_MAX] = '\0';
	for (p = r->text; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

/* mp_smtp_reply_clear - release a reply's text */
void
mp_smtp_reply_clear(MpSmtpReply *r)
{
	g_free(r->text);
	memset(r, 0, sizeof *r);
}

/* mp_smtp_reply_worst - the reply that answers for all of them over
 * SMTP: the first 4xx (a code that is no reply counts as one), else the
 * first 5xx, else the first 2xx; NULL when there is none */
const MpSmtpReply *
mp_smtp_reply_worst(const MpSmtpReply *r, guint n)
{
	static const int want[] = { 4, 5, 2 };
	guint i, k;
	int cls;

	for (k = 0; k < G_N_ELEMENTS(want); k++)
		for (i = 0; i < n; i++) {
			cls = r[i].code < 200 || r[i].code > 599 ? 4 :
			    r[i].code / 100;
			if (cls == want[k])
				return &r[i];
		}
	return NULL;
}
