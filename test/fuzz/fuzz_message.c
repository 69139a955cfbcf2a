/* fuzz_message.c - libFuzzer harness: header split, addresses, bccify */
#include <stdint.h>
#include <string.h>

#include "bccify/bccify.h"
#include "mail/classify.h"
#include "mail/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Everything a filter does with the bytes of one message before it
 * writes anything: split the header, read every address (names too),
 * classify, rewrite as mp-bccify would, walk the MIME tree.  The
 * sanitizers report what goes wrong; the results are not checked here
 * (the bats suites do that).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static MpAddrParser *ap;
	static MpConfig *cfg;
	MpLimits limits;
	MpMessage *msg = NULL;
	MpClassification c;
	MpBccifyOpts bo = { MP_BCCIFY_EXTERNAL, 1, TRUE, TRUE, NULL };
	MpBccifyResult br;
	MpPart *root = NULL;
	GError *err = NULL;

	if (ap == NULL) {
		ap = mp_addr_parser_new();
		mp_addr_parser_want_names(ap, TRUE);
		mp_config_load("/dev/null", &cfg, NULL);
		mp_config_add_domain(cfg, MP_CLASS_INTERNAL, "example.co.jp",
		    NULL);
	}
	mp_limits_init(&limits);
	limits.mime_depth = 20;
	if (mp_message_new_borrowed((const char *)data, size, &limits, &msg,
	    &err) != MP_OK) {
		g_clear_error(&err);
		return 0;
	}
	if (mp_classify(cfg, ap, msg, NULL, TRUE, TRUE, &c, &err) == MP_OK)
		mp_classification_clear(&c);
	g_clear_error(&err);
	mp_bccify(cfg, ap, msg, &bo, &br);
	mp_bccify_result_clear(&br);
	if (mp_mime_parse(msg, &limits, &root, &err) == MP_OK) {
		GPtrArray *leaves = mp_part_leaves(root);
		guint i;

		for (i = 0; i < leaves->len; i++) {
			char *name = mp_part_filename(msg, leaves->pdata[i]);
			char *disp = mp_part_disposition(msg, leaves->pdata[i]);

			g_free(name);
			g_free(disp);
		}
		g_ptr_array_free(leaves, TRUE);
		mp_part_free(root);
	}
	g_clear_error(&err);
	mp_message_free(msg);
	return 0;
}
