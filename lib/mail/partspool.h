/* partspool.h - attachments decoded into spools, not into memory */
#ifndef MP_PARTSPOOL_H
#define MP_PARTSPOOL_H

#include "mail/attach.h"
#include "base/spool.h"

/* mp_part_decode_spool - a leaf part's body decoded into a new spool */
int mp_part_decode_spool(const MpMessage *msg, const MpPart *part,
    MpSpool **out, GError **err);

/* mp_attachments_spool - every attachment of the message, each decoded
 * into a spool (MpAttachment.file; data stays NULL) */
int mp_attachments_spool(const MpMessage *msg, MpPart *root,
    GPtrArray **out, GError **err);

#endif
