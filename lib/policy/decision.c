/* decision.c - what is said of a decision */
#include <string.h>

#include "policy/decision.h"
#include "base/json.h"

/* duration_text - a hold's or stagger's duration as its rule wrote it */
static const char *
duration_text(const MpDecision *d)
{
	const char *s = d->decider->action_text;

	s += strcspn(s, " \t");
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* mp_decision_line - "VERDICT[ DURATION][ actions=a,b][ rules=r,s]" */
char *
mp_decision_line(const MpDecision *d)
{
	GString *s = g_string_new(mp_action_name(d->verdict));
	GPtrArray *seen = g_ptr_array_new();
	guint i;

	if (d->verdict == MP_ACT_HOLD || d->verdict == MP_ACT_STAGGER)
		g_string_append_printf(s, " %s", duration_text(d));
	for (i = 0; i < d->actions->len; i++) {
		const MpDecisionAction *x = d->actions->pdata[i];
		const char *name = mp_action_name(x->action);

		if (g_ptr_array_find(seen, name, NULL))
			continue;
		g_string_append(s, seen->len == 0 ? " actions=" : ",");
		g_string_append(s, name);
		g_ptr_array_add(seen, (gpointer)(gsize)name);
	}
	for (i = 0; i < d->matched->len; i++)
		g_string_append_printf(s, "%s%s", i == 0 ? " rules=" : ",",
		    ((const MpRule *)d->matched->pdata[i])->name);
	g_ptr_array_free(seen, TRUE);
	return g_string_free(s, FALSE);
}

/* strings_json - a string array */
static json_t *
strings_json(const GPtrArray *a)
{
	json_t *j = json_array();
	guint i;

	for (i = 0; a != NULL && i < a->len; i++)
		json_array_append_new(j, mp_json_str(a->pdata[i]));
	return j;
}

/* action_json - {action, rule, for | superior | tag} */
static json_t *
action_json(const MpDecisionAction *x)
{
	json_t *o = json_object();

	json_object_set_new(o, "action", json_string(mp_action_name(x->action)));
	json_object_set_new(o, "rule", mp_json_str(x->rule->name));
	if (x->rcpts != NULL)
		json_object_set_new(o, "for", strings_json(x->rcpts));
	if (x->superior != NULL)
		json_object_set_new(o, "superior", mp_json_str(x->superior));
	if (x->rule->tag != NULL)
		json_object_set_new(o, "tag", mp_json_str(x->rule->tag));
	return o;
}

/* mp_decision_json - --json's record without its source */
json_t *
mp_decision_json(const MpDecision *d, MpFacts *facts)
{
	json_t *o = json_object(), *acts = json_array(), *rules = json_array();
	json_t *used = json_object();
	guint i;

	json_object_set_new(o, "verdict", json_string(mp_action_name(d->verdict)));
	if (d->decider != NULL)
		json_object_set_new(o, "rule", mp_json_str(d->decider->name));
	if (d->duration > 0)
		json_object_set_new(o, "duration", json_integer(
		    (json_int_t)d->duration));
	if (d->reason != NULL)
		json_object_set_new(o, "reason", mp_json_str(d->reason));
	if (d->later != NULL)
		json_object_set_new(o, "later", strings_json(d->later));
	for (i = 0; i < d->actions->len; i++)
		json_array_append_new(acts, action_json(d->actions->pdata[i]));
	json_object_set_new(o, "actions", acts);
	for (i = 0; i < d->matched->len; i++)
		json_array_append_new(rules, mp_json_str(
		    ((const MpRule *)d->matched->pdata[i])->name));
	json_object_set_new(o, "rules", rules);
	if (d->stopped != NULL)
		json_object_set_new(o, "stopped_by", mp_json_str(d->stopped->name));
	for (i = 0; i < d->used->len; i++) {
		const MpCmp *c = d->used->pdata[i];
		guint64 v;

		/* read before, so kept: this cannot fail */
		if (mp_facts_number(facts, &c->fact, &v, NULL) == MP_OK)
			json_object_set_new(used, c->name,
			    json_integer((json_int_t)v));
	}
	json_object_set_new(o, "facts", used);
	if (d->explain->len > 0)
		json_object_set_new(o, "explain", strings_json(d->explain));
	return o;
}

/* hit_line - "found: phone 090-****-5678 in body", "found: keyword
 * secret 社外秘 in attachment 2" (personal data masked) */
static char *
hit_line(const MpFactHit *h)
{
	char *what = h->list != NULL ? g_strdup_printf("keyword %s %s",
	    h->list, h->hit.value) : NULL;
	char *masked, *where, *s;

	if (what == NULL) {
		masked = mp_pii_mask(&h->hit);
		what = g_strdup_printf("%s %s", mp_pii_name(h->hit.kind),
		    masked);
		g_free(masked);
	}
	where = h->attachment >= 0 ? g_strdup_printf("%s %d",
	    mp_place_name(h->place), h->attachment + 1) :
	    g_strdup(mp_place_name(h->place));
	s = g_strdup_printf("found: %s in %s", what, where);
	g_free(what);
	g_free(where);
	return s;
}

/* mp_decision_explain - a line per rule, then the finds */
GPtrArray *
mp_decision_explain(const MpDecision *d, MpFacts *facts, MpFactLevel level)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	const GArray *hits;
	guint i;

	for (i = 0; i < d->explain->len; i++)
		g_ptr_array_add(lines, g_strdup(d->explain->pdata[i]));
	if (level < MP_FACT_TEXT || mp_facts_hits(facts, &hits, NULL) != MP_OK)
		return lines;
	for (i = 0; i < hits->len; i++)
		g_ptr_array_add(lines, hit_line(&g_array_index(hits,
		    MpFactHit, i)));
	return lines;
}
