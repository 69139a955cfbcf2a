/* orgsnap.c - the org snapshot's reader: open, check, look up */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "org/orgsnap-int.h"

/*
 * next_kv - split off the next "name=value" line of a record, in place:
 * the name, its value in *value; NULL at the end.  A line without "="
 * is skipped.
 */
static char *
next_kv(char **cur, char **value)
{
	char *line, *nl, *eq;

	while ((line = *cur) != NULL && *line != '\0') {
		nl = strchr(line, '\n');
		if (nl != NULL) {
			*nl = '\0';
			*cur = nl + 1;
		} else {
			*cur = NULL;
		}
		if ((eq = strchr(line, '=')) != NULL) {
			*eq = '\0';
			*value = eq + 1;
			return line;
		}
	}
	return NULL;
}

/* strv_of - a NULL-terminated copy of a GPtrArray of strings, in a */
static const char **
strv_of(MpArena *a, GPtrArray *v)
{
	const char **out = mp_arena_alloc(a, sizeof(char *) * (v->len + 1));

	if (v->len > 0)
		memcpy(out, v->pdata, sizeof(char *) * v->len);
	return out;
}

/* person_parse - a "p:" record back into a person, in arena a */
static MpOrgPerson *
person_parse(MpArena *a, const char *key, const char *text, gsize len)
{
	MpOrgPerson *p = mp_arena_alloc(a, sizeof *p);
	GPtrArray *divs = g_ptr_array_new(), *sdivs = g_ptr_array_new();
	GArray *posts = g_array_new(FALSE, TRUE, sizeof(MpOrgPost));
	GArray *sups = g_array_new(FALSE, TRUE, sizeof(MpOrgSup));
	char *cur = mp_arena_strndup(a, text, len), *line, *eq;

	p->key = mp_arena_strdup(a, key);
	p->email = p->key;
	p->name = p->id = "";
	while ((line = next_kv(&cur, &eq)) != NULL) {
		if (strcmp(line, "email") == 0)
			p->email = eq;
		else if (strcmp(line, "id") == 0)
			p->id = eq;
		else if (strcmp(line, "name") == 0)
			p->name = eq;
		else if (strcmp(line, "exempt") == 0)
			p->exempt = strcmp(eq, "1") == 0;
		else if (strcmp(line, "div") == 0)
			g_ptr_array_add(divs, eq);
		else if (strcmp(line, "sdiv") == 0)
			g_ptr_array_add(sdivs, eq);
		else if (strcmp(line, "post") == 0) {
			MpOrgPost op = { 0 };
			char *f[ORGSNAP_POST_FIELDS];
			int n;

			for (n = 0; n < ORGSNAP_POST_FIELDS && eq != NULL; n++) {
				f[n] = eq;
				if ((eq = strchr(eq, '\t')) != NULL)
					*eq++ = '\0';
			}
			if (n == ORGSNAP_POST_FIELDS) {
				op.unit = f[ORGSNAP_POST_UNIT];
				op.title = f[ORGSNAP_POST_TITLE];
				op.primary = strcmp(f[ORGSNAP_POST_KIND],
				    "primary") == 0;
				op.pattern = f[ORGSNAP_POST_PATTERN];
				op.role = f[ORGSNAP_POST_ROLE];
				g_array_append_val(posts, op);
			}
		} else if (strcmp(line, "sup") == 0) {
			MpOrgSup su;
			char *tab = strchr(eq, '\t');

			if (tab != NULL)
				*tab++ = '\0';
			su.key = eq;
			su.reason = tab ? tab : "";
			g_array_append_val(sups, su);
		}
	}
	p->divisions = strv_of(a, divs);
	p->sdivisions = strv_of(a, sdivs);
	p->nposts = posts->len;
	p->posts = mp_arena_alloc(a, sizeof(MpOrgPost) * (posts->len + 1));
	if (posts->len > 0)
		memcpy(p->posts, posts->data, sizeof(MpOrgPost) * posts->len);
	p->nsups = sups->len;
	p->sups = mp_arena_alloc(a, sizeof(MpOrgSup) * (sups->len + 1));
	if (sups->len > 0)
		memcpy(p->sups, sups->data, sizeof(MpOrgSup) * sups->len);
	g_ptr_array_free(divs, TRUE);
	g_ptr_array_free(sdivs, TRUE);
	g_array_free(posts, TRUE);
	g_array_free(sups, TRUE);
	return p;
}

/* group_parse - a "g:" record back into a group, in arena a */
static MpOrgGroup *
group_parse(MpArena *a, const char *unit, const char *text, gsize len)
{
	MpOrgGroup *g = mp_arena_alloc(a, sizeof *g);
	GPtrArray *sup = g_ptr_array_new(), *mem = g_ptr_array_new();
	char *cur = mp_arena_strndup(a, text, len), *line, *eq;

	g->unit = mp_arena_strdup(a, unit);
	g->level = "";
	while ((line = next_kv(&cur, &eq)) != NULL) {
		if (strcmp(line, "level") == 0)
			g->level = eq;
		else if (strcmp(line, "sup") == 0)
			g_ptr_array_add(sup, eq);
		else if (strcmp(line, "mem") == 0)
			g_ptr_array_add(mem, eq);
	}
	g->superiors = strv_of(a, sup);
	g->members = strv_of(a, mem);
	g_ptr_array_free(sup, TRUE);
	g_ptr_array_free(mem, TRUE);
	return g;
}

/* meta_value - the value of "name=" in the meta record, or NULL */
static char *
meta_value(const char *meta, const char *name)
{
	char *pat = g_strdup_printf("\n%s=", name);
	const char *p = strstr(meta, pat);
	char *v = NULL;

	if (p != NULL) {
		p += strlen(pat);
		v = g_strndup(p, strcspn(p, "\n"));
	}
	g_free(pat);
	return v;
}

static gboolean verify(MpOrgSnap *snap, guint64 off, guint64 len);

/*
 * sums_open - find and check the checksum trailer: the file is exactly
 * cdb, table and trailer long (a truncation or an append is caught), the
 * table and trailer are intact, and so is the cdb's header block, which
 * every lookup reads.  NULL when good, else why not.
 */
static const char *
sums_open(MpOrgSnap *snap)
{
	const guchar *mem = (const guchar *)snap->cdb.cdb_mem, *t;
	gsize size = snap->cdb.cdb_fsize;
	guint64 cdb_len;
	guint block;

	if (size < ORGSNAP_CDB_HEADER + MP_ORGSNAP_TRAILER)
		return "too short";
	t = mem + size - MP_ORGSNAP_TRAILER;
	if (memcmp(t + ORGSNAP_T_MAGIC, MP_ORGSNAP_SUM_MAGIC,
	    ORGSNAP_SUM_MAGIC_LEN) != 0)
		return "no checksums: truncated, or written by an older "
		    "mp-orgsync; publish it again";
	if (le32(t + ORGSNAP_T_SELF_SUM) != crc(t, ORGSNAP_T_SELF_SUM))
		return "checksum trailer damaged";
	cdb_len = (guint64)le32(t + ORGSNAP_T_LEN_LO) |
	    (guint64)le32(t + ORGSNAP_T_LEN_HI) << 32;
	block = le32(t + ORGSNAP_T_BLOCK);
	snap->nblocks = le32(t + ORGSNAP_T_NBLOCKS);
	if (block != MP_ORGSNAP_BLOCK || cdb_len < ORGSNAP_CDB_HEADER ||
	    snap->nblocks != (cdb_len + block - 1) / block ||
	    cdb_len + (guint64)snap->nblocks * ORGSNAP_U32 +
	    MP_ORGSNAP_TRAILER != size)
		return "length does not match its checksums";
	snap->cdb_len = cdb_len;
	snap->sums = mem + cdb_len;
	if (le32(t + ORGSNAP_T_TABLE_SUM) != crc(snap->sums,
	    (gsize)snap->nblocks * ORGSNAP_U32))
		return "checksum table damaged";
	snap->checked = g_malloc0(snap->nblocks);
	if (!verify(snap, 0, ORGSNAP_CDB_HEADER))
		return "header block fails its checksum";
	return NULL;
}

/*
 * verify - whether bytes [off, off + len) of the cdb lie inside it and
 * their blocks match their sums; a failure marks the snapshot corrupt
 */
static gboolean
verify(MpOrgSnap *snap, guint64 off, guint64 len)
{
	const guchar *mem = (const guchar *)snap->cdb.cdb_mem;
	guint64 b, last;

	if (off > snap->cdb_len || len > snap->cdb_len - off) {
		snap->corrupt = TRUE;
		return FALSE;
	}
	if (len == 0)
		return TRUE;
	last = (off + len - 1) / MP_ORGSNAP_BLOCK;
	for (b = off / MP_ORGSNAP_BLOCK; b <= last; b++) {
		guint64 start = b * MP_ORGSNAP_BLOCK;
		gsize n = (gsize)MIN(MP_ORGSNAP_BLOCK, snap->cdb_len - start);

		if (snap->checked[b])
			continue;
		if (crc(mem + start, n) != le32(snap->sums + b * ORGSNAP_U32)) {
			snap->corrupt = TRUE;
			return FALSE;
		}
		snap->checked[b] = 1;
	}
	return TRUE;
}

/*
 * find - cdb_find over checked bytes only: the hash table slice of the
 * key's bucket and every record a matching slot points at are verified
 * before tinycdb reads them, so a flipped bit cannot turn a person into
 * "not there" (which unknown-sender = pass would let through)
 */
static gboolean
find(MpOrgSnap *snap, const char *key, unsigned klen)
{
	const guchar *mem = (const guchar *)snap->cdb.cdb_mem, *b;
	guint32 h = cdb_hash(key, klen), tpos, n, i, slot;

	b = mem + (h % ORGSNAP_CDB_BUCKETS) * ORGSNAP_CDB_PAIR;
	tpos = le32(b);
	n = le32(b + ORGSNAP_U32);
	if (snap->corrupt ||
	    !verify(snap, tpos, (guint64)n * ORGSNAP_CDB_PAIR))
		return FALSE;
	for (i = 0, slot = n ? (h >> ORGSNAP_CDB_BUCKET_BITS) % n : 0; i < n;
	    i++) {
		const guchar *s = mem + tpos + (guint64)slot * ORGSNAP_CDB_PAIR;
		guint32 rpos = le32(s + ORGSNAP_U32);

		if (rpos == 0)
			break;
		if (le32(s) == h && (!verify(snap, rpos, ORGSNAP_CDB_PAIR) ||
		    !verify(snap, rpos, ORGSNAP_CDB_PAIR +
		    (guint64)le32(mem + rpos) + le32(mem + rpos + ORGSNAP_U32))))
			return FALSE;
		if (++slot == n)
			slot = 0;
	}
	return cdb_find(&snap->cdb, key, klen) > 0;
}

/* mp_orgsnap_failed - whether a lookup met a corrupt block */
int
mp_orgsnap_failed(const MpOrgSnap *snap, GError **err)
{
	if (!snap->corrupt)
		return MP_OK;
	return mp_fail(err, EX_TEMPFAIL, "org snapshot is corrupt: %s (a "
	    "block fails its checksum)", snap->path);
}

/* mp_orgsnap_verify_all - check every block's sum */
int
mp_orgsnap_verify_all(MpOrgSnap *snap, GError **err)
{
	verify(snap, 0, snap->cdb_len);
	return mp_orgsnap_failed(snap, err);
}

/* mp_orgsnap_open - map a snapshot; missing or corrupt is 75 (fail closed) */
int
mp_orgsnap_open(const char *path, MpOrgSnap **out, GError **err)
{
	MpOrgSnap *snap;
	const char *why;
	char *v, *real;
	struct stat st;
	int fd;

	*out = NULL;
	/* O_NONBLOCK: a FIFO named as the snapshot must not hang a filter */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return mp_fail(err, EX_TEMPFAIL, "cannot open org snapshot: "
		    "%s: %s", path, g_strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mp_fail(err, EX_TEMPFAIL, "cannot open org snapshot: "
		    "%s: not a regular file", path);
	}
	snap = g_new0(MpOrgSnap, 1);
	snap->fd = fd;
	snap->path = g_strdup(path);
	if (cdb_init(&snap->cdb, fd) != 0) {
		snap->cdb.cdb_mem = NULL;
		mp_orgsnap_close(snap);
		return mp_fail(err, EX_TEMPFAIL, "org snapshot is corrupt: %s",
		    path);
	}
	if ((why = sums_open(snap)) != NULL) {
		mp_orgsnap_close(snap);
		return mp_fail(err, EX_TEMPFAIL, "org snapshot is corrupt: %s "
		    "(%s)", path, why);
	}
	if (!find(snap, ORGSNAP_KEY_META, strlen(ORGSNAP_KEY_META)) ||
	    cdb_datalen(&snap->cdb) < strlen(MP_ORGSNAP_MAGIC) ||
	    memcmp(cdb_getdata(&snap->cdb), MP_ORGSNAP_MAGIC,
	    strlen(MP_ORGSNAP_MAGIC)) != 0) {
		int status = snap->corrupt ? mp_orgsnap_failed(snap, err) :
		    mp_fail(err, EX_TEMPFAIL, "org snapshot is corrupt: %s "
		    "(no %s record)", path, MP_ORGSNAP_MAGIC);

		mp_orgsnap_close(snap);
		return status;
	}
	snap->meta = g_strndup(cdb_getdata(&snap->cdb),
	    cdb_datalen(&snap->cdb));
	v = meta_value(snap->meta, "people");
	snap->people = v ? (guint)g_ascii_strtoull(v, NULL, 10) : 0;
	g_free(v);
	v = meta_value(snap->meta, "unknown-sender");
	snap->unknown_pass = v != NULL && strcmp(v, "pass") == 0;
	g_free(v);
	v = meta_value(snap->meta, "sender-posts");
	snap->any_post = v != NULL && strcmp(v, "any") == 0;
	g_free(v);
	v = meta_value(snap->meta, "chain");
	snap->chain = v == NULL || strcmp(v, "yes") == 0;
	g_free(v);
	snap->generation = meta_value(snap->meta, "generation");
	real = realpath(path, NULL);
	if (real != NULL) {
		char *base = g_path_get_basename(real);
		char *gen = mp_orgsnap_gen_of(MP_ORGSNAP_FILE_CDB, base);

		if (gen != NULL) {
			g_free(snap->generation);
			snap->generation = gen;
		}
		g_free(base);
		free(real);
	}
	*out = snap;
	return MP_OK;
}

/* mp_orgsnap_close - unmap and free (NULL is nothing) */
void
mp_orgsnap_close(MpOrgSnap *snap)
{
	if (snap == NULL)
		return;
	if (snap->cdb.cdb_mem != NULL)
		cdb_free(&snap->cdb);
	if (snap->fd >= 0)
		close(snap->fd);
	g_free(snap->checked);
	g_free(snap->path);
	g_free(snap->generation);
	g_free(snap->meta);
	g_free(snap);
}

static MpOrgPerson *
person_lookup(MpOrgSnap *snap, const char *key, gboolean reasons);

/* mp_orgsnap_person - look up one address key; NULL if not there */
MpOrgPerson *
mp_orgsnap_person(MpOrgSnap *snap, const char *key)
{
	return person_lookup(snap, key, TRUE);
}

/* mp_orgsnap_person_brief - the same without the superiors' reasons */
MpOrgPerson *
mp_orgsnap_person_brief(MpOrgSnap *snap, const char *key)
{
	return person_lookup(snap, key, FALSE);
}

/* person_lookup - the person of an address key, the superiors' reasons
 * read from their records or left "" */
static MpOrgPerson *
person_lookup(MpOrgSnap *snap, const char *key, gboolean reasons)
{
	char *k = g_strconcat(ORGSNAP_KEY_PERSON, key, NULL);
	MpOrgPerson *p = NULL;

	if (find(snap, k, (unsigned)strlen(k))) {
		MpArena *a = mp_arena_new();
		guint i;

		p = person_parse(a, key, cdb_getdata(&snap->cdb),
		    cdb_datalen(&snap->cdb));
		p->own = a;
		/* the reasons, from their own records */
		for (i = 0; i < p->nsups && !reasons; i++)
			p->sups[i].reason = "";
		for (i = 0; i < p->nsups && reasons; i++) {
			char *rk = g_strconcat(ORGSNAP_KEY_REASON,
			    p->sups[i].reason, NULL);

			if (find(snap, rk, (unsigned)strlen(rk)))
				p->sups[i].reason = mp_arena_strndup(a,
				    cdb_getdata(&snap->cdb),
				    cdb_datalen(&snap->cdb));
			g_free(rk);
		}
	}
	g_free(k);
	return p;
}

/* mp_orgsnap_load_all - every person and group, in arena a, for the diff */
void
mp_orgsnap_load_all(MpOrgSnap *snap, MpArena *a, GPtrArray *people,
    GPtrArray *groups)
{
	unsigned pos;

	cdb_seqinit(&pos, &snap->cdb);
	while (cdb_seqnext(&pos, &snap->cdb) > 0) {
		const char *k = cdb_getkey(&snap->cdb);
		unsigned kl = cdb_keylen(&snap->cdb);
		char *key;

		if (kl < ORGSNAP_KEY_KIND_LEN ||
		    k[ORGSNAP_KEY_KIND_LEN - 1] != ':')
			continue;
		key = g_strndup(k + ORGSNAP_KEY_KIND_LEN,
		    kl - ORGSNAP_KEY_KIND_LEN);
		if (k[0] == ORGSNAP_KEY_PERSON[0])
			g_ptr_array_add(people, person_parse(a, key,
			    cdb_getdata(&snap->cdb), cdb_datalen(&snap->cdb)));
		else if (k[0] == ORGSNAP_KEY_GROUP[0])
			g_ptr_array_add(groups, group_parse(a, key,
			    cdb_getdata(&snap->cdb), cdb_datalen(&snap->cdb)));
		g_free(key);
	}
}
