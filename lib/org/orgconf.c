/* orgconf.c - org.conf: levels, patterns and fallbacks, checked strictly */
#include <string.h>

#include "base/config.h"
#include "org/org.h"

typedef struct {
	const char *path;
	const char *text;
	GKeyFile *kf;
} Src;

/* where - "(file:line)" for a key of a group */
static char *
where(const Src *src, const char *group, const char *key)
{
	MpConfig fake = { 0 };

	fake.path = (char *)(gsize)src->path;
	fake.text = (char *)(gsize)src->text;
	return mp_config_where(&fake, group, key);
}

static int
bad(const Src *src, GError **err, const char *group, const char *key,
    const char *fmt, const char *arg)
{
	char *w = where(src, group, key), *what = g_strdup_printf(fmt, arg);
	int status = mp_fail(err, EX_CONFIG, "%s %s", what, w);

	g_free(what);
	g_free(w);
	return status;
}

static char **
list(const Src *src, const char *group, const char *key)
{
	char *v = g_key_file_get_value(src->kf, group, key, NULL);
	char **l = mp_split_list(v);

	g_free(v);
	return l;
}

/* choice - a value that must be one of two words */
static int
choice(const Src *src, const char *key, const char *yes, const char *no,
    gboolean def, gboolean *out, GError **err)
{
	char *v = g_key_file_get_value(src->kf, "org", key, NULL);
	int status = MP_OK;

	*out = def;
	if (v != NULL) {
		g_strstrip(v);
		if (strcmp(v, yes) == 0)
			*out = TRUE;
		else if (strcmp(v, no) == 0)
			*out = FALSE;
		else {
			char *what = g_strdup_printf("bad value for [org] %s: "
			    "\"%s\" is not %s or %s", key, v, yes, no);

			status = bad(src, err, "org", key, "%s", what);
			g_free(what);
		}
		g_free(v);
	}
	return status;
}

/* after - what follows prefix in s, or NULL if s does not start so */
static const char *
after(const char *s, const char *prefix)
{
	return g_str_has_prefix(s, prefix) ? s + strlen(prefix) : NULL;
}

/* level_index - the position of a level name in [org] levels, or -1 */
static int
level_index(const MpOrgConf *oc, const char *name)
{
	guint i;

	for (i = 0; i < oc->nlevels; i++)
		if (strcmp(oc->levels[i], name) == 0)
			return (int)i;
	return -1;
}

/*
 * unit_ref - split "LEVEL:PATH" (a unit at one level) or "PATH" (at any
 * level); a PATH with an empty org code (a leading, trailing or double
 * "/") could never match and is refused.  *rest points into text.
 */
static gboolean
unit_ref(const MpOrgConf *oc, const char *text, int *level,
    const char **rest, const char **why)
{
	const char *colon = strchr(text, ':'), *p;

	*level = -1;
	*rest = text;
	if (colon != NULL) {
		char *name = g_strndup(text, (gsize)(colon - text));

		*level = level_index(oc, name);
		g_free(name);
		if (*level < 0) {
			*why = "names no level of [org] levels before its \":\"";
			return FALSE;
		}
		*rest = colon + 1;
	}
	for (p = *rest; ; p++)
		if ((*p == '/' || *p == '\0') && (p == *rest || p[-1] == '/')) {
			*why = "has an empty org code (a leading, trailing or "
			    "double \"/\")";
			return FALSE;
		} else if (*p == '\0')
			break;
	return TRUE;
}

/* load_org - the [org] section */
static int
load_org(const Src *src, MpOrgConf *oc, GError **err)
{
	static const char *keys[] = { "levels", "exempt-titles",
		"unknown-sender", "sender-posts", "chain", NULL };
	char **k = g_key_file_get_keys(src->kf, "org", NULL, NULL);
	int status = MP_OK;
	guint i;

	if (mp_keys_repeated(k) != NULL)
		status = bad(src, err, "org", mp_keys_repeated(k),
		    "[org] %s is given twice", mp_keys_repeated(k));
	for (i = 0; k != NULL && k[i] != NULL && status == MP_OK; i++)
		if (!g_strv_contains(keys, k[i]))
			status = bad(src, err, "org", k[i], "unknown key [org] %s",
			    k[i]);
	g_strfreev(k);
	if (status != MP_OK)
		return status;
	if (g_key_file_has_key(src->kf, "org", "levels", NULL))
		oc->levels = list(src, "org", "levels");
	else
		oc->levels = mp_split_list(MP_ORG_LEVELS_DEFAULT);
	oc->nlevels = g_strv_length(oc->levels);
	if (oc->nlevels < MP_ORG_MIN_LEVELS || oc->nlevels > MP_ORG_MAX_LEVELS) {
		char *what = g_strdup_printf("[org] levels must name %d to %d "
		    "org-code columns", MP_ORG_MIN_LEVELS, MP_ORG_MAX_LEVELS);

		status = bad(src, err, "org", "levels", "%s", what);
		g_free(what);
		return status;
	}
	for (i = 0; i < oc->nlevels; i++)
		if (level_index(oc, oc->levels[i]) != (int)i)
			return bad(src, err, "org", "levels",
			    "[org] levels names %s twice", oc->levels[i]);
	oc->exempt = list(src, "org", "exempt-titles");
	if ((status = choice(src, "unknown-sender", "pass", "reject", FALSE,
	    &oc->unknown_pass, err)) != MP_OK ||
	    (status = choice(src, "sender-posts", "any", "primary", FALSE,
	    &oc->any_post, err)) != MP_OK ||
	    (status = choice(src, "chain", "yes", "no", TRUE, &oc->chain,
	    err)) != MP_OK)
		return status;
	return MP_OK;
}

/*
 * one_role - a title has one role in a pattern: a head of one level,
 * special, exempt or member ([org] exempt-titles are exempt in every
 * pattern, and may be repeated in its own exempt-titles)
 */
static int
one_role(const Src *src, const MpOrgConf *oc, const char *group,
    const char *key, char **titles, GHashTable *roles, GError **err)
{
	gboolean exempt = strcmp(key, "exempt-titles") == 0;
	guint j;

	for (j = 0; titles != NULL && titles[j] != NULL; j++) {
		const char *was = g_hash_table_lookup(roles, titles[j]);
		char *what = NULL;
		int status;

		if (!exempt && g_strv_contains((const char *const *)oc->exempt,
		    titles[j]))
			what = g_strdup_printf("title %s is exempt in [org] "
			    "exempt-titles and %s in [%s]", titles[j], key,
			    group);
		else if (was != NULL && g_str_has_prefix(was, "head.") &&
		    g_str_has_prefix(key, "head.") && strcmp(was, key) != 0)
			what = g_strdup_printf("title %s heads two levels",
			    titles[j]);
		else if (was != NULL && strcmp(was, key) != 0)
			what = g_strdup_printf("title %s is both %s and %s in "
			    "[%s]: a title has one role in a pattern", titles[j],
			    was, key, group);
		if (what != NULL) {
			status = bad(src, err, group, key, "%s", what);
			g_free(what);
			return status;
		}
		g_hash_table_insert(roles, titles[j], (gpointer)(gsize)key);
	}
	return MP_OK;
}

/* load_pattern - one [pattern NAME] section */
static int
load_pattern(const Src *src, MpOrgConf *oc, const char *group,
    GError **err)
{
	MpOrgPattern *p = g_new0(MpOrgPattern, 1);
	char **k = g_key_file_get_keys(src->kf, group, NULL, NULL);
	GHashTable *headed = g_hash_table_new(g_str_hash, g_str_equal);
	int status = MP_OK;
	guint i, j;

	p->name = g_strdup(group + strlen("pattern"));
	g_strstrip(p->name);
	g_ptr_array_add(oc->patterns, p);
	if (*p->name == '\0')
		status = bad(src, err, group, NULL, "[%s] has no name", group);
	else if (mp_keys_repeated(k) != NULL)
		status = bad(src, err, group, mp_keys_repeated(k),
		    "%s is given twice", mp_keys_repeated(k));
	for (i = 0; k != NULL && k[i] != NULL && status == MP_OK; i++) {
		const char *key = k[i], *name;
		int lv;

		if (strcmp(key, "units") == 0) {
			char **globs = list(src, group, key);
			guint n = g_strv_length(globs);

			p->units = g_new0(char *, n + 1);
			p->unit_levels = g_new0(int, n + 1);
			for (j = 0; j < n && status == MP_OK; j++) {
				const char *rest, *why;
				char *what;

				if (unit_ref(oc, globs[j], &p->unit_levels[j],
				    &rest, &why)) {
					p->units[j] = g_strdup(rest);
					continue;
				}
				what = g_strdup_printf("units glob %s %s",
				    globs[j], why);
				status = bad(src, err, group, key, "%s", what);
				g_free(what);
			}
			g_strfreev(globs);
		}
		else if (strcmp(key, "special") == 0) {
			p->special = list(src, group, key);
			status = one_role(src, oc, group, key, p->special,
			    headed, err);
		} else if (strcmp(key, "exempt-titles") == 0) {
			p->exempt = list(src, group, key);
			status = one_role(src, oc, group, key, p->exempt,
			    headed, err);
		} else if (strcmp(key, "members") == 0) {
			p->members = list(src, group, key);
			status = one_role(src, oc, group, key, p->members,
			    headed, err);
		} else if (strcmp(key, "peers") == 0) {
			p->peers = list(src, group, key);
			for (j = 0; p->peers[j] != NULL && status == MP_OK; j++)
				if (level_index(oc, p->peers[j]) < 0)
					status = bad(src, err, group, key,
					    "peers names %s, which is not in "
					    "[org] levels", p->peers[j]);
		} else if ((name = after(key, "head.")) != NULL &&
		    (lv = level_index(oc, name)) >= 0) {
			p->heads[lv] = list(src, group, key);
			status = one_role(src, oc, group, key, p->heads[lv],
			    headed, err);
		} else {
			char *what = g_strdup_printf("unknown key [%s] %s", group,
			    key);

			status = bad(src, err, group, key, "%s", what);
			g_free(what);
		}
	}
	if (status == MP_OK && (p->units == NULL || p->units[0] == NULL))
		status = bad(src, err, group, NULL,
		    "[%s] needs units = globs over unit paths", group);
	g_hash_table_destroy(headed);
	g_strfreev(k);
	return status;
}

/* load_fallback - [fallback] unit.PATH and title.CODE */
static int
load_fallback(const Src *src, MpOrgConf *oc, GError **err)
{
	char **k = g_key_file_get_keys(src->kf, "fallback", NULL, NULL);
	int status = MP_OK;
	guint i, j;

	if (mp_keys_repeated(k) != NULL)
		status = bad(src, err, "fallback", mp_keys_repeated(k),
		    "[fallback] %s is given twice", mp_keys_repeated(k));
	for (i = 0; k != NULL && k[i] != NULL && status == MP_OK; i++) {
		char **addrs = list(src, "fallback", k[i]);
		const char *path, *code;

		for (j = 0; addrs[j] != NULL && status == MP_OK; j++)
			if (strchr(addrs[j], '@') == NULL)
				status = bad(src, err, "fallback", k[i],
				    "not an address: %s", addrs[j]);
		if (status == MP_OK && (path = after(k[i], "unit.")) != NULL) {
			const char *rest, *why;
			int lv;

			if (unit_ref(oc, path, &lv, &rest, &why)) {
				g_ptr_array_add(oc->fb_units, g_strdup(rest));
				g_ptr_array_add(oc->fb_unit_names,
				    g_strdup(path));
				g_array_append_val(oc->fb_unit_levels, lv);
				g_ptr_array_add(oc->fb_unit_addrs, addrs);
				continue;
			} else {
				char *what = g_strdup_printf("[fallback] %s: "
				    "the unit path %s", k[i], why);

				status = bad(src, err, "fallback", k[i], "%s",
				    what);
				g_free(what);
			}
		}
		if (status == MP_OK && (code = after(k[i], "title.")) != NULL &&
		    *code != '\0') {
			g_hash_table_replace(oc->fb_titles, g_strdup(code),
			    addrs);
			continue;
		}
		if (status == MP_OK)
			status = bad(src, err, "fallback", k[i],
			    "unknown key [fallback] %s (unit.PATH or title.CODE)",
			    k[i]);
		g_strfreev(addrs);
	}
	g_strfreev(k);
	return status;
}

/* mp_orgconf_load - read and check org.conf (78 with file:line) */
int
mp_orgconf_load(const char *path, MpOrgConf **out, GError **err)
{
	MpOrgConf *oc = g_new0(MpOrgConf, 1);
	Src src = { path, NULL, NULL };
	char *text = NULL, **groups = NULL;
	GError *e = NULL;
	int status = MP_OK;
	guint i;

	*out = NULL;
	oc->path = g_strdup(path);
	oc->patterns = g_ptr_array_new();
	oc->fb_units = g_ptr_array_new_with_free_func(g_free);
	oc->fb_unit_addrs = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_strfreev);
	oc->fb_unit_names = g_ptr_array_new_with_free_func(g_free);
	oc->fb_unit_levels = g_array_new(FALSE, FALSE, sizeof(int));
	oc->fb_titles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_strfreev);
	src.kf = g_key_file_new();
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		status = mp_fail(err, EX_CONFIG, "cannot read org rules: %s",
		    e->message);
		goto out;
	}
	src.text = text;
	if (!mp_keyfile_load_text(src.kf, text, &e)) {
		status = mp_fail(err, EX_CONFIG, "cannot parse org rules: %s (%s)",
		    e->message, path);
		goto out;
	}
	if ((status = load_org(&src, oc, err)) != MP_OK)
		goto out;
	groups = g_key_file_get_groups(src.kf, NULL);
	for (i = 0; groups[i] != NULL && status == MP_OK; i++) {
		if (strcmp(groups[i], "org") == 0)
			continue;
		if (strcmp(groups[i], "fallback") == 0)
			status = load_fallback(&src, oc, err);
		else if (g_str_has_prefix(groups[i], "pattern ") ||
		    strcmp(groups[i], "pattern") == 0)
			status = load_pattern(&src, oc, groups[i], err);
		else
			status = bad(&src, err, groups[i], NULL,
			    "unknown section [%s]", groups[i]);
	}
	if (status == MP_OK && oc->patterns->len == 0)
		status = mp_fail(err, EX_CONFIG,
		    "no [pattern NAME] section in %s", path);
out:
	if (e != NULL)
		g_error_free(e);
	g_strfreev(groups);
	g_key_file_free(src.kf);
	g_free(text);
	if (status != MP_OK) {
		mp_orgconf_free(oc);
		return status;
	}
	*out = oc;
	return MP_OK;
}

static void
pattern_free(MpOrgPattern *p)
{
	guint i;

	g_free(p->name);
	g_strfreev(p->units);
	g_free(p->unit_levels);
	for (i = 0; i < MP_ORG_MAX_LEVELS; i++)
		g_strfreev(p->heads[i]);
	g_strfreev(p->special);
	g_strfreev(p->peers);
	g_strfreev(p->exempt);
	g_strfreev(p->members);
	g_free(p);
}

void
mp_orgconf_free(MpOrgConf *oc)
{
	guint i;

	if (oc == NULL)
		return;
	for (i = 0; i < oc->patterns->len; i++)
		pattern_free(oc->patterns->pdata[i]);
	g_ptr_array_free(oc->patterns, TRUE);
	g_ptr_array_free(oc->fb_units, TRUE);
	g_ptr_array_free(oc->fb_unit_addrs, TRUE);
	g_ptr_array_free(oc->fb_unit_names, TRUE);
	g_array_free(oc->fb_unit_levels, TRUE);
	g_hash_table_destroy(oc->fb_titles);
	g_strfreev(oc->levels);
	g_strfreev(oc->exempt);
	g_free(oc->path);
	g_free(oc);
}
