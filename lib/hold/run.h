/* run.h - what mp-hold and its page share: the [hold] settings, the
 * delivery of what is due, and the actions of people on an entry */
#ifndef MP_HOLDRUN_H
#define MP_HOLDRUN_H

#include "base/config.h"
#include "base/opts.h"
#include "hold/queue.h"
#include "notice/deliver.h"

/* getopt_long values of the [hold] keys' options */
enum {
	MP_HOLD_OPT_SPOOL = MP_OPT_FIRST_NOTICE,
	MP_HOLD_OPT_SENDMAIL,
	MP_HOLD_OPT_BASE_URL,
	MP_HOLD_OPT_LANG,
	MP_HOLD_OPT_NOTICE,
	MP_HOLD_OPT_NOTICE_MAILDIR,
	MP_HOLD_OPT_NOTICE_CMD,
	MP_HOLD_OPT_NOTICE_FROM,
	MP_HOLD_OPT_TEMPLATE_DIR,
	MP_HOLD_OPT_SNAPSHOT,
	MP_HOLD_OPT_APPROVE_TIMEOUT,
	MP_HOLD_OPT_CONFIRM_TIMEOUT,
	/* keys alone: no option */
	MP_HOLD_OPT_HOLD_TIME,
	MP_HOLD_OPT_APPROVERS,
	MP_HOLD_OPT_APPROVE_EXPIRY,
	MP_HOLD_OPT_TRACE,
	MP_HOLD_OPT_DSN,
	MP_HOLD_OPT_SENDMAIL_TIMEOUT,
	MP_HOLD_OPT_RETRY_FOR,
	MP_HOLD_OPT_PURGE_AFTER,
	MP_HOLD_OPT_OVERRIDE,
};

/* the [hold] keys, with the options that set them in mp-hold; the page
 * reads the same table (it has no command line) */
extern const MpOptSpec mp_hold_key_opts[];

typedef struct MpHoldTexts MpHoldTexts;	/* notices.h */

/* The settings, resolved. */
typedef struct {
	MpHoldSpool *spool;
	char **sendmail;	/* argv of [hold] sendmail, without -f and
				 * recipients */
	gboolean trace;		/* X-MP-Hold: on what is delivered */
	gboolean dsn;		/* -N, -R, -V to sendmail for the DSN
				 * the envelope asked for */
	guint64 sendmail_timeout;	/* seconds one sendmail may take */
	guint64 hold_time, approve_timeout, confirm_timeout;	/* seconds */
	guint64 retry_for, purge_after;
	gboolean deliver_on_expiry;
	gboolean override;	/* default of --override */
	char *base_url;		/* ends in "/"; NULL: no links */
	char *lang;		/* "ja" or "en" */
	char *notice_from;	/* the notices' From */
	char *template_dir;
	char **approvers;	/* [hold] approvers; NULL: the snapshot */
	char *snapshot;
	MpNoticeDest dest;	/* where notices go */
	GTimeZone *tz;		/* [general] time-zone */
	gint64 now;		/* the time to act at (--now); 0: the clock */
	MpHoldTexts *texts;	/* the notices' templates */
	const MpConfig *cfg;
} MpHoldCtx;

/* mp_hold_ctx_load - the settings from keys (resolved by mp_opts_read
 * over mp.conf), the spool opened (made when create), the templates
 * loaded; 78 for a value that is wrong, 75 for a spool that cannot be
 * opened */
int mp_hold_ctx_load(MpHoldCtx *c, const MpOpts *keys, const MpConfig *cfg,
    gboolean create, GError **err);
void mp_hold_ctx_clear(MpHoldCtx *c);

/* mp_hold_now - c->now, else the clock */
gint64 mp_hold_now(const MpHoldCtx *c);

/* mp_hold_age - seconds from then to now, 0 when then is ahead */
guint64 mp_hold_age(gint64 now, gint64 then);

/* What one --run did. */
typedef struct {
	guint delivered;	/* deliveries that sendmail took */
	guint deferred;		/* temporary failures: again next run */
	guint refused;		/* permanent failures, reported */
	guint expired;
	guint notices;
	guint busy;		/* entries locked by another process */
	guint failed;		/* entries that could not be handled */
} MpHoldRunStats;

/*
 * mp_hold_run - every entry once: expiry, what is due delivered, the
 * outbox of notices sent.  An entry another process holds is left to
 * it.  MP_OK unless an entry could not be handled (75: try again).
 */
int mp_hold_run(MpHoldCtx *c, MpHoldRunStats *st, GError **err);

/* mp_hold_run_entry - the same for one entry; wait_ms: how long to wait
 * for its lock */
int mp_hold_run_entry(MpHoldCtx *c, const char *id, guint wait_ms,
    MpHoldRunStats *st, GError **err);

/* mp_hold_purge - remove finished entries older than age seconds */
int mp_hold_purge(MpHoldCtx *c, guint64 age, guint *removed, GError **err);

/* What a person can do to an entry. */
typedef enum {
	MP_HOLD_ACT_RELEASE,	/* send now */
	MP_HOLD_ACT_DISCARD,
	MP_HOLD_ACT_APPROVE,
	MP_HOLD_ACT_REJECT,	/* with a comment */
	MP_HOLD_ACT_CONFIRM,	/* every domain and name ticked */
	MP_HOLD_ACT_OVERRIDE,	/* send anyway, with a justification */
	MP_HOLD_NACTIONS
} MpHoldAction;

typedef enum {
	MP_HOLD_ACT_OK,
	MP_HOLD_ACT_UNKNOWN,	/* no such entry */
	MP_HOLD_ACT_FINISHED,	/* already sent, discarded ... */
	MP_HOLD_ACT_FORBIDDEN,	/* not this person's to do */
	MP_HOLD_ACT_INCOMPLETE,	/* something not ticked; no text */
	MP_HOLD_ACT_BUSY,	/* locked: try again */
	MP_HOLD_ACT_ERROR,	/* the spool failed: *err says why */
} MpHoldActResult;

const char *mp_hold_action_name(MpHoldAction a);
gboolean mp_hold_action_parse(const char *s, MpHoldAction *out);

/* mp_hold_may - whether this person may do a to the entry now (the page
 * shows only the buttons that work) */
gboolean mp_hold_may(const MpHoldEntry *e, MpHoldRole role, MpHoldAction a);

/*
 * mp_hold_act - one action, under the entry's lock: checked against the
 * state and the person, the transition saved and logged, the notices it
 * calls for queued; then what became due is delivered at once and the
 * notices sent (what fails there is left to the next --run).  text is
 * the comment of a reject or the justification of an override;
 * domains and names what the sender ticked for confirm.
 */
MpHoldActResult mp_hold_act(MpHoldCtx *c, const char *id,
    const MpHoldActor *by, MpHoldAction a, const char *text,
    const GPtrArray *domains, const GPtrArray *names, GError **err);

#endif
