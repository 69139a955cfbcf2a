/* csvread.c - a CSV file as rows of UTF-8 fields, with line numbers */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "csvread.h"

typedef struct {
	MpCsv *csv;
	MpCsvRow *row;		/* the row being filled */
	guint line;		/* physical line being fed to the parser */
	guint next_start;	/* line the next row starts on */
} Reader;

static void
row_free(gpointer p)
{
	MpCsvRow *r = p;

	g_ptr_array_free(r->fields, TRUE);
	g_free(r);
}

/* on_field - libcsv callback: one field of the current row */
static void
on_field(void *s, size_t len, void *data)
{
	Reader *rd = data;

	if (rd->row == NULL) {
		rd->row = g_new0(MpCsvRow, 1);
		rd->row->fields = g_ptr_array_new_with_free_func(g_free);
		rd->row->line = rd->next_start;
	}
	{
		/* a line break or tab inside a quoted field reads as a space:
		 * the snapshot keeps one value per line */
		char *f = g_strndup(s ? s : "", len), *c;

		for (c = f; *c != '\0'; c++)
			if (*c == '\t' || *c == '\n' || *c == '\r')
				*c = ' ';
		g_ptr_array_add(rd->row->fields, g_strstrip(f));
	}
}

/* on_row - libcsv callback: the current row is complete */
static void
on_row(int c, void *data)
{
	Reader *rd = data;

	(void)c;
	if (rd->row != NULL) {
		/* a row of one empty field is an empty line: skip it */
		if (rd->row->fields->len == 1 &&
		    *(char *)rd->row->fields->pdata[0] == '\0')
			row_free(rd->row);
		else
			g_ptr_array_add(rd->csv->rows, rd->row);
	}
	rd->row = NULL;
	rd->next_start = rd->line + 1;
}

/* to_utf8 - the file's text as UTF-8, by the encoding rule above */
static int
to_utf8(const char *path, char *raw, gsize len, const char *encoding,
    char **text, char **used, GError **err)
{
	GError *e = NULL;

	gboolean is_auto = encoding == NULL ||
	    g_ascii_strcasecmp(encoding, "auto") == 0;

	if (is_auto || g_ascii_strcasecmp(encoding, "UTF-8") == 0 ||
	    g_ascii_strcasecmp(encoding, "UTF8") == 0) {
		if (len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0) {
			raw += 3;
			len -= 3;
		}
	}
	if (is_auto) {
		if (g_utf8_validate(raw, (gssize)len, NULL)) {
			*text = g_strndup(raw, len);
			*used = g_strdup("UTF-8");
			return MP_OK;
		}
		encoding = "CP932";
	}
	*text = g_convert(raw, (gssize)len, "UTF-8", encoding, NULL, NULL, &e);
	if (*text == NULL) {
		int status = mp_fail(err, EX_DATAERR, "%s: not %s text: %s",
		    path, encoding, e->message);

		g_error_free(e);
		return status;
	}
	*used = g_strdup(encoding);
	return MP_OK;
}

/* mp_csv_read - parse a CSV file into rows of UTF-8 fields */
int
mp_csv_read(const char *path, const char *encoding, MpCsv **out,
    GError **err)
{
	struct csv_parser p;
	Reader rd = { 0 };
	char *raw = NULL, *text = NULL, *used = NULL;
	const char *line, *next;
	gsize len;
	GError *e = NULL;
	int status;

	*out = NULL;
	{
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return mp_fail(err, EX_NOINPUT, "%s: %s", path,
			    g_strerror(errno));
		close(fd);
	}
	if (!g_file_get_contents(path, &raw, &len, &e)) {
		status = mp_fail(err, EX_IOERR, "%s: %s", path, e->message);
		g_error_free(e);
		return status;
	}
	status = to_utf8(path, raw, len, encoding, &text, &used, err);
	g_free(raw);
	if (status != MP_OK)
		return status;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		g_free(text);
		g_free(used);
		return mp_fail(err, EX_TEMPFAIL, "csv: out of memory");
	}
	rd.csv = g_new0(MpCsv, 1);
	rd.csv->rows = g_ptr_array_new_with_free_func(row_free);
	rd.csv->encoding = used;
	rd.next_start = 1;
	/* Feed line by line so that each row knows the line it starts on. */
	for (line = text, rd.line = 1; *line != '\0'; line = next, rd.line++) {
		next = strchr(line, '\n');
		next = next != NULL ? next + 1 : line + strlen(line);
		if (csv_parse(&p, line, (size_t)(next - line), on_field, on_row,
		    &rd) != (size_t)(next - line)) {
			status = mp_fail(err, EX_DATAERR, "%s:%u: %s", path,
			    rd.line, csv_strerror(csv_error(&p)));
			break;
		}
	}
	if (status == MP_OK)
		csv_fini(&p, on_field, on_row, &rd);
	csv_free(&p);
	g_free(text);
	if (rd.row != NULL)
		row_free(rd.row);
	if (status == MP_OK && rd.csv->rows->len == 0)
		status = mp_fail(err, EX_DATAERR, "%s: no header row", path);
	if (status != MP_OK) {
		mp_csv_free(rd.csv);
		return status;
	}
	*out = rd.csv;
	return MP_OK;
}

void
mp_csv_free(MpCsv *csv)
{
	if (csv == NULL)
		return;
	g_ptr_array_free(csv->rows, TRUE);
	g_free(csv->encoding);
	g_free(csv);
}
