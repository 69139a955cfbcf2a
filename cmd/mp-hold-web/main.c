/* mp-hold-web - the page of mp-hold's links, a CGI program */
#include <signal.h>
#include <syslog.h>

#include "base/config.h"
#include "base/secret.h"
#include "hold/web.h"

static int serve(void);

static const MpCgi cgi = { "mp-hold-web", "usage: mp-hold-web [--version]\n",
    serve };

int
main(int argc, char **argv)
{
	return mp_cgi_main(&cgi, argc, argv);
}

/* serve - answer the one request of this process; the log never holds
 * the token, the csrf value or what was typed */
static int
serve(void)
{
	MpRequest rq = { 0 };
	MpResponse rs;
	MpHoldCtx ctx = { 0 };
	MpOpts keys;
	MpConfig *cfg = NULL;
	GError *err = NULL;
	int status;

	/* a client that goes away must fail a write, not kill us unlogged */
	signal(SIGPIPE, SIG_IGN);
	openlog(cgi.name, LOG_PID, LOG_MAIL);
	mp_request_from_env(&rq);
	mp_request_read_body_max(&rq, 0, MP_HOLD_WEB_BODY_MAX);

	mp_opts_init(&keys, "hold", mp_hold_key_opts);
	if (mp_config_load(NULL, &cfg, &err) == MP_OK &&
	    mp_secret_init(&err) == MP_OK &&
	    mp_opts_read(&keys, cfg, &err) == MP_OK &&
	    mp_hold_ctx_load(&ctx, &keys, cfg, FALSE, &err) == MP_OK) {
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
	status = mp_response_finish(cgi.name, &rs, 1);

	mp_hold_ctx_clear(&ctx);	/* what a failed load left too */
	mp_opts_clear(&keys);
	mp_response_clear(&rs);
	mp_config_free(cfg);
	closelog();
	return status;
}
