/* arcscan.c - what an archive is, read from its bytes with caps */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "attach/arcscan.h"

/*
 * "Already encrypted" is a claim a sender can make with one bit, so an
 * archive counts as encrypted only when all of these hold:
 *
 * - it is the whole file: the format's signature at offset 0, and for
 *   ZIP the central directory, for 7z the start header accounts for
 *   every byte (nothing appended, nothing in front, no ZIP comment);
 * - libarchive reads it to the end within the caps, and every entry
 *   with content is encrypted (an empty entry, like a folder, has
 *   nothing to hide), or its headers are (7z -mhe, RAR -hp);
 * - for ZIP, each local header matches its central-directory entry,
 *   the entries follow each other without a gap, and no entry that
 *   claims encryption reads in the clear: its sizes leave room for the
 *   encryption header, and its data, stored or inflated, does not give
 *   the CRC the directory names.
 *
 * Anything else is treated as not encrypted, and gets encrypted again:
 * a wrong "plain" costs a second password, a wrong "encrypted" sends a
 * file in the clear.
 */

typedef struct {
	const guchar *data;	/* the bytes, or NULL: read fd */
	int fd;
	gsize len;
	gsize pos;		/* libarchive's position */
	gsize read;		/* bytes read (and inflated) so far */
	guchar *buf;		/* one block, for libarchive's fd reads */
} Source;

/* BLOCK - how much one read hands libarchive, or a check reads */
#define BLOCK ((gsize)64 * 1024)

static const guchar sig_zip[] = { 'P', 'K', 3, 4 };
static const guchar sig_7z[] = { '7', 'z', 0xbc, 0xaf, 0x27, 0x1c };
static const guchar sig_rar4[] = { 'R', 'a', 'r', '!', 0x1a, 7, 0 };
static const guchar sig_rar5[] = { 'R', 'a', 'r', '!', 0x1a, 7, 1, 0 };

typedef enum { SIG_NONE, SIG_ZIP, SIG_7Z, SIG_RAR } Sig;

/* source_pread - n bytes at off into dst, counted; FALSE past the end,
 * over the cap or on a read error */
static gboolean
source_pread(Source *s, gsize off, void *dst, gsize n)
{
	gsize done = 0;

	if (off > s->len || n > s->len - off ||
	    s->read + n > MP_ARCSCAN_READ_BYTES)
		return FALSE;
	s->read += n;
	if (s->data != NULL) {
		memcpy(dst, s->data + off, n);
		return TRUE;
	}
	while (done < n) {
		ssize_t r = pread(s->fd, (guchar *)dst + done, n - done,
		    (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return FALSE;
		done += (gsize)r;
	}
	return TRUE;
}

/* source_read - libarchive's next block, or an error at the read cap */
static la_ssize_t
source_read(struct archive *a, void *data, const void **buf)
{
	Source *s = data;
	gsize n = MIN(BLOCK, s->len - s->pos);

	if (s->read + n > MP_ARCSCAN_READ_BYTES) {
		archive_set_error(a, EFBIG, "read cap reached");
		return ARCHIVE_FATAL;
	}
	if (s->data != NULL) {
		*buf = s->data + s->pos;
		s->read += n;
	} else {
		if (!source_pread(s, s->pos, s->buf, n)) {
			archive_set_error(a, EIO, "cannot read");
			return ARCHIVE_FATAL;
		}
		*buf = s->buf;
	}
	s->pos += n;
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

/* le16 - a little-endian 16-bit number */
static guint
le16(const guchar *p)
{
	return (guint)p[0] | (guint)p[1] << 8;
}

/* le32 - a little-endian 32-bit number */
static guint32
le32(const guchar *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	    (guint32)p[3] << 24;
}

/* signature - which format's signature the file starts with */
static Sig
signature(Source *s)
{
	guchar head[8] = { 0 };

	if (!source_pread(s, 0, head, MIN(s->len, sizeof head)))
		return SIG_NONE;
	if (memcmp(head, sig_zip, sizeof sig_zip) == 0)
		return SIG_ZIP;
	if (memcmp(head, sig_7z, sizeof sig_7z) == 0)
		return SIG_7Z;
	if (memcmp(head, sig_rar4, sizeof sig_rar4) == 0 ||
	    memcmp(head, sig_rar5, sizeof sig_rar5) == 0)
		return SIG_RAR;
	return SIG_NONE;
}

/* sevenzip_whole - whether the 7z start header accounts for the file:
 * 32 bytes, then the packed streams, then the next header, then nothing */
static gboolean
sevenzip_whole(Source *s)
{
	guchar h[32];
	guint64 off, size;

	if (!source_pread(s, 0, h, sizeof h))
		return FALSE;
	off = (guint64)le32(h + 12) | (guint64)le32(h + 16) << 32;
	size = (guint64)le32(h + 20) | (guint64)le32(h + 24) << 32;
	return off <= s->len && size <= s->len &&
	    32 + off + size == (guint64)s->len;
}

typedef struct {
	guint flags, method;
	guint32 crc;
	gsize csize, usize, offset;
	guint nlen;
	guchar *name;
	guchar *extra;
	guint xlen;
} ZipEntry;

/* zip_entries_free - release the entries read from a central directory */
static void
zip_entries_free(GArray *ents)
{
	guint i;

	for (i = 0; i < ents->len; i++) {
		g_free(g_array_index(ents, ZipEntry, i).name);
		g_free(g_array_index(ents, ZipEntry, i).extra);
	}
	g_array_free(ents, TRUE);
}

/*
 * reads_clear - whether n bytes at off, taken as unencrypted data of
 * method, read as such: stored, they have the entry's size and CRC;
 * deflated, they inflate to the end of the stream using every byte
 * (whatever size they claim: ciphertext all but never does).  Then,
 * whatever the flag says, they are in the clear.  Data that cannot be
 * read within the cap counts as clear, and so does data of any other
 * method (bzip2, LZMA, ...): what is not read cannot be shown to be
 * ciphertext, and the archive is zipped again rather than passed.
 */
static gboolean
reads_clear(Source *s, gsize off, gsize n, guint method, guint32 crc,
    gsize usize)
{
	guchar in[BLOCK], outb[BLOCK];
	z_stream z;
	gsize done = 0, out = 0;
	uLong sum = crc32(0, NULL, 0);
	int r = Z_OK;

	if (method == 0) {
		if (n != usize || n == 0)
			return FALSE;
		while (done < n) {
			gsize k = MIN(BLOCK, n - done);

			if (!source_pread(s, off + done, in, k))
				return TRUE;	/* the cap: cannot tell */
			sum = crc32(sum, in, (uInt)k);
			done += k;
		}
		return sum == crc;
	}
	if (method != 8)
		return TRUE;	/* bzip2, LZMA: not read, so not proven */
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return FALSE;
	while (r == Z_OK && done < n) {
		gsize k = MIN(BLOCK, n - done);

		if (!source_pread(s, off + done, in, k)) {
			inflateEnd(&z);
			return TRUE;	/* the cap: cannot tell */
		}
		done += k;
		z.next_in = in;
		z.avail_in = (uInt)k;
		do {
			z.next_out = outb;
			z.avail_out = (uInt)sizeof outb;
			r = inflate(&z, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END)
				break;
			k = sizeof outb - z.avail_out;
			sum = crc32(sum, outb, (uInt)k);
			out += k;
			if (s->read + k > MP_ARCSCAN_READ_BYTES) {
				inflateEnd(&z);
				return TRUE;
			}
			s->read += k;
		} while (r == Z_OK && z.avail_out == 0);
	}
	inflateEnd(&z);
	/* an empty stream reveals nothing */
	return r == Z_STREAM_END && z.avail_in == 0 && done == n && out > 0;
}

/* aes_field - the WinZip AES extra field (0x9901): strength, method */
static gboolean
aes_field(const ZipEntry *e, guint *strength, guint *method)
{
	guint at = 0;

	while (at + 4 <= e->xlen) {
		guint id = le16(e->extra + at), size = le16(e->extra + at + 2);

		if (at + 4 + size > e->xlen)
			return FALSE;
		if (id == 0x9901 && size == 7 && e->extra[at + 6] == 'A' &&
		    e->extra[at + 7] == 'E') {
			*strength = e->extra[at + 8];
			*method = le16(e->extra + at + 9);
			return TRUE;
		}
		at += 4 + size;
	}
	return FALSE;
}

/* zip_entry_encrypted - whether an entry that claims encryption, its
 * data at off, is encrypted as far as can be told without the password */
static gboolean
zip_entry_encrypted(Source *s, const ZipEntry *e, gsize off)
{
	guint strength, method;
	gsize salt, over;

	if (e->method == 99) {		/* WinZip AES */
		if (!aes_field(e, &strength, &method) || strength < 1 ||
		    strength > 3)
			return FALSE;
		salt = 4 + 4 * strength;
		over = salt + 2 + 10;	/* salt, verifier, MAC */
		if (e->csize < over ||
		    (method == 0 && e->csize != e->usize + over))
			return FALSE;
		return !reads_clear(s, off + salt + 2, e->csize - over, method,
		    e->crc, e->usize);
	}
	/* traditional PKWARE: a 12-byte header before the data */
	if (e->csize < 12 || (e->method == 0 && e->csize != e->usize + 12))
		return FALSE;
	return !reads_clear(s, off, e->csize, e->method, e->crc, e->usize) &&
	    !reads_clear(s, off + 12, e->csize - 12, e->method, e->crc,
	    e->usize);
}

/* zip_central - the central directory's entries, or why not */
static const char *
zip_central(Source *s, GArray *ents, gsize *cd_off)
{
	guchar eocd[22], h[46];
	gsize cd_size, at;
	guint n, i;

	if (s->len < 22 || !source_pread(s, s->len - 22, eocd, 22) ||
	    memcmp(eocd, "PK\5\6", 4) != 0)
		return "something follows the central directory";
	if (le16(eocd + 4) != 0 || le16(eocd + 6) != 0 ||
	    le16(eocd + 8) != le16(eocd + 10))
		return "a multi-volume ZIP";
	if (le16(eocd + 20) != 0)
		return "a ZIP comment";
	n = le16(eocd + 10);
	cd_size = le32(eocd + 12);
	*cd_off = le32(eocd + 16);
	if (n == 0xffff || cd_size == 0xffffffff || *cd_off == 0xffffffff)
		return "Zip64, not checked";
	if (n > MP_ARCSCAN_ENTRIES)
		return "too many entries";
	if (*cd_off + cd_size != s->len - 22)
		return "the central directory does not end where the file does";
	for (i = 0, at = *cd_off; i < n; i++) {
		ZipEntry e = { 0 };
		guint clen;

		if (!source_pread(s, at, h, sizeof h) ||
		    memcmp(h, "PK\1\2", 4) != 0)
			return "a broken central directory";
		e.flags = le16(h + 8);
		e.method = le16(h + 10);
		e.crc = le32(h + 16);
		e.csize = le32(h + 20);
		e.usize = le32(h + 24);
		e.nlen = le16(h + 28);
		e.xlen = le16(h + 30);
		clen = le16(h + 32);
		e.offset = le32(h + 42);
		if (clen != 0)
			return "an entry comment";
		if (e.xlen > MP_ARCSCAN_ZIP_EXTRA)
			return "an oversized extra field";
		if (e.csize == 0xffffffff || e.usize == 0xffffffff ||
		    e.offset == 0xffffffff)
			return "Zip64, not checked";
		e.name = g_malloc(e.nlen + 1);
		e.extra = g_malloc(e.xlen + 1);
		g_array_append_val(ents, e);
		if (!source_pread(s, at + 46, e.name, e.nlen) ||
		    !source_pread(s, at + 46 + e.nlen, e.extra, e.xlen))
			return "a broken central directory";
		at += 46 + e.nlen + e.xlen;
	}
	if (at != *cd_off + cd_size)
		return "the central directory has room for more";
	return NULL;
}

/* descriptor_size - the data descriptor after an entry's data, 16
 * bytes with its signature or 12 without, matched to the entry; 0 if
 * none matches */
static gsize
descriptor_size(Source *s, const ZipEntry *e, gsize at, gsize end)
{
	guchar d[16];
	gsize n = MIN(sizeof d, end - at);

	if (end < at || n < 12 || !source_pread(s, at, d, n))
		return 0;
	if (n == 16 && memcmp(d, "PK\7\10", 4) == 0 && le32(d + 4) == e->crc &&
	    le32(d + 8) == e->csize && le32(d + 12) == e->usize)
		return 16;
	if (le32(d) == e->crc && le32(d + 4) == e->csize &&
	    le32(d + 8) == e->usize)
		return 12;
	return 0;
}

/*
 * zip_check - whether the ZIP is the whole file, its local headers
 * matching the central directory (NULL), else why not; the entries,
 * and of them those encrypted and those with content in the clear
 */
static const char *
zip_check(Source *s, guint *entries, guint *encrypted, guint *plain)
{
	GArray *ents = g_array_new(FALSE, TRUE, sizeof(ZipEntry));
	const char *why;
	gsize cd_off = 0, pos = 0;
	guint i;

	*entries = *encrypted = *plain = 0;
	if ((why = zip_central(s, ents, &cd_off)) != NULL)
		goto done;
	for (i = 0; i < ents->len && why == NULL; i++) {
		ZipEntry *e = &g_array_index(ents, ZipEntry, i);
		guchar h[30], *name;
		gsize data, end;
		guint nlen, xlen;

		if (e->offset != pos || !source_pread(s, pos, h, sizeof h) ||
		    memcmp(h, "PK\3\4", 4) != 0) {
			why = "a gap or overlap between entries";
			break;
		}
		nlen = le16(h + 26);
		xlen = le16(h + 28);
		if ((le16(h + 6) & 1) != (e->flags & 1) ||
		    le16(h + 8) != e->method || nlen != e->nlen ||
		    xlen > MP_ARCSCAN_ZIP_EXTRA) {
			why = "a local header differs from the central one";
			break;
		}
		name = g_malloc(nlen + 1);
		if (!source_pread(s, pos + 30, name, nlen) ||
		    memcmp(name, e->name, nlen) != 0)
			why = "a local header differs from the central one";
		g_free(name);
		if (why != NULL)
			break;
		data = pos + 30 + nlen + xlen;
		end = data + e->csize;
		if (end > cd_off) {
			why = "entry data runs into the central directory";
			break;
		}
		if (e->flags & 8) {
			gsize d = descriptor_size(s, e, end, cd_off);

			if (d == 0) {
				why = "a data descriptor that does not match";
				break;
			}
			end += d;
		} else if (le32(h + 14) != e->crc ||
		    le32(h + 18) != e->csize || le32(h + 22) != e->usize) {
			why = "a local header differs from the central one";
			break;
		}
		pos = end;
		(*entries)++;
		/* a folder or an empty file: nothing, or libarchive's empty
		 * deflate stream (2 bytes), which it never encrypts; anything
		 * longer that claims no content is counted, not believed */
		if (e->usize == 0 && (e->csize == 0 ||
		    (e->method == 8 && e->csize <= 2 && !(e->flags & 1))))
			continue;
		if ((e->flags & 1) && zip_entry_encrypted(s, e, data))
			(*encrypted)++;
		else
			(*plain)++;
	}
	if (why == NULL && pos != cd_off)
		why = "bytes between the entries and the central directory";
done:
	zip_entries_free(ents);
	return why;
}

/* libarchive_scan - what libarchive reads: format, entries, encryption */
static void
libarchive_scan(Source *s, MpArchiveScan *out, gboolean *to_end,
    gboolean *hidden)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;

	*to_end = *hidden = FALSE;
	if (a == NULL)
		return;
	/* formats only, no filters: a compressed tarball is not a ZIP */
	if (archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_support_format_7zip(a) != ARCHIVE_OK ||
	    archive_read_support_format_rar(a) != ARCHIVE_OK ||
	    archive_read_support_format_rar5(a) != ARCHIVE_OK ||
	    archive_read_set_callback_data(a, s) != ARCHIVE_OK ||
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
		if (r == ARCHIVE_EOF) {
			*to_end = TRUE;
			break;
		}
		if (r < ARCHIVE_WARN) {
			out->capped = s->read >= MP_ARCSCAN_READ_BYTES;
			/* encrypted headers: nothing listed, and it says so */
			*hidden = out->entries == 0 &&
			    archive_read_has_encrypted_entries(a) > 0;
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
		if (archive_read_data_skip(a) < ARCHIVE_WARN) {
			out->capped = s->read >= MP_ARCSCAN_READ_BYTES;
			break;
		}
	}
	if (*hidden && out->kind == MP_ARCHIVE_NONE)
		out->kind = MP_ARCHIVE_PLAIN;
	archive_read_free(a);
}

/* scan - mp_archive_scan over a source */
static void
scan(Source *s, MpArchiveScan *out)
{
	Sig sig;
	gboolean to_end, hidden;
	guint zip_entries = 0, zip_encrypted = 0, zip_plain = 0;
	const char *why = NULL;

	memset(out, 0, sizeof *out);
	out->kind = MP_ARCHIVE_NONE;
	libarchive_scan(s, out, &to_end, &hidden);
	if (out->kind == MP_ARCHIVE_NONE)
		return;
	sig = signature(s);
	if (sig == SIG_NONE)
		why = "the file does not start with the archive";
	else if (sig == SIG_ZIP) {
		why = zip_check(s, &zip_entries, &zip_encrypted, &zip_plain);
		if (why == NULL && (!to_end || zip_entries != out->entries))
			why = "libarchive reads it otherwise";
		out->plain = MAX(out->plain, zip_plain);
		out->encrypted = MIN(out->encrypted, zip_encrypted);
	} else if (sig == SIG_7Z && !sevenzip_whole(s))
		why = "something follows the archive";
	else if (!to_end && !hidden)
		why = "libarchive cannot read it to the end";
	if (out->capped)
		why = "a cap stopped the reading";
	out->whole = why == NULL;
	if (why == NULL && (out->plain > 0 || (out->encrypted == 0 &&
	    !hidden)))
		why = "an entry with content is not encrypted";
	out->why = why;
	if (why == NULL)
		out->kind = MP_ARCHIVE_ENCRYPTED;
}

/* mp_archive_scan - whether bytes are a ZIP, 7z or RAR, all encrypted */
void
mp_archive_scan(const guchar *data, gsize len, MpArchiveScan *out)
{
	Source s = { data, -1, len, 0, 0, NULL };

	scan(&s, out);
}

/* mp_archive_scan_fd - the same for the len bytes of a file from 0 */
void
mp_archive_scan_fd(int fd, gsize len, MpArchiveScan *out)
{
	Source s = { NULL, fd, len, 0, 0, NULL };

	s.buf = g_malloc(BLOCK);
	scan(&s, out);
	g_free(s.buf);
}

/* mp_archive_scan_spool - the same for a finished spool */
void
mp_archive_scan_spool(const MpSpool *sp, MpArchiveScan *out)
{
	const guchar *d = mp_spool_data(sp);

	if (d != NULL)
		mp_archive_scan(d, mp_spool_size(sp), out);
	else
		mp_archive_scan_fd(mp_spool_fd(sp), mp_spool_size(sp), out);
}
