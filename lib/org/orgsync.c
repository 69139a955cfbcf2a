/* orgsync.c - one export compiled and published; one person explained */
#include <string.h>

#include "mail/addr.h"
#include "org/orgsync.h"

/* mp_orgsync - read org.conf and the export, compile, diff and publish */
int
mp_orgsync(const char *csvpath, const MpOrgSyncOpts *o, MpOrgSync *s,
    GError **err)
{
	MpPublishOpts po = { 0 };
	MpOrgColumns cols = { 0 };
	MpOrgConf *oc = NULL;
	MpCsv *csv = NULL;
	int status;

	memset(s, 0, sizeof *s);
	s->problems = g_ptr_array_new_with_free_func(g_free);
	s->warnings = g_ptr_array_new_with_free_func(g_free);
	s->changes.text = g_string_new(NULL);
	if ((status = mp_orgconf_load(o->org_conf, &oc, err)) != MP_OK ||
	    (status = mp_csv_read(csvpath, o->encoding, &csv, err)) != MP_OK ||
	    (status = mp_org_columns(o->cfg, oc, &cols, err)) != MP_OK ||
	    (status = mp_org_compile(oc, csv, csvpath, &cols, &s->org,
	    s->problems, s->warnings, err)) != MP_OK)
		goto out;
	po.dir = o->dir;
	po.source = csvpath;
	po.keep = (guint)mp_config_uint(o->cfg, "orgsync", "keep",
	    MP_ORGSNAP_KEEP_DEFAULT);
	po.max_drop = (guint)mp_config_uint(o->cfg, "orgsync", "max-drop",
	    MP_ORGSNAP_MAX_DROP_DEFAULT);
	po.force = o->force;
	po.dry_run = o->dry_run;
	status = mp_orgsnap_publish(s->org, &po, &s->changes, &s->res, err);
out:
	mp_org_columns_clear(&cols);
	mp_csv_free(csv);
	mp_orgconf_free(oc);
	return status;
}

/* mp_orgsync_clear - release what mp_orgsync made */
void
mp_orgsync_clear(MpOrgSync *s)
{
	mp_publish_result_clear(&s->res);
	mp_org_free(s->org);
	if (s->changes.text != NULL)
		g_string_free(s->changes.text, TRUE);
	if (s->problems != NULL)
		g_ptr_array_free(s->problems, TRUE);
	if (s->warnings != NULL)
		g_ptr_array_free(s->warnings, TRUE);
	memset(s, 0, sizeof *s);
}

/* mp_org_explain - look address up in the snapshot in force of dir */
int
mp_org_explain(const char *dir, const char *address, MpOrgExplain *x,
    GError **err)
{
	char *path = mp_orgsnap_current_path(dir);
	char *key = mp_addr_key(address);
	int status;
	guint i;

	memset(x, 0, sizeof *x);
	if ((status = mp_orgsnap_open(path, &x->snap, err)) == MP_OK &&
	    (status = mp_orgsnap_verify_all(x->snap, err)) == MP_OK &&
	    (x->person = mp_orgsnap_person(x->snap, key)) != NULL) {
		x->sups = g_new0(MpOrgPerson *, x->person->nsups + 1);
		for (i = 0; i < x->person->nsups; i++)
			x->sups[i] = mp_orgsnap_person(x->snap,
			    x->person->sups[i].key);
	}
	g_free(key);
	g_free(path);
	return status;
}

/* mp_org_explain_clear - release what mp_org_explain found */
void
mp_org_explain_clear(MpOrgExplain *x)
{
	guint i;

	for (i = 0; x->sups != NULL && x->person != NULL &&
	    i < x->person->nsups; i++)
		mp_org_person_free(x->sups[i]);
	g_free(x->sups);
	mp_org_person_free(x->person);
	mp_orgsnap_close(x->snap);
	memset(x, 0, sizeof *x);
}
