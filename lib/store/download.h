/* download.h - mp-download: one CGI request (RFC 3875) against the store */
#ifndef MP_DOWNLOAD_H
#define MP_DOWNLOAD_H

#include "base/config.h"
#include "base/opts.h"
#include "store/store.h"

/* a POST body is a password and a file number; anything longer is not */
#define MP_DOWNLOAD_BODY_MAX (16 * 1024)

/* [detach] lang: the page's language when the browser prefers neither */
#define MP_DOWNLOAD_LANG_DEFAULT "ja"

typedef struct {
	const char *store;
	MpStoreLockout lockout;
	gboolean japanese;	/* when Accept-Language prefers neither */
	GTimeZone *tz;		/* times on the page ([general] time-zone);
				 * NULL: Asia/Tokyo */
	MpOpts keys;		/* what the values were read from */
} MpDownloadOpts;

/* mp_download_opts_load - the [detach] keys the page reads, through
 * the page's table of keys (it has no command line) */
int mp_download_opts_load(MpDownloadOpts *o, const MpConfig *cfg,
    GError **err);
void mp_download_opts_clear(MpDownloadOpts *o);

/* What the web server handed over: the CGI meta-variables we use. */
typedef struct {
	const char *method;		/* REQUEST_METHOD */
	const char *path_info;		/* PATH_INFO: "/ID" */
	const char *query;		/* QUERY_STRING: "id=ID" */
	const char *accept_language;	/* HTTP_ACCEPT_LANGUAGE */
	const char *remote_addr;	/* REMOTE_ADDR: the log, the lock */
	const char *content_type;	/* CONTENT_TYPE of a POST */
	const char *content_length;	/* CONTENT_LENGTH of a POST */
	/* where the page is, for a page that checks the Origin of a POST */
	const char *origin;		/* HTTP_ORIGIN */
	const char *host;		/* HTTP_HOST */
	const char *server_name;	/* SERVER_NAME */
	const char *server_port;	/* SERVER_PORT */
	const char *https;		/* HTTPS: "on" over TLS */
	/* the POST body, as mp_request_read_body read it */
	const char *body;		/* NUL-terminated */
	gsize body_len;
	gboolean body_too_large;	/* over the page's limit: unread */
	char *body_buf;			/* what body points into, or NULL */
	gsize body_size;		/* its size, all wiped at the end */
} MpRequest;

/* The answer: CGI header lines, then a page or a file. */
typedef struct {
	int status;		/* HTTP status code */
	GString *head;		/* header lines and the empty line */
	GString *body;		/* the page; NULL when a file follows */
	gboolean head_only;	/* HEAD: no body at all */
	MpStoreDownload *file;	/* stream this after head */
	gboolean failure;	/* log as a failure (warning) */
	GString *log;		/* key=value fields for the log line */
	GTimeZone *tz;		/* the zone the page shows times in */
} MpResponse;

/* What every CGI program of mp shares: the start, the request from
 * the environment, the log line and the sending of the answer. */
typedef struct {
	const char *name;	/* "mp-download": --version, the log */
	const char *usage;	/* "usage: NAME [--version]\n" */
	int (*serve)(void);	/* the one request of the process */
} MpCgi;

/* mp_cgi_main - serve when a web server started us (GATEWAY_INTERFACE
 * set: the command line is ignored, some servers put a query's words
 * there), else -h, --version, or the usage and 64 */
int mp_cgi_main(const MpCgi *cgi, int argc, char **argv);

/* mp_request_from_env - the meta-variables of RFC 3875 we use, from
 * the environment (the body is mp_request_read_body's) */
void mp_request_from_env(MpRequest *rq);

/* mp_response_finish - the log line (syslog, mail, and the server's
 * error log), then the answer sent to fd, then a second line if that
 * failed; 0, or 74 when the answer did not go out */
int mp_response_finish(const char *name, MpResponse *rs, int fd);

/* mp_request_read_body - the body of a POST from fd (CONTENT_LENGTH
 * bytes); a body over MP_DOWNLOAD_BODY_MAX is left unread */
void mp_request_read_body(MpRequest *rq, int fd);

/* mp_request_read_body_max - the same with the page's own limit */
void mp_request_read_body_max(MpRequest *rq, int fd, gsize max);

/* mp_request_clear - wipe the body (it holds the password), free it */
void mp_request_clear(MpRequest *rq);

/* mp_download_handle - the response to one request; never fails: a
 * broken store is a 500 page and a log line saying why */
void mp_download_handle(const MpDownloadOpts *o, const MpRequest *rq,
    gint64 now, MpResponse *rs);

/* mp_download_error_page - a bare 500 answer, for a bad configuration */
void mp_download_error_page(const MpRequest *rq, gboolean japanese,
    const char *why, MpResponse *rs);

/* mp_response_send - the answer to fd: its header lines, then, but for
 * HEAD, the page or the file, decrypted and checked as it is sent */
int mp_response_send(MpResponse *rs, int fd, GError **err);

void mp_response_clear(MpResponse *rs);

#endif
