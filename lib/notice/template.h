/* template.h - texts with {placeholders}, checked when loaded */
#ifndef MP_TEMPLATE_H
#define MP_TEMPLATE_H

#include "base/mp.h"

/* a template is a page of text: a bigger file is not one */
#define MP_TEMPLATE_BYTES_MAX (64 * 1024)
/* the longest placeholder name; longer is no placeholder */
#define MP_PLACEHOLDER_NAME_MAX 32

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

/* mp_template_free - release a template */
void mp_template_free(MpTemplate *t);

/* mp_template_expand - text with every {name} replaced from values */
char *mp_template_expand(const char *text, GHashTable *values);

#endif
