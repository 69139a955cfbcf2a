/* arcscan.h - what an archive is, read from its bytes with caps */
#ifndef MP_ARCSCAN_H
#define MP_ARCSCAN_H

#include "mp.h"

/*
 * libarchive has no zip-bomb limits of its own, so a scan counts what
 * it lets libarchive read and stops at these caps.  Only headers are
 * read (entry data is skipped, never inflated), and archives inside
 * archives are not opened: the depth is 1.
 */
#define MP_ARCSCAN_READ_BYTES ((gsize)256 * 1024 * 1024)
#define MP_ARCSCAN_ENTRIES 10000
#define MP_ARCSCAN_DEPTH 1

typedef enum {
	MP_ARCHIVE_NONE,	/* not a ZIP, 7z or RAR archive */
	MP_ARCHIVE_PLAIN,	/* an archive, no entry encrypted */
	MP_ARCHIVE_ENCRYPTED,	/* entries or the headers are encrypted */
} MpArchiveKind;

typedef struct {
	MpArchiveKind kind;
	char format[32];	/* libarchive's name for it, or "" */
	guint entries;		/* entries read */
	guint encrypted;	/* of which encrypted */
	guint plain;		/* of which in the clear and not empty */
	gboolean capped;	/* a cap stopped the scan early */
} MpArchiveScan;

/* mp_archive_scan - whether bytes are a ZIP, 7z or RAR and encrypted */
void mp_archive_scan(const guchar *data, gsize len, MpArchiveScan *out);

#endif
