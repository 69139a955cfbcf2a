/* attach.h - a message's attachments: decode, name, replace, remove */
#ifndef MP_ATTACH_H
#define MP_ATTACH_H

#include "mail/edit.h"
#include "mail/mime.h"
#include "base/spool.h"

/*
 * One attachment of a message, decoded.  mp-zipenc puts them into one
 * ZIP; mp-detach stores them and links to them.  Either way the part
 * is then replaced or removed with an MpSplice, which copies every
 * other byte of the message as it was.
 */
typedef struct {
	MpPart *part;		/* where it is (owned by the MpPart tree) */
	char *filename;		/* decoded file name, NULL if it has none */
	GBytes *data;		/* the body, transfer encoding undone, or */
	MpSpool *file;		/* the same in a spool (partspool.h) */
	gsize size;		/* its length, either way */
} MpAttachment;

/*
 * The longest file name an attachment keeps whole, in bytes of UTF-8
 * (most file systems and unzip tools stop at 255); a longer one is cut
 * at a character before the limit and keeps its extension, when that
 * is at most MP_ATTACH_EXT_MAX_BYTES with its dot.
 */
#define MP_ATTACH_NAME_MAX_BYTES 200
#define MP_ATTACH_EXT_MAX_BYTES 16

/* random bytes of a new multipart boundary (hex in the boundary) */
#define MP_BOUNDARY_RANDOM_BYTES 12

/* mp_attachments_decode - every attachment of the message, decoded */
GPtrArray *mp_attachments_decode(const MpMessage *msg, MpPart *root);

/* mp_attachment_free - release one MpAttachment (a GDestroyNotify) */
void mp_attachment_free(gpointer att);

/* mp_attachment_name - a safe, unique file name for an attachment */
char *mp_attachment_name(const MpAttachment *att, guint index,
    GHashTable *used);

typedef struct MpSplice MpSplice;

/* mp_splice_new - no changes yet to msg, whose part tree is root */
MpSplice *mp_splice_new(const MpMessage *msg, MpPart *root);
void mp_splice_free(MpSplice *sp);

/* mp_splice_replace - put new parts where part is (several: siblings) */
void mp_splice_replace(MpSplice *sp, MpPart *part, GPtrArray *parts);

/* mp_splice_remove - leave part out, with its delimiter line */
void mp_splice_remove(MpSplice *sp, MpPart *part);

/* mp_splice_header - the top-level header edits, to add a trace field */
MpHeaderEdit *mp_splice_header(MpSplice *sp);

/* mp_splice_apply - the message with every change made */
GString *mp_splice_apply(MpSplice *sp);

/* mp_attachments_replace - parts where the first of atts was, the other
 * atts left out, and the trace field "NAME: VALUE" */
GString *mp_attachments_replace(const MpMessage *msg, MpPart *root,
    GPtrArray *atts, GPtrArray *parts, const char *trace_name,
    const char *trace_value);

/* mp_part_new_file - a base64 MIME part holding a file, no final EOL */
char *mp_part_new_file(const char *type, const char *filename,
    GBytes *data, const char *eol);

/* mp_part_new_text - a text/plain MIME part, no final EOL, in the
 * charset encode.h chooses */
char *mp_part_new_text(const char *utf8, const char *eol);

/* mp_boundary_new - a multipart boundary that occurs nowhere in msg */
char *mp_boundary_new(const MpMessage *msg);

#endif
