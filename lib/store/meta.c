/* meta.c - an entry's meta.json: written atomically, read within its
 * limits, shown for --list and --show */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/output.h"
#include "store/store-int.h"

#define FORMAT "mp-detach 1"
#define KDF_ALG "argon2id13"

/* the networks' records (about 150 bytes each in meta.json) fit in the
 * room kept for the state */
G_STATIC_ASSERT(MP_STORE_CLIENTS_MAX * MP_STORE_CLIENT_META_BYTES +
    MP_STORE_STATE_META_BYTES <= MP_STORE_META_STATE_RESERVE);

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

/* time_or_null - a time as parse_time reads it: 0 is null */
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
		static const guchar none[MP_STORE_CHECK_BYTES];
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
	len = strlen(text) + (gsize)e->files->len * MP_STORE_SIZE_DIGITS_MAX;
	g_free(text);
	if (len > MP_STORE_META_BYTES_MAX - MP_STORE_META_STATE_RESERVE)
		return mp_fail(err, EX_DATAERR, "the store's metadata of this "
		    "message (file names and types, recipients) would take %"
		    G_GSIZE_FORMAT " bytes, over the limit of %d", len,
		    MP_STORE_META_BYTES_MAX - MP_STORE_META_STATE_RESERVE);
	return MP_OK;
}

/*
 * store_write_meta - DIR/meta.json replaced atomically: written to a
 * temporary file beside it, synced, renamed over it, the directory
 * synced.  A reader sees the old state or the new one.  Metadata the
 * readers would refuse is never written.
 */
int
store_write_meta(const char *dir, const MpStoreEntry *e, GError **err)
{
	char *line = meta_text(e);
	char *path = g_build_filename(dir, MP_STORE_META_NAME, NULL);
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
	return i == MP_STORE_SHA256_CHARS;
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

/* store_read_meta - DIR/meta.json; EX_NOINPUT when it is not there */
int
store_read_meta(const char *dir, const char *id, MpStoreEntry **out,
    GError **err)
{
	char *path = g_build_filename(dir, MP_STORE_META_NAME, NULL);
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
	n = store_read_full(fd, (guchar *)buf, MP_STORE_META_BYTES_MAX + 1);
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
	e = store_entry_alloc();
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

