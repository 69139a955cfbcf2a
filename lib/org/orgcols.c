/* orgcols.c - which columns of the HR export mp-orgsync reads */
#include <string.h>

#include "org/org.h"

#define COLUMN_PREFIX "column."

/* column - [orgsync] column.NAME, else NAME itself; kept in own */
static const char *
column(const MpConfig *cfg, const char *name, GPtrArray *own)
{
	char *k = g_strconcat(COLUMN_PREFIX, name, NULL);
	char *v = mp_config_string(cfg, "orgsync", k, name);

	g_free(k);
	g_ptr_array_add(own, v);
	return v;
}

/* mp_org_columns - the column names: [orgsync] column.NAME, else NAME */
int
mp_org_columns(const MpConfig *cfg, const MpOrgConf *oc, MpOrgColumns *cols,
    GError **err)
{
	static const char *fixed[] = { "employee_id", "email", "name", "title",
		"concurrent", NULL };
	const char **slot[] = { &cols->employee_id, &cols->email, &cols->name,
		&cols->title, &cols->concurrent };
	char **keys = g_key_file_get_keys(cfg->kf, "orgsync", NULL, NULL);
	int status = MP_OK;
	guint i;

	memset(cols, 0, sizeof *cols);
	cols->own = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; fixed[i] != NULL; i++)
		*slot[i] = column(cfg, fixed[i], cols->own);
	for (i = 0; i < oc->nlevels; i++)
		cols->level[i] = column(cfg, oc->levels[i], cols->own);
	/* column.NAME must name a column mp-orgsync reads */
	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		const char *name;
		char *w;

		if (!g_str_has_prefix(keys[i], COLUMN_PREFIX))
			continue;
		name = keys[i] + strlen(COLUMN_PREFIX);
		if (g_strv_contains(fixed, name) ||
		    g_strv_contains((const char *const *)oc->levels, name))
			continue;
		w = mp_config_where(cfg, "orgsync", keys[i]);
		status = mp_fail(err, EX_CONFIG, "unknown key [orgsync] "
		    "column.%s: not a column of the export (employee_id, email, "
		    "name, title, concurrent or an [org] level) %s", name, w);
		g_free(w);
		break;
	}
	g_strfreev(keys);
	return status;
}

/* mp_org_columns_clear - release the names */
void
mp_org_columns_clear(MpOrgColumns *cols)
{
	if (cols->own != NULL)
		g_ptr_array_free(cols->own, TRUE);
	memset(cols, 0, sizeof *cols);
}
