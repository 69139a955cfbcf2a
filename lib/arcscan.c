/* arcscan.c - what an archive is, read from its bytes with caps */
#include <errno.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "arcscan.h"

typedef struct {
	const guchar *data;
	gsize len;
	gsize pos;
	gsize read;		/* bytes handed to libarchive so far */
} Source;

/* BLOCK - how much one read callback hands libarchive */
#define BLOCK ((gsize)64 * 1024)

/* source_read - the next block, or nothing once the read cap is hit */
static la_ssize_t
source_read(struct archive *a, void *data, const void **buf)
{
	Source *s = data;
	gsize n = MIN(BLOCK, s->len - s->pos);

	if (s->read + n > MP_ARCSCAN_READ_BYTES) {
		archive_set_error(a, EFBIG, "read cap reached");
		return ARCHIVE_FATAL;
	}
	*buf = s->data + s->pos;
	s->pos += n;
	s->read += n;
	return (la_ssize_t)n;
}

/* source_skip - skip forward without counting: nothing is read */
static la_int64_t
source_skip(struct archive *a, void *data, la_int64_t request)
{
	Source *s = data;
	gsize n = MIN((gsize)request, s->len - s->pos);

	(void)a;
	s->pos += n;
	return (la_int64_t)n;
}

/* source_seek - the ZIP reader seeks to the central directory */
static la_int64_t
source_seek(struct archive *a, void *data, la_int64_t offset, int whence)
{
	Source *s = data;
	la_int64_t base = whence == SEEK_SET ? 0 :
	    whence == SEEK_CUR ? (la_int64_t)s->pos : (la_int64_t)s->len;

	(void)a;
	if (base + offset < 0 || base + offset > (la_int64_t)s->len)
		return ARCHIVE_FATAL;
	s->pos = (gsize)(base + offset);
	return (la_int64_t)s->pos;
}

/*
 * mp_archive_scan - whether bytes are a ZIP, 7z or RAR and encrypted
 *
 * libarchive tells from the bytes, not from a file name or MIME type.
 * An entry with the encryption flag, or headers that are themselves
 * encrypted (7z -mhe, RAR -hp: libarchive then cannot list the entries
 * and says so), make the archive encrypted.
 */
void
mp_archive_scan(const guchar *data, gsize len, MpArchiveScan *out)
{
	Source src = { data, len, 0, 0 };
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;

	memset(out, 0, sizeof *out);
	out->kind = MP_ARCHIVE_NONE;
	if (a == NULL)
		return;
	/* formats only, no filters: a compressed tarball is not a ZIP */
	if (archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_support_format_7zip(a) != ARCHIVE_OK ||
	    archive_read_support_format_rar(a) != ARCHIVE_OK ||
	    archive_read_support_format_rar5(a) != ARCHIVE_OK ||
	    archive_read_set_callback_data(a, &src) != ARCHIVE_OK ||
	    archive_read_set_read_callback(a, source_read) != ARCHIVE_OK ||
	    archive_read_set_skip_callback(a, source_skip) != ARCHIVE_OK ||
	    archive_read_set_seek_callback(a, source_seek) != ARCHIVE_OK ||
	    archive_read_open1(a) != ARCHIVE_OK) {
		archive_read_free(a);
		return;
	}
	for (;;) {
		if (out->entries >= MP_ARCSCAN_ENTRIES) {
			out->capped = TRUE;
			break;
		}
		r = archive_read_next_header(a, &e);
		if (*out->format == '\0' && archive_format_name(a) != NULL)
			g_strlcpy(out->format, archive_format_name(a),
			    sizeof out->format);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			out->capped = src.read >= MP_ARCSCAN_READ_BYTES;
			break;
		}
		if (out->kind == MP_ARCHIVE_NONE)
			out->kind = MP_ARCHIVE_PLAIN;
		out->entries++;
		if (archive_entry_is_encrypted(e))
			out->encrypted++;
		else if (!archive_entry_size_is_set(e) ||
		    archive_entry_size(e) > 0)
			out->plain++;
		if (archive_read_data_skip(a) < ARCHIVE_WARN)
			break;
	}
	/* encrypted headers: known as encrypted, though nothing was listed */
	if (out->encrypted > 0 || archive_read_has_encrypted_entries(a) > 0)
		out->kind = MP_ARCHIVE_ENCRYPTED;
	archive_read_free(a);
}
