/* detach.h - attachments into the store, a download link in their place */
#ifndef MP_DETACH_H
#define MP_DETACH_H

#include "mail/addr.h"
#include "notice/noticeopt.h"
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

/* getopt_long values of [detach]'s rows (mp-detach's flags); a
 * command numbers rows of its own from MP_DETACH_OPT_FREE */
enum {
	MP_DETACH_OPT_MIN_SIZE = MP_OPT_FIRST_OWN,
	MP_DETACH_OPT_EXPIRES,
	MP_DETACH_OPT_MAX_DOWNLOADS,
	MP_DETACH_OPT_STORE,
	MP_DETACH_OPT_BASE_URL,
	MP_DETACH_OPT_FREE,
};

/*
 * [detach]'s settings: the keys (and mp-detach's flags over them), the
 * notice's keys, and what they resolve to.  mp-detach hands own and
 * notice.opts to its command line; mp-gate reads them from mp.conf
 * alone.  Both resolve them here, so a key means the same to each.
 */
typedef struct {
	MpOpts own;		/* [detach] */
	MpNoticeOpts notice;	/* the notice's keys over [detach] */
	MpDetachOpts d;		/* resolved: points into own and notice */
} MpDetachConf;

/* mp_detach_conf_init - the tables over [detach], nothing given */
void mp_detach_conf_init(MpDetachConf *c);

/* mp_detach_conf_store - after the tables are read (mp_opts_read): the
 * store alone into c->d.store, all that the store's administration
 * needs */
void mp_detach_conf_store(MpDetachConf *c);

/*
 * mp_detach_conf_load - after the tables are read: the values resolved
 * into c->d, the templates and the password file read; a value only
 * this can check is 64 naming the flag, or 78 naming the key.  batch:
 * a dry run, which needs neither base-url nor a notice destination.
 */
int mp_detach_conf_load(MpDetachConf *c, const MpConfig *cfg,
    MpAddrParser *ap, gboolean batch, GError **err);

/* mp_detach_conf_read - for a program without these flags (mp-gate):
 * c, as mp_detach_conf_init left it, read from cfg alone and loaded
 * (not a batch: base-url and a notice destination are needed) */
int mp_detach_conf_read(MpDetachConf *c, const MpConfig *cfg,
    MpAddrParser *ap, GError **err);

/* mp_detach_conf_clear - release the tables, templates and password */
void mp_detach_conf_clear(MpDetachConf *c);

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
