/* server.h - mp-gate's server: a listening socket, a fixed number of
 * worker processes that each serve one connection at a time through an
 * MpSmtpSession, with the timeouts, reload and shutdown of a real
 * server */
#ifndef MP_GATESERVER_H
#define MP_GATESERVER_H

#include "gate/client.h"

/* defaults of the [gate] keys, documented in mp-gate(8) */
#define MP_GATE_LISTEN_DEFAULT "127.0.0.1:10025"
#define MP_GATE_WORKERS_DEFAULT 10	/* Postfix's default_process_limit
					 * is 100, a filter's transport in
					 * FILTER_README 10 */
#define MP_GATE_COMMAND_TIMEOUT_DEFAULT 300	/* RFC 5321 4.5.3.2.7 */
#define MP_GATE_DATA_TIMEOUT_DEFAULT 600	/* Postfix's
						 * smtp_data_done_timeout */
#define MP_GATE_MAX_SIZE_DEFAULT 52428800	/* 50M */
#define MP_GATE_MAX_USE_DEFAULT 100	/* connections a worker serves
					 * before a fresh one takes over */

typedef struct {
	const char *listen;	/* "HOST:PORT", "[IPV6]:PORT", "unix:PATH" */
	guint workers;
	guint command_timeout;	/* seconds for a command line */
	guint data_timeout;	/* seconds for the whole message of DATA */
	gsize max_size;
	guint max_use;		/* 0: no limit */
	const char *hostname;	/* the greeting's */
} MpGateServerOpts;

/* What the server does with what it hears. */
typedef struct {
	/*
	 * A whole message: the transaction t (envelope, XFORWARD, the
	 * data).  Fills replies[i] for each of t's recipients, in order;
	 * the session answers SMTP with the worst of them (any 4xx, else
	 * any 5xx, else 250) and LMTP with each.  Runs in a worker.
	 */
	void (*message)(void *data, const MpSmtpTransaction *t,
	    MpSmtpReply *replies);
	/* in each worker, after fork, before its first connection */
	void (*worker_start)(void *data);
	/* in each worker, before it exits */
	void (*worker_end)(void *data);
	/* SIGHUP, in the master: read the configuration again.  MP_OK:
	 * new workers take over, the old ones finish the transaction they
	 * are in and exit; else the error is logged and the workers of the
	 * old configuration go on */
	int (*reload)(void *data, GError **err);
} MpGateHandler;

/*
 * mp_gate_serve - bind o->listen (75 when it cannot be had), start
 * o->workers workers, keep that many running (a worker that dies is
 * logged and replaced; its client saw the connection close, which
 * Postfix takes as a temporary failure), reload on SIGHUP, and return
 * MP_OK after SIGTERM or SIGINT once every worker has finished the
 * transaction in flight and exited (a worker between transactions
 * exits at once).
 */
int mp_gate_serve(const MpGateServerOpts *o, const MpGateHandler *h,
    void *data, GError **err);

#endif
