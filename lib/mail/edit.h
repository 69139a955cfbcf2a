/* edit.h - rewrite header fields, copying every other byte unchanged */
#ifndef MP_EDIT_H
#define MP_EDIT_H

#include "mail/message.h"

typedef struct MpHeaderEdit MpHeaderEdit;

/* mp_header_edit_new - an empty set of edits on msg's header block */
MpHeaderEdit *mp_header_edit_new(const MpMessage *msg);
void mp_header_edit_free(MpHeaderEdit *ed);

/* mp_header_edit_drop - leave field out of the output */
void mp_header_edit_drop(MpHeaderEdit *ed, guint field);

/* mp_header_edit_replace - put text (whole lines) in place of field */
void mp_header_edit_replace(MpHeaderEdit *ed, guint field, const char *text);

/* mp_header_edit_append - add text (whole lines) at the header's end */
void mp_header_edit_append(MpHeaderEdit *ed, const char *text);

/* mp_header_edit_drop_all - leave out every field called name */
void mp_header_edit_drop_all(MpHeaderEdit *ed, const char *name);

/* mp_header_edit_set - "name: value" at the header's end, in place of
 * every field of that name (one the sender wrote cannot survive) */
void mp_header_edit_set(MpHeaderEdit *ed, const char *name,
    const char *value);

/* mp_header_set - msg with mp_header_edit_set made, as new bytes */
GString *mp_header_set(const MpMessage *msg, const char *name,
    const char *value);

/* mp_header_edit_changed - whether any edit was made */
gboolean mp_header_edit_changed(const MpHeaderEdit *ed);

/* mp_header_edit_apply - the message with the edits made */
GString *mp_header_edit_apply(const MpHeaderEdit *ed);

/* mp_header_edit_apply_header - the same up to the end of the header
 * block: what comes before the body, for a caller that rewrites it */
GString *mp_header_edit_apply_header(const MpHeaderEdit *ed);

/* mp_header_line - "Name: value" and the message's line ending */
char *mp_header_line(const MpMessage *msg, const char *name,
    const char *value);

/* RFC 5322 2.1.1: a header line should not be longer than this
 * (without its line ending); mp_header_list_line folds before an item
 * that would take a line past it */
#define MP_HEADER_LINE_CHARS 78

/* mp_header_list_line - an address field folded between items */
char *mp_header_list_line(const MpMessage *msg, const char *name,
    GPtrArray *items);

#endif
