/* notebody.h - the note at the top of the message's own text */
#ifndef MP_NOTEBODY_H
#define MP_NOTEBODY_H

#include "mail/mime.h"

/*
 * Where mp-zipenc and mp-detach put the note that tells the reader what
 * became of the attachments.  In the text (the default): Outlook shows
 * a text part of its own as an attachment (ATT00001.txt), and the
 * products mp replaces put the note at the top of the body.  As a part
 * of its own where the first attachment was: the older way, kept for
 * sites whose filters look for it.
 */
typedef enum {
	MP_NOTE_BODY,
	MP_NOTE_PART,
} MpNotePlace;

/* mp_note_place_parse - "body" or "part" */
gboolean mp_note_place_parse(const char *s, MpNotePlace *out);

/* mp_note_text_parts - the parts that take the note: the first
 * text/plain that is no attachment and the text/html of its
 * multipart/alternative, or the first text/html when there is no
 * text/plain; empty when the message has no such text */
GPtrArray *mp_note_text_parts(const MpMessage *msg, MpPart *root);

/* mp_note_into_part - part as a whole MIME part (no final line break)
 * with note at the top of its text; link, if not NULL, becomes a link
 * in HTML */
char *mp_note_into_part(const MpMessage *msg, const MpPart *part,
    const char *note, const char *link);

#endif
