/* detach.h - attachments into the store, a download link in their place */
#ifndef MP_DETACH_H
#define MP_DETACH_H

#include "mail/addr.h"
#include "notice/pwnotice.h"
#include "store/store.h"

/* Defaults and bounds of the [detach] keys, documented in mp.conf(5);
 * delay's default is MP_NOTICE_DELAY_DEFAULT. */
#define MP_DETACH_EXPIRES_DEFAULT ((guint64)7 * 24 * 60 * 60)
#define MP_DETACH_EXPIRES_MIN ((guint64)60)
#define MP_DETACH_EXPIRES_MAX ((guint64)366 * 24 * 60 * 60)
#define MP_DETACH_MAX_DOWNLOADS_DEFAULT 0	/* no limit */

/* the notices' and the note's texts (pwnotice.h) */
extern const MpNoticeTexts mp_detach_texts;

typedef struct {
	const char *store;
	const char *base_url;	/* the id is appended */
	guint64 expires;	/* seconds from now */
	guint max_downloads;	/* 0: no limit */
	guint64 min_size;	/* smaller attachments stay in the message */
	gboolean dry_run;	/* decide and count, store nothing */
	MpNoticePolicy notice;
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

/* mp_detach_url - base-url and id joined */
char *mp_detach_url(const char *base_url, const char *id);

/* mp_detach - store the attachments, build the rewritten message and
 * its notice */
int mp_detach(const MpMessage *msg, const MpLimits *limits,
    MpAddrParser *ap, const MpDetachOpts *opts, MpDetachResult *res,
    GError **err);

/* mp_detach_result_clear - release a result, wiping the notice */
void mp_detach_result_clear(MpDetachResult *res);

#endif
