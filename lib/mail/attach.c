/* attach.c - a message's attachments: decode, name, replace, remove */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/attach.h"
#include "mail/encode.h"
#include "base/secret.h"

typedef struct {
	MpPart *part;
	GPtrArray *parts;	/* replacement texts; NULL: remove */
} Change;

struct MpSplice {
	const MpMessage *msg;
	MpPart *root;
	GArray *changes;	/* of Change */
	MpHeaderEdit *header;
};

/* mp_attachments_decode - every attachment of the message, decoded */
GPtrArray *
mp_attachments_decode(const MpMessage *msg, MpPart *root)
{
	GPtrArray *parts = mp_part_attachments(msg, root);
	GPtrArray *out = g_ptr_array_new_with_free_func(mp_attachment_free);
	guint i;

	for (i = 0; i < parts->len; i++) {
		MpAttachment *a = g_new0(MpAttachment, 1);

		a->part = parts->pdata[i];
		a->filename = mp_part_filename(msg, a->part);
		a->data = mp_part_decode(msg, a->part);
		a->size = g_bytes_get_size(a->data);
		g_ptr_array_add(out, a);
	}
	g_ptr_array_free(parts, TRUE);
	return out;
}

/* mp_attachment_free - release one MpAttachment (a GDestroyNotify) */
void
mp_attachment_free(gpointer p)
{
	MpAttachment *a = p;

	if (a == NULL)
		return;
	g_free(a->filename);
	if (a->data != NULL)
		g_bytes_unref(a->data);
	mp_spool_free(a->file);
	g_free(a);
}

/* default_extension - a file extension for a part without a name: the
 * recipient's program opens it by its extension */
static const char *
default_extension(const char *type)
{
	static const struct {
		const char *type, *ext;
	} known[] = {
		{ "message/rfc822", ".eml" },
		{ "message/global", ".eml" },
		{ "text/plain", ".txt" },
		{ "text/html", ".html" },
		{ "text/csv", ".csv" },
		{ "text/calendar", ".ics" },
		{ "application/pdf", ".pdf" },
		{ "application/zip", ".zip" },
		{ "application/msword", ".doc" },
		{ "application/vnd.ms-excel", ".xls" },
		{ "application/vnd.ms-powerpoint", ".ppt" },
		{ "application/vnd.openxmlformats-officedocument."
		    "wordprocessingml.document", ".docx" },
		{ "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet", ".xlsx" },
		{ "application/vnd.openxmlformats-officedocument."
		    "presentationml.presentation", ".pptx" },
		{ "image/jpeg", ".jpg" },
		{ "image/png", ".png" },
		{ "image/gif", ".gif" },
	};
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(known); i++)
		if (strcmp(type, known[i].type) == 0)
			return known[i].ext;
	return ".bin";
}

/* name_truncate - cut a name to MP_ATTACH_NAME_MAX_BYTES, keeping its
 * extension */
static char *
name_truncate(const char *name)
{
	const char *dot = strrchr(name, '.');
	gsize ext = dot != NULL && strlen(dot) <= MP_ATTACH_EXT_MAX_BYTES ?
	    strlen(dot) : 0;
	gsize keep = MP_ATTACH_NAME_MAX_BYTES - ext;
	const char *cut;

	if (strlen(name) <= MP_ATTACH_NAME_MAX_BYTES)
		return g_strdup(name);
	/* back to the start of the character that crosses the limit */
	cut = name + keep;
	while (cut > name && ((guchar)*cut & 0xc0) == 0x80)
		cut--;
	return g_strdup_printf("%.*s%s", (int)(cut - name), name,
	    name + strlen(name) - ext);
}

/*
 * mp_attachment_name - a safe, unique file name for an attachment
 *
 * NFC, because macOS sends decomposed names (が as か + ゛) that Windows
 * shows as two characters; no path separators or control characters;
 * a name for parts that have none; " (2)" before the extension when two
 * attachments share a name, as browsers do.  used is a set of the
 * case-folded names taken so far (g_str_hash, owns its keys).
 */
char *
mp_attachment_name(const MpAttachment *att, guint index, GHashTable *used)
{
	char *nfc, *base, *name, *key;
	GString *clean = g_string_new(NULL);
	const char *p;
	guint n;

	if (att->filename != NULL &&
	    (nfc = g_utf8_normalize(att->filename, -1,
	    G_NORMALIZE_DEFAULT_COMPOSE)) != NULL) {
		for (p = nfc; *p != '\0'; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);

			if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f)
				g_string_append_c(clean, '_');
			else
				g_string_append_unichar(clean, c);
		}
		g_free(nfc);
	}
	g_strstrip(clean->str);
	if (*clean->str == '\0' || strcmp(clean->str, ".") == 0 ||
	    strcmp(clean->str, "..") == 0)
		base = g_strdup_printf("attachment-%u%s", index + 1,
		    default_extension(att->part->type));
	else
		base = name_truncate(clean->str);
	g_string_free(clean, TRUE);
	name = g_strdup(base);
	for (n = 2; ; n++) {
		key = g_utf8_casefold(name, -1);
		if (!g_hash_table_contains(used, key))
			break;
		g_free(key);
		g_free(name);
		{
			const char *dot = strrchr(base, '.');
			gsize stem = dot != NULL && dot != base ?
			    (gsize)(dot - base) : strlen(base);

			name = g_strdup_printf("%.*s (%u)%s", (int)stem, base, n,
			    base + stem);
		}
	}
	g_hash_table_add(used, key);
	g_free(base);
	return name;
}

/* mp_splice_new - no changes yet to msg, whose part tree is root */
MpSplice *
mp_splice_new(const MpMessage *msg, MpPart *root)
{
	MpSplice *sp = g_new0(MpSplice, 1);

	sp->msg = msg;
	sp->root = root;
	sp->changes = g_array_new(FALSE, FALSE, sizeof(Change));
	sp->header = mp_header_edit_new(msg);
	return sp;
}

/* mp_splice_free - release the changes (not the message or its tree) */
void
mp_splice_free(MpSplice *sp)
{
	guint i;

	if (sp == NULL)
		return;
	for (i = 0; i < sp->changes->len; i++) {
		Change *c = &g_array_index(sp->changes, Change, i);

		if (c->parts != NULL)
			g_ptr_array_free(c->parts, TRUE);
	}
	g_array_free(sp->changes, TRUE);
	mp_header_edit_free(sp->header);
	g_free(sp);
}

/*
 * mp_splice_replace - put new parts where part is.  Each text is a
 * whole MIME part (header, empty line, body) without a final line
 * break; several become siblings, separated by the parent's delimiter.
 * The message itself can be replaced: it then becomes multipart/mixed.
 */
void
mp_splice_replace(MpSplice *sp, MpPart *part, GPtrArray *parts)
{
	Change c;
	guint i;

	c.part = part;
	c.parts = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < parts->len; i++)
		g_ptr_array_add(c.parts, g_strdup(parts->pdata[i]));
	g_array_append_val(sp->changes, c);
}

/* mp_splice_remove - leave part out, with its delimiter line */
void
mp_splice_remove(MpSplice *sp, MpPart *part)
{
	Change c = { part, NULL };

	g_array_append_val(sp->changes, c);
}

/* mp_splice_header - the top-level header edits, to add a trace field */
MpHeaderEdit *
mp_splice_header(MpSplice *sp)
{
	return sp->header;
}

/* change_of - the change made to part, or NULL */
static Change *
change_of(MpSplice *sp, const MpPart *part)
{
	guint i;

	for (i = 0; i < sp->changes->len; i++) {
		Change *c = &g_array_index(sp->changes, Change, i);

		if (c->part == part)
			return c;
	}
	return NULL;
}

/*
 * collapse - a multipart all of whose parts are removed is removed as a
 * whole, so that no empty multipart (which some readers reject) is left.
 */
static void
collapse(MpSplice *sp)
{
	gboolean again = TRUE;
	guint i, k;

	while (again) {
		again = FALSE;
		for (i = 0; i < sp->changes->len && !again; i++) {
			Change *c = &g_array_index(sp->changes, Change, i);
			MpPart *parent = c->part->parent;
			gboolean all = TRUE;

			if (c->parts != NULL || parent == NULL ||
			    parent->parent == NULL || change_of(sp, parent))
				continue;
			for (k = 0; k < parent->children->len && all; k++) {
				Change *o = change_of(sp,
				    parent->children->pdata[k]);

				all = o != NULL && o->parts == NULL;
			}
			if (!all)
				continue;
			for (k = sp->changes->len; k-- > 0; ) {
				Change *o = &g_array_index(sp->changes, Change, k);

				if (o->part->parent == parent)
					g_array_remove_index(sp->changes, k);
			}
			mp_splice_remove(sp, parent);
			again = TRUE;
		}
	}
}

/* delimiter_start - where the delimiter line before a child part starts */
static gsize
delimiter_start(const MpMessage *msg, const MpPart *part)
{
	gsize at = part->start, floor = part->parent->body_start;

	/* step over the delimiter line's own line break, then to its start */
	if (at > floor && msg->data[at - 1] == '\n')
		at--;
	if (at > floor && msg->data[at - 1] == '\r')
		at--;
	while (at > floor && msg->data[at - 1] != '\n' &&
	    msg->data[at - 1] != '\r')
		at--;
	return at;
}

/* after_part - the first byte of the delimiter line that follows part */
static gsize
after_part(const MpMessage *msg, const MpPart *part)
{
	gsize at = part->end, limit = part->parent->end;

	if (at < limit && msg->data[at] == '\r')
		at++;
	if (at < limit && msg->data[at] == '\n')
		at++;
	return at;
}

typedef struct {
	gsize from, to;		/* bytes of the message replaced */
	GString *text;		/* what goes there; NULL: nothing */
} Cut;

/* cut_cmp - order cuts by where they start */
static gint
cut_cmp(gconstpointer a, gconstpointer b)
{
	const Cut *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* siblings - replacement parts joined by the parent's delimiter */
static GString *
siblings(const MpMessage *msg, const MpPart *parent, GPtrArray *parts)
{
	GString *s = g_string_new(NULL);
	const char *eol = mp_message_eol(msg);
	guint i;

	for (i = 0; i < parts->len; i++) {
		if (i > 0)
			g_string_append_printf(s, "%s--%s%s", eol,
			    parent->boundary, eol);
		g_string_append(s, parts->pdata[i]);
	}
	return s;
}

/* whole_body - the message turned into multipart/mixed around parts */
static GString *
whole_body(MpSplice *sp, GPtrArray *parts)
{
	const MpMessage *msg = sp->msg;
	const char *eol = mp_message_eol(msg);
	char *b = mp_boundary_new(msg), *line;
	GString *s = g_string_new(NULL);
	gboolean has_version = FALSE;
	guint i;

	for (i = 0; i < msg->fields->len; i++) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);

		if (f->name_len > 8 &&
		    g_ascii_strncasecmp(msg->data + f->start, "Content-", 8) == 0)
			mp_header_edit_drop(sp->header, i);
		if (mp_field_is(msg, f, "MIME-Version"))
			has_version = TRUE;
	}
	line = g_strdup_printf("%s%sContent-Type: multipart/mixed;%s "
	    "boundary=\"%s\"%s", has_version ? "" : "MIME-Version: 1.0",
	    has_version ? "" : eol, eol, b, eol);
	mp_header_edit_append(sp->header, line);
	g_free(line);
	for (i = 0; i < parts->len; i++)
		g_string_append_printf(s, "--%s%s%s%s", b, eol,
		    (const char *)parts->pdata[i], eol);
	g_string_append_printf(s, "--%s--%s", b, eol);
	g_free(b);
	return s;
}

/*
 * mp_splice_apply - the message with every change made
 *
 * A replaced part gives way to its new parts; a removed one disappears
 * from the start of its delimiter line to the start of the next, so the
 * line break before that delimiter stays with the part before it.
 * Everything else is copied: the From_ line, header fields that were
 * not edited, preambles, epilogues, other parts and their delimiters.
 */
GString *
mp_splice_apply(MpSplice *sp)
{
	const MpMessage *msg = sp->msg;
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(Cut));
	GString *out;
	gsize pos = msg->header_end;
	guint i;

	collapse(sp);
	for (i = 0; i < sp->changes->len; i++) {
		Change *c = &g_array_index(sp->changes, Change, i);
		Cut cut;

		if (c->part->parent == NULL) {
			/* the whole body: header edits and a new body */
			cut.from = msg->body_start;
			cut.to = msg->len;
			cut.text = whole_body(sp, c->parts);
		} else if (c->parts != NULL) {
			cut.from = c->part->start;
			cut.to = c->part->end;
			cut.text = siblings(msg, c->part->parent, c->parts);
		} else {
			cut.from = delimiter_start(msg, c->part);
			cut.to = after_part(msg, c->part);
			cut.text = NULL;
		}
		g_array_append_val(cuts, cut);
	}
	g_array_sort(cuts, cut_cmp);

	/* the header alone: the body is copied below, piece by piece */
	out = mp_header_edit_apply_header(sp->header);
	for (i = 0; i < cuts->len; i++) {
		Cut *c = &g_array_index(cuts, Cut, i);

		if (c->from < pos) {	/* inside a part already cut */
			if (c->text != NULL)
				g_string_free(c->text, TRUE);
			continue;
		}
		g_string_append_len(out, msg->data + pos, (gssize)(c->from - pos));
		if (c->text != NULL) {
			g_string_append_len(out, c->text->str,
			    (gssize)c->text->len);
			g_string_free(c->text, TRUE);
		}
		pos = c->to;
	}
	g_string_append_len(out, msg->data + pos, (gssize)(msg->len - pos));
	g_array_free(cuts, TRUE);
	return out;
}

/*
 * mp_attachments_replace - parts where the first of atts was, the other
 * atts left out, and the trace field "NAME: VALUE" at the header's end
 * in place of any the message had: a forged one must not survive next
 * to ours
 */
GString *
mp_attachments_replace(const MpMessage *msg, MpPart *root, GPtrArray *atts,
    GPtrArray *parts, const char *trace_name, const char *trace_value)
{
	MpSplice *sp = mp_splice_new(msg, root);
	MpHeaderEdit *hed = mp_splice_header(sp);
	GString *out;
	guint i;

	mp_splice_replace(sp, ((MpAttachment *)atts->pdata[0])->part, parts);
	for (i = 1; i < atts->len; i++)
		mp_splice_remove(sp, ((MpAttachment *)atts->pdata[i])->part);
	mp_header_edit_set(hed, trace_name, trace_value);
	out = mp_splice_apply(sp);
	mp_splice_free(sp);
	return out;
}

/* lf_to_eol - text with GMime's LF line breaks turned into eol */
static char *
lf_to_eol(const char *s, const char *eol)
{
	char **lines;
	char *out;

	if (strcmp(eol, "\n") == 0)
		return g_strdup(s);
	lines = g_strsplit(s, "\n", -1);
	out = g_strjoinv(eol, lines);
	g_strfreev(lines);
	return out;
}

/* RFC 2045 6.8: 76 characters a line, 57 bytes of data */
#define BASE64_LINE_CHARS 76
#define BASE64_LINE_BYTES 57

/*
 * mp_part_new_file - a base64 MIME part holding a file, no final EOL.
 * GMime writes the header (RFC 2231 for a file name that is not ASCII,
 * folded as the RFC asks); the body is encoded here, straight into the
 * result, since it can be tens of megabytes.
 */
char *
mp_part_new_file(const char *type, const char *filename, GBytes *data,
    const char *eol)
{
	GMimeFormatOptions *fmt = g_mime_format_options_new();
	GMimeContentType *ct = g_mime_content_type_parse(NULL, type);
	GMimePart *part = g_mime_part_new_with_type(
	    g_mime_content_type_get_media_type(ct),
	    g_mime_content_type_get_media_subtype(ct));
	char *head, *h;
	gsize len, i, eollen = strlen(eol);
	const guchar *d = g_bytes_get_data(data, &len);
	GString *out;

	g_object_unref(ct);
	g_mime_part_set_filename(part, filename);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_format_options_set_newline_format(fmt, GMIME_NEWLINE_FORMAT_UNIX);
	h = g_mime_object_get_headers(GMIME_OBJECT(part), fmt);
	head = lf_to_eol(h, eol);
	out = g_string_sized_new(strlen(head) + len / BASE64_LINE_BYTES *
	    (BASE64_LINE_CHARS + eollen) + 160);
	g_string_append(out, head);
	g_string_append(out, eol);
	for (i = 0; i < len; i += BASE64_LINE_BYTES) {
		gsize n = MIN(BASE64_LINE_BYTES, len - i), w;
		gint state = 0, save = 0;
		char line[BASE64_LINE_CHARS + 4];

		if (i > 0)
			g_string_append_len(out, eol, (gssize)eollen);
		w = g_base64_encode_step(d + i, n, FALSE, line, &state, &save);
		w += g_base64_encode_close(FALSE, line + w, &state, &save);
		g_string_append_len(out, line, (gssize)w);
	}
	g_free(h);
	g_free(head);
	g_object_unref(part);
	g_mime_format_options_free(fmt);
	return g_string_free(out, FALSE);
}

/* mp_part_new_text - a text/plain MIME part, no final EOL */
char *
mp_part_new_text(const char *utf8, const char *eol)
{
	char *head = mp_text_part_header(utf8, eol), *out;
	GString *body = mp_text_part_body(utf8, eol);

	out = g_strconcat(head, eol, body->str, NULL);
	g_free(head);
	g_string_free(body, TRUE);
	return out;
}

/* mp_boundary_new - a multipart boundary that occurs nowhere in msg */
char *
mp_boundary_new(const MpMessage *msg)
{
	for (;;) {
		char *token = mp_secret_token(MP_BOUNDARY_RANDOM_BYTES);
		char *b = g_strconcat("=_mp_", token, NULL);

		g_free(token);
		if (memmem(msg->data, msg->len, b, strlen(b)) == NULL)
			return b;
		g_free(b);
	}
}
