/* encode.c - UTF-8 text as 7-bit mail that Japanese mail clients show */
#include <string.h>

#include "mail/encode.h"

/* RFC 2047 2: an encoded-word is at most 75 characters, a line 76 */
#define WORD_MAX 75
#define LINE_MAX_2047 76
/* RFC 2045 6.8: base64 lines of at most 76 characters */
#define BASE64_LINE 76

static char *to_jis(const char *utf8, gssize len);
static gboolean is_ascii(const char *s);

/* is_ascii - whether s is printable US-ASCII, tabs and line breaks */
static gboolean
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((guchar)*s >= 0x80 || ((guchar)*s < 0x20 && *s != '\t' &&
		    *s != '\n' && *s != '\r'))
			return FALSE;
	return TRUE;
}

/*
 * to_jis - UTF-8 to ISO-2022-JP, or NULL if a character is not in it.
 * glibc's ISO-2022-JP is the strict RFC 1468 one, which is what decides
 * "fits": ① or half-width katakana make it fail.
 */
static char *
to_jis(const char *utf8, gssize len)
{
	return g_convert(utf8, len, "ISO-2022-JP", "UTF-8", NULL, NULL, NULL);
}

/* mp_text_charset - the charset text is written in */
MpTextCharset
mp_text_charset(const char *utf8)
{
	char *jis;

	if (is_ascii(utf8))
		return MP_TEXT_ASCII;
	if ((jis = to_jis(utf8, -1)) != NULL) {
		g_free(jis);
		return MP_TEXT_ISO2022JP;
	}
	return MP_TEXT_UTF8;
}

/* mp_text_part_header - Content-Type and -Transfer-Encoding for text */
char *
mp_text_part_header(const char *utf8, const char *eol)
{
	static const char *const ct[] = {
		"text/plain; charset=us-ascii", "text/plain; charset=ISO-2022-JP",
		"text/plain; charset=UTF-8",
	};
	static const char *const cte[] = { "7bit", "7bit", "base64" };
	MpTextCharset cs = mp_text_charset(utf8);

	return g_strconcat("Content-Type: ", ct[cs], eol,
	    "Content-Transfer-Encoding: ", cte[cs], eol, NULL);
}

/*
 * mp_text_part_body - text as the body announced by mp_text_part_header;
 * lines end in eol (the text's own line breaks are LF)
 */
GString *
mp_text_part_body(const char *utf8, const char *eol)
{
	GString *out = g_string_new(NULL), *crlf;
	MpTextCharset cs = mp_text_charset(utf8);
	char **lines = g_strsplit(utf8, "\n", -1), *enc;
	gsize i, n;

	if (cs != MP_TEXT_UTF8) {
		for (i = 0; lines[i] != NULL; i++) {
			if (i > 0)
				g_string_append(out, eol);
			enc = cs == MP_TEXT_ASCII ? g_strdup(lines[i]) :
			    to_jis(lines[i], -1);
			g_string_append(out, enc != NULL ? enc : "");
			g_free(enc);
		}
		g_strfreev(lines);
		return out;
	}
	/* canonical form (RFC 2045 6.8): CRLF line breaks before base64 */
	crlf = g_string_new(NULL);
	for (i = 0; lines[i] != NULL; i++) {
		if (i > 0)
			g_string_append(crlf, "\r\n");
		g_string_append(crlf, lines[i]);
	}
	g_strfreev(lines);
	enc = g_base64_encode((const guchar *)crlf->str, crlf->len);
	n = strlen(enc);
	for (i = 0; i < n; i += BASE64_LINE) {
		if (i > 0)
			g_string_append(out, eol);
		g_string_append_len(out, enc + i, (gssize)MIN(BASE64_LINE, n - i));
	}
	g_free(enc);
	g_string_free(crlf, TRUE);
	return out;
}

/*
 * encoded_word - the longest prefix of s (whole characters) that fits
 * one encoded-word of at most room characters; NULL if not even one
 * character does.  *used is the bytes of s taken.
 */
static char *
encoded_word(const char *s, gboolean jis, gsize room, gsize *used)
{
	const char *head = jis ? "=?ISO-2022-JP?B?" : "=?UTF-8?B?";
	const char *p = s, *next;
	char *best = NULL;

	*used = 0;
	while (*p != '\0') {
		char *raw, *b64, *word;
		gsize rawlen;

		next = g_utf8_next_char(p);
		raw = jis ? to_jis(s, next - s) : g_strndup(s, (gsize)(next - s));
		if (raw == NULL)
			break;
		rawlen = strlen(raw);
		b64 = g_base64_encode((const guchar *)raw, rawlen);
		word = g_strconcat(head, b64, "?=", NULL);
		g_free(raw);
		g_free(b64);
		if (strlen(word) > room) {
			g_free(word);
			break;
		}
		g_free(best);
		best = word;
		*used = (gsize)(next - s);
		p = next;
	}
	return best;
}

/*
 * mp_header_field - "Name: value" folded, RFC 2047 words where needed
 *
 * ASCII values are written as they are, folded at spaces.  Anything else
 * becomes B-encoded words, each a whole number of characters (an
 * ISO-2022-JP word starts and ends in ASCII mode, as RFC 1468 asks),
 * one per line.
 */
char *
mp_header_field(const char *name, const char *utf8, const char *eol)
{
	GString *out = g_string_new(name);
	gsize line;
	MpTextCharset cs = mp_text_charset(utf8);
	const char *p = utf8;

	g_string_append(out, ":");
	line = out->len;
	if (cs == MP_TEXT_ASCII && strstr(utf8, "=?") == NULL &&
	    strchr(utf8, '\n') == NULL && strchr(utf8, '\r') == NULL) {
		char **words = g_strsplit(utf8, " ", -1);
		guint i;

		for (i = 0; words[i] != NULL; i++) {
			gsize n = strlen(words[i]);

			if (i > 0 && line + 1 + n > 78) {
				g_string_append(out, eol);
				line = 0;
			}
			g_string_append_c(out, ' ');
			g_string_append(out, words[i]);
			line += 1 + n;
		}
		g_strfreev(words);
	} else {
		while (*p != '\0') {
			gsize used, room = LINE_MAX_2047 - line - 1;
			char *w = encoded_word(p, cs == MP_TEXT_ISO2022JP,
			    MIN(room, WORD_MAX), &used);

			if (w == NULL && line > 1) {
				g_string_append(out, eol);
				line = 0;
				continue;
			}
			if (w == NULL)	/* cannot happen: one character fits */
				break;
			if (p != utf8 && line > 0) {
				g_string_append(out, eol);
				line = 0;
			}
			g_string_append_c(out, ' ');
			g_string_append(out, w);
			line += 1 + strlen(w);
			p += used;
			g_free(w);
		}
	}
	g_string_append(out, eol);
	return g_string_free(out, FALSE);
}
