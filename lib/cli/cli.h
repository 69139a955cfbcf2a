/* cli.h - the options and set-up every mp command shares */
#ifndef MP_CLI_H
#define MP_CLI_H

#include <getopt.h>

#include "mail/batch.h"
#include "base/config.h"
#include "base/opts.h"
#include "mail/addr.h"

#define MP_CLI_CONFIG_OPTION \
	{ "config", required_argument, NULL, 'c' }
#define MP_CLI_DOMAIN_OPTIONS \
	{ "internal", required_argument, NULL, MP_OPT_INTERNAL }, \
	{ "semi-internal", required_argument, NULL, MP_OPT_SEMI_INTERNAL }
#define MP_CLI_RUN_OPTIONS \
	{ "mbox", required_argument, NULL, MP_OPT_MBOX }, \
	{ "maildir", required_argument, NULL, MP_OPT_MAILDIR }, \
	{ "syslog", no_argument, NULL, MP_OPT_SYSLOG }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, MP_OPT_VERSION }

#define MP_CLI_LONG_OPTIONS \
	MP_CLI_CONFIG_OPTION, MP_CLI_DOMAIN_OPTIONS, MP_CLI_RUN_OPTIONS
/* a command that reads no batch (mp-hold, mp-gate): -c, -h, --version */
#define MP_CLI_PLAIN_OPTIONS \
	MP_CLI_CONFIG_OPTION, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, MP_OPT_VERSION }
/* for a command that classifies no address: no --internal */
#define MP_CLI_LONG_OPTIONS_NO_DOMAINS \
	MP_CLI_CONFIG_OPTION, MP_CLI_RUN_OPTIONS

typedef struct {
	const char *config;
	GPtrArray *internal;	/* of const char * (argv strings) */
	GPtrArray *semi;
	const char *mbox;
	const char *maildir;
	gboolean syslog;
	gboolean head_only;	/* files: the header block is all we need */
} MpCliOpts;

/* mp_cli_init - empty shared options */
void mp_cli_init(MpCliOpts *o);
void mp_cli_clear(MpCliOpts *o);

/* mp_cli_option - take a shared option; FALSE if opt is not one */
gboolean mp_cli_option(MpCliOpts *o, int opt, const char *arg);

/* mp_cli_config - load mp.conf and add --internal/--semi-internal */
int mp_cli_config(const MpCliOpts *o, MpConfig **cfg, GError **err);

/* mp_cli_is_batch - whether --mbox, --maildir or several files were given */
gboolean mp_cli_is_batch(const MpCliOpts *o, int nfiles);

/* mp_cli_run - hand every input message to fn: mbox, Maildir, files, stdin */
int mp_cli_run(const MpCliOpts *o, char **files, int nfiles,
    const MpLimits *limits, MpMessageFunc fn, gpointer data, GError **err);


/* Writes a batch error record as JSON (lib/json.c has one). */
typedef int (*MpJsonErrorFunc)(const MpSource *src, int status,
    const GError *why, GError **err);

/* What a command keeps while it goes through its messages. */
typedef struct {
	gboolean batch;		/* records per message, errors as records */
	gboolean syslog;
	MpJsonErrorFunc json_error;	/* NULL: error records as text */
	int first_failure;	/* status of the first message that failed */
	GError *err;		/* why the run stopped */
} MpRun;

/*
 * mp_run_failed - one message could not be read or checked: a single-
 * message run stops with that status (the source in front of the
 * why); a batch prints an error record for it and goes on.
 */
int mp_run_failed(MpRun *run, const MpSource *src, int status,
    const GError *why);

/* mp_run_batch_failure - a message of a batch that the command could
 * not handle: logged with its Message-ID, the status kept for the exit;
 * the record is the caller's */
void mp_run_batch_failure(MpRun *run, const char *msgid, const char *label,
    int status, const GError *why);

/* mp_run_output - a record or message written (r, err): keep the why */
int mp_run_output(MpRun *run, int r, GError *err);

/* mp_run_finish - after the last message: finish standard output, say
 * what went wrong, and pick the exit status */
int mp_run_finish(MpRun *run, int status, GError *err);

/* mp_run_end - mp_run_finish for a caller that finished standard
 * output itself (status, err): say what went wrong, pick the status */
int mp_run_end(MpRun *run, int status, GError *err);

/*
 * The command line of a command: what mp_cli_parse needs to read it.
 * The hooks get the command's data; either may be NULL.
 */
typedef struct {
	const char *tool;		/* "mp-bccify": messages, --version */
	const char *usage;		/* for -h, and after a usage error */
	const char *shortopts;		/* getopt's */
	const struct option *shared;	/* a zero row last */
	/* take - an option no table can keep (one given again and again
	 * adds a value): TRUE if taken */
	gboolean (*take)(gpointer data, int id, const char *arg);
	/* took - an option a table took: FALSE makes it a usage error */
	gboolean (*took)(gpointer data, int id, const char *arg);
} MpCliSyntax;

/*
 * mp_cli_parse - the shared options into o and the rest into the
 * tables: -1 to go on with the operands (*argc, *argv), else the exit
 * status: 0 after -h or --version, 64 after the usage on standard
 * error (an unknown option, one that took refuses, two options of one
 * setting, more than one of --mbox, --maildir and files)
 */
int mp_cli_parse(const MpCliSyntax *syn, gpointer data, MpCliOpts *o,
    MpOpts *const *tables, int ntables, int *argc, char ***argv);

/*
 * A command that reads each message and prints what it makes of it
 * (mp-classify, mp-ccguard, mp-bccify): its command line and what it
 * does at each step of mp_cli_main.  Each step gets the command's data.
 * Those marked "or NULL" may be left out.
 */
typedef struct {
	const char *tool;		/* "mp-bccify": messages, --version */
	const char *usage;		/* for -h, and after a usage error */
	const char *shortopts;		/* getopt's */
	const struct option *shared;	/* a zero row last; NULL:
					 * MP_CLI_LONG_OPTIONS */
	const char *section;		/* the table's in mp.conf */
	const MpOptSpec *table;		/* the command's options */
	const MpOptSpec *extra;		/* a second table over the section
					 * (mp-policy's notice); or NULL */

	/* take - an option of the table it cannot keep (one given again
	 * and again adds a value): TRUE if taken; or NULL */
	gboolean (*take)(gpointer data, int id, const char *arg);
	/* usable - whether the options given go together (run.batch is
	 * known), and whether the header of a file is all it reads
	 * (opts.head_only); or NULL */
	gboolean (*usable)(gpointer data);
	/* set_policy - the table resolved against mp.conf: the command's
	 * settings made and checked before any mail is read */
	int (*set_policy)(gpointer data, GError **err);
	/* one_message - what the command makes of one message: MP_OK; a
	 * status and *err when it could not judge the message (a batch
	 * goes on); a status alone when its output failed (kept with
	 * mp_run_output: the run stops) */
	int (*one_message)(gpointer data, const MpSource *src, MpMessage *msg,
	    GError **err);
	/* unread - a message that could not be read (its error record is
	 * mp_cli_main's); or NULL */
	void (*unread)(gpointer data, const MpSource *src);
	/* finish - after the last message: the exit status; or NULL:
	 * mp_run_finish's */
	int (*finish)(gpointer data, int status, GError *err);
} MpCliCommand;

/* What mp_cli_main keeps of a command's run. */
typedef struct {
	MpCliOpts opts;		/* the shared options */
	MpOpts own;		/* the command's table over its section */
	MpOpts extra;		/* its extra table (none: no rows) */
	MpConfig *cfg;		/* mp.conf and the shared options */
	MpRun run;		/* the shared bookkeeping */
} MpCli;

/*
 * mp_cli_main - the whole command: the shared options and the tables
 * (-h, --version, a usage error: 64), mp.conf, the policy, then each
 * message handed to one_message (one that cannot be read stops a single
 * message's run and is an error record of a batch).  What cli holds is
 * released before the return.  Returns the exit status.
 */
int mp_cli_main(const MpCliCommand *cmd, MpCli *cli, gpointer data,
    int argc, char **argv);

#endif
