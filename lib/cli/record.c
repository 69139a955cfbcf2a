/* record.c - the JSON records of a batch: where a message came from */
#include "cli/record.h"

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
