/* ccguard.c - external mail must have one of the sender's superiors in Cc */
#include <string.h>

#include "org/ccguard.h"
#include "mail/classify.h"

static void
superior_free(gpointer p)
{
	MpSuperior *s = p;

	g_free(s->address);
	g_free(s->name);
	g_free(s->reason);
	g_free(s);
}

/*
 * superior_new - a superior by address key; with details, named from
 * the snapshot (one more lookup each, for --json and notices)
 */
static MpSuperior *
superior_new(MpOrgSnap *snap, const MpOrgSup *sup, gboolean details)
{
	MpSuperior *s = g_new0(MpSuperior, 1);
	MpOrgPerson *p = details ? mp_orgsnap_person_brief(snap, sup->key) :
	    NULL;

	s->address = g_strdup(p ? p->email : sup->key);
	s->name = g_strdup(p ? p->name : "");
	s->reason = g_strdup(sup->reason);
	mp_org_person_free(p);
	return s;
}

/* shares_division - whether the lists have a division in common */
static gboolean
shares_division(const char *const *a, const char *const *b)
{
	for (; a != NULL && *a != NULL; a++)
		if (b != NULL && g_strv_contains(b, *a))
			return TRUE;
	return FALSE;
}

/*
 * why_refused - the one reason that fits, most basic first: nobody of
 * ours is in To/Cc; only the sender is; nobody who works in the sender's
 * division is (the divisions of the sender's posts that count, by
 * sender-posts; any post of a recipient); some are, but no superior.
 */
static const char *
why_refused(MpOrgSnap *snap, const MpOrgPerson *me, GHashTable *internal)
{
	GHashTableIter it;
	gpointer k;
	gboolean others = FALSE, related = FALSE;

	if (g_hash_table_size(internal) == 0)
		return "no-internal-recipient";
	g_hash_table_iter_init(&it, internal);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		MpOrgPerson *p;

		if (strcmp(k, me->key) == 0)
			continue;
		others = TRUE;
		if ((p = mp_orgsnap_person_brief(snap, k)) != NULL) {
			related = related || shares_division(p->divisions,
			    me->sdivisions);
			mp_org_person_free(p);
		}
	}
	if (!others)
		return "only-self";
	return related ? "no-superior" : "no-related-recipient";
}

/*
 * mp_ccguard_opts_init - no sender given, no details, and the
 * exempt-senders of [ccguard], lower-cased as the addresses they are
 * matched against
 */
void
mp_ccguard_opts_init(MpCcguardOpts *o, const MpConfig *cfg)
{
	char **g;

	memset(o, 0, sizeof *o);
	o->exempt_senders = mp_config_list(cfg, "ccguard", "exempt-senders");
	for (g = o->exempt_senders; g != NULL && *g != NULL; g++) {
		char *l = g_utf8_strdown(*g, -1);

		g_free(*g);
		*g = l;
	}
}

/* mp_ccguard_opts_clear - release the globs */
void
mp_ccguard_opts_clear(MpCcguardOpts *o)
{
	g_strfreev(o->exempt_senders);
	o->exempt_senders = NULL;
}

/* exempt_sender - whether an exempt-senders glob matches the address */
static gboolean
exempt_sender(const MpCcguardOpts *o, const char *key)
{
	char **g;

	for (g = o->exempt_senders; g != NULL && *g != NULL; g++)
		if (g_pattern_match_simple(*g, key))
			return TRUE;
	return FALSE;
}

/* mp_ccguard_superiors - the superiors of the person at address, with
 * names and reasons; NULL when the snapshot does not know them */
GPtrArray *
mp_ccguard_superiors(MpOrgSnap *snap, const char *address)
{
	char *key = mp_addr_key(address);
	MpOrgPerson *me = mp_orgsnap_person(snap, key);
	GPtrArray *out = NULL;
	guint i;

	if (me != NULL) {
		out = g_ptr_array_new_with_free_func(superior_free);
		for (i = 0; i < me->nsups; i++)
			g_ptr_array_add(out, superior_new(snap, &me->sups[i],
			    TRUE));
	}
	mp_org_person_free(me);
	g_free(key);
	return out;
}

/* mp_ccguard - the verdict on one message */
void
mp_ccguard(const MpConfig *cfg, MpAddrParser *ap, MpOrgSnap *snap,
    const MpMessage *msg, const MpCcguardOpts *o, MpCcguardResult *res)
{
	GHashTable *visible = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GHashTable *internal = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *external = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *fields, *rcpts;
	MpOrgPerson *me = NULL;
	MpAddr sender;
	char *key = NULL;
	gboolean unreadable = FALSE;
	guint i;

	memset(res, 0, sizeof *res);
	res->superiors = g_ptr_array_new_with_free_func(superior_free);
	res->present = g_ptr_array_new_with_free_func(superior_free);
	res->message_id = mp_message_id(msg);
	fields = mp_addr_fields(ap, msg, FALSE);
	rcpts = mp_seen_recipients(fields);
	for (i = 0; i < rcpts->len; i++) {
		const MpAddr *a = rcpts->pdata[i];
		char *ak = mp_addr_item_key(a);
		MpClass c = mp_addr_class(cfg, a);

		/* an unreadable item is external, never a superior */
		unreadable = unreadable || a->unreadable;
		if (g_hash_table_contains(visible, ak)) {
			char *stored = g_hash_table_lookup(visible, ak);

			g_free(ak);
			ak = stored;
		} else {
			g_hash_table_add(visible, ak);
		}
		if (c == MP_CLASS_EXTERNAL)
			g_hash_table_add(external, ak);
		else if (c == MP_CLASS_INTERNAL)
			g_hash_table_add(internal, ak);
	}
	g_ptr_array_free(rcpts, TRUE);
	g_ptr_array_free(fields, TRUE);
	res->external = g_hash_table_size(external);
	if (res->external == 0) {
		res->reason = "no-external";
		goto out;
	}

	if (o->sender != NULL ? mp_addr_parse_one(ap, o->sender, &sender) :
	    mp_message_sender(ap, msg, &sender)) {
		res->sender = g_strdup(sender.addr);
		key = mp_addr_key(sender.addr);
		mp_addr_clear(&sender);
	} else if (o->sender != NULL || sender.unreadable) {
		/* not "unknown": a forger chooses what cannot be read */
		mp_addr_clear(&sender);
		res->refuse = TRUE;
		res->reason = "unreadable-sender";
		goto out;
	}
	if (key != NULL && exempt_sender(o, key)) {
		res->reason = "exempt";
		goto out;
	}
	if (key == NULL || (me = o->details ? mp_orgsnap_person(snap, key) :
	    mp_orgsnap_person_brief(snap, key)) == NULL) {
		res->refuse = !snap->unknown_pass;
		res->reason = "unknown-sender";
		goto out;
	}
	if (me->exempt) {
		res->reason = "exempt";
		goto out;
	}
	for (i = 0; i < me->nsups; i++) {
		const MpOrgSup *s = &me->sups[i];
		MpSuperior *sup = superior_new(snap, s, o->details);

		if (g_hash_table_contains(visible, s->key))
			g_ptr_array_add(res->present, superior_new(snap, s,
			    o->details));
		g_ptr_array_add(res->superiors, sup);
	}
	/*
	 * A recipient nobody can read may be delivered anywhere; a superior
	 * in Cc cannot read it either.  Only what exempts the sender, not
	 * the recipients, lets such mail pass.
	 */
	if (unreadable) {
		res->refuse = TRUE;
		res->reason = "unreadable-recipient";
		goto out;
	}
	if (res->present->len > 0) {
		res->reason = "superior-present";
		goto out;
	}
	res->refuse = TRUE;
	res->reason = me->nsups == 0 ? "no-superior-defined" :
	    why_refused(snap, me, internal);
out:
	mp_org_person_free(me);
	g_free(key);
	g_hash_table_destroy(internal);
	g_hash_table_destroy(external);
	g_hash_table_destroy(visible);
}

void
mp_ccguard_result_clear(MpCcguardResult *res)
{
	if (res->superiors != NULL)
		g_ptr_array_free(res->superiors, TRUE);
	if (res->present != NULL)
		g_ptr_array_free(res->present, TRUE);
	g_free(res->sender);
	g_free(res->message_id);
	memset(res, 0, sizeof *res);
}
