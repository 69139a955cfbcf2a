/*
 * textprobe.c - the text readers of lib/facts/text.c on their own, for
 * test/text.bats:
 *
 *   textprobe [-N] [-t TYPE] [-n FILENAME] [-c CHARSET] FILE
 *   textprobe [-N] --html FILE
 *   textprobe --nfkc FILE
 *
 * The first prints mp_text_of_file's status name on a line of its own,
 * then the text; --html prints mp_text_from_html of the file's bytes,
 * --nfkc mp_text_normalize of them.  -N normalises the text first.  The text ends
 * with a newline if it has none.  Exit 0, 64 on usage, 66 when FILE
 * cannot be read, 74 when the output cannot be written.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "facts/text.h"

static const char usage[] =
    "usage: textprobe [-N] [-t type] [-n filename] [-c charset] file\n"
    "       textprobe [-N] --html file\n"
    "       textprobe --nfkc file\n";

/* print_text - the text, normalised if asked, ending in a newline */
static void
print_text(const char *text, gsize len, gboolean normalize)
{
	char *norm = normalize ? mp_text_normalize(text, (gssize)len) : NULL;

	if (norm != NULL) {
		text = norm;
		len = strlen(norm);
	}
	fwrite(text, 1, len, stdout);
	if (len > 0 && text[len - 1] != '\n')
		putchar('\n');
	g_free(norm);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "html", no_argument, NULL, 'H' },
		{ "nfkc", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	const char *type = NULL, *name = NULL, *charset = NULL;
	gboolean html = FALSE, nfkc = FALSE, normalize = FALSE;
	GError *err = NULL;
	gchar *data;
	gsize len;
	int c;

	while ((c = getopt_long(argc, argv, "Nt:n:c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'N':
			normalize = TRUE;
			break;
		case 't':
			type = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'c':
			charset = optarg;
			break;
		case 'H':
			html = TRUE;
			break;
		case 'K':
			nfkc = TRUE;
			break;
		default:
			fputs(usage, stderr);
			return 64;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 64;
	}
	g_mime_init();		/* the charset converters are GMime's */
	if (!g_file_get_contents(argv[optind], &data, &len, &err)) {
		fprintf(stderr, "textprobe: %s\n", err->message);
		g_error_free(err);
		return 66;
	}
	if (nfkc) {
		print_text(data, len, TRUE);
	} else if (html) {
		char *text = mp_text_from_html(data, len);

		print_text(text, strlen(text), normalize);
		g_free(text);
	} else {
		GString *out = g_string_new(NULL);
		MpTextStatus st = mp_text_of_file((const guchar *)data, len,
		    type, name, charset, out);

		printf("%s\n", mp_text_status_name(st));
		print_text(out->str, out->len, normalize);
		g_string_free(out, TRUE);
	}
	g_free(data);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 74;
}
