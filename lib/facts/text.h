/* text.h - the words of a message: text parts, HTML, attachments that
 * hold text (plain, CSV, DOCX, XLSX, PPTX), normalised for matching */
#ifndef MP_TEXT_H
#define MP_TEXT_H

#include <glib.h>

/*
 * Reading an attachment's text never reads more than these: OOXML is a
 * ZIP (a zip bomb is a fact, `archive-limit`, never a crash or a hang),
 * and a text of megabytes is long enough to count in.
 */
#define MP_TEXT_READ_BYTES ((gsize)64 * 1024 * 1024)	/* inflated, all
							 * entries */
#define MP_TEXT_ENTRIES 10000	/* entries of one OOXML file */
#define MP_TEXT_OUT_BYTES ((gsize)16 * 1024 * 1024)	/* text kept */
/*
 * HTML read: libxml2's HTML parser reads ordinary HTML at about 15 MB
 * a second but spends a microsecond on each error, and crafted HTML
 * can hold one in every byte (or an end tag that matches nothing,
 * looked for in every element open); these keep that to seconds.
 */
#define MP_TEXT_HTML_BYTES ((gsize)4 * 1024 * 1024)
#define MP_TEXT_HTML_DEPTH 256	/* elements open at once, as libxml2
				 * allows in XML */

typedef enum {
	MP_TEXT_OK,
	MP_TEXT_NONE,		/* not a kind that holds text we read */
	MP_TEXT_UNDECODABLE,	/* claims to be one but cannot be read */
	MP_TEXT_LIMIT,		/* a cap above stopped the reading */
	MP_TEXT_ENCRYPTED,	/* password-protected (OOXML in CFB, PDF) */
} MpTextStatus;

/* mp_text_normalize - NFKC (full-width digits and letters, half-width
 * katakana), for matching; invalid UTF-8 is replaced, never dropped
 * silently */
char *mp_text_normalize(const char *utf8, gssize len);

/* mp_text_from_html - the text a reader sees in HTML (UTF-8 in):
 * markup, scripts and styles gone, entities decoded, blocks as lines */
char *mp_text_from_html(const char *utf8, gsize len);

/*
 * mp_text_of_file - the text of an attachment's decoded bytes, chosen
 * by content (OOXML by its ZIP entries, CFB-wrapped encrypted OOXML,
 * PDF by signature) and then by type and file name (text/ *, .txt,
 * .csv, .docx, .xlsx, .pptx); text parts are converted from charset
 * (NULL: guessed: UTF-8, ISO-2022-JP, CP932).  The text is appended to
 * out (UTF-8, not yet normalised).
 */
MpTextStatus mp_text_of_file(const guchar *data, gsize len,
    const char *type, const char *filename, const char *charset,
    GString *out);

/* mp_text_status_name - "ok", "none", "undecodable", "archive-limit",
 * "encrypted" */
const char *mp_text_status_name(MpTextStatus s);

#endif
