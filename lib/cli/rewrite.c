/* rewrite.c - the driver of a rewriter: a command that takes the
 * attachments out of a message, hands a notice on first and prints the
 * message only once the notice is safe (mp-zipenc, mp-detach) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/rewrite.h"
#include "base/diag.h"
#include "base/output.h"
#include "base/secret.h"

static gboolean took(gpointer data, int id, const char *arg);
static int set_up(MpRewrite *rw, GError **err);
static int one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data);
static int finish(MpRewrite *rw, int status, GError *err);

/* mp_rewrite_main - the whole command; returns the exit status */
int
mp_rewrite_main(const MpRewriter *t, gpointer data, MpOpts *const *tables,
    int ntables, int argc, char **argv)
{
	static const struct option shared[] = {
		MP_CLI_LONG_OPTIONS_NO_DOMAINS,
		{ NULL, 0, NULL, 0 },
	};
	const MpCliSyntax syn = { t->tool, t->usage, "c:h", shared, NULL,
	    took };
	MpRewrite rw;
	GError *err = NULL;
	int i, status;

	memset(&rw, 0, sizeof rw);
	rw.tool = t;
	rw.data = data;
	g_assert(ntables <= MP_REWRITE_TABLES_MAX);
	for (i = 0; i < ntables; i++)
		rw.tables[i] = tables[i];
	rw.ntables = ntables;
	mp_diag_open(t->tool, FALSE);
	mp_cli_init(&rw.cli);
	if ((status = mp_cli_parse(&syn, &rw, &rw.cli, rw.tables, rw.ntables,
	    &argc, &argv)) != -1)
		goto done;
	rw.run.batch = mp_cli_is_batch(&rw.cli, argc);
	if (t->usable != NULL && !t->usable(&rw, argc)) {
		fputs(t->usage, stderr);
		status = EX_USAGE;
		goto done;
	}

	if ((status = mp_config_load(rw.cli.config, &rw.cfg, &err)) !=
	    MP_OK || (status = set_up(&rw, &err)) != MP_OK) {
		mp_diag_error(rw.cli.syslog, NULL, "%s", err->message);
		goto done;
	}
	if (rw.cli.syslog)
		rw.cfg->syslog = TRUE;
	rw.run.syslog = rw.cfg->syslog;
	mp_diag_open(t->tool, rw.cfg->syslog);
	if (t->admin != NULL &&
	    (status = t->admin(&rw, &err)) != MP_REWRITE_MAIL) {
		status = mp_run_finish(&rw.run, status, err);
		err = NULL;
		goto done;
	}
	/* a notice command that exits early must fail a write, not kill us */
	signal(SIGPIPE, SIG_IGN);

	sigemptyset(&rw.held);
	if (t->hold != NULL)
		t->hold(&rw.held);
	status = mp_cli_run(&rw.cli, argv, argc, &rw.cfg->limits, one_message,
	    &rw, &err);
	status = finish(&rw, status, err);
	err = NULL;
done:
	g_clear_error(&err);
	g_clear_error(&rw.run.err);
	mp_addr_parser_free(rw.ap);
	mp_config_free(rw.cfg);
	mp_cli_clear(&rw.cli);
	return status;
}

/* took - an option of the tool's tables was taken: the tool's say */
static gboolean
took(gpointer data, int id, const char *arg)
{
	MpRewrite *rw = data;

	return rw->tool->took == NULL || rw->tool->took(rw, id, arg);
}

/* set_up - the tables resolved, the tool's policy, and libsodium: a
 * mistake in any of them stops us before a message is read */
static int
set_up(MpRewrite *rw, GError **err)
{
	int i, status;

	for (i = 0; i < rw->ntables; i++)
		if ((status = mp_opts_read(rw->tables[i], rw->cfg, err)) !=
		    MP_OK)
			return status;
	rw->ap = mp_addr_parser_new();
	mp_addr_parser_want_names(rw->ap, TRUE);
	if ((status = rw->tool->set_policy(rw, err)) != MP_OK)
		return status;
	return mp_secret_init(err);
}

/*
 * stopped - whether one of the held signals came while the message was
 * being rewritten and printed: then it must not go out, and undo takes
 * back what it left.  Postfix and maildrop try again on 75.
 */
static int
stopped(MpRewrite *rw, GError **err)
{
	static const struct timespec now = { 0, 0 };
	int sig = sigtimedwait(&rw->held, NULL, &now);

	if (sig <= 0)
		return MP_OK;
	rw->caught = sig;
	return mp_fail(err, EX_TEMPFAIL, "stopped by signal %d before the "
	    "message was out; %s", sig, rw->tool->undone);
}

/*
 * finish - after the last message: a held signal, or standard output
 * that cannot be finished, takes the last rewrite back (75); then say
 * what went wrong and pick the exit status
 */
static int
finish(MpRewrite *rw, int status, GError *err)
{
	const MpRewriter *t = rw->tool;

	if (status == MP_OK && rw->undo_due)
		status = stopped(rw, &err);
	if (status == MP_OK)
		status = mp_stdout_finish(&err);
	if (status != MP_OK && rw->undo_due) {
		/* the message did not go out: neither may what it made stay */
		t->undo(rw);
		rw->undo_due = FALSE;
		status = EX_TEMPFAIL;
	}
	if (rw->caught != 0)
		status = EX_TEMPFAIL;
	status = mp_run_end(&rw->run, status, err);
	if (t->hold != NULL) {
		/* a signal held back while nothing was made: we end now
		 * anyway */
		while (stopped(rw, NULL) != MP_OK)
			;
		sigprocmask(SIG_UNBLOCK, &rw->held, NULL);
	}
	return status;
}

/* put - the rewritten message, from its spool or as text */
static int
put(const MpRewriteOut *out, GError **err)
{
	if (out->spool != NULL)
		return mp_spool_put(out->spool, stdout, err);
	return mp_stdio_put(stdout, out->text->str, out->text->len, err);
}

/*
 * deliver - the notice, and only when it is safe the message; when
 * either fails, undo takes back what the rewrite left (75)
 */
static int
deliver(MpRewrite *rw, const MpMessage *msg, const MpRewriteOut *out,
    const char *label, const char *msgid, GError **err)
{
	const MpRewriter *t = rw->tool;
	int r;

	if (out->warning != NULL)
		mp_diag_warn(rw->run.syslog, msgid, "%s: %s", label,
		    out->warning);
	if (!out->changed)
		return mp_stdio_put(stdout, msg->data, msg->len, err);
	rw->undo_due = t->undo != NULL;
	/* a signal that stopped the notice command: nothing was printed,
	 * and 75 ends us (one message: not a batch) */
	if ((r = t->notice(rw, out->notice, &rw->caught, err)) == MP_OK)
		r = put(out, err);
	if (r != MP_OK) {
		if (rw->undo_due) {
			t->undo(rw);
			rw->undo_due = FALSE;
			return EX_TEMPFAIL;
		}
		return r;
	}
	if (out->dkim_signed)
		mp_diag_warn(rw->run.syslog, msgid, "%s: a DKIM-Signature "
		    "signs the body; this rewrite breaks it (run mp before "
		    "signing)", label);
	if (out->record != NULL)
		mp_diag_info(rw->run.syslog, msgid, "%s", out->record);
	return MP_OK;
}

/* report - a batch's line: what would happen to the message */
static int
report(const MpRewriteOut *out, const char *label, const GError *why,
    GError **err)
{
	if (out->line == NULL)
		return mp_stdio_printf(stdout, err, "%s: error: %s\n", label,
		    why->message);
	return mp_stdio_printf(stdout, err, "%s: %s\n", label, out->line);
}

/*
 * one_message - rewrite one message: the notice is delivered first, and
 * only when it is safe is the message printed; in a batch, report what
 * would happen (nothing is made or delivered, the archive is never
 * changed).  From the rewrite until the message is out, the tool's
 * held signals wait (finish acts on them, and a notice command is
 * stopped at once): killed in between, we would leave what the rewrite
 * made, and a notice, for mail that never left.
 */
static int
one_message(const MpSource *src, MpMessage *msg, int status,
    const GError *why, gpointer data)
{
	MpRewrite *rw = data;
	const MpRewriter *t = rw->tool;
	MpRewriteOut out;
	GError *e = NULL, *err = NULL;
	char *label, *msgid;
	int r;

	if (msg == NULL)
		return mp_run_failed(&rw->run, src, status, why);
	label = mp_source_label(src);
	msgid = mp_message_id(msg);
	if (!rw->run.batch && t->hold != NULL)
		sigprocmask(SIG_BLOCK, &rw->held, NULL);
	memset(&out, 0, sizeof out);
	status = t->rewrite(rw, msg, &out, &e);
	if (rw->run.batch) {
		if (status != MP_OK)
			mp_run_batch_failure(&rw->run, msgid, label, status,
			    e);
		r = report(&out, label, e, &err);
		r = mp_run_output(&rw->run, r, err);
	} else if (status != MP_OK) {
		r = mp_run_failed(&rw->run, src, status, e);
	} else {
		r = deliver(rw, msg, &out, label, msgid, &err);
		r = mp_run_output(&rw->run, r, err);
	}
	g_clear_error(&e);
	g_free(out.warning);
	g_free(out.record);
	g_free(out.line);
	t->clear(rw);
	g_free(msgid);
	g_free(label);
	return r;
}
