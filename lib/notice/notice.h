/* notice.h - a message of its own (a password notice), rendered as text */
#ifndef MP_NOTICE_H
#define MP_NOTICE_H

#include "base/mp.h"
/* what makes a notice's text, and where it goes */
#include "notice/deliver.h"
#include "notice/template.h"

/* random bytes in a notice's Message-ID: never the same twice */
#define MP_NOTICE_ID_BYTES 12

/* The notice: a complete RFC 5322 message in UTF-8 parts. */
typedef struct {
	const char *from;	/* addr-spec */
	GPtrArray *to;		/* addr-specs */
	GPtrArray *cc;
	GPtrArray *bcc;
	const char *subject;	/* UTF-8 */
	const char *body;	/* UTF-8, LF line breaks */
	const char *references;	/* Message-ID it is about, or NULL */
	guint64 deliver_after;	/* X-MP-Deliver-After seconds; 0: none */
	GDateTime *date;	/* NULL: now */
	GTimeZone *tz;		/* of the Date field; NULL: local */
} MpNotice;

/* mp_notice_render - the notice as message text (LF line breaks) */
GString *mp_notice_render(const MpNotice *n);

/* mp_rfc5322_date - "Mon, 23 Nov 2026 09:00:00 +0900", locale-free */
char *mp_rfc5322_date(GDateTime *t);

#endif
