/* server.c - mp-gate's server: one listening socket, a fixed number of
 * prefork workers that each serve one connection at a time through an
 * MpSmtpSession, and a master that keeps them running, reloads on
 * SIGHUP and stops on SIGTERM */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "gate/server.h"

/* how long a worker must have lived for its failure to be replaced at
 * once: one that fails at start is replaced a second later, not in a
 * loop that fills the log */
#define RESPAWN_DELAY G_USEC_PER_SEC

/* what a worker reads at once, and the replies it lets pile up before
 * it writes them even with input still buffered (a client that
 * pipelines without reading must not grow our memory) */
#define READ_CHUNK 65536
#define OUT_HIGH 65536

/*
 * Signals are bytes on a pipe (the self-pipe trick): a handler writes
 * the signal's number and sets a flag, the loops poll the pipe and do
 * the work outside the handler.  A handler can reach nothing but
 * globals, so these two are the only ones; each worker makes a pipe of
 * its own after the fork.
 */
static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t sig_stop;	/* SIGTERM or SIGINT came */

/* A worker as the master knows it. */
typedef struct {
	pid_t pid;
	guint gen;		/* the configuration it was forked with */
	gint64 started;		/* monotonic, microseconds */
} Worker;

/* The master's state, and what each worker inherits of it. */
typedef struct {
	const MpGateServerOpts *o;
	const MpGateHandler *h;
	void *data;
	int lfd;		/* the listening socket; -1 once closed */
	char *unix_path;	/* the socket file made, removed at the end */
	GArray *workers;	/* Worker */
	guint gen;		/* the current generation */
	gboolean stopping;	/* SIGTERM: no more workers */
	gint64 respawn_at;	/* no worker forked before this */
	/* a worker's, read from o after the fork: a reload may have
	 * changed them */
	guint command_timeout;
	guint data_timeout;
	const char *hostname;
} Master;

/* on_signal - the handler of every signal caught: a byte on the pipe */
static void
on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (signo == SIGTERM || signo == SIGINT)
		sig_stop = 1;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* a full pipe has a wake-up in it already */
	}
	errno = saved;
}

/* sig_catch - a new pipe, and on_signal for each of sigs; FALSE and
 * errno when the pipe cannot be had */
static gboolean
sig_catch(const int *sigs, guint n)
{
	struct sigaction sa;
	guint i;

	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return FALSE;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < n; i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < n; i++)
		sigaction(sigs[i], &sa, NULL);
	return TRUE;
}

/* sig_set - a signal's disposition: SIG_DFL or SIG_IGN */
static void
sig_set(int signo, void (*disp)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = disp;
	sigemptyset(&sa.sa_mask);
	sigaction(signo, &sa, NULL);
}

/* sig_close - the pipe closed */
static void
sig_close(void)
{
	if (sig_pipe[0] >= 0)
		close(sig_pipe[0]);
	if (sig_pipe[1] >= 0)
		close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* sig_drain - the signals that came since the last call, as a mask of
 * 1 << signo */
static guint64
sig_drain(void)
{
	unsigned char b[64];
	guint64 seen = 0;
	ssize_t n, i;

	while ((n = read(sig_pipe[0], b, sizeof b)) > 0)
		for (i = 0; i < n; i++)
			if (b[i] < 64)
				seen |= (guint64)1 << b[i];
	return seen;
}

/* the signals the master acts on */
static const int master_sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };

/* listen_unix - a UNIX socket at path, any user may connect (Postfix's
 * lmtp client runs as postfix); a socket file left by an earlier run
 * is replaced, anything else there is not */
static int
listen_unix(const char *path, GError **err)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		mp_fail(err, EX_TEMPFAIL, "unix:%s: path too long",
		    path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			mp_fail(err, EX_TEMPFAIL, "unix:%s: exists and "
			    "is not a socket", path);
			return -1;
		}
		if (unlink(path) < 0) {
			mp_fail(err, EX_TEMPFAIL, "unix:%s: cannot "
			    "replace: %s", path, g_strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		mp_fail(err, EX_TEMPFAIL, "unix:%s: socket: %s", path,
		    g_strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    chmod(path, 0666) < 0 || listen(fd, SOMAXCONN) < 0) {
		mp_fail(err, EX_TEMPFAIL, "unix:%s: cannot listen: %s", path,
		    g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* inet_addr_of - "HOST:PORT" or "[IPV6]:PORT" as a socket address:
 * numeric addresses, "localhost", and "" or "*" for every IPv4
 * address (a listening address is the administrator's choice of
 * interface, no name to look up); FALSE when it is none of them */
static gboolean
inet_addr_of(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	const char *colon, *port;
	char *host, *end;
	unsigned long n;
	gboolean ok;

	if (addr[0] == '[') {
		if ((colon = strstr(addr, "]:")) == NULL)
			return FALSE;
		host = g_strndup(addr + 1, (gsize)(colon - addr - 1));
		port = colon + 2;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			return FALSE;
		host = g_strndup(addr, (gsize)(colon - addr));
		port = colon + 1;
	}
	errno = 0;
	n = strtoul(port, &end, 10);
	memset(ss, 0, sizeof *ss);
	if (*port == '\0' || *end != '\0' || errno != 0 || n == 0 ||
	    n > 65535 || strchr(port, '-') != NULL)
		ok = FALSE;
	else if (addr[0] == '[') {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)n);
		*len = sizeof *v6;
		ok = inet_pton(AF_INET6, host, &v6->sin6_addr) == 1;
	} else {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)n);
		*len = sizeof *v4;
		if (*host == '\0' || strcmp(host, "*") == 0)
			v4->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (g_ascii_strcasecmp(host, "localhost") == 0)
			v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &v4->sin_addr) != 1) {
			g_free(host);
			return FALSE;
		}
		ok = TRUE;
	}
	g_free(host);
	return ok;
}

/* listen_inet - a TCP socket at "HOST:PORT" or "[IPV6]:PORT" */
static int
listen_inet(const char *addr, GError **err)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int fd, one = 1;

	if (!inet_addr_of(addr, &ss, &len)) {
		mp_fail(err, EX_TEMPFAIL, "%s: not a numeric HOST:PORT or "
		    "[IPV6]:PORT", addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		mp_fail(err, EX_TEMPFAIL, "%s: socket: %s", addr,
		    g_strerror(errno));
		return -1;
	}
	/* a restart must not wait for the old connections' TIME_WAIT */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		mp_fail(err, EX_TEMPFAIL, "%s: cannot listen: %s", addr,
		    g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* now - the monotonic clock, microseconds */
static gint64
now(void)
{
	return g_get_monotonic_time();
}

/* ms_until - poll's timeout for a deadline (0 when it passed) */
static int
ms_until(gint64 deadline)
{
	gint64 left = deadline - now();

	if (left <= 0)
		return 0;
	return left / 1000 > G_MAXINT ? G_MAXINT : (int)(left / 1000 + 1);
}

/* flush - write all of out to the client, each wait for the socket at
 * most timeout seconds; FALSE when the client is gone or stuck */
static gboolean
flush(int fd, GString *out, guint timeout)
{
	gsize done = 0;
	ssize_t n;

	while (done < out->len) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		n = send(fd, out->str + done, out->len - done, MSG_NOSIGNAL);
		if (n > 0) {
			done += (gsize)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return FALSE;
		n = poll(&p, 1, (int)MIN(timeout, G_MAXINT / 1000) * 1000);
		if (n == 0)
			return FALSE;
		if (n < 0 && errno != EINTR)
			return FALSE;
	}
	g_string_truncate(out, 0);
	return TRUE;
}

/* in_transaction - whether a MAIL was accepted and its message is not
 * answered yet: what a worker told to stop still finishes */
static gboolean
in_transaction(const MpSmtpSession *s)
{
	return s->in_data || s->t.sender != NULL;
}

/* deliver - a whole message to the handler, its replies to the client */
static void
deliver(const Master *m, MpSmtpSession *s)
{
	guint n = s->t.rcpts->len, i;
	MpSmtpReply *r = g_new0(MpSmtpReply, n);

	m->h->message(m->data, &s->t, r);
	mp_smtp_session_answer_each(s, r, n);
	for (i = 0; i < n; i++)
		mp_smtp_reply_clear(&r[i]);
	g_free(r);
}

/* Why a connection ends. */
enum { C_OPEN, C_CLOSE, C_TIMEOUT, C_STOP };

/* What a connection has read and not yet handed to the session. */
typedef struct {
	GString *buf;
	gsize scanned;		/* bytes at the start of buf known to hold
				 * no CRLF: a long line is not searched
				 * again from its start at each read */
	gboolean discard;	/* the rest of a line too long is dropped */
	gint64 deadline;	/* of the command line, or of the message */
} Input;

/*
 * lines - every complete line of in through the session, replies
 * appended to s->out (and written when they pile up); what is consumed
 * is taken off in.  A line too long to be a command (smtp.h) is handed
 * over as far as it came, so that the session refuses it, and the rest
 * up to its CRLF dropped; a line of a message is kept up to the
 * message's limit, beyond which the message is too big anyway.
 */
static int
lines(const Master *m, int fd, MpSmtpSession *s, Input *in)
{
	gsize pos = 0, limit;
	int res = C_OPEN;

	while (res == C_OPEN) {
		const char *p = in->buf->str + pos, *nl = NULL;
		gsize left = in->buf->len - pos, n, skip, from;
		gboolean was_data = s->in_data;
		MpSmtpEvent ev;

		if (sig_stop && !in_transaction(s)) {
			res = C_STOP;
			break;
		}
		from = MIN(in->scanned, left);
		if (left - from >= 2)
			nl = memmem(p + from, left - from, "\r\n", 2);
		in->scanned = 0;
		if (nl == NULL && left > 0) {
			/* a CR at the end may start the CRLF */
			in->scanned = left - 1;
		}
		if (in->discard) {
			if (nl == NULL) {
				pos += in->scanned;
				in->scanned = 0;
				break;
			}
			pos += (gsize)(nl - p) + 2;
			in->discard = FALSE;
			continue;
		}
		if (nl != NULL) {
			n = (gsize)(nl - p);
			skip = n + 2;
		} else {
			limit = s->in_data ? MAX(m->o->max_size,
			    MP_SMTP_LINE_MAX) + 2 : MP_SMTP_LINE_MAX;
			if (left < limit)
				break;
			n = p[left - 1] == '\r' ? left - 1 : left;
			skip = n;
			in->scanned = 0;
			in->discard = TRUE;
		}
		ev = mp_smtp_session_line(s, p, n);
		pos += skip;
		if (ev == MP_SMTP_MESSAGE)
			deliver(m, s);
		else if (ev == MP_SMTP_CLOSE)
			res = C_CLOSE;
		if (s->in_data && !was_data)
			in->deadline = now() + (gint64)m->data_timeout *
			    G_USEC_PER_SEC;
		else if (!s->in_data)
			in->deadline = now() + (gint64)m->command_timeout *
			    G_USEC_PER_SEC;
		if (s->out->len > OUT_HIGH &&
		    !flush(fd, s->out, m->command_timeout))
			res = C_CLOSE;
	}
	g_string_erase(in->buf, 0, (gssize)pos);
	return res;
}

/*
 * serve - one connection, greeting to close.  Reads whatever arrived,
 * hands each complete line to the session, and writes the replies
 * only when nothing more is waiting to be read (RFC 2920 3: the group
 * of replies goes out before the server blocks on input).
 */
static void
serve(const Master *m, int fd)
{
	MpSmtpSession s;
	Input in = { .buf = g_string_sized_new(8192) };
	char *buf = g_malloc(READ_CHUNK);
	int res = C_OPEN;
	ssize_t n;

	in.deadline = now() + (gint64)m->command_timeout * G_USEC_PER_SEC;
	mp_smtp_session_init(&s, m->hostname, m->o->max_size);
	while (res == C_OPEN) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = sig_pipe[0], .events = POLLIN },
		};

		if ((res = lines(m, fd, &s, &in)) != C_OPEN)
			break;
		n = read(fd, buf, READ_CHUNK);
		if (n > 0) {
			g_string_append_len(in.buf, buf, n);
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)) {
			/* the client went away: what it sent before is
			 * answered, if it still listens */
			res = C_CLOSE;
			break;
		}
		if (s.out->len > 0 && !flush(fd, s.out, m->command_timeout))
			break;
		n = poll(p, 2, ms_until(in.deadline));
		if (n == 0)
			res = C_TIMEOUT;
		else if (n > 0 && (p[1].revents & POLLIN))
			sig_drain();
	}
	if (res == C_TIMEOUT)
		g_string_append(s.out, "421 4.4.2 mp-gate: timeout\r\n");
	else if (res == C_STOP)
		g_string_append(s.out, "421 4.3.2 mp-gate: shutting down\r\n");
	if (s.out->len > 0)
		flush(fd, s.out, m->command_timeout);
	mp_smtp_session_clear(&s);
	g_string_free(in.buf, TRUE);
	g_free(buf);
}

/* worker - a worker's life after the fork: connections one at a time
 * until max-use, SIGTERM, or the master's death */
static void G_GNUC_NORETURN
worker(Master *m, pid_t master)
{
	static const int sigs[] = { SIGTERM, SIGINT };
	sigset_t none;
	guint served = 0;
	int c;

	/* SIGTERM when the master dies, even by SIGKILL: no worker is
	 * left to hold the listening socket */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != master)
		_exit(0);
	sig_close();
	sig_stop = 0;
	if (!sig_catch(sigs, G_N_ELEMENTS(sigs))) {
		mp_diag_error(TRUE, NULL, "worker: pipe: %s",
		    g_strerror(errno));
		_exit(EX_OSERR);
	}
	/* the master's reload is its own; a terminal's hangup is not a
	 * reason to drop a transaction */
	sig_set(SIGHUP, SIG_IGN);
	sig_set(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	m->command_timeout = m->o->command_timeout > 0 ?
	    m->o->command_timeout : MP_GATE_COMMAND_TIMEOUT_DEFAULT;
	m->data_timeout = m->o->data_timeout > 0 ? m->o->data_timeout :
	    MP_GATE_DATA_TIMEOUT_DEFAULT;
	m->hostname = m->o->hostname != NULL ? m->o->hostname :
	    g_get_host_name();
	if (m->h->worker_start != NULL)
		m->h->worker_start(m->data);
	while (!sig_stop && (m->o->max_use == 0 || served < m->o->max_use)) {
		struct pollfd p[2] = {
			{ .fd = m->lfd, .events = POLLIN },
			{ .fd = sig_pipe[0], .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		if (p[1].revents & POLLIN)
			sig_drain();
		if (sig_stop || !(p[0].revents & POLLIN))
			continue;
		c = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0) {
			/* another worker took it, or the client left */
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ECONNABORTED)
				continue;
			mp_diag_error(TRUE, NULL, "worker %d: accept: %s",
			    (int)getpid(), g_strerror(errno));
			g_usleep(G_USEC_PER_SEC / 10);
			continue;
		}
		served++;
		serve(m, c);
		close(c);
	}
	close(m->lfd);
	if (m->h->worker_end != NULL)
		m->h->worker_end(m->data);
	fflush(NULL);
	_exit(0);
}

/* spawn - one more worker of the current generation; FALSE when fork
 * failed */
static gboolean
spawn(Master *m)
{
	sigset_t block, old;
	Worker w;
	pid_t pid, self = getpid();
	guint i;

	/* no handler of the master's may run in the child before it has
	 * a pipe of its own: the byte would reach the master */
	sigemptyset(&block);
	for (i = 0; i < G_N_ELEMENTS(master_sigs); i++)
		sigaddset(&block, master_sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		worker(m, self);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		mp_diag_error(TRUE, NULL, "cannot start a worker: fork: %s",
		    g_strerror(errno));
		return FALSE;
	}
	w.pid = pid;
	w.gen = m->gen;
	w.started = now();
	g_array_append_val(m->workers, w);
	return TRUE;
}

/* current - how many workers of the current generation run */
static guint
current(const Master *m)
{
	guint i, n = 0;

	for (i = 0; i < m->workers->len; i++)
		if (g_array_index(m->workers, Worker, i).gen == m->gen)
			n++;
	return n;
}

/* reap - the workers that are gone: logged when they failed, and one
 * that failed at once makes the next wait */
static void
reap(Master *m)
{
	guint i = 0;
	int st;
	pid_t r;

	while (i < m->workers->len) {
		Worker *w = &g_array_index(m->workers, Worker, i);
		gboolean failed = FALSE;

		/* each worker by its pid: a child the handler's reload
		 * started is the handler's to wait for */
		r = waitpid(w->pid, &st, WNOHANG);
		if (r == 0 || (r < 0 && errno == EINTR)) {
			i++;
			continue;
		}
		if (r > 0 && WIFSIGNALED(st)) {
			mp_diag_error(TRUE, NULL, "worker %d killed by signal %d",
			    (int)w->pid, WTERMSIG(st));
			failed = TRUE;
		} else if (r > 0 && WIFEXITED(st) && WEXITSTATUS(st) != 0) {
			mp_diag_error(TRUE, NULL, "worker %d exited with status "
			    "%d", (int)w->pid, WEXITSTATUS(st));
			failed = TRUE;
		}
		if (failed && now() - w->started < RESPAWN_DELAY)
			m->respawn_at = now() + RESPAWN_DELAY;
		g_array_remove_index_fast(m->workers, i);
	}
}

/* signal_workers - signo to the workers of generations before gen */
static void
signal_workers(const Master *m, guint gen, int signo)
{
	guint i;

	for (i = 0; i < m->workers->len; i++) {
		const Worker *w = &g_array_index(m->workers, Worker, i);

		if (w->gen < gen)
			kill(w->pid, signo);
	}
}

/* stop - SIGTERM: no new connection, the workers finish and exit */
static void
stop(Master *m)
{
	if (!m->stopping) {
		m->stopping = TRUE;
		if (m->lfd >= 0)
			close(m->lfd);
		m->lfd = -1;
		if (m->unix_path != NULL)
			unlink(m->unix_path);
	}
	signal_workers(m, G_MAXUINT, SIGTERM);
}

/* reload - SIGHUP: the handler reads its configuration again; on
 * success a new generation takes over and the old one finishes what it
 * is doing */
static void
reload(Master *m)
{
	GError *e = NULL;

	if (m->h->reload != NULL && m->h->reload(m->data, &e) != MP_OK) {
		mp_diag_error(TRUE, NULL, "reload failed, the running "
		    "configuration stays: %s", e != NULL ? e->message :
		    "no reason given");
		g_clear_error(&e);
		return;
	}
	m->gen++;
	m->respawn_at = 0;
	signal_workers(m, m->gen, SIGTERM);
	mp_diag_info(TRUE, NULL, "reloaded: generation %u", m->gen);
}

/* master - keep the workers running until SIGTERM and they are gone */
static void
master(Master *m)
{
	guint64 seen;

	while (!m->stopping || m->workers->len > 0) {
		struct pollfd p = { .fd = sig_pipe[0], .events = POLLIN };
		int timeout = -1;

		while (!m->stopping && current(m) < m->o->workers &&
		    now() >= m->respawn_at)
			if (!spawn(m))
				m->respawn_at = now() + RESPAWN_DELAY;
		if (!m->stopping && current(m) < m->o->workers)
			timeout = ms_until(m->respawn_at);
		if (poll(&p, 1, timeout) < 0 && errno != EINTR)
			g_usleep(G_USEC_PER_SEC / 10);
		seen = sig_drain();
		if (seen & ((guint64)1 << SIGCHLD))
			reap(m);
		if (seen & ((guint64)1 << SIGTERM | (guint64)1 << SIGINT))
			stop(m);
		if ((seen & ((guint64)1 << SIGHUP)) && !m->stopping)
			reload(m);
	}
}

/* mp_gate_serve - bind, keep o->workers workers running, reload on
 * SIGHUP, return after SIGTERM once every worker is gone */
int
mp_gate_serve(const MpGateServerOpts *o, const MpGateHandler *h,
    void *data, GError **err)
{
	Master m;
	const char *addr;
	guint i;
	int status = MP_OK;

	memset(&m, 0, sizeof m);
	m.o = o;
	m.h = h;
	m.data = data;
	m.gen = 1;
	if (o->workers == 0)
		return mp_fail(err, EX_CONFIG, "workers: must be at least 1");
	addr = o->listen != NULL ? o->listen : MP_GATE_LISTEN_DEFAULT;
	if (g_str_has_prefix(addr, "unix:")) {
		m.lfd = listen_unix(addr + 5, err);
		m.unix_path = g_strdup(addr + 5);
	} else {
		m.lfd = listen_inet(addr, err);
	}
	if (m.lfd < 0) {
		g_free(m.unix_path);
		return EX_TEMPFAIL;
	}
	if (!sig_catch(master_sigs, G_N_ELEMENTS(master_sigs))) {
		int e = errno;

		close(m.lfd);
		g_free(m.unix_path);
		return mp_fail(err, EX_OSERR, "pipe: %s", g_strerror(e));
	}
	sig_set(SIGPIPE, SIG_IGN);
	m.workers = g_array_new(FALSE, FALSE, sizeof(Worker));
	for (i = 0; i < o->workers; i++)
		if (!spawn(&m)) {
			stop(&m);
			master(&m);
			status = mp_fail(err, EX_TEMPFAIL, "cannot start %u "
			    "workers", o->workers);
			break;
		}
	if (!m.stopping)
		master(&m);
	for (i = 0; i < G_N_ELEMENTS(master_sigs); i++)
		sig_set(master_sigs[i], SIG_DFL);
	sig_close();
	g_array_free(m.workers, TRUE);
	g_free(m.unix_path);
	return status;
}
