/* org.c - compile the HR export and org.conf into people and superiors */
#include <string.h>

#include "mail/addr.h"
#include "org/org.h"

/*
 * Memory: strings that end up in the compiled org (addresses, names,
 * unit paths, titles, reasons) are interned in the org's arena, so equal
 * strings are one pointer and everything is freed at once; the
 * compile's own scaffolding lives in a second arena freed at its end.
 */

typedef struct {
	int person;
	const char **codes;	/* one per level, "" when empty */
	const char *title;
	gboolean primary;
	guint line;
	int pattern;
	int level;		/* deepest level with a code */
	int unit;		/* the unit at that level */
	int head_level;		/* level its title heads, or -1 */
	int headed;		/* the unit it heads, or -1 */
} Post;

typedef struct {
	int person;
	const char *reason;
} Cand;			/* a candidate superior, before self is removed */

typedef struct {
	const char *key;	/* codes by position: "10/20//40" */
	const char *path;	/* non-empty codes: "10/20/40" */
	int level;
	int parent;		/* nearest enclosing unit, or -1 */
	GArray *heads;		/* of post index */
	GArray *members;	/* posts whose own unit this is */
	GArray *chain;		/* of Cand: heads from here up, or NULL */
} Unit;

typedef struct {
	const char *id, *email, *key, *name;
	GArray *posts;		/* of post index */
	int primary;		/* post index, or -1 */
	guint line;
} Person;

/* What a title is in one pattern; cached per (pattern, title). */
typedef struct {
	gboolean named;		/* the pattern (or [org]) names it */
	int head_level;		/* the level it heads, or -1 */
	gboolean special, exempt;
} TitleFacts;

typedef struct {
	const MpOrgConf *oc;
	const char *csvname;
	GHashTable **facts;	/* per pattern: interned title -> TitleFacts */
	MpArena *out;		/* the compiled org's strings and records */
	GHashTable *interned;	/* string -> its copy in out */
	GPtrArray *people;	/* of Person * */
	GArray *posts;		/* of Post */
	GPtrArray *units;	/* of Unit * */
	GHashTable *unit_by_key;	/* key -> index + 1 */
	GHashTable *person_by_id;	/* id -> index + 1 */
	GHashTable *person_by_key;	/* address key -> index + 1 */
	GHashTable *specials;	/* division -> GArray of Cand */
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

/* intern - the one copy of s in the org's arena */
static const char *
intern(Build *b, const char *s)
{
	char *hit;

	if (*s == '\0')
		return "";	/* the commonest value: empty org codes */
	hit = g_hash_table_lookup(b->interned, s);

	if (hit == NULL) {
		hit = mp_arena_strdup(b->out, s);
		g_hash_table_insert(b->interned, hit, hit);
	}
	return hit;
}

/* intern_take - intern a string we own and free it */
static const char *
intern_take(Build *b, char *s)
{
	const char *r = intern(b, s);

	g_free(s);
	return r;
}

/* in_list - whether list (NULL: none) holds s */
static gboolean
in_list(char **list, const char *s)
{
	return list != NULL && s != NULL &&
	    g_strv_contains((const char *const *)list, s);
}

/* unit_path - the non-empty codes up to level, joined by "/" */
static char *
unit_path(const char **codes, int level)
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

/*
 * pattern_for - the first pattern one of whose globs matches a unit:
 * its path, and its level when the glob names one
 */
static int
pattern_for(Build *b, const char *path, int level)
{
	char *ck = g_strdup_printf("%d\t%s", level, path);
	gpointer hit = g_hash_table_lookup(b->pattern_of, ck);
	guint i, j;

	if (hit != NULL) {
		g_free(ck);
		return GPOINTER_TO_INT(hit) - 1;
	}
	for (i = 0; i < b->oc->patterns->len; i++) {
		const MpOrgPattern *p = b->oc->patterns->pdata[i];

		for (j = 0; p->units[j] != NULL; j++)
			if ((p->unit_levels[j] < 0 ||
			    p->unit_levels[j] == level) &&
			    g_pattern_match_simple(p->units[j], path)) {
				g_hash_table_insert(b->pattern_of, ck,
				    GINT_TO_POINTER((int)i + 1));
				return (int)i;
			}
	}
	g_free(ck);
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

/* title_facts - what a title is in a pattern, worked out once */
static const TitleFacts *
title_facts(Build *b, int pattern, const char *title)
{
	const MpOrgPattern *pat = b->oc->patterns->pdata[pattern];
	TitleFacts *f = g_hash_table_lookup(b->facts[pattern], title);
	int lv;

	if (f != NULL)
		return f;
	f = mp_arena_alloc(b->out, sizeof *f);
	f->head_level = -1;
	f->exempt = in_list(b->oc->exempt, title) ||
	    in_list(pat->exempt, title);
	f->special = in_list(pat->special, title);
	f->named = f->exempt || f->special || in_list(pat->members, title);
	for (lv = 0; lv < (int)b->oc->nlevels; lv++)
		if (in_list(pat->heads[lv], title)) {
			f->head_level = lv;
			f->named = TRUE;
		}
	g_hash_table_insert(b->facts[pattern], (gpointer)(gsize)title, f);
	return f;
}

/* check_post - the row's own problems: codes, pattern, title */
static void
check_post(Build *b, const MpCsvRow *row, Post *post)
{
	const MpOrgConf *oc = b->oc;
	char *path = unit_path(post->codes, (int)oc->nlevels - 1);

	if (post->level < 0)
		problem(b, row->line, "no org code in any of the level columns");
	else if ((post->pattern = pattern_for(b, path, post->level)) < 0)
		problem(b, row->line, "no [pattern] matches unit %s", path);
	if (*post->title == '\0') {
		problem(b, row->line, "empty title");
	} else if (post->level >= 0 && post->pattern >= 0) {
		const TitleFacts *f = title_facts(b, post->pattern, post->title);

		post->head_level = f->head_level;
		if (!f->named)
			problem(b, row->line, "title %s is not named by "
			    "[pattern %s] (unit %s)", post->title,
			    ((MpOrgPattern *)oc->patterns->pdata[
			    post->pattern])->name, path);
	}
	g_free(path);
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
	char *key;
	gpointer hit;
	guint i, before = b->problems->len;

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
	post.codes = mp_arena_alloc(b->out, sizeof(char *) * (oc->nlevels + 1));
	post.level = -1;
	for (i = 0; i < oc->nlevels; i++) {
		post.codes[i] = intern(b, field(row, idx[COL_LEVEL0 + i]));
		if (*post.codes[i] != '\0')
			post.level = (int)i;
	}
	post.title = intern(b, field(row, idx[COL_TITLE]));
	post.line = row->line;
	post.head_level = post.headed = post.unit = -1;
	check_post(b, row, &post);
	if (b->problems->len > before || *id == '\0')
		return;

	key = mp_addr_key(email);
	hit = g_hash_table_lookup(b->person_by_id, id);
	if (hit == NULL) {
		gpointer other = g_hash_table_lookup(b->person_by_key, key);

		if (other != NULL) {
			Person *o = b->people->pdata[GPOINTER_TO_INT(other) - 1];

			problem(b, row->line, "address %s belongs to employee %s "
			    "(line %u) and %s", email, o->id, o->line, id);
			g_free(key);
			return;
		}
		person = mp_arena_alloc(b->out, sizeof *person);
		person->id = mp_arena_strdup(b->out, id);
		person->email = mp_arena_strdup(b->out, email);
		person->key = intern_take(b, key);
		person->name = mp_arena_strdup(b->out, field(row, idx[COL_NAME]));
		person->posts = g_array_new(FALSE, FALSE, sizeof(int));
		person->primary = -1;
		person->line = row->line;
		g_ptr_array_add(b->people, person);
		g_hash_table_insert(b->person_by_id, (gpointer)(gsize)person->id,
		    GINT_TO_POINTER((int)b->people->len));
		g_hash_table_insert(b->person_by_key,
		    (gpointer)(gsize)person->key,
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
	if (post.primary && person->primary >= 0)
		problem(b, row->line, "duplicate primary post for employee %s "
		    "(first at line %u)", id,
		    g_array_index(b->posts, Post, person->primary).line);
	if (post.primary) {
		person->primary = (int)b->posts->len;
		person->name = mp_arena_strdup(b->out, field(row, idx[COL_NAME]));
	}
	g_array_append_val(person->posts, b->posts->len);
	g_array_append_val(b->posts, post);
}

/* codes_key - a post's codes up to level by position: "100//111" */
static char *
codes_key(const char **codes, int level)
{
	GString *s = g_string_new(codes[0]);
	int i;

	for (i = 1; i <= level; i++) {
		g_string_append_c(s, '/');
		g_string_append(s, codes[i]);
	}
	return g_string_free(s, FALSE);
}

/*
 * check_unit_paths - one unit per unit path and level.  A section coded
 * 100/-/111 and one coded -/100/111 (no division code, department 100)
 * both read "section 100/111": the rules, the reasons and the groups
 * could not tell them apart, so the export is refused with both lines.
 */
static void
check_unit_paths(Build *b)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GHashTable *told = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i;
	int lv;

	for (i = 0; i < b->posts->len; i++) {
		const Post *p = &g_array_index(b->posts, Post, i);

		for (lv = 0; lv <= p->level; lv++) {
			char *path, *pk, *ck;
			const Post *o;
			gpointer hit;
			gboolean clash;

			if (*p->codes[lv] == '\0')
				continue;
			path = unit_path(p->codes, lv);
			pk = g_strdup_printf("%d\t%s", lv, path);
			hit = g_hash_table_lookup(seen, pk);
			if (hit == NULL) {
				g_hash_table_insert(seen, pk,
				    GINT_TO_POINTER((int)i + 1));
				g_free(path);
				continue;
			}
			g_free(pk);
			o = &g_array_index(b->posts, Post, GPOINTER_TO_INT(hit) - 1);
			ck = codes_key(p->codes, lv);
			pk = codes_key(o->codes, lv);
			clash = strcmp(ck, pk) != 0;
			if (clash && !g_hash_table_contains(told, ck)) {
				problem(b, p->line, "%s %s of codes %s is another "
				    "unit than the %s %s of codes %s (line %u): two "
				    "units of one level cannot share a unit path",
				    b->oc->levels[lv], path, ck, b->oc->levels[lv],
				    path, pk, o->line);
				g_hash_table_add(told, ck);
				ck = NULL;
			}
			g_free(ck);
			g_free(pk);
			g_free(path);
			if (clash)
				break;	/* the units below differ as well */
		}
	}
	g_hash_table_destroy(seen);
	g_hash_table_destroy(told);
}

/* unit_at - the unit of a post's codes at level, created on first use */
static int
unit_at(Build *b, const char **codes, int level)
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
	u = mp_arena_alloc(b->out, sizeof *u);
	u->key = intern_take(b, g_string_free(key, FALSE));
	u->path = intern_take(b, unit_path(codes, level));
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
	g_hash_table_insert(b->unit_by_key, (gpointer)(gsize)u->key,
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
		if (title_facts(b, p->pattern, p->title)->special) {
			GArray *list = g_hash_table_lookup(b->specials,
			    p->codes[0]);
			Cand c = { p->person, NULL };

			if (list == NULL) {
				list = g_array_new(FALSE, FALSE, sizeof(Cand));
				g_hash_table_insert(b->specials,
				    (gpointer)(gsize)p->codes[0], list);
			}
			c.reason = intern_take(b, *p->codes[0] != '\0' ?
			    g_strdup_printf("special title %s in %s %s",
			    p->title, b->oc->levels[0], p->codes[0]) :
			    g_strdup_printf("special title %s without a %s",
			    p->title, b->oc->levels[0]));
			g_array_append_val(list, c);
		}
	}
}

/*
 * chain_from - the heads of the nearest enclosing unit from `unit` up
 * that has a head other than self; with chain, every head further up.
 */
static void
chain_from(Build *b, int unit, int self, GArray *out)
{
	gboolean found = FALSE;
	int u;
	guint i;

	for (u = unit; u >= 0; u = ((Unit *)b->units->pdata[u])->parent) {
		const Unit *U = b->units->pdata[u];
		gboolean any = FALSE;

		for (i = 0; i < U->heads->len; i++) {
			const Post *h = &g_array_index(b->posts, Post,
			    g_array_index(U->heads, int, i));
			Cand c;

			if (h->person == self)
				continue;
			any = TRUE;
			c.person = h->person;
			c.reason = intern_take(b, g_strdup_printf("head of %s %s%s",
			    b->oc->levels[U->level], U->path,
			    found ? " (higher up)" : ""));
			g_array_append_val(out, c);
		}
		if (any && !found) {
			found = TRUE;
			if (!b->oc->chain)
				break;
		}
	}
}

/*
 * chain_for - chain_from for a person, from a cache per unit: most
 * people are not heads in their own chain, and then the unit's list is
 * theirs as it is.
 */
static const GArray *
chain_for(Build *b, int unit, int self, GArray *scratch)
{
	Unit *U;
	guint i;

	if (unit < 0)
		return scratch;
	U = b->units->pdata[unit];
	if (U->chain == NULL) {
		U->chain = g_array_new(FALSE, FALSE, sizeof(Cand));
		chain_from(b, unit, -1, U->chain);
	}
	for (i = 0; i < U->chain->len; i++)
		if (g_array_index(U->chain, Cand, i).person == self) {
			chain_from(b, unit, self, scratch);
			return scratch;
		}
	return U->chain;
}

typedef struct {
	GArray *sups;		/* of MpOrgSup */
	GHashTable *seen;	/* interned key -> 1 */
	const char *self;	/* the person's interned key, or NULL */
} Sups;

/*
 * sup_add - one superior, unless it is the person themself (whatever
 * the source: a fallback may name them) or already there: the first
 * reason found is kept.  Whether it counted for the post is returned.
 */
static gboolean
sup_add(Sups *s, const char *key, const char *reason)
{
	MpOrgSup sup;

	if (s->self != NULL && strcmp(key, s->self) == 0)
		return FALSE;
	if (g_hash_table_contains(s->seen, key))
		return TRUE;
	g_hash_table_add(s->seen, (gpointer)(gsize)key);
	sup.key = key;
	sup.reason = reason;
	g_array_append_val(s->sups, sup);
	return TRUE;
}

/* cands_add - candidates other than self; how many there were */
static guint
cands_add(Build *b, Sups *s, const GArray *cands, int self)
{
	guint i, n = 0;

	for (i = 0; i < cands->len; i++) {
		const Cand *c = &g_array_index(cands, Cand, i);

		if (c->person != self && sup_add(s, ((Person *)
		    b->people->pdata[c->person])->key, c->reason))
			n++;
	}
	return n;
}

/*
 * fallback_sups - [fallback] for a post whose superiors are none: the
 * unit fallback of the nearest unit from the post's own up that has
 * one (one that names the unit's level before one that does not), and
 * the title fallback
 */
static void
fallback_sups(Build *b, const Post *p, Sups *s)
{
	const MpOrgConf *oc = b->oc;
	char **addrs;
	int best = -1, u;
	guint i;

	for (u = p->unit; u >= 0 && best < 0;
	    u = ((Unit *)b->units->pdata[u])->parent) {
		const Unit *U = b->units->pdata[u];

		for (i = 0; i < oc->fb_units->len; i++) {
			int lv = g_array_index(oc->fb_unit_levels, int, i);

			if (strcmp(U->path, oc->fb_units->pdata[i]) == 0 &&
			    (lv == U->level || (lv < 0 && best < 0)))
				best = (int)i;
		}
	}
	if (best >= 0) {
		const char *why = intern_take(b, g_strdup_printf("fallback for "
		    "unit %s", (char *)oc->fb_unit_names->pdata[best]));

		for (addrs = oc->fb_unit_addrs->pdata[best]; *addrs != NULL;
		    addrs++)
			sup_add(s, intern_take(b, mp_addr_key(*addrs)), why);
	}
	if (p->title != NULL &&
	    (addrs = g_hash_table_lookup(oc->fb_titles, p->title)) != NULL) {
		const char *why = intern_take(b, g_strdup_printf("fallback for "
		    "title %s", p->title));

		for (; *addrs != NULL; addrs++)
			sup_add(s, intern_take(b, mp_addr_key(*addrs)), why);
	}
}

static gint
int_cmp(gconstpointer a, gconstpointer b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * peer_sups - for a head of a unit at a level the pattern names in
 * peers, the heads of the other units at that level in the division,
 * in the order of their rows in the export; how many there were
 */
static guint
peer_sups(Build *b, const Post *p, Sups *s)
{
	const MpOrgConf *oc = b->oc;
	const MpOrgPattern *pat = oc->patterns->pdata[p->pattern];
	GArray *list, *heads;
	char *lk;
	guint i, j, n = 0;

	if (p->headed < 0 || !in_list(pat->peers, oc->levels[p->head_level]))
		return 0;
	lk = g_strdup_printf("%d\t%s", p->head_level, p->codes[0]);
	list = g_hash_table_lookup(b->level_units, lk);
	g_free(lk);
	heads = g_array_new(FALSE, FALSE, sizeof(int));
	for (i = 0; list != NULL && i < list->len; i++) {
		const Unit *U = b->units->pdata[g_array_index(list, int, i)];

		if (g_array_index(list, int, i) != p->headed)
			for (j = 0; j < U->heads->len; j++)
				g_array_append_val(heads, g_array_index(U->heads,
				    int, j));
	}
	g_array_sort(heads, int_cmp);
	for (i = 0; i < heads->len; i++) {
		const Post *h = &g_array_index(b->posts, Post,
		    g_array_index(heads, int, i));
		const Unit *U = b->units->pdata[h->headed];

		if (h->person != p->person && sup_add(s, ((Person *)
		    b->people->pdata[h->person])->key, intern_take(b,
		    g_strdup_printf("peer: head of %s %s", oc->levels[U->level],
		    U->path))))
			n++;
	}
	g_array_free(heads, TRUE);
	return n;
}

/*
 * post_sups - the superiors of one post (or of a plain member of a unit
 * when p->person is -1): heads up the chain, the division's special
 * titles, peer heads where the pattern says so, and [fallback] when all
 * that gives this post nobody but the person themself (whether or not
 * another post of theirs already gave the same people).
 */
static void
post_sups(Build *b, const Post *p, Sups *s, GArray *scratch)
{
	GArray *list;
	guint n;

	g_array_set_size(scratch, 0);
	n = cands_add(b, s, chain_for(b, p->headed >= 0 ?
	    ((Unit *)b->units->pdata[p->headed])->parent : p->unit, p->person,
	    scratch), p->person);
	if ((list = g_hash_table_lookup(b->specials, p->codes[0])) != NULL)
		n += cands_add(b, s, list, p->person);
	n += peer_sups(b, p, s);
	if (n == 0)
		fallback_sups(b, p, s);
}

static gboolean
post_exempt(Build *b, const Post *p)
{
	return title_facts(b, p->pattern, p->title)->exempt;
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

/* mp_str_ptr_cmp - strcmp of two char * that a and b point at (sorts) */
gint
mp_str_ptr_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted_strv - a NULL-terminated, sorted list of a set, in the arena */
static const char **
sorted_strv(MpArena *a, GHashTable *set)
{
	guint n = g_hash_table_size(set), i = 0;
	const char **v = mp_arena_alloc(a, sizeof(char *) * (n + 1));
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, set);
	while (g_hash_table_iter_next(&it, &k, NULL))
		v[i++] = k;
	qsort(v, n, sizeof(char *), mp_str_ptr_cmp);
	return v;
}

static const char *
role_of(Build *b, const Post *p)
{
	if (p->headed >= 0)
		return intern_take(b, g_strdup_printf("head of %s",
		    b->oc->levels[p->head_level]));
	if (title_facts(b, p->pattern, p->title)->special)
		return intern_take(b, *p->codes[0] != '\0' ?
		    g_strdup_printf("special: a superior for every post in "
		    "%s %s", b->oc->levels[0], p->codes[0]) :
		    g_strdup_printf("special: a superior for every post "
		    "without a %s", b->oc->levels[0]));
	if (post_exempt(b, p))
		return "exempt";
	return "member";
}

/* make_person - the snapshot's view of one person */
static MpOrgPerson *
make_person(Build *b, const Person *src, GArray *scratch)
{
	MpOrgPerson *mp = mp_arena_alloc(b->out, sizeof *mp);
	GHashTable *divs = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *sdivs = g_hash_table_new(g_str_hash, g_str_equal);
	Sups s;
	guint i;

	s.sups = g_array_new(FALSE, FALSE, sizeof(MpOrgSup));
	s.seen = g_hash_table_new(g_direct_hash, g_direct_equal);
	s.self = src->key;
	mp->key = src->key;
	mp->email = src->email;
	mp->id = src->id;
	mp->name = src->name;
	mp->nposts = src->posts->len;
	mp->posts = mp_arena_alloc(b->out, sizeof(MpOrgPost) * mp->nposts);
	for (i = 0; i < src->posts->len; i++) {
		int n = g_array_index(src->posts, int, i);
		const Post *p = &g_array_index(b->posts, Post, n);
		MpOrgPost *op = &mp->posts[i];
		gboolean counts = b->oc->any_post || n == src->primary;

		op->unit = ((Unit *)b->units->pdata[p->unit])->path;
		op->title = p->title;
		op->primary = p->primary;
		op->pattern = ((MpOrgPattern *)
		    b->oc->patterns->pdata[p->pattern])->name;
		op->role = role_of(b, p);
		/* no division code: the one division of all such posts */
		g_hash_table_add(divs, (gpointer)(gsize)p->codes[0]);
		if (counts)
			g_hash_table_add(sdivs, (gpointer)(gsize)p->codes[0]);
		if (counts && post_exempt(b, p))
			mp->exempt = TRUE;
	}
	/* superiors: those of the primary post first, then of the others */
	post_sups(b, &g_array_index(b->posts, Post, src->primary), &s, scratch);
	for (i = 0; b->oc->any_post && i < src->posts->len; i++) {
		int n = g_array_index(src->posts, int, i);

		if (n != src->primary)
			post_sups(b, &g_array_index(b->posts, Post, n), &s,
			    scratch);
	}
	mp->divisions = sorted_strv(b->out, divs);
	mp->sdivisions = sorted_strv(b->out, sdivs);
	mp->nsups = s.sups->len;
	mp->sups = mp_arena_alloc(b->out, sizeof(MpOrgSup) * (s.sups->len + 1));
	if (s.sups->len > 0)
		memcpy(mp->sups, s.sups->data, sizeof(MpOrgSup) * s.sups->len);
	g_array_free(s.sups, TRUE);
	g_hash_table_destroy(s.seen);
	g_hash_table_destroy(divs);
	g_hash_table_destroy(sdivs);
	return mp;
}

/* make_group - whom a plain member of unit u must Cc, and who is in it */
static MpOrgGroup *
make_group(Build *b, int u, GArray *scratch)
{
	const Unit *U = b->units->pdata[u];
	MpOrgGroup *g = mp_arena_alloc(b->out, sizeof *g);
	GHashTable *members = g_hash_table_new(g_str_hash, g_str_equal);
	Post virt = { 0 };
	Sups s;
	char **codes;
	guint i;

	s.sups = g_array_new(FALSE, FALSE, sizeof(MpOrgSup));
	s.seen = g_hash_table_new(g_direct_hash, g_direct_equal);
	s.self = NULL;
	codes = g_strsplit(U->key, "/", -1);
	virt.person = -1;
	virt.codes = (const char **)(gpointer)codes;
	virt.unit = u;
	virt.headed = virt.head_level = -1;
	virt.level = U->level;
	virt.pattern = pattern_for(b, U->path, U->level);
	if (virt.pattern < 0)
		virt.pattern = 0;	/* only enclosing units lack posts */
	post_sups(b, &virt, &s, scratch);
	for (i = 0; i < U->members->len; i++) {
		const Post *p = &g_array_index(b->posts, Post,
		    g_array_index(U->members, int, i));

		g_hash_table_add(members, (gpointer)(gsize)
		    ((Person *)b->people->pdata[p->person])->key);
	}
	g->unit = U->path;
	g->level = b->oc->levels[U->level];
	g->superiors = sorted_strv(b->out, s.seen);
	g->members = sorted_strv(b->out, members);
	g_array_free(s.sups, TRUE);
	g_hash_table_destroy(s.seen);
	g_hash_table_destroy(members);
	g_strfreev(codes);
	return g;
}

static void
build_free(Build *b)
{
	guint i;

	for (i = 0; i < b->people->len; i++)
		g_array_free(((Person *)b->people->pdata[i])->posts, TRUE);
	g_ptr_array_free(b->people, TRUE);
	g_array_free(b->posts, TRUE);
	for (i = 0; i < b->units->len; i++) {
		Unit *u = b->units->pdata[i];

		g_array_free(u->heads, TRUE);
		g_array_free(u->members, TRUE);
		if (u->chain != NULL)
			g_array_free(u->chain, TRUE);
	}
	g_ptr_array_free(b->units, TRUE);
	g_hash_table_destroy(b->unit_by_key);
	g_hash_table_destroy(b->person_by_id);
	g_hash_table_destroy(b->person_by_key);
	g_hash_table_destroy(b->specials);
	g_hash_table_destroy(b->level_units);
	g_hash_table_destroy(b->pattern_of);
	g_hash_table_destroy(b->interned);
	for (i = 0; i < b->oc->patterns->len; i++)
		g_hash_table_destroy(b->facts[i]);
	g_free(b->facts);
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
	GArray *scratch;
	MpOrg *org;
	guint i;

	*out = NULL;
	b.oc = oc;
	b.csvname = csvname;
	b.problems = problems;
	b.warnings = warnings;
	b.out = mp_arena_new();
	b.interned = g_hash_table_new(g_str_hash, g_str_equal);
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
	b.facts = g_new0(GHashTable *, oc->patterns->len);
	for (i = 0; i < oc->patterns->len; i++)
		b.facts[i] = g_hash_table_new(g_direct_hash, g_direct_equal);

	if (columns(&b, csv->rows->pdata[0], cols, idx))
		for (i = 1; i < csv->rows->len; i++)
			read_row(&b, csv->rows->pdata[i], idx);
	for (i = 0; i < b.people->len; i++) {
		const Person *p = b.people->pdata[i];

		if (p->primary < 0)
			problem(&b, p->line, "employee %s has no primary post "
			    "(concurrent = 0)", p->id);
	}
	check_unit_paths(&b);
	if (problems->len == 0 && b.people->len == 0)
		problem(&b, 1, "no people in the export");
	if (problems->len > 0) {
		build_free(&b);
		mp_arena_free(b.out);
		return mp_fail(err, EX_DATAERR, "%s: %u problem%s in the export",
		    csvname, problems->len, problems->len == 1 ? "" : "s");
	}

	place_posts(&b);
	org = g_new0(MpOrg, 1);
	org->arena = b.out;
	org->people = g_ptr_array_sized_new(b.people->len);
	org->groups = g_ptr_array_sized_new(b.units->len);
	scratch = g_array_new(FALSE, FALSE, sizeof(Cand));
	for (i = 0; i < b.people->len; i++)
		g_ptr_array_add(org->people, make_person(&b, b.people->pdata[i],
		    scratch));
	for (i = 0; i < b.units->len; i++)
		g_ptr_array_add(org->groups, make_group(&b, (int)i, scratch));
	g_array_free(scratch, TRUE);
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

/* mp_org_person_free - release a person read on its own (own != NULL) */
void
mp_org_person_free(MpOrgPerson *p)
{
	if (p != NULL && p->own != NULL)
		mp_arena_free(p->own);
}

void
mp_org_free(MpOrg *org)
{
	if (org == NULL)
		return;
	g_ptr_array_free(org->people, TRUE);
	g_ptr_array_free(org->groups, TRUE);
	mp_arena_free(org->arena);
	g_free(org);
}
