/* message.h - one message as bytes, its header block split exactly */
#ifndef MP_MESSAGE_H
#define MP_MESSAGE_H

#include <stdio.h>

#include "base/mp.h"

typedef enum {
	MP_EOL_LF,
	MP_EOL_CRLF,
	MP_EOL_CR,	/* old Mac files: lines end at a lone CR */
} MpEol;

/*
 * One header field.  Offsets index MpMessage.data.  [start, end) covers
 * the name, the colon, the value, every continuation line and the final
 * line ending, so copying that range reproduces the field exactly.
 */
typedef struct {
	gsize start;
	gsize name_len;		/* name without trailing white space */
	gsize value_start;	/* first byte after the colon */
	gsize end;
	gboolean has_eol;	/* FALSE only for a last line cut off at EOF */
} MpField;

/*
 * A message: the bytes as read and where the parts of the header block
 * are.  prefix is what precedes the first field and is kept verbatim: a
 * leading mbox "From " line and/or a UTF-8 byte order mark.  The header
 * block is [prefix_len, header_end); body_start is after the empty line
 * (equal to header_end when the header block is ended by a line that is
 * not a field, or by EOF).
 */
typedef struct {
	const char *data;
	gsize len;
	gsize prefix_len;
	gsize header_end;
	gsize body_start;
	MpEol eol;
	GArray *fields;		/* of MpField */
	gpointer owned;		/* buffer to free with the message, or NULL */
	gsize size;		/* the whole message's size; len is less when
				 * only the header block was read */
} MpMessage;

/*
 * mp_message_read_fd - read one message from fd, up to the size limit.
 * Errors from these readers do not name the input: callers know what
 * they read and put that in front (mp_source_label).
 */
int mp_message_read_fd(int fd, const MpLimits *limits, MpMessage **out,
    GError **err);

/* mp_message_read_path - read one message from a file */
int mp_message_read_path(const char *path, const MpLimits *limits,
    MpMessage **out, GError **err);

/* mp_message_read_head - read a file's header block only (a verdict on
 * recipients does not need the body); size is the file's size */
int mp_message_read_head(const char *path, const MpLimits *limits,
    MpMessage **out, GError **err);

/* mp_message_new_borrowed - split bytes the caller keeps alive */
int mp_message_new_borrowed(const char *data, gsize len,
    const MpLimits *limits, MpMessage **out, GError **err);

/* mp_header_block_split - fields of the header block at pos, to the empty line */
int mp_header_block_split(const char *d, gsize len, gsize pos, MpEol eol,
    gsize limit, GArray *fields, gsize *header_end, gsize *body_start,
    GError **err);

/* mp_eol_detect - the line ending of the first line at pos */
MpEol mp_eol_detect(const char *d, gsize len, gsize pos);

/* mp_message_free - release a message and what it owns */
void mp_message_free(MpMessage *msg);

/* mp_message_eol - the message's own line ending as a string */
const char *mp_message_eol(const MpMessage *msg);

/* mp_field_is - whether a field's name equals name, ignoring case */
gboolean mp_field_is(const MpMessage *msg, const MpField *f, const char *name);

/* mp_field_value - the unfolded value of a field, NUL-terminated */
char *mp_field_value(const MpMessage *msg, const MpField *f);

/* mp_message_header - unfolded value of the first field called name */
char *mp_message_header(const MpMessage *msg, const char *name);

/* mp_message_has_field - whether any header field is called name */
gboolean mp_message_has_field(const MpMessage *msg, const char *name);

/* mp_message_id - the Message-ID without angle brackets, or NULL */
char *mp_message_id(const MpMessage *msg);

/* mp_date_parse - the time a Date field's value gives ("JST" read as
 * +0900), or NULL */
GDateTime *mp_date_parse(const char *value);

#endif
