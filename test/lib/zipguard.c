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

#include "zip.h"

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
	GError *err = NULL;
	GBytes *zip;
	int status;

	if (argc == 4 && strcmp(argv[1], "check") == 0) {
		gchar *data;
		gsize len;

		if (!g_file_get_contents(argv[3], &data, &len, &err)) {
			fprintf(stderr, "%s\n", err->message);
			return 2;
		}
		zip = g_bytes_new_take(data, len);
		status = mp_zip_check_encrypted(zip, (guint)atoi(argv[2]), &err);
	} else if (argc == 3 && strcmp(argv[1], "build") == 0) {
		MpZipEntry e[2] = {
			{ "a.txt", g_bytes_new_static("alpha\n", 6) },
			{ "b.txt", g_bytes_new_static("beta\n", 5) },
		};
		MpZipOpts o = { MP_ZIP_AES256, MP_ZIP_NAMES_UTF8, 6, 0 };

		if (!mp_zip_cipher_parse(argv[2], &o.cipher))
			return 2;
		status = mp_zip_build(e, 2, "guard-pw", &o, &zip, &err);
		g_bytes_unref(e[0].data);
		g_bytes_unref(e[1].data);
		if (status == 0)
			fwrite(g_bytes_get_data(zip, NULL), 1,
			    g_bytes_get_size(zip), stdout);
	} else {
		return 2;
	}
	if (status != 0)
		printf("%s\n", err->message);
	g_clear_error(&err);
	g_bytes_unref(zip);
	return status == 0 ? 0 : 1;
}
