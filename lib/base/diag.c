/* diag.c - error lines on stderr and, if asked, to syslog */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "base/diag.h"

/*
 * The only part of lib/ that writes to standard error or syslog:
 * commands call it with what they decided to say.  (Messages and
 * records go to standard output through output.c; lib/cli writes a
 * batch's records there.)  Lines follow mp(7): "mp-NAME: what failed:
 * why".
 * Syslog lines carry the Message-ID the way Postfix logs do.
 */
static void diag_emit(gboolean use_syslog, int prio, gboolean to_stderr,
    const char *msgid, const char *fmt, va_list ap);

/* whether info lines go to standard error too (mp_diag_info_stderr) */
static gboolean info_stderr;

/* mp_diag_open - name the program; open syslog (facility mail) if asked */
void
mp_diag_open(const char *prog, gboolean use_syslog)
{
	g_set_prgname(prog);
	if (use_syslog)
		openlog(prog, LOG_PID, LOG_MAIL);
}

static void
diag_emit(gboolean use_syslog, int prio, gboolean to_stderr,
    const char *msgid, const char *fmt, va_list ap)
{
	char *text = g_strdup_vprintf(fmt, ap);
	const char *prog = g_get_prgname() ? g_get_prgname() : "mp";

	if (to_stderr) {
		fprintf(stderr, "%s: %s%s\n", prog,
		    prio == LOG_WARNING ? "warning: " : "", text);
		fflush(stderr);
	}
	if (use_syslog) {
		if (msgid != NULL)
			syslog(prio, "msgid=%s %s", msgid, text);
		else
			syslog(prio, "%s", text);
	}
	g_free(text);
}

/* mp_diag_error - "mp-NAME: message" on stderr, and to syslog */
void
mp_diag_error(gboolean use_syslog, const char *msgid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(use_syslog, LOG_ERR, TRUE, msgid, fmt, ap);
	va_end(ap);
}

/* mp_diag_warn - a warning line; the message still goes through */
void
mp_diag_warn(gboolean use_syslog, const char *msgid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(use_syslog, LOG_WARNING, TRUE, msgid, fmt, ap);
	va_end(ap);
}

/* mp_diag_info - a key=value line for syslog only (what was done) */
void
mp_diag_info(gboolean use_syslog, const char *msgid, const char *fmt, ...)
{
	va_list ap;

	if (!use_syslog && !info_stderr)
		return;
	va_start(ap, fmt);
	diag_emit(use_syslog, LOG_INFO, info_stderr, msgid, fmt, ap);
	va_end(ap);
}

/* mp_diag_info_stderr - info lines on standard error as well (a daemon
 * run in the foreground, a test reading its log) */
void
mp_diag_info_stderr(gboolean on)
{
	info_stderr = on;
}
