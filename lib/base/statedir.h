/* statedir.h - where mp keeps its state, and the defaults below it */
#ifndef MP_STATEDIR_H
#define MP_STATEDIR_H

/* the Makefile's STATEDIR; man pages are rewritten to the same path */
#ifndef MP_STATEDIR
#define MP_STATEDIR "/var/lib/mp"
#endif

/* [orgsync] dir: the snapshots mp-orgsync publishes */
#define MP_ORG_DIR_DEFAULT MP_STATEDIR "/org"
/* [detach] store: the encrypted attachments and their pages */
#define MP_STORE_DIR_DEFAULT MP_STATEDIR "/detach"

#endif
