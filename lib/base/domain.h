/* domain.h - domain names in the one form mp compares them in */
#ifndef MP_DOMAIN_H
#define MP_DOMAIN_H

#include "base/mp.h"

/* mp_is_ascii - whether s holds only 7-bit bytes */
gboolean mp_is_ascii(const char *s);

/* mp_domain_canon - lower-case, IDNA ASCII form of a domain */
char *mp_domain_canon(const char *domain);

#endif
