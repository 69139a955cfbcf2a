/* store.c - mp-detach's attachment store: encrypted files, JSON metadata */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "base/output.h"
#include "store/store.h"

#define META "meta.json"
#define FORMAT "mp-detach 1"
#define KDF_ALG "argon2id13"
/* what the sealed check block holds */
#define CHECK_TEXT "mp-detach store check"
#define KEY_BYTES crypto_secretstream_xchacha20poly1305_KEYBYTES
#define HEADER_BYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define A_BYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define CHECK_BYTES (HEADER_BYTES + sizeof CHECK_TEXT - 1 + A_BYTES)

G_STATIC_ASSERT(MP_STORE_SALT_BYTES == crypto_pwhash_SALTBYTES);
G_STATIC_ASSERT(KEY_BYTES == 32);
/* the networks' records (about 150 bytes each in meta.json) fit in the
 * room kept for the state */
G_STATIC_ASSERT(MP_STORE_CLIENTS_MAX * 200 + 4096 <=
    MP_STORE_META_STATE_RESERVE);

struct MpStoreDownload {
	int fd;			/* the encrypted file, at its start */
	guchar key[KEY_BYTES];
	char *ad;		/* what each chunk is bound to: "ID/N" */
	MpStoreFile file;
};

static int store_dir_ready(const char *store, gboolean create,
    GError **err);
static int write_meta(const char *dir, const MpStoreEntry *e, GError **err);
static int read_meta(const char *dir, const char *id, MpStoreEntry **out,
    GError **err);
static int rm_entry_dir(const char *path, GError **err);

/* fail_errno - a store failure: always temporary for the MTA */
static int
fail_errno(GError **err, int errnum, const char *what, const char *path)
{
	return mp_fail(err, EX_TEMPFAIL, "store: %s %s: %s", what, path,
	    g_strerror(errnum));
}

/* store_failed - every store failure is temporary for the MTA (75) */
static int
store_failed(int status, GError **err)
{
	if (status == MP_OK)
		return MP_OK;
	if (err != NULL && *err != NULL) {
		g_prefix_error(err, "store: ");
		(*err)->code = EX_TEMPFAIL;
	}
	return EX_TEMPFAIL;
}

/* fsync_dir - make a rename or a new name in dir durable */
static int
fsync_dir(const char *dir, GError **err)
{
	return store_failed(mp_fsync_dir(dir, err), err);
}

/* mp_store_id_new - a fresh random entry id */
char *
mp_store_id_new(void)
{
	guchar raw[MP_STORE_ID_BYTES];
	char *id = g_malloc(MP_STORE_ID_CHARS + 1);

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(id, MP_STORE_ID_CHARS + 1, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return id;
}

/* mp_store_id_valid - whether s has the form of an id */
gboolean
mp_store_id_valid(const char *s)
{
	gsize i;

	if (s == NULL)
		return FALSE;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= MP_STORE_ID_CHARS || !(g_ascii_isalnum(s[i]) ||
		    s[i] == '-' || s[i] == '_'))
			return FALSE;
	return i == MP_STORE_ID_CHARS;
}

static void
file_free(gpointer p)
{
	MpStoreFile *f = p;

	g_free(f->name);
	g_free(f->type);
	g_free(f);
}

static void
client_free(gpointer p)
{
	MpStoreClient *c = p;

	g_free(c->network);
	g_free(c);
}

/* entry_alloc - an entry with nothing in it */
static MpStoreEntry *
entry_alloc(void)
{
	MpStoreEntry *e = g_new0(MpStoreEntry, 1);

	e->recipients = g_ptr_array_new_with_free_func(g_free);
	e->files = g_ptr_array_new_with_free_func(file_free);
	e->clients = g_ptr_array_new_with_free_func(client_free);
	return e;
}

/* mp_store_entry_new - an empty entry with a fresh id, created now */
MpStoreEntry *
mp_store_entry_new(void)
{
	MpStoreEntry *e = entry_alloc();

	e->id = mp_store_id_new();
	e->created = g_get_real_time() / G_USEC_PER_SEC;
	e->kdf_ops = MP_STORE_KDF_OPSLIMIT;
	e->kdf_mem = MP_STORE_KDF_MEMLIMIT;
	return e;
}

void
mp_store_entry_free(MpStoreEntry *e)
{
	if (e == NULL)
		return;
	g_free(e->id);
	g_free(e->sender);
	g_free(e->message_id);
	g_ptr_array_free(e->recipients, TRUE);
	g_ptr_array_free(e->files, TRUE);
	g_ptr_array_free(e->clients, TRUE);
	if (e->check != NULL)
		g_bytes_unref(e->check);
	g_free(e);
}

/* mp_store_entry_add_file - describe one file (size and sha256 of data) */
void
mp_store_entry_add_file(MpStoreEntry *e, const char *name, const char *type,
    GBytes *data)
{
	MpStoreFile *f = g_new0(MpStoreFile, 1);
	gsize len;
	const guchar *d = g_bytes_get_data(data, &len);
	char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, d, len);

	f->name = g_strdup(name);
	f->type = g_strdup(type);
	f->size = len;
	g_strlcpy(f->sha256, hex, sizeof f->sha256);
	g_free(hex);
	g_ptr_array_add(e->files, f);
}

/* mp_store_entry_bytes - the plaintext size of all its files */
guint64
mp_store_entry_bytes(const MpStoreEntry *e)
{
	guint64 n = 0;
	guint i;

	for (i = 0; i < e->files->len; i++)
		n += ((const MpStoreFile *)e->files->pdata[i])->size;
	return n;
}

/* mp_store_state - what a download would meet now, before a password */
MpStoreState
mp_store_state(const MpStoreEntry *e, gint64 now)
{
	if (e->revoked != 0)
		return MP_STORE_REVOKED;
	if (now >= e->expires)
		return MP_STORE_EXPIRED;
	if (e->max_downloads > 0 && e->downloads >= e->max_downloads)
		return MP_STORE_USED_UP;
	if (e->locked_until > now)
		return MP_STORE_LOCKED;
	return MP_STORE_OK;
}

/*
 * mp_store_client_network - the network a client address counts for.
 * Wrong passwords are counted per network, not per address: a client
 * gets a whole IPv6 /64 (and changes addresses in it), and often more
 * than one IPv4 address of a /24.  An IPv4-mapped IPv6 address counts
 * as the IPv4 one.  Anything else (no REMOTE_ADDR, a Unix socket) is
 * one network, "unknown".
 */
char *
mp_store_client_network(const char *addr)
{
	guchar a[16];
	char text[INET6_ADDRSTRLEN];
	static const guchar mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (addr != NULL && inet_pton(AF_INET6, addr, a) == 1 &&
	    memcmp(a, mapped, sizeof mapped) != 0) {
		G_STATIC_ASSERT(MP_STORE_CLIENT_PREFIX_V6 % 8 == 0);
		memset(a + MP_STORE_CLIENT_PREFIX_V6 / 8, 0,
		    16 - MP_STORE_CLIENT_PREFIX_V6 / 8);
		inet_ntop(AF_INET6, a, text, sizeof text);
		return g_strdup_printf("%s/%d", text,
		    MP_STORE_CLIENT_PREFIX_V6);
	}
	if (addr != NULL && (inet_pton(AF_INET, addr, a) == 1 ||
	    (inet_pton(AF_INET6, addr, a) == 1 &&
	    (memmove(a, a + 12, 4), TRUE)))) {
		G_STATIC_ASSERT(MP_STORE_CLIENT_PREFIX_V4 % 8 == 0);
		memset(a + MP_STORE_CLIENT_PREFIX_V4 / 8, 0,
		    4 - MP_STORE_CLIENT_PREFIX_V4 / 8);
		inet_ntop(AF_INET, a, text, sizeof text);
		return g_strdup_printf("%s/%d", text,
		    MP_STORE_CLIENT_PREFIX_V4);
	}
	return g_strdup("unknown");
}

/* find_client - the network's record, or NULL */
static MpStoreClient *
find_client(const MpStoreEntry *e, const char *network)
{
	guint i;

	for (i = 0; i < e->clients->len; i++) {
		MpStoreClient *c = e->clients->pdata[i];

		if (strcmp(c->network, network) == 0)
			return c;
	}
	return NULL;
}

/* mp_store_client - the network's record in the entry, or NULL */
const MpStoreClient *
mp_store_client(const MpStoreEntry *e, const char *network)
{
	return find_client(e, network);
}

/* mp_store_state_for - mp_store_state, and MP_STORE_LOCKED while the
 * network is locked out */
MpStoreState
mp_store_state_for(const MpStoreEntry *e, const char *network, gint64 now)
{
	MpStoreState st = mp_store_state(e, now);
	const MpStoreClient *c = find_client(e, network);

	if (st == MP_STORE_OK && c != NULL && c->locked_until > now)
		return MP_STORE_LOCKED;
	return st;
}

/* mp_store_locked_until - when the lock that keeps network out ends */
gint64
mp_store_locked_until(const MpStoreEntry *e, const char *network,
    gint64 now)
{
	const MpStoreClient *c = find_client(e, network);
	gint64 t = e->locked_until;

	if (c != NULL && c->locked_until > t)
		t = c->locked_until;
	return t > now ? t : 0;
}

/* mp_store_state_name - "active", "expired", ... for lists and logs */
const char *
mp_store_state_name(MpStoreState s)
{
	static const char *const name[] = {
		[MP_STORE_OK] = "active",
		[MP_STORE_UNKNOWN] = "unknown",
		[MP_STORE_REVOKED] = "revoked",
		[MP_STORE_EXPIRED] = "expired",
		[MP_STORE_USED_UP] = "used-up",
		[MP_STORE_LOCKED] = "locked",
		[MP_STORE_WRONG_PASSWORD] = "wrong-password",
	};

	return name[s];
}

/* derive_key - the entry's key from the password */
static int
derive_key(const MpStoreEntry *e, const char *password,
    guchar key[KEY_BYTES], GError **err)
{
	if (crypto_pwhash(key, KEY_BYTES, password, strlen(password), e->salt,
	    e->kdf_ops, e->kdf_mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return mp_fail(err, EX_TEMPFAIL, "store: key derivation: "
		    "out of memory");
	return MP_OK;
}

/* seal_check - the block that only the right key opens, bound to the id */
static GBytes *
seal_check(const guchar key[KEY_BYTES], const char *id)
{
	crypto_secretstream_xchacha20poly1305_state st;
	gsize len = HEADER_BYTES + sizeof CHECK_TEXT - 1 + A_BYTES;
	guchar *buf = g_malloc(len);

	crypto_secretstream_xchacha20poly1305_init_push(&st, buf, key);
	crypto_secretstream_xchacha20poly1305_push(&st, buf + HEADER_BYTES,
	    NULL, (const guchar *)CHECK_TEXT, sizeof CHECK_TEXT - 1,
	    (const guchar *)id, strlen(id),
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	sodium_memzero(&st, sizeof st);
	return g_bytes_new_take(buf, len);
}

/* check_opens - whether key opens the entry's check block */
static gboolean
check_opens(const MpStoreEntry *e, const guchar key[KEY_BYTES])
{
	crypto_secretstream_xchacha20poly1305_state st;
	gsize len;
	const guchar *c = g_bytes_get_data(e->check, &len);
	guchar plain[sizeof CHECK_TEXT];
	unsigned long long plen;
	guchar tag;
	gboolean ok;

	if (len != HEADER_BYTES + sizeof CHECK_TEXT - 1 + A_BYTES ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, c, key) != 0)
		return FALSE;
	ok = crypto_secretstream_xchacha20poly1305_pull(&st, plain, &plen,
	    &tag, c + HEADER_BYTES, len - HEADER_BYTES, (const guchar *)e->id,
	    strlen(e->id)) == 0 &&
	    tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
	    plen == sizeof CHECK_TEXT - 1 &&
	    memcmp(plain, CHECK_TEXT, plen) == 0;
	sodium_memzero(&st, sizeof st);
	return ok;
}

/* file_ad - what the chunks of file n (1-based) are bound to */
static char *
file_ad(const char *id, guint n)
{
	return g_strdup_printf("%s/%u", id, n);
}

/* write_blob - a file encrypted in chunks to a new file, synced; read
 * from its spool a chunk at a time, so it is never in memory whole */
static int
write_blob(const char *path, const guchar key[KEY_BYTES], const char *ad,
    const MpSpool *file, GError **err)
{
	crypto_secretstream_xchacha20poly1305_state st;
	guchar header[HEADER_BYTES];
	guchar *buf = g_malloc(MP_STORE_CHUNK_BYTES + A_BYTES);
	guchar *d = g_malloc(MP_STORE_CHUNK_BYTES);
	gsize len = mp_spool_size(file), off = 0;
	int fd, status;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		g_free(buf);
		g_free(d);
		return fail_errno(err, errno, "create", path);
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
		status = fail_errno(err, errno, "sync", path);
	if (close(fd) != 0 && status == MP_OK)
		status = fail_errno(err, errno, "close", path);
	if (status != MP_OK && err != NULL && *err != NULL)
		(*err)->code = EX_TEMPFAIL;
	return status != MP_OK ? EX_TEMPFAIL : MP_OK;
}

/* read_full - up to n bytes, fewer only at the end of the file; -1 on
 * an error */
static gssize
read_full(int fd, guchar *buf, gsize n)
{
	gsize got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (gsize)r;
	}
	return (gssize)got;
}

/*
 * decrypt_blob - read the encrypted file at fd from where it is and
 * check every chunk; the plaintext goes to out (if not -1) and into
 * sum (if not NULL).  A chunk that does not open, a missing final
 * chunk or bytes after it are errors: the file was cut or changed.
 */
static int
decrypt_blob(int fd, const guchar key[KEY_BYTES], const char *ad,
    const char *what, int out, GChecksum *sum, guint64 *total, GError **err)
{
	crypto_secretstream_xchacha20poly1305_state st;
	guchar header[HEADER_BYTES], tag = 0;
	guchar *in = g_malloc(MP_STORE_CHUNK_BYTES + A_BYTES);
	guchar *plain = g_malloc(MP_STORE_CHUNK_BYTES);
	int status = MP_OK;

	*total = 0;
	if (read_full(fd, header, sizeof header) != (gssize)sizeof header ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, header,
	    key) != 0) {
		status = mp_fail(err, EX_DATAERR, "store: %s: no header",
		    what);
		goto done;
	}
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		gssize n = read_full(fd, in, MP_STORE_CHUNK_BYTES + A_BYTES);
		unsigned long long plen;

		if (n < 0) {
			status = mp_fail(err, EX_IOERR, "store: read %s: %s",
			    what, g_strerror(errno));
			break;
		}
		if (n < (gssize)A_BYTES ||
		    crypto_secretstream_xchacha20poly1305_pull(&st, plain,
		    &plen, &tag, in, (unsigned long long)n, (const guchar *)ad,
		    strlen(ad)) != 0) {
			status = mp_fail(err, EX_DATAERR, "store: %s: chunk at "
			    "%" G_GUINT64_FORMAT " does not open (cut or "
			    "changed)", what, *total);
			break;
		}
		if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
		    n < (gssize)(MP_STORE_CHUNK_BYTES + A_BYTES)) {
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
	if (status == MP_OK && read_full(fd, in, 1) != 0)
		status = mp_fail(err, EX_DATAERR, "store: %s: bytes after the "
		    "final chunk", what);
done:
	sodium_memzero(&st, sizeof st);
	sodium_memzero(plain, MP_STORE_CHUNK_BYTES);
	g_free(plain);
	g_free(in);
	return status;
}

/* iso_time - Unix time as "2026-11-23T09:00:00Z" */
static char *
iso_time(gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");

	g_date_time_unref(dt);
	return s;
}

/* parse_time - "2026-11-23T09:00:00Z" (any ISO 8601 offset) to Unix time */
static gboolean
parse_time(json_t *j, gint64 *out)
{
	GDateTime *dt;

	if (json_is_null(j)) {
		*out = 0;
		return TRUE;
	}
	if (!json_is_string(j) ||
	    (dt = g_date_time_new_from_iso8601(json_string_value(j), NULL)) ==
	    NULL)
		return FALSE;
	*out = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return TRUE;
}

static json_t *
time_or_null(gint64 t)
{
	char *s;
	json_t *j;

	if (t == 0)
		return json_null();
	s = iso_time(t);
	j = json_string(s);
	g_free(s);
	return j;
}

/* meta_object - the entry as a JSON object; secrets: with the key
 * derivation and check block */
static json_t *
meta_object(const MpStoreEntry *e, gboolean secrets)
{
	json_t *o = json_object(), *files = json_array(), *rcpts = json_array();
	guint i;

	json_object_set_new(o, "format", json_string(FORMAT));
	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "created", time_or_null(e->created));
	json_object_set_new(o, "expires", time_or_null(e->expires));
	json_object_set_new(o, "sender", json_string(e->sender));
	for (i = 0; i < e->recipients->len; i++)
		json_array_append_new(rcpts, json_string(e->recipients->pdata[i]));
	json_object_set_new(o, "recipients", rcpts);
	json_object_set_new(o, "message-id", e->message_id != NULL ?
	    json_string(e->message_id) : json_null());
	for (i = 0; i < e->files->len; i++) {
		const MpStoreFile *f = e->files->pdata[i];
		json_t *jf = json_object();

		json_object_set_new(jf, "name", json_string(f->name));
		json_object_set_new(jf, "type", json_string(f->type));
		json_object_set_new(jf, "size", json_integer((json_int_t)f->size));
		json_object_set_new(jf, "sha256", json_string(f->sha256));
		json_array_append_new(files, jf);
	}
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "max-downloads", json_integer(e->max_downloads));
	json_object_set_new(o, "downloads", json_integer(e->downloads));
	json_object_set_new(o, "revoked", time_or_null(e->revoked));
	json_object_set_new(o, "failures", json_integer(e->failures));
	json_object_set_new(o, "failures-since",
	    time_or_null(e->failures_since));
	json_object_set_new(o, "locked-until", time_or_null(e->locked_until));
	{
		json_t *clients = json_array();

		for (i = 0; i < e->clients->len; i++) {
			const MpStoreClient *c = e->clients->pdata[i];
			json_t *jc = json_object();

			json_object_set_new(jc, "network",
			    json_string(c->network));
			json_object_set_new(jc, "failures",
			    json_integer(c->failures));
			json_object_set_new(jc, "last", time_or_null(c->last));
			json_object_set_new(jc, "locked-until",
			    time_or_null(c->locked_until));
			json_array_append_new(clients, jc);
		}
		json_object_set_new(o, "clients", clients);
	}
	if (secrets) {
		json_t *kdf = json_object();
		char *salt = g_base64_encode(e->salt, sizeof e->salt), *check;
		static const guchar none[CHECK_BYTES];
		gsize len = sizeof none;
		const guchar *c = e->check != NULL ?
		    g_bytes_get_data(e->check, &len) : none;

		/* before the entry is stored, a stand-in of the same size */
		check = g_base64_encode(c, len);
		json_object_set_new(kdf, "algorithm", json_string(KDF_ALG));
		json_object_set_new(kdf, "opslimit",
		    json_integer((json_int_t)e->kdf_ops));
		json_object_set_new(kdf, "memlimit",
		    json_integer((json_int_t)e->kdf_mem));
		json_object_set_new(kdf, "salt", json_string(salt));
		json_object_set_new(o, "kdf", kdf);
		json_object_set_new(o, "check", json_string(check));
		g_free(salt);
		g_free(check);
	}
	return o;
}

/* mp_store_entry_line - "ID state=... created=... ..." for --list: the
 * state, the times in UTC, files, bytes, downloads, limit, sender */
char *
mp_store_entry_line(const MpStoreEntry *e, gint64 now)
{
	char *created = iso_time(e->created), *expires = iso_time(e->expires);
	char *limit = e->max_downloads > 0 ?
	    g_strdup_printf("%u", e->max_downloads) : g_strdup("none");
	char *line = g_strdup_printf("%s state=%s created=%s expires=%s "
	    "files=%u bytes=%" G_GUINT64_FORMAT " downloads=%u limit=%s "
	    "sender=%s", e->id, mp_store_state_name(mp_store_state(e, now)),
	    created, expires, e->files->len, mp_store_entry_bytes(e),
	    e->downloads, limit, e->sender);

	g_free(limit);
	g_free(created);
	g_free(expires);
	return line;
}

/* mp_store_meta_json - the metadata as JSON text, for --show */
char *
mp_store_meta_json(const MpStoreEntry *e, gint64 now)
{
	json_t *o = meta_object(e, FALSE);
	char *s, *out;

	json_object_set_new(o, "state",
	    json_string(mp_store_state_name(mp_store_state(e, now))));
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	out = g_strdup(s);
	free(s);
	json_decref(o);
	return out;
}

/* meta_text - the text of meta.json */
static char *
meta_text(const MpStoreEntry *e)
{
	json_t *o = meta_object(e, TRUE);
	char *text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	char *line = g_strconcat(text, "\n", NULL);

	json_decref(o);
	free(text);
	return line;
}

/* mp_store_entry_fits - whether the readers will take the entry: at
 * most MP_STORE_FILES_MAX files, metadata that fits their limit with
 * room for the state to grow */
int
mp_store_entry_fits(const MpStoreEntry *e, GError **err)
{
	char *text;
	gsize len;

	if (e->files->len > MP_STORE_FILES_MAX)
		return mp_fail(err, EX_DATAERR, "%u attachments to store, over "
		    "the limit of %d", e->files->len, MP_STORE_FILES_MAX);
	text = meta_text(e);
	/* a size may still be 0 when the files are written as they are
	 * read: count each at its longest */
	len = strlen(text) + (gsize)e->files->len * 20;
	g_free(text);
	if (len > MP_STORE_META_BYTES_MAX - MP_STORE_META_STATE_RESERVE)
		return mp_fail(err, EX_DATAERR, "the store's metadata of this "
		    "message (file names and types, recipients) would take %"
		    G_GSIZE_FORMAT " bytes, over the limit of %d", len,
		    MP_STORE_META_BYTES_MAX - MP_STORE_META_STATE_RESERVE);
	return MP_OK;
}

/*
 * write_meta - DIR/meta.json replaced atomically: written to a
 * temporary file beside it, synced, renamed over it, the directory
 * synced.  A reader sees the old state or the new one.  Metadata the
 * readers would refuse is never written.
 */
static int
write_meta(const char *dir, const MpStoreEntry *e, GError **err)
{
	char *line = meta_text(e);
	char *path = g_build_filename(dir, META, NULL);
	gsize len = strlen(line);
	int status;

	if (len > MP_STORE_META_BYTES_MAX)
		status = mp_fail(err, EX_DATAERR, "store: %s: %" G_GSIZE_FORMAT
		    " bytes, over the limit of %d", path, len,
		    MP_STORE_META_BYTES_MAX);
	else
		status = store_failed(mp_write_file_atomic(path, line, len,
		    0600, err), err);
	g_free(line);
	g_free(path);
	return status;
}

/* get_uint - a whole number member within [0, max] */
static gboolean
get_uint(json_t *o, const char *key, guint64 max, guint64 *out)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (guint64)json_integer_value(j) > max)
		return FALSE;
	*out = (guint64)json_integer_value(j);
	return TRUE;
}

/* get_text - a UTF-8 string member without control characters */
static const char *
get_text(json_t *o, const char *key)
{
	json_t *j = json_object_get(o, key);
	const char *s, *p;

	if (!json_is_string(j))
		return NULL;
	s = json_string_value(j);
	for (p = s; *p != '\0'; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			return NULL;
	return g_utf8_validate(s, -1, NULL) ? s : NULL;
}

/* is_sha256 - 64 lower-case hex digits */
static gboolean
is_sha256(const char *s)
{
	gsize i;

	for (i = 0; s[i] != '\0'; i++)
		if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
			return FALSE;
	return i == 64;
}

/* parse_files - the "files" member; FALSE on anything malformed */
static gboolean
parse_files(json_t *arr, MpStoreEntry *e)
{
	json_t *jf;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return FALSE;
	json_array_foreach(arr, i, jf) {
		MpStoreFile *f;
		const char *name = get_text(jf, "name");
		const char *type = get_text(jf, "type");
		const char *sha = get_text(jf, "sha256");
		guint64 size;

		if (name == NULL || *name == '\0' || strchr(name, '/') != NULL ||
		    type == NULL || sha == NULL || !is_sha256(sha) ||
		    !get_uint(jf, "size", G_MAXINT64, &size))
			return FALSE;
		f = g_new0(MpStoreFile, 1);
		f->name = g_strdup(name);
		f->type = g_strdup(type);
		f->size = size;
		g_strlcpy(f->sha256, sha, sizeof f->sha256);
		g_ptr_array_add(e->files, f);
	}
	return TRUE;
}

/* parse_clients - the "clients" member, if there is one */
static gboolean
parse_clients(json_t *arr, MpStoreEntry *e)
{
	json_t *jc;
	size_t i;

	if (arr == NULL)
		return TRUE;
	if (!json_is_array(arr))
		return FALSE;
	json_array_foreach(arr, i, jc) {
		MpStoreClient *c;
		const char *net = get_text(jc, "network");
		gint64 last, until;
		guint64 n;

		if (net == NULL || *net == '\0' ||
		    !get_uint(jc, "failures", G_MAXUINT32, &n) ||
		    !parse_time(json_object_get(jc, "last"), &last) ||
		    !parse_time(json_object_get(jc, "locked-until"), &until))
			return FALSE;
		c = g_new0(MpStoreClient, 1);
		c->network = g_strdup(net);
		c->failures = (guint)n;
		c->last = last;
		c->locked_until = until;
		g_ptr_array_add(e->clients, c);
	}
	return TRUE;
}

/* parse_kdf - the key derivation and check block, within our bounds */
static gboolean
parse_kdf(json_t *o, MpStoreEntry *e)
{
	json_t *kdf = json_object_get(o, "kdf");
	const char *alg = get_text(kdf, "algorithm");
	const char *salt = get_text(kdf, "salt"), *check = get_text(o, "check");
	guint64 ops, mem;
	guchar *raw;
	gsize len;

	if (alg == NULL || strcmp(alg, KDF_ALG) != 0 || salt == NULL ||
	    check == NULL ||
	    !get_uint(kdf, "opslimit", MP_STORE_KDF_OPSLIMIT_MAX, &ops) ||
	    ops < crypto_pwhash_OPSLIMIT_MIN ||
	    !get_uint(kdf, "memlimit", MP_STORE_KDF_MEMLIMIT_MAX, &mem) ||
	    mem < crypto_pwhash_MEMLIMIT_MIN)
		return FALSE;
	e->kdf_ops = ops;
	e->kdf_mem = (gsize)mem;
	raw = g_base64_decode(salt, &len);
	if (len != sizeof e->salt) {
		g_free(raw);
		return FALSE;
	}
	memcpy(e->salt, raw, len);
	g_free(raw);
	raw = g_base64_decode(check, &len);
	e->check = g_bytes_new_take(raw, len);
	return TRUE;
}

/* parse_meta - meta.json text to an entry; FALSE on anything malformed */
static gboolean
parse_meta(json_t *o, const char *id, MpStoreEntry *e)
{
	const char *fmt = get_text(o, "format"), *s;
	json_t *rcpts = json_object_get(o, "recipients"), *r, *mid;
	guint64 n;
	size_t i;

	if (!json_is_object(o) || fmt == NULL || strcmp(fmt, FORMAT) != 0 ||
	    (s = get_text(o, "id")) == NULL || strcmp(s, id) != 0)
		return FALSE;
	e->id = g_strdup(id);
	if (!parse_time(json_object_get(o, "created"), &e->created) ||
	    !parse_time(json_object_get(o, "expires"), &e->expires) ||
	    !parse_time(json_object_get(o, "revoked"), &e->revoked) ||
	    !parse_time(json_object_get(o, "locked-until"), &e->locked_until) ||
	    (s = get_text(o, "sender")) == NULL || !json_is_array(rcpts))
		return FALSE;
	e->sender = g_strdup(s);
	json_array_foreach(rcpts, i, r) {
		if (!json_is_string(r))
			return FALSE;
		g_ptr_array_add(e->recipients, g_strdup(json_string_value(r)));
	}
	mid = json_object_get(o, "message-id");
	if (json_is_string(mid))
		e->message_id = g_strdup(get_text(o, "message-id"));
	else if (!json_is_null(mid))
		return FALSE;
	if (!parse_files(json_object_get(o, "files"), e))
		return FALSE;
	if (!get_uint(o, "max-downloads", G_MAXUINT32, &n))
		return FALSE;
	e->max_downloads = (guint)n;
	if (!get_uint(o, "downloads", G_MAXUINT32, &n))
		return FALSE;
	e->downloads = (guint)n;
	if (!get_uint(o, "failures", G_MAXUINT32, &n))
		return FALSE;
	e->failures = (guint)n;
	/* failures-since and clients came with the per-network lock: an
	 * entry written before has neither */
	if ((json_object_get(o, "failures-since") != NULL &&
	    !parse_time(json_object_get(o, "failures-since"),
	    &e->failures_since)) ||
	    !parse_clients(json_object_get(o, "clients"), e))
		return FALSE;
	return parse_kdf(o, e);
}

/* read_meta - DIR/meta.json; EX_NOINPUT when it is not there */
static int
read_meta(const char *dir, const char *id, MpStoreEntry **out, GError **err)
{
	char *path = g_build_filename(dir, META, NULL);
	char *buf = g_malloc(MP_STORE_META_BYTES_MAX + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), status = MP_OK;
	MpStoreEntry *e;
	json_error_t jerr;
	json_t *o = NULL;
	gssize n;

	*out = NULL;
	if (fd < 0) {
		struct stat st;

		/* an entry is renamed into place whole and renamed away
		 * before it is removed: a directory without its metadata
		 * is broken, not going */
		if (errno == ENOENT && stat(dir, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			status = mp_fail(err, EX_DATAERR, "store: %s: missing",
			    path);
		else if (errno == ENOENT || errno == ENOTDIR)
			status = mp_fail(err, EX_NOINPUT, "store: no entry %s",
			    id);
		else
			status = mp_fail(err, EX_TEMPFAIL, "store: open %s: %s",
			    path, g_strerror(errno));
		goto done;
	}
	n = read_full(fd, (guchar *)buf, MP_STORE_META_BYTES_MAX + 1);
	close(fd);
	if (n < 0) {
		status = mp_fail(err, EX_IOERR, "store: read %s: %s", path,
		    g_strerror(errno));
		goto done;
	}
	if (n > MP_STORE_META_BYTES_MAX) {
		status = mp_fail(err, EX_DATAERR, "store: %s: over %d bytes",
		    path, MP_STORE_META_BYTES_MAX);
		goto done;
	}
	o = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	e = entry_alloc();
	if (o == NULL || !parse_meta(o, id, e)) {
		mp_store_entry_free(e);
		status = mp_fail(err, EX_DATAERR, "store: %s: %s", path,
		    o == NULL ? jerr.text : "not mp-detach metadata");
		goto done;
	}
	*out = e;
done:
	if (o != NULL)
		json_decref(o);
	g_free(buf);
	g_free(path);
	return status;
}

/*
 * store_dir_ready - the store exists as a directory only we can read;
 * create makes it (the last component, mode 0700) when it is missing.
 * The files are encrypted, but names, senders and recipients are not.
 */
static int
store_dir_ready(const char *store, gboolean create, GError **err)
{
	struct stat st;

	if (create && mkdir(store, 0700) != 0 && errno != EEXIST)
		return fail_errno(err, errno, "create", store);
	if (stat(store, &st) != 0)
		return errno == ENOENT && !create ?
		    mp_fail(err, EX_NOINPUT, "store %s: %s", store,
		    g_strerror(errno)) : fail_errno(err, errno, "open", store);
	if (!S_ISDIR(st.st_mode))
		return mp_fail(err, EX_TEMPFAIL, "store %s: not a directory",
		    store);
	if ((st.st_mode & 077) != 0)
		return mp_fail(err, EX_TEMPFAIL, "store %s: mode %04o lets "
		    "others in; it must be 0700", store,
		    (unsigned)(st.st_mode & 07777));
	return MP_OK;
}

/* temp_name - STORE/PREFIX-TOKEN, a name no reader takes for an entry */
static char *
temp_name(const char *store, const char *prefix)
{
	guchar raw[12];
	char hex[sizeof raw * 2 + 1], *path;

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	path = g_strdup_printf("%s/%s-%s", store, prefix, hex);
	return path;
}

/*
 * mp_store_create - write the entry and its files, all or nothing
 *
 * Everything goes into a temporary directory first and is synced
 * there; the rename to the id publishes it whole, and the store's
 * directory is synced so that the entry outlives a crash.  On any
 * failure the temporary directory goes again and the status is 75.
 */
int
mp_store_create(const char *store, MpStoreEntry *e, MpSpool *const *files,
    const char *password, GError **err)
{
	guchar key[KEY_BYTES];
	char *tmp = NULL, *dst = NULL;
	int status;
	guint i;

	if ((status = store_dir_ready(store, TRUE, err)) != MP_OK)
		return status;
	tmp = temp_name(store, ".new");
	dst = g_build_filename(store, e->id, NULL);
	if (mkdir(tmp, 0700) != 0) {
		status = fail_errno(err, errno, "create", tmp);
		g_free(tmp);
		g_free(dst);
		return status;
	}
	randombytes_buf(e->salt, sizeof e->salt);
	e->kdf_ops = MP_STORE_KDF_OPSLIMIT;
	e->kdf_mem = MP_STORE_KDF_MEMLIMIT;
	if ((status = derive_key(e, password, key, err)) != MP_OK)
		goto fail;
	if (e->check != NULL)
		g_bytes_unref(e->check);
	e->check = seal_check(key, e->id);
	for (i = 0; i < e->files->len && status == MP_OK; i++) {
		char *name = g_strdup_printf("%u.enc", i + 1);
		char *path = g_build_filename(tmp, name, NULL);
		char *ad = file_ad(e->id, i + 1);

		status = write_blob(path, key, ad, files[i], err);
		g_free(ad);
		g_free(path);
		g_free(name);
	}
	if (status != MP_OK || (status = write_meta(tmp, e, err)) != MP_OK)
		goto fail;
	if (rename(tmp, dst) != 0) {
		status = fail_errno(err, errno, "rename to", dst);
		goto fail;
	}
	if ((status = fsync_dir(store, err)) != MP_OK) {
		/* not known to be durable: do not hand out a link to it */
		mp_store_remove(store, e->id, NULL);
		goto out;
	}
	goto out;
fail:
	rm_entry_dir(tmp, NULL);
out:
	sodium_memzero(key, sizeof key);
	g_free(tmp);
	g_free(dst);
	return status;
}

/* rm_entry_dir - remove a directory of plain files (an entry) */
static int
rm_entry_dir(const char *path, GError **err)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int status = MP_OK;

	if (d == NULL)
		return errno == ENOENT ? MP_OK :
		    fail_errno(err, errno, "open", path);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) != 0 && errno != ENOENT &&
		    status == MP_OK)
			status = fail_errno(err, errno, "remove", de->d_name);
	}
	closedir(d);
	if (rmdir(path) != 0 && errno != ENOENT && status == MP_OK)
		status = fail_errno(err, errno, "remove", path);
	return status;
}

/*
 * mp_store_remove - take an entry out of the store.  It is renamed
 * away first, so no reader ever sees it half removed.
 */
int
mp_store_remove(const char *store, const char *id, GError **err)
{
	char *src, *tmp;
	int status;

	if (!mp_store_id_valid(id))
		return mp_fail(err, EX_USAGE, "not an entry id: %s", id);
	src = g_build_filename(store, id, NULL);
	tmp = temp_name(store, ".del");
	if (rename(src, tmp) != 0) {
		status = errno == ENOENT ? MP_OK :
		    fail_errno(err, errno, "rename", src);
	} else {
		status = fsync_dir(store, err);
		if (rm_entry_dir(tmp, status == MP_OK ? err : NULL) != MP_OK &&
		    status == MP_OK)
			status = EX_TEMPFAIL;
	}
	g_free(tmp);
	g_free(src);
	return status;
}

/* lock_entry - open the entry's directory and lock it: MP_OK with *fd,
 * EX_NOINPUT when there is no such entry */
static int
lock_entry(const char *dir, const char *id, int *fd, GError **err)
{
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0)
		return errno == ENOENT || errno == ENOTDIR ?
		    mp_fail(err, EX_NOINPUT, "store: no entry %s", id) :
		    fail_errno(err, errno, "open", dir);
	while (flock(*fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int status = fail_errno(err, errno, "lock", dir);

			close(*fd);
			*fd = -1;
			return status;
		}
	}
	return MP_OK;
}

/* mp_store_load - an entry's metadata; EX_NOINPUT when there is none */
int
mp_store_load(const char *store, const char *id, MpStoreEntry **out,
    GError **err)
{
	char *dir;
	int status;

	*out = NULL;
	if (!mp_store_id_valid(id))
		return mp_fail(err, EX_NOINPUT, "store: no entry %s", id);
	dir = g_build_filename(store, id, NULL);
	status = read_meta(dir, id, out, err);
	g_free(dir);
	return status;
}

static gint
entry_cmp(gconstpointer a, gconstpointer b)
{
	const MpStoreEntry *x = *(MpStoreEntry *const *)a;
	const MpStoreEntry *y = *(MpStoreEntry *const *)b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

static gint
name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_names - the entry ids (and, if leftovers, the dot names) */
static int
list_names(const char *store, GPtrArray *ids, GPtrArray *leftovers,
    GError **err)
{
	DIR *d = opendir(store);
	struct dirent *de;

	if (d == NULL)
		return errno == ENOENT ? MP_OK : fail_errno(err, errno, "open",
		    store);
	while ((de = readdir(d)) != NULL) {
		if (mp_store_id_valid(de->d_name))
			g_ptr_array_add(ids, g_strdup(de->d_name));
		else if (leftovers != NULL &&
		    (g_str_has_prefix(de->d_name, ".new-") ||
		    g_str_has_prefix(de->d_name, ".del-")))
			g_ptr_array_add(leftovers, g_strdup(de->d_name));
	}
	closedir(d);
	g_ptr_array_sort(ids, name_cmp);
	return MP_OK;
}

/*
 * mp_store_list - every entry, oldest first; a missing store is empty.
 * One entry that cannot be read does not hide the others: it is left
 * out and its error added to failed.
 */
int
mp_store_list(const char *store, GPtrArray **out, GPtrArray *failed,
    GError **err)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *list = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mp_store_entry_free);
	int status;
	guint i;

	*out = NULL;
	status = list_names(store, ids, NULL, err);
	for (i = 0; i < ids->len && status == MP_OK; i++) {
		MpStoreEntry *e;
		GError *e2 = NULL;

		status = mp_store_load(store, ids->pdata[i], &e, &e2);
		if (status == EX_NOINPUT) {	/* removed while we looked */
			g_clear_error(&e2);
			status = MP_OK;
			continue;
		}
		if (status != MP_OK) {
			g_ptr_array_add(failed, e2);
			status = MP_OK;
			continue;
		}
		g_ptr_array_add(list, e);
	}
	g_ptr_array_free(ids, TRUE);
	if (status != MP_OK) {
		g_ptr_array_free(list, TRUE);
		return status;
	}
	g_ptr_array_sort(list, entry_cmp);
	*out = list;
	return MP_OK;
}

/* remove_files - the encrypted files of an entry, the metadata kept */
static int
remove_files(const char *dir, const MpStoreEntry *e, GError **err)
{
	int status = MP_OK;
	guint i;

	for (i = 0; i < e->files->len; i++) {
		char *name = g_strdup_printf("%s/%u.enc", dir, i + 1);

		if (unlink(name) != 0 && errno != ENOENT && status == MP_OK)
			status = fail_errno(err, errno, "remove", name);
		g_free(name);
	}
	if (status == MP_OK)
		status = fsync_dir(dir, err);
	return status;
}

/*
 * mp_store_revoke - mark an entry revoked and delete its files.  The
 * metadata stays until the entry expires, so the download page can say
 * why the files are gone.
 */
int
mp_store_revoke(const char *store, const char *id, GError **err)
{
	char *dir;
	MpStoreEntry *e = NULL;
	int fd, status;

	if (!mp_store_id_valid(id))
		return mp_fail(err, EX_NOINPUT, "store: no entry %s", id);
	dir = g_build_filename(store, id, NULL);
	if ((status = lock_entry(dir, id, &fd, err)) != MP_OK) {
		g_free(dir);
		return status;
	}
	status = read_meta(dir, id, &e, err);
	if (status == MP_OK && e->revoked == 0) {
		e->revoked = g_get_real_time() / G_USEC_PER_SEC;
		status = write_meta(dir, e, err);
	}
	if (status == MP_OK)
		status = remove_files(dir, e, err);
	close(fd);
	mp_store_entry_free(e);
	g_free(dir);
	return status;
}

/* broken_long_ago - whether an entry whose metadata cannot be read
 * was last written more than MP_STORE_LIFETIME_MAX ago, and so has
 * expired whatever it said */
static gboolean
broken_long_ago(const char *dir, gint64 now)
{
	char *path = g_build_filename(dir, META, NULL);
	struct stat st;
	gboolean old = (lstat(path, &st) == 0 || lstat(dir, &st) == 0) &&
	    (gint64)st.st_mtime + MP_STORE_LIFETIME_MAX <= now;

	g_free(path);
	return old;
}

/*
 * mp_store_purge - remove every entry whose time is up, and the
 * .new-/.del- directories a crash left behind once they are older than
 * MP_STORE_STALE_SECONDS (younger ones may be in use).  purged gets the
 * ids removed.  An entry whose metadata is malformed is removed too
 * once it is older than any entry lives; until then, and whenever it
 * cannot be read at all, it is left for the administrator, its error
 * added to failed, and the purge goes on.
 */
int
mp_store_purge(const char *store, gint64 now, GPtrArray *purged,
    GPtrArray *failed, GError **err)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *left = g_ptr_array_new_with_free_func(g_free);
	int status;
	guint i;

	status = list_names(store, ids, left, err);
	for (i = 0; i < ids->len && status == MP_OK; i++) {
		const char *id = ids->pdata[i];
		char *dir = g_build_filename(store, id, NULL);
		MpStoreEntry *e = NULL;
		GError *e2 = NULL;
		int fd, r = lock_entry(dir, id, &fd, &e2);

		if (r == MP_OK) {
			r = read_meta(dir, id, &e, &e2);
			if ((r == MP_OK && now >= e->expires) ||
			    (r == EX_DATAERR && broken_long_ago(dir, now))) {
				g_clear_error(&e2);
				r = mp_store_remove(store, id, &e2);
				if (r == MP_OK)
					g_ptr_array_add(purged, g_strdup(id));
			}
			close(fd);
		}
		if (r != MP_OK && r != EX_NOINPUT) {
			g_ptr_array_add(failed, e2);
			e2 = NULL;
		}
		g_clear_error(&e2);
		mp_store_entry_free(e);
		g_free(dir);
	}
	for (i = 0; i < left->len && status == MP_OK; i++) {
		char *path = g_build_filename(store, left->pdata[i], NULL);
		struct stat st;

		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_mtime + MP_STORE_STALE_SECONDS <= now)
			rm_entry_dir(path, NULL);
		g_free(path);
	}
	g_ptr_array_free(ids, TRUE);
	g_ptr_array_free(left, TRUE);
	return status;
}

/* forget_clients - drop the networks whose lock is over and whose
 * last wrong password is more than a lock time ago */
static void
forget_clients(MpStoreEntry *e, const MpStoreLockout *lock, gint64 now)
{
	guint i = 0;

	while (i < e->clients->len) {
		const MpStoreClient *c = e->clients->pdata[i];

		if (c->locked_until <= now &&
		    c->last + (gint64)lock->lock_seconds <= now)
			g_ptr_array_remove_index(e->clients, i);
		else
			i++;
	}
}

/* client_record - the network's record, made if need be; when the
 * table is full, the network heard from longest ago makes room */
static MpStoreClient *
client_record(MpStoreEntry *e, const char *network)
{
	MpStoreClient *c = find_client(e, network);
	guint i, oldest = 0;

	if (c != NULL)
		return c;
	if (e->clients->len >= MP_STORE_CLIENTS_MAX) {
		for (i = 1; i < e->clients->len; i++)
			if (((MpStoreClient *)e->clients->pdata[i])->last <
			    ((MpStoreClient *)e->clients->pdata[oldest])->last)
				oldest = i;
		g_ptr_array_remove_index(e->clients, oldest);
	}
	c = g_new0(MpStoreClient, 1);
	c->network = g_strdup(network);
	g_ptr_array_add(e->clients, c);
	return c;
}

/*
 * count_failure - one more wrong password from network.  At
 * max-failures from the network, the network is locked out; at
 * entry-max-failures from all networks within one lock time, everyone
 * is.  Each lock starts its count afresh.
 */
static void
count_failure(MpStoreEntry *e, const char *network,
    const MpStoreLockout *lock, gint64 now)
{
	MpStoreClient *c = client_record(e, network);

	c->failures++;
	c->last = now;
	if (lock->max_failures > 0 && c->failures >= lock->max_failures) {
		c->locked_until = now + (gint64)lock->lock_seconds;
		c->failures = 0;
	}
	if (e->failures_since == 0 ||
	    e->failures_since + (gint64)lock->lock_seconds <= now) {
		e->failures = 0;
		e->failures_since = now;
	}
	e->failures++;
	if (lock->entry_max_failures > 0 &&
	    e->failures >= lock->entry_max_failures) {
		e->locked_until = now + (gint64)lock->lock_seconds;
		e->failures = 0;
		e->failures_since = 0;
	}
}

/* count_success - the right password: the network's count and the
 * entry's start again */
static void
count_success(MpStoreEntry *e, const char *network)
{
	guint i;

	for (i = 0; i < e->clients->len; i++)
		if (strcmp(((MpStoreClient *)e->clients->pdata[i])->network,
		    network) == 0) {
			g_ptr_array_remove_index(e->clients, i);
			break;
		}
	e->failures = 0;
	e->failures_since = 0;
}

/*
 * mp_store_open - check the password of file (1-based) of an entry and
 * count the download
 *
 * All under the entry's lock: the state is read fresh, a locked,
 * expired, revoked or used-up entry (or one locked for the network) is
 * refused before any key is derived (a lock costs an attacker, not
 * us), a wrong password is counted and may lock the network out or
 * the entry, and a right one counts the download.
 * The whole file is decrypted and its sha256 checked before the
 * download is counted: a file that was cut or changed on disk is an
 * error, never half a file served.
 */
int
mp_store_open(const char *store, const char *id, const char *password,
    guint file, const char *network, const MpStoreLockout *lock, gint64 now,
    MpStoreState *state, MpStoreEntry **entry, MpStoreDownload **out,
    GError **err)
{
	MpStoreDownload *d = NULL;
	MpStoreEntry *e = NULL;
	char *dir, *blob = NULL;
	GChecksum *sum = NULL;
	guchar key[KEY_BYTES];
	int fd = -1, status;
	guint64 total;

	*state = MP_STORE_UNKNOWN;
	*entry = NULL;
	*out = NULL;
	if (!mp_store_id_valid(id))
		return MP_OK;
	dir = g_build_filename(store, id, NULL);
	if ((status = lock_entry(dir, id, &fd, err)) == MP_OK)
		status = read_meta(dir, id, &e, err);
	if (status == EX_NOINPUT) {	/* none, or being removed */
		g_clear_error(err);
		status = MP_OK;
		goto done;
	}
	if (status != MP_OK)
		goto done;
	*entry = e;
	if ((*state = mp_store_state_for(e, network, now)) != MP_STORE_OK)
		goto done;
	if (file < 1 || file > e->files->len) {
		status = mp_fail(err, EX_USAGE, "store: entry %s has no file %u",
		    id, file);
		goto done;
	}
	if ((status = derive_key(e, password, key, err)) != MP_OK)
		goto done;
	if (!check_opens(e, key)) {
		*state = MP_STORE_WRONG_PASSWORD;
		forget_clients(e, lock, now);
		count_failure(e, network, lock, now);
		status = write_meta(dir, e, err);
		goto done;
	}
	d = g_new0(MpStoreDownload, 1);
	d->fd = -1;
	memcpy(d->key, key, sizeof key);
	d->ad = file_ad(id, file);
	{
		const MpStoreFile *f = e->files->pdata[file - 1];

		d->file.name = g_strdup(f->name);
		d->file.type = g_strdup(f->type);
		d->file.size = f->size;
		memcpy(d->file.sha256, f->sha256, sizeof d->file.sha256);
	}
	blob = g_strdup_printf("%s/%u.enc", dir, file);
	if ((d->fd = open(blob, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		status = mp_fail(err, EX_DATAERR, "store: open %s: %s", blob,
		    g_strerror(errno));
		goto done;
	}
	sum = g_checksum_new(G_CHECKSUM_SHA256);
	if ((status = decrypt_blob(d->fd, d->key, d->ad, blob, -1, sum, &total,
	    err)) != MP_OK)
		goto done;
	if (total != d->file.size ||
	    strcmp(g_checksum_get_string(sum), d->file.sha256) != 0) {
		status = mp_fail(err, EX_DATAERR, "store: %s: size or sha256 "
		    "differs from the metadata", blob);
		goto done;
	}
	if (lseek(d->fd, 0, SEEK_SET) != 0) {
		status = mp_fail(err, EX_IOERR, "store: seek %s: %s", blob,
		    g_strerror(errno));
		goto done;
	}
	count_success(e, network);
	e->downloads++;
	if ((status = write_meta(dir, e, err)) != MP_OK)
		goto done;
	*state = MP_STORE_OK;
	*out = d;
	d = NULL;
done:
	sodium_memzero(key, sizeof key);
	if (sum != NULL)
		g_checksum_free(sum);
	mp_store_download_free(d);
	if (fd >= 0)
		close(fd);
	if (status != MP_OK && *entry != NULL) {
		mp_store_entry_free(*entry);
		*entry = NULL;
	} else if (*entry == NULL) {
		mp_store_entry_free(e);
	}
	g_free(blob);
	g_free(dir);
	return status;
}

/* mp_store_download_file - the file being downloaded */
const MpStoreFile *
mp_store_download_file(const MpStoreDownload *d)
{
	return &d->file;
}

/* mp_store_stream - decrypt the file to fd, checking every chunk */
int
mp_store_stream(MpStoreDownload *d, int fd, GError **err)
{
	guint64 total;
	int status = decrypt_blob(d->fd, d->key, d->ad, d->file.name, fd,
	    NULL, &total, err);

	if (status == MP_OK && total != d->file.size)
		status = mp_fail(err, EX_DATAERR, "store: %s: size changed",
		    d->file.name);
	return status;
}

void
mp_store_download_free(MpStoreDownload *d)
{
	if (d == NULL)
		return;
	if (d->fd >= 0)
		close(d->fd);
	sodium_memzero(d->key, sizeof d->key);
	g_free(d->ad);
	g_free(d->file.name);
	g_free(d->file.type);
	g_free(d);
}
