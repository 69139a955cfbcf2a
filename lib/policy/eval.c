/* eval.c - the rules over one message's facts: the decision */
#include <string.h>

#include "policy/eval.h"
#include "org/ccguard.h"
#include "mail/charset.h"

/* What one message's run through the rules keeps. */
typedef struct {
	const MpEvalCtx *ctx;
	MpFacts *facts;
	const MpMessage *msg;
	MpDecision *d;
	GHashTable *assigned;	/* address key -> MpAction (zipenc, detach) */
	GPtrArray *matched;	/* this rule's `recipient` matches (char *) */
} Eval;

static gboolean org_has(const Eval *e, const MpList *l, const char *key,
    int *status, GError **err);

/* cmp_holds - FACT OP VALUE */
static gboolean
cmp_holds(MpCmpOp op, guint64 v, guint64 n)
{
	switch (op) {
	case MP_CMP_GE: return v >= n;
	case MP_CMP_GT: return v > n;
	case MP_CMP_LE: return v <= n;
	case MP_CMP_LT: return v < n;
	case MP_CMP_EQ: return v == n;
	case MP_CMP_NE: return v != n;
	}
	return FALSE;
}

/* note_used - a fact the rules read, for --json's facts */
static void
note_used(MpDecision *d, const MpCmp *c)
{
	guint i;

	for (i = 0; i < d->used->len; i++)
		if (strcmp(((const MpCmp *)d->used->pdata[i])->name,
		    c->name) == 0)
			return;
	g_ptr_array_add(d->used, (gpointer)(gsize)c);
}

/* eval_if - whether one of the ands holds; why each failed when not */
static int
eval_if(Eval *e, const MpRule *r, gboolean *holds, GString *why,
    GError **err)
{
	guint i, j;
	int status;

	*holds = FALSE;
	for (i = 0; i < r->ifs->len && !*holds; i++) {
		GArray *conj = r->ifs->pdata[i];

		*holds = TRUE;
		for (j = 0; j < conj->len && *holds; j++) {
			const MpCmp *c = &g_array_index(conj, MpCmp, j);
			guint64 v;

			if ((status = mp_facts_number(e->facts, &c->fact, &v,
			    err)) != MP_OK)
				return status;
			note_used(e->d, c);
			if (!cmp_holds(c->op, v, c->value)) {
				*holds = FALSE;
				g_string_append_printf(why, "%s%s (%s is %"
				    G_GUINT64_FORMAT ")", why->len ? "; " : "",
				    c->text, c->name, v);
			}
		}
	}
	return MP_OK;
}

/* day_of - whether the day of t is one of w's days */
static gboolean
day_of(const Eval *e, const MpWindow *w, GDateTime *t)
{
	int dow = g_date_time_get_day_of_week(t) - 1;
	gboolean holiday = FALSE;
	GHashTable *h = e->ctx->rules->holidays;

	if (h != NULL) {
		char *ymd = g_date_time_format(t, "%Y-%m-%d");

		holiday = g_hash_table_contains(h, ymd);
		g_free(ymd);
	}
	return (w->days & (1u << dow)) != 0 ||
	    (w->workday && dow < 5 && !holiday) || (w->holiday && holiday);
}

/* in_window - whether t falls in w (a span past midnight belongs to
 * the day it starts on) */
static gboolean
in_window(const Eval *e, const MpWindow *w, GDateTime *t)
{
	int m = g_date_time_get_hour(t) * 60 + g_date_time_get_minute(t);
	GDateTime *y;
	gboolean in;

	if (w->start == w->end)
		return day_of(e, w, t);
	if (w->start < w->end)
		return m >= w->start && m < w->end && day_of(e, w, t);
	if (m >= w->start)
		return day_of(e, w, t);
	if (m >= w->end)
		return FALSE;
	y = g_date_time_add_days(t, -1);
	in = day_of(e, w, y);
	g_date_time_unref(y);
	return in;
}

/* eval_time - whether the sending time is in a window (or in none) */
static int
eval_time(Eval *e, const MpRule *r, gboolean *holds, GString *why,
    GError **err)
{
	GDateTime *t;
	gboolean in = FALSE;
	const char *windows;
	char *when;
	guint i;
	int status;

	if ((status = mp_facts_time(e->facts, &t, err)) != MP_OK)
		return status;
	for (i = 0; i < r->windows->len && !in; i++)
		in = in_window(e, &g_array_index(r->windows, MpWindow, i), t);
	*holds = r->outside ? !in : in;
	/* the windows as written, without "outside" */
	windows = r->time_text + (r->outside ? strlen("outside") : 0);
	while (*windows == ' ' || *windows == '\t')
		windows++;
	when = g_date_time_format(t, "%Y-%m-%d %H:%M %a");
	g_string_append_printf(why, "%s is %s %s", when,
	    in ? "inside" : "outside", windows);
	g_free(when);
	return MP_OK;
}

/* sender_in - whether the sender is in l, title: and unit: included */
static int
sender_in(Eval *e, const MpList *l, gboolean *in, GError **err)
{
	const char *s = mp_facts_sender(e->facts);
	int status = MP_OK;

	*in = FALSE;
	if (s == NULL)
		return MP_OK;
	*in = mp_list_has(l, s, e->ctx->rules->strip_tag);
	if (!*in && l->org)
		*in = org_has(e, l, s, &status, err);
	return status;
}

/* post_matches - whether one post has a title or unit of the list */
static gboolean
post_matches(const MpList *l, const MpOrgPost *p)
{
	guint i;

	for (i = 0; i < l->items->len; i++) {
		const MpListItem *it = l->items->pdata[i];

		if (it->kind == MP_ITEM_TITLE && p->title != NULL &&
		    strcmp(it->text, p->title) == 0)
			return TRUE;
		if (it->kind == MP_ITEM_UNIT && p->unit != NULL &&
		    (g_pattern_spec_match_string(it->glob, p->unit) ||
		    (g_str_has_prefix(p->unit, it->text) &&
		    p->unit[strlen(it->text)] == '/')))
			return TRUE;
	}
	return FALSE;
}

/* org_has - whether a post of the sender in the snapshot has a title
 * or unit the list names (a corrupt snapshot: 75, fail closed) */
static gboolean
org_has(const Eval *e, const MpList *l, const char *key, int *status,
    GError **err)
{
	MpOrgPerson *p = mp_orgsnap_person_brief(e->ctx->snap, key);
	gboolean found = FALSE;
	guint i;

	if (p == NULL) {
		*status = mp_orgsnap_failed(e->ctx->snap, err);
		return FALSE;
	}
	for (i = 0; i < p->nposts && !found; i++)
		found = post_matches(l, &p->posts[i]);
	mp_org_person_free(p);
	return found;
}

/* counted - whether a recipient counts for this rule (not excepted) */
static gboolean
counted(const Eval *e, const MpRule *r, const MpRecipient *rc)
{
	return rc->addr != NULL && (r->except_recipient == NULL ||
	    !mp_list_has(r->except_recipient, rc->addr,
	    e->ctx->rules->strip_tag));
}

/* eval_recipient - whether a recipient is in the list; the matches kept
 * for `for = matched` */
static int
eval_recipient(Eval *e, const MpRule *r, gboolean *holds, GError **err)
{
	const MpClassification *c;
	guint i;
	int status;

	if ((status = mp_facts_recipients(e->facts, &c, err)) != MP_OK)
		return status;
	for (i = 0; i < c->rcpts->len; i++) {
		const MpRecipient *rc = &g_array_index(c->rcpts, MpRecipient, i);

		if (counted(e, r, rc) && mp_list_has(r->recipient, rc->addr,
		    e->ctx->rules->strip_tag))
			g_ptr_array_add(e->matched, rc->addr);
	}
	*holds = e->matched->len > 0;
	return MP_OK;
}

/* eval_header - whether a field called h->field matches h->re */
static gboolean
eval_header(const Eval *e, const MpHeaderCond *h)
{
	const MpMessage *msg = e->msg;
	gboolean found = FALSE;
	guint i;

	for (i = 0; i < msg->fields->len && !found; i++) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);
		char *raw, *v;

		if (!mp_field_is(msg, f, h->field))
			continue;
		raw = mp_field_value(msg, f);
		v = mp_decode_header_text(raw, strlen(raw), FALSE);
		found = g_regex_match(h->re, v, 0, NULL);
		g_free(v);
		g_free(raw);
	}
	return found;
}

/*
 * rule_holds - every condition of r, cheapest first; *failed names the
 * key of the first that does not hold and why says why
 */
static int
rule_holds(Eval *e, const MpRule *r, gboolean *holds, const char **failed,
    GString *why, GError **err)
{
	gboolean in;
	guint i;
	int status;

	*holds = FALSE;
	if (r->sender != NULL) {
		if ((status = sender_in(e, r->sender, &in, err)) != MP_OK)
			return status;
		if (!in) {
			*failed = "sender";
			g_string_append_printf(why, "%s is not in %s",
			    mp_facts_sender(e->facts) ?: "(no sender)",
			    r->sender->text);
			return MP_OK;
		}
	}
	if (r->except_sender != NULL) {
		if ((status = sender_in(e, r->except_sender, &in, err)) != MP_OK)
			return status;
		if (in) {
			*failed = "except-sender";
			g_string_append_printf(why, "%s is in %s",
			    mp_facts_sender(e->facts), r->except_sender->text);
			return MP_OK;
		}
	}
	if (r->recipient != NULL) {
		if ((status = eval_recipient(e, r, &in, err)) != MP_OK)
			return status;
		if (!in) {
			*failed = "recipient";
			g_string_append_printf(why, "no recipient is in %s",
			    r->recipient->text);
			return MP_OK;
		}
	}
	for (i = 0; r->headers != NULL && i < r->headers->len; i++) {
		const MpHeaderCond *h = r->headers->pdata[i];

		if (!eval_header(e, h)) {
			*failed = "header";
			g_string_append_printf(why, "no %s field matches %s",
			    h->field, h->text);
			return MP_OK;
		}
	}
	if (r->windows != NULL) {
		if ((status = eval_time(e, r, &in, why, err)) != MP_OK)
			return status;
		if (!in) {
			*failed = "time";
			return MP_OK;
		}
		g_string_truncate(why, 0);
	}
	if (r->ifs != NULL) {
		if ((status = eval_if(e, r, &in, why, err)) != MP_OK)
			return status;
		if (!in) {
			*failed = "if";
			return MP_OK;
		}
	}
	*holds = TRUE;
	return MP_OK;
}

/* rule_reason - a reject's reason in the configured language */
static char *
rule_reason(const Eval *e, const MpRule *r)
{
	gboolean en = e->ctx->rules->en;
	const char *first = en ? r->reason_en : r->reason;
	const char *other = en ? r->reason : r->reason_en;

	if (first != NULL)
		return g_strdup(first);
	if (other != NULL)
		return g_strdup(other);
	return g_strdup_printf(en ? "refused by rule %s" :
	    "ルール %s により送信できません", r->name);
}

/* later_recipients - stagger: every recipient not internal or
 * semi-internal, once each */
static int
later_recipients(Eval *e, GPtrArray **out, GError **err)
{
	const MpClassification *c;
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint i;
	int status;

	*out = g_ptr_array_new_with_free_func(g_free);
	if ((status = mp_facts_recipients(e->facts, &c, err)) != MP_OK) {
		g_hash_table_destroy(seen);
		return status;
	}
	for (i = 0; i < c->rcpts->len; i++) {
		const MpRecipient *rc = &g_array_index(c->rcpts, MpRecipient, i);
		char *k = rc->addr != NULL ? mp_addr_key(rc->addr) : NULL;

		if (k != NULL && rc->cls == MP_CLASS_EXTERNAL &&
		    g_hash_table_add(seen, k))
			g_ptr_array_add(*out, g_strdup(rc->addr));
		else
			g_free(k);
	}
	g_hash_table_destroy(seen);
	return MP_OK;
}

/* decide - a deciding action: the strongest, then the longest, wins */
static int
decide(Eval *e, const MpRule *r, MpAction a, char *reason, GError **err)
{
	MpDecision *d = e->d;
	int status;

	if (d->verdict != MP_ACT_PASS && (a > d->verdict || (a == d->verdict &&
	    r->duration <= d->duration))) {
		g_free(reason);
		return MP_OK;
	}
	d->verdict = a;
	d->decider = r;
	d->duration = a == MP_ACT_HOLD || a == MP_ACT_STAGGER ? r->duration : 0;
	g_free(d->reason);
	d->reason = reason;
	if (d->later != NULL)
		g_ptr_array_free(d->later, TRUE);
	d->later = NULL;
	if (a == MP_ACT_STAGGER &&
	    (status = later_recipients(e, &d->later, err)) != MP_OK)
		return status;
	return MP_OK;
}

/* action_new - a transform of r, for the whole message */
static MpDecisionAction *
action_new(MpAction a, const MpRule *r)
{
	MpDecisionAction *x = g_new0(MpDecisionAction, 1);

	x->action = a;
	x->rule = r;
	return x;
}

/* attachments_for - zipenc or detach for the recipients r names that
 * no earlier zipenc or detach took */
static int
attachments_for(Eval *e, const MpRule *r, GError **err)
{
	const MpClassification *c;
	MpDecisionAction *x;
	guint i;
	int status;

	if ((status = mp_facts_recipients(e->facts, &c, err)) != MP_OK)
		return status;
	x = action_new(r->action, r);
	x->rcpts = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < c->rcpts->len; i++) {
		const MpRecipient *rc = &g_array_index(c->rcpts, MpRecipient, i);
		char *k;

		if (!counted(e, r, rc) || (r->for_classes != 0 &&
		    !(r->for_classes & (1u << rc->cls))) || (r->for_matched &&
		    !g_ptr_array_find_with_equal_func(e->matched, rc->addr,
		    g_str_equal, NULL)))
			continue;
		k = mp_addr_key(rc->addr);
		if (k == NULL || g_hash_table_contains(e->assigned, k)) {
			g_free(k);
			continue;
		}
		g_hash_table_insert(e->assigned, k, GINT_TO_POINTER(r->action));
		g_ptr_array_add(x->rcpts, g_strdup(rc->addr));
	}
	if (x->rcpts->len > 0)
		g_ptr_array_add(e->d->actions, x);
	else
		mp_decision_action_free(x);
	return MP_OK;
}

/* org_guard - ccguard and add-superior: mp-ccguard's verdict; refused
 * is a reject, or with add-superior the nearest superior in Cc */
static int
org_guard(Eval *e, const MpRule *r, GError **err)
{
	MpCcguardOpts o;
	MpCcguardResult res = { 0 };
	int status;

	mp_ccguard_opts_init(&o, e->ctx->cfg);
	o.sender = e->ctx->auth_user;
	mp_ccguard(e->ctx->cfg, e->ctx->ap, e->ctx->snap, e->msg, &o, &res);
	mp_ccguard_opts_clear(&o);
	if ((status = mp_orgsnap_failed(e->ctx->snap, err)) != MP_OK) {
		mp_ccguard_result_clear(&res);
		return status;
	}
	if (res.refuse && r->action == MP_ACT_ADD_SUPERIOR &&
	    res.superiors->len > 0 && strcmp(res.reason, "unreadable-recipient")
	    != 0) {
		MpDecisionAction *x = action_new(r->action, r);
		const MpSuperior *s = res.superiors->pdata[0];

		x->superior = g_strdup(s->address);
		g_ptr_array_add(e->d->actions, x);
	} else if (res.refuse) {
		status = decide(e, r, MP_ACT_REJECT, r->reason != NULL ||
		    r->reason_en != NULL ? rule_reason(e, r) :
		    g_strdup_printf("ccguard: %s", res.reason), err);
	}
	mp_ccguard_result_clear(&res);
	return status;
}

/* has_action - whether a transform a is already listed */
static gboolean
has_action(const MpDecision *d, MpAction a)
{
	guint i;

	for (i = 0; i < d->actions->len; i++)
		if (((MpDecisionAction *)d->actions->pdata[i])->action == a)
			return TRUE;
	return FALSE;
}

/* apply - what a rule that holds does */
static int
apply(Eval *e, const MpRule *r, GError **err)
{
	switch (r->action) {
	case MP_ACT_REJECT:
		return decide(e, r, r->action, rule_reason(e, r), err);
	case MP_ACT_APPROVE:
	case MP_ACT_CONFIRM:
	case MP_ACT_HOLD:
	case MP_ACT_STAGGER:
		return decide(e, r, r->action, NULL, err);
	case MP_ACT_ZIPENC:
	case MP_ACT_DETACH:
		return attachments_for(e, r, err);
	case MP_ACT_CCGUARD:
	case MP_ACT_ADD_SUPERIOR:
		return org_guard(e, r, err);
	case MP_ACT_BCCIFY:
		if (!has_action(e->d, r->action))
			g_ptr_array_add(e->d->actions, action_new(r->action, r));
		return MP_OK;
	case MP_ACT_TAG:
		g_ptr_array_add(e->d->actions, action_new(r->action, r));
		return MP_OK;
	case MP_ACT_PASS:
	case MP_ACTIONS:
		break;
	}
	return MP_OK;
}

/* explain - one line of --explain */
static void
explain(Eval *e, const MpRule *r, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void
explain(Eval *e, const MpRule *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!e->ctx->explain)
		return;
	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(e->d->explain, g_strdup_printf("%s: %s", r->name, s));
	g_free(s);
}

/* mp_policy_decide - every rule in file order over the facts */
int
mp_policy_decide(const MpEvalCtx *ctx, MpFacts *facts, const MpMessage *msg,
    MpDecision *d, GError **err)
{
	Eval e = { ctx, facts, msg, d, NULL, NULL };
	GString *why = g_string_new(NULL);
	guint i;
	int status = MP_OK;

	memset(d, 0, sizeof(*d));
	d->verdict = MP_ACT_PASS;
	d->actions = g_ptr_array_new_with_free_func(mp_decision_action_free);
	d->matched = g_ptr_array_new();
	d->explain = g_ptr_array_new_with_free_func(g_free);
	d->used = g_ptr_array_new();
	e.assigned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	e.matched = g_ptr_array_new();
	for (i = 0; i < ctx->rules->rules->len && status == MP_OK; i++) {
		const MpRule *r = ctx->rules->rules->pdata[i];
		const char *failed = NULL;
		gboolean holds;

		if (d->stopped != NULL) {
			explain(&e, r, "not reached (pass by %s)",
			    d->stopped->name);
			continue;
		}
		g_string_truncate(why, 0);
		g_ptr_array_set_size(e.matched, 0);
		if ((status = rule_holds(&e, r, &holds, &failed, why,
		    err)) != MP_OK)
			break;
		if (!holds) {
			explain(&e, r, "no: %s: %s", failed, why->str);
			continue;
		}
		explain(&e, r, "match: %s", r->action_text);
		g_ptr_array_add(d->matched, (gpointer)(gsize)r);
		if (r->action == MP_ACT_PASS)
			d->stopped = r;
		else
			status = apply(&e, r, err);
	}
	if (status == MP_OK && d->verdict == MP_ACT_REJECT)
		g_ptr_array_set_size(d->actions, 0);
	g_string_free(why, TRUE);
	g_hash_table_destroy(e.assigned);
	g_ptr_array_free(e.matched, TRUE);
	return status;
}

/* mp_decision_action_free - release one MpDecisionAction */
void
mp_decision_action_free(gpointer p)
{
	MpDecisionAction *x = p;

	if (x->rcpts != NULL)
		g_ptr_array_free(x->rcpts, TRUE);
	g_free(x->superior);
	g_free(x);
}

/* mp_decision_clear - release what a decision holds */
void
mp_decision_clear(MpDecision *d)
{
	g_free(d->reason);
	if (d->later != NULL)
		g_ptr_array_free(d->later, TRUE);
	if (d->actions != NULL)
		g_ptr_array_free(d->actions, TRUE);
	if (d->matched != NULL)
		g_ptr_array_free(d->matched, TRUE);
	if (d->explain != NULL)
		g_ptr_array_free(d->explain, TRUE);
	if (d->used != NULL)
		g_ptr_array_free(d->used, TRUE);
	memset(d, 0, sizeof(*d));
}
