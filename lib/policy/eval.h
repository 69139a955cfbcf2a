/* eval.h - the rules over one message's facts: the decision */
#ifndef MP_EVAL_H
#define MP_EVAL_H

#include "org/orgsnap.h"
#include "policy/rule.h"

/* One transform a message gets, and for whom. */
typedef struct {
	MpAction action;
	const MpRule *rule;
	GPtrArray *rcpts;	/* char *: the addresses it is for (zipenc,
				 * detach); NULL: the whole message */
	char *superior;		/* add-superior: the address to add */
} MpDecisionAction;

/* What the rules make of a message. */
typedef struct {
	MpAction verdict;	/* a deciding action, or MP_ACT_PASS */
	const MpRule *decider;	/* the rule that gave it, or NULL */
	guint64 duration;	/* hold, stagger: seconds */
	char *reason;		/* reject: why, in the configured language */
	GPtrArray *later;	/* stagger: char *, the recipients sent
				 * after the duration */
	GPtrArray *actions;	/* MpDecisionAction *, in rule order */
	GPtrArray *matched;	/* const MpRule *, in file order */
	const MpRule *stopped;	/* the pass rule that ended the rules */
	GPtrArray *explain;	/* char *: one line a rule, when asked */
	GPtrArray *used;	/* const MpCmp *: a fact the rules read, once
				 * each (its value is cached in the facts) */
} MpDecision;

/* What deciding needs besides the facts. */
typedef struct {
	const MpRules *rules;
	const MpConfig *cfg;
	MpAddrParser *ap;
	MpOrgSnap *snap;	/* when rules->org, else NULL */
	const char *auth_user;	/* --auth-user, or NULL */
	gboolean explain;	/* fill MpDecision.explain */
} MpEvalCtx;

/*
 * mp_policy_decide - every rule in file order over facts; a status
 * other than MP_OK when a fact the rules need cannot be had for this
 * message (65) or the org snapshot failed (75)
 */
int mp_policy_decide(const MpEvalCtx *ctx, MpFacts *facts,
    const MpMessage *msg, MpDecision *d, GError **err);
void mp_decision_clear(MpDecision *d);

/* mp_decision_action_free - release one MpDecisionAction */
void mp_decision_action_free(gpointer x);

#endif
