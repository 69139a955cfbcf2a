/* store-int.h - what the files of lib/store/ share; no other layer's */
#ifndef MP_STORE_INT_H
#define MP_STORE_INT_H

#include <sodium.h>

#include "store/store.h"

/* an entry's metadata, in its directory */
#define MP_STORE_META_NAME "meta.json"

/* the key of an entry's files, from its password */
#define MP_STORE_KEY_BYTES crypto_secretstream_xchacha20poly1305_KEYBYTES
/* what starts each encrypted file */
#define MP_STORE_HEADER_BYTES \
	crypto_secretstream_xchacha20poly1305_HEADERBYTES
/* what the encryption adds to each chunk (its tag and MAC) */
#define MP_STORE_CHUNK_EXTRA_BYTES \
	crypto_secretstream_xchacha20poly1305_ABYTES
/* one chunk of MP_STORE_CHUNK_BYTES as it is on disk */
#define MP_STORE_SEALED_CHUNK_BYTES \
	(MP_STORE_CHUNK_BYTES + MP_STORE_CHUNK_EXTRA_BYTES)
/* what the sealed check block holds, and its size sealed */
#define MP_STORE_CHECK_TEXT "mp-detach store check"
#define MP_STORE_CHECK_BYTES (MP_STORE_HEADER_BYTES + \
	sizeof MP_STORE_CHECK_TEXT - 1 + MP_STORE_CHUNK_EXTRA_BYTES)

/* the random part of a .new- or .del- name: 24 hex digits */
#define MP_STORE_TEMP_TOKEN_BYTES 12
/* the most digits a file size takes in meta.json (2^64 - 1) */
#define MP_STORE_SIZE_DIGITS_MAX 20
/* the most one network's record takes in meta.json, and the most the
 * rest of the state (counts, times, revocation) does: together within
 * MP_STORE_META_STATE_RESERVE */
#define MP_STORE_CLIENT_META_BYTES 200
#define MP_STORE_STATE_META_BYTES 4096

/* store.c: the directory and its files */

/* store_fail_errno - a store failure: always temporary for the MTA */
int store_fail_errno(GError **err, int errnum, const char *what,
    const char *path);

/* store_failed - every store failure is temporary for the MTA (75) */
int store_failed(int status, GError **err);

/* store_fsync_dir - make a rename or a new name in dir durable */
int store_fsync_dir(const char *dir, GError **err);

/* store_read_full - up to n bytes, fewer only at the end of the file;
 * -1 on an error */
gssize store_read_full(int fd, guchar *buf, gsize n);

/* store_lock_entry - open the entry's directory and lock it: MP_OK
 * with *fd, EX_NOINPUT when there is no such entry */
int store_lock_entry(const char *dir, const char *id, int *fd,
    GError **err);

/* entry.c: the entry in memory */

/* store_entry_alloc - an entry with nothing in it */
MpStoreEntry *store_entry_alloc(void);

/* store_find_client - the network's record, or NULL */
MpStoreClient *store_find_client(const MpStoreEntry *e,
    const char *network);

/* crypt.c: the key and the encrypted files */

/* store_derive_key - the entry's key from the password */
int store_derive_key(const MpStoreEntry *e, const char *password,
    guchar key[MP_STORE_KEY_BYTES], GError **err);

/* store_seal_check - the block that only the right key opens, bound to
 * the id */
GBytes *store_seal_check(const guchar key[MP_STORE_KEY_BYTES], const char *id);

/* store_check_opens - whether key opens the entry's check block */
gboolean store_check_opens(const MpStoreEntry *e,
    const guchar key[MP_STORE_KEY_BYTES]);

/* store_file_ad - what the chunks of file n (1-based) are bound to */
char *store_file_ad(const char *id, guint n);

/* store_write_blob - a file encrypted in chunks to a new file, synced */
int store_write_blob(const char *path, const guchar key[MP_STORE_KEY_BYTES],
    const char *ad, const MpSpool *file, GError **err);

/* store_decrypt_blob - the encrypted file at fd, every chunk checked,
 * to out (if not -1) and into sum (if not NULL) */
int store_decrypt_blob(int fd, const guchar key[MP_STORE_KEY_BYTES],
    const char *ad, const char *what, int out, GChecksum *sum,
    guint64 *total, GError **err);

/* meta.c: meta.json */

/* store_write_meta - DIR/meta.json replaced atomically */
int store_write_meta(const char *dir, const MpStoreEntry *e, GError **err);

/* store_read_meta - DIR/meta.json; EX_NOINPUT when it is not there */
int store_read_meta(const char *dir, const char *id, MpStoreEntry **out,
    GError **err);

#endif
