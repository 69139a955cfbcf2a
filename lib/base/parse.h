/* parse.h - the small grammars of mp's configuration: sizes, durations,
 * lists, INI text */
#ifndef MP_PARSE_H
#define MP_PARSE_H

#include "base/mp.h"

/* the units of sizes ("10M") and durations ("12h") */
#define MP_KIB ((guint64)1024)
#define MP_MIB (1024 * MP_KIB)
#define MP_GIB (1024 * MP_MIB)
#define MP_MINUTE ((guint64)60)
#define MP_HOUR (60 * MP_MINUTE)
#define MP_DAY (24 * MP_HOUR)
#define MP_WEEK (7 * MP_DAY)

/* mp_parse_size - "10M", "2048", "1G" to bytes */
gboolean mp_parse_size(const char *s, guint64 *out);

/* mp_parse_duration - "90s", "30m", "12h", "7d", "2w", "3600" to seconds */
gboolean mp_parse_duration(const char *s, guint64 *out);

/* mp_split_list - split "a; b, c" into a NULL-terminated vector */
char **mp_split_list(const char *s);

/* mp_keyfile_load_text - INI text into kf; '#' after blanks is a comment */
gboolean mp_keyfile_load_text(GKeyFile *kf, const char *text, GError **err);

/* mp_keys_repeated - the first key of a group given twice, or NULL */
const char *mp_keys_repeated(char **keys);

#endif
