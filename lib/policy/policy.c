/* policy.c - mp-policy's whole job on one message: facts, then rules */
#include <string.h>

#include "policy/policy.h"

/* mp_policy_open - the rules, the command line's addresses, the org */
int
mp_policy_open(const MpConfig *cfg, const MpPolicyOpts *o, MpPolicy **out,
    GError **err)
{
	MpPolicy *p = g_new0(MpPolicy, 1);
	int status;

	*out = NULL;
	p->cfg = cfg;
	p->ap = mp_addr_parser_new();
	if ((status = mp_facts_ctx_load(&p->facts, cfg, p->ap, &o->facts,
	    err)) != MP_OK || (status = mp_rules_load(cfg, &p->facts,
	    &p->rules, err)) != MP_OK)
		goto fail;
	if (p->rules->rules->len == 0) {
		status = mp_fail(err, EX_CONFIG, "no [rule NAME] in %s: a "
		    "policy without rules decides nothing",
		    cfg->path != NULL ? cfg->path : cfg->default_path);
		goto fail;
	}
	if (p->rules->org && (status = mp_orgsnap_open(o->snapshot, &p->snap,
	    err)) != MP_OK)
		goto fail;
	p->eval.rules = p->rules;
	p->eval.cfg = cfg;
	p->eval.ap = p->ap;
	p->eval.snap = p->snap;
	p->eval.auth_user = o->facts.auth_user;
	p->eval.explain = o->explain;
	*out = p;
	return MP_OK;
fail:
	mp_policy_close(p);
	return status;
}

/* mp_policy_close - release the policy */
void
mp_policy_close(MpPolicy *p)
{
	if (p == NULL)
		return;
	mp_rules_free(p->rules);
	mp_facts_ctx_clear(&p->facts);
	mp_orgsnap_close(p->snap);
	mp_addr_parser_free(p->ap);
	g_free(p);
}

/* mp_policy_envelope - the envelope and the SMTP AUTH user of the next
 * message, for a caller that judges many (mp-gate); the strings are the
 * caller's and must live until the judgement is made */
void
mp_policy_envelope(MpPolicy *p, const char *sender, char *const *rcpts,
    const char *auth_user)
{
	p->facts.env_sender = sender;
	p->facts.envelope = rcpts;
	p->facts.auth_user = auth_user;
	p->eval.auth_user = auth_user;
}

/* mp_policy_judge - the facts of msg and the decision on them */
int
mp_policy_judge(MpPolicy *p, const MpMessage *msg, MpJudgement *j,
    GError **err)
{
	int status;

	j->facts = mp_facts_new(&p->facts, msg);
	status = mp_policy_decide(&p->eval, j->facts, msg, &j->d, err);
	return status;
}

/* mp_judgement_clear - release a judgement */
void
mp_judgement_clear(MpJudgement *j)
{
	mp_decision_clear(&j->d);
	mp_facts_free(j->facts);
	j->facts = NULL;
}
