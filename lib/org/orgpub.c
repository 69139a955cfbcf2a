/* orgpub.c - publishing the org snapshot: write, sync, switch, keep */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/output.h"
#include "base/schema.h"
#include "org/orgsnap-int.h"

/*
 * kv - one "k=v" line of a record.  Every value written comes from the
 * export (whose fields have no tabs or line breaks: see csvread.c), from
 * org.conf or from mp itself, so records are plain "name=value" lines
 * with tab-separated parts (orgsnap-int.h).
 */
static void
kv(GString *s, const char *k, const char *v)
{
	g_string_append(s, k);
	g_string_append_c(s, '=');
	g_string_append(s, v != NULL ? v : "");
	g_string_append_c(s, '\n');
}

/*
 * person_text - the "p:" record of a person, into s (emptied first).
 * A superior's reason is a number: the text is the record "r:N", written
 * once however many people it applies to.
 */
static void
person_text(GString *s, const MpOrgPerson *p, GHashTable *reasons)
{
	guint i;

	g_string_truncate(s, 0);
	kv(s, "email", p->email);
	kv(s, "id", p->id);
	kv(s, "name", p->name);
	kv(s, "exempt", p->exempt ? "1" : "0");
	for (i = 0; p->divisions[i] != NULL; i++)
		kv(s, "div", p->divisions[i]);
	for (i = 0; p->sdivisions[i] != NULL; i++)
		kv(s, "sdiv", p->sdivisions[i]);
	for (i = 0; i < p->nposts; i++) {
		const MpOrgPost *op = &p->posts[i];

		/* the ORGSNAP_POST_FIELDS parts, in their order */
		g_string_append_printf(s, "post=%s\t%s\t%s\t%s\t%s\n", op->unit,
		    op->title, op->primary ? "primary" : "concurrent",
		    op->pattern, op->role);
	}
	for (i = 0; i < p->nsups; i++)
		g_string_append_printf(s, "sup=%s\t%u\n", p->sups[i].key,
		    GPOINTER_TO_UINT(g_hash_table_lookup(reasons,
		    p->sups[i].reason)) - 1);
}

/* group_text - the "g:" record of a group, into s (emptied first) */
static void
group_text(GString *s, const MpOrgGroup *g)
{
	guint i;

	g_string_truncate(s, 0);
	kv(s, "level", g->level);
	for (i = 0; g->superiors[i] != NULL; i++)
		kv(s, "sup", g->superiors[i]);
	for (i = 0; g->members[i] != NULL; i++)
		kv(s, "mem", g->members[i]);
}

/* write_sums - append the block checksums and the trailer to the cdb
 * just written to fd; 0 or an errno */
static int
write_sums(int fd)
{
	guchar *buf = g_malloc(MP_ORGSNAP_BLOCK), t[MP_ORGSNAP_TRAILER];
	GByteArray *table = g_byte_array_new();
	guint64 len, off;
	struct stat st;
	int e = 0;

	if (fstat(fd, &st) != 0) {
		e = errno;
		goto out;
	}
	len = (guint64)st.st_size;
	for (off = 0; off < len; off += MP_ORGSNAP_BLOCK) {
		gsize n = (gsize)MIN(MP_ORGSNAP_BLOCK, len - off), got = 0;
		guchar sum[ORGSNAP_U32];

		while (got < n) {
			ssize_t r = pread(fd, buf + got, n - got,
			    (off_t)(off + got));

			if (r <= 0) {
				e = r < 0 ? errno : EIO;
				goto out;
			}
			got += (gsize)r;
		}
		put_le32(sum, crc(buf, n));
		g_byte_array_append(table, sum, ORGSNAP_U32);
	}
	memcpy(t + ORGSNAP_T_MAGIC, MP_ORGSNAP_SUM_MAGIC, ORGSNAP_SUM_MAGIC_LEN);
	put_le32(t + ORGSNAP_T_LEN_LO, (guint32)len);
	put_le32(t + ORGSNAP_T_LEN_HI, (guint32)(len >> 32));
	put_le32(t + ORGSNAP_T_BLOCK, MP_ORGSNAP_BLOCK);
	put_le32(t + ORGSNAP_T_NBLOCKS, table->len / ORGSNAP_U32);
	put_le32(t + ORGSNAP_T_TABLE_SUM, crc(table->data, table->len));
	put_le32(t + ORGSNAP_T_SELF_SUM, crc(t, ORGSNAP_T_SELF_SUM));
	g_byte_array_append(table, t, sizeof t);
	for (off = 0; off < table->len;) {
		ssize_t w = pwrite(fd, table->data + off, table->len - off,
		    (off_t)(len + off));

		if (w < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			goto out;
		}
		off += (guint64)w;
	}
out:
	g_free(buf);
	g_byte_array_free(table, TRUE);
	return e;
}

/* add - one record; 0 or an errno */
static int
add(struct cdb_make *cm, const GString *k, const char *v, gsize vlen)
{
	if (cdb_make_add(cm, k->str, (unsigned)k->len, v, (unsigned)vlen) != 0)
		return errno ? errno : EIO;
	return 0;
}

/* write_cdb - the snapshot file, complete and on disk, or an error */
static int
write_cdb(const MpOrg *org, const char *path, const char *meta,
    GError **err)
{
	struct cdb_make cm;
	GString *v = g_string_sized_new(ORGSNAP_RECORD_HINT);
	GString *k = g_string_sized_new(ORGSNAP_KEY_HINT);
	GHashTable *reasons = g_hash_table_new(g_direct_hash, g_direct_equal);
	int fd, e = 0, ae;
	guint i, j;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    ORGSNAP_FILE_MODE);
	if (fd < 0)
		return mp_fail(err, errno == ENOSPC || errno == EDQUOT ?
		    EX_TEMPFAIL : EX_CANTCREAT, "%s: %s", path,
		    g_strerror(errno));
	/* readable by the filter's account whatever mp-orgsync's umask */
	if (fchmod(fd, ORGSNAP_FILE_MODE) != 0)
		e = errno;
	if (e == 0 && cdb_make_start(&cm, fd) != 0)
		e = errno ? errno : EIO;
	g_string_assign(k, ORGSNAP_KEY_META);
	if (e == 0)
		e = add(&cm, k, meta, strlen(meta));
	for (i = 0; e == 0 && i < org->people->len; i++) {
		const MpOrgPerson *p = org->people->pdata[i];

		/* new reasons first: "r:N" = the text (reasons are interned) */
		for (j = 0; e == 0 && j < p->nsups; j++) {
			const char *r = p->sups[j].reason;

			if (g_hash_table_contains(reasons, r))
				continue;
			g_hash_table_insert(reasons, (gpointer)(gsize)r,
			    GUINT_TO_POINTER(g_hash_table_size(reasons) + 1));
			g_string_printf(k, ORGSNAP_KEY_REASON "%u",
			    g_hash_table_size(reasons) - 1);
			e = add(&cm, k, r, strlen(r));
		}
		g_string_assign(k, ORGSNAP_KEY_PERSON);
		g_string_append(k, p->key);
		person_text(v, p, reasons);
		if ((ae = add(&cm, k, v->str, v->len)) != 0)
			e = ae;
	}
	for (i = 0; e == 0 && i < org->groups->len; i++) {
		const MpOrgGroup *g = org->groups->pdata[i];

		g_string_assign(k, ORGSNAP_KEY_GROUP);
		g_string_append(k, g->unit);
		group_text(v, g);
		e = add(&cm, k, v->str, v->len);
	}
	g_string_free(v, TRUE);
	g_string_free(k, TRUE);
	g_hash_table_destroy(reasons);
	if (e == 0 && cdb_make_finish(&cm) != 0)
		e = errno ? errno : EIO;
	if (e == 0)
		e = write_sums(fd);
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e != 0) {
		unlink(path);
		return mp_fail(err, mp_errno_status(e), "%s: write: %s", path,
		    g_strerror(e));
	}
	return MP_OK;
}

/*
 * point_current - swing the `current` symlink to gen atomically.  Once
 * the rename is done the generation is in force: a directory sync that
 * fails then is a warning (in *warning), not a failure that would make
 * the caller report a publication that took place as one that did not.
 */
static int
point_current(const char *dir, const char *gen, char **warning,
    GError **err)
{
	GError *why = NULL;
	char *target = mp_orgsnap_name(MP_ORGSNAP_FILE_CDB, gen);
	char *tmp = g_build_filename(dir, ORGSNAP_CURRENT_TMP, NULL);
	char *link = mp_orgsnap_current_path(dir);
	int status = MP_OK;

	unlink(tmp);
	if (symlink(target, tmp) != 0 || rename(tmp, link) != 0) {
		int e = errno;

		unlink(tmp);
		status = mp_fail(err, mp_errno_status(e), "%s: %s", link,
		    g_strerror(e));
	}
	if (status == MP_OK && mp_fsync_dir(dir, &why) != MP_OK) {
		*warning = g_strdup_printf("%s now points at %s, but the "
		    "directory could not be synced, so a crash soon may undo "
		    "the switch: %s", link, target, why->message);
		g_error_free(why);
	}
	g_free(target);
	g_free(tmp);
	g_free(link);
	return status;
}

/* prune - delete all but the newest `keep` generations (never current) */
static void
prune(const char *dir, guint keep, const char *current)
{
	GPtrArray *gens = mp_orgsnap_generations(dir);
	guint i;

	for (i = 0; i + keep < gens->len; i++) {
		char *path;

		if (current != NULL && strcmp(gens->pdata[i], current) == 0)
			continue;
		path = mp_orgsnap_path(dir, MP_ORGSNAP_FILE_CDB, gens->pdata[i]);
		unlink(path);
		g_free(path);
		path = mp_orgsnap_path(dir, MP_ORGSNAP_FILE_CHANGES,
		    gens->pdata[i]);
		unlink(path);
		g_free(path);
	}
	g_ptr_array_free(gens, TRUE);
}

/* lock_dir - hold the directory's lock, or 75 if another holds it */
static int
lock_dir(const char *dir, int *fd, GError **err)
{
	char *path = g_build_filename(dir, ORGSNAP_LOCK, NULL);

	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0) {
		int status = mp_fail(err, errno == ENOENT || errno == EACCES ?
		    EX_CANTCREAT : mp_errno_status(errno), "%s: %s", path,
		    g_strerror(errno));

		g_free(path);
		return status;
	}
	g_free(path);
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		close(*fd);
		*fd = -1;
		return mp_fail(err, EX_TEMPFAIL, "%s: another mp-orgsync is "
		    "publishing", dir);
	}
	return MP_OK;
}

/* remove_stale - temporary files of publications that were killed: the
 * caller holds the directory's lock, so no live one can own them */
static void
remove_stale(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	char *gen;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		gen = mp_orgsnap_gen_of(MP_ORGSNAP_FILE_TMP, name);
		if (gen != NULL || strcmp(name, ORGSNAP_CURRENT_TMP) == 0) {
			char *path = g_build_filename(dir, name, NULL);

			unlink(path);
			g_free(path);
		}
		g_free(gen);
	}
	if (d != NULL)
		g_dir_close(d);
}

/*
 * too_few - refuse an org that has lost more than max-drop per cent of
 * the people of the generation in force (unless forced)
 */
static int
too_few(const MpOrg *org, const MpPublishOpts *o, const MpPublishResult *res,
    GError **err)
{
	guint64 now = org->people->len, was = res->prev_people;

	if (o->force || was == 0 ||
	    now * MP_PERCENT_MAX >= was * (MP_PERCENT_MAX - o->max_drop))
		return MP_OK;
	return mp_fail(err, EX_DATAERR, "refusing to publish: %u people, %u%% "
	    "fewer than the %u of generation %s (more than max-drop %u%%); "
	    "check the export, or use --force", org->people->len,
	    (guint)(MP_PERCENT_MAX - now * MP_PERCENT_MAX / was),
	    res->prev_people, res->previous, o->max_drop);
}

/* meta_text - the meta record of a generation */
static char *
meta_text(const MpOrg *org, const MpPublishOpts *o, const char *generation)
{
	char created[ORGSNAP_STAMP_SIZE];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return g_strdup_printf("%s\ngeneration=%s\ncreated=%s\n"
	    "people=%u\nposts=%u\nunits=%u\nunknown-sender=%s\n"
	    "sender-posts=%s\nchain=%s\nsource=%s\n", MP_ORGSNAP_MAGIC,
	    generation, created, org->people->len, org->nposts,
	    org->nunits, org->unknown_pass ? "pass" : "reject",
	    org->any_post ? "any" : "primary",
	    org->chain ? "yes" : "no", o->source ? o->source : "");
}

/* read_back - the file just written is a good snapshot of org */
static int
read_back(const MpOrg *org, const char *tmp, GError **err)
{
	MpOrgSnap *check = NULL;
	int status;

	if ((status = mp_orgsnap_open(tmp, &check, err)) == MP_OK &&
	    (status = mp_orgsnap_verify_all(check, err)) == MP_OK &&
	    check->people != org->people->len)
		status = mp_fail(err, EX_IOERR, "%s: reads back %u people, not "
		    "%u", tmp, check->people, org->people->len);
	mp_orgsnap_close(check);
	return status;
}

/* mp_orgsnap_publish - write org as the new current generation */
int
mp_orgsnap_publish(const MpOrg *org, const MpPublishOpts *o,
    MpChanges *changes, MpPublishResult *res, GError **err)
{
	char *current, *tmp = NULL, *final = NULL, *meta = NULL;
	MpOrgSnap *prev = NULL;
	GError *e = NULL;
	int lock = -1, status = MP_OK;
	struct stat st;

	memset(res, 0, sizeof *res);
	/* a directory made here is 0755 whatever the umask, so that the
	 * filter's account can open current; one that exists is left as
	 * the administrator made it */
	if (!o->dry_run && !g_file_test(o->dir, G_FILE_TEST_IS_DIR) &&
	    (g_mkdir_with_parents(o->dir, ORGSNAP_DIR_MODE) != 0 ||
	    chmod(o->dir, ORGSNAP_DIR_MODE) != 0))
		return mp_fail(err, EX_CANTCREAT, "%s: %s", o->dir,
		    g_strerror(errno));
	/* a dry run leaves no trace: no directory, no lock file */
	if ((!o->dry_run || g_file_test(o->dir, G_FILE_TEST_IS_DIR)) &&
	    (status = lock_dir(o->dir, &lock, err)) != MP_OK)
		goto out;
	if (!o->dry_run)
		remove_stale(o->dir);
	current = mp_orgsnap_current_path(o->dir);
	/* A broken current snapshot is replaced, not an obstacle. */
	if (g_file_test(current, G_FILE_TEST_EXISTS) &&
	    mp_orgsnap_open(current, &prev, &e) == MP_OK &&
	    mp_orgsnap_verify_all(prev, &e) == MP_OK) {
		res->previous = g_strdup(prev->generation);
		res->prev_people = prev->people;
	}
	g_clear_error(&e);
	if (prev != NULL && prev->corrupt) {
		mp_orgsnap_close(prev);
		prev = NULL;
	}
	g_free(current);
	if (prev != NULL && (status = too_few(org, o, res, err)) != MP_OK)
		goto out;
	mp_orgsnap_diff(prev, org, changes);
	res->generation = mp_orgsnap_new_generation(o->dir);
	if (o->dry_run)
		goto out;

	meta = meta_text(org, o, res->generation);
	tmp = mp_orgsnap_path(o->dir, MP_ORGSNAP_FILE_TMP, res->generation);
	final = mp_orgsnap_path(o->dir, MP_ORGSNAP_FILE_CDB, res->generation);
	if ((status = write_cdb(org, tmp, meta, err)) != MP_OK)
		goto out;
	/* read it back before anyone else can */
	if ((status = read_back(org, tmp, err)) != MP_OK) {
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, final) != 0) {
		status = mp_fail(err, mp_errno_status(errno), "%s: %s", final,
		    g_strerror(errno));
		unlink(tmp);
		goto out;
	}
	res->changes = mp_orgsnap_path(o->dir, MP_ORGSNAP_FILE_CHANGES,
	    res->generation);
	/* the change set beside its generation, so that a failure to hand
	 * it on afterwards (stdout, --changes) loses nothing; its directory
	 * sync covers the snapshot's rename too */
	if ((status = mp_write_file_atomic(res->changes, changes->text->str,
	    changes->text->len, ORGSNAP_FILE_MODE, err)) != MP_OK ||
	    (status = point_current(o->dir, res->generation, &res->warning,
	    err)) != MP_OK)
		goto out;
	if (stat(final, &st) == 0)
		res->size = (gsize)st.st_size;
	prune(o->dir, MAX(o->keep, MP_ORGSNAP_KEEP_MIN), res->generation);
out:
	mp_orgsnap_close(prev);
	if (lock >= 0)
		close(lock);
	g_free(tmp);
	g_free(final);
	g_free(meta);
	return status;
}

/* mp_publish_result_clear - free what a publication returned */
void
mp_publish_result_clear(MpPublishResult *res)
{
	g_free(res->generation);
	g_free(res->previous);
	g_free(res->changes);
	g_free(res->warning);
	memset(res, 0, sizeof *res);
}

/* mp_orgsnap_rollback - make gen (NULL: the one before current) current */
int
mp_orgsnap_rollback(const char *dir, const char *gen, char **now,
    char **warning, GError **err)
{
	GPtrArray *gens = mp_orgsnap_generations(dir);
	char *cur = mp_orgsnap_current(dir), *want = NULL, *path;
	MpOrgSnap *check = NULL;
	int status = MP_OK, lock = -1;
	guint i;

	*now = NULL;
	*warning = NULL;
	if ((status = lock_dir(dir, &lock, err)) != MP_OK)
		goto out;
	if (gen != NULL) {
		for (i = 0; i < gens->len; i++)
			if (strcmp(gens->pdata[i], gen) == 0)
				want = g_strdup(gen);
		if (want == NULL)
			status = mp_fail(err, EX_NOINPUT, "%s: no generation %s",
			    dir, gen);
	} else {
		for (i = 0; i < gens->len; i++)
			if (cur != NULL && strcmp(gens->pdata[i], cur) == 0 && i > 0)
				want = g_strdup(gens->pdata[i - 1]);
		if (want == NULL)
			status = mp_fail(err, EX_NOINPUT, "%s: no generation before "
			    "%s to roll back to", dir, cur ? cur : "(none)");
	}
	if (status != MP_OK)
		goto out;
	path = mp_orgsnap_path(dir, MP_ORGSNAP_FILE_CDB, want);
	status = mp_orgsnap_open(path, &check, err);
	g_free(path);
	if (status == MP_OK)
		status = mp_orgsnap_verify_all(check, err);
	mp_orgsnap_close(check);
	if (status == MP_OK &&
	    (status = point_current(dir, want, warning, err)) == MP_OK) {
		*now = want;
		want = NULL;
	}
out:
	if (lock >= 0)
		close(lock);
	g_free(want);
	g_free(cur);
	g_ptr_array_free(gens, TRUE);
	return status;
}
