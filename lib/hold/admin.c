/* admin.c - mp-hold's jobs: queue one message, run the queue, and what
 * an administrator asks of it */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/diag.h"
#include "base/human.h"
#include "base/json.h"
#include "base/output.h"
#include "hold/admin.h"

/* read_all - standard input, whole, up to the message size limit */
static int
read_all(int fd, guint64 max, GByteArray **out, GError **err)
{
	GByteArray *b = g_byte_array_new();
	guchar buf[64 * 1024];
	ssize_t n;

	*out = NULL;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			g_byte_array_free(b, TRUE);
			return mp_fail(err, EX_TEMPFAIL, "read standard input: "
			    "%s", g_strerror(errno));
		}
		if (b->len + (guint64)n > max) {
			g_byte_array_free(b, TRUE);
			return mp_fail(err, EX_DATAERR, "the message is over "
			    "[limits] message-bytes (%" G_GUINT64_FORMAT ")",
			    max);
		}
		g_byte_array_append(b, buf, (guint)n);
	}
	*out = b;
	return MP_OK;
}

/* queue - the message on standard input held; its id printed */
static int
queue(MpHoldCtx *c, MpAddrParser *ap, const MpHoldJob *job, GError **err)
{
	GByteArray *b;
	char *id = NULL;
	int status;

	if ((status = read_all(0, c->cfg->limits.message_bytes, &b, err)) !=
	    MP_OK)
		return status;
	if (b->len == 0) {
		g_byte_array_free(b, TRUE);
		return mp_fail(err, EX_DATAERR, "no message on standard input");
	}
	status = mp_hold_submit(c, ap, &job->rq, b->data, b->len, &id, err);
	g_byte_array_free(b, TRUE);
	if (status != MP_OK)
		return status;
	/*
	 * The id said, or the entry withdrawn: an exit status other than
	 * 0 makes the MTA try again, and a second entry must not come of
	 * it.  Only then the notices and what is due now.
	 */
	if ((status = mp_stdio_printf(stdout, err, "%s\n", id)) != MP_OK ||
	    (fflush(stdout) != 0 && (status = mp_fail(err,
	    mp_errno_status(errno), "write to standard output: %s",
	    g_strerror(errno))) != MP_OK)) {
		mp_hold_remove(c->spool, id, NULL);
		g_free(id);
		return EX_TEMPFAIL;
	}
	mp_diag_info(job->syslog, NULL, "%s: held: mode=%s from=<%s> nrcpt=%u",
	    id, mp_hold_mode_name(job->rq.mode), job->rq.sender,
	    job->rq.nrecipients);
	mp_hold_submitted(c, id);
	g_free(id);
	return MP_OK;
}

/* run - the queue once; a line to the log when anything happened */
static int
run(MpHoldCtx *c, const MpHoldJob *job, GError **err)
{
	MpHoldRunStats st = { 0 };
	int status = mp_hold_run(c, &st, err);

	if (st.delivered + st.deferred + st.refused + st.expired +
	    st.notices + st.failed > 0)
		mp_diag_info(job->syslog, NULL, "run: delivered=%u deferred=%u "
		    "refused=%u expired=%u notices=%u busy=%u failed=%u",
		    st.delivered, st.deferred, st.refused, st.expired,
		    st.notices, st.busy, st.failed);
	return status;
}

/* time_text - a time in the configured zone, or "-" */
static char *
time_text(const MpHoldCtx *c, gint64 t)
{
	GDateTime *d;
	char *s;

	if (t == 0)
		return g_strdup("-");
	d = g_date_time_new_from_unix_utc(t);
	s = mp_time_text_in(d, c->tz, FALSE);
	g_date_time_unref(d);
	return s;
}

/* wanted - whether an entry passes --list's filters */
static gboolean
wanted(const MpHoldCtx *c, const MpHoldJob *job, const MpHoldEntry *e)
{
	if (job->by_state && e->state != job->state)
		return FALSE;
	if (job->sender != NULL && g_ascii_strcasecmp(job->sender,
	    e->sender) != 0)
		return FALSE;
	if (job->by_age && mp_hold_age(mp_hold_now(c), e->created) <
	    job->older_than)
		return FALSE;
	return TRUE;
}

/* list_json - one entry of --list --json */
static json_t *
list_json(const MpHoldEntry *e)
{
	json_t *o = json_object(), *r = json_array();
	gint64 due = mp_hold_next_due(e);
	guint i;

	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "state", json_string(mp_hold_state_name(
	    e->state)));
	json_object_set_new(o, "mode", json_string(mp_hold_mode_name(
	    e->mode)));
	json_object_set_new(o, "created", json_integer(e->created));
	json_object_set_new(o, "due", due != 0 ? json_integer(due) :
	    json_null());
	json_object_set_new(o, "sender", mp_json_str(e->sender));
	for (i = 0; i < e->recipients->len; i++)
		json_array_append_new(r, mp_json_str(e->recipients->pdata[i]));
	json_object_set_new(o, "recipients", r);
	json_object_set_new(o, "subject", mp_json_str(e->subject));
	return o;
}

/* list - one line per entry that passes the filters, oldest first */
static int
list(MpHoldCtx *c, const MpHoldJob *job, GError **err)
{
	GPtrArray *ids;
	int status;
	guint i;

	if ((status = mp_hold_ids(c->spool, &ids, err)) != MP_OK)
		return status;
	for (i = 0; i < ids->len && status == MP_OK; i++) {
		MpHoldEntry *e = NULL;
		GError *why = NULL;

		if (mp_hold_load(c->spool, ids->pdata[i], &e, &why) != MP_OK) {
			/* one broken entry must not hide the others */
			mp_diag_warn(job->syslog, NULL, "%s", why->message);
			g_error_free(why);
			continue;
		}
		if (wanted(c, job, e)) {
			if (job->json) {
				json_t *o = list_json(e);

				/* mp_json_put takes the reference */
				status = mp_json_put(stdout, o, err);
			} else {
				char *created = time_text(c, e->created);
				char *due = time_text(c, mp_hold_next_due(e));
				char *subject = g_strdelimit(g_strdup(
				    e->subject), "\t\r\n", ' ');

				status = mp_stdio_printf(stdout, err,
				    "%s %s %s %s %s <%s> %u %s\n", e->id,
				    mp_hold_state_name(e->state),
				    mp_hold_mode_name(e->mode), created, due,
				    e->sender, e->recipients->len, subject);
				g_free(subject);
				g_free(due);
				g_free(created);
			}
		}
		mp_hold_entry_free(e);
	}
	g_ptr_array_free(ids, TRUE);
	return status;
}

/* show - the entry and its audit log */
static int
show(MpHoldCtx *c, const MpHoldJob *job, GError **err)
{
	MpHoldEntry *e = NULL;
	char *log = NULL, *json = NULL;
	int status;

	if ((status = mp_hold_load(c->spool, job->id, &e, err)) != MP_OK ||
	    (status = mp_hold_read_log(c->spool, job->id, &log, err)) !=
	    MP_OK)
		goto out;
	if (job->json) {
		json_error_t jerr;
		json_t *o, *lines = json_array();
		char **l, **all = g_strsplit(log, "\n", -1);

		json = mp_hold_entry_to_json(e);
		o = json_loads(json, 0, &jerr);
		for (l = all; *l != NULL; l++)
			if (**l != '\0')
				json_array_append_new(lines, json_loads(*l, 0,
				    &jerr));
		g_strfreev(all);
		json_object_set_new(o, "log", lines);
		status = mp_json_put(stdout, o, err);
	} else {
		GString *out = g_string_new(NULL);
		char *t;
		guint i;

		g_string_append_printf(out, "id: %s\nstate: %s\nmode: %s\n",
		    e->id, mp_hold_state_name(e->state),
		    mp_hold_mode_name(e->mode));
		t = time_text(c, e->created);
		g_string_append_printf(out, "created: %s\nsender: <%s>\n", t,
		    e->sender);
		g_free(t);
		for (i = 0; i < e->recipients->len; i++)
			g_string_append_printf(out, "recipient: %s (%s)\n",
			    (char *)e->recipients->pdata[i],
			    (char *)e->classes->pdata[i]);
		g_string_append_printf(out, "subject: %s\nsize: %"
		    G_GUINT64_FORMAT "\n", e->subject, e->size);
		for (i = 0; i < e->deliveries->len; i++) {
			const MpHoldDelivery *d = e->deliveries->pdata[i];

			t = time_text(c, d->due);
			g_string_append_printf(out, "delivery: %u recipient%s "
			    "due %s, %s", d->recipients->len,
			    d->recipients->len == 1 ? "" : "s", t,
			    d->state == MP_HOLD_PENDING ? "pending" :
			    d->state == MP_HOLD_DONE ? "delivered" :
			    d->state == MP_HOLD_CANCELLED ? "cancelled" :
			    "refused");
			g_free(t);
			if (d->error != NULL)
				g_string_append_printf(out, " (%s)", d->error);
			g_string_append_c(out, '\n');
		}
		for (i = 0; i < e->approvers->len; i++)
			g_string_append_printf(out, "approver: %s\n",
			    ((MpHoldApprover *)e->approvers->pdata[i])->address);
		if (e->by != NULL)
			g_string_append_printf(out, "by: %s\n", e->by);
		if (e->comment != NULL)
			g_string_append_printf(out, "comment: %s\n",
			    e->comment);
		if (e->justification != NULL)
			g_string_append_printf(out, "justification: %s\n",
			    e->justification);
		g_string_append_printf(out, "log:\n%s", log);
		status = mp_stdio_put(stdout, out->str, out->len, err);
		g_string_free(out, TRUE);
	}
out:
	g_free(json);
	g_free(log);
	mp_hold_entry_free(e);
	return status;
}

/* act - --release or --discard by the administrator running us */
static int
act(MpHoldCtx *c, const MpHoldJob *job, GError **err)
{
	MpHoldActor by = { MP_HOLD_BY_ADMIN, g_get_user_name(), NULL };
	MpHoldAction a = job->kind == MP_HOLD_JOB_RELEASE ?
	    MP_HOLD_ACT_RELEASE : MP_HOLD_ACT_DISCARD;
	MpHoldEntry *e = NULL;
	int status;

	switch (mp_hold_act(c, job->id, &by, a, NULL, NULL, NULL, err)) {
	case MP_HOLD_ACT_OK:
		return mp_stdio_printf(stdout, err, "%s: %s\n", job->id,
		    a == MP_HOLD_ACT_RELEASE ? "released" : "discarded");
	case MP_HOLD_ACT_UNKNOWN:
		return EX_NOINPUT;
	case MP_HOLD_ACT_FINISHED:
	case MP_HOLD_ACT_FORBIDDEN:
		status = mp_hold_load(c->spool, job->id, &e, err);
		if (status == MP_OK) {
			status = mp_fail(err, 1, "%s: already %s", job->id,
			    mp_hold_state_name(e->state));
			mp_hold_entry_free(e);
		}
		return status;
	case MP_HOLD_ACT_BUSY:
	case MP_HOLD_ACT_ERROR:
	default:
		if (err != NULL && *err == NULL)
			mp_fail(err, EX_TEMPFAIL, "%s: the spool failed",
			    job->id);
		return EX_TEMPFAIL;
	}
}

/* mp_hold_job - the job done */
int
mp_hold_job(MpHoldCtx *c, MpAddrParser *ap, const MpHoldJob *job,
    GError **err)
{
	guint removed = 0;
	int status;

	switch (job->kind) {
	case MP_HOLD_JOB_QUEUE:
		return queue(c, ap, job, err);
	case MP_HOLD_JOB_RUN:
		return run(c, job, err);
	case MP_HOLD_JOB_LIST:
		return list(c, job, err);
	case MP_HOLD_JOB_SHOW:
		return show(c, job, err);
	case MP_HOLD_JOB_RELEASE:
	case MP_HOLD_JOB_DISCARD:
		return act(c, job, err);
	case MP_HOLD_JOB_PURGE:
	default:
		status = mp_hold_purge(c, job->by_age ? job->older_than :
		    c->purge_after, &removed, err);
		if (removed > 0)
			mp_diag_info(job->syslog, NULL, "purged %u finished "
			    "entr%s", removed, removed == 1 ? "y" : "ies");
		return status;
	}
}
