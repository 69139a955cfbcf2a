/* zipenc.h - attachments into one encrypted ZIP, password told apart */
#ifndef MP_ZIPENC_H
#define MP_ZIPENC_H

#include "addr.h"
#include "notice.h"
#include "zip.h"

typedef enum {
	MP_LANG_JA,
	MP_LANG_EN,
} MpLang;

typedef enum {
	MP_NOTIFY_SENDER,	/* the sender passes it on another way */
	MP_NOTIFY_RECIPIENTS,	/* the recipients, by a second mail */
} MpNotify;

/* Defaults of the [zipenc] keys, documented in mp.conf(5). */
#define MP_ZIPENC_ZIP_NAME_DEFAULT "attachments-%Y%m%d.zip"
#define MP_ZIPENC_MAX_BYTES_DEFAULT ((guint64)100 * 1024 * 1024)
#define MP_ZIPENC_MAX_ENTRIES_DEFAULT 100
#define MP_ZIPENC_DELAY_DEFAULT 600	/* seconds */

typedef struct MpZipencTemplates MpZipencTemplates;

typedef struct {
	MpZipOpts zip;
	guint password_length;
	const char *password;	/* fixed (--password-file); NULL: random */
	const char *zip_name;	/* strftime-style, on the message's Date */
	MpLang lang;
	MpNotify notify;
	guint64 delay;		/* X-MP-Deliver-After for recipients */
	guint64 max_bytes;	/* decoded bytes of the files zipped */
	guint max_entries;	/* files zipped */
	gboolean on_limit_pass;	/* over a limit: pass unchanged, no 65 */
	const char *sender;	/* notice sender; NULL: From */
	gboolean dry_run;	/* decide and count, build nothing */
	const MpZipencTemplates *templates;
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
	GString *out;		/* the rewritten message; NULL: unchanged */
	GString *notice;	/* the password notice, with out */
} MpZipencResult;

/* mp_lang_parse - "ja" or "en" */
gboolean mp_lang_parse(const char *s, MpLang *out);

/* mp_notify_parse - "sender" or "recipients" */
gboolean mp_notify_parse(const char *s, MpNotify *out);

/* mp_zipenc_templates_load - the notice and note texts for lang */
int mp_zipenc_templates_load(const char *dir, MpLang lang,
    MpZipencTemplates **out, GError **err);
void mp_zipenc_templates_free(MpZipencTemplates *t);

/* mp_zipenc - decide, and build the rewritten message and its notice */
int mp_zipenc(const MpMessage *msg, const MpLimits *limits,
    MpAddrParser *ap, const MpZipencOpts *opts, MpZipencResult *res,
    GError **err);
void mp_zipenc_result_clear(MpZipencResult *res);

#endif
