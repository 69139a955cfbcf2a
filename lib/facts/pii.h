/* pii.h - personal data in text: phone numbers, postal codes,
 * addresses, My Number, card numbers, e-mail addresses */
#ifndef MP_PII_H
#define MP_PII_H

#include <glib.h>

typedef enum {
	MP_PII_PHONE,		/* Japanese phone numbers */
	MP_PII_POSTAL,		/* postal codes (〒123-4567, 123-4567) */
	MP_PII_ADDRESS,		/* prefecture + municipality */
	MP_PII_MYNUMBER,	/* 12 digits passing the check digit */
	MP_PII_CARD,		/* 13-19 digits, Luhn, a known prefix */
	MP_PII_EMAIL,		/* e-mail addresses */
	MP_PII_KINDS,
} MpPiiKind;

/*
 * One find.  value is the canonical form two finds are compared in
 * (numbers: digits only, +81 made 0; addresses: without spaces, every
 * dash written "-"; e-mail: lower
 * case), so counts are of distinct values.  [offset, offset + len) is
 * where it is in the text scanned, in bytes.
 */
typedef struct {
	MpPiiKind kind;
	char *value;
	gsize offset;
	gsize len;
} MpPiiHit;

/*
 * mp_pii_scan - append every find in text (UTF-8, already NFKC-
 * normalised: full-width digits are ASCII) to hits, an array of
 * MpPiiHit made with mp_pii_hits_new
 */
void mp_pii_scan(const char *text, gsize len, GArray *hits);

/* mp_pii_hits_new - an empty array of MpPiiHit that frees its values */
GArray *mp_pii_hits_new(void);

/* mp_pii_name - "phone", "postal", "address", "mynumber", "card", "email" */
const char *mp_pii_name(MpPiiKind kind);

/* mp_pii_mask - value with all but a few characters hidden, for
 * --explain ("09*****5678", "t***@example.jp") */
char *mp_pii_mask(const MpPiiHit *hit);

/* mp_mynumber_valid - 12 ASCII digits whose last is the check digit */
gboolean mp_mynumber_valid(const char *digits);

/* mp_luhn_valid - ASCII digits passing the Luhn check */
gboolean mp_luhn_valid(const char *digits);

#endif
