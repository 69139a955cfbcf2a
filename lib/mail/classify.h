/* classify.h - every recipient of a message and its domain class */
#ifndef MP_CLASSIFY_H
#define MP_CLASSIFY_H

#include "mail/addr.h"
#include "base/config.h"

typedef struct {
	char *addr;		/* NULL for an unreadable item */
	char *raw;		/* an unreadable item's text, else NULL */
	char *name;
	MpClass cls;
	MpRcptField field;
} MpRecipient;

typedef struct {
	GArray *rcpts;		/* MpRecipient: header order, then envelope */
	guint counts[3];	/* distinct addresses per MpClass; an
				 * unreadable item counts as external */
	guint unreadable;	/* distinct unreadable items */
	char *from;		/* first From address, or NULL */
	char *message_id;	/* without angle brackets, or NULL */
	gsize size;
} MpClassification;

/* [classify] resent: Resent-To, -Cc and -Bcc count only when asked */
#define MP_CLASSIFY_RESENT_DEFAULT "no"

/* mp_classify - classify header recipients plus envelope-only ones */
int mp_classify(const MpConfig *cfg, MpAddrParser *ap, const MpMessage *msg,
    char *const *envelope, gboolean resent, gboolean details,
    MpClassification *out, GError **err);
void mp_classification_clear(MpClassification *c);

/* mp_classify_fields - the same over the fields of mp_addr_fields (a
 * caller that reads them for more than this parses them once), but
 * without From and Message-ID: details is the list of recipients */
void mp_classify_fields(const MpConfig *cfg, MpAddrParser *ap,
    const MpMessage *msg, GPtrArray *fields, char *const *envelope,
    gboolean details, MpClassification *out);

/* mp_seen_recipients - the recipients every recipient sees: each item
 * of To and Cc that names one (an unreadable item too), as const
 * MpAddr * into fields (of mp_addr_fields), in header order */
GPtrArray *mp_seen_recipients(GPtrArray *fields);

/* mp_addr_class - the class of one address (no domain: external) */
MpClass mp_addr_class(const MpConfig *cfg, const MpAddr *a);

#endif
