/* mp-orgsync - compile the morning HR export into the org snapshot */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/diag.h"
#include "base/opts.h"
#include "base/output.h"
#include "base/statedir.h"
#include "cli/cli.h"
#include "org/orgsync.h"

#define USAGE \
	"usage: mp-orgsync [-v] [-c file] [--org file] [--dir dir] " \
	"[--encoding charset]\n" \
	"                  [--force] [--dry-run] [--changes file] [--syslog] " \
	"export.csv\n" \
	"       mp-orgsync [-c file] [--dir dir] --explain address\n" \
	"       mp-orgsync [-c file] [--dir dir] --rollback [generation]\n" \
	"       mp-orgsync [-c file] [--dir dir] --list\n"

enum {
	OPT_ORG = MP_OPT_FIRST_OWN, OPT_DIR, OPT_ENCODING, OPT_FORCE,
	OPT_DRY_RUN, OPT_CHANGES, OPT_SYSLOG, OPT_EXPLAIN, OPT_ROLLBACK,
	OPT_LIST,
};

/*
 * The options that are not settings.  getopt_long lists the options an
 * abbreviation could mean in the order of its table: these come first
 * so that "--ver" names --verbose before --version, as it always has.
 */
static const struct option shared[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, MP_OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* the settings, over [orgsync] where a key can set them too */
static const MpOptSpec table[] = {
	{ .id = OPT_ORG, .name = "org", .has_arg = required_argument,
	  .key = "org-conf", .def = MP_ORG_CONF_DEFAULT },
	{ .id = OPT_DIR, .name = "dir", .has_arg = required_argument,
	  .key = "dir", .def = MP_ORG_DIR_DEFAULT },
	{ .id = OPT_ENCODING, .name = "encoding", .has_arg = required_argument,
	  .key = "encoding", .def = MP_ORG_ENCODING_DEFAULT },
	{ .id = OPT_FORCE, .name = "force", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_DRY_RUN, .name = "dry-run", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_CHANGES, .name = "changes", .has_arg = required_argument },
	{ .id = OPT_SYSLOG, .name = "syslog", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_EXPLAIN, .name = "explain", .has_arg = required_argument },
	{ .id = OPT_ROLLBACK, .name = "rollback", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	{ .id = OPT_LIST, .name = "list", .has_arg = no_argument,
	  .def = "no", .set = "yes", .type = MP_KEY_BOOL },
	MP_OPT_END,
};

static void usage(void) G_GNUC_NORETURN;
static gboolean take_verbose(gpointer data, int id, const char *arg);
static int sync_export(const MpOpts *o, const MpConfig *cfg,
    gboolean syslog, gboolean verbose, const char *csvpath);
static int rollback(const char *dir, const char *gen, gboolean syslog);
static int explain(const char *dir, const char *address);
static int list_generations(const char *dir);

int
main(int argc, char **argv)
{
	const MpCliSyntax syn = { "mp-orgsync", USAGE, "c:hv", shared,
	    take_verbose, NULL };
	MpOpts o, *tables[1] = { &o };
	MpCliOpts cli;
	const char *dir;
	MpConfig *cfg = NULL;
	GError *err = NULL;
	gboolean verbose = FALSE, syslog;
	int status, modes;

	/* a cron job's failure must be seen: errors always go to syslog */
	mp_diag_open("mp-orgsync", TRUE);
	mp_cli_init(&cli);
	mp_opts_init(&o, "orgsync", table);
	if ((status = mp_cli_parse(&syn, &verbose, &cli, tables, 1, &argc,
	    &argv)) != -1) {
		mp_opts_clear(&o);
		mp_cli_clear(&cli);
		return status;
	}
	modes = mp_opts_given(&o, OPT_EXPLAIN) + mp_opts_given(&o,
	    OPT_ROLLBACK) + mp_opts_given(&o, OPT_LIST);
	if (modes > 1 || (modes == 0 && argc != 1) ||
	    (mp_opts_given(&o, OPT_EXPLAIN) && argc != 0) ||
	    (mp_opts_given(&o, OPT_LIST) && argc != 0) ||
	    (mp_opts_given(&o, OPT_ROLLBACK) && argc > 1))
		usage();

	status = mp_config_load(cli.config, &cfg, &err);
	mp_cli_clear(&cli);
	if (status != MP_OK ||
	    (status = mp_opts_read(&o, cfg, &err)) != MP_OK) {
		mp_diag_error(TRUE, NULL, "%s", err->message);
		g_error_free(err);
		mp_opts_clear(&o);
		mp_config_free(cfg);
		return status;
	}
	syslog = mp_opts_bool(&o, OPT_SYSLOG, FALSE) || cfg->syslog;
	dir = mp_opts_value(&o, OPT_DIR);
	if (mp_opts_given(&o, OPT_EXPLAIN))
		status = explain(dir, mp_opts_value(&o, OPT_EXPLAIN));
	else if (mp_opts_given(&o, OPT_LIST))
		status = list_generations(dir);
	else if (mp_opts_given(&o, OPT_ROLLBACK))
		status = rollback(dir, argc == 1 ? argv[0] : NULL, syslog);
	else
		status = sync_export(&o, cfg, syslog, verbose, argv[0]);
	if (status == MP_OK && (status = mp_stdout_finish(&err)) != MP_OK)
		mp_diag_error(TRUE, NULL, "%s", err->message);
	g_clear_error(&err);
	mp_opts_clear(&o);
	mp_config_free(cfg);
	return status;
}

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

/* take_verbose - -v: say what was published */
static gboolean
take_verbose(gpointer data, int id, const char *arg)
{
	(void)arg;
	if (id != 'v')
		return FALSE;
	*(gboolean *)data = TRUE;
	return TRUE;
}

/* write_changes - the change set, one JSON object per line */
static int
write_changes(const char *path, const GString *text, GError **err)
{
	if (path != NULL && strcmp(path, "-") != 0)
		return mp_write_file_atomic(path, text->str, text->len, 0644,
		    err);
	/* flushed here, so that a failure is reported as the change set's */
	if ((text->len > 0 && fwrite(text->str, 1, text->len, stdout) !=
	    text->len) || fflush(stdout) != 0)
		return mp_fail(err, mp_errno_status(errno),
		    "write to standard output: %s", g_strerror(errno));
	return MP_OK;
}

/* sync_export - publish one export, and say what came of it */
static int
sync_export(const MpOpts *o, const MpConfig *cfg, gboolean syslog,
    gboolean verbose, const char *csvpath)
{
	MpOrgSyncOpts so = { 0 };
	gboolean dry_run = mp_opts_bool(o, OPT_DRY_RUN, FALSE);
	GError *err = NULL;
	MpOrgSync s;
	int status;
	guint i;

	so.org_conf = mp_opts_value(o, OPT_ORG);
	so.encoding = mp_opts_value(o, OPT_ENCODING);
	so.dir = mp_opts_value(o, OPT_DIR);
	so.force = mp_opts_bool(o, OPT_FORCE, FALSE);
	so.dry_run = dry_run;
	so.cfg = cfg;
	status = mp_orgsync(csvpath, &so, &s, &err);
	for (i = 0; i < s.warnings->len; i++)
		mp_diag_warn(TRUE, NULL, "%s", (char *)s.warnings->pdata[i]);
	if (status == MP_OK) {
		if (s.res.warning != NULL)
			mp_diag_warn(TRUE, NULL, "%s", s.res.warning);
		status = write_changes(mp_opts_value(o, OPT_CHANGES),
		    s.changes.text, &err);
		if (status != MP_OK && s.res.changes != NULL)
			g_prefix_error(&err, "generation %s is published and its "
			    "change set kept in %s, but: ", s.res.generation,
			    s.res.changes);
		if (status == MP_OK && verbose)
			fprintf(stderr, "mp-orgsync: %s generation %s: %u people, "
			    "%u posts, %u units, %u changes%s%s\n", dry_run ?
			    "would publish" : "published", s.res.generation,
			    s.org->people->len, s.org->nposts, s.org->nunits,
			    s.changes.count, s.res.previous ? " against " : "",
			    s.res.previous ? s.res.previous : "");
		mp_diag_info(syslog, NULL, "action=%s generation=%s people=%u "
		    "posts=%u units=%u changes=%u", dry_run ? "dry-run" :
		    "publish", s.res.generation, s.org->people->len,
		    s.org->nposts, s.org->nunits, s.changes.count);
	}
	for (i = 0; i < s.problems->len; i++)
		mp_diag_error(TRUE, NULL, "%s", (char *)s.problems->pdata[i]);
	if (status != MP_OK)
		mp_diag_error(TRUE, NULL, "%s%s", err->message,
		    status == EX_DATAERR || status == EX_CONFIG ?
		    "; nothing published" : "");
	g_clear_error(&err);
	mp_orgsync_clear(&s);
	return status;
}

/* rollback - put a generation back in force, and say which */
static int
rollback(const char *dir, const char *gen, gboolean syslog)
{
	char *now = NULL, *warning = NULL;
	GError *err = NULL;
	int status;

	status = mp_orgsnap_rollback(dir, gen, &now, &warning, &err);
	if (warning != NULL)
		mp_diag_warn(TRUE, NULL, "%s", warning);
	g_free(warning);
	if (status == MP_OK) {
		printf("current: %s\n", now);
		mp_diag_info(syslog, NULL, "action=rollback current=%s", now);
	} else {
		mp_diag_error(TRUE, NULL, "rollback: %s", err->message);
		g_error_free(err);
	}
	g_free(now);
	return status;
}

/* explain - one person's posts and superiors, with the reasons */
static int
explain(const char *dir, const char *address)
{
	MpOrgExplain x;
	const MpOrgPerson *p;
	GError *err = NULL;
	int status;
	guint i;

	if ((status = mp_org_explain(dir, address, &x, &err)) != MP_OK) {
		mp_diag_error(TRUE, NULL, "%s", err->message);
		g_error_free(err);
		mp_org_explain_clear(&x);
		return status;
	}
	if ((p = x.person) == NULL) {
		printf("%s: not in the org snapshot (generation %s): mail from "
		    "this address is %s\n", address, x.snap->generation,
		    x.snap->unknown_pass ? "passed (unknown-sender = pass)" :
		    "refused as unknown-sender");
		mp_org_explain_clear(&x);
		return MP_STOP;
	}
	printf("%s <%s>, employee %s (generation %s)\n", p->name, p->email,
	    p->id, x.snap->generation);
	for (i = 0; i < p->nposts; i++) {
		const MpOrgPost *op = &p->posts[i];

		printf("  post %s, title %s, %s, pattern %s: %s\n", op->unit,
		    op->title, op->primary ? "primary" : "concurrent", op->pattern,
		    op->role);
	}
	printf("  superiors counted from %s\n", x.snap->any_post ?
	    "every post (sender-posts = any)" :
	    "the primary post (sender-posts = primary)");
	if (p->exempt) {
		printf("  exempt: external mail is never checked\n");
	} else if (p->nsups == 0) {
		printf("  no superior: external mail is refused "
		    "(no-superior-defined)\n");
	} else {
		printf("  external mail passes with any one of these in To or "
		    "Cc:\n");
		for (i = 0; i < p->nsups; i++) {
			const MpOrgSup *s = &p->sups[i];
			const MpOrgPerson *sp = x.sups[i];

			printf("    %s%s%s%s: %s\n", sp ? sp->email : s->key,
			    sp && *sp->name ? " (" : "", sp ? sp->name : "",
			    sp && *sp->name ? ")" : "", s->reason);
		}
	}
	mp_org_explain_clear(&x);
	return MP_OK;
}

/* list_generations - the kept generations, the current one marked */
static int
list_generations(const char *dir)
{
	GPtrArray *gens = mp_orgsnap_generations(dir);
	char *cur = mp_orgsnap_current(dir);
	guint i;

	for (i = 0; i < gens->len; i++)
		printf("%s%s\n", (char *)gens->pdata[i], cur != NULL &&
		    strcmp(cur, gens->pdata[i]) == 0 ? " (current)" : "");
	g_free(cur);
	g_ptr_array_free(gens, TRUE);
	return MP_OK;
}
