/* charset.h - bytes in mail's many charsets to UTF-8 */
#ifndef MP_CHARSET_H
#define MP_CHARSET_H

#include <glib.h>

/* mp_iso2022jp_to_utf8 - ISO-2022-JP including the Microsoft extensions */
char *mp_iso2022jp_to_utf8(const char *s, gsize len);

/* mp_charset_to_utf8 - convert from a MIME charset label, with fallbacks */
char *mp_charset_to_utf8(const char *s, gsize len, const char *charset);

/* mp_looks_sjis - whether every 8-bit byte belongs to a Shift_JIS character */
gboolean mp_looks_sjis(const char *s, gsize len);

/* mp_text_to_utf8 - unlabelled header bytes to UTF-8 (JIS, UTF-8, CP932) */
char *mp_text_to_utf8(const char *s, gsize len);

/* mp_decode_header_text - decode RFC 2047 words and raw 8-bit text */
char *mp_decode_header_text(const char *s, gsize len, gboolean phrase);

#endif
