/*
 * parttree.c - mp's view of each message's MIME tree, for the comparison
 * with Python's email package (test/lib/parttree.py).  For each FILE it
 * prints "== FILE" and then one line per leaf part, depth first:
 *
 *   TYPE<TAB>A|-<TAB>NAME
 *
 * A when mp counts the leaf as an attachment (mp_part_attachments),
 * NAME the decoded file name or "".  TYPE is "(empty)" for a part with
 * no bytes at all (between two delimiter lines in a row).  "!! STATUS" instead of leaves when
 * the message cannot be read or parsed.
 */
#include <stdio.h>
#include <string.h>

#include "mime.h"

/* dump - the leaves of one message file */
static void
dump(const char *path, const MpLimits *limits)
{
	MpMessage *msg = NULL;
	MpPart *root = NULL;
	GError *err = NULL;
	GPtrArray *leaves, *atts;
	GHashTable *is_att;
	int st;
	guint i;

	printf("== %s\n", path);
	if ((st = mp_message_read_path(path, limits, &msg, &err)) != MP_OK ||
	    (st = mp_mime_parse(msg, limits, &root, &err)) != MP_OK) {
		printf("!! %d\n", st);
		g_clear_error(&err);
		mp_message_free(msg);
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
	mp_message_free(msg);
}

int
main(int argc, char **argv)
{
	MpLimits limits;
	int i;

	mp_limits_init(&limits);
	for (i = 1; i < argc; i++)
		dump(argv[i], &limits);
	return fflush(stdout) == 0 ? 0 : 74;
}
