/* mp-download - the download page of mp-detach's store, a CGI program */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "base/config.h"
#include "store/download.h"
#include "base/output.h"
#include "base/secret.h"

#define USAGE "usage: mp-download [--version]\n"

static int serve(void);
static void log_line(const MpResponse *rs, const char *extra);
static gboolean read_body(MpRequest *rq, char **buf);

/*
 * A web server starts us with GATEWAY_INTERFACE set and the request in
 * the environment (RFC 3875); then the command line is ignored, since
 * some servers put the words of a query there.  Started by hand we
 * only say what we are.
 */
int
main(int argc, char **argv)
{
	if (getenv("GATEWAY_INTERFACE") != NULL)
		return serve();
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(USAGE, stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		puts("mp-download " MP_VERSION);
		return 0;
	}
	fputs(USAGE, stderr);
	fputs("mp-download: not started by a web server (GATEWAY_INTERFACE is "
	    "not set); see mp-download(8)\n", stderr);
	return EX_USAGE;
}

/* serve - answer the one request of this process */
static int
serve(void)
{
	MpRequest rq = { 0 };
	MpResponse rs;
	MpDownloadOpts o = { 0 };
	MpConfig *cfg = NULL;
	GError *err = NULL;
	char *body = NULL, *store = NULL, *lang = NULL, *extra = NULL;
	int status = MP_OK;

	/* a client that goes away must fail a write, not kill us unlogged */
	signal(SIGPIPE, SIG_IGN);
	openlog("mp-download", LOG_PID, LOG_MAIL);
	rq.method = getenv("REQUEST_METHOD");
	rq.path_info = getenv("PATH_INFO");
	rq.query = getenv("QUERY_STRING");
	rq.accept_language = getenv("HTTP_ACCEPT_LANGUAGE");
	rq.remote_addr = getenv("REMOTE_ADDR");
	rq.content_type = getenv("CONTENT_TYPE");
	if (rq.method != NULL && strcmp(rq.method, "POST") == 0 &&
	    !read_body(&rq, &body))
		rq.body_too_large = TRUE;

	if (mp_config_load(NULL, &cfg, &err) != MP_OK ||
	    mp_secret_init(&err) != MP_OK) {
		mp_download_error_page(&rq, TRUE, err->message, &rs);
	} else {
		store = mp_config_string(cfg, "detach", "store",
		    MP_STORE_DIR_DEFAULT);
		lang = mp_config_string(cfg, "detach", "lang", "ja");
		o.store = store;
		o.japanese = strcmp(lang, "en") != 0;
		o.tz = mp_config_time_zone(cfg);
		o.lockout.max_failures = (guint)mp_config_uint(cfg, "detach",
		    "max-failures", MP_STORE_MAX_FAILURES_DEFAULT);
		o.lockout.entry_max_failures = (guint)mp_config_uint(cfg,
		    "detach", "entry-max-failures",
		    MP_STORE_ENTRY_MAX_FAILURES_DEFAULT);
		o.lockout.lock_seconds = mp_config_duration(cfg, "detach",
		    "lock-time", MP_STORE_LOCK_SECONDS_DEFAULT);
		mp_download_handle(&o, &rq, g_get_real_time() / G_USEC_PER_SEC,
		    &rs);
	}
	if (body != NULL) {
		memset(body, 0, rq.body_len);	/* it held the password */
		g_free(body);
	}

	/* logged before it is sent: a server may end us once the client
	 * has its last byte */
	log_line(&rs, NULL);
	status = mp_write_all(1, rs.head->str, rs.head->len, "response", &err);
	if (status == MP_OK && !rs.head_only && rs.body != NULL)
		status = mp_write_all(1, rs.body->str, rs.body->len, "response",
		    &err);
	if (status == MP_OK && !rs.head_only && rs.file != NULL)
		status = mp_store_stream(rs.file, 1, &err);
	if (status != MP_OK) {
		char *why = g_strdelimit(g_strdup(err->message), "\"\r\n", '_');

		extra = g_strdup_printf(" sent=no why=\"%s\"", why);
		log_line(&rs, extra);
		g_free(why);
	}

	g_free(extra);
	g_free(store);
	g_free(lang);
	if (o.tz != NULL)
		g_time_zone_unref(o.tz);
	g_clear_error(&err);
	mp_response_clear(&rs);
	mp_config_free(cfg);
	closelog();
	return status == MP_OK ? 0 : EX_IOERR;
}

/*
 * read_body - CONTENT_LENGTH bytes of standard input; FALSE (and
 * nothing read) when that is over MP_DOWNLOAD_BODY_MAX.  A body cut
 * short or without a length stays empty and makes a 400.
 */
static gboolean
read_body(MpRequest *rq, char **buf)
{
	const char *cl = getenv("CONTENT_LENGTH");
	guint64 len;
	gsize got = 0;

	*buf = NULL;
	rq->body = "";
	rq->body_len = 0;
	if (cl == NULL || !g_ascii_string_to_unsigned(cl, 10, 0, G_MAXUINT64,
	    &len, NULL))
		return TRUE;
	if (len > MP_DOWNLOAD_BODY_MAX)
		return FALSE;
	*buf = g_malloc0(len + 1);
	while (got < len) {
		ssize_t n = read(0, *buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return TRUE;
		got += (gsize)n;
	}
	rq->body = *buf;
	rq->body_len = got;
	return TRUE;
}

/* log_line - one key=value line to syslog (mail) and the server's
 * error log: time, client, id, result; never the password */
static void
log_line(const MpResponse *rs, const char *extra)
{
	GDateTime *now = g_date_time_new_now_utc();
	char *t = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
	char *line = g_strdup_printf("time=%s%s status=%d%s", t, rs->log->str,
	    rs->status, extra != NULL ? extra : "");

	syslog(rs->failure || extra != NULL ? LOG_WARNING : LOG_INFO, "%s",
	    line);
	fprintf(stderr, "mp-download: %s\n", line);
	fflush(stderr);
	g_free(line);
	g_free(t);
	g_date_time_unref(now);
}
