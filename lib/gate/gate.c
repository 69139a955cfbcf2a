/* gate.c - what mp-gate does with one message: the sender's checks,
 * the policy, the transforms per group of recipients, the hand-over to
 * mp-hold or to the next hop, and the log line */
#include <string.h>

#include <sodium.h>

#include "attach/detach.h"
#include "attach/zipenc.h"
#include "base/diag.h"
#include "base/secret.h"
#include "bccify/bccify.h"
#include "gate/gate.h"
#include "hold/make.h"
#include "mail/charset.h"
#include "mail/edit.h"
#include "mail/encode.h"
#include "org/ccguard.h"
#include "policy/notify.h"

/* the [gate] keys: flag, key, default; bounds are the schema's */
const MpOptSpec mp_gate_opts[] = {
	{ .id = MP_GATE_OPT_LISTEN, .name = "listen",
	  .has_arg = required_argument, .key = "listen",
	  .def = MP_GATE_LISTEN_DEFAULT },
	{ .id = MP_GATE_OPT_NEXT, .name = "next",
	  .has_arg = required_argument, .key = "next",
	  .def = MP_GATE_NEXT_DEFAULT },
	{ .id = MP_GATE_OPT_WORKERS, .name = "workers",
	  .has_arg = required_argument, .key = "workers",
	  .def = G_STRINGIFY(MP_GATE_WORKERS_DEFAULT) },
	{ .id = MP_GATE_OPT_MAX_SIZE, .name = "max-size",
	  .has_arg = required_argument, .key = "max-size",
	  .def = G_STRINGIFY(MP_GATE_MAX_SIZE_DEFAULT) },
	{ .id = MP_GATE_OPT_MAX_USE, .name = "max-use",
	  .has_arg = required_argument, .key = "max-use",
	  .def = G_STRINGIFY(MP_GATE_MAX_USE_DEFAULT) },
	{ .id = MP_GATE_OPT_COMMAND_TIMEOUT, .name = "command-timeout",
	  .has_arg = required_argument, .key = "command-timeout",
	  .def = G_STRINGIFY(MP_GATE_COMMAND_TIMEOUT_DEFAULT) "s" },
	{ .id = MP_GATE_OPT_DATA_TIMEOUT, .name = "data-timeout",
	  .has_arg = required_argument, .key = "data-timeout",
	  .def = G_STRINGIFY(MP_GATE_DATA_TIMEOUT_DEFAULT) "s" },
	{ .id = MP_GATE_OPT_NEXT_TIMEOUT, .name = "next-timeout",
	  .has_arg = required_argument, .key = "next-timeout",
	  .def = G_STRINGIFY(MP_GATE_NEXT_TIMEOUT_DEFAULT) "s" },
	{ .id = MP_GATE_OPT_HOSTNAME, .name = "hostname",
	  .has_arg = required_argument, .key = "hostname" },
	{ .id = MP_GATE_OPT_AUTH_MISMATCH, .name = "auth-mismatch",
	  .has_arg = required_argument, .key = "auth-mismatch",
	  .def = MP_GATE_AUTH_MISMATCH_DEFAULT },
	{ .id = MP_GATE_OPT_NULL_SENDER, .name = "null-sender",
	  .has_arg = required_argument, .key = "null-sender",
	  .def = MP_GATE_NULL_SENDER_DEFAULT },
	{ .id = MP_GATE_OPT_SNAPSHOT, .name = "snapshot",
	  .has_arg = required_argument, .key = "snapshot" },
	MP_OPT_END,
};

/* Everything one generation of workers decides with: mp.conf and what
 * it names, read and checked before a worker starts. */
typedef struct {
	MpConfig *cfg;
	MpAddrParser *ap;
	MpPolicy *policy;
	MpOpts reject_opts;
	MpRejectNotice reject;
	gboolean hold_on, zipenc_on, detach_on, bccify_on;
	MpOpts hold_keys;
	MpHoldCtx hold;
	MpZipencConf zipenc;
	MpDetachConf detach;
	MpBccifyConf bccify;
	MpGateNext next;
	char *hostname;
	char *snapshot;
	gboolean auth_reject;	/* [gate] auth-mismatch = reject */
	gboolean null_check;	/* [gate] null-sender = check */
} Conf;

/* The daemon: its command line and the configuration in force. */
typedef struct {
	const MpGateArgs *args;
	MpOpts *opts;		/* [gate], flags over keys */
	Conf *conf;
	MpGateClient *client;	/* a worker's, to the next hop */
} Gate;

/* conf_free - release a configuration */
static void
conf_free(Conf *c)
{
	if (c == NULL)
		return;
	mp_policy_close(c->policy);
	mp_reject_notice_clear(&c->reject);
	mp_opts_clear(&c->reject_opts);
	if (c->hold_on)
		mp_hold_ctx_clear(&c->hold);
	mp_opts_clear(&c->hold_keys);
	mp_zipenc_conf_clear(&c->zipenc);
	mp_detach_conf_clear(&c->detach);
	mp_bccify_conf_clear(&c->bccify);
	mp_gate_next_clear(&c->next);
	if (c->ap != NULL)
		mp_addr_parser_free(c->ap);
	g_free(c->hostname);
	g_free(c->snapshot);
	mp_config_free(c->cfg);
	g_free(c);
}

/* uses - whether a rule of the policy has action a */
static gboolean
uses(const MpPolicy *p, MpAction a)
{
	guint i;

	for (i = 0; i < p->rules->rules->len; i++)
		if (((const MpRule *)p->rules->rules->pdata[i])->action == a)
			return TRUE;
	return FALSE;
}

/*
 * conf_load - mp.conf and everything it names, as the workers will use
 * it: [gate] (flags over keys), the rules, the org snapshot when a rule
 * needs it, the rejection notice, and [hold], [zipenc], [detach] and
 * [bccify] when a rule does what they set; any mistake is its status
 * (78 for the configuration, 75 for what cannot be had now)
 */
static int
conf_load(Gate *g, Conf **out, GError **err)
{
	Conf *c = g_new0(Conf, 1);
	MpPolicyOpts po = { 0 };
	const char *s;
	int status;

	*out = NULL;
	mp_opts_init(&c->reject_opts, "policy", mp_reject_notice_opts);
	mp_opts_init(&c->hold_keys, "hold", mp_hold_key_opts);
	mp_zipenc_conf_init(&c->zipenc);
	mp_detach_conf_init(&c->detach);
	mp_bccify_conf_init(&c->bccify);
	if ((status = mp_config_load(g->args->config, &c->cfg, err)) !=
	    MP_OK || (status = mp_opts_read(g->opts, c->cfg, err)) != MP_OK)
		goto fail;
	c->ap = mp_addr_parser_new();
	/* the names go into the notices and notes, as the commands write
	 * them */
	mp_addr_parser_want_names(c->ap, TRUE);
	if ((status = mp_secret_init(err)) != MP_OK)
		goto fail;
	s = mp_opts_value(g->opts, MP_GATE_OPT_NEXT);
	if (!mp_gate_next_parse(s, &c->next)) {
		status = mp_opts_given(g->opts, MP_GATE_OPT_NEXT) ?
		    mp_opts_bad_arg(g->opts, MP_GATE_OPT_NEXT, "not an "
		    "address (HOST:PORT, unix:PATH, lmtp:...)", err) :
		    mp_opts_bad_key(g->opts, MP_GATE_OPT_NEXT, "an address "
		    "(HOST:PORT, unix:PATH, lmtp:...)", err);
		goto fail;
	}
	c->next.timeout = (guint)mp_opts_uint(g->opts,
	    MP_GATE_OPT_NEXT_TIMEOUT, MP_GATE_NEXT_TIMEOUT_DEFAULT);
	s = mp_opts_value(g->opts, MP_GATE_OPT_HOSTNAME);
	c->hostname = g_strdup(s != NULL ? s : g_get_host_name());
	c->next.helo = c->hostname;
	c->auth_reject = g_strcmp0(mp_opts_value(g->opts,
	    MP_GATE_OPT_AUTH_MISMATCH), "policy") != 0;
	c->null_check = g_strcmp0(mp_opts_value(g->opts,
	    MP_GATE_OPT_NULL_SENDER), "policy") != 0;
	if ((s = mp_opts_value(g->opts, MP_GATE_OPT_SNAPSHOT)) != NULL)
		c->snapshot = g_strdup(s);
	else if ((c->snapshot = mp_config_string(c->cfg, "policy",
	    "snapshot", NULL)) == NULL)
		c->snapshot = g_strdup(MP_CCGUARD_SNAPSHOT_DEFAULT);
	po.snapshot = c->snapshot;
	if ((status = mp_policy_open(c->cfg, &po, &c->policy, err)) != MP_OK ||
	    (status = mp_opts_read(&c->reject_opts, c->cfg, err)) != MP_OK ||
	    (status = mp_reject_notice_load(&c->reject, &c->reject_opts,
	    FALSE, err)) != MP_OK)
		goto fail;
	c->hold_on = uses(c->policy, MP_ACT_HOLD) ||
	    uses(c->policy, MP_ACT_STAGGER) ||
	    uses(c->policy, MP_ACT_APPROVE) || uses(c->policy, MP_ACT_CONFIRM);
	if (c->hold_on && ((status = mp_opts_read(&c->hold_keys, c->cfg,
	    err)) != MP_OK || (status = mp_hold_ctx_load(&c->hold,
	    &c->hold_keys, c->cfg, TRUE, err)) != MP_OK)) {
		/* the context is half made: clear what it holds */
		mp_hold_ctx_clear(&c->hold);
		c->hold_on = FALSE;
		goto fail;
	}
	c->zipenc_on = uses(c->policy, MP_ACT_ZIPENC);
	c->detach_on = uses(c->policy, MP_ACT_DETACH);
	c->bccify_on = uses(c->policy, MP_ACT_BCCIFY);
	if ((c->zipenc_on && (status = mp_zipenc_conf_read(&c->zipenc,
	    c->cfg, c->ap, err)) != MP_OK) || (c->detach_on &&
	    (status = mp_detach_conf_read(&c->detach, c->cfg, c->ap, err)) !=
	    MP_OK) || (c->bccify_on && (status = mp_bccify_conf_read(
	    &c->bccify, c->cfg, err)) != MP_OK))
		goto fail;
	*out = c;
	return MP_OK;
fail:
	conf_free(c);
	return status;
}

/* ------------------------------------------------------------------ */
/* One message. */

/* A group of recipients that get the same copy: the transforms that
 * apply to each of them. */
typedef struct {
	GString *key;		/* indices of the transforms, "0,2," */
	GPtrArray *actions;	/* const MpDecisionAction * */
	GPtrArray *rcpts;	/* MpSmtpRcpt *, borrowed (but extra) */
	GArray *index;		/* guint: each one's place in the inbound
				 * transaction; G_MAXUINT for an added one */
	MpSmtpRcpt *extra;	/* add-superior's recipient, owned */
	GString *text;		/* the copy, when transformed */
	MpSpool *spool;		/* zipenc's copy */
	GString *notice;	/* the password notice to deliver */
	const MpNoticeDest *dest;
	char *detached;		/* the store entry made, to undo */
	char *held;		/* the hold entry's id */
} Group;

/* What the log line says of one message. */
typedef struct {
	const char *action;
	const char *status;
	char *reply;
} Outcome;

/* group_free - release a group */
static void
group_free(gpointer p)
{
	Group *gr = p;

	g_string_free(gr->key, TRUE);
	g_ptr_array_free(gr->actions, TRUE);
	g_ptr_array_free(gr->rcpts, TRUE);
	g_array_free(gr->index, TRUE);
	if (gr->extra != NULL) {
		g_free(gr->extra->address);
		g_ptr_array_free(gr->extra->params, TRUE);
		g_free(gr->extra);
	}
	if (gr->text != NULL)
		g_string_free(gr->text, TRUE);
	mp_spool_free(gr->spool);
	if (gr->notice != NULL) {
		sodium_memzero(gr->notice->str, gr->notice->len);
		g_string_free(gr->notice, TRUE);
	}
	g_free(gr->detached);
	g_free(gr->held);
	g_free(gr);
}

/* all_replies - every recipient the same reply */
static void
all_replies(const MpSmtpTransaction *t, MpSmtpReply *replies, int code,
    const char *status, const char *text)
{
	guint i;

	for (i = 0; i < t->rcpts->len; i++)
		mp_smtp_reply_set(&replies[i], code, status, "%s", text);
}

/* xforward - the value of a XFORWARD attribute, NULL when not given or
 * [UNAVAILABLE] */
static const char *
xforward(const MpSmtpTransaction *t, const char *name)
{
	guint i;

	for (i = 0; i < t->xforward->len; i++) {
		const MpSmtpParam *x = t->xforward->pdata[i];

		if (g_ascii_strcasecmp(x->name, name) == 0)
			return x->value == NULL || strcmp(x->value,
			    "[UNAVAILABLE]") == 0 || strcmp(x->value,
			    "[TEMPUNAVAIL]") == 0 ? NULL : x->value;
	}
	return NULL;
}

/* param_of - the value of an ESMTP parameter in params (MpSmtpParam),
 * or NULL */
static const char *
param_of(const GPtrArray *params, const char *name)
{
	guint i;

	for (i = 0; params != NULL && i < params->len; i++) {
		const MpSmtpParam *x = params->pdata[i];

		if (g_ascii_strcasecmp(x->name, name) == 0)
			return x->value;
	}
	return NULL;
}

/*
 * auth_user - the SMTP AUTH user: XFORWARD (or XCLIENT) LOGIN when the
 * client gave it, else what Postfix's smtpd wrote in the topmost
 * Received field with smtpd_sasl_authenticated_header = yes:
 * "(Authenticated sender: USER)".  Only the topmost: the fields below it
 * are the sender's to write.
 */
static char *
auth_user(const MpSmtpTransaction *t, const MpMessage *msg)
{
	static const char tag[] = "(Authenticated sender: ";
	const char *x = xforward(t, "LOGIN");
	char *received, *p, *end;
	char *user = NULL;

	if (x != NULL)
		return g_strdup(x);
	if ((received = mp_message_header(msg, "Received")) == NULL)
		return NULL;
	if ((p = strstr(received, tag)) != NULL) {
		p += sizeof tag - 1;
		if ((end = strchr(p, ')')) != NULL && end > p)
			user = g_strndup(p, (gsize)(end - p));
	}
	g_free(received);
	return user;
}

/* is_report - whether a message may come from the null sender: a
 * delivery or disposition report, or an automatic reply (RFC 3834) */
static gboolean
is_report(const MpMessage *msg)
{
	char *ct = mp_message_header(msg, "Content-Type");
	char *as = mp_message_header(msg, "Auto-Submitted");
	gboolean yes = FALSE;

	if (ct != NULL) {
		g_strstrip(ct);
		yes = g_ascii_strncasecmp(ct, "multipart/report", 16) == 0;
	}
	if (as != NULL) {
		g_strstrip(as);
		yes = yes || (*as != '\0' && g_ascii_strncasecmp(as, "no", 2)
		    != 0);
	}
	g_free(ct);
	g_free(as);
	return yes;
}

/* sender_check - the sender's checks of [gate] before the policy: NULL,
 * or why the message is refused */
static const char *
sender_check(const Conf *c, const MpSmtpTransaction *t,
    const MpMessage *msg, const char *auth)
{
	MpAddr from = { 0 };
	gboolean have_from, strip = c->policy->rules->strip_tag;
	const char *why = NULL;

	have_from = mp_message_sender(c->ap, msg, &from);
	if (c->auth_reject && auth != NULL) {
		if (*t->sender != '\0' && !mp_addr_same(auth, t->sender, strip))
			why = "the envelope sender is not the authenticated "
			    "user's address";
		else if (!have_from || !mp_addr_same(auth, from.addr, strip))
			why = "the From address is not the authenticated "
			    "user's address";
	}
	if (why == NULL && c->null_check && *t->sender == '\0' &&
	    !is_report(msg))
		why = "the null sender is for delivery reports and automatic "
		    "replies only";
	mp_addr_clear(&from);
	return why;
}

/* ascii_text - s when it is printable ASCII, else NULL */
static const char *
ascii_text(const char *s)
{
	const char *p;

	if (s == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return NULL;
	return s;
}

/* reject_text - the reply's text for a policy's reject: the reason
 * when it is ASCII (an SMTP reply is), else its English one, else the
 * rule's name (the rejection notice tells the sender in full) */
static char *
reject_text(const MpDecision *d)
{
	const MpRule *r = d->decider;
	const char *why = ascii_text(d->reason);

	if (why == NULL && r != NULL)
		why = ascii_text(r->reason_en);
	if (r == NULL)
		return g_strdup_printf("refused by mp policy: %s",
		    why != NULL ? why : "rejected");
	return g_strdup_printf("refused by mp policy rule %s%s%s", r->name,
	    why != NULL ? ": " : "", why != NULL ? why : "");
}

/* has_rcpt - whether an action's recipients name address */
static gboolean
has_rcpt(const MpDecisionAction *x, const char *address, gboolean strip)
{
	guint i;

	for (i = 0; i < x->rcpts->len; i++)
		if (mp_addr_same(x->rcpts->pdata[i], address, strip))
			return TRUE;
	return FALSE;
}

/* groups_of - the recipients grouped by the transforms each gets;
 * add-superior's recipient joins the first group */
static GPtrArray *
groups_of(const Conf *c, const MpSmtpTransaction *t, const MpDecision *d)
{
	GPtrArray *groups = g_ptr_array_new_with_free_func(group_free);
	gboolean strip = c->policy->rules->strip_tag;
	const char *superior = NULL;
	GString *key = g_string_new(NULL);
	guint i, j, k;

	for (i = 0; i < t->rcpts->len; i++) {
		MpSmtpRcpt *r = t->rcpts->pdata[i];
		Group *gr = NULL;

		g_string_truncate(key, 0);
		for (j = 0; j < d->actions->len; j++) {
			const MpDecisionAction *x = d->actions->pdata[j];

			if (x->rcpts == NULL || has_rcpt(x, r->address, strip))
				g_string_append_printf(key, "%u,", j);
		}
		for (k = 0; k < groups->len && gr == NULL; k++)
			if (strcmp(((Group *)groups->pdata[k])->key->str,
			    key->str) == 0)
				gr = groups->pdata[k];
		if (gr == NULL) {
			gr = g_new0(Group, 1);
			gr->key = g_string_new(key->str);
			gr->actions = g_ptr_array_new();
			gr->rcpts = g_ptr_array_new();
			gr->index = g_array_new(FALSE, FALSE, sizeof(guint));
			for (j = 0; j < d->actions->len; j++) {
				MpDecisionAction *x = d->actions->pdata[j];

				if (x->rcpts == NULL || has_rcpt(x, r->address,
				    strip))
					g_ptr_array_add(gr->actions, x);
			}
			g_ptr_array_add(groups, gr);
		}
		g_ptr_array_add(gr->rcpts, r);
		g_array_append_val(gr->index, i);
	}
	g_string_free(key, TRUE);
	for (j = 0; j < d->actions->len; j++) {
		const MpDecisionAction *x = d->actions->pdata[j];

		if (x->action == MP_ACT_ADD_SUPERIOR && x->superior != NULL)
			superior = x->superior;
	}
	if (superior != NULL && groups->len > 0) {
		Group *gr = groups->pdata[0];
		gboolean there = FALSE;

		for (i = 0; i < t->rcpts->len; i++)
			there = there || mp_addr_same(((MpSmtpRcpt *)
			    t->rcpts->pdata[i])->address, superior, strip);
		if (!there) {
			guint none = G_MAXUINT;

			gr->extra = g_new0(MpSmtpRcpt, 1);
			gr->extra->address = g_strdup(superior);
			gr->extra->params = g_ptr_array_new();
			g_ptr_array_add(gr->rcpts, gr->extra);
			g_array_append_val(gr->index, none);
		}
	}
	return groups;
}

/* tagged - the message with the subject prefixed by tag (once) */
static GString *
tagged(const MpMessage *msg, const char *tag)
{
	char *raw = mp_message_header(msg, "Subject");
	char *subject = raw != NULL ? mp_decode_header_text(raw, strlen(raw),
	    FALSE) : g_strdup("");
	char *text, *line;
	MpHeaderEdit *ed;
	GString *out = NULL;
	guint i;

	g_free(raw);
	g_strstrip(subject);
	if (g_str_has_prefix(subject, tag)) {
		g_free(subject);
		return NULL;
	}
	text = *subject != '\0' ? g_strconcat(tag, " ", subject, NULL) :
	    g_strdup(tag);
	line = mp_header_field("Subject", text, mp_message_eol(msg));
	ed = mp_header_edit_new(msg);
	for (i = 0; i < msg->fields->len; i++)
		if (mp_field_is(msg, &g_array_index(msg->fields, MpField, i),
		    "Subject"))
			break;
	if (i < msg->fields->len) {
		mp_header_edit_replace(ed, i, line);
		/* a second Subject the sender wrote goes: one is shown */
		for (i++; i < msg->fields->len; i++)
			if (mp_field_is(msg, &g_array_index(msg->fields,
			    MpField, i), "Subject"))
				mp_header_edit_drop(ed, i);
	} else
		mp_header_edit_append(ed, line);
	out = mp_header_edit_apply(ed);
	mp_header_edit_free(ed);
	g_free(line);
	g_free(text);
	g_free(subject);
	return out;
}

/* with_superior - the message with address added to Cc (the first Cc
 * field, or a new one) */
static GString *
with_superior(const MpMessage *msg, const char *address)
{
	MpHeaderEdit *ed = mp_header_edit_new(msg);
	const char *eol = mp_message_eol(msg);
	GString *out;
	guint i;

	for (i = 0; i < msg->fields->len; i++)
		if (mp_field_is(msg, &g_array_index(msg->fields, MpField, i),
		    "Cc"))
			break;
	if (i < msg->fields->len) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);
		GString *line = g_string_new_len(msg->data + f->start,
		    (gssize)(f->end - f->start));

		/* the field's own text, then one more item */
		while (line->len > 0 && (line->str[line->len - 1] == '\n' ||
		    line->str[line->len - 1] == '\r'))
			g_string_truncate(line, line->len - 1);
		g_string_append_printf(line, ",%s <%s>%s", eol, address, eol);
		mp_header_edit_replace(ed, i, line->str);
		g_string_free(line, TRUE);
	} else {
		char *line = g_strdup_printf("Cc: <%s>%s", address, eol);

		mp_header_edit_append(ed, line);
		g_free(line);
	}
	out = mp_header_edit_apply(ed);
	mp_header_edit_free(ed);
	return out;
}

/* group_bytes - the copy a group gets, as it is now */
static const char *
group_bytes(const Group *gr, const MpSmtpTransaction *t, gsize *len)
{
	if (gr->spool != NULL) {
		*len = mp_spool_size(gr->spool);
		return (const char *)mp_spool_data(gr->spool);
	}
	if (gr->text != NULL) {
		*len = gr->text->len;
		return gr->text->str;
	}
	*len = t->data.text->len;
	return t->data.text->str;
}

/* take_text - out is the group's copy now */
static void
take_text(Group *gr, GString *out)
{
	if (out == NULL)
		return;
	if (gr->text != NULL)
		g_string_free(gr->text, TRUE);
	mp_spool_free(gr->spool);
	gr->spool = NULL;
	gr->text = out;
}

/*
 * transform - the group's copy made: each transform in rule order over
 * the copy the one before made.  Not MP_OK: the status and *why (65
 * for a message a transform cannot take, 75 for trouble now).
 */
static int
transform(Conf *c, const MpSmtpTransaction *t, Group *gr, GError **err)
{
	guint i;
	int status = MP_OK;

	for (i = 0; i < gr->actions->len && status == MP_OK; i++) {
		const MpDecisionAction *x = gr->actions->pdata[i];
		MpMessage *msg;
		const char *data;
		gsize len;

		data = group_bytes(gr, t, &len);
		if ((status = mp_message_new_borrowed(data, len,
		    &c->cfg->limits, &msg, err)) != MP_OK)
			break;
		switch (x->action) {
		case MP_ACT_BCCIFY: {
			MpBccifyResult res = { 0 };

			mp_bccify(c->cfg, c->ap, msg, &c->bccify.b, &res);
			take_text(gr, res.out);
			res.out = NULL;
			mp_bccify_result_clear(&res);
			break;
		}
		case MP_ACT_TAG:
			if (x->rule->tag != NULL)
				take_text(gr, tagged(msg, x->rule->tag));
			break;
		case MP_ACT_ADD_SUPERIOR:
			if (x->superior != NULL)
				take_text(gr, with_superior(msg, x->superior));
			break;
		case MP_ACT_ZIPENC: {
			MpZipencResult res = { 0 };

			status = mp_zipenc(msg, &c->cfg->limits, c->ap,
			    &c->zipenc.z, &res, err);
			if (status == MP_OK && res.out != NULL) {
				MpSpool *sp = res.out;

				res.out = NULL;
				if (gr->text != NULL)
					g_string_free(gr->text, TRUE);
				gr->text = NULL;
				mp_spool_free(gr->spool);
				gr->spool = sp;
				gr->notice = res.notice;
				res.notice = NULL;
				gr->dest = &c->zipenc.notice.dest;
			}
			mp_zipenc_result_clear(&res);
			break;
		}
		case MP_ACT_DETACH: {
			MpDetachResult res = { 0 };

			status = mp_detach(msg, &c->cfg->limits, c->ap,
			    &c->detach.d, &res, err);
			if (status == MP_OK && res.out != NULL) {
				take_text(gr, res.out);
				res.out = NULL;
				gr->notice = res.notice;
				res.notice = NULL;
				gr->dest = &c->detach.notice.dest;
				gr->detached = res.id;
				res.id = NULL;
			}
			mp_detach_result_clear(&res);
			break;
		}
		default:
			break;
		}
		mp_message_free(msg);
	}
	return status;
}

/* hold_mode - mp-hold's mode for a deciding action */
static MpHoldMode
hold_mode(MpAction a)
{
	switch (a) {
	case MP_ACT_STAGGER:
		return MP_HOLD_MODE_STAGGER;
	case MP_ACT_APPROVE:
		return MP_HOLD_MODE_APPROVE;
	case MP_ACT_CONFIRM:
		return MP_HOLD_MODE_CONFIRM;
	default:
		return MP_HOLD_MODE_HOLD;
	}
}

/* hold - each group queued in mp-hold with its envelope */
static int
hold(Conf *c, const MpSmtpTransaction *t, const MpDecision *d,
    GPtrArray *groups, GError **err)
{
	const char *envid = param_of(t->params, "ENVID");
	/* the session took ENVID as xtext; sendmail -V takes the text */
	char *envid_text = envid != NULL ? mp_xtext_decode(envid) : NULL;
	guint i, j;
	int status = MP_OK;

	for (i = 0; i < groups->len && status == MP_OK; i++) {
		Group *gr = groups->pdata[i];
		GPtrArray *to = g_ptr_array_new();
		const char **notify = g_new0(const char *, gr->rcpts->len + 1);
		MpHoldRequest rq = { 0 };
		const char *data;
		gsize len;

		for (j = 0; j < gr->rcpts->len; j++) {
			const MpSmtpRcpt *r = gr->rcpts->pdata[j];

			g_ptr_array_add(to, r->address);
			notify[j] = param_of(r->params, "NOTIFY");
		}
		rq.mode = hold_mode(d->verdict);
		rq.duration = d->duration;
		rq.sender = t->sender;
		rq.recipients = (char **)to->pdata;
		rq.nrecipients = to->len;
		/* the DSN goes with it, for the sendmail that sends it on;
		 * ORCPT cannot (sendmail has no option for it) */
		rq.ret = param_of(t->params, "RET");
		rq.envid = envid_text;
		rq.notify = notify;
		rq.rule = d->decider != NULL ? d->decider->name : NULL;
		rq.reason = d->reason;
		rq.override = c->hold.override;
		data = group_bytes(gr, t, &len);
		status = mp_hold_submit(&c->hold, c->ap, &rq,
		    (const guchar *)data, len, &gr->held, err);
		g_ptr_array_free(to, TRUE);
		g_free(notify);
	}
	g_free(envid_text);
	if (status != MP_OK) {
		/* none of it is held: Postfix keeps the message */
		for (i = 0; i < groups->len; i++) {
			Group *gr = groups->pdata[i];

			if (gr->held != NULL)
				mp_hold_remove(c->hold.spool, gr->held, NULL);
		}
		return status;
	}
	for (i = 0; i < groups->len; i++)
		mp_hold_submitted(&c->hold, ((Group *)groups->pdata[i])->held);
	return MP_OK;
}

/* send_group - one group to the next hop: the notice first (a password
 * must not be lost once the message is out), then the transaction */
static void
send_group(Gate *g, const MpSmtpTransaction *t, Group *gr,
    MpSmtpReply *replies)
{
	Conf *c = g->conf;
	MpGateOutgoing o = { 0 };
	MpGateSent sent = { 0 };
	gboolean any = FALSE;
	guint i;

	if (gr->notice != NULL) {
		GError *err = NULL;
		int caught = 0;

		if (mp_notice_deliver(gr->dest, gr->notice, &caught, &err) !=
		    MP_OK) {
			for (i = 0; i < gr->index->len; i++) {
				guint k = g_array_index(gr->index, guint, i);

				if (k != G_MAXUINT)
					mp_smtp_reply_set(&replies[k], 451,
					    "4.3.0", "mp-gate: the password "
					    "notice cannot be sent: %s",
					    err->message);
			}
			g_clear_error(&err);
			if (gr->detached != NULL)
				mp_detach_undo(&c->detach.d, gr->detached);
			return;
		}
	}
	o.sender = t->sender;
	o.mail_params = t->params;
	o.rcpts = (MpSmtpRcpt *const *)gr->rcpts->pdata;
	o.nrcpts = gr->rcpts->len;
	o.xforward = t->xforward;
	o.text = group_bytes(gr, t, &o.len);
	mp_gate_client_send(g->client, &o, &sent);
	for (i = 0; i < gr->index->len && i < sent.nrcpts; i++) {
		guint k = g_array_index(gr->index, guint, i);

		any = any || sent.rcpt[i].code / 100 == 2;
		if (k == G_MAXUINT)
			continue;
		mp_smtp_reply_clear(&replies[k]);
		replies[k] = sent.rcpt[i];
		memset(&sent.rcpt[i], 0, sizeof sent.rcpt[i]);
		/* we announce ENHANCEDSTATUSCODES: a next hop that gave none
		 * gets the class's own */
		if (replies[k].status[0] == '\0')
			g_snprintf(replies[k].status, sizeof replies[k].status,
			    "%d.0.0", replies[k].code / 100);
	}
	if (!any && gr->detached != NULL)
		mp_detach_undo(&c->detach.d, gr->detached);
	mp_gate_sent_clear(&sent);
}

/* log_line - one line per transaction, as Postfix writes its own */
static void
log_line(const MpSmtpTransaction *t, const MpMessage *msg,
    const char *auth, const MpDecision *d, const char *action,
    const MpSmtpReply *replies, double secs)
{
	const char *id = xforward(t, "IDENT");
	const char *name = xforward(t, "NAME");
	const char *addr = xforward(t, "ADDR");
	const MpSmtpReply *w = mp_smtp_reply_worst(replies, t->rcpts->len);
	GString *rules = g_string_new(NULL);
	char *mid = msg != NULL ? mp_message_id(msg) : NULL;
	guint i;

	if (w == NULL)
		w = &replies[0];

	for (i = 0; d != NULL && i < d->matched->len; i++)
		g_string_append_printf(rules, "%s%s", i > 0 ? "," : "",
		    ((const MpRule *)d->matched->pdata[i])->name);
	mp_diag_info(TRUE, NULL, "%s: client=%s[%s], sasl_username=%s, "
	    "from=<%s>, message-id=<%s>, nrcpt=%u, rules=%s, action=%s, "
	    "delay=%.2f, status=%s (%d %s%s%s)", id != NULL ? id : "NOQUEUE",
	    name != NULL ? name : "unknown", addr != NULL ? addr : "unknown",
	    auth != NULL ? auth : "", t->sender, mid != NULL ? mid : "",
	    t->rcpts->len, rules->len > 0 ? rules->str : "-", action, secs,
	    w->code / 100 == 2 ? (d != NULL && MP_ACT_DECIDES(d->verdict) &&
	    d->verdict != MP_ACT_REJECT ? "held" : "sent") : w->code / 100 ==
	    4 ? "deferred" : "rejected", w->code, w->status,
	    *w->status != '\0' ? " " : "", w->text != NULL ? w->text : "");
	g_free(mid);
	g_string_free(rules, TRUE);
}

/* fail_replies - the reply to a status that is not a decision: 65 is
 * the message's fault (5xx), anything else is trouble now (4xx) */
static void
fail_replies(const MpSmtpTransaction *t, MpSmtpReply *replies, int status,
    const GError *err)
{
	const char *why = err != NULL ? err->message : "internal error";

	if (status == EX_DATAERR)
		all_replies(t, replies, 554, "5.6.0", why);
	else
		all_replies(t, replies, 451, "4.3.0", why);
}

/* message - the server's handler: one whole message */
static void
message(void *data, const MpSmtpTransaction *t, MpSmtpReply *replies)
{
	Gate *g = data;
	Conf *c = g->conf;
	gint64 start = g_get_monotonic_time();
	MpMessage *msg = NULL;
	MpJudgement j = { 0 };
	GPtrArray *groups = NULL, *env = NULL;
	GError *err = NULL;
	const char *action = "pass", *why;
	char *auth = NULL;
	gboolean judged = FALSE;
	guint i;
	int status;

	if ((status = mp_message_new_borrowed(t->data.text->str,
	    t->data.text->len, &c->cfg->limits, &msg, &err)) != MP_OK) {
		fail_replies(t, replies, status, err);
		action = "error";
		goto out;
	}
	auth = auth_user(t, msg);
	if ((why = sender_check(c, t, msg, auth)) != NULL) {
		all_replies(t, replies, 550, "5.7.1", why);
		action = "reject";
		goto out;
	}
	env = g_ptr_array_new();
	for (i = 0; i < t->rcpts->len; i++)
		g_ptr_array_add(env, ((MpSmtpRcpt *)t->rcpts->pdata[i])->address);
	g_ptr_array_add(env, NULL);
	mp_policy_envelope(c->policy, t->sender, (char *const *)env->pdata,
	    auth);
	status = mp_policy_judge(c->policy, msg, &j, &err);
	judged = TRUE;
	if (status != MP_OK) {
		fail_replies(t, replies, status, err);
		action = "error";
		goto out;
	}
	if (j.d.verdict == MP_ACT_REJECT) {
		char *text = reject_text(&j.d);
		const char *skipped = NULL;

		all_replies(t, replies, 550, "5.7.1", text);
		g_free(text);
		action = "reject";
		if (mp_reject_notice_on(&c->reject) &&
		    mp_reject_notice_send(&c->reject, c->policy, msg, &j,
		    &skipped, &err) != MP_OK) {
			mp_diag_warn(TRUE, NULL, "the rejection notice: %s",
			    err->message);
			g_clear_error(&err);
		}
		goto out;
	}
	groups = groups_of(c, t, &j.d);
	for (i = 0; i < groups->len; i++)
		if ((status = transform(c, t, groups->pdata[i], &err)) !=
		    MP_OK) {
			fail_replies(t, replies, status, err);
			action = "error";
			goto out;
		}
	if (j.d.actions->len > 0)
		action = "transform";
	if (MP_ACT_DECIDES(j.d.verdict)) {
		action = mp_action_name(j.d.verdict);
		if ((status = hold(c, t, &j.d, groups, &err)) != MP_OK) {
			fail_replies(t, replies, status == EX_UNAVAILABLE ?
			    EX_DATAERR : status, err);
			goto out;
		}
		for (i = 0; i < groups->len; i++) {
			Group *gr = groups->pdata[i];
			guint k;

			for (k = 0; k < gr->index->len; k++)
				if (g_array_index(gr->index, guint, k) !=
				    G_MAXUINT)
					mp_smtp_reply_set(&replies[g_array_index(
					    gr->index, guint, k)], 250, "2.0.0",
					    "held as %s", gr->held);
		}
		goto out;
	}
	for (i = 0; i < groups->len; i++)
		send_group(g, t, groups->pdata[i], replies);
out:
	log_line(t, msg, auth, judged ? &j.d : NULL, action, replies,
	    (double)(g_get_monotonic_time() - start) / 1e6);
	g_clear_error(&err);
	if (groups != NULL)
		g_ptr_array_free(groups, TRUE);
	if (env != NULL)
		g_ptr_array_free(env, TRUE);
	if (judged)
		mp_judgement_clear(&j);
	g_free(auth);
	mp_message_free(msg);
}

/* worker_start - a worker's own client of the next hop */
static void
worker_start(void *data)
{
	Gate *g = data;

	g->client = mp_gate_client_new(&g->conf->next);
}

/* worker_end - QUIT to the next hop */
static void
worker_end(void *data)
{
	Gate *g = data;

	mp_gate_client_free(g->client);
	g->client = NULL;
}

/* reload - SIGHUP: mp.conf and all it names again; the old stays in
 * force when anything is wrong */
static int
reload(void *data, GError **err)
{
	Gate *g = data;
	Conf *c;
	int status;

	if ((status = conf_load(g, &c, err)) != MP_OK)
		return status;
	conf_free(g->conf);
	g->conf = c;
	mp_diag_info(TRUE, NULL, "reloaded %s", c->cfg->path != NULL ?
	    c->cfg->path : c->cfg->default_path);
	return MP_OK;
}

/* mp_gate_main - the configuration, then the server */
int
mp_gate_main(const MpGateArgs *a, MpOpts *o, GError **err)
{
	const MpGateHandler h = { message, worker_start, worker_end, reload };
	MpGateServerOpts so = { 0 };
	Gate g = { a, o, NULL, NULL };
	char *hostname;
	int status;

	if ((status = conf_load(&g, &g.conf, err)) != MP_OK)
		return status;
	if (a->check) {
		conf_free(g.conf);
		return MP_OK;
	}
	so.listen = mp_opts_value(o, MP_GATE_OPT_LISTEN);
	so.workers = (guint)mp_opts_uint(o, MP_GATE_OPT_WORKERS,
	    MP_GATE_WORKERS_DEFAULT);
	so.command_timeout = (guint)mp_opts_uint(o,
	    MP_GATE_OPT_COMMAND_TIMEOUT, MP_GATE_COMMAND_TIMEOUT_DEFAULT);
	so.data_timeout = (guint)mp_opts_uint(o, MP_GATE_OPT_DATA_TIMEOUT,
	    MP_GATE_DATA_TIMEOUT_DEFAULT);
	so.max_size = (gsize)mp_opts_uint(o, MP_GATE_OPT_MAX_SIZE,
	    MP_GATE_MAX_SIZE_DEFAULT);
	so.max_use = (guint)mp_opts_uint(o, MP_GATE_OPT_MAX_USE,
	    MP_GATE_MAX_USE_DEFAULT);
	/* the greeting's name stays what it was at the start */
	hostname = g_strdup(g.conf->hostname);
	so.hostname = hostname;
	mp_diag_info(TRUE, NULL, "starting: listen %s, next %s, %u workers",
	    so.listen, mp_opts_value(o, MP_GATE_OPT_NEXT), so.workers);
	status = mp_gate_serve(&so, &h, &g, err);
	conf_free(g.conf);
	g_free(hostname);
	return status;
}
