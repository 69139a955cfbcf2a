/* diag.h - error lines on stderr and, if asked, to syslog */
#ifndef MP_DIAG_H
#define MP_DIAG_H

#include "base/mp.h"

/* mp_diag_open - name the program; open syslog (facility mail) if asked */
void mp_diag_open(const char *prog, gboolean use_syslog);

/* mp_diag_error - "mp-NAME: message" on stderr, and to syslog */
void mp_diag_error(gboolean use_syslog, const char *msgid, const char *fmt,
    ...) G_GNUC_PRINTF(3, 4);

/* mp_diag_warn - a warning line; the message still goes through */
void mp_diag_warn(gboolean use_syslog, const char *msgid, const char *fmt,
    ...) G_GNUC_PRINTF(3, 4);

/* mp_diag_info - a key=value line for syslog only (what was done) */
void mp_diag_info(gboolean use_syslog, const char *msgid, const char *fmt,
    ...) G_GNUC_PRINTF(3, 4);

/* mp_diag_info_stderr - info lines on standard error as well */
void mp_diag_info_stderr(gboolean on);

#endif
