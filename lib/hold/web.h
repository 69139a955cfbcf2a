/* web.h - the hold page: what a sender or an approver sees and does
 * through the link of a notice (a CGI program, mp-hold-web) */
#ifndef MP_HOLDWEB_H
#define MP_HOLDWEB_H

#include "hold/run.h"
#include "store/download.h"

/* a POST body is a few buttons and a comment; anything longer is not */
#define MP_HOLD_WEB_BODY_MAX (32 * 1024)

/*
 * mp_hold_web_handle - the answer to one request: GET (and HEAD) show,
 * only POST changes; PATH_INFO is "/ID/TOKEN".  Never fails: a broken
 * spool is a 500 page and a log line saying why; so is a NULL c, the
 * settings that could not be read.
 */
void mp_hold_web_handle(MpHoldCtx *c, const MpRequest *rq, MpResponse *rs);

#endif
