/* message.c - read one message and split its header block exactly */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "mail/message.h"

/* how much a read asks for: a whole message, and a header block */
#define READ_CHUNK ((gsize)64 * 1024)
#define HEAD_CHUNK ((gsize)8 * 1024)

static int message_split(MpMessage *msg, const MpLimits *limits,
    GError **err);
static gboolean line_is_field(const char *s, gsize n, gsize *name_len,
    gsize *colon);
static gsize line_next(const char *d, gsize len, MpEol eol, gsize pos,
    gsize *content_end);

/*
 * read_chunk - append up to chunk bytes of fd to buf: the count read (0
 * at the end), or -1 with errno set; an interrupted read is retried
 */
static ssize_t
read_chunk(int fd, GByteArray *buf, gsize chunk)
{
	gsize have = buf->len;
	ssize_t n;

	g_byte_array_set_size(buf, have + chunk);
	do
		n = read(fd, buf->data + have, chunk);
	while (n < 0 && errno == EINTR);
	g_byte_array_set_size(buf, have + (n > 0 ? (gsize)n : 0));
	return n;
}

/* message_own - the message of buf's bytes, which it keeps; buf is
 * freed when the bytes are no message */
static int
message_own(GByteArray *buf, const MpLimits *limits, MpMessage **out,
    GError **err)
{
	int status = mp_message_new_borrowed((const char *)buf->data,
	    buf->len, limits, out, err);

	if (status != MP_OK) {
		g_byte_array_free(buf, TRUE);
		return status;
	}
	(*out)->owned = buf;
	return MP_OK;
}

/* mp_message_read_fd - read one message from fd, up to the size limit */
int
mp_message_read_fd(int fd, const MpLimits *limits,
    MpMessage **out, GError **err)
{
	GByteArray *buf;
	ssize_t n;

	*out = NULL;
	buf = g_byte_array_sized_new(READ_CHUNK);
	for (;;) {
		if ((n = read_chunk(fd, buf, READ_CHUNK)) < 0) {
			int e = errno;

			g_byte_array_free(buf, TRUE);
			return mp_fail(err, EX_IOERR, "read: %s", g_strerror(e));
		}
		if (n == 0)
			break;
		if (buf->len > limits->message_bytes) {
			g_byte_array_free(buf, TRUE);
			return mp_fail(err, EX_DATAERR,
			    "message larger than message-bytes limit "
			    "(%" G_GSIZE_FORMAT " bytes)", limits->message_bytes);
		}
	}
	return message_own(buf, limits, out, err);
}

/* mp_message_read_path - read one message from a file */
int
mp_message_read_path(const char *path, const MpLimits *limits,
    MpMessage **out, GError **err)
{
	int fd, status;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mp_fail(err, EX_NOINPUT, "%s", g_strerror(errno));
	status = mp_message_read_fd(fd, limits, out, err);
	close(fd);
	return status;
}

/* header_ended - whether buf holds an empty line (the header's end) */
static gboolean
header_ended(const guint8 *buf, gsize len)
{
	const char *d = (const char *)buf, *p = d, *end = d + len;

	while ((p = memchr(p, '\n', (gsize)(end - p))) != NULL) {
		if (++p < end && (*p == '\n' ||
		    (*p == '\r' && p + 1 < end && p[1] == '\n')))
			return TRUE;
	}
	/* old Mac files end lines with CR alone */
	return memchr(d, '\n', len) == NULL && memmem(d, len, "\r\r", 2);
}

/* mp_message_read_head - read a file's header block only */
int
mp_message_read_head(const char *path, const MpLimits *limits,
    MpMessage **out, GError **err)
{
	GByteArray *buf;
	struct stat st;
	int fd, status;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mp_fail(err, EX_NOINPUT, "%s", g_strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (gsize)st.st_size > limits->message_bytes) {
		close(fd);
		return mp_fail(err, EX_DATAERR,
		    "message larger than message-bytes limit "
		    "(%" G_GSIZE_FORMAT " bytes)", limits->message_bytes);
	}
	buf = g_byte_array_sized_new(HEAD_CHUNK);
	for (;;) {
		ssize_t n = read_chunk(fd, buf, HEAD_CHUNK);

		if (n < 0) {
			int e = errno;

			close(fd);
			g_byte_array_free(buf, TRUE);
			return mp_fail(err, EX_IOERR, "read: %s", g_strerror(e));
		}
		/* a header over the limit fails in the split below */
		if (n == 0 || header_ended(buf->data, buf->len) ||
		    buf->len > limits->header_bytes + HEAD_CHUNK)
			break;
	}
	close(fd);
	if ((status = message_own(buf, limits, out, err)) != MP_OK)
		return status;
	if (S_ISREG(st.st_mode))
		(*out)->size = (gsize)st.st_size;
	return MP_OK;
}

/* mp_message_new_borrowed - split bytes the caller keeps alive */
int
mp_message_new_borrowed(const char *data, gsize len, const MpLimits *limits,
    MpMessage **out, GError **err)
{
	MpMessage *msg;
	int status;

	*out = NULL;
	msg = g_new0(MpMessage, 1);
	msg->data = data;
	msg->len = msg->size = len;
	msg->fields = g_array_new(FALSE, FALSE, sizeof(MpField));
	status = message_split(msg, limits, err);
	if (status != MP_OK) {
		mp_message_free(msg);
		return status;
	}
	*out = msg;
	return MP_OK;
}

/* mp_message_free - release a message and what it owns */
void
mp_message_free(MpMessage *msg)
{
	if (msg == NULL)
		return;
	g_array_free(msg->fields, TRUE);
	if (msg->owned != NULL)
		g_byte_array_free(msg->owned, TRUE);
	g_free(msg);
}

/* mp_message_eol - the message's own line ending as a string */
const char *
mp_message_eol(const MpMessage *msg)
{
	switch (msg->eol) {
	case MP_EOL_CRLF:
		return "\r\n";
	case MP_EOL_CR:
		return "\r";
	default:
		return "\n";
	}
}

/*
 * line_next - end of the line starting at pos (after its line ending);
 * *content_end is where the line's text stops.  A CR before the LF is
 * part of the line ending in LF and CRLF files alike, so a message with
 * mixed endings still finds its empty line.
 */
static gsize
line_next(const char *d, gsize len, MpEol eol, gsize pos, gsize *content_end)
{
	const char *p;
	char stop = eol == MP_EOL_CR ? '\r' : '\n';

	p = memchr(d + pos, stop, len - pos);
	if (p == NULL) {
		*content_end = len;
		return len;
	}
	*content_end = (gsize)(p - d);
	if (stop == '\n' && *content_end > pos && p[-1] == '\r')
		(*content_end)--;
	return (gsize)(p - d) + 1;
}

/*
 * line_is_field - whether a line starts a header field: a name of
 * printable ASCII other than the colon, optional white space (obsolete
 * syntax, RFC 5322 4.5), then a colon.
 */
static gboolean
line_is_field(const char *s, gsize n, gsize *name_len, gsize *colon)
{
	gsize i = 0, name_end;

	while (i < n && s[i] >= 33 && s[i] <= 126 && s[i] != ':')
		i++;
	if (i == 0)
		return FALSE;
	name_end = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i] != ':')
		return FALSE;
	*name_len = name_end;
	*colon = i;
	return TRUE;
}

/*
 * mp_header_block_split - split the header block starting at pos into
 * fields, up to the empty line; for a message and for a MIME part alike.
 * A line that is neither a field nor a continuation ends the block
 * there (the body starts with it, as in GMime); so does EOF.
 */
int
mp_header_block_split(const char *d, gsize len, gsize pos, MpEol eol,
    gsize limit, GArray *fields, gsize *header_end, gsize *body_start,
    GError **err)
{
	gsize start = pos, next, cend;
	MpField *cur = NULL;

	*header_end = *body_start = len;
	while (pos < len) {
		gsize name_len, colon;

		next = line_next(d, len, eol, pos, &cend);
		if (cend == pos) {			/* the empty line */
			*header_end = pos;
			*body_start = next;
			break;
		}
		if (d[pos] == ' ' || d[pos] == '\t') {
			if (cur == NULL) {
				*header_end = *body_start = pos;
				break;
			}
			cur->end = next;
			cur->has_eol = next > cend;
		} else if (line_is_field(d + pos, cend - pos, &name_len,
		    &colon)) {
			MpField f;

			f.start = pos;
			f.name_len = name_len;
			f.value_start = pos + colon + 1;
			f.end = next;
			f.has_eol = next > cend;
			g_array_append_val(fields, f);
			cur = &g_array_index(fields, MpField, fields->len - 1);
		} else {
			*header_end = *body_start = pos;
			break;
		}
		if (next - start > limit)
			return mp_fail(err, EX_DATAERR,
			    "header block larger than header-bytes limit "
			    "(%" G_GSIZE_FORMAT " bytes)", limit);
		pos = next;
	}
	return MP_OK;
}

/* mp_eol_detect - the line ending of the first line at pos */
MpEol
mp_eol_detect(const char *d, gsize len, gsize pos)
{
	const char *nl, *cr;

	nl = memchr(d + pos, '\n', len - pos);
	cr = memchr(d + pos, '\r', (nl ? (gsize)(nl - d) : len) - pos);
	if (cr != NULL && (gsize)(cr - d) + 1 < len && cr[1] == '\n')
		return MP_EOL_CRLF;
	if (cr != NULL)
		return MP_EOL_CR;
	return MP_EOL_LF;
}

static int
message_split(MpMessage *msg, const MpLimits *limits, GError **err)
{
	const char *d = msg->data;
	gsize pos = 0, cend;
	int status;

	if (msg->len == 0)
		return mp_fail(err, EX_DATAERR, "empty message");
	if (msg->len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	if (msg->len - pos >= 5 && memcmp(d + pos, "From ", 5) == 0) {
		/* the From_ line was written by the mbox, not by the mailer */
		pos = line_next(d, msg->len, mp_eol_detect(d, msg->len, pos),
		    pos, &cend);
	}
	/* The line ending is whatever ends the first header line. */
	msg->eol = mp_eol_detect(d, msg->len, pos);
	msg->prefix_len = pos;

	status = mp_header_block_split(d, msg->len, pos, msg->eol,
	    limits->header_bytes, msg->fields, &msg->header_end,
	    &msg->body_start, err);
	if (status != MP_OK)
		return status;
	if (msg->fields->len == 0)
		return mp_fail(err, EX_DATAERR, "no header fields");
	return MP_OK;
}

/* mp_field_is - whether a field's name equals name, ignoring case */
gboolean
mp_field_is(const MpMessage *msg, const MpField *f, const char *name)
{
	gsize n = strlen(name);

	return f->name_len == n &&
	    g_ascii_strncasecmp(msg->data + f->start, name, n) == 0;
}

/*
 * mp_field_value - the unfolded value of a field, NUL-terminated
 *
 * A NUL byte (seen in real bounces) reads as a space: the bytes are
 * still copied as they are by rewriters, only their meaning is taken
 * as if the NUL were not there.
 */
char *
mp_field_value(const MpMessage *msg, const MpField *f)
{
	GString *s;
	gsize i;

	s = g_string_sized_new(f->end - f->value_start);
	for (i = f->value_start; i < f->end; i++) {
		char c = msg->data[i];

		if (c == '\0')
			g_string_append_c(s, ' ');
		else if (c != '\r' && c != '\n')
			g_string_append_c(s, c);
	}
	g_strstrip(s->str);
	s->len = strlen(s->str);
	return g_string_free(s, FALSE);
}

/* mp_message_header - unfolded value of the first field called name */
char *
mp_message_header(const MpMessage *msg, const char *name)
{
	guint i;

	for (i = 0; i < msg->fields->len; i++) {
		const MpField *f = &g_array_index(msg->fields, MpField, i);

		if (mp_field_is(msg, f, name))
			return mp_field_value(msg, f);
	}
	return NULL;
}

/* mp_message_has_field - whether any header field is called name */
gboolean
mp_message_has_field(const MpMessage *msg, const char *name)
{
	guint i;

	for (i = 0; i < msg->fields->len; i++)
		if (mp_field_is(msg, &g_array_index(msg->fields, MpField, i),
		    name))
			return TRUE;
	return FALSE;
}

/* mp_message_id - the Message-ID without angle brackets, or NULL */
char *
mp_message_id(const MpMessage *msg)
{
	char *raw = mp_message_header(msg, "Message-ID"), *id;

	if (raw == NULL)
		return NULL;
	id = g_mime_utils_decode_message_id(raw);
	if (id == NULL || *id == '\0' || !g_utf8_validate(id, -1, NULL)) {
		g_free(id);
		id = g_utf8_make_valid(raw, -1);
	}
	g_free(raw);
	return id;
}

/*
 * mp_date_parse - the time a Date field gives.  GMime reads a zone name
 * it does not know as UTC, and Japanese mailers wrote "JST" (with no
 * offset) for years: a last word "JST" is +0900.
 */
GDateTime *
mp_date_parse(const char *value)
{
	char *v = g_strdup(value), *end, *word;
	GDateTime *t;

	end = strchr(v, '(');	/* "+0900 (JST)" is a comment */
	if (end != NULL)
		*end = '\0';
	g_strchomp(v);
	word = strrchr(v, ' ');
	word = word != NULL ? word + 1 : v;
	if (g_ascii_strcasecmp(word, "JST") == 0) {
		char *jst;

		*word = '\0';
		jst = g_strconcat(v, "+0900", NULL);
		g_free(v);
		v = jst;
	}
	t = g_mime_utils_header_decode_date(v);
	g_free(v);
	return t;
}
