/* noticeopt.h - the password notice's options and [section] keys, as
 * mp-zipenc and mp-detach take them */
#ifndef MP_NOTICEOPT_H
#define MP_NOTICEOPT_H

#include "base/opts.h"
#include "notice/deliver.h"
#include "notice/pwnotice.h"

/* getopt_long values of the notice options */
enum {
	MP_OPT_PASSWORD_LENGTH = MP_OPT_FIRST_NOTICE,
	MP_OPT_PASSWORD_FILE,
	MP_OPT_LANG,
	MP_OPT_NOTIFY,
	MP_OPT_DELAY,
	MP_OPT_NOTICE,
	MP_OPT_NOTICE_MAILDIR,
	MP_OPT_NOTICE_CMD,
	MP_OPT_TEMPLATE_DIR,
	MP_OPT_NOTE_PLACE,
	MP_OPT_SENDER,		/* the last: it has no key */
};

/*
 * Defaults of the notice's keys in [zipenc] and [detach], documented in
 * mp.conf(5); password-length's is MP_SECRET_LENGTH_DEFAULT (secret.h),
 * delay's MP_NOTICE_DELAY_DEFAULT (pwnotice.h).  Their bounds are the
 * schema's (schema.h: MP_SECRET_LENGTH_MIN and _MAX, MP_DELAY_MAX).
 */
#define MP_NOTICE_LANG_DEFAULT "ja"
#define MP_NOTICE_NOTIFY_DEFAULT "sender"
#define MP_NOTICE_NOTE_PLACE_DEFAULT "body"

typedef struct {
	MpOpts opts;		/* the notice's table over the [section] keys */
	char *sender;		/* --sender, as one address */
	char *password;		/* from password-file; wiped at clear */
	MpNoticeTemplates *templates;
	MpNoticeDest dest;	/* notice, notice-maildir, notice-cmd */
	GTimeZone *tz;		/* [general] time-zone */
} MpNoticeOpts;

/* mp_notice_opts_init - none given yet; section is the tool's group */
void mp_notice_opts_init(MpNoticeOpts *o, const char *section);

/* mp_notice_opts_clear - release the values, templates and password */
void mp_notice_opts_clear(MpNoticeOpts *o);

/* mp_notice_opts_given - whether any notice option was given */
gboolean mp_notice_opts_given(const MpNoticeOpts *o);

/* mp_notice_opts_conflict - --password-length with --password-file */
gboolean mp_notice_opts_conflict(const MpNoticeOpts *o);

/*
 * Then, once mp_opts_read has resolved o->opts against mp.conf:
 * mp_notice_opts_policy, mp_notice_opts_load, and (unless in a batch)
 * mp_notice_opts_need_dest.
 */

/* mp_notice_opts_policy - lang, notify, note-place, password-length,
 * delay and the time zone into p */
void mp_notice_opts_policy(MpNoticeOpts *o, const MpConfig *cfg,
    MpNoticePolicy *p);

/* mp_notice_opts_load - --sender checked, the templates and the
 * password file read, the destinations set */
int mp_notice_opts_load(MpNoticeOpts *o, MpAddrParser *ap,
    const MpNoticeTexts *texts, MpNoticePolicy *p, GError **err);

/* mp_notice_opts_need_dest - fail unless the notice can go somewhere */
int mp_notice_opts_need_dest(const MpNoticeOpts *o, GError **err);

#endif
