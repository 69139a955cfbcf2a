/* batch.c - one message, an mbox or a Maildir, message by message */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/batch.h"

static int deliver(const MpSource *src, MpMessage *msg, int status,
    GError *why, MpMessageFunc fn, gpointer data);

/* mp_source_label - "FILE:N" for an mbox message, the path otherwise */
char *
mp_source_label(const MpSource *src)
{
	switch (src->kind) {
	case MP_SOURCE_STDIN:
		return g_strdup("-");
	case MP_SOURCE_MBOX:
		return g_strdup_printf("%s:%" G_GUINT64_FORMAT, src->path,
		    src->index);
	default:
		return g_strdup(src->path);
	}
}

/* deliver - hand one message or its error to fn and free both */
static int
deliver(const MpSource *src, MpMessage *msg, int status, GError *why,
    MpMessageFunc fn, gpointer data)
{
	int r = fn(src, msg, status, why, data);

	mp_message_free(msg);
	if (why != NULL)
		g_error_free(why);
	return r;
}

/* mp_batch_stdin - standard input as one message */
int
mp_batch_stdin(const MpLimits *limits, MpMessageFunc fn, gpointer data,
    GError **err)
{
	MpSource src = { MP_SOURCE_STDIN, "-", 0, 0 };
	MpMessage *msg = NULL;
	GError *why = NULL;
	int status;

	(void)err;
	status = mp_message_read_fd(0, limits, &msg, &why);
	return deliver(&src, msg, status, why, fn, data);
}

/* mp_batch_file - a file holding one message */
int
mp_batch_file(const char *path, gboolean head, const MpLimits *limits,
    MpMessageFunc fn, gpointer data, GError **err)
{
	MpSource src = { MP_SOURCE_FILE, path, 0, 0 };
	MpMessage *msg = NULL;
	GError *why = NULL;
	int status;

	(void)err;
	status = head ? mp_message_read_head(path, limits, &msg, &why) :
	    mp_message_read_path(path, limits, &msg, &why);
	return deliver(&src, msg, status, why, fn, data);
}

/*
 * next_from - offset of the next message separator after pos: a line
 * starting "From " that follows an empty line.  Requiring the empty line
 * (which mbox writers put before every From_ line) keeps an unescaped
 * "From " in a body from splitting a message in two.  Always > pos, so
 * the split always advances.
 */
static gsize
next_from(const char *d, gsize len, gsize pos)
{
	const char *p = d + pos;
	const char *end = d + len;

	while ((p = memmem(p, (gsize)(end - p), "\nFrom ", 6)) != NULL) {
		gsize at = (gsize)(p - d) + 1;

		if ((p - d >= 1 && p[-1] == '\n') ||
		    (p - d >= 2 && p[-1] == '\r' && p[-2] == '\n'))
			return at;
		p++;
	}
	return len;
}

/*
 * mp_batch_mbox - every message of an mbox file
 *
 * The file is mapped and split here rather than by GMime's mbox parser,
 * which can stop advancing for good on a part whose header runs into a
 * very long line; each message is then read on its own.
 */
int
mp_batch_mbox(const char *path, const MpLimits *limits, MpMessageFunc fn,
    gpointer data, GError **err)
{
	MpSource src = { MP_SOURCE_MBOX, path, 0, 0 };
	struct stat st;
	const char *d;
	void *map;
	gsize len, pos = 0;
	int fd, status = MP_OK;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mp_fail(err, EX_NOINPUT, "%s: %s", path,
		    g_strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mp_fail(err, EX_NOINPUT, "%s: not a regular file", path);
	}
	len = (gsize)st.st_size;
	if (len == 0) {
		close(fd);
		return MP_OK;
	}
	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return mp_fail(err, EX_IOERR, "%s: mmap: %s", path,
		    g_strerror(errno));
	d = map;
	if (len < 5 || memcmp(d, "From ", 5) != 0) {
		munmap(map, len);
		return mp_fail(err, EX_DATAERR,
		    "%s: not an mbox file (no From line at the start)", path);
	}
	while (pos < len && status == MP_OK) {
		gsize next = next_from(d, len, pos), end = next;
		MpMessage *msg = NULL;
		GError *why = NULL;
		int st2;

		/* The empty line before the next From_ belongs to the mbox. */
		if (next < len) {
			if (end >= 2 && d[end - 2] == '\r')
				end -= 2;
			else
				end -= 1;
		}
		src.index++;
		src.offset = pos;
		if (end - pos > limits->message_bytes)
			st2 = mp_fail(&why, EX_DATAERR,
			    "message larger than message-bytes limit "
			    "(%" G_GSIZE_FORMAT " bytes)", limits->message_bytes);
		else
			st2 = mp_message_new_borrowed(d + pos, end - pos, limits,
			    &msg, &why);
		status = deliver(&src, msg, st2, why, fn, data);
		pos = next;
	}
	munmap(map, len);
	return status;
}

/*
 * maildir_read - one file of a Maildir.  Opened without blocking and
 * checked before a byte is read: a FIFO (or a device) that a user or an
 * attacker left in cur/ or new/ would otherwise block the batch for
 * ever.  It is skipped as a message that cannot be read.
 */
static int
maildir_read(const char *path, gboolean head, const MpLimits *limits,
    MpMessage **out, GError **err)
{
	struct stat st;
	int fd, flags, status;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mp_fail(err, EX_NOINPUT, "%s", g_strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mp_fail(err, EX_NOINPUT, "not a regular file, skipped");
	}
	if (head) {
		close(fd);
		return mp_message_read_head(path, limits, out, err);
	}
	if ((flags = fcntl(fd, F_GETFL)) >= 0)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	status = mp_message_read_fd(fd, limits, out, err);
	close(fd);
	return status;
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mp_batch_maildir - every message in DIR/cur and DIR/new, sorted */
int
mp_batch_maildir(const char *dir, gboolean head, const MpLimits *limits,
    MpMessageFunc fn, gpointer data, GError **err)
{
	static const char *subs[] = { "cur", "new" };
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	guint s, i;
	int found = 0, status = MP_OK;

	for (s = 0; s < G_N_ELEMENTS(subs); s++) {
		char *sub = g_build_filename(dir, subs[s], NULL);
		GDir *gd = g_dir_open(sub, 0, NULL);
		const char *name;

		if (gd != NULL) {
			found++;
			while ((name = g_dir_read_name(gd)) != NULL)
				if (name[0] != '.')
					g_ptr_array_add(files,
					    g_build_filename(sub, name, NULL));
			g_dir_close(gd);
		}
		g_free(sub);
	}
	if (found == 0) {
		g_ptr_array_free(files, TRUE);
		return mp_fail(err, EX_NOINPUT,
		    "%s: not a Maildir (no cur/ or new/)", dir);
	}
	g_ptr_array_sort(files, cmp_names);
	for (i = 0; i < files->len && status == MP_OK; i++) {
		MpSource src = { MP_SOURCE_MAILDIR, files->pdata[i], i + 1, 0 };
		MpMessage *msg = NULL;
		GError *why = NULL;
		int st2;

		st2 = maildir_read(files->pdata[i], head, limits, &msg, &why);
		status = deliver(&src, msg, st2, why, fn, data);
	}
	g_ptr_array_free(files, TRUE);
	return status;
}
