/* http.c - the HTTP of a CGI program (RFC 3875): reason phrases, the
 * headers of every answer, names in the request, forms, languages */
#include <string.h>

#include "base/human.h"
#include "store/http.h"

/* mp_http_reason - the reason phrase of a status we answer with */
const char *
mp_http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 410:
		return "Gone";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

/* mp_html_escape - text safe between tags and in quoted attributes */
char *
mp_html_escape(const char *s)
{
	GString *out = g_string_sized_new(strlen(s) + 16);
	char *valid = g_utf8_make_valid(s, -1);

	mp_html_escape_append(out, valid, strlen(valid), FALSE);
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* is_attr_char - RFC 5987 attr-char: sent as it is in filename* */
static gboolean
is_attr_char(guchar c)
{
	return g_ascii_isalnum(c) || strchr("!#$&+-.^_`|~", c) != NULL;
}

/*
 * mp_content_disposition - the header value that carries a Japanese
 * file name: filename* (RFC 5987: UTF-8, percent-encoded) for every
 * current browser, and filename= with an ASCII stand-in for the rest.
 * The stand-in keeps the extension, so the file still opens.
 */
char *
mp_content_disposition(const char *utf8_name)
{
	char *name = g_utf8_make_valid(utf8_name, -1);
	GString *ascii = g_string_new(NULL), *enc = g_string_new(NULL);
	const char *p, *dot;
	gboolean alnum = FALSE;
	char *out;

	for (p = name; *p != '\0'; p++) {
		guchar c = (guchar)*p;

		if (is_attr_char(c))
			g_string_append_c(enc, (char)c);
		else
			g_string_append_printf(enc, "%%%02X", c);
		/* the stand-in: characters no browser or shell takes
		 * for anything but a name */
		if (g_ascii_isalnum(c) || (c != '\0' &&
		    strchr(" ._-()+,=~!#$&'@[]^{}", c) != NULL))
			g_string_append_c(ascii, (char)c);
		else if (c < 0x80 || (c & 0xc0) == 0xc0)
			/* one _ per character that does not fit */
			if (ascii->len == 0 || ascii->str[ascii->len - 1] != '_')
				g_string_append_c(ascii, '_');
	}
	dot = strrchr(ascii->str, '.');
	for (p = ascii->str; p < (dot != NULL ? dot : ascii->str + ascii->len);
	    p++)
		alnum |= g_ascii_isalnum(*p);
	if (!alnum) {
		/* nothing readable is left of the name: say what it is */
		char *ext = g_strdup(dot != NULL ? dot : "");

		g_string_assign(ascii, "download");
		g_string_append(ascii, ext);
		g_free(ext);
	}
	out = g_strdup_printf("attachment; filename=\"%s\"; "
	    "filename*=UTF-8''%s", ascii->str, enc->str);
	g_string_free(ascii, TRUE);
	g_string_free(enc, TRUE);
	g_free(name);
	return out;
}

/* qvalue - an RFC 9110 qvalue ("0.8", "1", "0.125") in thousandths;
 * -1 when it is not one */
static int
qvalue(const char *s)
{
	int q, scale = 100;
	const char *p;

	if (s[0] != '0' && s[0] != '1')
		return -1;
	q = (s[0] - '0') * 1000;
	if (s[1] == '\0')
		return q;
	if (s[1] != '.')
		return -1;
	for (p = s + 2; *p != '\0'; p++) {
		if (p - (s + 2) >= MP_HTTP_QVALUE_DECIMALS ||
		    !g_ascii_isdigit(*p))
			return -1;
		q += (*p - '0') * scale;
		scale /= 10;
	}
	return q <= 1000 ? q : -1;
}

/* language_range - "*" or 1*8ALPHA *("-" 1*8alphanum) (RFC 4647) */
static gboolean
language_range(const char *s)
{
	gsize n = 0;
	gboolean first = TRUE;

	if (strcmp(s, "*") == 0)
		return TRUE;
	for (;; s++) {
		if (*s == '-' || *s == '\0') {
			if (n == 0)
				return FALSE;
			if (*s == '\0')
				return TRUE;
			n = 0;
			first = FALSE;
		} else if (++n > MP_HTTP_SUBTAG_MAX || !(first ?
		    g_ascii_isalpha(*s) : g_ascii_isalnum(*s))) {
			return FALSE;
		}
	}
}

/* accept_item - one element of Accept-Language: its range and its q
 * in thousandths; FALSE for an empty or malformed element, which the
 * caller skips */
static gboolean
accept_item(char *item, const char **range, int *q)
{
	char **parts = g_strsplit(item, ";", 0);
	gboolean ok = parts[0] != NULL;
	guint k;

	*q = 1000;
	*range = NULL;
	if (ok) {
		g_strstrip(parts[0]);
		ok = language_range(parts[0]);
	}
	for (k = 1; ok && parts[k] != NULL; k++) {
		char *a = g_strstrip(parts[k]);

		/* weight = OWS ";" OWS "q=" qvalue: nothing else, but a
		 * stray ";" is harmless */
		ok = *a == '\0' || ((a[0] == 'q' || a[0] == 'Q') &&
		    a[1] == '=' && (*q = qvalue(a + 2)) >= 0);
	}
	if (ok) {
		/* the range, now stripped, is at the start of parts[0] */
		memmove(item, parts[0], strlen(parts[0]) + 1);
		*range = item;
	}
	g_strfreev(parts);
	return ok;
}

/* is_lang - whether a language range names lang ("ja", "ja-JP") */
static gboolean
is_lang(const char *range, const char *lang)
{
	gsize n = strlen(lang);

	return g_ascii_strncasecmp(range, lang, n) == 0 &&
	    (range[n] == '\0' || range[n] == '-');
}

/*
 * mp_prefers_japanese - what Accept-Language says of ja against en:
 * the one with the higher q wins, the first listed on a tie; def when
 * it names neither (nor "*").  The header is the client's: an empty
 * element (",ja", "ja,,en"), a malformed range or q is skipped, never
 * trusted.
 */
gboolean
mp_prefers_japanese(const char *accept_language, gboolean def)
{
	char **items;
	int qja = -1, qen = -1, qany = -1;
	int first = -1;	/* 0: ja was named first, 1: en */
	guint i;

	if (accept_language == NULL)
		return def;
	items = g_strsplit(accept_language, ",", 0);
	for (i = 0; items[i] != NULL; i++) {
		const char *tag;
		int q;

		/* q=0 is "not acceptable": as if not named */
		if (!accept_item(items[i], &tag, &q) || q == 0)
			continue;
		if (is_lang(tag, "ja")) {
			qja = MAX(qja, q);
			if (first < 0)
				first = 0;
		} else if (is_lang(tag, "en")) {
			qen = MAX(qen, q);
			if (first < 0)
				first = 1;
		} else if (strcmp(tag, "*") == 0) {
			qany = MAX(qany, q);
		}
	}
	g_strfreev(items);
	if (qja < 0 && qen < 0)
		return def;
	if (qja < 0)
		qja = def ? qany : -1;
	if (qen < 0)
		qen = def ? -1 : qany;
	if (qja != qen)
		return qja > qen;
	return qja <= 0 ? def : first == 0;
}

/* mp_http_common_headers - what every answer says: no caching, no
 * sniffing, no framing, no referrer (the address may hold a secret) */
void
mp_http_common_headers(GString *head, int status)
{
	g_string_append_printf(head, "Status: %d %s\r\n", status,
	    mp_http_reason(status));
	g_string_append(head, "Cache-Control: no-store\r\n"
	    "Pragma: no-cache\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "X-Robots-Tag: noindex, nofollow\r\n");
}

/* mp_cgi_name - the rest of PATH_INFO "/NAME" (a trailing slash is
 * harmless) or the value of KEY=NAME in QUERY_STRING */
char *
mp_cgi_name(const char *path_info, const char *query, const char *key)
{
	const char *p = path_info;
	char *name = NULL;

	if (p != NULL && *p == '/' && p[1] != '\0') {
		name = g_strdup(p + 1);
		if (g_str_has_suffix(name, "/"))
			name[strlen(name) - 1] = '\0';
	} else if (query != NULL) {
		char **kv = g_strsplit(query, "&", MP_HTTP_QUERY_FIELDS_MAX);
		gsize n = strlen(key);
		guint i;

		for (i = 0; kv[i] != NULL && name == NULL; i++)
			if (strncmp(kv[i], key, n) == 0 && kv[i][n] == '=')
				name = g_strdup(kv[i] + n + 1);
		g_strfreev(kv);
	}
	return name;
}

/* form_decode - one application/x-www-form-urlencoded value, or NULL */
static char *
form_decode(const char *s, gsize len)
{
	GString *out = g_string_sized_new(len);
	gsize i;

	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			g_string_append_c(out, ' ');
		} else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				goto bad;
			hi = g_ascii_xdigit_value(s[i + 1]);
			lo = g_ascii_xdigit_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			g_string_append_c(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			g_string_append_c(out, s[i]);
		}
	}
	if (memchr(out->str, '\0', out->len) != NULL ||
	    !g_utf8_validate(out->str, (gssize)out->len, NULL))
		goto bad;
	return g_string_free(out, FALSE);
bad:
	memset(out->str, 0, out->len);
	g_string_free(out, TRUE);
	return NULL;
}

/* mp_form_urlencoded - whether a Content-Type is that of a form */
gboolean
mp_form_urlencoded(const char *content_type)
{
	static const char form[] = "application/x-www-form-urlencoded";
	gsize n = sizeof form - 1;

	return content_type != NULL &&
	    g_ascii_strncasecmp(content_type, form, n) == 0 &&
	    (content_type[n] == '\0' || content_type[n] == ';');
}

/* mp_form_fields - the values of the named fields of a urlencoded
 * body; FALSE when one does not decode or is given twice.  A field
 * without "=" or of another name is passed over. */
gboolean
mp_form_fields(const char *body, gsize len, const char *const *names,
    char **values, guint n)
{
	const char *p = body, *end = body + len;
	gboolean ok = TRUE;
	guint k;

	for (k = 0; k < n; k++)
		values[k] = NULL;
	while (ok && p < end) {
		const char *amp = memchr(p, '&', (gsize)(end - p));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(p, '=', (gsize)(stop - p));

		for (k = 0; eq != NULL && k < n; k++) {
			if ((gsize)(eq - p) != strlen(names[k]) ||
			    memcmp(p, names[k], (gsize)(eq - p)) != 0)
				continue;
			if (values[k] != NULL)
				ok = FALSE;
			else
				ok = (values[k] = form_decode(eq + 1,
				    (gsize)(stop - eq - 1))) != NULL;
			break;
		}
		p = stop + 1;
	}
	if (!ok)
		mp_form_values_free(values, n);
	return ok;
}

/* mp_form_values_free - wipe and free what mp_form_fields gave: a
 * value may be a password */
void
mp_form_values_free(char **values, guint n)
{
	guint k;

	for (k = 0; k < n; k++) {
		if (values[k] != NULL) {
			memset(values[k], 0, strlen(values[k]));
			g_free(values[k]);
		}
		values[k] = NULL;
	}
}
