/* zip.c - a password-protected ZIP written by libarchive, checked */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "attach/arcscan.h"
#include "attach/zip.h"

/*
 * Deflate gains nothing on data that is compressed already (JPEG, PNG,
 * ZIP-based Office files, video) and zlib spends most of its time
 * failing to: a sample whose bytes are this close to uniform (8 bits of
 * entropy per byte) is stored instead.  Text is near 4.5, PDF 7.5-7.9.
 */
#define STORE_ENTROPY_BITS 7.95
#define ENTROPY_SAMPLE ((gsize)256 * 1024)

/* mp_zip_cipher_parse - "aes256" or "zipcrypto" */
gboolean
mp_zip_cipher_parse(const char *s, MpZipCipher *out)
{
	if (strcmp(s, "aes256") == 0)
		*out = MP_ZIP_AES256;
	else if (strcmp(s, "zipcrypto") == 0)
		*out = MP_ZIP_ZIPCRYPTO;
	else
		return FALSE;
	return TRUE;
}

/* mp_zip_cipher_name - "aes256" or "zipcrypto" */
const char *
mp_zip_cipher_name(MpZipCipher c)
{
	return c == MP_ZIP_AES256 ? "aes256" : "zipcrypto";
}

/* mp_zip_names_parse - "utf-8" or "cp932" */
gboolean
mp_zip_names_parse(const char *s, MpZipNames *out)
{
	if (g_ascii_strcasecmp(s, "utf-8") == 0)
		*out = MP_ZIP_NAMES_UTF8;
	else if (g_ascii_strcasecmp(s, "cp932") == 0)
		*out = MP_ZIP_NAMES_CP932;
	else
		return FALSE;
	return TRUE;
}

typedef struct {
	MpSpool *spool;
	GError *err;		/* why the spool failed, or NULL */
} Sink;

/* sink_write - libarchive's output, appended to the spool */
static la_ssize_t
sink_write(struct archive *a, void *data, const void *buf, size_t n)
{
	Sink *s = data;

	if (s->err == NULL &&
	    mp_spool_write(s->spool, buf, n, &s->err) == MP_OK)
		return (la_ssize_t)n;
	archive_set_error(a, EIO, "%s", s->err->message);
	return -1;
}

/* zip_error - a libarchive failure as an MP_ERROR; a full disk under
 * the spool is the spool's error (75) */
static int
zip_error(GError **err, struct archive *a, const Sink *sink, const char *what)
{
	const char *why = archive_error_string(a);
	int e = archive_errno(a);

	if (sink->err != NULL)
		return mp_fail(err, sink->err->code, "cannot write the ZIP: %s",
		    sink->err->message);
	return mp_fail(err, e == ENOMEM ? EX_TEMPFAIL : EX_CANTCREAT,
	    "cannot write the ZIP: %s: %s", what,
	    why != NULL ? why : "libarchive gave no reason");
}

/* incompressible - whether a sample of a file looks compressed already */
static gboolean
incompressible(const MpSpool *file, gsize len)
{
	guint64 count[256] = { 0 };
	gsize n = MIN(len, ENTROPY_SAMPLE), i;
	guchar *s;
	double bits = 0;

	if (n < 4096)
		return FALSE;
	s = g_malloc(n);
	/* from the middle: headers are not typical */
	if (mp_spool_read(file, (len - n) / 2, s, n, NULL) != MP_OK) {
		g_free(s);
		return FALSE;
	}
	for (i = 0; i < n; i++)
		count[s[i]]++;
	g_free(s);
	for (i = 0; i < 256; i++)
		if (count[i] > 0) {
			double p = (double)count[i] / (double)n;

			bits -= p * log2(p);
		}
	return bits >= STORE_ENTROPY_BITS;
}

/*
 * entry_name - set an entry's name as the chosen encoding wants it.
 *
 * UTF-8: with hdrcharset=UTF-8 libarchive stores the name as given and
 * sets the language encoding flag (bit 11).  CP932: libarchive's own
 * conversion goes through the locale, and mp runs in the C locale, where
 * hdrcharset=CP932 turns every non-ASCII character into '?'; so the name
 * is converted here and handed over as raw bytes, which libarchive
 * writes unchanged and without the flag.  A character CP932 lacks
 * becomes '_'.
 */
static int
entry_name(struct archive_entry *e, const char *name, MpZipNames names,
    GError **err)
{
	char *cp;

	if (names == MP_ZIP_NAMES_UTF8) {
		archive_entry_set_pathname_utf8(e, name);
		return MP_OK;
	}
	cp = g_convert_with_fallback(name, -1, "CP932", "UTF-8", "_", NULL,
	    NULL, NULL);
	if (cp == NULL)
		return mp_fail(err, EX_DATAERR,
		    "cannot write the file name \"%s\" in CP932", name);
	archive_entry_copy_pathname(e, cp);
	g_free(cp);
	return MP_OK;
}

/*
 * mp_zip_build - entries as one encrypted ZIP in a spool, checked
 *
 * Every libarchive call is checked, and the result is read back before
 * it is used: libarchive takes an option it does not apply, or a
 * build without crypto support, as a reason to write the entries in the
 * clear, and an unencrypted ZIP must never go out as if it were not.
 */
int
mp_zip_build(const MpZipEntry *entries, guint n, const char *password,
    const MpZipOpts *opts, MpSpool **out, GError **err)
{
	Sink sink = { NULL, NULL };
	struct archive *a = NULL;
	char *options;
	guchar *buf = NULL;
	guint i;
	int status;

	*out = NULL;
	if ((status = mp_spool_new(&sink.spool, err)) != MP_OK)
		return status;
	a = archive_write_new();
	options = g_strdup_printf("zip:encryption=%s,zip:compression-level=%d%s",
	    opts->cipher == MP_ZIP_AES256 ? "aes256" : "traditional",
	    opts->level, opts->names == MP_ZIP_NAMES_UTF8 ?
	    ",zip:hdrcharset=UTF-8" : "");
	if (a == NULL)
		status = mp_fail(err, EX_TEMPFAIL, "cannot write the ZIP: "
		    "out of memory");
	else if (archive_write_set_format_zip(a) != ARCHIVE_OK)
		status = zip_error(err, a, &sink, "format");
	else if (archive_write_set_options(a, options) != ARCHIVE_OK)
		status = zip_error(err, a, &sink, options);
	else if (archive_write_set_passphrase(a, password) != ARCHIVE_OK)
		status = zip_error(err, a, &sink, "password");
	/* no padding to a block size: the ZIP ends where its data ends */
	else if (archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK)
		status = zip_error(err, a, &sink, "block size");
	else if (archive_write_open2(a, &sink, NULL, sink_write, NULL, NULL) !=
	    ARCHIVE_OK)
		status = zip_error(err, a, &sink, "open");
	buf = g_malloc(MP_SPOOL_BLOCK);
	for (i = 0; i < n && status == MP_OK; i++) {
		struct archive_entry *e = archive_entry_new();
		const MpSpool *file = entries[i].file;
		gsize size = mp_spool_size(file), off;

		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)size);
		archive_entry_set_mtime(e, (time_t)opts->mtime, 0);
		status = entry_name(e, entries[i].name, opts->names, err);
		if (status == MP_OK && opts->level > 0 &&
		    (incompressible(file, size) ?
		    archive_write_zip_set_compression_store(a) :
		    archive_write_zip_set_compression_deflate(a)) != ARCHIVE_OK)
			status = zip_error(err, a, &sink, "compression");
		if (status == MP_OK && archive_write_header(a, e) != ARCHIVE_OK)
			status = zip_error(err, a, &sink, entries[i].name);
		/* a block at a time: the file is never in memory whole */
		for (off = 0; status == MP_OK && off < size; off += MP_SPOOL_BLOCK) {
			gsize k = MIN(MP_SPOOL_BLOCK, size - off);

			if ((status = mp_spool_read(file, off, buf, k, err)) ==
			    MP_OK && archive_write_data(a, buf, k) !=
			    (la_ssize_t)k)
				status = zip_error(err, a, &sink,
				    entries[i].name);
		}
		if (status == MP_OK && archive_write_finish_entry(a) !=
		    ARCHIVE_OK)
			status = zip_error(err, a, &sink, entries[i].name);
		archive_entry_free(e);
	}
	if (status == MP_OK && archive_write_close(a) != ARCHIVE_OK)
		status = zip_error(err, a, &sink, "close");
	if (a != NULL)
		archive_write_free(a);
	g_free(buf);
	g_free(options);
	g_clear_error(&sink.err);
	if (status == MP_OK)
		status = mp_spool_finish(sink.spool, err);
	if (status == MP_OK)
		status = mp_zip_check_encrypted(sink.spool, n, err);
	if (status != MP_OK) {
		mp_spool_free(sink.spool);
		return status;
	}
	*out = sink.spool;
	return MP_OK;
}

/* mp_zip_check_encrypted - all n entries are there, none in the clear */
int
mp_zip_check_encrypted(const MpSpool *zip, guint n, GError **err)
{
	MpArchiveScan scan;

	mp_archive_scan_spool(zip, &scan);
	if (strncmp(scan.format, "ZIP", 3) != 0 || scan.entries != n)
		return mp_fail(err, EX_CANTCREAT, "the ZIP written does not "
		    "read back: %u of %u entries", scan.entries, n);
	/* an empty file has no data to encrypt, and no flag */
	if (scan.plain > 0 || !scan.whole)
		return mp_fail(err, EX_CANTCREAT, "the ZIP written is not "
		    "encrypted: %u of %u entries are in the clear", scan.plain,
		    n);
	return MP_OK;
}
