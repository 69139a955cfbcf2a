/* statedir.h - where mp keeps its state, and the defaults below it */
#ifndef MP_STATEDIR_H
#define MP_STATEDIR_H

/* the Makefile's STATEDIR; man pages are rewritten to the same path */
#ifndef MP_STATEDIR
#define MP_STATEDIR "/var/lib/mp"
/* [hold] spool: the hold queue (mail waits there, so it is a spool) */
#ifndef MP_SPOOLDIR
#define MP_SPOOLDIR "/var/spool/mp"
#endif
#define MP_HOLD_SPOOL_DEFAULT MP_SPOOLDIR "/hold"

#endif

/* [orgsync] dir: the snapshots mp-orgsync publishes */
#define MP_ORG_DIR_DEFAULT MP_STATEDIR "/org"
/* [detach] store: the encrypted attachments and their pages */
#define MP_STORE_DIR_DEFAULT MP_STATEDIR "/detach"

/* [hold] spool: the hold queue (mail waits there, so it is a spool) */
#ifndef MP_SPOOLDIR
#define MP_SPOOLDIR "/var/spool/mp"
#endif
#define MP_HOLD_SPOOL_DEFAULT MP_SPOOLDIR "/hold"

#endif
