/* mp.h - conventions shared by every part of mp */
#ifndef MP_H
#define MP_H

#include <glib.h>
#include <sysexits.h>

#define MP_VERSION "0.1.0"

/*
 * Status convention, project-wide: a lib/ function that can fail returns
 * an int that is 0 on success or a sysexits(3) code saying what kind of
 * failure it was, and fills a GError (domain MP_ERROR, code = the same
 * status) with the why.  Commands print err->message and exit with the
 * status, so the exit code table of mp(7) is the only mapping there is.
 */
#define MP_OK 0
/* Outcome, not failure: the policy says stop (grep(1) style). */
#define MP_STOP 1

#define MP_ERROR (mp_error_quark())
GQuark mp_error_quark(void);

/* mp_fail - set *err to a formatted MP_ERROR and return status */
int mp_fail(GError **err, int status, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* mp_errno_status - map an errno from a failed write to 75 or 74 */
int mp_errno_status(int errnum);

/*
 * Limits.  Each is a named default with an override in mp.conf [limits]
 * (see mp.conf(5)); mp_limits_init() fills the defaults.
 */
#define MP_MESSAGE_BYTES_DEFAULT ((gsize)100 * 1024 * 1024) /* message-bytes */
#define MP_HEADER_BYTES_DEFAULT ((gsize)256 * 1024)         /* header-bytes */
#define MP_MIME_DEPTH_DEFAULT 50                             /* mime-depth */

typedef struct {
	gsize message_bytes;
	gsize header_bytes;
	int mime_depth;
} MpLimits;

/* mp_limits_init - fill limits with their documented defaults */
void mp_limits_init(MpLimits *limits);

#endif
