/* output.h - output that is complete or an error, never half of it */
#ifndef MP_OUTPUT_H
#define MP_OUTPUT_H

#include <stdio.h>

#include "base/mp.h"

/* mp_write_all - write all of buf to fd, retrying short writes */
int mp_write_all(int fd, const char *buf, gsize len, const char *what,
    GError **err);

/* mp_stdio_put - fwrite to a stream, failing on a short write */
int mp_stdio_put(FILE *fp, const char *buf, gsize len, GError **err);

/* mp_stdio_printf - fprintf that reports a failed write as a status */
int mp_stdio_printf(FILE *fp, GError **err, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* mp_fsync_dir - make a rename (or a new name) in dir durable */
int mp_fsync_dir(const char *dir, GError **err);

/*
 * mp_write_file_atomic - path holds data, or, on any error, what it held
 * before: written to a temporary file beside it, synced, renamed over
 * it, the directory synced.  Cannot create: EX_CANTCREAT.
 */
int mp_write_file_atomic(const char *path, const char *data, gsize len,
    int mode, GError **err);

/* mp_stdout_finish - flush, sync and close stdout, checking each step */
int mp_stdout_finish(GError **err);

#endif
