/* json.h - JSON records through jansson, one object per line */
#ifndef MP_JSON_H
#define MP_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "base/mp.h"

/* mp_json_str - a JSON string from text that may not be valid UTF-8 */
json_t *mp_json_str(const char *s);

/* mp_json_put - print obj as one line on fp and release it */
int mp_json_put(FILE *fp, json_t *obj, GError **err);

#endif
