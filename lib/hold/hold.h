/* hold.h - the hold queue: mail that waits for time, a confirmation or
 * an approval, and the state of every entry */
#ifndef MP_HOLD_H
#define MP_HOLD_H

#include "base/mp.h"
#include "base/statedir.h"

/*
 * The spool ([hold] spool) holds one directory per message:
 *
 *	SPOOL/key		32 random bytes: the tokens of the links
 *	SPOOL/tmp/		entries being written (never read as entries)
 *	SPOOL/ID/message	the bytes as they were handed over
 *	SPOOL/ID/entry.json	the state, replaced atomically on every
 *				transition (temporary name, fsync, rename,
 *				directory fsync)
 *	SPOOL/ID/log		the audit log: one JSON object per line,
 *				appended and fsynced on every transition
 *	SPOOL/ID/lock		flock(2)ed by whoever changes the entry
 *
 * Directories are 0700 and files 0600.  An entry appears in SPOOL only
 * once all of it is on disk: it is made in tmp/ and renamed.  ID is 32
 * lower-case hex digits, 128 random bits.
 */
#define MP_HOLD_ID_BYTES 16
#define MP_HOLD_ID_LEN (2 * MP_HOLD_ID_BYTES)
#define MP_HOLD_KEY_BYTES 32
/* a token in a link: 128 bits of a keyed hash, in hex */
#define MP_HOLD_TOKEN_BYTES 16
#define MP_HOLD_TOKEN_LEN (2 * MP_HOLD_TOKEN_BYTES)
#define MP_HOLD_DIR_MODE 0700
#define MP_HOLD_FILE_MODE 0600
/* what the entry keeps of the body for the page and the notice */
#define MP_HOLD_PREVIEW_LINES 10
#define MP_HOLD_PREVIEW_BYTES 2048
/* a comment or a justification typed on the page, at most */
#define MP_HOLD_TEXT_MAX 2000
/* tmp/ leftovers of a crash older than this are removed by --run */
#define MP_HOLD_TMP_AGE (24 * 3600)

/* Defaults of [hold], documented in mp.conf(5). */
#define MP_HOLD_TIME_DEFAULT "5m"
#define MP_HOLD_APPROVE_TIMEOUT_DEFAULT "1d"
#define MP_HOLD_APPROVE_EXPIRY_DEFAULT "discard"
#define MP_HOLD_CONFIRM_TIMEOUT_DEFAULT "1d"
#define MP_HOLD_SENDMAIL_DEFAULT "/usr/sbin/sendmail -G -i"
#define MP_HOLD_RETRY_FOR_DEFAULT "5d"
/* [hold] sendmail-timeout: how long one sendmail may take */
#define MP_HOLD_SENDMAIL_TIMEOUT_DEFAULT "5m"
#define MP_HOLD_PURGE_AFTER_DEFAULT "30d"
#define MP_HOLD_LANG_DEFAULT "ja"

typedef enum {
	MP_HOLD_MODE_HOLD,	/* --for: everyone after a while */
	MP_HOLD_MODE_STAGGER,	/* --stagger: internal now, the rest later */
	MP_HOLD_MODE_APPROVE,	/* --approve: once a superior approves */
	MP_HOLD_MODE_CONFIRM,	/* --confirm: once the sender confirms */
} MpHoldMode;

/*
 * The states.  held is the only one that waits for a person; released
 * and approved wait only for the next delivery; the rest are final.
 */
typedef enum {
	MP_HOLD_HELD,
	MP_HOLD_RELEASED,	/* the sender or an administrator: send now */
	MP_HOLD_APPROVED,
	MP_HOLD_SENT,
	MP_HOLD_DISCARDED,
	MP_HOLD_REJECTED,	/* by an approver */
	MP_HOLD_EXPIRED,	/* nobody approved or confirmed in time */
	MP_HOLD_FAILED,		/* sendmail refused it for good */
	MP_HOLD_NSTATES
} MpHoldState;

/* One delivery: some of the recipients, when they are due. */
typedef enum {
	MP_HOLD_PENDING,
	MP_HOLD_DONE,
	MP_HOLD_CANCELLED,	/* the entry was discarded first */
	MP_HOLD_REFUSED,	/* sendmail's permanent failure */
} MpHoldDeliveryState;

typedef struct {
	GPtrArray *recipients;	/* char *, envelope addresses */
	gint64 due;		/* seconds since the epoch; 0: not yet
				 * (waits for approval or confirmation) */
	MpHoldDeliveryState state;
	guint attempts;
	gint64 first_attempt;	/* 0: none yet */
	gint64 done;		/* when it was delivered or given up */
	char *error;		/* the last failure, or NULL */
	char *notify;		/* the DSN NOTIFY its recipients asked for
				 * ("SUCCESS,DELAY", "NEVER"), or NULL */
} MpHoldDelivery;

typedef struct {
	char *name;		/* UTF-8, as the page and notice show it */
	guint64 size;		/* decoded bytes */
} MpHoldAttachment;

typedef struct {
	char *address;
	char *name;		/* from the org snapshot, or NULL */
	char *reason;		/* why they may approve, or NULL */
} MpHoldApprover;

/* A notice still to send (the outbox), or sent. */
typedef enum {
	MP_HOLD_NOTICE_HELD,	/* to the sender: held, with the link */
	MP_HOLD_NOTICE_APPROVE,	/* to an approver: please approve */
	MP_HOLD_NOTICE_DISCARDED,	/* to the sender */
	MP_HOLD_NOTICE_REJECTED,	/* to the sender, with the comment */
	MP_HOLD_NOTICE_EXPIRED,	/* to the sender: nobody answered */
	MP_HOLD_NOTICE_FAILED,	/* to the sender: sendmail refused it */
	MP_HOLD_NNOTICES
} MpHoldNoticeKind;

typedef struct {
	MpHoldNoticeKind kind;
	char *to;
	gboolean sent;
} MpHoldNoticeItem;

typedef struct {
	char *id;
	MpHoldMode mode;
	MpHoldState state;
	char *sender;		/* envelope sender; "" for the null sender */
	char *dsn_ret;		/* DSN RET ("HDRS", "FULL") or NULL */
	char *dsn_envid;	/* DSN ENVID, xtext decoded, or NULL */
	GPtrArray *recipients;	/* char *: the envelope, in order */
	GPtrArray *classes;	/* char *: "internal", "semi-internal" or
				 * "external", one per recipient */
	gint64 created;
	gint64 expires;		/* approve and confirm: when nobody
				 * answered; 0: never */
	gboolean deliver_on_expiry;	/* [hold] approve-expiry = deliver */
	GPtrArray *deliveries;	/* MpHoldDelivery */
	guint64 size;		/* bytes of the message */
	/* what the page and the notices show, read when it was queued */
	char *subject;		/* UTF-8, decoded; "" when none */
	char *from;		/* the From field, decoded */
	char *message_id;	/* or NULL */
	char *preview;		/* the first lines of the text */
	GPtrArray *attachments;	/* MpHoldAttachment */
	GPtrArray *external_domains;	/* char *, distinct, sorted */
	GPtrArray *approvers;	/* MpHoldApprover */
	char *rule;		/* the policy rule that held it, or NULL */
	char *reason;		/* that rule's reason, or NULL */
	gboolean override;	/* the sender may send anyway, with a
				 * justification */
	char *lang;		/* of the notices: "ja" or "en" */
	/* how it ended */
	gint64 finished;	/* 0: not yet */
	char *by;		/* who made the last transition */
	char *comment;		/* an approver's, with reject */
	char *justification;	/* the sender's, with override */
	GPtrArray *notices;	/* MpHoldNoticeItem */
} MpHoldEntry;

/* Who or what makes a transition: the audit log says so. */
typedef enum {
	MP_HOLD_BY_QUEUE,	/* mp-hold, queueing */
	MP_HOLD_BY_SENDER,	/* on the page, with the sender's link */
	MP_HOLD_BY_APPROVER,	/* on the page, with an approver's link */
	MP_HOLD_BY_ADMIN,	/* mp-hold --release, --discard */
	MP_HOLD_BY_TIMER,	/* mp-hold --run */
} MpHoldRole;

typedef struct {
	MpHoldRole role;
	const char *who;	/* an address, a login name, or NULL */
	const char *client;	/* the web client's address, or NULL */
} MpHoldActor;

/* names as the JSON, --list and the log write them */
const char *mp_hold_mode_name(MpHoldMode m);
const char *mp_hold_state_name(MpHoldState s);
gboolean mp_hold_state_parse(const char *s, MpHoldState *out);
const char *mp_hold_notice_name(MpHoldNoticeKind k);
const char *mp_hold_role_name(MpHoldRole r);
/* whether nothing can happen to the entry any more */
gboolean mp_hold_state_final(MpHoldState s);

/* mp_hold_entry_new - an empty entry (every array made) */
MpHoldEntry *mp_hold_entry_new(void);
void mp_hold_entry_free(MpHoldEntry *e);

/* mp_hold_entry_to_json - the entry as entry.json holds it (a jansson
 * object, as a string with a final newline) */
char *mp_hold_entry_to_json(const MpHoldEntry *e);

/* mp_hold_entry_from_json - entry.json read back; 65 when it is not one */
int mp_hold_entry_from_json(const char *text, gsize len, MpHoldEntry **out,
    GError **err);

/* mp_hold_pending - the deliveries still to make */
guint mp_hold_pending(const MpHoldEntry *e);

/* mp_hold_next_due - the earliest due time of a pending delivery that
 * has one, or 0 */
gint64 mp_hold_next_due(const MpHoldEntry *e);

/* mp_hold_notice_add - one more notice in the outbox */
void mp_hold_notice_add(MpHoldEntry *e, MpHoldNoticeKind kind,
    const char *to);

/* mp_hold_is_id - 32 lower-case hex digits */
gboolean mp_hold_is_id(const char *s);

#endif
