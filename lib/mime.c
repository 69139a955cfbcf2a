/* mime.c - the MIME tree of a message as exact byte ranges */
#include <string.h>

#include <gmime/gmime.h>

#include "charset.h"
#include "mime.h"

typedef struct {
	const MpMessage *msg;
	const MpLimits *limits;
	GMimeParserOptions *opts;
} Walk;

static int part_read(Walk *w, MpPart *part, const char *default_type,
    GError **err);
static int multipart_split(Walk *w, MpPart *part, GError **err);

/* mp_part_header - unfolded value of the part's first field called name */
char *
mp_part_header(const MpMessage *msg, const MpPart *part, const char *name)
{
	guint i;

	for (i = 0; i < part->fields->len; i++) {
		const MpField *f = &g_array_index(part->fields, MpField, i);

		if (mp_field_is(msg, f, name))
			return mp_field_value(msg, f);
	}
	return NULL;
}

/* part_read - header block, type and (for multiparts) children of part */
static int
part_read(Walk *w, MpPart *part, const char *default_type, GError **err)
{
	const MpMessage *msg = w->msg;
	char *ct;
	int status;

	if (part->fields == NULL) {
		gsize hend;

		part->fields = g_array_new(FALSE, FALSE, sizeof(MpField));
		status = mp_header_block_split(msg->data, part->end, part->start,
		    msg->eol, w->limits->header_bytes, part->fields, &hend,
		    &part->body_start, err);
		if (status != MP_OK)
			return status;
	}
	ct = mp_part_header(msg, part, "Content-Type");
	if (ct != NULL) {
		char *u = mp_text_to_utf8(ct, strlen(ct));
		GMimeContentType *t = g_mime_content_type_parse(w->opts, u);

		if (t != NULL) {
			const char *b;
			char *mt = g_mime_content_type_get_mime_type(t);

			part->type = g_ascii_strdown(mt, -1);
			g_free(mt);
			b = g_mime_content_type_get_parameter(t, "boundary");
			if (b != NULL && *b != '\0' &&
			    g_str_has_prefix(part->type, "multipart/"))
				part->boundary = g_strdup(b);
			g_object_unref(t);
		}
		g_free(u);
		g_free(ct);
	}
	if (part->type == NULL)
		part->type = g_strdup(default_type);
	if (part->boundary == NULL)
		return MP_OK;
	if (part->depth + 1 > w->limits->mime_depth)
		return mp_fail(err, EX_DATAERR, "MIME nesting deeper than "
		    "mime-depth limit (%d)", w->limits->mime_depth);
	return multipart_split(w, part, err);
}

/* delimiter_at - whether a delimiter line "--B" or "--B--" starts at at */
static gboolean
delimiter_at(const MpMessage *msg, gsize at, gsize end, gsize dlen,
    gboolean *close)
{
	gsize i = at + dlen;

	*close = FALSE;
	if (i + 1 < end && msg->data[i] == '-' && msg->data[i + 1] == '-') {
		*close = TRUE;
		i += 2;
	}
	/* transport padding: white space up to the line break */
	while (i < end && (msg->data[i] == ' ' || msg->data[i] == '\t'))
		i++;
	return i >= end || msg->data[i] == '\n' || msg->data[i] == '\r';
}

/* line_after - first byte of the line after the one holding at */
static gsize
line_after(const MpMessage *msg, gsize at, gsize end)
{
	const char *p;
	char stop = msg->eol == MP_EOL_CR ? '\r' : '\n';

	p = memchr(msg->data + at, stop, end - at);
	return p == NULL ? end : (gsize)(p - msg->data) + 1;
}

/* eol_before - start of the line break that ends the line before at */
static gsize
eol_before(const MpMessage *msg, gsize at, gsize floor)
{
	if (at > floor && msg->data[at - 1] == '\n') {
		at--;
		if (at > floor && msg->data[at - 1] == '\r')
			at--;
	} else if (at > floor && msg->data[at - 1] == '\r') {
		at--;
	}
	return at;
}

/*
 * multipart_split - the children of a multipart: the text between its
 * delimiter lines.  Only the part's own boundary is searched for, so a
 * nested multipart's delimiters stay inside its child.  A missing close
 * delimiter lets the last child run to the end, as mail readers do.
 */
static int
multipart_split(Walk *w, MpPart *part, GError **err)
{
	const MpMessage *msg = w->msg;
	char *delim = g_strconcat("--", part->boundary, NULL);
	gsize dlen = strlen(delim), pos = part->body_start, at;
	MpPart *open = NULL;
	gboolean close = FALSE;
	const char *child_default = strcmp(part->type, "multipart/digest") == 0 ?
	    "message/rfc822" : "text/plain";
	int status = MP_OK;

	part->children = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mp_part_free);
	while (pos < part->end && !close) {
		const char *p = memmem(msg->data + pos, part->end - pos, delim,
		    dlen);

		if (p == NULL)
			break;
		at = (gsize)(p - msg->data);
		if ((at != part->body_start && msg->data[at - 1] != '\n' &&
		    msg->data[at - 1] != '\r') ||
		    !delimiter_at(msg, at, part->end, dlen, &close)) {
			pos = at + 1;
			continue;
		}
		if (open != NULL)
			open->end = eol_before(msg, at, open->start);
		open = NULL;
		pos = line_after(msg, at, part->end);
		if (!close) {
			open = g_new0(MpPart, 1);
			open->start = pos;
			open->end = part->end;
			open->depth = part->depth + 1;
			open->parent = part;
			g_ptr_array_add(part->children, open);
		}
	}
	g_free(delim);
	for (guint i = 0; i < part->children->len && status == MP_OK; i++)
		status = part_read(w, part->children->pdata[i], child_default,
		    err);
	return status;
}

/* mp_mime_parse - the part tree, honouring [limits] mime-depth */
int
mp_mime_parse(const MpMessage *msg, const MpLimits *limits, MpPart **root,
    GError **err)
{
	Walk w = { msg, limits, NULL };
	MpPart *top = g_new0(MpPart, 1);
	int status;

	*root = NULL;
	g_mime_init();
	w.opts = g_mime_parser_options_new();
	g_mime_parser_options_set_parameter_compliance_mode(w.opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	top->start = msg->prefix_len;
	top->body_start = msg->body_start;
	top->end = msg->len;
	top->fields = g_array_new(FALSE, FALSE, sizeof(MpField));
	g_array_append_vals(top->fields, msg->fields->data, msg->fields->len);
	status = part_read(&w, top, "text/plain", err);
	g_mime_parser_options_free(w.opts);
	if (status != MP_OK) {
		mp_part_free(top);
		return status;
	}
	*root = top;
	return MP_OK;
}

void
mp_part_free(MpPart *part)
{
	if (part == NULL)
		return;
	if (part->fields != NULL)
		g_array_free(part->fields, TRUE);
	if (part->children != NULL)
		g_ptr_array_free(part->children, TRUE);
	g_free(part->type);
	g_free(part->boundary);
	g_free(part);
}

/*
 * mp_part_param - a Content-Type or Content-Disposition parameter,
 * decoded (RFC 2231 and RFC 2047) to UTF-8
 *
 * GMime decodes RFC 2231 continuations and charsets; Japanese mailers put
 * RFC 2047 words (in ISO-2022-JP or Shift_JIS) inside the quotes instead,
 * which our own decoder handles together with the Microsoft extensions.
 */
char *
mp_part_param(const MpMessage *msg, const MpPart *part, const char *field,
    const char *param)
{
	static const char *fallback[] = { "UTF-8", "CP932", NULL };
	GMimeParserOptions *opts;
	char *raw = mp_part_header(msg, part, field), *u, *out = NULL;
	GMimeParamList *list;
	const char *semi;

	if (raw == NULL)
		return NULL;
	semi = strchr(raw, ';');
	if (semi == NULL) {
		g_free(raw);
		return NULL;
	}
	u = g_strdup(semi + 1);
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_parameter_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	/* strict: leave encoded-words in quotes to mp_decode_header_text */
	g_mime_parser_options_set_rfc2047_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_STRICT);
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	list = g_mime_param_list_parse(opts, u);
	if (list != NULL) {
		GMimeParam *p = g_mime_param_list_get_parameter(list, param);

		if (p != NULL && g_mime_param_get_value(p) != NULL) {
			const char *v = g_mime_param_get_value(p);

			if (strstr(v, "=?") != NULL)
				out = mp_decode_header_text(v, strlen(v), FALSE);
			else
				out = mp_text_to_utf8(v, strlen(v));
		}
		g_object_unref(list);
	}
	g_mime_parser_options_free(opts);
	g_free(u);
	g_free(raw);
	return out;
}

/* mp_part_disposition - "attachment", "inline" or NULL, lower case */
char *
mp_part_disposition(const MpMessage *msg, const MpPart *part)
{
	char *raw = mp_part_header(msg, part, "Content-Disposition"), *d;
	gsize n;

	if (raw == NULL)
		return NULL;
	n = strcspn(raw, "; \t");
	d = g_ascii_strdown(raw, (gssize)n);
	g_free(raw);
	return d;
}

/* mp_part_filename - the decoded file name, or NULL */
char *
mp_part_filename(const MpMessage *msg, const MpPart *part)
{
	char *name = mp_part_param(msg, part, "Content-Disposition",
	    "filename");

	if (name == NULL || *name == '\0') {
		g_free(name);
		name = mp_part_param(msg, part, "Content-Type", "name");
	}
	if (name != NULL && *name == '\0') {
		g_free(name);
		name = NULL;
	}
	return name;
}

/* mp_part_is_attachment - a leaf part the user attached */
gboolean
mp_part_is_attachment(const MpMessage *msg, const MpPart *part)
{
	char *disp, *name;
	gboolean yes;

	if (part->children != NULL || part->parent == NULL)
		return FALSE;
	disp = mp_part_disposition(msg, part);
	if (disp != NULL && strcmp(disp, "attachment") == 0) {
		g_free(disp);
		return TRUE;
	}
	name = mp_part_filename(msg, part);
	yes = name != NULL && (disp == NULL || strcmp(disp, "inline") != 0);
	g_free(name);
	g_free(disp);
	return yes;
}

static void
leaves_add(MpPart *p, GPtrArray *out)
{
	guint i;

	if (p->children == NULL) {
		g_ptr_array_add(out, p);
		return;
	}
	for (i = 0; i < p->children->len; i++)
		leaves_add(p->children->pdata[i], out);
}

/* mp_part_leaves - every leaf part, depth first, in order */
GPtrArray *
mp_part_leaves(MpPart *root)
{
	GPtrArray *out = g_ptr_array_new();

	leaves_add(root, out);
	return out;
}
