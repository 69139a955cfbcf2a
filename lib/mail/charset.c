/* charset.c - bytes in mail's many charsets to UTF-8 */
#include <errno.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mail/charset.h"

static char *convert_lenient(const char *s, gsize len, const char *from);
static gboolean jis_escape(const char *s, gsize len, gsize *skip, int *mode);
static gboolean encoded_word(const char *s, gsize len, gsize *wlen,
    char **charset, GByteArray *bytes);

enum { JIS_ASCII, JIS_KANJI, JIS_KANA };

/*
 * convert_lenient - iconv from `from` to UTF-8, replacing what does not
 * convert with U+FFFD instead of failing; NULL if iconv does not know the
 * charset at all.
 */
static char *
convert_lenient(const char *s, gsize len, const char *from)
{
	GIConv cd;
	GString *out;
	gchar *in = (gchar *)(gsize)s;	/* iconv(3) does not write input */
	gsize inleft = len;

	if (len == 0)
		return g_strdup("");
	/* GMime keeps converters open: opening one loads glibc's module */
	cd = (GIConv)g_mime_iconv_open("UTF-8", from);
	if (cd == (GIConv)-1)
		return NULL;
	out = g_string_sized_new(len * 2 + 4);
	while (inleft > 0) {
		char chunk[1024];
		gchar *op = chunk;
		gsize oleft = sizeof chunk;
		gsize r = g_iconv(cd, &in, &inleft, &op, &oleft);

		g_string_append_len(out, chunk, (gssize)(op - chunk));
		if (r != (gsize)-1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL: one bad byte becomes one U+FFFD. */
		g_string_append(out, "\xef\xbf\xbd");
		in++;
		inleft--;
		g_iconv(cd, NULL, NULL, NULL, NULL);
	}
	{
		char chunk[64];
		gchar *op = chunk;
		gsize oleft = sizeof chunk;

		g_iconv(cd, NULL, NULL, &op, &oleft);
		g_string_append_len(out, chunk, (gssize)(op - chunk));
	}
	g_mime_iconv_close((iconv_t)cd);
	return g_string_free(out, FALSE);
}

/* cp932_pair_valid - whether two bytes are one CP932 character */
static gboolean
cp932_pair_valid(const guchar pair[2])
{
	GIConv cd = (GIConv)g_mime_iconv_open("UTF-8", "CP932");
	gchar *in = (gchar *)(gsize)pair, out[8], *op = out;
	gsize inleft = 2, oleft = sizeof out;
	gboolean ok;

	if (cd == (GIConv)-1)
		return TRUE;	/* convert_lenient will say so */
	ok = g_iconv(cd, &in, &inleft, &op, &oleft) != (gsize)-1 &&
	    inleft == 0;
	g_mime_iconv_close((iconv_t)cd);
	return ok;
}

/* jis_escape - recognise an ISO-2022-JP escape sequence at s */
static gboolean
jis_escape(const char *s, gsize len, gsize *skip, int *mode)
{
	static const struct {
		const char *seq;
		int mode;
	} esc[] = {
		{ "\x1b$@", JIS_KANJI }, { "\x1b$B", JIS_KANJI },
		/* JIS X 0213 plane 1 agrees with CP932 on what mail uses */
		{ "\x1b$(O", JIS_KANJI }, { "\x1b$(Q", JIS_KANJI },
		{ "\x1b$(B", JIS_KANJI },
		{ "\x1b(B", JIS_ASCII }, { "\x1b(J", JIS_ASCII },
		{ "\x1b(I", JIS_KANA },
	};
	gsize i, n;

	for (i = 0; i < G_N_ELEMENTS(esc); i++) {
		n = strlen(esc[i].seq);
		if (len >= n && memcmp(s, esc[i].seq, n) == 0) {
			*skip = n;
			*mode = esc[i].mode;
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * mp_iso2022jp_to_utf8 - ISO-2022-JP including the Microsoft extensions
 *
 * Japanese mailers write NEC row 13 (①, ㈱) and the IBM extensions (髙)
 * in ISO-2022-JP; iconv's ISO-2022-JP rejects them.  Mapping each JIS
 * pair to its Shift_JIS code and converting as CP932, which has them all,
 * is what Windows does (ISO-2022-JP-MS).  Returns NULL on an escape
 * sequence outside that set (ISO-2022-JP-2's Chinese and Korean sets),
 * so the caller can let iconv try.  A pair that is no character (an
 * unassigned row) becomes one U+FFFD per byte: converted as Shift_JIS,
 * its second byte would come out as ASCII ('@' for row 9).
 */
char *
mp_iso2022jp_to_utf8(const char *s, gsize len)
{
	GByteArray *sj;
	GString *res;
	gsize i = 0, skip;
	int mode = JIS_ASCII;
	char *out;

	if (len == 0)		/* an empty encoded-word: no bytes at all */
		return g_strdup("");
	sj = g_byte_array_sized_new(len);
	res = g_string_sized_new(len * 2);
	while (i < len) {
		guchar c = (guchar)s[i], d;

		if (c == 0x1b) {
			if (!jis_escape(s + i, len - i, &skip, &mode)) {
				g_byte_array_free(sj, TRUE);
				g_string_free(res, TRUE);
				return NULL;
			}
			i += skip;
			continue;
		}
		if (c == 0x0e || c == 0x0f) {	/* SO/SI half-width kana */
			mode = c == 0x0e ? JIS_KANA : JIS_ASCII;
			i++;
			continue;
		}
		if (c == '\n' || c == '\r')
			mode = JIS_ASCII;
		if (mode == JIS_KANJI && c >= 0x21 && c <= 0x7e && i + 1 < len &&
		    (d = (guchar)s[i + 1]) >= 0x21 && d <= 0x7e) {
			guchar pair[2];

			pair[0] = (guchar)(((c + 1) >> 1) + (c <= 0x5e ? 0x70 : 0xb0));
			if (c & 1)
				pair[1] = (guchar)(d + (d >= 0x60 ? 0x20 : 0x1f));
			else
				pair[1] = (guchar)(d + 0x7e);
			if (!cp932_pair_valid(pair)) {
				out = convert_lenient((const char *)sj->data,
				    sj->len, "CP932");
				g_string_append(res, out);
				g_free(out);
				g_byte_array_set_size(sj, 0);
				g_string_append(res, "\xef\xbf\xbd\xef\xbf\xbd");
				i += 2;
				continue;
			}
			g_byte_array_append(sj, pair, 2);
			i += 2;
			continue;
		}
		if (mode == JIS_KANA && c >= 0x21 && c <= 0x5f)
			c = (guchar)(c + 0x80);
		else if (c >= 0x80)
			c = '?';	/* 8-bit bytes are not ISO-2022-JP */
		g_byte_array_append(sj, &c, 1);
		i++;
	}
	out = convert_lenient((const char *)sj->data, sj->len, "CP932");
	g_string_append(res, out);
	g_free(out);
	g_byte_array_free(sj, TRUE);
	return g_string_free(res, FALSE);
}

/*
 * mp_looks_sjis - whether every 8-bit byte is part of a Shift_JIS (CP932)
 * character: a lead byte with a valid trail byte, or half-width katakana.
 * Lead bytes 0xF0-0xF9 (CP932's user-defined area) do not count: nobody
 * mails them, and Latin-1 text such as "ösche" would pass for Shift_JIS.
 */
gboolean
mp_looks_sjis(const char *s, gsize len)
{
	gsize i;
	gboolean any = FALSE;

	for (i = 0; i < len; i++) {
		guchar c = (guchar)s[i], d;

		if (c < 0x80)
			continue;
		any = TRUE;
		if (c >= 0xa1 && c <= 0xdf)
			continue;
		if (!((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xef) ||
		    (c >= 0xfa && c <= 0xfc)) || i + 1 >= len)
			return FALSE;
		d = (guchar)s[++i];
		if (d < 0x40 || d == 0x7f || d > 0xfc)
			return FALSE;
	}
	return any;
}

/* mp_text_to_utf8 - unlabelled header bytes to UTF-8 (JIS, UTF-8, CP932) */
char *
mp_text_to_utf8(const char *s, gsize len)
{
	char *out;

	if (len == 0)		/* s may be NULL: an empty encoded-word */
		return g_strdup("");
	if (memchr(s, 0x1b, len) != NULL &&
	    (out = mp_iso2022jp_to_utf8(s, len)) != NULL)
		return out;
	if (g_utf8_validate(s, (gssize)len, NULL))
		return g_strndup(s, len);
	/* Raw Shift_JIS is the usual 8-bit header text in Japanese mail. */
	if (mp_looks_sjis(s, len) &&
	    (out = convert_lenient(s, len, "CP932")) != NULL)
		return out;
	return convert_lenient(s, len, "WINDOWS-1252");
}

/*
 * sjis_swallows_ascii - whether reading s as Shift_JIS would take an
 * ASCII byte as the second byte of a pair in text without hiragana.
 * Kanji have such pairs (田 is 0x93 0x63), but text labelled UTF-8 is
 * Shift_JIS by mistake only when it is plainly Japanese: a stray Latin-1
 * byte before a letter ("Dij\x8aat") must not eat the letter.
 */
static gboolean
sjis_swallows_ascii(const char *s, gsize len)
{
	gboolean ascii_trail = FALSE;
	gsize i;

	for (i = 0; i + 1 < len; i++) {
		guchar c = (guchar)s[i], d = (guchar)s[i + 1];

		if (c < 0x80 || (c >= 0xa1 && c <= 0xdf))
			continue;
		if (c == 0x82 && d >= 0x9f && d <= 0xf1)
			return FALSE;		/* hiragana: Japanese */
		if (d < 0x80)
			ascii_trail = TRUE;
		i++;
	}
	return ascii_trail;
}

/*
 * utf8_labelled - text labelled UTF-8: as it is when valid; Shift_JIS
 * or ISO-2022-JP sent with the wrong label when it plainly is that; else
 * UTF-8 with each invalid byte replaced by U+FFFD, the label taken at
 * its word.
 */
static char *
utf8_labelled(const char *s, gsize len)
{
	char *out;

	if (g_utf8_validate(s, (gssize)len, NULL))
		return g_strndup(s, len);
	if (memchr(s, 0x1b, len) != NULL &&
	    (out = mp_iso2022jp_to_utf8(s, len)) != NULL)
		return out;
	if (mp_looks_sjis(s, len) && !sjis_swallows_ascii(s, len) &&
	    (out = convert_lenient(s, len, "CP932")) != NULL)
		return out;
	if ((out = convert_lenient(s, len, "UTF-8")) != NULL)
		return out;
	return mp_text_to_utf8(s, len);
}

/* mp_charset_to_utf8 - convert from a MIME charset label, with fallbacks */
char *
mp_charset_to_utf8(const char *s, gsize len, const char *charset)
{
	char *lc, *out = NULL;
	const char *use = NULL;

	if (len == 0)		/* s may be NULL: an empty encoded-word */
		return g_strdup("");
	if (charset == NULL || *charset == '\0')
		return mp_text_to_utf8(s, len);
	lc = g_ascii_strdown(charset, -1);
	if (g_str_has_prefix(lc, "iso-2022-jp") ||
	    g_str_has_prefix(lc, "csiso2022jp") ||
	    g_str_has_prefix(lc, "iso2022jp")) {
		out = mp_iso2022jp_to_utf8(s, len);
		use = out != NULL ? NULL : charset;
	} else if (strcmp(lc, "shift_jis") == 0 || strcmp(lc, "shift-jis") == 0 ||
	    strcmp(lc, "sjis") == 0 || strcmp(lc, "x-sjis") == 0 ||
	    strcmp(lc, "windows-31j") == 0 || strcmp(lc, "cp932") == 0 ||
	    strcmp(lc, "ms932") == 0 || strcmp(lc, "ms_kanji") == 0 ||
	    strcmp(lc, "csshiftjis") == 0) {
		use = "CP932";		/* the superset every sender means */
	} else if (strcmp(lc, "euc-jp") == 0 || strcmp(lc, "x-euc-jp") == 0 ||
	    strcmp(lc, "eucjp") == 0) {
		use = "EUC-JP-MS";
	} else if (strcmp(lc, "utf-8") == 0 || strcmp(lc, "utf8") == 0) {
		g_free(lc);
		return utf8_labelled(s, len);
	} else if (strcmp(lc, "us-ascii") == 0 ||
	    strcmp(lc, "unknown-8bit") == 0 || strcmp(lc, "x-unknown") == 0) {
		use = NULL;
	} else if (strcmp(lc, "iso-8859-1") == 0 || strcmp(lc, "latin1") == 0) {
		use = "WINDOWS-1252";
	} else if (strcmp(lc, "gb2312") == 0 || strcmp(lc, "gbk") == 0) {
		use = "GB18030";
	} else if (strcmp(lc, "ks_c_5601-1987") == 0 ||
	    strcmp(lc, "euc-kr") == 0) {
		use = "CP949";
	} else {
		use = charset;
	}
	g_free(lc);
	if (out != NULL)
		return out;
	if (use != NULL && (out = convert_lenient(s, len, use)) != NULL)
		return out;
	return mp_text_to_utf8(s, len);
}

/*
 * encoded_word - parse an RFC 2047 encoded-word at s; on success append
 * its decoded bytes, give its charset and length.
 */
static gboolean
encoded_word(const char *s, gsize len, gsize *wlen, char **charset,
    GByteArray *bytes)
{
	gsize i, cs_end, text_start, text_end;
	char enc;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return FALSE;
	for (i = 2; i < len && s[i] != '?'; i++)
		if (g_ascii_isspace(s[i]))
			return FALSE;
	if (i + 3 >= len || i == 2)
		return FALSE;
	cs_end = i;
	enc = g_ascii_toupper(s[i + 1]);
	if ((enc != 'B' && enc != 'Q') || s[i + 2] != '?')
		return FALSE;
	text_start = i + 3;
	for (i = text_start; i + 1 < len; i++) {
		if (s[i] == '?' && s[i + 1] == '=')
			break;
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			return FALSE;
	}
	if (i + 1 >= len)
		return FALSE;
	text_end = i;
	*wlen = i + 2;
	*charset = g_strndup(s + 2, cs_end - 2);
	{
		char *star = strchr(*charset, '*');	/* RFC 2231 language */

		if (star != NULL)
			*star = '\0';
	}
	if (enc == 'B') {
		gint state = 0;
		guint save = 0;
		gsize n = text_end - text_start, old = bytes->len;

		if (n > 0) {
			g_byte_array_set_size(bytes, old + n);
			n = g_base64_decode_step(s + text_start, n,
			    bytes->data + old, &state, &save);
			g_byte_array_set_size(bytes, old + n);
		}
	} else {
		for (i = text_start; i < text_end; i++) {
			guchar c = (guchar)s[i];

			if (c == '_')
				c = ' ';
			else if (c == '=' && i + 2 < text_end &&
			    g_ascii_isxdigit(s[i + 1]) &&
			    g_ascii_isxdigit(s[i + 2])) {
				c = (guchar)(g_ascii_xdigit_value(s[i + 1]) * 16 +
				    g_ascii_xdigit_value(s[i + 2]));
				i += 2;
			}
			g_byte_array_append(bytes, &c, 1);
		}
	}
	return TRUE;
}

typedef struct {
	GString *out;
	GByteArray *pending;	/* decoded bytes of adjacent encoded-words */
	char *pending_cs;
	gboolean space;		/* white space seen since the last token */
	gboolean last_was_word;
} Decoder;

static void
decoder_flush(Decoder *dc)
{
	char *u;

	if (dc->pending_cs == NULL)
		return;
	u = mp_charset_to_utf8((const char *)dc->pending->data,
	    dc->pending->len, dc->pending_cs);
	g_string_append(dc->out, u);
	g_free(u);
	g_byte_array_set_size(dc->pending, 0);
	g_clear_pointer(&dc->pending_cs, g_free);
}

static void
decoder_text(Decoder *dc, const char *s, gsize len)
{
	decoder_flush(dc);
	if (dc->space && dc->out->len > 0)
		g_string_append_c(dc->out, ' ');
	g_string_append_len(dc->out, s, (gssize)len);
	dc->space = FALSE;
	dc->last_was_word = FALSE;
}

/*
 * mp_decode_header_text - decode RFC 2047 words and raw 8-bit text
 *
 * Adjacent encoded-words are joined before charset conversion, because
 * mailers split ISO-2022-JP and UTF-8 text in the middle of a character.
 * With phrase set, quoted strings are unquoted (and encoded-words inside
 * them decoded, as Japanese mailers write them).  The result is UTF-8
 * with white space runs collapsed.
 */
char *
mp_decode_header_text(const char *s, gsize len, gboolean phrase)
{
	Decoder dc = { 0 };
	GByteArray *word;
	char *text;
	gsize i = 0, n;

	/* Raw JIS and Shift_JIS can hold quote and backslash bytes. */
	text = mp_text_to_utf8(s, len);
	len = strlen(text);
	dc.out = g_string_sized_new(len);
	dc.pending = g_byte_array_new();
	word = g_byte_array_new();
	while (i < len) {
		char c = text[i];
		char *cs = NULL;
		gsize wlen;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			dc.space = TRUE;
			i++;
		} else if (phrase && c == '"') {
			GString *q = g_string_new(NULL);
			char *inner;

			for (i++; i < len && text[i] != '"'; i++) {
				if (text[i] == '\\' && i + 1 < len)
					i++;
				g_string_append_c(q, text[i]);
			}
			i++;
			inner = mp_decode_header_text(q->str, q->len, FALSE);
			decoder_text(&dc, inner, strlen(inner));
			g_free(inner);
			g_string_free(q, TRUE);
		} else if (c == '=' &&
		    encoded_word(text + i, len - i, &wlen, &cs, word)) {
			/* White space between adjacent encoded-words is dropped. */
			if (dc.pending_cs != NULL && (!dc.last_was_word ||
			    g_ascii_strcasecmp(cs, dc.pending_cs) != 0))
				decoder_flush(&dc);
			if (dc.pending_cs == NULL) {
				if (dc.space && dc.out->len > 0 && !dc.last_was_word)
					g_string_append_c(dc.out, ' ');
				dc.pending_cs = cs;
			} else {
				g_free(cs);
			}
			g_byte_array_append(dc.pending, word->data, word->len);
			g_byte_array_set_size(word, 0);
			dc.space = FALSE;
			dc.last_was_word = TRUE;
			i += wlen;
		} else {
			n = i;
			while (n < len && text[n] != ' ' && text[n] != '\t' &&
			    text[n] != '\r' && text[n] != '\n' &&
			    !(phrase && text[n] == '"') &&
			    !(n > i && text[n] == '=' && n + 1 < len &&
			    text[n + 1] == '?'))
				n++;
			if (n == i)
				n++;
			decoder_text(&dc, text + i, n - i);
			i = n;
		}
	}
	decoder_flush(&dc);
	g_byte_array_free(word, TRUE);
	g_byte_array_free(dc.pending, TRUE);
	g_free(text);
	{
		char *valid = g_utf8_make_valid(dc.out->str, (gssize)dc.out->len);

		g_string_free(dc.out, TRUE);
		return valid;
	}
}
