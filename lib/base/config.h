/* config.h - mp.conf: one INI file for every tool, checked strictly */
#ifndef MP_CONFIG_H
#define MP_CONFIG_H

#include "base/mp.h"

#ifndef MP_SYSCONFDIR
#define MP_SYSCONFDIR "/usr/local/etc"
#endif

typedef enum {
	MP_CLASS_INTERNAL,
	MP_CLASS_SEMI_INTERNAL,
	MP_CLASS_EXTERNAL,
} MpClass;

typedef struct MpDomains MpDomains;

typedef struct {
	char *path;		/* the file read, NULL if none was */
	char *default_path;	/* where a file was looked for by default */
	GKeyFile *kf;		/* empty when no file was read */
	char *text;		/* the file's text, to find line numbers */
	MpDomains *domains;
	MpLimits limits;
	gboolean syslog;
} MpConfig;

/* mp_class_name - "internal", "semi-internal" or "external" */
const char *mp_class_name(MpClass c);

/* mp_config_load - read and check -c FILE, $MP_CONFIG or the default */
int mp_config_load(const char *cli_path, MpConfig **out, GError **err);
void mp_config_free(MpConfig *cfg);

/* mp_config_require_domains - fail when no file and no --internal said */
int mp_config_require_domains(const MpConfig *cfg, GError **err);

/* mp_config_add_domain - a --internal/--semi-internal flag */
int mp_config_add_domain(MpConfig *cfg, MpClass c, const char *domain,
    GError **err);

/* mp_config_classify - the class of a canonical domain */
MpClass mp_config_classify(const MpConfig *cfg, const char *domain);

/* mp_config_has_internal - whether any internal domain is known */
gboolean mp_config_has_internal(const MpConfig *cfg);

/* mp_config_has_domains - whether any internal/semi-internal is known */
gboolean mp_config_has_domains(const MpConfig *cfg);

/* typed getters; the file was checked against the schema when loaded */
guint64 mp_config_uint(const MpConfig *cfg, const char *group,
    const char *key, guint64 def);
gboolean mp_config_bool(const MpConfig *cfg, const char *group,
    const char *key, gboolean def);
char *mp_config_string(const MpConfig *cfg, const char *group,
    const char *key, const char *def);
char **mp_config_list(const MpConfig *cfg, const char *group,
    const char *key);

/* [general] time-zone: the zone of the times in notices and pages */
#define MP_TIME_ZONE_DEFAULT "Asia/Tokyo"

/* mp_config_time_zone - [general] time-zone or the default, a new ref */
GTimeZone *mp_config_time_zone(const MpConfig *cfg);

/* mp_config_where - "(file:line)" for a key, to end an error message */
char *mp_config_where(const MpConfig *cfg, const char *group,
    const char *key);

/* mp_keyfile_load_text - INI text into kf; '#' after blanks is a comment */
gboolean mp_keyfile_load_text(GKeyFile *kf, const char *text, GError **err);

/* mp_keys_repeated - the first key of a group given twice, or NULL */
const char *mp_keys_repeated(char **keys);

/* mp_parse_size - "10M", "2048", "1G" to bytes */
gboolean mp_parse_size(const char *s, guint64 *out);

/* mp_parse_duration - "90s", "30m", "12h", "7d", "2w", "3600" to seconds */
gboolean mp_parse_duration(const char *s, guint64 *out);

/* mp_config_duration - a duration in seconds; def when absent */
guint64 mp_config_duration(const MpConfig *cfg, const char *group,
    const char *key, guint64 def);

/* mp_split_list - split "a; b, c" into a NULL-terminated vector */
char **mp_split_list(const char *s);

#endif
