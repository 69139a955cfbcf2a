/* act.c - what people do to a held message: the sender, an approver
 * (on the page) and an administrator (mp-hold --release, --discard) */
#include <string.h>

#include "base/diag.h"
#include "hold/hold-int.h"

/* how long an action waits for a --run that has the entry: a delivery
 * takes a moment, a person should not see "busy" for it */
#define ACT_LOCK_WAIT_MS 3000

static const char *const action_names[] = {
	[MP_HOLD_ACT_RELEASE] = "release",
	[MP_HOLD_ACT_DISCARD] = "discard",
	[MP_HOLD_ACT_APPROVE] = "approve",
	[MP_HOLD_ACT_REJECT] = "reject",
	[MP_HOLD_ACT_CONFIRM] = "confirm",
	[MP_HOLD_ACT_OVERRIDE] = "override",
};

const char *
mp_hold_action_name(MpHoldAction a)
{
	return action_names[a];
}

/* mp_hold_action_parse - an action by name */
gboolean
mp_hold_action_parse(const char *s, MpHoldAction *out)
{
	int i;

	for (i = 0; s != NULL && i < MP_HOLD_NACTIONS; i++)
		if (strcmp(action_names[i], s) == 0) {
			*out = (MpHoldAction)i;
			return TRUE;
		}
	return FALSE;
}

/*
 * mp_hold_may - whether this person may do a now.  Only a held entry
 * waits for people.  The sender takes back or sends on their own mail
 * but never approves it; an approver decides approval only; an
 * administrator may release or discard anything held.
 */
gboolean
mp_hold_may(const MpHoldEntry *e, MpHoldRole role, MpHoldAction a)
{
	if (e->state != MP_HOLD_HELD)
		return FALSE;
	switch (role) {
	case MP_HOLD_BY_SENDER:
		switch (a) {
		case MP_HOLD_ACT_RELEASE:
			return e->mode == MP_HOLD_MODE_HOLD ||
			    e->mode == MP_HOLD_MODE_STAGGER;
		case MP_HOLD_ACT_DISCARD:
			return TRUE;
		case MP_HOLD_ACT_CONFIRM:
			return e->mode == MP_HOLD_MODE_CONFIRM;
		case MP_HOLD_ACT_OVERRIDE:
			/* never past a superior's approval */
			return e->override && e->mode != MP_HOLD_MODE_APPROVE;
		default:
			return FALSE;
		}
	case MP_HOLD_BY_APPROVER:
		return e->mode == MP_HOLD_MODE_APPROVE &&
		    (a == MP_HOLD_ACT_APPROVE || a == MP_HOLD_ACT_REJECT);
	case MP_HOLD_BY_ADMIN:
		return a == MP_HOLD_ACT_RELEASE || a == MP_HOLD_ACT_DISCARD;
	default:
		return FALSE;
	}
}

/* contains - whether s is one of a's strings */
static gboolean
contains(const GPtrArray *a, const char *s)
{
	guint i;

	for (i = 0; a != NULL && i < a->len; i++)
		if (strcmp(a->pdata[i], s) == 0)
			return TRUE;
	return FALSE;
}

/* all_ticked - every external domain and attachment name confirmed */
static gboolean
all_ticked(const MpHoldEntry *e, const GPtrArray *domains,
    const GPtrArray *names)
{
	guint i;

	for (i = 0; i < e->external_domains->len; i++)
		if (!contains(domains, e->external_domains->pdata[i]))
			return FALSE;
	for (i = 0; i < e->attachments->len; i++)
		if (!contains(names, ((MpHoldAttachment *)
		    e->attachments->pdata[i])->name))
			return FALSE;
	return TRUE;
}

/* usable_text - a comment or justification: at most MP_HOLD_TEXT_MAX
 * characters of UTF-8 (and, when needed, not blank) */
static gboolean
usable_text(const char *text, gboolean needed)
{
	const char *p;

	if (text == NULL)
		return !needed;
	if (!g_utf8_validate(text, -1, NULL) ||
	    g_utf8_strlen(text, -1) > MP_HOLD_TEXT_MAX)
		return FALSE;
	for (p = text; *p != '\0'; p++)
		if (!g_ascii_isspace(*p))
			return TRUE;
	return !needed;
}

/* apply - the action's transition on a held entry the person may act on */
static int
apply(MpHoldCtx *c, MpHoldEntry *e, const MpHoldActor *by, MpHoldAction a,
    const char *text, gint64 now, GError **err)
{
	char *detail = NULL;
	MpHoldState to;
	int status;

	switch (a) {
	case MP_HOLD_ACT_RELEASE:
	case MP_HOLD_ACT_APPROVE:
	case MP_HOLD_ACT_CONFIRM:
	case MP_HOLD_ACT_OVERRIDE:
		mp_hold_due_now(e, now);
		/* an administrator's release of mail that waits for a
		 * superior is an approval, and the log says whose */
		to = a == MP_HOLD_ACT_APPROVE || e->mode ==
		    MP_HOLD_MODE_APPROVE ? MP_HOLD_APPROVED : MP_HOLD_RELEASED;
		if (a == MP_HOLD_ACT_OVERRIDE) {
			g_free(e->justification);
			e->justification = g_strdup(text);
			detail = g_strdup_printf("sent anyway: %s", text);
		} else if (a == MP_HOLD_ACT_CONFIRM) {
			detail = g_strdup("every domain and attachment "
			    "confirmed");
		}
		break;
	case MP_HOLD_ACT_REJECT:
		g_free(e->comment);
		e->comment = text != NULL ? g_strdup(text) : NULL;
		detail = text != NULL ? g_strdup(text) : NULL;
		mp_hold_cancel(e, now);
		mp_hold_notify(c, e, MP_HOLD_NOTICE_REJECTED, e->sender);
		to = MP_HOLD_REJECTED;
		break;
	case MP_HOLD_ACT_DISCARD:
	default:
		mp_hold_cancel(e, now);
		mp_hold_notify(c, e, MP_HOLD_NOTICE_DISCARDED, e->sender);
		to = MP_HOLD_DISCARDED;
		break;
	}
	status = mp_hold_transition(c->spool, e, to, now, by, detail, err);
	g_free(detail);
	return status;
}

/* mp_hold_act - one action, under the entry's lock, then what it made
 * due delivered at once */
MpHoldActResult
mp_hold_act(MpHoldCtx *c, const char *id, const MpHoldActor *by,
    MpHoldAction a, const char *text, const GPtrArray *domains,
    const GPtrArray *names, GError **err)
{
	MpHoldLock *lock = NULL;
	MpHoldEntry *e = NULL;
	MpHoldRunStats st = { 0 };
	MpHoldActResult res;
	GError *why = NULL;
	char *before = NULL;
	int status;

	status = mp_hold_lock(c->spool, id, ACT_LOCK_WAIT_MS, &lock, &why);
	if (status == MP_OK)
		status = mp_hold_load(c->spool, id, &e, &why);
	if (status != MP_OK) {
		res = status == EX_NOINPUT ? MP_HOLD_ACT_UNKNOWN :
		    status == EX_TEMPFAIL && lock == NULL ? MP_HOLD_ACT_BUSY :
		    MP_HOLD_ACT_ERROR;
		g_propagate_error(err, why);
		goto out;
	}
	if (e->state != MP_HOLD_HELD) {
		res = MP_HOLD_ACT_FINISHED;
		goto out;
	}
	if (!mp_hold_may(e, by->role, a)) {
		res = MP_HOLD_ACT_FORBIDDEN;
		goto out;
	}
	if ((a == MP_HOLD_ACT_CONFIRM && !all_ticked(e, domains, names)) ||
	    (a == MP_HOLD_ACT_OVERRIDE && !usable_text(text, TRUE)) ||
	    (a == MP_HOLD_ACT_REJECT && !usable_text(text, FALSE))) {
		res = MP_HOLD_ACT_INCOMPLETE;
		goto out;
	}
	before = mp_hold_entry_to_json(e);
	if (apply(c, e, by, a, text, mp_hold_now(c), err) != MP_OK) {
		/* the save may have landed and the log line not: as it was,
		 * so that the failure (75) can be tried again */
		mp_hold_restore(c->spool, id, before);
		res = MP_HOLD_ACT_ERROR;
		goto out;
	}
	res = MP_HOLD_ACT_OK;
	/* what it made due goes now; what fails here is the next run's */
	if (mp_hold_run_locked(c, e, by, &st, &why) != MP_OK) {
		mp_diag_warn(c->cfg != NULL && c->cfg->syslog, e->message_id,
		    "%s: left to the next run: %s", id, why->message);
		g_clear_error(&why);
	}
out:
	g_free(before);
	mp_hold_entry_free(e);
	mp_hold_unlock(lock);
	return res;
}
