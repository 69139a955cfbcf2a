/* domain.c - domain names in the one form mp compares them in */
#include <string.h>

#include "base/domain.h"

/* mp_is_ascii - whether s holds only 7-bit bytes */
gboolean
mp_is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((guchar)*s >= 0x80)
			return FALSE;
	return TRUE;
}

/* mp_domain_canon - lower-case, IDNA ASCII form of a domain */
char *
mp_domain_canon(const char *domain)
{
	char *lower, *ascii;
	gsize n;

	if (domain == NULL || *domain == '\0')
		return NULL;
	if (domain[0] == '[')			/* domain literal */
		return g_ascii_strdown(domain, -1);
	/* ASCII (punycode included) needs only case folding */
	lower = mp_is_ascii(domain) ? g_ascii_strdown(domain, -1) :
	    g_utf8_strdown(domain, -1);
	n = strlen(lower);
	while (n > 0 && lower[n - 1] == '.')
		lower[--n] = '\0';
	if (n == 0) {
		g_free(lower);
		return NULL;
	}
	if (mp_is_ascii(lower))
		return lower;
	/* Unicode and punycode forms of one domain compare equal. */
	ascii = g_hostname_to_ascii(lower);
	if (ascii == NULL)
		return lower;
	g_free(lower);
	{
		char *down = g_ascii_strdown(ascii, -1);

		g_free(ascii);
		return down;
	}
}
