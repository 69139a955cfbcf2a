/* mp-classify - every recipient of a message: internal, semi-internal, external */
#include "mail/classify.h"
#include "facts/facts.h"
#include "cli/verdict.h"
#include "cli/record.h"
#include "base/diag.h"

#define USAGE \
	"usage: mp-classify [-a | --json] [-c file] [--internal domain] " \
	"[--semi-internal domain]\n" \
	"                   [-r address] [--resent] [--facts] [-f sender] " \
	"[--auth-user user]\n" \
	"                   [--now time] [--time now | date] [--syslog] " \
	"[--mbox file | --maildir dir | file ...]\n"

enum {
	OPT_RESENT = MP_VERDICT_FIRST_OWN,
	OPT_FACTS,
	OPT_AUTH_USER,
	OPT_NOW,
	OPT_TIME,
};

/* the options over [classify]; -r may be given again and again */
static const MpOptSpec own_opts[] = {
	{ .id = 'a', .name = "annotate", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = MP_OPT_JSON, .name = "json", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = 'r', .name = "recipient", .has_arg = required_argument },
	{ .id = OPT_RESENT, .name = "resent", .has_arg = no_argument,
	  .key = "resent", .set = "yes", .def = MP_CLASSIFY_RESENT_DEFAULT },
	{ .id = OPT_FACTS, .name = "facts", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = 'f', .name = "envelope-sender",
	  .has_arg = required_argument },
	{ .id = OPT_AUTH_USER, .name = "auth-user",
	  .has_arg = required_argument },
	{ .id = OPT_NOW, .name = "now", .has_arg = required_argument },
	{ .id = OPT_TIME, .name = "time", .has_arg = required_argument,
	  .type = MP_KEY_ENUM, .choices = "now|date" },
	MP_OPT_END,
};

typedef struct {
	MpVerdict v;		/* first: -a, --json, the options, the run */
	gboolean resent;
	MpAddrParser *ap;
	gboolean facts;		/* --facts */
	MpFactsCtx ctx;		/* how the facts are computed */
} Run;

/* What --json prints of one message. */
typedef struct {
	const MpClassification *c;
	json_t *facts;		/* --facts, or NULL */
} Result;

static gboolean usable(gpointer data);
static int set_policy(gpointer data, GError **err);
static int set_facts(Run *run, GError **err);
static int facts_message(Run *run, const MpSource *src, MpMessage *msg,
    GError **err);
static int put(Run *run, const MpSource *src, const MpMessage *msg,
    const Result *res);
static int one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err);
static json_t *record_json(const MpSource *src, gconstpointer result);
static char *counts_text(const MpClassification *c);

/* the command line and the steps of mp_cli_main */
static const MpCliCommand command = {
	.tool = "mp-classify", .usage = USAGE, .shortopts = "ac:f:hr:",
	.section = "classify", .table = own_opts,
	.take = mp_verdict_take_recipient, .usable = usable,
	.set_policy = set_policy, .one_message = one_message,
	.finish = mp_verdict_finish,
};

int
main(int argc, char **argv)
{
	Run run = { 0 };
	int status;

	mp_verdict_init(&run.v, "X-MP-Classify", record_json);
	status = mp_cli_main(&command, &run.v.cli, &run, argc, argv);
	mp_verdict_clear(&run.v);
	mp_addr_parser_free(run.ap);
	mp_facts_ctx_clear(&run.ctx);
	return status;
}

/*
 * usable - the verdict options; --facts is a part of --json's record
 * and reads whole messages; -f, --auth-user, --now and --time say how
 * facts are computed, so they need it
 */
static gboolean
usable(gpointer data)
{
	Run *run = data;
	const MpOpts *own = &run->v.cli.own;
	gboolean ok = mp_verdict_usable(&run->v);

	run->facts = mp_opts_given(own, OPT_FACTS);
	if (run->facts && !run->v.json) {
		mp_diag_error(FALSE, NULL, "--facts needs --json");
		return FALSE;
	}
	if (!run->facts && (mp_opts_given(own, 'f') ||
	    mp_opts_given(own, OPT_AUTH_USER) || mp_opts_given(own, OPT_NOW) ||
	    mp_opts_given(own, OPT_TIME))) {
		mp_diag_error(FALSE, NULL,
		    "-f, --auth-user, --now and --time need --facts");
		return FALSE;
	}
	if (run->facts)
		run->v.cli.opts.head_only = FALSE;
	return ok;
}

/* set_policy - --resent over [classify] resent; every -r one address */
static int
set_policy(gpointer data, GError **err)
{
	Run *run = data;
	char *const *envelope = mp_verdict_envelope(&run->v);
	guint i;
	int status;

	run->resent = mp_opts_bool(&run->v.cli.own, OPT_RESENT, FALSE);
	run->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(run->ap, run->v.json);
	for (i = 0; envelope[i] != NULL; i++)
		if ((status = mp_addr_check_arg(run->ap, "-r", envelope[i],
		    err)) != MP_OK)
			return status;
	return run->facts ? set_facts(run, err) : MP_OK;
}

/* set_facts - how --facts computes: the command line over mp.conf, as
 * mp-policy reads them */
static int
set_facts(Run *run, GError **err)
{
	const MpOpts *own = &run->v.cli.own;
	MpFactsArgs a = {
		.envelope = mp_verdict_envelope(&run->v),
		.env_sender = mp_opts_arg(own, 'f'),
		.auth_user = mp_opts_arg(own, OPT_AUTH_USER),
		.now = mp_opts_arg(own, OPT_NOW),
		.time = mp_opts_arg(own, OPT_TIME),
	};

	int status = mp_facts_ctx_load(&run->ctx, run->v.cli.cfg, run->ap, &a,
	    err);

	run->ctx.resent = run->resent;	/* --resent over [classify] resent */
	return status;
}

/* one_message - classify one message and print its record */
static int
one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err)
{
	Run *run = data;
	const MpConfig *cfg = run->v.cli.cfg;
	MpClassification c;
	Result res = { &c, NULL };
	int status;

	if (run->facts)
		return facts_message(run, src, msg, err);
	if ((status = mp_classify(cfg, run->ap, msg,
	    mp_verdict_envelope(&run->v), run->resent,
	    run->v.json || cfg->syslog, &c, err)) != MP_OK)
		return status;
	status = put(run, src, msg, &res);
	mp_classification_clear(&c);
	return status;
}

/* facts_message - the record of one message with every fact in it */
static int
facts_message(Run *run, const MpSource *src, MpMessage *msg, GError **err)
{
	MpFacts *f = mp_facts_new(&run->ctx, msg);
	Result res = { NULL, NULL };
	int status;

	if ((status = mp_facts_json(f, MP_FACT_TEXT, &res.facts, err)) ==
	    MP_OK && (status = mp_facts_recipients(f, &res.c, err)) == MP_OK)
		status = put(run, src, msg, &res);
	json_decref(res.facts);
	mp_facts_free(f);
	return status;
}

/* put - what is said of one message: its line, -a's field or record */
static int
put(Run *run, const MpSource *src, const MpMessage *msg, const Result *res)
{
	char *t = counts_text(res->c);
	int status;

	mp_diag_info(run->v.cli.cfg->syslog, res->c->message_id, "%s", t);
	status = mp_verdict_put(&run->v, src, msg, res, t, t);
	g_free(t);
	return status;
}

/* counts_text - "internal=N semi-internal=N external=N" */
static char *
counts_text(const MpClassification *c)
{
	GString *s = g_string_new(NULL);

	g_string_printf(s, "internal=%u semi-internal=%u external=%u",
	    c->counts[MP_CLASS_INTERNAL], c->counts[MP_CLASS_SEMI_INTERNAL],
	    c->counts[MP_CLASS_EXTERNAL]);
	if (c->unreadable > 0)
		g_string_append_printf(s, " unreadable=%u", c->unreadable);
	return g_string_free(s, FALSE);
}

/* record_json - --json's record: where from, who, and every recipient */
static json_t *
record_json(const MpSource *src, gconstpointer result)
{
	const Result *res = result;
	const MpClassification *c = res->c;
	json_t *o, *rcpts, *counts;
	guint i;

	o = json_object();
	mp_json_source(o, src);
	json_object_set_new(o, "from", mp_json_str(c->from));
	json_object_set_new(o, "message_id", mp_json_str(c->message_id));
	json_object_set_new(o, "size", json_integer((json_int_t)c->size));
	rcpts = json_array();
	for (i = 0; i < c->rcpts->len; i++) {
		const MpRecipient *r = &g_array_index(c->rcpts, MpRecipient, i);
		json_t *j = json_object();

		json_object_set_new(j, "address", mp_json_str(r->addr));
		if (r->raw != NULL) {
			json_object_set_new(j, "unreadable", json_true());
			json_object_set_new(j, "raw", mp_json_str(r->raw));
		}
		if (r->name != NULL && *r->name != '\0')
			json_object_set_new(j, "name", mp_json_str(r->name));
		json_object_set_new(j, "class", json_string(mp_class_name(r->cls)));
		json_object_set_new(j, "field",
		    json_string(mp_rcpt_field_name(r->field)));
		json_array_append_new(rcpts, j);
	}
	json_object_set_new(o, "recipients", rcpts);
	counts = json_object();
	json_object_set_new(counts, "internal",
	    json_integer(c->counts[MP_CLASS_INTERNAL]));
	json_object_set_new(counts, "semi-internal",
	    json_integer(c->counts[MP_CLASS_SEMI_INTERNAL]));
	json_object_set_new(counts, "external",
	    json_integer(c->counts[MP_CLASS_EXTERNAL]));
	json_object_set_new(o, "counts", counts);
	json_object_set_new(o, "unreadable", json_integer(c->unreadable));
	if (res->facts != NULL)
		json_object_set(o, "facts", res->facts);
	return o;
}

