/* mp-ccguard - external mail must carry one of the sender's superiors */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/ccguard.h"
#include "mail/classify.h"
#include "cli/cli.h"
#include "base/diag.h"
#include "mail/edit.h"
#include "base/json.h"
#include "cli/record.h"
#include "base/output.h"

#define USAGE \
	"usage: mp-ccguard [-a | --json] [--summary] [--snapshot file] " \
	"[--sender address]\n" \
	"                  [-c file] [--internal domain] [--semi-internal " \
	"domain] [--syslog]\n" \
	"                  [--mbox file | --maildir dir | file ...]\n"

#ifndef MP_STATEDIR
#define MP_STATEDIR "/var/lib/mp"
#endif

enum { OPT_SNAPSHOT = MP_OPT_FIRST_OWN, OPT_SENDER, OPT_SUMMARY };

typedef struct {
	MpCliOpts cli;
	gboolean annotate, json, summary, batch;
	const char *snapshot, *sender;
} Options;

typedef struct {
	MpRun run;		/* the shared bookkeeping */
	const Options *opt;
	MpConfig *cfg;
	MpAddrParser *ap;
	MpOrgSnap *snap;
	MpCcguardOpts copts;
	guint total, refused;
	GHashTable *reasons;	/* reason -> count */
} Run;

static void usage(void) G_GNUC_NORETURN;
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);
static int print_summary(Run *run, GError **err);

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		MP_CLI_LONG_OPTIONS,
		{ "annotate", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, MP_OPT_JSON },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
		{ "sender", required_argument, NULL, OPT_SENDER },
		{ NULL, 0, NULL, 0 },
	};
	Options opt = { 0 };
	Run run = { 0 };
	GError *err = NULL;
	char *snapshot = NULL;
	int c, status;

	mp_diag_open("mp-ccguard", FALSE);
	argv[0] = "mp-ccguard";
	mp_cli_init(&opt.cli);
	while ((c = getopt_long(argc, argv, "ac:h", longopts, NULL)) != -1) {
		if (mp_cli_option(&opt.cli, c, optarg))
			continue;
		switch (c) {
		case 'a':
			opt.annotate = TRUE;
			break;
		case MP_OPT_JSON:
			opt.json = TRUE;
			break;
		case OPT_SUMMARY:
			opt.summary = TRUE;
			break;
		case OPT_SNAPSHOT:
			opt.snapshot = optarg;
			break;
		case OPT_SENDER:
			opt.sender = optarg;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case MP_OPT_VERSION:
			puts("mp-ccguard " MP_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	opt.batch = mp_cli_is_batch(&opt.cli, argc);
	opt.cli.head_only = !opt.annotate;
	if ((opt.cli.mbox != NULL) + (opt.cli.maildir != NULL) +
	    (argc > 0) > 1 || (opt.annotate && (opt.json || opt.batch ||
	    opt.summary)))
		usage();

	if ((status = mp_cli_config(&opt.cli, &run.cfg, &err)) != MP_OK) {
		mp_diag_error(opt.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	mp_diag_open("mp-ccguard", run.cfg->syslog);
	/* without our own domains every recipient is external */
	if (!mp_config_has_internal(run.cfg)) {
		mp_diag_error(run.cfg->syslog, NULL, "no internal domain: set "
		    "[domains] internal in %s or give --internal",
		    run.cfg->path ? run.cfg->path : run.cfg->default_path);
		status = EX_CONFIG;
		goto done;
	}
	snapshot = opt.snapshot != NULL ? g_strdup(opt.snapshot) :
	    mp_config_string(run.cfg, "ccguard", "snapshot",
	    MP_STATEDIR "/org/current");
	/* no org chart, no verdict: fail closed, the MTA retries */
	if ((status = mp_orgsnap_open(snapshot, &run.snap, &err)) != MP_OK) {
		mp_diag_error(run.cfg->syslog, NULL, "%s", err->message);
		goto done;
	}
	run.run.batch = opt.batch;
	run.run.syslog = run.cfg->syslog;
	run.run.json_error = opt.json ? mp_json_error_record : NULL;
	run.opt = &opt;
	run.ap = mp_addr_parser_new();
	run.reasons = g_hash_table_new(g_str_hash, g_str_equal);
	run.copts.sender = opt.sender;
	run.copts.details = opt.json;
	run.copts.exempt_senders = mp_config_list(run.cfg, "ccguard",
	    "exempt-senders");
	{
		/* addresses are compared lower-cased; so are the globs */
		char **g;

		for (g = run.copts.exempt_senders; *g != NULL; g++) {
			char *l = g_utf8_strdown(*g, -1);

			g_free(*g);
			*g = l;
		}
	}
	if (opt.sender != NULL) {
		MpAddr a;

		if (!mp_addr_parse_one(run.ap, opt.sender, &a)) {
			fprintf(stderr, "mp-ccguard: --sender: not an address: %s\n",
			    opt.sender);
			status = EX_USAGE;
			goto done;
		}
		mp_addr_clear(&a);
	}

	status = mp_cli_run(&opt.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	if (status == MP_OK && opt.summary)
		status = print_summary(&run, &err);
	status = mp_run_finish(&run.run, status, err);
	err = NULL;
	if (status == MP_OK && run.refused > 0 && !opt.annotate)
		status = MP_STOP;
done:
	g_clear_error(&err);
	g_clear_error(&run.run.err);
	if (run.reasons != NULL)
		g_hash_table_destroy(run.reasons);
	g_strfreev(run.copts.exempt_senders);
	mp_orgsnap_close(run.snap);
	mp_addr_parser_free(run.ap);
	mp_config_free(run.cfg);
	mp_cli_clear(&opt.cli);
	g_free(snapshot);
	return status;
}

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

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

static int
print_record(Run *run, const MpSource *src, const MpCcguardResult *r,
    GError **err)
{
	json_t *o;
	int st;

	if (!run->opt->json) {
		char *t = verdict_text(r, TRUE), *label = mp_source_label(src);

		if (src->kind == MP_SOURCE_STDIN && !run->opt->batch)
			st = mp_stdio_printf(stdout, err, "%s\n", t);
		else
			st = mp_stdio_printf(stdout, err, "%s: %s\n", label, t);
		g_free(t);
		g_free(label);
		return st;
	}
	o = json_object();
	mp_json_source(o, src);
	json_object_set_new(o, "verdict", json_string(r->refuse ? "refuse" :
	    "pass"));
	json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "sender", mp_json_str(r->sender));
	json_object_set_new(o, "message_id", mp_json_str(r->message_id));
	json_object_set_new(o, "external", json_integer(r->external));
	json_object_set_new(o, "superiors", superiors_json(r->superiors));
	json_object_set_new(o, "present", superiors_json(r->present));
	return mp_json_put(stdout, o, err);
}

/*
 * annotate - the message with one X-MP-Ccguard field; any the sender
 * wrote is removed so the verdict cannot be forged
 */
static int
annotate(const MpMessage *msg, const MpCcguardResult *r, GError **err)
{
	char *t = verdict_text(r, FALSE);
	GString *out = mp_header_set(msg, "X-MP-Ccguard", t);
	int st = mp_stdio_put(stdout, out->str, out->len, err);

	g_string_free(out, TRUE);
	g_free(t);
	return st;
}

/* one_message - the verdict on one message, printed or annotated */
static int
one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data)
{
	Run *run = data;
	MpCcguardResult r;
	GError *err = NULL;
	int st;

	if (msg == NULL)
		return mp_run_failed(&run->run, src, status, why);
	mp_ccguard(run->cfg, run->ap, run->snap, msg, &run->copts, &r);
	/* a lookup that met a corrupt block answered "not there" */
	if ((st = mp_orgsnap_failed(run->snap, &err)) != MP_OK) {
		mp_ccguard_result_clear(&r);
		st = mp_run_failed(&run->run, src, st, err);
		g_error_free(err);
		return st;
	}
	run->total++;
	if (r.refuse)
		run->refused++;
	g_hash_table_insert(run->reasons, (gpointer)(gsize)r.reason,
	    GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(run->reasons,
	    r.reason)) + 1));
	mp_diag_info(run->cfg->syslog, r.message_id, "verdict=%s reason=%s "
	    "sender=%s", r.refuse ? "refuse" : "pass", r.reason,
	    r.sender ? r.sender : "");
	if (run->opt->annotate)
		st = annotate(msg, &r, &err);
	else
		st = print_record(run, src, &r, &err);
	mp_ccguard_result_clear(&r);
	return mp_run_output(&run->run, st, err);
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* print_summary - totals after a batch: how many refused, and why */
static int
print_summary(Run *run, GError **err)
{
	GList *keys = g_hash_table_get_keys(run->reasons), *l;
	GPtrArray *sorted = g_ptr_array_new();
	GString *s = g_string_new(NULL);
	json_t *o = json_object(), *by = json_object();
	int st;
	guint i;

	for (l = keys; l != NULL; l = l->next)
		g_ptr_array_add(sorted, l->data);
	g_list_free(keys);
	g_ptr_array_sort(sorted, cmp_str);
	g_string_printf(s, "total=%u pass=%u refuse=%u", run->total,
	    run->total - run->refused, run->refused);
	for (i = 0; i < sorted->len; i++) {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(run->reasons,
		    sorted->pdata[i]));

		g_string_append_printf(s, " %s=%u", (char *)sorted->pdata[i], n);
		json_object_set_new(by, sorted->pdata[i], json_integer(n));
	}
	if (run->opt->json) {
		json_t *sum = json_object();

		json_object_set_new(sum, "total", json_integer(run->total));
		json_object_set_new(sum, "pass",
		    json_integer(run->total - run->refused));
		json_object_set_new(sum, "refuse", json_integer(run->refused));
		json_object_set_new(sum, "reasons", by);
		json_object_set_new(o, "summary", sum);
		st = mp_json_put(stdout, o, err);
	} else {
		json_decref(by);
		json_decref(o);
		st = mp_stdio_printf(stdout, err, "summary: %s\n", s->str);
	}
	g_string_free(s, TRUE);
	g_ptr_array_free(sorted, TRUE);
	return st;
}
