/* queue.h - the hold spool on disk: entries made atomically, changed
 * under a lock, every change in the audit log */
#ifndef MP_HOLDQUEUE_H
#define MP_HOLDQUEUE_H

#include "hold/hold.h"

typedef struct MpHoldSpool MpHoldSpool;
typedef struct MpHoldLock MpHoldLock;

/* mp_hold_spool_open - the spool at path, made (0700, with its key)
 * when create and it does not exist; 75 when it cannot be read or
 * made (a queue that cannot be written is a temporary failure), 78 when
 * it is no spool (a mode others can read, not a directory), 77 when
 * another user owns it (what we wrote there they could not read) */
int mp_hold_spool_open(const char *path, gboolean create,
    MpHoldSpool **out, GError **err);
void mp_hold_spool_close(MpHoldSpool *sp);
const char *mp_hold_spool_path(const MpHoldSpool *sp);

/* mp_hold_token - the link token of one person (role sender or
 * approver, their address) for one entry: a keyed hash, so the same
 * every time it is asked and never stored */
char *mp_hold_token(const MpHoldSpool *sp, const char *id, MpHoldRole role,
    const char *who);

/* mp_hold_token_check - whose token it is: TRUE and *role, *who (an
 * address of the entry's) when it is the sender's or an approver's;
 * compared in constant time */
gboolean mp_hold_token_check(const MpHoldSpool *sp, const MpHoldEntry *e,
    const char *token, MpHoldRole *role, const char **who);

/* mp_hold_csrf - the value a form of the page must send back with the
 * token: a keyed hash of the entry and the token */
char *mp_hold_csrf(const MpHoldSpool *sp, const char *id, const char *token);

/*
 * mp_hold_queue - a new entry: e (its id is set here) and the message
 * (len bytes at data) written under tmp/ with fsync, renamed into the
 * spool and the spool fsynced, the first line of the audit log
 * included.  When it returns MP_OK the entry is on disk; otherwise
 * nothing is (75 for the disk, 74 for other I/O).
 */
int mp_hold_queue(MpHoldSpool *sp, MpHoldEntry *e, const guchar *data,
    gsize len, const MpHoldActor *by, GError **err);

/* mp_hold_lock - the entry's lock: wait up to wait_ms (0: do not wait);
 * 75 and "busy" when someone else holds it, 66 when no such entry */
int mp_hold_lock(MpHoldSpool *sp, const char *id, guint wait_ms,
    MpHoldLock **out, GError **err);
void mp_hold_unlock(MpHoldLock *l);

/* mp_hold_load - the entry as entry.json says; 66 when there is none,
 * 65 when it cannot be read */
int mp_hold_load(MpHoldSpool *sp, const char *id, MpHoldEntry **out,
    GError **err);

/* mp_hold_save - entry.json replaced (under the lock), durably */
int mp_hold_save(MpHoldSpool *sp, const MpHoldEntry *e, GError **err);

/*
 * mp_hold_log - one line in the entry's audit log, fsynced: the time,
 * the event (a state's name, or "delivered", "deferred", "notice",
 * "queued" ...), who, the client, and detail (free text or NULL)
 */
int mp_hold_log(MpHoldSpool *sp, const char *id, gint64 now,
    const char *event, const MpHoldActor *by, const char *detail,
    GError **err);

/* mp_hold_log2 - the same, two events (event2 NULL: one) in one
 * write and one sync */
int mp_hold_log2(MpHoldSpool *sp, const char *id, gint64 now,
    const MpHoldActor *by, const char *event, const char *detail,
    const char *event2, const char *detail2, GError **err);

/* mp_hold_set_state - the state changed in memory: e->state, e->by,
 * and finished when final (saved by the caller) */
void mp_hold_set_state(MpHoldEntry *e, MpHoldState to, gint64 now,
    const MpHoldActor *by);

/* mp_hold_transition - the state changed (e->state = to, e->by, and
 * finished when final), saved, and logged, in that order */
int mp_hold_transition(MpHoldSpool *sp, MpHoldEntry *e, MpHoldState to,
    gint64 now, const MpHoldActor *by, const char *detail, GError **err);

/* mp_hold_restore - entry.json put back to before (the text of
 * mp_hold_entry_to_json) after a change whose save or log failed half
 * way, so that a failure leaves the entry as it was; best effort */
void mp_hold_restore(MpHoldSpool *sp, const char *id, const char *before);

/* mp_hold_message_path - SPOOL/ID/message (to free) */
char *mp_hold_message_path(const MpHoldSpool *sp, const char *id);

/* mp_hold_read_log - the audit log's lines (to free) */
int mp_hold_read_log(MpHoldSpool *sp, const char *id, char **out,
    GError **err);

/* mp_hold_ids - the ids of every entry, sorted */
int mp_hold_ids(MpHoldSpool *sp, GPtrArray **out, GError **err);

/* mp_hold_remove - an entry's directory removed (purge) */
int mp_hold_remove(MpHoldSpool *sp, const char *id, GError **err);

/* mp_hold_clean_tmp - tmp/ leftovers older than MP_HOLD_TMP_AGE */
void mp_hold_clean_tmp(MpHoldSpool *sp, gint64 now);

#endif
