/* gate.h - what mp-gate does with one message: the sender's checks, the
 * policy, the transforms per recipient class with the envelope split,
 * the hand-over to mp-hold or to the next hop, and the log line */
#ifndef MP_GATE_H
#define MP_GATE_H

#include "base/opts.h"
#include "gate/server.h"

/* [gate] keys: mp-gate(8).  Each has a command-line flag of the same
 * name (cmd/mp-gate). */
enum {
	MP_GATE_OPT_LISTEN = MP_OPT_FIRST_OWN,
	MP_GATE_OPT_NEXT,
	MP_GATE_OPT_WORKERS,
	MP_GATE_OPT_MAX_SIZE,
	MP_GATE_OPT_MAX_USE,
	MP_GATE_OPT_COMMAND_TIMEOUT,
	MP_GATE_OPT_DATA_TIMEOUT,
	MP_GATE_OPT_NEXT_TIMEOUT,
	MP_GATE_OPT_HOSTNAME,
	MP_GATE_OPT_AUTH_MISMATCH,
	MP_GATE_OPT_NULL_SENDER,
	MP_GATE_OPT_SNAPSHOT,
};

#define MP_GATE_NEXT_DEFAULT "127.0.0.1:10026"
#define MP_GATE_AUTH_MISMATCH_DEFAULT "reject"	/* or "policy" */
#define MP_GATE_NULL_SENDER_DEFAULT "check"	/* or "policy" */

/* the [gate] keys and their flags */
extern const MpOptSpec mp_gate_opts[];

/* What mp-gate was told besides its options. */
typedef struct {
	const char *config;	/* -c, or NULL for the default mp.conf */
	gboolean check;		/* --check: read everything, then exit */
} MpGateArgs;

/*
 * mp_gate_main - mp-gate's whole job: mp.conf and everything it names
 * read and checked (78 naming what is wrong: the daemon does not start
 * on a broken configuration), then the server until SIGTERM.
 */
int mp_gate_main(const MpGateArgs *a, MpOpts *o, GError **err);

#endif
