/* hold-int.h - what the files of lib/hold share and nobody else needs */
#ifndef MP_HOLD_INT_H
#define MP_HOLD_INT_H

#include "hold/run.h"

/* mp_hold_notices_on - whether notices go anywhere */
gboolean mp_hold_notices_on(const MpHoldCtx *c);

/* mp_hold_notify - a notice into the outbox, when notices go anywhere */
void mp_hold_notify(const MpHoldCtx *c, MpHoldEntry *e,
    MpHoldNoticeKind kind, const char *to);

/* mp_hold_due_now - every pending delivery due at now */
void mp_hold_due_now(MpHoldEntry *e, gint64 now);

/* mp_hold_cancel - every pending delivery cancelled */
void mp_hold_cancel(MpHoldEntry *e, gint64 now);

/* mp_hold_run_locked - one entry whose lock is held: expiry, what is
 * due delivered, the end recorded, the notices sent; by: who the audit
 * log names for the deliveries and notices (the timer, the queueing,
 * the person whose action made them due) */
int mp_hold_run_locked(MpHoldCtx *c, MpHoldEntry *e, const MpHoldActor *by,
    MpHoldRunStats *st, GError **err);

/* mp_hold_run_as - mp_hold_run_locked under the entry's lock (waiting
 * up to wait_ms for it) */
int mp_hold_run_as(MpHoldCtx *c, const char *id, guint wait_ms,
    const MpHoldActor *by, MpHoldRunStats *st, GError **err);

#endif
