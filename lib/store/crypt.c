/* crypt.c - the store's secrets: the key from the password, the check
 * block it must open, and files encrypted in chunks */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/output.h"
#include "store/store-int.h"

G_STATIC_ASSERT(MP_STORE_SALT_BYTES == crypto_pwhash_SALTBYTES);
G_STATIC_ASSERT(MP_STORE_KEY_BYTES == 32);

/* store_derive_key - the entry's key from the password */
int
store_derive_key(const MpStoreEntry *e, const char *password,
    guchar key[MP_STORE_KEY_BYTES], GError **err)
{
	if (crypto_pwhash(key, MP_STORE_KEY_BYTES, password, strlen(password),
	    e->salt, e->kdf_ops, e->kdf_mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return mp_fail(err, EX_TEMPFAIL, "store: key derivation: "
		    "out of memory");
	return MP_OK;
}

/* store_seal_check - the block that only the right key opens, bound to
 * the id */
GBytes *
store_seal_check(const guchar key[MP_STORE_KEY_BYTES], const char *id)
{
	crypto_secretstream_xchacha20poly1305_state st;
	gsize len = MP_STORE_CHECK_BYTES;
	guchar *buf = g_malloc(len);

	crypto_secretstream_xchacha20poly1305_init_push(&st, buf, key);
	crypto_secretstream_xchacha20poly1305_push(&st,
	    buf + MP_STORE_HEADER_BYTES, NULL,
	    (const guchar *)MP_STORE_CHECK_TEXT, sizeof MP_STORE_CHECK_TEXT - 1,
	    (const guchar *)id, strlen(id),
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	sodium_memzero(&st, sizeof st);
	return g_bytes_new_take(buf, len);
}

/* store_check_opens - whether key opens the entry's check block */
gboolean
store_check_opens(const MpStoreEntry *e, const guchar key[MP_STORE_KEY_BYTES])
{
	crypto_secretstream_xchacha20poly1305_state st;
	gsize len;
	const guchar *c = g_bytes_get_data(e->check, &len);
	guchar plain[sizeof MP_STORE_CHECK_TEXT];
	unsigned long long plen;
	guchar tag;
	gboolean ok;

	if (len != MP_STORE_CHECK_BYTES ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, c, key) != 0)
		return FALSE;
	ok = crypto_secretstream_xchacha20poly1305_pull(&st, plain, &plen,
	    &tag, c + MP_STORE_HEADER_BYTES, len - MP_STORE_HEADER_BYTES,
	    (const guchar *)e->id, strlen(e->id)) == 0 &&
	    tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
	    plen == sizeof MP_STORE_CHECK_TEXT - 1 &&
	    memcmp(plain, MP_STORE_CHECK_TEXT, plen) == 0;
	sodium_memzero(&st, sizeof st);
	return ok;
}

/* store_file_ad - what the chunks of file n (1-based) are bound to */
char *
store_file_ad(const char *id, guint n)
{
	return g_strdup_printf("%s/%u", id, n);
}

/* store_write_blob - a file encrypted in chunks to a new file, synced; read
 * from its spool a chunk at a time, so it is never in memory whole */
int
store_write_blob(const char *path, const guchar key[MP_STORE_KEY_BYTES],
    const char *ad, const MpSpool *file, GError **err)
{
	crypto_secretstream_xchacha20poly1305_state st;
	guchar header[MP_STORE_HEADER_BYTES];
	guchar *buf = g_malloc(MP_STORE_SEALED_CHUNK_BYTES);
	guchar *d = g_malloc(MP_STORE_CHUNK_BYTES);
	gsize len = mp_spool_size(file), off = 0;
	int fd, status;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		g_free(buf);
		g_free(d);
		return store_fail_errno(err, errno, "create", path);
	}
	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	status = mp_write_all(fd, (const char *)header, sizeof header, path,
	    err);
	/* one chunk at least, so that an empty file has its final tag */
	do {
		gsize n = MIN(len - off, (gsize)MP_STORE_CHUNK_BYTES);
		unsigned long long clen;
		guchar tag = off + n == len ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;

		if (status != MP_OK ||
		    (status = mp_spool_read(file, off, d, n, err)) != MP_OK)
			break;
		crypto_secretstream_xchacha20poly1305_push(&st, buf, &clen,
		    d, n, (const guchar *)ad, strlen(ad), tag);
		status = mp_write_all(fd, (const char *)buf, (gsize)clen, path,
		    err);
		off += n;
	} while (off < len);
	sodium_memzero(&st, sizeof st);
	g_free(buf);
	g_free(d);
	if (status == MP_OK && fsync(fd) != 0)
		status = store_fail_errno(err, errno, "sync", path);
	if (close(fd) != 0 && status == MP_OK)
		status = store_fail_errno(err, errno, "close", path);
	if (status != MP_OK && err != NULL && *err != NULL)
		(*err)->code = EX_TEMPFAIL;
	return status != MP_OK ? EX_TEMPFAIL : MP_OK;
}

/*
 * store_decrypt_blob - read the encrypted file at fd from where it is and
 * check every chunk; the plaintext goes to out (if not -1) and into
 * sum (if not NULL).  A chunk that does not open, a missing final
 * chunk or bytes after it are errors: the file was cut or changed.
 */
int
store_decrypt_blob(int fd, const guchar key[MP_STORE_KEY_BYTES], const char *ad,
    const char *what, int out, GChecksum *sum, guint64 *total, GError **err)
{
	crypto_secretstream_xchacha20poly1305_state st;
	guchar header[MP_STORE_HEADER_BYTES], tag = 0;
	guchar *in = g_malloc(MP_STORE_SEALED_CHUNK_BYTES);
	guchar *plain = g_malloc(MP_STORE_CHUNK_BYTES);
	int status = MP_OK;

	*total = 0;
	if (store_read_full(fd, header, sizeof header) !=
	    (gssize)sizeof header ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, header,
	    key) != 0) {
		status = mp_fail(err, EX_DATAERR, "store: %s: no header",
		    what);
		goto done;
	}
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		gssize n = store_read_full(fd, in, MP_STORE_SEALED_CHUNK_BYTES);
		unsigned long long plen;

		if (n < 0) {
			status = mp_fail(err, EX_IOERR, "store: read %s: %s",
			    what, g_strerror(errno));
			break;
		}
		if (n < (gssize)MP_STORE_CHUNK_EXTRA_BYTES ||
		    crypto_secretstream_xchacha20poly1305_pull(&st, plain,
		    &plen, &tag, in, (unsigned long long)n, (const guchar *)ad,
		    strlen(ad)) != 0) {
			status = mp_fail(err, EX_DATAERR, "store: %s: chunk at "
			    "%" G_GUINT64_FORMAT " does not open (cut or "
			    "changed)", what, *total);
			break;
		}
		if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
		    n < (gssize)MP_STORE_SEALED_CHUNK_BYTES) {
			status = mp_fail(err, EX_DATAERR, "store: %s: cut "
			    "short after %" G_GUINT64_FORMAT " bytes", what,
			    *total + (guint64)plen);
			break;
		}
		if (sum != NULL)
			g_checksum_update(sum, plain, (gssize)plen);
		if (out >= 0 && (status = mp_write_all(out, (const char *)plain,
		    (gsize)plen, "download", err)) != MP_OK)
			break;
		*total += plen;
	}
	if (status == MP_OK && store_read_full(fd, in, 1) != 0)
		status = mp_fail(err, EX_DATAERR, "store: %s: bytes after the "
		    "final chunk", what);
done:
	sodium_memzero(&st, sizeof st);
	sodium_memzero(plain, MP_STORE_CHUNK_BYTES);
	g_free(plain);
	g_free(in);
	return status;
}

