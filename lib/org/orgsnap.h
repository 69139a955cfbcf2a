/*
 * orgsnap.h - the org snapshot: a cdb file published atomically.
 * Reading it is orgsnap.c (the hot path of mp-ccguard), its directory
 * orgdir.c, the change set orgdiff.c, publishing orgpub.c.
 */
#ifndef MP_ORGSNAP_H
#define MP_ORGSNAP_H

#include <cdb.h>

#include "org/org.h"

#define MP_ORGSNAP_MAGIC "mp-org-snapshot 1"
/*
 * The checksums: after the cdb, one CRC-32 for each MP_ORGSNAP_BLOCK
 * bytes of it, then a fixed trailer (MP_ORGSNAP_SUM_MAGIC, the cdb's
 * length, the block size, the number of blocks, the CRC-32 of the table
 * and of the trailer itself).  Opening checks the length, the table and
 * the cdb's header block (microseconds, whatever the size); each lookup
 * checks the blocks it reads before it trusts them, once per process.
 */
#define MP_ORGSNAP_BLOCK 4096
#define MP_ORGSNAP_SUM_MAGIC "mpsum\0\0\1"
#define MP_ORGSNAP_TRAILER 32
#define MP_ORGSNAP_KEEP_DEFAULT 7		/* generations kept */
#define MP_ORGSNAP_KEEP_MIN 1		/* at the least: the one in force */
#define MP_ORGSNAP_MAX_DROP_DEFAULT 10	/* percent of people */

/* The link in the snapshot directory to the generation in force. */
#define MP_ORGSNAP_CURRENT "current"

/* An open snapshot: the cdb is mapped, lookups read it in place. */
typedef struct {
	char *path;		/* as opened (usually DIR/current) */
	char *generation;	/* what it is called in its directory */
	int fd;
	struct cdb cdb;
	guint people;
	gboolean unknown_pass, any_post, chain;
	char *meta;		/* the meta record's text */
	gsize cdb_len;		/* bytes of the cdb before the checksums */
	const guchar *sums;	/* one CRC-32 (little-endian) a block */
	guint nblocks;
	guint8 *checked;	/* per block: 0 not yet, 1 good */
	gboolean corrupt;	/* a lookup found a block that fails its sum */
} MpOrgSnap;

/* Reading (orgsnap.c). */

/* mp_orgsnap_open - map a snapshot; missing or corrupt is 75 (fail closed) */
int mp_orgsnap_open(const char *path, MpOrgSnap **out, GError **err);
void mp_orgsnap_close(MpOrgSnap *snap);

/* mp_orgsnap_failed - whether a lookup met a corrupt block (75, fail
 * closed: such a lookup answered NULL, which must not count as "not
 * there") */
int mp_orgsnap_failed(const MpOrgSnap *snap, GError **err);

/* mp_orgsnap_verify_all - check every block's sum (mp-orgsync, before it
 * trusts a whole snapshot) */
int mp_orgsnap_verify_all(MpOrgSnap *snap, GError **err);

/* mp_orgsnap_person - look up one address key; NULL if not there */
MpOrgPerson *mp_orgsnap_person(MpOrgSnap *snap, const char *key);

/* mp_orgsnap_person_brief - the same without the superiors' reasons
 * (each is a lookup of its own); they read as "" */
MpOrgPerson *mp_orgsnap_person_brief(MpOrgSnap *snap, const char *key);

/* mp_orgsnap_load_all - every person and group, in arena a, for the diff */
void mp_orgsnap_load_all(MpOrgSnap *snap, MpArena *a, GPtrArray *people,
    GPtrArray *groups);

/* Publishing (orgpub.c), with the change set of orgdiff.c. */

/* The change set: JSON objects, one a line, and how many. */
typedef struct {
	GString *text;
	guint count;
} MpChanges;

typedef struct {
	const char *dir;
	const char *source;	/* the HR export's name, for the meta record */
	guint keep;
	guint max_drop;		/* percent */
	gboolean force;
	gboolean dry_run;
} MpPublishOpts;

typedef struct {
	char *generation;	/* published (or that would have been) */
	char *previous;		/* the generation it replaced, or NULL */
	char *changes;		/* DIR/org-GEN.changes: the change set kept */
	guint prev_people;
	gsize size;		/* bytes of the snapshot file */
	char *warning;		/* in force, but its directory could not be
				 * synced: say so, do not fail */
} MpPublishResult;

/*
 * mp_orgsnap_publish - write org as the new current generation: under a
 * lock, check the drop in people against the current one, put the
 * change set (JSON objects) into changes, write a temporary file, fsync,
 * verify, rename, keep the change set beside it, then swing the
 * `current` symlink; prune old ones.
 */
int mp_orgsnap_publish(const MpOrg *org, const MpPublishOpts *o,
    MpChanges *changes, MpPublishResult *res, GError **err);
void mp_publish_result_clear(MpPublishResult *res);

/* mp_orgsnap_rollback - make gen (NULL: the one before current) current */
int mp_orgsnap_rollback(const char *dir, const char *gen, char **now,
    char **warning, GError **err);

/* The snapshot directory (orgdir.c). */

/* mp_orgsnap_generations - the generation files in dir, oldest first */
GPtrArray *mp_orgsnap_generations(const char *dir);

/* mp_orgsnap_current - the generation `current` points at, or NULL */
char *mp_orgsnap_current(const char *dir);

/* mp_orgsnap_current_path - DIR/current, the snapshot in force */
char *mp_orgsnap_current_path(const char *dir);

#endif
