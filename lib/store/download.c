/* download.c - mp-download: one CGI request (RFC 3875) against the store */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/config.h"
#include "base/human.h"
#include "base/output.h"
#include "store/download.h"
#include "store/http.h"
#include "store/store-int.h"

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

/* the languages of the page: the index of each text's translation */
typedef enum {
	LANG_JA,
	LANG_EN,
	LANG_COUNT
} Lang;

/* what the page says, each text in Japanese and in English */
static const struct {
	const char *lang[LANG_COUNT];
	const char *sep[LANG_COUNT];		/* between two sentences */
	const char *title[LANG_COUNT];
	const char *intro[LANG_COUNT];
	const char *sender[LANG_COUNT];
	const char *expires[LANG_COUNT];
	const char *password[LANG_COUNT];
	const char *file[LANG_COUNT];
	const char *size[LANG_COUNT];
	const char *button[LANG_COUNT];
	const char *unknown[LANG_COUNT];
	const char *expired[LANG_COUNT];
	const char *revoked[LANG_COUNT];
	const char *used_up[LANG_COUNT];
	const char *locked[LANG_COUNT];		/* %u: minutes */
	const char *wrong[LANG_COUNT];
	const char *wrong_left[LANG_COUNT];	/* %u: tries before the lock */
	const char *wrong_locked[LANG_COUNT];	/* %u: minutes */
	const char *bad_request[LANG_COUNT];
	const char *too_large[LANG_COUNT];
	const char *method[LANG_COUNT];
	const char *error[LANG_COUNT];
} texts = {
	.lang = { "ja", "en" },
	.sep = { "", " " },
	.title = { "添付ファイルのダウンロード", "Attachment download" },
	.intro = {
		"メールとは別にお知らせしたパスワードを入力して、"
		"ダウンロードするファイルを選んでください。",
		"Enter the password you received separately from the "
		"message and choose the file to download.",
	},
	.sender = { "送信者", "Sender" },
	.expires = { "有効期限", "Expires" },
	.password = { "パスワード", "Password" },
	.file = { "ファイル名", "File" },
	.size = { "サイズ", "Size" },
	.button = { "ダウンロード", "Download" },
	.unknown = {
		"このダウンロードは見つかりません。"
		"URLが正しいか、ご確認ください。",
		"There is no such download. Check the address.",
	},
	.expired = {
		"このダウンロードは有効期限が切れています。"
		"必要な場合は送信者にお問い合わせください。",
		"This download has expired. Ask the sender if you "
		"still need the files.",
	},
	.revoked = {
		"このダウンロードは送信者によって取り消されました。",
		"The sender has withdrawn this download.",
	},
	.used_up = {
		"このダウンロードはダウンロード回数の上限に達しました。"
		"必要な場合は送信者にお問い合わせください。",
		"This download has reached its download limit. Ask the "
		"sender if you still need the files.",
	},
	.locked = {
		"パスワードの誤りが続いたため、このダウンロードは"
		"ロックされています。約%u分後にもう一度お試しください。",
		"Too many wrong passwords: this download is locked. "
		"Try again in about %u minutes.",
	},
	.wrong = { "パスワードが違います。", "Wrong password." },
	.wrong_left = {
		"あと%u回間違えると、しばらくロックされます。",
		"After %u more wrong passwords it locks for a while.",
	},
	.wrong_locked = {
		"誤りが続いたため、約%u分間ロックしました。",
		"Too many wrong passwords: locked for about %u minutes.",
	},
	.bad_request = {
		"リクエストが正しくありません。"
		"パスワードを入力し、ファイルを選んでください。",
		"Bad request. Enter the password and choose a file.",
	},
	.too_large = {
		"リクエストが大きすぎます。",
		"The request is too large.",
	},
	.method = {
		"この方法でのアクセスには対応していません。",
		"This method is not supported.",
	},
	.error = {
		"一時的なエラーのため、ダウンロードできません。"
		"しばらくしてからもう一度お試しください。",
		"A temporary error stops the download. Try again later.",
	},
};

/* style_hash - the CSP source that allows STYLE */
static char *
style_hash(void)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[MP_STORE_SHA256_BYTES];
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

/*
 * page - an HTML answer: the message (if any) and, with an entry, what
 * it holds and the password form.  Every text from the store or the
 * request is escaped.
 */
static void
page(MpResponse *rs, Lang l, const char *message, const MpStoreEntry *e)
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
	    "<h1>%s</h1>\n", texts.lang[l], texts.title[l], STYLE,
	    texts.title[l]);
	if (message != NULL) {
		x = mp_html_escape(message);
		g_string_append_printf(b, "<p class=\"msg\" id=\"message\">%s"
		    "</p>\n", x);
		g_free(x);
	}
	if (e != NULL) {
		char *sender = mp_html_escape(e->sender);
		gboolean ja = l == LANG_JA;
		char *expires = mp_unix_time_text_in(e->expires, rs->tz, ja);

		g_string_append_printf(b, "<p>%s</p>\n<dl>\n<dt>%s</dt>"
		    "<dd id=\"sender\">%s</dd>\n<dt>%s</dt><dd id=\"expires\">"
		    "%s</dd>\n</dl>\n", texts.intro[l], texts.sender[l], sender,
		    texts.expires[l], expires);
		g_string_append_printf(b, "<form method=\"post\" "
		    "autocomplete=\"off\">\n<p><label for=\"password\">%s"
		    "</label>\n<input id=\"password\" name=\"password\" "
		    "type=\"password\" required autofocus></p>\n<table>\n"
		    "<thead><tr><th>%s</th><th>%s</th><th></th></tr></thead>\n"
		    "<tbody>\n", texts.password[l], texts.file[l], texts.size[l]);
		for (i = 0; i < e->files->len; i++) {
			const MpStoreFile *f = e->files->pdata[i];
			char *name = mp_html_escape(f->name);
			char *size = mp_size_human(f->size, ja);

			g_string_append_printf(b, "<tr><td class=\"name\">%s</td>"
			    "<td class=\"size\">%s</td><td><button type=\"submit\" "
			    "name=\"file\" value=\"%u\">%s</button></td></tr>\n",
			    name, size, i + 1, texts.button[l]);
			g_free(name);
			g_free(size);
		}
		g_string_append(b, "</tbody>\n</table>\n</form>\n");
		g_free(sender);
		g_free(expires);
	}
	g_string_append(b, "</main>\n</body>\n</html>\n");
	mp_http_common_headers(rs->head, rs->status);
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
	char *id = mp_cgi_name(rq->path_info, rq->query, "id");

	if (id != NULL && !mp_store_id_valid(id))
		g_clear_pointer(&id, g_free);
	return id;
}

/*
 * form_fields - password and file from a urlencoded body; FALSE when
 * it is not one, a field is given twice or there is no password.  The
 * password is wiped by the caller.
 */
static gboolean
form_fields(const MpRequest *rq, char **password, char **file)
{
	static const char *const names[] = { "password", "file" };
	char *v[G_N_ELEMENTS(names)];

	*password = *file = NULL;
	if (!mp_form_urlencoded(rq->content_type) ||
	    !mp_form_fields(rq->body, rq->body_len, names, v,
	    G_N_ELEMENTS(names)))
		return FALSE;
	if (v[0] == NULL || *v[0] == '\0') {
		mp_form_values_free(v, G_N_ELEMENTS(names));
		return FALSE;
	}
	*password = v[0];
	*file = v[1];
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
answer(MpResponse *rs, Lang l, int status, const char *message,
    const MpStoreEntry *e, const char *result)
{
	rs->status = status;
	page(rs, l, message, e);
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
state_page(MpResponse *rs, Lang l, MpStoreState st, gint64 until,
    gint64 now)
{
	const char *result = mp_store_state_name(st);
	char *msg;

	switch (st) {
	case MP_STORE_UNKNOWN:
		answer(rs, l, 404, texts.unknown[l], NULL, result);
		break;
	case MP_STORE_REVOKED:
		answer(rs, l, 410, texts.revoked[l], NULL, result);
		break;
	case MP_STORE_EXPIRED:
		answer(rs, l, 410, texts.expired[l], NULL, result);
		break;
	case MP_STORE_USED_UP:
		answer(rs, l, 410, texts.used_up[l], NULL, result);
		break;
	default:	/* MP_STORE_LOCKED */
		msg = g_strdup_printf(texts.locked[l], lock_minutes(until, now));
		answer(rs, l, 429, msg, NULL, result);
		g_string_append_printf(rs->head, "Retry-After: %" G_GINT64_FORMAT
		    "\r\n", MAX(until - now, (gint64)1));
		g_free(msg);
		break;
	}
}

/* server_error - a 500 page; why goes to the log only */
static void
server_error(MpResponse *rs, Lang l, const char *why)
{
	if (rs->body != NULL) {
		g_string_free(rs->body, TRUE);
		rs->body = NULL;
	}
	g_string_truncate(rs->head, 0);
	answer(rs, l, 500, texts.error[l], NULL, "error");
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
download(const MpDownloadOpts *o, const MpRequest *rq, Lang l,
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
		answer(rs, l, 413, texts.too_large[l], NULL, "bad-request");
		return;
	}
	if (!form_fields(rq, &password, &file) ||
	    (n = file_number(file, seen->files->len)) == 0) {
		answer(rs, l, 400, texts.bad_request[l], seen, "bad-request");
		goto done;
	}
	if (mp_store_open(o->store, id, password, n, network, &o->lockout, now,
	    &st, &e, &d, &err) != MP_OK) {
		server_error(rs, l, err->message);
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
		mp_http_common_headers(rs->head, rs->status);
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

		msg = g_strconcat(texts.wrong[l], texts.sep[l], until != 0 ?
		    texts.wrong_locked[l] : texts.wrong_left[l], NULL);
		full = g_strdup_printf(msg, until != 0 ?
		    lock_minutes(until, now) :
		    tries_left(&o->lockout, e, network));
		answer(rs, l, 403, full, until != 0 ? NULL : e,
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
		state_page(rs, l, st, mp_store_locked_until(e, network, now),
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
static Lang
start(MpResponse *rs, const MpRequest *rq, gboolean japanese)
{
	memset(rs, 0, sizeof *rs);
	rs->head = g_string_new(NULL);
	rs->log = g_string_new(NULL);
	log_field(rs, "client", rq->remote_addr);
	log_field(rs, "method", rq->method);
	rs->head_only = rq->method != NULL && strcmp(rq->method, "HEAD") == 0;
	return mp_prefers_japanese(rq->accept_language, japanese) ?
	    LANG_JA : LANG_EN;
}

/* mp_cgi_main - serve a web server's request, or say what we are */
int
mp_cgi_main(const MpCgi *cgi, int argc, char **argv)
{
	if (getenv("GATEWAY_INTERFACE") != NULL)
		return cgi->serve();
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(cgi->usage, stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", cgi->name, MP_VERSION);
		return 0;
	}
	fputs(cgi->usage, stderr);
	fprintf(stderr, "%s: not started by a web server (GATEWAY_INTERFACE "
	    "is not set); see %s(8)\n", cgi->name, cgi->name);
	return EX_USAGE;
}

/* mp_request_from_env - the request's meta-variables */
void
mp_request_from_env(MpRequest *rq)
{
	rq->method = getenv("REQUEST_METHOD");
	rq->path_info = getenv("PATH_INFO");
	rq->query = getenv("QUERY_STRING");
	rq->accept_language = getenv("HTTP_ACCEPT_LANGUAGE");
	rq->remote_addr = getenv("REMOTE_ADDR");
	rq->content_type = getenv("CONTENT_TYPE");
	rq->content_length = getenv("CONTENT_LENGTH");
	rq->origin = getenv("HTTP_ORIGIN");
	rq->host = getenv("HTTP_HOST");
	rq->server_name = getenv("SERVER_NAME");
	rq->server_port = getenv("SERVER_PORT");
	rq->https = getenv("HTTPS");
}

/* log_line - one key=value line to syslog (mail) and the server's
 * error log: the time, then what the page put in rs->log (never a
 * password or a token), the status */
static void
log_line(const char *name, const MpResponse *rs, const char *extra)
{
	GDateTime *now = g_date_time_new_now_utc();
	char *t = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
	char *line = g_strdup_printf("time=%s%s status=%d%s", t, rs->log->str,
	    rs->status, extra != NULL ? extra : "");

	syslog(rs->failure || extra != NULL ? LOG_WARNING : LOG_INFO, "%s",
	    line);
	fprintf(stderr, "%s: %s\n", name, line);
	fflush(stderr);
	g_free(line);
	g_free(t);
	g_date_time_unref(now);
}

/* mp_response_finish - logged, then sent: logged first, since a server
 * may end us once the client has its last byte */
int
mp_response_finish(const char *name, MpResponse *rs, int fd)
{
	GError *err = NULL;

	log_line(name, rs, NULL);
	if (mp_response_send(rs, fd, &err) != MP_OK) {
		char *why = g_strdelimit(g_strdup(err->message), "\"\r\n",
		    '_');
		char *extra = g_strdup_printf(" sent=no why=\"%s\"", why);

		log_line(name, rs, extra);
		g_free(extra);
		g_free(why);
		g_error_free(err);
		return EX_IOERR;
	}
	return 0;
}

/* mp_request_read_body - the body of a POST to mp-download */
void
mp_request_read_body(MpRequest *rq, int fd)
{
	mp_request_read_body_max(rq, fd, MP_DOWNLOAD_BODY_MAX);
}

/*
 * mp_request_read_body_max - CONTENT_LENGTH bytes of fd, for a POST
 * only; nothing is read when that is over max (a 413).  A body cut
 * short or without a length stays empty and makes a 400.
 */
void
mp_request_read_body_max(MpRequest *rq, int fd, gsize max)
{
	guint64 len;

	if (rq->method == NULL || strcmp(rq->method, "POST") != 0)
		return;
	rq->body = "";
	rq->body_len = 0;
	if (rq->content_length == NULL ||
	    !g_ascii_string_to_unsigned(rq->content_length, 10, 0,
	    G_MAXUINT64, &len, NULL))
		return;
	if (len > max) {
		rq->body_too_large = TRUE;
		return;
	}
	rq->body_size = (gsize)len + 1;
	rq->body_buf = g_malloc0(rq->body_size);
	if (store_read_full(fd, (guchar *)rq->body_buf, (gsize)len) ==
	    (gssize)len) {
		rq->body = rq->body_buf;
		rq->body_len = (gsize)len;
	}
}

/* mp_request_clear - wipe the body, all of what was read of it */
void
mp_request_clear(MpRequest *rq)
{
	if (rq->body_buf != NULL) {
		memset(rq->body_buf, 0, rq->body_size);
		g_free(rq->body_buf);
	}
	rq->body_buf = NULL;
	rq->body_size = 0;
	rq->body = NULL;
	rq->body_len = 0;
}

/*
 * mp_response_send - the answer to fd.  A file is decrypted chunk by
 * chunk as it goes; one that turns out cut or changed stops the answer
 * short, an error.
 */
int
mp_response_send(MpResponse *rs, int fd, GError **err)
{
	int status = mp_write_all(fd, rs->head->str, rs->head->len,
	    "response", err);

	if (status == MP_OK && !rs->head_only && rs->body != NULL)
		status = mp_write_all(fd, rs->body->str, rs->body->len,
		    "response", err);
	if (status == MP_OK && !rs->head_only && rs->file != NULL)
		status = mp_store_stream(rs->file, fd, err);
	return status;
}

/* the keys of [detach] the page reads; mp-download has no flags */
enum {
	KEY_STORE = 1,
	KEY_LANG,
	KEY_MAX_FAILURES,
	KEY_ENTRY_MAX_FAILURES,
	KEY_LOCK_TIME,
};
static const MpOptSpec download_keys[] = {
	{ .id = KEY_STORE, .key = "store", .def = MP_STORE_DIR_DEFAULT },
	{ .id = KEY_LANG, .key = "lang", .def = MP_DOWNLOAD_LANG_DEFAULT },
	{ .id = KEY_MAX_FAILURES, .key = "max-failures",
	  .def = G_STRINGIFY(MP_STORE_MAX_FAILURES_DEFAULT) },
	{ .id = KEY_ENTRY_MAX_FAILURES, .key = "entry-max-failures",
	  .def = G_STRINGIFY(MP_STORE_ENTRY_MAX_FAILURES_DEFAULT) },
	/* MP_STORE_LOCK_SECONDS_DEFAULT, given to mp_opts_uint */
	{ .id = KEY_LOCK_TIME, .key = "lock-time" },
	MP_OPT_END,
};

/* mp_download_opts_load - the [detach] keys the page reads */
int
mp_download_opts_load(MpDownloadOpts *o, const MpConfig *cfg, GError **err)
{
	int status;

	mp_opts_init(&o->keys, "detach", download_keys);
	if ((status = mp_opts_read(&o->keys, cfg, err)) != MP_OK)
		return status;
	o->store = mp_opts_value(&o->keys, KEY_STORE);
	o->japanese = strcmp(mp_opts_value(&o->keys, KEY_LANG), "en") != 0;
	o->tz = mp_config_time_zone(cfg);
	o->lockout.max_failures = (guint)mp_opts_uint(&o->keys,
	    KEY_MAX_FAILURES, MP_STORE_MAX_FAILURES_DEFAULT);
	o->lockout.entry_max_failures = (guint)mp_opts_uint(&o->keys,
	    KEY_ENTRY_MAX_FAILURES, MP_STORE_ENTRY_MAX_FAILURES_DEFAULT);
	o->lockout.lock_seconds = mp_opts_uint(&o->keys, KEY_LOCK_TIME,
	    MP_STORE_LOCK_SECONDS_DEFAULT);
	return MP_OK;
}

/* mp_download_opts_clear - release what mp_download_opts_load read */
void
mp_download_opts_clear(MpDownloadOpts *o)
{
	if (o->tz != NULL)
		g_time_zone_unref(o->tz);
	mp_opts_clear(&o->keys);
	memset(o, 0, sizeof *o);
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
	Lang l = start(rs, rq, o->japanese);
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
		answer(rs, l, 405, texts.method[l], NULL, "bad-method");
		g_string_append(rs->head, "Allow: GET, HEAD, POST\r\n");
		goto done;
	}
	id = request_id(rq);
	log_field(rs, "id", id);
	if (id == NULL) {
		state_page(rs, l, MP_STORE_UNKNOWN, 0, now);
		goto done;
	}
	status = mp_store_load(o->store, id, &e, &err);
	if (status == EX_NOINPUT) {
		state_page(rs, l, MP_STORE_UNKNOWN, 0, now);
		goto done;
	}
	if (status != MP_OK) {
		server_error(rs, l, err->message);
		goto done;
	}
	if ((st = mp_store_state_for(e, network, now)) != MP_STORE_OK) {
		state_page(rs, l, st, mp_store_locked_until(e, network, now),
		    now);
		goto done;
	}
	if (strcmp(method, "POST") == 0) {
		download(o, rq, l, id, network, e, now, rs);
		goto done;
	}
	answer(rs, l, 200, NULL, e, "page");
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
	Lang l = start(rs, rq, japanese);

	log_field(rs, "id", NULL);
	server_error(rs, l, why);
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
