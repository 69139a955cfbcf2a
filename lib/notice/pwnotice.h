/* pwnotice.h - the password notice about one message, and the note that
 * goes into it: what mp-zipenc and mp-detach share */
#ifndef MP_PWNOTICE_H
#define MP_PWNOTICE_H

#include "mail/addr.h"
#include "mail/mime.h"
#include "mail/notebody.h"
#include "notice/notice.h"

typedef enum {
	MP_LANG_JA,
	MP_LANG_EN,
} MpLang;

typedef enum {
	MP_NOTIFY_SENDER,	/* the sender passes it on another way */
	MP_NOTIFY_RECIPIENTS,	/* the recipients, by a second mail */
} MpNotify;

/* Default of [zipenc] delay and [detach] delay, documented in mp.conf(5). */
#define MP_NOTICE_DELAY_DEFAULT 600	/* seconds */

/* mp_lang_parse - "ja" or "en" */
gboolean mp_lang_parse(const char *s, MpLang *out);

/* mp_notify_parse - "sender" or "recipients" */
gboolean mp_notify_parse(const char *s, MpNotify *out);

/*
 * A tool's texts: a notice for each MpNotify and the note that goes
 * into the message, each built in and as a file in the template
 * directory (PREFIXnotice-sender.LANG, PREFIXnotice-recipients.LANG,
 * PREFIXnote.LANG), with the placeholders each may hold and must hold
 * (the note never the password).
 */
typedef struct {
	const char *prefix;			/* of the file names */
	const char *const (*notice_text)[2];	/* [MpLang][MpNotify] */
	const char *const *note_text;		/* [MpLang] */
	const char *const *notice_fields;
	const char *const *notice_required;
	const char *const *note_fields;
	const char *const *note_required;	/* NULL: none */
} MpNoticeTexts;

typedef struct {
	MpTemplate *notice[2];	/* by MpNotify */
	MpTemplate *note;
} MpNoticeTemplates;

/* mp_notice_templates_load - a tool's notices and note for lang */
int mp_notice_templates_load(const MpNoticeTexts *texts, const char *dir,
    MpLang lang, MpNoticeTemplates **out, GError **err);

/* mp_notice_templates_free - release the templates */
void mp_notice_templates_free(MpNoticeTemplates *t);

/* What the notice says and to whom: the same for mp-zipenc and mp-detach. */
typedef struct {
	guint password_length;
	const char *password;	/* fixed (--password-file); NULL: random */
	MpLang lang;
	MpNotify notify;
	guint64 delay;		/* X-MP-Deliver-After for recipients */
	const char *sender;	/* notice sender; NULL: From */
	MpNotePlace note_place;	/* the note in the text or a part */
	GTimeZone *tz;		/* of every time in the notice and note */
	const MpNoticeTemplates *templates;
} MpNoticePolicy;

/* mp_notice_password - the fixed password or a random one (to wipe) */
char *mp_notice_password(const MpNoticePolicy *p);

/* The notice about one message, while it is made. */
typedef struct {
	const MpMessage *msg;
	const MpNoticePolicy *policy;
	char *sender;		/* the notice's From */
	GPtrArray *to, *cc, *bcc;	/* the message's, each address once */
	GHashTable *values;	/* placeholder -> text; tools add theirs */
} MpNoticeBuild;

/* mp_notice_build_init - the sender, the recipients and the values the
 * notice and the note share, for the attachments atts named names */
int mp_notice_build_init(MpNoticeBuild *b, const MpMessage *msg,
    MpAddrParser *ap, const MpNoticePolicy *p, GPtrArray *atts,
    GPtrArray *names, GError **err);

/* mp_notice_build_rewrite - the message with the note (at the top of
 * its text, or as a part where the first of atts was), and file_part
 * unless NULL where the first of atts was; the other atts gone; the
 * trace field "NAME: VALUE" */
GString *mp_notice_build_rewrite(const MpNoticeBuild *b, MpPart *root,
    GPtrArray *atts, const char *file_part, const char *trace_name,
    const char *trace_value);

/* mp_notice_build_notice - the notice with password, for whom the
 * policy says */
int mp_notice_build_notice(MpNoticeBuild *b, const char *password,
    GString **out, GError **err);

/* mp_notice_build_clear - release what was made (a zeroed one: nothing) */
void mp_notice_build_clear(MpNoticeBuild *b);

/* mp_notice_discard - release a rewritten message and its notice, the
 * notice wiped first; both become NULL */
void mp_notice_discard(GString **out, GString **notice);

#endif
