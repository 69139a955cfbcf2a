/* store-int.h - what the files of lib/store/ share; no other layer's */
#ifndef MP_STORE_INT_H
#define MP_STORE_INT_H

#include <sodium.h>

#include "store/store.h"

#define META "meta.json"
/* what the sealed check block holds */
#define CHECK_TEXT "mp-detach store check"
#define KEY_BYTES crypto_secretstream_xchacha20poly1305_KEYBYTES
#define HEADER_BYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define A_BYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define CHECK_BYTES (HEADER_BYTES + sizeof CHECK_TEXT - 1 + A_BYTES)

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
    guchar key[KEY_BYTES], GError **err);

/* store_seal_check - the block that only the right key opens, bound to
 * the id */
GBytes *store_seal_check(const guchar key[KEY_BYTES], const char *id);

/* store_check_opens - whether key opens the entry's check block */
gboolean store_check_opens(const MpStoreEntry *e,
    const guchar key[KEY_BYTES]);

/* store_file_ad - what the chunks of file n (1-based) are bound to */
char *store_file_ad(const char *id, guint n);

/* store_write_blob - a file encrypted in chunks to a new file, synced */
int store_write_blob(const char *path, const guchar key[KEY_BYTES],
    const char *ad, const MpSpool *file, GError **err);

/* store_decrypt_blob - the encrypted file at fd, every chunk checked,
 * to out (if not -1) and into sum (if not NULL) */
int store_decrypt_blob(int fd, const guchar key[KEY_BYTES], const char *ad,
    const char *what, int out, GChecksum *sum, guint64 *total,
    GError **err);

/* meta.c: meta.json */

/* store_write_meta - DIR/meta.json replaced atomically */
int store_write_meta(const char *dir, const MpStoreEntry *e, GError **err);

/* store_read_meta - DIR/meta.json; EX_NOINPUT when it is not there */
int store_read_meta(const char *dir, const char *id, MpStoreEntry **out,
    GError **err);

#endif
