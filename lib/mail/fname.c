/* fname.c - attachment file names that show what they are */
#include <string.h>

#include "mail/fname.h"

/*
 * mp_fname_neutralise - name without controls, format characters and
 * line or paragraph separators
 *
 * "invoice\u202Efdp.exe" shows as "invoiceexe.pdf": a right-to-left
 * override turns the real extension around, and the ZIP listing, the
 * download page and the notice would all show the lie.  Such
 * characters are dropped rather than replaced by U+FFFD: none of them
 * is visible, so what is left is exactly what the name showed minus
 * the reordering or hiding they did ("invoicefdp.exe"), tabs that a
 * folded header left inside quotes vanish as they always did, and a
 * U+FFFD would turn into "?" or "_" in most unzip tools anyway.
 */
char *
mp_fname_neutralise(const char *name)
{
	char *valid = g_utf8_make_valid(name, -1);
	GString *out = g_string_sized_new(strlen(valid));
	const char *p;

	for (p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		switch (g_unichar_type(c)) {
		case G_UNICODE_CONTROL:
		case G_UNICODE_FORMAT:
		case G_UNICODE_LINE_SEPARATOR:
		case G_UNICODE_PARAGRAPH_SEPARATOR:
			break;
		default:
			g_string_append_unichar(out, c);
		}
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}
