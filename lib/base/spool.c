/* spool.c - bytes in an unlinked temporary file, off the heap */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/output.h"
#include "base/spool.h"

struct MpSpool {
	int fd;			/* the file, or -1 while all is in mem */
	gsize size;		/* bytes written */
	guchar *mem;		/* fd < 0: the bytes; else a write buffer */
	gsize cap, fill;	/* mem's size and the bytes in it */
	gboolean finished;
};

/* spool_fail - a failed system call on the spool as an MP_ERROR */
static int
spool_fail(GError **err, int errnum, const char *what)
{
	return mp_fail(err, mp_errno_status(errnum), "cannot %s a temporary "
	    "file in %s: %s", what, g_get_tmp_dir(), g_strerror(errnum));
}

/* mp_spool_new - an empty spool */
int
mp_spool_new(MpSpool **out, GError **err)
{
	(void)err;
	*out = g_new0(MpSpool, 1);
	(*out)->fd = -1;
	return MP_OK;
}

/* spool_open - the file without a name, in TMPDIR */
static int
spool_open(GError **err)
{
	const char *dir = g_get_tmp_dir();
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	/* file systems without O_TMPFILE: a name, gone again at once */
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR ||
	    errno == EINVAL)) {
		char *path = g_build_filename(dir, "mp-spool.XXXXXX", NULL);

		fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0)
			unlink(path);
		g_free(path);
	}
	if (fd < 0)
		return -spool_fail(err, errno, "create");
	return fd;
}

/* flush - write out what is buffered */
static int
flush(MpSpool *sp, GError **err)
{
	gsize done = 0;

	while (done < sp->fill) {
		ssize_t r = write(sp->fd, sp->mem + done, sp->fill - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return spool_fail(err, errno, "write");
		done += (gsize)r;
	}
	sp->fill = 0;
	return MP_OK;
}

/* mp_spool_write - append n bytes */
int
mp_spool_write(MpSpool *sp, const void *data, gsize n, GError **err)
{
	const guchar *d = data;
	int status;

	g_return_val_if_fail(!sp->finished, EX_SOFTWARE);
	if (n == 0)
		return MP_OK;
	if (sp->fd < 0 && sp->size + n > MP_SPOOL_MEMORY) {
		int fd = spool_open(err);

		if (fd < 0)
			return -fd;
		sp->fd = fd;
		if ((status = flush(sp, err)) != MP_OK)
			return status;
		sp->mem = g_realloc(sp->mem, MP_SPOOL_BLOCK);
		sp->cap = MP_SPOOL_BLOCK;
	}
	if (sp->fd < 0) {
		if (sp->size + n > sp->cap) {
			sp->cap = MIN(MAX(sp->size + n, sp->cap * 2),
			    MP_SPOOL_MEMORY);
			sp->mem = g_realloc(sp->mem, sp->cap);
		}
		memcpy(sp->mem + sp->fill, d, n);
		sp->fill += n;
		sp->size += n;
		return MP_OK;
	}
	while (n > 0) {
		gsize k = MIN(n, sp->cap - sp->fill);

		memcpy(sp->mem + sp->fill, d, k);
		sp->fill += k;
		sp->size += k;
		d += k;
		n -= k;
		if (sp->fill == sp->cap && (status = flush(sp, err)) != MP_OK)
			return status;
	}
	return MP_OK;
}

/* mp_spool_finish - flush what is buffered: the spool can be read */
int
mp_spool_finish(MpSpool *sp, GError **err)
{
	int status = MP_OK;

	if (sp->finished)
		return MP_OK;
	sp->finished = TRUE;
	if (sp->fd >= 0) {
		status = flush(sp, err);
		g_clear_pointer(&sp->mem, g_free);
	}
	return status;
}

/* mp_spool_size - bytes written so far */
gsize
mp_spool_size(const MpSpool *sp)
{
	return sp->size;
}

/* mp_spool_data - the bytes, when they are in memory (else NULL) */
const guchar *
mp_spool_data(const MpSpool *sp)
{
	return sp->fd < 0 ? (sp->mem != NULL ? sp->mem :
	    (const guchar *)"") : NULL;
}

/* mp_spool_fd - the file, when the bytes are in one (else -1) */
int
mp_spool_fd(const MpSpool *sp)
{
	return sp->fd;
}

/* mp_spool_read - exactly n bytes at off, once finished */
int
mp_spool_read(const MpSpool *sp, gsize off, void *buf, gsize n,
    GError **err)
{
	gsize done = 0;

	g_return_val_if_fail(sp->finished, EX_SOFTWARE);
	if (off > sp->size || n > sp->size - off)
		return mp_fail(err, EX_SOFTWARE, "a temporary file is shorter "
		    "than written");
	if (sp->fd < 0) {
		if (n > 0)
			memcpy(buf, sp->mem + off, n);
		return MP_OK;
	}
	while (done < n) {
		ssize_t r = pread(sp->fd, (guchar *)buf + done, n - done,
		    (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return spool_fail(err, errno, "read");
		if (r == 0)
			return mp_fail(err, EX_IOERR, "a temporary file in %s "
			    "is shorter than written", g_get_tmp_dir());
		done += (gsize)r;
	}
	return MP_OK;
}

/* mp_spool_put - the whole spool written to a stream */
int
mp_spool_put(const MpSpool *sp, FILE *fp, GError **err)
{
	guchar *buf;
	gsize off = 0;
	int status = MP_OK;

	if (sp->fd < 0)
		return mp_stdio_put(fp, (const char *)mp_spool_data(sp),
		    sp->size, err);
	buf = g_malloc(MP_SPOOL_BLOCK);
	while (status == MP_OK && off < sp->size) {
		gsize k = MIN(MP_SPOOL_BLOCK, sp->size - off);

		if ((status = mp_spool_read(sp, off, buf, k, err)) == MP_OK)
			status = mp_stdio_put(fp, (const char *)buf, k, err);
		off += k;
	}
	g_free(buf);
	return status;
}

/* mp_spool_free - close and forget (NULL: nothing) */
void
mp_spool_free(MpSpool *sp)
{
	if (sp == NULL)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	g_free(sp->mem);
	g_free(sp);
}
