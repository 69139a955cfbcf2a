/* zipenc.h - attachments into one encrypted ZIP, password told apart */
#ifndef MP_ZIPENC_H
#define MP_ZIPENC_H

#include "mail/addr.h"
#include "notice/noticeopt.h"
#include "notice/pwnotice.h"
#include "attach/zip.h"

/*
 * Defaults of the [zipenc] keys, documented in mp.conf(5): as text, the
 * way mp.conf writes them (a table row's default); compression-level's
 * is MP_ZIP_LEVEL_DEFAULT (zip.h), the notice's are in noticeopt.h.
 * Their bounds are the schema's (schema.h).
 */
#define MP_ZIPENC_CIPHER_DEFAULT "aes256"
#define MP_ZIPENC_NAMES_DEFAULT "utf-8"
#define MP_ZIPENC_ZIP_NAME_DEFAULT "attachments-%Y%m%d.zip"
#define MP_ZIPENC_MAX_BYTES_DEFAULT 104857600	/* 100M */
#define MP_ZIPENC_MAX_ENTRIES_DEFAULT 100
#define MP_ZIPENC_ON_LIMIT_DEFAULT "reject"

/* the notices' and the note's texts (pwnotice.h) */
extern const MpNoticeTexts mp_zipenc_texts;

typedef struct {
	MpZipOpts zip;
	const char *zip_name;	/* strftime-style, on the message's Date */
	guint64 max_bytes;	/* decoded bytes of the files zipped */
	guint max_entries;	/* files zipped */
	gboolean on_limit_pass;	/* over a limit: pass unchanged, no 65 */
	gboolean dry_run;	/* decide and count, build nothing */
	MpNoticePolicy notice;
} MpZipencOpts;

typedef enum {
	MP_ZIPENC_UNCHANGED,	/* no attachment to encrypt */
	MP_ZIPENC_ZIPPED,
	MP_ZIPENC_OVER_LIMIT,	/* passed unchanged (on-limit = pass) */
} MpZipencAction;

typedef struct {
	MpZipencAction action;
	guint attachments;	/* attachments found */
	guint kept;		/* of which already encrypted archives */
	guint zipped;		/* files in the ZIP */
	guint64 bytes;		/* their decoded size */
	gsize zip_size;
	char *zip_name;
	char *why;		/* over a limit: which and by how much */
	gboolean dkim_signed;	/* a DKIM-Signature the rewrite breaks */
	MpSpool *out;		/* the rewritten message; NULL: unchanged */
	GString *notice;	/* the password notice, with out */
} MpZipencResult;

/*
 * [zipenc]'s settings: the keys (and mp-zipenc's flags over them), the
 * notice's keys, and what they resolve to.  mp-zipenc hands own and
 * notice.opts to its command line; mp-gate reads them from mp.conf
 * alone.  Both resolve them here, so a key means the same to each.
 */
typedef struct {
	MpOpts own;		/* [zipenc] */
	MpNoticeOpts notice;	/* the notice's keys over [zipenc] */
	MpZipencOpts z;		/* resolved: points into own and notice */
} MpZipencConf;

/* mp_zipenc_conf_init - the tables over [zipenc], nothing given */
void mp_zipenc_conf_init(MpZipencConf *c);

/*
 * mp_zipenc_conf_load - after the tables are read (mp_opts_read): the
 * values resolved into c->z, the templates and the password file read;
 * a value only this can check is 64 naming the flag, or 78 naming the
 * key.  batch: a dry run, which needs no notice destination.
 */
int mp_zipenc_conf_load(MpZipencConf *c, const MpConfig *cfg,
    MpAddrParser *ap, gboolean batch, GError **err);

/* mp_zipenc_conf_read - for a program without these flags (mp-gate):
 * c, as mp_zipenc_conf_init left it, read from cfg alone and loaded
 * (not a batch: a notice destination is needed) */
int mp_zipenc_conf_read(MpZipencConf *c, const MpConfig *cfg,
    MpAddrParser *ap, GError **err);

/* mp_zipenc_conf_clear - release the tables, templates and password */
void mp_zipenc_conf_clear(MpZipencConf *c);

/* mp_zipenc_zip_name_ok - whether a zip-name pattern makes a file name
 * today */
gboolean mp_zipenc_zip_name_ok(const char *pattern);

/* mp_zipenc - decide, and build the rewritten message and its notice */
int mp_zipenc(const MpMessage *msg, const MpLimits *limits,
    MpAddrParser *ap, const MpZipencOpts *opts, MpZipencResult *res,
    GError **err);

/* mp_zipenc_result_clear - release a result, wiping the notice */
void mp_zipenc_result_clear(MpZipencResult *res);

#endif
