/* output.c - output that is complete or an error, never half of it */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "output.h"

/* mp_write_all - write all of buf to fd, retrying short writes */
int
mp_write_all(int fd, const char *buf, gsize len, const char *what,
    GError **err)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mp_fail(err, mp_errno_status(errno),
			    "%s: write: %s", what, g_strerror(errno));
		buf += n;
		len -= (gsize)n;
	}
	return MP_OK;
}

/* mp_stdio_put - fwrite to a stream, failing on a short write */
int
mp_stdio_put(FILE *fp, const char *buf, gsize len, GError **err)
{
	if (len > 0 && fwrite(buf, 1, len, fp) != len)
		return mp_fail(err, mp_errno_status(errno),
		    "write to standard output: %s", g_strerror(errno));
	return MP_OK;
}

/* mp_stdio_printf - fprintf that reports a failed write as a status */
int
mp_stdio_printf(FILE *fp, GError **err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(fp, fmt, ap);
	va_end(ap);
	if (r < 0)
		return mp_fail(err, mp_errno_status(errno),
		    "write to standard output: %s", g_strerror(errno));
	return MP_OK;
}

/*
 * mp_stdout_finish - flush, sync and close stdout, checking each step
 *
 * An MTA or maildrop treats our exit status as the truth about the
 * message, so a write that failed anywhere must turn into 74 or 75.
 * fsync fails harmlessly on pipes and terminals (EINVAL, ENOTSUP).
 */
int
mp_stdout_finish(GError **err)
{
	int fd = fileno(stdout);

	if (fflush(stdout) != 0 || ferror(stdout))
		return mp_fail(err, mp_errno_status(errno),
		    "write to standard output: %s", g_strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP &&
	    errno != EROFS && errno != EBADF)
		return mp_fail(err, mp_errno_status(errno),
		    "sync standard output: %s", g_strerror(errno));
	if (fclose(stdout) != 0)
		return mp_fail(err, mp_errno_status(errno),
		    "close standard output: %s", g_strerror(errno));
	return MP_OK;
}
