/* queue.c - the hold spool on disk: entries made atomically, changed
 * under a lock, every change in the audit log */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "base/json.h"
#include "base/output.h"
#include "base/secret.h"
#include "hold/queue.h"

/* how often a waiting lock is tried again */
#define LOCK_POLL_MS 20

struct MpHoldSpool {
	char *path;
	unsigned char key[MP_HOLD_KEY_BYTES];
};

struct MpHoldLock {
	int fd;
};

/* temp - a failure of the spool: temporary, so that the MTA retries and
 * nothing is bounced for want of disk */
static int
temp(GError **err, const char *what, const char *path, int errnum)
{
	return mp_fail(err, EX_TEMPFAIL, "%s %s: %s", what, path,
	    g_strerror(errnum));
}

/* write_new - a new file of mode 0600 holding data, synced */
static int
write_new(const char *path, const void *data, gsize len, GError **err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    MP_HOLD_FILE_MODE);
	int status;

	if (fd < 0)
		return temp(err, "create", path, errno);
	status = mp_write_all(fd, data, len, path, err);
	if (status == MP_OK && fsync(fd) != 0)
		status = temp(err, "sync", path, errno);
	if (close(fd) != 0 && status == MP_OK)
		status = temp(err, "close", path, errno);
	return status == MP_OK ? MP_OK : EX_TEMPFAIL;
}

/* load_key - SPOOL/key, made once (linked into place, so that two
 * processes making it at once agree on one) */
static int
load_key(MpHoldSpool *sp, gboolean create, GError **err)
{
	char *path = g_build_filename(sp->path, "key", NULL);
	char *tmp = NULL, *data = NULL;
	gsize len = 0;
	int status = MP_OK;

	if (!g_file_test(path, G_FILE_TEST_EXISTS) && !create) {
		/* nothing was ever queued here: no link to check, so a key
		 * nobody knows */
		randombytes_buf(sp->key, sizeof sp->key);
		g_free(path);
		return MP_OK;
	}
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		unsigned char key[MP_HOLD_KEY_BYTES];

		randombytes_buf(key, sizeof key);
		tmp = g_strdup_printf("%s/tmp/key.%d", sp->path, (int)getpid());
		unlink(tmp);
		status = write_new(tmp, key, sizeof key, err);
		sodium_memzero(key, sizeof key);
		if (status == MP_OK && link(tmp, path) != 0 &&
		    errno != EEXIST)
			status = temp(err, "link", path, errno);
		unlink(tmp);
		if (status == MP_OK)
			status = mp_fsync_dir(sp->path, err) == MP_OK ? MP_OK :
			    EX_TEMPFAIL;
	}
	if (status == MP_OK) {
		GError *e = NULL;

		if (!g_file_get_contents(path, &data, &len, &e)) {
			status = mp_fail(err, EX_TEMPFAIL, "%s", e->message);
			g_error_free(e);
		} else if (len != MP_HOLD_KEY_BYTES) {
			status = mp_fail(err, EX_CONFIG, "%s: not a key of %d "
			    "bytes", path, MP_HOLD_KEY_BYTES);
		} else {
			memcpy(sp->key, data, len);
		}
	}
	if (data != NULL) {
		sodium_memzero(data, len);
		g_free(data);
	}
	g_free(tmp);
	g_free(path);
	return status;
}

/* mp_hold_spool_open - the spool, made when asked */
int
mp_hold_spool_open(const char *path, gboolean create, MpHoldSpool **out,
    GError **err)
{
	MpHoldSpool *sp;
	char *tmp;
	struct stat st;
	int status;

	*out = NULL;
	if (create && g_mkdir_with_parents(path, MP_HOLD_DIR_MODE) != 0)
		return temp(err, "make the spool", path, errno);
	if (stat(path, &st) != 0)
		return temp(err, "open the spool", path, errno);
	if (!S_ISDIR(st.st_mode))
		return mp_fail(err, EX_CONFIG, "spool %s: not a directory",
		    path);
	/* a file we made in another's spool would be ours alone: the
	 * owner (Postfix's pipe user, the page) could no longer read it */
	if (st.st_uid != geteuid())
		return mp_fail(err, EX_NOPERM, "spool %s: owned by uid %u, "
		    "not by us (uid %u): run as its owner (runuser -u USER "
		    "-- mp-hold ...)", path, (unsigned)st.st_uid,
		    (unsigned)geteuid());
	/* held mail is private: a spool others can read is a mistake
	 * to stop at, not to work around */
	if ((st.st_mode & 077) != 0)
		return mp_fail(err, EX_CONFIG, "spool %s: mode %04o: others "
		    "may read it (chmod 700 it)", path,
		    (unsigned)(st.st_mode & 07777));
	tmp = g_build_filename(path, "tmp", NULL);
	if (create && mkdir(tmp, MP_HOLD_DIR_MODE) != 0 && errno != EEXIST) {
		status = temp(err, "make", tmp, errno);
		g_free(tmp);
		return status;
	}
	g_free(tmp);
	sp = g_new0(MpHoldSpool, 1);
	sp->path = g_strdup(path);
	if ((status = load_key(sp, create, err)) != MP_OK) {
		mp_hold_spool_close(sp);
		return status;
	}
	*out = sp;
	return MP_OK;
}

void
mp_hold_spool_close(MpHoldSpool *sp)
{
	if (sp == NULL)
		return;
	sodium_memzero(sp->key, sizeof sp->key);
	g_free(sp->path);
	g_free(sp);
}

const char *
mp_hold_spool_path(const MpHoldSpool *sp)
{
	return sp->path;
}

/* keyed - the hex of a keyed hash of the parts, NUL-separated */
static char *
keyed(const MpHoldSpool *sp, const char *const *parts, guint n)
{
	crypto_generichash_state st;
	unsigned char out[MP_HOLD_TOKEN_BYTES];
	char hex[2 * MP_HOLD_TOKEN_BYTES + 1];
	guint i;

	crypto_generichash_init(&st, sp->key, sizeof sp->key, sizeof out);
	for (i = 0; i < n; i++)
		crypto_generichash_update(&st, (const unsigned char *)parts[i],
		    strlen(parts[i]) + 1);
	crypto_generichash_final(&st, out, sizeof out);
	sodium_bin2hex(hex, sizeof hex, out, sizeof out);
	return g_strdup(hex);
}

/* mp_hold_token - one person's token for one entry */
char *
mp_hold_token(const MpHoldSpool *sp, const char *id, MpHoldRole role,
    const char *who)
{
	char *folded = g_ascii_strdown(who != NULL ? who : "", -1);
	const char *parts[] = { "token", id, mp_hold_role_name(role), folded };
	char *t = keyed(sp, parts, G_N_ELEMENTS(parts));

	g_free(folded);
	return t;
}

/* same_token - two tokens, in constant time */
static gboolean
same_token(const char *a, const char *b)
{
	return strlen(a) == MP_HOLD_TOKEN_LEN && strlen(b) == MP_HOLD_TOKEN_LEN
	    && sodium_memcmp(a, b, MP_HOLD_TOKEN_LEN) == 0;
}

/* mp_hold_token_check - whose token it is */
gboolean
mp_hold_token_check(const MpHoldSpool *sp, const MpHoldEntry *e,
    const char *token, MpHoldRole *role, const char **who)
{
	gboolean found = FALSE;
	char *t;
	guint i;

	if (token == NULL || strlen(token) != MP_HOLD_TOKEN_LEN)
		return FALSE;
	if (*e->sender != '\0') {
		t = mp_hold_token(sp, e->id, MP_HOLD_BY_SENDER, e->sender);
		if (same_token(t, token)) {
			*role = MP_HOLD_BY_SENDER;
			*who = e->sender;
			found = TRUE;
		}
		g_free(t);
	}
	for (i = 0; !found && i < e->approvers->len; i++) {
		const MpHoldApprover *a = e->approvers->pdata[i];

		t = mp_hold_token(sp, e->id, MP_HOLD_BY_APPROVER, a->address);
		if (same_token(t, token)) {
			*role = MP_HOLD_BY_APPROVER;
			*who = a->address;
			found = TRUE;
		}
		g_free(t);
	}
	return found;
}

/* mp_hold_csrf - what a form must send back with the token */
char *
mp_hold_csrf(const MpHoldSpool *sp, const char *id, const char *token)
{
	const char *parts[] = { "csrf", id, token };

	return keyed(sp, parts, G_N_ELEMENTS(parts));
}

/* entry_path - SPOOL/ID/NAME */
static char *
entry_path(const MpHoldSpool *sp, const char *id, const char *name)
{
	return g_build_filename(sp->path, id, name, NULL);
}

char *
mp_hold_message_path(const MpHoldSpool *sp, const char *id)
{
	return entry_path(sp, id, "message");
}

/* remove_tree - a directory of plain files, removed */
static void
remove_tree(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);

		unlink(p);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	rmdir(dir);
}

/* log_line - one audit line as JSON */
static char *
log_line(gint64 now, const char *event, const MpHoldActor *by,
    const char *detail)
{
	json_t *o = json_object();
	GDateTime *t = g_date_time_new_from_unix_utc(now);
	char *when = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
	char *text, *line;

	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "event", mp_json_str(event));
	json_object_set_new(o, "by", json_string(mp_hold_role_name(by->role)));
	if (by->who != NULL)
		json_object_set_new(o, "who", mp_json_str(by->who));
	if (by->client != NULL)
		json_object_set_new(o, "client", mp_json_str(by->client));
	if (detail != NULL)
		json_object_set_new(o, "detail", mp_json_str(detail));
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	line = g_strconcat(text, "\n", NULL);
	free(text);
	json_decref(o);
	g_free(when);
	g_date_time_unref(t);
	return line;
}

/* mp_hold_queue - a new entry on disk, whole or not at all */
int
mp_hold_queue(MpHoldSpool *sp, MpHoldEntry *e, const guchar *data,
    gsize len, const MpHoldActor *by, GError **err)
{
	char *tmpdir, *dir, *p, *json, *line, *tmproot;
	int status = MP_OK;

	g_free(e->id);
	e->id = mp_secret_token(MP_HOLD_ID_BYTES);
	e->size = len;
	tmproot = g_build_filename(sp->path, "tmp", NULL);
	tmpdir = g_build_filename(tmproot, e->id, NULL);
	dir = g_build_filename(sp->path, e->id, NULL);
	if (mkdir(tmpdir, MP_HOLD_DIR_MODE) != 0) {
		status = temp(err, "make", tmpdir, errno);
		goto out;
	}
	p = g_build_filename(tmpdir, "message", NULL);
	status = write_new(p, data, len, err);
	g_free(p);
	if (status == MP_OK) {
		json = mp_hold_entry_to_json(e);
		p = g_build_filename(tmpdir, "entry.json", NULL);
		status = write_new(p, json, strlen(json), err);
		g_free(p);
		g_free(json);
	}
	if (status == MP_OK) {
		char *detail = g_strdup_printf("mode=%s size=%" G_GSIZE_FORMAT,
		    mp_hold_mode_name(e->mode), len);

		line = log_line(e->created, "queued", by, detail);
		p = g_build_filename(tmpdir, "log", NULL);
		status = write_new(p, line, strlen(line), err);
		g_free(p);
		g_free(line);
		g_free(detail);
	}
	if (status == MP_OK) {
		/* empty: nothing to sync but its name, which the
		 * directory's sync below makes durable */
		int fd;

		p = g_build_filename(tmpdir, "lock", NULL);
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    MP_HOLD_FILE_MODE);
		if (fd < 0)
			status = temp(err, "create", p, errno);
		else
			close(fd);
		g_free(p);
	}
	if (status == MP_OK && mp_fsync_dir(tmpdir, err) != MP_OK)
		status = EX_TEMPFAIL;
	if (status == MP_OK && rename(tmpdir, dir) != 0)
		status = temp(err, "rename to", dir, errno);
	/* the spool's sync makes the rename durable; that tmp/ may show
	 * the old name again after a crash does not matter (it is swept) */
	if (status == MP_OK && mp_fsync_dir(sp->path, err) != MP_OK) {
		/* renamed but maybe not durable: the MTA must keep its copy,
		 * and a second copy is better than none */
		status = EX_TEMPFAIL;
		remove_tree(dir);
	}
	if (status != MP_OK)
		remove_tree(tmpdir);
out:
	g_free(tmproot);
	g_free(tmpdir);
	g_free(dir);
	return status;
}

/* mp_hold_lock - the entry's lock, waiting up to wait_ms */
int
mp_hold_lock(MpHoldSpool *sp, const char *id, guint wait_ms,
    MpHoldLock **out, GError **err)
{
	char *path;
	int fd;
	guint waited = 0;

	*out = NULL;
	if (!mp_hold_is_id(id))
		return mp_fail(err, EX_NOINPUT, "%s: not an entry id", id);
	path = entry_path(sp, id, "lock");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		int status = e == ENOENT ? mp_fail(err, EX_NOINPUT,
		    "%s: no such entry", id) : temp(err, "open", path, e);

		g_free(path);
		return status;
	}
	g_free(path);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(fd);
			return mp_fail(err, EX_TEMPFAIL, "lock %s: %s", id,
			    g_strerror(e));
		}
		if (waited >= wait_ms) {
			close(fd);
			return mp_fail(err, EX_TEMPFAIL, "%s: busy (another "
			    "process has it)", id);
		}
		g_usleep(LOCK_POLL_MS * 1000);
		waited += LOCK_POLL_MS;
	}
	*out = g_new0(MpHoldLock, 1);
	(*out)->fd = fd;
	return MP_OK;
}

void
mp_hold_unlock(MpHoldLock *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	g_free(l);
}

/* mp_hold_load - the entry as entry.json says */
int
mp_hold_load(MpHoldSpool *sp, const char *id, MpHoldEntry **out,
    GError **err)
{
	char *path, *text = NULL;
	gsize len;
	GError *e = NULL;
	int status;

	*out = NULL;
	if (!mp_hold_is_id(id))
		return mp_fail(err, EX_NOINPUT, "%s: not an entry id", id);
	path = entry_path(sp, id, "entry.json");
	if (!g_file_get_contents(path, &text, &len, &e)) {
		status = g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT) ?
		    mp_fail(err, EX_NOINPUT, "%s: no such entry", id) :
		    mp_fail(err, EX_TEMPFAIL, "%s", e->message);
		g_error_free(e);
		g_free(path);
		return status;
	}
	status = mp_hold_entry_from_json(text, len, out, &e);
	if (status != MP_OK) {
		status = mp_fail(err, status, "%s: %s", path, e->message);
		g_error_free(e);
	} else if (strcmp((*out)->id, id) != 0) {
		mp_hold_entry_free(*out);
		*out = NULL;
		status = mp_fail(err, EX_DATAERR, "%s: the entry of another "
		    "id", path);
	}
	g_free(text);
	g_free(path);
	return status;
}

/* mp_hold_save - entry.json replaced durably */
int
mp_hold_save(MpHoldSpool *sp, const MpHoldEntry *e, GError **err)
{
	char *path = entry_path(sp, e->id, "entry.json");
	char *json = mp_hold_entry_to_json(e);
	int status = mp_write_file_atomic(path, json, strlen(json),
	    MP_HOLD_FILE_MODE, err);

	g_free(json);
	g_free(path);
	/* whatever the cause, the entry is as it was: try again later */
	return status == MP_OK ? MP_OK : EX_TEMPFAIL;
}

/* mp_hold_log - one line in the audit log, synced */
int
mp_hold_log(MpHoldSpool *sp, const char *id, gint64 now, const char *event,
    const MpHoldActor *by, const char *detail, GError **err)
{
	return mp_hold_log2(sp, id, now, by, event, detail, NULL, NULL, err);
}

/* mp_hold_log2 - one or two lines in the audit log, one write, synced */
int
mp_hold_log2(MpHoldSpool *sp, const char *id, gint64 now,
    const MpHoldActor *by, const char *event, const char *detail,
    const char *event2, const char *detail2, GError **err)
{
	char *path = entry_path(sp, id, "log");
	char *one = log_line(now, event, by, detail);
	char *two = event2 != NULL ? log_line(now, event2, by, detail2) : NULL;
	char *line = g_strconcat(one, two, NULL);
	int fd, status;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    MP_HOLD_FILE_MODE);
	if (fd < 0) {
		status = temp(err, "open", path, errno);
	} else {
		status = mp_write_all(fd, line, strlen(line), path, err);
		if (status == MP_OK && fsync(fd) != 0)
			status = temp(err, "sync", path, errno);
		if (close(fd) != 0 && status == MP_OK)
			status = temp(err, "close", path, errno);
	}
	g_free(line);
	g_free(two);
	g_free(one);
	g_free(path);
	return status == MP_OK ? MP_OK : EX_TEMPFAIL;
}

/* actor_text - "role" or "role:who", as the entry's by says */
static char *
actor_text(const MpHoldActor *by)
{
	return by->who != NULL ? g_strdup_printf("%s:%s",
	    mp_hold_role_name(by->role), by->who) :
	    g_strdup(mp_hold_role_name(by->role));
}

/* mp_hold_set_state - the state changed in memory, with who and when */
void
mp_hold_set_state(MpHoldEntry *e, MpHoldState to, gint64 now,
    const MpHoldActor *by)
{
	e->state = to;
	g_free(e->by);
	e->by = actor_text(by);
	if (mp_hold_state_final(to))
		e->finished = now;
}

/* mp_hold_transition - the state changed, saved, logged */
int
mp_hold_transition(MpHoldSpool *sp, MpHoldEntry *e, MpHoldState to,
    gint64 now, const MpHoldActor *by, const char *detail, GError **err)
{
	int status;

	mp_hold_set_state(e, to, now, by);
	if ((status = mp_hold_save(sp, e, err)) != MP_OK)
		return status;
	return mp_hold_log(sp, e->id, now, mp_hold_state_name(to), by, detail,
	    err);
}

/* mp_hold_restore - entry.json put back as it was (before: its text),
 * after a change that failed half way; best effort */
void
mp_hold_restore(MpHoldSpool *sp, const char *id, const char *before)
{
	char *path = entry_path(sp, id, "entry.json");

	mp_write_file_atomic(path, before, strlen(before), MP_HOLD_FILE_MODE,
	    NULL);
	g_free(path);
}

/* mp_hold_read_log - the audit log's lines */
int
mp_hold_read_log(MpHoldSpool *sp, const char *id, char **out, GError **err)
{
	char *path = entry_path(sp, id, "log");
	GError *e = NULL;
	int status = MP_OK;

	if (!g_file_get_contents(path, out, NULL, &e)) {
		status = mp_fail(err, EX_TEMPFAIL, "%s", e->message);
		g_error_free(e);
	}
	g_free(path);
	return status;
}

/* compare_str - for sorting ids */
static gint
compare_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mp_hold_ids - every entry's id, sorted */
int
mp_hold_ids(MpHoldSpool *sp, GPtrArray **out, GError **err)
{
	GError *e = NULL;
	GDir *d = g_dir_open(sp->path, 0, &e);
	const char *name;

	*out = NULL;
	if (d == NULL) {
		int status = mp_fail(err, EX_TEMPFAIL, "%s", e->message);

		g_error_free(e);
		return status;
	}
	*out = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)) != NULL)
		if (mp_hold_is_id(name))
			g_ptr_array_add(*out, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(*out, compare_str);
	return MP_OK;
}

/* mp_hold_remove - an entry's directory removed: renamed into tmp/
 * first, so that a half-removed entry is never read as one */
int
mp_hold_remove(MpHoldSpool *sp, const char *id, GError **err)
{
	char *dir = g_build_filename(sp->path, id, NULL);
	char *gone = g_strdup_printf("%s/tmp/%s.gone", sp->path, id);
	int status = MP_OK;

	if (rename(dir, gone) != 0)
		status = temp(err, "rename", dir, errno);
	else
		remove_tree(gone);
	g_free(gone);
	g_free(dir);
	return status;
}

/* mp_hold_clean_tmp - what a crash left in tmp/, once it is old */
void
mp_hold_clean_tmp(MpHoldSpool *sp, gint64 now)
{
	char *tmp = g_build_filename(sp->path, "tmp", NULL);
	GDir *d = g_dir_open(tmp, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(tmp, name, NULL);
		struct stat st;

		if (lstat(p, &st) == 0 && now - st.st_mtime > MP_HOLD_TMP_AGE) {
			if (S_ISDIR(st.st_mode))
				remove_tree(p);
			else
				unlink(p);
		}
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_free(tmp);
}
