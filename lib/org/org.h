/* org.h - the org chart: org.conf rules, HR export, superiors */
#ifndef MP_ORG_H
#define MP_ORG_H

#include "base/arena.h"
#include "base/config.h"
#include "base/csvread.h"

/* [org] levels: how many org-code columns, and which by default */
#define MP_ORG_MIN_LEVELS 1
#define MP_ORG_MAX_LEVELS 8
#define MP_ORG_LEVELS_DEFAULT "division;department;section;unit"

/* One [pattern NAME] of org.conf, in file order. */
typedef struct {
	char *name;
	char **units;		/* globs over a post's unit path */
	int *unit_levels;	/* the level each glob names, or -1 */
	char **heads[MP_ORG_MAX_LEVELS];	/* title codes heading a level */
	char **special;
	char **peers;		/* level names */
	char **exempt;
	char **members;
	guint line;
} MpOrgPattern;

typedef struct {
	char *path;
	char **levels;		/* org-code columns, most senior first */
	guint nlevels;
	char **exempt;		/* [org] exempt-titles */
	gboolean unknown_pass;	/* unknown-sender = pass */
	gboolean any_post;	/* sender-posts = any */
	gboolean chain;
	GPtrArray *patterns;	/* of MpOrgPattern * */
	GPtrArray *fb_units;	/* of char *: "path", pairs with fb_unit_addrs */
	GPtrArray *fb_unit_addrs;	/* of char ** */
	GPtrArray *fb_unit_names;	/* of char *: PATH as written */
	GArray *fb_unit_levels;	/* of int: the level PATH names, or -1 */
	GHashTable *fb_titles;	/* title -> char ** */
} MpOrgConf;

/* mp_orgconf_load - read and check org.conf (78 with file:line) */
int mp_orgconf_load(const char *path, MpOrgConf **out, GError **err);
void mp_orgconf_free(MpOrgConf *oc);

/* CSV column names: employee_id, email, name, title, concurrent, levels */
typedef struct {
	const char *employee_id, *email, *name, *title, *concurrent;
	const char *level[MP_ORG_MAX_LEVELS];
	GPtrArray *own;		/* the names, when mp_org_columns read them */
} MpOrgColumns;

/* mp_org_columns - the names of the columns: [orgsync] column.NAME, else
 * NAME; a column.NAME of no column read is 78 (orgcols.c) */
int mp_org_columns(const MpConfig *cfg, const MpOrgConf *oc,
    MpOrgColumns *cols, GError **err);
void mp_org_columns_clear(MpOrgColumns *cols);

/* One superior of a person, and why it counts. */
typedef struct {
	const char *key;	/* address as compared (mp_addr_key) */
	const char *reason;
} MpOrgSup;

/* A post as the snapshot keeps it, for --explain and the diff. */
typedef struct {
	const char *unit;	/* display path, "10/20/30" */
	const char *title;
	gboolean primary;
	const char *pattern;
	const char *role;	/* "head of section", "member", ... */
} MpOrgPost;

/*
 * A person: what mp-ccguard looks up by address.  Everything lives in an
 * arena: the compiled org's, or, for one person read from a snapshot,
 * `own`, which mp_org_person_free releases.
 */
typedef struct {
	const char *key;	/* address as compared */
	const char *email;	/* as written in the export */
	const char *id;
	const char *name;
	gboolean exempt;
	const char **divisions;	/* of every post, NULL-terminated */
	const char **sdivisions;	/* of the posts whose superiors count
				 * (sender-posts): "the sender's division" */
	MpOrgPost *posts;
	guint nposts;
	MpOrgSup *sups;
	guint nsups;
	MpArena *own;
} MpOrgPerson;

/* A derived group per unit: whom its members must Cc, who they are. */
typedef struct {
	const char *unit;	/* display path */
	const char *level;
	const char **superiors;	/* address keys, sorted, NULL-terminated */
	const char **members;
} MpOrgGroup;

typedef struct {
	MpArena *arena;		/* holds every person, group and string */
	GPtrArray *people;	/* of MpOrgPerson *, sorted by key */
	GPtrArray *groups;	/* of MpOrgGroup *, sorted by unit */
	guint nposts, nunits;
	gboolean unknown_pass, any_post, chain;
} MpOrg;

/*
 * mp_org_compile - people, posts and superiors from the export.
 * Every data problem is appended to problems as "FILE:LINE: what" and
 * the result is EX_DATAERR; nothing half-checked is returned.  Oddities
 * that do not stop the publish go to warnings in the same form.
 */
int mp_org_compile(const MpOrgConf *oc, const MpCsv *csv, const char *csvname,
    const MpOrgColumns *cols, MpOrg **out, GPtrArray *problems,
    GPtrArray *warnings, GError **err);
void mp_org_free(MpOrg *org);

/* mp_org_person_free - release a person read on its own (own != NULL) */
void mp_org_person_free(MpOrgPerson *p);

/* mp_str_ptr_cmp - strcmp of two char * that a and b point at (sorts) */
gint mp_str_ptr_cmp(gconstpointer a, gconstpointer b);

#endif
