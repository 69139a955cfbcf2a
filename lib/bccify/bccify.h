/* bccify.h - move recipients out of To/Cc, touching nothing else */
#ifndef MP_BCCIFY_H
#define MP_BCCIFY_H

#include "mail/addr.h"
#include "base/config.h"

typedef enum {
	MP_BCCIFY_EXTERNAL,	/* external addresses, at the threshold */
	MP_BCCIFY_ALL,		/* all but the sender, at the threshold */
	MP_BCCIFY_SELF_ONLY,	/* all but the sender, always */
} MpBccifyMode;

#define MP_BCCIFY_THRESHOLD_DEFAULT 10

typedef struct {
	MpBccifyMode mode;
	guint threshold;
	gboolean bcc_header;	/* write the moved addresses into Bcc */
	gboolean trace;		/* add X-MP-Bccify: moved=N */
	const char *sender;	/* whose address stays; NULL: From */
} MpBccifyOpts;

typedef struct {
	guint external;		/* distinct external addresses in To/Cc */
	guint moved;		/* distinct addresses moved */
	gboolean dkim_signed;	/* a DKIM-Signature covers To or Cc */
	GString *out;		/* the rewritten message; NULL: unchanged */
} MpBccifyResult;

/* mp_bccify_mode_parse - "external", "all" or "self-only" */
gboolean mp_bccify_mode_parse(const char *s, MpBccifyMode *mode);

/* mp_bccify - decide and, if it acts, rewrite the header block */
void mp_bccify(const MpConfig *cfg, MpAddrParser *ap, const MpMessage *msg,
    const MpBccifyOpts *opts, MpBccifyResult *res);
void mp_bccify_result_clear(MpBccifyResult *res);

/* mp_dkim_signs - whether a DKIM-Signature's h= names one of the fields */
gboolean mp_dkim_signs(const MpMessage *msg, const char *const *names);

#endif
