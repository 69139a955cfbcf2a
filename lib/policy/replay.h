/* replay.h - a policy over an archive: what each rule would have
 * caught, as a summary and as an HTML report */
#ifndef MP_REPLAY_H
#define MP_REPLAY_H

#include "mail/batch.h"
#include "policy/policy.h"

/* examples kept per rule, for --summary and --report */
#define MP_REPLAY_EXAMPLES 3
/* examples the report shows per rule */
#define MP_REPLAY_REPORT_EXAMPLES 20

typedef struct MpReplay MpReplay;

/*
 * mp_replay_new - counting starts; with progress, a line on standard
 * error (only when it is a terminal) says how far the replay of mbox
 * or maildir (either may be NULL) has come: messages, MB/s, time left
 */
MpReplay *mp_replay_new(const MpRules *rules, GTimeZone *tz,
    const char *mbox, const char *maildir, gboolean progress);
void mp_replay_free(MpReplay *rp);

/* mp_replay_add - one message judged: its rules, its day, an example
 * (subject, sender, recipients; never the body) */
void mp_replay_add(MpReplay *rp, const MpSource *src, const MpMessage *msg,
    MpJudgement *j);

/* mp_replay_failed - one message that could not be judged */
void mp_replay_failed(MpReplay *rp, const MpSource *src);

/* mp_replay_summary - after the last message, on standard output: per
 * verdict and per rule the count, with examples; JSON when json */
int mp_replay_summary(MpReplay *rp, gboolean json, GError **err);

/* mp_replay_report - a self-contained HTML page at path: per rule the
 * count, a chart by day and example messages */
int mp_replay_report(MpReplay *rp, const char *path, GError **err);

#endif
