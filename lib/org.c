/* org.c - compile the HR export and org.conf into people and superiors */
#include <string.h>

#include "addr.h"
#include "org.h"

typedef struct {
	int person;
	char **codes;		/* one per level, "" when empty */
	char *title;
	gboolean primary;
	guint line;
	int pattern;
	int level;		/* deepest level with a code */
	int unit;		/* the unit at that level */
	int head_level;		/* level its title heads, or -1 */
	int headed;		/* the unit it heads, or -1 */
} Post;

typedef struct {
	char *key;		/* codes by position: "10/20//40" */
	char *path;		/* non-empty codes: "10/20/40" */
	int level;
	int parent;		/* nearest enclosing unit, or -1 */
	GArray *heads;		/* of post index */
	GArray *members;	/* posts whose own unit this is */
} Unit;

typedef struct {
	char *id, *email, *key, *name;
	GArray *posts;		/* of post index */
	int primary;		/* post index, or -1 */
	guint line;
} Person;

typedef struct {
	const MpOrgConf *oc;
	const char *csvname;
	GPtrArray *people;	/* of Person * */
	GArray *posts;		/* of Post */
	GPtrArray *units;	/* of Unit * */
	GHashTable *unit_by_key;	/* key -> index + 1 */
	GHashTable *person_by_id;	/* id -> index + 1 */
	GHashTable *person_by_key;	/* address key -> index + 1 */
	GHashTable *specials;	/* division -> GArray of post index */
	GHashTable *level_units;	/* "level\tdivision" -> GArray of unit */
	GHashTable *pattern_of;	/* unit path -> pattern index + 1 */
	GPtrArray *problems;
	GPtrArray *warnings;
} Build;

enum { COL_ID, COL_EMAIL, COL_NAME, COL_TITLE, COL_CONCURRENT, COL_LEVEL0 };

static void
problem(Build *b, guint line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
problem(Build *b, guint line, const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(b->problems, g_strdup_printf("%s:%u: %s", b->csvname,
	    line, what));
	g_free(what);
}

static gboolean
in_list(char **list, const char *s)
{
	return list != NULL && s != NULL &&
	    g_strv_contains((const char *const *)list, s);
}

/* unit_path - the non-empty codes up to level, joined by "/" */
static char *
unit_path(char **codes, int level)
{
	GString *s = g_string_new(NULL);
	int i;

	for (i = 0; i <= level; i++)
		if (*codes[i] != '\0') {
			if (s->len > 0)
				g_string_append_c(s, '/');
			g_string_append(s, codes[i]);
		}
	return g_string_free(s, FALSE);
}

/* pattern_for - the first pattern whose globs match a unit path */
static int
pattern_for(Build *b, const char *path)
{
	gpointer hit = g_hash_table_lookup(b->pattern_of, path);
	guint i, j;

	if (hit != NULL)
		return GPOINTER_TO_INT(hit) - 1;
	for (i = 0; i < b->oc->patterns->len; i++) {
		const MpOrgPattern *p = b->oc->patterns->pdata[i];

		for (j = 0; p->units[j] != NULL; j++)
			if (g_pattern_match_simple(p->units[j], path)) {
				g_hash_table_insert(b->pattern_of, g_strdup(path),
				    GINT_TO_POINTER((int)i + 1));
				return (int)i;
			}
	}
	return -1;
}

/* valid_email - an addr-spec we can look up: local@domain.tld */
static gboolean
valid_email(const char *s)
{
	const char *at = strchr(s, '@'), *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    s[strlen(s) - 1] == '.')
		return FALSE;
	for (p = s; *p != '\0'; p++)
		if (g_ascii_isspace(*p) || *p == ',' || *p == '<' || *p == '>' ||
		    *p == '"' || *p == ';' || *p == '(' || *p == ')')
			return FALSE;
	return TRUE;
}

static const char *
field(const MpCsvRow *row, int col)
{
	return col >= 0 && (guint)col < row->fields->len ?
	    row->fields->pdata[col] : "";
}

/* columns - where each needed column is in the header row */
static gboolean
columns(Build *b, const MpCsvRow *head, const MpOrgColumns *cols,
    int *idx)
{
	const char *names[COL_LEVEL0 + MP_ORG_MAX_LEVELS];
	gboolean ok = TRUE;
	guint i, n = COL_LEVEL0 + b->oc->nlevels, c;

	names[COL_ID] = cols->employee_id;
	names[COL_EMAIL] = cols->email;
	names[COL_NAME] = cols->name;
	names[COL_TITLE] = cols->title;
	names[COL_CONCURRENT] = cols->concurrent;
	for (i = 0; i < b->oc->nlevels; i++)
		names[COL_LEVEL0 + i] = cols->level[i] != NULL ? cols->level[i] :
		    b->oc->levels[i];
	for (i = 0; i < n; i++) {
		idx[i] = -1;
		for (c = 0; c < head->fields->len; c++)
			if (strcmp(head->fields->pdata[c], names[i]) == 0)
				idx[i] = (int)c;
		if (idx[i] < 0) {
			problem(b, head->line, "missing column %s", names[i]);
			ok = FALSE;
		}
	}
	return ok;
}

/* read_row - one post of the export, checked */
static void
read_row(Build *b, const MpCsvRow *row, const int *idx)
{
	const MpOrgConf *oc = b->oc;
	const char *id = field(row, idx[COL_ID]);
	const char *email = field(row, idx[COL_EMAIL]);
	const char *conc = field(row, idx[COL_CONCURRENT]);
	Post post = { 0 };
	Person *person;
	const MpOrgPattern *pat;
	char *key, *path;
	gpointer hit;
	guint i, problems = b->problems->len;
	int lv;

	if (*id == '\0')
		problem(b, row->line, "empty employee_id");
	if (*email == '\0')
		problem(b, row->line, "empty email");
	else if (!valid_email(email))
		problem(b, row->line, "malformed email address: %s", email);
	if (*conc == '\0' || strcmp(conc, "0") == 0)
		post.primary = TRUE;
	else if (strcmp(conc, "1") != 0)
		problem(b, row->line, "concurrent must be 0 or 1, not %s", conc);
	post.codes = g_new0(char *, oc->nlevels + 1);
	post.level = -1;
	for (i = 0; i < oc->nlevels; i++) {
		post.codes[i] = g_strdup(field(row, idx[COL_LEVEL0 + i]));
		if (*post.codes[i] != '\0')
			post.level = (int)i;
	}
	post.title = g_strdup(field(row, idx[COL_TITLE]));
	post.line = row->line;
	post.head_level = post.headed = post.unit = -1;
	path = unit_path(post.codes, (int)oc->nlevels - 1);
	if (post.level < 0)
		problem(b, row->line, "no org code in any of the level columns");
	else if ((post.pattern = pattern_for(b, path)) < 0)
		problem(b, row->line, "no [pattern] matches unit %s", path);
	if (*post.title == '\0')
		problem(b, row->line, "empty title");
	else if (post.level >= 0 && post.pattern >= 0) {
		gboolean named;

		pat = oc->patterns->pdata[post.pattern];
		named = in_list(oc->exempt, post.title) ||
		    in_list(pat->special, post.title) ||
		    in_list(pat->exempt, post.title) ||
		    in_list(pat->members, post.title);
		for (lv = 0; lv < (int)oc->nlevels; lv++)
			if (in_list(pat->heads[lv], post.title)) {
				post.head_level = lv;
				named = TRUE;
			}
		if (!named)
			problem(b, row->line, "title %s is not named by "
			    "[pattern %s] (unit %s)", post.title, pat->name, path);
	}
	g_free(path);
	if (b->problems->len > problems || *id == '\0') {
		g_strfreev(post.codes);
		g_free(post.title);
		return;
	}

	key = mp_addr_key(email);
	hit = g_hash_table_lookup(b->person_by_id, id);
	if (hit == NULL) {
		gpointer other = g_hash_table_lookup(b->person_by_key, key);

		if (other != NULL) {
			Person *o = b->people->pdata[GPOINTER_TO_INT(other) - 1];

			problem(b, row->line, "address %s belongs to employee %s "
			    "(line %u) and %s", email, o->id, o->line, id);
			g_free(key);
			g_strfreev(post.codes);
			g_free(post.title);
			return;
		}
		person = g_new0(Person, 1);
		person->id = g_strdup(id);
		person->email = g_strdup(email);
		person->key = key;
		person->name = g_strdup(field(row, idx[COL_NAME]));
		person->posts = g_array_new(FALSE, FALSE, sizeof(int));
		person->primary = -1;
		person->line = row->line;
		g_ptr_array_add(b->people, person);
		g_hash_table_insert(b->person_by_id, person->id,
		    GINT_TO_POINTER((int)b->people->len));
		g_hash_table_insert(b->person_by_key, person->key,
		    GINT_TO_POINTER((int)b->people->len));
		post.person = (int)b->people->len - 1;
	} else {
		post.person = GPOINTER_TO_INT(hit) - 1;
		person = b->people->pdata[post.person];
		if (strcmp(person->key, key) != 0)
			problem(b, row->line, "employee %s has two addresses: %s "
			    "(line %u) and %s", id, person->email, person->line,
			    email);
		g_free(key);
	}
	if (post.primary && person->primary >= 0) {
		problem(b, row->line, "duplicate primary post for employee %s "
		    "(first at line %u)", id,
		    g_array_index(b->posts, Post, person->primary).line);
	}
	if (post.primary) {
		person->primary = (int)b->posts->len;
		g_free(person->name);
		person->name = g_strdup(field(row, idx[COL_NAME]));
	}
	g_array_append_val(person->posts, b->posts->len);
	g_array_append_val(b->posts, post);
}

/* unit_at - the unit of a post's codes at level, created on first use */
static int
unit_at(Build *b, char **codes, int level)
{
	GString *key = g_string_new(NULL);
	gpointer hit;
	Unit *u;
	int i;

	for (i = 0; i <= level; i++) {
		if (i > 0)
			g_string_append_c(key, '/');
		g_string_append(key, codes[i]);
	}
	hit = g_hash_table_lookup(b->unit_by_key, key->str);
	if (hit != NULL) {
		g_string_free(key, TRUE);
		return GPOINTER_TO_INT(hit) - 1;
	}
	u = g_new0(Unit, 1);
	u->key = g_string_free(key, FALSE);
	u->path = unit_path(codes, level);
	u->level = level;
	u->parent = -1;
	for (i = level - 1; i >= 0; i--)
		if (*codes[i] != '\0') {
			u->parent = unit_at(b, codes, i);
			break;
		}
	u->heads = g_array_new(FALSE, FALSE, sizeof(int));
	u->members = g_array_new(FALSE, FALSE, sizeof(int));
	g_ptr_array_add(b->units, u);
	g_hash_table_insert(b->unit_by_key, u->key,
	    GINT_TO_POINTER((int)b->units->len));
	{
		char *lk = g_strdup_printf("%d\t%s", level, codes[0]);
		GArray *list = g_hash_table_lookup(b->level_units, lk);
		int n = (int)b->units->len - 1;

		if (list == NULL) {
			list = g_array_new(FALSE, FALSE, sizeof(int));
			g_hash_table_insert(b->level_units, lk, list);
		} else {
			g_free(lk);
		}
		g_array_append_val(list, n);
	}
	return (int)b->units->len - 1;
}

/* place_posts - units, their heads and members, and special posts */
static void
place_posts(Build *b)
{
	guint i;

	for (i = 0; i < b->posts->len; i++) {
		Post *p = &g_array_index(b->posts, Post, i);
		const MpOrgPattern *pat = b->oc->patterns->pdata[p->pattern];
		int n = (int)i;

		p->unit = unit_at(b, p->codes, p->level);
		g_array_append_val(((Unit *)b->units->pdata[p->unit])->members,
		    n);
		if (p->head_level >= 0 && p->head_level <= p->level &&
		    *p->codes[p->head_level] != '\0') {
			p->headed = unit_at(b, p->codes, p->head_level);
			g_array_append_val(((Unit *)b->units->pdata[p->headed])->heads,
			    n);
		} else if (p->head_level >= 0) {
			/* e.g. a section-chief rank without a section */
			const char *lv = b->oc->levels[p->head_level];

			g_ptr_array_add(b->warnings, g_strdup_printf("%s:%u: title "
			    "%s heads a %s, but the post has no %s code: it heads "
			    "nothing", b->csvname, p->line, p->title, lv, lv));
		}
		if (in_list(pat->special, p->title)) {
			GArray *list = g_hash_table_lookup(b->specials,
			    p->codes[0]);

			if (list == NULL) {
				list = g_array_new(FALSE, FALSE, sizeof(int));
				g_hash_table_insert(b->specials, p->codes[0], list);
			}
			g_array_append_val(list, n);
		}
	}
}

static void
sup_add(GPtrArray *sups, GHashTable *seen, const char *key, char *reason)
{
	MpOrgSup *s;

	if (g_hash_table_contains(seen, key)) {
		g_free(reason);
		return;
	}
	s = g_new0(MpOrgSup, 1);
	s->key = g_strdup(key);
	s->reason = reason;
	g_hash_table_add(seen, s->key);
	g_ptr_array_add(sups, s);
}

static const char *
person_key(Build *b, int post)
{
	const Post *p = &g_array_index(b->posts, Post, post);

	return ((Person *)b->people->pdata[p->person])->key;
}

/*
 * chain_sups - the heads of the nearest enclosing unit from `unit` up
 * that has a head other than self; with chain, every head further up.
 */
static void
chain_sups(Build *b, int unit, int self, GPtrArray *sups, GHashTable *seen)
{
	gboolean found = FALSE;
	int u;
	guint i;

	for (u = unit; u >= 0; u = ((Unit *)b->units->pdata[u])->parent) {
		const Unit *U = b->units->pdata[u];
		gboolean any = FALSE;

		for (i = 0; i < U->heads->len; i++) {
			int h = g_array_index(U->heads, int, i);

			if (g_array_index(b->posts, Post, h).person == self)
				continue;
			any = TRUE;
			sup_add(sups, seen, person_key(b, h), g_strdup_printf(
			    "head of %s %s%s", b->oc->levels[U->level], U->path,
			    found ? " (higher up)" : ""));
		}
		if (any && !found) {
			found = TRUE;
			if (!b->oc->chain)
				break;
		}
	}
}

/*
 * post_sups - the superiors of one post (or of a plain member of a unit
 * when p->person is -1): heads up the chain, the division's special
 * titles, peer heads where the pattern says so, and [fallback] when all
 * that is empty.
 */
static void
post_sups(Build *b, const Post *p, GPtrArray *sups, GHashTable *seen)
{
	const MpOrgConf *oc = b->oc;
	const MpOrgPattern *pat = oc->patterns->pdata[p->pattern];
	guint before = sups->len, i, j;
	GArray *list;

	chain_sups(b, p->headed >= 0 ?
	    ((Unit *)b->units->pdata[p->headed])->parent : p->unit, p->person,
	    sups, seen);
	list = g_hash_table_lookup(b->specials, p->codes[0]);
	for (i = 0; list != NULL && i < list->len; i++) {
		const Post *s = &g_array_index(b->posts, Post,
		    g_array_index(list, int, i));

		if (s->person != p->person)
			sup_add(sups, seen, person_key(b, g_array_index(list, int,
			    i)), g_strdup_printf("special title %s in %s %s",
			    s->title, oc->levels[0], p->codes[0]));
	}
	if (p->headed >= 0 && in_list(pat->peers, oc->levels[p->head_level])) {
		char *lk = g_strdup_printf("%d\t%s", p->head_level, p->codes[0]);

		list = g_hash_table_lookup(b->level_units, lk);
		g_free(lk);
		for (i = 0; list != NULL && i < list->len; i++) {
			const Unit *U = b->units->pdata[g_array_index(list, int, i)];

			if (g_array_index(list, int, i) == p->headed)
				continue;
			for (j = 0; j < U->heads->len; j++) {
				int h = g_array_index(U->heads, int, j);

				if (g_array_index(b->posts, Post, h).person !=
				    p->person)
					sup_add(sups, seen, person_key(b, h),
					    g_strdup_printf("peer: head of %s %s",
					    oc->levels[U->level], U->path));
			}
		}
	}
	if (sups->len > before)
		return;
	{
		const char *path = ((Unit *)b->units->pdata[p->unit])->path;
		int best = -1;
		gsize best_len = 0;
		char **addrs;

		for (i = 0; i < oc->fb_units->len; i++) {
			const char *fb = oc->fb_units->pdata[i];
			gsize n = strlen(fb);

			if ((strcmp(path, fb) == 0 || (g_str_has_prefix(path, fb) &&
			    path[n] == '/')) && n > best_len) {
				best = (int)i;
				best_len = n;
			}
		}
		if (best >= 0)
			for (addrs = oc->fb_unit_addrs->pdata[best]; *addrs != NULL;
			    addrs++) {
				char *k = mp_addr_key(*addrs);

				sup_add(sups, seen, k, g_strdup_printf(
				    "fallback for unit %s",
				    (char *)oc->fb_units->pdata[best]));
				g_free(k);
			}
		if (p->title != NULL &&
		    (addrs = g_hash_table_lookup(oc->fb_titles, p->title)) != NULL)
			for (; *addrs != NULL; addrs++) {
				char *k = mp_addr_key(*addrs);

				sup_add(sups, seen, k, g_strdup_printf(
				    "fallback for title %s", p->title));
				g_free(k);
			}
	}
}

static gboolean
post_exempt(Build *b, const Post *p)
{
	const MpOrgPattern *pat = b->oc->patterns->pdata[p->pattern];

	return in_list(b->oc->exempt, p->title) || in_list(pat->exempt, p->title);
}

static gint
person_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp((*(MpOrgPerson *const *)a)->key,
	    (*(MpOrgPerson *const *)b)->key);
}

static gint
group_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp((*(MpOrgGroup *const *)a)->unit,
	    (*(MpOrgGroup *const *)b)->unit);
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted_strv - a NULL-terminated, sorted copy of a set of strings */
static char **
sorted_strv(GHashTable *set)
{
	GPtrArray *v = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, set);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(v, g_strdup(k));
	g_ptr_array_sort(v, str_cmp);
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

/* make_person - the snapshot's view of one person */
static MpOrgPerson *
make_person(Build *b, const Person *src)
{
	MpOrgPerson *mp = g_new0(MpOrgPerson, 1);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *divs = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *sdivs = g_hash_table_new(g_str_hash, g_str_equal);
	guint i;

	mp->key = g_strdup(src->key);
	mp->email = g_strdup(src->email);
	mp->id = g_strdup(src->id);
	mp->name = g_strdup(src->name);
	mp->posts = g_ptr_array_new();
	mp->sups = g_ptr_array_new();
	for (i = 0; i < src->posts->len; i++) {
		int n = g_array_index(src->posts, int, i);
		const Post *p = &g_array_index(b->posts, Post, n);
		MpOrgPost *op = g_new0(MpOrgPost, 1);
		gboolean counts = b->oc->any_post || n == src->primary;

		op->unit = g_strdup(((Unit *)b->units->pdata[p->unit])->path);
		op->title = g_strdup(p->title);
		op->primary = p->primary;
		op->pattern = g_strdup(((MpOrgPattern *)
		    b->oc->patterns->pdata[p->pattern])->name);
		if (p->headed >= 0)
			op->role = g_strdup_printf("head of %s",
			    b->oc->levels[p->head_level]);
		else if (in_list(((MpOrgPattern *)b->oc->patterns->pdata[
		    p->pattern])->special, p->title))
			op->role = g_strdup_printf("special: a superior for every "
			    "post in %s %s", b->oc->levels[0], p->codes[0]);
		else if (post_exempt(b, p))
			op->role = g_strdup("exempt");
		else
			op->role = g_strdup("member");
		g_ptr_array_add(mp->posts, op);
		if (*p->codes[0] != '\0')
			g_hash_table_add(divs, p->codes[0]);
		if (counts && *p->codes[0] != '\0')
			g_hash_table_add(sdivs, p->codes[0]);
		if (counts) {
			if (post_exempt(b, p))
				mp->exempt = TRUE;
			post_sups(b, p, mp->sups, seen);
		}
	}
	mp->divisions = sorted_strv(divs);
	mp->sdivisions = sorted_strv(sdivs);
	g_hash_table_destroy(divs);
	g_hash_table_destroy(sdivs);
	g_hash_table_destroy(seen);
	return mp;
}

/* make_group - whom a plain member of unit u must Cc, and who is in it */
static MpOrgGroup *
make_group(Build *b, int u)
{
	const Unit *U = b->units->pdata[u];
	MpOrgGroup *g = g_new0(MpOrgGroup, 1);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *members = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *sups = g_ptr_array_new();
	Post virt = { 0 };
	char **codes;
	guint i;

	codes = g_strsplit(U->key, "/", -1);
	virt.person = -1;
	virt.codes = codes;
	virt.unit = u;
	virt.headed = virt.head_level = -1;
	virt.level = U->level;
	virt.pattern = pattern_for(b, U->path);
	if (virt.pattern < 0)
		virt.pattern = 0;	/* only enclosing units lack posts */
	post_sups(b, &virt, sups, seen);
	for (i = 0; i < U->members->len; i++)
		g_hash_table_add(members, (gpointer)(gsize)person_key(b,
		    g_array_index(U->members, int, i)));
	g->unit = g_strdup(U->path);
	g->level = g_strdup(b->oc->levels[U->level]);
	g->superiors = sorted_strv(seen);
	g->members = sorted_strv(members);
	for (i = 0; i < sups->len; i++) {
		MpOrgSup *s = sups->pdata[i];

		g_free(s->key);
		g_free(s->reason);
		g_free(s);
	}
	g_ptr_array_free(sups, TRUE);
	g_hash_table_destroy(members);
	g_hash_table_destroy(seen);
	g_strfreev(codes);
	return g;
}

static void
build_free(Build *b)
{
	guint i;

	for (i = 0; i < b->people->len; i++) {
		Person *p = b->people->pdata[i];

		g_free(p->id);
		g_free(p->email);
		g_free(p->key);
		g_free(p->name);
		g_array_free(p->posts, TRUE);
		g_free(p);
	}
	g_ptr_array_free(b->people, TRUE);
	for (i = 0; i < b->posts->len; i++) {
		Post *p = &g_array_index(b->posts, Post, i);

		g_strfreev(p->codes);
		g_free(p->title);
	}
	g_array_free(b->posts, TRUE);
	for (i = 0; i < b->units->len; i++) {
		Unit *u = b->units->pdata[i];

		g_free(u->key);
		g_free(u->path);
		g_array_free(u->heads, TRUE);
		g_array_free(u->members, TRUE);
		g_free(u);
	}
	g_ptr_array_free(b->units, TRUE);
	g_hash_table_destroy(b->unit_by_key);
	g_hash_table_destroy(b->person_by_id);
	g_hash_table_destroy(b->person_by_key);
	g_hash_table_destroy(b->specials);
	g_hash_table_destroy(b->level_units);
	g_hash_table_destroy(b->pattern_of);
}

static void
array_free(gpointer a)
{
	g_array_free(a, TRUE);
}

/* mp_org_compile - people, posts and superiors from the export */
int
mp_org_compile(const MpOrgConf *oc, const MpCsv *csv, const char *csvname,
    const MpOrgColumns *cols, MpOrg **out, GPtrArray *problems,
    GPtrArray *warnings, GError **err)
{
	Build b = { 0 };
	int idx[COL_LEVEL0 + MP_ORG_MAX_LEVELS];
	MpOrg *org;
	guint i;

	*out = NULL;
	b.oc = oc;
	b.csvname = csvname;
	b.problems = problems;
	b.warnings = warnings;
	b.people = g_ptr_array_new();
	b.posts = g_array_new(FALSE, FALSE, sizeof(Post));
	b.units = g_ptr_array_new();
	b.unit_by_key = g_hash_table_new(g_str_hash, g_str_equal);
	b.person_by_id = g_hash_table_new(g_str_hash, g_str_equal);
	b.person_by_key = g_hash_table_new(g_str_hash, g_str_equal);
	b.specials = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    array_free);
	b.level_units = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    array_free);
	b.pattern_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);

	if (columns(&b, csv->rows->pdata[0], cols, idx))
		for (i = 1; i < csv->rows->len; i++)
			read_row(&b, csv->rows->pdata[i], idx);
	for (i = 0; i < b.people->len; i++) {
		const Person *p = b.people->pdata[i];

		if (p->primary < 0)
			problem(&b, p->line, "employee %s has no primary post "
			    "(concurrent = 0)", p->id);
	}
	if (problems->len == 0 && b.people->len == 0)
		problem(&b, 1, "no people in the export");
	if (problems->len > 0) {
		build_free(&b);
		return mp_fail(err, EX_DATAERR, "%s: %u problem%s in the export",
		    csvname, problems->len, problems->len == 1 ? "" : "s");
	}

	place_posts(&b);
	org = g_new0(MpOrg, 1);
	org->people = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mp_org_person_free);
	org->groups = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mp_org_group_free);
	for (i = 0; i < b.people->len; i++)
		g_ptr_array_add(org->people, make_person(&b, b.people->pdata[i]));
	for (i = 0; i < b.units->len; i++)
		g_ptr_array_add(org->groups, make_group(&b, (int)i));
	g_ptr_array_sort(org->people, person_cmp);
	g_ptr_array_sort(org->groups, group_cmp);
	org->nposts = b.posts->len;
	org->nunits = b.units->len;
	org->unknown_pass = oc->unknown_pass;
	org->any_post = oc->any_post;
	org->chain = oc->chain;
	build_free(&b);
	*out = org;
	return MP_OK;
}

void
mp_org_person_free(MpOrgPerson *p)
{
	guint i;

	if (p == NULL)
		return;
	g_free(p->key);
	g_free(p->email);
	g_free(p->id);
	g_free(p->name);
	g_strfreev(p->divisions);
	g_strfreev(p->sdivisions);
	for (i = 0; p->posts != NULL && i < p->posts->len; i++) {
		MpOrgPost *op = p->posts->pdata[i];

		g_free(op->unit);
		g_free(op->title);
		g_free(op->pattern);
		g_free(op->role);
		g_free(op);
	}
	if (p->posts != NULL)
		g_ptr_array_free(p->posts, TRUE);
	for (i = 0; p->sups != NULL && i < p->sups->len; i++) {
		MpOrgSup *s = p->sups->pdata[i];

		g_free(s->key);
		g_free(s->reason);
		g_free(s);
	}
	if (p->sups != NULL)
		g_ptr_array_free(p->sups, TRUE);
	g_free(p);
}

void
mp_org_group_free(MpOrgGroup *g)
{
	if (g == NULL)
		return;
	g_free(g->unit);
	g_free(g->level);
	g_strfreev(g->superiors);
	g_strfreev(g->members);
	g_free(g);
}

void
mp_org_free(MpOrg *org)
{
	if (org == NULL)
		return;
	g_ptr_array_free(org->people, TRUE);
	g_ptr_array_free(org->groups, TRUE);
	g_free(org);
}
