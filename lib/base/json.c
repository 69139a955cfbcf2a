/* json.c - JSON records through jansson, one object per line */
#include <errno.h>

#include "base/json.h"

/* mp_json_str - a JSON string from text that may not be valid UTF-8 */
json_t *
mp_json_str(const char *s)
{
	char *valid;
	json_t *j;

	if (s == NULL)
		return json_null();
	/* checked here already: jansson need not check again */
	if (g_utf8_validate(s, -1, NULL))
		return json_string_nocheck(s);
	valid = g_utf8_make_valid(s, -1);
	j = json_string(valid);
	g_free(valid);
	return j;
}

/* mp_json_put - print obj as one line on fp and release it */
int
mp_json_put(FILE *fp, json_t *obj, GError **err)
{
	int r = json_dumpf(obj, fp, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(obj);
	if (r != 0 || fputc('\n', fp) == EOF)
		return mp_fail(err, mp_errno_status(errno),
		    "write to standard output: %s", g_strerror(errno));
	return MP_OK;
}
