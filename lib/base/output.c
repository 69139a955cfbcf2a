/* output.c - output that is complete or an error, never half of it */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <unistd.h>

#include "base/output.h"

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

/* mp_fsync_dir - make a rename (or a new name) in dir durable */
int
mp_fsync_dir(const char *dir, GError **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r, e;

	if (fd < 0)
		return mp_fail(err, mp_errno_status(errno), "%s: %s", dir,
		    g_strerror(errno));
	r = fsync(fd);
	e = errno;
	close(fd);
	/* some file systems cannot sync a directory; the rename stands */
	if (r != 0 && e != EINVAL && e != EROFS)
		return mp_fail(err, mp_errno_status(e), "sync %s: %s", dir,
		    g_strerror(e));
	return MP_OK;
}

/* mp_write_file_atomic - path holds data, or what it held before */
int
mp_write_file_atomic(const char *path, const char *data, gsize len,
    int mode, GError **err)
{
	char *dir = g_path_get_dirname(path), *base = g_path_get_basename(path);
	char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
	int fd, status;

	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0) {
		status = mp_fail(err, EX_CANTCREAT, "%s: %s", tmp,
		    g_strerror(errno));
		goto done;
	}
	/* the mode asked for, whatever the umask: a reader in another
	 * account (the Postfix filter user) must not depend on it */
	if (fchmod(fd, (mode_t)mode) != 0)
		status = mp_fail(err, mp_errno_status(errno), "chmod %s: %s",
		    tmp, g_strerror(errno));
	else
		status = mp_write_all(fd, data, len, tmp, err);
	if (status == MP_OK && fsync(fd) != 0)
		status = mp_fail(err, mp_errno_status(errno), "sync %s: %s",
		    tmp, g_strerror(errno));
	if (close(fd) != 0 && status == MP_OK)
		status = mp_fail(err, mp_errno_status(errno), "close %s: %s",
		    tmp, g_strerror(errno));
	if (status == MP_OK && rename(tmp, path) != 0)
		status = mp_fail(err, mp_errno_status(errno), "rename to %s: %s",
		    path, g_strerror(errno));
	if (status != MP_OK)
		unlink(tmp);
	else
		status = mp_fsync_dir(dir, err);
done:
	g_free(tmp);
	g_free(base);
	g_free(dir);
	return status;
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
