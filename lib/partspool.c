/* partspool.c - attachments decoded into spools, not into memory */
#include <string.h>

#include <gmime/gmime.h>

#include "partspool.h"

/* IN_BLOCK - encoded bytes decoded at a time: about 48 KB of base64
 * output, well under one spool block */
#define IN_BLOCK ((gsize)64 * 1024)

/*
 * mp_part_decode_spool - a leaf part's body decoded into a new spool.
 * The same decoding as mp_part_decode (mime.c), a block at a time:
 * base64, quoted-printable and uuencode undone, what does not decode
 * skipped, anything else copied as it is.
 */
int
mp_part_decode_spool(const MpMessage *msg, const MpPart *part,
    MpSpool **out, GError **err)
{
	char *cte = mp_part_header(msg, part, "Content-Transfer-Encoding");
	GMimeContentEncoding enc = GMIME_CONTENT_ENCODING_DEFAULT;
	const char *in = msg->data + part->body_start;
	gsize inlen = part->end > part->body_start ?
	    part->end - part->body_start : 0;
	GMimeEncoding state;
	char *buf = NULL;
	gsize off;
	int status;

	if ((status = mp_spool_new(out, err)) != MP_OK)
		return status;
	if (cte != NULL) {
		enc = g_mime_content_encoding_from_string(g_strstrip(cte));
		g_free(cte);
	}
	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    enc != GMIME_CONTENT_ENCODING_UUENCODE) {
		status = mp_spool_write(*out, in, inlen, err);
		goto done;
	}
	g_mime_encoding_init_decode(&state, enc);
	if (enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		/* GMime's decoder starts after the "begin" line */
		const char *b = in;

		while (b != NULL && ((gsize)(in + inlen - b) < 6 ||
		    memcmp(b, "begin ", 6) != 0)) {
			b = memchr(b, '\n', inlen - (gsize)(b - in));
			b = b != NULL && b + 1 < in + inlen ? b + 1 : NULL;
		}
		if (b == NULL)
			goto done;
		b = memchr(b, '\n', inlen - (gsize)(b - in));
		b = b != NULL ? b + 1 : in + inlen;
		inlen -= (gsize)(b - in);
		in = b;
		state.state |= GMIME_UUDECODE_STATE_BEGIN;
	}
	buf = g_malloc(g_mime_encoding_outlen(&state, IN_BLOCK) + 1);
	for (off = 0; status == MP_OK && off < inlen; off += IN_BLOCK) {
		gsize k = MIN(IN_BLOCK, inlen - off), n;

		n = off + k < inlen ?
		    g_mime_encoding_step(&state, in + off, k, buf) :
		    g_mime_encoding_flush(&state, in + off, k, buf);
		status = mp_spool_write(*out, buf, n, err);
	}
done:
	g_free(buf);
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
