/* batch.h - one message, an mbox or a Maildir, message by message */
#ifndef MP_BATCH_H
#define MP_BATCH_H

#include "mail/message.h"

typedef enum {
	MP_SOURCE_STDIN,
	MP_SOURCE_FILE,
	MP_SOURCE_MBOX,
	MP_SOURCE_MAILDIR,
} MpSourceKind;

/* Where a message came from, for result records. */
typedef struct {
	MpSourceKind kind;
	const char *path;	/* file, mbox or Maildir message file */
	guint64 index;		/* mbox: 1-based message number */
	guint64 offset;		/* mbox: byte offset of the From_ line */
} MpSource;

/*
 * Called once per message: msg is the message, or NULL with status and
 * why saying why this one message could not be read.  Return MP_OK to go
 * on, anything else to stop the batch with that status.
 */
typedef int (*MpMessageFunc)(const MpSource *src, MpMessage *msg,
    int status, const GError *why, gpointer data);

/* mp_source_label - "FILE:N" for an mbox message, the path otherwise */
char *mp_source_label(const MpSource *src);

/* mp_batch_stdin - standard input as one message */
int mp_batch_stdin(const MpLimits *limits, MpMessageFunc fn, gpointer data,
    GError **err);

/* mp_batch_file - a file holding one message (head: header block only) */
int mp_batch_file(const char *path, gboolean head, const MpLimits *limits,
    MpMessageFunc fn, gpointer data, GError **err);

/* mp_batch_mbox - every message of an mbox file */
int mp_batch_mbox(const char *path, const MpLimits *limits, MpMessageFunc fn,
    gpointer data, GError **err);

/* mp_batch_maildir - every message in DIR/cur and DIR/new, sorted */
int mp_batch_maildir(const char *dir, gboolean head, const MpLimits *limits,
    MpMessageFunc fn, gpointer data, GError **err);

#endif
