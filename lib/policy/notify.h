/* notify.h - the rejection notice: the sender is told which rule
 * refused the mail and why */
#ifndef MP_NOTIFY_H
#define MP_NOTIFY_H

#include "base/opts.h"
#include "notice/pwnotice.h"
#include "policy/policy.h"

/* [policy] lang: the language of the reasons and of the notice */
#define MP_POLICY_LANG_DEFAULT "ja"

/* getopt_long values of the notice's options: the notice's range
 * (opts.h), which no option of mp-policy's own table uses */
enum {
	MP_REJECT_OPT_NOTICE = MP_OPT_FIRST_NOTICE,
	MP_REJECT_OPT_NOTICE_MAILDIR,
	MP_REJECT_OPT_NOTICE_CMD,
	MP_REJECT_OPT_TEMPLATE_DIR,
	MP_REJECT_OPT_LANG,
	MP_REJECT_OPT_NOTICE_FROM,	/* the last: it has no key */
};

/* the notice's options over [policy]: --notice, --notice-maildir,
 * --notice-cmd, --template-dir, --lang and --notice-from */
extern const MpOptSpec mp_reject_notice_opts[];

/*
 * The notice as the options make it.  Its text is the template
 * reject.LANG: the file in the template directory when it is there,
 * else the built-in one.  It may hold {subject}, {rule}, {reason},
 * {recipients}, {attachments}, {date} and {message-id}, and must hold
 * {reason}.
 */
typedef struct {
	MpLang lang;
	char *from;		/* --notice-from; NULL: postmaster@ the
				 * domain of the one it goes to */
	MpTemplate *text;
	MpNoticeDest dest;	/* none given, or a batch: no notice */
	MpAddrParser *ap;	/* with display names, for {recipients} */
} MpRejectNotice;

/*
 * mp_reject_notice_load - the options resolved (o over
 * mp_reject_notice_opts) into n: --notice-from read as one address
 * (64), the template directory and the template checked, and a
 * --notice-maildir that is not a Maildir (78), before any mail is
 * read.  A replay of old mail (a batch, --summary, --report) sends
 * no notices.
 */
int mp_reject_notice_load(MpRejectNotice *n, const MpOpts *o,
    gboolean replay, GError **err);

/* mp_reject_notice_on - whether a notice goes out for a reject */
gboolean mp_reject_notice_on(const MpRejectNotice *n);

/*
 * mp_reject_notice_send - for a message j rejects, the notice to its
 * sender (the SMTP AUTH user when given, else the From address),
 * delivered to every destination; 75 when one does not take it.  No
 * notice, and *skipped says why, for mail that must not be answered:
 * a null envelope sender (a bounce), an Auto-Submitted field other than
 * "no" (an automatic message: the notice itself is one), or no sender
 * address that can be read.  *skipped is NULL when the notice went out
 * or none was asked for.
 */
int mp_reject_notice_send(const MpRejectNotice *n, const MpPolicy *p,
    const MpMessage *msg, MpJudgement *j, const char **skipped,
    GError **err);

/* mp_reject_notice_clear - release the template and the parser */
void mp_reject_notice_clear(MpRejectNotice *n);

#endif
