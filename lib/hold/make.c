/* make.c - a held entry made from a message and its envelope: what the
 * page and the notices will show, the deliveries, the approvers */
#include <string.h>

#include "base/diag.h"
#include "hold/hold-int.h"
#include "hold/make.h"
#include "mail/charset.h"
#include "mail/classify.h"
#include "mail/message.h"
#include "mail/mime.h"
#include "org/ccguard.h"

static const char *const class_names[] = {
	[MP_CLASS_INTERNAL] = "internal",
	[MP_CLASS_SEMI_INTERNAL] = "semi-internal",
	[MP_CLASS_EXTERNAL] = "external",
};

/* header_text - a field decoded to UTF-8, "" when absent */
static char *
header_text(const MpMessage *msg, const char *name, gboolean phrase)
{
	char *raw = mp_message_header(msg, name);
	char *text;

	if (raw == NULL)
		return g_strdup("");
	text = mp_decode_header_text(raw, strlen(raw), phrase);
	g_free(raw);
	return text != NULL ? text : g_strdup("");
}

/* preview - the first lines of the first text part that is not an
 * attachment, as UTF-8 */
static char *
preview(const MpMessage *msg, MpPart *root, GPtrArray *atts)
{
	GPtrArray *leaves = mp_part_leaves(root);
	GString *out = g_string_new(NULL);
	guint i, lines = 0;

	for (i = 0; i < leaves->len; i++) {
		MpPart *p = leaves->pdata[i];
		char *charset, *text;
		const char *s;
		GBytes *body;
		gsize len;
		guint j;
		gboolean attached = FALSE;

		for (j = 0; atts != NULL && j < atts->len; j++)
			attached = attached || atts->pdata[j] == p;
		if (attached || strcmp(p->type, "text/plain") != 0)
			continue;
		body = mp_part_decode(msg, p);
		charset = mp_part_param(msg, p, "Content-Type", "charset");
		s = g_bytes_get_data(body, &len);
		text = charset != NULL ? mp_charset_to_utf8(s, len, charset) :
		    mp_text_to_utf8(s, len);
		for (s = text; s != NULL && *s != '\0' &&
		    lines < MP_HOLD_PREVIEW_LINES; lines++) {
			const char *nl = strchr(s, '\n');
			gsize n = nl != NULL ? (gsize)(nl - s) + 1 : strlen(s);

			if (out->len + n > MP_HOLD_PREVIEW_BYTES)
				break;
			g_string_append_len(out, s, (gssize)n);
			s += n;
		}
		g_free(text);
		g_free(charset);
		g_bytes_unref(body);
		break;
	}
	g_ptr_array_free(leaves, TRUE);
	/* CRLF mail: the page shows lines, not carriage returns */
	return g_strdelimit(g_string_free(out, FALSE), "\r", ' ');
}

/* read_message - subject, From, Message-ID, preview and attachments;
 * mail that cannot be parsed is held all the same, with less to show */
static void
read_message(MpHoldCtx *c, MpHoldEntry *e, const guchar *data, gsize len)
{
	MpMessage *msg = NULL;
	MpPart *root = NULL;
	GPtrArray *atts = NULL;
	guint i;

	if (mp_message_new_borrowed((const char *)data, len,
	    &c->cfg->limits, &msg, NULL) != MP_OK)
		return;
	g_free(e->subject);
	e->subject = header_text(msg, "Subject", FALSE);
	g_free(e->from);
	e->from = header_text(msg, "From", TRUE);
	e->message_id = mp_message_id(msg);
	if (mp_mime_parse(msg, &c->cfg->limits, &root, NULL) == MP_OK) {
		atts = mp_part_attachments(msg, root);
		for (i = 0; i < atts->len; i++) {
			MpPart *p = atts->pdata[i];
			MpHoldAttachment *a = g_new0(MpHoldAttachment, 1);
			GBytes *body = mp_part_decode(msg, p);

			a->name = mp_part_filename(msg, p);
			if (a->name == NULL)
				a->name = g_strdup_printf("(%s)", p->type);
			a->size = g_bytes_get_size(body);
			g_bytes_unref(body);
			g_ptr_array_add(e->attachments, a);
		}
		g_free(e->preview);
		e->preview = preview(msg, root, atts);
		g_ptr_array_free(atts, TRUE);
		mp_part_free(root);
	}
	mp_message_free(msg);
}

/* compare_str - for sorting domains */
static gint
compare_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* classify - each envelope recipient's class, and the external domains */
static void
classify(MpHoldCtx *c, MpAddrParser *ap, MpHoldEntry *e,
    const MpHoldRequest *rq)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	guint i;

	for (i = 0; i < rq->nrecipients; i++) {
		MpAddr a;
		MpClass k = MP_CLASS_EXTERNAL;

		/* what cannot be read is external: never waved through */
		if (mp_addr_parse_one(ap, rq->recipients[i], &a))
			k = mp_addr_class(c->cfg, &a);
		g_ptr_array_add(e->recipients, g_strdup(rq->recipients[i]));
		g_ptr_array_add(e->classes, g_strdup(class_names[k]));
		if (k == MP_CLASS_EXTERNAL) {
			const char *at = strrchr(rq->recipients[i], '@');
			char *d = a.domain != NULL ? g_strdup(a.domain) :
			    g_ascii_strdown(at != NULL ? at + 1 :
			    rq->recipients[i], -1);

			if (!g_hash_table_contains(seen, d)) {
				g_hash_table_add(seen, d);
				g_ptr_array_add(e->external_domains, d);
			} else {
				g_free(d);
			}
		}
		mp_addr_clear(&a);
	}
	g_ptr_array_sort(e->external_domains, compare_str);
	g_hash_table_destroy(seen);
}

/* add_approver - one approver, once */
static void
add_approver(MpHoldEntry *e, const char *address, const char *name,
    const char *reason)
{
	MpHoldApprover *a;
	guint i;

	for (i = 0; i < e->approvers->len; i++)
		if (g_ascii_strcasecmp(((MpHoldApprover *)
		    e->approvers->pdata[i])->address, address) == 0)
			return;
	a = g_new0(MpHoldApprover, 1);
	a->address = g_strdup(address);
	a->name = g_strdup(name);
	a->reason = g_strdup(reason);
	g_ptr_array_add(e->approvers, a);
}

/* approvers - --approver, else [hold] approvers, else the sender's
 * superiors as mp-ccguard finds them; 69 when there is nobody, since
 * mail that nobody can approve must not wait for ever nor go out */
static int
approvers(MpHoldCtx *c, MpAddrParser *ap, MpHoldEntry *e,
    const MpHoldRequest *rq, GError **err)
{
	char **list = rq->approvers != NULL ? rq->approvers : c->approvers;
	MpOrgSnap *snap = NULL;
	GPtrArray *sups;
	guint i;
	int status;

	mp_addr_parser_want_names(ap, TRUE);
	for (i = 0; list != NULL && list[i] != NULL; i++) {
		MpAddr a;

		/* "部長 <chief@example.co.jp>": the address, and the name */
		if (!mp_addr_parse_one(ap, list[i], &a) || a.addr == NULL) {
			mp_addr_clear(&a);
			mp_addr_parser_want_names(ap, FALSE);
			return mp_fail(err, rq->approvers != NULL ? EX_USAGE :
			    EX_CONFIG, "%s: not an address: %s",
			    rq->approvers != NULL ? "--approver" :
			    "[hold] approvers", list[i]);
		}
		add_approver(e, a.addr, a.name != NULL && *a.name != '\0' ?
		    a.name : NULL, NULL);
		mp_addr_clear(&a);
	}
	mp_addr_parser_want_names(ap, FALSE);
	if (list == NULL && *e->sender != '\0') {
		if ((status = mp_orgsnap_open(c->snapshot, &snap, err)) !=
		    MP_OK)
			return status == EX_NOINPUT ? EX_TEMPFAIL : status;
		sups = mp_ccguard_superiors(snap, e->sender);
		for (i = 0; sups != NULL && i < sups->len; i++) {
			const MpSuperior *s = sups->pdata[i];

			add_approver(e, s->address, s->name, s->reason);
		}
		if (sups != NULL)
			g_ptr_array_free(sups, TRUE);
		mp_orgsnap_close(snap);
	}
	for (i = 0; i < e->approvers->len; i++)
		/* the sender never approves their own mail */
		if (g_ascii_strcasecmp(((MpHoldApprover *)
		    e->approvers->pdata[i])->address, e->sender) == 0)
			g_ptr_array_remove_index(e->approvers, i--);
	if (e->approvers->len == 0)
		return mp_fail(err, EX_UNAVAILABLE, "nobody can approve mail "
		    "from %s (no superior in %s, no [hold] approvers)",
		    *e->sender != '\0' ? e->sender : "<>", c->snapshot);
	return MP_OK;
}

/* notify_of - the DSN NOTIFY recipient i asked for, or NULL */
static const char *
notify_of(const MpHoldRequest *rq, guint i)
{
	return rq->notify != NULL && i < rq->nrecipients ? rq->notify[i] :
	    NULL;
}

/*
 * deliveries - new pending deliveries of the recipients of one class
 * set, one for each NOTIFY they asked for (sendmail takes one for a
 * whole delivery), in the order of the envelope; with always, one even
 * when there is nobody
 */
static void
deliveries(MpHoldEntry *e, const MpHoldRequest *rq, gint64 due,
    gboolean (*want)(const char *), gboolean always)
{
	guint i, k, first = e->deliveries->len;

	for (i = 0; i < e->recipients->len; i++) {
		const char *n = notify_of(rq, i);
		MpHoldDelivery *d = NULL;

		if (!want(e->classes->pdata[i]))
			continue;
		for (k = first; k < e->deliveries->len && d == NULL; k++) {
			MpHoldDelivery *x = e->deliveries->pdata[k];

			if (g_strcmp0(x->notify, n) == 0)
				d = x;
		}
		if (d == NULL) {
			d = g_new0(MpHoldDelivery, 1);
			d->recipients = g_ptr_array_new_with_free_func(g_free);
			d->due = due;
			d->notify = g_strdup(n);
			g_ptr_array_add(e->deliveries, d);
		}
		g_ptr_array_add(d->recipients,
		    g_strdup(e->recipients->pdata[i]));
	}
	if (always && e->deliveries->len == first) {
		MpHoldDelivery *d = g_new0(MpHoldDelivery, 1);

		d->recipients = g_ptr_array_new_with_free_func(g_free);
		d->due = due;
		g_ptr_array_add(e->deliveries, d);
	}
}

static gboolean
is_any(const char *class)
{
	(void)class;
	return TRUE;
}

static gboolean
is_inside(const char *class)
{
	return strcmp(class, "external") != 0;
}

static gboolean
is_outside(const char *class)
{
	return strcmp(class, "external") == 0;
}

/* plan - the deliveries of the mode, and when nobody answered */
static void
plan(MpHoldCtx *c, MpHoldEntry *e, const MpHoldRequest *rq, gint64 now)
{
	switch (rq->mode) {
	case MP_HOLD_MODE_STAGGER:
		deliveries(e, rq, now, is_inside, FALSE);
		deliveries(e, rq, now + (gint64)rq->duration, is_outside,
		    FALSE);
		break;
	case MP_HOLD_MODE_APPROVE:
		deliveries(e, rq, 0, is_any, TRUE);
		e->expires = now + (gint64)c->approve_timeout;
		e->deliver_on_expiry = c->deliver_on_expiry;
		break;
	case MP_HOLD_MODE_CONFIRM:
		deliveries(e, rq, 0, is_any, TRUE);
		e->expires = now + (gint64)c->confirm_timeout;
		break;
	case MP_HOLD_MODE_HOLD:
	default:
		/* no --for: [hold] hold-time */
		deliveries(e, rq, now + (gint64)(rq->duration == G_MAXUINT64 ?
		    c->hold_time : rq->duration), is_any, TRUE);
		break;
	}
}

/* mp_hold_submit - one message queued, durably */
int
mp_hold_submit(MpHoldCtx *c, MpAddrParser *ap, const MpHoldRequest *rq,
    const guchar *data, gsize len, char **id, GError **err)
{
	static const MpHoldActor queue = { MP_HOLD_BY_QUEUE, NULL, NULL };
	MpHoldEntry *e = mp_hold_entry_new();
	gint64 now = mp_hold_now(c);
	int status;
	guint i;

	*id = NULL;
	e->mode = rq->mode;
	e->state = MP_HOLD_HELD;
	e->created = now;
	g_free(e->sender);
	e->sender = g_strdup(rq->sender);
	e->dsn_ret = g_strdup(rq->ret);
	e->dsn_envid = g_strdup(rq->envid);
	e->rule = g_strdup(rq->rule);
	e->reason = g_strdup(rq->reason);
	e->override = rq->override || c->override;
	g_free(e->lang);
	e->lang = g_strdup(c->lang);
	classify(c, ap, e, rq);
	read_message(c, e, data, len);
	if (rq->mode == MP_HOLD_MODE_APPROVE &&
	    (status = approvers(c, ap, e, rq, err)) != MP_OK) {
		mp_hold_entry_free(e);
		return status;
	}
	plan(c, e, rq, now);
	mp_hold_notify(c, e, MP_HOLD_NOTICE_HELD, e->sender);
	for (i = 0; i < e->approvers->len; i++)
		mp_hold_notify(c, e, MP_HOLD_NOTICE_APPROVE, ((MpHoldApprover *)
		    e->approvers->pdata[i])->address);
	if ((status = mp_hold_queue(c->spool, e, data, len, &queue, err)) !=
	    MP_OK) {
		mp_hold_entry_free(e);
		return status;
	}
	*id = g_strdup(e->id);
	mp_hold_entry_free(e);
	return MP_OK;
}

/* mp_hold_submitted - the notices of a queued entry sent and what is
 * due now delivered; what fails is left to the next run */
void
mp_hold_submitted(MpHoldCtx *c, const char *id)
{
	static const MpHoldActor queue = { MP_HOLD_BY_QUEUE, NULL, NULL };
	MpHoldRunStats st = { 0 };
	GError *why = NULL;

	if (mp_hold_run_as(c, id, 0, &queue, &st, &why) != MP_OK) {
		mp_diag_warn(c->cfg->syslog, NULL, "%s: left to the next run: "
		    "%s", id, why->message);
		g_error_free(why);
	}
}
