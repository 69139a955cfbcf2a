/* ccguard.h - external mail must have one of the sender's superiors in Cc */
#ifndef MP_CCGUARD_H
#define MP_CCGUARD_H

#include "mail/addr.h"
#include "base/config.h"
#include "org/orgsnap.h"
#include "base/statedir.h"

/* [ccguard] snapshot: the link mp-orgsync points at the one in force */
#define MP_CCGUARD_SNAPSHOT_DEFAULT \
	MP_ORG_DIR_DEFAULT "/" MP_ORGSNAP_CURRENT

/* A superior the sender has (or could add), with why they count. */
typedef struct {
	char *address;		/* as the export writes it (with details;
				 * else as compared) */
	char *name;
	char *reason;
} MpSuperior;

typedef struct {
	gboolean refuse;
	const char *reason;	/* one word: see mp-ccguard(1) */
	char *sender;		/* the address checked, or NULL */
	char *message_id;
	guint external;		/* distinct external addresses in To/Cc */
	GPtrArray *superiors;	/* MpSuperior: everyone who would do */
	GPtrArray *present;	/* MpSuperior: those in To/Cc already */
} MpCcguardResult;

typedef struct {
	const char *sender;	/* override of From (e.g. the SMTP-AUTH user) */
	char **exempt_senders;	/* [ccguard] exempt-senders: globs over
				 * the sender's address, lower-cased */
	gboolean details;	/* superiors' names and reasons (lookups) */
} MpCcguardOpts;

/* mp_ccguard_opts_init - no sender given, no details, and the
 * exempt-senders of [ccguard] */
void mp_ccguard_opts_init(MpCcguardOpts *o, const MpConfig *cfg);
void mp_ccguard_opts_clear(MpCcguardOpts *o);

/* mp_ccguard - the verdict on one message */
void mp_ccguard(const MpConfig *cfg, MpAddrParser *ap, MpOrgSnap *snap,
    const MpMessage *msg, const MpCcguardOpts *o, MpCcguardResult *res);
void mp_ccguard_result_clear(MpCcguardResult *res);

/* mp_ccguard_superiors - the superiors of the person at address (of
 * MpSuperior, with names and reasons), the ones mp-ccguard would accept
 * in Cc; NULL when the snapshot does not know the person */
GPtrArray *mp_ccguard_superiors(MpOrgSnap *snap, const char *address);

#endif
