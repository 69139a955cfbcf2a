/* orgdiff.c - the change set between two generations of the org */
#include <string.h>

#include <jansson.h>

#include "base/json.h"
#include "org/orgsnap-int.h"

/* strv_json - a JSON array of the strings of a NULL-terminated list */
static json_t *
strv_json(const char *const *v)
{
	json_t *a = json_array();

	for (; v != NULL && *v != NULL; v++)
		json_array_append_new(a, mp_json_str(*v));
	return a;
}

/* posts_json - a person's posts: unit, title and whether primary */
static json_t *
posts_json(const MpOrgPerson *p)
{
	json_t *a = json_array();
	guint i;

	for (i = 0; i < p->nposts; i++) {
		const MpOrgPost *op = &p->posts[i];
		json_t *o = json_object();

		json_object_set_new(o, "unit", mp_json_str(op->unit));
		json_object_set_new(o, "title", mp_json_str(op->title));
		json_object_set_new(o, "primary", json_boolean(op->primary));
		json_array_append_new(a, o);
	}
	return a;
}

/* person_event - a change of a person, the fields of every such change */
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

/* post_list - the unit (and "unit\ttitle") of each post, sorted, for
 * comparing */
static char **
post_list(const MpOrgPerson *p, gboolean with_title)
{
	GPtrArray *v = g_ptr_array_new();
	guint i;

	for (i = 0; i < p->nposts; i++) {
		const MpOrgPost *op = &p->posts[i];

		g_ptr_array_add(v, with_title ? g_strdup_printf("%s\t%s",
		    op->unit, op->title) : g_strdup(op->unit));
	}
	g_ptr_array_sort(v, mp_str_ptr_cmp);
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

/* strv_equal - the same strings in the same order */
static gboolean
strv_equal(char **a, char **b)
{
	return g_strv_equal((const char *const *)a, (const char *const *)b);
}

/* append_json - jansson's dump callback into a GString */
static int
append_json(const char *buf, size_t len, void *data)
{
	g_string_append_len(data, buf, (gssize)len);
	return 0;
}

/* emit - one change, as a line of JSON at the end of the change set */
static void
emit(MpChanges *c, json_t *e)
{
	json_dump_callback(e, append_json, c->text,
	    JSON_COMPACT | JSON_PRESERVE_ORDER);
	g_string_append_c(c->text, '\n');
	json_decref(e);
	c->count++;
}

/* same_posts - the same posts in the same order (the usual case) */
static gboolean
same_posts(const MpOrgPerson *a, const MpOrgPerson *b)
{
	guint i;

	if (a->nposts != b->nposts)
		return FALSE;
	for (i = 0; i < a->nposts; i++)
		if (strcmp(a->posts[i].unit, b->posts[i].unit) != 0 ||
		    strcmp(a->posts[i].title, b->posts[i].title) != 0)
			return FALSE;
	return TRUE;
}

/* person_key - what a person is matched by across generations */
static const char *
person_key(gconstpointer p)
{
	return ((const MpOrgPerson *)p)->key;
}

/* person_diff - joined (was is NULL), renamed, moved, title-changed */
static void
person_diff(gconstpointer was, gconstpointer is, MpChanges *changes)
{
	const MpOrgPerson *o = was, *p = is;
	char **ou, **nu, **ot, **nt;
	guint j;

	if (o == NULL) {
		json_t *e = person_event("joined", p);

		json_object_set_new(e, "posts", posts_json(p));
		emit(changes, e);
		return;
	}
	if (strcmp(o->name, p->name) == 0 && same_posts(o, p))
		return;
	ou = post_list(o, FALSE);
	nu = post_list(p, FALSE);
	ot = post_list(o, TRUE);
	nt = post_list(p, TRUE);
	if (strcmp(o->name, p->name) != 0) {
		json_t *e = person_event("renamed", p);

		json_object_set_new(e, "from", mp_json_str(o->name));
		emit(changes, e);
	}
	if (!strv_equal(ou, nu)) {
		json_t *e = person_event("moved", p);

		json_object_set_new(e, "from", strv_json((const char *const *)ou));
		json_object_set_new(e, "to", strv_json((const char *const *)nu));
		emit(changes, e);
	} else if (!strv_equal(ot, nt)) {
		for (j = 0; nt[j] != NULL && ot[j] != NULL; j++) {
			json_t *e;

			if (strcmp(ot[j], nt[j]) == 0)
				continue;
			e = person_event("title-changed", p);
			json_object_set_new(e, "unit", json_string(nu[j]));
			json_object_set_new(e, "from",
			    mp_json_str(strchr(ot[j], '\t') + 1));
			json_object_set_new(e, "to",
			    mp_json_str(strchr(nt[j], '\t') + 1));
			emit(changes, e);
		}
	}
	g_strfreev(ou);
	g_strfreev(nu);
	g_strfreev(ot);
	g_strfreev(nt);
}

/* person_left - one who is not in the new generation */
static void
person_left(gconstpointer was, MpChanges *changes)
{
	emit(changes, person_event("left", was));
}

/* set_diff - added and removed between two sorted address lists */
static gboolean
set_diff(const char *const *was, const char *const *is, json_t **added,
    json_t **removed)
{
	int c;

	/* both lists are sorted: one merge pass */
	*added = json_array();
	*removed = json_array();
	while (*was != NULL || *is != NULL) {
		c = *was == NULL ? 1 : *is == NULL ? -1 : strcmp(*was, *is);
		if (c < 0)
			json_array_append_new(*removed, mp_json_str(*was++));
		else if (c > 0)
			json_array_append_new(*added, mp_json_str(*is++));
		else {
			was++;
			is++;
		}
	}
	return json_array_size(*added) + json_array_size(*removed) > 0;
}

/* group_event - a change of one of a unit's groups */
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

/* group_key - what a group is matched by across generations */
static const char *
group_key(gconstpointer g)
{
	return ((const MpOrgGroup *)g)->unit;
}

/* group_diff - per kind: created (was is NULL), changed */
static void
group_diff(gconstpointer was, gconstpointer is, MpChanges *changes)
{
	const MpOrgGroup *o = was, *g = is;
	guint k;

	for (k = 0; k < 2; k++) {
		const char *kind = k == 0 ? "superiors" : "members";
		const char *const *now = k == 0 ? g->superiors : g->members;
		json_t *e, *added, *removed;

		if (o == NULL) {
			e = group_event("group-created", g, kind);
			json_object_set_new(e, "addresses", strv_json(now));
			emit(changes, e);
		} else if (set_diff(k == 0 ? o->superiors : o->members, now,
		    &added, &removed)) {
			e = group_event("group-changed", g, kind);
			json_object_set_new(e, "added", added);
			json_object_set_new(e, "removed", removed);
			emit(changes, e);
		} else {
			json_decref(added);
			json_decref(removed);
		}
	}
}

/* group_deleted - a unit that is not in the new generation */
static void
group_deleted(gconstpointer was, MpChanges *changes)
{
	guint k;

	for (k = 0; k < 2; k++)
		emit(changes, group_event("group-deleted", was,
		    k == 0 ? "superiors" : "members"));
}

/*
 * match - the two generations item by item: each item of now with the
 * one of prev of the same key (or NULL), in now's order, then each item
 * of prev whose key now lacks, in prev's order
 */
static void
match(GPtrArray *prev, GPtrArray *now, const char *(*key)(gconstpointer),
    void (*pair)(gconstpointer, gconstpointer, MpChanges *),
    void (*gone)(gconstpointer, MpChanges *), MpChanges *changes)
{
	GHashTable *was = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *is = g_hash_table_new(g_str_hash, g_str_equal);
	guint i;

	for (i = 0; i < prev->len; i++)
		g_hash_table_insert(was, (gpointer)(gsize)key(prev->pdata[i]),
		    prev->pdata[i]);
	for (i = 0; i < now->len; i++)
		g_hash_table_add(is, (gpointer)(gsize)key(now->pdata[i]));
	for (i = 0; i < now->len; i++)
		pair(g_hash_table_lookup(was, key(now->pdata[i])),
		    now->pdata[i], changes);
	for (i = 0; i < prev->len; i++)
		if (!g_hash_table_contains(is, key(prev->pdata[i])))
			gone(prev->pdata[i], changes);
	g_hash_table_destroy(was);
	g_hash_table_destroy(is);
}

/* mp_orgsnap_diff - the change set from prev (NULL: nothing) to org */
void
mp_orgsnap_diff(MpOrgSnap *prev, const MpOrg *org, MpChanges *changes)
{
	GPtrArray *people = g_ptr_array_new(), *groups = g_ptr_array_new();
	MpArena *a = mp_arena_new();

	if (prev != NULL)
		mp_orgsnap_load_all(prev, a, people, groups);
	match(people, org->people, person_key, person_diff, person_left,
	    changes);
	match(groups, org->groups, group_key, group_diff, group_deleted,
	    changes);
	g_ptr_array_free(people, TRUE);
	g_ptr_array_free(groups, TRUE);
	mp_arena_free(a);
}
