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
	/* DSN (RFC 3461) as the envelope asked, kept for the delivery:
	 * RET, ENVID (xtext decoded), and each recipient's NOTIFY (NULL,
	 * or an array of nrecipients with NULL for none) */
	const char *ret;
	const char *envid;
	const char *const *notify;
	char **approvers;	/* --approver; NULL: [hold] approvers or the
				 * sender's superiors in the snapshot */
	const char *rule;	/* --rule, or NULL */
	const char *reason;	/* --reason, or NULL */
	gboolean override;	/* the sender may send anyway */
} MpHoldRequest;

/*
 * mp_hold_submit - one message queued: the entry made from the bytes
 * (len at data, kept exactly) and the request, written durably (*id
 * set).  69 when approval is asked and nobody can approve; 75 when the
 * spool cannot take it.  Then the caller says the id, and only then
 * calls mp_hold_submitted: a caller that cannot say it removes the
 * entry instead (mp_hold_remove), so that the MTA's retry does not
 * queue it twice.
 */
int mp_hold_submit(MpHoldCtx *c, MpAddrParser *ap, const MpHoldRequest *rq,
    const guchar *data, gsize len, char **id, GError **err);

/* mp_hold_submitted - the notices of a queued entry sent, and what is
 * due now (stagger's inside recipients) delivered; what fails is left
 * to the next --run */
void mp_hold_submitted(MpHoldCtx *c, const char *id);

#endif
