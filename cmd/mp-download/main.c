/* mp-download - the download page of mp-detach's store, a CGI program */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/config.h"
#include "base/secret.h"
#include "store/download.h"

#define USAGE "usage: mp-download [--version]\n"

static int serve(void);
static void log_line(const MpResponse *rs, const char *extra);

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
	char *extra = NULL;
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
	rq.content_length = getenv("CONTENT_LENGTH");
	mp_request_read_body(&rq, 0);

	if (mp_config_load(NULL, &cfg, &err) != MP_OK ||
	    mp_secret_init(&err) != MP_OK ||
	    mp_download_opts_load(&o, cfg, &err) != MP_OK) {
		mp_download_error_page(&rq, TRUE, err->message, &rs);
		g_clear_error(&err);	/* err is for the sending now */
	} else {
		mp_download_handle(&o, &rq, g_get_real_time() / G_USEC_PER_SEC,
		    &rs);
	}
	mp_request_clear(&rq);

	/* logged before it is sent: a server may end us once the client
	 * has its last byte */
	log_line(&rs, NULL);
	if ((status = mp_response_send(&rs, 1, &err)) != MP_OK) {
		char *why = g_strdelimit(g_strdup(err->message), "\"\r\n", '_');

		extra = g_strdup_printf(" sent=no why=\"%s\"", why);
		log_line(&rs, extra);
		g_free(why);
	}

	g_free(extra);
	mp_download_opts_clear(&o);
	g_clear_error(&err);
	mp_response_clear(&rs);
	mp_config_free(cfg);
	closelog();
	return status == MP_OK ? 0 : EX_IOERR;
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
