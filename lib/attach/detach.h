/* detach.h - attachments into the store, a download link in their place */
#ifndef MP_DETACH_H
#define MP_DETACH_H

#include "mail/addr.h"
#include "notice/pwnotice.h"
#include "store/store.h"

/*
 * Defaults of the [detach] keys, documented in mp.conf(5) and
 * mp-detach(1), written as a table row's default is (text); store's is
 * MP_STORE_DIR_DEFAULT (base/statedir.h), the notice's are in
 * noticeopt.h.  The bounds of the keys are the schema's (schema.h: MP_EXPIRES_MIN, ...).
 */
#define MP_DETACH_MIN_SIZE_DEFAULT 0	/* every attachment */
#define MP_DETACH_EXPIRES_DEFAULT 604800	/* 7d */
#define MP_DETACH_MAX_DOWNLOADS_DEFAULT 0	/* no limit */

/*
 * The longest base-url, in characters: the link (it and a 24-character
 * id) must fit on one line of the note, with room for the label it
 * follows when short, and a line of a message holds at most 998
 * (RFC 5322 2.1.1).  Documented in mp-detach(1).
 */
#define MP_DETACH_BASE_URL_MAX 900

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

/* mp_detach_base_url_ok - an http(s) URL of at most
 * MP_DETACH_BASE_URL_MAX characters, nothing in it to quote in a mail */
gboolean mp_detach_base_url_ok(const char *s);

/* mp_detach_url - base-url and id joined */
char *mp_detach_url(const char *base_url, const char *id);

/* mp_detach - store the attachments, build the rewritten message and
 * its notice */
int mp_detach(const MpMessage *msg, const MpLimits *limits,
    MpAddrParser *ap, const MpDetachOpts *opts, MpDetachResult *res,
    GError **err);

/* mp_detach_result_clear - release a result, wiping the notice */
void mp_detach_result_clear(MpDetachResult *res);

/* mp_detach_undo - take entry id out of the store again: its message
 * did not go out */
void mp_detach_undo(const MpDetachOpts *opts, const char *id);

#endif
