/*
 * parttree.c - mp's view of each message's MIME tree, for the comparison
 * with Python's email package (test/lib/parttree.py).  For each FILE it
 * prints "== FILE" and then one line per leaf part, depth first:
 *
 *   TYPE<TAB>A|-<TAB>NAME
 *
 * A when mp counts the leaf as an attachment (mp_part_attachments),
 * NAME the decoded file name or "".  TYPE is "(empty)" for a part with
 * no bytes at all (between two delimiter lines in a row).  "!! STATUS"
 * instead of leaves when the message cannot be read or parsed.
 *
 * With --mbox, each FILE is an mbox: "== FILE:N" for its Nth message
 * as mp's mbox reader splits it, then "@ OFFSET LENGTH", where in the
 * file its bytes are, then its leaves.
 */
#include <stdio.h>
#include <string.h>

#include "mail/batch.h"
#include "mail/mime.h"

/* leaves_print - the leaves of one message */
static void
leaves_print(const MpMessage *msg, const MpLimits *limits)
{
	MpPart *root = NULL;
	GError *err = NULL;
	GPtrArray *leaves, *atts;
	GHashTable *is_att;
	int st;
	guint i;

	if ((st = mp_mime_parse(msg, limits, &root, &err)) != MP_OK) {
		printf("!! %d\n", st);
		g_clear_error(&err);
		return;
	}
	leaves = mp_part_leaves(root);
	atts = mp_part_attachments(msg, root);
	is_att = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (i = 0; i < atts->len; i++)
		g_hash_table_add(is_att, atts->pdata[i]);
	for (i = 0; i < leaves->len; i++) {
		MpPart *p = leaves->pdata[i];
		char *name = mp_part_filename(msg, p);

		printf("%s\t%s\t%s\n", p->end > p->start ? p->type : "(empty)",
		    g_hash_table_contains(is_att, p) ? "A" : "-",
		    name ? name : "");
		g_free(name);
	}
	g_hash_table_destroy(is_att);
	g_ptr_array_free(atts, TRUE);
	g_ptr_array_free(leaves, TRUE);
	mp_part_free(root);
}

/* dump - one message of a file or an mbox (an MpMessageFunc) */
static int
dump(const MpSource *src, MpMessage *msg, int status, const GError *why,
    gpointer limits)
{
	char *label = mp_source_label(src);

	(void)why;
	printf("== %s\n", label);
	g_free(label);
	if (msg == NULL) {
		printf("!! %d\n", status);
		return MP_OK;
	}
	if (src->kind == MP_SOURCE_MBOX)
		printf("@ %" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT "\n",
		    src->offset, msg->len);
	leaves_print(msg, limits);
	return MP_OK;
}

int
main(int argc, char **argv)
{
	MpLimits limits;
	GError *err = NULL;
	gboolean mbox = argc > 1 && strcmp(argv[1], "--mbox") == 0;
	int i, status = 0;

	mp_limits_init(&limits);
	for (i = mbox ? 2 : 1; i < argc; i++) {
		if ((mbox ? mp_batch_mbox(argv[i], &limits, dump, &limits,
		    &err) : mp_batch_file(argv[i], FALSE, &limits, dump,
		    &limits, &err)) != MP_OK) {
			fprintf(stderr, "parttree: %s\n", err->message);
			g_clear_error(&err);
			status = 1;
		}
	}
	return fflush(stdout) == 0 ? status : 74;
}
