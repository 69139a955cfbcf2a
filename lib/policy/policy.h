/* policy.h - mp-policy's whole job on one message: facts, then rules */
#ifndef MP_POLICY_H
#define MP_POLICY_H

#include "policy/decision.h"

/* What the command line says besides mp.conf. */
typedef struct {
	MpFactsArgs facts;	/* -r, -f, --auth-user, --now, --time */
	const char *snapshot;	/* the org snapshot, used when a rule
				 * needs it */
	gboolean explain;
} MpPolicyOpts;

typedef struct {
	const MpConfig *cfg;
	MpRules *rules;
	MpOrgSnap *snap;
	MpAddrParser *ap;
	MpFactsCtx facts;	/* its tz is [general] time-zone */
	MpEvalCtx eval;
} MpPolicy;

/* One message judged: its facts and the decision on them. */
typedef struct {
	MpFacts *facts;
	MpDecision d;
} MpJudgement;

/*
 * mp_policy_open - the rules of cfg (78 naming file, section and key;
 * 78 when there are none), the addresses of the command line (64), and
 * the org snapshot when a rule needs one (75 when it cannot be read:
 * fail closed)
 */
int mp_policy_open(const MpConfig *cfg, const MpPolicyOpts *o,
    MpPolicy **out, GError **err);
void mp_policy_close(MpPolicy *p);

/* mp_policy_envelope - the envelope (sender: "" for the null sender;
 * rcpts NULL-terminated) and SMTP AUTH user (or NULL) of the next
 * message judged, in place of the command line's; kept by reference */
void mp_policy_envelope(MpPolicy *p, const char *sender, char *const *rcpts,
    const char *auth_user);

/* mp_policy_judge - the facts of msg (kept alive by the caller) and the
 * decision on them */
int mp_policy_judge(MpPolicy *p, const MpMessage *msg, MpJudgement *j,
    GError **err);
void mp_judgement_clear(MpJudgement *j);

#endif
