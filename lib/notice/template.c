/* template.c - texts with {placeholders}, checked when loaded */
#include <string.h>

#include "notice/template.h"

/* the first line of a notice template starts with it */
#define SUBJECT_FIELD "Subject:"
#define SUBJECT_FIELD_LEN (sizeof SUBJECT_FIELD - 1)

/* placeholder_at - the length of "{name}" at s, with name, or 0 */
static gsize
placeholder_at(const char *s, char *name)
{
	gsize i;

	if (s[0] != '{')
		return 0;
	for (i = 1; i <= MP_PLACEHOLDER_NAME_MAX && (g_ascii_isalnum(s[i]) ||
	    s[i] == '-'); i++)
		;
	if (i == 1 || i > MP_PLACEHOLDER_NAME_MAX || s[i] != '}')
		return 0;
	memcpy(name, s + 1, i - 1);
	name[i - 1] = '\0';
	return i + 1;
}

/* check_placeholders - every {name} allowed; note the ones seen.
 * line is the file's line number where text starts. */
static int
check_placeholders(const char *text, const char *where, guint line,
    const char *const *allowed, GHashTable *seen, GError **err)
{
	const char *p;
	char name[MP_PLACEHOLDER_NAME_MAX + 1];
	gsize n;

	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			line++;
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		n = placeholder_at(p, name);
		if (n == 0 || !g_strv_contains(allowed, name))
			return mp_fail(err, EX_CONFIG, "template %s:%u: "
			    "unknown placeholder %.*s (write {{ for a brace)",
			    where, line, n > 0 ? (int)n : 1, p);
		g_hash_table_add(seen, g_strdup(name));
		p += n - 1;
	}
	return MP_OK;
}

/* mp_template_parse - check text against the allowed placeholders */
int
mp_template_parse(const char *text, const char *path, gboolean has_subject,
    const char *const *allowed, const char *const *required,
    MpTemplate **out, GError **err)
{
	const char *where = path != NULL ? path : "(built in)";
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	MpTemplate *t = g_new0(MpTemplate, 1);
	int status = MP_OK;
	guint i;

	*out = NULL;
	t->path = g_strdup(path);
	if (!g_utf8_validate(text, -1, NULL))
		status = mp_fail(err, EX_CONFIG, "template %s: not UTF-8 text",
		    where);
	else if (has_subject) {
		const char *nl = strchr(text, '\n');
		gsize first = nl != NULL ? (gsize)(nl - text) : strlen(text);

		if (g_ascii_strncasecmp(text, SUBJECT_FIELD,
		    SUBJECT_FIELD_LEN) != 0 ||
		    (nl != NULL && nl[1] != '\n' && nl[1] != '\0'))
			status = mp_fail(err, EX_CONFIG, "template %s:1: must "
			    "start with a Subject: line and an empty line",
			    where);
		else {
			t->subject = g_strstrip(g_strndup(text +
			    SUBJECT_FIELD_LEN, first - SUBJECT_FIELD_LEN));
			t->body = g_strdup(nl != NULL && nl[1] != '\0' ?
			    nl + 2 : "");
		}
	} else {
		t->body = g_strdup(text);
	}
	if (status == MP_OK && t->subject != NULL)
		status = check_placeholders(t->subject, where, 1, allowed, seen,
		    err);
	/* a notice's body starts on line 3, after the empty line */
	if (status == MP_OK)
		status = check_placeholders(t->body, where,
		    t->subject != NULL ? 3 : 1, allowed, seen, err);
	for (i = 0; status == MP_OK && required != NULL && required[i] != NULL;
	    i++)
		if (!g_hash_table_contains(seen, required[i]))
			status = mp_fail(err, EX_CONFIG, "template %s: must "
			    "hold {%s}", where, required[i]);
	g_hash_table_destroy(seen);
	if (status != MP_OK) {
		mp_template_free(t);
		return status;
	}
	*out = t;
	return MP_OK;
}

/* mp_template_load - DIR/NAME if it exists, else the built-in text */
int
mp_template_load(const char *dir, const char *name, const char *builtin,
    gboolean has_subject, const char *const *allowed,
    const char *const *required, MpTemplate **out, GError **err)
{
	char *path, *text = NULL;
	GError *e = NULL;
	gsize len;
	int status;

	*out = NULL;
	if (dir == NULL)
		return mp_template_parse(builtin, NULL, has_subject, allowed,
		    required, out, err);
	path = g_build_filename(dir, name, NULL);
	if (!g_file_get_contents(path, &text, &len, &e)) {
		if (g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_error_free(e);
			g_free(path);
			return mp_template_parse(builtin, NULL, has_subject,
			    allowed, required, out, err);
		}
		status = mp_fail(err, EX_CONFIG, "template %s", e->message);
		g_error_free(e);
		g_free(path);
		return status;
	}
	if (len > MP_TEMPLATE_BYTES_MAX || strlen(text) != len)
		status = mp_fail(err, EX_CONFIG, "template %s: not a text of "
		    "at most %d bytes", path, MP_TEMPLATE_BYTES_MAX);
	else
		status = mp_template_parse(text, path, has_subject, allowed,
		    required, out, err);
	g_free(text);
	g_free(path);
	return status;
}

/* mp_template_free - release a template */
void
mp_template_free(MpTemplate *t)
{
	if (t == NULL)
		return;
	g_free(t->path);
	g_free(t->subject);
	g_free(t->body);
	g_free(t);
}

/* mp_template_expand - text with every {name} replaced from values */
char *
mp_template_expand(const char *text, GHashTable *values)
{
	GString *out = g_string_sized_new(strlen(text) + 256);
	char name[MP_PLACEHOLDER_NAME_MAX + 1];
	const char *p;
	gsize n;

	for (p = text; *p != '\0'; p++) {
		if (p[0] == '{' && p[1] == '{') {
			g_string_append_c(out, '{');
			p++;
		} else if ((n = placeholder_at(p, name)) > 0) {
			const char *v = g_hash_table_lookup(values, name);

			g_string_append(out, v != NULL ? v : "");
			p += n - 1;
		} else {
			g_string_append_c(out, *p);
		}
	}
	return g_string_free(out, FALSE);
}
