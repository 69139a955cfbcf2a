/* spool.h - bytes in an unlinked temporary file, off the heap */
#ifndef MP_SPOOL_H
#define MP_SPOOL_H

#include <stdio.h>

#include "base/mp.h"

/*
 * A decoded attachment, the ZIP made of them or a rewritten message
 * can each be as big as the message: held in memory side by side they
 * multiply it.  A spool holds such bytes in memory up to
 * MP_SPOOL_MEMORY, and beyond that in a temporary file in $TMPDIR
 * (else /tmp) that has no name (O_TMPFILE, else unlinked at once), so
 * nothing is left behind whatever happens to the process.  Small
 * messages never touch the disk; a big one costs its size in memory
 * once.  A write that fails for want of space is 75, as any output.
 */
typedef struct MpSpool MpSpool;

/* MP_SPOOL_BLOCK - the size of one buffered write or read */
#define MP_SPOOL_BLOCK ((gsize)64 * 1024)
/* MP_SPOOL_MEMORY - the most a spool keeps in memory */
#define MP_SPOOL_MEMORY ((gsize)256 * 1024)

/* mp_spool_new - an empty spool */
int mp_spool_new(MpSpool **out, GError **err);

/* mp_spool_write - append n bytes */
int mp_spool_write(MpSpool *sp, const void *data, gsize n, GError **err);

/* mp_spool_finish - flush what is buffered: the spool can be read */
int mp_spool_finish(MpSpool *sp, GError **err);

/* mp_spool_size - bytes written so far */
gsize mp_spool_size(const MpSpool *sp);

/* mp_spool_data - the bytes, when they are in memory (else NULL) */
const guchar *mp_spool_data(const MpSpool *sp);

/* mp_spool_fd - the file, when the bytes are in one (else -1) */
int mp_spool_fd(const MpSpool *sp);

/* mp_spool_read - exactly n bytes at off, once finished */
int mp_spool_read(const MpSpool *sp, gsize off, void *buf, gsize n,
    GError **err);

/* mp_spool_put - the whole spool written to a stream */
int mp_spool_put(const MpSpool *sp, FILE *fp, GError **err);

/* mp_spool_free - close and forget (NULL: nothing) */
void mp_spool_free(MpSpool *sp);

#endif
