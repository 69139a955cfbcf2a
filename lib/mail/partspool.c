/* partspool.c - attachments decoded into spools, not into memory */

#include "mail/partspool.h"

/* spool_sink - a decoded block onto a spool */
static int
spool_sink(const char *buf, gsize n, gpointer data, GError **err)
{
	return mp_spool_write(data, buf, n, err);
}

/*
 * mp_part_decode_spool - a leaf part's body decoded into a new spool,
 * a block at a time (mp_part_decode_each)
 */
int
mp_part_decode_spool(const MpMessage *msg, const MpPart *part,
    MpSpool **out, GError **err)
{
	int status;

	if ((status = mp_spool_new(out, err)) != MP_OK)
		return status;
	status = mp_part_decode_each(msg, part, spool_sink, *out, err);
	if (status == MP_OK)
		status = mp_spool_finish(*out, err);
	if (status != MP_OK)
		g_clear_pointer(out, mp_spool_free);
	return status;
}

/* mp_attachments_spool - every attachment of the message, decoded
 * into spools */
int
mp_attachments_spool(const MpMessage *msg, MpPart *root, GPtrArray **out,
    GError **err)
{
	GPtrArray *parts = mp_part_attachments(msg, root);
	guint i;
	int status = MP_OK;

	*out = g_ptr_array_new_with_free_func(mp_attachment_free);
	for (i = 0; i < parts->len && status == MP_OK; i++) {
		MpAttachment *a = g_new0(MpAttachment, 1);

		a->part = parts->pdata[i];
		a->filename = mp_part_filename(msg, a->part);
		g_ptr_array_add(*out, a);
		if ((status = mp_part_decode_spool(msg, a->part, &a->file,
		    err)) == MP_OK)
			a->size = mp_spool_size(a->file);
	}
	g_ptr_array_free(parts, TRUE);
	if (status != MP_OK)
		g_clear_pointer(out, g_ptr_array_unref);
	return status;
}
