/* entry.c - one held message's state, and entry.json, its form on disk */
#include <string.h>

#include <jansson.h>

#include "base/json.h"
#include "hold/hold.h"

static const char *const mode_names[] = {
	[MP_HOLD_MODE_HOLD] = "hold",
	[MP_HOLD_MODE_STAGGER] = "stagger",
	[MP_HOLD_MODE_APPROVE] = "approve",
	[MP_HOLD_MODE_CONFIRM] = "confirm",
};

static const char *const state_names[] = {
	[MP_HOLD_HELD] = "held",
	[MP_HOLD_RELEASED] = "released",
	[MP_HOLD_APPROVED] = "approved",
	[MP_HOLD_SENT] = "sent",
	[MP_HOLD_DISCARDED] = "discarded",
	[MP_HOLD_REJECTED] = "rejected",
	[MP_HOLD_EXPIRED] = "expired",
	[MP_HOLD_FAILED] = "failed",
};

static const char *const delivery_names[] = {
	[MP_HOLD_PENDING] = "pending",
	[MP_HOLD_DONE] = "done",
	[MP_HOLD_CANCELLED] = "cancelled",
	[MP_HOLD_REFUSED] = "refused",
};

static const char *const notice_names[] = {
	[MP_HOLD_NOTICE_HELD] = "held",
	[MP_HOLD_NOTICE_APPROVE] = "approve",
	[MP_HOLD_NOTICE_DISCARDED] = "discarded",
	[MP_HOLD_NOTICE_REJECTED] = "rejected",
	[MP_HOLD_NOTICE_EXPIRED] = "expired",
	[MP_HOLD_NOTICE_FAILED] = "failed",
};

static const char *const role_names[] = {
	[MP_HOLD_BY_QUEUE] = "queue",
	[MP_HOLD_BY_SENDER] = "sender",
	[MP_HOLD_BY_APPROVER] = "approver",
	[MP_HOLD_BY_ADMIN] = "admin",
	[MP_HOLD_BY_TIMER] = "timer",
};

/* name_index - the index of s in names[n], or -1 */
static int
name_index(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *
mp_hold_mode_name(MpHoldMode m)
{
	return mode_names[m];
}

const char *
mp_hold_state_name(MpHoldState s)
{
	return state_names[s];
}

/* mp_hold_state_parse - a state by name */
gboolean
mp_hold_state_parse(const char *s, MpHoldState *out)
{
	int i = name_index(state_names, MP_HOLD_NSTATES, s);

	if (i < 0)
		return FALSE;
	*out = (MpHoldState)i;
	return TRUE;
}

const char *
mp_hold_notice_name(MpHoldNoticeKind k)
{
	return notice_names[k];
}

const char *
mp_hold_role_name(MpHoldRole r)
{
	return role_names[r];
}

/* mp_hold_state_final - nothing more can happen to such an entry */
gboolean
mp_hold_state_final(MpHoldState s)
{
	return s >= MP_HOLD_SENT;
}

/* mp_hold_is_id - 32 lower-case hex digits, what an id looks like */
gboolean
mp_hold_is_id(const char *s)
{
	gsize i;

	if (s == NULL || strlen(s) != MP_HOLD_ID_LEN)
		return FALSE;
	for (i = 0; i < MP_HOLD_ID_LEN; i++)
		if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
			return FALSE;
	return TRUE;
}

static void
delivery_free(gpointer p)
{
	MpHoldDelivery *d = p;

	g_ptr_array_free(d->recipients, TRUE);
	g_free(d->error);
	g_free(d->notify);
	g_free(d);
}

static void
attachment_free(gpointer p)
{
	MpHoldAttachment *a = p;

	g_free(a->name);
	g_free(a);
}

static void
approver_free(gpointer p)
{
	MpHoldApprover *a = p;

	g_free(a->address);
	g_free(a->name);
	g_free(a->reason);
	g_free(a);
}

static void
notice_item_free(gpointer p)
{
	MpHoldNoticeItem *n = p;

	g_free(n->to);
	g_free(n);
}

/* mp_hold_entry_new - an entry with every array made, nothing in them */
MpHoldEntry *
mp_hold_entry_new(void)
{
	MpHoldEntry *e = g_new0(MpHoldEntry, 1);

	e->recipients = g_ptr_array_new_with_free_func(g_free);
	e->classes = g_ptr_array_new_with_free_func(g_free);
	e->deliveries = g_ptr_array_new_with_free_func(delivery_free);
	e->attachments = g_ptr_array_new_with_free_func(attachment_free);
	e->external_domains = g_ptr_array_new_with_free_func(g_free);
	e->approvers = g_ptr_array_new_with_free_func(approver_free);
	e->notices = g_ptr_array_new_with_free_func(notice_item_free);
	e->sender = g_strdup("");
	e->subject = g_strdup("");
	e->from = g_strdup("");
	e->preview = g_strdup("");
	e->lang = g_strdup("ja");
	return e;
}

void
mp_hold_entry_free(MpHoldEntry *e)
{
	if (e == NULL)
		return;
	g_free(e->id);
	g_free(e->sender);
	g_free(e->dsn_ret);
	g_free(e->dsn_envid);
	g_ptr_array_free(e->recipients, TRUE);
	g_ptr_array_free(e->classes, TRUE);
	g_ptr_array_free(e->deliveries, TRUE);
	g_free(e->subject);
	g_free(e->from);
	g_free(e->message_id);
	g_free(e->preview);
	g_ptr_array_free(e->attachments, TRUE);
	g_ptr_array_free(e->external_domains, TRUE);
	g_ptr_array_free(e->approvers, TRUE);
	g_free(e->rule);
	g_free(e->reason);
	g_free(e->lang);
	g_free(e->by);
	g_free(e->comment);
	g_free(e->justification);
	g_ptr_array_free(e->notices, TRUE);
	g_free(e);
}

/* mp_hold_pending - the deliveries still to make */
guint
mp_hold_pending(const MpHoldEntry *e)
{
	guint i, n = 0;

	for (i = 0; i < e->deliveries->len; i++)
		if (((MpHoldDelivery *)e->deliveries->pdata[i])->state ==
		    MP_HOLD_PENDING)
			n++;
	return n;
}

/* mp_hold_next_due - the earliest due time of a pending delivery */
gint64
mp_hold_next_due(const MpHoldEntry *e)
{
	gint64 due = 0;
	guint i;

	for (i = 0; i < e->deliveries->len; i++) {
		const MpHoldDelivery *d = e->deliveries->pdata[i];

		if (d->state == MP_HOLD_PENDING && d->due != 0 &&
		    (due == 0 || d->due < due))
			due = d->due;
	}
	return due;
}

/* mp_hold_notice_add - one more notice in the outbox */
void
mp_hold_notice_add(MpHoldEntry *e, MpHoldNoticeKind kind, const char *to)
{
	MpHoldNoticeItem *n;

	/* the null sender has nobody to tell */
	if (to == NULL || *to == '\0')
		return;
	n = g_new0(MpHoldNoticeItem, 1);
	n->kind = kind;
	n->to = g_strdup(to);
	g_ptr_array_add(e->notices, n);
}

/* --- to JSON --- */

/* strings - a JSON array of the strings of a */
static json_t *
strings(const GPtrArray *a)
{
	json_t *arr = json_array();
	guint i;

	for (i = 0; i < a->len; i++)
		json_array_append_new(arr, mp_json_str(a->pdata[i]));
	return arr;
}

/* time_or_null - seconds since the epoch, 0 as null */
static json_t *
time_or_null(gint64 t)
{
	return t != 0 ? json_integer(t) : json_null();
}

/* str_or_null - a string, NULL as null */
static json_t *
str_or_null(const char *s)
{
	return s != NULL ? mp_json_str(s) : json_null();
}

/* mp_hold_entry_to_json - the entry as entry.json holds it */
char *
mp_hold_entry_to_json(const MpHoldEntry *e)
{
	json_t *o = json_object(), *arr;
	char *text, *out;
	guint i;

	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "id", mp_json_str(e->id));
	json_object_set_new(o, "mode", json_string(mode_names[e->mode]));
	json_object_set_new(o, "state", json_string(state_names[e->state]));
	json_object_set_new(o, "sender", mp_json_str(e->sender));
	if (e->dsn_ret != NULL)
		json_object_set_new(o, "dsn-ret", mp_json_str(e->dsn_ret));
	if (e->dsn_envid != NULL)
		json_object_set_new(o, "dsn-envid", mp_json_str(e->dsn_envid));
	json_object_set_new(o, "recipients", strings(e->recipients));
	json_object_set_new(o, "classes", strings(e->classes));
	json_object_set_new(o, "created", json_integer(e->created));
	json_object_set_new(o, "expires", time_or_null(e->expires));
	json_object_set_new(o, "deliver-on-expiry",
	    json_boolean(e->deliver_on_expiry));
	arr = json_array();
	for (i = 0; i < e->deliveries->len; i++) {
		const MpHoldDelivery *d = e->deliveries->pdata[i];
		json_t *dj = json_object();

		json_object_set_new(dj, "recipients", strings(d->recipients));
		json_object_set_new(dj, "due", time_or_null(d->due));
		json_object_set_new(dj, "state",
		    json_string(delivery_names[d->state]));
		json_object_set_new(dj, "attempts", json_integer(d->attempts));
		json_object_set_new(dj, "first-attempt",
		    time_or_null(d->first_attempt));
		json_object_set_new(dj, "done", time_or_null(d->done));
		json_object_set_new(dj, "error", str_or_null(d->error));
		/* DSN only where the envelope asked for it */
		if (d->notify != NULL)
			json_object_set_new(dj, "notify",
			    mp_json_str(d->notify));
		json_array_append_new(arr, dj);
	}
	json_object_set_new(o, "deliveries", arr);
	json_object_set_new(o, "size", json_integer((json_int_t)e->size));
	json_object_set_new(o, "subject", mp_json_str(e->subject));
	json_object_set_new(o, "from", mp_json_str(e->from));
	json_object_set_new(o, "message-id", str_or_null(e->message_id));
	json_object_set_new(o, "preview", mp_json_str(e->preview));
	arr = json_array();
	for (i = 0; i < e->attachments->len; i++) {
		const MpHoldAttachment *a = e->attachments->pdata[i];
		json_t *aj = json_object();

		json_object_set_new(aj, "name", mp_json_str(a->name));
		json_object_set_new(aj, "size", json_integer((json_int_t)
		    a->size));
		json_array_append_new(arr, aj);
	}
	json_object_set_new(o, "attachments", arr);
	json_object_set_new(o, "external-domains",
	    strings(e->external_domains));
	arr = json_array();
	for (i = 0; i < e->approvers->len; i++) {
		const MpHoldApprover *a = e->approvers->pdata[i];
		json_t *aj = json_object();

		json_object_set_new(aj, "address", mp_json_str(a->address));
		json_object_set_new(aj, "name", str_or_null(a->name));
		json_object_set_new(aj, "reason", str_or_null(a->reason));
		json_array_append_new(arr, aj);
	}
	json_object_set_new(o, "approvers", arr);
	json_object_set_new(o, "rule", str_or_null(e->rule));
	json_object_set_new(o, "reason", str_or_null(e->reason));
	json_object_set_new(o, "override", json_boolean(e->override));
	json_object_set_new(o, "lang", mp_json_str(e->lang));
	json_object_set_new(o, "finished", time_or_null(e->finished));
	json_object_set_new(o, "by", str_or_null(e->by));
	json_object_set_new(o, "comment", str_or_null(e->comment));
	json_object_set_new(o, "justification", str_or_null(e->justification));
	arr = json_array();
	for (i = 0; i < e->notices->len; i++) {
		const MpHoldNoticeItem *n = e->notices->pdata[i];
		json_t *nj = json_object();

		json_object_set_new(nj, "kind", json_string(notice_names[
		    n->kind]));
		json_object_set_new(nj, "to", mp_json_str(n->to));
		json_object_set_new(nj, "sent", json_boolean(n->sent));
		json_array_append_new(arr, nj);
	}
	json_object_set_new(o, "notices", arr);
	text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(o);
	out = g_strconcat(text, "\n", NULL);
	free(text);
	return out;
}

/* --- from JSON --- */

/* get_str - a string member (NULL when absent or null); FALSE when it
 * is something else */
static gboolean
get_str(json_t *o, const char *key, char **out)
{
	json_t *v = json_object_get(o, key);

	g_free(*out);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return TRUE;
	if (!json_is_string(v))
		return FALSE;
	*out = g_strndup(json_string_value(v), json_string_length(v));
	return TRUE;
}

/* get_time - an integer member, null as 0 */
static gboolean
get_time(json_t *o, const char *key, gint64 *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return TRUE;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return FALSE;
	*out = json_integer_value(v);
	return TRUE;
}

/* get_strings - an array of strings into a */
static gboolean
get_strings(json_t *o, const char *key, GPtrArray *a)
{
	json_t *v = json_object_get(o, key), *s;
	size_t i;

	if (v == NULL)
		return TRUE;
	if (!json_is_array(v))
		return FALSE;
	json_array_foreach(v, i, s) {
		if (!json_is_string(s))
			return FALSE;
		g_ptr_array_add(a, g_strndup(json_string_value(s),
		    json_string_length(s)));
	}
	return TRUE;
}

/* get_name - an enumeration member by its names */
static gboolean
get_name(json_t *o, const char *key, const char *const *names, int n,
    int *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v) ||
	    (*out = name_index(names, n, json_string_value(v))) < 0)
		return FALSE;
	return TRUE;
}

/* read_deliveries - the deliveries array */
static gboolean
read_deliveries(json_t *o, MpHoldEntry *e)
{
	json_t *arr = json_object_get(o, "deliveries"), *dj;
	size_t i;

	if (!json_is_array(arr))
		return FALSE;
	json_array_foreach(arr, i, dj) {
		MpHoldDelivery *d = g_new0(MpHoldDelivery, 1);
		json_t *n = json_object_get(dj, "attempts");
		int st;

		d->recipients = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(e->deliveries, d);
		if (!json_is_object(dj) ||
		    !get_strings(dj, "recipients", d->recipients) ||
		    !get_time(dj, "due", &d->due) ||
		    !get_name(dj, "state", delivery_names,
		    G_N_ELEMENTS(delivery_names), &st) ||
		    !json_is_integer(n) ||
		    !get_time(dj, "first-attempt", &d->first_attempt) ||
		    !get_time(dj, "done", &d->done) ||
		    !get_str(dj, "error", &d->error) ||
		    !get_str(dj, "notify", &d->notify))
			return FALSE;
		d->state = (MpHoldDeliveryState)st;
		d->attempts = (guint)json_integer_value(n);
	}
	return TRUE;
}

/* read_lists - attachments, approvers and notices */
static gboolean
read_lists(json_t *o, MpHoldEntry *e)
{
	json_t *arr, *v;
	size_t i;

	arr = json_object_get(o, "attachments");
	if (!json_is_array(arr))
		return FALSE;
	json_array_foreach(arr, i, v) {
		MpHoldAttachment *a = g_new0(MpHoldAttachment, 1);
		json_t *size = json_object_get(v, "size");

		g_ptr_array_add(e->attachments, a);
		if (!get_str(v, "name", &a->name) || a->name == NULL ||
		    !json_is_integer(size))
			return FALSE;
		a->size = (guint64)json_integer_value(size);
	}
	arr = json_object_get(o, "approvers");
	if (!json_is_array(arr))
		return FALSE;
	json_array_foreach(arr, i, v) {
		MpHoldApprover *a = g_new0(MpHoldApprover, 1);

		g_ptr_array_add(e->approvers, a);
		if (!get_str(v, "address", &a->address) || a->address == NULL ||
		    !get_str(v, "name", &a->name) ||
		    !get_str(v, "reason", &a->reason))
			return FALSE;
	}
	arr = json_object_get(o, "notices");
	if (!json_is_array(arr))
		return FALSE;
	json_array_foreach(arr, i, v) {
		MpHoldNoticeItem *n = g_new0(MpHoldNoticeItem, 1);
		int kind;

		g_ptr_array_add(e->notices, n);
		if (!get_name(v, "kind", notice_names, MP_HOLD_NNOTICES,
		    &kind) || !get_str(v, "to", &n->to) || n->to == NULL ||
		    !json_is_boolean(json_object_get(v, "sent")))
			return FALSE;
		n->kind = (MpHoldNoticeKind)kind;
		n->sent = json_is_true(json_object_get(v, "sent"));
	}
	return TRUE;
}

/* mp_hold_entry_from_json - entry.json read back */
int
mp_hold_entry_from_json(const char *text, gsize len, MpHoldEntry **out,
    GError **err)
{
	json_error_t jerr;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	MpHoldEntry *e = mp_hold_entry_new();
	json_t *size;
	int mode, state;
	gboolean ok;

	*out = NULL;
	if (o == NULL) {
		mp_hold_entry_free(e);
		return mp_fail(err, EX_DATAERR, "not JSON: %s (line %d)",
		    jerr.text, jerr.line);
	}
	size = json_object_get(o, "size");
	ok = json_is_object(o) &&
	    json_integer_value(json_object_get(o, "version")) == 1 &&
	    get_str(o, "id", &e->id) && mp_hold_is_id(e->id) &&
	    get_name(o, "mode", mode_names, G_N_ELEMENTS(mode_names),
	    &mode) &&
	    get_name(o, "state", state_names, MP_HOLD_NSTATES, &state) &&
	    get_str(o, "sender", &e->sender) && e->sender != NULL &&
	    get_str(o, "dsn-ret", &e->dsn_ret) &&
	    get_str(o, "dsn-envid", &e->dsn_envid) &&
	    get_strings(o, "recipients", e->recipients) &&
	    get_strings(o, "classes", e->classes) &&
	    e->classes->len == e->recipients->len &&
	    get_time(o, "created", &e->created) &&
	    get_time(o, "expires", &e->expires) &&
	    json_is_boolean(json_object_get(o, "deliver-on-expiry")) &&
	    read_deliveries(o, e) && json_is_integer(size) &&
	    get_str(o, "subject", &e->subject) && e->subject != NULL &&
	    get_str(o, "from", &e->from) && e->from != NULL &&
	    get_str(o, "message-id", &e->message_id) &&
	    get_str(o, "preview", &e->preview) && e->preview != NULL &&
	    get_strings(o, "external-domains", e->external_domains) &&
	    read_lists(o, e) &&
	    get_str(o, "rule", &e->rule) && get_str(o, "reason", &e->reason) &&
	    json_is_boolean(json_object_get(o, "override")) &&
	    get_str(o, "lang", &e->lang) && e->lang != NULL &&
	    get_time(o, "finished", &e->finished) &&
	    get_str(o, "by", &e->by) && get_str(o, "comment", &e->comment) &&
	    get_str(o, "justification", &e->justification);
	if (ok) {
		e->mode = (MpHoldMode)mode;
		e->state = (MpHoldState)state;
		e->size = (guint64)json_integer_value(size);
		e->deliver_on_expiry = json_is_true(json_object_get(o,
		    "deliver-on-expiry"));
		e->override = json_is_true(json_object_get(o, "override"));
	}
	json_decref(o);
	if (!ok) {
		mp_hold_entry_free(e);
		return mp_fail(err, EX_DATAERR, "not an entry of the hold "
		    "queue");
	}
	*out = e;
	return MP_OK;
}
