/* domains.c - domain names in the one form mp compares them in, and the
 * table that says which are internal, semi-internal or neither */
#include <string.h>

#include "base/domains.h"

struct MpDomains {
	GHashTable *class_of;	/* canonical domain -> MpClass + 1 */
};

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
	char *lower, *ascii, *down;
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
	down = g_ascii_strdown(ascii, -1);
	g_free(ascii);
	return down;
}

/* mp_class_name - "internal", "semi-internal" or "external" */
const char *
mp_class_name(MpClass c)
{
	switch (c) {
	case MP_CLASS_INTERNAL:
		return "internal";
	case MP_CLASS_SEMI_INTERNAL:
		return "semi-internal";
	default:
		return "external";
	}
}

/* mp_domains_new - an empty table: every domain external */
MpDomains *
mp_domains_new(void)
{
	MpDomains *d = g_new0(MpDomains, 1);

	d->class_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	return d;
}

/* mp_domains_free - release a table */
void
mp_domains_free(MpDomains *d)
{
	if (d == NULL)
		return;
	g_hash_table_destroy(d->class_of);
	g_free(d);
}

/* mp_domains_add - list a domain as c; 78 if it is no domain or is
 * listed as the other class */
int
mp_domains_add(MpDomains *d, MpClass c, const char *domain, GError **err)
{
	const char *s = domain;
	char *canon;
	gpointer old;

	if (*s == '@')			/* "@example.com" is a common spelling */
		s++;
	if (*s == '.')			/* so is ".example.com" */
		s++;
	canon = mp_domain_canon(s);
	if (canon == NULL || strchr(canon, '@') != NULL ||
	    (strchr(canon, '.') == NULL && strchr(canon, '[') == NULL &&
	    strcmp(canon, "localhost") != 0)) {
		g_free(canon);
		return mp_fail(err, EX_CONFIG, "not a domain: \"%s\"", domain);
	}
	old = g_hash_table_lookup(d->class_of, canon);
	if (old != NULL && GPOINTER_TO_INT(old) - 1 != (int)c) {
		int status = mp_fail(err, EX_CONFIG,
		    "%s is listed as both %s and %s", canon,
		    mp_class_name((MpClass)(GPOINTER_TO_INT(old) - 1)),
		    mp_class_name(c));

		g_free(canon);
		return status;
	}
	g_hash_table_replace(d->class_of, canon, GINT_TO_POINTER((int)c + 1));
	return MP_OK;
}

/*
 * mp_domains_classify - the class of a canonical domain
 *
 * The most specific listed domain wins, so a semi-internal subsidiary
 * under an internal parent domain is semi-internal.
 */
MpClass
mp_domains_classify(const MpDomains *d, const char *domain)
{
	const char *p = domain;

	while (p != NULL && *p != '\0') {
		gpointer v = g_hash_table_lookup(d->class_of, p);

		if (v != NULL)
			return (MpClass)(GPOINTER_TO_INT(v) - 1);
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	return MP_CLASS_EXTERNAL;
}

/* mp_domains_has_internal - whether any internal domain is listed */
gboolean
mp_domains_has_internal(const MpDomains *d)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, d->class_of);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (GPOINTER_TO_INT(v) - 1 == MP_CLASS_INTERNAL)
			return TRUE;
	return FALSE;
}

/* mp_domains_any - whether any domain is listed */
gboolean
mp_domains_any(const MpDomains *d)
{
	return g_hash_table_size(d->class_of) > 0;
}
