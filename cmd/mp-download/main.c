/* mp-download - the download page of mp-detach's store, a CGI program */
#include <signal.h>
#include <syslog.h>

#include "base/config.h"
#include "base/secret.h"
#include "store/download.h"

static int serve(void);

static const MpCgi cgi = { "mp-download", "usage: mp-download [--version]\n",
    serve };

int
main(int argc, char **argv)
{
	return mp_cgi_main(&cgi, argc, argv);
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
	int status;

	/* a client that goes away must fail a write, not kill us unlogged */
	signal(SIGPIPE, SIG_IGN);
	openlog(cgi.name, LOG_PID, LOG_MAIL);
	mp_request_from_env(&rq);
	mp_request_read_body(&rq, 0);

	if (mp_config_load(NULL, &cfg, &err) != MP_OK ||
	    mp_secret_init(&err) != MP_OK ||
	    mp_download_opts_load(&o, cfg, &err) != MP_OK) {
		mp_download_error_page(&rq, TRUE, err->message, &rs);
		g_clear_error(&err);
	} else {
		mp_download_handle(&o, &rq, g_get_real_time() / G_USEC_PER_SEC,
		    &rs);
	}
	mp_request_clear(&rq);
	status = mp_response_finish(cgi.name, &rs, 1);

	mp_download_opts_clear(&o);
	mp_response_clear(&rs);
	mp_config_free(cfg);
	closelog();
	return status;
}
