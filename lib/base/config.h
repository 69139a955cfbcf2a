/* config.h - mp.conf: one INI file for every tool, checked strictly */
#ifndef MP_CONFIG_H
#define MP_CONFIG_H

#include "base/mp.h"
/* its domain table and the grammars of its values; included so that
 * every reader of mp.conf has them */
#include "base/domains.h"
#include "base/parse.h"

#ifndef MP_SYSCONFDIR
#define MP_SYSCONFDIR "/usr/local/etc"
#endif

typedef struct {
	char *path;		/* the file read, NULL if none was */
	char *default_path;	/* where a file was looked for by default */
	GKeyFile *kf;		/* empty when no file was read */
	char *text;		/* the file's text, to find line numbers */
	MpDomains *domains;
	MpLimits limits;
	gboolean syslog;
} MpConfig;

/* mp_config_load - read and check -c FILE, $MP_CONFIG or the default */
int mp_config_load(const char *cli_path, MpConfig **out, GError **err);

/* mp_config_free - release a configuration */
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

/* mp_config_duration - a duration in seconds; def when absent */
guint64 mp_config_duration(const MpConfig *cfg, const char *group,
    const char *key, guint64 def);

/* [general] time-zone: the zone of the times in notices and pages */
#define MP_TIME_ZONE_DEFAULT "Asia/Tokyo"
/* Japan's offset, for a system without the time zone database */
#define MP_TIME_ZONE_FALLBACK_OFFSET (9 * 60 * 60)

/* mp_config_time_zone - [general] time-zone or the default, a new ref */
GTimeZone *mp_config_time_zone(const MpConfig *cfg);

/* mp_config_where - "(file:line)" for a key, to end an error message */
char *mp_config_where(const MpConfig *cfg, const char *group,
    const char *key);

#endif
