/* text.c - the words of a message: text parts, HTML, attachments that
 * hold text (plain, CSV, DOCX, XLSX, PPTX), normalised for matching */
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "mail/charset.h"
#include "facts/text.h"

/*
 * Every reader here appends through put_capped, so the text one call
 * adds never passes MP_TEXT_OUT_BYTES.  Reaching that cap cuts the text
 * at a character boundary and is not MP_TEXT_LIMIT: 16 MB of words is
 * enough to count in, and a long spreadsheet is not a zip bomb.
 * MP_TEXT_LIMIT is for what cannot be read within MP_TEXT_READ_BYTES
 * and MP_TEXT_ENTRIES (OOXML), MP_TEXT_HTML_BYTES and
 * MP_TEXT_HTML_DEPTH (HTML).
 */

/* put_capped - append n bytes, or the whole characters *left allows;
 * FALSE when the text was cut */
static gboolean
put_capped(GString *out, const char *s, gsize n, gsize *left)
{
	gsize k = MIN(n, *left);

	while (k > 0 && k < n && ((guchar)s[k] & 0xc0) == 0x80)
		k--;
	g_string_append_len(out, s, (gssize)k);
	*left -= k;
	return k == n;
}

/* in_list - whether name is one of a NULL-terminated list */
static gboolean
in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return TRUE;
	return FALSE;
}

/*
 * mp_text_normalize - NFKC (full-width digits and letters, half-width
 * katakana), for matching; invalid UTF-8 is replaced, never dropped
 * silently
 *
 * Each invalid byte (and a NUL inside len) becomes U+FFFD.  Format
 * characters (zero-width space, soft hyphen, byte-order mark,
 * direction marks) are dropped: they show nothing and would split a
 * word a keyword list looks for.
 */
char *
mp_text_normalize(const char *utf8, gssize len)
{
	char *valid, *nfkc;
	GString *out;
	const char *p;

	if (utf8 == NULL)
		return g_strdup("");
	if (len < 0)
		len = (gssize)strlen(utf8);
	/* ASCII is its own NFKC and holds no format character: most mail
	 * text is, and this is the hot path of the text facts */
	for (p = utf8; p < utf8 + len && *p != 0 && (guchar)*p < 0x80; p++)
		;
	if (p == utf8 + len)
		return g_strndup(utf8, (gsize)len);
	valid = g_utf8_make_valid(utf8, len);
	nfkc = g_utf8_normalize(valid, -1, G_NORMALIZE_NFKC);
	g_free(valid);
	out = g_string_sized_new(strlen(nfkc));
	for (p = nfkc; *p != '\0'; p = g_utf8_next_char(p)) {
		const char *next = g_utf8_next_char(p);

		if (g_unichar_type(g_utf8_get_char(p)) != G_UNICODE_FORMAT)
			g_string_append_len(out, p, next - p);
	}
	g_free(nfkc);
	return g_string_free(out, FALSE);
}

/*
 * HTML.  libxml2's HTML parser reports elements and text to the
 * callbacks below (SAX: no tree is built).  What a reader does not see
 * is left out: script, style, template, and title (a mail reader shows
 * the Subject, not the title).  Runs of white space become one space,
 * as a browser shows them, except in <pre>; block elements start and
 * end lines; table cells are separated by a tab.  Nothing is fetched:
 * the HTML parser loads no DTD, and HTML_PARSE_NONET forbids the net.
 */

static const char *const html_hidden[] = {
	"script", "style", "template", "title", NULL
};
static const char *const html_blocks[] = {
	"address", "article", "aside", "blockquote", "br", "caption",
	"center", "dd", "div", "dl", "dt", "fieldset", "figcaption",
	"figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
	"header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
	"table", "tr", "ul", NULL
};
static const char *const html_cells[] = { "td", "th", NULL };

/* What separates the next text from the last, strongest last. */
typedef enum { GAP_NONE, GAP_SPACE, GAP_TAB, GAP_LINE } Gap;

typedef struct {
	htmlParserCtxtPtr ctxt;
	GString *out;
	gsize left;		/* bytes the text may still grow */
	guint depth;		/* elements open */
	guint hidden;		/* depth of the hidden element we are in */
	guint pre;		/* <pre> elements open */
	Gap gap;
	gboolean any;		/* some text written */
	gboolean limited;	/* MP_TEXT_HTML_DEPTH stopped the parser */
} Html;

/* html_gap - a separator before the next text, if stronger */
static void
html_gap(Html *h, Gap g)
{
	if (g > h->gap)
		h->gap = g;
}

/* html_start - an element opens (a SAX callback) */
static void
html_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	Html *h = ctx;
	const char *name = (const char *)xname;

	(void)atts;
	if (++h->depth > MP_TEXT_HTML_DEPTH) {
		h->limited = TRUE;
		xmlStopParser(h->ctxt);
		return;
	}
	if (h->hidden == 0 && in_list(html_hidden, name))
		h->hidden = h->depth;
	if (strcmp(name, "pre") == 0)
		h->pre++;
	if (in_list(html_blocks, name))
		html_gap(h, GAP_LINE);
	else if (in_list(html_cells, name))
		html_gap(h, GAP_TAB);
}

/* html_end - an element closes (a SAX callback) */
static void
html_end(void *ctx, const xmlChar *xname)
{
	Html *h = ctx;
	const char *name = (const char *)xname;

	if (h->depth == 0)
		return;
	if (h->hidden == h->depth)
		h->hidden = 0;
	if (strcmp(name, "pre") == 0 && h->pre > 0)
		h->pre--;
	if (in_list(html_blocks, name))
		html_gap(h, GAP_LINE);
	h->depth--;
}

/* html_put - text after the pending separator */
static void
html_put(Html *h, const char *s, gsize n)
{
	static const char *const sep[] = { "", " ", "\t", "\n" };

	if (h->any && h->gap != GAP_NONE &&
	    !put_capped(h->out, sep[h->gap], 1, &h->left))
		goto full;
	h->gap = GAP_NONE;
	h->any = TRUE;
	if (put_capped(h->out, s, n, &h->left))
		return;
full:
	xmlStopParser(h->ctxt);
}

/* html_text - character data (a SAX callback) */
static void
html_text(void *ctx, const xmlChar *xs, int len)
{
	Html *h = ctx;
	const char *s = (const char *)xs;
	int i = 0, j;

	if (h->hidden != 0 || len <= 0)
		return;
	if (h->pre > 0) {
		html_put(h, s, (gsize)len);
		return;
	}
	while (i < len) {
		if (g_ascii_isspace(s[i])) {
			html_gap(h, GAP_SPACE);
			i++;
			continue;
		}
		for (j = i; j < len && !g_ascii_isspace(s[j]); j++)
			;
		html_put(h, s + i, (gsize)(j - i));
		i = j;
	}
}

/* html_read - the text of UTF-8 HTML appended to out; FALSE when a
 * limit (MP_TEXT_HTML_BYTES, MP_TEXT_HTML_DEPTH) cut it short */
static gboolean
html_read(const char *utf8, gsize len, GString *out)
{
	htmlSAXHandler sax;
	Html h = { NULL, out, MP_TEXT_OUT_BYTES, 0, 0, 0, GAP_NONE, FALSE,
	    FALSE };
	char *valid = NULL;

	if (len > MP_TEXT_HTML_BYTES) {
		len = MP_TEXT_HTML_BYTES;
		while (len > 0 && ((guchar)utf8[len] & 0xc0) == 0x80)
			len--;
		h.limited = TRUE;
	}
	/* libxml2 would take invalid UTF-8 for Latin-1, all of it */
	if (!g_utf8_validate_len(utf8, len, NULL)) {
		utf8 = valid = g_utf8_make_valid(utf8, (gssize)len);
		len = strlen(valid);
	}
	memset(&sax, 0, sizeof sax);
	sax.startElement = html_start;
	sax.endElement = html_end;
	sax.characters = html_text;
	sax.ignorableWhitespace = html_text;
	sax.cdataBlock = html_text;
	h.ctxt = htmlCreatePushParserCtxt(&sax, &h, NULL, 0, NULL,
	    XML_CHAR_ENCODING_UTF8);
	if (h.ctxt != NULL && len > 0) {
		/* IGNORE_ENC: the bytes are UTF-8 whatever a <meta> says */
		htmlCtxtUseOptions(h.ctxt, HTML_PARSE_RECOVER |
		    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
		htmlParseChunk(h.ctxt, utf8, (int)len, 1);
	}
	if (h.ctxt != NULL && h.ctxt->myDoc != NULL)
		xmlFreeDoc(h.ctxt->myDoc);
	if (h.ctxt != NULL)
		htmlFreeParserCtxt(h.ctxt);
	g_free(valid);
	return !h.limited;
}

/* mp_text_from_html - the text a reader sees in HTML (UTF-8 in):
 * markup, scripts and styles gone, entities decoded, blocks as lines */
char *
mp_text_from_html(const char *utf8, gsize len)
{
	GString *out = g_string_new(NULL);

	if (utf8 != NULL)
		html_read(utf8, len, out);
	return g_string_free(out, FALSE);
}

/*
 * OOXML.  A DOCX, XLSX or PPTX is a ZIP of XML parts.  libarchive reads
 * the ZIP from memory by its central directory (the seekable reader
 * only: a ZIP without one, a truncated file, is not read, and skipping
 * an entry never inflates it); every byte inflated counts against
 * MP_TEXT_READ_BYTES, and an entry whose stated size would pass it
 * stops the reading before it is inflated.  Only the parts that hold
 * text are read, each with libxml2's SAX2 push parser, fed what
 * libarchive inflates (SAX rather than xmlReader: no tree, and more
 * than twice the speed on a document of tiny elements).  No DTD is
 * loaded and no entity is expanded into the text (no XML_PARSE_NOENT,
 * no reference callback): libxml2 still checks a DOCTYPE's internal
 * entities once, and a billion laughs fails that check (undecodable);
 * an external entity is never read, nothing is fetched
 * (XML_PARSE_NONET).  Office never writes a DOCTYPE.
 *
 * The text of each part is kept apart and put in the document's order
 * at the end: the main text first, headers and footers after it;
 * slides in order, then their notes; sheets in order, shared strings
 * (which may come after the sheets in the ZIP) put into their cells.
 */

typedef enum {
	PART_SKIP,
	PART_WORD,		/* paragraphs of w:t runs */
	PART_SLIDE,		/* paragraphs of a:t runs */
	PART_SHARED,		/* an XLSX's shared strings */
	PART_SHEET,		/* rows of cells */
} PartKind;

/* The parts read, by name: the prefix, then a number or none, then
 * ".xml"; rank orders the kinds of part within a document. */
static const struct {
	const char *prefix;
	PartKind kind;
	guint rank;
} part_names[] = {
	{ "word/document", PART_WORD, 0 },
	{ "word/header", PART_WORD, 1 },
	{ "word/footer", PART_WORD, 2 },
	{ "word/footnotes", PART_WORD, 3 },
	{ "word/endnotes", PART_WORD, 4 },
	{ "word/comments", PART_WORD, 5 },
	{ "ppt/slides/slide", PART_SLIDE, 0 },
	{ "ppt/notesSlides/notesSlide", PART_SLIDE, 1 },
	{ "xl/sharedStrings", PART_SHARED, 0 },
	{ "xl/worksheets/sheet", PART_SHEET, 0 },
};

/* Parts that make a ZIP an OOXML document even with no text. */
static const char *const ooxml_marks[] = {
	"word/document.xml", "xl/workbook.xml", "ppt/presentation.xml", NULL
};

/* What an element does to a part's text. */
typedef enum {
	ROLE_NONE,
	ROLE_TEXT,		/* its content is text */
	ROLE_SKIP,		/* read past with all it holds */
	ROLE_LINE,		/* its end ends a line */
	ROLE_BREAK,		/* a line break */
	ROLE_TAB,		/* a tab */
	ROLE_STRING,		/* shared strings: one string */
	ROLE_ROW,		/* sheets: a row, a line */
	ROLE_CELL,		/* sheets: a cell */
} Role;

/* Elements by local name: the namespaces are not checked (Strict OOXML
 * uses other ones).  At most ELEMS in a list. */
typedef struct {
	const char *name;
	Role role;
} Elem;

#define ELEMS 12

/* delText: text deleted with changes tracked, still in the file;
 * Fallback: what mc:AlternateContent holds twice; pPr: tab stops;
 * rt: ruby, the reading above a word */
static const Elem word_elems[] = {
	{ "t", ROLE_TEXT }, { "delText", ROLE_TEXT },
	{ "Fallback", ROLE_SKIP }, { "pPr", ROLE_SKIP }, { "rt", ROLE_SKIP },
	{ "p", ROLE_LINE }, { "br", ROLE_BREAK }, { "cr", ROLE_BREAK },
	{ "tab", ROLE_TAB }, { "ptab", ROLE_TAB }, { NULL, ROLE_NONE },
};
static const Elem slide_elems[] = {
	{ "t", ROLE_TEXT }, { "Fallback", ROLE_SKIP }, { "p", ROLE_LINE },
	{ "br", ROLE_BREAK }, { NULL, ROLE_NONE },
};
/* rPh: the phonetic reading Excel keeps of a Japanese string */
static const Elem shared_elems[] = {
	{ "t", ROLE_TEXT }, { "rPh", ROLE_SKIP }, { "phoneticPr", ROLE_SKIP },
	{ "si", ROLE_STRING }, { NULL, ROLE_NONE },
};
/* f: a formula, whose value is in v */
static const Elem sheet_elems[] = {
	{ "v", ROLE_TEXT }, { "t", ROLE_TEXT }, { "f", ROLE_SKIP },
	{ "rPh", ROLE_SKIP }, { "extLst", ROLE_SKIP }, { "row", ROLE_ROW },
	{ "c", ROLE_CELL }, { NULL, ROLE_NONE },
};

static const Elem *const part_elems[] = {
	[PART_SKIP] = NULL,
	[PART_WORD] = word_elems,
	[PART_SLIDE] = slide_elems,
	[PART_SHARED] = shared_elems,
	[PART_SHEET] = sheet_elems,
};

/* A cell of a sheet that holds a shared string: where it goes. */
typedef struct {
	guint32 at;		/* offset in the sheet's text */
	guint32 index;		/* the string's number */
} SharedRef;

typedef struct {
	PartKind kind;
	guint rank;
	guint64 num;		/* N of sheetN.xml, 0 without */
	char *name;
	GString *text;
	GArray *refs;		/* sheets: SharedRef, in order */
	GArray *starts;		/* shared strings: guint32 offsets */
} Part;

typedef struct {
	struct archive *a;
	GPtrArray *parts;
	gsize read;		/* bytes inflated */
	gsize left;		/* text the parts may still hold */
	guint entries;
	gboolean ooxml;		/* an OOXML part or mark seen */
	gboolean capped;	/* MP_TEXT_READ_BYTES or _ENTRIES reached */
	gboolean broken;	/* libarchive or libxml2 failed */
	gboolean full;		/* MP_TEXT_OUT_BYTES reached */
} Zip;

/* BLOCK - how much inflated data one parser call takes */
#define BLOCK ((gsize)16 * 1024)

/* One part's reading. */
typedef struct {
	Zip *z;
	Part *part;
	xmlParserCtxtPtr ctxt;
	const xmlChar *names[ELEMS];	/* the part's elements, in the
					 * parser's dictionary */
	Role roles[ELEMS];
	guint depth;		/* elements open */
	guint skip;		/* depth of the element read past, or 0 */
	gboolean in_text;
	gboolean shared_cell;	/* sheets: in a <c t="s"> */
	gboolean digits;	/* sheets: index has a digit */
	guint64 index;		/* sheets: the shared string's number */
	guint cells;		/* sheets: cells so far in the row */
} Walk;

/* part_free - release a part */
static void
part_free(gpointer data)
{
	Part *p = data;

	g_free(p->name);
	g_string_free(p->text, TRUE);
	g_array_free(p->refs, TRUE);
	g_array_free(p->starts, TRUE);
	g_free(p);
}

/* part_kind - which part an entry is, by its name */
static PartKind
part_kind(const char *name, guint *rank, guint64 *num)
{
	gsize i, n;
	const char *p;

	for (i = 0; i < G_N_ELEMENTS(part_names); i++) {
		n = strlen(part_names[i].prefix);
		if (g_ascii_strncasecmp(name, part_names[i].prefix, n) != 0)
			continue;
		for (p = name + n; g_ascii_isdigit(*p); p++)
			;
		if (g_ascii_strcasecmp(p, ".xml") != 0 || p - (name + n) > 9)
			continue;
		*rank = part_names[i].rank;
		*num = g_ascii_strtoull(name + n, NULL, 10);
		return part_names[i].kind;
	}
	return PART_SKIP;
}

/* part_cmp - the document's order: kind, rank, number, name */
static gint
part_cmp(gconstpointer a, gconstpointer b)
{
	const Part *p = *(Part *const *)a, *q = *(Part *const *)b;

	if (p->kind != q->kind)
		return p->kind < q->kind ? -1 : 1;
	if (p->rank != q->rank)
		return p->rank < q->rank ? -1 : 1;
	if (p->num != q->num)
		return p->num < q->num ? -1 : 1;
	return strcmp(p->name, q->name);
}

/* walk_put - text into the part, within the cap */
static void
walk_put(Walk *w, const char *s, gsize n)
{
	if (!put_capped(w->part->text, s, n, &w->z->left)) {
		w->z->full = TRUE;
		xmlStopParser(w->ctxt);
	}
}

/* walk_cell - a sheet's <c>: a tab after the row's last cell; whether
 * its value is the number of a shared string (t="s") */
static void
walk_cell(Walk *w, int nattrs, const xmlChar **attrs)
{
	int i;

	if (w->cells++ > 0)
		walk_put(w, "\t", 1);
	w->shared_cell = FALSE;
	/* SAX2 attributes: name, prefix, URI, value, end of value */
	for (i = 0; i < nattrs; i++, attrs += 5)
		if (attrs[1] == NULL && strcmp((const char *)attrs[0],
		    "t") == 0)
			w->shared_cell = attrs[4] - attrs[3] == 1 &&
			    attrs[3][0] == 's';
}

/* walk_role - what an element does: its name is the parser's, from
 * the same dictionary as the part's names */
static Role
walk_role(const Walk *w, const xmlChar *local)
{
	guint i;

	for (i = 0; i < ELEMS && w->names[i] != NULL; i++)
		if (w->names[i] == local)
			return w->roles[i];
	return ROLE_NONE;
}

/* walk_start - an element opens (a SAX2 callback) */
static void
walk_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	Walk *w = ctx;
	guint32 at = (guint32)w->part->text->len;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
	if (++w->depth, w->skip != 0)
		return;
	switch (walk_role(w, local)) {
	case ROLE_SKIP:
		w->skip = w->depth;
		break;
	case ROLE_TEXT:
		w->in_text = TRUE;
		w->index = 0;
		w->digits = FALSE;
		break;
	case ROLE_BREAK:
		walk_put(w, "\n", 1);
		break;
	case ROLE_TAB:
		walk_put(w, "\t", 1);
		break;
	case ROLE_STRING:
		g_array_append_val(w->part->starts, at);
		break;
	case ROLE_ROW:
		w->cells = 0;
		break;
	case ROLE_CELL:
		walk_cell(w, nattrs, attrs);
		break;
	default:
		break;
	}
}

/* walk_shared - a shared-string cell's value read: where the string
 * goes, put in at the end */
static void
walk_shared(Walk *w)
{
	SharedRef ref;

	if (!w->digits || w->index > G_MAXUINT32)
		return;
	ref.at = (guint32)w->part->text->len;
	ref.index = (guint32)w->index;
	g_array_append_val(w->part->refs, ref);
}

/* walk_end - an element closes (a SAX2 callback) */
static void
walk_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	Walk *w = ctx;

	(void)prefix, (void)uri;
	if (w->skip != 0) {
		if (w->skip == w->depth)
			w->skip = 0;
	} else {
		switch (walk_role(w, local)) {
		case ROLE_TEXT:
			if (w->shared_cell)
				walk_shared(w);
			w->in_text = FALSE;
			break;
		case ROLE_LINE:
		case ROLE_ROW:
			walk_put(w, "\n", 1);
			break;
		case ROLE_CELL:
			w->shared_cell = FALSE;
			break;
		default:
			break;
		}
	}
	if (w->depth > 0)
		w->depth--;
}

/* walk_text - character data (a SAX2 callback): text inside a text
 * element; in a shared-string cell, the digits of the string's number */
static void
walk_text(void *ctx, const xmlChar *xs, int len)
{
	Walk *w = ctx;
	int i;

	if (w->skip != 0 || !w->in_text || len <= 0)
		return;
	if (!w->shared_cell) {
		walk_put(w, (const char *)xs, (gsize)len);
		return;
	}
	for (i = 0; i < len; i++)
		if (g_ascii_isdigit(xs[i]) && w->index <= G_MAXUINT32) {
			w->index = w->index * 10 + (guint)(xs[i] - '0');
			w->digits = TRUE;
		}
}

/* part_read - the text of the entry libarchive is at: what it
 * inflates, counted, fed to the parser */
static void
part_read(Zip *z, Part *p)
{
	xmlSAXHandler sax;
	Walk w;
	char buf[BLOCK];
	la_ssize_t n;
	guint i;

	memset(&w, 0, sizeof w);
	w.z = z;
	w.part = p;
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = walk_start;
	sax.endElementNs = walk_end;
	sax.characters = walk_text;
	sax.ignorableWhitespace = walk_text;
	sax.cdataBlock = walk_text;
	if ((w.ctxt = xmlCreatePushParserCtxt(&sax, &w, NULL, 0, NULL)) ==
	    NULL) {
		z->broken = TRUE;
		return;
	}
	xmlCtxtUseOptions(w.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	for (i = 0; part_elems[p->kind][i].name != NULL; i++) {
		w.names[i] = xmlDictLookup(w.ctxt->dict,
		    BAD_CAST part_elems[p->kind][i].name, -1);
		w.roles[i] = part_elems[p->kind][i].role;
	}
	while (!z->full && w.ctxt->wellFormed &&
	    (n = archive_read_data(z->a, buf, sizeof buf)) != 0) {
		if (n < 0)
			z->broken = TRUE;
		else if ((z->read += (gsize)n) > MP_TEXT_READ_BYTES)
			z->capped = TRUE;
		if (z->broken || z->capped)
			break;
		xmlParseChunk(w.ctxt, buf, (int)n, 0);
	}
	if (!z->full && !z->broken && !z->capped) {
		xmlParseChunk(w.ctxt, NULL, 0, 1);
		if (!w.ctxt->wellFormed)
			z->broken = TRUE;
	}
	/* a DOCTYPE's entities are kept in a document of their own */
	if (w.ctxt->myDoc != NULL)
		xmlFreeDoc(w.ctxt->myDoc);
	xmlFreeParserCtxt(w.ctxt);
}

/* zip_entry - read an entry's text if it is a part that holds some */
static void
zip_entry(Zip *z, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	PartKind kind;
	guint rank = 0;
	guint64 num = 0;
	Part *p;

	if (name == NULL)
		return;
	if (in_list(ooxml_marks, name))
		z->ooxml = TRUE;
	if ((kind = part_kind(name, &rank, &num)) == PART_SKIP)
		return;
	z->ooxml = TRUE;
	if (archive_entry_is_encrypted(e)) {
		z->broken = TRUE;
		return;
	}
	if (archive_entry_size_is_set(e)) {
		la_int64_t size = archive_entry_size(e);

		if (size == 0)
			return;
		/* a bomb that tells its size stops before it inflates */
		if (size < 0 || (guint64)size > MP_TEXT_READ_BYTES - z->read) {
			z->capped = TRUE;
			return;
		}
	}
	p = g_new0(Part, 1);
	p->kind = kind;
	p->rank = rank;
	p->num = num;
	p->name = g_strdup(name);
	p->text = g_string_new(NULL);
	p->refs = g_array_new(FALSE, FALSE, sizeof(SharedRef));
	p->starts = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_ptr_array_add(z->parts, p);
	part_read(z, p);
}

/* zip_read - the parts' text, until the end, a cap or a failure */
static void
zip_read(Zip *z, const guchar *data, gsize len)
{
	struct archive_entry *e;
	int r;

	/* libarchive does not write to the buffer it reads */
	if (archive_read_support_format_zip_seekable(z->a) != ARCHIVE_OK ||
	    archive_read_open_memory(z->a, (void *)(gsize)data, len) !=
	    ARCHIVE_OK) {
		z->broken = TRUE;
		return;
	}
	while (!z->capped && !z->broken && !z->full) {
		r = archive_read_next_header(z->a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			z->broken = TRUE;
			break;
		}
		if (++z->entries > MP_TEXT_ENTRIES) {
			z->capped = TRUE;
			break;
		}
		zip_entry(z, e);
	}
}

/* shared_string - the ith shared string, or NULL */
static const char *
shared_string(const Part *shared, guint32 i, gsize *len)
{
	guint32 start, end;

	if (shared == NULL || i >= shared->starts->len)
		return NULL;
	start = g_array_index(shared->starts, guint32, i);
	end = i + 1 < shared->starts->len ?
	    g_array_index(shared->starts, guint32, i + 1) :
	    (guint32)shared->text->len;
	*len = end - start;
	return shared->text->str + start;
}

/* part_out - a part's text into out, shared strings put in; FALSE when
 * the cap cut it */
static gboolean
part_out(const Part *p, const Part *shared, GString *out, gsize *left)
{
	gsize from = 0, n = 0;
	guint i;

	for (i = 0; i < p->refs->len; i++) {
		const SharedRef *ref = &g_array_index(p->refs, SharedRef, i);
		const char *s = shared_string(shared, ref->index, &n);

		if (!put_capped(out, p->text->str + from, ref->at - from,
		    left) || (s != NULL && !put_capped(out, s, n, left)))
			return FALSE;
		from = ref->at;
	}
	return put_capped(out, p->text->str + from, p->text->len - from,
	    left);
}

/* zip_text - the parts' text in the document's order */
static void
zip_text(Zip *z, GString *out)
{
	gsize left = MP_TEXT_OUT_BYTES, start = out->len;
	const Part *shared = NULL;
	guint i;

	g_ptr_array_sort(z->parts, part_cmp);
	for (i = 0; i < z->parts->len && shared == NULL; i++)
		if (((Part *)z->parts->pdata[i])->kind == PART_SHARED)
			shared = z->parts->pdata[i];
	for (i = 0; i < z->parts->len; i++) {
		const Part *p = z->parts->pdata[i];

		if (p->kind == PART_SHARED)
			continue;
		if (out->len > start && out->str[out->len - 1] != '\n' &&
		    !put_capped(out, "\n", 1, &left))
			return;
		if (!part_out(p, shared, out, &left))
			return;
	}
}

/* ooxml_text - the text of a ZIP that may be OOXML; claimed: the type
 * or name says it is */
static MpTextStatus
ooxml_text(const guchar *data, gsize len, gboolean claimed, GString *out)
{
	Zip z;
	MpTextStatus st;

	memset(&z, 0, sizeof z);
	z.left = MP_TEXT_OUT_BYTES;
	z.parts = g_ptr_array_new_with_free_func(part_free);
	if ((z.a = archive_read_new()) == NULL)
		z.broken = TRUE;
	else
		zip_read(&z, data, len);
	if (!z.ooxml && !claimed)
		st = MP_TEXT_NONE;	/* an archive: arcscan's business */
	else if (z.capped)
		st = MP_TEXT_LIMIT;
	else if (!z.ooxml || z.broken)
		st = MP_TEXT_UNDECODABLE;
	else
		st = MP_TEXT_OK;
	if (z.ooxml)
		zip_text(&z, out);
	if (z.a != NULL)
		archive_read_free(z.a);
	g_ptr_array_free(z.parts, TRUE);
	return st;
}

/*
 * Encrypted documents.  Office encrypts an OOXML file by wrapping it in
 * a CFB (OLE2) compound file with the streams EncryptionInfo and
 * EncryptedPackage.  A CFB's directory is made of 128-byte entries in
 * 512- or 4096-byte sectors after a header of the same size, so every
 * entry starts at a multiple of 128: the name in UTF-16LE, its length
 * in bytes (with the NUL) at 64, the type (2: a stream) at 66.
 */

static const guchar sig_zip[] = { 'P', 'K', 3, 4 };
static const guchar sig_cfb[] = {
	0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1
};

/* cfb_has_stream - whether a compound file's directory names a stream */
static gboolean
cfb_has_stream(const guchar *data, gsize len, const char *name)
{
	guchar want[64] = { 0 };
	gsize n = strlen(name), at, i;

	for (i = 0; i < n && 2 * i + 2 < sizeof want; i++)
		want[2 * i] = (guchar)name[i];
	n = 2 * (i + 1);
	for (at = 512; at + 128 <= len; at += 128)
		if (memcmp(data + at, want, n) == 0 &&
		    (data[at + 64] | data[at + 65] << 8) == (int)n &&
		    data[at + 66] == 2)
			return TRUE;
	return FALSE;
}

/* last_of - the last occurrence of needle in [s, s + len), or NULL */
static const guchar *
last_of(const guchar *s, gsize len, const char *needle)
{
	gsize n = strlen(needle);
	const guchar *p, *found = NULL;

	while ((p = memmem(s, len, needle, n)) != NULL) {
		found = p;
		len -= (gsize)(p + 1 - s);
		s = p + 1;
	}
	return found;
}

/* has_name - whether a PDF name token (with its slash) is in [s, s + len),
 * whole: "/Encrypt" is not "/EncryptMetadata" */
static gboolean
has_name(const guchar *s, gsize len, const char *name)
{
	gsize n = strlen(name);
	const guchar *p, *end = s + len;

	while ((p = memmem(s, (gsize)(end - s), name, n)) != NULL) {
		/* strchr finds '\0' too: a NUL ends a token */
		if (p + n == end || strchr(" \t\r\n\f()<>[]{}/%",
		    p[n]) != NULL)
			return TRUE;
		s = p + 1;
	}
	return FALSE;
}

/*
 * pdf_encrypted - whether a PDF's trailer names an /Encrypt dictionary.
 * The trailer is the dictionary after the last "trailer" keyword, or,
 * with a cross-reference stream (PDF 1.5), the dictionary of the
 * object the last "startxref" points at.  Only the trailer is read: a
 * "/Encrypt" in the clear elsewhere does not make a file encrypted.
 */
static gboolean
pdf_encrypted(const guchar *data, gsize len)
{
	gsize tail = MIN(len, 4096), off;
	const guchar *sx = last_of(data + len - tail, tail, "startxref");
	const guchar *tr = last_of(data, len, "trailer"), *end, *st;
	char *num;

	if (sx == NULL)
		return tr != NULL && has_name(tr, len - (gsize)(tr - data),
		    "/Encrypt");
	if (tr != NULL && tr < sx && has_name(tr, (gsize)(sx - tr),
	    "/Encrypt"))
		return TRUE;
	num = g_strndup((const char *)sx + 9,
	    MIN(32, len - (gsize)(sx + 9 - data)));
	off = (gsize)g_ascii_strtoull(g_strchug(num), NULL, 10);
	g_free(num);
	if (off >= len || off >= (gsize)(sx - data))
		return FALSE;
	/* an xref stream's dictionary: from its object to "stream" */
	end = data + MIN(len, off + 4096);
	st = memmem(data + off, (gsize)(end - (data + off)), "stream", 6);
	return has_name(data + off, (gsize)((st != NULL ? st : end) -
	    (data + off)), "/Encrypt");
}

/* is_pdf - whether a file is a PDF: "%PDF-" within its first 1024
 * bytes, as readers accept */
static gboolean
is_pdf(const guchar *data, gsize len)
{
	return memmem(data, MIN(len, 1024), "%PDF-", 5) != NULL;
}

/*
 * Text files.  The charset is the part's label; without one it is
 * guessed (mp_text_to_utf8: ISO-2022-JP by its escapes, valid UTF-8,
 * CP932, else Windows-1252).  A byte-order mark overrides the label.
 * NUL bytes become spaces so they cannot end the text early.  At most
 * twice MP_TEXT_OUT_BYTES is converted: no charset makes fewer bytes
 * of UTF-8 than half its own.
 */

typedef enum { CLAIM_NONE, CLAIM_TEXT, CLAIM_HTML, CLAIM_OOXML } Claim;

static const char *const ooxml_exts[] = {
	"docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm",
	"pptx", "pptm", "potx", "potm", "ppsx", "ppsm", NULL
};
static const char *const html_exts[] = { "htm", "html", NULL };
static const char *const text_exts[] = { "txt", "csv", "tsv", NULL };

/* claim_of - what the type and file name say a file is */
static Claim
claim_of(const char *type, const char *filename)
{
	const char *dot = filename != NULL ? strrchr(filename, '.') : NULL;
	char *t = g_ascii_strdown(type != NULL ? type : "", -1);
	char *ext = g_ascii_strdown(dot != NULL ? dot + 1 : "", -1);
	Claim c = CLAIM_NONE;

	g_strchomp(g_strdelimit(t, ";", '\0'));
	if (g_str_has_prefix(t, "application/vnd.openxmlformats-"
	    "officedocument.") || (g_str_has_prefix(t, "application/vnd.ms-") &&
	    strstr(t, ".macroenabled.") != NULL) || in_list(ooxml_exts, ext))
		c = CLAIM_OOXML;
	else if (strcmp(t, "text/html") == 0 || in_list(html_exts, ext))
		c = CLAIM_HTML;
	else if (g_str_has_prefix(t, "text/") || in_list(text_exts, ext))
		c = CLAIM_TEXT;
	g_free(t);
	g_free(ext);
	return c;
}

/* text_file - a text file's words, converted from charset */
static MpTextStatus
text_file(const guchar *data, gsize len, const char *charset,
    gboolean html, GString *out)
{
	gsize take = MIN(len, 2 * MP_TEXT_OUT_BYTES), left = MP_TEXT_OUT_BYTES;
	gboolean wide = FALSE, complete = TRUE;
	char *copy, *text;
	gsize i;

	if (take >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3, take -= 3;
		charset = "UTF-8";
	} else if (take >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 ||
	    memcmp(data, "\xfe\xff", 2) == 0)) {
		charset = data[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
		data += 2, take -= 2;
		wide = TRUE;
	}
	copy = g_memdup2(data, take);
	for (i = 0; i < take && !wide; i++)
		if (copy[i] == '\0')
			copy[i] = ' ';
	text = mp_charset_to_utf8(copy, take, charset);
	if (html)
		complete = html_read(text, strlen(text), out);
	else
		put_capped(out, text, strlen(text), &left);
	g_free(text);
	g_free(copy);
	return complete ? MP_TEXT_OK : MP_TEXT_LIMIT;
}

/*
 * mp_text_of_file - the text of an attachment's decoded bytes, chosen
 * by content (OOXML by its ZIP entries, CFB-wrapped encrypted OOXML,
 * PDF by signature) and then by type and file name (text/ *, .txt,
 * .csv, .docx, .xlsx, .pptx); text parts are converted from charset
 * (NULL: guessed: UTF-8, ISO-2022-JP, CP932).  The text is appended to
 * out (UTF-8, not yet normalised).
 *
 * A file that claims OOXML (by type or name) and is no readable OOXML
 * ZIP is MP_TEXT_UNDECODABLE; text read before a failure or a limit
 * stays in out.  Other ZIPs, compound files and PDFs hold no text read
 * here: MP_TEXT_NONE, unless encrypted.
 */
MpTextStatus
mp_text_of_file(const guchar *data, gsize len, const char *type,
    const char *filename, const char *charset, GString *out)
{
	Claim claim = claim_of(type, filename);

	if (data == NULL)
		len = 0;
	if (len >= sizeof sig_zip && memcmp(data, sig_zip,
	    sizeof sig_zip) == 0)
		return ooxml_text(data, len, claim == CLAIM_OOXML, out);
	if (len >= sizeof sig_cfb && memcmp(data, sig_cfb,
	    sizeof sig_cfb) == 0) {
		if (cfb_has_stream(data, len, "EncryptionInfo"))
			return MP_TEXT_ENCRYPTED;
		return claim == CLAIM_OOXML ? MP_TEXT_UNDECODABLE :
		    MP_TEXT_NONE;
	}
	if (is_pdf(data, len))
		return pdf_encrypted(data, len) ? MP_TEXT_ENCRYPTED :
		    MP_TEXT_NONE;
	switch (claim) {
	case CLAIM_OOXML:
		return MP_TEXT_UNDECODABLE;
	case CLAIM_TEXT:
	case CLAIM_HTML:
		return text_file(data, len, charset, claim == CLAIM_HTML, out);
	default:
		return MP_TEXT_NONE;
	}
}

/* mp_text_status_name - "ok", "none", "undecodable", "archive-limit",
 * "encrypted" */
const char *
mp_text_status_name(MpTextStatus s)
{
	switch (s) {
	case MP_TEXT_OK:
		return "ok";
	case MP_TEXT_NONE:
		return "none";
	case MP_TEXT_UNDECODABLE:
		return "undecodable";
	case MP_TEXT_LIMIT:
		return "archive-limit";
	case MP_TEXT_ENCRYPTED:
		return "encrypted";
	}
	return "none";
}
