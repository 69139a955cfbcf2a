/* mp-classify - every recipient of a message: internal, semi-internal, external */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/classify.h"
#include "cli/cli.h"
#include "base/diag.h"
#include "mail/edit.h"
#include "base/json.h"
#include "cli/record.h"
#include "base/output.h"

#define USAGE \
	"usage: mp-classify [-a | --json] [-c file] [--internal domain] " \
	"[--semi-internal domain]\n" \
	"                   [-r address] [--resent] [--syslog] " \
	"[--mbox file | --maildir dir | file ...]\n"

enum { OPT_RESENT = MP_OPT_FIRST_OWN };

typedef struct {
	MpCliOpts cli;
	gboolean annotate;
	gboolean json;
	gboolean resent;
	GPtrArray *envelope;	/* -r ADDR, NULL-terminated */
	gboolean batch;
} Options;

typedef struct {
	MpRun run;		/* first: the shared bookkeeping */
	const Options *opt;
	MpConfig *cfg;
	MpAddrParser *ap;
} Run;

static void usage(void) G_GNUC_NORETURN;
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);
static int print_record(Run *run, const MpSource *src,
    const MpClassification *c, GError **err);
static int annotate(const MpMessage *msg, const MpClassification *c,
    GError **err);
static char *counts_text(const MpClassification *c);

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		MP_CLI_LONG_OPTIONS,
		{ "annotate", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, MP_OPT_JSON },
		{ "recipient", required_argument, NULL, 'r' },
		{ "resent", no_argument, NULL, OPT_RESENT },
		{ NULL, 0, NULL, 0 },
	};
	Options opt = { 0 };
	Run run = { 0 };
	GError *err = NULL;
	int c, status;
	guint i;

	mp_diag_open("mp-classify", FALSE);
	argv[0] = "mp-classify";	/* getopt's messages name the tool */
	mp_cli_init(&opt.cli);
	opt.envelope = g_ptr_array_new();
	while ((c = getopt_long(argc, argv, "ac:hr:", longopts, NULL)) != -1) {
		if (mp_cli_option(&opt.cli, c, optarg))
			continue;
		switch (c) {
		case 'a':
			opt.annotate = TRUE;
			break;
		case MP_OPT_JSON:
			opt.json = TRUE;
			break;
		case 'r':
			g_ptr_array_add(opt.envelope, optarg);
			break;
		case OPT_RESENT:
			opt.resent = TRUE;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case MP_OPT_VERSION:
			puts("mp-classify " MP_VERSION);
			return 0;
		default:
			usage();
		}
	}
	g_ptr_array_add(opt.envelope, NULL);
	argc -= optind;
	argv += optind;
	opt.batch = mp_cli_is_batch(&opt.cli, argc);
	opt.cli.head_only = !opt.annotate;
	if ((opt.cli.mbox != NULL) + (opt.cli.maildir != NULL) +
	    (argc > 0) > 1 || (opt.annotate && (opt.json || opt.batch)))
		usage();

	if ((status = mp_cli_config(&opt.cli, &run.cfg, &err)) != MP_OK) {
		mp_diag_error(opt.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	opt.resent = opt.resent ||
	    mp_config_bool(run.cfg, "classify", "resent", FALSE);
	mp_diag_open("mp-classify", run.cfg->syslog);
	run.run.batch = opt.batch;
	run.run.syslog = run.cfg->syslog;
	run.run.json_error = opt.json ? mp_json_error_record : NULL;
	run.opt = &opt;
	run.ap = mp_addr_parser_new();
	mp_addr_parser_want_names(run.ap, opt.json);
	for (i = 0; opt.envelope->pdata[i] != NULL; i++) {
		MpAddr a;

		if (!mp_addr_parse_one(run.ap, opt.envelope->pdata[i], &a)) {
			fprintf(stderr, "mp-classify: -r: not an address: %s\n",
			    (char *)opt.envelope->pdata[i]);
			status = EX_USAGE;
			goto done;
		}
		mp_addr_clear(&a);
	}

	status = mp_cli_run(&opt.cli, argv, argc, &run.cfg->limits, one_message,
	    &run, &err);
	status = mp_run_finish(&run.run, status, err);
	err = NULL;
done:
	g_clear_error(&err);
	g_clear_error(&run.run.err);
	mp_addr_parser_free(run.ap);
	mp_config_free(run.cfg);
	g_ptr_array_free(opt.envelope, TRUE);
	mp_cli_clear(&opt.cli);
	return status;
}

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

/* one_message - classify one message and print its record */
static int
one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data)
{
	Run *run = data;
	MpClassification c;
	GError *err = NULL;
	int r;

	if (msg == NULL)
		return mp_run_failed(&run->run, src, status, why);
	if ((status = mp_classify(run->cfg, run->ap, msg,
	    (char *const *)run->opt->envelope->pdata, run->opt->resent,
	    run->opt->json || run->cfg->syslog, &c, &err)) != MP_OK) {
		r = mp_run_failed(&run->run, src, status, err);
		g_error_free(err);
		return r;
	}
	if (run->cfg->syslog) {
		char *t = counts_text(&c);

		mp_diag_info(TRUE, c.message_id, "%s", t);
		g_free(t);
	}
	if (run->opt->annotate)
		r = annotate(msg, &c, &err);
	else
		r = print_record(run, src, &c, &err);
	mp_classification_clear(&c);
	return mp_run_output(&run->run, r, err);
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

/* print_record - one line (or one JSON object) for a message */
static int
print_record(Run *run, const MpSource *src, const MpClassification *c,
    GError **err)
{
	json_t *o, *rcpts, *counts;
	guint i;

	if (!run->opt->json) {
		char *t = counts_text(c), *label = mp_source_label(src);
		int r;

		if (src->kind == MP_SOURCE_STDIN && !run->opt->batch)
			r = mp_stdio_printf(stdout, err, "%s\n", t);
		else
			r = mp_stdio_printf(stdout, err, "%s: %s\n", label, t);
		g_free(t);
		g_free(label);
		return r;
	}
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
	return mp_json_put(stdout, o, err);
}

/*
 * annotate - the message, byte for byte, with one X-MP-Classify field
 *
 * X-MP-Classify fields already in the message are removed: a sender must
 * not be able to forge the verdict a later recipe matches on.
 */
static int
annotate(const MpMessage *msg, const MpClassification *c, GError **err)
{
	char *t = counts_text(c);
	GString *out = mp_header_set(msg, "X-MP-Classify", t);
	int r = mp_stdio_put(stdout, out->str, out->len, err);

	g_string_free(out, TRUE);
	g_free(t);
	return r;
}
