/* status.c - the status/GError convention of mp.h */
#include <errno.h>
#include <stdarg.h>

#include "base/mp.h"

G_DEFINE_QUARK(mp-error-quark, mp_error)

/* mp_fail - set *err to a formatted MP_ERROR and return status */
int
mp_fail(GError **err, int status, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && *err == NULL) {
		va_start(ap, fmt);
		*err = g_error_new_valist(MP_ERROR, status, fmt, ap);
		va_end(ap);
	}
	return status;
}

/*
 * mp_errno_status - map an errno from a failed write to 75 or 74
 *
 * A full disk or quota is expected to clear up (the MTA retries on 75);
 * anything else is an I/O error.
 */
int
mp_errno_status(int errnum)
{
	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
	case EAGAIN:
	case EINTR:
	case ENOMEM:
		return EX_TEMPFAIL;
	default:
		return EX_IOERR;
	}
}

/* mp_limits_init - fill limits with their documented defaults */
void
mp_limits_init(MpLimits *limits)
{
	limits->message_bytes = MP_MESSAGE_BYTES_DEFAULT;
	limits->header_bytes = MP_HEADER_BYTES_DEFAULT;
	limits->mime_depth = MP_MIME_DEPTH_DEFAULT;
}
