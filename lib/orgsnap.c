/* orgsnap.c - the org snapshot: a cdb file published atomically */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "json.h"
#include "orgsnap.h"

/*
 * Records, all text, one "name=value" per line (tabs separate parts):
 *   "m:"        MP_ORGSNAP_MAGIC, then generation, created, people, ...
 *   "p:ADDRKEY" email, id, name, exempt, div*, post*, sup*
 *   "g:UNIT"    level, sup*, mem*
 * Text keeps the file easy to inspect (cdb -d) and costs microseconds to
 * read for the one or two people a message needs.
 */

/* clean - a value with tabs and line breaks turned into spaces */
static char *
clean(const char *s)
{
	char *c = g_strdup(s ? s : ""), *p;

	for (p = c; *p != '\0'; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return c;
}

static void
kv(GString *s, const char *k, const char *v)
{
	char *c = clean(v);

	g_string_append_printf(s, "%s=%s\n", k, c);
	g_free(c);
}

static char *
person_text(const MpOrgPerson *p)
{
	GString *s = g_string_new(NULL);
	guint i;

	kv(s, "email", p->email);
	kv(s, "id", p->id);
	kv(s, "name", p->name);
	kv(s, "exempt", p->exempt ? "1" : "0");
	for (i = 0; p->divisions[i] != NULL; i++)
		kv(s, "div", p->divisions[i]);
	for (i = 0; p->sdivisions[i] != NULL; i++)
		kv(s, "sdiv", p->sdivisions[i]);
	for (i = 0; i < p->posts->len; i++) {
		const MpOrgPost *op = p->posts->pdata[i];
		char *u = clean(op->unit), *t = clean(op->title),
		    *pat = clean(op->pattern), *r = clean(op->role);

		g_string_append_printf(s, "post=%s\t%s\t%s\t%s\t%s\n", u, t,
		    op->primary ? "primary" : "concurrent", pat, r);
		g_free(u);
		g_free(t);
		g_free(pat);
		g_free(r);
	}
	for (i = 0; i < p->sups->len; i++) {
		const MpOrgSup *su = p->sups->pdata[i];
		char *r = clean(su->reason);

		g_string_append_printf(s, "sup=%s\t%s\n", su->key, r);
		g_free(r);
	}
	return g_string_free(s, FALSE);
}

static char *
group_text(const MpOrgGroup *g)
{
	GString *s = g_string_new(NULL);
	guint i;

	kv(s, "level", g->level);
	for (i = 0; g->superiors[i] != NULL; i++)
		kv(s, "sup", g->superiors[i]);
	for (i = 0; g->members[i] != NULL; i++)
		kv(s, "mem", g->members[i]);
	return g_string_free(s, FALSE);
}

/* person_parse - a "p:" record back into a person */
static MpOrgPerson *
person_parse(const char *key, const char *text, gsize len)
{
	MpOrgPerson *p = g_new0(MpOrgPerson, 1);
	GPtrArray *divs = g_ptr_array_new(), *sdivs = g_ptr_array_new();
	char *copy = g_strndup(text, len), *line, *next;

	p->key = g_strdup(key);
	p->posts = g_ptr_array_new();
	p->sups = g_ptr_array_new();
	for (line = copy; line != NULL && *line != '\0'; line = next) {
		char *eq, **parts;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(line, "email") == 0)
			p->email = g_strdup(eq);
		else if (strcmp(line, "id") == 0)
			p->id = g_strdup(eq);
		else if (strcmp(line, "name") == 0)
			p->name = g_strdup(eq);
		else if (strcmp(line, "exempt") == 0)
			p->exempt = strcmp(eq, "1") == 0;
		else if (strcmp(line, "div") == 0)
			g_ptr_array_add(divs, g_strdup(eq));
		else if (strcmp(line, "sdiv") == 0)
			g_ptr_array_add(sdivs, g_strdup(eq));
		else if (strcmp(line, "post") == 0) {
			parts = g_strsplit(eq, "\t", 5);
			if (g_strv_length(parts) == 5) {
				MpOrgPost *op = g_new0(MpOrgPost, 1);

				op->unit = g_strdup(parts[0]);
				op->title = g_strdup(parts[1]);
				op->primary = strcmp(parts[2], "primary") == 0;
				op->pattern = g_strdup(parts[3]);
				op->role = g_strdup(parts[4]);
				g_ptr_array_add(p->posts, op);
			}
			g_strfreev(parts);
		} else if (strcmp(line, "sup") == 0) {
			MpOrgSup *su = g_new0(MpOrgSup, 1);
			char *tab = strchr(eq, '\t');

			if (tab != NULL)
				*tab++ = '\0';
			su->key = g_strdup(eq);
			su->reason = g_strdup(tab ? tab : "");
			g_ptr_array_add(p->sups, su);
		}
	}
	g_ptr_array_add(divs, NULL);
	p->divisions = (char **)g_ptr_array_free(divs, FALSE);
	g_ptr_array_add(sdivs, NULL);
	p->sdivisions = (char **)g_ptr_array_free(sdivs, FALSE);
	if (p->email == NULL)
		p->email = g_strdup(key);
	if (p->name == NULL)
		p->name = g_strdup("");
	if (p->id == NULL)
		p->id = g_strdup("");
	g_free(copy);
	return p;
}

static MpOrgGroup *
group_parse(const char *unit, const char *text, gsize len)
{
	MpOrgGroup *g = g_new0(MpOrgGroup, 1);
	GPtrArray *sup = g_ptr_array_new(), *mem = g_ptr_array_new();
	char **lines = g_strsplit(text, "\n", -1);
	guint i;

	(void)len;
	g->unit = g_strdup(unit);
	for (i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], "level="))
			g->level = g_strdup(lines[i] + 6);
		else if (g_str_has_prefix(lines[i], "sup="))
			g_ptr_array_add(sup, g_strdup(lines[i] + 4));
		else if (g_str_has_prefix(lines[i], "mem="))
			g_ptr_array_add(mem, g_strdup(lines[i] + 4));
	}
	g_strfreev(lines);
	g_ptr_array_add(sup, NULL);
	g_ptr_array_add(mem, NULL);
	g->superiors = (char **)g_ptr_array_free(sup, FALSE);
	g->members = (char **)g_ptr_array_free(mem, FALSE);
	if (g->level == NULL)
		g->level = g_strdup("");
	return g;
}

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

/* mp_orgsnap_open - map a snapshot; missing or corrupt is 75 (fail closed) */
int
mp_orgsnap_open(const char *path, MpOrgSnap **out, GError **err)
{
	MpOrgSnap *snap;
	char *v, *real;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mp_fail(err, EX_TEMPFAIL, "cannot open org snapshot: "
		    "%s: %s", path, g_strerror(errno));
	snap = g_new0(MpOrgSnap, 1);
	snap->fd = fd;
	snap->path = g_strdup(path);
	if (cdb_init(&snap->cdb, fd) != 0) {
		snap->cdb.cdb_mem = NULL;
		mp_orgsnap_close(snap);
		return mp_fail(err, EX_TEMPFAIL, "org snapshot is corrupt: %s",
		    path);
	}
	if (cdb_find(&snap->cdb, "m:", 2) <= 0 ||
	    cdb_datalen(&snap->cdb) < strlen(MP_ORGSNAP_MAGIC) ||
	    memcmp(cdb_getdata(&snap->cdb), MP_ORGSNAP_MAGIC,
	    strlen(MP_ORGSNAP_MAGIC)) != 0) {
		mp_orgsnap_close(snap);
		return mp_fail(err, EX_TEMPFAIL, "org snapshot is corrupt: %s "
		    "(no %s record)", path, MP_ORGSNAP_MAGIC);
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

		if (g_str_has_prefix(base, "org-") &&
		    g_str_has_suffix(base, ".cdb")) {
			g_free(snap->generation);
			snap->generation = g_strndup(base + 4, strlen(base) - 8);
		}
		g_free(base);
		free(real);
	}
	*out = snap;
	return MP_OK;
}

void
mp_orgsnap_close(MpOrgSnap *snap)
{
	if (snap == NULL)
		return;
	if (snap->cdb.cdb_mem != NULL)
		cdb_free(&snap->cdb);
	if (snap->fd >= 0)
		close(snap->fd);
	g_free(snap->path);
	g_free(snap->generation);
	g_free(snap->meta);
	g_free(snap);
}

/* mp_orgsnap_person - look up one address key; NULL if not there */
MpOrgPerson *
mp_orgsnap_person(MpOrgSnap *snap, const char *key)
{
	char *k = g_strconcat("p:", key, NULL);
	MpOrgPerson *p = NULL;

	if (cdb_find(&snap->cdb, k, (unsigned)strlen(k)) > 0)
		p = person_parse(key, cdb_getdata(&snap->cdb),
		    cdb_datalen(&snap->cdb));
	g_free(k);
	return p;
}

/* mp_orgsnap_load_all - every person and group, for the diff */
void
mp_orgsnap_load_all(MpOrgSnap *snap, GPtrArray *people, GPtrArray *groups)
{
	unsigned pos;

	cdb_seqinit(&pos, &snap->cdb);
	while (cdb_seqnext(&pos, &snap->cdb) > 0) {
		const char *k = cdb_getkey(&snap->cdb);
		unsigned kl = cdb_keylen(&snap->cdb);
		char *key;

		if (kl < 2 || k[1] != ':')
			continue;
		key = g_strndup(k + 2, kl - 2);
		if (k[0] == 'p')
			g_ptr_array_add(people, person_parse(key,
			    cdb_getdata(&snap->cdb), cdb_datalen(&snap->cdb)));
		else if (k[0] == 'g')
			g_ptr_array_add(groups, group_parse(key,
			    cdb_getdata(&snap->cdb), cdb_datalen(&snap->cdb)));
		g_free(key);
	}
}

static int
fsync_dir(const char *dir, GError **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return mp_fail(err, mp_errno_status(e), "%s: fsync: %s", dir,
		    g_strerror(e));
	}
	close(fd);
	return MP_OK;
}

/* write_cdb - the snapshot file, complete and on disk, or an error */
static int
write_cdb(const MpOrg *org, const char *path, const char *meta,
    GError **err)
{
	struct cdb_make cm;
	int fd, e = 0;
	guint i;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return mp_fail(err, errno == ENOSPC || errno == EDQUOT ?
		    EX_TEMPFAIL : EX_CANTCREAT, "%s: %s", path,
		    g_strerror(errno));
	if (cdb_make_start(&cm, fd) != 0)
		e = errno ? errno : EIO;
	if (e == 0 && cdb_make_add(&cm, "m:", 2, meta,
	    (unsigned)strlen(meta)) != 0)
		e = errno ? errno : EIO;
	for (i = 0; e == 0 && i < org->people->len; i++) {
		const MpOrgPerson *p = org->people->pdata[i];
		char *k = g_strconcat("p:", p->key, NULL), *v = person_text(p);

		if (cdb_make_add(&cm, k, (unsigned)strlen(k), v,
		    (unsigned)strlen(v)) != 0)
			e = errno ? errno : EIO;
		g_free(k);
		g_free(v);
	}
	for (i = 0; e == 0 && i < org->groups->len; i++) {
		const MpOrgGroup *g = org->groups->pdata[i];
		char *k = g_strconcat("g:", g->unit, NULL), *v = group_text(g);

		if (cdb_make_add(&cm, k, (unsigned)strlen(k), v,
		    (unsigned)strlen(v)) != 0)
			e = errno ? errno : EIO;
		g_free(k);
		g_free(v);
	}
	if (e == 0 && cdb_make_finish(&cm) != 0)
		e = errno ? errno : EIO;
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

static gint
cmp_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mp_orgsnap_generations - the generation files in dir, oldest first */
GPtrArray *
mp_orgsnap_generations(const char *dir)
{
	GPtrArray *gens = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL)
		if (g_str_has_prefix(name, "org-") &&
		    g_str_has_suffix(name, ".cdb"))
			g_ptr_array_add(gens, g_strndup(name + 4,
			    strlen(name) - 8));
	if (d != NULL)
		g_dir_close(d);
	g_ptr_array_sort(gens, cmp_strings);
	return gens;
}

/* mp_orgsnap_current - the generation `current` points at, or NULL */
char *
mp_orgsnap_current(const char *dir)
{
	char *link = g_build_filename(dir, "current", NULL);
	char *target = g_file_read_link(link, NULL), *gen = NULL;

	if (target != NULL && g_str_has_prefix(target, "org-") &&
	    g_str_has_suffix(target, ".cdb"))
		gen = g_strndup(target + 4, strlen(target) - 8);
	g_free(target);
	g_free(link);
	return gen;
}

/* point_current - swing the `current` symlink to gen atomically */
static int
point_current(const char *dir, const char *gen, GError **err)
{
	char *target = g_strdup_printf("org-%s.cdb", gen);
	char *tmp = g_build_filename(dir, ".current.tmp", NULL);
	char *link = g_build_filename(dir, "current", NULL);
	int status = MP_OK;

	unlink(tmp);
	if (symlink(target, tmp) != 0 || rename(tmp, link) != 0) {
		int e = errno;

		unlink(tmp);
		status = mp_fail(err, mp_errno_status(e), "%s: %s", link,
		    g_strerror(e));
	}
	if (status == MP_OK)
		status = fsync_dir(dir, err);
	g_free(target);
	g_free(tmp);
	g_free(link);
	return status;
}

static json_t *
strv_json(char **v)
{
	json_t *a = json_array();

	for (; v != NULL && *v != NULL; v++)
		json_array_append_new(a, mp_json_str(*v));
	return a;
}

static json_t *
posts_json(const MpOrgPerson *p)
{
	json_t *a = json_array();
	guint i;

	for (i = 0; i < p->posts->len; i++) {
		const MpOrgPost *op = p->posts->pdata[i];
		json_t *o = json_object();

		json_object_set_new(o, "unit", mp_json_str(op->unit));
		json_object_set_new(o, "title", mp_json_str(op->title));
		json_object_set_new(o, "primary", json_boolean(op->primary));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
person_event(const char *event, const MpOrgPerson *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "event", json_string(event));
	json_object_set_new(o, "address", mp_json_str(p->email));
	json_object_set_new(o, "id", mp_json_str(p->id));
	json_object_set_new(o, "name", mp_json_str(p->name));
	return o;
}

/* post_units - "unit title" of each post, sorted, for comparing */
static char **
post_list(const MpOrgPerson *p, gboolean with_title)
{
	GPtrArray *v = g_ptr_array_new();
	guint i;

	for (i = 0; i < p->posts->len; i++) {
		const MpOrgPost *op = p->posts->pdata[i];

		g_ptr_array_add(v, with_title ? g_strdup_printf("%s\t%s",
		    op->unit, op->title) : g_strdup(op->unit));
	}
	g_ptr_array_sort(v, cmp_strings);
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

static gboolean
strv_equal(char **a, char **b)
{
	return g_strv_equal((const char *const *)a, (const char *const *)b);
}

/* people_diff - joined, left, moved, title-changed */
static void
people_diff(GPtrArray *prev, const MpOrg *org, GPtrArray *changes)
{
	GHashTable *old = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *now = g_hash_table_new(g_str_hash, g_str_equal);
	guint i, j;

	for (i = 0; i < prev->len; i++)
		g_hash_table_insert(old, ((MpOrgPerson *)prev->pdata[i])->key,
		    prev->pdata[i]);
	for (i = 0; i < org->people->len; i++) {
		const MpOrgPerson *p = org->people->pdata[i];
		const MpOrgPerson *o = g_hash_table_lookup(old, p->key);

		g_hash_table_add(now, p->key);
		if (o == NULL) {
			json_t *e = person_event("joined", p);

			json_object_set_new(e, "posts", posts_json(p));
			g_ptr_array_add(changes, e);
			continue;
		}
		{
			char **ou = post_list(o, FALSE), **nu = post_list(p, FALSE);
			char **ot = post_list(o, TRUE), **nt = post_list(p, TRUE);

			if (strcmp(o->name, p->name) != 0) {
				json_t *e = person_event("renamed", p);

				json_object_set_new(e, "from", mp_json_str(o->name));
				g_ptr_array_add(changes, e);
			}
			if (!strv_equal(ou, nu)) {
				json_t *e = person_event("moved", p);

				json_object_set_new(e, "from", strv_json(ou));
				json_object_set_new(e, "to", strv_json(nu));
				g_ptr_array_add(changes, e);
			} else if (!strv_equal(ot, nt)) {
				for (j = 0; nt[j] != NULL && ot[j] != NULL; j++) {
					json_t *e;

					if (strcmp(ot[j], nt[j]) == 0)
						continue;
					e = person_event("title-changed", p);
					json_object_set_new(e, "unit",
					    json_string(nu[j]));
					json_object_set_new(e, "from", mp_json_str(
					    strchr(ot[j], '\t') + 1));
					json_object_set_new(e, "to", mp_json_str(
					    strchr(nt[j], '\t') + 1));
					g_ptr_array_add(changes, e);
				}
			}
			g_strfreev(ou);
			g_strfreev(nu);
			g_strfreev(ot);
			g_strfreev(nt);
		}
	}
	for (i = 0; i < prev->len; i++) {
		const MpOrgPerson *o = prev->pdata[i];

		if (!g_hash_table_contains(now, o->key))
			g_ptr_array_add(changes, person_event("left", o));
	}
	g_hash_table_destroy(old);
	g_hash_table_destroy(now);
}

/* set_diff - added and removed between two sorted address lists */
static gboolean
set_diff(char **was, char **is, json_t **added, json_t **removed)
{
	GHashTable *a = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *b = g_hash_table_new(g_str_hash, g_str_equal);
	char **p;

	*added = json_array();
	*removed = json_array();
	for (p = was; *p != NULL; p++)
		g_hash_table_add(a, *p);
	for (p = is; *p != NULL; p++)
		g_hash_table_add(b, *p);
	for (p = is; *p != NULL; p++)
		if (!g_hash_table_contains(a, *p))
			json_array_append_new(*added, mp_json_str(*p));
	for (p = was; *p != NULL; p++)
		if (!g_hash_table_contains(b, *p))
			json_array_append_new(*removed, mp_json_str(*p));
	g_hash_table_destroy(a);
	g_hash_table_destroy(b);
	return json_array_size(*added) + json_array_size(*removed) > 0;
}

static json_t *
group_event(const char *event, const MpOrgGroup *g, const char *kind)
{
	json_t *o = json_object();

	json_object_set_new(o, "event", json_string(event));
	json_object_set_new(o, "unit", mp_json_str(g->unit));
	json_object_set_new(o, "level", mp_json_str(g->level));
	json_object_set_new(o, "group", json_string(kind));
	return o;
}

/* groups_diff - per unit and kind: created, deleted, changed */
static void
groups_diff(GPtrArray *prev, const MpOrg *org, GPtrArray *changes)
{
	GHashTable *old = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *now = g_hash_table_new(g_str_hash, g_str_equal);
	guint i, k;

	for (i = 0; i < prev->len; i++)
		g_hash_table_insert(old, ((MpOrgGroup *)prev->pdata[i])->unit,
		    prev->pdata[i]);
	for (i = 0; i < org->groups->len; i++) {
		const MpOrgGroup *g = org->groups->pdata[i];
		const MpOrgGroup *o = g_hash_table_lookup(old, g->unit);

		g_hash_table_add(now, g->unit);
		for (k = 0; k < 2; k++) {
			const char *kind = k == 0 ? "superiors" : "members";
			char **is = k == 0 ? g->superiors : g->members;
			json_t *e, *added, *removed;

			if (o == NULL) {
				e = group_event("group-created", g, kind);
				json_object_set_new(e, "addresses", strv_json(is));
				g_ptr_array_add(changes, e);
			} else if (set_diff(k == 0 ? o->superiors : o->members, is,
			    &added, &removed)) {
				e = group_event("group-changed", g, kind);
				json_object_set_new(e, "added", added);
				json_object_set_new(e, "removed", removed);
				g_ptr_array_add(changes, e);
			} else {
				json_decref(added);
				json_decref(removed);
			}
		}
	}
	for (i = 0; i < prev->len; i++) {
		const MpOrgGroup *o = prev->pdata[i];

		if (!g_hash_table_contains(now, o->unit))
			for (k = 0; k < 2; k++)
				g_ptr_array_add(changes, group_event("group-deleted",
				    o, k == 0 ? "superiors" : "members"));
	}
	g_hash_table_destroy(old);
	g_hash_table_destroy(now);
}

/*
 * write_changes_file - the change set next to its generation, so that a
 * failure to hand it on afterwards (stdout, --changes) loses nothing
 */
static int
write_changes_file(const char *path, GPtrArray *changes, GError **err)
{
	char *tmp = g_strconcat(path, ".tmp", NULL);
	FILE *fp = fopen(tmp, "w");
	int status = MP_OK;
	guint i;

	if (fp == NULL) {
		status = mp_fail(err, mp_errno_status(errno), "%s: %s", tmp,
		    g_strerror(errno));
		g_free(tmp);
		return status;
	}
	for (i = 0; i < changes->len && status == MP_OK; i++)
		status = mp_json_put(fp, json_incref(changes->pdata[i]), err);
	if (status == MP_OK && (fflush(fp) != 0 || fsync(fileno(fp)) != 0))
		status = mp_fail(err, mp_errno_status(errno), "%s: %s", tmp,
		    g_strerror(errno));
	if (fclose(fp) != 0 && status == MP_OK)
		status = mp_fail(err, mp_errno_status(errno), "%s: %s", tmp,
		    g_strerror(errno));
	if (status == MP_OK && rename(tmp, path) != 0)
		status = mp_fail(err, mp_errno_status(errno), "%s: %s", path,
		    g_strerror(errno));
	if (status != MP_OK)
		unlink(tmp);
	g_free(tmp);
	return status;
}

/* new_generation - a name that sorts by time and is not taken yet */
static char *
new_generation(const char *dir)
{
	char stamp[32], *gen = NULL, *path;
	time_t t = time(NULL);
	struct tm tm;
	int n;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	for (n = 0;; n++) {
		g_free(gen);
		gen = n == 0 ? g_strdup(stamp) : g_strdup_printf("%s-%02d", stamp,
		    n);
		path = g_strdup_printf("%s/org-%s.cdb", dir, gen);
		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			g_free(path);
			return gen;
		}
		g_free(path);
	}
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
		path = g_strdup_printf("%s/org-%s.cdb", dir,
		    (char *)gens->pdata[i]);
		unlink(path);
		g_free(path);
		path = g_strdup_printf("%s/org-%s.changes", dir,
		    (char *)gens->pdata[i]);
		unlink(path);
		g_free(path);
	}
	g_ptr_array_free(gens, TRUE);
}

static int
lock_dir(const char *dir, int *fd, GError **err)
{
	char *path = g_build_filename(dir, ".lock", NULL);

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

/* mp_orgsnap_publish - write org as the new current generation */
int
mp_orgsnap_publish(const MpOrg *org, const MpPublishOpts *o,
    GPtrArray *changes, MpPublishResult *res, GError **err)
{
	GPtrArray *prev_people = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mp_org_person_free);
	GPtrArray *prev_groups = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mp_org_group_free);
	char *current, *tmp = NULL, *final = NULL, *meta = NULL;
	MpOrgSnap *prev = NULL;
	GError *e = NULL;
	int lock = -1, status;
	struct stat st;

	memset(res, 0, sizeof *res);
	if (!o->dry_run && g_mkdir_with_parents(o->dir, 0755) != 0)
		return mp_fail(err, EX_CANTCREAT, "%s: %s", o->dir,
		    g_strerror(errno));
	/* a dry run leaves no trace: no directory, no lock file */
	if ((!o->dry_run || g_file_test(o->dir, G_FILE_TEST_IS_DIR)) &&
	    (status = lock_dir(o->dir, &lock, err)) != MP_OK)
		goto out;
	current = g_build_filename(o->dir, "current", NULL);
	/* A broken current snapshot is replaced, not an obstacle. */
	if (g_file_test(current, G_FILE_TEST_EXISTS) &&
	    mp_orgsnap_open(current, &prev, &e) == MP_OK) {
		res->previous = g_strdup(prev->generation);
		res->prev_people = prev->people;
		mp_orgsnap_load_all(prev, prev_people, prev_groups);
	}
	g_clear_error(&e);
	g_free(current);
	if (prev != NULL && !o->force && res->prev_people > 0 &&
	    (guint64)org->people->len * 100 <
	    (guint64)res->prev_people * (100 - o->max_drop)) {
		status = mp_fail(err, EX_DATAERR, "refusing to publish: %u "
		    "people, %u%% fewer than the %u of generation %s (more than "
		    "max-drop %u%%); check the export, or use --force",
		    org->people->len, (guint)(100 - (guint64)org->people->len *
		    100 / res->prev_people), res->prev_people, res->previous,
		    o->max_drop);
		goto out;
	}
	people_diff(prev_people, org, changes);
	groups_diff(prev_groups, org, changes);
	res->generation = new_generation(o->dir);
	if (o->dry_run)
		goto out;

	{
		char created[32];
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
		meta = g_strdup_printf("%s\ngeneration=%s\ncreated=%s\n"
		    "people=%u\nposts=%u\nunits=%u\nunknown-sender=%s\n"
		    "sender-posts=%s\nchain=%s\nsource=%s\n", MP_ORGSNAP_MAGIC,
		    res->generation, created, org->people->len, org->nposts,
		    org->nunits, org->unknown_pass ? "pass" : "reject",
		    org->any_post ? "any" : "primary",
		    org->chain ? "yes" : "no", o->source ? o->source : "");
	}
	tmp = g_strdup_printf("%s/.org-%s.cdb.tmp", o->dir, res->generation);
	final = g_strdup_printf("%s/org-%s.cdb", o->dir, res->generation);
	if ((status = write_cdb(org, tmp, meta, err)) != MP_OK)
		goto out;
	{
		/* read it back before anyone else can */
		MpOrgSnap *check = NULL;

		if ((status = mp_orgsnap_open(tmp, &check, err)) == MP_OK &&
		    check->people != org->people->len)
			status = mp_fail(err, EX_IOERR, "%s: reads back %u "
			    "people, not %u", tmp, check->people,
			    org->people->len);
		mp_orgsnap_close(check);
		if (status != MP_OK) {
			unlink(tmp);
			goto out;
		}
	}
	if (rename(tmp, final) != 0) {
		status = mp_fail(err, mp_errno_status(errno), "%s: %s", final,
		    g_strerror(errno));
		unlink(tmp);
		goto out;
	}
	res->changes = g_strdup_printf("%s/org-%s.changes", o->dir,
	    res->generation);
	if ((status = write_changes_file(res->changes, changes, err)) !=
	    MP_OK || (status = fsync_dir(o->dir, err)) != MP_OK ||
	    (status = point_current(o->dir, res->generation, err)) != MP_OK)
		goto out;
	if (stat(final, &st) == 0)
		res->size = (gsize)st.st_size;
	prune(o->dir, MAX(o->keep, 1), res->generation);
out:
	mp_orgsnap_close(prev);
	g_ptr_array_free(prev_people, TRUE);
	g_ptr_array_free(prev_groups, TRUE);
	if (lock >= 0)
		close(lock);
	g_free(tmp);
	g_free(final);
	g_free(meta);
	return status;
}

void
mp_publish_result_clear(MpPublishResult *res)
{
	g_free(res->generation);
	g_free(res->previous);
	g_free(res->changes);
	memset(res, 0, sizeof *res);
}

/* mp_orgsnap_rollback - make gen (NULL: the one before current) current */
int
mp_orgsnap_rollback(const char *dir, const char *gen, char **now,
    GError **err)
{
	GPtrArray *gens = mp_orgsnap_generations(dir);
	char *cur = mp_orgsnap_current(dir), *want = NULL, *path;
	MpOrgSnap *check = NULL;
	int status = MP_OK, lock = -1;
	guint i;

	*now = NULL;
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
	path = g_strdup_printf("%s/org-%s.cdb", dir, want);
	status = mp_orgsnap_open(path, &check, err);
	mp_orgsnap_close(check);
	g_free(path);
	if (status == MP_OK &&
	    (status = point_current(dir, want, err)) == MP_OK) {
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
