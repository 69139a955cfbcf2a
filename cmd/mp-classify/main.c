/* mp-classify - every recipient of a message: internal, semi-internal, external */
#include "mail/classify.h"
#include "cli/verdict.h"
#include "cli/record.h"
#include "base/diag.h"

#define USAGE \
	"usage: mp-classify [-a | --json] [-c file] [--internal domain] " \
	"[--semi-internal domain]\n" \
	"                   [-r address] [--resent] [--syslog] " \
	"[--mbox file | --maildir dir | file ...]\n"

enum { OPT_RESENT = MP_VERDICT_FIRST_OWN };

/* the options over [classify]; -r may be given again and again */
static const MpOptSpec own_opts[] = {
	{ .id = 'a', .name = "annotate", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = MP_OPT_JSON, .name = "json", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = 'r', .name = "recipient", .has_arg = required_argument },
	{ .id = OPT_RESENT, .name = "resent", .has_arg = no_argument,
	  .key = "resent", .set = "yes", .def = MP_CLASSIFY_RESENT_DEFAULT },
	MP_OPT_END,
};

typedef struct {
	MpVerdict v;		/* first: -a, --json, the options, the run */
	GPtrArray *envelope;	/* -r ADDR, NULL-terminated */
	gboolean resent;
	MpAddrParser *ap;
} Run;

static gboolean take_recipient(gpointer data, int id, const char *arg);
static int set_policy(gpointer data, GError **err);
static int one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err);
static json_t *record_json(const MpSource *src, gconstpointer result);
static char *counts_text(const MpClassification *c);

/* the command line and the steps of mp_cli_main */
static const MpCliCommand command = {
	.tool = "mp-classify", .usage = USAGE, .shortopts = "ac:hr:",
	.section = "classify", .table = own_opts,
	.take = take_recipient, .usable = mp_verdict_usable,
	.set_policy = set_policy, .one_message = one_message,
	.finish = mp_verdict_finish,
};

int
main(int argc, char **argv)
{
	Run run = { 0 };
	int status;

	mp_verdict_init(&run.v, "X-MP-Classify", record_json);
	run.envelope = g_ptr_array_new();
	status = mp_cli_main(&command, &run.v.cli, &run, argc, argv);
	mp_verdict_clear(&run.v);
	mp_addr_parser_free(run.ap);
	g_ptr_array_free(run.envelope, TRUE);
	return status;
}

/* take_recipient - each -r adds one envelope recipient */
static gboolean
take_recipient(gpointer data, int id, const char *arg)
{
	Run *run = data;

	if (id != 'r')
		return FALSE;
	g_ptr_array_add(run->envelope, (gpointer)(gsize)arg);
	return TRUE;
}

/* set_policy - --resent over [classify] resent; every -r one address */
static int
set_policy(gpointer data, GError **err)
{
	Run *run = data;
	guint i;
	int status;

	g_ptr_array_add(run->envelope, NULL);
	run->resent = mp_opts_bool(&run->v.cli.own, OPT_RESENT, FALSE);
	run->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(run->ap, run->v.json);
	for (i = 0; run->envelope->pdata[i] != NULL; i++)
		if ((status = mp_cli_check_sender(run->ap, "-r",
		    run->envelope->pdata[i], err)) != MP_OK)
			return status;
	return MP_OK;
}

/* one_message - classify one message and print its record */
static int
one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err)
{
	Run *run = data;
	const MpConfig *cfg = run->v.cli.cfg;
	MpClassification c;
	char *t;
	int status;

	if ((status = mp_classify(cfg, run->ap, msg,
	    (char *const *)run->envelope->pdata, run->resent,
	    run->v.json || cfg->syslog, &c, err)) != MP_OK)
		return status;
	t = counts_text(&c);
	mp_diag_info(cfg->syslog, c.message_id, "%s", t);
	status = mp_verdict_put(&run->v, src, msg, &c, t, t);
	g_free(t);
	mp_classification_clear(&c);
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
	const MpClassification *c = result;
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
	return o;
}

