/* deliver.h - a notice handed to a file, a Maildir or a command, durably */
#ifndef MP_DELIVER_H
#define MP_DELIVER_H

#include <signal.h>

#include "base/mp.h"

/* how long a notice command may take to stop after SIGTERM before it
 * gets SIGKILL, when we are told to stop ourselves */
#define MP_NOTICE_COMMAND_GRACE_SECONDS 2
/* a notice file holds a password: only its owner may read it */
#define MP_NOTICE_FILE_MODE 0600
/* random bytes in the unique part of a Maildir file name */
#define MP_MAILDIR_UNIQUE_BYTES 8

/* Where notices go; every one given must take it. */
typedef struct {
	const char *file;	/* written atomically: temp, fsync, rename */
	const char *maildir;	/* tmp/ then new/ */
	const char *command;	/* sh -c command, notice on its stdin */
} MpNoticeDest;

/* mp_stop_signals - add to set SIGTERM, SIGINT and SIGHUP unless
 * ignored: the signals that stop a notice command and us */
void mp_stop_signals(sigset_t *set);

/* mp_notice_deliver - hand text to every destination, durably; *caught:
 * the signal that stopped a notice command, or 0 */
int mp_notice_deliver(const MpNoticeDest *dest, const GString *text,
    int *caught, GError **err);

#endif
