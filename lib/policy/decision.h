/* decision.h - what is said of a decision: the line, the JSON record,
 * the explanation */
#ifndef MP_DECISION_H
#define MP_DECISION_H

#include <jansson.h>

#include "policy/eval.h"

/* mp_decision_line - "VERDICT[ DURATION][ actions=a,b][ rules=r,s]":
 * the line printed for a message and the value of X-MP-Policy */
char *mp_decision_line(const MpDecision *d);

/* mp_decision_json - --json's record of a decision without its source:
 * verdict, duration, reason, actions with their recipients, the rules
 * that matched, and the facts the rules read with their values */
json_t *mp_decision_json(const MpDecision *d, MpFacts *facts);

/* mp_decision_explain - --explain's lines: a line per rule, then where
 * each piece of personal data and each keyword was found (masked), when
 * the rules read text */
GPtrArray *mp_decision_explain(const MpDecision *d, MpFacts *facts,
    MpFactLevel level);

#endif
