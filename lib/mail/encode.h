/* encode.h - UTF-8 text as 7-bit mail that Japanese mail clients show */
#ifndef MP_ENCODE_H
#define MP_ENCODE_H

#include <glib.h>

/*
 * Text that mp writes into mail (notices, notes in a rewritten
 * message) goes out in the most widely read form: US-ASCII when it is
 * ASCII; ISO-2022-JP when every character is in JIS X 0208, which every
 * Japanese mail client reads; UTF-8 otherwise (①, ㈱, 髙 and half-width
 * katakana are not in ISO-2022-JP, and writing them with Microsoft's
 * extensions would break readers that follow the RFC).
 */
typedef enum {
	MP_TEXT_ASCII,
	MP_TEXT_ISO2022JP,
	MP_TEXT_UTF8,
} MpTextCharset;

/* mp_text_charset - the charset text is written in (see above) */
MpTextCharset mp_text_charset(const char *utf8);

/* mp_text_part_header - Content-Type and -Transfer-Encoding for text */
char *mp_text_part_header(const char *utf8, const char *eol);

/* mp_text_part_body - text as the body announced by mp_text_part_header */
GString *mp_text_part_body(const char *utf8, const char *eol);

/* mp_header_field - "Name: value" folded, RFC 2047 words where needed */
char *mp_header_field(const char *name, const char *utf8, const char *eol);

#endif
