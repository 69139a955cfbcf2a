/* admin.h - mp-hold's jobs: queue one message, run the queue, and what
 * an administrator asks of it */
#ifndef MP_HOLDADMIN_H
#define MP_HOLDADMIN_H

#include "hold/make.h"

typedef enum {
	MP_HOLD_JOB_QUEUE,	/* the message on standard input */
	MP_HOLD_JOB_RUN,
	MP_HOLD_JOB_LIST,
	MP_HOLD_JOB_SHOW,
	MP_HOLD_JOB_RELEASE,
	MP_HOLD_JOB_DISCARD,
	MP_HOLD_JOB_PURGE,
} MpHoldJobKind;

typedef struct {
	MpHoldJobKind kind;
	MpHoldRequest rq;	/* queue */
	const char *id;		/* show, release, discard */
	gboolean json;		/* list, show */
	/* list's filters and purge's age */
	gboolean by_state;
	MpHoldState state;
	const char *sender;
	gboolean by_age;
	guint64 older_than;	/* seconds */
	gboolean syslog;
} MpHoldJob;

/*
 * mp_hold_job - the job done, its output on standard output: the id of a
 * queued message; --run's counts (only with something to say); --list a
 * line (or a JSON object) per entry; --show the entry and its audit
 * log; --release and --discard one line.  The exit status: 0; 1 when
 * the entry is already finished (release, discard); 66 no such entry;
 * the rest as mp-hold(1) says.
 */
int mp_hold_job(MpHoldCtx *c, MpAddrParser *ap, const MpHoldJob *job,
    GError **err);

#endif
