/* domains.h - domain names in the one form mp compares them in, and the
 * table that says which are internal, semi-internal or neither */
#ifndef MP_DOMAINS_H
#define MP_DOMAINS_H

#include "base/mp.h"

/* the class of an address, by its domain */
typedef enum {
	MP_CLASS_INTERNAL,
	MP_CLASS_SEMI_INTERNAL,
	MP_CLASS_EXTERNAL,
} MpClass;

/* the internal and semi-internal domains: mp.conf [domains] and flags */
typedef struct MpDomains MpDomains;

/* mp_is_ascii - whether s holds only 7-bit bytes */
gboolean mp_is_ascii(const char *s);

/* mp_domain_canon - lower-case, IDNA ASCII form of a domain */
char *mp_domain_canon(const char *domain);

/* mp_class_name - "internal", "semi-internal" or "external" */
const char *mp_class_name(MpClass c);

/* mp_domains_new - an empty table: every domain external */
MpDomains *mp_domains_new(void);

/* mp_domains_free - release a table */
void mp_domains_free(MpDomains *d);

/* mp_domains_add - list a domain as c; 78 if it is no domain or is
 * listed as the other class */
int mp_domains_add(MpDomains *d, MpClass c, const char *domain,
    GError **err);

/* mp_domains_classify - the class of a canonical domain */
MpClass mp_domains_classify(const MpDomains *d, const char *domain);

/* mp_domains_has_internal - whether any internal domain is listed */
gboolean mp_domains_has_internal(const MpDomains *d);

/* mp_domains_any - whether any domain is listed */
gboolean mp_domains_any(const MpDomains *d);

#endif
