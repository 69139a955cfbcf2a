/* download.c - mp-download: one CGI request (RFC 3875) against the store */
#include <string.h>

#include "base/config.h"
#include "store/download.h"
#include "base/human.h"

/* the page's only style; the Content-Security-Policy allows exactly
 * this text by its hash, and nothing else: no script, no image */
#define STYLE \
	"body{font-family:sans-serif;margin:2em auto;max-width:40em;" \
	"padding:0 1em;color:#222}" \
	"table{border-collapse:collapse;margin:1em 0;width:100%}" \
	"td,th{border-bottom:1px solid #ccc;padding:.4em;text-align:left}" \
	"td.size{text-align:right;white-space:nowrap}" \
	"td.name{word-break:break-all}" \
	"p.msg{padding:.6em;background:#fff3cd;border:1px solid #e0c36c}" \
	"input{font-size:1.1em;padding:.2em}"

typedef struct {
	const char *lang;
	const char *sep;		/* between two sentences */
	const char *title;
	const char *intro;
	const char *sender;
	const char *expires;
	const char *password;
	const char *file;
	const char *size;
	const char *button;
	const char *unknown;
	const char *expired;
	const char *revoked;
	const char *used_up;
	const char *locked;		/* %u: minutes */
	const char *wrong;
	const char *wrong_left;		/* %u: tries left before the lock */
	const char *wrong_locked;	/* %u: minutes */
	const char *bad_request;
	const char *too_large;
	const char *method;
	const char *error;
} Texts;

static const Texts texts_ja = {
	.lang = "ja",
	.sep = "",
	.title = "添付ファイルのダウンロード",
	.intro = "メールとは別にお知らせしたパスワードを入力して、"
	    "ダウンロードするファイルを選んでください。",
	.sender = "送信者",
	.expires = "有効期限",
	.password = "パスワード",
	.file = "ファイル名",
	.size = "サイズ",
	.button = "ダウンロード",
	.unknown = "このダウンロードは見つかりません。"
	    "URLが正しいか、ご確認ください。",
	.expired = "このダウンロードは有効期限が切れています。"
	    "必要な場合は送信者にお問い合わせください。",
	.revoked = "このダウンロードは送信者によって取り消されました。",
	.used_up = "このダウンロードはダウンロード回数の上限に達しました。"
	    "必要な場合は送信者にお問い合わせください。",
	.locked = "パスワードの誤りが続いたため、このダウンロードは"
	    "ロックされています。約%u分後にもう一度お試しください。",
	.wrong = "パスワードが違います。",
	.wrong_left = "あと%u回間違えると、しばらくロックされます。",
	.wrong_locked = "誤りが続いたため、約%u分間ロックしました。",
	.bad_request = "リクエストが正しくありません。"
	    "パスワードを入力し、ファイルを選んでください。",
	.too_large = "リクエストが大きすぎます。",
	.method = "この方法でのアクセスには対応していません。",
	.error = "一時的なエラーのため、ダウンロードできません。"
	    "しばらくしてからもう一度お試しください。",
};

static const Texts texts_en = {
	.lang = "en",
	.sep = " ",
	.title = "Attachment download",
	.intro = "Enter the password you received separately from the "
	    "message and choose the file to download.",
	.sender = "Sender",
	.expires = "Expires",
	.password = "Password",
	.file = "File",
	.size = "Size",
	.button = "Download",
	.unknown = "There is no such download. Check the address.",
	.expired = "This download has expired. Ask the sender if you "
	    "still need the files.",
	.revoked = "The sender has withdrawn this download.",
	.used_up = "This download has reached its download limit. Ask the "
	    "sender if you still need the files.",
	.locked = "Too many wrong passwords: this download is locked. "
	    "Try again in about %u minutes.",
	.wrong = "Wrong password.",
	.wrong_left = "After %u more wrong passwords it locks for a while.",
	.wrong_locked = "Too many wrong passwords: locked for about %u "
	    "minutes.",
	.bad_request = "Bad request. Enter the password and choose a file.",
	.too_large = "The request is too large.",
	.method = "This method is not supported.",
	.error = "A temporary error stops the download. Try again later.",
};

/* reason - the HTTP reason phrase of a status we answer with */
static const char *
reason(int status)
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
	case 429:
		return "Too Many Requests";
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
		if (p - s > 4 || !g_ascii_isdigit(*p))
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
		} else if (++n > 8 || !(first ? g_ascii_isalpha(*s) :
		    g_ascii_isalnum(*s))) {
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

/* style_hash - the CSP source that allows STYLE */
static char *
style_hash(void)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize len = sizeof digest;
	char *b64, *out;

	g_checksum_update(sum, (const guchar *)STYLE, sizeof STYLE - 1);
	g_checksum_get_digest(sum, digest, &len);
	g_checksum_free(sum);
	b64 = g_base64_encode(digest, len);
	out = g_strdup_printf("'sha256-%s'", b64);
	g_free(b64);
	return out;
}

/* common_headers - what every answer says: no caching, no sniffing,
 * no framing, no referrer (the address holds the id) */
static void
common_headers(MpResponse *rs)
{
	g_string_append_printf(rs->head, "Status: %d %s\r\n", rs->status,
	    reason(rs->status));
	g_string_append(rs->head, "Cache-Control: no-store\r\n"
	    "Pragma: no-cache\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "X-Robots-Tag: noindex, nofollow\r\n");
}

/*
 * page - an HTML answer: the message (if any) and, with an entry, what
 * it holds and the password form.  Every text from the store or the
 * request is escaped.
 */
static void
page(MpResponse *rs, const Texts *t, const char *message,
    const MpStoreEntry *e)
{
	GString *b = g_string_new(NULL);
	char *csp = style_hash(), *x;
	guint i;

	g_string_append_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
	    "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n"
	    "<h1>%s</h1>\n", t->lang, t->title, STYLE, t->title);
	if (message != NULL) {
		x = mp_html_escape(message);
		g_string_append_printf(b, "<p class=\"msg\" id=\"message\">%s"
		    "</p>\n", x);
		g_free(x);
	}
	if (e != NULL) {
		char *sender = mp_html_escape(e->sender);
		gboolean ja = strcmp(t->lang, "ja") == 0;
		char *expires = mp_unix_time_text_in(e->expires, rs->tz, ja);

		g_string_append_printf(b, "<p>%s</p>\n<dl>\n<dt>%s</dt>"
		    "<dd id=\"sender\">%s</dd>\n<dt>%s</dt><dd id=\"expires\">"
		    "%s</dd>\n</dl>\n", t->intro, t->sender, sender, t->expires,
		    expires);
		g_string_append_printf(b, "<form method=\"post\" "
		    "autocomplete=\"off\">\n<p><label for=\"password\">%s"
		    "</label>\n<input id=\"password\" name=\"password\" "
		    "type=\"password\" required autofocus></p>\n<table>\n"
		    "<thead><tr><th>%s</th><th>%s</th><th></th></tr></thead>\n"
		    "<tbody>\n", t->password, t->file, t->size);
		for (i = 0; i < e->files->len; i++) {
			const MpStoreFile *f = e->files->pdata[i];
			char *name = mp_html_escape(f->name);
			char *size = mp_size_human(f->size, ja);

			g_string_append_printf(b, "<tr><td class=\"name\">%s</td>"
			    "<td class=\"size\">%s</td><td><button type=\"submit\" "
			    "name=\"file\" value=\"%u\">%s</button></td></tr>\n",
			    name, size, i + 1, t->button);
			g_free(name);
			g_free(size);
		}
		g_string_append(b, "</tbody>\n</table>\n</form>\n");
		g_free(sender);
		g_free(expires);
	}
	g_string_append(b, "</main>\n</body>\n</html>\n");
	common_headers(rs);
	g_string_append_printf(rs->head, "Content-Type: text/html; "
	    "charset=UTF-8\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
	    "Content-Security-Policy: default-src 'none'; style-src %s; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n",
	    b->len, csp);
	rs->body = b;
	g_free(csp);
}

/* finish - the empty line that ends the header */
static void
finish(MpResponse *rs)
{
	g_string_append(rs->head, "\r\n");
}

/* request_id - the id from PATH_INFO "/ID" or QUERY_STRING "id=ID",
 * only if it has an id's exact form: nothing else reaches the disk */
static char *
request_id(const MpRequest *rq)
{
	const char *p = rq->path_info;
	char *id = NULL;

	if (p != NULL && *p == '/' && p[1] != '\0') {
		id = g_strdup(p + 1);
		/* a trailing slash is harmless */
		if (g_str_has_suffix(id, "/"))
			id[strlen(id) - 1] = '\0';
	} else if (rq->query != NULL) {
		char **kv = g_strsplit(rq->query, "&", 16);
		guint i;

		for (i = 0; kv[i] != NULL && id == NULL; i++)
			if (g_str_has_prefix(kv[i], "id="))
				id = g_strdup(kv[i] + 3);
		g_strfreev(kv);
	}
	if (id != NULL && !mp_store_id_valid(id))
		g_clear_pointer(&id, g_free);
	return id;
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

/*
 * form_fields - password and file from a urlencoded body; FALSE when
 * it is not one or a field is given twice.  The password is wiped by
 * the caller.
 */
static gboolean
form_fields(const MpRequest *rq, char **password, char **file)
{
	const char *p = rq->body, *end = rq->body + rq->body_len;
	gboolean ok = TRUE;

	*password = *file = NULL;
	if (rq->content_type == NULL ||
	    g_ascii_strncasecmp(rq->content_type,
	    "application/x-www-form-urlencoded", 33) != 0 ||
	    (rq->content_type[33] != '\0' && rq->content_type[33] != ';'))
		return FALSE;
	while (ok && p < end) {
		const char *amp = memchr(p, '&', (gsize)(end - p));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(p, '=', (gsize)(stop - p));
		char **into = NULL;

		if (eq != NULL && eq - p == 8 && memcmp(p, "password", 8) == 0)
			into = password;
		else if (eq != NULL && eq - p == 4 && memcmp(p, "file", 4) == 0)
			into = file;
		if (into != NULL) {
			if (*into != NULL)
				ok = FALSE;
			else
				ok = (*into = form_decode(eq + 1,
				    (gsize)(stop - eq - 1))) != NULL;
		}
		p = stop + 1;
	}
	if (!ok || *password == NULL || **password == '\0') {
		if (*password != NULL) {
			memset(*password, 0, strlen(*password));
			g_free(*password);
		}
		g_free(*file);
		*password = *file = NULL;
		return FALSE;
	}
	return TRUE;
}

/* log_field - key=value with a value that cannot break the line */
static void
log_field(MpResponse *rs, const char *key, const char *value)
{
	const char *p;

	g_string_append_printf(rs->log, " %s=", key);
	if (value == NULL || *value == '\0') {
		g_string_append_c(rs->log, '-');
		return;
	}
	for (p = value; *p != '\0'; p++)
		g_string_append_c(rs->log, g_ascii_isgraph(*p) && *p != '"' ?
		    *p : '_');
}

/* answer - a page with its status, logged as result; from 400 on, a
 * failure */
static void
answer(MpResponse *rs, const Texts *t, int status, const char *message,
    const MpStoreEntry *e, const char *result)
{
	rs->status = status;
	page(rs, t, message, e);
	rs->failure = status >= 400;
	log_field(rs, "result", result);
}

/* lock_minutes - how long a lock until then lasts, in whole minutes */
static guint
lock_minutes(gint64 until, gint64 now)
{
	guint minutes = (guint)((until - now + 59) / 60);

	return MAX(minutes, 1u);
}

/* state_page - the page of an entry that cannot be downloaded now;
 * until: when the lock ends, for MP_STORE_LOCKED */
static void
state_page(MpResponse *rs, const Texts *t, MpStoreState st, gint64 until,
    gint64 now)
{
	const char *result = mp_store_state_name(st);
	char *msg;

	switch (st) {
	case MP_STORE_UNKNOWN:
		answer(rs, t, 404, t->unknown, NULL, result);
		break;
	case MP_STORE_REVOKED:
		answer(rs, t, 410, t->revoked, NULL, result);
		break;
	case MP_STORE_EXPIRED:
		answer(rs, t, 410, t->expired, NULL, result);
		break;
	case MP_STORE_USED_UP:
		answer(rs, t, 410, t->used_up, NULL, result);
		break;
	default:	/* MP_STORE_LOCKED */
		msg = g_strdup_printf(t->locked, lock_minutes(until, now));
		answer(rs, t, 429, msg, NULL, result);
		g_string_append_printf(rs->head, "Retry-After: %" G_GINT64_FORMAT
		    "\r\n", MAX(until - now, (gint64)1));
		g_free(msg);
		break;
	}
}

/* server_error - a 500 page; why goes to the log only */
static void
server_error(MpResponse *rs, const Texts *t, const char *why)
{
	if (rs->body != NULL) {
		g_string_free(rs->body, TRUE);
		rs->body = NULL;
	}
	g_string_truncate(rs->head, 0);
	answer(rs, t, 500, t->error, NULL, "error");
	g_string_append(rs->log, " why=\"");
	for (; *why != '\0'; why++)
		g_string_append_c(rs->log, (guchar)*why >= 0x20 && *why != '"' &&
		    *why != 0x7f ? *why : '_');
	g_string_append_c(rs->log, '"');
}

/* file_number - the file field as 1..n; a lone file needs none */
static guint
file_number(const char *s, guint n)
{
	guint64 v;

	if (s == NULL)
		return n == 1 ? 1 : 0;
	if (!g_ascii_string_to_unsigned(s, 10, 1, n, &v, NULL))
		return 0;
	return (guint)v;
}

/* tries_left - wrong passwords the network has before a lock */
static guint
tries_left(const MpStoreLockout *lock, const MpStoreEntry *e,
    const char *network)
{
	const MpStoreClient *c = mp_store_client(e, network);
	guint mine = c != NULL ? c->failures : 0;
	guint left = lock->max_failures > mine ? lock->max_failures - mine :
	    1;

	if (lock->entry_max_failures > e->failures)
		left = MIN(left, lock->entry_max_failures - e->failures);
	return left;
}

/* download - a POST: the password, then the file or why not */
static void
download(const MpDownloadOpts *o, const MpRequest *rq, const Texts *t,
    const char *id, const char *network, const MpStoreEntry *seen,
    gint64 now, MpResponse *rs)
{
	char *password = NULL, *file = NULL, *msg;
	MpStoreEntry *e = NULL;
	MpStoreDownload *d = NULL;
	MpStoreState st;
	GError *err = NULL;
	guint n;

	if (rq->body_too_large) {
		answer(rs, t, 413, t->too_large, NULL, "bad-request");
		return;
	}
	if (!form_fields(rq, &password, &file) ||
	    (n = file_number(file, seen->files->len)) == 0) {
		answer(rs, t, 400, t->bad_request, seen, "bad-request");
		goto done;
	}
	if (mp_store_open(o->store, id, password, n, network, &o->lockout, now,
	    &st, &e, &d, &err) != MP_OK) {
		server_error(rs, t, err->message);
		goto done;
	}
	switch (st) {
	case MP_STORE_OK: {
		const MpStoreFile *f = mp_store_download_file(d);
		char *cd = mp_content_disposition(f->name);
		const char *p;
		gboolean type_ok = strchr(f->type, '/') != NULL;

		for (p = f->type; *p != '\0'; p++)
			type_ok &= g_ascii_isalnum(*p) ||
			    strchr("/!#$&^_.+-", *p) != NULL;
		rs->status = 200;
		common_headers(rs);
		g_string_append_printf(rs->head, "Content-Type: %s\r\n"
		    "Content-Length: %" G_GUINT64_FORMAT "\r\n"
		    "Content-Disposition: %s\r\n"
		    "Content-Security-Policy: default-src 'none'; sandbox\r\n",
		    type_ok ? f->type : "application/octet-stream", f->size, cd);
		g_free(cd);
		rs->file = d;
		d = NULL;
		log_field(rs, "result", "download");
		g_string_append_printf(rs->log, " file=%u bytes=%"
		    G_GUINT64_FORMAT " downloads=%u", n, f->size, e->downloads);
		break;
	}
	case MP_STORE_WRONG_PASSWORD: {
		gint64 until = mp_store_locked_until(e, network, now);
		const MpStoreClient *c = mp_store_client(e, network);
		char *full;

		msg = g_strconcat(t->wrong, t->sep, until != 0 ?
		    t->wrong_locked : t->wrong_left, NULL);
		full = g_strdup_printf(msg, until != 0 ?
		    lock_minutes(until, now) :
		    tries_left(&o->lockout, e, network));
		answer(rs, t, 403, full, until != 0 ? NULL : e,
		    "wrong-password");
		/* locked=all: the entry, for everyone; yes: this network */
		g_string_append_printf(rs->log, " failures=%u%s",
		    c != NULL ? c->failures : 0, e->locked_until > now ?
		    " locked=all" : until != 0 ? " locked=yes" : "");
		g_free(full);
		g_free(msg);
		break;
	}
	default:
		state_page(rs, t, st, mp_store_locked_until(e, network, now),
		    now);
		break;
	}
done:
	if (password != NULL) {
		memset(password, 0, strlen(password));
		g_free(password);
	}
	g_free(file);
	g_clear_error(&err);
	mp_store_download_free(d);
	mp_store_entry_free(e);
}

/* start - an empty response in the language the request prefers, its
 * log line begun with the client and the method */
static const Texts *
start(MpResponse *rs, const MpRequest *rq, gboolean japanese)
{
	memset(rs, 0, sizeof *rs);
	rs->head = g_string_new(NULL);
	rs->log = g_string_new(NULL);
	log_field(rs, "client", rq->remote_addr);
	log_field(rs, "method", rq->method);
	rs->head_only = rq->method != NULL && strcmp(rq->method, "HEAD") == 0;
	return mp_prefers_japanese(rq->accept_language, japanese) ?
	    &texts_ja : &texts_en;
}

/*
 * mp_download_handle - the response to one request
 *
 * GET and HEAD show the entry and the password form, or say why it
 * cannot be had: 404 unknown, 410 expired, revoked or used up, 429
 * locked.  POST checks the password and answers with the file (200),
 * the form again (403) or 400 for a malformed request.  Nothing but an
 * id of the exact form is ever looked up.
 */
void
mp_download_handle(const MpDownloadOpts *o, const MpRequest *rq, gint64 now,
    MpResponse *rs)
{
	const Texts *t = start(rs, rq, o->japanese);
	const char *method = rq->method != NULL ? rq->method : "";
	char *network = mp_store_client_network(rq->remote_addr);
	char *id = NULL;
	MpStoreEntry *e = NULL;
	GError *err = NULL;
	MpStoreState st;
	int status;

	rs->tz = o->tz != NULL ? g_time_zone_ref(o->tz) :
	    g_time_zone_new_identifier(MP_TIME_ZONE_DEFAULT);

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0) {
		log_field(rs, "id", NULL);
		answer(rs, t, 405, t->method, NULL, "bad-method");
		g_string_append(rs->head, "Allow: GET, HEAD, POST\r\n");
		goto done;
	}
	id = request_id(rq);
	log_field(rs, "id", id);
	if (id == NULL) {
		state_page(rs, t, MP_STORE_UNKNOWN, 0, now);
		goto done;
	}
	status = mp_store_load(o->store, id, &e, &err);
	if (status == EX_NOINPUT) {
		state_page(rs, t, MP_STORE_UNKNOWN, 0, now);
		goto done;
	}
	if (status != MP_OK) {
		server_error(rs, t, err->message);
		goto done;
	}
	if ((st = mp_store_state_for(e, network, now)) != MP_STORE_OK) {
		state_page(rs, t, st, mp_store_locked_until(e, network, now),
		    now);
		goto done;
	}
	if (strcmp(method, "POST") == 0) {
		download(o, rq, t, id, network, e, now, rs);
		goto done;
	}
	answer(rs, t, 200, NULL, e, "page");
done:
	finish(rs);
	g_clear_error(&err);
	mp_store_entry_free(e);
	g_free(network);
	g_free(id);
}

/* mp_download_error_page - a bare 500 answer, for a bad configuration */
void
mp_download_error_page(const MpRequest *rq, gboolean japanese,
    const char *why, MpResponse *rs)
{
	const Texts *t = start(rs, rq, japanese);

	log_field(rs, "id", NULL);
	server_error(rs, t, why);
	finish(rs);
}

/* mp_response_clear - release a response */
void
mp_response_clear(MpResponse *rs)
{
	if (rs->head != NULL)
		g_string_free(rs->head, TRUE);
	if (rs->body != NULL)
		g_string_free(rs->body, TRUE);
	if (rs->log != NULL)
		g_string_free(rs->log, TRUE);
	mp_store_download_free(rs->file);
	if (rs->tz != NULL)
		g_time_zone_unref(rs->tz);
	memset(rs, 0, sizeof *rs);
}
