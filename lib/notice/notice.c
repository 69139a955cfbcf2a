/* notice.c - a message of its own (a password notice), rendered as text */
#include <string.h>

#include "base/human.h"
#include "base/secret.h"
#include "mail/encode.h"
#include "notice/notice.h"

/* mp_rfc5322_date - "Mon, 23 Nov 2026 09:00:00 +0900", locale-free */
char *
mp_rfc5322_date(GDateTime *t)
{
	static const char *const day[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat", "Sun" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	gint64 off = g_date_time_get_utc_offset(t) / G_TIME_SPAN_MINUTE;

	return g_strdup_printf("%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
	    day[g_date_time_get_day_of_week(t) - 1],
	    g_date_time_get_day_of_month(t),
	    mon[g_date_time_get_month(t) - 1], g_date_time_get_year(t),
	    g_date_time_get_hour(t), g_date_time_get_minute(t),
	    g_date_time_get_second(t), off < 0 ? '-' : '+',
	    (int)(ABS(off) / 60), (int)(ABS(off) % 60));
}

/* list_field - "Name: a, b" folded between addresses, or "" if none */
static void
list_field(GString *out, const char *name, GPtrArray *addrs)
{
	gsize line;
	guint i;

	if (addrs == NULL || addrs->len == 0)
		return;
	g_string_append_printf(out, "%s:", name);
	line = strlen(name) + 1;
	for (i = 0; i < addrs->len; i++) {
		const char *a = addrs->pdata[i];

		if (i > 0) {
			g_string_append_c(out, ',');
			line++;
		}
		if (i > 0 && line + 1 + strlen(a) > MP_TEXT_COLUMNS) {
			g_string_append(out, "\n");
			line = 0;
		}
		g_string_append_printf(out, " %s", a);
		line += 1 + strlen(a);
	}
	g_string_append(out, "\n");
}

/*
 * mp_notice_render - the notice as message text (LF line breaks)
 *
 * LF because every way a notice leaves (a file, a Maildir, sendmail's
 * standard input) takes the local line ending.  Auto-Submitted keeps
 * vacation programs from answering it (RFC 3834).
 */
GString *
mp_notice_render(const MpNotice *n)
{
	GString *out = g_string_new(NULL);
	GDateTime *now = n->date != NULL ? g_date_time_ref(n->date) :
	    n->tz != NULL ? g_date_time_new_now(n->tz) :
	    g_date_time_new_now_local();
	const char *at = strrchr(n->from, '@');
	char *date = mp_rfc5322_date(now);
	char *token = mp_secret_token(MP_NOTICE_ID_BYTES);
	char *subject = mp_header_field("Subject", n->subject, "\n");
	char *ct = mp_text_part_header(n->body, "\n");
	GString *body = mp_text_part_body(n->body, "\n");

	g_string_append_printf(out, "From: %s\n", n->from);
	list_field(out, "To", n->to);
	list_field(out, "Cc", n->cc);
	list_field(out, "Bcc", n->bcc);
	g_string_append(out, subject);
	g_string_append_printf(out, "Date: %s\n", date);
	g_string_append_printf(out, "Message-ID: <%s.notice@%s>\n", token,
	    at != NULL && at[1] != '\0' ? at + 1 : "localhost");
	if (n->references != NULL)
		g_string_append_printf(out, "References: <%s>\n", n->references);
	g_string_append(out, "Auto-Submitted: auto-generated\n");
	if (n->deliver_after > 0)
		g_string_append_printf(out, "X-MP-Deliver-After: %"
		    G_GUINT64_FORMAT "\n", n->deliver_after);
	g_string_append(out, "MIME-Version: 1.0\n");
	g_string_append(out, ct);
	g_string_append(out, "\n");
	g_string_append_len(out, body->str, (gssize)body->len);
	g_string_append(out, "\n");
	g_string_free(body, TRUE);
	g_free(ct);
	g_free(subject);
	g_free(token);
	g_free(date);
	g_date_time_unref(now);
	return out;
}
