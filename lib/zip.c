/* zip.c - a password-protected ZIP written by libarchive, checked */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "arcscan.h"
#include "zip.h"

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

/* sink_write - libarchive's output, appended to a GByteArray */
static la_ssize_t
sink_write(struct archive *a, void *data, const void *buf, size_t n)
{
	(void)a;
	g_byte_array_append(data, buf, (guint)n);
	return (la_ssize_t)n;
}

/* zip_error - a libarchive failure as an MP_ERROR */
static int
zip_error(GError **err, struct archive *a, const char *what)
{
	const char *why = archive_error_string(a);
	int e = archive_errno(a);

	return mp_fail(err, e == ENOMEM ? EX_TEMPFAIL : EX_CANTCREAT,
	    "cannot write the ZIP: %s: %s", what,
	    why != NULL ? why : "libarchive gave no reason");
}

/* incompressible - whether a sample of data looks compressed already */
static gboolean
incompressible(const guchar *data, gsize len)
{
	guint64 count[256] = { 0 };
	gsize n = MIN(len, ENTROPY_SAMPLE), i;
	const guchar *s = data + (len - n) / 2;	/* headers are not typical */
	double bits = 0;

	if (n < 4096)
		return FALSE;
	for (i = 0; i < n; i++)
		count[s[i]]++;
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
 * mp_zip_build - entries as one encrypted ZIP in memory, checked
 *
 * Every libarchive call is checked, and the result is read back before
 * it is used: libarchive takes an option it does not apply, or a
 * build without crypto support, as a reason to write the entries in the
 * clear, and an unencrypted ZIP must never go out as if it were not.
 */
int
mp_zip_build(const MpZipEntry *entries, guint n, const char *password,
    const MpZipOpts *opts, GBytes **out, GError **err)
{
	GByteArray *buf = g_byte_array_new();
	struct archive *a = archive_write_new();
	char *options;
	guint i;
	int status = MP_OK;

	*out = NULL;
	options = g_strdup_printf("zip:encryption=%s,zip:compression-level=%d%s",
	    opts->cipher == MP_ZIP_AES256 ? "aes256" : "traditional",
	    opts->level, opts->names == MP_ZIP_NAMES_UTF8 ?
	    ",zip:hdrcharset=UTF-8" : "");
	if (a == NULL)
		status = mp_fail(err, EX_TEMPFAIL, "cannot write the ZIP: "
		    "out of memory");
	else if (archive_write_set_format_zip(a) != ARCHIVE_OK)
		status = zip_error(err, a, "format");
	else if (archive_write_set_options(a, options) != ARCHIVE_OK)
		status = zip_error(err, a, options);
	else if (archive_write_set_passphrase(a, password) != ARCHIVE_OK)
		status = zip_error(err, a, "password");
	/* no padding to a block size: the ZIP ends where its data ends */
	else if (archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK)
		status = zip_error(err, a, "block size");
	else if (archive_write_open2(a, buf, NULL, sink_write, NULL, NULL) !=
	    ARCHIVE_OK)
		status = zip_error(err, a, "open");
	for (i = 0; i < n && status == MP_OK; i++) {
		struct archive_entry *e = archive_entry_new();
		gsize size;
		const void *d = g_bytes_get_data(entries[i].data, &size);

		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)size);
		archive_entry_set_mtime(e, (time_t)opts->mtime, 0);
		status = entry_name(e, entries[i].name, opts->names, err);
		if (status == MP_OK && opts->level > 0 &&
		    (incompressible(d, size) ?
		    archive_write_zip_set_compression_store(a) :
		    archive_write_zip_set_compression_deflate(a)) != ARCHIVE_OK)
			status = zip_error(err, a, "compression");
		if (status == MP_OK && archive_write_header(a, e) != ARCHIVE_OK)
			status = zip_error(err, a, entries[i].name);
		if (status == MP_OK && size > 0 &&
		    archive_write_data(a, d, size) != (la_ssize_t)size)
			status = zip_error(err, a, entries[i].name);
		if (status == MP_OK && archive_write_finish_entry(a) !=
		    ARCHIVE_OK)
			status = zip_error(err, a, entries[i].name);
		archive_entry_free(e);
	}
	if (status == MP_OK && archive_write_close(a) != ARCHIVE_OK)
		status = zip_error(err, a, "close");
	if (a != NULL)
		archive_write_free(a);
	g_free(options);
	if (status != MP_OK) {
		g_byte_array_free(buf, TRUE);
		return status;
	}
	*out = g_byte_array_free_to_bytes(buf);
	if ((status = mp_zip_check_encrypted(*out, n, err)) != MP_OK)
		g_clear_pointer(out, g_bytes_unref);
	return status;
}

/* mp_zip_check_encrypted - all n entries are there, none in the clear */
int
mp_zip_check_encrypted(GBytes *zip, guint n, GError **err)
{
	MpArchiveScan scan;
	gsize len;
	const guchar *d = g_bytes_get_data(zip, &len);

	mp_archive_scan(d, len, &scan);
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
