/* notice.c - a message of its own (a password notice), made and delivered */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mail/encode.h"
#include "notice/notice.h"
#include "base/output.h"
#include "base/secret.h"

/* a template is a page of text; anything bigger is not one */
#define TEMPLATE_BYTES_MAX (64 * 1024)
#define PLACEHOLDER_MAX 32

static int notice_to_file(const char *path, const GString *text,
    GError **err);
static int notice_to_maildir(const char *dir, const GString *text,
    GError **err);
static int notice_to_command(const char *command, const GString *text,
    int *caught, GError **err);

/* placeholder_at - the length of "{name}" at s, with name, or 0 */
static gsize
placeholder_at(const char *s, char *name)
{
	gsize i;

	if (s[0] != '{')
		return 0;
	for (i = 1; i <= PLACEHOLDER_MAX && (g_ascii_isalnum(s[i]) ||
	    s[i] == '-'); i++)
		;
	if (i == 1 || i > PLACEHOLDER_MAX || s[i] != '}')
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

	char name[PLACEHOLDER_MAX + 1];
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

		if (g_ascii_strncasecmp(text, "Subject:", 8) != 0 ||
		    (nl != NULL && nl[1] != '\n' && nl[1] != '\0'))
			status = mp_fail(err, EX_CONFIG, "template %s:1: must "
			    "start with a Subject: line and an empty line",
			    where);
		else {
			t->subject = g_strstrip(g_strndup(text + 8, first - 8));
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
	if (len > TEMPLATE_BYTES_MAX || strlen(text) != len)
		status = mp_fail(err, EX_CONFIG, "template %s: not a text of "
		    "at most %d bytes", path, TEMPLATE_BYTES_MAX);
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
	char name[PLACEHOLDER_MAX + 1];
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
		if (i > 0 && line + 1 + strlen(a) > 78) {
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
	char *date = mp_rfc5322_date(now), *token = mp_secret_token(12);
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

/*
 * notice_failed - every failure to deliver a notice is temporary for the
 * MTA (exit 75) and says it was the notice
 */
static int
notice_failed(int status, GError **err)
{
	if (status == MP_OK)
		return MP_OK;
	if (err != NULL && *err != NULL) {
		g_prefix_error(err, "notice: ");
		(*err)->code = EX_TEMPFAIL;
	}
	return EX_TEMPFAIL;
}

/* write_sync_close - all of text to fd, fsync, close; fd is closed */
static int
write_sync_close(int fd, const char *path, const GString *text,
    GError **err)
{
	int status = mp_write_all(fd, text->str, text->len, path, err);

	if (status == MP_OK && fsync(fd) != 0)
		status = mp_fail(err, EX_TEMPFAIL, "sync %s: %s", path,
		    g_strerror(errno));
	if (close(fd) != 0 && status == MP_OK)
		status = mp_fail(err, EX_TEMPFAIL, "close %s: %s", path,
		    g_strerror(errno));
	return status;
}

/* notice_to_file - path is replaced atomically by the notice */
static int
notice_to_file(const char *path, const GString *text, GError **err)
{
	return notice_failed(mp_write_file_atomic(path, text->str, text->len,
	    0600, err), err);
}

/*
 * notice_to_maildir - the Maildir way: write into tmp/ under a unique
 * name, sync, then rename into new/, where readers look.
 */
static int
notice_to_maildir(const char *dir, const GString *text, GError **err)
{
	gint64 now = g_get_real_time();
	char *token = mp_secret_token(8), host[256];
	char *name, *tmp, *dst, *newdir;
	int fd, status;

	if (gethostname(host, sizeof host) != 0)
		g_strlcpy(host, "localhost", sizeof host);
	host[sizeof host - 1] = '\0';
	g_strdelimit(host, "/:", '_');
	name = g_strdup_printf("%" G_GINT64_FORMAT ".M%06dP%dR%s.%s",
	    now / G_USEC_PER_SEC, (int)(now % G_USEC_PER_SEC), (int)getpid(),
	    token, host);
	tmp = g_build_filename(dir, "tmp", name, NULL);
	newdir = g_build_filename(dir, "new", NULL);
	dst = g_build_filename(newdir, name, NULL);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		status = mp_fail(err, EX_TEMPFAIL, "%s: %s", tmp,
		    g_strerror(errno));
		goto done;
	}
	status = write_sync_close(fd, tmp, text, err);
	if (status == MP_OK && rename(tmp, dst) != 0)
		status = mp_fail(err, EX_TEMPFAIL, "rename to %s: %s", dst,
		    g_strerror(errno));
	if (status != MP_OK)
		unlink(tmp);
	else
		status = mp_fsync_dir(newdir, err);
done:
	g_free(dst);
	g_free(newdir);
	g_free(tmp);
	g_free(name);
	g_free(token);
	return notice_failed(status, err);
}

/* how long a notice command may take to stop after SIGTERM before it
 * gets SIGKILL, when we are told to stop ourselves */
#define COMMAND_GRACE_SECONDS 2

/*
 * notice_input - the notice in an anonymous memory file, at offset 0:
 * the command's standard input.  A file, not a pipe, because what the
 * command read shows afterwards in the offset it shares with us (a pipe
 * only shows a reader that stopped once the pipe buffer is full), and
 * in memory, because it holds the password.
 */
static int
notice_input(const GString *text, int *out, GError **err)
{
	int fd = memfd_create("mp-notice", MFD_CLOEXEC), status;

	*out = -1;
	if (fd < 0)
		return mp_fail(err, EX_TEMPFAIL, "notice command: memfd: %s",
		    g_strerror(errno));
	status = mp_write_all(fd, text->str, text->len, "notice command", err);
	if (status == MP_OK && lseek(fd, 0, SEEK_SET) != 0)
		status = mp_fail(err, EX_TEMPFAIL, "notice command: seek: %s",
		    g_strerror(errno));
	if (status != MP_OK) {
		close(fd);
		return EX_TEMPFAIL;
	}
	*out = fd;
	return MP_OK;
}

/*
 * command_stop - stop the command's whole process group (sh and what it
 * started, such as sendmail): SIGTERM, then SIGKILL after a grace; reap
 * sh.  Called with SIGCHLD blocked.
 */
static void
command_stop(pid_t pid, int *wstatus)
{
	struct timespec grace = { COMMAND_GRACE_SECONDS, 0 };
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
	while (waitpid(pid, wstatus, WNOHANG) == 0)
		if (sigtimedwait(&chld, NULL, &grace) < 0 && errno == EAGAIN)
			break;
	kill(-pid, SIGKILL);
	while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
		;
}

/*
 * command_wait - wait for the command; a SIGTERM, SIGINT or SIGHUP
 * meanwhile stops it (command_stop) and is returned in *caught.  The
 * signals are blocked from before the fork, so none is lost.
 */
static int
command_wait(pid_t pid, const sigset_t *watch, int *wstatus, int *caught,
    GError **err)
{
	pid_t r;
	int sig;

	for (;;) {
		r = waitpid(pid, wstatus, WNOHANG);
		if (r == pid)
			return MP_OK;
		if (r < 0 && errno != EINTR)
			return mp_fail(err, EX_TEMPFAIL, "notice command: "
			    "wait: %s", g_strerror(errno));
		sig = sigwaitinfo(watch, NULL);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			*caught = sig;
			command_stop(pid, wstatus);
			return mp_fail(err, EX_TEMPFAIL, "notice command "
			    "stopped: we were sent signal %d", sig);
		}
	}
}

/*
 * mp_stop_signals - add SIGTERM, SIGINT and SIGHUP to set, each unless
 * it is ignored: under nohup(1), or as a shell's background job, the
 * caller chose not to be stopped by it
 */
void
mp_stop_signals(sigset_t *set)
{
	static const int sig[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	guint i;

	for (i = 0; i < G_N_ELEMENTS(sig); i++)
		if (sigaction(sig[i], NULL, &sa) != 0 ||
		    sa.sa_handler != SIG_IGN)
			sigaddset(set, sig[i]);
}

/*
 * notice_to_command - run command with sh -c, the notice on its
 * standard input.  Its standard output goes to our standard error: our
 * standard output is the message.  It counts as taken only when the
 * command exits with 0 and has read every byte: a command that exits 0
 * without reading would lose the password.  The command runs in a
 * process group of its own, which is stopped when we are told to stop
 * (SIGTERM, SIGINT, SIGHUP; *caught says which), so no notice goes out
 * for a message that never left.  It also gets SIGKILL when we die
 * without cleaning up (kill -9), as far as the kernel allows: only sh
 * itself, and not after it runs a set-uid program.
 */
static int
notice_to_command(const char *command, const GString *text, int *caught,
    GError **err)
{
	sigset_t watch, old;
	int in, wstatus = 0, status;
	pid_t pid, parent = getpid();
	off_t read_to;

	if ((status = notice_input(text, &in, err)) != MP_OK)
		return status;
	sigemptyset(&watch);
	sigaddset(&watch, SIGCHLD);
	mp_stop_signals(&watch);
	sigprocmask(SIG_BLOCK, &watch, &old);
	pid = fork();
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(in);
		return mp_fail(err, EX_TEMPFAIL, "notice command: fork: %s",
		    g_strerror(errno));
	}
	if (pid == 0) {
		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
		    getppid() != parent)
			_exit(EX_TEMPFAIL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (dup2(in, 0) < 0 || dup2(2, 1) < 0)
			_exit(EX_OSERR);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	/* both sides, so that the group exists before either acts on it */
	setpgid(pid, pid);
	*caught = 0;
	status = command_wait(pid, &watch, &wstatus, caught, err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	read_to = lseek(in, 0, SEEK_CUR);
	close(in);
	if (status != MP_OK)
		return status;
	if (WIFSIGNALED(wstatus))
		return mp_fail(err, EX_TEMPFAIL, "notice command killed by "
		    "signal %d: %s", WTERMSIG(wstatus), command);
	if (WEXITSTATUS(wstatus) != 0)
		return mp_fail(err, EX_TEMPFAIL, "notice command exited "
		    "with %d: %s", WEXITSTATUS(wstatus), command);
	if (read_to < 0 || (gsize)read_to != text->len)
		return mp_fail(err, EX_TEMPFAIL, "notice command did not read "
		    "the whole notice (%lld of %" G_GSIZE_FORMAT " bytes): %s",
		    (long long)MAX(read_to, 0), text->len, command);
	return MP_OK;
}

/*
 * mp_notice_deliver - hand text to every destination, durably
 *
 * Every failure is temporary (75): the message must not go out while
 * its password is nowhere, and the MTA's retry makes a new password and
 * a new notice.  *caught is the signal (SIGTERM, SIGINT, SIGHUP) that
 * stopped a notice command, or 0: the caller cleans up and dies of it.
 */
int
mp_notice_deliver(const MpNoticeDest *dest, const GString *text,
    int *caught, GError **err)
{
	int status = MP_OK;

	*caught = 0;
	if (dest->file != NULL)
		status = notice_to_file(dest->file, text, err);
	if (status == MP_OK && dest->maildir != NULL)
		status = notice_to_maildir(dest->maildir, text, err);
	if (status == MP_OK && dest->command != NULL)
		status = notice_to_command(dest->command, text, caught, err);
	return status;
}
