/* store.h - mp-detach's attachment store: encrypted files, JSON metadata */
#ifndef MP_STORE_H
#define MP_STORE_H

#include "base/mp.h"
#include "base/spool.h"
#include "base/statedir.h"

/*
 * The store is one directory (mode 0700) with one entry per message:
 *
 *   STORE/ID/meta.json   what the entry holds and its state (0600)
 *   STORE/ID/N.enc       file N, encrypted (0600), N from 1
 *
 * An entry is built under STORE/.new-TOKEN and renamed to its id only
 * when every byte is written and synced, so a reader sees a complete
 * entry or none; one is removed by renaming it to STORE/.del-TOKEN
 * first.  Names that start with a dot are never entries.
 *
 * Each file is a libsodium secretstream (XChaCha20-Poly1305) in chunks
 * of MP_STORE_CHUNK_BYTES, under a key derived from the download
 * password with Argon2id and the entry's random salt.  The password is
 * never stored: it is checked by opening a small sealed block in
 * meta.json.  State that changes (downloads, failed passwords, the
 * lock, revocation) is rewritten atomically under flock(2) of the
 * entry's directory.
 */

/* an id is 18 random bytes (144 bits) in URL-safe base64: 24 characters
 * of A-Z a-z 0-9 - _ */
#define MP_STORE_ID_BYTES 18
#define MP_STORE_ID_CHARS 24

/*
 * Argon2id cost of one key derivation: 3 passes over 64 MiB takes about
 * 0.2 s on one core of a current server, paid once per stored message
 * and once per password typed.  Each entry records its own cost, so
 * these can change without making old entries unreadable.
 */
#define MP_STORE_KDF_OPSLIMIT 3
#define MP_STORE_KDF_MEMLIMIT ((gsize)64 * 1024 * 1024)
/* what an entry may ask for: a bigger cost in a meta.json is refused */
#define MP_STORE_KDF_OPSLIMIT_MAX 10
#define MP_STORE_KDF_MEMLIMIT_MAX ((gsize)512 * 1024 * 1024)
#define MP_STORE_SALT_BYTES 16

/*
 * [detach] max-failures, entry-max-failures and lock-time: five wrong
 * passwords from one network lock the entry for that network for 15
 * minutes; a hundred from all networks together within 15 minutes lock
 * it for everyone.  A network is an IPv4 /24 or an IPv6 /64: what one
 * client can easily hold.  An entry remembers at most
 * MP_STORE_CLIENTS_MAX networks; past that the one heard from longest
 * ago is forgotten.
 */
#define MP_STORE_MAX_FAILURES_DEFAULT 5
#define MP_STORE_ENTRY_MAX_FAILURES_DEFAULT 100
#define MP_STORE_LOCK_SECONDS_DEFAULT (15 * 60)
#define MP_STORE_CLIENT_PREFIX_V4 24
#define MP_STORE_CLIENT_PREFIX_V6 64
#define MP_STORE_CLIENTS_MAX 256

/* a file's SHA-256, and in lower-case hex in meta.json */
#define MP_STORE_SHA256_BYTES 32
#define MP_STORE_SHA256_CHARS (2 * MP_STORE_SHA256_BYTES)

/* plaintext bytes per secretstream chunk */
#define MP_STORE_CHUNK_BYTES (64 * 1024)
/*
 * A meta.json bigger than this is not one: the readers (the page,
 * --list, --show, --purge) refuse it, so the writer refuses a message
 * whose metadata would not fit with MP_STORE_META_STATE_RESERVE to
 * spare for what changes later (counts, the lock, revocation).
 */
#define MP_STORE_META_BYTES_MAX (1024 * 1024)
#define MP_STORE_META_STATE_RESERVE (64 * 1024)
/* the most files (attachments) one entry holds */
#define MP_STORE_FILES_MAX 1000
/* no entry lives longer (the most [detach] expires allows): an entry
 * whose metadata cannot be read is purged once it is this old */
#define MP_STORE_LIFETIME_MAX ((gint64)366 * 24 * 60 * 60)
/* .new- and .del- leftovers of a crash older than this are purged */
#define MP_STORE_STALE_SECONDS 3600

typedef struct {
	char *name;		/* UTF-8 file name, no directory */
	char *type;		/* "type/subtype" */
	guint64 size;		/* plaintext bytes */
	char sha256[MP_STORE_SHA256_CHARS + 1];	/* of the plaintext, hex */
} MpStoreFile;

/* Wrong passwords from one network, and its own lock. */
typedef struct {
	char *network;		/* "192.0.2.0/24", "2001:db8::/64", "unknown" */
	guint failures;		/* in a row, none more than a lock time apart */
	gint64 last;		/* the latest */
	gint64 locked_until;	/* 0: not locked */
} MpStoreClient;

typedef struct {
	char *id;
	gint64 created;		/* Unix time */
	gint64 expires;
	char *sender;		/* addr-spec */
	GPtrArray *recipients;	/* addr-specs */
	char *message_id;	/* without angle brackets, or NULL */
	GPtrArray *files;	/* MpStoreFile, in message order */
	guint max_downloads;	/* 0: no limit */
	guint downloads;	/* files handed out so far */
	gint64 revoked;		/* when; 0: not revoked */
	/* wrong passwords from all networks since failures_since (within
	 * one lock time), and the lock for everyone they led to */
	guint failures;
	gint64 failures_since;	/* 0: none yet */
	gint64 locked_until;	/* 0: not locked */
	GPtrArray *clients;	/* MpStoreClient, the networks' own counts */
	/* how the key is derived and checked */
	guint64 kdf_ops;
	gsize kdf_mem;
	guchar salt[MP_STORE_SALT_BYTES];
	GBytes *check;		/* sealed block that the right key opens */
} MpStoreEntry;

/* What a download of an entry may get, most important first. */
typedef enum {
	MP_STORE_OK,
	MP_STORE_UNKNOWN,	/* no such entry */
	MP_STORE_REVOKED,
	MP_STORE_EXPIRED,
	MP_STORE_USED_UP,	/* the download limit is reached */
	MP_STORE_LOCKED,	/* too many wrong passwords, for a while */
	MP_STORE_WRONG_PASSWORD,
} MpStoreState;

/* Brute-force protection, from [detach] in mp.conf. */
typedef struct {
	guint max_failures;	/* from one network: lock it out */
	guint entry_max_failures;	/* from all, in a lock time: lock all */
	guint64 lock_seconds;	/* how long a lock lasts */
} MpStoreLockout;

/* mp_store_id_new - a fresh random entry id */
char *mp_store_id_new(void);

/* mp_store_id_valid - whether s has the form of an id (and so is a
 * single, safe path component) */
gboolean mp_store_id_valid(const char *s);

/* mp_store_entry_new - an empty entry with a fresh id, created now */
MpStoreEntry *mp_store_entry_new(void);
void mp_store_entry_free(MpStoreEntry *e);

/* mp_store_entry_add_file - describe one file (size and sha256 of data) */
void mp_store_entry_add_file(MpStoreEntry *e, const char *name,
    const char *type, GBytes *data);

/* mp_store_entry_bytes - the plaintext size of all its files */
guint64 mp_store_entry_bytes(const MpStoreEntry *e);

/* mp_store_entry_fits - EX_DATAERR when the entry has more files than
 * MP_STORE_FILES_MAX or its metadata would be too big for the readers */
int mp_store_entry_fits(const MpStoreEntry *e, GError **err);

/* mp_store_state - what a download would meet now, before a password */
MpStoreState mp_store_state(const MpStoreEntry *e, gint64 now);

/* mp_store_client_network - the network a client address counts for:
 * "192.0.2.0/24", "2001:db8:1:2::/64"; "unknown" when it is none */
char *mp_store_client_network(const char *addr);

/* mp_store_client - the network's record in the entry, or NULL */
const MpStoreClient *mp_store_client(const MpStoreEntry *e,
    const char *network);

/* mp_store_state_for - mp_store_state, and MP_STORE_LOCKED while the
 * network is locked out */
MpStoreState mp_store_state_for(const MpStoreEntry *e, const char *network,
    gint64 now);

/* mp_store_locked_until - when the lock that keeps network out ends:
 * the entry's or the network's, whichever is later; 0 when none */
gint64 mp_store_locked_until(const MpStoreEntry *e, const char *network,
    gint64 now);

/* mp_store_state_name - "active", "expired", ... for lists and logs */
const char *mp_store_state_name(MpStoreState s);

/* mp_store_create - write the entry and its files, all or nothing */
int mp_store_create(const char *store, MpStoreEntry *e,
    MpSpool *const *files, const char *password, GError **err);

/* mp_store_remove - take an entry out of the store (gone: not an error) */
int mp_store_remove(const char *store, const char *id, GError **err);

/* mp_store_load - an entry's metadata; EX_NOINPUT when there is none */
int mp_store_load(const char *store, const char *id, MpStoreEntry **out,
    GError **err);

/* mp_store_list - every entry, oldest first; an entry that cannot be
 * read is left out, its GError added to failed */
int mp_store_list(const char *store, GPtrArray **out, GPtrArray *failed,
    GError **err);

/* mp_store_revoke - mark an entry revoked and delete its files */
int mp_store_revoke(const char *store, const char *id, GError **err);

/* mp_store_purge - remove expired entries and old crash leftovers;
 * purged gets the ids removed, failed a GError per entry kept because
 * it cannot be read */
int mp_store_purge(const char *store, gint64 now, GPtrArray *purged,
    GPtrArray *failed, GError **err);

/* mp_store_entry_line - "ID state=... created=... ..." for --list */
char *mp_store_entry_line(const MpStoreEntry *e, gint64 now);

/* mp_store_meta_json - the metadata as JSON text, without the secrets'
 * parameters (for --show) */
char *mp_store_meta_json(const MpStoreEntry *e, gint64 now);

typedef struct MpStoreDownload MpStoreDownload;

/*
 * mp_store_open - check the password of file (1-based) of an entry,
 * tried from network (mp_store_client_network), and count the download
 * or the failure.  MP_OK with *state saying what happened; *out is set
 * only for MP_STORE_OK, *entry whenever the entry exists.
 */
int mp_store_open(const char *store, const char *id, const char *password,
    guint file, const char *network, const MpStoreLockout *lock, gint64 now,
    MpStoreState *state, MpStoreEntry **entry, MpStoreDownload **out,
    GError **err);

/* mp_store_download_file - the file being downloaded */
const MpStoreFile *mp_store_download_file(const MpStoreDownload *d);

/* mp_store_stream - decrypt the file to fd, checking every chunk */
int mp_store_stream(MpStoreDownload *d, int fd, GError **err);
void mp_store_download_free(MpStoreDownload *d);

#endif
