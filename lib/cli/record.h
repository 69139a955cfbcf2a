/* record.h - the JSON records of a batch: where a message came from */
#ifndef MP_RECORD_H
#define MP_RECORD_H

#include "base/json.h"
#include "mail/batch.h"

/* mp_json_source - "source" (and mbox "index", "offset") of a record */
void mp_json_source(json_t *o, const MpSource *src);

/* mp_json_error_record - a batch record for a message that failed */
int mp_json_error_record(const MpSource *src, int status, const GError *why,
    GError **err);

#endif
