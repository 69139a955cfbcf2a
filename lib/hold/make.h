/* make.h - a held entry made from a message and its envelope */
#ifndef MP_HOLDMAKE_H
#define MP_HOLDMAKE_H

#include "hold/run.h"
#include "mail/addr.h"

/* What mp-hold was asked to do with one message. */
typedef struct {
	MpHoldMode mode;
	guint64 duration;	/* hold and stagger: seconds; hold:
				 * G_MAXUINT64 for [hold] hold-time */
	const char *sender;	/* the envelope sender; "" for <> */
	char **recipients;	/* the envelope */
	guint nrecipients;
	char **approvers;	/* --approver; NULL: [hold] approvers or the
				 * sender's superiors in the snapshot */
	const char *rule;	/* --rule, or NULL */
	const char *reason;	/* --reason, or NULL */
	gboolean override;	/* the sender may send anyway */
} MpHoldRequest;

/*
 * mp_hold_submit - one message queued: the entry made from the bytes
 * (len at data, kept exactly) and the request, written durably (*id
 * set: the caller may say it), then the notices sent and what is due
 * now delivered (a failure there is left to the next --run, and is not
 * this call's).  69 when approval is asked and nobody can approve; 75
 * when the spool cannot take it.
 */
int mp_hold_submit(MpHoldCtx *c, MpAddrParser *ap, const MpHoldRequest *rq,
    const guchar *data, gsize len, char **id, GError **err);

#endif
