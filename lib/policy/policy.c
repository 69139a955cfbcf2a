/* policy.c - mp-policy's whole job on one message: facts, then rules */
#include <string.h>

#include "policy/policy.h"

/* check_address - an address of the command line reads as one: 64 */
static int
check_address(MpAddrParser *ap, const char *label, const char *value,
    GError **err)
{
	MpAddr a = { 0 };
	gboolean ok;

	if (value == NULL || *value == '\0')
		return MP_OK;
	ok = mp_addr_parse_one(ap, value, &a);
	mp_addr_clear(&a);
	return ok ? MP_OK : mp_fail(err, EX_USAGE, "%s: not an address: %s",
	    label, value);
}

/* set_facts - how every message's facts are computed */
static int
set_facts(MpPolicy *p, const MpPolicyOpts *o, GError **err)
{
	MpFactsCtx *f = &p->facts;
	char *time = mp_config_string(p->cfg, "policy", "time",
	    MP_POLICY_TIME_DEFAULT);
	guint i;
	int status = MP_OK;

	f->cfg = p->cfg;
	f->ap = p->ap;
	f->envelope = o->envelope;
	f->env_sender = o->env_sender;
	f->auth_user = o->auth_user;
	f->resent = mp_config_bool(p->cfg, "classify", "resent", FALSE);
	f->strip_tag = p->rules->strip_tag;
	f->time = o->replay_date || strcmp(time, "date") == 0 ?
	    MP_TIME_DATE : MP_TIME_NOW;
	f->tz = p->tz;
	f->holidays = p->rules->holidays;
	f->keywords = p->rules->keywords;
	g_free(time);
	if (o->now != NULL && !mp_time_parse(o->now, p->tz, &f->now))
		return mp_fail(err, EX_USAGE, "--now: not a time (like "
		    "2026-11-30T09:15:00+09:00 or \"2026-11-30 09:15\"): %s",
		    o->now);
	for (i = 0; o->envelope != NULL && o->envelope[i] != NULL &&
	    status == MP_OK; i++)
		status = check_address(p->ap, "-r", o->envelope[i], err);
	if (status == MP_OK)
		status = check_address(p->ap, "-f", o->env_sender, err);
	if (status == MP_OK)
		status = check_address(p->ap, "--auth-user", o->auth_user, err);
	return status;
}

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
	p->tz = mp_config_time_zone(cfg);
	if ((status = mp_rules_load(cfg, &p->rules, err)) != MP_OK)
		goto fail;
	if (p->rules->rules->len == 0) {
		status = mp_fail(err, EX_CONFIG, "no [rule NAME] in %s: a "
		    "policy without rules decides nothing",
		    cfg->path != NULL ? cfg->path : cfg->default_path);
		goto fail;
	}
	if ((status = set_facts(p, o, err)) != MP_OK)
		goto fail;
	if (p->rules->org && (status = mp_orgsnap_open(o->snapshot, &p->snap,
	    err)) != MP_OK)
		goto fail;
	p->eval.rules = p->rules;
	p->eval.cfg = cfg;
	p->eval.ap = p->ap;
	p->eval.snap = p->snap;
	p->eval.auth_user = o->auth_user;
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
	mp_orgsnap_close(p->snap);
	mp_addr_parser_free(p->ap);
	if (p->tz != NULL)
		g_time_zone_unref(p->tz);
	g_free(p);
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
