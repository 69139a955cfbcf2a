/* mp-policy - the rules of mp.conf over each message: what happens to it */
#include "policy/notify.h"
#include "policy/replay.h"
#include "cli/verdict.h"
#include "cli/record.h"
#include "org/ccguard.h"
#include "base/diag.h"
#include "base/output.h"

#define USAGE \
	"usage: mp-policy [-a | --json] [--explain] [--summary] " \
	"[--report file] [-c file]\n" \
	"                 [--internal domain] [--semi-internal domain] " \
	"[-r address] [-f sender]\n" \
	"                 [--auth-user user] [--now time] [--time now|date] " \
	"[--snapshot file]\n" \
	"                 [--lang ja | en] [--notice file] " \
	"[--notice-maildir dir] [--notice-cmd command]\n" \
	"                 [--template-dir dir] [--notice-from address]\n" \
	"                 [--syslog] [--mbox file | --maildir dir | file ...]\n"

enum {
	OPT_EXPLAIN = MP_VERDICT_FIRST_OWN,
	OPT_REPORT,
	OPT_AUTH_USER,
	OPT_NOW,
	OPT_TIME,
	OPT_SNAPSHOT,
};

/* the options over [policy]; -r may be given again and again */
static const MpOptSpec own_opts[] = {
	{ .id = 'a', .name = "annotate", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = MP_OPT_JSON, .name = "json", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = MP_VERDICT_OPT_SUMMARY, .name = "summary",
	  .has_arg = no_argument, .def = "no", .set = "yes",
	  .type = MP_KEY_BOOL },
	{ .id = OPT_EXPLAIN, .name = "explain", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_REPORT, .name = "report", .has_arg = required_argument },
	{ .id = 'r', .name = "recipient", .has_arg = required_argument },
	{ .id = 'f', .name = "envelope-sender",
	  .has_arg = required_argument },
	{ .id = OPT_AUTH_USER, .name = "auth-user",
	  .has_arg = required_argument },
	{ .id = OPT_NOW, .name = "now", .has_arg = required_argument },
	{ .id = OPT_TIME, .name = "time", .has_arg = required_argument,
	  .key = "time", .def = MP_FACTS_TIME_DEFAULT },
	{ .id = OPT_SNAPSHOT, .name = "snapshot", .has_arg = required_argument,
	  .key = "snapshot", .def = MP_CCGUARD_SNAPSHOT_DEFAULT },
	MP_OPT_END,
};

typedef struct {
	MpVerdict v;		/* first: -a, --json, the options, the run */
	MpPolicy *policy;
	MpReplay *replay;	/* --summary, --report */
	MpRejectNotice notice;	/* to the sender of a rejected message */
	gboolean explain, summary;
} Run;

static gboolean usable(gpointer data);
static int set_policy(gpointer data, GError **err);
static int one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err);
static int finish(gpointer data, int status, GError *err);
static void unread(gpointer data, const MpSource *src);
static json_t *record_json(const MpSource *src, gconstpointer result);

/* the command line and the steps of mp_cli_main */
static const MpCliCommand command = {
	.tool = "mp-policy", .usage = USAGE, .shortopts = "ac:f:hr:",
	.section = "policy", .table = own_opts,
	.extra = mp_reject_notice_opts,
	.take = mp_verdict_take_recipient, .usable = usable,
	.set_policy = set_policy, .one_message = one_message,
	.finish = finish, .unread = unread,
};

int
main(int argc, char **argv)
{
	Run run = { 0 };
	int status;

	mp_verdict_init(&run.v, "X-MP-Policy", record_json);
	status = mp_cli_main(&command, &run.v.cli, &run, argc, argv);
	mp_verdict_clear(&run.v);
	mp_replay_free(run.replay);
	mp_policy_close(run.policy);
	mp_reject_notice_clear(&run.notice);
	return status;
}

/* usable - the verdict options; --summary is the replay's, not the
 * verdict tools' totals; -a prints no explanation or summary */
static gboolean
usable(gpointer data)
{
	Run *run = data;
	gboolean ok = mp_verdict_usable(&run->v);

	run->summary = run->v.summary;
	run->v.summary = FALSE;
	run->explain = mp_opts_given(&run->v.cli.own, OPT_EXPLAIN);
	return ok && !(run->v.annotate && (run->explain ||
	    mp_opts_given(&run->v.cli.own, OPT_REPORT)));
}

/* set_policy - the rules, the envelope and the org; only the header
 * block is read when no rule looks further */
static int
set_policy(gpointer data, GError **err)
{
	Run *run = data;
	MpCli *cli = &run->v.cli;
	MpPolicyOpts o = { 0 };
	const char *report = mp_opts_value(&cli->own, OPT_REPORT);
	int status;

	o.facts.envelope = mp_verdict_envelope(&run->v);
	o.facts.env_sender = mp_opts_value(&cli->own, 'f');
	o.facts.auth_user = mp_opts_value(&cli->own, OPT_AUTH_USER);
	o.facts.now = mp_opts_value(&cli->own, OPT_NOW);
	o.facts.time = mp_opts_value(&cli->own, OPT_TIME);
	o.snapshot = mp_opts_value(&cli->own, OPT_SNAPSHOT);
	o.explain = run->explain;
	if ((status = mp_policy_open(cli->cfg, &o, &run->policy, err)) !=
	    MP_OK || (status = mp_reject_notice_load(&run->notice, &cli->extra,
	    cli->run.batch || run->summary || report != NULL, err)) != MP_OK)
		return status;
	/* --lang is [policy] lang: the reasons' language too */
	run->policy->rules->en = run->notice.lang == MP_LANG_EN;
	/* a notice lists the attachments */
	if (run->policy->rules->level > MP_FACT_HEAD ||
	    mp_reject_notice_on(&run->notice))
		cli->opts.head_only = FALSE;
	if (run->summary || report != NULL)
		run->replay = mp_replay_new(run->policy->rules, run->policy->facts.tz,
		    cli->opts.mbox, cli->opts.maildir, TRUE);
	return MP_OK;
}

/* put_explain - --explain's lines after the verdict (text output) */
static int
put_explain(Run *run, MpJudgement *j)
{
	GPtrArray *lines = mp_decision_explain(&j->d, j->facts,
	    run->policy->rules->level);
	GError *err = NULL;
	guint i;
	int r = MP_OK;

	for (i = 0; i < lines->len && r == MP_OK; i++)
		r = mp_stdio_printf(stdout, &err, "  %s\n",
		    (char *)lines->pdata[i]);
	g_ptr_array_free(lines, TRUE);
	return mp_run_output(&run->v.cli.run, r, err);
}

/* notice - the rejection notice, before the verdict is printed: one
 * that is not delivered fails the message (75), which stays rejected */
static int
notice(Run *run, const MpMessage *msg, MpJudgement *j, GError **err)
{
	const char *skipped;
	char *msgid;
	int st = mp_reject_notice_send(&run->notice, run->policy, msg, j,
	    &skipped, err);

	if (skipped != NULL) {
		msgid = mp_message_id(msg);
		mp_diag_warn(run->v.cli.cfg->syslog, msgid, "no rejection "
		    "notice: %s", skipped);
		g_free(msgid);
	}
	return st;
}

/* one_message - judge one message and say what happens to it */
static int
one_message(gpointer data, const MpSource *src, MpMessage *msg,
    GError **err)
{
	Run *run = data;
	MpJudgement j = { 0 };
	gboolean reject;
	char *line;
	int st;

	if ((st = mp_policy_judge(run->policy, msg, &j, err)) != MP_OK) {
		if (run->replay != NULL)
			mp_replay_failed(run->replay, src);
		mp_judgement_clear(&j);
		return st;
	}
	reject = j.d.verdict == MP_ACT_REJECT;
	line = mp_decision_line(&j.d);
	mp_verdict_count(&run->v, reject, mp_action_name(j.d.verdict));
	mp_diag_info(run->v.cli.cfg->syslog, NULL, "%s", line);
	if (run->replay != NULL)
		mp_replay_add(run->replay, src, msg, &j);
	if (reject)
		st = notice(run, msg, &j, err);
	if (st == MP_OK)
		st = mp_verdict_put(&run->v, src, msg, &j, line, line);
	if (st == MP_OK && run->explain && !run->v.json)
		st = put_explain(run, &j);
	g_free(line);
	mp_judgement_clear(&j);
	return st;
}

/* unread - a message that could not be read counts in the replay */
static void
unread(gpointer data, const MpSource *src)
{
	Run *run = data;

	if (run->replay != NULL)
		mp_replay_failed(run->replay, src);
}

/* finish - the replay's summary and report, then the exit status */
static int
finish(gpointer data, int status, GError *err)
{
	Run *run = data;
	const char *report = mp_opts_value(&run->v.cli.own, OPT_REPORT);

	if (status == MP_OK && run->summary)
		status = mp_replay_summary(run->replay, run->v.json, &err);
	if (status == MP_OK && report != NULL)
		status = mp_replay_report(run->replay, report, &err);
	return mp_verdict_finish(&run->v, status, err);
}

/* record_json - --json's record: the source and the decision */
static json_t *
record_json(const MpSource *src, gconstpointer result)
{
	MpJudgement *j = (MpJudgement *)(gsize)result;
	json_t *o = mp_decision_json(&j->d, j->facts);

	mp_json_source(o, src);
	return o;
}
