/* mime.h - the MIME tree of a message as exact byte ranges */
#ifndef MP_MIME_H
#define MP_MIME_H

#include "mail/message.h"

typedef struct MpPart MpPart;

/*
 * One MIME part.  Offsets index MpMessage.data.  The part's bytes are
 * [start, end): its header block, then from body_start its body.  For a
 * part of a multipart, end stops before the line break that belongs to
 * the next delimiter line, so replacing [start, end) leaves delimiters
 * and every other part untouched.  The message itself is the root
 * (start is after the From_ line/BOM, depth 0).
 */
struct MpPart {
	gsize start;
	gsize body_start;
	gsize end;
	int depth;		/* multipart nesting: 0 for the message */
	GArray *fields;		/* MpField: this part's header fields */
	char *type;		/* "type/subtype", lower case, defaulted */
	char *boundary;		/* multipart only */
	GPtrArray *children;	/* multipart only: MpPart, in order */
	MpPart *parent;
};

/* mp_mime_parse - the part tree, honouring [limits] mime-depth */
int mp_mime_parse(const MpMessage *msg, const MpLimits *limits,
    MpPart **root, GError **err);
void mp_part_free(MpPart *part);

/* mp_part_header - unfolded value of the part's first field called name */
char *mp_part_header(const MpMessage *msg, const MpPart *part,
    const char *name);

/* mp_part_param - a Content-Type or Content-Disposition parameter,
 * decoded (RFC 2231 and RFC 2047) to UTF-8 */
char *mp_part_param(const MpMessage *msg, const MpPart *part,
    const char *field, const char *param);

/* mp_part_disposition - "attachment", "inline" or NULL, lower case */
char *mp_part_disposition(const MpMessage *msg, const MpPart *part);

/* mp_part_filename - the decoded file name, without a directory and
 * without control or format characters (U+202E...), or NULL */
char *mp_part_filename(const MpMessage *msg, const MpPart *part);

/* mp_part_content_id - the Content-ID without angle brackets, or NULL */
char *mp_part_content_id(const MpMessage *msg, const MpPart *part);

/* How a part's body is encoded, as mp_part_decode reads it. */
typedef enum {
	MP_CTE_IDENTITY,	/* no field, 7bit, 8bit, binary */
	MP_CTE_BASE64,
	MP_CTE_QP,
	MP_CTE_UUENCODE,	/* x-uuencode and its other names */
	MP_CTE_UNKNOWN,		/* a name no decoder knows: read as it is */
} MpCte;

/* mp_part_cte - the part's Content-Transfer-Encoding */
MpCte mp_part_cte(const MpMessage *msg, const MpPart *part);

/* mp_part_decode - the body of a leaf part with its transfer encoding
 * undone */
GBytes *mp_part_decode(const MpMessage *msg, const MpPart *part);

/* MpDecodeSink - takes n decoded bytes; a status other than MP_OK stops */
typedef int (*MpDecodeSink)(const char *buf, gsize n, gpointer data,
    GError **err);

/* mp_part_decode_each - the same, handed to sink a block at a time (an
 * attachment need not be held in memory whole) */
int mp_part_decode_each(const MpMessage *msg, const MpPart *part,
    MpDecodeSink sink, gpointer data, GError **err);

/* mp_part_attachments - the parts the sender attached, in order: an
 * attachment or unknown disposition, a file name, a forwarded message,
 * or any other leaf that is no text, named or not; but not an inline
 * image the HTML markup shows (cid:) nor the machinery of a report, a
 * signature or an encryption; the message itself when its whole body
 * is one */
GPtrArray *mp_part_attachments(const MpMessage *msg, MpPart *root);

/* mp_part_leaves - every leaf part, depth first, in order */
GPtrArray *mp_part_leaves(MpPart *root);

#endif
