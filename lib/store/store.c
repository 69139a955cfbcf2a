/* store.c - the store's directory: entries created whole, listed,
 * revoked, removed and purged, each under its lock */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/output.h"
#include "store/store-int.h"

static int rm_entry_dir(const char *path, GError **err);

/* store_fail_errno - a store failure: always temporary for the MTA */
int
store_fail_errno(GError **err, int errnum, const char *what, const char *path)
{
	return mp_fail(err, EX_TEMPFAIL, "store: %s %s: %s", what, path,
	    g_strerror(errnum));
}

/* store_failed - every store failure is temporary for the MTA (75) */
int
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

/* store_fsync_dir - make a rename or a new name in dir durable */
int
store_fsync_dir(const char *dir, GError **err)
{
	return store_failed(mp_fsync_dir(dir, err), err);
}

/* store_read_full - up to n bytes, fewer only at the end of the file; -1 on
 * an error */
gssize
store_read_full(int fd, guchar *buf, gsize n)
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
 * store_dir_ready - the store exists as a directory only we can read;
 * create makes it (the last component, mode 0700) when it is missing.
 * The files are encrypted, but names, senders and recipients are not.
 */
static int
store_dir_ready(const char *store, gboolean create, GError **err)
{
	struct stat st;

	if (create && mkdir(store, 0700) != 0 && errno != EEXIST)
		return store_fail_errno(err, errno, "create", store);
	if (stat(store, &st) != 0)
		return errno == ENOENT && !create ?
		    mp_fail(err, EX_NOINPUT, "store %s: %s", store,
		    g_strerror(errno)) :
		    store_fail_errno(err, errno, "open", store);
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
	guchar raw[MP_STORE_TEMP_TOKEN_BYTES];
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
	guchar key[MP_STORE_KEY_BYTES];
	char *tmp = NULL, *dst = NULL;
	int status;
	guint i;

	if ((status = store_dir_ready(store, TRUE, err)) != MP_OK)
		return status;
	tmp = temp_name(store, ".new");
	dst = g_build_filename(store, e->id, NULL);
	if (mkdir(tmp, 0700) != 0) {
		status = store_fail_errno(err, errno, "create", tmp);
		g_free(tmp);
		g_free(dst);
		return status;
	}
	randombytes_buf(e->salt, sizeof e->salt);
	e->kdf_ops = MP_STORE_KDF_OPSLIMIT;
	e->kdf_mem = MP_STORE_KDF_MEMLIMIT;
	if ((status = store_derive_key(e, password, key, err)) != MP_OK)
		goto fail;
	if (e->check != NULL)
		g_bytes_unref(e->check);
	e->check = store_seal_check(key, e->id);
	for (i = 0; i < e->files->len && status == MP_OK; i++) {
		char *name = g_strdup_printf("%u.enc", i + 1);
		char *path = g_build_filename(tmp, name, NULL);
		char *ad = store_file_ad(e->id, i + 1);

		status = store_write_blob(path, key, ad, files[i], err);
		g_free(ad);
		g_free(path);
		g_free(name);
	}
	if (status != MP_OK ||
	    (status = store_write_meta(tmp, e, err)) != MP_OK)
		goto fail;
	if (rename(tmp, dst) != 0) {
		status = store_fail_errno(err, errno, "rename to", dst);
		goto fail;
	}
	if ((status = store_fsync_dir(store, err)) != MP_OK) {
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
		    store_fail_errno(err, errno, "open", path);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) != 0 && errno != ENOENT &&
		    status == MP_OK)
			status = store_fail_errno(err, errno, "remove",
			    de->d_name);
	}
	closedir(d);
	if (rmdir(path) != 0 && errno != ENOENT && status == MP_OK)
		status = store_fail_errno(err, errno, "remove", path);
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
		    store_fail_errno(err, errno, "rename", src);
	} else {
		status = store_fsync_dir(store, err);
		if (rm_entry_dir(tmp, status == MP_OK ? err : NULL) != MP_OK &&
		    status == MP_OK)
			status = EX_TEMPFAIL;
	}
	g_free(tmp);
	g_free(src);
	return status;
}

/* store_lock_entry - open the entry's directory and lock it: MP_OK with *fd,
 * EX_NOINPUT when there is no such entry */
int
store_lock_entry(const char *dir, const char *id, int *fd, GError **err)
{
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0)
		return errno == ENOENT || errno == ENOTDIR ?
		    mp_fail(err, EX_NOINPUT, "store: no entry %s", id) :
		    store_fail_errno(err, errno, "open", dir);
	while (flock(*fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int status = store_fail_errno(err, errno, "lock", dir);

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
	status = store_read_meta(dir, id, out, err);
	g_free(dir);
	return status;
}

/* entry_cmp - oldest first, by id within a second */
static gint
entry_cmp(gconstpointer a, gconstpointer b)
{
	const MpStoreEntry *x = *(MpStoreEntry *const *)a;
	const MpStoreEntry *y = *(MpStoreEntry *const *)b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* name_cmp - strcmp for a GPtrArray of strings */
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
		return errno == ENOENT ? MP_OK :
		    store_fail_errno(err, errno, "open", store);
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
			status = store_fail_errno(err, errno, "remove", name);
		g_free(name);
	}
	if (status == MP_OK)
		status = store_fsync_dir(dir, err);
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
	if ((status = store_lock_entry(dir, id, &fd, err)) != MP_OK) {
		g_free(dir);
		return status;
	}
	status = store_read_meta(dir, id, &e, err);
	if (status == MP_OK && e->revoked == 0) {
		e->revoked = g_get_real_time() / G_USEC_PER_SEC;
		status = store_write_meta(dir, e, err);
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
	char *path = g_build_filename(dir, MP_STORE_META_NAME, NULL);
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
		int fd, r = store_lock_entry(dir, id, &fd, &e2);

		if (r == MP_OK) {
			r = store_read_meta(dir, id, &e, &e2);
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

