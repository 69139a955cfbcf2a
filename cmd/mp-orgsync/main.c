/* mp-orgsync - compile the morning HR export into the org snapshot */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/addr.h"
#include "base/config.h"
#include "base/diag.h"
#include "base/json.h"
#include "org/org.h"
#include "org/orgsnap.h"
#include "base/output.h"

#define USAGE \
	"usage: mp-orgsync [-v] [-c file] [--org file] [--dir dir] " \
	"[--encoding charset]\n" \
	"                  [--force] [--dry-run] [--changes file] [--syslog] " \
	"export.csv\n" \
	"       mp-orgsync [-c file] [--dir dir] --explain address\n" \
	"       mp-orgsync [-c file] [--dir dir] --rollback [generation]\n" \
	"       mp-orgsync [-c file] [--dir dir] --list\n"

#ifndef MP_STATEDIR
#define MP_STATEDIR "/var/lib/mp"
#endif

enum {
	OPT_ORG = 0x200, OPT_DIR, OPT_ENCODING, OPT_FORCE, OPT_DRY_RUN,
	OPT_CHANGES, OPT_SYSLOG, OPT_EXPLAIN, OPT_ROLLBACK, OPT_LIST,
	OPT_VERSION,
};

typedef struct {
	const char *config, *org, *dir, *encoding, *changes, *explain;
	gboolean force, dry_run, syslog, rollback, list, verbose;
} Options;

static void usage(void) G_GNUC_NORETURN;
static int sync_export(const Options *o, const MpConfig *cfg,
    const char *dir, const char *csvpath);
static int explain(const char *dir, const char *address);
static int list_generations(const char *dir);

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "changes", required_argument, NULL, OPT_CHANGES },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "explain", required_argument, NULL, OPT_EXPLAIN },
		{ "rollback", no_argument, NULL, OPT_ROLLBACK },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	Options o = { 0 };
	MpConfig *cfg = NULL;
	GError *err = NULL;
	char *dir = NULL;
	int c, status, modes;

	/* a cron job's failure must be seen: errors always go to syslog */
	mp_diag_open("mp-orgsync", TRUE);
	argv[0] = "mp-orgsync";
	while ((c = getopt_long(argc, argv, "c:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config = optarg; break;
		case OPT_ORG: o.org = optarg; break;
		case OPT_DIR: o.dir = optarg; break;
		case OPT_ENCODING: o.encoding = optarg; break;
		case OPT_FORCE: o.force = TRUE; break;
		case OPT_DRY_RUN: o.dry_run = TRUE; break;
		case OPT_CHANGES: o.changes = optarg; break;
		case OPT_SYSLOG: o.syslog = TRUE; break;
		case OPT_EXPLAIN: o.explain = optarg; break;
		case OPT_ROLLBACK: o.rollback = TRUE; break;
		case OPT_LIST: o.list = TRUE; break;
		case 'v': o.verbose = TRUE; break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		case OPT_VERSION:
			puts("mp-orgsync " MP_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	modes = (o.explain != NULL) + o.rollback + o.list;
	if (modes > 1 || (modes == 0 && argc != 1) ||
	    (o.explain != NULL && argc != 0) || (o.list && argc != 0) ||
	    (o.rollback && argc > 1))
		usage();

	if ((status = mp_config_load(o.config, &cfg, &err)) != MP_OK) {
		mp_diag_error(TRUE, NULL, "%s", err->message);
		g_error_free(err);
		return status;
	}
	o.syslog = o.syslog || cfg->syslog;
	dir = o.dir != NULL ? g_strdup(o.dir) :
	    mp_config_string(cfg, "orgsync", "dir", MP_STATEDIR "/org");
	if (o.explain != NULL)
		status = explain(dir, o.explain);
	else if (o.list)
		status = list_generations(dir);
	else if (o.rollback) {
		char *now = NULL, *warning = NULL;

		status = mp_orgsnap_rollback(dir, argc == 1 ? argv[0] : NULL,
		    &now, &warning, &err);
		if (warning != NULL)
			mp_diag_warn(TRUE, NULL, "%s", warning);
		g_free(warning);
		if (status == MP_OK) {
			printf("current: %s\n", now);
			mp_diag_info(o.syslog, NULL, "action=rollback current=%s",
			    now);
		} else {
			mp_diag_error(TRUE, NULL, "rollback: %s", err->message);
		}
		g_free(now);
	} else {
		status = sync_export(&o, cfg, dir, argv[0]);
	}
	if (status == MP_OK && (status = mp_stdout_finish(&err)) != MP_OK)
		mp_diag_error(TRUE, NULL, "%s", err->message);
	g_clear_error(&err);
	g_free(dir);
	mp_config_free(cfg);
	return status;
}

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

/* columns - column names: [orgsync] column.NAME, else NAME itself */
static int
columns(const MpConfig *cfg, const MpOrgConf *oc, MpOrgColumns *cols,
    GPtrArray *keep, GError **err)
{
	char **keys = g_key_file_get_keys(cfg->kf, "orgsync", NULL, NULL);
	static const char *fixed[] = { "employee_id", "email", "name", "title",
		"concurrent", NULL };
	const char **slot[] = { &cols->employee_id, &cols->email, &cols->name,
		&cols->title, &cols->concurrent };
	guint i;

	for (i = 0; fixed[i] != NULL; i++) {
		char *k = g_strconcat("column.", fixed[i], NULL);

		*slot[i] = mp_config_string(cfg, "orgsync", k, fixed[i]);
		g_ptr_array_add(keep, (gpointer)(gsize)*slot[i]);
		g_free(k);
	}
	for (i = 0; i < oc->nlevels; i++) {
		char *k = g_strconcat("column.", oc->levels[i], NULL);

		cols->level[i] = mp_config_string(cfg, "orgsync", k,
		    oc->levels[i]);
		g_ptr_array_add(keep, (gpointer)(gsize)cols->level[i]);
		g_free(k);
	}
	/* column.NAME must name a column mp-orgsync reads */
	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		const char *name = keys[i] + strlen("column.");
		char *w;

		if (!g_str_has_prefix(keys[i], "column.") ||
		    g_strv_contains(fixed, name) ||
		    g_strv_contains((const char *const *)oc->levels, name))
			continue;
		w = mp_config_where(cfg, "orgsync", keys[i]);
		mp_fail(err, EX_CONFIG, "unknown key [orgsync] column.%s: "
		    "not a column of the export (employee_id, email, name, title, "
		    "concurrent or an [org] level) %s", name, w);
		g_free(w);
		g_strfreev(keys);
		return EX_CONFIG;
	}
	g_strfreev(keys);
	return MP_OK;
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

/* sync_export - read, check, compile, diff and publish one export */
static int
sync_export(const Options *o, const MpConfig *cfg, const char *dir,
    const char *csvpath)
{
	GPtrArray *problems = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	MpChanges changes = { g_string_new(NULL), 0 };
	GPtrArray *keep = g_ptr_array_new_with_free_func(g_free);
	MpPublishOpts po = { 0 };
	MpPublishResult res = { 0 };
	MpOrgColumns cols = { 0 };
	MpOrgConf *oc = NULL;
	MpOrg *org = NULL;
	MpCsv *csv = NULL;
	GError *err = NULL;
	char *orgpath, *enc;
	int status;
	guint i;

	orgpath = o->org != NULL ? g_strdup(o->org) : mp_config_string(cfg,
	    "orgsync", "org-conf", MP_SYSCONFDIR "/mp/org.conf");
	enc = o->encoding != NULL ? g_strdup(o->encoding) :
	    mp_config_string(cfg, "orgsync", "encoding", "auto");
	if ((status = mp_orgconf_load(orgpath, &oc, &err)) != MP_OK)
		goto out;
	if ((status = mp_csv_read(csvpath, enc, &csv, &err)) != MP_OK)
		goto out;
	if ((status = columns(cfg, oc, &cols, keep, &err)) != MP_OK)
		goto out;
	status = mp_org_compile(oc, csv, csvpath, &cols, &org, problems,
	    warnings, &err);
	for (i = 0; i < warnings->len; i++)
		mp_diag_warn(TRUE, NULL, "%s", (char *)warnings->pdata[i]);
	if (status != MP_OK)
		goto out;
	po.dir = dir;
	po.source = csvpath;
	po.keep = (guint)mp_config_uint(cfg, "orgsync", "keep",
	    MP_ORGSNAP_KEEP_DEFAULT);
	po.max_drop = (guint)mp_config_uint(cfg, "orgsync", "max-drop",
	    MP_ORGSNAP_MAX_DROP_DEFAULT);
	po.force = o->force;
	po.dry_run = o->dry_run;
	if ((status = mp_orgsnap_publish(org, &po, &changes, &res, &err)) !=
	    MP_OK)
		goto out;
	if (res.warning != NULL)
		mp_diag_warn(TRUE, NULL, "%s", res.warning);
	status = write_changes(o->changes, changes.text, &err);
	if (status != MP_OK && res.changes != NULL)
		g_prefix_error(&err, "generation %s is published and its change "
		    "set kept in %s, but: ", res.generation, res.changes);
	if (status == MP_OK && o->verbose)
		fprintf(stderr, "mp-orgsync: %s generation %s: %u people, %u "
		    "posts, %u units, %u changes%s%s\n", o->dry_run ?
		    "would publish" : "published", res.generation,
		    org->people->len, org->nposts, org->nunits, changes.count,
		    res.previous ? " against " : "",
		    res.previous ? res.previous : "");
	mp_diag_info(o->syslog, NULL, "action=%s generation=%s people=%u "
	    "posts=%u units=%u changes=%u", o->dry_run ? "dry-run" : "publish",
	    res.generation, org->people->len, org->nposts, org->nunits,
	    changes.count);
out:
	for (i = 0; i < problems->len; i++)
		mp_diag_error(TRUE, NULL, "%s", (char *)problems->pdata[i]);
	if (status != MP_OK)
		mp_diag_error(TRUE, NULL, "%s%s", err->message,
		    status == EX_DATAERR || status == EX_CONFIG ?
		    "; nothing published" : "");
	g_clear_error(&err);
	mp_publish_result_clear(&res);
	mp_org_free(org);
	mp_csv_free(csv);
	mp_orgconf_free(oc);
	g_ptr_array_free(problems, TRUE);
	g_ptr_array_free(warnings, TRUE);
	g_string_free(changes.text, TRUE);
	g_ptr_array_free(keep, TRUE);
	g_free(orgpath);
	g_free(enc);
	return status;
}

/* explain - one person's posts and superiors, with the reasons */
static int
explain(const char *dir, const char *address)
{
	char *path = g_build_filename(dir, "current", NULL);
	char *key = mp_addr_key(address);
	MpOrgSnap *snap = NULL;
	MpOrgPerson *p = NULL;
	GError *err = NULL;
	int status;
	guint i;

	if ((status = mp_orgsnap_open(path, &snap, &err)) != MP_OK ||
	    (status = mp_orgsnap_verify_all(snap, &err)) != MP_OK) {
		mp_diag_error(TRUE, NULL, "%s", err->message);
		g_error_free(err);
		goto out;
	}
	if ((p = mp_orgsnap_person(snap, key)) == NULL) {
		printf("%s: not in the org snapshot (generation %s): mail from "
		    "this address is %s\n", address, snap->generation,
		    snap->unknown_pass ? "passed (unknown-sender = pass)" :
		    "refused as unknown-sender");
		status = MP_STOP;
		goto out;
	}
	printf("%s <%s>, employee %s (generation %s)\n", p->name, p->email,
	    p->id, snap->generation);
	for (i = 0; i < p->nposts; i++) {
		const MpOrgPost *op = &p->posts[i];

		printf("  post %s, title %s, %s, pattern %s: %s\n", op->unit,
		    op->title, op->primary ? "primary" : "concurrent", op->pattern,
		    op->role);
	}
	printf("  superiors counted from %s\n", snap->any_post ?
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
			MpOrgPerson *sp = mp_orgsnap_person(snap, s->key);

			printf("    %s%s%s%s: %s\n", sp ? sp->email : s->key,
			    sp && *sp->name ? " (" : "", sp ? sp->name : "",
			    sp && *sp->name ? ")" : "", s->reason);
			mp_org_person_free(sp);
		}
	}
out:
	mp_org_person_free(p);
	mp_orgsnap_close(snap);
	g_free(key);
	g_free(path);
	return status;
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
