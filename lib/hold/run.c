/* run.c - the [hold] settings, and the delivery of what is due: what
 * mp-hold --run does every minute, and what a button on the page or an
 * administrator's command does at once */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/output.h"
#include "base/parse.h"
#include "org/ccguard.h"
#include "hold/hold-int.h"
#include "hold/notices.h"

/* the most of sendmail's standard error kept for the entry */
#define STDERR_KEPT 512
/* what is copied to sendmail at a time */
#define FEED_BLOCK (64 * 1024)

/* the [hold] keys; the options are mp-hold's, the page reads the keys */
const MpOptSpec mp_hold_key_opts[] = {
	{ .id = MP_HOLD_OPT_SPOOL, .name = "spool",
	  .has_arg = required_argument, .key = "spool",
	  .def = MP_HOLD_SPOOL_DEFAULT },
	{ .id = MP_HOLD_OPT_SENDMAIL, .name = "sendmail",
	  .has_arg = required_argument, .key = "sendmail",
	  .def = MP_HOLD_SENDMAIL_DEFAULT },
	{ .id = MP_HOLD_OPT_BASE_URL, .name = "base-url",
	  .has_arg = required_argument, .key = "base-url" },
	{ .id = MP_HOLD_OPT_LANG, .name = "lang",
	  .has_arg = required_argument, .key = "lang",
	  .def = MP_HOLD_LANG_DEFAULT },
	{ .id = MP_HOLD_OPT_NOTICE, .name = "notice",
	  .has_arg = required_argument, .key = "notice" },
	{ .id = MP_HOLD_OPT_NOTICE_MAILDIR, .name = "notice-maildir",
	  .has_arg = required_argument, .key = "notice-maildir" },
	{ .id = MP_HOLD_OPT_NOTICE_CMD, .name = "notice-cmd",
	  .has_arg = required_argument, .key = "notice-cmd" },
	{ .id = MP_HOLD_OPT_NOTICE_FROM, .name = "notice-from",
	  .has_arg = required_argument, .key = "notice-from" },
	{ .id = MP_HOLD_OPT_TEMPLATE_DIR, .name = "template-dir",
	  .has_arg = required_argument, .key = "template-dir" },
	{ .id = MP_HOLD_OPT_SNAPSHOT, .name = "snapshot",
	  .has_arg = required_argument, .key = "snapshot",
	  .def = MP_CCGUARD_SNAPSHOT_DEFAULT },
	{ .id = MP_HOLD_OPT_APPROVE_TIMEOUT, .name = "approve-timeout",
	  .has_arg = required_argument, .key = "approve-timeout",
	  .def = MP_HOLD_APPROVE_TIMEOUT_DEFAULT },
	{ .id = MP_HOLD_OPT_CONFIRM_TIMEOUT, .name = "confirm-timeout",
	  .has_arg = required_argument, .key = "confirm-timeout",
	  .def = MP_HOLD_CONFIRM_TIMEOUT_DEFAULT },
	{ .id = MP_HOLD_OPT_HOLD_TIME, .key = "hold-time",
	  .def = MP_HOLD_TIME_DEFAULT },
	{ .id = MP_HOLD_OPT_APPROVERS, .key = "approvers" },
	{ .id = MP_HOLD_OPT_APPROVE_EXPIRY, .key = "approve-expiry",
	  .def = MP_HOLD_APPROVE_EXPIRY_DEFAULT },
	{ .id = MP_HOLD_OPT_TRACE, .key = "trace", .def = "yes" },
	{ .id = MP_HOLD_OPT_DSN, .key = "dsn", .def = "yes" },
	{ .id = MP_HOLD_OPT_SENDMAIL_TIMEOUT, .key = "sendmail-timeout",
	  .def = MP_HOLD_SENDMAIL_TIMEOUT_DEFAULT },
	{ .id = MP_HOLD_OPT_RETRY_FOR, .key = "retry-for",
	  .def = MP_HOLD_RETRY_FOR_DEFAULT },
	{ .id = MP_HOLD_OPT_PURGE_AFTER, .key = "purge-after",
	  .def = MP_HOLD_PURGE_AFTER_DEFAULT },
	{ .id = MP_HOLD_OPT_OVERRIDE, .key = "override", .def = "no" },
	MP_OPT_END,
};

/* mp_hold_ctx_load - the settings, the spool and the templates */
int
mp_hold_ctx_load(MpHoldCtx *c, const MpOpts *keys, const MpConfig *cfg,
    gboolean create, GError **err)
{
	const char *v;
	GError *e = NULL;
	int status;

	memset(c, 0, sizeof *c);
	c->cfg = cfg;
	if (!g_shell_parse_argv(mp_opts_value(keys, MP_HOLD_OPT_SENDMAIL),
	    NULL, &c->sendmail, &e)) {
		status = mp_opts_bad(keys, MP_HOLD_OPT_SENDMAIL, "a command",
		    err);
		g_error_free(e);
		return status;
	}
	if ((v = mp_opts_value(keys, MP_HOLD_OPT_BASE_URL)) != NULL) {
		if (!g_str_has_prefix(v, "https://") &&
		    !g_str_has_prefix(v, "http://"))
			return mp_opts_bad(keys, MP_HOLD_OPT_BASE_URL,
			    "an http:// or https:// address", err);
		c->base_url = g_str_has_suffix(v, "/") ? g_strdup(v) :
		    g_strconcat(v, "/", NULL);
	}
	c->trace = mp_opts_bool(keys, MP_HOLD_OPT_TRACE, TRUE);
	c->dsn = mp_opts_bool(keys, MP_HOLD_OPT_DSN, TRUE);
	c->sendmail_timeout = mp_opts_uint(keys, MP_HOLD_OPT_SENDMAIL_TIMEOUT,
	    300);
	c->override = mp_opts_bool(keys, MP_HOLD_OPT_OVERRIDE, FALSE);
	c->hold_time = mp_opts_uint(keys, MP_HOLD_OPT_HOLD_TIME, 300);
	c->approve_timeout = mp_opts_uint(keys, MP_HOLD_OPT_APPROVE_TIMEOUT,
	    MP_DAY);
	c->confirm_timeout = mp_opts_uint(keys, MP_HOLD_OPT_CONFIRM_TIMEOUT,
	    MP_DAY);
	c->retry_for = mp_opts_uint(keys, MP_HOLD_OPT_RETRY_FOR, 5 * MP_DAY);
	c->purge_after = mp_opts_uint(keys, MP_HOLD_OPT_PURGE_AFTER,
	    30 * MP_DAY);
	c->deliver_on_expiry = strcmp(mp_opts_value(keys,
	    MP_HOLD_OPT_APPROVE_EXPIRY), "deliver") == 0;
	c->lang = g_strdup(mp_opts_value(keys, MP_HOLD_OPT_LANG));
	c->notice_from = (v = mp_opts_value(keys, MP_HOLD_OPT_NOTICE_FROM)) !=
	    NULL ? g_strdup(v) : g_strconcat("postmaster@",
	    g_get_host_name(), NULL);
	c->template_dir = g_strdup(mp_opts_value(keys,
	    MP_HOLD_OPT_TEMPLATE_DIR));
	if ((v = mp_opts_value(keys, MP_HOLD_OPT_APPROVERS)) != NULL)
		c->approvers = mp_split_list(v);
	c->snapshot = g_strdup(mp_opts_value(keys, MP_HOLD_OPT_SNAPSHOT));
	c->dest.file = mp_opts_value(keys, MP_HOLD_OPT_NOTICE);
	c->dest.maildir = mp_opts_value(keys, MP_HOLD_OPT_NOTICE_MAILDIR);
	c->dest.command = mp_opts_value(keys, MP_HOLD_OPT_NOTICE_CMD);
	c->tz = mp_config_time_zone(cfg);
	if ((status = mp_hold_texts_load(c->template_dir, c->lang, &c->texts,
	    err)) != MP_OK)
		return status;
	return mp_hold_spool_open(mp_opts_value(keys, MP_HOLD_OPT_SPOOL),
	    create, &c->spool, err);
}

void
mp_hold_ctx_clear(MpHoldCtx *c)
{
	mp_hold_spool_close(c->spool);
	g_strfreev(c->sendmail);
	g_strfreev(c->approvers);
	g_free(c->base_url);
	g_free(c->lang);
	g_free(c->notice_from);
	g_free(c->template_dir);
	g_free(c->snapshot);
	if (c->tz != NULL)
		g_time_zone_unref(c->tz);
	if (c->texts != NULL)
		mp_hold_texts_free(c->texts);
	memset(c, 0, sizeof *c);
}

/* mp_hold_age - seconds from then to now; a time ahead of now (a clock
 * set back, a --now) is no age at all */
guint64
mp_hold_age(gint64 now, gint64 then)
{
	return now > then ? (guint64)(now - then) : 0;
}

/* mp_hold_now - --now, else the clock */
gint64
mp_hold_now(const MpHoldCtx *c)
{
	return c->now != 0 ? c->now : g_get_real_time() / G_USEC_PER_SEC;
}

/* mp_hold_notices_on - whether notices go anywhere */
gboolean
mp_hold_notices_on(const MpHoldCtx *c)
{
	return c->dest.file != NULL || c->dest.maildir != NULL ||
	    c->dest.command != NULL;
}

/* mp_hold_notify - a notice into the outbox, when notices go anywhere */
void
mp_hold_notify(const MpHoldCtx *c, MpHoldEntry *e, MpHoldNoticeKind kind,
    const char *to)
{
	if (mp_hold_notices_on(c))
		mp_hold_notice_add(e, kind, to);
}

/* mp_hold_due_now - every pending delivery due at now */
void
mp_hold_due_now(MpHoldEntry *e, gint64 now)
{
	guint i;

	for (i = 0; i < e->deliveries->len; i++) {
		MpHoldDelivery *d = e->deliveries->pdata[i];

		if (d->state == MP_HOLD_PENDING)
			d->due = now;
	}
}

/* mp_hold_cancel - every pending delivery cancelled */
void
mp_hold_cancel(MpHoldEntry *e, gint64 now)
{
	guint i;

	for (i = 0; i < e->deliveries->len; i++) {
		MpHoldDelivery *d = e->deliveries->pdata[i];

		if (d->state == MP_HOLD_PENDING) {
			d->state = MP_HOLD_CANCELLED;
			d->done = now;
		}
	}
}

/*
 * Sendmail's exit statuses that mean "try again later" (sysexits.h):
 * the machine's trouble (71 EX_OSERR, 73 EX_CANTCREAT, 74 EX_IOERR),
 * 75 itself, and 78 (EX_CONFIG), a mistake an administrator mends,
 * never a reason to return the sender's mail.  Any other status but 0
 * refuses this message for good.
 */
static gboolean
temporary_status(int st)
{
	return st == EX_OSERR || st == EX_CANTCREAT || st == EX_IOERR ||
	    st == EX_TEMPFAIL || st == EX_CONFIG;
}

/* trace_field - "X-MP-Hold: ..." with the message's line ending */
static char *
trace_field(const MpHoldEntry *e, const char *eol)
{
	return g_strdup_printf("X-MP-Hold: id=%s; mode=%s; by=%s%s", e->id,
	    mp_hold_mode_name(e->mode), e->by != NULL ? e->by : "timer", eol);
}

/* left_ms - the milliseconds from now to deadline (monotonic, in
 * microseconds), for poll; 0 when it has passed */
static int
left_ms(gint64 deadline)
{
	gint64 left = deadline - g_get_monotonic_time();

	return left <= 0 ? 0 : (int)MIN(left / 1000 + 1, G_MAXINT);
}

/* put - len bytes to sendmail's pipe (non-blocking), waiting for room
 * until deadline: a sendmail that stops reading must not stop us */
static int
put(int to, const char *buf, gsize len, gint64 deadline, GError **err)
{
	while (len > 0) {
		ssize_t n = write(to, buf, len);
		struct pollfd p = { .fd = to, .events = POLLOUT };
		int r;

		if (n >= 0) {
			buf += n;
			len -= (gsize)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return mp_fail(err, mp_errno_status(errno),
			    "sendmail: write: %s", g_strerror(errno));
		if ((r = poll(&p, 1, left_ms(deadline))) == 0)
			return mp_fail(err, EX_TEMPFAIL, "sendmail: it took "
			    "no more of the message for [hold] "
			    "sendmail-timeout");
		if (r < 0 && errno != EINTR)
			return mp_fail(err, EX_TEMPFAIL, "sendmail: poll: %s",
			    g_strerror(errno));
	}
	return MP_OK;
}

/* reap - wait for sendmail until deadline; TRUE when it ended (*st),
 * FALSE when it did not in time */
static gboolean
reap(pid_t pid, int *st, gint64 deadline)
{
	int fd = pidfd_open(pid, 0);
	pid_t r;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if ((r = waitpid(pid, st, WNOHANG)) == pid ||
		    (r < 0 && errno != EINTR))
			break;
		if (r == 0 && left_ms(deadline) == 0) {
			if (fd >= 0)
				close(fd);
			return FALSE;
		}
		/* without a pidfd (an old kernel), a look every 10 ms */
		if (fd < 0 || poll(&p, 1, left_ms(deadline)) < 0)
			g_usleep(10000);
	}
	if (fd >= 0)
		close(fd);
	return TRUE;
}

/* feed - what sendmail reads: the trace field after any mbox From_
 * line, then the held bytes, unchanged, until deadline */
static int
feed(int to, int from, const MpHoldEntry *e, gboolean trace,
    gint64 deadline, GError **err)
{
	char buf[FEED_BLOCK];
	gboolean first = TRUE;
	ssize_t n;
	int status = MP_OK;

	while ((n = read(from, buf, sizeof buf)) != 0) {
		gsize skip = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mp_fail(err, EX_TEMPFAIL, "read the message: %s",
			    g_strerror(errno));
		}
		if (first && trace) {
			char *nl = memchr(buf, '\n', (gsize)n);
			gboolean crlf = nl != NULL && nl > buf && nl[-1] == '\r';
			char *field = trace_field(e, crlf ? "\r\n" : "\n");

			if (n >= 5 && memcmp(buf, "From ", 5) == 0 && nl != NULL) {
				skip = (gsize)(nl - buf) + 1;
				status = put(to, buf, skip, deadline, err);
			}
			if (status == MP_OK)
				status = put(to, field, strlen(field),
				    deadline, err);
			g_free(field);
		}
		first = FALSE;
		if (status == MP_OK)
			status = put(to, buf + skip, (gsize)n - skip,
			    deadline, err);
		if (status != MP_OK)
			return status;
	}
	return MP_OK;
}

/* stderr_text - the last line sendmail wrote to its standard error
 * (at most STDERR_KEPT bytes of it, control characters blanked), or
 * NULL */
static char *
stderr_text(int fd)
{
	char buf[STDERR_KEPT + 1], *line, *p;
	off_t end;
	ssize_t n;

	if (fd < 0 || (end = lseek(fd, 0, SEEK_END)) <= 0)
		return NULL;
	n = pread(fd, buf, STDERR_KEPT, end > STDERR_KEPT ?
	    end - STDERR_KEPT : 0);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	g_strchomp(buf);
	line = (p = strrchr(buf, '\n')) != NULL ? p + 1 : buf;
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return *line != '\0' ? g_utf8_make_valid(line, -1) : NULL;
}

/*
 * sendmail - hand one delivery to sendmail: MP_OK when it took it, 75
 * (temporary) or 69 (refused) with *err saying why
 */
static int
sendmail(MpHoldCtx *c, const MpHoldEntry *e, const MpHoldDelivery *d,
    GError **err)
{
	GPtrArray *argv = g_ptr_array_new();
	char *path = mp_hold_message_path(c->spool, e->id);
	char *lower = NULL, *ret = NULL;
	int in[2], msg, st, errfd = -1, status = MP_OK;
	gint64 deadline;
	gboolean late = FALSE;
	char *said = NULL;
	pid_t pid, parent;
	guint i;
	GError *ferr = NULL;
	void (*old)(int);

	/* a status that cannot be had (ECHILD) is no success */
	st = EX_TEMPFAIL << 8;
	for (i = 0; c->sendmail[i] != NULL; i++)
		g_ptr_array_add(argv, c->sendmail[i]);
	g_ptr_array_add(argv, "-f");
	/* Postfix's sendmail reads "<>" as the null sender */
	g_ptr_array_add(argv, *e->sender != '\0' ? e->sender : "<>");
	/* the DSN the envelope asked for (RFC 3461), as Postfix's and
	 * Sendmail's sendmail take it: -N for NOTIFY, -R for RET, -V for
	 * ENVID ([hold] dsn = no for one that reads them otherwise) */
	if (c->dsn && d->notify != NULL) {
		g_ptr_array_add(argv, "-N");
		g_ptr_array_add(argv, lower = g_ascii_strdown(d->notify, -1));
	}
	if (c->dsn && e->dsn_ret != NULL) {
		g_ptr_array_add(argv, "-R");
		g_ptr_array_add(argv, ret = g_ascii_strdown(e->dsn_ret, -1));
	}
	if (c->dsn && e->dsn_envid != NULL) {
		g_ptr_array_add(argv, "-V");
		g_ptr_array_add(argv, e->dsn_envid);
	}
	g_ptr_array_add(argv, "--");
	for (i = 0; i < d->recipients->len; i++)
		g_ptr_array_add(argv, d->recipients->pdata[i]);
	g_ptr_array_add(argv, NULL);

	if ((msg = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		status = mp_fail(err, EX_TEMPFAIL, "open %s: %s", path,
		    g_strerror(errno));
		goto out;
	}
	/* what sendmail says goes into the entry and the failure notice
	 * ("550 5.1.1 no such user"), not only to our standard error */
	errfd = memfd_create("sendmail-stderr", MFD_CLOEXEC);
	if (pipe2(in, O_CLOEXEC) != 0) {
		status = mp_fail(err, EX_TEMPFAIL, "pipe: %s",
		    g_strerror(errno));
		close(msg);
		goto out;
	}
	parent = getpid();
	if ((pid = fork()) < 0) {
		status = mp_fail(err, EX_TEMPFAIL, "fork: %s",
		    g_strerror(errno));
		close(in[0]);
		close(in[1]);
		close(msg);
		goto out;
	}
	if (pid == 0) {
		/*
		 * Should we die before the message is whole, sendmail must
		 * die too: fed to its end of input, it would send what it
		 * has, and the next run the whole message again.  A group
		 * of its own: what it starts (postdrop) is stopped with it.
		 */
		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
		    getppid() != parent)
			_exit(EX_OSERR);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], 0) < 0 || (errfd >= 0 && dup2(errfd, 2) < 0))
			_exit(EX_OSERR);
		execv((char *)argv->pdata[0], (char **)argv->pdata);
		_exit(127);
	}
	setpgid(pid, pid);
	close(in[0]);
	old = signal(SIGPIPE, SIG_IGN);
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	deadline = g_get_monotonic_time() +
	    (gint64)c->sendmail_timeout * G_USEC_PER_SEC;
	status = feed(in[1], msg, e, c->trace, deadline, &ferr);
	/* a message we could not hand over whole must not go at all: a
	 * sendmail at its end of input sends what it read */
	if (status != MP_OK) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	close(in[1]);
	close(msg);
	if (!reap(pid, &st, deadline)) {
		/* a sendmail that hangs must not hold the run, nor the
		 * entry's lock: stopped, it is a temporary failure */
		late = TRUE;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	signal(SIGPIPE, old);
	said = stderr_text(errfd);
	if (late) {
		status = mp_fail(err, EX_TEMPFAIL, "%s: no answer in %"
		    G_GUINT64_FORMAT " s ([hold] sendmail-timeout), stopped",
		    c->sendmail[0], c->sendmail_timeout);
	} else if (status != MP_OK && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGKILL) {
		/* we stopped it: why we did */
		status = mp_fail(err, EX_TEMPFAIL, "%s", ferr->message);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && status == MP_OK) {
		status = MP_OK;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		status = mp_fail(err, EX_TEMPFAIL, "%s: cannot be run",
		    c->sendmail[0]);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
		int x = WEXITSTATUS(st);

		status = mp_fail(err, temporary_status(x) ? EX_TEMPFAIL :
		    EX_UNAVAILABLE, "%s: exit status %d%s%s%s", c->sendmail[0],
		    x, temporary_status(x) ? " (temporary)" : "",
		    said != NULL ? ": " : "", said != NULL ? said : "");
	} else if (WIFSIGNALED(st)) {
		status = mp_fail(err, EX_TEMPFAIL, "%s: killed by signal %d",
		    c->sendmail[0], WTERMSIG(st));
	} else {
		/* it exited 0 before it read all of the message: a
		 * sendmail that takes part of a message is broken */
		status = mp_fail(err, EX_TEMPFAIL, "%s", ferr != NULL ?
		    ferr->message : "write to sendmail failed");
	}
out:
	if (errfd >= 0)
		close(errfd);
	g_free(said);
	g_clear_error(&ferr);
	g_ptr_array_free(argv, TRUE);
	g_free(lower);
	g_free(ret);
	g_free(path);
	return status;
}

/* timer - the actor of what the clock does */
static const MpHoldActor timer_actor = { MP_HOLD_BY_TIMER, NULL, NULL };

/* expire - approval or confirmation nobody gave in time */
static int
expire(MpHoldCtx *c, MpHoldEntry *e, gint64 now, MpHoldRunStats *st,
    GError **err)
{
	st->expired++;
	mp_hold_notify(c, e, MP_HOLD_NOTICE_EXPIRED, e->sender);
	if (e->mode == MP_HOLD_MODE_APPROVE && e->deliver_on_expiry) {
		mp_hold_due_now(e, now);
		return mp_hold_transition(c->spool, e, MP_HOLD_APPROVED, now,
		    &timer_actor, "approval timed out: delivered "
		    "(approve-expiry = deliver)", err);
	}
	mp_hold_cancel(e, now);
	return mp_hold_transition(c->spool, e, MP_HOLD_EXPIRED, now,
	    &timer_actor, e->mode == MP_HOLD_MODE_APPROVE ?
	    "nobody approved in time" : "not confirmed in time", err);
}

/* settled - the state an entry ends in once nothing is pending: sent
 * if any delivery went, failed if one was refused and none went; -1
 * while it is not over (or was ended by a person) */
static int
settled(const MpHoldEntry *e, const char **detail)
{
	gboolean done = FALSE, refused = FALSE;
	guint i;

	*detail = NULL;
	if (mp_hold_state_final(e->state) || mp_hold_pending(e) > 0)
		return -1;
	for (i = 0; i < e->deliveries->len; i++) {
		const MpHoldDelivery *d = e->deliveries->pdata[i];

		done = done || d->state == MP_HOLD_DONE;
		refused = refused || d->state == MP_HOLD_REFUSED;
	}
	if (!done && !refused)
		return -1;
	if (refused)
		*detail = "some deliveries refused";
	return done ? MP_HOLD_SENT : MP_HOLD_FAILED;
}

/* deliver_due - every pending delivery that is due, one by one, each
 * result saved before the next */
static int
deliver_due(MpHoldCtx *c, MpHoldEntry *e, gint64 now, const MpHoldActor *by,
    MpHoldRunStats *st, GError **err)
{
	guint i;
	int status;

	for (i = 0; i < e->deliveries->len; i++) {
		MpHoldDelivery *d = e->deliveries->pdata[i];
		GError *why = NULL;
		const char *end_detail;
		char *detail;
		int r, end;

		if (d->state != MP_HOLD_PENDING || d->due == 0 || d->due > now)
			continue;
		if (d->first_attempt == 0)
			d->first_attempt = now;
		d->attempts++;
		r = sendmail(c, e, d, &why);
		g_free(d->error);
		d->error = why != NULL ? g_strdup(why->message) : NULL;
		if (r == MP_OK) {
			d->state = MP_HOLD_DONE;
			d->done = now;
			st->delivered++;
			detail = g_strdup_printf("%u recipient%s",
			    d->recipients->len, d->recipients->len == 1 ? "" :
			    "s");
		} else if (r == EX_TEMPFAIL &&
		    (guint64)(now - d->first_attempt) < c->retry_for) {
			st->deferred++;
			detail = g_strdup_printf("deferred: %s", why->message);
		} else {
			d->state = MP_HOLD_REFUSED;
			d->done = now;
			st->refused++;
			mp_hold_notify(c, e, MP_HOLD_NOTICE_FAILED, e->sender);
			detail = g_strdup_printf("%s: %s", r == EX_TEMPFAIL ?
			    "gave up after retry-for" : "refused",
			    why->message);
		}
		g_clear_error(&why);
		/* the last delivery ends the entry in the same save */
		if ((end = settled(e, &end_detail)) >= 0)
			mp_hold_set_state(e, (MpHoldState)end, now, by);
		/*
		 * The window of a duplicate: sendmail has the message, and a
		 * crash before this save delivers it again next run.
		 */
		status = mp_hold_save(c->spool, e, err);
		if (status == MP_OK)
			status = mp_hold_log2(c->spool, e->id, now, by,
			    d->state == MP_HOLD_DONE ? "delivered" :
			    d->state == MP_HOLD_PENDING ? "deferred" : "refused",
			    detail, end >= 0 ? mp_hold_state_name(
			    (MpHoldState)end) : NULL, end_detail, err);
		g_free(detail);
		if (status != MP_OK)
			return status;
	}
	return MP_OK;
}

/* finish - the end of an entry that no delivery of this run ended */
static int
finish(MpHoldCtx *c, MpHoldEntry *e, gint64 now, const MpHoldActor *by,
    GError **err)
{
	const char *detail;
	int end = settled(e, &detail);

	return end < 0 ? MP_OK : mp_hold_transition(c->spool, e,
	    (MpHoldState)end, now, by, detail, err);
}

/* send_notices - the outbox: each notice sent, then marked sent */
static int
send_notices(MpHoldCtx *c, MpHoldEntry *e, gint64 now, const MpHoldActor *by,
    MpHoldRunStats *st, GError **err)
{
	guint i;

	for (i = 0; i < e->notices->len; i++) {
		MpHoldNoticeItem *n = e->notices->pdata[i];
		GString *text;
		int caught = 0, r, status;
		GError *why = NULL;
		char *detail;

		if (n->sent)
			continue;
		text = mp_hold_notice_text(c, e, n->kind, n->to);
		r = mp_notice_deliver(&c->dest, text, &caught, &why);
		g_string_free(text, TRUE);
		if (r != MP_OK) {
			/* kept in the outbox for the next run */
			status = mp_fail(err, EX_TEMPFAIL, "%s: notice to %s: %s",
			    e->id, n->to, why->message);
			g_error_free(why);
			return status;
		}
		n->sent = TRUE;
		st->notices++;
		detail = g_strdup_printf("%s to %s", mp_hold_notice_name(
		    n->kind), n->to);
		status = mp_hold_save(c->spool, e, err);
		if (status == MP_OK)
			status = mp_hold_log(c->spool, e->id, now, "notice",
			    by, detail, err);
		g_free(detail);
		if (status != MP_OK)
			return status;
	}
	return MP_OK;
}

/* mp_hold_run_locked - one entry, its lock held: expiry, deliveries,
 * the end, the notices; by: who the log says did it */
int
mp_hold_run_locked(MpHoldCtx *c, MpHoldEntry *e, const MpHoldActor *by,
    MpHoldRunStats *st, GError **err)
{
	gint64 now = mp_hold_now(c);
	int status = MP_OK;

	if (e->state == MP_HOLD_HELD && e->expires != 0 && now >= e->expires) {
		char *before = mp_hold_entry_to_json(e);

		/* half an expiry (saved, not logged) is undone: next run */
		if ((status = expire(c, e, now, st, err)) != MP_OK)
			mp_hold_restore(c->spool, e->id, before);
		g_free(before);
	}
	if (status == MP_OK && !mp_hold_state_final(e->state))
		status = deliver_due(c, e, now, by, st, err);
	if (status == MP_OK)
		status = finish(c, e, now, by, err);
	if (status == MP_OK)
		status = send_notices(c, e, now, by, st, err);
	return status;
}

/* mp_hold_run_as - one entry, under its lock, by whom the log says */
int
mp_hold_run_as(MpHoldCtx *c, const char *id, guint wait_ms,
    const MpHoldActor *by, MpHoldRunStats *st, GError **err)
{
	MpHoldLock *lock;
	MpHoldEntry *e = NULL;
	int status;

	if ((status = mp_hold_lock(c->spool, id, wait_ms, &lock, err)) !=
	    MP_OK)
		return status;
	if ((status = mp_hold_load(c->spool, id, &e, err)) == MP_OK)
		status = mp_hold_run_locked(c, e, by, st, err);
	mp_hold_entry_free(e);
	mp_hold_unlock(lock);
	return status;
}

/* mp_hold_run_entry - one entry, under its lock */
int
mp_hold_run_entry(MpHoldCtx *c, const char *id, guint wait_ms,
    MpHoldRunStats *st, GError **err)
{
	return mp_hold_run_as(c, id, wait_ms, &timer_actor, st, err);
}

/* mp_hold_run - every entry once */
int
mp_hold_run(MpHoldCtx *c, MpHoldRunStats *st, GError **err)
{
	GPtrArray *ids;
	int status, first = MP_OK;
	guint i;

	if ((status = mp_hold_ids(c->spool, &ids, err)) != MP_OK)
		return status;
	mp_hold_clean_tmp(c->spool, mp_hold_now(c));
	for (i = 0; i < ids->len; i++) {
		GError *why = NULL;

		status = mp_hold_run_entry(c, ids->pdata[i], 0, st, &why);
		if (status == MP_OK)
			continue;
		if (g_str_has_suffix(why->message, "(another process has "
		    "it)")) {
			st->busy++;
		} else {
			st->failed++;
			mp_diag_error(c->cfg != NULL && c->cfg->syslog, NULL,
			    "%s", why->message);
			if (first == MP_OK) {
				first = EX_TEMPFAIL;
				g_propagate_error(err, why);
				why = NULL;
			}
		}
		g_clear_error(&why);
	}
	g_ptr_array_free(ids, TRUE);
	return first;
}

/* mp_hold_purge - finished entries older than age removed */
int
mp_hold_purge(MpHoldCtx *c, guint64 age, guint *removed, GError **err)
{
	gint64 now = mp_hold_now(c);
	GPtrArray *ids;
	int status;
	guint i;

	*removed = 0;
	if ((status = mp_hold_ids(c->spool, &ids, err)) != MP_OK)
		return status;
	for (i = 0; i < ids->len && status == MP_OK; i++) {
		MpHoldLock *lock;
		MpHoldEntry *e = NULL;

		if (mp_hold_lock(c->spool, ids->pdata[i], 0, &lock, NULL) !=
		    MP_OK)
			continue;
		if (mp_hold_load(c->spool, ids->pdata[i], &e, NULL) == MP_OK &&
		    mp_hold_state_final(e->state) && e->finished != 0 &&
		    mp_hold_age(now, e->finished) >= age) {
			status = mp_hold_remove(c->spool, e->id, err);
			if (status == MP_OK)
				(*removed)++;
		}
		mp_hold_entry_free(e);
		mp_hold_unlock(lock);
	}
	g_ptr_array_free(ids, TRUE);
	return status;
}
