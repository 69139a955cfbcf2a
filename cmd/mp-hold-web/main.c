/* mp-hold-web - the page of mp-hold's links, a CGI program */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/config.h"
#include "base/secret.h"
#include "hold/web.h"

#define USAGE "usage: mp-hold-web [--version]\n"

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
		puts("mp-hold-web " MP_VERSION);
		return 0;
	}
	fputs(USAGE, stderr);
	fputs("mp-hold-web: not started by a web server (GATEWAY_INTERFACE is "
	    "not set); see mp-hold-web(8)\n", stderr);
	return EX_USAGE;
}

/* serve - answer the one request of this process */
static int
serve(void)
{
	MpRequest rq = { 0 };
	MpResponse rs;
	MpHoldCtx ctx = { 0 };
	MpOpts keys;
	MpConfig *cfg = NULL;
	GError *err = NULL;
	char *extra = NULL;
	gboolean loaded = FALSE;
	int status = MP_OK;

	/* a client that goes away must fail a write, not kill us unlogged */
	signal(SIGPIPE, SIG_IGN);
	openlog("mp-hold-web", LOG_PID, LOG_MAIL);
	rq.method = getenv("REQUEST_METHOD");
	rq.path_info = getenv("PATH_INFO");
	rq.query = getenv("QUERY_STRING");
	rq.accept_language = getenv("HTTP_ACCEPT_LANGUAGE");
	rq.remote_addr = getenv("REMOTE_ADDR");
	rq.content_type = getenv("CONTENT_TYPE");
	rq.content_length = getenv("CONTENT_LENGTH");
	rq.origin = getenv("HTTP_ORIGIN");
	rq.host = getenv("HTTP_HOST");
	rq.server_name = getenv("SERVER_NAME");
	rq.server_port = getenv("SERVER_PORT");
	rq.https = getenv("HTTPS");
	mp_request_read_body_max(&rq, 0, MP_HOLD_WEB_BODY_MAX);

	mp_opts_init(&keys, "hold", mp_hold_key_opts);
	if (mp_config_load(NULL, &cfg, &err) == MP_OK &&
	    mp_secret_init(&err) == MP_OK &&
	    mp_opts_read(&keys, cfg, &err) == MP_OK &&
	    mp_hold_ctx_load(&ctx, &keys, cfg, FALSE, &err) == MP_OK)
		loaded = TRUE;
	if (loaded) {
		mp_hold_web_handle(&ctx, &rq, &rs);
	} else {
		char *why = g_strdelimit(g_strdup(err != NULL ? err->message :
		    "unknown error"), "\"\r\n", '_');

		/* a bare 500 page; why is for the log only */
		mp_hold_web_handle(NULL, &rq, &rs);
		g_string_append_printf(rs.log, " why=\"%s\"", why);
		g_free(why);
		g_clear_error(&err);
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
	mp_hold_ctx_clear(&ctx);	/* what a failed load left too */
	mp_opts_clear(&keys);
	g_clear_error(&err);
	mp_response_clear(&rs);
	mp_config_free(cfg);
	closelog();
	return status == MP_OK ? 0 : EX_IOERR;
}

/* log_line - one key=value line to syslog (mail) and the server's
 * error log: time, client, id, who, action, result; never the token,
 * the csrf value or what was typed */
static void
log_line(const MpResponse *rs, const char *extra)
{
	GDateTime *now = g_date_time_new_now_utc();
	char *t = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
	char *line = g_strdup_printf("time=%s%s status=%d%s", t, rs->log->str,
	    rs->status, extra != NULL ? extra : "");

	syslog(rs->failure || extra != NULL ? LOG_WARNING : LOG_INFO, "%s",
	    line);
	fprintf(stderr, "mp-hold-web: %s\n", line);
	fflush(stderr);
	g_free(line);
	g_free(t);
	g_date_time_unref(now);
}
