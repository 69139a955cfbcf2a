/* mime.c - the MIME tree of a message as exact byte ranges */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/charset.h"
#include "mail/fname.h"
#include "mail/mime.h"

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
			/* RFC 2046: a boundary cannot end in a space; ones
			 * that do are read as transport padding, as Python's
			 * email package and mail readers do */
			if (b != NULL && *b != '\0' &&
			    g_str_has_prefix(part->type, "multipart/")) {
				part->boundary = g_strdup(b);
				g_strchomp(part->boundary);
				if (*part->boundary == '\0')
					g_clear_pointer(&part->boundary, g_free);
			}
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

/*
 * delimiter_at - whether a delimiter line "--B" or "--B--" starts at at.
 * RFC 2046 allows only white space after either (transport padding):
 * "--B--x" or "--B-- text" is a line of the part, not its end, and must
 * not end it (an attachment after such a line in a text part would be
 * invisible, and go out unencrypted).  *close is set only for a line
 * that is a delimiter.
 */
static gboolean
delimiter_at(const MpMessage *msg, gsize at, gsize end, gsize dlen,
    gboolean *close)
{
	gsize i = at + dlen;
	gboolean is_close = FALSE;

	*close = FALSE;
	if (i + 1 < end && msg->data[i] == '-' && msg->data[i + 1] == '-') {
		is_close = TRUE;
		i += 2;
	}
	/* transport padding: white space up to the line break */
	while (i < end && (msg->data[i] == ' ' || msg->data[i] == '\t'))
		i++;
	if (i < end && msg->data[i] != '\n' && msg->data[i] != '\r')
		return FALSE;
	*close = is_close;
	return TRUE;
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
 * Private-use character standing in for the '?' of "=?" while GMime
 * parses a parameter list: GMime decodes encoded-words inside quotes
 * itself, with iconv's strict Shift_JIS and ISO-2022-JP, which turns
 * Microsoft's extensions (①, ㈱, 髙) into garbage.  Hidden from it, the
 * words reach mp_decode_header_text, which handles them.
 */
#define WORD_MARK "\xee\x80\x80"

/*
 * param_prepare - the parameter text after the first ';', made safe for
 * GMime: raw Shift_JIS and JIS are UTF-8 already (a Shift_JIS trail
 * byte 0x5c is a backslash, a JIS byte can be a quote), encoded-words
 * are hidden, and a backslash inside quotes that escapes nothing is
 * doubled, so that "C:\TEMP\nsmail.png" (Netscape and Outlook do not
 * escape Windows paths) keeps its separators.
 */
static char *
param_prepare(const char *raw)
{
	const char *semi = strchr(raw, ';'), *p;
	char *u;
	GString *out;
	gboolean quoted = FALSE;

	if (semi == NULL)
		return NULL;
	u = mp_text_to_utf8(semi + 1, strlen(semi + 1));
	out = g_string_sized_new(strlen(u) + 16);
	for (p = u; *p != '\0'; p++) {
		if (*p == '"') {
			quoted = !quoted;
		} else if (quoted && *p == '\\') {
			if (p[1] == '"' || p[1] == '\\') {
				g_string_append_c(out, *p++);
			} else {
				g_string_append(out, "\\\\");
				continue;
			}
		} else if (*p == '=' && p[1] == '?') {
			g_string_append(out, "=" WORD_MARK);
			p++;
			continue;
		}
		g_string_append_c(out, *p);
	}
	g_free(u);
	return g_string_free(out, FALSE);
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
	/* no CP932 guess here: it would read "Dij%8aat" labelled UTF-8 as
	 * Dij蛎t; bytes GMime cannot convert go to mp_charset_to_utf8 */
	static const char *fallback[] = { "UTF-8", NULL };
	GMimeParserOptions *opts;
	char *raw = mp_part_header(msg, part, field), *u, *out = NULL;
	GMimeParamList *list;

	if (raw == NULL)
		return NULL;
	u = param_prepare(raw);
	g_free(raw);
	if (u == NULL)
		return NULL;
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_parameter_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	list = g_mime_param_list_parse(opts, u);
	if (list != NULL) {
		GMimeParam *p = g_mime_param_list_get_parameter(list, param);

		if (p != NULL && g_mime_param_get_value(p) != NULL) {
			char **parts = g_strsplit(g_mime_param_get_value(p),
			    WORD_MARK, -1);
			char *v = g_strjoinv("?", parts);

			g_strfreev(parts);
			if (strstr(v, "=?") != NULL)
				out = mp_decode_header_text(v, strlen(v), FALSE);
			else if (g_mime_param_get_charset(p) != NULL &&
			    !g_utf8_validate(v, -1, NULL))
				/* RFC 2231 bytes not in their charset */
				out = mp_charset_to_utf8(v, strlen(v),
				    g_mime_param_get_charset(p));
			else
				out = mp_text_to_utf8(v, strlen(v));
			g_free(v);
		}
		g_object_unref(list);
	}
	g_mime_parser_options_free(opts);
	g_free(u);
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

/*
 * mp_part_filename - the decoded file name, or NULL
 *
 * A file name is only a name (RFC 2183 2.3): a directory that old
 * mailers left in front of it ("C:\TEMP\report.doc") is dropped, and so
 * are the characters that make it show as something else
 * (mp_fname_neutralise: "\u202Efdp.exe" is not "exe.pdf"), so that the
 * ZIP entry, the notice, the store and the download page all show the
 * name as it really ends.
 */
char *
mp_part_filename(const MpMessage *msg, const MpPart *part)
{
	char *name = mp_part_param(msg, part, "Content-Disposition",
	    "filename");
	const char *base;
	char *clean;

	if (name == NULL || *name == '\0') {
		g_free(name);
		name = mp_part_param(msg, part, "Content-Type", "name");
	}
	if (name == NULL)
		return NULL;
	base = MAX(strrchr(name, '/'), strrchr(name, '\\'));
	base = base != NULL ? base + 1 : name;
	clean = mp_fname_neutralise(base);
	g_strstrip(clean);
	g_free(name);
	if (*clean == '\0') {
		g_free(clean);
		return NULL;
	}
	return clean;
}

/* mp_part_content_id - the Content-ID without angle brackets, or NULL */
char *
mp_part_content_id(const MpMessage *msg, const MpPart *part)
{
	char *raw = mp_part_header(msg, part, "Content-ID"), *id;

	if (raw == NULL)
		return NULL;
	id = g_mime_utils_decode_message_id(raw);
	if (id == NULL || *id == '\0') {
		g_free(id);
		id = g_strdup(g_strstrip(g_strdelimit(raw, "<>", ' ')));
	}
	g_free(raw);
	if (*id == '\0') {
		g_free(id);
		return NULL;
	}
	return id;
}

/* DECODE_BLOCK - encoded bytes decoded at a time: about 48 KB of
 * base64 output */
#define DECODE_BLOCK ((gsize)64 * 1024)

/* mp_part_cte - the part's Content-Transfer-Encoding, as GMime's
 * decoders name them */
MpCte
mp_part_cte(const MpMessage *msg, const MpPart *part)
{
	char *v = mp_part_header(msg, part, "Content-Transfer-Encoding");
	MpCte cte = MP_CTE_IDENTITY;

	if (v == NULL)
		return cte;
	switch (g_mime_content_encoding_from_string(g_strstrip(v))) {
	case GMIME_CONTENT_ENCODING_BASE64:
		cte = MP_CTE_BASE64;
		break;
	case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
		cte = MP_CTE_QP;
		break;
	case GMIME_CONTENT_ENCODING_UUENCODE:
		cte = MP_CTE_UUENCODE;
		break;
	case GMIME_CONTENT_ENCODING_DEFAULT:
		/* an empty field says nothing */
		cte = *v != '\0' ? MP_CTE_UNKNOWN : MP_CTE_IDENTITY;
		break;
	default:
		break;
	}
	g_free(v);
	return cte;
}

/*
 * mp_part_decode_each - a leaf part's body with its transfer encoding
 * undone (base64, quoted-printable, uuencode; anything else as it is),
 * handed to sink a block at a time; the first status sink returns that
 * is not MP_OK ends it.  GMime's decoders skip what does not decode, as
 * mail readers do.
 */
int
mp_part_decode_each(const MpMessage *msg, const MpPart *part,
    MpDecodeSink sink, gpointer data, GError **err)
{
	static const GMimeContentEncoding decoders[] = {
		[MP_CTE_BASE64] = GMIME_CONTENT_ENCODING_BASE64,
		[MP_CTE_QP] = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
		[MP_CTE_UUENCODE] = GMIME_CONTENT_ENCODING_UUENCODE,
	};
	MpCte cte = mp_part_cte(msg, part);
	const char *in = msg->data + part->body_start;
	gsize inlen = part->end > part->body_start ?
	    part->end - part->body_start : 0, off;
	GMimeEncoding state;
	char *buf;
	int status = MP_OK;

	if (cte == MP_CTE_IDENTITY || cte == MP_CTE_UNKNOWN)
		return inlen > 0 ? sink(in, inlen, data, err) : MP_OK;
	g_mime_encoding_init_decode(&state, decoders[cte]);
	if (cte == MP_CTE_UUENCODE) {
		/* GMime's decoder starts after the "begin" line */
		const char *b = in;

		while (b != NULL && ((gsize)(in + inlen - b) < 6 ||
		    memcmp(b, "begin ", 6) != 0)) {
			b = memchr(b, '\n', inlen - (gsize)(b - in));
			b = b != NULL && b + 1 < in + inlen ? b + 1 : NULL;
		}
		if (b == NULL)
			return MP_OK;
		b = memchr(b, '\n', inlen - (gsize)(b - in));
		b = b != NULL ? b + 1 : in + inlen;
		inlen -= (gsize)(b - in);
		in = b;
		state.state |= GMIME_UUDECODE_STATE_BEGIN;
	}
	buf = g_malloc(g_mime_encoding_outlen(&state, DECODE_BLOCK) + 1);
	for (off = 0; status == MP_OK && off < inlen; off += DECODE_BLOCK) {
		gsize k = MIN(DECODE_BLOCK, inlen - off), n;

		n = off + k < inlen ?
		    g_mime_encoding_step(&state, in + off, k, buf) :
		    g_mime_encoding_flush(&state, in + off, k, buf);
		if (n > 0)
			status = sink(buf, n, data, err);
	}
	g_free(buf);
	return status;
}

/* append_sink - a decoded block onto a GByteArray */
static int
append_sink(const char *buf, gsize n, gpointer data, GError **err)
{
	(void)err;
	g_byte_array_append(data, (const guint8 *)buf, (guint)n);
	return MP_OK;
}

/* mp_part_decode - the body of a leaf part with its transfer encoding
 * undone, in memory */
GBytes *
mp_part_decode(const MpMessage *msg, const MpPart *part)
{
	GByteArray *out = g_byte_array_new();

	mp_part_decode_each(msg, part, append_sink, out, NULL);
	return g_byte_array_free_to_bytes(out);
}

/*
 * The images an HTML body shows are the cid: URLs (RFC 2392) in its
 * markup.  This scanner knows just enough of the HTML tokenizer (WHATWG
 * HTML, 13.2.5) to find them where a browser would and nowhere else:
 * only in attribute values of start tags that are closed ('>'), never
 * in text, comments ("<!--" to "-->" or "--!>"), bogus comments and
 * declarations ("<!DOCTYPE", "<![CDATA[", "<?", all ending at the first
 * '>'), end tags, or the content of the elements whose content is text
 * (script, with its "<!--<script>" nesting, style, title, textarea,
 * xmp, iframe, noembed, noframes, plaintext).  Where it is simpler than
 * a browser (SVG and MathML content, named character references other
 * than a few), it finds fewer references: an image it misses is
 * encrypted with the attachments, which costs a picture in the text
 * and leaks nothing.  libxml2's HTML parser is a tokenizer of HTML 4,
 * with other rules for comments and raw text, and would put a second
 * XML library into the static binaries for this one question.
 */

/* html_space - HTML's ASCII white space */
static gboolean
html_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* html_name_at - whether name (lower case) is at p, followed by white
 * space, '/', '>' or the end, as a tag name is */
static gboolean
html_name_at(const char *p, const char *end, const char *name)
{
	gsize n = strlen(name);

	if ((gsize)(end - p) < n || g_ascii_strncasecmp(p, name, n) != 0)
		return FALSE;
	p += n;
	return p == end || html_space(*p) || *p == '/' || *p == '>';
}

/* html_end_tag_at - whether the end tag of name ("</name") is at p */
static gboolean
html_end_tag_at(const char *p, const char *end, const char *name)
{
	return end - p >= 2 && p[0] == '<' && p[1] == '/' &&
	    html_name_at(p + 2, end, name);
}

/* html_comment_end - just after the comment whose "<!--" ends at p */
static const char *
html_comment_end(const char *p, const char *end)
{
	if (p < end && *p == '>')				/* <!--> */
		return p + 1;
	if (end - p >= 2 && p[0] == '-' && p[1] == '>')		/* <!---> */
		return p + 2;
	for (; p < end; p++) {
		if (*p != '-')
			continue;
		if (end - p >= 3 && memcmp(p, "-->", 3) == 0)
			return p + 3;
		if (end - p >= 4 && memcmp(p, "--!>", 4) == 0)
			return p + 4;
	}
	return end;
}

/* html_text_end - where the text content of element name, starting at
 * p, ends: at its end tag */
static const char *
html_text_end(const char *p, const char *end, const char *name)
{
	for (; p < end && (p = memchr(p, '<', (gsize)(end - p))) != NULL; p++)
		if (html_end_tag_at(p, end, name))
			return p;
	return end;
}

/*
 * html_script_end - where a script's text, starting at p, ends.  After
 * "<!--" a "<script" opens a stretch that its own "</script" closes
 * (the escaped and double-escaped states of the tokenizer), so in
 * "<!--<script></script>..." the first end tag does not end the
 * script; "-->" leaves both.
 */
static const char *
html_script_end(const char *p, const char *end)
{
	enum { DATA, ESCAPED, DOUBLE } state = DATA;

	while (p < end) {
		if (*p == '-' && state != DATA && end - p >= 3 &&
		    memcmp(p, "-->", 3) == 0) {
			state = DATA;
			p += 3;
		} else if (*p != '<') {
			p++;
		} else if (state != DOUBLE && html_end_tag_at(p, end, "script")) {
			return p;
		} else if (state == DATA && end - p >= 4 &&
		    memcmp(p, "<!--", 4) == 0) {
			state = ESCAPED;
			p += 2;		/* "<!-->" is already over */
		} else if (state == ESCAPED && html_name_at(p + 1, end,
		    "script")) {
			state = DOUBLE;
			p += 7;
		} else if (state == DOUBLE && html_end_tag_at(p, end,
		    "script")) {
			state = ESCAPED;
			p += 8;
		} else {
			p++;
		}
	}
	return end;
}

/* html_unescape - an attribute value with its numeric character
 * references and &amp; &lt; &gt; &quot; &apos; &colon; resolved */
static char *
html_unescape(const char *s, const char *end)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }, { "colon;", ':' },
	};
	GString *out = g_string_sized_new((gsize)(end - s));

	while (s < end) {
		gsize i;

		if (*s != '&') {
			g_string_append_c(out, *s++);
			continue;
		}
		if (end - s >= 3 && s[1] == '#') {
			gboolean hex = s[2] == 'x' || s[2] == 'X';
			const char *d = s + (hex ? 3 : 2), *q = d;
			guint64 c = 0;

			while (q < end && (hex ? g_ascii_isxdigit(*q) :
			    g_ascii_isdigit(*q))) {
				c = MIN(c * (hex ? 16 : 10) + (guint64)(hex ?
				    g_ascii_xdigit_value(*q) :
				    g_ascii_digit_value(*q)), 0x110000);
				q++;
			}
			if (q > d) {
				if (c == 0 || c > 0x10ffff ||
				    (c >= 0xd800 && c <= 0xdfff))
					c = 0xfffd;
				g_string_append_unichar(out, (gunichar)c);
				s = q < end && *q == ';' ? q + 1 : q;
				continue;
			}
		}
		for (i = 0; i < G_N_ELEMENTS(named); i++) {
			gsize n = strlen(named[i].name);

			if ((gsize)(end - s - 1) >= n &&
			    memcmp(s + 1, named[i].name, n) == 0)
				break;
		}
		if (i < G_N_ELEMENTS(named)) {
			g_string_append_c(out, named[i].c);
			s += 1 + strlen(named[i].name);
		} else {
			g_string_append_c(out, *s++);
		}
	}
	return g_string_free(out, FALSE);
}

/* cid_add - the cid: URL whose part after "cid:" starts at s, up to
 * white space, a quote or ')', %-decoded and in lower case */
static void
cid_add(GPtrArray *urls, const char *s)
{
	gsize n = strcspn(s, " \t\n\f\r\"')");
	char *raw = g_strndup(s, n), *url = g_uri_unescape_string(raw, NULL);

	if (url != NULL && *url != '\0')
		g_ptr_array_add(urls, g_ascii_strdown(url, -1));
	g_free(url);
	g_free(raw);
}

/* html_attribute - the cid: URL an attribute value is (src="cid:..."),
 * or, in a style attribute, those of its url()s */
static void
html_attribute(GPtrArray *urls, const char *name, gsize name_len,
    const char *v, const char *v_end)
{
	char *value = html_unescape(v, v_end), *s = value;

	while (html_space(*s))
		s++;
	if (g_ascii_strncasecmp(s, "cid:", 4) == 0) {
		cid_add(urls, s + 4);
	} else if (name_len == 5 && g_ascii_strncasecmp(name, "style", 5) == 0) {
		for (; *s != '\0'; s++) {
			char *u;

			if (g_ascii_strncasecmp(s, "url(", 4) != 0)
				continue;
			for (u = s + 4; html_space(*u) || *u == '"' ||
			    *u == '\''; u++)
				;
			if (g_ascii_strncasecmp(u, "cid:", 4) == 0)
				cid_add(urls, u + 4);
		}
	}
	g_free(value);
}

/*
 * html_tag - read the start or end tag whose name starts at p; its
 * name, lower case, in *name.  The cid: URLs of a start tag's attribute
 * values go into cids once its '>' is read: a tag cut off by the end of
 * the text is no tag (the tokenizer drops it).
 */
static const char *
html_tag(const char *p, const char *end, gboolean start, char **name,
    GHashTable *cids)
{
	const char *s = p;
	GPtrArray *urls = g_ptr_array_new_with_free_func(g_free);
	guint i;

	while (p < end && !html_space(*p) && *p != '/' && *p != '>')
		p++;
	*name = g_ascii_strdown(s, p - s);
	for (;;) {
		const char *n, *n_end, *v = NULL, *v_end = NULL;

		while (p < end && (html_space(*p) || *p == '/'))
			p++;
		if (p >= end || *p == '>')
			break;
		n = p++;	/* a name may start with '=' */
		while (p < end && !html_space(*p) && *p != '/' && *p != '>' &&
		    *p != '=')
			p++;
		n_end = p;
		while (p < end && html_space(*p))
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && html_space(*p))
			p++;
		if (p < end && (*p == '"' || *p == '\'')) {
			const char *q = memchr(p + 1, *p, (gsize)(end - p - 1));

			v = p + 1;
			v_end = q != NULL ? q : end;
			p = q != NULL ? q + 1 : end;
		} else {
			v = p;
			while (p < end && !html_space(*p) && *p != '>')
				p++;
			v_end = p;
		}
		if (start)
			html_attribute(urls, n, (gsize)(n_end - n), v, v_end);
	}
	if (p < end) {
		for (i = 0; i < urls->len; i++)
			g_hash_table_add(cids, g_strdup(urls->pdata[i]));
		p++;
	}
	g_ptr_array_free(urls, TRUE);
	return p;
}

/* html_scan - add the cid: URLs of an HTML text's markup to cids */
static void
html_scan(const char *p, const char *end, GHashTable *cids)
{
	static const char *const text_elements[] = {
		"style", "title", "textarea", "xmp", "iframe", "noembed",
		"noframes",
	};

	while (p < end && (p = memchr(p, '<', (gsize)(end - p))) != NULL) {
		char *name = NULL;
		guint i;

		if (++p >= end)
			break;
		if (g_ascii_isalpha(*p)) {
			p = html_tag(p, end, TRUE, &name, cids);
			if (strcmp(name, "script") == 0)
				p = html_script_end(p, end);
			else if (strcmp(name, "plaintext") == 0)
				p = end;
			for (i = 0; i < G_N_ELEMENTS(text_elements); i++)
				if (strcmp(name, text_elements[i]) == 0)
					p = html_text_end(p, end, name);
			g_free(name);
		} else if (*p == '/' && end - p > 1 && g_ascii_isalpha(p[1])) {
			p = html_tag(p + 1, end, FALSE, &name, cids);
			g_free(name);
		} else if (*p == '!' && end - p >= 3 && p[1] == '-' &&
		    p[2] == '-') {
			p = html_comment_end(p + 3, end);
		} else if (*p == '!' || *p == '?' || *p == '/') {
			const char *gt = memchr(p, '>', (gsize)(end - p));

			p = gt != NULL ? gt + 1 : end;
		}
	}
}

/* attachment_named - whether a part carries a file name or says it is
 * an attachment; either way it is no HTML body */
static gboolean
attachment_named(const MpMessage *msg, const MpPart *p, gboolean *disp_att)
{
	char *disp = mp_part_disposition(msg, p), *name;

	*disp_att = disp != NULL && strcmp(disp, "attachment") == 0;
	g_free(disp);
	if (*disp_att)
		return TRUE;
	name = mp_part_filename(msg, p);
	g_free(name);
	return name != NULL;
}

/*
 * html_cids - the cid: URLs that the message's HTML bodies (text/html
 * parts that are no attachment) show, lower case and %-decoded, as a
 * set.  The HTML is read in UTF-8: ISO-2022-JP text has '<' and '"'
 * bytes inside its kanji.
 */
static GHashTable *
html_cids(const MpMessage *msg, GPtrArray *leaves)
{
	GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i;

	for (i = 0; i < leaves->len; i++) {
		const MpPart *p = leaves->pdata[i];
		GBytes *body;
		char *charset, *text;
		const char *d;
		gsize len;
		gboolean disp_att;

		if (strcmp(p->type, "text/html") != 0 ||
		    attachment_named(msg, p, &disp_att))
			continue;
		body = mp_part_decode(msg, p);
		d = g_bytes_get_data(body, &len);
		charset = mp_part_param(msg, p, "Content-Type", "charset");
		text = mp_charset_to_utf8(d != NULL ? d : "", len, charset);
		if (text != NULL)
			html_scan(text, text + strlen(text), set);
		g_free(text);
		g_free(charset);
		g_bytes_unref(body);
	}
	return set;
}

/*
 * forwarded - whether a part is a message that the sender forwards.  The
 * message a report returns (RFC 6522: the bounced message of a delivery
 * status notification, the original of a read receipt, the reported
 * mail of an abuse report) goes back where it came from, and the report
 * machinery that reads it must find it where it is: it counts only by
 * the rules of any other part.
 */
static gboolean
forwarded(const MpPart *p)
{
	if (strcmp(p->type, "message/rfc822") != 0 &&
	    strcmp(p->type, "message/global") != 0)
		return FALSE;
	return p->parent == NULL ||
	    strcmp(p->parent->type, "multipart/report") != 0;
}

/*
 * nameless_kept - whether a leaf with no name and no attachment
 * disposition is no file but the machinery of the mail: the status a
 * report carries, wherever it is (message/delivery-status and the like;
 * a forwarded message and a fragment of one, message/partial, are
 * files, unless a report returns them), the signature of a
 * multipart/signed and both parts of a multipart/encrypted (RFC 1847:
 * ciphertext already), or an image that is a resource of a
 * multipart/related (RFC 2387: the HTML shows it, by cid: or by
 * Content-Location)
 */
static gboolean
nameless_kept(const MpPart *p)
{
	const MpPart *up = p->parent;
	const char *ut = up != NULL ? up->type : "";

	if (g_str_has_prefix(p->type, "message/") &&
	    (strcmp(p->type, "message/partial") != 0 ||
	    strcmp(ut, "multipart/report") == 0))
		return TRUE;
	if (strcmp(ut, "multipart/encrypted") == 0)
		return TRUE;
	if (strcmp(ut, "multipart/signed") == 0 && up->children->len > 1 &&
	    up->children->pdata[1] == p)
		return TRUE;
	return strcmp(ut, "multipart/related") == 0 &&
	    g_str_has_prefix(p->type, "image/");
}

/* cid_shown - whether an image's Content-ID is one the HTML shows */
static gboolean
cid_shown(const MpMessage *msg, const MpPart *p, GHashTable *cids)
{
	char *cid, *lc;
	gboolean yes;

	if (!g_str_has_prefix(p->type, "image/") ||
	    (cid = mp_part_content_id(msg, p)) == NULL)
		return FALSE;
	lc = g_ascii_strdown(cid, -1);
	yes = g_hash_table_contains(cids, lc);
	g_free(lc);
	g_free(cid);
	return yes;
}

/*
 * mp_part_attachments - the parts the sender attached, in order
 *
 * A leaf is an attachment when its disposition is "attachment" or one
 * RFC 2183 does not know (2.8: treat it as "attachment"), when it is a
 * forwarded message (message/rfc822 or message/global, whatever its
 * disposition: it carries the files of the message it holds; the
 * walker does not descend into it, so it is one attachment; but see
 * forwarded() for the message a report returns), when it has a file
 * name, or when it is a file with no name at all: any leaf that is not
 * text, a multipart (one whose delimiter never occurs) or the machinery
 * of a report, a signature, an encryption or an HTML page
 * (nameless_kept).  A PDF without a name or a disposition is a file all
 * the same, and must not leave in the clear.  The one exception is an
 * image without an attachment disposition whose Content-ID the markup
 * of a text/html part shows (cid:): it is part of the text.  A message whose whole
 * body is a file counts too.
 */
GPtrArray *
mp_part_attachments(const MpMessage *msg, MpPart *root)
{
	GPtrArray *leaves = mp_part_leaves(root), *out = g_ptr_array_new();
	GHashTable *cids = html_cids(msg, leaves);
	guint i;

	for (i = 0; i < leaves->len; i++) {
		MpPart *p = leaves->pdata[i];
		char *disp = mp_part_disposition(msg, p), *name;
		gboolean yes = (disp != NULL && strcmp(disp, "inline") != 0) ||
		    forwarded(p);

		if (!yes && (name = mp_part_filename(msg, p)) != NULL) {
			yes = TRUE;
			g_free(name);
		} else if (!yes && !g_str_has_prefix(p->type, "text/") &&
		    !g_str_has_prefix(p->type, "multipart/") &&
		    !nameless_kept(p))
			yes = TRUE;
		if (yes && (disp == NULL || strcmp(disp, "attachment") != 0) &&
		    cid_shown(msg, p, cids))
			yes = FALSE;
		if (yes)
			g_ptr_array_add(out, p);
		g_free(disp);
	}
	g_hash_table_destroy(cids);
	g_ptr_array_free(leaves, TRUE);
	return out;
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
