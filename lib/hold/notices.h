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
 * {comment} {by} {error} {message-id} {id}, and {status}: a paragraph
 * made for the kind and the mode (when it goes, to whom now and later,
 * who must approve by when, what to confirm), ending in what the
 * reader can do.
 */

/* mp_hold_texts_load - the templates of both languages, from dir (NULL:
 * the built-in ones only); a notice is in the language its entry was
 * queued in, lang ("ja" or "en") when it has none; 78 when a file is
 * not a template */
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
