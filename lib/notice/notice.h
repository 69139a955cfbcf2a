/* notice.h - a message of its own (a password notice), made and delivered */
#ifndef MP_NOTICE_H
#define MP_NOTICE_H

#include <signal.h>

#include "base/mp.h"

/*
 * A template is UTF-8 text with {placeholders}; "{{" is a literal "{".
 * A notice template starts with a "Subject:" line and an empty line.
 * Which placeholders a template may use, and which it must, is the
 * caller's to say: a text that goes into the message beside the
 * encrypted file must never hold {password}.
 */
typedef struct {
	char *path;		/* the file it came from, NULL if built in */
	char *subject;		/* NULL for a body-only template */
	char *body;
} MpTemplate;

/* mp_template_parse - check text against the allowed placeholders */
int mp_template_parse(const char *text, const char *path,
    gboolean has_subject, const char *const *allowed,
    const char *const *required, MpTemplate **out, GError **err);

/* mp_template_load - DIR/NAME if it exists, else the built-in text */
int mp_template_load(const char *dir, const char *name, const char *builtin,
    gboolean has_subject, const char *const *allowed,
    const char *const *required, MpTemplate **out, GError **err);
void mp_template_free(MpTemplate *t);

/* mp_template_expand - text with every {name} replaced from values */
char *mp_template_expand(const char *text, GHashTable *values);

/* The notice: a complete RFC 5322 message in UTF-8 parts. */
typedef struct {
	const char *from;	/* addr-spec */
	GPtrArray *to;		/* addr-specs */
	GPtrArray *cc;
	GPtrArray *bcc;
	const char *subject;	/* UTF-8 */
	const char *body;	/* UTF-8, LF line breaks */
	const char *references;	/* Message-ID it is about, or NULL */
	guint64 deliver_after;	/* X-MP-Deliver-After seconds; 0: none */
	GDateTime *date;	/* NULL: now */
	GTimeZone *tz;		/* of the Date field; NULL: local */
} MpNotice;

/* mp_notice_render - the notice as message text (LF line breaks) */
GString *mp_notice_render(const MpNotice *n);

/* Where notices go; every one given must take it. */
typedef struct {
	const char *file;	/* written atomically: temp, fsync, rename */
	const char *maildir;	/* tmp/ then new/ */
	const char *command;	/* sh -c command, notice on its stdin */
} MpNoticeDest;

/* mp_stop_signals - add to set SIGTERM, SIGINT and SIGHUP unless
 * ignored: the signals that stop a notice command and us */
void mp_stop_signals(sigset_t *set);

/* mp_notice_deliver - hand text to every destination, durably; *caught:
 * the signal that stopped a notice command, or 0 */
int mp_notice_deliver(const MpNoticeDest *dest, const GString *text,
    int *caught, GError **err);

/* mp_rfc5322_date - "Mon, 23 Nov 2026 09:00:00 +0900", locale-free */
char *mp_rfc5322_date(GDateTime *t);

#endif
