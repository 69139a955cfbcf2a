/*
 * gateprobe.c - mp-gate's server (lib/gate/server.c) with a handler the
 * test steers, for test/gate-server.bats.
 *
 *   gateprobe LISTEN [--workers N] [--max-use N] [--command-timeout S]
 *       [--data-timeout S] [--max-size N]
 *
 * Each recipient's local part says what becomes of it: "ok" 250,
 * "temp" 451 4.3.0, "perm" 550 5.7.1, "slow-N" N seconds, then 250,
 * "crash" abort()s the worker; any other 250.  Each message is a line
 * "PID SENDER RCPT,... SIZE SHA256" in the file $GATEPROBE_LOG.  The
 * greeting names the generation ("gen1.gateprobe"); SIGHUP makes it
 * the next one, unless the file $GATEPROBE_FAIL_RELOAD exists, when
 * the reload fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "gate/server.h"

typedef struct {
	guint gen;
	char hostname[64];	/* o->hostname points here: a reload
				 * rewrites it before the new workers
				 * fork */
	int log;		/* $GATEPROBE_LOG, in a worker */
} Probe;

/* sleep_fully - n seconds, signals or not (a SIGTERM to the worker
 * must not cut the transaction short) */
static void
sleep_fully(guint n)
{
	struct timespec t = { .tv_sec = n }, left;

	while (nanosleep(&t, &left) < 0 && errno == EINTR)
		t = left;
}

/* local_part - the part of an address before its last "@" */
static char *
local_part(const char *address)
{
	const char *at = strrchr(address, '@');

	return at != NULL ? g_strndup(address, (gsize)(at - address)) :
	    g_strdup(address);
}

/* message - the handler: a log line, then a reply per recipient */
static void
message(void *data, const MpSmtpTransaction *t, MpSmtpReply *replies)
{
	Probe *p = data;
	GString *line = g_string_new(NULL), *rcpts = g_string_new(NULL);
	char *sum;
	guint i, slow = 0;

	for (i = 0; i < t->rcpts->len; i++) {
		const MpSmtpRcpt *r = t->rcpts->pdata[i];
		char *lp = local_part(r->address);

		if (strcmp(lp, "crash") == 0)
			abort();
		if (g_str_has_prefix(lp, "slow-"))
			slow = MAX(slow, (guint)atoi(lp + 5));
		g_string_append_printf(rcpts, "%s%s", i > 0 ? "," : "",
		    r->address);
		g_free(lp);
	}
	sleep_fully(slow);
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)t->data.text->str, t->data.text->len);
	g_string_printf(line, "%d <%s> %s %" G_GSIZE_FORMAT " %s\n",
	    (int)getpid(), t->sender, rcpts->str, t->data.text->len, sum);
	if (p->log >= 0 && write(p->log, line->str, line->len) < 0)
		abort();
	for (i = 0; i < t->rcpts->len; i++) {
		const MpSmtpRcpt *r = t->rcpts->pdata[i];
		char *lp = local_part(r->address);

		if (strcmp(lp, "temp") == 0)
			mp_smtp_reply_set(&replies[i], 451, "4.3.0",
			    "try again later, %s", r->address);
		else if (strcmp(lp, "perm") == 0)
			mp_smtp_reply_set(&replies[i], 550, "5.7.1",
			    "refused, %s", r->address);
		else
			mp_smtp_reply_set(&replies[i], 250, "2.0.0",
			    "delivered, %s", r->address);
		g_free(lp);
	}
	g_free(sum);
	g_string_free(line, TRUE);
	g_string_free(rcpts, TRUE);
}

/* worker_start - the log opened, appending */
static void
worker_start(void *data)
{
	Probe *p = data;
	const char *path = g_getenv("GATEPROBE_LOG");

	p->log = -1;
	if (path != NULL && (p->log = open(path, O_WRONLY | O_APPEND |
	    O_CREAT | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "gateprobe: %s: %s\n", path, g_strerror(errno));
		_exit(EX_CANTCREAT);
	}
}

/* worker_end - the log closed */
static void
worker_end(void *data)
{
	Probe *p = data;

	if (p->log >= 0)
		close(p->log);
}

/* reload - the next generation, or a failure when asked for one */
static int
reload(void *data, GError **err)
{
	Probe *p = data;
	const char *fail = g_getenv("GATEPROBE_FAIL_RELOAD");

	if (fail != NULL && g_file_test(fail, G_FILE_TEST_EXISTS))
		return mp_fail(err, EX_CONFIG, "%s: told to fail", fail);
	p->gen++;
	g_snprintf(p->hostname, sizeof p->hostname, "gen%u.gateprobe",
	    p->gen);
	return MP_OK;
}

int
main(int argc, char **argv)
{
	gint workers = 2, max_use = 0, command_timeout = 300,
	    data_timeout = 600;
	gint64 max_size = 10 * 1024 * 1024;
	GOptionEntry entries[] = {
		{ "workers", 0, 0, G_OPTION_ARG_INT, &workers, NULL, "N" },
		{ "max-use", 0, 0, G_OPTION_ARG_INT, &max_use, NULL, "N" },
		{ "command-timeout", 0, 0, G_OPTION_ARG_INT, &command_timeout,
		  NULL, "S" },
		{ "data-timeout", 0, 0, G_OPTION_ARG_INT, &data_timeout, NULL,
		  "S" },
		{ "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size, NULL, "N" },
		G_OPTION_ENTRY_NULL
	};
	MpGateHandler h = { .message = message, .worker_start = worker_start,
	    .worker_end = worker_end, .reload = reload };
	MpGateServerOpts o;
	GOptionContext *ctx = g_option_context_new("LISTEN");
	GError *err = NULL;
	Probe p = { .gen = 1, .log = -1 };
	int status;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 2 ||
	    workers < 1 || max_use < 0 || command_timeout < 1 ||
	    data_timeout < 1 || max_size < 0) {
		fprintf(stderr, "usage: gateprobe LISTEN [--workers N] "
		    "[--max-use N] [--command-timeout S] [--data-timeout S] "
		    "[--max-size N]%s%s\n", err != NULL ? ": " : "",
		    err != NULL ? err->message : "");
		return EX_USAGE;
	}
	g_option_context_free(ctx);
	mp_diag_open("gateprobe", FALSE);
	g_snprintf(p.hostname, sizeof p.hostname, "gen%u.gateprobe", p.gen);
	memset(&o, 0, sizeof o);
	o.listen = argv[1];
	o.workers = (guint)workers;
	o.max_use = (guint)max_use;
	o.command_timeout = (guint)command_timeout;
	o.data_timeout = (guint)data_timeout;
	o.max_size = (gsize)max_size;
	o.hostname = p.hostname;
	if ((status = mp_gate_serve(&o, &h, &p, &err)) != MP_OK) {
		fprintf(stderr, "gateprobe: %s\n", err->message);
		g_error_free(err);
	}
	return status;
}
