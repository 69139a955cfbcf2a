/* zipenc.h - attachments into one encrypted ZIP, password told apart */
#ifndef MP_ZIPENC_H
#define MP_ZIPENC_H

#include "mail/addr.h"
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
