/* mp-ccguard - external mail must carry one of the sender's superiors */
#include "org/ccguard.h"
#include "cli/verdict.h"
#include "cli/record.h"
#include "base/diag.h"

#define USAGE \
	"usage: mp-ccguard [-a | --json] [--summary] [--snapshot file] " \
	"[--sender address]\n" \
	"                  [-c file] [--internal domain] [--semi-internal " \
	"domain] [--syslog]\n" \
	"                  [--mbox file | --maildir dir | file ...]\n"

enum { OPT_SNAPSHOT = MP_VERDICT_FIRST_OWN, OPT_SENDER };

/* the options over [ccguard] (whose exempt-senders has none) */
static const MpOptSpec own_opts[] = {
	{ .id = 'a', .name = "annotate", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = MP_OPT_JSON, .name = "json", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = MP_VERDICT_OPT_SUMMARY, .name = "summary",
	  .has_arg = no_argument, .def = "no", .set = "yes",
	  .type = MP_KEY_BOOL },
	{ .id = OPT_SNAPSHOT, .name = "snapshot", .has_arg = required_argument,
	  .key = "snapshot", .def = MP_CCGUARD_SNAPSHOT_DEFAULT },
	{ .id = OPT_SENDER, .name = "sender", .has_arg = required_argument },
	MP_OPT_END,
};

typedef struct {
	MpVerdict v;		/* first: -a, --json, the options, the run */
	MpAddrParser *ap;
	MpOrgSnap *snap;
	MpCcguardOpts copts;
} Run;

static int set_policy(gpointer data, GError **err);
static int one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err);
static json_t *record_json(const MpSource *src, gconstpointer result);

/* the command line and the steps of mp_cli_main */
static const MpCliCommand command = {
	.tool = "mp-ccguard", .usage = USAGE, .shortopts = "ac:h",
	.section = "ccguard", .table = own_opts,
	.usable = mp_verdict_usable, .set_policy = set_policy,
	.one_message = one_message, .finish = mp_verdict_finish,
};

int
main(int argc, char **argv)
{
	Run run = { 0 };
	int status;

	mp_verdict_init(&run.v, "X-MP-Ccguard", record_json);
	status = mp_cli_main(&command, &run.v.cli, &run, argc, argv);
	mp_verdict_clear(&run.v);
	mp_ccguard_opts_clear(&run.copts);
	mp_orgsnap_close(run.snap);
	mp_addr_parser_free(run.ap);
	return status;
}

/*
 * set_policy - our domains, the snapshot (no org chart, no verdict:
 * fail closed, the MTA retries), [ccguard] and --sender
 */
static int
set_policy(gpointer data, GError **err)
{
	Run *run = data;
	const MpConfig *cfg = run->v.cli.cfg;
	const MpOpts *own = &run->v.cli.own;
	int status;

	/* without our own domains every recipient is external */
	if (!mp_config_has_internal(cfg))
		return mp_fail(err, EX_CONFIG, "no internal domain: set "
		    "[domains] internal in %s or give --internal",
		    cfg->path ? cfg->path : cfg->default_path);
	if ((status = mp_orgsnap_open(mp_opts_value(own, OPT_SNAPSHOT),
	    &run->snap, err)) != MP_OK)
		return status;
	mp_ccguard_opts_init(&run->copts, cfg);
	run->copts.sender = mp_opts_value(own, OPT_SENDER);
	run->copts.details = run->v.json;
	run->ap = mp_addr_parser_new();
	return mp_addr_check_arg(run->ap, "--sender", run->copts.sender,
	    err);
}

/* superiors_json - each superior's address, name and why they count */
static json_t *
superiors_json(GPtrArray *list)
{
	json_t *a = json_array();
	guint i;

	for (i = 0; i < list->len; i++) {
		const MpSuperior *s = list->pdata[i];
		json_t *o = json_object();

		json_object_set_new(o, "address", mp_json_str(s->address));
		json_object_set_new(o, "name", mp_json_str(s->name));
		json_object_set_new(o, "reason", mp_json_str(s->reason));
		json_array_append_new(a, o);
	}
	return a;
}

/* verdict_text - "pass reason=R" or "refuse reason=R sender=S superiors=A,B" */
static char *
verdict_text(const MpCcguardResult *r, gboolean full)
{
	GString *s = g_string_new(NULL);
	guint i;

	g_string_printf(s, "%s reason=%s", r->refuse ? "refuse" : "pass",
	    r->reason);
	if (!full)
		return g_string_free(s, FALSE);
	if (r->sender != NULL)
		g_string_append_printf(s, " sender=%s", r->sender);
	if (r->present->len > 0) {
		g_string_append(s, " superior=");
		for (i = 0; i < r->present->len; i++)
			g_string_append_printf(s, "%s%s", i ? "," : "",
			    ((MpSuperior *)r->present->pdata[i])->address);
	} else if (r->refuse && r->superiors->len > 0) {
		g_string_append(s, " superiors=");
		for (i = 0; i < r->superiors->len; i++)
			g_string_append_printf(s, "%s%s", i ? "," : "",
			    ((MpSuperior *)r->superiors->pdata[i])->address);
	}
	return g_string_free(s, FALSE);
}

/* record_json - --json's record: the verdict, the sender, the superiors */
static json_t *
record_json(const MpSource *src, gconstpointer result)
{
	const MpCcguardResult *r = result;
	json_t *o = json_object();

	mp_json_source(o, src);
	json_object_set_new(o, "verdict", json_string(r->refuse ? "refuse" :
	    "pass"));
	json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "sender", mp_json_str(r->sender));
	json_object_set_new(o, "message_id", mp_json_str(r->message_id));
	json_object_set_new(o, "external", json_integer(r->external));
	json_object_set_new(o, "superiors", superiors_json(r->superiors));
	json_object_set_new(o, "present", superiors_json(r->present));
	return o;
}

/* one_message - the verdict on one message, printed or annotated */
static int
one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err)
{
	Run *run = data;
	const MpConfig *cfg = run->v.cli.cfg;
	MpCcguardResult r;
	char *value, *line;
	int st;

	mp_ccguard(cfg, run->ap, run->snap, msg, &run->copts, &r);
	/* a lookup that met a corrupt block answered "not there" */
	if ((st = mp_orgsnap_failed(run->snap, err)) != MP_OK) {
		mp_ccguard_result_clear(&r);
		return st;
	}
	mp_verdict_count(&run->v, r.refuse, r.reason);
	mp_diag_info(cfg->syslog, r.message_id, "verdict=%s reason=%s "
	    "sender=%s", r.refuse ? "refuse" : "pass", r.reason,
	    r.sender ? r.sender : "");
	value = verdict_text(&r, FALSE);
	line = verdict_text(&r, TRUE);
	st = mp_verdict_put(&run->v, src, msg, &r, value, line);
	g_free(line);
	g_free(value);
	mp_ccguard_result_clear(&r);
	return st;
}
