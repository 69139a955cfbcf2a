/*
 * piiprobe.c - mp's personal-data patterns on their own, for
 * test/pii.bats.  Reads standard input, normalises it (NFKC, as the
 * policy does) and prints one line per find:
 *
 *   KIND<TAB>VALUE<TAB>MASKED
 *
 * With the argument "lines", each input line is scanned on its own and
 * the finds are printed as LINE#<TAB>KIND<TAB>VALUE (lines from 1).
 */
#include <stdio.h>
#include <string.h>

#include "facts/pii.h"

/* text_read - all of standard input */
static GString *
text_read(void)
{
	GString *s = g_string_new(NULL);
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		g_string_append_len(s, buf, (gssize)n);
	return s;
}

/* normalise - NFKC of valid UTF-8 */
static char *
normalise(const char *s, gssize len)
{
	char *valid = g_utf8_make_valid(s, len);
	char *nfkc = g_utf8_normalize(valid, -1, G_NORMALIZE_NFKC);

	g_free(valid);
	return nfkc;
}

/* scan_print - the finds in one text; line 0: the masked form, else
 * the line number */
static void
scan_print(const char *s, gssize len, unsigned line)
{
	char *text = normalise(s, len);
	GArray *hits = mp_pii_hits_new();
	guint i;

	mp_pii_scan(text, strlen(text), hits);
	for (i = 0; i < hits->len; i++) {
		const MpPiiHit *h = &g_array_index(hits, MpPiiHit, i);
		char *mask;

		if (line > 0) {
			printf("%u\t%s\t%s\n", line, mp_pii_name(h->kind),
			    h->value);
			continue;
		}
		mask = mp_pii_mask(h);
		printf("%s\t%s\t%s\n", mp_pii_name(h->kind), h->value, mask);
		g_free(mask);
	}
	g_array_free(hits, TRUE);
	g_free(text);
}

int
main(int argc, char **argv)
{
	GString *in = text_read();
	gboolean lines = argc > 1 && strcmp(argv[1], "lines") == 0;
	const char *p = in->str, *end = in->str + in->len, *nl;
	unsigned line = 0;

	if (!lines)
		scan_print(in->str, (gssize)in->len, 0);
	for (; lines && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		scan_print(p, nl - p, ++line);
	}
	g_string_free(in, TRUE);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("piiprobe");
		return 74;
	}
	return 0;
}
