/* session.c - one download: the password checked under the entry's
 * lock, wrong ones counted per network, the file decrypted as sent */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store/store-int.h"

struct MpStoreDownload {
	int fd;			/* the encrypted file, at its start */
	guchar key[MP_STORE_KEY_BYTES];
	char *ad;		/* what each chunk is bound to: "ID/N" */
	MpStoreFile file;
};

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
	MpStoreClient *c = store_find_client(e, network);
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
	guchar key[MP_STORE_KEY_BYTES];
	int fd = -1, status;
	guint64 total;

	*state = MP_STORE_UNKNOWN;
	*entry = NULL;
	*out = NULL;
	if (!mp_store_id_valid(id))
		return MP_OK;
	dir = g_build_filename(store, id, NULL);
	if ((status = store_lock_entry(dir, id, &fd, err)) == MP_OK)
		status = store_read_meta(dir, id, &e, err);
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
	if ((status = store_derive_key(e, password, key, err)) != MP_OK)
		goto done;
	if (!store_check_opens(e, key)) {
		*state = MP_STORE_WRONG_PASSWORD;
		forget_clients(e, lock, now);
		count_failure(e, network, lock, now);
		status = store_write_meta(dir, e, err);
		goto done;
	}
	d = g_new0(MpStoreDownload, 1);
	d->fd = -1;
	memcpy(d->key, key, sizeof key);
	d->ad = store_file_ad(id, file);
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
	if ((status = store_decrypt_blob(d->fd, d->key, d->ad, blob, -1, sum,
	    &total, err)) != MP_OK)
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
	if ((status = store_write_meta(dir, e, err)) != MP_OK)
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
	int status = store_decrypt_blob(d->fd, d->key, d->ad, d->file.name, fd,
	    NULL, &total, err);

	if (status == MP_OK && total != d->file.size)
		status = mp_fail(err, EX_DATAERR, "store: %s: size changed",
		    d->file.name);
	return status;
}

/* mp_store_download_free - close the file, wipe the key (NULL: nothing) */
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

