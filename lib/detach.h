/* detach.h - attachments into the store, a download link in their place */
#ifndef MP_DETACH_H
#define MP_DETACH_H

#include "addr.h"
#include "notice.h"
#include "store.h"
#include "zipenc.h"	/* MpLang, MpNotify: the notice works as there */

/* Defaults and bounds of the [detach] keys, documented in mp.conf(5). */
#define MP_DETACH_EXPIRES_DEFAULT ((guint64)7 * 24 * 60 * 60)
#define MP_DETACH_EXPIRES_MIN ((guint64)60)
#define MP_DETACH_EXPIRES_MAX ((guint64)366 * 24 * 60 * 60)
#define MP_DETACH_MAX_DOWNLOADS_DEFAULT 0	/* no limit */
#define MP_DETACH_DELAY_DEFAULT 600		/* seconds */

typedef struct MpDetachTemplates MpDetachTemplates;

typedef struct {
	const char *store;
	const char *base_url;	/* the id is appended */
	guint64 expires;	/* seconds from now */
	guint max_downloads;	/* 0: no limit */
	guint64 min_size;	/* smaller attachments stay in the message */
	guint password_length;
	const char *password;	/* fixed (--password-file); NULL: random */
	MpLang lang;
	MpNotify notify;
	guint64 delay;		/* X-MP-Deliver-After for recipients */
	const char *sender;	/* notice sender; NULL: From */
	gboolean dry_run;	/* decide and count, store nothing */
	const MpDetachTemplates *templates;
} MpDetachOpts;

typedef enum {
	MP_DETACH_UNCHANGED,	/* no attachment (of min-size) */
	MP_DETACH_DETACHED,
} MpDetachAction;

typedef struct {
	MpDetachAction action;
	guint attachments;	/* attachments found */
	guint detached;		/* of which stored */
	guint64 bytes;		/* their decoded size */
	char *id;		/* the store entry made, or NULL */
	char *url;
	gint64 expires;
	gboolean dkim_signed;	/* a DKIM-Signature the rewrite breaks */
	GString *out;		/* the rewritten message; NULL: unchanged */
	GString *notice;	/* the password notice, with out */
} MpDetachResult;

/* mp_detach_templates_load - the notice and note texts for lang */
int mp_detach_templates_load(const char *dir, MpLang lang,
    MpDetachTemplates **out, GError **err);
void mp_detach_templates_free(MpDetachTemplates *t);

/* mp_detach_url - base-url and id joined */
char *mp_detach_url(const char *base_url, const char *id);

/* mp_detach - store the attachments, build the rewritten message and
 * its notice */
int mp_detach(const MpMessage *msg, const MpLimits *limits,
    MpAddrParser *ap, const MpDetachOpts *opts, MpDetachResult *res,
    GError **err);
void mp_detach_result_clear(MpDetachResult *res);

#endif
