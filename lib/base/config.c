/* config.c - mp.conf: one INI file for every tool, checked strictly */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/schema.h"

static int time_zone_check(MpConfig *cfg, GError **err);
static int config_check(MpConfig *cfg, GError **err);
static int check_value(MpConfig *cfg, const MpKeySpec *spec,
    const char *group, const char *key, GError **err);

/* mp_config_where - "(file:line)" for a key, to end an error message */
char *
mp_config_where(const MpConfig *cfg, const char *group, const char *key)
{
	char **lines;
	guint i, found = 0;
	gboolean in_group = FALSE;

	if (cfg->text == NULL)
		return g_strdup_printf("(%s)", cfg->path ? cfg->path : "-");
	lines = g_strsplit(cfg->text, "\n", -1);
	for (i = 0; lines[i] != NULL && found == 0; i++) {
		char *l = g_strstrip(lines[i]);

		if (*l == '[') {
			char *g = g_strndup(l + 1, strcspn(l + 1, "]"));

			in_group = strcmp(g_strstrip(g), group) == 0;
			if (in_group && key == NULL)
				found = i + 1;
			g_free(g);
		} else if (in_group && key != NULL &&
		    g_str_has_prefix(l, key)) {
			const char *r = l + strlen(key);

			while (*r == ' ' || *r == '\t')
				r++;
			if (*r == '=')
				found = i + 1;
		}
	}
	g_strfreev(lines);
	if (found == 0)
		return g_strdup_printf("(%s)", cfg->path);
	return g_strdup_printf("(%s:%u)", cfg->path, found);
}

/* mp_config_add_domain - a --internal/--semi-internal flag */
int
mp_config_add_domain(MpConfig *cfg, MpClass c, const char *domain,
    GError **err)
{
	return mp_domains_add(cfg->domains, c, domain, err);
}

/* mp_config_classify - the class of a canonical domain */
MpClass
mp_config_classify(const MpConfig *cfg, const char *domain)
{
	return mp_domains_classify(cfg->domains, domain);
}

/* mp_config_has_domains - whether any internal/semi-internal is known */
gboolean
mp_config_has_domains(const MpConfig *cfg)
{
	return mp_domains_any(cfg->domains);
}

/* mp_config_has_internal - whether any internal domain is known */
gboolean
mp_config_has_internal(const MpConfig *cfg)
{
	return mp_domains_has_internal(cfg->domains);
}

/* mp_config_require_domains - fail when no file and no --internal said */
int
mp_config_require_domains(const MpConfig *cfg, GError **err)
{
	if (cfg->path == NULL && !mp_config_has_domains(cfg))
		return mp_fail(err, EX_CONFIG,
		    "no configuration: %s: %s; give -c FILE or --internal DOMAIN",
		    cfg->default_path, g_strerror(ENOENT));
	return MP_OK;
}

/*
 * read_text - the whole file; on failure -errno and an error saying
 * "cannot read configuration: FILE: why"
 */
static int
read_text(const char *path, char **text, GError **err)
{
	GError *e = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

	if (fd < 0) {
		saved = errno;
		mp_fail(err, EX_CONFIG, "cannot read configuration: %s: %s",
		    path, g_strerror(saved));
		return -saved;
	}
	close(fd);
	if (!g_file_get_contents(path, text, NULL, &e)) {
		mp_fail(err, EX_CONFIG, "cannot read configuration: %s: %s",
		    path, e->message);
		g_error_free(e);
		return -EIO;
	}
	return MP_OK;
}

/* mp_config_load - read and check -c FILE, $MP_CONFIG or the default */
int
mp_config_load(const char *cli_path, MpConfig **out, GError **err)
{
	MpConfig *cfg;
	const char *path = cli_path;
	gboolean by_default = FALSE;
	GError *e = NULL;
	int status;

	*out = NULL;
	cfg = g_new0(MpConfig, 1);
	cfg->kf = g_key_file_new();
	cfg->domains = mp_domains_new();
	mp_limits_init(&cfg->limits);
	cfg->default_path = g_strdup(MP_SYSCONFDIR "/mp/mp.conf");
	if (path == NULL || *path == '\0')
		path = g_getenv("MP_CONFIG");
	if (path == NULL || *path == '\0') {
		path = cfg->default_path;
		by_default = TRUE;
	}
	if ((status = read_text(path, &cfg->text, err)) != MP_OK) {
		if (by_default && status == -ENOENT) {
			g_clear_error(err);
			*out = cfg;
			return MP_OK;
		}
		mp_config_free(cfg);
		return EX_CONFIG;
	}
	cfg->path = g_strdup(path);
	if (!mp_keyfile_load_text(cfg->kf, cfg->text, &e)) {
		status = mp_fail(err, EX_CONFIG, "cannot parse configuration: "
		    "%s (%s)", e->message, path);
		g_error_free(e);
		mp_config_free(cfg);
		return status;
	}
	if ((status = config_check(cfg, err)) != MP_OK) {
		mp_config_free(cfg);
		return status;
	}
	*out = cfg;
	return MP_OK;
}

/* key_matches - a schema key, or "prefix.*" for a family of keys */
static gboolean
key_matches(const char *spec, const char *key)
{
	gsize n = strlen(spec);

	if (n >= 2 && strcmp(spec + n - 2, ".*") == 0)
		return strncmp(spec, key, n - 1) == 0 && key[n - 1] != '\0';
	return strcmp(spec, key) == 0;
}

/* group_matches - a schema group, or "family *" for [family NAME] */
static gboolean
group_matches(const char *spec, const char *group)
{
	gsize n = strlen(spec);

	if (n >= 2 && strcmp(spec + n - 2, " *") == 0)
		return strncmp(spec, group, n - 1) == 0 &&
		    group[n - 1] != '\0' && strchr(group + n - 1, ' ') == NULL;
	return strcmp(spec, group) == 0;
}

/* time_zone_check - [general] time-zone, when set, names a zone the
 * system's time zone database has: 78 otherwise */
static int
time_zone_check(MpConfig *cfg, GError **err)
{
	char *v = g_key_file_get_value(cfg->kf, "general", "time-zone", NULL);
	GTimeZone *tz;
	int status = MP_OK;

	if (v == NULL)
		return MP_OK;
	g_strstrip(v);
	if ((tz = g_time_zone_new_identifier(v)) == NULL) {
		char *w = mp_config_where(cfg, "general", "time-zone");

		status = mp_fail(err, EX_CONFIG, "[general] time-zone: %s is "
		    "not a time zone (such as Asia/Tokyo or UTC) %s", v, w);
		g_free(w);
	} else {
		g_time_zone_unref(tz);
	}
	g_free(v);
	return status;
}

/*
 * mp_config_time_zone - the zone of every time mp writes for people
 * ([general] time-zone, else MP_TIME_ZONE_DEFAULT): the server's own
 * zone is often UTC, the readers' is not
 */
GTimeZone *
mp_config_time_zone(const MpConfig *cfg)
{
	char *v = cfg != NULL ? g_key_file_get_value(cfg->kf, "general",
	    "time-zone", NULL) : NULL;
	GTimeZone *tz;

	tz = g_time_zone_new_identifier(v != NULL ? g_strstrip(v) :
	    MP_TIME_ZONE_DEFAULT);
	g_free(v);
	/* checked when loaded; a system without the zone database still
	 * writes Japan's time */
	return tz != NULL ? tz : g_time_zone_new_offset(MP_TIME_ZONE_FALLBACK_OFFSET);
}

/* config_check - every group and key known, every value well-formed */
static int
config_check(MpConfig *cfg, GError **err)
{
	char **groups, **keys;
	guint g, k, s;
	int status = MP_OK;

	groups = g_key_file_get_groups(cfg->kf, NULL);
	for (g = 0; groups[g] != NULL && status == MP_OK; g++) {
		gboolean group_known = FALSE;

		for (s = 0; mp_schema[s].group != NULL; s++)
			if (group_matches(mp_schema[s].group, groups[g]))
				group_known = TRUE;
		if (!group_known) {
			char *w = mp_config_where(cfg, groups[g], NULL);

			status = mp_fail(err, EX_CONFIG,
			    "unknown section [%s] %s", groups[g], w);
			g_free(w);
			break;
		}
		keys = g_key_file_get_keys(cfg->kf, groups[g], NULL, NULL);
		if (mp_keys_repeated(keys) != NULL) {
			const char *dup = mp_keys_repeated(keys);
			char *w = mp_config_where(cfg, groups[g], dup);

			status = mp_fail(err, EX_CONFIG,
			    "[%s] %s is given twice %s", groups[g], dup, w);
			g_free(w);
		}
		for (k = 0; keys[k] != NULL && status == MP_OK; k++) {
			const MpKeySpec *spec = NULL;

			for (s = 0; mp_schema[s].group != NULL; s++)
				if (group_matches(mp_schema[s].group, groups[g]) &&
				    key_matches(mp_schema[s].key, keys[k]))
					spec = &mp_schema[s];
			if (spec == NULL) {
				char *w = mp_config_where(cfg, groups[g], keys[k]);

				status = mp_fail(err, EX_CONFIG,
				    "unknown key [%s] %s %s", groups[g], keys[k],
				    w);
				g_free(w);
				break;
			}
			status = check_value(cfg, spec, groups[g], keys[k], err);
		}
		g_strfreev(keys);
	}
	g_strfreev(groups);
	if (status != MP_OK)
		return status;
	if ((status = time_zone_check(cfg, err)) != MP_OK)
		return status;
	cfg->limits.message_bytes = (gsize)mp_config_uint(cfg, "limits",
	    "message-bytes", MP_MESSAGE_BYTES_DEFAULT);
	cfg->limits.header_bytes = (gsize)mp_config_uint(cfg, "limits",
	    "header-bytes", MP_HEADER_BYTES_DEFAULT);
	cfg->limits.mime_depth = (int)mp_config_uint(cfg, "limits",
	    "mime-depth", MP_MIME_DEPTH_DEFAULT);
	cfg->syslog = mp_config_bool(cfg, "log", "syslog", FALSE);
	return MP_OK;
}

/* check_value - one value against its schema entry */
static int
check_value(MpConfig *cfg, const MpKeySpec *spec, const char *group,
    const char *key, GError **err)
{
	char *v = g_key_file_get_value(cfg->kf, group, key, NULL);
	char *why = NULL;
	guint64 n = 0;
	int status = MP_OK;

	g_strstrip(v);
	switch (spec->type) {
	case MP_KEY_UINT:
	case MP_KEY_SIZE:
	case MP_KEY_DURATION:
		if (spec->type == MP_KEY_UINT ? !(g_ascii_string_to_unsigned(v,
		    10, 0, G_MAXUINT64, &n, NULL)) : spec->type == MP_KEY_SIZE ?
		    !mp_parse_size(v, &n) : !mp_parse_duration(v, &n))
			why = g_strdup_printf("\"%s\" is not %s", v,
			    spec->type == MP_KEY_SIZE ? "a size (like 10M)" :
			    spec->type == MP_KEY_DURATION ?
			    "a duration (like 30m, 12h, 7d)" :
			    "a whole number");
		else if (n < spec->min || n > spec->max)
			why = g_strdup_printf("%s is outside %" G_GUINT64_FORMAT
			    "..%" G_GUINT64_FORMAT, v, spec->min, spec->max);
		break;
	case MP_KEY_BOOL:
		if (g_ascii_strcasecmp(v, "yes") && g_ascii_strcasecmp(v, "no") &&
		    g_ascii_strcasecmp(v, "true") &&
		    g_ascii_strcasecmp(v, "false") && strcmp(v, "1") &&
		    strcmp(v, "0"))
			why = g_strdup_printf("\"%s\" is not yes or no", v);
		break;
	case MP_KEY_ENUM: {
		char **choices = g_strsplit(spec->choices, "|", -1);

		if (!g_strv_contains((const char *const *)choices, v))
			why = g_strdup_printf("\"%s\" is not one of %s", v,
			    spec->choices);
		g_strfreev(choices);
		break;
	}
	case MP_KEY_DOMAINS: {
		char **list = mp_split_list(v);
		GError *e = NULL;
		guint i;

		for (i = 0; list[i] != NULL && why == NULL; i++)
			if (mp_config_add_domain(cfg, strcmp(key, "internal") == 0 ?
			    MP_CLASS_INTERNAL : MP_CLASS_SEMI_INTERNAL, list[i],
			    &e) != MP_OK) {
				why = g_strdup(e->message);
				g_clear_error(&e);
			}
		g_strfreev(list);
		break;
	}
	case MP_KEY_STRING:
	case MP_KEY_PATH:
	case MP_KEY_LIST:
		if (spec->type == MP_KEY_PATH && *v == '\0')
			why = g_strdup("empty path");
		break;
	}
	if (why != NULL) {
		char *w = mp_config_where(cfg, group, key);

		status = mp_fail(err, EX_CONFIG, "bad value for [%s] %s: %s %s",
		    group, key, why, w);
		g_free(w);
		g_free(why);
	}
	g_free(v);
	return status;
}

/* mp_config_free - release a configuration */
void
mp_config_free(MpConfig *cfg)
{
	if (cfg == NULL)
		return;
	g_free(cfg->path);
	g_free(cfg->default_path);
	g_free(cfg->text);
	g_key_file_free(cfg->kf);
	mp_domains_free(cfg->domains);
	g_free(cfg);
}

/* config_value - a key's value without surrounding blanks, or NULL */
static char *
config_value(const MpConfig *cfg, const char *group, const char *key)
{
	char *v = g_key_file_get_value(cfg->kf, group, key, NULL);

	return v != NULL ? g_strstrip(v) : NULL;
}

/* config_number - a value parse reads; def when absent (or unreadable:
 * the schema checked it) */
static guint64
config_number(const MpConfig *cfg, const char *group, const char *key,
    guint64 def, gboolean (*parse)(const char *, guint64 *))
{
	char *v = config_value(cfg, group, key);
	guint64 n = def;

	if (v != NULL && !parse(v, &n))
		n = def;
	g_free(v);
	return n;
}

/* mp_config_uint - a whole number or size; def when absent */
guint64
mp_config_uint(const MpConfig *cfg, const char *group, const char *key,
    guint64 def)
{
	return config_number(cfg, group, key, def, mp_parse_size);
}

/* mp_config_duration - a duration in seconds; def when absent */
guint64
mp_config_duration(const MpConfig *cfg, const char *group, const char *key,
    guint64 def)
{
	return config_number(cfg, group, key, def, mp_parse_duration);
}

/* mp_config_bool - yes/no; def when absent */
gboolean
mp_config_bool(const MpConfig *cfg, const char *group, const char *key,
    gboolean def)
{
	char *v = config_value(cfg, group, key);
	gboolean b = def;

	if (v != NULL)
		b = g_ascii_strcasecmp(v, "yes") == 0 ||
		    g_ascii_strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0;
	g_free(v);
	return b;
}

/* mp_config_string - a string value; a copy of def when absent */
char *
mp_config_string(const MpConfig *cfg, const char *group, const char *key,
    const char *def)
{
	char *v = config_value(cfg, group, key);

	return v != NULL ? v : g_strdup(def);
}

/* mp_config_list - a list value split on ; , and white space */
char **
mp_config_list(const MpConfig *cfg, const char *group, const char *key)
{
	char *v = g_key_file_get_value(cfg->kf, group, key, NULL);
	char **list = mp_split_list(v);

	g_free(v);
	return list;
}
