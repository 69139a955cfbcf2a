/* json.c - JSON records through jansson, one object per line */
#include <errno.h>

#include "json.h"

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

/* mp_json_source - "source" (and mbox "index", "offset") of a record */
void
mp_json_source(json_t *o, const MpSource *src)
{
	if (src->kind == MP_SOURCE_STDIN)
		return;
	json_object_set_new(o, "source", mp_json_str(src->path));
	if (src->kind == MP_SOURCE_MBOX) {
		json_object_set_new(o, "index", json_integer((json_int_t)src->index));
		json_object_set_new(o, "offset",
		    json_integer((json_int_t)src->offset));
	}
}

/* mp_json_error_record - a batch record for a message that failed */
int
mp_json_error_record(const MpSource *src, int status, const GError *why,
    GError **err)
{
	json_t *o = json_object();

	mp_json_source(o, src);
	json_object_set_new(o, "error", mp_json_str(why->message));
	json_object_set_new(o, "status", json_integer(status));
	return mp_json_put(stdout, o, err);
}
