/* rewrite.h - the driver of a rewriter: a command that takes the
 * attachments out of a message, hands a notice on first and prints the
 * message only once the notice is safe (mp-zipenc, mp-detach) */
#ifndef MP_REWRITE_H
#define MP_REWRITE_H

#include <signal.h>

#include "cli/cli.h"
#include "base/spool.h"

/* the most option tables a rewriter has besides the shared options */
#define MP_REWRITE_TABLES_MAX 4

/* what an administrator's mode returns when none was chosen: the
 * messages are read */
#define MP_REWRITE_MAIL (-1)

typedef struct MpRewrite MpRewrite;

/*
 * What the rewrite of one message made, as the driver needs it: the
 * texts are the driver's to free, the rest stays the tool's until its
 * clear.
 */
typedef struct {
	gboolean changed;	/* rewritten: the notice goes first, then
				 * the message from spool or text */
	const GString *notice;
	const MpSpool *spool;
	const GString *text;
	gboolean dkim_signed;	/* a DKIM-Signature the rewrite breaks */
	char *warning;		/* said before the message goes out */
	char *record;		/* logged once the message is out */
	char *line;		/* a batch's line, after "SOURCE: "; NULL
				 * for a failure: "error: WHY" */
} MpRewriteOut;

/*
 * A rewriter: its name and usage text, and what it does at each step.
 * The callbacks get the run (MpRewrite), whose data is the tool's own.
 * Those marked "or NULL" may be left out.
 */
typedef struct {
	const char *tool;	/* "mp-zipenc": diagnostics, --version */
	const char *usage;	/* the usage text, as -h prints it */

	/* took - one of the tool's options was taken: FALSE makes it a
	 * usage error; or NULL */
	gboolean (*took)(MpRewrite *rw, int id, const char *arg);
	/* usable - whether the options given go together; or NULL */
	gboolean (*usable)(MpRewrite *rw, int nfiles);
	/* set_policy - the tables resolved, the tool's settings made and
	 * checked before any mail is read */
	int (*set_policy)(MpRewrite *rw, GError **err);
	/* admin - a mode that reads no mail: its status, or
	 * MP_REWRITE_MAIL when none was chosen; or NULL */
	int (*admin)(MpRewrite *rw, GError **err);

	/* rewrite - decide and build, for one message, what out says */
	int (*rewrite)(MpRewrite *rw, const MpMessage *msg, MpRewriteOut *out,
	    GError **err);
	/* notice - hand the notice text on; *caught: a stop signal that
	 * stopped a notice command */
	int (*notice)(MpRewrite *rw, const GString *text, int *caught,
	    GError **err);
	/* clear - release what rewrite made */
	void (*clear)(MpRewrite *rw);

	/* undo - take back what the rewrite left outside the message when
	 * the message does not go out; or NULL: nothing to take back */
	void (*undo)(MpRewrite *rw);
	const char *undone;	/* what undo did, as a stop signal's
				 * message says it: "its entry is removed" */
	/* hold - the signals held from the rewrite until the message is
	 * out, so that undo can run; or NULL: none */
	void (*hold)(sigset_t *set);
} MpRewriter;

/* A rewriter's run. */
struct MpRewrite {
	const MpRewriter *tool;
	gpointer data;		/* the tool's */
	MpOpts *tables[MP_REWRITE_TABLES_MAX];
	int ntables;
	MpCliOpts cli;
	MpRun run;		/* the shared bookkeeping */
	MpConfig *cfg;
	MpAddrParser *ap;	/* with display names */
	gboolean undo_due;	/* a rewrite is going out: undo if it fails */
	sigset_t held;		/* the tool's hold */
	int caught;		/* a held signal that came, or 0 */
};

/*
 * mp_rewrite_main - the whole command: the shared options and the
 * tool's tables (initialised by the caller, which clears them after),
 * mp.conf, the policy, then each message: rewritten, and its notice
 * delivered before it is printed.  Returns the exit status.
 */
int mp_rewrite_main(const MpRewriter *tool, gpointer data,
    MpOpts *const *tables, int ntables, int argc, char **argv);

#endif
