/* noticeopt.h - the password notice's options and [section] keys, as
 * mp-zipenc and mp-detach take them */
#ifndef MP_NOTICEOPT_H
#define MP_NOTICEOPT_H

#include "base/opts.h"
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

#define MP_NOTICE_LONG_OPTIONS \
	{ "password-length", required_argument, NULL, \
	    MP_OPT_PASSWORD_LENGTH }, \
	{ "password-file", required_argument, NULL, MP_OPT_PASSWORD_FILE }, \
	{ "lang", required_argument, NULL, MP_OPT_LANG }, \
	{ "notify", required_argument, NULL, MP_OPT_NOTIFY }, \
	{ "delay", required_argument, NULL, MP_OPT_DELAY }, \
	{ "notice", required_argument, NULL, MP_OPT_NOTICE }, \
	{ "notice-maildir", required_argument, NULL, MP_OPT_NOTICE_MAILDIR }, \
	{ "notice-cmd", required_argument, NULL, MP_OPT_NOTICE_CMD }, \
	{ "template-dir", required_argument, NULL, MP_OPT_TEMPLATE_DIR }, \
	{ "note-place", required_argument, NULL, MP_OPT_NOTE_PLACE }, \
	{ "sender", required_argument, NULL, MP_OPT_SENDER }

typedef struct {
	MpConfOpts conf;	/* the options over the [section] keys */
	char *password;		/* from password-file; wiped at clear */
	MpNoticeTemplates *templates;
	MpNoticeDest dest;	/* notice, notice-maildir, notice-cmd */
	GTimeZone *tz;		/* [general] time-zone */
} MpNoticeOpts;

/* mp_notice_opts_init - none given yet; section is the tool's group */
void mp_notice_opts_init(MpNoticeOpts *o, const char *section);

/* mp_notice_opts_clear - release the values, templates and password */
void mp_notice_opts_clear(MpNoticeOpts *o);

/* mp_notice_option - take a notice option; FALSE if opt is not one */
gboolean mp_notice_option(MpNoticeOpts *o, int opt, const char *arg);

/* mp_notice_opts_given - whether any notice option was given */
gboolean mp_notice_opts_given(const MpNoticeOpts *o);

/* mp_notice_opts_conflict - --password-length with --password-file */
gboolean mp_notice_opts_conflict(const MpNoticeOpts *o);

/*
 * Then, against mp.conf and in the order the tool checks its options:
 * mp_notice_opts_choose first, the two numbers, mp_notice_opts_load,
 * and (unless in a batch) mp_notice_opts_need_dest.
 */

/* mp_notice_opts_choose - the defaults, then lang, notify and
 * note-place */
int mp_notice_opts_choose(MpNoticeOpts *o, const MpConfig *cfg,
    MpNoticePolicy *p, GError **err);

/* mp_notice_opts_password_length - password-length, 8 to 128 */
int mp_notice_opts_password_length(const MpNoticeOpts *o, MpNoticePolicy *p,
    GError **err);

/* mp_notice_opts_delay - delay, in seconds */
int mp_notice_opts_delay(const MpNoticeOpts *o, MpNoticePolicy *p,
    GError **err);

/* mp_notice_opts_load - --sender checked, the templates and the
 * password file read, the destinations set */
int mp_notice_opts_load(MpNoticeOpts *o, MpAddrParser *ap,
    const MpNoticeTexts *texts, MpNoticePolicy *p, GError **err);

/* mp_notice_opts_need_dest - fail unless the notice can go somewhere */
int mp_notice_opts_need_dest(const MpNoticeOpts *o, GError **err);

#endif
