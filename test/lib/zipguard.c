/* zipguard.c - drive lib/zip.c's read-back check from the test suite
 *
 * usage: zipguard check N FILE   exit 0 if FILE is a ZIP of N entries,
 *                                none in the clear; else print why, 1
 *        zipguard build CIPHER   write a ZIP of two entries with mp's
 *                                writer to stdout (aes256|zipcrypto)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/zip.h"

int main(int argc, char **argv);
static MpSpool *spool_of(const char *data, gsize len);

/* spool_of - bytes in a finished spool, or exit 2 */
static MpSpool *
spool_of(const char *data, gsize len)
{
	MpSpool *sp;

	if (mp_spool_new(&sp, NULL) != 0 ||
	    mp_spool_write(sp, data, len, NULL) != 0 ||
	    mp_spool_finish(sp, NULL) != 0)
		exit(2);
	return sp;
}

int
main(int argc, char **argv)
{
	GError *err = NULL;
	MpSpool *zip = NULL;
	int status;

	if (argc == 4 && strcmp(argv[1], "check") == 0) {
		gchar *data;
		gsize len;

		if (!g_file_get_contents(argv[3], &data, &len, &err)) {
			fprintf(stderr, "%s\n", err->message);
			return 2;
		}
		zip = spool_of(data, len);
		g_free(data);
		status = mp_zip_check_encrypted(zip, (guint)atoi(argv[2]), &err);
	} else if (argc == 3 && strcmp(argv[1], "build") == 0) {
		MpSpool *a = spool_of("alpha\n", 6), *b = spool_of("beta\n", 5);
		MpZipEntry e[2] = { { "a.txt", a }, { "b.txt", b } };
		MpZipOpts o = { MP_ZIP_AES256, MP_ZIP_NAMES_UTF8, 6, 0 };

		if (!mp_zip_cipher_parse(argv[2], &o.cipher))
			return 2;
		status = mp_zip_build(e, 2, "guard-pw", &o, &zip, &err);
		mp_spool_free(a);
		mp_spool_free(b);
		if (status == 0 && mp_spool_put(zip, stdout, &err) != 0)
			status = 1;
	} else {
		return 2;
	}
	if (status != 0)
		printf("%s\n", err->message);
	g_clear_error(&err);
	mp_spool_free(zip);
	return status == 0 ? 0 : 1;
}
