/* notebody.c - the note at the top of the message's own text */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/charset.h"
#include "base/human.h"
#include "mail/notebody.h"

/* RFC 2045 6.8: base64 lines of 76 characters */
#define BASE64_LINE 76
/* the line that parts the note from the sender's text */
#define NOTE_RULE "----------------------------------------"

typedef enum {
	CTE_IDENTITY,		/* 7bit, 8bit, binary */
	CTE_BASE64,
	CTE_QP,
} Cte;

/* mp_note_place_parse - "body" or "part" */
gboolean
mp_note_place_parse(const char *s, MpNotePlace *out)
{
	if (strcmp(s, "body") == 0)
		*out = MP_NOTE_BODY;
	else if (strcmp(s, "part") == 0)
		*out = MP_NOTE_PART;
	else
		return FALSE;
	return TRUE;
}

/* part_cte - the part's transfer encoding; FALSE for one we do not
 * write (uuencode, x-token): such a part is left alone */
static gboolean
part_cte(const MpMessage *msg, const MpPart *part, Cte *out)
{
	char *v = mp_part_header(msg, part, "Content-Transfer-Encoding");
	gboolean ok = TRUE;

	*out = CTE_IDENTITY;
	if (v != NULL) {
		g_strstrip(v);
		if (g_ascii_strcasecmp(v, "base64") == 0)
			*out = CTE_BASE64;
		else if (g_ascii_strcasecmp(v, "quoted-printable") == 0)
			*out = CTE_QP;
		else if (g_ascii_strcasecmp(v, "7bit") != 0 &&
		    g_ascii_strcasecmp(v, "8bit") != 0 &&
		    g_ascii_strcasecmp(v, "binary") != 0)
			ok = FALSE;
		g_free(v);
	}
	return ok;
}

/* declared_8bit - whether the part says 8bit or binary: UTF-8 text
 * may then stay as it is; 7bit (said or meant) needs base64 for it */
static gboolean
declared_8bit(const MpMessage *msg, const MpPart *part)
{
	char *v = mp_part_header(msg, part, "Content-Transfer-Encoding");
	gboolean yes = FALSE;

	if (v != NULL) {
		g_strstrip(v);
		yes = g_ascii_strcasecmp(v, "8bit") == 0 ||
		    g_ascii_strcasecmp(v, "binary") == 0;
		g_free(v);
	}
	return yes;
}

/* is_text - a leaf that is the sender's text of this type: not an
 * attachment, and in a transfer encoding we can write back */
static gboolean
is_text(const MpMessage *msg, const MpPart *p, const char *type,
    GHashTable *atts)
{
	char *disp;
	gboolean yes;
	Cte cte;

	if (strcmp(p->type, type) != 0 || g_hash_table_contains(atts, p) ||
	    !part_cte(msg, p, &cte))
		return FALSE;
	disp = mp_part_disposition(msg, p);
	yes = disp == NULL || strcmp(disp, "attachment") != 0;
	g_free(disp);
	return yes;
}

/* under - whether p lies inside ancestor */
static gboolean
under(const MpPart *p, const MpPart *ancestor)
{
	for (; p != NULL; p = p->parent)
		if (p == ancestor)
			return TRUE;
	return FALSE;
}

/*
 * mp_note_text_parts - the parts that take the note: the first
 * text/plain that is no attachment and the text/html of its
 * multipart/alternative (the same text for another reader), or the
 * first text/html when there is no text/plain
 */
GPtrArray *
mp_note_text_parts(const MpMessage *msg, MpPart *root)
{
	GPtrArray *leaves = mp_part_leaves(root), *list, *out;
	GHashTable *atts = g_hash_table_new(g_direct_hash, g_direct_equal);
	MpPart *plain = NULL, *html = NULL, *alt = NULL;
	guint i;

	out = g_ptr_array_new();
	list = mp_part_attachments(msg, root);
	for (i = 0; i < list->len; i++)
		g_hash_table_add(atts, list->pdata[i]);
	g_ptr_array_free(list, TRUE);
	for (i = 0; i < leaves->len && plain == NULL; i++)
		if (is_text(msg, leaves->pdata[i], "text/plain", atts))
			plain = leaves->pdata[i];
	if (plain != NULL)
		for (alt = plain->parent; alt != NULL &&
		    strcmp(alt->type, "multipart/alternative") != 0;
		    alt = alt->parent)
			;
	for (i = 0; i < leaves->len && html == NULL; i++) {
		MpPart *p = leaves->pdata[i];

		if ((plain == NULL || (alt != NULL && under(p, alt))) &&
		    is_text(msg, p, "text/html", atts))
			html = p;
	}
	/* the message itself is text: it has no attachments to take */
	if (plain != NULL && plain->parent != NULL)
		g_ptr_array_add(out, plain);
	if (html != NULL && html->parent != NULL)
		g_ptr_array_add(out, html);
	g_hash_table_destroy(atts);
	g_ptr_array_free(leaves, TRUE);
	return out;
}

/* note_html - the note as an HTML block, its lines kept, link a link */
static char *
note_html(const char *note, const char *link)
{
	GString *out = g_string_new("<div style=\"margin:0 0 1em 0;"
	    "padding:0.5em;border:1px solid #999;white-space:pre-wrap\">");
	const char *p = note, *hit;
	gsize n = strlen(note);

	while (n > 0 && note[n - 1] == '\n')
		n--;
	while (link != NULL && *link != '\0' &&
	    (hit = g_strstr_len(p, (gssize)(note + n - p), link)) != NULL) {
		mp_html_escape_append(out, p, (gsize)(hit - p), TRUE);
		g_string_append(out, "<a href=\"");
		mp_html_escape_append(out, link, strlen(link), TRUE);
		g_string_append(out, "\">");
		mp_html_escape_append(out, link, strlen(link), TRUE);
		g_string_append(out, "</a>");
		p = hit + strlen(link);
	}
	mp_html_escape_append(out, p, (gsize)(note + n - p), TRUE);
	g_string_append(out, "</div>\n");
	return g_string_free(out, FALSE);
}

/* note_plain - the note, then a rule and an empty line before the text */
static char *
note_plain(const char *note)
{
	gsize n = strlen(note);

	return g_strconcat(note, n > 0 && note[n - 1] != '\n' ? "\n" : "",
	    NOTE_RULE "\n\n", NULL);
}

/* body_start_at - where the text inside <body ...> starts in d; 0
 * when there is no body tag (the note then goes first) */
static gsize
body_start_at(const char *d, gsize len)
{
	gsize i;

	for (i = 0; i + 5 < len; i++) {
		const char *gt;

		if (d[i] != '<' || g_ascii_strncasecmp(d + i + 1, "body", 4) != 0 ||
		    (d[i + 5] != '>' && !g_ascii_isspace(d[i + 5])))
			continue;
		gt = memchr(d + i, '>', len - i);
		return gt != NULL ? (gsize)(gt - d) + 1 : 0;
	}
	return 0;
}

/* is_ascii_label - whether a charset label means US-ASCII */
static gboolean
is_ascii_label(const char *cs)
{
	return g_ascii_strcasecmp(cs, "us-ascii") == 0 ||
	    g_ascii_strcasecmp(cs, "ascii") == 0 ||
	    g_ascii_strcasecmp(cs, "ansi_x3.4-1968") == 0;
}

/* is_jis_label - whether a charset label means ISO-2022-JP */
static gboolean
is_jis_label(const char *cs)
{
	return g_ascii_strncasecmp(cs, "iso-2022-jp", 11) == 0 ||
	    g_ascii_strcasecmp(cs, "csiso2022jp") == 0;
}

/* bytes_ascii - whether every byte is 7-bit */
static gboolean
bytes_ascii(const char *s, gsize len)
{
	gsize i;

	for (i = 0; i < len; i++)
		if ((guchar)s[i] >= 0x80)
			return FALSE;
	return TRUE;
}

/*
 * encode_in - UTF-8 text (LF lines) in charset cs with eol line
 * breaks, or NULL when cs cannot hold every character.  ISO-2022-JP
 * line by line, so that each line ends in ASCII (RFC 1468), with
 * glibc's strict table: what it cannot write, a reader may not read.
 */
static GString *
encode_in(const char *utf8, const char *cs, const char *eol)
{
	char **lines = g_strsplit(utf8, "\n", -1);
	GString *out = g_string_new(NULL);
	gboolean jis = is_jis_label(cs), ascii = is_ascii_label(cs);
	guint i;

	for (i = 0; lines[i] != NULL; i++) {
		char *enc = NULL;
		gsize n = 0;

		if (i > 0)
			g_string_append(out, eol);
		if (*lines[i] == '\0')
			continue;
		if (ascii) {
			if (bytes_ascii(lines[i], strlen(lines[i])))
				enc = g_strdup(lines[i]);
			n = strlen(lines[i]);
		} else {
			enc = g_convert(lines[i], -1, jis ? "ISO-2022-JP" : cs,
			    "UTF-8", NULL, &n, NULL);
		}
		if (enc == NULL) {
			g_strfreev(lines);
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append_len(out, enc, (gssize)n);
		g_free(enc);
	}
	g_strfreev(lines);
	return out;
}

/* eol_of - the line break the decoded text uses: CRLF or LF */
static const char *
eol_of(const char *d, gsize len, const char *fallback)
{
	const char *nl = memchr(d, '\n', len);

	if (nl == NULL)
		return fallback;
	return nl > d && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* lf_to - LF line breaks (after CRLF folded to LF) turned into eol */
static void
lf_to(GString *out, const char *s, gsize len, const char *eol)
{
	gsize i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n')
			g_string_append(out, eol);
		else
			g_string_append_c(out, s[i]);
	}
}

/* encode_body - decoded bytes in transfer encoding cte, lines in eol,
 * no final line break added */
static GString *
encode_body(const char *d, gsize len, Cte cte, const char *eol)
{
	GString *out = g_string_sized_new(len + len / 2 + 16);
	GMimeEncoding st;
	char *enc;
	gsize n, i;

	if (cte == CTE_IDENTITY) {
		g_string_append_len(out, d, (gssize)len);
		return out;
	}
	if (cte == CTE_BASE64) {
		enc = g_base64_encode((const guchar *)d, len);
		n = strlen(enc);
		for (i = 0; i < n; i += BASE64_LINE) {
			if (i > 0)
				g_string_append(out, eol);
			g_string_append_len(out, enc + i,
			    (gssize)MIN(BASE64_LINE, n - i));
		}
		g_free(enc);
		return out;
	}
	/* quoted-printable: GMime's encoder takes LF lines */
	{
		GString *lf = g_string_sized_new(len);

		lf_to(lf, d, len, "\n");
		g_mime_encoding_init_encode(&st, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
		enc = g_malloc(g_mime_encoding_outlen(&st, lf->len) + 1);
		n = g_mime_encoding_flush(&st, lf->str, lf->len, enc);
		/* no soft line break at the very end: the part ends there */
		if (n >= 2 && enc[n - 2] == '=' && enc[n - 1] == '\n')
			n -= 2;
		lf_to(out, enc, n, eol);
		g_free(enc);
		g_string_free(lf, TRUE);
	}
	return out;
}

/* charset_field - a Content-Type field with charset set to cs */
static char *
charset_field(const char *raw, gsize len, const char *cs, const char *eol)
{
	GRegex *re = g_regex_new("(\\bcharset\\s*=\\s*)(\"[^\"]*\"|[^;\\s]+)",
	    G_REGEX_CASELESS | G_REGEX_RAW, 0, NULL);
	char *field = g_strndup(raw, len), *out, *with;
	gsize end = len;

	with = g_strconcat("\\1", cs, NULL);
	if (g_regex_match(re, field, 0, NULL)) {
		out = g_regex_replace(re, field, -1, 0, with, 0, NULL);
	} else {
		while (end > 0 && (field[end - 1] == '\n' || field[end - 1] == '\r'))
			end--;
		out = g_strdup_printf("%.*s; charset=%s%s", (int)end, field, cs,
		    eol);
	}
	g_free(with);
	g_free(field);
	g_regex_unref(re);
	return out;
}

/*
 * part_header - the part's header block, byte for byte, but with
 * charset cs (when not NULL) and the transfer encoding cte (when not
 * NULL) in place of the old ones
 */
static GString *
part_header(const MpMessage *msg, const MpPart *part, const char *cs,
    const char *cte)
{
	const char *eol = mp_message_eol(msg);
	GString *out = g_string_new(NULL);
	gsize last = part->start;
	gboolean had_cte = FALSE;
	guint i;

	for (i = 0; i < part->fields->len; i++) {
		const MpField *f = &g_array_index(part->fields, MpField, i);
		const char *raw = msg->data + f->start;
		gsize len = f->end - f->start;

		last = f->end;
		if (cs != NULL && mp_field_is(msg, f, "Content-Type")) {
			char *v = charset_field(raw, len, cs, eol);

			g_string_append(out, v);
			if (!f->has_eol)
				g_string_append(out, eol);
			g_free(v);
		} else if (mp_field_is(msg, f, "Content-Transfer-Encoding")) {
			had_cte = TRUE;
			if (cte != NULL)
				g_string_append_printf(out,
				    "Content-Transfer-Encoding: %s%s", cte, eol);
			else
				g_string_append_len(out, raw, (gssize)len);
		} else {
			g_string_append_len(out, raw, (gssize)len);
			if (!f->has_eol)
				g_string_append(out, eol);
		}
	}
	if (cte != NULL && !had_cte)
		g_string_append_printf(out, "Content-Transfer-Encoding: %s%s",
		    cte, eol);
	/* the empty line, as it was */
	if (part->body_start > last)
		g_string_append_len(out, msg->data + last,
		    (gssize)(part->body_start - last));
	else
		g_string_append(out, eol);
	return out;
}

/*
 * mp_note_into_part - part as a whole MIME part (no final line break)
 * with note at the top of its text
 *
 * The note is written in the part's own charset when that charset can
 * hold it (ISO-2022-JP stays ISO-2022-JP), the text around it is left
 * as it was, and the transfer encoding stays: 7bit and 8bit bodies take
 * the note in front of their bytes, base64 and quoted-printable ones
 * are encoded again.  A US-ASCII part whose note is Japanese becomes
 * ISO-2022-JP, which holds ASCII as it is.  When neither holds it (①,
 * half-width katakana), the text is converted to UTF-8 and the charset
 * says so; a 7bit body then becomes base64.  In HTML the note goes just
 * inside <body>, or first when there is no body tag.
 */
char *
mp_note_into_part(const MpMessage *msg, const MpPart *part,
    const char *note, const char *link)
{
	const char *meol = mp_message_eol(msg), *teol;
	char *label = mp_part_param(msg, part, "Content-Type", "charset");
	const char *cs = label != NULL && *label != '\0' ? label : "us-ascii";
	gboolean html = strcmp(part->type, "text/html") == 0;
	char *insert = html ? note_html(note, link) : note_plain(note);
	GBytes *body = mp_part_decode(msg, part);
	gsize len, at;
	const char *d = g_bytes_get_data(body, &len);
	const char *new_cs = NULL, *new_cte = NULL;
	GString *enc, *text, *head, *out;
	Cte cte;

	part_cte(msg, part, &cte);
	if (d == NULL)
		d = "";
	teol = cte == CTE_IDENTITY ? meol : eol_of(d, len, meol);
	at = html ? body_start_at(d, len) : 0;
	text = g_string_sized_new(len + strlen(insert) * 2);
	if ((enc = encode_in(insert, cs, teol)) == NULL &&
	    is_ascii_label(cs) && bytes_ascii(d, len) &&
	    (enc = encode_in(insert, "ISO-2022-JP", teol)) != NULL)
		new_cs = "ISO-2022-JP";
	if (enc != NULL) {
		g_string_append_len(text, d, (gssize)at);
		g_string_append_len(text, enc->str, (gssize)enc->len);
		g_string_append_len(text, d + at, (gssize)(len - at));
	} else {
		/* the whole text in UTF-8: the note's charset cannot hold it */
		char *u = mp_charset_to_utf8(d, len, cs);
		gsize ulen = strlen(u), uat = html ? body_start_at(u, ulen) : 0;

		enc = g_string_new(NULL);
		lf_to(enc, insert, strlen(insert), teol);
		g_string_append_len(text, u, (gssize)uat);
		g_string_append_len(text, enc->str, (gssize)enc->len);
		g_string_append_len(text, u + uat, (gssize)(ulen - uat));
		g_free(u);
		new_cs = "UTF-8";
		if (cte == CTE_IDENTITY && !declared_8bit(msg, part)) {
			cte = CTE_BASE64;
			new_cte = "base64";
		}
	}
	head = part_header(msg, part, new_cs, new_cte);
	out = encode_body(text->str, text->len, cte, meol);
	g_string_prepend_len(out, head->str, (gssize)head->len);
	g_string_free(head, TRUE);
	g_string_free(text, TRUE);
	g_string_free(enc, TRUE);
	g_bytes_unref(body);
	g_free(insert);
	g_free(label);
	return g_string_free(out, FALSE);
}
