/* deliver.c - a notice handed to a file, a Maildir or a command, durably */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/output.h"
#include "base/secret.h"
#include "notice/deliver.h"

static int notice_to_file(const char *path, const GString *text,
    GError **err);
static int notice_to_maildir(const char *dir, const GString *text,
    GError **err);
static int notice_to_command(const char *command, const GString *text,
    int *caught, GError **err);

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

/* notice_to_file - path is replaced atomically by the notice; only a
 * regular file is replaced (a rename over /dev/full, run as root, would
 * put the notice where the device was) */
static int
notice_to_file(const char *path, const GString *text, GError **err)
{
	struct stat st;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return notice_failed(mp_fail(err, EX_CANTCREAT, "%s: not a "
		    "regular file: it is not replaced", path), err);
	return notice_failed(mp_write_file_atomic(path, text->str, text->len,
	    MP_NOTICE_FILE_MODE, err), err);
}

/*
 * notice_to_maildir - the Maildir way: write into tmp/ under a unique
 * name, sync, then rename into new/, where readers look.
 */
static int
notice_to_maildir(const char *dir, const GString *text, GError **err)
{
	gint64 now = g_get_real_time();
	char *token = mp_secret_token(MP_MAILDIR_UNIQUE_BYTES);
	char host[HOST_NAME_MAX + 1];
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
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    MP_NOTICE_FILE_MODE);
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
	struct timespec grace = { MP_NOTICE_COMMAND_GRACE_SECONDS, 0 };
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
