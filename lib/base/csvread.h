/* csvread.h - a CSV file as rows of UTF-8 fields, with line numbers */
#ifndef MP_CSVREAD_H
#define MP_CSVREAD_H

#include "base/mp.h"

typedef struct {
	GPtrArray *fields;	/* of char *, UTF-8 */
	guint line;		/* line the row starts on, from 1 */
} MpCsvRow;

typedef struct {
	GPtrArray *rows;	/* of MpCsvRow *; rows->pdata[0] is the header */
	char *encoding;		/* what the file was read as */
} MpCsv;

/*
 * mp_csv_read - parse a CSV file (RFC 4180: quotes, embedded commas and
 * line breaks).  encoding NULL or "auto": UTF-8 (a BOM is dropped) when
 * the bytes are valid UTF-8, else CP932, as HR systems on Windows
 * export; anything else names an iconv charset.
 */
int mp_csv_read(const char *path, const char *encoding, MpCsv **out,
    GError **err);
void mp_csv_free(MpCsv *csv);

#endif
