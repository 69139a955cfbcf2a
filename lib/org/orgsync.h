/*
 * orgsync.h - what mp-orgsync asks of lib/org: one export compiled and
 * published, and one person of the snapshot in force explained
 */
#ifndef MP_ORGSYNC_H
#define MP_ORGSYNC_H

#include "base/config.h"
#include "org/org.h"
#include "org/orgsnap.h"

/* [orgsync] org-conf and encoding unless set (dir: base/statedir.h;
 * keep and max-drop: orgsnap.h) */
#define MP_ORG_CONF_DEFAULT MP_SYSCONFDIR "/mp/org.conf"
#define MP_ORG_ENCODING_DEFAULT "auto"

/* What a run over one export is given. */
typedef struct {
	const char *org_conf;	/* org.conf */
	const char *encoding;	/* the export's: "auto" or an iconv name */
	const char *dir;	/* the snapshot directory */
	gboolean force;		/* publish whatever the drop in people */
	gboolean dry_run;	/* check and diff, publish nothing */
	const MpConfig *cfg;	/* [orgsync] column.NAME, keep, max-drop */
} MpOrgSyncOpts;

/* What it made of it. */
typedef struct {
	MpOrg *org;		/* compiled, or NULL */
	MpChanges changes;	/* against the generation in force */
	MpPublishResult res;
	GPtrArray *problems;	/* "FILE:LINE: what" that stop the publish */
	GPtrArray *warnings;	/* the same that do not */
} MpOrgSync;

/*
 * mp_orgsync - read org.conf and the export, compile, diff and publish
 * (mp_orgsnap_publish).  s is filled in whatever the status: problems
 * come with EX_DATAERR, warnings with any status.
 */
int mp_orgsync(const char *csvpath, const MpOrgSyncOpts *o, MpOrgSync *s,
    GError **err);
void mp_orgsync_clear(MpOrgSync *s);

/* One person of a snapshot, for --explain. */
typedef struct {
	MpOrgSnap *snap;	/* the snapshot in force, checked whole */
	MpOrgPerson *person;	/* NULL: not in it */
	MpOrgPerson **sups;	/* per superior of person: who it is, or
				 * NULL if not in the snapshot */
} MpOrgExplain;

/* mp_org_explain - look address up in the snapshot in force of dir;
 * missing or corrupt is 75 */
int mp_org_explain(const char *dir, const char *address, MpOrgExplain *x,
    GError **err);
void mp_org_explain_clear(MpOrgExplain *x);

#endif
