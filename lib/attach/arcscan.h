/* arcscan.h - what an archive is, read from its bytes with caps */
#ifndef MP_ARCSCAN_H
#define MP_ARCSCAN_H

#include "base/mp.h"
#include "base/spool.h"

/*
 * libarchive has no zip-bomb limits of its own, so a scan counts every
 * byte it reads (libarchive's reads and its own) and stops at these
 * caps.  Archives inside archives are not opened: the depth is 1.
 * Entry data is read only to tell whether a ZIP entry that claims to
 * be encrypted reads in the clear, and what it inflates to counts
 * against the same cap.
 */
#define MP_ARCSCAN_READ_BYTES ((gsize)256 * 1024 * 1024)
#define MP_ARCSCAN_ENTRIES 10000
#define MP_ARCSCAN_DEPTH 1
/* extra-field bytes a ZIP header may carry (AES, Unix and NTFS times,
 * Zip64 take a few dozen): more is room for data in the clear */
#define MP_ARCSCAN_ZIP_EXTRA 1024

typedef enum {
	MP_ARCHIVE_NONE,	/* not a ZIP, 7z or RAR archive */
	MP_ARCHIVE_PLAIN,	/* an archive, not all of it encrypted */
	MP_ARCHIVE_ENCRYPTED,	/* all of it encrypted (see arcscan.c) */
} MpArchiveKind;

typedef struct {
	MpArchiveKind kind;
	char format[32];	/* libarchive's name for it, or "" */
	guint entries;		/* entries read */
	guint encrypted;	/* of which encrypted */
	guint plain;		/* of which in the clear and not empty */
	gboolean capped;	/* a cap stopped the scan early */
	gboolean whole;		/* the archive is the whole file, checked */
	const char *why;	/* why not ENCRYPTED, or NULL */
} MpArchiveScan;

/* mp_archive_scan - whether bytes are a ZIP, 7z or RAR, all encrypted */
void mp_archive_scan(const guchar *data, gsize len, MpArchiveScan *out);

/* mp_archive_scan_fd - the same for the len bytes of a file from 0 */
void mp_archive_scan_fd(int fd, gsize len, MpArchiveScan *out);

/* mp_archive_scan_spool - the same for a finished spool */
void mp_archive_scan_spool(const MpSpool *sp, MpArchiveScan *out);

#endif
