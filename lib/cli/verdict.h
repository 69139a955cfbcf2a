/* verdict.h - commands that judge each message: a record, or -a's field */
#ifndef MP_VERDICT_H
#define MP_VERDICT_H

#include "cli/cli.h"
#include "base/json.h"

/*
 * The options a verdict command shares, as rows of its table: -a
 * (annotate), --json (MP_OPT_JSON) and, for one that refuses,
 * --summary.  The command numbers its own from MP_VERDICT_FIRST_OWN.
 */
enum {
	MP_VERDICT_OPT_SUMMARY = MP_OPT_FIRST_OWN,
	MP_VERDICT_FIRST_OWN,
};

/* --json's record of one message: an object that mp_verdict_put
 * prints and releases */
typedef json_t *(*MpVerdictJsonFunc)(const MpSource *src,
    gconstpointer result);

/*
 * A verdict command's run: its data for mp_cli_main starts with an
 * MpVerdict, so that mp_verdict_usable and mp_verdict_finish are its
 * steps.
 */
typedef struct {
	MpCli cli;		/* first: the options, mp.conf and the run */
	const char *field;	/* what -a adds: "X-MP-Classify" */
	MpVerdictJsonFunc record;	/* --json's */
	gboolean annotate;	/* -a: the message, with the field */
	gboolean json;		/* --json */
	gboolean summary;	/* --summary: totals after the records */
	guint total, refused;
	GHashTable *reasons;	/* reason (static) -> how many */
	GPtrArray *envelope;	/* -r ADDR (argv strings) */
} MpVerdict;

/* mp_verdict_init - a verdict command that adds field with -a, and
 * whose --json records record makes */
void mp_verdict_init(MpVerdict *v, const char *field,
    MpVerdictJsonFunc record);
void mp_verdict_clear(MpVerdict *v);

/* mp_verdict_take_recipient - mp_cli_main's take step: each -r adds
 * one envelope recipient */
gboolean mp_verdict_take_recipient(gpointer v, int id, const char *arg);

/* mp_verdict_envelope - the -r addresses, NULL-terminated, once the
 * command line is read */
char *const *mp_verdict_envelope(MpVerdict *v);

/*
 * mp_verdict_usable - mp_cli_main's step: -a, --json and --summary as
 * given; -a reads whole messages, one at a time (no batch), and prints
 * no records.  FALSE when they cannot go together.
 */
gboolean mp_verdict_usable(gpointer v);

/* mp_verdict_count - one more message judged, for --summary and the
 * exit status */
void mp_verdict_count(MpVerdict *v, gboolean refuse, const char *reason);

/*
 * mp_verdict_put - what is said of one message: with -a the message,
 * byte for byte, with "FIELD: value" in place of any such field it had;
 * with --json the command's record of result; else "SOURCE: line" (a
 * message alone on standard input: just the line).  A failed write
 * stops the run.
 */
int mp_verdict_put(MpVerdict *v, const MpSource *src, const MpMessage *msg,
    gconstpointer result, const char *value, const char *line);

/*
 * mp_verdict_finish - mp_cli_main's step after the last message:
 * --summary's record, the end of standard output, and the exit status:
 * 1 when a message was refused and no -a says so in its field instead
 */
int mp_verdict_finish(gpointer v, int status, GError *err);

#endif
