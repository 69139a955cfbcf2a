/* notices.h - what mp-hold tells the sender and the approvers */
#ifndef MP_HOLDNOTICES_H
#define MP_HOLDNOTICES_H

#include "hold/run.h"

/*
 * One template per kind of notice and language, built in and as a file
 * of the template directory: hold-held.ja, hold-approve.ja,
 * hold-discarded.ja, hold-rejected.ja, hold-expired.ja, hold-failed.ja
 * (and .en).  Each starts with a "Subject:" line.  Placeholders:
 * {subject} {from} {sender} {recipients} {later} {attachments}
 * {release-time} {expires} {link} {approvers} {mode} {rule} {reason}
 * {comment} {by} {error} {message-id} {id}.
 */

/* mp_hold_texts_load - the templates of lang ("ja" or "en"), from dir
 * (NULL: the built-in ones only); 78 when a file is not a template */
int mp_hold_texts_load(const char *dir, const char *lang,
    MpHoldTexts **out, GError **err);
void mp_hold_texts_free(MpHoldTexts *t);

/* mp_hold_link - the page's link for one person (NULL without
 * [hold] base-url) */
char *mp_hold_link(const MpHoldCtx *c, const MpHoldEntry *e,
    MpHoldRole role, const char *who);

/* mp_hold_notice_text - the notice of kind about e to one address, as
 * message text (LF line breaks) */
GString *mp_hold_notice_text(const MpHoldCtx *c, const MpHoldEntry *e,
    MpHoldNoticeKind kind, const char *to);

#endif
