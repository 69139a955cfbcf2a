/* csvread.c - a CSV file as rows of UTF-8 fields, with line numbers */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "base/csvread.h"

typedef struct {
	MpCsv *csv;
	MpCsvRow *row;		/* the row being filled */
	guint line;		/* physical line being fed to the parser */
	guint next_start;	/* line the next row starts on */
	gboolean pending;	/* a line fed since the last row ended */
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
	rd->pending = FALSE;
}

/* is_japanese - kana, kanji, CJK symbols, full- and half-width forms */
static gboolean
is_japanese(gunichar c)
{
	return (c >= 0x3000 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff) ||
	    (c >= 0x3200 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xff00 && c <= 0xffef) || (c >= 0x2460 && c <= 0x24ff);
}

/*
 * script_of - what the non-ASCII characters of UTF-8 text are: whether
 * any is Japanese, any is not, and any is beyond the Latin letters
 * (Greek, Cyrillic and the scripts after them).
 */
static void
script_of(const char *s, gboolean *japanese, gboolean *other,
    gboolean *beyond_latin)
{
	*japanese = *other = *beyond_latin = FALSE;
	for (; *s != '\0'; s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);

		if (c < 0x80)
			continue;
		if (is_japanese(c)) {
			*japanese = TRUE;
		} else {
			*other = TRUE;
			if (c >= 0x370)
				*beyond_latin = TRUE;
		}
	}
}

/*
 * utf8_or_cp932 - which encoding a file that is valid UTF-8 is in.
 * Half-width katakana (CP932 0xA1-0xDF) in pairs is valid UTF-8 by
 * accident: "ﾏｷ ﾐｶ" reads as Greek and Cyrillic.  Such a file is CP932
 * when its UTF-8 reading has no Japanese, its CP932 reading has nothing
 * else, and the UTF-8 reading goes beyond the Latin letters; when the
 * UTF-8 reading is Latin letters (José could be ﾃｩ) nobody can tell,
 * and the file is refused.  Returns NULL for that, with *cp932 set.
 */
static const char *
utf8_or_cp932(const char *raw, gsize len, char **cp932)
{
	gboolean u_jp, u_other, u_beyond, c_jp, c_other, c_beyond;
	char *u = g_strndup(raw, len);

	*cp932 = NULL;
	script_of(u, &u_jp, &u_other, &u_beyond);
	g_free(u);
	if (u_jp || !u_other)
		return "UTF-8";
	*cp932 = g_convert(raw, (gssize)len, "UTF-8", "CP932", NULL, NULL, NULL);
	if (*cp932 == NULL)
		return "UTF-8";
	script_of(*cp932, &c_jp, &c_other, &c_beyond);
	if (c_other || !c_jp) {
		g_clear_pointer(cp932, g_free);
		return "UTF-8";
	}
	return u_beyond ? "CP932" : NULL;
}

/* line_at - the line of raw that holds byte offset off, from 1 */
static guint
line_at(const char *raw, gsize off)
{
	guint line = 1;
	const char *p = raw, *end = raw + off;

	while ((p = memchr(p, '\n', (gsize)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/*
 * to_utf8 - the file's text as UTF-8, by the encoding rule above.  A
 * byte order mark says UTF-8: it is skipped when the encoding is
 * detected or given as UTF-8, and refused with any other encoding.
 */
static int
to_utf8(const char *path, char *raw, gsize len, const char *encoding,
    char **text, char **used, GError **err)
{
	GError *e = NULL;
	gsize done = 0;
	gboolean is_auto = encoding == NULL ||
	    g_ascii_strcasecmp(encoding, "auto") == 0;
	gboolean is_utf8 = is_auto || g_ascii_strcasecmp(encoding, "UTF-8") == 0 ||
	    g_ascii_strcasecmp(encoding, "UTF8") == 0;
	gboolean bom = len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0;

	if (bom && !is_utf8)
		return mp_fail(err, EX_DATAERR, "%s: starts with a UTF-8 byte "
		    "order mark, but the encoding is %s", path, encoding);
	if (bom) {
		raw += 3;
		len -= 3;
	}
	if (is_auto) {
		const char *valid_end;

		if (g_utf8_validate(raw, (gssize)len, &valid_end) && !bom) {
			char *cp932;
			const char *enc = utf8_or_cp932(raw, len, &cp932);

			if (enc == NULL) {
				g_free(cp932);
				return mp_fail(err, EX_DATAERR, "%s: cannot tell "
				    "the encoding: valid UTF-8 (Latin letters) "
				    "and valid CP932 (Japanese); give --encoding",
				    path);
			}
			*text = cp932 != NULL && strcmp(enc, "CP932") == 0 ?
			    cp932 : (g_free(cp932), g_strndup(raw, len));
			*used = g_strdup(enc);
			return MP_OK;
		}
		if (bom) {
			if (valid_end == raw + len) {
				*text = g_strndup(raw, len);
				*used = g_strdup("UTF-8");
				return MP_OK;
			}
			return mp_fail(err, EX_DATAERR, "%s:%u: not UTF-8 text "
			    "after a UTF-8 byte order mark: invalid byte 0x%02X",
			    path, line_at(raw, (gsize)(valid_end - raw)),
			    (guchar)*valid_end);
		}
		encoding = "CP932";
	}
	*text = g_convert(raw, (gssize)len, "UTF-8", encoding, &done, NULL, &e);
	if (*text == NULL) {
		int status;

		if (g_error_matches(e, G_CONVERT_ERROR,
		    G_CONVERT_ERROR_ILLEGAL_SEQUENCE) ||
		    g_error_matches(e, G_CONVERT_ERROR,
		    G_CONVERT_ERROR_PARTIAL_INPUT))
			status = mp_fail(err, EX_DATAERR, "%s:%u: not %s text: "
			    "invalid byte 0x%02X", path, line_at(raw, done),
			    encoding, done < len ? (guchar)raw[done] : 0);
		else
			status = mp_fail(err, EX_DATAERR, "%s: not %s text: %s",
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
		gboolean empty = line[0] == '\n' ||
		    (line[0] == '\r' && line[1] == '\n');

		next = strchr(line, '\n');
		next = next != NULL ? next + 1 : line + strlen(line);
		if (!empty)
			rd.pending = TRUE;
		if (csv_parse(&p, line, (size_t)(next - line), on_field, on_row,
		    &rd) != (size_t)(next - line)) {
			status = mp_fail(err, EX_DATAERR, "%s:%u: %s", path,
			    rd.line, csv_strerror(csv_error(&p)));
			break;
		}
		/* libcsv skips an empty line between rows without a row
		 * callback: the next row starts after it, not on it */
		if (empty && !rd.pending)
			rd.next_start = rd.line + 1;
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
