/* edit.c - rewrite header fields, copying every other byte unchanged */
#include <string.h>

#include "mail/edit.h"

struct MpHeaderEdit {
	const MpMessage *msg;
	GPtrArray *replace;	/* per field: NULL keep, "" drop, else text */
	GString *append;
};

/* mp_header_edit_new - an empty set of edits on msg's header block */
MpHeaderEdit *
mp_header_edit_new(const MpMessage *msg)
{
	MpHeaderEdit *ed = g_new0(MpHeaderEdit, 1);

	ed->msg = msg;
	ed->replace = g_ptr_array_new_full(msg->fields->len, g_free);
	g_ptr_array_set_size(ed->replace, (gint)msg->fields->len);
	ed->append = g_string_new(NULL);
	return ed;
}

/* mp_header_edit_free - release the edits (not the message) */
void
mp_header_edit_free(MpHeaderEdit *ed)
{
	if (ed == NULL)
		return;
	g_ptr_array_free(ed->replace, TRUE);
	g_string_free(ed->append, TRUE);
	g_free(ed);
}

/* mp_header_edit_drop - leave field out of the output */
void
mp_header_edit_drop(MpHeaderEdit *ed, guint field)
{
	mp_header_edit_replace(ed, field, "");
}

/* mp_header_edit_replace - put text (whole lines) in place of field */
void
mp_header_edit_replace(MpHeaderEdit *ed, guint field, const char *text)
{
	g_free(ed->replace->pdata[field]);
	ed->replace->pdata[field] = g_strdup(text);
}

/* mp_header_edit_append - add text (whole lines) at the header's end */
void
mp_header_edit_append(MpHeaderEdit *ed, const char *text)
{
	g_string_append(ed->append, text);
}

/* mp_header_edit_drop_all - leave out every field called name */
void
mp_header_edit_drop_all(MpHeaderEdit *ed, const char *name)
{
	guint i;

	for (i = 0; i < ed->msg->fields->len; i++)
		if (mp_field_is(ed->msg, &g_array_index(ed->msg->fields, MpField,
		    i), name))
			mp_header_edit_drop(ed, i);
}

/* mp_header_edit_set - "name: value" in place of every field of name */
void
mp_header_edit_set(MpHeaderEdit *ed, const char *name, const char *value)
{
	char *line = mp_header_line(ed->msg, name, value);

	mp_header_edit_drop_all(ed, name);
	mp_header_edit_append(ed, line);
	g_free(line);
}

/* mp_header_set - msg with mp_header_edit_set made, as new bytes */
GString *
mp_header_set(const MpMessage *msg, const char *name, const char *value)
{
	MpHeaderEdit *ed = mp_header_edit_new(msg);
	GString *out;

	mp_header_edit_set(ed, name, value);
	out = mp_header_edit_apply(ed);
	mp_header_edit_free(ed);
	return out;
}

/* mp_header_edit_changed - whether any edit was made */
gboolean
mp_header_edit_changed(const MpHeaderEdit *ed)
{
	guint i;

	if (ed->append->len > 0)
		return TRUE;
	for (i = 0; i < ed->msg->fields->len; i++)
		if (ed->replace->pdata[i] != NULL)
			return TRUE;
	return FALSE;
}

/*
 * mp_header_edit_apply - the message with the edits made
 *
 * Bytes outside the edited fields are copied as they are: the prefix
 * (From_ line, BOM), untouched fields with their own folding and line
 * endings, the empty line and the body.  Only a header whose last line
 * was cut off without a line ending gets one, so that added fields start
 * on a line of their own.
 */
GString *
mp_header_edit_apply(const MpHeaderEdit *ed)
{
	const MpMessage *msg = ed->msg;
	GString *out = mp_header_edit_apply_header(ed);

	g_string_append_len(out, msg->data + msg->header_end,
	    (gssize)(msg->len - msg->header_end));
	return out;
}

/* mp_header_edit_apply_header - the message with the edits made, up to
 * the end of the header block (msg->header_end) */
GString *
mp_header_edit_apply_header(const MpHeaderEdit *ed)
{
	const MpMessage *msg = ed->msg;
	GString *out = g_string_sized_new(msg->header_end +
	    ed->append->len + 256);
	gboolean open_line = FALSE;
	guint i;

	g_string_append_len(out, msg->data, (gssize)msg->prefix_len);
	for (i = 0; i < msg->fields->len; i++) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);
		const char *text = ed->replace->pdata[i];

		if (text == NULL) {
			g_string_append_len(out, msg->data + f->start,
			    (gssize)(f->end - f->start));
			open_line = !f->has_eol;
		} else if (*text != '\0') {
			if (open_line)
				g_string_append(out, mp_message_eol(msg));
			g_string_append(out, text);
			open_line = FALSE;
		}
	}
	if (ed->append->len > 0) {
		if (open_line)
			g_string_append(out, mp_message_eol(msg));
		g_string_append_len(out, ed->append->str,
		    (gssize)ed->append->len);
	}
	return out;
}

/* mp_header_line - "Name: value" and the message's line ending */
char *
mp_header_line(const MpMessage *msg, const char *name, const char *value)
{
	return g_strconcat(name, ": ", value, mp_message_eol(msg), NULL);
}

/*
 * mp_header_list_line - an address field folded between items
 *
 * Items are kept as their exact text; lines are folded before an item
 * that would take the line past MP_HEADER_LINE_CHARS.
 */
char *
mp_header_list_line(const MpMessage *msg, const char *name, GPtrArray *items)
{
	GString *s = g_string_new(name);
	gsize line = strlen(name) + 1;
	guint i;

	g_string_append_c(s, ':');
	for (i = 0; i < items->len; i++) {
		const char *it = items->pdata[i];
		gsize n = strlen(it);

		if (i > 0) {
			g_string_append_c(s, ',');
			line++;
		}
		if (i > 0 && line + 1 + n > MP_HEADER_LINE_CHARS) {
			g_string_append(s, mp_message_eol(msg));
			line = 0;
		}
		g_string_append_c(s, ' ');
		g_string_append(s, it);
		line += 1 + n;
		if (memchr(it, '\n', n) != NULL || memchr(it, '\r', n) != NULL)
			line = n - (gsize)(MAX(strrchr(it, '\n'),
			    strrchr(it, '\r')) - it) - 1;
	}
	g_string_append(s, mp_message_eol(msg));
	return g_string_free(s, FALSE);
}
